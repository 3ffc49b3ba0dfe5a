//! The bodies of the Asterisk fuzz targets in `fuzz/fuzz_targets/` (feature
//! `fuzzing`), so that stable builds type-check them and
//! `tests/fuzz_replay.rs` replays the committed seeds and regressions through
//! exactly the code the fuzzer runs. Every function panics on a broken
//! property; none of this is public API.
//!
//! | target | function | input |
//! |---|---|---|
//! | `asterisk_dialplan` | [`asterisk_dialplan`] | the data of a `StatsD(...)` call, and the same bytes as an `extensions.conf` |
//! | `asterisk_conf` | [`asterisk_conf`] | a `statsd.conf` |
//!
//! Asterisk reads both as C strings; the model takes `&str`, so bytes that
//! are not UTF-8 are read lossily (`U+FFFD`), which keeps every input useful.

use std::borrow::Cow;

use crate::app::statsd_exec;
use crate::args::{AppCall, StatsdArgs, separate_args};
use crate::conf::{ConfWarning, MAX_PREFIX, StatsdConf};
use crate::lint::{lint_dialplan, parse_dialplan};
use crate::send::{FixedRandom, SendOutcome};
use crate::{SimulateError, simulate};

fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The number of lines of `text` (a final newline counts one more: the bound
/// a 1-based line number may reach).
fn line_bound(text: &str) -> usize {
    text.split('\n').count()
}

/// The configurations every call is run under: defaults (enabled), and
/// everything changed (`meter_support = no`, a prefix, `add_newline`).
fn confs() -> [StatsdConf; 2] {
    let plain = StatsdConf {
        enabled: true,
        ..StatsdConf::default()
    };
    let mut odd = plain.clone();
    odd.meter_support = false;
    odd.add_newline = true;
    odd.set_prefix("pbx");
    [plain, odd]
}

/// `StatsD(<data>)` and the same bytes as a dialplan: argument splitting,
/// validation, the datagram and the linter never panic; a datagram starts with
/// the prefix and its `.`, ends with `\n` exactly when `add_newline` is set,
/// and is the same whatever random number is drawn when it is sent; the
/// rejection `simulate` reports is the one `statsd_exec` gives; every dialplan
/// step and lint finding points at a line of the text.
pub fn asterisk_dialplan(data: &[u8]) {
    let data = text(data);
    for slots in 0..=5 {
        let _ = separate_args(&data, slots);
    }
    let _ = StatsdArgs::split(&data);
    let call = format!("StatsD({data})");
    let parsed = AppCall::parse(&call);
    assert!(parsed.is_statsd(), "{call:?}: {parsed:?}");
    // The data between the first `(` and the last `)` is `data` again, unless
    // a NUL cuts it short (a C string ends there).
    if !data.contains('\0') {
        assert!(parsed.closed, "{call:?}: {parsed:?}");
        assert_eq!(parsed.data, data);
    }
    let exec = statsd_exec(Some(&parsed.data));
    for conf in confs() {
        let mut sent: Option<Vec<u8>> = None;
        for random in [0.0, 0.5, 0.999] {
            let outcome = simulate(&call, &conf, &mut FixedRandom(random));
            match (&outcome, &exec) {
                (Err(SimulateError::Rejected(r)), Err(e)) => assert_eq!(r, e, "{call:?}"),
                (Ok(_), Ok(_)) => {}
                (outcome, exec) => panic!("{call:?}: simulate {outcome:?}, statsd_exec {exec:?}"),
            }
            if let Ok(SendOutcome::Sent(d)) = &outcome {
                if !conf.prefix.is_empty() {
                    let head = [&conf.prefix[..], b"."].concat();
                    assert!(d.bytes.starts_with(&head), "{call:?}: {:?}", d.bytes);
                }
                // The line ends with the type or the rate, never a newline.
                assert_eq!(
                    d.bytes.ends_with(b"\n"),
                    conf.add_newline,
                    "{call:?} with add_newline = {}: {:?}",
                    conf.add_newline,
                    d.bytes
                );
                let first = sent.get_or_insert_with(|| d.bytes.clone());
                assert_eq!(
                    first, &d.bytes,
                    "{call:?}: the datagram depends on the draw"
                );
            }
        }
    }
    let bound = line_bound(&data);
    for step in parse_dialplan(&data) {
        assert!(
            (1..=bound).contains(&step.line),
            "step at line {} of {bound}",
            step.line
        );
    }
    for conf in confs() {
        let report = lint_dialplan(&data, &conf);
        assert!(report.rejected <= report.calls && report.unchecked <= report.calls);
        for f in &report.findings {
            assert!(
                (1..=bound).contains(&f.line),
                "finding at line {} of {bound}: {f}",
                f.line
            );
        }
    }
}

/// A `statsd.conf`: parsing never panics; every error points at a line and
/// column of the text, every warning too (or at line 0, the file as a whole);
/// an accepted prefix is at most 40 bytes.
pub fn asterisk_conf(data: &[u8]) {
    let text = text(data);
    let lines: Vec<&str> = text.split('\n').collect();
    // 1-based line and column (in characters; one past the end for a fault at
    // the end of a line).
    let located = |line: usize, column: usize| {
        line >= 1
            && lines
                .get(line - 1)
                .is_some_and(|l| (1..=l.chars().count() + 1).contains(&column))
    };
    let check_warnings = |warnings: &[ConfWarning]| {
        for w in warnings {
            assert!(
                (w.line == 0 && w.column == 0) || located(w.line, w.column),
                "warning outside the text: {w}"
            );
        }
    };
    match StatsdConf::parse(&text) {
        Ok(parsed) => {
            assert!(parsed.conf.prefix.len() <= MAX_PREFIX);
            check_warnings(&parsed.warnings);
        }
        Err(errors) => {
            assert!(!errors.errors.is_empty(), "Err without an error");
            for e in &errors.errors {
                assert!(located(e.line, e.column), "error outside the text: {e}");
            }
            check_warnings(&errors.warnings);
        }
    }
}
