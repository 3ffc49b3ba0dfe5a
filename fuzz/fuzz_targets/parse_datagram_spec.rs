//! Any bytes as a datagram in the `spec` dialect: see
//! `statsd_wire::fuzzing::parse_datagram`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_wire::fuzzing::parse_datagram_spec(data));
