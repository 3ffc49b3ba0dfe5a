//! Any bytes as the data of a `StatsD(...)` call and as a dialplan: see
//! `statsd_asterisk::fuzzing::asterisk_dialplan`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_asterisk::fuzzing::asterisk_dialplan(data));
