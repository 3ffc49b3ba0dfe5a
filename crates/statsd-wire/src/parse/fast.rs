//! The fast path for the common metric lines: `name:<value>|<type>` (a number,
//! or packed numbers where the dialect has them) with, each at most once and in
//! any order, `|@<rate>` and, where the dialect has DogStatsD fields, `|#<tags>`,
//! `|c:<container id>`, `|e:<external data>` and `|T<timestamp>`; or a bare name
//! where the dialect has the meter shorthand.
//!
//! One forward pass over the line, from its first byte in the datagram: the
//! line's end is found on the way (the name's scan stops at the `\n` as at any
//! control character, and every later token stops at it), so a datagram's
//! common lines need no separate newline search. The pass either builds
//! exactly the [`Metric`] the full grammar ([`super::line::parse_metric`])
//! builds for the line, or finds exactly the grammar's fault (kind and span,
//! with the precedence of a control character applied), or is not sure, and
//! the caller runs the full grammar. Its verdict goes to a [`Sink`], which
//! builds the caller's item (the iterator's result) in place. It decides a
//! fault only where the grammar's order of checks is followed step by step up
//! to it (the name, the structure, the type, the value, a sample rate, a field
//! of the spec and etsy dialects). A line that is odd (anything that would
//! warn, where the caller reports warnings) or of any other shape goes to the
//! grammar, which stays the authority. Every rule comes from the dialect's
//! [`Rules`] row (one copy of the pass serves the dialects without DogStatsD
//! fields, one those with them, chosen from the row), and values and sample
//! rates are read by the grammar's own functions behind the fast readers
//! ([`number::read_slow_number`], [`line::slow_sample_rate`]), or by readers
//! unit-tested against them ([`number::long_integer`],
//! [`number::short_sample_rate`]). `fuzzing::fast_path` checks the
//! equivalence, errors included, on arbitrary bytes in every dialect.

use super::line;
use super::number;
use super::{Fault, fields, str_at};
use crate::bytes::{first_control, first_name_stop, has_control, is_portable_name};
use crate::config::{Leniency, NumberGrammar, Rules};
use crate::error::ErrorKind;
use crate::fields::{MessageKind, UnknownFields};
use crate::metric::{Metric, MetricType, Number, Value};
use crate::packed::Packed;
use crate::tags::Tags;

/// Where the fast path's verdict on a line goes: the caller builds its item
/// (a metric, a message, the next line's result) straight from it, so a
/// metric is written once, in the caller's item, not moved through layers of
/// results.
pub(super) trait Sink<'a> {
    /// What the caller makes of the verdict.
    type Item;
    /// Whether the caller reports warnings. A caller that does not (the
    /// metric iterator: a warning never changes the metric) lets the fast
    /// path skip the checks that only decide a warning, such as a
    /// DogStatsD name's portability.
    const WARNINGS: bool;
    /// The line is this metric; it is `end` bytes long.
    fn accept(&mut self, metric: Metric<'a>, end: usize) -> Self::Item;
    /// The line has this fault (the grammar's, with the precedence of a
    /// control character applied); it is `end` bytes long.
    fn reject(&mut self, fault: Fault, end: usize) -> Self::Item;
    /// The fast path is not sure: the full grammar decides.
    fn unsure(&mut self) -> Self::Item;
}

/// The metric of the line at the start of `input` (which may hold further
/// lines after a `\n`: the line is `input` up to its first `\n`), when it has
/// one of the common shapes and the grammar accepts it without a warning; the
/// grammar's fault, with the precedence of a control character applied, for
/// the faults it can decide on the way (the name, the structure, the type, a
/// value the grammar's fast reader reads but rejects, a field of the spec and
/// etsy dialects other than a rate); "not sure" otherwise. `text` is the
/// longest prefix of `input` known to be UTF-8 (or a shorter one). The
/// verdict goes to `sink`.
///
/// The line's end is found by the reading itself (the name's scan stops at a
/// `\n` as at any control character, and every later token stops at it), so
/// a datagram's common lines are read in one pass, with no separate newline
/// search. The caller's checks that come before the metric grammar are made
/// here or left to the caller: a line longer than `max_len`, a line that
/// ends in `\r` in a dialect that strips it, and (where the dialect has them)
/// an event or service check are "not sure".
#[inline(always)]
pub(super) fn read_metric<'a, S: Sink<'a>>(
    input: &'a [u8],
    text: &'a str,
    rules: &Rules,
    max_len: usize,
    sink: &mut S,
) -> S::Item {
    // One copy of the reader for the dialects with DogStatsD fields and one
    // for the others, chosen once from the rules (which stay the data every
    // check reads): the plain dialects' copy holds no field code it never runs.
    if rules.dogstatsd_fields {
        read_metric_of::<S, true>(input, text, rules, max_len, sink)
    } else {
        read_metric_of::<S, false>(input, text, rules, max_len, sink)
    }
}

/// [`read_metric`] for the dialects with (`DOGSTATSD`) or without DogStatsD
/// fields (`rules.dogstatsd_fields`, which this must equal).
#[inline(always)]
fn read_metric_of<'a, S: Sink<'a>, const DOGSTATSD: bool>(
    input: &'a [u8],
    text: &'a str,
    rules: &Rules,
    max_len: usize,
    sink: &mut S,
) -> S::Item {
    debug_assert_eq!(rules.dogstatsd_fields, DOGSTATSD);
    /// The value of an `Option`, or "not sure".
    macro_rules! sure {
        ($e:expr) => {
            match $e {
                Some(v) => v,
                None => return sink.unsure(),
            }
        };
    }
    if DOGSTATSD && input.first() == Some(&b'_') && is_event_or_check(input) {
        return sink.unsure();
    }
    let name_end = first_name_stop(input).unwrap_or(input.len());
    /// The verdict on a fault (out of line: [`reject`]).
    macro_rules! fault {
        ($fault:expr) => {
            reject(sink, input, name_end, $fault, rules, max_len)
        };
    }
    match input.get(name_end) {
        None | Some(b'\n') => {
            // A bare name (no `:`, `|` or control character): the meter shorthand.
            if name_end == 0 {
                return fault!((ErrorKind::EmptyLine, 0, 0));
            }
            let name = match str_at(input, text, 0, name_end) {
                Ok(name) => name,
                Err(f) => return fault!(f),
            };
            if !rules.bare_name_meter {
                return fault!((ErrorKind::MissingValue, name_end, name_end));
            }
            if name_end > max_len {
                return sink.unsure();
            }
            return sink.accept(Metric::new(name, MetricType::Meter, 1u64), name_end);
        }
        Some(b':' | b'|') if name_end == 0 => return fault!((ErrorKind::EmptyName, 0, 1)),
        Some(b':' | b'|') => {}
        _ => return fault!(line::CONTROL),
    }
    let name = match str_at(input, text, 0, name_end) {
        Ok(name) => name,
        Err(f) => return fault!(f),
    };
    if input[name_end] == b'|' {
        return fault!((ErrorKind::MissingValue, name_end, name_end + 1));
    }

    // The value, up to the first `|`, read as an integer on the way while it
    // is only digits.
    let value_start = name_end + 1;
    let mut at = value_start;
    let mut m: u64 = 0;
    let mut digits_only = true;
    loop {
        match input.get(at) {
            Some(b'|') => break,
            None | Some(b'\n') if at == value_start => {
                return fault!((ErrorKind::MissingValue, value_start, value_start));
            }
            None | Some(b'\n') => return fault!((ErrorKind::MissingType, at, at)),
            Some(&b) => {
                let d = b.wrapping_sub(b'0');
                digits_only &= d <= 9;
                m = m.wrapping_mul(10).wrapping_add(u64::from(d));
                at += 1;
            }
        }
    }
    let value = &input[value_start..at];
    if value.is_empty() {
        return fault!((ErrorKind::MissingValue, value_start, value_start));
    }

    // The type code, up to the next `|` or the line's end.
    let (code, next) = (input.get(at + 1).copied(), input.get(at + 2).copied());
    let (kind, type_end) = match (code.and_then(one_letter_type), next) {
        (Some(kind), None | Some(b'|' | b'\n')) => (kind, at + 2),
        _ if code == Some(b'm')
            && next == Some(b's')
            && matches!(input.get(at + 3), None | Some(b'|' | b'\n')) =>
        {
            (MetricType::Timer, at + 3)
        }
        _ => {
            return match type_fault(input, at + 1, rules) {
                Some(f) => fault!(f),
                None => sink.unsure(),
            };
        }
    };
    if !rules.types.contains(&kind) {
        return fault!((ErrorKind::UnknownType, at + 1, type_end));
    }

    // Up to 15 digits (no sign): below 2^53, so portable and inside every
    // range, read as the grammar reads it (`PosInt`, not a delta), unless a
    // leading zero makes it a question for the grammar. Anything else is read
    // by the grammar's own number function.
    let short_int = digits_only && value.len() <= 15 && (value[0] != b'0' || value.len() == 1);
    let (value, delta) = if short_int {
        (Value::Number(Number::PosInt(m)), false)
    } else {
        let text = sure!(text.get(value_start..at));
        match other_value::<DOGSTATSD>(text, digits_only, kind, rules) {
            Ok(read) => read,
            Err(Some(kind)) => return fault!((kind, value_start, at)),
            Err(None) => return sink.unsure(),
        }
    };
    // The metric is built only at the end, from these.
    let mut sample_rate = None;
    let mut tags = None;
    let mut container_id = None;
    let mut external_data = None;
    let mut timestamp = None;

    // The fields: `|@<rate>`, and where the dialect has them `|#<tags>`,
    // `|c:<container id>`, `|e:<external data>` and `|T<timestamp>` (on the
    // types that keep one), each at most once. A repeated field, a field
    // the grammar would warn about and any other field are "not sure".
    let section_start = type_end + 1;
    let mut pos = type_end;
    while input.get(pos) == Some(&b'|') {
        let start = pos + 1;
        let after = &input[start..];
        // A tag section or an origin field may be long: `memchr2` finds its
        // end; a rate or a timestamp is a few bytes, where a plain loop costs
        // less than its set-up.
        let len = if matches!(after.first(), Some(b'#' | b'c' | b'e')) {
            memchr::memchr2(b'|', b'\n', after)
        } else {
            after.iter().position(|&b| b == b'|' || b == b'\n')
        }
        .unwrap_or(after.len());
        let field = &after[..len];
        let field_end = start + len;
        if field_end > max_len {
            // A line over the limit: the caller's fault, before the field is read.
            return sink.unsure();
        }
        match field {
            [b'@', rate @ ..] if sample_rate.is_none() => {
                if !rules.sample_rate_types.contains(&kind) {
                    return fault!((ErrorKind::SampleRateNotAllowed, start, field_end));
                }
                sample_rate = Some(match number::fast_sample_rate(rate) {
                    Some(rate) => rate,
                    None => match slow_sample_rate(rate, rules, start + 1, field_end) {
                        Ok(rate) => rate,
                        Err(Some(f)) => return fault!(f),
                        Err(None) => return sink.unsure(),
                    },
                });
            }
            [b'#', section @ ..] if DOGSTATSD && tags.is_none() => {
                let warns = S::WARNINGS && line::has_empty_tag(section);
                if section.is_empty() || has_control(section) || warns {
                    return sink.unsure();
                }
                tags = Some(Tags::new(sure!(text.get(start + 1..field_end))));
            }
            [b'c', b':', id @ ..] if DOGSTATSD && container_id.is_none() => {
                if has_control(id) {
                    return sink.unsure();
                }
                container_id = Some(sure!(text.get(start + 2..field_end)));
            }
            [b'e', b':', data @ ..] if DOGSTATSD && external_data.is_none() => {
                if has_control(data) {
                    return sink.unsure();
                }
                external_data = Some(sure!(text.get(start + 2..field_end)));
            }
            [b'T', seconds @ ..]
                if DOGSTATSD
                    && timestamp.is_none()
                    && matches!(kind, MetricType::Gauge | MetricType::Counter) =>
            {
                timestamp = Some(sure!(fields::timestamp(seconds)));
            }
            _ if DOGSTATSD => return sink.unsure(),
            [b'@', ..] => {
                return fault!((ErrorKind::DuplicateSampleRate, start, field_end));
            }
            _ => return fault!((ErrorKind::UnknownField, start, field_end)),
        }
        pos = field_end;
    }
    if pos > max_len {
        return sink.unsure();
    }
    let mut unknown_fields = UnknownFields::NONE;
    if DOGSTATSD {
        if S::WARNINGS && !is_portable_name(name.as_bytes()) {
            return sink.unsure();
        }
        if pos > type_end {
            let section = sure!(text.get(section_start..pos));
            unknown_fields = UnknownFields::wire(Some(section), MessageKind::Metric);
        }
    }
    let metric = Metric {
        name,
        kind,
        value,
        sample_rate,
        delta,
        tags,
        timestamp,
        container_id,
        external_data,
        cardinality: None,
        unknown_fields,
    };
    sink.accept(metric, pos)
}

/// Whether a line starts as an event or a service check does.
#[cold]
fn is_event_or_check(input: &[u8]) -> bool {
    input.starts_with(super::event::PREFIX) || input.starts_with(super::service_check::PREFIX)
}

/// The verdict on the line at the start of `input` (whose name ends at
/// `name_end`) with `fault`: the line's end is found, and a control character
/// after the name takes precedence over `fault`. One scan from the name's end
/// finds the first control character: when it is the line's `\n` (or there is
/// none) it is the line's end; otherwise it is the fault, and the end is
/// searched from there. "Not sure" for a line the caller's earlier checks
/// must decide: longer than `max_len`, or ending in a `\r` the dialect strips.
#[cold]
#[inline(never)]
fn reject<'a, S: Sink<'a>>(
    sink: &mut S,
    input: &[u8],
    name_end: usize,
    fault: Fault,
    rules: &Rules,
    max_len: usize,
) -> S::Item {
    match located_fault(input, name_end, fault, rules, max_len) {
        Some((fault, end)) => sink.reject(fault, end),
        None => sink.unsure(),
    }
}

/// The fault of the line at the start of `input` (whose name ends at
/// `name_end`), and the line's length: see [`reject`].
#[inline(always)]
fn located_fault(
    input: &[u8],
    name_end: usize,
    fault: Fault,
    rules: &Rules,
    max_len: usize,
) -> Option<(Fault, usize)> {
    let after_name = &input[name_end..];
    let control = name_end + first_control(after_name).unwrap_or(after_name.len());
    let (len, fault) = match input.get(control) {
        None | Some(b'\n') => (control, fault),
        Some(_) => {
            let rest = &input[control..];
            let len = control + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            (len, (ErrorKind::ControlCharacter, control, control + 1))
        }
    };
    if len > max_len || (rules.strips_trailing_cr && input[..len].last() == Some(&b'\r')) {
        return None;
    }
    Some((fault, len))
}

/// A value other than a short integer (the text between the `:` and the
/// type's `|`, `digits_only` if it is only digits), read as the grammar reads
/// it, and whether it is a gauge delta: `Err(Some(kind))` the grammar's fault,
/// `Err(None)` "not sure" (a value the grammar warns about, or one of a shape
/// left to it). Out of line: the short integers are most values.
#[inline(never)]
fn other_value<'a, const DOGSTATSD: bool>(
    text: &'a str,
    digits_only: bool,
    kind: MetricType,
    rules: &Rules,
) -> Result<(Value<'a>, bool), Option<ErrorKind>> {
    let value = text.as_bytes();
    let range_of = |signed: bool| line::value_range(kind, rules, signed);
    let (n, signed) = if digits_only && value[0] != b'0' {
        // A longer integer: exact by checked arithmetic, as the grammar's
        // `to_number` reads an integer literal.
        (number::long_integer(value, range_of(false))?, false)
    } else if DOGSTATSD && rules.packed_values && value.contains(&b':') {
        // Packed values (not a set's: sets take the full grammar).
        return Ok((packed_value(text, kind, rules).ok_or(None)?, false));
    } else {
        // The grammar's fast number reader, then (out of line, for the rare
        // literals it does not take and for invalid values) the full number
        // grammar, exactly as the grammar's `parse_number` reads the value.
        match number::fast_number(value, rules.value_grammar) {
            Some(f) => {
                let signed = f.sign.is_some();
                (number::fast_to_number(&f, range_of(signed))?, signed)
            }
            None => slow_number(value, rules, range_of)?,
        }
    };
    if !n.is_portable() {
        return Err(None);
    }
    Ok((Value::Number(n), line::is_delta(kind, rules, signed)))
}

/// Packed values (`text` holds a `:`) as the grammar reads them, when every
/// item is one the grammar's fast number reader takes, in range and portable
/// (so at least two values and no warning); `None` ("not sure") otherwise.
#[inline(never)]
fn packed_value<'a>(text: &'a str, kind: MetricType, rules: &Rules) -> Option<Value<'a>> {
    for item in text.as_bytes().split(|&b| b == b':') {
        let f = number::fast_number(item, rules.value_grammar)?;
        let range = line::value_range(kind, rules, f.sign.is_some());
        let n = number::fast_to_number(&f, range).ok()?;
        if !n.is_portable() {
            return None;
        }
    }
    Some(Value::Packed(Packed::wire(text)))
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
    // The short rates out of range (and in range, written other than the
    // fast reader's two shapes), without the float parser; a `-` before one,
    // where the dialect's rate grammar takes a sign, makes it out of range.
    let (negative, magnitude) = match rate {
        [b'-', magnitude @ ..] if rules.rate_grammar != NumberGrammar::PlainDecimal => {
            (true, magnitude)
        }
        _ => (false, rate),
    };
    if let Some((rate, in_range)) = number::short_sample_rate(magnitude) {
        return match in_range && !negative {
            true => Ok(rate),
            false if rules.rate_out_of_range == Leniency::Reject => {
                Err(Some((ErrorKind::SampleRateOutOfRange, start, end)))
            }
            false => Err(None),
        };
    }
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
fn type_fault(input: &[u8], start: usize, rules: &Rules) -> Option<Fault> {
    let rest = input.get(start..).unwrap_or_default();
    let code_len = rest
        .iter()
        .position(|&b| b == b'|' || b == b'\n')
        .unwrap_or(rest.len());
    let code = &rest[..code_len];
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
#[inline(always)]
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
