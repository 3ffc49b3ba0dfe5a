//! `statsd-wire adapter`: the reference adapter of the adapter protocol,
//! version 2 (`spec-vectors/README.md`): every dialect (spec, etsy, dogstatsd)
//! and every kind of line (metrics, events, service checks). It reads stdin,
//! writes stdout, and is judged by its exit code and stdout alone.

use std::io::{self, BufRead, Read, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use statsd_wire_protocol::adapter::{self, config_for};
use statsd_wire_protocol::{EXIT_OK, EXIT_REJECTED, EXIT_UNIMPLEMENTED};

/// Arguments of `statsd-wire adapter`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes: 0 processed (rejected lines are still 0, reported per line); \
1 encode refused the messages (or the request is not valid protocol JSON); \
89 dialect not implemented; 2 usage or I/O error.

Examples:
  statsd-wire adapter capabilities
  printf 'gorets:1|c\\nbad\\n' | statsd-wire adapter decode --dialect spec
  echo '{\"metrics\":[{\"name\":\"a\",\"type\":\"gauge\",\"values\":[\"1\"],\"delta\":true}]}' \\
    | statsd-wire adapter encode --dialect etsy
  printf '_sc|db.up|2|m:replica lag' | statsd-wire adapter decode --dialect dogstatsd
  echo '{\"messages\":[{\"event\":{\"title\":\"Deploy\",\"text\":\"done\"}}]}' \\
    | statsd-wire adapter encode --dialect dogstatsd
  echo '{\"id\":\"1\",\"op\":\"decode\",\"input\":\"a:1|c\"}' | statsd-wire adapter batch --dialect spec")]
pub(crate) struct AdapterArgs {
    #[command(subcommand)]
    op: Op,
}

#[derive(Debug, Subcommand)]
enum Op {
    /// Print the adapter's capabilities as one JSON object.
    Capabilities,
    /// Read a datagram on stdin; print {"lines": [LineResult, ...]}.
    Decode(DialectArg),
    /// Read {"metrics": [Metric, ...]} or {"messages": [{"metric"|"event"|"service_check": ...}, ...]}
    /// on stdin; print the datagram bytes.
    Encode(DialectArg),
    /// Read JSON-lines requests on stdin; print one JSON-line response each.
    Batch(DialectArg),
}

#[derive(Debug, Args)]
struct DialectArg {
    /// The dialect: spec, etsy or dogstatsd (anything else exits 89).
    #[arg(long)]
    dialect: String,
}

fn code(c: i32) -> ExitCode {
    ExitCode::from(u8::try_from(c).unwrap_or(2))
}

fn read_stdin() -> io::Result<Vec<u8>> {
    let mut input = Vec::new();
    io::stdin().lock().read_to_end(&mut input)?;
    Ok(input)
}

fn io_failure(e: &io::Error) -> ExitCode {
    eprintln!("statsd-wire adapter: {e}");
    ExitCode::from(2)
}

/// Runs `statsd-wire adapter`.
pub(crate) fn run(args: AdapterArgs) -> ExitCode {
    let result = match args.op {
        Op::Capabilities => print_json(&adapter::capabilities()).map(|()| code(EXIT_OK)),
        Op::Decode(d) => {
            let Some(config) = config_for(&d.dialect) else {
                return code(EXIT_UNIMPLEMENTED);
            };
            read_stdin()
                .and_then(|input| print_json(&adapter::decode(&input, &config)))
                .map(|()| code(EXIT_OK))
        }
        Op::Encode(d) => {
            let Some(config) = config_for(&d.dialect) else {
                return code(EXIT_UNIMPLEMENTED);
            };
            read_stdin().and_then(|input| match adapter::encode(&input, &config) {
                Ok(bytes) => io::stdout()
                    .lock()
                    .write_all(&bytes)
                    .map(|()| code(EXIT_OK)),
                Err(refusal) => {
                    eprintln!("statsd-wire adapter: {refusal}");
                    Ok(code(EXIT_REJECTED))
                }
            })
        }
        Op::Batch(d) => {
            let config = config_for(&d.dialect);
            batch(config.as_ref()).map(|()| code(EXIT_OK))
        }
    };
    result.unwrap_or_else(|e| io_failure(&e))
}

fn print_json<T: serde::Serialize>(value: &T) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn batch(config: Option<&statsd_wire::Config>) -> io::Result<()> {
    let stdin = io::stdin().lock();
    let mut out = io::stdout().lock();
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let response = adapter::batch_line(&line, config);
        serde_json::to_writer(&mut out, &response)?;
        out.write_all(b"\n")?;
        // Flush per response so a runner reading line by line never waits on us.
        out.flush()?;
    }
    Ok(())
}
