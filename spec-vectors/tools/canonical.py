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
