//! What a server that follows a case's expected outcome flushes, per the
//! profile, and the grading of an observation against it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use statsd_wire_protocol::{JsonMetric, hex_decode};

use super::profile::Compiled;
use crate::report::Status;
use crate::vectors::{Outcome, Verdict};

/// One expected flushed value.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpValue {
    /// The metric type (`counter`, `timer`, ...).
    pub ty: String,
    /// The aggregate (`sum`, `count`, `min`, `max`, `value`).
    pub agg: String,
    /// The sanitised metric name (`{name}`).
    pub base: String,
    /// The value.
    pub value: f64,
}

/// The expected observation of a case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expected {
    /// Flushed name to value.
    pub values: BTreeMap<String, ExpValue>,
    /// Metrics the profile cannot express (a type without `[metrics.TYPE]`).
    pub unmapped: Vec<String>,
}

#[derive(Default)]
struct Acc {
    sum: f64,
    count: f64,
    min: f64,
    max: f64,
    gauge: Option<f64>,
    members: BTreeSet<String>,
    seen: bool,
    /// The tags of the metric's lines, in order (for `[tags] rename`).
    tags: Vec<(String, Option<String>)>,
}

fn num(s: &str) -> f64 {
    s.trim().parse::<f64>().unwrap_or(f64::NAN)
}

fn metric_name(m: &JsonMetric) -> Vec<u8> {
    match (&m.name, &m.name_hex) {
        (Some(n), _) => n.as_bytes().to_vec(),
        (None, Some(h)) => hex_decode(h).unwrap_or_default(),
        (None, None) => Vec::new(),
    }
}

/// The type name the profile uses for a protocol type.
fn profile_type(kind: &str) -> &str {
    match kind {
        "c" => "counter",
        "g" => "gauge",
        "ms" => "timer",
        "h" => "histogram",
        "m" => "meter",
        "s" => "set",
        other => other,
    }
}

/// The expected observation of `outcome` (its accepted lines, applied in
/// order to a server that has no state for their names).
pub fn expected(outcome: &Outcome, profile: &Compiled) -> Expected {
    expected_from(outcome, profile, &BTreeMap::new())
}

/// [`expected`] for a server that already holds gauges: `start` maps a
/// gauge's flushed name to its flushed value before the case; a delta
/// applies to it.
pub fn expected_from(
    outcome: &Outcome,
    profile: &Compiled,
    start: &BTreeMap<String, f64>,
) -> Expected {
    let mut accs: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for line in &outcome.lines {
        let Some(m) = line.metric.as_ref().filter(|_| line.ok) else {
            continue;
        };
        let ty = profile_type(&m.kind).to_string();
        let raw = metric_name(m);
        if !profile.profile.metrics.contains_key(&ty) {
            unmapped.push(format!(
                "{} {:?}: the profile has no [metrics.{ty}] (the server does not flush this type)",
                ty,
                String::from_utf8_lossy(&raw)
            ));
            continue;
        }
        if m.tags.is_some() && profile.profile.tags.is_none() {
            unmapped.push(format!(
                "{} {:?}: the line has tags and the profile has no [tags] (what the server does with tags is not known)",
                ty,
                String::from_utf8_lossy(&raw)
            ));
            continue;
        }
        let name = profile.sanitize(&raw);
        let acc_key = (ty.clone(), name.clone());
        let rate = m.sample_rate.as_deref().map_or(1.0, num);
        let acc = accs.entry(acc_key).or_default();
        acc.tags.extend(m.tags.iter().flatten().cloned());
        for v in &m.values {
            match ty.as_str() {
                "counter" | "meter" => acc.sum += num(v) / rate,
                "gauge" => {
                    let x = num(v);
                    let held = || {
                        profile
                            .flushed("gauge", "value", &name)
                            .and_then(|f| start.get(&f).copied())
                            .map_or(0.0, |b| b / profile.scale("gauge", "value"))
                    };
                    acc.gauge = Some(if m.delta {
                        acc.gauge.unwrap_or_else(held) + x
                    } else {
                        x
                    });
                }
                "timer" | "histogram" | "distribution" => {
                    let x = num(v);
                    if !acc.seen {
                        acc.min = x;
                        acc.max = x;
                    } else {
                        acc.min = acc.min.min(x);
                        acc.max = acc.max.max(x);
                    }
                    acc.count += 1.0 / rate;
                    acc.sum += x;
                    acc.seen = true;
                }
                "set" => {
                    acc.members.insert(v.clone());
                }
                _ => {}
            }
        }
        if m.values.is_empty() && ty == "counter" {
            // A metric with no value still exists (`+0`-like).
            acc.seen = true;
        }
    }
    let mut values = BTreeMap::new();
    for ((ty, name), acc) in accs {
        let aggs: Vec<(&str, Option<f64>)> = match ty.as_str() {
            "counter" | "meter" => vec![("sum", Some(acc.sum))],
            "gauge" => vec![("value", acc.gauge)],
            "timer" | "histogram" | "distribution" if acc.seen => vec![
                ("count", Some(acc.count)),
                ("min", Some(acc.min)),
                ("max", Some(acc.max)),
                ("sum", Some(acc.sum)),
            ],
            "set" => vec![("count", Some(acc.members.len() as f64))],
            _ => vec![],
        };
        for (agg, v) in aggs {
            if let (Some(v), Some(flushed)) =
                (v, profile.flushed_tagged(&ty, agg, &name, &acc.tags))
            {
                values.insert(
                    flushed,
                    ExpValue {
                        ty: ty.clone(),
                        agg: agg.to_string(),
                        base: name.clone(),
                        value: v * profile.scale(&ty, agg),
                    },
                );
            }
        }
    }
    Expected { values, unmapped }
}

/// Whether two flushed values agree within the relative tolerance.
pub fn same(a: f64, b: f64, tolerance: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= tolerance * a.abs().max(b.abs()) || a == b
}

/// Combines the values observed for one name over several flushes, as its
/// aggregate combines (sums add, min/max, a gauge's last value).
pub fn combine(agg: Option<&str>, values: &[f64]) -> f64 {
    match agg {
        Some("sum" | "count") => values.iter().sum(),
        Some("min") => values.iter().copied().fold(f64::INFINITY, f64::min),
        Some("max") => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        _ => values.last().copied().unwrap_or(f64::NAN),
    }
}

/// Shows a number like the servers do (`1`, `0.5`, `inf`).
pub fn show(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v}")
    }
}

/// The expectation as JSON for reports.
pub fn expected_json(e: &Expected) -> Value {
    let values: serde_json::Map<String, Value> = e
        .values
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(show(v.value))))
        .collect();
    let mut j = json!({ "flushed": values });
    if !e.unmapped.is_empty() {
        j["unmapped"] = json!(e.unmapped);
    }
    j
}

/// Grades an observation (flushed name to combined value, for this case
/// only) against the expectation.
pub fn grade(
    verdict: Verdict,
    e: &Expected,
    observed: &BTreeMap<String, f64>,
    tolerance: f64,
) -> (Status, String) {
    let mut diffs = Vec::new();
    for (name, want) in &e.values {
        match observed.get(name) {
            None => diffs.push(format!(
                "{name}: expected {}, not flushed",
                show(want.value)
            )),
            Some(got) if !same(want.value, *got, tolerance) => diffs.push(format!(
                "{name}: expected {}, got {}",
                show(want.value),
                show(*got)
            )),
            Some(_) => {}
        }
    }
    let extra: Vec<String> = observed
        .iter()
        .filter(|(k, _)| !e.values.contains_key(*k))
        .map(|(k, v)| format!("{k}={}", show(*v)))
        .collect();
    if !extra.is_empty() {
        diffs.push(format!("unexpected: {}", extra.join(", ")));
    }
    diffs.extend(e.unmapped.iter().cloned());
    let detail = diffs.join("; ");
    let expects_effect = !e.values.is_empty() || !e.unmapped.is_empty();
    // Nothing unexpected flushed, and every flushed value is the expected one:
    // what differs is only what is missing.
    let only_missing = extra.is_empty()
        && observed.iter().all(|(k, v)| {
            e.values
                .get(k)
                .is_some_and(|x| same(x.value, *v, tolerance))
        });
    match verdict {
        Verdict::ImplDefined => {
            let status = if observed.is_empty() {
                Status::ImplReject
            } else {
                Status::ImplAccept
            };
            let detail = if diffs.is_empty() {
                "as the reference".into()
            } else {
                format!("differs from the reference: {detail}")
            };
            (status, detail)
        }
        _ if diffs.is_empty() => (Status::Pass, String::new()),
        Verdict::Accept if observed.is_empty() && expects_effect => (
            Status::ShouldHaveAccepted,
            format!("nothing flushed: {detail}"),
        ),
        // Some expected names are missing, and what is there is right: lines
        // that had no effect were rejected (or dropped).
        Verdict::Accept if only_missing => (
            Status::ShouldHaveAccepted,
            format!("some lines had no effect: {detail}"),
        ),
        Verdict::Accept => (Status::Mismatch, detail),
        Verdict::Reject if observed.is_empty() => (
            Status::ShouldHaveAccepted,
            format!("nothing flushed, also not the accepted lines: {detail}"),
        ),
        // Only some accepted lines' effects missing, nothing more: those
        // lines were rejected too.
        Verdict::Reject if only_missing => (
            Status::ShouldHaveAccepted,
            format!("some accepted lines had no effect: {detail}"),
        ),
        Verdict::Reject => (Status::ShouldHaveRejected, detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    use statsd_wire_protocol::LineResult;

    fn profile() -> Compiled {
        Compiled::parse(
            r#"
name = "t"
flush_interval_ms = 50
[observe]
graphite = "127.0.0.1:0"
[names]
sanitize = [{ pattern = '[^a-z.]', replace = "" }]
[metrics.counter]
sum = "c.{name}"
[metrics.gauge]
value = "g.{name}"
[metrics.timer]
count = "t.{name}.count"
min = "t.{name}.min"
max = "t.{name}.max"
sum = "t.{name}.sum"
[metrics.set]
count = "s.{name}"
"#,
            PathBuf::from("."),
        )
        .unwrap()
    }

    fn ok(json: &str) -> LineResult {
        LineResult::accepted(statsd_wire_protocol::JsonMessage::Metric(
            serde_json::from_str(json).unwrap(),
        ))
    }

    fn outcome(verdict: Verdict, lines: Vec<LineResult>) -> Outcome {
        Outcome {
            verdict,
            lines,
            canonical: None,
        }
    }

    #[test]
    fn aggregates() {
        let o = outcome(
            Verdict::Accept,
            vec![
                ok(r#"{"name":"a","type":"counter","values":["1"],"sample_rate":"0.5"}"#),
                ok(r#"{"name":"a","type":"counter","values":["3"]}"#),
                ok(r#"{"name":"g","type":"gauge","values":["10"]}"#),
                ok(r#"{"name":"g","type":"gauge","values":["-3"],"delta":true}"#),
                ok(r#"{"name":"t","type":"timer","values":["5","7"],"sample_rate":"0.5"}"#),
                ok(r#"{"name":"s","type":"set","values":["x","y","x"]}"#),
                ok(r#"{"name":"m","type":"meter","values":["1"]}"#),
                ok(r#"{"name":"a B","type":"counter","values":["1"]}"#),
            ],
        );
        let e = expected(&o, &profile());
        let v = |k: &str| e.values[k].value;
        assert_eq!(v("c.a"), 6.0);
        assert_eq!(v("g.g"), 7.0);
        assert_eq!(v("t.t.count"), 4.0);
        assert_eq!(v("t.t.min"), 5.0);
        assert_eq!(v("t.t.max"), 7.0);
        assert_eq!(v("t.t.sum"), 12.0);
        assert_eq!(v("s.s"), 2.0);
        assert_eq!(e.unmapped.len(), 1, "{:?}", e.unmapped);
        assert!(e.values.contains_key("c.a") && !e.values.contains_key("c.aB"));
    }

    #[test]
    fn grading() {
        let p = profile();
        let o = outcome(
            Verdict::Accept,
            vec![ok(r#"{"name":"a","type":"counter","values":["1"]}"#)],
        );
        let e = expected(&o, &p);
        let obs = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
            pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
        };
        assert_eq!(
            grade(Verdict::Accept, &e, &obs(&[("c.a", 1.0)]), 1e-9).0,
            Status::Pass
        );
        assert_eq!(
            grade(Verdict::Accept, &e, &obs(&[("c.a", 2.0)]), 1e-9).0,
            Status::Mismatch
        );
        assert_eq!(
            grade(Verdict::Accept, &e, &obs(&[]), 1e-9).0,
            Status::ShouldHaveAccepted
        );
        let rejected = Expected::default();
        assert_eq!(
            grade(Verdict::Reject, &rejected, &obs(&[]), 1e-9).0,
            Status::Pass
        );
        assert_eq!(
            grade(Verdict::Reject, &rejected, &obs(&[("c.a", 1.0)]), 1e-9).0,
            Status::ShouldHaveRejected
        );
        assert_eq!(
            grade(Verdict::ImplDefined, &rejected, &obs(&[]), 1e-9).0,
            Status::ImplReject
        );
        assert_eq!(
            grade(Verdict::ImplDefined, &e, &obs(&[("c.a", 1.0)]), 1e-9).0,
            Status::ImplAccept
        );
    }

    #[test]
    fn tags_need_a_tags_section_and_are_ignored_or_rename() {
        let o = outcome(
            Verdict::Accept,
            vec![
                ok(r#"{"name":"a","type":"counter","values":["1"],"tags":[["env","prod"]]}"#),
                ok(r#"{"name":"a","type":"counter","values":["2"],"tags":[["env","dev"]]}"#),
                ok(r#"{"name":"d","type":"distribution","values":["1","3"]}"#),
            ],
        );
        // No [tags]: a tagged metric cannot be expected.
        let e = expected(&o, &profile());
        assert!(!e.values.contains_key("c.a"), "{e:?}");
        assert!(e.unmapped.iter().any(|u| u.contains("no [tags]")), "{e:?}");
        assert!(
            e.unmapped
                .iter()
                .any(|u| u.contains("[metrics.distribution]"))
        );
        // identity = "ignore": one series for every tag set.
        let text = r#"
name = "t"
flush_interval_ms = 50
[observe]
graphite = "127.0.0.1:0"
[tags]
identity = "ignore"
[[tags.rename]]
key = "name"
templates = { "counter.sum" = "c.{name}.{value}" }
[metrics.counter]
sum = "c.{name}"
[metrics.gauge]
value = "g.{name}"
[metrics.distribution]
count = "d.{name}.count"
max = "d.{name}.max"
"#;
        let p = Compiled::parse(text, PathBuf::from(".")).unwrap();
        let e = expected(&o, &p);
        assert_eq!(e.values["c.a"].value, 3.0, "{e:?}");
        assert_eq!(e.values["d.d.count"].value, 2.0);
        assert_eq!(e.values["d.d.max"].value, 3.0);
        assert!(e.unmapped.is_empty(), "{e:?}");
        // A rename tag: the last non-empty one of the metric's lines wins.
        let o = outcome(
            Verdict::Accept,
            vec![
                ok(r#"{"name":"a","type":"counter","values":["1"],"tags":[["name","x"]]}"#),
                ok(
                    r#"{"name":"a","type":"counter","values":["1"],"tags":[["name","y"],["name",""]]}"#,
                ),
            ],
        );
        let e = expected(&o, &p);
        assert_eq!(e.values.keys().collect::<Vec<_>>(), vec!["c.a.y"], "{e:?}");
        let (_, prefixes) = p.all_names("a");
        assert!(prefixes.contains(&"c.a.".to_string()), "{prefixes:?}");
    }

    #[test]
    fn numbers() {
        assert!(same(f64::NAN, f64::NAN, 0.0));
        assert!(!same(f64::INFINITY, 1e308, 1e-9));
        assert!(same(0.1 + 0.2, 0.3, 1e-9));
        assert!(!same(1.0, 1.001, 1e-9));
        assert_eq!(combine(Some("sum"), &[1.0, 2.0]), 3.0);
        assert_eq!(combine(Some("min"), &[3.0, 2.0]), 2.0);
        assert_eq!(combine(Some("value"), &[3.0, 2.0]), 2.0);
        assert_eq!(show(f64::INFINITY), "inf");
    }
}
