//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use statsd_conformance::report::{CaseResult, Report, Status};
use statsd_conformance::runner::{self, RunOptions, Target};
use statsd_conformance::vectors::Suite;

/// This crate's directory.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture suite (small, stable: the runner's own tests).
pub fn fixture_dir() -> PathBuf {
    crate_dir().join("tests/fixtures/suite")
}

/// The fixture suite, loaded.
pub fn fixture_suite() -> Suite {
    Suite::from_dir(&fixture_dir()).expect("fixture suite")
}

/// Every failing case of `report`, one line each: `[dialect] id (kind): status: detail`.
pub fn failures(report: &Report) -> Vec<String> {
    report
        .cases
        .iter()
        .filter(|c| c.status.is_failure())
        .map(|c| {
            format!(
                "[{}] {} ({}): {}: {}",
                c.dialect,
                c.id,
                c.kind.name(),
                c.status,
                c.detail
            )
        })
        .collect()
}

/// The command line of the broken adapter in `mode`.
pub fn broken(mode: &str) -> String {
    let script = crate_dir().join("tests/fixtures/adapters/broken.sh");
    format!("bash '{}' {mode}", script.display())
}

fn newest_source(dirs: &[PathBuf]) -> Option<SystemTime> {
    let mut newest = None;
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(m) = e.metadata().and_then(|m| m.modified()) {
                newest = newest.max(Some(m));
            }
        }
    }
    newest
}

/// The `statsd-wire` binary (the reference adapter): next to this test's
/// executable (`target/<profile>/deps/..`), built once with `cargo build -p
/// statsd-wire-cli` when missing or older than its sources.
pub fn statsd_wire_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps/<test>")
            .to_path_buf();
        let bin = profile_dir.join(format!("statsd-wire{}", std::env::consts::EXE_SUFFIX));
        let workspace = crate_dir().join("../..");
        let sources: Vec<PathBuf> = ["statsd-wire", "statsd-wire-protocol", "statsd-wire-cli"]
            .iter()
            .map(|c| workspace.join("crates").join(c).join("src"))
            .collect();
        let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
        let stale = match (built, newest_source(&sources)) {
            (None, _) => true,
            (Some(b), Some(s)) => s > b,
            (Some(_), None) => false,
        };
        if stale {
            let target_dir = profile_dir.parent().expect("target dir");
            let profile = profile_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("debug")
                .to_string();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            cmd.current_dir(&workspace)
                .args([
                    "build",
                    "-p",
                    "statsd-wire-cli",
                    "--bin",
                    "statsd-wire",
                    "--target-dir",
                ])
                .arg(target_dir);
            match profile.as_str() {
                "debug" => {}
                "release" => {
                    cmd.arg("--release");
                }
                other => {
                    cmd.args(["--profile", other]);
                }
            }
            let status = cmd.status().expect("run cargo build -p statsd-wire-cli");
            assert!(status.success(), "cargo build -p statsd-wire-cli failed");
        }
        assert!(bin.exists(), "no statsd-wire binary at {}", bin.display());
        bin
    })
}

/// Runs `target` on `suite` with a short timeout; panics on a harness error.
pub fn run(suite: &Suite, target: &Target, opts: RunOptions) -> Report {
    runner::run(suite, target, &opts).expect("harness error")
}

/// Options for the broken adapters: a timeout short enough for the tests and
/// long enough for a loaded machine.
pub fn quick() -> RunOptions {
    RunOptions {
        timeout: Duration::from_millis(2000),
        ..RunOptions::default()
    }
}

/// Options for the adapters that hang (each hang costs a timeout): the spec
/// decode cases only, where one case hangs.
pub fn quick_hang() -> RunOptions {
    RunOptions {
        timeout: Duration::from_millis(1500),
        run: vec!["spec:*#decode".into()],
        ..RunOptions::default()
    }
}

/// The broken adapter in `mode` as a target (with `STATSD_WIRE_BIN` set in
/// its command line).
pub fn broken_target(mode: &str) -> Target {
    Target::Adapter(format!(
        "STATSD_WIRE_BIN='{}' {}",
        statsd_wire_bin().display(),
        broken(mode)
    ))
}

/// The cases of a report with status `s`.
pub fn with_status(report: &Report, s: Status) -> Vec<&CaseResult> {
    report.cases.iter().filter(|c| c.status == s).collect()
}

/// Runs the `statsd-conformance` binary; returns (exit code, stdout, stderr).
pub fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_statsd-conformance"))
        .args(args)
        .env("STATSD_WIRE_BIN", statsd_wire_bin())
        .output()
        .expect("run statsd-conformance");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The version-1 fixture adapter (`tests/fixtures/adapters/v1.sh`): declares
/// dogstatsd but no `messages`; crashes if sent an event, a service check or a
/// version 2 encode body.
pub fn v1_target() -> Target {
    let script = crate_dir().join("tests/fixtures/adapters/v1.sh");
    Target::Adapter(format!(
        "STATSD_WIRE_BIN='{}' bash '{}'",
        statsd_wire_bin().display(),
        script.display()
    ))
}
