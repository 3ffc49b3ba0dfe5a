//! Every message kind of the dogstatsd dialect (`parse_messages`) and the
//! metrics-only `parse_datagram`: see
//! `statsd_wire::fuzzing::parse_datagram_dogstatsd`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_wire::fuzzing::parse_datagram_dogstatsd(data));
