//! The golden vectors of `spec-vectors/`: their data model, loading (embedded at
//! build time or from a directory) and the lint that keeps them honest.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use statsd_wire_protocol::{JsonMessage, JsonMetric, LineResult, adapter, hex_decode};

use crate::compare;

/// The suite name every vector file carries.
pub const SUITE_NAME: &str = "statsd-spec-vectors";

/// The verdict of a case for one dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// Must be accepted.
    #[serde(rename = "y")]
    Accept,
    /// Must be rejected (at least one line).
    #[serde(rename = "n")]
    Reject,
    /// Implementation-defined: reported, not graded (except for the reference).
    #[serde(rename = "i")]
    ImplDefined,
}

impl Verdict {
    /// `"y"`, `"n"` or `"i"`.
    pub fn letter(self) -> &'static str {
        match self {
            Verdict::Accept => "y",
            Verdict::Reject => "n",
            Verdict::ImplDefined => "i",
        }
    }
}

/// What a decode case expects in one dialect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// `y`, `n` or `i`.
    pub verdict: Verdict,
    /// One result per line after the dialect's framing (for `i`: what the
    /// reference implementation does).
    #[serde(default)]
    pub lines: Vec<LineResult>,
    /// For `y`: the canonical encoding of the metrics, joined by `"\n"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
}

/// One decode case of `spec-vectors/vectors/<group>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// `group/slug`, unique.
    pub id: String,
    /// What the case pins down.
    #[serde(default)]
    pub description: String,
    /// Provenance (`{"doc", "section"?}` or similar).
    #[serde(default)]
    pub source: Value,
    /// Keys into `flags.json`.
    #[serde(default)]
    pub flags: Vec<String>,
    /// The datagram, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The datagram in hex, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hex: Option<String>,
    /// Dialect (or `"*"`) to outcome.
    pub expect: BTreeMap<String, Outcome>,
}

impl Case {
    /// The datagram's bytes (empty if `input_hex` is not hex: the lint reports it).
    pub fn bytes(&self) -> Vec<u8> {
        match (&self.input, &self.input_hex) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(hex)) => hex_decode(hex).unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }

    /// The outcome for `dialect`: its own entry, else `"*"`.
    pub fn outcome(&self, dialect: &str) -> Option<&Outcome> {
        self.expect.get(dialect).or_else(|| self.expect.get("*"))
    }

    /// The input as a JSON value for reports: `{"input": ...}` or
    /// `{"input_hex": ...}`.
    pub fn input_json(&self) -> Value {
        match (&self.input, &self.input_hex) {
            (Some(text), _) => serde_json::json!({ "input": text }),
            (None, Some(hex)) => serde_json::json!({ "input_hex": hex }),
            (None, None) => serde_json::json!({ "input": "" }),
        }
    }
}

/// A file of the suite: one group of cases (`C` is [`Case`] in
/// `spec-vectors/vectors/`, [`EncoderCase`] in `spec-vectors/encoder/`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupFile<C> {
    /// The JSON Schema of the file.
    #[serde(rename = "$schema", default)]
    pub schema: String,
    /// Always [`SUITE_NAME`].
    #[serde(default)]
    pub suite: String,
    /// The suite version the file belongs to.
    #[serde(default)]
    pub suite_version: String,
    /// The group: the file stem and the prefix of every id.
    pub group: String,
    /// Prose.
    #[serde(default)]
    pub header: Vec<String>,
    /// The cases.
    pub cases: Vec<C>,
}

/// A file of `spec-vectors/vectors/`.
pub type VectorFile = GroupFile<Case>;

/// What an encoder case expects in one dialect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodeOutcome {
    /// `y` (must encode to `output`) or `n` (must refuse: exit 1).
    pub verdict: Verdict,
    /// For `y`: the exact datagram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// One case of `spec-vectors/encoder/<group>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EncoderCase {
    /// `group/slug`, unique.
    pub id: String,
    /// What the case pins down.
    #[serde(default)]
    pub description: String,
    /// Provenance.
    #[serde(default)]
    pub source: Value,
    /// Keys into `flags.json`.
    #[serde(default)]
    pub flags: Vec<String>,
    /// The metrics to encode (the version 1 request body).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<JsonMetric>,
    /// The messages to encode (the version 2 request body, instead of
    /// `metrics`): metrics, events and service checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<JsonMessage>>,
    /// Dialect (or `"*"`) to outcome.
    pub expect: BTreeMap<String, EncodeOutcome>,
}

impl EncoderCase {
    /// What to encode: `messages`, else `metrics` as metric messages.
    pub fn messages(&self) -> Vec<JsonMessage> {
        match &self.messages {
            Some(messages) => messages.clone(),
            None => self
                .metrics
                .iter()
                .cloned()
                .map(JsonMessage::Metric)
                .collect(),
        }
    }

    /// The outcome for `dialect`: its own entry, else `"*"`.
    pub fn outcome(&self, dialect: &str) -> Option<&EncodeOutcome> {
        self.expect.get(dialect).or_else(|| self.expect.get("*"))
    }
}

/// A file of `spec-vectors/encoder/`.
pub type EncoderFile = GroupFile<EncoderCase>;

/// An entry of `errors.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorClass {
    /// The class id.
    pub class: String,
    /// What it means.
    #[serde(default)]
    pub description: String,
    /// Where its offset points.
    #[serde(default)]
    pub offset: Value,
}

/// An entry of `dialects.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialectInfo {
    /// The dialect id (`spec`, `etsy`).
    pub id: String,
    /// A title.
    #[serde(default)]
    pub title: String,
    /// What it is.
    #[serde(default)]
    pub description: String,
    /// Its sources.
    #[serde(default)]
    pub sources: Value,
}

/// An entry of `flags.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagInfo {
    /// What the flag marks.
    #[serde(default)]
    pub description: String,
    /// `ambiguity`, `legacy`, `limit`, ...
    #[serde(default)]
    pub kind: String,
}

#[derive(Deserialize)]
struct ErrorsFile {
    classes: Vec<ErrorClass>,
}

#[derive(Deserialize)]
struct DialectsFile {
    dialects: Vec<DialectInfo>,
}

/// A file of the suite could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file, relative to `spec-vectors/`.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

/// The whole suite: vectors, encoder vectors and registries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suite {
    /// The content of `VERSION`.
    pub version: String,
    /// `errors.json`.
    pub errors: Vec<ErrorClass>,
    /// `dialects.json`.
    pub dialects: Vec<DialectInfo>,
    /// `flags.json`.
    pub flags: BTreeMap<String, FlagInfo>,
    /// `vectors/*.json`, in file-name order.
    pub groups: Vec<VectorFile>,
    /// `encoder/*.json`, in file-name order.
    pub encoder: Vec<EncoderFile>,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LoadError> {
    serde_json::from_str(text).map_err(|e| LoadError {
        file: file.to_string(),
        message: e.to_string(),
    })
}

impl Suite {
    /// The suite embedded in this binary at build time (empty if
    /// `spec-vectors/` held nothing then).
    pub fn embedded() -> Result<Suite, LoadError> {
        Suite::from_files(
            embedded::EMBEDDED
                .iter()
                .map(|(name, text)| ((*name).to_string(), (*text).to_string())),
        )
    }

    /// Whether the binary was built with any vector.
    pub fn has_embedded_vectors() -> bool {
        embedded::EMBEDDED
            .iter()
            .any(|(name, _)| name.starts_with("vectors/"))
    }

    /// The suite in directory `dir` (laid out like `spec-vectors/`).
    pub fn from_dir(dir: &Path) -> Result<Suite, LoadError> {
        let mut files = Vec::new();
        for sub in ["vectors", "encoder"] {
            let path = dir.join(sub);
            let Ok(entries) = std::fs::read_dir(&path) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.ends_with(".json"))
                .collect();
            names.sort();
            for name in names {
                let rel = format!("{sub}/{name}");
                let text = std::fs::read_to_string(dir.join(&rel)).map_err(|e| LoadError {
                    file: rel.clone(),
                    message: e.to_string(),
                })?;
                files.push((rel, text));
            }
        }
        for name in ["errors.json", "dialects.json", "flags.json", "VERSION"] {
            if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                files.push((name.to_string(), text));
            }
        }
        if !files.iter().any(|(n, _)| n.starts_with("vectors/")) {
            return Err(LoadError {
                file: dir.join("vectors").display().to_string(),
                message: "no vector files (*.json)".into(),
            });
        }
        Suite::from_files(files)
    }

    /// A suite from `(path relative to spec-vectors/, contents)` pairs.
    pub fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Suite, LoadError> {
        let mut suite = Suite::default();
        for (name, text) in files {
            match name.as_str() {
                "VERSION" => suite.version = text.trim().to_string(),
                "errors.json" => suite.errors = parse::<ErrorsFile>(&name, &text)?.classes,
                "dialects.json" => suite.dialects = parse::<DialectsFile>(&name, &text)?.dialects,
                "flags.json" => suite.flags = parse(&name, &text)?,
                n if n.starts_with("vectors/") => suite.groups.push(parse(&name, &text)?),
                n if n.starts_with("encoder/") => suite.encoder.push(parse(&name, &text)?),
                _ => {}
            }
        }
        if suite.version.is_empty() {
            if let Some(v) = suite.groups.first().map(|g| g.suite_version.clone()) {
                suite.version = v;
            }
        }
        Ok(suite)
    }

    /// The dialect ids of `dialects.json`, in file order.
    pub fn dialect_ids(&self) -> Vec<String> {
        self.dialects.iter().map(|d| d.id.clone()).collect()
    }

    /// Every decode case, in file order.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.groups.iter().flat_map(|g| g.cases.iter())
    }

    /// Every encoder case, in file order.
    pub fn encoder_cases(&self) -> impl Iterator<Item = &EncoderCase> {
        self.encoder.iter().flat_map(|g| g.cases.iter())
    }

    /// Whether the suite pins warnings: some line of some decode outcome has a
    /// `warnings` member. A suite written before warnings existed has none, and
    /// the in-process run does not grade warnings against it (every line would
    /// read "expected none").
    pub fn has_warnings(&self) -> bool {
        self.cases().any(|c| {
            c.expect
                .values()
                .any(|o| o.lines.iter().any(|l| l.warnings.is_some()))
        })
    }

    /// Whether the suite holds no case at all.
    pub fn is_empty(&self) -> bool {
        self.cases().next().is_none() && self.encoder_cases().next().is_none()
    }

    /// The data checks of the vector lint that belong to the Rust side: unique
    /// ids, ids prefixed by their group, inputs present and hex valid, flags
    /// resolved, dialect keys declared, verdicts consistent with their lines,
    /// error classes declared in `errors.json` and equal to
    /// `statsd_wire::ErrorKind::ALL` (a bijection), every `canonical` re-parsed
    /// by the reference decoder to the same metrics. Returns the problems found.
    pub fn lint(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let dialects: BTreeSet<&str> = self.dialects.iter().map(|d| d.id.as_str()).collect();
        let classes: BTreeSet<&str> = self.errors.iter().map(|e| e.class.as_str()).collect();

        if self.version.is_empty() {
            problems.push("VERSION: missing or empty".to_string());
        }
        if dialects.is_empty() {
            problems.push("dialects.json: missing or without dialects".to_string());
        }
        // errors.json == ErrorKind::ALL, exactly.
        let core: BTreeSet<&str> = statsd_wire::ErrorKind::ALL
            .iter()
            .map(|k| k.code())
            .collect();
        if classes.len() != self.errors.len() {
            problems.push("errors.json: a class is listed twice".to_string());
        }
        for c in core.difference(&classes) {
            problems.push(format!(
                "errors.json: statsd_wire::ErrorKind class {c:?} is missing"
            ));
        }
        for c in classes.difference(&core) {
            problems.push(format!(
                "errors.json: class {c:?} is not a statsd_wire::ErrorKind code"
            ));
        }

        let mut seen = BTreeSet::new();
        for group in &self.groups {
            let file = format!("vectors/{}.json", group.group);
            if !group.suite.is_empty() && group.suite != SUITE_NAME {
                problems.push(format!(
                    "{file}: suite is {:?}, not {SUITE_NAME:?}",
                    group.suite
                ));
            }
            if !self.version.is_empty() && group.suite_version != self.version {
                problems.push(format!(
                    "{file}: suite_version {:?} differs from VERSION {:?}",
                    group.suite_version, self.version
                ));
            }
            for case in &group.cases {
                let at = format!("{file}: {}", case.id);
                if !seen.insert(case.id.as_str()) {
                    problems.push(format!("{at}: duplicate id"));
                }
                self.lint_common(&at, &case.id, &group.group, &case.flags, &mut problems);
                match (&case.input, &case.input_hex) {
                    (Some(_), Some(_)) => problems.push(format!("{at}: both input and input_hex")),
                    (None, None) => problems.push(format!("{at}: neither input nor input_hex")),
                    (None, Some(hex)) if hex_decode(hex).is_none() => {
                        problems.push(format!("{at}: input_hex is not hex"));
                    }
                    _ => {}
                }
                if case.expect.is_empty() {
                    problems.push(format!("{at}: empty expect"));
                }
                for (selector, outcome) in &case.expect {
                    let at = format!("{at} [{selector}]");
                    if selector != "*" && !dialects.contains(selector.as_str()) {
                        problems.push(format!("{at}: unknown dialect key"));
                    }
                    self.lint_outcome(&at, case, selector, outcome, &classes, &mut problems);
                }
            }
        }
        let mut seen = BTreeSet::new();
        for group in &self.encoder {
            let file = format!("encoder/{}.json", group.group);
            for case in &group.cases {
                let at = format!("{file}: {}", case.id);
                if !seen.insert(case.id.as_str()) {
                    problems.push(format!("{at}: duplicate id"));
                }
                // Encoder ids live under `encoder/` (or their group).
                let prefix = if case.id.starts_with("encoder/") {
                    "encoder"
                } else {
                    group.group.as_str()
                };
                self.lint_common(&at, &case.id, prefix, &case.flags, &mut problems);
                if case.expect.is_empty() {
                    problems.push(format!("{at}: empty expect"));
                }
                if case.messages.is_some() && !case.metrics.is_empty() {
                    problems.push(format!("{at}: both metrics and messages"));
                }
                for (selector, outcome) in &case.expect {
                    if selector != "*" && !dialects.contains(selector.as_str()) {
                        problems.push(format!("{at} [{selector}]: unknown dialect key"));
                    }
                    match outcome.verdict {
                        Verdict::Accept if outcome.output.is_none() => {
                            problems.push(format!("{at} [{selector}]: verdict y without output"));
                        }
                        Verdict::ImplDefined => {
                            problems
                                .push(format!("{at} [{selector}]: encoder verdicts are y or n"));
                        }
                        _ => {}
                    }
                }
            }
        }
        problems
    }

    fn lint_common(
        &self,
        at: &str,
        id: &str,
        group: &str,
        flags: &[String],
        problems: &mut Vec<String>,
    ) {
        if !id.starts_with(&format!("{group}/")) || id.len() <= group.len() + 1 {
            problems.push(format!("{at}: id is not {group}/<slug>"));
        }
        for flag in flags {
            if !self.flags.contains_key(flag) {
                problems.push(format!("{at}: flag {flag:?} is not in flags.json"));
            }
        }
    }

    fn lint_outcome(
        &self,
        at: &str,
        case: &Case,
        selector: &str,
        outcome: &Outcome,
        classes: &BTreeSet<&str>,
        problems: &mut Vec<String>,
    ) {
        let all_ok = outcome.lines.iter().all(|l| l.ok);
        for (i, line) in outcome.lines.iter().enumerate() {
            if let Some(warnings) = &line.warnings {
                if !line.ok {
                    problems.push(format!("{at}: lines[{i}]: warnings on a rejected line"));
                }
                for w in warnings {
                    if statsd_wire::WarningKind::from_code(&w.class).is_none() {
                        problems.push(format!(
                            "{at}: lines[{i}]: warning class {:?} is not in warnings.json",
                            w.class
                        ));
                    }
                }
            }
            match (line.ok, line.message_count(), &line.error) {
                (true, 1, None) => {}
                (false, 0, Some(error)) => match &error.class {
                    Some(class) if !classes.contains(class.as_str()) => {
                        problems.push(format!(
                            "{at}: lines[{i}]: class {class:?} is not in errors.json"
                        ));
                    }
                    None if outcome.verdict == Verdict::Reject => {
                        problems.push(format!("{at}: lines[{i}]: rejected line without a class"));
                    }
                    _ => {}
                },
                _ => problems.push(format!(
                    "{at}: lines[{i}]: ok must go with one metric, event or service_check, not ok with error"
                )),
            }
        }
        match outcome.verdict {
            Verdict::Accept => {
                if !all_ok {
                    problems.push(format!("{at}: verdict y needs every line ok"));
                }
                match &outcome.canonical {
                    None => problems.push(format!("{at}: verdict y without canonical")),
                    Some(canonical) => {
                        self.lint_canonical(at, case, selector, outcome, canonical, problems);
                    }
                }
            }
            Verdict::Reject => {
                if all_ok {
                    problems.push(format!("{at}: verdict n needs a rejected line"));
                }
                if outcome.canonical.is_some() {
                    problems.push(format!("{at}: canonical only goes with verdict y"));
                }
            }
            Verdict::ImplDefined => {
                if case.flags.is_empty() {
                    problems.push(format!("{at}: verdict i needs a flag saying why"));
                }
                if outcome.canonical.is_some() {
                    problems.push(format!("{at}: canonical only goes with verdict y"));
                }
            }
        }
    }

    fn lint_canonical(
        &self,
        at: &str,
        case: &Case,
        selector: &str,
        outcome: &Outcome,
        canonical: &str,
        problems: &mut Vec<String>,
    ) {
        let dialects: Vec<&str> = if selector == "*" {
            self.dialects
                .iter()
                .map(|d| d.id.as_str())
                .filter(|d| !case.expect.contains_key(*d))
                .collect()
        } else {
            vec![selector]
        };
        for dialect in dialects {
            let Some(config) = adapter::config_for(dialect) else {
                continue;
            };
            let got = adapter::decode(canonical.as_bytes(), &config).lines;
            let issues = compare::lines(
                &outcome.lines,
                &got,
                compare::Grading::FULL,
                &BTreeMap::new(),
            );
            if let Some(issue) = issues.first() {
                problems.push(format!(
                    "{at}: canonical {canonical:?} does not re-parse to the same metrics in {dialect}: {}",
                    issue.message
                ));
            }
        }
    }
}
