//! The dogstatsd dialect against the Datadog Agent's own tests and code (the
//! rows of the research notes' reference table), and the decisions taken where
//! the Agent is lax by accident. Each row: input, then what the dialect gives
//! (the canonical form of an accepted line with its warning classes, or the
//! error class and offset).

use statsd_wire::{
    Config, EncodeErrorKind, Event, Message, Metric, MetricType, Number, Packed, ServiceCheck,
    ServiceCheckStatus, Tags, UnknownFields, parse_messages,
};

fn read(input: &[u8]) -> Vec<String> {
    parse_messages(input, &Config::dogstatsd())
        .map(|r| match r {
            Ok(p) => {
                let mut s = format!("ok {}", p.message);
                for w in &p.warnings {
                    s.push_str(&format!(" !{}@{}", w.kind().code(), w.span().start));
                }
                s
            }
            Err(e) => format!("err {}@{}", e.kind().code(), e.offset()),
        })
        .collect()
}

#[track_caller]
fn check(rows: &[(&[u8], &[&str])]) {
    for (input, want) in rows {
        assert_eq!(read(input), *want, "{:?}", String::from_utf8_lossy(input));
    }
}

#[test]
fn agent_metric_tests() {
    check(&[
        // M1-M5: types, packed values, sets keep ':'.
        (b"daemon:666|g", &["ok daemon:666|g"]),
        (b"daemon:666:777|g", &["ok daemon:666:777|g"]),
        (b"daemon:21:22|ms", &["ok daemon:21:22|ms"]),
        (b"daemon:3.5:4.5|d", &["ok daemon:3.5:4.5|d"]),
        (b"daemon:abc:def|s", &["ok daemon:abc:def|s"]),
        // M6, M9, M10: tags, the empty section, an unknown field.
        (
            b"custom_counter:1|c|#protocol:http,bench",
            &["ok custom_counter:1|c|#protocol:http,bench"],
        ),
        (b"daemon:666|g|#", &["ok daemon:666|g|#"]),
        (
            b"daemon:666|g|m:test",
            &["ok daemon:666|g|m:test !unknown_field@13"],
        ),
        // M11: fields in any order.
        (
            b"metric:1234|g|#thereisatag|T1657100540|@0.21",
            &["ok metric:1234|g|@0.21|#thereisatag|T1657100540"],
        ),
        (
            b"metric:1234|g|@0.21|T1657100540|#thereisatag",
            &["ok metric:1234|g|@0.21|#thereisatag|T1657100540"],
        ),
        // M13, M25: timestamps are decimal integers >= 1 (no sign).
        (
            b"metric:1234|g|#onetag|TABCD",
            &["err invalid_timestamp@23"],
        ),
        (b"metric:1234|g|#onetag|T", &["err invalid_timestamp@23"]),
        (
            b"metric:1234|g|#onetag|T-102348932",
            &["err invalid_timestamp@23"],
        ),
        (b"a:1|c|T0", &["err invalid_timestamp@7"]),
        (b"a:1|c|T+1657100430", &["err invalid_timestamp@7"]),
        // M16: errors.
        (b"daemon:666", &["err missing_type@10"]),
        (b"daemon:666|", &["err missing_type@11"]),
        (b"daemon:|g", &["err missing_value@7"]),
        (b":666|g", &["err empty_name@0"]),
        (b"abc666|g", &["err missing_value@6"]),
        (b"daemon:abc|g", &["err invalid_value@7"]),
        (b"daemon:666|unknown", &["err unknown_type@11"]),
        (b"daemon:666|g|@abc", &["err invalid_sample_rate@14"]),
        // M17: the last field wins, with a warning.
        (b"a:1|c|#x|#y", &["ok a:1|c|#y !duplicate_field@9"]),
        (b"a:1|c|@0.5|@0.25", &["ok a:1|c|@0.25 !duplicate_field@11"]),
        // M18: empty tags kept, ':' inside a value kept.
        (b"a:1|c|#a,,b", &["ok a:1|c|#a,,b !empty_tag@9"]),
        (b"a:1|c|#a:b:c", &["ok a:1|c|#a:b:c"]),
        // M19: gauges are absolute.
        (b"a:-5|g", &["ok a:-5|g"]),
        (b"a:+5|g", &["ok a:5|g"]),
        // M20: empty packed values skipped.
        (b"a:1:|c", &["ok a:1|c !empty_value@4"]),
        (b"a::1|c", &["ok a:1|c !empty_value@2"]),
        (b"a::|c", &["err missing_value@2"]),
        // M21: an empty field is an unknown field.
        (b"a:1|c|", &["ok a:1|c| !unknown_field@6"]),
        (b"a:1|c||#t", &["ok a:1|c|#t| !unknown_field@6"]),
        // M22: nothing is trimmed; types are case-sensitive.
        (b" a:1|c", &["ok  a:1|c !non_portable_name@0"]),
        (b"a: 1|c", &["err invalid_value@2"]),
        (b"a:1|C", &["err unknown_type@4"]),
        (b"a:1|c |#t", &["err unknown_type@4"]),
        // M26: any finite rate, outside (0, 1] with a warning.
        (b"a:1|c|@0", &["ok a:1|c|@0.0 !sample_rate_out_of_range@7"]),
        (b"a:1|c|@2", &["ok a:1|c|@2.0 !sample_rate_out_of_range@7"]),
        // M27, M28: CRLF.
        (b"a:1|c\r\nb:2|c\r\n", &["ok a:1|c", "ok b:2|c"]),
        (b"a:1|c\n\nb:1|c", &["ok a:1|c", "ok b:1|c"]),
        (b"a:1|c\rb:2|c", &["err control_character@5"]),
        (b"a:1|c\r\r\n", &["err control_character@5"]),
    ]);
}

#[test]
fn where_the_agent_is_lax_by_accident_the_dialect_is_strict() {
    check(&[
        // Go's ParseFloat accepts these; the dialect does not.
        (b"a:0x1p-2|g", &["err invalid_value@2"]),
        (b"a:1_000|g", &["err invalid_value@2"]),
        (b"a:NaN|g", &["err invalid_value@2"]),
        (b"a:Inf|c", &["err invalid_value@2"]),
        (b"a:1e400|g", &["err value_out_of_range@2"]),
        // Integers stay exact: beyond u64/i64 is out of range, not a float.
        (
            b"a:18446744073709551615|c",
            &["ok a:18446744073709551615|c !non_portable_integer@2"],
        ),
        (b"a:18446744073709551616|c", &["err value_out_of_range@2"]),
        // `_sc` without '|' is a metric name, not a broken service check.
        (b"_scx:1|c", &["ok _scx:1|c"]),
        // Event separators and lengths are checked.
        (b"_e{5,4}:titleXtext", &["err event_length_mismatch@13"]),
        (b"_e{5,4X:title|text", &["err invalid_event_header@6"]),
        (b"_e{5,2}:title|text|#t", &["err event_length_mismatch@16"]),
        (b"_e{10,10}:title|text", &["err event_length_mismatch@20"]),
        // No meter, no bare name.
        (b"a:1|m", &["err unknown_type@4"]),
        (b"page.views", &["err missing_value@10"]),
    ]);
}

#[test]
fn agent_event_and_service_check_tests() {
    check(&[
        (b"_e{10,9}:test title|test text", &["ok _e{10,9}:test title|test text"]),
        (br"_e{10,24}:test title|test\line1\nline2\nline3", &[r"ok _e{10,24}:test title|test\line1\nline2\nline3"]),
        (br"_e{10,24}:test|title|test\line1\nline2\nline3", &[r"ok _e{10,24}:test|title|test\line1\nline2\nline3"]),
        (b"_e{10,0}:test title|", &["ok _e{10,0}:test title|"]),
        (b"_e{10,0}:test title||t:warning", &["ok _e{10,0}:test title||t:warning"]),
        (b"_e{0,9}:|test text", &["err empty_event_title@3"]),
        (
            b"_e{10,9}:test title|test text|t:warning|d:12345|p:low|h:some.host|k:aggKey|s:source test|#tag1,tag2:test",
            &["ok _e{10,9}:test title|test text|d:12345|h:some.host|k:aggKey|p:low|s:source test|t:warning|#tag1,tag2:test"],
        ),
        (b"_e{5,4}:title|text|d:abc", &["ok _e{5,4}:title|text|d:abc !invalid_field_value@19"]),
        (b"_e{5,4}:title|text|p:urgent", &["ok _e{5,4}:title|text|p:urgent !invalid_field_value@19"]),
        (b"_e{5,4}:title|text|x:1234", &["ok _e{5,4}:title|text|x:1234 !unknown_field@19"]),
        (b"_e:title|text", &["err unknown_type@9"]),
        (b"_sc|agent.up|0", &["ok _sc|agent.up|0"]),
        (b"_sc|agent.up", &["err invalid_service_check_status@12"]),
        (b"_sc|agent.up|", &["err invalid_service_check_status@13"]),
        (b"_sc||", &["err empty_name@4"]),
        (b"_sc|", &["err empty_name@4"]),
        (b"_sc|agent.up|OK", &["err invalid_service_check_status@13"]),
        (b"_sc|agent.up|21", &["err invalid_service_check_status@13"]),
        (
            b"_sc|agent.up|0|d:21|h:localhost|#tag1:test,tag2|m:this is fine",
            &["ok _sc|agent.up|0|d:21|h:localhost|#tag1:test,tag2|m:this is fine"],
        ),
        (
            b"_sc|agent.up|0|d:21|h:localhost|h:localhost2|d:22",
            &["ok _sc|agent.up|0|d:22|h:localhost2 !duplicate_field@32 !duplicate_field@45"],
        ),
        (b"_sc|x|0|m:a|b", &["ok _sc|x|0|b|m:a !unknown_field@12"]),
    ]);
}

#[test]
fn unescaping_needs_no_allocation_and_matches_the_agent() {
    let line = br"_e{10,24}:test title|test\line1\nline2\nline3";
    let parsed = parse_messages(line, &Config::dogstatsd())
        .next()
        .unwrap()
        .unwrap();
    let Message::Event(e) = parsed.message else {
        panic!("an event")
    };
    assert_eq!(e.text.to_string(), "test\\line1\nline2\nline3");
    let mut buf = [0u8; 32];
    let n = e.text.unescape_into(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"test\\line1\nline2\nline3");
    assert_eq!(e.text.unescape_into(&mut [0u8; 4]), None);
}

#[test]
fn the_encoder_refuses_what_would_inject_or_change_meaning() {
    let d = Config::dogstatsd();
    let refuse = |m: Message<'_>| m.validate(&d).unwrap_err().kind();
    let m = |name| Message::from(Metric::new(name, MetricType::Counter, 1));
    assert_eq!(refuse(m("a\nb:1|c")), EncodeErrorKind::ReservedByteInName);
    assert_eq!(refuse(m("_e{1,1}")), EncodeErrorKind::ReservedNamePrefix);
    let bad_tags: [&[(&str, Option<&str>)]; 5] = [
        &[("env", Some("prod\nx:1|c"))],
        &[("env", Some("a,b"))],
        &[("a|b", None)],
        &[("k:v", None)],
        &[("", None)],
    ];
    for tags in bad_tags {
        let metric = Metric::new("a", MetricType::Counter, 1).with_tags(Tags::from_pairs(tags));
        assert_eq!(
            refuse(metric.into()),
            EncodeErrorKind::InvalidTag,
            "{tags:?}"
        );
    }
    let nan = Metric::new("a", MetricType::Gauge, f64::NAN);
    assert_eq!(refuse(nan.into()), EncodeErrorKind::NonFiniteValue);
    let packed_set = Metric::packed("a", MetricType::Set, Packed::new(&[Number::PosInt(1)]));
    assert_eq!(
        refuse(packed_set.into()),
        EncodeErrorKind::InvalidPackedValues
    );
    let mut unknown = Metric::new("a", MetricType::Counter, 1);
    unknown.unknown_fields = UnknownFields::new(&["@0.5"]);
    assert_eq!(refuse(unknown.into()), EncodeErrorKind::InvalidFieldText);
    assert_eq!(
        refuse(Event::new("", "x").into()),
        EncodeErrorKind::EmptyEventTitle
    );
    assert_eq!(
        refuse(Event::new("t", r"a\nb").into()),
        EncodeErrorKind::InvalidText
    );
    let mut check = ServiceCheck::new("db", ServiceCheckStatus::Ok);
    check.message = Some(statsd_wire::EscapedText::plain("a|b"));
    assert_eq!(refuse(check.into()), EncodeErrorKind::InvalidText);
    // Every refusal writes nothing; Display still shows what the message holds.
    let mut out = Vec::new();
    assert!(
        Message::from(Metric::new("a", MetricType::Gauge, f64::NAN))
            .encode(&d, &mut out)
            .is_err()
    );
    assert!(out.is_empty());
    assert_eq!(
        Metric::new("a", MetricType::Gauge, f64::NAN).to_string(),
        "a:NaN|g"
    );
    // Other dialects refuse DogStatsD messages and fields.
    assert_eq!(
        Message::from(Event::new("t", "x"))
            .validate(&Config::spec())
            .unwrap_err()
            .kind(),
        EncodeErrorKind::MessageNotInDialect
    );
    assert_eq!(
        Metric::new("a", MetricType::Counter, 1)
            .with_timestamp(5)
            .validate(&Config::etsy())
            .unwrap_err()
            .kind(),
        EncodeErrorKind::FieldNotInDialect
    );
}

#[test]
fn every_message_built_here_reads_back_as_itself() {
    let d = Config::dogstatsd();
    let tags = [
        ("env", Some("prod")),
        ("canary", None),
        ("", None),
        ("url", Some("http://x")),
    ];
    let values = [Number::PosInt(1), Number::Float(-2.5), Number::NegInt(-3)];
    let mut metric = Metric::packed("lat", MetricType::Distribution, Packed::new(&values))
        .with_sample_rate(0.25)
        .with_tags(Tags::from_pairs(&tags))
        .with_timestamp(1_657_100_540);
    metric.container_id = Some("ci-abc,in-12");
    metric.external_data = Some("it-false,cn-a");
    metric.cardinality = Some(statsd_wire::Cardinality::High);
    metric.unknown_fields = UnknownFields::new(&["f:new", ""]);
    let mut event = Event::new("Deploy | v2", "line 1\nline 2 \\ end");
    event.priority = Some(statsd_wire::Priority::Low);
    event.alert_type = Some(statsd_wire::AlertType::Success);
    event.timestamp = Some(-5);
    event.tags = Some(Tags::from_pairs(&tags));
    let mut check = ServiceCheck::new("db.up", ServiceCheckStatus::Unknown);
    check.message = Some(statsd_wire::EscapedText::plain("lag\nhigh"));
    check.hostname = Some("db-1");
    for message in [Message::from(metric), event.into(), check.into()] {
        let mut out = Vec::new();
        message.encode(&d, &mut out).unwrap();
        assert_eq!(out.len(), message.encoded_len());
        let back = parse_messages(&out, &d).next().unwrap().unwrap();
        assert_eq!(back.message, message, "{}", String::from_utf8_lossy(&out));
        let mut again = Vec::new();
        back.message.encode(&d, &mut again).unwrap();
        assert_eq!(again, out, "a fixed point");
    }
}

#[test]
fn warnings_past_the_capacity_are_counted_not_relabelled() {
    let line = b"a:1|c|x1|x2|x3|x4|x5|x6";
    let parsed = parse_messages(line, &Config::dogstatsd())
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(parsed.warnings.len(), statsd_wire::Warnings::CAPACITY);
    assert_eq!(parsed.warnings.dropped(), 2);
    assert!(
        parsed
            .warnings
            .iter()
            .all(|w| w.kind() == statsd_wire::WarningKind::UnknownField)
    );
    let starts: Vec<_> = parsed.warnings.iter().map(|w| w.span().start).collect();
    assert_eq!(starts, [6, 9, 12, 15]);
}
