//! `callgrind`: a driver that runs one workload once, for counting its
//! instructions under `valgrind --tool=callgrind`. The corpus is built first;
//! only the call of `measured` is counted (`--collect-atstart=no
//! --toggle-collect='*measured*'`), so the instruction count divided by the
//! lines processed (printed) is the cost per line, setup excluded.
//! `benches/callgrind.sh` runs every workload and prints the table of
//! `docs/performance.md`.
//!
//! ```text
//! cargo build --profile bench -p statsd-wire-benches --example callgrind
//! valgrind --tool=callgrind --dump-instr=no --collect-atstart=no \
//!     --toggle-collect='*measured*' target/release/examples/callgrind parse-spec 100000
//! ```

use std::hint::black_box;

use statsd_wire::{Config, Dialect};
use statsd_wire_benches::corpus::{
    Corpus, DEFAULT_SEED, HOSTILE_CLASSES, LineKind, hostile_config, hostile_dogstatsd_config,
};
use statsd_wire_benches::workload::{self, Metrics};

#[path = "../common/peers.rs"]
mod peers;

const WORKLOADS: &[&str] = &[
    "parse-spec",
    "parse-etsy",
    "parse-floor",
    "split-bound",
    "parse-statsd-parser",
    "parse-statsdproto",
    "encode-statsd-wire",
    "encode-floor",
    "encode-cadence",
    "errors-valid",
    "errors-hostile",
    "errors-hostile-same-length",
    "parse-spec-messages",
    "parse-dogstatsd",
    "parse-dogstatsd-metrics",
    "parse-dogstatsd-plain",
    "parse-dogstatsd-floor",
    "split-bound-dogstatsd",
    "parse-dogstatsd-peer-subset",
    "parse-dogstatsd-statsd-parser",
    "errors-dogstatsd-valid",
    "errors-dogstatsd-hostile",
];

/// The only function whose instructions are counted.
#[inline(never)]
fn measured(run: &mut dyn FnMut() -> usize) -> usize {
    run()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = || -> ! {
        eprintln!("usage: callgrind <workload> [lines]; workloads: {WORKLOADS:?}");
        std::process::exit(2)
    };
    let name = args.next().unwrap_or_else(|| usage());
    let lines: usize = match args.next() {
        Some(n) => n.parse().unwrap_or_else(|_| usage()),
        None => 100_000,
    };
    let spec = Config::spec();
    let corpus = |dialect| Corpus::generate(dialect, lines, DEFAULT_SEED);
    let (processed, result) = match name.as_str() {
        "parse-spec" | "parse-etsy" | "errors-valid" => {
            let (c, config) = match name.as_str() {
                "parse-spec" => (corpus(Dialect::Spec), spec),
                "parse-etsy" => (corpus(Dialect::Etsy), Config::etsy()),
                _ => (corpus(Dialect::Spec), hostile_config()),
            };
            let r = measured(&mut || workload::parse_statsd_wire(&c, &config));
            (c.line_count(), r)
        }
        "errors-hostile" | "errors-hostile-same-length" => {
            let mut c = Corpus::hostile(lines, DEFAULT_SEED);
            if name == "errors-hostile-same-length" {
                // Every class but line_too_long: 32.0 bytes a line, against
                // the valid corpus's 33.0, so per line is per byte.
                c = c.retain(|l| l.len() <= 64);
            }
            let config = hostile_config();
            let r = measured(&mut || workload::parse_statsd_wire(&c, &config));
            (c.line_count(), r)
        }
        class if class.starts_with("errors-class:") => {
            // One error class of the hostile corpus alone (its lines of at most
            // 64 bytes, repacked into full datagrams): `errors-class:invalid_value`.
            let code = &class["errors-class:".len()..];
            let Some(&kind) = HOSTILE_CLASSES.iter().find(|k| k.code() == code) else {
                usage()
            };
            let c = Corpus::hostile(lines * HOSTILE_CLASSES.len(), DEFAULT_SEED)
                .retain_kinds(|k| k == LineKind::Invalid(kind))
                .retain(|l| l.len() <= 64)
                .repacked();
            let config = hostile_config();
            let r = measured(&mut || workload::parse_statsd_wire(&c, &config));
            (c.line_count(), r)
        }
        "parse-floor" | "split-bound" => {
            let c = corpus(Dialect::Spec);
            let floor = name == "parse-floor";
            let r = measured(&mut || {
                if floor {
                    workload::parse_hand_rolled(&c)
                } else {
                    workload::split_only(&c)
                }
            });
            (c.line_count(), r)
        }
        "parse-statsd-parser" => {
            let c = corpus(Dialect::Spec).retain(peers::statsd_parser_accepts);
            let r = measured(&mut || peers::parse_statsd_parser(&c));
            (c.line_count(), r)
        }
        "parse-statsdproto" => {
            let c = corpus(Dialect::Spec).retain(peers::statsdproto_accepts);
            let bytes = peers::to_bytes(&c);
            // Promote each `Bytes` to its shared form outside the count, as
            // the benches' warm-up does.
            black_box(peers::parse_statsdproto(&bytes));
            let r = measured(&mut || peers::parse_statsdproto(&bytes));
            (c.line_count(), r)
        }
        "encode-statsd-wire" | "encode-floor" | "encode-cadence" => {
            let c = corpus(Dialect::Spec);
            let metrics = Metrics::parse(&c, &spec);
            let client = peers::cadence_client();
            let mut buf = Vec::with_capacity(4096);
            let r = measured(&mut || match name.as_str() {
                "encode-statsd-wire" => workload::encode_statsd_wire(&metrics, &spec, &mut buf),
                "encode-floor" => workload::encode_hand_written(&metrics, &mut buf),
                _ => peers::encode_cadence(&client, &metrics, &mut buf),
            });
            (metrics.len(), r)
        }
        "parse-spec-messages" => {
            let c = corpus(Dialect::Spec);
            let r = measured(&mut || workload::parse_messages_statsd_wire(&c, &spec));
            (c.line_count(), r)
        }
        "parse-dogstatsd" | "errors-dogstatsd-valid" => {
            let c = corpus(Dialect::DogStatsd);
            let config = if name == "parse-dogstatsd" {
                Config::dogstatsd()
            } else {
                hostile_dogstatsd_config()
            };
            let r = measured(&mut || workload::parse_messages_statsd_wire(&c, &config));
            (c.line_count(), r)
        }
        "parse-dogstatsd-metrics" | "parse-dogstatsd-plain" => {
            let all = corpus(Dialect::DogStatsd);
            let c = if name == "parse-dogstatsd-metrics" {
                all.metrics_only()
            } else {
                all.plain_metrics()
            };
            let config = Config::dogstatsd();
            let r = measured(&mut || workload::parse_statsd_wire(&c, &config));
            (c.line_count(), r)
        }
        "parse-dogstatsd-floor" | "split-bound-dogstatsd" => {
            let c = corpus(Dialect::DogStatsd);
            let floor = name == "parse-dogstatsd-floor";
            let r = measured(&mut || {
                if floor {
                    workload::parse_dogstatsd_floor(&c)
                } else {
                    workload::split_only(&c)
                }
            });
            (c.line_count(), r)
        }
        "parse-dogstatsd-peer-subset" | "parse-dogstatsd-statsd-parser" => {
            let c = corpus(Dialect::DogStatsd).retain(peers::statsd_parser_accepts);
            let config = Config::dogstatsd();
            let ours = name == "parse-dogstatsd-peer-subset";
            let r = measured(&mut || {
                if ours {
                    workload::parse_messages_statsd_wire(&c, &config)
                } else {
                    peers::parse_statsd_parser(&c)
                }
            });
            (c.line_count(), r)
        }
        "errors-dogstatsd-hostile" => {
            let c = Corpus::hostile_dogstatsd(lines, DEFAULT_SEED);
            let config = hostile_dogstatsd_config();
            let r = measured(&mut || workload::parse_messages_statsd_wire(&c, &config));
            (c.line_count(), r)
        }
        _ => usage(),
    };
    println!("{name} lines={processed} result={result}");
}
