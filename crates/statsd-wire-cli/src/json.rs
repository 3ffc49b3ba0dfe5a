//! `statsd-wire json`: one JSON object per line, in the adapter protocol's
//! LineResult form plus the line number.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use statsd_wire_protocol::LineResult;

use crate::common::{self, DialectOpt, Outcome};

/// Arguments of `statsd-wire json`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each non-empty line becomes one JSON object: the adapter protocol's LineResult,
{\"ok\":true,\"metric\":{...}} (in the dogstatsd dialect also \"event\" or \"service_check\")
or {\"ok\":false,\"error\":{\"class\":...,\"offset\":...,\"message\":...}}, with \"line\"
(from 1) first, \"file\" when more than one input is given, and \"warnings\"
([{\"class\":...,\"offset\":...}]) on an accepted line that has any. Every number is a
string, exactly as the protocol has it.

Exit codes: 0 every line is valid; 1 at least one line is invalid (it is still
printed, as an error object); 2 usage or I/O error.

Examples:
  printf 'gorets:1|c\\nbad\\n' | statsd-wire json --dialect etsy
  statsd-wire json metrics.txt | jq -c 'select(.ok | not)'
  printf '_e{6,4}:Deploy|done|#env:prod\n' | statsd-wire json --dialect dogstatsd")]
pub(crate) struct JsonArgs {
    #[command(flatten)]
    dialect: DialectOpt,
    /// Files to convert; stdin when none is given or for `-`.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// One output object.
#[derive(Serialize)]
struct JsonLine<'a> {
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(flatten)]
    result: LineResult,
}

/// Runs `statsd-wire json`.
pub(crate) fn run(args: JsonArgs) -> ExitCode {
    let config = args.dialect.config();
    let several = args.files.len() > 1;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut outcome = Outcome::default();
    let mut invalid = false;

    let streamed = common::for_each_message(
        "json",
        &args.files,
        &config,
        &mut outcome,
        |input_name, line, result| {
            invalid |= result.is_err();
            let json = JsonLine {
                line: line.index + 1,
                file: several.then_some(input_name),
                result: LineResult::from_parsed_with_warnings(&result),
            };
            serde_json::to_writer(&mut out, &json)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|e| write_failed(&e))
        },
    );
    if let Err(code) = streamed {
        return code;
    }
    outcome.invalid = invalid;
    if let Err(e) = out.flush() {
        return write_failed(&e);
    }
    outcome.exit_code()
}

fn write_failed(e: &io::Error) -> ExitCode {
    if e.kind() != io::ErrorKind::BrokenPipe {
        eprintln!("statsd-wire json: cannot write: {e}");
    }
    ExitCode::from(common::EXIT_ERROR)
}
