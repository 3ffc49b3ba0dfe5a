//! The data model: [`Metric`] borrows from the parsed input; [`OwnedMetric`]
//! (feature `alloc`) owns its text.

use core::fmt;

use crate::fields::UnknownFields;
use crate::message::Cardinality;
use crate::packed::{Packed, PackedIter};
use crate::tags::Tags;

/// The type of a metric: what the server does with its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum MetricType {
    /// `c`: the server adds the values up.
    Counter,
    /// `g`: the current value (or, with an explicit sign in the etsy dialect, a
    /// change to it).
    Gauge,
    /// `ms`: a duration in milliseconds.
    Timer,
    /// `h`: a distribution of values (the spec calls it an alias of the timer).
    Histogram,
    /// `m`: an increment-only counter whose rate the server derives.
    Meter,
    /// `s`: the server counts distinct members (etsy dialect).
    Set,
    /// `d`: a DogStatsD distribution (dogstatsd dialect).
    Distribution,
}

impl MetricType {
    /// Every type.
    pub const ALL: &'static [MetricType] = &[
        MetricType::Counter,
        MetricType::Gauge,
        MetricType::Timer,
        MetricType::Histogram,
        MetricType::Meter,
        MetricType::Set,
        MetricType::Distribution,
    ];

    /// The type code written on the wire: `c`, `g`, `ms`, `h`, `m`, `s`, `d`.
    pub const fn code(self) -> &'static str {
        match self {
            MetricType::Counter => "c",
            MetricType::Gauge => "g",
            MetricType::Timer => "ms",
            MetricType::Histogram => "h",
            MetricType::Meter => "m",
            MetricType::Set => "s",
            MetricType::Distribution => "d",
        }
    }

    /// The type's name in the adapter protocol: `counter`, `gauge`, `timer`,
    /// `histogram`, `meter`, `set`, `distribution`.
    pub const fn name(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Timer => "timer",
            MetricType::Histogram => "histogram",
            MetricType::Meter => "meter",
            MetricType::Set => "set",
            MetricType::Distribution => "distribution",
        }
    }

    /// The type whose wire [`code`](MetricType::code) is `code` (case-sensitive),
    /// in any dialect.
    #[inline]
    pub fn from_code_bytes(code: &[u8]) -> Option<MetricType> {
        Some(match code {
            b"c" => MetricType::Counter,
            b"g" => MetricType::Gauge,
            b"ms" => MetricType::Timer,
            b"h" => MetricType::Histogram,
            b"m" => MetricType::Meter,
            b"s" => MetricType::Set,
            b"d" => MetricType::Distribution,
            _ => return None,
        })
    }

    /// The type whose protocol [`name`](MetricType::name) is `name`.
    pub fn from_name(name: &str) -> Option<MetricType> {
        MetricType::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// Whether values of this type are signed: counters take the range
    /// (-2^63, 2^63); every other numeric type [0, 2^64) (a gauge delta takes the
    /// counter range).
    pub const fn is_signed(self) -> bool {
        matches!(self, MetricType::Counter)
    }
}

/// The text given to `MetricType::from_str` is not a wire code of any type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownMetricType;

impl fmt::Display for UnknownMetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown metric type code (expected one of: c, g, ms, h, m, s, d)")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownMetricType {}

/// Parses a wire code (`"c"`, `"ms"`, ...), as written after the value.
///
/// ```
/// use statsd_wire::MetricType;
/// assert_eq!("ms".parse(), Ok(MetricType::Timer));
/// assert!("timer".parse::<MetricType>().is_err());
/// ```
impl core::str::FromStr for MetricType {
    type Err = UnknownMetricType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MetricType::from_code_bytes(s.as_bytes()).ok_or(UnknownMetricType)
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A numeric value, exact: integers are never routed through `f64`.
///
/// An integer literal (no `.`, no exponent) is `PosInt` (when `>= 0`, including
/// `-0`) or `NegInt` (when `< 0`); anything else is a finite `Float`, rounded to
/// the nearest `f64`. Each value has exactly one representation, so derived
/// equality is value equality within a kind (`Float(1.0) != PosInt(1)`: the wire
/// text `1.0` and `1` are different canonical forms).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer (never 0).
    NegInt(i64),
    /// A float (finite in every parsed metric).
    Float(f64),
}

impl Number {
    /// The value as an `i64`, if it is an integer that fits.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::PosInt(v) => i64::try_from(v).ok(),
            Number::NegInt(v) => Some(v),
            Number::Float(_) => None,
        }
    }

    /// The value as a `u64`, if it is a non-negative integer.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Number::PosInt(v) => Some(v),
            _ => None,
        }
    }

    /// The value as an `f64` (rounded for integers above 2^53 in magnitude).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::PosInt(v) => v as f64,
            Number::NegInt(v) => v as f64,
            Number::Float(v) => v,
        }
    }

    /// Whether this is an integer.
    pub const fn is_integer(self) -> bool {
        !matches!(self, Number::Float(_))
    }

    /// Whether the sign is negative (a float `-0.0` is negative).
    pub fn is_sign_negative(self) -> bool {
        match self {
            Number::PosInt(_) => false,
            Number::NegInt(_) => true,
            Number::Float(v) => v.is_sign_negative(),
        }
    }

    /// Whether an integer lies in the spec's compatibility range (-2^53, 2^53),
    /// where every implementation that stores doubles keeps it exactly. Floats
    /// are doubles already and count as portable.
    pub fn is_portable(self) -> bool {
        const LIMIT: u64 = 1 << 53;
        match self {
            Number::PosInt(v) => v < LIMIT,
            Number::NegInt(v) => v.unsigned_abs() < LIMIT,
            Number::Float(_) => true,
        }
    }

    /// The integer `v`, normalised (`PosInt` for `v >= 0`).
    pub const fn from_i64(v: i64) -> Number {
        if v < 0 {
            Number::NegInt(v)
        } else {
            Number::PosInt(v as u64)
        }
    }
}

impl From<u64> for Number {
    fn from(v: u64) -> Self {
        Number::PosInt(v)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number::from_i64(v)
    }
}

impl From<f64> for Number {
    fn from(v: f64) -> Self {
        Number::Float(v)
    }
}

impl From<f32> for Number {
    /// The `f64` of the same value (`0.1f32` is `0.10000000149011612`).
    fn from(v: f32) -> Self {
        Number::Float(f64::from(v))
    }
}

macro_rules! number_from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Self {
                Number::PosInt(v as u64)
            }
        }
    )*};
}

macro_rules! number_from_signed {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Self {
                Number::from_i64(v as i64)
            }
        }
    )*};
}

number_from_unsigned!(u8, u16, u32, usize);
number_from_signed!(i8, i16, i32, isize);

impl From<core::time::Duration> for Number {
    /// A duration in milliseconds, the unit of timers: whole milliseconds as an
    /// integer, anything finer as a float (`1.5` for 1500 microseconds).
    ///
    /// ```
    /// use core::time::Duration;
    /// use statsd_wire::{Metric, MetricType, Number};
    /// assert_eq!(Number::from(Duration::from_millis(12)), Number::PosInt(12));
    /// assert_eq!(Number::from(Duration::from_micros(1500)), Number::Float(1.5));
    /// assert_eq!(Metric::new("rtt", MetricType::Timer, Duration::from_millis(3)).to_string(), "rtt:3|ms");
    /// ```
    fn from(d: core::time::Duration) -> Self {
        if d.subsec_nanos() % 1_000_000 == 0 {
            Number::PosInt(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        } else {
            Number::Float(d.as_secs_f64() * 1000.0)
        }
    }
}

impl fmt::Display for Number {
    /// The canonical text: integers in decimal without `+` or leading zeros,
    /// floats in their shortest round-trip form, always with a `.` or an exponent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = crate::encode::NumberBuf::new();
        f.write_str(buf.format(*self))
    }
}

/// The value of a metric.
///
/// Equality compares values: `Packed` with one number equals `Number` of that
/// number (both are written as one value).
#[derive(Clone, Copy, Debug)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum Value<'a> {
    /// A number, for every type but sets.
    Number(Number),
    /// The member text of a set, borrowed from the input.
    Set(&'a str),
    /// Several numbers in one line (dogstatsd dialect, every type but sets).
    Packed(Packed<'a>),
}

impl<'a> Value<'a> {
    /// The number, if this is one number.
    pub const fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Set(_) | Value::Packed(_) => None,
        }
    }

    /// The numbers, in order: one for [`Value::Number`], every packed value for
    /// [`Value::Packed`], none for a set.
    pub fn numbers(&self) -> Numbers<'a> {
        match self {
            Value::Number(n) => Numbers::One(Some(*n)),
            Value::Set(_) => Numbers::One(None),
            Value::Packed(p) => Numbers::Packed(p.iter()),
        }
    }
}

impl PartialEq for Value<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Set(a), Value::Set(b)) => a == b,
            (Value::Set(_), _) | (_, Value::Set(_)) => false,
            (a, b) => a.numbers().eq(b.numbers()),
        }
    }
}

/// The numbers of a [`Value`], from [`Value::numbers`].
#[derive(Clone, Debug)]
pub enum Numbers<'a> {
    /// One number (or none, for a set).
    One(Option<Number>),
    /// Packed values.
    Packed(PackedIter<'a>),
}

impl Iterator for Numbers<'_> {
    type Item = Number;

    fn next(&mut self) -> Option<Number> {
        match self {
            Numbers::One(n) => n.take(),
            Numbers::Packed(it) => it.next(),
        }
    }
}

/// One metric, borrowing its text from the input: parsing copies and allocates
/// nothing.
///
/// ```
/// use statsd_wire::{parse_line, Config, Metric, MetricType, Number, Value};
/// let m = parse_line(b"api.requests:3|c|@0.5", &Config::spec()).unwrap();
/// assert_eq!(m.name, "api.requests");
/// assert_eq!(m.kind, MetricType::Counter);
/// assert_eq!(m.value, Value::Number(Number::PosInt(3)));
/// assert_eq!(m.sample_rate, Some(0.5));
/// assert_eq!(m, Metric::new("api.requests", MetricType::Counter, 3u64).with_sample_rate(0.5));
/// assert_eq!(m.to_string(), "api.requests:3|c|@0.5");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct Metric<'a> {
    /// The name, exactly as on the wire (non-empty UTF-8 without `:`, `|` or
    /// control characters in every parsed metric).
    pub name: &'a str,
    /// The metric type.
    pub kind: MetricType,
    /// The value.
    pub value: Value<'a>,
    /// The sample rate written as `|@<rate>`, in `(0, 1]`; `None` when the line
    /// has none (the server then takes 1).
    pub sample_rate: Option<f64>,
    /// For gauges: the value is a change (the line's explicit `+` or `-` in a
    /// dialect with deltas), not the new value.
    pub delta: bool,
    /// The tag section (`|#...`), when the dialect has tags and the line has
    /// one; `Some` of an empty section for a bare `|#`.
    pub tags: Option<Tags<'a>>,
    /// The `|T<seconds>` field: a Unix timestamp (at least 1), dogstatsd.
    pub timestamp: Option<u64>,
    /// The `|c:<container id>` field's text, as written (`ci-abc,in-12`).
    pub container_id: Option<&'a str>,
    /// The `|e:<external data>` field's text, as written.
    pub external_data: Option<&'a str>,
    /// The `|card:<cardinality>` field.
    pub cardinality: Option<Cardinality>,
    /// The fields the dialect does not define, kept in order.
    pub unknown_fields: UnknownFields<'a>,
}

impl<'a> Metric<'a> {
    /// A metric with no sample rate, no delta and no tags.
    pub fn new(name: &'a str, kind: MetricType, value: impl Into<Number>) -> Self {
        Metric {
            name,
            kind,
            value: Value::Number(value.into()),
            sample_rate: None,
            delta: false,
            tags: None,
            timestamp: None,
            container_id: None,
            external_data: None,
            cardinality: None,
            unknown_fields: UnknownFields::NONE,
        }
    }

    /// A metric with several values (dogstatsd dialect; every type but sets).
    ///
    /// ```
    /// use statsd_wire::{Config, Metric, MetricType, Number, Packed};
    /// let values = [Number::PosInt(1), Number::Float(2.5)];
    /// let m = Metric::packed("latency", MetricType::Distribution, Packed::new(&values));
    /// let mut out = Vec::new();
    /// m.encode(&Config::dogstatsd(), &mut out).unwrap();
    /// assert_eq!(out, b"latency:1:2.5|d");
    /// ```
    pub fn packed(name: &'a str, kind: MetricType, values: Packed<'a>) -> Self {
        Metric {
            value: Value::Packed(values),
            ..Metric::new(name, kind, 0u64)
        }
    }

    /// A set metric with member `member`.
    pub fn set(name: &'a str, member: &'a str) -> Self {
        Metric {
            value: Value::Set(member),
            ..Metric::new(name, MetricType::Set, 0u64)
        }
    }

    /// A gauge change by `change` (written with an explicit sign; etsy dialect).
    pub fn gauge_delta(name: &'a str, change: impl Into<Number>) -> Self {
        let mut m = Metric::new(name, MetricType::Gauge, change);
        m.delta = true;
        m
    }

    /// The same metric with sample rate `rate`.
    pub fn with_sample_rate(mut self, rate: f64) -> Self {
        self.sample_rate = Some(rate);
        self
    }

    /// The same metric with tags (for dialects that have them).
    pub fn with_tags(mut self, tags: Tags<'a>) -> Self {
        self.tags = Some(tags);
        self
    }

    /// The same metric with a `|T` timestamp (Unix seconds; dogstatsd).
    pub fn with_timestamp(mut self, seconds: u64) -> Self {
        self.timestamp = Some(seconds);
        self
    }

    /// The numeric value, if the metric is not a set.
    pub const fn number(&self) -> Option<Number> {
        self.value.as_number()
    }

    /// Whether every integer value lies in the spec's compatibility range
    /// (-2^53, 2^53), which implementations that store doubles keep exactly
    /// (the spec: "for compatibility all values should be integers in the range
    /// (-2^53, 2^53)"). Not an error: a warning for tools to show.
    ///
    /// ```
    /// use statsd_wire::{parse_line, Config};
    /// let spec = Config::spec();
    /// assert!(parse_line(b"a:9007199254740991|c", &spec).unwrap().is_portable());
    /// assert!(!parse_line(b"a:9007199254740993|c", &spec).unwrap().is_portable());
    /// ```
    pub fn is_portable(&self) -> bool {
        self.value.numbers().all(Number::is_portable)
    }

    /// An owned copy.
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> OwnedMetric {
        OwnedMetric::from(self)
    }
}

#[cfg(feature = "alloc")]
pub use owned::{OwnedMetric, OwnedValue};

#[cfg(feature = "alloc")]
mod owned {
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;
    use core::fmt;

    use super::{Metric, MetricType, Number, Value};
    use crate::fields::{MessageKind, UnknownFields};
    use crate::message::Cardinality;
    use crate::packed::Packed;
    use crate::tags::Tags;

    /// The value of an [`OwnedMetric`].
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum OwnedValue {
        /// A number.
        Number(Number),
        /// A set member.
        Set(String),
        /// Packed values.
        Packed(Vec<Number>),
    }

    /// A [`Metric`] that owns its text, for keeping metrics beyond the input
    /// buffer.
    ///
    /// ```
    /// use statsd_wire::{parse_line, Config, OwnedMetric};
    /// let owned: OwnedMetric = {
    ///     let buf = b"users:alice|s".to_vec();
    ///     parse_line(&buf, &Config::etsy()).unwrap().into_owned()
    /// };
    /// assert_eq!(owned.to_string(), "users:alice|s");
    /// ```
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub struct OwnedMetric {
        /// The name.
        pub name: String,
        /// The metric type.
        pub kind: MetricType,
        /// The value.
        pub value: OwnedValue,
        /// The sample rate.
        pub sample_rate: Option<f64>,
        /// Whether a gauge value is a change.
        pub delta: bool,
        /// The tag section's wire text (without `|#`).
        pub tags: Option<String>,
        /// The `|T` timestamp.
        pub timestamp: Option<u64>,
        /// The `|c:` container id.
        pub container_id: Option<String>,
        /// The `|e:` external data.
        pub external_data: Option<String>,
        /// The `|card:` cardinality.
        pub cardinality: Option<Cardinality>,
        /// The unknown fields, joined by `|` (`None` when there is none).
        pub unknown_fields: Option<String>,
    }

    impl OwnedMetric {
        /// A borrowed view.
        pub fn as_metric(&self) -> Metric<'_> {
            Metric {
                name: &self.name,
                kind: self.kind,
                value: match &self.value {
                    OwnedValue::Number(n) => Value::Number(*n),
                    OwnedValue::Set(s) => Value::Set(s),
                    OwnedValue::Packed(v) => Value::Packed(Packed::new(v)),
                },
                sample_rate: self.sample_rate,
                delta: self.delta,
                tags: self.tags.as_deref().map(Tags::new),
                timestamp: self.timestamp,
                container_id: self.container_id.as_deref(),
                external_data: self.external_data.as_deref(),
                cardinality: self.cardinality,
                unknown_fields: UnknownFields::wire(
                    self.unknown_fields.as_deref(),
                    MessageKind::Metric,
                ),
            }
        }
    }

    impl fmt::Display for OwnedMetric {
        /// The canonical form, as [`Metric`]'s `Display`.
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Display::fmt(&self.as_metric(), f)
        }
    }

    impl From<Metric<'_>> for OwnedMetric {
        fn from(m: Metric<'_>) -> Self {
            let mut tags = None;
            if let Some(t) = m.tags {
                let mut text = String::new();
                let _ = t.write_wire(&mut text);
                tags = Some(text);
            }
            let mut unknown: Option<String> = None;
            for field in m.unknown_fields.iter() {
                match &mut unknown {
                    Some(text) => {
                        text.push('|');
                        text.push_str(field);
                    }
                    None => unknown = Some(field.to_string()),
                }
            }
            OwnedMetric {
                name: m.name.to_string(),
                kind: m.kind,
                value: match m.value {
                    Value::Number(n) => OwnedValue::Number(n),
                    Value::Set(s) => OwnedValue::Set(s.to_string()),
                    Value::Packed(p) => OwnedValue::Packed(p.iter().collect()),
                },
                sample_rate: m.sample_rate,
                delta: m.delta,
                tags,
                timestamp: m.timestamp,
                container_id: m.container_id.map(str::to_string),
                external_data: m.external_data.map(str::to_string),
                cardinality: m.cardinality,
                unknown_fields: unknown,
            }
        }
    }
}
