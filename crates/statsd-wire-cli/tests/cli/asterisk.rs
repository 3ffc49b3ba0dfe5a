//! End to end, the example of Asterisk's "Utilizing the StatsD Dialplan
//! Application" page: two callers join ConfBridge(1000) through extension 100
//! and hang up; every StatsD() call the dialplan runs is executed by
//! `statsd-wire asterisk CALL --conf statsd.conf --send`, which sends the real
//! datagram over loopback to `statsd-wire listen --dialect etsy`, standing in
//! for the Etsy daemon. The gauge seen there goes 0, 1, 2, 1, 0, as on the
//! page's graph.

use std::time::Duration;

use statsd_asterisk::lint::{DialplanStep, parse_dialplan};

use crate::support::{Listen, bin, stderr_of, stdout_of, temp_file};

/// The page's dialplan, verbatim.
const DIALPLAN: &str = "[default]
exten => 100,1,NoOp()
 same => n,StatsD(g,confBridgeUsers,+1,1)
 same => n,Set(CHANNEL(hangup_handler_push)=default,200,1);
 same => n,ConfBridge(1000)
 same => n,StatsD(g,confBridgeUsers,-1,1)
 same => n,Hangup()

exten => 200,1,NoOp()
 same => n,StatsD(g,confBridgeUsers,-1,1)
 same => n,Hangup()
";

/// A channel: where its dialplan is and the hangup handlers pushed on it.
struct Channel {
    context: String,
    extension: String,
    priority: i32,
    hangup_handlers: Vec<(String, String, i32)>,
}

/// Runs a channel's dialplan from where it is until it waits in ConfBridge()
/// or ends (Hangup(), or no next priority), returning the StatsD() calls run.
/// A caller who hangs up makes ConfBridge() return non-zero, so the PBX stops
/// the extension and runs the hangup handlers instead: priority 5 of
/// extension 100 never runs.
fn run(steps: &[DialplanStep], chan: &mut Channel) -> Vec<String> {
    let mut calls = Vec::new();
    while let Some(step) = steps.iter().find(|s| {
        (s.context.as_str(), s.extension.as_str(), s.priority)
            == (
                chan.context.as_str(),
                chan.extension.as_str(),
                chan.priority,
            )
    }) {
        chan.priority += 1;
        match step.app.to_ascii_lowercase().as_str() {
            "statsd" => calls.push(format!("{}({})", step.app, step.data)),
            "set" => {
                let target = step
                    .data
                    .strip_prefix("CHANNEL(hangup_handler_push)=")
                    .expect("the page only pushes a hangup handler");
                let parts: Vec<&str> = target.split(',').collect();
                chan.hangup_handlers.push((
                    parts[0].to_string(),
                    parts[1].to_string(),
                    parts[2].parse().unwrap(),
                ));
            }
            "confbridge" | "hangup" => break,
            _ => {}
        }
    }
    calls
}

fn join(steps: &[DialplanStep]) -> (Channel, Vec<String>) {
    let mut chan = Channel {
        context: "default".into(),
        extension: "100".into(),
        priority: 1,
        hangup_handlers: Vec::new(),
    };
    let calls = run(steps, &mut chan);
    (chan, calls)
}

fn hang_up(steps: &[DialplanStep], mut chan: Channel) -> Vec<String> {
    let mut calls = Vec::new();
    while let Some((context, extension, priority)) = chan.hangup_handlers.pop() {
        chan.context = context;
        chan.extension = extension;
        chan.priority = priority;
        calls.extend(run(steps, &mut chan));
    }
    calls
}

#[test]
fn two_callers_join_and_leave_the_conference_and_the_gauge_goes_0_1_2_1_0() {
    let steps = parse_dialplan(DIALPLAN);
    let (first, mut calls) = join(&steps);
    let (second, more) = join(&steps);
    calls.extend(more);
    calls.extend(hang_up(&steps, first));
    calls.extend(hang_up(&steps, second));
    assert_eq!(
        calls,
        [
            "StatsD(g,confBridgeUsers,+1,1)",
            "StatsD(g,confBridgeUsers,+1,1)",
            "StatsD(g,confBridgeUsers,-1,1)",
            "StatsD(g,confBridgeUsers,-1,1)",
        ]
    );

    let listen = Listen::start(&["--dialect", "etsy", "--count", &calls.len().to_string()]);
    let conf = format!("[general]\nenabled = yes\nserver = {}\n", listen.addr);
    let (_dir, conf_path) = temp_file("statsd.conf", conf.as_bytes());
    for call in &calls {
        let out = bin()
            .arg("asterisk")
            .arg(call)
            .arg("--conf")
            .arg(&conf_path)
            .arg("--send")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{call}: {}", stderr_of(&out));
        let delta = &call["StatsD(g,confBridgeUsers,".len()..call.len() - 3];
        assert_eq!(stdout_of(&out), format!("confBridgeUsers:{delta}|g\n"));
        assert!(stderr_of(&out).contains(&format!("sent 20 bytes to {}", listen.addr)));
    }
    let done = listen.finish(Duration::from_secs(10));
    assert!(!done.terminated, "{}", done.stderr);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let mut gauge = vec!["0"];
    gauge.extend(
        done.stdout
            .lines()
            .filter_map(|l| l.strip_prefix("gauge confBridgeUsers = ")),
    );
    assert_eq!(gauge, ["0", "1", "2", "1", "0"], "{}", done.stdout);
    assert_eq!(done.summary_line("lines"), "4 (4 valid, 0 invalid)");
}

#[test]
fn a_call_asterisk_rejects_sends_nothing() {
    let out = bin()
        .args(["asterisk", "StatsD(ms,rtt,-1)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout_of(&out).contains("is not a number"),
        "{}",
        stdout_of(&out)
    );
}

/// Defect 7 of issue 11: a column was recomputed from the line start for every
/// byte of a call's arguments (a 1 MiB line took 21.5 s in release; 4 MiB here
/// would take minutes). Linear now: a loose bound, an order of magnitude above
/// what a debug build needs.
#[test]
fn lint_is_linear_on_a_long_line() {
    let mut text = b"[ctx]\nexten => s,1,StatsD(g,name,".to_vec();
    text.extend(std::iter::repeat_n(b'7', 4 << 20));
    text.extend_from_slice(b",1)\n");
    let (_dir, path) = temp_file("extensions.conf", &text);
    let start = std::time::Instant::now();
    let out = bin()
        .args(["asterisk", "lint"])
        .arg(&path)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let took = start.elapsed();
    assert!(out.status.code().is_some(), "killed after {took:?}");
    assert!(
        stderr_of(&out).contains("1 StatsD() call(s)"),
        "{}",
        stderr_of(&out)
    );
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

/// Defect 7 of issue 11, memory: every item of every line and every step of
/// the dialplan (with a column per byte of its arguments) and every finding
/// were kept (a 100 MB file: 2.1 GB; 4 MiB: 84 MB in a debug build). Steps
/// are now checked as they are read and findings written as they are found:
/// about the size of the file.
#[test]
fn lint_memory_does_not_grow_with_the_calls() {
    let mut text = b"[ctx]\n".to_vec();
    let mut i = 0;
    while text.len() < 4 << 20 {
        i += 1;
        text.extend_from_slice(
            format!("exten => s,{i},StatsD(g,some.metric.name.{i},+1,1)\n").as_bytes(),
        );
    }
    let (_dir, path) = temp_file("extensions.conf", &text);
    let mut child = std::process::Command::new(crate::support::bin_path())
        .args(["asterisk", "lint"])
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{}/status", child.id())) {
            if let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        assert!(start.elapsed() < Duration::from_secs(300), "no end");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(0));
    assert!(
        peak_kb < 40 << 10,
        "{} MB for a 4 MiB dialplan",
        peak_kb >> 10
    );
}
