//! `statsd-wire json`: one JSON object per line, in the adapter protocol's
//! LineResult form plus the line number.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use statsd_wire::parse_datagram;
use statsd_wire_protocol::LineResult;

use crate::common::{self, DialectOpt, Outcome};

/// Arguments of `statsd-wire json`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each non-empty line becomes one JSON object: the adapter protocol's LineResult,
{\"ok\":true,\"metric\":{...}} or {\"ok\":false,\"error\":{\"class\":...,\"offset\":...,\"message\":...}},
with \"line\" (from 1) first, and \"file\" when more than one input is given. Every
number is a string, exactly as the protocol has it.

Exit codes: 0 every line is valid; 1 at least one line is invalid (it is still
printed, as an error object); 2 usage or I/O error.

Examples:
  printf 'gorets:1|c\\nbad\\n' | statsd-wire json --dialect etsy
  statsd-wire json metrics.txt | jq -c 'select(.ok | not)'")]
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
    let names = common::input_names(&args.files);
    let several = names.len() > 1;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut outcome = Outcome::default();

    for name in names {
        let input = match common::read_input(name.as_deref()) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("statsd-wire json: {e}");
                outcome.error = true;
                continue;
            }
        };
        for (raw, result) in parse_datagram(&input.data, &config).with_raw() {
            outcome.invalid |= result.is_err();
            let line = JsonLine {
                line: raw.index + 1,
                file: several.then_some(input.name.as_str()),
                result: LineResult::from_result(&result),
            };
            let written = serde_json::to_writer(&mut out, &line)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"));
            if let Err(e) = written {
                return write_failed(&e);
            }
        }
    }
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
