//! Every vector passes against the built `statsd-wire` binary through the
//! adapter protocol (batch mode, and a sample of one process per case), with
//! the same JSON as in process.

mod common;

use std::collections::BTreeMap;

use statsd_conformance::report::Report;
use statsd_conformance::runner::{self, RunOptions, Target};
use statsd_conformance::vectors::Suite;

fn reference() -> Target {
    Target::Adapter(format!("'{}' adapter", common::statsd_wire_bin().display()))
}

fn by_key(
    report: &Report,
) -> BTreeMap<(String, String, &'static str), &statsd_conformance::report::CaseResult> {
    report
        .cases
        .iter()
        .map(|c| ((c.id.clone(), c.dialect.clone(), c.kind.name()), c))
        .collect()
}

fn assert_same_as_in_process(suite: &Suite, adapter: &Report) {
    let inproc =
        runner::run(suite, &Target::InProcess, &RunOptions::default()).expect("in process");
    let a = by_key(adapter);
    let b = by_key(&inproc);
    assert_eq!(a.len(), b.len());
    for (key, case) in &b {
        let other = a.get(key).unwrap_or_else(|| panic!("{key:?} missing"));
        assert_eq!(other.status, case.status, "{key:?}");
        // The in-process answer adds each line's warnings (not part of the
        // protocol); everything else is the same JSON.
        let mut got = case.got.clone();
        let lines = got
            .get_mut("lines")
            .and_then(serde_json::Value::as_array_mut);
        for line in lines.into_iter().flatten() {
            if let Some(line) = line.as_object_mut() {
                line.remove("warnings");
            }
        }
        assert_eq!(
            other.got, got,
            "{key:?}: in-process and adapter JSON differ"
        );
    }
}

#[test]
fn every_vector_passes_through_the_protocol_in_batch_mode() {
    let suite = Suite::embedded().expect("vectors");
    let opts = RunOptions {
        reference: true,
        ..RunOptions::default()
    };
    let report = runner::run(&suite, &reference(), &opts).expect("run");
    assert_eq!(report.mode, "adapter+batch");
    assert_eq!(report.implementation.name, "statsd-wire");
    let f = common::failures(&report);
    assert!(f.is_empty(), "{} failures:\n{}", f.len(), f.join("\n"));
    assert!(report.summary.conformant);
    assert_same_as_in_process(&suite, &report);
}

#[test]
fn a_sample_passes_with_one_process_per_case() {
    let mut suite = Suite::embedded().expect("vectors");
    // Every 15th decode vector and every 5th encoder vector.
    for g in &mut suite.groups {
        g.cases = g.cases.iter().step_by(15).cloned().collect();
    }
    for g in &mut suite.encoder {
        g.cases = g.cases.iter().step_by(5).cloned().collect();
    }
    assert!(suite.cases().count() >= 20);
    let opts = RunOptions {
        reference: true,
        batch: false,
        ..RunOptions::default()
    };
    let report = runner::run(&suite, &reference(), &opts).expect("run");
    assert_eq!(report.mode, "adapter");
    let f = common::failures(&report);
    assert!(f.is_empty(), "{} failures:\n{}", f.len(), f.join("\n"));
    assert_same_as_in_process(&suite, &report);
}

#[test]
fn the_cli_grades_the_reference_adapter() {
    let bin = common::statsd_wire_bin().display().to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("report.json");
    let junit = dir.path().join("report.xml");
    let adapter = format!("'{bin}' adapter");
    let (code, stdout, stderr) = common::cli(&[
        "--adapter",
        &adapter,
        "--dialect",
        "etsy",
        "--run",
        "counter/*",
        "--json",
        json.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("RESULT: conformant"), "{stdout}");
    let report = Report::from_json(&std::fs::read_to_string(&json).unwrap()).expect("report");
    assert_eq!(report.dialects, ["etsy"]);
    assert!(report.cases.iter().all(|c| c.id.starts_with("counter/")));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.starts_with("<?xml") && xml.contains("<testsuite name="),
        "{xml}"
    );
}
