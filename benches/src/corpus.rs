//! The deterministic corpora: realistic traffic for each dialect, and a hostile
//! corpus with a line of every error class.
//!
//! # The realistic corpus ([`Corpus::generate`])
//!
//! Every line is drawn independently from a [`SplitMix64`] seeded with the
//! given seed ([`DEFAULT_SEED`] for the benches), so the corpus is the same
//! byte for byte on every machine and in every run.
//!
//! **Names.** A pool of [`NAME_POOL`] names is drawn first: each name joins 2
//! to 5 segments with `.`, the segments taken from a vocabulary of service,
//! subsystem, host, region and measurement words (`api`, `checkout`,
//! `eu-west-1`, `host-042`, `p99`, `status_500`, ...); a draw that is not 10 to
//! 60 bytes long is redrawn. Each line then picks a name from the pool, skewed
//! towards the front of it ([`SplitMix64::skewed`]), so a few names are hot and
//! most are rare, as in real traffic.
//!
//! **The mix** (percent of lines; the unit test checks it to within 0.5
//! points):
//!
//! | kind | share | values |
//! |---|---|---|
//! | counter `c` | 40 (45 for etsy) | `1` (70%), `2..=99` (18%), `100..=100000` (10%), `-1` (2%); a quarter carry a sample rate: `\|@0.1` (70%), `\|@0.5`, `\|@0.25` or `\|@0.01` |
//! | timer `ms` | 25 | integers `0..2000` skewed low (75%); decimals such as `12.5`, `3.25`, `118.375` (25%) |
//! | gauge `g` | 20 | integers `0..100000` skewed low (55%); decimals (25%); the other 20%: integers in the spec corpus, `+N`/`-N` deltas (`N` in `1..=100`) in the etsy corpus |
//! | histogram `h` | 5 | integers `0..10000` skewed low (70%); decimals (30%) |
//! | meter `m` | 5 | `1` (80%), `2..=10` (20%) |
//! | bare name | 5 (spec only) | the meter shorthand: the name alone; the etsy corpus has none and draws counters instead |
//!
//! Every value is written in its canonical form (no leading zeros, decimals
//! without trailing zeros), so re-encoding the parsed spec corpus gives back
//! the same lines, bare names aside (they become `name:1|m`).
//!
//! **Datagrams.** Lines are packed in order into datagrams of at most
//! [`MAX_DATAGRAM`] bytes (1432: a 1500-byte Ethernet MTU minus IP and UDP
//! headers, the budget real clients such as cadence's buffered sink and the
//! Etsy client use), joined by `\n` with no final `\n`.
//!
//! # The DogStatsD corpus ([`Corpus::generate`] with `Dialect::DogStatsd`, [`Corpus::dogstatsd`])
//!
//! The same names (with `-` written `_`, so every name is in DogStatsD's
//! portable `[A-Za-z0-9_.]` set) and value draws, in this mix (percent of
//! lines; checked by the unit tests, with every line parsed by
//! `parse_messages` without a warning and re-encoded to itself):
//!
//! | kind | share | what |
//! |---|---|---|
//! | counter `c` | 40 | values as above; a quarter with `\|@rate` |
//! | timer `ms` | 22 | as above; a fifth packed (2 to 5 values, `12:3.5:40\|ms`); a tenth with a rate |
//! | gauge `g` | 20 | integers (75%), decimals (25%) |
//! | histogram `h` | 5 | as above; a fifth packed; a tenth with a rate |
//! | distribution `d` | 5 | like timers; 30% packed; a tenth with a rate |
//! | set `s` | 3 | members `12345` or `user_12345` |
//! | event `_e{..}` | 2 | titles such as `Deploy finished`, texts (some with `\n` escapes, one empty), `\|d:`, `\|h:`, `\|k:`, `\|p:`, `\|s:`, `\|t:` and tags, each present or not |
//! | service check `_sc` | 3 | `_sc\|app.can_connect\|0`, status 0 (85%) to 3, `\|d:`, `\|h:`, tags, `\|m:` (always when the status is not 0) |
//!
//! Half of the metric lines (and 70% of events and service checks) carry 1 to
//! 4 tags in the shape `env:prod,service:api,host:web-12` (keys `env`,
//! `service`, `host`, `region`, `version`, `status_code`, ..., the first ones
//! drawn most often, and a bare `canary`); 10% of the metric lines carry an
//! origin `\|c:<64 hex digits>` (one of 8 containers); 3% of counters and
//! gauges a `\|T<unix time>`. Fields are in the canonical order (`\|@rate\|#tags\|c:\|T`).
//! One million lines are 62.27 MB in 44,721 datagrams, 62 bytes per line.
//!
//! [`Corpus::metrics_only`] keeps the metric lines (for the metrics-only
//! `parse_datagram`), [`Corpus::plain_metrics`] the lines with one value and no
//! field (to price the dialect on the lines that do not use it).
//!
//! # The hostile DogStatsD corpus ([`Corpus::hostile_dogstatsd`])
//!
//! Lines cycle through [`HOSTILE_DOGSTATSD_CLASSES`], every class
//! `parse_messages` can report in the dogstatsd dialect, 4 variants each (a
//! control byte in a name, a tag, an event title or a service check name;
//! invalid UTF-8 in a name, a tag, a set member or a service check name; `0x1A`,
//! `NaN`, a bad packed item; `-9223372036854775808`, `1e400`; `|m`, `|C`;
//! `|@0,1`, `|@1e400`; `|T0`, `|T-1767225600`; `_e{5}:`, `_e{0,4}:`,
//! `_e{3,4}:Title|Text`; `_sc|name|OK`, ...). Read with
//! [`hostile_dogstatsd_config`]. The unit test checks every line fails with its
//! class, that every reachable class is there, and that the classes left out
//! are warnings in this dialect.
//!
//! # The hostile corpus ([`Corpus::hostile`])
//!
//! Lines cycle through the [`HOSTILE_CLASSES`], one error class per line (every
//! [`ErrorKind`] a spec or etsy line can have but `EmptyLine`, which a datagram
//! cannot hold), each drawn
//! from a few variants built on a pool name: `:1|c` (empty name), a tab, NUL,
//! DEL or CR in the name (control character), `\xff` or a truncated UTF-8
//! sequence in the name, `name:|c`, `name:1.|ms`, `name:-5|g`,
//! `name:18446744073709551616|ms`, `name:1`, `name:1|x`, `name:1|c|@abc`,
//! `name:1|c|@2`, `name:1|g|@0.5`, `name:1|c|@0.5|@0.5`, `name:1|c|#env:prod`,
//! and names longer than [`HOSTILE_MAX_LINE_LEN`]. It is read with
//! [`hostile_config`] (the spec dialect with lines limited to
//! [`HOSTILE_MAX_LINE_LEN`] bytes, so the too-long lines still pack into
//! ordinary datagrams); every line fails with its class, which the unit tests
//! check.

use std::io::Write as _;

use statsd_wire::{Config, Dialect, ErrorKind};

use crate::rng::SplitMix64;

/// The number of lines in the benchmark corpora.
pub const DEFAULT_LINES: usize = 1_000_000;

/// The number of lines of the benches' corpora: `STATSD_BENCH_LINES` from the
/// environment if set (for quick runs), else [`DEFAULT_LINES`].
pub fn bench_lines() -> usize {
    std::env::var("STATSD_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_LINES)
}

/// The number of lines in the hostile corpus used by the benches.
pub const HOSTILE_LINES: usize = 100_000;

/// The seed of every corpus used by the benches and the report.
pub const DEFAULT_SEED: u64 = 0x7374_6174_7364_2d77; // "statsd-w"

/// The largest datagram, in bytes: what clients pack into one UDP packet on a
/// 1500-byte MTU.
pub const MAX_DATAGRAM: usize = 1432;

/// The number of distinct metric names in a corpus.
pub const NAME_POOL: usize = 4096;

/// The line-length limit of [`hostile_config`]; the hostile corpus's too-long
/// lines are a little longer than this.
pub const HOSTILE_MAX_LINE_LEN: usize = 256;

/// The error classes of the hostile corpus, in the order its lines cycle
/// through them.
pub const HOSTILE_CLASSES: &[ErrorKind] = &[
    ErrorKind::EmptyName,
    ErrorKind::ControlCharacter,
    ErrorKind::InvalidUtf8,
    ErrorKind::MissingValue,
    ErrorKind::InvalidValue,
    ErrorKind::ValueOutOfRange,
    ErrorKind::MissingType,
    ErrorKind::UnknownType,
    ErrorKind::InvalidSampleRate,
    ErrorKind::SampleRateOutOfRange,
    ErrorKind::SampleRateNotAllowed,
    ErrorKind::DuplicateSampleRate,
    ErrorKind::UnknownField,
    ErrorKind::LineTooLong,
];

/// The configuration the hostile corpus is read with (and, for a fair
/// comparison, the valid corpus in the `errors` bench): the spec dialect with
/// lines limited to [`HOSTILE_MAX_LINE_LEN`] bytes.
pub const fn hostile_config() -> Config {
    Config::spec().with_max_line_len(HOSTILE_MAX_LINE_LEN)
}

/// The error classes of the hostile DogStatsD corpus, in the order its lines
/// cycle through them: every class a line read with
/// [`statsd_wire::parse_messages`] in the dogstatsd dialect can have. The
/// others cannot occur there: `empty_line` (a datagram skips empty lines),
/// `sample_rate_not_allowed` (every type takes a rate), `duplicate_sample_rate`
/// and `unknown_field` (warnings `duplicate_field` and `unknown_field` instead)
/// and `not_a_metric` (only the metrics-only `parse_datagram` reports it; the
/// realistic corpus's events and service checks give it there, which its unit
/// test checks).
pub const HOSTILE_DOGSTATSD_CLASSES: &[ErrorKind] = &[
    ErrorKind::EmptyName,
    ErrorKind::ControlCharacter,
    ErrorKind::InvalidUtf8,
    ErrorKind::MissingValue,
    ErrorKind::InvalidValue,
    ErrorKind::ValueOutOfRange,
    ErrorKind::MissingType,
    ErrorKind::UnknownType,
    ErrorKind::InvalidSampleRate,
    ErrorKind::SampleRateOutOfRange,
    ErrorKind::InvalidTimestamp,
    ErrorKind::InvalidEventHeader,
    ErrorKind::EmptyEventTitle,
    ErrorKind::EventLengthMismatch,
    ErrorKind::InvalidServiceCheckStatus,
    ErrorKind::LineTooLong,
];

/// The configuration the hostile DogStatsD corpus is read with (and, for a
/// fair comparison, the realistic DogStatsD corpus in the `errors` bench): the
/// dogstatsd dialect with lines limited to [`HOSTILE_MAX_LINE_LEN`] bytes.
pub const fn hostile_dogstatsd_config() -> Config {
    Config::dogstatsd().with_max_line_len(HOSTILE_MAX_LINE_LEN)
}

/// What a generated line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// `name:v|c`, possibly with `|@rate`.
    Counter,
    /// `name:v|ms`.
    Timer,
    /// `name:v|g` (or a `+v`/`-v` delta in the etsy corpus).
    Gauge,
    /// `name:v|h`.
    Histogram,
    /// `name:v|m`.
    Meter,
    /// `name` alone: the spec dialect's meter shorthand.
    BareName,
    /// `name:v|d` (DogStatsD distribution), possibly packed.
    Distribution,
    /// `name:member|s` (a set).
    Set,
    /// A DogStatsD event, `_e{<title length>,<text length>}:<title>|<text>...`.
    Event,
    /// A DogStatsD service check, `_sc|<name>|<status>...`.
    ServiceCheck,
    /// A hostile line that must fail with this error class.
    Invalid(ErrorKind),
}

/// Segments that names are made of.
const SEGMENTS: &[&str] = &[
    "api",
    "web",
    "db",
    "cache",
    "queue",
    "worker",
    "http",
    "grpc",
    "requests",
    "responses",
    "errors",
    "latency",
    "duration",
    "bytes_in",
    "bytes_out",
    "hits",
    "misses",
    "payments",
    "checkout",
    "users",
    "sessions",
    "login",
    "search",
    "auth",
    "redis",
    "postgres",
    "kafka",
    "upload",
    "download",
    "eu-west-1",
    "us-east-1",
    "ap-south-1",
    "prod",
    "staging",
    "host-042",
    "host-117",
    "pod_7f3c9",
    "p50",
    "p99",
    "count",
    "total",
    "active",
    "idle",
    "pool",
    "connections",
    "tx",
    "rx",
    "gc",
    "heap_used",
    "cpu",
    "memory",
    "disk",
    "io_wait",
    "status_200",
    "status_404",
    "status_500",
    "v2",
    "render",
    "template",
    "jobs",
    "retries",
    "timeouts",
    "dropped",
    "processed",
    "frontend",
    "backend",
    "recommendation_service",
    "inventory",
    "shard_17",
    "partition_3",
];

/// A corpus: datagrams stored back to back, with the kind of every line.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    kinds: Vec<LineKind>,
}

impl Corpus {
    /// The realistic corpus of `lines` lines for `dialect` (spec or etsy), drawn
    /// from `seed` (see the [module documentation](self)).
    pub fn generate(dialect: Dialect, lines: usize, seed: u64) -> Corpus {
        if dialect == Dialect::DogStatsd {
            return generate_dogstatsd(lines, seed);
        }
        let etsy = dialect == Dialect::Etsy;
        let mut rng = SplitMix64::new(seed);
        let names = name_pool(&mut rng);
        let mut packer = Packer::default();
        let mut line = Vec::with_capacity(128);
        for _ in 0..lines {
            line.clear();
            let name = &names[rng.skewed(names.len() as u64) as usize];
            line.extend_from_slice(name.as_bytes());
            let roll = rng.below(100);
            let kind = match roll {
                0..40 => LineKind::Counter,
                40..65 => LineKind::Timer,
                65..85 => LineKind::Gauge,
                85..90 => LineKind::Histogram,
                90..95 => LineKind::Meter,
                _ if etsy => LineKind::Counter,
                _ => LineKind::BareName,
            };
            match kind {
                LineKind::Counter => {
                    line.push(b':');
                    match rng.below(100) {
                        0..70 => line.push(b'1'),
                        70..88 => write_int(&mut line, rng.range(2, 99)),
                        88..98 => write_int(&mut line, rng.range(100, 100_000)),
                        _ => line.extend_from_slice(b"-1"),
                    }
                    line.extend_from_slice(b"|c");
                    if rng.percent(25) {
                        let rate: &[u8] = match rng.below(10) {
                            0..7 => b"0.1",
                            7 => b"0.5",
                            8 => b"0.25",
                            _ => b"0.01",
                        };
                        line.extend_from_slice(b"|@");
                        line.extend_from_slice(rate);
                    }
                }
                LineKind::Timer => {
                    line.push(b':');
                    if rng.percent(75) {
                        write_int(&mut line, rng.skewed(2000));
                    } else {
                        write_decimal(&mut rng, &mut line, 1000);
                    }
                    line.extend_from_slice(b"|ms");
                }
                LineKind::Gauge => {
                    line.push(b':');
                    match rng.below(100) {
                        0..55 => write_int(&mut line, rng.skewed(100_000)),
                        55..80 => write_decimal(&mut rng, &mut line, 1000),
                        _ if etsy => {
                            line.push(if rng.percent(50) { b'+' } else { b'-' });
                            write_int(&mut line, rng.range(1, 100));
                        }
                        _ => write_int(&mut line, rng.skewed(100_000)),
                    }
                    line.extend_from_slice(b"|g");
                }
                LineKind::Histogram => {
                    line.push(b':');
                    if rng.percent(70) {
                        write_int(&mut line, rng.skewed(10_000));
                    } else {
                        write_decimal(&mut rng, &mut line, 10_000);
                    }
                    line.extend_from_slice(b"|h");
                }
                LineKind::Meter => {
                    line.push(b':');
                    if rng.percent(80) {
                        line.push(b'1');
                    } else {
                        write_int(&mut line, rng.range(2, 10));
                    }
                    line.extend_from_slice(b"|m");
                }
                _ => {}
            }
            packer.push(&line, kind);
        }
        packer.finish()
    }

    /// The spec corpus of the benches: [`bench_lines`] lines (one million by
    /// default) from [`DEFAULT_SEED`].
    pub fn spec() -> Corpus {
        Corpus::generate(Dialect::Spec, bench_lines(), DEFAULT_SEED)
    }

    /// The etsy corpus of the benches: [`bench_lines`] lines from
    /// [`DEFAULT_SEED`].
    pub fn etsy() -> Corpus {
        Corpus::generate(Dialect::Etsy, bench_lines(), DEFAULT_SEED)
    }

    /// The DogStatsD corpus of the benches: [`bench_lines`] lines from
    /// [`DEFAULT_SEED`].
    pub fn dogstatsd() -> Corpus {
        Corpus::generate(Dialect::DogStatsd, bench_lines(), DEFAULT_SEED)
    }

    /// The hostile DogStatsD corpus of `lines` lines (see the [module
    /// documentation](self)); read it with [`hostile_dogstatsd_config`] and
    /// [`statsd_wire::parse_messages`].
    pub fn hostile_dogstatsd(lines: usize, seed: u64) -> Corpus {
        let mut rng = SplitMix64::new(seed);
        let names = dogstatsd_name_pool(&mut rng);
        let mut packer = Packer::default();
        let mut line = Vec::with_capacity(HOSTILE_MAX_LINE_LEN + 64);
        for i in 0..lines {
            line.clear();
            let class = HOSTILE_DOGSTATSD_CLASSES[i % HOSTILE_DOGSTATSD_CLASSES.len()];
            let name = names[rng.skewed(names.len() as u64) as usize].as_bytes();
            hostile_dogstatsd_line(&mut rng, &names, name, class, &mut line);
            packer.push(&line, LineKind::Invalid(class));
        }
        packer.finish()
    }

    /// The hostile corpus of `lines` lines (see the [module
    /// documentation](self)); read it with [`hostile_config`].
    pub fn hostile(lines: usize, seed: u64) -> Corpus {
        let mut rng = SplitMix64::new(seed);
        let names = name_pool(&mut rng);
        let mut packer = Packer::default();
        let mut line = Vec::with_capacity(HOSTILE_MAX_LINE_LEN + 64);
        for i in 0..lines {
            line.clear();
            let class = HOSTILE_CLASSES[i % HOSTILE_CLASSES.len()];
            let name = names[rng.skewed(names.len() as u64) as usize].as_bytes();
            hostile_line(&mut rng, &names, name, class, &mut line);
            packer.push(&line, LineKind::Invalid(class));
        }
        packer.finish()
    }

    /// The datagrams, in order.
    pub fn datagrams(&self) -> impl ExactSizeIterator<Item = &[u8]> + Clone + '_ {
        (0..self.ends.len()).map(|i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.bytes[start..self.ends[i]]
        })
    }

    /// Every line, in order (without its `\n`).
    pub fn lines(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.datagrams().flat_map(|d| d.split(|&b| b == b'\n'))
    }

    /// The kind of every line, in order.
    pub fn kinds(&self) -> &[LineKind] {
        &self.kinds
    }

    /// The number of lines of kind `kind`.
    pub fn count(&self, kind: LineKind) -> usize {
        self.kinds.iter().filter(|&&k| k == kind).count()
    }

    /// The number of lines.
    pub fn line_count(&self) -> usize {
        self.kinds.len()
    }

    /// The number of datagrams.
    pub fn datagram_count(&self) -> usize {
        self.ends.len()
    }

    /// The total size of the datagrams, in bytes (the benches' throughput unit).
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// A corpus of the lines for which `keep` holds, in the same datagrams (a
    /// datagram that loses every line is dropped). Used to give each peer parser
    /// the subset of lines it accepts, once, outside the timed loop.
    pub fn retain(&self, mut keep: impl FnMut(&[u8]) -> bool) -> Corpus {
        let mut out = Corpus::default();
        let mut kinds = self.kinds.iter().copied();
        for datagram in self.datagrams() {
            let start = out.bytes.len();
            for line in datagram.split(|&b| b == b'\n') {
                let kind = kinds.next().expect("one kind per line");
                if keep(line) {
                    if out.bytes.len() > start {
                        out.bytes.push(b'\n');
                    }
                    out.bytes.extend_from_slice(line);
                    out.kinds.push(kind);
                }
            }
            if out.bytes.len() > start {
                out.ends.push(out.bytes.len());
            }
        }
        out
    }
}

impl Corpus {
    /// A corpus of the lines whose kind `keep` accepts (see [`Corpus::retain`]).
    pub fn retain_kinds(&self, mut keep: impl FnMut(LineKind) -> bool) -> Corpus {
        let mut kinds = self.kinds.iter();
        self.retain(|_| keep(*kinds.next().expect("one kind per line")))
    }

    /// The same lines in the same order, packed again into full datagrams
    /// (after [`Corpus::retain`] has thinned them), so that a per-line cost
    /// carries no more per-datagram cost than the full corpus does.
    pub fn repacked(&self) -> Corpus {
        let mut packer = Packer::default();
        for (line, &kind) in self.lines().zip(&self.kinds) {
            packer.push(line, kind);
        }
        packer.finish()
    }

    /// The DogStatsD corpus's metric lines (no event, no service check): the
    /// input of the metrics-only `parse_datagram`.
    pub fn metrics_only(&self) -> Corpus {
        self.retain_kinds(|k| !matches!(k, LineKind::Event | LineKind::ServiceCheck))
    }

    /// The DogStatsD corpus's plain metric lines: one value and no field after
    /// the type (`name:v|type`), what the spec and etsy corpora hold, to price
    /// the dialect's machinery on the lines that do not use it.
    pub fn plain_metrics(&self) -> Corpus {
        self.retain(|line| {
            !line.starts_with(b"_")
                && memchr::memchr_iter(b'|', line).count() == 1
                && memchr::memchr_iter(b':', line).count() == 1
        })
    }
}

/// Packs lines into datagrams of at most [`MAX_DATAGRAM`] bytes.
#[derive(Default)]
struct Packer {
    corpus: Corpus,
    start: usize,
}

impl Packer {
    fn push(&mut self, line: &[u8], kind: LineKind) {
        let c = &mut self.corpus;
        let used = c.bytes.len() - self.start;
        if used > 0 && used + 1 + line.len() > MAX_DATAGRAM {
            c.ends.push(c.bytes.len());
            self.start = c.bytes.len();
        }
        if c.bytes.len() > self.start {
            c.bytes.push(b'\n');
        }
        c.bytes.extend_from_slice(line);
        c.kinds.push(kind);
    }

    fn finish(mut self) -> Corpus {
        if self.corpus.bytes.len() > self.start {
            self.corpus.ends.push(self.corpus.bytes.len());
        }
        self.corpus
    }
}

/// [`NAME_POOL`] names of 2 to 5 segments and 10 to 60 bytes.
fn name_pool(rng: &mut SplitMix64) -> Vec<String> {
    let mut names = Vec::with_capacity(NAME_POOL);
    while names.len() < NAME_POOL {
        let segments = rng.range(2, 5);
        let mut name = String::new();
        for i in 0..segments {
            if i > 0 {
                name.push('.');
            }
            name.push_str(rng.pick(SEGMENTS));
        }
        if (10..=60).contains(&name.len()) {
            names.push(name);
        }
    }
    names
}

fn write_int(line: &mut Vec<u8>, v: u64) {
    line.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// A decimal `I.F` in canonical form: `I` below `int_max` (skewed low), `F`
/// of 1 to 3 digits without a trailing zero (`12.5`, `3.25`, `118.375`).
fn write_decimal(rng: &mut SplitMix64, line: &mut Vec<u8>, int_max: u64) {
    write_int(line, rng.skewed(int_max));
    line.push(b'.');
    let digits = rng.range(1, 3) as u32;
    let mut frac = rng.range(1, 10u64.pow(digits) - 1);
    while frac % 10 == 0 {
        frac /= 10;
    }
    let _ = write!(line, "{frac:0width$}", width = digits as usize);
}

/// The DogStatsD name pool: [`name_pool`] with `-` written `_`, so every name
/// is in the portable `[A-Za-z0-9_.]` set (a `-` would draw the
/// `non_portable_name` warning on every line that uses it).
fn dogstatsd_name_pool(rng: &mut SplitMix64) -> Vec<String> {
    name_pool(rng)
        .into_iter()
        .map(|name| name.replace('-', "_"))
        .collect()
}

/// Tag keys and their values; an empty value list is a bare tag, and `host`
/// takes `web-01` to `web-40`. Earlier keys are drawn more often.
const TAGS: &[(&str, &[&str])] = &[
    ("env", &["prod", "prod", "prod", "staging", "dev"]),
    (
        "service",
        &[
            "api", "checkout", "web", "worker", "search", "auth", "payments",
        ],
    ),
    ("host", &[]),
    ("region", &["us-east-1", "eu-west-1", "ap-south-1"]),
    ("version", &["1.4.2", "1.5.0", "2.0.0-rc1"]),
    ("status_code", &["200", "201", "404", "500", "503"]),
    ("method", &["get", "post", "put", "delete"]),
    (
        "endpoint",
        &["/api/v2/users", "/api/v2/orders", "/healthz", "/checkout"],
    ),
    ("kube_namespace", &["default", "payments", "platform"]),
    (
        "pod_name",
        &["api-7f9c4d-x2k", "worker-5b6d8-qq9", "web-66f7b-zt4"],
    ),
    (
        "availability_zone",
        &["us-east-1a", "us-east-1c", "eu-west-1b"],
    ),
    ("canary", &[]),
];

/// Event titles and texts (a `\n` here is the two wire bytes `\` `n`, which the
/// parser reads as a newline).
const EVENT_TITLES: &[&str] = &[
    "Deploy finished",
    "Deploy started",
    "Disk space low",
    "Autoscaling: 3 instances added",
    "Nightly backup completed",
    "Config reloaded",
    "Failover to replica",
    "Certificate expires in 7 days",
];
const EVENT_TEXTS: &[&str] = &[
    "version 1.4.2 rolled out to 12 hosts",
    "build 4312 by ci\\nduration 312s\\nno errors",
    "/var/lib/postgresql at 91%",
    "",
    "rollback of 2.0.0-rc1\\nreason: error rate above 5%",
    "took 41 min, 12.3 GB",
];
const EVENT_SOURCES: &[&str] = &["jenkins", "kubernetes", "my_apps", "chef"];
const EVENT_ALERTS: &[&str] = &["info", "info", "success", "warning", "error"];
const CHECK_NAMES: &[&str] = &[
    "app.can_connect",
    "postgres.can_connect",
    "redis.can_connect",
    "http.can_connect",
    "kafka.broker.up",
    "datadog.agent.up",
    "ntp.in_sync",
    "disk.health",
];
const CHECK_MESSAGES: &[&str] = &[
    "connection refused",
    "timeout after 5s\\nretrying in 10s",
    "replication lag 12s",
    "disk /dev/sda1 at 93%",
];

/// The first Unix time of the corpus's `T` and `d:` fields (2026-01-01).
const EPOCH: u64 = 1_767_225_600;

/// The realistic DogStatsD corpus (see the [module documentation](self)).
fn generate_dogstatsd(lines: usize, seed: u64) -> Corpus {
    let mut rng = SplitMix64::new(seed);
    let names = dogstatsd_name_pool(&mut rng);
    // A few containers send with origin detection on (`|c:<64 hex digits>`).
    let containers: Vec<String> = (0..8)
        .map(|_| (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect())
        .collect();
    let mut packer = Packer::default();
    let mut line = Vec::with_capacity(256);
    for _ in 0..lines {
        line.clear();
        let kind = match rng.below(100) {
            0..40 => LineKind::Counter,
            40..62 => LineKind::Timer,
            62..82 => LineKind::Gauge,
            82..87 => LineKind::Histogram,
            87..92 => LineKind::Distribution,
            92..95 => LineKind::Set,
            95..97 => LineKind::Event,
            _ => LineKind::ServiceCheck,
        };
        match kind {
            LineKind::Event => dogstatsd_event(&mut rng, &mut line),
            LineKind::ServiceCheck => dogstatsd_service_check(&mut rng, &mut line),
            _ => dogstatsd_metric(&mut rng, &names, &containers, kind, &mut line),
        }
        packer.push(&line, kind);
    }
    packer.finish()
}

/// One DogStatsD metric line of `kind`, fields in the canonical order
/// (`|@rate|#tags|c:...|T...`).
fn dogstatsd_metric(
    rng: &mut SplitMix64,
    names: &[String],
    containers: &[String],
    kind: LineKind,
    line: &mut Vec<u8>,
) {
    line.extend_from_slice(names[rng.skewed(names.len() as u64) as usize].as_bytes());
    line.push(b':');
    let packed = match kind {
        LineKind::Timer | LineKind::Histogram => 20,
        LineKind::Distribution => 30,
        _ => 0,
    };
    let values = if rng.percent(packed) {
        rng.range(2, 5)
    } else {
        1
    };
    for i in 0..values {
        if i > 0 {
            line.push(b':');
        }
        dogstatsd_value(rng, kind, line);
    }
    let code: &[u8] = match kind {
        LineKind::Counter => b"|c",
        LineKind::Timer => b"|ms",
        LineKind::Gauge => b"|g",
        LineKind::Histogram => b"|h",
        LineKind::Distribution => b"|d",
        _ => b"|s",
    };
    line.extend_from_slice(code);
    let rated = match kind {
        LineKind::Counter => 25,
        LineKind::Timer | LineKind::Histogram | LineKind::Distribution => 10,
        _ => 0,
    };
    if rng.percent(rated) {
        let rate: &[u8] = match rng.below(10) {
            0..7 => b"0.1",
            7 => b"0.5",
            8 => b"0.25",
            _ => b"0.01",
        };
        line.extend_from_slice(b"|@");
        line.extend_from_slice(rate);
    }
    if rng.percent(50) {
        line.extend_from_slice(b"|#");
        write_tags(rng, line);
    }
    if rng.percent(10) {
        line.extend_from_slice(b"|c:");
        line.extend_from_slice(containers[rng.below(containers.len() as u64) as usize].as_bytes());
    }
    if matches!(kind, LineKind::Counter | LineKind::Gauge) && rng.percent(3) {
        line.extend_from_slice(b"|T");
        write_int(line, EPOCH + rng.below(86_400));
    }
}

/// One value of a DogStatsD metric of `kind`, in canonical form.
fn dogstatsd_value(rng: &mut SplitMix64, kind: LineKind, line: &mut Vec<u8>) {
    match kind {
        LineKind::Counter => match rng.below(100) {
            0..70 => line.push(b'1'),
            70..88 => write_int(line, rng.range(2, 99)),
            88..98 => write_int(line, rng.range(100, 100_000)),
            _ => line.extend_from_slice(b"-1"),
        },
        LineKind::Timer | LineKind::Distribution => {
            if rng.percent(75) {
                write_int(line, rng.skewed(2000));
            } else {
                write_decimal(rng, line, 1000);
            }
        }
        LineKind::Gauge => {
            if rng.percent(75) {
                write_int(line, rng.skewed(100_000));
            } else {
                write_decimal(rng, line, 1000);
            }
        }
        LineKind::Histogram => {
            if rng.percent(70) {
                write_int(line, rng.skewed(10_000));
            } else {
                write_decimal(rng, line, 10_000);
            }
        }
        _ => {
            // A set member: a user id, numeric or not.
            if rng.percent(50) {
                line.extend_from_slice(b"user_");
            }
            write_int(line, rng.skewed(100_000));
        }
    }
}

/// 1 to 4 distinct tags in [`TAGS`] order: `env:prod,service:api,host:web-12`.
fn write_tags(rng: &mut SplitMix64, line: &mut Vec<u8>) {
    let count = rng.range(1, 4) as usize;
    let mut picked = [false; TAGS.len()];
    let mut n = 0;
    while n < count {
        let i = rng.skewed(TAGS.len() as u64) as usize;
        if !picked[i] {
            picked[i] = true;
            n += 1;
        }
    }
    let mut first = true;
    for (&(key, values), _) in TAGS.iter().zip(picked).filter(|(_, p)| *p) {
        if !first {
            line.push(b',');
        }
        first = false;
        line.extend_from_slice(key.as_bytes());
        if key == "host" {
            let _ = write!(line, ":web-{:02}", rng.range(1, 40));
        } else if !values.is_empty() {
            line.push(b':');
            line.extend_from_slice(rng.pick(values).as_bytes());
        }
    }
}

/// An event, fields in the canonical order (`d:|h:|k:|p:|s:|t:|#tags`).
fn dogstatsd_event(rng: &mut SplitMix64, line: &mut Vec<u8>) {
    let (title, text) = (rng.pick(EVENT_TITLES), rng.pick(EVENT_TEXTS));
    let _ = write!(line, "_e{{{},{}}}:{title}|{text}", title.len(), text.len());
    if rng.percent(40) {
        line.extend_from_slice(b"|d:");
        write_int(line, EPOCH + rng.below(86_400));
    }
    if rng.percent(60) {
        let _ = write!(line, "|h:web-{:02}", rng.range(1, 40));
    }
    if rng.percent(10) {
        line.extend_from_slice(b"|k:deploy_api");
    }
    if rng.percent(40) {
        line.extend_from_slice(if rng.percent(75) {
            b"|p:low"
        } else {
            b"|p:normal"
        });
    }
    if rng.percent(20) {
        line.extend_from_slice(b"|s:");
        line.extend_from_slice(rng.pick(EVENT_SOURCES).as_bytes());
    }
    if rng.percent(50) {
        line.extend_from_slice(b"|t:");
        line.extend_from_slice(rng.pick(EVENT_ALERTS).as_bytes());
    }
    if rng.percent(70) {
        line.extend_from_slice(b"|#");
        write_tags(rng, line);
    }
}

/// A service check, fields in the canonical order (`d:|h:|#tags|m:`).
fn dogstatsd_service_check(rng: &mut SplitMix64, line: &mut Vec<u8>) {
    line.extend_from_slice(b"_sc|");
    line.extend_from_slice(rng.pick(CHECK_NAMES).as_bytes());
    let status = match rng.below(100) {
        0..85 => 0,
        85..92 => 1,
        92..97 => 2,
        _ => 3,
    };
    let _ = write!(line, "|{status}");
    if rng.percent(30) {
        line.extend_from_slice(b"|d:");
        write_int(line, EPOCH + rng.below(86_400));
    }
    if rng.percent(50) {
        let _ = write!(line, "|h:web-{:02}", rng.range(1, 40));
    }
    if rng.percent(70) {
        line.extend_from_slice(b"|#");
        write_tags(rng, line);
    }
    if status != 0 || rng.percent(10) {
        line.extend_from_slice(b"|m:");
        line.extend_from_slice(rng.pick(CHECK_MESSAGES).as_bytes());
    }
}

/// A line that fails with `class` under [`hostile_dogstatsd_config`] (read
/// with `parse_messages`).
fn hostile_dogstatsd_line(
    rng: &mut SplitMix64,
    names: &[String],
    name: &[u8],
    class: ErrorKind,
    line: &mut Vec<u8>,
) {
    let variant = rng.below(4);
    let named = |line: &mut Vec<u8>, suffix: &[u8]| {
        line.extend_from_slice(name);
        line.extend_from_slice(suffix);
    };
    let at = rng.range(1, name.len() as u64 - 1) as usize;
    match class {
        ErrorKind::EmptyName => line.extend_from_slice(match variant {
            0 => b":1|c|#env:prod",
            1 => b"|c",
            2 => b":1:2:3|d",
            _ => b"_sc||0|#env:prod",
        }),
        ErrorKind::ControlCharacter => match variant {
            0 => {
                line.extend_from_slice(&name[..at]);
                line.push(b'\t');
                line.extend_from_slice(&name[at..]);
                line.extend_from_slice(b":1|c");
            }
            1 => named(line, b":1|c|#env:pr\0od,service:api"),
            2 => line.extend_from_slice(b"_e{6,4}:Ti\x7ftle|Text"),
            _ => line.extend_from_slice(b"_sc|db\rcheck|0"),
        },
        ErrorKind::InvalidUtf8 => match variant {
            0 => {
                line.extend_from_slice(&name[..at]);
                line.push(0xff);
                line.extend_from_slice(&name[at..]);
                line.extend_from_slice(b":1|c|#env:prod");
            }
            1 => named(line, b":1|c|#env:\xc3"),
            2 => named(line, b":\xe2\x82|s"),
            _ => line.extend_from_slice(b"_sc|db.\xc0\xafup|0"),
        },
        ErrorKind::MissingValue => named(
            line,
            match variant {
                0 => b":|c",
                1 => b"|c|#env:prod",
                2 => b"",
                _ => b":::|d",
            },
        ),
        ErrorKind::InvalidValue => named(
            line,
            match variant {
                0 => b":abc|c",
                1 => b":0x1A|g",
                2 => b":1:abc:3|d",
                _ => b":NaN|h|#env:prod",
            },
        ),
        ErrorKind::ValueOutOfRange => named(
            line,
            match variant {
                0 => b":18446744073709551616|c",
                1 => b":-9223372036854775808|c",
                2 => b":1e400|g",
                _ => b":1:2:1e999|d",
            },
        ),
        ErrorKind::MissingType => named(
            line,
            match variant {
                0 => b":1",
                1 => b":1|",
                2 => b":1:2:3",
                _ => b":1||#env:prod",
            },
        ),
        ErrorKind::UnknownType => named(
            line,
            match variant {
                0 => b":1|m",
                1 => b":1|x",
                2 => b":1|C",
                _ => b":1|msec|#env:prod",
            },
        ),
        ErrorKind::InvalidSampleRate => named(
            line,
            match variant {
                0 => b":1|c|@abc",
                1 => b":1|c|@",
                2 => b":1|d|@0,1",
                _ => b":12|ms|@0x1|#env:prod",
            },
        ),
        ErrorKind::SampleRateOutOfRange => named(
            line,
            match variant {
                0 => b":1|c|@1e400",
                1 => b":1|d|@-1e400",
                2 => b":1|h|@2e308",
                _ => b":1|ms|@1e999|#env:prod",
            },
        ),
        ErrorKind::InvalidTimestamp => named(
            line,
            match variant {
                0 => b":1|g|T",
                1 => b":1|c|T0",
                2 => b":1|c|#env:prod|Tabc",
                _ => b":1|g|T-1767225600",
            },
        ),
        ErrorKind::InvalidEventHeader => line.extend_from_slice(match variant {
            0 => b"_e{a,4}:Titl|Text",
            1 => b"_e{5}:Title|Text",
            2 => b"_e{5,4:Title|Text",
            _ => b"_e{5,4}Title|Text",
        }),
        ErrorKind::EmptyEventTitle => line.extend_from_slice(match variant {
            0 => b"_e{0,4}:|Text",
            1 => b"_e{0,0}:|",
            2 => b"_e{0,12}:|Deploy ended|#env:prod",
            _ => b"_e{00,4}:|Text",
        }),
        ErrorKind::EventLengthMismatch => line.extend_from_slice(match variant {
            0 => b"_e{50,4}:Title|Text",
            1 => b"_e{3,4}:Title|Text",
            2 => b"_e{5,2}:Title|Text",
            _ => b"_e{5,40}:Title|Text|#env:prod",
        }),
        ErrorKind::InvalidServiceCheckStatus => {
            line.extend_from_slice(b"_sc|");
            named(
                line,
                match variant {
                    0 => b"|5",
                    1 => b"|OK",
                    2 => b"",
                    _ => b"||#env:prod",
                },
            );
        }
        ErrorKind::LineTooLong => {
            while line.len() <= HOSTILE_MAX_LINE_LEN {
                if !line.is_empty() {
                    line.push(b'.');
                }
                line.extend_from_slice(names[rng.below(names.len() as u64) as usize].as_bytes());
            }
            line.extend_from_slice(b":1|c|#env:prod,service:api");
        }
        other => unreachable!("no hostile DogStatsD line for {other:?}"),
    }
}

/// A line that fails with `class` under [`hostile_config`].
fn hostile_line(
    rng: &mut SplitMix64,
    names: &[String],
    name: &[u8],
    class: ErrorKind,
    line: &mut Vec<u8>,
) {
    let variant = rng.below(4);
    // Most variants are `<prefix><name-ish><suffix>`.
    let named = |line: &mut Vec<u8>, suffix: &[u8]| {
        line.extend_from_slice(name);
        line.extend_from_slice(suffix);
    };
    match class {
        ErrorKind::EmptyName => {
            let body: &[u8] = match variant {
                0 => b":1|c",
                1 => b":12.5|ms",
                2 => b"|c",
                _ => b":1|c|@0.1",
            };
            line.extend_from_slice(body);
        }
        ErrorKind::ControlCharacter => {
            let at = rng.range(1, name.len() as u64 - 1) as usize;
            let ctl: u8 = match variant {
                0 => b'\t',
                1 => 0,
                2 => 0x7f,
                _ => b'\r',
            };
            line.extend_from_slice(&name[..at]);
            line.push(ctl);
            line.extend_from_slice(&name[at..]);
            line.extend_from_slice(b":1|c");
        }
        ErrorKind::InvalidUtf8 => {
            let at = rng.range(1, name.len() as u64 - 1) as usize;
            let bad: &[u8] = match variant {
                0 => b"\xff",
                1 => b"\xc3",
                2 => b"\xe2\x82",
                _ => b"\xc0\xaf",
            };
            line.extend_from_slice(&name[..at]);
            line.extend_from_slice(bad);
            line.extend_from_slice(&name[at..]);
            line.extend_from_slice(b":1|c");
        }
        ErrorKind::MissingValue => named(
            line,
            match variant {
                0 => b":|c",
                1 => b"|c",
                2 => b":",
                _ => b":|ms",
            },
        ),
        ErrorKind::InvalidValue => named(
            line,
            match variant {
                0 => b":1.|ms",
                1 => b":abc|c",
                2 => b":01|g",
                _ => b":+1|g",
            },
        ),
        ErrorKind::ValueOutOfRange => named(
            line,
            match variant {
                0 => b":-5|g",
                1 => b":18446744073709551616|ms",
                2 => b":9223372036854775808|c",
                _ => b":-1|h",
            },
        ),
        ErrorKind::MissingType => named(
            line,
            match variant {
                0 => b":1",
                1 => b":1|",
                2 => b":12.5",
                _ => b":42|",
            },
        ),
        ErrorKind::UnknownType => named(
            line,
            match variant {
                0 => b":1|x",
                1 => b":1|C",
                2 => b":1|s",
                _ => b":1|msec",
            },
        ),
        ErrorKind::InvalidSampleRate => named(
            line,
            match variant {
                0 => b":1|c|@abc",
                1 => b":1|c|@",
                2 => b":1|c|@.5",
                _ => b":1|c|@0,1",
            },
        ),
        ErrorKind::SampleRateOutOfRange => named(
            line,
            match variant {
                0 => b":1|c|@2",
                1 => b":1|c|@0",
                2 => b":1|c|@1.5",
                _ => b":1|c|@-0.5",
            },
        ),
        ErrorKind::SampleRateNotAllowed => named(
            line,
            match variant {
                0 => b":1|g|@0.5",
                1 => b":12|ms|@0.1",
                2 => b":3|h|@0.25",
                _ => b":1|m|@0.5",
            },
        ),
        ErrorKind::DuplicateSampleRate => named(
            line,
            match variant {
                0 => b":1|c|@0.5|@0.5",
                1 => b":1|c|@0.1|@0.1",
                2 => b":2|c|@1|@0.5",
                _ => b":1|c|@0.25|@0.25",
            },
        ),
        ErrorKind::UnknownField => named(
            line,
            match variant {
                0 => b":1|c|#env:prod",
                1 => b":1|c|",
                2 => b":1|c|0.5",
                _ => b":1|ms|T1656581400",
            },
        ),
        ErrorKind::LineTooLong => {
            while line.len() <= HOSTILE_MAX_LINE_LEN {
                if !line.is_empty() {
                    line.push(b'.');
                }
                line.extend_from_slice(names[rng.below(names.len() as u64) as usize].as_bytes());
            }
            line.extend_from_slice(b":1|c");
        }
        other => unreachable!("no hostile line for {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use statsd_wire::{
        Message, MetricType, Value, WarningKind, parse_datagram, parse_message, parse_messages,
    };

    use super::*;

    fn share(corpus: &Corpus, kind: LineKind) -> f64 {
        100.0 * corpus.count(kind) as f64 / corpus.line_count() as f64
    }

    fn assert_mix(corpus: &Corpus, expected: &[(LineKind, f64)]) {
        for &(kind, pct) in expected {
            let got = share(corpus, kind);
            assert!(
                (got - pct).abs() < 0.5,
                "{kind:?}: {got:.2}% of lines, expected {pct}%"
            );
        }
    }

    fn expected_type(kind: LineKind) -> MetricType {
        match kind {
            LineKind::Counter => MetricType::Counter,
            LineKind::Timer => MetricType::Timer,
            LineKind::Gauge => MetricType::Gauge,
            LineKind::Histogram => MetricType::Histogram,
            LineKind::Meter | LineKind::BareName => MetricType::Meter,
            LineKind::Distribution => MetricType::Distribution,
            LineKind::Set => MetricType::Set,
            LineKind::Event | LineKind::ServiceCheck => panic!("{kind:?} is not a metric"),
            LineKind::Invalid(k) => panic!("invalid line of class {k:?} in a valid corpus"),
        }
    }

    /// Parses every line with the core and checks it is what the generator
    /// says it is. Returns the number of lines with a sample rate and of deltas.
    fn check_parses(corpus: &Corpus, config: &Config) -> (usize, usize) {
        let mut kinds = corpus.kinds().iter();
        let (mut rates, mut deltas) = (0, 0);
        for datagram in corpus.datagrams() {
            assert!(datagram.len() <= MAX_DATAGRAM);
            for result in parse_datagram(datagram, config) {
                let kind = *kinds.next().expect("a kind per line");
                let m = result.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
                assert_eq!(m.kind, expected_type(kind));
                assert!((10..=60).contains(&m.name.len()), "{}", m.name);
                let segments = m.name.split('.').count();
                assert!((2..=5).contains(&segments), "{}", m.name);
                rates += usize::from(m.sample_rate.is_some());
                deltas += usize::from(m.delta);
            }
        }
        assert!(kinds.next().is_none(), "as many lines as kinds");
        (rates, deltas)
    }

    #[test]
    fn spec_corpus_has_the_documented_mix_and_parses() {
        let corpus = Corpus::generate(Dialect::Spec, DEFAULT_LINES, DEFAULT_SEED);
        assert_eq!(corpus.line_count(), DEFAULT_LINES);
        assert_mix(
            &corpus,
            &[
                (LineKind::Counter, 40.0),
                (LineKind::Timer, 25.0),
                (LineKind::Gauge, 20.0),
                (LineKind::Histogram, 5.0),
                (LineKind::Meter, 5.0),
                (LineKind::BareName, 5.0),
            ],
        );
        let (rates, deltas) = check_parses(&corpus, &Config::spec());
        // A quarter of the counters carry a rate.
        let counters = corpus.count(LineKind::Counter) as f64;
        assert!((rates as f64 / counters - 0.25).abs() < 0.01);
        assert_eq!(deltas, 0);
        // Packed like real clients: datagrams nearly full.
        let mean = corpus.byte_len() as f64 / corpus.datagram_count() as f64;
        assert!(mean > 0.95 * MAX_DATAGRAM as f64, "mean datagram {mean}");
    }

    #[test]
    fn etsy_corpus_has_deltas_instead_of_bare_names_and_parses() {
        let corpus = Corpus::generate(Dialect::Etsy, DEFAULT_LINES, DEFAULT_SEED);
        assert_mix(
            &corpus,
            &[
                (LineKind::Counter, 45.0),
                (LineKind::Timer, 25.0),
                (LineKind::Gauge, 20.0),
                (LineKind::Histogram, 5.0),
                (LineKind::Meter, 5.0),
                (LineKind::BareName, 0.0),
            ],
        );
        let (_, deltas) = check_parses(&corpus, &Config::etsy());
        // A fifth of the gauges are deltas.
        let gauges = corpus.count(LineKind::Gauge) as f64;
        assert!((deltas as f64 / gauges - 0.20).abs() < 0.01);
    }

    #[test]
    fn spec_corpus_is_canonical() {
        let corpus = Corpus::generate(Dialect::Spec, 50_000, 1);
        let config = Config::spec();
        let mut out = Vec::new();
        for (line, kind) in corpus.lines().zip(corpus.kinds()) {
            let m = statsd_wire::parse_line(line, &config).unwrap();
            out.clear();
            m.encode(&config, &mut out).unwrap();
            if *kind == LineKind::BareName {
                assert_eq!(out, [line, b":1|m"].concat());
            } else {
                assert_eq!(out, line, "{}", String::from_utf8_lossy(line));
            }
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let a = Corpus::generate(Dialect::Etsy, 10_000, 42);
        let b = Corpus::generate(Dialect::Etsy, 10_000, 42);
        let c = Corpus::generate(Dialect::Etsy, 10_000, 43);
        assert_eq!(a.bytes, b.bytes);
        assert_ne!(a.bytes, c.bytes);
    }

    #[test]
    fn hostile_lines_fail_with_their_class() {
        let corpus = Corpus::hostile(HOSTILE_CLASSES.len() * 200, 3);
        let config = hostile_config();
        let mut kinds = corpus.kinds().iter();
        let mut seen = std::collections::HashSet::new();
        for datagram in corpus.datagrams() {
            assert!(datagram.len() <= MAX_DATAGRAM);
            for (raw, result) in parse_datagram(datagram, &config).with_raw() {
                let LineKind::Invalid(class) = *kinds.next().unwrap() else {
                    panic!("valid kind in the hostile corpus");
                };
                let err = result.expect_err("a hostile line must fail");
                assert_eq!(
                    err.kind(),
                    class,
                    "{:?}",
                    String::from_utf8_lossy(raw.bytes)
                );
                seen.insert(class);
            }
        }
        assert!(kinds.next().is_none());
        // Every class a spec or etsy line can have but EmptyLine (a datagram
        // skips empty lines); the rest are DogStatsD's.
        let dogstatsd_only = [
            ErrorKind::InvalidTimestamp,
            ErrorKind::InvalidEventHeader,
            ErrorKind::EmptyEventTitle,
            ErrorKind::EventLengthMismatch,
            ErrorKind::InvalidServiceCheckStatus,
            ErrorKind::NotAMetric,
        ];
        let all: std::collections::HashSet<_> = ErrorKind::ALL
            .iter()
            .copied()
            .filter(|&k| k != ErrorKind::EmptyLine && !dogstatsd_only.contains(&k))
            .collect();
        assert_eq!(seen, all);
    }

    fn dogstatsd_kind(message: &Message<'_>) -> LineKind {
        match message {
            Message::Metric(m) => match m.kind {
                MetricType::Counter => LineKind::Counter,
                MetricType::Timer => LineKind::Timer,
                MetricType::Gauge => LineKind::Gauge,
                MetricType::Histogram => LineKind::Histogram,
                MetricType::Distribution => LineKind::Distribution,
                MetricType::Set => LineKind::Set,
                other => panic!("no {other:?} in the DogStatsD corpus"),
            },
            Message::Event(_) => LineKind::Event,
            Message::ServiceCheck(_) => LineKind::ServiceCheck,
            _ => panic!("unexpected message kind"),
        }
    }

    #[test]
    fn dogstatsd_corpus_has_the_documented_mix_and_parses_without_warnings() {
        let corpus = Corpus::generate(Dialect::DogStatsd, DEFAULT_LINES, DEFAULT_SEED);
        assert_eq!(corpus.line_count(), DEFAULT_LINES);
        assert_mix(
            &corpus,
            &[
                (LineKind::Counter, 40.0),
                (LineKind::Timer, 22.0),
                (LineKind::Gauge, 20.0),
                (LineKind::Histogram, 5.0),
                (LineKind::Distribution, 5.0),
                (LineKind::Set, 3.0),
                (LineKind::Event, 2.0),
                (LineKind::ServiceCheck, 3.0),
            ],
        );
        let config = Config::dogstatsd();
        let mut kinds = corpus.kinds().iter();
        let (mut metrics, mut tagged, mut packed, mut rated) = (0usize, 0usize, 0usize, 0usize);
        let (mut timestamps, mut origins, mut escaped) = (0usize, 0usize, 0usize);
        let (mut packable, mut packed_values) = (0usize, 0usize);
        for datagram in corpus.datagrams() {
            assert!(datagram.len() <= MAX_DATAGRAM);
            for result in parse_messages(datagram, &config) {
                let kind = *kinds.next().expect("a kind per line");
                let parsed = result.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
                assert!(
                    parsed.warnings.is_empty(),
                    "{:?}: {:?}",
                    String::from_utf8_lossy(parsed.line.bytes),
                    parsed.warnings
                );
                assert_eq!(dogstatsd_kind(&parsed.message), kind);
                let tags = match parsed.message {
                    Message::Metric(m) => {
                        metrics += 1;
                        assert!(
                            m.name
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"_.".contains(&b))
                        );
                        if let Value::Packed(p) = m.value {
                            assert!((2..=5).contains(&p.len()));
                            packed += 1;
                            packed_values += p.len();
                        }
                        packable += usize::from(matches!(
                            m.kind,
                            MetricType::Timer | MetricType::Histogram | MetricType::Distribution
                        ));
                        rated += usize::from(m.sample_rate.is_some());
                        timestamps += usize::from(m.timestamp.is_some());
                        origins += usize::from(m.container_id.is_some());
                        tagged += usize::from(m.tags.is_some());
                        m.tags
                    }
                    Message::Event(e) => {
                        escaped += usize::from(e.text.to_string().contains('\n'));
                        e.tags
                    }
                    Message::ServiceCheck(c) => c.tags,
                    _ => unreachable!(),
                };
                if let Some(tags) = tags {
                    assert!((1..=4).contains(&tags.len()), "{tags:?}");
                }
            }
        }
        assert!(kinds.next().is_none(), "as many lines as kinds");
        let share = |n: usize, of: usize| n as f64 / of as f64;
        // Half the metrics are tagged; a fifth to a third of the packable
        // types are packed; a few percent carry a timestamp or an origin.
        assert!((share(tagged, metrics) - 0.5).abs() < 0.01);
        assert!((share(packed, packable) - 0.2 * 0.85 - 0.3 * 0.15).abs() < 0.02);
        assert!(packed_values > 3 * packed);
        assert!((share(rated, metrics) - (0.25 * 0.4 + 0.1 * 0.32) / 0.95).abs() < 0.01);
        assert!((share(origins, metrics) - 0.1).abs() < 0.01);
        assert!(timestamps > 0 && share(timestamps, metrics) < 0.02);
        assert!(escaped > 0);
        let mean = corpus.byte_len() as f64 / corpus.datagram_count() as f64;
        assert!(mean > 0.95 * MAX_DATAGRAM as f64, "mean datagram {mean}");
    }

    #[test]
    fn dogstatsd_events_and_service_checks_are_not_metrics() {
        // `not_a_metric`, the one DogStatsD class the hostile corpus does not
        // hold: the metrics-only path on the realistic corpus.
        let corpus = Corpus::generate(Dialect::DogStatsd, 50_000, 2);
        let mut kinds = corpus.kinds().iter();
        let mut not_metrics = 0;
        for datagram in corpus.datagrams() {
            for result in parse_datagram(datagram, &Config::dogstatsd()) {
                let kind = *kinds.next().unwrap();
                if matches!(kind, LineKind::Event | LineKind::ServiceCheck) {
                    assert_eq!(result.unwrap_err().kind(), ErrorKind::NotAMetric);
                    not_metrics += 1;
                } else {
                    assert_eq!(expected_type(kind), result.unwrap().kind);
                }
            }
        }
        assert_eq!(
            not_metrics,
            corpus.count(LineKind::Event) + corpus.count(LineKind::ServiceCheck)
        );
    }

    #[test]
    fn dogstatsd_corpus_is_canonical() {
        let corpus = Corpus::generate(Dialect::DogStatsd, 50_000, 1);
        let config = Config::dogstatsd();
        let mut out = Vec::new();
        for line in corpus.lines() {
            let parsed = parse_message(line, &config).unwrap();
            out.clear();
            parsed.message.encode(&config, &mut out).unwrap();
            assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn hostile_dogstatsd_lines_fail_with_their_class() {
        let corpus = Corpus::hostile_dogstatsd(HOSTILE_DOGSTATSD_CLASSES.len() * 200, 3);
        let config = hostile_dogstatsd_config();
        let mut kinds = corpus.kinds().iter();
        let mut seen = std::collections::HashSet::new();
        for datagram in corpus.datagrams() {
            assert!(datagram.len() <= MAX_DATAGRAM);
            for (raw, result) in parse_messages(datagram, &config).with_raw() {
                let LineKind::Invalid(class) = *kinds.next().unwrap() else {
                    panic!("valid kind in the hostile corpus");
                };
                let err = result.expect_err("a hostile line must fail");
                assert_eq!(
                    err.kind(),
                    class,
                    "{:?}",
                    String::from_utf8_lossy(raw.bytes)
                );
                seen.insert(class);
            }
        }
        assert!(kinds.next().is_none());
        // Every class a DogStatsD line can have through `parse_messages`.
        let impossible = [
            ErrorKind::EmptyLine,
            ErrorKind::SampleRateNotAllowed,
            ErrorKind::DuplicateSampleRate,
            ErrorKind::UnknownField,
            ErrorKind::NotAMetric,
        ];
        let all: std::collections::HashSet<_> = ErrorKind::ALL
            .iter()
            .copied()
            .filter(|k| !impossible.contains(k))
            .collect();
        assert_eq!(seen, all);
        // What those classes are in the other dialects is accepted here, with
        // a warning (so no hostile line can have them).
        for (line, warning) in [
            (&b"a:1|g|@0.5|@0.5"[..], WarningKind::DuplicateField),
            (b"a:1|c|x:y", WarningKind::UnknownField),
            (b"a:1|c|", WarningKind::UnknownField),
        ] {
            let parsed = parse_message(line, &config).unwrap();
            let kinds: Vec<_> = parsed.warnings.iter().map(|w| w.kind()).collect();
            assert_eq!(kinds, [warning], "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn retain_keeps_datagrams_and_kinds_in_step() {
        let corpus = Corpus::generate(Dialect::Spec, 20_000, 5);
        let kept = corpus.retain(|line| line.contains(&b'|'));
        assert_eq!(
            kept.line_count(),
            corpus.line_count() - corpus.count(LineKind::BareName)
        );
        assert_eq!(kept.count(LineKind::BareName), 0);
        assert_eq!(kept.lines().count(), kept.line_count());
        assert!(kept.datagram_count() <= corpus.datagram_count());
    }
}
