//! `statsd-wire listen`: a validating StatsD endpoint over UDP (or TCP), with
//! Etsy-style gauge state and an optional shield in front of a real server.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::process::ExitCode;

use bytes::BytesMut;
use clap::{Args, ValueEnum};
use futures::{FutureExt, StreamExt};
use serde::Serialize;
use statsd_wire::{Config, Dialect, Metric, MetricType, ParseError, Value};
use statsd_wire_protocol::LineResult;
use statsd_wire_tokio::{Datagram, DatagramCodec, Line, LineCodec};
use tokio_util::codec::{Encoder, FramedRead};
use tokio_util::udp::UdpFramed;

use crate::common::{self, DialectOpt, Painter, Stream, plural};
use crate::diag::Diagnostic;
use crate::send::{resolve, send_datagram, sender_for};

/// The receive buffer asked for (the kernel caps it at `net.core.rmem_max`).
const RECV_BUFFER: usize = 8 << 20;

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

/// Arguments of `statsd-wire listen`.
#[derive(Debug, Args)]
#[command(after_help = "\
For each line received, listen prints the metric in canonical form (or, with
--format json, a JSON object), or a located error: `udp://PEER:LINE:COL:
error[class]: ...`, the line, a caret and the hint. In the etsy dialect it also
keeps gauge state the way the Etsy daemon does (a signed value changes the
gauge, an unsigned one sets it) and prints the new value: `gauge confBridgeUsers = 2`.

With --forward, the valid lines of each datagram are re-encoded canonically and
sent on, as one datagram, to the real server; invalid lines are not, so a server
that crashes on some lines (the Etsy daemon on `a:1|c|@+0.5`) never sees them.
Forwarding is always over UDP (with --tcp: one datagram per valid line).

`listening on ...` is printed on stderr once the socket is bound. On exit
(Ctrl-C, SIGTERM, or after --count datagrams; with --tcp, lines) a summary goes
to stderr: datagrams and lines received, valid and invalid, datagrams forwarded,
and the datagrams the kernel dropped because the receive buffer was full.

Exit codes: 0 every line received was valid; 1 at least one was invalid;
2 usage, bind or I/O error.

Examples:
  statsd-wire listen
  statsd-wire listen --dialect etsy --bind 0.0.0.0:8125
  statsd-wire listen --dialect etsy --bind 127.0.0.1:8125 --forward 127.0.0.1:8126
  statsd-wire listen --tcp --format json --count 100")]
pub(crate) struct ListenArgs {
    #[command(flatten)]
    dialect: DialectOpt,
    /// The address to listen on.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8125")]
    bind: String,
    /// Listen on TCP (newline-framed lines) instead of UDP.
    #[arg(long)]
    tcp: bool,
    /// Send the valid lines on to this StatsD server (over UDP).
    #[arg(long, value_name = "HOST:PORT")]
    forward: Option<String>,
    /// Print no valid metric (errors and the summary are still printed).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Stop after N datagrams (with --tcp: N lines).
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// What to print per line.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Default)]
struct Stats {
    datagrams: u64,
    valid_datagrams: u64,
    invalid_datagrams: u64,
    connections: u64,
    lines: u64,
    valid_lines: u64,
    invalid_lines: u64,
    forwarded: u64,
    forward_errors: u64,
}

struct Forwarder {
    socket: StdUdpSocket,
    to: SocketAddr,
    codec: DatagramCodec,
    buf: BytesMut,
}

impl Forwarder {
    /// Re-encodes `metrics` canonically and sends them as one datagram.
    fn send(&mut self, metrics: &[Metric<'_>]) -> Result<(), String> {
        self.buf.clear();
        self.codec
            .encode(metrics, &mut self.buf)
            .map_err(|e| e.to_string())?;
        send_datagram(&self.socket, self.to, &self.buf).map_err(|e| e.to_string())
    }
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

/// Where lines come from: `udp://127.0.0.1:40000`.
struct Peer {
    scheme: &'static str,
    addr: SocketAddr,
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.addr)
    }
}

/// Where a line is in what was received.
struct LineAt<'a> {
    /// The line number, from 1.
    number: usize,
    /// The line's bytes.
    bytes: &'a [u8],
    /// The line's byte offset in its datagram (0 for a TCP line).
    offset: usize,
    /// Where the error spans count from.
    span_base: usize,
}

struct Listener {
    config: Config,
    format: Format,
    quiet: bool,
    painter: Painter,
    out: io::BufWriter<io::Stdout>,
    /// Gauge values, in the etsy dialect.
    gauges: Option<HashMap<String, f64>>,
    forward: Option<Forwarder>,
    count: Option<u64>,
    stats: Stats,
    write_failed: bool,
    /// Whether lines come over TCP.
    tcp: bool,
}

impl Listener {
    fn done(&self, received: u64) -> bool {
        self.count.is_some_and(|n| received >= n)
    }

    /// Applies a gauge the Etsy way and returns its new value: a signed value
    /// changes the gauge (from 0 when it has none), an unsigned one sets it.
    fn update_gauge(&mut self, metric: &Metric<'_>) -> Option<f64> {
        let gauges = self.gauges.as_mut()?;
        if metric.kind != MetricType::Gauge {
            return None;
        }
        let Value::Number(n) = metric.value else {
            return None;
        };
        let v = n.as_f64();
        let value = match gauges.get_mut(metric.name) {
            Some(current) => {
                *current = if metric.delta { *current + v } else { v };
                *current
            }
            None => {
                gauges.insert(metric.name.to_string(), v);
                v
            }
        };
        Some(value)
    }

    fn write(&mut self, f: impl FnOnce(&mut io::BufWriter<io::Stdout>) -> io::Result<()>) {
        if self.write_failed {
            return;
        }
        if let Err(e) = f(&mut self.out) {
            // stdout went away: keep serving (and forwarding), stop printing.
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("statsd-wire listen: cannot write to stdout: {e}");
            }
            self.write_failed = true;
        }
    }

    fn flush(&mut self) {
        self.write(|out| out.flush());
    }

    /// Prints and counts one line's result. `peer` names where it came from
    /// (formatted only when something is printed about it).
    fn line(&mut self, peer: &Peer, at: LineAt<'_>, result: &Result<Metric<'_>, ParseError>) {
        self.stats.lines += 1;
        let gauge = match result {
            Ok(metric) => {
                self.stats.valid_lines += 1;
                self.update_gauge(metric)
            }
            Err(_) => {
                self.stats.invalid_lines += 1;
                None
            }
        };
        match (self.format, result) {
            (Format::Human, Ok(metric)) => {
                if !self.quiet {
                    let name = metric.name;
                    self.write(|out| {
                        writeln!(out, "{metric}")?;
                        match gauge {
                            Some(v) => writeln!(out, "gauge {name} = {v}"),
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
                    result: LineResult::from_result(result),
                    gauge: gauge.map(|v| v.to_string()),
                };
                self.write(|out| {
                    serde_json::to_writer(&mut *out, &json)?;
                    out.write_all(b"\n")
                });
            }
        }
    }

    fn datagram(&mut self, datagram: &Datagram, from: SocketAddr) {
        self.stats.datagrams += 1;
        let peer = Peer {
            scheme: "udp",
            addr: from,
        };
        let forwarding = self.forward.is_some();
        let mut valid = Vec::new();
        let mut any_invalid = false;
        for (raw, result) in datagram.lines().with_raw() {
            any_invalid |= result.is_err();
            let at = LineAt {
                number: raw.index + 1,
                bytes: raw.bytes,
                offset: raw.span.start,
                span_base: raw.span.start,
            };
            self.line(&peer, at, &result);
            if let (true, Ok(metric)) = (forwarding, result) {
                valid.push(metric);
            }
        }
        if any_invalid {
            self.stats.invalid_datagrams += 1;
        } else {
            self.stats.valid_datagrams += 1;
        }
        self.forward(&valid);
    }

    fn tcp_line(&mut self, line: &Line, from: SocketAddr) {
        let peer = Peer {
            scheme: "tcp",
            addr: from,
        };
        let result = line.metric();
        let at = LineAt {
            number: line.number(),
            bytes: line.bytes(),
            offset: 0,
            span_base: 0,
        };
        self.line(&peer, at, &result);
        if let Ok(metric) = result {
            self.forward(&[metric]);
        }
    }

    fn forward(&mut self, metrics: &[Metric<'_>]) {
        let Some(forwarder) = self.forward.as_mut() else {
            return;
        };
        if metrics.is_empty() {
            return;
        }
        match forwarder.send(metrics) {
            Ok(()) => self.stats.forwarded += 1,
            Err(e) => {
                self.stats.forward_errors += 1;
                if self.stats.forward_errors <= 10 {
                    eprintln!(
                        "statsd-wire listen: cannot forward to {}: {e}",
                        forwarder.to
                    );
                }
            }
        }
    }

    fn summary(&self, drops: Option<u64>, recv_buffer: Option<usize>) -> String {
        let s = &self.stats;
        let mut text = String::new();
        if self.tcp {
            text += &format!("connections: {}\n", s.connections);
        } else {
            text += &format!(
                "received: {} ({} valid, {} invalid)\n",
                plural(s.datagrams, "datagram"),
                s.valid_datagrams,
                s.invalid_datagrams
            );
        }
        text += &format!(
            "lines: {} ({} valid, {} invalid)\n",
            s.lines, s.valid_lines, s.invalid_lines
        );
        if let Some(f) = &self.forward {
            text += &format!(
                "forwarded: {} to {} ({} failed)\n",
                plural(s.forwarded, "datagram"),
                f.to,
                s.forward_errors
            );
        }
        if let Some(buffer) = recv_buffer {
            match drops {
                Some(d) => {
                    text += &format!(
                        "dropped: {} by the kernel (receive buffer {buffer} bytes)\n",
                        plural(d, "datagram")
                    );
                }
                None => {
                    text += &format!(
                        "dropped: unknown (receive buffer {buffer} bytes; per-socket drops are read from /proc/net/udp on Linux)\n"
                    );
                }
            }
        }
        text
    }
}

/// Ctrl-C and SIGTERM, watched from creation (so a signal that arrives once
/// `listening on` is printed is never missed).
struct Shutdown {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Shutdown {
    /// Starts watching (inside the runtime).
    fn new() -> Shutdown {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt())
                .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                .ok();
            Shutdown { signals }
        }
        #[cfg(not(unix))]
        {
            Shutdown {}
        }
    }

    /// Completes on the first signal (never, if signals cannot be watched).
    async fn wait(self) {
        #[cfg(unix)]
        {
            match self.signals {
                Some((mut int, mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                None => std::future::pending::<()>().await,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// The datagrams the kernel dropped for this socket (its receive buffer was
/// full): the `drops` column of `/proc/net/udp{,6}` for the socket's inode.
#[cfg(target_os = "linux")]
fn kernel_drops(socket: &impl std::os::fd::AsRawFd) -> Option<u64> {
    let link = std::fs::read_link(format!("/proc/self/fd/{}", socket.as_raw_fd())).ok()?;
    let link = link.to_str()?;
    let inode = link.strip_prefix("socket:[")?.strip_suffix(']')?;
    for table in ["/proc/net/udp", "/proc/net/udp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for row in text.lines().skip(1) {
            let fields: Vec<&str> = row.split_whitespace().collect();
            if fields.get(9) == Some(&inode) {
                return fields.get(12)?.parse().ok();
            }
        }
    }
    None
}

#[cfg(not(target_os = "linux"))]
fn kernel_drops<T>(_socket: &T) -> Option<u64> {
    None
}

/// A non-blocking UDP socket bound to `addr` with a large receive buffer;
/// returns it and the buffer size the kernel granted.
fn bind_udp(addr: SocketAddr) -> io::Result<(StdUdpSocket, Option<usize>)> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    // Best effort: the kernel caps it at net.core.rmem_max.
    let _ = socket.set_recv_buffer_size(RECV_BUFFER);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    let granted = socket.recv_buffer_size().ok();
    Ok((socket.into(), granted))
}

/// At most this many datagrams (or [`BATCH_BYTES`]) are handed from the reader
/// to the printer at once.
const BATCH_DATAGRAMS: usize = 1024;
const BATCH_BYTES: usize = 1 << 20;
/// Batches queued between the reader and the printer: with the kernel's
/// receive buffer, what absorbs a burst while the printer catches up (at most
/// 64 MiB).
const QUEUED_BATCHES: usize = 64;

type Batch = Vec<(Datagram, SocketAddr)>;

/// Reads datagrams in a tight loop, handing them to the printer in batches,
/// until a signal, `count` datagrams, or too many receive errors. Returns the
/// kernel's drop count for the socket.
async fn read_udp(
    socket: StdUdpSocket,
    codec: DatagramCodec,
    count: Option<u64>,
    tx: tokio::sync::mpsc::Sender<Batch>,
    shutdown: Shutdown,
) -> io::Result<Option<u64>> {
    let socket = tokio::net::UdpSocket::from_std(socket)?;
    let mut framed = UdpFramed::new(socket, codec);
    let shutdown = shutdown.wait();
    tokio::pin!(shutdown);
    let mut read = 0u64;
    let mut errors = 0u32;
    let mut fatal = None;
    let counted_out = |read: u64| count.is_some_and(|n| read >= n);
    // After a signal, what is already queued in the socket is still read, so
    // that every datagram that arrived is either received or counted as dropped.
    let mut stopping = false;
    while !counted_out(read) && fatal.is_none() {
        let mut item = if stopping {
            match framed.next().now_or_never() {
                Some(item) => item,
                None => break,
            }
        } else {
            tokio::select! {
                biased;
                () = &mut shutdown => {
                    stopping = true;
                    continue;
                }
                item = framed.next() => item,
            }
        };
        // This datagram and every one already queued in the socket, up to a batch.
        let mut batch = Vec::new();
        let mut bytes = 0;
        loop {
            match item {
                Some(Ok((datagram, from))) => {
                    errors = 0;
                    read += 1;
                    bytes += datagram.len();
                    batch.push((datagram, from));
                }
                Some(Err(e)) => {
                    errors += 1;
                    eprintln!("statsd-wire listen: receive failed: {e}");
                    if errors > 100 {
                        fatal = Some(e);
                        break;
                    }
                }
                None => break,
            }
            if counted_out(read) || batch.len() >= BATCH_DATAGRAMS || bytes >= BATCH_BYTES {
                break;
            }
            match framed.next().now_or_never() {
                Some(next) => item = next,
                None => break,
            }
        }
        if !batch.is_empty() && tx.send(batch).await.is_err() {
            break;
        }
    }
    let drops = kernel_drops(framed.get_ref());
    match fatal {
        Some(e) => Err(e),
        None => Ok(drops),
    }
}

/// Serves UDP: a reader task on its own thread receives; this task parses,
/// prints and forwards. Returns the kernel's drop count.
async fn serve_udp(
    listener: &mut Listener,
    socket: StdUdpSocket,
    shutdown: Shutdown,
) -> io::Result<Option<u64>> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(QUEUED_BATCHES);
    let reader = tokio::spawn(read_udp(
        socket,
        DatagramCodec::new(listener.config),
        listener.count,
        tx,
        shutdown,
    ));
    while let Some(batch) = rx.recv().await {
        for (datagram, from) in &batch {
            listener.datagram(datagram, *from);
        }
        listener.flush();
    }
    reader.await.map_err(io::Error::other)?
}

async fn serve_tcp(
    listener: &mut Listener,
    tcp: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> io::Result<()> {
    let shutdown = shutdown.wait();
    tokio::pin!(shutdown);
    let mut streams = futures::stream::SelectAll::new();
    while !listener.done(listener.stats.lines) {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = tcp.accept() => match accepted {
                Ok((stream, peer)) => {
                    listener.stats.connections += 1;
                    let lines = FramedRead::new(stream, LineCodec::new(listener.config));
                    streams.push(lines.map(move |line| (peer, line)));
                }
                Err(e) => eprintln!("statsd-wire listen: accept failed: {e}"),
            },
            Some((peer, line)) = streams.next(), if !streams.is_empty() => {
                let mut next = Some((peer, line));
                while let Some((peer, line)) = next.take() {
                    match line {
                        Ok(line) => listener.tcp_line(&line, peer),
                        Err(e) => eprintln!("statsd-wire listen: tcp://{peer}: {e}"),
                    }
                    if listener.done(listener.stats.lines) {
                        break;
                    }
                    next = streams.next().now_or_never().flatten();
                }
                listener.flush();
            }
        }
    }
    Ok(())
}

fn fail(message: &str) -> ExitCode {
    eprintln!("statsd-wire listen: {message}");
    ExitCode::from(common::EXIT_ERROR)
}

/// Runs `statsd-wire listen`.
pub(crate) fn run(args: ListenArgs) -> ExitCode {
    let config = args.dialect.config();
    let bind = match resolve(&args.bind) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let forward = match &args.forward {
        None => None,
        Some(to) => {
            let to = match resolve(to) {
                Ok(a) => a,
                Err(e) => return fail(&e),
            };
            match sender_for(to) {
                Ok(socket) => Some(Forwarder {
                    socket,
                    to,
                    codec: DatagramCodec::new(config),
                    buf: BytesMut::new(),
                }),
                Err(e) => return fail(&format!("cannot open the forwarding socket: {e}")),
            }
        }
    };
    // Two threads: one receives (UDP), the other parses and prints.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let mut listener = Listener {
        config,
        format: args.format,
        quiet: args.quiet,
        painter: Painter::for_stream(Stream::Stdout),
        out: io::BufWriter::with_capacity(64 * 1024, io::stdout()),
        gauges: (config.dialect() == Dialect::Etsy).then(HashMap::new),
        forward,
        count: args.count,
        stats: Stats::default(),
        write_failed: false,
        tcp: args.tcp,
    };
    let forwarding = listener
        .forward
        .as_ref()
        .map(|f| format!(", forwarding valid lines to udp://{}", f.to))
        .unwrap_or_default();

    let served = runtime.block_on(async {
        let shutdown = Shutdown::new();
        if args.tcp {
            let tcp = tokio::net::TcpListener::bind(bind).await?;
            eprintln!(
                "statsd-wire listen: listening on tcp://{} (dialect {}{forwarding})",
                tcp.local_addr()?,
                config.dialect()
            );
            serve_tcp(&mut listener, tcp, shutdown)
                .await
                .map(|()| (None, None))
        } else {
            let (socket, granted) = bind_udp(bind)?;
            eprintln!(
                "statsd-wire listen: listening on udp://{} (dialect {}{forwarding})",
                socket.local_addr()?,
                config.dialect()
            );
            serve_udp(&mut listener, socket, shutdown)
                .await
                .map(|drops| (drops, granted))
        }
    });
    listener.flush();
    let (drops, granted) = match served {
        Ok(r) => r,
        Err(e) => {
            eprint!("{}", listener.summary(None, None));
            return fail(&format!("{}: {e}", args.bind));
        }
    };
    eprint!("{}", listener.summary(drops, granted));
    ExitCode::from(if listener.stats.invalid_lines > 0 {
        common::EXIT_INVALID
    } else {
        common::EXIT_OK
    })
}
