//! `errors`: statsd-wire's datagram path on the hostile corpus (a line of
//! every error class) against the valid spec corpus, with the same
//! configuration, in one group. Throughput is in lines (elements): the
//! question is whether a rejected line costs more than an accepted one. The
//! group `errors-dogstatsd` asks it of the dogstatsd dialect (throughput in
//! bytes; `perf-report` gives it per line).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use statsd_wire_benches::corpus::{
    Corpus, DEFAULT_SEED, HOSTILE_LINES, hostile_config, hostile_dogstatsd_config,
};
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

/// The same question in the dogstatsd dialect, through `parse_messages`: the
/// hostile DogStatsD corpus against the realistic one.
fn errors_dogstatsd(c: &mut Criterion) {
    let config = hostile_dogstatsd_config();
    let valid = Corpus::dogstatsd();
    let hostile = Corpus::hostile_dogstatsd(HOSTILE_LINES, DEFAULT_SEED);
    assert_eq!(
        workload::parse_messages_statsd_wire(&valid, &config),
        valid.line_count()
    );
    assert_eq!(workload::parse_messages_statsd_wire(&hostile, &config), 0);

    let mut g = c.benchmark_group("errors-dogstatsd");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.throughput(Throughput::Bytes(valid.byte_len() as u64));
    g.bench_function("valid", |b| {
        b.iter(|| workload::parse_messages_statsd_wire(&valid, &config))
    });
    g.throughput(Throughput::Bytes(hostile.byte_len() as u64));
    g.bench_function("hostile", |b| {
        b.iter(|| workload::parse_messages_statsd_wire(&hostile, &config))
    });
    g.finish();
}

criterion_group!(benches, errors, errors_dogstatsd);
criterion_main!(benches);
