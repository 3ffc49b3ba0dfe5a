//! Showing a fault to a person: the line with control characters, Unicode
//! direction overrides and invalid bytes escaped (so the terminal is safe and
//! the caret lines up), cut around the fault when it is long, and a caret
//! under the fault.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::{ParseError, Span};
use crate::warning::Warning;

/// Whether a character is escaped when shown: control characters (C0, DEL,
/// C1) and the Unicode bidirectional controls, which can make a terminal show
/// text in another order than it is.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character [`needs_escape`] names escaped (`\t`, `\r`,
/// `\n`, `\u{..}`) and invalid UTF-8 bytes as `\xNN`: safe to print on a
/// terminal.
///
/// ```
/// assert_eq!(statsd_wire::escape_for_display(b"a\tb\xff\xe2\x80\xaec"), "a\\tb\\xff\\u{202e}c");
/// ```
pub fn escape_for_display(text: &[u8]) -> String {
    display_cells(text).0.concat()
}

/// One line shown with a caret under a fault, from [`Excerpt::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The line as shown (escaped, and cut with `…` when wider than asked).
    pub text: String,
    /// Where the caret starts, in display columns from 0.
    pub caret_column: usize,
    /// How many columns the caret covers (at least 1).
    pub caret_width: usize,
}

impl Excerpt {
    /// The widest excerpt [`Excerpt::new`] shows by default, in display characters.
    pub const DEFAULT_WIDTH: usize = 100;

    /// `line` shown with a caret under its bytes `start..end` (offsets in the
    /// line; an empty range gets a one-column caret, after the line's end when
    /// the range is there); a line wider than `max_width` characters is cut
    /// around the fault.
    ///
    /// ```
    /// use statsd_wire::Excerpt;
    /// let e = Excerpt::new(b"bad:1.|c", 4, 6, Excerpt::DEFAULT_WIDTH);
    /// assert_eq!(e.to_string(), "bad:1.|c\n    ^^");
    /// ```
    pub fn new(line: &[u8], start: usize, end: usize, max_width: usize) -> Excerpt {
        let (cells, cell_of) = display_cells(line);
        let first = cell_of.get(start).copied().unwrap_or(cells.len());
        let last = cell_of.get(end).copied().unwrap_or(cells.len()).max(first);
        let width = |range: &[String]| range.iter().map(|c| c.chars().count()).sum::<usize>();
        let total = width(&cells);
        let (from, to) = if total <= max_width {
            (0, cells.len())
        } else {
            let from = first.saturating_sub(max_width / 5);
            let mut to = from;
            let mut w = 0;
            while to < cells.len() && w + cells[to].chars().count() <= max_width {
                w += cells[to].chars().count();
                to += 1;
            }
            (from, to)
        };
        let mut text = String::new();
        let mut caret_column = 0;
        if from > 0 {
            text.push('…');
            caret_column += 1;
        }
        text.extend(cells[from..to].iter().map(String::as_str));
        if to < cells.len() {
            text.push('…');
        }
        caret_column += width(&cells[from..first.clamp(from, to)]);
        let caret_width = width(&cells[first.clamp(from, to)..last.clamp(from, to)]).max(1);
        Excerpt {
            text,
            caret_column,
            caret_width,
        }
    }

    /// The caret line: spaces, then `^` under the fault.
    pub fn caret(&self) -> String {
        let mut s = " ".repeat(self.caret_column);
        s.push_str(&"^".repeat(self.caret_width));
        s
    }
}

impl core::fmt::Display for Excerpt {
    /// The line, a newline, and the caret line.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}\n{}", self.text, self.caret())
    }
}

/// The line of `input` that starts at `line_start`, and `span` in it.
fn line_at(input: &[u8], line_start: usize, span: Span) -> (&[u8], usize, usize) {
    let rest = input.get(line_start..).unwrap_or_default();
    let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let start = span.start.saturating_sub(line_start);
    (
        &rest[..len],
        start,
        span.end.saturating_sub(line_start).max(start),
    )
}

impl ParseError {
    /// The error as a person reads it: the message (`line 2, column 5: ...`),
    /// then the line of `input` (the input given to the parser) with a caret
    /// under the fault.
    ///
    /// ```
    /// use statsd_wire::{parse_datagram, Config};
    /// let input = b"ok:1|c\nbad:1.|c\n";
    /// let err = parse_datagram(input, &Config::spec()).find_map(Result::err).unwrap();
    /// assert!(err.render(input).ends_with("\nbad:1.|c\n    ^^"));
    /// ```
    pub fn render(&self, input: &[u8]) -> String {
        let (line, start, end) = line_at(input, self.line_start(), self.span());
        format!(
            "{self}\n{}",
            Excerpt::new(line, start, end, Excerpt::DEFAULT_WIDTH)
        )
    }
}

impl Warning {
    /// The warning as a person reads it, with the line of `input` and a caret,
    /// as [`ParseError::render`].
    pub fn render(&self, input: &[u8]) -> String {
        let line_start = self.span().start + 1 - self.column();
        let (line, start, end) = line_at(input, line_start, self.span());
        format!(
            "{self}\n{}",
            Excerpt::new(line, start, end, Excerpt::DEFAULT_WIDTH)
        )
    }
}

/// Each character's display text, and for each byte offset (and one past the
/// end) the index of its cell.
fn display_cells(line: &[u8]) -> (Vec<String>, Vec<usize>) {
    let mut cells = Vec::new();
    let mut cell_of = Vec::with_capacity(line.len() + 1);
    for chunk in line.utf8_chunks() {
        for c in chunk.valid().chars() {
            let text = match c {
                '\t' => "\\t".to_string(),
                '\r' => "\\r".to_string(),
                '\n' => "\\n".to_string(),
                c if needs_escape(c) => c.escape_unicode().to_string(),
                c => c.to_string(),
            };
            cell_of.extend(core::iter::repeat_n(cells.len(), c.len_utf8()));
            cells.push(text);
        }
        for b in chunk.invalid() {
            cell_of.push(cells.len());
            cells.push(format!("\\x{b:02x}"));
        }
    }
    cell_of.push(cells.len());
    (cells, cell_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_follows_escapes_and_long_lines_are_cut() {
        let e = Excerpt::new(b"a\x00b:1|c", 1, 2, 100);
        assert_eq!(e.to_string(), "a\\u{0}b:1|c\n ^^^^^");
        let e = Excerpt::new(b"name", 4, 4, 100);
        assert_eq!(e.caret(), "    ^");
        let long = [b'x'; 300];
        let e = Excerpt::new(&long, 150, 151, 100);
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert_eq!(e.text.chars().count(), 102);
        assert_eq!(e.caret_column, 21);
    }
}
