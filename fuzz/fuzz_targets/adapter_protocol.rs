//! Any bytes as an adapter-protocol request (encode, batch, decode): see
//! `statsd_wire_protocol::fuzzing::adapter_protocol`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_wire_protocol::fuzzing::adapter_protocol(data));
