"""The canonical-encoding rules of spec-vectors, in Python (stdlib only).

Shared by generate.py (to write `canonical` from the hand-typed metric fields)
and lint.py (to check every `canonical` against its metrics). These functions
restate the rules of README.md "Canonical encoding"; they never call the Rust
parser.
"""

import math
import re
from decimal import Decimal

TYPE_CODES = {
    "counter": "c",
    "gauge": "g",
    "timer": "ms",
    "histogram": "h",
    "meter": "m",
    "set": "s",
    "distribution": "d",
}

INTEGER_TEXT = re.compile(r"^(0|-?[1-9][0-9]*)$")


def _shortest_digits(x):
    """Shortest round-trip digits and exponent of a finite, nonzero |x|:
    |x| == int(digits) * 10**exp, digits without trailing zeros."""
    sign, digits, exp = Decimal(repr(abs(x))).as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exp += 1
    return "".join(str(d) for d in digits), exp


def float_text(x):
    """A float in its shortest round-trip form, always with a '.' or an
    exponent: plain decimal when the decimal point falls within
    -5 < kk <= 16 digits (1e-5 <= |x| < 1e16), scientific otherwise
    (the format of Rust's ryu crate: "1.0", "0.1", "1e21", "1.5e-7", "-0.0")."""
    if not math.isfinite(x):
        raise ValueError("non-finite float %r" % x)
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    s, k = _shortest_digits(x)
    n = len(s)
    kk = n + k  # the value is 0.<s> * 10**kk
    if 0 <= k and kk <= 16:
        out = s + "0" * k + ".0"
    elif 0 < kk <= 16:
        out = s[:kk] + "." + s[kk:]
    elif -5 < kk <= 0:
        out = "0." + "0" * (-kk) + s
    elif n == 1:
        out = s + "e" + str(kk - 1)
    else:
        out = s[0] + "." + s[1:] + "e" + str(kk - 1)
    return ("-" if x < 0 else "") + out


def rate_text(r):
    """A sample rate in (0, 1]: "1" for 1, otherwise its shortest round-trip
    digits written as a plain decimal without exponent ("0.5", "0.0000001")."""
    if not (0 < r <= 1):
        raise ValueError("sample rate %r out of (0, 1]" % r)
    if r == 1:
        return "1"
    s, k = _shortest_digits(r)
    kk = len(s) + k
    assert kk <= 0
    return "0." + "0" * (-kk) + s


def is_float_text(v):
    return any(ch in v for ch in ".eE")


def number_text(v):
    """The canonical text of a value string: integers (no '.', no exponent)
    exactly, without sign or leading zeros; floats via float_text."""
    if is_float_text(v):
        return float_text(float(v))
    sign = v.startswith("-")
    digits = v.lstrip("+-").lstrip("0") or "0"
    if digits == "0":
        return "0"
    return ("-" if sign else "") + digits


def value_text(metric):
    (v,) = metric["values"]
    if metric["type"] == "set":
        return v
    text = number_text(v)
    if metric.get("delta"):
        if not text.startswith("-"):
            text = "+" + text
    elif text == "-0.0":
        # Outside a delta a zero is written without its sign: -0.0 == 0.0, and
        # in etsy a '-' would make a gauge a delta (README "Canonical encoding").
        text = "0.0"
    return text


def encode_metric(metric):
    out = "%s:%s|%s" % (metric["name"], value_text(metric), TYPE_CODES[metric["type"]])
    if metric.get("sample_rate") is not None:
        out += "|@" + rate_text(float(metric["sample_rate"]))
    return out


def encode_metrics(metrics):
    return "\n".join(encode_metric(m) for m in metrics)


# --------------------------------------------------------------------------
# dogstatsd (README "DogStatsD: canonical encoding")
# --------------------------------------------------------------------------

DOGSTATSD_TYPES = ("counter", "gauge", "timer", "histogram", "set", "distribution")
CARDINALITIES = ("none", "low", "orchestrator", "high")
PRIORITIES = ("normal", "low")
ALERT_TYPES = ("info", "warning", "error", "success")


class Refused(Exception):
    """The encoder refuses the message (and writes nothing)."""


def _control(s, newline_ok=False):
    return any((ord(c) < 0x20 and not (newline_ok and c == "\n")) or ord(c) == 0x7F for c in s)


def _field_text(s):
    if s is not None and ("|" in s or _control(s)):
        raise Refused("field text with | or a control character")


def _tags_wire(tags):
    if tags is None:
        return ""
    for k, v in tags:
        for part in (k, v or ""):
            if "," in part or "|" in part or _control(part):
                raise Refused("tag with , | or a control character")
        if ":" in k:
            raise Refused("tag key with :")
    if tags == [["", None]]:
        raise Refused("a tag list of one empty tag would be written as no tag")
    return "|#" + ",".join(k if v is None else "%s:%s" % (k, v) for k, v in tags)


def _shared(msg):
    out = _tags_wire(msg.get("tags"))
    for prefix, key in (("c:", "container_id"), ("e:", "external_data")):
        if msg.get(key) is not None:
            _field_text(msg[key])
            out += "|" + prefix + msg[key]
    return out


def _number(v, delta=False):
    if is_float_text(v) or v.lower().lstrip("+-") in ("nan", "infinity", "inf"):
        x = float(v)
        if not math.isfinite(x):
            raise Refused("non-finite value")
        return number_text(v)
    n = int(v)
    if not (-(2 ** 63) < n < 2 ** 64):
        raise Refused("integer out of range")
    return number_text(v)


def _escaped(text, pipe_ok):
    if _control(text, newline_ok=True) or "\\n" in text or (not pipe_ok and "|" in text):
        raise Refused("text with a control character, the two bytes \\n or a |")
    return text.replace("\n", "\\n")


def encode_dogstatsd_metric(m):
    name = m["name"]
    if not name or ":" in name or "|" in name or _control(name) or name.startswith("_e{"):
        raise Refused("name")
    if m.get("delta"):
        raise Refused("no gauge deltas in dogstatsd")
    if m["type"] not in DOGSTATSD_TYPES:
        raise Refused("type not in dogstatsd")
    values = m["values"]
    if not values:
        raise Refused("no value")
    if m["type"] == "set":
        if len(values) != 1:
            raise Refused("packed set")
        member = values[0]
        if not member or "|" in member or _control(member):
            raise Refused("set member")
        text = member
    else:
        text = ":".join(unsigned_zero_text(_number(v)) for v in values)
    out = "%s:%s|%s" % (name, text, TYPE_CODES[m["type"]])
    if m.get("sample_rate") is not None:
        r = float(m["sample_rate"])
        if not (0 < r <= 1):
            raise Refused("rate outside (0, 1]")
        out += "|@" + rate_text(r)
    out += _shared(m)
    if m.get("timestamp") is not None:
        t = int(m["timestamp"])
        if not (1 <= t < 2 ** 63):
            raise Refused("timestamp")
        out += "|T%d" % t
    if m.get("cardinality") is not None:
        if m["cardinality"] not in CARDINALITIES:
            raise Refused("cardinality")
        out += "|card:" + m["cardinality"]
    return out


def unsigned_zero_text(t):
    return "0.0" if t == "-0.0" else t


def encode_event(e):
    if not e["title"]:
        raise Refused("empty title")
    title, text = _escaped(e["title"], True), _escaped(e["text"], True)
    out = "_e{%d,%d}:%s|%s" % (len(title.encode()), len(text.encode()), title, text)
    if e.get("timestamp") is not None:
        out += "|d:%d" % int(e["timestamp"])
    for prefix, key, allowed in (("h:", "hostname", None), ("k:", "aggregation_key", None), ("p:", "priority", PRIORITIES),
                                 ("s:", "source_type", None), ("t:", "alert_type", ALERT_TYPES)):
        v = e.get(key)
        if v is not None:
            _field_text(v)
            if allowed and v not in allowed:
                raise Refused(key)
            out += "|" + prefix + v
    out += _shared(e)
    if e.get("cardinality") is not None:
        out += "|card:" + e["cardinality"]
    return out


def encode_service_check(c):
    name = c["name"]
    if not name or "|" in name or _control(name):
        raise Refused("name")
    if c["status"] not in ("0", "1", "2", "3"):
        raise Refused("status")
    out = "_sc|%s|%s" % (name, c["status"])
    if c.get("timestamp") is not None:
        out += "|d:%d" % int(c["timestamp"])
    if c.get("hostname") is not None:
        _field_text(c["hostname"])
        out += "|h:" + c["hostname"]
    out += _shared(c)
    if c.get("cardinality") is not None:
        out += "|card:" + c["cardinality"]
    if c.get("message") is not None:
        out += "|m:" + _escaped(c["message"], False)
    return out


def encode_dogstatsd_message(msg):
    """The canonical line of one {"metric"|"event"|"service_check": ...} message
    in the dogstatsd dialect; raises Refused when the encoder refuses it."""
    if "metric" in msg:
        return encode_dogstatsd_metric(msg["metric"])
    if "event" in msg:
        return encode_event(msg["event"])
    return encode_service_check(msg["service_check"])


def encode_dogstatsd(messages):
    """A datagram of messages, or None when any is refused."""
    try:
        return "\n".join(encode_dogstatsd_message(m) for m in messages)
    except Refused:
        return None
