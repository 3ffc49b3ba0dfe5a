//! Replays the committed fuzz inputs of the `adapter_protocol` target,
//! `fuzz/seeds/adapter_protocol/` and `fuzz/regressions/adapter_protocol/`,
//! through the function the target calls (`statsd_wire_protocol::fuzzing`), on
//! stable and without libFuzzer. A failing input is reported by its file name.
//! `cargo test -- --ignored` also replays a local `fuzz/corpus/adapter_protocol/`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use statsd_wire_protocol::fuzzing::adapter_protocol;

const TARGET: &str = "adapter_protocol";

/// The input files under `fuzz/<kind>/adapter_protocol/`, sorted; notes (`*.md`)
/// and hidden files are skipped.
fn inputs(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(kind)
        .join(TARGET);
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

fn replay(kinds: &[&str]) -> usize {
    let mut ran = 0;
    let mut crashed = Vec::new();
    for kind in kinds {
        for file in inputs(kind) {
            let data = std::fs::read(&file).expect("readable fuzz input");
            ran += 1;
            if catch_unwind(AssertUnwindSafe(|| adapter_protocol(&data))).is_err() {
                crashed.push(format!("  {} ({} bytes)", file.display(), data.len()));
            }
        }
    }
    assert!(
        crashed.is_empty(),
        "fuzz inputs that crash target {TARGET} (the panic messages are above):\n{}",
        crashed.join("\n")
    );
    ran
}

#[test]
fn adapter_protocol_seeds_and_regressions() {
    assert!(
        !inputs("seeds").is_empty(),
        "no seeds in fuzz/seeds/{TARGET}/"
    );
    replay(&["seeds", "regressions"]);
}

#[test]
#[ignore = "replays the local, uncommitted fuzz/corpus/ (can be large)"]
fn local_corpus() {
    println!("{TARGET}: {} corpus inputs", replay(&["corpus"]));
}
