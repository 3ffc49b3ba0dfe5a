//! The `statsd-wire asterisk` command, through a wrapper parser shaped like the
//! workspace CLI (`statsd-wire <subcommand>`).
#![cfg(feature = "cli")]

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};
use statsd_asterisk::cli::{AsteriskArgs, AsteriskCommand, run_with};

#[derive(Parser, Debug)]
#[command(name = "statsd-wire")]
struct Cli {
    #[command(subcommand)]
    command: Top,
}

#[derive(Subcommand, Debug)]
enum Top {
    /// Asterisk.
    Asterisk(AsteriskArgs),
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn parse(args: &[&str]) -> AsteriskArgs {
    let mut argv = vec!["statsd-wire", "asterisk"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv) {
        Ok(Cli {
            command: Top::Asterisk(a),
        }) => a,
        Err(e) => panic!("{args:?}: {e}"),
    }
}

/// Runs the command; returns (exit status, stdout, stderr).
fn run(args: &[&str]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = run_with(parse(args), &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn parses_a_call_and_the_lint_subcommand() {
    let a = parse(&[
        "StatsD(g,confBridgeUsers,+1,1)",
        "--random",
        "0.5",
        "--send",
    ]);
    assert_eq!(a.call.as_deref(), Some("StatsD(g,confBridgeUsers,+1,1)"));
    assert_eq!(a.random, Some(0.5));
    assert!(a.send && a.command.is_none());

    let a = parse(&["lint", "extensions.conf", "--conf", "statsd.conf"]);
    let Some(AsteriskCommand::Lint(lint)) = a.command else {
        panic!("{a:?}")
    };
    assert_eq!(lint.file, PathBuf::from("extensions.conf"));
    assert_eq!(lint.conf, Some(PathBuf::from("statsd.conf")));

    // A call is required unless `lint` is used.
    assert!(Cli::try_parse_from(["statsd-wire", "asterisk"]).is_err());
    Cli::command().debug_assert();
}

#[test]
fn help_has_examples_and_exit_codes() {
    let mut cmd = Cli::command();
    let asterisk = cmd.find_subcommand_mut("asterisk").unwrap();
    let help = asterisk.render_long_help().to_string();
    assert!(help.contains("Examples:"), "{help}");
    assert!(
        help.contains("statsd-wire asterisk 'StatsD(g,confBridgeUsers,+1,1)'"),
        "{help}"
    );
    assert!(help.contains("Exit status"), "{help}");
    assert!(help.contains("--random <R>"), "{help}");
}

#[test]
fn prints_the_datagram() {
    let (code, out, err) = run(&["StatsD(g,confBridgeUsers,+1,1)"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "confBridgeUsers:+1|g\n", "")
    );
}

#[test]
fn conf_prefix_and_newline() {
    let conf = fixture("statsd-prefix.conf");
    let (code, out, _) = run(&["StatsD(c,calls,1,0.5)", "--conf", &conf, "--random", "0.5"]);
    assert_eq!((code, out.as_str()), (0, "asterisk.calls:1|c|@0.50\\n\n"));
}

#[test]
fn sampled_out() {
    let (code, out, err) = run(&["StatsD(c,calls,1,0.5)", "--random", "0.7"]);
    assert_eq!((code, out.as_str()), (0, "nothing sent (sampled out)\n"));
    assert!(err.contains("0.5 < ast_random_double() = 0.7"), "{err}");
    let (code, out, err) = run(&["StatsD(c,calls,1,0)"]);
    assert_eq!((code, out.as_str()), (0, "nothing sent (sampled out)\n"));
    assert!(err.contains("never sends"), "{err}");
}

#[test]
fn rate_warning_on_stderr() {
    let (code, out, err) = run(&["StatsD(c,calls,1,0.004)", "--random", "0"]);
    assert_eq!((code, out.as_str()), (0, "calls:1|c|@0.00\n"));
    assert!(
        err.starts_with("warning: sample rate 0.004 is sent as |@0.00"),
        "{err}"
    );
}

#[test]
fn rejected_call_exits_1() {
    let (code, out, err) = run(&["StatsD(ms,rtt,-1)"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "ERROR \"-1 is not a number!\"\nERROR \"Invalid input for a timer metric.\"\n"
    );
    assert!(err.contains("stops this channel's dialplan"), "{err}");
}

#[test]
fn not_a_statsd_call() {
    let (code, _, err) = run(&["Dial(PJSIP/100)"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`Dial` is not the StatsD application"),
        "{err}"
    );
    // Asterisk would fail to find "StatsD " (trailing blank): a real failure.
    let (code, _, _) = run(&["StatsD (c,x,1)"]);
    assert_eq!(code, 1);
}

#[test]
fn bad_random_and_bad_conf_exit_2() {
    let (code, _, err) = run(&["StatsD(c,x,1)", "--random", "1.5"]);
    assert_eq!(code, 2);
    assert!(err.contains("outside [0, 1]"), "{err}");

    let conf = fixture("statsd-bad.conf");
    let (code, out, err) = run(&["StatsD(c,x,1)", "--conf", &conf]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("statsd-bad.conf:3:1: error: unknown option `prefixe` in [general] (did you mean `prefix`?"), "{err}");
    assert!(
        err.contains("statsd-bad.conf:4:10: error: invalid server `statsd.example.com`"),
        "{err}"
    );

    let (code, _, err) = run(&["StatsD(c,x,1)", "--conf", "/nonexistent/statsd.conf"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: cannot read /nonexistent/statsd.conf"),
        "{err}"
    );
}

#[test]
fn disabled_conf_sends_nothing() {
    let conf = fixture("statsd-disabled.conf");
    let (code, out, err) = run(&["StatsD(c,x,1)", "--conf", &conf]);
    assert_eq!(code, 0);
    assert!(out.starts_with("nothing sent (StatsD disabled"), "{out}");
    assert!(err.contains("warning: enabled is not set to yes"), "{err}");
}

#[test]
fn send_over_udp_to_the_conf_server() {
    let receiver = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let port = receiver.local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("statsd-asterisk-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("statsd.conf");
    std::fs::write(
        &conf,
        format!("[general]\nenabled = yes\nserver = 127.0.0.1:{port}\n"),
    )
    .unwrap();

    let (code, out, err) = run(&[
        "StatsD(g,confBridgeUsers,+1,1)",
        "--conf",
        conf.to_str().unwrap(),
        "--send",
    ]);
    assert_eq!((code, out.as_str()), (0, "confBridgeUsers:+1|g\n"));
    assert!(
        err.contains(&format!("sent 20 bytes to 127.0.0.1:{port}")),
        "{err}"
    );
    let mut buf = [0u8; 64];
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"confBridgeUsers:+1|g");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_exit_status_and_format() {
    let file = fixture("extensions.conf");
    let (code, out, err) = run(&["lint", &file]);
    assert_eq!(code, 1);
    assert!(out.lines().any(|l| l == format!("{file}:24:19: error: StatsD(h,calls.duration,42) is rejected by Asterisk: ERROR \"Invalid metric type h.\"; StatsD() returns non-zero, so the channel's dialplan stops here (the call is hung up and later priorities never run)")), "{out}");
    assert!(
        out.lines().all(|l| l.starts_with(&format!("{file}:"))),
        "{out}"
    );
    assert!(
        err.contains(
            "15 StatsD() call(s): 3 rejected by Asterisk, 1 not checked (variables), 9 warning(s)"
        ),
        "{err}"
    );

    let clean = fixture("confbridge.conf");
    let (code, _, _) = run(&["lint", &clean]);
    assert_eq!(code, 0);

    let (code, _, err) = run(&["lint", "/nonexistent/extensions.conf"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}
