//! Benchmark support for statsd-wire (corpus generation lives here).
