//! `statsd-wire send`, to a UDP socket standing in for a server.

use std::time::Duration;

use crate::support::{bin, receive_all, stderr_of, stdout_of, udp};

const QUIET: Duration = Duration::from_millis(300);

#[test]
fn metrics_are_sent_canonically_in_one_datagram() {
    let server = udp();
    let to = server.local_addr().unwrap().to_string();
    let out = bin()
        .args(["send", "--dialect", "etsy", "--to", &to])
        .args(["confBridgeUsers:+1|g", "hits:+3|c", "t:1.50|ms|@0.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        format!("sent 3 metrics in 1 datagram (43 bytes) to {to}\n")
    );
    let got = receive_all(&server, QUIET);
    assert_eq!(
        got,
        [b"confBridgeUsers:+1|g\nhits:3|c\nt:1.5|ms|@0.5".to_vec()]
    );
}

#[test]
fn one_bad_metric_means_nothing_is_sent() {
    let server = udp();
    let to = server.local_addr().unwrap().to_string();
    let out = bin()
        .args([
            "send",
            "--to",
            &to,
            "good:1|c",
            "bad:1|c|@2",
            "also.good:2|g",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr_of(&out);
    assert!(
        err.starts_with(
            "<arg>:2:10: error[sample_rate_out_of_range]: sample rate out of range\n2 | bad:1|c|@2\n  |          ^\n  = hint: "
        ),
        "{err}"
    );
    assert!(
        err.ends_with("statsd-wire send: 1 invalid metric; nothing was sent\n"),
        "{err}"
    );
    assert!(receive_all(&server, QUIET).is_empty());

    // The same from stdin, with the bad line last: still nothing sent.
    let out = bin()
        .args(["send", "--to", &to])
        .write_stdin("a:1|c\nb:2|c\nc:x|c\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).starts_with("<stdin>:3:3: error[invalid_value]"));
    assert!(receive_all(&server, QUIET).is_empty());
}

#[test]
fn stdin_lines_are_packed_up_to_the_maximum_and_long_lines_go_alone() {
    let server = udp();
    let to = server.local_addr().unwrap().to_string();
    let mut input = String::new();
    let mut expected = Vec::new();
    for i in 0..50 {
        let line = format!("metric.{i}:{i}|c");
        input += &line;
        input += "\n";
        expected.push(line);
    }
    let long = format!("{}:1|c", "n".repeat(80));
    input += &long;
    input += "\n";
    expected.push(long);
    let out = bin()
        .args(["send", "--max-datagram", "64", "--to", &to])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out)
            .contains("warning: metric 51 is 84 bytes, more than --max-datagram 64; sent alone")
    );
    let got = receive_all(&server, QUIET);
    let summary = stdout_of(&out);
    assert!(
        summary.starts_with(&format!("sent 51 metrics in {} datagrams", got.len())),
        "{summary}"
    );
    let (last, packed) = got.split_last().unwrap();
    assert!(packed.iter().all(|d| d.len() <= 64));
    assert!(packed.len() > 1 && packed.iter().all(|d| d.contains(&b'\n')));
    assert_eq!(last.len(), 84);
    let lines: Vec<String> = got
        .iter()
        .flat_map(|d| {
            String::from_utf8(d.clone())
                .unwrap()
                .split('\n')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(lines, expected);
}

#[test]
fn progress_is_shown_for_large_inputs() {
    let server = udp();
    let to = server.local_addr().unwrap().to_string();
    let input: String = (0..25_000).map(|i| format!("bulk.{i}:1|c\n")).collect();
    let out = bin()
        .args(["send", "--to", &to])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr_of(&out);
    // About every 10,000 metrics (at datagram boundaries), and at the end.
    assert_eq!(err.matches("/25000 metrics sent").count(), 3, "{err}");
    assert!(
        err.ends_with("statsd-wire send: 25000/25000 metrics sent\n"),
        "{err}"
    );
    assert!(stdout_of(&out).starts_with("sent 25000 metrics in "));
}

#[test]
fn a_bad_destination_is_exit_2() {
    let out = bin()
        .args(["send", "--to", "no-port-here", "a:1|c"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["send", "--max-datagram", "0", "a:1|c"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Defect 5 of issue 11: a valid line whose canonical form exceeds the line
/// limit (`|@1e-300` written out is 300 digits; 8000 bytes of name leave no
/// room) was refused with "1 invalid metric; nothing was sent" and nothing
/// else, while `check` accepts it. Now `check` and `send` agree: it is sent as
/// received, with a warning naming the line.
#[test]
fn a_valid_line_too_long_in_canonical_form_is_sent_as_received() {
    let line = format!("{}:1|c|@1e-300", "n".repeat(8000));
    let check = bin()
        .args(["check"])
        .write_stdin(format!("{line}\n"))
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
    let server = udp();
    let to = server.local_addr().unwrap().to_string();
    let out = bin()
        .args([
            "send",
            "--to",
            &to,
            "--max-datagram",
            "65507",
            "good:1|c",
            &line,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("<arg>:2: its canonical form cannot be written"),
        "{}",
        stderr_of(&out)
    );
    let got = receive_all(&server, QUIET);
    assert_eq!(got, [format!("good:1|c\n{line}").into_bytes()]);
    // From stdin too, named by line.
    let out = bin()
        .args(["send", "--to", &to, "--max-datagram", "65507"])
        .write_stdin(format!("good:1|c\n{line}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("<stdin>:2:"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(receive_all(&server, QUIET).len(), 1);
    // fmt keeps it as it is, and says so.
    let out = bin()
        .args(["fmt"])
        .write_stdin(format!("good:1|c\n{line}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), format!("good:1|c\n{line}\n"));
    assert!(
        stderr_of(&out).contains("<stdin>:2: warning: valid, but its canonical form is longer"),
        "{}",
        stderr_of(&out)
    );
}
