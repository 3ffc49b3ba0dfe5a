//! The DogStatsD halves of the targets: `parse_datagram_dogstatsd` (every
//! message kind through `parse_messages`, and the metrics-only
//! `parse_datagram`) and the message half of `roundtrip_arbitrary`
//! ([`FuzzMessage`]: metrics with every field, events, service checks).

use arbitrary::Arbitrary;

use super::flat::Flat;
use super::{
    EDGE_NUMBERS, ENCODE_PREFIX, FuzzNumber, FuzzRate, SMALL_MAX_LINE_LEN, ValidParts,
    check_datagram, check_encode, check_encoders, is_subslice,
};
use crate::{
    AlertType, Cardinality, Config, Dialect, EncodeErrorKind, ErrorKind, EscapedText, Event,
    Leniency, Message, Metric, MetricType, Number, Packed, Parsed, Priority, RawLine, ServiceCheck,
    ServiceCheckStatus, Tags, UnknownFields, Value, WarningKind,
    parse_datagram as core_parse_datagram, parse_message, parse_messages,
};

// ---------------------------------------------------------------------------
// parse_datagram_dogstatsd
// ---------------------------------------------------------------------------

/// Target `parse_datagram_dogstatsd`: in the dogstatsd dialect, with the
/// default limits and with [`SMALL_MAX_LINE_LEN`], the metrics-only
/// `parse_datagram` checked as the other parse targets check it
/// ([`parse_datagram`](super::parse_datagram)), and `parse_messages` checked by
/// [`check_messages`].
pub fn parse_datagram_dogstatsd(data: &[u8]) {
    let default = Config::dogstatsd();
    for config in [default, default.with_max_line_len(SMALL_MAX_LINE_LEN)] {
        check_datagram(data, &config);
        check_messages(data, &config);
    }
}

/// Whether a rate outside `(0, 1]` is accepted (with a warning) in `config`'s
/// dialect: the encoder still refuses such a rate.
pub(super) fn lenient_rates(config: &Config) -> bool {
    config.dialect().rules().rate_out_of_range == Leniency::Warn
}

fn rate_in_unit_interval(m: &Metric<'_>) -> bool {
    m.sample_rate.is_none_or(|r| r > 0.0 && r <= 1.0)
}

/// The line's body: without the trailing `\r` the dialect drops.
fn body<'a>(line: &'a [u8], config: &Config) -> &'a [u8] {
    match line {
        [body @ .., b'\r'] if config.dialect().strips_trailing_cr() => body,
        _ => line,
    }
}

/// `parse_messages` over `data`, checked line by line:
///
/// - framing: one result per non-empty line, in order, each line's bytes, span
///   and index right (`with_raw()` and the plain iteration agree, and
///   `Parsed::line` is the raw line);
/// - an error's span lies inside its line, its line index and column are
///   consistent with the line; a warning's too;
/// - `parse_message` on the line alone agrees (spans shifted, line 0);
/// - the metrics-only `parse_datagram` agrees: the same metric (no warnings),
///   the same error, `not_a_metric` for an event or a service check;
/// - zero-copy: every text of an accepted message (names, set members, packed
///   values, tags, titles, texts, messages, field texts, unknown fields) is a
///   sub-slice of its line;
/// - every accepted message re-encodes ([`reencode_message`]) and every
///   accepted message, encoded together as one datagram, reads back the same.
pub fn check_messages(data: &[u8], config: &Config) {
    let raw: Vec<_> = parse_messages(data, config).with_raw().collect();
    let plain: Vec<_> = parse_messages(data, config).collect();
    let metrics: Vec<_> = core_parse_datagram(data, config).collect();
    assert!(raw.len() <= data.len(), "{} results", raw.len());
    assert_eq!(plain.len(), raw.len(), "with_raw() yields as many lines");
    assert_eq!(metrics.len(), raw.len(), "parse_datagram frames alike");

    let strip_cr = config.dialect().strips_trailing_cr();
    let expected = data
        .split(|&b| b == b'\n')
        .filter(|l| !(l.is_empty() || strip_cr && *l == b"\r"))
        .count();
    assert_eq!(raw.len(), expected, "one result per non-empty line");

    let mut previous_end = None;
    let (mut counted_to, mut newlines) = (0, 0);
    let mut accepted = Vec::new();
    for (((line, result), plain_result), metric_result) in raw.iter().zip(&plain).zip(&metrics) {
        assert_eq!(result, plain_result, "with_raw() gives the same result");
        let span = line.span;
        assert!(span.start <= span.end && span.end <= data.len(), "{span:?}");
        assert!(
            previous_end.is_none_or(|end| span.start > end),
            "lines in order"
        );
        previous_end = Some(span.end);
        assert!(core::ptr::eq(line.bytes, &data[span.start..span.end]));
        assert!(!line.bytes.is_empty() && !line.bytes.contains(&b'\n'));
        assert!(span.start == 0 || data[span.start - 1] == b'\n');
        assert!(span.end == data.len() || data[span.end] == b'\n');
        newlines += data[counted_to..span.start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = span.start;
        assert_eq!(line.index, newlines, "line index of {span:?}");

        let b = body(line.bytes, config);
        let routed =
            config.dialect().has_tags() && (b.starts_with(b"_e{") || b.starts_with(b"_sc|"));
        let single = parse_message(line.bytes, config);
        match result {
            Err(e) => {
                let s = e.span();
                assert!(
                    span.start <= s.start && s.start <= s.end && s.end <= span.end,
                    "error span {s:?} outside its line {span:?}: {e:?}"
                );
                assert_eq!(e.line_index(), line.index, "{e:?}");
                assert_eq!(e.line_start(), span.start, "{e:?}");
                assert_eq!(e.column(), s.start - span.start + 1);
                let single = single.expect_err("parse_message rejects the line too");
                assert_eq!(single.kind(), e.kind());
                assert_eq!(single.span().shift(span.start), s);
                assert_eq!(single.line_index(), 0);
                let m = metric_result
                    .as_ref()
                    .expect_err("parse_datagram rejects the line too");
                if routed && e.kind() != ErrorKind::LineTooLong {
                    check_not_a_metric(m, line, b);
                } else {
                    assert_eq!(m, e, "parse_datagram and parse_messages");
                }
            }
            Ok(p) => {
                assert_eq!(p.line, *line, "Parsed::line");
                for w in &p.warnings {
                    let s = w.span();
                    assert!(
                        span.start <= s.start && s.start <= s.end && s.end <= span.end,
                        "warning span {s:?} outside its line {span:?}: {w:?}"
                    );
                    assert_eq!(w.line_index(), line.index, "{w:?}");
                    assert_eq!(w.column(), s.start - span.start + 1, "{w:?}");
                    assert!(!w.to_string().is_empty());
                }
                let single = single.expect("parse_message accepts the line too");
                let mut shifted = Flat::of_message(&single.message, &single.warnings);
                for w in &mut shifted.warnings {
                    (w.1, w.2, w.3) = (w.1 + span.start, w.2 + span.start, line.index);
                }
                assert_eq!(
                    shifted,
                    Flat::of_message(&p.message, &p.warnings),
                    "parse_message and parse_messages"
                );
                check_borrowed(&p.message, line.bytes);
                match (&p.message, metric_result) {
                    (Message::Metric(a), Ok(b)) => {
                        assert_eq!(Flat::of_metric(a), Flat::of_metric(b), "parse_datagram");
                    }
                    (Message::Metric(_), Err(e)) => panic!("parse_datagram rejects a metric: {e}"),
                    (_, Ok(m)) => panic!("parse_datagram reads {m:?} from {:?}", p.message),
                    (_, Err(e)) => check_not_a_metric(e, line, b),
                }
                check_warned(p);
                reencode_message(&p.message, config);
                accepted.push(p.message);
            }
        }
    }
    reencode_datagram(&accepted, config);
}

/// An event or a service check through the metrics-only functions.
fn check_not_a_metric(e: &crate::ParseError, line: &RawLine<'_>, body: &[u8]) {
    let prefix = if body.starts_with(b"_e{") { 3 } else { 4 };
    assert_eq!(e.kind(), ErrorKind::NotAMetric, "{e:?}");
    assert_eq!(
        (e.span().start, e.span().end),
        (line.span.start, line.span.start + prefix)
    );
}

/// The warnings that must be there: a rate outside `(0, 1]` was warned about.
fn check_warned(p: &Parsed<'_>) {
    if let Message::Metric(m) = p.message {
        if !rate_in_unit_interval(&m) {
            assert!(
                p.warnings.dropped() > 0
                    || p.warnings
                        .iter()
                        .any(|w| w.kind() == WarningKind::SampleRateOutOfRange),
                "no warning for the rate of {m:?}: {:?}",
                p.warnings
            );
        }
    }
}

/// Every text of a parsed message is borrowed from its line.
fn check_borrowed(message: &Message<'_>, line: &[u8]) {
    let inside = |what: &str, s: &str| {
        assert!(is_subslice(line, s.as_bytes()), "{what} {s:?} is a copy");
    };
    let escaped = |what: &str, t: &EscapedText<'_>| match t.as_wire() {
        Some(w) => inside(what, w),
        None => panic!("{what} {t:?} is not wire text"),
    };
    let tags = |t: &Option<Tags<'_>>| {
        if let Some(t) = t {
            inside("tags", t.as_wire().expect("parsed tags are wire text"));
            for (k, v) in t.iter() {
                inside("tag key", k);
                if let Some(v) = v {
                    inside("tag value", v);
                }
            }
        }
    };
    let opt = |what: &str, s: Option<&str>| {
        if let Some(s) = s {
            inside(what, s);
        }
    };
    let unknown = |u: &UnknownFields<'_>| u.iter().for_each(|f| inside("unknown field", f));
    match message {
        Message::Metric(m) => {
            inside("name", m.name);
            match m.value {
                Value::Set(member) => inside("set member", member),
                Value::Packed(p) => inside("packed values", p.as_wire().expect("wire values")),
                Value::Number(_) => {}
            }
            tags(&m.tags);
            opt("container id", m.container_id);
            opt("external data", m.external_data);
            unknown(&m.unknown_fields);
        }
        Message::Event(e) => {
            escaped("title", &e.title);
            escaped("text", &e.text);
            assert!(!e.title.is_empty(), "an empty title");
            opt("hostname", e.hostname);
            opt("aggregation key", e.aggregation_key);
            opt("source type", e.source_type);
            tags(&e.tags);
            opt("container id", e.container_id);
            opt("external data", e.external_data);
            unknown(&e.unknown_fields);
        }
        Message::ServiceCheck(c) => {
            inside("name", c.name);
            assert!(!c.name.is_empty(), "an empty name");
            if let Some(m) = &c.message {
                escaped("message", m);
            }
            opt("hostname", c.hostname);
            tags(&c.tags);
            opt("container id", c.container_id);
            opt("external data", c.external_data);
            unknown(&c.unknown_fields);
        }
    }
}

/// Re-encodes a parsed message and checks that it parses back to itself, that
/// `Display` shows the same bytes and that the encoding is a fixed point. A
/// canonical form longer than the limit may be refused (then checked with
/// room); a metric whose rate lies outside `(0, 1]` (accepted with a warning)
/// is refused with `SampleRateOutOfRange`, and checked without its rate.
pub fn reencode_message(message: &Message<'_>, config: &Config) {
    let mut out = Vec::new();
    let config = match message.encode(config, &mut out) {
        Ok(()) => *config,
        Err(e)
            if e.kind() == EncodeErrorKind::LineTooLong
                && message.encoded_len() > config.max_line_len() =>
        {
            assert!(out.is_empty(), "a refused message wrote {out:?}");
            let roomy = config.with_max_line_len(usize::MAX);
            message
                .encode(&roomy, &mut out)
                .unwrap_or_else(|e| panic!("{message:?} does not re-encode: {e}"));
            roomy
        }
        Err(e) if e.kind() == EncodeErrorKind::SampleRateOutOfRange && lenient_rates(config) => {
            let Message::Metric(m) = message else {
                panic!("{message:?}: a rate refused on a message without one")
            };
            assert!(!rate_in_unit_interval(m), "{m:?}: {e}");
            assert!(out.is_empty(), "a refused message wrote {out:?}");
            let mut without = *m;
            without.sample_rate = None;
            return reencode_message(&Message::Metric(without), config);
        }
        Err(e) => panic!("accepted message {message:?} does not re-encode: {e}"),
    };
    let shown = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(out.len(), message.encoded_len(), "encoded_len of {shown:?}");
    assert_eq!(message.to_string(), shown, "Display");
    let back = parse_message(&out, &config).unwrap_or_else(|e| {
        panic!("{message:?} re-encodes to {shown:?}, which does not parse: {e}")
    });
    assert_eq!(
        back.message, *message,
        "{message:?} re-encodes to {shown:?}, which parses to {:?}",
        back.message
    );
    check_borrowed(&back.message, &out);
    let mut again = Vec::new();
    back.message
        .encode(&config, &mut again)
        .unwrap_or_else(|e| panic!("{:?} does not re-encode: {e}", back.message));
    assert_eq!(
        String::from_utf8_lossy(&again),
        shown,
        "the canonical encoding of {message:?} is not a fixed point"
    );
}

/// The accepted messages of a datagram (those that encode), encoded together
/// with `encode_messages`, read back as the same messages.
fn reencode_datagram(messages: &[Message<'_>], config: &Config) {
    let roomy = config.with_max_line_len(usize::MAX);
    let encodable: Vec<_> = messages
        .iter()
        .filter(|m| m.validate(&roomy).is_ok())
        .copied()
        .collect();
    let mut out = Vec::new();
    crate::encode_messages(&encodable, &roomy, &mut out).expect("each message encodes");
    let back: Vec<_> = parse_messages(&out, &roomy)
        .map(|r| r.map(|p| p.message))
        .collect();
    let want: Vec<_> = encodable.iter().map(|m| Ok(*m)).collect();
    assert_eq!(back, want, "{:?}", String::from_utf8_lossy(&out));
}

// ---------------------------------------------------------------------------
// roundtrip_arbitrary: messages
// ---------------------------------------------------------------------------

/// The message half of `roundtrip_arbitrary`'s input.
#[derive(Clone, Debug, Arbitrary)]
pub enum FuzzMessage<'a> {
    /// Parts cleaned into a message valid in the dogstatsd dialect.
    Valid(MessageParts<'a>),
    /// The same parts taken as they are (texts with any byte, any number, any
    /// rate, packed sets): mostly refused, each refusal checked for
    /// consistency.
    Raw(MessageParts<'a>),
    /// Any message of the data model.
    Any(Message<'a>),
}

/// The parts of one message.
#[derive(Clone, Debug, Arbitrary)]
pub enum MessageParts<'a> {
    /// A metric.
    Metric(MetricParts<'a>),
    /// An event.
    Event(EventParts<'a>),
    /// A service check.
    ServiceCheck(CheckParts<'a>),
}

/// The fields every DogStatsD message has.
#[derive(Clone, Debug, Arbitrary)]
pub struct SharedParts<'a> {
    /// `|#`: tags from `(key, value)` pairs.
    pub tags: Option<Vec<(&'a str, Option<&'a str>)>>,
    /// `|c:`.
    pub container_id: Option<&'a str>,
    /// `|e:`.
    pub external_data: Option<&'a str>,
    /// `|card:`.
    pub cardinality: Option<Cardinality>,
    /// Unknown fields.
    pub unknown: Vec<&'a str>,
}

/// A metric with every DogStatsD field.
#[derive(Clone, Debug, Arbitrary)]
pub struct MetricParts<'a> {
    /// Name, type, value, set member, rate.
    pub base: ValidParts<'a>,
    /// More values: with any, a numeric metric packs them after the first.
    pub more: Vec<FuzzNumber>,
    /// `|T`.
    pub timestamp: Option<u64>,
    /// The shared fields.
    pub shared: SharedParts<'a>,
}

/// An event.
#[derive(Clone, Debug, Arbitrary)]
pub struct EventParts<'a> {
    /// The title.
    pub title: &'a str,
    /// The text.
    pub text: &'a str,
    /// Whether the title and text are given as wire text (else plain).
    pub wire: bool,
    /// `|d:`.
    pub timestamp: Option<i64>,
    /// `|h:`.
    pub hostname: Option<&'a str>,
    /// `|k:`.
    pub aggregation_key: Option<&'a str>,
    /// `|p:`.
    pub priority: Option<Priority>,
    /// `|s:`.
    pub source_type: Option<&'a str>,
    /// `|t:`.
    pub alert_type: Option<AlertType>,
    /// The shared fields.
    pub shared: SharedParts<'a>,
}

/// A service check.
#[derive(Clone, Debug, Arbitrary)]
pub struct CheckParts<'a> {
    /// The name.
    pub name: &'a str,
    /// The status.
    pub status: ServiceCheckStatus,
    /// `|d:`.
    pub timestamp: Option<i64>,
    /// `|h:`.
    pub hostname: Option<&'a str>,
    /// `|m:`.
    pub message: Option<&'a str>,
    /// Whether the message is given as wire text (else plain).
    pub wire: bool,
    /// The shared fields.
    pub shared: SharedParts<'a>,
}

fn is_control_char(c: char) -> bool {
    c < ' ' || c == '\x7f'
}

/// `text` with every character `bad` says replaced by `_` (when `clean`),
/// `fallback` when empty.
fn cleaned(text: &str, clean: bool, bad: impl Fn(char) -> bool, fallback: &str) -> String {
    if !clean {
        return text.into();
    }
    if text.is_empty() {
        return fallback.into();
    }
    text.chars().map(|c| if bad(c) { '_' } else { c }).collect()
}

/// A field text: no `|`, no control character.
fn field_text(text: &str, clean: bool) -> String {
    cleaned(text, clean, |c| c == '|' || is_control_char(c), "")
}

/// An event title or text, or a service-check message: as plain text no
/// control character but newlines and never the two bytes `\n` (which would
/// read back as a newline); as wire text no control character at all.
fn escaped_text(text: &str, clean: bool, wire: bool, pipe: bool, fallback: &str) -> String {
    let bad = |c: char| (is_control_char(c) && (wire || c != '\n')) || (!pipe && c == '|');
    let t = cleaned(text, clean, bad, fallback);
    if clean && !wire {
        t.replace("\\n", "\\_n")
    } else {
        t
    }
}

/// The prefixes of the fields a dialect knows, per message kind.
fn looks_known(kind: crate::MessageKind, field: &str) -> bool {
    use crate::MessageKind as K;
    let shared = ["#", "c:", "e:", "card:"];
    let own: &[&str] = match kind {
        K::Metric => &["@", "T"],
        K::Event => &["d:", "h:", "k:", "p:", "s:", "t:"],
        K::ServiceCheck => &["d:", "h:", "m:"],
    };
    shared.iter().chain(own).any(|p| field.starts_with(p))
}

/// The owned texts of the shared fields.
struct SharedTexts {
    tags: Option<Vec<(String, Option<String>)>>,
    container_id: Option<String>,
    external_data: Option<String>,
    unknown: Vec<String>,
}

impl SharedTexts {
    fn new(parts: &SharedParts<'_>, clean: bool, kind: crate::MessageKind) -> Self {
        let tags = parts.tags.as_ref().map(|tags| {
            let mut tags: Vec<(String, Option<String>)> = tags
                .iter()
                .take(8)
                .map(|(k, v)| {
                    let key = cleaned(
                        k,
                        clean,
                        |c| matches!(c, ':' | ',' | '|') || is_control_char(c),
                        "",
                    );
                    let value = v.map(|v| {
                        cleaned(
                            v,
                            clean,
                            |c| matches!(c, ',' | '|') || is_control_char(c),
                            "",
                        )
                    });
                    (key, value)
                })
                .collect();
            // One empty tag would be written as an empty section.
            if clean && tags.len() == 1 && tags[0] == (String::new(), None) {
                tags[0].0 = "t".into();
            }
            tags
        });
        let unknown = parts
            .unknown
            .iter()
            .take(4)
            .map(|f| {
                let f = field_text(f, clean);
                if clean && looks_known(kind, &f) {
                    format!("x-{f}")
                } else {
                    f
                }
            })
            .collect();
        SharedTexts {
            tags,
            container_id: parts.container_id.map(|t| field_text(t, clean)),
            external_data: parts.external_data.map(|t| field_text(t, clean)),
            unknown,
        }
    }
}

/// Borrowed views of [`SharedTexts`].
struct SharedViews<'t> {
    pairs: Option<Vec<(&'t str, Option<&'t str>)>>,
    unknown: Vec<&'t str>,
}

impl<'t> SharedViews<'t> {
    fn new(texts: &'t SharedTexts) -> Self {
        SharedViews {
            pairs: texts.tags.as_ref().map(|tags| {
                tags.iter()
                    .map(|(k, v)| (k.as_str(), v.as_deref()))
                    .collect()
            }),
            unknown: texts.unknown.iter().map(String::as_str).collect(),
        }
    }
}

/// A number for the dogstatsd dialect: any integer of the data model, any
/// finite float.
fn any_number(n: FuzzNumber, clean: bool) -> Number {
    let n = match n {
        FuzzNumber::Int(v) => Number::PosInt(v),
        FuzzNumber::Neg(v) if clean => Number::from_i64(v.max(-i64::MAX)),
        FuzzNumber::Neg(v) => Number::NegInt(v),
        FuzzNumber::Float(v) => Number::Float(v),
        FuzzNumber::Edge(i) => EDGE_NUMBERS[usize::from(i) % EDGE_NUMBERS.len()],
    };
    match n {
        Number::Float(v) if clean && !v.is_finite() => Number::Float(0.5),
        Number::NegInt(v) if clean => Number::from_i64(v.max(-i64::MAX)),
        n => n,
    }
}

/// Target `roundtrip_arbitrary`, message half: builds the message, checks that
/// a [`FuzzMessage::Valid`] one validates in the dogstatsd dialect (unless its
/// line is too long), then runs [`check_encode_message`] in every dialect
/// with the default limits and with [`SMALL_MAX_LINE_LEN`].
pub fn roundtrip_message(input: FuzzMessage<'_>) {
    let (parts, clean) = match input {
        FuzzMessage::Any(m) => return check_every_dialect(&m),
        FuzzMessage::Valid(parts) => (parts, true),
        FuzzMessage::Raw(parts) => (parts, false),
    };
    let check = |m: &Message<'_>| {
        if clean {
            let config = Config::dogstatsd();
            match m.validate(&config) {
                Ok(()) => {}
                Err(e)
                    if e.kind() == EncodeErrorKind::LineTooLong
                        && m.encoded_len() > config.max_line_len() => {}
                Err(e) => panic!("{m:?}, built valid for dogstatsd, is refused: {e}"),
            }
        }
        check_every_dialect(m);
    };
    match parts {
        MessageParts::Metric(p) => {
            use crate::MessageKind as K;
            let texts = SharedTexts::new(&p.shared, clean, K::Metric);
            let views = SharedViews::new(&texts);
            let name = cleaned(
                p.base.name,
                clean,
                |c| matches!(c, ':' | '|') || is_control_char(c),
                "m",
            );
            let name = if clean && name.starts_with("_e{") {
                format!("m{name}")
            } else {
                name
            };
            let member = cleaned(
                p.base.member,
                clean,
                |c| c == '|' || is_control_char(c),
                "x",
            );
            let types = Dialect::DogStatsd.rules().types;
            let kind = if clean {
                types[usize::from(p.base.kind) % types.len()]
            } else {
                MetricType::ALL[usize::from(p.base.kind) % MetricType::ALL.len()]
            };
            let mut numbers = vec![any_number(p.base.number, clean)];
            numbers.extend(p.more.iter().take(8).map(|&n| any_number(n, clean)));
            let mut m = if kind == MetricType::Set && (clean || p.more.is_empty()) {
                Metric::set(&name, &member)
            } else if p.more.is_empty() {
                Metric::new(&name, kind, numbers[0])
            } else {
                Metric::packed(&name, kind, Packed::new(&numbers))
            };
            m.sample_rate = p.base.rate.map(|r| match (r, clean) {
                (FuzzRate::Float(v), false) => v,
                (r, _) => r.to_rate(),
            });
            m.delta = !clean && p.base.delta;
            m.tags = views.pairs.as_deref().map(Tags::from_pairs);
            m.timestamp = p
                .timestamp
                .map(|t| if clean { t % i64::MAX as u64 + 1 } else { t });
            m.container_id = texts.container_id.as_deref();
            m.external_data = texts.external_data.as_deref();
            m.cardinality = p.shared.cardinality;
            m.unknown_fields = UnknownFields::new(&views.unknown);
            check(&Message::Metric(m));
        }
        MessageParts::Event(p) => {
            let texts = SharedTexts::new(&p.shared, clean, crate::MessageKind::Event);
            let views = SharedViews::new(&texts);
            let title = escaped_text(p.title, clean, p.wire, true, "t");
            let text = escaped_text(p.text, clean, p.wire, true, "");
            let (title, text) = if p.wire {
                (EscapedText::wire(&title), EscapedText::wire(&text))
            } else {
                (EscapedText::plain(&title), EscapedText::plain(&text))
            };
            let hostname = p.hostname.map(|t| field_text(t, clean));
            let key = p.aggregation_key.map(|t| field_text(t, clean));
            let source = p.source_type.map(|t| field_text(t, clean));
            let mut e = Event::new("", "");
            e.title = title;
            e.text = text;
            e.timestamp = p.timestamp;
            e.hostname = hostname.as_deref();
            e.aggregation_key = key.as_deref();
            e.priority = p.priority;
            e.source_type = source.as_deref();
            e.alert_type = p.alert_type;
            e.tags = views.pairs.as_deref().map(Tags::from_pairs);
            e.container_id = texts.container_id.as_deref();
            e.external_data = texts.external_data.as_deref();
            e.cardinality = p.shared.cardinality;
            e.unknown_fields = UnknownFields::new(&views.unknown);
            check(&Message::Event(e));
        }
        MessageParts::ServiceCheck(p) => {
            let texts = SharedTexts::new(&p.shared, clean, crate::MessageKind::ServiceCheck);
            let views = SharedViews::new(&texts);
            let name = cleaned(p.name, clean, |c| c == '|' || is_control_char(c), "sc");
            let hostname = p.hostname.map(|t| field_text(t, clean));
            let message = p.message.map(|t| escaped_text(t, clean, p.wire, false, ""));
            let mut c = ServiceCheck::new(&name, p.status);
            c.timestamp = p.timestamp;
            c.hostname = hostname.as_deref();
            c.message = message.as_deref().map(|t| {
                if p.wire {
                    EscapedText::wire(t)
                } else {
                    EscapedText::plain(t)
                }
            });
            c.tags = views.pairs.as_deref().map(Tags::from_pairs);
            c.container_id = texts.container_id.as_deref();
            c.external_data = texts.external_data.as_deref();
            c.cardinality = p.shared.cardinality;
            c.unknown_fields = UnknownFields::new(&views.unknown);
            check(&Message::ServiceCheck(c));
        }
    }
}

fn check_every_dialect(m: &Message<'_>) {
    for &dialect in Dialect::ALL {
        check_encode_message(m, &Config::new(dialect));
        check_encode_message(
            m,
            &Config::new(dialect).with_max_line_len(SMALL_MAX_LINE_LEN),
        );
    }
}

/// The encoders of one message in one configuration: if `validate` accepts,
/// `encode`, `encode_to_slice`, `write_to` and `Display` (of the message and
/// of the metric, event or service check inside) write the same
/// `encoded_len()` bytes, a buffer one byte short is `BufferTooSmall`, and
/// `parse_message` reads back an equal message whose encoding is the same
/// bytes (a metric also through `check_encode`, `parse_line`'s way); if
/// `validate` refuses, every encoder refuses with the same error, writing
/// nothing.
pub fn check_encode_message(m: &Message<'_>, config: &Config) {
    let mut out = Vec::new();
    let verdict = check_encoders(m, config, "message", &mut out);
    // The inner type's own encoder.
    let mut inner = ENCODE_PREFIX.to_vec();
    let inner_encoded = match m {
        Message::Metric(x) => x.encode(config, &mut inner),
        Message::Event(x) => x.encode(config, &mut inner),
        Message::ServiceCheck(x) => x.encode(config, &mut inner),
    };
    let inner_len = match m {
        Message::Metric(x) => x.encoded_len(),
        Message::Event(x) => x.encoded_len(),
        Message::ServiceCheck(x) => x.encoded_len(),
    };
    let inner_shown = match m {
        Message::Metric(x) => x.to_string(),
        Message::Event(x) => x.to_string(),
        Message::ServiceCheck(x) => x.to_string(),
    };
    assert_eq!(inner_len, m.encoded_len(), "{m:?}");
    assert_eq!(inner_shown, m.to_string(), "Display of {m:?}");
    assert_eq!(inner, out, "the inner encoder of {m:?}");
    // `check_encoders` has checked that `encode` refuses exactly as `validate`.
    assert_eq!(
        inner_encoded.map_err(|e| e.kind()),
        verdict.map_err(|e| e.kind())
    );
    if verdict.is_ok() {
        let dialect = config.dialect();
        let bytes = &out[ENCODE_PREFIX.len()..];
        let shown = String::from_utf8_lossy(bytes);
        let back = parse_message(bytes, config)
            .unwrap_or_else(|e| panic!("{m:?} encodes to {shown:?} in {dialect}: {e}"));
        assert_eq!(
            back.message, *m,
            "{m:?} encodes to {shown:?}, read back in {dialect} as {:?}",
            back.message
        );
        check_borrowed(&back.message, bytes);
        let mut again = Vec::new();
        back.message
            .encode(config, &mut again)
            .unwrap_or_else(|e| panic!("{:?}: {e}", back.message));
        assert_eq!(again, bytes, "{shown:?} is not a fixed point in {dialect}");
        let all: Vec<_> = parse_messages(bytes, config)
            .map(|r| r.map(|p| p.message))
            .collect();
        assert_eq!(all, [Ok(back.message)], "{shown:?} as a datagram");
    }
    if let Message::Metric(metric) = m {
        check_encode(metric, config);
    }
}
