//! [`Dialect`] and [`Config`]: which rules a line is read and written by.

use core::fmt;
use core::str::FromStr;

use crate::metric::MetricType;

/// A set of line-protocol rules. Real servers disagree; a dialect names one
/// consistent set of decisions, each pinned by vectors in `spec-vectors/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum Dialect {
    /// The StatsD Metrics Export Specification v0.1, strictly: types `g c ms h m`,
    /// the bare-name meter shorthand, a sample rate on counters only, JSON number
    /// grammar, the spec's integer ranges, `\n` line endings.
    #[default]
    Spec,
    /// What the Etsy daemon (`statsd/statsd`) accepts, minus its accidents:
    /// gauge `+`/`-` deltas, sets `|s`, a trailing `\r` tolerated, a sample rate
    /// on every type, a looser number grammar (`+1`, `.5`, `5.`, `007`); no bare
    /// names. Every decision is listed in `spec-vectors/README.md`.
    Etsy,
}

impl Dialect {
    /// Every dialect this version implements.
    pub const ALL: &'static [Dialect] = &[Dialect::Spec, Dialect::Etsy];

    /// The dialect's identifier (`"spec"`, `"etsy"`), as used by the adapter
    /// protocol and `spec-vectors/dialects.json`.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Spec => "spec",
            Dialect::Etsy => "etsy",
        }
    }

    /// The metric type that `code` (the text after the first `|`) names in this
    /// dialect, if any. Type codes are case-sensitive.
    pub fn metric_type(self, code: &[u8]) -> Option<MetricType> {
        let t = match code {
            b"c" => MetricType::Counter,
            b"g" => MetricType::Gauge,
            b"ms" => MetricType::Timer,
            b"h" => MetricType::Histogram,
            b"m" => MetricType::Meter,
            b"s" => MetricType::Set,
            _ => return None,
        };
        self.supports(t).then_some(t)
    }

    /// Whether the dialect has metric type `t`.
    pub const fn supports(self, t: MetricType) -> bool {
        match self {
            Dialect::Spec => !matches!(t, MetricType::Set | MetricType::Distribution),
            Dialect::Etsy => !matches!(t, MetricType::Distribution),
        }
    }

    /// Whether a `|@<rate>` field may follow a metric of type `t`.
    pub const fn allows_sample_rate(self, t: MetricType) -> bool {
        match self {
            Dialect::Spec => matches!(t, MetricType::Counter),
            Dialect::Etsy => true,
        }
    }

    /// Whether an explicit `+` or `-` on a gauge value means "change the gauge by
    /// this much".
    pub const fn has_gauge_deltas(self) -> bool {
        matches!(self, Dialect::Etsy)
    }

    /// Whether a line that is only `<name>` is a meter mark of 1.
    pub const fn has_bare_name_meter(self) -> bool {
        matches!(self, Dialect::Spec)
    }

    /// Whether one `\r` right before the end of a line is dropped.
    pub const fn strips_trailing_cr(self) -> bool {
        matches!(self, Dialect::Etsy)
    }

    /// Whether the dialect has tags (`|#...`).
    pub const fn has_tags(self) -> bool {
        false
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`Dialect::from_str`] is not a dialect this version knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownDialect;

impl fmt::Display for UnknownDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown dialect (expected one of: spec, etsy)")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownDialect {}

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::ALL
            .iter()
            .copied()
            .find(|d| d.name() == s)
            .ok_or(UnknownDialect)
    }
}

/// How to parse and encode: the [`Dialect`] and the limits. The default is the
/// strict `spec` dialect with [`Config::DEFAULT_MAX_LINE_LEN`].
///
/// ```
/// use statsd_wire::{Config, Dialect};
/// let config = Config::etsy().with_max_line_len(1432);
/// assert_eq!(config.dialect(), Dialect::Etsy);
/// assert_eq!(config.max_line_len(), 1432);
/// assert_eq!(Config::default(), Config::spec());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    dialect: Dialect,
    max_line_len: usize,
}

impl Config {
    /// The default longest line, in bytes, not counting its `\n`: 8192 (the
    /// largest datagram brubeck reads; far above the 1432 bytes clients pack).
    pub const DEFAULT_MAX_LINE_LEN: usize = 8192;

    /// A configuration for `dialect` with the default limits.
    pub const fn new(dialect: Dialect) -> Self {
        Config {
            dialect,
            max_line_len: Self::DEFAULT_MAX_LINE_LEN,
        }
    }

    /// The strict `spec` dialect.
    pub const fn spec() -> Self {
        Config::new(Dialect::Spec)
    }

    /// The `etsy` dialect.
    pub const fn etsy() -> Self {
        Config::new(Dialect::Etsy)
    }

    /// The same configuration with another longest line (in bytes, not counting
    /// the `\n`; a tolerated `\r` counts).
    pub const fn with_max_line_len(mut self, max: usize) -> Self {
        self.max_line_len = max;
        self
    }

    /// The dialect.
    pub const fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The longest line accepted, in bytes.
    pub const fn max_line_len(&self) -> usize {
        self.max_line_len
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::spec()
    }
}

impl From<Dialect> for Config {
    fn from(d: Dialect) -> Self {
        Config::new(d)
    }
}
