//! The peer adapters of the benches see the corpus the way the benches
//! assume: which lines each peer accepts, and what cadence writes.

use statsd_wire::{Config, Dialect, Message, MetricType, Number, Value};
use statsd_wire_benches::corpus::{Corpus, LineKind};
use statsd_wire_benches::workload::{self, Metrics};

#[path = "../common/peers.rs"]
mod peers;

fn corpus() -> Corpus {
    Corpus::generate(Dialect::Spec, 50_000, 11)
}

#[test]
fn peers_accept_every_spec_line_but_bare_names() {
    let corpus = corpus();
    let expected = corpus.retain(|line| line.contains(&b':'));
    assert_eq!(
        expected.line_count(),
        corpus.line_count() - corpus.count(LineKind::BareName)
    );
    let sp = corpus.retain(peers::statsd_parser_accepts);
    let proto = corpus.retain(peers::statsdproto_accepts);
    assert_eq!(sp.kinds(), expected.kinds());
    assert_eq!(proto.kinds(), expected.kinds());
    assert_eq!(sp.byte_len(), expected.byte_len());
    assert_eq!(peers::parse_statsd_parser(&sp), sp.line_count());
    let bytes = peers::to_bytes(&proto);
    assert_eq!(peers::parse_statsdproto(&bytes), proto.line_count());
    // statsd-wire accepts all of them too.
    assert_eq!(
        workload::parse_statsd_wire(&sp, &Config::spec()),
        sp.line_count()
    );
}

#[test]
fn cadence_writes_the_canonical_line_but_for_fractional_timers() {
    let corpus = corpus();
    let config = Config::spec();
    let metrics = Metrics::parse(&corpus, &config);
    let client = peers::cadence_client();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut fractional_timers = 0;
    for m in metrics.all() {
        ours.clear();
        theirs.clear();
        m.encode(&config, &mut ours).unwrap();
        peers::cadence_line(&client, m, &mut theirs);
        let fractional =
            m.kind == MetricType::Timer && matches!(m.value, Value::Number(Number::Float(_)));
        if fractional {
            // Whole milliseconds through `Duration`.
            fractional_timers += 1;
            assert!(theirs.ends_with(b"|ms"));
        } else {
            assert_eq!(
                String::from_utf8_lossy(&theirs),
                String::from_utf8_lossy(&ours)
            );
        }
    }
    assert!(fractional_timers > 0);
    let mut buf = Vec::new();
    let total = peers::encode_cadence(&client, &metrics, &mut buf);
    let diff = metrics.encoded_bytes() as f64 - total as f64;
    // Only the fractional timers differ: a few bytes each.
    assert!(diff > 0.0 && diff < 0.01 * total as f64, "{diff}");
}

#[test]
fn statsd_parser_reads_the_single_value_dogstatsd_lines_and_their_tags() {
    let corpus = Corpus::generate(Dialect::DogStatsd, 50_000, 11);
    let config = Config::dogstatsd();
    // What statsd-parser can read: metrics of its types (c ms g h) with one
    // value, and service checks; it has no `d`, `s`, packed values or events.
    let expected = corpus.retain(|line| {
        let parsed = statsd_wire::parse_message(line, &config).unwrap();
        match parsed.message {
            Message::Metric(m) => {
                matches!(
                    m.kind,
                    MetricType::Counter
                        | MetricType::Timer
                        | MetricType::Gauge
                        | MetricType::Histogram
                ) && matches!(m.value, Value::Number(_))
            }
            Message::ServiceCheck(_) => true,
            _ => false,
        }
    });
    let sp = corpus.retain(peers::statsd_parser_accepts);
    assert_eq!(sp.kinds(), expected.kinds());
    assert_eq!(sp.byte_len(), expected.byte_len());
    assert!(sp.count(LineKind::ServiceCheck) > 0);
    assert_eq!(peers::parse_statsd_parser(&sp), sp.line_count());
    assert_eq!(
        workload::parse_messages_statsd_wire(&sp, &config),
        sp.line_count()
    );
    // It reads the same name, value, rate and tags as statsd-wire (it ignores
    // `|c:` and `|T`, which it does not know).
    let mut tagged = 0;
    for line in sp.lines() {
        let theirs = statsd_parser::parse(std::str::from_utf8(line).unwrap()).unwrap();
        let ours = statsd_wire::parse_message(line, &config).unwrap().message;
        let tags = match ours {
            Message::Metric(m) => {
                assert_eq!(theirs.name, m.name);
                let Value::Number(n) = m.value else {
                    unreachable!()
                };
                let (value, rate) = match theirs.metric {
                    statsd_parser::Metric::Counter(c) => (c.value, c.sample_rate),
                    statsd_parser::Metric::Timing(c) => (c.value, c.sample_rate),
                    statsd_parser::Metric::Gauge(c) => (c.value, c.sample_rate),
                    statsd_parser::Metric::Histogram(c) => (c.value, c.sample_rate),
                    other => panic!("{other:?}"),
                };
                assert_eq!(value, n.as_f64());
                assert_eq!(rate, m.sample_rate);
                m.tags
            }
            Message::ServiceCheck(c) => {
                assert_eq!(theirs.name, c.name);
                c.tags
            }
            _ => unreachable!(),
        };
        assert_eq!(
            theirs.tags.as_ref().map(|t| t.len()),
            tags.map(|t| t.len()),
            "{}",
            String::from_utf8_lossy(line)
        );
        if let (Some(theirs), Some(ours)) = (theirs.tags, tags) {
            tagged += 1;
            for (key, value) in ours.iter() {
                assert_eq!(
                    theirs.get(key).map(String::as_str),
                    Some(value.unwrap_or(""))
                );
            }
        }
    }
    assert!(tagged > sp.line_count() / 3);
}
