//! Adapters that crash, hang, print garbage, exit with unknown codes, answer
//! with the wrong number of lines or die in the middle of a batch: each
//! affected case is CRASH or TIMEOUT, every other case is still graded, and the
//! runner neither panics nor hangs. Plus UNIMPLEMENTED and expectations.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{broken_target, fixture_suite, quick, with_status};
use statsd_conformance::report::{Report, Status};
use statsd_conformance::runner::{self, Expectations, RunOptions};

/// Cases whose request contains "boom" in the fixture suite: the decode
/// vector, its canonical encoding and the encoder vector, in both dialects.
const BOOM_CASES: usize = 6;

fn is_boom(id: &str) -> bool {
    id.ends_with("/boom")
}

/// Runs `mode`, checks that exactly the boom cases have `status` and that
/// everything else passed; returns the report.
fn expect_boom(mode: &str, opts: RunOptions, status: Status) -> Report {
    // The target first: it may build the statsd-wire binary, which is not
    // what the time limit is about.
    let target = broken_target(mode);
    let started = Instant::now();
    let report = common::run(&fixture_suite(), &target, opts);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{mode}: took {:?}",
        started.elapsed()
    );
    let bad: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.status.is_failure())
        .collect();
    for c in &bad {
        assert!(
            is_boom(&c.id),
            "{mode}: {} {} {}: {}",
            c.dialect,
            c.id,
            c.status,
            c.detail
        );
    }
    let decode_boom: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.id == "basic/boom" && c.kind == statsd_conformance::report::Kind::Decode)
        .collect();
    assert!(!decode_boom.is_empty());
    for c in decode_boom {
        assert_eq!(c.status, status, "{mode}: {} {}", c.dialect, c.detail);
    }
    let passed = with_status(&report, Status::Pass).len();
    let impl_defined = with_status(&report, Status::ImplAccept).len()
        + with_status(&report, Status::ImplReject).len();
    // The broken adapter speaks protocol version 1: the encoder cases holding
    // an event or a service check are UNIMPLEMENTED, never run.
    let unimplemented = with_status(&report, Status::Unimplemented);
    for c in &unimplemented {
        assert!(
            ["enc/messages", "enc/service-check-pipe"].contains(&c.id.as_str()),
            "{mode}: {} {} UNIMPLEMENTED: {}",
            c.dialect,
            c.id,
            c.detail
        );
        assert!(c.detail.contains("message kind"), "{}", c.detail);
    }
    assert_eq!(
        passed + impl_defined + unimplemented.len() + bad.len(),
        report.cases.len(),
        "{mode}: the others pass"
    );
    assert!(!report.summary.conformant);
    report
}

#[test]
fn exit_3_is_a_crash() {
    let r = expect_boom("crash", quick(), Status::Crash);
    assert_eq!(with_status(&r, Status::Crash).len(), BOOM_CASES);
    assert!(r.cases.iter().any(|c| c.detail == "exit code 3"));
}

#[test]
fn a_signal_is_a_crash() {
    let r = expect_boom("sigkill", quick(), Status::Crash);
    assert_eq!(with_status(&r, Status::Crash).len(), BOOM_CASES);
    // Run through `sh -c` (the command sets a variable), the shell reports 128 + 9.
    let crash = with_status(&r, Status::Crash);
    assert!(
        crash.iter().all(|c| c.detail.contains("signal 9")),
        "{crash:?}"
    );
}

#[test]
fn a_hang_is_a_timeout_and_is_killed() {
    let r = expect_boom("hang", common::quick_hang(), Status::Timeout);
    assert_eq!(with_status(&r, Status::Timeout).len(), 1);
    assert_eq!(r.cases.len(), 12);
}

#[test]
fn endless_output_is_a_timeout() {
    let r = expect_boom("flood", common::quick_hang(), Status::Timeout);
    assert_eq!(with_status(&r, Status::Timeout).len(), 1);
}

#[test]
fn invalid_json_is_a_crash() {
    let r = expect_boom("garbage", quick(), Status::Crash);
    let crash = with_status(&r, Status::Crash);
    assert!(
        crash[0].detail.starts_with("invalid JSON on stdout"),
        "{}",
        crash[0].detail
    );
    // Encode output is raw bytes: garbage there is a wrong encoding.
    assert_eq!(with_status(&r, Status::Mismatch).len(), 4);
}

#[test]
fn an_unknown_exit_code_is_a_crash() {
    let r = expect_boom("exit42", quick(), Status::Crash);
    assert!(r.cases.iter().any(|c| c.detail == "exit code 42"));
}

#[test]
fn the_wrong_number_of_lines_is_a_crash() {
    let r = expect_boom("wrong-lines", quick(), Status::Crash);
    let crash = with_status(&r, Status::Crash);
    assert!(
        crash[0].detail.starts_with("protocol: 0 line results"),
        "{}",
        crash[0].detail
    );
}

#[test]
fn stray_children_holding_stdout_do_not_stall_the_runner() {
    let target = broken_target("stray");
    let started = Instant::now();
    let r = common::run(&fixture_suite(), &target, common::quick_hang());
    assert!(
        r.summary.conformant,
        "{:?}",
        r.cases
            .iter()
            .filter(|c| c.status.is_failure())
            .collect::<Vec<_>>()
    );
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn a_batch_that_dies_falls_back_to_single_calls() {
    let r = expect_boom("batch-dies", quick(), Status::Crash);
    assert_eq!(r.mode, "adapter+batch");
    assert_eq!(with_status(&r, Status::Crash).len(), BOOM_CASES);
}

#[test]
fn a_batch_that_prints_garbage_falls_back_to_single_calls() {
    let r = expect_boom("batch-garbage", quick(), Status::Crash);
    assert_eq!(r.mode, "adapter+batch");
}

#[test]
fn a_batch_that_hangs_falls_back_to_single_calls() {
    let r = expect_boom("batch-hang", common::quick_hang(), Status::Timeout);
    assert_eq!(r.mode, "adapter+batch");
    assert_eq!(with_status(&r, Status::Timeout).len(), 1);
}

#[test]
fn a_batch_answering_the_wrong_id_is_isolated() {
    // Single calls work for this adapter: after the fallback everything passes.
    let r = common::run(&fixture_suite(), &broken_target("batch-wrong-id"), quick());
    assert!(r.summary.conformant);
}

#[test]
fn exit_89_is_unimplemented_and_not_a_failure() {
    let r = common::run(&fixture_suite(), &broken_target("unimplemented"), quick());
    assert_eq!(with_status(&r, Status::Unimplemented).len(), r.cases.len());
    assert!(r.summary.conformant);
}

#[test]
fn invalid_capabilities_are_a_harness_error() {
    let err = runner::run(
        &fixture_suite(),
        &broken_target("bad-capabilities"),
        &quick(),
    )
    .unwrap_err();
    assert!(err.0.contains("invalid capabilities JSON"), "{err}");
    let err = runner::run(
        &fixture_suite(),
        &runner::Target::Adapter("/nonexistent/adapter".into()),
        &quick(),
    )
    .unwrap_err();
    assert!(err.0.contains("cannot run"), "{err}");
}

fn expectations(skip: &[(&str, &str)], xfail: &[(&str, &str)]) -> Expectations {
    let map = |v: &[(&str, &str)]| -> BTreeMap<String, String> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    Expectations {
        skip: map(skip),
        xfail: map(xfail),
        error_map: BTreeMap::new(),
    }
}

#[test]
fn known_failures_are_xfail_and_conformant() {
    let opts = RunOptions {
        expectations: expectations(&[], &[("*/boom", "crashes on purpose")]),
        ..quick()
    };
    let r = common::run(&fixture_suite(), &broken_target("crash"), opts);
    assert_eq!(with_status(&r, Status::Xfail).len(), BOOM_CASES);
    assert!(r.summary.conformant, "{:?}", r.problems);
}

#[test]
fn an_xfail_that_passes_is_xpass_and_an_error() {
    let opts = RunOptions {
        expectations: expectations(
            &[],
            &[
                ("*/boom", "crashes on purpose"),
                ("spec:basic/counter#decode", "wrongly listed"),
            ],
        ),
        ..quick()
    };
    let r = common::run(&fixture_suite(), &broken_target("crash"), opts);
    let xpass = with_status(&r, Status::Xpass);
    assert_eq!(xpass.len(), 1);
    assert_eq!(
        (xpass[0].id.as_str(), xpass[0].dialect.as_str()),
        ("basic/counter", "spec")
    );
    assert!(!r.summary.conformant);
}

#[test]
fn stale_expectations_are_an_error() {
    let opts = RunOptions {
        expectations: expectations(
            &[("nothing/*", "stale")],
            &[("*/boom", "crashes on purpose")],
        ),
        ..quick()
    };
    let r = common::run(&fixture_suite(), &broken_target("crash"), opts);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].contains("nothing/*"));
    assert!(!r.summary.conformant);
}

#[test]
fn skipped_cases_are_not_run() {
    let opts = RunOptions {
        expectations: expectations(&[("*/boom", "would crash")], &[]),
        ..quick()
    };
    let r = common::run(&fixture_suite(), &broken_target("crash"), opts);
    let skipped = with_status(&r, Status::Skipped);
    assert_eq!(skipped.len(), BOOM_CASES);
    assert!(
        skipped
            .iter()
            .all(|c| c.detail == "would crash" && c.got.is_null())
    );
    assert!(r.summary.conformant);
}

#[test]
fn the_cli_exit_codes() {
    let suite = common::fixture_dir();
    let suite = suite.to_str().unwrap();
    let script = common::broken("crash");
    let dir = tempfile::tempdir().unwrap();
    let exp = dir.path().join("expectations.json");

    // 1: failures (and the xfail block to paste).
    let (code, out, _) = common::cli(&[
        "--vectors",
        suite,
        "--adapter",
        &script,
        "--timeout",
        "2",
        "--print-xfail",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAILURES (6)") && out.contains("\"xfail\""),
        "{out}"
    );

    // 0: the same failures expected.
    std::fs::write(&exp, r#"{"xfail": {"*/boom": "crashes on purpose"}}"#).unwrap();
    let (code, out, _) = common::cli(&[
        "--vectors",
        suite,
        "--adapter",
        &script,
        "--timeout",
        "2",
        "--expectations",
        exp.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");

    // 1: a stale entry.
    std::fs::write(&exp, r#"{"xfail": {"*/boom": "x", "gone/*": "stale"}}"#).unwrap();
    let (code, out, _) = common::cli(&[
        "--vectors",
        suite,
        "--adapter",
        &script,
        "--timeout",
        "2",
        "--expectations",
        exp.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale entry"), "{out}");

    // 2: usage and harness errors.
    std::fs::write(&exp, r#"{"xfial": {}}"#).unwrap();
    let (code, _, err) =
        common::cli(&["--vectors", suite, "--expectations", exp.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = common::cli(&[
        "--vectors",
        suite,
        "--adapter",
        &common::broken("bad-capabilities"),
    ]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = common::cli(&["--vectors", suite, "--dialect", "nosuchdialect"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = common::cli(&["--vectors", suite, "--run", "no/such/case"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no case matches"), "{err}");
    let (code, _, _) = common::cli(&["--no-such-option"]);
    assert_eq!(code, 2);
}
