//! A fast path for the floats StatsD traffic is full of (`12.5`, `0.25`,
//! `|@0.1`): a value with at most four decimal places and a small magnitude is
//! written from its integer mantissa, byte for byte what `ryu` writes, without
//! running `ryu`'s shortest-digits search (about 260 instructions a float,
//! the largest share of encoding a metric; see docs/performance.md).
//!
//! Why the output equals `ryu`'s: let `k` be the fewest decimal places, at most
//! [`MAX_PLACES`], for which `m = round(|v| * 10^k)` gives back `|v|` as
//! `m / 10^k` (two exact operands, one correctly rounded division: the value a
//! correctly rounding parser reads from the text `m` with `k` decimal places).
//! With `m < 2^49` the doubles around `|v|` are less than `10^-k / 8` apart, so
//! `m / 10^k` is the only decimal with `k` places that reads back as `|v|`, and
//! none with fewer places does (`k` is the fewest): those digits are the
//! shortest round-trip digits, which is what `ryu` finds. `ryu` writes them in
//! plain notation in this range (`1e-4 <= |v| < 2^49 < 1e16`), with `.0` after
//! an integer, as here. `tests::agrees_with_ryu_*` check it.

/// The most decimal places the fast path writes.
pub(super) const MAX_PLACES: usize = 4;

pub(super) const POW10: [u64; MAX_PLACES + 1] = [1, 10, 100, 1_000, 10_000];

/// `m` must stay below this (see the module comment).
const MANTISSA_LIMIT: f64 = (1u64 << 49) as f64;

/// The longest text: a sign, 15 integer digits (`2^49 < 10^15`), `.` and 4
/// places.
pub(super) const MAX_LEN: usize = 1 + 15 + 1 + MAX_PLACES;

/// The fewest decimal places `k` (at most [`MAX_PLACES`]) and the mantissa
/// `m` with `magnitude == m / 10^k`, when the fast path holds for them (see the
/// module comment); `None` otherwise (and for non-finite values).
#[inline(always)]
pub(super) fn scaled(magnitude: f64) -> Option<(usize, u64)> {
    let mut k = 0;
    while k <= MAX_PLACES {
        let p = POW10[k] as f64;
        let scaled = magnitude * p;
        // NaN, or at the limit (then so is every larger `k`: `magnitude` is
        // not negative).
        if scaled.is_nan() || scaled >= MANTISSA_LIMIT {
            return None;
        }
        // Round half up; `scaled + 0.5` is exact below 2^52. Below 2^49 the
        // signed conversions are exact and cheaper than the unsigned ones.
        let m = (scaled + 0.5) as i64;
        if m as f64 / p == magnitude {
            return Some((k, m as u64));
        }
        k += 1;
    }
    None
}

/// Writes `v` as `ryu` would (`-` for a negative value, `-0.0` included) when
/// it has at most [`MAX_PLACES`] decimal places and is small enough for the
/// fast path; `None` otherwise (and for non-finite values).
pub(super) fn format(v: f64, buf: &mut [u8; MAX_LEN]) -> Option<&str> {
    let negative = v.is_sign_negative();
    let (k, m) = scaled(if negative { -v } else { v })?;
    // An integer is written with one place, `.0`.
    let (places, mut int, mut frac) = if k == 0 {
        (1, m, 0)
    } else {
        (k, m / POW10[k], m % POW10[k])
    };
    let mut pos = MAX_LEN;
    for _ in 0..places {
        pos -= 1;
        buf[pos] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    pos -= 1;
    buf[pos] = b'.';
    loop {
        pos -= 1;
        buf[pos] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    if negative {
        pos -= 1;
        buf[pos] = b'-';
    }
    // ASCII digits, `.` and `-` only.
    core::str::from_utf8(&buf[pos..]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The doubles whose bits are one above and one below `v`'s (its two
    // neighbours in magnitude; `f64::next_up` is newer than the MSRV).
    fn bit_neighbours(v: f64) -> [f64; 2] {
        let bits = v.to_bits();
        [
            f64::from_bits(bits.wrapping_add(1)),
            f64::from_bits(bits.wrapping_sub(1)),
        ]
    }

    fn check(v: f64) -> bool {
        let mut buf = [0; MAX_LEN];
        let Some(fast) = format(v, &mut buf) else {
            return false;
        };
        let mut ryu = ryu::Buffer::new();
        assert_eq!(fast, ryu.format(v), "value {v:e} (bits {:#x})", v.to_bits());
        true
    }

    /// Checks `v` and its two neighbours.
    fn check_around(v: f64) {
        check(v);
        for n in bit_neighbours(v) {
            check(n);
        }
    }

    #[test]
    fn agrees_with_ryu_on_every_small_decimal() {
        // Every m / 10^k with m < 200,000: the values traffic carries.
        for (k, &p) in POW10.iter().enumerate() {
            for m in 0..200_000u64 {
                let v = m as f64 / p as f64;
                assert!(check(v), "{m}e-{k} not on the fast path");
                assert!(check(-v));
            }
        }
    }

    #[test]
    fn agrees_with_ryu_near_the_mantissa_limit() {
        let limit = 1u64 << 49;
        for p in POW10 {
            for m in (limit - 100_000)..(limit + 1_000) {
                let v = m as f64 / p as f64;
                check_around(v);
            }
        }
    }

    #[test]
    fn agrees_with_ryu_on_neighbours_and_odd_values() {
        for v in [
            0.0,
            -0.0,
            0.1,
            0.2,
            0.3,
            1.0 / 3.0,
            0.0001,
            0.00001,
            0.00015,
            1e-7,
            1e15,
            1e16,
            1e21,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            12.5,
            99.99,
            123.456,
            0.999_95,
        ] {
            check_around(v);
        }
        assert!(!check(f64::NAN) && !check(f64::INFINITY) && !check(f64::NEG_INFINITY));
        // More than four places, or too large: left to ryu.
        assert!(!check(0.00001) && !check(1.23456) && !check(1e15));
    }

    #[test]
    fn agrees_with_ryu_on_pseudo_random_doubles() {
        // SplitMix64 over raw bits and over scaled small decimals.
        let mut state = 0x5eed_u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut fast = 0;
        for _ in 0..500_000 {
            let r = next();
            check(f64::from_bits(r));
            let v = (r >> 16) as f64 / POW10[(r % 5) as usize] as f64;
            fast += usize::from(check(v));
            for n in bit_neighbours(v) {
                check(n);
            }
        }
        assert!(fast > 400_000, "only {fast} on the fast path");
    }
}
