//! Replays the committed fuzz inputs, `fuzz/seeds/<target>/` and
//! `fuzz/regressions/<target>/`, through the very functions the fuzz targets
//! call (`statsd_wire::fuzzing`), on stable and without libFuzzer. A failing
//! input is reported by its file name. `cargo test -- --ignored` also replays a
//! local `fuzz/corpus/<target>/` (not committed).

use std::path::PathBuf;

use statsd_wire::fuzzing;
use statsd_wire::fuzzing::replay::{replay, replay_committed};

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn parse_datagram_spec() {
    replay_committed(
        &fuzz_dir(),
        "parse_datagram_spec",
        fuzzing::parse_datagram_spec,
    );
}

#[test]
fn parse_datagram_etsy() {
    replay_committed(
        &fuzz_dir(),
        "parse_datagram_etsy",
        fuzzing::parse_datagram_etsy,
    );
}

#[test]
fn parse_datagram_dogstatsd() {
    replay_committed(
        &fuzz_dir(),
        "parse_datagram_dogstatsd",
        fuzzing::parse_datagram_dogstatsd,
    );
}

#[test]
fn roundtrip_arbitrary() {
    replay_committed(
        &fuzz_dir(),
        "roundtrip_arbitrary",
        fuzzing::roundtrip_arbitrary_bytes,
    );
}

#[test]
fn differential() {
    replay_committed(&fuzz_dir(), "differential", fuzzing::differential);
}

#[test]
fn fast_path() {
    replay_committed(&fuzz_dir(), "fast_path", fuzzing::fast_path);
}

#[test]
#[ignore = "replays the local, uncommitted fuzz/corpus/ (can be large)"]
fn local_corpus() {
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 6] = [
        ("parse_datagram_spec", fuzzing::parse_datagram_spec),
        ("parse_datagram_etsy", fuzzing::parse_datagram_etsy),
        (
            "parse_datagram_dogstatsd",
            fuzzing::parse_datagram_dogstatsd,
        ),
        ("roundtrip_arbitrary", fuzzing::roundtrip_arbitrary_bytes),
        ("differential", fuzzing::differential),
        ("fast_path", fuzzing::fast_path),
    ];
    for (target, run) in targets {
        let ran = replay(&fuzz_dir(), target, &["corpus"], run);
        println!("{target}: {ran} corpus inputs");
    }
}
