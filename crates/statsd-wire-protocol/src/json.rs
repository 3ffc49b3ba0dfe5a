//! The protocol's JSON forms and their conversion to and from
//! [`statsd_wire::Metric`].

use serde::{Deserialize, Serialize};
use statsd_wire::{
    AlertType, Cardinality, Config, EscapedText, Event, Message, Metric, MetricType, Number,
    Packed, ParseError, Parsed, Priority, ServiceCheck, ServiceCheckStatus, Tags, Value,
};

/// What an adapter declares with `capabilities`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// The protocol version (1 or 2).
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
    /// The kinds of line it understands (version 2): `metric`, `event`,
    /// `service_check`. `None` (a version 1 adapter) means `["metric"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
    /// Optional features.
    #[serde(default)]
    pub features: Features,
}

impl Capabilities {
    /// Whether the adapter declares the kind of line `kind` (`metric`, `event`,
    /// `service_check`): every adapter understands metrics; events and service
    /// checks need a version 2 adapter that lists them in `messages`.
    pub fn understands(&self, kind: &str) -> bool {
        match &self.messages {
            _ if kind == "metric" => true,
            Some(kinds) => self.protocol >= 2 && kinds.iter().any(|k| k == kind),
            None => false,
        }
    }
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
///
/// The version 2 members (`timestamp`, `container_id`, `external_data`,
/// `cardinality`) are left out of the JSON when absent, so a metric of the spec
/// and etsy dialects reads exactly as in version 1; absent and `null` mean the
/// same.
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
    /// The values: one, or every packed value in order (`a:1:2:3|d`).
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
    /// The `|T` field: the Unix seconds as a decimal string (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The `|c:` field's text, as written (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
    /// The `|e:` field's text, as written (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_data: Option<String>,
    /// The `|card:` field: `none`, `low`, `orchestrator` or `high` (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardinality: Option<String>,
}

/// A DogStatsD event (`_e{...}`) in the protocol's JSON form (version 2).
///
/// Every member the protocol lists is written, `null` when the line does not
/// set it (absent and `null` mean the same when read). The protocol has no
/// member for an event's or service check's `|c:`, `|e:` and `|card:` fields
/// (which the core reads on them too) nor for any message's unknown fields:
/// those travel only in the canonical form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonEvent {
    /// The title, unescaped (the two bytes `\n` are a newline).
    #[serde(default)]
    pub title: Option<String>,
    /// The title's bytes in hex, when they are not UTF-8 (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_hex: Option<String>,
    /// The text, unescaped.
    #[serde(default)]
    pub text: Option<String>,
    /// The text's bytes in hex, when they are not UTF-8 (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_hex: Option<String>,
    /// `|d:` as a decimal string.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// `|h:`.
    #[serde(default)]
    pub hostname: Option<String>,
    /// `|k:`.
    #[serde(default)]
    pub aggregation_key: Option<String>,
    /// `|p:`: `normal` or `low`.
    #[serde(default)]
    pub priority: Option<String>,
    /// `|s:`.
    #[serde(default)]
    pub source_type: Option<String>,
    /// `|t:`: `info`, `warning`, `error` or `success`.
    #[serde(default)]
    pub alert_type: Option<String>,
    /// Tags, as a metric's.
    #[serde(default)]
    pub tags: Option<Vec<(String, Option<String>)>>,
}

/// A DogStatsD service check (`_sc|...`) in the protocol's JSON form
/// (version 2); members as in [`JsonEvent`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonServiceCheck {
    /// The check's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The name's bytes in hex, when they are not UTF-8 (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_hex: Option<String>,
    /// `"0"` (OK), `"1"` (WARNING), `"2"` (CRITICAL) or `"3"` (UNKNOWN).
    pub status: String,
    /// `|d:` as a decimal string.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// `|h:`.
    #[serde(default)]
    pub hostname: Option<String>,
    /// `|m:`, unescaped.
    #[serde(default)]
    pub message: Option<String>,
    /// Tags, as a metric's.
    #[serde(default)]
    pub tags: Option<Vec<(String, Option<String>)>>,
}

/// One message of a version 2 encode request: `{"metric": M}`,
/// `{"event": E}` or `{"service_check": S}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonMessage {
    /// A metric.
    Metric(JsonMetric),
    /// An event.
    Event(JsonEvent),
    /// A service check.
    ServiceCheck(JsonServiceCheck),
}

impl JsonMessage {
    /// The kind's protocol name: `metric`, `event` or `service_check`.
    pub const fn kind(&self) -> &'static str {
        match self {
            JsonMessage::Metric(_) => "metric",
            JsonMessage::Event(_) => "event",
            JsonMessage::ServiceCheck(_) => "service_check",
        }
    }
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

/// The result for one line: `{"ok": true, "metric": ...}`, `{"ok": true,
/// "event": ...}`, `{"ok": true, "service_check": ...}` or `{"ok": false,
/// "error": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineResult {
    /// Whether the line was accepted.
    pub ok: bool,
    /// The metric, for an accepted metric line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<JsonMetric>,
    /// The event, for an accepted event line (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<JsonEvent>,
    /// The service check, for an accepted service-check line (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_check: Option<JsonServiceCheck>,
    /// The error, for a rejected line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<JsonError>,
    /// Not part of the adapter protocol: the warnings of an accepted line, in
    /// the golden vectors (`spec-vectors/`) and in the reference
    /// implementation's in-process answers ([`crate::adapter::decode_with_warnings`]).
    /// Adapters do not send them and runners do not grade them from adapters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<JsonWarning>>,
}

/// A warning of an accepted line (vectors only, see [`LineResult::warnings`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonWarning {
    /// The warning class (from `spec-vectors/warnings.json`).
    pub class: String,
    /// The byte offset in the datagram of the start of what it is about.
    pub offset: u64,
}

impl LineResult {
    /// An accepted line holding `message`.
    pub fn accepted(message: JsonMessage) -> LineResult {
        let mut result = LineResult {
            ok: true,
            metric: None,
            event: None,
            service_check: None,
            error: None,
            warnings: None,
        };
        match message {
            JsonMessage::Metric(m) => result.metric = Some(m),
            JsonMessage::Event(e) => result.event = Some(e),
            JsonMessage::ServiceCheck(c) => result.service_check = Some(c),
        }
        result
    }

    /// A rejected line.
    pub fn rejected(error: JsonError) -> LineResult {
        LineResult {
            ok: false,
            metric: None,
            event: None,
            service_check: None,
            error: Some(error),
            warnings: None,
        }
    }

    /// The error of a line the core rejected.
    fn error_of(e: &ParseError) -> JsonError {
        JsonError {
            class: Some(e.kind().code().to_string()),
            offset: Some(e.offset() as u64),
            message: e.to_string(),
        }
    }

    /// The result of parsing one line as a metric.
    pub fn from_result(result: &Result<Metric<'_>, ParseError>) -> LineResult {
        match result {
            Ok(m) => LineResult::accepted(JsonMessage::Metric(metric_to_json(m))),
            Err(e) => LineResult::rejected(LineResult::error_of(e)),
        }
    }

    /// The result of parsing one line as a message of any kind
    /// ([`statsd_wire::parse_messages`]); warnings are not part of the protocol.
    pub fn from_parsed(result: &Result<Parsed<'_>, ParseError>) -> LineResult {
        match result {
            Ok(p) => LineResult::accepted(message_to_json(&p.message)),
            Err(e) => LineResult::rejected(LineResult::error_of(e)),
        }
    }

    /// The result of parsing one line as a message of any kind, with the
    /// line's warnings (absent when it has none, as in the vectors).
    pub fn from_parsed_with_warnings(result: &Result<Parsed<'_>, ParseError>) -> LineResult {
        let mut line = LineResult::from_parsed(result);
        if let Some(p) = result.as_ref().ok().filter(|p| !p.warnings.is_empty()) {
            line.warnings = Some(
                p.warnings
                    .iter()
                    .map(|w| JsonWarning {
                        class: w.kind().code().to_string(),
                        offset: w.span().start as u64,
                    })
                    .collect(),
            );
        }
        line
    }

    /// What an accepted line holds (`None` for a rejected line, or an accepted
    /// one holding nothing).
    pub fn message(&self) -> Option<JsonMessage> {
        if let Some(m) = &self.metric {
            Some(JsonMessage::Metric(m.clone()))
        } else if let Some(e) = &self.event {
            Some(JsonMessage::Event(e.clone()))
        } else {
            self.service_check.clone().map(JsonMessage::ServiceCheck)
        }
    }

    /// How many of `metric`, `event` and `service_check` are set (a valid
    /// accepted line has one, a rejected line none).
    pub fn message_count(&self) -> usize {
        usize::from(self.metric.is_some())
            + usize::from(self.event.is_some())
            + usize::from(self.service_check.is_some())
    }
}

/// The stdout of `decode`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeOutput {
    /// One result per line after framing.
    pub lines: Vec<LineResult>,
}

/// The stdin of `encode`: `{"metrics": [...]}` (version 1) or
/// `{"messages": [...]}` (version 2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodeRequest {
    /// The metrics to encode, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<JsonMetric>,
    /// The messages to encode, in order (version 2; instead of `metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<JsonMessage>>,
}

impl EncodeRequest {
    /// The messages to encode: `messages`, or `metrics` as metric messages. A
    /// request holding both (with some metrics) is a bad request.
    pub fn into_messages(self) -> Result<Vec<JsonMessage>, Refusal> {
        match self.messages {
            Some(_) if !self.metrics.is_empty() => Err(Refusal::BadRequest(
                "a request holds either metrics or messages, not both".into(),
            )),
            Some(messages) => Ok(messages),
            None => Ok(self.metrics.into_iter().map(JsonMessage::Metric).collect()),
        }
    }
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
    /// The messages, for `encode` (version 2; instead of `metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<JsonMessage>>,
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

fn tags_to_json(tags: Option<Tags<'_>>) -> Option<Vec<(String, Option<String>)>> {
    tags.map(|t| {
        t.iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    })
}

fn text(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

/// The JSON form of a metric (numbers in their canonical text).
pub fn metric_to_json(m: &Metric<'_>) -> JsonMetric {
    let values = match m.value {
        Value::Set(member) => vec![member.to_string()],
        value => value.numbers().map(|n| n.to_string()).collect(),
    };
    JsonMetric {
        name: Some(m.name.to_string()),
        name_hex: None,
        kind: m.kind.name().to_string(),
        values,
        sample_rate: m.sample_rate.map(rate_text),
        delta: m.delta,
        tags: tags_to_json(m.tags),
        timestamp: m.timestamp.map(|t| t.to_string()),
        container_id: text(m.container_id),
        external_data: text(m.external_data),
        cardinality: m.cardinality.map(|c| c.as_str().to_string()),
    }
}

/// The JSON form of an event (texts unescaped).
pub fn event_to_json(e: &Event<'_>) -> JsonEvent {
    JsonEvent {
        title: Some(e.title.to_string()),
        title_hex: None,
        text: Some(e.text.to_string()),
        text_hex: None,
        timestamp: e.timestamp.map(|t| t.to_string()),
        hostname: text(e.hostname),
        aggregation_key: text(e.aggregation_key),
        priority: e.priority.map(|p| p.as_str().to_string()),
        source_type: text(e.source_type),
        alert_type: e.alert_type.map(|a| a.as_str().to_string()),
        tags: tags_to_json(e.tags),
    }
}

/// The JSON form of a service check (the message unescaped).
pub fn service_check_to_json(c: &ServiceCheck<'_>) -> JsonServiceCheck {
    JsonServiceCheck {
        name: Some(c.name.to_string()),
        name_hex: None,
        status: c.status.as_str().to_string(),
        timestamp: c.timestamp.map(|t| t.to_string()),
        hostname: text(c.hostname),
        message: c.message.map(|m| m.to_string()),
        tags: tags_to_json(c.tags),
    }
}

/// The JSON form of a message of any kind.
pub fn message_to_json(m: &Message<'_>) -> JsonMessage {
    match m {
        Message::Event(e) => JsonMessage::Event(event_to_json(e)),
        Message::ServiceCheck(c) => JsonMessage::ServiceCheck(service_check_to_json(c)),
        Message::Metric(m) => JsonMessage::Metric(metric_to_json(m)),
        // `Message` is non-exhaustive: a kind this protocol does not know yet
        // cannot be produced by the dialects it names.
        #[allow(unreachable_patterns)]
        _ => JsonMessage::Metric(JsonMetric::default()),
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

/// A text member that may come as UTF-8 or hex.
fn text_or_hex(
    what: &str,
    text: Option<&String>,
    hex: Option<&String>,
) -> Result<Option<String>, Refusal> {
    match (text, hex) {
        (Some(text), _) => Ok(Some(text.clone())),
        (None, Some(hex)) => {
            let bytes = hex_decode(hex)
                .ok_or_else(|| Refusal::BadRequest(format!("{what}_hex is not hex")))?;
            String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| Refusal::Refused(format!("the {what} is not UTF-8")))
        }
        (None, None) => Ok(None),
    }
}

fn required(what: &str, text: Option<String>) -> Result<String, Refusal> {
    text.ok_or_else(|| Refusal::BadRequest(format!("{what} missing")))
}

/// Reads a keyword member (`cardinality`, `priority`, `alert_type`).
fn keyword<T>(
    what: &str,
    text: Option<&String>,
    read: impl Fn(&[u8]) -> Option<T>,
) -> Result<Option<T>, Refusal> {
    text.map(|t| {
        read(t.as_bytes()).ok_or_else(|| Refusal::BadRequest(format!("unknown {what} {t:?}")))
    })
    .transpose()
}

/// Reads a timestamp member.
fn seconds<T: core::str::FromStr>(text: Option<&String>) -> Result<Option<T>, Refusal> {
    text.map(|t| {
        t.parse::<T>()
            .map_err(|_| Refusal::Refused(format!("timestamp {t:?} is out of range")))
    })
    .transpose()
}

type OwnedTags = Option<Vec<(String, Option<String>)>>;

/// The fields every kind of message may carry.
struct Common {
    tags: OwnedTags,
    container_id: Option<String>,
    external_data: Option<String>,
    cardinality: Option<Cardinality>,
}

impl Common {
    fn read(
        tags: &OwnedTags,
        container_id: &Option<String>,
        external_data: &Option<String>,
        cardinality: &Option<String>,
    ) -> Result<Common, Refusal> {
        Ok(Common {
            tags: tags.clone(),
            container_id: container_id.clone(),
            external_data: external_data.clone(),
            cardinality: keyword("cardinality", cardinality.as_ref(), Cardinality::from_wire)?,
        })
    }
}

/// Owned pieces of a requested message that a [`Message`] borrows.
enum Parts {
    Metric {
        name: String,
        kind: MetricType,
        value: PartValue,
        sample_rate: Option<f64>,
        delta: bool,
        timestamp: Option<u64>,
        common: Common,
    },
    Event {
        title: String,
        text: String,
        timestamp: Option<i64>,
        hostname: Option<String>,
        aggregation_key: Option<String>,
        priority: Option<Priority>,
        source_type: Option<String>,
        alert_type: Option<AlertType>,
        common: Common,
    },
    ServiceCheck {
        name: String,
        status: ServiceCheckStatus,
        timestamp: Option<i64>,
        hostname: Option<String>,
        message: Option<String>,
        common: Common,
    },
}

enum PartValue {
    Number(Number),
    Packed(Vec<Number>),
    Set(String),
}

impl Parts {
    fn from_json(message: &JsonMessage) -> Result<Parts, Refusal> {
        match message {
            JsonMessage::Metric(m) => Parts::metric(m),
            JsonMessage::Event(e) => Ok(Parts::Event {
                title: required(
                    "title",
                    text_or_hex("title", e.title.as_ref(), e.title_hex.as_ref())?,
                )?,
                text: required(
                    "text",
                    text_or_hex("text", e.text.as_ref(), e.text_hex.as_ref())?,
                )?,
                timestamp: seconds(e.timestamp.as_ref())?,
                hostname: e.hostname.clone(),
                aggregation_key: e.aggregation_key.clone(),
                priority: keyword("priority", e.priority.as_ref(), Priority::from_wire)?,
                source_type: e.source_type.clone(),
                alert_type: keyword("alert_type", e.alert_type.as_ref(), AlertType::from_wire)?,
                common: Common::read(&e.tags, &None, &None, &None)?,
            }),
            JsonMessage::ServiceCheck(c) => Ok(Parts::ServiceCheck {
                name: required(
                    "name",
                    text_or_hex("name", c.name.as_ref(), c.name_hex.as_ref())?,
                )?,
                status: match c.status.as_bytes() {
                    [digit] => ServiceCheckStatus::from_digit(*digit),
                    _ => None,
                }
                .ok_or_else(|| {
                    Refusal::BadRequest(format!("unknown service check status {:?}", c.status))
                })?,
                timestamp: seconds(c.timestamp.as_ref())?,
                hostname: c.hostname.clone(),
                message: c.message.clone(),
                common: Common::read(&c.tags, &None, &None, &None)?,
            }),
        }
    }

    fn metric(m: &JsonMetric) -> Result<Parts, Refusal> {
        let name = required(
            "metric name",
            text_or_hex("name", m.name.as_ref(), m.name_hex.as_ref())?,
        )?;
        let kind = MetricType::from_name(&m.kind)
            .ok_or_else(|| Refusal::BadRequest(format!("unknown metric type {:?}", m.kind)))?;
        let value = match m.values.as_slice() {
            [v] if kind == MetricType::Set => PartValue::Set(v.clone()),
            [v] => PartValue::Number(number_from_text(v)?),
            [] => return Err(Refusal::BadRequest("metric without a value".into())),
            _ if kind == MetricType::Set => {
                return Err(Refusal::Refused(
                    "several members of a set in one line cannot be written".into(),
                ));
            }
            values => PartValue::Packed(
                values
                    .iter()
                    .map(|v| number_from_text(v))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let sample_rate = match &m.sample_rate {
            None => None,
            Some(text) => Some(text.parse::<f64>().map_err(|_| {
                Refusal::BadRequest(format!("sample_rate {text:?} is not a number"))
            })?),
        };
        Ok(Parts::Metric {
            name,
            kind,
            value,
            sample_rate,
            delta: m.delta,
            timestamp: seconds(m.timestamp.as_ref())?,
            common: Common::read(&m.tags, &m.container_id, &m.external_data, &m.cardinality)?,
        })
    }

    fn common(&self) -> &Common {
        match self {
            Parts::Metric { common, .. }
            | Parts::Event { common, .. }
            | Parts::ServiceCheck { common, .. } => common,
        }
    }

    /// The tags as borrowed pairs, for [`Tags::from_pairs`].
    fn tag_pairs(&self) -> Option<Vec<(&str, Option<&str>)>> {
        self.common().tags.as_ref().map(|tags| {
            tags.iter()
                .map(|(k, v)| (k.as_str(), v.as_deref()))
                .collect()
        })
    }

    fn as_message<'a>(&'a self, tags: Option<Tags<'a>>) -> Message<'a> {
        let common = self.common();
        match self {
            Parts::Metric {
                name,
                kind,
                value,
                sample_rate,
                delta,
                timestamp,
                ..
            } => {
                let mut m = match value {
                    PartValue::Number(n) => Metric::new(name, *kind, *n),
                    PartValue::Packed(values) => Metric::packed(name, *kind, Packed::new(values)),
                    PartValue::Set(member) => {
                        let mut m = Metric::set(name, member);
                        m.kind = *kind;
                        m
                    }
                };
                m.sample_rate = *sample_rate;
                m.delta = *delta;
                m.tags = tags;
                m.timestamp = *timestamp;
                m.container_id = common.container_id.as_deref();
                m.external_data = common.external_data.as_deref();
                m.cardinality = common.cardinality;
                Message::Metric(m)
            }
            Parts::Event {
                title,
                text,
                timestamp,
                hostname,
                aggregation_key,
                priority,
                source_type,
                alert_type,
                ..
            } => {
                let mut e = Event::new(title, text);
                e.timestamp = *timestamp;
                e.hostname = hostname.as_deref();
                e.aggregation_key = aggregation_key.as_deref();
                e.priority = *priority;
                e.source_type = source_type.as_deref();
                e.alert_type = *alert_type;
                e.tags = tags;
                e.container_id = common.container_id.as_deref();
                e.external_data = common.external_data.as_deref();
                e.cardinality = common.cardinality;
                Message::Event(e)
            }
            Parts::ServiceCheck {
                name,
                status,
                timestamp,
                hostname,
                message,
                ..
            } => {
                let mut c = ServiceCheck::new(name, *status);
                c.timestamp = *timestamp;
                c.hostname = hostname.as_deref();
                c.message = message.as_deref().map(EscapedText::plain);
                c.tags = tags;
                c.container_id = common.container_id.as_deref();
                c.external_data = common.external_data.as_deref();
                c.cardinality = common.cardinality;
                Message::ServiceCheck(c)
            }
        }
    }
}

/// Encodes protocol messages as one datagram in `config`'s dialect (joined by
/// `\n`); nothing is written unless every message can be.
pub fn encode_json_messages(messages: &[JsonMessage], config: &Config) -> Result<Vec<u8>, Refusal> {
    let parts = messages
        .iter()
        .map(Parts::from_json)
        .collect::<Result<Vec<_>, _>>()?;
    let pairs: Vec<_> = parts.iter().map(Parts::tag_pairs).collect();
    let messages: Vec<Message<'_>> = parts
        .iter()
        .zip(&pairs)
        .map(|(p, t)| p.as_message(t.as_deref().map(Tags::from_pairs)))
        .collect();
    let mut out = Vec::new();
    statsd_wire::encode_messages(&messages, config, &mut out)
        .map_err(|e| Refusal::Refused(e.to_string()))?;
    Ok(out)
}

/// Encodes protocol metrics as one datagram in `config`'s dialect.
pub fn encode_json_metrics(metrics: &[JsonMetric], config: &Config) -> Result<Vec<u8>, Refusal> {
    let messages: Vec<JsonMessage> = metrics.iter().cloned().map(JsonMessage::Metric).collect();
    encode_json_messages(&messages, config)
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

    fn request(json: &str) -> Vec<JsonMessage> {
        serde_json::from_str::<EncodeRequest>(json)
            .unwrap()
            .into_messages()
            .unwrap()
    }

    #[test]
    fn messages_of_every_kind_encode_in_the_canonical_order() {
        let dog = Config::dogstatsd();
        let messages = request(
            r#"{"messages":[
            {"metric":{"name":"a","type":"distribution","values":["1","2.50"],"sample_rate":"0.5",
              "tags":[["env","prod"],["canary",null]],"timestamp":"1657100540",
              "container_id":"ci-1","external_data":"it-false","cardinality":"LOW"}},
            {"event":{"title":"Deploy","text":"line 1\nline 2","timestamp":"-5","hostname":"web-1",
              "aggregation_key":null,"priority":"low","source_type":null,"alert_type":"warning",
              "tags":[["env","prod"]]}},
            {"service_check":{"name":"db.up","status":"2","timestamp":null,"hostname":"db-1",
              "message":"replica lag","tags":[["role","replica"]]}}]}"#,
        );
        assert_eq!(
            String::from_utf8(encode_json_messages(&messages, &dog).unwrap()).unwrap(),
            "a:1:2.5|d|@0.5|#env:prod,canary|c:ci-1|e:it-false|T1657100540|card:low\n\
             _e{6,14}:Deploy|line 1\\nline 2|d:-5|h:web-1|p:low|t:warning|#env:prod\n\
             _sc|db.up|2|h:db-1|#role:replica|m:replica lag"
        );
        // Events are refused where the dialect has none.
        assert!(encode_json_messages(&messages[1..2], &Config::etsy()).is_err());
    }

    #[test]
    fn decoded_messages_have_the_v2_forms() {
        let out = crate::adapter::decode(
            b"_e{6,14}:Deploy|line 1\\nline 2|t:warning\n_sc|db.up|2|m:lag\na:1:2|d|T5|card:High",
            &Config::dogstatsd(),
        );
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"lines":[{"ok":true,"event":{"title":"Deploy","text":"line 1\nline 2","timestamp":null,"hostname":null,"aggregation_key":null,"priority":null,"source_type":null,"alert_type":"warning","tags":null}},{"ok":true,"service_check":{"name":"db.up","status":"2","timestamp":null,"hostname":null,"message":"lag","tags":null}},{"ok":true,"metric":{"name":"a","type":"distribution","values":["1","2"],"sample_rate":null,"delta":false,"tags":null,"timestamp":"5","cardinality":"high"}}]}"#
        );
    }

    #[test]
    fn bad_v2_requests_are_refused() {
        let dog = Config::dogstatsd();
        for json in [
            r#"{"messages":[{"event":{"title":"","text":"x"}}]}"#,
            r#"{"messages":[{"event":{"title":"a","text":"x","priority":"urgent"}}]}"#,
            r#"{"messages":[{"service_check":{"name":"a","status":"4"}}]}"#,
            r#"{"messages":[{"service_check":{"name":"a","status":"0","message":"a|b"}}]}"#,
            r#"{"messages":[{"metric":{"name":"a","type":"set","values":["x","y"]}}]}"#,
            r#"{"messages":[{"metric":{"name":"a","type":"counter","values":["1"],"timestamp":"0"}}]}"#,
            r#"{"messages":[{"metric":{"name":"a","type":"counter","values":["1"],"tags":[["a,b",null]]}}]}"#,
            r#"{"messages":[{"metric":{"name":"a","type":"counter","values":["1"],"cardinality":"some"}}]}"#,
        ] {
            let messages = serde_json::from_str::<EncodeRequest>(json)
                .map_err(|e| Refusal::BadRequest(e.to_string()))
                .and_then(EncodeRequest::into_messages);
            assert!(
                messages
                    .and_then(|m| encode_json_messages(&m, &dog))
                    .is_err(),
                "{json}"
            );
        }
        let both = r#"{"metrics":[{"name":"a","type":"counter","values":["1"]}],"messages":[]}"#;
        assert!(
            serde_json::from_str::<EncodeRequest>(both)
                .unwrap()
                .into_messages()
                .is_err()
        );
    }

    #[test]
    fn capabilities_declare_message_kinds() {
        let v1: Capabilities =
            serde_json::from_str(r#"{"protocol":1,"name":"x","messages":["event"]}"#).unwrap();
        assert!(v1.understands("metric") && !v1.understands("event"));
        let v2: Capabilities =
            serde_json::from_str(r#"{"protocol":2,"name":"x","messages":["metric","event"]}"#)
                .unwrap();
        assert!(v2.understands("event") && !v2.understands("service_check"));
        assert!(crate::adapter::capabilities().understands("service_check"));
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex_encode(b"a\xff"), "61ff");
        assert_eq!(hex_decode("61ff").unwrap(), b"a\xff");
        assert!(hex_decode("6").is_none());
        assert!(hex_decode("zz").is_none());
    }
}
