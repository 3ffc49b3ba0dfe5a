//! The core parser against the simple reference parser, line by line: see
//! `statsd_wire::fuzzing::differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_wire::fuzzing::differential(data));
