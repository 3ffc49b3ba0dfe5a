//! The `daemon` subcommand's options and entry point.

use std::path::PathBuf;

use clap::Args;

use super::{DaemonOptions, run};
use crate::cli::{CaseSelection, EXIT_FAILURES, EXIT_OK, ReportOutput, load_suite};

/// Options of `daemon`.
#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  statsd-conformance daemon --profile conformance/peers/profiles/etsy-statsd.toml --json etsy.json
  statsd-conformance daemon --profile mine.toml --send udp://127.0.0.1:8125 --dialect etsy

The profile (TOML; schema conformance/peers/profiles/profile.schema.json) says how the server names \
and aggregates what it flushes; conformance/peers/README.md shows how to write one.")]
pub struct DaemonArgs {
    /// The server's profile (TOML).
    #[arg(long, value_name = "FILE")]
    pub profile: PathBuf,
    /// Where to send the cases: udp://HOST:PORT, tcp://HOST:PORT or
    /// unix:///PATH (default: the profile's `send`).
    #[arg(long, value_name = "ADDR")]
    pub send: Option<String>,
    /// Listen for Graphite plaintext here (default: the profile's `[observe] graphite`).
    #[arg(long, value_name = "HOST:PORT")]
    pub graphite: Option<String>,
    /// Scrape this Prometheus URL (default: the profile's `[observe] prometheus`).
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    /// Which cases.
    #[command(flatten)]
    pub select: CaseSelection,
    /// Where the report goes.
    #[command(flatten)]
    pub output: ReportOutput,
    /// The server's label in reports (default: the profile's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Server restarts allowed (a server the profile starts).
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub max_restarts: usize,
    /// Read the vectors from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,
    /// Print progress to stderr.
    #[arg(long)]
    pub progress: bool,
}

/// Runs `daemon`; returns the exit code (0 conformant, 1 failures) or the
/// harness error.
pub fn daemon(args: &DaemonArgs) -> Result<i32, String> {
    let suite = load_suite(args.vectors.as_deref())?;
    let expectations = args.select.load_expectations()?;
    let opts = DaemonOptions {
        profile: args.profile.clone(),
        send: args.send.clone(),
        graphite: args.graphite.clone(),
        prometheus: args.prometheus.clone(),
        dialects: args.select.dialects.clone(),
        run: args.select.run.clone(),
        skip: args.select.skip.clone(),
        expectations,
        name: args.name.clone(),
        max_restarts: args.max_restarts.max(1),
        progress: args.progress,
    };
    let report = run(&suite, &opts).map_err(|e| e.to_string())?;
    args.output.emit(&report)?;
    Ok(if report.summary.conformant {
        EXIT_OK
    } else {
        EXIT_FAILURES
    })
}
