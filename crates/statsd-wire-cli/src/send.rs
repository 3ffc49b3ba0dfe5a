//! `statsd-wire send`: validate metrics, then send them over UDP, packed into
//! datagrams.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use statsd_wire::{DatagramPacker, Message, ParseError, Parsed, parse_message, parse_messages};

use crate::common::{self, DialectOpt, Painter, Stream, plural};
use crate::diag::Diagnostic;

/// Lines above which progress is shown on stderr.
const PROGRESS_ABOVE: usize = 10_000;

/// How many oversized-line warnings are shown one by one.
const OVERSIZE_WARNINGS_SHOWN: u64 = 10;

/// Arguments of `statsd-wire send`.
#[derive(Debug, Args)]
#[command(after_help = "\
Every metric is validated first: if one is invalid, its diagnostic is shown and
nothing at all is sent. Valid metrics are sent in canonical form, packed into
datagrams of at most --max-datagram bytes (lines joined by \\n); a single line
longer than that is sent alone, with a warning. Progress is shown on stderr when
sending more than 10,000 metrics; a summary (metrics, datagrams, bytes) is
printed on stdout.

Exit codes: 0 sent; 1 a metric is invalid (nothing was sent); 2 usage, I/O or
network error.

Examples:
  statsd-wire send 'api.requests:1|c' 'api.latency:12.5|ms'
  statsd-wire send --dialect etsy --to 127.0.0.1:8125 'confBridgeUsers:+1|g'
  statsd-wire send --max-datagram 512 < metrics.txt")]
pub(crate) struct SendArgs {
    #[command(flatten)]
    dialect: DialectOpt,
    /// The StatsD server.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8125")]
    to: String,
    /// The largest datagram to send, in bytes (1432 fits a 1500-byte Ethernet MTU).
    #[arg(long, value_name = "BYTES", default_value_t = 1432,
          value_parser = clap::value_parser!(u32).range(1..=65507))]
    max_datagram: u32,
    /// Metrics to send, one line each; stdin lines when none is given.
    #[arg(value_name = "METRIC")]
    metrics: Vec<OsString>,
}

/// Resolves `HOST:PORT` to its first address.
pub(crate) fn resolve(text: &str) -> Result<SocketAddr, String> {
    text.to_socket_addrs()
        .map_err(|e| format!("{text}: {e}"))?
        .next()
        .ok_or_else(|| format!("{text}: no address"))
}

/// A socket to send to `to` from an ephemeral port of the same family.
pub(crate) fn sender_for(to: SocketAddr) -> io::Result<UdpSocket> {
    let any: SocketAddr = if to.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    UdpSocket::bind(any)
}

/// Sends one datagram, retrying briefly when the kernel is out of buffers.
pub(crate) fn send_datagram(socket: &UdpSocket, to: SocketAddr, datagram: &[u8]) -> io::Result<()> {
    retry_out_of_buffers(|| socket.send_to(datagram, to))
}

/// Sends one datagram on a connected socket, retrying briefly when the kernel
/// is out of buffers. Errors the network reported for earlier datagrams (an
/// ICMP port unreachable: `ConnectionRefused`) come back here.
pub(crate) fn send_connected(socket: &UdpSocket, datagram: &[u8]) -> io::Result<()> {
    retry_out_of_buffers(|| socket.send(datagram))
}

/// Runs `send` until it succeeds, retrying up to 100 times, 1 ms apart, while
/// the kernel says it would block or is out of buffers (`ENOBUFS`).
fn retry_out_of_buffers(mut send: impl FnMut() -> io::Result<usize>) -> io::Result<()> {
    const ENOBUFS: i32 = 105;
    let mut attempts = 0;
    loop {
        match send() {
            Ok(_) => return Ok(()),
            Err(e)
                if attempts < 100
                    && (e.kind() == io::ErrorKind::WouldBlock
                        || e.raw_os_error() == Some(ENOBUFS)) =>
            {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(e),
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("statsd-wire send: {message}");
    ExitCode::from(common::EXIT_ERROR)
}

/// Runs `statsd-wire send`.
pub(crate) fn run(args: SendArgs) -> ExitCode {
    let config = args.dialect.config();
    let painter = Painter::for_stream(Stream::Stderr);
    let mut stderr = io::stderr().lock();

    // 1. Read and validate everything; encode the valid metrics.
    let stdin_data;
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut invalid = 0u64;
    let mut report = |diagnostic: Diagnostic<'_>| {
        let _ = diagnostic.write_human(&mut stderr, painter);
    };
    // A valid line whose canonical form the encoder refuses (longer than the
    // line limit: `|@1e-300` is 300 digits written out) is sent as it was
    // received, with a warning: `check` accepts it, so `send` does too.
    let mut as_received = 0u64;
    let mut accept = |message: &Message<'_>, raw: &[u8], what: &str, lines: &mut Vec<Vec<u8>>| {
        let mut out = Vec::new();
        if let Err(e) = message.encode(&config, &mut out) {
            as_received += 1;
            if as_received <= OVERSIZE_WARNINGS_SHOWN {
                eprintln!(
                    "statsd-wire send: warning: {what}: its canonical form cannot be written ({e}); sent as received"
                );
            }
            out.clear();
            out.extend_from_slice(raw);
        }
        lines.push(out);
    };
    if args.metrics.is_empty() {
        let mut data = Vec::new();
        if let Err(e) = io::stdin().lock().read_to_end(&mut data) {
            return usage_error(&format!("<stdin>: {e}"));
        }
        stdin_data = data;
        for (raw, result) in parse_messages(&stdin_data, &config).with_raw() {
            match result {
                Ok(parsed) => accept(
                    &parsed.message,
                    raw.bytes,
                    &format!("<stdin>:{}", raw.index + 1),
                    &mut lines,
                ),
                Err(e) => {
                    invalid += 1;
                    report(Diagnostic::parse_error("<stdin>", &raw, &e));
                }
            }
        }
    } else {
        for (i, arg) in args.metrics.iter().enumerate() {
            let bytes = arg.as_encoded_bytes();
            let result: Result<Parsed<'_>, ParseError> = parse_message(bytes, &config);
            match result {
                Ok(parsed) => accept(
                    &parsed.message,
                    bytes,
                    &format!("<arg>:{}", i + 1),
                    &mut lines,
                ),
                Err(e) => {
                    invalid += 1;
                    report(Diagnostic::line_error("<arg>", i + 1, bytes, 0, &e, 0));
                }
            }
        }
    }
    if as_received > OVERSIZE_WARNINGS_SHOWN {
        eprintln!(
            "statsd-wire send: warning: {} sent as received in all (canonical form too long)",
            plural(as_received, "metric")
        );
    }
    if invalid > 0 {
        eprintln!(
            "statsd-wire send: {}; nothing was sent",
            plural(invalid, "invalid metric")
        );
        return ExitCode::from(common::EXIT_INVALID);
    }

    // 2. Send.
    let to = match resolve(&args.to) {
        Ok(to) => to,
        Err(e) => return usage_error(&e),
    };
    let socket = match sender_for(to) {
        Ok(s) => s,
        Err(e) => return usage_error(&format!("cannot open a UDP socket: {e}")),
    };
    let max = args.max_datagram as usize;
    let total = lines.len();
    let progress = total > PROGRESS_ABOVE;
    let in_place = io::stderr().is_terminal();
    let mut packer = DatagramPacker::new(max);
    let (mut datagrams, mut bytes, mut oversized) = (0u64, 0u64, 0u64);
    let mut next_report = PROGRESS_ABOVE;
    let mut send = |datagram: Vec<u8>, sent_lines: usize| -> io::Result<()> {
        send_datagram(&socket, to, &datagram)?;
        datagrams += 1;
        bytes += datagram.len() as u64;
        if progress && (sent_lines >= next_report || sent_lines == total) {
            next_report = sent_lines - sent_lines % PROGRESS_ABOVE + PROGRESS_ABOVE;
            let end = if in_place { '\r' } else { '\n' };
            eprint!("statsd-wire send: {sent_lines}/{total} metrics sent{end}");
        }
        Ok(())
    };
    let mut result = Ok(());
    for (i, line) in lines.iter().enumerate() {
        if line.len() > max {
            oversized += 1;
            if oversized <= OVERSIZE_WARNINGS_SHOWN {
                eprintln!(
                    "statsd-wire send: warning: metric {} is {} bytes, more than --max-datagram {max}; sent alone",
                    i + 1,
                    line.len()
                );
            }
        }
        if let Some(full) = packer.push_line(line) {
            result = send(full, i);
            if result.is_err() {
                break;
            }
        }
    }
    if result.is_ok() {
        if let Some(last) = packer.finish() {
            result = send(last, total);
        }
    }
    if progress && in_place {
        eprintln!();
    }
    if oversized > OVERSIZE_WARNINGS_SHOWN {
        eprintln!(
            "statsd-wire send: warning: {} longer than --max-datagram {max} in all, each sent alone",
            plural(oversized, "metric")
        );
    }
    if let Err(e) = result {
        eprintln!(
            "statsd-wire send: sending to {to} failed after {}: {e}",
            plural(datagrams, "datagram")
        );
        return ExitCode::from(common::EXIT_ERROR);
    }
    let summary = format!(
        "sent {} in {} ({}) to {to}",
        plural(total as u64, "metric"),
        plural(datagrams, "datagram"),
        plural(bytes, "byte"),
    );
    let mut stdout = io::stdout().lock();
    if writeln!(stdout, "{summary}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(common::EXIT_ERROR);
    }
    ExitCode::from(common::EXIT_OK)
}
