//! Observing what a server flushes: a Graphite plaintext listener the runner
//! opens, and Prometheus text-exposition scrapes (`prometheus-parse`, `ureq`).

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The longest Graphite line kept (longer lines are garbage).
const MAX_LINE: usize = 64 * 1024;
/// Events kept between two drains at most (more are counted, not kept).
const MAX_EVENTS: usize = 1_000_000;

/// One thing the Graphite listener received.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// `name value timestamp`.
    Line {
        /// The metric path.
        name: String,
        /// The value.
        value: f64,
    },
    /// A line that is not Graphite plaintext.
    Garbage(String),
}

/// Parses one Graphite plaintext line (`path value timestamp`, `\r` tolerated).
pub fn parse_graphite_line(line: &[u8]) -> Option<Event> {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_end_matches(['\r', '\n']);
    if text.trim().is_empty() {
        return None;
    }
    // Graphite splits on ASCII blanks only (a name may hold U+00A0).
    let mut parts = text.split([' ', '\t']).filter(|p| !p.is_empty());
    let parsed = (|| {
        let name = parts.next()?;
        let value = parts.next()?;
        let ts = parts.next()?;
        if parts.next().is_some() {
            return None;
        }
        ts.parse::<f64>().ok()?;
        let value = match value {
            "Infinity" | "+Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            v => v.parse::<f64>().ok()?,
        };
        Some(Event::Line {
            name: name.to_string(),
            value,
        })
    })();
    Some(parsed.unwrap_or_else(|| Event::Garbage(text.chars().take(200).collect())))
}

#[derive(Default)]
struct Inbox {
    events: Vec<Event>,
    dropped: usize,
    last_at: Option<Instant>,
}

struct Shared {
    inbox: Mutex<Inbox>,
    ready: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn push(&self, event: Event) {
        let mut inbox = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
        if inbox.events.len() < MAX_EVENTS {
            inbox.events.push(event);
        } else {
            inbox.dropped += 1;
        }
        inbox.last_at = Some(Instant::now());
        drop(inbox);
        self.ready.notify_all();
    }
}

/// The Graphite plaintext listener (TCP). Connections are read on their own
/// threads; everything stops when the listener is dropped.
pub struct Graphite {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Graphite {
    /// Listens on `addr` (`127.0.0.1:0` for a free port).
    pub fn listen(addr: &str) -> std::io::Result<Graphite> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            inbox: Mutex::new(Inbox::default()),
            ready: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        std::thread::spawn(move || accept_loop(&listener, &s));
        Ok(Graphite { addr, shared })
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Takes every event received so far (and how many were dropped).
    pub fn drain(&self) -> (Vec<Event>, usize) {
        let mut inbox = self.shared.inbox.lock().unwrap_or_else(|e| e.into_inner());
        let dropped = std::mem::take(&mut inbox.dropped);
        (std::mem::take(&mut inbox.events), dropped)
    }

    /// Waits until something arrives or `deadline`; returns when the last
    /// event arrived.
    pub fn wait(&self, deadline: Instant) -> Option<Instant> {
        let inbox = self.shared.inbox.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if !inbox.events.is_empty() || now >= deadline {
            return inbox.last_at;
        }
        let (inbox, _) = self
            .shared
            .ready
            .wait_timeout(inbox, deadline - now)
            .unwrap_or_else(|e| e.into_inner());
        inbox.last_at
    }
}

impl Drop for Graphite {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let s = Arc::clone(shared);
                std::thread::spawn(move || read_loop(stream, &s));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn read_loop(mut stream: TcpStream, shared: &Arc<Shared>) {
    if stream.set_nonblocking(false).is_err()
        || stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .is_err()
    {
        return;
    }
    let mut line: Vec<u8> = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                if !line.is_empty() {
                    if let Some(ev) = parse_graphite_line(&line) {
                        shared.push(ev);
                    }
                }
                return;
            }
            Ok(n) => {
                for &b in &buf[..n] {
                    if b == b'\n' {
                        if let Some(ev) = parse_graphite_line(&line) {
                            shared.push(ev);
                        }
                        line.clear();
                    } else if line.len() < MAX_LINE {
                        line.push(b);
                    }
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// One Prometheus scrape: series (`name{label="v",...}`, labels sorted) to
/// value. Summary quantiles and histogram buckets are left out (their `_sum`
/// and `_count` series are kept).
/// `labels`: the labels kept in series keys (`None`: all).
pub fn scrape(
    url: &str,
    timeout: Duration,
    labels: Option<&[String]>,
) -> Result<BTreeMap<String, Series>, String> {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(true)
        .build();
    let agent: ureq::Agent = config.into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    parse_series(&body, labels)
}

/// Parses a Prometheus text exposition into series and values, keeping only
/// `labels` in the series keys (`None`: all labels).
pub fn parse_exposition(
    body: &str,
    labels: Option<&[String]>,
) -> Result<BTreeMap<String, f64>, String> {
    Ok(parse_series(body, labels)?
        .into_values()
        .map(|s| (s.name, s.value))
        .collect())
}

/// One series of a scrape.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The name used in templates: the metric with the kept labels.
    pub name: String,
    /// The value.
    pub value: f64,
}

/// Parses a Prometheus text exposition into series keyed by their full
/// identity (every label, sorted), each with its name under the kept
/// `labels` (`None`: all): two series that differ only in a dropped label
/// share a name but are diffed apart.
pub fn parse_series(
    body: &str,
    labels: Option<&[String]>,
) -> Result<BTreeMap<String, Series>, String> {
    let lines = body.lines().map(|l| Ok(l.to_string()));
    let parsed = prometheus_parse::Scrape::parse(lines).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for s in parsed.samples {
        let value = match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => continue,
        };
        let all: BTreeMap<&String, &String> = s.labels.iter().collect();
        let key_of = |kept: &BTreeMap<&String, &String>| {
            if kept.is_empty() {
                s.metric.clone()
            } else {
                let inner: Vec<String> = kept.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
                format!("{}{{{}}}", s.metric, inner.join(","))
            }
        };
        let kept: BTreeMap<&String, &String> = all
            .iter()
            .filter(|(k, _)| labels.is_none_or(|l| l.contains(**k)))
            .map(|(k, v)| (*k, *v))
            .collect();
        out.insert(
            key_of(&all),
            Series {
                name: key_of(&kept),
                value,
            },
        );
    }
    if out.is_empty()
        && body
            .lines()
            .any(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        return Err(format!(
            "not a Prometheus text exposition (first line: {:?})",
            body.lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(120)
                .collect::<String>()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn graphite_lines() {
        assert_eq!(
            parse_graphite_line(b"a.b 1.5 1700000000\r"),
            Some(Event::Line {
                name: "a.b".into(),
                value: 1.5
            })
        );
        assert_eq!(
            parse_graphite_line(b"a Infinity 1"),
            Some(Event::Line {
                name: "a".into(),
                value: f64::INFINITY
            })
        );
        assert!(matches!(
            parse_graphite_line(b"a x 1"),
            Some(Event::Garbage(_))
        ));
        assert!(matches!(
            parse_graphite_line(b"hello"),
            Some(Event::Garbage(_))
        ));
        assert_eq!(parse_graphite_line(b"  "), None);
    }

    #[test]
    fn listener_receives_lines() {
        let g = Graphite::listen("127.0.0.1:0").unwrap();
        let mut c = TcpStream::connect(g.addr()).unwrap();
        c.write_all(b"a 1 1\nbad line\nb 2 1").unwrap();
        drop(c);
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut got = Vec::new();
        while got.len() < 3 && Instant::now() < deadline {
            g.wait(deadline);
            got.extend(g.drain().0);
        }
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(got[1], Event::Garbage(_)));
    }

    #[test]
    fn expositions() {
        let body = "# TYPE a counter\na_total{x=\"1\",b=\"2\"} 3\nc 4\n# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\n";
        let m = parse_exposition(body, None).unwrap();
        let only_x = parse_exposition(body, Some(&["x".to_string()])).unwrap();
        assert_eq!(only_x["a_total{x=\"1\"}"], 3.0);
        assert_eq!(m["a_total{b=\"2\",x=\"1\"}"], 3.0);
        assert_eq!(m["c"], 4.0);
        assert_eq!(m["s_count"], 3.0);
        let series = parse_series(
            "n_total{chart=\"a.b\",dimension=\"c\"} 1\nn_total{chart=\"a_b\",dimension=\"c\"} 2\n",
            Some(&["dimension".to_string()]),
        )
        .unwrap();
        assert_eq!(series.len(), 2, "{series:?}");
        assert!(
            series
                .values()
                .all(|s| s.name == "n_total{dimension=\"c\"}")
        );
        assert!(parse_exposition("<html>oops</html>", None).is_err());
        assert!(parse_exposition("", None).unwrap().is_empty());
    }
}
