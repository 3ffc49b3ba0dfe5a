//! The body of the `adapter_protocol` fuzz target (`fuzz/fuzz_targets/`), as a
//! library function (feature `fuzzing`), so that stable builds type-check it
//! and `tests/fuzz_replay.rs` replays the committed seeds and regressions. It
//! panics on a broken property; none of this is public API.

use statsd_wire::{Config, Metric, MetricType, Value, parse_datagram};

use crate::adapter;
use crate::json::{EncodeRequest, JsonMetric, Refusal, hex_decode};
use crate::{EXIT_OK, EXIT_REJECTED, EXIT_UNIMPLEMENTED, decimal_eq};

/// Target `adapter_protocol`: any bytes into every entry point of the
/// reference adapter, in every dialect.
///
/// - `encode` (the bytes as an encode request) returns a datagram or a clear
///   refusal (a non-empty message), never panics; a datagram has one line per
///   requested metric, each of which parses back to the requested metric (name,
///   type, delta; the value and rate equal as numbers);
/// - `decode` (the bytes as a datagram) gives one result per line, each either a
///   metric or an error with a class, and serialises to JSON;
/// - `batch` (the bytes, if UTF-8, as one request line, with and without an
///   implemented dialect) answers with exit code 0, 1 or 89, a message with
///   every 1, and serialises to JSON.
pub fn adapter_protocol(data: &[u8]) {
    for &dialect in adapter::DIALECTS {
        let config = Config::new(dialect);
        check_encode(data, &config);

        let decoded = adapter::decode(data, &config);
        assert_eq!(decoded.lines.len(), parse_datagram(data, &config).count());
        for line in &decoded.lines {
            assert_eq!(line.ok, line.metric.is_some());
            assert_eq!(line.ok, line.error.is_none());
            if let Some(error) = &line.error {
                assert!(error.class.is_some() && !error.message.is_empty());
            }
        }
        serde_json::to_string(&decoded).expect("decode output serialises");
    }

    if let Ok(text) = core::str::from_utf8(data) {
        let spec = Config::spec();
        let etsy = Config::etsy();
        for config in [Some(&spec), Some(&etsy), None] {
            let response = adapter::batch_line(text, config);
            assert!(
                [EXIT_OK, EXIT_REJECTED, EXIT_UNIMPLEMENTED].contains(&response.exit),
                "exit {}",
                response.exit
            );
            if response.exit == EXIT_REJECTED {
                assert!(response.message.as_ref().is_some_and(|m| !m.is_empty()));
            }
            if config.is_none() {
                assert_ne!(response.exit, EXIT_OK);
            }
            serde_json::to_string(&response).expect("batch response serialises");
        }
    }
}

fn check_encode(data: &[u8], config: &Config) {
    let dialect = config.dialect();
    let out = match adapter::encode(data, config) {
        Ok(out) => out,
        Err(refusal) => {
            let (Refusal::BadRequest(message) | Refusal::Refused(message)) = &refusal;
            assert!(!message.is_empty(), "{refusal:?}");
            assert!(!refusal.to_string().is_empty());
            return;
        }
    };
    let request: EncodeRequest =
        serde_json::from_slice(data).expect("an accepted encode request is protocol JSON");
    let shown = String::from_utf8_lossy(&out);
    let lines: Vec<_> = parse_datagram(&out, config).collect();
    assert_eq!(
        lines.len(),
        request.metrics.len(),
        "{dialect}: {} metrics encode to {shown:?}",
        request.metrics.len()
    );
    for (asked, line) in request.metrics.iter().zip(&lines) {
        let got = line
            .as_ref()
            .unwrap_or_else(|e| panic!("{dialect}: {asked:?} encodes to {shown:?}: {e}"));
        assert!(
            same_metric(asked, got),
            "{dialect}: {asked:?} encodes to {shown:?}, which reads back as {got:?}"
        );
    }
}

/// Whether a parsed metric is the requested one: the same name, type and delta,
/// and the same value and rate as numbers (integers exactly; floats after
/// rounding to `f64`, as the encoder reads them, so `-0.0 == 0.0`).
fn same_metric(asked: &JsonMetric, got: &Metric<'_>) -> bool {
    let name_ok = match (&asked.name, &asked.name_hex) {
        (Some(name), _) => name == got.name,
        (None, Some(hex)) => hex_decode(hex).is_some_and(|b| b == got.name.as_bytes()),
        (None, None) => false,
    };
    let value_ok = match (asked.values.as_slice(), got.value) {
        ([member], Value::Set(m)) => member == m,
        ([text], Value::Number(n)) => {
            let canonical = n.to_string();
            let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
            if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
                decimal_eq(text, &canonical) == Some(true)
            } else {
                same_f64(text, &canonical)
            }
        }
        _ => false,
    };
    let rate_ok = match (&asked.sample_rate, got.sample_rate) {
        (None, None) => true,
        (Some(text), Some(rate)) => text.parse::<f64>().is_ok_and(|r| r == rate),
        _ => false,
    };
    name_ok
        && MetricType::from_name(&asked.kind) == Some(got.kind)
        && value_ok
        && rate_ok
        && asked.delta == got.delta
        && got.tags.is_none()
}

/// Equal as `f64`s (`-0.0 == 0.0`: outside a delta the encoder drops the sign
/// of a zero).
fn same_f64(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
