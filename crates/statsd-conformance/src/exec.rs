//! Running adapter processes: one call with a deadline, or a `batch` stream
//! read response by response. A process that hangs, floods its output or dies
//! never stalls or crashes the runner: every call gets its own process group,
//! which is killed on timeout (and when stray children keep its pipes open).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How much stdout is kept from one call, or from one batch response line
/// (more is read and dropped, and the case is a CRASH): the most an answer
/// can hold in memory and in a report. The largest legitimate answer to a
/// vector is a few hundred KiB.
pub const MAX_STDOUT: usize = 1 << 20;
/// How much of the end of stderr is kept.
const STDERR_TAIL: usize = 4096;
/// How long a finished process's pipes may stay open (stray children).
const PIPE_GRACE: Duration = Duration::from_millis(250);

/// The environment variable every adapter process (and whatever it starts,
/// unless it clears its environment) carries: the runner's process id. At the
/// end of a run, processes still carrying it are killed ([`reap_strays`]),
/// also those that left the process group with `setsid`.
pub const RUN_MARKER: &str = "STATSD_CONFORMANCE_RUN";
/// The environment variable naming one adapter process (and its children):
/// killed with its process group on timeout.
const CALL_MARKER: &str = "STATSD_CONFORMANCE_CALL";

/// Limits of a whole run, shared by every call of this process.
struct Limits {
    /// No adapter call starts after this, and none runs past it.
    deadline: Option<Instant>,
    /// Stop after this many timeouts in a row (0: never).
    max_consecutive_timeouts: u32,
    consecutive_timeouts: u32,
    /// Why calls are no longer made.
    stopped: Option<String>,
}

static LIMITS: Mutex<Limits> = Mutex::new(Limits {
    deadline: None,
    max_consecutive_timeouts: 0,
    consecutive_timeouts: 0,
    stopped: None,
});

fn limits() -> std::sync::MutexGuard<'static, Limits> {
    LIMITS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sets the limits of the whole run (the command line's `--deadline` and
/// `--max-timeouts`): after `deadline` from now no adapter call is made (and a
/// running one is cut at it), and after `max_consecutive_timeouts` timeouts
/// in a row (0: no limit) none either. The calls not made answer
/// [`Exit::SpawnFailed`] with the reason, so their cases are CRASH.
pub fn set_limits(deadline: Option<Duration>, max_consecutive_timeouts: u32) {
    let mut l = limits();
    l.deadline = deadline.map(|d| Instant::now() + d);
    l.max_consecutive_timeouts = max_consecutive_timeouts;
    l.consecutive_timeouts = 0;
    l.stopped = None;
}

/// Why adapter calls stopped being made (the deadline passed, too many
/// timeouts in a row), if they did.
pub fn stopped() -> Option<String> {
    limits().stopped.clone()
}

/// Whether calls may still be made; the time a call may take (`timeout`,
/// cut at the deadline).
fn admit(timeout: Duration) -> Result<Duration, String> {
    let mut l = limits();
    if let Some(why) = &l.stopped {
        return Err(why.clone());
    }
    match l.deadline {
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let why = "not run: the run's --deadline passed".to_string();
                l.stopped = Some(why.clone());
                return Err(why);
            }
            Ok(timeout.min(left))
        }
        None => Ok(timeout),
    }
}

/// Counts a call's outcome towards the consecutive-timeouts limit.
fn record(timed_out: bool) {
    let mut l = limits();
    if !timed_out {
        l.consecutive_timeouts = 0;
        return;
    }
    l.consecutive_timeouts += 1;
    if l.max_consecutive_timeouts > 0
        && l.consecutive_timeouts >= l.max_consecutive_timeouts
        && l.stopped.is_none()
    {
        l.stopped = Some(format!(
            "not run: the adapter timed out {} times in a row (--max-timeouts)",
            l.consecutive_timeouts
        ));
    }
}

/// A number for each process started, for [`CALL_MARKER`].
static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The processes whose environment holds `name=value` (Linux: read from
/// `/proc`; elsewhere none).
fn processes_with(name: &str, value: &str) -> Vec<u32> {
    let needle = format!("{name}={value}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let me = std::process::id();
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|var| var == needle.as_bytes()))
        })
        .collect()
}

/// Sends SIGKILL to `targets` (`-PGID` for a group) with kill(1): no unsafe
/// code, no libc binding.
fn kill_all(targets: &[String]) {
    if targets.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg("-KILL")
        .arg("--")
        .args(targets)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Kills every process still carrying this runner's [`RUN_MARKER`] (adapter
/// children that outlived their call, also after `setsid`); returns how many.
/// Call it once the run is over.
pub fn reap_strays() -> usize {
    let strays: Vec<String> = processes_with(RUN_MARKER, &std::process::id().to_string())
        .iter()
        .map(u32::to_string)
        .collect();
    kill_all(&strays);
    strays.len()
}

/// How a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal killed it.
    Signal(i32),
    /// It did not finish before the deadline (its process group was killed).
    Timeout,
    /// It could not be started.
    SpawnFailed(String),
}

/// The result of one call.
#[derive(Clone, Debug)]
pub struct Output {
    /// How it ended.
    pub exit: Exit,
    /// Its stdout (at most [`MAX_STDOUT`] bytes).
    pub stdout: Vec<u8>,
    /// Whether stdout was longer than what was kept.
    pub stdout_truncated: bool,
    /// The end of its stderr.
    pub stderr_tail: String,
}

/// Characters that make a command need a shell.
const SHELL_META: &[char] = &[
    ';', '&', '|', '<', '>', '$', '`', '(', ')', '{', '}', '*', '?', '~', '[', ']', '#', '\n', '=',
];

/// Splits a command into words when it is a plain command line (words,
/// quotes, backslashes); `None` when it needs a shell (`;`, `|`, `$`, ...).
fn split_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => word.push(chars.next()?),
                        '$' | '`' => return None,
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c if SHELL_META.contains(&c) => return None,
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    (!words.is_empty()).then_some(words)
}

/// Quotes a word for `sh`.
fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The process for `command args...`: executed directly when `command` is a
/// plain command line, else through `sh -c`.
pub fn command(command: &str, args: &[&str]) -> Command {
    let mut cmd = match split_words(command) {
        Some(words) => {
            let mut cmd = Command::new(&words[0]);
            cmd.args(&words[1..]);
            cmd.args(args);
            cmd
        }
        None => {
            let mut line = command.to_string();
            for a in args {
                line.push(' ');
                line.push_str(&shell_quote(a));
            }
            let mut cmd = Command::new("sh");
            cmd.arg("-c").arg(line);
            cmd
        }
    };
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    cmd.env(RUN_MARKER, std::process::id().to_string())
        .env(CALL_MARKER, format!("{}-{call}", std::process::id()));
    cmd
}

/// The value of [`CALL_MARKER`] a command was given.
fn call_marker(cmd: &Command) -> Option<String> {
    cmd.get_envs()
        .find(|(k, _)| *k == CALL_MARKER)
        .and_then(|(_, v)| Some(v?.to_str()?.to_string()))
}

/// Kills the process group led by `child`, `child` itself, and every process
/// started by it that left the group (`setsid`) but carries its `marker`.
fn kill_group(child: &mut Child, marker: Option<&str>) {
    #[cfg(unix)]
    {
        // The child is not reaped yet, or its group still has members: the
        // group id cannot have been reused.
        let mut targets = vec![format!("-{}", child.id())];
        if let Some(marker) = marker {
            targets.extend(
                processes_with(CALL_MARKER, marker)
                    .iter()
                    .map(u32::to_string),
            );
        }
        kill_all(&targets);
    }
    #[cfg(not(unix))]
    let _ = marker;
    let _ = child.kill();
}

fn exit_of(status: ExitStatus) -> Exit {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return Exit::Signal(sig);
        }
    }
    Exit::Code(status.code().unwrap_or(-1))
}

/// A buffer filled by a reader thread.
#[derive(Clone, Default)]
struct Sink {
    data: Arc<Mutex<(Vec<u8>, bool)>>,
    done: Arc<Mutex<bool>>,
}

impl Sink {
    /// Reads `r` to its end on a thread, keeping the first `cap` bytes (or,
    /// with `tail`, the last `cap` bytes).
    fn spawn(mut r: impl Read + Send + 'static, cap: usize, tail: bool) -> Sink {
        let sink = Sink::default();
        let s = sink.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match r.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut guard = s.data.lock().unwrap_or_else(|e| e.into_inner());
                        let (data, truncated) = &mut *guard;
                        if !tail && data.len() + n > cap {
                            // Never more than `cap` bytes held (nor twice that
                            // allocated, as growing past it would).
                            let room = cap - data.len().min(cap);
                            data.extend_from_slice(&buf[..room]);
                            *truncated = true;
                            continue;
                        }
                        data.extend_from_slice(&buf[..n]);
                        if data.len() > cap {
                            *truncated = true;
                            if tail {
                                let cut = data.len() - cap;
                                data.drain(..cut);
                            } else {
                                data.truncate(cap);
                            }
                        }
                    }
                }
            }
            *s.done.lock().unwrap_or_else(|e| e.into_inner()) = true;
        });
        sink
    }

    fn is_done(&self) -> bool {
        *self.done.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self) -> (Vec<u8>, bool) {
        std::mem::take(&mut *self.data.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

fn wait_sinks(sinks: &[&Sink], until: Instant) -> bool {
    loop {
        if sinks.iter().all(|s| s.is_done()) {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_millis(2));
    }
}

fn stderr_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `command args...` with `stdin` as its input and a deadline.
pub fn run(command_line: &str, args: &[&str], stdin: &[u8], timeout: Duration) -> Output {
    let timeout = match admit(timeout) {
        Ok(t) => t,
        Err(why) => {
            return Output {
                exit: Exit::SpawnFailed(why),
                stdout: Vec::new(),
                stdout_truncated: false,
                stderr_tail: String::new(),
            };
        }
    };
    let mut cmd = command(command_line, args);
    let marker = call_marker(&cmd);
    let marker = marker.as_deref();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Output {
                exit: Exit::SpawnFailed(format!("cannot run {command_line:?}: {e}")),
                stdout: Vec::new(),
                stdout_truncated: false,
                stderr_tail: String::new(),
            };
        }
    };
    let start = Instant::now();
    if let Some(mut input) = child.stdin.take() {
        let data = stdin.to_vec();
        thread::spawn(move || {
            // EPIPE (the adapter did not read its input) is not our concern.
            let _ = input.write_all(&data);
        });
    }
    let out = child
        .stdout
        .take()
        .map(|o| Sink::spawn(o, MAX_STDOUT, false))
        .unwrap_or_default();
    let err = child
        .stderr
        .take()
        .map(|e| Sink::spawn(e, STDERR_TAIL, true))
        .unwrap_or_default();

    let mut sleep = Duration::from_micros(200);
    let exit = loop {
        match child.try_wait() {
            Ok(Some(status)) => break exit_of(status),
            Ok(None) => {}
            Err(e) => {
                kill_group(&mut child, marker);
                let _ = child.wait();
                break Exit::SpawnFailed(format!("waiting for {command_line:?}: {e}"));
            }
        }
        if start.elapsed() >= timeout {
            kill_group(&mut child, marker);
            let _ = child.wait();
            break Exit::Timeout;
        }
        thread::sleep(sleep);
        sleep = (sleep * 2).min(Duration::from_millis(10));
    };
    if !wait_sinks(&[&out, &err], Instant::now() + PIPE_GRACE) {
        // Stray children hold the pipes: end them.
        kill_group(&mut child, marker);
        wait_sinks(&[&out, &err], Instant::now() + PIPE_GRACE);
    }
    record(exit == Exit::Timeout);
    let (stdout, stdout_truncated) = out.take();
    Output {
        exit,
        stdout,
        stdout_truncated,
        stderr_tail: stderr_text(&err.take().0),
    }
}

/// Why a batch stream stopped before its last response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchStop {
    /// No response within the deadline.
    Timeout,
    /// stdout ended (the process died or exited).
    Eof,
    /// A line that is not the expected response.
    Garbage(String),
    /// The process could not be started.
    SpawnFailed(String),
}

/// Response lines read ahead of the runner in a batch stream: with
/// [`MAX_STDOUT`] per line, what bounds the runner's memory whatever an
/// adapter prints (a reader blocked on a full queue stops reading; the
/// adapter then blocks on its full pipe).
const BATCH_QUEUE: usize = 2;

/// A running `ADAPTER batch` process.
pub struct Batch {
    child: Child,
    marker: Option<String>,
    lines: Receiver<Result<Vec<u8>, String>>,
    stderr: Sink,
    timeout: Duration,
    first_deadline: Duration,
    started: bool,
}

impl Batch {
    /// Starts `command args...` and feeds it `requests` (one JSON line each).
    /// Each response may take `timeout`, the first one `first_deadline`
    /// (start-up).
    pub fn start(
        command_line: &str,
        args: &[&str],
        requests: Vec<String>,
        timeout: Duration,
        first_deadline: Duration,
    ) -> Result<Batch, BatchStop> {
        admit(timeout).map_err(BatchStop::SpawnFailed)?;
        let mut cmd = command(command_line, args);
        let marker = call_marker(&cmd);
        let mut child = cmd
            .spawn()
            .map_err(|e| BatchStop::SpawnFailed(format!("cannot run {command_line:?}: {e}")))?;
        if let Some(mut input) = child.stdin.take() {
            thread::spawn(move || {
                for r in requests {
                    if input.write_all(r.as_bytes()).is_err() || input.write_all(b"\n").is_err() {
                        return;
                    }
                }
                let _ = input.flush();
            });
        }
        // Bounded: the memory held is at most BATCH_QUEUE + 2 lines of at
        // most MAX_STDOUT bytes (an unbounded queue grew to 700 MB when an
        // adapter printed 1 GB).
        let (tx, lines) = mpsc::sync_channel(BATCH_QUEUE);
        if let Some(stdout) = child.stdout.take() {
            thread::spawn(move || {
                let mut reader = BufReader::new(stdout);
                loop {
                    let mut line = Vec::new();
                    // A single line is capped like a single call's stdout.
                    match (&mut reader)
                        .take(MAX_STDOUT as u64)
                        .read_until(b'\n', &mut line)
                    {
                        Ok(0) | Err(_) => return,
                        Ok(n) if n >= MAX_STDOUT && line.last() != Some(&b'\n') => {
                            // Stop reading: the stream is unusable from here.
                            let _ = tx.send(Err(format!(
                                "a batch response longer than {} MiB",
                                MAX_STDOUT >> 20
                            )));
                            return;
                        }
                        Ok(_) => {
                            if tx.send(Ok(line)).is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
        let stderr = child
            .stderr
            .take()
            .map(|e| Sink::spawn(e, STDERR_TAIL, true))
            .unwrap_or_default();
        Ok(Batch {
            child,
            marker,
            lines,
            stderr,
            timeout,
            first_deadline: first_deadline.max(timeout),
            started: false,
        })
    }

    /// The next response line (without its newline), or why there is none.
    pub fn next_line(&mut self) -> Result<Vec<u8>, BatchStop> {
        let deadline = if self.started {
            self.timeout
        } else {
            self.first_deadline
        };
        self.started = true;
        let deadline = admit(deadline).map_err(BatchStop::SpawnFailed)?;
        let line = match self.lines.recv_timeout(deadline) {
            Ok(Err(why)) => Err(BatchStop::Garbage(why)),
            Ok(Ok(mut line)) => {
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                Ok(line)
            }
            Err(RecvTimeoutError::Timeout) => Err(BatchStop::Timeout),
            Err(RecvTimeoutError::Disconnected) => Err(BatchStop::Eof),
        };
        record(line == Err(BatchStop::Timeout));
        line
    }

    /// The end of the process's stderr so far.
    pub fn stderr_tail(&self) -> String {
        let guard = self.stderr.data.lock().unwrap_or_else(|e| e.into_inner());
        stderr_text(&guard.0)
    }

    /// Ends the process: waits briefly for it to exit by itself (its stdin is
    /// closed), then kills its process group.
    pub fn finish(mut self) {
        let until = Instant::now() + PIPE_GRACE;
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                if self.stderr.is_done() {
                    return;
                }
                break;
            }
            thread::sleep(Duration::from_millis(2));
        }
        kill_group(&mut self.child, self.marker.as_deref());
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            split_words("node 'a b/adapter.js' --x \"y z\""),
            Some(vec![
                "node".into(),
                "a b/adapter.js".into(),
                "--x".into(),
                "y z".into()
            ])
        );
        assert_eq!(split_words("a && b"), None);
        assert_eq!(split_words("FOO=1 ./x"), None);
        assert_eq!(split_words("'unterminated"), None);
        assert_eq!(split_words("   "), None);
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("--dialect"), "--dialect");
    }

    #[test]
    fn timeouts_kill_the_group() {
        let t = Instant::now();
        let out = run("sleep 30 & sleep 30", &[], b"", Duration::from_millis(200));
        assert_eq!(out.exit, Exit::Timeout);
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn exit_codes_and_output() {
        let out = run("cat; exit 3", &[], b"hello", Duration::from_secs(5));
        assert_eq!(out.exit, Exit::Code(3));
        assert_eq!(out.stdout, b"hello");
        let out = run("/nonexistent/adapter", &[], b"", Duration::from_secs(5));
        assert!(matches!(out.exit, Exit::SpawnFailed(_)));
    }
}
