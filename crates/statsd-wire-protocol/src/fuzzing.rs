//! The body of the `adapter_protocol` fuzz target (`fuzz/fuzz_targets/`), as a
//! library function (feature `fuzzing`), so that stable builds type-check it
//! and `tests/fuzz_replay.rs` replays the committed seeds and regressions. It
//! panics on a broken property; none of this is public API.

use statsd_wire::{Config, Metric, MetricType, Value, parse_messages};

use crate::adapter;
use crate::json::{
    EncodeRequest, JsonMessage, JsonMetric, Refusal, encode_json_messages, hex_decode,
    message_to_json,
};
use crate::{EXIT_OK, EXIT_REJECTED, EXIT_UNIMPLEMENTED, decimal_eq};

/// Target `adapter_protocol`: any bytes into every entry point of the
/// reference adapter, in every dialect (spec, etsy, dogstatsd) and for every
/// kind of message (metric, event, service check).
///
/// - `encode` (the bytes as an encode request, `metrics` or `messages`) returns
///   a datagram or a clear refusal (a non-empty message), never panics; a
///   datagram has one line per requested message, each of which parses back to
///   a message of the requested kind; a requested metric comes back as itself
///   (name, type, delta, tags; the values and rate equal as numbers); and the
///   encoding is a fixed point: the decoded messages' JSON forms encode to the
///   same bytes;
/// - `decode` (the bytes as a datagram) gives one result per line, each either
///   exactly one message or an error with a class, and serialises to JSON; each
///   accepted message's JSON form that the encoder takes encodes to one line
///   of the same kind, which is a fixed point (it decodes to a JSON form that
///   encodes to the same line);
/// - `batch` (the bytes, if UTF-8, as one request line, with and without an
///   implemented dialect) answers with exit code 0, 1 or 89, a message with
///   every 1, and serialises to JSON.
pub fn adapter_protocol(data: &[u8]) {
    for &dialect in adapter::DIALECTS {
        let config = Config::new(dialect);
        check_encode(data, &config);

        let decoded = adapter::decode(data, &config);
        assert_eq!(decoded.lines.len(), parse_messages(data, &config).count());
        for line in &decoded.lines {
            assert_eq!(line.ok, line.message_count() == 1, "{line:?}");
            assert_eq!(line.ok, line.error.is_none());
            if let Some(error) = &line.error {
                assert!(error.class.is_some() && !error.message.is_empty());
            }
            if let Some(message) = line.message() {
                check_round_trip(&message, &config);
            }
        }
        serde_json::to_string(&decoded).expect("decode output serialises");
    }

    if let Ok(text) = core::str::from_utf8(data) {
        let spec = Config::spec();
        let etsy = Config::etsy();
        let dogstatsd = Config::dogstatsd();
        for config in [Some(&spec), Some(&etsy), Some(&dogstatsd), None] {
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
    let asked = request
        .into_messages()
        .expect("an accepted encode request holds metrics or messages");
    let shown = String::from_utf8_lossy(&out);
    let lines: Vec<_> = parse_messages(&out, config).collect();
    assert_eq!(
        lines.len(),
        asked.len(),
        "{dialect}: {} messages encode to {shown:?}",
        asked.len()
    );
    let mut decoded = Vec::new();
    for (asked, line) in asked.iter().zip(&lines) {
        let got = line
            .as_ref()
            .unwrap_or_else(|e| panic!("{dialect}: {asked:?} encodes to {shown:?}: {e}"));
        let got_json = message_to_json(&got.message);
        assert_eq!(
            asked.kind(),
            got_json.kind(),
            "{dialect}: {asked:?} encodes to {shown:?}"
        );
        if let (JsonMessage::Metric(asked), Some(got)) = (asked, got.message.as_metric()) {
            assert!(
                same_metric(asked, got),
                "{dialect}: {asked:?} encodes to {shown:?}, which reads back as {got:?}"
            );
        }
        decoded.push(got_json);
    }
    let again = encode_json_messages(&decoded, config)
        .unwrap_or_else(|e| panic!("{dialect}: {shown:?} decodes to {decoded:?}: {e}"));
    assert_eq!(
        String::from_utf8_lossy(&again),
        shown,
        "{dialect}: the canonical form is not a fixed point"
    );
}

/// A decoded message's JSON form encodes to one line that decodes to the same
/// JSON form.
fn check_round_trip(message: &JsonMessage, config: &Config) {
    let dialect = config.dialect();
    let Ok(out) = encode_json_messages(core::slice::from_ref(message), config) else {
        // Decoding is lenient (warnings) where encoding is strict: a decoded
        // message may be one the encoder refuses.
        return;
    };
    let shown = String::from_utf8_lossy(&out);
    let lines: Vec<_> = parse_messages(&out, config).collect();
    assert_eq!(
        lines.len(),
        1,
        "{dialect}: {message:?} encodes to {shown:?}"
    );
    let got = lines[0]
        .as_ref()
        .unwrap_or_else(|e| panic!("{dialect}: {message:?} encodes to {shown:?}: {e}"));
    assert_eq!(message.kind(), got.message.kind().name(), "{shown:?}");
    // Equal up to the encoder's normal forms (`-0.0` is written `0.0`): the
    // line's JSON form encodes to the same line.
    let again = encode_json_messages(&[message_to_json(&got.message)], config)
        .unwrap_or_else(|e| panic!("{dialect}: {shown:?} no longer encodes: {e}"));
    assert_eq!(
        String::from_utf8_lossy(&again),
        shown,
        "{dialect}: {message:?}"
    );
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
    let same_number = |text: &String, n: statsd_wire::Number| {
        let canonical = n.to_string();
        let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
        if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
            decimal_eq(text, &canonical) == Some(true)
        } else {
            same_f64(text, &canonical)
        }
    };
    let value_ok = match (asked.values.as_slice(), got.value) {
        ([member], Value::Set(m)) => member == m,
        (_, Value::Set(_)) => false,
        (texts, value) => {
            texts.len() == value.numbers().count()
                && texts
                    .iter()
                    .zip(value.numbers())
                    .all(|(t, n)| same_number(t, n))
        }
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
        && asked.tags == crate::metric_to_json(got).tags
}

/// Equal as `f64`s (`-0.0 == 0.0`: outside a delta the encoder drops the sign
/// of a zero).
fn same_f64(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
