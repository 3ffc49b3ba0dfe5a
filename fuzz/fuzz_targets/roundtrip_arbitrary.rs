//! Structure-aware: the input decoded as an `Arbitrary` metric (every dialect)
//! and again as an `Arbitrary` DogStatsD message (metrics with every field,
//! events, service checks), each encoded and parsed back: see
//! `statsd_wire::fuzzing::roundtrip_arbitrary_bytes`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_wire::fuzzing::roundtrip_arbitrary_bytes(data));
