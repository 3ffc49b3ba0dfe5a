//! Adapter-protocol (version 2) wrapper around two crates.io StatsD parsers:
//!
//! * `statsd-parser` 0.3.0 (appsignal): `statsd_parser::parse(String)`
//! * `statsdproto` 0.1.1 (theatrus): `StatsdPDU::new(Bytes) -> Option<StatsdPDU>`
//!
//! Usage: `statsd-peer-crates --impl statsd-parser|statsdproto <subcommand> ...`
//! (the two wrapper scripts next to Cargo.toml fill in `--impl`).
//!
//! Both crates parse ONE line. The adapter splits the datagram on `\n`, skips
//! empty lines, calls the crate once per line under `catch_unwind` (a panic
//! makes the adapter exit 70, which the runner records as CRASH) and maps the
//! crate's result onto the protocol's LineResult / Metric. Neither crate has
//! an encoder, so `encode` exits 89. See ../README.md for the mapping rules.
//!
//! Both crates claim DogStatsD support (statsd-parser: tags and service checks;
//! statsdproto: tags), so both declare the `dogstatsd` dialect too, and
//! protocol version 2's `messages`: statsd-parser `["metric",
//! "service_check"]` (in the dogstatsd dialect its service checks are
//! reported as such; in spec and etsy they are rejected lines, not metrics),
//! statsdproto `["metric"]` (it has no events or service checks: the runner
//! reports those cases UNIMPLEMENTED).

use std::io::{self, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::exit;

use serde_json::{json, Map, Value};

/// Exit code used when the wrapped crate panics (anything but 0/1/89 is a CRASH).
const EXIT_CRASH: i32 = 70;
/// Exit code for "not implemented" (dialect or operation).
const EXIT_UNIMPLEMENTED: i32 = 89;
/// Exit code for adapter usage errors (also a CRASH for the runner).
const EXIT_USAGE: i32 = 64;

/// Dialects this adapter accepts. The crates have one behaviour each; the
/// runner grades that behaviour against every dialect.
const DIALECTS: [&str; 3] = ["spec", "etsy", "dogstatsd"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Impl {
    StatsdParser,
    Statsdproto,
}

impl Impl {
    fn from_name(s: &str) -> Option<Impl> {
        match s {
            "statsd-parser" => Some(Impl::StatsdParser),
            "statsdproto" => Some(Impl::Statsdproto),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Impl::StatsdParser => "statsd-parser",
            Impl::Statsdproto => "statsdproto",
        }
    }

    /// The pinned crate version (kept in sync with Cargo.toml / Cargo.lock).
    fn version(self) -> &'static str {
        match self {
            Impl::StatsdParser => "0.3.0",
            Impl::Statsdproto => "0.1.1",
        }
    }

    /// The kinds of line the crate reads (protocol version 2 `messages`).
    fn messages(self) -> &'static [&'static str] {
        match self {
            Impl::StatsdParser => &["metric", "service_check"],
            Impl::Statsdproto => &["metric"],
        }
    }

    /// Decode one non-empty line into a LineResult (`dogstatsd`: the dialect
    /// run is dogstatsd, where service checks are lines of their own).
    fn decode_line(self, line: &[u8], dogstatsd: bool) -> Value {
        // Self-test hook (test-peers.sh): panic on this exact line, to check
        // that a panic in the crate becomes exit 70 / {"exit": 70}.
        if let Some(p) = std::env::var_os("PEER_CRATES_PANIC_ON") {
            if p.as_encoded_bytes() == line {
                panic!("PEER_CRATES_PANIC_ON matched");
            }
        }
        match self {
            Impl::StatsdParser => statsd_parser_line(line, dogstatsd),
            Impl::Statsdproto => statsdproto_line(line),
        }
    }
}

/// A number reported by a crate as `f64`, rendered as the shortest decimal that
/// round-trips: Rust's `Display` (no exponent) unless that is longer than 21
/// characters, then `LowerExp` (`1e300`, `9.223372036854776e18`). Non-finite
/// values are `NaN`, `inf`, `-inf` (the same spelling statsd-wire uses).
fn f64_str(v: f64) -> String {
    let plain = format!("{v}");
    if plain.len() > 21 && v.is_finite() {
        format!("{v:e}")
    } else {
        plain
    }
}

/// A name or value that may not be UTF-8: `(key, Value)` with `key` or
/// `key_hex` (lower-case hex of the raw bytes).
fn bytes_field(key: &str, bytes: &[u8]) -> (String, Value) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (key.to_string(), Value::String(s.to_string())),
        Err(_) => (format!("{key}_hex"), Value::String(hex(bytes))),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn reject(message: String) -> Value {
    json!({"ok": false, "error": {"message": message}})
}

fn accept(metric: Map<String, Value>) -> Value {
    json!({"ok": true, "metric": Value::Object(metric)})
}

// ---------------------------------------------------------------- statsd-parser

/// A timestamp the crate reads as `f64`: the integer it was when it is one.
fn seconds_str(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        f64_str(v)
    }
}

/// The crate's tags (a BTreeMap: sorted by key, duplicates collapsed, last
/// wins; a bare tag has the value "" -> reported as null).
fn statsd_parser_tags(tags: &Option<std::collections::BTreeMap<String, String>>) -> Value {
    match tags {
        None => Value::Null,
        Some(t) => Value::Array(
            t.iter()
                .map(|(k, v)| {
                    let v = if v.is_empty() { Value::Null } else { Value::String(v.clone()) };
                    json!([k, v])
                })
                .collect(),
        ),
    }
}

fn statsd_parser_line(line: &[u8], dogstatsd: bool) -> Value {
    use statsd_parser::Metric as M;
    // The crate takes a String; invalid UTF-8 is replaced by U+FFFD (the only
    // way to hand such a line to this API), so the name is reported as text.
    let text = String::from_utf8_lossy(line).into_owned();
    let msg = match statsd_parser::parse(text) {
        Ok(m) => m,
        Err(e) => return reject(format!("{e} ({e:?})")),
    };
    let (ty, value, rate) = match &msg.metric {
        M::Counter(c) => ("counter", c.value, c.sample_rate),
        M::Gauge(g) => ("gauge", g.value, g.sample_rate),
        M::Timing(t) => ("timer", t.value, t.sample_rate),
        M::Histogram(h) => ("histogram", h.value, h.sample_rate),
        M::Meter(m) => ("meter", m.value, m.sample_rate),
        M::ServiceCheck(sc) if dogstatsd => {
            use statsd_parser::Status as S;
            let status = match sc.status {
                S::OK => "0",
                S::WARNING => "1",
                S::CRITICAL => "2",
                S::UNKNOWN => "3",
            };
            // The message is reported as the crate returns it (it does not
            // unescape `\n`).
            return json!({"ok": true, "service_check": {
                "name": msg.name,
                "status": status,
                "timestamp": sc.timestamp.map(seconds_str),
                "hostname": sc.hostname,
                "message": sc.message,
                "tags": statsd_parser_tags(&msg.tags),
            }});
        }
        M::ServiceCheck(sc) => {
            return reject(format!(
                "statsd-parser parsed a DogStatsD service check (name {:?}, status {:?}), not a metric",
                msg.name, sc.status
            ))
        }
    };
    let mut m = Map::new();
    m.insert("name".into(), Value::String(msg.name.clone()));
    m.insert("type".into(), Value::String(ty.into()));
    m.insert("values".into(), json!([f64_str(value)]));
    m.insert(
        "sample_rate".into(),
        rate.map_or(Value::Null, |r| Value::String(f64_str(r))),
    );
    if ty == "gauge" {
        // The crate parses the sign into the f64 and has no delta notion.
        m.insert("delta".into(), Value::Bool(false));
    }
    m.insert("tags".into(), statsd_parser_tags(&msg.tags));
    accept(m)
}

// ------------------------------------------------------------------ statsdproto

/// The crate returns raw slices and validates nothing; the adapter maps the
/// type slice onto the protocol's closed type list and rejects a PDU whose type
/// slice is none of them (the crate itself would hand e.g. `x`, `c|` or `c\r`
/// to its caller).
fn statsdproto_type(t: &[u8]) -> Option<&'static str> {
    Some(match t {
        b"c" => "counter",
        b"g" => "gauge",
        b"ms" => "timer",
        b"h" => "histogram",
        b"m" => "meter",
        b"s" => "set",
        b"d" => "distribution",
        _ => return None,
    })
}

fn statsdproto_line(line: &[u8]) -> Value {
    use statsdproto::statsd::StatsdPDU;
    let pdu = match StatsdPDU::new(bytes::Bytes::copy_from_slice(line)) {
        Some(p) => p,
        None => return reject("StatsdPDU::new returned None".to_string()),
    };
    let ty = match statsdproto_type(pdu.pdu_type()) {
        Some(t) => t,
        None => {
            return reject(format!(
                "StatsdPDU::new accepted the line but its type field {:?} is not a StatsD metric type (name {:?}, value {:?})",
                String::from_utf8_lossy(pdu.pdu_type()),
                String::from_utf8_lossy(pdu.name()),
                String::from_utf8_lossy(pdu.value()),
            ))
        }
    };
    let mut m = Map::new();
    let (k, v) = bytes_field("name", pdu.name());
    m.insert(k, v);
    m.insert("type".into(), Value::String(ty.into()));
    // Values are the raw bytes of the value field, unparsed (the crate does no
    // number parsing): "+4", "1e3", "" and "0x10" are reported as-is.
    let value = match std::str::from_utf8(pdu.value()) {
        Ok(s) => json!([s]),
        Err(_) => {
            m.insert("value_hex".into(), Value::String(hex(pdu.value())));
            json!([])
        }
    };
    m.insert("values".into(), value);
    m.insert(
        "sample_rate".into(),
        match pdu.sample_rate() {
            None => Value::Null,
            Some(r) => match std::str::from_utf8(r) {
                Ok(s) => Value::String(s.to_string()),
                Err(_) => Value::String(String::from_utf8_lossy(r).into_owned()),
            },
        },
    );
    if ty == "gauge" {
        // No interpretation of a sign: the sign stays in the raw value.
        m.insert("delta".into(), Value::Bool(false));
    }
    // Tags are one raw slice; split on ',' and at the first ':' of each tag
    // (DogStatsD convention), order and duplicates kept.
    let tags = match pdu.tags() {
        None => Value::Null,
        Some(t) => {
            let text = String::from_utf8_lossy(t);
            Value::Array(
                text.split(',')
                    .map(|tag| match tag.split_once(':') {
                        Some((k, v)) => json!([k, v]),
                        None => json!([tag, null]),
                    })
                    .collect(),
            )
        }
    };
    m.insert("tags".into(), tags);
    accept(m)
}

// ---------------------------------------------------------------- the protocol

/// Decode a whole datagram: split on `\n`, skip empty lines, one LineResult per
/// remaining line. A panic inside the crate propagates as `Err`.
fn decode_datagram(imp: Impl, datagram: &[u8], dogstatsd: bool) -> Result<Value, ()> {
    let mut lines = Vec::new();
    for line in datagram.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        let r = panic::catch_unwind(AssertUnwindSafe(|| imp.decode_line(line, dogstatsd)));
        match r {
            Ok(v) => lines.push(v),
            Err(_) => return Err(()),
        }
    }
    Ok(json!({ "lines": lines }))
}

fn capabilities(imp: Impl) -> Value {
    json!({
        "protocol": 2,
        "name": imp.name(),
        "version": imp.version(),
        "dialects": DIALECTS,
        "ops": ["decode", "batch"],
        "messages": imp.messages(),
        "features": {"error_class": false, "error_offset": false, "canonical": false}
    })
}

fn dialect_arg(args: &[String]) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--dialect" {
            return it.next().cloned();
        }
        if let Some(d) = a.strip_prefix("--dialect=") {
            return Some(d.to_string());
        }
    }
    None
}

fn crash(imp: Impl) -> ! {
    let _ = io::stdout().flush();
    eprintln!("{}: the crate panicked; exiting {EXIT_CRASH}", imp.name());
    exit(EXIT_CRASH)
}

fn run_batch(imp: Impl, dialect_ok: bool, dogstatsd: bool) -> i32 {
    let stdin = io::stdin();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut buf = String::new();
    let mut input = stdin.lock();
    let die_on_crash = std::env::var("PEER_BATCH_DIE_ON_CRASH").as_deref() == Ok("1");
    loop {
        buf.clear();
        match io::BufRead::read_line(&mut input, &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("batch: cannot read stdin: {e}");
                return EXIT_USAGE;
            }
        }
        if buf.trim().is_empty() {
            continue;
        }
        let req: Value = match serde_json::from_str(buf.trim_end()) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("batch: bad request line: {e}");
                return EXIT_USAGE;
            }
        };
        let id = req.get("id").cloned().unwrap_or(Value::Null);
        let op = req.get("op").and_then(Value::as_str).unwrap_or("");
        let resp = if !dialect_ok || op != "decode" {
            json!({"id": id, "exit": EXIT_UNIMPLEMENTED})
        } else {
            let datagram = if let Some(s) = req.get("input").and_then(Value::as_str) {
                s.as_bytes().to_vec()
            } else if let Some(h) = req.get("input_hex").and_then(Value::as_str) {
                match unhex(h) {
                    Some(b) => b,
                    None => {
                        eprintln!("batch: bad input_hex for id {id}");
                        return EXIT_USAGE;
                    }
                }
            } else {
                eprintln!("batch: request {id} has neither input nor input_hex");
                return EXIT_USAGE;
            };
            match decode_datagram(imp, &datagram, dogstatsd) {
                Ok(Value::Object(mut body)) => {
                    body.insert("id".into(), id);
                    body.insert("exit".into(), json!(0));
                    Value::Object(body)
                }
                Ok(_) => unreachable!("decode_datagram returns an object"),
                Err(()) => {
                    // A panic is this case's CRASH. The crate keeps no state
                    // between calls, so the batch goes on unless asked to die
                    // (then the runner re-runs the rest one process per case).
                    if die_on_crash {
                        let _ = out.flush();
                        drop(out);
                        crash(imp)
                    }
                    eprintln!("{}: the crate panicked on case {id}", imp.name());
                    json!({"id": id, "exit": EXIT_CRASH})
                }
            }
        };
        let _ = writeln!(out, "{resp}");
        // Flush per answer so a crash later in the batch keeps earlier answers.
        let _ = out.flush();
    }
    0
}

fn main() {
    // Keep the default panic message on stderr (useful in the report), but
    // the exit code is decided below.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (imp, rest) = match args.as_slice() {
        [flag, name, rest @ ..] if flag == "--impl" => match Impl::from_name(name) {
            Some(i) => (i, rest),
            None => {
                eprintln!("unknown --impl {name:?} (statsd-parser | statsdproto)");
                exit(EXIT_USAGE)
            }
        },
        _ => {
            eprintln!("usage: statsd-peer-crates --impl statsd-parser|statsdproto capabilities|decode|encode|batch [--dialect D]");
            exit(EXIT_USAGE)
        }
    };
    let sub = rest.first().map(String::as_str).unwrap_or("");
    let dialect = dialect_arg(rest);
    let dialect_ok = dialect.as_deref().is_some_and(|d| DIALECTS.contains(&d));
    let dogstatsd = dialect.as_deref() == Some("dogstatsd");
    let code = match sub {
        "capabilities" => {
            println!("{}", capabilities(imp));
            0
        }
        "decode" => {
            if !dialect_ok {
                eprintln!("dialect {dialect:?} not implemented");
                exit(EXIT_UNIMPLEMENTED);
            }
            let mut data = Vec::new();
            if let Err(e) = io::stdin().read_to_end(&mut data) {
                eprintln!("cannot read stdin: {e}");
                exit(EXIT_USAGE);
            }
            match decode_datagram(imp, &data, dogstatsd) {
                Ok(v) => {
                    println!("{v}");
                    0
                }
                Err(()) => crash(imp),
            }
        }
        "encode" => {
            // Drain stdin so the writer never sees EPIPE.
            let _ = io::stdin().read_to_end(&mut Vec::new());
            eprintln!("{} has no encoder", imp.name());
            EXIT_UNIMPLEMENTED
        }
        "batch" => run_batch(imp, dialect_ok, dogstatsd),
        other => {
            eprintln!("unknown subcommand {other:?}");
            EXIT_USAGE
        }
    };
    let _ = io::stdout().flush();
    exit(code)
}
