"""The hostile-input groups: encoder/injection.json and vectors/injection.json.

What an application hands a client library without thinking (a user name, a URL
path, a tag value, a number from a computation) and what the encoder must do with
it. The rule: an encoder writes a metric only when the line it writes parses back,
in the dialect, to that same metric; otherwise it refuses (adapter exit 1). It never
"cleans" a name or a member (replacing ":" by "_" silently writes another metric's
name), and it never writes a line a server would read as something else. Each case
says why. The decode group pins what a server reads when a client wrote the hostile
value unchanged: the datagrams the injection cases are about.

Imported by generate.py (one call, add(ns), with generate.py's globals); kept in its
own module so the injection tables can change without touching the main tables.

Not expressible in spec/etsy vectors (no tags, no events in these dialects): the
tag key/value and event title/text cases wait for the dogstatsd dialect (see the
TODO list at the end of this file).
"""

# Why an encoder refuses, once per rule, quoted in the case descriptions.
WHY_NEWLINE = ("written unchanged, the \"\\n\" ends the line and the rest is read as a second metric that "
               "whoever controls the text chose")
WHY_CR = ("\"\\r\" is a control character; receivers that split on \"\\r\" too read a second line, and the "
          "Etsy daemon merges the text into the value")
WHY_COLON = ("the name ends at the first \":\": the rest becomes the value (packed values 1000000 and 1 for "
             "the DogStatsD agent, name \"hits:1000000\" for collectd, a bad line for Etsy)")
WHY_PIPE = "the name ends at the first \"|\": the rest is read as the type and its fields (a tag section after \"|#\")"
WHY_NUL = "C servers stop the line at NUL (the rest is lost or, after a NUL, read as garbage); NUL is a control character"
WHY_NONFINITE = ("neither grammar has NaN or infinities: strict servers drop the line, lenient ones store "
                 "NaN/Infinity that poisons every aggregate (Etsy's Number(), collectd's strtod)")
WHY_RANGE = "outside the type's range: the value cannot be stored; no server keeps it exactly"
WHY_NEG_TIMER = "a duration is never negative: Etsy and Telegraf drop the line, others record a negative time"
WHY_KEEP = ("the character is allowed in a name: written as is (a client that rewrites it reports the data under "
            "another name)")
WHY_TINY = ("a tiny value is written in full precision; a client that prints a fixed number of decimals "
            "(\"%0.6f\") writes 0.000000 and loses it")


def add(ns):
    EncGroup, RM, OUT, REFUSE = ns["EncGroup"], ns["RM"], ns["OUT"], ns["REFUSE"]
    group, Y, N, E, SE = ns["group"], ns["Y"], ns["N"], ns["E"], ns["SE"]
    C, G, T = ns["C"], ns["G"], ns["T"]
    D_NAMES, D_VALUES, D_RANGES, D_RATES = ns["D_NAMES"], ns["D_VALUES"], ns["D_RANGES"], ns["D_RATES"]
    DE_SETS, D_CANONICAL, D_FRAMING = ns["DE_SETS"], ns["D_CANONICAL"], ns["D_FRAMING"]

    enc = EncGroup("injection", [
        "Hostile input: names, values, rates and set members an application passes to a client",
        "unchanged. An encoder refuses (exit 1) what would not parse back to the same metric, and",
        "writes as is what the dialect allows; it never rewrites a name or a member. Each case says why.",
        "Tag and event cases come with the dogstatsd dialect.",
    ])
    ns["ENC_GROUPS"].append(enc)

    # ---- names that would be read as something else
    for slug, name, why, flags in [
        ("name-newline-second-metric", "api.requests:1|c\nadmin.logins", WHY_NEWLINE, ["ControlCharacter"]),
        ("name-trailing-newline", "a\n", WHY_NEWLINE, ["ControlCharacter"]),
        ("name-crlf-second-metric", "a:1|c\r\nadmin.logins", WHY_NEWLINE, ["ControlCharacter", "CRLF"]),
        ("name-cr", "evil:1000|c\rb", WHY_CR, ["ControlCharacter", "EtsyBareCRMerge"]),
        ("name-colon-value", "hits:1000000", WHY_COLON, ["NameWithColon", "PackedValues"]),
        ("name-colon-end", "a:", WHY_COLON, ["NameWithColon"]),
        ("name-pipe-rate", "hits|@0.001", WHY_PIPE, ["NameWithColon"]),
        ("name-pipe-tags", "a|#env:prod", WHY_PIPE, ["NameWithColon", "DogStatsDTags"]),
        ("name-pipe-type", "latency|ms", WHY_PIPE, ["NameWithColon"]),
        ("name-nul", "a\u0000evil", WHY_NUL, ["ControlCharacter"]),
        ("name-nul-end", "a\u0000", WHY_NUL, ["ControlCharacter"]),
    ]:
        enc.add(slug, "Name %s: refused, because %s." % (_show(name), why), [RM(name, "counter", "1")], REFUSE, D_NAMES, flags=flags)
    enc.add("name-newline-gauge", "A gauge named %s: refused, because %s." % (_show("temp\nadmin.balance:1000000"), WHY_NEWLINE),
            [RM("temp\nadmin.balance:1000000", "gauge", "1")], REFUSE, D_NAMES, flags=["ControlCharacter"])
    enc.add("name-newline-timer", "A timer named %s: refused, because %s." % (_show("rtt\nx"), WHY_NEWLINE),
            [RM("rtt\nx", "timer", "5")], REFUSE, D_NAMES, flags=["ControlCharacter"])
    enc.add("name-newline-in-datagram", "One hostile name among good metrics refuses the whole request: nothing is written.",
            [RM("a", "counter", "1"), RM("b\nc", "counter", "1"), RM("d", "counter", "1")], REFUSE, D_NAMES, flags=["ControlCharacter"])

    # ---- characters a name may hold: written unchanged
    for slug, name in [
        ("name-at", "user@example.com"),
        ("name-comma", "a,b"),
        ("name-hash-at-comma", "a#b@c,d"),
        ("name-equals-semicolon", "http;path=/x"),
        ("name-brackets-quotes", "q[\"x\"]{'y'}"),
        ("name-backslash", "a\\nb"),
    ]:
        enc.add(slug, "Name %s: written as is, because %s." % (_show(name), WHY_KEEP), [RM(name, "counter", "1")],
                OUT(name + ":1|c"), D_NAMES)
    for slug, n in [("name-1400-bytes", 1400), ("name-8000-bytes", 8000)]:
        name = "n" * n
        enc.add(slug, "A %d-byte name is written in full (the line stays within 8192 bytes); clients do not "
                "truncate names." % n, [RM(name, "counter", "1")], OUT(name + ":1|c"), D_NAMES)

    # ---- non-finite and huge numbers
    for slug, typ, value in [
        ("counter-nan", "counter", "NaN"),
        ("counter-infinity", "counter", "Infinity"),
        ("timer-nan", "timer", "NaN"),
        ("timer-infinity", "timer", "Infinity"),
        ("histogram-minus-infinity", "histogram", "-Infinity"),
        ("gauge-overflow", "gauge", "1e309"),
    ]:
        enc.add(slug, "A %s of %s: refused, because %s." % (typ, value, WHY_NONFINITE), [RM("a", typ, value)], REFUSE, D_VALUES,
                flags=["NonFinite"])
    for slug, typ, value in [
        ("counter-1e21", "counter", "1e21"),
        ("counter-two-pow-64", "counter", "18446744073709551616"),
        ("gauge-1e21", "gauge", "1e21"),
        ("gauge-1e300", "gauge", "1e300"),
        ("timer-1e300", "timer", "1e300"),
        ("histogram-1e20", "histogram", "1e20"),
    ]:
        enc.add(slug, "A %s of %s: refused, because %s." % (typ, value, WHY_RANGE), [RM("a", typ, value)], REFUSE, D_RANGES,
                flags=["ClientExponentFormat"] if "e" in value else [])
    enc.add("timer-1e19", "A timer of 1e19 is in range (below 2^64): written in shortest form.", [RM("a", "timer", "1e19")],
            OUT("a:1e19|ms"), D_CANONICAL)
    for slug, value, out in [("timer-1e-7", "1e-7", "a:1e-7|ms"), ("timer-5e-7", "0.0000005", "a:5e-7|ms"),
                             ("gauge-1e-7", "0.0000001", "a:1e-7|g")]:
        typ = "gauge" if slug.startswith("gauge") else "timer"
        enc.add(slug, "A %s of %s: %s." % (typ, value, WHY_TINY), [RM("a", typ, value)], OUT(out), D_CANONICAL)

    # ---- negative timers
    for slug, value in [("timer-negative-float", "-12.5"), ("timer-negative-huge", "-1e300"), ("timer-negative-tiny", "-1e-7")]:
        enc.add(slug, "A timer of %s: refused, because %s." % (value, WHY_NEG_TIMER), [RM("rtt", "timer", value)], REFUSE, D_RANGES,
                flags=["NegativeTimer"])

    # ---- rates
    for slug, rate, why in [
        ("rate-infinity", "Infinity", WHY_NONFINITE),
        ("rate-1e300", "1e300", "a rate above 1 is out of (0, 1]"),
        ("rate-minus-zero", "-0.0", "a rate of 0 is out of (0, 1] (Etsy multiplies the counter by Infinity)"),
    ]:
        enc.add(slug, "A rate of %s: refused, because %s." % (rate, why), [RM("a", "counter", "1", rate=rate)], REFUSE, D_RATES,
                flags=["NonFinite"] if rate == "Infinity" else ["SampleRateZero"] if rate == "-0.0" else ["SampleRateAboveOne"])

    # ---- set members (etsy)
    for slug, member, why in [
        ("set-member-newline-second-metric", "alice\nadmin.logins:1|c", WHY_NEWLINE),
        ("set-member-cr", "alice\r", WHY_CR),
        ("set-member-nul", "alice\u0000", WHY_NUL),
        ("set-member-colon-value", "alice:1", "a member ends at the first \":\" on the wire"),
    ]:
        enc.add(slug, "Set member %s: refused, because %s." % (_show(member), why), [RM("users", "set", member)], REFUSE, DE_SETS,
                flags=["SetType"])
    for slug, member in [("set-member-comma", "a,b"), ("set-member-hash", "#x"), ("set-member-at", "alice@example.com")]:
        enc.add(slug, "Set member %s: written as is in etsy (sets are not in spec)." % _show(member),
                [RM("users", "set", member)], {"spec": REFUSE, "etsy": OUT("users:%s|s" % member)}, DE_SETS, flags=["SetType"])

    # ------------------------------------------------------------- decoding
    g = group("injection", [
        "What a server reads when a client wrote a hostile name or member unchanged: the datagrams",
        "the encoder/injection cases refuse to write. A decoder cannot tell an injected line from a",
        "real one (the first cases are valid datagrams), which is why the encoder must refuse.",
    ], D_NAMES)
    g.add("name-newline-two-metrics", "The name \"api.requests:1|c\\nadmin.logins\" written unchanged: two valid counters.",
          "api.requests:1|c\nadmin.logins:1|c", Y(C("api.requests", "1"), C("admin.logins", "1")), D_FRAMING)
    g.add("gauge-name-newline", "A gauge named \"temp\\nadmin.balance:1000000\" written unchanged: the gauge is lost; spec reads "
          "\"temp\" as a bare-name meter, and a server that reads packed values sets admin.balance to 1000000.",
          "temp①\nadmin.balance:②1000000:1|g",
          SE(N(ns["M"]("temp"), E("invalid_value", 2)), N(E("missing_value"), E("invalid_value", 2))),
          D_FRAMING, flags=["BareNameMeter", "PackedValues"])
    g.add("name-colon-packed-values", "The name \"hits:1000000\" written unchanged: invalid here, but DogStatsD v1.1 reads the packed "
          "values 1000000 and 1, collectd the name \"hits:1000000\" (spec and etsy only: packed values are DogStatsD syntax).",
          "hits:①1000000:1|c", SE(N(E("invalid_value")), N(E("invalid_value"))),
          flags=["NameWithColon", "PackedValues"])
    g.add("name-pipe-rate", "The name \"hits|@0.001\" written unchanged: the name ends at \"|\", no value.", "hits①|@0.001:1|c",
          N(E("missing_value")), flags=["NameWithColon"])
    g.add("name-pipe-tags", "The name \"a|#env:prod\" written unchanged: the name ends at \"|\", no value.", "a①|#env:prod:1|c",
          SE(N(E("missing_value")), N(E("missing_value"))), flags=["NameWithColon", "DogStatsDTags"])
    g.add("name-nul", "The name \"a\\0evil\" written unchanged: a control character (C servers read the name \"a\" and "
          "stop).", "a①\u0000evil:1|c", N(E("control_character")), flags=["ControlCharacter"])
    g.add("set-member-newline", "The set member \"alice\\nadmin.logins:1|c\" written unchanged: two lines, both invalid here; "
          "the Etsy daemon counts admin.logins.", "users:alice①\nadmin.logins:1|c|②s",
          N(E("missing_type"), E("unknown_field", 2)), DE_SETS, flags=["SetType"])
    g.add("timer-six-decimals-tiny", "What pystatsd writes for timing(\"t\", 1e-7) (\"%0.6f\"): a valid timer of 0, the value is lost.",
          "t:0.000000|ms", Y(T("t", "0.0")), ns["client"]("pystatsd", "StatsClient.timing"))
    return enc, g


def _show(text):
    out = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\u0000", "\\0")
    return "\"%s\"" % out


# TODO (dogstatsd dialect; not expressible while spec and etsy have no tags or events):
# - tag key with ":" (refuse: the key would end early), "," (refuse: splits the tag), "|" (refuse: ends the
#   tag section), "\n"/"\r"/NUL (refuse: second line / control), "#" and "@" (refuse in keys: hot-shots
#   documents both as breaking the protocol);
# - tag value with "," "|" "\n" "\r" NUL (refuse), ":" (write: only the first ":" separates key and value);
# - empty tag key, very long tag list (limit);
# - event title/text with "\n": write escaped as "\\n" (the Agent's documented escape, what datadogpy's
#   _escape_event_content and hot-shots do), with the {title_len,text_len} header counting the escaped bytes;
#   "|" in a title/text (refuse or escape: the Agent splits fields on "|");
# - service check message with "\n" (escape) and "m:" (datadogpy escapes it as "m\\:").
