//! `statsd-wire adapter`, driven as the adapter protocol says: stdin in,
//! stdout and the exit code out. `decode --dialect spec` and `--dialect etsy`
//! answer every line of the dialect rules, and `encode` writes the canonical
//! form.

use serde_json::{Value, json};
use statsd_wire::{Config, parse_line};
use statsd_wire_protocol::adapter;

use crate::support::{bin, stdout_of};

/// The dialect rules, one line each: what `spec` and `etsy` answer (`ok` or
/// the error class), and the canonical form of an accepted line.
const RULES: &[(&str, &str, &str)] = &[
    // Every type.
    ("a:1|g", "ok", "ok"),
    ("a:1|c", "ok", "ok"),
    ("a:1|ms", "ok", "ok"),
    ("a:1|h", "ok", "ok"),
    ("a:1|m", "ok", "ok"),
    ("a:1|s", "unknown_type", "ok"),
    ("a:1|d", "unknown_type", "unknown_type"),
    ("a:1|C", "unknown_type", "unknown_type"),
    // The bare-name meter.
    ("page.views", "ok", "missing_value"),
    // Structure.
    (":1|c", "empty_name", "empty_name"),
    ("|c", "empty_name", "empty_name"),
    ("a:|c", "missing_value", "missing_value"),
    ("a|c", "missing_value", "missing_value"),
    ("a:1", "missing_type", "missing_type"),
    ("a:1|", "missing_type", "missing_type"),
    ("a:1|c|", "unknown_field", "unknown_field"),
    ("a:1|c|#t:v", "unknown_field", "unknown_field"),
    ("a:1|c|0.5", "unknown_field", "unknown_field"),
    ("a\tb:1|c", "control_character", "control_character"),
    ("a:1|c\r", "control_character", "ok"),
    // Numbers.
    ("a:+1|c", "invalid_value", "ok"),
    ("a:.5|c", "invalid_value", "ok"),
    ("a:5.|c", "invalid_value", "ok"),
    ("a:007|c", "invalid_value", "ok"),
    ("a:1.5|c", "ok", "ok"),
    ("a:1e3|ms", "ok", "ok"),
    ("a:0x10|c", "invalid_value", "invalid_value"),
    ("a:inf|g", "invalid_value", "invalid_value"),
    ("a:NaN|g", "invalid_value", "invalid_value"),
    ("a:1_000|c", "invalid_value", "invalid_value"),
    ("a:-1|c", "ok", "ok"),
    ("a:-5|g", "value_out_of_range", "ok"),
    ("a:+5|g", "invalid_value", "ok"),
    ("a:-5|ms", "value_out_of_range", "value_out_of_range"),
    // Integer ranges, each side of the boundaries.
    ("a:9223372036854775807|c", "ok", "ok"),
    (
        "a:9223372036854775808|c",
        "value_out_of_range",
        "value_out_of_range",
    ),
    ("a:-9223372036854775807|c", "ok", "ok"),
    (
        "a:-9223372036854775808|c",
        "value_out_of_range",
        "value_out_of_range",
    ),
    ("a:18446744073709551615|g", "ok", "ok"),
    (
        "a:18446744073709551616|g",
        "value_out_of_range",
        "value_out_of_range",
    ),
    ("a:9007199254740993|c", "ok", "ok"),
    // Sample rates.
    ("a:1|c|@0.5", "ok", "ok"),
    ("a:1|c|@1", "ok", "ok"),
    (
        "a:1|c|@0",
        "sample_rate_out_of_range",
        "sample_rate_out_of_range",
    ),
    (
        "a:1|c|@1.5",
        "sample_rate_out_of_range",
        "sample_rate_out_of_range",
    ),
    ("a:1|c|@", "invalid_sample_rate", "invalid_sample_rate"),
    ("a:1|c|@+0.5", "invalid_sample_rate", "invalid_sample_rate"),
    ("a:1|c|@ 0.5", "invalid_sample_rate", "invalid_sample_rate"),
    (
        "a:1|c|@Infinity",
        "invalid_sample_rate",
        "invalid_sample_rate",
    ),
    ("a:1|c|@.5", "invalid_sample_rate", "ok"),
    ("a:1|ms|@0.5", "sample_rate_not_allowed", "ok"),
    ("a:1|g|@0.5", "sample_rate_not_allowed", "ok"),
    (
        "a:1|c|@0.5|@0.25",
        "duplicate_sample_rate",
        "duplicate_sample_rate",
    ),
    // Names.
    ("caf\u{e9} au lait:1|c", "ok", "ok"),
    ("PJSIP.contacts.alice;@abc.rtt:12|ms", "ok", "ok"),
];

fn decode(dialect: &str, input: &[u8]) -> (Option<i32>, Value) {
    let out = bin()
        .args(["adapter", "decode", "--dialect", dialect])
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    (
        out.status.code(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
    )
}

fn answer(result: &Value) -> &str {
    if result["ok"] == true {
        "ok"
    } else {
        result["error"]["class"].as_str().unwrap_or("?")
    }
}

#[test]
fn capabilities() {
    let out = bin().args(["adapter", "capabilities"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let caps: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(caps["protocol"], 2);
    assert_eq!(caps["name"], "statsd-wire");
    assert_eq!(caps["dialects"], json!(["spec", "etsy", "dogstatsd"]));
    assert_eq!(caps["ops"], json!(["decode", "encode", "batch"]));
    assert_eq!(
        caps["messages"],
        json!(["metric", "event", "service_check"])
    );
    assert_eq!(
        caps["features"],
        json!({"error_class": true, "error_offset": true, "canonical": true})
    );
}

#[test]
fn decode_answers_every_line_of_the_rules_in_both_dialects() {
    for (dialect, column) in [("spec", 1), ("etsy", 2)] {
        let config = adapter::config_for(dialect).unwrap();
        // All the rules as one datagram: one LineResult per line, in order...
        let datagram: String = RULES.iter().map(|r| format!("{}\n", r.0)).collect();
        let (code, out) = decode(dialect, datagram.as_bytes());
        assert_eq!(code, Some(0));
        let lines = out["lines"].as_array().unwrap();
        assert_eq!(lines.len(), RULES.len(), "{dialect}");
        for (rule, result) in RULES.iter().zip(lines) {
            let expected = if column == 1 { rule.1 } else { rule.2 };
            assert_eq!(
                answer(result),
                expected,
                "{dialect}: {:?} -> {result}",
                rule.0
            );
        }
        // ...exactly what the library answers in process.
        let in_process =
            serde_json::to_value(adapter::decode(datagram.as_bytes(), &config)).unwrap();
        assert_eq!(out, in_process, "{dialect}");

        // And each line alone, where the offsets count from the line.
        for rule in RULES {
            let (code, out) = decode(dialect, rule.0.as_bytes());
            assert_eq!(code, Some(0));
            let lines = out["lines"].as_array().unwrap();
            assert_eq!(lines.len(), 1, "{dialect}: {:?}", rule.0);
            let expected = if column == 1 { rule.1 } else { rule.2 };
            assert_eq!(answer(&lines[0]), expected, "{dialect}: {:?}", rule.0);
            if let Err(e) = parse_line(rule.0.as_bytes(), &config) {
                assert_eq!(
                    lines[0]["error"]["offset"],
                    e.offset() as u64,
                    "{:?}",
                    rule.0
                );
            }
        }
    }
}

#[test]
fn encode_writes_the_canonical_form_of_every_accepted_line() {
    for dialect in ["spec", "etsy"] {
        let config: Config = adapter::config_for(dialect).unwrap();
        let mut metrics = Vec::new();
        let mut canonical = Vec::new();
        for rule in RULES {
            let Ok(metric) = parse_line(rule.0.as_bytes(), &config) else {
                continue;
            };
            let (_, out) = decode(dialect, rule.0.as_bytes());
            let json_metric = out["lines"][0]["metric"].clone();
            // One metric per call: the exact canonical line.
            let request = json!({ "metrics": [json_metric] }).to_string();
            let out = bin()
                .args(["adapter", "encode", "--dialect", dialect])
                .write_stdin(request)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{dialect}: {:?}", rule.0);
            assert_eq!(
                stdout_of(&out),
                metric.to_string(),
                "{dialect}: {:?}",
                rule.0
            );
            metrics.push(json_metric);
            canonical.push(metric.to_string());
        }
        // All of them: one datagram, lines joined by \n, no final \n.
        let out = bin()
            .args(["adapter", "encode", "--dialect", dialect])
            .write_stdin(json!({ "metrics": metrics }).to_string())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(stdout_of(&out), canonical.join("\n"));
    }
    // Not canonical on input, canonical on output.
    let out = bin()
        .args(["adapter", "encode", "--dialect", "etsy"])
        .write_stdin(r#"{"metrics":[{"name":"confBridgeUsers","type":"gauge","values":["+1"],"delta":true},{"name":"t","type":"timer","values":["1.50"],"sample_rate":"0.50"}]}"#)
        .output()
        .unwrap();
    assert_eq!(stdout_of(&out), "confBridgeUsers:+1|g\nt:1.5|ms|@0.5");
}

#[test]
fn encode_refuses_invalid_metrics_with_exit_1() {
    for request in [
        r#"{"metrics":[{"name":"a","type":"gauge","values":["1"],"delta":true}]}"#,
        r#"{"metrics":[{"name":"a:b","type":"counter","values":["1"]}]}"#,
        r#"{"metrics":[{"name":"s","type":"set","values":["x"]}]}"#,
        "not json",
    ] {
        let out = bin()
            .args(["adapter", "encode", "--dialect", "spec"])
            .write_stdin(request)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{request}");
        assert!(out.stdout.is_empty(), "{request}");
    }
}

#[test]
fn batch_answers_each_request_in_order() {
    let requests = concat!(
        r#"{"id":"1","op":"decode","input":"a:1|c\nbad\n"}"#,
        "\n",
        r#"{"id":"2","op":"decode","input_hex":"613a317c63"}"#,
        "\n",
        r#"{"id":"3","op":"encode","metrics":[{"name":"a","type":"meter","values":["1"]}]}"#,
        "\n",
        r#"{"id":"4","op":"encode","metrics":[{"name":"a","type":"set","values":["x"]}]}"#,
        "\n",
        r#"{"id":"5","op":"frobnicate"}"#,
        "\n"
    );
    let out = bin()
        .args(["adapter", "batch", "--dialect", "spec"])
        .write_stdin(requests)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let responses: Vec<Value> = stdout_of(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<_> = responses
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["exit"].as_i64().unwrap()))
        .collect();
    assert_eq!(ids, [("1", 0), ("2", 0), ("3", 0), ("4", 1), ("5", 89)]);
    // "bad" is a bare-name meter in the spec dialect.
    assert_eq!(answer(&responses[0]["lines"][1]), "ok");
    assert_eq!(responses[1]["lines"][0]["metric"]["name"], "a");
    assert_eq!(responses[2]["output"], "a:1|m");
}

#[test]
fn an_unknown_dialect_is_exit_89() {
    for op in ["decode", "encode"] {
        let out = bin()
            .args(["adapter", op, "--dialect", "nosuchdialect"])
            .write_stdin("a:1|c")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(89), "{op}");
    }
    let out = bin()
        .args(["adapter", "batch", "--dialect", "nosuchdialect"])
        .write_stdin("{\"id\":\"1\",\"op\":\"decode\",\"input\":\"a:1|c\"}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let response: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(response["exit"], 89);
}

/// DogStatsD lines of every kind: the answer through the binary, line by line.
const DOGSTATSD: &str = concat!(
    "page.views:1|c|@0.5|#env:prod,canary|T1657100540|c:ci-1|e:it-false|card:low\n",
    "latency:1:2.5:3|d\n",
    "_e{6,14}:Deploy|line 1\\nline 2|d:1657100540|h:web-1|p:low|t:warning|#env:prod\n",
    "_sc|db.up|2|h:db-1|#role:replica|m:replica lag\n",
    "_sc|db.up|7\n",
    "_e{0,1}:|x\n",
    "a:1|m\n",
);

#[test]
fn dogstatsd_decode_answers_events_and_service_checks() {
    let (code, out) = decode("dogstatsd", DOGSTATSD.as_bytes());
    assert_eq!(code, Some(0));
    let config = adapter::config_for("dogstatsd").unwrap();
    assert_eq!(
        out,
        serde_json::to_value(adapter::decode(DOGSTATSD.as_bytes(), &config)).unwrap()
    );
    let lines = out["lines"].as_array().unwrap();
    let answers: Vec<_> = lines.iter().map(answer).collect();
    assert_eq!(
        answers,
        [
            "ok",
            "ok",
            "ok",
            "ok",
            "invalid_service_check_status",
            "empty_event_title",
            "unknown_type"
        ]
    );
    assert_eq!(
        lines[0]["metric"],
        json!({"name": "page.views", "type": "counter", "values": ["1"], "sample_rate": "0.5",
               "delta": false, "tags": [["env", "prod"], ["canary", null]],
               "timestamp": "1657100540", "container_id": "ci-1", "external_data": "it-false",
               "cardinality": "low"})
    );
    assert_eq!(lines[1]["metric"]["values"], json!(["1", "2.5", "3"]));
    assert_eq!(
        lines[2]["event"],
        json!({"title": "Deploy", "text": "line 1\nline 2", "timestamp": "1657100540",
               "hostname": "web-1", "aggregation_key": null, "priority": "low",
               "source_type": null, "alert_type": "warning", "tags": [["env", "prod"]]})
    );
    assert_eq!(
        lines[3]["service_check"],
        json!({"name": "db.up", "status": "2", "timestamp": null, "hostname": "db-1",
               "message": "replica lag", "tags": [["role", "replica"]]})
    );
}

#[test]
fn dogstatsd_encode_takes_messages_and_writes_the_canonical_form() {
    let (_, decoded) = decode("dogstatsd", DOGSTATSD.as_bytes());
    let messages: Vec<Value> = decoded["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["ok"] == true)
        .map(|l| {
            let (kind, body) = ["metric", "event", "service_check"]
                .iter()
                .find_map(|k| l.get(*k).map(|b| (*k, b.clone())))
                .unwrap();
            json!({ kind: body })
        })
        .collect();
    let out = bin()
        .args(["adapter", "encode", "--dialect", "dogstatsd"])
        .write_stdin(json!({ "messages": messages }).to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout_of(&out),
        concat!(
            "page.views:1|c|@0.5|#env:prod,canary|c:ci-1|e:it-false|T1657100540|card:low\n",
            "latency:1:2.5:3|d\n",
            "_e{6,14}:Deploy|line 1\\nline 2|d:1657100540|h:web-1|p:low|t:warning|#env:prod\n",
            "_sc|db.up|2|h:db-1|#role:replica|m:replica lag"
        )
    );
    // The same events are refused where the dialect has none (exit 1), and a
    // v1 request still works in dogstatsd.
    for (dialect, request, code) in [
        (
            "etsy",
            r#"{"messages":[{"event":{"title":"t","text":"x"}}]}"#,
            1,
        ),
        (
            "dogstatsd",
            r#"{"messages":[{"service_check":{"name":"a","status":"5"}}]}"#,
            1,
        ),
        (
            "dogstatsd",
            r#"{"metrics":[{"name":"a","type":"distribution","values":["1"]}]}"#,
            0,
        ),
    ] {
        let out = bin()
            .args(["adapter", "encode", "--dialect", dialect])
            .write_stdin(request)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{dialect} {request}");
    }
}

#[test]
fn dogstatsd_batch_encodes_messages() {
    let requests = concat!(
        r#"{"id":"1","op":"encode","messages":[{"service_check":{"name":"a","status":"0","message":"m"}},{"metric":{"name":"b","type":"set","values":["x"]}}]}"#,
        "\n",
        r#"{"id":"2","op":"decode","input":"_e{1,1}:a|b"}"#,
        "\n",
        r#"{"id":"3","op":"encode","messages":[{"event":{"title":"","text":"x"}}]}"#,
        "\n",
    );
    let out = bin()
        .args(["adapter", "batch", "--dialect", "dogstatsd"])
        .write_stdin(requests)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let responses: Vec<Value> = stdout_of(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(responses.len(), 3);
    assert_eq!(responses[0]["output"], "_sc|a|0|m:m\nb:x|s");
    assert_eq!(responses[1]["lines"][0]["event"]["title"], "a");
    assert_eq!(responses[2]["exit"], 1);
}
