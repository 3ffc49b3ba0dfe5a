//! `statsd-wire check`.

use crate::support::{bin, json_lines, stderr_of, stdout_of, temp_file};

#[test]
fn a_valid_file_exits_0_with_a_summary() {
    let (_dir, path) = temp_file(
        "ok.txt",
        b"api.requests:1|c|@0.1\n\nconfBridgeUsers:2|g\npage.views\n",
    );
    let out = bin().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    assert_eq!(stdout_of(&out), "3 lines: 3 valid, 0 invalid, 0 warnings\n");
}

#[test]
fn invalid_lines_get_located_diagnostics_with_a_caret_and_exit_1() {
    let (_dir, path) = temp_file("bad.txt", b"ok:1|c\nbad:1|xyz\n\nt:-5|ms\n");
    let out = bin().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let file = path.display();
    let expected = format!(
        "{file}:2:7: error[unknown_type]: unknown metric type
2 | bad:1|xyz
  |       ^^^
  = hint: types are case-sensitive: c, g, ms, h, m (and s in the etsy dialect)
{file}:4:3: error[value_out_of_range]: value out of range for its metric type
4 | t:-5|ms
  |   ^^
  = hint: counters take -9223372036854775807 to 9223372036854775807; gauges, timers, histograms and meters 0 to 18446744073709551615
3 lines: 1 valid, 2 invalid, 0 warnings
"
    );
    assert_eq!(stdout_of(&out), expected);
    // Piped output has no colour codes.
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn integers_outside_the_portable_range_are_warnings_not_errors() {
    let out = bin()
        .arg("check")
        .write_stdin("big:9007199254740993|c\nsmall:-9007199254740991|c\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(
        text.starts_with(
            "<stdin>:1:5: warning[non_portable_integer]: integer outside the portable range (-2^53, 2^53)
1 | big:9007199254740993|c
  |     ^^^^^^^^^^^^^^^^
  = hint: servers that store values as doubles"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("2 lines: 2 valid, 0 invalid, 1 warning\n"),
        "{text}"
    );
}

#[test]
fn control_characters_are_shown_escaped_under_the_caret() {
    let out = bin()
        .arg("check")
        .write_stdin(&b"a\tb:1|c\nname\xff:1|c\n"[..])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(text.contains("<stdin>:1:2: error[control_character]: control character in the line\n1 | a\\tb:1|c\n  |  ^^\n"), "{text}");
    assert!(
        text.contains(
            "<stdin>:2:5: error[invalid_utf8]: invalid UTF-8\n2 | name\\xff:1|c\n  |     ^^^^\n"
        ),
        "{text}"
    );
}

#[test]
fn json_format_has_one_object_per_diagnostic() {
    let (_dir, path) = temp_file("m.txt", b"ok:1|c\nbad:|c\nbig:18446744073709551615|g\n");
    let out = bin()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let objects = json_lines(&stdout_of(&out));
    assert_eq!(objects.len(), 2);
    let file = path.display().to_string();
    assert_eq!(
        objects[0],
        serde_json::json!({
            "file": file, "line": 2, "column": 5, "offset": 11, "severity": "error",
            "class": "missing_value", "message": "missing value",
            "hint": "write the metric as <name>:<value>|<type>, e.g. requests:1|c"
        })
    );
    assert_eq!(objects[1]["severity"], "warning");
    assert_eq!(objects[1]["class"], "non_portable_integer");
    assert_eq!(
        (objects[1]["line"].as_u64(), objects[1]["column"].as_u64()),
        (Some(3), Some(5))
    );
    // The summary goes to stderr, keeping stdout pure JSON lines.
    assert_eq!(stderr_of(&out), "3 lines: 2 valid, 1 invalid, 1 warning\n");
}

#[test]
fn dialects_differ_on_deltas_sets_and_crlf() {
    let input = "users:+1|g\r\nvisitors:alice|s\r\nhits:1|ms|@0.5\n";
    let spec = bin().arg("check").write_stdin(input).output().unwrap();
    assert_eq!(spec.status.code(), Some(1));
    assert!(
        stdout_of(&spec).ends_with("3 lines: 0 valid, 3 invalid, 0 warnings\n"),
        "{}",
        stdout_of(&spec)
    );
    let etsy = bin()
        .args(["check", "--dialect", "etsy"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(etsy.status.code(), Some(0), "{}", stdout_of(&etsy));
    assert_eq!(
        stdout_of(&etsy),
        "3 lines: 3 valid, 0 invalid, 0 warnings\n"
    );
}

#[test]
fn several_files_stdin_dash_and_a_missing_file() {
    let (dir, good) = temp_file("good.txt", b"a:1|c\n");
    let missing = dir.path().join("missing.txt");
    let out = bin()
        .arg("check")
        .arg(&good)
        .arg("-")
        .arg(&missing)
        .write_stdin("bad\n")
        .output()
        .unwrap();
    // The missing file is an I/O error (2), which wins over the valid lines; the
    // other inputs are still checked.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("missing.txt"),
        "{}",
        stderr_of(&out)
    );
    assert!(stdout_of(&out).ends_with("2 lines: 2 valid, 0 invalid, 0 warnings\n"));
}

#[test]
fn usage_errors_exit_2() {
    let out = bin()
        .args(["check", "--dialect", "dogstatsd"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["check", "--format", "xml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let out = bin().args(["check", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(
        text.contains("Exit codes:") && text.contains("Examples:"),
        "{text}"
    );
    for sub in ["fmt", "json", "listen", "send", "adapter"] {
        let out = bin().args([sub, "--help"]).output().unwrap();
        let text = stdout_of(&out);
        assert!(
            text.contains("Exit codes") && text.contains("Examples:"),
            "{sub}: {text}"
        );
    }
}
