//! A version 1 adapter (no `messages` in its capabilities) that declares the
//! dogstatsd dialect: it is graded on every metric case, as before, and every
//! case holding an event or a service check is UNIMPLEMENTED for it — never
//! sent, never a failure.

mod common;

use statsd_conformance::report::{Kind, Status};
use statsd_conformance::runner::RunOptions;

/// The fixture cases that hold an event or a service check (decode input or
/// expected lines, or an encode request).
const MESSAGE_CASES: &[&str] = &[
    "dog/event",
    "dog/event-fields-reordered",
    "dog/service-check",
    "dog/mixed",
    "dog/empty-event-title",
    "dog/bad-status",
    "dog/event-then-bad-metric",
    "enc/messages",
    "enc/service-check-pipe",
];

fn v1_report(batch: bool) -> statsd_conformance::report::Report {
    common::run(
        &common::fixture_suite(),
        &common::v1_target(),
        RunOptions {
            batch,
            ..common::quick()
        },
    )
}

fn check(batch: bool) {
    let report = v1_report(batch);
    assert_eq!(report.implementation.protocol, 1);
    assert_eq!(report.dialects, ["spec", "etsy", "dogstatsd"]);
    let f = common::failures(&report);
    assert!(f.is_empty(), "{} failures:\n{}", f.len(), f.join("\n"));
    assert!(report.summary.conformant);
    for c in &report.cases {
        let holds_messages = MESSAGE_CASES.contains(&c.id.as_str());
        if holds_messages {
            assert_eq!(c.status, Status::Unimplemented, "{} [{}]", c.id, c.dialect);
            assert!(c.detail.contains("message kind"), "{}: {}", c.id, c.detail);
        } else {
            assert!(
                matches!(
                    c.status,
                    Status::Pass | Status::ImplAccept | Status::ImplReject
                ),
                "{} [{}] {:?}: {}",
                c.id,
                c.dialect,
                c.status,
                c.detail
            );
        }
    }
    // Metric cases of the dogstatsd dialect are graded, decode and encode,
    // including a `messages` encoder case holding metrics only (sent to the
    // adapter as a version 1 `metrics` body).
    for (id, kind) in [
        ("dog/metric-fields", Kind::Decode),
        ("dog/metric-fields", Kind::Encode),
        ("dog/packed", Kind::Decode),
        ("dog/warnings", Kind::Decode),
        ("enc/metric-timestamp", Kind::Encode),
        ("basic/counter", Kind::Decode),
    ] {
        let case = report
            .cases
            .iter()
            .find(|c| c.id == id && c.dialect == "dogstatsd" && c.kind == kind)
            .unwrap_or_else(|| panic!("{id} {kind:?} missing"));
        assert_eq!(case.status, Status::Pass, "{id}: {}", case.detail);
    }
    let unimplemented = report.summary.by_dialect["dogstatsd"][&Status::Unimplemented];
    assert!(unimplemented >= 9, "{unimplemented}");
}

#[test]
fn a_v1_adapter_is_graded_on_metrics_and_unimplemented_for_events() {
    check(false);
}

#[test]
fn a_v1_adapter_in_batch_mode_is_never_sent_an_event() {
    check(true);
}

#[test]
fn the_v2_reference_is_graded_on_every_message_kind() {
    let report = common::run(
        &common::fixture_suite(),
        &statsd_conformance::runner::Target::Adapter(format!(
            "'{}' adapter",
            common::statsd_wire_bin().display()
        )),
        RunOptions {
            batch: false,
            ..common::quick()
        },
    );
    assert_eq!(report.implementation.protocol, 2);
    let f = common::failures(&report);
    assert!(f.is_empty(), "{} failures:\n{}", f.len(), f.join("\n"));
    for id in MESSAGE_CASES {
        assert!(
            report
                .cases
                .iter()
                .filter(|c| c.id == *id)
                .all(|c| c.status == Status::Pass || c.status == Status::ImplReject),
            "{id}"
        );
    }
    assert_eq!(report.summary.by_status.get(&Status::Unimplemented), None);
    // The canonical form of an event is re-encoded from its JSON form; that of
    // a line with an unknown field (which the protocol's JSON cannot carry) is
    // not.
    let encode_item = |id: &str| {
        report
            .cases
            .iter()
            .find(|c| c.id == id && c.dialect == "dogstatsd" && c.kind == Kind::Encode)
            .map(|c| c.status)
    };
    assert_eq!(encode_item("dog/event"), Some(Status::Pass));
    assert_eq!(encode_item("dog/service-check"), Some(Status::Pass));
    assert_eq!(encode_item("dog/warnings"), None);
}
