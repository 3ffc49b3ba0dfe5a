//! DogStatsD service checks: `_sc|<name>|<status>[|<field>...]`, status one of
//! `0` `1` `2` `3`, the message `|m:` escaped like an event's text.

use super::fields::{self, Field};
use super::line::{CONTROL, field_text, note_duplicate, read_shared_field, split_at_pipe};
use super::{Fault, Found, str_at};
use crate::bytes::has_control;
use crate::error::ErrorKind;
use crate::escaped::EscapedText;
use crate::fields::{MessageKind, UnknownFields};
use crate::message::{ServiceCheck, ServiceCheckStatus};
use crate::warning::WarningKind;

/// The prefix that makes a line a service check.
pub(crate) const PREFIX: &[u8] = b"_sc|";

/// Parses a service-check line's body (which starts with [`PREFIX`]).
pub(super) fn parse_service_check<'a>(
    body: &'a [u8],
    text: &'a str,
    found: &mut Found,
) -> Result<ServiceCheck<'a>, Fault> {
    let name_start = PREFIX.len();
    let (name, rest) = split_at_pipe(&body[name_start..]);
    let name_end = name_start + name.len();
    if name.is_empty() {
        return Err((
            ErrorKind::EmptyName,
            name_start,
            (name_start + 1).min(body.len()),
        ));
    }
    if has_control(name) {
        return Err(CONTROL);
    }
    let name = str_at(body, text, name_start, name_end)?;
    let Some((_pipe, after_pipe)) = rest.split_first() else {
        return Err((ErrorKind::InvalidServiceCheckStatus, name_end, name_end));
    };
    let status_start = name_end + 1;
    let (status, mut rest) = split_at_pipe(after_pipe);
    let status_end = status_start + status.len();
    let status = match status {
        [digit] => ServiceCheckStatus::from_digit(*digit),
        _ => None,
    }
    .ok_or((
        ErrorKind::InvalidServiceCheckStatus,
        status_start,
        status_end,
    ))?;

    let mut check = ServiceCheck::new(name, status);
    let mut pos = status_end;
    if rest.is_empty() {
        return Ok(check);
    }
    let section_start = pos + 1;
    let mut seen = 0u32;
    while let Some((_pipe, after_pipe)) = rest.split_first() {
        let start = pos + 1;
        let (field, next) = split_at_pipe(after_pipe);
        let end = start + field.len();
        let f = fields::classify(MessageKind::ServiceCheck, field);
        let shared = read_shared_field(
            f,
            body,
            text,
            start,
            end,
            &mut check.tags,
            &mut check.container_id,
            &mut check.external_data,
            &mut check.cardinality,
            found,
        )?;
        let mut known = true;
        if !shared {
            let value = field_text(body, text, start + 2, end)?;
            match f {
                Field::Date(v) => match fields::date(v) {
                    Some(d) => check.timestamp = Some(d),
                    None => known = false,
                },
                Field::Hostname(_) => check.hostname = Some(value),
                Field::Message(_) => check.message = Some(EscapedText::wire(value)),
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
    check.unknown_fields = UnknownFields::wire(
        Some(str_at(body, text, section_start, pos)?),
        MessageKind::ServiceCheck,
    );
    Ok(check)
}
