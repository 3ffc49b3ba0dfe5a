//! The fast path for the common metric lines: `name:<number>|<type>` with an
//! optional `|@<rate>` and, where the dialect has DogStatsD fields, an optional
//! `|#<tags>` (each at most once, in either order), or a bare name where the
//! dialect has the meter shorthand.
//!
//! One forward pass over the line that either builds exactly the [`Metric`]
//! the full grammar ([`super::line::parse_metric`]) builds for it, with no
//! warning, or returns `None` ("not sure"), and the caller runs the full
//! grammar. It never decides an error: a line that is invalid, odd (anything
//! that would warn) or of any other shape goes to the grammar, which stays the
//! authority. Every rule comes from the dialect's [`Rules`] row, and the value
//! and the sample rate are read by the grammar's own functions
//! ([`super::line::parse_number`], [`number::fast_sample_rate`]), so they
//! cannot differ. `fuzzing::fast_path` checks the equivalence on arbitrary
//! bytes in every dialect.

use super::line;
use super::number;
use crate::bytes::{has_control, is_portable_name};
use crate::config::Rules;
use crate::fields::{MessageKind, UnknownFields};
use crate::metric::{Metric, MetricType, Number};
use crate::tags::Tags;

/// The metric of `body` (a line without its tolerated `\r`, within the length
/// limit; `text` is the longest prefix of it known to be UTF-8; `name_end` its
/// first `:`, `|` or control character, else its length, as the grammar takes
/// it) when it has one of the common shapes and the grammar accepts it without
/// a warning; `None` otherwise.
#[inline]
pub(super) fn parse_metric<'a>(
    body: &'a [u8],
    name_end: usize,
    text: &'a str,
    rules: &Rules,
) -> Option<Metric<'a>> {
    if name_end == body.len() {
        // A bare name (no `:`, `|` or control character): the meter shorthand.
        if body.is_empty() || !rules.bare_name_meter {
            return None;
        }
        let name = text.get(..body.len())?;
        return Some(Metric::new(name, MetricType::Meter, 1u64));
    }
    if name_end == 0 || body[name_end] != b':' {
        return None;
    }
    let name = text.get(..name_end)?;

    // The value, up to the first `|`, read as an integer on the way while it
    // is only digits.
    let value_start = name_end + 1;
    let mut at = value_start;
    let mut m: u64 = 0;
    let mut digits_only = true;
    loop {
        match body.get(at) {
            Some(b'|') => break,
            Some(&b) => {
                let d = b.wrapping_sub(b'0');
                digits_only &= d <= 9;
                m = m.wrapping_mul(10).wrapping_add(u64::from(d));
                at += 1;
            }
            None => return None,
        }
    }
    let value = &body[value_start..at];

    // The type code, up to the next `|` or the end.
    let (kind, type_end) = match body.get(at + 1..at + 3) {
        Some(&[code, b'|']) => (one_letter_type(code)?, at + 2),
        Some(b"ms") if matches!(body.get(at + 3), None | Some(b'|')) => (MetricType::Timer, at + 3),
        None if body.len() == at + 2 => (one_letter_type(body[at + 1])?, at + 2),
        _ => return None,
    };
    if !rules.types.contains(&kind) {
        return None;
    }

    // Up to 15 digits (no sign): below 2^53, so portable and inside every
    // range, read as the grammar reads it (`PosInt`, not a delta), unless a
    // leading zero makes it a question for the grammar. Anything else is read
    // by the grammar's own number function.
    let short_int = digits_only
        && !value.is_empty()
        && value.len() <= 15
        && (value[0] != b'0' || value.len() == 1);
    let (n, delta) = if short_int {
        (Number::PosInt(m), false)
    } else {
        // Only the literals the grammar's fast number reader takes, converted
        // as the grammar converts them (never the nom grammar here: a line it
        // would read goes to the grammar at once).
        let f = number::fast_number(value, rules.value_grammar)?;
        let signed = f.sign.is_some();
        let n = number::fast_to_number(&f, line::value_range(kind, rules, signed)).ok()?;
        if !n.is_portable() {
            return None;
        }
        (n, line::is_delta(kind, rules, signed))
    };
    let mut metric = Metric::new(name, kind, n);
    metric.delta = delta;
    if type_end == body.len() {
        if rules.dogstatsd_fields && !is_portable_name(name.as_bytes()) {
            return None;
        }
        return Some(metric);
    }

    // The fields: `|@<rate>`, and `|#<tags>` where the dialect has them.
    let section_start = type_end + 1;
    let mut rest = &body[type_end..];
    let mut pos = type_end;
    while let [b'|', after @ ..] = rest {
        let len = after.iter().position(|&b| b == b'|').unwrap_or(after.len());
        let field = &after[..len];
        let start = pos + 1;
        let end = start + len;
        match field {
            [b'@', rate @ ..] if metric.sample_rate.is_none() => {
                if !rules.sample_rate_types.contains(&kind) {
                    return None;
                }
                metric.sample_rate = Some(number::fast_sample_rate(rate)?);
            }
            [b'#', tags @ ..] if rules.dogstatsd_fields && metric.tags.is_none() => {
                if has_control(tags) || has_empty_tag(tags) {
                    return None;
                }
                metric.tags = Some(Tags::new(text.get(start + 1..end)?));
            }
            _ => return None,
        }
        pos = end;
        rest = &after[len..];
    }
    if rules.dogstatsd_fields {
        if !is_portable_name(name.as_bytes()) {
            return None;
        }
        metric.unknown_fields =
            UnknownFields::wire(Some(text.get(section_start..pos)?), MessageKind::Metric);
    }
    Some(metric)
}

/// The type of a one-letter code other than a set's (a set member is not a
/// number; sets take the full grammar).
#[inline]
fn one_letter_type(code: u8) -> Option<MetricType> {
    Some(match code {
        b'c' => MetricType::Counter,
        b'g' => MetricType::Gauge,
        b'h' => MetricType::Histogram,
        b'm' => MetricType::Meter,
        b'd' => MetricType::Distribution,
        _ => return None,
    })
}

/// Whether a tag section is empty or holds an empty tag (the grammar warns
/// about those: they take the full grammar); the grammar's own one-pass check
/// for the rest.
#[inline]
fn has_empty_tag(section: &[u8]) -> bool {
    section.is_empty() || line::has_empty_tag(section)
}
