//! The rules of the `spec` and `etsy` dialects, line by line, including every
//! range boundary (each side of 2^53, 2^63 and 2^64).

use statsd_wire::{
    Config, ErrorKind, Metric, MetricType, Number, Value, parse_datagram, parse_line,
};

fn spec() -> Config {
    Config::spec()
}
fn etsy() -> Config {
    Config::etsy()
}

#[track_caller]
fn ok<'a>(line: &'a str, config: &Config) -> Metric<'a> {
    match parse_line(line.as_bytes(), config) {
        Ok(m) => m,
        Err(e) => panic!("{line:?} in {:?} should parse, got {e}", config.dialect()),
    }
}

#[track_caller]
fn err(line: &str, config: &Config) -> (ErrorKind, usize) {
    match parse_line(line.as_bytes(), config) {
        Ok(m) => panic!("{line:?} in {:?} should fail, got {m:?}", config.dialect()),
        Err(e) => (e.kind(), e.offset()),
    }
}

fn num(m: &Metric<'_>) -> Number {
    m.number().expect("a number")
}

#[test]
fn every_spec_type_parses() {
    for (line, kind) in [
        ("a:1|g", MetricType::Gauge),
        ("a:1|c", MetricType::Counter),
        ("a:1|ms", MetricType::Timer),
        ("a:1|h", MetricType::Histogram),
        ("a:1|m", MetricType::Meter),
    ] {
        let m = ok(line, &spec());
        assert_eq!(
            (m.name, m.kind, num(&m)),
            ("a", kind, Number::PosInt(1)),
            "{line}"
        );
        assert_eq!(m.to_string(), line);
    }
}

#[test]
fn bare_name_is_a_meter_of_one_in_spec_only() {
    let m = ok("page.views", &spec());
    assert_eq!((m.kind, num(&m)), (MetricType::Meter, Number::PosInt(1)));
    assert_eq!(m.to_string(), "page.views:1|m");
    assert_eq!(err("page.views", &etsy()), (ErrorKind::MissingValue, 10));
    // A bare name still obeys the name rules.
    assert_eq!(err("a\tb", &spec()), (ErrorKind::ControlCharacter, 1));
    assert_eq!(ok("caf\u{e9} au lait", &spec()).name, "caf\u{e9} au lait");
}

#[test]
fn types_are_case_sensitive_and_per_dialect() {
    for bad in [
        "a:1|C", "a:1|G", "a:1|MS", "a:1|x", "a:1|d", "a:1|cc", "a:1|kv",
    ] {
        assert_eq!(err(bad, &spec()).0, ErrorKind::UnknownType, "{bad}");
        assert_eq!(err(bad, &etsy()).0, ErrorKind::UnknownType, "{bad}");
    }
    assert_eq!(err("a:1|s", &spec()), (ErrorKind::UnknownType, 4));
    assert_eq!(ok("a:1|s", &etsy()).value, Value::Set("1"));
    assert_eq!(err("a:1|c:2|c", &etsy()), (ErrorKind::UnknownType, 4));
}

#[test]
fn names_allow_everything_but_separators_and_controls() {
    let m = ok("PJSIP.contacts.alice;@abc123.rtt:12|ms", &spec());
    assert_eq!(m.name, "PJSIP.contacts.alice;@abc123.rtt");
    for name in [
        "a b",
        "a/b",
        "a#b",
        "a=b",
        "a,b",
        "a-b",
        "\u{1f680}",
        "na\u{ef}ve.\u{20ac}",
    ] {
        let line = format!("{name}:1|c");
        assert_eq!(ok(&line, &spec()).name, name);
    }
    assert_eq!(err(":1|c", &spec()), (ErrorKind::EmptyName, 0));
    assert_eq!(err("|c", &spec()), (ErrorKind::EmptyName, 0));
    assert_eq!(err("a\0b:1|c", &spec()), (ErrorKind::ControlCharacter, 1));
    assert_eq!(err("a\x7fb:1|c", &spec()), (ErrorKind::ControlCharacter, 1));
    let e = parse_line(b"gorets\xff:1|c", &spec()).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset(), e.span().end),
        (ErrorKind::InvalidUtf8, 6, 7)
    );
}

#[test]
fn structure_errors_are_located() {
    assert_eq!(err("gorets|c", &spec()), (ErrorKind::MissingValue, 6));
    assert_eq!(err("gorets:", &spec()), (ErrorKind::MissingValue, 7));
    assert_eq!(err("gorets:|c", &spec()), (ErrorKind::MissingValue, 7));
    assert_eq!(err("gorets:1", &spec()), (ErrorKind::MissingType, 8));
    assert_eq!(err("gorets:1|", &spec()), (ErrorKind::MissingType, 9));
    assert_eq!(err("gorets:1|c|", &spec()), (ErrorKind::UnknownField, 11));
    assert_eq!(
        err("gorets:1|c|0.5", &spec()),
        (ErrorKind::UnknownField, 11)
    );
    assert_eq!(
        err("gorets:1|c|#env:prod", &spec()),
        (ErrorKind::UnknownField, 11)
    );
    assert_eq!(
        err("gorets:1|c|#env:prod", &etsy()),
        (ErrorKind::UnknownField, 11)
    );
    assert_eq!(err("a:b:1|c", &spec()), (ErrorKind::InvalidValue, 2));
    assert_eq!(err("a:1:2|c", &spec()), (ErrorKind::InvalidValue, 2));
}

#[test]
fn spec_values_follow_the_json_number_grammar() {
    for good in [
        "0", "-0", "12", "1.5", "1e3", "1E3", "1e+3", "1.5e-3", "0.5",
    ] {
        ok(&format!("a:{good}|c"), &spec());
    }
    for bad in [
        "+1", "01", "007", "1.", ".5", ".", "0x10", "0b101", "inf", "nan", "NaN", "Infinity", " 1",
        "1 ", "1_000", "1,5", "--1", "1.2.3", "1e", "-",
    ] {
        assert_eq!(
            err(&format!("a:{bad}|c"), &spec()),
            (ErrorKind::InvalidValue, 2),
            "{bad}"
        );
    }
}

#[test]
fn etsy_values_are_looser_decimals() {
    for (good, n) in [
        ("+1", Number::PosInt(1)),
        ("007", Number::PosInt(7)),
        ("1.", Number::Float(1.0)),
        (".5", Number::Float(0.5)),
        ("1e3", Number::Float(1000.0)),
    ] {
        assert_eq!(num(&ok(&format!("a:{good}|c"), &etsy())), n, "{good}");
    }
    for bad in [
        "0x10", "0b101", "Infinity", "NaN", " 1", "1 ", "1_000", ".", "+", "+.",
    ] {
        assert_eq!(
            err(&format!("a:{bad}|c"), &etsy()),
            (ErrorKind::InvalidValue, 2),
            "{bad}"
        );
    }
}

#[test]
fn counter_range_is_open_at_two_to_the_63() {
    for config in [spec(), etsy()] {
        let max = ok("a:9223372036854775807|c", &config);
        assert_eq!(num(&max), Number::PosInt(i64::MAX as u64));
        let min = ok("a:-9223372036854775807|c", &config);
        assert_eq!(num(&min), Number::NegInt(-i64::MAX));
        assert_eq!(
            err("a:9223372036854775808|c", &config),
            (ErrorKind::ValueOutOfRange, 2)
        );
        assert_eq!(
            err("a:-9223372036854775808|c", &config),
            (ErrorKind::ValueOutOfRange, 2)
        );
        assert_eq!(
            err("a:18446744073709551616|c", &config),
            (ErrorKind::ValueOutOfRange, 2)
        );
        assert_eq!(
            err("a:9223372036854775808.0|c", &config),
            (ErrorKind::ValueOutOfRange, 2)
        );
        assert_eq!(
            err("a:-9.223372036854775808e18|c", &config),
            (ErrorKind::ValueOutOfRange, 2)
        );
        let below = ok("a:9.2233720368547748e18|c", &config);
        assert_eq!(num(&below), Number::Float(9_223_372_036_854_774_784.0));
    }
}

#[test]
fn unsigned_range_is_half_open_at_two_to_the_64() {
    for t in ["g", "ms", "h", "m"] {
        let max_line = format!("a:18446744073709551615|{t}");
        let max = ok(&max_line, &spec());
        assert_eq!(num(&max), Number::PosInt(u64::MAX), "{t}");
        assert_eq!(max.to_string(), format!("a:18446744073709551615|{t}"));
        let line = format!("a:18446744073709551616|{t}");
        assert_eq!(err(&line, &spec()), (ErrorKind::ValueOutOfRange, 2), "{t}");
        assert_eq!(num(&ok(&format!("a:0|{t}"), &spec())), Number::PosInt(0));
        assert_eq!(
            err(&format!("a:-1|{t}"), &spec()),
            (ErrorKind::ValueOutOfRange, 2),
            "{t}"
        );
        // 2^64 - 1 as a float rounds to 2^64, which is out.
        let line = format!("a:18446744073709551615.0|{t}");
        assert_eq!(err(&line, &spec()), (ErrorKind::ValueOutOfRange, 2), "{t}");
        assert_eq!(
            err(&format!("a:1e400|{t}"), &spec()),
            (ErrorKind::ValueOutOfRange, 2)
        );
        assert_eq!(
            err(&format!("a:-1e-400|{t}"), &spec()),
            (ErrorKind::ValueOutOfRange, 2)
        );
        assert_eq!(
            num(&ok(&format!("a:-0.0|{t}"), &spec())),
            Number::Float(-0.0)
        );
    }
}

#[test]
fn integers_are_exact_on_each_side_of_two_to_the_53() {
    for (text, portable) in [
        ("9007199254740991", true),
        ("9007199254740992", false),
        ("9007199254740993", false),
        ("-9007199254740991", true),
        ("-9007199254740993", false),
    ] {
        let line = format!("a:{text}|c");
        let m = ok(&line, &spec());
        assert_eq!(num(&m).to_string(), text);
        assert_eq!(m.is_portable(), portable, "{text}");
        assert_eq!(m.to_string(), line);
    }
    // The exactness the issue asks for: ...993 is not rounded to ...992.
    assert_eq!(
        num(&ok("a:9007199254740993|c", &spec())),
        Number::PosInt(9_007_199_254_740_993)
    );
}

#[test]
fn gauge_signs_are_deltas_in_etsy_only() {
    assert_eq!(err("g:-1|g", &spec()), (ErrorKind::ValueOutOfRange, 2));
    assert_eq!(err("g:+1|g", &spec()), (ErrorKind::InvalidValue, 2));
    let plus = ok("confBridgeUsers:+1|g", &etsy());
    assert!(plus.delta);
    assert_eq!(num(&plus), Number::PosInt(1));
    assert_eq!(plus.to_string(), "confBridgeUsers:+1|g");
    let minus = ok("confBridgeUsers:-1|g", &etsy());
    assert!(minus.delta);
    assert_eq!(num(&minus), Number::NegInt(-1));
    assert_eq!(minus.to_string(), "confBridgeUsers:-1|g");
    let zero = ok("g:-0|g", &etsy());
    assert!(zero.delta);
    assert_eq!(zero.to_string(), "g:+0|g");
    let absolute = ok("g:5|g", &etsy());
    assert!(!absolute.delta);
    // A delta takes the counter range; an absolute gauge the unsigned range.
    assert!(ok("g:-9223372036854775807|g", &etsy()).delta);
    assert_eq!(
        err("g:-9223372036854775808|g", &etsy()),
        (ErrorKind::ValueOutOfRange, 2)
    );
    assert_eq!(
        err("g:+9223372036854775808|g", &etsy()),
        (ErrorKind::ValueOutOfRange, 2)
    );
    assert!(!ok("g:18446744073709551615|g", &etsy()).delta);
    // Signs on other types are not deltas.
    assert!(!ok("c:+1|c", &etsy()).delta);
    assert_eq!(num(&ok("t:+5|ms", &etsy())), Number::PosInt(5));
    assert_eq!(err("t:-5|ms", &etsy()), (ErrorKind::ValueOutOfRange, 2));
}

#[test]
fn sample_rates() {
    let m = ok("a:1|c|@0.5", &spec());
    assert_eq!(m.sample_rate, Some(0.5));
    assert_eq!(ok("a:1|c|@1", &spec()).sample_rate, Some(1.0));
    assert_eq!(ok("a:1|c|@1e-1", &spec()).sample_rate, Some(0.1));
    assert_eq!(
        err("a:1|c|@0", &spec()),
        (ErrorKind::SampleRateOutOfRange, 7)
    );
    assert_eq!(
        err("a:1|c|@1.5", &spec()),
        (ErrorKind::SampleRateOutOfRange, 7)
    );
    assert_eq!(
        err("a:1|c|@-0.5", &spec()),
        (ErrorKind::SampleRateOutOfRange, 7)
    );
    assert_eq!(err("a:1|c|@", &spec()), (ErrorKind::InvalidSampleRate, 7));
    assert_eq!(err("a:1|c|@.5", &spec()), (ErrorKind::InvalidSampleRate, 7));
    assert_eq!(
        err("a:1|c|@+0.5", &spec()),
        (ErrorKind::InvalidSampleRate, 7)
    );
    assert_eq!(
        err("a:1|c|@ 0.5", &spec()),
        (ErrorKind::InvalidSampleRate, 7)
    );
    assert_eq!(
        err("a:1|c|@Infinity", &spec()),
        (ErrorKind::InvalidSampleRate, 7)
    );
    assert_eq!(
        err("a:1|c|@0.5|@0.5", &spec()),
        (ErrorKind::DuplicateSampleRate, 11)
    );
    assert_eq!(err("a:1|c@0.5", &spec()), (ErrorKind::UnknownType, 4));
    assert_eq!(
        err("a:1|g|@0.5", &spec()),
        (ErrorKind::SampleRateNotAllowed, 6)
    );
    assert_eq!(
        err("a:1|ms|@0.5", &spec()),
        (ErrorKind::SampleRateNotAllowed, 7)
    );
    // etsy: every type, decimal rates only.
    assert_eq!(ok("a:1|g|@0.5", &etsy()).sample_rate, Some(0.5));
    assert_eq!(ok("a:x|s|@0.5", &etsy()).sample_rate, Some(0.5));
    assert_eq!(ok("a:1|c|@.5", &etsy()).sample_rate, Some(0.5));
    assert_eq!(
        err("a:1|c|@1e-1", &etsy()),
        (ErrorKind::InvalidSampleRate, 7)
    );
    assert_eq!(
        err("a:1|c|@+0.5", &etsy()),
        (ErrorKind::InvalidSampleRate, 7)
    );
    assert_eq!(
        err("a:1|c|@0x1", &etsy()),
        (ErrorKind::InvalidSampleRate, 7)
    );
    assert_eq!(
        err("a:1|c|@0.00", &etsy()),
        (ErrorKind::SampleRateOutOfRange, 7)
    );
}

#[test]
fn sets_in_etsy() {
    assert_eq!(ok("users:alice|s", &etsy()).value, Value::Set("alice"));
    assert_eq!(ok("users:foo bar|s", &etsy()).value, Value::Set("foo bar"));
    assert_eq!(ok("users:-1|s", &etsy()).value, Value::Set("-1"));
    assert_eq!(err("users:|s", &etsy()), (ErrorKind::MissingValue, 6));
    assert_eq!(err("users:a:b|s", &etsy()), (ErrorKind::InvalidValue, 6));
    let e = parse_line(b"users:\xff|s", &etsy()).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::InvalidUtf8, 6));
}

#[test]
fn carriage_returns() {
    assert_eq!(err("a:1|c\r", &spec()), (ErrorKind::ControlCharacter, 5));
    assert_eq!(ok("a:1|c\r", &etsy()).to_string(), "a:1|c");
    assert_eq!(
        err("a:1|c\rb:2|c", &etsy()),
        (ErrorKind::ControlCharacter, 5)
    );
    assert_eq!(err("a:-5|ms\r", &etsy()), (ErrorKind::ValueOutOfRange, 2));
    let lines: Vec<_> = parse_datagram(b"a:1|c\r\n\r\nb:2|c\r\n", &etsy()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(Result::is_ok));
    let lines: Vec<_> = parse_datagram(b"a:1|c\r\nb:2|c\r\n", &spec()).collect();
    assert_eq!(
        lines
            .iter()
            .map(|r| r.unwrap_err().offset())
            .collect::<Vec<_>>(),
        [5, 12]
    );
}

#[test]
fn datagram_framing_and_recovery() {
    let input = b"a:1|c\n\nbad\nb:2|g\nc:-1|ms\n";
    let results: Vec<_> = parse_datagram(input, &spec()).collect();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].unwrap().name, "a");
    assert_eq!(results[1].unwrap().name, "bad"); // the meter shorthand
    assert_eq!(results[2].unwrap().name, "b");
    let e = results[3].unwrap_err();
    assert_eq!(
        (e.kind(), e.line_index(), e.offset()),
        (ErrorKind::ValueOutOfRange, 4, 19)
    );
    assert_eq!(parse_datagram(b"", &spec()).count(), 0);
    assert_eq!(parse_datagram(b"\n\n\n", &spec()).count(), 0);
    let raw: Vec<_> = parse_datagram(b"x:1|c\n\ny:2|c", &spec())
        .with_raw()
        .collect();
    assert_eq!(raw[1].0.bytes, b"y:2|c");
    assert_eq!((raw[1].0.index, raw[1].0.span.start), (2, 7));
}

#[test]
fn error_precedence_follows_the_documented_order() {
    // A control character anywhere is reported before the (earlier) bad value.
    assert_eq!(err("a:x|c\0", &spec()), (ErrorKind::ControlCharacter, 5));
    // The type is checked before the value.
    assert_eq!(err("a:x|q", &spec()), (ErrorKind::UnknownType, 4));
    // The value before the fields.
    assert_eq!(err("a:x|c|@9", &spec()), (ErrorKind::InvalidValue, 2));
}

#[test]
fn line_length_limit() {
    let config = Config::spec().with_max_line_len(10);
    assert!(parse_line(b"abcd:1|c", &config).is_ok());
    let e = parse_line(b"abcdefgh:1|c", &config).unwrap_err();
    assert_eq!(
        (e.kind(), e.span().start, e.span().end),
        (ErrorKind::LineTooLong, 0, 12)
    );
    assert_eq!(
        parse_line(b"", &spec()).unwrap_err().kind(),
        ErrorKind::EmptyLine
    );
}

#[test]
fn error_codes_are_unique_and_round_trip() {
    let mut codes: Vec<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
    for k in ErrorKind::ALL {
        assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
        assert!(!k.message().is_empty() && !k.hint().is_empty());
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ErrorKind::ALL.len());
}

#[test]
fn errors_are_small_and_copy() {
    fn is_copy<T: Copy>() {}
    is_copy::<statsd_wire::ParseError>();
    is_copy::<statsd_wire::Warning>();
    is_copy::<statsd_wire::Warnings>();
    // Kind, span, line index and line start: five words at most.
    assert!(size_of::<statsd_wire::ParseError>() <= 40);
    assert!(size_of::<statsd_wire::Warning>() <= 40);
}

#[test]
fn non_canonical_numbers_are_refused_by_the_encoder() {
    // NegInt holds negative values only; NegInt(0) would be written "0" and read
    // back as PosInt(0) (found by the roundtrip_arbitrary fuzz target).
    for n in [
        Number::NegInt(0),
        Number::NegInt(5),
        Number::NegInt(i64::MIN),
    ] {
        let m = Metric::new("a", MetricType::Counter, n);
        assert!(m.validate(&spec()).is_err(), "{n:?}");
        assert!(m.encode(&spec(), &mut Vec::new()).is_err(), "{n:?}");
    }
    let ok = Metric::new("a", MetricType::Counter, Number::NegInt(-1));
    assert!(ok.validate(&spec()).is_ok());
}

#[test]
fn lines_after_invalid_utf8_are_still_read_as_text() {
    // UTF-8 is validated per datagram and again after each invalid byte.
    let input = b"caf\xc3\xa9:1|c\nbad\xff:1|c\nna\xc3\xafve:2|c\nx\xc3:1|c\n\xe2\x82\xac:3|c\n";
    let results: Vec<_> = parse_datagram(input, &spec()).collect();
    assert_eq!(results[0].unwrap().name, "caf\u{e9}");
    let e = results[1].unwrap_err();
    assert_eq!(
        (e.kind(), e.offset(), e.line_index()),
        (ErrorKind::InvalidUtf8, 13, 1)
    );
    assert_eq!(results[2].unwrap().name, "na\u{ef}ve");
    let e = results[3].unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::InvalidUtf8, 31));
    assert_eq!(results[4].unwrap().name, "\u{20ac}");
    assert_eq!(results.len(), 5);
}
