"""The dogstatsd groups of spec-vectors (decode groups dogstatsd-* and encoder
group dogstatsd), imported by generate.py: `build(G)` adds them, G being the
generate module (Group, the markers, E, W, Ln, Outcome, sources).

Every expectation here is typed by hand from the sources: the Datadog Agent's
parser and tests (peer:datadog-agent, as read in the DogStatsD research notes,
sections 2-4 and 7), the DogStatsD datagram documentation
(doc:datadog-dogstatsd), the clients (client:datadog-go,
client:metrics-exporter-dogstatsd), the other servers (peer:...), and the
decisions of README.md "The dogstatsd dialect" (decision). generate.py then
checks every one against tools/dogstatsd_model.py (and tools/canonical.py for
the encoder cases): two independent writings of the same rules must agree.
"""

# --------------------------------------------------------------------------
# Builders of expected JSON
# --------------------------------------------------------------------------


def tag_pairs(wire):
    """Hand-typed tags as wire text ("a:b,c") -> protocol pairs; None -> None."""
    if wire is None:
        return None
    if wire == "":
        return []
    out = []
    for tag in wire.split(","):
        if ":" in tag:
            k, v = tag.split(":", 1)
            out.append([k, v])
        else:
            out.append([tag, None])
    return out


TYPE = {"c": "counter", "g": "gauge", "ms": "timer", "h": "histogram", "s": "set", "d": "distribution"}


def met(name, code, *values, rate=None, tags=None, ts=None, c=None, e=None, card=None):
    m = {"name": name, "type": TYPE[code], "values": list(values), "sample_rate": rate, "delta": False,
         "tags": tag_pairs(tags)}
    for key, v in (("timestamp", ts), ("container_id", c), ("external_data", e), ("cardinality", card)):
        if v is not None:
            m[key] = v
    return m


def ev(title, text, d=None, h=None, k=None, p=None, s=None, t=None, tags=None):
    return {"_kind": "event", "title": title, "text": text, "timestamp": d, "hostname": h, "aggregation_key": k,
            "priority": p, "source_type": s, "alert_type": t, "tags": tag_pairs(tags)}


def sc(name, status, d=None, h=None, m=None, tags=None):
    return {"_kind": "service_check", "name": name, "status": status, "timestamp": d, "hostname": h, "message": m,
            "tags": tag_pairs(tags)}


def build(G):  # noqa: C901 (one table after another)
    E, W, Ln, Outcome = G.E, G.W, G.Ln, G.Outcome

    def Y(*lines, canon=None):
        return Outcome("y", lines, canon)

    def N(*lines):
        assert any(isinstance(x, E) for x in lines)
        return Outcome("n", lines)

    def I(*lines):  # noqa: E743
        return Outcome("i", lines)

    def D(topic):
        return G.dec("DogStatsD: " + topic)

    peer, client = G.peer, G.client
    AGENT = lambda section: G.peer("datadog-agent", section)  # noqa: E731
    DOC = lambda section: G.src("doc:datadog-dogstatsd", "datagram_shell: " + section)  # noqa: E731
    D_FRAMING, D_ROUTING, D_NAMES, D_TYPES = D("framing"), D("routing"), D("names"), D("types")
    D_VALUES, D_PACKED, D_GAUGES, D_RATES = D("values"), D("packed values"), D("gauges"), D("sample rates")
    D_TAGS, D_TS, D_ORIGIN, D_FIELDS = D("tags"), D("timestamps"), D("origin fields"), D("unknown and repeated fields")
    D_EVENTS, D_SC, D_WARN, D_CANON = D("events"), D("service checks"), D("warnings"), D("canonical encoding")

    # ======================================================================
    # dogstatsd-metrics: every type x every field
    # ======================================================================
    g = G.group("dogstatsd-metrics", [
        "Every DogStatsD metric type (c g ms h s d) with every field after the type: |@rate, |#tags,",
        "|T<seconds>, |c:, |e:, |card:, unknown and empty fields, repeated fields, in the canonical",
        "order and in reverse. Fields are read in any order; canonical re-orders them.",
    ], D_FIELDS)
    values = {"c": "1", "g": "2", "ms": "3.5", "h": "4", "s": "u1", "d": "5"}
    for code in ("c", "g", "ms", "h", "s", "d"):
        n = "m." + TYPE[code]
        v = values[code]
        base = "%s:%s|%s" % (n, v, code)
        on_gc = code in ("c", "g")

        def ts_warn(m=1):
            return () if on_gc else (W("timestamp_ignored", m),)

        rows = [
            ("plain", "", Y(met(n, code, v)), DOC("metrics"), ()),
            ("rate-half", "|@0.5", Y(met(n, code, v, rate="0.5")), DOC("sample rates"), ()),
            ("rate-one", "|@1", Y(met(n, code, v, rate="1")), D_RATES, ()),
            ("rate-tiny", "|@0.001", Y(met(n, code, v, rate="0.001")), D_RATES, ()),
            ("rate-exponent", "|@5e-1", Y(met(n, code, v, rate="0.5"), canon=base + "|@0.5"), D_RATES, ()),
            ("tags", "|#env:prod,web", Y(met(n, code, v, tags="env:prod,web")), DOC("tags"), ()),
            ("tags-empty-section", "|#", Y(met(n, code, v, tags="")), AGENT("TestParseGauge (daemon:666|g|#), M9"), ("EmptyTagSection",)),
            ("timestamp", "|①T1657100540", Y(Ln(met(n, code, v, ts="1657100540"), *ts_warn())), DOC("timestamps (protocol 1.3)"), ()),
            ("container-id", "|c:ci-abc,in-12", Y(met(n, code, v, c="ci-abc,in-12")), D_ORIGIN, ()),
            ("external-data", "|e:it-false,cn-web,pu-42", Y(met(n, code, v, e="it-false,cn-web,pu-42")), D_ORIGIN, ()),
            ("card-low", "|card:low", Y(met(n, code, v, card="low")), D_ORIGIN, ()),
            ("card-upper-case", "|card:HIGH", Y(met(n, code, v, card="high"), canon=base + "|card:high"), D_ORIGIN, ()),
            ("all-fields-canonical-order", "|@0.5|#a:b|c:ci|e:ed|①T5|card:none",
             Y(Ln(met(n, code, v, rate="0.5", tags="a:b", ts="5", c="ci", e="ed", card="none"), *ts_warn())), D_CANON, ()),
            ("all-fields-reversed", "|card:orchestrator|①T5|e:ed|c:ci|#a:b|@0.5",
             Y(Ln(met(n, code, v, rate="0.5", tags="a:b", ts="5", c="ci", e="ed", card="orchestrator"), *ts_warn()),
               canon=base + "|@0.5|#a:b|c:ci|e:ed|T5|card:orchestrator"), D_FIELDS, ("VectorFixedFieldOrder",)),
            ("unknown-field", "|①x:1", Y(Ln(met(n, code, v), W("unknown_field")), canon=base + "|x:1"), AGENT("M10 (daemon:666|g|m:test)"), ()),
            ("empty-field", "|①", Y(Ln(met(n, code, v), W("unknown_field")), canon=base + "|"), AGENT("M21 (a:1|c|)"), ()),
            ("duplicate-rate", "|@0.5|①@0.25", Y(Ln(met(n, code, v, rate="0.25"), W("duplicate_field"))), AGENT("M17"), ()),
            ("duplicate-tags", "|#a|①#b", Y(Ln(met(n, code, v, tags="b"), W("duplicate_field"))), AGENT("M17"), ()),
            ("invalid-card", "|①card:sometimes", Y(Ln(met(n, code, v), W("invalid_field_value")), canon=base + "|card:sometimes"), D_ORIGIN, ()),
            ("rate-two", "|@①2", I(Ln(met(n, code, v, rate="2.0"), W("sample_rate_out_of_range"))), AGENT("M26 (a:1|c|@2)"), ("AgentSampleRateUnchecked",)),
            ("rate-text", "|@①abc", N(E("invalid_sample_rate")), AGENT("TestParseMetricError (daemon:666|g|@abc)"), ()),
            ("rate-empty", "|@①", N(E("invalid_sample_rate")), D_RATES, ()),
            ("timestamp-zero", "|T①0", N(E("invalid_timestamp")), AGENT("M25 (a:1|c|T0)"), ()),
            ("timestamp-text", "|T①ABCD", N(E("invalid_timestamp")), AGENT("TestParseGaugeTimestampMalformed (TABCD)"), ()),
        ]
        for slug, suffix, out, source, flags in rows:
            g.add("%s-%s" % (TYPE[code], slug), "A %s (|%s) with %s." % (TYPE[code], code, slug.replace("-", " ")),
                  base + suffix, out, source, flags=flags)

    # ======================================================================
    # dogstatsd-values: the value grammar on every numeric type
    # ======================================================================
    g = G.group("dogstatsd-values", [
        "The value grammar [+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)? on every numeric type:",
        "integers exact in (-2^63, 2^64), any finite float, negative values on every type (gauges are",
        "absolute). What Go's ParseFloat also reads (hex, _, NaN, Inf) is rejected (verdict i, AgentParseFloat).",
    ], D_VALUES)
    P = ("AgentParseFloat",)
    B = ("AgentFloatIntegers",)
    rows = [
        # slug, value, canonical JSON value or error class, warning?, flags, verdict override
        ("one", "1", "1", None, ()),
        ("zero", "0", "0", None, ()),
        ("plus-sign", "+5", "5", None, ()),
        ("minus-sign", "-5", "-5", None, ()),
        ("leading-zeros", "007", "7", None, ()),
        ("minus-zero", "-0", "0", None, ()),
        ("float", "1.5", "1.5", None, ()),
        ("float-trailing-zero", "1.50", "1.5", None, ()),
        ("leading-dot", ".5", "0.5", None, ()),
        ("trailing-dot", "5.", "5.0", None, ()),
        ("exponent", "1e3", "1000.0", None, ()),
        ("exponent-upper-negative", "1E-3", "0.001", None, ()),
        ("exponent-plus", "2.5e+2", "250.0", None, ()),
        ("tiny", "0.000001", "1e-6", None, ()),
        ("big-float", "1e16", "1e16", None, ()),
        ("underflow", "1e-400", "0.0", None, ()),
        ("minus-zero-float", "-0.0", "-0.0", None, ()),
        ("two-pow-53-minus-one", "9007199254740991", "9007199254740991", None, ()),
        ("two-pow-53-plus-one", "9007199254740993", "9007199254740993", "non_portable_integer", ()),
        ("minus-two-pow-53", "-9007199254740992", "-9007199254740992", "non_portable_integer", ()),
        ("u64-max", "18446744073709551615", "18446744073709551615", "non_portable_integer", ()),
        ("i64-min-plus-one", "-9223372036854775807", "-9223372036854775807", "non_portable_integer", ()),
        ("two-pow-64", "18446744073709551616", E("value_out_of_range"), None, B),
        ("minus-two-pow-63", "-9223372036854775808", E("value_out_of_range"), None, B),
        ("float-overflow", "1e400", E("value_out_of_range"), None, ()),
        ("negative-float-overflow", "-1e400", E("value_out_of_range"), None, ()),
        ("hex", "0x10", E("invalid_value"), None, P),
        ("hex-float", "0x1p-2", E("invalid_value"), None, P),
        ("underscore", "1_000", E("invalid_value"), None, P),
        ("nan", "NaN", E("invalid_value"), None, P),
        ("nan-lower", "nan", E("invalid_value"), None, P),
        ("inf", "Inf", E("invalid_value"), None, P),
        ("minus-infinity", "-Infinity", E("invalid_value"), None, P),
        ("word", "abc", E("invalid_value"), None, ()),
        ("two-dots", "1.2.3", E("invalid_value"), None, ()),
        ("bare-exponent", "1e", E("invalid_value"), None, ()),
        ("only-exponent", "e1", E("invalid_value"), None, ()),
        ("double-sign", "+-1", E("invalid_value"), None, ()),
        ("leading-space", " 1", E("invalid_value"), None, ()),
        ("trailing-space", "1 ", E("invalid_value"), None, ()),
        ("comma-decimal", "1,5", E("invalid_value"), None, ()),
        ("arabic-digit", "\u0661", E("invalid_value"), None, ()),
        ("only-dot", ".", E("invalid_value"), None, ()),
        ("only-sign", "-", E("invalid_value"), None, ()),
    ]
    for code in ("c", "g", "ms", "h", "d"):
        for slug, value, want, warning, flags in rows:
            inp = "v:①%s|%s" % (value, code)
            if isinstance(want, E):
                out = I(want) if flags else N(want)
            else:
                line = met("v", code, want)
                out = Y(Ln(line, W(warning)) if warning else line)
            g.add("%s-%s" % (TYPE[code], slug), "The value \"%s\" on a %s." % (value, TYPE[code]), inp, out,
                  AGENT("M23, M24 (Go ParseFloat)") if flags == P else D_VALUES, flags=flags)



    # ======================================================================
    # dogstatsd-packed: several values in one line (protocol 1.1)
    # ======================================================================
    g = G.group("dogstatsd-packed", [
        "Packed values name:v1:v2:...|type (DogStatsD protocol 1.1) for every type but sets; an empty item",
        "is skipped with warning empty_value; none left is missing_value; exactly one left is a plain value.",
        "A set member is the raw text after the first \":\" (a:b:c|s is the member \"b:c\").",
    ], D_PACKED)
    PK = ("PackedValues",)
    for code in ("c", "g", "ms", "h", "d"):
        t = TYPE[code]
        g.add("%s-two" % t, "Two values on a %s." % t, "p:1:2|%s" % code, Y(met("p", code, "1", "2")), AGENT("M2-M4 (daemon:666:777|g)"), flags=PK)
        g.add("%s-three-floats" % t, "Three floats on a %s." % t, "p:1.5:2.25:3e2|%s" % code,
              Y(met("p", code, "1.5", "2.25", "300.0")), DOC("metrics (protocol 1.1)"), flags=PK)
        g.add("%s-signs" % t, "Signed values on a %s: absolute, +3 is 3." % t, "p:-1:+3|%s" % code,
              Y(met("p", code, "-1", "3")), D_PACKED, flags=PK)
        g.add("%s-with-rate-and-tags" % t, "Packed values with a rate and tags on a %s." % t, "p:1:2|%s|@0.5|#a:b" % code,
              Y(met("p", code, "1", "2", rate="0.5", tags="a:b")), DOC("metrics (protocol 1.1)"), flags=PK)
        g.add("%s-empty-middle" % t, "An empty item between two values is skipped on a %s." % t, "p:1:①:2|%s" % code,
              Y(Ln(met("p", code, "1", "2"), W("empty_value"))), AGENT("parseFloat64List (21::22)"), flags=PK + ("SalukiStopsAtEmptyField",))
        g.add("%s-trailing-colon" % t, "a:1:|%s is the plain value 1 (one item left)." % code, "p:1:①|%s" % code,
              Y(Ln(met("p", code, "1"), W("empty_value"))), AGENT("M20 (a:1:|c)"), flags=("SalukiStopsAtEmptyField",))
        g.add("%s-leading-colon" % t, "a::1|%s: the name is a, the value 1." % code, "p:①:1|%s" % code,
              Y(Ln(met("p", code, "1"), W("empty_value"))), AGENT("M20 (a::1|c)"), flags=("SalukiStopsAtEmptyField",))
        g.add("%s-only-colons" % t, "a::|%s: no value left." % code, "p:①:|%s" % code, N(E("missing_value")), AGENT("M20 (a::|c: no value found)"))
        g.add("%s-bad-item" % t, "One unreadable item rejects the line (at that item)." % (), "p:1:①x|%s" % code, N(E("invalid_value")), D_PACKED)
        g.add("%s-item-overflow" % t, "A float item beyond f64 rejects the line.", "p:1:①1e400|%s" % code, N(E("value_out_of_range")), D_PACKED)
        g.add("%s-item-hex" % t, "A hex item: Go's ParseFloat reads it, the dialect does not.", "p:1:①0x10|%s" % code, I(E("invalid_value")),
              AGENT("M23"), flags=("AgentParseFloat",))
        g.add("%s-item-non-portable" % t, "A packed integer above 2^53 is warned about at its own offset.", "p:1:①9007199254740993|%s" % code,
              Y(Ln(met("p", code, "1", "9007199254740993"), W("non_portable_integer"))), D_WARN, flags=PK)
    g.add("minus-zero-items", "-0.0 items: JSON keeps the sign, canonical writes 0.0.", "p:-0.0:1|d",
          Y(met("p", "d", "-0.0", "1"), canon="p:0.0:1|d"), D_CANON, flags=PK)
    g.add("fifty-values", "Fifty values in one line.", "p:" + ":".join(str(i) for i in range(1, 51)) + "|d",
          Y(met("p", "d", *[str(i) for i in range(1, 51)])), client("metrics-exporter-dogstatsd", "try_write_multiple"), flags=PK)
    g.add("client-distribution", "What datadog-go's extended aggregation sends (statsd_exporter #557).", "my_distribution_metric:21:43.2:1657|d",
          Y(met("my_distribution_metric", "d", "21", "43.2", "1657")), client("datadog-go", "extended aggregation"), flags=PK)
    g.add("set-colon-member", "A set member keeps its \":\" (not packed).", "s:abc:def|s", Y(met("s", "s", "abc:def")),
          AGENT("TestParseSetValue (daemon:abc:def|s), M5"), flags=("StatsdExporterNoSets",))
    g.add("set-colons-only", "A set member of colons.", "s:::|s", Y(met("s", "s", "::")), D_PACKED)
    g.add("set-numbers", "A set member that looks packed.", "s:1:2|s", Y(met("s", "s", "1:2")), D_PACKED)
    g.add("packed-timestamp-histogram", "Packed values with |T on a histogram: timestamp_ignored.", "p:1:2|h|①T5",
          Y(Ln(met("p", "h", "1", "2", ts="5"), W("timestamp_ignored"))), D_TS, flags=PK)
    g.add("packed-no-type", "Packed values without a type.", "p:1:2①", N(E("missing_type")), D_PACKED)
    g.add("packed-meter", "No m type in dogstatsd.", "p:1:2|①m", N(E("unknown_type")), D_TYPES)
    g.add("packed-empty-name", "An empty name before packed values.", "①:1:2|c", N(E("empty_name")), D_NAMES)
    g.add("packed-two-empties", "Two empty items, two warnings.", "p:①:1:②:2|d",
          Y(Ln(met("p", "d", "1", "2"), W("empty_value"), W("empty_value", 2))), D_PACKED, flags=PK + ("SalukiStopsAtEmptyField",))

    # ======================================================================
    # dogstatsd-tags
    # ======================================================================
    g = G.group("dogstatsd-tags", [
        "The tag section |#t1,t2,...: split on \",\", each tag split at its first \":\" (no \":\" is a bare tag,",
        "value null); nothing trimmed or filtered; an empty tag is kept as [\"\", null] with warning empty_tag;",
        "a bare # is an empty section (tags []). Tags are written back as they came.",
    ], D_TAGS)
    T_ROWS = [
        ("key-value", "env:prod", None, AGENT("TestParseCounterWithTags (M6)")),
        ("bare", "novalue", None, AGENT("section 7 (x:1|c|#novalue)")),
        ("two", "protocol:http,bench", None, AGENT("M6")),
        ("empty-value", "k:", None, D_TAGS),
        ("empty-key", ":v", None, D_TAGS),
        ("value-with-colon", "a:b:c", None, AGENT("M18 (#a:b:c)")),
        ("duplicate-keys", "a:b,a:c", None, AGENT("section 7 (#a:b,a:c)")),
        ("spaces-kept", " a : b ", None, D_TAGS),
        ("unicode", "intitul\u00e9:T0\u00b5", None, AGENT("TestParseGaugeWithUnicode (M7)")),
        ("equals-sign", "a=b", None, D_TAGS),
        ("hash-inside", "a#b:c", None, D_TAGS),
        ("at-sign", "@0.5", None, D_TAGS),
        ("backslash", "path:c\\\\x", None, D_TAGS),
        ("host-tag-kept", "host:web-1", None, AGENT("extractTagsMetadata (host: is an enrichment)")),
        ("internal-card-tag-kept", "dd.internal.card:high", None, AGENT("extractTagsMetadata")),
        ("leading-hash-in-tag", "#a:b", None, peer("statsd_exporter", "PHP client quirk")),
        ("hundred-tags", ",".join("t%d:v%d" % (i, i) for i in range(100)), None, D_TAGS),
    ]
    for slug, wire, _, source in T_ROWS:
        g.add(slug, "The tag section #%s." % (wire if len(wire) < 40 else wire[:40] + "..."), "a:1|c|#" + wire,
              Y(met("a", "c", "1", tags=wire)), source)
    g.add("empty-between", "#a,,b keeps an empty tag.", "a:1|c|#a,①,b", Y(Ln(met("a", "c", "1", tags="a,,b"), W("empty_tag"))),
          AGENT("M18 (#a,,b)"), flags=("EmptyTags",))
    g.add("trailing-comma", "#a, ends with an empty tag.", "a:1|c|#a,①", Y(Ln(met("a", "c", "1", tags="a,"), W("empty_tag"))), D_TAGS, flags=("EmptyTags",))
    g.add("leading-comma", "#,a starts with an empty tag.", "a:1|c|#①,a", Y(Ln(met("a", "c", "1", tags=",a"), W("empty_tag"))), D_TAGS, flags=("EmptyTags",))
    g.add("only-comma", "#, is two empty tags.", "a:1|c|#①,②", Y(Ln(met("a", "c", "1", tags=","), W("empty_tag"), W("empty_tag", 2))), D_TAGS,
          flags=("EmptyTags",))
    g.add("gostatsd-example", "gostatsd drops the empty tag of #f,,z; the dialect keeps it.", "a:1|g|#f,①,z",
          Y(Ln(met("a", "g", "1", tags="f,,z"), W("empty_tag"))), peer("gostatsd", "lexMetricAttribute"), flags=("EmptyTags",))
    g.add("exporter-example", "statsd_exporter drops the empty tags of #tag:value,,.", "a:1|c|#tag:value,①,②",
          Y(Ln(met("a", "c", "1", tags="tag:value,,"), W("empty_tag"), W("empty_tag", 2))), peer("statsd_exporter", "parseTag"), flags=("EmptyTags",))
    g.add("bare-hash", "A bare # is an empty tag section (the Agent: no tags).", "a:1|c|#", Y(met("a", "c", "1", tags="")),
          AGENT("M9"), flags=("EmptyTagSection",))
    g.add("bare-hash-then-tags", "#|#a: the second section wins.", "a:1|c|#|①#a", Y(Ln(met("a", "c", "1", tags="a"), W("duplicate_field"))), D_FIELDS)
    g.add("tags-then-bare-hash", "#a|#: the empty section wins.", "a:1|c|#a|①#", Y(Ln(met("a", "c", "1", tags=""), W("duplicate_field"))), D_FIELDS,
          flags=("EmptyTagSection",))
    g.add("tags-before-rate", "Tags before the rate.", "a:1|c|#a:b|@0.5", Y(met("a", "c", "1", rate="0.5", tags="a:b"), canon="a:1|c|@0.5|#a:b"),
          AGENT("TestParseManyPipes"), flags=("VectorFixedFieldOrder",))
    g.add("tab-in-tag", "A TAB in a tag is a control character.", "a:1|c|#a①\tb", N(E("control_character")), D_TAGS, flags=("AgentControlCharacters",))
    g.add("nul-in-tag", "A NUL in a tag is a control character.", "a:1|c|#a:①\u0000", N(E("control_character")), D_TAGS, flags=("AgentControlCharacters",))
    g.add("newline-in-tag-splits", "A newline inside a tag ends the line: the rest is another line.", "a:1|c|#env:prod\ninjected:1|c",
          Y(met("a", "c", "1", tags="env:prod"), met("injected", "c", "1")), D_FRAMING)
    g.add("pipe-ends-tags", "A \"|\" ends the tag section: what follows is another field.", "a:1|c|#env:pr|①od",
          Y(Ln(met("a", "c", "1", tags="env:pr"), W("unknown_field")), canon="a:1|c|#env:pr|od"), D_FIELDS)
    g.add("tags-on-set", "Tags on a set.", "s:u|s|#a", Y(met("s", "s", "u", tags="a")), D_TAGS)
    g.add("tags-on-distribution", "Tags on a distribution.", "d:1|d|#a,b:c", Y(met("d", "d", "1", tags="a,b:c")), D_TAGS)

    # ======================================================================
    # dogstatsd-fields: order, repetition, unknown and empty fields, card, T
    # ======================================================================
    g = G.group("dogstatsd-fields", [
        "Fields after the type in any order (every permutation of four fields reads the same); a repeated",
        "known field: the last wins, warning duplicate_field; an unknown or empty field is kept (unknown_fields)",
        "and written back after the known ones, warning unknown_field; card: values; T values.",
    ], D_FIELDS)
    import itertools
    parts = {"@": "@0.5", "#": "#t:1", "T": "T1657100540", "c": "c:ci-1"}
    for perm in itertools.permutations("@#Tc"):
        slug = "order-" + "".join({"@": "rate", "#": "tags", "T": "ts", "c": "cid"}[k] + "-" for k in perm).rstrip("-")
        g.add(slug, "The fields %s in this order." % ", ".join(parts[k] for k in perm), "a:1|g|" + "|".join(parts[k] for k in perm),
              Y(met("a", "g", "1", rate="0.5", tags="t:1", ts="1657100540", c="ci-1")), AGENT("TestParseGaugeWithTimestamp (M11)"),
              flags=("VectorFixedFieldOrder",) if perm[0] != "@" or perm[1] != "#" else ())
    DUPS = [
        ("rate", "|@0.5|①@0.25", dict(rate="0.25")),
        ("tags", "|#x|①#y", dict(tags="y")),
        ("timestamp", "|T1|①T2", dict(ts="2")),
        ("container-id", "|c:a|①c:b", dict(c="b")),
        ("external-data", "|e:a|①e:b", dict(e="b")),
        ("cardinality", "|card:low|①card:high", dict(card="high")),
        ("rate-three-times", "|@1|①@0.5|②@0.1", dict(rate="0.1")),
    ]
    for slug, suffix, kw in DUPS:
        ws = [W("duplicate_field")] + ([W("duplicate_field", 2)] if "②" in suffix else [])
        g.add("duplicate-" + slug, "A repeated %s: the last one wins." % slug.replace("-", " "), "a:1|c" + suffix,
              Y(Ln(met("a", "c", "1", **kw), *ws)), AGENT("M17 (last wins)"))
    g.add("duplicate-card-invalid-second", "A valid card: then an unreadable one: the first stays, the second is unknown.",
          "a:1|c|card:low|①card:x", Y(Ln(met("a", "c", "1", card="low"), W("invalid_field_value")), canon="a:1|c|card:low|card:x"), D_ORIGIN)
    UNKNOWN = [
        ("letter", "x"), ("key-value", "x:1"), ("agent-m", "m:test"), ("event-date", "d:1"), ("event-host", "h:web"),
        ("event-key", "k:agg"), ("event-priority", "p:low"), ("event-source", "s:src"), ("event-alert", "t:error"),
        ("sc-message", "m:msg"), ("cardinality-long", "cardinality:low"), ("card-no-colon", "card"), ("upper-c", "C:abc"),
        ("upper-e", "E:abc"), ("lower-t", "t5"), ("space", " "), ("unicode", "\u00e9:1"), ("equals", "a=b"),
        ("feature-flag", "f:wowthisisacoolfeature"),
    ]
    for slug, field in UNKNOWN:
        g.add("unknown-" + slug, "The unknown field |%s is kept and written back." % field, "a:1|c|①" + field,
              Y(Ln(met("a", "c", "1"), W("unknown_field")), canon="a:1|c|" + field), AGENT("M10, M14 (unknown fields ignored)"))
    g.add("two-unknown-fields", "Two unknown fields keep their order.", "a:1|c|①f:wow|②f2:omg",
          Y(Ln(met("a", "c", "1"), W("unknown_field"), W("unknown_field", 2)), canon="a:1|c|f:wow|f2:omg"), AGENT("M14"))
    g.add("unknown-before-known", "Unknown fields go after the known ones in canonical form.", "a:1|c|①zz|#t|@0.5",
          Y(Ln(met("a", "c", "1", rate="0.5", tags="t"), W("unknown_field")), canon="a:1|c|@0.5|#t|zz"), D_CANON)
    g.add("empty-field-then-tags", "An empty field before tags: the tags are still read.", "a:1|c|①|#t",
          Y(Ln(met("a", "c", "1", tags="t"), W("unknown_field")), canon="a:1|c|#t|"), AGENT("M21 (a:1|c||#t)"), flags=("SalukiStopsAtEmptyField",))
    g.add("three-empty-fields", "Three empty fields.", "a:1|c|①|②|③", Y(Ln(met("a", "c", "1"), W("unknown_field"), W("unknown_field", 2),
                                                                         W("unknown_field", 3)), canon="a:1|c|||"), D_FIELDS)
    for value, want in (("none", "none"), ("low", "low"), ("orchestrator", "orchestrator"), ("high", "high"), ("Low", "low"),
                        ("ORCHESTRATOR", "orchestrator"), ("hIgH", "high")):
        g.add("card-" + value.lower() + ("-mixed" if value != value.lower() else ""), "card:%s is %s." % (value, want), "a:1|c|card:" + value,
              Y(met("a", "c", "1", card=want), canon="a:1|c|card:" + want), AGENT("StringToTagCardinality (lower-cased)"))
    for slug, value in (("orch", "orch"), ("empty", ""), ("medium", "medium"), ("space", " low"), ("quoted", "\"low\"")):
        g.add("card-invalid-" + slug, "card:%s is not a cardinality: kept as an unknown field." % value, "a:1|c|①card:" + value,
              Y(Ln(met("a", "c", "1"), W("invalid_field_value")), canon="a:1|c|card:" + value), D_ORIGIN)
    for slug, value, code, want, warn in (
            ("one", "1", "c", "1", False), ("max", "9223372036854775807", "g", "9223372036854775807", False),
            ("leading-zeros", "0001657100540", "c", "1657100540", False), ("on-set", "5", "s", "5", True),
            ("on-distribution", "5", "d", "5", True), ("on-timer", "5", "ms", "5", True), ("on-histogram", "5", "h", "5", True)):
        v = "u" if code == "s" else "1"
        g.add("timestamp-" + slug, "|T%s on a %s." % (value, TYPE[code]), "a:%s|%s|①T%s" % (v, code, value),
              Y(Ln(met("a", code, v, ts=want), W("timestamp_ignored")) if warn else met("a", code, v, ts=want),
                canon="a:%s|%s|T%s" % (v, code, want)), D_TS)
    for slug, value, flags in (("zero", "0", ()), ("too-big", "9223372036854775808", ()), ("negative", "-102348932", ()),
                               ("plus", "+1657100430", ("AgentTimestampSign",)), ("float", "1.5", ()), ("empty", "", ()),
                               ("space", " 1", ()), ("letters", "ABCD", ()), ("exponent", "1e9", ())):
        g.add("timestamp-invalid-" + slug, "|T%s is not a timestamp." % value, "a:1|c|T①" + value,
              (I if flags else N)(E("invalid_timestamp")), AGENT("TestParseGaugeTimestampMalformed, M13, M25"), flags=flags)
    for slug, value, want in (("half", "0.5", "0.5"), ("leading-dot", ".5", "0.5"), ("one-point-zero", "1.0", "1"),
                              ("exponent", "1e-7", "0.0000001"), ("plus", "+0.5", "0.5"), ("trailing-dot", "1.", "1"),
                              ("many-digits", "0.123456789012345678", "0.12345678901234568"), ("agent-test", "0.21", "0.21")):
        g.add("rate-" + slug, "|@%s is the rate %s." % (value, want), "a:1|c|@" + value,
              Y(met("a", "c", "1", rate=want), canon="a:1|c|@" + want), D_RATES)
    for slug, value, json_text in (("zero", "0", "0.0"), ("minus-one", "-1", "-1.0"), ("one-and-half", "1.5", "1.5"),
                                   ("minus-zero", "-0", "-0.0"), ("tiny-above-one", "1.0000001", "1.0000001"), ("hundred", "100", "100.0")):
        g.add("rate-out-of-range-" + slug, "|@%s: accepted with a warning (the Agent does no range check)." % value, "a:1|c|@①" + value,
              I(Ln(met("a", "c", "1", rate=json_text), W("sample_rate_out_of_range"))), AGENT("M26"), flags=("AgentSampleRateUnchecked",))
    for slug, value, cls, flags in (("nan", "NaN", "invalid_sample_rate", ("AgentParseFloat",)), ("hex", "0x1p-1", "invalid_sample_rate", ("AgentParseFloat",)),
                                    ("overflow", "1e400", "sample_rate_out_of_range", ()), ("two-dots", "0.5.5", "invalid_sample_rate", ()),
                                    ("percent", "50%", "invalid_sample_rate", ()), ("space", " 0.5", "invalid_sample_rate", ())):
        g.add("rate-invalid-" + slug, "|@%s is not a sample rate." % value, "a:1|c|@①" + value, (I if flags else N)(E(cls)),
              AGENT("TestParseMetricError (daemon:666|g|@abc)"), flags=flags)
    g.add("container-empty", "An empty |c: field is an empty container id.", "a:1|c|c:", Y(met("a", "c", "1", c="")), D_ORIGIN)
    g.add("external-empty", "An empty |e: field.", "a:1|c|e:", Y(met("a", "c", "1", e="")), D_ORIGIN)
    g.add("container-legacy", "A bare container id (the old DogStatsD format).", "metric:1234|g|c:1234567890abcdef",
          Y(met("metric", "g", "1234", c="1234567890abcdef")), AGENT("TestParseContainerID (M15)"), flags=("StatsdExporterDropsOriginFields",))
    g.add("container-with-colon", "A container id may hold \":\".", "a:1|c|c:a:b", Y(met("a", "c", "1", c="a:b")), D_ORIGIN)
    g.add("card-is-not-c", "card: is not c: (its second byte is \"a\").", "a:1|c|card:low|c:x", Y(met("a", "c", "1", card="low", c="x"),
                                                                                                canon="a:1|c|c:x|card:low"), AGENT("2.5 prefix ambiguity"))
    g.add("fields-after-error", "A bad field after good ones rejects the line at the bad one.", "a:1|c|#t|c:x|T①x", N(E("invalid_timestamp")), D_FIELDS)
    g.add("first-bad-field-wins", "Of two bad fields the first is reported.", "a:1|c|@①x|Ty", N(E("invalid_sample_rate")), D_FIELDS)

    # ======================================================================
    # dogstatsd-events
    # ======================================================================
    g = G.group("dogstatsd-events", [
        "Events _e{<title length>,<text length>}:<title>|<text>[|fields]: the lengths count the wire bytes",
        "(escapes included); every separator is checked (the Agent checks none: flag AgentUncheckedEventSeparators);",
        "the two bytes \\n become a newline in title and text; fields d: h: k: p: s: t: # c: e: card: in any order,",
        "an unreadable value (d:abc, p:urgent) kept as an unknown field with warning invalid_field_value.",
    ], D_EVENTS)
    EVD = DOC("events")
    g.add("basic", "A title and a text.", "_e{5,4}:title|text", Y(ev("title", "text")), EVD)
    g.add("agent-basic", "TestEvent: the Agent's first event.", "_e{10,9}:test title|test text", Y(ev("test title", "test text")), AGENT("TestEvent (E1)"))
    g.add("empty-text", "An empty text is allowed.", "_e{10,0}:test title|", Y(ev("test title", "")), AGENT("TestEventEmptyText (E4)"), flags=("SalukiEmptyEventText",))
    g.add("empty-text-with-alert", "An empty text followed by a field.", "_e{10,0}:test title||t:warning", Y(ev("test title", "", t="warning")),
          AGENT("TestEventEmptyTextWithAlertType (E4)"), flags=("SalukiEmptyEventText",))
    g.add("all-fields", "Every field (E6); canonical order d h k p s t #.",
          "_e{10,9}:test title|test text|t:warning|d:12345|p:low|h:some.host|k:aggKey|s:source test|#tag1,tag2:test",
          Y(ev("test title", "test text", d="12345", h="some.host", k="aggKey", p="low", s="source test", t="warning", tags="tag1,tag2:test")),
          AGENT("TestEventMetadata (E6)"))
    for slug, field, kw in (("date", "d:1657100540", dict(d="1657100540")), ("date-negative", "d:-5", dict(d="-5")),
                            ("date-zero", "d:0", dict(d="0")), ("date-leading-zeros", "d:007", dict(d="7")),
                            ("date-i64-min", "d:-9223372036854775808", dict(d="-9223372036854775808")),
                            ("host", "h:web-1", dict(h="web-1")), ("host-empty", "h:", dict(h="")), ("key", "k:agg", dict(k="agg")),
                            ("priority-normal", "p:normal", dict(p="normal")), ("priority-low", "p:low", dict(p="low")),
                            ("source", "s:my apps", dict(s="my apps")), ("alert-info", "t:info", dict(t="info")),
                            ("alert-warning", "t:warning", dict(t="warning")), ("alert-error", "t:error", dict(t="error")),
                            ("alert-success", "t:success", dict(t="success")), ("tags", "#a:b,c", dict(tags="a:b,c")),
                            ("tags-empty", "#", dict(tags="")), ("host-with-colon", "h:a:b", dict(h="a:b"))):
        canon = None
        if slug == "date-leading-zeros":
            canon = "_e{5,4}:title|text|d:7"
        g.add("field-" + slug, "The field |%s." % field, "_e{5,4}:title|text|" + field, Y(ev("title", "text", **kw), canon=canon), EVD)
    for slug, field in (("container", "c:ci-1"), ("external", "e:it-true"), ("card", "card:high")):
        g.add("field-" + slug, "The origin field |%s (not in the event JSON, kept in canonical form)." % field, "_e{5,4}:title|text|" + field,
              Y(ev("title", "text"), canon="_e{5,4}:title|text|" + field), D_ORIGIN)
    g.add("field-card-upper", "card:LOW on an event.", "_e{5,4}:title|text|card:LOW", Y(ev("title", "text"), canon="_e{5,4}:title|text|card:low"), D_ORIGIN)
    g.add("fields-reordered", "Fields in reverse order; canonical re-orders.", "_e{5,4}:title|text|c:x|#t|t:error|s:src|p:low|k:key|h:host|d:1",
          Y(ev("title", "text", d="1", h="host", k="key", p="low", s="src", t="error", tags="t"),
            canon="_e{5,4}:title|text|d:1|h:host|k:key|p:low|s:src|t:error|#t|c:x"), D_CANON)
    for slug, field in (("date-text", "d:abc"), ("date-float", "d:1.5"), ("date-plus", "d:+1"), ("date-empty", "d:"),
                        ("date-overflow", "d:9223372036854775808"), ("priority-urgent", "p:urgent"), ("priority-upper", "p:LOW"),
                        ("alert-test", "t:test"), ("alert-upper", "t:Warning"), ("card-bad", "card:x")):
        g.add("invalid-" + slug, "The unreadable field |%s is kept as unknown; the event is kept." % field, "_e{5,4}:title|text|①" + field,
              Y(Ln(ev("title", "text"), W("invalid_field_value")), canon="_e{5,4}:title|text|" + field), AGENT("TestEventMetadata... (E7)"))
    for slug, field in (("x", "x:1234"), ("metric-rate", "@0.5"), ("metric-ts", "T5"), ("sc-message", "m:msg"), ("empty", "")):
        g.add("unknown-" + slug, "The unknown field |%s is kept." % field, "_e{5,4}:title|text|①" + field,
              Y(Ln(ev("title", "text"), W("unknown_field")), canon="_e{5,4}:title|text|" + field), AGENT("E7 (|x:1234)"))
    g.add("duplicate-host", "A repeated h: (the last wins).", "_e{5,4}:title|text|h:a|①h:b", Y(Ln(ev("title", "text", h="b"), W("duplicate_field"))), D_FIELDS)
    g.add("duplicate-priority-invalid-second", "p:low then p:x: the first stays.", "_e{5,4}:title|text|p:low|①p:x",
          Y(Ln(ev("title", "text", p="low"), W("invalid_field_value")), canon="_e{5,4}:title|text|p:low|p:x"), D_FIELDS)
    g.add("escaped-newline-text", "The two bytes \\n in the text are a newline; the length counts two bytes.", "_e{5,12}:title|line1\\nline2",
          Y(ev("title", "line1\nline2")), DOC("events (Insert line breaks)"))
    g.add("escaped-newline-title", "\\n in the title is a newline too.", "_e{4,4}:a\\nb|text", Y(ev("a\nb", "text")), AGENT("cleanEventText"))
    g.add("agent-multiline", "TestEventMultilinesText: a lone backslash stays.", "_e{10,24}:test title|test\\line1\\nline2\\nline3",
          Y(ev("test title", "test\\line1\nline2\nline3")), AGENT("TestEventMultilinesText (E2)"))
    g.add("escaped-backslash-n", "\\\\n is a backslash and a newline (no escape for the backslash).", "_e{5,3}:title|\\\\n",
          Y(ev("title", "\\\n")), D_EVENTS)
    g.add("only-newlines", "A text of escaped newlines only.", "_e{5,6}:title|\\n\\n\\n", Y(ev("title", "\n\n\n")), D_EVENTS)
    g.add("backslash-end", "A text that ends with a backslash.", "_e{5,2}:title|a\\", Y(ev("title", "a\\")), D_EVENTS)
    g.add("pipe-in-title", "The title may hold \"|\" (its length delimits it).", "_e{10,24}:test|title|test\\line1\\nline2\\nline3",
          Y(ev("test|title", "test\\line1\nline2\nline3")), AGENT("TestEventPipeInTitle (E3)"))
    g.add("pipe-in-text", "The text may hold \"|\".", "_e{5,3}:title|a|b", Y(ev("title", "a|b")), D_EVENTS)
    g.add("fields-in-text", "Field-like text inside the text is text.", "_e{5,9}:title|a|#t|d:1x", Y(ev("title", "a|#t|d:1x")), D_EVENTS)
    g.add("utf8-text", "Lengths count UTF-8 bytes: \u00e9 is two.", "_e{5,2}:titre|\u00e9", Y(ev("titre", "\u00e9")), DOC("events (UTF-8 length)"))
    g.add("utf8-title", "A title of 5 bytes, 4 characters.", "_e{5,4}:caf\u00e9|\U0001F680", Y(ev("caf\u00e9", "\U0001F680")), DOC("events (UTF-8 length)"))
    g.add("utf8-length-cuts-char", "A title length that ends inside \u00e9 (the Agent cuts the text).", "_e{4,4}:caf\u00e9|text",
          I(E("event_length_mismatch", at=12)), D_EVENTS, flags=("AgentUncheckedEventSeparators",))
    g.add("leading-zero-lengths", "Lengths with leading zeros.", "_e{05,04}:title|text", Y(ev("title", "text"), canon="_e{5,4}:title|text"), D_EVENTS)
    g.add("long-text", "A 1000-byte text.", "_e{5,1000}:title|" + "x" * 1000, Y(ev("title", "x" * 1000)), D_EVENTS)
    g.add("crlf", "A CRLF event line: the \\r is not part of the text.", "_e{5,4}:title|text\r\n", Y(ev("title", "text")), D_FRAMING)
    g.add("crlf-counted", "A text length that counts the dropped \\r: too long for the line.", "_e{5,5}:title|text①\r",
          N(E("event_length_mismatch")), D_FRAMING)
    # Header and length errors.
    H = "invalid_event_header"
    for slug, inp, cls, flags, source in (
            ("header-no-close", "_e{5,4①X:title|text", H, ("AgentUncheckedEventSeparators",), AGENT("E8 (_e{5,4X:title|text)")),
            ("header-letter-title", "_e{①a,1}:a|b", H, (), AGENT("TestEventError")),
            ("header-letter-text", "_e{1,①a}:a|b", H, (), AGENT("TestEventError")),
            ("header-no-text-length", "_e{5,①}:title|", H, (), AGENT("TestEventError")),
            ("header-no-title-length", "_e{①,4}:title|text", H, (), AGENT("TestEventError")),
            ("header-empty", "_e{①}:title|text", H, (), AGENT("TestEventError")),
            ("header-comma-only", "_e{①,}:title|text", H, (), AGENT("TestEventError")),
            ("header-no-comma", "_e{5555①:title|text", H, (), AGENT("TestEventError (_e{5555:title|text)")),
            ("header-negative", "_e{①-123,-987}:", H, (), AGENT("TestEventError")),
            ("header-negative-text", "_e{5,①-987}:title", H, (), AGENT("TestEventError")),
            ("header-truncated", "_e{0001,①-9876", H, (), AGENT("TestEventError (_e{0001,-9876)")),
            ("header-no-colon", "_e{5,4}①title|text", H, (), D_EVENTS),
            ("header-space", "_e{① 5,4}:title|text", H, (), D_EVENTS),
            ("header-space-after-comma", "_e{5,① 4}:title|text", H, (), D_EVENTS),
            ("header-plus", "_e{①+5,4}:title|text", H, (), D_EVENTS),
            ("header-only-prefix", "_e{①", H, (), D_EVENTS),
            ("header-huge-length", "_e{①99999999999999999999,1}:a|b", "event_length_mismatch", (), D_EVENTS),
            ("empty-title", "_e{①0,9}:|test text", "empty_event_title", (), AGENT("TestEventError (E5)")),
            ("empty-title-and-text", "_e{①0,0}:a|a", "empty_event_title", (), AGENT("TestEventError")),
            ("empty-title-no-pipe", "_e{①0,4}:text", "empty_event_title", (), AGENT("TestEventError")),
            ("too-short", "_e{10,10}:title|text①", "event_length_mismatch", (), AGENT("TestEventError (_e{10,10}:title|text)")),
            ("title-too-long", "_e{50,4}:title|text①", "event_length_mismatch", (), D_EVENTS),
            ("no-text", "_e{5,0}:title①", "event_length_mismatch", (), D_EVENTS),
            ("no-pipe-after-title", "_e{5,4}:title①Xtext", "event_length_mismatch", ("AgentUncheckedEventSeparators",), AGENT("E8 (_e{5,4}:titleXtext)")),
            ("short-text-length", "_e{5,2}:title|te①xt|#t", "event_length_mismatch", ("AgentUncheckedEventSeparators",), AGENT("E8 (_e{5,2}:title|text|#t)")),
            ("long-text-length", "_e{5,5}:title|text①", "event_length_mismatch", (), D_EVENTS),
            ("text-length-one-short", "_e{5,3}:title|tex①t", "event_length_mismatch", ("AgentUncheckedEventSeparators",), D_EVENTS),
            ("title-length-one-short", "_e{4,4}:titl①e|text", "event_length_mismatch", ("AgentUncheckedEventSeparators",), D_EVENTS)):
        g.add(slug, "Rejected: %s." % slug.replace("-", " "), inp, (I if flags else N)(E(cls)), source, flags=flags)
    g.add("not-an-event-colon", "_e:title|text is not an event (no \"{\"): a metric with an unknown type.", "_e:title|①text",
          N(E("unknown_type")), D_ROUTING)
    g.add("not-an-event-pipe", "_e|text is not an event: a metric without a value.", "_e①|text", N(E("missing_value")), D_ROUTING)
    g.add("telegraf-prefix-metric", "A metric named _error... is a metric (Telegraf routes any \"_e\" line to events).", "_error.count:1|c",
          Y(met("_error.count", "c", "1")), D_ROUTING, flags=("TelegrafEventPrefix",))
    g.add("upper-case-prefix", "_E{5,4} is not an event.", "_E{5,4}:title|①text", N(E("unknown_type")), D_ROUTING)
    g.add("tab-in-text", "A TAB in the text is a control character.", "_e{5,4}:title|te①\txt", N(E("control_character")), D_EVENTS,
          flags=("AgentControlCharacters",))
    g.add("nul-in-title", "A NUL in the title.", "_e{5,4}:ti①\u0000le|text", N(E("control_character")), D_EVENTS, flags=("AgentControlCharacters",))
    g.add("three-events", "Three events in one datagram.", "_e{1,1}:a|b\n_e{1,1}:c|d\n_e{1,1}:e|f",
          Y(ev("a", "b"), ev("c", "d"), ev("e", "f")), D_FRAMING)

    # ======================================================================
    # dogstatsd-service-checks
    # ======================================================================
    g = G.group("dogstatsd-service-checks", [
        "Service checks _sc|<name>|<status>[|fields]: status exactly one digit 0-3; fields d: h: # m: c: e: card:",
        "in any order; m: ends at the next \"|\" and its \\n is unescaped (the Agent keeps it: flag",
        "AgentServiceCheckMessageRaw); canonical writes m: last, as the documentation asks.",
    ], D_SC)
    SCD = DOC("service checks")
    GS = ("GostatsdNoServiceChecks",)
    for status in "0123":
        g.add("status-" + status, "Status %s." % status, "_sc|agent.up|" + status, Y(sc("agent.up", status)), AGENT("TestServiceCheckOK (S1)"), flags=GS)
    g.add("all-fields", "Every field (S3).", "_sc|agent.up|0|d:21|h:localhost|#tag1:test,tag2|m:this is fine",
          Y(sc("agent.up", "0", d="21", h="localhost", m="this is fine", tags="tag1:test,tag2")), AGENT("TestServiceCheckMetadata (S3)"), flags=GS)
    g.add("duplicates", "Repeated h: and d: (S4): the last wins.", "_sc|agent.up|0|d:21|h:localhost|①h:localhost2|②d:22",
          Y(Ln(sc("agent.up", "0", d="22", h="localhost2"), W("duplicate_field"), W("duplicate_field", 2))), AGENT("TestServiceCheckMetadataMultiple (S4)"))
    g.add("invalid-date", "d:some_time is kept as unknown (S5).", "_sc|agent.up|0|①d:some_time",
          Y(Ln(sc("agent.up", "0"), W("invalid_field_value")), canon="_sc|agent.up|0|d:some_time"), AGENT("TestServiceCheckMetadataInvalid (S5)"))
    g.add("unknown-field", "u:unknown is kept (S5).", "_sc|agent.up|0|①u:unknown",
          Y(Ln(sc("agent.up", "0"), W("unknown_field")), canon="_sc|agent.up|0|u:unknown"), AGENT("S5"))
    g.add("message-ends-at-pipe", "m:a|b: the message is a, b an unknown field (S6).", "_sc|x|0|m:a|①b",
          Y(Ln(sc("x", "0", m="a"), W("unknown_field")), canon="_sc|x|0|b|m:a"), AGENT("S6 (_sc|x|0|m:a|b)"))
    g.add("message-escaped-newline", "m:l1\\nl2 is unescaped here (the Agent keeps the two bytes).", "_sc|x|0|m:l1\\nl2",
          I(sc("x", "0", m="l1\nl2")), AGENT("S6"), flags=("AgentServiceCheckMessageRaw",))
    g.add("message-first", "m: before other fields: canonical puts it last.", "_sc|x|2|m:down|h:db-1|#role:replica",
          Y(sc("x", "2", h="db-1", m="down", tags="role:replica"), canon="_sc|x|2|h:db-1|#role:replica|m:down"), DOC("service checks (m: last)"))
    g.add("message-empty", "An empty message.", "_sc|x|0|m:", Y(sc("x", "0", m="")), SCD)
    g.add("message-colon-escape", "datadog-go escapes m: as m\\: in messages; the backslash stays.", "_sc|x|0|m:a m\\: b",
          Y(sc("x", "0", m="a m\\: b")), client("datadog-go", "appendEscapedServiceCheckText"))
    g.add("message-unicode", "A non-ASCII message.", "_sc|x|1|m:d\u00e9j\u00e0 vu", Y(sc("x", "1", m="d\u00e9j\u00e0 vu")), SCD)
    g.add("date-negative", "A negative d:.", "_sc|x|0|d:-5", Y(sc("x", "0", d="-5")), SCD)
    g.add("host-empty", "An empty h:.", "_sc|x|0|h:", Y(sc("x", "0", h="")), SCD)
    g.add("tags-empty-section", "A bare #.", "_sc|x|0|#", Y(sc("x", "0", tags="")), D_TAGS)
    g.add("tags-empty-tag", "An empty tag.", "_sc|x|0|#a,①", Y(Ln(sc("x", "0", tags="a,"), W("empty_tag"))), D_TAGS)
    for slug, field in (("container", "c:ci-1"), ("external", "e:it-false"), ("card", "card:low")):
        g.add("origin-" + slug, "The origin field |%s (kept in canonical form)." % field, "_sc|x|0|" + field,
              Y(sc("x", "0"), canon="_sc|x|0|" + field), D_ORIGIN)
    for slug, field in (("metric-rate", "@0.5"), ("metric-ts", "T5"), ("event-key", "k:x"), ("event-priority", "p:low"),
                        ("event-source", "s:x"), ("event-alert", "t:error"), ("empty", "")):
        g.add("unknown-" + slug, "|%s is not a service-check field." % field, "_sc|x|0|①" + field,
              Y(Ln(sc("x", "0"), W("unknown_field")), canon="_sc|x|0|" + field), D_SC)
    g.add("fields-reordered", "Fields in reverse order; canonical re-orders.", "_sc|x|3|m:msg|card:high|e:ed|c:ci|#t|h:host|d:9",
          Y(sc("x", "3", d="9", h="host", m="msg", tags="t"), canon="_sc|x|3|d:9|h:host|#t|c:ci|e:ed|card:high|m:msg"), D_CANON)
    g.add("name-with-colon", "A service-check name may hold \":\".", "_sc|a:b|0", Y(sc("a:b", "0")), D_SC)
    g.add("name-with-space", "A name with spaces.", "_sc|my check|0", Y(sc("my check", "0")), D_SC)
    g.add("name-unicode", "A non-ASCII name.", "_sc|v\u00e9rif|0", Y(sc("v\u00e9rif", "0")), D_SC)
    g.add("crlf", "A CRLF service-check line.", "_sc|x|0|m:hi\r\n", Y(sc("x", "0", m="hi")), D_FRAMING)
    ST = "invalid_service_check_status"
    for slug, inp, cls in (("no-status", "_sc|agent.up①", ST), ("empty-status", "_sc|agent.up|①", ST), ("empty-name", "_sc|①|", "empty_name"),
                           ("prefix-only", "_sc|①", "empty_name"), ("status-word", "_sc|agent.up|①OK", ST), ("status-two-digits", "_sc|agent.up|①21", ST),
                           ("status-four", "_sc|x|①4", ST), ("status-negative", "_sc|x|①-1", ST), ("status-space", "_sc|x|① 0", ST),
                           ("status-leading-zero", "_sc|x|①00", ST), ("status-plus", "_sc|x|①+1", ST), ("empty-name-status", "_sc|①|0", "empty_name")):
        g.add(slug, "Rejected: %s." % slug.replace("-", " "), inp, N(E(cls)), AGENT("TestServiceCheckError (S2)"))
    g.add("prefix-without-pipe-metric", "_scx:1|c is a metric here (the Agent routes it to service checks).", "_scx:1|c",
          I(met("_scx", "c", "1")), AGENT("findMessageType (M29)"), flags=("AgentServiceCheckPrefix",))
    g.add("prefix-colon-metric", "_sc:1|c is a metric named _sc here.", "_sc:1|c", I(met("_sc", "c", "1")), D_ROUTING, flags=("AgentServiceCheckPrefix",))
    g.add("prefix-alone", "_sc alone is a metric without a value.", "_sc①", N(E("missing_value")), D_ROUTING)
    g.add("upper-case-prefix", "_SC|x|0 is not a service check.", "_SC①|x|0", N(E("missing_value")), D_ROUTING)
    g.add("tab-in-name", "A TAB in the name.", "_sc|a①\tb|0", N(E("control_character")), D_SC, flags=("AgentControlCharacters",))
    g.add("tab-in-message", "A TAB in the message.", "_sc|x|0|m:a①\tb", N(E("control_character")), D_SC, flags=("AgentControlCharacters",))

    # ======================================================================
    # dogstatsd-framing
    # ======================================================================
    g = G.group("dogstatsd-framing", [
        "Lines end at \\n; one \\r before the end of a line is dropped (CRLF); empty lines and lines that are",
        "only \\r are skipped; every line is judged alone; metrics, events and service checks mix freely.",
    ], D_FRAMING)
    CR = ("CRLF",)
    g.add("crlf-two-lines", "Two CRLF lines (M27).", "a:1|c\r\nb:2|c\r\n", Y(met("a", "c", "1"), met("b", "c", "2")), AGENT("dropCR (M27)"), flags=CR)
    g.add("crlf-no-final-newline", "A final \\r without \\n is dropped too.", "a:1|c\r", Y(met("a", "c", "1")), AGENT("dropCR"), flags=CR)
    g.add("empty-line-between", "An empty line is skipped (M27).", "a:1|c\n\nb:1|c", Y(met("a", "c", "1"), met("b", "c", "1")), AGENT("parsePackets (M27)"),
          flags=("EmptyLines",))
    g.add("cr-only-lines", "Lines that are only \\r are skipped.", "\r\na:1|c\r\n\r\n", Y(met("a", "c", "1")), D_FRAMING, flags=CR + ("EmptyLines",))
    g.add("bare-cr-inside", "A \\r inside a line is a control character (M28).", "a:1|c①\rb:2|c", N(E("control_character")), AGENT("M28"),
          flags=("EtsyBareCRMerge",))
    g.add("two-trailing-cr", "Only one \\r is dropped (M28).", "a:1|c①\r\r\n", N(E("control_character")), AGENT("M28"), flags=CR)
    g.add("cr-then-space", "\\r followed by a space is not a line end.", "a:1|c①\r ", N(E("control_character")), D_FRAMING, flags=CR)
    g.add("empty-datagram", "An empty datagram: no line.", "", Y(), D_FRAMING)
    g.add("only-newlines", "Only newlines: no line.", "\n\n\n", Y(), D_FRAMING, flags=("EmptyLines",))
    g.add("spaces-line", "A line of spaces is a metric name without a value.", "   ①", N(E("missing_value")), D_FRAMING, flags=("Whitespace",))
    g.add("leading-space-name", "A leading space is part of the name (M22).", "① a:1|c", Y(Ln(met(" a", "c", "1"), W("non_portable_name"))), AGENT("M22"),
          flags=("Whitespace",))
    g.add("space-before-value", "a: 1|c: a space before the value (M22).", "a:① 1|c", N(E("invalid_value")), AGENT("M22"), flags=("Whitespace",))
    g.add("space-after-type", "a:1|c |#t: the type \"c \" (M22).", "a:1|①c |#t", N(E("unknown_type")), AGENT("M22"), flags=("Whitespace",))
    g.add("upper-case-type", "a:1|C (M22).", "a:1|①C", N(E("unknown_type")), AGENT("M22"))
    g.add("three-kinds", "A metric, an event and a service check.", "a:1|c\n_e{5,4}:title|text\n_sc|db.up|0",
          Y(met("a", "c", "1"), ev("title", "text"), sc("db.up", "0")), D_ROUTING)
    g.add("three-kinds-crlf", "The three kinds with CRLF.", "a:1|c\r\n_e{5,4}:title|text\r\n_sc|db.up|0\r\n",
          Y(met("a", "c", "1"), ev("title", "text"), sc("db.up", "0")), D_FRAMING, flags=CR)
    g.add("three-kinds-reversed", "A service check, an event, a metric.", "_sc|db.up|2|m:down\n_e{1,0}:t|\nx:1.5|d|#a",
          Y(sc("db.up", "2", m="down"), ev("t", ""), met("x", "d", "1.5", tags="a")), D_ROUTING, flags=("SalukiEmptyEventText",))
    g.add("bad-lines-between", "Bad lines between good ones of each kind.",
          "a:1|c\n_e{9,4}:title|text\n_sc|db.up|0\n_sc|db.up|②9\n_e{5,4}:title|text\nb:③x|g",
          N(met("a", "c", "1"), E("event_length_mismatch", at=23), sc("db.up", "0"), E("invalid_service_check_status", 2), ev("title", "text"),
            E("invalid_value", 3)), D_FRAMING)
    g.add("warnings-per-line", "Warnings belong to their line; offsets count from the datagram start.", "a:1|c|①x\nb:2|c|#②,④\n_sc|s|0|③zz",
          Y(Ln(met("a", "c", "1"), W("unknown_field")), Ln(met("b", "c", "2", tags=","), W("empty_tag", 2), W("empty_tag", 4)),
            Ln(sc("s", "0"), W("unknown_field", 3)), canon="a:1|c|x\nb:2|c|#,\n_sc|s|0|zz"), D_WARN)
    g.add("hundred-lines", "One hundred lines of the three kinds.", "\n".join(("m%d:%d|c" % (i, i), "_e{1,1}:t|%d" % (i % 10), "_sc|s%d|%d" % (i, i % 4))[i % 3]
                                                                          for i in range(100)),
          Y(*[(met("m%d" % i, "c", str(i)), ev("t", str(i % 10)), sc("s%d" % i, str(i % 4)))[i % 3] for i in range(100)]), D_FRAMING)
    g.add("event-then-metric-no-newline-confusion", "An event text cannot reach into the next line.", "_e{5,12}:title|text①\nb:1|c",
          N(E("event_length_mismatch"), met("b", "c", "1")), D_FRAMING)
    g.add("cr-in-event-before-end", "A \\r inside an event text.", "_e{5,5}:title|te①\rxt", N(E("control_character")), D_FRAMING)

    # ======================================================================
    # dogstatsd-hostile
    # ======================================================================
    g = G.group("dogstatsd-hostile", [
        "Input built to confuse: injection attempts through names, tags, event texts and fields; control",
        "characters; invalid UTF-8 (input_hex); names the documentation forbids (warning non_portable_name).",
    ], D_NAMES)
    for slug, name in (("space", "a b"), ("hash", "a#b"), ("at", "a@b"), ("dash", "a-b"), ("slash", "a/b"), ("comma", "a,b"),
                       ("unicode", "caf\u00e9"), ("emoji", "\U0001F680"), ("bom", "\ufeffa"), ("line-separator", "a\u2028b"),
                       ("equals", "a=b"), ("brackets", "a[k=v]"), ("backslash", "a\\b"), ("quote", "a\"b"), ("curly", "a{1}")):
        g.add("name-" + slug, "The name %r is accepted with a warning." % name, name + ":1|c", Y(Ln(met(name, "c", "1"), W("non_portable_name", at=0))),
              DOC("metrics (name rules)"), flags=("NonAsciiName",) if any(ord(ch) > 127 for ch in name) else ())
    g.add("name-agent-unicode", "The Agent's unicode test (M7).", "\u266c\u2020\u00f8U\u2020\u00f8U\u00a5\u00bauT0\u266a:666|g|#intitul\u00e9:T0\u00b5",
          Y(Ln(met("\u266c\u2020\u00f8U\u2020\u00f8U\u00a5\u00bauT0\u266a", "g", "666", tags="intitul\u00e9:T0\u00b5"), W("non_portable_name", at=0))),
          AGENT("TestParseGaugeWithUnicode (M7)"), flags=("NonAsciiName",))
    g.add("name-portable", "Letters, digits, _ and . only: no warning.", "Az09_.x:1|c", Y(met("Az09_.x", "c", "1")), D_NAMES)
    g.add("name-starting-digit", "A name starting with a digit is portable here.", "9lives:1|c", Y(met("9lives", "c", "1")), D_NAMES)
    for slug, inp in (("tab-name", "a①\tb:1|c"), ("nul-name", "a①\u0000:1|c"), ("esc-name", "①\u001b[31ma:1|c"), ("del-name", "a①\u007f:1|c"),
                      ("nul-value", "a:1①\u0000|c"), ("tab-field", "a:1|c|x①\t"), ("esc-container", "a:1|c|c:①\u001b"),
                      ("nul-external", "a:1|c|e:a①\u0000"), ("del-card", "a:1|c|card:lo①\u007f"), ("tab-set-member", "s:a①\tb|s"),
                      ("nul-event-host", "_e{5,4}:title|text|h:①\u0000"), ("nul-sc-host", "_sc|x|0|h:①\u0000"),
                      ("bell-event-title", "_e{5,4}:ti①\u0007le|text"), ("vt-tag", "a:1|c|#①\u000b"), ("control-before-error", "a①\u0000|c")):
        g.add("control-" + slug, "A control character: reported first, at its byte.", inp, N(E("control_character")), D_NAMES,
              flags=("ControlCharacter", "AgentControlCharacters"))
    g.add("injection-tag-newline", "A newline in a tag value injects a second metric: two lines.", "a:1|c|#user:x\nevil:1000|c",
          Y(met("a", "c", "1", tags="user:x"), met("evil", "c", "1000")), D_FRAMING)
    g.add("injection-tag-pipe", "A \"|\" in a tag value starts a new field: the tags end there.", "a:1|c|#user:x|@0.0001",
          Y(met("a", "c", "1", tags="user:x", rate="0.0001"), canon="a:1|c|@0.0001|#user:x"), D_TAGS)
    g.add("injection-tag-comma", "A \",\" in a tag value makes two tags.", "a:1|c|#user:x,admin:true", Y(met("a", "c", "1", tags="user:x,admin:true")), D_TAGS)
    g.add("injection-sc-message-tags", "A \"|#\" in a service-check message becomes a tag section.", "_sc|x|0|m:ok|#injected:tag",
          Y(sc("x", "0", m="ok", tags="injected:tag"), canon="_sc|x|0|#injected:tag|m:ok"), D_SC)
    g.add("injection-sc-message-status", "A message that tries to restate the status.", "_sc|x|0|m:|2", Y(Ln(sc("x", "0", m=""), W("unknown_field", at=11)),
                                                                                                         canon="_sc|x|0|2|m:"), D_SC)
    g.add("injection-event-text-newline", "A real newline in an event text cuts the event: two bad lines.", "_e{5,11}:title|line1①\nline2",
          N(E("event_length_mismatch"), E("missing_value", at=26)), D_EVENTS)
    g.add("injection-event-title-fields", "Field-like bytes inside the title length are title.", "_e{8,4}:x|#a:b|c|text", Y(ev("x|#a:b|c", "text")), D_EVENTS)
    g.add("injection-name-event-prefix", "A \"name\" _e{...} is an event line.", "_e{1,1}:a|b", Y(ev("a", "b")), D_ROUTING)
    g.add("injection-name-sc-prefix", "A \"name\" _sc|... is a service-check line.", "_sc|a|0", Y(sc("a", "0")), D_ROUTING, flags=GS)
    g.add("injection-value-fields", "A value that tries to hold a type: the first \"|\" ends it.", "a:1|c|ms", Y(Ln(met("a", "c", "1"), W("unknown_field", at=6)),
                                                                                                          canon="a:1|c|ms"), D_FIELDS)
    g.add("injection-second-metric-no-newline", "Etsy's multi-metric form is one line with an unknown field.", "a:1|c:2|g",
          N(E("unknown_type", at=4)), D_TYPES, flags=("EtsyMultiMetric",))
    g.add("injection-container-pipe", "A \"|\" ends c:.", "a:1|c|c:abc|def", Y(Ln(met("a", "c", "1", c="abc"), W("unknown_field", at=12)), canon="a:1|c|c:abc|def"), D_ORIGIN)
    g.add("injection-huge-integer", "A 1000-digit value: out of range (and of float64, even for the Agent).", "a:①" + "9" * 1000 + "|c",
          N(E("value_out_of_range")), D_VALUES)
    g.add("injection-huge-rate-exponent", "A rate of 1e400.", "a:1|c|@①1e400", N(E("sample_rate_out_of_range")), D_RATES)
    g.add("injection-many-fields", "Four unknown fields, four warnings (the most a line reports: README \"DogStatsD: warnings\").",
          "a:1|c|①x|②y|③z|④w", Y(Ln(met("a", "c", "1"), W("unknown_field"), W("unknown_field", 2), W("unknown_field", 3), W("unknown_field", 4)),
                                  canon="a:1|c|x|y|z|w"), D_WARN)
    HX = bytes.fromhex
    for slug, data, off in (("name", HX("61ff3a317c63"), 1), ("name-overlong", HX("c0af3a317c63"), 0), ("name-truncated", HX("61e282"), 1),
                            ("set-member", HX("733a61ff7c73"), 3), ("tag", HX("613a317c637c2361ff"), 8), ("container", HX("613a317c637c633aff"), 8),
                            ("unknown-field", HX("613a317c637c78ff"), 7), ("event-title", HX("5f657b342c347d3a7469ff657c74657874"), 10),
                            ("event-text", HX("5f657b352c347d3a7469746c657c7465ff74"), 16), ("sc-name", HX("5f73637c78ff7c30"), 5),
                            ("sc-message", HX("5f73637c787c307c6d3aff"), 10), ("event-host", HX("5f657b312c317d3a617c627c683aff"), 14)):
        g.add("invalid-utf8-" + slug, "Invalid UTF-8 in the %s." % slug.replace("-", " "), data, N(E("invalid_utf8", at=off)), D_NAMES,
              flags=("InvalidUtf8Name",))
    g.add("invalid-utf8-value", "Invalid UTF-8 in a value is not a number.", HX("613aff7c63"), N(E("invalid_value", at=2)), D_VALUES, flags=("InvalidUtf8Name",))
    g.add("invalid-utf8-type", "Invalid UTF-8 in the type.", HX("613a317cff"), N(E("unknown_type", at=4)), D_TYPES, flags=("InvalidUtf8Name",))
    g.add("invalid-utf8-then-good-line", "A bad line does not spoil the next one.", HX("61ff3a317c630a623a317c63"),
          N(E("invalid_utf8", at=1), met("b", "c", "1")), D_FRAMING, flags=("InvalidUtf8Name",))

    # ======================================================================
    # dogstatsd-agent: the research notes' divergence matrix (section 7) and
    # the Agent reference vectors (section 7.1), row by row
    # ======================================================================
    g = G.group("dogstatsd-agent", [
        "Every row of the DogStatsD research notes' divergence matrix (section 7: the Agent against saluki,",
        "Vector, statsd_exporter, Telegraf and gostatsd) and every Agent reference vector M1-M29, E1-E8, S1-S6",
        "(section 7.1), as the dogstatsd dialect reads them. Flags name the peers that differ.",
    ], AGENT("parse.go"))
    R7 = lambda row: AGENT("research section 7, row %s" % row)  # noqa: E731
    g.add("matrix-gauge-minus", "x:-5|g is the absolute gauge -5.", "x:-5|g", Y(met("x", "g", "-5")), R7("x:-5|g"), flags=("GaugeSignIsDelta",))
    g.add("matrix-gauge-plus", "x:+5|g is the absolute gauge 5.", "x:+5|g", Y(met("x", "g", "5"), canon="x:5|g"), R7("x:+5|g"), flags=("GaugeSignIsDelta",))
    g.add("matrix-packed-distribution", "x:1:2:3|d is three samples.", "x:1:2:3|d", Y(met("x", "d", "1", "2", "3")), R7("x:1:2:3|d"), flags=("PackedValues",))
    g.add("matrix-packed-counter", "x:1:2|c is two samples.", "x:1:2|c", Y(met("x", "c", "1", "2")), R7("x:1:2|c"), flags=("PackedValues",))
    g.add("matrix-tags-then-rate", "x:1|c|#a|@0.5: rate 0.5 (Vector ignores it).", "x:1|c|#a|@0.5", Y(met("x", "c", "1", rate="0.5", tags="a"),
                                                                                                     canon="x:1|c|@0.5|#a"), R7("x:1|c|#a|@0.5"),
          flags=("VectorFixedFieldOrder",))
    g.add("matrix-container-then-tags", "x:1|c|c:abc|#k:v: tags kept (Vector loses them).", "x:1|c|c:abc|#k:v",
          Y(met("x", "c", "1", tags="k:v", c="abc"), canon="x:1|c|#k:v|c:abc"), R7("x:1|c|c:abc|#k:v"),
          flags=("VectorFixedFieldOrder", "StatsdExporterDropsOriginFields"))
    g.add("matrix-container-no-tags", "x:1|c|c:abc (statsd_exporter drops it).", "x:1|c|c:abc", Y(met("x", "c", "1", c="abc")), R7("x:1|c|c:abc"),
          flags=("StatsdExporterDropsOriginFields",))
    g.add("matrix-origin-fields", "x:1|c|#t|e:...|card:low.", "x:1|c|#t|e:it-false,cn-a,pu-b|card:low",
          Y(met("x", "c", "1", tags="t", e="it-false,cn-a,pu-b", card="low")), R7("x:1|c|#t|e:...|card:low"), flags=("StatsdExporterDropsOriginFields",))
    g.add("matrix-timestamp", "x:1|c|T1656581400 is timestamped.", "x:1|c|T1656581400", Y(met("x", "c", "1", ts="1656581400")), R7("x:1|c|T1656581400"))
    g.add("matrix-bare-hash", "x:1|c|# has an empty tag section (Vector rejects it).", "x:1|c|#", Y(met("x", "c", "1", tags="")), R7("x:1|c|#"),
          flags=("EmptyTagSection",))
    g.add("matrix-rate-zero", "x:1|c|@0: accepted with a warning.", "x:1|c|@①0", I(Ln(met("x", "c", "1", rate="0.0"), W("sample_rate_out_of_range"))),
          R7("x:1|c|@0"), flags=("AgentSampleRateUnchecked",))
    g.add("matrix-rate-two", "x:1|c|@2: accepted with a warning (saluki rejects it).", "x:1|c|@①2",
          I(Ln(met("x", "c", "1", rate="2.0"), W("sample_rate_out_of_range"))), R7("x:1|c|@2"), flags=("AgentSampleRateUnchecked",))
    g.add("matrix-crlf", "x:1|c\\r: the \\r is dropped.", "x:1|c\r", Y(met("x", "c", "1")), R7("x:1|c CR"), flags=("CRLF",))
    g.add("matrix-nan", "x:NaN|g: the Agent parses it (and drops it later).", "x:①NaN|g", I(E("invalid_value")), R7("x:NaN|g"), flags=("AgentParseFloat",))
    g.add("matrix-float-counter", "x:1.5|c is 1.5 (Telegraf and gostatsd count 1).", "x:1.5|c", Y(met("x", "c", "1.5")), R7("x:1.5|c"),
          flags=("TelegrafIntegerCounters",))
    g.add("matrix-same-key-tags", "x:1|c|#a:b,a:c keeps both.", "x:1|c|#a:b,a:c", Y(met("x", "c", "1", tags="a:b,a:c")), R7("x:1|c|#a:b,a:c"))
    g.add("matrix-bare-tag", "x:1|c|#novalue.", "x:1|c|#novalue", Y(met("x", "c", "1", tags="novalue")), R7("x:1|c|#novalue"))
    g.add("matrix-leading-empty-value", "x::1|c is [1] with a warning (saluki rejects it).", "x:①:1|c", Y(Ln(met("x", "c", "1"), W("empty_value"))),
          R7("x::1|c"), flags=("SalukiStopsAtEmptyField",))
    g.add("matrix-set-colon", "x:abc:def|s is the member abc:def.", "x:abc:def|s", Y(met("x", "s", "abc:def")), R7("x:abc:def|s"),
          flags=("StatsdExporterNoSets",))
    g.add("matrix-event", "_e{5,4}:title|text.", "_e{5,4}:title|text", Y(ev("title", "text")), R7("_e{5,4}:title|text"))
    g.add("matrix-event-empty-text", "_e{5,0}:title| (saluki and Telegraf reject it).", "_e{5,0}:title|", Y(ev("title", "")), R7("_e{5,0}:title|"),
          flags=("SalukiEmptyEventText",))
    g.add("matrix-service-check", "_sc|name|0 (gostatsd rejects it).", "_sc|name|0", Y(sc("name", "0")), R7("_sc|name|0"), flags=("GostatsdNoServiceChecks",))
    M = lambda n, test="": AGENT("M%s%s" % (n, " " + test if test else ""))  # noqa: E731
    g.add("m1-gauge", "M1.", "daemon:666|g", Y(met("daemon", "g", "666")), M(1, "TestParseGauge"))
    g.add("m2-packed-gauge", "M2.", "daemon:666:777|g", Y(met("daemon", "g", "666", "777")), M(2), flags=("PackedValues",))
    g.add("m3-counter", "M3.", "daemon:21|c", Y(met("daemon", "c", "21")), M(3))
    g.add("m3-packed-counter", "M3.", "daemon:666:777|c", Y(met("daemon", "c", "666", "777")), M(3), flags=("PackedValues",))
    g.add("m4-histogram", "M4.", "daemon:21:22|h", Y(met("daemon", "h", "21", "22")), M(4), flags=("PackedValues",))
    g.add("m4-timer", "M4 (the Agent makes timers histograms).", "daemon:21:22|ms", Y(met("daemon", "ms", "21", "22")), M(4), flags=("PackedValues",))
    g.add("m4-distribution", "M4.", "daemon:3.5:4.5|d", Y(met("daemon", "d", "3.5", "4.5")), M(4), flags=("PackedValues",))
    g.add("m5-set", "M5.", "daemon:abc|s", Y(met("daemon", "s", "abc")), M(5, "TestParseSet"))
    g.add("m5-set-colon", "M5.", "daemon:abc:def|s", Y(met("daemon", "s", "abc:def")), M(5), flags=("StatsdExporterNoSets",))
    g.add("m6-tags", "M6.", "custom_counter:1|c|#protocol:http,bench", Y(met("custom_counter", "c", "1", tags="protocol:http,bench")), M(6))
    g.add("m7-unicode", "M7.", "\u266c\u2020\u00f8U\u2020\u00f8U\u00a5\u00bauT0\u266a:666|g|#intitul\u00e9:T0\u00b5",
          Y(Ln(met("\u266c\u2020\u00f8U\u2020\u00f8U\u00a5\u00bauT0\u266a", "g", "666", tags="intitul\u00e9:T0\u00b5"), W("non_portable_name", at=0))), M(7),
          flags=("NonAsciiName",))
    g.add("m8-rate", "M8.", "daemon:666|g|@0.21", Y(met("daemon", "g", "666", rate="0.21")), M(8))
    g.add("m9-bare-hash", "M9.", "daemon:666|g|#", Y(met("daemon", "g", "666", tags="")), M(9), flags=("EmptyTagSection",))
    g.add("m10-unknown-field", "M10.", "daemon:666|g|①m:test", Y(Ln(met("daemon", "g", "666"), W("unknown_field")), canon="daemon:666|g|m:test"), M(10))
    orders = ["#thereisatag|T1657100540|@0.21", "#thereisatag|@0.21|T1657100540", "T1657100540|#thereisatag|@0.21",
              "T1657100540|@0.21|#thereisatag", "@0.21|#thereisatag|T1657100540", "@0.21|T1657100540|#thereisatag"]
    for i, order in enumerate(orders):
        g.add("m11-order-%d" % (i + 1), "M11, order %d." % (i + 1), "metric:1234|g|" + order,
              Y(met("metric", "g", "1234", rate="0.21", tags="thereisatag", ts="1657100540")), M(11, "TestParseGaugeWithTimestamp"),
              flags=() if order.startswith("@0.21|#") else ("VectorFixedFieldOrder",))
    g.add("m12-timestamp", "M12 (the dialect always reads T).", "metric:1234|g|#onetag|T1657100430", Y(met("metric", "g", "1234", tags="onetag", ts="1657100430")), M(12))
    for i, ts in enumerate(("ABCD", "", "-102348932")):
        g.add("m13-bad-timestamp-%d" % (i + 1), "M13.", "metric:1234|g|#onetag|T①" + ts, N(E("invalid_timestamp")), M(13, "TestParseGaugeTimestampMalformed"))
    g.add("m14-everything", "M14.", "example.metric:2.39283|d|T1657100540|@1.000000|#environment:dev|c:2a25f7fc8fbf573d62053d7263dd2d440c07b6ab4d2b107e50b0d4df1f2ee15f|①f:wowthisisacoolfeature|②f2:omgthisoneiscooler",
          Y(Ln(met("example.metric", "d", "2.39283", rate="1", tags="environment:dev", ts="1657100540",
                   c="2a25f7fc8fbf573d62053d7263dd2d440c07b6ab4d2b107e50b0d4df1f2ee15f"),
               W("timestamp_ignored", at=25), W("unknown_field"), W("unknown_field", 2)),
            canon="example.metric:2.39283|d|@1|#environment:dev|c:2a25f7fc8fbf573d62053d7263dd2d440c07b6ab4d2b107e50b0d4df1f2ee15f|T1657100540"
                  "|f:wowthisisacoolfeature|f2:omgthisoneiscooler"), M(14, "TestParseMetricWithExtraFields"))
    g.add("m15-container-id", "M15.", "metric:1234|g|c:1234567890abcdef", Y(met("metric", "g", "1234", c="1234567890abcdef")), M(15, "TestParseContainerID"))
    for slug, inp, cls in (("no-type", "daemon:666①", "missing_type"), ("empty-type", "daemon:666|①", "missing_type"), ("empty-value", "daemon:①|g", "missing_value"),
                           ("empty-name", "①:666|g", "empty_name"), ("no-colon", "abc666①|g", "missing_value"), ("word-value", "daemon:①abc|g", "invalid_value"),
                           ("unknown-type", "daemon:666|①unknown", "unknown_type"), ("bad-rate", "daemon:666|g|@①abc", "invalid_sample_rate")):
        g.add("m16-" + slug, "M16.", inp, N(E(cls)), M(16, "TestParseMetricError"))
    g.add("m17-tags-last-wins", "M17.", "a:1|c|#x|①#y", Y(Ln(met("a", "c", "1", tags="y"), W("duplicate_field"))), M(17))
    g.add("m17-rate-last-wins", "M17.", "a:1|c|@0.5|①@0.25", Y(Ln(met("a", "c", "1", rate="0.25"), W("duplicate_field"))), M(17))
    g.add("m18-empty-tag", "M18.", "a:1|c|#a,①,b", Y(Ln(met("a", "c", "1", tags="a,,b"), W("empty_tag"))), M(18), flags=("EmptyTags",))
    g.add("m18-colon-value", "M18.", "a:1|c|#a:b:c", Y(met("a", "c", "1", tags="a:b:c")), M(18))
    g.add("m19-minus", "M19.", "a:-5|g", Y(met("a", "g", "-5")), M(19), flags=("GaugeSignIsDelta",))
    g.add("m19-plus", "M19.", "a:+5|g", Y(met("a", "g", "5"), canon="a:5|g"), M(19), flags=("GaugeSignIsDelta",))
    g.add("m20-trailing", "M20.", "a:1:①|c", Y(Ln(met("a", "c", "1"), W("empty_value"))), M(20))
    g.add("m20-leading", "M20.", "a:①:1|c", Y(Ln(met("a", "c", "1"), W("empty_value"))), M(20), flags=("SalukiStopsAtEmptyField",))
    g.add("m20-none", "M20.", "a:①:|c", N(E("missing_value")), M(20))
    g.add("m21-trailing-pipe", "M21.", "a:1|c|①", Y(Ln(met("a", "c", "1"), W("unknown_field")), canon="a:1|c|"), M(21))
    g.add("m21-empty-field", "M21.", "a:1|c|①|#t", Y(Ln(met("a", "c", "1", tags="t"), W("unknown_field")), canon="a:1|c|#t|"), M(21),
          flags=("SalukiStopsAtEmptyField",))
    g.add("m22-leading-space", "M22.", " a:1|c", Y(Ln(met(" a", "c", "1"), W("non_portable_name", at=0))), M(22), flags=("Whitespace",))
    g.add("m22-space-value", "M22.", "a:① 1|c", N(E("invalid_value")), M(22), flags=("Whitespace",))
    g.add("m22-upper-type", "M22.", "a:1|①C", N(E("unknown_type")), M(22))
    g.add("m22-space-type", "M22.", "a:1|①c |#t", N(E("unknown_type")), M(22), flags=("Whitespace",))
    g.add("m23-hex-float", "M23.", "a:①0x1p-2|g", I(E("invalid_value")), M(23), flags=("AgentParseFloat",))
    g.add("m23-underscore", "M23.", "a:①1_000|g", I(E("invalid_value")), M(23), flags=("AgentParseFloat",))
    g.add("m23-exponent", "M23.", "a:1e3|c", Y(met("a", "c", "1000.0")), M(23))
    g.add("m23-overflow", "M23 (Go's ParseFloat errors too).", "a:①1e400|g", N(E("value_out_of_range")), M(23))
    g.add("m24-nan", "M24.", "a:①NaN|g", I(E("invalid_value")), M(24), flags=("AgentParseFloat",))
    g.add("m24-inf", "M24.", "a:①Inf|c", I(E("invalid_value")), M(24), flags=("AgentParseFloat",))
    g.add("m25-zero-timestamp", "M25.", "a:1|c|T①0", N(E("invalid_timestamp")), M(25))
    g.add("m25-plus-timestamp", "M25.", "a:1|c|T①+1657100430", I(E("invalid_timestamp")), M(25), flags=("AgentTimestampSign",))
    for slug, rate, text in (("zero", "0", "0.0"), ("minus-one", "-1", "-1.0"), ("two", "2", "2.0")):
        g.add("m26-rate-" + slug, "M26.", "a:1|c|@①" + rate, I(Ln(met("a", "c", "1", rate=text), W("sample_rate_out_of_range"))), M(26),
              flags=("AgentSampleRateUnchecked",))
    g.add("m27-crlf", "M27.", "a:1|c\r\nb:2|c\r\n", Y(met("a", "c", "1"), met("b", "c", "2")), M(27), flags=("CRLF",))
    g.add("m27-empty-line", "M27.", "a:1|c\n\nb:1|c", Y(met("a", "c", "1"), met("b", "c", "1")), M(27), flags=("EmptyLines",))
    g.add("m28-bare-cr", "M28.", "a:1|c①\rb:2|c", N(E("control_character")), M(28), flags=("EtsyBareCRMerge",))
    g.add("m28-two-cr", "M28.", "a:1|c①\r\r\n", N(E("control_character")), M(28), flags=("CRLF",))
    g.add("m29-sc-prefix", "M29.", "_scx:1|c", I(met("_scx", "c", "1")), M(29), flags=("AgentServiceCheckPrefix",))
    EE = lambda n, test="": AGENT("E%s%s" % (n, " " + test if test else ""))  # noqa: E731
    g.add("e1-event", "E1.", "_e{10,9}:test title|test text", Y(ev("test title", "test text")), EE(1, "TestEvent"))
    g.add("e2-multiline", "E2.", "_e{10,24}:test title|test\\line1\\nline2\\nline3", Y(ev("test title", "test\\line1\nline2\nline3")), EE(2, "TestEventMultilinesText"))
    g.add("e3-pipe-in-title", "E3.", "_e{10,24}:test|title|test\\line1\\nline2\\nline3", Y(ev("test|title", "test\\line1\nline2\nline3")), EE(3, "TestEventPipeInTitle"))
    g.add("e4-empty-text", "E4.", "_e{10,0}:test title|", Y(ev("test title", "")), EE(4, "TestEventEmptyText"), flags=("SalukiEmptyEventText",))
    g.add("e4-empty-text-alert", "E4.", "_e{10,0}:test title||t:warning", Y(ev("test title", "", t="warning")), EE(4), flags=("SalukiEmptyEventText",))
    g.add("e5-empty-title", "E5.", "_e{①0,9}:|test text", N(E("empty_event_title")), EE(5, "TestEventError"))
    g.add("e6-all-fields", "E6.", "_e{10,9}:test title|test text|t:warning|d:12345|p:low|h:some.host|k:aggKey|s:source test|#tag1,tag2:test",
          Y(ev("test title", "test text", d="12345", h="some.host", k="aggKey", p="low", s="source test", t="warning", tags="tag1,tag2:test")), EE(6))
    for slug, field, cls in (("date", "d:abc", "invalid_field_value"), ("priority", "p:urgent", "invalid_field_value"),
                             ("alert", "t:test", "invalid_field_value"), ("unknown", "x:1234", "unknown_field")):
        g.add("e7-" + slug, "E7.", "_e{5,4}:title|text|①" + field, Y(Ln(ev("title", "text"), W(cls)), canon="_e{5,4}:title|text|" + field), EE(7))
    g.add("e8-separator", "E8.", "_e{5,4}:title①Xtext", I(E("event_length_mismatch")), EE(8), flags=("AgentUncheckedEventSeparators",))
    g.add("e8-header", "E8.", "_e{5,4①X:title|text", I(E("invalid_event_header")), EE(8), flags=("AgentUncheckedEventSeparators",))
    g.add("e8-short-text", "E8.", "_e{5,2}:title|te①xt|#t", I(E("event_length_mismatch")), EE(8), flags=("AgentUncheckedEventSeparators",))
    S = lambda n, test="": AGENT("S%s%s" % (n, " " + test if test else ""))  # noqa: E731
    g.add("s1-service-check", "S1.", "_sc|agent.up|0", Y(sc("agent.up", "0")), S(1, "TestServiceCheckOK"))
    for slug, inp, cls in (("no-status", "_sc|agent.up①", "invalid_service_check_status"), ("empty-status", "_sc|agent.up|①", "invalid_service_check_status"),
                           ("empty-name", "_sc|①|", "empty_name"), ("prefix-only", "_sc|①", "empty_name"),
                           ("status-ok", "_sc|agent.up|①OK", "invalid_service_check_status"), ("status-21", "_sc|agent.up|①21", "invalid_service_check_status")):
        g.add("s2-" + slug, "S2.", inp, N(E(cls)), S(2, "TestServiceCheckError"))
    g.add("s3-all-fields", "S3.", "_sc|agent.up|0|d:21|h:localhost|#tag1:test,tag2|m:this is fine",
          Y(sc("agent.up", "0", d="21", h="localhost", m="this is fine", tags="tag1:test,tag2")), S(3, "TestServiceCheckMetadata"))
    g.add("s4-duplicates", "S4.", "_sc|agent.up|0|d:21|h:localhost|①h:localhost2|②d:22",
          Y(Ln(sc("agent.up", "0", d="22", h="localhost2"), W("duplicate_field"), W("duplicate_field", 2))), S(4, "TestServiceCheckMetadataMultiple"))
    g.add("s5-bad-date", "S5.", "_sc|agent.up|0|①d:some_time", Y(Ln(sc("agent.up", "0"), W("invalid_field_value")), canon="_sc|agent.up|0|d:some_time"), S(5))
    g.add("s5-unknown", "S5.", "_sc|agent.up|0|①u:unknown", Y(Ln(sc("agent.up", "0"), W("unknown_field")), canon="_sc|agent.up|0|u:unknown"), S(5))
    g.add("s6-message-pipe", "S6.", "_sc|x|0|m:a|①b", Y(Ln(sc("x", "0", m="a"), W("unknown_field")), canon="_sc|x|0|b|m:a"), S(6))
    g.add("s6-message-newline", "S6.", "_sc|x|0|m:l1\\nl2", I(sc("x", "0", m="l1\nl2")), S(6), flags=("AgentServiceCheckMessageRaw",))

    # ======================================================================
    # encoder group dogstatsd
    # ======================================================================
    e = G.EncGroup("dogstatsd", [
        "What an encoder writes in the dogstatsd dialect, byte for byte, and what it must refuse (writing",
        "nothing). Requests hold protocol v2 messages: metrics with packed values, tags, |T, |c:, |e:, |card:;",
        "events with their length header over the escaped texts; service checks with m: last. Events,",
        "service checks and DogStatsD fields are refused in spec and etsy.",
    ])
    G.ENC_GROUPS.append(e)
    OUT, REFUSE = G.OUT, G.REFUSE
    NOT_OLD = {"spec": REFUSE, "etsy": REFUSE}

    def rm(name, code, *values, rate=None, tags=None, ts=None, c=None, e=None, card=None, delta=False):
        m = {"name": name, "type": TYPE.get(code, code), "values": list(values), "sample_rate": rate, "delta": delta, "tags": tags}
        for key, v in (("timestamp", ts), ("container_id", c), ("external_data", e), ("cardinality", card)):
            if v is not None:
                m[key] = v
        return {"metric": m}

    def rev(title, text, d=None, h=None, k=None, p=None, s=None, t=None, tags=None):
        return {"event": {"title": title, "text": text, "timestamp": d, "hostname": h, "aggregation_key": k, "priority": p,
                          "source_type": s, "alert_type": t, "tags": tags}}

    def rsc(name, status, d=None, h=None, m=None, tags=None):
        return {"service_check": {"name": name, "status": status, "timestamp": d, "hostname": h, "message": m, "tags": tags}}

    def add(slug, desc, messages, out, source=D_CANON, old=None, flags=()):
        expect = {"dogstatsd": out}
        if old is not None:
            expect.update(old)
        e.add(slug, desc, None, expect, source, flags=flags, messages=messages)

    # Metrics written.
    for slug, msg, out in (
            ("counter", rm("a", "c", "1"), "a:1|c"), ("gauge", rm("a", "g", "2.5"), "a:2.5|g"), ("timer", rm("a", "ms", "320.000000"), "a:320.0|ms"),
            ("histogram", rm("a", "h", "42"), "a:42|h"), ("set", rm("a", "s", "alice"), "a:alice|s"), ("distribution", rm("a", "d", "0.5"), "a:0.5|d"),
            ("gauge-negative", rm("a", "g", "-5"), "a:-5|g"), ("gauge-plus", rm("a", "g", "+5"), "a:5|g"), ("gauge-minus-zero", rm("a", "g", "-0.0"), "a:0.0|g"),
            ("timer-negative", rm("a", "ms", "-1"), "a:-1|ms"), ("gauge-u64-max", rm("a", "g", "18446744073709551615"), "a:18446744073709551615|g"),
            ("counter-i64-min-plus-one", rm("a", "c", "-9223372036854775807"), "a:-9223372036854775807|c"),
            ("float-exponent", rm("a", "g", "1e3"), "a:1000.0|g"), ("float-tiny", rm("a", "d", "0.000001"), "a:1e-6|d"),
            ("set-member-colon", rm("s", "s", "a:b"), "s:a:b|s"), ("set-member-verbatim", rm("s", "s", "1.50"), "s:1.50|s"),
            ("name-unicode", rm("caf\u00e9", "c", "1"), "caf\u00e9:1|c"), ("name-sc-like", rm("_scx", "c", "1"), "_scx:1|c"),
            ("name-e-like", rm("_e", "c", "1"), "_e:1|c")):
        add("metric-" + slug, "A metric: %s." % slug.replace("-", " "), [msg], OUT(out), D_CANON)
    for slug, values, code, out in (("three", ["1", "2", "3"], "d", "a:1:2:3|d"), ("floats", ["1.50", "-0.0", "2e2"], "h", "a:1.5:0.0:200.0|h"),
                                    ("counter", ["1", "2"], "c", "a:1:2|c"), ("timer", ["10", "20"], "ms", "a:10:20|ms"),
                                    ("gauge", ["-1", "+1"], "g", "a:-1:1|g")):
        add("packed-" + slug, "Packed values (%s)." % slug, [rm("a", code, *values)], OUT(out), D_PACKED, old=NOT_OLD)
    for slug, rate, out in (("half", "0.5", "a:1|c|@0.5"), ("one", "1", "a:1|c|@1"), ("one-point-zero", "1.0", "a:1|c|@1"),
                            ("tiny", "1e-7", "a:1|c|@0.0000001")):
        add("rate-" + slug, "The rate %s." % rate, [rm("a", "c", "1", rate=rate)], OUT(out), D_RATES)
    add("rate-on-set", "A rate on a set.", [rm("s", "s", "u", rate="0.5")], OUT("s:u|s|@0.5"), D_RATES)
    for slug, tags, out in (("pairs", [["env", "prod"], ["web", None]], "#env:prod,web"), ("empty-list", [], "#"), ("empty-value", [["k", ""]], "#k:"),
                            ("empty-key", [["", "v"]], "#:v"), ("value-colon", [["a", "b:c"]], "#a:b:c"), ("two-empty", [["", None], ["", None]], "#,"),
                            ("trailing-empty", [["a", None], ["", None]], "#a,"), ("duplicate-keys", [["a", "1"], ["a", "2"]], "#a:1,a:2"),
                            ("unicode", [["r\u00e9gion", "\u00eele"]], "#r\u00e9gion:\u00eele"), ("spaces", [[" a ", " b "]], "# a : b ")):
        add("tags-" + slug, "Tags: %s." % slug.replace("-", " "), [rm("a", "c", "1", tags=tags)], OUT("a:1|c|" + out), D_TAGS, old=NOT_OLD)
    add("timestamp", "A timestamp.", [rm("a", "g", "1", ts="1657100540")], OUT("a:1|g|T1657100540"), D_TS, old=NOT_OLD)
    add("timestamp-max", "The largest timestamp.", [rm("a", "c", "1", ts="9223372036854775807")], OUT("a:1|c|T9223372036854775807"), D_TS, old=NOT_OLD)
    add("container-id", "A container id.", [rm("a", "c", "1", c="ci-abc,in-12")], OUT("a:1|c|c:ci-abc,in-12"), D_ORIGIN, old=NOT_OLD)
    add("external-data", "External data.", [rm("a", "c", "1", e="it-false,cn-web")], OUT("a:1|c|e:it-false,cn-web"), D_ORIGIN, old=NOT_OLD)
    for card in ("none", "low", "orchestrator", "high"):
        add("card-" + card, "card:%s." % card, [rm("a", "c", "1", card=card)], OUT("a:1|c|card:" + card), D_ORIGIN, old=NOT_OLD)
    add("all-fields", "Every field, in the canonical order.", [rm("a", "d", "1", "2", rate="0.5", tags=[["k", "v"]], ts="5", c="ci", e="ed", card="low")],
        OUT("a:1:2|d|@0.5|#k:v|c:ci|e:ed|T5|card:low"), D_CANON, old=NOT_OLD)
    add("timestamp-on-histogram", "A timestamp on a histogram is written (the parser warns).", [rm("a", "h", "1", ts="5")], OUT("a:1|h|T5"), D_TS)
    # Metrics refused.
    for slug, msg, source in (
            ("name-colon", rm("a:b", "c", "1"), D_NAMES), ("name-pipe", rm("a|b", "c", "1"), D_NAMES), ("name-newline", rm("a\nb", "c", "1"), D_NAMES),
            ("name-cr", rm("a\r", "c", "1"), D_NAMES), ("name-tab", rm("a\tb", "c", "1"), D_NAMES), ("name-nul", rm("a\u0000", "c", "1"), D_NAMES),
            ("name-empty", rm("", "c", "1"), D_NAMES), ("name-event-prefix", rm("_e{1,1}", "c", "1"), D_ROUTING), ("name-event-prefix-bare", rm("_e{", "c", "1"), D_ROUTING),
            ("nan", rm("a", "g", "NaN"), D_VALUES), ("infinity", rm("a", "g", "Infinity"), D_VALUES), ("minus-infinity", rm("a", "c", "-Infinity"), D_VALUES),
            ("float-overflow", rm("a", "g", "1e400"), D_VALUES), ("two-pow-64", rm("a", "g", "18446744073709551616"), D_VALUES),
            ("minus-two-pow-63", rm("a", "c", "-9223372036854775808"), D_VALUES), ("packed-nan", rm("a", "d", "1", "NaN"), D_PACKED),
            ("packed-set", rm("s", "s", "a", "b"), D_PACKED), ("meter", rm("a", "meter", "1"), D_TYPES), ("delta", rm("a", "g", "1", delta=True), D_GAUGES),
            ("delta-counter", rm("a", "c", "1", delta=True), D_GAUGES), ("set-member-empty", rm("s", "s", ""), D_VALUES),
            ("set-member-pipe", rm("s", "s", "a|b"), D_VALUES), ("set-member-newline", rm("s", "s", "a\nb"), D_VALUES),
            ("rate-zero", rm("a", "c", "1", rate="0"), D_RATES), ("rate-above-one", rm("a", "c", "1", rate="1.5"), D_RATES),
            ("rate-negative", rm("a", "c", "1", rate="-0.5"), D_RATES), ("rate-nan", rm("a", "c", "1", rate="NaN"), D_RATES),
            ("timestamp-zero", rm("a", "c", "1", ts="0"), D_TS), ("tag-key-comma", rm("a", "c", "1", tags=[["a,b", None]]), D_TAGS),
            ("tag-key-pipe", rm("a", "c", "1", tags=[["a|b", None]]), D_TAGS), ("tag-key-colon", rm("a", "c", "1", tags=[["a:b", "c"]]), D_TAGS),
            ("tag-value-comma", rm("a", "c", "1", tags=[["a", "b,c"]]), D_TAGS), ("tag-value-pipe", rm("a", "c", "1", tags=[["a", "b|@0.1"]]), D_TAGS),
            ("tag-value-newline", rm("a", "c", "1", tags=[["a", "b\nevil:1|c"]]), D_TAGS), ("tag-tab", rm("a", "c", "1", tags=[["a\tb", None]]), D_TAGS),
            ("tag-one-empty", rm("a", "c", "1", tags=[["", None]]), D_TAGS), ("container-pipe", rm("a", "c", "1", c="a|#x"), D_ORIGIN),
            ("container-newline", rm("a", "c", "1", c="a\nb"), D_ORIGIN), ("external-pipe", rm("a", "c", "1", e="a|b"), D_ORIGIN),
            ("card-medium", rm("a", "c", "1", card="medium"), D_ORIGIN)):
        add("refuse-" + slug, "Refused: %s." % slug.replace("-", " "), [msg], REFUSE, source)
    # Events written.
    EVS = [
        ("basic", rev("Deploy", "line 1\nline 2"), "_e{6,14}:Deploy|line 1\\nline 2"),
        ("empty-text", rev("title", ""), "_e{5,0}:title|"),
        ("all-fields", rev("t", "x", d="1657100540", h="web-1", k="agg", p="low", s="src", t="warning", tags=[["env", "prod"]]),
         "_e{1,1}:t|x|d:1657100540|h:web-1|k:agg|p:low|s:src|t:warning|#env:prod"),
        ("title-newline", rev("a\nb", "c"), "_e{4,1}:a\\nb|c"), ("utf8", rev("caf\u00e9", "\U0001F680"), "_e{5,4}:caf\u00e9|\U0001F680"),
        ("pipes", rev("a|b", "c|d"), "_e{3,3}:a|b|c|d"), ("date-negative", rev("t", "x", d="-5"), "_e{1,1}:t|x|d:-5"),
        ("tags-empty", rev("t", "x", tags=[]), "_e{1,1}:t|x|#"), ("lone-backslash", rev("t", "a\\b"), "_e{1,3}:t|a\\b"),
        ("backslash-newline", rev("t", "a\\\n"), "_e{1,4}:t|a\\\\n"), ("priority-normal", rev("t", "x", p="normal"), "_e{1,1}:t|x|p:normal"),
        ("alert-success", rev("t", "x", t="success"), "_e{1,1}:t|x|t:success"), ("host-colon", rev("t", "x", h="a:b"), "_e{1,1}:t|x|h:a:b"),
        ("long-text", rev("t", "y" * 500), "_e{1,500}:t|" + "y" * 500), ("crlf-text", rev("t", "a\n\nb"), "_e{1,6}:t|a\\n\\nb"),
    ]
    for slug, msg, out in EVS:
        add("event-" + slug, "An event: %s." % slug.replace("-", " "), [msg], OUT(out), D_EVENTS, old=NOT_OLD)
    for slug, msg in (("empty-title", rev("", "x")), ("title-tab", rev("a\tb", "x")), ("text-nul", rev("t", "a\u0000")),
                      ("title-cr", rev("a\r", "x")), ("text-escape-bytes", rev("t", "a\\nb")), ("title-escape-bytes", rev("\\n", "x")),
                      ("host-pipe", rev("t", "x", h="a|#x")), ("host-newline", rev("t", "x", h="a\nb")), ("key-pipe", rev("t", "x", k="a|b")),
                      ("source-tab", rev("t", "x", s="a\tb")), ("priority-urgent", rev("t", "x", p="urgent")), ("alert-fatal", rev("t", "x", t="fatal")),
                      ("tag-comma", rev("t", "x", tags=[["a,b", None]]))):
        add("refuse-event-" + slug, "Refused: an event with %s." % slug.replace("-", " "), [msg], REFUSE, D_EVENTS, old=NOT_OLD)
    # Service checks written.
    SCS = [
        ("ok", rsc("db.up", "0"), "_sc|db.up|0"), ("warning", rsc("db.up", "1"), "_sc|db.up|1"), ("critical", rsc("db.up", "2"), "_sc|db.up|2"),
        ("unknown", rsc("db.up", "3"), "_sc|db.up|3"),
        ("all-fields", rsc("db", "2", d="21", h="db-1", m="replica lag", tags=[["role", "replica"]]), "_sc|db|2|d:21|h:db-1|#role:replica|m:replica lag"),
        ("message-newline", rsc("x", "0", m="line1\nline2"), "_sc|x|0|m:line1\\nline2"), ("message-empty", rsc("x", "0", m=""), "_sc|x|0|m:"),
        ("name-colon", rsc("a:b", "0"), "_sc|a:b|0"), ("name-space", rsc("my check", "1"), "_sc|my check|1"),
        ("message-colon", rsc("x", "0", m="a m: b"), "_sc|x|0|m:a m: b"), ("date-negative", rsc("x", "0", d="-1"), "_sc|x|0|d:-1"),
    ]
    for slug, msg, out in SCS:
        add("service-check-" + slug, "A service check: %s." % slug.replace("-", " "), [msg], OUT(out), D_SC, old=NOT_OLD)
    for slug, msg in (("name-empty", rsc("", "0")), ("name-pipe", rsc("a|b", "0")), ("name-newline", rsc("a\nb", "0")),
                      ("message-pipe", rsc("x", "0", m="a|#injected")), ("message-escape-bytes", rsc("x", "0", m="a\\nb")),
                      ("message-tab", rsc("x", "0", m="a\tb")), ("status-four", rsc("x", "4")), ("status-word", rsc("x", "OK")),
                      ("host-pipe", rsc("x", "0", h="a|b")), ("tag-pipe", rsc("x", "0", tags=[["a", "b|c"]]))):
        add("refuse-service-check-" + slug, "Refused: a service check with %s." % slug.replace("-", " "), [msg], REFUSE, D_SC, old=NOT_OLD)
    # Datagrams.
    add("datagram-three-kinds", "A metric, an event and a service check in one datagram.",
        [rm("a", "c", "1"), rev("t", "x"), rsc("s", "0")], OUT("a:1|c\n_e{1,1}:t|x\n_sc|s|0"), D_FRAMING, old=NOT_OLD)
    add("datagram-one-bad-refuses-all", "One refused message refuses the whole request.", [rm("a", "c", "1"), rev("", "x")], REFUSE, D_FRAMING, old=NOT_OLD)
    add("datagram-empty", "No messages: an empty datagram.", [], OUT(""), D_FRAMING)
