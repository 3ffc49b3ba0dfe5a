//! `statsd-conformance`: grades StatsD implementations against the golden
//! vectors (see `statsd-conformance --help`).

use clap::Parser;

fn main() {
    let cli = statsd_conformance::cli::Cli::parse();
    std::process::exit(statsd_conformance::cli::main_with(cli));
}
