//! `statsd.conf`, as `res_statsd` reads it (`res/res_statsd.c` `load_module`
//! registrations, `main/config_options.c` handlers, `main/config.c` reader).
//!
//! ```text
//! [general]
//! enabled = yes          ; bool, default no
//! server = 127.0.0.1     ; host[:port], numeric address, port 0/absent = 8125
//! prefix = asterisk      ; silently truncated to 40 bytes, joined with one '.'
//! add_newline = no       ; bool, default no
//! meter_support = yes    ; bool, default yes (and inverted when no, see below)
//! ```
//!
//! Booleans are read with `ast_true`: `yes`, `true`, `y`, `t`, `1` and `on`
//! (any case) are true and **everything else is false** without an error; this
//! parser does the same and adds a warning for values that `ast_false` does not
//! recognise either. Option names match case-insensitively (the option
//! container compares with `strcasecmp`); the category must be exactly
//! `general`.
//!
//! Errors are what makes Asterisk reject the whole file (an unknown option, a
//! category other than `[general]`, a server that is not a numeric address, a
//! variable before any category, an unclosed `[`): at load it logs `Could not
//! load statsd config; using defaults`, so StatsD stays disabled; on reload it
//! keeps the previous configuration. A line without `=` is also reported as an
//! error here, although Asterisk only warns and skips it.
//!
//! ```
//! use statsd_asterisk::conf::StatsdConf;
//!
//! let parsed = StatsdConf::parse("[general]\nenabled = yes\nserver = 10.0.0.5:9125\nprefix = pbx1\n").unwrap();
//! assert!(parsed.conf.enabled);
//! assert_eq!(parsed.conf.server_addr().to_string(), "10.0.0.5:9125");
//! assert_eq!(parsed.conf.prefix, b"pbx1");
//! assert!(parsed.warnings.is_empty());
//!
//! let err = StatsdConf::parse("[general]\nenable = yes\n").unwrap_err();
//! assert_eq!(err.to_string(), "line 2, column 1: unknown option `enable` in [general] (did you mean `enabled`? statsd.conf knows enabled, server, prefix, add_newline and meter_support; Asterisk rejects the whole file and runs with the defaults: StatsD disabled)");
//! ```

use core::fmt;
use std::net::{IpAddr, SocketAddr};

use thiserror::Error;

use crate::configfile::{self, FatalKind, Item, Located};

/// `DEFAULT_STATSD_PORT`: used when the server has no port or port 0.
pub const DEFAULT_PORT: u16 = 8125;

/// `MAX_PREFIX`: the prefix buffer holds 40 bytes plus the NUL.
pub const MAX_PREFIX: usize = 40;

/// The `[general]` options of `statsd.conf`, with the defaults registered in
/// `res_statsd.c` (not those of the sample file: `enabled` defaults to no).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsdConf {
    /// `enabled`: whether `res_statsd` opens its socket. Nothing is sent when false.
    pub enabled: bool,
    /// `server` as configured; port 0 means "no port" (see [`StatsdConf::server_addr`]).
    pub server: SocketAddr,
    /// `prefix`, already truncated to [`MAX_PREFIX`] bytes (possibly in the
    /// middle of a UTF-8 character, as Asterisk does).
    pub prefix: Vec<u8>,
    /// `add_newline`: append `\n` to every datagram.
    pub add_newline: bool,
    /// `meter_support` (default true). When false, Asterisk's inverted check
    /// rewrites every *non*-meter metric (see [`crate::send`]).
    pub meter_support: bool,
}

impl Default for StatsdConf {
    fn default() -> Self {
        StatsdConf {
            enabled: false,
            server: SocketAddr::new(IpAddr::from([127, 0, 0, 1]), 0),
            prefix: Vec::new(),
            add_newline: false,
            meter_support: true,
        }
    }
}

impl StatsdConf {
    /// The address datagrams go to: [`StatsdConf::server`] with port
    /// [`DEFAULT_PORT`] when its port is 0 (`conf_server`).
    pub fn server_addr(&self) -> SocketAddr {
        let mut addr = self.server;
        if addr.port() == 0 {
            addr.set_port(DEFAULT_PORT);
        }
        addr
    }

    /// Sets the prefix the way `ast_copy_string` fills `char prefix[41]`:
    /// truncated to 40 bytes. Returns whether it was truncated.
    pub fn set_prefix(&mut self, prefix: &str) -> bool {
        let bytes = prefix.as_bytes();
        let truncated = bytes.len() > MAX_PREFIX;
        self.prefix = bytes[..bytes.len().min(MAX_PREFIX)].to_vec();
        truncated
    }

    /// Parses the text of a `statsd.conf`.
    ///
    /// Returns the configuration and its warnings, or every error found.
    pub fn parse(text: &str) -> Result<ParsedConf, ConfErrors> {
        parse(text)
    }
}

/// A parsed `statsd.conf` and what deserves attention in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedConf {
    /// The configuration Asterisk would use.
    pub conf: StatsdConf,
    /// Things Asterisk accepts silently but that probably do not do what was meant.
    pub warnings: Vec<ConfWarning>,
}

/// A located problem in `statsd.conf`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("line {line}, column {column}: {kind} ({})", kind.hint())]
pub struct ConfError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub kind: ConfErrorKind,
}

/// What is wrong in a [`ConfError`].
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfErrorKind {
    /// A line with no `=`.
    #[error("no `=` in line `{text}`")]
    MissingEquals {
        /// The line, stripped.
        text: String,
    },
    /// An option before the first `[category]`.
    #[error("option `{name}` is outside any section")]
    NoCategory {
        /// The text of the line (up to `=`).
        name: String,
    },
    /// `[` without `]`.
    #[error("no closing `]` in the section header")]
    UnclosedCategory,
    /// `[name](` without `)`.
    #[error("no closing `)` after the section name")]
    UnclosedCategoryOptions,
    /// A section other than `[general]`.
    #[error("unknown section [{name}]")]
    UnknownCategory {
        /// The section name, verbatim.
        name: String,
    },
    /// An option `res_statsd` does not register.
    #[error("unknown option `{name}` in [general]")]
    UnknownOption {
        /// The option name.
        name: String,
        /// A known option with a similar name.
        suggestion: Option<&'static str>,
    },
    /// `server` is not `address[:port]` with a numeric address.
    #[error("invalid server `{value}`: {reason}")]
    InvalidServer {
        /// The value.
        value: String,
        /// Why.
        reason: &'static str,
    },
}

const KNOWN_OPTIONS: [&str; 5] = [
    "enabled",
    "server",
    "prefix",
    "add_newline",
    "meter_support",
];
const REJECTED_FILE: &str =
    "Asterisk rejects the whole file and runs with the defaults: StatsD disabled";

impl ConfErrorKind {
    /// How to fix it, and what Asterisk does with such a file.
    pub fn hint(&self) -> String {
        match self {
            ConfErrorKind::MissingEquals { .. } => {
                "write `option = value`; Asterisk logs \"No '=' (equal sign) in line N\" and ignores the line"
                    .to_string()
            }
            ConfErrorKind::NoCategory { .. } => {
                format!("put the options under a [general] header; {REJECTED_FILE}")
            }
            ConfErrorKind::UnclosedCategory | ConfErrorKind::UnclosedCategoryOptions => {
                format!("write the header as [general]; {REJECTED_FILE}")
            }
            ConfErrorKind::UnknownCategory { .. } => format!(
                "statsd.conf has only a [general] section (the name is exact: no spaces, lower case); {REJECTED_FILE}"
            ),
            ConfErrorKind::UnknownOption { suggestion, .. } => {
                let mut hint = String::new();
                if let Some(s) = suggestion {
                    hint.push_str(&format!("did you mean `{s}`? "));
                }
                hint.push_str(
                    "statsd.conf knows enabled, server, prefix, add_newline and meter_support; ",
                );
                hint.push_str(REJECTED_FILE);
                hint
            }
            ConfErrorKind::InvalidServer { .. } => format!(
                "write a numeric IPv4 or IPv6 address with an optional port, e.g. 127.0.0.1, 10.0.0.5:8125 or [::1]:8125 (host names are not resolved: the address is parsed with AI_NUMERICHOST); {REJECTED_FILE}"
            ),
        }
    }
}

/// Every error found in a `statsd.conf`, in line order (never empty).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub struct ConfErrors {
    /// The errors.
    pub errors: Vec<ConfError>,
    /// The warnings found as well.
    pub warnings: Vec<ConfWarning>,
}

impl fmt::Display for ConfErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Something Asterisk accepts but that probably does not do what was meant.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("line {line}, column {column}: {kind}")]
pub struct ConfWarning {
    /// 1-based line number (0 for a warning about the file as a whole).
    pub line: usize,
    /// 1-based column (0 for a warning about the file as a whole).
    pub column: usize,
    /// What.
    pub kind: ConfWarningKind,
}

/// What a [`ConfWarning`] is about.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfWarningKind {
    /// The prefix is longer than 40 bytes.
    #[error(
        "prefix is {len} bytes long; Asterisk silently truncates it to {MAX_PREFIX} bytes: `{kept}`"
    )]
    PrefixTruncated {
        /// The configured length in bytes.
        len: usize,
        /// What Asterisk keeps (lossy UTF-8 if the cut splits a character).
        kept: String,
    },
    /// The prefix ends with `.`, and `res_statsd` adds another one.
    #[error(
        "prefix `{prefix}` ends with '.': res_statsd adds its own '.', so names become `{prefix}.name`"
    )]
    PrefixTrailingDot {
        /// The prefix.
        prefix: String,
    },
    /// `meter_support = no` rewrites every metric except meters.
    #[error(
        "meter_support = no does the opposite of what it documents: res_statsd.c tests `!meter_support && strcmp(metric_type, \"m\")`, so every NON-meter metric is renamed `<name>_meter` and sent as a counter (`confBridgeUsers:+1|g` goes out as `confBridgeUsers_meter:+1|c`) while meters (`|m`) still go out unchanged; leave meter_support = yes"
    )]
    MeterSupportInverted,
    /// A boolean value neither `ast_true` nor `ast_false` recognises.
    #[error(
        "`{option} = {value}` is not a boolean Asterisk knows; it reads it as `no` (ast_true accepts yes, true, y, t, 1, on)"
    )]
    UnrecognisedBoolean {
        /// The option.
        option: &'static str,
        /// The value.
        value: String,
    },
    /// The server is an IPv6 address but `res_statsd` opens an `AF_INET` socket.
    #[error(
        "server {addr} is IPv6, but res_statsd sends from an IPv4 (AF_INET) socket and ignores send errors: nothing will arrive"
    )]
    Ipv6Server {
        /// The address.
        addr: SocketAddr,
    },
    /// `enabled` is not true: nothing is sent.
    #[error("enabled is not set to yes: res_statsd opens no socket and StatsD() sends nothing")]
    Disabled,
    /// An option is set more than once; the last value wins.
    #[error("{option} is set again (first on line {first_line}); the last value wins")]
    Duplicate {
        /// The option.
        option: &'static str,
        /// Where it was first set.
        first_line: usize,
    },
    /// `[general](...)`: template options are not interpreted here.
    #[error("section options `({options})` are ignored by this parser")]
    CategoryOptions {
        /// The text between the parentheses.
        options: String,
    },
    /// A `#include`/`#exec` directive, not followed.
    #[error("directive #{name} is not followed by this parser")]
    Directive {
        /// The directive name.
        name: String,
    },
    /// A `--;` outside a block comment.
    #[error(
        "`--;` outside a block comment: Asterisk's reader then ignores the following lines; this parser does not"
    )]
    StrayCommentEnd,
    /// A `;--` block comment never closed.
    #[error("block comment `;--` is never closed: the rest of the file is a comment")]
    UnclosedBlockComment,
}

/// `ast_true`.
pub fn ast_true(value: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|t| value.eq_ignore_ascii_case(t))
}

/// `ast_false`.
pub fn ast_false(value: &str) -> bool {
    ["no", "false", "n", "f", "0", "off"]
        .iter()
        .any(|t| value.eq_ignore_ascii_case(t))
}

/// Parses a `server` value like `ast_sockaddr_parse(addr, value, 0)`:
/// `a.b.c.d`, `a.b.c.d:port`, `[v6]`, `[v6]:port` or a bare IPv6 address
/// (more than one `:`); numeric addresses only; port 0 or absent means "none".
pub fn parse_server(value: &str) -> Result<SocketAddr, &'static str> {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (host, after) = match rest.find(']') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        (host, after.strip_prefix(':'))
    } else {
        match value.matches(':').count() {
            0 => (value, None),
            1 => {
                let i = value.find(':').unwrap_or(value.len());
                (&value[..i], Some(&value[i + 1..]))
            }
            _ => (value, None),
        }
    };
    if host.is_empty() {
        return Err("no address");
    }
    let ip: IpAddr = host
        .parse()
        .map_err(|_| "not a numeric IPv4 or IPv6 address")?;
    let port = match port {
        None => 0,
        Some(p) => {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err("the port is not a number");
            }
            p.parse::<u16>().map_err(|_| "the port is above 65535")?
        }
    };
    Ok(SocketAddr::new(ip, port))
}

fn similar_option(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let normalized: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    KNOWN_OPTIONS.into_iter().find(|known| {
        let k: String = known
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        k == normalized
            || (normalized.len() >= 4 && (k.starts_with(&normalized) || normalized.starts_with(&k)))
    })
}

fn parse(text: &str) -> Result<ParsedConf, ConfErrors> {
    let lines: Vec<&str> = text.split('\n').collect();
    let col = |line: usize, offset: usize| {
        configfile::column(
            lines.get(line.wrapping_sub(1)).copied().unwrap_or(""),
            offset,
        )
    };
    let mut conf = StatsdConf::default();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut in_general = false;
    let mut seen: Vec<(&'static str, usize)> = Vec::new();
    let mut raw_values: Vec<(&'static str, String)> = Vec::new();
    let mut meter_line: Option<(usize, usize)> = None;

    for item in configfile::read(text) {
        match item {
            Item::Category {
                line,
                offset,
                name,
                options,
            } => {
                in_general = name == "general";
                if !in_general {
                    errors.push(ConfError {
                        line,
                        column: col(line, offset),
                        kind: ConfErrorKind::UnknownCategory { name },
                    });
                } else if let Some(options) = options {
                    warnings.push(ConfWarning {
                        line,
                        column: col(line, offset),
                        kind: ConfWarningKind::CategoryOptions { options },
                    });
                }
            }
            Item::Variable {
                line,
                name,
                value,
                append,
            } => {
                if !in_general {
                    // Already reported at the section header.
                    continue;
                }
                let name_col = col(line, name.offset_of(0));
                let Some(option) = KNOWN_OPTIONS
                    .into_iter()
                    .find(|k| k.eq_ignore_ascii_case(&name.text))
                else {
                    errors.push(ConfError {
                        line,
                        column: name_col,
                        kind: ConfErrorKind::UnknownOption {
                            suggestion: similar_option(&name.text),
                            name: name.text,
                        },
                    });
                    continue;
                };
                let value_text = effective_value(option, &value, append, &raw_values);
                if let Some(&(_, first_line)) = seen.iter().find(|(o, _)| *o == option) {
                    warnings.push(ConfWarning {
                        line,
                        column: name_col,
                        kind: ConfWarningKind::Duplicate { option, first_line },
                    });
                } else {
                    seen.push((option, line));
                }
                raw_values.retain(|(o, _)| *o != option);
                raw_values.push((option, value_text.clone()));
                let value_col = col(line, value.offset_of(0));
                apply_option(
                    &mut conf,
                    option,
                    &value_text,
                    line,
                    value_col,
                    &mut errors,
                    &mut warnings,
                );
                if option == "meter_support" {
                    meter_line = Some((line, value_col));
                }
            }
            Item::Directive { line, offset, name } => warnings.push(ConfWarning {
                line,
                column: col(line, offset),
                kind: ConfWarningKind::Directive { name },
            }),
            Item::MissingEquals { line, offset, text } => errors.push(ConfError {
                line,
                column: col(line, offset),
                kind: ConfErrorKind::MissingEquals { text },
            }),
            Item::StrayCommentEnd { line, offset } => warnings.push(ConfWarning {
                line,
                column: col(line, offset),
                kind: ConfWarningKind::StrayCommentEnd,
            }),
            Item::UnclosedBlockComment { line, offset } => warnings.push(ConfWarning {
                line,
                column: col(line, offset),
                kind: ConfWarningKind::UnclosedBlockComment,
            }),
            Item::Fatal { line, offset, kind } => errors.push(ConfError {
                line,
                column: col(line, offset),
                kind: match kind {
                    FatalKind::UnclosedBracket => ConfErrorKind::UnclosedCategory,
                    FatalKind::UnclosedParen => ConfErrorKind::UnclosedCategoryOptions,
                    FatalKind::MissingCategory => ConfErrorKind::NoCategory {
                        name: lines
                            .get(line - 1)
                            .map(|l| l.split('=').next().unwrap_or("").trim().to_string())
                            .unwrap_or_default(),
                    },
                },
            }),
        }
    }

    // Warnings about the final values.
    if !conf.meter_support {
        let (line, column) = meter_line.unwrap_or((0, 0));
        warnings.push(ConfWarning {
            line,
            column,
            kind: ConfWarningKind::MeterSupportInverted,
        });
    }
    if conf.prefix.last() == Some(&b'.') {
        warnings.push(ConfWarning {
            line: 0,
            column: 0,
            kind: ConfWarningKind::PrefixTrailingDot {
                prefix: String::from_utf8_lossy(&conf.prefix).into_owned(),
            },
        });
    }
    if conf.server.is_ipv6() {
        warnings.push(ConfWarning {
            line: 0,
            column: 0,
            kind: ConfWarningKind::Ipv6Server {
                addr: conf.server_addr(),
            },
        });
    }
    if !conf.enabled {
        warnings.push(ConfWarning {
            line: 0,
            column: 0,
            kind: ConfWarningKind::Disabled,
        });
    }

    if errors.is_empty() {
        Ok(ParsedConf { conf, warnings })
    } else {
        Err(ConfErrors { errors, warnings })
    }
}

/// The value an option ends up with: for `+=`, the previous value with the new
/// text appended, trailing blanks trimmed and leading blanks skipped
/// (`ast_str_trim_blanks`, `ast_skip_blanks`); otherwise the stripped value.
fn effective_value(
    option: &str,
    value: &Located,
    append: bool,
    raw_values: &[(&'static str, String)],
) -> String {
    if append {
        if let Some((_, previous)) = raw_values.iter().find(|(o, _)| *o == option) {
            let joined = format!("{previous}{}", value.text);
            return joined
                .trim_end_matches(|c: char| c.is_ascii() && (c as u32) <= 32)
                .trim_start_matches(|c: char| c.is_ascii() && (c as u32) <= 32)
                .to_string();
        }
        return value
            .text
            .trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r'))
            .to_string();
    }
    value.text.clone()
}

fn apply_option(
    conf: &mut StatsdConf,
    option: &'static str,
    value: &str,
    line: usize,
    column: usize,
    errors: &mut Vec<ConfError>,
    warnings: &mut Vec<ConfWarning>,
) {
    let mut boolean = |field: &mut bool| {
        *field = ast_true(value);
        if !ast_true(value) && !ast_false(value) {
            warnings.push(ConfWarning {
                line,
                column,
                kind: ConfWarningKind::UnrecognisedBoolean {
                    option,
                    value: value.to_string(),
                },
            });
        }
    };
    match option {
        "enabled" => boolean(&mut conf.enabled),
        "add_newline" => boolean(&mut conf.add_newline),
        "meter_support" => boolean(&mut conf.meter_support),
        "prefix" => {
            if conf.set_prefix(value) {
                warnings.push(ConfWarning {
                    line,
                    column,
                    kind: ConfWarningKind::PrefixTruncated {
                        len: value.len(),
                        kept: String::from_utf8_lossy(&conf.prefix).into_owned(),
                    },
                });
            }
        }
        _ => match parse_server(value) {
            Ok(addr) => conf.server = addr,
            Err(reason) => errors.push(ConfError {
                line,
                column,
                kind: ConfErrorKind::InvalidServer {
                    value: value.to_string(),
                    reason,
                },
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> ParsedConf {
        match StatsdConf::parse(text) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    fn err(text: &str) -> ConfErrors {
        match StatsdConf::parse(text) {
            Ok(p) => panic!("accepted: {p:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn defaults_match_the_code() {
        let conf = StatsdConf::default();
        assert!(!conf.enabled);
        assert_eq!(conf.server_addr(), "127.0.0.1:8125".parse().unwrap());
        assert!(conf.prefix.is_empty());
        assert!(!conf.add_newline);
        assert!(conf.meter_support);
        // An empty file gives the defaults, with the "disabled" warning.
        let parsed = ok("");
        assert_eq!(parsed.conf, conf);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].kind, ConfWarningKind::Disabled);
    }

    #[test]
    fn sample_file_shape() {
        let parsed = ok(
            "[general]\nenabled = yes ; When set to yes, statsd support is enabled\nserver = 127.0.0.1 ; server[:port]\n;prefix = ; Prefix\n;add_newline = no\n",
        );
        assert!(parsed.conf.enabled);
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn booleans_follow_ast_true() {
        for (v, want) in [
            ("yes", true),
            ("YES", true),
            ("true", true),
            ("On", true),
            ("1", true),
            ("y", true),
            ("t", true),
            ("no", false),
            ("off", false),
            ("0", false),
            ("False", false),
        ] {
            let parsed = ok(&format!("[general]\nenabled = {v}\n"));
            assert_eq!(parsed.conf.enabled, want, "{v}");
            assert!(
                !parsed
                    .warnings
                    .iter()
                    .any(|w| matches!(w.kind, ConfWarningKind::UnrecognisedBoolean { .. }))
            );
        }
        let parsed = ok("[general]\nenabled = maybe\n");
        assert!(!parsed.conf.enabled);
        assert_eq!(
            parsed.warnings[0],
            ConfWarning {
                line: 2,
                column: 11,
                kind: ConfWarningKind::UnrecognisedBoolean {
                    option: "enabled",
                    value: "maybe".into()
                }
            }
        );
        // An empty value is false too (ast_true of "" is 0).
        assert!(!ok("[general]\nadd_newline =\n").conf.add_newline);
    }

    #[test]
    fn server_forms() {
        let cases = [
            ("127.0.0.1", "127.0.0.1:8125"),
            ("10.1.2.3:9125", "10.1.2.3:9125"),
            ("10.1.2.3:0", "10.1.2.3:8125"),
            ("[::1]:9000", "[::1]:9000"),
            ("[::1]", "[::1]:8125"),
            ("::1", "[::1]:8125"),
            ("[::1", "[::1]:8125"), // split_hostport tolerates the missing `]`
        ];
        for (value, want) in cases {
            let parsed = ok(&format!("[general]\nenabled=yes\nserver = {value}\n"));
            assert_eq!(parsed.conf.server_addr().to_string(), want, "{value}");
        }
        let parsed = ok("[general]\nenabled=yes\nserver = 10.1.2.3:0\n");
        assert_eq!(parsed.conf.server.port(), 0);
        // IPv6 parses but will not work from an AF_INET socket.
        assert!(
            ok("[general]\nenabled=yes\nserver=::1\n")
                .warnings
                .iter()
                .any(|w| matches!(w.kind, ConfWarningKind::Ipv6Server { .. }))
        );
        for bad in [
            "statsd.example.com",
            "10.0.0.1:",
            "10.0.0.1:abc",
            "10.0.0.1:70000",
            "1.2.3",
        ] {
            let e = err(&format!("[general]\nserver = {bad}\n"));
            assert!(
                matches!(e.errors[0].kind, ConfErrorKind::InvalidServer { .. }),
                "{bad}"
            );
            assert_eq!((e.errors[0].line, e.errors[0].column), (2, 10), "{bad}");
        }
        let e = err("[general]\nserver =\n");
        assert_eq!(e.errors[0].column, 9);
    }

    #[test]
    fn prefix_truncation_at_40_bytes() {
        let forty = "a".repeat(40);
        let parsed = ok(&format!("[general]\nprefix = {forty}\n"));
        assert_eq!(parsed.conf.prefix, forty.as_bytes());
        assert!(
            !parsed
                .warnings
                .iter()
                .any(|w| matches!(w.kind, ConfWarningKind::PrefixTruncated { .. }))
        );

        let long = format!("{forty}bcd");
        let parsed = ok(&format!("[general]\nprefix = {long}\n"));
        assert_eq!(parsed.conf.prefix, forty.as_bytes());
        assert_eq!(
            parsed.warnings[0],
            ConfWarning {
                line: 2,
                column: 10,
                kind: ConfWarningKind::PrefixTruncated {
                    len: 43,
                    kept: forty.clone()
                }
            }
        );
        // A cut inside a UTF-8 character keeps the partial bytes, as C does.
        let parsed = ok(&format!("[general]\nprefix = {}é\n", "a".repeat(39)));
        assert_eq!(parsed.conf.prefix.len(), 40);
        assert_eq!(parsed.conf.prefix[39], 0xc3);
    }

    #[test]
    fn prefix_with_trailing_dot() {
        let parsed = ok("[general]\nprefix = asterisk.\n");
        assert_eq!(parsed.conf.prefix, b"asterisk.");
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| matches!(w.kind, ConfWarningKind::PrefixTrailingDot { .. }))
        );
    }

    #[test]
    fn meter_support_no_warns() {
        let parsed = ok("[general]\nenabled = yes\nmeter_support = no\n");
        assert!(!parsed.conf.meter_support);
        assert_eq!(
            parsed.warnings,
            [ConfWarning {
                line: 3,
                column: 17,
                kind: ConfWarningKind::MeterSupportInverted
            }]
        );
        assert!(
            parsed.warnings[0]
                .to_string()
                .contains("confBridgeUsers_meter:+1|c")
        );
    }

    #[test]
    fn unknown_option_with_line_number() {
        let e = err("; statsd\n[general]\nenabled = yes\n  Prefx = x\n");
        assert_eq!(e.errors.len(), 1);
        assert_eq!(
            e.errors[0],
            ConfError {
                line: 4,
                column: 3,
                kind: ConfErrorKind::UnknownOption {
                    name: "Prefx".into(),
                    suggestion: None
                }
            }
        );
        let e = err("[general]\nmeter-support = no\n");
        assert_eq!(
            e.errors[0].kind,
            ConfErrorKind::UnknownOption {
                name: "meter-support".into(),
                suggestion: Some("meter_support")
            }
        );
        // Option names are case-insensitive.
        assert!(ok("[general]\nENABLED = yes\n").conf.enabled);
    }

    #[test]
    fn options_outside_general() {
        let e = err("enabled = yes\n");
        assert_eq!(e.errors[0].line, 1);
        assert!(
            matches!(e.errors[0].kind, ConfErrorKind::NoCategory { ref name } if name == "enabled")
        );

        let e = err("[general]\nenabled = yes\n[global]\nprefix = x\n");
        assert_eq!(e.errors.len(), 1);
        assert_eq!(
            e.errors[0],
            ConfError {
                line: 3,
                column: 1,
                kind: ConfErrorKind::UnknownCategory {
                    name: "global".into()
                }
            }
        );
        assert!(matches!(
            err("[ general ]\n").errors[0].kind,
            ConfErrorKind::UnknownCategory { .. }
        ));
        assert!(matches!(
            err("[General]\n").errors[0].kind,
            ConfErrorKind::UnknownCategory { .. }
        ));
        assert!(matches!(
            err("[general\n").errors[0].kind,
            ConfErrorKind::UnclosedCategory
        ));
    }

    #[test]
    fn malformed_lines_and_all_errors() {
        let e = err("[general]\nenabled yes\nfoo = 1\nserver = x\n");
        let lines: Vec<usize> = e.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(matches!(
            e.errors[0].kind,
            ConfErrorKind::MissingEquals { .. }
        ));
        let shown = e.to_string();
        assert!(
            shown.starts_with("line 2, column 1: no `=` in line `enabled yes`"),
            "{shown}"
        );
    }

    #[test]
    fn duplicates_and_append() {
        let parsed = ok("[general]\nprefix = a\nprefix = b\n");
        assert_eq!(parsed.conf.prefix, b"b");
        assert!(parsed.warnings.iter().any(|w| matches!(
            w.kind,
            ConfWarningKind::Duplicate {
                option: "prefix",
                first_line: 2
            }
        )));
        // `+=` appends the raw text after `=`, blanks included, then trims the ends.
        let parsed = ok("[general]\nprefix = ast\nprefix +=erisk\n");
        assert_eq!(parsed.conf.prefix, b"asterisk");
        let parsed = ok("[general]\nprefix = ast\nprefix += erisk \n");
        assert_eq!(parsed.conf.prefix, b"ast erisk");
    }

    #[test]
    fn escaped_semicolon_in_prefix() {
        let parsed = ok("[general]\nprefix = a\\;b ; comment\n");
        assert_eq!(parsed.conf.prefix, b"a;b");
    }
}
