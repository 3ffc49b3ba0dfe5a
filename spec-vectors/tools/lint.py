#!/usr/bin/env python3
"""Lints spec-vectors (stdlib only; also validates against the JSON Schemas
when the `jsonschema` package is importable).

    python3 spec-vectors/tools/lint.py

Exits 1 with one line per problem. Checks: file headers and suite_version ==
VERSION; group == file stem; unique, well-formed ids (prefix == group);
exactly one of input/input_hex; flags exist in flags.json (and every flag is
used); dialect keys are dialects.json ids or "*", and every dialect is
covered; verdict rules (y: all ok + canonical; n: at least one error, no
canonical; i: at least one flag); error classes exist in errors.json; offsets
are inside the datagram and point at a byte that fits the class; the number
of lines matches the dialect's framing; canonical == the canonical encoding
of the metrics (tools/canonical.py); metrics fit the dialect; errors.json
classes == the ErrorKind codes of crates/statsd-wire/src/error.rs; every
"decision" source is a heading of README.md; encoder cases are well formed.
dogstatsd: warning classes exist in warnings.json, warnings sit on accepted
lines and inside them; events and service checks are complete; every
canonical form reads back (tools/dogstatsd_model.py) to the same messages; a
case of a dogstatsd-* group needs only the dogstatsd outcome; every dogstatsd
encoder outcome is what tools/canonical.py writes or refuses, and every output
reads back without error.
"""

import glob
import json
from decimal import Decimal
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REPO = os.path.dirname(ROOT)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep tools/ free of __pycache__

from canonical import TYPE_CODES, encode_dogstatsd, encode_metrics  # noqa: E402
import dogstatsd_model  # noqa: E402

PROBLEMS = []


def problem(where, msg):
    PROBLEMS.append("%s: %s" % (where, msg))


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problem(os.path.relpath(path, REPO), "cannot read JSON: %s" % e)
        return None


def rel(path):
    return os.path.relpath(path, REPO)


# --------------------------------------------------------------------------
# Registries
# --------------------------------------------------------------------------

with open(os.path.join(ROOT, "VERSION"), encoding="utf-8") as f:
    VERSION = f.read().strip()
if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", VERSION):
    problem("spec-vectors/VERSION", "not a semantic version: %r" % VERSION)

FLAGS = load(os.path.join(ROOT, "flags.json")) or {}
KINDS = {"ambiguity", "legacy", "limit", "robustness", "dialect-extension", "peer-bug"}
for name, entry in FLAGS.items():
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
        problem("flags.json", "flag name %r is not UpperCamelCase" % name)
    if not isinstance(entry, dict) or set(entry) != {"description", "kind"}:
        problem("flags.json", "flag %s must have exactly description and kind" % name)
    elif entry["kind"] not in KINDS:
        problem("flags.json", "flag %s has unknown kind %r" % (name, entry["kind"]))

ERRORS = load(os.path.join(ROOT, "errors.json")) or {"classes": []}
CLASSES = [c.get("class") for c in ERRORS.get("classes", [])]
for c in ERRORS.get("classes", []):
    if set(c) != {"class", "description", "offset"}:
        problem("errors.json", "class entry %r must have exactly class, description, offset" % c.get("class"))
if len(set(CLASSES)) != len(CLASSES):
    problem("errors.json", "duplicate classes")

# errors.json must be exactly the codes of ErrorKind::code() in the core crate.
error_rs = os.path.join(REPO, "crates", "statsd-wire", "src", "error.rs")
try:
    with open(error_rs, encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"pub const fn code\(self\) -> &'static str \{\s*match self \{(.*?)\n        \}", src, re.S)
    if not m:
        problem(rel(error_rs), "cannot find ErrorKind::code()")
    else:
        codes = re.findall(r'ErrorKind::\w+\s*=>\s*"([a-z0-9_]+)"', m.group(1))
        if sorted(codes) != sorted(CLASSES):
            problem("errors.json", "classes differ from ErrorKind::code(): missing %s, extra %s"
                    % (sorted(set(codes) - set(CLASSES)), sorted(set(CLASSES) - set(codes))))
except OSError as e:
    problem(rel(error_rs), "cannot read: %s" % e)

# warnings.json must be exactly the codes of WarningKind::code() in the core crate.
WARNINGS = load(os.path.join(ROOT, "warnings.json")) or {"classes": []}
WARNING_CLASSES = [c.get("class") for c in WARNINGS.get("classes", [])]
for c in WARNINGS.get("classes", []):
    if set(c) != {"class", "description"}:
        problem("warnings.json", "class entry %r must have exactly class, description" % c.get("class"))
warning_rs = os.path.join(REPO, "crates", "statsd-wire", "src", "warning.rs")
try:
    with open(warning_rs, encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"pub const fn code\(self\) -> &'static str \{\s*match self \{(.*?)\n        \}", src, re.S)
    codes = re.findall(r'WarningKind::\w+\s*=>\s*"([a-z0-9_]+)"', m.group(1)) if m else []
    if not codes or sorted(codes) != sorted(WARNING_CLASSES) or len(set(codes)) != len(codes):
        problem("warnings.json", "classes differ from WarningKind::code(): missing %s, extra %s"
                % (sorted(set(codes) - set(WARNING_CLASSES)), sorted(set(WARNING_CLASSES) - set(codes))))
except OSError as e:
    problem(rel(warning_rs), "cannot read: %s" % e)

DIALECTS = load(os.path.join(ROOT, "dialects.json")) or {"dialects": []}
DIALECT_IDS = [d.get("id") for d in DIALECTS.get("dialects", [])]
if len(set(DIALECT_IDS)) != len(DIALECT_IDS):
    problem("dialects.json", "duplicate dialect ids")
for d in DIALECTS.get("dialects", []):
    for key in ("id", "title", "description", "sources"):
        if key not in d:
            problem("dialects.json", "dialect %r lacks %s" % (d.get("id"), key))

README_HEADINGS = set()
try:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#{2,4} (.+?)\s*$", line)
            if m:
                README_HEADINGS.add(m.group(1))
except OSError:
    problem("spec-vectors/README.md", "missing")

DOC = re.compile(r"(spec-v0\.1|asterisk-statsd-app|asterisk-source|decision|(peer|client|doc):[A-Za-z0-9._-]+)")
SPEC_SECTIONS = {"Metric Types & Formats", "Gauges", "Counting", "Timing", "Histograms", "Meters"}
ID = re.compile(r"[a-z0-9-]+/[a-z0-9]+(-[a-z0-9]+)*")
TYPES_IN = {"spec": {"counter", "gauge", "timer", "histogram", "meter"},
            "etsy": {"counter", "gauge", "timer", "histogram", "meter", "set"},
            "dogstatsd": {"counter", "gauge", "timer", "histogram", "set", "distribution"}}
USED_FLAGS = set()
ALL_IDS = {}


def check_common(where, case, group, encoder=False):
    cid = case.get("id", "")
    if cid in ALL_IDS:
        problem(where, "duplicate id %s (also in %s)" % (cid, ALL_IDS[cid]))
    ALL_IDS[cid] = where
    if encoder:
        if not re.fullmatch(r"encoder/%s-[a-z0-9]+(-[a-z0-9]+)*" % re.escape(group), cid):
            problem(where, "encoder id %r must be encoder/%s-<slug>" % (cid, group))
    else:
        if not ID.fullmatch(cid):
            problem(where, "id %r is not group/slug in [a-z0-9-]" % cid)
        elif cid.split("/")[0] != group:
            problem(where, "id %r does not start with its group %r" % (cid, group))
    if not case.get("description"):
        problem(where, "no description")
    source = case.get("source")
    if not isinstance(source, dict) or set(source) != {"doc", "section"}:
        problem(where, "source must be {doc, section}")
    else:
        if not DOC.fullmatch(source["doc"] or ""):
            problem(where, "unknown source doc %r" % source["doc"])
        if source["doc"] == "decision" and source["section"] not in README_HEADINGS:
            problem(where, "decision %r is not a heading of README.md" % source["section"])
        if source["doc"] == "spec-v0.1" and source["section"] not in SPEC_SECTIONS:
            problem(where, "spec section %r is not a heading of the spec" % source["section"])
    flags = case.get("flags")
    if not isinstance(flags, list):
        problem(where, "flags must be a list")
        flags = []
    for fl in flags:
        USED_FLAGS.add(fl)
        if fl not in FLAGS:
            problem(where, "flag %r is not in flags.json" % fl)
    if len(set(flags)) != len(flags):
        problem(where, "duplicate flags")
    expect = case.get("expect")
    if not isinstance(expect, dict) or not expect:
        problem(where, "expect must be a non-empty map")
        return {}
    for key in expect:
        if key != "*" and key not in DIALECT_IDS:
            problem(where, "dialect key %r is neither \"*\" nor a dialects.json id" % key)
    # A group named <dialect>-<topic> is about that dialect only.
    own = [d for d in DIALECT_IDS if group == d or group.startswith(d + "-")]
    needed = own or DIALECT_IDS
    if "*" not in expect and not all(d in expect for d in needed):
        problem(where, "no expectation for dialect(s) %s (name them or use \"*\")"
                % [d for d in needed if d not in expect])
    return expect


def outcome_for(expect, dialect):
    return expect.get(dialect, expect.get("*"))


def framed_lines(data, dialect):
    """The lines a dialect's framing yields (mechanical: split on \\n, skip empty
    lines; etsy also skips a line that is only \\r)."""
    out = []
    pos = 0
    for raw in data.split(b"\n"):
        if raw and not (dialect != "spec" and raw == b"\r"):
            out.append((pos, raw))
        pos += len(raw) + 1
    return out


# Classes whose offset may be the end of the line (where a missing token would start).
MAY_POINT_PAST = {"missing_value", "missing_type", "invalid_sample_rate", "unknown_field", "invalid_timestamp",
                  "invalid_event_header", "event_length_mismatch", "invalid_service_check_status", "empty_name"}


def check_offset(where, dialect, data, start, raw, cls, off):
    end = start + len(raw)
    if not (start <= off <= end):
        problem(where, "[%s] %s offset %d is outside its line (bytes %d..%d)" % (dialect, cls, off, start, end))
        return
    if off == end and cls not in MAY_POINT_PAST:
        problem(where, "[%s] %s offset %d points past the line" % (dialect, cls, off))
        return
    b = data[off] if off < len(data) else None
    prev = data[off - 1] if off > start else None
    ok = {
        "line_too_long": off == start,
        "empty_line": off == start,
        "control_character": b is not None and (b < 0x20 or b == 0x7F),
        "empty_name": (off == start and b in (ord(":"), ord("|"))) or (off == start + 4 and data[start:off] == b"_sc|"),
        "invalid_utf8": b is not None and b >= 0x80,
        "missing_value": prev == ord(":") or b == ord("|") or off == end or (dialect != "spec" and b == ord("\r")),
        "invalid_value": prev == ord(":"),
        "value_out_of_range": prev == ord(":"),
        "missing_type": prev == ord("|") or off == end or b == ord("|") or (dialect != "spec" and b == ord("\r")),
        "unknown_type": prev == ord("|"),
        "invalid_sample_rate": prev == ord("@"),
        "invalid_timestamp": prev == ord("T"),
        "invalid_service_check_status": b in (ord("|"), None, ord("\n")) or prev == ord("|"),
        "empty_event_title": off == start + 3,
        "invalid_event_header": off > start + 2,
        "sample_rate_out_of_range": prev == ord("@"),
        "sample_rate_not_allowed": b == ord("@") and prev == ord("|"),
        "duplicate_sample_rate": b == ord("@") and prev == ord("|"),
        "unknown_field": prev == ord("|"),
    }.get(cls, True)
    if not ok:
        problem(where, "[%s] %s offset %d points at an unlikely byte" % (dialect, cls, off))


def check_metric(where, dialect, m):
    if m.get("type") not in TYPES_IN.get(dialect, TYPE_CODES):
        problem(where, "[%s] type %r is not in the dialect" % (dialect, m.get("type")))
    if dialect == "dogstatsd":
        if m.get("delta"):
            problem(where, "[dogstatsd] no gauge deltas")
        if not m.get("values") or (m.get("type") == "set" and len(m["values"]) != 1):
            problem(where, "[dogstatsd] a set has one member, other types one value or more")
        return
    for key in ("timestamp", "container_id", "external_data", "cardinality"):
        if m.get(key) is not None:
            problem(where, "[%s] %s is a dogstatsd field" % (dialect, key))
    if len(m.get("values", [])) != 1:
        problem(where, "[%s] no dialect of this version packs several values" % dialect)
    if m.get("delta") and (dialect != "etsy" or m.get("type") != "gauge"):
        problem(where, "[%s] delta is only for etsy gauges" % dialect)
    if m.get("tags") is not None:
        problem(where, "[%s] no dialect of this version has tags" % dialect)
    if m.get("sample_rate") is not None and dialect == "spec" and m.get("type") != "counter":
        problem(where, "[spec] a sample rate on a %s" % m.get("type"))


EVENT_KEYS = ["title", "text", "timestamp", "hostname", "aggregation_key", "priority", "source_type", "alert_type", "tags"]
SC_KEYS = ["name", "status", "timestamp", "hostname", "message", "tags"]


def check_message_fields(where, dialect, ln):
    """Events and service checks carry every member (null when unset)."""
    for kind, keys in (("event", EVENT_KEYS), ("service_check", SC_KEYS)):
        if kind in ln and sorted(ln[kind]) != sorted(keys):
            problem(where, "[%s] %s members %s, expected %s" % (dialect, kind, sorted(ln[kind]), sorted(keys)))


def messages_of(lines):
    """The messages of the accepted lines, numbers as exact decimals (-0.0 == 0.0)."""
    out = []
    for ln in lines:
        if ln.get("ok"):
            msg = json.loads(json.dumps({k: v for k, v in ln.items() if k in ("metric", "event", "service_check")}))
            m = msg.get("metric")
            if m and m["type"] != "set":
                m["values"] = [str(Decimal(v).normalize()) if Decimal(v) else "0" for v in m["values"]]
            out.append(msg)
    return out


def check_reads_back(where, canonical, lines):
    """A dogstatsd canonical form reads back (by the model) to the same messages."""
    verdict, again, _, _ = dogstatsd_model.decode(canonical.encode("utf-8"))
    if not all(ln["ok"] for ln in again) or messages_of(again) != messages_of(lines):
        problem(where, "[dogstatsd] canonical %r does not read back to the same messages" % canonical)


def check_decode_file(path):
    doc = load(path)
    if doc is None:
        return 0
    where0 = rel(path)
    group = os.path.splitext(os.path.basename(path))[0]
    check_file_header(where0, doc, group, "../schema/vectors.schema.json")
    n = 0
    for case in doc.get("cases", []):
        n += 1
        where = "%s: %s" % (where0, case.get("id"))
        expect = check_common(where, case, group)
        has_in, has_hex = "input" in case, "input_hex" in case
        if has_in == has_hex:
            problem(where, "exactly one of input and input_hex is required")
            continue
        if has_hex:
            hx = case["input_hex"]
            if not re.fullmatch(r"([0-9a-f]{2})*", hx):
                problem(where, "input_hex is not lowercase hex")
                continue
            data = bytes.fromhex(hx)
            try:
                data.decode("utf-8")
                problem(where, "input_hex holds valid UTF-8: use input")
            except UnicodeDecodeError:
                pass
        else:
            data = case["input"].encode("utf-8")
        for dialect in DIALECT_IDS:
            out = outcome_for(expect, dialect)
            if out is None:
                continue
            verdict = out.get("verdict")
            lines = out.get("lines", [])
            if verdict not in ("y", "n", "i"):
                problem(where, "[%s] verdict %r" % (dialect, verdict))
                continue
            if verdict == "i" and not case.get("flags"):
                problem(where, "an \"i\" verdict needs a flag")
            oks = [ln.get("ok") for ln in lines]
            if verdict == "y":
                if not all(oks):
                    problem(where, "[%s] \"y\" with a rejected line" % dialect)
                if "canonical" not in out:
                    problem(where, "[%s] \"y\" without canonical" % dialect)
            if verdict == "n":
                if all(oks):
                    problem(where, "[%s] \"n\" without a rejected line" % dialect)
                if "canonical" in out:
                    problem(where, "[%s] \"n\" with canonical" % dialect)
            framed = framed_lines(data, dialect)
            if len(framed) != len(lines):
                problem(where, "[%s] %d lines expected but the framing gives %d" % (dialect, len(lines), len(framed)))
            for (start, raw), ln in zip(framed, lines):
                if ln.get("ok"):
                    kinds = [k for k in ("metric", "event", "service_check") if k in ln]
                    if kinds != ["metric"] and dialect != "dogstatsd":
                        problem(where, "[%s] only dogstatsd has events and service checks" % dialect)
                    if "metric" in ln:
                        check_metric(where, dialect, ln["metric"])
                    check_message_fields(where, dialect, ln)
                    for w in ln.get("warnings", []):
                        if w.get("class") not in WARNING_CLASSES:
                            problem(where, "[%s] warning class %r is not in warnings.json" % (dialect, w.get("class")))
                        if not (start <= w.get("offset", -1) <= start + len(raw)):
                            problem(where, "[%s] warning offset %r is outside its line" % (dialect, w.get("offset")))
                else:
                    if "warnings" in ln:
                        problem(where, "[%s] a rejected line has no warnings" % dialect)
                    err = ln.get("error", {})
                    cls, off = err.get("class"), err.get("offset")
                    if cls not in CLASSES:
                        problem(where, "[%s] error class %r is not in errors.json" % (dialect, cls))
                    if not isinstance(off, int) or off < 0 or off > len(data):
                        problem(where, "[%s] offset %r is outside the datagram (%d bytes)" % (dialect, off, len(data)))
                    else:
                        check_offset(where, dialect, data, start, raw, cls, off)
            if "canonical" in out and all(oks) and dialect == "dogstatsd":
                check_reads_back(where, out["canonical"], lines)
            elif "canonical" in out and all(oks):
                want = encode_metrics([ln["metric"] for ln in lines])
                if out["canonical"] != want:
                    problem(where, "[%s] canonical %r != %r (the canonical encoding of its metrics)" % (dialect, out["canonical"], want))
    return n


def check_encoder_file(path):
    doc = load(path)
    if doc is None:
        return 0
    where0 = rel(path)
    group = os.path.splitext(os.path.basename(path))[0]
    check_file_header(where0, doc, group, "../schema/encoder.schema.json")
    n = 0
    for case in doc.get("cases", []):
        n += 1
        where = "%s: %s" % (where0, case.get("id"))
        expect = check_common(where, case, group, encoder=True)
        if isinstance(case.get("metrics"), list) == isinstance(case.get("messages"), list):
            problem(where, "exactly one of metrics and messages (a list) is required")
        msgs = case.get("messages") or [{"metric": m} for m in case.get("metrics") or []]
        kinds = {k for m in msgs for k in m}
        for dialect in DIALECT_IDS:
            out = outcome_for(expect, dialect)
            if out is None:
                continue
            if dialect != "dogstatsd" and kinds - {"metric"} and out.get("verdict") != "n":
                problem(where, "[%s] events and service checks are dogstatsd only" % dialect)
            if dialect == "dogstatsd":
                want = encode_dogstatsd(msgs)
                got = out.get("output") if out.get("verdict") == "y" else None
                if want != got:
                    problem(where, "[dogstatsd] outcome %r but tools/canonical.py gives %r" % (out, want))
                if got is not None and got:
                    _, again, _, _ = dogstatsd_model.decode(got.encode("utf-8"))
                    if not all(ln["ok"] for ln in again):
                        problem(where, "[dogstatsd] output %r does not read back without error" % got)
        for dialect, out in expect.items():
            v = out.get("verdict")
            if v == "y":
                if set(out) != {"verdict", "output"}:
                    problem(where, "[%s] \"y\" needs exactly verdict and output" % dialect)
            elif v == "n":
                if set(out) != {"verdict"}:
                    problem(where, "[%s] \"n\" takes no output" % dialect)
            else:
                problem(where, "[%s] encoder verdict must be y or n" % dialect)
    return n


def check_file_header(where, doc, group, schema):
    if doc.get("$schema") != schema:
        problem(where, "$schema must be %r" % schema)
    if doc.get("suite") != "statsd-spec-vectors":
        problem(where, "suite must be statsd-spec-vectors")
    if doc.get("suite_version") != VERSION:
        problem(where, "suite_version %r != VERSION %r" % (doc.get("suite_version"), VERSION))
    if doc.get("group") != group:
        problem(where, "group %r != file stem %r" % (doc.get("group"), group))
    if not doc.get("header"):
        problem(where, "header must hold at least one line")


def schema_validation(decode_files, encoder_files):
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return "skipped (the jsonschema package is not installed)"
    import jsonschema
    for schema_name, files in (("vectors.schema.json", decode_files), ("encoder.schema.json", encoder_files)):
        schema = load(os.path.join(ROOT, "schema", schema_name))
        if schema is None:
            continue
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for path in files:
            doc = load(path)
            for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                problem(rel(path), "schema: %s at /%s" % (err.message[:200], "/".join(str(p) for p in err.absolute_path)))
    return "ok"


def main():
    decode_files = sorted(glob.glob(os.path.join(ROOT, "vectors", "*.json")))
    encoder_files = sorted(glob.glob(os.path.join(ROOT, "encoder", "*.json")))
    if not decode_files:
        problem("spec-vectors/vectors", "no vector files")
    n_dec = sum(check_decode_file(p) for p in decode_files)
    n_enc = sum(check_encoder_file(p) for p in encoder_files)
    for fl in sorted(set(FLAGS) - USED_FLAGS):
        problem("flags.json", "flag %s is used by no case" % fl)
    schemas = schema_validation(decode_files, encoder_files)
    for p in PROBLEMS:
        print(p)
    status = "FAILED: %d problem(s)" % len(PROBLEMS) if PROBLEMS else "ok"
    print("lint %s: %d decode cases in %d files, %d encoder cases in %d files; schema validation %s"
          % (status, n_dec, len(decode_files), n_enc, len(encoder_files), schemas))
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    sys.exit(main())
