//! Merging reports into a cases × implementations matrix (columns are
//! implementation × dialect), as Markdown and as a self-contained HTML page
//! with JSONTestSuite-style colours, a pruned view (rows with identical status
//! vectors grouped), a per-implementation summary, what each implementation
//! produced for implementation-defined cases, and the failures.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::render;
use crate::report::{CaseResult, Kind, Report, Status, xml_escape};

/// A column: one implementation in one dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The report's label.
    pub name: String,
    /// The implementation's version.
    pub version: String,
    /// The dialect.
    pub dialect: String,
    /// Index of the report.
    pub report: usize,
}

impl Column {
    /// `name [dialect]`.
    pub fn label(&self) -> String {
        format!("{} [{}]", self.name, self.dialect)
    }
}

/// A row: one vector id and side.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowKey {
    /// The vector id.
    pub id: String,
    /// Decode or encode.
    pub kind: Kind,
}

impl RowKey {
    /// `id` for decode rows, `id (encode)` for encode rows.
    pub fn label(&self) -> String {
        match self.kind {
            Kind::Decode => self.id.clone(),
            Kind::Encode => format!("{} (encode)", self.id),
        }
    }
}

/// A group of rows with the same statuses in every column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrunedGroup {
    /// One status per column (`None`: not run there).
    pub statuses: Vec<Option<Status>>,
    /// The rows.
    pub rows: Vec<RowKey>,
}

/// An implementation that could not be run (its check failed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unavailable {
    /// Its name.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// The merged reports.
#[derive(Clone, Debug)]
pub struct Matrix {
    /// The reports, in the order given.
    pub reports: Vec<Report>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, in suite order.
    pub rows: Vec<RowKey>,
    cells: BTreeMap<(RowKey, usize), (usize, usize)>,
    /// Implementations not run.
    pub unavailable: Vec<Unavailable>,
}

/// Short cell text for a status.
pub fn short(status: Status) -> &'static str {
    match status {
        Status::Pass => "ok",
        Status::ShouldHaveAccepted => "SHA",
        Status::ShouldHaveRejected => "SHR",
        Status::Mismatch => "MM",
        Status::WrongErrorClass => "WEC",
        Status::WrongOffset => "WO",
        Status::ImplAccept => "i+",
        Status::ImplReject => "i−",
        Status::Unimplemented => "unimpl",
        Status::Skipped => "skip",
        Status::Xfail => "xfail",
        Status::Xpass => "XPASS",
        Status::Crash => "CRASH",
        Status::Timeout => "T/O",
    }
}

/// The CSS class of a status's cells (short: the full matrix has many cells).
pub fn css_class(status: Status) -> &'static str {
    match status {
        Status::Pass => "ok",
        Status::ShouldHaveAccepted => "sha",
        Status::ShouldHaveRejected => "shr",
        Status::Mismatch => "mm",
        Status::WrongErrorClass => "wec",
        Status::WrongOffset => "wo",
        Status::ImplAccept => "ia",
        Status::ImplReject => "ir",
        Status::Unimplemented => "un",
        Status::Skipped => "sk",
        Status::Xfail => "xf",
        Status::Xpass => "xp",
        Status::Crash => "cr",
        Status::Timeout => "to",
    }
}

/// At most this many failures per column are listed in the failure tables
/// (the JSON reports have them all).
pub const MAX_LISTED_FAILURES: usize = 150;

/// What a status means, for the legend.
pub fn meaning(status: Status) -> &'static str {
    match status {
        Status::Pass => "expected result",
        Status::ShouldHaveAccepted => "should have been accepted, was rejected",
        Status::ShouldHaveRejected => "should have been rejected, was accepted",
        Status::Mismatch => "accepted, but a field (or the encoding) differs",
        Status::WrongErrorClass => "rejected with the wrong error class",
        Status::WrongOffset => "rejected at the wrong offset",
        Status::ImplAccept => "implementation-defined, accepted",
        Status::ImplReject => "implementation-defined, rejected",
        Status::Unimplemented => {
            "dialect, operation or message kind (events, service checks) not implemented"
        }
        Status::Skipped => "skipped (reason in the report)",
        Status::Xfail => "known failure (expectations file)",
        Status::Xpass => "known failure that passes (stale expectation)",
        Status::Crash => "crashed: exit code, signal, invalid output",
        Status::Timeout => "no answer in time",
    }
}

/// Background and text colours of a status (JSONTestSuite's palette: green
/// expected, red should-have-accepted, yellow should-have-rejected, blues for
/// implementation-defined, black crash, purple timeout).
pub fn colours(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Pass => ("#66cc66", "#000"),
        Status::ShouldHaveAccepted => ("#e03b3b", "#fff"),
        Status::ShouldHaveRejected => ("#ffcc33", "#000"),
        Status::Mismatch => ("#ff8c42", "#000"),
        Status::WrongErrorClass => ("#f5b78e", "#000"),
        Status::WrongOffset => ("#fad7bd", "#000"),
        Status::ImplAccept => ("#a8d4f5", "#000"),
        Status::ImplReject => ("#3d7fc6", "#fff"),
        Status::Unimplemented => ("#d0d0d0", "#333"),
        Status::Skipped => ("#ececec", "#555"),
        Status::Xfail => ("#c3b5e0", "#000"),
        Status::Xpass => ("#ff3dff", "#000"),
        Status::Crash => ("#222222", "#fff"),
        Status::Timeout => ("#7d3c98", "#fff"),
    }
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

/// The columns of the summary table (Markdown and HTML).
const SUMMARY_HEADERS: [&str; 11] = [
    "implementation",
    "version",
    "dialect",
    "decode pass",
    "encode pass",
    "failures",
    "impl-defined accept / reject",
    "crash",
    "timeout",
    "unimplemented",
    "skipped/xfail",
];

/// Per-column totals for the summary table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnSummary {
    /// Decode cases passed / graded.
    pub decode: (usize, usize),
    /// Encode cases passed / graded.
    pub encode: (usize, usize),
    /// Failures.
    pub failures: usize,
    /// Implementation-defined cases accepted / rejected.
    pub impl_defined: (usize, usize),
    /// Crashes.
    pub crash: usize,
    /// Timeouts.
    pub timeout: usize,
    /// Unimplemented.
    pub unimplemented: usize,
    /// Skipped and xfail.
    pub skipped: usize,
}

impl Matrix {
    /// Merges reports (in order; a label used twice gets a `#2` suffix).
    pub fn new(mut reports: Vec<Report>, unavailable: Vec<Unavailable>) -> Matrix {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for r in &mut reports {
            let n = seen.entry(r.name.clone()).or_default();
            *n += 1;
            if *n > 1 {
                r.name = format!("{} #{n}", r.name);
            }
        }
        let mut columns = Vec::new();
        for (ri, r) in reports.iter().enumerate() {
            for d in &r.dialects {
                columns.push(Column {
                    name: r.name.clone(),
                    version: r.implementation.version.clone(),
                    dialect: d.clone(),
                    report: ri,
                });
            }
        }
        let mut rows: Vec<RowKey> = Vec::new();
        let mut index: BTreeMap<RowKey, ()> = BTreeMap::new();
        let mut cells = BTreeMap::new();
        for (ri, r) in reports.iter().enumerate() {
            let mut last: Option<usize> = None;
            for (ci, c) in r.cases.iter().enumerate() {
                let key = RowKey {
                    id: c.id.clone(),
                    kind: c.kind,
                };
                let pos = if index.contains_key(&key) {
                    rows.iter().position(|k| k == &key).unwrap_or(0)
                } else {
                    let at = last.map_or(rows.len(), |l| l + 1).min(rows.len());
                    rows.insert(at, key.clone());
                    index.insert(key.clone(), ());
                    at
                };
                last = Some(pos);
                if let Some(col) = columns
                    .iter()
                    .position(|col| col.report == ri && col.dialect == c.dialect)
                {
                    cells.insert((key, col), (ri, ci));
                }
            }
        }
        Matrix {
            reports,
            columns,
            rows,
            cells,
            unavailable,
        }
    }

    /// The case of `row` in column `col`.
    pub fn cell(&self, row: &RowKey, col: usize) -> Option<&CaseResult> {
        self.cells
            .get(&(row.clone(), col))
            .and_then(|&(r, c)| self.reports.get(r).and_then(|rep| rep.cases.get(c)))
    }

    /// The statuses of `row`, one per column.
    pub fn statuses(&self, row: &RowKey) -> Vec<Option<Status>> {
        (0..self.columns.len())
            .map(|c| self.cell(row, c).map(|x| x.status))
            .collect()
    }

    /// Rows grouped by identical status vectors: groups with the most crashing
    /// (or timing out) cells first, then the most failing cells, then the largest.
    pub fn pruned(&self) -> Vec<PrunedGroup> {
        let mut groups: Vec<PrunedGroup> = Vec::new();
        for row in &self.rows {
            let statuses = self.statuses(row);
            match groups.iter_mut().find(|g| g.statuses == statuses) {
                Some(g) => g.rows.push(row.clone()),
                None => groups.push(PrunedGroup {
                    statuses,
                    rows: vec![row.clone()],
                }),
            }
        }
        let count = |g: &PrunedGroup, f: fn(Status) -> bool| {
            g.statuses.iter().filter(|s| s.is_some_and(f)).count()
        };
        let crashing = |s: Status| matches!(s, Status::Crash | Status::Timeout);
        groups.sort_by(|a, b| {
            count(b, crashing)
                .cmp(&count(a, crashing))
                .then(count(b, Status::is_failure).cmp(&count(a, Status::is_failure)))
                .then(b.rows.len().cmp(&a.rows.len()))
        });
        groups
    }

    /// The totals of column `col`.
    pub fn column_summary(&self, col: usize) -> ColumnSummary {
        let mut s = ColumnSummary::default();
        for row in &self.rows {
            let Some(c) = self.cell(row, col) else {
                continue;
            };
            let pair = match c.kind {
                Kind::Decode => &mut s.decode,
                Kind::Encode => &mut s.encode,
            };
            if c.status.is_graded() {
                pair.1 += 1;
                if matches!(c.status, Status::Pass | Status::Xpass) {
                    pair.0 += 1;
                }
            }
            if c.status.is_failure() {
                s.failures += 1;
            }
            match c.status {
                Status::ImplAccept => s.impl_defined.0 += 1,
                Status::ImplReject => s.impl_defined.1 += 1,
                Status::Crash => s.crash += 1,
                Status::Timeout => s.timeout += 1,
                Status::Unimplemented => s.unimplemented += 1,
                Status::Skipped | Status::Xfail => s.skipped += 1,
                _ => {}
            }
        }
        s
    }

    fn suite_version(&self) -> String {
        let mut versions: Vec<&str> = self
            .reports
            .iter()
            .map(|r| r.suite_version.as_str())
            .collect();
        versions.sort_unstable();
        versions.dedup();
        versions.join(", ")
    }

    /// Rows where some column has an implementation-defined verdict.
    fn impl_rows(&self) -> Vec<&RowKey> {
        self.rows
            .iter()
            .filter(|r| {
                (0..self.columns.len()).any(|c| self.cell(r, c).is_some_and(|x| x.verdict == "i"))
            })
            .collect()
    }

    fn input_of(&self, row: &RowKey) -> String {
        (0..self.columns.len())
            .find_map(|c| self.cell(row, c))
            .map(|c| render::input(&c.input))
            .unwrap_or_default()
    }

    /// The cells of column `ci`'s row of the summary table (the columns of
    /// [`SUMMARY_HEADERS`]), unescaped.
    fn summary_cells(&self, ci: usize) -> [String; 11] {
        let col = &self.columns[ci];
        let s = self.column_summary(ci);
        [
            col.name.clone(),
            col.version.clone(),
            col.dialect.clone(),
            format!(
                "{}/{} ({})",
                s.decode.0,
                s.decode.1,
                pct(s.decode.0, s.decode.1)
            ),
            format!(
                "{}/{} ({})",
                s.encode.0,
                s.encode.1,
                pct(s.encode.0, s.encode.1)
            ),
            s.failures.to_string(),
            format!("{} / {}", s.impl_defined.0, s.impl_defined.1),
            s.crash.to_string(),
            s.timeout.to_string(),
            s.unimplemented.to_string(),
            s.skipped.to_string(),
        ]
    }

    /// The Markdown page. `command` is the command that regenerates it;
    /// `generated` the date.
    pub fn to_markdown(&self, command: &str, generated: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# StatsD conformance matrix\n");
        let _ = writeln!(md, "Regenerate with `{command}`.\n");
        let _ = writeln!(
            md,
            "Generated {generated} with suite `statsd-spec-vectors` {} by {}.\n",
            self.suite_version(),
            self.reports
                .first()
                .map_or_else(|| "statsd-conformance".to_string(), |r| r.tool.clone())
        );
        let _ = writeln!(md, "## Summary\n");
        let _ = writeln!(md, "| {} |", SUMMARY_HEADERS.join(" | "));
        let _ = writeln!(md, "|{}", "---|".repeat(SUMMARY_HEADERS.len()));
        for ci in 0..self.columns.len() {
            let cells = self.summary_cells(ci).map(|c| md_cell(&c));
            let _ = writeln!(md, "| {} |", cells.join(" | "));
        }
        md.push('\n');
        md.push_str(
            "Pass rates count `y`/`n` cases that were run (implementation-defined, unimplemented and skipped cases are left out). \
             An implementation that only decodes has every encode case unimplemented.\n\n",
        );
        for (ri, r) in self.reports.iter().enumerate() {
            let _ = writeln!(
                md,
                "- **{}**: {} {} via {}{}; graded: error classes {}, offsets {}.",
                md_cell(&r.name),
                md_cell(&r.implementation.name),
                md_cell(&r.implementation.version),
                r.mode,
                r.adapter
                    .as_ref()
                    .map(|a| format!(" (`{}`)", a.replace('`', "'")))
                    .unwrap_or_default(),
                yes_no(r.grading.errors),
                yes_no(r.grading.offsets)
            );
            if !r.problems.is_empty() {
                let _ = writeln!(
                    md,
                    "  - report {ri} problems: {}",
                    md_cell(&r.problems.join("; "))
                );
            }
        }
        for u in &self.unavailable {
            let _ = writeln!(
                md,
                "- **{}**: unavailable ({})",
                md_cell(&u.name),
                md_cell(&u.reason)
            );
        }
        md.push('\n');

        let _ = writeln!(md, "## Legend\n");
        md.push_str("| cell | status | meaning |\n|---|---|---|\n");
        for s in Status::ALL {
            let _ = writeln!(md, "| `{}` | {} | {} |", short(*s), s.name(), meaning(*s));
        }
        md.push_str("| `·` | | not run in this column |\n\n");

        let _ = writeln!(md, "## Findings: crashes and timeouts\n");
        let mut any = false;
        for (ci, col) in self.columns.iter().enumerate() {
            for row in &self.rows {
                if let Some(c) = self.cell(row, ci) {
                    if matches!(c.status, Status::Crash | Status::Timeout) {
                        any = true;
                        let _ = writeln!(
                            md,
                            "- {} — {} {}: {} — {}",
                            md_cell(&col.label()),
                            md_code(&row.label()),
                            c.status,
                            md_code(&render::clip(&render::input(&c.input), 120)),
                            md_code(&render::clip(&c.detail, 200))
                        );
                    }
                }
            }
        }
        if !any {
            md.push_str("None.\n");
        }
        md.push('\n');

        let _ = writeln!(md, "## Pruned matrix\n");
        md.push_str(
            "Rows with the same status in every column are grouped (most crashes first, then most failing cells, then the largest groups).\n\n",
        );
        let header: Vec<String> = self.columns.iter().map(|c| md_cell(&c.label())).collect();
        let _ = writeln!(md, "| cases | {} | ids |", header.join(" | "));
        let _ = writeln!(md, "|---|{}---|", "---|".repeat(self.columns.len()));
        for g in self.pruned() {
            let cells: Vec<String> = g.statuses.iter().map(|s| md_status(*s)).collect();
            let ids: Vec<String> = g
                .rows
                .iter()
                .take(12)
                .map(|r| md_code(&r.label()))
                .collect();
            let more = if g.rows.len() > 12 {
                format!(" … and {} more", g.rows.len() - 12)
            } else {
                String::new()
            };
            let _ = writeln!(
                md,
                "| {} | {} | {}{more} |",
                g.rows.len(),
                cells.join(" | "),
                ids.join(", ")
            );
        }
        md.push('\n');

        let impl_rows = self.impl_rows();
        if !impl_rows.is_empty() {
            let _ = writeln!(
                md,
                "## Implementation-defined cases: what each implementation produced\n"
            );
            let _ = writeln!(md, "| case | input | {} |", header.join(" | "));
            let _ = writeln!(md, "|---|---|{}", "---|".repeat(self.columns.len()));
            for row in impl_rows {
                let cells: Vec<String> = (0..self.columns.len())
                    .map(|c| match self.cell(row, c) {
                        Some(x) => format!(
                            "{} {}",
                            md_status(Some(x.status)),
                            md_code(&render::clip(&render::got(&x.got), 120))
                        ),
                        None => "·".into(),
                    })
                    .collect();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} |",
                    md_code(&row.label()),
                    md_code(&render::clip(&self.input_of(row), 80)),
                    cells.join(" | ")
                );
            }
            md.push('\n');
        }

        let _ = writeln!(md, "## Failures: what each implementation produced\n");
        for (ci, col) in self.columns.iter().enumerate() {
            let failing: Vec<(&RowKey, &CaseResult)> = self
                .rows
                .iter()
                .filter_map(|r| self.cell(r, ci).map(|c| (r, c)))
                .filter(|(_, c)| c.status.is_failure())
                .collect();
            if failing.is_empty() {
                let _ = writeln!(md, "### {}: no failures\n", md_cell(&col.label()));
                continue;
            }
            let _ = writeln!(
                md,
                "### {}: {} failures\n",
                md_cell(&col.label()),
                failing.len()
            );
            md.push_str("<details><summary>show</summary>\n\n");
            md.push_str(
                "| case | status | input | expected | got | detail |\n|---|---|---|---|---|---|\n",
            );
            let more = failing.len().saturating_sub(MAX_LISTED_FAILURES);
            for (row, c) in failing.into_iter().take(MAX_LISTED_FAILURES) {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} |",
                    md_code(&row.label()),
                    c.status,
                    md_code(&render::clip(&render::input(&c.input), 80)),
                    md_code(&render::clip(&render::expected(&c.expected), 120)),
                    md_code(&render::clip(&render::got(&c.got), 120)),
                    md_code(&render::clip(&c.detail, 200))
                );
            }
            if more > 0 {
                let _ = writeln!(md, "\n… and {more} more (the JSON report has every case).");
            }
            md.push_str("\n</details>\n\n");
        }

        let _ = writeln!(md, "## Full matrix\n");
        md.push_str("<details><summary>every case</summary>\n\n");
        let _ = writeln!(md, "| case | {} |", header.join(" | "));
        let _ = writeln!(md, "|---|{}", "---|".repeat(self.columns.len()));
        for row in &self.rows {
            let cells: Vec<String> = self.statuses(row).into_iter().map(md_status).collect();
            let _ = writeln!(md, "| {} | {} |", md_code(&row.label()), cells.join(" | "));
        }
        md.push_str("\n</details>\n");
        md
    }

    /// The self-contained HTML page (inline CSS, no script).
    pub fn to_html(&self, command: &str, generated: &str) -> String {
        let e = xml_escape;
        let mut h = String::new();
        h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.push_str("<title>StatsD conformance matrix</title>\n<style>\n");
        h.push_str(
            "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em;color:#222}\n\
             table{border-collapse:collapse;margin:0.5em 0 1.5em}\n\
             th,td{border:1px solid #bbb;padding:2px 6px;font-size:12px;vertical-align:top}\n\
             th{background:#f3f3f3;position:sticky;top:0}\n\
             td.s{text-align:center;white-space:nowrap;font-weight:600}\n\
             td.id{font-family:ui-monospace,monospace;white-space:nowrap}\n\
             td.mono,code{font-family:ui-monospace,monospace;font-size:11px}\n\
             tr.group td{background:#fafafa;font-weight:700;font-size:13px}\n\
             details{margin:0.3em 0}\n\
             .na{color:#aaa;text-align:center}\n",
        );
        for s in Status::ALL {
            let (bg, fg) = colours(*s);
            let _ = writeln!(h, "td.{}{{background:{bg};color:{fg}}}", css_class(*s));
        }
        h.push_str("</style>\n</head>\n<body>\n<h1>StatsD conformance matrix</h1>\n");
        let _ = writeln!(
            h,
            "<p>Regenerate with <code>{}</code>. Generated {} with suite <code>statsd-spec-vectors</code> {}.</p>",
            e(command),
            e(generated),
            e(&self.suite_version())
        );

        h.push_str("<h2>Summary</h2>\n<table>\n<tr>");
        for title in SUMMARY_HEADERS {
            let _ = write!(h, "<th>{}</th>", e(title));
        }
        h.push_str("</tr>\n");
        for ci in 0..self.columns.len() {
            h.push_str("<tr>");
            for cell in self.summary_cells(ci) {
                let _ = write!(h, "<td>{}</td>", e(&cell));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n<ul>\n");
        for r in &self.reports {
            let _ = writeln!(
                h,
                "<li><b>{}</b>: {} {} via {}{}; graded: error classes {}, offsets {}.</li>",
                e(&r.name),
                e(&r.implementation.name),
                e(&r.implementation.version),
                e(&r.mode),
                r.adapter
                    .as_ref()
                    .map(|a| format!(" (<code>{}</code>)", e(a)))
                    .unwrap_or_default(),
                yes_no(r.grading.errors),
                yes_no(r.grading.offsets)
            );
        }
        for u in &self.unavailable {
            let _ = writeln!(
                h,
                "<li><b>{}</b>: unavailable ({})</li>",
                e(&u.name),
                e(&u.reason)
            );
        }
        h.push_str("</ul>\n");

        h.push_str("<h2>Legend</h2>\n<table>\n");
        for s in Status::ALL {
            let _ = writeln!(
                h,
                "<tr><td class=\"s {}\">{}</td><td>{}</td><td>{}</td></tr>",
                css_class(*s),
                e(short(*s)),
                s.name(),
                e(meaning(*s))
            );
        }
        h.push_str(
            "<tr><td class=\"na\">·</td><td></td><td>not run in this column</td></tr>\n</table>\n",
        );

        let col_headers: String = self
            .columns
            .iter()
            .map(|c| format!("<th>{}<br>[{}]</th>", e(&c.name), e(&c.dialect)))
            .collect();
        let status_td = |s: Option<Status>, title: &str| match s {
            Some(s) if title.is_empty() => {
                format!("<td class=\"s {}\">{}</td>", css_class(s), e(short(s)))
            }
            Some(s) => format!(
                "<td class=\"s {}\" title=\"{}\">{}</td>",
                css_class(s),
                e(title),
                e(short(s))
            ),
            None => "<td class=\"na\">·</td>".to_string(),
        };

        h.push_str("<h2>Pruned matrix</h2>\n<p>Rows with the same status in every column are grouped (most crashes first, then most failing cells, then the largest groups).</p>\n<table>\n");
        let _ = writeln!(h, "<tr><th>cases</th>{col_headers}<th>ids</th></tr>");
        for g in self.pruned() {
            let cells: String = g.statuses.iter().map(|s| status_td(*s, "")).collect();
            let ids: Vec<String> = g
                .rows
                .iter()
                .map(|r| format!("<code>{}</code>", e(&r.label())))
                .collect();
            let ids = if ids.len() > 8 {
                format!(
                    "{} <details><summary>{} more</summary>{}</details>",
                    ids[..8].join(" "),
                    ids.len() - 8,
                    ids[8..].join(" ")
                )
            } else {
                ids.join(" ")
            };
            let _ = writeln!(h, "<tr><td>{}</td>{cells}<td>{ids}</td></tr>", g.rows.len());
        }
        h.push_str("</table>\n");

        let impl_rows = self.impl_rows();
        if !impl_rows.is_empty() {
            h.push_str("<h2>Implementation-defined cases: what each implementation produced</h2>\n<table>\n");
            let _ = writeln!(h, "<tr><th>case</th><th>input</th>{col_headers}</tr>");
            for row in impl_rows {
                let cells: String = (0..self.columns.len())
                    .map(|c| match self.cell(row, c) {
                        Some(x) => format!(
                            "<td class=\"mono {}\" title=\"{}\">{}</td>",
                            css_class(x.status),
                            e(&x.detail),
                            e(&render::clip(&render::got(&x.got), 160))
                        ),
                        None => "<td class=\"na\">·</td>".into(),
                    })
                    .collect();
                let _ = writeln!(
                    h,
                    "<tr><td class=\"id\">{}</td><td class=\"mono\">{}</td>{cells}</tr>",
                    e(&row.label()),
                    e(&render::clip(&self.input_of(row), 100))
                );
            }
            h.push_str("</table>\n");
        }

        h.push_str("<h2>Failures: what each implementation produced</h2>\n");
        for (ci, col) in self.columns.iter().enumerate() {
            let failing: Vec<(&RowKey, &CaseResult)> = self
                .rows
                .iter()
                .filter_map(|r| self.cell(r, ci).map(|c| (r, c)))
                .filter(|(_, c)| c.status.is_failure())
                .collect();
            let _ = writeln!(
                h,
                "<details><summary><b>{}</b>: {} failures</summary>",
                e(&col.label()),
                failing.len()
            );
            if !failing.is_empty() {
                h.push_str("<table>\n<tr><th>case</th><th>status</th><th>input</th><th>expected</th><th>got</th><th>detail</th></tr>\n");
                let more = failing.len().saturating_sub(MAX_LISTED_FAILURES);
                for (row, c) in failing.into_iter().take(MAX_LISTED_FAILURES) {
                    let _ = writeln!(
                        h,
                        "<tr><td class=\"id\">{}</td>{}<td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
                        e(&row.label()),
                        status_td(Some(c.status), ""),
                        e(&render::clip(&render::input(&c.input), 100)),
                        e(&render::clip(&render::expected(&c.expected), 200)),
                        e(&render::clip(&render::got(&c.got), 200)),
                        e(&render::clip(&c.detail, 300))
                    );
                }
                h.push_str("</table>\n");
                if more > 0 {
                    let _ = writeln!(
                        h,
                        "<p>… and {more} more (the JSON report has every case).</p>"
                    );
                }
            }
            h.push_str("</details>\n");
        }

        h.push_str("<h2>Full matrix</h2>\n<table>\n");
        let _ = writeln!(h, "<tr><th>case</th>{col_headers}</tr>");
        let mut group = String::new();
        for row in &self.rows {
            let g = row.id.split('/').next().unwrap_or_default().to_string();
            if g != group {
                let _ = writeln!(
                    h,
                    "<tr class=\"group\"><td colspan=\"{}\">{}</td></tr>",
                    self.columns.len() + 1,
                    e(&g)
                );
                group = g;
            }
            let cells: String = (0..self.columns.len())
                .map(|c| {
                    let x = self.cell(row, c);
                    // Titles only where there is something to say (page size).
                    let title = x
                        .filter(|x| !matches!(x.status, Status::Pass | Status::Unimplemented))
                        .map(|x| {
                            format!(
                                "{}: {}",
                                x.status,
                                render::clip(
                                    if x.detail.is_empty() {
                                        render::got(&x.got)
                                    } else {
                                        x.detail.clone()
                                    }
                                    .as_str(),
                                    160
                                )
                            )
                        })
                        .unwrap_or_default();
                    status_td(x.map(|x| x.status), &title)
                })
                .collect();
            let _ = writeln!(
                h,
                "<tr><td class=\"id\">{}</td>{cells}</tr>",
                e(&row.label())
            );
        }
        h.push_str("</table>\n</body>\n</html>\n");
        h
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn md_status(s: Option<Status>) -> String {
    s.map_or_else(|| "·".to_string(), |s| short(s).to_string())
}

/// Text as a code span in a Markdown table cell.
fn md_code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let body = render::escape_controls(s).replace('|', "\\|");
    if body.contains('`') {
        format!("`` {body} ``")
    } else {
        format!("`{body}`")
    }
}

/// Escapes text for a Markdown table cell.
fn md_cell(s: &str) -> String {
    render::escape_controls(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
}
