//! Running the suite against an implementation — in process, or any adapter
//! through the protocol — and grading every case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};
use statsd_wire_protocol::{
    BatchResponse, Capabilities, DecodeOutput, JsonMessage, JsonMetric, LineResult,
    PROTOCOL_VERSION, adapter, hex_decode, hex_encode,
};

use crate::compare::{self, Grading, IssueKind};
use crate::exec::{self, Batch, BatchStop, Exit};
use crate::glob;
use crate::report::{CaseResult, GradingInfo, Kind, REPORT_VERSION, Report, Status, Summary};
use crate::vectors::{Case, EncodeOutcome, EncoderCase, Outcome, SUITE_NAME, Suite, Verdict};

/// Exit code of an adapter: dialect or operation not implemented.
const EXIT_UNIMPLEMENTED: i32 = 89;
/// How many times a broken batch stream is restarted before the rest of its
/// chunk runs one process per case.
const MAX_BATCH_RESTARTS: usize = 8;

/// The implementation under test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The built-in implementation, called in process through
    /// `statsd_wire_protocol::adapter`.
    InProcess,
    /// An adapter executable (a command line; `sh -c` when it needs a shell).
    Adapter(String),
}

/// The expectations file of an implementation (BoGo's `DisabledTests` and
/// `ErrorMap`): `{"skip": {glob: reason}, "xfail": {glob: reason},
/// "error_map": {their_class: our_class}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// Selectors of cases not to run, with the reason.
    #[serde(default)]
    pub skip: BTreeMap<String, String>,
    /// Selectors of known failures, with the reason.
    #[serde(default)]
    pub xfail: BTreeMap<String, String>,
    /// The implementation's error classes mapped onto the suite's.
    #[serde(default)]
    pub error_map: BTreeMap<String, String>,
}

impl Expectations {
    /// Reads an expectations file.
    pub fn load(path: &Path) -> Result<Expectations, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The dialects (empty: every suite dialect the implementation declares).
    pub dialects: Vec<String>,
    /// Only cases matching one of these selectors (empty: all).
    pub run: Vec<String>,
    /// Not the cases matching these selectors.
    pub skip: Vec<String>,
    /// Skips, known failures and the error map.
    pub expectations: Expectations,
    /// Grade error classes even if the adapter does not declare `error_class`.
    pub grade_errors: bool,
    /// Grade offsets even if the adapter does not declare `error_offset`.
    pub grade_offsets: bool,
    /// Grade as the reference implementation: `i` cases against their
    /// `lines`, error classes and offsets always (always on in process).
    pub reference: bool,
    /// Use `batch` when the adapter declares it.
    pub batch: bool,
    /// The deadline of one call (and of each batch response).
    pub timeout: Duration,
    /// Concurrent adapter processes.
    pub parallel: usize,
    /// The label in reports (default: the implementation's name).
    pub name: Option<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            dialects: Vec::new(),
            run: Vec::new(),
            skip: Vec::new(),
            expectations: Expectations::default(),
            grade_errors: false,
            grade_offsets: false,
            reference: false,
            batch: true,
            timeout: Duration::from_secs(1),
            parallel: 2,
            name: None,
        }
    }
}

/// The run could not be carried out (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HarnessError(pub String);

impl std::fmt::Display for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HarnessError {}

/// One thing to ask the implementation.
#[derive(Clone, Debug)]
enum Request {
    Decode(Vec<u8>),
    Encode(Vec<JsonMessage>),
}

/// The body of an encode request: `{"metrics": [...]}` when every message is a
/// metric (what a version 1 adapter reads), else `{"messages": [...]}`.
fn encode_body(messages: &[JsonMessage]) -> Value {
    let metrics: Option<Vec<&JsonMetric>> = messages
        .iter()
        .map(|m| match m {
            JsonMessage::Metric(m) => Some(m),
            _ => None,
        })
        .collect();
    match metrics {
        Some(metrics) => json!({ "metrics": metrics }),
        None => json!({ "messages": messages }),
    }
}

/// What the implementation answered.
#[derive(Clone, Debug)]
enum Reply {
    /// decode, exit 0.
    Lines(Vec<LineResult>),
    /// encode, exit 0.
    Output(Vec<u8>),
    /// exit 1.
    Rejected,
    /// exit 89.
    Unimplemented,
    /// Anything else.
    Crash(String),
    /// No answer in time.
    Timeout,
}

#[derive(Clone, Debug)]
struct Answer {
    reply: Reply,
    got: Value,
    stderr_tail: String,
}

/// What one work item grades.
#[derive(Clone, Debug)]
enum Check<'a> {
    Decode(&'a Case, &'a Outcome),
    /// The canonical form of a `y` vector: encode its metrics.
    Canonical(&'a Case, &'a Outcome, &'a str),
    Encoder(&'a EncoderCase, &'a EncodeOutcome),
}

#[derive(Clone, Debug)]
struct Item<'a> {
    dialect: String,
    check: Check<'a>,
}

impl Item<'_> {
    fn id(&self) -> &str {
        match &self.check {
            Check::Decode(c, _) | Check::Canonical(c, _, _) => &c.id,
            Check::Encoder(c, _) => &c.id,
        }
    }

    fn kind(&self) -> Kind {
        match self.check {
            Check::Decode(..) => Kind::Decode,
            _ => Kind::Encode,
        }
    }

    /// The request id in a batch stream.
    fn request_id(&self) -> String {
        let prefix = match self.check {
            Check::Decode(..) => "decode",
            Check::Canonical(..) => "canonical",
            Check::Encoder(..) => "encode",
        };
        format!("{prefix}:{}", self.id())
    }

    fn request(&self) -> Request {
        match &self.check {
            Check::Decode(c, _) => Request::Decode(c.bytes()),
            Check::Canonical(_, o, _) => Request::Encode(expected_messages(o)),
            Check::Encoder(c, _) => Request::Encode(c.messages()),
        }
    }

    fn verdict(&self) -> Verdict {
        match &self.check {
            Check::Decode(_, o) => o.verdict,
            Check::Canonical(..) => Verdict::Accept,
            Check::Encoder(_, o) => o.verdict,
        }
    }

    fn input_json(&self) -> Value {
        match &self.check {
            Check::Decode(c, _) => c.input_json(),
            Check::Canonical(_, o, _) => encode_body(&expected_messages(o)),
            Check::Encoder(c, _) => encode_body(&c.messages()),
        }
    }

    fn expected_json(&self) -> Value {
        match &self.check {
            Check::Decode(_, o) => serde_json::to_value(o).unwrap_or(Value::Null),
            Check::Canonical(_, _, canonical) => json!({ "verdict": "y", "output": canonical }),
            Check::Encoder(_, o) => serde_json::to_value(o).unwrap_or(Value::Null),
        }
    }

    fn result(
        &self,
        status: Status,
        detail: String,
        got: Value,
        stderr_tail: String,
    ) -> CaseResult {
        CaseResult {
            id: self.id().to_string(),
            dialect: self.dialect.clone(),
            kind: self.kind(),
            verdict: self.verdict().letter().to_string(),
            status,
            detail,
            input: self.input_json(),
            expected: self.expected_json(),
            got,
            stderr_tail,
        }
    }
}

fn expected_messages(outcome: &Outcome) -> Vec<JsonMessage> {
    outcome
        .lines
        .iter()
        .filter_map(LineResult::message)
        .collect()
}

/// The kinds of line beyond metrics (`event`, `service_check`) a decode case
/// needs the implementation to understand in `dialect`: those of its expected
/// messages, and in a dialect with events and service checks, those its input
/// lines start like (`_e{`, `_sc|`). Daemon mode grades by the same rule.
pub(crate) fn decode_kinds_needed(
    case: &Case,
    outcome: &Outcome,
    dialect: &str,
) -> BTreeSet<&'static str> {
    let mut kinds = BTreeSet::new();
    let routes = dialect
        .parse::<statsd_wire::Dialect>()
        .is_ok_and(|d| d.rules().dogstatsd_fields);
    if routes {
        for line in case.bytes().split(|&b| b == b'\n') {
            if line.starts_with(b"_e{") {
                kinds.insert("event");
            } else if line.starts_with(b"_sc|") {
                kinds.insert("service_check");
            }
        }
    }
    for m in &expected_messages(outcome) {
        if m.kind() != "metric" {
            kinds.insert(m.kind());
        }
    }
    kinds
}

/// The kinds of line beyond metrics (`event`, `service_check`) a case needs
/// the implementation to understand: those of its expected messages, and for
/// a decode case in a dialect with events and service checks, those its input
/// lines start like (`_e{`, `_sc|`), so that a rejected event is not graded
/// against an adapter that knows no events.
fn kinds_needed(item: &Item<'_>) -> BTreeSet<&'static str> {
    let mut kinds = BTreeSet::new();
    let messages = match &item.check {
        Check::Decode(case, outcome) => return decode_kinds_needed(case, outcome, &item.dialect),
        Check::Canonical(_, outcome, _) => expected_messages(outcome),
        Check::Encoder(case, _) => case.messages(),
    };
    for m in &messages {
        if m.kind() != "metric" {
            kinds.insert(m.kind());
        }
    }
    kinds
}

/// Whether the protocol's JSON forms carry everything of `canonical` (so that
/// encoding the expected messages can give it back): not when a line has
/// unknown fields, or is an event or service check with `|c:`, `|e:` or
/// `|card:` (the protocol has no member for them). Such a case's canonical
/// form is graded only by the decode side (the vector lint re-parses it), not
/// by an encode request. Dialects the reference does not know: always.
fn carried_by_json(dialect: &str, canonical: &str) -> bool {
    use statsd_wire::Message;
    let Ok(dialect) = dialect.parse::<statsd_wire::Dialect>() else {
        return true;
    };
    let config = statsd_wire::Config::new(dialect);
    statsd_wire::parse_messages(canonical.as_bytes(), &config).all(|line| match line {
        Err(_) => true,
        Ok(p) => match p.message {
            Message::Metric(m) => m.unknown_fields.is_empty(),
            Message::Event(e) => {
                e.unknown_fields.is_empty()
                    && e.container_id.is_none()
                    && e.external_data.is_none()
                    && e.cardinality.is_none()
            }
            Message::ServiceCheck(c) => {
                c.unknown_fields.is_empty()
                    && c.container_id.is_none()
                    && c.external_data.is_none()
                    && c.cardinality.is_none()
            }
            _ => false,
        },
    })
}

/// The items of the suite for `dialects`, in suite order per dialect: every
/// decode vector, the canonical form of every `y` vector, every encoder vector.
fn items<'a>(suite: &'a Suite, dialects: &[String]) -> Vec<Item<'a>> {
    let mut items = Vec::new();
    for dialect in dialects {
        for case in suite.cases() {
            let Some(outcome) = case.outcome(dialect) else {
                continue;
            };
            items.push(Item {
                dialect: dialect.clone(),
                check: Check::Decode(case, outcome),
            });
            if let (Verdict::Accept, Some(canonical)) = (outcome.verdict, &outcome.canonical) {
                if !carried_by_json(dialect, canonical) {
                    continue;
                }
                items.push(Item {
                    dialect: dialect.clone(),
                    check: Check::Canonical(case, outcome, canonical),
                });
            }
        }
        for case in suite.encoder_cases() {
            if let Some(outcome) = case.outcome(dialect) {
                items.push(Item {
                    dialect: dialect.clone(),
                    check: Check::Encoder(case, outcome),
                });
            }
        }
    }
    items
}

// ---------------------------------------------------------------- calling

fn got_crash(detail: &str, stdout: &[u8]) -> Value {
    let mut v = json!({ "crash": detail });
    if !stdout.is_empty() {
        let shown = &stdout[..stdout.len().min(2000)];
        v["stdout"] = Value::String(String::from_utf8_lossy(shown).into_owned());
    }
    v
}

fn output_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => json!({ "exit": 0, "output": text }),
        Err(_) => json!({ "exit": 0, "output_hex": hex_encode(bytes) }),
    }
}

/// Interprets exit code and stdout of a single call.
fn answer_from_output(request: &Request, out: exec::Output) -> Answer {
    let stderr_tail = out.stderr_tail;
    let crash = |detail: String, stdout: &[u8], stderr_tail: String| Answer {
        got: got_crash(&detail, stdout),
        reply: Reply::Crash(detail),
        stderr_tail,
    };
    match out.exit {
        Exit::Timeout => Answer {
            reply: Reply::Timeout,
            got: json!({ "timeout": true }),
            stderr_tail,
        },
        Exit::SpawnFailed(e) => crash(e, &[], stderr_tail),
        Exit::Signal(sig) => crash(format!("killed by signal {sig}"), &out.stdout, stderr_tail),
        Exit::Code(EXIT_UNIMPLEMENTED) => Answer {
            reply: Reply::Unimplemented,
            got: json!({ "exit": EXIT_UNIMPLEMENTED }),
            stderr_tail,
        },
        Exit::Code(1) => Answer {
            reply: Reply::Rejected,
            got: json!({ "exit": 1 }),
            stderr_tail,
        },
        Exit::Code(0) if out.stdout_truncated => {
            let detail = format!("stdout larger than {} MiB", exec::MAX_STDOUT >> 20);
            crash(detail, &out.stdout, stderr_tail)
        }
        Exit::Code(0) => match request {
            Request::Encode(_) => Answer {
                got: output_json(&out.stdout),
                reply: Reply::Output(out.stdout),
                stderr_tail,
            },
            Request::Decode(_) => match serde_json::from_slice::<DecodeOutput>(&out.stdout) {
                Ok(decoded) => Answer {
                    got: json!({ "exit": 0, "lines": decoded.lines }),
                    reply: Reply::Lines(decoded.lines),
                    stderr_tail,
                },
                Err(e) => crash(
                    format!("invalid JSON on stdout: {e}"),
                    &out.stdout,
                    stderr_tail,
                ),
            },
        },
        Exit::Code(code) => {
            let hint = if code > 128 && code < 160 {
                format!(" (a shell reports signal {} so)", code - 128)
            } else {
                String::new()
            };
            crash(format!("exit code {code}{hint}"), &out.stdout, stderr_tail)
        }
    }
}

/// Interprets one batch response.
fn answer_from_batch(request: &Request, response: BatchResponse) -> Answer {
    let stderr_tail = String::new();
    match response.exit {
        EXIT_UNIMPLEMENTED => Answer {
            reply: Reply::Unimplemented,
            got: json!({ "exit": EXIT_UNIMPLEMENTED }),
            stderr_tail,
        },
        1 => Answer {
            reply: Reply::Rejected,
            got: json!({ "exit": 1 }),
            stderr_tail,
        },
        0 => match request {
            Request::Decode(_) => match response.lines {
                Some(lines) => Answer {
                    got: json!({ "exit": 0, "lines": lines }),
                    reply: Reply::Lines(lines),
                    stderr_tail,
                },
                None => Answer {
                    reply: Reply::Crash("batch response without lines".into()),
                    got: json!({ "crash": "batch response without lines" }),
                    stderr_tail,
                },
            },
            Request::Encode(_) => {
                let bytes = match (response.output, response.output_hex) {
                    (Some(text), _) => Some(text.into_bytes()),
                    (None, Some(hex)) => hex_decode(&hex),
                    (None, None) => None,
                };
                match bytes {
                    Some(bytes) => Answer {
                        got: output_json(&bytes),
                        reply: Reply::Output(bytes),
                        stderr_tail,
                    },
                    None => Answer {
                        reply: Reply::Crash("batch response without output".into()),
                        got: json!({ "crash": "batch response without output" }),
                        stderr_tail,
                    },
                }
            }
        },
        code => Answer {
            reply: Reply::Crash(format!("exit code {code} (batch)")),
            got: json!({ "crash": format!("exit code {code} (batch)") }),
            stderr_tail,
        },
    }
}

/// The implementation behind a [`Target`], with what it declared.
struct Driver<'o> {
    target: Target,
    caps: Capabilities,
    opts: &'o RunOptions,
}

impl Driver<'_> {
    fn has_op(&self, op: &str) -> bool {
        self.target == Target::InProcess || self.caps.ops.iter().any(|o| o == op)
    }

    /// One request, in process or as one adapter process.
    fn call(&self, dialect: &str, request: &Request) -> Answer {
        match &self.target {
            Target::InProcess => in_process(dialect, request),
            Target::Adapter(cmd) => {
                let (op, stdin) = match request {
                    Request::Decode(bytes) => ("decode", bytes.clone()),
                    Request::Encode(messages) => (
                        "encode",
                        serde_json::to_vec(&encode_body(messages)).unwrap_or_default(),
                    ),
                };
                let out = exec::run(cmd, &[op, "--dialect", dialect], &stdin, self.opts.timeout);
                answer_from_output(request, out)
            }
        }
    }

    /// A chunk of requests of one dialect through `batch`, falling back to
    /// single calls to isolate whatever broke the stream.
    fn batch(&self, cmd: &str, dialect: &str, chunk: &[(String, Request)]) -> Vec<Answer> {
        let mut answers: Vec<Answer> = Vec::with_capacity(chunk.len());
        let mut restarts = 0;
        while answers.len() < chunk.len() {
            if restarts > MAX_BATCH_RESTARTS {
                let rest = &chunk[answers.len()..];
                answers.extend(rest.iter().map(|(_, r)| self.call(dialect, r)));
                break;
            }
            let start = answers.len();
            let lines: Vec<String> = chunk[start..]
                .iter()
                .map(|(id, r)| batch_request_line(id, r))
                .collect();
            // Start-up is slow for some adapters (an interpreter, a daemon): the
            // first response of a stream may take longer, less so on restarts.
            let first = self.opts.timeout * if restarts == 0 { 5 } else { 2 };
            let args = ["batch", "--dialect", dialect];
            let stop = match Batch::start(cmd, &args, lines, self.opts.timeout, first) {
                Err(stop) => Some(stop),
                Ok(mut batch) => {
                    let mut stop = None;
                    for (id, request) in &chunk[start..] {
                        match batch.next_line() {
                            Err(s) => {
                                stop = Some(s);
                                break;
                            }
                            Ok(line) => match parse_batch_line(&line, id) {
                                Ok(response) => answers.push(answer_from_batch(request, response)),
                                Err(why) => {
                                    stop = Some(BatchStop::Garbage(why));
                                    break;
                                }
                            },
                        }
                    }
                    batch.finish();
                    stop
                }
            };
            if stop.is_some() {
                // Isolate the culprit: run it on its own, then restart the stream.
                let (_, request) = &chunk[answers.len()];
                answers.push(self.call(dialect, request));
                restarts += 1;
            }
        }
        answers
    }
}

fn batch_request_line(id: &str, request: &Request) -> String {
    let value = match request {
        Request::Decode(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => json!({ "id": id, "op": "decode", "input": text }),
            Err(_) => json!({ "id": id, "op": "decode", "input_hex": hex_encode(bytes) }),
        },
        Request::Encode(messages) => {
            let mut value = encode_body(messages);
            value["id"] = json!(id);
            value["op"] = json!("encode");
            value
        }
    };
    value.to_string()
}

fn parse_batch_line(line: &[u8], id: &str) -> Result<BatchResponse, String> {
    let shown = || String::from_utf8_lossy(&line[..line.len().min(200)]).into_owned();
    let response: BatchResponse = serde_json::from_slice(line)
        .map_err(|e| format!("invalid batch response {:?}: {e}", shown()))?;
    if response.id != id {
        return Err(format!(
            "batch response for {:?} where {id:?} was due",
            response.id
        ));
    }
    Ok(response)
}

fn in_process(dialect: &str, request: &Request) -> Answer {
    let Some(config) = adapter::config_for(dialect) else {
        return Answer {
            reply: Reply::Unimplemented,
            got: json!({ "exit": EXIT_UNIMPLEMENTED }),
            stderr_tail: String::new(),
        };
    };
    match request {
        Request::Decode(bytes) => {
            // Through JSON, exactly as the `statsd-wire adapter` binary answers,
            // plus each accepted line's warnings (graded in process only).
            let text = serde_json::to_vec(&adapter::decode_with_warnings(bytes, &config))
                .unwrap_or_default();
            answer_from_output(
                request,
                exec::Output {
                    exit: Exit::Code(0),
                    stdout: text,
                    stdout_truncated: false,
                    stderr_tail: String::new(),
                },
            )
        }
        Request::Encode(messages) => {
            let body = serde_json::to_vec(&encode_body(messages)).unwrap_or_default();
            match adapter::encode(&body, &config) {
                Ok(bytes) => Answer {
                    got: output_json(&bytes),
                    reply: Reply::Output(bytes),
                    stderr_tail: String::new(),
                },
                Err(refusal) => Answer {
                    reply: Reply::Rejected,
                    got: json!({ "exit": 1 }),
                    stderr_tail: refusal.to_string(),
                },
            }
        }
    }
}

// ---------------------------------------------------------------- grading

struct Grader<'a> {
    grading: Grading,
    reference: bool,
    canonical: bool,
    error_map: &'a BTreeMap<String, String>,
}

fn status_of(kind: IssueKind) -> Status {
    match kind {
        IssueKind::ShouldHaveAccepted => Status::ShouldHaveAccepted,
        IssueKind::ShouldHaveRejected => Status::ShouldHaveRejected,
        IssueKind::Mismatch => Status::Mismatch,
        IssueKind::WrongErrorClass => Status::WrongErrorClass,
        IssueKind::WrongOffset => Status::WrongOffset,
    }
}

fn join_issues(issues: &[compare::Issue]) -> String {
    issues
        .iter()
        .map(|i| i.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Grader<'_> {
    fn grade(&self, item: &Item<'_>, answer: &Answer) -> (Status, String) {
        match &answer.reply {
            Reply::Unimplemented => return (Status::Unimplemented, "exit code 89".into()),
            Reply::Crash(d) => return (Status::Crash, d.clone()),
            Reply::Timeout => return (Status::Timeout, "no answer in time".into()),
            _ => {}
        }
        match &item.check {
            Check::Decode(case, outcome) => {
                self.grade_decode(&case.bytes(), outcome, &answer.reply)
            }
            Check::Canonical(_, _, canonical) => self.grade_encode(
                &item.dialect,
                Verdict::Accept,
                Some(canonical),
                &answer.reply,
            ),
            Check::Encoder(_, o) => {
                self.grade_encode(&item.dialect, o.verdict, o.output.as_deref(), &answer.reply)
            }
        }
    }

    fn grade_decode(&self, input: &[u8], outcome: &Outcome, reply: &Reply) -> (Status, String) {
        let expected = &outcome.lines;
        let (got, whole) = match reply {
            Reply::Lines(lines) => (lines.clone(), false),
            // The whole datagram rejected: every line counts as rejected.
            Reply::Rejected => {
                if outcome.verdict == Verdict::Accept {
                    return (
                        Status::ShouldHaveAccepted,
                        "the whole datagram was rejected (exit 1)".into(),
                    );
                }
                let rejected = LineResult {
                    ok: false,
                    metric: None,
                    event: None,
                    service_check: None,
                    error: None,
                    warnings: None,
                };
                (vec![rejected; expected.len()], true)
            }
            Reply::Output(_) => {
                return (Status::Crash, "decode answered with encode output".into());
            }
            // 89, crash and timeout are graded before.
            _ => return (Status::Crash, "internal: unexpected reply".into()),
        };
        let accepted = !whole && got.iter().all(|l| l.ok);
        let impl_status = if accepted {
            Status::ImplAccept
        } else {
            Status::ImplReject
        };
        if outcome.verdict == Verdict::ImplDefined && !self.reference {
            let detail = if whole {
                "the whole datagram was rejected (exit 1)".to_string()
            } else {
                String::new()
            };
            return (impl_status, detail);
        }
        if got.len() != expected.len() && !whole {
            // No framing splits a datagram into more lines than it has "\n"
            // separated segments, or ignores every line: that is a broken
            // adapter. Anything in between is a different framing (a lone
            // "\r" taken for a line, ...): graded, not a crash.
            let segments = input.iter().filter(|&&b| b == b'\n').count() + 1;
            let shown = format!(
                "lines: expected {} line results, got {}",
                expected.len(),
                got.len()
            );
            if got.len() > segments || (got.is_empty() && !expected.is_empty()) {
                return (
                    Status::Crash,
                    format!(
                        "protocol: {} line results for a datagram of {segments} \\n-separated segments ({shown})",
                        got.len()
                    ),
                );
            }
            let all_ok = got.iter().all(|l| l.ok);
            let status = match outcome.verdict {
                Verdict::Accept if !all_ok => Status::ShouldHaveAccepted,
                Verdict::Reject if all_ok => Status::ShouldHaveRejected,
                _ => Status::Mismatch,
            };
            return (
                status,
                format!("{shown} (the datagram was framed differently)"),
            );
        }
        let issues = compare::lines(expected, &got, self.grading, self.error_map);
        let mut detail = join_issues(&issues);
        if whole && !detail.is_empty() {
            detail = format!("the whole datagram was rejected (exit 1): {detail}");
        }
        match issues.first() {
            Some(issue) => (status_of(issue.kind), detail),
            None if outcome.verdict == Verdict::ImplDefined => (impl_status, detail),
            None => (Status::Pass, detail),
        }
    }

    fn grade_encode(
        &self,
        dialect: &str,
        verdict: Verdict,
        output: Option<&str>,
        reply: &Reply,
    ) -> (Status, String) {
        match (verdict, reply) {
            (Verdict::Reject, Reply::Rejected) => (Status::Pass, String::new()),
            (Verdict::Reject, Reply::Output(bytes)) => (
                Status::ShouldHaveRejected,
                format!(
                    "output: expected a refusal (exit 1), got {}",
                    compare::quote(&String::from_utf8_lossy(bytes))
                ),
            ),
            (_, Reply::Rejected) => (
                Status::ShouldHaveAccepted,
                "output: expected an encoding, got a refusal (exit 1)".into(),
            ),
            (_, Reply::Output(bytes)) => {
                let want = output.unwrap_or_default();
                if bytes == want.as_bytes() {
                    return (Status::Pass, String::new());
                }
                let got_text = String::from_utf8_lossy(bytes);
                let exact = format!(
                    "output: expected {}, got {}",
                    compare::quote(want),
                    compare::quote(&got_text)
                );
                if self.canonical || self.reference {
                    return (Status::Mismatch, exact);
                }
                // Not canonical: the reference decoder reads both and compares metrics.
                let Some(config) = adapter::config_for(dialect) else {
                    return (
                        Status::Mismatch,
                        format!("{exact} (no reference decoder for {dialect})"),
                    );
                };
                let want_lines = adapter::decode(want.as_bytes(), &config).lines;
                let got_lines = adapter::decode(bytes, &config).lines;
                let issues = compare::lines(
                    &want_lines,
                    &got_lines,
                    Grading::default(),
                    &BTreeMap::new(),
                );
                if issues.is_empty() {
                    (
                        Status::Pass,
                        format!("not canonical, same metrics: {exact}"),
                    )
                } else {
                    (
                        Status::Mismatch,
                        format!("{exact}; re-decoded: {}", join_issues(&issues)),
                    )
                }
            }
            (_, Reply::Lines(_)) => (Status::Crash, "encode answered with decode lines".into()),
            // 89, crash and timeout are graded before.
            _ => (Status::Crash, "internal: unexpected reply".into()),
        }
    }
}

// ---------------------------------------------------------------- running

/// Asks the implementation for its capabilities.
pub fn capabilities(target: &Target, timeout: Duration) -> Result<Capabilities, HarnessError> {
    let cmd = match target {
        Target::InProcess => return Ok(adapter::capabilities()),
        Target::Adapter(cmd) => cmd,
    };
    // Start-up may be slow (an interpreter, a daemon): allow more than one call.
    let out = exec::run(
        cmd,
        &["capabilities"],
        b"",
        timeout.max(Duration::from_secs(10)),
    );
    let fail = |why: String| {
        let tail = out.stderr_tail.trim();
        HarnessError(if tail.is_empty() {
            format!("{cmd} capabilities: {why}")
        } else {
            format!("{cmd} capabilities: {why}\nstderr: {tail}")
        })
    };
    match &out.exit {
        Exit::Code(0) => {}
        Exit::Code(c) => return Err(fail(format!("exit code {c}"))),
        Exit::Signal(s) => return Err(fail(format!("killed by signal {s}"))),
        Exit::Timeout => return Err(fail("timed out".into())),
        Exit::SpawnFailed(e) => return Err(fail(e.clone())),
    }
    let caps: Capabilities = serde_json::from_slice(&out.stdout)
        .map_err(|e| fail(format!("invalid capabilities JSON: {e}")))?;
    // Version 2 is a superset of version 1: a version 1 adapter is graded on
    // every case that needs nothing new.
    if !(1..=PROTOCOL_VERSION).contains(&caps.protocol) {
        return Err(fail(format!(
            "protocol {} (this runner speaks versions 1 to {PROTOCOL_VERSION})",
            caps.protocol
        )));
    }
    Ok(caps)
}

/// Runs the suite against `target` and grades every case.
pub fn run(suite: &Suite, target: &Target, opts: &RunOptions) -> Result<Report, HarnessError> {
    let started = Instant::now();
    let caps = capabilities(target, opts.timeout)?;
    let suite_dialects = suite.dialect_ids();
    let dialects: Vec<String> = if opts.dialects.is_empty() {
        suite_dialects
            .iter()
            .filter(|d| caps.dialects.contains(d))
            .cloned()
            .collect()
    } else {
        for d in &opts.dialects {
            if !suite_dialects.contains(d) {
                return Err(HarnessError(format!(
                    "dialect {d:?} is not in the suite (dialects: {})",
                    suite_dialects.join(", ")
                )));
            }
        }
        opts.dialects.clone()
    };
    if dialects.is_empty() {
        return Err(HarnessError(format!(
            "{} declares no dialect of the suite (it declares: {}; the suite has: {})",
            caps.name,
            caps.dialects.join(", "),
            suite_dialects.join(", ")
        )));
    }

    let reference = opts.reference || *target == Target::InProcess;
    let grading = Grading {
        classes: reference || opts.grade_errors || caps.features.error_class,
        offsets: reference || opts.grade_offsets || caps.features.error_offset,
        // Warnings are not part of the adapter protocol: only the built-in
        // implementation, in process, reports them (against a suite that pins
        // them).
        warnings: *target == Target::InProcess && suite.has_warnings(),
    };
    let grader = Grader {
        grading,
        reference,
        canonical: caps.features.canonical,
        error_map: &opts.expectations.error_map,
    };
    let driver = Driver {
        target: target.clone(),
        caps: caps.clone(),
        opts,
    };

    let all = items(suite, &dialects);
    let mut problems = Vec::new();
    // Stale expectations: an entry that selects no case of these dialects.
    for (kind, map) in [
        ("skip", &opts.expectations.skip),
        ("xfail", &opts.expectations.xfail),
    ] {
        for selector in map.keys() {
            if !all
                .iter()
                .any(|it| glob::selects(selector, it.id(), &it.dialect, it.kind().name()))
            {
                problems.push(format!(
                    "expectations: {kind} entry {selector:?} matches no case (stale entry)"
                ));
            }
        }
    }

    // Selection: --run/--skip drop cases; expectations' skips report SKIPPED.
    let selected: Vec<&Item<'_>> = all
        .iter()
        .filter(|it| {
            let sel = |s: &String| glob::selects(s, it.id(), &it.dialect, it.kind().name());
            (opts.run.is_empty() || opts.run.iter().any(sel)) && !opts.skip.iter().any(sel)
        })
        .collect();
    if selected.is_empty() && !all.is_empty() {
        return Err(HarnessError(format!(
            "no case matches the selection (--run {:?}, --skip {:?})",
            opts.run, opts.skip
        )));
    }
    let mut results: Vec<Option<CaseResult>> = vec![None; selected.len()];
    let mut to_run: Vec<usize> = Vec::new();
    for (i, it) in selected.iter().enumerate() {
        let sel = |s: &&String| glob::selects(s, it.id(), &it.dialect, it.kind().name());
        if let Some((_, reason)) = opts.expectations.skip.iter().find(|(s, _)| sel(s)) {
            results[i] =
                Some(it.result(Status::Skipped, reason.clone(), Value::Null, String::new()));
        } else if !driver.has_op(it.kind().name()) {
            results[i] = Some(it.result(
                Status::Unimplemented,
                format!("the adapter does not declare the {} op", it.kind().name()),
                Value::Null,
                String::new(),
            ));
        } else if let Some(kind) = kinds_needed(it).into_iter().find(|k| !caps.understands(k)) {
            results[i] = Some(it.result(
                Status::Unimplemented,
                format!(
                    "the adapter does not declare the {kind} message kind (capabilities' messages)"
                ),
                Value::Null,
                String::new(),
            ));
        } else {
            to_run.push(i);
        }
    }

    let answers = execute(&driver, &selected, &to_run);
    for (i, answer) in to_run.iter().zip(answers) {
        let it = selected[*i];
        let (mut status, mut detail) = grader.grade(it, &answer);
        let sel = |s: &&String| glob::selects(s, it.id(), &it.dialect, it.kind().name());
        if let Some((_, reason)) = opts.expectations.xfail.iter().find(|(s, _)| sel(s)) {
            if status.is_failure() {
                detail = format!("{status}: {detail} (expected failure: {reason})");
                status = Status::Xfail;
            } else if matches!(
                status,
                Status::Pass | Status::ImplAccept | Status::ImplReject
            ) {
                detail =
                    format!("{status}, but expected to fail ({reason}): remove the xfail entry");
                status = Status::Xpass;
            }
        }
        results[*i] = Some(it.result(status, detail, answer.got, answer.stderr_tail));
    }
    let cases: Vec<CaseResult> = results.into_iter().flatten().collect();

    let mode = match target {
        Target::InProcess => "in-process",
        Target::Adapter(_) if opts.batch && driver.has_op("batch") => "adapter+batch",
        Target::Adapter(_) => "adapter",
    };
    let summary = Summary::of(&cases, problems.len());
    Ok(Report {
        report_version: REPORT_VERSION,
        tool: format!("statsd-conformance {}", env!("CARGO_PKG_VERSION")),
        suite: SUITE_NAME.to_string(),
        suite_version: suite.version.clone(),
        name: opts.name.clone().unwrap_or_else(|| match target {
            Target::InProcess => format!("{} (in process)", caps.name),
            Target::Adapter(_) => caps.name.clone(),
        }),
        implementation: caps,
        adapter: match target {
            Target::InProcess => None,
            Target::Adapter(cmd) => Some(cmd.clone()),
        },
        mode: mode.to_string(),
        dialects,
        grading: GradingInfo {
            errors: grading.classes,
            offsets: grading.offsets,
            reference,
            error_map: opts.expectations.error_map.clone(),
            warnings: grading.warnings,
        },
        generated_at: crate::report::now_rfc3339(),
        duration_secs: started.elapsed().as_secs_f64(),
        problems,
        cases,
        summary,
    })
}

/// Asks the implementation every item of `to_run` (indexes into `items`):
/// in process, through `batch` chunks, or one process per item, `parallel`
/// at a time. Answers come back in `to_run` order.
fn execute(driver: &Driver<'_>, items: &[&Item<'_>], to_run: &[usize]) -> Vec<Answer> {
    let requests: Vec<Request> = to_run.iter().map(|&i| items[i].request()).collect();
    let cmd = match &driver.target {
        Target::InProcess => {
            return to_run
                .iter()
                .zip(&requests)
                .map(|(&i, r)| driver.call(&items[i].dialect, r))
                .collect();
        }
        Target::Adapter(cmd) => cmd.clone(),
    };
    let parallel = driver.opts.parallel.max(1);
    // Work units: (dialect, positions in to_run). Batches are split in
    // `parallel` chunks per dialect; single calls are one unit each.
    let mut units: Vec<(String, Vec<usize>)> = Vec::new();
    if driver.opts.batch && driver.has_op("batch") {
        let mut by_dialect: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (pos, &i) in to_run.iter().enumerate() {
            by_dialect
                .entry(items[i].dialect.as_str())
                .or_default()
                .push(pos);
        }
        for (dialect, positions) in by_dialect {
            let size = positions.len().div_ceil(parallel).max(1);
            for chunk in positions.chunks(size) {
                units.push((dialect.to_string(), chunk.to_vec()));
            }
        }
    } else {
        for (pos, &i) in to_run.iter().enumerate() {
            units.push((items[i].dialect.clone(), vec![pos]));
        }
    }

    let slots: Mutex<Vec<Option<Answer>>> = Mutex::new(vec![None; to_run.len()]);
    let next = AtomicUsize::new(0);
    let batch = driver.opts.batch && driver.has_op("batch");
    std::thread::scope(|scope| {
        for _ in 0..parallel.min(units.len()) {
            scope.spawn(|| {
                loop {
                    let u = next.fetch_add(1, Ordering::SeqCst);
                    let Some((dialect, positions)) = units.get(u) else {
                        break;
                    };
                    let answers: Vec<Answer> = if batch {
                        let chunk: Vec<(String, Request)> = positions
                            .iter()
                            .map(|&p| (items[to_run[p]].request_id(), requests[p].clone()))
                            .collect();
                        driver.batch(&cmd, dialect, &chunk)
                    } else {
                        positions
                            .iter()
                            .map(|&p| driver.call(dialect, &requests[p]))
                            .collect()
                    };
                    let mut guard = slots.lock().unwrap_or_else(|e| e.into_inner());
                    for (&p, a) in positions.iter().zip(answers) {
                        guard[p] = Some(a);
                    }
                }
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|a| {
            a.unwrap_or(Answer {
                reply: Reply::Crash("internal: no answer recorded".into()),
                got: Value::Null,
                stderr_tail: String::new(),
            })
        })
        .collect()
}
