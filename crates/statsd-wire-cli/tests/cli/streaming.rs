//! `check`, `json` and `fmt` read a line at a time (issue 11): memory is
//! bounded by the line limit whatever the input, so they work in a pipe; and
//! `check` with nothing to check says so.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::{bin, bin_path, stderr_of};

/// The largest resident set of `pid` seen so far (kB), from /proc.
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// What a run over the big input gave.
struct Streamed {
    code: Option<i32>,
    /// stdout, with the run of `x` bytes in the middle counted, not kept.
    stdout: Vec<u8>,
    xs: u64,
    stderr: String,
    max_rss_kb: u64,
}

const XS: usize = 96 << 20;

/// Runs `statsd-wire ARGS` on `a:+1|c\n`, 96 MiB of `x` (one line), `\nb:007|g\n`.
fn run_streamed(args: &[&str]) -> Streamed {
    let mut child = Command::new(bin_path())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = thread::spawn(move || {
        let chunk = vec![b'x'; 64 << 10];
        let _ = stdin.write_all(b"a:+1|c\n");
        for _ in 0..XS / chunk.len() {
            if stdin.write_all(&chunk).is_err() {
                return;
            }
        }
        let _ = stdin.write_all(b"\nb:007|g\n");
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        let mut kept = Vec::new();
        let mut xs = 0u64;
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                if b == b'x' {
                    xs += 1;
                } else {
                    kept.push(b);
                }
            }
        }
        (kept, xs)
    });
    let mut stderr = child.stderr.take().unwrap();
    let errors = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let mut max_rss_kb = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        max_rss_kb = max_rss_kb.max(rss_kb(child.id()));
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(5));
    };
    writer.join().unwrap();
    let (stdout, xs) = reader.join().unwrap();
    Streamed {
        code: status.and_then(|s| s.code()),
        stdout,
        xs,
        stderr: errors.join().unwrap(),
        max_rss_kb,
    }
}

/// Weakness of issue 11: `check`, `json` and `fmt` read the whole input
/// into memory (a 1 GB file: 2 GB for `fmt`; `check /dev/zero` grew without
/// limit). A 96 MiB line now costs a few MiB, and the results are the same as
/// before: the long line is `line_too_long` (copied through unchanged by `fmt`).
#[test]
fn check_json_and_fmt_stream_with_bounded_memory() {
    // check
    let run = run_streamed(&["check", "--dialect", "etsy"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("<stdin>:2:1: error[line_too_long]"), "{out}");
    assert!(
        out.ends_with("3 lines: 2 valid, 1 invalid, 0 warnings\n"),
        "{out}"
    );
    assert!(
        run.max_rss_kb < 48 << 10,
        "check: {} MB",
        run.max_rss_kb >> 10
    );

    // json: the error's offset is the line's start in the input.
    let run = run_streamed(&["json", "--dialect", "etsy"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let out = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[1]["error"]["class"], "line_too_long");
    assert_eq!(lines[1]["error"]["offset"], 7);
    assert_eq!(lines[2]["metric"]["values"][0], "7");
    assert!(
        run.max_rss_kb < 48 << 10,
        "json: {} MB",
        run.max_rss_kb >> 10
    );

    // fmt: valid lines canonical, the long line byte for byte.
    let run = run_streamed(&["fmt", "--dialect", "etsy"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, b"a:1|c\n\nb:7|g\n");
    assert_eq!(run.xs, XS as u64);
    assert!(
        run.stderr.contains("error[line_too_long]"),
        "{}",
        run.stderr
    );
    assert!(
        run.max_rss_kb < 48 << 10,
        "fmt: {} MB",
        run.max_rss_kb >> 10
    );
}

/// The streamed results are those of the whole input read as one datagram:
/// line numbers, byte offsets, empty lines, CRLF, a last line without `\n`.
#[test]
fn streaming_keeps_lines_offsets_and_the_final_newline() {
    let input = "a:1|c\n\n\nbad:1|x\r\nc:+1|g\r\n  d:1|c\nlast:007|c";
    let out = bin()
        .args(["json", "--dialect", "etsy"])
        .write_stdin(input)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 4, 5, 6, 7]);
    assert_eq!(lines[1]["error"]["offset"], 14);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 4, column 7"),
        "{text}"
    );
    let out = bin()
        .args(["fmt", "--dialect", "etsy"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "a:1|c\n\n\nbad:1|x\r\nc:+1|g\n  d:1|c\nlast:7|c"
    );
}

/// Weakness of issue 11: `check` with stdin closed reported success on empty
/// input. It says "no input" (exit 2).
#[test]
fn check_with_no_input_says_so() {
    let out = bin().arg("check").write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no input"), "{}", stderr_of(&out));
    let out = Command::new(bin_path())
        .arg("check")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
