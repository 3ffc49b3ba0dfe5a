//! Comparing what an implementation produced with what a vector expects, field
//! by field, with the path of every difference
//! (`lines[1].metric.values[0]: expected "9007199254740993", got "9007199254740992"`).

use std::collections::BTreeMap;

use statsd_wire_protocol::{
    JsonEvent, JsonMessage, JsonMetric, JsonServiceCheck, JsonWarning, LineResult, decimal_eq,
    hex_decode,
};

/// What kind of difference an [`Issue`] is, from the most to the least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IssueKind {
    /// A line that must be accepted was rejected.
    ShouldHaveAccepted,
    /// A line that must be rejected was accepted.
    ShouldHaveRejected,
    /// An accepted line differs in a field (or the line count differs).
    Mismatch,
    /// A rejected line has the wrong error class.
    WrongErrorClass,
    /// A rejected line has the wrong error offset.
    WrongOffset,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Its kind.
    pub kind: IssueKind,
    /// `path: expected X, got Y`.
    pub message: String,
}

impl Issue {
    fn new(kind: IssueKind, message: String) -> Issue {
        Issue { kind, message }
    }
}

/// Which parts of an answer are graded beyond the verdicts and the messages
/// (which always are).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Grading {
    /// Compare error classes (after the implementation's error map).
    pub classes: bool,
    /// Compare error offsets.
    pub offsets: bool,
    /// Compare the warnings of accepted lines (class and offset; absent means
    /// none). Only the reference implementation in process reports warnings:
    /// they are not part of the adapter protocol.
    pub warnings: bool,
}

impl Grading {
    /// Classes and offsets (not warnings).
    pub const FULL: Grading = Grading {
        classes: true,
        offsets: true,
        warnings: false,
    };
}

/// JSON text of a string, for messages.
pub(crate) fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

fn opt_quote(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), quote)
}

/// The bytes of a metric's name (`name` or `name_hex`).
fn name_bytes(m: &JsonMetric) -> Option<Vec<u8>> {
    match (&m.name, &m.name_hex) {
        (Some(n), _) => Some(n.as_bytes().to_vec()),
        (None, Some(h)) => hex_decode(h),
        (None, None) => None,
    }
}

fn name_text(m: &JsonMetric) -> String {
    match (&m.name, &m.name_hex) {
        (Some(n), _) => quote(n),
        (None, Some(h)) => format!("hex {h}"),
        (None, None) => "no name".to_string(),
    }
}

/// Whether two value texts are equal: exact decimals, except set members (and
/// texts that are not numbers), which are compared as strings.
fn value_eq(kind: &str, a: &str, b: &str) -> bool {
    if kind == "set" {
        return a == b;
    }
    decimal_eq(a, b).unwrap_or(a == b)
}

/// The differences between an expected and a produced metric, under `path`.
pub fn metric(path: &str, expected: &JsonMetric, got: &JsonMetric) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut mismatch = |field: String, e: String, g: String| {
        issues.push(Issue::new(
            IssueKind::Mismatch,
            format!("{path}.{field}: expected {e}, got {g}"),
        ));
    };
    if name_bytes(expected) != name_bytes(got) {
        mismatch("name".into(), name_text(expected), name_text(got));
    }
    if expected.kind != got.kind {
        mismatch("type".into(), quote(&expected.kind), quote(&got.kind));
    }
    if expected.values.len() == got.values.len() {
        for (i, (e, g)) in expected.values.iter().zip(&got.values).enumerate() {
            if !value_eq(&expected.kind, e, g) {
                mismatch(format!("values[{i}]"), quote(e), quote(g));
            }
        }
    } else {
        mismatch(
            "values".into(),
            serde_json::to_string(&expected.values).unwrap_or_default(),
            serde_json::to_string(&got.values).unwrap_or_default(),
        );
    }
    let rate_equal = match (&expected.sample_rate, &got.sample_rate) {
        (None, None) => true,
        (Some(e), Some(g)) => decimal_eq(e, g).unwrap_or(e == g),
        _ => false,
    };
    if !rate_equal {
        mismatch(
            "sample_rate".into(),
            opt_quote(expected.sample_rate.as_deref()),
            opt_quote(got.sample_rate.as_deref()),
        );
    }
    if expected.delta != got.delta {
        mismatch(
            "delta".into(),
            expected.delta.to_string(),
            got.delta.to_string(),
        );
    }
    if expected.tags != got.tags {
        let json = |t: &Option<Vec<(String, Option<String>)>>| {
            serde_json::to_string(t).unwrap_or_default()
        };
        mismatch("tags".into(), json(&expected.tags), json(&got.tags));
    }
    if !number_eq(expected.timestamp.as_deref(), got.timestamp.as_deref()) {
        mismatch(
            "timestamp".into(),
            opt_quote(expected.timestamp.as_deref()),
            opt_quote(got.timestamp.as_deref()),
        );
    }
    for (field, e, g) in [
        ("container_id", &expected.container_id, &got.container_id),
        ("external_data", &expected.external_data, &got.external_data),
        ("cardinality", &expected.cardinality, &got.cardinality),
    ] {
        if e != g {
            mismatch(
                field.into(),
                opt_quote(e.as_deref()),
                opt_quote(g.as_deref()),
            );
        }
    }
    issues
}

/// Two optional decimal texts: equal as exact decimals (or as strings when
/// they are not numbers).
fn number_eq(e: Option<&str>, g: Option<&str>) -> bool {
    match (e, g) {
        (None, None) => true,
        (Some(e), Some(g)) => decimal_eq(e, g).unwrap_or(e == g),
        _ => false,
    }
}

/// A text member that may come as UTF-8 or hex, as bytes.
fn text_bytes(text: Option<&String>, hex: Option<&String>) -> Option<Vec<u8>> {
    match (text, hex) {
        (Some(t), _) => Some(t.as_bytes().to_vec()),
        (None, Some(h)) => hex_decode(h),
        (None, None) => None,
    }
}

fn text_shown(text: Option<&String>, hex: Option<&String>) -> String {
    match (text, hex) {
        (Some(t), _) => quote(t),
        (None, Some(h)) => format!("hex {h}"),
        (None, None) => "null".to_string(),
    }
}

/// A text member given as text or hex, `(text, hex)`: a mismatch when the bytes
/// differ.
fn text_member(
    path: &str,
    field: &str,
    expected: (Option<&String>, Option<&String>),
    got: (Option<&String>, Option<&String>),
    issues: &mut Vec<Issue>,
) {
    if text_bytes(expected.0, expected.1) != text_bytes(got.0, got.1) {
        issues.push(Issue::new(
            IssueKind::Mismatch,
            format!(
                "{path}.{field}: expected {}, got {}",
                text_shown(expected.0, expected.1),
                text_shown(got.0, got.1)
            ),
        ));
    }
}

type Tags = Option<Vec<(String, Option<String>)>>;

/// The members every event and service check compares the same way.
struct Members<'a> {
    timestamp: Option<&'a str>,
    strings: Vec<(&'static str, Option<&'a str>)>,
    tags: &'a Tags,
}

impl<'a> Members<'a> {
    fn of_event(e: &'a JsonEvent) -> Self {
        Members {
            timestamp: e.timestamp.as_deref(),
            strings: vec![
                ("hostname", e.hostname.as_deref()),
                ("aggregation_key", e.aggregation_key.as_deref()),
                ("priority", e.priority.as_deref()),
                ("source_type", e.source_type.as_deref()),
                ("alert_type", e.alert_type.as_deref()),
            ],
            tags: &e.tags,
        }
    }

    fn of_service_check(c: &'a JsonServiceCheck) -> Self {
        Members {
            timestamp: c.timestamp.as_deref(),
            strings: vec![
                ("hostname", c.hostname.as_deref()),
                ("message", c.message.as_deref()),
            ],
            tags: &c.tags,
        }
    }
}

fn members(path: &str, expected: &Members<'_>, got: &Members<'_>, issues: &mut Vec<Issue>) {
    let mut mismatch = |field: &str, e: String, g: String| {
        issues.push(Issue::new(
            IssueKind::Mismatch,
            format!("{path}.{field}: expected {e}, got {g}"),
        ));
    };
    if !number_eq(expected.timestamp, got.timestamp) {
        mismatch(
            "timestamp",
            opt_quote(expected.timestamp),
            opt_quote(got.timestamp),
        );
    }
    for ((field, e), (_, g)) in expected.strings.iter().zip(&got.strings) {
        if e != g {
            mismatch(field, opt_quote(*e), opt_quote(*g));
        }
    }
    if expected.tags != got.tags {
        let json = |t: &Tags| serde_json::to_string(t).unwrap_or_default();
        mismatch("tags", json(expected.tags), json(got.tags));
    }
}

/// The differences between an expected and a produced event, under `path`.
pub fn event(path: &str, expected: &JsonEvent, got: &JsonEvent) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (field, e, g) in [
        (
            "title",
            (expected.title.as_ref(), expected.title_hex.as_ref()),
            (got.title.as_ref(), got.title_hex.as_ref()),
        ),
        (
            "text",
            (expected.text.as_ref(), expected.text_hex.as_ref()),
            (got.text.as_ref(), got.text_hex.as_ref()),
        ),
    ] {
        text_member(path, field, e, g, &mut issues);
    }
    members(
        path,
        &Members::of_event(expected),
        &Members::of_event(got),
        &mut issues,
    );
    issues
}

/// The differences between an expected and a produced service check, under
/// `path`.
pub fn service_check(
    path: &str,
    expected: &JsonServiceCheck,
    got: &JsonServiceCheck,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    text_member(
        path,
        "name",
        (expected.name.as_ref(), expected.name_hex.as_ref()),
        (got.name.as_ref(), got.name_hex.as_ref()),
        &mut issues,
    );
    if expected.status != got.status {
        issues.push(Issue::new(
            IssueKind::Mismatch,
            format!(
                "{path}.status: expected {}, got {}",
                quote(&expected.status),
                quote(&got.status)
            ),
        ));
    }
    members(
        path,
        &Members::of_service_check(expected),
        &Members::of_service_check(got),
        &mut issues,
    );
    issues
}

/// The differences between two accepted lines' messages, under `path`
/// (`lines[0]`): a different kind, or the fields of the same kind.
pub fn message(path: &str, expected: &LineResult, got: &LineResult) -> Vec<Issue> {
    match (expected.message(), got.message()) {
        (Some(JsonMessage::Metric(e)), Some(JsonMessage::Metric(g))) => {
            metric(&format!("{path}.metric"), &e, &g)
        }
        (Some(JsonMessage::Event(e)), Some(JsonMessage::Event(g))) => {
            event(&format!("{path}.event"), &e, &g)
        }
        (Some(JsonMessage::ServiceCheck(e)), Some(JsonMessage::ServiceCheck(g))) => {
            service_check(&format!("{path}.service_check"), &e, &g)
        }
        (Some(e), g) => vec![Issue::new(
            IssueKind::Mismatch,
            format!(
                "{path}: expected a{} {}, got {}",
                if e.kind() == "event" { "n" } else { "" },
                e.kind().replace('_', " "),
                g.map_or_else(
                    || "no message".to_string(),
                    |g| format!(
                        "a{} {}",
                        if g.kind() == "event" { "n" } else { "" },
                        g.kind().replace('_', " ")
                    )
                )
            ),
        )],
        (None, _) => Vec::new(),
    }
}

/// The differences between the expected and the produced warnings of an
/// accepted line (absent means none).
fn warnings(path: &str, expected: &LineResult, got: &LineResult) -> Vec<Issue> {
    let none = Vec::new();
    let e: &Vec<JsonWarning> = expected.warnings.as_ref().unwrap_or(&none);
    let g: &Vec<JsonWarning> = got.warnings.as_ref().unwrap_or(&none);
    if e == g {
        return Vec::new();
    }
    let shown = |w: &Vec<JsonWarning>| {
        let items: Vec<String> = w
            .iter()
            .map(|w| format!("{}@{}", w.class, w.offset))
            .collect();
        format!("[{}]", items.join(", "))
    };
    let message = if e.len() == g.len() {
        let (i, (ew, gw)) = e
            .iter()
            .zip(g)
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((0, (&e[0], &g[0])));
        if ew.class == gw.class {
            format!(
                "{path}.warnings[{i}].offset: expected {}, got {}",
                ew.offset, gw.offset
            )
        } else {
            format!(
                "{path}.warnings[{i}].class: expected {}, got {}",
                quote(&ew.class),
                quote(&gw.class)
            )
        }
    } else {
        format!("{path}.warnings: expected {}, got {}", shown(e), shown(g))
    };
    vec![Issue::new(IssueKind::Mismatch, message)]
}

/// The differences between the expected and the produced results of a
/// datagram. `error_map` maps the implementation's error classes onto the
/// suite's before classes are compared.
pub fn lines(
    expected: &[LineResult],
    got: &[LineResult],
    grading: Grading,
    error_map: &BTreeMap<String, String>,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    if expected.len() != got.len() {
        issues.push(Issue::new(
            IssueKind::Mismatch,
            format!(
                "lines: expected {} line results, got {}",
                expected.len(),
                got.len()
            ),
        ));
    }
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        let path = format!("lines[{i}]");
        match (e.ok, g.ok) {
            (true, false) => {
                let why = g
                    .error
                    .as_ref()
                    .map(|err| {
                        let class = err.class.as_deref().unwrap_or("no class");
                        if err.message.is_empty() {
                            class.to_string()
                        } else {
                            format!("{class}: {}", err.message)
                        }
                    })
                    .unwrap_or_else(|| "no error detail".into());
                issues.push(Issue::new(
                    IssueKind::ShouldHaveAccepted,
                    format!("{path}: expected accepted, got rejected ({why})"),
                ));
            }
            (false, true) => {
                let class = e
                    .error
                    .as_ref()
                    .and_then(|err| err.class.as_deref())
                    .unwrap_or("any class");
                issues.push(Issue::new(
                    IssueKind::ShouldHaveRejected,
                    format!("{path}: expected rejected ({class}), got accepted"),
                ));
            }
            (true, true) => {
                issues.extend(message(&path, e, g));
                if grading.warnings {
                    issues.extend(warnings(&path, e, g));
                }
            }
            (false, false) => {
                let (Some(ee), ge) = (&e.error, &g.error) else {
                    continue;
                };
                if grading.classes {
                    if let Some(want) = &ee.class {
                        let have = ge.as_ref().and_then(|x| x.class.as_deref());
                        let mapped = have.map(|c| error_map.get(c).map_or(c, String::as_str));
                        if mapped != Some(want.as_str()) {
                            let shown = match (have, mapped) {
                                (Some(h), Some(m)) if h != m => {
                                    format!("{} (mapped from {})", quote(m), quote(h))
                                }
                                _ => opt_quote(mapped),
                            };
                            issues.push(Issue::new(
                                IssueKind::WrongErrorClass,
                                format!(
                                    "{path}.error.class: expected {}, got {shown}",
                                    quote(want)
                                ),
                            ));
                        }
                    }
                }
                if grading.offsets {
                    if let Some(want) = ee.offset {
                        let have = ge.as_ref().and_then(|x| x.offset);
                        if have != Some(want) {
                            issues.push(Issue::new(
                                IssueKind::WrongOffset,
                                format!(
                                    "{path}.error.offset: expected {want}, got {}",
                                    have.map_or_else(|| "none".into(), |h| h.to_string())
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    issues.sort_by_key(|i| i.kind);
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(json: &str) -> LineResult {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn event_and_service_check_members_are_compared_one_by_one() {
        let e = line(
            r#"{"ok":true,"event":{"title":"t","text":"x","hostname":"h","priority":"low","tags":[["env","prod"]]}}"#,
        );
        let g = line(
            r#"{"ok":true,"event":{"title":"t","text":"y","hostname":"h","alert_type":"error","tags":[["env",null]]}}"#,
        );
        let found: Vec<String> = message("lines[0]", &e, &g)
            .into_iter()
            .map(|i| i.message)
            .collect();
        assert_eq!(
            found,
            [
                r#"lines[0].event.text: expected "x", got "y""#,
                r#"lines[0].event.priority: expected "low", got null"#,
                r#"lines[0].event.alert_type: expected null, got "error""#,
                r#"lines[0].event.tags: expected [["env","prod"]], got [["env",null]]"#,
            ]
        );
        let e = line(r#"{"ok":true,"service_check":{"name":"db","status":"0","message":"m"}}"#);
        let g = line(
            r#"{"ok":true,"service_check":{"name":"db","status":"0","message":"m","timestamp":"5"}}"#,
        );
        let found: Vec<String> = message("lines[0]", &e, &g)
            .into_iter()
            .map(|i| i.message)
            .collect();
        assert_eq!(
            found,
            [r#"lines[0].service_check.timestamp: expected null, got "5""#]
        );
        assert!(message("lines[0]", &e, &e).is_empty());
    }

    #[test]
    fn values_compare_as_exact_decimals() {
        let e = line(
            r#"{"ok":true,"metric":{"name":"a","type":"counter","values":["9007199254740993"]}}"#,
        );
        let g = line(
            r#"{"ok":true,"metric":{"name":"a","type":"counter","values":["9007199254740992"]}}"#,
        );
        let issues = lines(
            std::slice::from_ref(&e),
            &[g],
            Grading::FULL,
            &BTreeMap::new(),
        );
        assert_eq!(
            issues[0].message,
            r#"lines[0].metric.values[0]: expected "9007199254740993", got "9007199254740992""#
        );
        let g = line(
            r#"{"ok":true,"metric":{"name":"a","type":"counter","values":["9.007199254740993e15"]}}"#,
        );
        assert!(lines(&[e], &[g], Grading::FULL, &BTreeMap::new()).is_empty());
    }

    #[test]
    fn set_members_compare_as_strings() {
        let e = line(r#"{"ok":true,"metric":{"name":"a","type":"set","values":["1.0"]}}"#);
        let g = line(r#"{"ok":true,"metric":{"name":"a","type":"set","values":["1"]}}"#);
        assert_eq!(lines(&[e], &[g], Grading::FULL, &BTreeMap::new()).len(), 1);
    }

    #[test]
    fn error_classes_are_mapped() {
        let e = line(r#"{"ok":false,"error":{"class":"unknown_type","offset":4}}"#);
        let g = line(r#"{"ok":false,"error":{"class":"BAD_TYPE","offset":3}}"#);
        let map = BTreeMap::from([("BAD_TYPE".to_string(), "unknown_type".to_string())]);
        let issues = lines(
            std::slice::from_ref(&e),
            std::slice::from_ref(&g),
            Grading::FULL,
            &map,
        );
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::WrongOffset);
        let issues = lines(
            std::slice::from_ref(&e),
            std::slice::from_ref(&g),
            Grading::FULL,
            &BTreeMap::new(),
        );
        assert_eq!(issues[0].kind, IssueKind::WrongErrorClass);
        assert!(lines(&[e], &[g], Grading::default(), &BTreeMap::new()).is_empty());
    }
}
