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

    G.GROUPS_DOGSTATSD_BUILT = True
