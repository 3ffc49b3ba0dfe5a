//! The protocol's JSON forms and their conversion to and from
//! [`statsd_wire::Metric`].

use serde::{Deserialize, Serialize};
use statsd_wire::{Config, Metric, MetricType, Number, ParseError, Tags, Value};

/// What an adapter declares with `capabilities`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// The protocol version (1).
    pub protocol: u32,
    /// The implementation's name.
    pub name: String,
    /// The implementation's version.
    #[serde(default)]
    pub version: String,
    /// The dialects it implements.
    #[serde(default)]
    pub dialects: Vec<String>,
    /// The operations it implements: `decode`, `encode`, `batch`.
    #[serde(default)]
    pub ops: Vec<String>,
    /// Optional features.
    #[serde(default)]
    pub features: Features,
}

/// The optional features of an adapter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    /// Rejected lines carry an error class from `spec-vectors/errors.json`.
    #[serde(default)]
    pub error_class: bool,
    /// Rejected lines carry the byte offset of the fault.
    #[serde(default)]
    pub error_offset: bool,
    /// `encode` writes the canonical form byte for byte.
    #[serde(default)]
    pub canonical: bool,
}

/// A metric in the protocol's JSON form: every number is a string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonMetric {
    /// The name (absent when `name_hex` is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The name's bytes in hex, when they are not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_hex: Option<String>,
    /// `counter`, `gauge`, `timer`, `histogram`, `meter`, `set`, `distribution`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The values (one, unless the dialect packs several in a line).
    #[serde(default)]
    pub values: Vec<String>,
    /// The sample rate, or `None` when the line has none.
    #[serde(default)]
    pub sample_rate: Option<String>,
    /// For gauges: the value is a change.
    #[serde(default)]
    pub delta: bool,
    /// Tags: `None` when the line has no tag section.
    #[serde(default)]
    pub tags: Option<Vec<(String, Option<String>)>>,
}

/// The error of a rejected line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonError {
    /// The error class (from `spec-vectors/errors.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The byte offset in the datagram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// A message for people.
    #[serde(default)]
    pub message: String,
}

/// The result for one line: `{"ok": true, "metric": ...}` or
/// `{"ok": false, "error": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineResult {
    /// Whether the line was accepted.
    pub ok: bool,
    /// The metric, for an accepted line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<JsonMetric>,
    /// The error, for a rejected line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<JsonError>,
}

impl LineResult {
    /// The result of parsing one line.
    pub fn from_result(result: &Result<Metric<'_>, ParseError>) -> LineResult {
        match result {
            Ok(m) => LineResult {
                ok: true,
                metric: Some(metric_to_json(m)),
                error: None,
            },
            Err(e) => LineResult {
                ok: false,
                metric: None,
                error: Some(JsonError {
                    class: Some(e.kind().code().to_string()),
                    offset: Some(e.offset() as u64),
                    message: e.to_string(),
                }),
            },
        }
    }
}

/// The stdout of `decode`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeOutput {
    /// One result per line after framing.
    pub lines: Vec<LineResult>,
}

/// The stdin of `encode`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodeRequest {
    /// The metrics to encode, in order.
    pub metrics: Vec<JsonMetric>,
}

/// One line of `batch` input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// The request's identifier, echoed in the response.
    pub id: String,
    /// `decode` or `encode`.
    pub op: String,
    /// The datagram, for `decode` (UTF-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The datagram in hex, for `decode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hex: Option<String>,
    /// The metrics, for `encode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<JsonMetric>>,
}

/// One line of `batch` output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The request's identifier.
    pub id: String,
    /// The exit code the single call would have had.
    pub exit: i32,
    /// The lines, for `decode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineResult>>,
    /// The datagram, for `encode`, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The datagram in hex, for `encode`, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_hex: Option<String>,
    /// Why a request was refused or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why a request cannot be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The input is not valid protocol JSON (exit code 1 for `encode`).
    BadRequest(String),
    /// The metrics are valid JSON but cannot be encoded (exit code 1).
    Refused(String),
}

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Refusal::BadRequest(m) => write!(f, "bad request: {m}"),
            Refusal::Refused(m) => write!(f, "refused: {m}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// A sample rate's text: its canonical form (plain decimal, as after `|@`).
fn rate_text(rate: f64) -> String {
    statsd_wire::format_sample_rate(rate).to_string()
}

/// The JSON form of a metric (numbers in their canonical text).
pub fn metric_to_json(m: &Metric<'_>) -> JsonMetric {
    let value = match m.value {
        Value::Number(n) => n.to_string(),
        Value::Set(member) => member.to_string(),
        _ => String::new(),
    };
    JsonMetric {
        name: Some(m.name.to_string()),
        name_hex: None,
        kind: m.kind.name().to_string(),
        values: vec![value],
        sample_rate: m.sample_rate.map(rate_text),
        delta: m.delta,
        tags: m.tags.map(|t| {
            t.iter()
                .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
                .collect()
        }),
    }
}

/// Lowercase hex of `bytes`.
pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of a hex string (`None` if it is not hex or has odd length).
pub fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Reads a value string of an encode request: `[+-]?digits` is an integer
/// (exact); anything else a float (`NaN` and `Infinity` are read, and then
/// refused by the encoder as non-finite).
fn number_from_text(text: &str) -> Result<Number, Refusal> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        let negative = text.starts_with('-');
        let magnitude: u64 = unsigned
            .parse()
            .map_err(|_| Refusal::Refused(format!("integer {text} is out of every range")))?;
        return match (negative, magnitude) {
            (true, 0) | (false, _) => Ok(Number::PosInt(magnitude)),
            (true, m) => i64::try_from(m)
                .map(|m| Number::NegInt(-m))
                .or(if m == 1 << 63 {
                    Ok(Number::NegInt(i64::MIN))
                } else {
                    Err(())
                })
                .map_err(|_| Refusal::Refused(format!("integer {text} is out of every range"))),
        };
    }
    text.parse::<f64>()
        .map(Number::Float)
        .map_err(|_| Refusal::BadRequest(format!("value {text:?} is not a number")))
}

/// Owned pieces of a request metric that a [`Metric`] borrows.
struct Parts {
    name: String,
    kind: MetricType,
    value: PartValue,
    sample_rate: Option<f64>,
    delta: bool,
    tags: Option<String>,
}

enum PartValue {
    Number(Number),
    Set(String),
}

impl Parts {
    fn from_json(m: &JsonMetric) -> Result<Parts, Refusal> {
        let name = match (&m.name, &m.name_hex) {
            (Some(name), _) => name.clone(),
            (None, Some(hex)) => {
                let bytes = hex_decode(hex)
                    .ok_or_else(|| Refusal::BadRequest("name_hex is not hex".into()))?;
                String::from_utf8(bytes)
                    .map_err(|_| Refusal::Refused("the name is not UTF-8".into()))?
            }
            (None, None) => return Err(Refusal::BadRequest("metric without a name".into())),
        };
        let kind = MetricType::from_name(&m.kind)
            .ok_or_else(|| Refusal::BadRequest(format!("unknown metric type {:?}", m.kind)))?;
        let value = match m.values.as_slice() {
            [v] if kind == MetricType::Set => PartValue::Set(v.clone()),
            [v] => PartValue::Number(number_from_text(v)?),
            [] => return Err(Refusal::BadRequest("metric without a value".into())),
            _ => {
                return Err(Refusal::Refused(
                    "several values in one line (packing) are not part of this dialect".into(),
                ));
            }
        };
        let sample_rate = match &m.sample_rate {
            None => None,
            Some(text) => Some(text.parse::<f64>().map_err(|_| {
                Refusal::BadRequest(format!("sample_rate {text:?} is not a number"))
            })?),
        };
        let tags = m.tags.as_ref().map(|tags| {
            tags.iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{k}:{v}"),
                    None => k.clone(),
                })
                .collect::<Vec<_>>()
                .join(",")
        });
        Ok(Parts {
            name,
            kind,
            value,
            sample_rate,
            delta: m.delta,
            tags,
        })
    }

    fn as_metric(&self) -> Metric<'_> {
        let mut m = match &self.value {
            PartValue::Number(n) => Metric::new(&self.name, self.kind, *n),
            PartValue::Set(member) => {
                let mut m = Metric::set(&self.name, member);
                m.kind = self.kind;
                m
            }
        };
        m.sample_rate = self.sample_rate;
        m.delta = self.delta;
        m.tags = self.tags.as_deref().map(Tags::new);
        m
    }
}

/// Encodes protocol metrics as one datagram in `config`'s dialect.
pub fn encode_json_metrics(metrics: &[JsonMetric], config: &Config) -> Result<Vec<u8>, Refusal> {
    let parts = metrics
        .iter()
        .map(Parts::from_json)
        .collect::<Result<Vec<_>, _>>()?;
    let metrics: Vec<Metric<'_>> = parts.iter().map(Parts::as_metric).collect();
    let mut out = Vec::new();
    statsd_wire::encode_datagram(&metrics, config, &mut out)
        .map_err(|e| Refusal::Refused(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(json: &str) -> JsonMetric {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn integers_and_floats_are_told_apart_by_their_text() {
        let spec = Config::spec();
        let m = metric(r#"{"name":"a","type":"counter","values":["9007199254740993"]}"#);
        assert_eq!(
            encode_json_metrics(&[m], &spec).unwrap(),
            b"a:9007199254740993|c"
        );
        let m = metric(r#"{"name":"a","type":"gauge","values":["1e3"]}"#);
        assert_eq!(encode_json_metrics(&[m], &spec).unwrap(), b"a:1000.0|g");
        let m = metric(r#"{"name":"a","type":"gauge","values":["+1"],"delta":true}"#);
        assert_eq!(
            encode_json_metrics(&[m], &Config::etsy()).unwrap(),
            b"a:+1|g"
        );
    }

    #[test]
    fn invalid_metrics_are_refused() {
        let spec = Config::spec();
        for json in [
            r#"{"name":"a:b","type":"counter","values":["1"]}"#,
            r#"{"name":"a","type":"gauge","values":["-1"]}"#,
            r#"{"name":"a","type":"gauge","values":["NaN"]}"#,
            r#"{"name":"a","type":"counter","values":["9223372036854775808"]}"#,
            r#"{"name":"a","type":"counter","values":["-9223372036854775808"]}"#,
            r#"{"name":"a","type":"counter","values":["1","2"]}"#,
            r#"{"name":"a","type":"set","values":["x"]}"#,
            r#"{"name":"a","type":"counter","values":["1"],"sample_rate":"0"}"#,
            r#"{"name":"a","type":"counter","values":["1"],"tags":[["k","v"]]}"#,
        ] {
            assert!(
                encode_json_metrics(&[metric(json)], &spec).is_err(),
                "{json}"
            );
        }
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex_encode(b"a\xff"), "61ff");
        assert_eq!(hex_decode("61ff").unwrap(), b"a\xff");
        assert!(hex_decode("6").is_none());
        assert!(hex_decode("zz").is_none());
    }
}
