//! `export --flat` (one file per case) and `export --corpus` (fuzz seeds).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out
}

#[test]
fn flat_export_is_one_file_per_case() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = common::fixture_dir();
    let (code, out, err) = common::cli(&[
        "export",
        "--vectors",
        fixtures.to_str().unwrap(),
        "--flat",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let f = files(dir.path());
    assert!(f.contains(".gitattributes") && f.contains("VERSION"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitattributes")).unwrap(),
        "* -text\n"
    );
    for p in [
        "spec/y/basic/counter.statsd",
        "spec/y/basic/counter.json",
        "spec/n/basic/set.statsd",
        "etsy/y/basic/set.statsd",
        "spec/i/basic/crlf.statsd",
        "spec/n/basic/invalid-utf8.statsd",
        "spec/encode/y/enc/counter.json",
        "spec/encode/y/enc/counter.statsd",
        "spec/encode/n/enc/name-with-colon.json",
        "etsy/encode/y/enc/gauge-delta.statsd",
    ] {
        assert!(f.contains(p), "{p} missing from {f:?}");
    }
    // Raw bytes, exactly.
    assert_eq!(
        std::fs::read(dir.path().join("spec/i/basic/crlf.statsd")).unwrap(),
        b"a:1|c\r\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("spec/n/basic/invalid-utf8.statsd")).unwrap(),
        b"\xff:1|c"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("spec/n/basic/set.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["verdict"], "n");
    assert_eq!(json["lines"][0]["error"]["class"], "unknown_type");
    // DogStatsD: events, service checks, warnings, messages requests.
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(p)).unwrap()).unwrap()
    };
    let event = read("dogstatsd/y/dog/event.json");
    assert_eq!(event["lines"][0]["event"]["title"], "Deploy");
    assert_eq!(
        event["lines"][0]["event"]["aggregation_key"],
        serde_json::Value::Null
    );
    let warned = read("dogstatsd/y/dog/warnings.json");
    assert_eq!(warned["lines"][0]["warnings"][0]["class"], "empty_tag");
    let check = read("dogstatsd/n/dog/bad-status.json");
    assert_eq!(
        check["lines"][0]["error"]["class"],
        "invalid_service_check_status"
    );
    let messages = read("dogstatsd/encode/y/enc/messages.json");
    assert_eq!(messages["messages"][1]["event"]["alert_type"], "warning");
    assert!(messages.get("metrics").is_none());
    assert_eq!(
        std::fs::read(dir.path().join("dogstatsd/encode/y/enc/messages.statsd")).unwrap(),
        b"a:1:2|d|#env:prod\n_e{6,14}:Deploy|line 1\\nline 2|t:warning\n_sc|db.up|2|m:lag"
    );
    assert!(f.contains("spec/encode/n/enc/messages.json"));
}

#[test]
fn corpus_export_writes_the_same_seeds_for_every_target() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = common::fixture_dir();
    let (code, out, err) = common::cli(&[
        "export",
        "--vectors",
        fixtures.to_str().unwrap(),
        "--corpus",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let names = |t: &str| -> BTreeSet<String> { files(&dir.path().join(t)) };
    let spec = names("parse_datagram_spec");
    assert!(spec.len() >= 12, "{spec:?}");
    assert_eq!(spec, names("parse_datagram_etsy"));
    assert_eq!(spec, names("differential"));
    for name in &spec {
        let bytes = std::fs::read(dir.path().join("differential").join(name)).unwrap();
        assert_eq!(
            name,
            &format!("{:016x}", statsd_conformance::export::fnv1a(&bytes))
        );
    }
}

#[test]
fn export_needs_a_destination() {
    let (code, _, err) = common::cli(&["export"]);
    assert_eq!(code, 2);
    assert!(err.contains("--flat"), "{err}");
}
