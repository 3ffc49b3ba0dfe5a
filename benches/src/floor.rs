//! The reference points statsd-wire is measured against that are not other
//! crates: the hand-rolled parser floor, the newline-split bound, and the
//! hand-written encoder floor; and the DogStatsD floor.

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

/// What the DogStatsD floor ([`parse_dogstatsd_line`]) produces: the pieces of
/// a line cut at their separators, nothing checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RawMessage<'a> {
    /// A metric line.
    Metric(RawDogMetric<'a>),
    /// An `_e{...}` line: title and text cut by the header's lengths.
    Event {
        /// The title's bytes.
        title: &'a [u8],
        /// The text's bytes.
        text: &'a [u8],
        /// The rest of the line from the `|` after the text (empty if none).
        fields: &'a [u8],
    },
    /// An `_sc|` line.
    ServiceCheck {
        /// The bytes between `_sc|` and the next `|`.
        name: &'a [u8],
        /// The bytes of the status field.
        status: &'a [u8],
        /// The rest of the line from the `|` after the status (empty if none).
        fields: &'a [u8],
    },
}

/// A DogStatsD metric as the floor cuts it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RawDogMetric<'a> {
    /// The bytes before the first `:`.
    pub name: &'a [u8],
    /// The bytes between the first `:` and the next `|` (a set's member).
    pub raw_value: &'a [u8],
    /// The first value, through `str::parse::<f64>` (NaN for a set).
    pub value: f64,
    /// How many `:`-separated values were parsed (packed values; 0 for a set).
    pub values: usize,
    /// The bytes between the `|` after the values and the next `|`.
    pub kind: &'a [u8],
    /// The text after `|@`, if a field starts with `@`.
    pub rate: Option<&'a [u8]>,
    /// The tag section after `|#` (not split), if a field starts with `#`.
    pub tags: Option<&'a [u8]>,
    /// The rest of the line from the `|` after the type (empty if none).
    pub fields: &'a [u8],
}

/// Parses the decimal digits of an event header's length, wrapping, with no
/// check at all.
#[inline]
fn digits(bytes: &[u8]) -> usize {
    bytes.iter().fold(0usize, |n, &b| {
        n.wrapping_mul(10)
            .wrapping_add(usize::from(b.wrapping_sub(b'0')))
    })
}

/// The DogStatsD floor: [`parse_line`]'s cuts for a metric, plus what a quick
/// DogStatsD reader does on top, and nothing more. The type is cut first; unless
/// it is `s` (a set, whose member is left as text), each packed value is parsed
/// with `str::parse::<f64>` (cut at `:` with [`memchr`]); the fields after the
/// type are cut at `|` with [`memchr`] and only looked at by their first byte,
/// to pick out the rate (`@`, left as text) and the tag section (`#`, neither
/// split nor read); nothing else (`|T`, `|c:`, ...) is read. An `_e{` line is cut
/// at the title and text lengths (read digit by digit without a check), an
/// `_sc|` line at its next two `|`. No name, type, range, UTF-8, tag or field
/// validation; a line whose separators are missing gives `None`.
///
/// ```
/// use statsd_wire_benches::floor::{RawMessage, parse_dogstatsd_line};
/// let Some(RawMessage::Metric(m)) = parse_dogstatsd_line(b"api.latency:12.5:3|d|@0.5|#env:prod,host:web-1|c:abc") else { panic!() };
/// assert_eq!((m.value, m.values, m.kind), (12.5, 2, &b"d"[..]));
/// assert_eq!((m.rate, m.tags), (Some(&b"0.5"[..]), Some(&b"env:prod,host:web-1"[..])));
/// let Some(RawMessage::Event { title, text, .. }) = parse_dogstatsd_line(b"_e{5,4}:Title|Text|#a") else { panic!() };
/// assert_eq!((title, text), (&b"Title"[..], &b"Text"[..]));
/// ```
#[inline]
pub fn parse_dogstatsd_line(line: &[u8]) -> Option<RawMessage<'_>> {
    if let Some(header) = line.strip_prefix(b"_e{") {
        let comma = memchr::memchr(b',', header)?;
        let close = comma + 1 + memchr::memchr(b'}', &header[comma + 1..])?;
        let (title_len, text_len) = (digits(&header[..comma]), digits(&header[comma + 1..close]));
        let title_start = close + 2;
        let title = header.get(title_start..title_start.checked_add(title_len)?)?;
        let text_start = title_start + title_len + 1;
        let text = header.get(text_start..text_start.checked_add(text_len)?)?;
        let fields = &header[text_start + text_len..];
        return Some(RawMessage::Event {
            title,
            text,
            fields,
        });
    }
    if let Some(rest) = line.strip_prefix(b"_sc|") {
        let bar = memchr::memchr(b'|', rest)?;
        let (name, rest) = (&rest[..bar], &rest[bar + 1..]);
        let (status, fields) = match memchr::memchr(b'|', rest) {
            Some(i) => rest.split_at(i),
            None => (rest, &rest[rest.len()..]),
        };
        return Some(RawMessage::ServiceCheck {
            name,
            status,
            fields,
        });
    }
    let colon = memchr::memchr(b':', line)?;
    let (name, rest) = (&line[..colon], &line[colon + 1..]);
    let bar = memchr::memchr(b'|', rest)?;
    let raw_value = &rest[..bar];
    let after = &rest[bar + 1..];
    let (kind, fields) = match memchr::memchr(b'|', after) {
        Some(i) => after.split_at(i),
        None => (after, &after[after.len()..]),
    };
    let (mut value, mut values) = (f64::NAN, 0);
    if kind != b"s" {
        let mut items = raw_value;
        loop {
            let end = memchr::memchr(b':', items).unwrap_or(items.len());
            let v: f64 = core::str::from_utf8(&items[..end]).ok()?.parse().ok()?;
            if values == 0 {
                value = v;
            }
            values += 1;
            if end == items.len() {
                break;
            }
            items = &items[end + 1..];
        }
    }
    let (mut rate, mut tags) = (None, None);
    let mut rest = fields;
    while let Some((_bar, field)) = rest.split_first() {
        let end = memchr::memchr(b'|', field).unwrap_or(field.len());
        match field.first() {
            Some(b'@') => rate = Some(&field[1..end]),
            Some(b'#') => tags = Some(&field[1..end]),
            _ => {}
        }
        rest = &field[end..];
    }
    Some(RawMessage::Metric(RawDogMetric {
        name,
        raw_value,
        value,
        values,
        kind,
        rate,
        tags,
        fields,
    }))
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

    #[test]
    fn dogstatsd_floor_cuts_every_kind_of_line() {
        let Some(RawMessage::Metric(m)) =
            parse_dogstatsd_line(b"a.b:1:2:3|ms|#env:prod|@0.1|T1767225600")
        else {
            panic!()
        };
        assert_eq!((m.name, m.value, m.values), (&b"a.b"[..], 1.0, 3));
        assert_eq!(
            (m.rate, m.tags),
            (Some(&b"0.1"[..]), Some(&b"env:prod"[..]))
        );
        assert_eq!(m.fields, b"|#env:prod|@0.1|T1767225600");
        let Some(RawMessage::Metric(m)) = parse_dogstatsd_line(b"a:user_7|s") else {
            panic!()
        };
        assert_eq!((m.raw_value, m.values), (&b"user_7"[..], 0));
        let Some(RawMessage::ServiceCheck {
            name,
            status,
            fields,
        }) = parse_dogstatsd_line(b"_sc|db.up|2|m:down")
        else {
            panic!()
        };
        assert_eq!(
            (name, status, fields),
            (&b"db.up"[..], &b"2"[..], &b"|m:down"[..])
        );
        let Some(RawMessage::Event {
            title,
            text,
            fields,
        }) = parse_dogstatsd_line(b"_e{2,0}:Hi|")
        else {
            panic!()
        };
        assert_eq!((title, text, fields), (&b"Hi"[..], &b""[..], &b""[..]));
        assert!(parse_dogstatsd_line(b"_e{9,9}:Hi|there").is_none());
        assert!(parse_dogstatsd_line(b"a:1:x|d").is_none());
        assert!(parse_dogstatsd_line(b"_sc|db").is_none());
    }
}
