//! A linter for the `StatsD()` calls of a dialplan (`extensions.conf`).
//!
//! The file is read like Asterisk reads it (`main/config.c` for comments and
//! `name => value` lines, `pbx_config.c` for `exten =>` / `same =>` lines,
//! priorities `1`, `n`, `n(label)`, `s`, `+N` and the application split), and
//! every `StatsD(...)` priority is run through [`crate::app`] and
//! [`crate::send`]. It reports:
//!
//! * **errors**: calls `StatsD()` rejects, with Asterisk's exact log messages. A
//!   failing `StatsD()` returns non-zero, which ends the channel's dialplan (the
//!   call is hung up; later priorities never run). Also an application name
//!   with trailing blanks (`StatsD (..)`), which Asterisk cannot find.
//! * **warnings**: accepted calls whose datagram StatsD servers reject or
//!   misread: the datagram is parsed with the `etsy` dialect of `statsd-wire`
//!   (its located error is quoted), plus specific checks: `:` or whitespace or
//!   line breaks in the name, values without digits (`.`, `+.`), rates sent as
//!   `|@0.00` or `|@1.00` or rounded, rates that never send, sampled gauges and
//!   sets, the `meter_support = no` rewrite.
//! * **notes**: calls with `${...}` or `$[...]` in their arguments ("not checked
//!   (uses variables)"), signed gauges (a delta for Etsy-family servers), values
//!   with a leading or trailing `.`, `#include` directives (not followed).
//!
//! A timer can never be negative on the wire from `StatsD()` (signs are
//! rejected for `ms`), so there is no check for it.
//!
//! ```
//! use statsd_asterisk::conf::StatsdConf;
//! use statsd_asterisk::lint::{lint_dialplan, Severity};
//!
//! let dialplan = "[default]\nexten => 100,1,StatsD(h,calls,1)\n same => n,StatsD(c,a:b,1)\n";
//! let report = lint_dialplan(dialplan, &StatsdConf::default());
//! assert!(report.has_errors());
//! assert_eq!(report.findings[0].to_string(), "2:23: error: StatsD(h,calls,1) is rejected by Asterisk: ERROR \"Invalid metric type h.\"; StatsD() returns non-zero, so the channel's dialplan stops here (the call is hung up and later priorities never run)");
//! assert!(report.findings.iter().any(|f| f.severity == Severity::Warning && f.line == 3));
//! ```

use core::fmt;
use std::collections::HashMap;

use statsd_wire::{Config, parse_datagram};

use crate::app::{ArgSlot, MetricType, StatsdCall, statsd_exec};
use crate::args::{AppCall, StatsdArgs};
use crate::conf::StatsdConf;
use crate::configfile::{self, Item};
use crate::send::{SendWarning, escape_bytes, render};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Information: nothing is wrong for Asterisk.
    Note,
    /// Accepted by Asterisk, but the line sent is likely rejected or misread.
    Warning,
    /// Asterisk rejects the call (and stops the channel's dialplan).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding, located in the dialplan file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How serious.
    pub severity: Severity,
    /// What, in one line.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `line:column: severity: message` (prefix it with `file:`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.severity, self.message
        )
    }
}

/// The result of [`lint_dialplan`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintReport {
    /// Every finding, in file order.
    pub findings: Vec<Finding>,
    /// How many `StatsD()` priorities were found.
    pub calls: usize,
    /// How many of them Asterisk would reject.
    pub rejected: usize,
    /// How many could not be checked because they use variables.
    pub unchecked: usize,
    /// How many findings are errors (also when the findings were handed out
    /// one by one by [`lint_dialplan_with`]).
    pub errors: usize,
}

impl LintReport {
    /// Whether some call would be rejected by Asterisk.
    pub fn has_errors(&self) -> bool {
        self.errors > 0 || self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// One priority of the dialplan, as `pbx_config` registers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialplanStep {
    /// The context (`[name]`).
    pub context: String,
    /// The extension (pattern), as written (without a `/callerid` part).
    pub extension: String,
    /// The priority number (after `n`, `s`, `+N` and labels are resolved): a
    /// C `int`, as in Asterisk.
    pub priority: i32,
    /// The label of `n(label)`, if any.
    pub label: Option<String>,
    /// The application name as Asterisk looks it up.
    pub app: String,
    /// The application data (between the first `(` and the last `)`).
    pub data: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column of the application name.
    pub column: usize,
    /// Whether the call had its closing `)`.
    pub closed: bool,
    data_columns: ColumnRuns,
}

impl DialplanStep {
    /// The 1-based column of byte `offset` of [`DialplanStep::data`].
    pub fn data_column(&self, offset: usize) -> usize {
        match self.data_columns.get(offset) {
            Some(c) => c,
            None => self.data_columns.last().map_or(self.column, |c| c + 1),
        }
    }
}

/// The column of each byte offset `0..len`, stored as runs where the column
/// grows by one per byte: one run for plain ASCII text (a `Vec` of one
/// column per byte cost 8 bytes per byte of every call's arguments).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ColumnRuns {
    /// (first offset, its column) of each run.
    runs: Vec<(usize, usize)>,
    len: usize,
}

impl ColumnRuns {
    fn from_columns(columns: impl Iterator<Item = usize>) -> Self {
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut len = 0;
        let mut previous: Option<usize> = None;
        for (offset, column) in columns.enumerate() {
            if previous.is_none_or(|p| column != p + 1) {
                runs.push((offset, column));
            }
            previous = Some(column);
            len = offset + 1;
        }
        ColumnRuns { runs, len }
    }

    fn get(&self, offset: usize) -> Option<usize> {
        if offset >= self.len {
            return None;
        }
        let run = self.runs.partition_point(|&(start, _)| start <= offset) - 1;
        let (start, column) = self.runs[run];
        Some(column + (offset - start))
    }

    fn last(&self) -> Option<usize> {
        self.len.checked_sub(1).and_then(|o| self.get(o))
    }
}

/// Something in the dialplan file that is not a registered priority.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Other {
    Include {
        line: usize,
        column: usize,
        name: String,
    },
    Skipped {
        line: usize,
        column: usize,
        why: String,
        /// Whether the line mentions StatsD (only those are reported).
        mentions_statsd: bool,
    },
}

/// `pbx_strsep(&s, ",")`: the end of the first field, skipping commas inside
/// `[...]` and characters after a backslash.
fn pbx_strsep(s: &[u8], start: usize) -> (usize, Option<usize>) {
    let mut square = 0u32;
    let mut i = start;
    while i < s.len() {
        match s[i] {
            b'[' => square += 1,
            b']' => square = square.saturating_sub(1),
            b'\\' => i += 1,
            b',' if square == 0 => return (i, Some(i + 1)),
            _ => {}
        }
        i += 1;
    }
    (s.len(), None)
}

/// `sscanf(pri, "%30d", &ipri)` as glibc does it: optional blanks and sign,
/// then the digits (at most 30), converted like `strtol` (saturating at the
/// range of a 64-bit `long`) and stored into an `int`, which keeps the low 32
/// bits (`99999999999` is 1215752191, `9223372036854775808` is -1).
fn scan_int(s: &str) -> Option<i32> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits
        .bytes()
        .take(30)
        .take_while(u8::is_ascii_digit)
        .count();
    if end == 0 {
        return None;
    }
    let long = match digits[..end].parse::<i64>() {
        Ok(v) if neg => -v,
        Ok(v) => v,
        Err(_) if neg => i64::MIN,
        Err(_) => i64::MAX,
    };
    Some(long as i32)
}

/// `atoi`: `(int) strtol(s, NULL, 10)`.
fn atoi(s: &str) -> i32 {
    scan_int(s).unwrap_or(0)
}

/// Reads the priorities of a dialplan file (`extensions.conf` syntax).
///
/// ```
/// use statsd_asterisk::lint::parse_dialplan;
/// let steps = parse_dialplan("[default]\nexten => 100,1,NoOp()\n same => n,StatsD(g,users,+1)\n");
/// assert_eq!(steps.len(), 2);
/// assert_eq!((steps[1].extension.as_str(), steps[1].priority, steps[1].app.as_str()), ("100", 2, "StatsD"));
/// assert_eq!(steps[1].data, "g,users,+1");
/// ```
pub fn parse_dialplan(text: &str) -> Vec<DialplanStep> {
    let mut steps = Vec::new();
    read_dialplan(text, |event| {
        if let Event::Step(step) = event {
            steps.push(step);
        }
    });
    steps
}

/// What [`read_dialplan`] finds, in file order.
enum Event {
    Step(DialplanStep),
    Other(Other),
}

/// Reads the dialplan, handing each registered priority (and each line that
/// is not one) to `on` as soon as its line is read: nothing of earlier lines
/// is kept but the labels (a 100 MB dialplan took 2.1 GB when every step and
/// every item was kept).
fn read_dialplan(text: &str, mut on: impl FnMut(Event)) {
    let lines: Vec<&str> = text.split('\n').collect();
    let line_text = |line: usize| lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
    // The priority of each label, per context and extension (the first one).
    let mut labels: HashMap<(String, String, String), i32> = HashMap::new();
    macro_rules! on_other {
        ($other:expr) => {
            on(Event::Other($other))
        };
    }
    macro_rules! push_step {
        ($step:expr) => {{
            let step: DialplanStep = $step;
            if let Some(label) = &step.label {
                labels
                    .entry((step.context.clone(), step.extension.clone(), label.clone()))
                    .or_insert(step.priority);
            }
            on(Event::Step(step))
        }};
    }
    let mut context: Option<String> = None;
    let mut last_extension = String::new();
    // Asterisk's priorities are C `int`s; its `+ 1` and `+= atoi()` wrap.
    let mut last_pri: i32 = -2;

    configfile::read_with(text, |item| {
        match item {
            Item::Category { name, .. } => {
                last_extension.clear();
                last_pri = -2;
                context = if name.eq_ignore_ascii_case("general")
                    || name.eq_ignore_ascii_case("globals")
                {
                    None
                } else {
                    Some(name)
                };
            }
            Item::Directive { line, offset, name } => {
                if name.eq_ignore_ascii_case("include")
                    || name.eq_ignore_ascii_case("tryinclude")
                    || name.eq_ignore_ascii_case("exec")
                {
                    on_other!(Other::Include {
                        line,
                        column: configfile::column(line_text(line), offset),
                        name,
                    });
                }
            }
            Item::Variable {
                line, name, value, ..
            } => {
                let Some(context) = context.as_ref() else {
                    return;
                };
                let is_same = name
                    .text
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case("same"));
                let is_exten = name.text.eq_ignore_ascii_case("exten");
                if !is_same && !is_exten {
                    return;
                }
                let bytes = value.text.as_bytes();
                let raw = line_text(line);
                let columns = configfile::Columns::new(raw);
                let col_at = |i: usize| columns.column(value.offset_of(i));
                let mentions_statsd = raw.to_ascii_lowercase().contains("statsd");
                let skipped = |why: String| Other::Skipped {
                    line,
                    column: col_at(0),
                    why,
                    mentions_statsd,
                };
                let (mut extension, rest_start) = if is_same {
                    if last_extension.is_empty() {
                        on_other!(skipped(format!(
                            "`{}` with no previous `exten =>` in context [{context}]: Asterisk logs \"No previous pattern in the first entry of context\" and ignores the line",
                            name.text
                        )));
                        return;
                    }
                    (last_extension.clone(), Some(0))
                } else {
                    let (end, next) = pbx_strsep(bytes, 0);
                    let ext = value.text[..end].to_string();
                    last_extension.clone_from(&ext);
                    (ext, next)
                };
                if let Some(slash) = extension.find('/') {
                    extension.truncate(slash);
                }
                // The priority: up to the next ',' (strsep), stripped.
                let pri_start = rest_start.unwrap_or(bytes.len());
                let (pri_end, app_start) = match bytes[pri_start..].iter().position(|&b| b == b',')
                {
                    Some(p) => (pri_start + p, Some(pri_start + p + 1)),
                    None => (bytes.len(), None),
                };
                let mut pri = value.text[pri_start..pri_end]
                    .trim_matches(|c: char| c.is_ascii_whitespace())
                    .to_string();
                let mut label = None;
                if let Some(open) = pri.find('(') {
                    let after = pri[open + 1..].to_string();
                    match after.find(')') {
                        Some(close) => label = Some(after[..close].to_string()),
                        None => {
                            on_other!(skipped("label missing its trailing ')': Asterisk logs \"Label missing trailing ')'\" and ignores the line".to_string()));
                            return;
                        }
                    }
                    pri.truncate(open);
                }
                let mut plus = None;
                if let Some(p) = pri.find('+') {
                    plus = Some(pri[p + 1..].to_string());
                    pri.truncate(p);
                }
                let mut ipri: i32 = if pri == "hint" {
                    -1
                } else if pri == "next" || pri == "n" || pri == "same" || pri == "s" {
                    if last_pri > -2 {
                        if pri.starts_with('n') {
                            last_pri.wrapping_add(1)
                        } else {
                            last_pri
                        }
                    } else {
                        on_other!(skipped(format!(
                            "priority `{pri}` on the first entry: Asterisk logs \"Can't use '{}' priority on the first entry\" and ignores the line",
                            if pri.starts_with('n') { "next" } else { "same" }
                        )));
                        return;
                    }
                } else if let Some(n) = scan_int(&pri) {
                    if n < 1 {
                        on_other!(skipped(format!(
                            "invalid priority `{pri}`: Asterisk ignores the line"
                        )));
                        return;
                    }
                    n
                } else {
                    // A label of the same extension.
                    match labels.get(&(context.clone(), extension.clone(), pri.clone())) {
                        Some(&priority) => priority,
                        None => {
                            on_other!(skipped(format!(
                                "invalid priority/label `{pri}`: Asterisk ignores the line"
                            )));
                            return;
                        }
                    }
                };
                if ipri == 0 {
                    return;
                }
                if let Some(plus) = plus {
                    ipri = ipri.wrapping_add(atoi(&plus));
                }
                last_pri = ipri;
                if pri == "hint" {
                    return;
                }
                let Some(app_start) = app_start else {
                    // No application at all: `exten => 100,1`.
                    push_step!(DialplanStep {
                        context: context.clone(),
                        extension,
                        priority: ipri,
                        label,
                        app: String::new(),
                        data: String::new(),
                        line,
                        column: col_at(bytes.len()),
                        closed: true,
                        data_columns: ColumnRuns::default(),
                    });
                    return;
                };
                let appl = &value.text[app_start..];
                let mut call = AppCall::parse(appl);
                if let Some(open) = appl.find('(') {
                    let before = &appl[..open];
                    if before.contains("${") || before.contains("$[") {
                        call = AppCall {
                            app: appl
                                .trim_start_matches(|c: char| c.is_ascii() && (c as u32) <= 32)
                                .to_string(),
                            app_span: (appl.len()
                                - appl
                                    .trim_start_matches(|c: char| c.is_ascii() && (c as u32) <= 32)
                                    .len())..appl.len(),
                            data: String::new(),
                            data_offset: appl.len(),
                            closed: true,
                        };
                    }
                }
                let data_columns = ColumnRuns::from_columns(
                    (0..=call.data.len()).map(|i| col_at(app_start + call.data_offset + i)),
                );
                push_step!(DialplanStep {
                    context: context.clone(),
                    extension,
                    priority: ipri,
                    label,
                    app: call.app,
                    data: call.data,
                    line,
                    column: col_at(app_start + call.app_span.start),
                    closed: call.closed,
                    data_columns,
                });
            }
            Item::MissingEquals { .. }
            | Item::StrayCommentEnd { .. }
            | Item::UnclosedBlockComment { .. }
            | Item::Fatal { .. } => {}
        }
    });
}

fn uses_variables(text: &str) -> bool {
    text.contains("${") || text.contains("$[")
}

/// Lints every `StatsD()` call of a dialplan. `conf` supplies the prefix,
/// `add_newline` and `meter_support` used to build the datagrams (its
/// `enabled` flag is ignored: the lint reports what would be sent if enabled).
pub fn lint_dialplan(text: &str, conf: &StatsdConf) -> LintReport {
    let mut findings = Vec::new();
    let mut report = lint_dialplan_with(text, conf, |f| findings.push(f));
    report.findings = findings;
    report
}

/// [`lint_dialplan`], handing each finding to `emit` as soon as its line is
/// checked (in file order: line, then column) instead of keeping them: the
/// memory used does not grow with the number of calls or findings. The
/// returned report has the counts and no findings.
pub fn lint_dialplan_with(
    text: &str,
    conf: &StatsdConf,
    mut emit: impl FnMut(Finding),
) -> LintReport {
    let mut report = LintReport::default();
    let config = Config::etsy();
    read_dialplan(text, |event| {
        match event {
            Event::Other(other) => lint_other(&other, &mut report),
            Event::Step(step) => lint_step(&step, conf, &config, &mut report),
        }
        // The events come in line order: sorting one line's findings keeps
        // the whole in (line, column) order.
        report.findings.sort_by_key(|f| (f.line, f.column));
        for finding in report.findings.drain(..) {
            if finding.severity == Severity::Error {
                report.errors += 1;
            }
            emit(finding);
        }
    });
    report
}

/// The findings about a line that is not a registered priority.
fn lint_other(other: &Other, report: &mut LintReport) {
    match other {
        Other::Include { line, column, name } => report.findings.push(Finding {
            line: *line,
            column: *column,
            severity: Severity::Note,
            message: format!(
                "#{name} is not followed: StatsD() calls in other files are not checked"
            ),
        }),
        Other::Skipped {
            line,
            column,
            why,
            mentions_statsd,
        } => {
            if *mentions_statsd {
                report.findings.push(Finding {
                    line: *line,
                    column: *column,
                    severity: Severity::Warning,
                    message: format!("this line is not registered as a priority: {why}"),
                });
            }
        }
    }
}

/// The findings about one registered priority.
fn lint_step(step: &DialplanStep, conf: &StatsdConf, config: &Config, report: &mut LintReport) {
    let mut add = |severity: Severity, column: usize, message: String| {
        report.findings.push(Finding {
            line: step.line,
            column,
            severity,
            message,
        });
    };
    let shown = format!("{}({})", step.app, step.data);
    if !step.app.eq_ignore_ascii_case("statsd") {
        if step.app.trim_end().eq_ignore_ascii_case("statsd") {
            add(
                Severity::Error,
                step.column,
                format!(
                    "application name `{}` ends with blanks: Asterisk looks up \"{}\" and finds no such application (\"No application '{}' for extension\"), which stops the channel's dialplan; remove the blanks before '('",
                    step.app, step.app, step.app
                ),
            );
            report.calls += 1;
            report.rejected += 1;
        } else if uses_variables(&step.app) && step.app.to_ascii_lowercase().contains("statsd") {
            add(
                Severity::Note,
                step.column,
                format!("not checked (uses variables): {}", step.app),
            );
            report.calls += 1;
            report.unchecked += 1;
        }
        return;
    }
    report.calls += 1;
    if !step.closed {
        add(
            Severity::Warning,
            step.column,
            format!(
                "no closing ')': Asterisk logs \"No closing parenthesis found? '{}({}'\" and uses the rest of the line as the arguments",
                step.app, step.data
            ),
        );
    }
    if uses_variables(&step.data) {
        add(
            Severity::Note,
            step.column,
            format!("not checked (uses variables): {shown}"),
        );
        report.unchecked += 1;
        return;
    }
    if !step.data.is_empty() && step.data.contains('|') && !step.data.contains(',') {
        add(
            Severity::Warning,
            step.column,
            format!(
                "Asterisk warns \"The application delimiter is now the comma, not the pipe.  Did you forget to convert your dialplan?  ({shown})\": separate the arguments with ','"
            ),
        );
    }
    let args = StatsdArgs::split(&step.data);
    let call = match statsd_exec(Some(&step.data)) {
        Ok(call) => call,
        Err(rejection) => {
            let column = rejection
                .span
                .as_ref()
                .map_or(step.column, |s| step.data_column(s.start));
            add(
                Severity::Error,
                column,
                format!(
                    "{shown} is rejected by Asterisk: {rejection}; StatsD() returns non-zero, so the channel's dialplan stops here (the call is hung up and later priorities never run)"
                ),
            );
            report.rejected += 1;
            return;
        }
    };
    // The column of byte `offset` of an argument's text (exact when the
    // argument had no quote or backslash removed, else its first column).
    let arg_column = |slot: ArgSlot, offset: usize| {
        let arg = match slot {
            ArgSlot::MetricType => &args.metric_type,
            ArgSlot::StatisticName => &args.statistic_name,
            ArgSlot::Value => &args.value,
            ArgSlot::SampleRate => &args.sample_rate,
        };
        arg.as_ref().map_or(step.column, |a| {
            let exact = a.span.len() == a.text.len();
            let within = if exact { offset.min(a.text.len()) } else { 0 };
            step.data_column(a.span.start + within)
        })
    };
    check_accepted(&call, conf, config, &arg_column, &mut add);
}

/// The checks of an accepted call: what the server will make of the datagram.
fn check_accepted(
    call: &StatsdCall,
    conf: &StatsdConf,
    config: &Config,
    arg_column: &dyn Fn(ArgSlot, usize) -> usize,
    add: &mut dyn FnMut(Severity, usize, String),
) {
    let column = |slot: ArgSlot| arg_column(slot, 0);
    let rate = call.sample_rate;
    let rate_text = call.sample_rate_text.as_deref().unwrap_or("");
    if rate <= 0.0 {
        add(
            Severity::Warning,
            column(ArgSlot::SampleRate),
            format!(
                "this call never sends anything: sample rate `{rate_text}` reads as {rate} (strtod), and res_statsd drops every metric with a rate <= 0"
            ),
        );
        return;
    }

    let datagram = render(conf, &call.name, call.metric_type.code(), &call.value, rate);
    let escaped = datagram.escaped();
    for warning in &datagram.warnings {
        let at = match warning {
            SendWarning::MeterFallbackInverted { .. } | SendWarning::MeterUnchanged => {
                column(ArgSlot::MetricType)
            }
            _ => column(ArgSlot::SampleRate),
        };
        add(Severity::Warning, at, format!("`{escaped}`: {warning}"));
    }

    // Where each part of the datagram comes from, to locate the parser's errors.
    let fallback = !conf.meter_support && call.metric_type.code() != "m";
    let name_start = if conf.prefix.is_empty() {
        0
    } else {
        conf.prefix.len() + 1
    };
    let name_end = name_start + call.name.len();
    let value_start = name_end + if fallback { "_meter:".len() } else { 1 };
    let value_end = value_start + call.value.len();
    let type_end = value_end
        + 1
        + if fallback {
            1
        } else {
            call.metric_type.code().len()
        };
    let locate = |offset: usize| {
        if offset < name_start {
            column(ArgSlot::StatisticName)
        } else if offset < name_end {
            arg_column(ArgSlot::StatisticName, offset - name_start)
        } else if offset < value_start {
            column(ArgSlot::Value)
        } else if offset <= value_end {
            arg_column(ArgSlot::Value, offset - value_start)
        } else if offset <= type_end {
            column(ArgSlot::MetricType)
        } else {
            column(ArgSlot::SampleRate)
        }
    };

    // What a StatsD server makes of the datagram, by the core parser's etsy dialect.
    let mut lines = 0usize;
    for result in parse_datagram(&datagram.bytes, config) {
        lines += 1;
        if let Err(e) = result {
            add(
                Severity::Warning,
                locate(e.span().start),
                format!(
                    "`{escaped}` fails the etsy-dialect line parser (statsd-wire): {} at byte {} ({}; {})",
                    e.kind().message(),
                    e.span().start,
                    e.kind().code(),
                    e.kind().hint()
                ),
            );
        }
    }
    if lines > 1 {
        add(
            Severity::Warning,
            column(ArgSlot::StatisticName),
            format!(
                "`{escaped}` is {lines} lines on the wire: servers read each line as a separate metric"
            ),
        );
    }

    // The name.
    let name = &call.name;
    let name_col = column(ArgSlot::StatisticName);
    if name.contains(':') {
        let (first, _) = name.split_once(':').unwrap_or((name, ""));
        add(
            Severity::Warning,
            name_col,
            format!(
                "statistic name `{name}` contains ':': `{escaped}` is ambiguous, servers split at the first ':' (Etsy statsd takes the name `{first}` and a bad chunk, collectd keeps `{name}`)"
            ),
        );
    }
    if name.chars().any(|c| c == '\n' || c == '\r') {
        add(
            Severity::Warning,
            name_col,
            format!(
                "statistic name `{}` contains a line break: the datagram `{escaped}` splits into several lines",
                escape_bytes(name.as_bytes())
            ),
        );
    } else if name.chars().any(char::is_control) {
        add(
            Severity::Warning,
            name_col,
            format!(
                "statistic name `{}` contains a control character: servers reject or mangle the line",
                escape_bytes(name.as_bytes())
            ),
        );
    }
    if name.chars().any(|c| c == ' ' || c == '\t') {
        add(
            Severity::Warning,
            name_col,
            format!(
                "statistic name `{}` contains whitespace: Etsy statsd turns it into `_`, stricter servers reject the line; use '.' or '_'",
                escape_bytes(name.as_bytes())
            ),
        );
    }

    // The value.
    let value = &call.value;
    let value_col = column(ArgSlot::Value);
    if call.metric_type != MetricType::Set {
        let digits = value.trim_start_matches(['+', '-']);
        if !digits.bytes().any(|b| b.is_ascii_digit()) {
            add(
                Severity::Warning,
                value_col,
                format!(
                    "value `{value}` has no digits: StatsD() sends it verbatim (`{escaped}`) and StatsD servers reject it"
                ),
            );
        } else if digits.starts_with('.') || digits.ends_with('.') {
            add(
                Severity::Note,
                value_col,
                format!(
                    "value `{value}` starts or ends with '.': Etsy-style servers read it as a number, strict parsers (the StatsD spec's JSON number grammar) reject it"
                ),
            );
        }
    } else if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == ':')
    {
        add(
            Severity::Warning,
            value_col,
            format!(
                "set member `{}` contains whitespace, ':' or a control character: servers may split or reject `{escaped}`",
                escape_bytes(value.as_bytes())
            ),
        );
    }
    if call.metric_type == MetricType::Gauge
        && conf.meter_support
        && (value.starts_with('-') || value.starts_with('+'))
    {
        add(
            Severity::Note,
            value_col,
            format!(
                "signed gauge value `{value}`: Etsy-family servers apply it as a change of the gauge (delta), gostatsd and DogStatsD set the gauge to it"
            ),
        );
    }

    // Sampling of types no server scales back.
    if rate < 1.0 && matches!(call.metric_type, MetricType::Gauge | MetricType::Set) {
        add(
            Severity::Warning,
            column(ArgSlot::SampleRate),
            format!(
                "sampled {} (rate {rate_text}): res_statsd drops about {:.0}% of these updates and servers do not scale {}s back up (Etsy statsd ignores the rate on them), so {}",
                call.metric_type.noun(),
                (1.0 - rate) * 100.0,
                call.metric_type.noun(),
                if call.metric_type == MetricType::Gauge {
                    "gauge deltas are lost and the gauge drifts"
                } else {
                    "members are missed"
                }
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_are_c_ints_read_like_glibc_scanf() {
        // strtol's value (saturated at the `long` range), low 32 bits kept.
        assert_eq!(scan_int("99999999999"), Some(1_215_752_191));
        assert_eq!(scan_int("9223372036854775807"), Some(-1));
        assert_eq!(scan_int("99999999999999999999"), Some(-1));
        assert_eq!(scan_int("-99999999999999999999"), Some(0));
        assert_eq!(scan_int(" +42x"), Some(42));
        assert_eq!(scan_int("x"), None);
        assert_eq!(atoi("2147483648"), i32::MIN);
    }

    #[test]
    fn next_priority_after_int_max_wraps_instead_of_panicking() {
        // Found by the asterisk_dialplan fuzz target (an i64 `last + 1` overflowed).
        let steps = parse_dialplan(
            "[c]\nexten => 1,2147483647,NoOp()\n same => n,StatsD(g,x,1)\n same => 1+4294967295,NoOp()\n",
        );
        let got: Vec<(i32, &str)> = steps.iter().map(|s| (s.priority, s.app.as_str())).collect();
        // `1+4294967295` is 1 + (int)4294967295 = 0: pbx_config checks for 0
        // before adding the `+N`, so the line is still registered.
        assert_eq!(got, [(i32::MAX, "NoOp"), (i32::MIN, "StatsD"), (0, "NoOp")]);
    }

    fn lint(text: &str) -> LintReport {
        lint_dialplan(text, &StatsdConf::default())
    }

    #[test]
    fn priorities_are_resolved_like_pbx_config() {
        let steps = parse_dialplan(
            "[ctx]\nexten => 100,1,NoOp()\n same => n(top),StatsD(c,x,1)\n same => n,Goto(top)\nexten => _X.,1,Answer\n same => 5,Hangup\n same => top+1,NoOp\nexten => 300,hint,PJSIP/300\n same => n,NoOp\n",
        );
        let got: Vec<(String, i32, String)> = steps
            .iter()
            .map(|s| (s.extension.clone(), s.priority, s.app.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("100".into(), 1, "NoOp".into()),
                ("100".into(), 2, "StatsD".into()),
                ("100".into(), 3, "Goto".into()),
                ("_X.".into(), 1, "Answer".into()),
                ("_X.".into(), 5, "Hangup".into()),
            ]
        );
        // `top+1` names a label of another extension: skipped.
        assert_eq!(steps[1].label.as_deref(), Some("top"));
        // After a hint, `n` is priority 0, which is never registered.
    }

    #[test]
    fn general_and_globals_are_not_contexts() {
        let steps = parse_dialplan(
            "[general]\nstatic=yes\n[globals]\nexten => 1,1,StatsD(c,x,1)\n[c]\nexten => 1,1,StatsD(c,x,1)\n",
        );
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].context, "c");
    }

    #[test]
    fn column_runs_give_every_offset() {
        let columns = [1, 2, 3, 3, 4, 9, 10, 11];
        let runs = ColumnRuns::from_columns(columns.iter().copied());
        assert_eq!(runs.runs.len(), 3);
        for (offset, &c) in columns.iter().enumerate() {
            assert_eq!(runs.get(offset), Some(c));
        }
        assert_eq!(runs.get(8), None);
        assert_eq!(runs.last(), Some(11));
        assert_eq!(ColumnRuns::default().last(), None);
    }

    #[test]
    fn columns_point_at_arguments() {
        let report = lint("[c]\nexten => 1,1,StatsD(c,x,abc)\n");
        assert_eq!(report.findings.len(), 1);
        let f = &report.findings[0];
        assert_eq!((f.line, f.column, f.severity), (2, 25, Severity::Error));
        assert!(
            f.message.contains(
                r#"ERROR "abc is not a number!"; ERROR "Invalid input for a counter metric.""#
            ),
            "{}",
            f.message
        );
    }

    #[test]
    fn variables_are_not_checked() {
        let report = lint("[c]\nexten => 1,1,StatsD(c,${NAME},1)\n same => n,StatsD(c,x,$[1+1])\n");
        assert_eq!(report.unchecked, 2);
        assert!(report.findings.iter().all(|f| f.severity == Severity::Note
            && f.message.starts_with("not checked (uses variables)")));
        assert!(!report.has_errors());
    }

    #[test]
    fn app_name_case_and_blanks() {
        let report = lint("[c]\nexten => 1,1,STATSD(h,x,1)\n same => n,StatsD (c,x,1)\n");
        assert_eq!(report.rejected, 2);
        assert!(
            report.findings[1]
                .message
                .contains("No application 'StatsD '")
        );
    }

    #[test]
    fn no_arguments() {
        let report = lint("[c]\nexten => 1,1,StatsD\n same => n,StatsD()\n");
        assert_eq!(report.rejected, 2);
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.message.contains("Missing metric type argument."))
        );
    }

    #[test]
    fn pipe_delimiter_warning() {
        let report = lint("[c]\nexten => 1,1,StatsD(c|x|1)\n");
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.severity == Severity::Warning && f.message.contains("not the pipe"))
        );
        assert!(
            report.findings.iter().any(|f| f.severity == Severity::Error
                && f.message.contains("Invalid metric type c|x|1."))
        );
    }

    #[test]
    fn never_sending_rates() {
        for rate in ["0", "", "."] {
            let report = lint(&format!("[c]\nexten => 1,1,StatsD(c,calls,1,{rate})\n"));
            assert_eq!(report.findings.len(), 1, "{rate}");
            assert!(report.findings[0].message.contains("never sends anything"));
            assert_eq!(report.findings[0].column, 31);
        }
    }

    #[test]
    fn escaped_comment_character_in_arguments() {
        let steps = parse_dialplan("[c]\nexten => 1,1,StatsD(s,users,a\\;b) ; comment\n");
        assert_eq!(steps[0].data, "s,users,a;b");
    }
}
