//! `statsd-wire`: the command line over the statsd-wire parser and encoder.
//!
//! Every subcommand is a thin adapter: the grammar, validation and encoding
//! live in the `statsd-wire` crate. Exit codes are documented per subcommand in
//! `--help` and in docs/cli.md: 0 success, 1 invalid input, 2 usage or I/O
//! error (89: the adapter's dialect is not implemented).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod adapter;
mod check;
mod common;
mod diag;
mod fmt;
mod json;
mod listen;
mod send;

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
    /// Validate every line and report located errors (exit 1 if any line is invalid).
    Check(check::CheckArgs),
    /// Rewrite valid lines in canonical form; leave invalid lines as they are.
    Fmt(fmt::FmtArgs),
    /// Print one JSON object (the protocol's LineResult) per line.
    Json(json::JsonArgs),
    /// Receive metrics over UDP (or TCP), validate and print them, and forward the valid ones.
    Listen(listen::ListenArgs),
    /// Validate metrics, then send them over UDP packed into datagrams.
    Send(send::SendArgs),
    /// The reference adapter of the StatsD adapter protocol (version 2).
    Adapter(adapter::AdapterArgs),
    /// Run a StatsD() dialplan call, or lint a dialplan, exactly as Asterisk would.
    Asterisk(statsd_asterisk::cli::AsteriskArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Json(args) => json::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Send(args) => send::run(args),
        Command::Adapter(args) => adapter::run(args),
        Command::Asterisk(args) => statsd_asterisk::cli::run(args),
    }
}
