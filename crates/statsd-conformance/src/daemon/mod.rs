//! `statsd-conformance daemon`: grades a running StatsD server with no
//! adapter. Each decode case is sent to the server (UDP, TCP or a Unix
//! datagram socket), cases are batched into flush windows closed by a marker
//! gauge, and what the server flushes — read from a Graphite plaintext
//! listener the runner opens, or from Prometheus scrapes — is compared with
//! what the case's expected metrics aggregate to under the server's
//! [`profile`].
//!
//! Isolation: the cases of one window have disjoint metric names; names rest
//! `cooldown_windows` windows (or, on a server that keeps metrics forever,
//! until it is restarted). A flushed name that cannot be attributed to exactly
//! one case of a window, or anything unexpected in one, makes the window's
//! cases run again one per window. A server that dies is restarted (when the
//! profile can start it) and the window's cases re-run one by one, so the one
//! that kills it is found; a server that never flushes the marker, or
//! flushes garbage, gives TIMEOUT or CRASH with the reason, within bounded
//! time.

pub mod cli;
pub mod expect;
pub mod observe;
pub mod profile;
pub mod server;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use statsd_wire_protocol::Capabilities;

use crate::glob;
use crate::report::{CaseResult, GradingInfo, Kind, REPORT_VERSION, Report, Status, Summary};
use crate::runner::{Expectations, HarnessError};
use crate::vectors::{Case, SUITE_NAME, Suite, Verdict};

use expect::Expected;
use observe::{Event, Graphite};
use profile::Compiled;
use server::{Sender, Server};

/// Failed windows in a row (no marker) after which the rest is not run.
const MAX_FAILED_WINDOWS: usize = 2;

/// Options of a daemon run.
#[derive(Clone, Debug, Default)]
pub struct DaemonOptions {
    /// The profile file.
    pub profile: PathBuf,
    /// Where to send (overrides the profile's `send`).
    pub send: Option<String>,
    /// The Graphite listen address (overrides `[observe] graphite`).
    pub graphite: Option<String>,
    /// The Prometheus URL (overrides `[observe] prometheus`).
    pub prometheus: Option<String>,
    /// Dialects (empty: every suite dialect).
    pub dialects: Vec<String>,
    /// Only these selectors.
    pub run: Vec<String>,
    /// Not these selectors.
    pub skip: Vec<String>,
    /// Skips and known failures.
    pub expectations: Expectations,
    /// The label in reports (default: the profile's name).
    pub name: Option<String>,
    /// Server restarts allowed (default 25 when 0).
    pub max_restarts: usize,
    /// Print progress to stderr.
    pub progress: bool,
}

/// What was observed for one case.
#[derive(Clone, Debug, PartialEq)]
pub enum Observation {
    /// Flushed name to value (this case's share of a window).
    Observed {
        /// What was flushed for this case, in arrival order.
        values: Vec<Flushed>,
        /// The rejected-line counter's increase over the whole window, if the
        /// profile names the counter.
        rejected: Option<f64>,
        /// Cases in the window.
        window: usize,
    },
    /// The server died, or flushed what is not its protocol.
    Crash(String),
    /// No flush with the marker in time.
    Timeout(String),
}

/// One flushed value.
#[derive(Clone, Debug, PartialEq)]
pub struct Flushed {
    /// The flushed name (Graphite path or Prometheus series).
    pub name: String,
    /// The value.
    pub value: f64,
    /// The value before the window (Prometheus scrapes).
    pub before: Option<f64>,
}

/// A case to run and what it may flush.
struct Job<'a> {
    case: &'a Case,
    /// Sanitised base names (from the input and the expected metrics).
    bases: BTreeSet<String>,
    /// Flushed names it may produce.
    exact: BTreeSet<String>,
    prefixes: Vec<String>,
    /// Expected flushed names of non-cumulative aggregates.
    expected: BTreeSet<String>,
}

impl Job<'_> {
    fn may_flush(&self, name: &str) -> bool {
        self.exact.contains(name) || self.prefixes.iter().any(|p| name.starts_with(p.as_str()))
    }

    fn conflicts(&self, other: &Job<'_>) -> bool {
        self.bases.iter().any(|a| {
            other.bases.iter().any(|b| {
                a == b
                    || a.strip_prefix(b.as_str())
                        .is_some_and(|r| r.starts_with('.'))
                    || b.strip_prefix(a.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
        }) || self.exact.iter().any(|n| other.may_flush(n))
            || other.exact.iter().any(|n| self.may_flush(n))
    }
}

/// Base names a datagram may produce: each line's text before the first
/// `:`, before the first `|`, before the last `:` of the first field, before
/// the first `=` or NUL, and the whole line, sanitised.
fn input_bases(bytes: &[u8], profile: &Compiled) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in bytes.split(|&b| b == b'\n') {
        for piece in line.split(|&b| b == b'\r') {
            if piece.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let colon = piece.iter().position(|&b| b == b':').unwrap_or(piece.len());
            let pipe = piece.iter().position(|&b| b == b'|').unwrap_or(piece.len());
            // collectd names run to the last ':' before the first '|'.
            let last_colon = piece[..pipe]
                .iter()
                .rposition(|&b| b == b':')
                .unwrap_or(pipe);
            // netdata's tokenizer also ends a name at '=' (observed: `a=b:1|c`
            // flushes `a`), and C servers at a NUL byte.
            let equals = piece.iter().position(|&b| b == b'=').unwrap_or(piece.len());
            let nul = piece.iter().position(|&b| b == 0).unwrap_or(piece.len());
            for cut in [
                colon,
                pipe.min(colon),
                pipe,
                last_colon,
                equals,
                nul,
                piece.len(),
            ] {
                out.insert(profile.sanitize(&piece[..cut]));
                out.insert(profile.sanitize(piece[..cut].trim_ascii()));
            }
        }
    }
    out
}

/// Whether a datagram holds a value whose magnitude, divided by its line's
/// sample rate, is 2^53 or more, or is not finite (as far as a plain
/// `name:value[:value...]|type|@rate` reading finds it).
fn heavy(bytes: &[u8]) -> bool {
    const BIG: f64 = 9_007_199_254_740_992.0;
    String::from_utf8_lossy(bytes)
        .split(['\n', '\r'])
        .any(|line| {
            let mut fields = line.split('|');
            let Some((_, values)) = fields.next().and_then(|f| f.split_once(':')) else {
                return false;
            };
            let rate = fields
                .filter_map(|f| f.strip_prefix('@'))
                .filter_map(|r| r.trim().parse::<f64>().ok())
                .next()
                .unwrap_or(1.0);
            values.split(':').any(|v| {
                v.trim()
                    .trim_start_matches('+')
                    .parse::<f64>()
                    .is_ok_and(|x| !(x / rate).is_finite() || (x / rate).abs() >= BIG)
            })
        })
}

/// The base names of a case: from its input and from every dialect's
/// expected metrics, sanitised.
fn case_bases(case: &Case, profile: &Compiled) -> BTreeSet<String> {
    let mut bases = input_bases(&case.bytes(), profile);
    for d in case.expect.values() {
        for l in &d.lines {
            if let Some(m) = &l.metric {
                let raw = match (&m.name, &m.name_hex) {
                    (Some(n), _) => n.as_bytes().to_vec(),
                    (None, Some(h)) => statsd_wire_protocol::hex_decode(h).unwrap_or_default(),
                    _ => Vec::new(),
                };
                bases.insert(profile.sanitize(&raw));
            }
        }
    }
    bases
}

/// Drops what the profile's `also` templates give for the metrics the case
/// expects (written by the server with them, not graded). What the server
/// wrote for a metric the case does not expect stays, and is graded as
/// unexpected.
///
/// A running total that did not move is not in a scrape's observation: when
/// the case left other traces (an `also` name, another graded name), an
/// expected cumulative aggregate that is missing counts as an increase of 0.
fn drop_also(
    combined: BTreeMap<String, f64>,
    e: &Expected,
    profile: &Compiled,
) -> BTreeMap<String, f64> {
    let mut exact = BTreeSet::new();
    let mut prefixes = Vec::new();
    for v in e.values.values() {
        let (x, p) = profile.also_names(&v.ty, &v.base);
        exact.extend(x);
        prefixes.extend(p);
    }
    let evidence = !combined.is_empty();
    let mut kept: BTreeMap<String, f64> = combined
        .into_iter()
        .filter(|(k, _)| {
            e.values.contains_key(k)
                || !(exact.contains(k) || prefixes.iter().any(|p| k.starts_with(p.as_str())))
        })
        .collect();
    if evidence {
        for (name, v) in &e.values {
            if profile.is_cumulative(&v.ty, &v.agg) && !kept.contains_key(name) {
                kept.insert(name.clone(), 0.0);
            }
        }
    }
    kept
}

fn placeholders(text: &str, vars: &BTreeMap<&str, String>) -> String {
    let mut t = text.to_string();
    for (k, v) in vars {
        t = t.replace(&format!("{{{k}}}"), v);
    }
    t
}

/// A fresh temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let p = std::env::temp_dir().join(format!(
                "statsd-conformance-daemon-{}-{n}-{nanos}",
                std::process::id()
            ));
            if std::fs::create_dir(&p).is_ok() {
                return Ok(TempDir(p));
            }
        }
        Err("cannot create a temporary directory".into())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the cases against the server and keeps what it flushed per case.
struct Engine<'p> {
    profile: &'p Compiled,
    opts: &'p DaemonOptions,
    graphite: Option<Graphite>,
    prometheus: Option<String>,
    server: Option<Server>,
    sender: Option<Sender>,
    send_spec: String,
    vars: BTreeMap<&'static str, String>,
    _dir: Option<TempDir>,
    window: u64,
    restarts: usize,
    /// Base name to the window it was last used in.
    used: HashMap<String, u64>,
    failed_windows: usize,
    notes: Vec<String>,
    /// The scrape that closed the last window (the next window's baseline).
    last_scrape: Option<BTreeMap<String, observe::Series>>,
}

/// The result of one window.
enum WindowEnd {
    /// The marker arrived: everything observed (flushed name to values).
    Marker {
        events: Vec<Flushed>,
        garbage: Vec<String>,
        rejected: Option<f64>,
    },
    /// The server process exited, or sends fail.
    Died(String),
    /// No marker in time.
    NoMarker { garbage: Vec<String>, why: String },
}

impl<'p> Engine<'p> {
    fn new(profile: &'p Compiled, opts: &'p DaemonOptions) -> Result<Engine<'p>, String> {
        let p = &profile.profile;
        let graphite_addr = opts.graphite.clone().or_else(|| p.observe.graphite.clone());
        let graphite = match &graphite_addr {
            Some(addr) => Some(
                Graphite::listen(addr)
                    .map_err(|e| format!("cannot listen for Graphite on {addr}: {e}"))?,
            ),
            None => None,
        };
        let mut vars: BTreeMap<&'static str, String> = BTreeMap::new();
        vars.insert("statsd_port", server::free_port()?.to_string());
        vars.insert("web_port", server::free_port()?.to_string());
        if let Some(g) = &graphite {
            vars.insert("graphite_port", g.addr().port().to_string());
        }
        let dir_abs = std::fs::canonicalize(&profile.dir).unwrap_or_else(|_| profile.dir.clone());
        vars.insert("profile_dir", dir_abs.display().to_string());
        let dir = if p.server.is_some() {
            let d = TempDir::new()?;
            vars.insert("dir", d.0.display().to_string());
            Some(d)
        } else {
            None
        };
        let prometheus = opts
            .prometheus
            .clone()
            .or_else(|| p.observe.prometheus.clone())
            .map(|u| placeholders(&u, &vars));
        let send_spec = opts
            .send
            .clone()
            .or_else(|| p.send.clone())
            .ok_or("no --send address and no `send` in the profile")?;
        let send_spec = placeholders(&send_spec, &vars);
        Ok(Engine {
            profile,
            opts,
            graphite,
            prometheus,
            server: None,
            sender: None,
            send_spec,
            vars,
            _dir: dir,
            window: 0,
            restarts: 0,
            used: HashMap::new(),
            failed_windows: 0,
            notes: Vec::new(),
            last_scrape: None,
        })
    }

    fn log(&self, msg: &str) {
        if self.opts.progress {
            eprintln!("[daemon] {msg}");
        }
    }

    /// Starts (or restarts) the server when the profile can, then waits until
    /// it flushes a marker. `Err` when it does not come up.
    fn start(&mut self) -> Result<(), String> {
        if let Some(mut s) = self.server.take() {
            s.shutdown();
        }
        self.sender = None;
        self.used.clear();
        self.last_scrape = None;
        if let Some(spec) = &self.profile.profile.server {
            if let (Some(config), Some(dir)) = (&spec.config, self.vars.get("dir")) {
                let name = spec
                    .config_name
                    .clone()
                    .unwrap_or_else(|| "server.conf".into());
                let path = PathBuf::from(dir).join(name);
                std::fs::write(&path, placeholders(config, &self.vars))
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                self.vars.insert("config", path.display().to_string());
            }
            let cmd = placeholders(&spec.start, &self.vars);
            self.log(&format!("starting the server: {cmd}"));
            self.server = Some(Server::start(
                &cmd,
                spec.stop.as_ref().map(|s| placeholders(s, &self.vars)),
            )?);
        }
        // Readiness: markers until one is flushed.
        let timeout = match &self.profile.profile.server {
            Some(s) => s
                .ready_timeout_ms
                .unwrap_or(10_000)
                .max(self.profile.window_timeout_ms()),
            None => self.profile.window_timeout_ms(),
        };
        let deadline = Instant::now() + Duration::from_millis(timeout);
        let mut last = String::new();
        while Instant::now() < deadline {
            match self.window_run(
                &[],
                &BTreeSet::new(),
                Duration::from_millis(
                    (self.profile.profile.flush_interval_ms * 3 + 500).min(timeout),
                ),
            ) {
                WindowEnd::Marker { .. } => return Ok(()),
                WindowEnd::Died(why) if self.server_gone().is_none() && self.server.is_some() => {
                    // Not listening yet.
                    last = why;
                    std::thread::sleep(Duration::from_millis(100));
                }
                WindowEnd::Died(why) => {
                    return Err(format!(
                        "{why}{}",
                        self.server
                            .as_ref()
                            .map(|s| format!("; its output ends: {}", s.output_tail().trim()))
                            .unwrap_or_default()
                    ));
                }
                WindowEnd::NoMarker { garbage, why } => {
                    last = if garbage.is_empty() {
                        why
                    } else {
                        format!(
                            "{why}; {} lines that are not Graphite plaintext, first: {:?}",
                            garbage.len(),
                            garbage[0]
                        )
                    };
                }
            }
        }
        Err(format!(
            "the server did not flush the marker within {timeout} ms of starting ({last})"
        ))
    }

    fn server_gone(&mut self) -> Option<String> {
        self.server.as_mut().and_then(Server::exited)
    }

    /// Sends `cases` and the marker, waits for the marker's flush.
    fn window_run(
        &mut self,
        cases: &[&[u8]],
        interesting: &BTreeSet<String>,
        timeout: Duration,
    ) -> WindowEnd {
        self.window += 1;
        let w = self.window;
        let p = &self.profile.profile;
        if let Some(g) = &self.graphite {
            let (late, _) = g.drain();
            let late: Vec<Event> = late
                .into_iter()
                .filter(|e| match e {
                    Event::Line { name, .. } => !self.profile.is_ignored(name),
                    Event::Garbage(_) => true,
                })
                .collect();
            if !late.is_empty() {
                self.notes.push(format!(
                    "window {w}: {} late Graphite lines ignored",
                    late.len()
                ));
            }
        }
        let reuse = self.last_scrape.take();
        let baseline = match &self.prometheus {
            Some(_) if reuse.is_some() => reuse,
            Some(url) => match observe::scrape(
                url,
                Duration::from_secs(5),
                p.observe.prometheus_labels.as_deref(),
            ) {
                Ok(b) => Some(b),
                Err(e) => {
                    if let Some(why) = self.server_gone() {
                        return WindowEnd::Died(why);
                    }
                    return WindowEnd::NoMarker {
                        garbage: Vec::new(),
                        why: format!("baseline scrape failed: {e}"),
                    };
                }
            },
            None => None,
        };
        if self.sender.is_none() {
            match Sender::open(&self.send_spec) {
                Ok(s) => self.sender = Some(s),
                Err(e) => return WindowEnd::Died(e),
            }
        }
        let marker_name = self.profile.marker();
        let (marker_ty, marker_agg, marker_letter) = self.profile.marker_kind();
        let marker_line = format!("{marker_name}:{w}|{marker_letter}");
        let gap = Duration::from_millis(p.isolation.send_gap_ms);
        let marker_delay = Duration::from_millis(p.isolation.marker_delay_ms);
        for (i, bytes) in cases
            .iter()
            .copied()
            .chain([marker_line.as_bytes()])
            .enumerate()
        {
            if i == cases.len() && !cases.is_empty() && !marker_delay.is_zero() {
                std::thread::sleep(marker_delay);
            }
            if let Some(why) = self.server_gone() {
                return WindowEnd::Died(why);
            }
            let Some(sender) = self.sender.as_mut() else {
                return WindowEnd::Died("no sender".into());
            };
            if let Err(e) = sender.send(bytes) {
                self.sender = None;
                return WindowEnd::Died(format!("the server is unreachable: {e}"));
            }
            if !gap.is_zero() {
                std::thread::sleep(gap);
            }
        }
        let marker_flushed = self
            .profile
            .flushed(marker_ty, marker_agg, &marker_name)
            .unwrap_or_default();
        let marker_value = w as f64 * self.profile.scale(marker_ty, marker_agg);
        let tolerance = self.profile.tolerance();
        let (marker_also, marker_prefixes) = self.profile.all_names(&marker_name);
        let is_marker = |name: &str| {
            name == marker_flushed
                || marker_also.iter().any(|n| n == name)
                || marker_prefixes.iter().any(|p| name.starts_with(p.as_str()))
        };
        let deadline = Instant::now() + timeout;
        let settle = Duration::from_millis(self.profile.settle_ms());
        let rejected_name = p.rejected_counter.clone();
        if let Some(url) = self.prometheus.clone() {
            let poll = Duration::from_millis((p.flush_interval_ms / 10).clamp(20, 100));
            let baseline = baseline.unwrap_or_default();
            loop {
                if let Some(why) = self.server_gone() {
                    return WindowEnd::Died(why);
                }
                match observe::scrape(
                    &url,
                    Duration::from_secs(5),
                    p.observe.prometheus_labels.as_deref(),
                ) {
                    Ok(first)
                        if first.values().any(|s| {
                            s.name == marker_flushed
                                && expect::same(s.value, marker_value, tolerance)
                        }) =>
                    {
                        // The server may update the marker before the rest
                        // of the same flush (netdata flushes gauges first):
                        // look again after the settle time.
                        std::thread::sleep(settle);
                        let now = observe::scrape(
                            &url,
                            Duration::from_secs(5),
                            p.observe.prometheus_labels.as_deref(),
                        )
                        .unwrap_or(first);
                        let mut events = Vec::new();
                        let mut rejected = None;
                        for (full, series) in &now {
                            let (k, v) = (&series.name, &series.value);
                            let before = baseline.get(full).map(|b| b.value);
                            // Unchanged: not this window's, unless a case of
                            // the window expects it (a gauge set again to its
                            // value, a timer with the same statistics again).
                            // Zero is a reset statistic (nothing collected):
                            // kept only when a case of the window expects it.
                            let expected = interesting.contains(k);
                            let changed = before != Some(*v);
                            let keep = expected || (changed && *v != 0.0);
                            if !keep {
                                continue;
                            }
                            if Some(k) == rejected_name.as_ref() {
                                *rejected.get_or_insert(0.0) += v - before.unwrap_or(0.0);
                            } else if !is_marker(k) && !self.profile.is_ignored(k) {
                                events.push(Flushed {
                                    name: k.clone(),
                                    value: *v,
                                    before: Some(before.unwrap_or(0.0)),
                                });
                            }
                        }
                        self.last_scrape = Some(now);
                        return WindowEnd::Marker {
                            events,
                            garbage: Vec::new(),
                            rejected,
                        };
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if Instant::now() >= deadline {
                            return WindowEnd::NoMarker {
                                garbage: vec![e],
                                why: "scrapes failed".into(),
                            };
                        }
                    }
                }
                if Instant::now() >= deadline {
                    return WindowEnd::NoMarker {
                        garbage: Vec::new(),
                        why: format!(
                            "no scrape of {url} showed the marker {marker_flushed}={w} within {} ms",
                            timeout.as_millis()
                        ),
                    };
                }
                std::thread::sleep(poll);
            }
        }
        let Some(g) = &self.graphite else {
            return WindowEnd::NoMarker {
                garbage: Vec::new(),
                why: "nothing to observe".into(),
            };
        };
        let mut events = Vec::new();
        let mut garbage = Vec::new();
        let mut marker_at: Option<Instant> = None;
        let mut rejected: Option<f64> = None;
        loop {
            let now = Instant::now();
            let wake = match marker_at {
                Some(_) => (now + settle).min(deadline + settle),
                None => (now + Duration::from_millis(50)).min(deadline),
            };
            let last = g.wait(wake);
            for ev in g.drain().0 {
                match ev {
                    Event::Line { name, value } => {
                        if is_marker(&name) {
                            if name == marker_flushed
                                && expect::same(value, marker_value, tolerance)
                                && marker_at.is_none()
                            {
                                marker_at = Some(Instant::now());
                            }
                        } else if Some(&name) == rejected_name.as_ref() {
                            *rejected.get_or_insert(0.0) += value;
                        } else if !self.profile.is_ignored(&name) {
                            events.push(Flushed {
                                name,
                                value,
                                before: None,
                            });
                        }
                    }
                    Event::Garbage(text) => garbage.push(text),
                }
            }
            let now = Instant::now();
            if let Some(at) = marker_at {
                let quiet = last.is_none_or(|l| now.duration_since(l) >= settle);
                if (now.duration_since(at) >= settle && quiet) || now >= deadline + settle {
                    return WindowEnd::Marker {
                        events,
                        garbage,
                        rejected,
                    };
                }
            } else {
                if let Some(why) = self.server.as_mut().and_then(Server::exited) {
                    return WindowEnd::Died(why);
                }
                if now >= deadline {
                    return WindowEnd::NoMarker {
                        garbage,
                        why: format!(
                            "no flush with the marker {marker_flushed}={w} on the Graphite listener within {} ms",
                            timeout.as_millis()
                        ),
                    };
                }
            }
        }
    }
}

/// Splits a window's events among its jobs. `Err` when a name cannot be
/// attributed to exactly one job (the window must be re-run case by case).
fn attribute(jobs: &[&Job<'_>], events: &[Flushed]) -> Result<Vec<Vec<Flushed>>, String> {
    let mut per: Vec<Vec<Flushed>> = vec![Vec::new(); jobs.len()];
    for f in events {
        let owners: Vec<usize> = (0..jobs.len())
            .filter(|&i| jobs.len() == 1 || jobs[i].may_flush(&f.name))
            .collect();
        match owners.as_slice() {
            [one] => per[*one].push(f.clone()),
            [] => return Err(format!("{} belongs to no case of the window", f.name)),
            _ => {
                return Err(format!(
                    "{} may belong to several cases of the window",
                    f.name
                ));
            }
        }
    }
    Ok(per)
}

/// Combines one case's events into name to value, given the expectation
/// (which aggregate a name is) and the profile (which are cumulative).
fn combine_events(
    events: &[Flushed],
    expected: &Expected,
    profile: &Compiled,
) -> BTreeMap<String, f64> {
    let mut by: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for f in events {
        let exp = expected.values.get(&f.name);
        // A running total counts by its increase (per series: two series
        // may share a name).
        let v = match (exp, f.before) {
            (Some(e), Some(b)) if profile.is_cumulative(&e.ty, &e.agg) => f.value - b,
            _ => f.value,
        };
        by.entry(f.name.as_str()).or_default().push(v);
    }
    by.into_iter()
        .map(|(name, values)| {
            let exp = expected.values.get(name);
            (
                name.to_string(),
                expect::combine(exp.map(|e| e.agg.as_str()), &values),
            )
        })
        .collect()
}

/// Runs every decode case once against the server; returns case id to
/// what was observed, and notes.
fn observe_all<'a>(
    profile: &Compiled,
    opts: &DaemonOptions,
    cases: &[&'a Case],
    expectations_of: &dyn Fn(&Case) -> Vec<Expected>,
) -> Result<(BTreeMap<String, Observation>, Vec<String>), HarnessError> {
    let mut engine = Engine::new(profile, opts).map_err(HarnessError)?;
    let mut results: BTreeMap<String, Observation> = BTreeMap::new();
    let max_restarts = if opts.max_restarts == 0 {
        25
    } else {
        opts.max_restarts
    };

    let jobs: Vec<Job<'a>> = cases
        .iter()
        .map(|case| {
            let mut bases = case_bases(case, profile);
            let mut expected = BTreeSet::new();
            for e in expectations_of(case) {
                for (name, v) in &e.values {
                    bases.insert(name.clone());
                    if !profile.is_cumulative(&v.ty, &v.agg) {
                        expected.insert(name.clone());
                    }
                }
            }
            let mut exact = BTreeSet::new();
            let mut prefixes = Vec::new();
            for b in &bases {
                let (e, p) = profile.all_names(b);
                exact.extend(e);
                prefixes.extend(p);
            }
            Job {
                case,
                bases,
                exact,
                prefixes,
                expected,
            }
        })
        .collect();

    let started = Instant::now();
    // Cases that drive a value to 2^53 or beyond (or to a non-finite one)
    // go last: on a server that keeps running totals (netdata), a total
    // that large swallows the small increments of every later case of the
    // same name.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| heavy(&jobs[i].case.bytes()));
    let mut pending: VecDeque<usize> = order.into_iter().collect();
    let mut solo: Vec<bool> = vec![false; jobs.len()];
    let fail_all = |pending: &mut VecDeque<usize>,
                    results: &mut BTreeMap<String, Observation>,
                    obs: Observation| {
        while let Some(i) = pending.pop_front() {
            results.insert(jobs[i].case.id.clone(), obs.clone());
        }
    };
    if let Err(e) = engine.start() {
        fail_all(
            &mut pending,
            &mut results,
            if e.contains("exited") || e.contains("unreachable") {
                Observation::Crash(format!("the server did not come up: {e}"))
            } else {
                Observation::Timeout(format!("the server never flushed: {e}"))
            },
        );
        return Ok((results, engine.notes));
    }
    let window_cap = profile.profile.isolation.window_cases;
    let cooldown = profile.profile.isolation.cooldown_windows as u64;
    let persistent = profile.profile.isolation.persistent;
    let timeout = Duration::from_millis(profile.window_timeout_ms());
    // Windows to run as they are: halves of a window whose flush could not
    // be split among its cases.
    let mut forced: VecDeque<Vec<usize>> = VecDeque::new();
    while !pending.is_empty() || !forced.is_empty() {
        // Build a window.
        let next_window = engine.window + 1;
        let mut chosen: Vec<usize> = Vec::new();
        let eligible = |i: usize, used: &HashMap<String, u64>| {
            jobs[i].bases.iter().all(|b| match used.get(b) {
                None => true,
                Some(_) if persistent => false,
                Some(&last) => next_window > last + cooldown,
            })
        };
        if let Some(group) = forced.front() {
            if group.iter().all(|&i| eligible(i, &engine.used)) {
                chosen = forced.pop_front().unwrap_or_default();
            } else if persistent {
                // Restarted below, like any window that cannot be built.
            } else {
                let _ = engine.window_run(&[], &BTreeSet::new(), timeout);
                continue;
            }
        }
        let from_pending = chosen.is_empty() && forced.is_empty();
        for &i in pending.iter().filter(|_| from_pending) {
            if chosen.len() >= window_cap {
                break;
            }
            if solo[i] {
                if chosen.is_empty() && eligible(i, &engine.used) {
                    chosen.push(i);
                    break;
                }
                continue;
            }
            if eligible(i, &engine.used) && chosen.iter().all(|&c| !jobs[c].conflicts(&jobs[i])) {
                chosen.push(i);
            }
        }
        if chosen.is_empty() {
            if persistent {
                if engine.restarts >= max_restarts {
                    fail_all(
                        &mut pending,
                        &mut results,
                        Observation::Crash(format!(
                            "not run: the server was restarted {max_restarts} times already (its metrics persist)"
                        )),
                    );
                    break;
                }
                engine.restarts += 1;
                engine.log("every remaining case needs a used name: restarting the server");
                if let Err(e) = engine.start() {
                    fail_all(
                        &mut pending,
                        &mut results,
                        Observation::Crash(format!("the server did not restart: {e}")),
                    );
                    break;
                }
            } else {
                // Let names rest: an empty window.
                let _ = engine.window_run(&[], &BTreeSet::new(), timeout);
            }
            continue;
        }
        pending.retain(|i| !chosen.contains(i));
        for &i in &chosen {
            for b in &jobs[i].bases {
                engine.used.insert(b.clone(), next_window);
            }
        }
        let payloads: Vec<Vec<u8>> = chosen.iter().map(|&i| jobs[i].case.bytes()).collect();
        let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        let interesting: BTreeSet<String> = chosen
            .iter()
            .flat_map(|&i| jobs[i].expected.iter().cloned())
            .collect();
        let end = engine.window_run(&refs, &interesting, timeout);
        let window_jobs: Vec<&Job<'_>> = chosen.iter().map(|&i| &jobs[i]).collect();
        match end {
            WindowEnd::Marker {
                events,
                garbage,
                rejected,
            } => {
                engine.failed_windows = 0;
                let split_rejected = profile.profile.isolation.split_rejected
                    && chosen.len() > 1
                    && rejected.is_some_and(|r| r != 0.0);
                let attributed = if split_rejected {
                    Err(format!(
                        "{} rejected lines counted",
                        rejected.map(expect::show).unwrap_or_default()
                    ))
                } else if garbage.is_empty() {
                    attribute(&window_jobs, &events)
                } else {
                    Err(format!(
                        "{} lines that are not Graphite plaintext, first: {:?}",
                        garbage.len(),
                        garbage[0]
                    ))
                };
                match attributed {
                    Ok(per) => {
                        for (k, &i) in chosen.iter().enumerate() {
                            // Values are combined at grading (they depend on the expectation).
                            results.insert(
                                jobs[i].case.id.clone(),
                                Observation::Observed {
                                    values: per[k].clone(),
                                    rejected,
                                    window: chosen.len(),
                                },
                            );
                        }
                    }
                    Err(why) if chosen.len() > 1 => {
                        engine.log(&format!(
                            "window {}: {why}: re-running its {} cases in two halves",
                            engine.window,
                            chosen.len()
                        ));
                        let (a, b) = chosen.split_at(chosen.len() / 2);
                        forced.push_front(b.to_vec());
                        forced.push_front(a.to_vec());
                    }
                    Err(why) => {
                        let obs = if garbage.is_empty() {
                            // A solo window cannot be ambiguous: only garbage gets here.
                            Observation::Crash(why)
                        } else {
                            Observation::Crash(format!("invalid output: {why}"))
                        };
                        results.insert(jobs[chosen[0]].case.id.clone(), obs);
                    }
                }
            }
            WindowEnd::Died(why) => {
                let tail = engine
                    .server
                    .as_ref()
                    .map(|s| s.output_tail())
                    .unwrap_or_default();
                let can_restart =
                    profile.profile.server.is_some() && engine.restarts < max_restarts;
                if chosen.len() == 1 || !can_restart {
                    let detail = if chosen.len() == 1 {
                        format!("{why} (on this case)")
                    } else {
                        format!("{why} (in a window of {} cases)", chosen.len())
                    };
                    let detail = if tail.trim().is_empty() {
                        detail
                    } else {
                        let t: String = tail
                            .trim()
                            .chars()
                            .rev()
                            .take(300)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect();
                        format!("{detail}; server output ends: {t}")
                    };
                    for &i in &chosen {
                        results.insert(jobs[i].case.id.clone(), Observation::Crash(detail.clone()));
                    }
                } else {
                    for &i in chosen.iter().rev() {
                        solo[i] = true;
                        pending.push_front(i);
                    }
                }
                if profile.profile.server.is_some() && engine.restarts < max_restarts {
                    engine.restarts += 1;
                    engine.log(&format!("{why}: restarting the server"));
                    if let Err(e) = engine.start() {
                        fail_all(
                            &mut pending,
                            &mut results,
                            Observation::Crash(format!(
                                "not run: the server died ({why}) and did not restart: {e}"
                            )),
                        );
                        break;
                    }
                } else {
                    fail_all(
                        &mut pending,
                        &mut results,
                        Observation::Crash(format!("not run: the server is gone ({why})")),
                    );
                    break;
                }
            }
            WindowEnd::NoMarker { garbage, why } => {
                engine.failed_windows += 1;
                let obs = if garbage.is_empty() {
                    Observation::Timeout(why.clone())
                } else {
                    Observation::Crash(format!(
                        "invalid output: {} lines that are not Graphite plaintext (first: {:?}); {why}",
                        garbage.len(),
                        garbage[0]
                    ))
                };
                for &i in &chosen {
                    results.insert(jobs[i].case.id.clone(), obs.clone());
                }
                if engine.failed_windows >= MAX_FAILED_WINDOWS {
                    let rest = match &obs {
                        Observation::Timeout(w) => Observation::Timeout(format!(
                            "not run: {MAX_FAILED_WINDOWS} windows in a row had no marker (last: {w})"
                        )),
                        Observation::Crash(w) => Observation::Crash(format!(
                            "not run: {MAX_FAILED_WINDOWS} windows in a row had no marker (last: {w})"
                        )),
                        o => o.clone(),
                    };
                    fail_all(&mut pending, &mut results, rest);
                    break;
                }
            }
        }
        if engine.opts.progress && engine.window % 50 == 0 {
            engine.log(&format!(
                "window {}: {} cases done, {} pending, {:.0} s",
                engine.window,
                results.len(),
                pending.len(),
                started.elapsed().as_secs_f64()
            ));
        }
    }
    engine.notes.push(format!(
        "{} windows, {} server restarts, {:.1} s",
        engine.window,
        engine.restarts,
        started.elapsed().as_secs_f64()
    ));
    if let Some(mut s) = engine.server.take() {
        s.shutdown();
    }
    Ok((results, engine.notes))
}

/// Runs the decode vectors against a server described by a profile and
/// grades them in every dialect.
pub fn run(suite: &Suite, opts: &DaemonOptions) -> Result<Report, HarnessError> {
    let started = Instant::now();
    let profile = Compiled::load(&opts.profile).map_err(HarnessError)?;
    let suite_dialects = suite.dialect_ids();
    // --dialect, else the profile's `dialects`, else every suite dialect.
    let wanted = if opts.dialects.is_empty() {
        &profile.profile.dialects
    } else {
        &opts.dialects
    };
    let dialects: Vec<String> = if wanted.is_empty() {
        suite_dialects.clone()
    } else {
        for d in wanted {
            if !suite_dialects.contains(d) {
                return Err(HarnessError(format!(
                    "dialect {d:?} is not in the suite (dialects: {})",
                    suite_dialects.join(", ")
                )));
            }
        }
        wanted.clone()
    };
    let sel = |s: &String, id: &str, d: &str, k: &str| glob::selects(s, id, d, k);
    let selected = |id: &str, d: &str, k: &str| {
        (opts.run.is_empty() || opts.run.iter().any(|s| sel(s, id, d, k)))
            && !opts.skip.iter().any(|s| sel(s, id, d, k))
    };
    let skip_reason = |id: &str, d: &str, k: &str| {
        opts.expectations
            .skip
            .iter()
            .find(|(s, _)| sel(s, id, d, k))
            .map(|(_, r)| r.clone())
    };

    // A case with an event or a service check (dogstatsd) is UNIMPLEMENTED:
    // a daemon is graded on the metrics it flushes (its capabilities'
    // messages are `["metric"]`), as the adapter path grades an adapter that
    // does not declare those message kinds.
    let unimplemented_kind = |case: &Case, d: &str| {
        case.outcome(d).and_then(|o| {
            crate::runner::decode_kinds_needed(case, o, d)
                .into_iter()
                .next()
        })
    };
    // Every case to send (once, whatever the dialects).
    let mut to_send: Vec<&Case> = Vec::new();
    for case in suite.cases() {
        let needed = dialects.iter().any(|d| {
            case.outcome(d).is_some()
                && selected(&case.id, d, "decode")
                && skip_reason(&case.id, d, "decode").is_none()
                && unimplemented_kind(case, d).is_none()
        });
        if needed {
            to_send.push(case);
        }
    }
    let expectations_of = |case: &Case| -> Vec<Expected> {
        dialects
            .iter()
            .filter_map(|d| case.outcome(d))
            .map(|o| expect::expected(o, &profile))
            .collect()
    };
    let (observed, notes) = if to_send.is_empty() {
        (BTreeMap::new(), Vec::new())
    } else {
        observe_all(&profile, opts, &to_send, &expectations_of)?
    };

    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for (kind, map) in [
        ("skip", &opts.expectations.skip),
        ("xfail", &opts.expectations.xfail),
    ] {
        for s in map.keys() {
            let any = dialects.iter().any(|d| {
                suite.cases().any(|c| sel(s, &c.id, d, "decode"))
                    || suite.cases().any(|c| sel(s, &c.id, d, "encode"))
            });
            if !any {
                problems.push(format!(
                    "expectations: {kind} entry {s:?} matches no case (stale entry)"
                ));
            }
        }
    }
    for d in &dialects {
        for case in suite.cases() {
            let Some(outcome) = case.outcome(d) else {
                continue;
            };
            if selected(&case.id, d, "decode") {
                let mut e = expect::expected(outcome, &profile);
                if profile.profile.isolation.gauges_persist {
                    if let Some(Observation::Observed { values, .. }) = observed.get(&case.id) {
                        let start: BTreeMap<String, f64> = values
                            .iter()
                            .filter_map(|f| f.before.map(|b| (f.name.clone(), b)))
                            .collect();
                        e = expect::expected_from(outcome, &profile, &start);
                    }
                }
                let mut r = CaseResult {
                    id: case.id.clone(),
                    dialect: d.clone(),
                    kind: Kind::Decode,
                    verdict: outcome.verdict.letter().to_string(),
                    status: Status::Skipped,
                    detail: String::new(),
                    input: case.input_json(),
                    expected: json!({
                        "verdict": outcome.verdict.letter(),
                        "lines": outcome.lines,
                        "observation": expect::expected_json(&e),
                    }),
                    got: Value::Null,
                    stderr_tail: String::new(),
                };
                if let Some(reason) = skip_reason(&case.id, d, "decode") {
                    r.detail = reason;
                } else if let Some(kind) = unimplemented_kind(case, d) {
                    r.status = Status::Unimplemented;
                    r.detail = format!(
                        "a daemon is graded on the metrics it flushes, not the {kind} message kind"
                    );
                } else {
                    let (status, detail, got) = match observed.get(&case.id) {
                        Some(Observation::Observed {
                            values,
                            rejected,
                            window,
                        }) => {
                            let combined =
                                drop_also(combine_events(values, &e, &profile), &e, &profile);
                            let (mut status, mut detail) =
                                expect::grade(outcome.verdict, &e, &combined, profile.tolerance());
                            // A solo window's rejected-line count belongs to the case.
                            if let (Some(r), 1) = (rejected, window) {
                                if *r > 0.0
                                    && outcome.verdict == Verdict::Accept
                                    && status == Status::Pass
                                {
                                    status = Status::ShouldHaveAccepted;
                                    detail = format!(
                                        "the server counted {} rejected lines ({})",
                                        expect::show(*r),
                                        profile
                                            .profile
                                            .rejected_counter
                                            .as_deref()
                                            .unwrap_or_default()
                                    );
                                }
                            }
                            let flushed: serde_json::Map<String, Value> = combined
                                .iter()
                                .map(|(k, v)| (k.clone(), Value::String(expect::show(*v))))
                                .collect();
                            let mut got = json!({ "flushed": flushed, "window_cases": window });
                            match (rejected, window) {
                                (Some(r), 1) => got["rejected_lines"] = json!(r),
                                (Some(r), _) => got["rejected_lines_in_window"] = json!(r),
                                (None, _) => {}
                            }
                            (status, detail, got)
                        }
                        Some(Observation::Crash(why)) => {
                            (Status::Crash, why.clone(), json!({ "crash": why }))
                        }
                        Some(Observation::Timeout(why)) => {
                            (Status::Timeout, why.clone(), json!({ "timeout": true }))
                        }
                        None => (
                            Status::Crash,
                            "internal: the case was not observed".into(),
                            Value::Null,
                        ),
                    };
                    r.status = status;
                    r.detail = detail;
                    r.got = got;
                    if let Some((_, reason)) = opts
                        .expectations
                        .xfail
                        .iter()
                        .find(|(s, _)| sel(s, &case.id, d, "decode"))
                    {
                        if r.status.is_failure() {
                            r.detail =
                                format!("{}: {} (expected failure: {reason})", r.status, r.detail);
                            r.status = Status::Xfail;
                        } else if matches!(
                            r.status,
                            Status::Pass | Status::ImplAccept | Status::ImplReject
                        ) {
                            r.detail = format!(
                                "{}, but expected to fail ({reason}): remove the xfail entry",
                                r.status
                            );
                            r.status = Status::Xpass;
                        }
                    }
                }
                cases.push(r);
            }
            if let (Verdict::Accept, Some(canonical)) = (outcome.verdict, &outcome.canonical) {
                if selected(&case.id, d, "encode") {
                    cases.push(unimplemented_encode(
                        &case.id,
                        d,
                        "y",
                        json!({ "metrics": outcome.lines.iter().filter_map(|l| l.metric.clone()).collect::<Vec<_>>() }),
                        json!({ "verdict": "y", "output": canonical }),
                    ));
                }
            }
        }
        for case in suite.encoder_cases() {
            if let Some(o) = case.outcome(d) {
                if selected(&case.id, d, "encode") {
                    cases.push(unimplemented_encode(
                        &case.id,
                        d,
                        o.verdict.letter(),
                        json!({ "metrics": case.metrics }),
                        serde_json::to_value(o).unwrap_or(Value::Null),
                    ));
                }
            }
        }
    }
    for n in notes {
        if opts.progress {
            eprintln!("[daemon] {n}");
        }
    }
    let p = &profile.profile;
    let summary = Summary::of(&cases, problems.len());
    Ok(Report {
        report_version: REPORT_VERSION,
        tool: format!("statsd-conformance {}", env!("CARGO_PKG_VERSION")),
        suite: SUITE_NAME.to_string(),
        suite_version: suite.version.clone(),
        name: opts.name.clone().unwrap_or_else(|| p.name.clone()),
        implementation: Capabilities {
            protocol: statsd_wire_protocol::PROTOCOL_VERSION,
            name: p.name.clone(),
            version: p.version.clone(),
            dialects: dialects.clone(),
            ops: vec!["decode".into()],
            // A daemon is graded on the metrics it flushes only.
            messages: Some(vec!["metric".into()]),
            features: Default::default(),
        },
        adapter: Some(format!("daemon --profile {}", opts.profile.display())),
        mode: "daemon".into(),
        dialects,
        grading: GradingInfo::default(),
        generated_at: crate::report::now_rfc3339(),
        duration_secs: started.elapsed().as_secs_f64(),
        problems,
        cases,
        summary,
    })
}

fn unimplemented_encode(
    id: &str,
    dialect: &str,
    verdict: &str,
    input: Value,
    expected: Value,
) -> CaseResult {
    CaseResult {
        id: id.to_string(),
        dialect: dialect.to_string(),
        kind: Kind::Encode,
        verdict: verdict.to_string(),
        status: Status::Unimplemented,
        detail: "a daemon is graded on decoding only".into(),
        input,
        expected,
        got: Value::Null,
        stderr_tail: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors::Outcome;
    use statsd_wire_protocol::LineResult;

    fn profile() -> Compiled {
        Compiled::parse(
            r#"
name = "t"
flush_interval_ms = 50
[observe]
graphite = "127.0.0.1:0"
[metrics.gauge]
value = "g.{name}"
[metrics.timer]
count = "t.{name}.count"
also = ["t.{name}.*"]
"#,
            PathBuf::from("."),
        )
        .unwrap()
    }

    #[test]
    fn also_names_only_hide_what_is_expected() {
        let p = profile();
        let flushed: BTreeMap<String, f64> = [("t.a.count", 1.0), ("t.a.mean", 5.0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        // A rejected timer line that the server aggregated: its `also`
        // names are not hidden.
        let none = Expected::default();
        let kept = drop_also(flushed.clone(), &none, &p);
        assert_eq!(kept.len(), 2, "{kept:?}");
        // An accepted timer: only the graded name stays.
        let o = Outcome {
            verdict: Verdict::Accept,
            lines: vec![LineResult::accepted(
                statsd_wire_protocol::JsonMessage::Metric(
                    serde_json::from_str(r#"{"name":"a","type":"timer","values":["5"]}"#).unwrap(),
                ),
            )],
            canonical: None,
        };
        let e = expect::expected(&o, &p);
        let kept = drop_also(flushed, &e, &p);
        assert_eq!(kept.keys().collect::<Vec<_>>(), vec!["t.a.count"]);
    }

    #[test]
    fn heavy_values_are_found() {
        assert!(heavy(b"a:1|c\na:9223372036854775807|c"));
        assert!(heavy(b"a:1|c|@0"));
        assert!(heavy(b"a:1:1e300|d"));
        assert!(heavy(b"g:inf|g"));
        assert!(!heavy(b"a:1|c|@0.5\nb:9007199254740991|c"));
        assert!(!heavy(b"bad\n:|x"));
    }

    #[test]
    fn input_bases_cover_the_usual_splits() {
        let p = profile();
        let b = input_bases(b"a:1|c\n b c|x\r\nbare", &p);
        for want in ["a", "b c", " b c", "bare"] {
            assert!(b.contains(want), "{want:?} not in {b:?}");
        }
    }
}
