//! The StatsD adapter protocol, version 2: how the conformance runner talks to
//! any StatsD implementation (`spec-vectors/README.md` restates the protocol;
//! the protocol file is normative).
//!
//! This crate holds the protocol's JSON forms ([`JsonMetric`], [`JsonEvent`],
//! [`JsonServiceCheck`], [`LineResult`], [`Capabilities`], encode and batch
//! requests), the conversions between them and [`statsd_wire::Message`], exact decimal comparison ([`decimal_eq`]) and the
//! reference adapter's operations ([`adapter`]), shared by the `statsd-wire`
//! command line and the `statsd-conformance` runner.
//!
//! ```
//! use statsd_wire::Config;
//! use statsd_wire_protocol::adapter::decode;
//! let out = decode(b"gorets:1|c\nbad\n", &Config::etsy());
//! assert_eq!(
//!     serde_json::to_string(&out).unwrap(),
//!     r#"{"lines":[{"ok":true,"metric":{"name":"gorets","type":"counter","values":["1"],"sample_rate":null,"delta":false,"tags":null}},{"ok":false,"error":{"class":"missing_value","offset":14,"message":"line 2, column 4: missing value (write the metric as <name>:<value>|<type>, e.g. requests:1|c)"}}]}"#
//! );
//! ```
//!
//! Version 2 adds events, service checks and the DogStatsD fields (the
//! `dogstatsd` dialect), and `{"messages": [...]}` encode requests:
//!
//! ```
//! use statsd_wire::Config;
//! use statsd_wire_protocol::adapter::{decode, encode};
//! let out = decode(b"_sc|db.up|2|m:replica lag\na:1:2|d|T1657100540", &Config::dogstatsd());
//! assert_eq!(
//!     serde_json::to_string(&out).unwrap(),
//!     r#"{"lines":[{"ok":true,"service_check":{"name":"db.up","status":"2","timestamp":null,"hostname":null,"message":"replica lag","tags":null}},{"ok":true,"metric":{"name":"a","type":"distribution","values":["1","2"],"sample_rate":null,"delta":false,"tags":null,"timestamp":"1657100540"}}]}"#
//! );
//! let request = br#"{"messages":[{"event":{"title":"Deploy","text":"line 1\nline 2","alert_type":"warning"}}]}"#;
//! assert_eq!(
//!     encode(request, &Config::dogstatsd()).unwrap(),
//!     br"_e{6,14}:Deploy|line 1\nline 2|t:warning"
//! );
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod adapter;
mod decimal;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod json;

pub use decimal::{Decimal, decimal_eq};
pub use json::{
    BatchRequest, BatchResponse, Capabilities, DecodeOutput, EncodeRequest, Features, JsonError,
    JsonEvent, JsonMessage, JsonMetric, JsonServiceCheck, JsonWarning, LineResult, Refusal,
    encode_json_messages, encode_json_metrics, event_to_json, hex_decode, hex_encode,
    message_to_json, metric_to_json, service_check_to_json,
};

/// The protocol version this crate speaks (version 2: events, service checks
/// and the DogStatsD fields; a superset of version 1).
pub const PROTOCOL_VERSION: u32 = 2;

/// Exit code: processed (decode, encode, capabilities, batch).
pub const EXIT_OK: i32 = 0;
/// Exit code: the whole datagram was rejected (decode) or the metrics refused
/// (encode).
pub const EXIT_REJECTED: i32 = 1;
/// Exit code: dialect or operation not implemented (or, for `encode`, a
/// message kind the adapter does not declare).
pub const EXIT_UNIMPLEMENTED: i32 = 89;
