//! [`MetricView`]: a metric seen as what its type means, so a caller matches
//! once instead of matching the type and then the value.

use crate::metric::{Metric, MetricType, Number, Numbers, Value};

/// The numbers of a numeric metric: one, or several packed in one line
/// (DogStatsD). Never empty in a parsed metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Samples<'a> {
    value: Value<'a>,
}

impl<'a> Samples<'a> {
    /// The numbers in order.
    pub fn iter(&self) -> Numbers<'a> {
        self.value.numbers()
    }

    /// The number, when there is exactly one.
    pub fn single(&self) -> Option<Number> {
        let mut it = self.iter();
        let first = it.next()?;
        it.next().is_none().then_some(first)
    }

    /// The last number (what a gauge ends up holding).
    pub fn last(&self) -> Option<Number> {
        self.iter().last()
    }

    /// How many numbers.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there is no number (never, for a parsed metric).
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl<'a> IntoIterator for Samples<'a> {
    type Item = Number;
    type IntoIter = Numbers<'a>;

    fn into_iter(self) -> Numbers<'a> {
        self.iter()
    }
}

/// What a metric means, by type. Rates are explicit: `1.0` when the line has
/// none.
///
/// ```
/// use statsd_wire::{parse_datagram, Config, MetricView};
/// let mut total = 0.0;
/// for m in parse_datagram(b"hits:3|c|@0.5\nusers:+2|g\nrtt:12|ms", &Config::etsy()).flatten() {
///     match m.view() {
///         Some(MetricView::Counter { samples, rate }) => {
///             total += samples.iter().map(|n| n.as_f64() / rate).sum::<f64>();
///         }
///         Some(MetricView::GaugeDelta { change }) => assert_eq!(change.as_i64(), Some(2)),
///         Some(MetricView::Timer { samples, .. }) => assert_eq!(samples.single().unwrap().as_u64(), Some(12)),
///         _ => {}
///     }
/// }
/// assert_eq!(total, 6.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum MetricView<'a> {
    /// `c`: add `value / rate` to the counter, for each value.
    Counter {
        /// The values.
        samples: Samples<'a>,
        /// The sample rate (1.0 when the line has none).
        rate: f64,
    },
    /// `g`: the gauge's new value (the last one, when packed).
    Gauge {
        /// The values.
        samples: Samples<'a>,
    },
    /// `g` with an explicit sign in a dialect with deltas: change the gauge.
    GaugeDelta {
        /// The signed change.
        change: Number,
    },
    /// `ms`: durations in milliseconds.
    Timer {
        /// The values.
        samples: Samples<'a>,
        /// The sample rate.
        rate: f64,
    },
    /// `h`: a histogram's values.
    Histogram {
        /// The values.
        samples: Samples<'a>,
        /// The sample rate.
        rate: f64,
    },
    /// `d`: a DogStatsD distribution's values.
    Distribution {
        /// The values.
        samples: Samples<'a>,
        /// The sample rate.
        rate: f64,
    },
    /// `m`: meter marks.
    Meter {
        /// The values.
        samples: Samples<'a>,
        /// The sample rate.
        rate: f64,
    },
    /// `s`: a set member.
    Set {
        /// The member.
        member: &'a str,
    },
}

impl<'a> Metric<'a> {
    /// The metric as what its type means. `None` only for a metric built with a
    /// value that does not fit its type (a set with a number, a counter with a
    /// member, packed values on a gauge delta); the parser never produces one.
    pub fn view(&self) -> Option<MetricView<'a>> {
        let rate = self.sample_rate.unwrap_or(1.0);
        let samples = match self.value {
            Value::Set(member) => {
                return (self.kind == MetricType::Set).then_some(MetricView::Set { member });
            }
            value => Samples { value },
        };
        Some(match self.kind {
            MetricType::Counter => MetricView::Counter { samples, rate },
            MetricType::Gauge if self.delta => MetricView::GaugeDelta {
                change: samples.single()?,
            },
            MetricType::Gauge => MetricView::Gauge { samples },
            MetricType::Timer => MetricView::Timer { samples, rate },
            MetricType::Histogram => MetricView::Histogram { samples, rate },
            MetricType::Distribution => MetricView::Distribution { samples, rate },
            MetricType::Meter => MetricView::Meter { samples, rate },
            MetricType::Set => return None,
        })
    }
}
