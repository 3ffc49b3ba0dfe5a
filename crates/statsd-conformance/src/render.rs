//! Short human renderings of inputs, results and reports: the console summary
//! and the matrix use them.

use std::fmt::Write as _;

use serde_json::Value;
use statsd_wire_protocol::{JsonEvent, JsonMessage, JsonMetric, JsonServiceCheck, LineResult};

use crate::compare::quote;
use crate::report::{Report, Status};

/// `s` with control characters (and `\\`) escaped, so that no byte of a
/// rendering breaks a terminal, a table or a page.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` with every run of 8 or more equal characters written `⟨c×N⟩`, so that
/// long inputs (8 KiB names) stay readable in tables.
pub fn squeeze(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len().min(256));
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        if j - i >= 8 {
            let _ = write!(out, "⟨{c}×{}⟩", j - i);
        } else {
            out.extend(&chars[i..j]);
        }
        i = j;
    }
    out
}

/// `s` with its control characters escaped (`\\n`, `\\u{0000}`) and
/// everything else, backslashes included, as is.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                visible(&c.to_string())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A metric as one StatsD-like line: `name:1|c|@0.5|#k:v` (types by their
/// StatsD code; a gauge delta is shown with its sign, `Δ` when the value has
/// none).
pub fn metric(m: &JsonMetric) -> String {
    let name = match (&m.name, &m.name_hex) {
        (Some(n), _) => squeeze(&visible(n)),
        (None, Some(h)) => format!("<hex {h}>"),
        (None, None) => "<no name>".into(),
    };
    let mut values = squeeze(&visible(&m.values.join(":")));
    if m.delta && !values.starts_with(['+', '-']) {
        values = format!("Δ{values}");
    }
    let code = match m.kind.as_str() {
        "counter" => "c",
        "gauge" => "g",
        "timer" => "ms",
        "histogram" => "h",
        "meter" => "m",
        "set" => "s",
        "distribution" => "d",
        other => other,
    };
    let mut s = format!("{name}:{values}|{}", visible(code));
    if let Some(rate) = &m.sample_rate {
        let _ = write!(s, "|@{rate}");
    }
    if let Some(tags) = &m.tags {
        let tags: Vec<String> = tags
            .iter()
            .map(|(k, v)| {
                v.as_ref()
                    .map_or_else(|| visible(k), |v| format!("{}:{}", visible(k), visible(v)))
            })
            .collect();
        let _ = write!(s, "|#{}", tags.join(","));
    }
    let fields = [
        ("c:", &m.container_id),
        ("e:", &m.external_data),
        ("T", &m.timestamp),
        ("card:", &m.cardinality),
    ];
    for (prefix, value) in fields {
        if let Some(v) = value {
            let _ = write!(s, "|{prefix}{}", squeeze(&visible(v)));
        }
    }
    s
}

fn tags_text(tags: &[(String, Option<String>)]) -> String {
    tags.iter()
        .map(|(k, v)| {
            v.as_ref()
                .map_or_else(|| visible(k), |v| format!("{}:{}", visible(k), visible(v)))
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn text_or_hex(text: Option<&String>, hex: Option<&String>) -> String {
    match (text, hex) {
        (Some(t), _) => squeeze(&visible(t)),
        (None, Some(h)) => format!("<hex {h}>"),
        (None, None) => String::new(),
    }
}

/// An event as one DogStatsD-like line: `_e{Deploy|done}|t:warning|#k:v`
/// (title and text shown, not their lengths; newlines visible).
pub fn event(e: &JsonEvent) -> String {
    let mut s = format!(
        "_e{{{}|{}}}",
        text_or_hex(e.title.as_ref(), e.title_hex.as_ref()),
        text_or_hex(e.text.as_ref(), e.text_hex.as_ref())
    );
    for (prefix, value) in [
        ("d:", &e.timestamp),
        ("h:", &e.hostname),
        ("k:", &e.aggregation_key),
        ("p:", &e.priority),
        ("s:", &e.source_type),
        ("t:", &e.alert_type),
    ] {
        if let Some(v) = value {
            let _ = write!(s, "|{prefix}{}", squeeze(&visible(v)));
        }
    }
    if let Some(tags) = &e.tags {
        let _ = write!(s, "|#{}", tags_text(tags));
    }
    s
}

/// A service check as one DogStatsD-like line: `_sc|db.up|2|h:db-1|m:lag`.
pub fn service_check(c: &JsonServiceCheck) -> String {
    let mut s = format!(
        "_sc|{}|{}",
        text_or_hex(c.name.as_ref(), c.name_hex.as_ref()),
        visible(&c.status)
    );
    for (prefix, value) in [("d:", &c.timestamp), ("h:", &c.hostname)] {
        if let Some(v) = value {
            let _ = write!(s, "|{prefix}{}", squeeze(&visible(v)));
        }
    }
    if let Some(tags) = &c.tags {
        let _ = write!(s, "|#{}", tags_text(tags));
    }
    if let Some(m) = &c.message {
        let _ = write!(s, "|m:{}", squeeze(&visible(m)));
    }
    s
}

/// A message of any kind, as one line.
pub fn message(m: &JsonMessage) -> String {
    match m {
        JsonMessage::Metric(m) => metric(m),
        JsonMessage::Event(e) => event(e),
        JsonMessage::ServiceCheck(c) => service_check(c),
    }
}

/// One line result: the message (with `⚠ class@offset` for each warning), or
/// `✗ class@offset`.
pub fn line(l: &LineResult) -> String {
    match (l.message(), &l.error) {
        (Some(m), _) if l.ok => {
            let mut s = message(&m);
            for w in l.warnings.iter().flatten() {
                let _ = write!(s, " ⚠ {}@{}", w.class, w.offset);
            }
            s
        }
        (_, Some(e)) if !l.ok => {
            let mut s = format!("✗ {}", e.class.as_deref().unwrap_or("rejected"));
            if let Some(o) = e.offset {
                let _ = write!(s, "@{o}");
            }
            s
        }
        _ if l.ok => "✓".into(),
        _ => "✗".into(),
    }
}

/// Line results joined by ` ⏎ `.
pub fn lines(ls: &[LineResult]) -> String {
    if ls.is_empty() {
        return "(no lines)".into();
    }
    ls.iter().map(line).collect::<Vec<_>>().join(" ⏎ ")
}

fn lines_of(v: &Value) -> Option<Vec<LineResult>> {
    serde_json::from_value(v.clone()).ok()
}

/// A report's `input` value: the datagram (JSON-quoted), its hex, or the
/// metrics to encode.
pub fn input(v: &Value) -> String {
    if let Some(s) = v.get("input").and_then(Value::as_str) {
        return squeeze(&quote(s));
    }
    if let Some(h) = v.get("input_hex").and_then(Value::as_str) {
        return format!("hex {h}");
    }
    if let Some(ms) = v.get("metrics") {
        if let Ok(ms) = serde_json::from_value::<Vec<JsonMetric>>(ms.clone()) {
            return format!(
                "encode [{}]",
                ms.iter().map(metric).collect::<Vec<_>>().join(", ")
            );
        }
    }
    if let Some(ms) = v.get("messages") {
        if let Ok(ms) = serde_json::from_value::<Vec<JsonMessage>>(ms.clone()) {
            return format!(
                "encode [{}]",
                ms.iter().map(message).collect::<Vec<_>>().join(", ")
            );
        }
    }
    v.to_string()
}

/// A report's `expected` value.
pub fn expected(v: &Value) -> String {
    let verdict = v.get("verdict").and_then(Value::as_str).unwrap_or("?");
    if let Some(ls) = v.get("lines").and_then(lines_of) {
        return format!("{verdict}: {}", lines(&ls));
    }
    if let Some(o) = v.get("output").and_then(Value::as_str) {
        return format!("{verdict}: {}", squeeze(&quote(o)));
    }
    if verdict == "n" {
        return "n: refused (exit 1)".into();
    }
    v.to_string()
}

/// A report's `got` value.
pub fn got(v: &Value) -> String {
    if v.is_null() {
        return "(not run)".into();
    }
    if let Some(ls) = v.get("lines").and_then(lines_of) {
        return lines(&ls);
    }
    if let Some(o) = v.get("output").and_then(Value::as_str) {
        return squeeze(&quote(o));
    }
    if let Some(h) = v.get("output_hex").and_then(Value::as_str) {
        return format!("hex {h}");
    }
    if let Some(c) = v.get("crash").and_then(Value::as_str) {
        return format!("crash: {c}");
    }
    if v.get("timeout").is_some() {
        return "timeout".into();
    }
    match v.get("exit").and_then(Value::as_i64) {
        Some(1) => "rejected (exit 1)".into(),
        Some(89) => "unimplemented (exit 89)".into(),
        _ => v.to_string(),
    }
}

/// Cuts `s` to at most `max` characters (with `…`).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The console summary of a report: per dialect the counts per status, then
/// each failure (at most `max_failures`) with its input, expected, got and
/// field path, then the verdict.
pub fn summary(report: &Report, max_failures: usize) -> String {
    let mut out = String::new();
    let caps = &report.implementation;
    let _ = writeln!(
        out,
        "{}: suite {} {}",
        report.tool, report.suite, report.suite_version
    );
    let _ = writeln!(
        out,
        "implementation: {}{} {} ({}{})",
        if report.name == caps.name || report.name.starts_with(&format!("{} (", caps.name)) {
            String::new()
        } else {
            format!("{}: ", report.name)
        },
        caps.name,
        caps.version,
        report.mode,
        report
            .adapter
            .as_ref()
            .map(|a| format!(": {a}"))
            .unwrap_or_default()
    );
    let mut graded = vec!["verdicts", "messages", "encoding"];
    if report.grading.errors {
        graded.push("error classes");
    }
    if report.grading.offsets {
        graded.push("offsets");
    }
    if report.grading.warnings {
        graded.push("warnings");
    }
    let _ = writeln!(
        out,
        "graded: {}{}",
        graded.join(", "),
        if report.grading.reference {
            " (reference: implementation-defined cases too)"
        } else {
            ""
        }
    );
    out.push('\n');
    let width = report.dialects.iter().map(String::len).max().unwrap_or(4);
    for dialect in &report.dialects {
        let counts = report
            .summary
            .by_dialect
            .get(dialect)
            .cloned()
            .unwrap_or_default();
        let total: usize = counts.values().sum();
        let parts: Vec<String> = Status::ALL
            .iter()
            .filter_map(|s| counts.get(s).map(|n| format!("{s} {n}")))
            .collect();
        let _ = writeln!(
            out,
            "  {dialect:<width$}  {total:>4} cases: {}",
            parts.join(", ")
        );
    }

    let failures: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.status.is_failure())
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\nFAILURES ({}):", failures.len());
        for c in failures.iter().take(max_failures) {
            let _ = writeln!(
                out,
                "  [{}] {} ({}): {}",
                c.dialect,
                c.id,
                c.kind.name(),
                c.status
            );
            let _ = writeln!(out, "      input:    {}", clip(&input(&c.input), 300));
            let _ = writeln!(out, "      expected: {}", clip(&expected(&c.expected), 300));
            let _ = writeln!(out, "      got:      {}", clip(&got(&c.got), 300));
            if !c.detail.is_empty() {
                let _ = writeln!(
                    out,
                    "      detail:   {}",
                    clip(&escape_controls(&c.detail), 600)
                );
            }
            let tail = c.stderr_tail.trim();
            if !tail.is_empty() {
                let last: Vec<&str> = tail.lines().rev().take(3).collect();
                let shown: Vec<&str> = last.into_iter().rev().collect();
                let _ = writeln!(
                    out,
                    "      stderr:   {}",
                    clip(&escape_controls(&shown.join(" | ")), 300)
                );
            }
        }
        if failures.len() > max_failures {
            let _ = writeln!(
                out,
                "  ... and {} more (--max-failures, or --json for all)",
                failures.len() - max_failures
            );
        }
    }
    if !report.problems.is_empty() {
        let _ = writeln!(out, "\nPROBLEMS ({}):", report.problems.len());
        for p in &report.problems {
            let _ = writeln!(out, "  {p}");
        }
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\nRESULT: {}: {} cases, {} failures, {} problems ({:.1} s)",
        if s.conformant {
            "conformant"
        } else {
            "NOT conformant"
        },
        s.total,
        s.failures,
        s.problems,
        report.duration_secs
    );
    out
}

/// A ready-to-paste `xfail` block for the failures of a report (toml-test's
/// `-script`).
pub fn xfail_block(report: &Report) -> Option<String> {
    let entries: Vec<String> = report
        .cases
        .iter()
        .filter(|c| c.status.is_failure() && c.status != Status::Xpass)
        .map(|c| {
            format!(
                "    {}: {}",
                quote(&format!("{}:{}#{}", c.dialect, c.id, c.kind.name())),
                quote(&format!("{}: {}", c.status, clip(&c.detail, 120)))
            )
        })
        .collect();
    (!entries.is_empty())
        .then(|| format!("{{\n  \"xfail\": {{\n{}\n  }}\n}}\n", entries.join(",\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings() {
        assert_eq!(squeeze("aaaaaaaab"), "⟨a×8⟩b");
        assert_eq!(squeeze("aaaaaaab"), "aaaaaaab");
        assert_eq!(visible("a\u{0}\n\\"), "a\\u{0000}\\n\\\\");
        assert_eq!(escape_controls("a\\b\r"), "a\\b\\r");
        let m: JsonMetric = serde_json::from_str(
            r#"{"name":"g","type":"gauge","values":["4"],"delta":true,"sample_rate":"0.5"}"#,
        )
        .unwrap();
        assert_eq!(metric(&m), "g:Δ4|g|@0.5");
        let l: LineResult = serde_json::from_str(
            r#"{"ok":true,"event":{"title":"Deploy","text":"a\nb","alert_type":"warning","tags":[["k",null]]},
                "warnings":[{"class":"empty_tag","offset":9}]}"#,
        )
        .unwrap();
        assert_eq!(line(&l), "_e{Deploy|a\\nb}|t:warning|#k ⚠ empty_tag@9");
        let l: LineResult = serde_json::from_str(
            r#"{"ok":true,"service_check":{"name":"db","status":"2","message":"lag","timestamp":"5"}}"#,
        )
        .unwrap();
        assert_eq!(line(&l), "_sc|db|2|d:5|m:lag");
        let m: JsonMetric = serde_json::from_str(
            r#"{"name":"a","type":"distribution","values":["1","2"],"timestamp":"5","cardinality":"low"}"#,
        )
        .unwrap();
        assert_eq!(metric(&m), "a:1:2|d|T5|card:low");
    }
}
