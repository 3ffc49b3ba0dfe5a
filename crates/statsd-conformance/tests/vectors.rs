//! Every vector passes in process, in every dialect, with full grading; and the
//! Rust side of the vector lint (unique ids, flags, dialect keys, error classes
//! == `statsd_wire::ErrorKind::ALL`, canonical forms re-parse to the same metrics).

mod common;

use std::collections::BTreeSet;

use statsd_conformance::report::Status;
use statsd_conformance::runner::{self, RunOptions, Target};
use statsd_conformance::vectors::{Suite, Verdict};

fn embedded() -> Suite {
    let suite = Suite::embedded().expect("the embedded vectors parse");
    assert!(
        Suite::has_embedded_vectors() && !suite.is_empty(),
        "no vectors were embedded: spec-vectors/vectors/ is empty"
    );
    suite
}

fn assert_conformant(suite: &Suite) {
    let report = runner::run(suite, &Target::InProcess, &RunOptions::default()).expect("run");
    let failures = common::failures(&report);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(report.dialects, suite.dialect_ids(), "every dialect runs");
    assert!(report.grading.errors && report.grading.offsets && report.grading.reference);
    // Every decode vector ran in every dialect it has an outcome for.
    for d in suite.dialect_ids() {
        let want = suite.cases().filter(|c| c.outcome(&d).is_some()).count();
        let got = report
            .cases
            .iter()
            .filter(|c| c.dialect == d && c.kind == statsd_conformance::report::Kind::Decode)
            .count();
        assert_eq!(got, want, "decode cases run in {d}");
    }
    assert!(report.cases.iter().all(|c| c.status != Status::Skipped));
}

#[test]
fn every_vector_passes_in_process() {
    assert_conformant(&embedded());
}

#[test]
fn every_fixture_vector_passes_in_process() {
    assert_conformant(&common::fixture_suite());
}

#[test]
fn the_vectors_pass_the_lint() {
    let problems = embedded().lint();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let problems = common::fixture_suite().lint();
    assert!(problems.is_empty(), "fixtures: {}", problems.join("\n"));
}

#[test]
fn error_classes_are_exactly_the_core_error_kinds() {
    let suite = embedded();
    let listed: Vec<&str> = suite.errors.iter().map(|e| e.class.as_str()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "errors.json lists a class twice"
    );
    let core: BTreeSet<&str> = statsd_wire::ErrorKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    assert_eq!(unique, core, "errors.json == ErrorKind::ALL codes");
    // And every class a vector names exists.
    for case in suite.cases() {
        for outcome in case.expect.values() {
            for line in &outcome.lines {
                if let Some(class) = line.error.as_ref().and_then(|e| e.class.as_deref()) {
                    assert!(core.contains(class), "{}: unknown class {class}", case.id);
                }
            }
        }
    }
}

#[test]
fn ids_are_unique_and_flags_and_dialects_resolve() {
    let suite = embedded();
    let dialects: BTreeSet<String> = suite.dialect_ids().into_iter().collect();
    let mut ids = BTreeSet::new();
    for case in suite.cases() {
        assert!(ids.insert(case.id.clone()), "duplicate id {}", case.id);
        for flag in &case.flags {
            assert!(suite.flags.contains_key(flag), "{}: flag {flag}", case.id);
        }
        for key in case.expect.keys() {
            assert!(
                key == "*" || dialects.contains(key),
                "{}: dialect {key}",
                case.id
            );
        }
        for outcome in case.expect.values() {
            if outcome.verdict == Verdict::ImplDefined {
                assert!(
                    !case.flags.is_empty(),
                    "{}: an i case needs a flag",
                    case.id
                );
            }
        }
    }
    let mut ids = BTreeSet::new();
    for case in suite.encoder_cases() {
        assert!(
            ids.insert(case.id.clone()),
            "duplicate encoder id {}",
            case.id
        );
    }
}

#[test]
fn embedded_and_on_disk_vectors_agree() {
    let dir = common::crate_dir().join("../../spec-vectors");
    let on_disk = Suite::from_dir(&dir).expect("spec-vectors/");
    assert!(
        on_disk == embedded(),
        "the embedded vectors differ from spec-vectors/ on disk: rebuild"
    );
}
