"""Adapter-protocol (version 1) adapter for the PyPI package `statsdmetrics`
(pinned in requirements.txt, installed into .venv/ by ../install.sh).

    conformance/peers/statsdmetrics/adapter.sh capabilities
    conformance/peers/statsdmetrics/adapter.sh decode --dialect spec|etsy
    conformance/peers/statsdmetrics/adapter.sh encode --dialect spec|etsy
    conformance/peers/statsdmetrics/adapter.sh batch  --dialect spec|etsy

decode: the library parses ONE line (`parse_metric_from_request(str)`); the
datagram is decoded as UTF-8 (invalid bytes replaced by U+FFFD, the library
wants a str), split on "\\n", empty lines skipped, one call per line.
ValueError / AssertionError are the library's rejections (no error classes,
no offsets); any other exception is treated like a crash (exit 70).

encode: each Metric is built with the library's metric classes the way its
Client does (name normalised with `normalize_metric_name`, no random
sampling) and rendered with `to_request()`; one metric is the datagram the
Client sends, several are joined the way its BatchClient buffers them (each
followed by "\\n"). An AssertionError/ValueError from the classes, a type the
library does not have, or tags make the metric invalid for it: exit 1.

See ../README.md for the mapping rules and their limits.
"""

import json
import math
import os
import sys

EXIT_CRASH = 70
EXIT_UNIMPLEMENTED = 89
EXIT_USAGE = 64
DIALECTS = ("spec", "etsy")

try:
    import statsdmetrics
    from statsdmetrics import metrics as sm
except Exception as e:  # not installed
    sys.stderr.write("statsdmetrics is not installed (%s): run bash conformance/peers/install.sh\n" % e)
    sys.exit(75)


class Crash(Exception):
    """The library raised something other than its documented rejections."""


def version():
    try:
        from importlib.metadata import version as v

        return v("statsdmetrics")
    except Exception:
        return getattr(statsdmetrics, "__version__", None)


def num(x):
    """A number the library produced, as a protocol decimal string."""
    if isinstance(x, bool):
        return str(int(x))
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    return str(x)


def decode_line(line):
    try:
        m = sm.parse_metric_from_request(line)
    except (ValueError, AssertionError) as e:
        return {"ok": False, "error": {"message": "%s: %s" % (type(e).__name__, e)}}
    except Exception as e:
        raise Crash("%s: %s" % (type(e).__name__, e))
    if isinstance(m, sm.Counter):
        typ, values, delta = "counter", [num(m.count)], None
    elif isinstance(m, sm.Timer):
        typ, values, delta = "timer", [num(m.milliseconds)], None
    elif isinstance(m, sm.GaugeDelta):
        typ, values, delta = "gauge", [num(m.delta)], True
    elif isinstance(m, sm.Gauge):
        typ, values, delta = "gauge", [num(m.value)], False
    elif isinstance(m, sm.Set):
        typ, values, delta = "set", [str(m.value)], None
    else:
        raise Crash("unexpected metric class %r" % type(m).__name__)
    # The library has no "no sample rate": absent means its default (1).
    rate = m.sample_rate
    metric = {
        "name": m.name,
        "type": typ,
        "values": values,
        "sample_rate": None if rate == sm.AbstractMetric.default_sample_rate else num(rate),
    }
    if delta is not None:
        metric["delta"] = delta
    metric["tags"] = None
    return {"ok": True, "metric": metric}


def decode(data):
    text = data.decode("utf-8", errors="replace")
    return {"lines": [decode_line(line) for line in text.split("\n") if line != ""]}


class Refused(Exception):
    pass


def number_arg(s):
    """A protocol value string as the Python number a caller would pass:
    int for an integer literal, float otherwise."""
    if not isinstance(s, str):
        raise Refused("value %r is not a string" % (s,))
    t = s.strip()
    body = t[1:] if t[:1] in "+-" else t
    if body.isdigit():
        return int(t)
    try:
        return float(t)
    except ValueError:
        raise Refused("value %r is not a number" % s)


def encode_metric(m):
    if m.get("tags") not in (None, []):
        raise Refused("statsdmetrics has no tags")
    if "name" not in m:
        raise Refused("name_hex: statsdmetrics takes str names")
    values = m.get("values") or []
    if len(values) != 1:
        raise Refused("statsdmetrics encodes exactly one value per metric")
    rate = m.get("sample_rate")
    rate = 1 if rate is None else number_arg(rate)
    name = sm.normalize_metric_name(m["name"])
    typ = m.get("type")
    v = values[0]
    try:
        if typ == "counter":
            obj = sm.Counter(name, number_arg(v), rate)
        elif typ == "timer":
            obj = sm.Timer(name, number_arg(v), rate)
        elif typ == "gauge" and m.get("delta"):
            obj = sm.GaugeDelta(name, number_arg(v), rate)
        elif typ == "gauge":
            obj = sm.Gauge(name, number_arg(v), rate)
        elif typ == "set":
            obj = sm.Set(name, str(v), rate)
        else:
            raise Refused("statsdmetrics has no %r metrics" % typ)
        return str(obj.to_request())
    except (AssertionError, ValueError, TypeError) as e:
        raise Refused("%s: %s" % (type(e).__name__, e))


def encode(req):
    metrics = req.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        raise Refused("no metrics")
    lines = [encode_metric(m) for m in metrics]
    if len(lines) == 1:
        return lines[0].encode("utf-8")
    return "".join(line + "\n" for line in lines).encode("utf-8")


def capabilities():
    return {
        "protocol": 1,
        "name": "statsdmetrics",
        "version": version(),
        "dialects": list(DIALECTS),
        "ops": ["decode", "encode", "batch"],
        "features": {"error_class": False, "error_offset": False, "canonical": False},
    }


def dialect_arg(args):
    for i, a in enumerate(args):
        if a == "--dialect" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--dialect="):
            return a[len("--dialect="):]
    return None


def out(s):
    sys.stdout.write(s)
    sys.stdout.flush()


def batch(dialect_ok):
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        try:
            req = json.loads(raw)
        except ValueError as e:
            sys.stderr.write("batch: bad request line: %s\n" % e)
            return EXIT_USAGE
        rid = req.get("id")
        op = req.get("op")
        if not dialect_ok or op not in ("decode", "encode"):
            out(json.dumps({"id": rid, "exit": EXIT_UNIMPLEMENTED}) + "\n")
            continue
        if op == "decode":
            if "input" in req:
                data = req["input"].encode("utf-8")
            elif "input_hex" in req:
                data = bytes.fromhex(req["input_hex"])
            else:
                sys.stderr.write("batch: request %r has no input\n" % (rid,))
                return EXIT_USAGE
            try:
                body = decode(data)
            except Crash as e:
                # The library keeps no state between calls: this case is a
                # CRASH and the batch goes on, unless asked to die (then the
                # runner re-runs the rest one process per case).
                sys.stderr.write("statsdmetrics crashed on case %r: %s\n" % (rid, e))
                if os.environ.get("PEER_BATCH_DIE_ON_CRASH") == "1":
                    return EXIT_CRASH
                out(json.dumps({"id": rid, "exit": EXIT_CRASH}) + "\n")
                continue
            resp = {"id": rid, "exit": 0}
            resp.update(body)
        else:
            try:
                dgram = encode(req)
                try:
                    resp = {"id": rid, "exit": 0, "output": dgram.decode("utf-8")}
                except UnicodeDecodeError:
                    resp = {"id": rid, "exit": 0, "output_hex": dgram.hex()}
            except Refused as e:
                sys.stderr.write("case %r refused: %s\n" % (rid, e))
                resp = {"id": rid, "exit": 1}
        out(json.dumps(resp) + "\n")
    return 0


def main(argv):
    sub = argv[0] if argv else ""
    dialect = dialect_arg(argv)
    dialect_ok = dialect in DIALECTS
    if sub == "capabilities":
        out(json.dumps(capabilities()) + "\n")
        return 0
    if sub == "decode":
        if not dialect_ok:
            sys.stderr.write("dialect %r not implemented\n" % (dialect,))
            return EXIT_UNIMPLEMENTED
        data = sys.stdin.buffer.read()
        try:
            body = decode(data)
        except Crash as e:
            sys.stderr.write("statsdmetrics crashed: %s\n" % e)
            return EXIT_CRASH
        out(json.dumps(body) + "\n")
        return 0
    if sub == "encode":
        if not dialect_ok:
            sys.stderr.write("dialect %r not implemented\n" % (dialect,))
            return EXIT_UNIMPLEMENTED
        try:
            req = json.loads(sys.stdin.buffer.read())
        except ValueError as e:
            sys.stderr.write("encode: bad JSON: %s\n" % e)
            return EXIT_USAGE
        try:
            dgram = encode(req)
        except Refused as e:
            sys.stderr.write("refused: %s\n" % e)
            return 1
        sys.stdout.buffer.write(dgram)
        sys.stdout.flush()
        return 0
    if sub == "batch":
        return batch(dialect_ok)
    sys.stderr.write("usage: adapter.sh capabilities | decode|encode|batch --dialect D\n")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
