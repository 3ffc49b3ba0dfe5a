//! Exact comparison of decimal numbers written as text.

use core::cmp::Ordering;

/// A decimal number in normal form: sign, significant digits (no leading or
/// trailing zeros) and the position of the decimal point, so that equal values
/// have equal forms (`"1.50"`, `"1.5"` and `"15e-1"` are one `Decimal`; `-0` is
/// `0`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    /// The value is `0.digits * 10^point`.
    point: i64,
}

impl Decimal {
    /// Reads `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?`; `None` for
    /// anything else (including `NaN` and `Infinity`).
    pub fn parse(text: &str) -> Option<Decimal> {
        let b = text.as_bytes();
        let mut i = 0;
        let negative = match b.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let int_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let int = &b[int_start..i];
        let mut frac: &[u8] = &[];
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            frac = &b[s..i];
        }
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let mut exp: i64 = 0;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let neg = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                exp = (exp * 10 + i64::from(b[i] - b'0')).min(1_000_000_000_000);
                i += 1;
            }
            if s == i {
                return None;
            }
            if neg {
                exp = -exp;
            }
        }
        if i != b.len() {
            return None;
        }
        let all: Vec<u8> = int.iter().chain(frac).map(|d| d - b'0').collect();
        let lead = all.iter().take_while(|&&d| d == 0).count();
        let trail = all[lead..].iter().rev().take_while(|&&d| d == 0).count();
        let digits = all[lead..all.len() - trail].to_vec();
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits,
                point: 0,
            });
        }
        let point = (int.len() as i64 - lead as i64).saturating_add(exp);
        Some(Decimal {
            negative,
            digits,
            point,
        })
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |d: &Decimal| {
            if d.is_zero() {
                0
            } else if d.negative {
                -1
            } else {
                1
            }
        };
        let (a, b) = (sign(self), sign(other));
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let magnitude = self
            .point
            .cmp(&other.point)
            .then_with(|| self.digits.cmp(&other.digits));
        if a < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

/// Whether two decimal texts denote the same number exactly (`None` when either
/// is not a decimal number).
///
/// ```
/// use statsd_wire_protocol::decimal_eq;
/// assert_eq!(decimal_eq("1.50", "1.5"), Some(true));
/// assert_eq!(decimal_eq("1e3", "1000"), Some(true));
/// assert_eq!(decimal_eq("-0", "0.0"), Some(true));
/// assert_eq!(decimal_eq("9007199254740993", "9007199254740992"), Some(false));
/// assert_eq!(decimal_eq("NaN", "NaN"), None);
/// ```
pub fn decimal_eq(a: &str, b: &str) -> Option<bool> {
    Some(Decimal::parse(a)? == Decimal::parse(b)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        for (a, b) in [
            ("1", "1.0"),
            ("+1", "1"),
            ("0.1", ".1"),
            ("5.", "5"),
            ("100", "1e2"),
            ("0.00012", "1.2e-4"),
            ("-0.0", "0"),
            ("18446744073709551615", "18446744073709551615.000"),
        ] {
            assert_eq!(decimal_eq(a, b), Some(true), "{a} == {b}");
        }
        for (a, b) in [
            ("1", "-1"),
            ("0.1", "0.10000000000000001"),
            ("1e400", "1e401"),
        ] {
            assert_eq!(decimal_eq(a, b), Some(false), "{a} != {b}");
        }
        for bad in ["", ".", "e3", "1e", "0x10", "inf", " 1", "1_0"] {
            assert!(Decimal::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn ordering() {
        let d = |s| Decimal::parse(s).unwrap();
        assert!(d("-2") < d("-1"));
        assert!(d("-1") < d("0"));
        assert!(d("0.5") < d("1"));
        assert!(d("9.9") < d("10"));
        assert!(d("1e-7") < d("0.0000002"));
    }
}
