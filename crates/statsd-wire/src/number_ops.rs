//! Exact comparison and checked arithmetic on [`Number`]s.
//!
//! `Number` does not implement `PartialOrd`: its `PartialEq` compares
//! representations (`Float(1.0) != PosInt(1)`, because `1.0` and `1` are
//! different wire texts), and an ordering that called them equal would break
//! the rule that `partial_cmp == Some(Equal)` means `==`. Compare values with
//! [`Number::cmp_value`] instead.

use core::cmp::Ordering;

use crate::metric::Number;

impl Number {
    /// Compares the values exactly, across representations (`PosInt(1)` and
    /// `Float(1.0)` are equal in value); `None` when a float is NaN.
    ///
    /// ```
    /// use core::cmp::Ordering;
    /// use statsd_wire::Number;
    /// assert_eq!(Number::PosInt(1).cmp_value(Number::Float(1.0)), Some(Ordering::Equal));
    /// // 2^53 + 1 is above the nearest f64, 2^53: exact, not rounded.
    /// assert_eq!(Number::PosInt(9007199254740993).cmp_value(Number::Float(9007199254740992.0)), Some(Ordering::Greater));
    /// assert_eq!(Number::NegInt(-1).cmp_value(Number::PosInt(0)), Some(Ordering::Less));
    /// ```
    pub fn cmp_value(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Float(a), Number::Float(b)) => a.partial_cmp(&b),
            (Number::Float(f), i) => cmp_int_float(int_of(i), f).map(Ordering::reverse),
            (i, Number::Float(f)) => cmp_int_float(int_of(i), f),
            (a, b) => Some(int_of(a).cmp(&int_of(b))),
        }
    }

    /// `self + other`: exact for two integers (`None` outside the range the
    /// data model holds, (-2^63, 2^64)); otherwise the `f64` sum, `None` when
    /// it is not finite.
    ///
    /// ```
    /// use statsd_wire::Number;
    /// assert_eq!(Number::PosInt(u64::MAX - 1).checked_add(Number::PosInt(1)), Some(Number::PosInt(u64::MAX)));
    /// assert_eq!(Number::PosInt(u64::MAX).checked_add(Number::PosInt(1)), None);
    /// assert_eq!(Number::NegInt(-5).checked_add(Number::PosInt(3)), Some(Number::NegInt(-2)));
    /// assert_eq!(Number::Float(0.5).checked_add(Number::PosInt(1)), Some(Number::Float(1.5)));
    /// ```
    pub fn checked_add(self, other: Number) -> Option<Number> {
        self.combine(other, i128::checked_add, |a, b| a + b)
    }

    /// `self - other`, as [`checked_add`](Number::checked_add).
    pub fn checked_sub(self, other: Number) -> Option<Number> {
        self.combine(other, i128::checked_sub, |a, b| a - b)
    }

    /// `self * other`, as [`checked_add`](Number::checked_add).
    pub fn checked_mul(self, other: Number) -> Option<Number> {
        self.combine(other, i128::checked_mul, |a, b| a * b)
    }

    /// `-self`, `None` when it leaves the range (`-(2^63)` and below are not held).
    pub fn checked_neg(self) -> Option<Number> {
        Number::PosInt(0).checked_sub(self)
    }

    fn combine(
        self,
        other: Number,
        ints: fn(i128, i128) -> Option<i128>,
        floats: fn(f64, f64) -> f64,
    ) -> Option<Number> {
        match (self, other) {
            (Number::Float(_), _) | (_, Number::Float(_)) => {
                let v = floats(self.as_f64(), other.as_f64());
                v.is_finite().then_some(Number::Float(v))
            }
            (a, b) => from_int(ints(int_of(a), int_of(b))?),
        }
    }
}

fn int_of(n: Number) -> i128 {
    match n {
        Number::PosInt(v) => i128::from(v),
        Number::NegInt(v) => i128::from(v),
        Number::Float(_) => 0,
    }
}

fn from_int(v: i128) -> Option<Number> {
    if v >= 0 {
        u64::try_from(v).ok().map(Number::PosInt)
    } else {
        i64::try_from(v)
            .ok()
            .filter(|&v| v != i64::MIN)
            .map(Number::NegInt)
    }
}

/// Compares an integer (in the i128 range of u64 and i64) with a float, exactly.
fn cmp_int_float(i: i128, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // Every integer here lies in (-2^64, 2^64); floats beyond are simply larger
    // or smaller. Within, the float's integer part is exact in an i128.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f <= -LIMIT {
        return Some(Ordering::Greater);
    }
    // `as` truncates towards zero, exactly here (|f| < 2^64), and the integer
    // part of a float is itself a float.
    let whole_int = f as i128;
    let whole = whole_int as f64;
    match i.cmp(&whole_int) {
        Ordering::Equal => Some(if f > whole {
            Ordering::Less
        } else if f < whole {
            Ordering::Greater
        } else {
            Ordering::Equal
        }),
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_is_exact_near_every_boundary() {
        use Number::*;
        let big = PosInt(u64::MAX);
        assert_eq!(
            big.cmp_value(Float(18_446_744_073_709_551_616.0)),
            Some(Ordering::Less)
        );
        assert_eq!(
            big.cmp_value(Float(18_446_744_073_709_549_568.0)),
            Some(Ordering::Greater)
        );
        assert_eq!(NegInt(-3).cmp_value(Float(-2.5)), Some(Ordering::Less));
        assert_eq!(NegInt(-2).cmp_value(Float(-2.5)), Some(Ordering::Greater));
        assert_eq!(PosInt(2).cmp_value(Float(2.5)), Some(Ordering::Less));
        assert_eq!(PosInt(0).cmp_value(Float(-0.0)), Some(Ordering::Equal));
        assert_eq!(PosInt(0).cmp_value(Float(f64::NAN)), None);
        assert_eq!(Float(f64::INFINITY).cmp_value(big), Some(Ordering::Greater));
        assert_eq!(
            NegInt(-i64::MAX).cmp_value(Float(-1e300)),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn arithmetic_stays_in_the_held_range() {
        use Number::*;
        assert_eq!(NegInt(-i64::MAX).checked_sub(PosInt(1)), None);
        assert_eq!(PosInt(3).checked_neg(), Some(NegInt(-3)));
        assert_eq!(NegInt(-3).checked_neg(), Some(PosInt(3)));
        assert_eq!(PosInt(0).checked_neg(), Some(PosInt(0)));
        assert_eq!(PosInt(1 << 32).checked_mul(PosInt(1 << 32)), None);
        assert_eq!(Float(f64::MAX).checked_mul(PosInt(2)), None);
        assert_eq!(PosInt(2).checked_sub(PosInt(5)), Some(NegInt(-3)));
    }
}
