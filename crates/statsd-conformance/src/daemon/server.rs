//! Sending cases to a server (UDP, TCP, Unix datagram) and running a server
//! process from a profile's `[server]` commands.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
#[cfg(unix)]
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one send may block.
const SEND_TIMEOUT: Duration = Duration::from_secs(2);
/// The end of the server's output kept for reports.
const TAIL: usize = 4096;

/// Where cases are sent.
#[derive(Debug)]
pub enum Sender {
    /// One datagram per case.
    Udp(UdpSocket),
    /// Newline-framed, one persistent connection (re-opened after an error).
    Tcp {
        /// `host:port`.
        addr: String,
        /// The connection.
        stream: Option<TcpStream>,
    },
    /// One datagram per case on a Unix datagram socket.
    #[cfg(unix)]
    Unix(UnixDatagram, PathBuf),
}

impl Sender {
    /// Opens `udp://HOST:PORT`, `tcp://HOST:PORT` or `unix:///PATH`.
    pub fn open(spec: &str) -> Result<Sender, String> {
        if let Some(addr) = spec.strip_prefix("udp://") {
            let target = addr
                .to_socket_addrs()
                .map_err(|e| format!("{spec}: {e}"))?
                .next()
                .ok_or_else(|| format!("{spec}: no address"))?;
            let bind = if target.is_ipv4() {
                "0.0.0.0:0"
            } else {
                "[::]:0"
            };
            let s = UdpSocket::bind(bind).map_err(|e| format!("{spec}: {e}"))?;
            // Connected: an ICMP "port unreachable" surfaces as an error on a
            // later send (the server is gone).
            s.connect(target).map_err(|e| format!("{spec}: {e}"))?;
            s.set_write_timeout(Some(SEND_TIMEOUT))
                .map_err(|e| format!("{spec}: {e}"))?;
            return Ok(Sender::Udp(s));
        }
        if let Some(addr) = spec.strip_prefix("tcp://") {
            return Ok(Sender::Tcp {
                addr: addr.to_string(),
                stream: None,
            });
        }
        #[cfg(unix)]
        if let Some(path) = spec.strip_prefix("unix://") {
            let s = UnixDatagram::unbound().map_err(|e| format!("{spec}: {e}"))?;
            s.set_write_timeout(Some(SEND_TIMEOUT))
                .map_err(|e| format!("{spec}: {e}"))?;
            return Ok(Sender::Unix(s, PathBuf::from(path)));
        }
        Err(format!(
            "{spec}: expected udp://HOST:PORT, tcp://HOST:PORT or unix:///PATH"
        ))
    }

    /// Sends one case (TCP: followed by `\n` unless it ends with one).
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        match self {
            Sender::Udp(s) => s
                .send(bytes)
                .map(|_| ())
                .map_err(|e| format!("UDP send: {e}")),
            Sender::Tcp { addr, stream } => {
                let mut framed = bytes.to_vec();
                if !framed.ends_with(b"\n") {
                    framed.push(b'\n');
                }
                for attempt in 0..2 {
                    if stream.is_none() {
                        *stream = Some(connect(addr)?);
                    }
                    let Some(s) = stream.as_mut() else {
                        continue;
                    };
                    match s.write_all(&framed).and_then(|()| s.flush()) {
                        Ok(()) => return Ok(()),
                        Err(e) if attempt == 1 => return Err(format!("TCP send to {addr}: {e}")),
                        Err(_) => *stream = None,
                    }
                }
                Err(format!("TCP send to {addr}: failed"))
            }
            #[cfg(unix)]
            Sender::Unix(s, path) => s
                .send_to(bytes, &*path)
                .map(|_| ())
                .map_err(|e| format!("Unix datagram send to {}: {e}", path.display())),
        }
    }
}

fn connect(addr: &str) -> Result<TcpStream, String> {
    let target = addr
        .to_socket_addrs()
        .map_err(|e| format!("tcp://{addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("tcp://{addr}: no address"))?;
    let s = TcpStream::connect_timeout(&target, SEND_TIMEOUT)
        .map_err(|e| format!("TCP connect to {addr}: {e}"))?;
    s.set_write_timeout(Some(SEND_TIMEOUT))
        .map_err(|e| format!("tcp://{addr}: {e}"))?;
    let _ = s.set_nodelay(true);
    Ok(s)
}

/// A free local port (for UDP and TCP alike, as far as can be checked).
pub fn free_port() -> Result<u16, String> {
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
        let port = udp.local_addr().map_err(|e| e.to_string())?.port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err("no free port found".into())
}

/// A server process started from a profile's `[server] start`, in its own
/// process group; stopped (stop command, then the group killed) on drop.
pub struct Server {
    child: Child,
    stop: Option<String>,
    tail: Arc<Mutex<Vec<u8>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
    /// The watchdog's stdin: closed when the runner goes away.
    lifeline: Option<std::process::ChildStdin>,
    exited: Option<String>,
}

/// Runs `$1` in the background (stdin closed) and waits for it, exiting
/// with its status; a watcher kills the whole process group when the
/// runner's pipe on stdin closes.
const WATCHDOG: &str = r#"exec 3<&0
sh -c "$1" 3<&- </dev/null &
server=$!
( cat <&3 >/dev/null; kill -TERM 0 ) 2>/dev/null &
watcher=$!
exec 3<&-
wait "$server"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
"#;

fn keep_tail(
    mut r: impl Read + Send + 'static,
    tail: Arc<Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
            t.extend_from_slice(&buf[..n]);
            if t.len() > TAIL {
                let cut = t.len() - TAIL;
                t.drain(..cut);
            }
        }
    })
}

impl Server {
    /// Starts `command` through `sh -c`.
    ///
    /// The command runs under a small `sh` watchdog that holds a pipe from
    /// the runner: when the runner goes away (killed, interrupted), the pipe
    /// closes and the watchdog kills the server's process group, so a server
    /// never outlives its run.
    pub fn start(command: &str, stop: Option<String>) -> Result<Server, String> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(WATCHDOG)
            .arg("statsd-conformance-server")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("starting the server ({command}): {e}"))?;
        let tail = Arc::new(Mutex::new(Vec::new()));
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(keep_tail(out, Arc::clone(&tail)));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(keep_tail(err, Arc::clone(&tail)));
        }
        let lifeline = child.stdin.take();
        Ok(Server {
            child,
            stop,
            tail,
            readers,
            lifeline,
            exited: None,
        })
    }

    /// `Some(how)` once the server process has exited.
    pub fn exited(&mut self) -> Option<String> {
        if self.exited.is_none() {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.exited = Some(format!("the server process exited ({status})"));
            }
        }
        self.exited.clone()
    }

    /// The end of the server's stdout and stderr (once it has exited, after
    /// its output was read to the end, or 500 ms).
    pub fn output_tail(&self) -> String {
        if self.exited.is_some() {
            let deadline = Instant::now() + Duration::from_millis(500);
            while Instant::now() < deadline && !self.readers.iter().all(|r| r.is_finished()) {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let t = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&t).into_owned()
    }

    fn kill_group(&mut self, signal: &str) {
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args([signal, "--", &format!("-{}", self.child.id())])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        #[cfg(not(unix))]
        let _ = signal;
    }

    /// Stops the server: the stop command (bounded to 10 s), SIGTERM to its
    /// group, and SIGKILL after 3 s.
    pub fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            if let Ok(mut c) = Command::new("sh")
                .arg("-c")
                .arg(&stop)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
            {
                let deadline = Instant::now() + Duration::from_secs(10);
                while Instant::now() < deadline {
                    if matches!(c.try_wait(), Ok(Some(_))) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        // Closing the lifeline makes the watchdog kill the group too.
        self.lifeline = None;
        self.kill_group("-TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // The group may outlive its leader: always KILL it.
        self.kill_group("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders() {
        let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
        rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut s = Sender::open(&format!("udp://{}", rx.local_addr().unwrap())).unwrap();
        s.send(b"a:1|c").unwrap();
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"a:1|c");
        assert!(Sender::open("http://x").is_err());

        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut t = Sender::open(&format!("tcp://{}", l.local_addr().unwrap())).unwrap();
        t.send(b"a:1|c").unwrap();
        let (mut c, _) = l.accept().unwrap();
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut got = [0u8; 6];
        c.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"a:1|c\n");
    }

    #[cfg(unix)]
    #[test]
    fn unix_datagrams() {
        let dir = std::env::temp_dir().join(format!("sc-unix-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("statsd.sock");
        let _ = std::fs::remove_file(&path);
        let rx = UnixDatagram::bind(&path).unwrap();
        rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut s = Sender::open(&format!("unix://{}", path.display())).unwrap();
        s.send(b"a:1|c\nb:2|g").unwrap();
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"a:1|c\nb:2|g");
        drop(rx);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_server_dies_with_its_lifeline() {
        let mut s = Server::start("exec sleep 30", None).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(s.exited().is_none());
        // What happens when the runner is killed: the pipe closes.
        s.lifeline = None;
        let deadline = Instant::now() + Duration::from_secs(5);
        while s.exited().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(s.exited().is_some(), "the server outlived its lifeline");
    }

    #[test]
    fn server_exit_is_seen() {
        let mut s = Server::start("echo hello; exit 3", None).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while s.exited().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(s.exited().unwrap().contains('3'));
        std::thread::sleep(Duration::from_millis(50));
        assert!(s.output_tail().contains("hello"));
    }
}
