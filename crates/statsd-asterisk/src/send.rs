//! What `res_statsd` sends (`res/res_statsd.c`, `ast_statsd_log_string`).
//!
//! 1. No socket (`enabled = no`): nothing.
//! 2. Client-side sampling: a rate `<= 0` never sends; a rate `>= 1` always
//!    sends; otherwise the metric is sent iff `!(rate < ast_random_double())`,
//!    where `ast_random_double()` is `ast_random() / RAND_MAX`, in [0, 1].
//! 3. The datagram: `<prefix>.` when the prefix is non-empty (one `.`, no check
//!    for one already there), then `<name>:<value>|<type>` — or, with
//!    `meter_support = no` and any type but `m`, `<name>_meter:<value>|c` (the
//!    inverted check, see below) — then `|@%.2f` when the rate is below 1, then
//!    `\n` with `add_newline`.
//! 4. One `sendto` per metric; errors are ignored.
//!
//! **The `meter_support` bug.** The option is documented to make meters fall
//! back to counters with a `_meter` suffix. The code tests
//! `!meter_support && strcmp(metric_type, "m")`, which is true for every type
//! *except* `m`: gauges, counters, timers and sets are rewritten, meters pass
//! unchanged. This module reproduces that and reports it with
//! [`SendWarning::MeterFallbackInverted`] / [`SendWarning::MeterUnchanged`].
//!
//! ```
//! use statsd_asterisk::conf::StatsdConf;
//! use statsd_asterisk::send::{log_string, SendOutcome};
//!
//! let conf = StatsdConf { enabled: true, ..StatsdConf::default() };
//! // A rate of 0.5 is sent when the random number is at most 0.5.
//! let outcome = log_string(&conf, "calls", "c", "1", 0.5, &mut || 0.25);
//! assert_eq!(outcome.datagram().unwrap().bytes, b"calls:1|c|@0.50");
//! let outcome = log_string(&conf, "calls", "c", "1", 0.5, &mut || 0.75);
//! assert!(matches!(outcome, SendOutcome::SampledOut { .. }));
//! ```

use core::fmt;
use std::io;
use std::net::{SocketAddr, UdpSocket};

use crate::app::StatsdCall;
use crate::cfmt::format_fixed;
use crate::conf::StatsdConf;

/// The source of `ast_random_double()`: a number in [0, 1].
///
/// Closures `FnMut() -> f64` implement it, so tests can script the draws.
pub trait RandomSource {
    /// The next `ast_random_double()`.
    fn random_double(&mut self) -> f64;
}

impl<F: FnMut() -> f64> RandomSource for F {
    fn random_double(&mut self) -> f64 {
        self()
    }
}

/// A [`RandomSource`] that always returns the same number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedRandom(pub f64);

impl RandomSource for FixedRandom {
    fn random_double(&mut self) -> f64 {
        self.0
    }
}

/// `RAND_MAX` of glibc: `ast_random()` returns `random()`, in [0, 2^31 - 1].
pub const RAND_MAX: u32 = 0x7fff_ffff;

/// A pseudo-random `ast_random_double()`: an integer in [0, `RAND_MAX`]
/// divided by `RAND_MAX`, so 0 and 1 are both possible, as in Asterisk.
/// (xorshift64*, seeded from the standard library's per-process random keys;
/// not glibc's generator.)
#[derive(Clone, Debug)]
pub struct AstRandom {
    state: u64,
}

impl AstRandom {
    /// A generator seeded from the operating system's randomness.
    pub fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(0x5ec0_7d5e_ed00_0001);
        AstRandom::with_seed(hasher.finish())
    }

    /// A generator with a fixed seed (reproducible draws).
    pub fn with_seed(seed: u64) -> Self {
        AstRandom { state: seed | 1 }
    }

    /// The next `ast_random()`: an integer in [0, [`RAND_MAX`]].
    pub fn ast_random(&mut self) -> u32 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let x = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((x >> 33) as u32) & RAND_MAX
    }
}

impl Default for AstRandom {
    fn default() -> Self {
        AstRandom::new()
    }
}

impl RandomSource for AstRandom {
    fn random_double(&mut self) -> f64 {
        f64::from(self.ast_random()) / f64::from(RAND_MAX)
    }
}

/// The sampling decision for one metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampling {
    /// The rate is `<= 0`: never sent (no random number is drawn).
    Never,
    /// The rate is `>= 1` (or NaN): always sent (no random number is drawn).
    Always,
    /// `0 < rate < 1` and `rate >= random`: sent.
    Kept {
        /// The `ast_random_double()` drawn.
        random: f64,
    },
    /// `0 < rate < 1` and `rate < random`: not sent.
    Dropped {
        /// The `ast_random_double()` drawn.
        random: f64,
    },
}

impl Sampling {
    /// Whether the metric is sent.
    pub fn is_sent(self) -> bool {
        matches!(self, Sampling::Always | Sampling::Kept { .. })
    }
}

/// Decides like `sample_rate <= 0.0 || (sample_rate < 1.0 && sample_rate < ast_random_double())`.
///
/// ```
/// use statsd_asterisk::send::{sample, Sampling};
/// assert_eq!(sample(0.0, &mut || 0.0), Sampling::Never);
/// assert_eq!(sample(1.5, &mut || 1.0), Sampling::Always);
/// assert!(sample(0.5, &mut || 0.5).is_sent()); // not `0.5 < 0.5`
/// assert!(!sample(0.5, &mut || 0.51).is_sent());
/// ```
pub fn sample(rate: f64, random: &mut dyn RandomSource) -> Sampling {
    if rate <= 0.0 {
        Sampling::Never
    } else if rate < 1.0 {
        let r = random.random_double();
        if rate < r {
            Sampling::Dropped { random: r }
        } else {
            Sampling::Kept { random: r }
        }
    } else {
        Sampling::Always
    }
}

/// The sample rate as `res_statsd` writes it: C's `%.2f` (exact binary
/// value, rounded half-to-even), e.g. `0.125` → `"0.12"`, `0.999` → `"1.00"`.
///
/// ```
/// use statsd_asterisk::send::render_rate;
/// assert_eq!(render_rate(0.5), "0.50");
/// assert_eq!(render_rate(0.375), "0.38");
/// assert_eq!(render_rate(0.004), "0.00");
/// ```
pub fn render_rate(rate: f64) -> String {
    format_fixed(rate, 2)
}

/// Something about a datagram that the sender should know.
#[derive(Clone, Debug, PartialEq)]
pub enum SendWarning {
    /// `meter_support = no` rewrote a non-meter metric (Asterisk's inverted check).
    MeterFallbackInverted {
        /// The type the caller asked for.
        metric_type: String,
        /// The name as sent (`<name>_meter`).
        sent_name: String,
    },
    /// `meter_support = no`, yet a meter went out unchanged as `|m`.
    MeterUnchanged,
    /// The rate renders as `|@0.00` (rate below 0.005).
    RateRenderedAsZero {
        /// The rate.
        rate: f64,
    },
    /// The rate renders as `|@1.00` (0.995 <= rate < 1): servers do not scale up.
    RateRenderedAsOne {
        /// The rate.
        rate: f64,
    },
    /// The rate renders as a different number (`%.2f` keeps two decimals).
    RateRounded {
        /// The rate.
        rate: f64,
        /// The text sent after `|@`.
        rendered: String,
    },
}

impl fmt::Display for SendWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendWarning::MeterFallbackInverted {
                metric_type,
                sent_name,
            } => write!(
                f,
                "meter_support = no: this `|{metric_type}` metric was sent as counter `{sent_name}` (|c). res_statsd's check `!meter_support && strcmp(metric_type, \"m\")` is inverted: it rewrites every metric except meters, the opposite of what the option documents"
            ),
            SendWarning::MeterUnchanged => f.write_str(
                "meter_support = no, yet this meter went out unchanged as |m: res_statsd's inverted check rewrites every type except meters",
            ),
            SendWarning::RateRenderedAsZero { rate } => write!(
                f,
                "sample rate {rate} is sent as |@0.00 (printf \"%.2f\"): Etsy statsd then scales by 1/0 = Infinity, brubeck and collectd reject the line, statsite, Telegraf and Vector treat it as 1, netdata as 1000x; use a rate of at least 0.005"
            ),
            SendWarning::RateRenderedAsOne { rate } => write!(
                f,
                "sample rate {rate} is sent as |@1.00 (printf \"%.2f\"): the server does not scale the sampled values up, so about {:.1}% of the counts are missing",
                (1.0 - rate) * 100.0
            ),
            SendWarning::RateRounded { rate, rendered } => write!(
                f,
                "sample rate {rate} is sent as |@{rendered} (printf \"%.2f\"): the server scales by 1/{rendered} instead of 1/{rate}; use a rate with at most two decimals"
            ),
        }
    }
}

/// A datagram `res_statsd` would send.
#[derive(Clone, Debug, PartialEq)]
pub struct Datagram {
    /// The exact bytes (one metric, no batching).
    pub bytes: Vec<u8>,
    /// What is surprising about it.
    pub warnings: Vec<SendWarning>,
}

impl Datagram {
    /// The bytes as text with `\n`, `\r`, `\t`, `\\` and other control or
    /// non-UTF-8 bytes escaped, on one line.
    ///
    /// ```
    /// # use statsd_asterisk::send::Datagram;
    /// let d = Datagram { bytes: b"a:1|c\n".to_vec(), warnings: vec![] };
    /// assert_eq!(d.escaped(), "a:1|c\\n");
    /// ```
    pub fn escaped(&self) -> String {
        escape_bytes(&self.bytes)
    }
}

pub(crate) fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Builds the datagram for one metric, without the sampling decision (the
/// rate only decides the `|@` suffix).
///
/// ```
/// use statsd_asterisk::conf::StatsdConf;
/// use statsd_asterisk::send::render;
/// let mut conf = StatsdConf::default();
/// conf.set_prefix("asterisk");
/// conf.add_newline = true;
/// assert_eq!(render(&conf, "channels.count", "g", "+1", 1.0).bytes, b"asterisk.channels.count:+1|g\n");
/// conf.meter_support = false;
/// assert_eq!(render(&conf, "channels.count", "g", "+1", 1.0).bytes, b"asterisk.channels.count_meter:+1|c\n");
/// ```
pub fn render(
    conf: &StatsdConf,
    name: &str,
    metric_type: &str,
    value: &str,
    rate: f64,
) -> Datagram {
    let mut bytes = Vec::with_capacity(conf.prefix.len() + name.len() + value.len() + 16);
    let mut warnings = Vec::new();
    if !conf.prefix.is_empty() {
        bytes.extend_from_slice(&conf.prefix);
        bytes.push(b'.');
    }
    if !conf.meter_support && metric_type != "m" {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b"_meter:");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"|c");
        warnings.push(SendWarning::MeterFallbackInverted {
            metric_type: metric_type.to_string(),
            sent_name: format!("{name}_meter"),
        });
    } else {
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(b':');
        bytes.extend_from_slice(value.as_bytes());
        bytes.push(b'|');
        bytes.extend_from_slice(metric_type.as_bytes());
        if !conf.meter_support {
            warnings.push(SendWarning::MeterUnchanged);
        }
    }
    if rate < 1.0 {
        let rendered = render_rate(rate);
        bytes.extend_from_slice(b"|@");
        bytes.extend_from_slice(rendered.as_bytes());
        if rate > 0.0 {
            if rendered == "0.00" {
                warnings.push(SendWarning::RateRenderedAsZero { rate });
            } else if rendered == "1.00" {
                warnings.push(SendWarning::RateRenderedAsOne { rate });
            } else if rendered.parse::<f64>().ok() != Some(rate) {
                warnings.push(SendWarning::RateRounded { rate, rendered });
            }
        }
    }
    if conf.add_newline {
        bytes.push(b'\n');
    }
    Datagram { bytes, warnings }
}

/// What one `ast_statsd_log_string` call does.
#[derive(Clone, Debug, PartialEq)]
pub enum SendOutcome {
    /// `enabled = no`: there is no socket; nothing is sent (and no random
    /// number is drawn).
    Disabled,
    /// The sampling decided not to send.
    SampledOut {
        /// The rate.
        rate: f64,
        /// The random number drawn, if one was (none for a rate `<= 0`).
        random: Option<f64>,
    },
    /// This datagram is sent.
    Sent(Datagram),
}

impl SendOutcome {
    /// The datagram, if one is sent.
    pub fn datagram(&self) -> Option<&Datagram> {
        match self {
            SendOutcome::Sent(d) => Some(d),
            _ => None,
        }
    }
}

/// `ast_statsd_log_string(name, type, value, rate)`: the whole decision, with
/// `random` standing for `ast_random_double()`. `metric_type` is any string, as
/// in Asterisk (`res_chan_stats` sends meters `m` through the same function).
pub fn log_string(
    conf: &StatsdConf,
    name: &str,
    metric_type: &str,
    value: &str,
    rate: f64,
    random: &mut dyn RandomSource,
) -> SendOutcome {
    if !conf.enabled {
        return SendOutcome::Disabled;
    }
    match sample(rate, random) {
        Sampling::Never => SendOutcome::SampledOut { rate, random: None },
        Sampling::Dropped { random } => SendOutcome::SampledOut {
            rate,
            random: Some(random),
        },
        Sampling::Always | Sampling::Kept { .. } => {
            SendOutcome::Sent(render(conf, name, metric_type, value, rate))
        }
    }
}

/// What `StatsD()` sends for a validated call.
///
/// ```
/// use statsd_asterisk::app::statsd_exec;
/// use statsd_asterisk::conf::StatsdConf;
/// use statsd_asterisk::send::{send_call, FixedRandom};
/// let conf = StatsdConf { enabled: true, ..StatsdConf::default() };
/// let call = statsd_exec(Some("g,confBridgeUsers,+1,1")).unwrap();
/// let outcome = send_call(&conf, &call, &mut FixedRandom(0.0));
/// assert_eq!(outcome.datagram().unwrap().bytes, b"confBridgeUsers:+1|g");
/// ```
pub fn send_call(
    conf: &StatsdConf,
    call: &StatsdCall,
    random: &mut dyn RandomSource,
) -> SendOutcome {
    log_string(
        conf,
        &call.name,
        call.metric_type.code(),
        &call.value,
        call.sample_rate,
        random,
    )
}

/// Sends one datagram over UDP to `server` from an ephemeral port, like
/// `ast_sendto` on `res_statsd`'s socket. Returns the number of bytes sent.
///
/// (Asterisk's socket is IPv4-only; this helper binds the family of `server`.)
pub fn send_udp(datagram: &[u8], server: SocketAddr) -> io::Result<usize> {
    let local: SocketAddr = if server.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    };
    let socket = UdpSocket::bind(local)?;
    socket.send_to(datagram, server)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled() -> StatsdConf {
        StatsdConf {
            enabled: true,
            ..StatsdConf::default()
        }
    }

    #[test]
    fn rate_rendering_matches_glibc() {
        let cases = [
            (0.5, "0.50"),
            (0.1, "0.10"),
            (1.0 / 3.0, "0.33"),
            (0.125, "0.12"),
            (0.375, "0.38"),
            (0.995, "0.99"),
            (0.999, "1.00"),
            (0.005, "0.01"),
            (0.004, "0.00"),
            (0.001, "0.00"),
        ];
        for (rate, want) in cases {
            assert_eq!(render_rate(rate), want, "{rate}");
            // Rust's own exact formatting agrees on every listed case.
            assert_eq!(format!("{rate:.2}"), want, "{rate}");
        }
    }

    #[test]
    fn sampling_rules() {
        let mut never_called = || -> f64 { panic!("no random number may be drawn") };
        assert_eq!(sample(0.0, &mut never_called), Sampling::Never);
        assert_eq!(sample(-1.0, &mut never_called), Sampling::Never);
        assert_eq!(sample(1.0, &mut never_called), Sampling::Always);
        assert_eq!(sample(2.0, &mut never_called), Sampling::Always);
        assert_eq!(sample(f64::INFINITY, &mut never_called), Sampling::Always);
        assert_eq!(sample(0.5, &mut || 0.5), Sampling::Kept { random: 0.5 });
        assert_eq!(sample(0.5, &mut || 0.0), Sampling::Kept { random: 0.0 });
        assert_eq!(
            sample(0.5, &mut || 0.500_001),
            Sampling::Dropped { random: 0.500_001 }
        );
        assert_eq!(
            sample(0.999, &mut || 1.0),
            Sampling::Dropped { random: 1.0 }
        );
    }

    #[test]
    fn disabled_sends_nothing_and_draws_nothing() {
        let mut never_called = || -> f64 { panic!("no random number may be drawn") };
        let outcome = log_string(
            &StatsdConf::default(),
            "x",
            "c",
            "1",
            0.5,
            &mut never_called,
        );
        assert_eq!(outcome, SendOutcome::Disabled);
    }

    #[test]
    fn prefix_is_joined_with_exactly_one_dot() {
        let mut conf = enabled();
        conf.set_prefix("asterisk");
        assert_eq!(render(&conf, "x", "c", "1", 1.0).bytes, b"asterisk.x:1|c");
        conf.set_prefix("asterisk.");
        assert_eq!(render(&conf, "x", "c", "1", 1.0).bytes, b"asterisk..x:1|c");
    }

    #[test]
    fn meter_support_no_is_inverted() {
        let mut conf = enabled();
        conf.meter_support = false;
        for (t, v) in [
            ("g", "+1"),
            ("c", "1"),
            ("ms", "1234"),
            ("s", "alice"),
            ("h", "5"),
        ] {
            let d = render(&conf, "metric", t, v, 1.0);
            assert_eq!(d.bytes, format!("metric_meter:{v}|c").as_bytes(), "{t}");
            assert_eq!(
                d.warnings,
                [SendWarning::MeterFallbackInverted {
                    metric_type: t.to_string(),
                    sent_name: "metric_meter".to_string()
                }]
            );
            assert!(d.warnings[0].to_string().contains("inverted"));
        }
        let d = render(&conf, "stasis.message.ChannelSnapshot", "m", "1", 1.0);
        assert_eq!(d.bytes, b"stasis.message.ChannelSnapshot:1|m");
        assert_eq!(d.warnings, [SendWarning::MeterUnchanged]);
        // With a prefix, a rate and a newline, the rewrite keeps the rest.
        conf.set_prefix("pbx");
        conf.add_newline = true;
        assert_eq!(
            render(&conf, "calls", "c", "1", 0.5).bytes,
            b"pbx.calls_meter:1|c|@0.50\n"
        );
    }

    #[test]
    fn rate_warnings() {
        let conf = enabled();
        assert_eq!(render(&conf, "x", "c", "1", 0.5).warnings, []);
        assert_eq!(render(&conf, "x", "c", "1", 0.1).warnings, []);
        assert_eq!(
            render(&conf, "x", "c", "1", 0.004).warnings,
            [SendWarning::RateRenderedAsZero { rate: 0.004 }]
        );
        assert_eq!(
            render(&conf, "x", "c", "1", 0.999).warnings,
            [SendWarning::RateRenderedAsOne { rate: 0.999 }]
        );
        assert_eq!(
            render(&conf, "x", "c", "1", 0.125).warnings,
            [SendWarning::RateRounded {
                rate: 0.125,
                rendered: "0.12".into()
            }]
        );
        // Rates >= 1 have no suffix at all.
        assert_eq!(render(&conf, "x", "c", "1", 1.5).bytes, b"x:1|c");
    }

    #[test]
    fn ast_random_stays_in_range() {
        let mut r = AstRandom::with_seed(42);
        let mut min = f64::MAX;
        let mut max = f64::MIN;
        for _ in 0..100_000 {
            let x = r.random_double();
            assert!((0.0..=1.0).contains(&x));
            min = min.min(x);
            max = max.max(x);
        }
        assert!(min < 0.001 && max > 0.999);
        let mut a = AstRandom::with_seed(7);
        let mut b = AstRandom::with_seed(7);
        assert_eq!(a.ast_random(), b.ast_random());
        let _ = AstRandom::new().random_double();
    }

    #[test]
    fn udp_round_trip_on_loopback() {
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = receiver.local_addr().unwrap();
        assert_eq!(send_udp(b"confBridgeUsers:+1|g", addr).unwrap(), 20);
        let mut buf = [0u8; 64];
        receiver
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let (n, _) = receiver.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"confBridgeUsers:+1|g");
    }

    #[test]
    fn escaping() {
        let d = Datagram {
            bytes: b"a b\n:1\\|c\x00\xff".to_vec(),
            warnings: vec![],
        };
        assert_eq!(d.escaped(), "a b\\n:1\\\\|c\\x00\\xff");
    }
}
