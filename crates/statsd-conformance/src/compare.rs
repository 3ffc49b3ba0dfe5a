//! Comparing what an implementation produced with what a vector expects, field
//! by field, with the path of every difference
//! (`lines[1].metric.values[0]: expected "9007199254740993", got "9007199254740992"`).

use std::collections::BTreeMap;

use statsd_wire_protocol::{JsonMetric, LineResult, decimal_eq, hex_decode};

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

/// Which parts of a rejection are graded (the verdict always is).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Grading {
    /// Compare error classes (after the implementation's error map).
    pub classes: bool,
    /// Compare error offsets.
    pub offsets: bool,
}

impl Grading {
    /// Classes and offsets.
    pub const FULL: Grading = Grading {
        classes: true,
        offsets: true,
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
    issues
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
            (true, true) => match (&e.metric, &g.metric) {
                (Some(em), Some(gm)) => issues.extend(metric(&format!("{path}.metric"), em, gm)),
                (Some(_), None) => issues.push(Issue::new(
                    IssueKind::Mismatch,
                    format!("{path}.metric: expected a metric, got none"),
                )),
                _ => {}
            },
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
