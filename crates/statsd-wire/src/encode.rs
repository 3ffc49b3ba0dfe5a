//! The canonical encoder.
//!
//! The canonical form of a metric is `<name>:<value>|<type>[|@<rate>]`: always
//! the explicit form (a meter of 1 is `name:1|m`, never the bare name); integers
//! in decimal without `+` or leading zeros; floats in their shortest round-trip
//! form, always with a `.` or an exponent (`1.0`, `12.5`, `1e21`, `1.5e-7`) so
//! they read back as floats, a zero without its sign (`0.0`: the sign of a zero
//! carries nothing, and a `-` would make an etsy gauge a delta); a gauge delta with its explicit sign (`+1`, `-1`,
//! `+0`); the rate as `|@<rate>` in its shortest round-trip digits written
//! without exponent (`|@0.5`, `|@0.0000001`, `|@1`). Lines of a datagram are
//! joined by `\n`, with no final `\n`.
//!
//! Every metric is validated before the first byte is written: an encoder never
//! writes a line that would not parse back to the same metric.

use core::fmt;

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use crate::config::Config;
use crate::error::{EncodeError, EncodeErrorKind};
use crate::metric::{Metric, MetricType, Number, Value};
use crate::parse::number::{Range, number_in_range};

#[cfg(feature = "alloc")]
mod fast;
mod short_decimal;

/// Stack buffers for formatting a [`Number`].
pub(crate) struct NumberBuf {
    int: itoa::Buffer,
    float: ryu::Buffer,
    short: [u8; short_decimal::MAX_LEN],
}

impl NumberBuf {
    pub(crate) fn new() -> Self {
        NumberBuf {
            int: itoa::Buffer::new(),
            float: ryu::Buffer::new(),
            short: [0; short_decimal::MAX_LEN],
        }
    }

    /// The canonical text of `n` (`NaN`, `inf` or `-inf` for a non-finite float,
    /// which no valid metric holds).
    pub(crate) fn format(&mut self, n: Number) -> &str {
        match n {
            Number::PosInt(v) => self.int.format(v),
            Number::NegInt(v) => self.int.format(v),
            Number::Float(v) => match short_decimal::format(v, &mut self.short) {
                Some(text) => text,
                None => self.float.format(v),
            },
        }
    }
}

/// Writes a sample rate in its canonical text: shortest round-trip digits,
/// plain decimal notation (no exponent), `1` for 1.
#[inline]
fn write_rate<W: fmt::Write>(w: &mut W, rate: f64) -> fmt::Result {
    if rate == 1.0 {
        return w.write_str("1");
    }
    // A rate outside (0, 1) (only a parsed dogstatsd rate, accepted with a
    // warning; the encoder refuses it) is written as any float: the plain-decimal
    // expansion below holds only for negative exponents.
    if !(rate > 0.0 && rate < 1.0) {
        return w.write_str(NumberBuf::new().format(Number::Float(rate)));
    }
    // A rate below 1 with at most four places (`0.1`, `0.25`) is written
    // `0.<digits>` by the fast path, exactly as below.
    if let Some(text) = short_decimal::format(rate, &mut [0; short_decimal::MAX_LEN]) {
        return w.write_str(text);
    }
    let mut buf = ryu::Buffer::new();
    let text = buf.format(rate);
    let Some((mantissa, exp)) = text.split_once('e') else {
        return w.write_str(text);
    };
    // A rate in (0, 1) in scientific notation has a negative exponent:
    // d[.ddd]e-N is 0.<N-1 zeros>dddd.
    let mut zeros = exp
        .trim_start_matches('-')
        .parse::<usize>()
        .unwrap_or(0)
        .saturating_sub(1);
    w.write_str("0.")?;
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    while zeros > 0 {
        let n = zeros.min(ZEROS.len());
        w.write_str(&ZEROS[..n])?;
        zeros -= n;
    }
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    w.write_str(int)?;
    w.write_str(frac)
}

/// The canonical text of a sample rate, as the encoder writes it after `|@`:
/// shortest round-trip digits in plain decimal notation, `1` for 1.
///
/// ```
/// use statsd_wire::format_sample_rate;
/// assert_eq!(format_sample_rate(0.5).to_string(), "0.5");
/// assert_eq!(format_sample_rate(1e-7).to_string(), "0.0000001");
/// assert_eq!(format_sample_rate(1.0).to_string(), "1");
/// ```
pub fn format_sample_rate(rate: f64) -> impl fmt::Display {
    struct Rate(f64);
    impl fmt::Display for Rate {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_rate(f, self.0)
        }
    }
    Rate(rate)
}

/// Counts the bytes written through it.
struct Counter(usize);

impl fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// Writes into a byte slice, failing when it is full.
struct SliceSink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl fmt::Write for SliceSink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

use crate::bytes::{CONTROL, RESERVED};
use crate::config::{Rules, ValueRange};
use crate::escaped::EscapedText;
use crate::fields::{MessageKind, UnknownFields};
use crate::message::{Event, Message, ServiceCheck};
use crate::tags::Tags;

fn byte_classes(s: &str) -> u8 {
    crate::bytes::classes(s.as_bytes())
}

fn has_control(s: &str) -> bool {
    byte_classes(s) & CONTROL != 0
}

/// A field text: no `|` and no control character.
fn check_field_text(s: &str) -> Result<(), EncodeErrorKind> {
    if s.contains('|') || has_control(s) {
        return Err(EncodeErrorKind::InvalidFieldText);
    }
    Ok(())
}

fn check_tags(tags: &Tags<'_>) -> Result<(), EncodeErrorKind> {
    let bad = |s: &str| s.contains([',', '|']) || has_control(s);
    match tags.as_wire() {
        Some(raw) => {
            if raw.contains('|') || has_control(raw) {
                return Err(EncodeErrorKind::InvalidTag);
            }
        }
        None => {
            let mut count = 0;
            for (k, v) in tags.iter() {
                if bad(k) || k.contains(':') || v.is_some_and(bad) {
                    return Err(EncodeErrorKind::InvalidTag);
                }
                count += 1;
            }
            // One empty tag would be written as an empty section: no tag at all.
            if count == 1 && tags.iter().eq([("", None)]) {
                return Err(EncodeErrorKind::InvalidTag);
            }
        }
    }
    Ok(())
}

/// The DogStatsD fields every message kind shares.
fn check_shared_fields(
    rules: &Rules,
    kind: MessageKind,
    tags: Option<&Tags<'_>>,
    texts: &[Option<&str>],
    unknown: &UnknownFields<'_>,
) -> Result<(), EncodeErrorKind> {
    if let Some(tags) = tags {
        if !rules.dogstatsd_fields {
            return Err(EncodeErrorKind::TagsNotAllowed);
        }
        check_tags(tags)?;
    }
    for text in texts.iter().flatten() {
        check_field_text(text)?;
    }
    for field in unknown.iter() {
        if !rules.dogstatsd_fields {
            return Err(EncodeErrorKind::FieldNotInDialect);
        }
        check_field_text(field)?;
        if crate::parse::fields::is_known(kind, field.as_bytes()) {
            return Err(EncodeErrorKind::InvalidFieldText);
        }
    }
    Ok(())
}

/// An event's title or text, or a service check's message.
fn check_text(t: &EscapedText<'_>, pipe_allowed: bool) -> Result<(), EncodeErrorKind> {
    let raw = t.raw();
    let control = match t.as_plain() {
        Some(plain) => plain.bytes().any(|b| (b < 0x20 && b != b'\n') || b == 0x7f),
        None => has_control(raw),
    };
    if control || !t.round_trips() || (!pipe_allowed && raw.contains('|')) {
        return Err(EncodeErrorKind::InvalidText);
    }
    Ok(())
}

/// Writes the fields every DogStatsD message kind shares, after the kind's own.
fn write_shared<W: fmt::Write>(
    w: &mut W,
    tags: Option<&Tags<'_>>,
    container_id: Option<&str>,
    external_data: Option<&str>,
) -> fmt::Result {
    if let Some(tags) = tags {
        w.write_str("|#")?;
        tags.write_wire(w)?;
    }
    if let Some(c) = container_id {
        w.write_str("|c:")?;
        w.write_str(c)?;
    }
    if let Some(e) = external_data {
        w.write_str("|e:")?;
        w.write_str(e)?;
    }
    Ok(())
}

fn write_unknown<W: fmt::Write>(w: &mut W, unknown: &UnknownFields<'_>) -> fmt::Result {
    for field in unknown.iter() {
        w.write_str("|")?;
        w.write_str(field)?;
    }
    Ok(())
}

/// What the encoder needs of each kind of message.
trait Canonical {
    /// Everything the dialect refuses, except the line length.
    fn check(&self, rules: &Rules) -> Result<(), EncodeErrorKind>;
    /// Writes the canonical text, unchecked.
    fn write_canonical<W: fmt::Write>(&self, w: &mut W) -> fmt::Result;
    /// Appends the canonical text to `out`, unchecked: [`write_canonical`]
    /// unless the kind has a faster way for its common shapes.
    ///
    /// [`write_canonical`]: Canonical::write_canonical
    #[cfg(feature = "alloc")]
    #[inline]
    fn write_vec(&self, out: &mut Vec<u8>) {
        // Writing into a Vec never fails.
        let _ = self.write_canonical(&mut VecSink(out));
    }
    /// Validates and appends the canonical text in one pass when the kind has
    /// a fast path for the message's shape and the dialect accepts it; `false`,
    /// with nothing appended, when [`check`](Canonical::check) and the writers
    /// must decide.
    #[cfg(feature = "alloc")]
    #[inline]
    fn encode_fast(&self, _config: &Config, _out: &mut Vec<u8>) -> bool {
        false
    }
}

fn encoded_len_of<C: Canonical>(c: &C) -> usize {
    let mut counter = Counter(0);
    // Counting never fails.
    let _ = c.write_canonical(&mut counter);
    counter.0
}

fn validate_of<C: Canonical>(c: &C, config: &Config) -> Result<(), EncodeError> {
    c.check(config.dialect().rules())?;
    if encoded_len_of(c) > config.max_line_len() {
        return Err(EncodeErrorKind::LineTooLong.into());
    }
    Ok(())
}

#[cfg(feature = "alloc")]
fn encode_of<C: Canonical>(c: &C, config: &Config, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    if c.encode_fast(config, out) {
        return Ok(());
    }
    encode_checked(c, config, out)
}

/// [`encode_of`] through `check` and the writers.
#[cfg(feature = "alloc")]
#[inline(never)]
fn encode_checked<C: Canonical>(
    c: &C,
    config: &Config,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    c.check(config.dialect().rules())?;
    let start = out.len();
    c.write_vec(out);
    if out.len() - start > config.max_line_len() {
        out.truncate(start);
        return Err(EncodeErrorKind::LineTooLong.into());
    }
    Ok(())
}

fn encode_to_slice_of<C: Canonical>(
    c: &C,
    config: &Config,
    buf: &mut [u8],
) -> Result<usize, EncodeError> {
    c.check(config.dialect().rules())?;
    let mut sink = SliceSink { buf, len: 0 };
    c.write_canonical(&mut sink)
        .map_err(|_| EncodeErrorKind::BufferTooSmall)?;
    if sink.len > config.max_line_len() {
        return Err(EncodeErrorKind::LineTooLong.into());
    }
    Ok(sink.len)
}

fn write_to_of<C: Canonical, W: fmt::Write>(
    c: &C,
    config: &Config,
    w: &mut W,
) -> Result<(), EncodeError> {
    validate_of(c, config)?;
    c.write_canonical(w)
        .map_err(|_| EncodeErrorKind::Fmt.into())
}

/// The public encoding methods, the same for every kind of message.
macro_rules! encoding_methods {
    ($example:literal) => {
        /// Checks the message against `config` without writing it: everything
        /// [`encode`](Self::encode) refuses, it refuses.
        pub fn validate(&self, config: &Config) -> Result<(), EncodeError> {
            validate_of(self, config)
        }

        /// The exact length in bytes of the canonical encoding (of a valid
        /// message).
        pub fn encoded_len(&self) -> usize {
            encoded_len_of(self)
        }

        /// Appends the canonical encoding to `out`, after validating the message
        /// against `config`. On error nothing is appended.
        #[doc = $example]
        #[cfg(feature = "alloc")]
        pub fn encode(&self, config: &Config, out: &mut Vec<u8>) -> Result<(), EncodeError> {
            encode_of(self, config, out)
        }

        /// Writes the canonical encoding into `buf`, after validating the
        /// message against `config`; returns the number of bytes written. No
        /// allocation.
        pub fn encode_to_slice(
            &self,
            config: &Config,
            buf: &mut [u8],
        ) -> Result<usize, EncodeError> {
            encode_to_slice_of(self, config, buf)
        }

        /// Writes the canonical encoding to a `fmt::Write` sink, after
        /// validating the message against `config` (length included), so
        /// nothing is written for an invalid message.
        pub fn write_to<W: fmt::Write>(
            &self,
            config: &Config,
            w: &mut W,
        ) -> Result<(), EncodeError> {
            write_to_of(self, config, w)
        }
    };
}

/// `n`, with a float zero's sign dropped (`-0.0 == 0.0`: the sign carries
/// nothing, and in the etsy dialect a `-` would make a gauge a delta).
fn unsigned_zero(n: Number) -> Number {
    match n {
        Number::Float(v) if v == 0.0 && v.is_sign_negative() => Number::Float(0.0),
        n => n,
    }
}

impl Canonical for Metric<'_> {
    fn check(&self, rules: &Rules) -> Result<(), EncodeErrorKind> {
        use EncodeErrorKind as E;
        if self.name.is_empty() {
            return Err(E::EmptyName);
        }
        // One pass finds whether the name holds `:`, `|` or a control character;
        // which one (for the error) is looked up only then.
        if crate::bytes::first_name_stop(self.name.as_bytes()).is_some() {
            let classes = byte_classes(self.name);
            if classes & RESERVED != 0 {
                return Err(E::ReservedByteInName);
            }
            return Err(E::ControlCharacterInName);
        }
        if rules.dogstatsd_fields && self.name.starts_with("_e{") {
            return Err(E::ReservedNamePrefix);
        }
        if self.delta && self.kind != MetricType::Gauge {
            return Err(E::DeltaNotAllowed);
        }
        let range = match rules.value_range {
            ValueRange::Any => Range::Any,
            _ if self.kind.is_signed() || self.delta => Range::Signed,
            _ => Range::Unsigned,
        };
        let check_number = |n: Number| match n {
            Number::Float(v) if !v.is_finite() => Err(E::NonFiniteValue),
            n if !number_in_range(n, range) => Err(E::ValueOutOfRange),
            _ => Ok(()),
        };
        match (self.kind, self.value) {
            (MetricType::Set, Value::Set(member)) => {
                let classes = byte_classes(member);
                let colon = member.contains(':');
                if member.is_empty()
                    || classes & CONTROL != 0
                    || member.contains('|')
                    || (colon && !rules.set_member_colon)
                {
                    return Err(E::InvalidSetMember);
                }
            }
            (MetricType::Set, Value::Packed(_)) => return Err(E::InvalidPackedValues),
            (MetricType::Set, Value::Number(_)) | (_, Value::Set(_)) => {
                return Err(E::ValueKindMismatch);
            }
            (_, Value::Number(n)) => check_number(n)?,
            (_, Value::Packed(p)) => {
                if !rules.packed_values || p.is_empty() {
                    return Err(E::InvalidPackedValues);
                }
                p.iter().try_for_each(check_number)?;
            }
        }
        if !rules.types.contains(&self.kind) {
            return Err(E::TypeNotInDialect);
        }
        if let Some(rate) = self.sample_rate {
            if !(rate > 0.0 && rate <= 1.0) {
                return Err(E::SampleRateOutOfRange);
            }
            if !rules.sample_rate_types.contains(&self.kind) {
                return Err(E::SampleRateNotAllowed);
            }
        }
        if self.delta && !rules.gauge_deltas {
            return Err(E::DeltaNotAllowed);
        }
        let dogstatsd_only = self.timestamp.is_some()
            || self.container_id.is_some()
            || self.external_data.is_some()
            || self.cardinality.is_some();
        if dogstatsd_only && !rules.dogstatsd_fields {
            return Err(E::FieldNotInDialect);
        }
        if let Some(ts) = self.timestamp {
            if ts == 0 || ts > i64::MAX as u64 {
                return Err(E::InvalidTimestamp);
            }
        }
        let no_shared_field = self.tags.is_none()
            && self.container_id.is_none()
            && self.external_data.is_none()
            && self.unknown_fields.has_no_field();
        if no_shared_field {
            // Nothing for `check_shared_fields` to refuse (the common case).
            return Ok(());
        }
        check_shared_fields(
            rules,
            MessageKind::Metric,
            self.tags.as_ref(),
            &[self.container_id, self.external_data],
            &self.unknown_fields,
        )
    }

    fn write_canonical<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        w.write_str(self.name)?;
        w.write_str(":")?;
        let mut buf = NumberBuf::new();
        match self.value {
            Value::Set(member) => w.write_str(member)?,
            Value::Number(n) => {
                if self.delta && !n.is_sign_negative() {
                    w.write_str("+")?;
                }
                // Outside a delta the sign of a zero carries nothing.
                let n = if self.delta { n } else { unsigned_zero(n) };
                w.write_str(buf.format(n))?;
            }
            Value::Packed(p) => {
                for (i, n) in p.iter().enumerate() {
                    if i > 0 {
                        w.write_str(":")?;
                    }
                    w.write_str(buf.format(unsigned_zero(n)))?;
                }
            }
        }
        w.write_str("|")?;
        w.write_str(self.kind.code())?;
        if let Some(rate) = self.sample_rate {
            w.write_str("|@")?;
            write_rate(w, rate)?;
        }
        write_shared(w, self.tags.as_ref(), self.container_id, self.external_data)?;
        if let Some(ts) = self.timestamp {
            w.write_str("|T")?;
            w.write_str(itoa::Buffer::new().format(ts))?;
        }
        if let Some(card) = self.cardinality {
            w.write_str("|card:")?;
            w.write_str(card.as_str())?;
        }
        write_unknown(w, &self.unknown_fields)
    }

    /// The common shape (one number, at most a sample rate, no other field)
    /// appended straight to `out`, after one reservation for the whole line;
    /// any other metric through [`write_canonical`](Canonical::write_canonical).
    /// The same bytes: the same pieces in the same order.
    #[cfg(feature = "alloc")]
    #[inline]
    fn write_vec(&self, out: &mut Vec<u8>) {
        let plain = self.tags.is_none()
            && self.timestamp.is_none()
            && self.container_id.is_none()
            && self.external_data.is_none()
            && self.cardinality.is_none()
            && self.unknown_fields.has_no_field();
        let Value::Number(n) = self.value else {
            let _ = self.write_canonical(&mut VecSink(out));
            return;
        };
        if !plain {
            let _ = self.write_canonical(&mut VecSink(out));
            return;
        }
        // The name, `:`, `+`, the number (at most 24 bytes), `|`, the code
        // (at most 2) and `|@<rate>` (a rate of the common shapes is short; a
        // longer one grows the buffer once more).
        let rate_len = if self.sample_rate.is_some() { 28 } else { 0 };
        out.reserve(self.name.len() + 30 + rate_len);
        out.extend_from_slice(self.name.as_bytes());
        out.push(b':');
        if self.delta && !n.is_sign_negative() {
            out.push(b'+');
        }
        // Outside a delta the sign of a zero carries nothing.
        let n = if self.delta { n } else { unsigned_zero(n) };
        match n {
            Number::PosInt(v) => out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes()),
            n => out.extend_from_slice(NumberBuf::new().format(n).as_bytes()),
        }
        out.push(b'|');
        out.extend_from_slice(self.kind.code().as_bytes());
        if let Some(rate) = self.sample_rate {
            out.extend_from_slice(b"|@");
            let _ = write_rate(&mut VecSink(out), rate);
        }
    }

    #[cfg(feature = "alloc")]
    #[inline]
    fn encode_fast(&self, config: &Config, out: &mut Vec<u8>) -> bool {
        fast::encode_metric(self, config, out)
    }
}

impl Metric<'_> {
    encoding_methods!(
        "```\nuse statsd_wire::{Config, Metric, MetricType};\nlet mut out = Vec::new();\nMetric::gauge_delta(\"confBridgeUsers\", 1i64).encode(&Config::etsy(), &mut out).unwrap();\nassert_eq!(out, b\"confBridgeUsers:+1|g\");\n```"
    );
}

impl Canonical for Event<'_> {
    fn check(&self, rules: &Rules) -> Result<(), EncodeErrorKind> {
        if !rules.dogstatsd_fields {
            return Err(EncodeErrorKind::MessageNotInDialect);
        }
        if self.title.is_empty() {
            return Err(EncodeErrorKind::EmptyEventTitle);
        }
        check_text(&self.title, true)?;
        check_text(&self.text, true)?;
        check_shared_fields(
            rules,
            MessageKind::Event,
            self.tags.as_ref(),
            &[
                self.hostname,
                self.aggregation_key,
                self.source_type,
                self.container_id,
                self.external_data,
            ],
            &self.unknown_fields,
        )
    }

    fn write_canonical<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        let mut int = itoa::Buffer::new();
        w.write_str("_e{")?;
        w.write_str(int.format(self.title.wire_len()))?;
        w.write_str(",")?;
        w.write_str(int.format(self.text.wire_len()))?;
        w.write_str("}:")?;
        self.title.write_wire(w)?;
        w.write_str("|")?;
        self.text.write_wire(w)?;
        if let Some(d) = self.timestamp {
            w.write_str("|d:")?;
            w.write_str(int.format(d))?;
        }
        for (prefix, value) in [
            ("|h:", self.hostname),
            ("|k:", self.aggregation_key),
            ("|p:", self.priority.map(|p| p.as_str())),
            ("|s:", self.source_type),
            ("|t:", self.alert_type.map(|t| t.as_str())),
        ] {
            if let Some(v) = value {
                w.write_str(prefix)?;
                w.write_str(v)?;
            }
        }
        write_shared(w, self.tags.as_ref(), self.container_id, self.external_data)?;
        if let Some(card) = self.cardinality {
            w.write_str("|card:")?;
            w.write_str(card.as_str())?;
        }
        write_unknown(w, &self.unknown_fields)
    }
}

impl Event<'_> {
    encoding_methods!(
        "```\nuse statsd_wire::{Config, Event};\nlet mut out = Vec::new();\nEvent::new(\"Deploy\", \"line 1\\nline 2\").encode(&Config::dogstatsd(), &mut out).unwrap();\nassert_eq!(out, br\"_e{6,14}:Deploy|line 1\\nline 2\");\n```"
    );
}

impl Canonical for ServiceCheck<'_> {
    fn check(&self, rules: &Rules) -> Result<(), EncodeErrorKind> {
        if !rules.dogstatsd_fields {
            return Err(EncodeErrorKind::MessageNotInDialect);
        }
        if self.name.is_empty() {
            return Err(EncodeErrorKind::EmptyName);
        }
        let classes = byte_classes(self.name);
        if self.name.contains('|') {
            return Err(EncodeErrorKind::ReservedByteInName);
        }
        if classes & CONTROL != 0 {
            return Err(EncodeErrorKind::ControlCharacterInName);
        }
        if let Some(m) = &self.message {
            check_text(m, false)?;
        }
        check_shared_fields(
            rules,
            MessageKind::ServiceCheck,
            self.tags.as_ref(),
            &[self.hostname, self.container_id, self.external_data],
            &self.unknown_fields,
        )
    }

    fn write_canonical<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        w.write_str("_sc|")?;
        w.write_str(self.name)?;
        w.write_str("|")?;
        w.write_str(self.status.as_str())?;
        if let Some(d) = self.timestamp {
            w.write_str("|d:")?;
            w.write_str(itoa::Buffer::new().format(d))?;
        }
        if let Some(h) = self.hostname {
            w.write_str("|h:")?;
            w.write_str(h)?;
        }
        write_shared(w, self.tags.as_ref(), self.container_id, self.external_data)?;
        if let Some(card) = self.cardinality {
            w.write_str("|card:")?;
            w.write_str(card.as_str())?;
        }
        write_unknown(w, &self.unknown_fields)?;
        if let Some(m) = &self.message {
            w.write_str("|m:")?;
            m.write_wire(w)?;
        }
        Ok(())
    }
}

impl ServiceCheck<'_> {
    encoding_methods!(
        "```\nuse statsd_wire::{Config, ServiceCheck, ServiceCheckStatus};\nlet mut out = Vec::new();\nServiceCheck::new(\"db.up\", ServiceCheckStatus::Ok).encode(&Config::dogstatsd(), &mut out).unwrap();\nassert_eq!(out, b\"_sc|db.up|0\");\n```"
    );
}

impl Canonical for Message<'_> {
    fn check(&self, rules: &Rules) -> Result<(), EncodeErrorKind> {
        match self {
            Message::Metric(m) => m.check(rules),
            Message::Event(e) => e.check(rules),
            Message::ServiceCheck(c) => c.check(rules),
        }
    }

    #[cfg(feature = "alloc")]
    #[inline]
    fn encode_fast(&self, config: &Config, out: &mut Vec<u8>) -> bool {
        match self {
            Message::Metric(m) => m.encode_fast(config, out),
            _ => false,
        }
    }

    fn write_canonical<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        match self {
            Message::Metric(m) => m.write_canonical(w),
            Message::Event(e) => e.write_canonical(w),
            Message::ServiceCheck(c) => c.write_canonical(w),
        }
    }
}

impl Message<'_> {
    encoding_methods!(
        "```\nuse statsd_wire::{Config, Message, Metric, MetricType};\nlet mut out = Vec::new();\nMessage::from(Metric::new(\"a\", MetricType::Counter, 1)).encode(&Config::dogstatsd(), &mut out).unwrap();\nassert_eq!(out, b\"a:1|c\");\n```"
    );
}

/// Formats the canonical encoding of what the message holds, without checking
/// it against any dialect: it never fails and never panics, so it can show a
/// message the encoder refused (a NaN value prints as `NaN`). Use `encode` or
/// `validate` to know whether a dialect can carry it.
macro_rules! display_canonical {
    ($($t:ident),*) => {$(
        impl fmt::Display for $t<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.write_canonical(f)
            }
        }
    )*};
}

display_canonical!(Metric, Event, ServiceCheck, Message);

#[cfg(feature = "alloc")]
struct VecSink<'v>(&'v mut Vec<u8>);

#[cfg(feature = "alloc")]
impl fmt::Write for VecSink<'_> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Encodes metrics as one datagram, joined by `\n` (no final `\n`), appended to
/// `out`. Every metric is validated first; on error nothing is appended.
///
/// ```
/// use statsd_wire::{encode_datagram, Config, Metric, MetricType};
/// let metrics = [
///     Metric::new("a", MetricType::Counter, 1u64),
///     Metric::new("b", MetricType::Gauge, 2.5),
/// ];
/// let mut out = Vec::new();
/// encode_datagram(&metrics, &Config::spec(), &mut out).unwrap();
/// assert_eq!(out, b"a:1|c\nb:2.5|g");
/// ```
#[cfg(feature = "alloc")]
pub fn encode_datagram<'m, 'a: 'm>(
    metrics: impl IntoIterator<Item = &'m Metric<'a>>,
    config: &Config,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    encode_lines(metrics, config, out, |m, c, o| m.encode(c, o))
}

/// Encodes messages of every kind as one datagram, like [`encode_datagram`].
#[cfg(feature = "alloc")]
pub fn encode_messages<'m, 'a: 'm>(
    messages: impl IntoIterator<Item = &'m Message<'a>>,
    config: &Config,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    encode_lines(messages, config, out, |m, c, o| m.encode(c, o))
}

#[cfg(feature = "alloc")]
fn encode_lines<'m, T: 'm>(
    items: impl IntoIterator<Item = &'m T>,
    config: &Config,
    out: &mut Vec<u8>,
    encode: impl Fn(&T, &Config, &mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if let Err(e) = encode(item, config, out) {
            out.truncate(start);
            return Err(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_outside_the_unit_interval_keep_their_value() {
        // A dogstatsd line may hold such a rate (with a warning); its text must
        // still read back as the same number (1e20 was written 0.000...01).
        for (rate, text) in [
            (1e20, "1e20"),
            (2.0, "2.0"),
            (0.0, "0.0"),
            (-0.5, "-0.5"),
            (1e-20, "0.00000000000000000001"),
        ] {
            assert_eq!(format_sample_rate(rate).to_string(), text);
        }
    }

    #[test]
    fn rates_are_plain_decimals() {
        let f = |r: f64| format_sample_rate(r).to_string();
        assert_eq!(f(1.0), "1");
        assert_eq!(f(0.5), "0.5");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1e-7), "0.0000001");
        assert_eq!(f(1.5e-7), "0.00000015");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(1.2345e-10), "0.00000000012345");
        let tiny = f(5e-324);
        assert_eq!(tiny.len(), 2 + 323 + 1);
        assert_eq!(tiny.parse::<f64>().unwrap(), 5e-324);
    }

    #[test]
    fn floats_always_show_a_dot_or_an_exponent() {
        let mut b = NumberBuf::new();
        assert_eq!(b.format(Number::Float(1.0)), "1.0");
        assert_eq!(b.format(Number::Float(-0.0)), "-0.0");
        assert_eq!(b.format(Number::Float(1e21)), "1e21");
        assert_eq!(b.format(Number::Float(1.5e-7)), "1.5e-7");
        assert_eq!(b.format(Number::PosInt(u64::MAX)), "18446744073709551615");
        assert_eq!(b.format(Number::NegInt(-i64::MAX)), "-9223372036854775807");
    }
}
