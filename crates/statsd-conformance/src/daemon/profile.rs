//! Daemon profiles: a TOML file that says how a StatsD server names and
//! aggregates what it flushes (schema: `conformance/peers/profiles/profile.schema.json`,
//! documentation: `conformance/peers/README.md`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

/// The metric types a profile can map, with the aggregates each may name.
pub const TYPES: &[(&str, &[&str])] = &[
    ("counter", &["sum"]),
    ("gauge", &["value"]),
    ("timer", &["count", "min", "max", "sum"]),
    ("histogram", &["count", "min", "max", "sum"]),
    ("meter", &["sum"]),
    ("set", &["count"]),
    // dogstatsd `d`: aggregated like a histogram.
    ("distribution", &["count", "min", "max", "sum"]),
];

/// A daemon profile, as read from TOML.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The server's label in reports (`etsy-statsd`).
    pub name: String,
    /// The server's version, shown in the matrix.
    #[serde(default)]
    pub version: String,
    /// What the server is and how it is set up.
    #[serde(default)]
    pub description: String,
    /// `true` for a documented example that was not run by this project.
    #[serde(default)]
    pub example: bool,
    /// The server's flush interval, in milliseconds.
    pub flush_interval_ms: u64,
    /// The suite dialects the server speaks, graded when no `--dialect` is
    /// given (default: every suite dialect). A server listed with
    /// `dogstatsd` reads `|#` tags: the profile needs `[tags]`.
    #[serde(default)]
    pub dialects: Vec<String>,
    /// What the server does with a line's dogstatsd tags (`|#k:v,...`).
    #[serde(default)]
    pub tags: Option<Tags>,
    /// How to start and stop the server (optional: without it the server must
    /// already be running).
    #[serde(default)]
    pub server: Option<ServerSpec>,
    /// Where to send the cases when `--send` is not given:
    /// `udp://HOST:PORT`, `tcp://HOST:PORT` or `unix:///PATH` (a Unix datagram socket).
    #[serde(default)]
    pub send: Option<String>,
    /// Where the runner observes the flushes.
    pub observe: Observe,
    /// How the server rewrites metric names.
    #[serde(default)]
    pub names: Names,
    /// The flushed name of each aggregate of each type.
    #[serde(default)]
    pub metrics: BTreeMap<String, Aggregates>,
    /// The flushed name (Graphite) or series (Prometheus) of the server's
    /// rejected-line counter, if it has one.
    #[serde(default)]
    pub rejected_counter: Option<String>,
    /// Regular expressions of flushed names that are never a case's effect
    /// (the server's own statistics).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// How cases are kept apart.
    #[serde(default)]
    pub isolation: Isolation,
    /// Relative tolerance when comparing values (default `1e-9`).
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// The marker metric's name (default `statsdconformancemarker`); it must
    /// survive the server's name rules unchanged.
    #[serde(default)]
    pub marker: Option<String>,
    /// The marker's type: `gauge` (default; value W), `timer` (its `max` is
    /// W) or `counter` (its `sum` is W). A server that flushes metrics in an
    /// order (collectd: counters, gauges, sets, timers) needs a marker that
    /// comes last.
    #[serde(default)]
    pub marker_type: Option<String>,
}

/// Starting and stopping the server. Commands run through `sh -c` from the
/// current directory, in their own process group. Placeholders:
/// `{statsd_port}`, `{graphite_port}`, `{web_port}`, `{dir}` (a fresh
/// temporary directory), `{config}` (the path of `config`, written there),
/// `{profile_dir}` (the directory of the profile file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// The command that runs the server in the foreground.
    pub start: String,
    /// A command that stops it (after which, or without which, the process
    /// group is killed).
    #[serde(default)]
    pub stop: Option<String>,
    /// A configuration file's content, written to `{dir}/{config_name}`.
    #[serde(default)]
    pub config: Option<String>,
    /// The file name of `config` (default `server.conf`).
    #[serde(default)]
    pub config_name: Option<String>,
    /// Milliseconds to wait until the server answers (its first flush with the
    /// marker), per start.
    #[serde(default)]
    pub ready_timeout_ms: Option<u64>,
}

/// Where the flushes are observed (at least one).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observe {
    /// The Graphite plaintext listener the runner opens (`127.0.0.1:2003`;
    /// port 0 picks a free port, given to the server as `{graphite_port}`).
    #[serde(default)]
    pub graphite: Option<String>,
    /// A Prometheus text-exposition URL the runner scrapes.
    #[serde(default)]
    pub prometheus: Option<String>,
    /// The labels kept in Prometheus series keys (default: all), so that
    /// templates need not spell out labels that carry no information.
    #[serde(default)]
    pub prometheus_labels: Option<Vec<String>>,
    /// Aggregates (`counter.sum`, `timer.count`, ...) the server exposes as
    /// running totals: the runner grades their increase over a window.
    #[serde(default)]
    pub cumulative: Vec<String>,
}

/// A name rewriting rule: every match of `pattern` is replaced by `replace`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A regular expression (Rust `regex` syntax).
    pub pattern: String,
    /// The replacement (`$1` refers to a group).
    #[serde(default)]
    pub replace: String,
}

/// How the server turns a metric name into the `{name}` of the templates.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Rules applied in order.
    #[serde(default)]
    pub sanitize: Vec<Rule>,
    /// Names longer than this many bytes are cut (after the rules).
    #[serde(default)]
    pub max_len: Option<usize>,
    /// Lower-case the name (ASCII) after the rules.
    #[serde(default)]
    pub lowercase: bool,
    /// Read the name byte by byte (each byte one character, as Latin-1) before
    /// the rules, for servers that rewrite names per byte.
    #[serde(default)]
    pub bytes: bool,
}

/// The templates of one metric type: aggregate name to template (`{name}` is
/// the sanitised name), plus `also`: more names the server writes for the
/// metric, attributed to the case but not graded (a trailing `*` matches any
/// suffix).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Aggregates {
    /// Names written but not graded.
    #[serde(default)]
    pub also: Vec<String>,
    /// Factors the server applies to aggregates (`{ min = 0.001 }` for a
    /// server that writes timers in seconds).
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
    /// Aggregate to template.
    #[serde(flatten)]
    pub templates: BTreeMap<String, String>,
}

/// What the server does with dogstatsd tags. Tags are never part of a
/// flushed name unless a `rename` rule says so: lines that differ in their
/// tags only update one series (the only `identity` so far, `"ignore"`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tags {
    /// `"ignore"`: tags do not tell series apart.
    pub identity: String,
    /// Tags that rename what is flushed for an aggregate.
    #[serde(default)]
    pub rename: Vec<TagRename>,
}

/// A tag whose value changes the flushed name of some aggregates: when a
/// metric's lines carry the tag `key:VALUE` (VALUE not empty; the last one
/// wins), `TYPE.AGGREGATE` is flushed under `template`, where `{name}` is the
/// sanitised name and `{value}` the tag's value.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRename {
    /// The tag key (case-sensitive).
    pub key: String,
    /// `TYPE.AGGREGATE` (`counter.sum`) to the template used instead.
    pub templates: BTreeMap<String, String>,
}

/// Per-case isolation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Isolation {
    /// Windows a name rests after it was used before another case may use it
    /// (a server that keeps a gauge one more flush needs 1).
    #[serde(default)]
    pub cooldown_windows: usize,
    /// The server keeps metrics forever: a name is used once per server
    /// start, and the server is restarted when every remaining case needs a
    /// used name (needs `[server]`).
    #[serde(default)]
    pub persistent: bool,
    /// Cases sent per flush window at most.
    #[serde(default = "default_window")]
    pub window_cases: usize,
    /// Milliseconds to wait for the marker of a window (default: 4 flush
    /// intervals + 2 s).
    #[serde(default)]
    pub window_timeout_ms: Option<u64>,
    /// Milliseconds of quiet after the marker before a window is closed
    /// (Graphite), or before the scrape that closes it (Prometheus); default:
    /// a quarter flush interval, 20-250 ms.
    #[serde(default)]
    pub settle_ms: Option<u64>,
    /// The server keeps gauges (a delta applies to the value the gauge had
    /// before the case, read from the previous observation) instead of
    /// dropping them between windows.
    #[serde(default)]
    pub gauges_persist: bool,
    /// When the rejected-line counter moved in a window of several cases,
    /// run it again in halves until each rejection is attributed to one case
    /// (default `true`; only with `rejected_counter`).
    #[serde(default = "yes")]
    pub split_rejected: bool,
    /// Milliseconds between the last case of a window and its marker, for
    /// servers that handle datagrams on several threads (default 0).
    #[serde(default)]
    pub marker_delay_ms: u64,
    /// Send the cases of a window this many milliseconds apart (default 0).
    #[serde(default)]
    pub send_gap_ms: u64,
}

impl Default for Isolation {
    fn default() -> Self {
        Isolation {
            cooldown_windows: 0,
            persistent: false,
            window_cases: default_window(),
            window_timeout_ms: None,
            settle_ms: None,
            gauges_persist: false,
            split_rejected: true,
            marker_delay_ms: 0,
            send_gap_ms: 0,
        }
    }
}

fn yes() -> bool {
    true
}

fn default_window() -> usize {
    64
}

/// A profile checked and compiled.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The profile as read.
    pub profile: Profile,
    /// The profile file's directory.
    pub dir: PathBuf,
    /// The sanitising rules.
    pub rules: Vec<(Regex, String)>,
    /// The ignore patterns.
    pub ignore: Vec<Regex>,
}

impl Compiled {
    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Compiled, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Compiled::parse(&text, dir).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks a profile's text.
    pub fn parse(text: &str, dir: PathBuf) -> Result<Compiled, String> {
        let profile: Profile = toml::from_str(text).map_err(|e| e.to_string())?;
        if profile.flush_interval_ms == 0 {
            return Err("flush_interval_ms must be positive".into());
        }
        if profile.observe.graphite.is_none() && profile.observe.prometheus.is_none() {
            return Err("[observe] needs graphite or prometheus".into());
        }
        for (ty, aggs) in &profile.metrics {
            let Some((_, allowed)) = TYPES.iter().find(|(t, _)| t == ty) else {
                return Err(format!(
                    "[metrics.{ty}]: unknown type (types: {})",
                    TYPES.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ")
                ));
            };
            for (agg, f) in &aggs.scale {
                if !allowed.contains(&agg.as_str()) || !f.is_finite() {
                    return Err(format!(
                        "[metrics.{ty}] scale.{agg}: not an aggregate of {ty}, or not a finite number"
                    ));
                }
            }
            for (agg, template) in &aggs.templates {
                if !allowed.contains(&agg.as_str()) {
                    return Err(format!(
                        "[metrics.{ty}] {agg}: unknown aggregate (for {ty}: {}, also)",
                        allowed.join(", ")
                    ));
                }
                if !template.contains("{name}") {
                    return Err(format!(
                        "[metrics.{ty}] {agg}: the template has no {{name}}"
                    ));
                }
            }
        }
        let (mty, magg) = match profile.marker_type.as_deref().unwrap_or("gauge") {
            "gauge" => ("gauge", "value"),
            "timer" => ("timer", "max"),
            "counter" => ("counter", "sum"),
            other => {
                return Err(format!(
                    "marker_type {other:?}: expected gauge, timer or counter"
                ));
            }
        };
        if !profile
            .metrics
            .get(mty)
            .is_some_and(|a| a.templates.contains_key(magg))
        {
            return Err(format!(
                "[metrics.{mty}] {magg} is needed (the marker is a {mty})"
            ));
        }
        for c in &profile.observe.cumulative {
            let ok = c
                .split_once('.')
                .is_some_and(|(t, a)| TYPES.iter().any(|(ty, aggs)| *ty == t && aggs.contains(&a)));
            if !ok {
                return Err(format!(
                    "[observe] cumulative: {c:?} is not TYPE.AGGREGATE (counter.sum, timer.count, ...)"
                ));
            }
        }
        if let Some(tags) = &profile.tags {
            if tags.identity != "ignore" {
                return Err(format!(
                    "[tags] identity {:?}: only \"ignore\" is supported",
                    tags.identity
                ));
            }
            for r in &tags.rename {
                for (ta, t) in &r.templates {
                    let ok = ta.split_once('.').is_some_and(|(t, a)| {
                        TYPES.iter().any(|(ty, aggs)| *ty == t && aggs.contains(&a))
                    });
                    if !ok || !t.contains("{name}") || !t.contains("{value}") {
                        return Err(format!(
                            "[tags] rename {:?}: {ta:?} must be TYPE.AGGREGATE and its template hold {{name}} and {{value}}",
                            r.key
                        ));
                    }
                }
            }
        }
        if profile.isolation.window_cases == 0 {
            return Err("[isolation] window_cases must be at least 1".into());
        }
        if profile.isolation.persistent && profile.server.is_none() {
            return Err("[isolation] persistent needs [server] (the runner restarts it)".into());
        }
        let rules = profile
            .names
            .sanitize
            .iter()
            .map(|r| {
                Regex::new(&r.pattern)
                    .map(|re| (re, r.replace.clone()))
                    .map_err(|e| format!("[names] sanitize {:?}: {e}", r.pattern))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ignore = profile
            .ignore
            .iter()
            .map(|p| Regex::new(p).map_err(|e| format!("ignore {p:?}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let c = Compiled {
            profile,
            dir,
            rules,
            ignore,
        };
        let marker = c.marker();
        if c.sanitize(marker.as_bytes()) != marker {
            return Err(format!(
                "the marker name {marker:?} is changed by [names] sanitize: set `marker`"
            ));
        }
        Ok(c)
    }

    /// The marker metric's name.
    pub fn marker(&self) -> String {
        self.profile
            .marker
            .clone()
            .unwrap_or_else(|| "statsdconformancemarker".into())
    }

    /// The marker's type, the aggregate that carries the window number, and
    /// the StatsD type letter.
    pub fn marker_kind(&self) -> (&'static str, &'static str, &'static str) {
        match self.profile.marker_type.as_deref() {
            Some("timer") => ("timer", "max", "ms"),
            Some("counter") => ("counter", "sum", "c"),
            _ => ("gauge", "value", "g"),
        }
    }

    /// A metric name as the server writes it into `{name}`.
    pub fn sanitize(&self, raw: &[u8]) -> String {
        let mut name = if self.profile.names.bytes {
            raw.iter().map(|&b| char::from(b)).collect()
        } else {
            String::from_utf8_lossy(raw).into_owned()
        };
        for (re, rep) in &self.rules {
            name = re.replace_all(&name, rep.as_str()).into_owned();
        }
        if self.profile.names.lowercase {
            name.make_ascii_lowercase();
        }
        if let Some(max) = self.profile.names.max_len {
            if name.len() > max {
                let mut cut = max;
                while !name.is_char_boundary(cut) {
                    cut -= 1;
                }
                name.truncate(cut);
            }
        }
        name
    }

    /// The flushed name of `ty`'s aggregate `agg` for the sanitised `name`.
    pub fn flushed(&self, ty: &str, agg: &str, name: &str) -> Option<String> {
        self.profile
            .metrics
            .get(ty)?
            .templates
            .get(agg)
            .map(|t| t.replace("{name}", name))
    }

    /// The factor the server applies to `ty`'s aggregate `agg` (default 1).
    pub fn scale(&self, ty: &str, agg: &str) -> f64 {
        self.profile
            .metrics
            .get(ty)
            .and_then(|a| a.scale.get(agg))
            .copied()
            .unwrap_or(1.0)
    }

    /// Every name (exact) and prefix (from `also` templates ending in `*`)
    /// the server may write for the sanitised `name`, over every type.
    pub fn all_names(&self, name: &str) -> (Vec<String>, Vec<String>) {
        let mut exact = Vec::new();
        let mut prefixes = Vec::new();
        for aggs in self.profile.metrics.values() {
            for t in aggs.templates.values() {
                exact.push(t.replace("{name}", name));
            }
            for t in &aggs.also {
                let t = t.replace("{name}", name);
                match t.strip_suffix('*') {
                    Some(p) => prefixes.push(p.to_string()),
                    None => exact.push(t),
                }
            }
        }
        // A tag-renamed aggregate: everything before its `{value}`.
        for r in self.profile.tags.iter().flat_map(|t| &t.rename) {
            for t in r.templates.values() {
                let t = t.replace("{name}", name);
                if let Some((p, _)) = t.split_once("{value}") {
                    prefixes.push(p.to_string());
                }
            }
        }
        (exact, prefixes)
    }

    /// The flushed name of `ty`'s aggregate `agg` for the sanitised `name`,
    /// given the metric's tags (pairs as in the vectors): a `[tags] rename`
    /// rule may give another name.
    pub fn flushed_tagged(
        &self,
        ty: &str,
        agg: &str,
        name: &str,
        tags: &[(String, Option<String>)],
    ) -> Option<String> {
        let key = format!("{ty}.{agg}");
        for r in self.profile.tags.iter().flat_map(|t| &t.rename) {
            let Some(template) = r.templates.get(&key) else {
                continue;
            };
            let value = tags
                .iter()
                .rev()
                .find(|(k, v)| *k == r.key && v.as_deref().is_some_and(|v| !v.is_empty()))
                .and_then(|(_, v)| v.as_deref());
            if let Some(value) = value {
                return Some(template.replace("{name}", name).replace("{value}", value));
            }
        }
        self.flushed(ty, agg, name)
    }

    /// The names (exact) and prefixes that `ty`'s `also` templates give for
    /// the sanitised `name`: written for such a metric, never graded.
    pub fn also_names(&self, ty: &str, name: &str) -> (Vec<String>, Vec<String>) {
        let mut exact = Vec::new();
        let mut prefixes = Vec::new();
        for t in self
            .profile
            .metrics
            .get(ty)
            .map_or(&[][..], |a| &a.also[..])
        {
            let t = t.replace("{name}", name);
            match t.strip_suffix('*') {
                Some(p) => prefixes.push(p.to_string()),
                None => exact.push(t),
            }
        }
        (exact, prefixes)
    }

    /// Whether the aggregate is graded as an increase.
    pub fn is_cumulative(&self, ty: &str, agg: &str) -> bool {
        self.profile
            .observe
            .cumulative
            .iter()
            .any(|c| c.split_once('.') == Some((ty, agg)))
    }

    /// Whether a flushed name is the server's own (ignored).
    pub fn is_ignored(&self, flushed: &str) -> bool {
        self.ignore.iter().any(|re| re.is_match(flushed))
            || self.profile.rejected_counter.as_deref() == Some(flushed)
    }

    /// The relative tolerance of value comparisons.
    pub fn tolerance(&self) -> f64 {
        self.profile
            .tolerance
            .filter(|t| t.is_finite() && *t >= 0.0)
            .unwrap_or(1e-9)
    }

    /// Milliseconds to wait for a window's marker.
    pub fn window_timeout_ms(&self) -> u64 {
        self.profile
            .isolation
            .window_timeout_ms
            .unwrap_or(self.profile.flush_interval_ms.saturating_mul(4) + 2000)
    }

    /// Milliseconds of quiet after the marker.
    pub fn settle_ms(&self) -> u64 {
        self.profile
            .isolation
            .settle_ms
            .unwrap_or((self.profile.flush_interval_ms / 4).clamp(20, 250))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETSYISH: &str = r#"
name = "x"
flush_interval_ms = 100
[observe]
graphite = "127.0.0.1:0"
[names]
sanitize = [{ pattern = '\s+', replace = "_" }, { pattern = '[^a-zA-Z_\-0-9\.]', replace = "" }]
[metrics.counter]
sum = "stats_counts.{name}"
also = ["stats.counters.{name}.*"]
[metrics.gauge]
value = "stats.gauges.{name}"
"#;

    #[test]
    fn parses_and_names() {
        let c = Compiled::parse(ETSYISH, PathBuf::from(".")).unwrap();
        assert_eq!(c.sanitize(b"a b/c\xff"), "a_bc");
        assert_eq!(
            c.flushed("counter", "sum", "a").as_deref(),
            Some("stats_counts.a")
        );
        assert_eq!(c.flushed("timer", "sum", "a"), None);
        let (exact, prefixes) = c.all_names("a");
        assert!(exact.contains(&"stats.gauges.a".to_string()));
        assert_eq!(prefixes, vec!["stats.counters.a.".to_string()]);
    }

    #[test]
    fn rejects_bad_profiles() {
        let bad = [
            ETSYISH.replace("flush_interval_ms = 100", "flush_interval_ms = 0"),
            ETSYISH.replace("sum = \"stats_counts.{name}\"", "total = \"x.{name}\""),
            ETSYISH.replace("value = \"stats.gauges.{name}\"", "value = \"g\""),
            ETSYISH.replace("[metrics.counter]", "[metrics.countr]"),
            ETSYISH.replace("graphite = \"127.0.0.1:0\"", ""),
            format!("bogus = 1\n{ETSYISH}"),
            format!("marker = \"a b\"\n{ETSYISH}"),
            format!("{ETSYISH}[tags]\nidentity = \"labels\"\n"),
            format!(
                "{ETSYISH}[tags]\nidentity = \"ignore\"\n[[tags.rename]]\nkey = \"n\"\ntemplates = {{ \"counter.sum\" = \"x.{{name}}\" }}\n"
            ),
            format!(
                "{ETSYISH}[tags]\nidentity = \"ignore\"\n[[tags.rename]]\nkey = \"n\"\ntemplates = {{ \"counter.total\" = \"x.{{name}}.{{value}}\" }}\n"
            ),
        ];
        for text in bad {
            assert!(
                Compiled::parse(&text, PathBuf::from(".")).is_err(),
                "{text}"
            );
        }
    }
}
