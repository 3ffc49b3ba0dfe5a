//! [`LineCodec`]: StatsD over a byte stream (TCP), one `\n`-terminated line per
//! frame.

use bytes::{Buf, Bytes, BytesMut};
use statsd_wire::{Config, ErrorKind, Message, Metric, ParseError, Parsed, Span};
use tokio_util::codec::{Decoder, Encoder};

use crate::error::CodecError;

/// One line of a stream, without its `\n` (a `\r` before it is kept: the
/// etsy dialect's parser drops it, the spec dialect's rejects it).
///
/// [`metric`](Line::metric) parses it (zero-copy, borrowing from the frame).
/// A line longer than the configured maximum arrives as a frame whose
/// [`metric`](Line::metric) is a [`ErrorKind::LineTooLong`] error and whose
/// [`bytes`](Line::bytes) are only the line's first
/// [`max_line_len`](Config::max_line_len) bytes ([`is_truncated`](Line::is_truncated)).
///
/// ```
/// use bytes::BytesMut;
/// use statsd_wire::{Config, ErrorKind};
/// use statsd_wire_tokio::LineCodec;
/// use tokio_util::codec::Decoder;
///
/// let mut codec = LineCodec::new(Config::spec());
/// let mut buf = BytesMut::from(&b"ok:1|c\n\nbad:1|q\n"[..]);
/// let first = codec.decode(&mut buf).unwrap().unwrap();
/// assert_eq!((first.number(), first.bytes().as_ref()), (1, &b"ok:1|c"[..]));
/// let second = codec.decode(&mut buf).unwrap().unwrap(); // the empty line 2 is skipped
/// let err = second.metric().unwrap_err();
/// assert_eq!((second.number(), err.line_index(), err.kind(), err.offset()), (3, 2, ErrorKind::UnknownType, 6));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    bytes: Bytes,
    index: usize,
    config: Config,
    /// For a line too long: how many bytes of it had been seen.
    too_long: Option<usize>,
}

impl Line {
    /// The line's bytes, without the `\n` (only the first
    /// [`max_line_len`](Config::max_line_len) bytes when
    /// [`is_truncated`](Line::is_truncated)).
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The line's number in the stream, from 1 (empty lines are counted, though
    /// they make no frame).
    pub fn number(&self) -> usize {
        self.index + 1
    }

    /// The line's index in the stream, from 0 (the [`ParseError::line`] of its
    /// errors).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether the line was longer than the maximum, so that only its start was
    /// kept (the rest was discarded up to the next `\n`).
    pub fn is_truncated(&self) -> bool {
        self.too_long.is_some()
    }

    /// The configuration the line is parsed with (the codec's).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Parses the line with the core's [`parse_line`](statsd_wire::parse_line).
    /// The error's [`line_index`](ParseError::line_index) is this line's index; its span
    /// counts from the start of the line.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use statsd_wire::{Config, MetricType};
    /// use statsd_wire_tokio::LineCodec;
    /// use tokio_util::codec::Decoder;
    ///
    /// let mut buf = BytesMut::from(&b"users:-1|g\r\n"[..]);
    /// let line = LineCodec::new(Config::etsy()).decode(&mut buf).unwrap().unwrap();
    /// let metric = line.metric().unwrap();
    /// assert!(metric.delta && metric.kind == MetricType::Gauge);
    /// ```
    pub fn metric(&self) -> Result<Metric<'_>, ParseError> {
        if let Some(seen) = self.too_long {
            return Err(ParseError::new(
                ErrorKind::LineTooLong,
                Span::new(0, seen),
                self.index,
                0,
            ));
        }
        statsd_wire::parse_line(&self.bytes, &self.config).map_err(|e| e.shifted(0, self.index))
    }

    /// Parses the line whatever its kind (a metric, or in the dogstatsd dialect
    /// an event or a service check) with the core's
    /// [`parse_message`](statsd_wire::parse_message), with its warnings.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use statsd_wire_tokio::{Config, LineCodec, Message};
    /// use tokio_util::codec::Decoder;
    ///
    /// let mut buf = BytesMut::from(&b"_e{6,4}:Deploy|done|#env:prod\n"[..]);
    /// let line = LineCodec::new(Config::dogstatsd()).decode(&mut buf).unwrap().unwrap();
    /// let Message::Event(event) = line.message().unwrap().message else { panic!() };
    /// assert_eq!(event.title.to_string(), "Deploy");
    /// ```
    pub fn message(&self) -> Result<Parsed<'_>, ParseError> {
        if let Some(seen) = self.too_long {
            return Err(ParseError::new(
                ErrorKind::LineTooLong,
                Span::new(0, seen),
                self.index,
                0,
            ));
        }
        statsd_wire::parse_message(&self.bytes, &self.config)
            .map(|mut parsed| {
                parsed.line.index = self.index;
                parsed.warnings = parsed.warnings.shifted(0, self.index);
                parsed
            })
            .map_err(|e| e.shifted(0, self.index))
    }
}

/// The StatsD codec for byte streams (TCP): lines end with `\n`, one line is
/// one frame, a [`Line`].
///
/// - **Partial input**: [`decode`](Decoder::decode) returns `Ok(None)` while
///   the buffered line has no `\n` yet (like `httparse`'s `Status::Partial`);
///   bytes already scanned are not scanned again. At the end of the stream a
///   last line without `\n` is still a frame.
/// - **Bounded buffering**: once a line is longer than
///   [`Config::max_line_len`] (not counting the `\n`), the codec yields it at
///   once as a [`ErrorKind::LineTooLong`] frame holding its first
///   `max_line_len` bytes, then discards everything up to the next `\n` and
///   resynchronises there. It never buffers more than one maximum line.
/// - Empty lines (and, in the etsy dialect, a line that is only `\r`) make no
///   frame but are counted in line numbers.
/// - Encoding writes the canonical form of a [`Metric`] followed by `\n`; a
///   metric the dialect cannot hold is refused ([`CodecError::Encode`]) and
///   nothing is written.
///
/// ```
/// use bytes::BytesMut;
/// use statsd_wire::{Config, ErrorKind};
/// use statsd_wire_tokio::LineCodec;
/// use tokio_util::codec::Decoder;
///
/// let mut codec = LineCodec::new(Config::spec().with_max_line_len(8));
/// let mut buf = BytesMut::from(&b"a:1|c\nwaytoolong"[..]);
/// assert_eq!(codec.decode(&mut buf).unwrap().unwrap().number(), 1);
/// let long = codec.decode(&mut buf).unwrap().unwrap(); // reported before its end arrives
/// assert_eq!(long.metric().unwrap_err().kind(), ErrorKind::LineTooLong);
/// assert_eq!(long.bytes().as_ref(), b"waytoolo");
/// buf.extend_from_slice(b"...still the same line\nb:2|g\n");
/// let next = codec.decode(&mut buf).unwrap().unwrap();
/// assert_eq!((next.number(), next.metric().unwrap().name), (3, "b"));
/// ```
///
/// Over TCP:
///
/// ```no_run
/// use futures::StreamExt;
/// use statsd_wire::Config;
/// use statsd_wire_tokio::LineCodec;
/// use tokio::net::TcpListener;
/// use tokio_util::codec::FramedRead;
///
/// # async fn run() -> std::io::Result<()> {
/// let listener = TcpListener::bind("127.0.0.1:8125").await?;
/// let (stream, peer) = listener.accept().await?;
/// let mut lines = FramedRead::new(stream, LineCodec::new(Config::etsy()));
/// while let Some(line) = lines.next().await {
///     let line = line?;
///     match line.metric() {
///         Ok(metric) => println!("{peer}:{}: {metric}", line.number()),
///         Err(e) => eprintln!("{peer}: {e}"),
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LineCodec {
    config: Config,
    /// The index of the next line.
    next_index: usize,
    /// How many bytes at the front of the buffer hold no `\n`.
    scanned: usize,
    /// Whether the rest of a too-long line is being skipped.
    discarding: bool,
}

impl LineCodec {
    /// A codec that parses and encodes by `config`, and cuts lines longer than
    /// its [`max_line_len`](Config::max_line_len).
    pub const fn new(config: Config) -> Self {
        LineCodec {
            config,
            next_index: 0,
            scanned: 0,
            discarding: false,
        }
    }

    /// The configuration (dialect and limits).
    pub const fn config(&self) -> &Config {
        &self.config
    }

    fn line(&self, bytes: Bytes, index: usize, too_long: Option<usize>) -> Line {
        Line {
            bytes,
            index,
            config: self.config,
            too_long,
        }
    }

    fn is_empty_line(&self, line: &[u8]) -> bool {
        line.is_empty() || (self.config.dialect().strips_trailing_cr() && line == b"\r")
    }
}

impl Decoder for LineCodec {
    type Item = Line;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Line>, Self::Error> {
        let max = self.config.max_line_len();
        loop {
            if self.discarding {
                match memchr::memchr(b'\n', src) {
                    Some(pos) => {
                        src.advance(pos + 1);
                        self.discarding = false;
                        self.next_index += 1;
                        continue;
                    }
                    None => {
                        src.clear();
                        return Ok(None);
                    }
                }
            }
            let unscanned = src.get(self.scanned..).unwrap_or_default();
            match memchr::memchr(b'\n', unscanned) {
                Some(rel) => {
                    let pos = self.scanned + rel;
                    self.scanned = 0;
                    let mut line = src.split_to(pos + 1);
                    line.truncate(pos);
                    let index = self.next_index;
                    self.next_index += 1;
                    if line.len() > max {
                        line.truncate(max);
                        return Ok(Some(self.line(line.freeze(), index, Some(pos))));
                    }
                    if self.is_empty_line(&line) {
                        continue;
                    }
                    return Ok(Some(self.line(line.freeze(), index, None)));
                }
                None if src.len() > max => {
                    // Too long already: report it now, skip the rest up to the next `\n`.
                    let seen = src.len();
                    let prefix = src.split_to(max).freeze();
                    src.clear();
                    self.scanned = 0;
                    self.discarding = true;
                    return Ok(Some(self.line(prefix, self.next_index, Some(seen))));
                }
                None => {
                    self.scanned = src.len();
                    return Ok(None);
                }
            }
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Line>, Self::Error> {
        if let Some(line) = self.decode(buf)? {
            return Ok(Some(line));
        }
        self.scanned = 0;
        if self.discarding {
            buf.clear();
            self.discarding = false;
            self.next_index += 1;
            return Ok(None);
        }
        if buf.is_empty() {
            return Ok(None);
        }
        // The last line, without `\n` (shorter than the maximum: `decode` cut longer ones).
        let line = buf.split().freeze();
        let index = self.next_index;
        self.next_index += 1;
        if self.is_empty_line(&line) {
            return Ok(None);
        }
        Ok(Some(self.line(line, index, None)))
    }
}

impl<'a> Encoder<Message<'a>> for LineCodec {
    type Error = CodecError;

    /// Writes `message` (any kind) in canonical form followed by `\n`.
    fn encode(&mut self, message: Message<'a>, dst: &mut BytesMut) -> Result<(), CodecError> {
        message.write_to(&self.config, dst)?;
        dst.extend_from_slice(b"\n");
        Ok(())
    }
}

impl<'a> Encoder<Metric<'a>> for LineCodec {
    type Error = CodecError;

    /// Writes `metric` in canonical form followed by `\n`.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use statsd_wire::{Config, Metric, MetricType};
    /// use statsd_wire_tokio::LineCodec;
    /// use tokio_util::codec::Encoder;
    ///
    /// let mut codec = LineCodec::new(Config::spec());
    /// let mut out = BytesMut::new();
    /// codec.encode(Metric::new("a", MetricType::Counter, 1u64).with_sample_rate(0.5), &mut out).unwrap();
    /// codec.encode(Metric::new("b", MetricType::Meter, 1u64), &mut out).unwrap();
    /// assert_eq!(&out[..], b"a:1|c|@0.5\nb:1|m\n");
    /// ```
    fn encode(&mut self, metric: Metric<'a>, dst: &mut BytesMut) -> Result<(), CodecError> {
        metric.write_to(&self.config, dst)?;
        dst.extend_from_slice(b"\n");
        Ok(())
    }
}
