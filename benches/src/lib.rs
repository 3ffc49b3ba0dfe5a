//! Benchmark support for statsd-wire: deterministic corpora, the hand-rolled
//! reference points and the workloads that the criterion benches
//! (`benches/benches/*.rs`), the `perf-report` example and the `callgrind`
//! driver example all run.
//!
//! - [`corpus`]: one million lines of realistic traffic per dialect (spec,
//!   etsy, and DogStatsD with tags, packed values, events and service checks),
//!   packed into 1432-byte datagrams, plus hostile corpora (spec and DogStatsD)
//!   with lines of every error class; generated from a seeded [`rng::SplitMix64`], so every run and every
//!   machine sees the same bytes.
//! - [`floor`]: the hand-rolled parser floors (plain and DogStatsD), the
//!   newline-split bound and the hand-written `itoa`/`ryu` encoder floor.
//! - [`workload`]: the timed loops themselves.
//!
//! The peer crates (statsd-parser, statsdproto, cadence) are dev-dependencies;
//! their adapters live in `benches/common/peers.rs`, shared by the benches and
//! examples. How to run everything, and the results, are in
//! `docs/performance.md`.
//!
//! ```
//! use statsd_wire::{Config, Dialect};
//! use statsd_wire_benches::{corpus::Corpus, workload};
//! let corpus = Corpus::generate(Dialect::Spec, 1000, 1);
//! assert_eq!(workload::parse_statsd_wire(&corpus, &Config::spec()), 1000);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod corpus;
pub mod floor;
pub mod rng;
pub mod workload;
