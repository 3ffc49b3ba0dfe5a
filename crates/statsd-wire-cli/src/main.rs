//! `statsd-wire`: the command line over the statsd-wire parser and encoder.
//!
//! Exit codes are documented per subcommand in `--help` and in README.md.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod adapter;

/// Validate, format, convert, receive and send StatsD metrics; speak the
/// conformance adapter protocol.
#[derive(Debug, Parser)]
#[command(name = "statsd-wire", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The reference adapter of the StatsD adapter protocol (version 1).
    Adapter(adapter::AdapterArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Adapter(args) => adapter::run(args),
    }
}
