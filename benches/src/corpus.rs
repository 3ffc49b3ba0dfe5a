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
//! # The hostile corpus ([`Corpus::hostile`])
//!
//! Lines cycle through the [`HOSTILE_CLASSES`], one error class per line (every
//! [`ErrorKind`] but `EmptyLine`, which a datagram cannot hold), each drawn
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
                LineKind::BareName | LineKind::Invalid(_) => {}
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
    use statsd_wire::{MetricType, parse_datagram};

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
