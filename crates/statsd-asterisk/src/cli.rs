//! `statsd-wire asterisk`: run a `StatsD()` dialplan call or lint a dialplan,
//! as Asterisk would.
//!
//! ```text
//! statsd-wire asterisk 'StatsD(g,confBridgeUsers,+1,1)' [--conf statsd.conf] [--send] [--random R]
//! statsd-wire asterisk lint extensions.conf [--conf statsd.conf]
//! ```
//!
//! Output: the result goes to standard output — the datagram (escaped on one
//! line: a trailing newline shows as `\n`), `nothing sent (sampled out)`,
//! `nothing sent (StatsD disabled ...)`, Asterisk's log lines for a rejected
//! call, or the lint findings as `file:line:col: error|warning|note: message`.
//! Explanations and warnings go to standard error.
//!
//! Exit codes:
//! * `0`: the call is accepted (sent, sampled out or disabled), or the lint
//!   found no call Asterisk would reject;
//! * `1`: Asterisk rejects the call (and would stop the channel's dialplan), or
//!   the lint found at least one such call;
//! * `2`: usage or input problems: unreadable file, invalid `statsd.conf`, a
//!   `--random` outside [0, 1], a call that is not `StatsD`, a failed `--send`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::SimulateError;
use crate::conf::{ConfWarning, StatsdConf};
use crate::lint::lint_dialplan_with;
use crate::send::{AstRandom, FixedRandom, RandomSource, SendOutcome, send_udp};

const ABOUT: &str = "Run a StatsD() dialplan call, or lint a dialplan, exactly as Asterisk would";

const LONG_ABOUT: &str = "Run a StatsD() dialplan call, or lint a dialplan, exactly as Asterisk would.

Given a call such as 'StatsD(g,confBridgeUsers,+1,1)', prints the datagram Asterisk's res_statsd sends (prefix, the meter_support=no rewrite, the |@%.2f rate, the newline), \"nothing sent (sampled out)\", or the errors app_statsd logs when it rejects the call (a rejected StatsD() stops the channel's dialplan). Without --conf, a statsd.conf with 'enabled = yes' and every other option at its default is assumed.";

const EXAMPLES: &str = "Examples:
  statsd-wire asterisk 'StatsD(g,confBridgeUsers,+1,1)'
      confBridgeUsers:+1|g
  statsd-wire asterisk 'StatsD(c,calls,1,0.5)' --random 0.7
      nothing sent (sampled out)
  statsd-wire asterisk 'StatsD(c,calls,1,0.004)' --random 0
      calls:1|c|@0.00            (and a warning on stderr)
  statsd-wire asterisk 'StatsD(ms,rtt,-1)'
      ERROR \"-1 is not a number!\"   (exit status 1)
  statsd-wire asterisk 'StatsD(g,confBridgeUsers,+1)' --conf /etc/asterisk/statsd.conf --send
  statsd-wire asterisk lint /etc/asterisk/extensions.conf --conf /etc/asterisk/statsd.conf

Exit status: 0 accepted (sent, sampled out or disabled) or no rejected call in the dialplan;
1 Asterisk rejects the call / the dialplan has a call Asterisk rejects; 2 usage or input error.";

/// Arguments of `statsd-wire asterisk`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
#[command(
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct AsteriskArgs {
    /// Lint a dialplan instead of running one call.
    #[command(subcommand)]
    pub command: Option<AsteriskCommand>,

    /// The dialplan application call, e.g. 'StatsD(g,confBridgeUsers,+1,1)'
    /// (quote it for the shell).
    #[arg(value_name = "CALL", required = true)]
    pub call: Option<String>,

    /// The statsd.conf to use (default: enabled = yes, everything else default).
    #[arg(long, value_name = "FILE")]
    pub conf: Option<PathBuf>,

    /// Also send the datagram over UDP to the server of statsd.conf
    /// (127.0.0.1:8125 by default).
    #[arg(long)]
    pub send: bool,

    /// Use R (0 to 1) as ast_random_double() for the sampling decision
    /// instead of a random number.
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    pub random: Option<f64>,
}

/// The subcommands of `statsd-wire asterisk`.
#[derive(clap::Subcommand, Debug, Clone, PartialEq)]
pub enum AsteriskCommand {
    /// Check every StatsD() call of a dialplan (extensions.conf).
    #[command(
        after_help = "Findings are printed as FILE:LINE:COL: error|warning|note: MESSAGE.
Errors are calls Asterisk rejects (StatsD() then stops the channel's dialplan); warnings are
accepted calls whose datagram StatsD servers reject or misread; notes are informational
(e.g. calls with ${...} variables, which are not checked).

Exit status: 0 no call is rejected, 1 some call is rejected, 2 unreadable file or invalid statsd.conf."
    )]
    Lint(LintArgs),
}

/// Arguments of `statsd-wire asterisk lint`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct LintArgs {
    /// The dialplan file (extensions.conf syntax).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The statsd.conf whose prefix, add_newline and meter_support shape the datagrams.
    #[arg(long, value_name = "FILE")]
    pub conf: Option<PathBuf>,
}

/// Runs `statsd-wire asterisk` and returns its exit code (see the module
/// documentation: 0 accepted, 1 rejected by Asterisk, 2 usage or input error).
pub fn run(args: AsteriskArgs) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    ExitCode::from(run_with(args, &mut out, &mut err))
}

/// [`run`] writing to the given streams; returns the exit status.
pub fn run_with(args: AsteriskArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match args.command {
        Some(AsteriskCommand::Lint(lint)) => run_lint(&lint, out, err),
        None => match args.call.as_deref() {
            Some(call) => run_call(call, &args, out, err),
            None => {
                let _ = writeln!(err, "error: give a StatsD(...) call or `lint FILE`");
                2
            }
        },
    }
}

fn write_conf_warning(err: &mut dyn Write, path: &Path, w: &ConfWarning) {
    let _ = if w.line == 0 {
        writeln!(err, "{}: warning: {}", path.display(), w.kind)
    } else {
        writeln!(
            err,
            "{}:{}:{}: warning: {}",
            path.display(),
            w.line,
            w.column,
            w.kind
        )
    };
}

/// Reads `--conf`, or returns the default with `enabled = yes`.
fn load_conf(path: Option<&Path>, err: &mut dyn Write) -> Result<StatsdConf, u8> {
    let Some(path) = path else {
        return Ok(StatsdConf {
            enabled: true,
            ..StatsdConf::default()
        });
    };
    let text = match fs::read(path) {
        // One copy of the file, not two, when it is UTF-8.
        Ok(bytes) => String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", path.display());
            return Err(2);
        }
    };
    match StatsdConf::parse(&text) {
        Ok(parsed) => {
            for w in &parsed.warnings {
                write_conf_warning(err, path, w);
            }
            Ok(parsed.conf)
        }
        Err(errors) => {
            for e in &errors.errors {
                let _ = writeln!(
                    err,
                    "{}:{}:{}: error: {} ({})",
                    path.display(),
                    e.line,
                    e.column,
                    e.kind,
                    e.kind.hint()
                );
            }
            for w in &errors.warnings {
                write_conf_warning(err, path, w);
            }
            Err(2)
        }
    }
}

fn run_call(call: &str, args: &AsteriskArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let conf = match load_conf(args.conf.as_deref(), err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut fixed;
    let mut real;
    let random: &mut dyn RandomSource = match args.random {
        Some(r) if (0.0..=1.0).contains(&r) => {
            fixed = FixedRandom(r);
            &mut fixed
        }
        Some(r) => {
            let _ = writeln!(
                err,
                "error: --random {r} is outside [0, 1] (ast_random_double() returns 0 to 1)"
            );
            return 2;
        }
        None => {
            real = AstRandom::new();
            &mut real
        }
    };
    match crate::simulate(call, &conf, random) {
        Err(SimulateError::NotStatsd(e)) => {
            let _ = writeln!(err, "error: {e}");
            if e.app.trim_end().eq_ignore_ascii_case("statsd") {
                1
            } else {
                2
            }
        }
        Err(SimulateError::Rejected(rejection)) => {
            for line in &rejection.log {
                let _ = writeln!(out, "{line}");
            }
            let _ = writeln!(
                err,
                "note: StatsD() rejects this call and returns non-zero: Asterisk sends nothing and stops this channel's dialplan (the call is hung up)"
            );
            1
        }
        Ok(SendOutcome::Disabled) => {
            let _ = writeln!(
                out,
                "nothing sent (StatsD disabled: statsd.conf does not set enabled = yes)"
            );
            0
        }
        Ok(SendOutcome::SampledOut { rate, random }) => {
            let _ = writeln!(out, "nothing sent (sampled out)");
            let _ = match random {
                Some(r) => writeln!(err, "note: sample rate {rate} < ast_random_double() = {r}"),
                None => writeln!(err, "note: a sample rate <= 0 ({rate}) never sends"),
            };
            0
        }
        Ok(SendOutcome::Sent(datagram)) => {
            let _ = writeln!(out, "{}", datagram.escaped());
            for w in &datagram.warnings {
                let _ = writeln!(err, "warning: {w}");
            }
            if args.send {
                let server = conf.server_addr();
                match send_udp(&datagram.bytes, server) {
                    Ok(n) => {
                        let _ = writeln!(err, "sent {n} bytes to {server}");
                    }
                    Err(e) => {
                        let _ = writeln!(err, "error: sending to {server} failed: {e}");
                        return 2;
                    }
                }
            }
            0
        }
    }
}

fn run_lint(args: &LintArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut conf = match load_conf(args.conf.as_deref(), err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    conf.enabled = true;
    let text = match fs::read(&args.file) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", args.file.display());
            return 2;
        }
    };
    // Each finding is written as soon as it is found (nothing kept).
    let mut warnings = 0;
    let report = lint_dialplan_with(&text, &conf, |finding| {
        if finding.severity == crate::lint::Severity::Warning {
            warnings += 1;
        }
        let _ = writeln!(out, "{}:{finding}", args.file.display());
    });
    let _ = writeln!(
        err,
        "{}: {} StatsD() call(s): {} rejected by Asterisk, {} not checked (variables), {} warning(s)",
        args.file.display(),
        report.calls,
        report.rejected,
        report.unchecked,
        warnings
    );
    u8::from(report.has_errors())
}
