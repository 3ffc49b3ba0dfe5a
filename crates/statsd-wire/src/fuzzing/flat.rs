//! [`Flat`]: a parsed message as plain data (every lazy view — tags, packed
//! values, escaped texts, unknown fields, warnings — iterated into a list), so
//! that the core's result and the reference parser's can be compared field by
//! field and printed readably when they differ. Floats are kept as their `{:?}`
//! text (the shortest round-trip form: equal text iff equal bits, `-0.0`
//! included).

use crate::{
    AlertType, Cardinality, Message, Metric, MetricType, Number, Priority, ServiceCheckStatus,
    Value, Warning, WarningKind, Warnings,
};

/// A warning as plain data: kind, span start and end, line index, column.
pub type FlatWarning = (WarningKind, usize, usize, usize, usize);

/// One parsed message, as plain data.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Flat<'a> {
    /// `metric`, `event` or `service_check`.
    pub kind: &'static str,
    /// A metric's or a service check's name.
    pub name: &'a str,
    /// A metric's type.
    pub metric_type: Option<MetricType>,
    /// A set's member.
    pub set_member: Option<&'a str>,
    /// A metric's numbers, each as `{:?}` of its [`Number`].
    pub numbers: Vec<String>,
    /// Whether the value is [`Value::Packed`] (several values).
    pub packed: bool,
    /// The sample rate, as `{:?}`.
    pub sample_rate: Option<String>,
    /// A gauge delta.
    pub delta: bool,
    /// The tags, when the message has a tag section.
    pub tags: Option<Vec<(&'a str, Option<&'a str>)>>,
    /// A metric's `|T` (as `T<n>`) or an event's / service check's `|d:` (as `d<n>`).
    pub timestamp: Option<String>,
    /// An event's title, unescaped.
    pub title: Option<String>,
    /// An event's text, unescaped.
    pub text: Option<String>,
    /// A service check's message, unescaped.
    pub message: Option<String>,
    /// A service check's status.
    pub status: Option<ServiceCheckStatus>,
    /// `|h:`.
    pub hostname: Option<&'a str>,
    /// `|k:`.
    pub aggregation_key: Option<&'a str>,
    /// `|s:`.
    pub source_type: Option<&'a str>,
    /// `|p:`.
    pub priority: Option<Priority>,
    /// `|t:`.
    pub alert_type: Option<AlertType>,
    /// `|c:`.
    pub container_id: Option<&'a str>,
    /// `|e:`.
    pub external_data: Option<&'a str>,
    /// `|card:`.
    pub cardinality: Option<Cardinality>,
    /// The unknown fields, in order.
    pub unknown: Vec<&'a str>,
    /// The warnings kept (at most [`Warnings::CAPACITY`]).
    pub warnings: Vec<FlatWarning>,
    /// How many warnings were found beyond those kept.
    pub dropped_warnings: usize,
}

/// `{:?}` of a number (floats in their shortest round-trip form).
pub fn number_text(n: Number) -> String {
    format!("{n:?}")
}

/// A warning as plain data.
pub fn flat_warning(w: &Warning) -> FlatWarning {
    (
        w.kind(),
        w.span().start,
        w.span().end,
        w.line_index(),
        w.column(),
    )
}

impl<'a> Flat<'a> {
    /// A metric, without warnings.
    pub fn of_metric(m: &Metric<'a>) -> Flat<'a> {
        let (set_member, numbers, packed) = match m.value {
            Value::Set(member) => (Some(member), Vec::new(), false),
            Value::Number(n) => (None, vec![number_text(n)], false),
            Value::Packed(p) => (None, p.iter().map(number_text).collect(), true),
        };
        Flat {
            kind: "metric",
            name: m.name,
            metric_type: Some(m.kind),
            set_member,
            numbers,
            packed,
            sample_rate: m.sample_rate.map(|r| format!("{r:?}")),
            delta: m.delta,
            tags: m.tags.map(|t| t.iter().collect()),
            timestamp: m.timestamp.map(|t| format!("T{t}")),
            container_id: m.container_id,
            external_data: m.external_data,
            cardinality: m.cardinality,
            unknown: m.unknown_fields.iter().collect(),
            ..Flat::default()
        }
    }

    /// A message with its warnings.
    pub fn of_message(message: &Message<'a>, warnings: &Warnings) -> Flat<'a> {
        let mut flat = match message {
            Message::Metric(m) => Flat::of_metric(m),
            Message::Event(e) => Flat {
                kind: "event",
                title: Some(e.title.to_string()),
                text: Some(e.text.to_string()),
                timestamp: e.timestamp.map(|d| format!("d{d}")),
                hostname: e.hostname,
                aggregation_key: e.aggregation_key,
                priority: e.priority,
                source_type: e.source_type,
                alert_type: e.alert_type,
                tags: e.tags.map(|t| t.iter().collect()),
                container_id: e.container_id,
                external_data: e.external_data,
                cardinality: e.cardinality,
                unknown: e.unknown_fields.iter().collect(),
                ..Flat::default()
            },
            Message::ServiceCheck(c) => Flat {
                kind: "service_check",
                name: c.name,
                status: Some(c.status),
                timestamp: c.timestamp.map(|d| format!("d{d}")),
                hostname: c.hostname,
                tags: c.tags.map(|t| t.iter().collect()),
                message: c.message.map(|m| m.to_string()),
                container_id: c.container_id,
                external_data: c.external_data,
                cardinality: c.cardinality,
                unknown: c.unknown_fields.iter().collect(),
                ..Flat::default()
            },
        };
        flat.warnings = warnings.iter().map(flat_warning).collect();
        flat.dropped_warnings = warnings.dropped();
        flat
    }

    /// The same, with `warnings` (all found, in order) kept as [`Warnings`]
    /// keeps them: the first [`Warnings::CAPACITY`], the rest counted.
    pub fn with_warnings(mut self, mut warnings: Vec<FlatWarning>) -> Flat<'a> {
        let cap = Warnings::CAPACITY;
        self.dropped_warnings = warnings.len().saturating_sub(cap);
        warnings.truncate(cap);
        self.warnings = warnings;
        self
    }
}
