"""Adapter (protocol version 1) over the PyPI StatsD clients, encode only.

    adapter.sh --impl datadog|pystatsd capabilities | encode --dialect D | batch --dialect D

Each request metric goes through the client's public API call for its type
and the bytes the client hands to its socket are captured, never sent:

- datadog (DogStatsd 0.56.0): a fake socket assigned to the public
  ``DogStatsd.socket`` property (what the library's own tests do); plain mode
  (no telemetry, no origin detection, no aggregation); the metrics of one
  request are sent inside ``open_buffer()``/``close_buffer()``, so one request
  is one packet (the client ends every packet with "\\n").
- pystatsd (PyPI ``statsd`` 4.0.1, ``StatsClient``): a fake socket in place of
  ``client._sock``; one metric is one ``sendto``; several metrics go through
  ``client.pipeline()``, which packs them as one datagram joined by "\\n".

Random sampling is made deterministic ("sampled in"): the clients' ``random``
returns 0. Exit 1 ("refused") when the client raised, sent nothing, or has no
API for the metric (a type, a rate, a delta, tags or several values it cannot
express); stderr says which. Values are passed as the application would: an
integer literal as ``int``, anything else as ``float`` (set members as ``str``).

Dialects: each client has one behaviour; DIALECTS lists the suite dialects the
adapter declares for it. A DogStatsD column is added by declaring
``dogstatsd`` for datadog (tags are already passed to its ``tags`` argument).
"""

import json
import os
import re
import sys

EXIT_REFUSED = 1
EXIT_USAGE = 64
EXIT_HARNESS = 75
EXIT_UNIMPLEMENTED = 89

DIALECTS = {"datadog": ["spec", "etsy", "dogstatsd"], "pystatsd": ["spec", "etsy"]}
PACKAGES = {"datadog": "datadog", "pystatsd": "statsd"}

INT_RE = re.compile(r"^-?[0-9]+$")


class Refused(Exception):
    pass


def log(msg):
    sys.stderr.write("%s adapter: %s\n" % (IMPL or "clients-py", msg))


def num(s):
    """A request value string as the Python number an application would pass."""
    if not isinstance(s, str):
        raise Refused("value is not a string")
    if INT_RE.match(s):
        return int(s)
    try:
        return float(s)
    except ValueError:
        raise Refused("value %r is not a number" % s)


def one_value(m):
    vals = m.get("values")
    if not isinstance(vals, list) or len(vals) != 1:
        raise Refused("the client writes one value per call, not %r" % (vals,))
    return vals[0]


def rate_of(m):
    r = m.get("sample_rate")
    return None if r is None else num(r)


def no(what, m):
    raise Refused("the client has no API for %s (%s)" % (what, json.dumps(m)))


class FakeSocket:
    """Records what the client sends; ``send`` (connected) and ``sendto``."""

    def __init__(self):
        self.sent = []

    def send(self, data, *args):
        self.sent.append(bytes(data))
        return len(data)

    def sendto(self, data, *args):
        self.sent.append(bytes(data))
        return len(data)

    def sendall(self, data, *args):
        self.sent.append(bytes(data))

    def setblocking(self, *args):
        pass

    def settimeout(self, *args):
        pass

    def close(self):
        pass


def encode_datadog(metrics):
    from datadog.dogstatsd import base

    base.random = lambda: 0.0  # sampled in
    from datadog.dogstatsd.base import DogStatsd

    client = DogStatsd(
        host="127.0.0.1",
        port=8125,
        disable_telemetry=True,
        origin_detection_enabled=False,
        disable_aggregation=True,
        disable_buffering=True,
        disable_background_sender=True,
        track_instance=False,
    )
    sock = FakeSocket()
    client.socket = sock
    client.open_buffer()
    try:
        for m in metrics:
            v = one_value(m)
            rate = rate_of(m)
            tags = None
            if m.get("tags") is not None:
                tags = [k if val is None else "%s:%s" % (k, val) for k, val in m["tags"]]
            t = m.get("type")
            if t == "gauge" and m.get("delta"):
                no("gauge deltas", m)
            if t == "counter":
                client.increment(m["name"], num(v), tags=tags, sample_rate=rate)
            elif t == "gauge":
                client.gauge(m["name"], num(v), tags=tags, sample_rate=rate)
            elif t == "timer":
                client.timing(m["name"], num(v), tags=tags, sample_rate=rate)
            elif t == "histogram":
                client.histogram(m["name"], num(v), tags=tags, sample_rate=rate)
            elif t == "distribution":
                client.distribution(m["name"], num(v), tags=tags, sample_rate=rate)
            elif t == "set":
                client.set(m["name"], v, tags=tags, sample_rate=rate)
            else:
                no(str(t), m)
    finally:
        client.close_buffer()
    return sock.sent


def encode_pystatsd(metrics):
    from statsd.client import base

    base.random.random = lambda: 0.0  # sampled in (base does `import random`)
    from statsd import StatsClient

    client = StatsClient(host="127.0.0.1", port=8125)
    client._sock.close()
    sock = FakeSocket()
    client._sock = sock
    target = client.pipeline() if len(metrics) > 1 else client
    for m in metrics:
        v = one_value(m)
        if m.get("tags") is not None:
            no("tags", m)
        rate = rate_of(m)
        kw = {} if rate is None else {"rate": rate}
        t = m.get("type")
        if t == "counter":
            target.incr(m["name"], num(v), **kw)
        elif t == "gauge":
            target.gauge(m["name"], num(v), delta=bool(m.get("delta")), **kw)
        elif t == "timer":
            target.timing(m["name"], num(v), **kw)
        elif t == "set":
            target.set(m["name"], v, **kw)
        else:
            no(str(t), m)
    if target is not client:
        target.send()
    return sock.sent


ENCODERS = {"datadog": encode_datadog, "pystatsd": encode_pystatsd}


def encode(body):
    metrics = body.get("metrics") if isinstance(body, dict) else None
    if not isinstance(metrics, list):
        raise Refused("no metrics array")
    if not metrics:
        return b""  # nothing to send: an empty datagram
    for m in metrics:
        # A delta exists only on gauges: no client API can say "delta" for another type.
        if isinstance(m, dict) and m.get("delta") and m.get("type") != "gauge":
            no("a delta on a %s" % m.get("type"), m)
    try:
        sent = ENCODERS[IMPL](metrics)
    except Refused:
        raise
    except Exception as e:  # the client raised: the application sees an error
        raise Refused("the client raised %s: %s" % (type(e).__name__, e))
    if not sent:
        raise Refused("the client sent nothing")
    return b"\n".join(sent)


def handle(op, dialect, body):
    if dialect not in DIALECTS[IMPL]:
        return EXIT_UNIMPLEMENTED, None, "dialect %r not implemented" % (dialect,)
    if op != "encode":
        return EXIT_UNIMPLEMENTED, None, "%s has no decoder" % IMPL
    try:
        return 0, encode(body), None
    except Refused as e:
        return EXIT_REFUSED, None, "refused: %s" % e


def arg(args, name):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a[len(name) + 1 :]
    return None


IMPL = None


def main():
    global IMPL
    args = sys.argv[1:]
    IMPL = arg(args, "--impl")
    if IMPL not in ENCODERS:
        log("usage: adapter.sh --impl {datadog|pystatsd} capabilities|encode|batch --dialect D")
        return EXIT_USAGE
    rest = [a for i, a in enumerate(args) if a != "--impl" and (i == 0 or args[i - 1] != "--impl") and not a.startswith("--impl=")]
    sub = rest[0] if rest else None
    dialect = arg(rest, "--dialect")
    try:
        import importlib.metadata as md

        version = md.version(PACKAGES[IMPL])
    except Exception as e:
        log("%s is not installed (%s): run bash conformance/peers/install.sh %s" % (PACKAGES[IMPL], e, IMPL))
        return EXIT_HARNESS
    # Nothing from the environment may change what the clients write.
    for k in list(os.environ):
        if k.startswith("DD_") or k.startswith("DATADOG_") or k.startswith("STATSD_"):
            del os.environ[k]
    if sub == "capabilities":
        print(json.dumps({"protocol": 1, "name": IMPL, "version": version, "dialects": DIALECTS[IMPL],
                          "ops": ["encode", "batch"],
                          "features": {"error_class": False, "error_offset": False, "canonical": False}}))
        return 0
    if sub in ("encode", "decode"):
        raw = sys.stdin.buffer.read()
        body = None
        if sub == "encode":
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError as e:
                log("encode: stdin is not JSON: %s" % e)
                return EXIT_USAGE
        code, out, msg = handle(sub, dialect, body)
        if msg:
            log(msg)
        if code == 0:
            sys.stdout.buffer.write(out)
            sys.stdout.buffer.flush()
        return code
    if sub == "batch":
        for line in sys.stdin.buffer:
            if not line.strip():
                continue
            try:
                q = json.loads(line.decode("utf-8"))
            except ValueError as e:
                log("batch: bad request line: %s" % e)
                return EXIT_USAGE
            rid = q.get("id")
            code, out, msg = handle(q.get("op"), dialect, {"metrics": q.get("metrics")})
            if msg:
                log("case %s: %s" % (json.dumps(rid), msg))
            ans = {"id": rid, "exit": code}
            if code == 0:
                try:
                    ans["output"] = out.decode("utf-8")
                except UnicodeDecodeError:
                    ans["output_hex"] = out.hex()
            sys.stdout.write(json.dumps(ans) + "\n")
            sys.stdout.flush()
        return 0
    log("usage: adapter.sh --impl NAME capabilities|encode|batch --dialect D")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
