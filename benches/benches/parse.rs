//! `parse`: statsd-wire (spec and etsy, full validation) against the peer
//! crates, the hand-rolled floor and the newline-split bound, in one group so
//! the ratios come from one run; and, in the group `parse-dogstatsd`, the
//! dogstatsd dialect over the DogStatsD corpus. See `docs/performance.md`.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use statsd_wire::Config;
use statsd_wire_benches::corpus::Corpus;
use statsd_wire_benches::workload;

#[path = "../common/peers.rs"]
mod peers;

fn parse(c: &mut Criterion) {
    let (spec_config, etsy_config) = (Config::spec(), Config::etsy());
    let spec = Corpus::spec();
    let etsy = Corpus::etsy();
    // Each peer gets the lines it accepts, filtered once, here.
    let sp_subset = spec.retain(peers::statsd_parser_accepts);
    let proto_subset = spec.retain(peers::statsdproto_accepts);
    let proto_bytes = peers::to_bytes(&proto_subset);

    // Every workload accepts what it should before it is timed.
    let n = spec.line_count();
    assert_eq!(workload::parse_statsd_wire(&spec, &spec_config), n);
    assert_eq!(
        workload::parse_statsd_wire(&etsy, &etsy_config),
        etsy.line_count()
    );
    let sp_n = sp_subset.line_count();
    assert_eq!(peers::parse_statsd_parser(&sp_subset), sp_n);
    assert_eq!(
        peers::parse_statsdproto(&proto_bytes),
        proto_subset.line_count()
    );
    assert_eq!(workload::split_only(&spec), n);

    let mut g = c.benchmark_group("parse");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);

    g.throughput(Throughput::Bytes(spec.byte_len() as u64));
    g.bench_function("statsd-wire-spec", |b| {
        b.iter(|| workload::parse_statsd_wire(&spec, &spec_config))
    });
    g.bench_function("hand-rolled-floor", |b| {
        b.iter(|| workload::parse_hand_rolled(&spec))
    });
    g.bench_function("memchr-lines-bound", |b| {
        b.iter(|| workload::split_only(&spec))
    });

    g.throughput(Throughput::Bytes(etsy.byte_len() as u64));
    g.bench_function("statsd-wire-etsy", |b| {
        b.iter(|| workload::parse_statsd_wire(&etsy, &etsy_config))
    });

    // The peers, and statsd-wire on the very same lines.
    g.throughput(Throughput::Bytes(sp_subset.byte_len() as u64));
    g.bench_function("statsd-wire-spec-peer-subset", |b| {
        b.iter(|| workload::parse_statsd_wire(&sp_subset, &spec_config))
    });
    g.bench_function("statsd-parser", |b| {
        b.iter(|| peers::parse_statsd_parser(&sp_subset))
    });
    g.throughput(Throughput::Bytes(proto_subset.byte_len() as u64));
    if proto_subset.byte_len() != sp_subset.byte_len() {
        g.bench_function("statsd-wire-spec-statsdproto-subset", |b| {
            b.iter(|| workload::parse_statsd_wire(&proto_subset, &spec_config))
        });
    }
    g.bench_function("statsdproto", |b| {
        b.iter(|| peers::parse_statsdproto(&proto_bytes))
    });
    g.finish();
}

/// The dogstatsd dialect: `parse_messages` over the whole DogStatsD corpus,
/// `parse_datagram` over its metric lines, the dialect on its plain lines, the
/// DogStatsD floor, and statsd-parser (which reads tags) on the lines it
/// accepts, next to statsd-wire on the same lines.
fn parse_dogstatsd(c: &mut Criterion) {
    let config = Config::dogstatsd();
    let dog = Corpus::dogstatsd();
    let metrics = dog.metrics_only();
    let plain = dog.plain_metrics();
    let sp_subset = dog.retain(peers::statsd_parser_accepts);

    let n = dog.line_count();
    assert_eq!(workload::parse_messages_statsd_wire(&dog, &config), n);
    assert_eq!(
        workload::parse_statsd_wire(&metrics, &config),
        metrics.line_count()
    );
    assert_eq!(
        workload::parse_statsd_wire(&plain, &config),
        plain.line_count()
    );
    assert_eq!(workload::parse_dogstatsd_floor(&dog), n);
    assert_eq!(
        peers::parse_statsd_parser(&sp_subset),
        sp_subset.line_count()
    );

    let mut g = c.benchmark_group("parse-dogstatsd");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.throughput(Throughput::Bytes(dog.byte_len() as u64));
    g.bench_function("statsd-wire-messages", |b| {
        b.iter(|| workload::parse_messages_statsd_wire(&dog, &config))
    });
    g.bench_function("dogstatsd-floor", |b| {
        b.iter(|| workload::parse_dogstatsd_floor(&dog))
    });
    g.bench_function("memchr-lines-bound", |b| {
        b.iter(|| workload::split_only(&dog))
    });
    g.throughput(Throughput::Bytes(metrics.byte_len() as u64));
    g.bench_function("statsd-wire-datagram-metrics", |b| {
        b.iter(|| workload::parse_statsd_wire(&metrics, &config))
    });
    g.throughput(Throughput::Bytes(plain.byte_len() as u64));
    g.bench_function("statsd-wire-plain-lines", |b| {
        b.iter(|| workload::parse_statsd_wire(&plain, &config))
    });
    g.throughput(Throughput::Bytes(sp_subset.byte_len() as u64));
    g.bench_function("statsd-wire-peer-subset", |b| {
        b.iter(|| workload::parse_messages_statsd_wire(&sp_subset, &config))
    });
    g.bench_function("statsd-parser", |b| {
        b.iter(|| peers::parse_statsd_parser(&sp_subset))
    });
    g.finish();
}

criterion_group!(benches, parse, parse_dogstatsd);
criterion_main!(benches);
