//! The conformance report (JSON, versioned; schema in
//! `spec-vectors/schema/report.schema.json`), its summary and the JUnit form.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use statsd_wire_protocol::Capabilities;

/// The version of the report format. Version 2 (adapter protocol version 2):
/// `implementation.messages`, `grading.warnings`, events and service checks
/// (and in-process warnings) in `expected`/`got` lines, `messages` in encode
/// inputs. Version 1 reports are still read (they hold none of these).
pub const REPORT_VERSION: u32 = 2;

/// The status of one graded case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// As expected.
    Pass,
    /// A `y` case (or line) was rejected, or an encoder refused valid metrics.
    ShouldHaveAccepted,
    /// An `n` case was accepted, or an encoder wrote invalid metrics.
    ShouldHaveRejected,
    /// Accepted, but a field differs (the field path is in the detail).
    Mismatch,
    /// Rejected with the wrong error class (graded on request).
    WrongErrorClass,
    /// Rejected at the wrong offset (graded on request).
    WrongOffset,
    /// An implementation-defined case, accepted.
    ImplAccept,
    /// An implementation-defined case, rejected.
    ImplReject,
    /// The adapter exited 89 (or does not declare the operation).
    Unimplemented,
    /// Not run (the reason is in the detail).
    Skipped,
    /// A known failure (expectations file).
    Xfail,
    /// A known failure that passes: the expectation is stale (an error).
    Xpass,
    /// Any other exit code, a signal, invalid JSON, the wrong number of lines.
    Crash,
    /// No answer within the timeout.
    Timeout,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: &'static [Status] = &[
        Status::Pass,
        Status::ShouldHaveAccepted,
        Status::ShouldHaveRejected,
        Status::Mismatch,
        Status::WrongErrorClass,
        Status::WrongOffset,
        Status::ImplAccept,
        Status::ImplReject,
        Status::Unimplemented,
        Status::Skipped,
        Status::Xfail,
        Status::Xpass,
        Status::Crash,
        Status::Timeout,
    ];

    /// The status's name (`SHOULD_HAVE_ACCEPTED`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::ShouldHaveAccepted => "SHOULD_HAVE_ACCEPTED",
            Status::ShouldHaveRejected => "SHOULD_HAVE_REJECTED",
            Status::Mismatch => "MISMATCH",
            Status::WrongErrorClass => "WRONG_ERROR_CLASS",
            Status::WrongOffset => "WRONG_OFFSET",
            Status::ImplAccept => "IMPL_ACCEPT",
            Status::ImplReject => "IMPL_REJECT",
            Status::Unimplemented => "UNIMPLEMENTED",
            Status::Skipped => "SKIPPED",
            Status::Xfail => "XFAIL",
            Status::Xpass => "XPASS",
            Status::Crash => "CRASH",
            Status::Timeout => "TIMEOUT",
        }
    }

    /// Whether the status makes a run non-conformant (IMPL_*, XFAIL, SKIPPED
    /// and UNIMPLEMENTED do not).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Status::ShouldHaveAccepted
                | Status::ShouldHaveRejected
                | Status::Mismatch
                | Status::WrongErrorClass
                | Status::WrongOffset
                | Status::Xpass
                | Status::Crash
                | Status::Timeout
        )
    }

    /// Whether the case was graded on a `y`/`n` verdict (run, not
    /// implementation-defined, not skipped): the denominator of pass rates.
    pub fn is_graded(self) -> bool {
        !matches!(
            self,
            Status::ImplAccept | Status::ImplReject | Status::Unimplemented | Status::Skipped
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which side of the implementation a case exercises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A datagram decoded.
    Decode,
    /// Metrics encoded (encoder vectors and the canonical form of `y` vectors).
    Encode,
}

impl Kind {
    /// `decode` or `encode`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Decode => "decode",
            Kind::Encode => "encode",
        }
    }
}

/// One graded case in one dialect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// The vector's id.
    pub id: String,
    /// The dialect.
    pub dialect: String,
    /// `decode` or `encode`.
    pub kind: Kind,
    /// The vector's verdict in this dialect (`y`, `n`, `i`).
    pub verdict: String,
    /// The result.
    pub status: Status,
    /// Why (the field path of a mismatch, a crash's exit code, a skip reason).
    #[serde(default)]
    pub detail: String,
    /// The input: `{"input"}` / `{"input_hex"}` for decode, `{"metrics"}` for encode.
    #[serde(default)]
    pub input: Value,
    /// What the vector expects.
    #[serde(default)]
    pub expected: Value,
    /// What the implementation produced (`{"exit", "lines"}`, `{"exit", "output"}`, ...).
    #[serde(default)]
    pub got: Value,
    /// The end of the adapter's stderr (single calls only).
    #[serde(default)]
    pub stderr_tail: String,
}

/// Counts per status.
pub type Counts = BTreeMap<Status, usize>;

/// The totals of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Cases run or skipped.
    pub total: usize,
    /// Cases whose status is a failure.
    pub failures: usize,
    /// Harness problems (stale expectations, invalid vectors).
    pub problems: usize,
    /// No failure and no problem.
    pub conformant: bool,
    /// Counts per status.
    pub by_status: Counts,
    /// Counts per dialect, then status.
    pub by_dialect: BTreeMap<String, Counts>,
}

impl Summary {
    /// The totals of `cases` and `problems`.
    pub fn of(cases: &[CaseResult], problems: usize) -> Summary {
        let mut s = Summary {
            total: cases.len(),
            problems,
            ..Summary::default()
        };
        for c in cases {
            *s.by_status.entry(c.status).or_default() += 1;
            *s.by_dialect
                .entry(c.dialect.clone())
                .or_default()
                .entry(c.status)
                .or_default() += 1;
            if c.status.is_failure() {
                s.failures += 1;
            }
        }
        s.conformant = s.failures == 0 && problems == 0;
        s
    }
}

/// How a run graded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradingInfo {
    /// Error classes graded.
    pub errors: bool,
    /// Error offsets graded.
    pub offsets: bool,
    /// Reference grading: `i` cases graded against their `lines`, error
    /// classes and offsets always.
    pub reference: bool,
    /// The implementation's error class map.
    #[serde(default)]
    pub error_map: BTreeMap<String, String>,
    /// The warnings of accepted lines graded (the reference implementation in
    /// process only: warnings are not part of the adapter protocol). Report
    /// version 2.
    #[serde(default)]
    pub warnings: bool,
}

/// A conformance report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_VERSION`].
    pub report_version: u32,
    /// The runner (`statsd-conformance 0.1.0`).
    pub tool: String,
    /// The suite name.
    pub suite: String,
    /// The suite version.
    pub suite_version: String,
    /// The label of the implementation in reports and matrices.
    pub name: String,
    /// What the implementation declared.
    pub implementation: Capabilities,
    /// The adapter command (`null` in process).
    pub adapter: Option<String>,
    /// `in-process`, `adapter` or `adapter+batch`.
    pub mode: String,
    /// The dialects run.
    pub dialects: Vec<String>,
    /// How errors were graded.
    pub grading: GradingInfo,
    /// When (UTC, RFC 3339).
    pub generated_at: String,
    /// How long the run took, in seconds.
    pub duration_secs: f64,
    /// Harness problems: stale expectations, vector lint findings.
    #[serde(default)]
    pub problems: Vec<String>,
    /// Every case.
    pub cases: Vec<CaseResult>,
    /// The totals.
    pub summary: Summary,
}

impl Report {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
    }

    /// Reads a report, checking its version.
    pub fn from_json(text: &str) -> Result<Report, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        match value.get("report_version").and_then(Value::as_u64) {
            Some(v) if (1..=u64::from(REPORT_VERSION)).contains(&v) => {}
            Some(v) => {
                return Err(format!(
                    "report_version {v} is not one this tool reads (1 to {REPORT_VERSION})"
                ));
            }
            None => return Err("not a statsd-conformance report (no report_version)".into()),
        }
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    /// The report as JUnit XML: one test suite per dialect, one test case per
    /// graded case.
    pub fn to_junit(&self) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!(
            "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3}\">\n",
            xml_escape(&format!("statsd-conformance: {}", self.name)),
            self.summary.total,
            self.summary.failures,
            self.duration_secs
        ));
        for dialect in &self.dialects {
            let cases: Vec<&CaseResult> = self
                .cases
                .iter()
                .filter(|c| &c.dialect == dialect)
                .collect();
            let failures = cases.iter().filter(|c| c.status.is_failure()).count();
            let skipped = cases
                .iter()
                .filter(|c| {
                    matches!(
                        c.status,
                        Status::Skipped | Status::Unimplemented | Status::Xfail
                    )
                })
                .count();
            xml.push_str(&format!(
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
                xml_escape(&format!("{} [{dialect}]", self.name)),
                cases.len()
            ));
            for c in cases {
                let group = c.id.split('/').next().unwrap_or_default();
                xml.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    xml_escape(&format!("{dialect}.{}.{group}", c.kind.name())),
                    xml_escape(&c.id)
                ));
                let body = match c.status {
                    s if s.is_failure() => format!(
                        "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                        s.name(),
                        xml_escape(&c.detail),
                        xml_escape(&format!(
                            "input: {}\nexpected: {}\ngot: {}\n{}",
                            c.input, c.expected, c.got, c.stderr_tail
                        ))
                    ),
                    Status::Skipped | Status::Unimplemented | Status::Xfail => format!(
                        "      <skipped message=\"{}\"/>\n",
                        xml_escape(&format!("{}: {}", c.status, c.detail))
                    ),
                    Status::ImplAccept | Status::ImplReject => format!(
                        "      <system-out>{}</system-out>\n",
                        xml_escape(&format!("{}: {}", c.status, c.got))
                    ),
                    _ => String::new(),
                };
                if body.is_empty() {
                    xml.push_str("/>\n");
                } else {
                    xml.push_str(">\n");
                    xml.push_str(&body);
                    xml.push_str("    </testcase>\n");
                }
            }
            xml.push_str("  </testsuite>\n");
        }
        xml.push_str("</testsuites>\n");
        xml
    }
}

/// Escapes text for XML attributes and content (control characters other than
/// tab and newline, which XML 1.0 forbids, become `\u{..}`).
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// The current time as RFC 3339 UTC (`2026-11-22T10:00:00Z`).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// `secs` since the Unix epoch as RFC 3339 UTC.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn status_names_match_serde() {
        for s in Status::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                Value::String(s.name().into())
            );
        }
    }

    #[test]
    fn xml() {
        assert_eq!(xml_escape("a<b>&\"\u{0}"), "a&lt;b&gt;&amp;&quot;\\u{0}");
    }
}
