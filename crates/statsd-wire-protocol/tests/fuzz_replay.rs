//! Replays the committed fuzz inputs of the `adapter_protocol` target,
//! `fuzz/seeds/adapter_protocol/` and `fuzz/regressions/adapter_protocol/`,
//! through the function the target calls (`statsd_wire_protocol::fuzzing`), on
//! stable and without libFuzzer. A failing input is reported by its file name.
//! `cargo test -- --ignored` also replays a local `fuzz/corpus/adapter_protocol/`.

use std::path::PathBuf;

use statsd_wire::fuzzing::replay::{replay, replay_committed};
use statsd_wire_protocol::fuzzing::adapter_protocol;

const TARGET: &str = "adapter_protocol";

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn adapter_protocol_seeds_and_regressions() {
    replay_committed(&fuzz_dir(), TARGET, adapter_protocol);
}

#[test]
#[ignore = "replays the local, uncommitted fuzz/corpus/ (can be large)"]
fn local_corpus() {
    let ran = replay(&fuzz_dir(), TARGET, &["corpus"], adapter_protocol);
    println!("{TARGET}: {ran} corpus inputs");
}
