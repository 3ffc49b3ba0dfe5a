//! A zero-copy parser and canonical encoder for the StatsD line protocol.
//!
//! `statsd-wire` reads every metric type of the StatsD Metrics Export
//! Specification v0.1 (gauge `g`, counter `c` with `|@rate`, timer `ms`,
//! histogram `h`, meter `m` and the bare-name meter shorthand), checks the
//! spec's integer ranges exactly, and reports every rejected line with a
//! located, `Copy` [`ParseError`]. Real servers disagree on the details, so the
//! rules come in [`Dialect`]s: the strict `spec` (the default) and `etsy` (gauge
//! deltas, sets, CRLF, rates on every type).
//!
//! ```
//! use statsd_wire::{parse_datagram, Config, MetricType, Number, Value};
//!
//! let datagram = b"api.requests:1|c|@0.1\nconfBridgeUsers:+1|g\nbad line\npage.views\n";
//! let mut good = Vec::new();
//! for result in parse_datagram(datagram, &Config::etsy()) {
//!     match result {
//!         Ok(metric) => good.push(metric),
//!         Err(e) => eprintln!("{e}"), // line 3, column 9: missing value (...)
//!     }
//! }
//! assert_eq!(good.len(), 2); // the etsy dialect has no bare-name meters
//! assert_eq!(good[0].sample_rate, Some(0.1));
//! assert!(good[1].delta && good[1].kind == MetricType::Gauge);
//! assert_eq!(good[1].value, Value::Number(Number::PosInt(1)));
//! assert_eq!(good[1].to_string(), "confBridgeUsers:+1|g");
//! ```
//!
//! # Design
//!
//! - [`Metric<'a>`](Metric) borrows its name (and set member) from the input:
//!   parsing allocates nothing. [`OwnedMetric`] (feature `alloc`) owns its text.
//! - Integers are exact over their whole range (`u64` / `i64`, never `f64`);
//!   floats are finite `f64`. See [`Number`].
//! - Errors carry an [`ErrorKind`] whose [`code`](ErrorKind::code) is the error
//!   class used by the conformance vectors, a byte [`Span`] and a line index.
//! - The encoder writes the canonical form and refuses, before writing anything,
//!   what it cannot write faithfully. `parse(encode(m)) == m` for every valid `m`.
//!
//! # Features
//!
//! - `std` (default): `std::error::Error` impls; implies `alloc`.
//! - `alloc`: [`OwnedMetric`], [`Metric::encode`] and [`encode_datagram`] into a
//!   `Vec<u8>`. Without it the crate is `no_std` and still parses and encodes
//!   (into a `&mut [u8]` or any `fmt::Write`).
//! - `arbitrary`: `Arbitrary` for the data model.
//! - `serde`: `Serialize` for every message type (the adapter protocol's
//!   shape), `Deserialize` for [`Number`], [`MetricType`] and [`OwnedMetric`].
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod bytes;
mod config;
mod encode;
mod error;
mod escaped;
mod fields;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod message;
mod metric;
mod number_ops;
#[cfg(feature = "alloc")]
mod pack;
mod packed;
mod parse;
#[cfg(feature = "alloc")]
mod render;
#[cfg(feature = "serde")]
mod serde_impls;
mod tags;
mod view;
mod warning;

pub use config::{Config, Dialect, Leniency, NumberGrammar, Rules, UnknownDialect, ValueRange};
pub use encode::format_sample_rate;
#[cfg(feature = "alloc")]
pub use encode::{encode_datagram, encode_messages};
pub use error::{Category, EncodeError, EncodeErrorKind, ErrorKind, ParseError, Span};
pub use escaped::{Chunks, EscapedText};
pub use fields::{MessageKind, UnknownFieldIter, UnknownFields};
pub use message::{
    AlertType, Cardinality, Event, Message, Priority, ServiceCheck, ServiceCheckStatus,
};
pub use metric::{Metric, MetricType, Number, Numbers, UnknownMetricType, Value};
#[cfg(feature = "alloc")]
pub use metric::{OwnedMetric, OwnedValue};
#[cfg(feature = "alloc")]
pub use pack::{DatagramPacker, pack_datagrams};
pub use packed::{Packed, PackedIter};
pub use parse::{
    Lines, Messages, MessagesWithRaw, Parsed, RawLine, WithRaw, parse_datagram, parse_line,
    parse_message, parse_messages,
};
#[cfg(feature = "alloc")]
pub use render::{Excerpt, escape_for_display, needs_escape};
pub use tags::{TagIter, Tags};
pub use view::{MetricView, Samples};
pub use warning::{Warning, WarningKind, Warnings};

/// The workspace README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;
