//! One metric line: `<name>:<value>[:<value>...]|<type>[|<field>...]`, or a
//! bare `<name>` where the dialect has the meter shorthand.
//!
//! When a line has several faults, the one reported is the first in this order:
//! line length; a control character anywhere (the first one); the name (empty,
//! then UTF-8); the structure (value present, type present); the type; the value
//! (its grammar and range depend on the type); then the fields after the type,
//! left to right.
//!
//! The hot path reads each byte about once: the name's end is found with
//! `memchr2`, UTF-8 is validated once per datagram (names are cut from that
//! text), and a control character is looked for only where no grammar excludes
//! it anyway (the name, a set member, the text fields). On the error path the
//! rest of the line after the name (which holds none) is scanned for a
//! control character, which keeps the precedence above. Every rule comes from the dialect's [`Rules`] row.

use super::fields::{self, Field};
use super::number::{self, Grammar, Range};
use super::{Fault, Found, str_at};
use crate::bytes::has_control;
use crate::config::{Leniency, Rules, ValueRange};
use crate::error::ErrorKind;
use crate::fields::{MessageKind, UnknownFields};
use crate::metric::{Metric, MetricType, Number, Value};
use crate::packed::Packed;
use crate::tags::Tags;
use crate::warning::WarningKind;

/// The fault reported when a control character was seen; the caller replaces
/// it with the first control character of the line.
pub(super) const CONTROL: Fault = (ErrorKind::ControlCharacter, 0, 0);

/// `(token, rest)`: `input` split at its first `|` (the `|` stays in the rest).
/// Values, types and fields are a few bytes long: a plain loop costs less here
/// than `memchr`'s set-up (measured with callgrind).
#[inline]
pub(super) fn split_at_pipe(input: &[u8]) -> (&[u8], &[u8]) {
    let end = input.iter().position(|&b| b == b'|').unwrap_or(input.len());
    input.split_at(end)
}

use crate::bytes::is_portable_name;

/// Parses the body of a metric line (without its tolerated `\r`): `text` is
/// the longest prefix of `body` known to be UTF-8, `name_end` where the name
/// ends (the first `:`, `|` or control character, else the body's length:
/// [`first_name_stop`](crate::bytes::first_name_stop), found by the caller).
pub(super) fn parse_metric<'a>(
    body: &'a [u8],
    name_end: usize,
    text: &'a str,
    rules: &Rules,
    found: &mut Found,
) -> Result<Metric<'a>, Fault> {
    if body.is_empty() {
        return Err((ErrorKind::EmptyLine, 0, 0));
    }
    if name_end == 0 && matches!(body[0], b':' | b'|') {
        return Err((ErrorKind::EmptyName, 0, 1));
    }
    if name_end < body.len() && !matches!(body[name_end], b':' | b'|') {
        return Err(CONTROL);
    }
    let name = str_at(body, text, 0, name_end)?;

    let value_start = match body.get(name_end) {
        None if rules.bare_name_meter => {
            return Ok(Metric::new(name, MetricType::Meter, 1u64));
        }
        None => return Err((ErrorKind::MissingValue, name_end, name_end)),
        Some(b'|') => return Err((ErrorKind::MissingValue, name_end, name_end + 1)),
        Some(_colon) => name_end + 1,
    };

    let (value, rest) = split_at_pipe(&body[value_start..]);
    let value_end = value_start + value.len();
    if value.is_empty() {
        return Err((ErrorKind::MissingValue, value_start, value_start));
    }
    let Some((_pipe, after_pipe)) = rest.split_first() else {
        return Err((ErrorKind::MissingType, value_end, value_end));
    };

    let type_start = value_end + 1;
    let (code, rest) = split_at_pipe(after_pipe);
    let type_end = type_start + code.len();
    if code.is_empty() {
        return Err((ErrorKind::MissingType, type_start, type_start));
    }
    let kind = MetricType::from_code_bytes(code)
        .filter(|t| rules.types.contains(t))
        .ok_or((ErrorKind::UnknownType, type_start, type_end))?;

    let (value, delta) = if kind == MetricType::Set {
        if has_control(value) {
            return Err(CONTROL);
        }
        if !rules.set_member_colon && value.contains(&b':') {
            return Err((ErrorKind::InvalidValue, value_start, value_end));
        }
        (
            Value::Set(str_at(body, text, value_start, value_end)?),
            false,
        )
    } else if rules.packed_values && value.contains(&b':') {
        (
            read_packed(body, text, value_start, value_end, kind, rules, found)?,
            false,
        )
    } else {
        let (n, delta) =
            parse_number(value, kind, rules).map_err(|k| (k, value_start, value_end))?;
        if !n.is_portable() {
            found.warn(WarningKind::NonPortableInteger, value_start, value_end);
        }
        (Value::Number(n), delta)
    };

    let mut metric = Metric::new(name, kind, 0u64);
    metric.value = value;
    metric.delta = delta;
    read_fields(&mut metric, body, text, type_end, rest, rules, found)?;
    if rules.dogstatsd_fields && !is_portable_name(name.as_bytes()) {
        found.warn(WarningKind::NonPortableName, 0, name_end);
    }
    Ok(metric)
}

/// Packed values `v1:v2:...` at `start..end` (DogStatsD protocol 1.1): empty
/// items are skipped with a warning; one value left is a plain number.
fn read_packed<'a>(
    body: &'a [u8],
    text: &'a str,
    start: usize,
    end: usize,
    kind: MetricType,
    rules: &Rules,
    found: &mut Found,
) -> Result<Value<'a>, Fault> {
    let mut count = 0;
    let mut single = Number::PosInt(0);
    let mut at = start;
    for item in body[start..end].split(|&b| b == b':') {
        let item_end = at + item.len();
        if item.is_empty() {
            found.warn(WarningKind::EmptyValue, at, at);
        } else {
            let (n, _) = parse_number(item, kind, rules).map_err(|k| (k, at, item_end))?;
            if !n.is_portable() {
                found.warn(WarningKind::NonPortableInteger, at, item_end);
            }
            single = n;
            count += 1;
        }
        at = item_end + 1;
    }
    match count {
        0 => Err((ErrorKind::MissingValue, start, end)),
        1 => Ok(Value::Number(single)),
        _ => Ok(Value::Packed(Packed::wire(str_at(body, text, start, end)?))),
    }
}

/// The fields after the type, from `rest` (which starts at the first `|`, at
/// `pos` in the line).
fn read_fields<'a>(
    metric: &mut Metric<'a>,
    body: &'a [u8],
    text: &'a str,
    mut pos: usize,
    mut rest: &'a [u8],
    rules: &Rules,
    found: &mut Found,
) -> Result<(), Fault> {
    if rest.is_empty() {
        return Ok(());
    }
    let section_start = pos + 1;
    let mut seen = 0u32;
    while let Some((_pipe, after_pipe)) = rest.split_first() {
        let start = pos + 1;
        let (field, next) = split_at_pipe(after_pipe);
        let end = start + field.len();
        if rules.dogstatsd_fields {
            read_dogstatsd_field(
                metric, body, text, field, start, end, rules, &mut seen, found,
            )?;
        } else {
            match field {
                [b'@', rate @ ..] => {
                    if metric.sample_rate.is_some() {
                        return Err((ErrorKind::DuplicateSampleRate, start, end));
                    }
                    if !rules.sample_rate_types.contains(&metric.kind) {
                        return Err((ErrorKind::SampleRateNotAllowed, start, end));
                    }
                    metric.sample_rate =
                        Some(parse_sample_rate(rate, rules, start + 1, end, found)?);
                }
                _ => return Err((ErrorKind::UnknownField, start, end)),
            }
        }
        pos = end;
        rest = next;
    }
    if rules.dogstatsd_fields {
        metric.unknown_fields = UnknownFields::wire(
            Some(str_at(body, text, section_start, pos)?),
            MessageKind::Metric,
        );
    }
    Ok(())
}

/// Text of a field value at `start..end`: UTF-8 without control characters.
pub(super) fn field_text<'a>(
    body: &'a [u8],
    text: &'a str,
    start: usize,
    end: usize,
) -> Result<&'a str, Fault> {
    if has_control(&body[start..end]) {
        return Err(CONTROL);
    }
    str_at(body, text, start, end)
}

/// Whether a non-empty tag section holds an empty tag: it starts or ends with
/// `,` or holds `,,` (eight bytes at a time); the tags are split only when it
/// finds one.
#[inline]
pub(super) fn has_empty_tag(section: &[u8]) -> bool {
    match section {
        [] => false,
        [b',', ..] | [.., b','] => true,
        _ => crate::bytes::has_pair(section, b','),
    }
}

/// Reads a tag section at `start..end` (after the `#`), warning about empty tags.
pub(super) fn read_tags<'a>(
    body: &'a [u8],
    text: &'a str,
    start: usize,
    end: usize,
    found: &mut Found,
) -> Result<Tags<'a>, Fault> {
    let raw = field_text(body, text, start, end)?;
    if has_empty_tag(raw.as_bytes()) {
        let mut at = start;
        for tag in raw.split(',') {
            if tag.is_empty() {
                found.warn(WarningKind::EmptyTag, at, at);
            }
            at += tag.len() + 1;
        }
    }
    Ok(Tags::new(raw))
}

/// Notes a known field; a second one is a warning (the last one wins).
pub(super) fn note_duplicate(
    field: &Field<'_>,
    seen: &mut u32,
    start: usize,
    end: usize,
    found: &mut Found,
) {
    if let Some(slot) = field.slot() {
        if *seen & (1 << slot) != 0 {
            found.warn(WarningKind::DuplicateField, start, end);
        }
        *seen |= 1 << slot;
    }
}

/// Where the fields every DogStatsD message shares (`#`, `c:`, `e:`, `card:`)
/// go.
pub(super) struct SharedFields<'a, 'm> {
    pub(super) tags: &'m mut Option<Tags<'a>>,
    pub(super) container_id: &'m mut Option<&'a str>,
    pub(super) external_data: &'m mut Option<&'a str>,
    pub(super) cardinality: &'m mut Option<crate::message::Cardinality>,
}

/// A field every DogStatsD message shares (`#`, `c:`, `e:`, `card:`) or an
/// unknown one; `Ok(false)` when `field` is neither (the caller's own field).
pub(super) fn read_shared_field<'a>(
    field: Field<'a>,
    body: &'a [u8],
    text: &'a str,
    (start, end): (usize, usize),
    into: &mut SharedFields<'a, '_>,
    found: &mut Found,
) -> Result<bool, Fault> {
    match field {
        Field::Tags(_) => *into.tags = Some(read_tags(body, text, start + 1, end, found)?),
        Field::ContainerId(_) => *into.container_id = Some(field_text(body, text, start + 2, end)?),
        Field::ExternalData(_) => {
            *into.external_data = Some(field_text(body, text, start + 2, end)?);
        }
        Field::Cardinality(v) => match fields::cardinality(v) {
            Some(c) => *into.cardinality = Some(c),
            None => {
                field_text(body, text, start, end)?;
                found.warn(WarningKind::InvalidFieldValue, start, end);
            }
        },
        Field::Unknown => {
            field_text(body, text, start, end)?;
            found.warn(WarningKind::UnknownField, start, end);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The fields after an event's text or a service check's status (`rest`
/// starts at the first `|`, at `pos` in the line): the shared ones into
/// `shared`, the kind's own through `own`, which gets the field and its value
/// text and says whether it could read the value (an unreadable value is a
/// warning, and the field is kept as unknown). Returns the unknown fields.
pub(super) fn read_message_fields<'a>(
    kind: MessageKind,
    body: &'a [u8],
    text: &'a str,
    (mut pos, mut rest): (usize, &'a [u8]),
    mut shared: SharedFields<'a, '_>,
    found: &mut Found,
    mut own: impl FnMut(Field<'a>, &'a str) -> bool,
) -> Result<UnknownFields<'a>, Fault> {
    if rest.is_empty() {
        return Ok(UnknownFields::NONE);
    }
    let section_start = pos + 1;
    let mut seen = 0u32;
    while let Some((_pipe, after_pipe)) = rest.split_first() {
        let start = pos + 1;
        let (field, next) = split_at_pipe(after_pipe);
        let end = start + field.len();
        let f = fields::classify(kind, field);
        let mut known = true;
        if !read_shared_field(f, body, text, (start, end), &mut shared, found)? {
            known = own(f, field_text(body, text, start + 2, end)?);
            if !known {
                found.warn(WarningKind::InvalidFieldValue, start, end);
            }
        }
        if known && !matches!(f, Field::Cardinality(v) if fields::cardinality(v).is_none()) {
            note_duplicate(&f, &mut seen, start, end, found);
        }
        pos = end;
        rest = next;
    }
    Ok(UnknownFields::wire(
        Some(str_at(body, text, section_start, pos)?),
        kind,
    ))
}

#[allow(clippy::too_many_arguments)]
fn read_dogstatsd_field<'a>(
    metric: &mut Metric<'a>,
    body: &'a [u8],
    text: &'a str,
    field: &'a [u8],
    start: usize,
    end: usize,
    rules: &Rules,
    seen: &mut u32,
    found: &mut Found,
) -> Result<(), Fault> {
    let f = fields::classify(MessageKind::Metric, field);
    let mut into = SharedFields {
        tags: &mut metric.tags,
        container_id: &mut metric.container_id,
        external_data: &mut metric.external_data,
        cardinality: &mut metric.cardinality,
    };
    let shared = read_shared_field(f, body, text, (start, end), &mut into, found)?;
    if !shared {
        match f {
            Field::SampleRate(rate) => {
                if !rules.sample_rate_types.contains(&metric.kind) {
                    return Err((ErrorKind::SampleRateNotAllowed, start, end));
                }
                metric.sample_rate = Some(parse_sample_rate(rate, rules, start + 1, end, found)?);
            }
            Field::Timestamp(ts) => {
                let ts =
                    fields::timestamp(ts).ok_or((ErrorKind::InvalidTimestamp, start + 1, end))?;
                if !matches!(metric.kind, MetricType::Gauge | MetricType::Counter) {
                    found.warn(WarningKind::TimestampIgnored, start, end);
                }
                metric.timestamp = Some(ts);
            }
            _ => return Err((ErrorKind::UnknownField, start, end)),
        }
    }
    if matches!(f, Field::Cardinality(v) if fields::cardinality(v).is_none()) {
        return Ok(());
    }
    note_duplicate(&f, seen, start, end, found);
    Ok(())
}

/// The numeric value of a metric of type `kind`, and whether it is a gauge delta.
#[inline]
fn parse_number(text: &[u8], kind: MetricType, rules: &Rules) -> Result<(Number, bool), ErrorKind> {
    let range_of = |signed: bool| value_range(kind, rules, signed);
    let (n, signed) = number::read_number(text, rules.value_grammar, range_of)?;
    Ok((n, is_delta(kind, rules, signed)))
}

/// The allowed interval of a value of type `kind` written with an explicit
/// sign (`signed`) or not.
#[inline]
pub(super) fn value_range(kind: MetricType, rules: &Rules, signed: bool) -> Range {
    match rules.value_range {
        ValueRange::Any => Range::Any,
        _ if kind.is_signed() || is_delta(kind, rules, signed) => Range::Signed,
        _ => Range::Unsigned,
    }
}

/// Whether a value of type `kind` written with an explicit sign (`signed`)
/// or not is a gauge delta.
#[inline]
pub(super) fn is_delta(kind: MetricType, rules: &Rules, signed: bool) -> bool {
    kind == MetricType::Gauge && rules.gauge_deltas && signed
}

/// A sample rate (the text after `@`, at `start..end`).
fn parse_sample_rate(
    text: &[u8],
    rules: &Rules,
    start: usize,
    end: usize,
    found: &mut Found,
) -> Result<f64, Fault> {
    if let Some(rate) = number::fast_sample_rate(text) {
        return Ok(rate);
    }
    let (rate, in_range) = slow_sample_rate(text, rules).map_err(|k| (k, start, end))?;
    if !in_range {
        found.warn(WarningKind::SampleRateOutOfRange, start, end);
    }
    Ok(rate)
}

/// A sample rate that [`number::fast_sample_rate`] does not take, by the
/// dialect's rate grammar: the rate, and `false` when it is out of range in a
/// dialect that only warns about that.
pub(super) fn slow_sample_rate(text: &[u8], rules: &Rules) -> Result<(f64, bool), ErrorKind> {
    let grammar = Grammar::for_values(rules.rate_grammar);
    let literal = number::scan(text, grammar).ok_or(ErrorKind::InvalidSampleRate)?;
    match rules.rate_out_of_range {
        Leniency::Reject => number::to_sample_rate(&literal).map(|rate| (rate, true)),
        Leniency::Warn => number::to_lenient_sample_rate(&literal),
    }
}
