//! The parser's fast path for common lines against its full grammar, in every
//! dialect: see `statsd_wire::fuzzing::fast_path`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_wire::fuzzing::fast_path(data));
