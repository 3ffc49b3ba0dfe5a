//! The timed workloads shared by the criterion benches, the `perf-report`
//! example and the `callgrind` driver, so all three measure the same code.
//!
//! Every parse workload walks the corpus datagram by datagram, hands each
//! line's result to [`black_box`] (so nothing is optimised away and every
//! parser materialises its full result) and returns the number of lines it
//! accepted, which callers check against the corpus.

use std::hint::black_box;

use statsd_wire::{Config, Metric, parse_datagram, parse_messages};

use crate::corpus::Corpus;
use crate::floor;

/// statsd-wire: [`parse_datagram`] over every datagram, with full validation.
pub fn parse_statsd_wire(corpus: &Corpus, config: &Config) -> usize {
    let mut ok = 0;
    for datagram in corpus.datagrams() {
        for result in parse_datagram(datagram, config) {
            ok += usize::from(result.is_ok());
            black_box(&result);
        }
    }
    ok
}

/// statsd-wire: [`parse_messages`] over every datagram (every kind of line,
/// with warnings), with full validation.
pub fn parse_messages_statsd_wire(corpus: &Corpus, config: &Config) -> usize {
    let mut ok = 0;
    for datagram in corpus.datagrams() {
        for result in parse_messages(datagram, config) {
            ok += usize::from(result.is_ok());
            black_box(&result);
        }
    }
    ok
}

/// The DogStatsD floor ([`floor::parse_dogstatsd_line`]) over every line.
pub fn parse_dogstatsd_floor(corpus: &Corpus) -> usize {
    let mut ok = 0;
    for datagram in corpus.datagrams() {
        for line in floor::split_lines(datagram) {
            let result = floor::parse_dogstatsd_line(line);
            ok += usize::from(result.is_some());
            black_box(&result);
        }
    }
    ok
}

/// The hand-rolled floor ([`floor::parse_line`]) over every line.
pub fn parse_hand_rolled(corpus: &Corpus) -> usize {
    let mut ok = 0;
    for datagram in corpus.datagrams() {
        for line in floor::split_lines(datagram) {
            let result = floor::parse_line(line);
            ok += usize::from(result.is_some());
            black_box(&result);
        }
    }
    ok
}

/// The bound: only the newline split ([`floor::split_lines`]); every line
/// counts as accepted.
pub fn split_only(corpus: &Corpus) -> usize {
    let mut lines = 0;
    for datagram in corpus.datagrams() {
        for line in floor::split_lines(datagram) {
            lines += 1;
            black_box(line);
        }
    }
    lines
}

/// The metrics of a corpus, parsed once (outside any timed loop), grouped as
/// the corpus groups its lines into datagrams: the input of the encode
/// workloads.
#[derive(Clone, Debug)]
pub struct Metrics<'a> {
    metrics: Vec<Metric<'a>>,
    ends: Vec<usize>,
    encoded_bytes: usize,
}

impl<'a> Metrics<'a> {
    /// Parses `corpus` with `config`; invalid lines are left out.
    pub fn parse(corpus: &'a Corpus, config: &Config) -> Self {
        let mut metrics = Vec::with_capacity(corpus.line_count());
        let mut ends = Vec::with_capacity(corpus.datagram_count());
        for datagram in corpus.datagrams() {
            metrics.extend(parse_datagram(datagram, config).flatten());
            ends.push(metrics.len());
        }
        let mut this = Metrics {
            metrics,
            ends,
            encoded_bytes: 0,
        };
        let mut buf = Vec::with_capacity(2 * crate::corpus::MAX_DATAGRAM);
        this.encoded_bytes = encode_statsd_wire(&this, config, &mut buf);
        this
    }

    /// The metrics of each datagram.
    pub fn datagrams(&self) -> impl Iterator<Item = &[Metric<'a>]> + '_ {
        let starts = core::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| &self.metrics[start..end])
    }

    /// Every metric.
    pub fn all(&self) -> &[Metric<'a>] {
        &self.metrics
    }

    /// The number of metrics.
    pub fn len(&self) -> usize {
        self.metrics.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    /// The size of the canonical encoding of every datagram (the encode
    /// benches' throughput unit, the same for every encoder).
    pub fn encoded_bytes(&self) -> usize {
        self.encoded_bytes
    }
}

/// statsd-wire: [`Metric::encode`] (validating) of each datagram's metrics,
/// joined by `\n`, into `buf`, which is cleared per datagram and reused.
/// Returns the bytes written; a metric the encoder refuses adds nothing.
pub fn encode_statsd_wire(metrics: &Metrics<'_>, config: &Config, buf: &mut Vec<u8>) -> usize {
    let mut total = 0;
    for datagram in metrics.datagrams() {
        buf.clear();
        for (i, m) in datagram.iter().enumerate() {
            if i > 0 {
                buf.push(b'\n');
            }
            let result = m.encode(config, buf);
            black_box(&result);
        }
        total += buf.len();
        black_box(&buf[..]);
    }
    total
}

/// The hand-written floor ([`floor::encode_line`]), in the same loop as
/// [`encode_statsd_wire`].
pub fn encode_hand_written(metrics: &Metrics<'_>, buf: &mut Vec<u8>) -> usize {
    let mut total = 0;
    for datagram in metrics.datagrams() {
        buf.clear();
        for (i, m) in datagram.iter().enumerate() {
            if i > 0 {
                buf.push(b'\n');
            }
            floor::encode_line(m, buf);
        }
        total += buf.len();
        black_box(&buf[..]);
    }
    total
}
