//! The data model: [`Metric`] borrows from the parsed input; [`OwnedMetric`]
//! (feature `alloc`) owns its text.

use core::fmt;

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
    /// `d`: a DogStatsD distribution (no dialect of this version has it; kept so
    /// the data model needs no change when one does).
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

impl fmt::Display for Number {
    /// The canonical text: integers in decimal without `+` or leading zeros,
    /// floats in their shortest round-trip form, always with a `.` or an exponent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = crate::encode::NumberBuf::new();
        f.write_str(buf.format(*self))
    }
}

/// The value of a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum Value<'a> {
    /// A number, for every type but sets.
    Number(Number),
    /// The member text of a set, borrowed from the input.
    Set(&'a str),
}

impl Value<'_> {
    /// The number, if this is one.
    pub const fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Set(_) => None,
        }
    }
}

/// The raw tag section of a line (the text after `|#`), iterated lazily. No
/// dialect of this version produces tags; the type is here so that the DogStatsD
/// dialect adds no new lifetime or field to [`Metric`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Tags<'a> {
    raw: &'a str,
}

impl<'a> Tags<'a> {
    /// Tags over the raw text of a tag section (`k:v,flag,...`, without `|#`).
    pub const fn new(raw: &'a str) -> Self {
        Tags { raw }
    }

    /// The raw text, as on the wire.
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// The tags in order, duplicates kept: `key:value` splits at the first `:`,
    /// a bare `key` has no value; empty items are skipped.
    ///
    /// ```
    /// use statsd_wire::Tags;
    /// let tags: Vec<_> = Tags::new("env:prod,canary,,url:http://x").iter().collect();
    /// assert_eq!(tags, [("env", Some("prod")), ("canary", None), ("url", Some("http://x"))]);
    /// ```
    pub fn iter(&self) -> TagIter<'a> {
        TagIter { rest: self.raw }
    }
}

impl<'a> IntoIterator for Tags<'a> {
    type Item = (&'a str, Option<&'a str>);
    type IntoIter = TagIter<'a>;

    fn into_iter(self) -> TagIter<'a> {
        self.iter()
    }
}

/// An iterator over the `(key, value)` pairs of [`Tags`].
#[derive(Clone, Debug)]
pub struct TagIter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for TagIter<'a> {
    type Item = (&'a str, Option<&'a str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let (item, rest) = match self.rest.find(',') {
                Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
                None => (self.rest, ""),
            };
            self.rest = rest;
            if item.is_empty() {
                continue;
            }
            return Some(match item.find(':') {
                Some(i) => (&item[..i], Some(&item[i + 1..])),
                None => (item, None),
            });
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
    /// The tag section, when the dialect has tags and the line has one.
    pub tags: Option<Tags<'a>>,
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
        }
    }

    /// A set metric with member `member`.
    pub fn set(name: &'a str, member: &'a str) -> Self {
        Metric {
            name,
            kind: MetricType::Set,
            value: Value::Set(member),
            sample_rate: None,
            delta: false,
            tags: None,
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
        self.number().is_none_or(Number::is_portable)
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

    use super::{Metric, MetricType, Number, Tags, Value};

    /// The value of an [`OwnedMetric`].
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum OwnedValue {
        /// A number.
        Number(Number),
        /// A set member.
        Set(String),
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
    /// assert_eq!(owned.as_metric().to_string(), "users:alice|s");
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
        /// The raw tag section.
        pub tags: Option<String>,
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
                },
                sample_rate: self.sample_rate,
                delta: self.delta,
                tags: self.tags.as_deref().map(Tags::new),
            }
        }
    }

    impl From<Metric<'_>> for OwnedMetric {
        fn from(m: Metric<'_>) -> Self {
            OwnedMetric {
                name: m.name.to_string(),
                kind: m.kind,
                value: match m.value {
                    Value::Number(n) => OwnedValue::Number(n),
                    Value::Set(s) => OwnedValue::Set(s.to_string()),
                },
                sample_rate: m.sample_rate,
                delta: m.delta,
                tags: m.tags.map(|t| t.as_str().to_string()),
            }
        }
    }
}
