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
//!
//! The dogstatsd dialect has its own, separate reader ([`parse_messages`],
//! [`parse_message`]), written from the decisions listed in the core's
//! `Dialect::DogStatsd` and `tests/dogstatsd.rs` (the research notes' table):
//! routing on `_e{` and `_sc|`; the decimal grammar and any integer in
//! `(-2^63, 2^64)` or finite float; packed values with empty items skipped;
//! fields in any order, the last of a repeated one winning; events read by
//! their header's lengths with every separator checked; service checks with
//! one status digit; and each warning where the decisions put it. It returns a
//! [`Flat`] (plain data), not the core's lazy views (tags, packed values,
//! escaped texts and unknown fields are split and unescaped here, by loops of
//! its own).

use crate::fuzzing::flat::{Flat, FlatWarning, number_text};
use crate::{
    AlertType, Cardinality, Config, Dialect, ErrorKind, Metric, MetricType, Number, ParseError,
    Priority, ServiceCheckStatus, Span, Value, WarningKind,
};

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
/// target compares the two parsers on these only): [`parse_datagram`] and
/// [`parse_line`] read the dialects without DogStatsD messages,
/// [`parse_messages`] and [`parse_message`] the dogstatsd dialect.
pub fn supports(dialect: Dialect) -> bool {
    rules(dialect).is_some() || has_messages(dialect)
}

/// Whether `dialect` is read by [`parse_messages`] (the dogstatsd dialect),
/// rather than [`parse_datagram`].
pub fn has_messages(dialect: Dialect) -> bool {
    dialect == Dialect::DogStatsd
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

// ---------------------------------------------------------------------------
// The dogstatsd dialect
// ---------------------------------------------------------------------------

/// A warning found while reading a line: kind, start, end (relative to it).
type Found = Vec<(WarningKind, usize, usize)>;

/// Reads a dogstatsd datagram: one result per line that is neither empty nor
/// only `\r`, spans from the start of `data`. With `metrics_only` (what the
/// core's `parse_datagram` does), events and service checks are
/// `not_a_metric` and no warning is kept.
pub fn parse_messages<'a>(
    data: &'a [u8],
    config: &Config,
    metrics_only: bool,
) -> Vec<Result<Flat<'a>, ParseError>> {
    let mut results = Vec::new();
    let mut line_start = 0;
    for (index, line) in data.split(|&b| b == b'\n').enumerate() {
        let start = line_start;
        line_start += line.len() + 1;
        if line.is_empty() || line == b"\r" {
            continue;
        }
        results.push(dog_line(line, config, metrics_only, start, index));
    }
    results
}

/// Reads one dogstatsd line (without its `\n`), as the core's `parse_message`
/// (or, with `metrics_only`, `parse_line`) does.
pub fn parse_message<'a>(
    line: &'a [u8],
    config: &Config,
    metrics_only: bool,
) -> Result<Flat<'a>, ParseError> {
    dog_line(line, config, metrics_only, 0, 0)
}

fn dog_line<'a>(
    line: &'a [u8],
    config: &Config,
    metrics_only: bool,
    base: usize,
    index: usize,
) -> Result<Flat<'a>, ParseError> {
    let mut found = Found::new();
    match dog(line, config, metrics_only, &mut found) {
        Ok(flat) => {
            let warnings: Vec<FlatWarning> = if metrics_only {
                Vec::new()
            } else {
                found
                    .into_iter()
                    .map(|(k, s, e)| (k, base + s, base + e, index, s + 1))
                    .collect()
            };
            Ok(flat.with_warnings(warnings))
        }
        Err((kind, s, e)) => Err(ParseError::new(
            kind,
            Span::new(base + s, base + e),
            index,
            base,
        )),
    }
}

fn dog<'a>(
    line: &'a [u8],
    config: &Config,
    metrics_only: bool,
    found: &mut Found,
) -> Result<Flat<'a>, Fault> {
    // 1. The length, of the whole line (its `\r` counted).
    if line.len() > config.max_line_len() {
        return Err((ErrorKind::LineTooLong, 0, line.len()));
    }
    let mut body = line;
    if body.last() == Some(&b'\r') {
        body = &body[..body.len() - 1];
    }
    // 2. Routing; the metrics-only functions stop here.
    let event = body.starts_with(b"_e{");
    let check = body.starts_with(b"_sc|");
    if metrics_only && event {
        return Err((ErrorKind::NotAMetric, 0, 3));
    }
    if metrics_only && check {
        return Err((ErrorKind::NotAMetric, 0, 4));
    }
    if body.is_empty() {
        return Err((ErrorKind::EmptyLine, 0, 0));
    }
    // 3. The first control character, whatever the kind of line.
    for (i, &b) in body.iter().enumerate() {
        if b < 0x20 || b == 0x7f {
            return Err((ErrorKind::ControlCharacter, i, i + 1));
        }
    }
    if event {
        let valid = match core::str::from_utf8(line) {
            Ok(_) => line.len(),
            Err(e) => e.valid_up_to(),
        };
        dog_event(line, body, valid, found)
    } else if check {
        dog_service_check(body, found)
    } else {
        dog_metric(body, found)
    }
}

/// Notes field `key`; a second one is a `duplicate_field` warning.
fn seen_before(seen: &mut Vec<&'static str>, key: &'static str) -> bool {
    if seen.contains(&key) {
        return true;
    }
    seen.push(key);
    false
}

/// The fields every message kind has: `#`, `c:`, `e:`, `card:`. Returns
/// `Ok(false)` when `field` is none of them.
#[allow(clippy::too_many_arguments)]
fn shared_field<'a>(
    flat: &mut Flat<'a>,
    field: &'a [u8],
    start: usize,
    end: usize,
    seen: &mut Vec<&'static str>,
    found: &mut Found,
) -> Result<bool, Fault> {
    if let Some(raw) = field.strip_prefix(b"#") {
        let raw = text(raw, start + 1)?;
        let mut tags = Vec::new();
        if !raw.is_empty() {
            let mut at = start + 1;
            for tag in raw.split(',') {
                if tag.is_empty() {
                    found.push((WarningKind::EmptyTag, at, at));
                }
                at += tag.len() + 1;
                tags.push(match tag.find(':') {
                    Some(i) => (&tag[..i], Some(&tag[i + 1..])),
                    None => (tag, None),
                });
            }
        }
        flat.tags = Some(tags);
        if seen_before(seen, "#") {
            found.push((WarningKind::DuplicateField, start, end));
        }
    } else if let Some(value) = field.strip_prefix(b"card:") {
        let lower: Vec<u8> = value.iter().map(u8::to_ascii_lowercase).collect();
        let card = match lower.as_slice() {
            b"none" => Some(Cardinality::None),
            b"low" => Some(Cardinality::Low),
            b"orchestrator" => Some(Cardinality::Orchestrator),
            b"high" => Some(Cardinality::High),
            _ => None,
        };
        match card {
            Some(c) => {
                flat.cardinality = Some(c);
                if seen_before(seen, "card") {
                    found.push((WarningKind::DuplicateField, start, end));
                }
            }
            None => {
                flat.unknown.push(text(field, start)?);
                found.push((WarningKind::InvalidFieldValue, start, end));
            }
        }
    } else if let Some(value) = field.strip_prefix(b"c:") {
        flat.container_id = Some(text(value, start + 2)?);
        if seen_before(seen, "c") {
            found.push((WarningKind::DuplicateField, start, end));
        }
    } else if let Some(value) = field.strip_prefix(b"e:") {
        flat.external_data = Some(text(value, start + 2)?);
        if seen_before(seen, "e") {
            found.push((WarningKind::DuplicateField, start, end));
        }
    } else {
        return Ok(false);
    }
    Ok(true)
}

/// A field no kind knows: kept, with a warning.
fn unknown_field<'a>(
    flat: &mut Flat<'a>,
    field: &'a [u8],
    start: usize,
    end: usize,
    found: &mut Found,
) -> Result<(), Fault> {
    flat.unknown.push(text(field, start)?);
    found.push((WarningKind::UnknownField, start, end));
    Ok(())
}

/// The fields after position `from` of `body` (which holds `|` there), each
/// given to `read` with its start and end.
fn for_each_field<'a>(
    body: &'a [u8],
    from: usize,
    mut read: impl FnMut(&'a [u8], usize, usize) -> Result<(), Fault>,
) -> Result<(), Fault> {
    if from >= body.len() {
        return Ok(());
    }
    let mut start = from + 1;
    for field in body[from + 1..].split(|&b| b == b'|') {
        let end = start + field.len();
        read(field, start, end)?;
        start = end + 1;
    }
    Ok(())
}

fn dog_metric<'a>(body: &'a [u8], found: &mut Found) -> Result<Flat<'a>, Fault> {
    // The name: everything before the first `:` or `|`.
    let mut name_len = 0;
    while name_len < body.len() && body[name_len] != b':' && body[name_len] != b'|' {
        name_len += 1;
    }
    if name_len == 0 {
        return Err((ErrorKind::EmptyName, 0, 1));
    }
    let name = text(&body[..name_len], 0)?;
    if name_len == body.len() {
        return Err((ErrorKind::MissingValue, name_len, name_len));
    }
    if body[name_len] == b'|' {
        return Err((ErrorKind::MissingValue, name_len, name_len + 1));
    }
    let value_start = name_len + 1;
    let mut value_end = value_start;
    while value_end < body.len() && body[value_end] != b'|' {
        value_end += 1;
    }
    let value = &body[value_start..value_end];
    if value.is_empty() {
        return Err((ErrorKind::MissingValue, value_start, value_start));
    }
    if value_end == body.len() {
        return Err((ErrorKind::MissingType, value_end, value_end));
    }
    let type_start = value_end + 1;
    let mut type_end = type_start;
    while type_end < body.len() && body[type_end] != b'|' {
        type_end += 1;
    }
    let kind = match &body[type_start..type_end] {
        b"" => return Err((ErrorKind::MissingType, type_start, type_start)),
        b"c" => MetricType::Counter,
        b"g" => MetricType::Gauge,
        b"ms" => MetricType::Timer,
        b"h" => MetricType::Histogram,
        b"s" => MetricType::Set,
        b"d" => MetricType::Distribution,
        _ => return Err((ErrorKind::UnknownType, type_start, type_end)),
    };

    let mut flat = Flat {
        kind: "metric",
        name,
        metric_type: Some(kind),
        ..Flat::default()
    };
    if kind == MetricType::Set {
        flat.set_member = Some(text(value, value_start)?);
    } else {
        let mut at = value_start;
        let items = value.split(|&b| b == b':').count();
        for item in value.split(|&b| b == b':') {
            let end = at + item.len();
            if item.is_empty() {
                found.push((WarningKind::EmptyValue, at, at));
            } else {
                let n = dog_number(item).map_err(|k| {
                    // A lone value's fault covers the whole value.
                    if items == 1 {
                        (k, value_start, value_end)
                    } else {
                        (k, at, end)
                    }
                })?;
                if !portable(n) {
                    found.push((WarningKind::NonPortableInteger, at, end));
                }
                flat.numbers.push(number_text(n));
            }
            at = end + 1;
        }
        if flat.numbers.is_empty() {
            return Err((ErrorKind::MissingValue, value_start, value_end));
        }
        flat.packed = flat.numbers.len() > 1;
    }

    let mut seen = Vec::new();
    for_each_field(body, type_end, |field, start, end| {
        if shared_field(&mut flat, field, start, end, &mut seen, found)? {
            return Ok(());
        }
        match field.first() {
            Some(b'@') => {
                let (rate, in_range) = dog_rate(&field[1..]).map_err(|k| (k, start + 1, end))?;
                if !in_range {
                    found.push((WarningKind::SampleRateOutOfRange, start + 1, end));
                }
                flat.sample_rate = Some(format!("{rate:?}"));
                if seen_before(&mut seen, "@") {
                    found.push((WarningKind::DuplicateField, start, end));
                }
            }
            Some(b'T') => {
                let ts = unsigned_decimal(&field[1..])
                    .filter(|&t| t >= 1 && t <= i64::MAX as u128)
                    .ok_or((ErrorKind::InvalidTimestamp, start + 1, end))?;
                if kind != MetricType::Gauge && kind != MetricType::Counter {
                    found.push((WarningKind::TimestampIgnored, start, end));
                }
                flat.timestamp = Some(format!("T{ts}"));
                if seen_before(&mut seen, "T") {
                    found.push((WarningKind::DuplicateField, start, end));
                }
            }
            _ => unknown_field(&mut flat, field, start, end, found)?,
        }
        Ok(())
    })?;

    let portable_name = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    if !portable_name {
        found.push((WarningKind::NonPortableName, 0, name_len));
    }
    Ok(flat)
}

/// Whether an integer lies in (-2^53, 2^53) (floats always do).
fn portable(n: Number) -> bool {
    match n {
        Number::PosInt(v) => v < 1 << 53,
        Number::NegInt(v) => v > -(1 << 53),
        Number::Float(_) => true,
    }
}

/// `[0-9]+` as a number (saturating far above `u64`), or `None`.
fn unsigned_decimal(b: &[u8]) -> Option<u128> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u128 = 0;
    for &d in b {
        v = (v * 10 + u128::from(d - b'0')).min(u128::from(u64::MAX) * 16);
    }
    Some(v)
}

/// A dogstatsd value: the decimal grammar, any integer in (-2^63, 2^64), any
/// finite float.
fn dog_number(b: &[u8]) -> Result<Number, ErrorKind> {
    let literal = Literal::read(b, Grammar::EtsyValue).ok_or(ErrorKind::InvalidValue)?;
    if literal.is_integer() {
        let magnitude = unsigned_decimal(literal.digits).ok_or(ErrorKind::InvalidValue)?;
        if magnitude == 0 {
            return Ok(Number::PosInt(0));
        }
        if literal.negative {
            return if magnitude <= i64::MAX as u128 {
                Ok(Number::NegInt(-(magnitude as i64)))
            } else {
                Err(ErrorKind::ValueOutOfRange)
            };
        }
        return if magnitude <= u128::from(u64::MAX) {
            Ok(Number::PosInt(magnitude as u64))
        } else {
            Err(ErrorKind::ValueOutOfRange)
        };
    }
    let v: f64 = literal.text.parse().map_err(|_| ErrorKind::InvalidValue)?;
    if v.is_finite() {
        Ok(Number::Float(v))
    } else {
        Err(ErrorKind::ValueOutOfRange)
    }
}

/// A dogstatsd rate: the decimal grammar, finite; and whether it lies in
/// `(0, 1]` (exactly, and after rounding).
fn dog_rate(b: &[u8]) -> Result<(f64, bool), ErrorKind> {
    let literal = Literal::read(b, Grammar::EtsyValue).ok_or(ErrorKind::InvalidSampleRate)?;
    let v: f64 = literal
        .text
        .parse()
        .map_err(|_| ErrorKind::InvalidSampleRate)?;
    if !v.is_finite() {
        return Err(ErrorKind::SampleRateOutOfRange);
    }
    let in_range =
        !literal.negative && !literal.is_zero() && literal.at_most_one() && v > 0.0 && v <= 1.0;
    Ok((v, in_range))
}

/// `-?[0-9]+` in the `i64` range.
fn date(b: &[u8]) -> Option<i64> {
    let (negative, digits) = match b.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, b),
    };
    let magnitude = i128::try_from(unsigned_decimal(digits)?).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// An event's title or text at `start..end` of the body: cut on character
/// boundaries of the line's valid UTF-8 (`valid` bytes), else the lengths are
/// wrong; then UTF-8 itself; unescaped (`\n`, two bytes, is a newline).
fn event_text(line: &[u8], valid: usize, start: usize, end: usize) -> Result<String, Fault> {
    let boundary = |i: usize| i >= valid || (line[i] & 0xc0) != 0x80;
    if valid >= end && !(boundary(start) && boundary(end)) {
        return Err((ErrorKind::EventLengthMismatch, start, end));
    }
    Ok(text(&line[start..end], start)?.replace("\\n", "\n"))
}

/// A decimal length in an event's header at `at`: the value and where it ends.
fn header_length(body: &[u8], at: usize) -> Result<(usize, usize), Fault> {
    let mut end = at;
    while end < body.len() && body[end].is_ascii_digit() {
        end += 1;
    }
    if end == at {
        return Err((ErrorKind::InvalidEventHeader, at, (at + 1).min(body.len())));
    }
    let value = unsigned_decimal(&body[at..end])
        .and_then(|v| usize::try_from(v).ok())
        .ok_or((ErrorKind::EventLengthMismatch, at, end))?;
    Ok((value, end))
}

/// `byte` at `at`, else a fault of `kind` there.
fn separator(body: &[u8], at: usize, byte: u8, kind: ErrorKind) -> Result<usize, Fault> {
    match body.get(at) {
        Some(&b) if b == byte => Ok(at + 1),
        Some(_) => Err((kind, at, at + 1)),
        None => Err((kind, at, at)),
    }
}

fn dog_event<'a>(
    line: &'a [u8],
    body: &'a [u8],
    valid: usize,
    found: &mut Found,
) -> Result<Flat<'a>, Fault> {
    let header = ErrorKind::InvalidEventHeader;
    let (title_len, at) = header_length(body, 3)?;
    let at = separator(body, at, b',', header)?;
    let (text_len, at) = header_length(body, at)?;
    let at = separator(body, at, b'}', header)?;
    let title_start = separator(body, at, b':', header)?;
    if title_len == 0 {
        return Err((ErrorKind::EmptyEventTitle, 3, 4));
    }
    let len = body.len();
    let mismatch = ErrorKind::EventLengthMismatch;
    let title_end = title_start.saturating_add(title_len);
    if title_end > len {
        return Err((mismatch, len, len));
    }
    let text_start = separator(body, title_end, b'|', mismatch)?;
    let text_end = text_start.saturating_add(text_len);
    if text_end > len {
        return Err((mismatch, len, len));
    }
    if text_end < len && body[text_end] != b'|' {
        return Err((mismatch, text_end, text_end + 1));
    }
    let mut flat = Flat {
        kind: "event",
        title: Some(event_text(line, valid, title_start, title_end)?),
        text: Some(event_text(line, valid, text_start, text_end)?),
        ..Flat::default()
    };
    let mut seen = Vec::new();
    for_each_field(body, text_end, |field, start, end| {
        if shared_field(&mut flat, field, start, end, &mut seen, found)? {
            return Ok(());
        }
        let key = match field {
            [b'd', b':', ..] => "d",
            [b'h', b':', ..] => "h",
            [b'k', b':', ..] => "k",
            [b'p', b':', ..] => "p",
            [b's', b':', ..] => "s",
            [b't', b':', ..] => "t",
            _ => return unknown_field(&mut flat, field, start, end, found),
        };
        let value = text(&field[2..], start + 2)?;
        let understood = match key {
            "d" => match date(value.as_bytes()) {
                Some(d) => {
                    flat.timestamp = Some(format!("d{d}"));
                    true
                }
                None => false,
            },
            "h" => {
                flat.hostname = Some(value);
                true
            }
            "k" => {
                flat.aggregation_key = Some(value);
                true
            }
            "s" => {
                flat.source_type = Some(value);
                true
            }
            "p" => {
                let p = match value {
                    "normal" => Some(Priority::Normal),
                    "low" => Some(Priority::Low),
                    _ => None,
                };
                flat.priority = p.or(flat.priority);
                p.is_some()
            }
            _ => {
                let t = match value {
                    "info" => Some(AlertType::Info),
                    "warning" => Some(AlertType::Warning),
                    "error" => Some(AlertType::Error),
                    "success" => Some(AlertType::Success),
                    _ => None,
                };
                flat.alert_type = t.or(flat.alert_type);
                t.is_some()
            }
        };
        if !understood {
            flat.unknown.push(text(field, start)?);
            found.push((WarningKind::InvalidFieldValue, start, end));
        } else if seen_before(&mut seen, key) {
            found.push((WarningKind::DuplicateField, start, end));
        }
        Ok(())
    })?;
    Ok(flat)
}

fn dog_service_check<'a>(body: &'a [u8], found: &mut Found) -> Result<Flat<'a>, Fault> {
    let name_start = 4;
    let mut name_end = name_start;
    while name_end < body.len() && body[name_end] != b'|' {
        name_end += 1;
    }
    if name_end == name_start {
        return Err((
            ErrorKind::EmptyName,
            name_start,
            (name_start + 1).min(body.len()),
        ));
    }
    let name = text(&body[name_start..name_end], name_start)?;
    if name_end == body.len() {
        return Err((ErrorKind::InvalidServiceCheckStatus, name_end, name_end));
    }
    let status_start = name_end + 1;
    let mut status_end = status_start;
    while status_end < body.len() && body[status_end] != b'|' {
        status_end += 1;
    }
    let status = match &body[status_start..status_end] {
        b"0" => ServiceCheckStatus::Ok,
        b"1" => ServiceCheckStatus::Warning,
        b"2" => ServiceCheckStatus::Critical,
        b"3" => ServiceCheckStatus::Unknown,
        _ => {
            return Err((
                ErrorKind::InvalidServiceCheckStatus,
                status_start,
                status_end,
            ));
        }
    };
    let mut flat = Flat {
        kind: "service_check",
        name,
        status: Some(status),
        ..Flat::default()
    };
    let mut seen = Vec::new();
    for_each_field(body, status_end, |field, start, end| {
        if shared_field(&mut flat, field, start, end, &mut seen, found)? {
            return Ok(());
        }
        let key = match field {
            [b'd', b':', ..] => "d",
            [b'h', b':', ..] => "h",
            [b'm', b':', ..] => "m",
            _ => return unknown_field(&mut flat, field, start, end, found),
        };
        let value = text(&field[2..], start + 2)?;
        match key {
            "d" => match date(value.as_bytes()) {
                Some(d) => flat.timestamp = Some(format!("d{d}")),
                None => {
                    flat.unknown.push(text(field, start)?);
                    found.push((WarningKind::InvalidFieldValue, start, end));
                    return Ok(());
                }
            },
            "h" => flat.hostname = Some(value),
            _ => flat.message = Some(value.replace("\\n", "\n")),
        }
        if seen_before(&mut seen, key) {
            found.push((WarningKind::DuplicateField, start, end));
        }
        Ok(())
    })?;
    Ok(flat)
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

    /// The reference's own reading of a few pinned dogstatsd rows (so that it is
    /// checked against the decisions, not only against the core).
    #[test]
    fn reads_the_dogstatsd_rows() {
        let d = Config::dogstatsd();
        fn first(input: &[u8]) -> Result<Flat<'_>, ParseError> {
            parse_messages(input, &Config::dogstatsd(), false).remove(0)
        }
        let one = first;
        let m = one(b"daemon:3.5:4.5|d|#a,,b|@2|T5|card:LOW|f:x").unwrap();
        assert_eq!(m.numbers, ["Float(3.5)", "Float(4.5)"]);
        assert!(m.packed);
        assert_eq!(m.tags.unwrap(), [("a", None), ("", None), ("b", None)]);
        assert_eq!(m.sample_rate.as_deref(), Some("2.0"));
        assert_eq!(m.timestamp.as_deref(), Some("T5"));
        assert_eq!(m.cardinality, Some(Cardinality::Low));
        assert_eq!(m.unknown, ["f:x"]);
        let kinds: Vec<_> = m.warnings.iter().map(|w| (w.0, w.1)).collect();
        assert_eq!(
            kinds,
            [
                (WarningKind::EmptyTag, 20),
                (WarningKind::SampleRateOutOfRange, 24),
                (WarningKind::TimestampIgnored, 26),
                (WarningKind::UnknownField, 38),
            ]
        );
        assert_eq!(one(b"a:1:|c").unwrap().numbers, ["PosInt(1)"]);
        assert!(!one(b"a:1:|c").unwrap().packed);
        let e = one(br"_e{5,4}:title|te\n|p:urgent|p:low").unwrap();
        assert_eq!(e.text.as_deref(), Some("te\n"));
        assert_eq!(e.priority, Some(Priority::Low));
        assert_eq!(e.unknown, ["p:urgent"]);
        let c = one(b"_sc|x|0|m:a|b").unwrap();
        assert_eq!((c.message.as_deref(), c.unknown), (Some("a"), vec!["b"]));
        for (input, kind, offset) in [
            (
                &b"_e{5,4}:titleXtext"[..],
                ErrorKind::EventLengthMismatch,
                13,
            ),
            (b"_e{5,4X:title|text", ErrorKind::InvalidEventHeader, 6),
            (b"_e{0,9}:|test text", ErrorKind::EmptyEventTitle, 3),
            (b"_sc|agent.up|21", ErrorKind::InvalidServiceCheckStatus, 13),
            (b"a:1|c|T0", ErrorKind::InvalidTimestamp, 7),
            (b"a:18446744073709551616|c", ErrorKind::ValueOutOfRange, 2),
            (b"a:1|c\r\r", ErrorKind::ControlCharacter, 5),
        ] {
            let e = one(input).unwrap_err();
            assert_eq!((e.kind(), e.offset()), (kind, offset), "{input:?}");
        }
        let e = parse_messages(b"ok:1|c\n_sc|x|0", &d, true)
            .remove(1)
            .unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::NotAMetric, 7));
    }

    /// Inputs at the edges of the dogstatsd decisions, through the whole
    /// differential target (both parsers, every reading).
    #[test]
    fn the_parsers_agree_on_dogstatsd_edges() {
        let inputs: &[&[u8]] = &[
            b"a:1|c|card:Low|card:bad|card:high",
            b"_e{1,0}:a||d:-9223372036854775808|d:9223372036854775808",
            b"a:-9223372036854775808|c\na:-9223372036854775807|c",
            b"a:-0|g\na:-0.0|d\na:1:-0.0|d\na:+.5e-3|h\na:1.|ms\na:.|c",
            b"a:1|c|@+1\na:1|c|@-0\na:1|c|@1e400\na:1|c|@1e-400\na:1|c|@.5\na:1|c|@0.0000000000000001",
            b"a:1|c|T9223372036854775807\na:1|c|T9223372036854775808",
            b"a!:1::::|h|#,,,|@2|x|y",
            b"_sc|\xc3\xa9|1|h:\xff\n_sc|a|0|m:x\\ny|m:z",
            b"_e{99999999999999999999999,1}:a|b\n_e{2,1}:a\xc3\xa9|b",
            b"\r\na:1|c\r\n_sc|a|0\r\n_e{1,1}:a|b\r\n\r",
            b"a:1|s|@0.5\nabc:def:g|s\n_e{1,1}:a|b|#\n_e{1,1}:a|b|",
            b"_e{1,1}:a|b|t:error|s:src|k:key|h:host|c:ci|e:ed|card:none|#x:y",
            b"_scx:1|c\n_e:1|c\n_sc:1|c\n_e{:1|c",
        ];
        for input in inputs {
            crate::fuzzing::differential(input);
            crate::fuzzing::parse_datagram_dogstatsd(input);
        }
    }
}
