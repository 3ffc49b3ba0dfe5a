//! Structure-aware: an `Arbitrary` metric, encoded and parsed back in every
//! dialect: see `statsd_wire::fuzzing::roundtrip_arbitrary`.
#![no_main]

use statsd_wire::fuzzing::{FuzzMetric, roundtrip_arbitrary};

libfuzzer_sys::fuzz_target!(|input: FuzzMetric<'_>| roundtrip_arbitrary(input));
