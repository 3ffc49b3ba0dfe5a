//! DogStatsD events: `_e{<title length>,<text length>}:<title>|<text>[|<field>...]`.
//!
//! The lengths count the title's and the text's bytes as sent (escapes
//! included), as the Datadog Agent counts them. Unlike the Agent, every
//! separator is checked: the header's `,`, `}` and `:`, a `|` right after the
//! title, and a `|` (or the end of the line) right after the text; a header
//! whose lengths disagree with the line is an error, never a silently cut text.

use super::fields::{self, Field};
use super::line::{CONTROL, SharedFields, read_message_fields};
use super::{Fault, Found, str_at};
use crate::bytes::has_control;
use crate::error::ErrorKind;
use crate::escaped::EscapedText;
use crate::fields::MessageKind;
use crate::message::Event;

/// The prefix that makes a line an event.
pub(crate) const PREFIX: &[u8] = b"_e{";

/// Reads `[0-9]+` at `pos`; returns the value and the position after it.
fn length_at(body: &[u8], pos: usize) -> Result<(usize, usize), Fault> {
    let digits = body[pos..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return Err((
            ErrorKind::InvalidEventHeader,
            pos,
            (pos + 1).min(body.len()),
        ));
    }
    let value = body[pos..pos + digits]
        .iter()
        .try_fold(0usize, |acc, d| {
            acc.checked_mul(10)?.checked_add(usize::from(d - b'0'))
        })
        .ok_or((ErrorKind::EventLengthMismatch, pos, pos + digits))?;
    Ok((value, pos + digits))
}

/// Expects byte `b` at `pos`.
fn expect(body: &[u8], pos: usize, b: u8, kind: ErrorKind) -> Result<usize, Fault> {
    match body.get(pos) {
        Some(&got) if got == b => Ok(pos + 1),
        Some(_) => Err((kind, pos, pos + 1)),
        None => Err((kind, pos, pos)),
    }
}

/// A title or text at `start..end`: no control character, UTF-8, and cut on
/// character boundaries (else the lengths are wrong).
fn escaped_at<'a>(
    body: &'a [u8],
    text: &'a str,
    start: usize,
    end: usize,
) -> Result<EscapedText<'a>, Fault> {
    if has_control(&body[start..end]) {
        return Err(CONTROL);
    }
    if text.len() >= end && !(text.is_char_boundary(start) && text.is_char_boundary(end)) {
        return Err((ErrorKind::EventLengthMismatch, start, end));
    }
    Ok(EscapedText::wire(str_at(body, text, start, end)?))
}

/// Parses an event line's body (which starts with [`PREFIX`]).
pub(super) fn parse_event<'a>(
    body: &'a [u8],
    text: &'a str,
    found: &mut Found,
) -> Result<Event<'a>, Fault> {
    let h = ErrorKind::InvalidEventHeader;
    let title_len_at = PREFIX.len();
    let (title_len, pos) = length_at(body, title_len_at)?;
    let pos = expect(body, pos, b',', h)?;
    let (text_len, pos) = length_at(body, pos)?;
    let pos = expect(body, pos, b'}', h)?;
    let title_start = expect(body, pos, b':', h)?;
    if title_len == 0 {
        return Err((ErrorKind::EmptyEventTitle, title_len_at, title_len_at + 1));
    }
    let mismatch = |at: usize| (ErrorKind::EventLengthMismatch, at, (at + 1).min(body.len()));
    let title_end = title_start
        .checked_add(title_len)
        .filter(|&e| e <= body.len())
        .ok_or(mismatch(body.len()))?;
    let text_start = expect(body, title_end, b'|', ErrorKind::EventLengthMismatch)?;
    let text_end = text_start
        .checked_add(text_len)
        .filter(|&e| e <= body.len())
        .ok_or(mismatch(body.len()))?;
    if let Some(&b) = body.get(text_end) {
        if b != b'|' {
            return Err(mismatch(text_end));
        }
    }
    let mut event = Event::new("", "");
    event.title = escaped_at(body, text, title_start, title_end)?;
    event.text = escaped_at(body, text, text_start, text_end)?;

    let Event {
        tags,
        container_id,
        external_data,
        cardinality,
        timestamp,
        hostname,
        aggregation_key,
        source_type,
        priority,
        alert_type,
        ..
    } = &mut event;
    let shared = SharedFields {
        tags,
        container_id,
        external_data,
        cardinality,
    };
    let rest = &body[text_end..];
    let unknown = read_message_fields(
        MessageKind::Event,
        body,
        text,
        (text_end, rest),
        shared,
        found,
        |f, value| {
            match f {
                Field::Date(v) => return fields::date(v).map(|d| *timestamp = Some(d)).is_some(),
                Field::Priority(v) => {
                    return fields::priority(v).map(|p| *priority = Some(p)).is_some();
                }
                Field::AlertType(v) => {
                    return fields::alert_type(v)
                        .map(|t| *alert_type = Some(t))
                        .is_some();
                }
                Field::Hostname(_) => *hostname = Some(value),
                Field::AggregationKey(_) => *aggregation_key = Some(value),
                Field::SourceType(_) => *source_type = Some(value),
                // `classify` gives an event no other field.
                _ => {}
            }
            true
        },
    )?;
    event.unknown_fields = unknown;
    Ok(event)
}
