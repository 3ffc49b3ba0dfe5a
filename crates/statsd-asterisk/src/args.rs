//! Dialplan argument splitting: Asterisk's `__ast_app_separate_args`
//! (`main/app.c`) as used by `AST_STANDARD_APP_ARGS`, and the split of an
//! application call `App(args)` done by `pbx_config` when it loads
//! `extensions.conf`.
//!
//! The rules of `__ast_app_separate_args(buf, ',', remove_chars = 1, array, 4)`:
//!
//! * a `,` splits arguments, except inside `( )`, `[ ]` or `" "` (a `)` or `]`
//!   without an opener is ignored);
//! * each `"` toggles the quoted state and is removed;
//! * a `\` is removed and the character after it is taken literally;
//! * only `slots - 1` arguments are split this way: the last slot receives the
//!   *remainder*, raw (its commas, quotes and backslashes are left as they are);
//! * a trailing `,` yields one more, empty, argument;
//! * an empty string yields no argument at all;
//! * the text is a C string: it ends at the first NUL byte.
//!
//! ```
//! use statsd_asterisk::args::{separate_args, StatsdArgs};
//!
//! let args = separate_args(r#"c,"a,b",\,x,0.5,extra"#, 4);
//! let texts: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
//! assert_eq!(texts, ["c", "a,b", ",x", "0.5,extra"]);
//!
//! let statsd = StatsdArgs::split("c,calls,1,");
//! assert_eq!(statsd.sample_rate.map(|a| a.text), Some(String::new()));
//! ```

use core::ops::Range;

use thiserror::Error;

/// The number of argument slots of `StatsD()`: `metric_type`,
/// `statistic_name`, `value`, `sample_rate`.
pub const STATSD_ARG_SLOTS: usize = 4;

/// One argument after splitting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The argument text, after quote and backslash removal.
    pub text: String,
    /// Where the argument came from: a byte range of the text given to the
    /// splitter (quotes and backslashes included; empty for an empty argument).
    pub span: Range<usize>,
}

/// Splits `data` like `__ast_app_separate_args(data, ',', 1, array, slots)`.
///
/// Returns at most `slots` arguments (none for `slots == 0` or an empty string).
///
/// ```
/// use statsd_asterisk::args::separate_args;
/// let texts = |s| separate_args(s, 4).into_iter().map(|a| a.text).collect::<Vec<_>>();
/// assert_eq!(texts("g,confBridgeUsers,+1,1"), ["g", "confBridgeUsers", "+1", "1"]);
/// assert_eq!(texts("c,x(a,b),[1,2]"), ["c", "x(a,b)", "[1,2]"]);
/// assert_eq!(texts("c,x,1,"), ["c", "x", "1", ""]);
/// assert!(texts("").is_empty());
/// ```
pub fn separate_args(data: &str, slots: usize) -> Vec<Arg> {
    separate_args_with(data, b',', true, slots)
}

/// `__ast_app_separate_args` with an explicit delimiter and `remove_chars`
/// flag. With `remove_chars == false`, quotes are kept and a backslash keeps
/// itself and the next character (`AST_NONSTANDARD_RAW_ARGS`).
pub fn separate_args_with(data: &str, delim: u8, remove_chars: bool, slots: usize) -> Vec<Arg> {
    if slots == 0 {
        return Vec::new();
    }
    // A C string ends at the first NUL.
    let data = data.split('\0').next().unwrap_or("");
    // The working buffer: bytes with their original offsets; `None` marks the
    // NUL written over a delimiter.
    let mut buf: Vec<(Option<u8>, usize)> = data
        .bytes()
        .enumerate()
        .map(|(i, b)| (Some(b), i))
        .collect();
    let at = |buf: &Vec<(Option<u8>, usize)>, i: usize| buf.get(i).and_then(|&(b, _)| b);

    // Each argument's start index in `buf` and its original offset (recorded
    // before any quote or backslash at the start is removed).
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(slots);
    let orig =
        |buf: &Vec<(Option<u8>, usize)>, i: usize| buf.get(i).map_or(data.len(), |&(_, o)| o);
    let mut scan = 0usize;
    let mut was_delim: Option<usize> = None;
    let (mut paren, mut bracket, mut quote) = (0u32, 0u32, false);

    while at(&buf, scan).is_some() && starts.len() < slots - 1 {
        starts.push((scan, orig(&buf, scan)));
        while let Some(c) = at(&buf, scan) {
            if c == b'(' {
                paren += 1;
            } else if c == b')' {
                paren = paren.saturating_sub(1);
            } else if c == b'[' {
                bracket += 1;
            } else if c == b']' {
                bracket = bracket.saturating_sub(1);
            } else if c == b'"' && delim != b'"' {
                quote = !quote;
                if remove_chars {
                    // Remove the quote; look at the byte that moved into its place.
                    buf.remove(scan);
                    continue;
                }
            } else if c == b'\\' {
                if remove_chars {
                    // Remove the backslash; the byte after it is skipped below.
                    buf.remove(scan);
                } else {
                    scan += 1;
                }
            } else if c == delim && paren == 0 && !quote && bracket == 0 {
                was_delim = Some(scan);
                buf[scan].0 = None;
                scan += 1;
                break;
            }
            scan += 1;
        }
    }
    // "If the last character in the original string was the delimiter, then
    // there is one additional argument."
    if at(&buf, scan).is_some() || (scan > 0 && Some(scan - 1) == was_delim) {
        starts.push((scan, orig(&buf, scan)));
    }

    starts
        .into_iter()
        .map(|(start, start_orig)| {
            let end = (start..buf.len())
                .find(|&i| buf[i].0.is_none())
                .unwrap_or(buf.len());
            let bytes: Vec<u8> = buf
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .filter_map(|&(b, _)| b)
                .collect();
            let end_orig = orig(&buf, end).max(start_orig);
            Arg {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                span: start_orig..end_orig,
            }
        })
        .collect()
}

/// The four arguments of `StatsD(metric_type,statistic_name,value[,sample_rate])`,
/// `None` where `AST_STANDARD_APP_ARGS` leaves the slot NULL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsdArgs {
    /// The first argument.
    pub metric_type: Option<Arg>,
    /// The second argument.
    pub statistic_name: Option<Arg>,
    /// The third argument.
    pub value: Option<Arg>,
    /// The fourth argument: everything after the third comma, raw.
    pub sample_rate: Option<Arg>,
}

impl StatsdArgs {
    /// Splits the application data of a `StatsD()` call.
    ///
    /// ```
    /// use statsd_asterisk::args::StatsdArgs;
    /// let args = StatsdArgs::split("g,confBridgeUsers,+1");
    /// assert_eq!(args.value.map(|a| a.text).as_deref(), Some("+1"));
    /// assert!(args.sample_rate.is_none());
    /// ```
    pub fn split(data: &str) -> StatsdArgs {
        let mut args = separate_args(data, STATSD_ARG_SLOTS).into_iter();
        StatsdArgs {
            metric_type: args.next(),
            statistic_name: args.next(),
            value: args.next(),
            sample_rate: args.next(),
        }
    }
}

/// A dialplan application call such as `StatsD(g,confBridgeUsers,+1,1)`, split
/// the way `pbx_config` splits the application part of an `exten =>` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppCall {
    /// The application name as Asterisk looks it up: the text before the first
    /// `(`, leading blanks skipped, trailing blanks kept.
    pub app: String,
    /// Byte range of `app` in the call text.
    pub app_span: Range<usize>,
    /// The application data: after the first `(`, up to the last `)`.
    pub data: String,
    /// Byte offset of `data` in the call text.
    pub data_offset: usize,
    /// `false` when there was a `(` but no `)` after it. Asterisk then logs
    /// `No closing parenthesis found? '<app>(<data>'` and uses the whole rest.
    pub closed: bool,
}

impl AppCall {
    /// Splits `text` into application name and data, like `pbx_config`:
    /// without `(`, the data is empty; otherwise the data runs from after the
    /// first `(` to the last `)` (anything after that `)` is dropped).
    ///
    /// ```
    /// use statsd_asterisk::args::AppCall;
    /// let call = AppCall::parse("  statsd(g,confBridgeUsers,+1,1)");
    /// assert_eq!(call.app, "statsd");
    /// assert_eq!(call.data, "g,confBridgeUsers,+1,1");
    /// assert!(call.is_statsd());
    /// assert_eq!(AppCall::parse("StatsD").data, "");
    /// ```
    pub fn parse(text: &str) -> AppCall {
        let text = text.split('\0').next().unwrap_or("");
        let (app_raw, data, data_offset, closed) = match text.find('(') {
            None => (text, "", text.len(), true),
            Some(open) => {
                let rest = &text[open + 1..];
                match rest.rfind(')') {
                    Some(close) => (&text[..open], &rest[..close], open + 1, true),
                    None => (&text[..open], rest, open + 1, false),
                }
            }
        };
        // ast_skip_blanks: space and tab... and every other byte <= 32 except NUL.
        let skipped = app_raw.len()
            - app_raw
                .trim_start_matches(|c: char| c.is_ascii() && (c as u32) <= 32)
                .len();
        AppCall {
            app: app_raw[skipped..].to_string(),
            app_span: skipped..app_raw.len(),
            data: data.to_string(),
            data_offset,
            closed,
        }
    }

    /// Whether Asterisk would run `StatsD` for this call: the name matches
    /// `StatsD` case-insensitively (application lookup uses `strcasecmp`).
    pub fn is_statsd(&self) -> bool {
        self.app.eq_ignore_ascii_case("statsd")
    }
}

/// The call text does not name the `StatsD` application.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error(
    "`{app}` is not the StatsD application (Asterisk would log \"No application '{app}' for extension\" and stop the dialplan); write StatsD(metric_type,statistic_name,value[,sample_rate])"
)]
pub struct NotStatsd {
    /// The application name found.
    pub app: String,
}

/// Parses a whole `StatsD(...)` call and returns its application data.
///
/// ```
/// use statsd_asterisk::args::statsd_call_data;
/// assert_eq!(statsd_call_data("STATSD(c,calls,1)").unwrap(), "c,calls,1");
/// assert!(statsd_call_data("Dial(PJSIP/100)").is_err());
/// ```
pub fn statsd_call_data(text: &str) -> Result<String, NotStatsd> {
    let call = AppCall::parse(text);
    if call.is_statsd() {
        Ok(call.data)
    } else {
        Err(NotStatsd { app: call.app })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        separate_args(s, STATSD_ARG_SLOTS)
            .into_iter()
            .map(|a| a.text)
            .collect()
    }

    #[test]
    fn plain_split() {
        assert_eq!(
            texts("g,confBridgeUsers,+1,1"),
            ["g", "confBridgeUsers", "+1", "1"]
        );
        assert_eq!(
            texts("g,confBridgeUsers,-1"),
            ["g", "confBridgeUsers", "-1"]
        );
        assert_eq!(texts("c"), ["c"]);
    }

    #[test]
    fn empty_and_trailing_commas() {
        assert!(texts("").is_empty());
        assert_eq!(texts(","), ["", ""]);
        assert_eq!(texts("c,calls,1,"), ["c", "calls", "1", ""]);
        assert_eq!(texts("c,,1"), ["c", "", "1"]);
        assert_eq!(texts("c,x,"), ["c", "x", ""]);
    }

    #[test]
    fn remainder_slot_is_raw() {
        assert_eq!(texts("g,x,1,0.5,extra"), ["g", "x", "1", "0.5,extra"]);
        // Quotes and backslashes in the remainder are not processed.
        assert_eq!(texts(r#"c,x,1,"0.5""#), ["c", "x", "1", "\"0.5\""]);
        assert_eq!(texts(r"c,x,1,0\.5"), ["c", "x", "1", r"0\.5"]);
    }

    #[test]
    fn quotes_are_removed_and_protect_commas() {
        assert_eq!(texts(r#"c,"a,b",1"#), ["c", "a,b", "1"]);
        assert_eq!(texts(r#""c",x"y"z,1"#), ["c", "xyz", "1"]);
        // An unbalanced quote swallows the rest into one argument.
        assert_eq!(texts(r#"c,"x,1,2"#), ["c", "x,1,2"]);
    }

    #[test]
    fn brackets_and_parentheses_protect_commas() {
        assert_eq!(texts("c,a(1,2),3"), ["c", "a(1,2)", "3"]);
        assert_eq!(texts("c,a[1,2],3"), ["c", "a[1,2]", "3"]);
        // A stray closer does not go negative.
        assert_eq!(texts("c,a),b,3"), ["c", "a)", "b", "3"]);
        // An unclosed opener protects every later comma of the split part.
        assert_eq!(texts("c,a(1,2,3"), ["c", "a(1,2,3"]);
    }

    #[test]
    fn backslash_escapes() {
        assert_eq!(texts(r"c,a\,b,1"), ["c", "a,b", "1"]);
        assert_eq!(texts(r#"c,a\"b,1"#), ["c", "a\"b", "1"]);
        assert_eq!(texts(r"c,a\\b,1"), ["c", r"a\b", "1"]);
        assert_eq!(texts(r"c,a\(b,1"), ["c", "a(b", "1"]);
        // A trailing backslash just disappears.
        assert_eq!(texts(r"c,x\"), ["c", "x"]);
    }

    #[test]
    fn spans_point_into_the_source() {
        let args = separate_args(r#"c,"a,b",\1,rest"#, 4);
        assert_eq!(args[0].span, 0..1);
        assert_eq!(args[1].span, 2..7); // "a,b" with its quotes
        assert_eq!(args[2].span, 8..10); // \1
        assert_eq!(args[3].span, 11..15);
        let args = separate_args("c,x,1,", 4);
        assert_eq!(args[3].span, 6..6);
        let args = separate_args("c,,1", 4);
        assert_eq!(args[1].span, 2..2);
    }

    #[test]
    fn nul_ends_the_string() {
        assert_eq!(texts("c,x\0,1"), ["c", "x"]);
    }

    #[test]
    fn raw_mode_keeps_quotes_and_backslashes() {
        let raw: Vec<String> = separate_args_with(r#"a,"b,c",d\,e"#, b',', false, 8)
            .into_iter()
            .map(|a| a.text)
            .collect();
        assert_eq!(raw, ["a", "\"b,c\"", r"d\,e"]);
    }

    #[test]
    fn statsd_args_slots() {
        let args = StatsdArgs::split("c,x");
        assert_eq!(args.metric_type.map(|a| a.text).as_deref(), Some("c"));
        assert_eq!(args.statistic_name.map(|a| a.text).as_deref(), Some("x"));
        assert!(args.value.is_none() && args.sample_rate.is_none());
        assert_eq!(StatsdArgs::split(""), StatsdArgs::default());
    }

    #[test]
    fn app_call_parsing() {
        let call = AppCall::parse("StatsD(g,confBridgeUsers,+1,1)");
        assert_eq!(
            (call.app.as_str(), call.data.as_str()),
            ("StatsD", "g,confBridgeUsers,+1,1")
        );
        assert_eq!(call.data_offset, 7);
        assert!(call.closed && call.is_statsd());

        let call = AppCall::parse("statsd(c,x(1),2) trailing");
        assert_eq!(call.data, "c,x(1),2");

        let call = AppCall::parse("StatsD(c,x,1");
        assert!(!call.closed);
        assert_eq!(call.data, "c,x,1");

        let call = AppCall::parse("StatsD ");
        assert_eq!(call.app, "StatsD ");
        assert!(!call.is_statsd());

        let call = AppCall::parse("StatsD");
        assert_eq!((call.app.as_str(), call.data.as_str()), ("StatsD", ""));
        assert!(call.is_statsd());

        let call = AppCall::parse("\tStatsD (c,x,1)");
        assert_eq!(call.app, "StatsD ");
        assert_eq!(call.app_span, 1..8);
        assert!(!call.is_statsd());
    }

    #[test]
    fn statsd_call_data_checks_the_name() {
        assert_eq!(statsd_call_data("sTaTsD(c,x,1)").as_deref(), Ok("c,x,1"));
        let err = statsd_call_data("NoOp(x)").unwrap_err();
        assert_eq!(err.app, "NoOp");
        assert!(err.to_string().contains("No application 'NoOp'"));
    }
}
