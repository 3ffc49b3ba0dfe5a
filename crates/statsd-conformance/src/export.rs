//! Exports of the suite for people who do not run this runner: one file per
//! case (`--flat`, toml-test's `copy`) and fuzz seeds (`--corpus`).

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use serde_json::json;

use crate::vectors::Suite;

/// The fuzz targets that get the corpus.
pub const CORPUS_TARGETS: &[&str] = &["parse_datagram_spec", "parse_datagram_etsy", "differential"];

/// How many files an export wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written (inputs, expectations, metadata).
    pub files: usize,
}

fn write(path: &Path, bytes: &[u8], written: &mut Written) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)?;
    written.files += 1;
    Ok(())
}

/// Writes `value` as pretty JSON with a final newline.
fn write_json(path: &Path, value: &serde_json::Value, written: &mut Written) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    write(path, format!("{text}\n").as_bytes(), written)
}

/// A path component from a slug: `/`, `\` and control characters replaced.
fn safe(part: &str) -> String {
    let s: String = part
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if s.is_empty() || s == "." || s == ".." {
        format!("_{s}")
    } else {
        s
    }
}

fn split_id(id: &str) -> (String, String) {
    match id.split_once('/') {
        Some((g, slug)) => (safe(g), safe(slug)),
        None => ("_".into(), safe(id)),
    }
}

/// Writes one file per case and dialect:
/// `DIR/<dialect>/<y|n|i>/<group>/<slug>.statsd` (the raw datagram) next to
/// `<slug>.json` (the expectation), encoder vectors as
/// `DIR/<dialect>/encode/<y|n>/<group>/<slug>.json` (the request body,
/// `metrics` or `messages`, and the outcome; + `.statsd`, the exact output, for
/// `y`), plus `DIR/.gitattributes` (`* -text`, so git never
/// rewrites a byte) and `DIR/VERSION`.
pub fn flat(suite: &Suite, dir: &Path) -> io::Result<Written> {
    let mut w = Written::default();
    write(&dir.join(".gitattributes"), b"* -text\n", &mut w)?;
    write(
        &dir.join("VERSION"),
        format!("{}\n", suite.version).as_bytes(),
        &mut w,
    )?;
    for dialect in suite.dialect_ids() {
        for case in suite.cases() {
            let Some(outcome) = case.outcome(&dialect) else {
                continue;
            };
            let (group, slug) = split_id(&case.id);
            let base = dir
                .join(&dialect)
                .join(outcome.verdict.letter())
                .join(group);
            let expectation = json!({
                "id": case.id,
                "dialect": dialect,
                "description": case.description,
                "source": case.source,
                "flags": case.flags,
                "verdict": outcome.verdict,
                "lines": outcome.lines,
                "canonical": outcome.canonical,
            });
            write(&base.join(format!("{slug}.statsd")), &case.bytes(), &mut w)?;
            write_json(&base.join(format!("{slug}.json")), &expectation, &mut w)?;
        }
        for case in suite.encoder_cases() {
            let Some(outcome) = case.outcome(&dialect) else {
                continue;
            };
            let (group, slug) = split_id(&case.id);
            let base = dir
                .join(&dialect)
                .join("encode")
                .join(outcome.verdict.letter())
                .join(group);
            let mut expectation = json!({
                "id": case.id,
                "dialect": dialect,
                "description": case.description,
                "source": case.source,
                "flags": case.flags,
                "verdict": outcome.verdict,
                "output": outcome.output,
            });
            // The request body as the vector has it: `metrics` (protocol
            // version 1) or `messages` (version 2: events, service checks).
            match &case.messages {
                Some(messages) => expectation["messages"] = json!(messages),
                None => expectation["metrics"] = json!(case.metrics),
            }
            if let Some(output) = &outcome.output {
                write(
                    &base.join(format!("{slug}.statsd")),
                    output.as_bytes(),
                    &mut w,
                )?;
            }
            write_json(&base.join(format!("{slug}.json")), &expectation, &mut w)?;
        }
    }
    Ok(w)
}

/// FNV-1a, 64 bits: a stable short name for corpus files.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Writes fuzz seeds: every vector input, every canonical form and every
/// encoder output, one raw file each, named by its FNV-1a hash, into
/// `DIR/<target>/` for each of [`CORPUS_TARGETS`] (the same inputs for all).
pub fn corpus(suite: &Suite, dir: &Path) -> io::Result<Written> {
    let mut inputs: BTreeSet<Vec<u8>> = BTreeSet::new();
    for case in suite.cases() {
        inputs.insert(case.bytes());
        for outcome in case.expect.values() {
            if let Some(c) = &outcome.canonical {
                inputs.insert(c.as_bytes().to_vec());
            }
        }
    }
    for case in suite.encoder_cases() {
        for outcome in case.expect.values() {
            if let Some(o) = &outcome.output {
                inputs.insert(o.as_bytes().to_vec());
            }
        }
    }
    inputs.remove(&Vec::new());
    let mut w = Written::default();
    for target in CORPUS_TARGETS {
        for input in &inputs {
            write(
                &dir.join(target).join(format!("{:016x}", fnv1a(input))),
                input,
                &mut w,
            )?;
        }
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn safe_names() {
        assert_eq!(
            split_id("counter/basic"),
            ("counter".into(), "basic".into())
        );
        assert_eq!(split_id("a/b/c"), ("a".into(), "b_c".into()));
        assert_eq!(split_id(".."), ("_".into(), "_..".into()));
    }
}
