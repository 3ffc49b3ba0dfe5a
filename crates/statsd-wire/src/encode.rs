//! The canonical encoder.
//!
//! The canonical form of a metric is `<name>:<value>|<type>[|@<rate>]`: always
//! the explicit form (a meter of 1 is `name:1|m`, never the bare name); integers
//! in decimal without `+` or leading zeros; floats in their shortest round-trip
//! form, always with a `.` or an exponent (`1.0`, `12.5`, `1e21`, `1.5e-7`) so
//! they read back as floats, a zero without its sign (`0.0`: the sign of a zero
//! carries nothing, and a `-` would make an etsy gauge a delta); a gauge delta with its explicit sign (`+1`, `-1`,
//! `+0`); the rate as `|@<rate>` in its shortest round-trip digits written
//! without exponent (`|@0.5`, `|@0.0000001`, `|@1`). Lines of a datagram are
//! joined by `\n`, with no final `\n`.
//!
//! Every metric is validated before the first byte is written: an encoder never
//! writes a line that would not parse back to the same metric.

use core::fmt;

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use crate::config::Config;
use crate::error::{EncodeError, EncodeErrorKind};
use crate::metric::{Metric, MetricType, Number, Value};
use crate::parse::number::{Range, number_in_range};

mod short_decimal;

/// Stack buffers for formatting a [`Number`].
pub(crate) struct NumberBuf {
    int: itoa::Buffer,
    float: ryu::Buffer,
    short: [u8; short_decimal::MAX_LEN],
}

impl NumberBuf {
    pub(crate) fn new() -> Self {
        NumberBuf {
            int: itoa::Buffer::new(),
            float: ryu::Buffer::new(),
            short: [0; short_decimal::MAX_LEN],
        }
    }

    /// The canonical text of `n` (`NaN`, `inf` or `-inf` for a non-finite float,
    /// which no valid metric holds).
    pub(crate) fn format(&mut self, n: Number) -> &str {
        match n {
            Number::PosInt(v) => self.int.format(v),
            Number::NegInt(v) => self.int.format(v),
            Number::Float(v) => match short_decimal::format(v, &mut self.short) {
                Some(text) => text,
                None => self.float.format(v),
            },
        }
    }
}

/// Writes a sample rate in its canonical text: shortest round-trip digits,
/// plain decimal notation (no exponent), `1` for 1.
#[inline]
fn write_rate<W: fmt::Write>(w: &mut W, rate: f64) -> fmt::Result {
    if rate == 1.0 {
        return w.write_str("1");
    }
    // A rate below 1 with at most four places (`0.1`, `0.25`) is written
    // `0.<digits>` by the fast path, exactly as below.
    if let Some(text) = short_decimal::format(rate, &mut [0; short_decimal::MAX_LEN]) {
        return w.write_str(text);
    }
    let mut buf = ryu::Buffer::new();
    let text = buf.format(rate);
    let Some((mantissa, exp)) = text.split_once('e') else {
        return w.write_str(text);
    };
    // A rate in (0, 1) in scientific notation has a negative exponent:
    // d[.ddd]e-N is 0.<N-1 zeros>dddd.
    let mut zeros = exp
        .trim_start_matches('-')
        .parse::<usize>()
        .unwrap_or(0)
        .saturating_sub(1);
    w.write_str("0.")?;
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    while zeros > 0 {
        let n = zeros.min(ZEROS.len());
        w.write_str(&ZEROS[..n])?;
        zeros -= n;
    }
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    w.write_str(int)?;
    w.write_str(frac)
}

/// The canonical text of a sample rate, as the encoder writes it after `|@`:
/// shortest round-trip digits in plain decimal notation, `1` for 1.
///
/// ```
/// use statsd_wire::format_sample_rate;
/// assert_eq!(format_sample_rate(0.5).to_string(), "0.5");
/// assert_eq!(format_sample_rate(1e-7).to_string(), "0.0000001");
/// assert_eq!(format_sample_rate(1.0).to_string(), "1");
/// ```
pub fn format_sample_rate(rate: f64) -> impl fmt::Display {
    struct Rate(f64);
    impl fmt::Display for Rate {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_rate(f, self.0)
        }
    }
    Rate(rate)
}

/// Counts the bytes written through it.
struct Counter(usize);

impl fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// Writes into a byte slice, failing when it is full.
struct SliceSink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl fmt::Write for SliceSink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

use crate::bytes::{CONTROL, RESERVED};

fn byte_classes(s: &str) -> u8 {
    crate::bytes::classes(s.as_bytes())
}

fn has_control(s: &str) -> bool {
    byte_classes(s) & CONTROL != 0
}

impl Metric<'_> {
    /// Checks what every dialect requires: a writable name and set member, a
    /// finite value in the type's range, a rate in `(0, 1]`, a delta only on a
    /// gauge.
    fn validate_common(&self) -> Result<(), EncodeErrorKind> {
        use EncodeErrorKind as E;
        if self.name.is_empty() {
            return Err(E::EmptyName);
        }
        let classes = byte_classes(self.name);
        if classes & RESERVED != 0 {
            return Err(E::ReservedByteInName);
        }
        if classes & CONTROL != 0 {
            return Err(E::ControlCharacterInName);
        }
        if self.delta && self.kind != MetricType::Gauge {
            return Err(E::DeltaNotAllowed);
        }
        match (self.kind, self.value) {
            (MetricType::Set, Value::Set(member)) => {
                if member.is_empty() || byte_classes(member) != 0 {
                    return Err(E::InvalidSetMember);
                }
            }
            (MetricType::Set, Value::Number(_)) | (_, Value::Set(_)) => {
                return Err(E::ValueKindMismatch);
            }
            (kind, Value::Number(n)) => {
                if let Number::Float(v) = n {
                    if !v.is_finite() {
                        return Err(E::NonFiniteValue);
                    }
                }
                let range = if kind.is_signed() || self.delta {
                    Range::Signed
                } else {
                    Range::Unsigned
                };
                if !number_in_range(n, range) {
                    return Err(E::ValueOutOfRange);
                }
            }
        }
        if let Some(rate) = self.sample_rate {
            if !(rate > 0.0 && rate <= 1.0) {
                return Err(E::SampleRateOutOfRange);
            }
        }
        if let Some(tags) = self.tags {
            if tags.as_str().bytes().any(|b| b == b'|') || has_control(tags.as_str()) {
                return Err(E::TagsNotAllowed);
            }
        }
        Ok(())
    }

    /// Checks the metric against `config` without writing it: everything
    /// [`encode`](Metric::encode) refuses, it refuses.
    ///
    /// ```
    /// use statsd_wire::{Config, EncodeErrorKind, Metric, MetricType};
    /// let set = Metric::set("users", "alice");
    /// assert!(set.validate(&Config::etsy()).is_ok());
    /// assert_eq!(set.validate(&Config::spec()).unwrap_err().kind(), EncodeErrorKind::TypeNotInDialect);
    /// let bad = Metric::new("a:b", MetricType::Counter, 1u64);
    /// assert_eq!(bad.validate(&Config::spec()).unwrap_err().kind(), EncodeErrorKind::ReservedByteInName);
    /// ```
    pub fn validate(&self, config: &Config) -> Result<(), EncodeError> {
        self.validate_dialect(config)?;
        if self.encoded_len() > config.max_line_len() {
            return Err(EncodeErrorKind::LineTooLong.into());
        }
        Ok(())
    }

    /// Everything [`validate`](Metric::validate) checks except the length.
    fn validate_dialect(&self, config: &Config) -> Result<(), EncodeError> {
        use EncodeErrorKind as E;
        self.validate_common()?;
        let dialect = config.dialect();
        if !dialect.supports(self.kind) {
            return Err(E::TypeNotInDialect.into());
        }
        if self.sample_rate.is_some() && !dialect.allows_sample_rate(self.kind) {
            return Err(E::SampleRateNotAllowed.into());
        }
        if self.delta && !dialect.has_gauge_deltas() {
            return Err(E::DeltaNotAllowed.into());
        }
        if self.tags.is_some() && !dialect.has_tags() {
            return Err(E::TagsNotAllowed.into());
        }
        Ok(())
    }

    /// Writes the canonical text, unchecked.
    fn write_canonical<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        w.write_str(self.name)?;
        w.write_str(":")?;
        match self.value {
            Value::Set(member) => w.write_str(member)?,
            Value::Number(n) => {
                if self.delta && !n.is_sign_negative() {
                    w.write_str("+")?;
                }
                // Outside a delta the sign of a zero carries nothing (-0.0 == 0.0),
                // and in the etsy dialect a '-' would turn a gauge into a delta.
                let n = match n {
                    Number::Float(v) if v == 0.0 && !self.delta => Number::Float(0.0),
                    n => n,
                };
                w.write_str(NumberBuf::new().format(n))?;
            }
        }
        w.write_str("|")?;
        w.write_str(self.kind.code())?;
        if let Some(rate) = self.sample_rate {
            w.write_str("|@")?;
            write_rate(w, rate)?;
        }
        if let Some(tags) = self.tags {
            w.write_str("|#")?;
            w.write_str(tags.as_str())?;
        }
        Ok(())
    }

    /// The exact length in bytes of the canonical encoding (of a valid metric).
    ///
    /// ```
    /// use statsd_wire::{Metric, MetricType};
    /// let m = Metric::new("t", MetricType::Timer, 12.5).with_sample_rate(0.1);
    /// assert_eq!(m.to_string(), "t:12.5|ms|@0.1");
    /// assert_eq!(m.encoded_len(), 14);
    /// ```
    pub fn encoded_len(&self) -> usize {
        let mut counter = Counter(0);
        // Counting never fails.
        let _ = self.write_canonical(&mut counter);
        counter.0
    }

    /// Appends the canonical encoding to `out`, after validating the metric
    /// against `config`. On error nothing is appended.
    ///
    /// ```
    /// use statsd_wire::{Config, Metric, MetricType};
    /// let mut out = Vec::new();
    /// Metric::gauge_delta("confBridgeUsers", 1i64).encode(&Config::etsy(), &mut out).unwrap();
    /// assert_eq!(out, b"confBridgeUsers:+1|g");
    /// ```
    #[cfg(feature = "alloc")]
    pub fn encode(&self, config: &Config, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.validate_dialect(config)?;
        let start = out.len();
        let mut sink = VecSink(out);
        // Writing into a Vec never fails.
        let _ = self.write_canonical(&mut sink);
        if out.len() - start > config.max_line_len() {
            out.truncate(start);
            return Err(EncodeErrorKind::LineTooLong.into());
        }
        Ok(())
    }

    /// Writes the canonical encoding into `buf`, after validating the metric
    /// against `config`; returns the number of bytes written. No allocation.
    ///
    /// ```
    /// use statsd_wire::{Config, Metric, MetricType, EncodeErrorKind};
    /// let m = Metric::new("hits", MetricType::Counter, 3u64);
    /// let mut buf = [0u8; 16];
    /// let n = m.encode_to_slice(&Config::spec(), &mut buf).unwrap();
    /// assert_eq!(&buf[..n], b"hits:3|c");
    /// let err = m.encode_to_slice(&Config::spec(), &mut [0u8; 4]).unwrap_err();
    /// assert_eq!(err.kind(), EncodeErrorKind::BufferTooSmall);
    /// ```
    pub fn encode_to_slice(&self, config: &Config, buf: &mut [u8]) -> Result<usize, EncodeError> {
        self.validate_dialect(config)?;
        let mut sink = SliceSink { buf, len: 0 };
        self.write_canonical(&mut sink)
            .map_err(|_| EncodeErrorKind::BufferTooSmall)?;
        if sink.len > config.max_line_len() {
            return Err(EncodeErrorKind::LineTooLong.into());
        }
        Ok(sink.len)
    }

    /// Writes the canonical encoding to a `fmt::Write` sink, after validating
    /// the metric against `config` (length included), so nothing is written for
    /// an invalid metric.
    pub fn write_to<W: fmt::Write>(&self, config: &Config, w: &mut W) -> Result<(), EncodeError> {
        self.validate(config)?;
        self.write_canonical(w)
            .map_err(|_| EncodeErrorKind::Fmt.into())
    }
}

/// Formats the canonical encoding. The rules every dialect shares are checked
/// first (name, value range, rate); a metric that breaks them makes `fmt`
/// return an error instead of writing a corrupt line, so `to_string()` panics on
/// it: use [`Metric::encode`] for metrics you did not parse yourself.
impl fmt::Display for Metric<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.validate_common().map_err(|_| fmt::Error)?;
        self.write_canonical(f)
    }
}

#[cfg(feature = "alloc")]
struct VecSink<'v>(&'v mut Vec<u8>);

#[cfg(feature = "alloc")]
impl fmt::Write for VecSink<'_> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Encodes metrics as one datagram, joined by `\n` (no final `\n`), appended to
/// `out`. Every metric is validated first; on error nothing is appended.
///
/// ```
/// use statsd_wire::{encode_datagram, Config, Metric, MetricType};
/// let metrics = [
///     Metric::new("a", MetricType::Counter, 1u64),
///     Metric::new("b", MetricType::Gauge, 2.5),
/// ];
/// let mut out = Vec::new();
/// encode_datagram(&metrics, &Config::spec(), &mut out).unwrap();
/// assert_eq!(out, b"a:1|c\nb:2.5|g");
/// ```
#[cfg(feature = "alloc")]
pub fn encode_datagram<'m, 'a: 'm>(
    metrics: impl IntoIterator<Item = &'m Metric<'a>>,
    config: &Config,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let start = out.len();
    for (i, metric) in metrics.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if let Err(e) = metric.encode(config, out) {
            out.truncate(start);
            return Err(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_plain_decimals() {
        let f = |r: f64| format_sample_rate(r).to_string();
        assert_eq!(f(1.0), "1");
        assert_eq!(f(0.5), "0.5");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1e-7), "0.0000001");
        assert_eq!(f(1.5e-7), "0.00000015");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(1.2345e-10), "0.00000000012345");
        let tiny = f(5e-324);
        assert_eq!(tiny.len(), 2 + 323 + 1);
        assert_eq!(tiny.parse::<f64>().unwrap(), 5e-324);
    }

    #[test]
    fn floats_always_show_a_dot_or_an_exponent() {
        let mut b = NumberBuf::new();
        assert_eq!(b.format(Number::Float(1.0)), "1.0");
        assert_eq!(b.format(Number::Float(-0.0)), "-0.0");
        assert_eq!(b.format(Number::Float(1e21)), "1e21");
        assert_eq!(b.format(Number::Float(1.5e-7)), "1.5e-7");
        assert_eq!(b.format(Number::PosInt(u64::MAX)), "18446744073709551615");
        assert_eq!(b.format(Number::NegInt(-i64::MAX)), "-9223372036854775807");
    }
}
