//! `statsd-wire listen`: a validating StatsD endpoint over UDP (or TCP), with
//! Etsy-style gauge state and an optional shield in front of a real server.
//!
//! Three pieces, each with its own tests:
//! * [`receive`]: sockets: the UDP reader thread, the TCP acceptor and its
//!   connection tasks (limits, idle timeout, backoff);
//! * [`shield`]: validation state and forwarding (bounded gauge state,
//!   packing, counting what is not forwarded);
//! * [`report`]: printing each line, the counts and the summary.
//!
//! This module wires them together, and watches signals: the first one stops
//! receiving and lets what was already received be processed (bounded), a
//! second one (or that bound) prints the counts and exits at once.

mod receive;
mod report;
mod shield;

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use statsd_wire::{Config, Dialect, Message, ParseError};
use statsd_wire_tokio::{Datagram, Line};
use tokio::sync::{mpsc, watch};

use crate::common::{self, DialectOpt, Painter, Stream};
use crate::send::resolve;
use receive::{Batch, TcpEvent, TcpLimits};
use report::{Format, LineAt, Peer, Printer, Stats, SummaryContext};
use shield::{Forwarder, Gauges};

/// After the first signal, how long what was received may take to be
/// processed before `listen` exits anyway (a stdout nobody reads blocks the
/// printer forever).
const FINISH_LIMIT: Duration = Duration::from_secs(10);
/// Exit code when a second signal (or [`FINISH_LIMIT`]) cut the end short.
const EXIT_INTERRUPTED: i32 = 130;

/// Arguments of `statsd-wire listen`.
#[derive(Debug, Args)]
#[command(after_help = "\
For each line received, listen prints the metric in canonical form (or, with
--format json, a JSON object), or a located error: `udp://PEER:LINE:COL:
error[class]: ...`, the line, a caret and the hint. In the etsy dialect it also
keeps gauge state the way the Etsy daemon does (a signed value changes the
gauge, an unsigned one sets it) and prints the new value: `gauge confBridgeUsers = 2`.
Control characters and Unicode bidi controls in names are printed escaped (\\u{...}).

With --forward, the valid lines are sent on to the real server over UDP, in
canonical form (as received when the canonical form is too long), packed into
datagrams no larger than the one received (at least 1432 bytes; with --tcp:
1432); invalid lines are not, so a server that crashes on some lines (the Etsy
daemon on `a:1|c|@+0.5`) never sees them. No valid line is dropped: a
datagram whose canonical form grew is split; every line that could not be
sent (the server is down) is counted and reported. Forwarding to the
listener's own address is refused.

With --tcp, a line must end with \\n: a connection that ends (FIN or RST) in
the middle of a line has that line dropped and counted. At most
--max-connections are served at once (more are closed at once); a connection
without data for --idle-timeout seconds is closed; when accepting fails (out of
file descriptors) listen pauses and retries, reporting it every 5 s.

`listening on ...` is printed on stderr once the socket is bound. On exit
(Ctrl-C, SIGTERM, or after --count datagrams; with --tcp, lines) a summary goes
to stderr: datagrams and lines received, valid, invalid and empty, lines
forwarded and not, and the datagrams the kernel dropped because the receive
buffer was full. The first signal stops receiving and lets what was already
received be processed (at most 10 s); a second signal exits at once, with the
counts so far (exit 130).

Exit codes: 0 every line received was valid; 1 at least one was invalid;
2 usage, bind or I/O error; 130 cut short by a second signal.

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
    /// TCP connections served at once (default: the descriptor limit minus
    /// 32, at most 1024).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,
    /// Seconds a TCP connection may stay without data before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    idle_timeout: f64,
    /// Gauge names whose state is kept (etsy dialect); gauges of new names
    /// past it are not tracked (counted).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_gauges: usize,
}

/// The processing side: validates, keeps state, prints and forwards.
struct Listener {
    config: Config,
    printer: Printer<io::BufWriter<io::Stdout>>,
    gauges: Option<Gauges>,
    forward: Option<Forwarder>,
    count: Option<u64>,
    stats: Arc<Stats>,
}

impl Listener {
    fn done(&self) -> bool {
        self.count.is_some_and(|n| self.stats.lines.get() >= n)
    }

    /// Counts and prints one line's result.
    fn line(&mut self, peer: Peer, at: LineAt<'_>, result: &Result<Message<'_>, ParseError>) {
        self.stats.lines.inc();
        let gauge = match result {
            Ok(message) => {
                self.stats.valid_lines.inc();
                match (self.gauges.as_mut(), message) {
                    (Some(g), Message::Metric(metric)) => g.update(metric, &self.stats),
                    _ => None,
                }
            }
            Err(_) => {
                self.stats.invalid_lines.inc();
                None
            }
        };
        self.printer.line(peer, at, result, gauge);
    }

    fn datagram(&mut self, datagram: &Datagram, from: SocketAddr) {
        self.stats.datagrams.inc();
        if datagram.is_empty() {
            self.stats.empty_datagrams.inc();
            return;
        }
        let peer = Peer {
            scheme: "udp",
            addr: from,
        };
        let config = self.config;
        if let Some(f) = self.forward.as_mut() {
            f.begin(datagram.len());
        }
        let mut any_invalid = false;
        // Parsed with the listener's configuration (the receiving side builds
        // frames without one).
        for (raw, parsed) in statsd_wire::parse_messages(datagram.bytes(), &config).with_raw() {
            let result = parsed.map(|p| p.message);
            any_invalid |= result.is_err();
            let at = LineAt {
                number: raw.index + 1,
                bytes: raw.bytes,
                offset: raw.span.start,
                span_base: raw.span.start,
            };
            self.line(peer, at, &result);
            if let (Some(f), Ok(message)) = (self.forward.as_mut(), &result) {
                f.push(message, raw.bytes, &config, &self.stats);
            }
        }
        if any_invalid {
            self.stats.invalid_datagrams.inc();
        } else {
            self.stats.valid_datagrams.inc();
        }
        if let Some(f) = self.forward.as_mut() {
            f.flush(&self.stats);
        }
    }

    fn tcp_line(&mut self, line: &Line, from: SocketAddr) {
        let peer = Peer {
            scheme: "tcp",
            addr: from,
        };
        let result = line.message().map(|p| p.message);
        let at = LineAt {
            number: line.number(),
            bytes: line.bytes(),
            offset: 0,
            span_base: 0,
        };
        self.line(peer, at, &result);
        if let (Some(f), Ok(message)) = (self.forward.as_mut(), &result) {
            f.push(message, line.bytes(), &self.config, &self.stats);
        }
    }

    /// Ends a batch: forwards what is queued, flushes stdout.
    fn end_batch(&mut self) {
        if let Some(f) = self.forward.as_mut() {
            f.flush(&self.stats);
        }
        self.printer.flush();
    }
}

/// SIGINT and SIGTERM, watched from creation (so a signal that arrives once
/// `listening on` is printed is never missed).
struct Signals {
    #[cfg(unix)]
    watched: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Starts watching (inside the runtime).
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let watched = signal(SignalKind::interrupt())
                .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                .ok();
            Signals { watched }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    /// Completes on the next signal (never, if signals cannot be watched).
    async fn next(&mut self) {
        #[cfg(unix)]
        {
            match &mut self.watched {
                Some((int, term)) => {
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

/// On the first signal, tells the receivers to stop; on a second one, or if
/// the end takes longer than [`FINISH_LIMIT`], prints the counts and exits.
async fn watch_signals(
    mut signals: Signals,
    stop: watch::Sender<bool>,
    stats: Arc<Stats>,
    cx: SummaryContext,
) {
    signals.next().await;
    let _ = stop.send(true);
    eprintln!(
        "statsd-wire listen: stopping: processing what was already received (a second signal exits at once)"
    );
    let why = tokio::select! {
        () = signals.next() => "a second signal".to_string(),
        () = tokio::time::sleep(FINISH_LIMIT) => format!("still busy {} s after the signal", FINISH_LIMIT.as_secs()),
    };
    let mut text = stats.summary(&cx, None);
    let pending = stats.received.get().saturating_sub(stats.datagrams.get());
    text += &format!(
        "statsd-wire listen: exiting at once ({why}); {} received but not processed\n",
        common::plural(pending, "datagram")
    );
    eprint!("{text}");
    std::process::exit(EXIT_INTERRUPTED);
}

/// Serves UDP: the reader task receives; this task processes. Returns the
/// kernel's drop count.
async fn serve_udp(
    listener: &mut Listener,
    socket: std::net::UdpSocket,
    granted: Option<usize>,
    stop: watch::Receiver<bool>,
) -> io::Result<Option<u64>> {
    let (tx, mut rx) = mpsc::channel::<Batch>(receive::QUEUED_BATCHES);
    let reader = tokio::spawn(receive::read_udp(
        socket,
        granted,
        listener.count,
        tx,
        stop,
        Arc::clone(&listener.stats),
    ));
    while let Some(batch) = rx.recv().await {
        for (datagram, from) in &batch {
            listener.datagram(datagram, *from);
        }
        listener.end_batch();
    }
    reader.await.map_err(io::Error::other)?
}

/// Serves TCP: the acceptor and connection tasks receive; this task processes.
async fn serve_tcp(
    listener: &mut Listener,
    tcp: tokio::net::TcpListener,
    limits: TcpLimits,
    mut stop: watch::Receiver<bool>,
) {
    let (tx, mut rx) = mpsc::channel::<TcpEvent>(4096);
    tokio::spawn(receive::accept_tcp(
        tcp,
        listener.config,
        limits,
        tx,
        stop.clone(),
        Arc::clone(&listener.stats),
    ));
    let mut stopping = false;
    while !listener.done() {
        let event = if stopping {
            // What the connections already handed over, then stop.
            match rx.try_recv() {
                Ok(event) => event,
                Err(_) => break,
            }
        } else {
            tokio::select! {
                biased;
                _ = stop.changed() => {
                    stopping = true;
                    continue;
                }
                event = rx.recv() => match event {
                    Some(event) => event,
                    None => break,
                },
            }
        };
        let mut next = Some(event);
        while let Some(event) = next.take() {
            match event {
                TcpEvent::Line(peer, line) => listener.tcp_line(&line, peer),
                TcpEvent::Error(peer, e) => eprintln!("statsd-wire listen: tcp://{peer}: {e}"),
            }
            if listener.done() {
                break;
            }
            next = rx.try_recv().ok();
        }
        listener.end_batch();
    }
}

/// The default `--max-connections`: the soft descriptor limit minus 32 (for
/// the listener's own descriptors), at most 1024.
fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l["Max open files".len()..].split_whitespace().next())
                .and_then(|n| n.parse::<usize>().ok())
        });
    match soft {
        Some(n) => n.saturating_sub(32).clamp(1, 1024),
        None => 1024,
    }
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
    if !(args.idle_timeout.is_finite() && args.idle_timeout > 0.0) {
        return fail(&format!(
            "--idle-timeout {}: must be a positive number of seconds",
            args.idle_timeout
        ));
    }
    let forward_to = match &args.forward {
        None => None,
        Some(to) => match resolve(to) {
            Ok(a) => Some(a),
            Err(e) => return fail(&e),
        },
    };
    let forward = match forward_to.map(Forwarder::connect) {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => return fail(&format!("cannot open the forwarding socket: {e}")),
    };
    // Receiving, processing and signals each get a thread.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let stats = Arc::new(Stats::default());
    let etsy = config.dialect() == Dialect::Etsy;
    let mut listener = Listener {
        config,
        printer: Printer {
            format: args.format,
            quiet: args.quiet,
            painter: Painter::for_stream(Stream::Stdout),
            out: io::BufWriter::with_capacity(64 * 1024, io::stdout()),
            write_failed: false,
        },
        gauges: etsy.then(|| Gauges::new(args.max_gauges)),
        forward,
        // Datagrams over UDP (the reader counts them), lines over TCP.
        count: args.count,
        stats: Arc::clone(&stats),
    };
    let mut cx = SummaryContext {
        tcp: args.tcp,
        forward_to,
        recv_buffer: None,
        max_gauges: etsy.then_some(args.max_gauges),
    };
    let forwarding = forward_to
        .map(|to| format!(", forwarding valid lines to udp://{to}"))
        .unwrap_or_default();
    let limits = TcpLimits {
        max_connections: args
            .max_connections
            .map_or_else(default_max_connections, |n| n as usize),
        idle_timeout: Duration::from_secs_f64(args.idle_timeout),
    };

    let served: io::Result<Option<u64>> = runtime.block_on(async {
        let signals = Signals::new();
        let (stop_tx, stop) = watch::channel(false);
        if args.tcp {
            let tcp = tokio::net::TcpListener::bind(bind).await?;
            tokio::spawn(watch_signals(
                signals,
                stop_tx,
                Arc::clone(&stats),
                cx.clone(),
            ));
            eprintln!(
                "statsd-wire listen: listening on tcp://{} (dialect {}{forwarding})",
                tcp.local_addr()?,
                config.dialect()
            );
            serve_tcp(&mut listener, tcp, limits, stop).await;
            Ok(None)
        } else {
            let (socket, granted) = receive::bind_udp(bind)?;
            let local = socket.local_addr()?;
            if let Some(to) = forward_to.filter(|&to| shield::forwards_to_itself(local, to)) {
                return Err(io::Error::other(format!(
                    "--forward {to} is this listener's own address ({local}): every datagram would loop forever"
                )));
            }
            cx.recv_buffer = granted;
            tokio::spawn(watch_signals(
                signals,
                stop_tx,
                Arc::clone(&stats),
                cx.clone(),
            ));
            eprintln!(
                "statsd-wire listen: listening on udp://{local} (dialect {}{forwarding})",
                config.dialect()
            );
            serve_udp(&mut listener, socket, granted, stop).await
        }
    });
    listener.printer.flush();
    if let Some(f) = listener.forward.as_mut() {
        f.finish(&stats);
    }
    let drops = match served {
        Ok(drops) => drops,
        Err(e) => {
            eprint!("{}", stats.summary(&cx, None));
            return fail(&format!("{}: {e}", args.bind));
        }
    };
    eprint!("{}", stats.summary(&cx, drops));
    ExitCode::from(if stats.invalid_lines.get() > 0 {
        common::EXIT_INVALID
    } else {
        common::EXIT_OK
    })
}
