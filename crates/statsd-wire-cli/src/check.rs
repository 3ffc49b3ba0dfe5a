//! `statsd-wire check`: validate every line of files (or stdin) and report
//! located diagnostics.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::common::{self, DialectOpt, Outcome, Painter, Stream, plural};
use crate::diag::Diagnostic;

/// The output format of diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people: location, the line, a caret under the fault, the hint.
    #[default]
    Human,
    /// One JSON object per diagnostic (the summary goes to stderr).
    Json,
}

/// Arguments of `statsd-wire check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each file is read as one datagram of lines (empty lines are skipped, as a server does).
Every invalid line gets a located error; a valid line that is almost surely a mistake
gets a located warning with a hint (an integer outside the portable range (-2^53, 2^53);
in the dogstatsd dialect also a sample rate outside (0, 1], a repeated or unknown field,
an empty tag, a name outside [A-Za-z0-9_.], ...); then a summary.

Exit codes: 0 every line is valid (warnings allowed); 1 at least one line is invalid;
2 usage or I/O error.

Examples:
  statsd-wire check metrics.txt
  printf 'api.requests:1|c\\nbad:1|x\\n' | statsd-wire check
  statsd-wire check --dialect etsy --format json captured/*.txt
  printf 'a:1|c|#env:prod|@2\n_sc|db.up|0\n' | statsd-wire check --dialect dogstatsd")]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    dialect: DialectOpt,
    /// The diagnostics' format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Files to check; stdin when none is given or for `-`.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Default)]
struct Counts {
    lines: u64,
    valid: u64,
    invalid: u64,
    warnings: u64,
}

/// Runs `statsd-wire check`.
pub(crate) fn run(args: CheckArgs) -> ExitCode {
    let config = args.dialect.config();
    let painter = Painter::for_stream(Stream::Stdout);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut counts = Counts::default();
    let mut outcome = Outcome::default();

    let read = common::for_each_message(
        "check",
        &args.files,
        &config,
        &mut outcome,
        |input_name, line, result| {
            counts.lines += 1;
            let mut diagnostics = Vec::new();
            match &result {
                Ok(parsed) => {
                    counts.valid += 1;
                    for w in &parsed.warnings {
                        counts.warnings += 1;
                        diagnostics.push(Diagnostic::warning(
                            input_name,
                            line.index + 1,
                            line.bytes,
                            line.offset,
                            w,
                        ));
                    }
                    if parsed.warnings.dropped() > 0 {
                        counts.warnings += parsed.warnings.dropped() as u64;
                    }
                }
                Err(e) => {
                    counts.invalid += 1;
                    diagnostics.push(Diagnostic::line_error(
                        input_name,
                        line.index + 1,
                        line.bytes,
                        line.offset,
                        e,
                        line.offset,
                    ));
                }
            }
            for diagnostic in diagnostics {
                let written = match args.format {
                    Format::Human => diagnostic.write_human(&mut out, painter),
                    Format::Json => diagnostic.write_json(&mut out),
                };
                written.map_err(|e| write_failed(&e))?;
            }
            Ok(())
        },
    );
    let read = match read {
        Ok(read) => read,
        Err(code) => return code,
    };
    if read == 0 && !outcome.error {
        // Nothing to check is not success: stdin closed, an empty file, a
        // pipeline whose producer failed.
        let _ = out.flush();
        eprintln!("statsd-wire check: no input (0 bytes read)");
        return ExitCode::from(common::EXIT_ERROR);
    }

    let summary = format!(
        "{}: {} valid, {} invalid, {}",
        plural(counts.lines, "line"),
        counts.valid,
        counts.invalid,
        plural(counts.warnings, "warning"),
    );
    let written = match args.format {
        Format::Human => writeln!(out, "{summary}").and_then(|()| out.flush()),
        Format::Json => out.flush().map(|()| eprintln!("{summary}")),
    };
    if let Err(e) = written {
        return write_failed(&e);
    }
    outcome.invalid = counts.invalid > 0;
    outcome.exit_code()
}

fn write_failed(e: &io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        // The reader went away (`| head`): not worth a message.
        return ExitCode::from(common::EXIT_ERROR);
    }
    eprintln!("statsd-wire check: cannot write: {e}");
    ExitCode::from(common::EXIT_ERROR)
}
