//! `statsd-wire json`.

use serde_json::json;
use statsd_wire::{Config, parse_datagram};
use statsd_wire_protocol::LineResult;

use crate::support::{bin, json_lines, stdout_of, temp_file};

#[test]
fn one_line_result_per_line_with_its_number() {
    let input = "gorets:1|c\n\nbad\nglork:320|ms|@0.1\nusers:-2|g\n";
    let out = bin()
        .args(["json", "--dialect", "etsy"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&stdout_of(&out));
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0],
        json!({"line": 1, "ok": true, "metric": {"name": "gorets", "type": "counter",
               "values": ["1"], "sample_rate": null, "delta": false, "tags": null}})
    );
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["error"]["class"], "missing_value");
    assert_eq!(lines[1]["error"]["offset"], 15);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 3, column 4: missing value")
    );
    assert_eq!(lines[2]["metric"]["sample_rate"], "0.1");
    assert_eq!(lines[3]["metric"]["delta"], true);
    assert_eq!(lines[3]["metric"]["values"], json!(["-2"]));

    // Exactly the protocol's LineResult, plus "line".
    let config = Config::etsy();
    for (object, (raw, result)) in lines
        .iter()
        .zip(parse_datagram(input.as_bytes(), &config).with_raw())
    {
        let mut expected = serde_json::to_value(LineResult::from_result(&result)).unwrap();
        expected["line"] = json!(raw.index + 1);
        assert_eq!(object, &expected);
    }
}

#[test]
fn all_valid_exits_0_and_several_files_are_named() {
    let (_d1, a) = temp_file("a.txt", b"a:1|c\n");
    let (_d2, b) = temp_file("b.txt", b"b:2|g\nc:3|m\n");
    let out = bin().arg("json").arg(&a).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&stdout_of(&out));
    let files: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l["file"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            (a.display().to_string(), 1),
            (b.display().to_string(), 1),
            (b.display().to_string(), 2)
        ]
    );
    // One input: no "file".
    let out = bin().arg("json").arg(&a).output().unwrap();
    assert!(json_lines(&stdout_of(&out))[0].get("file").is_none());
}
