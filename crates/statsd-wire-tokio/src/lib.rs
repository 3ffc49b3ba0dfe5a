//! [`tokio_util::codec`] codecs for StatsD, over the [`statsd_wire`] parser and
//! canonical encoder.
//!
//! - [`DatagramCodec`]: UDP. One datagram is one frame, a [`Datagram`]; use it
//!   with [`tokio_util::udp::UdpFramed`].
//! - [`LineCodec`]: TCP (or any byte stream). Lines end with `\n`; one line is
//!   one frame, a [`Line`]; use it with [`tokio_util::codec::Framed`] or
//!   [`FramedRead`](tokio_util::codec::FramedRead).
//!
//! Both encode a [`Metric`] or any [`Message`] (and [`DatagramCodec`] a slice of
//! them, packed into one datagram) with the core encoder, which refuses a metric it cannot write
//! faithfully ([`CodecError::Encode`]) before writing a byte.
//!
//! # Zero copy
//!
//! A [`Metric<'a>`](Metric) borrows its name from the input, so a decoder cannot
//! hand out metrics directly (a frame cannot borrow the codec's buffer). The
//! frames are instead owned, reference-counted [`Bytes`] holding the received
//! bytes (a [`Line`] is split off the stream buffer without copying; a
//! [`Datagram`] is copied once out of `UdpFramed`'s 64 KiB read buffer, see
//! [`DatagramCodec`]), and parsing happens when the frame is read:
//! [`Datagram::messages`] and [`Datagram::lines`] return the core's
//! [`Messages`] and [`Lines`] iterators, and [`Line::message`] and
//! [`Line::metric`] the core's `Result`s, all borrowing from the frame.
//! Parsing allocates and copies nothing; keep an
//! [`OwnedMetric`](statsd_wire::OwnedMetric) (via
//! [`Metric::into_owned`]) only for metrics you keep beyond the frame.
//!
//! Parse errors are never decoder errors: a bad line is data (a `Result` inside
//! the frame), so one bad line neither ends the stream nor loses the lines
//! around it. The decoders fail only on I/O errors.
//!
//! ```
//! use bytes::BytesMut;
//! use statsd_wire::Config;
//! use statsd_wire_tokio::{DatagramCodec, LineCodec};
//! use tokio_util::codec::Decoder;
//!
//! // UDP: a whole datagram per frame.
//! let mut udp = DatagramCodec::new(Config::etsy());
//! let mut buf = BytesMut::from(&b"conf.users:+1|g\nbad\n"[..]);
//! let datagram = udp.decode(&mut buf).unwrap().unwrap();
//! let results: Vec<_> = datagram.lines().collect();
//! assert!(results[0].is_ok() && results[1].is_err());
//!
//! // TCP: a line per frame; an incomplete line waits for more bytes.
//! let mut tcp = LineCodec::new(Config::spec());
//! let mut buf = BytesMut::from(&b"a:1|c\nb:2"[..]);
//! let line = tcp.decode(&mut buf).unwrap().unwrap();
//! assert_eq!((line.number(), line.metric().unwrap().to_string()), (1, "a:1|c".to_string()));
//! assert!(tcp.decode(&mut buf).unwrap().is_none()); // `b:2` is not complete yet
//! buf.extend_from_slice(b"|g\n");
//! assert_eq!(tcp.decode(&mut buf).unwrap().unwrap().metric().unwrap().to_string(), "b:2|g");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod datagram;
mod error;
mod line;

pub use datagram::{Datagram, DatagramCodec};
pub use error::CodecError;
pub use line::{Line, LineCodec};

/// The README's example, compiled (not run) as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

pub use bytes::Bytes;
/// The core crate, for everything these codecs hand out.
pub use statsd_wire;
pub use statsd_wire::{
    Config, Dialect, EncodeError, EncodeErrorKind, ErrorKind, Event, Lines, Message, Messages,
    Metric, MetricType, Number, ParseError, Parsed, ServiceCheck, Value, Warning, WarningKind,
    WithRaw,
};
