//! Any bytes as a `statsd.conf`: see `statsd_asterisk::fuzzing::asterisk_conf`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statsd_asterisk::fuzzing::asterisk_conf(data));
