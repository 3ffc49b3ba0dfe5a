//! The fast path of [`Metric::encode`](crate::Metric::encode): the common shape
//! (one number, at most a sample rate, no other field) validated and written in
//! one pass, with no per-piece bookkeeping.
//!
//! The dialect's [`Rules`] are folded once, at compile time, into a
//! [`FastRules`] of bit masks (one per dialect, selected by the dialect's
//! index): the rules stay data. The line is built in a stack buffer: the name
//! checked and copied eight bytes at a time, then `:`, the sign, the number,
//! `|`, the type code and `|@<rate>`; the buffer is appended with one copy, so
//! the vector's bookkeeping runs once a line. Anything this path does not
//! handle, or would refuse, makes it
//! return `false` with nothing appended: the general path (`check` then the
//! writers) then encodes the metric or reports the exact error. So the fast
//! path accepts only what `check` accepts and writes what `write_canonical`
//! writes, piece by piece (the unit tests below and the fuzz target compare
//! the two).

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use crate::config::{Config, Dialect, Rules, ValueRange};
use crate::metric::{Metric, MetricType, Number, Value};
use crate::parse::number::{Range, number_in_range};

use super::short_decimal;

/// A dialect's rules as the fast path reads them.
#[derive(Clone, Copy)]
struct FastRules {
    /// Bit `kind as u8` set for each type the dialect has (sets left out: a set
    /// never holds a number).
    types: u8,
    /// Bit `kind as u8` set for each type that may carry a rate.
    rate_types: u8,
    /// Gauge deltas.
    gauge_deltas: bool,
    /// [`ValueRange::Any`].
    any_value: bool,
    /// A name may not start with `_e{` (it would read back as an event).
    event_prefix_reserved: bool,
}

const fn type_mask(types: &[MetricType]) -> u8 {
    let mut mask = 0u8;
    let mut i = 0;
    while i < types.len() {
        if !matches!(types[i], MetricType::Set) {
            mask |= 1 << types[i] as u8;
        }
        i += 1;
    }
    mask
}

const fn fast_rules(dialect: Dialect) -> FastRules {
    let rules: &Rules = dialect.rules();
    FastRules {
        types: type_mask(rules.types),
        rate_types: type_mask(rules.sample_rate_types),
        gauge_deltas: rules.gauge_deltas,
        any_value: matches!(rules.value_range, ValueRange::Any),
        event_prefix_reserved: rules.dogstatsd_fields,
    }
}

const FAST_RULES: [FastRules; 3] = [
    fast_rules(Dialect::Spec),
    fast_rules(Dialect::Etsy),
    fast_rules(Dialect::DogStatsd),
];

// `FAST_RULES` is indexed by the dialect's discriminant.
const _: () = {
    assert!(Dialect::Spec as usize == 0);
    assert!(Dialect::Etsy as usize == 1);
    assert!(Dialect::DogStatsd as usize == 2);
    assert!(Dialect::ALL.len() == FAST_RULES.len());
};

/// The stack buffer a line is built in: a name of at most [`SHORT_NAME`]
/// bytes and everything after it (at most [`MAX_TAIL`] bytes).
const LINE: usize = 96;

/// The longest text after the name: `:`, a sign, 20 digits (a short float
/// has at most 15 digits, `.` and `0`), `|`, a two-byte code, `|@` and a rate
/// of the fast path (`1`, or `0.` and at most four places).
const MAX_TAIL: usize = 1 + 1 + 20 + 1 + 2 + 2 + 6;

/// The longest name built in the line buffer; a longer one is checked and
/// appended on its own.
const SHORT_NAME: usize = LINE - MAX_TAIL;

/// `|` and each type's code ([`MetricType::code`]), padded to three bytes,
/// and their length, indexed by the type's discriminant.
const CODES: [([u8; 3], usize); MetricType::ALL.len()] = {
    const fn entry(kind: MetricType) -> ([u8; 3], usize) {
        let code = kind.code().as_bytes();
        let second = if code.len() > 1 { code[1] } else { b' ' };
        ([b'|', code[0], second], 1 + code.len())
    }
    let all = MetricType::ALL;
    // A new type stops this match compiling: it must be added to `ALL` too
    // (the last type's discriminant is then checked against its length).
    match all[0] {
        MetricType::Counter
        | MetricType::Gauge
        | MetricType::Timer
        | MetricType::Histogram
        | MetricType::Meter
        | MetricType::Set
        | MetricType::Distribution => {}
    }
    assert!(MetricType::Distribution as usize + 1 == all.len());
    let mut table = [([0u8; 3], 0usize); MetricType::ALL.len()];
    let mut i = 0;
    while i < all.len() {
        // Indexed by the discriminant: `ALL` lists the types in its order.
        assert!(all[i] as usize == i && all[i].code().len() <= 2);
        table[i] = entry(all[i]);
        i += 1;
    }
    table
};

/// `00`, `01`, ... `99`.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes the `len` decimal digits of `v` (zero-padded on the left) ending at
/// `end`.
#[inline]
fn write_digits(buf: &mut [u8], mut end: usize, mut v: u64, len: usize) {
    let start = end - len;
    while end >= start + 2 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        end -= 2;
        buf[end..end + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if end > start {
        buf[start] = b'0' + (v % 10) as u8;
    }
}

/// Writes `v` in decimal at `pos`; returns the position after it.
#[inline(always)]
fn write_u64(buf: &mut [u8], pos: usize, v: u64) -> usize {
    if v < 10_000 {
        return write_below_10k(buf, pos, v);
    }
    if v < 100_000_000 {
        let pos = write_below_10k(buf, pos, v / 10_000);
        write_places(buf, pos, v % 10_000, 4);
        return pos + 4;
    }
    let len = v.ilog10() as usize + 1;
    write_digits(buf, pos + len, v, len);
    pos + len
}

/// Writes the two digits of `v` (below 100) at `pos`.
#[inline(always)]
fn write_pair(buf: &mut [u8], pos: usize, v: u64) {
    let pair = v as usize * 2;
    buf[pos..pos + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
}

/// Writes `v` (below 10,000) in decimal at `pos`; returns the position after
/// it.
#[inline(always)]
fn write_below_10k(buf: &mut [u8], pos: usize, v: u64) -> usize {
    if v < 10 {
        buf[pos] = b'0' + v as u8;
        return pos + 1;
    }
    if v < 100 {
        write_pair(buf, pos, v);
        return pos + 2;
    }
    let (high, low) = (v / 100, v % 100);
    if v < 1_000 {
        buf[pos] = b'0' + high as u8;
        write_pair(buf, pos + 1, low);
        return pos + 3;
    }
    write_pair(buf, pos, high);
    write_pair(buf, pos + 2, low);
    pos + 4
}

/// Writes the `places` (1 to 4) decimal digits of `v` (below `10^places`),
/// zero-padded on the left, at `pos`.
#[inline(always)]
fn write_places(buf: &mut [u8], pos: usize, v: u64, places: usize) {
    match places {
        1 => buf[pos] = b'0' + v as u8,
        2 => write_pair(buf, pos, v),
        3 => {
            buf[pos] = b'0' + (v / 100) as u8;
            write_pair(buf, pos + 1, v % 100);
        }
        _ => {
            write_pair(buf, pos, v / 100);
            write_pair(buf, pos + 2, v % 100);
        }
    }
}

/// Writes `m / 10^places` (`places` in `1..=4`) as `<int>.<places digits>`
/// at `pos`; returns the position after it.
#[inline(always)]
fn write_scaled(buf: &mut [u8], pos: usize, m: u64, places: usize) -> usize {
    let p = short_decimal::POW10[places];
    let pos = write_u64(buf, pos, m / p);
    buf[pos] = b'.';
    write_places(buf, pos + 1, m % p, places);
    pos + 1 + places
}

/// Writes a finite float as `ryu` does when [`short_decimal::scaled`] finds
/// it short; `None` (to fall back on the general path) otherwise.
#[inline]
fn write_float(buf: &mut [u8], mut pos: usize, v: f64) -> Option<usize> {
    let negative = v.is_sign_negative();
    let (k, m) = short_decimal::scaled(if negative { -v } else { v })?;
    if negative {
        buf[pos] = b'-';
        pos += 1;
    }
    Some(if k == 0 {
        // An integer is written with one place, `.0`.
        let pos = write_u64(buf, pos, m);
        buf[pos..pos + 2].copy_from_slice(b".0");
        pos + 2
    } else {
        write_scaled(buf, pos, m, k)
    })
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// For a word of ASCII bytes (no high bit set): nonzero in a byte's high bit
/// (after `& HIGHS`) if a byte is `:`, `|` or a control character, and only
/// then or for `}` and `~` (which share `|`'s test with DEL: a byte in
/// `0x7c..=0x7f`); the caller checks such a name again byte-exactly. Each
/// test subtracts from a byte below 0x80 that it does not flag without
/// reaching 0x80, and a byte that it flags borrows from the one above it
/// (flagging at most bytes above a true hit). The other bits are noise: the
/// caller ORs the words of a name together and masks once.
#[inline(always)]
fn ascii_stops(x: u64) -> u64 {
    (x ^ (ONES * b':' as u64)).wrapping_sub(ONES)
        | (x ^ (ONES * b'|' as u64)).wrapping_sub(ONES * 4)
        | x.wrapping_sub(ONES * 0x20)
}

#[inline]
fn is_stop(b: u8) -> bool {
    b < 0x20 || b == 0x7f || b == b':' || b == b'|'
}

#[inline(always)]
fn word(chunk: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    u64::from_le_bytes(w)
}

/// The stop bits of two words (see [`ascii_stops`]), with the words' own high
/// bits: after `& HIGHS`, nonzero iff a byte is a stop or not ASCII. Two
/// independent lanes, which the compiler keeps in one vector register.
#[inline(always)]
fn stops_pair(x: [u64; 2]) -> [u64; 2] {
    [x[0] | ascii_stops(x[0]), x[1] | ascii_stops(x[1])]
}

/// [`stops_pair`] of 16 bytes.
#[inline(always)]
fn stops16(bytes: &[u8]) -> [u64; 2] {
    stops_pair([word(&bytes[..8]), word(&bytes[8..16])])
}

/// Copies `name` (at most `buf.len()` bytes) to the start of `buf` when it
/// holds no `:`, `|` or control character; `false` otherwise.
///
/// Sixteen bytes a step (the last step overlapping the one before); a name
/// with a byte from 0x80 (UTF-8), where the word tests do not hold, or one the
/// tests flag is checked again byte-exactly.
#[inline(always)]
fn copy_name(buf: &mut [u8], name: &[u8]) -> bool {
    let len = name.len();
    if len < 8 {
        for (dst, &b) in buf.iter_mut().zip(name) {
            if is_stop(b) {
                return false;
            }
            *dst = b;
        }
        return true;
    }
    let mut seen = [0u64; 2];
    if len < 16 {
        let x = [word(&name[..8]), word(&name[len - 8..])];
        seen = stops_pair(x);
        buf[..8].copy_from_slice(&x[0].to_le_bytes());
        buf[len - 8..len].copy_from_slice(&x[1].to_le_bytes());
    } else {
        let mut at = 0;
        while at + 16 <= len {
            let s = stops16(&name[at..at + 16]);
            seen = [seen[0] | s[0], seen[1] | s[1]];
            buf[at..at + 16].copy_from_slice(&name[at..at + 16]);
            at += 16;
        }
        if at < len {
            let at = len - 16;
            let s = stops16(&name[at..]);
            seen = [seen[0] | s[0], seen[1] | s[1]];
            buf[at..len].copy_from_slice(&name[at..]);
        }
    }
    if (seen[0] | seen[1]) & HIGHS != 0 {
        return crate::bytes::first_name_stop(name).is_none();
    }
    true
}

/// Writes everything after the name (`:`, the value, `|`, the type code,
/// `|@<rate>`) at `pos`; returns the position after it, or `None` when the
/// general path must decide.
#[inline(always)]
fn write_tail(
    buf: &mut [u8],
    mut pos: usize,
    m: &Metric<'_>,
    n: Number,
    rules: &FastRules,
) -> Option<usize> {
    buf[pos] = b':';
    pos += 1;
    if m.delta && !n.is_sign_negative() {
        buf[pos] = b'+';
        pos += 1;
    }
    pos = match n {
        Number::PosInt(v) => write_u64(buf, pos, v),
        Number::NegInt(v) => {
            buf[pos] = b'-';
            write_u64(buf, pos + 1, v.unsigned_abs())
        }
        // Outside a delta the sign of a zero carries nothing.
        Number::Float(v) if v == 0.0 && !m.delta => {
            buf[pos..pos + 3].copy_from_slice(b"0.0");
            pos + 3
        }
        Number::Float(v) => write_float(buf, pos, v)?,
    };
    // `|` and the code: three bytes written, the length kept.
    let (code, len) = CODES[m.kind as usize];
    buf[pos..pos + 3].copy_from_slice(&code);
    pos += len;
    if let Some(rate) = m.sample_rate {
        if rules.rate_types & (1 << m.kind as u8) == 0 {
            return None;
        }
        buf[pos..pos + 2].copy_from_slice(b"|@");
        pos += 2;
        if rate == 1.0 {
            buf[pos] = b'1';
            pos += 1;
        } else if rate > 0.0 && rate < 1.0 {
            // Below 1: `0.<digits>`, at most four places.
            match short_decimal::scaled(rate) {
                Some((k, m)) if k > 0 => pos = write_scaled(buf, pos, m, k),
                _ => return None,
            }
        } else {
            return None;
        }
    }
    Some(pos)
}

/// Encodes `m` (appended to `out`) when it has the common shape and `config`
/// accepts it; `false`, with nothing appended, when the general path must
/// decide.
#[cfg(feature = "alloc")]
#[inline]
pub(super) fn encode_metric(m: &Metric<'_>, config: &Config, out: &mut Vec<u8>) -> bool {
    let Value::Number(n) = m.value else {
        return false;
    };
    let plain = m.tags.is_none()
        && m.timestamp.is_none()
        && m.container_id.is_none()
        && m.external_data.is_none()
        && m.cardinality.is_none()
        && m.unknown_fields.has_no_field();
    if !plain {
        return false;
    }
    let rules = &FAST_RULES[config.dialect() as usize];
    if rules.types & (1 << m.kind as u8) == 0 {
        return false;
    }
    if m.delta && !(m.kind == MetricType::Gauge && rules.gauge_deltas) {
        return false;
    }
    let in_range = match n {
        // In every range.
        Number::PosInt(v) if v <= i64::MAX as u64 => true,
        n => {
            let range = if rules.any_value {
                Range::Any
            } else if m.kind.is_signed() || m.delta {
                Range::Signed
            } else {
                Range::Unsigned
            };
            number_in_range(n, range)
        }
    };
    if !in_range {
        return false;
    }
    let name = m.name.as_bytes();
    if name.is_empty() || (rules.event_prefix_reserved && name.starts_with(b"_e{")) {
        return false;
    }
    if name.len() <= SHORT_NAME {
        let mut line = [0u8; LINE];
        if !copy_name(&mut line, name) {
            return false;
        }
        let end = match write_tail(&mut line, name.len(), m, n, rules) {
            Some(end) if end <= config.max_line_len() => end,
            _ => return false,
        };
        out.extend_from_slice(&line[..end]);
    } else {
        let mut tail = [0u8; MAX_TAIL];
        let Some(end) = write_tail(&mut tail, 0, m, n, rules) else {
            return false;
        };
        if name.len() + end > config.max_line_len() || crate::bytes::first_name_stop(name).is_some()
        {
            return false;
        }
        out.reserve(name.len() + end);
        out.extend_from_slice(name);
        out.extend_from_slice(&tail[..end]);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn general(m: &Metric<'_>, config: &Config) -> Result<Vec<u8>, crate::EncodeError> {
        let mut out = b"prefix".to_vec();
        use super::super::Canonical;
        m.check(config.dialect().rules())?;
        m.write_vec(&mut out);
        if out.len() - 6 > config.max_line_len() {
            return Err(crate::error::EncodeErrorKind::LineTooLong.into());
        }
        Ok(out)
    }

    fn agree(m: &Metric<'_>) {
        for &dialect in Dialect::ALL {
            for config in [
                Config::new(dialect),
                Config::new(dialect).with_max_line_len(12),
            ] {
                let mut out = b"prefix".to_vec();
                let fast = encode_metric(m, &config, &mut out);
                let general = general(m, &config);
                if fast {
                    assert_eq!(Ok(out), general, "{m:?} in {dialect}");
                } else {
                    assert_eq!(out, b"prefix", "{m:?} in {dialect}");
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_general_path() {
        let names = [
            "a",
            "ab.c",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "a.b.c.d.e.f.g.h.i.j.k.l.m",
            "a:b",
            "a|bcdefghijk",
            "abcdefghijk\x7f",
            "abcdefgh\tijk",
            "_e{abcdefgh",
            "_e{",
            "",
            "é.ü",
            "abcdefghijklmnopqrstuvwxyz0123456789.abcdefghijklmnopqrstuvwxyz0123456789.long.name",
            "abcdefghijklmnopqrstuvwxyz0123456789.abcdefghijklmnopqrstuvwxyz0123456789.long:name",
            "abcdefghijklmnopqrstuvwxyz0123456789.abcdefghijklmnopqrst", // 57 bytes
            "abcdefghijklmnopqrstuvwxyz0123456789.abcdefghijklmnopqrstuvwxyz0123456789", // 73 bytes
            "abcdefghijklmnopqrstuvwxyz0123456789.abcdefghijklmnopqrstuvwxyz012345678", // 72 bytes
        ];
        let numbers = [
            Number::PosInt(0),
            Number::PosInt(1),
            Number::PosInt(9),
            Number::PosInt(10),
            Number::PosInt(99),
            Number::PosInt(100),
            Number::PosInt(12345),
            Number::PosInt(i64::MAX as u64),
            Number::PosInt(i64::MAX as u64 + 1),
            Number::PosInt(u64::MAX),
            Number::NegInt(-1),
            Number::NegInt(-100),
            Number::NegInt(i64::MIN + 1),
            Number::NegInt(i64::MIN),
            Number::NegInt(0),
            Number::NegInt(5),
            Number::Float(0.0),
            Number::Float(-0.0),
            Number::Float(1.0),
            Number::Float(-1.0),
            Number::Float(12.5),
            Number::Float(0.25),
            Number::Float(0.0001),
            Number::Float(118.375),
            Number::Float(-3.25),
            Number::Float(1e15),
            Number::Float(1e21),
            Number::Float(1.5e-7),
            Number::Float(1.0 / 3.0),
            Number::Float(f64::NAN),
            Number::Float(f64::INFINITY),
            Number::Float(f64::NEG_INFINITY),
            Number::Float(9.3e18),
            Number::Float(2e19),
        ];
        let rates = [
            None,
            Some(1.0),
            Some(0.5),
            Some(0.1),
            Some(0.25),
            Some(0.01),
            Some(0.0001),
            Some(0.00001),
            Some(1e-7),
            Some(0.0),
            Some(-0.5),
            Some(1.5),
            Some(f64::NAN),
        ];
        let kinds = MetricType::ALL;
        for name in names {
            for n in numbers {
                for &kind in kinds {
                    for rate in rates {
                        for delta in [false, true] {
                            let mut m = Metric::new(name, kind, n);
                            m.sample_rate = rate;
                            m.delta = delta;
                            agree(&m);
                        }
                    }
                }
            }
        }
    }

    fn check_copy_name(name: &[u8]) {
        let mut buf = [0xee; LINE];
        let ok = copy_name(&mut buf, name);
        assert_eq!(ok, !name.iter().any(|&b| is_stop(b)), "{name:x?}");
        if ok {
            assert_eq!(&buf[..name.len()], name);
        }
    }

    #[test]
    fn name_check_is_exact_for_every_byte_at_every_place() {
        for len in 1..=SHORT_NAME {
            for at in 0..len {
                for b in 0..=255u8 {
                    for fill in [b'a', 0x7e, 0x80, 0xff, b'9', 0x20] {
                        let mut name = vec![fill; len];
                        name[at] = b;
                        check_copy_name(&name);
                    }
                }
            }
        }
    }

    #[test]
    fn name_check_is_exact_for_pairs_of_bytes() {
        let bytes = [
            0x00, 0x01, 0x1f, 0x20, 0x39, b':', 0x3b, b'|', 0x7b, 0x7f, 0x80, 0xc3, 0xff, b'a',
        ];
        for len in [8, 9, 15, 16, 17, 23] {
            for i in 0..len {
                for j in 0..len {
                    for &x in &bytes {
                        for &y in &bytes {
                            let mut name = vec![b'a'; len];
                            name[i] = x;
                            name[j] = y;
                            check_copy_name(&name);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn digits() {
        let mut buf = [0u8; LINE];
        let powers = (0..20).map(|e| 10u64.pow(e));
        let around = powers.flat_map(|p| {
            [
                p - 1,
                p,
                p + 1,
                p.saturating_mul(2) - 1,
                p.saturating_mul(9),
            ]
        });
        for v in (0..200_000).chain(around).chain([u64::MAX, u64::MAX - 1]) {
            let end = write_u64(&mut buf, 3, v);
            assert_eq!(&buf[3..end], v.to_string().as_bytes());
        }
        for places in 1..=4 {
            let p = 10u64.pow(places as u32);
            for m in (0..3 * p).chain([u64::MAX / 2, (1 << 49) - 1]) {
                let end = write_scaled(&mut buf, 3, m, places);
                let text = format!("{}.{:0places$}", m / p, m % p);
                assert_eq!(&buf[3..end], text.as_bytes());
            }
        }
    }
}
