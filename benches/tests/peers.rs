//! The peer adapters of the benches see the corpus the way the benches
//! assume: which lines each peer accepts, and what cadence writes.

use statsd_wire::{Config, Dialect, MetricType, Number, Value};
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
