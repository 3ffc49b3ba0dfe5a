//! [`DatagramCodec`]: StatsD over UDP, one datagram per frame.

use bytes::{Bytes, BytesMut};
use statsd_wire::{Config, Lines, Message, Messages, Metric};
use tokio_util::codec::{Decoder, Encoder};

use crate::error::CodecError;

/// One received datagram: the bytes as they arrived, in a cheap,
/// reference-counted [`Bytes`] (cloning a frame copies nothing), and the
/// [`Config`] of the codec that received it. Parse it with
/// [`messages`](Datagram::messages) (every kind of line, with warnings) or
/// [`lines`](Datagram::lines) (metrics only).
///
/// ```
/// use statsd_wire_tokio::{Config, Datagram, Message};
///
/// let datagram = Datagram::with_config(&b"a:1|c|#env:prod\n_sc|db.up|0"[..], Config::dogstatsd());
/// let kinds: Vec<_> = datagram
///     .messages()
///     .filter_map(Result::ok)
///     .map(|line| line.message.kind().name())
///     .collect();
/// assert_eq!(kinds, ["metric", "service_check"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Datagram {
    bytes: Bytes,
    config: Config,
}

impl Datagram {
    /// A datagram holding `bytes`, read with the default configuration (the
    /// strict `spec` dialect).
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Datagram::with_config(bytes, Config::default())
    }

    /// A datagram holding `bytes`, read with `config`.
    pub fn with_config(bytes: impl Into<Bytes>, config: Config) -> Self {
        Datagram {
            bytes: bytes.into(),
            config,
        }
    }

    /// The configuration the datagram is read with (the codec's).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The datagram's bytes, exactly as received.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The datagram's bytes, exactly as received.
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// The datagram's size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the datagram holds no byte.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Parses the datagram's metrics with the core's
    /// [`parse_datagram`](statsd_wire::parse_datagram): one `Result` per
    /// non-empty line, metrics borrowing from the datagram, spans counted from
    /// its first byte (DogStatsD events and service checks are
    /// `not_a_metric` errors here: use [`messages`](Datagram::messages)). Call
    /// [`with_raw`](Lines::with_raw) on the result to also get each line's
    /// bytes and index.
    ///
    /// ```
    /// use statsd_wire::ErrorKind;
    /// use statsd_wire_tokio::Datagram;
    ///
    /// let datagram = Datagram::new(&b"ok:1|c\nbad:x|c\n"[..]);
    /// let (raw, result) = datagram.lines().with_raw().nth(1).unwrap();
    /// assert_eq!((raw.bytes, raw.index), (&b"bad:x|c"[..], 1));
    /// assert_eq!(result.unwrap_err().kind(), ErrorKind::InvalidValue);
    /// ```
    pub fn lines(&self) -> Lines<'_> {
        statsd_wire::parse_datagram(&self.bytes, &self.config)
    }

    /// Parses every line of the datagram, whatever its kind, with the core's
    /// [`parse_messages`](statsd_wire::parse_messages): one `Result` per
    /// non-empty line, each accepted line with its warnings.
    pub fn messages(&self) -> Messages<'_> {
        statsd_wire::parse_messages(&self.bytes, &self.config)
    }
}

impl From<Bytes> for Datagram {
    fn from(bytes: Bytes) -> Self {
        Datagram::new(bytes)
    }
}

impl AsRef<[u8]> for Datagram {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

/// The StatsD codec for UDP: one datagram is one frame.
///
/// Decoding yields a [`Datagram`] holding the whole datagram; parse it with
/// [`Datagram::lines`] and this codec's [`config`](DatagramCodec::config). The
/// datagram's bytes are copied once out of the read buffer into a buffer of
/// their own size: `UdpFramed` reads into a 64 KiB buffer, and a frame that
/// shared it would pin all 64 KiB for as long as it lives (and make the next
/// read allocate another), so a queue of small frames would cost 64 KiB each.
/// Parsing the frame copies nothing. Use the decoder with
/// [`UdpFramed`](tokio_util::udp::UdpFramed), which hands it exactly one
/// datagram at a time; on a byte stream the frames would be arbitrary chunks
/// (use [`LineCodec`](crate::LineCodec) there). An empty (zero-byte) datagram
/// yields no frame.
///
/// Encoding writes the canonical form with the core encoder: a [`Metric`] as a
/// datagram of one line, a slice `&[Metric]` as one datagram of lines joined by
/// `\n` (no final `\n`). A metric that is not valid in the dialect is refused
/// with [`CodecError::Encode`] and nothing is written (for a slice: nothing of
/// the whole slice).
///
/// ```no_run
/// use futures::{SinkExt, StreamExt};
/// use statsd_wire::{Config, Metric, MetricType};
/// use statsd_wire_tokio::DatagramCodec;
/// use tokio::net::UdpSocket;
/// use tokio_util::udp::UdpFramed;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::etsy();
/// let mut server = UdpFramed::new(UdpSocket::bind("127.0.0.1:8125").await?, DatagramCodec::new(config));
/// let mut client = UdpFramed::new(UdpSocket::bind("127.0.0.1:0").await?, DatagramCodec::new(config));
///
/// let metrics = [Metric::new("hits", MetricType::Counter, 1u64), Metric::gauge_delta("users", 1i64)];
/// client.send((&metrics[..], "127.0.0.1:8125".parse()?)).await?;
///
/// if let Some(Ok((datagram, from))) = server.next().await {
///     for result in datagram.lines() {
///         match result {
///             Ok(metric) => println!("{from}: {metric}"),
///             Err(e) => eprintln!("{from}: {e}"),
///         }
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DatagramCodec {
    config: Config,
}

impl DatagramCodec {
    /// A codec that parses and encodes by `config`.
    pub const fn new(config: Config) -> Self {
        DatagramCodec { config }
    }

    /// The configuration (dialect and limits) to parse frames and encode
    /// metrics with.
    pub const fn config(&self) -> &Config {
        &self.config
    }
}

impl Decoder for DatagramCodec {
    type Item = Datagram;
    type Error = std::io::Error;

    /// Takes everything buffered as one datagram (`None` when nothing is),
    /// leaving the buffer empty.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use statsd_wire_tokio::DatagramCodec;
    /// use tokio_util::codec::Decoder;
    ///
    /// let mut buf = BytesMut::from(&b"a:1|c"[..]);
    /// let datagram = DatagramCodec::default().decode(&mut buf).unwrap().unwrap();
    /// assert_eq!(datagram.bytes(), &b"a:1|c"[..]);
    /// assert!(buf.is_empty());
    /// ```
    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Datagram>, Self::Error> {
        if src.is_empty() {
            return Ok(None);
        }
        // One copy into an exact-size buffer; the read buffer keeps its capacity.
        let bytes = Bytes::copy_from_slice(src);
        src.clear();
        Ok(Some(Datagram::with_config(bytes, self.config)))
    }
}

impl<'a> Encoder<Metric<'a>> for DatagramCodec {
    type Error = CodecError;

    /// Writes `metric` in canonical form, as a datagram of one line.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use statsd_wire::{Config, Metric};
    /// use statsd_wire_tokio::DatagramCodec;
    /// use tokio_util::codec::Encoder;
    ///
    /// let mut out = BytesMut::new();
    /// DatagramCodec::new(Config::etsy()).encode(Metric::gauge_delta("users", -1i64), &mut out).unwrap();
    /// assert_eq!(&out[..], b"users:-1|g");
    /// ```
    fn encode(&mut self, metric: Metric<'a>, dst: &mut BytesMut) -> Result<(), CodecError> {
        metric.write_to(&self.config, dst)?;
        Ok(())
    }
}

impl<'m, 'a> Encoder<&'m [Metric<'a>]> for DatagramCodec {
    type Error = CodecError;

    /// Writes `metrics` in canonical form as one datagram: lines joined by
    /// `\n`, no final `\n`. Every metric is validated first; if one is refused,
    /// nothing is written.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use statsd_wire::{Config, Metric, MetricType};
    /// use statsd_wire_tokio::DatagramCodec;
    /// use tokio_util::codec::Encoder;
    ///
    /// let mut codec = DatagramCodec::new(Config::spec());
    /// let mut out = BytesMut::new();
    /// let metrics = [Metric::new("a", MetricType::Counter, 1u64), Metric::new("b", MetricType::Timer, 2.5)];
    /// codec.encode(&metrics[..], &mut out).unwrap();
    /// assert_eq!(&out[..], b"a:1|c\nb:2.5|ms");
    ///
    /// let refused = [Metric::new("a", MetricType::Counter, 1u64), Metric::set("s", "x")];
    /// let mut out = BytesMut::new();
    /// assert!(codec.encode(&refused[..], &mut out).is_err()); // no sets in the spec dialect
    /// assert!(out.is_empty());
    /// ```
    fn encode(&mut self, metrics: &'m [Metric<'a>], dst: &mut BytesMut) -> Result<(), CodecError> {
        for metric in metrics {
            metric.validate(&self.config)?;
        }
        let start = dst.len();
        for (i, metric) in metrics.iter().enumerate() {
            if i > 0 {
                dst.extend_from_slice(b"\n");
            }
            if let Err(e) = metric.write_to(&self.config, dst) {
                dst.truncate(start);
                return Err(e.into());
            }
        }
        Ok(())
    }
}

impl<'a> Encoder<Message<'a>> for DatagramCodec {
    type Error = CodecError;

    /// Encodes one message of any kind (events and service checks need the
    /// dogstatsd dialect); nothing is written for a refused message.
    fn encode(&mut self, message: Message<'a>, dst: &mut BytesMut) -> Result<(), CodecError> {
        message.write_to(&self.config, dst)?;
        Ok(())
    }
}

impl<'m, 'a> Encoder<&'m [Message<'a>]> for DatagramCodec {
    type Error = CodecError;

    /// Encodes messages into one datagram, joined by `\n`; every message is
    /// validated first, so nothing is written when one is refused.
    fn encode(
        &mut self,
        messages: &'m [Message<'a>],
        dst: &mut BytesMut,
    ) -> Result<(), CodecError> {
        for message in messages {
            message.validate(&self.config)?;
        }
        let start = dst.len();
        for (i, message) in messages.iter().enumerate() {
            if i > 0 {
                dst.extend_from_slice(b"\n");
            }
            if let Err(e) = message.write_to(&self.config, dst) {
                dst.truncate(start);
                return Err(e.into());
            }
        }
        Ok(())
    }
}
