//! `statsd-conformance daemon` against a small fake StatsD server: a UDP
//! receiver that aggregates and flushes to the runner's Graphite listener
//! and serves a Prometheus endpoint; also servers that never flush, flush
//! garbage, or die.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use statsd_conformance::daemon::{self, DaemonOptions};
use statsd_conformance::report::{Report, Status};
use statsd_conformance::vectors::Suite;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Aggregates and flushes correctly (counters over-count when `double`).
    Good { double: bool },
    /// Receives, never flushes.
    NeverFlush,
    /// Flushes lines that are not Graphite plaintext.
    Garbage,
    /// Stops (closes its socket) after this many datagrams.
    DieAfter(usize),
}

#[derive(Default)]
struct State {
    counters: BTreeMap<String, f64>,
    gauges: BTreeMap<String, f64>,
    timers: BTreeMap<String, Vec<f64>>,
    sets: BTreeMap<String, BTreeSet<String>>,
    bad: f64,
    // Prometheus: running totals and last gauges.
    total_counters: BTreeMap<String, f64>,
    last_gauges: BTreeMap<String, f64>,
    total_bad: f64,
}

fn apply(state: &mut State, line: &str, double: bool) {
    let bad = |s: &mut State| {
        s.bad += 1.0;
        s.total_bad += 1.0;
    };
    let Some((name, rest)) = line.split_once(':') else {
        return bad(state);
    };
    // Tags (`|#...`) do not tell series apart here, as on netdata.
    let fields: Vec<&str> = rest.split('|').filter(|f| !f.starts_with('#')).collect();
    let (value, ty) = match fields.as_slice() {
        [v, t] | [v, t, _] => (*v, *t),
        _ => return bad(state),
    };
    let rate = match fields.get(2) {
        Some(r) => match r.strip_prefix('@').and_then(|r| r.parse::<f64>().ok()) {
            Some(r) if r > 0.0 && r <= 1.0 => r,
            _ => return bad(state),
        },
        None => 1.0,
    };
    let name = name.to_string();
    if ty == "s" {
        state
            .sets
            .entry(name)
            .or_default()
            .insert(value.to_string());
        return;
    }
    let Ok(v) = value.parse::<f64>() else {
        return bad(state);
    };
    match ty {
        "c" => {
            let add = v / rate * if double { 2.0 } else { 1.0 };
            *state.counters.entry(name.clone()).or_default() += add;
            *state.total_counters.entry(name).or_default() += add;
        }
        "g" => {
            let g = state.gauges.entry(name.clone()).or_default();
            if value.starts_with(['+', '-']) {
                *g += v;
            } else {
                *g = v;
            }
            state.last_gauges.insert(name, *g);
        }
        "ms" => state.timers.entry(name).or_default().push(v),
        _ => bad(state),
    }
}

fn graphite_flush(state: &mut State, ts: u64) -> String {
    let mut out = String::new();
    for (k, v) in std::mem::take(&mut state.counters) {
        out.push_str(&format!("fake.counters.{k}.count {v} {ts}\n"));
    }
    for (k, v) in std::mem::take(&mut state.gauges) {
        out.push_str(&format!("fake.gauges.{k} {v} {ts}\n"));
    }
    for (k, vs) in std::mem::take(&mut state.timers) {
        let min = vs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = vs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = vs.iter().sum();
        out.push_str(&format!(
            "fake.timers.{k}.count {} {ts}\nfake.timers.{k}.lower {min} {ts}\nfake.timers.{k}.upper {max} {ts}\nfake.timers.{k}.sum {sum} {ts}\n",
            vs.len()
        ));
    }
    for (k, m) in std::mem::take(&mut state.sets) {
        out.push_str(&format!("fake.sets.{k}.count {} {ts}\n", m.len()));
    }
    out.push_str(&format!("fake.internal.bad_lines {} {ts}\n", state.bad));
    state.bad = 0.0;
    out
}

fn prometheus_text(state: &State) -> String {
    let mut out = String::from("# TYPE fake_counter_total counter\n");
    for (k, v) in &state.total_counters {
        out.push_str(&format!("fake_counter_total{{name=\"{k}\"}} {v}\n"));
    }
    out.push_str("# TYPE fake_gauge gauge\n");
    for (k, v) in &state.last_gauges {
        out.push_str(&format!("fake_gauge{{name=\"{k}\"}} {v}\n"));
    }
    out.push_str(&format!("fake_bad_lines_total {}\n", state.total_bad));
    out
}

/// A fake server on its own threads; stopped on drop.
struct Fake {
    udp_port: u16,
    http_port: u16,
    stop: Arc<AtomicBool>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn spawn_fake(mode: Mode, graphite_port: u16) -> Fake {
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_millis(10)))
        .unwrap();
    let udp_port = udp.local_addr().unwrap().port();
    let http = TcpListener::bind("127.0.0.1:0").unwrap();
    http.set_nonblocking(true).unwrap();
    let http_port = http.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let state = Arc::new(Mutex::new(State::default()));

    let (st, stop1) = (Arc::clone(&state), Arc::clone(&stop));
    std::thread::spawn(move || {
        let mut received = 0usize;
        let mut last_flush = Instant::now();
        let mut buf = [0u8; 65536];
        let double = matches!(mode, Mode::Good { double: true });
        while !stop1.load(Ordering::SeqCst) {
            if let Ok(n) = udp.recv(&mut buf) {
                received += 1;
                if let Mode::DieAfter(k) = mode {
                    if received > k {
                        return; // the socket closes: sends are refused
                    }
                }
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                let mut s = st.lock().unwrap();
                for line in text.split('\n').filter(|l| !l.is_empty()) {
                    apply(&mut s, line, double);
                }
            }
            if last_flush.elapsed() >= Duration::from_millis(50) {
                last_flush = Instant::now();
                let payload = {
                    let mut s = st.lock().unwrap();
                    match mode {
                        Mode::NeverFlush => continue,
                        Mode::Garbage => {
                            let _ = graphite_flush(&mut s, 1);
                            "this is not graphite\n{\"json\": true}\n".to_string()
                        }
                        _ => graphite_flush(&mut s, 1_700_000_000),
                    }
                };
                if let Ok(mut c) = TcpStream::connect(("127.0.0.1", graphite_port)) {
                    let _ = c.write_all(payload.as_bytes());
                }
            }
        }
    });

    let (st, stop2) = (Arc::clone(&state), Arc::clone(&stop));
    std::thread::spawn(move || {
        while !stop2.load(Ordering::SeqCst) {
            match http.accept() {
                Ok((mut c, _)) => {
                    let _ = c.set_nonblocking(false);
                    let _ = c.set_read_timeout(Some(Duration::from_secs(1)));
                    let mut req = [0u8; 4096];
                    let _ = c.read(&mut req);
                    let body = prometheus_text(&st.lock().unwrap());
                    let _ = write!(
                        c,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    Fake {
        udp_port,
        http_port,
        stop,
    }
}

fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn case(id: &str, input: &str, verdict: &str, metrics: &[serde_json::Value]) -> serde_json::Value {
    let mut lines: Vec<serde_json::Value> = metrics
        .iter()
        .map(|m| serde_json::json!({"ok": true, "metric": m}))
        .collect();
    if verdict == "n" {
        lines.push(
            serde_json::json!({"ok": false, "error": {"class": "invalid_value", "message": "x"}}),
        );
    }
    serde_json::json!({
        "id": id, "input": input,
        "expect": {"*": {"verdict": verdict, "lines": lines}}
    })
}

fn m(name: &str, ty: &str, values: &[&str], rate: Option<&str>, delta: bool) -> serde_json::Value {
    serde_json::json!({"name": name, "type": ty, "values": values, "sample_rate": rate, "delta": delta})
}

fn suite() -> Suite {
    let cases = vec![
        case(
            "t/counter",
            "gorets:1|c",
            "y",
            &[m("gorets", "counter", &["1"], None, false)],
        ),
        case(
            "t/rate",
            "gorets:1|c|@0.5",
            "y",
            &[m("gorets", "counter", &["1"], Some("0.5"), false)],
        ),
        case(
            "t/other-counter",
            "hits:3|c",
            "y",
            &[m("hits", "counter", &["3"], None, false)],
        ),
        case(
            "t/gauge",
            "gaugor:333|g",
            "y",
            &[m("gaugor", "gauge", &["333"], None, false)],
        ),
        case(
            "t/gauge-delta",
            "gaugor:10|g\ngaugor:+5|g",
            "y",
            &[
                m("gaugor", "gauge", &["10"], None, false),
                m("gaugor", "gauge", &["+5"], None, true),
            ],
        ),
        case(
            "t/timer",
            "glork:320|ms\nglork:100|ms",
            "y",
            &[
                m("glork", "timer", &["320"], None, false),
                m("glork", "timer", &["100"], None, false),
            ],
        ),
        case(
            "t/set",
            "uniques:765|s",
            "y",
            &[m("uniques", "set", &["765"], None, false)],
        ),
        case("t/bad", "bad:x|c", "n", &[]),
        case(
            "t/meter",
            "meter:1|m",
            "y",
            &[m("meter", "meter", &["1"], None, false)],
        ),
    ];
    let vectors = serde_json::json!({
        "suite": "statsd-spec-vectors", "suite_version": "0.0.0-test", "group": "t", "cases": cases
    });
    Suite::from_files([
        ("VERSION".to_string(), "0.0.0-test".to_string()),
        (
            "dialects.json".to_string(),
            r#"{"dialects": [{"id": "spec"}]}"#.to_string(),
        ),
        ("vectors/t.json".to_string(), vectors.to_string()),
    ])
    .unwrap()
}

fn graphite_profile(dir: &tempfile::TempDir, graphite_port: u16, udp_port: u16) -> PathBuf {
    let text = format!(
        r#"
name = "fake"
version = "1"
flush_interval_ms = 50
send = "udp://127.0.0.1:{udp_port}"
ignore = ['^fake\.internal\.']
rejected_counter = "fake.internal.bad_lines"

[observe]
graphite = "127.0.0.1:{graphite_port}"

[isolation]
window_timeout_ms = 600

[metrics.counter]
sum = "fake.counters.{{name}}.count"
[metrics.gauge]
value = "fake.gauges.{{name}}"
[metrics.timer]
count = "fake.timers.{{name}}.count"
min = "fake.timers.{{name}}.lower"
max = "fake.timers.{{name}}.upper"
sum = "fake.timers.{{name}}.sum"
[metrics.set]
count = "fake.sets.{{name}}.count"
"#
    );
    let path = dir.path().join("fake.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(profile: PathBuf) -> (Report, Duration) {
    let started = Instant::now();
    let opts = DaemonOptions {
        profile,
        ..DaemonOptions::default()
    };
    let report = daemon::run(&suite(), &opts).unwrap();
    (report, started.elapsed())
}

fn statuses(report: &Report) -> BTreeMap<String, (Status, String)> {
    report
        .cases
        .iter()
        .filter(|c| c.kind == statsd_conformance::report::Kind::Decode)
        .map(|c| (c.id.clone(), (c.status, c.detail.clone())))
        .collect()
}

#[test]
fn a_correct_server_passes_and_an_unsupported_type_fails() {
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    let fake = spawn_fake(Mode::Good { double: false }, gport);
    let (report, took) = run(graphite_profile(&dir, gport, fake.udp_port));
    let s = statuses(&report);
    for id in [
        "t/counter",
        "t/rate",
        "t/other-counter",
        "t/gauge",
        "t/gauge-delta",
        "t/timer",
        "t/set",
        "t/bad",
    ] {
        assert_eq!(s[id].0, Status::Pass, "{id}: {:?}", s[id]);
    }
    // The fake server counts `m` as a bad line; the profile has no meter.
    assert_eq!(
        s["t/meter"].0,
        Status::ShouldHaveAccepted,
        "{:?}",
        s["t/meter"]
    );
    assert!(s["t/meter"].1.contains("no [metrics.meter]"));
    // The rejected lines are counted (over the window: t/bad and t/meter).
    let bad = report.cases.iter().find(|c| c.id == "t/bad").unwrap();
    let n = bad.got["rejected_lines_in_window"]
        .as_f64()
        .or(bad.got["rejected_lines"].as_f64());
    assert!(n.is_some_and(|n| n >= 1.0), "{}", bad.got);
    assert_eq!(report.mode, "daemon");
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn wrong_values_are_mismatches() {
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    let fake = spawn_fake(Mode::Good { double: true }, gport);
    let (report, _) = run(graphite_profile(&dir, gport, fake.udp_port));
    let s = statuses(&report);
    assert_eq!(s["t/counter"].0, Status::Mismatch, "{:?}", s["t/counter"]);
    assert!(
        s["t/counter"].1.contains("expected 1, got 2"),
        "{:?}",
        s["t/counter"]
    );
    assert_eq!(s["t/gauge"].0, Status::Pass);
}

#[test]
fn a_server_that_never_flushes_times_out_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    let fake = spawn_fake(Mode::NeverFlush, gport);
    let (report, took) = run(graphite_profile(&dir, gport, fake.udp_port));
    for (id, (status, detail)) in statuses(&report) {
        assert_eq!(status, Status::Timeout, "{id}: {detail}");
        assert!(detail.contains("never flushed"), "{id}: {detail}");
    }
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_server_that_flushes_garbage_crashes_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    let fake = spawn_fake(Mode::Garbage, gport);
    let (report, took) = run(graphite_profile(&dir, gport, fake.udp_port));
    for (id, (status, detail)) in statuses(&report) {
        assert!(
            matches!(status, Status::Crash | Status::Timeout),
            "{id}: {status} {detail}"
        );
        assert!(detail.contains("not Graphite plaintext"), "{id}: {detail}");
    }
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_server_that_dies_gives_crashes_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    // The readiness marker is one datagram; it dies on the third case.
    let fake = spawn_fake(Mode::DieAfter(3), gport);
    let (report, took) = run(graphite_profile(&dir, gport, fake.udp_port));
    let s = statuses(&report);
    let bad: Vec<_> = s
        .iter()
        .filter(|(_, (st, _))| matches!(st, Status::Crash | Status::Timeout))
        .collect();
    assert!(bad.len() >= 5, "{s:?}");
    assert!(
        bad.iter()
            .any(|(_, (st, d))| *st == Status::Crash && d.contains("unreachable")),
        "{s:?}"
    );
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[test]
fn prometheus_scrapes_are_graded_as_increases() {
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    let fake = spawn_fake(Mode::Good { double: false }, gport);
    let text = format!(
        r#"
name = "fake-prom"
flush_interval_ms = 50
send = "udp://127.0.0.1:{}"
rejected_counter = "fake_bad_lines_total"
[observe]
prometheus = "http://127.0.0.1:{}/metrics"
cumulative = ["counter.sum"]
[isolation]
window_timeout_ms = 1000
[metrics.counter]
sum = 'fake_counter_total{{name="{{name}}"}}'
[metrics.gauge]
value = 'fake_gauge{{name="{{name}}"}}'
"#,
        fake.udp_port, fake.http_port
    );
    let path = dir.path().join("prom.toml");
    std::fs::write(&path, text).unwrap();
    let opts = DaemonOptions {
        profile: path,
        run: vec![
            "t/counter".into(),
            "t/rate".into(),
            "t/gauge".into(),
            "t/bad".into(),
        ],
        ..DaemonOptions::default()
    };
    let report = daemon::run(&suite(), &opts).unwrap();
    let s = statuses(&report);
    // gorets is counted twice (1, then 2 more): the increase is graded.
    assert_eq!(s["t/counter"].0, Status::Pass, "{:?}", s["t/counter"]);
    assert_eq!(s["t/rate"].0, Status::Pass, "{:?}", s["t/rate"]);
    assert_eq!(s["t/gauge"].0, Status::Pass, "{:?}", s["t/gauge"]);
    assert_eq!(s["t/bad"].0, Status::Pass, "{:?}", s["t/bad"]);
    let bad = report.cases.iter().find(|c| c.id == "t/bad").unwrap();
    let n = bad.got["rejected_lines_in_window"]
        .as_f64()
        .or(bad.got["rejected_lines"].as_f64());
    assert_eq!(n, Some(1.0), "{}", bad.got);
}

#[test]
fn a_bad_profile_is_a_harness_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "name = \"x\"\nflush_interval_ms = 10\n[observe]\n").unwrap();
    let opts = DaemonOptions {
        profile: path,
        ..DaemonOptions::default()
    };
    let err = daemon::run(&suite(), &opts).unwrap_err();
    assert!(err.0.contains("graphite or prometheus"), "{err}");
}

#[test]
fn every_shipped_profile_is_valid() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/peers/profiles");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let p = daemon::profile::Compiled::load(&path).unwrap_or_else(|e| panic!("{e}"));
            // Examples say so in their name and in the profile.
            let named_example = path.to_string_lossy().ends_with(".example.toml");
            assert_eq!(p.profile.example, named_example, "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 6, "{n} profiles in {}", dir.display());
}

#[test]
fn the_readme_profile_is_valid_and_short() {
    let readme =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/peers/README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let start = text.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let block = &text[start..start + text[start..].find("```").unwrap()];
    assert!(block.lines().count() < 15, "{block}");
    let p = daemon::profile::Compiled::parse(block, PathBuf::from("."))
        .unwrap_or_else(|e| panic!("{e}\n{block}"));
    assert_eq!(
        p.flushed("counter", "sum", "a").as_deref(),
        Some("stats.counters.a.count")
    );
}

#[test]
fn a_started_server_that_exits_is_a_crash_for_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    let text = format!(
        r#"
name = "exits"
flush_interval_ms = 50
send = "udp://127.0.0.1:{{statsd_port}}"
[server]
start = "echo starting; exit 3"
ready_timeout_ms = 2000
[observe]
graphite = "127.0.0.1:{gport}"
[metrics.gauge]
value = "g.{{name}}"
"#
    );
    let path = dir.path().join("exits.toml");
    std::fs::write(&path, text).unwrap();
    let started = Instant::now();
    let (report, _) = run(path);
    for (id, (status, detail)) in statuses(&report) {
        assert_eq!(status, Status::Crash, "{id}: {detail}");
        assert!(detail.contains("exit status: 3"), "{id}: {detail}");
        assert!(
            detail.contains("starting"),
            "{id}: the server's output: {detail}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// The dogstatsd column: tagged metrics graded through the profile's `[tags]`,
/// events and service checks UNIMPLEMENTED (never sent), the dialects the
/// profile's `dialects` lists graded by default.
#[test]
fn dogstatsd_tags_are_graded_and_events_are_unimplemented() {
    let tagged = serde_json::json!({
        "id": "d/tagged", "input": "gorets:1|c|#env:prod\ngorets:2|c|#env:dev",
        "expect": {"dogstatsd": {"verdict": "y", "lines": [
            {"ok": true, "metric": {"name": "gorets", "type": "counter", "values": ["1"],
                                    "sample_rate": null, "tags": [["env", "prod"]]}},
            {"ok": true, "metric": {"name": "gorets", "type": "counter", "values": ["2"],
                                    "sample_rate": null, "tags": [["env", "dev"]]}}]}}
    });
    let event = serde_json::json!({
        "id": "d/event", "input": "_e{1,1}:a|b",
        "expect": {"dogstatsd": {"verdict": "y", "lines": [
            {"ok": true, "event": {"title": "a", "text": "b"}}]}}
    });
    let plain = case(
        "d/plain",
        "hits:3|c",
        "y",
        &[m("hits", "counter", &["3"], None, false)],
    );
    let vectors = serde_json::json!({
        "suite": "statsd-spec-vectors", "suite_version": "0.0.0-test", "group": "d",
        "cases": [tagged, event, plain]
    });
    let suite = Suite::from_files([
        ("VERSION".to_string(), "0.0.0-test".to_string()),
        (
            "dialects.json".to_string(),
            r#"{"dialects": [{"id": "spec"}, {"id": "dogstatsd"}]}"#.to_string(),
        ),
        ("vectors/d.json".to_string(), vectors.to_string()),
    ])
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gport = free_tcp_port();
    let fake = spawn_fake(Mode::Good { double: false }, gport);
    let path = graphite_profile(&dir, gport, fake.udp_port);
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "[observe]",
        "dialects = [\"dogstatsd\"]\n[tags]\nidentity = \"ignore\"\n[observe]",
    );
    std::fs::write(&path, text).unwrap();
    let opts = DaemonOptions {
        profile: path,
        ..DaemonOptions::default()
    };
    let report = daemon::run(&suite, &opts).unwrap();
    assert_eq!(report.dialects, ["dogstatsd"]);
    let s = statuses(&report);
    assert_eq!(s["d/tagged"].0, Status::Pass, "{:?}", s["d/tagged"]);
    assert_eq!(s["d/plain"].0, Status::Pass, "{:?}", s["d/plain"]);
    assert_eq!(s["d/event"].0, Status::Unimplemented, "{:?}", s["d/event"]);
    assert!(s["d/event"].1.contains("event"), "{:?}", s["d/event"]);
}
