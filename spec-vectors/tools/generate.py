#!/usr/bin/env python3
"""Writes spec-vectors/vectors/*.json and spec-vectors/encoder/*.json from the
tables in this file (stdlib only).

    python3 spec-vectors/tools/generate.py          # (re)write the JSON files
    python3 spec-vectors/tools/generate.py --check  # exit 1 if a committed file differs

Every expectation below is typed by hand from the sources (the v0.1 spec, the
Asterisk sources and docs, the peer research, the project decisions listed in
README.md). Only mechanical things are computed: byte offsets (from the markers
①②③④ placed in an input string right before the byte an error points at; the
markers are removed from the datagram) and `canonical` (from the hand-typed
metric fields, by the rules of tools/canonical.py). Nothing here runs the Rust
parser.

The dogstatsd dialect: the hand-typed dogstatsd groups are in groups_dogstatsd.py;
the dogstatsd outcome of every older case is computed by dogstatsd_model.py (an
independent Python model of the dialect's decisions) and that of every older
encoder case by canonical.py; every hand-typed dogstatsd expectation is checked
against the same model (generation stops on a disagreement).
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep tools/ free of __pycache__

from canonical import encode_dogstatsd, encode_metrics, float_text, is_float_text, rate_text  # noqa: E402
import dogstatsd_model as DM  # noqa: E402

SUITE = "statsd-spec-vectors"
with open(os.path.join(ROOT, "VERSION"), encoding="utf-8") as f:
    SUITE_VERSION = f.read().strip()

MARKERS = "①②③④⑤⑥⑦⑧"

# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


def src(doc, section):
    return {"doc": doc, "section": section}


def spec(section):
    return src("spec-v0.1", section)


def dec(section):
    return src("decision", section)


def peer(name, section):
    return src("peer:" + name, section)


def client(name, section):
    return src("client:" + name, section)


FMT = spec("Metric Types & Formats")
GAUGES = spec("Gauges")
COUNTING = spec("Counting")
TIMING = spec("Timing")
HISTOGRAMS = spec("Histograms")
METERS = spec("Meters")

# The decision headings of README.md (lint.py checks they exist there).
D_FRAMING = dec("Spec: framing")
D_LENGTH = dec("Spec: line length")
D_NAMES = dec("Spec: names")
D_BARE = dec("Spec: bare names")
D_STRUCT = dec("Spec: structure")
D_TYPES = dec("Spec: types")
D_VALUES = dec("Spec: values")
D_RANGES = dec("Spec: ranges")
D_RATES = dec("Spec: sample rates")
D_FIELDS = dec("Spec: fields after the type")
D_PRECEDENCE = dec("Error precedence")
DE_FRAMING = dec("Etsy: framing")
DE_NAMES = dec("Etsy: names")
DE_BARE = dec("Etsy: bare names")
DE_TYPES = dec("Etsy: types")
DE_VALUES = dec("Etsy: values")
DE_DELTAS = dec("Etsy: gauge deltas")
DE_SETS = dec("Etsy: sets")
DE_RATES = dec("Etsy: sample rates")
DE_FIELDS = dec("Etsy: fields after the type")
D_CANONICAL = dec("Canonical encoding")

# --------------------------------------------------------------------------
# Metrics and outcomes (hand-typed values; see README "Metric JSON")
# --------------------------------------------------------------------------


def metric(name, typ, value, rate=None, delta=False):
    if typ != "set":
        if is_float_text(value):
            # Hand-typed floats must already be in their shortest form.
            assert float_text(float(value)) == value, ("not canonical float", value)
        else:
            assert value == "0" or (value.lstrip("-")[0] != "0"), ("not canonical int", value)
            assert not value.startswith("+"), value
    if rate is not None:
        assert rate_text(float(rate)) == rate, ("not canonical rate", rate)
    return {
        "name": name,
        "type": typ,
        "values": [value],
        "sample_rate": rate,
        "delta": delta,
        "tags": None,
    }


def C(n, v, r=None):
    return metric(n, "counter", v, r)


def G(n, v, r=None):
    return metric(n, "gauge", v, r)


def GD(n, v, r=None):
    return metric(n, "gauge", v, r, delta=True)


def T(n, v, r=None):
    return metric(n, "timer", v, r)


def H(n, v, r=None):
    return metric(n, "histogram", v, r)


def M(n, v="1", r=None):
    return metric(n, "meter", v, r)


def S(n, v, r=None):
    return metric(n, "set", v, r)


class E:
    """An expected error: class and where (marker number, or explicit byte offset)."""

    def __init__(self, cls, m=1, at=None):
        self.cls = cls
        self.m = m
        self.at = at


class Outcome:
    def __init__(self, verdict, lines, canon=None):
        self.verdict = verdict
        self.lines = lines
        self.canon = canon


def Y(*lines):
    assert all(isinstance(x, dict) for x in lines)
    return Outcome("y", lines)


def N(*lines):
    assert any(isinstance(x, E) for x in lines)
    return Outcome("n", lines)


def I(*lines):  # noqa: E743
    return Outcome("i", lines)


def SE(spec_outcome, etsy_outcome):
    return {"spec": spec_outcome, "etsy": etsy_outcome}


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


def strip_markers(text):
    """The datagram bytes without markers, and marker number -> byte offset."""
    out = bytearray()
    where = {}
    for ch in text:
        if ch in MARKERS:
            where[MARKERS.index(ch) + 1] = len(out)
        else:
            out += ch.encode("utf-8")
    return bytes(out), where


class W:
    """An expected warning: class and where (marker number, or explicit byte offset)."""

    def __init__(self, cls, m=1, at=None):
        self.cls = cls
        self.m = m
        self.at = at


class Ln:
    """An accepted line with its expected warnings."""

    def __init__(self, obj, *warnings):
        self.obj = obj
        self.warnings = warnings


def offset_of(item, where):
    if item.at is not None:
        return item.at
    assert item.m in where, ("missing marker", item.m)
    return where[item.m]


def resolve(outcome, where, dialect="*"):
    lines = []
    messages = []
    for item in outcome.lines:
        if isinstance(item, E):
            lines.append({"ok": False, "error": {"class": item.cls, "offset": offset_of(item, where)}})
            continue
        obj, warnings = (item.obj, item.warnings) if isinstance(item, Ln) else (item, ())
        obj = dict(obj)
        kind = obj.pop("_kind", "metric")
        line = {"ok": True, kind: obj}
        if warnings:
            line["warnings"] = [{"class": w.cls, "offset": offset_of(w, where)} for w in warnings]
        lines.append(line)
        messages.append({kind: obj})
    out = {"verdict": outcome.verdict, "lines": lines}
    if outcome.verdict == "y":
        assert all(ln["ok"] for ln in lines)
        if dialect == "dogstatsd":
            canon = outcome.canon if outcome.canon is not None else encode_dogstatsd(messages)
            assert canon is not None, ("the encoder refuses an accepted line; type its canonical", messages)
            out["canonical"] = canon
        else:
            out["canonical"] = encode_metrics([m["metric"] for m in messages])
    return out


def framed(data, dialect):
    """(start, bytes) of the lines a dialect's framing yields."""
    out, pos = [], 0
    for raw in data.split(b"\n"):
        if raw and not (dialect != "spec" and raw == b"\r"):
            out.append((pos, raw))
        pos += len(raw) + 1
    return out


def portable_warnings(out, data, dialect):
    """spec and etsy: the core warns about integers outside (-2^53, 2^53) in every
    dialect (warning non_portable_integer at the value)."""
    for (start, raw), line in zip(framed(data, dialect), out["lines"]):
        m = line.get("metric")
        if not line["ok"] or m["type"] == "set" or ":" not in raw.decode("utf-8", "replace"):
            continue
        v = m["values"][0]
        if not is_float_text(v) and abs(int(v)) >= 2 ** 53:
            line["warnings"] = [{"class": "non_portable_integer", "offset": start + raw.index(b":") + 1}]


# Flags that make a case "i" in every dialect.
LIMIT_FLAGS = {"LineLengthLimit", "DatagramSize"}


def dogstatsd_legacy(case, data):
    """The dogstatsd outcome of a legacy case, computed by the model."""
    verdict, lines, canon, flags = DM.decode(data)
    if LIMIT_FLAGS & set(case["flags"]):
        verdict, canon = "i", None
    for fl in sorted(flags):
        if fl not in case["flags"]:
            case["flags"].append(fl)
    out = {"verdict": verdict, "lines": lines}
    if canon is not None:
        out["canonical"] = canon
    return out


def check_with_model(case, data, out):
    """A hand-typed dogstatsd outcome must be what the model computes."""
    verdict, lines, canon, flags = DM.decode(data)
    model = {"verdict": verdict, "lines": lines}
    if canon is not None:
        model["canonical"] = canon
    if model != out:
        raise SystemExit("%s: the hand-typed dogstatsd outcome differs from the model:\n  typed %s\n  model %s"
                         % (case["id"], json.dumps(out, ensure_ascii=False), json.dumps(model, ensure_ascii=False)))
    missing = sorted(flags - set(case["flags"]))
    if missing:
        raise SystemExit("%s: flags %s missing (the Agent differs here)" % (case["id"], missing))


class Group:
    def __init__(self, name, header, source):
        self.name = name
        self.header = header
        self.source = source
        self.cases = []

    def add(self, slug, description, inp, expect, source=None, flags=()):
        case = {
            "id": "%s/%s" % (self.name, slug),
            "description": description,
            "source": source or self.source,
            "flags": list(flags),
        }
        if isinstance(inp, bytes):
            data, where = inp, {}
            try:
                text = data.decode("utf-8")
                case["input"] = text
            except UnicodeDecodeError:
                case["input_hex"] = data.hex()
        else:
            data, where = strip_markers(inp)
            case["input"] = data.decode("utf-8")
        dogstatsd_group = self.name.startswith("dogstatsd-")
        if isinstance(expect, Outcome):
            expect = {"dogstatsd" if dogstatsd_group else "*": expect}
        resolved = {k: resolve(v, where, k) for k, v in expect.items()}
        if dogstatsd_group:
            assert set(resolved) == {"dogstatsd"}, case["id"]
            check_with_model(case, data, resolved["dogstatsd"])
            case["expect"] = resolved
        else:
            per = {d: json.loads(json.dumps(resolved.get(d, resolved.get("*")))) for d in ("spec", "etsy")}
            for d in ("spec", "etsy"):
                portable_warnings(per[d], data, d)
            if "dogstatsd" in resolved:
                check_with_model(case, data, resolved["dogstatsd"])
                per["dogstatsd"] = resolved["dogstatsd"]
            else:
                per["dogstatsd"] = dogstatsd_legacy(case, data)
            if "*" in expect and per["spec"] == per["etsy"] == per["dogstatsd"]:
                case["expect"] = {"*": per["spec"]}
            else:
                case["expect"] = per
        self.cases.append(case)
        return case

    def document(self):
        return {
            "$schema": "../schema/vectors.schema.json",
            "suite": SUITE,
            "suite_version": SUITE_VERSION,
            "group": self.name,
            "header": self.header,
            "cases": self.cases,
        }


GROUPS = []


def group(name, header, source):
    g = Group(name, header, source)
    GROUPS.append(g)
    return g


# ==========================================================================
# framing
# ==========================================================================

g = group(
    "framing",
    [
        "How a datagram is cut into lines: split on \"\\n\"; a final \"\\n\" makes no line;",
        "empty lines are skipped; \"\\r\" is a control character in the spec dialect, while",
        "the etsy dialect drops ONE trailing \"\\r\" per line (CRLF) and skips a line that is only \"\\r\".",
        "Offsets are byte offsets in the whole datagram.",
    ],
    D_FRAMING,
)
g.add("single-line", "One metric without a trailing newline is one line.", "a:1|c", Y(C("a", "1")), FMT)
g.add("trailing-newline", "A final \"\\n\" ends the last line and makes no empty line.", "a:1|c\n", Y(C("a", "1")), FMT)
g.add("two-lines", "Two metrics separated by \"\\n\" are two lines.", "a:1|c\nb:2|c", Y(C("a", "1"), C("b", "2")), FMT)
g.add("two-lines-trailing-newline", "Two lines and a final \"\\n\" are still two lines.", "a:1|c\nb:2|c\n", Y(C("a", "1"), C("b", "2")), FMT)
g.add("empty-datagram", "An empty datagram holds no line at all (an empty list, not an error).", "", Y())
g.add("only-newline", "A datagram that is only \"\\n\" holds no line.", "\n", Y())
g.add("only-newlines", "A datagram of several \"\\n\" holds no line.", "\n\n\n", Y(), flags=["EmptyLines"])
g.add("blank-line-between", "An empty line between two metrics is skipped, not reported.", "a:1|c\n\nb:2|c", Y(C("a", "1"), C("b", "2")), flags=["EmptyLines"])
g.add("leading-newline", "An empty first line is skipped.", "\na:1|c", Y(C("a", "1")), flags=["EmptyLines"])
g.add("double-trailing-newline", "\"\\n\\n\" at the end makes one skipped empty line, not a second metric.", "a:1|c\n\n", Y(C("a", "1")), flags=["EmptyLines"])
g.add("many-blank-lines", "Runs of empty lines anywhere are skipped.", "\n\na:1|c\n\n\n\nb:2|c\n\n", Y(C("a", "1"), C("b", "2")), flags=["EmptyLines"])
g.add("five-lines-all-types", "Every spec type in one datagram, in order.", "a:1|c\nb:2|g\nc:3|ms\nd:4|h\ne:5|m",
      Y(C("a", "1"), G("b", "2"), T("c", "3"), H("d", "4"), M("e", "5")), FMT)
g.add("crlf-single", "A CRLF line ending: a control character in spec, tolerated by etsy.", "a:1|c①\r\n",
      SE(N(E("control_character")), Y(C("a", "1"))), flags=["CRLF"])
g.add("crlf-second-line", "Only the CRLF line is rejected in spec; etsy accepts both lines.", "a:1|c\nb:2|c①\r\n",
      SE(N(C("a", "1"), E("control_character")), Y(C("a", "1"), C("b", "2"))), flags=["CRLF"])
g.add("crlf-two-lines", "Two CRLF lines: two control-character errors in spec, two metrics in etsy.", "a:1|c①\r\nb:2|c②\r\n",
      SE(N(E("control_character"), E("control_character", 2)), Y(C("a", "1"), C("b", "2"))), flags=["CRLF"])
g.add("trailing-cr-no-newline", "A \"\\r\" at the very end of the datagram is the tolerated trailing \"\\r\" in etsy.", "a:1|c①\r",
      SE(N(E("control_character")), Y(C("a", "1"))), flags=["CRLF"])
g.add("cr-only-line", "A line that is only \"\\r\" is an error in spec and an empty (skipped) line in etsy.", "a:1|c\n①\r\nb:2|c",
      SE(N(C("a", "1"), E("control_character"), C("b", "2")), Y(C("a", "1"), C("b", "2"))), flags=["CRLF", "EmptyLines"])
g.add("crlf-blank-lines", "CRLF lines with an empty CRLF line between them (the nc -C case).", "a:1|c①\r\n②\r\nb:2|c③\r\n",
      SE(N(E("control_character"), E("control_character", 2), E("control_character", 3)), Y(C("a", "1"), C("b", "2"))),
      flags=["CRLF", "EmptyLines"])
g.add("bare-cr-between-metrics", "A \"\\r\" that is not at the end of a line is a control character in both dialects.", "a:1|c①\rb:2|c",
      N(E("control_character")), flags=["EtsyBareCRMerge"])
g.add("two-trailing-cr", "Only ONE trailing \"\\r\" is dropped in etsy; the one before it is a control character.", "a:1|c①\r\r",
      N(E("control_character")), DE_FRAMING, flags=["CRLF"])
g.add("cr-only-then-cr", "A line of two \"\\r\" is not empty in etsy: its first \"\\r\" is a control character.", "①\r\r\na:1|c",
      N(E("control_character"), C("a", "1")), DE_FRAMING, flags=["CRLF"])
g.add("cr-at-line-start", "A \"\\r\" at the start of a line is a control character in both dialects.", "①\ra:1|c", N(E("control_character")), flags=["CRLF"])
g.add("cr-inside-value", "A \"\\r\" inside the value is a control character.", "a:①\r1|c", N(E("control_character")))
g.add("cr-before-newline-then-good", "Per-line recovery after a CRLF line in spec.", "bad:1|c①\r\ngood:2|c\n",
      SE(N(E("control_character"), C("good", "2")), Y(C("bad", "1"), C("good", "2"))), flags=["CRLF"])
g.add("nul-at-end", "A NUL byte after the type is a control character (C strings would stop there).", "a:1|c①\u0000",
      N(E("control_character")), flags=["ControlCharacter"])
g.add("nul-only", "A datagram that is one NUL byte is one line with a control character.", "①\u0000", N(E("control_character")), flags=["ControlCharacter"])
g.add("nul-then-good-line", "A NUL line does not stop the lines after it.", "①\u0000\na:1|c", N(E("control_character"), C("a", "1")), flags=["ControlCharacter"])
g.add("tab-at-end", "A TAB after the type is a control character, not whitespace to trim.", "a:1|c①\t", N(E("control_character")), flags=["ControlCharacter", "Whitespace"])
g.add("del-at-end", "DEL (0x7F) is a control character.", "a:1|c①\u007f", N(E("control_character")), flags=["ControlCharacter"])
g.add("vertical-tab", "VT (0x0B) is a control character.", "a:1|c①\u000b", N(E("control_character")), flags=["ControlCharacter"])
g.add("form-feed", "FF (0x0C) is a control character.", "a:1①\u000c|c", N(E("control_character")), flags=["ControlCharacter"])
g.add("escape-sequence", "ESC (0x1B) is a control character.", "①\u001b[0ma:1|c", N(E("control_character")), flags=["ControlCharacter"])
g.add("unit-separator", "0x1F, the last C0 byte, is a control character.", "a①\u001fb:1|c", N(E("control_character")), flags=["ControlCharacter"])
g.add("space-is-not-control", "0x20 (space) is not a control character: a name may hold it.", "a b:1|c", Y(C("a b", "1")), D_NAMES, flags=["Whitespace"])
g.add("unicode-line-separator-in-name", "U+2028 is not a line separator on the wire: it is part of the name.", "a\u2028b:1|c", Y(C("a\u2028b", "1")), D_NAMES, flags=["NonAsciiName"])
g.add("first-control-character-wins", "With several control characters the first one is reported.", "a①\tb:1|c\u0000", N(E("control_character")), D_PRECEDENCE, flags=["ControlCharacter"])
g.add("control-in-second-line-offset", "The offset of a control character in a later line counts from the datagram start.",
      "first:1|c\nsecond:1|c\nthi①\u0000rd:1|c", N(C("first", "1"), C("second", "1"), E("control_character")), flags=["ControlCharacter"])


# ==========================================================================
# limits
# ==========================================================================

g = group(
    "limits",
    [
        "Sizes. The spec sets no limit on a line or a datagram; this project rejects a line",
        "longer than 8192 bytes (not counting its \"\\n\"; a tolerated \"\\r\" counts) with",
        "line_too_long at the line's first byte, and sets no datagram limit. Every case",
        "that depends on a limit is \"i\" (flag LineLengthLimit or DatagramSize).",
    ],
    D_LENGTH,
)


def name_of(n):
    return "n" * n


L = ["LineLengthLimit"]
g.add("line-1432-bytes", "A 1432-byte line (a full client packet on Ethernet) is accepted here.",
      name_of(1428) + ":1|c", I(C(name_of(1428), "1")), flags=L)
g.add("line-4096-bytes", "A 4096-byte line is accepted here (collectd reads 4 KiB datagrams).",
      name_of(4092) + ":1|c", I(C(name_of(4092), "1")), flags=L)
g.add("line-8191-bytes", "One byte below the default limit.", name_of(8187) + ":1|c", I(C(name_of(8187), "1")), flags=L)
g.add("line-8192-bytes", "Exactly the default limit of 8192 bytes is accepted.", name_of(8188) + ":1|c", I(C(name_of(8188), "1")), flags=L)
g.add("line-8192-bytes-plus-newline", "The \"\\n\" does not count towards the limit.", name_of(8188) + ":1|c\n", I(C(name_of(8188), "1")), flags=L)
g.add("line-8193-bytes", "One byte over the default limit: line_too_long at the line's first byte.",
      "①" + name_of(8189) + ":1|c", I(E("line_too_long")), flags=L)
g.add("line-too-long-second-line", "A too-long second line is reported at its own first byte; the first line is kept.",
      "a:1|c\n①" + name_of(8189) + ":1|c", I(C("a", "1"), E("line_too_long")), flags=L)
g.add("line-too-long-then-good", "Lines after a too-long line are still parsed.",
      "①" + name_of(9000) + ":1|c\nb:2|c", I(E("line_too_long"), C("b", "2")), flags=L)
g.add("line-too-long-before-control", "Line length is checked before control characters.",
      "①" + name_of(8190) + "\u0000:1|c", I(E("line_too_long")), D_PRECEDENCE, flags=L + ["ControlCharacter"])
g.add("line-too-long-before-empty-name", "Line length is checked before the name.",
      "①:" + "1" * 8200 + "|c", I(E("line_too_long")), D_PRECEDENCE, flags=L)
g.add("etsy-trailing-cr-counts", "8192 bytes including the trailing \"\\r\": accepted by etsy; a control character in spec.",
      name_of(8187) + ":1|c①\r", SE(I(E("control_character")), I(C(name_of(8187), "1"))), flags=L + ["CRLF"])
g.add("etsy-trailing-cr-over-limit", "8193 bytes including the trailing \"\\r\": too long in both dialects (the \"\\r\" counts).",
      "①" + name_of(8188) + ":1|c\r", I(E("line_too_long")), flags=L + ["CRLF"])
g.add("bare-name-8192-bytes", "A bare name of 8192 bytes: a meter in spec, missing_value at its end in etsy.",
      name_of(8192) + "①", SE(I(M(name_of(8192))), I(E("missing_value"))), flags=L + ["BareNameMeter"])
g.add("bare-name-8193-bytes", "A bare name of 8193 bytes is too long in both dialects.",
      "①" + name_of(8193), I(E("line_too_long")), flags=L + ["BareNameMeter"])
g.add("value-with-8000-digits", "A long value is limited by the line length only; 8000 digits of zero is 0.",
      "a:0." + "0" * 7990 + "|g", I(G("a", "0.0")), flags=L)
g.add("datagram-9000-bytes-two-lines", "No datagram limit: two 4500-byte lines in one 9001-byte datagram.",
      name_of(4496) + ":1|c\n" + "m" * 4496 + ":2|c", I(C(name_of(4496), "1"), C("m" * 4496, "2")), flags=["DatagramSize"])
g.add("many-short-lines", "A hundred short lines in one datagram are a hundred metrics.",
      "\n".join("a:%d|c" % i for i in range(100)), Y(*[C("a", str(i)) for i in range(100)]), FMT)
g.add("long-name-300", "A 300-byte name is far below any limit (collectd and netdata truncate names; not here).",
      "n" * 300 + ":1|c", Y(C("n" * 300, "1")), peer("collectd", "long_name_300"))
g.add("long-set-member", "A 1000-byte set member in etsy.", "s:" + "x" * 1000 + "|s",
      SE(N(E("unknown_type", at=1003)), Y(S("s", "x" * 1000))), DE_SETS, flags=["SetType"])
g.add("huge-exponent-counter", "An exponent far beyond any range is out of range, not a parse failure.",
      "a:①1e99999999999999999999|c", N(E("value_out_of_range")), D_RANGES)
g.add("huge-negative-exponent-gauge", "A huge negative exponent underflows to 0.0, which is in range.",
      "a:1e-99999999999999999999|g", Y(G("a", "0.0")), D_RANGES)
g.add("integer-with-40-digits", "A 40-digit integer is out of every range.", "a:①1234567890123456789012345678901234567890|g",
      N(E("value_out_of_range")), D_RANGES)
g.add("fraction-with-60-digits", "A fraction longer than any f64 precision is rounded to the nearest f64.",
      "a:1.000000000000000000000000000000000000000000000000000000000001|g", Y(G("a", "1.0")), D_VALUES)


# ==========================================================================
# names
# ==========================================================================

g = group(
    "names",
    [
        "Metric names: everything before the first \":\" or \"|\"; non-empty, valid UTF-8,",
        "no control characters (0x00-0x1F, 0x7F); every other character is allowed and kept",
        "as written. Both dialects share these rules; the Etsy daemon's key sanitiser, which",
        "rewrites names, is a storage concern (flag EtsySanitizesNames).",
    ],
    D_NAMES,
)
SAN = ["EtsySanitizesNames"]
for slug, name, desc, flags in [
    ("dotted", "api.requests.count", "A dotted Graphite-style name.", []),
    ("underscore-dash", "api_requests-count", "Underscores and dashes.", []),
    ("digits-only", "123", "A name of digits only.", []),
    ("type-letter", "c", "A name that is a type code.", []),
    ("space-inside", "my metric", "A space inside the name is kept (Etsy writes my_metric).", SAN + ["Whitespace"]),
    ("leading-spaces", "  gorets", "Leading spaces belong to the name (Etsy, Telegraf and netdata trim or rewrite them).", SAN + ["Whitespace"]),
    ("trailing-space", "gorets ", "A trailing space before \":\" belongs to the name.", SAN + ["Whitespace"]),
    ("only-spaces", "   ", "A name of spaces is non-empty, so it is a name.", SAN + ["Whitespace"]),
    ("slash", "a/b", "A slash is kept (Etsy and gostatsd write a-b).", SAN),
    ("hash", "a#b", "A \"#\" inside the name is kept; only \"|#\" after the type starts DogStatsD tags.", SAN),
    ("equals", "a=b", "An \"=\" is kept (netdata splits names at \"=\").", SAN),
    ("graphite-tags", "a;t=v", "Graphite tag syntax in the name is kept as part of the name.", []),
    ("influx-tags", "a,t=v", "Influx tag syntax in the name is kept as part of the name (Telegraf splits it).", SAN),
    ("at-sign", "a@b", "An \"@\" in the name is not a sample rate.", SAN),
    ("pjsip-contact", "PJSIP.contacts.alice;@abc123.rtt", "An Asterisk PJSIP contact id (\";@\") inside the name.", SAN),
    ("pjsip-double-at", "PJSIP.contacts.alice@@abc123.rtt", "The other PJSIP contact id form (\"@@\").", SAN),
    ("trailing-dot", "a.", "A trailing dot is kept (brubeck rejects it).", []),
    ("leading-dot", ".a", "A leading dot is kept.", []),
    ("double-dot", "asterisk..channels", "An empty Graphite path segment is kept.", []),
    ("quotes", "\"a\"", "Double quotes are ordinary characters.", SAN),
    ("backslash", "a\\b", "A backslash is an ordinary character (no escapes on the wire).", SAN),
    ("percent", "a%20b", "No percent-decoding.", SAN),
    ("brackets", "a[k=v]", "SignalFx-style dimensions are part of the name.", SAN),
    ("braces", "_e{1,1}x", "Braces are ordinary characters outside DogStatsD events.", SAN),
    ("latin1-supplement", "caf\u00e9.gr\u00f6\u00dfe", "Non-ASCII UTF-8 names are kept (Etsy strips the letters).", SAN + ["NonAsciiName"]),
    ("euro-sign", "na\u00efve.\u20ac", "Three-byte UTF-8 characters.", SAN + ["NonAsciiName"]),
    ("emoji", "\U0001f680", "A four-byte UTF-8 character alone is a valid name.", SAN + ["NonAsciiName"]),
    ("cjk", "\u6307\u6807", "CJK characters.", SAN + ["NonAsciiName"]),
    ("c1-control-nel", "a\u0085b", "U+0085 (NEL, bytes C2 85) is not a byte-level control character: allowed.", ["NonAsciiName"]),
    ("bom-prefix", "\ufeffa", "A leading U+FEFF is part of the name (no BOM stripping).", ["NonAsciiName"]),
    ("nbsp", "a\u00a0b", "U+00A0 is an ordinary character.", ["NonAsciiName"]),
    ("long-1000", "x" * 1000, "A 1000-byte name.", []),
]:
    g.add(slug, desc, name + ":1|c", Y(C(name, "1")), flags=flags)

g.add("empty-name-colon", "A line starting with \":\" has an empty name (Etsy counts it under the key \"\").",
      "①:1|c", N(E("empty_name")), flags=["EmptyName"])
g.add("empty-name-pipe", "A line starting with \"|\" has an empty name.", "①|c", N(E("empty_name")), flags=["EmptyName"])
g.add("empty-name-colon-only", "A line that is only \":\" has an empty name.", "①:", N(E("empty_name")), flags=["EmptyName"])
g.add("empty-name-pipe-only", "A line that is only \"|\" has an empty name.", "①|", N(E("empty_name")), flags=["EmptyName"])
g.add("empty-name-double-colon", "\"::\" has an empty name.", "①::", N(E("empty_name")), flags=["EmptyName"])
g.add("empty-name-second-line", "The empty_name offset is the start of its line in the datagram.", "a:1|c\n①:1|c",
      N(C("a", "1"), E("empty_name")), flags=["EmptyName"])
g.add("tab-in-name", "A TAB in the name is a control character (Etsy rewrites it to \"_\").", "a①\tb:1|c",
      N(E("control_character")), flags=["ControlCharacter"])
g.add("nul-in-name", "A NUL in the name is a control character.", "a①\u0000b:1|c", N(E("control_character")), flags=["ControlCharacter"])
g.add("del-in-name", "DEL in the name is a control character.", "a①\u007fb:1|c", N(E("control_character")), flags=["ControlCharacter"])
g.add("newline-splits-name", "A \"\\n\" inside what was meant as one name makes two lines.", "a\nb:1|c",
      SE(Y(M("a"), C("b", "1")), N(E("missing_value", at=1), C("b", "1"))), D_FRAMING, flags=["BareNameMeter"])
g.add("invalid-utf8-ff", "Byte 0xFF in the name: invalid_utf8 at that byte (peers keep U+FFFD or strip it).",
      b"gorets\xff:1|c", N(E("invalid_utf8", at=6)), flags=["InvalidUtf8Name"])
g.add("invalid-utf8-overlong", "An overlong encoding (C0 AF) is invalid UTF-8.", b"a\xc0\xafb:1|c", N(E("invalid_utf8", at=1)), flags=["InvalidUtf8Name"])
g.add("invalid-utf8-truncated", "A truncated three-byte sequence before \":\".", b"a\xe2\x82:1|c", N(E("invalid_utf8", at=1)), flags=["InvalidUtf8Name"])
g.add("invalid-utf8-surrogate", "An encoded UTF-16 surrogate (ED A0 80) is invalid UTF-8.", b"ab\xed\xa0\x80:1|c", N(E("invalid_utf8", at=2)), flags=["InvalidUtf8Name"])
g.add("invalid-utf8-lone-continuation", "A lone continuation byte (0x80).", b"\x80:1|c", N(E("invalid_utf8", at=0)), flags=["InvalidUtf8Name"])
g.add("invalid-utf8-after-valid-multibyte", "The offset is the first invalid byte, after valid multi-byte characters.",
      b"caf\xc3\xa9\xfe:1|c", N(E("invalid_utf8", at=5)), flags=["InvalidUtf8Name"])
g.add("invalid-utf8-second-line", "An invalid name in the second line does not affect the first.", b"a:1|c\nb\xff:1|c",
      N(C("a", "1"), E("invalid_utf8", at=7)), flags=["InvalidUtf8Name"])
g.add("invalid-utf8-in-value", "A non-UTF-8 byte in the value is simply not a number.", b"a:\xff|c", N(E("invalid_value", at=2)), D_VALUES)
g.add("invalid-utf8-in-type", "A non-UTF-8 byte as the type is an unknown type.", b"a:1|\xff", N(E("unknown_type", at=4)), D_TYPES)
g.add("invalid-utf8-in-field", "A non-UTF-8 field after the type is an unknown field.", b"a:1|c|\xff", N(E("unknown_field", at=6)), D_FIELDS)
g.add("colon-in-name", "Only the first \":\" ends the name, so \"a:b:1|c\" has the value \"b:1\" (collectd reads name \"a:b\").",
      "a:①b:1|c", N(E("invalid_value")), flags=["NameWithColon"])
g.add("pipe-in-name", "\"a|b:1|c\": the name ends at the first \"|\", so the value is missing.", "a①|b:1|c",
      N(E("missing_value")), D_STRUCT, flags=["NameWithColon"])
g.add("at-sign-then-pipe", "\"a|@0.5\": the name \"a\" is followed by \"|\", so the value is missing.", "a①|@0.5",
      N(E("missing_value")), D_STRUCT)


# ==========================================================================
# numbers
# ==========================================================================

g = group(
    "numbers",
    [
        "The value grammar. spec: the JSON number grammar -?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?.",
        "etsy: [+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)? (leading zeros, \"+\", \".5\", \"5.\").",
        "A literal without \".\" and exponent is an exact integer; any other is the nearest f64.",
        "Anything outside the grammar is invalid_value at the value's first byte.",
        "Cases use counters (signed range) unless the type matters.",
    ],
    D_VALUES,
)
# (slug, literal, canonical value in both dialects, description)
for slug, lit, val, desc in [
    ("zero", "0", "0", "Zero."),
    ("minus-zero", "-0", "0", "\"-0\" is the integer 0."),
    ("integer", "12", "12", "A plain integer."),
    ("negative-integer", "-12", "-12", "A negative integer."),
    ("fraction", "1.5", "1.5", "A decimal fraction is a float."),
    ("negative-fraction", "-1.5", "-1.5", "A negative decimal fraction."),
    ("fraction-zero", "1.0", "1.0", "\"1.0\" is a float, written back as \"1.0\" (not \"1\")."),
    ("trailing-zeros", "1.500", "1.5", "Trailing zeros of a fraction are not significant."),
    ("zero-point-one", "0.1", "0.1", "0.1 is the nearest f64, written back in shortest form."),
    ("point-one-plus-point-two", "0.30000000000000004", "0.30000000000000004", "A 17-digit shortest form survives."),
    ("exponent", "1e3", "1000.0", "An exponent makes a float: 1e3 is 1000.0."),
    ("exponent-upper", "1E3", "1000.0", "An upper-case \"E\" is an exponent."),
    ("exponent-plus", "1e+3", "1000.0", "An explicit \"+\" in the exponent."),
    ("exponent-minus", "1e-3", "0.001", "A negative exponent."),
    ("fraction-exponent", "1.5e-3", "0.0015", "A fraction with an exponent."),
    ("exponent-zero", "1e0", "1.0", "e0 still makes a float."),
    ("zero-exponent", "0e0", "0.0", "Zero with an exponent is the float 0.0."),
    ("minus-zero-float", "-0.0", "-0.0", "\"-0.0\" is the float -0.0 (kept, written back as \"-0.0\")."),
    ("exponent-leading-zeros", "1e007", "10000000.0", "Leading zeros in the exponent are allowed by both grammars."),
    ("tiny", "0.0000000000000000000001", "1e-22", "Below 1e-5 a float is written in scientific form."),
    ("tiny-1e-5", "0.00001", "0.00001", "1e-5 is still written as a plain decimal."),
    ("tiny-1e-6", "0.000001", "1e-6", "1e-6 is written in scientific form."),
    ("large-1e15", "1e15", "1000000000000000.0", "Below 1e16 a float is written as a plain decimal."),
    ("large-1e16", "1e16", "1e16", "From 1e16 a float is written in scientific form."),
    ("underflow-to-zero", "1e-400", "0.0", "A positive literal below the smallest subnormal rounds to 0.0."),
    ("negative-underflow-counter", "-1e-400", "-0.0", "On a counter a tiny negative literal is -0.0, in range."),
    ("smallest-subnormal", "5e-324", "5e-324", "The smallest subnormal f64."),
]:
    g.add(slug, desc, "a:%s|c" % lit, Y(C("a", val)))

# Literals outside the JSON grammar that the etsy grammar accepts.
for slug, lit, val, desc in [
    ("plus-sign", "+1", "1", "A leading \"+\": not JSON; etsy accepts it (counters: not a delta)."),
    ("plus-zero", "+0", "0", "\"+0\"."),
    ("leading-zero", "01", "1", "A leading zero: not JSON; etsy reads 1."),
    ("leading-zeros", "007", "7", "Several leading zeros."),
    ("double-zero", "00", "0", "\"00\"."),
    ("leading-zero-fraction", "00.5", "0.5", "Leading zeros before a fraction."),
    ("trailing-dot", "1.", "1.0", "A trailing \".\": not JSON; etsy reads the float 1.0."),
    ("leading-dot", ".5", "0.5", "A leading \".\": not JSON; etsy reads 0.5."),
    ("minus-leading-dot", "-.5", "-0.5", "\"-.5\"."),
    ("plus-leading-dot", "+.5", "0.5", "\"+.5\"."),
    ("trailing-dot-exponent", "5.e2", "500.0", "\"5.e2\"."),
    ("leading-dot-exponent", ".5e1", "5.0", "\".5e1\"."),
    ("plus-exponent-number", "+1e3", "1000.0", "A signed literal with an exponent."),
]:
    g.add("etsy-" + slug, desc, "a:①%s|c" % lit, SE(N(E("invalid_value")), Y(C("a", val))), flags=["NumberGrammar"])

# Literals no grammar accepts.
for slug, lit, desc, flags in [
    ("dot-only", ".", "A lone \".\".", []),
    ("plus-only", "+", "A lone \"+\".", []),
    ("minus-only", "-", "A lone \"-\".", []),
    ("plus-dot", "+.", "\"+.\" (sent verbatim by Asterisk's StatsD() app).", ["AsteriskUnvalidatedValue"]),
    ("double-minus", "--1", "Two signs.", []),
    ("plus-minus", "+-1", "Two different signs.", []),
    ("exponent-no-digits", "1e", "An exponent without digits.", []),
    ("exponent-sign-no-digits", "1e+", "An exponent sign without digits.", []),
    ("exponent-only", "e3", "An exponent without a mantissa.", []),
    ("dot-exponent", ".e3", "A lone \".\" with an exponent.", []),
    ("two-dots", "1.2.3", "Two decimal points (statsite reads 1.2).", []),
    ("fractional-exponent", "1e3.5", "A fractional exponent.", []),
    ("hex", "0x10", "Hexadecimal (Etsy's Number() reads 16).", ["EtsyJsNumber"]),
    ("binary", "0b101", "Binary (Etsy's Number() reads 5).", ["EtsyJsNumber"]),
    ("octal", "0o17", "Octal (Etsy's Number() reads 15).", ["EtsyJsNumber"]),
    ("hex-float", "0x1p4", "A hexadecimal float (Go ParseFloat reads 16).", []),
    ("infinity-word", "Infinity", "JavaScript's Infinity (Etsy's Number() accepts it).", ["EtsyJsNumber", "NonFinite"]),
    ("minus-infinity-word", "-Infinity", "-Infinity.", ["EtsyJsNumber", "NonFinite"]),
    ("inf", "inf", "C and Rust's inf.", ["NonFinite"]),
    ("infinity-lower", "infinity", "\"infinity\".", ["NonFinite"]),
    ("nan", "NaN", "NaN.", ["NonFinite"]),
    ("nan-lower", "nan", "nan.", ["NonFinite"]),
    ("leading-space", " 1", "A leading space (Etsy's Number() and collectd's strtod skip it).", ["Whitespace", "EtsyJsNumber"]),
    ("trailing-space", "1 ", "A trailing space.", ["Whitespace", "EtsyJsNumber"]),
    ("inner-space", "1 000", "A space as a thousands separator.", ["Whitespace"]),
    ("underscore", "1_000", "Go-style digit separators (gostatsd and Telegraf read 1000).", []),
    ("comma-decimal", "1,5", "A decimal comma.", []),
    ("fullwidth-digit", "\uff11", "A full-width digit is not an ASCII digit.", []),
    ("arabic-indic-digit", "\u0663", "An Arabic-Indic digit is not an ASCII digit.", []),
    ("suffix-f", "1f", "A C float suffix.", []),
    ("suffix-l", "1L", "A C long suffix.", []),
    ("currency", "$1", "A currency sign.", []),
    ("parenthesised", "(-10)", "Parentheses (statsd/statsd#621 proposed them for negative gauges).", []),
    ("unit-suffix", "12ms", "A unit written into the value.", []),
]:
    g.add("invalid-" + slug, desc, "a:①%s|c" % lit, N(E("invalid_value")), flags=flags)

g.add("invalid-value-second-line", "The invalid_value offset counts from the datagram start.", "a:1|c\nb:①x|c",
      N(C("a", "1"), E("invalid_value")))
g.add("gauge-underflow-to-zero", "A tiny positive gauge rounds to 0.0, in range.", "a:1e-400|g", Y(G("a", "0.0")), D_RANGES)
g.add("gauge-negative-underflow", "A tiny negative gauge is out of range in spec even though its f64 is -0.0; in etsy it is a delta of -0.0.",
      "a:①-1e-400|g", SE(N(E("value_out_of_range")), Y(GD("a", "-0.0"))), D_RANGES, flags=["GaugeSignIsDelta"])
g.add("timer-negative-underflow", "A tiny negative timer is out of range in both dialects.", "a:①-1e-400|ms",
      N(E("value_out_of_range")), D_RANGES)
g.add("timer-minus-zero-float", "\"-0.0\" is allowed on a timer (it is not below zero).", "a:-0.0|ms", Y(T("a", "-0.0")), D_RANGES)
g.add("max-f64-counter", "The largest finite f64 is out of the counter range.", "a:①1.7976931348623157e308|c",
      N(E("value_out_of_range")), D_RANGES)
g.add("overflow-to-infinity", "A literal beyond the largest f64 is out of range (never Infinity).", "a:①1e400|g",
      N(E("value_out_of_range")), D_RANGES, flags=["NonFinite"])


# ==========================================================================
# counter
# ==========================================================================

g = group(
    "counter",
    [
        "Counters <name>:<value>|c[|@<rate>]: signed values in (-2^63, 2^63), the only spec type",
        "that takes a sample rate. The same in both dialects except that etsy also takes \"+1\".",
    ],
    COUNTING,
)
g.add("basic", "The spec's counter example.", "gorets:1|c", Y(C("gorets", "1")))
g.add("zero", "A counter of 0.", "gorets:0|c", Y(C("gorets", "0")))
g.add("negative", "Counters may be negative (they decrement).", "gorets:-3|c", Y(C("gorets", "-3")))
g.add("large", "A large count.", "gorets:1000000|c", Y(C("gorets", "1000000")))
g.add("float", "Floating-point counts are allowed (gostatsd, Telegraf and netdata truncate them).", "gorets:1.5|c",
      Y(C("gorets", "1.5")), flags=["FloatCounter"])
g.add("negative-float", "A negative float count.", "gorets:-0.25|c", Y(C("gorets", "-0.25")), flags=["FloatCounter"])
g.add("sample-rate", "The spec's example rate of 1/10.", "gorets:1|c|@0.1", Y(C("gorets", "1", "0.1")))
g.add("sample-rate-half", "A rate of one half.", "gorets:1|c|@0.5", Y(C("gorets", "1", "0.5")))
g.add("sample-rate-one", "A rate of exactly 1.", "gorets:1|c|@1", Y(C("gorets", "1", "1")))
g.add("negative-with-rate", "A negative count with a rate.", "gorets:-2|c|@0.25", Y(C("gorets", "-2", "0.25")))
g.add("plus-sign", "\"+1\" on a counter: not JSON (spec); etsy reads 1 (and it is not a delta).", "gorets:①+1|c",
      SE(N(E("invalid_value")), Y(C("gorets", "1"))), D_VALUES, flags=["NumberGrammar"])
g.add("minus-zero", "\"-0\" is 0.", "gorets:-0|c", Y(C("gorets", "0")))
g.add("max", "2^63-1 is the largest counter.", "gorets:9223372036854775807|c", Y(C("gorets", "9223372036854775807")), flags=["ExactIntegers"])
g.add("min", "-(2^63-1) is the smallest counter.", "gorets:-9223372036854775807|c", Y(C("gorets", "-9223372036854775807")), flags=["ExactIntegers"])
g.add("two-pow-63", "2^63 is outside the open interval (-2^63, 2^63).", "gorets:①9223372036854775808|c", N(E("value_out_of_range")))
g.add("minus-two-pow-63", "-2^63 is outside the open interval (-2^63, 2^63).", "gorets:①-9223372036854775808|c", N(E("value_out_of_range")))
g.add("empty-value", "\"gorets:|c\": the value is missing (netdata counts 1).", "gorets:①|c", N(E("missing_value")), D_STRUCT, flags=["NetdataFillsDefaults"])
g.add("no-type", "\"gorets:1\": the type is missing, at the end of the value.", "gorets:1①", N(E("missing_type")), D_STRUCT, flags=["NetdataFillsDefaults"])
g.add("empty-type", "\"gorets:1|\": the type is missing, at the empty type position.", "gorets:1|①", N(E("missing_type")), D_STRUCT,
      flags=["EtsyCountsUnknownTypes", "NetdataFillsDefaults"])
g.add("no-value", "\"gorets|c\": no \":\" before the \"|\", so the value is missing.", "gorets①|c", N(E("missing_value")), D_STRUCT)
g.add("upper-case-type", "Types are case-sensitive: \"C\" is not a counter (brubeck's absolute counter; Etsy counts it).", "gorets:1|①C",
      N(E("unknown_type")), D_TYPES, flags=["EtsyCountsUnknownTypes"])
g.add("type-with-trailing-space", "\"c \" is not \"c\".", "gorets:1|①c ", N(E("unknown_type")), D_TYPES, flags=["Whitespace"])
g.add("type-with-leading-space", "\" c\" is not \"c\".", "gorets:1|① c", N(E("unknown_type")), D_TYPES, flags=["Whitespace"])
g.add("same-name-twice", "Two lines for the same counter are two metrics (aggregation is not parsing).", "a:1|c\na:2|c",
      Y(C("a", "1"), C("a", "2")), FMT)

# ==========================================================================
# gauge
# ==========================================================================

g = group(
    "gauge",
    [
        "Gauges <name>:<value>|g: values in [0, 2^64) in spec, where a sign makes the value",
        "invalid (\"+\") or out of range (\"-\"). In etsy an unsigned gauge is absolute with the",
        "same range and a signed one is a delta (see gauge-delta.json).",
    ],
    GAUGES,
)
g.add("basic", "An absolute gauge.", "gaugor:333|g", Y(G("gaugor", "333")))
g.add("zero", "A gauge of 0.", "gaugor:0|g", Y(G("gaugor", "0")))
g.add("float", "A float gauge.", "gaugor:3.14|g", Y(G("gaugor", "3.14")))
g.add("float-exponent", "A float gauge with an exponent.", "gaugor:1.5e-3|g", Y(G("gaugor", "0.0015")))
g.add("max", "2^64-1 is the largest gauge.", "gaugor:18446744073709551615|g", Y(G("gaugor", "18446744073709551615")), flags=["ExactIntegers"])
g.add("above-i64", "2^63 is a valid gauge (the unsigned range).", "gaugor:9223372036854775808|g", Y(G("gaugor", "9223372036854775808")), flags=["ExactIntegers"])
g.add("two-pow-64", "2^64 is outside [0, 2^64).", "gaugor:①18446744073709551616|g", N(E("value_out_of_range")))
g.add("negative", "\"-4\": out of range in spec; a delta of -4 in etsy.", "gaugor:①-4|g",
      SE(N(E("value_out_of_range")), Y(GD("gaugor", "-4"))), flags=["GaugeSignIsDelta"])
g.add("plus", "\"+4\": not JSON in spec; a delta of +4 in etsy.", "gaugor:①+4|g",
      SE(N(E("invalid_value")), Y(GD("gaugor", "4"))), flags=["GaugeSignIsDelta"])
g.add("minus-zero", "\"-0\" is 0 in spec (absolute); a delta of 0 in etsy, written \"+0\".", "gaugor:-0|g",
      SE(Y(G("gaugor", "0")), Y(GD("gaugor", "0"))), flags=["GaugeSignIsDelta", "NegativeZero"])
g.add("minus-zero-float", "\"-0.0\" is the float -0.0: absolute in spec, a delta in etsy.", "gaugor:-0.0|g",
      SE(Y(G("gaugor", "-0.0")), Y(GD("gaugor", "-0.0"))), flags=["GaugeSignIsDelta", "NegativeZero"])
g.add("negative-float", "\"-1.5\": out of range in spec; a delta in etsy.", "gaugor:①-1.5|g",
      SE(N(E("value_out_of_range")), Y(GD("gaugor", "-1.5"))), flags=["GaugeSignIsDelta"])
g.add("sample-rate", "A rate on a gauge: not allowed in spec; kept in etsy.", "gaugor:333|g|①@0.5",
      SE(N(E("sample_rate_not_allowed")), Y(G("gaugor", "333", "0.5"))), flags=["SampleRateOnNonCounter"])
g.add("empty-value", "\"gaugor:|g\" has no value (gostatsd panics, by reading).", "gaugor:①|g", N(E("missing_value")), D_STRUCT, flags=["GostatsdPanic"])
g.add("upper-case-type", "\"G\" is not a gauge.", "gaugor:1|①G", N(E("unknown_type")), D_TYPES, flags=["EtsyCountsUnknownTypes"])
g.add("leading-dot", "\".5\": not JSON in spec; an absolute 0.5 in etsy (no sign, no delta).", "gaugor:①.5|g",
      SE(N(E("invalid_value")), Y(G("gaugor", "0.5"))), D_VALUES, flags=["NumberGrammar"])
g.add("leading-zero", "\"05\": not JSON in spec; an absolute 5 in etsy.", "gaugor:①05|g",
      SE(N(E("invalid_value")), Y(G("gaugor", "5"))), D_VALUES, flags=["NumberGrammar"])
g.add("absolute-after-delta", "An absolute gauge after a delta line.", "g:+1|g\ng:7|g",
      SE(N(E("invalid_value", at=2), G("g", "7")), Y(GD("g", "1"), G("g", "7"))), flags=["GaugeSignIsDelta"])

# ==========================================================================
# gauge-delta
# ==========================================================================

g = group(
    "gauge-delta",
    [
        "Signed gauges. In etsy an explicit \"+\" or \"-\" makes the value a change (delta: true),",
        "whose range is the counter range (-2^63, 2^63); the canonical form keeps the sign (\"+1\", \"-1\", \"+0\").",
        "In spec gauges are [0, 2^64): \"+\" is not JSON (invalid_value) and \"-\" is out of range.",
        "Asterisk relies on deltas (StatsD(g,confBridgeUsers,+1)); gostatsd and DogStatsD read the sign as absolute.",
    ],
    DE_DELTAS,
)
GSD = ["GaugeSignIsDelta"]
g.add("plus-one", "The Asterisk dialplan example: +1 is a delta.", "confBridgeUsers:①+1|g",
      SE(N(E("invalid_value")), Y(GD("confBridgeUsers", "1"))), src("asterisk-statsd-app", "Example"), flags=GSD)
g.add("minus-one", "The Asterisk dialplan example: -1 is a delta.", "confBridgeUsers:①-1|g",
      SE(N(E("value_out_of_range")), Y(GD("confBridgeUsers", "-1"))), src("asterisk-statsd-app", "Example"), flags=GSD)
for slug, lit, val, desc in [
    ("plus-float", "+1.5", "1.5", "A float delta keeps its sign: \"+1.5\"."),
    ("plus-zero", "+0", "0", "\"+0\" is a delta of 0, written \"+0\"."),
    ("plus-zero-float", "+0.0", "0.0", "\"+0.0\" is a delta of 0.0, written \"+0.0\"."),
    ("plus-exponent", "+1e3", "1000.0", "A delta with an exponent, written \"+1000.0\"."),
    ("plus-leading-dot", "+.5", "0.5", "\"+.5\" is a delta of 0.5, written \"+0.5\"."),
    ("plus-max", "+9223372036854775807", "9223372036854775807", "+(2^63-1) is the largest delta."),
    ("plus-float-near-max", "+9223372036854775295.0", "9.223372036854775e18", "A float delta whose f64 is just below 2^63."),
    ("plus-leading-zeros", "+007", "7", "Leading zeros in a delta."),
]:
    g.add(slug, desc, "g:①%s|g" % lit, SE(N(E("invalid_value")), Y(GD("g", val))), flags=GSD)
for slug, lit, val, desc in [
    ("minus-trailing-dot", "-5.", "-5.0", "\"-5.\" is a delta of -5.0 in etsy."),
    ("minus-leading-dot", "-.5", "-0.5", "\"-.5\" is a delta of -0.5 in etsy."),
]:
    g.add(slug, desc, "g:①%s|g" % lit, SE(N(E("invalid_value")), Y(GD("g", val))), flags=GSD + ["NumberGrammar"])
for slug, lit, val, desc in [
    ("minus-max", "-9223372036854775807", "-9223372036854775807", "-(2^63-1) is the smallest delta."),
    ("minus-large", "-18446744073", "-18446744073", "A large negative delta."),
    ("minus-float", "-2.25", "-2.25", "A negative float delta keeps its sign: \"-2.25\"."),
    ("minus-float-near-min", "-9.2233720368547748e18", "-9.223372036854775e18", "A float delta just above -2^63."),
]:
    g.add(slug, desc, "g:①%s|g" % lit, SE(N(E("value_out_of_range")), Y(GD("g", val))), flags=GSD)
g.add("minus-zero", "\"-0\": absolute 0 in spec; a delta of 0 in etsy, written \"+0\".", "g:-0|g",
      SE(Y(G("g", "0")), Y(GD("g", "0"))), flags=GSD + ["NegativeZero"])
g.add("minus-zero-float", "\"-0.0\": absolute -0.0 in spec; a delta of -0.0 in etsy, written \"-0.0\".", "g:-0.0|g",
      SE(Y(G("g", "-0.0")), Y(GD("g", "-0.0"))), flags=GSD + ["NegativeZero"])
g.add("plus-two-pow-63", "+2^63 is outside the delta range.", "g:①+9223372036854775808|g",
      SE(N(E("invalid_value")), N(E("value_out_of_range"))), flags=GSD)
g.add("minus-two-pow-63", "-2^63 is outside the delta range.", "g:①-9223372036854775808|g", N(E("value_out_of_range")), flags=GSD)
g.add("plus-two-pow-64-minus-one", "+(2^64-1) is a valid absolute gauge but not a valid delta.", "g:①+18446744073709551615|g",
      SE(N(E("invalid_value")), N(E("value_out_of_range"))), flags=GSD)
g.add("plus-float-rounds-to-two-pow-63", "\"+9223372036854775807.0\" rounds to 2^63, outside the delta range.", "g:①+9223372036854775807.0|g",
      SE(N(E("invalid_value")), N(E("value_out_of_range"))), flags=GSD + ["FloatRounding"])
g.add("absolute-max-is-not-delta", "Unsigned 2^64-1 is an absolute gauge in etsy, not a delta.", "g:18446744073709551615|g",
      Y(G("g", "18446744073709551615")), flags=GSD)
g.add("with-rate", "A delta with a rate: spec stops at the value; etsy keeps both.", "g:①+4|g|@0.5",
      SE(N(E("invalid_value")), Y(GD("g", "4", "0.5"))), flags=GSD + ["SampleRateOnNonCounter"])
g.add("double-plus", "\"++1\" is not a number.", "g:①++1|g", N(E("invalid_value")), D_VALUES)
g.add("double-minus", "\"--1\" is not a number.", "g:①--1|g", N(E("invalid_value")), D_VALUES)
g.add("minus-plus", "\"-+1\" is not a number.", "g:①-+1|g", N(E("invalid_value")), D_VALUES)
g.add("plus-only", "A lone \"+\" is not a number (statsite and netdata read a delta of 0).", "g:①+|g", N(E("invalid_value")), D_VALUES)
g.add("minus-only", "A lone \"-\" is not a number.", "g:①-|g", N(E("invalid_value")), D_VALUES)
g.add("set-then-deltas", "The Etsy idiom: set 10, then +5, then -3 (spec rejects the signed lines).", "g:10|g\ng:①+5|g\ng:②-3|g",
      SE(N(G("g", "10"), E("invalid_value"), E("value_out_of_range", 2)), Y(G("g", "10"), GD("g", "5"), GD("g", "-3"))), flags=GSD)
g.add("zero-then-negative", "The documented way to set a negative gauge in Etsy: 0 then -5.", "g:0|g\ng:①-5|g",
      SE(N(G("g", "0"), E("value_out_of_range")), Y(G("g", "0"), GD("g", "-5"))), peer("etsy-statsd", "row 30"), flags=GSD)
g.add("counter-sign-is-not-delta", "On a counter a \"+\" is just a sign, never a delta.", "c:①+1|c",
      SE(N(E("invalid_value")), Y(C("c", "1"))), DE_VALUES, flags=["NumberGrammar"])
g.add("timer-sign-is-not-delta", "On a timer a \"+\" is just a sign, never a delta.", "t:①+5|ms",
      SE(N(E("invalid_value")), Y(T("t", "5"))), DE_VALUES, flags=["NumberGrammar"])


# ==========================================================================
# timer, histogram, meter: the unsigned types other than gauges
# ==========================================================================

def unsigned_type_cases(g, code, make, name, flags):
    """Cases every unsigned type shares: [0, 2^64), no sign in spec, "+" allowed
    but "-" out of range in etsy, a rate only in etsy."""
    line = lambda v: "%s:%s|%s" % (name, v, code)  # noqa: E731
    off = len(name) + 1  # the value's first byte
    g.add("zero", "Zero is the smallest value.", line("0"), Y(make(name, "0")), flags=flags)
    g.add("integer", "A plain integer.", line("320"), Y(make(name, "320")), flags=flags)
    g.add("float", "A float value.", line("3.25"), Y(make(name, "3.25")), flags=flags)
    g.add("exponent-upper", "An upper-case exponent makes a float.", line("1E2"), Y(make(name, "100.0")), flags=flags)
    g.add("max", "2^64-1 is the largest value.", line("18446744073709551615"), Y(make(name, "18446744073709551615")), D_RANGES, flags=flags + ["ExactIntegers"])
    g.add("two-pow-64", "2^64 is outside [0, 2^64).", line("18446744073709551616"), N(E("value_out_of_range", at=off)), D_RANGES, flags=flags)
    g.add("max-as-float", "\"18446744073709551615.0\" rounds to 2^64, out of range.", line("18446744073709551615.0"),
          N(E("value_out_of_range", at=off)), D_RANGES, flags=flags + ["FloatRounding"])
    g.add("largest-float-below-two-pow-64", "The largest f64 below 2^64 is in range.", line("18446744073709549568.0"),
          Y(make(name, "1.844674407370955e19")), D_RANGES, flags=flags)
    g.add("1e300", "1e300 is out of range (Etsy keeps 1e+300).", line("1e300"), N(E("value_out_of_range", at=off)), D_RANGES, flags=flags)
    g.add("negative", "A negative value is out of range in both dialects.", line("-1"), N(E("value_out_of_range", at=off)), D_RANGES,
          flags=flags + ["NegativeTimer"])
    g.add("negative-float", "A negative float is out of range.", line("-0.5"), N(E("value_out_of_range", at=off)), D_RANGES,
          flags=flags + ["NegativeTimer"])
    g.add("minus-zero", "\"-0\" is 0, in range.", line("-0"), Y(make(name, "0")), D_RANGES, flags=flags + ["NegativeZero"])
    g.add("minus-zero-float", "\"-0.0\" is -0.0, in range.", line("-0.0"), Y(make(name, "-0.0")), D_RANGES, flags=flags + ["NegativeZero"])
    g.add("plus", "\"+5\": not JSON (spec); etsy reads 5.", line("+5"),
          SE(N(E("invalid_value", at=off)), Y(make(name, "5"))), D_VALUES, flags=flags + ["NumberGrammar"])
    g.add("sample-rate", "A rate: counters only in spec; every type in etsy.", line("320") + "|@0.1",
          SE(N(E("sample_rate_not_allowed", at=off + 5 + len(code))), Y(make(name, "320", "0.1"))), D_RATES, flags=flags + ["SampleRateOnNonCounter"])
    g.add("sample-rate-invalid-not-allowed", "In spec the rate is refused on this type before it is read.", line("320") + "|@x",
          SE(N(E("sample_rate_not_allowed", at=off + 5 + len(code))), N(E("invalid_sample_rate", at=off + 6 + len(code)))), D_RATES,
          flags=flags + ["SampleRateOnNonCounter"])
    g.add("empty-value", "An empty value is missing.", line(""), N(E("missing_value", at=off)), D_STRUCT, flags=flags)
    g.add("upper-case-type", "Type codes are case-sensitive.", "%s:1|%s" % (name, code.upper()),
          N(E("unknown_type", at=off + 2)), D_TYPES, flags=flags + ["EtsyCountsUnknownTypes"])


g = group("timer", ["Timers <name>:<value>|ms: milliseconds in [0, 2^64), no sign (a negative timer is out of range in both dialects)."], TIMING)
g.add("basic", "The spec's timer example.", "glork:320|ms", Y(T("glork", "320")))
unsigned_type_cases(g, "ms", T, "glork", [])
g.add("mixed-case-type", "\"Ms\" is not \"ms\".", "glork:1|①Ms", N(E("unknown_type")), D_TYPES, flags=["EtsyCountsUnknownTypes"])
g.add("type-mss", "\"mss\" is not \"ms\".", "glork:1|①mss", N(E("unknown_type")), D_TYPES, flags=["EtsyCountsUnknownTypes"])
g.add("type-m-s-split", "\"m|s\" is a meter followed by an unknown field.", "glork:1|m|①s", N(E("unknown_field")), D_FIELDS)
g.add("negative-with-trailing-cr", "\"-5|ms\\r\": a control character in spec; out of range in etsy (the daemon's validator missed it).",
      "a:②-5|ms①\r", SE(N(E("control_character")), N(E("value_out_of_range", 2))), DE_FRAMING, flags=["EtsyNegativeTimerCR", "CRLF"])
g.add("trailing-cr", "\"1|ms\\r\": a control character in spec; a timer in etsy.", "a:1|ms①\r",
      SE(N(E("control_character")), Y(T("a", "1"))), DE_FRAMING, flags=["CRLF"])
g.add("tiny-rate", "A rate of 1e-9 on a timer (hangs Telegraf, telegraf#18226): not allowed in spec; kept in etsy.",
      "valid:0|ms|①@0.000000001", SE(N(E("sample_rate_not_allowed")), Y(T("valid", "0", "0.000000001"))), D_RATES,
      flags=["SampleRateOnNonCounter", "ClientTinyRate"])

g = group("histogram", [
    "Histograms <name>:<value>|h: \"currently an alias for a timer\", [0, 2^64). The Etsy daemon has no",
    "\"h\" and aggregates it as a counter; the etsy dialect still reports a histogram (flag).",
], HISTOGRAMS)
HM = ["EtsyHistogramMeterAsCounter"]
g.add("basic", "A histogram value.", "hist:42|h", Y(H("hist", "42")), flags=HM)
unsigned_type_cases(g, "h", H, "hist", HM)
g.add("same-as-timer", "A histogram and a timer line with the same value are two different metric types.", "x:5|h\nx:5|ms",
      Y(H("x", "5"), T("x", "5")), flags=HM)

g = group("meter", [
    "Meters <name>:<value>|m: increment-only counters whose rate the server derives, [0, 2^64).",
    "Only metricsd and netdata implement \"m\" (flag MeterType); the Etsy daemon counts it as a counter.",
], METERS)
MF = ["MeterType", "EtsyHistogramMeterAsCounter"]
g.add("basic", "A meter mark of 1, written explicitly.", "meter:1|m", Y(M("meter", "1")), flags=MF)
unsigned_type_cases(g, "m", M, "meter", MF)
g.add("asterisk-stasis", "The meter res_chan_stats sends for every Stasis message.", "stasis.message.ast_channel_snapshot_type:1|m",
      Y(M("stasis.message.ast_channel_snapshot_type", "1")), src("asterisk-source", "c.7 res_chan_stats"), flags=MF)


# ==========================================================================
# meter-shorthand
# ==========================================================================

g = group(
    "meter-shorthand",
    [
        "The spec's shorthand \"<metric name>\" for incrementing a meter by 1 (from metricsd).",
        "spec: a line with no \":\" and no \"|\" is a meter of 1, written canonically as <name>:1|m.",
        "etsy: the daemon counts such a line as bad: missing_value at the end of the name.",
        "A bare name obeys every name rule (non-empty, UTF-8, no control characters).",
    ],
    D_BARE,
)
BN = ["BareNameMeter"]
for slug, name, desc, flags in [
    ("basic", "page.views", "The shorthand: a bare name is a meter mark of 1.", []),
    ("gorets", "gorets", "The peers' bare-name probe.", []),
    ("single-char", "a", "A one-character bare name.", []),
    ("type-letter", "m", "A bare name that is a type code is still a name.", []),
    ("digits", "1", "A bare name of digits is a name, not a value.", []),
    ("negative-number", "-1", "\"-1\" alone is a name.", []),
    ("with-space", "page views", "Spaces are allowed in a bare name.", ["Whitespace"]),
    ("only-space", " ", "A single space is a non-empty name.", ["Whitespace"]),
    ("unicode", "caf\u00e9", "A non-ASCII bare name.", ["NonAsciiName"]),
    ("emoji", "\U0001f680", "An emoji bare name.", ["NonAsciiName"]),
    ("pjsip-like", "PJSIP.contacts.alice;@abc123", "\";\" and \"@\" in a bare name.", []),
    ("at-rate-like", "a@0.5", "\"@0.5\" without \"|\" is part of the name, not a rate.", []),
    ("hash", "a#b", "\"#\" in a bare name.", []),
    ("equals", "a=b", "\"=\" in a bare name.", []),
    ("comma", "a,b", "\",\" in a bare name.", []),
    ("dotted-long", "a.b.c.d.e.f.g.h", "A long dotted bare name.", []),
]:
    data = name.encode("utf-8")
    g.add(slug, desc, name, SE(Y(M(name)), N(E("missing_value", at=len(data)))), flags=BN + flags)
    if slug == "basic":
        g.cases[-1]["source"] = METERS
g.add("trailing-newline", "A bare name followed by \"\\n\".", "gorets①\n", SE(Y(M("gorets")), N(E("missing_value"))), flags=BN)
g.add("three-bare-names", "Three bare names are three meters in spec and three errors in etsy.", "a①\nb②\nc③",
      SE(Y(M("a"), M("b"), M("c")), N(E("missing_value"), E("missing_value", 2), E("missing_value", 3))), flags=BN)
g.add("bare-then-full", "A bare name before a full line.", "gorets①\na:1|c",
      SE(Y(M("gorets"), C("a", "1")), N(E("missing_value"), C("a", "1"))), flags=BN)
g.add("full-then-bare", "A bare name after a full line; the etsy offset counts from the datagram start.", "a:1|c\ngorets①",
      SE(Y(C("a", "1"), M("gorets")), N(C("a", "1"), E("missing_value"))), flags=BN)
g.add("bare-between-full", "A bare name between two full lines (the peers' multi_one_bad, read as a meter in spec).",
      "a:1|c\nbad①\nb:2|c", SE(Y(C("a", "1"), M("bad"), C("b", "2")), N(C("a", "1"), E("missing_value"), C("b", "2"))), flags=BN)
g.add("trailing-cr", "A bare name with a trailing \"\\r\": control character in spec; missing_value before the \"\\r\" in etsy.",
      "gorets①\r", SE(N(E("control_character")), N(E("missing_value"))), flags=BN + ["CRLF"])
g.add("with-tab", "A TAB in a bare name is a control character in both dialects.", "a①\tb", N(E("control_character")), flags=BN + ["ControlCharacter"])
g.add("invalid-utf8", "A bare name that is not UTF-8: invalid_utf8 in both dialects (the name is checked before the structure).",
      b"ab\xff", N(E("invalid_utf8", at=2)), D_PRECEDENCE, flags=BN + ["InvalidUtf8Name"])
g.add("name-colon", "\"gorets:\" is not the shorthand: the value is missing.", "gorets:①", N(E("missing_value")), D_STRUCT, flags=["NetdataFillsDefaults"])
g.add("name-pipe", "\"gorets|\" is not the shorthand: the value is missing.", "gorets①|", N(E("missing_value")), D_STRUCT)
g.add("name-value", "\"gorets:1\" is not the shorthand: the type is missing (netdata reads a meter of 1).", "gorets:1①",
      N(E("missing_type")), D_STRUCT, flags=["NetdataFillsDefaults"])
g.add("name-value-pipe", "\"gorets:1|\": the type is missing.", "gorets:1|①", N(E("missing_type")), D_STRUCT, flags=["NetdataFillsDefaults"])
g.add("explicit-form-equals-shorthand", "The explicit form has the same metric as the shorthand.", "page.views:1|m",
      Y(M("page.views")), METERS, flags=["MeterType"])
g.add("meter-empty-value", "\"a:|m\" is not the shorthand (netdata reads a meter of 1).", "a:①|m", N(E("missing_value")), D_STRUCT,
      flags=["NetdataFillsDefaults", "MeterType"])

# ==========================================================================
# set
# ==========================================================================

g = group(
    "set",
    [
        "Sets <name>:<member>|s count distinct members. Not in the spec (unknown_type at the \"s\").",
        "etsy: any non-empty UTF-8 member without \":\" (the daemon splits lines on every \":\");",
        "members are compared as strings and written back unchanged.",
    ],
    DE_SETS,
)
ST = ["SetType"]
for slug, member, desc, flags in [
    ("number", "765", "A numeric member is a string.", []),
    ("string", "abc", "A text member.", []),
    ("with-space", "foo bar", "A member with a space.", ["Whitespace"]),
    ("negative", "-1", "\"-1\" is a member, not a number (Telegraf rejects signs on sets).", []),
    ("plus", "+1", "\"+1\" is kept as written.", []),
    ("trailing-zeros", "1.50", "\"1.50\" is kept as written (not \"1.5\").", []),
    ("leading-zeros", "007", "\"007\" is kept as written.", []),
    ("nan", "NaN", "\"NaN\" is just text in a set.", []),
    ("unicode", "\u00e1lvaro", "A non-ASCII member.", ["NonAsciiName"]),
    ("at-sign", "x@y", "\"@\" in a member.", []),
    ("hash", "x#y", "\"#\" in a member.", []),
    ("equals", "k=v", "\"=\" in a member.", []),
    ("only-space", " ", "A single space is a non-empty member.", ["Whitespace"]),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", "A UUID member.", []),
]:
    line = "uniques:%s|s" % member
    type_at = len(("uniques:" + member + "|").encode("utf-8"))
    g.add(slug, desc, line, SE(N(E("unknown_type", at=type_at)), Y(S("uniques", member))), flags=ST + flags)
g.add("with-rate", "A set with a rate: etsy keeps the rate.", "uniques:765|①s|@0.5",
      SE(N(E("unknown_type")), Y(S("uniques", "765", "0.5"))), flags=ST + ["SampleRateOnNonCounter"])
g.add("member-with-colon", "A member with \":\": unknown_type in spec (the type is checked first); invalid_value at the member in etsy.",
      "users:②a:b|①s", SE(N(E("unknown_type")), N(E("invalid_value", 2))), flags=ST)
g.add("member-ending-in-colon", "A member ending in \":\".", "users:②x:|①s", SE(N(E("unknown_type")), N(E("invalid_value", 2))), flags=ST)
g.add("empty-member", "An empty member is a missing value in both dialects (the Etsy daemon stores \"0\").", "uniques:①|s",
      N(E("missing_value")), D_STRUCT, flags=ST + ["EtsyEmptySetMember"])
g.add("invalid-utf8-member", "A member that is not UTF-8: unknown_type in spec; invalid_utf8 at the bad byte in etsy.",
      b"users:ab\xff|s", SE(N(E("unknown_type", at=10)), N(E("invalid_utf8", at=8))), flags=ST)
g.add("tab-in-member", "A TAB in a member is a control character.", "users:a①\tb|s", N(E("control_character")), flags=ST + ["ControlCharacter"])
g.add("unknown-field", "A field after a set's type.", "users:alice|①s|②x", SE(N(E("unknown_type")), N(E("unknown_field", 2))), flags=ST)
g.add("upper-case-type", "\"S\" is not a set.", "users:alice|①S", N(E("unknown_type")), D_TYPES, flags=ST + ["EtsyCountsUnknownTypes"])
g.add("two-members", "Two lines add two members.", "users:alice|①s\nusers:bob|②s",
      SE(N(E("unknown_type"), E("unknown_type", 2)), Y(S("users", "alice"), S("users", "bob"))), flags=ST)
g.add("set-among-counters", "A set line between counters: only it is rejected in spec.", "a:1|c\nusers:alice|①s\nb:2|c",
      SE(N(C("a", "1"), E("unknown_type"), C("b", "2")), Y(C("a", "1"), S("users", "alice"), C("b", "2"))), flags=ST)


# ==========================================================================
# types
# ==========================================================================

g = group(
    "types",
    [
        "Type codes are case-sensitive. spec: g c ms h m. etsy: c g ms h m s.",
        "Anything else is unknown_type at the type's first byte (the Etsy daemon counts every",
        "unknown type as a counter: flag EtsyCountsUnknownTypes).",
    ],
    D_TYPES,
)
for code, mk, desc in [
    ("c", C, "\"c\" is a counter."),
    ("g", G, "\"g\" is a gauge."),
    ("ms", T, "\"ms\" is a timer."),
    ("h", H, "\"h\" is a histogram."),
    ("m", M, "\"m\" is a meter."),
]:
    flags = ["EtsyHistogramMeterAsCounter"] if code in ("h", "m") else []
    g.add("known-" + code, desc, "a:1|" + code, Y(mk("a", "1")), FMT, flags=flags)
g.add("known-s", "\"s\" is a set in etsy only.", "a:1|①s", SE(N(E("unknown_type")), Y(S("a", "1"))), DE_TYPES, flags=["SetType"])
UT = ["EtsyCountsUnknownTypes"]
for slug, code, desc, flags in [
    ("upper-c", "C", "\"C\" (brubeck's counter) is unknown.", []),
    ("upper-g", "G", "\"G\" is unknown.", []),
    ("upper-ms", "MS", "\"MS\" is unknown.", []),
    ("mixed-ms", "mS", "\"mS\" is unknown.", []),
    ("upper-h", "H", "\"H\" is unknown.", []),
    ("upper-m", "M", "\"M\" is unknown.", []),
    ("upper-s", "S", "\"S\" is unknown.", []),
    ("d", "d", "\"d\" (DogStatsD distribution; netdata dictionary) is unknown.", ["DogStatsDExtension"]),
    ("x", "x", "An arbitrary letter is unknown.", []),
    ("kv", "kv", "statsite's \"kv\" is unknown.", []),
    ("cc", "cc", "\"cc\" is unknown (not a repeated \"c\").", []),
    ("gauge-word", "gauge", "A type written in full is unknown.", []),
    ("timer-ms-s", "mss", "\"mss\" is unknown.", []),
    ("t", "t", "\"t\" is unknown.", []),
    ("digit", "1", "A digit is unknown.", []),
    ("at-rate", "@0.5", "A rate where the type should be is an unknown type.", []),
    ("c-at-rate", "c@0.5", "\"c@0.5\" (rate without \"|\"; netdata reads the rate) is unknown.", []),
    ("c-colon", "c:2", "\"c:2\" (Etsy multi-metric lines) is unknown.", ["EtsyMultiMetric"]),
    ("c-space", "c ", "\"c \" is unknown.", ["Whitespace"]),
    ("space-c", " c", "\" c\" is unknown.", ["Whitespace"]),
    ("unicode", "\u00e7", "A non-ASCII type is unknown.", []),
    ("sharp-tags", "#c", "\"#c\" is unknown.", []),
]:
    if code.startswith("d"):
        exp = SE(N(E("unknown_type")), N(E("unknown_type")))
    else:
        exp = N(E("unknown_type"))
    g.add("unknown-" + slug, desc, "a:1|①" + code, exp, flags=UT + flags)
g.add("unknown-with-bad-value", "The type is checked before the value: \"a:x|q\" is unknown_type.", "a:x|①q", N(E("unknown_type")), D_PRECEDENCE, flags=UT)
g.add("missing-before-unknown", "\"a:1||c\": the type between the two \"|\" is empty, so it is missing.", "a:1|①|c", N(E("missing_type")), D_STRUCT)
g.add("unknown-type-offset-second-line", "The unknown_type offset counts from the datagram start.", "a:1|c\nb:1|①q", N(C("a", "1"), E("unknown_type")), flags=UT)

# ==========================================================================
# sample-rate
# ==========================================================================

g = group(
    "sample-rate",
    [
        "|@<rate>. spec: counters only (sample_rate_not_allowed at the \"@\"), the JSON number grammar",
        "(invalid_sample_rate at the byte after \"@\"), exactly 0 < rate <= 1 on the decimal and an f64 > 0",
        "(sample_rate_out_of_range at the byte after \"@\"). etsy: every type, [0-9]+(\\.[0-9]*)?|\\.[0-9]+ only",
        "(no sign, no exponent), the same range. A second |@ is duplicate_sample_rate at its \"@\".",
        "The rate is written back as its shortest round-trip digits in plain decimal (\"0.5\", \"1\", \"0.0000001\").",
    ],
    D_RATES,
)
for slug, lit, val, desc, flags in [
    ("half", "0.5", "0.5", "One half.", []),
    ("tenth", "0.1", "0.1", "The spec's example of 1/10.", []),
    ("one", "1", "1", "A rate of exactly 1.", []),
    ("one-point-zero", "1.0", "1", "\"1.0\" is 1, written \"1\".", []),
    ("trailing-zero", "0.50", "0.5", "\"0.50\" is 0.5 (Asterisk renders rates with %.2f).", []),
    ("quarter", "0.25", "0.25", "A quarter.", []),
    ("one-in-a-million", "0.000001", "0.000001", "A small rate is written without exponent.", []),
    ("tiny", "0.0000001", "0.0000001", "1e-7, written \"0.0000001\".", ["ClientTinyRate"]),
    ("one-exactly-long", "1.0000000000000000", "1", "Many zeros after \"1.\" are still exactly 1.", []),
    ("just-below-one", "0.99999999999999999999", "1", "Below 1 as a decimal, so in range; its nearest f64 is 1.0, written \"1\".", ["FloatRounding"]),
    ("third", "0.3333333333333333333", "0.3333333333333333", "A rate beyond f64 precision becomes its nearest f64.", []),
    ("very-small", "0.0000000000000000000000000000001", "0.0000000000000000000000000000001", "1e-31 is in (0, 1].", ["ClientTinyRate"]),
]:
    g.add(slug, desc, "a:1|c|@" + lit, Y(C("a", "1", val)), flags=flags)
# spec-only (JSON numbers the etsy grammar refuses)
for slug, lit, val, desc in [
    ("exponent", "1e-1", "0.1", "An exponent: JSON, so spec reads 0.1; etsy refuses it (the daemon validates 0.1 and applies 1)."),
    ("exponent-half", "5e-1", "0.5", "\"5e-1\" is 0.5 in spec."),
    ("exponent-upper", "1E-1", "0.1", "\"1E-1\" is 0.1 in spec."),
    ("exponent-one", "1e0", "1", "\"1e0\" is 1 in spec."),
    ("exponent-tiny", "1e-7", "0.0000001", "\"1e-7\" is written back \"0.0000001\"."),
    ("fraction-exponent", "0.5e0", "0.5", "\"0.5e0\" is 0.5 in spec."),
    ("subnormal", "5e-324", rate_text(5e-324), "The smallest subnormal is > 0, so it is a valid spec rate."),
]:
    g.add("spec-" + slug, desc, "a:1|c|@①" + lit, SE(Y(C("a", "1", val)), N(E("invalid_sample_rate"))), flags=["SampleRateGrammar", "EtsyRateMisparsed"] if slug == "exponent" else ["SampleRateGrammar"])
# etsy-only
for slug, lit, val, desc in [
    ("leading-dot", ".5", "0.5", "\".5\": not JSON; etsy reads 0.5."),
    ("trailing-dot", "1.", "1", "\"1.\": not JSON; etsy reads 1."),
    ("leading-zero", "00.5", "0.5", "\"00.5\": not JSON; etsy reads 0.5."),
    ("dot-twenty-five", ".25", "0.25", "\".25\": etsy reads 0.25."),
]:
    g.add("etsy-" + slug, desc, "a:1|c|@①" + lit, SE(N(E("invalid_sample_rate")), Y(C("a", "1", val))), flags=["SampleRateGrammar"])
g.add("etsy-dot-zero", "\".0\": not JSON; 0 (out of range) in etsy.", "a:1|c|@①.0",
      SE(N(E("invalid_sample_rate")), N(E("sample_rate_out_of_range"))), flags=["SampleRateGrammar", "SampleRateZero"])
# both out of range
for slug, lit, desc, flags in [
    ("zero", "0", "A rate of 0 (Etsy multiplies by Infinity, netdata by 1000, others take 1).", ["SampleRateZero"]),
    ("zero-point-zero", "0.0", "\"0.0\" is 0.", ["SampleRateZero"]),
    ("zero-point-zero-zero", "0.00", "\"0.00\" is 0 (what Asterisk sends for rates below 0.005).", ["SampleRateZero", "AsteriskRateRounding"]),
    ("one-and-a-half", "1.5", "A rate above 1 (Etsy scales by 0.667, gostatsd and Telegraf truncate the count to 0).", ["SampleRateAboveOne"]),
    ("two", "2", "A rate of 2 (an inverse rate sent by mistake, ex_statsd#20).", ["SampleRateAboveOne"]),
    ("just-above-one", "1.0000000000000001", "Decided on the exact decimal: above 1 even though its f64 is 1.0.", ["SampleRateAboveOne", "FloatRounding"]),
    ("underflow", "0." + "0" * 400 + "1", "A positive decimal whose f64 is 0 is out of range.", ["SampleRateZero", "FloatRounding"]),
]:
    g.add("out-" + slug, desc, "a:1|c|@①" + lit, N(E("sample_rate_out_of_range")), flags=flags)
# sign: spec reads a JSON number, then range; etsy has no sign in its grammar
for slug, lit, desc in [
    ("minus-half", "-0.5", "A negative rate: out of range in spec; not in the etsy grammar."),
    ("minus-one", "-1", "\"-1\": out of range in spec; not in the etsy grammar."),
    ("minus-zero", "-0", "\"-0\" is 0: out of range in spec; not in the etsy grammar."),
]:
    g.add("negative-" + slug, desc, "a:1|c|@①" + lit, SE(N(E("sample_rate_out_of_range")), N(E("invalid_sample_rate"))), flags=["SampleRateGrammar"])
g.add("spec-exponent-above-one", "\"1e1\" is 10: out of range in spec; not in the etsy grammar.", "a:1|c|@①1e1",
      SE(N(E("sample_rate_out_of_range")), N(E("invalid_sample_rate"))), flags=["SampleRateGrammar", "SampleRateAboveOne"])
g.add("spec-exponent-underflow", "\"1e-400\": > 0 as a decimal but 0 as an f64, so out of range in spec; not in the etsy grammar.",
      "a:1|c|@①1e-400", SE(N(E("sample_rate_out_of_range")), N(E("invalid_sample_rate"))), flags=["SampleRateGrammar", "FloatRounding"])
g.add("etsy-trailing-dot-zero", "\"0.\": not JSON; 0 (out of range) in etsy.", "a:1|c|@①0.",
      SE(N(E("invalid_sample_rate")), N(E("sample_rate_out_of_range"))), flags=["SampleRateGrammar", "SampleRateZero"])
g.add("etsy-five-dot", "\"5.\": not JSON; 5 (out of range) in etsy.", "a:1|c|@①5.",
      SE(N(E("invalid_sample_rate")), N(E("sample_rate_out_of_range"))), flags=["SampleRateGrammar", "SampleRateAboveOne"])
# invalid in both grammars
for slug, lit, desc, flags in [
    ("plus", "+0.5", "\"+0.5\" (crashes the Etsy daemon).", ["EtsyCrash"]),
    ("space", " 0.5", "\" 0.5\" (crashes the Etsy daemon).", ["EtsyCrash", "Whitespace"]),
    ("infinity", "Infinity", "\"Infinity\" (crashes the Etsy daemon).", ["EtsyCrash", "NonFinite"]),
    ("nan", "NaN", "\"NaN\".", ["NonFinite"]),
    ("inf", "inf", "\"inf\".", ["NonFinite"]),
    ("hex", "0x1", "\"0x1\" (the Etsy daemon applies 0, i.e. multiplies by Infinity).", ["EtsyRateMisparsed"]),
    ("empty", "", "\"@\" with nothing after it.", []),
    ("letters", "abc", "Letters.", []),
    ("trailing-garbage", "0.5x", "A rate followed by garbage.", []),
    ("decimal-comma", "0,5", "A decimal comma.", []),
    ("double-at", "@0.5", "\"@@0.5\".", []),
    ("two-dots", "0.5.1", "Two decimal points.", []),
    ("trailing-space", "0.5 ", "A trailing space.", ["Whitespace"]),
    ("dot-only", ".", "A lone \".\".", []),
    ("percent", "50%", "A percentage.", []),
    ("fraction", "1/10", "A fraction.", []),
]:
    g.add("invalid-" + slug, desc, "a:1|c|@①" + lit, N(E("invalid_sample_rate")), flags=["SampleRateGrammar"] + flags)
g.add("duplicate", "A second rate is duplicate_sample_rate at its \"@\" (Etsy uses the first, gostatsd and netdata the last).",
      "a:1|c|@0.5|①@0.5", N(E("duplicate_sample_rate")), flags=["DuplicateRate"])
g.add("duplicate-different", "Two different rates.", "a:1|c|@0.5|①@0.25", N(E("duplicate_sample_rate")), flags=["DuplicateRate"])
g.add("duplicate-invalid-second", "A second rate is a duplicate before it is read.", "a:1|c|@0.5|①@x", N(E("duplicate_sample_rate")), flags=["DuplicateRate"])
g.add("invalid-then-duplicate", "Fields are checked left to right: the first, invalid rate is reported.", "a:1|c|@①x|@0.5",
      N(E("invalid_sample_rate")), D_PRECEDENCE, flags=["DuplicateRate"])
g.add("out-of-range-then-duplicate", "The first rate's range is checked before the second field.", "a:1|c|@①2|@0.5",
      N(E("sample_rate_out_of_range")), D_PRECEDENCE, flags=["DuplicateRate", "SampleRateAboveOne"])
g.add("without-at", "A rate without \"@\" is an unknown field (gostatsd, Telegraf, Vector and netdata ignore it).", "a:1|c|①0.5",
      N(E("unknown_field")), D_FIELDS, flags=["UnknownFieldIgnored"])
g.add("without-pipe", "\"c@0.5\" is an unknown type (nginx-statsd#4 sent this; Etsy counts it and loses the rate).", "a:1|①c@0.5",
      N(E("unknown_type")), D_TYPES, flags=["EtsyCountsUnknownTypes"])
g.add("before-type", "A rate before the type is an unknown type.", "a:1|①@0.5|c", N(E("unknown_type")), D_TYPES)
g.add("empty-field-before", "An empty field before the rate is an unknown field.", "a:1|c|①|@0.5", N(E("unknown_field")), D_FIELDS)
g.add("empty-field-after", "An empty field after the rate is an unknown field.", "a:1|c|@0.5|①", N(E("unknown_field")), D_FIELDS)
for code, mk, name in [("g", G, "gauge"), ("ms", T, "timer"), ("h", H, "histogram"), ("m", M, "meter")]:
    g.add("on-" + name, "A rate on a %s: counters only in spec; kept in etsy." % name, "a:1|%s|①@0.5" % code,
          SE(N(E("sample_rate_not_allowed")), Y(mk("a", "1", "0.5"))), flags=["SampleRateOnNonCounter"])
    g.add("on-%s-out-of-range" % name, "In spec the rate on a %s is refused before its range is checked." % name,
          "a:1|%s|①@②2" % code, SE(N(E("sample_rate_not_allowed")), N(E("sample_rate_out_of_range", 2))), flags=["SampleRateOnNonCounter"])
g.add("on-set", "A rate on a set: the type is unknown in spec; kept in etsy.", "a:x|①s|@0.5",
      SE(N(E("unknown_type")), Y(S("a", "x", "0.5"))), flags=["SampleRateOnNonCounter", "SetType"])
g.add("on-gauge-delta", "A rate on a gauge delta in etsy.", "a:①+1|g|@0.5", SE(N(E("invalid_value")), Y(GD("a", "1", "0.5"))),
      DE_RATES, flags=["SampleRateOnNonCounter", "GaugeSignIsDelta"])
g.add("second-line-offset", "The rate offsets count from the datagram start.", "a:1|c|@0.5\nb:1|c|@①0",
      N(C("a", "1", "0.5"), E("sample_rate_out_of_range")), flags=["SampleRateZero"])


# ==========================================================================
# ranges
# ==========================================================================

g = group(
    "ranges",
    [
        "Range boundaries, on both sides. Counters (and etsy gauge deltas): (-2^63, 2^63), i.e.",
        "-9223372036854775807..9223372036854775807. Gauges, timers, histograms, meters: [0, 2^64), i.e.",
        "0..18446744073709551615. Integers are exact (never rounded through f64): integers outside the",
        "spec's portable range (-2^53, 2^53) are VALID, only not portable (flag ExactIntegers).",
        "A float is checked on its nearest f64, so a literal just inside a bound may round onto it.",
    ],
    D_RANGES,
)
EX = ["ExactIntegers"]
for slug, lit, desc, flags in [
    ("counter-2p53-minus-1", "9007199254740991", "2^53-1, the largest portable integer.", []),
    ("counter-2p53", "9007199254740992", "2^53 is valid, outside the portable range.", EX),
    ("counter-2p53-plus-1", "9007199254740993", "2^53+1 is kept exactly (double-based peers read ...992).", EX),
    ("counter-minus-2p53-plus-1", "-9007199254740991", "-(2^53-1).", []),
    ("counter-minus-2p53", "-9007199254740992", "-2^53 is valid.", EX),
    ("counter-minus-2p53-minus-1", "-9007199254740993", "-(2^53+1) is kept exactly.", EX),
    ("counter-2p63-minus-2", "9223372036854775806", "2^63-2.", EX),
    ("counter-2p63-minus-1", "9223372036854775807", "2^63-1, the largest counter.", EX),
    ("counter-minus-2p63-plus-1", "-9223372036854775807", "-(2^63-1), the smallest counter.", EX),
    ("counter-minus-2p63-plus-2", "-9223372036854775806", "-(2^63-2).", EX),
]:
    g.add(slug, desc, "a:%s|c" % lit, Y(C("a", lit)), COUNTING, flags=flags)
for slug, lit, desc, flags in [
    ("counter-2p63", "9223372036854775808", "2^63 is out (the interval is open).", []),
    ("counter-2p63-plus-1", "9223372036854775809", "2^63+1 is out.", []),
    ("counter-minus-2p63", "-9223372036854775808", "-2^63 is out (the interval is open).", []),
    ("counter-minus-2p63-minus-1", "-9223372036854775809", "-(2^63+1) is out (Asterisk's app accepts it).", []),
    ("counter-2p64-minus-1", "18446744073709551615", "2^64-1 is out of the counter range.", []),
    ("counter-2p64", "18446744073709551616", "2^64 is out.", []),
    ("counter-asterisk-double-bound", "9223372036854776832", "The largest integer Asterisk's double check lets through is out.", ["AsteriskUnvalidatedValue"]),
    ("counter-asterisk-double-bound-plus-1", "9223372036854776833", "One more, which Asterisk rejects, is out too.", []),
    ("counter-float-2p63-minus-1", "9223372036854775807.0", "\"9223372036854775807.0\" rounds to 2^63: out.", ["FloatRounding"]),
    ("counter-float-2p63-rounding-tie", "9223372036854775296.0", "Half-way between the last f64 below 2^63 and 2^63 rounds to even, 2^63: out.", ["FloatRounding"]),
    ("counter-float-exp-2p63", "9.223372036854775807e18", "The same value in exponent form rounds to 2^63: out.", ["FloatRounding"]),
    ("counter-float-minus-2p63-plus-1", "-9223372036854775807.0", "\"-9223372036854775807.0\" rounds to -2^63: out.", ["FloatRounding"]),
    ("counter-float-1e19", "1e19", "1e19 is out.", []),
    ("counter-minus-2p64", "-18446744073709551616", "-2^64 (beyond 64 bits even as a magnitude) is out.", []),
    ("counter-minus-30-digits", "-123456789012345678901234567890", "A 30-digit negative integer is out.", []),
]:
    g.add(slug, desc, "a:①%s|c" % lit, N(E("value_out_of_range")), COUNTING, flags=flags)
for slug, lit, val, desc in [
    ("counter-float-below-2p63", "9223372036854775295.0", "9.223372036854775e18", "Just below the tie: rounds down to the largest f64 below 2^63, in range."),
    ("counter-float-largest-below-2p63", "9.2233720368547748e18", "9.223372036854775e18", "The largest f64 below 2^63 is in range."),
    ("counter-float-smallest-above-minus-2p63", "-9.2233720368547748e18", "-9.223372036854775e18", "The smallest f64 above -2^63 is in range."),
    ("counter-float-9e18", "9e18", "9e18", "9e18 is in range."),
    ("counter-float-2p53-plus-1", "9007199254740993.0", "9007199254740992.0", "As a float, 2^53+1 rounds to 2^53 (only integers are exact)."),
]:
    g.add(slug, desc, "a:%s|c" % lit, Y(C("a", val)), COUNTING, flags=["FloatRounding"])

for code, mk, tname, source in [("g", G, "gauge", GAUGES), ("ms", T, "timer", TIMING), ("h", H, "histogram", HISTOGRAMS), ("m", M, "meter", METERS)]:
    tf = {"g": [], "ms": [], "h": ["EtsyHistogramMeterAsCounter"], "m": ["MeterType", "EtsyHistogramMeterAsCounter"]}[code]
    for slug, lit, desc, flags in [
        ("0", "0", "0 is the smallest value.", []),
        ("2p53-plus-1", "9007199254740993", "2^53+1 is kept exactly.", EX),
        ("2p63", "9223372036854775808", "2^63 is in the unsigned range.", EX),
        ("2p64-minus-1", "18446744073709551615", "2^64-1 is the largest value.", EX),
    ]:
        g.add("%s-%s" % (tname, slug), desc, "a:%s|%s" % (lit, code), Y(mk("a", lit)), source, flags=tf + flags)
    for slug, lit, desc, flags in [
        ("2p64", "18446744073709551616", "2^64 is out (the interval is half-open).", []),
        ("2p64-plus-1", "18446744073709551617", "2^64+1 is out.", []),
        ("float-2p64-rounding-tie", "18446744073709550592.0", "Half-way between the last f64 below 2^64 and 2^64 rounds to 2^64: out.", ["FloatRounding"]),
        ("float-2p64", "1.8446744073709552e19", "The f64 2^64 is out.", []),
    ]:
        g.add("%s-%s" % (tname, slug), desc, "a:①%s|%s" % (lit, code), N(E("value_out_of_range")), source, flags=tf + flags)
    g.add("%s-float-below-2p64" % tname, "Just below the tie: the largest f64 below 2^64, in range.", "a:18446744073709550591.0|%s" % code,
          Y(mk("a", "1.844674407370955e19")), source, flags=tf + ["FloatRounding"])
    if code != "g":
        g.add("%s-minus-1" % tname, "-1 is out in both dialects.", "a:①-1|%s" % code, N(E("value_out_of_range")), source, flags=tf + ["NegativeTimer"])
g.add("gauge-minus-1", "-1: out of range in spec; a delta in etsy.", "a:①-1|g", SE(N(E("value_out_of_range")), Y(GD("a", "-1"))), GAUGES, flags=["GaugeSignIsDelta"])
g.add("gauge-minus-2p63-plus-1", "-(2^63-1): out of range in spec; the smallest delta in etsy.", "a:①-9223372036854775807|g",
      SE(N(E("value_out_of_range")), Y(GD("a", "-9223372036854775807"))), DE_DELTAS, flags=["GaugeSignIsDelta"])
g.add("gauge-minus-2p63", "-2^63 is out in both dialects.", "a:①-9223372036854775808|g", N(E("value_out_of_range")), DE_DELTAS, flags=["GaugeSignIsDelta"])
g.add("gauge-plus-2p63-minus-1", "+(2^63-1): not JSON in spec; the largest delta in etsy.", "a:①+9223372036854775807|g",
      SE(N(E("invalid_value")), Y(GD("a", "9223372036854775807"))), DE_DELTAS, flags=["GaugeSignIsDelta"])
g.add("gauge-plus-2p63", "+2^63: not JSON in spec; out of the delta range in etsy.", "a:①+9223372036854775808|g",
      SE(N(E("invalid_value")), N(E("value_out_of_range"))), DE_DELTAS, flags=["GaugeSignIsDelta"])
g.add("gauge-minus-2p64", "-2^64: out of range in both dialects (its magnitude does not fit 64 bits).", "a:①-18446744073709551616|g",
      N(E("value_out_of_range")), DE_DELTAS, flags=["GaugeSignIsDelta"])
g.add("gauge-2p64-exact-decimal", "A decimal just below 2^64 with a fraction rounds to 2^64: out.", "a:①18446744073709551615.5|g",
      N(E("value_out_of_range")), GAUGES, flags=["FloatRounding"])
g.add("gauge-tiny-fraction", "A positive float smaller than the smallest f64 is 0.0: in range.", "a:0." + "0" * 400 + "1|g",
      Y(G("a", "0.0")), GAUGES, flags=["FloatRounding"])

# ==========================================================================
# fields
# ==========================================================================

g = group(
    "fields",
    [
        "Fields after the type. Both dialects define only |@<rate>; any other field, the empty one",
        "included, is unknown_field at its first byte (the byte after \"|\"). DogStatsD tags (|#),",
        "container ids (|c:), timestamps (|T) and the like belong to a later dogstatsd dialect, so these",
        "cases name spec and etsy explicitly rather than \"*\".",
    ],
    D_FIELDS,
)
DT = ["DogStatsDTags"]
DX = ["DogStatsDExtension"]
for slug, tail, desc, flags in [
    ("empty-trailing", "|", "A trailing \"|\" is an empty field (Etsy and collectd reject it; netdata ignores it).", ["UnknownFieldIgnored"]),
    ("double-pipe", "||", "Two trailing \"|\": the first empty field is reported.", ["UnknownFieldIgnored"]),
    ("number-without-at", "|0.5", "A rate without \"@\".", ["UnknownFieldIgnored"]),
    ("word", "|extra", "An arbitrary word.", ["UnknownFieldIgnored"]),
    ("tags", "|#env:prod", "DogStatsD tags.", DT),
    ("tags-multi", "|#env:prod,host:a", "Several DogStatsD tags.", DT),
    ("tag-bare", "|#flag", "A DogStatsD tag without a value.", DT),
    ("tags-empty", "|#", "An empty DogStatsD tag section.", DT),
    ("container-id", "|c:abc123", "A DogStatsD v1.2 container id.", DX),
    ("timestamp", "|T1656581400", "A DogStatsD v1.3 timestamp.", DX),
    ("external-data", "|e:it-false,cn-x", "A DogStatsD v1.5 external-data field.", DX),
    ("cardinality", "|card:low", "A DogStatsD v1.6 cardinality field.", DX),
    ("space", "| ", "A field that is a space.", ["Whitespace"]),
    ("colon-field", "|c:2", "A field that looks like a type.", []),
]:
    g.add("counter-" + slug, desc, "a:1|c|①" + tail[1:], SE(N(E("unknown_field")), N(E("unknown_field"))), flags=flags)
g.add("after-rate", "An unknown field after a valid rate.", "a:1|c|@0.5|①extra", SE(N(E("unknown_field")), N(E("unknown_field"))), flags=["UnknownFieldIgnored"])
g.add("tags-after-rate", "Tags after a rate (the DogStatsD order).", "a:1|c|@0.5|①#t:v,u", SE(N(E("unknown_field")), N(E("unknown_field"))), flags=DT)
g.add("tags-before-rate", "Tags before a rate: the first unknown field is reported.", "a:1|c|①#t:v|@0.5", SE(N(E("unknown_field")), N(E("unknown_field"))), flags=DT)
g.add("gauge-field", "An unknown field on a gauge.", "a:1|g|①x", SE(N(E("unknown_field")), N(E("unknown_field"))), flags=["UnknownFieldIgnored"])
g.add("timer-tags", "Tags on a timer.", "a:1|ms|①#t:v", SE(N(E("unknown_field")), N(E("unknown_field"))), flags=DT)
g.add("meter-field", "An unknown field on a meter.", "a:1|m|①x", SE(N(E("unknown_field")), N(E("unknown_field"))), flags=["MeterType"])
g.add("rate-not-allowed-before-field", "spec refuses the rate on a gauge first; etsy accepts the rate and reports the field.",
      "a:1|g|①@0.5|②#t", SE(N(E("sample_rate_not_allowed")), N(E("unknown_field", 2))), flags=["SampleRateOnNonCounter"] + DT)
g.add("value-before-field", "The value is checked before the fields: \"a:x|c|#t\" is invalid_value.", "a:①x|c|#t",
      SE(N(E("invalid_value")), N(E("invalid_value"))), D_PRECEDENCE, flags=DT)
g.add("type-before-field", "The type is checked before the fields.", "a:1|①x|#t", SE(N(E("unknown_type")), N(E("unknown_type"))), D_PRECEDENCE, flags=DT)
g.add("control-before-field", "A control character in a field is reported as a control character.", "a:1|c|①\t",
      N(E("control_character")), D_PRECEDENCE, flags=["ControlCharacter"])
g.add("unknown-then-rate", "An unknown field before a rate is reported, left to right.", "a:1|c|①x|@2",
      SE(N(E("unknown_field")), N(E("unknown_field"))), D_PRECEDENCE, flags=["UnknownFieldIgnored"])
g.add("tags-second-line", "A tagged line among plain lines: only it is rejected.", "a:1|c\nb:1|c|①#t:v\nc:1|c",
      SE(N(C("a", "1"), E("unknown_field"), C("c", "1")), N(C("a", "1"), E("unknown_field"), C("c", "1"))), flags=DT)


# ==========================================================================
# multi-line
# ==========================================================================

g = group(
    "multi-line",
    [
        "Datagrams of several lines with one bad line among good ones: every line gets its own",
        "result, the good lines are kept (per-line recovery), and the offset of the error counts",
        "from the start of the datagram.",
    ],
    D_FRAMING,
)
g.add("three-types", "Counter, gauge and timer in one datagram.", "a:1|c\nb:2|g\nc:3|ms", Y(C("a", "1"), G("b", "2"), T("c", "3")), FMT)
g.add("all-spec-types-and-rate", "Every spec type with a rate on the counter.", "a:1|c|@0.5\nb:2|g\nc:3|ms\nd:4|h\ne:5|m\nf①",
      SE(Y(C("a", "1", "0.5"), G("b", "2"), T("c", "3"), H("d", "4"), M("e", "5"), M("f")),
         N(C("a", "1", "0.5"), G("b", "2"), T("c", "3"), H("d", "4"), M("e", "5"), E("missing_value"))),
      FMT, flags=["BareNameMeter", "MeterType"])
for slug, bad, err_marker_line, desc, flags, src_ in [
    ("invalid-value-middle", "b:①x|c", "invalid_value", "An invalid value in the middle line.", [], D_VALUES),
    ("unknown-type-middle", "b:1|①q", "unknown_type", "An unknown type in the middle line.", ["EtsyCountsUnknownTypes"], D_TYPES),
    ("empty-name-middle", "①:1|c", "empty_name", "An empty name in the middle line.", ["EmptyName"], D_NAMES),
    ("missing-type-middle", "b:1①", "missing_type", "A missing type in the middle line.", [], D_STRUCT),
    ("missing-value-middle", "b①|c", "missing_value", "A missing value in the middle line.", [], D_STRUCT),
    ("rate-out-of-range-middle", "b:1|c|@①2", "sample_rate_out_of_range", "A rate above 1 in the middle line.", ["SampleRateAboveOne"], D_RATES),
    ("invalid-rate-middle", "b:1|c|@①x", "invalid_sample_rate", "An invalid rate in the middle line.", [], D_RATES),
    ("duplicate-rate-middle", "b:1|c|@1|①@1", "duplicate_sample_rate", "A duplicate rate in the middle line.", ["DuplicateRate"], D_RATES),
    ("negative-timer-middle", "b:①-1|ms", "value_out_of_range", "A negative timer in the middle line.", ["NegativeTimer"], D_RANGES),
    ("counter-overflow-middle", "b:①9223372036854775808|c", "value_out_of_range", "A counter overflow in the middle line.", [], D_RANGES),
    ("unknown-field-middle", "b:1|c|①x", "unknown_field", "An unknown field in the middle line.", ["UnknownFieldIgnored"], D_FIELDS),
    ("control-middle", "b①\tx:1|c", "control_character", "A control character in the middle line.", ["ControlCharacter"], D_NAMES),
    ("nul-middle", "b:1|c①\u0000", "control_character", "A NUL at the end of the middle line.", ["ControlCharacter"], D_FRAMING),
    ("packed-middle", "b:①1:2|c", "invalid_value", "Packed values in the middle line.", ["PackedValues"], D_VALUES),
    ("multi-metric-middle", "b:1|①c:2|g", "unknown_type", "An Etsy multi-metric line in the middle.", ["EtsyMultiMetric"], D_TYPES),
]:
    g.add(slug, desc, "a:1|c\n" + bad + "\nc:3|c", N(C("a", "1"), E(err_marker_line), C("c", "3")), src_, flags=flags)
g.add("invalid-utf8-middle", "A name that is not UTF-8 in the middle line.", b"a:1|c\nb\xff:1|c\nc:3|c",
      N(C("a", "1"), E("invalid_utf8", at=7), C("c", "3")), D_NAMES, flags=["InvalidUtf8Name"])
g.add("bad-first", "The bad line first.", "①:1|c\nb:2|c\nc:3|c", N(E("empty_name"), C("b", "2"), C("c", "3")), D_NAMES, flags=["EmptyName"])
g.add("bad-last", "The bad line last.", "a:1|c\nb:2|c\nc:①x|c", N(C("a", "1"), C("b", "2"), E("invalid_value")))
g.add("bad-last-trailing-newline", "The bad line last, followed by \"\\n\".", "a:1|c\nb:2|c\nc:①x|c\n", N(C("a", "1"), C("b", "2"), E("invalid_value")))
g.add("bad-after-blank-lines", "Blank lines before the bad line move its offset but are not lines.", "a:1|c\n\n\nb:①x|c\n\nc:3|c",
      N(C("a", "1"), E("invalid_value"), C("c", "3")), flags=["EmptyLines"])
g.add("gauge-delta-middle", "A signed gauge between counters: rejected in spec only.", "a:1|c\ng:①+1|g\nb:2|c",
      SE(N(C("a", "1"), E("invalid_value"), C("b", "2")), Y(C("a", "1"), GD("g", "1"), C("b", "2"))), DE_DELTAS, flags=["GaugeSignIsDelta"])
g.add("negative-gauge-middle", "A negative gauge between counters: out of range in spec; a delta in etsy.", "a:1|c\ng:①-1|g\nb:2|c",
      SE(N(C("a", "1"), E("value_out_of_range"), C("b", "2")), Y(C("a", "1"), GD("g", "-1"), C("b", "2"))), DE_DELTAS, flags=["GaugeSignIsDelta"])
g.add("gauge-rate-middle", "A rate on a gauge between counters: rejected in spec only.", "a:1|c\ng:1|g|①@0.5\nb:2|c",
      SE(N(C("a", "1"), E("sample_rate_not_allowed"), C("b", "2")), Y(C("a", "1"), G("g", "1", "0.5"), C("b", "2"))), D_RATES,
      flags=["SampleRateOnNonCounter"])
g.add("bare-name-middle", "A bare name between counters: a meter in spec; missing_value in etsy.", "a:1|c\nbad①\nb:2|c",
      SE(Y(C("a", "1"), M("bad"), C("b", "2")), N(C("a", "1"), E("missing_value"), C("b", "2"))), D_BARE, flags=["BareNameMeter"])
g.add("crlf-bad-value", "CRLF lines with a bad value: two control characters in spec; one invalid value in etsy.",
      "a:1|c①\r\nb:③x|c②\r\n", SE(N(E("control_character"), E("control_character", 2)), N(C("a", "1"), E("invalid_value", 3))), DE_FRAMING, flags=["CRLF"])
g.add("ten-lines", "Ten lines with one bad line.", "\n".join(["l%d:%d|c" % (i, i) for i in range(5)] + ["l5:①-|c"] + ["l%d:%d|g" % (i, i) for i in range(6, 10)]),
      N(*([C("l%d" % i, str(i)) for i in range(5)] + [E("invalid_value")] + [G("l%d" % i, str(i)) for i in range(6, 10)])))
g.add("same-name-different-types", "One name with several types: each line stands alone.", "x:1|c\nx:2|g\nx:3|ms",
      Y(C("x", "1"), G("x", "2"), T("x", "3")), FMT)

# ==========================================================================
# precedence
# ==========================================================================

g = group(
    "precedence",
    [
        "Which error a line with several faults reports: line length; the first control character;",
        "the name (empty, then UTF-8); the structure (value present, type present); the type; the value",
        "(grammar, then range, both depending on the type); the fields after the type, left to right.",
    ],
    D_PRECEDENCE,
)
for slug, inp, cls, desc in [
    ("control-before-empty-name", ":①\t1|c", "control_character", "A control character is reported before an empty name."),
    ("control-before-missing-value", "a|c①\u0000", "control_character", "A control character is reported before a missing value."),
    ("control-at-end-beats-bad-value", "a:x|q|@z①\u007f", "control_character", "A control character at the end beats every earlier fault."),
    ("empty-name-before-missing-value", "①|", "empty_name", "An empty name before anything else."),
    ("empty-name-before-bad-value", "①:x|q", "empty_name", "An empty name before a bad value and type."),
    ("missing-value-before-unknown-type", "a:①|x", "missing_value", "A missing value before an unknown type."),
    ("missing-value-before-missing-type", "a:①", "missing_value", "\"a:\": the value is missing (and the type too)."),
    ("missing-type-before-bad-value", "a:x①", "missing_type", "A missing type before an invalid value."),
    ("missing-type-empty-before-bad-value", "a:x|①", "missing_type", "An empty type before an invalid value."),
    ("unknown-type-before-bad-value", "a:x|①q", "unknown_type", "An unknown type before an invalid value."),
    ("unknown-type-before-rate", "a:1|①q|@5", "unknown_type", "An unknown type before a bad rate."),
    ("bad-value-before-bad-rate", "a:①x|c|@5", "invalid_value", "An invalid value before a bad rate."),
    ("out-of-range-before-bad-rate", "a:①9223372036854775808|c|@5", "value_out_of_range", "A value out of range before a bad rate."),
    ("bad-rate-before-unknown-field", "a:1|c|@①5|x", "sample_rate_out_of_range", "The first field's fault before the second field."),
    ("duplicate-before-unknown-field", "a:1|c|@0.5|①@0.5|x", "duplicate_sample_rate", "A duplicate rate before a later unknown field."),
    ("double-colon-value", "a:①:1|c", "invalid_value", "\"a::1|c\": the value is \":1\"."),
]:
    g.add(slug, desc, inp, N(E(cls)))
g.add("empty-name-before-invalid-utf8", "An empty name is reported before invalid UTF-8 later in the line.", b":\xff|c", N(E("empty_name", at=0)))
g.add("invalid-utf8-name-before-bad-value", "An invalid name is reported before an invalid value.", b"\xff:x|c", N(E("invalid_utf8", at=0)), flags=["InvalidUtf8Name"])
g.add("control-before-invalid-utf8", "A control character is reported before invalid UTF-8 earlier in the line.", b"\xff\t:1|c",
      N(E("control_character", at=1)), flags=["InvalidUtf8Name", "ControlCharacter"])
g.add("out-of-range-before-field-spec-only", "A negative gauge: spec stops at the range; etsy's delta is fine and the field is reported.",
      "a:①-1|g|②#t", SE(N(E("value_out_of_range")), N(E("unknown_field", 2))), flags=["GaugeSignIsDelta", "DogStatsDTags"])
g.add("not-allowed-before-unknown-field", "A rate on a timer: not allowed in spec; etsy accepts it and reports the next field.",
      "a:1|ms|①@0.5|②#t", SE(N(E("sample_rate_not_allowed")), N(E("unknown_field", 2))), flags=["SampleRateOnNonCounter", "DogStatsDTags"])
g.add("set-member-colon-vs-type", "A set member with \":\": the type is unknown in spec before the member is read.", "a:②b:c|①s",
      SE(N(E("unknown_type")), N(E("invalid_value", 2))), flags=["SetType"])


# ==========================================================================
# asterisk
# ==========================================================================

g = group(
    "asterisk",
    [
        "What Asterisk puts on the wire: the lines res_chan_stats, res_endpoint_stats and res_pjsip send",
        "(peers-behaviour.md c.7) and every datagram of the StatsD() dialplan table (c.8), each without",
        "and with the trailing \"\\n\" of add_newline=yes. Asterisk relies on gauge deltas and sends rates",
        "with %.2f, so several of its lines are rejected by the strict spec dialect.",
    ],
    src("asterisk-source", "c.7 res_chan_stats"),
)
CHAN = src("asterisk-source", "c.7 res_chan_stats")
ENDP = src("asterisk-source", "c.7 res_endpoint_stats")
PJ = src("asterisk-source", "c.7 res_pjsip")


def c8(section):
    return src("asterisk-source", "c.8 " + section)


def delta_line(name, sign):
    """A '+1'/'-1' gauge line: spec refuses it, etsy reads a delta."""
    inp = "%s:①%s1|g" % (name, sign)
    spec_err = "invalid_value" if sign == "+" else "value_out_of_range"
    return inp, SE(N(E(spec_err)), Y(GD(name, sign.replace("+", "") + "1")))


# c.7 lines
for slug, name, sign, source in [
    ("channels-count-up", "channels.count", "+", CHAN),
    ("channels-count-down", "channels.count", "-", CHAN),
    ("endpoints-count-up", "endpoints.count", "+", ENDP),
    ("endpoints-count-down", "endpoints.count", "-", ENDP),
    ("endpoints-state-online-up", "endpoints.state.online", "+", ENDP),
    ("endpoints-state-offline-down", "endpoints.state.offline", "-", ENDP),
    ("endpoints-state-unknown-up", "endpoints.state.unknown", "+", ENDP),
    ("pjsip-contact-state-up", "PJSIP.contacts.states.Reachable", "+", PJ),
    ("pjsip-contact-state-down", "PJSIP.contacts.states.Unreachable", "-", PJ),
    ("pjsip-registrations-up", "PJSIP.registrations.count", "+", PJ),
    ("pjsip-registration-state-down", "PJSIP.registrations.state.Registered", "-", PJ),
    ("prefixed-channels-count-up", "asterisk.channels.count", "+", CHAN),
    ("prefixed-endpoints-count-down", "asterisk.endpoints.count", "-", ENDP),
]:
    inp, exp = delta_line(name, sign)
    g.add(slug, "%s sends %s1 on a gauge: a delta." % (source["section"][4:], sign), inp, exp, source, flags=["GaugeSignIsDelta"])
for slug, inp, exp, desc, source, flags in [
    ("stasis-message-meter", "stasis.message.ast_channel_snapshot_type:1|m", Y(M("stasis.message.ast_channel_snapshot_type")),
     "The Stasis message meter.", CHAN, ["MeterType", "EtsyHistogramMeterAsCounter"]),
    ("stasis-message-meter-prefixed", "asterisk.stasis.message.stasis_app_recording_snapshot_type:1|m",
     Y(M("asterisk.stasis.message.stasis_app_recording_snapshot_type")), "The Stasis meter with prefix=asterisk.", CHAN,
     ["MeterType", "EtsyHistogramMeterAsCounter"]),
    ("channels-calltime", "channels.calltime:1234|ms", Y(T("channels.calltime", "1234")), "The call duration timer.", CHAN, []),
    ("channels-calltime-prefixed", "asterisk.channels.calltime:1234|ms", Y(T("asterisk.channels.calltime", "1234")),
     "The call duration timer with prefix=asterisk.", CHAN, []),
    ("endpoint-channels-absolute", "endpoints.PJSIP.alice.channels:2|g", Y(G("endpoints.PJSIP.alice.channels", "2")),
     "The per-endpoint channel count is an absolute gauge (%jd).", ENDP, []),
    ("pjsip-contact-states-reset", "PJSIP.contacts.states.Reachable:0|g", Y(G("PJSIP.contacts.states.Reachable", "0")),
     "A contact-state gauge reset to 0 at load.", PJ, []),
    ("pjsip-rtt", "PJSIP.contacts.alice;@abc123.rtt:12|ms", Y(T("PJSIP.contacts.alice;@abc123.rtt", "12")),
     "A contact's round-trip time; the contact id holds \";@\".", PJ, ["EtsySanitizesNames"]),
    ("pjsip-rtt-double-at", "PJSIP.contacts.alice@@abc123.rtt:12|ms", Y(T("PJSIP.contacts.alice@@abc123.rtt", "12")),
     "A contact id of the \"@@\" form.", PJ, ["EtsySanitizesNames"]),
    ("pjsip-rtt-unavailable", "PJSIP.contacts.alice;@abc123.rtt:①-1|ms", N(E("value_out_of_range")),
     "An unreachable contact's rtt of -1 is a negative timer: rejected in both dialects.", PJ, ["AsteriskNegativeRtt", "NegativeTimer"]),
    ("pjsip-rtt-zero", "PJSIP.contacts.alice;@abc123.rtt:0|ms", Y(T("PJSIP.contacts.alice;@abc123.rtt", "0")),
     "An rtt below 1 ms is sent as 0.", PJ, []),
    ("prefix-with-dot", "asterisk..channels.count:①+1|g", SE(N(E("invalid_value")), Y(GD("asterisk..channels.count", "1"))),
     "prefix=asterisk. gives an empty path segment, which is still a valid name.", src("asterisk-source", "c.4 res_statsd"),
     ["AsteriskPrefixDot", "GaugeSignIsDelta"]),
    ("prefix-truncated-40", "a" * 40 + ".channels.calltime:1|ms", Y(T("a" * 40 + ".channels.calltime", "1")),
     "The prefix is silently cut to 40 bytes; the result is an ordinary name.", src("asterisk-source", "c.5 statsd.conf"), []),
]:
    g.add(slug, desc, inp, exp, source, flags=flags)
# meter_support=no (the inverted fallback, c.6)
MSF = ["AsteriskMeterFallback"]
g.add("meter-fallback-gauge", "meter_support=no renames a gauge delta to <name>_meter and sends it as a counter \"+1\".",
      "channels.count_meter:①+1|c", SE(N(E("invalid_value")), Y(C("channels.count_meter", "1"))), src("asterisk-source", "c.6 meter_support"),
      flags=MSF + ["NumberGrammar"])
g.add("meter-fallback-timer", "meter_support=no sends the call time as a counter.", "channels.calltime_meter:1234|c",
      Y(C("channels.calltime_meter", "1234")), src("asterisk-source", "c.6 meter_support"), flags=MSF)
g.add("meter-fallback-minus", "meter_support=no sends \"-1\" deltas as negative counts.", "confBridgeUsers_meter:-1|c",
      Y(C("confBridgeUsers_meter", "-1")), src("asterisk-source", "c.6 meter_support"), flags=MSF)

# c.8: every datagram of the dialplan table, without and with add_newline's "\n".
C8 = [
    ("confbridge-up", "g,confBridgeUsers,+1,1", "confBridgeUsers:①+1|g",
     SE(N(E("invalid_value")), Y(GD("confBridgeUsers", "1"))), ["GaugeSignIsDelta"]),
    ("confbridge-up-prefixed", "g,confBridgeUsers,+1,1 with prefix=asterisk", "asterisk.confBridgeUsers:①+1|g",
     SE(N(E("invalid_value")), Y(GD("asterisk.confBridgeUsers", "1"))), ["GaugeSignIsDelta"]),
    ("confbridge-down", "g,confBridgeUsers,-1", "confBridgeUsers:①-1|g",
     SE(N(E("value_out_of_range")), Y(GD("confBridgeUsers", "-1"))), ["GaugeSignIsDelta"]),
    ("temp-minus-five", "g,temp,-5", "temp:①-5|g", SE(N(E("value_out_of_range")), Y(GD("temp", "-5"))), ["GaugeSignIsDelta"]),
    ("calls-rate-half", "c,calls,1,0.5", "calls:1|c|@0.50", Y(C("calls", "1", "0.5")), []),
    ("calls-rate-rounds-to-zero", "c,calls,1,0.004", "calls:1|c|@①0.00", N(E("sample_rate_out_of_range")), ["AsteriskRateRounding", "SampleRateZero"]),
    ("calls-rate-rounds-to-one", "c,calls,1,0.999", "calls:1|c|@1.00", Y(C("calls", "1", "1")), ["AsteriskRateRounding"]),
    ("calls-no-rate", "c,calls,1,1", "calls:1|c", Y(C("calls", "1")), []),
    ("rtt-float", "ms,rtt,12.5", "rtt:12.5|ms", Y(T("rtt", "12.5")), []),
    ("rtt-dot", "ms,rtt,.", "rtt:①.|ms", N(E("invalid_value")), ["AsteriskUnvalidatedValue"]),
    ("counter-plus-dot", "c,x,+.", "x:①+.|c", N(E("invalid_value")), ["AsteriskUnvalidatedValue"]),
    ("set-alice", "s,users,alice", "users:alice|①s", SE(N(E("unknown_type")), Y(S("users", "alice"))), ["SetType"]),
    ("set-alice-rate", "s,users,alice,0.5", "users:alice|①s|@0.50", SE(N(E("unknown_type")), Y(S("users", "alice", "0.5"))),
     ["SetType", "SampleRateOnNonCounter"]),
    ("name-with-colon", "c,a:b,1", "a:①b:1|c", N(E("invalid_value")), ["NameWithColon"]),
    ("name-with-space", "c,a b,1", "a b:1|c", Y(C("a b", "1")), ["EtsySanitizesNames", "Whitespace"]),
    ("counter-double-bound", "c,x,9223372036854776832", "x:①9223372036854776832|c", N(E("value_out_of_range")), ["AsteriskUnvalidatedValue"]),
    ("meter-fallback-confbridge", "meter_support=no, g,confBridgeUsers,+1", "confBridgeUsers_meter:①+1|c",
     SE(N(E("invalid_value")), Y(C("confBridgeUsers_meter", "1"))), ["AsteriskMeterFallback", "NumberGrammar"]),
    ("meter-fallback-stasis", "meter_support=no, res_chan_stats meter", "stasis.message.ast_channel_snapshot_type:1|m",
     Y(M("stasis.message.ast_channel_snapshot_type")), ["AsteriskMeterFallback", "MeterType", "EtsyHistogramMeterAsCounter"]),
]
for slug, section, inp, exp, flags in C8:
    g.add("c8-" + slug, "StatsD(%s) sends this datagram." % section, inp, exp, c8("StatsD(%s)" % section), flags=flags)
    g.add("c8-" + slug + "-newline", "StatsD(%s) with add_newline=yes: the same line and a \"\\n\"." % section, inp + "\n", exp,
          c8("StatsD(%s) add_newline" % section), flags=flags)
# c.4 rate renderings (%.2f)
for slug, rendered, val, flags in [
    ("tenth", "0.10", "0.1", []),
    ("third", "0.33", "0.33", []),
    ("eighth", "0.12", "0.12", ["AsteriskRateRounding"]),
    ("three-eighths", "0.38", "0.38", ["AsteriskRateRounding"]),
    ("point-995", "0.99", "0.99", ["AsteriskRateRounding"]),
    ("point-005", "0.01", "0.01", ["AsteriskRateRounding"]),
]:
    g.add("rate-rendered-" + slug, "A rate rendered with %%.2f as %s." % rendered, "calls:1|c|@" + rendered, Y(C("calls", "1", val)),
          src("asterisk-source", "c.4 res_statsd"), flags=flags)
g.add("rate-on-gauge-delta", "The app sends a rate on every type: spec stops at the signed gauge; etsy keeps the delta and the rate.",
      "temp:①-5|g|@0.50", SE(N(E("value_out_of_range")), Y(GD("temp", "-5", "0.5"))), src("asterisk-source", "c.3 app_statsd"),
      flags=["GaugeSignIsDelta", "SampleRateOnNonCounter"])
g.add("rate-on-timer", "A rate on a timer from the app: not allowed in spec; kept in etsy.", "rtt:12.5|ms|①@0.50",
      SE(N(E("sample_rate_not_allowed")), Y(T("rtt", "12.5", "0.5"))), src("asterisk-source", "c.3 app_statsd"), flags=["SampleRateOnNonCounter"])
g.add("value-trailing-dot", "The app accepts and sends \"1.\".", "x:①1.|c", SE(N(E("invalid_value")), Y(C("x", "1.0"))),
      src("asterisk-source", "c.3 app_statsd"), flags=["AsteriskUnvalidatedValue", "NumberGrammar"])
g.add("value-leading-zeros", "The app sends \"007\" verbatim.", "x:①007|c", SE(N(E("invalid_value")), Y(C("x", "7"))),
      src("asterisk-source", "c.3 app_statsd"), flags=["AsteriskUnvalidatedValue", "NumberGrammar"])
g.add("value-leading-dot", "The app sends \".5\" verbatim.", "x:①.5|c", SE(N(E("invalid_value")), Y(C("x", "0.5"))),
      src("asterisk-source", "c.3 app_statsd"), flags=["AsteriskUnvalidatedValue", "NumberGrammar"])
g.add("name-with-newline", "A name holding \"\\n\" (from a dialplan variable) splits the datagram into two lines.",
      "alice\nbob:1|c", SE(Y(M("alice"), C("bob", "1")), N(E("missing_value", at=5), C("bob", "1"))), src("asterisk-source", "c.3 app_statsd"),
      flags=["BareNameMeter"])


# ==========================================================================
# clients
# ==========================================================================

g = group(
    "clients",
    [
        "What real client libraries put on the wire (peer-results.md client_* rows and the issue",
        "threads of peers-behaviour.md section 5). DogStatsD extensions (tags, \"d\", packed values) are",
        "rejected by both dialects of this version; those cases name spec and etsy explicitly.",
    ],
    client("pystatsd", "peer-results client_py_exp_plus"),
)
g.add("pystatsd-exponent-plus", "Python's float formatting sends \"1e+21\"; 1e21 is above 2^64, so out of range.", "g:①1e+21|g",
      N(E("value_out_of_range")), client("pystatsd", "peer-results client_py_exp_plus"), flags=["ClientExponentFormat"])
g.add("pystatsd-exponent-minus", "Python's float formatting sends \"1e-07\" (leading zero in the exponent).", "g:1e-07|g",
      Y(G("g", "1e-7")), client("pystatsd", "peer-results client_py_exp_neg"), flags=["ClientExponentFormat"])
g.add("pystatsd-timer-six-decimals", "pystatsd formats timers with %f: \"320.000000\" is the float 320.0.", "t:320.000000|ms",
      Y(T("t", "320.0")), client("pystatsd", "peer-results client_jsocol_timer"))
g.add("pystatsd-timer-fraction", "A timer with a fraction from %f.", "t:1.234000|ms", Y(T("t", "1.234")), client("pystatsd", "timing"))
g.add("pystatsd-negative-gauge-idiom", "pystatsd sets a negative gauge by sending 0 then the delta (spec rejects the second line).",
      "g:0|g\ng:①-5|g", SE(N(G("g", "0"), E("value_out_of_range")), Y(G("g", "0"), GD("g", "-5"))),
      client("pystatsd", "peer-results client_jsocol_neg_gauge"), flags=["GaugeSignIsDelta"])
g.add("pystatsd-delta-zero", "pystatsd sends a zero delta as \"+0\".", "g:①+0|g", SE(N(E("invalid_value")), Y(GD("g", "0"))),
      client("pystatsd", "peer-results client_jsocol_delta_zero"), flags=["GaugeSignIsDelta"])
g.add("pystatsd-delta-up", "pystatsd's gauge delta.", "g:①+5|g", SE(N(E("invalid_value")), Y(GD("g", "5"))), client("pystatsd", "gauge delta=True"),
      flags=["GaugeSignIsDelta"])
g.add("pystatsd-counter-rate", "A sampled counter.", "c:1|c|@0.1", Y(C("c", "1", "0.1")), client("pystatsd", "incr rate=0.1"))
g.add("pystatsd-set", "A set member.", "s:alice|①s", SE(N(E("unknown_type")), Y(S("s", "alice"))), client("pystatsd", "set"), flags=["SetType"])
g.add("pystatsd-batch", "A pipeline of three metrics in one datagram.", "a:1|c\nb:2|ms\nc:3|g", Y(C("a", "1"), T("b", "2"), G("c", "3")),
      client("pystatsd", "pipeline"))
DD = client("datadogpy", "peer-results client_dd_tags_nl")
g.add("dogstatsd-tags-rate-newline", "A DogStatsD client line: rate, tags and a trailing \"\\n\".", "c:1|c|@0.5|①#a:b\n",
      SE(N(E("unknown_field")), N(E("unknown_field"))), DD, flags=["DogStatsDTags"])
g.add("dogstatsd-tags", "DogStatsD tags on a counter.", "gorets:1|c|①#env:prod,host:a", SE(N(E("unknown_field")), N(E("unknown_field"))),
      client("datadogpy", "tags"), flags=["DogStatsDTags"])
g.add("dogstatsd-distribution", "A DogStatsD distribution.", "d:12.5|①d\n", SE(N(E("unknown_type")), N(E("unknown_type"))),
      client("datadogpy", "peer-results client_dd_dist"), flags=["DogStatsDExtension", "EtsyCountsUnknownTypes"])
g.add("dogstatsd-packed", "DogStatsD v1.1 packed values.", "a:①1:2:3|h", SE(N(E("invalid_value")), N(E("invalid_value"))),
      client("datadogpy", "value packing"), flags=["PackedValues"])
g.add("dogstatsd-timestamp", "A DogStatsD v1.3 timestamp field.", "a:1|c|①T1700000000", SE(N(E("unknown_field")), N(E("unknown_field"))),
      client("datadogpy", "timestamp"), flags=["DogStatsDExtension"])
g.add("dogstatsd-container", "A DogStatsD v1.2 container id.", "a:1|c|①c:abc123", SE(N(E("unknown_field")), N(E("unknown_field"))),
      client("datadogpy", "container id"), flags=["DogStatsDExtension"])
g.add("dogstatsd-event", "A DogStatsD event: name \"_e{5,4}\", value \"title\", type \"text\".", "_e{5,4}:title|①text",
      SE(N(E("unknown_type")), N(E("unknown_type"))), client("datadogpy", "event"), flags=["DogStatsDExtension"])
g.add("dogstatsd-service-check", "A DogStatsD service check: name \"_sc\" and no value.", "_sc①|my.check|0",
      SE(N(E("missing_value")), N(E("missing_value"))), client("datadogpy", "service check"), flags=["DogStatsDExtension"])
g.add("dogstatsd-histogram-tags", "A histogram with tags.", "h:3|h|①#a", SE(N(E("unknown_field")), N(E("unknown_field"))),
      client("datadogpy", "histogram"), flags=["DogStatsDTags"])
CAD = client("cadence", "builder.rs")
g.add("cadence-counter", "cadence's counter.", "prefix.hits:1|c", Y(C("prefix.hits", "1")), CAD)
g.add("cadence-meter", "cadence's meter (\"m\").", "prefix.marks:1|m", Y(M("prefix.marks")), CAD, flags=["MeterType", "EtsyHistogramMeterAsCounter"])
g.add("cadence-gauge-float", "cadence's f64 gauge.", "prefix.temp:21.5|g", Y(G("prefix.temp", "21.5")), CAD)
g.add("cadence-timer", "cadence's timer.", "prefix.latency:12|ms", Y(T("prefix.latency", "12")), CAD)
g.add("cadence-histogram", "cadence's histogram.", "prefix.size:512|h", Y(H("prefix.size", "512")), CAD, flags=["EtsyHistogramMeterAsCounter"])
g.add("cadence-sampled", "cadence's sampled counter (rate written with f64 Display).", "prefix.hits:1|c|@0.25", Y(C("prefix.hits", "1", "0.25")), CAD)
g.add("cadence-tags", "cadence's DogStatsD tags.", "prefix.hits:1|c|①#env:prod", SE(N(E("unknown_field")), N(E("unknown_field"))), CAD,
      flags=["DogStatsDTags"])
g.add("cadence-nan-gauge", "cadence formats a NaN gauge as \"NaN\".", "prefix.temp:①NaN|g", N(E("invalid_value")), CAD, flags=["NonFinite"])
g.add("cadence-inf-gauge", "cadence formats an infinite gauge as \"inf\".", "prefix.temp:①inf|g", N(E("invalid_value")), CAD, flags=["NonFinite"])
g.add("cyberdelia-rate-zero", "Rates below 0.01 formatted as \"0.00\" (cyberdelia/statsd#2).", "a:1|c|@①0.00", N(E("sample_rate_out_of_range")),
      client("cyberdelia-statsd", "issue 2"), flags=["SampleRateZero"])
g.add("ex-statsd-inverse-rate", "An inverse rate \"2.00\" (CargoSense/ex_statsd#20).", "a:1|c|@①2.00", N(E("sample_rate_out_of_range")),
      client("ex_statsd", "issue 20"), flags=["SampleRateAboveOne"])
g.add("nginx-statsd-missing-pipe", "A rate without its \"|\" (zebrafishlabs/nginx-statsd#4).", "a:1|①c@0.1", N(E("unknown_type")),
      client("nginx-statsd", "issue 4"), flags=["EtsyCountsUnknownTypes"])
g.add("python-dogstatsd-rate-zero", "A legacy Python dogstatsd traceback came from \"|@0\" (statsd-php#56).", "a:1|c|@①0",
      N(E("sample_rate_out_of_range")), client("statsd-php", "issue 56"), flags=["SampleRateZero"])
g.add("metrics-exporter-counter-wrap", "metrics-exporter-statsd casts u64 counters to i64: a wrapped value is negative but valid.",
      "requests:-9223372036854775807|c", Y(C("requests", "-9223372036854775807")), client("metrics-exporter-statsd", "recorder.rs"),
      flags=["ExactIntegers"])
g.add("java-trailing-newline", "A client that ends every datagram with \"\\n\".", "a:1|c\n", Y(C("a", "1")), client("java-statsd-client", "datagram"))
g.add("nc-crlf", "nc -C appends \"\\r\\n\" (prometheus/statsd_exporter#167).", "a:1|c①\r\n", SE(N(E("control_character")), Y(C("a", "1"))),
      client("netcat", "statsd_exporter issue 167"), flags=["CRLF"])
g.add("telegraf-tiny-rate", "A tiny rate on a timer (influxdata/telegraf#18226).", "valid:0|ms|①@0.000000001",
      SE(N(E("sample_rate_not_allowed")), Y(T("valid", "0", "0.000000001"))), peer("telegraf", "issue 18226"),
      flags=["ClientTinyRate", "SampleRateOnNonCounter"])
g.add("statsd-exporter-panic-name", "\":100|ms\" panicked statsd_exporter (#48): an empty name here.", "①:100|ms", N(E("empty_name")),
      peer("statsd-exporter", "issue 48"), flags=["EmptyName"])
g.add("statsd-exporter-panic-pipe", "\"foo:1|c|\" panicked statsd_exporter (#48): an empty field here.", "foo:1|c|①", N(E("unknown_field")),
      peer("statsd-exporter", "issue 48"), flags=["UnknownFieldIgnored"])
g.add("statsdaemon-panic-colon", "A line ending in \":\" panicked bitly/statsdaemon (#54).", "foo:①", N(E("missing_value")),
      peer("statsdaemon", "issue 54"))
g.add("statsdaemon-panic-pipe", "A line ending in \"|\" panicked bitly/statsdaemon (#54).", "foo:1|①", N(E("missing_type")),
      peer("statsdaemon", "issue 54"))


# ==========================================================================
# peers: every row of peers-behaviour.md (b) and every case of peer-results.md
# ==========================================================================

g = group(
    "peers",
    [
        "Every row of the edge-case catalogue in peers-behaviour.md section (b) (117 rows, ids row-NNN-...)",
        "and every datagram of peer-results.md (111 cases, ids obs-...), with this project's verdict per",
        "dialect. The source names the peer whose behaviour the row documents best; flags mark where",
        "well-known peers disagree with the verdict.",
    ],
    peer("etsy-statsd", "row 1"),
)

ETSY, NETDATA, GOSTATSD, COLLECTD, BRUBECK, STATSITE, TELEGRAF, VECTOR, DOGSTATSD, STATSDPARSER = (
    "etsy-statsd", "netdata", "gostatsd", "collectd", "brubeck", "statsite", "telegraf", "vector", "dogstatsd-agent", "statsd-parser")

# (row, slug, input, expectation, peer, flags). Inputs are the catalogue's, escapes decoded.
ROWS = [
    (1, "counter", "a:1|c", Y(C("a", "1")), BRUBECK, []),
    (2, "gauge", "a:1|g", Y(G("a", "1")), ETSY, []),
    (3, "timer", "a:1|ms", Y(T("a", "1")), VECTOR, []),
    (4, "histogram", "a:1|h", Y(H("a", "1")), ETSY, ["EtsyHistogramMeterAsCounter"]),
    (5, "meter", "a:1|m", Y(M("a")), NETDATA, ["MeterType", "EtsyHistogramMeterAsCounter"]),
    (6, "set", "a:1|①s", SE(N(E("unknown_type")), Y(S("a", "1"))), ETSY, ["SetType"]),
    (7, "distribution", "a:1|①d", SE(N(E("unknown_type")), N(E("unknown_type"))), ETSY, ["DogStatsDExtension", "EtsyCountsUnknownTypes"]),
    (8, "bare-name", "a①", SE(Y(M("a")), N(E("missing_value"))), NETDATA, ["BareNameMeter"]),
    (9, "no-type", "a:1①", N(E("missing_type")), NETDATA, ["NetdataFillsDefaults"]),
    (10, "colon-only", "a:①", N(E("missing_value")), NETDATA, ["NetdataFillsDefaults"]),
    (11, "empty-name", "①:1|c", N(E("empty_name")), ETSY, ["EmptyName"]),
    (12, "empty-counter-value", "a:①|c", N(E("missing_value")), BRUBECK, ["NetdataFillsDefaults"]),
    (13, "empty-gauge-value", "a:①|g", N(E("missing_value")), GOSTATSD, ["GostatsdPanic"]),
    (14, "empty-set-member", "a:①|s", N(E("missing_value")), ETSY, ["EtsyEmptySetMember", "SetType"]),
    (15, "empty-timer-value", "a:①|ms", N(E("missing_value")), BRUBECK, []),
    (16, "unknown-type-x", "a:1|①x", N(E("unknown_type")), ETSY, ["EtsyCountsUnknownTypes"]),
    (17, "empty-type", "a:1|①", N(E("missing_type")), NETDATA, ["EtsyCountsUnknownTypes", "NetdataFillsDefaults"]),
    (18, "upper-c", "a:1|①C", N(E("unknown_type")), BRUBECK, ["EtsyCountsUnknownTypes"]),
    (19, "kv", "a:1|①kv", N(E("unknown_type")), STATSITE, ["EtsyCountsUnknownTypes"]),
    (20, "cc", "a:1|①cc", N(E("unknown_type")), ETSY, ["EtsyCountsUnknownTypes"]),
    (21, "gauge-plus", "a:①+1|g", SE(N(E("invalid_value")), Y(GD("a", "1"))), GOSTATSD, ["GaugeSignIsDelta"]),
    (22, "gauge-minus", "a:①-1|g", SE(N(E("value_out_of_range")), Y(GD("a", "-1"))), GOSTATSD, ["GaugeSignIsDelta"]),
    (23, "counter-plus", "a:①+1|c", SE(N(E("invalid_value")), Y(C("a", "1"))), ETSY, ["NumberGrammar"]),
    (24, "counter-minus", "a:-1|c", Y(C("a", "-1")), ETSY, []),
    (25, "timer-plus", "a:①+5|ms", SE(N(E("invalid_value")), Y(T("a", "5"))), TELEGRAF, ["NumberGrammar"]),
    (26, "timer-minus", "a:①-5|ms", N(E("value_out_of_range")), ETSY, ["NegativeTimer"]),
    (27, "histogram-minus", "a:①-5|h", N(E("value_out_of_range")), ETSY, ["NegativeTimer", "EtsyHistogramMeterAsCounter"]),
    (28, "meter-minus", "a:①-1|m", N(E("value_out_of_range")), NETDATA, ["MeterType", "EtsyHistogramMeterAsCounter"]),
    (29, "gauge-set-then-minus", "a:10|g\na:①-3|g", SE(N(G("a", "10"), E("value_out_of_range")), Y(G("a", "10"), GD("a", "-3"))), GOSTATSD, ["GaugeSignIsDelta"]),
    (30, "gauge-zero-then-minus", "a:0|g\na:①-5|g", SE(N(G("a", "0"), E("value_out_of_range")), Y(G("a", "0"), GD("a", "-5"))), ETSY, ["GaugeSignIsDelta"]),
    (31, "gauge-minus-zero", "a:-0|g", SE(Y(G("a", "0")), Y(GD("a", "0"))), ETSY, ["GaugeSignIsDelta", "NegativeZero"]),
    (32, "counter-float", "a:1.5|c", Y(C("a", "1.5")), GOSTATSD, ["FloatCounter"]),
    (33, "counter-leading-dot", "a:①.5|c", SE(N(E("invalid_value")), Y(C("a", "0.5"))), ETSY, ["NumberGrammar", "FloatCounter"]),
    (34, "counter-trailing-dot", "a:①5.|c", SE(N(E("invalid_value")), Y(C("a", "5.0"))), ETSY, ["NumberGrammar"]),
    (35, "timer-exponent", "a:1e3|ms", Y(T("a", "1000.0")), VECTOR, []),
    (36, "counter-exponent-upper", "a:1E3|c", Y(C("a", "1000.0")), NETDATA, []),
    (37, "exponent-no-digits", "a:①1e|c", N(E("invalid_value")), STATSITE, []),
    (38, "hex", "a:①0x10|c", N(E("invalid_value")), ETSY, ["EtsyJsNumber"]),
    (39, "binary", "a:①0b101|c", N(E("invalid_value")), ETSY, ["EtsyJsNumber"]),
    (40, "nan", "a:①NaN|g", N(E("invalid_value")), COLLECTD, ["NonFinite"]),
    (41, "inf", "a:①inf|g", N(E("invalid_value")), COLLECTD, ["NonFinite"]),
    (42, "infinity", "a:①Infinity|g", N(E("invalid_value")), ETSY, ["NonFinite", "EtsyJsNumber"]),
    (43, "minus-infinity", "a:①-Infinity|g", N(E("invalid_value")), ETSY, ["NonFinite", "EtsyJsNumber"]),
    (44, "leading-space-value", "a:① 1|c", N(E("invalid_value")), ETSY, ["Whitespace", "EtsyJsNumber"]),
    (45, "trailing-space-value", "a:①1 |c", N(E("invalid_value")), ETSY, ["Whitespace", "EtsyJsNumber"]),
    (46, "underscore", "a:①1_000|c", N(E("invalid_value")), GOSTATSD, []),
    (47, "gauge-2p64", "a:①18446744073709551616|g", N(E("value_out_of_range")), ETSY, []),
    (48, "gauge-2p64-minus-1", "a:18446744073709551615|g", Y(G("a", "18446744073709551615")), ETSY, ["ExactIntegers"]),
    (49, "counter-2p63", "a:①9223372036854775808|c", N(E("value_out_of_range")), GOSTATSD, []),
    (50, "counter-2p53-plus-1", "a:9007199254740993|c", Y(C("a", "9007199254740993")), TELEGRAF, ["ExactIntegers"]),
    (51, "gauge-1e400", "a:①1e400|g", N(E("value_out_of_range")), ETSY, ["NonFinite"]),
    (52, "leading-zeros", "a:①00012|c", SE(N(E("invalid_value")), Y(C("a", "12"))), BRUBECK, ["NumberGrammar"]),
    (53, "dot-only", "a:①.|c", N(E("invalid_value")), STATSITE, ["AsteriskUnvalidatedValue"]),
    (54, "plus-only", "a:①+|g", N(E("invalid_value")), STATSITE, []),
    (55, "two-dots", "a:①1.2.3|c", N(E("invalid_value")), STATSITE, []),
    (56, "rate-half", "a:1|c|@0.5", Y(C("a", "1", "0.5")), ETSY, []),
    (57, "rate-zero", "a:1|c|@①0", N(E("sample_rate_out_of_range")), ETSY, ["SampleRateZero"]),
    (58, "rate-above-one", "a:1|c|@①1.5", N(E("sample_rate_out_of_range")), GOSTATSD, ["SampleRateAboveOne"]),
    (59, "rate-negative", "a:1|c|@①-0.5", SE(N(E("sample_rate_out_of_range")), N(E("invalid_sample_rate"))), GOSTATSD, ["SampleRateGrammar"]),
    (60, "rate-empty", "a:1|c|@①", N(E("invalid_sample_rate")), TELEGRAF, ["SampleRateGrammar"]),
    (61, "rate-letters", "a:1|c|@①abc", N(E("invalid_sample_rate")), NETDATA, ["SampleRateGrammar"]),
    (62, "rate-leading-dot", "a:1|c|@①.5", SE(N(E("invalid_sample_rate")), Y(C("a", "1", "0.5"))), ETSY, ["SampleRateGrammar"]),
    (63, "rate-exponent", "a:1|c|@①1e-1", SE(Y(C("a", "1", "0.1")), N(E("invalid_sample_rate"))), ETSY, ["SampleRateGrammar", "EtsyRateMisparsed"]),
    (64, "rate-plus", "a:1|c|@①+0.5", N(E("invalid_sample_rate")), ETSY, ["EtsyCrash", "SampleRateGrammar"]),
    (65, "rate-space", "a:1|c|@① 0.5", N(E("invalid_sample_rate")), ETSY, ["EtsyCrash", "SampleRateGrammar", "Whitespace"]),
    (66, "rate-infinity", "a:1|c|@①Infinity", N(E("invalid_sample_rate")), ETSY, ["EtsyCrash", "SampleRateGrammar", "NonFinite"]),
    (67, "rate-hex", "a:1|c|@①0x1", N(E("invalid_sample_rate")), ETSY, ["EtsyRateMisparsed", "SampleRateGrammar"]),
    (68, "gauge-rate", "a:1|g|①@0.5", SE(N(E("sample_rate_not_allowed")), Y(G("a", "1", "0.5"))), COLLECTD, ["SampleRateOnNonCounter"]),
    (69, "timer-rate", "a:1|ms|①@0.5", SE(N(E("sample_rate_not_allowed")), Y(T("a", "1", "0.5"))), COLLECTD, ["SampleRateOnNonCounter"]),
    (70, "set-rate", "a:1|①s|@0.5", SE(N(E("unknown_type")), Y(S("a", "1", "0.5"))), ETSY, ["SampleRateOnNonCounter", "SetType"]),
    (71, "rate-without-at", "a:1|c|①0.5", N(E("unknown_field")), GOSTATSD, ["UnknownFieldIgnored"]),
    (72, "rate-without-pipe", "a:1|①c@0.5", N(E("unknown_type")), NETDATA, ["EtsyCountsUnknownTypes"]),
    (73, "rate-twice", "a:1|c|@0.5|①@0.25", N(E("duplicate_sample_rate")), GOSTATSD, ["DuplicateRate"]),
    (74, "rate-then-field", "a:1|c|@0.5|①x", N(E("unknown_field")), ETSY, ["UnknownFieldIgnored"]),
    (75, "tags", "a:1|c|①#t:v", SE(N(E("unknown_field")), N(E("unknown_field"))), ETSY, ["DogStatsDTags"]),
    (76, "rate-then-tags", "a:1|c|@0.5|①#t:v,u", SE(N(E("unknown_field")), N(E("unknown_field"))), STATSITE, ["DogStatsDTags"]),
    (77, "tags-then-rate", "a:1|c|①#t:v|@0.5", SE(N(E("unknown_field")), N(E("unknown_field"))), VECTOR, ["DogStatsDTags"]),
    (78, "tags-empty", "a:1|c|①#", SE(N(E("unknown_field")), N(E("unknown_field"))), VECTOR, ["DogStatsDTags"]),
    (79, "container-id", "a:1|c|①c:abc123", SE(N(E("unknown_field")), N(E("unknown_field"))), DOGSTATSD, ["DogStatsDExtension"]),
    (80, "timestamp", "a:1|c|①T1700000000", SE(N(E("unknown_field")), N(E("unknown_field"))), DOGSTATSD, ["DogStatsDExtension"]),
    (81, "influx-tags-name", "a,t=v:1|c", Y(C("a,t=v", "1")), TELEGRAF, ["EtsySanitizesNames"]),
    (82, "graphite-tags-name", "a;t=v:1|c", Y(C("a;t=v", "1")), NETDATA, []),
    (83, "packed-values", "a:①1:2|c", SE(N(E("invalid_value")), N(E("invalid_value"))), DOGSTATSD, ["PackedValues"]),
    (84, "multi-metric", "a:1|①c:2|c", N(E("unknown_type")), ETSY, ["EtsyMultiMetric"]),
    (85, "packed-timer", "a:①1:2|ms", SE(N(E("invalid_value")), N(E("invalid_value"))), DOGSTATSD, ["PackedValues"]),
    (86, "multi-metric-types", "a:1|①c:2|g", N(E("unknown_type")), TELEGRAF, ["EtsyMultiMetric"]),
    (87, "trailing-colon-value", "a:①1:|c", N(E("invalid_value")), GOSTATSD, ["PackedValues"]),
    (88, "space-in-name", "a b:1|c", Y(C("a b", "1")), BRUBECK, ["EtsySanitizesNames", "Whitespace"]),
    (89, "slash-in-name", "a/b:1|c", Y(C("a/b", "1")), ETSY, ["EtsySanitizesNames"]),
    (90, "dot-in-name", "a.b:1|c", Y(C("a.b", "1")), TELEGRAF, []),
    (91, "trailing-dot-name", "a.:1|c", Y(C("a.", "1")), BRUBECK, []),
    (92, "e-acute-name", "\u00e9:1|c", Y(C("\u00e9", "1")), ETSY, ["EtsySanitizesNames", "NonAsciiName"]),
    (93, "naive-euro-name", "na\u00efve.\u20ac:1|c", Y(C("na\u00efve.\u20ac", "1")), ETSY, ["EtsySanitizesNames", "NonAsciiName"]),
    (94, "equals-in-name", "a=b:1|c", Y(C("a=b", "1")), NETDATA, ["EtsySanitizesNames"]),
    (95, "colon-in-name", "a:①b:1|c", N(E("invalid_value")), COLLECTD, ["NameWithColon"]),
    (96, "pipe-in-name", "a①|b:1|c", N(E("missing_value")), ETSY, ["NameWithColon"]),
    (97, "at-in-name", "a@b:1|c", Y(C("a@b", "1")), ETSY, ["EtsySanitizesNames"]),
    (98, "hash-in-name", "a#b:1|c", Y(C("a#b", "1")), ETSY, ["EtsySanitizesNames"]),
    (99, "tab-in-name", "a①\tb:1|c", N(E("control_character")), TELEGRAF, ["ControlCharacter"]),
    (100, "trailing-newline", "a:1|c\n", Y(C("a", "1")), ETSY, []),
    (101, "crlf", "a:1|c①\r\n", SE(N(E("control_character")), Y(C("a", "1"))), DOGSTATSD, ["CRLF"]),
    (102, "blank-line", "a:1|c\n\nb:1|c", Y(C("a", "1"), C("b", "1")), GOSTATSD, ["EmptyLines"]),
    (103, "only-newline", "\n", Y(), VECTOR, ["EmptyLines"]),
    (104, "empty-datagram", "", Y(), STATSDPARSER, []),
    (105, "two-lines", "a:1|c\nb:2|c", Y(C("a", "1"), C("b", "2")), ETSY, []),
    (106, "bare-cr", "a:1|c①\rb:2|c", N(E("control_character")), ETSY, ["EtsyBareCRMerge"]),
    (107, "leading-space-name", " a:1|c", Y(C(" a", "1")), ETSY, ["EtsySanitizesNames", "Whitespace"]),
    (108, "trailing-space-type", "a:1|①c ", N(E("unknown_type")), TELEGRAF, ["Whitespace"]),
    (109, "trailing-nul", "a:1|c①\u0000", N(E("control_character")), GOSTATSD, ["ControlCharacter"]),
    (110, "timer-trailing-cr", "a:1|ms①\r", SE(N(E("control_character")), Y(T("a", "1"))), ETSY, ["CRLF"]),
    (111, "negative-timer-trailing-cr", "a:②-5|ms①\r", SE(N(E("control_character")), N(E("value_out_of_range", 2))), ETSY, ["EtsyNegativeTimerCR", "CRLF"]),
    (112, "set-word", "a:foo|①s", SE(N(E("unknown_type")), Y(S("a", "foo"))), STATSDPARSER, ["SetType"]),
    (113, "set-with-space", "a:foo bar|①s", SE(N(E("unknown_type")), Y(S("a", "foo bar"))), BRUBECK, ["SetType", "Whitespace"]),
    (114, "set-negative", "a:-1|①s", SE(N(E("unknown_type")), Y(S("a", "-1"))), TELEGRAF, ["SetType"]),
    (115, "meter-empty-value", "a:①|m", N(E("missing_value")), NETDATA, ["NetdataFillsDefaults", "MeterType"]),
    (116, "dogstatsd-event", "_e{1,1}:a|①b", SE(N(E("unknown_type")), N(E("unknown_type"))), DOGSTATSD, ["DogStatsDExtension"]),
    (117, "dogstatsd-service-check", "_sc①|name|0", SE(N(E("missing_value")), N(E("missing_value"))), DOGSTATSD, ["DogStatsDExtension"]),
]
assert [r[0] for r in ROWS] == list(range(1, 118))
for row, slug, inp, exp, who, flags in ROWS:
    g.add("row-%03d-%s" % (row, slug), "peers-behaviour.md (b) row %d." % row, inp, exp, peer(who, "row %d" % row), flags=flags)

# (case name in peer-results.md, input, expectation, peer, flags)
OBS = [
    ("c_basic", "gorets:1|c", Y(C("gorets", "1")), ETSY, []),
    ("c_rate_0.5", "gorets:1|c|@0.5", Y(C("gorets", "1", "0.5")), ETSY, []),
    ("c_rate_1", "gorets:1|c|@1", Y(C("gorets", "1", "1")), ETSY, []),
    ("c_rate_0", "gorets:1|c|@①0", N(E("sample_rate_out_of_range")), ETSY, ["SampleRateZero"]),
    ("c_rate_1.5", "gorets:1|c|@①1.5", N(E("sample_rate_out_of_range")), ETSY, ["SampleRateAboveOne"]),
    ("c_rate_-1", "gorets:1|c|@①-1", SE(N(E("sample_rate_out_of_range")), N(E("invalid_sample_rate"))), NETDATA, ["SampleRateGrammar"]),
    ("c_rate_empty", "gorets:1|c|@①", N(E("invalid_sample_rate")), NETDATA, ["SampleRateGrammar"]),
    ("c_rate_no_at", "gorets:1|c|①0.5", N(E("unknown_field")), NETDATA, ["UnknownFieldIgnored"]),
    ("c_rate_plus", "gorets:1|c|@①+0.5", N(E("invalid_sample_rate")), ETSY, ["EtsyCrash", "SampleRateGrammar"]),
    ("c_rate_exp", "gorets:1|c|@①1e-1", SE(Y(C("gorets", "1", "0.1")), N(E("invalid_sample_rate"))), ETSY, ["EtsyRateMisparsed", "SampleRateGrammar"]),
    ("c_rate_leading_dot", "gorets:1|c|@①.5", SE(N(E("invalid_sample_rate")), Y(C("gorets", "1", "0.5"))), ETSY, ["SampleRateGrammar"]),
    ("c_rate_tiny", "gorets:1|c|@0.000001", Y(C("gorets", "1", "0.000001")), NETDATA, ["ClientTinyRate"]),
    ("c_rate_twice", "gorets:1|c|@0.5|①@0.5", N(E("duplicate_sample_rate")), ETSY, ["DuplicateRate"]),
    ("c_rate_space", "gorets:1|c|@① 0.5", N(E("invalid_sample_rate")), ETSY, ["EtsyCrash", "SampleRateGrammar", "Whitespace"]),
    ("c_rate_Infinity", "gorets:1|c|@①Infinity", N(E("invalid_sample_rate")), ETSY, ["EtsyCrash", "SampleRateGrammar", "NonFinite"]),
    ("c_neg", "gorets:-3|c", Y(C("gorets", "-3")), ETSY, []),
    ("c_plus", "gorets:①+1|c", SE(N(E("invalid_value")), Y(C("gorets", "1"))), ETSY, ["NumberGrammar"]),
    ("c_float", "gorets:1.5|c", Y(C("gorets", "1.5")), NETDATA, ["FloatCounter"]),
    ("c_empty_value", "gorets:①|c", N(E("missing_value")), NETDATA, ["NetdataFillsDefaults"]),
    ("c_type_upper_C", "gorets:1|①C", N(E("unknown_type")), ETSY, ["EtsyCountsUnknownTypes"]),
    ("g_basic", "gaugor:333|g", Y(G("gaugor", "333")), ETSY, []),
    ("g_plus", "gaugor:①+4|g", SE(N(E("invalid_value")), Y(GD("gaugor", "4"))), ETSY, ["GaugeSignIsDelta"]),
    ("g_minus", "gaugor:①-4|g", SE(N(E("value_out_of_range")), Y(GD("gaugor", "-4"))), ETSY, ["GaugeSignIsDelta"]),
    ("g_float", "gaugor:3.14|g", Y(G("gaugor", "3.14")), ETSY, []),
    ("g_set_then_deltas", "gaugor:10|g\ngaugor:①+5|g\ngaugor:②-3|g",
     SE(N(G("gaugor", "10"), E("invalid_value"), E("value_out_of_range", 2)), Y(G("gaugor", "10"), GD("gaugor", "5"), GD("gaugor", "-3"))), ETSY, ["GaugeSignIsDelta"]),
    ("g_minus_zero", "gaugor:-0|g", SE(Y(G("gaugor", "0")), Y(GD("gaugor", "0"))), ETSY, ["GaugeSignIsDelta", "NegativeZero"]),
    ("g_plus_empty", "gaugor:①+|g", N(E("invalid_value")), NETDATA, []),
    ("g_double_sign", "gaugor:①--1|g", N(E("invalid_value")), NETDATA, []),
    ("g_rate", "gaugor:333|g|①@0.5", SE(N(E("sample_rate_not_allowed")), Y(G("gaugor", "333", "0.5"))), COLLECTD, ["SampleRateOnNonCounter"]),
    ("g_delta_rate", "gaugor:①+4|g|@0.5", SE(N(E("invalid_value")), Y(GD("gaugor", "4", "0.5"))), NETDATA, ["GaugeSignIsDelta", "SampleRateOnNonCounter"]),
    ("g_empty_value", "gaugor:①|g", N(E("missing_value")), ETSY, ["GostatsdPanic"]),
    ("ms_basic", "glork:320|ms", Y(T("glork", "320")), ETSY, []),
    ("ms_float", "glork:3.25|ms", Y(T("glork", "3.25")), COLLECTD, []),
    ("ms_neg", "glork:①-1|ms", N(E("value_out_of_range")), ETSY, ["NegativeTimer"]),
    ("ms_rate_0.1", "glork:320|ms|①@0.1", SE(N(E("sample_rate_not_allowed")), Y(T("glork", "320", "0.1"))), COLLECTD, ["SampleRateOnNonCounter"]),
    ("ms_rate_0", "glork:320|ms|①@②0", SE(N(E("sample_rate_not_allowed")), N(E("sample_rate_out_of_range", 2))), ETSY,
     ["SampleRateOnNonCounter", "SampleRateZero"]),
    ("ms_exp_upper", "glork:1E2|ms", Y(T("glork", "100.0")), ETSY, []),
    ("ms_empty_value", "glork:①|ms", N(E("missing_value")), ETSY, []),
    ("h_basic", "hist:42|h", Y(H("hist", "42")), ETSY, ["EtsyHistogramMeterAsCounter"]),
    ("m_basic", "meter:1|m", Y(M("meter")), ETSY, ["MeterType", "EtsyHistogramMeterAsCounter"]),
    ("d_basic", "dist:12|①d", SE(N(E("unknown_type")), N(E("unknown_type"))), ETSY, ["DogStatsDExtension", "EtsyCountsUnknownTypes"]),
    ("s_basic", "uniques:765|①s", SE(N(E("unknown_type")), Y(S("uniques", "765"))), ETSY, ["SetType"]),
    ("s_string", "uniques:abc|①s", SE(N(E("unknown_type")), Y(S("uniques", "abc"))), ETSY, ["SetType"]),
    ("s_empty_value", "uniques:①|s", N(E("missing_value")), ETSY, ["EtsyEmptySetMember", "SetType"]),
    ("s_rate", "uniques:765|①s|@0.5", SE(N(E("unknown_type")), Y(S("uniques", "765", "0.5"))), ETSY, ["SetType", "SampleRateOnNonCounter"]),
    ("bare_name", "gorets①", SE(Y(M("gorets")), N(E("missing_value"))), NETDATA, ["BareNameMeter"]),
    ("name_value_no_type", "gorets:1①", N(E("missing_type")), NETDATA, ["NetdataFillsDefaults"]),
    ("name_type_no_value", "gorets①|c", N(E("missing_value")), NETDATA, ["NetdataFillsDefaults"]),
    ("empty_name", "①:1|c", N(E("empty_name")), ETSY, ["EmptyName"]),
    ("empty_input", "", Y(), ETSY, []),
    ("only_newline", "\n", Y(), ETSY, ["EmptyLines"]),
    ("unknown_type", "gorets:1|①x", N(E("unknown_type")), ETSY, ["EtsyCountsUnknownTypes"]),
    ("empty_type", "gorets:1|①", N(E("missing_type")), ETSY, ["EtsyCountsUnknownTypes", "NetdataFillsDefaults"]),
    ("trailing_pipe_after_type", "gorets:1|c|①", N(E("unknown_field")), STATSDPARSER, ["UnknownFieldIgnored"]),
    ("extra_field", "gorets:1|c|@0.5|①extra", N(E("unknown_field")), ETSY, ["UnknownFieldIgnored"]),
    ("name_with_colon", "a:①b:1|c", N(E("invalid_value")), COLLECTD, ["NameWithColon"]),
    ("etsy_multi_value", "gorets:1|①c:2|c", N(E("unknown_type")), ETSY, ["EtsyMultiMetric"]),
    ("v_exp", "gorets:1e3|c", Y(C("gorets", "1000.0")), ETSY, []),
    ("v_exp_gauge", "gaugor:1.5e-3|g", Y(G("gaugor", "0.0015")), ETSY, []),
    ("v_nan", "gaugor:①NaN|g", N(E("invalid_value")), COLLECTD, ["NonFinite"]),
    ("v_nan_lower", "gaugor:①nan|g", N(E("invalid_value")), COLLECTD, ["NonFinite"]),
    ("v_inf", "gaugor:①inf|g", N(E("invalid_value")), COLLECTD, ["NonFinite"]),
    ("v_Infinity", "gaugor:①Infinity|g", N(E("invalid_value")), ETSY, ["NonFinite", "EtsyJsNumber"]),
    ("v_hex", "gorets:①0x10|c", N(E("invalid_value")), ETSY, ["EtsyJsNumber"]),
    ("v_2p53_plus_1", "gorets:9007199254740993|c", Y(C("gorets", "9007199254740993")), STATSDPARSER, ["ExactIntegers"]),
    ("v_2p63", "gorets:①9223372036854775808|c", N(E("value_out_of_range")), NETDATA, []),
    ("v_2p64", "gorets:①18446744073709551616|c", N(E("value_out_of_range")), NETDATA, []),
    ("v_2p64_gauge", "gaugor:①18446744073709551616|g", N(E("value_out_of_range")), ETSY, []),
    ("v_1e400", "gorets:①1e400|c", N(E("value_out_of_range")), ETSY, ["NonFinite"]),
    ("v_leading_zero", "gorets:①007|c", SE(N(E("invalid_value")), Y(C("gorets", "7"))), ETSY, ["NumberGrammar"]),
    ("v_dot_only", "gorets:①.|c", N(E("invalid_value")), NETDATA, []),
    ("v_trailing_dot", "gorets:①1.|c", SE(N(E("invalid_value")), Y(C("gorets", "1.0"))), ETSY, ["NumberGrammar"]),
    ("v_leading_dot", "gaugor:①.5|g", SE(N(E("invalid_value")), Y(G("gaugor", "0.5"))), ETSY, ["NumberGrammar"]),
    ("v_underscore", "gorets:①1_000|c", N(E("invalid_value")), NETDATA, []),
    ("v_comma", "gorets:①1,5|c", N(E("invalid_value")), NETDATA, []),
    ("v_timer_1e300", "glork:①1e300|ms", N(E("value_out_of_range")), ETSY, []),
    ("space_in_name", "my metric:1|c", Y(C("my metric", "1")), ETSY, ["EtsySanitizesNames", "Whitespace"]),
    ("spaces_around_value", "gorets:① 1 |c", N(E("invalid_value")), ETSY, ["Whitespace", "EtsyJsNumber"]),
    ("leading_spaces", "  gorets:1|c", Y(C("  gorets", "1")), ETSY, ["EtsySanitizesNames", "Whitespace"]),
    ("trailing_space", "gorets:1|①c ", N(E("unknown_type")), ETSY, ["Whitespace"]),
    ("tab_in_name", "a①\tb:1|c", N(E("control_character")), ETSY, ["ControlCharacter", "EtsySanitizesNames"]),
    ("slash_in_name", "a/b:1|c", Y(C("a/b", "1")), ETSY, ["EtsySanitizesNames"]),
    ("hash_in_name", "a#b:1|c", Y(C("a#b", "1")), ETSY, ["EtsySanitizesNames"]),
    ("unicode_name", "caf\u00e9.gr\u00f6\u00dfe:1|c", Y(C("caf\u00e9.gr\u00f6\u00dfe", "1")), ETSY, ["EtsySanitizesNames", "NonAsciiName"]),
    ("emoji_name", "\U0001f680:1|c", Y(C("\U0001f680", "1")), ETSY, ["EtsySanitizesNames", "NonAsciiName"]),
    ("invalid_utf8_name", bytes.fromhex("676f72657473ff3a317c63"), N(E("invalid_utf8", at=6)), ETSY, ["InvalidUtf8Name"]),
    ("nul_in_line", "gorets:1|c①\u0000junk", N(E("control_character")), ETSY, ["ControlCharacter"]),
    ("long_name_300", "n" * 300 + ":1|c", Y(C("n" * 300, "1")), COLLECTD, []),
    ("trailing_cr", "gorets:1|c①\r", SE(N(E("control_character")), Y(C("gorets", "1"))), ETSY, ["CRLF"]),
    ("crlf_lines", "a:1|c①\r\nb:2|c②\r\n", SE(N(E("control_character"), E("control_character", 2)), Y(C("a", "1"), C("b", "2"))), ETSY, ["CRLF"]),
    ("multi_3", "a:1|c\nb:2|g\nc:3|ms", Y(C("a", "1"), G("b", "2"), T("c", "3")), ETSY, []),
    ("multi_trailing_nl", "a:1|c\n", Y(C("a", "1")), ETSY, []),
    ("multi_blank_lines", "a:1|c\n\n\nb:2|c", Y(C("a", "1"), C("b", "2")), ETSY, ["EmptyLines"]),
    ("multi_one_bad", "a:1|c\nbad①\nb:2|c", SE(Y(C("a", "1"), M("bad"), C("b", "2")), N(C("a", "1"), E("missing_value"), C("b", "2"))), NETDATA, ["BareNameMeter"]),
    ("multi_same_counter", "a:1|c\na:2|c", Y(C("a", "1"), C("a", "2")), ETSY, []),
    ("dog_tags", "gorets:1|c|①#env:prod,host:a", SE(N(E("unknown_field")), N(E("unknown_field"))), ETSY, ["DogStatsDTags"]),
    ("dog_tags_rate", "gorets:1|c|@0.5|①#env:prod", SE(N(E("unknown_field")), N(E("unknown_field"))), ETSY, ["DogStatsDTags"]),
    ("dog_tags_then_rate", "gorets:1|c|①#env:prod|@0.5", SE(N(E("unknown_field")), N(E("unknown_field"))), ETSY, ["DogStatsDTags"]),
    ("dog_tag_no_value", "gorets:1|c|①#flag", SE(N(E("unknown_field")), N(E("unknown_field"))), STATSDPARSER, ["DogStatsDTags"]),
    ("dog_tags_empty", "gorets:1|c|①#", SE(N(E("unknown_field")), N(E("unknown_field"))), ETSY, ["DogStatsDTags"]),
    ("dog_timestamp", "gorets:1|c|①T1656581400", SE(N(E("unknown_field")), N(E("unknown_field"))), NETDATA, ["DogStatsDExtension"]),
    ("dog_container", "gorets:1|c|①c:abc123", SE(N(E("unknown_field")), N(E("unknown_field"))), NETDATA, ["DogStatsDExtension"]),
    ("dog_event", "_e{5,4}:title|①text", SE(N(E("unknown_type")), N(E("unknown_type"))), "statsdproto", ["DogStatsDExtension"]),
    ("dog_service_check", "_sc①|my.check|0", SE(N(E("missing_value")), N(E("missing_value"))), STATSDPARSER, ["DogStatsDExtension"]),
    ("client_jsocol_neg_gauge", "g:0|g\ng:①-5|g", SE(N(G("g", "0"), E("value_out_of_range")), Y(G("g", "0"), GD("g", "-5"))), ETSY, ["GaugeSignIsDelta"]),
    ("client_jsocol_delta_zero", "g:①+0|g", SE(N(E("invalid_value")), Y(GD("g", "0"))), ETSY, ["GaugeSignIsDelta"]),
    ("client_jsocol_timer", "t:320.000000|ms", Y(T("t", "320.0")), ETSY, []),
    ("client_py_exp_plus", "g:①1e+21|g", N(E("value_out_of_range")), ETSY, ["ClientExponentFormat"]),
    ("client_py_exp_neg", "g:1e-07|g", Y(G("g", "1e-7")), ETSY, ["ClientExponentFormat"]),
    ("client_dd_tags_nl", "c:1|c|@0.5|①#a:b\n", SE(N(E("unknown_field")), N(E("unknown_field"))), ETSY, ["DogStatsDTags"]),
    ("client_dd_dist", "d:12.5|①d\n", SE(N(E("unknown_type")), N(E("unknown_type"))), ETSY, ["DogStatsDExtension", "EtsyCountsUnknownTypes"]),
]
assert len(OBS) == 111, len(OBS)
SLUG_FIX = {"c_rate_-1": "c-rate-minus-1", "v_Infinity": "v-infinity-word", "c_rate_Infinity": "c-rate-infinity-word"}
for case, inp, exp, who, flags in OBS:
    slug = SLUG_FIX.get(case) or case.lower().replace("_", "-").replace(".", "-")
    g.add("obs-" + slug, "peer-results.md case %s." % case, inp, exp, peer(who, case), flags=flags)


def summarize(outcome):
    parts = []
    for line in outcome["lines"]:
        if line["ok"]:
            m = line["metric"]
            kind = "gauge delta" if m["delta"] else m["type"]
            v = m["values"][0]
            text = "%s %s" % (kind, json.dumps(v) if m["type"] == "set" else v)
            if m["sample_rate"] is not None:
                text += " at rate " + m["sample_rate"]
            parts.append(text)
        else:
            parts.append("%s at byte %d" % (line["error"]["class"], line["error"]["offset"]))
    if not parts:
        return "no line"
    return "; ".join(parts)


def show(case):
    text = case.get("input")
    if text is None:
        return "hex " + case["input_hex"]
    shown = json.dumps(text, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:56] + "...\""


for case in g.cases:
    what = ("Catalogue row " + case["source"]["section"][4:]) if case["id"].split("/")[1].startswith("row-") else (
        "Peer-results case " + case["source"]["section"])
    exp = case["expect"]
    if "*" in exp:
        said = "both dialects give " + summarize(exp["*"])
    else:
        said = "spec gives %s; etsy gives %s" % (summarize(exp["spec"]), summarize(exp["etsy"]))
    case["description"] = "%s, %s: %s." % (what, show(case), said)


# ==========================================================================
# encoder-only cases
# ==========================================================================

class EncGroup:
    def __init__(self, name, header):
        self.name = name
        self.header = header
        self.cases = []

    def add(self, slug, description, metrics, expect, source=D_CANONICAL, flags=(), messages=None):
        """metrics (a list of metrics) or messages (protocol v2 messages). The
        dogstatsd outcome is hand-typed in the dogstatsd groups (and checked with
        tools/canonical.py), computed by tools/canonical.py for the others."""
        dogstatsd_group = self.name.startswith("dogstatsd")
        if not isinstance(expect, dict) or "verdict" in expect:
            expect = {"dogstatsd" if dogstatsd_group else "*": expect}
        msgs = messages if messages is not None else [{"metric": m} for m in metrics]
        computed = encode_dogstatsd(msgs)
        computed = REFUSE if computed is None else OUT(computed)
        if "dogstatsd" in expect:
            if expect["dogstatsd"] != computed:
                raise SystemExit("encoder/%s-%s: hand-typed %s, tools/canonical.py %s"
                                 % (self.name, slug, expect["dogstatsd"], computed))
        elif not dogstatsd_group:
            per = {d: expect.get(d, expect.get("*")) for d in ("spec", "etsy")}
            if "*" in expect and per["spec"] == per["etsy"] == computed:
                pass
            else:
                expect = dict(per, dogstatsd=computed)
        case = {
            "id": "encoder/%s-%s" % (self.name, slug),
            "description": description,
            "source": source,
            "flags": list(flags),
        }
        if messages is not None:
            case["messages"] = messages
        else:
            case["metrics"] = metrics
        case["expect"] = expect
        self.cases.append(case)

    def document(self):
        return {
            "$schema": "../schema/encoder.schema.json",
            "suite": SUITE,
            "suite_version": SUITE_VERSION,
            "group": self.name,
            "header": self.header,
            "cases": self.cases,
        }


def RM(name, typ, value, rate=None, delta=False, tags=None, values=None):
    """A metric of an encode request: value strings as the caller gives them."""
    return {"name": name, "type": typ, "values": values if values is not None else [value],
            "sample_rate": rate, "delta": delta, "tags": tags}


def OUT(text):
    return {"verdict": "y", "output": text}


REFUSE = {"verdict": "n"}
ENC_GROUPS = []

e = EncGroup("canonical", [
    "What an encoder writes for valid metrics: the canonical form, byte for byte. In a request a value",
    "string with no \".\" and no exponent is an integer (written without sign or leading zeros); with one it",
    "is a float (written in shortest round-trip form with a \".\" or an exponent). Delta gauges keep their",
    "sign; rates are plain decimals; a meter of 1 is name:1|m.",
])
ENC_GROUPS.append(e)
for slug, typ, value, out, desc in [
    ("counter-int", "counter", "1", "a:1|c", "An integer counter."),
    ("counter-zero", "counter", "0", "a:0|c", "Zero."),
    ("counter-negative", "counter", "-5", "a:-5|c", "A negative counter."),
    ("counter-leading-zeros", "counter", "007", "a:7|c", "Leading zeros are dropped."),
    ("counter-minus-zero", "counter", "-0", "a:0|c", "\"-0\" is the integer 0."),
    ("counter-max", "counter", "9223372036854775807", "a:9223372036854775807|c", "The largest counter, exactly."),
    ("counter-min", "counter", "-9223372036854775807", "a:-9223372036854775807|c", "The smallest counter, exactly."),
    ("counter-2p53-plus-1", "counter", "9007199254740993", "a:9007199254740993|c", "An integer above 2^53, exactly."),
    ("counter-float", "counter", "1.5", "a:1.5|c", "A float counter."),
    ("counter-float-minus-zero", "counter", "-0.0", "a:0.0|c", "Outside a delta a zero float is written without its sign: -0.0 is written \"0.0\"."),
    ("gauge-float-minus-zero", "gauge", "-0.0", "a:0.0|g", "An absolute gauge of -0.0 is written \"0.0\": \"-0.0\" would read back as a delta in etsy."),
    ("gauge-exponent", "gauge", "1e3", "a:1000.0|g", "\"1e3\" is a float: written \"1000.0\"."),
    ("gauge-float-one", "gauge", "1.0", "a:1.0|g", "\"1.0\" stays a float."),
    ("gauge-trailing-zeros", "gauge", "1.50", "a:1.5|g", "Trailing zeros are dropped."),
    ("gauge-tenth", "gauge", "0.1", "a:0.1|g", "0.1 in shortest form."),
    ("gauge-1e16", "gauge", "1e16", "a:1e16|g", "From 1e16 floats are written in scientific form."),
    ("gauge-below-1e16", "gauge", "1e15", "a:1000000000000000.0|g", "Below 1e16 floats are written as plain decimals."),
    ("gauge-1e-5", "gauge", "0.00001", "a:0.00001|g", "1e-5 is written as a plain decimal."),
    ("gauge-1e-6", "gauge", "0.000001", "a:1e-6|g", "Below 1e-5 floats are written in scientific form."),
    ("gauge-1e-7", "gauge", "1e-7", "a:1e-7|g", "1e-7."),
    ("gauge-1-5e-7", "gauge", "1.5e-7", "a:1.5e-7|g", "1.5e-7."),
    ("gauge-max", "gauge", "18446744073709551615", "a:18446744073709551615|g", "The largest gauge, exactly."),
    ("gauge-largest-float", "gauge", "18446744073709549568.0", "a:1.844674407370955e19|g", "The largest f64 below 2^64."),
    ("timer-float", "timer", "12.5", "rtt:12.5|ms", "A float timer."),
    ("timer-six-decimals", "timer", "320.000000", "a:320.0|ms", "\"320.000000\" is the float 320.0."),
    ("histogram", "histogram", "42", "a:42|h", "A histogram."),
    ("meter-one", "meter", "1", "a:1|m", "A meter of 1 is written explicitly, never as a bare name."),
    ("meter-five", "meter", "5", "a:5|m", "A meter of 5."),
]:
    name = "rtt" if slug == "timer-float" else "a"
    e.add(slug, desc, [RM(name, typ, value)], OUT(out))
for slug, value, out, desc in [
    ("delta-plus-one", "1", "g:+1|g", "A delta of 1 is written \"+1\"."),
    ("delta-plus-one-signed", "+1", "g:+1|g", "A delta given as \"+1\" is written \"+1\"."),
    ("delta-minus-one", "-1", "g:-1|g", "A delta of -1 is written \"-1\"."),
    ("delta-zero", "0", "g:+0|g", "A delta of 0 is written \"+0\"."),
    ("delta-float", "1.5", "g:+1.5|g", "A float delta is written \"+1.5\"."),
    ("delta-minus-zero-float", "-0.0", "g:-0.0|g", "A delta of -0.0 keeps its sign."),
    ("delta-max", "9223372036854775807", "g:+9223372036854775807|g", "The largest delta."),
]:
    e.add(slug, desc, [RM("g", "gauge", value, delta=True)], {"spec": REFUSE, "etsy": OUT(out)}, DE_DELTAS, flags=["GaugeSignIsDelta"])
for slug, rate, out, desc in [
    ("rate-half", "0.5", "a:1|c|@0.5", "A rate of one half."),
    ("rate-tenth", "0.1", "a:1|c|@0.1", "The spec's 1/10."),
    ("rate-one", "1", "a:1|c|@1", "A rate of 1 is written \"|@1\" (it is kept, not dropped)."),
    ("rate-one-point-zero", "1.0", "a:1|c|@1", "\"1.0\" is written \"1\"."),
    ("rate-trailing-zero", "0.50", "a:1|c|@0.5", "\"0.50\" is written \"0.5\"."),
    ("rate-tiny-plain", "0.0000001", "a:1|c|@0.0000001", "A tiny rate is written without exponent."),
    ("rate-tiny-exponent", "1e-7", "a:1|c|@0.0000001", "A rate given with an exponent is written without one."),
]:
    e.add(slug, desc, [RM("a", "counter", "1", rate=rate)], OUT(out), D_RATES)
e.add("rate-on-gauge-etsy", "A rate on a gauge: refused in spec, written in etsy.", [RM("a", "gauge", "1", rate="0.5")],
      {"spec": REFUSE, "etsy": OUT("a:1|g|@0.5")}, DE_RATES, flags=["SampleRateOnNonCounter"])
e.add("set", "A set: refused in spec, written in etsy.", [RM("users", "set", "alice")],
      {"spec": REFUSE, "etsy": OUT("users:alice|s")}, DE_SETS, flags=["SetType"])
e.add("set-member-verbatim", "A set member is written as given (\"1.50\" is not normalised).", [RM("users", "set", "1.50")],
      {"spec": REFUSE, "etsy": OUT("users:1.50|s")}, DE_SETS, flags=["SetType"])
e.add("set-with-rate", "A set with a rate in etsy.", [RM("users", "set", "alice", rate="0.5")],
      {"spec": REFUSE, "etsy": OUT("users:alice|s|@0.5")}, DE_SETS, flags=["SetType", "SampleRateOnNonCounter"])
for slug, name, desc in [
    ("name-space", "a b", "A name with a space is written as is."),
    ("name-pjsip", "PJSIP.contacts.alice;@abc123.rtt", "A PJSIP contact name is written as is."),
    ("name-unicode", "caf\u00e9.\U0001f680", "A non-ASCII name is written as is."),
    ("name-hash", "a#b", "\"#\" in a name is written as is."),
]:
    e.add(slug, desc, [RM(name, "counter", "1")], OUT(name + ":1|c"), D_NAMES)

d = EncGroup("datagram", [
    "Several metrics in one request: one datagram, lines joined by \"\\n\", no final \"\\n\".",
    "If any metric is refused, the whole request is refused and nothing is written.",
])
ENC_GROUPS.append(d)
d.add("two-lines", "Two metrics are joined by one \"\\n\".", [RM("a", "counter", "1"), RM("b", "gauge", "2.5")], OUT("a:1|c\nb:2.5|g"))
d.add("every-spec-type", "One metric of every spec type.",
      [RM("a", "counter", "1", rate="0.5"), RM("b", "gauge", "2"), RM("c", "timer", "3"), RM("d", "histogram", "4"), RM("e", "meter", "1")],
      OUT("a:1|c|@0.5\nb:2|g\nc:3|ms\nd:4|h\ne:1|m"))
d.add("empty", "No metrics give an empty datagram.", [], OUT(""))
d.add("asterisk-lines", "The lines Asterisk sends, in etsy.",
      [RM("channels.count", "gauge", "1", delta=True), RM("channels.calltime", "timer", "1234"), RM("stasis.message.x", "meter", "1")],
      {"spec": REFUSE, "etsy": OUT("channels.count:+1|g\nchannels.calltime:1234|ms\nstasis.message.x:1|m")}, DE_DELTAS, flags=["GaugeSignIsDelta"])
d.add("one-bad-refuses-all", "A bad metric after a good one refuses the whole request.", [RM("a", "counter", "1"), RM("b:c", "counter", "1")], REFUSE, D_NAMES)

r = EncGroup("refuse", [
    "Metrics an encoder must refuse (adapter exit code 1): what it cannot write so that it parses",
    "back to the same metric, and what the dialect does not have.",
])
ENC_GROUPS.append(r)
for slug, name, desc in [
    ("name-colon", "a:b", "A \":\" in the name would end it early."),
    ("name-pipe", "a|b", "A \"|\" in the name would end it early."),
    ("name-newline", "a\nb", "A \"\\n\" in the name would split the line."),
    ("name-cr", "a\rb", "A \"\\r\" in the name is a control character."),
    ("name-tab", "a\tb", "A TAB in the name is a control character."),
    ("name-nul", "a\u0000b", "A NUL in the name is a control character."),
    ("name-del", "a\u007fb", "DEL in the name is a control character."),
    ("name-empty", "", "An empty name."),
]:
    r.add(slug, desc, [RM(name, "counter", "1")], REFUSE, D_NAMES)
for slug, typ, value, desc in [
    ("nan", "gauge", "NaN", "NaN is not a value."),
    ("infinity", "gauge", "Infinity", "Infinity is not a value."),
    ("minus-infinity", "counter", "-Infinity", "-Infinity is not a value."),
    ("float-overflow", "gauge", "1e400", "A float literal beyond f64 is infinite."),
    ("timer-negative", "timer", "-1", "-1 on a timer is out of range."),
    ("histogram-negative-float", "histogram", "-1.5", "-1.5 on a histogram is out of range."),
    ("meter-negative", "meter", "-1", "-1 on a meter is out of range."),
    ("gauge-two-pow-64", "gauge", "18446744073709551616", "2^64 on a gauge is out of range."),
    ("gauge-float-two-pow-64", "gauge", "1.8446744073709552e19", "The f64 2^64 on a gauge is out of range."),
    ("gauge-1e20", "gauge", "1e20", "1e20 on a gauge is out of range."),
    ("counter-two-pow-63", "counter", "9223372036854775808", "2^63 on a counter is out of range."),
    ("counter-minus-two-pow-63", "counter", "-9223372036854775808", "-2^63 on a counter is out of range."),
    ("counter-float-two-pow-63", "counter", "9223372036854775807.0", "A float that rounds to 2^63 is out of the counter range."),
]:
    r.add(slug, desc, [RM("a", typ, value)], REFUSE, D_RANGES)
r.add("gauge-negative-spec", "A negative absolute gauge: out of range in both dialects (etsy needs delta: true).", [RM("a", "gauge", "-1")], REFUSE,
      D_RANGES, flags=["GaugeSignIsDelta"])
for slug, rate, desc in [("zero", "0", "A rate of 0."), ("above-one", "1.5", "A rate above 1."), ("negative", "-0.5", "A negative rate."),
                         ("nan", "NaN", "A NaN rate."), ("just-above-one", "1.0000001", "A rate just above 1.")]:
    r.add("rate-" + slug, desc, [RM("a", "counter", "1", rate=rate)], REFUSE, D_RATES)
r.add("rate-on-gauge-spec", "A rate on a gauge in spec.", [RM("a", "gauge", "1", rate="0.5")], {"spec": REFUSE, "etsy": OUT("a:1|g|@0.5")}, D_RATES,
      flags=["SampleRateOnNonCounter"])
r.add("rate-on-timer-spec", "A rate on a timer in spec.", [RM("a", "timer", "1", rate="0.5")], {"spec": REFUSE, "etsy": OUT("a:1|ms|@0.5")}, D_RATES,
      flags=["SampleRateOnNonCounter"])
r.add("set-in-spec", "A set in spec.", [RM("users", "set", "alice")], {"spec": REFUSE, "etsy": OUT("users:alice|s")}, D_TYPES, flags=["SetType"])
r.add("delta-in-spec", "A gauge delta in spec.", [RM("g", "gauge", "1", delta=True)], {"spec": REFUSE, "etsy": OUT("g:+1|g")}, D_RANGES,
      flags=["GaugeSignIsDelta"])
r.add("delta-on-counter", "A delta on a counter, in every dialect.", [RM("c", "counter", "1", delta=True)], REFUSE, DE_DELTAS)
r.add("delta-on-timer", "A delta on a timer, in every dialect.", [RM("t", "timer", "1", delta=True)], REFUSE, DE_DELTAS)
r.add("delta-out-of-range", "A delta of 2^63 is outside the delta range.", [RM("g", "gauge", "9223372036854775808", delta=True)], REFUSE, DE_DELTAS,
      flags=["GaugeSignIsDelta"])
r.add("tags", "Tags in a dialect without tags.", [RM("a", "counter", "1", tags=[["env", "prod"]])], {"spec": REFUSE, "etsy": REFUSE}, D_FIELDS,
      flags=["DogStatsDTags"])
r.add("tags-empty-list", "An empty tag list is a tag section (tags [] is not tags null).", [RM("a", "counter", "1", tags=[])],
      {"spec": REFUSE, "etsy": REFUSE}, D_FIELDS, flags=["DogStatsDTags"])
r.add("packed-values", "Two values in one metric (DogStatsD packing).", [RM("a", "counter", None, values=["1", "2"])],
      {"spec": REFUSE, "etsy": REFUSE}, D_VALUES, flags=["PackedValues"])
r.add("set-member-colon", "A set member with \":\".", [RM("users", "set", "a:b")], REFUSE, DE_SETS, flags=["SetType"])
r.add("set-member-pipe", "A set member with \"|\".", [RM("users", "set", "a|b")], REFUSE, DE_SETS, flags=["SetType"])
r.add("set-member-empty", "An empty set member.", [RM("users", "set", "")], REFUSE, DE_SETS, flags=["SetType"])
r.add("set-member-newline", "A set member with \"\\n\".", [RM("users", "set", "a\nb")], REFUSE, DE_SETS, flags=["SetType"])


# Hostile-input groups (encoder/injection.json, vectors/injection.json): tools/groups_injection.py.
import groups_injection  # noqa: E402
groups_injection.add(globals())


# ==========================================================================
# dogstatsd (decode groups dogstatsd-*, encoder group dogstatsd)
# ==========================================================================

import groups_dogstatsd  # noqa: E402

groups_dogstatsd.build(sys.modules[__name__])


# ==========================================================================
# output
# ==========================================================================

INVISIBLE = ["\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff"]


def dump(doc):
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    for ch in INVISIBLE:
        text = text.replace(ch, "\\u%04x" % ord(ch))
    return text


def outputs():
    files = {}
    for grp in GROUPS:
        files[os.path.join("vectors", grp.name + ".json")] = dump(grp.document())
    for grp in ENC_GROUPS:
        files[os.path.join("encoder", grp.name + ".json")] = dump(grp.document())
    return files


def main(argv):
    check = "--check" in argv
    files = outputs()
    ids = [c["id"] for grp in GROUPS + ENC_GROUPS for c in grp.cases]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        print("duplicate ids: %s" % ", ".join(dup))
        return 1
    stale = []
    for rel, text in sorted(files.items()):
        path = os.path.join(ROOT, rel)
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                current = f.read()
        if current != text:
            stale.append(rel)
            if not check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
    for sub in ("vectors", "encoder"):
        d = os.path.join(ROOT, sub)
        for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            rel = os.path.join(sub, fn)
            if fn.endswith(".json") and rel not in files:
                stale.append(rel + " (not generated)")
    if check:
        if stale:
            print("out of date (run python3 spec-vectors/tools/generate.py): " + ", ".join(stale))
            return 1
        print("ok: %d files up to date" % len(files))
        return 0
    n_dec = sum(len(grp.cases) for grp in GROUPS)
    n_enc = sum(len(grp.cases) for grp in ENC_GROUPS)
    print("wrote %d files (%d decode cases, %d encoder cases; %d changed)" % (len(files), n_dec, n_enc, len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
