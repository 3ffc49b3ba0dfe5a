//! C's `printf("%.Nf")` for `double`, exactly as glibc prints it.
//!
//! glibc formats the *exact* binary value of the double and rounds it to the
//! requested number of decimals with the current rounding mode, which is
//! round-to-nearest, ties-to-even. This module does the same with exact decimal
//! arithmetic: a finite double is `m * 2^e`, that is `m * 5^-e / 10^-e` for
//! `e < 0` or the integer `m * 2^e` otherwise, so its full decimal expansion is
//! an integer (computed here in base 10^9 limbs) with a known decimal point.

/// Little-endian base-10^9 big unsigned integer, just enough for `m * 2^e` and
/// `m * 5^k` with the exponents of a double.
struct BigDec {
    limbs: Vec<u32>,
}

const BASE: u64 = 1_000_000_000;

impl BigDec {
    fn from_u64(mut v: u64) -> Self {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push((v % BASE) as u32);
            v /= BASE;
        }
        BigDec { limbs }
    }

    /// Multiplies in place by `factor`, which must be below 2^32.
    fn mul_small(&mut self, factor: u32) {
        let mut carry: u64 = 0;
        for limb in &mut self.limbs {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = (product % BASE) as u32;
            carry = product / BASE;
        }
        while carry > 0 {
            self.limbs.push((carry % BASE) as u32);
            carry /= BASE;
        }
    }

    fn mul_pow2(&mut self, mut exp: u32) {
        while exp > 0 {
            let step = exp.min(31);
            self.mul_small(1u32 << step);
            exp -= step;
        }
    }

    fn mul_pow5(&mut self, mut exp: u32) {
        // 5^13 = 1_220_703_125 < 2^32.
        while exp > 0 {
            let step = exp.min(13);
            self.mul_small(5u32.pow(step));
            exp -= step;
        }
    }

    /// The decimal digits, most significant first, without leading zeros
    /// (`"0"` for zero).
    fn digits(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.limbs.len() * 9);
        let mut iter = self.limbs.iter().rev();
        match iter.next() {
            None => out.push(b'0'),
            Some(first) => {
                out.extend_from_slice(first.to_string().as_bytes());
                for limb in iter {
                    out.extend_from_slice(format!("{limb:09}").as_bytes());
                }
            }
        }
        out
    }
}

/// Formats `x` like C's `printf("%.*f", precision, x)` with glibc in the
/// default rounding mode: exact decimal value, rounded half-to-even at
/// `precision` decimals; `inf`, `-inf`, `nan` and `-nan` for non-finite values;
/// a `-` sign for every negative value, `-0.0` included.
pub(crate) fn format_fixed(x: f64, precision: usize) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let negative = x.is_sign_negative();
    let bits = x.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };

    // value = digits / 10^scale
    let mut big = BigDec::from_u64(mantissa);
    let scale = if exponent >= 0 {
        big.mul_pow2(exponent.unsigned_abs());
        0usize
    } else {
        big.mul_pow5(exponent.unsigned_abs());
        exponent.unsigned_abs() as usize
    };
    let digits = big.digits();

    // Split into integer and fraction digits.
    let (mut int_part, frac_part): (Vec<u8>, Vec<u8>) = if digits.len() > scale {
        let split = digits.len() - scale;
        (digits[..split].to_vec(), digits[split..].to_vec())
    } else {
        let mut frac = vec![b'0'; scale - digits.len()];
        frac.extend_from_slice(&digits);
        (vec![b'0'], frac)
    };

    let mut kept: Vec<u8> = frac_part.iter().copied().take(precision).collect();
    let round_up = if frac_part.len() > precision {
        let next = frac_part[precision];
        let rest_nonzero = frac_part[precision + 1..].iter().any(|&d| d != b'0');
        let last_kept = kept.last().or(int_part.last()).copied().unwrap_or(b'0');
        let last_is_odd = (last_kept - b'0') % 2 == 1;
        next > b'5' || (next == b'5' && (rest_nonzero || last_is_odd))
    } else {
        false
    };
    while kept.len() < precision {
        kept.push(b'0');
    }

    if round_up {
        // Increment the decimal number int_part.kept by one unit in the last place.
        let mut carry = true;
        for d in kept.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            for d in int_part.iter_mut().rev() {
                if *d == b'9' {
                    *d = b'0';
                } else {
                    *d += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                int_part.insert(0, b'1');
            }
        }
    }

    let mut out = String::with_capacity(int_part.len() + precision + 2);
    if negative {
        out.push('-');
    }
    out.push_str(&String::from_utf8_lossy(&int_part));
    if precision > 0 {
        out.push('.');
        out.push_str(&String::from_utf8_lossy(&kept));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_fixed;

    #[test]
    fn two_decimals_like_glibc() {
        let cases: &[(f64, &str)] = &[
            (0.5, "0.50"),
            (0.1, "0.10"),
            (1.0 / 3.0, "0.33"),
            (0.125, "0.12"), // exact tie, 2 is even
            (0.375, "0.38"), // exact tie, 8 is even
            (0.995, "0.99"), // 0.99499999999999999555910790149937...
            (0.999, "1.00"),
            (0.005, "0.01"), // 0.005000000000000000104083408558608425664715468883514404296875
            (0.004, "0.00"),
            (0.001, "0.00"),
            (0.0, "0.00"),
            (-0.0, "-0.00"),
            (-0.001, "-0.00"),
            (2.5, "2.50"),
        ];
        for &(x, want) in cases {
            assert_eq!(format_fixed(x, 2), want, "{x}");
        }
        // 99.995 is stored as 99.99500000000000454747..., so it rounds up, with a carry.
        assert_eq!(format_fixed(99.995, 2), "100.00");
        assert_eq!(format_fixed(9.999, 2), "10.00");
    }

    #[test]
    fn zero_and_six_decimals() {
        assert_eq!(format_fixed(0.5, 0), "0");
        assert_eq!(format_fixed(1.5, 0), "2");
        assert_eq!(format_fixed(2.5, 0), "2");
        assert_eq!(format_fixed(9.5, 0), "10");
        assert_eq!(
            format_fixed(9_223_372_036_854_777_856.0, 6),
            "9223372036854777856.000000"
        );
        assert_eq!(
            format_fixed(-9_223_372_036_854_777_856.0, 6),
            "-9223372036854777856.000000"
        );
        assert_eq!(
            format_fixed(18_446_744_073_709_555_712.0, 6),
            "18446744073709555712.000000"
        );
        assert_eq!(format_fixed(f64::INFINITY, 6), "inf");
        assert_eq!(format_fixed(f64::NEG_INFINITY, 6), "-inf");
        assert_eq!(format_fixed(f64::NAN, 6), "nan");
        assert_eq!(format_fixed(1e300, 0).len(), 301);
        assert_eq!(format_fixed(f64::MIN_POSITIVE, 2), "0.00");
        assert_eq!(format_fixed(5e-324, 6), "0.000000");
        assert_eq!(format_fixed(f64::MAX, 0).len(), 309);
    }

    #[test]
    fn agrees_with_rust_exact_formatting() {
        // Rust's `{:.N}` also rounds the exact binary value half-to-even; the two
        // implementations are independent, so agreement on many values is a
        // meaningful cross-check.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = (state >> 11) as f64 / (1u64 << 53) as f64;
            for precision in [0usize, 1, 2, 3, 6] {
                assert_eq!(
                    format_fixed(x, precision),
                    format!("{x:.precision$}"),
                    "{x:e}"
                );
            }
            let y = f64::from_bits(state & !(0x7ffu64 << 52) | (0x3ffu64 + (state % 40)) << 52);
            assert_eq!(format_fixed(y, 2), format!("{y:.2}"), "{y:e}");
        }
        for k in 0..1000u32 {
            let x = f64::from(k) / 1000.0;
            assert_eq!(format_fixed(x, 2), format!("{x:.2}"), "{x}");
            let tie = f64::from(k) / 8.0;
            assert_eq!(format_fixed(tie, 2), format!("{tie:.2}"), "{tie}");
        }
    }
}
