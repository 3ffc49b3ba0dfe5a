//! Reporting: what `listen` prints for each line (canonical form, located
//! diagnostic or JSON object), the counts it keeps, and the summary.
//!
//! The counts are atomics shared with the signal watcher, so a second signal
//! (or a stdout nobody reads) can still print them while the printer is busy.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use clap::ValueEnum;
use serde::Serialize;
use statsd_wire::{Message, ParseError};
use statsd_wire_protocol::{LineResult, message_to_json};

use crate::common::{Painter, needs_escape, plural};
use crate::diag::Diagnostic;

/// What is printed for each line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The canonical form of each metric; a located diagnostic for each error.
    #[default]
    Human,
    /// One JSON object per line: the protocol's LineResult plus `from`, `line`
    /// (and `gauge` for gauges in the etsy dialect).
    Json,
}

/// A counter shared between threads.
#[derive(Debug, Default)]
pub(crate) struct Count(AtomicU64);

impl Count {
    pub(crate) fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn sub(&self, n: u64) {
        self.0.fetch_sub(n, Ordering::Relaxed);
    }

    pub(crate) fn inc(&self) {
        self.add(1);
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Everything `listen` counts.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// Datagrams read from the socket (by the receiving thread).
    pub(crate) received: Count,
    /// Datagrams processed (validated, printed, forwarded).
    pub(crate) datagrams: Count,
    pub(crate) valid_datagrams: Count,
    pub(crate) invalid_datagrams: Count,
    /// Datagrams of zero bytes (no line; neither valid nor invalid).
    pub(crate) empty_datagrams: Count,
    /// TCP connections accepted and served.
    pub(crate) connections: Count,
    /// TCP connections closed at once because `--max-connections` were open.
    pub(crate) refused_connections: Count,
    /// TCP connections closed after `--idle-timeout` without data.
    pub(crate) idle_closed: Count,
    /// TCP connections whose last line had no `\n` (FIN or RST in the middle
    /// of a line): that line is dropped.
    pub(crate) incomplete_lines: Count,
    /// Accept failures (out of descriptors, ...).
    pub(crate) accept_errors: Count,
    pub(crate) lines: Count,
    pub(crate) valid_lines: Count,
    pub(crate) invalid_lines: Count,
    /// Valid lines sent on to the `--forward` target, and in how many datagrams.
    pub(crate) forwarded_lines: Count,
    pub(crate) forwarded_datagrams: Count,
    /// Valid lines that could not be sent on (the send failed).
    pub(crate) unforwarded_lines: Count,
    /// Datagrams whose send failed.
    pub(crate) forward_errors: Count,
    /// Valid lines forwarded as received because their canonical form was
    /// too long.
    pub(crate) forwarded_as_received: Count,
    /// Gauge lines of names not tracked (the gauge state is full).
    pub(crate) untracked_gauges: Count,
}

/// What the summary needs besides the counts.
#[derive(Clone, Debug, Default)]
pub(crate) struct SummaryContext {
    pub(crate) tcp: bool,
    pub(crate) forward_to: Option<SocketAddr>,
    /// The receive buffer the kernel granted (UDP).
    pub(crate) recv_buffer: Option<usize>,
    /// The gauge state's limit (etsy dialect).
    pub(crate) max_gauges: Option<usize>,
}

impl Stats {
    /// The summary printed on exit. `drops`: the kernel's drop count for
    /// the socket, when known.
    pub(crate) fn summary(&self, cx: &SummaryContext, drops: Option<u64>) -> String {
        let mut text = String::new();
        if cx.tcp {
            let _ = write!(text, "connections: {}", self.connections.get());
            let details: Vec<String> = [
                (
                    self.refused_connections.get(),
                    "refused (--max-connections)",
                ),
                (self.idle_closed.get(), "closed idle (--idle-timeout)"),
                (self.accept_errors.get(), "accept errors"),
                (self.incomplete_lines.get(), "ended in the middle of a line"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            if !details.is_empty() {
                let _ = write!(text, " ({})", details.join(", "));
            }
            text.push('\n');
        } else {
            let _ = write!(
                text,
                "received: {} ({} valid, {} invalid",
                plural(self.datagrams.get(), "datagram"),
                self.valid_datagrams.get(),
                self.invalid_datagrams.get()
            );
            if self.empty_datagrams.get() > 0 {
                let _ = write!(text, ", {} empty", self.empty_datagrams.get());
            }
            text.push_str(")\n");
        }
        let _ = writeln!(
            text,
            "lines: {} ({} valid, {} invalid)",
            self.lines.get(),
            self.valid_lines.get(),
            self.invalid_lines.get()
        );
        if let Some(to) = cx.forward_to {
            let _ = write!(
                text,
                "forwarded: {} in {} to {to} ({} not forwarded: {} failed",
                plural(self.forwarded_lines.get(), "line"),
                plural(self.forwarded_datagrams.get(), "datagram"),
                self.unforwarded_lines.get(),
                plural(self.forward_errors.get(), "send"),
            );
            if self.forwarded_as_received.get() > 0 {
                let _ = write!(
                    text,
                    "; {} sent as received, canonical form too long",
                    self.forwarded_as_received.get()
                );
            }
            text.push_str(")\n");
        }
        if let Some(max) = cx.max_gauges {
            if self.untracked_gauges.get() > 0 {
                let _ = writeln!(
                    text,
                    "gauges: {} of names not tracked (the gauge state holds at most {max} names)",
                    plural(self.untracked_gauges.get(), "line")
                );
            }
        }
        if let Some(buffer) = cx.recv_buffer {
            match drops {
                Some(d) => {
                    let _ = writeln!(
                        text,
                        "dropped: {} by the kernel (receive buffer {buffer} bytes)",
                        plural(d, "datagram")
                    );
                }
                None => {
                    let _ = writeln!(
                        text,
                        "dropped: unknown (receive buffer {buffer} bytes; per-socket drops are read from /proc/net/udp on Linux)"
                    );
                }
            }
        }
        text
    }
}

/// `text` with the characters of [`needs_escape`] written `\u{...}` (human
/// output only: the JSON output and the forwarded bytes are unchanged).
pub(crate) fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where lines come from: `udp://127.0.0.1:40000`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer {
    pub(crate) scheme: &'static str,
    pub(crate) addr: SocketAddr,
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.addr)
    }
}

/// Where a line is in what was received.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineAt<'a> {
    /// The line number, from 1.
    pub(crate) number: usize,
    /// The line's bytes.
    pub(crate) bytes: &'a [u8],
    /// The line's byte offset in its datagram (0 for a TCP line).
    pub(crate) offset: usize,
    /// Where the error spans count from.
    pub(crate) span_base: usize,
}

/// One JSON output object.
#[derive(Serialize)]
struct JsonLine<'a> {
    from: &'a str,
    line: usize,
    #[serde(flatten)]
    result: LineResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    gauge: Option<String>,
}

/// Prints each line's result on stdout.
pub(crate) struct Printer<W: Write> {
    pub(crate) format: Format,
    pub(crate) quiet: bool,
    pub(crate) painter: Painter,
    pub(crate) out: W,
    /// stdout went away: keep serving (and forwarding), stop printing.
    pub(crate) write_failed: bool,
}

impl<W: Write> Printer<W> {
    fn write(&mut self, f: impl FnOnce(&mut W) -> io::Result<()>) {
        if self.write_failed {
            return;
        }
        if let Err(e) = f(&mut self.out) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("statsd-wire listen: cannot write to stdout: {e}");
            }
            self.write_failed = true;
        }
    }

    pub(crate) fn flush(&mut self) {
        self.write(|out| out.flush());
    }

    /// Prints one line's result (`gauge`: the new value of an etsy gauge).
    pub(crate) fn line(
        &mut self,
        peer: Peer,
        at: LineAt<'_>,
        result: &Result<Message<'_>, ParseError>,
        gauge: Option<f64>,
    ) {
        match (self.format, result) {
            (Format::Human, Ok(message)) => {
                if !self.quiet {
                    // The canonical form: tags, fields, events and service checks
                    // included.
                    let text = message.to_string();
                    let name = message.as_metric().map_or("", |m| m.name);
                    self.write(|out| {
                        writeln!(out, "{}", escape_for_terminal(&text))?;
                        match gauge {
                            Some(v) => writeln!(out, "gauge {} = {v}", escape_for_terminal(name)),
                            None => Ok(()),
                        }
                    });
                }
            }
            (Format::Human, Err(e)) => {
                let source = peer.to_string();
                let diagnostic = Diagnostic::line_error(
                    &source,
                    at.number,
                    at.bytes,
                    at.offset,
                    e,
                    at.span_base,
                );
                let painter = self.painter;
                self.write(|out| diagnostic.write_human(out, painter));
            }
            (Format::Json, result) => {
                if self.quiet && result.is_ok() {
                    return;
                }
                let json = JsonLine {
                    from: &peer.to_string(),
                    line: at.number,
                    result: match result {
                        Ok(message) => LineResult::accepted(message_to_json(message)),
                        Err(e) => LineResult::from_result(&Err(*e)),
                    },
                    gauge: gauge.map(|v| v.to_string()),
                };
                self.write(|out| {
                    serde_json::to_writer(&mut *out, &json)?;
                    out.write_all(b"\n")
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_and_bidi_controls_are_escaped_and_the_rest_is_not() {
        assert_eq!(escape_for_terminal("plain.name:1|c"), "plain.name:1|c");
        assert_eq!(escape_for_terminal("héllo"), "héllo");
        assert_eq!(escape_for_terminal("a\u{9b}31mb"), "a\\u{9b}31mb");
        assert_eq!(
            escape_for_terminal("evil\u{202e}gnp.exe"),
            "evil\\u{202e}gnp.exe"
        );
        assert_eq!(
            escape_for_terminal("x\u{2066}y\u{2069}"),
            "x\\u{2066}y\\u{2069}"
        );
        assert_eq!(escape_for_terminal("\u{1b}[2J"), "\\u{1b}[2J");
    }

    #[test]
    fn the_summary_counts_everything() {
        let s = Stats::default();
        s.datagrams.add(3);
        s.valid_datagrams.add(1);
        s.invalid_datagrams.add(1);
        s.empty_datagrams.add(1);
        s.lines.add(2);
        s.valid_lines.inc();
        s.invalid_lines.inc();
        s.forwarded_lines.inc();
        s.forwarded_datagrams.inc();
        let cx = SummaryContext {
            forward_to: Some("127.0.0.1:9".parse().unwrap()),
            recv_buffer: Some(1024),
            ..SummaryContext::default()
        };
        assert_eq!(
            s.summary(&cx, Some(0)),
            "received: 3 datagrams (1 valid, 1 invalid, 1 empty)\n\
             lines: 2 (1 valid, 1 invalid)\n\
             forwarded: 1 line in 1 datagram to 127.0.0.1:9 (0 not forwarded: 0 sends failed)\n\
             dropped: 0 datagrams by the kernel (receive buffer 1024 bytes)\n"
        );
    }
}
