//! `statsd-wire listen` over real loopback sockets.

use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crate::support::{Listen, bin, json_lines, receive_all, udp};

fn sender() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

#[test]
fn prints_canonical_metrics_errors_and_etsy_gauge_values() {
    let listen = Listen::start(&["--dialect", "etsy", "--count", "6"]);
    let s = sender();
    for datagram in [
        &b"confBridgeUsers:+1|g"[..],
        b"confBridgeUsers:+1|g\nhits:+1|c",
        b"confBridgeUsers:-1|g\r\n",
        b"confBridgeUsers:-1|g",
        b"confBridgeUsers:5|g\nbad:1|c|@+0.5",
        b"confBridgeUsers:-7|g",
    ] {
        s.send_to(datagram, listen.addr).unwrap();
    }
    let done = listen.finish(Duration::from_secs(10));
    assert!(!done.terminated, "{}", done.stderr);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    let gauges: Vec<&str> = done
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("gauge confBridgeUsers = "))
        .collect();
    // Deltas change the gauge, an absolute value sets it (and a delta can take
    // it below zero, as in the Etsy daemon).
    assert_eq!(gauges, ["1", "2", "1", "0", "5", "-2"]);
    assert!(
        done.stdout
            .starts_with("confBridgeUsers:+1|g\ngauge confBridgeUsers = 1\n")
    );
    assert!(done.stdout.contains("\nhits:1|c\n"), "{}", done.stdout);
    let from = done
        .stdout
        .find("error[invalid_sample_rate]")
        .expect("the error is shown");
    let error = &done.stdout[..from];
    assert!(
        error
            .rsplit('\n')
            .next()
            .unwrap()
            .starts_with("udp://127.0.0.1:"),
        "{error}"
    );
    assert!(done.stdout.contains(":2:10: error[invalid_sample_rate]: invalid sample rate\n2 | bad:1|c|@+0.5\n  |          ^^^^\n"), "{}", done.stdout);
    assert_eq!(done.summary("received"), 6);
    assert_eq!(
        done.summary_line("received"),
        "6 datagrams (5 valid, 1 invalid)"
    );
    assert_eq!(done.summary_line("lines"), "8 (7 valid, 1 invalid)");
}

#[test]
fn forward_sends_only_the_valid_lines_re_encoded_and_packed_like_the_input() {
    let server = udp();
    let to = server.local_addr().unwrap().to_string();
    let listen = Listen::start(&[
        "--dialect",
        "etsy",
        "--count",
        "4",
        "--quiet",
        "--forward",
        &to,
    ]);
    let s = sender();
    for datagram in [
        // Good lines around lines that crash or confuse the Etsy daemon.
        &b"a:1|c\nb:+2|c\nbad\nc:1|c|@+0.5"[..],
        b"x:1|c|@Infinity\ny:1|c|@ 0.5",
        b"users:+1|g\r\nt:320|ms|@.1\r\n",
        b"only.good:007|g",
    ] {
        s.send_to(datagram, listen.addr).unwrap();
    }
    let done = listen.finish(Duration::from_secs(10));
    assert!(!done.terminated, "{}", done.stderr);
    let got = receive_all(&server, Duration::from_millis(500));
    let got: Vec<String> = got
        .iter()
        .map(|d| String::from_utf8(d.clone()).unwrap())
        .collect();
    assert_eq!(
        got,
        ["a:1|c\nb:2|c", "users:+1|g\nt:320|ms|@0.1", "only.good:7|g"]
    );
    assert_eq!(
        done.summary_line("received"),
        "4 datagrams (2 valid, 2 invalid)"
    );
    assert_eq!(done.summary_line("lines"), "9 (5 valid, 4 invalid)");
    assert_eq!(
        done.summary_line("forwarded"),
        format!("5 lines in 3 datagrams to {to} (0 not forwarded: 0 sends failed)")
    );
    // --quiet: no valid metric printed, the errors still are.
    assert!(!done.stdout.contains("a:1|c"));
    assert_eq!(
        done.stdout.matches(": error[").count(),
        4,
        "{}",
        done.stdout
    );
}

#[test]
fn json_format() {
    let listen = Listen::start(&["--dialect", "etsy", "--format", "json", "--count", "1"]);
    sender()
        .send_to(b"g:+1|g\nbad\nc:2|c", listen.addr)
        .unwrap();
    let done = listen.finish(Duration::from_secs(10));
    let lines = json_lines(&done.stdout);
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0]["from"]
            .as_str()
            .unwrap()
            .starts_with("udp://127.0.0.1:")
    );
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[0]["metric"]["delta"], true);
    assert_eq!(lines[0]["gauge"], "1");
    assert_eq!(
        (lines[1]["line"].as_u64(), lines[1]["ok"].as_bool()),
        (Some(2), Some(false))
    );
    assert_eq!(lines[1]["error"]["class"], "missing_value");
    assert!(lines[2].get("gauge").is_none());
}

#[test]
fn tcp_lines() {
    let listen = Listen::start(&["--tcp", "--count", "3"]);
    let mut stream = TcpStream::connect(listen.addr).unwrap();
    stream.write_all(b"a:1|c\nbad:|c\n").unwrap();
    stream.write_all(b"b:2.50|g\n").unwrap();
    let done = listen.finish(Duration::from_secs(10));
    assert!(!done.terminated, "{}", done.stderr);
    assert!(
        done.stdout.starts_with("a:1|c\ntcp://127.0.0.1:"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout
            .contains(":2:5: error[missing_value]: missing value\n2 | bad:|c\n"),
        "{}",
        done.stdout
    );
    assert!(done.stdout.ends_with("b:2.5|g\n"), "{}", done.stdout);
    assert_eq!(done.summary("connections"), 1);
    assert_eq!(done.summary_line("lines"), "3 (2 valid, 1 invalid)");
}

#[test]
fn sigterm_stops_it_with_a_summary() {
    let listen = Listen::start(&[]);
    sender().send_to(b"a:1|c", listen.addr).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let done = listen.finish(Duration::ZERO);
    assert!(done.terminated);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    assert_eq!(done.stdout, "a:1|c\n");
    assert_eq!(done.summary("received"), 1);
    assert!(
        done.summary_line("dropped")
            .starts_with("0 datagrams by the kernel"),
        "{}",
        done.stderr
    );
}

#[test]
fn an_address_in_use_is_exit_2() {
    let taken = udp();
    let addr = taken.local_addr().unwrap().to_string();
    let out = bin().args(["listen", "--bind", &addr]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["listen", "--bind", "not an address"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// 100,000 datagrams over loopback, as fast as one thread can send them: every
/// one is accounted for, received or reported as dropped by the kernel.
#[test]
fn a_burst_of_100_000_datagrams_is_accounted_for() {
    const SENT: u64 = 100_000;
    let listen = Listen::start(&["--quiet", "--count", &SENT.to_string()]);
    let s = sender();
    let start = Instant::now();
    let mut buf = Vec::with_capacity(64);
    for i in 0..SENT {
        buf.clear();
        write!(buf, "burst.metric.{}:{i}|c", i % 100).unwrap();
        s.send_to(&buf, listen.addr).unwrap();
    }
    let send_time = start.elapsed();
    // If the kernel dropped some, --count is never reached: stop it after a grace
    // period (on SIGTERM it still reads what is queued, so the accounting is exact).
    let done = listen.finish(Duration::from_secs(2));
    let total = start.elapsed();
    let received = done.summary("received");
    let dropped = done.summary("dropped");
    println!(
        "burst: sent {SENT} in {send_time:?}; received {received}, dropped by the kernel {dropped}, \
         {} in {total:?}{}",
        done.summary_line("dropped"),
        if done.terminated {
            " (stopped by SIGTERM)"
        } else {
            ""
        }
    );
    assert_eq!(received + dropped, SENT, "{}", done.stderr);
    assert_eq!(
        done.summary_line("lines"),
        format!("{received} ({received} valid, 0 invalid)")
    );
    if !done.terminated {
        assert_eq!(received, SENT);
    }
}

/// Tagged DogStatsD traffic through the forwarding shield: 100,000 datagrams of
/// tagged metrics, events and service checks over loopback; every datagram is
/// accounted for (received or dropped by the kernel), every received line is
/// valid and forwarded, and the target gets each line exactly as it was sent.
#[test]
fn a_burst_of_tagged_dogstatsd_traffic_is_forwarded_unchanged() {
    const SENT: u64 = 100_000;
    let sink = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )
    .unwrap();
    let _ = sink.set_recv_buffer_size(32 << 20);
    sink.bind(
        &"127.0.0.1:0"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    let sink: UdpSocket = sink.into();
    let to = sink.local_addr().unwrap().to_string();
    let drained = std::thread::spawn(move || {
        sink.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let mut lines = std::collections::HashMap::<Vec<u8>, u64>::new();
        let mut buf = vec![0u8; 65_536];
        while let Ok(n) = sink.recv(&mut buf) {
            for line in buf[..n].split(|&b| b == b'\n') {
                *lines.entry(line.to_vec()).or_default() += 1;
            }
        }
        lines
    });
    let listen = Listen::start(&[
        "--dialect",
        "dogstatsd",
        "--quiet",
        "--count",
        &SENT.to_string(),
        "--forward",
        &to,
    ]);
    let s = sender();
    let line_for = |i: u64| match i % 4 {
        0 => format!(
            "api.hits:{i}|c|@0.5|#env:prod,service:api,host:web-{}",
            i % 7
        ),
        1 => format!("latency:{}:{}:7.5|d|#env:prod|T1657100540", i % 100, i % 13),
        2 => format!("_e{{6,10}}:Deploy|line 1\\nok|t:success|#release:{}", i % 5),
        _ => format!("_sc|db.up|{}|h:db-1|#role:replica|m:lag", i % 4),
    };
    let start = Instant::now();
    for i in 0..SENT {
        s.send_to(line_for(i).as_bytes(), listen.addr).unwrap();
    }
    let done = listen.finish(Duration::from_secs(5));
    let received = done.summary("received");
    let dropped = done.summary("dropped");
    println!(
        "dogstatsd burst: sent {SENT}; received {received}, dropped by the kernel {dropped} in {:?}",
        start.elapsed()
    );
    assert_eq!(received + dropped, SENT, "{}", done.stderr);
    assert_eq!(
        done.summary_line("lines"),
        format!("{received} ({received} valid, 0 invalid)")
    );
    let forwarded = done.summary_line("forwarded");
    assert!(
        forwarded.starts_with(&format!("{received} lines in "))
            && forwarded.contains("(0 not forwarded"),
        "{forwarded}"
    );
    let got = drained.join().unwrap();
    let mut expected = std::collections::HashMap::<Vec<u8>, u64>::new();
    for i in 0..SENT {
        *expected.entry(line_for(i).into_bytes()).or_default() += 1;
    }
    let got_total: u64 = got.values().sum();
    assert_eq!(
        got_total, received,
        "every forwarded line reached the target"
    );
    for (line, n) in &got {
        assert!(
            expected.get(line).is_some_and(|sent| sent >= n),
            "forwarded a line that was not sent as such: {:?}",
            String::from_utf8_lossy(line)
        );
    }
}
