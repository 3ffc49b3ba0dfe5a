//! The fast path for the common metric lines: `name:<number>|<type>` with an
//! optional `|@<rate>` and, where the dialect has DogStatsD fields, an optional
//! `|#<tags>` (each at most once, in either order), or a bare name where the
//! dialect has the meter shorthand.
//!
//! One forward pass over the line that either builds exactly the [`Metric`]
//! the full grammar ([`super::line::parse_metric`]) builds for it, with no
//! warning, or returns exactly the grammar's fault, or returns `Err(None)`
//! ("not sure"), and the caller runs the full grammar. It decides a fault only
//! where the grammar's order of checks is followed step by step up to it (the
//! name, the structure, the type, the value, a sample rate, a field of the
//! spec and etsy dialects); the caller applies the precedence of a control
//! character to both alike. A line that is odd (anything that would warn) or
//! of any other shape goes to the grammar, which stays the authority. Every
//! rule comes from the dialect's [`Rules`] row, and the value and the sample
//! rate are read by the grammar's own functions ([`number::read_slow_number`],
//! [`line::slow_sample_rate`] behind the fast readers), so they cannot
//! differ. `fuzzing::fast_path` checks the equivalence, errors included, on
//! arbitrary bytes in every dialect.

use super::line;
use super::number;
use super::{Fault, str_at};
use crate::bytes::{has_control, is_portable_name};
use crate::config::Rules;
use crate::error::ErrorKind;
use crate::fields::{MessageKind, UnknownFields};
use crate::metric::{Metric, MetricType, Number};
use crate::tags::Tags;

/// What the fast path decides: `Ok` the metric, `Err(Some(fault))` the fault
/// the grammar returns (before the precedence of a control character, which
/// the caller applies to both alike), `Err(None)` "not sure".
pub(super) type Verdict<'a> = Result<Metric<'a>, Option<Fault>>;

/// The metric of `body` (a line without its tolerated `\r`, within the length
/// limit; `text` is the longest prefix of it known to be UTF-8; `name_end` its
/// first `:`, `|` or control character, else its length, as the grammar takes
/// it) when it has one of the common shapes and the grammar accepts it without
/// a warning; the grammar's fault for the faults it can decide on the way (the
/// name, the structure, the type, a value the grammar's fast reader reads but
/// rejects, a field of the spec and etsy dialects other than a rate); `Err(None)`
/// otherwise.
#[inline]
pub(super) fn parse_metric<'a>(
    body: &'a [u8],
    name_end: usize,
    text: &'a str,
    rules: &Rules,
) -> Verdict<'a> {
    if name_end == body.len() {
        // A bare name (no `:`, `|` or control character): the meter shorthand.
        if body.is_empty() {
            return Err(Some((ErrorKind::EmptyLine, 0, 0)));
        }
        let name = str_at(body, text, 0, name_end).map_err(Some)?;
        if !rules.bare_name_meter {
            return Err(Some((ErrorKind::MissingValue, name_end, name_end)));
        }
        return Ok(Metric::new(name, MetricType::Meter, 1u64));
    }
    match body[name_end] {
        b':' | b'|' if name_end == 0 => return Err(Some((ErrorKind::EmptyName, 0, 1))),
        b':' | b'|' => {}
        _ => return Err(Some(line::CONTROL)),
    }
    let name = str_at(body, text, 0, name_end).map_err(Some)?;
    if body[name_end] == b'|' {
        return Err(Some((ErrorKind::MissingValue, name_end, name_end + 1)));
    }

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
            None if at == value_start => {
                return Err(Some((ErrorKind::MissingValue, value_start, value_start)));
            }
            None => return Err(Some((ErrorKind::MissingType, at, at))),
        }
    }
    let value = &body[value_start..at];
    if value.is_empty() {
        return Err(Some((ErrorKind::MissingValue, value_start, value_start)));
    }

    // The type code, up to the next `|` or the end.
    let (kind, type_end) = match body.get(at + 1..at + 3) {
        Some(&[code, b'|']) if one_letter_type(code).is_some() => {
            (one_letter_type(code).ok_or(None)?, at + 2)
        }
        Some(b"ms") if matches!(body.get(at + 3), None | Some(b'|')) => (MetricType::Timer, at + 3),
        None if body.len() == at + 2 && one_letter_type(body[at + 1]).is_some() => {
            (one_letter_type(body[at + 1]).ok_or(None)?, at + 2)
        }
        _ => return Err(type_fault(body, at + 1, rules)),
    };
    if !rules.types.contains(&kind) {
        return Err(Some((ErrorKind::UnknownType, at + 1, type_end)));
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
        // The grammar's fast number reader, then (out of line, for the rare
        // literals it does not take and for invalid values) the full number
        // grammar, exactly as the grammar's `parse_number` reads the value.
        let range_of = |signed: bool| line::value_range(kind, rules, signed);
        let (n, signed) = match number::fast_number(value, rules.value_grammar) {
            Some(f) => {
                let signed = f.sign.is_some();
                let n = number::fast_to_number(&f, range_of(signed))
                    .map_err(|k| Some((k, value_start, at)))?;
                (n, signed)
            }
            None => {
                slow_number(value, rules, range_of).map_err(|k| k.map(|k| (k, value_start, at)))?
            }
        };
        if !n.is_portable() {
            return Err(None);
        }
        (n, line::is_delta(kind, rules, signed))
    };
    let mut metric = Metric::new(name, kind, n);
    metric.delta = delta;
    if type_end == body.len() {
        if rules.dogstatsd_fields && !is_portable_name(name.as_bytes()) {
            return Err(None);
        }
        return Ok(metric);
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
                    return Err(Some((ErrorKind::SampleRateNotAllowed, start, end)));
                }
                metric.sample_rate = Some(match number::fast_sample_rate(rate) {
                    Some(rate) => rate,
                    None => slow_sample_rate(rate, rules, start + 1, end)?,
                });
            }
            [b'#', tags @ ..] if rules.dogstatsd_fields && metric.tags.is_none() => {
                if has_control(tags) || has_empty_tag(tags) {
                    return Err(None);
                }
                metric.tags = Some(Tags::new(text.get(start + 1..end).ok_or(None)?));
            }
            _ if rules.dogstatsd_fields => return Err(None),
            [b'@', ..] => return Err(Some((ErrorKind::DuplicateSampleRate, start, end))),
            _ => return Err(Some((ErrorKind::UnknownField, start, end))),
        }
        pos = end;
        rest = &after[len..];
    }
    if rules.dogstatsd_fields {
        if !is_portable_name(name.as_bytes()) {
            return Err(None);
        }
        metric.unknown_fields = UnknownFields::wire(
            Some(text.get(section_start..pos).ok_or(None)?),
            MessageKind::Metric,
        );
    }
    Ok(metric)
}

/// The grammar's reading of a value that [`number::fast_number`] does not
/// take (a metric of a type other than a set): `Err(Some(kind))` its fault,
/// `Err(None)` for packed values (the grammar's question).
#[cold]
#[inline(never)]
fn slow_number(
    value: &[u8],
    rules: &Rules,
    range_of: impl Fn(bool) -> number::Range,
) -> Result<(Number, bool), Option<ErrorKind>> {
    if rules.packed_values && value.contains(&b':') {
        return Err(None);
    }
    number::read_slow_number(value, rules.value_grammar, range_of).map_err(Some)
}

/// The grammar's reading of a sample rate that [`number::fast_sample_rate`]
/// does not take (at `start..end`): its fault, or `Err(None)` for a rate out of
/// range in a dialect that only warns about that.
#[cold]
#[inline(never)]
fn slow_sample_rate(
    rate: &[u8],
    rules: &Rules,
    start: usize,
    end: usize,
) -> Result<f64, Option<Fault>> {
    match line::slow_sample_rate(rate, rules) {
        Ok((rate, true)) => Ok(rate),
        Ok((_, false)) => Err(None),
        Err(kind) => Err(Some((kind, start, end))),
    }
}

/// The grammar's fault for a type code at `start` (after the value's `|`)
/// that the fast path does not read: missing, unknown or not of the dialect;
/// `None` for a type the grammar reads (a set, or a code the fast path's
/// patterns do not cover).
#[cold]
fn type_fault(body: &[u8], start: usize, rules: &Rules) -> Option<Fault> {
    let (code, _) = line::split_at_pipe(&body[start..]);
    if code.is_empty() {
        return Some((ErrorKind::MissingType, start, start));
    }
    match MetricType::from_code_bytes(code) {
        Some(t) if rules.types.contains(&t) => None,
        _ => Some((ErrorKind::UnknownType, start, start + code.len())),
    }
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
