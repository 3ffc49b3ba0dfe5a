//! Packing lines into datagrams of at most N bytes, as clients send them
//! (1432 bytes fit a 1500-byte Ethernet MTU; DogStatsD over Unix sockets
//! takes 8192).

use alloc::vec::Vec;

use crate::config::Config;
use crate::error::EncodeError;
use crate::message::Message;

/// Groups lines into datagrams of at most `max` bytes, joined by `\n`. A line
/// longer than `max` on its own travels alone (a datagram is never split inside
/// a line).
///
/// ```
/// use statsd_wire::{Config, DatagramPacker, Metric, MetricType};
/// let config = Config::spec();
/// let mut packer = DatagramPacker::new(12);
/// let mut sent = Vec::new();
/// for name in ["a", "b", "c"] {
///     if let Some(full) = packer.push(Metric::new(name, MetricType::Counter, 1), &config).unwrap() {
///         sent.push(full);
///     }
/// }
/// sent.extend(packer.finish());
/// assert_eq!(sent, [b"a:1|c\nb:1|c".to_vec(), b"c:1|c".to_vec()]);
/// ```
#[derive(Clone, Debug)]
pub struct DatagramPacker {
    max: usize,
    current: Vec<u8>,
    line: Vec<u8>,
}

impl DatagramPacker {
    /// A packer of datagrams of at most `max` bytes.
    pub fn new(max: usize) -> Self {
        DatagramPacker {
            max,
            current: Vec::new(),
            line: Vec::new(),
        }
    }

    /// Encodes `message` (validated against `config` first: on error nothing
    /// changes) and adds it; returns the datagram that was full before it, to
    /// send first, if any.
    pub fn push<'a>(
        &mut self,
        message: impl Into<Message<'a>>,
        config: &Config,
    ) -> Result<Option<Vec<u8>>, EncodeError> {
        let mut line = core::mem::take(&mut self.line);
        line.clear();
        let result = message.into().encode(config, &mut line);
        let full = result.map(|()| self.push_line(&line));
        self.line = line;
        full
    }

    /// Adds an already-encoded line (without its `\n`), such as a line
    /// forwarded as received; returns the datagram that was full before it.
    pub fn push_line(&mut self, line: &[u8]) -> Option<Vec<u8>> {
        let fits = self.current.is_empty() || self.current.len() + 1 + line.len() <= self.max;
        let full = (!fits).then(|| core::mem::take(&mut self.current));
        if !self.current.is_empty() {
            self.current.push(b'\n');
        }
        self.current.extend_from_slice(line);
        full
    }

    /// The last datagram, if any line is waiting.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        (!self.current.is_empty()).then(|| core::mem::take(&mut self.current))
    }
}

/// Encodes every message and packs them into datagrams of at most `max`
/// bytes; all or nothing: the first message the dialect refuses is the error.
///
/// ```
/// use statsd_wire::{pack_datagrams, Config, Message, Metric, MetricType};
/// let metrics: Vec<Message> = (0..3).map(|i| Metric::new("n", MetricType::Counter, i).into()).collect();
/// let datagrams = pack_datagrams(&metrics, &Config::spec(), 1432).unwrap();
/// assert_eq!(datagrams, [b"n:0|c\nn:1|c\nn:2|c".to_vec()]);
/// ```
pub fn pack_datagrams(
    messages: &[Message<'_>],
    config: &Config,
    max: usize,
) -> Result<Vec<Vec<u8>>, EncodeError> {
    for m in messages {
        m.validate(config)?;
    }
    let mut packer = DatagramPacker::new(max);
    let mut out = Vec::new();
    for m in messages {
        out.extend(packer.push(*m, config)?);
    }
    out.extend(packer.finish());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_travel_alone_and_order_is_kept() {
        let mut p = DatagramPacker::new(10);
        assert_eq!(p.push_line(b"aaaa"), None);
        assert_eq!(p.push_line(b"bbbbbbbbbbbbbbbb"), Some(b"aaaa".to_vec()));
        assert_eq!(p.push_line(b"cc"), Some(b"bbbbbbbbbbbbbbbb".to_vec()));
        assert_eq!(p.push_line(b"dddddd"), None);
        assert_eq!(p.finish(), Some(b"cc\ndddddd".to_vec()));
        assert_eq!(p.finish(), None);

        let mut p = DatagramPacker::new(11);
        let mut out = Vec::new();
        for line in ["a:1|c", "b:2|c", "c:3|c", "long.name:1|c", "d:4|c"] {
            out.extend(p.push_line(line.as_bytes()));
        }
        out.extend(p.finish());
        let out: Vec<&[u8]> = out.iter().map(Vec::as_slice).collect();
        assert_eq!(
            out,
            [&b"a:1|c\nb:2|c"[..], b"c:3|c", b"long.name:1|c", b"d:4|c"]
        );
    }
}
