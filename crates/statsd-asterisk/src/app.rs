//! The `StatsD()` dialplan application (`apps/app_statsd.c`, `statsd_exec`):
//! every validation, in Asterisk's order, with Asterisk's log messages.
//!
//! `statsd_exec` checks, and stops at the first failure:
//!
//! 1. the application data is not NULL (only possible outside the dialplan:
//!    `pbx_exec` passes `""` for `StatsD()`): `No parameters were provided. ...`;
//! 2. `metric_type` is present and is exactly (case-sensitively) `g`, `s`, `ms`
//!    or `c`: `Missing metric type argument.` / `Invalid metric type %s.`;
//! 3. per type, with a final `Invalid input for a <type> metric.`:
//!    * the value is present and non-empty: `Missing value argument.`;
//!    * the name is present, non-empty and has no `|`: `Statistic name %s is
//!      missing or contains a pipe (|) character.`;
//!    * `g`, `c`: one leading `+`/`-` is allowed but not alone (`Value argument
//!      %s only contains a sign operator.`), the rest must match
//!      `^[0-9]*\.?[0-9]*$` (`%s is not a number!`), then `strtod` of the whole
//!      value must lie in [-2^63, 2^63] (`WARNING Value %lf out of range!`);
//!    * `ms`: the whole value must match `^[0-9]*\.?[0-9]*$` (no sign), then lie
//!      in [0, 2^64];
//!    * `s`: the value must not contain `|` (`Pipe (|) character is not allowed
//!      for value %s in a set metric.`);
//! 4. if a fourth argument exists (even empty), it must match
//!    `^[0-9]*\.?[0-9]*$` (`%s is not a number!`); the rate is its `strtod`
//!    (so `""` and `"."` give 0), 1.0 without a fourth argument.
//!
//! A failing `StatsD()` returns 1, which ends the channel's dialplan (the call
//! is hung up); nothing is sent.
//!
//! ```
//! use statsd_asterisk::app::{statsd_exec, MetricType};
//!
//! let call = statsd_exec(Some("g,confBridgeUsers,+1,1")).unwrap();
//! assert_eq!(call.metric_type, MetricType::Gauge);
//! assert_eq!((call.name.as_str(), call.value.as_str(), call.sample_rate), ("confBridgeUsers", "+1", 1.0));
//!
//! let err = statsd_exec(Some("ms,rtt,-1")).unwrap_err();
//! assert_eq!(err.to_string(), r#"ERROR "-1 is not a number!"; ERROR "Invalid input for a timer metric.""#);
//! ```

use core::fmt;

use thiserror::Error;

use crate::args::{Arg, StatsdArgs};
use crate::cfmt::format_fixed;

/// The metric types the application accepts (`valid_metrics[]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// `g`.
    Gauge,
    /// `s`.
    Set,
    /// `ms`.
    Timer,
    /// `c`.
    Counter,
}

impl MetricType {
    /// Every type, in the order of `valid_metrics[]`.
    pub const ALL: [MetricType; 4] = [
        MetricType::Gauge,
        MetricType::Set,
        MetricType::Timer,
        MetricType::Counter,
    ];

    /// The type code sent on the wire: `g`, `s`, `ms` or `c`.
    pub const fn code(self) -> &'static str {
        match self {
            MetricType::Gauge => "g",
            MetricType::Set => "s",
            MetricType::Timer => "ms",
            MetricType::Counter => "c",
        }
    }

    /// The type for a code, compared case-sensitively like `strcmp`.
    pub fn from_code(code: &str) -> Option<MetricType> {
        MetricType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The word used in `Invalid input for a <word> metric.`.
    pub const fn noun(self) -> &'static str {
        match self {
            MetricType::Gauge => "gauge",
            MetricType::Set => "set",
            MetricType::Timer => "timer",
            MetricType::Counter => "counter",
        }
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An Asterisk log level used by the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogLevel {
    /// `LOG_ERROR`.
    Error,
    /// `LOG_WARNING`.
    Warning,
}

/// One line the application writes to Asterisk's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// The level.
    pub level: LogLevel,
    /// The message, without the trailing newline.
    pub message: String,
}

impl LogLine {
    fn error(message: impl Into<String>) -> Self {
        LogLine {
            level: LogLevel::Error,
            message: message.into(),
        }
    }

    fn warning(message: impl Into<String>) -> Self {
        LogLine {
            level: LogLevel::Warning,
            message: message.into(),
        }
    }
}

impl fmt::Display for LogLine {
    /// `ERROR "<message>"` or `WARNING "<message>"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            LogLevel::Error => "ERROR",
            LogLevel::Warning => "WARNING",
        };
        write!(f, "{level} \"{}\"", self.message)
    }
}

/// Which check refused the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RejectReason {
    /// The application data was NULL.
    NoParameters,
    /// No or empty `metric_type`.
    MissingMetricType,
    /// `metric_type` is not `g`, `s`, `ms` or `c`.
    InvalidMetricType,
    /// No or empty value.
    MissingValue,
    /// The name is missing, empty or contains `|`.
    InvalidName,
    /// A `g`/`c` value that is only `+` or `-`.
    SignOnly,
    /// The value does not match `^[0-9]*\.?[0-9]*$` (after one sign for `g`/`c`).
    NotANumber,
    /// The value is outside [-2^63, 2^63] (`g`, `c`) or [0, 2^64] (`ms`).
    OutOfRange,
    /// A set value contains `|`.
    PipeInSetValue,
    /// The sample rate does not match `^[0-9]*\.?[0-9]*$`.
    InvalidSampleRate,
}

/// Which `StatsD()` argument a rejection is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgSlot {
    /// `metric_type`.
    MetricType,
    /// `statistic_name`.
    StatisticName,
    /// `value`.
    Value,
    /// `sample_rate`.
    SampleRate,
}

/// `StatsD()` refused the call: nothing is sent and the application returns 1,
/// which stops the channel's dialplan.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{}", join_log(.log))]
pub struct Rejection {
    /// The failed check.
    pub reason: RejectReason,
    /// The argument at fault, if any.
    pub slot: Option<ArgSlot>,
    /// Where that argument is in the application data (a byte range), if known.
    pub span: Option<core::ops::Range<usize>>,
    /// Everything Asterisk logs for this call, in order.
    pub log: Vec<LogLine>,
}

fn join_log(log: &[LogLine]) -> String {
    log.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Rejection {
    /// The first `ERROR`/`WARNING` message: the specific complaint.
    pub fn primary_message(&self) -> &str {
        self.log.first().map_or("", |l| l.message.as_str())
    }
}

/// A call `StatsD()` accepts and passes to `ast_statsd_log_string`.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsdCall {
    /// The metric type.
    pub metric_type: MetricType,
    /// The statistic name, verbatim (it may contain `:`, spaces, newlines, ...).
    pub name: String,
    /// The value text, verbatim: it is never normalised (`+.`, `007`, `1.`).
    pub value: String,
    /// The sample rate as `strtod` reads it; 1.0 without a fourth argument.
    pub sample_rate: f64,
    /// The fourth argument as written, if there was one (possibly empty).
    pub sample_rate_text: Option<String>,
}

/// The message of `ast_log(..., "No parameters were provided. ...")`.
pub const NO_PARAMETERS_MESSAGE: &str = "No parameters were provided. Correct format is StatsD(metric_type,statistic_name,value[,sample_rate]). Sample rate is the only optional parameter.";

/// `validate_numeric`: every byte is a digit, except that one non-digit byte is
/// tolerated when the string contains a `.` (so it can only be that `.`).
/// Equivalent to `^[0-9]*\.?[0-9]*$`, empty string and lone `.` included.
pub fn validate_numeric(text: &str) -> bool {
    let has_dot = text.contains('.');
    let mut decimal_counter = 0;
    for b in text.bytes() {
        if !b.is_ascii_digit() {
            if has_dot && decimal_counter == 0 {
                decimal_counter += 1;
                continue;
            }
            return false;
        }
    }
    true
}

/// C's `strtod` on a string matching `^[+-]?[0-9]*\.?[0-9]*$` (the only
/// strings the application converts): correctly rounded; 0 when there is no
/// digit at all (`""`, `"."`, `"+."`), as `strtod` performs no conversion.
pub fn c_strtod(text: &str) -> f64 {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if !body.bytes().any(|b| b.is_ascii_digit()) {
        return 0.0;
    }
    let mut normalized = String::with_capacity(body.len() + 2);
    if body.starts_with('.') {
        normalized.push('0');
    }
    normalized.push_str(body);
    if body.ends_with('.') {
        normalized.push('0');
    }
    let magnitude = normalized.parse::<f64>().unwrap_or(0.0);
    if negative { -magnitude } else { magnitude }
}

/// `pow(-2, 63)`, `pow(2, 63)` and `pow(2, 64)` as doubles.
const MIN_SIGNED: f64 = -9_223_372_036_854_775_808.0;
const MAX_SIGNED: f64 = 9_223_372_036_854_775_808.0;
const MAX_UNSIGNED: f64 = 18_446_744_073_709_551_616.0;

struct Check {
    reason: RejectReason,
    slot: ArgSlot,
    log: Vec<LogLine>,
}

impl Check {
    fn new(reason: RejectReason, slot: ArgSlot, line: LogLine) -> Self {
        Check {
            reason,
            slot,
            log: vec![line],
        }
    }
}

fn text(arg: &Option<Arg>) -> Option<&str> {
    arg.as_ref().map(|a| a.text.as_str())
}

/// `validate_name`.
fn validate_name(name: Option<&str>) -> Result<(), Check> {
    match name {
        Some(n) if !n.is_empty() && !n.contains('|') => Ok(()),
        other => Err(Check::new(
            RejectReason::InvalidName,
            ArgSlot::StatisticName,
            LogLine::error(format!(
                "Statistic name {} is missing or contains a pipe (|) character.",
                other.unwrap_or("(null)")
            )),
        )),
    }
}

fn not_a_number(text: &str, slot: ArgSlot) -> Check {
    let reason = if slot == ArgSlot::SampleRate {
        RejectReason::InvalidSampleRate
    } else {
        RejectReason::NotANumber
    };
    Check::new(
        reason,
        slot,
        LogLine::error(format!("{text} is not a number!")),
    )
}

fn out_of_range(value: f64) -> Check {
    Check::new(
        RejectReason::OutOfRange,
        ArgSlot::Value,
        LogLine::warning(format!("Value {} out of range!", format_fixed(value, 6))),
    )
}

/// `determine_actual_value` then `value_in_range` (gauges and counters).
fn validate_signed(value: &str) -> Result<(), Check> {
    let actual = match value.as_bytes().first() {
        Some(b'+' | b'-') => {
            let rest = &value[1..];
            if rest.is_empty() {
                return Err(Check::new(
                    RejectReason::SignOnly,
                    ArgSlot::Value,
                    LogLine::error(format!(
                        "Value argument {value} only contains a sign operator."
                    )),
                ));
            }
            rest
        }
        _ => value,
    };
    if !validate_numeric(actual) {
        return Err(not_a_number(actual, ArgSlot::Value));
    }
    let v = c_strtod(value);
    // Written as in app_statsd.c (a NaN would compare false both ways and pass).
    #[allow(clippy::manual_range_contains)]
    if v < MIN_SIGNED || v > MAX_SIGNED {
        return Err(out_of_range(v));
    }
    Ok(())
}

/// `validate_numeric` then `non_neg_value_range` (timers).
fn validate_unsigned(value: &str) -> Result<(), Check> {
    if !validate_numeric(value) {
        return Err(not_a_number(value, ArgSlot::Value));
    }
    let v = c_strtod(value);
    #[allow(clippy::manual_range_contains)]
    if v < 0.0 || v > MAX_UNSIGNED {
        return Err(out_of_range(v));
    }
    Ok(())
}

/// `validate_metric_type_{gauge,counter,timer,set}`.
fn validate_for_type(t: MetricType, name: Option<&str>, value: Option<&str>) -> Result<(), Check> {
    let value = match value {
        Some(v) if !v.is_empty() => v,
        _ => {
            return Err(Check::new(
                RejectReason::MissingValue,
                ArgSlot::Value,
                LogLine::error("Missing value argument."),
            ));
        }
    };
    validate_name(name)?;
    match t {
        MetricType::Gauge | MetricType::Counter => validate_signed(value),
        MetricType::Timer => validate_unsigned(value),
        MetricType::Set => {
            if value.contains('|') {
                Err(Check::new(
                    RejectReason::PipeInSetValue,
                    ArgSlot::Value,
                    LogLine::error(format!(
                        "Pipe (|) character is not allowed for value {value} in a set metric."
                    )),
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// Runs `statsd_exec` on already split arguments.
pub fn validate(args: &StatsdArgs) -> Result<StatsdCall, Rejection> {
    let span_of = |slot: ArgSlot| {
        let arg = match slot {
            ArgSlot::MetricType => &args.metric_type,
            ArgSlot::StatisticName => &args.statistic_name,
            ArgSlot::Value => &args.value,
            ArgSlot::SampleRate => &args.sample_rate,
        };
        arg.as_ref().map(|a| a.span.clone())
    };
    let reject = |check: Check| Rejection {
        reason: check.reason,
        slot: Some(check.slot),
        span: span_of(check.slot),
        log: check.log,
    };

    // validate_metric
    let metric_type = match text(&args.metric_type) {
        None | Some("") => {
            return Err(reject(Check::new(
                RejectReason::MissingMetricType,
                ArgSlot::MetricType,
                LogLine::error("Missing metric type argument."),
            )));
        }
        Some(code) => match MetricType::from_code(code) {
            Some(t) => t,
            None => {
                return Err(reject(Check::new(
                    RejectReason::InvalidMetricType,
                    ArgSlot::MetricType,
                    LogLine::error(format!("Invalid metric type {code}.")),
                )));
            }
        },
    };

    let name = text(&args.statistic_name);
    let value = text(&args.value);
    if let Err(mut check) = validate_for_type(metric_type, name, value) {
        check.log.push(LogLine::error(format!(
            "Invalid input for a {} metric.",
            metric_type.noun()
        )));
        return Err(reject(check));
    }

    let mut sample_rate = 1.0;
    if let Some(rate) = text(&args.sample_rate) {
        if !validate_numeric(rate) {
            return Err(reject(not_a_number(rate, ArgSlot::SampleRate)));
        }
        sample_rate = c_strtod(rate);
    }

    Ok(StatsdCall {
        metric_type,
        name: name.unwrap_or_default().to_string(),
        value: value.unwrap_or_default().to_string(),
        sample_rate,
        sample_rate_text: text(&args.sample_rate).map(str::to_string),
    })
}

/// `statsd_exec(chan, data)`: splits the application data with
/// `AST_STANDARD_APP_ARGS` and validates it. `None` is a NULL `data` (the
/// dialplan always passes at least `""`).
///
/// ```
/// use statsd_asterisk::app::{statsd_exec, RejectReason};
/// assert_eq!(statsd_exec(Some("")).unwrap_err().reason, RejectReason::MissingMetricType);
/// assert_eq!(statsd_exec(None).unwrap_err().reason, RejectReason::NoParameters);
/// let call = statsd_exec(Some("c,calls,1,")).unwrap();
/// assert_eq!(call.sample_rate, 0.0); // empty rate: strtod("") == 0, never sent
/// ```
pub fn statsd_exec(data: Option<&str>) -> Result<StatsdCall, Rejection> {
    match data {
        None => Err(Rejection {
            reason: RejectReason::NoParameters,
            slot: None,
            span: None,
            log: vec![LogLine::error(NO_PARAMETERS_MESSAGE)],
        }),
        Some(data) => validate(&StatsdArgs::split(data)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(data: &str) -> Rejection {
        match statsd_exec(Some(data)) {
            Err(r) => r,
            Ok(call) => panic!("{data} accepted: {call:?}"),
        }
    }

    fn messages(data: &str) -> Vec<String> {
        reject(data)
            .log
            .into_iter()
            .map(|l| l.to_string())
            .collect()
    }

    fn accept(data: &str) -> StatsdCall {
        match statsd_exec(Some(data)) {
            Ok(c) => c,
            Err(r) => panic!("{data} rejected: {r}"),
        }
    }

    #[test]
    fn numeric_grammar() {
        for ok in [
            "",
            ".",
            "0",
            "007",
            "1.",
            ".5",
            "12.5",
            "18446744073709551616",
        ] {
            assert!(validate_numeric(ok), "{ok:?}");
        }
        for bad in [
            "+1", "-1", "1e3", " 1", "1 ", "0x10", "1..2", "1.2.3", "x.", ".x", "inf", "1,5", "é",
        ] {
            assert!(!validate_numeric(bad), "{bad:?}");
        }
    }

    #[test]
    fn strtod_cases() {
        assert_eq!(c_strtod(""), 0.0);
        assert_eq!(c_strtod("."), 0.0);
        assert_eq!(c_strtod("+."), 0.0);
        assert_eq!(c_strtod("1."), 1.0);
        assert_eq!(c_strtod(".5"), 0.5);
        assert_eq!(c_strtod("-5"), -5.0);
        assert_eq!(c_strtod("9223372036854776832"), MAX_SIGNED);
        assert_eq!(c_strtod("9223372036854776833"), 9_223_372_036_854_777_856.0);
        assert_eq!(c_strtod(&"9".repeat(400)), f64::INFINITY);
    }

    #[test]
    fn metric_type_checks() {
        assert_eq!(messages(""), [r#"ERROR "Missing metric type argument.""#]);
        assert_eq!(
            messages(",x,1"),
            [r#"ERROR "Missing metric type argument.""#]
        );
        for t in ["h", "m", "d", "G", "C", "MS", "gauge", " g"] {
            assert_eq!(
                messages(&format!("{t},x,1")),
                [format!(r#"ERROR "Invalid metric type {t}.""#)]
            );
            assert_eq!(
                reject(&format!("{t},x,1")).reason,
                RejectReason::InvalidMetricType
            );
        }
        let r = statsd_exec(None).unwrap_err();
        assert_eq!(r.log, [LogLine::error(NO_PARAMETERS_MESSAGE)]);
    }

    #[test]
    fn missing_value_comes_before_the_name() {
        assert_eq!(
            messages("g"),
            [
                r#"ERROR "Missing value argument.""#,
                r#"ERROR "Invalid input for a gauge metric.""#
            ]
        );
        assert_eq!(
            messages("s,,"),
            [
                r#"ERROR "Missing value argument.""#,
                r#"ERROR "Invalid input for a set metric.""#
            ]
        );
        assert_eq!(reject("c,x").reason, RejectReason::MissingValue);
    }

    #[test]
    fn name_checks() {
        assert_eq!(
            messages("c,,1"),
            [
                r#"ERROR "Statistic name  is missing or contains a pipe (|) character.""#,
                r#"ERROR "Invalid input for a counter metric.""#
            ]
        );
        assert_eq!(
            messages("ms,a|b,1"),
            [
                r#"ERROR "Statistic name a|b is missing or contains a pipe (|) character.""#,
                r#"ERROR "Invalid input for a timer metric.""#
            ]
        );
        // Everything else is allowed in a name.
        for name in ["a:b", "a b", "a@b#c;d=e", "ünï", "a\nb", "a\tb"] {
            assert_eq!(accept(&format!("c,{name},1")).name, name);
        }
    }

    #[test]
    fn gauge_and_counter_values() {
        for v in [
            "1", "+1", "-1", "1.5", ".5", "1.", ".", "+.", "-.", "007", "-5",
        ] {
            assert_eq!(accept(&format!("g,x,{v}")).value, v);
            assert_eq!(accept(&format!("c,x,{v}")).value, v);
        }
        assert_eq!(
            messages("g,x,+"),
            [
                r#"ERROR "Value argument + only contains a sign operator.""#,
                r#"ERROR "Invalid input for a gauge metric.""#
            ]
        );
        assert_eq!(reject("c,x,-").reason, RejectReason::SignOnly);
        // The sign is stripped before validate_numeric, so the message shows the rest.
        assert_eq!(
            messages("c,x,--1"),
            [
                r#"ERROR "-1 is not a number!""#,
                r#"ERROR "Invalid input for a counter metric.""#
            ]
        );
        for bad in ["1e3", " 1", "0x10", "abc", "1..5", "1 000"] {
            assert_eq!(
                reject(&format!("c,x,{bad}")).reason,
                RejectReason::NotANumber,
                "{bad}"
            );
        }
    }

    #[test]
    fn timer_values() {
        for v in [
            "0",
            "12.5",
            ".",
            "18446744073709551616",
            "18446744073709553664",
        ] {
            assert_eq!(accept(&format!("ms,rtt,{v}")).value, v);
        }
        for bad in ["-1", "+1", "1e3"] {
            assert_eq!(
                messages(&format!("ms,rtt,{bad}")),
                [
                    format!(r#"ERROR "{bad} is not a number!""#),
                    r#"ERROR "Invalid input for a timer metric.""#.to_string()
                ]
            );
        }
    }

    #[test]
    fn set_values() {
        for v in ["alice", "a b", "1:2", "-1", "é"] {
            assert_eq!(accept(&format!("s,users,{v}")).value, v);
        }
        assert_eq!(
            messages("s,users,a|b"),
            [
                r#"ERROR "Pipe (|) character is not allowed for value a|b in a set metric.""#,
                r#"ERROR "Invalid input for a set metric.""#
            ]
        );
        // The name is checked before the value.
        assert_eq!(reject("s,a|b,c|d").reason, RejectReason::InvalidName);
    }

    #[test]
    fn range_boundaries() {
        // Counters and gauges: [-2^63, 2^63] after rounding to a double.
        for t in ["c", "g"] {
            for v in [
                "9223372036854775807",
                "9223372036854775808",
                "9223372036854776832",
                "-9223372036854775809",
                "-9223372036854776832",
                "+9223372036854776832",
            ] {
                accept(&format!("{t},x,{v}"));
            }
            let noun = if t == "c" { "counter" } else { "gauge" };
            assert_eq!(
                messages(&format!("{t},x,9223372036854776833")),
                [
                    r#"WARNING "Value 9223372036854777856.000000 out of range!""#.to_string(),
                    format!(r#"ERROR "Invalid input for a {noun} metric.""#)
                ]
            );
            assert_eq!(
                messages(&format!("{t},x,-9223372036854776833"))[0],
                r#"WARNING "Value -9223372036854777856.000000 out of range!""#
            );
        }
        // Timers: [0, 2^64].
        accept("ms,x,18446744073709553664");
        assert_eq!(
            messages("ms,x,18446744073709553665"),
            [
                r#"WARNING "Value 18446744073709555712.000000 out of range!""#,
                r#"ERROR "Invalid input for a timer metric.""#
            ]
        );
        assert_eq!(
            messages(&format!("ms,x,{}", "9".repeat(400)))[0],
            r#"WARNING "Value inf out of range!""#
        );
    }

    #[test]
    fn sample_rates() {
        assert_eq!(accept("c,x,1").sample_rate, 1.0);
        assert_eq!(accept("c,x,1").sample_rate_text, None);
        assert_eq!(accept("c,x,1,0.5").sample_rate, 0.5);
        assert_eq!(accept("c,x,1,.5").sample_rate, 0.5);
        assert_eq!(accept("c,x,1,2").sample_rate, 2.0);
        for zero in ["0", "", "."] {
            let call = accept(&format!("c,x,1,{zero}"));
            assert_eq!(call.sample_rate, 0.0);
            assert_eq!(call.sample_rate_text.as_deref(), Some(zero));
        }
        // A rate applies to every type.
        assert_eq!(accept("s,u,alice,0.5").sample_rate, 0.5);
        for bad in ["-1", "1e-3", "0.5,extra", "+0.5", "0.5 "] {
            let r = reject(&format!("c,x,1,{bad}"));
            assert_eq!(r.reason, RejectReason::InvalidSampleRate);
            // No "Invalid input" line for a bad rate.
            assert_eq!(r.log, [LogLine::error(format!("{bad} is not a number!"))]);
        }
    }

    #[test]
    fn rejection_spans_point_at_the_argument() {
        let r = reject("c,x,abc");
        assert_eq!((r.slot, r.span), (Some(ArgSlot::Value), Some(4..7)));
        let r = reject("q,x,1");
        assert_eq!((r.slot, r.span), (Some(ArgSlot::MetricType), Some(0..1)));
        let r = reject("c,x,1,0.5,extra");
        assert_eq!((r.slot, r.span), (Some(ArgSlot::SampleRate), Some(6..15)));
    }
}
