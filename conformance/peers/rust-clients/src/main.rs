//! Adapter (protocol version 1) over two crates.io StatsD clients, encode only:
//!
//!     statsd-peer-clients --impl cadence|dogstatsd capabilities | encode --dialect D | batch --dialect D
//!
//! Each request metric goes through the client's public API for its type; the
//! bytes are captured, never sent to a server:
//!
//! - cadence 1.8.0: `StatsdClient::from_sink("", SpyMetricSink)`, the crate's
//!   own test sink, which hands over every datagram the client writes; the
//!   `*_with_tags` builders with `with_sampling_rate` / `with_tag` and
//!   `try_send()` (an `Err` is a refusal).
//! - dogstatsd 0.12.4: a `Client` whose `to_addr` is a UDP socket this process
//!   bound on 127.0.0.1 (the crate has no test sink; the datagram never leaves
//!   the loopback interface), one `recv` per call.
//!
//! Values are passed the way a Rust program holding the number would: an
//! integer literal as `i64` (or `u64` where the API takes one and the value
//! needs it), anything else as `f64`; where the API takes text
//! (dogstatsd's gauge, histogram, distribution, set), the number's `to_string()`
//! (set members as given). A metric the API cannot express (a type, a float
//! where only integers are taken, a rate, a delta, tags, several values) is
//! refused: exit 1, with the reason on stderr. Exit 89: dialect or op not
//! implemented; 70: the client panicked.
//!
//! Dialects: `DIALECTS` per implementation. A DogStatsD column is added by
//! declaring `dogstatsd` there: tags are already passed to the clients.

use std::io::{BufRead, Read, Write};
use std::net::UdpSocket;
use std::time::Duration;

use serde_json::{json, Value};

const EXIT_REFUSED: i32 = 1;
const EXIT_CRASH: i32 = 70;
const EXIT_USAGE: i32 = 64;
const EXIT_UNIMPLEMENTED: i32 = 89;

const IMPLS: &[(&str, &str, &[&str])] = &[
    // (name, crate version, dialects)
    ("cadence", "1.8.0", &["spec", "etsy", "dogstatsd"]),
    ("dogstatsd", "0.12.4", &["spec", "etsy", "dogstatsd"]),
];

type Refusal = String;

struct M<'a> {
    name: &'a str,
    kind: &'a str,
    value: &'a str,
    rate: Option<f64>,
    delta: bool,
    tags: Option<Vec<(String, Option<String>)>>,
}

fn parse_metric(v: &Value) -> Result<M<'_>, Refusal> {
    let name = v["name"]
        .as_str()
        .ok_or("no name (name_hex is not expressible)")?;
    let kind = v["type"].as_str().ok_or("no type")?;
    let values = v["values"].as_array().ok_or("no values")?;
    if values.len() != 1 {
        return Err(format!(
            "the client writes one value per call, not {}",
            v["values"]
        ));
    }
    let value = values[0].as_str().ok_or("value is not a string")?;
    let rate = match &v["sample_rate"] {
        Value::Null => None,
        Value::String(s) => Some(
            s.parse::<f64>()
                .map_err(|_| format!("rate {s:?} is not a number"))?,
        ),
        other => return Err(format!("bad sample_rate {other}")),
    };
    let tags = match &v["tags"] {
        Value::Null => None,
        Value::Array(pairs) => Some(
            pairs
                .iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap_or_default().to_string(),
                        p[1].as_str().map(str::to_string),
                    )
                })
                .collect(),
        ),
        other => return Err(format!("bad tags {other}")),
    };
    let delta = v["delta"].as_bool().unwrap_or(false);
    if delta && kind != "gauge" {
        // A delta exists only on gauges: no client API can say "delta" for another type.
        return Err(no(&format!("a delta on a {kind}")));
    }
    Ok(M {
        name,
        kind,
        value,
        rate,
        delta,
        tags,
    })
}

fn is_int(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
}

fn int_i64(m: &M) -> Result<i64, Refusal> {
    if !is_int(m.value) {
        return Err(format!(
            "the {} API takes integers, not {:?}",
            m.kind, m.value
        ));
    }
    m.value
        .parse::<i64>()
        .map_err(|_| format!("{:?} does not fit the API's i64", m.value))
}

fn float(m: &M) -> Result<f64, Refusal> {
    m.value
        .parse::<f64>()
        .map_err(|_| format!("{:?} is not a number", m.value))
}

/// Integer literal -> u64 when it fits, else the f64 a program would hold.
enum UOrF {
    U(u64),
    F(f64),
}

fn u_or_f(m: &M) -> Result<UOrF, Refusal> {
    if is_int(m.value) {
        if let Ok(u) = m.value.parse::<u64>() {
            return Ok(UOrF::U(u));
        }
    }
    float(m).map(UOrF::F)
}

fn no(what: &str) -> Refusal {
    format!("the client has no API for {what}")
}

// ---------------------------------------------------------------- cadence

fn encode_cadence(metrics: &[Value]) -> Result<Vec<Vec<u8>>, Refusal> {
    use cadence::prelude::*;
    use cadence::{MetricBuilder, SpyMetricSink, StatsdClient};

    let (rx, sink) = SpyMetricSink::new();
    let client = StatsdClient::from_sink("", sink);

    fn finish<'m, 'c, T: cadence::Metric + From<String>>(
        mut b: MetricBuilder<'m, 'c, T>,
        m: &M,
        tags: &'m [(String, Option<String>)],
    ) -> Result<(), Refusal> {
        if let Some(r) = m.rate {
            b = b.with_sampling_rate(r);
        }
        for (k, v) in tags {
            b = match v {
                Some(v) => b.with_tag(k, v),
                None => b.with_tag_value(k),
            };
        }
        b.try_send()
            .map(|_| ())
            .map_err(|e| format!("cadence: {e}"))
    }

    for v in metrics {
        let m = parse_metric(v)?;
        let tags = m.tags.clone().unwrap_or_default();
        let c = &client;
        match m.kind {
            "counter" => {
                if is_int(m.value) && m.value.parse::<i64>().is_err() {
                    let u = m
                        .value
                        .parse::<u64>()
                        .map_err(|_| format!("{:?} fits neither i64 nor u64", m.value))?;
                    finish(c.count_with_tags(m.name, u), &m, &tags)?
                } else {
                    finish(c.count_with_tags(m.name, int_i64(&m)?), &m, &tags)?
                }
            }
            "gauge" if m.delta => return Err(no("gauge deltas (cadence has none, by design)")),
            "gauge" => match u_or_f(&m)? {
                UOrF::U(u) => finish(c.gauge_with_tags(m.name, u), &m, &tags)?,
                UOrF::F(f) => finish(c.gauge_with_tags(m.name, f), &m, &tags)?,
            },
            "timer" => match u_or_f(&m)? {
                UOrF::U(u) => finish(c.time_with_tags(m.name, u), &m, &tags)?,
                UOrF::F(_) => return Err(no("non-integer (or negative) timer milliseconds")),
            },
            "meter" => match u_or_f(&m)? {
                UOrF::U(u) => finish(c.meter_with_tags(m.name, u), &m, &tags)?,
                UOrF::F(_) => return Err(no("non-integer (or negative) meter values")),
            },
            "histogram" => match u_or_f(&m)? {
                UOrF::U(u) => finish(c.histogram_with_tags(m.name, u), &m, &tags)?,
                UOrF::F(f) => finish(c.histogram_with_tags(m.name, f), &m, &tags)?,
            },
            "distribution" => match u_or_f(&m)? {
                UOrF::U(u) => finish(c.distribution_with_tags(m.name, u), &m, &tags)?,
                UOrF::F(f) => finish(c.distribution_with_tags(m.name, f), &m, &tags)?,
            },
            "set" => {
                let member: i64 = m
                    .value
                    .parse()
                    .map_err(|_| no(&format!("set members that are not i64 ({:?})", m.value)))?;
                finish(c.set_with_tags(m.name, member), &m, &tags)?
            }
            other => return Err(no(other)),
        }
    }
    drop(client);
    Ok(rx.try_iter().collect())
}

// -------------------------------------------------------------- dogstatsd

fn encode_dogstatsd(metrics: &[Value]) -> Result<Vec<Vec<u8>>, Refusal> {
    use dogstatsd::{Client, Options};

    let server = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("harness: bind: {e}"))?;
    server.set_read_timeout(Some(Duration::from_secs(2))).ok();
    let to = server
        .local_addr()
        .map_err(|e| format!("harness: {e}"))?
        .to_string();
    let client = Client::new(Options::new("127.0.0.1:0", &to, "", vec![], None, None))
        .map_err(|e| format!("harness: dogstatsd Client::new: {e}"))?;
    let mut out = Vec::new();
    for v in metrics {
        let m = parse_metric(v)?;
        if m.rate.is_some() {
            return Err(no("sample rates"));
        }
        if m.delta {
            return Err(no("gauge deltas"));
        }
        let tags: Vec<String> = m
            .tags
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}:{v}"),
                None => k,
            })
            .collect();
        let text = |m: &M| -> Result<String, Refusal> {
            Ok(match u_or_f(m)? {
                UOrF::U(u) => u.to_string(),
                UOrF::F(f) if is_int(m.value) => (f as i64).to_string(),
                UOrF::F(f) => f.to_string(),
            })
        };
        let r = match m.kind {
            "counter" => client.count(m.name, int_i64(&m)?, &tags),
            "timer" => client.timing(m.name, int_i64(&m)?, &tags),
            "gauge" => client.gauge(m.name, text(&m)?, &tags),
            "histogram" => client.histogram(m.name, text(&m)?, &tags),
            "distribution" => client.distribution(m.name, text(&m)?, &tags),
            "set" => client.set(m.name, m.value, &tags),
            other => return Err(no(other)),
        };
        r.map_err(|e| format!("dogstatsd: {e}"))?;
        let mut buf = vec![0u8; 65536];
        let n = server
            .recv(&mut buf)
            .map_err(|e| format!("harness: nothing received: {e}"))?;
        out.push(buf[..n].to_vec());
    }
    Ok(out)
}

// ------------------------------------------------------------ command line

fn encode(imp: &str, body: &Value) -> Result<Vec<u8>, Refusal> {
    let metrics = body["metrics"].as_array().ok_or("no metrics array")?;
    if metrics.is_empty() {
        return Ok(Vec::new()); // nothing to send: an empty datagram
    }
    let sent = match imp {
        "cadence" => encode_cadence(metrics)?,
        _ => encode_dogstatsd(metrics)?,
    };
    if sent.is_empty() {
        return Err("the client sent nothing".into());
    }
    Ok(sent.join(&b'\n'))
}

/// (exit code, output)
fn handle(imp: &str, dialects: &[&str], op: &str, dialect: &str, body: &Value) -> (i32, Vec<u8>) {
    if !dialects.contains(&dialect) {
        eprintln!("{imp} adapter: dialect {dialect:?} not implemented");
        return (EXIT_UNIMPLEMENTED, Vec::new());
    }
    if op != "encode" {
        eprintln!("{imp} adapter: {imp} has no decoder");
        return (EXIT_UNIMPLEMENTED, Vec::new());
    }
    match std::panic::catch_unwind(|| encode(imp, body)) {
        Ok(Ok(out)) => (0, out),
        Ok(Err(why)) if why.starts_with("harness:") => {
            eprintln!("{imp} adapter: {why}");
            (75, Vec::new())
        }
        Ok(Err(why)) => {
            eprintln!("{imp} adapter: refused: {why}");
            (EXIT_REFUSED, Vec::new())
        }
        Err(_) => {
            eprintln!("{imp} adapter: the client panicked");
            (EXIT_CRASH, Vec::new())
        }
    }
}

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let prefix = format!("{name}=");
    for (i, a) in args.iter().enumerate() {
        if a == name {
            return args.get(i + 1).map(String::as_str);
        }
        if let Some(v) = a.strip_prefix(&prefix) {
            return Some(v);
        }
    }
    None
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    for (k, _) in std::env::vars() {
        if k.starts_with("DD_") {
            std::env::remove_var(k); // dogstatsd adds env:/service:/version: tags from DD_*
        }
    }
    let Some(&(imp, version, dialects)) =
        arg(&args, "--impl").and_then(|i| IMPLS.iter().find(|x| x.0 == i))
    else {
        eprintln!("usage: statsd-peer-clients --impl cadence|dogstatsd capabilities|encode|batch --dialect D");
        std::process::exit(EXIT_USAGE);
    };
    let rest: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            *a != "--impl" && !(*i > 0 && args[i - 1] == "--impl") && !a.starts_with("--impl=")
        })
        .map(|(_, a)| a.clone())
        .collect();
    let dialect = arg(&rest, "--dialect").unwrap_or("").to_string();
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let code = match rest.first().map(String::as_str) {
        Some("capabilities") => {
            println!(
                "{}",
                json!({"protocol": 1, "name": imp, "version": version, "dialects": dialects,
                       "ops": ["encode", "batch"],
                       "features": {"error_class": false, "error_offset": false, "canonical": false}})
            );
            0
        }
        Some(op @ ("encode" | "decode")) => {
            let mut raw = Vec::new();
            std::io::stdin().read_to_end(&mut raw).ok();
            let body: Value = if op == "encode" {
                match serde_json::from_slice(&raw) {
                    Ok(v) => v,
                    Err(e) => {
                        eprintln!("{imp} adapter: encode: stdin is not JSON: {e}");
                        std::process::exit(EXIT_USAGE);
                    }
                }
            } else {
                Value::Null
            };
            let (code, out) = handle(imp, dialects, op, &dialect, &body);
            if code == 0 {
                let mut so = std::io::stdout();
                so.write_all(&out).ok();
                so.flush().ok();
            }
            code
        }
        Some("batch") => {
            let stdin = std::io::stdin();
            let mut so = std::io::stdout();
            for line in stdin.lock().lines() {
                let Ok(line) = line else { break };
                if line.trim().is_empty() {
                    continue;
                }
                let Ok(q) = serde_json::from_str::<Value>(&line) else {
                    eprintln!("{imp} adapter: batch: bad request line");
                    std::process::exit(EXIT_USAGE);
                };
                let op = q["op"].as_str().unwrap_or("");
                let (code, out) = handle(
                    imp,
                    dialects,
                    op,
                    &dialect,
                    &json!({"metrics": q["metrics"]}),
                );
                let mut ans = json!({"id": q["id"], "exit": code});
                if code == 0 {
                    match String::from_utf8(out) {
                        Ok(s) => ans["output"] = Value::String(s),
                        Err(e) => {
                            let hex: String =
                                e.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
                            ans["output_hex"] = Value::String(hex)
                        }
                    }
                }
                writeln!(so, "{ans}").ok();
                so.flush().ok();
            }
            0
        }
        _ => {
            eprintln!(
                "usage: statsd-peer-clients --impl {imp} capabilities|encode|batch --dialect D"
            );
            EXIT_USAGE
        }
    };
    std::process::exit(code);
}
