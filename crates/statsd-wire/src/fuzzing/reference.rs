//! A second StatsD parser, deliberately simple, written only to be compared
//! with the real one by the `differential` fuzz target: slices split on `\n`
//! and `|`, byte loops, `str::parse::<f64>` for floats, and a table of rules
//! per dialect. No nom, no cleverness, no speed.
//!
//! It is written from the documented decisions, not from the core's code:
//!
//! - framing: lines are separated by `\n`; empty lines are skipped (and, in
//!   `etsy`, a line that is only `\r`); line indexes count every line;
//! - error precedence (`parse/line.rs`): length, first control character, name
//!   (empty, then UTF-8), structure (value present, type present), type, value
//!   (grammar, then range), then the fields after the type left to right;
//! - number grammars and exact ranges (`parse/number.rs`): the JSON number
//!   grammar in `spec`; `[+-]?(digits[.digits?]|.digits)(e[+-]?digits)?` for
//!   `etsy` values and `digits[.digits?]|.digits` for `etsy` rates; integers
//!   exact in `(-2^63, 2^63)` (counters, gauge deltas) or `[0, 2^64)`; floats
//!   finite, checked against the upper bounds after rounding and against the
//!   sign exactly; rates exactly in `(0, 1]` and non-zero after rounding;
//! - dialect rules (`config.rs`): types, where a rate may go, gauge deltas, the
//!   bare-name meter, the trailing `\r`.

use crate::{Config, Dialect, ErrorKind, Metric, MetricType, Number, ParseError, Span, Value};

/// Which number grammar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Grammar {
    Json,
    EtsyValue,
    EtsyRate,
}

/// One dialect's rules, spelled out.
struct Rules {
    types: &'static [(&'static [u8], MetricType)],
    rate_on_counters_only: bool,
    gauge_deltas: bool,
    bare_name_meter: bool,
    strip_trailing_cr: bool,
    value_grammar: Grammar,
    rate_grammar: Grammar,
}

/// Whether this reference parser implements `dialect` (the differential
/// target compares the two parsers on these only).
pub fn supports(dialect: Dialect) -> bool {
    rules(dialect).is_some()
}

fn rules(dialect: Dialect) -> Option<Rules> {
    const SPEC_TYPES: &[(&[u8], MetricType)] = &[
        (b"c", MetricType::Counter),
        (b"g", MetricType::Gauge),
        (b"ms", MetricType::Timer),
        (b"h", MetricType::Histogram),
        (b"m", MetricType::Meter),
    ];
    const ETSY_TYPES: &[(&[u8], MetricType)] = &[
        (b"c", MetricType::Counter),
        (b"g", MetricType::Gauge),
        (b"ms", MetricType::Timer),
        (b"h", MetricType::Histogram),
        (b"m", MetricType::Meter),
        (b"s", MetricType::Set),
    ];
    Some(match dialect {
        Dialect::Spec => Rules {
            types: SPEC_TYPES,
            rate_on_counters_only: true,
            gauge_deltas: false,
            bare_name_meter: true,
            strip_trailing_cr: false,
            value_grammar: Grammar::Json,
            rate_grammar: Grammar::Json,
        },
        Dialect::Etsy => Rules {
            types: ETSY_TYPES,
            rate_on_counters_only: false,
            gauge_deltas: true,
            bare_name_meter: false,
            strip_trailing_cr: true,
            value_grammar: Grammar::EtsyValue,
            rate_grammar: Grammar::EtsyRate,
        },
        _ => return None,
    })
}

/// A fault: kind, start, end (relative to the line).
type Fault = (ErrorKind, usize, usize);

/// Parses a datagram: one result per non-empty line, spans from the start of
/// `data`.
pub fn parse_datagram<'a>(data: &'a [u8], config: &Config) -> Vec<Result<Metric<'a>, ParseError>> {
    let rules = rules(config.dialect()).expect("a dialect the reference parser implements");
    let mut results = Vec::new();
    let mut line_start = 0;
    for (index, line) in data.split(|&b| b == b'\n').enumerate() {
        let start = line_start;
        line_start += line.len() + 1;
        if line.is_empty() {
            continue;
        }
        if rules.strip_trailing_cr && line == b"\r" {
            continue;
        }
        let result = parse(line, config).map_err(|(kind, s, e)| {
            ParseError::new(kind, Span::new(start + s, start + e), index, start)
        });
        results.push(result);
    }
    results
}

/// Parses one line (without its `\n`).
pub fn parse_line<'a>(line: &'a [u8], config: &Config) -> Result<Metric<'a>, ParseError> {
    parse(line, config).map_err(|(kind, s, e)| ParseError::new(kind, Span::new(s, e), 0, 0))
}

fn parse<'a>(line: &'a [u8], config: &Config) -> Result<Metric<'a>, Fault> {
    let rules = rules(config.dialect()).expect("a dialect the reference parser implements");

    // 1. The length, of the whole line.
    if line.len() > config.max_line_len() {
        return Err((ErrorKind::LineTooLong, 0, line.len()));
    }

    // The tolerated `\r` is not part of the line's text.
    let mut body = line;
    if rules.strip_trailing_cr && body.last() == Some(&b'\r') {
        body = &body[..body.len() - 1];
    }
    if body.is_empty() {
        return Err((ErrorKind::EmptyLine, 0, 0));
    }

    // 2. The first control character.
    for (i, &b) in body.iter().enumerate() {
        if b < 0x20 || b == 0x7f {
            return Err((ErrorKind::ControlCharacter, i, i + 1));
        }
    }

    // 3. The name: everything before the first `:` or `|`.
    let mut name_len = 0;
    while name_len < body.len() && body[name_len] != b':' && body[name_len] != b'|' {
        name_len += 1;
    }
    if name_len == 0 {
        return Err((ErrorKind::EmptyName, 0, 1));
    }
    let name = text(&body[..name_len], 0)?;

    // 4. The structure: `:`, a value, `|`, a type.
    if name_len == body.len() {
        if rules.bare_name_meter {
            return Ok(Metric::new(name, MetricType::Meter, 1u64));
        }
        return Err((ErrorKind::MissingValue, name_len, name_len));
    }
    if body[name_len] == b'|' {
        return Err((ErrorKind::MissingValue, name_len, name_len + 1));
    }
    let after_colon = &body[name_len + 1..];
    let pieces: Vec<&[u8]> = after_colon.split(|&b| b == b'|').collect();
    let value_text = pieces[0];
    let value_start = name_len + 1;
    let value_end = value_start + value_text.len();
    if value_text.is_empty() {
        return Err((ErrorKind::MissingValue, value_start, value_start));
    }
    if pieces.len() < 2 {
        return Err((ErrorKind::MissingType, value_end, value_end));
    }
    let code = pieces[1];
    let type_start = value_end + 1;
    let type_end = type_start + code.len();
    if code.is_empty() {
        return Err((ErrorKind::MissingType, type_start, type_start));
    }

    // 5. The type.
    let mut kind = None;
    for (c, t) in rules.types {
        if *c == code {
            kind = Some(*t);
        }
    }
    let Some(kind) = kind else {
        return Err((ErrorKind::UnknownType, type_start, type_end));
    };

    // 6. The value.
    let whole_value = |k| (k, value_start, value_end);
    let mut delta = false;
    let value = if kind == MetricType::Set {
        if value_text.contains(&b':') {
            return Err(whole_value(ErrorKind::InvalidValue));
        }
        Value::Set(text(value_text, value_start)?)
    } else {
        let Some(literal) = Literal::read(value_text, rules.value_grammar) else {
            return Err(whole_value(ErrorKind::InvalidValue));
        };
        delta = kind == MetricType::Gauge && rules.gauge_deltas && literal.explicit_sign;
        let signed_range = kind == MetricType::Counter || delta;
        let n = literal.to_number(signed_range).map_err(whole_value)?;
        Value::Number(n)
    };

    // 7. The fields after the type, left to right.
    let mut sample_rate = None;
    let mut field_start = type_end + 1;
    for field in &pieces[2..] {
        let start = field_start;
        let end = start + field.len();
        field_start = end + 1;
        if field.first() != Some(&b'@') {
            return Err((ErrorKind::UnknownField, start, end));
        }
        if sample_rate.is_some() {
            return Err((ErrorKind::DuplicateSampleRate, start, end));
        }
        if rules.rate_on_counters_only && kind != MetricType::Counter {
            return Err((ErrorKind::SampleRateNotAllowed, start, end));
        }
        let rate = read_rate(&field[1..], rules.rate_grammar).map_err(|k| (k, start + 1, end))?;
        sample_rate = Some(rate);
    }

    let mut metric = Metric::new(name, kind, 0u64);
    metric.value = value;
    metric.sample_rate = sample_rate;
    metric.delta = delta;
    Ok(metric)
}

/// `bytes` as UTF-8; the error spans the first bad sequence (to the end when
/// the text stops in the middle of one), shifted by `at`.
fn text(bytes: &[u8], at: usize) -> Result<&str, Fault> {
    match core::str::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let start = e.valid_up_to();
            let end = match e.error_len() {
                Some(len) => start + len,
                None => bytes.len(),
            };
            Err((ErrorKind::InvalidUtf8, at + start, at + end))
        }
    }
}

/// A number literal that matched its grammar.
struct Literal<'a> {
    text: &'a str,
    negative: bool,
    explicit_sign: bool,
    /// The mantissa: the integer digits, the `.` if any, the fraction digits.
    digits: &'a [u8],
    /// How many of `digits` come before the `.`.
    int_len: usize,
    has_dot: bool,
    /// The exponent, saturated at +-10^15.
    exponent: Option<i64>,
}

fn count_digits(b: &[u8], from: usize) -> usize {
    b[from..].iter().take_while(|c| c.is_ascii_digit()).count()
}

impl<'a> Literal<'a> {
    /// Reads the whole of `b` in `grammar`, or `None`.
    fn read(b: &'a [u8], grammar: Grammar) -> Option<Literal<'a>> {
        let mut i = 0;
        let mut negative = false;
        let mut explicit_sign = false;
        match (b.first(), grammar) {
            (Some(b'-'), Grammar::Json | Grammar::EtsyValue) => {
                negative = true;
                explicit_sign = true;
                i += 1;
            }
            (Some(b'+'), Grammar::EtsyValue) => {
                explicit_sign = true;
                i += 1;
            }
            _ => {}
        }
        let int_start = i;
        let int_len = count_digits(b, i);
        i += int_len;
        let mut frac_len = 0;
        let mut has_dot = false;
        if b.get(i) == Some(&b'.') {
            has_dot = true;
            i += 1;
            frac_len = count_digits(b, i);
            i += frac_len;
        }
        match grammar {
            Grammar::Json => {
                // 0 | [1-9][0-9]*, and a `.` needs digits on both sides.
                if int_len == 0 {
                    return None;
                }
                if int_len > 1 && b[int_start] == b'0' {
                    return None;
                }
                if has_dot && frac_len == 0 {
                    return None;
                }
            }
            Grammar::EtsyValue | Grammar::EtsyRate => {
                // digits, digits., digits.digits, .digits
                if int_len == 0 && frac_len == 0 {
                    return None;
                }
            }
        }
        let mut exponent = None;
        if grammar != Grammar::EtsyRate && matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            let mut exp_negative = false;
            if let Some(&s @ (b'+' | b'-')) = b.get(i) {
                exp_negative = s == b'-';
                i += 1;
            }
            let n = count_digits(b, i);
            if n == 0 {
                return None;
            }
            let mut e: i64 = 0;
            for &d in &b[i..i + n] {
                e = e * 10 + i64::from(d - b'0');
                if e > 1_000_000_000_000_000 {
                    e = 1_000_000_000_000_000;
                }
            }
            i += n;
            exponent = Some(if exp_negative { -e } else { e });
        }
        if i != b.len() {
            return None;
        }
        // Only ASCII was matched.
        let text = core::str::from_utf8(b).ok()?;
        Some(Literal {
            text,
            negative,
            explicit_sign,
            digits: &b[int_start..int_start + int_len + usize::from(has_dot) + frac_len],
            int_len,
            has_dot,
            exponent,
        })
    }

    /// The mantissa digits as numbers (the `.` left out).
    fn mantissa(&self) -> Vec<u8> {
        self.digits
            .iter()
            .filter(|c| c.is_ascii_digit())
            .map(|c| c - b'0')
            .collect()
    }

    fn is_integer(&self) -> bool {
        !self.has_dot && self.exponent.is_none()
    }

    fn is_zero(&self) -> bool {
        self.mantissa().iter().all(|&d| d == 0)
    }

    /// The value as a number in the counter range (`signed`) or in `[0, 2^64)`.
    fn to_number(&self, signed: bool) -> Result<Number, ErrorKind> {
        if self.is_integer() {
            let digits: Vec<u8> = self
                .mantissa()
                .into_iter()
                .skip_while(|&d| d == 0)
                .collect();
            if digits.len() > 20 {
                return Err(ErrorKind::ValueOutOfRange);
            }
            let mut magnitude: u128 = 0;
            for d in digits {
                magnitude = magnitude * 10 + u128::from(d);
            }
            let limit: u128 = if signed {
                i64::MAX as u128
            } else {
                u64::MAX as u128
            };
            if magnitude == 0 {
                return Ok(Number::PosInt(0));
            }
            if self.negative {
                if !signed || magnitude > i64::MAX as u128 {
                    return Err(ErrorKind::ValueOutOfRange);
                }
                return Ok(Number::NegInt(-(magnitude as i64)));
            }
            if magnitude > limit {
                return Err(ErrorKind::ValueOutOfRange);
            }
            return Ok(Number::PosInt(magnitude as u64));
        }
        let Ok(v) = self.text.parse::<f64>() else {
            return Err(ErrorKind::InvalidValue);
        };
        if !v.is_finite() {
            return Err(ErrorKind::ValueOutOfRange);
        }
        let ok = if signed {
            -9_223_372_036_854_775_808.0 < v && v < 9_223_372_036_854_775_808.0
        } else {
            let negative_nonzero = self.negative && !self.is_zero();
            !negative_nonzero && v < 18_446_744_073_709_551_616.0
        };
        if ok {
            Ok(Number::Float(v))
        } else {
            Err(ErrorKind::ValueOutOfRange)
        }
    }

    /// Whether the exact value is at most 1 (for a positive literal).
    fn at_most_one(&self) -> bool {
        let mantissa = self.mantissa();
        let Some(first) = mantissa.iter().position(|&d| d != 0) else {
            return true;
        };
        // value = 0.d1 d2 ... * 10^point, d1 != 0
        let point = self.int_len as i64 - first as i64 + self.exponent.unwrap_or(0);
        if point < 1 {
            return true;
        }
        if point > 1 {
            return false;
        }
        // 0.d1 d2 ... * 10 = d1.d2...: at most 1 only for exactly 1.
        mantissa[first] == 1 && mantissa[first + 1..].iter().all(|&d| d == 0)
    }
}

/// A sample rate (the text after `@`).
fn read_rate(b: &[u8], grammar: Grammar) -> Result<f64, ErrorKind> {
    let Some(literal) = Literal::read(b, grammar) else {
        return Err(ErrorKind::InvalidSampleRate);
    };
    if literal.negative || literal.is_zero() || !literal.at_most_one() {
        return Err(ErrorKind::SampleRateOutOfRange);
    }
    let Ok(v) = literal.text.parse::<f64>() else {
        return Err(ErrorKind::InvalidSampleRate);
    };
    if v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(ErrorKind::SampleRateOutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_examples() {
        let spec = Config::spec();
        let etsy = Config::etsy();
        assert_eq!(
            parse_line(b"api.requests:3|c|@0.5", &spec).unwrap(),
            Metric::new("api.requests", MetricType::Counter, 3u64).with_sample_rate(0.5)
        );
        assert_eq!(
            parse_line(b"page.views", &spec).unwrap(),
            Metric::new("page.views", MetricType::Meter, 1u64)
        );
        assert_eq!(
            parse_line(b"gauge:-5|g", &spec).unwrap_err().kind(),
            ErrorKind::ValueOutOfRange
        );
        assert!(parse_line(b"gauge:-5|g", &etsy).unwrap().delta);
        let results = parse_datagram(b"a:1|c\n\nbad\nb:2.5|ms\n", &etsy);
        assert_eq!(results.len(), 3);
        assert_eq!(results[1].unwrap_err().line_index(), 2);
        let err = parse_datagram(b"ok:1|c\nbad:1.|c\n", &spec)[1].unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
        assert_eq!(
            (err.line_index(), err.span().start, err.span().end),
            (1, 11, 13)
        );
    }

    #[test]
    fn rates_are_exactly_in_the_unit_interval() {
        for (text, ok) in [
            ("1", true),
            ("1.0000", true),
            ("10e-1", true),
            ("0.001e3", true),
            ("5e-324", true),
            ("1.0000000000000001", false),
            ("0.011e2", false),
            ("0", false),
            ("-0.5", false),
            ("1e-400", false),
            ("1e99999999999999999999", false),
        ] {
            assert_eq!(
                read_rate(text.as_bytes(), Grammar::Json).is_ok(),
                ok,
                "{text}"
            );
        }
    }
}
