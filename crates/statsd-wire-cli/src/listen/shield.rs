//! The shield: validate each line, keep the etsy gauge state (bounded), and
//! forward the valid lines to a real server without ever losing one.
//!
//! Forwarding rules (issue 11):
//! * each valid line is sent in its canonical form, or **as received** when
//!   the canonical form cannot be written (longer than the line limit, or
//!   than a datagram);
//! * the lines of one received datagram are packed into as few datagrams as
//!   fit in `max(received size, 1432)` bytes (at most 65,507): a datagram
//!   whose canonical form grew (`a` is `a:1|m`) is split, never dropped;
//! * the socket is connected to the target, so the ICMP errors of a target
//!   that is down come back as send errors: every line not forwarded is
//!   counted (and the first errors printed).

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};

use statsd_wire::{Config, Message, Metric, MetricType, Value};

use super::report::Stats;
use crate::send::send_connected;

/// The largest UDP payload (IPv4).
pub(crate) const MAX_UDP_PAYLOAD: usize = 65_507;
/// The smallest forwarding datagram limit: fits a 1500-byte Ethernet MTU.
pub(crate) const MIN_FORWARD_DATAGRAM: usize = 1432;
/// Send errors printed one by one (then only counted).
const ERRORS_SHOWN: u64 = 10;

/// Sends valid lines on to a StatsD server over UDP.
pub(crate) struct Forwarder {
    socket: UdpSocket,
    /// The target.
    pub(crate) to: SocketAddr,
    /// The datagram being filled and how many lines it holds.
    current: Vec<u8>,
    current_lines: u64,
    /// The size limit of the datagrams being filled.
    limit: usize,
    line: Vec<u8>,
    /// The lines of the last datagram sent: the kernel reports a refusal
    /// (ICMP port unreachable) on the next send, or on [`Forwarder::finish`].
    last_lines: u64,
}

impl Forwarder {
    /// A forwarder to `to`, over a UDP socket connected to it.
    pub(crate) fn connect(to: SocketAddr) -> io::Result<Forwarder> {
        let socket = crate::send::sender_for(to)?;
        socket.connect(to)?;
        Ok(Forwarder {
            socket,
            to,
            current: Vec::new(),
            current_lines: 0,
            limit: MIN_FORWARD_DATAGRAM,
            line: Vec::new(),
            last_lines: 0,
        })
    }

    /// Starts the lines of one received datagram of `received` bytes (TCP: 0).
    pub(crate) fn begin(&mut self, received: usize) {
        self.limit = received.clamp(MIN_FORWARD_DATAGRAM, MAX_UDP_PAYLOAD);
    }

    /// Queues one valid line: its canonical form, or `raw` when that cannot
    /// be written; sends a full datagram first if the line does not fit.
    pub(crate) fn push(
        &mut self,
        message: &Message<'_>,
        raw: &[u8],
        config: &Config,
        stats: &Stats,
    ) {
        self.line.clear();
        if config.dialect().has_tags() {
            // DogStatsD lines go on unchanged: the field order, unknown fields
            // and lines accepted with a warning are the client's to keep (the
            // Agent reads them all).
            self.line.extend_from_slice(raw);
        } else {
            let canonical = message.encode(config, &mut self.line).is_ok()
                && self.line.len() <= MAX_UDP_PAYLOAD;
            if !canonical {
                self.line.clear();
                self.line.extend_from_slice(raw);
                stats.forwarded_as_received.inc();
            }
        }
        if !self.current.is_empty() && self.current.len() + 1 + self.line.len() > self.limit {
            self.flush(stats);
        }
        if !self.current.is_empty() {
            self.current.push(b'\n');
        }
        self.current.extend_from_slice(&self.line);
        self.current_lines += 1;
    }

    /// Sends what is queued.
    pub(crate) fn flush(&mut self, stats: &Stats) {
        if self.current_lines == 0 {
            return;
        }
        let lines = std::mem::take(&mut self.current_lines);
        let mut sent = send_connected(&self.socket, &self.current);
        if let Err(e) = &sent {
            if e.kind() == io::ErrorKind::ConnectionRefused {
                // The refusal is the previous datagram's: count it, then this
                // datagram was not sent yet: send it (the error is cleared).
                self.refused(stats, e);
                sent = send_connected(&self.socket, &self.current);
            }
        }
        match sent {
            Ok(()) => {
                stats.forwarded_lines.add(lines);
                stats.forwarded_datagrams.inc();
                self.last_lines = lines;
            }
            Err(e) => {
                stats.unforwarded_lines.add(lines);
                self.last_lines = 0;
                self.report(stats, lines, &e);
            }
        }
        self.current.clear();
    }

    /// The last datagram sent was refused: its lines move from forwarded to
    /// not forwarded.
    fn refused(&mut self, stats: &Stats, e: &io::Error) {
        let lines = std::mem::take(&mut self.last_lines);
        if lines > 0 {
            stats.forwarded_lines.sub(lines);
            stats.forwarded_datagrams.sub(1);
            stats.unforwarded_lines.add(lines);
        }
        self.report(stats, lines, e);
    }

    /// Counts a failed send and prints the first ones.
    fn report(&self, stats: &Stats, lines: u64, e: &io::Error) {
        stats.forward_errors.inc();
        let n = stats.forward_errors.get();
        if n <= ERRORS_SHOWN {
            let hint = if e.kind() == io::ErrorKind::ConnectionRefused {
                " (nothing listens there: is the server down?)"
            } else {
                ""
            };
            eprintln!(
                "statsd-wire listen: cannot forward {} to {}: {e}{hint}",
                crate::common::plural(lines, "line"),
                self.to
            );
            if n == ERRORS_SHOWN {
                eprintln!("statsd-wire listen: further forwarding errors are only counted");
            }
        }
    }

    /// Sends what is queued and collects a refusal of the last datagram that
    /// arrived since (waits briefly for it).
    pub(crate) fn finish(&mut self, stats: &Stats) {
        self.flush(stats);
        if self.last_lines == 0 {
            return;
        }
        for _ in 0..10 {
            match self.socket.take_error() {
                Ok(Some(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    self.refused(stats, &e);
                    return;
                }
                Ok(Some(_)) | Err(_) => return,
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
    }
}

/// The Etsy daemon's gauge state, bounded: at most `max_names` names (and
/// [`MAX_GAUGE_BYTES`] of names); a gauge of a new name once it is full is
/// not tracked (counted, its value not printed).
pub(crate) struct Gauges {
    values: HashMap<Box<str>, f64>,
    bytes: usize,
    max_names: usize,
    warned: bool,
}

/// The most bytes of gauge names kept.
pub(crate) const MAX_GAUGE_BYTES: usize = 64 << 20;

impl Gauges {
    /// An empty state holding at most `max_names` names.
    pub(crate) fn new(max_names: usize) -> Gauges {
        Gauges {
            values: HashMap::new(),
            bytes: 0,
            max_names,
            warned: false,
        }
    }

    /// Applies a gauge the Etsy way and returns its new value: a signed value
    /// changes the gauge (from 0 when it has none), an unsigned one sets it.
    /// `None` for a metric that is not a gauge, or a new name once full.
    pub(crate) fn update(&mut self, metric: &Metric<'_>, stats: &Stats) -> Option<f64> {
        if metric.kind != MetricType::Gauge {
            return None;
        }
        let Value::Number(n) = metric.value else {
            return None;
        };
        let v = n.as_f64();
        if let Some(current) = self.values.get_mut(metric.name) {
            *current = if metric.delta { *current + v } else { v };
            return Some(*current);
        }
        if self.values.len() >= self.max_names || self.bytes + metric.name.len() > MAX_GAUGE_BYTES {
            stats.untracked_gauges.inc();
            if !self.warned {
                self.warned = true;
                eprintln!(
                    "statsd-wire listen: the gauge state is full ({} names, {} bytes; --max-gauges {}): gauges of new names are not tracked",
                    self.values.len(),
                    self.bytes,
                    self.max_names
                );
            }
            return None;
        }
        self.bytes += metric.name.len();
        self.values.insert(metric.name.into(), v);
        Some(v)
    }
}

/// Whether forwarding from a socket bound to `bind` (actually `local`) to
/// `to` would send datagrams back to the listener itself: refused at start-up.
pub(crate) fn forwards_to_itself(local: SocketAddr, to: SocketAddr) -> bool {
    if local.port() != to.port() || local.is_ipv4() != to.is_ipv4() {
        return false;
    }
    let (l, t) = (local.ip(), to.ip());
    l == t || (l.is_unspecified() && (t.is_loopback() || t.is_unspecified())) || t.is_unspecified()
}

#[cfg(test)]
mod tests {
    use super::*;
    use statsd_wire::parse_line;

    #[test]
    fn gauge_state_is_bounded() {
        let stats = Stats::default();
        let mut g = Gauges::new(2);
        let config = Config::etsy();
        let m = |line: &'static str| parse_line(line.as_bytes(), &config).unwrap();
        assert_eq!(g.update(&m("a:+1|g"), &stats), Some(1.0));
        assert_eq!(g.update(&m("a:+1|g"), &stats), Some(2.0));
        assert_eq!(g.update(&m("b:5|g"), &stats), Some(5.0));
        assert_eq!(g.update(&m("c:5|g"), &stats), None);
        assert_eq!(g.update(&m("a:-1|g"), &stats), Some(1.0));
        assert_eq!(g.update(&m("x:1|c"), &stats), None);
        assert_eq!(stats.untracked_gauges.get(), 1);
    }

    #[test]
    fn self_forwarding_is_recognised() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert!(forwards_to_itself(a("127.0.0.1:8125"), a("127.0.0.1:8125")));
        assert!(forwards_to_itself(a("0.0.0.0:8125"), a("127.0.0.1:8125")));
        assert!(forwards_to_itself(a("127.0.0.1:8125"), a("0.0.0.0:8125")));
        assert!(!forwards_to_itself(
            a("127.0.0.1:8125"),
            a("127.0.0.1:8126")
        ));
        assert!(!forwards_to_itself(a("127.0.0.1:8125"), a("10.0.0.1:8125")));
    }
}
