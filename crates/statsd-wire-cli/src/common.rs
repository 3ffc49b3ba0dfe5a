//! What the subcommands share: the `--dialect` option, exit codes, reading
//! FILE arguments (or stdin), and when to colour output.

use std::io::{self, BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use statsd_wire::{Config, Dialect};

/// Exit code: everything was valid (or processed).
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code: at least one line or metric was invalid.
pub(crate) const EXIT_INVALID: u8 = 1;
/// Exit code: a usage, I/O or network error.
pub(crate) const EXIT_ERROR: u8 = 2;

/// A dialect name on the command line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum DialectName {
    /// The StatsD Metrics Export Specification v0.1, strictly.
    #[default]
    Spec,
    /// What the Etsy daemon accepts: gauge deltas, sets, CRLF, rates on every type.
    Etsy,
    /// DogStatsD as the Datadog Agent reads it: tags, packed values, distributions,
    /// timestamps, origin fields, events and service checks.
    Dogstatsd,
}

/// `--dialect spec|etsy|dogstatsd`.
#[derive(Clone, Copy, Debug, Args)]
pub(crate) struct DialectOpt {
    /// The dialect lines are read (and written) by.
    #[arg(long, value_enum, default_value_t = DialectName::Spec)]
    pub(crate) dialect: DialectName,
}

impl DialectOpt {
    /// The core configuration for the dialect, with the default limits.
    pub(crate) fn config(self) -> Config {
        Config::new(match self.dialect {
            DialectName::Spec => Dialect::Spec,
            DialectName::Etsy => Dialect::Etsy,
            DialectName::Dogstatsd => Dialect::DogStatsd,
        })
    }
}

/// The final exit code from what happened: an error (2) wins over an invalid
/// line (1).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) invalid: bool,
    pub(crate) error: bool,
}

impl Outcome {
    pub(crate) fn exit_code(self) -> ExitCode {
        ExitCode::from(if self.error {
            EXIT_ERROR
        } else if self.invalid {
            EXIT_INVALID
        } else {
            EXIT_OK
        })
    }
}

/// One input opened for streaming: a file (read as one datagram of lines, a
/// line at a time), or stdin.
pub(crate) struct Input {
    /// The name diagnostics show: the path as given, or `<stdin>`.
    pub(crate) name: String,
    /// The file, or `None` for stdin.
    pub(crate) path: Option<PathBuf>,
    /// The bytes.
    pub(crate) reader: Box<dyn BufRead>,
}

/// Opens one input (`None`: stdin) for reading line by line.
pub(crate) fn open_input(path: Option<&Path>) -> Result<Input, String> {
    match path {
        None => Ok(Input {
            name: "<stdin>".to_string(),
            path: None,
            reader: Box::new(io::BufReader::with_capacity(64 << 10, io::stdin())),
        }),
        Some(p) => {
            let file = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok(Input {
                name: p.display().to_string(),
                path: Some(p.to_path_buf()),
                reader: Box::new(io::BufReader::with_capacity(64 << 10, file)),
            })
        }
    }
}

/// One line read by [`LineReader`].
#[derive(Debug)]
pub(crate) struct StreamLine<'a> {
    /// The line's index (from 0), counting empty lines.
    pub(crate) index: usize,
    /// The byte offset of the line in the input.
    pub(crate) offset: usize,
    /// The line without its `\n`, or its first `cap` bytes when longer.
    pub(crate) bytes: &'a [u8],
    /// The whole line's length, without its `\n`.
    pub(crate) len: usize,
    /// Whether the line was longer than `cap` (its rest went to the spill).
    pub(crate) spilled: bool,
    /// Whether the line ended with `\n` (the last one may not).
    pub(crate) newline: bool,
}

/// Reads an input a line at a time with bounded memory: at most `cap` bytes
/// of a line are kept (a longer line is an error anyway: `cap` is one more
/// than the dialect's line limit); the bytes of a longer line are passed, in
/// order and all of them, to a spill function (which `fmt` uses to copy the
/// line through unchanged).
pub(crate) struct LineReader {
    cap: usize,
    buf: Vec<u8>,
    index: usize,
    offset: usize,
    /// Bytes read in all.
    pub(crate) total: u64,
}

impl LineReader {
    /// A reader keeping at most `cap` bytes of a line.
    pub(crate) fn new(cap: usize) -> Self {
        LineReader {
            cap: cap.max(1),
            buf: Vec::new(),
            index: 0,
            offset: 0,
            total: 0,
        }
    }

    /// The next line of `r`, or `None` at the end.
    pub(crate) fn next<'a>(
        &'a mut self,
        r: &mut dyn BufRead,
        spill: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<Option<StreamLine<'a>>> {
        self.buf.clear();
        let mut len = 0usize;
        let mut spilled = false;
        let mut started = false;
        let newline = loop {
            let available = match r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if !started {
                    return Ok(None);
                }
                break false;
            }
            started = true;
            let (take, found) = match memchr(b'\n', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            let piece = &available[..take];
            if spilled {
                spill(piece)?;
            } else if self.buf.len() + piece.len() > self.cap {
                // From here on the line is spilled: what was kept first.
                spill(&self.buf)?;
                spill(piece)?;
                spilled = true;
                let room = self.cap - self.buf.len();
                self.buf.extend_from_slice(&piece[..room]);
            } else {
                self.buf.extend_from_slice(piece);
            }
            len += take;
            let consumed = take + usize::from(found);
            r.consume(consumed);
            self.total += consumed as u64;
            if found {
                break true;
            }
        };
        let line = StreamLine {
            index: self.index,
            offset: self.offset,
            bytes: &self.buf,
            len,
            spilled,
            newline,
        };
        self.index += 1;
        self.offset += len + usize::from(newline);
        Ok(Some(line))
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// The result of one streamed line, exactly as `parse_messages` gives it for
/// the line within its whole input: every kind of message with its warnings,
/// spans from the input's start, the line's index. `line.bytes` is parsed alone
/// (an empty line gives nothing); a spilled line is `line_too_long` over its
/// whole length.
pub(crate) fn parse_stream_message<'a>(
    line: &StreamLine<'a>,
    config: &Config,
) -> Option<Result<statsd_wire::Parsed<'a>, statsd_wire::ParseError>> {
    use statsd_wire::{ParseError, Span};
    let bytes: &'a [u8] = line.bytes;
    let result = statsd_wire::parse_messages(bytes, config).next()?;
    Some(match result {
        Ok(mut parsed) => {
            parsed.warnings = parsed.warnings.shifted(line.offset, line.index);
            parsed.line.index = line.index;
            parsed.line.span = parsed.line.span.shift(line.offset);
            Ok(parsed)
        }
        Err(e) => {
            let span = if line.spilled {
                Span::new(e.span().start, line.len)
            } else {
                e.span()
            };
            Err(ParseError::new(
                e.kind(),
                span.shift(line.offset),
                line.index,
                line.offset,
            ))
        }
    })
}

/// Streams every input named by `files` (stdin when none) a line at a time,
/// with memory bounded by the line limit, and calls `visit` with the input's
/// name, the line and its [`parse_stream_message`] result (empty lines are
/// skipped). An input that cannot be opened or read is said on stderr as
/// `statsd-wire <command>: ...` and sets `outcome.error`; the other inputs are
/// still read. `visit` stops everything by returning `Err(code)` (a write to
/// stdout failed), which is returned as is. `Ok` holds the bytes read in all.
pub(crate) fn for_each_message(
    command: &str,
    files: &[PathBuf],
    config: &Config,
    outcome: &mut Outcome,
    mut visit: impl FnMut(
        &str,
        &StreamLine<'_>,
        Result<statsd_wire::Parsed<'_>, statsd_wire::ParseError>,
    ) -> Result<(), ExitCode>,
) -> Result<u64, ExitCode> {
    let mut read = 0u64;
    for name in input_names(files) {
        let mut input = match open_input(name.as_deref()) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("statsd-wire {command}: {e}");
                outcome.error = true;
                continue;
            }
        };
        // A line at a time: memory is bounded by the line limit, whatever
        // the input (`check /dev/zero`, `yes | statsd-wire check`).
        let mut reader = LineReader::new(config.max_line_len() + 1);
        loop {
            let line = match reader.next(&mut *input.reader, &mut |_| Ok(())) {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => {
                    eprintln!("statsd-wire {command}: {}: {e}", input.name);
                    outcome.error = true;
                    break;
                }
            };
            if let Some(result) = parse_stream_message(&line, config) {
                visit(&input.name, &line, result)?;
            }
        }
        read += reader.total;
    }
    Ok(read)
}

/// The inputs named by FILE arguments: stdin when there are none; `-` is stdin.
pub(crate) fn input_names(files: &[PathBuf]) -> Vec<Option<PathBuf>> {
    if files.is_empty() {
        return vec![None];
    }
    files
        .iter()
        .map(|f| (f.as_os_str() != "-").then(|| f.clone()))
        .collect()
}

/// Which stream a painter writes to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// ANSI colours, on only when the stream is a terminal and `NO_COLOR` is unset
/// (or empty).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Painter {
    on: bool,
}

impl Painter {
    /// Colours decided by the stream and the environment.
    pub(crate) fn for_stream(stream: Stream) -> Self {
        let terminal = match stream {
            Stream::Stdout => io::stdout().is_terminal(),
            Stream::Stderr => io::stderr().is_terminal(),
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Painter {
            on: terminal && !no_color,
        }
    }

    /// No colours.
    #[cfg(test)]
    pub(crate) const fn plain() -> Self {
        Painter { on: false }
    }

    fn paint(self, sgr: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn error(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    pub(crate) fn warning(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    pub(crate) fn gutter(self, text: &str) -> String {
        self.paint("1;34", text)
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// `"1 line"`, `"2 lines"`.
pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub(crate) use statsd_wire::needs_escape;
