//! `statsd-wire fmt`: rewrite valid lines in canonical form; leave invalid lines
//! exactly as they are, and say so.

use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use statsd_wire::{Config, EncodeErrorKind};

use crate::common::{self, DialectOpt, Input, LineReader, Outcome, Painter, Stream, plural};
use crate::diag::Diagnostic;

/// Arguments of `statsd-wire fmt`.
#[derive(Debug, Args)]
#[command(after_help = "\
Valid lines are rewritten in the canonical form (the form the encoder writes:
`a:+1|c` becomes `a:1|c`, `t:1.50|ms` becomes `t:1.5|ms`, a bare `name` becomes
`name:1|m`, a tolerated `\\r` before `\\n` is dropped; in the dogstatsd dialect fields
come in datadog-go's order `|@rate|#tags|c:|e:|T|card:` and events get exact length
headers). A valid line the encoder does not write (its canonical form is longer than
the line limit, or it holds a dogstatsd rate outside (0, 1]) is kept as it is, with a
warning. Invalid lines are copied
unchanged and reported on stderr; empty lines and the final newline (or its
absence) are kept. Output goes to stdout, or back into each file with --in-place
(written only when it changed).

Exit codes: 0 every line was valid; 1 at least one line is invalid (the output
still holds every line); 2 usage or I/O error.

Examples:
  statsd-wire fmt metrics.txt > canonical.txt
  printf 'a:+1|c\\nt:1.50|ms\\n' | statsd-wire fmt
  statsd-wire fmt --dialect etsy --in-place fixtures/*.txt")]
pub(crate) struct FmtArgs {
    #[command(flatten)]
    dialect: DialectOpt,
    /// Rewrite the files in place instead of writing to stdout.
    #[arg(long, short = 'i')]
    in_place: bool,
    /// Files to format; stdin when none is given or for `-`.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Why formatting one input stopped.
enum FmtError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output (or the diagnostics) failed.
    Write(io::Error),
}

/// What formatting one input found.
#[derive(Default)]
struct Formatted {
    invalid: u64,
    /// Whether the output differs from the input.
    changed: bool,
}

/// Formats `input` into `out` a line at a time (memory bounded by the line
/// limit: a longer line is invalid and copied through as it streams), with a
/// diagnostic on `diagnostics` for each invalid line.
fn format_input(
    input: &mut Input,
    config: &Config,
    out: &mut dyn Write,
    diagnostics: &mut dyn Write,
    painter: Painter,
) -> Result<Formatted, FmtError> {
    let mut reader = LineReader::new(config.max_line_len() + 1);
    let mut found = Formatted::default();
    let mut canonical = Vec::new();
    loop {
        let mut write_error = None;
        let next = reader.next(&mut *input.reader, &mut |bytes| {
            out.write_all(bytes).map_err(|e| {
                let kind = e.kind();
                write_error = Some(e);
                io::Error::from(kind)
            })
        });
        let line = match (next, write_error) {
            (Ok(Some(line)), _) => line,
            (Ok(None), _) => break,
            (Err(_), Some(e)) => return Err(FmtError::Write(e)),
            (Err(e), None) => return Err(FmtError::Read(e)),
        };
        let result = common::parse_stream_message(&line, config);
        match &result {
            None => out.write_all(line.bytes).map_err(FmtError::Write)?,
            Some(Ok(parsed)) => {
                canonical.clear();
                match parsed.message.encode(config, &mut canonical) {
                    Ok(()) => {
                        found.changed |= canonical != line.bytes;
                        out.write_all(&canonical).map_err(FmtError::Write)?;
                    }
                    Err(e) => {
                        // Valid, but the encoder does not write it: its canonical
                        // form is longer than the line limit (`|@1e-300` written
                        // out), or it holds what the reader accepts with a warning
                        // and the encoder refuses (a dogstatsd rate outside (0, 1]).
                        // Kept as it is, and said (`send` sends it as received).
                        out.write_all(line.bytes).map_err(FmtError::Write)?;
                        let why = if e.kind() == EncodeErrorKind::LineTooLong {
                            format!(
                                "its canonical form is longer than the line limit ({} bytes)",
                                config.max_line_len()
                            )
                        } else {
                            e.kind().message().to_string()
                        };
                        writeln!(
                            diagnostics,
                            "{}:{}: warning: valid, but {why}; kept as it is",
                            input.name,
                            line.index + 1,
                        )
                        .map_err(FmtError::Write)?;
                    }
                }
            }
            Some(Err(e)) => {
                found.invalid += 1;
                if !line.spilled {
                    out.write_all(line.bytes).map_err(FmtError::Write)?;
                }
                Diagnostic::line_error(
                    &input.name,
                    line.index + 1,
                    line.bytes,
                    line.offset,
                    e,
                    line.offset,
                )
                .write_human(&mut *diagnostics, painter)
                .map_err(FmtError::Write)?;
            }
        }
        if line.newline {
            out.write_all(b"\n").map_err(FmtError::Write)?;
        }
    }
    Ok(found)
}

/// Formats the file `path` in place: into a temporary file next to the real
/// file (symbolic links followed), which replaces it only when something
/// changed ([`write_in_place`]).
fn format_in_place(
    input: &mut Input,
    path: &Path,
    config: &Config,
    diagnostics: &mut dyn Write,
    painter: Painter,
) -> Result<u64, FmtError> {
    let real = std::fs::canonicalize(path).map_err(FmtError::Write)?;
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(FmtError::Write)?;
    let found = {
        let mut out = io::BufWriter::new(tmp.as_file_mut());
        let found = format_input(input, config, &mut out, diagnostics, painter)?;
        out.flush().map_err(FmtError::Write)?;
        found
    };
    if found.changed {
        write_in_place(&real, tmp).map_err(FmtError::Write)?;
    }
    Ok(found.invalid)
}

/// Replaces the contents of the file `path` names, keeping its identity.
///
/// * A symbolic link is followed: the real file is rewritten, the link stays a link.
/// * Normally the new contents go to a temporary file in the real file's
///   directory, given the file's mode and owner, then renamed over it: readers
///   see the old contents or the new ones, never a mix.
/// * A file with several hard links, or one whose owner cannot be given to the
///   temporary file (not running as root), would lose its links or its owner
///   in a rename: it is rewritten in place instead (same inode, owner and mode;
///   the contents are complete in memory before the file is touched, but a
///   crash during the write can leave it half written).
fn write_in_place(real: &Path, tmp: tempfile::NamedTempFile) -> io::Result<()> {
    let metadata = std::fs::metadata(real)?;
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return rewrite_same_file(real, tmp);
        }
    }
    let permissions = metadata.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mine = tmp.as_file().metadata()?;
        if (mine.uid(), mine.gid()) != (metadata.uid(), metadata.gid())
            && std::os::unix::fs::chown(tmp.path(), Some(metadata.uid()), Some(metadata.gid()))
                .is_err()
        {
            return rewrite_same_file(real, tmp);
        }
    }
    // After chown, which clears set-user-ID bits.
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(real).map_err(|e| e.error)?;
    // Make the rename durable (best effort: not every file system allows it).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Rewrites `path` in place with the contents of `tmp`: the same inode, so
/// its links, owner and mode stay.
fn rewrite_same_file(path: &Path, tmp: tempfile::NamedTempFile) -> io::Result<()> {
    let mut contents = tmp.reopen()?;
    contents.rewind()?;
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let len = io::copy(&mut contents, &mut file)?;
    file.set_len(len)?;
    file.sync_all()
}

/// Runs `statsd-wire fmt`.
pub(crate) fn run(args: FmtArgs) -> ExitCode {
    let config = args.dialect.config();
    let names = common::input_names(&args.files);
    if args.in_place && names.iter().any(Option::is_none) {
        eprintln!("statsd-wire fmt: --in-place needs FILE arguments (stdin cannot be rewritten)");
        return ExitCode::from(common::EXIT_ERROR);
    }
    let painter = Painter::for_stream(Stream::Stderr);
    let mut stdout = io::BufWriter::with_capacity(64 << 10, io::stdout().lock());
    let mut stderr = io::stderr().lock();
    let mut outcome = Outcome::default();
    let mut invalid_total = 0;

    for name in names {
        let mut input = match common::open_input(name.as_deref()) {
            Ok(input) => input,
            Err(e) => {
                let _ = writeln!(stderr, "statsd-wire fmt: {e}");
                outcome.error = true;
                continue;
            }
        };
        let done = match (input.path.clone(), args.in_place) {
            (Some(path), true) => format_in_place(&mut input, &path, &config, &mut stderr, painter),
            _ => format_input(&mut input, &config, &mut stdout, &mut stderr, painter)
                .map(|f| f.invalid),
        };
        match done {
            Ok(invalid) => invalid_total += invalid,
            Err(FmtError::Read(e)) => {
                let _ = writeln!(stderr, "statsd-wire fmt: {}: {e}", input.name);
                outcome.error = true;
            }
            Err(FmtError::Write(e)) => {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    let _ = writeln!(stderr, "statsd-wire fmt: {}: {e}", input.name);
                }
                outcome.error = true;
                if !args.in_place {
                    break;
                }
            }
        }
    }
    if let Err(e) = stdout.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(stderr, "statsd-wire fmt: {e}");
        }
        outcome.error = true;
    }
    if invalid_total > 0 {
        let _ = writeln!(
            stderr,
            "statsd-wire fmt: {} left unchanged",
            plural(invalid_total, "invalid line")
        );
    }
    outcome.invalid = invalid_total > 0;
    outcome.exit_code()
}
