//! DogStatsD events: `_e{<title length>,<text length>}:<title>|<text>[|<field>...]`.
//!
//! The lengths count the title's and the text's bytes as sent (escapes
//! included), as the Datadog Agent counts them. Unlike the Agent, every
//! separator is checked: the header's `,`, `}` and `:`, a `|` right after the
//! title, and a `|` (or the end of the line) right after the text; a header
//! whose lengths disagree with the line is an error, never a silently cut text.

use super::fields::{self, Field};
use super::line::{CONTROL, field_text, note_duplicate, read_shared_field, split_at_pipe};
use super::{Fault, Found, str_at};
use crate::bytes::has_control;
use crate::error::ErrorKind;
use crate::escaped::EscapedText;
use crate::fields::{MessageKind, UnknownFields};
use crate::message::Event;
use crate::warning::WarningKind;

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

    let mut rest = &body[text_end..];
    let mut pos = text_end;
    if rest.is_empty() {
        return Ok(event);
    }
    let section_start = pos + 1;
    let mut seen = 0u32;
    while let Some((_pipe, after_pipe)) = rest.split_first() {
        let start = pos + 1;
        let (field, next) = split_at_pipe(after_pipe);
        let end = start + field.len();
        let f = fields::classify(MessageKind::Event, field);
        let shared = read_shared_field(
            f,
            body,
            text,
            start,
            end,
            &mut event.tags,
            &mut event.container_id,
            &mut event.external_data,
            &mut event.cardinality,
            found,
        )?;
        let mut known = true;
        if !shared {
            let value = field_text(body, text, start + 2, end)?;
            match f {
                Field::Date(v) => match fields::date(v) {
                    Some(d) => event.timestamp = Some(d),
                    None => known = false,
                },
                Field::Hostname(_) => event.hostname = Some(value),
                Field::AggregationKey(_) => event.aggregation_key = Some(value),
                Field::SourceType(_) => event.source_type = Some(value),
                Field::Priority(v) => match fields::priority(v) {
                    Some(p) => event.priority = Some(p),
                    None => known = false,
                },
                Field::AlertType(v) => match fields::alert_type(v) {
                    Some(t) => event.alert_type = Some(t),
                    None => known = false,
                },
                _ => return Err((ErrorKind::UnknownField, start, end)),
            }
            if !known {
                found.warn(WarningKind::InvalidFieldValue, start, end);
            }
        }
        if known && !matches!(f, Field::Cardinality(v) if fields::cardinality(v).is_none()) {
            note_duplicate(&f, &mut seen, start, end, found);
        }
        pos = end;
        rest = next;
    }
    event.unknown_fields = UnknownFields::wire(
        Some(str_at(body, text, section_start, pos)?),
        MessageKind::Event,
    );
    Ok(event)
}
