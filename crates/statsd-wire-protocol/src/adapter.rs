//! The reference adapter's operations over statsd-wire, independent of any I/O:
//! the `statsd-wire adapter` command and the in-process conformance runner both
//! call these.

use statsd_wire::{Config, Dialect, parse_messages};

use crate::json::{
    BatchRequest, BatchResponse, Capabilities, DecodeOutput, EncodeRequest, Features, LineResult,
    Refusal, encode_json_messages, hex_decode, hex_encode,
};
use crate::{EXIT_OK, EXIT_REJECTED, EXIT_UNIMPLEMENTED, PROTOCOL_VERSION};

/// The dialects the reference adapter answers for: every dialect of the core.
pub const DIALECTS: &[Dialect] = Dialect::ALL;

/// The kinds of line the reference adapter understands (capabilities'
/// `messages`).
pub const MESSAGES: &[&str] = &["metric", "event", "service_check"];

/// The reference implementation's capabilities.
pub fn capabilities() -> Capabilities {
    Capabilities {
        protocol: PROTOCOL_VERSION,
        name: "statsd-wire".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        dialects: DIALECTS.iter().map(|d| d.name().to_string()).collect(),
        ops: vec!["decode".into(), "encode".into(), "batch".into()],
        messages: Some(MESSAGES.iter().map(|k| (*k).to_string()).collect()),
        features: Features {
            error_class: true,
            error_offset: true,
            canonical: true,
        },
    }
}

/// The configuration for a protocol dialect name, or `None` when it is not
/// implemented (exit code 89).
pub fn config_for(dialect: &str) -> Option<Config> {
    let dialect = dialect.parse::<Dialect>().ok()?;
    DIALECTS.contains(&dialect).then(|| Config::new(dialect))
}

/// `decode`: one result per line of the datagram (metrics, events and service
/// checks, as the dialect reads them).
pub fn decode(datagram: &[u8], config: &Config) -> DecodeOutput {
    DecodeOutput {
        lines: parse_messages(datagram, config)
            .map(|r| LineResult::from_parsed(&r))
            .collect(),
    }
}

/// `decode` with each accepted line's warnings ([`LineResult::warnings`]):
/// not part of the protocol, for the in-process conformance run, which grades
/// the reference implementation's warnings.
pub fn decode_with_warnings(datagram: &[u8], config: &Config) -> DecodeOutput {
    DecodeOutput {
        lines: parse_messages(datagram, config)
            .map(|r| LineResult::from_parsed_with_warnings(&r))
            .collect(),
    }
}

/// `encode`: the datagram for an `{"metrics": [...]}` or `{"messages": [...]}`
/// request.
pub fn encode(request: &[u8], config: &Config) -> Result<Vec<u8>, Refusal> {
    let request: EncodeRequest =
        serde_json::from_slice(request).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    encode_json_messages(&request.into_messages()?, config)
}

/// `batch`: the response line for one request line (`None` when the dialect is
/// not implemented, so every response is 89).
pub fn batch_line(line: &str, config: Option<&Config>) -> BatchResponse {
    let request: BatchRequest = match serde_json::from_str(line) {
        Ok(r) => r,
        Err(e) => {
            return BatchResponse {
                exit: EXIT_REJECTED,
                message: Some(format!("bad request: {e}")),
                ..BatchResponse::default()
            };
        }
    };
    let mut response = BatchResponse {
        id: request.id.clone(),
        ..BatchResponse::default()
    };
    let Some(config) = config else {
        response.exit = EXIT_UNIMPLEMENTED;
        return response;
    };
    match request.op.as_str() {
        "decode" => {
            let bytes = match (&request.input, &request.input_hex) {
                (Some(text), _) => Some(text.as_bytes().to_vec()),
                (None, Some(hex)) => hex_decode(hex),
                (None, None) => None,
            };
            match bytes {
                Some(bytes) => {
                    response.exit = EXIT_OK;
                    response.lines = Some(decode(&bytes, config).lines);
                }
                None => {
                    response.exit = EXIT_REJECTED;
                    response.message = Some("bad request: no input or input_hex".into());
                }
            }
        }
        "encode" => {
            let request = EncodeRequest {
                metrics: request.metrics.unwrap_or_default(),
                messages: request.messages,
            };
            match request
                .into_messages()
                .and_then(|messages| encode_json_messages(&messages, config))
            {
                Ok(bytes) => {
                    response.exit = EXIT_OK;
                    match String::from_utf8(bytes) {
                        Ok(text) => response.output = Some(text),
                        Err(e) => response.output_hex = Some(hex_encode(e.as_bytes())),
                    }
                }
                Err(refusal) => {
                    response.exit = EXIT_REJECTED;
                    response.message = Some(refusal.to_string());
                }
            }
        }
        other => {
            response.exit = EXIT_UNIMPLEMENTED;
            response.message = Some(format!("unknown op {other:?}"));
        }
    }
    response
}
