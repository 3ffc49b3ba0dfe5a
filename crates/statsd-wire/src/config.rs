//! [`Dialect`] and [`Config`]: which rules a line is read and written by.

use core::fmt;
use core::str::FromStr;

use crate::metric::MetricType;

/// A set of line-protocol rules. Real servers disagree; a dialect names one
/// consistent set of decisions, each pinned by vectors in `spec-vectors/`.
///
/// The rules are data: each dialect is one row of [`Rules`], and the parser and
/// encoder ask the row, never the dialect's name.
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
    /// DogStatsD as the Datadog Agent reads it, minus its accidents: types
    /// `c g ms h s d`, packed values (`a:1:2:3|d`), absolute gauges, the fields
    /// `|@rate`, `|#tags`, `|T<seconds>`, `|c:`, `|e:`, `|card:` in any order,
    /// events (`_e{...}`) and service checks (`_sc|...`), one trailing `\r`
    /// tolerated. What the Agent accepts but its documentation forbids (a rate
    /// outside `(0, 1]`, a repeated or unknown field, an empty tag, a name
    /// outside `[A-Za-z0-9_.]`) is accepted with a [`Warning`](crate::Warning).
    DogStatsd,
}

/// Which number grammar a dialect reads values and rates with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NumberGrammar {
    /// JSON numbers: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    Json,
    /// Decimal numbers with an optional sign, leading zeros, `.5` and `5.`:
    /// `[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?`.
    Decimal,
    /// Unsigned decimals without exponent: `[0-9]+(\.[0-9]*)?|\.[0-9]+`.
    PlainDecimal,
}

/// Which values a numeric metric may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueRange {
    /// The spec's ranges: counters (and gauge deltas) `(-2^63, 2^63)`, every
    /// other type `[0, 2^64)`, for integers and floats alike.
    PerType,
    /// Any number the data model holds exactly: integers in `(-2^63, 2^64)`,
    /// any finite float (DogStatsD values are doubles of either sign).
    Any,
}

/// What happens to something the dialect's documentation forbids but its
/// reference server accepts (a repeated field, an unknown field, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Leniency {
    /// The line is rejected.
    Reject,
    /// The line is accepted, the data kept (a repeated field: the last one
    /// wins), and a [`Warning`](crate::Warning) reported.
    Warn,
}

/// The rules of one dialect, as data. [`Dialect::rules`] gives each dialect's
/// row; the parser and encoder read nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Rules {
    /// The metric types, by wire code.
    pub types: &'static [MetricType],
    /// The types that may carry `|@<rate>`.
    pub sample_rate_types: &'static [MetricType],
    /// An explicit `+`/`-` on a gauge is a change, not the new value.
    pub gauge_deltas: bool,
    /// A line that is only `<name>` is a meter mark of 1.
    pub bare_name_meter: bool,
    /// One `\r` right before the end of a line is dropped.
    pub strips_trailing_cr: bool,
    /// The grammar of values.
    pub value_grammar: NumberGrammar,
    /// The grammar of sample rates.
    pub rate_grammar: NumberGrammar,
    /// The allowed values.
    pub value_range: ValueRange,
    /// Several `:`-separated values in one line (DogStatsD protocol 1.1),
    /// for every type but sets.
    pub packed_values: bool,
    /// A set member may hold `:` (it is the raw text up to the type).
    pub set_member_colon: bool,
    /// The DogStatsD fields (`|#tags`, `|T`, `|c:`, `|e:`, `|card:`), events
    /// and service checks.
    pub dogstatsd_fields: bool,
    /// A sample rate outside `(0, 1]` (still a finite number).
    pub rate_out_of_range: Leniency,
    /// A repeated field, an unknown or empty field.
    pub odd_fields: Leniency,
}

const SPEC_TYPES: &[MetricType] = &[
    MetricType::Gauge,
    MetricType::Counter,
    MetricType::Timer,
    MetricType::Histogram,
    MetricType::Meter,
];
const ETSY_TYPES: &[MetricType] = &[
    MetricType::Gauge,
    MetricType::Counter,
    MetricType::Timer,
    MetricType::Histogram,
    MetricType::Meter,
    MetricType::Set,
];
const DOGSTATSD_TYPES: &[MetricType] = &[
    MetricType::Gauge,
    MetricType::Counter,
    MetricType::Timer,
    MetricType::Histogram,
    MetricType::Set,
    MetricType::Distribution,
];

const SPEC_RULES: Rules = Rules {
    types: SPEC_TYPES,
    sample_rate_types: &[MetricType::Counter],
    gauge_deltas: false,
    bare_name_meter: true,
    strips_trailing_cr: false,
    value_grammar: NumberGrammar::Json,
    rate_grammar: NumberGrammar::Json,
    value_range: ValueRange::PerType,
    packed_values: false,
    set_member_colon: false,
    dogstatsd_fields: false,
    rate_out_of_range: Leniency::Reject,
    odd_fields: Leniency::Reject,
};

const ETSY_RULES: Rules = Rules {
    types: ETSY_TYPES,
    sample_rate_types: ETSY_TYPES,
    gauge_deltas: true,
    bare_name_meter: false,
    strips_trailing_cr: true,
    value_grammar: NumberGrammar::Decimal,
    rate_grammar: NumberGrammar::PlainDecimal,
    value_range: ValueRange::PerType,
    packed_values: false,
    set_member_colon: false,
    dogstatsd_fields: false,
    rate_out_of_range: Leniency::Reject,
    odd_fields: Leniency::Reject,
};

const DOGSTATSD_RULES: Rules = Rules {
    types: DOGSTATSD_TYPES,
    sample_rate_types: DOGSTATSD_TYPES,
    gauge_deltas: false,
    bare_name_meter: false,
    strips_trailing_cr: true,
    value_grammar: NumberGrammar::Decimal,
    rate_grammar: NumberGrammar::Decimal,
    value_range: ValueRange::Any,
    packed_values: true,
    set_member_colon: true,
    dogstatsd_fields: true,
    rate_out_of_range: Leniency::Warn,
    odd_fields: Leniency::Warn,
};

impl Dialect {
    /// Every dialect this version implements.
    pub const ALL: &'static [Dialect] = &[Dialect::Spec, Dialect::Etsy, Dialect::DogStatsd];

    /// The dialect's identifier (`"spec"`, `"etsy"`, `"dogstatsd"`), as used by
    /// the adapter protocol and `spec-vectors/dialects.json`.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Spec => "spec",
            Dialect::Etsy => "etsy",
            Dialect::DogStatsd => "dogstatsd",
        }
    }

    /// The dialect's rules.
    ///
    /// ```
    /// use statsd_wire::{Dialect, MetricType};
    /// assert!(Dialect::DogStatsd.rules().packed_values);
    /// assert!(!Dialect::DogStatsd.rules().types.contains(&MetricType::Meter));
    /// ```
    pub const fn rules(self) -> &'static Rules {
        match self {
            Dialect::Spec => &SPEC_RULES,
            Dialect::Etsy => &ETSY_RULES,
            Dialect::DogStatsd => &DOGSTATSD_RULES,
        }
    }

    /// The metric type that `code` (the text after the first `|`) names in this
    /// dialect, if any. Type codes are case-sensitive.
    #[inline]
    pub fn metric_type(self, code: &[u8]) -> Option<MetricType> {
        let t = MetricType::from_code_bytes(code)?;
        self.supports(t).then_some(t)
    }

    /// Whether the dialect has metric type `t`.
    #[inline]
    pub fn supports(self, t: MetricType) -> bool {
        self.rules().types.contains(&t)
    }

    /// Whether a `|@<rate>` field may follow a metric of type `t`.
    #[inline]
    pub fn allows_sample_rate(self, t: MetricType) -> bool {
        self.rules().sample_rate_types.contains(&t)
    }

    /// Whether an explicit `+` or `-` on a gauge value means "change the gauge by
    /// this much".
    pub const fn has_gauge_deltas(self) -> bool {
        self.rules().gauge_deltas
    }

    /// Whether a line that is only `<name>` is a meter mark of 1.
    pub const fn has_bare_name_meter(self) -> bool {
        self.rules().bare_name_meter
    }

    /// Whether one `\r` right before the end of a line is dropped.
    pub const fn strips_trailing_cr(self) -> bool {
        self.rules().strips_trailing_cr
    }

    /// Whether the dialect has tags (`|#...`) and the other DogStatsD fields,
    /// events and service checks.
    pub const fn has_tags(self) -> bool {
        self.rules().dogstatsd_fields
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
        f.write_str("unknown dialect (expected one of: spec, etsy, dogstatsd)")
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

    /// The `dogstatsd` dialect.
    pub const fn dogstatsd() -> Self {
        Config::new(Dialect::DogStatsd)
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
