//! Parsing: [`parse_line`] and [`parse_datagram`] for metrics,
//! [`parse_message`] and [`parse_messages`] for every kind of line (DogStatsD
//! events and service checks too), each with its [`Warnings`].

mod event;
mod fast;
pub(crate) mod fields;
mod line;
pub(crate) mod number;
mod service_check;

use core::iter::FusedIterator;

use crate::config::{Config, Rules};
use crate::error::{ErrorKind, ParseError, Span};
use crate::message::Message;
use crate::metric::Metric;
use crate::warning::{Warning, WarningKind, Warnings};

/// A fault at `start..end`, relative to the line.
pub(crate) type Fault = (ErrorKind, usize, usize);

/// The warnings found in one line, with spans relative to the line.
#[derive(Default)]
pub(crate) struct Found {
    warnings: Warnings,
}

impl Found {
    pub(crate) fn warn(&mut self, kind: WarningKind, start: usize, end: usize) {
        self.warnings
            .push(Warning::new(kind, Span::new(start, end), 0, 0));
    }

    /// The warnings, placed at line `index` starting at byte `base`.
    fn located(&self, base: usize, index: usize) -> Warnings {
        let mut out = Warnings::new();
        for w in &self.warnings {
            out.push(Warning::new(w.kind(), w.span().shift(base), index, base));
        }
        out.add_dropped(self.warnings.dropped());
        out
    }
}

/// The text of `bytes[start..end]`: cut from `text` (the line's bytes already
/// known to be UTF-8, possibly only a prefix of them) when it covers the range,
/// else validated here, with the offset of the first invalid byte.
#[inline]
pub(crate) fn str_at<'a>(
    bytes: &'a [u8],
    text: &'a str,
    start: usize,
    end: usize,
) -> Result<&'a str, Fault> {
    if let Some(s) = text.get(start..end) {
        return Ok(s);
    }
    let token = &bytes[start..end];
    core::str::from_utf8(token).map_err(|e| {
        let at = e.valid_up_to();
        let len = e.error_len().unwrap_or(token.len() - at);
        (ErrorKind::InvalidUtf8, start + at, start + at + len)
    })
}

/// A fault at `start..end` of the line at byte `base` of the input, line `index`.
#[inline]
fn located_error((kind, start, end): Fault, base: usize, index: usize) -> ParseError {
    ParseError::new(kind, Span::new(start, end).shift(base), index, base)
}

/// The line's body: `line` within the length limit, without its tolerated `\r`.
#[inline]
fn body_of<'a>(line: &'a [u8], config: &Config) -> Result<&'a [u8], Fault> {
    if line.len() > config.max_line_len() {
        return Err((ErrorKind::LineTooLong, 0, line.len()));
    }
    Ok(match line {
        [body @ .., b'\r'] if config.dialect().rules().strips_trailing_cr => body,
        _ => line,
    })
}

/// Precedence: a control character anywhere in `body` is reported before `fault`.
#[inline]
fn control_first(body: &[u8], fault: Fault) -> Fault {
    control_from(body, 0, fault)
}

/// [`control_first`] for a body whose first `from` bytes are known to hold no
/// control character (a metric's name, up to its first `:`, `|` or control
/// character): only the rest is scanned.
#[cold]
fn control_from(body: &[u8], from: usize, fault: Fault) -> Fault {
    match crate::bytes::first_control(&body[from..]) {
        Some(at) => (ErrorKind::ControlCharacter, from + at, from + at + 1),
        None => fault,
    }
}

/// Parses one line of any kind (without its `\n`) at byte `base` of the input, line
/// `index`: `text` is the longest prefix of `line` known to be UTF-8.
#[inline(always)]
fn parse_at<'a>(
    line: &'a [u8],
    text: &'a str,
    base: usize,
    index: usize,
    config: &Config,
    found: &mut Found,
    fast: bool,
) -> Result<Message<'a>, ParseError> {
    let error = |fault: Fault| located_error(fault, base, index);
    let body = body_of(line, config).map_err(error)?;
    let rules = config.dialect().rules();
    let parsed = if rules.dogstatsd_fields && body.starts_with(event::PREFIX) {
        event::parse_event(body, text, found)
            .map(Message::Event)
            .map_err(|fault| control_first(body, fault))
    } else if rules.dogstatsd_fields && body.starts_with(service_check::PREFIX) {
        service_check::parse_service_check(body, text, found)
            .map(Message::ServiceCheck)
            .map_err(|fault| control_first(body, fault))
    } else {
        metric_of_outlined(body, text, rules, found, fast).map(Message::Metric)
    };
    parsed.map_err(error)
}

/// [`parse_at`] for metrics only, without going through a [`Message`]: events
/// and service checks are [`ErrorKind::NotAMetric`].
#[inline(always)]
fn parse_metric_at<'a>(
    line: &'a [u8],
    text: &'a str,
    base: usize,
    index: usize,
    config: &Config,
    found: &mut Found,
    fast: bool,
) -> Result<Metric<'a>, ParseError> {
    let error = |fault: Fault| located_error(fault, base, index);
    let body = body_of(line, config).map_err(error)?;
    let rules = config.dialect().rules();
    if rules.dogstatsd_fields {
        for prefix in [event::PREFIX, service_check::PREFIX] {
            if body.starts_with(prefix) {
                return Err(error((ErrorKind::NotAMetric, 0, prefix.len())));
            }
        }
    }
    metric_of(body, text, rules, found, fast).map_err(error)
}

/// The metric of a line's body: by the fast path when it is sure (`fast`),
/// else by the full grammar. A fault is returned with the precedence of a
/// control character applied (the name holds none, so only the rest of the
/// body is scanned for one).
#[inline(always)]
fn metric_of<'a>(
    body: &'a [u8],
    text: &'a str,
    rules: &Rules,
    found: &mut Found,
    fast: bool,
) -> Result<Metric<'a>, Fault> {
    if fast {
        // The fast path reads up to the first `\n`: it decides only for a
        // body that holds none.
        let sink = &mut WholeBody { len: body.len() };
        match fast::read_metric(body, text, rules, usize::MAX, sink) {
            Ok(metric) => return Ok(metric),
            Err(Some(fault)) => return Err(fault),
            Err(None) => {}
        }
    }
    let name_end = crate::bytes::first_name_stop(body).unwrap_or(body.len());
    line::parse_metric(body, name_end, text, rules, found)
        .map_err(|fault| control_from(body, name_end, fault))
}

/// The fast path's verdict on a whole line body, for [`metric_of`]: `Ok` the
/// metric, `Err(Some(fault))` the fault, `Err(None)` "not sure". The fast path
/// reads up to the first `\n`: it decides only for a body that holds none.
struct WholeBody {
    len: usize,
}

impl<'a> fast::Sink<'a> for WholeBody {
    type Item = Result<Metric<'a>, Option<Fault>>;
    const WARNINGS: bool = true;

    #[inline(always)]
    fn accept(&mut self, metric: Metric<'a>, end: usize) -> Self::Item {
        if end == self.len {
            Ok(metric)
        } else {
            Err(None)
        }
    }

    #[inline(always)]
    fn reject(&mut self, fault: Fault, end: usize) -> Self::Item {
        Err(Some(fault).filter(|_| end == self.len))
    }

    #[inline(always)]
    fn unsure(&mut self) -> Self::Item {
        Err(None)
    }
}

/// [`metric_of`] in a frame of its own, for [`parse_at`] (inlined in the
/// message iterator, which a second inlined copy of the metric parser makes
/// slower).
#[inline(never)]
fn metric_of_outlined<'a>(
    body: &'a [u8],
    text: &'a str,
    rules: &Rules,
    found: &mut Found,
    fast: bool,
) -> Result<Metric<'a>, Fault> {
    metric_of(body, text, rules, found, fast)
}

/// Parses one metric line, given without its line terminator. Spans count from
/// the start of `line`; the error's line index is 0. In the dogstatsd dialect
/// an event or a service check is [`ErrorKind::NotAMetric`]: use
/// [`parse_message`] to read them.
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
    parse_metric_at(
        line,
        utf8_prefix(line),
        0,
        0,
        config,
        &mut Found::default(),
        true,
    )
}

/// Parses one line of any kind (a metric, or in the dogstatsd dialect an event
/// or a service check), given without its line terminator, with its warnings.
///
/// ```
/// use statsd_wire::{parse_message, Config, Message, WarningKind};
/// let parsed = parse_message(b"a:1|c|@2", &Config::dogstatsd()).unwrap();
/// assert!(matches!(parsed.message, Message::Metric(m) if m.sample_rate == Some(2.0)));
/// assert_eq!(parsed.warnings.iter().next().unwrap().kind(), WarningKind::SampleRateOutOfRange);
/// ```
pub fn parse_message<'a>(line: &'a [u8], config: &Config) -> Result<Parsed<'a>, ParseError> {
    let mut found = Found::default();
    let message = parse_at(line, utf8_prefix(line), 0, 0, config, &mut found, true)?;
    Ok(Parsed {
        message,
        warnings: found.located(0, 0),
        line: RawLine {
            bytes: line,
            span: Span::new(0, line.len()),
            index: 0,
        },
    })
}

/// Whether the fast path alone reads `line` (a metric line within the limits).
#[cfg(feature = "fuzzing")]
pub(crate) fn fast_path_accepts(line: &[u8], config: &Config) -> bool {
    // The fast path itself leaves events and service checks to the grammar.
    body_of(line, config).is_ok_and(|body| {
        let rules = config.dialect().rules();
        let sink = &mut WholeBody { len: body.len() };
        fast::read_metric(body, utf8_prefix(body), rules, usize::MAX, sink).is_ok()
    })
}

/// The longest prefix of `bytes` that is UTF-8, as text.
fn utf8_prefix(bytes: &[u8]) -> &str {
    match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => simdutf8::basic::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// Parses a datagram of metrics: lines separated by `\n`, where a final `\n`
/// makes no empty line and empty lines are skipped (as is a line that is only
/// the tolerated `\r` in the etsy and dogstatsd dialects). Yields one `Result`
/// per remaining line, so one bad line never loses the good lines around it.
/// Spans count from the start of the datagram. For DogStatsD events and
/// service checks, and for warnings, use [`parse_messages`].
///
/// ```
/// use statsd_wire::{parse_datagram, Config};
/// let results: Vec<_> = parse_datagram(b"a:1|c\n\nbad\nb:2.5|ms\n", &Config::etsy()).collect();
/// assert_eq!(results.len(), 3);
/// assert_eq!(results[0].unwrap().to_string(), "a:1|c");
/// assert_eq!(results[1].unwrap_err().line_number(), 3);
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
        fast: true,
        tried: None,
    }
}

/// Parses a datagram of messages (metrics, and in the dogstatsd dialect events
/// and service checks), framed as [`parse_datagram`] frames it: one `Result` per
/// non-empty line, in order, each accepted line with its [`Warnings`] and its
/// raw bytes. Nothing is allocated.
///
/// ```
/// use statsd_wire::{parse_messages, Config, Message};
/// let datagram = b"page.views:1|c|#env:prod\n_e{5,4}:Title|Text\n_sc|db.up|0\nbad\n";
/// let kinds: Vec<_> = parse_messages(datagram, &Config::dogstatsd())
///     .map(|r| r.map(|p| p.message.kind().name()).map_err(|e| e.kind().code()))
///     .collect();
/// assert_eq!(kinds, [Ok("metric"), Ok("event"), Ok("service_check"), Err("missing_value")]);
/// ```
pub fn parse_messages<'a>(datagram: &'a [u8], config: &Config) -> Messages<'a> {
    Messages {
        lines: parse_datagram(datagram, config),
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

impl RawLine<'_> {
    /// The line number, from 1.
    pub const fn number(&self) -> usize {
        self.index + 1
    }
}

/// An accepted line: its message, its warnings and where it was.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Parsed<'a> {
    /// What the line holds.
    pub message: Message<'a>,
    /// What the line holds that is accepted but odd.
    pub warnings: Warnings,
    /// The line's bytes and position.
    pub line: RawLine<'a>,
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
    /// Whether common lines take the fast path (`false`: the full grammar
    /// only, for the equivalence check of `fuzzing::fast_path`).
    fast: bool,
    /// Where [`Self::fast_input`] last set the fast path on a line: when the
    /// fast path was not sure of it, that line goes straight to the full
    /// grammar.
    tried: Option<usize>,
}

impl<'a> Lines<'a> {
    /// The same iteration, also yielding each line's raw bytes and position (to
    /// pass valid lines on verbatim, or to show an invalid one).
    pub fn with_raw(self) -> WithRaw<'a> {
        WithRaw { lines: self }
    }

    /// The same iteration through the full grammar only (no fast path): what
    /// the fast path is checked against.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn grammar_only(mut self) -> Self {
        self.fast = false;
        self
    }

    fn next_line(&mut self) -> Option<RawLine<'a>> {
        let strips_cr = self.config.dialect().strips_trailing_cr();
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
            let empty = line.bytes.is_empty() || (strips_cr && line.bytes == b"\r");
            if !empty {
                return Some(line);
            }
        }
        None
    }

    /// The validated text from byte `start` of the input (up to the next
    /// invalid byte, possibly past the line at `start`).
    #[inline]
    fn text_at(&mut self, start: usize) -> &'a str {
        if start > self.text_start + self.text.len() {
            // An invalid byte ended the validated text before this line: validate
            // again from here, up to the next invalid byte (each byte is validated
            // at most twice over the whole datagram).
            self.text = utf8_prefix(&self.input[start..]);
            self.text_start = start;
        }
        self.text.get(start - self.text_start..).unwrap_or_default()
    }

    /// Where the fast path reads the next line ([`fast::read_metric`], which
    /// finds the line's end itself): the input from the line's start and the
    /// validated text from there. `None` at the end, or when the fast path is
    /// off. Empty lines before it are skipped here; a line the fast path is
    /// not sure about goes to [`Self::next_line`] and the full grammar, which
    /// then skip the fast path for it.
    #[inline(always)]
    fn fast_input(&mut self) -> Option<(&'a [u8], &'a str)> {
        if !self.fast {
            return None;
        }
        while self.input.get(self.pos) == Some(&b'\n') {
            self.pos += 1;
            self.index += 1;
        }
        let input = self.input.get(self.pos..).filter(|i| !i.is_empty())?;
        self.tried = Some(self.pos);
        Some((input, self.text_at(self.pos)))
    }

    /// Steps over a line of `len` bytes read by the fast path, and its `\n`.
    #[inline(always)]
    fn advance(&mut self, len: usize) {
        self.pos = (self.pos + len + 1).min(self.input.len());
        self.index += 1;
    }

    /// The validated text of `line` (a prefix of it when an invalid byte is in it).
    #[inline]
    fn text_of(&mut self, line: &RawLine<'a>) -> &'a str {
        let text = self.text_at(line.span.start);
        // A line ends at a `\n` or at the input's end: a character boundary.
        text.get(..line.bytes.len().min(text.len()))
            .unwrap_or_default()
    }

    #[inline(always)]
    fn parse(&mut self, line: &RawLine<'a>, found: &mut Found) -> Result<Message<'a>, ParseError> {
        let text = self.text_of(line);
        parse_at(
            line.bytes,
            text,
            line.span.start,
            line.index,
            &self.config,
            found,
            self.fast && self.tried != Some(line.span.start),
        )
    }

    #[inline(always)]
    fn parse_metric(&mut self, line: &RawLine<'a>) -> Result<Metric<'a>, ParseError> {
        let text = self.text_of(line);
        parse_metric_at(
            line.bytes,
            text,
            line.span.start,
            line.index,
            &self.config,
            &mut Found::default(),
            self.fast && self.tried != Some(line.span.start),
        )
    }
}

impl<'a> Lines<'a> {
    /// Parses `line` as any kind of message, with its warnings placed in the datagram.
    #[inline(always)]
    fn parse_message(&mut self, line: RawLine<'a>) -> Result<Parsed<'a>, ParseError> {
        let mut found = Found::default();
        let message = self.parse(&line, &mut found)?;
        Ok(Parsed {
            message,
            warnings: found.located(line.span.start, line.index),
            line,
        })
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Result<Metric<'a>, ParseError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self.fast_input() {
            Some((input, text)) => {
                let (rules, max_len) = (self.config.dialect().rules(), self.config.max_line_len());
                fast::read_metric(input, text, rules, max_len, self)
            }
            None => {
                let line = self.next_line()?;
                Some(self.parse_metric(&line))
            }
        }
    }
}

impl FusedIterator for Lines<'_> {}

/// The metric iterator's item, straight from the fast path's verdict.
impl<'a> fast::Sink<'a> for Lines<'a> {
    type Item = Option<Result<Metric<'a>, ParseError>>;
    const WARNINGS: bool = false;

    #[inline(always)]
    fn accept(&mut self, metric: Metric<'a>, end: usize) -> Self::Item {
        self.advance(end);
        Some(Ok(metric))
    }

    #[inline(always)]
    fn reject(&mut self, fault: Fault, end: usize) -> Self::Item {
        let error = located_error(fault, self.pos, self.index);
        self.advance(end);
        Some(Err(error))
    }

    #[inline(always)]
    fn unsure(&mut self) -> Self::Item {
        let line = self.next_line()?;
        Some(self.parse_metric(&line))
    }
}

/// The message iterator's item, straight from the fast path's verdict.
struct MessageSink<'s, 'a>(&'s mut Lines<'a>);

impl<'a> fast::Sink<'a> for MessageSink<'_, 'a> {
    type Item = Option<Result<Parsed<'a>, ParseError>>;
    const WARNINGS: bool = true;

    #[inline(always)]
    fn accept(&mut self, metric: Metric<'a>, end: usize) -> Self::Item {
        let lines = &mut *self.0;
        let line = RawLine {
            bytes: &lines.input[lines.pos..lines.pos + end],
            span: Span::new(lines.pos, lines.pos + end),
            index: lines.index,
        };
        lines.advance(end);
        Some(Ok(Parsed {
            message: Message::Metric(metric),
            warnings: Warnings::new(),
            line,
        }))
    }

    #[inline(always)]
    fn reject(&mut self, fault: Fault, end: usize) -> Self::Item {
        let lines = &mut *self.0;
        let error = located_error(fault, lines.pos, lines.index);
        lines.advance(end);
        Some(Err(error))
    }

    /// `None`: the caller reads the line with the full grammar (the input
    /// at the line is not empty, so `None` does not end the iteration).
    #[inline(always)]
    fn unsure(&mut self) -> Self::Item {
        None
    }
}

/// The iterator returned by [`Lines::with_raw`].
#[derive(Clone, Debug)]
pub struct WithRaw<'a> {
    lines: Lines<'a>,
}

impl<'a> Iterator for WithRaw<'a> {
    type Item = (RawLine<'a>, Result<Metric<'a>, ParseError>);

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next_line()?;
        let result = self.lines.parse_metric(&line);
        Some((line, result))
    }
}

impl FusedIterator for WithRaw<'_> {}

/// The iterator returned by [`parse_messages`].
#[derive(Clone, Debug)]
pub struct Messages<'a> {
    lines: Lines<'a>,
}

impl<'a> Messages<'a> {
    /// The raw line of every failed line is in the error's span; this yields
    /// each line's bytes next to its result, for callers that pass lines on
    /// verbatim.
    pub fn with_raw(self) -> MessagesWithRaw<'a> {
        MessagesWithRaw { lines: self.lines }
    }

    /// The same iteration through the full grammar only (no fast path).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn grammar_only(self) -> Self {
        Messages {
            lines: self.lines.grammar_only(),
        }
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Parsed<'a>, ParseError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if let Some((input, text)) = self.lines.fast_input() {
            let config = self.lines.config;
            let (rules, max_len) = (config.dialect().rules(), config.max_line_len());
            let sink = &mut MessageSink(&mut self.lines);
            let read = fast::read_metric(input, text, rules, max_len, sink);
            if read.is_some() {
                return read;
            }
        }
        let line = self.lines.next_line()?;
        Some(self.lines.parse_message(line))
    }
}

impl FusedIterator for Messages<'_> {}

/// The iterator returned by [`Messages::with_raw`].
#[derive(Clone, Debug)]
pub struct MessagesWithRaw<'a> {
    lines: Lines<'a>,
}

impl<'a> Iterator for MessagesWithRaw<'a> {
    type Item = (RawLine<'a>, Result<Parsed<'a>, ParseError>);

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next_line()?;
        let result = self.lines.parse_message(line);
        Some((line, result))
    }
}

impl FusedIterator for MessagesWithRaw<'_> {}
