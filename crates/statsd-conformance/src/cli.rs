//! The command line: `statsd-conformance [OPTIONS]` (run), `matrix`,
//! `export`, `lint`, `list`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::matrix::{Matrix, Unavailable};
use crate::report::Report;
use crate::runner::{self, Expectations, RunOptions, Target};
use crate::vectors::Suite;
use crate::{export, render};

/// Exit code: conformant (or the command succeeded).
pub const EXIT_OK: i32 = 0;
/// Exit code: failures.
pub const EXIT_FAILURES: i32 = 1;
/// Exit code: usage or harness error.
pub const EXIT_HARNESS: i32 = 2;

/// The StatsD conformance runner.
#[derive(Debug, Parser)]
#[command(
    name = "statsd-conformance",
    version,
    about = "Grades StatsD implementations against the golden vectors of spec-vectors/ (embedded at build time).",
    long_about = "Grades StatsD implementations against the golden vectors of spec-vectors/ (embedded at build \
time). With no adapter, the built-in implementation (statsd-wire) runs in process with full grading; with \
--adapter, any executable speaking the adapter protocol (spec-vectors/README.md) is graded.",
    args_conflicts_with_subcommands = true,
    after_help = "\
Statuses: PASS, SHOULD_HAVE_ACCEPTED, SHOULD_HAVE_REJECTED, MISMATCH, WRONG_ERROR_CLASS, WRONG_OFFSET, \
IMPL_ACCEPT, IMPL_REJECT, UNIMPLEMENTED, SKIPPED, XFAIL, XPASS, CRASH, TIMEOUT.
Selectors (--run, --skip, expectations): [DIALECT_GLOB:]ID_GLOB, matched against the case id and \
`id#decode` / `id#encode`; `*` matches any run of characters, `?` one.
Exit codes: 0 conformant (IMPL_*, XFAIL, SKIPPED, UNIMPLEMENTED are not failures); 1 failures; \
2 usage or harness error.

Examples:
  statsd-conformance
  statsd-conformance --adapter 'statsd-wire adapter' --json report.json
  statsd-conformance --adapter './my-adapter' --dialect etsy --run 'gauge/*' --grade-errors
  statsd-conformance matrix reports/*.json --markdown matrix.md --html matrix.html
  statsd-conformance export --flat out/ --corpus fuzz/seeds/"
)]
pub struct Cli {
    /// A subcommand; without one, runs the suite.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the run.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Merge reports into a cases × implementations matrix (Markdown, HTML).
    Matrix(MatrixArgs),
    /// Write the vectors as one file per case, or as fuzz seeds.
    Export(ExportArgs),
    /// Check the vectors (ids, flags, dialects, error classes, canonical forms).
    Lint(VectorsArgs),
    /// List the cases: dialect, verdict, id.
    List(ListArgs),
    /// Grade a running StatsD server, described by a profile, over the network.
    Daemon(crate::daemon::cli::DaemonArgs),
}

/// Options of a run.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Grade this adapter command (run through `sh -c` when it needs a shell)
    /// instead of the built-in implementation.
    #[arg(long, value_name = "CMD")]
    pub adapter: Option<String>,
    /// Which cases.
    #[command(flatten)]
    pub select: CaseSelection,
    /// Grade error classes (also when the adapter declares error_class).
    #[arg(long)]
    pub grade_errors: bool,
    /// Grade error offsets (also when the adapter declares error_offset).
    #[arg(long)]
    pub grade_offsets: bool,
    /// Grade the adapter as the reference implementation: implementation-defined
    /// cases against their `lines`, error classes and offsets always.
    #[arg(long)]
    pub reference: bool,
    /// One process per case even if the adapter declares `batch`.
    #[arg(long)]
    pub no_batch: bool,
    /// Adapter processes at a time.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub parallel: usize,
    /// Seconds an adapter call (or a batch response) may take.
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub timeout: f64,
    /// Stop calling the adapter after this many seconds in all: the cases not
    /// run by then are CRASH ("not run: the run's --deadline passed").
    #[arg(long, value_name = "SECS")]
    pub deadline: Option<f64>,
    /// Stop calling the adapter after N timeouts in a row (0: never): the
    /// cases left are CRASH (an adapter that never answers would otherwise
    /// cost --timeout per case).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_timeouts: u32,
    /// The implementation's label in reports.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Read the vectors from this directory (laid out like spec-vectors/)
    /// instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,
    /// Where the report goes.
    #[command(flatten)]
    pub output: ReportOutput,
    /// Also print an expectations block that marks the current failures xfail.
    #[arg(long)]
    pub print_xfail: bool,
}

/// The cases a run grades: `--dialect`, `--run`, `--skip`, `--expectations`
/// (shared by the adapter run and `daemon`).
#[derive(Debug, Args)]
pub struct CaseSelection {
    /// A dialect to grade (repeatable; default: every suite dialect the
    /// implementation declares; for `daemon`, the profile's `dialects`).
    #[arg(long = "dialect", value_name = "D")]
    pub dialects: Vec<String>,
    /// Only the cases matching this selector (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub run: Vec<String>,
    /// Not the cases matching this selector (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub skip: Vec<String>,
    /// JSON: {"skip": {glob: reason}, "xfail": {glob: reason}, "error_map":
    /// {their_class: our_class}}. An xfail that passes is XPASS (an error); an
    /// entry that matches no case is an error.
    #[arg(long, value_name = "FILE")]
    pub expectations: Option<PathBuf>,
}

impl CaseSelection {
    /// The expectations file, loaded (none: no expectations).
    pub fn load_expectations(&self) -> Result<Expectations, String> {
        match &self.expectations {
            Some(path) => Expectations::load(path),
            None => Ok(Expectations::default()),
        }
    }
}

/// Where a run's report goes: `--json`, `--junit`, and the summary on stdout
/// (`--max-failures`), shared by the adapter run and `daemon`.
#[derive(Debug, Args)]
pub struct ReportOutput {
    /// Write the JSON report here.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "OUT")]
    pub junit: Option<PathBuf>,
    /// Failures shown in the summary.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_failures: usize,
}

impl ReportOutput {
    /// Writes the report files asked for, then the summary to stdout.
    pub fn emit(&self, report: &Report) -> Result<(), String> {
        if let Some(path) = &self.json {
            write_file(path, &report.to_json())?;
        }
        if let Some(path) = &self.junit {
            write_file(path, &report.to_junit())?;
        }
        let _ = std::io::stdout()
            .lock()
            .write_all(render::summary(report, self.max_failures).as_bytes());
        Ok(())
    }
}

/// Options of `matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// JSON reports written with --json.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Write the Markdown matrix here (default: stdout, if --html is not given).
    #[arg(long, value_name = "OUT.md")]
    pub markdown: Option<PathBuf>,
    /// Write the HTML matrix here.
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
    /// The command that regenerates the matrix, shown at its top.
    #[arg(long, value_name = "CMD")]
    pub command: Option<String>,
    /// An implementation that could not be run: NAME=REASON (repeatable).
    #[arg(long, value_name = "NAME=REASON")]
    pub unavailable: Vec<String>,
    /// The date shown (default: now, UTC).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// One file per case: `DIR/<dialect>/<y|n|i>/<group>/<slug>.statsd` + `.json`.
    #[arg(
        long,
        value_name = "DIR",
        help = "One file per case: DIR/<dialect>/<y|n|i>/<group>/<slug>.statsd + .json"
    )]
    pub flat: Option<PathBuf>,
    /// Fuzz seeds: `DIR/<target>/<hash>`, for parse_datagram_spec,
    /// parse_datagram_etsy and differential.
    #[arg(
        long,
        value_name = "DIR",
        help = "Fuzz seeds: DIR/<target>/<hash>, for parse_datagram_spec, parse_datagram_etsy and differential"
    )]
    pub corpus: Option<PathBuf>,
    /// Read the vectors from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,
}

/// The vectors to use.
#[derive(Debug, Args)]
pub struct VectorsArgs {
    /// Read the vectors from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this dialect (repeatable).
    #[arg(long = "dialect", value_name = "D")]
    pub dialects: Vec<String>,
    /// Read the vectors from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,
}

pub(crate) fn load_suite(dir: Option<&Path>) -> Result<Suite, String> {
    let suite = match dir {
        Some(dir) => Suite::from_dir(dir).map_err(|e| e.to_string())?,
        None => Suite::embedded().map_err(|e| format!("embedded vectors: {e}"))?,
    };
    if suite.is_empty() {
        return Err(
            "no vectors: spec-vectors/vectors/ was empty when this binary was built; rebuild, or pass --vectors DIR"
                .into(),
        );
    }
    Ok(suite)
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs the command line; returns the exit code.
pub fn main_with(cli: Cli) -> i32 {
    let result = match cli.command {
        None => run(&cli.run),
        Some(Command::Matrix(args)) => matrix(&args),
        Some(Command::Export(args)) => export_cmd(&args),
        Some(Command::Lint(args)) => lint(&args),
        Some(Command::List(args)) => list(&args),
        Some(Command::Daemon(args)) => crate::daemon::cli::daemon(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("statsd-conformance: {message}");
            EXIT_HARNESS
        }
    }
}

fn run(args: &RunArgs) -> Result<i32, String> {
    let suite = load_suite(args.vectors.as_deref())?;
    let expectations = args.select.load_expectations()?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(format!(
            "--timeout {}: must be a positive number of seconds",
            args.timeout
        ));
    }
    let deadline = match args.deadline {
        None => None,
        Some(d) if d.is_finite() && d > 0.0 => Some(Duration::from_secs_f64(d)),
        Some(d) => {
            return Err(format!(
                "--deadline {d}: must be a positive number of seconds"
            ));
        }
    };
    crate::exec::set_limits(deadline, args.max_timeouts);
    let target = match &args.adapter {
        Some(cmd) if cmd.trim().is_empty() => return Err("--adapter: empty command".into()),
        Some(cmd) => Target::Adapter(cmd.clone()),
        None => Target::InProcess,
    };
    let opts = RunOptions {
        dialects: args.select.dialects.clone(),
        run: args.select.run.clone(),
        skip: args.select.skip.clone(),
        expectations,
        grade_errors: args.grade_errors,
        grade_offsets: args.grade_offsets,
        reference: args.reference,
        batch: !args.no_batch,
        timeout: Duration::from_secs_f64(args.timeout),
        parallel: args.parallel.max(1),
        name: args.name.clone(),
    };
    let report = runner::run(&suite, &target, &opts);
    // Adapter processes that outlived their call (even after setsid) go now.
    let strays = crate::exec::reap_strays();
    if strays > 0 {
        eprintln!("statsd-conformance: killed {strays} adapter process(es) left running");
    }
    if let Some(why) = crate::exec::stopped() {
        eprintln!("statsd-conformance: stopped calling the adapter early: {why}");
    }
    let mut report = report.map_err(|e| e.to_string())?;
    if target == Target::InProcess {
        // The built-in run doubles as the Rust-side vector lint.
        report.problems.extend(
            suite
                .lint()
                .into_iter()
                .map(|p| format!("vector lint: {p}")),
        );
        report.summary = crate::report::Summary::of(&report.cases, report.problems.len());
    }
    args.output.emit(&report)?;
    if args.print_xfail {
        let mut stdout = std::io::stdout().lock();
        if let Some(block) = render::xfail_block(&report) {
            let _ = writeln!(
                stdout,
                "\nExpectations marking these failures xfail:\n{block}"
            );
        }
    }
    Ok(if report.summary.conformant {
        EXIT_OK
    } else {
        EXIT_FAILURES
    })
}

fn matrix(args: &MatrixArgs) -> Result<i32, String> {
    let mut reports = Vec::new();
    for path in &args.reports {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        reports.push(Report::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let unavailable = args
        .unavailable
        .iter()
        .map(|u| match u.split_once('=') {
            Some((n, r)) => Unavailable {
                name: n.trim().to_string(),
                reason: r.trim().to_string(),
            },
            None => Unavailable {
                name: u.trim().to_string(),
                reason: "unavailable".into(),
            },
        })
        .collect();
    let m = Matrix::new(reports, unavailable);
    let command = args.command.clone().unwrap_or_else(|| {
        let mut c = String::from("statsd-conformance matrix");
        for a in std::env::args().skip(2) {
            c.push(' ');
            c.push_str(&a);
        }
        c
    });
    let date = args.date.clone().unwrap_or_else(crate::report::now_rfc3339);
    if let Some(path) = &args.markdown {
        write_file(path, &m.to_markdown(&command, &date))?;
    }
    if let Some(path) = &args.html {
        write_file(path, &m.to_html(&command, &date))?;
    }
    if args.markdown.is_none() && args.html.is_none() {
        let _ = std::io::stdout()
            .lock()
            .write_all(m.to_markdown(&command, &date).as_bytes());
    }
    Ok(EXIT_OK)
}

fn export_cmd(args: &ExportArgs) -> Result<i32, String> {
    if args.flat.is_none() && args.corpus.is_none() {
        return Err("export: give --flat DIR and/or --corpus DIR".into());
    }
    let suite = load_suite(args.vectors.as_deref())?;
    if let Some(dir) = &args.flat {
        let w = export::flat(&suite, dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        println!("wrote {} files to {}", w.files, dir.display());
    }
    if let Some(dir) = &args.corpus {
        let w = export::corpus(&suite, dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        println!("wrote {} seed files to {}", w.files, dir.display());
    }
    Ok(EXIT_OK)
}

fn lint(args: &VectorsArgs) -> Result<i32, String> {
    let suite = load_suite(args.vectors.as_deref())?;
    let problems = suite.lint();
    let decode = suite.cases().count();
    let encode = suite.encoder_cases().count();
    for p in &problems {
        println!("{p}");
    }
    println!(
        "{} {}: {decode} decode vectors, {encode} encoder vectors, {} problems",
        crate::vectors::SUITE_NAME,
        suite.version,
        problems.len()
    );
    Ok(if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILURES
    })
}

fn list(args: &ListArgs) -> Result<i32, String> {
    let suite = load_suite(args.vectors.as_deref())?;
    let dialects = if args.dialects.is_empty() {
        suite.dialect_ids()
    } else {
        args.dialects.clone()
    };
    let mut out = std::io::stdout().lock();
    for d in &dialects {
        for c in suite.cases() {
            if let Some(o) = c.outcome(d) {
                let _ = writeln!(out, "{d}\t{}\tdecode\t{}", o.verdict.letter(), c.id);
            }
        }
        for c in suite.encoder_cases() {
            if let Some(o) = c.outcome(d) {
                let _ = writeln!(out, "{d}\t{}\tencode\t{}", o.verdict.letter(), c.id);
            }
        }
    }
    Ok(EXIT_OK)
}
