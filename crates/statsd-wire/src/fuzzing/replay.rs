//! Replays committed fuzz inputs (`fuzz/<kind>/<target>/`) through a target's
//! function on stable, without libFuzzer: what the `fuzz_replay` tests of the
//! core and of `statsd-wire-protocol` run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The input files of `target` under `<fuzz_dir>/<kind>/` (`kind` is `seeds`,
/// `regressions` or `corpus`), sorted; notes (`*.md`) and hidden files are
/// skipped. A missing directory has no inputs.
pub fn inputs(fuzz_dir: &Path, kind: &str, target: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(fuzz_dir.join(kind).join(target)) else {
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

/// Runs every input of `target` in `kinds` through `run`; panics listing every
/// input that panicked (by file name and size). Returns how many inputs ran.
pub fn replay(fuzz_dir: &Path, target: &str, kinds: &[&str], run: impl Fn(&[u8])) -> usize {
    let mut ran = 0;
    let mut crashed = Vec::new();
    for kind in kinds {
        for file in inputs(fuzz_dir, kind, target) {
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

/// Replays the committed seeds and regressions of `target`. The seeds must
/// exist, so that a wrong path cannot make a test pass by replaying nothing.
pub fn replay_committed(fuzz_dir: &Path, target: &str, run: impl Fn(&[u8])) -> usize {
    assert!(
        !inputs(fuzz_dir, "seeds", target).is_empty(),
        "no seeds in {}",
        fuzz_dir.join("seeds").join(target).display()
    );
    replay(fuzz_dir, target, &["seeds", "regressions"], run)
}
