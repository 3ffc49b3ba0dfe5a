//! Parsing: [`parse_line`] for one line, [`parse_datagram`] for a datagram of
//! `\n`-separated lines.

mod line;
pub(crate) mod number;

use core::iter::FusedIterator;

use crate::config::Config;
use crate::error::{ParseError, Span};
use crate::metric::Metric;

/// Parses one line, given without its line terminator. Spans count from the
/// start of `line`; the error's line index is 0.
///
/// ```
/// use statsd_wire::{parse_line, Config, ErrorKind, MetricType};
/// let m = parse_line(b"page.views", &Config::spec()).unwrap(); // the meter shorthand
/// assert_eq!((m.kind, m.to_string().as_str()), (MetricType::Meter, "page.views:1|m"));
///
/// let err = parse_line(b"gauge:-5|g", &Config::spec()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::ValueOutOfRange);
/// let delta = parse_line(b"gauge:-5|g", &Config::etsy()).unwrap();
/// assert!(delta.delta);
/// ```
pub fn parse_line<'a>(line: &'a [u8], config: &Config) -> Result<Metric<'a>, ParseError> {
    line::parse_line_at(line, utf8_prefix(line), 0, 0, config)
}

/// The longest prefix of `bytes` that is UTF-8, as text.
fn utf8_prefix(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// Parses a datagram: lines separated by `\n`, where a final `\n` makes no empty
/// line and empty lines are skipped (as is a line that is only the tolerated `\r`
/// in the etsy dialect). Yields one `Result` per remaining line, so one bad line
/// never loses the good lines around it. Spans count from the start of the
/// datagram.
///
/// ```
/// use statsd_wire::{parse_datagram, Config};
/// let results: Vec<_> = parse_datagram(b"a:1|c\n\nbad\nb:2.5|ms\n", &Config::etsy()).collect();
/// assert_eq!(results.len(), 3);
/// assert_eq!(results[0].unwrap().to_string(), "a:1|c");
/// assert_eq!(results[1].unwrap_err().line(), 2);
/// assert_eq!(results[2].unwrap().to_string(), "b:2.5|ms");
/// ```
pub fn parse_datagram<'a>(datagram: &'a [u8], config: &Config) -> Lines<'a> {
    // UTF-8 is validated once for the whole datagram; names are cut from it.
    Lines {
        input: datagram,
        text: utf8_prefix(datagram),
        text_start: 0,
        pos: 0,
        index: 0,
        config: *config,
    }
}

/// One non-empty line of a datagram, as cut by [`Lines::with_raw`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawLine<'a> {
    /// The line's bytes, without its `\n` (a tolerated `\r` is included).
    pub bytes: &'a [u8],
    /// Where the line lies in the datagram.
    pub span: Span,
    /// The line's index (from 0, empty lines counted).
    pub index: usize,
}

/// The iterator returned by [`parse_datagram`].
#[derive(Clone, Debug)]
pub struct Lines<'a> {
    input: &'a [u8],
    /// The longest stretch of `input` from `text_start` that is UTF-8.
    text: &'a str,
    /// Where `text` starts in `input`.
    text_start: usize,
    pos: usize,
    index: usize,
    config: Config,
}

impl<'a> Lines<'a> {
    /// The same iteration, also yielding each line's raw bytes and position (to
    /// pass valid lines on verbatim, or to show an invalid one).
    pub fn with_raw(self) -> WithRaw<'a> {
        WithRaw { lines: self }
    }

    fn next_line(&mut self) -> Option<RawLine<'a>> {
        while self.pos < self.input.len() {
            let rest = &self.input[self.pos..];
            let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            let line = RawLine {
                bytes: &rest[..len],
                span: Span::new(self.pos, self.pos + len),
                index: self.index,
            };
            self.pos += (len + 1).min(rest.len());
            self.index += 1;
            let empty = line.bytes.is_empty()
                || (self.config.dialect().strips_trailing_cr() && line.bytes == b"\r");
            if !empty {
                return Some(line);
            }
        }
        None
    }

    fn parse(&mut self, line: &RawLine<'a>) -> Result<Metric<'a>, ParseError> {
        let (start, end) = (line.span.start, line.span.end);
        if start > self.text_start + self.text.len() {
            // An invalid byte ended the validated text before this line: validate
            // again from here, up to the next invalid byte (each byte is validated
            // at most twice over the whole datagram).
            self.text = utf8_prefix(&self.input[start..]);
            self.text_start = start;
        }
        let text_end = self.text_start + self.text.len();
        let text = self
            .text
            .get(start - self.text_start..end.min(text_end) - self.text_start)
            .unwrap_or_default();
        line::parse_line_at(line.bytes, text, start, line.index, &self.config)
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Result<Metric<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.next_line()?;
        Some(self.parse(&line))
    }
}

impl FusedIterator for Lines<'_> {}

/// The iterator returned by [`Lines::with_raw`].
#[derive(Clone, Debug)]
pub struct WithRaw<'a> {
    lines: Lines<'a>,
}

impl<'a> Iterator for WithRaw<'a> {
    type Item = (RawLine<'a>, Result<Metric<'a>, ParseError>);

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next_line()?;
        let result = self.lines.parse(&line);
        Some((line, result))
    }
}

impl FusedIterator for WithRaw<'_> {}
