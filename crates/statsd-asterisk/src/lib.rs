//! A faithful model of Asterisk's StatsD support: the `StatsD()` dialplan
//! application (`apps/app_statsd.c`) and the `res_statsd` client
//! (`res/res_statsd.c`), including their bugs.
//!
//! Given a dialplan call such as `StatsD(g,confBridgeUsers,+1,1)` and a
//! `statsd.conf`, it tells exactly what Asterisk does: which log messages it
//! writes and whether it stops the dialplan, or which bytes it sends over UDP
//! (prefix, `_meter` rewrite, `|@%.2f` rate, newline) and when sampling keeps
//! the metric. A linter checks every `StatsD()` call of an `extensions.conf`.
//!
//! * [`args`]: `__ast_app_separate_args` argument splitting and `App(data)` calls;
//! * [`app`]: the application's validation, in Asterisk's order, with its messages;
//! * [`conf`]: `statsd.conf` with located errors and warnings;
//! * [`send`]: the datagram, the sampling decision, a UDP sender;
//! * [`lint`]: the dialplan linter;
//! * `cli` (feature `cli`): `statsd-wire asterisk ...`.
//!
//! ```
//! use statsd_asterisk::{simulate, conf::StatsdConf, send::FixedRandom};
//!
//! let mut conf = StatsdConf { enabled: true, ..StatsdConf::default() };
//! let sent = simulate("StatsD(g,confBridgeUsers,+1,1)", &conf, &mut FixedRandom(0.9)).unwrap();
//! assert_eq!(sent.datagram().unwrap().bytes, b"confBridgeUsers:+1|g");
//!
//! conf.set_prefix("asterisk");
//! conf.add_newline = true;
//! let sent = simulate("StatsD(c,calls,1,0.125)", &conf, &mut FixedRandom(0.1)).unwrap();
//! assert_eq!(sent.datagram().unwrap().bytes, b"asterisk.calls:1|c|@0.12\n");
//!
//! let err = simulate("StatsD(ms,rtt,-1)", &conf, &mut FixedRandom(0.0)).unwrap_err();
//! assert_eq!(err.to_string(), r#"ERROR "-1 is not a number!"; ERROR "Invalid input for a timer metric.""#);
//! ```
#![forbid(unsafe_code)]

pub mod app;
pub mod args;
mod cfmt;
#[cfg(feature = "cli")]
pub mod cli;
pub mod conf;
mod configfile;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod lint;
pub mod send;

use thiserror::Error;

use crate::app::Rejection;
use crate::args::{AppCall, NotStatsd};
use crate::conf::StatsdConf;
use crate::send::{RandomSource, SendOutcome};

/// Why [`simulate`] produced no outcome.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SimulateError {
    /// The text does not call the `StatsD` application.
    #[error(transparent)]
    NotStatsd(#[from] NotStatsd),
    /// `StatsD()` rejects the call (and would stop the channel's dialplan).
    #[error(transparent)]
    Rejected(#[from] Rejection),
}

/// Runs one dialplan application call, e.g. `StatsD(c,calls,1,0.5)`, as
/// Asterisk would: split, validate, sample (drawing from `random` when
/// `0 < rate < 1`) and build the datagram.
pub fn simulate(
    call_text: &str,
    conf: &StatsdConf,
    random: &mut dyn RandomSource,
) -> Result<SendOutcome, SimulateError> {
    let call = AppCall::parse(call_text);
    if !call.is_statsd() {
        return Err(NotStatsd { app: call.app }.into());
    }
    let validated = app::statsd_exec(Some(&call.data))?;
    Ok(send::send_call(conf, &validated, random))
}
