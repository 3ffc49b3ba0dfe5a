//! Replays the committed fuzz inputs, `fuzz/seeds/<target>/` and
//! `fuzz/regressions/<target>/`, through the very functions the fuzz targets
//! call (`statsd_wire::fuzzing`), on stable and without libFuzzer. A failing
//! input is reported by its file name. `cargo test -- --ignored` also replays a
//! local `fuzz/corpus/<target>/` (not committed).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use statsd_wire::fuzzing;

/// The input files of `target` under `fuzz/<kind>/`, sorted; notes (`*.md`) and
/// hidden files are skipped.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            !name.starts_with('.') && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    files
}

/// Runs every input of `target` in `kinds` through `run`; fails listing every
/// input that panicked. Returns how many inputs ran.
fn replay(target: &str, kinds: &[&str], run: fn(&[u8])) -> usize {
    let mut ran = 0;
    let mut crashed = Vec::new();
    for kind in kinds {
        for file in inputs(kind, target) {
            let data = std::fs::read(&file).expect("readable fuzz input");
            ran += 1;
            if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
                crashed.push(format!("  {} ({} bytes)", file.display(), data.len()));
            }
        }
    }
    assert!(
        crashed.is_empty(),
        "fuzz inputs that crash target {target} (the panic messages are above):\n{}",
        crashed.join("\n")
    );
    ran
}

/// Replays the committed seeds and regressions; the seeds must exist, so that a
/// wrong path cannot make the test pass by replaying nothing.
fn replay_committed(target: &str, run: fn(&[u8])) {
    assert!(
        !inputs("seeds", target).is_empty(),
        "no seeds in fuzz/seeds/{target}/"
    );
    replay(target, &["seeds", "regressions"], run);
}

#[test]
fn parse_datagram_spec() {
    replay_committed("parse_datagram_spec", fuzzing::parse_datagram_spec);
}

#[test]
fn parse_datagram_etsy() {
    replay_committed("parse_datagram_etsy", fuzzing::parse_datagram_etsy);
}

#[test]
fn roundtrip_arbitrary() {
    replay_committed("roundtrip_arbitrary", fuzzing::roundtrip_arbitrary_bytes);
}

#[test]
fn differential() {
    replay_committed("differential", fuzzing::differential);
}

#[test]
#[ignore = "replays the local, uncommitted fuzz/corpus/ (can be large)"]
fn local_corpus() {
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 4] = [
        ("parse_datagram_spec", fuzzing::parse_datagram_spec),
        ("parse_datagram_etsy", fuzzing::parse_datagram_etsy),
        ("roundtrip_arbitrary", fuzzing::roundtrip_arbitrary_bytes),
        ("differential", fuzzing::differential),
    ];
    for (target, run) in targets {
        let ran = replay(target, &["corpus"], run);
        println!("{target}: {ran} corpus inputs");
    }
}
