//! Number grammars (nom) and their exact conversion to [`Number`]s and sample
//! rates.
//!
//! Integers are converted digit by digit into a `u64` with overflow checks, so
//! `9007199254740993` stays `9007199254740993`; only literals with a fraction or an
//! exponent become `f64` (correctly rounded by `core`'s parser). Range checks on
//! floats combine the exact decimal (for the sign and for `(0, 1]`) with the
//! rounded `f64` (for the upper bounds, where rounding can only move a value
//! towards the excluded bound).

use core::cmp::Ordering;

use nom::branch::alt;
use nom::character::complete::{char, digit0, digit1, one_of, satisfy};
use nom::combinator::{opt, recognize};
use nom::sequence::preceded;
use nom::{IResult, Parser};

use crate::config::NumberGrammar;
use crate::error::ErrorKind;
use crate::metric::Number;

type Res<'a, T> = IResult<&'a [u8], T, ()>;

/// The pieces of a number literal, borrowed from the line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NumberText<'a> {
    /// The whole literal.
    pub(crate) text: &'a [u8],
    /// A leading `-`.
    pub(crate) negative: bool,
    /// An explicit leading `+` or `-`.
    pub(crate) signed: bool,
    /// Digits before the `.` (empty for `.5` in the etsy grammar).
    pub(crate) int: &'a [u8],
    /// Digits after the `.`, when there is a `.` (empty for `5.` in the etsy grammar).
    pub(crate) frac: Option<&'a [u8]>,
    /// The exponent: whether it is negative, and its digits.
    pub(crate) exp: Option<(bool, &'a [u8])>,
}

impl NumberText<'_> {
    fn is_integer(&self) -> bool {
        self.frac.is_none() && self.exp.is_none()
    }

    fn digits(&self) -> impl Iterator<Item = u8> + '_ {
        self.int
            .iter()
            .chain(self.frac.unwrap_or_default())
            .map(|d| d - b'0')
    }

    fn is_zero(&self) -> bool {
        self.digits().all(|d| d == 0)
    }

    fn exponent(&self) -> i64 {
        let Some((negative, digits)) = self.exp else {
            return 0;
        };
        // Saturate: any exponent beyond 10^12 already puts the value out of every
        // range (or at zero), so its exact size no longer matters.
        let mut e: i64 = 0;
        for d in digits {
            e = (e * 10 + i64::from(d - b'0')).min(1_000_000_000_000);
        }
        if negative { -e } else { e }
    }

    /// Compares the (non-negative) magnitude with 1, exactly; `None` for zero.
    fn cmp_magnitude_with_one(&self) -> Option<Ordering> {
        // The value is 0.D * 10^p, where D are the significant digits.
        let leading_zeros = self.digits().take_while(|&d| d == 0).count();
        let mut significant = self.digits().skip(leading_zeros);
        let first = significant.next()?;
        let p = (self.int.len() as i64 - leading_zeros as i64).saturating_add(self.exponent());
        Some(match p.cmp(&1) {
            Ordering::Equal if first > 1 || significant.any(|d| d != 0) => Ordering::Greater,
            other => other,
        })
    }
}

fn exponent(i: &[u8]) -> Res<'_, (bool, &[u8])> {
    preceded(one_of("eE"), (opt(one_of("+-")), digit1))
        .map(|(sign, digits)| (sign == Some('-'), digits))
        .parse(i)
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: the JSON number grammar.
fn json_number(i: &[u8]) -> Res<'_, NumberText<'_>> {
    let start = i;
    let (i, minus) = opt(char('-')).parse(i)?;
    let (i, int) = alt((
        recognize(char('0')),
        recognize((satisfy(|c| matches!(c, '1'..='9')), digit0)),
    ))
    .parse(i)?;
    let (i, frac) = opt(preceded(char('.'), digit1)).parse(i)?;
    let (i, exp) = opt(exponent).parse(i)?;
    let text = &start[..start.len() - i.len()];
    let negative = minus.is_some();
    Ok((
        i,
        NumberText {
            text,
            negative,
            signed: negative,
            int,
            frac,
            exp,
        },
    ))
}

/// `[0-9]+(\.[0-9]*)?|\.[0-9]+`: the decimal body of the etsy grammars.
fn decimal(i: &[u8]) -> Res<'_, (&[u8], Option<&[u8]>)> {
    alt((
        (digit1, opt(preceded(char('.'), digit0))),
        preceded(char('.'), digit1).map(|frac| (&b""[..], Some(frac))),
    ))
    .parse(i)
}

/// `[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?`: what the Etsy daemon's
/// JavaScript `Number()` accepts, minus its accidents (hex, binary, `Infinity`,
/// surrounding whitespace).
fn etsy_number(i: &[u8]) -> Res<'_, NumberText<'_>> {
    let start = i;
    let (i, sign) = opt(one_of("+-")).parse(i)?;
    let (i, (int, frac)) = decimal(i)?;
    let (i, exp) = opt(exponent).parse(i)?;
    let text = &start[..start.len() - i.len()];
    let negative = sign == Some('-');
    Ok((
        i,
        NumberText {
            text,
            negative,
            signed: sign.is_some(),
            int,
            frac,
            exp,
        },
    ))
}

/// `[0-9]+(\.[0-9]*)?|\.[0-9]+`: the rates the Etsy daemon applies as written
/// (its `/^@([\d\.]+)/`); no sign, no exponent.
fn etsy_rate(i: &[u8]) -> Res<'_, NumberText<'_>> {
    let start = i;
    let (i, (int, frac)) = decimal(i)?;
    let text = &start[..start.len() - i.len()];
    Ok((
        i,
        NumberText {
            text,
            negative: false,
            signed: false,
            int,
            frac,
            exp: None,
        },
    ))
}

/// Which grammar a number is read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grammar {
    /// [`json_number`].
    Json,
    /// [`etsy_number`].
    EtsyValue,
    /// [`etsy_rate`].
    EtsyRate,
}

impl Grammar {
    /// The grammar for numbers (values and rates) written in `g`.
    pub(crate) const fn for_values(g: NumberGrammar) -> Grammar {
        match g {
            NumberGrammar::Json => Grammar::Json,
            NumberGrammar::Decimal => Grammar::EtsyValue,
            NumberGrammar::PlainDecimal => Grammar::EtsyRate,
        }
    }
}

/// Reads the whole of `text` as a number literal of `grammar`.
pub(crate) fn scan(text: &[u8], grammar: Grammar) -> Option<NumberText<'_>> {
    let parsed = match grammar {
        Grammar::Json => json_number(text),
        Grammar::EtsyValue => etsy_number(text),
        Grammar::EtsyRate => etsy_rate(text),
    };
    match parsed {
        Ok((&[], number)) => Some(number),
        _ => None,
    }
}

/// The allowed interval of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Range {
    /// (-2^63, 2^63): counters and gauge deltas.
    Signed,
    /// [0, 2^64): gauges, timers, histograms, meters.
    Unsigned,
    /// Every number the data model holds: integers in (-2^63, 2^64), every
    /// finite float (DogStatsD).
    Any,
}

/// 2^63 and 2^64 as `f64` (both exact).
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

fn parse_f64(text: &[u8]) -> Option<f64> {
    core::str::from_utf8(text).ok()?.parse().ok()
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// Whether a finite `f64` lies in `range` (for [`Range::Unsigned`], `-0.0` is in).
#[inline]
pub(crate) fn float_in_range(v: f64, range: Range) -> bool {
    match range {
        Range::Signed => v > -TWO_POW_63 && v < TWO_POW_63,
        Range::Unsigned => (0.0..TWO_POW_64).contains(&v),
        Range::Any => v.is_finite(),
    }
}

/// Whether a number lies in `range`.
#[inline]
pub(crate) fn number_in_range(n: Number, range: Range) -> bool {
    match (n, range) {
        (Number::PosInt(v), Range::Signed) => v <= i64::MAX as u64,
        (Number::PosInt(_), Range::Unsigned | Range::Any) => true,
        // `NegInt` holds negative values only: a `NegInt(v >= 0)` (possible through the
        // public enum) is not a canonical number and would read back as a `PosInt`.
        (Number::NegInt(v), Range::Signed | Range::Any) => v < 0 && v != i64::MIN,
        (Number::NegInt(_), Range::Unsigned) => false,
        (Number::Float(v), range) => v.is_finite() && float_in_range(v, range),
    }
}

/// The integer `-magnitude` (when `negative`) or `magnitude`, in `range`.
#[inline]
fn integer_to_number(negative: bool, magnitude: u64, range: Range) -> Result<Number, ErrorKind> {
    let n = match (negative, magnitude) {
        (true, 0) | (false, _) => Number::PosInt(magnitude),
        (true, m) => {
            // -(2^63) itself is outside both ranges, so i64 never overflows here.
            let m = i64::try_from(m).map_err(|_| ErrorKind::ValueOutOfRange)?;
            Number::NegInt(-m)
        }
    };
    if number_in_range(n, range) {
        Ok(n)
    } else {
        Err(ErrorKind::ValueOutOfRange)
    }
}

/// The finite float `v` in `range`; `negative_nonzero` says that the exact
/// literal was below zero (a tiny negative literal such as -1e-400 rounds to
/// -0.0, but it is still out of [0, 2^64)).
#[inline]
fn float_to_number(v: f64, negative_nonzero: bool, range: Range) -> Result<Number, ErrorKind> {
    let ok = v.is_finite()
        && float_in_range(v, range)
        && !(range == Range::Unsigned && negative_nonzero);
    if ok {
        Ok(Number::Float(v))
    } else {
        Err(ErrorKind::ValueOutOfRange)
    }
}

/// Converts a scanned literal to a [`Number`] in `range`.
pub(crate) fn to_number(t: &NumberText<'_>, range: Range) -> Result<Number, ErrorKind> {
    if t.is_integer() {
        let magnitude = parse_u64(t.int).ok_or(ErrorKind::ValueOutOfRange)?;
        return integer_to_number(t.negative, magnitude, range);
    }
    let v = parse_f64(t.text).ok_or(ErrorKind::InvalidValue)?;
    float_to_number(v, t.negative && !t.is_zero(), range)
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A literal of the most common shapes, read without the nom grammar.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FastNumber {
    /// The explicit sign, `b'+'` or `b'-'`.
    pub(crate) sign: Option<u8>,
    value: FastValue,
}

#[derive(Clone, Copy, Debug)]
enum FastValue {
    /// An integer of at most 19 digits (so no `u64` overflow).
    Int(u64),
    /// `digits.digits` with at most 15 digits in all, signed, and whether a
    /// digit is nonzero.
    Float(f64, bool),
}

/// Reads `[sign]digits` (at most 19 digits) or `[sign]digits.digits` (at most
/// 15 digits, no exponent) when the literal has that shape and the dialect's
/// grammar allows it; `None` sends every other literal (valid or not) to the
/// full nom grammar. The float is `m / 10^k` with `m < 2^53` and `k <= 15`: both
/// exact, so the one division is correctly rounded (Clinger's fast path, the
/// same value `core`'s parser gives).
#[inline]
pub(crate) fn fast_number(text: &[u8], grammar: NumberGrammar) -> Option<FastNumber> {
    let json = grammar == NumberGrammar::Json;
    let (sign, digits) = match text.split_first()? {
        (b'-', rest) => (Some(b'-'), rest),
        (b'+', rest) if !json => (Some(b'+'), rest),
        _ => (None, text),
    };
    // One pass: the integer digits, then (after a `.`) the fraction's, into one
    // mantissa. Beyond 19 digits it may wrap, but such literals are refused below.
    let mut m: u64 = 0;
    let mut i = 0;
    while let Some(&b) = digits.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    let int_len = i;
    if int_len == 0 || int_len > 19 || (json && int_len > 1 && digits[0] == b'0') {
        return None;
    }
    let Some(&dot) = digits.get(i) else {
        return Some(FastNumber {
            sign,
            value: FastValue::Int(m),
        });
    };
    if dot != b'.' || int_len > 14 {
        return None;
    }
    i += 1;
    let frac_start = i;
    while let Some(&b) = digits.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 || i - frac_start == 15 - int_len {
            return None;
        }
        m = m * 10 + u64::from(d);
        i += 1;
    }
    let frac_len = i - frac_start;
    if frac_len == 0 {
        return None;
    }
    let v = m as f64 / POW10[frac_len];
    let v = if sign == Some(b'-') { -v } else { v };
    Some(FastNumber {
        sign,
        value: FastValue::Float(v, m != 0),
    })
}

/// Accumulates decimal digits (the caller bounds their number: no overflow).
#[inline]
fn accumulate(acc: u64, digits: &[u8]) -> u64 {
    digits
        .iter()
        .fold(acc, |acc, d| acc * 10 + u64::from(d - b'0'))
}

/// Converts a [`fast_number`] to a [`Number`] in `range`.
#[inline]
pub(crate) fn fast_to_number(f: &FastNumber, range: Range) -> Result<Number, ErrorKind> {
    let negative = f.sign == Some(b'-');
    match f.value {
        FastValue::Int(m) => integer_to_number(negative, m, range),
        FastValue::Float(v, nonzero) => float_to_number(v, negative && nonzero, range),
    }
}

/// Reads a value in `grammar` and `range`, by the fast path when it applies.
#[inline]
pub(crate) fn read_number(
    text: &[u8],
    grammar: NumberGrammar,
    range_of: impl Fn(bool) -> Range,
) -> Result<(Number, bool), ErrorKind> {
    if let Some(fast) = fast_number(text, grammar) {
        let signed = fast.sign.is_some();
        return fast_to_number(&fast, range_of(signed)).map(|n| (n, signed));
    }
    read_slow_number(text, grammar, range_of)
}

/// [`read_number`] for a literal that [`fast_number`] does not take: the
/// full number grammar.
pub(crate) fn read_slow_number(
    text: &[u8],
    grammar: NumberGrammar,
    range_of: impl Fn(bool) -> Range,
) -> Result<(Number, bool), ErrorKind> {
    let literal = scan(text, Grammar::for_values(grammar)).ok_or(ErrorKind::InvalidValue)?;
    let n = to_number(&literal, range_of(literal.signed))?;
    Ok((n, literal.signed))
}

/// One item of validated DogStatsD packed values.
pub(crate) fn read_packed_item(item: &[u8]) -> Option<Number> {
    read_number(item, NumberGrammar::Decimal, |_| Range::Any)
        .ok()
        .map(|(n, _)| n)
}

/// Reads a rate of the shape `(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 15
/// digits (valid in every dialect's rate grammar), in or out of range: its
/// value, exactly the full grammar's (both the digits and the power of ten
/// are exact in an `f64`, so their quotient is the correctly rounded value),
/// and whether it lies in `(0, 1]` (exact with so few digits: a value above 1
/// stays above it, and only zero digits make zero). `None` for every other
/// rate, which takes the full grammar.
pub(crate) fn short_sample_rate(text: &[u8]) -> Option<(f64, bool)> {
    let (int, frac) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (&text[..dot], Some(&text[dot + 1..])),
        None => (text, None),
    };
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    let int_ok = digits(int) && (int[0] != b'0' || int.len() == 1);
    let frac = match frac {
        Some(frac) if digits(frac) => frac,
        Some(_) => return None,
        None => &[],
    };
    if !int_ok || int.len() + frac.len() > 15 {
        return None;
    }
    let v = accumulate(accumulate(0, int), frac) as f64 / POW10[frac.len()];
    Some((v, v > 0.0 && v <= 1.0))
}

/// An integer of decimal digits without a leading zero, too long for the
/// fast path's 15 digits, read exactly as [`to_number`] reads an integer
/// literal: beyond `u64`, or outside `range`, it is out of range.
pub(crate) fn long_integer(digits: &[u8], range: Range) -> Result<Number, ErrorKind> {
    let magnitude = parse_u64(digits).ok_or(ErrorKind::ValueOutOfRange)?;
    integer_to_number(false, magnitude, range)
}

/// Reads the most common rates, `1` and `0.<1 to 15 digits>` (not all zero),
/// valid in every dialect's rate grammar and inside `(0, 1]` by their shape;
/// `None` sends every other rate to the full grammar.
#[inline]
pub(crate) fn fast_sample_rate(text: &[u8]) -> Option<f64> {
    match text {
        b"1" => Some(1.0),
        [b'0', b'.', frac @ ..]
            if !frac.is_empty() && frac.len() <= 15 && frac.iter().all(u8::is_ascii_digit) =>
        {
            let m = accumulate(0, frac);
            (m != 0).then(|| m as f64 / POW10[frac.len()])
        }
        _ => None,
    }
}

/// Converts a scanned literal to a sample rate in `(0, 1]`, exactly: the decimal
/// must be in the interval, and so must its `f64` (no underflow to 0).
pub(crate) fn to_sample_rate(t: &NumberText<'_>) -> Result<f64, ErrorKind> {
    match to_lenient_sample_rate(t)? {
        (rate, true) => Ok(rate),
        (_, false) => Err(ErrorKind::SampleRateOutOfRange),
    }
}

/// Converts a scanned literal to a finite sample rate, and whether it lies in
/// `(0, 1]` (exactly, as [`to_sample_rate`] decides).
pub(crate) fn to_lenient_sample_rate(t: &NumberText<'_>) -> Result<(f64, bool), ErrorKind> {
    let v = parse_f64(t.text).ok_or(ErrorKind::InvalidSampleRate)?;
    if !v.is_finite() {
        return Err(ErrorKind::SampleRateOutOfRange);
    }
    Ok((v, in_unit_interval(t, v)))
}

fn in_unit_interval(t: &NumberText<'_>, v: f64) -> bool {
    let exact_ok = !t.negative
        && matches!(
            t.cmp_magnitude_with_one(),
            Some(Ordering::Less | Ordering::Equal)
        );
    exact_ok && v > 0.0 && v <= 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Option<NumberText<'_>> {
        scan(s.as_bytes(), Grammar::Json)
    }

    #[test]
    fn short_sample_rates_agree_with_the_full_grammar() {
        for rate in [
            "0",
            "1",
            "2",
            "10",
            "0.5",
            "1.5",
            "0.0",
            "1.0",
            "1.00000000000001",
            "0.00000000000001",
            "123456789012345",
            "0.1",
            "0.25",
            "99.99",
        ] {
            let full = to_lenient_sample_rate(&json(rate).unwrap()).unwrap();
            assert_eq!(short_sample_rate(rate.as_bytes()), Some(full), "{rate}");
            for grammar in [Grammar::EtsyValue, Grammar::EtsyRate] {
                let t = scan(rate.as_bytes(), grammar).unwrap();
                assert_eq!(to_lenient_sample_rate(&t).unwrap(), full, "{rate}");
            }
        }
        for other in [
            "",
            ".",
            "1.",
            ".5",
            "01",
            "00.5",
            "-0.5",
            "+1",
            "1e0",
            "1.0000000000000001",
            "0.000000000000001",
            "0.5x",
            "1..2",
        ] {
            assert_eq!(short_sample_rate(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn long_integers_agree_with_the_full_grammar() {
        for digits in [
            "9007199254740993",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
        ] {
            for range in [Range::Signed, Range::Unsigned, Range::Any] {
                let full = to_number(&json(digits).unwrap(), range);
                assert_eq!(long_integer(digits.as_bytes(), range), full, "{digits}");
            }
        }
    }

    #[test]
    fn json_grammar_accepts_exactly_json_numbers() {
        for ok in [
            "0", "-0", "1", "-1", "10", "1.5", "0.5", "1e3", "1E3", "1e+3", "1e-3", "-0.0e0",
        ] {
            assert!(json(ok).is_some(), "{ok} should scan");
        }
        for bad in [
            "", "+1", "01", "1.", ".5", "-", "1e", "1e+", "0x10", "inf", "nan", "Infinity", " 1",
            "1 ", "1_000", "1,5", "--1", "1.2.3", ".",
        ] {
            assert!(json(bad).is_none(), "{bad:?} should not scan");
        }
    }

    #[test]
    fn etsy_grammar_is_looser_but_still_decimal() {
        for ok in ["+1", "-1", "007", "1.", ".5", "+.5", "1e3", "-1.5E-3"] {
            assert!(scan(ok.as_bytes(), Grammar::EtsyValue).is_some(), "{ok}");
        }
        for bad in [
            "", ".", "+", "+.", "0x10", "0b101", "Infinity", " 1", "1e", "1_0",
        ] {
            assert!(
                scan(bad.as_bytes(), Grammar::EtsyValue).is_none(),
                "{bad:?}"
            );
        }
        for ok in ["1", "0.5", ".5", "5."] {
            assert!(scan(ok.as_bytes(), Grammar::EtsyRate).is_some(), "{ok}");
        }
        for bad in ["+0.5", "-1", "1e-1", " 0.5", "", "."] {
            assert!(scan(bad.as_bytes(), Grammar::EtsyRate).is_none(), "{bad:?}");
        }
    }

    fn num(s: &str, range: Range) -> Result<Number, ErrorKind> {
        to_number(&json(s).unwrap(), range)
    }

    #[test]
    fn integers_are_exact_at_every_boundary() {
        use Number::*;
        let out = Err(ErrorKind::ValueOutOfRange);
        assert_eq!(
            num("9007199254740993", Range::Signed),
            Ok(PosInt(9_007_199_254_740_993))
        );
        assert_eq!(
            num("9223372036854775807", Range::Signed),
            Ok(PosInt(i64::MAX as u64))
        );
        assert_eq!(num("9223372036854775808", Range::Signed), out);
        assert_eq!(
            num("-9223372036854775807", Range::Signed),
            Ok(NegInt(-i64::MAX))
        );
        assert_eq!(num("-9223372036854775808", Range::Signed), out);
        assert_eq!(
            num("18446744073709551615", Range::Unsigned),
            Ok(PosInt(u64::MAX))
        );
        assert_eq!(num("18446744073709551616", Range::Unsigned), out);
        assert_eq!(num("99999999999999999999999999999", Range::Unsigned), out);
        assert_eq!(num("-1", Range::Unsigned), out);
        assert_eq!(num("-0", Range::Unsigned), Ok(PosInt(0)));
    }

    #[test]
    fn floats_are_checked_exactly_at_the_bounds() {
        use Number::*;
        let out = Err(ErrorKind::ValueOutOfRange);
        assert_eq!(num("1.5", Range::Unsigned), Ok(Float(1.5)));
        assert_eq!(num("-0.0", Range::Unsigned), Ok(Float(-0.0)));
        assert_eq!(num("-1e-400", Range::Unsigned), out);
        assert_eq!(num("1e-400", Range::Unsigned), Ok(Float(0.0)));
        assert_eq!(num("1e400", Range::Signed), out);
        // 2^64 - 2048 is the largest f64 below 2^64; 2^64 - 1 rounds up to 2^64.
        assert_eq!(
            num("18446744073709549568.0", Range::Unsigned),
            Ok(Float(18_446_744_073_709_549_568.0))
        );
        assert_eq!(num("18446744073709551615.0", Range::Unsigned), out);
        assert_eq!(
            num("9223372036854774784.0", Range::Signed),
            Ok(Float(9_223_372_036_854_774_784.0))
        );
        assert_eq!(num("9223372036854775807.0", Range::Signed), out);
        assert_eq!(num("-9223372036854775807.0", Range::Signed), out);
        assert_eq!(num("1e99999999999999999999999", Range::Signed), out);
    }

    fn rate(s: &str) -> Result<f64, ErrorKind> {
        to_sample_rate(&json(s).unwrap())
    }

    #[test]
    fn sample_rates_are_exactly_in_the_unit_interval() {
        let out = Err(ErrorKind::SampleRateOutOfRange);
        assert_eq!(rate("1"), Ok(1.0));
        assert_eq!(rate("1.0000"), Ok(1.0));
        assert_eq!(rate("10e-1"), Ok(1.0));
        assert_eq!(rate("0.5"), Ok(0.5));
        assert_eq!(rate("5e-1"), Ok(0.5));
        assert_eq!(rate("0.001e3"), Ok(1.0));
        assert_eq!(rate("1.0000000000000001"), out);
        assert_eq!(rate("1.5"), out);
        assert_eq!(rate("0.011e2"), out);
        assert_eq!(rate("0"), out);
        assert_eq!(rate("0.0"), out);
        assert_eq!(rate("-0.5"), out);
        assert_eq!(rate("1e-400"), out);
        assert_eq!(rate("5e-324"), Ok(5e-324));
        assert_eq!(rate("1e99999999999999999999"), out);
        assert_eq!(rate("1e-99999999999999999999"), out);
    }
}
