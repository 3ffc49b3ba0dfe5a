//! `encode`: statsd-wire's validating encoder against cadence and the
//! hand-written `itoa`/`ryu` floor, over the metrics of the spec corpus, in
//! one group. See `docs/performance.md`.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use statsd_wire::Config;
use statsd_wire_benches::corpus::Corpus;
use statsd_wire_benches::workload::{self, Metrics};

#[path = "../common/peers.rs"]
mod peers;

fn encode(c: &mut Criterion) {
    let config = Config::spec();
    let corpus = Corpus::spec();
    let metrics = Metrics::parse(&corpus, &config);
    assert_eq!(metrics.len(), corpus.line_count());
    let client = peers::cadence_client();
    let mut buf = Vec::with_capacity(4096);
    assert_eq!(
        workload::encode_hand_written(&metrics, &mut buf),
        metrics.encoded_bytes()
    );
    assert!(peers::encode_cadence(&client, &metrics, &mut buf) > 0);

    let mut g = c.benchmark_group("encode");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.throughput(Throughput::Bytes(metrics.encoded_bytes() as u64));
    g.bench_function("statsd-wire", |b| {
        b.iter(|| workload::encode_statsd_wire(&metrics, &config, &mut buf))
    });
    g.bench_function("hand-written-floor", |b| {
        b.iter(|| workload::encode_hand_written(&metrics, &mut buf))
    });
    g.bench_function("cadence", |b| {
        b.iter(|| peers::encode_cadence(&client, &metrics, &mut buf))
    });
    g.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
