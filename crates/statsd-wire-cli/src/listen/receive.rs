//! Receiving: the UDP reader (a tight loop on its own thread, batches handed
//! to the processing side) and the TCP acceptor (connection limit, idle
//! timeout, backoff when accepting fails, one task per connection).
//!
//! Both stop on the first signal: the UDP reader then reads only what is
//! already queued in the socket, bounded in datagrams and time, so a sender
//! that never pauses cannot keep it from stopping.

use std::io;
use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use statsd_wire::Config;
use statsd_wire_tokio::{Datagram, Line, LineCodec};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_util::codec::{Decoder, FramedRead};

use super::report::Stats;

/// The receive buffer asked for (the kernel caps it at `net.core.rmem_max`).
const RECV_BUFFER: usize = 8 << 20;

/// At most this many datagrams (or [`BATCH_BYTES`]) are handed from the reader
/// to the processing side at once.
const BATCH_DATAGRAMS: usize = 1024;
const BATCH_BYTES: usize = 1 << 20;
/// Batches queued between the reader and the processing side: with the
/// kernel's receive buffer, what absorbs a burst (at most 64 MiB).
pub(crate) const QUEUED_BATCHES: usize = 64;
/// After the first signal, the reader reads what is queued for at most this
/// long...
const DRAIN_TIME: Duration = Duration::from_secs(2);
/// ...and at most one datagram per this many bytes of the receive buffer (a
/// queued datagram costs the buffer more than that): past it, what is read
/// arrived after the signal.
const DRAIN_BYTES_PER_DATAGRAM: usize = 64;

/// Datagrams and where they came from.
pub(crate) type Batch = Vec<(Datagram, SocketAddr)>;

/// A non-blocking UDP socket bound to `addr` with a large receive buffer;
/// returns it and the buffer size the kernel granted.
pub(crate) fn bind_udp(addr: SocketAddr) -> io::Result<(StdUdpSocket, Option<usize>)> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    // Best effort: the kernel caps it at net.core.rmem_max.
    let _ = socket.set_recv_buffer_size(RECV_BUFFER);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    let granted = socket.recv_buffer_size().ok();
    Ok((socket.into(), granted))
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

/// Reads datagrams in a tight loop, handing them on in batches, until the
/// first signal (then what is queued, bounded), `count` datagrams, or too
/// many receive errors. Returns the kernel's drop count for the socket.
pub(crate) async fn read_udp(
    socket: StdUdpSocket,
    granted: Option<usize>,
    count: Option<u64>,
    tx: mpsc::Sender<Batch>,
    mut stop: watch::Receiver<bool>,
    stats: Arc<Stats>,
) -> io::Result<Option<u64>> {
    let socket = tokio::net::UdpSocket::from_std(socket)?;
    let mut buf = vec![0u8; 65_536];
    let mut read = 0u64;
    let mut errors = 0u32;
    let counted_out = |read: u64| count.is_some_and(|n| read >= n);
    // After the first signal: until when, and how many more, queued datagrams are read.
    let mut draining: Option<(Instant, u64)> = None;
    let drain_max = (granted.unwrap_or(RECV_BUFFER) / DRAIN_BYTES_PER_DATAGRAM).max(1024) as u64;
    'outer: while !counted_out(read) {
        let first = match draining {
            Some((until, left)) => {
                if left == 0 || Instant::now() >= until {
                    break;
                }
                match socket.try_recv_from(&mut buf) {
                    Ok(r) => Ok(r),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => Err(e),
                }
            }
            None => {
                tokio::select! {
                    biased;
                    changed = stop.changed() => {
                        // A closed channel (the watcher is gone) also stops.
                        let _ = changed;
                        draining = Some((Instant::now() + DRAIN_TIME, drain_max));
                        continue;
                    }
                    r = socket.recv_from(&mut buf) => r,
                }
            }
        };
        let mut batch = Vec::new();
        let mut bytes = 0;
        let mut next = Some(first);
        while let Some(result) = next.take() {
            match result {
                Ok((n, from)) => {
                    errors = 0;
                    read += 1;
                    stats.received.inc();
                    bytes += n;
                    batch.push((Datagram::new(Bytes::copy_from_slice(&buf[..n])), from));
                    if let Some((_, left)) = &mut draining {
                        *left = left.saturating_sub(1);
                        if *left == 0 {
                            break;
                        }
                    }
                }
                Err(e) => {
                    errors += 1;
                    eprintln!("statsd-wire listen: receive failed: {e}");
                    if errors > 100 {
                        if !batch.is_empty() {
                            let _ = tx.send(batch).await;
                        }
                        return Err(e);
                    }
                }
            }
            if counted_out(read) || batch.len() >= BATCH_DATAGRAMS || bytes >= BATCH_BYTES {
                break;
            }
            match socket.try_recv_from(&mut buf) {
                Ok(r) => next = Some(Ok(r)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => next = Some(Err(e)),
            }
        }
        if !batch.is_empty() && tx.send(batch).await.is_err() {
            break 'outer;
        }
    }
    Ok(kernel_drops(&socket))
}

/// What the connection tasks hand to the processing side.
pub(crate) enum TcpEvent {
    /// A complete line.
    Line(SocketAddr, Line),
    /// A connection error (the connection is closed).
    Error(SocketAddr, io::Error),
}

/// TCP limits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TcpLimits {
    /// Connections served at once; more are accepted and closed at once.
    pub(crate) max_connections: usize,
    /// A connection without data for this long is closed.
    pub(crate) idle_timeout: Duration,
}

/// How often (at most) a failing accept is reported.
const ACCEPT_REPORT_EVERY: Duration = Duration::from_secs(5);
/// The longest pause after accept failures.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Accepts connections until the first signal: each is served by its own
/// task (lines go to `tx`), at most `limits.max_connections` at once. When
/// accepting fails (out of descriptors), it pauses (10 ms, doubling up to
/// 1 s) instead of retrying at once, the open connections keep being
/// served, and the failure is reported at most every 5 s.
pub(crate) async fn accept_tcp(
    listener: tokio::net::TcpListener,
    config: Config,
    limits: TcpLimits,
    tx: mpsc::Sender<TcpEvent>,
    mut stop: watch::Receiver<bool>,
    stats: Arc<Stats>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut backoff = Duration::ZERO;
    let mut last_report: Option<Instant> = None;
    let mut unreported = 0u64;
    loop {
        if !backoff.is_zero() {
            tokio::select! {
                biased;
                _ = stop.changed() => return,
                () = tokio::time::sleep(backoff) => {}
            }
        }
        let accepted = tokio::select! {
            biased;
            _ = stop.changed() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                backoff = Duration::ZERO;
                let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
                    stats.refused_connections.inc();
                    drop(stream);
                    continue;
                };
                stats.connections.inc();
                let tx = tx.clone();
                let stats = Arc::clone(&stats);
                tokio::spawn(async move {
                    serve_connection(stream, peer, config, limits.idle_timeout, tx, &stats).await;
                    drop(permit);
                });
            }
            Err(e) => {
                stats.accept_errors.inc();
                unreported += 1;
                let due = last_report.is_none_or(|t| t.elapsed() >= ACCEPT_REPORT_EVERY);
                if due {
                    eprintln!(
                        "statsd-wire listen: accept failed: {e} ({} since the last report; {} open connections; retrying with a pause)",
                        plural_times(unreported),
                        limits.max_connections - slots.available_permits()
                    );
                    last_report = Some(Instant::now());
                    unreported = 0;
                }
                backoff = (backoff * 2).clamp(Duration::from_millis(10), ACCEPT_BACKOFF_MAX);
            }
        }
    }
}

fn plural_times(n: u64) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

/// A [`LineCodec`] that requires the `\n`: a last line cut by the end of the
/// connection (FIN, or RST) is not a line; its bytes are counted instead.
pub(crate) struct EolRequired {
    inner: LineCodec,
    /// Bytes of an unterminated last line, dropped.
    pub(crate) incomplete: usize,
}

impl EolRequired {
    pub(crate) fn new(config: Config) -> Self {
        EolRequired {
            inner: LineCodec::new(config),
            incomplete: 0,
        }
    }
}

impl Decoder for EolRequired {
    type Item = Line;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Line>, io::Error> {
        self.inner.decode(src)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Line>, io::Error> {
        if let Some(line) = self.inner.decode(buf)? {
            return Ok(Some(line));
        }
        if !buf.is_empty() {
            self.incomplete += buf.len();
            buf.clear();
        }
        Ok(None)
    }
}

/// Serves one connection: its complete lines go to `tx`; it ends on EOF, an
/// error, or `idle` without data. A last line without `\n` (FIN or RST in the
/// middle of it) is dropped and counted, the same way for both.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    config: Config,
    idle: Duration,
    tx: mpsc::Sender<TcpEvent>,
    stats: &Stats,
) {
    let mut lines = FramedRead::new(stream, EolRequired::new(config));
    loop {
        match tokio::time::timeout(idle, lines.next()).await {
            Err(_) => {
                stats.idle_closed.inc();
                break;
            }
            Ok(None) => break,
            Ok(Some(Ok(line))) => {
                if tx.send(TcpEvent::Line(peer, line)).await.is_err() {
                    return;
                }
            }
            Ok(Some(Err(e))) => {
                // RST: what was read of an unterminated line is dropped, as on FIN.
                let partial = lines.read_buffer().len();
                lines.decoder_mut().incomplete += partial;
                let _ = tx.send(TcpEvent::Error(peer, e)).await;
                break;
            }
        }
    }
    let incomplete = lines.decoder().incomplete;
    if incomplete > 0 {
        stats.incomplete_lines.inc();
        eprintln!(
            "statsd-wire listen: tcp://{peer}: the connection ended in the middle of a line ({incomplete} bytes without a newline): dropped"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eol_required_drops_and_counts_a_partial_last_line() {
        let mut codec = EolRequired::new(Config::spec());
        let mut buf = BytesMut::from(&b"a:1|c\npartial:1|c"[..]);
        let line = codec.decode(&mut buf).unwrap().unwrap();
        assert_eq!(&line.bytes()[..], b"a:1|c");
        assert!(codec.decode(&mut buf).unwrap().is_none());
        assert!(codec.decode_eof(&mut buf).unwrap().is_none());
        assert_eq!(codec.incomplete, "partial:1|c".len());
        assert!(buf.is_empty());
        // A complete last line is a line.
        let mut codec = EolRequired::new(Config::spec());
        let mut buf = BytesMut::from(&b"b:1|c\n"[..]);
        assert!(codec.decode_eof(&mut buf).unwrap().is_some());
        assert_eq!(codec.incomplete, 0);
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn the_reader_counts_empty_datagrams_and_stops_at_count() {
        runtime().block_on(async {
            let (socket, granted) = bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
            let to = socket.local_addr().unwrap();
            let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            for d in [&b""[..], b"a:1|c", b"not counted"] {
                client.send_to(d, to).unwrap();
            }
            let (tx, mut rx) = mpsc::channel(4);
            let (_stop_tx, stop) = watch::channel(false);
            let stats = Arc::new(Stats::default());
            let reader = tokio::spawn(read_udp(
                socket,
                granted,
                Some(2),
                tx,
                stop,
                Arc::clone(&stats),
            ));
            let mut got = Vec::new();
            while let Some(batch) = rx.recv().await {
                got.extend(batch.into_iter().map(|(d, _)| d.len()));
            }
            reader.await.unwrap().unwrap();
            assert_eq!(got, [0, 5]);
            assert_eq!(stats.received.get(), 2);
        });
    }

    /// Issue 11, defect 3: under a sender that never pauses, the first signal
    /// still ends the reader (it reads what is queued, bounded).
    #[test]
    fn the_first_signal_stops_the_reader_under_load() {
        runtime().block_on(async {
            let (socket, granted) = bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
            let to = socket.local_addr().unwrap();
            let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let blasters: Vec<_> = (0..2)
                .map(|_| {
                    let done = Arc::clone(&done);
                    std::thread::spawn(move || {
                        let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                        let start = Instant::now();
                        while !done.load(std::sync::atomic::Ordering::Relaxed)
                            && start.elapsed() < Duration::from_secs(30)
                        {
                            let _ = client.send_to(b"load:1|c", to);
                        }
                    })
                })
                .collect();
            let (tx, mut rx) = mpsc::channel(QUEUED_BATCHES);
            let (stop_tx, stop) = watch::channel(false);
            let stats = Arc::new(Stats::default());
            let reader = tokio::spawn(read_udp(socket, granted, None, tx, stop, stats));
            let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
            tokio::time::sleep(Duration::from_millis(500)).await;
            let start = Instant::now();
            stop_tx.send(true).unwrap();
            let ended = tokio::time::timeout(Duration::from_secs(20), reader).await;
            let took = start.elapsed();
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            for b in blasters {
                b.join().unwrap();
            }
            assert!(ended.is_ok(), "the reader did not stop");
            assert!(took < Duration::from_secs(10), "{took:?}");
            drain.await.unwrap();
        });
    }
}
