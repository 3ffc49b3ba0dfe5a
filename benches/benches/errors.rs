//! `errors`: statsd-wire's datagram path on the hostile corpus (a line of
//! every error class) against the valid spec corpus, with the same
//! configuration, in one group. Throughput is in lines (elements): the
//! question is whether a rejected line costs more than an accepted one.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use statsd_wire_benches::corpus::{Corpus, DEFAULT_SEED, HOSTILE_LINES, hostile_config};
use statsd_wire_benches::workload;

fn errors(c: &mut Criterion) {
    let config = hostile_config();
    let valid = Corpus::spec();
    let hostile = Corpus::hostile(HOSTILE_LINES, DEFAULT_SEED);
    assert_eq!(
        workload::parse_statsd_wire(&valid, &config),
        valid.line_count()
    );
    assert_eq!(workload::parse_statsd_wire(&hostile, &config), 0);

    let mut g = c.benchmark_group("errors");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.throughput(Throughput::Elements(valid.line_count() as u64));
    g.bench_function("valid", |b| {
        b.iter(|| workload::parse_statsd_wire(&valid, &config))
    });
    g.throughput(Throughput::Elements(hostile.line_count() as u64));
    g.bench_function("hostile", |b| {
        b.iter(|| workload::parse_statsd_wire(&hostile, &config))
    });
    g.finish();
}

criterion_group!(benches, errors);
criterion_main!(benches);
