//! [`Message`]: every kind of line a dialect reads. The spec and etsy dialects
//! have metrics only; DogStatsD adds [`Event`]s (`_e{...}`) and
//! [`ServiceCheck`]s (`_sc|...`).

use core::fmt;

use crate::escaped::EscapedText;
use crate::fields::{MessageKind, UnknownFields};
use crate::metric::Metric;
use crate::tags::Tags;

/// One line of a datagram: a metric, an event or a service check.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum Message<'a> {
    /// A metric (every dialect).
    Metric(Metric<'a>),
    /// A DogStatsD event.
    Event(Event<'a>),
    /// A DogStatsD service check.
    ServiceCheck(ServiceCheck<'a>),
}

impl<'a> Message<'a> {
    /// Which kind of message this is.
    pub const fn kind(&self) -> MessageKind {
        match self {
            Message::Metric(_) => MessageKind::Metric,
            Message::Event(_) => MessageKind::Event,
            Message::ServiceCheck(_) => MessageKind::ServiceCheck,
        }
    }

    /// The metric, if this is one.
    pub const fn as_metric(&self) -> Option<&Metric<'a>> {
        match self {
            Message::Metric(m) => Some(m),
            _ => None,
        }
    }
}

impl<'a> From<Metric<'a>> for Message<'a> {
    fn from(m: Metric<'a>) -> Self {
        Message::Metric(m)
    }
}

impl<'a> From<Event<'a>> for Message<'a> {
    fn from(e: Event<'a>) -> Self {
        Message::Event(e)
    }
}

impl<'a> From<ServiceCheck<'a>> for Message<'a> {
    fn from(c: ServiceCheck<'a>) -> Self {
        Message::ServiceCheck(c)
    }
}

/// Defines a small enum of wire keywords with `as_str` and a case-insensitive
/// `from_wire`.
macro_rules! keywords {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The keyword as written by the encoder (lower case).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }

            /// The value a wire keyword names, ignoring ASCII case.
            pub fn from_wire(text: &[u8]) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str().as_bytes().eq_ignore_ascii_case(text))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keywords! {
    /// The `|card:` field: how many tags the Agent's origin detection adds.
    Cardinality {
        /// `none`: no origin tags.
        None = "none",
        /// `low`.
        Low = "low",
        /// `orchestrator`.
        Orchestrator = "orchestrator",
        /// `high`.
        High = "high",
    }
}

keywords! {
    /// An event's `|p:` priority.
    Priority {
        /// `normal` (the Agent's default).
        Normal = "normal",
        /// `low`.
        Low = "low",
    }
}

keywords! {
    /// An event's `|t:` alert type.
    AlertType {
        /// `info` (the Agent's default).
        Info = "info",
        /// `warning`.
        Warning = "warning",
        /// `error`.
        Error = "error",
        /// `success`.
        Success = "success",
    }
}

/// A service check's status: the digit after the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ServiceCheckStatus {
    /// `0`.
    Ok = 0,
    /// `1`.
    Warning = 1,
    /// `2`.
    Critical = 2,
    /// `3`.
    Unknown = 3,
}

impl ServiceCheckStatus {
    /// The status written as its digit, `b'0'` to `b'3'`.
    pub const fn from_digit(digit: u8) -> Option<ServiceCheckStatus> {
        Some(match digit {
            b'0' => ServiceCheckStatus::Ok,
            b'1' => ServiceCheckStatus::Warning,
            b'2' => ServiceCheckStatus::Critical,
            b'3' => ServiceCheckStatus::Unknown,
            _ => return None,
        })
    }

    /// The digit as text, `"0"` to `"3"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ServiceCheckStatus::Ok => "0",
            ServiceCheckStatus::Warning => "1",
            ServiceCheckStatus::Critical => "2",
            ServiceCheckStatus::Unknown => "3",
        }
    }
}

/// A DogStatsD event: `_e{<title length>,<text length>}:<title>|<text>` and
/// optional fields. Titles and texts keep their wire escapes
/// ([`EscapedText`]); every optional member is `None` when the line does not
/// set it (no defaults are filled in).
///
/// ```
/// use statsd_wire::{parse_messages, AlertType, Config, Message};
/// let line = parse_messages(br"_e{6,14}:Deploy|line 1\nline 2|t:warning|#env:prod", &Config::dogstatsd())
///     .next().unwrap().unwrap();
/// let Message::Event(e) = line.message else { panic!() };
/// assert_eq!(e.title.to_string(), "Deploy");
/// assert_eq!(e.text.to_string(), "line 1\nline 2");
/// assert_eq!(e.alert_type, Some(AlertType::Warning));
/// assert_eq!(e.to_string(), r"_e{6,14}:Deploy|line 1\nline 2|t:warning|#env:prod");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct Event<'a> {
    /// The title (never empty in a parsed event).
    pub title: EscapedText<'a>,
    /// The text (may be empty).
    pub text: EscapedText<'a>,
    /// `|d:<seconds>`: when the event happened.
    pub timestamp: Option<i64>,
    /// `|h:<hostname>`.
    pub hostname: Option<&'a str>,
    /// `|k:<aggregation key>`.
    pub aggregation_key: Option<&'a str>,
    /// `|p:<priority>`.
    pub priority: Option<Priority>,
    /// `|s:<source type name>`.
    pub source_type: Option<&'a str>,
    /// `|t:<alert type>`.
    pub alert_type: Option<AlertType>,
    /// `|#<tags>`.
    pub tags: Option<Tags<'a>>,
    /// `|c:<container id>`.
    pub container_id: Option<&'a str>,
    /// `|e:<external data>`.
    pub external_data: Option<&'a str>,
    /// `|card:<cardinality>`.
    pub cardinality: Option<Cardinality>,
    /// The fields the dialect does not define (or whose value it cannot read).
    pub unknown_fields: UnknownFields<'a>,
}

impl<'a> Event<'a> {
    /// An event with a title and a text (plain text: newlines as themselves)
    /// and no optional field.
    pub fn new(title: &'a str, text: &'a str) -> Self {
        Event {
            title: EscapedText::plain(title),
            text: EscapedText::plain(text),
            timestamp: None,
            hostname: None,
            aggregation_key: None,
            priority: None,
            source_type: None,
            alert_type: None,
            tags: None,
            container_id: None,
            external_data: None,
            cardinality: None,
            unknown_fields: UnknownFields::NONE,
        }
    }
}

/// A DogStatsD service check: `_sc|<name>|<status>` and optional fields.
///
/// ```
/// use statsd_wire::{parse_messages, Config, Message, ServiceCheckStatus};
/// let line = parse_messages(b"_sc|db.up|2|h:db-1|m:replica lag", &Config::dogstatsd())
///     .next().unwrap().unwrap();
/// let Message::ServiceCheck(c) = line.message else { panic!() };
/// assert_eq!((c.name, c.status), ("db.up", ServiceCheckStatus::Critical));
/// assert_eq!(c.message.unwrap().to_string(), "replica lag");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct ServiceCheck<'a> {
    /// The check's name.
    pub name: &'a str,
    /// The status.
    pub status: ServiceCheckStatus,
    /// `|d:<seconds>`.
    pub timestamp: Option<i64>,
    /// `|h:<hostname>`.
    pub hostname: Option<&'a str>,
    /// `|#<tags>`.
    pub tags: Option<Tags<'a>>,
    /// `|m:<message>` (escaped like an event's text).
    pub message: Option<EscapedText<'a>>,
    /// `|c:<container id>`.
    pub container_id: Option<&'a str>,
    /// `|e:<external data>`.
    pub external_data: Option<&'a str>,
    /// `|card:<cardinality>`.
    pub cardinality: Option<Cardinality>,
    /// The fields the dialect does not define (or whose value it cannot read).
    pub unknown_fields: UnknownFields<'a>,
}

impl<'a> ServiceCheck<'a> {
    /// A service check with no optional field.
    pub fn new(name: &'a str, status: ServiceCheckStatus) -> Self {
        ServiceCheck {
            name,
            status,
            timestamp: None,
            hostname: None,
            tags: None,
            message: None,
            container_id: None,
            external_data: None,
            cardinality: None,
            unknown_fields: UnknownFields::NONE,
        }
    }
}
