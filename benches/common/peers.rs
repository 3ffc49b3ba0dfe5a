//! Adapters for the peer crates, called the way their users call them. Shared
//! by the benches, the examples and the tests through
//! `#[path = "../common/peers.rs"] mod peers;` (the peers are dev-dependencies,
//! so this cannot live in the library).
//!
//! - statsd-parser 0.3 (appsignal): `parse<S: Into<String>>(S)` reads one line
//!   and copies it (a `String`, then a `Vec<char>`, then a `String` name). A
//!   user holding the datagram's bytes splits it into lines, checks UTF-8 and
//!   passes the `&str`. It also reads DogStatsD tags (`|#k:v,...` after the
//!   optional `|@rate`, into a `BTreeMap`) and service checks, ignores fields
//!   it does not know (`|c:`, `|T`), and rejects `d` and `s` metrics, packed
//!   values and events.
//! - statsdproto 0.1 (theatrus): `StatsdPDU::new(Bytes)` indexes one line of an
//!   owned `Bytes` (no value parsing). A user holding the datagram as `Bytes`
//!   (what a tokio UDP socket or codec gives) splits it into lines and passes
//!   each line as a zero-copy `Bytes::slice_ref` of the datagram.
//! - cadence 1.x: a `StatsdClient` with a `NopMetricSink` and an empty prefix;
//!   each metric is built with `count_with_tags`/`time_with_tags`/... (plus
//!   `with_sampling_rate`) and `try_send`, which formats it into a fresh
//!   `String` (cadence's `MetricFormatter` is crate-private), and the returned
//!   metric's bytes are appended to the datagram buffer. Timers with a fraction
//!   go through `Duration`, cadence's only non-integer timer value, which it
//!   writes in whole milliseconds.
#![allow(dead_code, unreachable_pub)] // each includer uses a different part

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use cadence::prelude::*;
use cadence::{MetricBuilder, NopMetricSink, StatsdClient};
use statsd_wire::{Metric, MetricType, Number, Value};
use statsd_wire_benches::corpus::Corpus;
use statsd_wire_benches::floor::split_lines;
use statsd_wire_benches::workload::Metrics;

/// Whether statsd-parser accepts `line`.
pub fn statsd_parser_accepts(line: &[u8]) -> bool {
    std::str::from_utf8(line).is_ok_and(|s| statsd_parser::parse(s).is_ok())
}

/// statsd-parser over every line of `corpus`; returns the lines it accepted.
pub fn parse_statsd_parser(corpus: &Corpus) -> usize {
    let mut ok = 0;
    for datagram in corpus.datagrams() {
        for line in split_lines(datagram) {
            let result = std::str::from_utf8(line).map(statsd_parser::parse);
            ok += usize::from(matches!(result, Ok(Ok(_))));
            black_box(&result);
        }
    }
    ok
}

/// The datagrams of `corpus` as `Bytes`, as a network stack hands them over
/// (made once, outside the timed loop).
pub fn to_bytes(corpus: &Corpus) -> Vec<Bytes> {
    corpus.datagrams().map(Bytes::copy_from_slice).collect()
}

/// Whether statsdproto accepts `line`.
pub fn statsdproto_accepts(line: &[u8]) -> bool {
    statsdproto::statsd::StatsdPDU::new(Bytes::copy_from_slice(line)).is_some()
}

/// statsdproto over every line of the datagrams; returns the lines it
/// accepted.
pub fn parse_statsdproto(datagrams: &[Bytes]) -> usize {
    let mut ok = 0;
    for datagram in datagrams {
        for line in split_lines(datagram) {
            let pdu = statsdproto::statsd::StatsdPDU::new(datagram.slice_ref(line));
            ok += usize::from(pdu.is_some());
            black_box(&pdu);
        }
    }
    ok
}

/// The cadence client of the encode bench: no prefix, a no-op sink.
pub fn cadence_client() -> StatsdClient {
    StatsdClient::from_sink("", NopMetricSink)
}

fn emit<T>(builder: MetricBuilder<'_, '_, T>, rate: Option<f64>, buf: &mut Vec<u8>)
where
    T: cadence::Metric + From<String>,
{
    let builder = match rate {
        Some(rate) => builder.with_sampling_rate(rate),
        None => builder,
    };
    if let Ok(metric) = builder.try_send() {
        buf.extend_from_slice(metric.as_metric_str().as_bytes());
    }
}

/// Formats `m` with cadence and appends the line to `buf`.
#[inline]
pub fn cadence_line(client: &StatsdClient, m: &Metric<'_>, buf: &mut Vec<u8>) {
    let (name, rate) = (m.name, m.sample_rate);
    let Value::Number(n) = m.value else { return };
    match (m.kind, n) {
        (MetricType::Counter, Number::PosInt(v)) => {
            emit(client.count_with_tags(name, v), rate, buf)
        }
        (MetricType::Counter, Number::NegInt(v)) => {
            emit(client.count_with_tags(name, v), rate, buf)
        }
        (MetricType::Timer, Number::PosInt(v)) => emit(client.time_with_tags(name, v), rate, buf),
        (MetricType::Timer, Number::Float(v)) => emit(
            client.time_with_tags(name, Duration::from_secs_f64(v / 1000.0)),
            rate,
            buf,
        ),
        (MetricType::Gauge, Number::PosInt(v)) => emit(client.gauge_with_tags(name, v), rate, buf),
        (MetricType::Gauge, Number::Float(v)) => emit(client.gauge_with_tags(name, v), rate, buf),
        (MetricType::Histogram, Number::PosInt(v)) => {
            emit(client.histogram_with_tags(name, v), rate, buf);
        }
        (MetricType::Histogram, Number::Float(v)) => {
            emit(client.histogram_with_tags(name, v), rate, buf);
        }
        (MetricType::Meter, Number::PosInt(v)) => emit(client.meter_with_tags(name, v), rate, buf),
        _ => {}
    }
}

/// cadence, in the same loop as `workload::encode_statsd_wire`.
pub fn encode_cadence(client: &StatsdClient, metrics: &Metrics<'_>, buf: &mut Vec<u8>) -> usize {
    let mut total = 0;
    for datagram in metrics.datagrams() {
        buf.clear();
        for (i, m) in datagram.iter().enumerate() {
            if i > 0 {
                buf.push(b'\n');
            }
            cadence_line(client, m, buf);
        }
        total += buf.len();
        black_box(&buf[..]);
    }
    total
}
