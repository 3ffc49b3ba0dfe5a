//! `perf-report`: runs the workloads of the criterion benches with a plain
//! timing loop and prints the Markdown tables of `docs/performance.md`:
//! throughput (lines/s, MB/s, ns/line) per workload and the same-run ratios
//! against the targets, for the spec and etsy corpora and the DogStatsD
//! corpus.
//!
//! ```text
//! cargo run --profile bench -p statsd-wire-benches --example perf-report -- [--rounds N]
//! ```
//!
//! Every round runs every workload once, in turn, so each ratio compares two
//! timings taken seconds apart; the tables give the median over the rounds
//! (and, for the ratios, the range). Each timing repeats its workload until at
//! least 20 ms have passed. `STATSD_BENCH_LINES` shrinks the corpora for a quick
//! look.

use std::time::{Duration, Instant};

use statsd_wire::{Config, ErrorKind};
use statsd_wire_benches::corpus::{
    Corpus, DEFAULT_SEED, HOSTILE_CLASSES, HOSTILE_DOGSTATSD_CLASSES, HOSTILE_LINES, LineKind,
    hostile_config, hostile_dogstatsd_config,
};
use statsd_wire_benches::workload::{self, Metrics};

#[path = "../common/peers.rs"]
mod peers;

/// One timed workload.
struct Workload<'a> {
    id: String,
    /// Lines parsed or metrics encoded per run.
    lines: usize,
    /// Bytes read or written per run.
    bytes: usize,
    run: Box<dyn FnMut() -> usize + 'a>,
    reps: u32,
    times: Vec<Duration>,
}

impl<'a> Workload<'a> {
    fn new(id: &str, lines: usize, bytes: usize, run: impl FnMut() -> usize + 'a) -> Self {
        Workload {
            id: id.to_owned(),
            lines,
            bytes,
            run: Box::new(run),
            reps: 1,
            times: Vec::new(),
        }
    }

    /// Chooses the repetitions so one timing takes at least 20 ms.
    fn calibrate(&mut self) {
        let start = Instant::now();
        std::hint::black_box((self.run)());
        let once = start.elapsed().max(Duration::from_micros(1));
        self.reps = (Duration::from_millis(20).as_secs_f64() / once.as_secs_f64()).ceil() as u32;
        self.reps = self.reps.max(1);
    }

    fn time(&mut self) {
        let start = Instant::now();
        for _ in 0..self.reps {
            std::hint::black_box((self.run)());
        }
        self.times.push(start.elapsed() / self.reps);
    }

    fn ns_per_line(&self, round: usize) -> f64 {
        self.times[round].as_nanos() as f64 / self.lines as f64
    }

    fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        t[t.len() / 2]
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A ratio: how many times cheaper per line `subject` is than `reference`.
struct Ratio {
    what: &'static str,
    subject: &'static str,
    reference: &'static str,
    target: Option<f64>,
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn main() {
    let mut rounds = 11;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--rounds N")
            }
            other => panic!("unknown argument {other:?} (expected --rounds N)"),
        }
    }

    let (spec_config, etsy_config, hostile_cfg) =
        (Config::spec(), Config::etsy(), hostile_config());
    let spec = Corpus::spec();
    let etsy = Corpus::etsy();
    let subset = spec.retain(peers::statsd_parser_accepts);
    let proto_subset = spec.retain(peers::statsdproto_accepts);
    assert_eq!(
        subset.kinds(),
        proto_subset.kinds(),
        "the peers accept the same lines"
    );
    let proto_bytes = peers::to_bytes(&proto_subset);
    let hostile = Corpus::hostile(HOSTILE_LINES, DEFAULT_SEED);
    let metrics = Metrics::parse(&spec, &spec_config);
    let client = peers::cadence_client();
    let by_class: Vec<(ErrorKind, Corpus)> = HOSTILE_CLASSES
        .iter()
        .map(|&class| {
            let mut kinds = hostile.kinds().iter();
            let only = hostile.retain(|_| kinds.next() == Some(&LineKind::Invalid(class)));
            (class, only)
        })
        .collect();
    let valid_kinds = [
        LineKind::Counter,
        LineKind::Timer,
        LineKind::Gauge,
        LineKind::Histogram,
        LineKind::Meter,
        LineKind::BareName,
    ];
    let by_kind: Vec<(LineKind, Corpus)> = valid_kinds
        .iter()
        .map(|&kind| {
            let mut kinds = spec.kinds().iter();
            (kind, spec.retain(|_| kinds.next() == Some(&kind)))
        })
        .collect();

    // The dogstatsd dialect.
    let (dog_config, dog_hostile_cfg) = (Config::dogstatsd(), hostile_dogstatsd_config());
    let dog = Corpus::dogstatsd();
    let dog_metrics = dog.metrics_only();
    let dog_plain = dog.plain_metrics();
    let dog_subset = dog.retain(peers::statsd_parser_accepts);
    let dog_hostile = Corpus::hostile_dogstatsd(HOSTILE_LINES, DEFAULT_SEED);
    let dog_by_class: Vec<(ErrorKind, Corpus)> = HOSTILE_DOGSTATSD_CLASSES
        .iter()
        .map(|&class| {
            let only = dog_hostile.retain_kinds(|k| k == LineKind::Invalid(class));
            (class, only)
        })
        .collect();
    let dog_kinds = [
        LineKind::Counter,
        LineKind::Timer,
        LineKind::Gauge,
        LineKind::Histogram,
        LineKind::Distribution,
        LineKind::Set,
        LineKind::Event,
        LineKind::ServiceCheck,
    ];
    let dog_by_kind: Vec<(LineKind, Corpus)> = dog_kinds
        .iter()
        .map(|&kind| (kind, dog.retain_kinds(|k| k == kind)))
        .collect();
    for (what, got, want) in [
        (
            "dogstatsd",
            workload::parse_messages_statsd_wire(&dog, &dog_config),
            dog.line_count(),
        ),
        (
            "dogstatsd floor",
            workload::parse_dogstatsd_floor(&dog),
            dog.line_count(),
        ),
        (
            "statsd-parser",
            peers::parse_statsd_parser(&dog_subset),
            dog_subset.line_count(),
        ),
        (
            "dogstatsd hostile",
            workload::parse_messages_statsd_wire(&dog_hostile, &dog_hostile_cfg),
            0,
        ),
    ] {
        assert_eq!(got, want, "{what}: accepted lines");
    }

    let n = spec.line_count();
    let mut bufs: Vec<Vec<u8>> = (0..3).map(|_| Vec::with_capacity(4096)).collect();
    let [b1, b2, b3] = &mut bufs[..] else {
        unreachable!()
    };
    let mut work = vec![
        Workload::new("parse/statsd-wire-spec", n, spec.byte_len(), || {
            workload::parse_statsd_wire(&spec, &spec_config)
        }),
        Workload::new(
            "parse/statsd-wire-etsy",
            etsy.line_count(),
            etsy.byte_len(),
            || workload::parse_statsd_wire(&etsy, &etsy_config),
        ),
        Workload::new("parse/hand-rolled-floor", n, spec.byte_len(), || {
            workload::parse_hand_rolled(&spec)
        }),
        Workload::new("parse/memchr-lines-bound", n, spec.byte_len(), || {
            workload::split_only(&spec)
        }),
        Workload::new(
            "parse/statsd-wire-spec-peer-subset",
            subset.line_count(),
            subset.byte_len(),
            || workload::parse_statsd_wire(&subset, &spec_config),
        ),
        Workload::new(
            "parse/statsd-parser",
            subset.line_count(),
            subset.byte_len(),
            || peers::parse_statsd_parser(&subset),
        ),
        Workload::new(
            "parse/statsdproto",
            proto_subset.line_count(),
            proto_subset.byte_len(),
            || peers::parse_statsdproto(&proto_bytes),
        ),
        Workload::new(
            "encode/statsd-wire",
            metrics.len(),
            metrics.encoded_bytes(),
            || workload::encode_statsd_wire(&metrics, &spec_config, b1),
        ),
        Workload::new(
            "encode/hand-written-floor",
            metrics.len(),
            metrics.encoded_bytes(),
            || workload::encode_hand_written(&metrics, b2),
        ),
        Workload::new(
            "encode/cadence",
            metrics.len(),
            metrics.encoded_bytes(),
            || peers::encode_cadence(&client, &metrics, b3),
        ),
        Workload::new("errors/valid", n, spec.byte_len(), || {
            workload::parse_statsd_wire(&spec, &hostile_cfg)
        }),
        Workload::new(
            "errors/hostile",
            hostile.line_count(),
            hostile.byte_len(),
            || workload::parse_statsd_wire(&hostile, &hostile_cfg),
        ),
        Workload::new(
            "parse/statsd-wire-spec-messages",
            n,
            spec.byte_len(),
            || workload::parse_messages_statsd_wire(&spec, &spec_config),
        ),
        Workload::new(
            "parse/dogstatsd-messages",
            dog.line_count(),
            dog.byte_len(),
            || workload::parse_messages_statsd_wire(&dog, &dog_config),
        ),
        Workload::new(
            "parse/dogstatsd-datagram-metrics",
            dog_metrics.line_count(),
            dog_metrics.byte_len(),
            || workload::parse_statsd_wire(&dog_metrics, &dog_config),
        ),
        Workload::new(
            "parse/dogstatsd-plain-lines",
            dog_plain.line_count(),
            dog_plain.byte_len(),
            || workload::parse_statsd_wire(&dog_plain, &dog_config),
        ),
        Workload::new(
            "parse/dogstatsd-floor",
            dog.line_count(),
            dog.byte_len(),
            || workload::parse_dogstatsd_floor(&dog),
        ),
        Workload::new(
            "parse/dogstatsd-memchr-lines-bound",
            dog.line_count(),
            dog.byte_len(),
            || workload::split_only(&dog),
        ),
        Workload::new(
            "parse/dogstatsd-peer-subset",
            dog_subset.line_count(),
            dog_subset.byte_len(),
            || workload::parse_messages_statsd_wire(&dog_subset, &dog_config),
        ),
        Workload::new(
            "parse/statsd-parser-dogstatsd",
            dog_subset.line_count(),
            dog_subset.byte_len(),
            || peers::parse_statsd_parser(&dog_subset),
        ),
        Workload::new(
            "errors/dogstatsd-valid",
            dog.line_count(),
            dog.byte_len(),
            || workload::parse_messages_statsd_wire(&dog, &dog_hostile_cfg),
        ),
        Workload::new(
            "errors/dogstatsd-hostile",
            dog_hostile.line_count(),
            dog_hostile.byte_len(),
            || workload::parse_messages_statsd_wire(&dog_hostile, &dog_hostile_cfg),
        ),
    ];
    let main_count = work.len();
    for (kind, c) in &by_kind {
        let id = format!("kind/{kind:?}");
        work.push(Workload::new(
            &id,
            c.line_count(),
            c.byte_len(),
            move || workload::parse_statsd_wire(c, &spec_config),
        ));
    }
    for (class, c) in &by_class {
        let id = format!("class/{}", class.code());
        work.push(Workload::new(
            &id,
            c.line_count(),
            c.byte_len(),
            move || workload::parse_statsd_wire(c, &hostile_cfg),
        ));
    }

    for (kind, c) in &dog_by_kind {
        let id = format!("dogstatsd-kind/{kind:?}");
        work.push(Workload::new(
            &id,
            c.line_count(),
            c.byte_len(),
            move || workload::parse_messages_statsd_wire(c, &dog_config),
        ));
    }
    for (class, c) in &dog_by_class {
        let id = format!("dogstatsd-class/{}", class.code());
        work.push(Workload::new(
            &id,
            c.line_count(),
            c.byte_len(),
            move || workload::parse_messages_statsd_wire(c, &dog_hostile_cfg),
        ));
    }

    for w in &mut work {
        w.calibrate();
    }
    for round in 0..rounds {
        eprint!("\rround {}/{rounds}", round + 1);
        for w in &mut work {
            w.time();
        }
    }
    eprintln!();

    println!(
        "Machine: {} ({} CPUs available); corpora: {} lines (spec, etsy, dogstatsd), {} hostile (each); {} rounds.\n",
        cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        n,
        hostile.line_count(),
        rounds,
    );
    println!("| workload | lines | MB | median time (ms) | Mlines/s | MB/s | ns/line |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for w in &work[..main_count] {
        let t = w.median().as_secs_f64();
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.1} |",
            w.id,
            w.lines,
            w.bytes as f64 / 1e6,
            t * 1e3,
            w.lines as f64 / t / 1e6,
            w.bytes as f64 / t / 1e6,
            t * 1e9 / w.lines as f64,
        );
    }

    let ratios = [
        Ratio {
            what: "parse: statsd-wire spec vs hand-rolled floor",
            subject: "parse/statsd-wire-spec",
            reference: "parse/hand-rolled-floor",
            target: Some(1.5),
        },
        Ratio {
            what: "parse: statsd-wire spec vs statsd-parser (same lines)",
            subject: "parse/statsd-wire-spec-peer-subset",
            reference: "parse/statsd-parser",
            target: Some(10.0),
        },
        Ratio {
            what: "parse: statsd-wire spec vs statsdproto (same lines)",
            subject: "parse/statsd-wire-spec-peer-subset",
            reference: "parse/statsdproto",
            target: None,
        },
        Ratio {
            what: "parse: statsd-wire spec vs memchr newline bound",
            subject: "parse/statsd-wire-spec",
            reference: "parse/memchr-lines-bound",
            target: None,
        },
        Ratio {
            what: "parse: statsd-wire etsy vs statsd-wire spec (per line)",
            subject: "parse/statsd-wire-etsy",
            reference: "parse/statsd-wire-spec",
            target: None,
        },
        Ratio {
            what: "parse: statsd-wire spec, parse_messages vs parse_datagram",
            subject: "parse/statsd-wire-spec-messages",
            reference: "parse/statsd-wire-spec",
            target: None,
        },
        Ratio {
            what: "parse: dogstatsd (parse_messages) vs DogStatsD floor",
            subject: "parse/dogstatsd-messages",
            reference: "parse/dogstatsd-floor",
            target: None,
        },
        Ratio {
            what: "parse: dogstatsd vs statsd-parser (same lines)",
            subject: "parse/dogstatsd-peer-subset",
            reference: "parse/statsd-parser-dogstatsd",
            target: None,
        },
        Ratio {
            what: "parse: dogstatsd vs memchr newline bound",
            subject: "parse/dogstatsd-messages",
            reference: "parse/dogstatsd-memchr-lines-bound",
            target: None,
        },
        Ratio {
            what: "parse: dogstatsd plain lines vs spec lines (per line)",
            subject: "parse/dogstatsd-plain-lines",
            reference: "parse/statsd-wire-spec",
            target: None,
        },
        Ratio {
            what: "parse: dogstatsd lines vs spec lines (per line)",
            subject: "parse/dogstatsd-messages",
            reference: "parse/statsd-wire-spec",
            target: None,
        },
        Ratio {
            what: "encode: statsd-wire vs hand-written itoa/ryu floor",
            subject: "encode/statsd-wire",
            reference: "encode/hand-written-floor",
            target: Some(1.0),
        },
        Ratio {
            what: "encode: statsd-wire vs cadence",
            subject: "encode/statsd-wire",
            reference: "encode/cadence",
            target: Some(3.0),
        },
        Ratio {
            what: "errors: hostile line vs valid line (per line)",
            subject: "errors/hostile",
            reference: "errors/valid",
            target: Some(1.0),
        },
        Ratio {
            what: "errors: dogstatsd hostile line vs valid line (per line)",
            subject: "errors/dogstatsd-hostile",
            reference: "errors/dogstatsd-valid",
            target: None,
        },
    ];
    println!();
    println!(
        "| comparison (speed-up = reference ns/line ÷ subject ns/line, same round) | median | range | target | met |"
    );
    println!("|---|---:|---:|---:|:---:|");
    let find = |id: &str| work.iter().find(|w| w.id == id).expect("workload");
    for r in &ratios {
        let (s, rf) = (find(r.subject), find(r.reference));
        let per_round: Vec<f64> = (0..rounds)
            .map(|i| rf.ns_per_line(i) / s.ns_per_line(i))
            .collect();
        let (lo, hi) = per_round
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let m = median(per_round);
        let (target, met) = match r.target {
            Some(t) => (format!("≥ {t}×"), if m >= t { "yes" } else { "**no**" }),
            None => ("–".to_owned(), "–"),
        };
        println!(
            "| {} | {m:.2}× | {lo:.2}–{hi:.2} | {target} | {met} |",
            r.what
        );
    }

    println!();
    println!(
        "| statsd-wire by line kind / error class (spec: parse_datagram; dogstatsd: parse_messages) | lines | ns/line |"
    );
    println!("|---|---:|---:|");
    for w in &work[main_count..] {
        println!(
            "| {} | {} | {:.1} |",
            w.id,
            w.lines,
            w.median().as_secs_f64() * 1e9 / w.lines as f64
        );
    }
}
