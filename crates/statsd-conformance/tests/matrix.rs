//! Merging reports into a matrix: Markdown, HTML, the pruned grouping, the
//! summary; and the `matrix` subcommand.

mod common;

use statsd_conformance::matrix::{Matrix, Unavailable};
use statsd_conformance::report::{Kind, Report, Status};
use statsd_conformance::runner::{RunOptions, Target};

fn two_reports() -> (Report, Report) {
    let suite = common::fixture_suite();
    let reference = common::run(&suite, &Target::InProcess, RunOptions::default());
    let crashing = common::run(
        &suite,
        &common::broken_target("crash"),
        RunOptions {
            dialects: vec!["spec".into()],
            name: Some("crasher".into()),
            ..common::quick()
        },
    );
    (reference, crashing)
}

#[test]
fn pruned_view_groups_identical_status_vectors() {
    let (a, b) = two_reports();
    let m = Matrix::new(vec![a, b], vec![]);
    let labels: Vec<String> = m.columns.iter().map(|c| c.label()).collect();
    assert_eq!(
        labels,
        [
            "statsd-wire (in process) [spec]",
            "statsd-wire (in process) [etsy]",
            "statsd-wire (in process) [dogstatsd]",
            "crasher [spec]"
        ]
    );
    let groups = m.pruned();
    // Every row is in exactly one group; groups have distinct vectors.
    assert_eq!(
        groups.iter().map(|g| g.rows.len()).sum::<usize>(),
        m.rows.len()
    );
    for (i, g) in groups.iter().enumerate() {
        for h in &groups[i + 1..] {
            assert_ne!(g.statuses, h.statuses);
        }
        for row in &g.rows {
            assert_eq!(m.statuses(row), g.statuses);
        }
    }
    // The crashing rows come first: PASS, PASS, PASS, CRASH.
    let first = &groups[0];
    assert_eq!(
        first.statuses,
        vec![
            Some(Status::Pass),
            Some(Status::Pass),
            Some(Status::Pass),
            Some(Status::Crash)
        ]
    );
    let ids: Vec<(String, Kind)> = first.rows.iter().map(|r| (r.id.clone(), r.kind)).collect();
    assert_eq!(
        ids,
        [
            ("basic/boom".to_string(), Kind::Decode),
            ("basic/boom".to_string(), Kind::Encode),
            ("enc/boom".to_string(), Kind::Encode)
        ]
    );
    // Cases only in etsy are not run in the spec-only column.
    assert!(groups.iter().any(|g| {
        g.statuses[3].is_none()
            && g.rows
                .iter()
                .any(|r| r.id == "basic/gauge-delta" && r.kind == Kind::Encode)
    }));
    // Summary: the crasher failed the 3 boom cases.
    let s = m.column_summary(3);
    assert_eq!(s.crash, 3);
    assert_eq!(s.failures, 3);
    assert_eq!(m.column_summary(0).failures, 0);
    assert_eq!(m.column_summary(2).failures, 0);
}

#[test]
fn markdown_and_html_pages() {
    let (a, b) = two_reports();
    let m = Matrix::new(
        vec![a, b],
        vec![Unavailable {
            name: "collectd".into(),
            reason: "not installed".into(),
        }],
    );
    let md = m.to_markdown("bash conformance/run-peers.sh", "2026-11-22");
    assert!(md.starts_with(
        "# StatsD conformance matrix\n\nRegenerate with `bash conformance/run-peers.sh`."
    ));
    assert!(md.contains("Generated 2026-11-22 with suite `statsd-spec-vectors` 0.0.0-fixture"));
    assert!(md.contains("## Summary") && md.contains("| crasher | 0 | spec |"));
    assert!(md.contains("**collectd**: unavailable (not installed)"));
    assert!(md.contains("## Pruned matrix") && md.contains("| 3 | ok | ok | ok | CRASH |"));
    assert!(md.contains("## Implementation-defined cases"));
    assert!(md.contains("`basic/crlf`"));
    assert!(md.contains("crasher [spec] — `basic/boom` CRASH"));
    let html = m.to_html("bash conformance/run-peers.sh", "2026-11-22");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>") && !html.contains("<script"));
    assert!(html.contains("td.cr{background:#222222"));
    assert!(html.contains("class=\"s cr\""));
    assert!(
        html.contains("Legend") && html.contains("Pruned matrix") && html.contains("Full matrix")
    );
}

#[test]
fn the_matrix_subcommand_merges_report_files() {
    let (a, b) = two_reports();
    let dir = tempfile::tempdir().unwrap();
    let pa = dir.path().join("a.json");
    let pb = dir.path().join("b.json");
    std::fs::write(&pa, a.to_json()).unwrap();
    std::fs::write(&pb, b.to_json()).unwrap();
    let md = dir.path().join("out/m.md");
    let html = dir.path().join("out/m.html");
    let (code, out, err) = common::cli(&[
        "matrix",
        pa.to_str().unwrap(),
        pb.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--command",
        "make matrix",
        "--unavailable",
        "collectd=check failed",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("Regenerate with `make matrix`"));
    assert!(md.contains("collectd"));
    assert!(std::fs::read_to_string(html).unwrap().contains("</html>"));
    // A file that is not a report is a usage error.
    std::fs::write(&pa, "{}").unwrap();
    let (code, _, err) = common::cli(&["matrix", pa.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("report_version"), "{err}");
}

#[test]
fn reports_round_trip_through_json() {
    let (a, _) = two_reports();
    let back = Report::from_json(&a.to_json()).expect("parse");
    assert_eq!(back, a);
    let value: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    assert_eq!(value["report_version"], 2);
    assert_eq!(
        value["summary"]["by_status"]["PASS"].as_u64().unwrap() as usize,
        a.summary.by_status[&Status::Pass]
    );
}
