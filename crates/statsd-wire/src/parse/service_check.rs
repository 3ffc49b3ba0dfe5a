//! DogStatsD service checks: `_sc|<name>|<status>[|<field>...]`, status one of
//! `0` `1` `2` `3`, the message `|m:` escaped like an event's text.

use super::fields::{self, Field};
use super::line::{CONTROL, SharedFields, read_message_fields, split_at_pipe};
use super::{Fault, Found, str_at};
use crate::bytes::has_control;
use crate::error::ErrorKind;
use crate::escaped::EscapedText;
use crate::fields::MessageKind;
use crate::message::{ServiceCheck, ServiceCheckStatus};

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
    let (status, rest) = split_at_pipe(after_pipe);
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
    let ServiceCheck {
        tags,
        container_id,
        external_data,
        cardinality,
        timestamp,
        hostname,
        message,
        ..
    } = &mut check;
    let shared = SharedFields {
        tags,
        container_id,
        external_data,
        cardinality,
    };
    let unknown = read_message_fields(
        MessageKind::ServiceCheck,
        body,
        text,
        (status_end, rest),
        shared,
        found,
        |f, value| {
            match f {
                Field::Date(v) => return fields::date(v).map(|d| *timestamp = Some(d)).is_some(),
                Field::Hostname(_) => *hostname = Some(value),
                Field::Message(_) => *message = Some(EscapedText::wire(value)),
                // `classify` gives a service check no other field.
                _ => {}
            }
            true
        },
    )?;
    check.unknown_fields = unknown;
    Ok(check)
}
