//! Golden tests: every row of the "Dialplan → wire" table (research notes,
//! section c.8), for server 127.0.0.1:8125, no prefix, add_newline = no and
//! meter_support = yes unless a row says otherwise. Sampling rows are run with
//! scripted `ast_random_double()` values on both sides of the decision.

use statsd_asterisk::app::{LogLevel, RejectReason};
use statsd_asterisk::conf::StatsdConf;
use statsd_asterisk::send::{SendOutcome, log_string};
use statsd_asterisk::{SimulateError, simulate};

/// `[general]` with `enabled = yes` and every other option at its default.
fn conf() -> StatsdConf {
    let parsed = StatsdConf::parse("[general]\nenabled = yes\n").expect("valid conf");
    assert_eq!(parsed.conf.server_addr().to_string(), "127.0.0.1:8125");
    parsed.conf
}

/// Runs `call` with `random` as every `ast_random_double()` and returns the
/// datagram sent, or `None` when nothing is sent.
fn run(call: &str, conf: &StatsdConf, random: f64) -> Option<Vec<u8>> {
    match simulate(call, conf, &mut || random) {
        Ok(SendOutcome::Sent(d)) => Some(d.bytes),
        Ok(SendOutcome::SampledOut { .. }) => None,
        other => panic!("{call}: unexpected {other:?}"),
    }
}

/// The datagram of a call whose rate is >= 1: no random number may be drawn.
fn always(call: &str, conf: &StatsdConf) -> Vec<u8> {
    let mut no_draw = || -> f64 { panic!("{call}: rate >= 1 must not draw a random number") };
    match simulate(call, conf, &mut no_draw) {
        Ok(SendOutcome::Sent(d)) => d.bytes,
        other => panic!("{call}: unexpected {other:?}"),
    }
}

fn rejected(call: &str) -> (RejectReason, Vec<String>) {
    match simulate(call, &conf(), &mut || 0.0) {
        Err(SimulateError::Rejected(r)) => {
            (r.reason, r.log.iter().map(ToString::to_string).collect())
        }
        other => panic!("{call}: expected a rejection, got {other:?}"),
    }
}

#[test]
fn row_gauge_increment() {
    assert_eq!(
        always("StatsD(g,confBridgeUsers,+1,1)", &conf()),
        b"confBridgeUsers:+1|g"
    );
}

#[test]
fn row_gauge_increment_with_prefix() {
    let parsed = StatsdConf::parse("[general]\nenabled = yes\nprefix = asterisk\n").unwrap();
    assert_eq!(
        always("StatsD(g,confBridgeUsers,+1,1)", &parsed.conf),
        b"asterisk.confBridgeUsers:+1|g"
    );
}

#[test]
fn row_gauge_increment_with_newline() {
    let parsed = StatsdConf::parse("[general]\nenabled = yes\nadd_newline = yes\n").unwrap();
    assert_eq!(
        always("StatsD(g,confBridgeUsers,+1,1)", &parsed.conf),
        b"confBridgeUsers:+1|g\n"
    );
}

#[test]
fn row_gauge_decrement_without_rate() {
    assert_eq!(
        always("StatsD(g,confBridgeUsers,-1)", &conf()),
        b"confBridgeUsers:-1|g"
    );
}

#[test]
fn row_negative_gauge_is_accepted() {
    assert_eq!(always("StatsD(g,temp,-5)", &conf()), b"temp:-5|g");
}

#[test]
fn row_counter_rate_half() {
    let c = conf();
    assert_eq!(
        run("StatsD(c,calls,1,0.5)", &c, 0.3).as_deref(),
        Some(&b"calls:1|c|@0.50"[..])
    );
    // `rate < random` is false at equality: still sent.
    assert_eq!(
        run("StatsD(c,calls,1,0.5)", &c, 0.5).as_deref(),
        Some(&b"calls:1|c|@0.50"[..])
    );
    assert_eq!(run("StatsD(c,calls,1,0.5)", &c, 0.7), None);
    assert_eq!(run("StatsD(c,calls,1,0.5)", &c, 1.0), None);
}

#[test]
fn row_counter_rate_renders_as_zero() {
    let c = conf();
    assert_eq!(
        run("StatsD(c,calls,1,0.004)", &c, 0.001).as_deref(),
        Some(&b"calls:1|c|@0.00"[..])
    );
    assert_eq!(
        run("StatsD(c,calls,1,0.004)", &c, 0.004).as_deref(),
        Some(&b"calls:1|c|@0.00"[..])
    );
    assert_eq!(run("StatsD(c,calls,1,0.004)", &c, 0.0041), None);
    assert_eq!(run("StatsD(c,calls,1,0.004)", &c, 0.5), None);
}

#[test]
fn row_counter_rate_renders_as_one() {
    let c = conf();
    assert_eq!(
        run("StatsD(c,calls,1,0.999)", &c, 0.5).as_deref(),
        Some(&b"calls:1|c|@1.00"[..])
    );
    assert_eq!(
        run("StatsD(c,calls,1,0.999)", &c, 0.999).as_deref(),
        Some(&b"calls:1|c|@1.00"[..])
    );
    assert_eq!(run("StatsD(c,calls,1,0.999)", &c, 0.9995), None);
    assert_eq!(run("StatsD(c,calls,1,0.999)", &c, 1.0), None);
}

#[test]
fn row_counter_rate_at_or_above_one_always_sends() {
    assert_eq!(always("StatsD(c,calls,1,1.5)", &conf()), b"calls:1|c");
    assert_eq!(always("StatsD(c,calls,1,1)", &conf()), b"calls:1|c");
}

#[test]
fn row_counter_rate_zero_never_sends_and_the_call_continues() {
    for call in [
        "StatsD(c,calls,1,0)",
        "StatsD(c,calls,1,)",
        "StatsD(c,calls,1,.)",
    ] {
        // Accepted (no rejection, so the dialplan continues) ...
        let mut no_draw = || -> f64 { panic!("{call}: a rate <= 0 must not draw") };
        let outcome = simulate(call, &conf(), &mut no_draw).unwrap();
        // ... but never sent, whatever the random number.
        assert_eq!(
            outcome,
            SendOutcome::SampledOut {
                rate: 0.0,
                random: None
            },
            "{call}"
        );
    }
}

#[test]
fn row_timer() {
    assert_eq!(always("StatsD(ms,rtt,12.5)", &conf()), b"rtt:12.5|ms");
}

#[test]
fn row_timer_rejections_stop_the_dialplan() {
    for (value, shown) in [("-1", "-1"), ("+1", "+1"), ("1e3", "1e3")] {
        let (reason, log) = rejected(&format!("StatsD(ms,rtt,{value})"));
        assert_eq!(reason, RejectReason::NotANumber);
        assert_eq!(
            log,
            [
                format!("ERROR \"{shown} is not a number!\""),
                "ERROR \"Invalid input for a timer metric.\"".to_string()
            ]
        );
    }
}

#[test]
fn row_timer_lone_dot() {
    assert_eq!(always("StatsD(ms,rtt,.)", &conf()), b"rtt:.|ms");
}

#[test]
fn row_counter_sign_and_dot() {
    assert_eq!(always("StatsD(c,x,+.)", &conf()), b"x:+.|c");
}

#[test]
fn row_set() {
    assert_eq!(always("StatsD(s,users,alice)", &conf()), b"users:alice|s");
}

#[test]
fn row_set_with_rate() {
    let c = conf();
    assert_eq!(
        run("StatsD(s,users,alice,0.5)", &c, 0.25).as_deref(),
        Some(&b"users:alice|s|@0.50"[..])
    );
    assert_eq!(run("StatsD(s,users,alice,0.5)", &c, 0.75), None);
}

#[test]
fn row_unsupported_types() {
    for t in ["h", "m", "C"] {
        let (reason, log) = rejected(&format!("StatsD({t},x,1)"));
        assert_eq!(reason, RejectReason::InvalidMetricType);
        assert_eq!(log, [format!("ERROR \"Invalid metric type {t}.\"")]);
    }
}

#[test]
fn row_colon_in_name() {
    assert_eq!(always("StatsD(c,a:b,1)", &conf()), b"a:b:1|c");
}

#[test]
fn row_space_in_name() {
    assert_eq!(always("StatsD(c,a b,1)", &conf()), b"a b:1|c");
}

#[test]
fn row_pipe_in_name() {
    let (reason, log) = rejected("StatsD(c,a|b,1)");
    assert_eq!(reason, RejectReason::InvalidName);
    assert_eq!(
        log,
        [
            "ERROR \"Statistic name a|b is missing or contains a pipe (|) character.\"",
            "ERROR \"Invalid input for a counter metric.\""
        ]
    );
}

#[test]
fn row_counter_at_the_rounded_upper_bound() {
    assert_eq!(
        always("StatsD(c,x,9223372036854776832)", &conf()),
        b"x:9223372036854776832|c"
    );
}

#[test]
fn row_counter_above_the_rounded_upper_bound() {
    let (reason, log) = rejected("StatsD(c,x,9223372036854776833)");
    assert_eq!(reason, RejectReason::OutOfRange);
    assert_eq!(
        log,
        [
            "WARNING \"Value 9223372036854777856.000000 out of range!\"",
            "ERROR \"Invalid input for a counter metric.\""
        ]
    );
}

#[test]
fn row_remainder_in_the_rate_slot() {
    let (reason, log) = rejected("StatsD(g,x,1,0.5,extra)");
    assert_eq!(reason, RejectReason::InvalidSampleRate);
    assert_eq!(log, ["ERROR \"0.5,extra is not a number!\""]);
}

#[test]
fn row_meter_support_no_rewrites_non_meters() {
    let parsed = StatsdConf::parse("[general]\nenabled = yes\nmeter_support = no\n").unwrap();
    let datagram = match simulate("StatsD(g,confBridgeUsers,+1)", &parsed.conf, &mut || 0.0) {
        Ok(SendOutcome::Sent(d)) => d,
        other => panic!("{other:?}"),
    };
    assert_eq!(datagram.bytes, b"confBridgeUsers_meter:+1|c");
    assert!(datagram.warnings[0].to_string().contains("inverted"));
}

#[test]
fn row_meter_support_no_leaves_meters_unchanged() {
    // res_chan_stats logs meters through ast_statsd_log(name, "m", 1).
    let parsed = StatsdConf::parse("[general]\nenabled = yes\nmeter_support = no\n").unwrap();
    let outcome = log_string(
        &parsed.conf,
        "stasis.message.ast_channel_snapshot_type",
        "m",
        "1",
        1.0,
        &mut || -> f64 { panic!("rate 1 draws nothing") },
    );
    let datagram = outcome.datagram().expect("sent");
    assert_eq!(
        datagram.bytes,
        b"stasis.message.ast_channel_snapshot_type:1|m"
    );
}

#[test]
fn rejection_levels_match_asterisk() {
    let outcome = simulate("StatsD(c,x,9223372036854776833)", &conf(), &mut || 0.0);
    let Err(SimulateError::Rejected(r)) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(r.log[0].level, LogLevel::Warning);
    assert_eq!(r.log[1].level, LogLevel::Error);
}
