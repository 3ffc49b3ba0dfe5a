//! Properties: `parse(encode(m)) == m` for every valid metric, the canonical
//! encoding is a fixed point, and parsing any bytes never panics and only ever
//! accepts lines that re-encode faithfully.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use statsd_wire::{Config, Dialect, Metric, MetricType, Number, parse_datagram, parse_line};

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_.-]{1,24}",
        "[a-z]{1,8}(\\.[a-z0-9;@ /#=,-]{1,8}){0,4}",
        "[\\p{L}\\p{N}.]{1,12}",
    ]
}

fn signed_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        (-i64::MAX..=i64::MAX).prop_map(Number::from_i64),
        (-TWO_POW_63..TWO_POW_63)
            .prop_filter("inside the open range", |v| *v > -TWO_POW_63)
            .prop_map(Number::Float),
        prop::num::f64::NORMAL.prop_map(|v| Number::Float(v % TWO_POW_63)),
    ]
}

fn unsigned_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<u64>().prop_map(Number::PosInt),
        (0u64..(1 << 54)).prop_map(Number::PosInt),
        (0.0..TWO_POW_64).prop_map(Number::Float),
        prop::num::f64::POSITIVE.prop_map(|v| Number::Float(v % TWO_POW_64)),
    ]
}

fn rate() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(1.0)),
        (1u32..=1000).prop_map(|n| Some(f64::from(n) / 1000.0)),
        prop::num::f64::POSITIVE
            .prop_filter("(0, 1]", |v| *v <= 1.0)
            .prop_map(Some),
    ]
}

#[derive(Debug, Clone)]
struct Owned {
    name: String,
    kind: MetricType,
    number: Number,
    member: String,
    rate: Option<f64>,
    delta: bool,
}

impl Owned {
    fn metric(&self) -> Metric<'_> {
        let mut m = if self.kind == MetricType::Set {
            Metric::set(&self.name, &self.member)
        } else {
            Metric::new(&self.name, self.kind, self.number)
        };
        m.sample_rate = self.rate;
        m.delta = self.delta;
        m
    }
}

fn valid_metric(dialect: Dialect) -> impl Strategy<Value = Owned> {
    let kinds: Vec<MetricType> = MetricType::ALL
        .iter()
        .copied()
        .filter(|t| dialect.supports(*t))
        .collect();
    (
        name(),
        prop::sample::select(kinds),
        any::<bool>(),
        rate(),
        "[a-zA-Z0-9 _.@#-]{1,12}",
    )
        .prop_flat_map(move |(name, kind, delta_wanted, rate, member)| {
            let delta = delta_wanted && kind == MetricType::Gauge && dialect.has_gauge_deltas();
            let number = if kind.is_signed() || delta {
                signed_number().boxed()
            } else {
                unsigned_number().boxed()
            };
            let rate = if dialect.allows_sample_rate(kind) {
                rate
            } else {
                None
            };
            number.prop_map(move |number| Owned {
                name: name.clone(),
                kind,
                number,
                member: member.clone(),
                rate,
                delta,
            })
        })
}

/// Lines that look like StatsD, to reach deep into the grammar.
fn statsd_like() -> impl Strategy<Value = String> {
    "([a-z.;@ ]{0,6}(:[-+]?[0-9]{0,21}(\\.[0-9]{0,3})?([eE][-+]?[0-9]{1,3})?)?(\\|(c|g|ms|h|m|s|x|)(\\|@[-+.0-9eE]{0,5})?(\\|[#a-z:]{0,4})?)?\r?\n?){1,4}"
}

fn assert_round_trips(m: &Metric<'_>, config: &Config) -> Result<(), TestCaseError> {
    let mut out = Vec::new();
    m.encode(config, &mut out)
        .map_err(|e| TestCaseError::fail(format!("{m:?}: {e}")))?;
    prop_assert_eq!(out.len(), m.encoded_len());
    let back = parse_line(&out, config)
        .map_err(|e| TestCaseError::fail(format!("{:?} → {e}", String::from_utf8_lossy(&out))))?;
    prop_assert_eq!(&back, m);
    let mut again = Vec::new();
    back.encode(config, &mut again).unwrap();
    prop_assert_eq!(again, out);
    Ok(())
}

proptest! {
    // 2000 cases by default; PROPTEST_CASES=N runs more (e.g. a long local run).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/props.proptest-regressions"
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_spec_metrics_round_trip(m in valid_metric(Dialect::Spec)) {
        assert_round_trips(&m.metric(), &Config::spec())?;
    }

    #[test]
    fn valid_etsy_metrics_round_trip(m in valid_metric(Dialect::Etsy)) {
        assert_round_trips(&m.metric(), &Config::etsy())?;
    }

    #[test]
    fn any_bytes_parse_without_panic_and_accepted_lines_re_encode(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        for config in [Config::spec(), Config::etsy()] {
            for result in parse_datagram(&bytes, &config) {
                match result {
                    Ok(m) => assert_round_trips(&m, &config)?,
                    Err(e) => prop_assert!(e.span().start <= e.span().end && e.span().end <= bytes.len()),
                }
            }
        }
    }

    #[test]
    fn statsd_like_text_is_idempotent_under_encode(text in statsd_like()) {
        for config in [Config::spec(), Config::etsy()] {
            for result in parse_datagram(text.as_bytes(), &config) {
                match result {
                    Ok(m) => assert_round_trips(&m, &config)?,
                    Err(e) => prop_assert!(e.span().end <= text.len()),
                }
            }
        }
    }

    #[test]
    fn invalid_metrics_are_refused_and_nothing_is_written(
        name in "[a-z]{0,3}[:|\n\r\t]?[a-z]{0,3}",
        value in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(TWO_POW_64)],
        kind in prop::sample::select(vec![MetricType::Gauge, MetricType::Timer, MetricType::Meter]),
    ) {
        let m = Metric::new(&name, kind, value);
        let mut out = b"keep".to_vec();
        prop_assert!(m.encode(&Config::etsy(), &mut out).is_err());
        prop_assert_eq!(out, b"keep".to_vec());
    }
}

// ---------------------------------------------------------------------------
// dogstatsd: every message kind, built valid, reads back as itself
// ---------------------------------------------------------------------------

use statsd_wire::{
    AlertType, Cardinality, EscapedText, Event, Message, Packed, Priority, ServiceCheck,
    ServiceCheckStatus, Tags, UnknownFields, parse_messages,
};

/// A tag key or value: no `,`, `|`, control characters (and no `:` in keys).
fn tag_text(colon: bool) -> impl Strategy<Value = String> {
    if colon {
        "[a-zA-Z0-9_.:/ é-]{0,10}".boxed()
    } else {
        "[a-zA-Z0-9_./ é-]{0,10}".boxed()
    }
}

/// An event or service-check text: any printable text and newlines, but not
/// the two bytes backslash-n (they would read back as a newline).
fn event_text(pipes: bool) -> impl Strategy<Value = String> {
    let re = if pipes {
        "[a-zA-Z0-9 |:#@,\\\\\n.é]{0,24}"
    } else {
        "[a-zA-Z0-9 :#@,\\\\\n.é]{0,24}"
    };
    re.prop_filter("no \\n escape", |s: &String| !s.contains("\\n"))
}

#[derive(Debug, Clone)]
struct OwnedMessage {
    kind: u8,
    name: String,
    metric_kind: MetricType,
    numbers: Vec<Number>,
    member: String,
    rate: Option<f64>,
    tags: Option<Vec<(String, Option<String>)>>,
    timestamp: Option<u64>,
    container: Option<String>,
    cardinality: Option<Cardinality>,
    unknown: Vec<String>,
    title: String,
    text: String,
    status: ServiceCheckStatus,
    priority: Option<Priority>,
    alert: Option<AlertType>,
    date: Option<i64>,
}

fn dogstatsd_message() -> impl Strategy<Value = OwnedMessage> {
    let kinds = vec![
        MetricType::Counter,
        MetricType::Gauge,
        MetricType::Timer,
        MetricType::Histogram,
        MetricType::Set,
        MetricType::Distribution,
    ];
    let tags = prop::option::of(prop::collection::vec(
        (tag_text(false), prop::option::of(tag_text(true))),
        0..4,
    ))
    .prop_filter(
        "one empty tag reads back as no tag",
        |t| !matches!(t.as_deref(), Some([(k, None)]) if k.is_empty()),
    );
    let number = prop_oneof![
        any::<u64>().prop_map(Number::PosInt),
        (i64::MIN + 1..0).prop_map(Number::NegInt),
        (-1e12f64..1e12).prop_map(Number::Float),
    ];
    (
        (0u8..3, "[a-zA-Z0-9_.]{1,12}", prop::sample::select(kinds)),
        (
            prop::collection::vec(number, 1..4),
            "[a-zA-Z0-9 _.:@#-]{1,12}",
            rate(),
        ),
        (
            tags,
            prop::option::of(1u64..=i64::MAX as u64),
            prop::option::of("[a-z0-9,-]{0,12}"),
        ),
        (
            prop::option::of(prop::sample::select(Cardinality::ALL.to_vec())),
            prop::collection::vec("[x-z][a-z0-9:]{0,6}", 0..3),
        ),
        (
            event_text(true).prop_filter("a title", |t| !t.is_empty()),
            event_text(true),
        ),
        (
            prop::sample::select(vec![
                ServiceCheckStatus::Ok,
                ServiceCheckStatus::Warning,
                ServiceCheckStatus::Critical,
                ServiceCheckStatus::Unknown,
            ]),
            prop::option::of(prop::sample::select(Priority::ALL.to_vec())),
            prop::option::of(prop::sample::select(AlertType::ALL.to_vec())),
            prop::option::of(any::<i64>()),
        ),
    )
        .prop_map(
            |(
                (kind, name, metric_kind),
                (numbers, member, rate),
                (tags, timestamp, container),
                (cardinality, unknown),
                (title, text),
                (status, priority, alert, date),
            )| OwnedMessage {
                kind,
                name,
                metric_kind,
                numbers,
                member,
                rate,
                tags,
                timestamp,
                container,
                cardinality,
                unknown,
                title,
                text: text.replace('|', if kind == 2 { "/" } else { "|" }),
                status,
                priority,
                alert,
                date,
            },
        )
}

fn check_dogstatsd(o: &OwnedMessage) -> Result<(), TestCaseError> {
    let pairs: Vec<(&str, Option<&str>)> = o
        .tags
        .iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    let tags = o.tags.as_ref().map(|_| Tags::from_pairs(&pairs));
    let unknown: Vec<&str> = o.unknown.iter().map(String::as_str).collect();
    let message: Message<'_> = match o.kind {
        0 => {
            let mut m = if o.metric_kind == MetricType::Set {
                Metric::set(&o.name, &o.member)
            } else if o.numbers.len() > 1 {
                Metric::packed(&o.name, o.metric_kind, Packed::new(&o.numbers))
            } else {
                Metric::new(&o.name, o.metric_kind, o.numbers[0])
            };
            m.sample_rate = o.rate;
            m.tags = tags;
            m.timestamp = o.timestamp;
            m.container_id = o.container.as_deref();
            m.cardinality = o.cardinality;
            m.unknown_fields = UnknownFields::new(&unknown);
            m.into()
        }
        1 => {
            let mut e = Event::new(&o.title, &o.text);
            e.tags = tags;
            e.priority = o.priority;
            e.alert_type = o.alert;
            e.timestamp = o.date;
            e.hostname = o.container.as_deref();
            e.into()
        }
        _ => {
            let mut c = ServiceCheck::new(&o.name, o.status);
            c.tags = tags;
            c.timestamp = o.date;
            c.message = Some(EscapedText::plain(&o.text));
            c.cardinality = o.cardinality;
            c.into()
        }
    };
    let config = Config::dogstatsd();
    let mut out = Vec::new();
    message
        .encode(&config, &mut out)
        .map_err(|e| TestCaseError::fail(format!("{message:?}: {e}")))?;
    prop_assert_eq!(out.len(), message.encoded_len());
    let back = parse_messages(&out, &config)
        .next()
        .ok_or_else(|| TestCaseError::fail("no line"))?
        .map_err(|e| TestCaseError::fail(format!("{:?} → {e}", String::from_utf8_lossy(&out))))?;
    prop_assert_eq!(back.message, message, "{}", String::from_utf8_lossy(&out));
    let mut again = Vec::new();
    back.message.encode(&config, &mut again).unwrap();
    prop_assert_eq!(again, out);
    // The other dialects refuse what they cannot carry, writing nothing.
    for other in [Config::spec(), Config::etsy()] {
        let mut buf = b"keep".to_vec();
        if message.encode(&other, &mut buf).is_err() {
            prop_assert_eq!(&buf, b"keep");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/props.proptest-regressions"
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_dogstatsd_messages_round_trip(o in dogstatsd_message()) {
        check_dogstatsd(&o)?;
    }

    #[test]
    fn any_bytes_parse_as_dogstatsd_without_panic_and_accepted_lines_re_encode(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let config = Config::dogstatsd();
        for result in parse_messages(&bytes, &config) {
            match result {
                Ok(parsed) => {
                    let mut out = Vec::new();
                    // A line accepted with a warning may hold what the encoder
                    // refuses (a rate outside (0, 1]); every other one re-encodes.
                    if parsed.message.encode(&config, &mut out).is_ok() {
                        let back = parse_messages(&out, &config).next().unwrap().unwrap();
                        prop_assert_eq!(back.message, parsed.message);
                    } else {
                        prop_assert!(!parsed.warnings.is_empty());
                    }
                }
                Err(e) => prop_assert!(e.span().start <= e.span().end && e.span().end <= bytes.len()),
            }
        }
    }
}
