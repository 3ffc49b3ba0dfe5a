//! Replays the committed fuzz inputs of the Asterisk targets,
//! `fuzz/seeds/<target>/` and `fuzz/regressions/<target>/`, through the
//! functions the targets call (`statsd_asterisk::fuzzing`), on stable and
//! without libFuzzer. `cargo test -- --ignored` also replays a local
//! `fuzz/corpus/<target>/`.

use std::path::PathBuf;

use statsd_asterisk::fuzzing::{asterisk_conf, asterisk_dialplan};
use statsd_wire::fuzzing::replay::{replay, replay_committed};

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn asterisk_dialplan_seeds_and_regressions() {
    replay_committed(&fuzz_dir(), "asterisk_dialplan", asterisk_dialplan);
}

#[test]
fn asterisk_conf_seeds_and_regressions() {
    replay_committed(&fuzz_dir(), "asterisk_conf", asterisk_conf);
}

#[test]
#[ignore = "replays the local, uncommitted fuzz/corpus/ (can be large)"]
fn local_corpus() {
    for (target, run) in [
        ("asterisk_dialplan", asterisk_dialplan as fn(&[u8])),
        ("asterisk_conf", asterisk_conf),
    ] {
        let ran = replay(&fuzz_dir(), target, &["corpus"], run);
        println!("{target}: {ran} corpus inputs");
    }
}
