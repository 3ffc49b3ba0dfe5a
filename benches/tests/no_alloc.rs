//! Parsing allocates nothing: a counting global allocator watches
//! `parse_datagram` over the whole spec, etsy and hostile corpora (one million,
//! one million and one hundred thousand lines). The core crate has its own
//! test of this on a handful of lines; this one covers realistic traffic at
//! scale. Encoding into a buffer with room for a datagram allocates nothing
//! either.

#![allow(unsafe_code)] // a counting global allocator needs `unsafe impl GlobalAlloc`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use statsd_wire::{Config, Dialect, parse_datagram};
use statsd_wire_benches::corpus::{
    Corpus, DEFAULT_LINES, DEFAULT_SEED, HOSTILE_LINES, hostile_config,
};
use statsd_wire_benches::workload::{self, Metrics};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// The allocator only counts and defers to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
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

fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::SeqCst)
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

// One test, so no other test thread allocates while it counts.
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
