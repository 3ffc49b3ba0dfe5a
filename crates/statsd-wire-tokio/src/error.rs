//! [`CodecError`]: what an encoder (or the I/O under a codec) can fail with.

use std::fmt;
use std::io;

use statsd_wire::EncodeError;

/// The error of the encoders (and the sink of a framed transport): an I/O error,
/// or a metric the core encoder refuses to write (nothing was written for it).
///
/// ```
/// use bytes::BytesMut;
/// use statsd_wire::{Config, EncodeErrorKind, Metric, MetricType};
/// use statsd_wire_tokio::{CodecError, LineCodec};
/// use tokio_util::codec::Encoder;
///
/// let mut codec = LineCodec::new(Config::spec());
/// let mut out = BytesMut::new();
/// let bad = Metric::new("a|b", MetricType::Counter, 1u64);
/// match codec.encode(bad, &mut out) {
///     Err(CodecError::Encode(e)) => assert_eq!(e.kind(), EncodeErrorKind::ReservedByteInName),
///     other => panic!("{other:?}"),
/// }
/// assert!(out.is_empty());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum CodecError {
    /// The transport failed.
    Io(io::Error),
    /// The metric is not valid in the codec's dialect (or too long); nothing was
    /// written.
    Encode(EncodeError),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Io(e) => write!(f, "I/O error: {e}"),
            CodecError::Encode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CodecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CodecError::Io(e) => Some(e),
            CodecError::Encode(e) => Some(e),
        }
    }
}

impl From<io::Error> for CodecError {
    fn from(e: io::Error) -> Self {
        CodecError::Io(e)
    }
}

impl From<EncodeError> for CodecError {
    fn from(e: EncodeError) -> Self {
        CodecError::Encode(e)
    }
}

impl From<CodecError> for io::Error {
    /// An I/O error as is; a refused metric as [`io::ErrorKind::InvalidInput`].
    fn from(e: CodecError) -> Self {
        match e {
            CodecError::Io(e) => e,
            CodecError::Encode(e) => io::Error::new(io::ErrorKind::InvalidInput, e),
        }
    }
}
