//! Parsing allocates nothing: a counting global allocator watches
//! `parse_datagram` over valid and invalid lines of both dialects, and the
//! slice encoder.

#![allow(unsafe_code)] // a counting global allocator needs `unsafe impl GlobalAlloc`

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use statsd_wire::{Config, parse_datagram};

struct Counting;

thread_local! {
    // Per thread, as in benches/tests/no_alloc.rs: the tests of this binary run
    // on parallel threads under `cargo test`, and a global count would see the
    // other test's allocations. A `const` initialiser with no destructor: using
    // it from the allocator allocates nothing.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: a thread being torn down has no counter left; not counted.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

/// The allocations made so far by the calling thread.
fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
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

#[test]
fn the_counter_counts() {
    let before = allocations();
    let v = std::hint::black_box(vec![1u8; 64]);
    assert!(allocations() > before, "the counting allocator saw nothing");
    drop(v);
}

const DATAGRAM: &[u8] = b"api.requests:1|c|@0.1\nconfBridgeUsers:+1|g\nrtt:12.5|ms\n\
hist:42|h\npage.views\nmeter:3|m\nusers:alice|s\nbig:18446744073709551615|g\n\
bad:1.|c\n:1|c\na\x00b:1|c\nx:1|q\ny:1|c|@2\nz:9223372036854775808|c\n\
w:1|c|#t:v\nv:1|g|@0.5\nu\xff:1|c\nr:1|c\r\n";

#[test]
fn parsing_allocates_nothing() {
    for config in [Config::spec(), Config::etsy()] {
        let before = allocations();
        let mut ok = 0usize;
        let mut bad = 0usize;
        let mut name_bytes = 0usize;
        for result in parse_datagram(DATAGRAM, &config) {
            match result {
                Ok(m) => {
                    ok += 1;
                    name_bytes += m.name.len();
                }
                Err(e) => bad += e.offset() + 1,
            }
        }
        let mut buf = [0u8; 128];
        for m in parse_datagram(DATAGRAM, &config).flatten() {
            name_bytes += m.encode_to_slice(&config, &mut buf).unwrap() + m.encoded_len();
        }
        let after = allocations();
        assert!(ok > 5 && bad > 5 && name_bytes > 0);
        assert_eq!(
            after - before,
            0,
            "{:?}: parsing allocated",
            config.dialect()
        );
    }
}

const DOGSTATSD: &[u8] =
    b"api.requests:1|c|@0.1|#env:prod,canary\nlat:1:2.5::3|d|#a,,b|T1657100540\n\
users:alice:bob|s\ng:-5|g|c:ci-abc,in-12|e:it-false,cn-a|card:high|f:new|\n\
_e{6,14}:Deploy|line 1\\nline 2|d:12|h:web-1|k:k|p:low|s:src|t:warning|#env:prod\n\
_sc|db.up|2|d:21|h:db-1|#role:replica|m:replica\\nlag\n\
_e{5,2}:title|text\n_sc|x|7\na:NaN|g\nb:1|c|T0\n_e{0,4}:|text\nc:1|c|@2|@0.5|#x|#y\r\n";

#[test]
fn parsing_dogstatsd_messages_allocates_nothing() {
    let config = Config::dogstatsd();
    let before = allocations();
    let (mut ok, mut bad, mut seen) = (0usize, 0usize, 0usize);
    let mut text = [0u8; 64];
    for result in statsd_wire::parse_messages(DOGSTATSD, &config) {
        match result {
            Ok(parsed) => {
                ok += 1;
                seen += parsed.warnings.len();
                match parsed.message {
                    statsd_wire::Message::Metric(m) => {
                        seen += m.value.numbers().count();
                        seen += m.tags.map_or(0, |t| t.iter().count());
                        seen += m.unknown_fields.iter().count();
                    }
                    statsd_wire::Message::Event(e) => {
                        seen += e.text.unescape_into(&mut text).unwrap();
                        seen += e.tags.map_or(0, |t| t.iter().count());
                    }
                    statsd_wire::Message::ServiceCheck(c) => {
                        seen += c.message.map_or(0, |m| m.chunks().count());
                    }
                    _ => {}
                }
                let mut buf = [0u8; 256];
                seen += parsed
                    .message
                    .encode_to_slice(&config, &mut buf)
                    .unwrap_or(0);
            }
            Err(e) => bad += e.offset() + 1,
        }
    }
    let after = allocations();
    assert!(ok >= 6 && bad > 4 && seen > 20, "{ok} {bad} {seen}");
    assert_eq!(after - before, 0, "parsing DogStatsD allocated");
}
