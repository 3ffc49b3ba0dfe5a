//! `statsd-wire fmt`: rewrite valid lines in canonical form; leave invalid lines
//! exactly as they are, and say so.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use statsd_wire::{Config, parse_datagram};

use crate::common::{self, DialectOpt, Input, Outcome, Painter, Stream, plural};
use crate::diag::Diagnostic;

/// Arguments of `statsd-wire fmt`.
#[derive(Debug, Args)]
#[command(after_help = "\
Valid lines are rewritten in the canonical form (the form the encoder writes:
`a:+1|c` becomes `a:1|c`, `t:1.50|ms` becomes `t:1.5|ms`, a bare `name` becomes
`name:1|m`, a tolerated `\\r` before `\\n` is dropped). Invalid lines are copied
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

/// The formatted text of `input`, with a diagnostic written to `diagnostics`
/// for each invalid line; returns the text and the number of invalid lines.
fn format_input(
    input: &Input,
    config: &Config,
    diagnostics: &mut impl Write,
    painter: Painter,
) -> io::Result<(Vec<u8>, u64)> {
    let data = &input.data;
    let mut out = Vec::with_capacity(data.len());
    let mut invalid = 0;
    let mut copied = 0;
    for (raw, result) in parse_datagram(data, config).with_raw() {
        out.extend_from_slice(&data[copied..raw.span.start]);
        copied = raw.span.end;
        match result {
            Ok(metric) => {
                if metric.encode(config, &mut out).is_err() {
                    // Every parsed metric encodes; should one not, keep the line as it was.
                    out.extend_from_slice(raw.bytes);
                }
            }
            Err(e) => {
                invalid += 1;
                out.extend_from_slice(raw.bytes);
                Diagnostic::parse_error(&input.name, &raw, &e).write_human(diagnostics, painter)?;
            }
        }
    }
    out.extend_from_slice(&data[copied..]);
    Ok((out, invalid))
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
fn write_in_place(path: &Path, contents: &[u8]) -> io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&real)?;
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return rewrite_same_file(&real, contents);
        }
    }
    let permissions = metadata.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mine = tmp.as_file().metadata()?;
        if (mine.uid(), mine.gid()) != (metadata.uid(), metadata.gid())
            && std::os::unix::fs::chown(tmp.path(), Some(metadata.uid()), Some(metadata.gid()))
                .is_err()
        {
            drop(tmp);
            return rewrite_same_file(&real, contents);
        }
    }
    // After chown, which clears set-user-ID bits.
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&real).map_err(|e| e.error)?;
    // Make the rename durable (best effort: not every file system allows it).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Rewrites `path` in place: the same inode, so its links, owner and mode stay.
fn rewrite_same_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(contents)?;
    file.set_len(contents.len() as u64)?;
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
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    let mut outcome = Outcome::default();
    let mut invalid_total = 0;

    for name in names {
        let input = match common::read_input(name.as_deref()) {
            Ok(input) => input,
            Err(e) => {
                let _ = writeln!(stderr, "statsd-wire fmt: {e}");
                outcome.error = true;
                continue;
            }
        };
        let (formatted, invalid) = match format_input(&input, &config, &mut stderr, painter) {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(stderr, "statsd-wire fmt: cannot write diagnostics: {e}");
                return ExitCode::from(common::EXIT_ERROR);
            }
        };
        invalid_total += invalid;
        let written = match (&input.path, args.in_place) {
            (Some(path), true) if formatted != input.data => write_in_place(path, &formatted),
            (_, true) => Ok(()),
            (_, false) => stdout.write_all(&formatted),
        };
        if let Err(e) = written {
            if e.kind() != io::ErrorKind::BrokenPipe {
                let _ = writeln!(stderr, "statsd-wire fmt: {}: {e}", input.name);
            }
            outcome.error = true;
            if !args.in_place {
                break;
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
