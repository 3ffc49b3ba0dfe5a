"""An independent model of the dogstatsd dialect, in Python (stdlib only).

Written from the decisions of README.md "The dogstatsd dialect" (never from
the Rust parser, which it is checked against): `decode(datagram)` gives, for
every line of a datagram, what the dialect makes of it in the vector format
(LineResult with warnings), the canonical encoding of each accepted line, and
the flags naming where the Datadog Agent behaves differently (which make a
case "i"). generate.py uses it to compute the dogstatsd outcome of the legacy
cases and to double-check every hand-typed dogstatsd expectation; lint.py uses
`decode` to check that every canonical form reads back to the same lines.
"""

import math
import re
from decimal import Decimal

from canonical import float_text, rate_text

MAX_LINE = 8192
TYPES = {"c": "counter", "g": "gauge", "ms": "timer", "h": "histogram", "s": "set", "d": "distribution"}
CODES = {v: k for k, v in TYPES.items()}
CARDINALITIES = ("none", "low", "orchestrator", "high")
PRIORITIES = ("normal", "low")
ALERT_TYPES = ("info", "warning", "error", "success")
DECIMAL = re.compile(rb"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
PORTABLE_NAME = re.compile(rb"[A-Za-z0-9_.]+")
# What Go's strconv.ParseFloat accepts beyond the decimal grammar (the Agent):
# hex floats, "_" between digits, NaN and Inf (any case).
GO_SPECIAL = re.compile(rb"[+-]?(inf|infinity|nan)", re.I)
GO_HEX = re.compile(rb"[+-]?0[xX](_?[0-9a-fA-F])*(\.([0-9a-fA-F](_?[0-9a-fA-F])*)?)?([pP][+-]?[0-9]+)?")
GO_UNDERSCORE = re.compile(rb"[+-]?[0-9]+(_[0-9]+)+(\.[0-9]*)?([eE][+-]?[0-9]+)?")

# Flags (flags.json) naming where the Agent differs; any of them makes a case "i".
F_PARSEFLOAT = "AgentParseFloat"
F_BIGINT = "AgentFloatIntegers"
F_RATE = "AgentSampleRateUnchecked"
F_SC_PREFIX = "AgentServiceCheckPrefix"
F_EVENT = "AgentUncheckedEventSeparators"
F_SC_MESSAGE = "AgentServiceCheckMessageRaw"
F_LENGTH = "LineLengthLimit"
F_TS_SIGN = "AgentTimestampSign"


class Fault(Exception):
    def __init__(self, cls, at, flag=None):
        super().__init__(cls)
        self.cls = cls
        self.at = at
        self.flag = flag


def is_control(b):
    return b < 0x20 or b == 0x7F


def utf8_prefix_len(data):
    try:
        data.decode("utf-8")
        return len(data)
    except UnicodeDecodeError as e:
        return e.start


def text_at(body, start, end):
    """body[start:end] as text, or the invalid_utf8 fault at its first bad byte."""
    raw = body[start:end]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Fault("invalid_utf8", start + e.start)


def field_text(body, start, end):
    if any(is_control(b) for b in body[start:end]):
        raise Fault("control_character", start)  # replaced by the first control byte
    return text_at(body, start, end)


def go_float(raw):
    """Whether Go's ParseFloat reads `raw` (outside the decimal grammar) as a number."""
    return bool(GO_SPECIAL.fullmatch(raw) or (GO_HEX.fullmatch(raw) and len(raw.lstrip(b"+-")) > 2)
                or GO_UNDERSCORE.fullmatch(raw))


def number(raw, at):
    """(canonical text, portable?) of a value in the decimal grammar, any finite
    number, integers exact in (-2^63, 2^64)."""
    if not DECIMAL.fullmatch(raw):
        raise Fault("invalid_value", at, F_PARSEFLOAT if go_float(raw) else None)
    text = raw.decode()
    if not any(c in text for c in ".eE"):
        v = int(text)
        if not (-(2 ** 63) < v < 2 ** 64):
            # The Agent reads it as a float64, unless that overflows too.
            raise Fault("value_out_of_range", at, F_BIGINT if abs(v) < 2 ** 1024 else None)
        return str(v), -(2 ** 53) < v < 2 ** 53
    v = float(text)
    if not math.isfinite(v):
        raise Fault("value_out_of_range", at)
    return float_text(v), True


def unsigned_zero(text):
    return "0.0" if text == "-0.0" else text


def rate(raw, at, warn):
    """The JSON text and canonical text of a sample rate (warning outside (0, 1])."""
    if not DECIMAL.fullmatch(raw):
        raise Fault("invalid_sample_rate", at, F_PARSEFLOAT if go_float(raw) else None)
    v = float(raw.decode())
    if not math.isfinite(v):
        raise Fault("sample_rate_out_of_range", at)
    d = Decimal(raw.decode())
    if d > 0 and d <= 1 and 0 < v <= 1:
        return rate_text(v), None
    warn("sample_rate_out_of_range", at)
    return (rate_text(v) if 0 < v <= 1 else float_text(v)), F_RATE


def tags_json(raw):
    if raw == "":
        return []
    out = []
    for tag in raw.split(","):
        k, sep, v = tag.partition(":")
        out.append([k, v if sep else None])
    return out


def read_tags(body, start, end, warn):
    raw = field_text(body, start, end)
    if raw:
        at = start
        for tag in raw.encode().split(b","):
            if not tag:
                warn("empty_tag", at)
            at += len(tag) + 1
    return raw


def split_fields(body, pos):
    """(start, end) of every field after `pos` (which is at a "|")."""
    out = []
    while pos < len(body):
        start = pos + 1
        nxt = body.find(b"|", start)
        end = len(body) if nxt < 0 else nxt
        out.append((start, end))
        pos = end
    return out


def unescape(text):
    return text.replace("\\n", "\n")


class Line:
    """What a line holds: kind, JSON object, canonical text, warnings, flags."""

    def __init__(self):
        self.warnings = []
        self.flags = set()


def shared_field(body, start, end, state, warn):
    """The fields every message has (#, c:, e:, card:) and unknown ones: True when
    handled, with state updated; the key used for duplicates in state['key']."""
    f = body[start:end]
    if f.startswith(b"#"):
        state["tags"] = read_tags(body, start + 1, end, warn)
        state["key"] = "#"
    elif f.startswith(b"c:"):
        state["container_id"] = field_text(body, start + 2, end)
        state["key"] = "c"
    elif f.startswith(b"e:"):
        state["external_data"] = field_text(body, start + 2, end)
        state["key"] = "e"
    elif f.startswith(b"card:"):
        v = f[5:]
        if v.lower() in [c.encode() for c in CARDINALITIES]:
            state["cardinality"] = v.decode().lower()
            state["key"] = "card"
        else:
            state["unknown"].append(field_text(body, start, end))
            warn("invalid_field_value", start)
            state["key"] = None
    else:
        return False
    return True


def unknown_field(body, start, end, state, warn):
    state["unknown"].append(field_text(body, start, end))
    warn("unknown_field", start)
    state["key"] = None


def fields_loop(body, pos, state, warn, own):
    seen = set()
    for start, end in split_fields(body, pos):
        state["key"] = None
        if not shared_field(body, start, end, state, warn):
            if not own(start, end):
                unknown_field(body, start, end, state, warn)
        key = state["key"]
        if key is not None:
            if key in seen:
                warn("duplicate_field", start)
            seen.add(key)


def date_value(v):
    if not re.fullmatch(rb"-?[0-9]+", v):
        return None
    d = int(v)
    return d if -(2 ** 63) <= d < 2 ** 63 else None


def parse_metric(body, line):
    warn = lambda cls, at: line.warnings.append((cls, at))  # noqa: E731
    name_end = min([i for i in (body.find(b":"), body.find(b"|")) if i >= 0], default=len(body))
    if name_end == 0:
        raise Fault("empty_name", 0)
    name = field_text(body, 0, name_end)
    if name_end == len(body):
        raise Fault("missing_value", name_end)
    if body[name_end:name_end + 1] == b"|":
        raise Fault("missing_value", name_end)
    vs = name_end + 1
    bar = body.find(b"|", vs)
    value = body[vs:] if bar < 0 else body[vs:bar]
    ve = vs + len(value)
    if not value:
        raise Fault("missing_value", vs)
    if bar < 0:
        raise Fault("missing_type", ve)
    ts = ve + 1
    bar2 = body.find(b"|", ts)
    te = len(body) if bar2 < 0 else bar2
    code = body[ts:te]
    if not code:
        raise Fault("missing_type", ts)
    typ = TYPES.get(code.decode("latin-1"))
    if typ is None:
        raise Fault("unknown_type", ts)
    if typ == "set":
        values = [field_text(body, vs, ve)]
        canon_values = values[0]
    elif b":" in value:
        items, at = [], vs
        for item in value.split(b":"):
            if not item:
                warn("empty_value", at)
            else:
                text, portable = number(item, at)
                if not portable:
                    warn("non_portable_integer", at)
                items.append(text)
            at += len(item) + 1
        if not items:
            raise Fault("missing_value", vs)
        values = items
        canon_values = ":".join(unsigned_zero(t) for t in items)
    else:
        text, portable = number(value, vs)
        if not portable:
            warn("non_portable_integer", vs)
        values = [text]
        canon_values = unsigned_zero(text)
    m = {"name": name, "type": typ, "values": values, "sample_rate": None, "delta": False, "tags": None}
    state = {"tags": None, "container_id": None, "external_data": None, "cardinality": None, "unknown": [],
             "rate": None, "rate_text": None, "timestamp": None}

    def own(start, end):
        f = body[start:end]
        if f.startswith(b"@"):
            state["rate"], flag = rate(f[1:], start + 1, warn)
            if flag:
                line.flags.add(flag)
            state["key"] = "@"
            return True
        if f.startswith(b"T"):
            t = f[1:]
            if not (re.fullmatch(rb"[0-9]+", t) and 1 <= int(t) < 2 ** 63):
                agent = re.fullmatch(rb"\+[0-9]+", t) and 1 <= int(t) < 2 ** 63
                raise Fault("invalid_timestamp", start + 1, F_TS_SIGN if agent else None)
            if typ not in ("gauge", "counter"):
                warn("timestamp_ignored", start)
            state["timestamp"] = str(int(t))
            state["key"] = "T"
            return True
        return False

    fields_loop(body, te, state, warn, own)
    if not PORTABLE_NAME.fullmatch(name.encode()):
        warn("non_portable_name", 0)
    m["sample_rate"] = state["rate"]
    if state["tags"] is not None:
        m["tags"] = tags_json(state["tags"])
    for k in ("timestamp", "container_id", "external_data", "cardinality"):
        if state[k] is not None:
            m[k] = state[k]
    out = "%s:%s|%s" % (name, canon_values, code.decode())
    if state["rate"] is not None:
        out += "|@" + state["rate"]
    out += shared_canonical(state)
    if state["timestamp"] is not None:
        out += "|T" + state["timestamp"]
    if state["cardinality"] is not None:
        out += "|card:" + state["cardinality"]
    out += "".join("|" + u for u in state["unknown"])
    return "metric", m, out


def shared_canonical(state):
    out = ""
    if state["tags"] is not None:
        out += "|#" + state["tags"]
    if state["container_id"] is not None:
        out += "|c:" + state["container_id"]
    if state["external_data"] is not None:
        out += "|e:" + state["external_data"]
    return out


def is_boundary(body, i):
    return i >= len(body) or not (0x80 <= body[i] < 0xC0)


def parse_event(body, line):
    warn = lambda cls, at: line.warnings.append((cls, at))  # noqa: E731
    H = "invalid_event_header"

    def length_at(pos):
        m = re.match(rb"[0-9]+", body[pos:])
        if not m:
            raise Fault(H, pos)
        digits = m.group(0)
        if int(digits) >= 2 ** 64:
            raise Fault("event_length_mismatch", pos)
        return int(digits), pos + len(digits)

    def expect(pos, b, cls, agent=False):
        if body[pos:pos + 1] != b:
            raise Fault(cls, pos, F_EVENT if agent else None)
        return pos + 1

    tl, pos = length_at(3)
    pos = expect(pos, b",", H)
    xl, pos = length_at(pos)
    # The Agent reads the header up to the first ":" and ignores its last byte.
    pos = expect(pos, b"}", H, agent=body[pos + 1:pos + 2] == b":" and body[pos:pos + 1] != b":")
    title_start = expect(pos, b":", H)
    if tl == 0:
        raise Fault("empty_event_title", 3)
    title_end = title_start + tl
    if title_end > len(body):
        raise Fault("event_length_mismatch", len(body))
    text_start = expect(title_end, b"|", "event_length_mismatch", agent=title_end + 1 + xl <= len(body))
    text_end = text_start + xl
    if text_end > len(body):
        raise Fault("event_length_mismatch", len(body))
    if text_end < len(body) and body[text_end] != ord("|"):
        raise Fault("event_length_mismatch", text_end, F_EVENT)
    valid = utf8_prefix_len(body)

    def escaped(start, end):
        if any(is_control(b) for b in body[start:end]):
            raise Fault("control_character", start)
        if valid >= end and not (is_boundary(body, start) and is_boundary(body, end)):
            raise Fault("event_length_mismatch", start, F_EVENT)
        return text_at(body, start, end)

    title = escaped(title_start, title_end)
    text = escaped(text_start, text_end)
    ev = {"title": unescape(title), "text": unescape(text), "timestamp": None, "hostname": None,
          "aggregation_key": None, "priority": None, "source_type": None, "alert_type": None, "tags": None}
    state = {"tags": None, "container_id": None, "external_data": None, "cardinality": None, "unknown": [],
             "d": None, "h": None, "k": None, "p": None, "s": None, "t": None}

    def own(start, end):
        f = body[start:end]
        key = f[:2].decode("latin-1")
        if key not in ("d:", "h:", "k:", "p:", "s:", "t:"):
            return False
        value = field_text(body, start + 2, end)
        k = key[0]
        ok = {"d": lambda v: date_value(v.encode()) is not None, "p": lambda v: v in PRIORITIES,
              "t": lambda v: v in ALERT_TYPES}.get(k, lambda v: True)(value)
        if ok:
            state[k] = str(date_value(value.encode())) if k == "d" else value
            state["key"] = k
        else:
            state["unknown"].append(field_text(body, start, end))
            warn("invalid_field_value", start)
            state["key"] = None
        return True

    if text_end < len(body):
        fields_loop(body, text_end, state, warn, own)
    for k, member in (("d", "timestamp"), ("h", "hostname"), ("k", "aggregation_key"), ("p", "priority"),
                      ("s", "source_type"), ("t", "alert_type")):
        ev[member] = state[k]
    if state["tags"] is not None:
        ev["tags"] = tags_json(state["tags"])
    out = "_e{%d,%d}:%s|%s" % (len(title.encode()), len(text.encode()), title, text)
    for k in "dhkpst":
        if state[k] is not None:
            out += "|%s:%s" % (k, state[k])
    out += shared_canonical(state)
    if state["cardinality"] is not None:
        out += "|card:" + state["cardinality"]
    out += "".join("|" + u for u in state["unknown"])
    return "event", ev, out


def parse_service_check(body, line):
    warn = lambda cls, at: line.warnings.append((cls, at))  # noqa: E731
    bar = body.find(b"|", 4)
    name_end = len(body) if bar < 0 else bar
    if name_end == 4:
        raise Fault("empty_name", 4)
    name = field_text(body, 4, name_end)
    if bar < 0:
        raise Fault("invalid_service_check_status", name_end)
    ss = name_end + 1
    bar2 = body.find(b"|", ss)
    se = len(body) if bar2 < 0 else bar2
    status = body[ss:se]
    if status not in (b"0", b"1", b"2", b"3"):
        raise Fault("invalid_service_check_status", ss)
    sc = {"name": name, "status": status.decode(), "timestamp": None, "hostname": None, "message": None, "tags": None}
    state = {"tags": None, "container_id": None, "external_data": None, "cardinality": None, "unknown": [],
             "d": None, "h": None, "m": None}

    def own(start, end):
        f = body[start:end]
        key = f[:2].decode("latin-1")
        if key not in ("d:", "h:", "m:"):
            return False
        value = field_text(body, start + 2, end)
        k = key[0]
        if k == "d" and date_value(value.encode()) is None:
            state["unknown"].append(field_text(body, start, end))
            warn("invalid_field_value", start)
            state["key"] = None
            return True
        state[k] = str(date_value(value.encode())) if k == "d" else value
        state["key"] = k
        return True

    fields_loop(body, se, state, warn, own)
    sc["timestamp"] = state["d"]
    sc["hostname"] = state["h"]
    if state["m"] is not None:
        sc["message"] = unescape(state["m"])
        if "\\n" in state["m"]:
            line.flags.add(F_SC_MESSAGE)
    if state["tags"] is not None:
        sc["tags"] = tags_json(state["tags"])
    out = "_sc|%s|%s" % (name, status.decode())
    if state["d"] is not None:
        out += "|d:" + state["d"]
    if state["h"] is not None:
        out += "|h:" + state["h"]
    out += shared_canonical(state)
    if state["cardinality"] is not None:
        out += "|card:" + state["cardinality"]
    out += "".join("|" + u for u in state["unknown"])
    if state["m"] is not None:
        out += "|m:" + state["m"]
    return "service_check", sc, out


CAPACITY = 4  # the core keeps 4 warnings per line; each one more is unknown_field at the line's start


def parse_line(raw, base):
    """One framed line (without its \\n) at byte `base`: a dict LineResult plus
    '_canonical' (accepted lines) and '_flags'."""
    line = Line()
    if len(raw) > MAX_LINE:
        return {"ok": False, "error": {"class": "line_too_long", "offset": base}, "_flags": {F_LENGTH}}
    body = raw[:-1] if raw.endswith(b"\r") else raw
    try:
        if body.startswith(b"_e{"):
            kind, obj, canon = parse_event(body, line)
        elif body.startswith(b"_sc|"):
            kind, obj, canon = parse_service_check(body, line)
        else:
            if body.startswith(b"_sc"):
                line.flags.add(F_SC_PREFIX)
            kind, obj, canon = parse_metric(body, line)
    except Fault as f:
        ctl = next((i for i, b in enumerate(body) if is_control(b)), None)
        if ctl is not None:
            return {"ok": False, "error": {"class": "control_character", "offset": base + ctl}, "_flags": set()}
        flags = {f.flag} if f.flag else set()
        return {"ok": False, "error": {"class": f.cls, "offset": base + f.at}, "_flags": flags}
    out = {"ok": True, kind: obj}
    ws = line.warnings[:CAPACITY] + [("unknown_field", 0)] * max(0, len(line.warnings) - CAPACITY)
    if ws:
        out["warnings"] = [{"class": c, "offset": base + at} for c, at in ws]
    out["_canonical"] = canon
    out["_flags"] = line.flags
    return out


def frame(data):
    """(start, bytes) of every non-empty line (a line that is only \\r is empty)."""
    out, pos = [], 0
    for raw in data.split(b"\n"):
        if raw and raw != b"\r":
            out.append((pos, raw))
        pos += len(raw) + 1
    return out


def decode(data):
    """The dogstatsd outcome of a datagram: (verdict, lines, canonical or None, flags)."""
    lines, flags = [], set()
    for start, raw in frame(data):
        r = parse_line(raw, start)
        flags |= r.pop("_flags")
        lines.append(r)
    canon = [r.pop("_canonical") for r in lines if r["ok"]]
    if flags:
        verdict = "i"
    elif all(r["ok"] for r in lines):
        verdict = "y"
    else:
        verdict = "n"
    return verdict, lines, ("\n".join(canon) if verdict == "y" else None), flags
