//! The bodies of the fuzz targets in `fuzz/fuzz_targets/`, as library functions
//! (feature `fuzzing`), so that stable builds type-check them and
//! `tests/fuzz_replay.rs` replays the committed seeds and regressions through
//! exactly the code the fuzzer runs. Every function panics on a broken
//! property; none of this is public API.
//!
//! | target | function |
//! |---|---|
//! | `parse_datagram_spec` | [`parse_datagram_spec`] |
//! | `parse_datagram_etsy` | [`parse_datagram_etsy`] |
//! | `parse_datagram_dogstatsd` | [`parse_datagram_dogstatsd`] (and [`check_messages`]) |
//! | `roundtrip_arbitrary` | [`roundtrip_arbitrary_bytes`] (inputs [`FuzzMetric`] and [`FuzzMessage`]) |
//! | `differential` | [`differential`] (against [`reference`](mod@reference)) |
//! | `fast_path` | [`fast_path`] (the parser's fast path against its full grammar) |
//!
//! [`replay`](mod@replay) runs committed inputs through them in `cargo test`.

pub mod flat;
mod messages;
pub mod reference;
pub mod replay;

pub use messages::{
    CheckParts, EventParts, FuzzMessage, MessageParts, MetricParts, SharedParts,
    check_encode_message, check_messages, parse_datagram_dogstatsd, reencode_message,
    roundtrip_message,
};

use std::fmt::{self, Write as _};

use arbitrary::{Arbitrary, Unstructured};

use crate::{
    Config, Dialect, EncodeError, EncodeErrorKind, Metric, MetricType, Number, ParseError, Value,
    parse_datagram as core_parse_datagram, parse_line,
};

/// The `max_line_len` of the second configuration every byte target also runs
/// with, so that `line_too_long` (and re-encoding past the limit) is reached by
/// short inputs.
pub const SMALL_MAX_LINE_LEN: usize = 16;

/// Decodes a fuzz input of an `Arbitrary` target exactly as `libfuzzer-sys`'s
/// `fuzz_target!` does: `None` (the target returns without running) when the
/// input is shorter than the type's minimal size or does not decode.
pub fn decode_like_libfuzzer<'a, T: Arbitrary<'a>>(data: &'a [u8]) -> Option<T> {
    if data.len() < T::size_hint(0).0 {
        return None;
    }
    T::arbitrary_take_rest(Unstructured::new(data)).ok()
}

/// Whether `inner` lies inside `outer` in memory (a pointer-range check: a
/// borrowed slice of the input, not a copy).
pub fn is_subslice(outer: &[u8], inner: &[u8]) -> bool {
    let outer = outer.as_ptr_range();
    let inner = inner.as_ptr_range();
    outer.start <= inner.start && inner.end <= outer.end
}

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// The metric's floats as bits, so that `-0.0` and `0.0` compare unequal.
fn strict_eq(a: &Metric<'_>, b: &Metric<'_>) -> bool {
    let value_eq = match (a.value, b.value) {
        (Value::Number(Number::Float(x)), Value::Number(Number::Float(y))) => {
            x.to_bits() == y.to_bits()
        }
        (x, y) => x == y,
    };
    value_eq && a.sample_rate.map(f64::to_bits) == b.sample_rate.map(f64::to_bits) && a == b
}

// ---------------------------------------------------------------------------
// parse_datagram_{spec,etsy}
// ---------------------------------------------------------------------------

/// Target `parse_datagram_spec`: [`parse_datagram`] in the `spec` dialect.
pub fn parse_datagram_spec(data: &[u8]) {
    parse_datagram(data, Dialect::Spec);
}

/// Target `parse_datagram_etsy`: [`parse_datagram`] in the `etsy` dialect.
pub fn parse_datagram_etsy(data: &[u8]) {
    parse_datagram(data, Dialect::Etsy);
}

/// Parses `data` as a datagram in `dialect` (with the default limits and with
/// [`SMALL_MAX_LINE_LEN`]) and checks, for every line:
///
/// - the iteration terminates (at most one result per input byte) and yields
///   one result per non-empty line, with the line's bytes, span and index right;
/// - `parse_datagram`, `.with_raw()` and `parse_line` on the line agree;
/// - an error's span lies inside its line (so `start <= end <= len`) and its line
///   index is the number of `\n` before it;
/// - an accepted metric's name (and set member) is a sub-slice of the input
///   (zero-copy), and the metric re-encodes (same config; a canonical form longer
///   than the limit only when the text grew) to a line that parses back to an
///   equal metric, whose encoding is the same bytes (a fixed point).
pub fn parse_datagram(data: &[u8], dialect: Dialect) {
    let default = Config::new(dialect);
    check_datagram(data, &default);
    check_datagram(data, &default.with_max_line_len(SMALL_MAX_LINE_LEN));
}

/// The checks of [`parse_datagram`] in one configuration.
pub fn check_datagram(data: &[u8], config: &Config) {
    let plain: Vec<_> = core_parse_datagram(data, config).collect();
    let raw: Vec<_> = core_parse_datagram(data, config).with_raw().collect();
    assert!(
        raw.len() <= data.len(),
        "{} results for {} bytes",
        raw.len(),
        data.len()
    );
    assert_eq!(plain.len(), raw.len(), "with_raw() yields as many lines");

    let strip_cr = config.dialect().strips_trailing_cr();
    let expected = data
        .split(|&b| b == b'\n')
        .filter(|l| !(l.is_empty() || strip_cr && *l == b"\r"))
        .count();
    assert_eq!(raw.len(), expected, "one result per non-empty line");

    let mut previous_end = None;
    // `\n`s before `counted_to`, counted incrementally (lines come in order).
    let (mut counted_to, mut newlines) = (0, 0);
    for ((line, result), plain_result) in raw.iter().zip(&plain) {
        assert_eq!(result, plain_result, "with_raw() gives the same result");
        let span = line.span;
        assert!(span.start <= span.end && span.end <= data.len(), "{span:?}");
        assert!(
            previous_end.is_none_or(|end| span.start > end),
            "lines in order"
        );
        previous_end = Some(span.end);
        assert!(core::ptr::eq(line.bytes, &data[span.start..span.end]));
        assert!(!line.bytes.is_empty() && !line.bytes.contains(&b'\n'));
        assert!(span.start == 0 || data[span.start - 1] == b'\n');
        assert!(span.end == data.len() || data[span.end] == b'\n');
        newlines += data[counted_to..span.start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = span.start;
        assert_eq!(line.index, newlines, "line index of {span:?}");

        let single = parse_line(line.bytes, config);
        match result {
            Err(e) => {
                let s = e.span();
                assert!(
                    span.start <= s.start && s.start <= s.end && s.end <= span.end,
                    "error span {s:?} outside its line {span:?}: {e:?}"
                );
                assert_eq!(e.line_index(), line.index, "{e:?}");
                let single = single.expect_err("parse_line rejects the line too");
                assert_eq!(single.kind(), e.kind());
                assert_eq!(single.span().shift(span.start), s);
                assert_eq!(single.line_index(), 0);
                assert!(!e.to_string().is_empty());
            }
            Ok(m) => {
                assert!(is_subslice(line.bytes, m.name.as_bytes()), "name copied");
                if let Value::Set(member) = m.value {
                    assert!(is_subslice(line.bytes, member.as_bytes()), "member copied");
                }
                let single = single.expect("parse_line accepts the line too");
                assert!(strict_eq(&single, m), "{single:?} != {m:?}");
                assert!(core::ptr::eq(single.name, m.name));
                assert!(!m.name.is_empty());
                assert!(
                    !m.name
                        .bytes()
                        .any(|b| b == b':' || b == b'|' || is_control(b))
                );
                reencode(m, config);
            }
        }
    }
}

/// Re-encodes a parsed metric and checks that it parses back to itself and that
/// its encoding is a fixed point. A rate outside `(0, 1]`, which the dogstatsd
/// dialect accepts with a warning, the encoder refuses: the metric is then
/// checked without it.
fn reencode(m: &Metric<'_>, config: &Config) {
    let mut out = Vec::new();
    let config = match m.encode(config, &mut out) {
        Ok(()) => *config,
        Err(e)
            if e.kind() == EncodeErrorKind::SampleRateOutOfRange
                && messages::lenient_rates(config)
                && !m.sample_rate.is_some_and(|r| r > 0.0 && r <= 1.0) =>
        {
            assert!(out.is_empty(), "a refused metric wrote {out:?}");
            let mut without = *m;
            without.sample_rate = None;
            return reencode(&without, config);
        }
        // The canonical form can be longer than the text it was parsed from
        // (`.5` -> `0.5`, `1e5` -> `100000.0`, `|@1e-300` -> 300 digits): past the
        // limit, the encoder rightly refuses; check the rest with room to spare.
        Err(e)
            if e.kind() == EncodeErrorKind::LineTooLong
                && m.encoded_len() > config.max_line_len() =>
        {
            assert!(out.is_empty(), "a refused metric wrote {out:?}");
            let roomy = config.with_max_line_len(usize::MAX);
            m.encode(&roomy, &mut out)
                .unwrap_or_else(|e| panic!("{m:?} does not re-encode: {e}"));
            roomy
        }
        Err(e) => panic!("accepted metric {m:?} does not re-encode: {e}"),
    };
    assert_eq!(out.len(), m.encoded_len(), "encoded_len of {m:?}");
    let back = parse_line(&out, &config).unwrap_or_else(|e| {
        panic!(
            "{m:?} re-encodes to {:?}, which does not parse: {e}",
            String::from_utf8_lossy(&out)
        )
    });
    assert_eq!(
        back,
        *m,
        "{m:?} re-encodes to {:?}, which parses to {back:?}",
        String::from_utf8_lossy(&out)
    );
    assert!(is_subslice(&out, back.name.as_bytes()));
    let mut again = Vec::new();
    back.encode(&config, &mut again)
        .unwrap_or_else(|e| panic!("{back:?} does not re-encode: {e}"));
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&out),
        "the canonical encoding of {m:?} is not a fixed point"
    );
}

// ---------------------------------------------------------------------------
// roundtrip_arbitrary
// ---------------------------------------------------------------------------

/// The input of [`roundtrip_arbitrary`]: a metric built to be valid, or any
/// metric of the data model.
#[derive(Clone, Debug, Arbitrary)]
pub enum FuzzMetric<'a> {
    /// Parts from which a metric valid in each dialect is built.
    Valid(ValidParts<'a>),
    /// Any metric, straight from the data model's `Arbitrary` (mostly invalid).
    Any(Metric<'a>),
}

/// The parts of a metric that is valid by construction in a given dialect: the
/// texts are cleaned up, the type, value and rate mapped into what the dialect
/// allows.
#[derive(Clone, Debug, Arbitrary)]
pub struct ValidParts<'a> {
    /// The name (`:`, `|` and control characters become `_`; empty becomes `m`).
    pub name: &'a str,
    /// Picks one of the dialect's types.
    pub kind: u8,
    /// The value of a numeric type, mapped into the type's range.
    pub number: FuzzNumber,
    /// The member of a set, cleaned up like the name.
    pub member: &'a str,
    /// The sample rate, mapped into `(0, 1]` (dropped where the dialect has none).
    pub rate: Option<FuzzRate>,
    /// A gauge delta (where the dialect has them).
    pub delta: bool,
}

/// A number to map into a range.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum FuzzNumber {
    /// Any `u64`.
    Int(u64),
    /// Any `i64`.
    Neg(i64),
    /// Any `f64`.
    Float(f64),
    /// One of [`EDGE_NUMBERS`].
    Edge(u8),
}

/// A sample rate to map into `(0, 1]`.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum FuzzRate {
    /// Any `f64`.
    Float(f64),
    /// The ratio of the smaller to the larger.
    Ratio(u32, u32),
    /// One of [`EDGE_RATES`].
    Edge(u8),
}

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// Values at the edges of the ranges and of the float formatting.
pub const EDGE_NUMBERS: &[Number] = &[
    Number::PosInt(0),
    Number::PosInt(1),
    Number::PosInt((1 << 53) - 1),
    Number::PosInt(1 << 53),
    Number::PosInt((1 << 53) + 1),
    Number::PosInt(i64::MAX as u64),
    Number::PosInt(i64::MAX as u64 + 1),
    Number::PosInt(u64::MAX),
    Number::NegInt(-1),
    Number::NegInt(-i64::MAX),
    Number::NegInt(i64::MIN),
    Number::Float(0.0),
    Number::Float(-0.0),
    Number::Float(1.0),
    Number::Float(-1.5),
    Number::Float(0.1),
    Number::Float(1e-7),
    Number::Float(1e21),
    Number::Float(1e15),
    Number::Float(123_456_789_012_345_680_000.0),
    Number::Float(5e-324),
    Number::Float(-5e-324),
    Number::Float(f64::MIN_POSITIVE),
    Number::Float(18_446_744_073_709_549_568.0),
    Number::Float(TWO_POW_64),
    Number::Float(9_223_372_036_854_774_784.0),
    Number::Float(-9_223_372_036_854_774_784.0),
    Number::Float(TWO_POW_63),
    Number::Float(-TWO_POW_63),
    Number::Float(f64::NAN),
    Number::Float(f64::INFINITY),
];

/// Rates at the edges of `(0, 1]` and of the rate formatting.
pub const EDGE_RATES: &[f64] = &[
    1.0,
    0.5,
    0.1,
    0.001,
    1e-7,
    1.5e-7,
    1e-300,
    5e-324,
    f64::MIN_POSITIVE,
    1.0 - f64::EPSILON / 2.0,
    0.300_000_000_000_000_04,
    0.0,
    -0.5,
    1.000_000_000_000_000_2,
    f64::NAN,
];

fn in_range(n: Number, signed: bool) -> bool {
    match (n, signed) {
        (Number::PosInt(v), true) => v <= i64::MAX as u64,
        (Number::PosInt(_), false) => true,
        (Number::NegInt(v), true) => v != i64::MIN,
        (Number::NegInt(_), false) => false,
        (Number::Float(v), true) => v > -TWO_POW_63 && v < TWO_POW_63,
        (Number::Float(v), false) => (0.0..TWO_POW_64).contains(&v),
    }
}

impl FuzzNumber {
    /// The number, in the counter range when `signed`, else in `[0, 2^64)`.
    pub fn to_number(self, signed: bool) -> Number {
        let n = match self {
            FuzzNumber::Int(v) if signed => Number::PosInt(v & i64::MAX as u64),
            FuzzNumber::Int(v) => Number::PosInt(v),
            FuzzNumber::Neg(v) if signed => Number::from_i64(v.max(-i64::MAX)),
            FuzzNumber::Neg(v) => Number::PosInt(v.unsigned_abs()),
            FuzzNumber::Float(v) if !v.is_finite() => Number::Float(0.5),
            FuzzNumber::Float(v) if signed => Number::Float(v % TWO_POW_63),
            FuzzNumber::Float(v) => Number::Float((v % TWO_POW_64).abs()),
            FuzzNumber::Edge(i) => EDGE_NUMBERS[usize::from(i) % EDGE_NUMBERS.len()],
        };
        if in_range(n, signed) {
            n
        } else {
            Number::PosInt(1)
        }
    }
}

impl FuzzRate {
    /// The rate, in `(0, 1]`.
    pub fn to_rate(self) -> f64 {
        let r = match self {
            FuzzRate::Float(v) if v > 0.0 && v <= 1.0 => v,
            FuzzRate::Float(v) => (v % 1.0).abs(),
            FuzzRate::Ratio(a, b) => f64::from(a.min(b)) / f64::from(a.max(b)),
            FuzzRate::Edge(i) => EDGE_RATES[usize::from(i) % EDGE_RATES.len()],
        };
        if r > 0.0 && r <= 1.0 { r } else { 1.0 }
    }
}

/// `text` with `:`, `|` and control characters replaced by `_`; `fallback` when
/// empty.
fn clean(text: &str, fallback: &str) -> String {
    if text.is_empty() {
        return fallback.into();
    }
    text.chars()
        .map(|c| match c {
            ':' | '|' | '\0'..='\x1f' | '\x7f' => '_',
            c => c,
        })
        .collect()
}

impl ValidParts<'_> {
    /// The cleaned-up name and member. A name starting `_e{` (which DogStatsD
    /// reads as an event, so every encoder refuses it there) becomes `_e_`;
    /// `_sc|` cannot occur once `|` is replaced.
    pub fn texts(&self) -> (String, String) {
        let mut name = clean(self.name, "m");
        if name.starts_with("_e{") {
            name.replace_range(2..3, "_");
        }
        (name, clean(self.member, "x"))
    }

    /// The metric, valid in `dialect` (but for its length), borrowing the texts
    /// from [`texts`](ValidParts::texts).
    pub fn build<'t>(&self, dialect: Dialect, name: &'t str, member: &'t str) -> Metric<'t> {
        let kinds: Vec<MetricType> = MetricType::ALL
            .iter()
            .copied()
            .filter(|&t| dialect.supports(t))
            .collect();
        let kind = kinds[usize::from(self.kind) % kinds.len()];
        let delta = self.delta && kind == MetricType::Gauge && dialect.has_gauge_deltas();
        let mut m = if kind == MetricType::Set {
            Metric::set(name, member)
        } else {
            let number = self.number.to_number(kind.is_signed() || delta);
            Metric::new(name, kind, number)
        };
        m.delta = delta;
        if dialect.allows_sample_rate(kind) {
            m.sample_rate = self.rate.map(FuzzRate::to_rate);
        }
        m
    }
}

/// Target `roundtrip_arbitrary`, on the raw fuzz input: the input decoded (as
/// [`decode_like_libfuzzer`] does) as a [`FuzzMetric`] for
/// [`roundtrip_arbitrary`], and the same bytes decoded again as a
/// [`FuzzMessage`] for [`roundtrip_message`] (so the inputs committed before
/// the message half existed still decode to the same metric).
pub fn roundtrip_arbitrary_bytes(data: &[u8]) {
    if let Some(input) = decode_like_libfuzzer::<FuzzMetric<'_>>(data) {
        roundtrip_arbitrary(input);
    }
    if let Some(input) = decode_like_libfuzzer::<FuzzMessage<'_>>(data) {
        roundtrip_message(input);
    }
}

/// Target `roundtrip_arbitrary`: for every dialect, a metric that `validate`
/// accepts encodes (through `encode`, `encode_to_slice`, `write_to` and
/// `Display`, all to the same `encoded_len()` bytes) to a line that parses back
/// to an equal metric (and encodes to the same bytes again); a metric that
/// `validate` refuses, every encoder refuses with the same error, writing
/// nothing. A [`FuzzMetric::Valid`] metric must be accepted in the dialect it
/// was built for (unless its line is too long).
pub fn roundtrip_arbitrary(input: FuzzMetric<'_>) {
    match input {
        FuzzMetric::Any(m) => {
            for &dialect in Dialect::ALL {
                check_encode(&m, &Config::new(dialect));
            }
        }
        FuzzMetric::Valid(parts) => {
            let (name, member) = parts.texts();
            for &built_for in Dialect::ALL {
                let m = parts.build(built_for, &name, &member);
                let config = Config::new(built_for);
                match m.validate(&config) {
                    Ok(()) => {}
                    Err(e)
                        if e.kind() == EncodeErrorKind::LineTooLong
                            && m.encoded_len() > config.max_line_len() => {}
                    Err(e) => panic!("{m:?}, built valid for {built_for}, is refused: {e}"),
                }
                for &dialect in Dialect::ALL {
                    check_encode(&m, &Config::new(dialect));
                    check_encode(
                        &m,
                        &Config::new(dialect).with_max_line_len(SMALL_MAX_LINE_LEN),
                    );
                }
            }
        }
    }
}

/// The public encoders every kind of message has (`encoding_methods!` in
/// `encode.rs`), for [`check_encoders`].
pub(crate) trait Encoders: fmt::Debug + fmt::Display {
    fn validate(&self, config: &Config) -> Result<(), EncodeError>;
    fn encoded_len(&self) -> usize;
    fn encode(&self, config: &Config, out: &mut Vec<u8>) -> Result<(), EncodeError>;
    fn encode_to_slice(&self, config: &Config, buf: &mut [u8]) -> Result<usize, EncodeError>;
    fn write_to(&self, config: &Config, w: &mut String) -> Result<(), EncodeError>;
}

macro_rules! encoders {
    ($($t:ty),*) => {$(
        impl Encoders for $t {
            fn validate(&self, config: &Config) -> Result<(), EncodeError> {
                <$t>::validate(self, config)
            }
            fn encoded_len(&self) -> usize {
                <$t>::encoded_len(self)
            }
            fn encode(&self, config: &Config, out: &mut Vec<u8>) -> Result<(), EncodeError> {
                <$t>::encode(self, config, out)
            }
            fn encode_to_slice(&self, config: &Config, buf: &mut [u8]) -> Result<usize, EncodeError> {
                <$t>::encode_to_slice(self, config, buf)
            }
            fn write_to(&self, config: &Config, w: &mut String) -> Result<(), EncodeError> {
                <$t>::write_to(self, config, w)
            }
        }
    )*};
}
encoders!(Metric<'_>, crate::Message<'_>);

/// What `encode` wrote before the message, in [`check_encoders`].
pub(crate) const ENCODE_PREFIX: &[u8] = b"before\n";

/// The encoders of `m` (a metric or a message, `what`) in one configuration:
/// if `validate` accepts, `encode` (after [`ENCODE_PREFIX`] in `out`),
/// `encode_to_slice`, `write_to` and `Display` write the same `encoded_len()`
/// bytes, within the line limit, and a buffer one byte short is
/// `BufferTooSmall`; if `validate` refuses, every encoder refuses with the same
/// error, writing nothing. `out` is left holding what `encode` wrote; the
/// result is `validate`'s.
pub(crate) fn check_encoders<M: Encoders>(
    m: &M,
    config: &Config,
    what: &str,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    out.clear();
    out.extend_from_slice(ENCODE_PREFIX);
    let verdict = m.validate(config);
    let encoded = m.encode(config, out);
    let mut text = String::new();
    let written = m.write_to(config, &mut text);
    let mut buf = vec![0u8; m.encoded_len().min(1 << 16) + 1];
    let sliced = m.encode_to_slice(config, &mut buf);
    let dialect = config.dialect();
    match verdict {
        Ok(()) => {
            encoded.unwrap_or_else(|e| panic!("{m:?} validates in {dialect} but encode: {e}"));
            let bytes = &out[ENCODE_PREFIX.len()..];
            let shown = String::from_utf8_lossy(bytes);
            assert_eq!(bytes.len(), m.encoded_len(), "encoded_len of {shown:?}");
            assert!(bytes.len() <= config.max_line_len());
            written.unwrap_or_else(|e| panic!("{m:?}: write_to: {e}"));
            assert_eq!(text.as_bytes(), bytes, "write_to");
            let n = sliced.unwrap_or_else(|e| panic!("{m:?}: encode_to_slice: {e}"));
            assert_eq!(&buf[..n], bytes, "encode_to_slice");
            if let Some(short) = buf.get_mut(..n - 1) {
                let e = m
                    .encode_to_slice(config, short)
                    .expect_err("a short buffer");
                assert_eq!(e.kind(), EncodeErrorKind::BufferTooSmall);
            }
            let mut shown_by_display = String::new();
            write!(shown_by_display, "{m}").unwrap_or_else(|_| panic!("Display of a valid {what}"));
            assert_eq!(shown_by_display.as_bytes(), bytes, "Display");
        }
        Err(refused) => {
            let e = encoded.expect_err("validate refuses, so must encode");
            assert_eq!(e.kind(), refused.kind(), "{m:?} in {dialect}");
            assert_eq!(out, ENCODE_PREFIX, "encode wrote a refused {what} {m:?}");
            let e = written.expect_err("validate refuses, so must write_to");
            assert_eq!(e.kind(), refused.kind());
            assert!(text.is_empty(), "write_to wrote a refused {what} {m:?}");
            let e = sliced.expect_err("validate refuses, so must encode_to_slice");
            assert!(
                e.kind() == refused.kind() || e.kind() == EncodeErrorKind::BufferTooSmall,
                "{e:?} != {refused:?}"
            );
        }
    }
    verdict
}

fn check_encode(m: &Metric<'_>, config: &Config) {
    let mut out = Vec::new();
    if check_encoders(m, config, "metric", &mut out).is_err() {
        return;
    }
    let bytes = &out[ENCODE_PREFIX.len()..];
    let shown = String::from_utf8_lossy(bytes);
    let dialect = config.dialect();
    let back = parse_line(bytes, config)
        .unwrap_or_else(|e| panic!("{m:?} encodes to {shown:?} in {dialect}: {e}"));
    assert_eq!(
        back, *m,
        "{m:?} encodes to {shown:?}, read back in {dialect} as {back:?}"
    );
    assert!(is_subslice(bytes, back.name.as_bytes()));
    let mut again = Vec::new();
    back.encode(config, &mut again)
        .unwrap_or_else(|e| panic!("{back:?}: {e}"));
    assert_eq!(again, bytes, "{shown:?} is not a fixed point in {dialect}");
    let all: Vec<Result<Metric<'_>, ParseError>> = core_parse_datagram(bytes, config).collect();
    assert_eq!(all, [Ok(back)], "{shown:?} as a datagram");
}

// ---------------------------------------------------------------------------
// differential
// ---------------------------------------------------------------------------

/// Target `differential`: the core parser and [`reference`](mod@reference) (a second, simple
/// parser) must agree on every line of `data`, in every dialect, with the
/// default limits and with [`SMALL_MAX_LINE_LEN`]: the same accept/reject, the
/// same error kind, span and line, the same metric (floats bit for bit). The
/// whole input as one line through `parse_line` too. In the dogstatsd
/// dialect, [`differential_messages`].
pub fn differential(data: &[u8]) {
    for &dialect in Dialect::ALL.iter().filter(|&&d| reference::supports(d)) {
        for config in [
            Config::new(dialect),
            Config::new(dialect).with_max_line_len(SMALL_MAX_LINE_LEN),
        ] {
            if reference::has_messages(dialect) {
                differential_messages(data, &config);
                continue;
            }
            let core: Vec<_> = core_parse_datagram(data, &config).collect();
            let reference = reference::parse_datagram(data, &config);
            assert_eq!(
                core.len(),
                reference.len(),
                "{dialect}: the parsers frame {:?} differently",
                String::from_utf8_lossy(data)
            );
            for (c, r) in core.iter().zip(&reference) {
                agree(c, r, &config, data);
            }
            let c = parse_line(data, &config);
            let r = reference::parse_line(data, &config);
            agree(&c, &r, &config, data);
        }
    }
}

fn agree(
    core: &Result<Metric<'_>, ParseError>,
    reference: &Result<Metric<'_>, ParseError>,
    config: &Config,
    data: &[u8],
) {
    let same = match (core, reference) {
        (Ok(c), Ok(r)) => strict_eq(c, r),
        (Err(c), Err(r)) => c == r,
        _ => false,
    };
    assert!(
        same,
        "{} (max_line_len {}), input {:?}:\n      core: {core:?}\n reference: {reference:?}",
        config.dialect(),
        config.max_line_len(),
        String::from_utf8_lossy(data),
    );
}

/// The dogstatsd half of [`differential`]: `parse_messages` (every message
/// kind, with its warnings) and the metrics-only `parse_datagram` against the
/// reference's [`parse_messages`](reference::parse_messages), line by line, as
/// plain data ([`Flat`](flat::Flat): every field, every tag, every packed value
/// and unescaped text, floats bit for bit, warnings with their spans); the
/// whole input as one line through `parse_message` and `parse_line` too.
pub fn differential_messages(data: &[u8], config: &Config) {
    use flat::Flat;
    let show = |c: &dyn core::fmt::Debug, r: &dyn core::fmt::Debug, what: &str| {
        format!(
            "{what} in {} (max_line_len {}), input {:?}:\n      core: {c:?}\n reference: {r:?}",
            config.dialect(),
            config.max_line_len(),
            String::from_utf8_lossy(data)
        )
    };
    let core: Vec<_> = crate::parse_messages(data, config)
        .map(|r| r.map(|p| Flat::of_message(&p.message, &p.warnings)))
        .collect();
    let reference = reference::parse_messages(data, config, false);
    assert_eq!(
        core.len(),
        reference.len(),
        "{}",
        show(&core, &reference, "framing")
    );
    for (c, r) in core.iter().zip(&reference) {
        assert!(c == r, "{}", show(c, r, "parse_messages"));
    }
    let core: Vec<_> = core_parse_datagram(data, config)
        .map(|r| r.map(|m| Flat::of_metric(&m)))
        .collect();
    let reference = reference::parse_messages(data, config, true);
    assert_eq!(
        core.len(),
        reference.len(),
        "{}",
        show(&core, &reference, "framing")
    );
    for (c, r) in core.iter().zip(&reference) {
        assert!(c == r, "{}", show(c, r, "parse_datagram"));
    }
    let c = crate::parse_message(data, config).map(|p| Flat::of_message(&p.message, &p.warnings));
    let r = reference::parse_message(data, config, false);
    assert!(c == r, "{}", show(&c, &r, "parse_message"));
    let c = parse_line(data, config).map(|m| Flat::of_metric(&m));
    let r = reference::parse_message(data, config, true);
    assert!(c == r, "{}", show(&c, &r, "parse_line"));
}

// ---------------------------------------------------------------------------
// fast_path
// ---------------------------------------------------------------------------

/// Target `fast_path`: in every dialect (with the default limits: the length
/// check comes before the fast path, which never sees a line too long), parsing through the fast path for common lines (then
/// the full grammar when it is not sure) gives exactly what the full grammar
/// alone gives: `parse_datagram` (the same results, metrics floats bit for
/// bit, the same errors) and `parse_messages` (the same messages, warnings and
/// raw lines); the whole input as one line through `parse_line` and
/// `parse_message` too.
pub fn fast_path(data: &[u8]) {
    for &dialect in Dialect::ALL {
        check_fast_path(data, &Config::new(dialect));
    }
}

/// Whether the fast path reads `line` (as a metric, without the full grammar)
/// in some dialect: for tests that the fast path is exercised at all.
pub fn fast_path_accepts(line: &[u8]) -> bool {
    Dialect::ALL
        .iter()
        .any(|&d| crate::parse::fast_path_accepts(line, &Config::new(d)))
}

/// The checks of [`fast_path`] in one configuration.
pub fn check_fast_path(data: &[u8], config: &Config) {
    let show = |what: &str| {
        format!(
            "{what}: fast path and grammar differ in {} (max_line_len {}), input {:?}",
            config.dialect(),
            config.max_line_len(),
            String::from_utf8_lossy(data)
        )
    };
    let same =
        |fast: &Result<Metric<'_>, ParseError>, grammar: &Result<Metric<'_>, ParseError>| match (
            fast, grammar,
        ) {
            (Ok(f), Ok(g)) => strict_eq(f, g) && core::ptr::eq(f.name, g.name),
            (Err(f), Err(g)) => f == g,
            _ => false,
        };
    let mut fast = core_parse_datagram(data, config);
    let mut grammar = core_parse_datagram(data, config).grammar_only();
    loop {
        match (fast.next(), grammar.next()) {
            (None, None) => break,
            (Some(f), Some(g)) => {
                assert!(same(&f, &g), "{}:\n{f:?}\n{g:?}", show("parse_datagram"))
            }
            (f, g) => panic!("{}: {f:?} vs {g:?}", show("parse_datagram framing")),
        }
    }
    let mut fast = crate::parse_messages(data, config);
    let mut grammar = crate::parse_messages(data, config).grammar_only();
    loop {
        match (fast.next(), grammar.next()) {
            (None, None) => break,
            (Some(f), Some(g)) => {
                let ok = match (&f, &g) {
                    (Ok(f), Ok(g)) => {
                        f == g
                            && match (f.message, g.message) {
                                (crate::Message::Metric(fm), crate::Message::Metric(gm)) => {
                                    strict_eq(&fm, &gm)
                                }
                                _ => true,
                            }
                    }
                    (Err(f), Err(g)) => f == g,
                    _ => false,
                };
                assert!(ok, "{}:\n{f:?}\n{g:?}", show("parse_messages"));
            }
            (f, g) => panic!("{}: {f:?} vs {g:?}", show("parse_messages framing")),
        }
    }
    // A whole input without `\n` is one line: `parse_line` and `parse_message`
    // take the fast path too (the grammar-only datagram above is the reference).
    if !data.contains(&b'\n') {
        let line = parse_line(data, config);
        let grammar = core_parse_datagram(data, config).grammar_only().next();
        match grammar {
            Some(g) => assert!(same(&line, &g), "{}:\n{line:?}\n{g:?}", show("parse_line")),
            None => assert!(line.is_err(), "{}", show("parse_line of an empty line")),
        }
        let message = crate::parse_message(data, config);
        let grammar = crate::parse_messages(data, config).grammar_only().next();
        if let Some(g) = grammar {
            let ok = match (&message, &g) {
                (Ok(m), Ok(g)) => m.message == g.message && m.warnings == g.warnings,
                (Err(m), Err(g)) => m == g,
                _ => false,
            };
            assert!(ok, "{}:\n{message:?}\n{g:?}", show("parse_message"));
        }
    }
}
