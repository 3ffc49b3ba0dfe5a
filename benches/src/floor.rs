//! The reference points statsd-wire is measured against that are not other
//! crates: the hand-rolled parser floor, the newline-split bound, and the
//! hand-written encoder floor.

use statsd_wire::{Metric, Number, Value};

/// The lines of a datagram, split at `\n` with [`memchr`]. Every piece is
/// yielded, empty ones included (the corpora have none).
#[derive(Clone, Debug)]
pub struct SplitLines<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for SplitLines<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match memchr::memchr(b'\n', rest) {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Splits `datagram` into lines (see [`SplitLines`]). Iterating this alone is
/// the parse benches' upper bound: every parser has to find the newlines.
#[inline]
pub fn split_lines(datagram: &[u8]) -> SplitLines<'_> {
    SplitLines {
        rest: Some(datagram),
    }
}

/// What the hand-rolled floor parser produces: the name and type as raw bytes,
/// the value as an `f64`, and the fields after the type unread.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RawMetric<'a> {
    /// The bytes before the first `:` (not checked for anything).
    pub name: &'a [u8],
    /// The value, through `str::parse::<f64>`.
    pub value: f64,
    /// The bytes between the first `|` after the value and the next `|`.
    pub kind: &'a [u8],
    /// The rest of the line from the `|` after the type (empty if none).
    pub fields: &'a [u8],
}

/// The hand-rolled floor: what a "quick" StatsD parser does, and nothing more.
/// It splits at the first `:` and the next `|` with [`memchr`], parses the value
/// with `str::parse::<f64>` and cuts the type at the next `|`. No name, type,
/// range, rate or field validation; a line without `:` or `|` (a bare name)
/// gives `None`.
///
/// ```
/// use statsd_wire_benches::floor::parse_line;
/// let m = parse_line(b"api.latency:12.5|ms|@0.1").unwrap();
/// assert_eq!((m.name, m.value, m.kind, m.fields), (&b"api.latency"[..], 12.5, &b"ms"[..], &b"|@0.1"[..]));
/// assert!(parse_line(b"page.views").is_none());
/// ```
#[inline]
pub fn parse_line(line: &[u8]) -> Option<RawMetric<'_>> {
    let colon = memchr::memchr(b':', line)?;
    let (name, rest) = (&line[..colon], &line[colon + 1..]);
    let bar = memchr::memchr(b'|', rest)?;
    let value = core::str::from_utf8(&rest[..bar]).ok()?.parse().ok()?;
    let after = &rest[bar + 1..];
    let (kind, fields) = match memchr::memchr(b'|', after) {
        Some(i) => after.split_at(i),
        None => (after, &after[after.len()..]),
    };
    Some(RawMetric {
        name,
        value,
        kind,
        fields,
    })
}

/// The hand-written encoder floor: appends `name:value|type[|@rate]` with
/// `itoa` for integers and `ryu` for floats and the rate. No validation at all,
/// and the rate is written as `ryu` prints it (`0.1`; `1.0` where the canonical
/// form is `1`).
///
/// ```
/// use statsd_wire::{Metric, MetricType};
/// use statsd_wire_benches::floor::encode_line;
/// let mut out = Vec::new();
/// encode_line(&Metric::new("a.b", MetricType::Counter, 3u64).with_sample_rate(0.1), &mut out);
/// assert_eq!(out, b"a.b:3|c|@0.1");
/// ```
#[inline]
pub fn encode_line(m: &Metric<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(m.name.as_bytes());
    out.push(b':');
    match m.value {
        Value::Number(n) => {
            if m.delta && !n.is_sign_negative() {
                out.push(b'+');
            }
            match n {
                Number::PosInt(v) => {
                    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes())
                }
                Number::NegInt(v) => {
                    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes())
                }
                Number::Float(v) => out.extend_from_slice(ryu::Buffer::new().format(v).as_bytes()),
            }
        }
        Value::Set(member) => out.extend_from_slice(member.as_bytes()),
        _ => {}
    }
    out.push(b'|');
    out.extend_from_slice(m.kind.code().as_bytes());
    if let Some(rate) = m.sample_rate {
        out.extend_from_slice(b"|@");
        out.extend_from_slice(ryu::Buffer::new().format(rate).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_lines_yields_every_piece() {
        let lines: Vec<_> = split_lines(b"a:1|c\nb\n\nc").collect();
        assert_eq!(lines, [&b"a:1|c"[..], b"b", b"", b"c"]);
        assert_eq!(split_lines(b"").count(), 1);
    }

    #[test]
    fn hand_rolled_parser_reads_the_corpus_shapes() {
        let m = parse_line(b"a.b:-1|c|@0.25").unwrap();
        assert_eq!(m.value, -1.0);
        assert_eq!(m.kind, b"c");
        let m = parse_line(b"a.b:+7|g").unwrap();
        assert_eq!((m.value, m.kind, m.fields), (7.0, &b"g"[..], &b""[..]));
        assert!(parse_line(b"a.b:x|c").is_none());
        assert!(parse_line(b"a.b:1").is_none());
    }
}
