//! One line: `<name>:<value>|<type>[|@<rate>]`, or a bare `<name>`.
//!
//! When a line has several faults, the one reported is the first in this order:
//! line length; a control character anywhere (the first one); the name (empty,
//! then UTF-8); the structure (value present, type present); the type; the value
//! (its grammar and range depend on the type); then the fields after the type,
//! left to right.

use nom::Parser;
use nom::bytes::complete::take_till;

use super::number::{self, Grammar, Range};
use crate::config::{Config, Dialect};
use crate::error::{ErrorKind, ParseError, Span};
use crate::metric::{Metric, MetricType, Number, Value};

/// A fault at `start..end`, relative to the line.
type Fault = (ErrorKind, usize, usize);

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// Splits `input` at the first byte for which `stop` holds (the byte stays in
/// the rest).
fn split_till(input: &[u8], stop: impl Fn(u8) -> bool) -> (&[u8], &[u8]) {
    let parsed: nom::IResult<&[u8], &[u8], ()> = take_till(stop).parse(input);
    match parsed {
        Ok((rest, token)) => (token, rest),
        // `take_till` on complete input cannot fail.
        Err(_) => (input, &[]),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, Fault> {
    core::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let len = e.error_len().unwrap_or(bytes.len() - at);
        (ErrorKind::InvalidUtf8, at, at + len)
    })
}

/// Parses one line (without its `\n`); spans are shifted by `base` and the error
/// carries `line`.
pub(crate) fn parse_line_at<'a>(
    line: &'a [u8],
    base: usize,
    index: usize,
    config: &Config,
) -> Result<Metric<'a>, ParseError> {
    parse(line, config).map_err(|(kind, start, end)| {
        ParseError::new(kind, Span::new(start, end).shift(base), index)
    })
}

fn parse<'a>(line: &'a [u8], config: &Config) -> Result<Metric<'a>, Fault> {
    if line.len() > config.max_line_len() {
        return Err((ErrorKind::LineTooLong, 0, line.len()));
    }
    let dialect = config.dialect();
    let body = match line {
        [body @ .., b'\r'] if dialect.strips_trailing_cr() => body,
        _ => line,
    };
    if body.is_empty() {
        return Err((ErrorKind::EmptyLine, 0, 0));
    }
    if let Some(at) = body.iter().position(|&b| is_control(b)) {
        return Err((ErrorKind::ControlCharacter, at, at + 1));
    }

    let (name, rest) = split_till(body, |b| b == b':' || b == b'|');
    if name.is_empty() {
        return Err((ErrorKind::EmptyName, 0, 1));
    }
    let name = utf8(name)?;
    let name_end = name.len();

    let after_colon = match rest.split_first() {
        None if dialect.has_bare_name_meter() => {
            return Ok(Metric::new(name, MetricType::Meter, 1u64));
        }
        None => return Err((ErrorKind::MissingValue, name_end, name_end)),
        Some((b'|', _)) => return Err((ErrorKind::MissingValue, name_end, name_end + 1)),
        Some((_colon, after)) => after,
    };

    let value_start = name_end + 1;
    let (value, rest) = split_till(after_colon, |b| b == b'|');
    let value_end = value_start + value.len();
    if value.is_empty() {
        return Err((ErrorKind::MissingValue, value_start, value_start));
    }
    let Some((_pipe, after_pipe)) = rest.split_first() else {
        return Err((ErrorKind::MissingType, value_end, value_end));
    };

    let type_start = value_end + 1;
    let (code, mut rest) = split_till(after_pipe, |b| b == b'|');
    let type_end = type_start + code.len();
    if code.is_empty() {
        return Err((ErrorKind::MissingType, type_start, type_start));
    }
    let kind = dialect
        .metric_type(code)
        .ok_or((ErrorKind::UnknownType, type_start, type_end))?;

    let (value, delta) = parse_value(value, kind, dialect)
        .map_err(|(k, s, e)| (k, value_start + s, value_start + e))?;

    let mut sample_rate = None;
    let mut pos = type_end;
    while let Some((_pipe, after_pipe)) = rest.split_first() {
        let start = pos + 1;
        let (field, next) = split_till(after_pipe, |b| b == b'|');
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

/// The value of a metric of type `kind`, and whether it is a gauge delta.
fn parse_value(
    text: &[u8],
    kind: MetricType,
    dialect: Dialect,
) -> Result<(Value<'_>, bool), Fault> {
    let whole = |k| (k, 0, text.len());
    if kind == MetricType::Set {
        if text.contains(&b':') {
            return Err(whole(ErrorKind::InvalidValue));
        }
        return Ok((Value::Set(utf8(text)?), false));
    }
    let grammar = match dialect {
        Dialect::Spec => Grammar::Json,
        Dialect::Etsy => Grammar::EtsyValue,
    };
    let literal = number::scan(text, grammar).ok_or(whole(ErrorKind::InvalidValue))?;
    let delta = kind == MetricType::Gauge && dialect.has_gauge_deltas() && literal.signed;
    let range = if kind.is_signed() || delta {
        Range::Signed
    } else {
        Range::Unsigned
    };
    let n: Number = number::to_number(&literal, range).map_err(whole)?;
    Ok((Value::Number(n), delta))
}

fn parse_sample_rate(text: &[u8], dialect: Dialect) -> Result<f64, ErrorKind> {
    let grammar = match dialect {
        Dialect::Spec => Grammar::Json,
        Dialect::Etsy => Grammar::EtsyRate,
    };
    let literal = number::scan(text, grammar).ok_or(ErrorKind::InvalidSampleRate)?;
    number::to_sample_rate(&literal)
}
