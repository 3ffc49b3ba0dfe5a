//! The fields after a message: `|@rate`, `|#tags`, `|T`, `|c:`, `|e:`,
//! `|card:` and, for events and service checks, their own. One place says
//! which fields are known ([`is_known`]); the parsers and
//! [`UnknownFields`](crate::UnknownFields) both ask it.

use crate::fields::MessageKind;
use crate::message::{AlertType, Cardinality, Priority};

/// A field after the type (or after an event's text, a service check's
/// status), by its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field<'f> {
    SampleRate(&'f [u8]),
    Tags(&'f [u8]),
    Timestamp(&'f [u8]),
    ContainerId(&'f [u8]),
    ExternalData(&'f [u8]),
    Cardinality(&'f [u8]),
    /// `d:` (events and service checks).
    Date(&'f [u8]),
    Hostname(&'f [u8]),
    AggregationKey(&'f [u8]),
    Priority(&'f [u8]),
    SourceType(&'f [u8]),
    AlertType(&'f [u8]),
    Message(&'f [u8]),
    Unknown,
}

impl Field<'_> {
    /// A small index per known field, for duplicate detection.
    pub(crate) fn slot(&self) -> Option<u32> {
        Some(match self {
            Field::SampleRate(_) => 0,
            Field::Tags(_) => 1,
            Field::Timestamp(_) => 2,
            Field::ContainerId(_) => 3,
            Field::ExternalData(_) => 4,
            Field::Cardinality(_) => 5,
            Field::Date(_) => 6,
            Field::Hostname(_) => 7,
            Field::AggregationKey(_) => 8,
            Field::Priority(_) => 9,
            Field::SourceType(_) => 10,
            Field::AlertType(_) => 11,
            Field::Message(_) => 12,
            Field::Unknown => return None,
        })
    }
}

/// Classifies a DogStatsD field of a message of `kind`.
pub(crate) fn classify(kind: MessageKind, field: &[u8]) -> Field<'_> {
    let shared = match field {
        [b'#', rest @ ..] => Some(Field::Tags(rest)),
        [b'c', b':', rest @ ..] => Some(Field::ContainerId(rest)),
        [b'e', b':', rest @ ..] => Some(Field::ExternalData(rest)),
        [b'c', b'a', b'r', b'd', b':', rest @ ..] => Some(Field::Cardinality(rest)),
        _ => None,
    };
    if let Some(f) = shared {
        return f;
    }
    match (kind, field) {
        (MessageKind::Metric, [b'@', rest @ ..]) => Field::SampleRate(rest),
        (MessageKind::Metric, [b'T', rest @ ..]) => Field::Timestamp(rest),
        (MessageKind::Event | MessageKind::ServiceCheck, [b'd', b':', rest @ ..]) => {
            Field::Date(rest)
        }
        (MessageKind::Event | MessageKind::ServiceCheck, [b'h', b':', rest @ ..]) => {
            Field::Hostname(rest)
        }
        (MessageKind::Event, [b'k', b':', rest @ ..]) => Field::AggregationKey(rest),
        (MessageKind::Event, [b'p', b':', rest @ ..]) => Field::Priority(rest),
        (MessageKind::Event, [b's', b':', rest @ ..]) => Field::SourceType(rest),
        (MessageKind::Event, [b't', b':', rest @ ..]) => Field::AlertType(rest),
        (MessageKind::ServiceCheck, [b'm', b':', rest @ ..]) => Field::Message(rest),
        _ => Field::Unknown,
    }
}

/// `card:` values, ignoring ASCII case (the Agent lower-cases them).
pub(crate) fn cardinality(value: &[u8]) -> Option<Cardinality> {
    Cardinality::ALL
        .iter()
        .copied()
        .find(|c| c.as_str().as_bytes().eq_ignore_ascii_case(value))
}

/// `p:` values, exactly.
pub(crate) fn priority(value: &[u8]) -> Option<Priority> {
    Priority::ALL
        .iter()
        .copied()
        .find(|p| p.as_str().as_bytes() == value)
}

/// `t:` values, exactly.
pub(crate) fn alert_type(value: &[u8]) -> Option<AlertType> {
    AlertType::ALL
        .iter()
        .copied()
        .find(|t| t.as_str().as_bytes() == value)
}

/// A `d:` date: `-?[0-9]+` in the `i64` range.
pub(crate) fn date(value: &[u8]) -> Option<i64> {
    let (negative, digits) = match value {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, value),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits.iter().try_fold(0i64, |acc, d| {
        acc.checked_mul(10)?.checked_sub(i64::from(d - b'0'))
    })?;
    if negative {
        Some(magnitude)
    } else {
        magnitude.checked_neg()
    }
}

/// A `T` timestamp: `[0-9]+` from 1 to `i64::MAX`.
pub(crate) fn timestamp(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = value.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    (v >= 1 && v <= i64::MAX as u64).then_some(v)
}

/// Whether a field of a parsed message of `kind` is known and read (an unknown
/// field, or a known one whose value cannot be read, is kept as unknown).
pub(crate) fn is_known(kind: MessageKind, field: &[u8]) -> bool {
    match classify(kind, field) {
        Field::Unknown => false,
        Field::Cardinality(v) => cardinality(v).is_some(),
        Field::Priority(v) => priority(v).is_some(),
        Field::AlertType(v) => alert_type(v).is_some(),
        Field::Date(v) => date(v).is_some(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_cover_the_i64_range_exactly() {
        assert_eq!(date(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(date(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(date(b"9223372036854775808"), None);
        assert_eq!(date(b"-"), None);
        assert_eq!(date(b"+1"), None);
        assert_eq!(timestamp(b"0"), None);
        assert_eq!(timestamp(b"1"), Some(1));
        assert_eq!(timestamp(b"9223372036854775808"), None);
    }

    #[test]
    fn card_is_not_c_colon() {
        assert!(matches!(
            classify(MessageKind::Metric, b"card:low"),
            Field::Cardinality(b"low")
        ));
        assert!(matches!(
            classify(MessageKind::Metric, b"c:abc"),
            Field::ContainerId(b"abc")
        ));
        assert!(matches!(
            classify(MessageKind::Metric, b"card"),
            Field::Unknown
        ));
        assert!(matches!(
            classify(MessageKind::Event, b"@0.5"),
            Field::Unknown
        ));
    }
}
