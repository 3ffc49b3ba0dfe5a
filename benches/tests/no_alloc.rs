//! Parsing allocates nothing: a counting global allocator watches
//! `parse_datagram` over the whole spec, etsy and hostile corpora (one million,
//! one million and one hundred thousand lines), and `parse_messages` (and
//! `parse_datagram` on the metric lines) over the DogStatsD corpus and its
//! hostile corpus, reading every tag, packed value and warning. The core crate has its own
//! test of this on a handful of lines; this one covers realistic traffic at
//! scale. Encoding into a buffer with room for a datagram allocates nothing
//! either.

#![allow(unsafe_code)] // a counting global allocator needs `unsafe impl GlobalAlloc`

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use statsd_wire::{Config, Dialect, Message, Value, parse_datagram, parse_messages};
use statsd_wire_benches::corpus::{
    Corpus, DEFAULT_LINES, DEFAULT_SEED, HOSTILE_LINES, hostile_config, hostile_dogstatsd_config,
};
use statsd_wire_benches::workload::{self, Metrics};

struct Counting;

thread_local! {
    // Per thread, so the test harness's own allocations (its other test
    // threads, its "has been running for over 60 seconds" notice) are not
    // counted. A `const` initialiser with no destructor: using it from the
    // allocator allocates nothing.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: a thread being torn down has no counter left; not counted.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// The allocator only counts and defers to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations made so far by the calling thread.
fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn the_counter_counts() {
    let before = allocations();
    let v = std::hint::black_box(vec![1u8; 16]);
    assert_eq!(allocations() - before, 1);
    drop(v);
}

/// Parses every datagram, touching every result; returns (ok, err) counts.
fn parse_all(corpus: &Corpus, config: &Config) -> (usize, usize) {
    let (mut ok, mut err) = (0, 0);
    for datagram in corpus.datagrams() {
        for result in parse_datagram(datagram, config) {
            match result {
                Ok(m) => ok += usize::from(!m.name.is_empty()),
                Err(e) => err += usize::from(e.span().end >= e.span().start),
            }
        }
    }
    (ok, err)
}

/// Parses every datagram with `parse_messages`, reading every tag, packed
/// value and warning; returns (ok, err) counts and a checksum of what was read.
fn parse_all_messages(corpus: &Corpus, config: &Config) -> (usize, usize, usize) {
    let (mut ok, mut err, mut read) = (0, 0, 0);
    for datagram in corpus.datagrams() {
        for result in parse_messages(datagram, config) {
            match result {
                Ok(parsed) => {
                    ok += 1;
                    read += parsed.warnings.iter().count();
                    let tags = match parsed.message {
                        Message::Metric(m) => {
                            if let Value::Packed(p) = m.value {
                                read += p.iter().count();
                            }
                            m.tags
                        }
                        Message::Event(e) => {
                            read += e.title.chunks().count();
                            e.tags
                        }
                        Message::ServiceCheck(c) => c.tags,
                        _ => None,
                    };
                    read += tags.map_or(0, |t| {
                        t.iter()
                            .map(|(k, v)| k.len() + usize::from(v.is_some()))
                            .sum()
                    });
                }
                Err(e) => err += usize::from(e.span().end >= e.span().start),
            }
        }
    }
    (ok, err, read)
}

#[test]
fn parsing_the_dogstatsd_corpora_allocates_nothing() {
    let corpus = Corpus::generate(Dialect::DogStatsd, DEFAULT_LINES, DEFAULT_SEED);
    let config = Config::dogstatsd();
    let before = allocations();
    let (ok, err, read) = parse_all_messages(&corpus, &config);
    assert_eq!(allocations() - before, 0, "parse_messages allocated");
    assert_eq!((ok, err), (corpus.line_count(), 0));
    assert!(
        read > corpus.line_count(),
        "tags and packed values were read"
    );

    let before = allocations();
    let accepted = workload::parse_messages_statsd_wire(&corpus, &config);
    assert_eq!(allocations() - before, 0);
    assert_eq!(accepted, corpus.line_count());

    let metrics = corpus.metrics_only();
    let before = allocations();
    let (ok, err) = parse_all(&metrics, &config);
    assert_eq!(allocations() - before, 0, "parse_datagram allocated");
    assert_eq!((ok, err), (metrics.line_count(), 0));

    let floor = workload::parse_dogstatsd_floor(&corpus);
    assert_eq!(floor, corpus.line_count());

    let hostile = Corpus::hostile_dogstatsd(HOSTILE_LINES, DEFAULT_SEED);
    let before = allocations();
    let (ok, err, _) = parse_all_messages(&hostile, &hostile_dogstatsd_config());
    assert_eq!(allocations() - before, 0, "the hostile corpus allocated");
    assert_eq!((ok, err), (0, hostile.line_count()));
}

#[test]
fn parsing_the_corpora_allocates_nothing() {
    let cases = [
        (
            Corpus::generate(Dialect::Spec, DEFAULT_LINES, DEFAULT_SEED),
            Config::spec(),
            true,
        ),
        (
            Corpus::generate(Dialect::Etsy, DEFAULT_LINES, DEFAULT_SEED),
            Config::etsy(),
            true,
        ),
        (
            Corpus::hostile(HOSTILE_LINES, DEFAULT_SEED),
            hostile_config(),
            false,
        ),
    ];
    for (corpus, config, valid) in &cases {
        let before = allocations();
        let (ok, err) = parse_all(corpus, config);
        let during = allocations() - before;
        assert_eq!(during, 0, "{:?}: parsing allocated", config.dialect());
        let expected = if *valid {
            (corpus.line_count(), 0)
        } else {
            (0, corpus.line_count())
        };
        assert_eq!((ok, err), expected);

        // The timed workload itself, too.
        let before = allocations();
        let accepted = workload::parse_statsd_wire(corpus, config);
        assert_eq!(allocations() - before, 0);
        assert_eq!(accepted, expected.0);
    }

    // Encoding into a reused buffer: no allocation once it has grown.
    let (corpus, config, _) = &cases[0];
    let metrics = Metrics::parse(corpus, config);
    let mut buf = Vec::with_capacity(4096);
    let before = allocations();
    let written = workload::encode_statsd_wire(&metrics, config, &mut buf);
    assert_eq!(allocations() - before, 0, "encoding allocated");
    assert_eq!(written, metrics.encoded_bytes());
}
