//! Located diagnostics, shared by `check`, `fmt`, `send` and `listen`:
//!
//! ```text
//! metrics.txt:2:5: error[invalid_value]: invalid value
//!   2 | bad:x|c
//!     |     ^
//!     = hint: write a decimal number such as 42, ...
//! ```
//!
//! or one JSON object per diagnostic. Every location comes from the core's
//! spans; nothing here knows the grammar.

use std::io::{self, Write};

use serde::Serialize;
use statsd_wire::{ParseError, RawLine, Warning};

use crate::common::Painter;

/// Error or warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Error,
    Warning,
}

/// The class of the non-portable-integer warning.
/// One diagnostic about one line.
#[derive(Clone, Debug)]
pub(crate) struct Diagnostic<'a> {
    /// The file (or `<stdin>`, a peer address, ...).
    pub(crate) source: &'a str,
    /// The line number, from 1.
    pub(crate) line_no: usize,
    /// The line's bytes, without its `\n`.
    pub(crate) line: &'a [u8],
    /// The byte offset of the line in its source.
    pub(crate) line_offset: usize,
    /// The fault, as byte offsets within the line.
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) severity: Severity,
    pub(crate) class: &'static str,
    pub(crate) message: &'static str,
    pub(crate) hint: &'static str,
}

impl<'a> Diagnostic<'a> {
    /// An error on a line cut by the core (`parse_datagram(..).with_raw()`):
    /// the error's span counts from the start of the datagram.
    pub(crate) fn parse_error(source: &'a str, raw: &RawLine<'a>, err: &ParseError) -> Self {
        let base = raw.span.start;
        Self::line_error(source, raw.index + 1, raw.bytes, base, err, base)
    }

    /// An error whose span counts from `span_base` in a source where the line
    /// starts at `line_offset`.
    pub(crate) fn line_error(
        source: &'a str,
        line_no: usize,
        line: &'a [u8],
        line_offset: usize,
        err: &ParseError,
        span_base: usize,
    ) -> Self {
        let clamp = |at: usize| at.saturating_sub(span_base).min(line.len());
        let kind = err.kind();
        Diagnostic {
            source,
            line_no,
            line,
            line_offset,
            start: clamp(err.span().start),
            end: clamp(err.span().end),
            severity: Severity::Error,
            class: kind.code(),
            message: kind.message(),
            hint: kind.hint(),
        }
    }

    /// A warning of the core about an accepted line (its span counts from the
    /// start of the source, where the line starts at `line_offset`).
    pub(crate) fn warning(
        source: &'a str,
        line_no: usize,
        line: &'a [u8],
        line_offset: usize,
        warning: &Warning,
    ) -> Self {
        let clamp = |at: usize| at.saturating_sub(line_offset).min(line.len());
        let kind = warning.kind();
        Diagnostic {
            source,
            line_no,
            line,
            line_offset,
            start: clamp(warning.span().start),
            end: clamp(warning.span().end),
            severity: Severity::Warning,
            class: kind.code(),
            message: kind.message(),
            hint: kind.hint(),
        }
    }

    /// The 1-based column of the fault: characters before it, plus one (an
    /// invalid UTF-8 byte counts as one character).
    pub(crate) fn column(&self) -> usize {
        let before = &self.line[..self.start.min(self.line.len())];
        before
            .utf8_chunks()
            .map(|c| c.valid().chars().count() + c.invalid().len())
            .sum::<usize>()
            + 1
    }

    /// Writes the diagnostic for people: the location line, the line itself
    /// (control characters and invalid bytes escaped), a caret under the
    /// fault, and the hint.
    pub(crate) fn write_human(
        &self,
        out: &mut (impl Write + ?Sized),
        painter: Painter,
    ) -> io::Result<()> {
        let severity = match self.severity {
            Severity::Error => painter.error(&format!("error[{}]", self.class)),
            Severity::Warning => painter.warning(&format!("warning[{}]", self.class)),
        };
        writeln!(
            out,
            "{}: {severity}: {}",
            painter.bold(&format!(
                "{}:{}:{}",
                self.source,
                self.line_no,
                self.column()
            )),
            painter.bold(self.message),
        )?;
        let number = self.line_no.to_string();
        let pad = " ".repeat(number.len());
        let (shown, caret_at, caret_len) = excerpt(self.line, self.start, self.end);
        let caret = " ".repeat(caret_at) + &"^".repeat(caret_len);
        let caret = match self.severity {
            Severity::Error => painter.error(&caret),
            Severity::Warning => painter.warning(&caret),
        };
        writeln!(out, "{} {shown}", painter.gutter(&format!("{number} |")))?;
        writeln!(out, "{} {caret}", painter.gutter(&format!("{pad} |")))?;
        writeln!(
            out,
            "{} hint: {}",
            painter.gutter(&format!("{pad} =")),
            self.hint
        )
    }

    /// The JSON form: file, line, column, severity, class, message, hint and
    /// the byte offset of the fault in the file.
    pub(crate) fn to_json(&self) -> JsonDiagnostic<'_> {
        JsonDiagnostic {
            file: self.source,
            line: self.line_no,
            column: self.column(),
            offset: self.line_offset + self.start,
            severity: self.severity,
            class: self.class,
            message: self.message,
            hint: self.hint,
        }
    }

    /// Writes the JSON form as one line.
    pub(crate) fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, &self.to_json())?;
        out.write_all(b"\n")
    }
}

/// The JSON form of a [`Diagnostic`].
#[derive(Debug, Serialize)]
pub(crate) struct JsonDiagnostic<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    offset: usize,
    severity: Severity,
    class: &'a str,
    message: &'a str,
    hint: &'a str,
}

/// The widest excerpt of a line shown, in display characters.
const MAX_SHOWN: usize = 100;

/// The text shown for `line` and the caret's column and width (at least 1) for
/// the bytes `start..end`, by the core's renderer ([`statsd_wire::Excerpt`]):
/// control characters, bidi controls and invalid bytes escaped, a line wider
/// than [`MAX_SHOWN`] cut around the fault.
fn excerpt(line: &[u8], start: usize, end: usize) -> (String, usize, usize) {
    let e = statsd_wire::Excerpt::new(line, start, end, MAX_SHOWN);
    (e.text, e.caret_column, e.caret_width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use statsd_wire::{Config, parse_datagram};

    fn render(input: &[u8], config: &Config) -> String {
        let mut out = Vec::new();
        for (raw, result) in parse_datagram(input, config).with_raw() {
            if let Err(e) = result {
                Diagnostic::parse_error("f", &raw, &e)
                    .write_human(&mut out, Painter::plain())
                    .unwrap();
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_caret_spans_the_fault() {
        let text = render(b"ok:1|c\nbad:1|xyz\n", &Config::spec());
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], "f:2:7: error[unknown_type]: unknown metric type");
        assert_eq!(lines[1], "2 | bad:1|xyz");
        assert_eq!(lines[2], "  |       ^^^");
        assert!(lines[3].starts_with("  = hint: types are case-sensitive"));
    }

    #[test]
    fn control_bytes_and_bad_utf8_are_escaped_and_the_caret_follows() {
        let text = render(b"a\tb:1|c\n\xffname:1|c\n", &Config::spec());
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(
            lines[0],
            "f:1:2: error[control_character]: control character in the line"
        );
        assert_eq!(lines[1], "1 | a\\tb:1|c");
        assert_eq!(lines[2], "  |  ^^");
        assert_eq!(lines[4], "f:2:1: error[invalid_utf8]: invalid UTF-8");
        assert_eq!(lines[5], "2 | \\xffname:1|c");
        assert_eq!(lines[6], "  | ^^^^");
    }

    #[test]
    fn columns_count_characters() {
        let text = render("café:x|c\n".as_bytes(), &Config::spec());
        assert!(text.starts_with("f:1:6: error[invalid_value]"), "{text}");
        assert!(text.contains("1 | café:x|c\n  |      ^\n"), "{text}");
    }

    #[test]
    fn a_missing_token_at_the_end_gets_one_caret_after_the_line() {
        let text = render(b"name:1\n", &Config::spec());
        assert!(text.contains("1 | name:1\n  |       ^\n"), "{text}");
    }

    #[test]
    fn long_lines_are_cut_around_the_fault() {
        let mut line = vec![b'n'; 300];
        line.extend_from_slice(b":1|q");
        let (shown, at, len) = excerpt(&line, 303, 304);
        assert!(
            shown.starts_with('…') && shown.ends_with("n:1|q"),
            "{shown}"
        );
        assert_eq!(shown.chars().nth(at), Some('q'));
        assert_eq!(len, 1);
        let (shown, at, len) = excerpt(&line, 0, line.len());
        assert!(shown.ends_with('…') && !shown.starts_with('…'));
        assert_eq!((at, len), (0, MAX_SHOWN));
    }
}
