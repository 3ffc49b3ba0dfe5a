//! The `daemon` subcommand's options and entry point.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{DaemonOptions, run};
use crate::cli::{EXIT_FAILURES, EXIT_OK};
use crate::render;
use crate::runner::Expectations;
use crate::vectors::Suite;

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
    /// A dialect to grade in (repeatable; default: the profile's `dialects`, else every suite dialect).
    #[arg(long = "dialect", value_name = "D")]
    pub dialects: Vec<String>,
    /// Only the cases matching this selector (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub run: Vec<String>,
    /// Not the cases matching this selector (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub skip: Vec<String>,
    /// Expectations file (skip, xfail) as for adapters.
    #[arg(long, value_name = "FILE")]
    pub expectations: Option<PathBuf>,
    /// Write the JSON report here.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "OUT")]
    pub junit: Option<PathBuf>,
    /// The server's label in reports (default: the profile's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Server restarts allowed (a server the profile starts).
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub max_restarts: usize,
    /// Read the vectors from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,
    /// Failures shown in the summary.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_failures: usize,
    /// Print progress to stderr.
    #[arg(long)]
    pub progress: bool,
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `daemon`; returns the exit code (0 conformant, 1 failures) or the
/// harness error.
pub fn daemon(args: &DaemonArgs) -> Result<i32, String> {
    let suite = match &args.vectors {
        Some(dir) => Suite::from_dir(dir).map_err(|e| e.to_string())?,
        None => Suite::embedded().map_err(|e| format!("embedded vectors: {e}"))?,
    };
    if suite.is_empty() {
        return Err("no vectors (pass --vectors DIR)".into());
    }
    let expectations = match &args.expectations {
        Some(path) => Expectations::load(path)?,
        None => Expectations::default(),
    };
    let opts = DaemonOptions {
        profile: args.profile.clone(),
        send: args.send.clone(),
        graphite: args.graphite.clone(),
        prometheus: args.prometheus.clone(),
        dialects: args.dialects.clone(),
        run: args.run.clone(),
        skip: args.skip.clone(),
        expectations,
        name: args.name.clone(),
        max_restarts: args.max_restarts.max(1),
        progress: args.progress,
    };
    let report = run(&suite, &opts).map_err(|e| e.to_string())?;
    if let Some(path) = &args.json {
        write_file(path, &report.to_json())?;
    }
    if let Some(path) = &args.junit {
        write_file(path, &report.to_junit())?;
    }
    let _ = std::io::stdout()
        .lock()
        .write_all(render::summary(&report, args.max_failures).as_bytes());
    Ok(if report.summary.conformant {
        EXIT_OK
    } else {
        EXIT_FAILURES
    })
}
