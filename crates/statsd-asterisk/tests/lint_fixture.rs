//! The linter on tests/fixtures/extensions.conf: every finding, located.

use statsd_asterisk::conf::StatsdConf;
use statsd_asterisk::lint::{Severity, lint_dialplan};

const FIXTURE: &str = include_str!("fixtures/extensions.conf");

fn findings(conf: &StatsdConf) -> Vec<(usize, usize, Severity, String)> {
    lint_dialplan(FIXTURE, conf)
        .findings
        .into_iter()
        .map(|f| (f.line, f.column, f.severity, f.message))
        .collect()
}

/// Asserts that exactly one finding at (line, column, severity) contains `text`.
fn has(
    all: &[(usize, usize, Severity, String)],
    line: usize,
    column: usize,
    severity: Severity,
    text: &str,
) {
    let matching: Vec<_> = all
        .iter()
        .filter(|(l, c, s, m)| *l == line && *c == column && *s == severity && m.contains(text))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "{line}:{column} {severity} {text:?} in {all:#?}"
    );
}

#[test]
fn report_counts() {
    let report = lint_dialplan(FIXTURE, &StatsdConf::default());
    assert_eq!(report.calls, 15);
    assert_eq!(report.rejected, 3);
    assert_eq!(report.unchecked, 1);
    assert!(report.has_errors());
}

#[test]
fn rejected_calls_are_errors_with_asterisk_messages() {
    let all = findings(&StatsdConf::default());
    let errors: Vec<_> = all.iter().filter(|f| f.2 == Severity::Error).collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    has(
        &all,
        24,
        19,
        Severity::Error,
        "StatsD(h,calls.duration,42) is rejected by Asterisk: ERROR \"Invalid metric type h.\"; StatsD() returns non-zero, so the channel's dialplan stops here",
    );
    has(
        &all,
        25,
        26,
        Severity::Error,
        "ERROR \"-1 is not a number!\"; ERROR \"Invalid input for a timer metric.\"",
    );
    has(
        &all,
        33,
        29,
        Severity::Error,
        "ERROR \"0.5,extra is not a number!\"",
    );
}

#[test]
fn accepted_calls_the_servers_misread_are_warnings() {
    let all = findings(&StatsdConf::default());
    // |@0.00, with the etsy parser's own located error.
    has(
        &all,
        26,
        29,
        Severity::Warning,
        "sample rate 0.004 is sent as |@0.00",
    );
    has(
        &all,
        26,
        29,
        Severity::Warning,
        "`calls:1|c|@0.00` fails the etsy-dialect line parser (statsd-wire): sample rate out of range at byte 11 (sample_rate_out_of_range",
    );
    // |@1.00.
    has(
        &all,
        27,
        29,
        Severity::Warning,
        "sample rate 0.999 is sent as |@1.00",
    );
    // ':' in the name: the etsy parser fails where the name's second ':' is.
    has(
        &all,
        28,
        21,
        Severity::Warning,
        "statistic name `sip:trunk` contains ':'",
    );
    has(
        &all,
        28,
        25,
        Severity::Warning,
        "`sip:trunk:1|c` fails the etsy-dialect line parser (statsd-wire): invalid value at byte 4",
    );
    // Space in the name (and a lower-case application name, which Asterisk finds).
    has(
        &all,
        29,
        21,
        Severity::Warning,
        "statistic name `queue wait` contains whitespace",
    );
    // No digits.
    has(&all, 30, 23, Severity::Warning, "value `+.` has no digits");
    has(
        &all,
        30,
        23,
        Severity::Warning,
        "`x:+.|c` fails the etsy-dialect line parser",
    );
    // Never sent.
    has(
        &all,
        31,
        29,
        Severity::Warning,
        "this call never sends anything: sample rate `0` reads as 0",
    );
}

#[test]
fn notes() {
    let all = findings(&StatsdConf::default());
    has(
        &all,
        32,
        12,
        Severity::Note,
        "not checked (uses variables): StatsD(c,${CHANNEL(name)},1)",
    );
    for line in [12, 15, 19] {
        has(&all, line, 37, Severity::Note, "signed gauge value");
    }
    // Nothing else: the seed's calls and the plain ones are clean.
    let count = |s: Severity| all.iter().filter(|f| f.2 == s).count();
    assert_eq!(
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note)
        ),
        (3, 9, 4),
        "{all:#?}"
    );
}

#[test]
fn conf_shapes_the_checked_datagrams() {
    let conf = StatsdConf::parse("[general]\nenabled = yes\nprefix = pbx\nmeter_support = no\n")
        .unwrap()
        .conf;
    let all = findings(&conf);
    has(
        &all,
        12,
        19,
        Severity::Warning,
        "`pbx.confBridgeUsers_meter:+1|c`: meter_support = no: this `|g` metric was sent as counter `confBridgeUsers_meter` (|c)",
    );
    has(
        &all,
        23,
        23,
        Severity::Warning,
        "`pbx.calls.inbound_meter:1|c`",
    );
}
