//! What the subcommands share: the `--dialect` option, exit codes, reading
//! FILE arguments (or stdin), and when to colour output.

use std::io::{self, IsTerminal, Read};
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
}

/// `--dialect spec|etsy`.
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

/// One input: a file's whole contents (a file is read as one datagram of
/// lines), or stdin's.
pub(crate) struct Input {
    /// The name diagnostics show: the path as given, or `<stdin>`.
    pub(crate) name: String,
    /// The file, or `None` for stdin.
    pub(crate) path: Option<PathBuf>,
    /// The bytes.
    pub(crate) data: Vec<u8>,
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

/// Reads one input (`None`: stdin).
pub(crate) fn read_input(path: Option<&Path>) -> Result<Input, String> {
    match path {
        None => {
            let mut data = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut data)
                .map_err(|e| format!("<stdin>: {e}"))?;
            Ok(Input {
                name: "<stdin>".to_string(),
                path: None,
                data,
            })
        }
        Some(p) => {
            let data = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok(Input {
                name: p.display().to_string(),
                path: Some(p.to_path_buf()),
                data,
            })
        }
    }
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

/// Whether `c` must not reach a terminal raw: control characters (C0, DEL,
/// C1) and the Unicode bidirectional formatting characters, which reorder
/// what follows them on screen (a name could make a line read differently).
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}
