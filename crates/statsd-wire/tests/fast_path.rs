//! The parser's fast path for common lines against its full grammar on every
//! input of the spec-vectors (each whole, and each of its lines) and on every
//! committed seed of the other parse fuzz targets: the same results, warnings
//! and spans in every dialect (`statsd_wire::fuzzing::fast_path`).

use std::path::PathBuf;

use statsd_wire::fuzzing;
use statsd_wire::fuzzing::replay::replay;
use statsd_wire::{Config, Dialect};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex input"))
        .collect()
}

#[test]
fn fast_path_agrees_with_the_grammar_on_every_vector_line() {
    let mut dir: Vec<_> = std::fs::read_dir(root().join("spec-vectors/vectors"))
        .expect("spec-vectors/vectors")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    dir.sort();
    let mut inputs = 0;
    let mut accepted_fast = 0;
    for file in dir {
        let text = std::fs::read_to_string(&file).expect("readable vectors");
        let json: serde_json::Value = serde_json::from_str(&text).expect("vectors JSON");
        for case in json["cases"].as_array().expect("cases") {
            let input = match (&case["input"], &case["input_hex"]) {
                (serde_json::Value::String(s), _) => s.as_bytes().to_vec(),
                (_, serde_json::Value::String(h)) => hex(h),
                _ => continue,
            };
            fuzzing::fast_path(&input);
            for line in input.split(|&b| b == b'\n') {
                fuzzing::fast_path(line);
                accepted_fast += usize::from(fuzzing::fast_path_accepts(line));
            }
            inputs += 1;
        }
    }
    assert!(inputs > 1500, "only {inputs} vector inputs read");
    // The fast path is not vacuous: it reads a good part of the vectors' lines.
    assert!(
        accepted_fast > 300,
        "the fast path read {accepted_fast} lines"
    );
}

#[test]
fn fast_path_agrees_with_the_grammar_on_the_other_targets_seeds() {
    let fuzz = root().join("fuzz");
    for target in [
        "parse_datagram_spec",
        "parse_datagram_etsy",
        "parse_datagram_dogstatsd",
        "differential",
    ] {
        let ran = replay(&fuzz, target, &["seeds", "regressions"], fuzzing::fast_path);
        assert!(ran > 0, "no seeds for {target}");
    }
}

/// The faults the fast path decides itself (the name, the structure, the type,
/// the value, a sample rate, a spec or etsy field), each alone and with a
/// control character or an invalid byte later in the line (which must win as
/// in the grammar): the same errors, kind, span and line, in every dialect.
#[test]
fn fast_path_faults_agree_with_the_grammar() {
    let lines: &[&[u8]] = &[
        b":1|c",
        b"|c",
        b"a:|c",
        b"a|c",
        b"a:",
        b"a",
        b"a:1",
        b"a:1|",
        b"a:12.5",
        b"a:1|x",
        b"a:1|C",
        b"a:1|s",
        b"a:1|msx",
        b"a:1||",
        b"a:1.|ms",
        b"a:abc|c",
        b"a:01|g",
        b"a:+1|g",
        b"a:-5|g",
        b"a:-1|h",
        b"a:18446744073709551616|ms",
        b"a:9223372036854775808|c",
        b"a:1e3|c",
        b"a:1|c|@2",
        b"a:1|c|@x",
        b"a:1|c|@-1",
        b"a:1|c|@0",
        b"a:1|c|@-0.5",
        b"a:1|c|@-0",
        b"a:1|c|@--1",
        b"a:1|c|@+0.5",
        b"a:1|c|@1.5",
        b"a:1|g|@0.5",
        b"a:1|c|@0.5|@0.5",
        b"a:1|c|#x",
        b"a:1|c|x",
        b"a:1|c|@0.5|",
        b"a:1|c|T1",
        b"a:1:2|d",
        b"a\xff:1|c",
        b"\xff:1|c",
        b"a:1|d|#t:v|@0.5",
    ];
    for line in lines {
        fuzzing::fast_path(line);
        for tail in [&b"\t"[..], b"\x7f", b"\xff", b"|\x00"] {
            let mut with = line.to_vec();
            with.extend_from_slice(tail);
            fuzzing::fast_path(&with);
            let mut datagram = b"ok:1|c\n".to_vec();
            datagram.extend_from_slice(&with);
            datagram.extend_from_slice(b"\nok:2|c\n");
            datagram.extend_from_slice(line);
            fuzzing::fast_path(&datagram);
        }
    }
}

/// The one-pass reader of a datagram's lines (it finds each line's end
/// itself): the shapes it reads or leaves to the grammar, next to each other
/// in one datagram, with `\n` and `\r\n` ends, empty lines, a last line with
/// and without its `\n`, and under a line limit it must leave to the caller
/// (a line exactly at the limit, and one byte over it, in every field).
#[test]
fn one_pass_reader_agrees_with_the_grammar_across_lines_and_limits() {
    let lines: &[&[u8]] = &[
        b"a:1|c",
        b"a.b_c:12.5|ms|@0.25",
        b"a:1|c|#env:prod,host:web-1|c:ci-0123|T1700000000",
        b"a:1|g|e:it-ab|#x",
        b"a:1|ms|T1700000000",
        b"a:1:2.5:3|d|#t",
        b"a:1::3|d",
        b"a:user_12345|s",
        b"web-1.cpu:1|c",
        b"a:1|c|#t,,u",
        b"a:1|c|#",
        b"a:1|c|c:x|c:y",
        b"a:12345678901234567|c",
        b"a:123456789012345678901|g",
        b"a:1|c|@1.5",
        b"a:1|c|@0",
        b"a:1|c|@2|#t",
        b"a:1|c|Tx",
        b"_e{1,1}:a|b",
        b"_sc|n|0",
        b"bare.meter",
        b"a:1|c\r",
        b"\r",
        b"",
    ];
    for first in lines {
        for second in lines {
            for end in [&b""[..], b"\n", b"\n\n", b"\r\n"] {
                let mut datagram = first.to_vec();
                datagram.push(b'\n');
                datagram.extend_from_slice(second);
                datagram.extend_from_slice(end);
                fuzzing::fast_path(&datagram);
                for &dialect in Dialect::ALL {
                    // Limits around each line's length: at it, one below it.
                    for limit in [first.len(), first.len().saturating_sub(1), 3] {
                        let config = Config::new(dialect).with_max_line_len(limit);
                        fuzzing::check_fast_path(&datagram, &config);
                    }
                }
            }
        }
    }
}
