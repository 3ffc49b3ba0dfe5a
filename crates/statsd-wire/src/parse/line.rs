//! One line: `<name>:<value>|<type>[|@<rate>]`, or a bare `<name>`.
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
//! it anyway (the name and a set member). On the error path the whole line is
//! rescanned for a control character, which keeps the precedence above.

use super::number::{self, Grammar, Range};
use crate::config::{Config, Dialect};
use crate::error::{ErrorKind, ParseError, Span};
use crate::metric::{Metric, MetricType, Number, Value};

/// A fault at `start..end`, relative to the line.
type Fault = (ErrorKind, usize, usize);

use crate::bytes::has_control;

/// `(token, rest)`: `input` split at its first `|` (the `|` stays in the rest).
/// Values, types and fields are a few bytes long: a plain loop costs less here
/// than `memchr`'s set-up (measured with callgrind).
#[inline]
fn split_at_pipe(input: &[u8]) -> (&[u8], &[u8]) {
    let end = input.iter().position(|&b| b == b'|').unwrap_or(input.len());
    input.split_at(end)
}

/// The text of `bytes[start..end]`: cut from `text` (the line's bytes already
/// known to be UTF-8, possibly only a prefix of them) when it covers the range,
/// else validated here, with the offset of the first invalid byte.
#[inline]
fn str_at<'a>(bytes: &'a [u8], text: &'a str, start: usize, end: usize) -> Result<&'a str, Fault> {
    if let Some(s) = text.get(start..end) {
        return Ok(s);
    }
    let token = &bytes[start..end];
    core::str::from_utf8(token).map_err(|e| {
        let at = e.valid_up_to();
        let len = e.error_len().unwrap_or(token.len() - at);
        (ErrorKind::InvalidUtf8, start + at, start + at + len)
    })
}

/// Parses one line (without its `\n`): `text` is the longest prefix of `line`
/// known to be UTF-8 (may be empty: then tokens are validated one by one).
/// Spans are shifted by `base` and the error carries `index`.
pub(crate) fn parse_line_at<'a>(
    line: &'a [u8],
    text: &'a str,
    base: usize,
    index: usize,
    config: &Config,
) -> Result<Metric<'a>, ParseError> {
    parse(line, text, config).map_err(|(kind, start, end)| {
        ParseError::new(kind, Span::new(start, end).shift(base), index)
    })
}

/// The line without the `\r` the dialect tolerates at its end.
#[inline]
fn body(line: &[u8], dialect: Dialect) -> &[u8] {
    match line {
        [body @ .., b'\r'] if dialect.strips_trailing_cr() => body,
        _ => line,
    }
}

fn parse<'a>(line: &'a [u8], text: &'a str, config: &Config) -> Result<Metric<'a>, Fault> {
    if line.len() > config.max_line_len() {
        return Err((ErrorKind::LineTooLong, 0, line.len()));
    }
    let body = body(line, config.dialect());
    parse_body(body, text, config.dialect()).map_err(|fault| {
        // Precedence: a control character anywhere is reported first.
        match crate::bytes::first_control(body) {
            Some(at) => (ErrorKind::ControlCharacter, at, at + 1),
            None => fault,
        }
    })
}

/// The fault reported when a control character was seen; [`parse`] replaces it
/// with the first control character of the line.
const CONTROL: Fault = (ErrorKind::ControlCharacter, 0, 0);

fn parse_body<'a>(body: &'a [u8], text: &'a str, dialect: Dialect) -> Result<Metric<'a>, Fault> {
    if body.is_empty() {
        return Err((ErrorKind::EmptyLine, 0, 0));
    }

    let name_end = memchr::memchr2(b':', b'|', body).unwrap_or(body.len());
    if name_end == 0 {
        return Err((ErrorKind::EmptyName, 0, 1));
    }
    if has_control(&body[..name_end]) {
        return Err(CONTROL);
    }
    let name = str_at(body, text, 0, name_end)?;

    let value_start = match body.get(name_end) {
        None if dialect.has_bare_name_meter() => {
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
    let (code, mut rest) = split_at_pipe(after_pipe);
    let type_end = type_start + code.len();
    if code.is_empty() {
        return Err((ErrorKind::MissingType, type_start, type_start));
    }
    let kind = dialect
        .metric_type(code)
        .ok_or((ErrorKind::UnknownType, type_start, type_end))?;

    let (value, delta) = if kind == MetricType::Set {
        if has_control(value) {
            return Err(CONTROL);
        }
        if value.contains(&b':') {
            return Err((ErrorKind::InvalidValue, value_start, value_end));
        }
        (
            Value::Set(str_at(body, text, value_start, value_end)?),
            false,
        )
    } else {
        let (n, delta) =
            parse_number(value, kind, dialect).map_err(|k| (k, value_start, value_end))?;
        (Value::Number(n), delta)
    };

    let mut sample_rate = None;
    let mut pos = type_end;
    while let Some((_pipe, after_pipe)) = rest.split_first() {
        let start = pos + 1;
        let (field, next) = split_at_pipe(after_pipe);
        let end = start + field.len();
        match field {
            [b'@', text @ ..] => {
                if sample_rate.is_some() {
                    return Err((ErrorKind::DuplicateSampleRate, start, end));
                }
                if !dialect.allows_sample_rate(kind) {
                    return Err((ErrorKind::SampleRateNotAllowed, start, end));
                }
                let rate = parse_sample_rate(text, dialect).map_err(|k| (k, start + 1, end))?;
                sample_rate = Some(rate);
            }
            _ => return Err((ErrorKind::UnknownField, start, end)),
        }
        pos = end;
        rest = next;
    }

    Ok(Metric {
        name,
        kind,
        value,
        sample_rate,
        delta,
        tags: None,
    })
}

/// The numeric value of a metric of type `kind`, and whether it is a gauge delta.
fn parse_number(
    text: &[u8],
    kind: MetricType,
    dialect: Dialect,
) -> Result<(Number, bool), ErrorKind> {
    let delta_allowed = kind == MetricType::Gauge && dialect.has_gauge_deltas();
    let range_of = |signed: bool| {
        if kind.is_signed() || (delta_allowed && signed) {
            Range::Signed
        } else {
            Range::Unsigned
        }
    };
    if let Some(fast) = number::fast_number(text, dialect) {
        let signed = fast.sign.is_some();
        return number::fast_to_number(&fast, range_of(signed))
            .map(|n| (n, delta_allowed && signed));
    }
    let grammar = match dialect {
        Dialect::Spec => Grammar::Json,
        Dialect::Etsy => Grammar::EtsyValue,
    };
    let literal = number::scan(text, grammar).ok_or(ErrorKind::InvalidValue)?;
    let n = number::to_number(&literal, range_of(literal.signed))?;
    Ok((n, delta_allowed && literal.signed))
}

fn parse_sample_rate(text: &[u8], dialect: Dialect) -> Result<f64, ErrorKind> {
    if let Some(rate) = number::fast_sample_rate(text) {
        return Ok(rate);
    }
    let grammar = match dialect {
        Dialect::Spec => Grammar::Json,
        Dialect::Etsy => Grammar::EtsyRate,
    };
    let literal = number::scan(text, grammar).ok_or(ErrorKind::InvalidSampleRate)?;
    number::to_sample_rate(&literal)
}
