//! Helpers: the binary, temporary files, a `listen` process and UDP sockets.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// The `statsd-wire` binary.
pub(crate) fn bin() -> Command {
    let mut cmd = Command::cargo_bin("statsd-wire").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// The path of the `statsd-wire` binary.
pub(crate) fn bin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_statsd-wire"))
}

/// A temporary directory holding one file `name` with `contents`.
pub(crate) fn temp_file(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

pub(crate) fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses JSON lines.
pub(crate) fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A running `statsd-wire listen`.
pub(crate) struct Listen {
    child: Child,
    /// The address it listens on.
    pub(crate) addr: SocketAddr,
    stdout: Option<thread::JoinHandle<String>>,
    /// A stdout pipe kept open and never read.
    unread: Option<std::process::ChildStdout>,
    stderr_rest: Option<thread::JoinHandle<String>>,
    stderr_head: String,
    /// What stderr said after its first line, so far.
    stderr_seen: Arc<Mutex<String>>,
}

/// What a `listen` printed and how it ended.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) status: ExitStatus,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// Whether it had to be stopped with SIGTERM.
    pub(crate) terminated: bool,
}

impl Finished {
    /// The number after `key: ` at the start of a summary line of stderr
    /// (`received: 5 datagrams (...)` gives 5 for `received`).
    pub(crate) fn summary(&self, key: &str) -> u64 {
        self.summary_line(key)
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number for {key:?} in:\n{}", self.stderr))
    }

    /// The rest of the summary line starting with `key: `.
    pub(crate) fn summary_line(&self, key: &str) -> &str {
        let prefix = format!("{key}: ");
        self.stderr
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {key:?} line in:\n{}", self.stderr))
    }
}

impl Listen {
    /// Starts `statsd-wire listen --bind 127.0.0.1:0 ARGS` and waits for it to
    /// say where it listens.
    pub(crate) fn start(args: &[&str]) -> Listen {
        let mut cmd = StdCommand::new(bin_path());
        cmd.arg("listen").args(["--bind", "127.0.0.1:0"]).args(args);
        Listen::spawn(cmd, true)
    }

    /// Starts `sh -c 'SETUP; exec statsd-wire listen --bind 127.0.0.1:0 ARGS'`
    /// (e.g. `ulimit -n 64` as SETUP).
    pub(crate) fn start_after(setup: &str, args: &[&str]) -> Listen {
        let mut cmd = StdCommand::new("sh");
        cmd.arg("-c")
            .arg(format!(
                "{setup}; exec \"$0\" listen --bind 127.0.0.1:0 \"$@\""
            ))
            .arg(bin_path())
            .args(args);
        Listen::spawn(cmd, true)
    }

    /// Starts `statsd-wire listen --bind 127.0.0.1:0 ARGS` with a stdout
    /// nobody reads (a pipe kept open, never read).
    pub(crate) fn start_unread(args: &[&str]) -> Listen {
        let mut cmd = StdCommand::new(bin_path());
        cmd.arg("listen").args(["--bind", "127.0.0.1:0"]).args(args);
        Listen::spawn(cmd, false)
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    fn spawn(mut cmd: StdCommand, read_stdout: bool) -> Listen {
        let mut child = cmd
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (stdout, unread) = if read_stdout {
            let reader = thread::spawn(move || {
                let mut s = String::new();
                let _ = stdout.read_to_string(&mut s);
                s
            });
            (Some(reader), None)
        } else {
            (None, Some(stdout))
        };
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let (tx, rx) = mpsc::channel();
        let seen = Arc::new(Mutex::new(String::new()));
        let so_far = Arc::clone(&seen);
        let stderr_rest = thread::spawn(move || {
            let mut head = String::new();
            let _ = stderr.read_line(&mut head);
            let _ = tx.send(head);
            let mut rest = String::new();
            let mut line = String::new();
            while matches!(stderr.read_line(&mut line), Ok(n) if n > 0) {
                rest.push_str(&line);
                so_far.lock().unwrap().push_str(&line);
                line.clear();
            }
            rest
        });
        let head = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("listen did not start");
        let addr = head
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {head:?}"));
        Listen {
            child,
            addr,
            stdout,
            unread,
            stderr_rest: Some(stderr_rest),
            stderr_head: head,
            stderr_seen: seen,
        }
    }

    /// Waits (up to `limit`) until stderr has said `text`; whether it did.
    pub(crate) fn wait_for_stderr(&self, text: &str, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.stderr_seen.lock().unwrap().contains(text) {
                return true;
            }
            thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// Sends `signal` (`TERM`, `INT`, ...).
    pub(crate) fn signal(&self, signal: &str) {
        let _ = StdCommand::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status();
    }

    /// Waits for it to exit for up to `limit`, then kills it (SIGKILL; then
    /// `terminated` is true).
    pub(crate) fn wait(mut self, limit: Duration) -> Finished {
        let deadline = Instant::now() + limit;
        let mut terminated = false;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                terminated = true;
                break self.child.wait().unwrap();
            }
            thread::sleep(Duration::from_millis(10));
        };
        self.collect(status, terminated)
    }

    fn collect(&mut self, status: ExitStatus, terminated: bool) -> Finished {
        self.unread = None;
        let stdout = self
            .stdout
            .take()
            .map(|s| s.join().unwrap())
            .unwrap_or_default();
        let rest = self.stderr_rest.take().unwrap().join().unwrap();
        Finished {
            status,
            stdout,
            stderr: format!("{}{rest}", self.stderr_head),
            terminated,
        }
    }

    /// Waits for it to exit by itself (`--count`) for up to `timeout`, then
    /// stops it with SIGTERM.
    pub(crate) fn finish(mut self, timeout: Duration) -> Finished {
        let deadline = Instant::now() + timeout;
        let mut terminated = false;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline && !terminated {
                terminate(self.child.id());
                terminated = true;
            }
            thread::sleep(Duration::from_millis(10));
        };
        self.collect(status, terminated)
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends SIGTERM to `pid`.
pub(crate) fn terminate(pid: u32) {
    let _ = StdCommand::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}

/// A UDP socket on an ephemeral loopback port.
pub(crate) fn udp() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    socket
}

/// Receives datagrams until none arrives for `quiet`.
pub(crate) fn receive_all(socket: &UdpSocket, quiet: Duration) -> Vec<Vec<u8>> {
    socket.set_read_timeout(Some(quiet)).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(n) = socket.recv(&mut buf) {
        out.push(buf[..n].to_vec());
    }
    out
}

/// The file's contents as text.
pub(crate) fn read(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}
