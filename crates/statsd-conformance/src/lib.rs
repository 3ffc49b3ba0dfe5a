//! The StatsD conformance runner.
//!
//! The golden vectors of `spec-vectors/` are embedded at build time
//! ([`vectors::Suite::embedded`]). [`runner::run`] grades an implementation —
//! the built-in one in process ([`runner::Target::InProcess`], always with full
//! grading) or any executable speaking the adapter protocol
//! ([`runner::Target::Adapter`]) — and returns a versioned [`report::Report`];
//! [`matrix::Matrix`] merges reports into a cases × implementations matrix;
//! [`export`] writes the vectors as one file per case or as fuzz seeds.
//!
//! ```no_run
//! use statsd_conformance::runner::{run, RunOptions, Target};
//! use statsd_conformance::vectors::Suite;
//!
//! let suite = Suite::embedded().unwrap();
//! let report = run(&suite, &Target::InProcess, &RunOptions::default()).unwrap();
//! assert!(report.summary.conformant);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod compare;
pub mod daemon;
pub mod exec;
pub mod export;
pub mod glob;
pub mod matrix;
pub mod render;
pub mod report;
pub mod runner;
pub mod vectors;
