//! The example of Asterisk's "Utilizing the StatsD Dialplan Application" page,
//! run as a pure-library model (no network): two callers join ConfBridge(1000)
//! through extension 100, then hang up; the StatsD() datagrams are collected in
//! order and applied to a gauge the way Etsy-family servers apply gauge deltas.
//!
//! The page's dialplan (tests/fixtures/confbridge.conf, context `default`):
//!
//! ```text
//! exten => 100,1,NoOp()
//!  same => n,StatsD(g,confBridgeUsers,+1,1)
//!  same => n,Set(CHANNEL(hangup_handler_push)=default,200,1);
//!  same => n,ConfBridge(1000)
//!  same => n,StatsD(g,confBridgeUsers,-1,1)
//!  same => n,Hangup()
//!
//! exten => 200,1,NoOp()
//!  same => n,StatsD(g,confBridgeUsers,-1,1)
//!  same => n,Hangup()
//! ```
//!
//! What runs when, for each caller:
//! * calling 100 runs priority 1 (NoOp), 2 (StatsD +1: `confBridgeUsers:+1|g`),
//!   3 (push the hangup handler `default,200,1` on the channel) and 4
//!   (ConfBridge), where the channel stays while it is in the conference;
//! * when the caller hangs up (or is hung up), ConfBridge returns non-zero and
//!   the PBX stops running extension 100: priority 5 (StatsD -1) does NOT run;
//!   the channel's hangup handlers run instead: extension 200 priorities 1
//!   (NoOp), 2 (StatsD -1: `confBridgeUsers:-1|g`) and 3 (Hangup).
//!
//! So the page's graph — 0, 1 when the first caller joins, 2 with the second, 1
//! when one hangs up, 0 when the last one does — is the sum of those deltas.

use statsd_asterisk::conf::StatsdConf;
use statsd_asterisk::lint::{DialplanStep, parse_dialplan};
use statsd_asterisk::send::SendOutcome;
use statsd_asterisk::simulate;
use statsd_wire::{Config, MetricType, Value, parse_line};

const DIALPLAN: &str = include_str!("fixtures/confbridge.conf");

/// How a channel leaves ConfBridge().
#[derive(Clone, Copy, Debug, PartialEq)]
enum LeaveConference {
    /// The caller hangs up: ConfBridge returns -1 and the dialplan stops.
    HangsUp,
    /// The caller leaves the bridge but stays up (ConfBridge returns 0, e.g.
    /// CONFBRIDGE_RESULT=DTMF): the dialplan goes on at the next priority.
    LeavesBridge,
}

/// A channel of the model: where it is in the dialplan and its hangup handlers.
struct Channel {
    context: String,
    extension: String,
    priority: i32,
    hangup_handlers: Vec<(String, String, i32)>,
}

/// The dialplan and everything sent so far.
struct Pbx {
    steps: Vec<DialplanStep>,
    conf: StatsdConf,
    sent: Vec<Vec<u8>>,
}

/// What stopped a run of the dialplan.
#[derive(Debug, PartialEq)]
enum Stop {
    /// The channel entered ConfBridge() and waits there.
    InConference,
    /// The dialplan ended (Hangup() or no more priorities).
    Done,
}

impl Pbx {
    fn new() -> Pbx {
        let conf = StatsdConf::parse("[general]\nenabled = yes\n")
            .expect("valid statsd.conf")
            .conf;
        Pbx {
            steps: parse_dialplan(DIALPLAN),
            conf,
            sent: Vec::new(),
        }
    }

    fn step(&self, context: &str, extension: &str, priority: i32) -> Option<&DialplanStep> {
        self.steps
            .iter()
            .find(|s| s.context == context && s.extension == extension && s.priority == priority)
    }

    /// Runs the channel's dialplan from its current priority until it blocks
    /// in ConfBridge() or ends.
    fn run(&mut self, chan: &mut Channel) -> Stop {
        loop {
            let Some(step) = self
                .step(&chan.context, &chan.extension, chan.priority)
                .cloned()
            else {
                return Stop::Done;
            };
            chan.priority += 1;
            match step.app.to_ascii_lowercase().as_str() {
                "noop" => {}
                "statsd" => {
                    let call = format!("{}({})", step.app, step.data);
                    match simulate(&call, &self.conf, &mut || -> f64 {
                        panic!("rate 1 draws nothing")
                    }) {
                        Ok(SendOutcome::Sent(d)) => self.sent.push(d.bytes),
                        other => panic!("{call}: {other:?}"),
                    }
                }
                "set" => {
                    // Set(CHANNEL(hangup_handler_push)=default,200,1)
                    let target = step
                        .data
                        .strip_prefix("CHANNEL(hangup_handler_push)=")
                        .expect("only the hangup handler push is used");
                    let parts: Vec<&str> = target.split(',').collect();
                    assert_eq!(parts.len(), 3, "{target}");
                    chan.hangup_handlers.push((
                        parts[0].to_string(),
                        parts[1].to_string(),
                        parts[2].parse().expect("numeric priority"),
                    ));
                }
                "confbridge" => return Stop::InConference,
                "hangup" => return Stop::Done,
                other => panic!("the model does not know {other}"),
            }
        }
    }

    /// A new call to `extension` in context `default`.
    fn call(&mut self, extension: &str) -> Channel {
        let mut chan = Channel {
            context: "default".into(),
            extension: extension.into(),
            priority: 1,
            hangup_handlers: Vec::new(),
        };
        assert_eq!(self.run(&mut chan), Stop::InConference);
        chan
    }

    /// The channel leaves the conference; on hangup its handlers run (last
    /// pushed first), each until it ends.
    fn leave(&mut self, mut chan: Channel, how: LeaveConference) {
        if how == LeaveConference::LeavesBridge {
            assert_eq!(self.run(&mut chan), Stop::Done);
        }
        while let Some((context, extension, priority)) = chan.hangup_handlers.pop() {
            let mut handler = Channel {
                context,
                extension,
                priority,
                hangup_handlers: Vec::new(),
            };
            assert_eq!(self.run(&mut handler), Stop::Done);
        }
    }
}

/// Applies datagrams to a gauge as Etsy-family servers do: a signed value is a
/// delta, an unsigned one sets the gauge. Returns the gauge after each one,
/// starting with 0.
fn gauge_history(datagrams: &[Vec<u8>]) -> Vec<f64> {
    let config = Config::etsy();
    let mut gauge = 0.0;
    let mut history = vec![gauge];
    for datagram in datagrams {
        let metric = parse_line(datagram, &config).expect("a valid etsy line");
        assert_eq!(metric.name, "confBridgeUsers");
        assert_eq!(metric.kind, MetricType::Gauge);
        let Value::Number(n) = metric.value else {
            panic!("a number")
        };
        if metric.delta {
            gauge += n.as_f64();
        } else {
            gauge = n.as_f64();
        }
        history.push(gauge);
    }
    history
}

#[test]
fn the_dialplan_is_read_as_on_the_page() {
    let pbx = Pbx::new();
    let summary: Vec<(&str, i32, &str, &str)> = pbx
        .steps
        .iter()
        .map(|s| {
            (
                s.extension.as_str(),
                s.priority,
                s.app.as_str(),
                s.data.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("100", 1, "NoOp", ""),
            ("100", 2, "StatsD", "g,confBridgeUsers,+1,1"),
            (
                "100",
                3,
                "Set",
                "CHANNEL(hangup_handler_push)=default,200,1"
            ),
            ("100", 4, "ConfBridge", "1000"),
            ("100", 5, "StatsD", "g,confBridgeUsers,-1,1"),
            ("100", 6, "Hangup", ""),
            ("200", 1, "NoOp", ""),
            ("200", 2, "StatsD", "g,confBridgeUsers,-1,1"),
            ("200", 3, "Hangup", ""),
        ]
    );
}

#[test]
fn two_callers_join_then_hang_up() {
    let mut pbx = Pbx::new();
    let first = pbx.call("100"); // 100,1..4: +1, then waits in ConfBridge(1000)
    let second = pbx.call("100"); // the same for the second caller
    pbx.leave(first, LeaveConference::HangsUp); // hangup handler 200,1..3: -1
    pbx.leave(second, LeaveConference::HangsUp); // the same
    assert_eq!(
        pbx.sent,
        [
            b"confBridgeUsers:+1|g".to_vec(),
            b"confBridgeUsers:+1|g".to_vec(),
            b"confBridgeUsers:-1|g".to_vec(),
            b"confBridgeUsers:-1|g".to_vec(),
        ]
    );
    assert_eq!(gauge_history(&pbx.sent), [0.0, 1.0, 2.0, 1.0, 0.0]);
}

#[test]
fn leaving_the_bridge_without_hanging_up_decrements_twice() {
    // Not on the page, but what the same dialplan does when ConfBridge()
    // returns 0: priority 5 sends -1, Hangup() ends the call, and the hangup
    // handler pushed at priority 3 sends -1 again.
    let mut pbx = Pbx::new();
    let caller = pbx.call("100");
    pbx.leave(caller, LeaveConference::LeavesBridge);
    assert_eq!(
        pbx.sent,
        [
            b"confBridgeUsers:+1|g".to_vec(),
            b"confBridgeUsers:-1|g".to_vec(),
            b"confBridgeUsers:-1|g".to_vec(),
        ]
    );
    assert_eq!(gauge_history(&pbx.sent), [0.0, 1.0, 0.0, -1.0]);
}

#[test]
fn the_page_dialplan_lints_clean() {
    let report = statsd_asterisk::lint::lint_dialplan(DIALPLAN, &StatsdConf::default());
    assert_eq!(report.calls, 3);
    assert!(!report.has_errors());
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity == statsd_asterisk::lint::Severity::Note)
    );
}
