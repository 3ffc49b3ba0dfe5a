#!/usr/bin/env bash
# Smoke test of the installed peer adapters (conformance/peers/peers.json).
#
#   bash conformance/peers/test-peers.sh            every installed peer
#   bash conformance/peers/test-peers.sh NAME ...   the named peers only
#
# For each peer whose `check` passes: `capabilities` is well-formed; a handful
# of datagrams decode to well-formed LineResults that agree with what
# the project's research notes (peer-results.md) recorded for that implementation
# (translated to this adapter's mapping, see README.md); an unknown dialect
# and `encode` (for peers without an encoder) exit 89; `batch` answers in
# order. Encode-only peers
# (the client libraries) write the exact bytes observed for a few requests. Peers that are
# not installed are reported as SKIP. Exit status 1 if any check failed.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
command -v python3 >/dev/null 2>&1 || { echo "test-peers.sh needs python3" >&2; exit 2; }
cd "$ROOT" || exit 2
exec python3 - "$@" <<'PY'
import json, os, subprocess, sys, time
from decimal import Decimal, InvalidOperation

ROOT = os.getcwd()
REG = json.load(open("conformance/peers/peers.json"))
ONLY = set(sys.argv[1:])

def num_eq(a, b):
    try:
        return Decimal(a) == Decimal(b)
    except (InvalidOperation, TypeError):
        return a == b

# Expected LineResults per datagram, per peer. None = rejected; a dict lists
# the fields that must match (numbers compared as decimals). Derived from
# peer-results.md: e.g. statsdmetrics reads `gaugor:+4|g` as a delta while
# statsd-parser does not. (The StatsD servers, etsy-statsd, collectd and
# netdata, are graded in daemon mode, conformance/peers/daemons.json: they
# have no adapter to test here.)
C = lambda name, v, rate=None: {"type": "counter", "name": name, "values": [v], "sample_rate": rate}
G = lambda name, v, delta: {"type": "gauge", "name": name, "values": [v], "delta": delta, "sample_rate": None}
CASES = [
    ("c_basic", b"gorets:1|c"),
    ("g_plus", b"gaugor:+4|g"),
    ("c_rate", b"a:1|c|@0.5"),
    ("bad", b"bad"),
    ("multi_one_bad", b"a:1|c\nbad\nb:2|c"),
]
COMMON = {
    "c_basic": [C("gorets", "1")],
    "c_rate": [C("a", "1", "0.5")],
    "bad": [None],
    "multi_one_bad": [C("a", "1"), None, C("b", "2")],
}
EXPECT = {
    "statsd-parser": dict(COMMON, g_plus=[G("gaugor", "4", False)]),
    "statsdproto": dict(COMMON, g_plus=[G("gaugor", "+4", False)]),
    "statsdmetrics": dict(COMMON, g_plus=[G("gaugor", "4", True)]),
    "node-statsd-parser": dict(COMMON, g_plus=[G("gaugor", "+4", False)]),
}

# Encoders (client libraries): request -> exact bytes the client writes, or
# None for a refusal (exit 1). Observed through the adapters and read in each
# client's code: datadogpy ends every packet with "\n", pystatsd prints timers
# with "%0.6f", hot-shots replaces ":", "|", "\n", "\r" in names by "_", the
# others write a name unchanged; statsd-client and dogstatsd-rs have no sample
# rates, only cadence has meters.
def RQ(name, typ, v, rate=None):
    return {"name": name, "type": typ, "values": [v], "sample_rate": rate, "delta": False, "tags": None}
ENC_CASES = {
    "counter": [RQ("a", "counter", "1")],
    "rate": [RQ("a", "counter", "1", "0.5")],
    "timer": [RQ("t", "timer", "320")],
    "two": [RQ("a", "counter", "1"), RQ("g", "gauge", "2.5")],
    "newline": [RQ("a\nb", "counter", "1")],
    "meter": [RQ("m", "meter", "1")],
    "empty": [],
}
ENC_COMMON = {"counter": b"a:1|c", "rate": b"a:1|c|@0.5", "timer": b"t:320|ms", "two": b"a:1|c\ng:2.5|g",
              "newline": b"a\nb:1|c", "meter": None, "empty": b""}
ENC_EXPECT = {
    "hot-shots": dict(ENC_COMMON, newline=b"a_b:1|c"),
    "statsd-client": dict(ENC_COMMON, rate=None),
    "lynx": ENC_COMMON,
    "node-statsd": ENC_COMMON,
    "datadogpy": dict(ENC_COMMON, counter=b"a:1|c\n", rate=b"a:1|c|@0.5\n", timer=b"t:320|ms\n",
                      two=b"a:1|c\ng:2.5|g\n", newline=b"a\nb:1|c\n"),
    "pystatsd": dict(ENC_COMMON, timer=b"t:320.000000|ms"),
    "cadence": dict(ENC_COMMON, meter=b"m:1|m"),
    "dogstatsd-rs": dict(ENC_COMMON, rate=None),
}

def check_encoder(name, cmd, caps):
    """An encode-only peer: exact bytes for a few requests, 89s, batch order."""
    want = ENC_EXPECT[name]
    for case, metrics in ENC_CASES.items():
        code, out, err, dt = run(cmd, "encode --dialect etsy", json.dumps({"metrics": metrics}).encode())
        w = want[case]
        if w is None:
            if code != 1:
                fail(name, f"encode {case}: expected a refusal (exit 1), got exit {code} {out!r}")
        elif code != 0 or out != w:
            fail(name, f"encode {case}: expected {w!r}, got exit {code} {out!r}; {err.decode(errors='replace')[-200:]}")
    print(f"  encode: {len(ENC_CASES)} requests ({dt*1000:.0f} ms each)")
    code, *_ = run(cmd, "encode --dialect no-such-dialect", json.dumps({"metrics": ENC_CASES["counter"]}).encode())
    if code != 89:
        fail(name, f"unknown dialect: exit {code}, expected 89")
    code, *_ = run(cmd, "decode --dialect etsy", b"a:1|c")
    if code != 89:
        fail(name, f"decode: exit {code}, expected 89 (no decoder)")
    reqs = [{"id": c, "op": "encode", "metrics": m} for c, m in ENC_CASES.items()]
    reqs.insert(2, {"id": "dec", "op": "decode", "input": "a:1|c"})
    code, out, err, dt = run(cmd, "batch --dialect spec", "".join(json.dumps(r) + "\n" for r in reqs).encode(), timeout=30)
    try:
        resps = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
        assert code == 0, f"exit {code}"
        assert [r["id"] for r in resps] == [r["id"] for r in reqs], "ids out of order or missing"
        for q, r in zip(reqs, resps):
            w = want.get(q["id"])
            if q["op"] == "decode":
                assert r["exit"] == 89, f"decode in batch: {r}"
            elif w is None:
                assert r["exit"] == 1, f"{q['id']}: {r}"
            else:
                got = r["output"].encode() if "output" in r else bytes.fromhex(r["output_hex"])
                assert r["exit"] == 0 and got == w, f"{q['id']}: {r}"
        print(f"  batch of {len(reqs)}: {dt*1000:.0f} ms")
    except Exception as e:
        fail(name, f"batch: {e}; stdout {out[:300]!r}")

failures = 0
def fail(peer, msg):
    global failures
    failures += 1
    print(f"  FAIL {peer}: {msg}")

def run(cmd, args, data=b"", timeout=10):
    t = time.monotonic()
    p = subprocess.run(cmd + " " + args, shell=True, input=data, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t

def check_line(peer, case, i, got, want):
    if not isinstance(got, dict) or not isinstance(got.get("ok"), bool):
        return fail(peer, f"{case} line {i}: not a LineResult: {got!r}")
    if want is None:
        if got["ok"]:
            return fail(peer, f"{case} line {i}: expected a rejection, got {got!r}")
        err = got.get("error")
        if not isinstance(err, dict) or not isinstance(err.get("message", ""), str):
            return fail(peer, f"{case} line {i}: malformed error {got!r}")
        return
    if not got["ok"]:
        return fail(peer, f"{case} line {i}: expected {want}, got rejection {got.get('error')}")
    m = got.get("metric")
    if not isinstance(m, dict):
        return fail(peer, f"{case} line {i}: no metric object")
    if not isinstance(m.get("values"), list) or not all(isinstance(v, str) for v in m["values"]):
        return fail(peer, f"{case} line {i}: values must be a list of strings: {m!r}")
    if m.get("sample_rate") is not None and not isinstance(m["sample_rate"], str):
        return fail(peer, f"{case} line {i}: sample_rate must be a string or null: {m!r}")
    if "tags" in m and m["tags"] is not None and not isinstance(m["tags"], list):
        return fail(peer, f"{case} line {i}: tags must be null or a list: {m!r}")
    for k, w in want.items():
        g = m.get(k, False if k == "delta" else None)
        if k == "values":
            ok = len(g) == len(w) and all(num_eq(a, b) for a, b in zip(g, w))
        elif k == "sample_rate" and w is not None and g is not None:
            ok = num_eq(g, w)
        else:
            ok = g == w
        if not ok:
            fail(peer, f"{case} line {i}: {k} = {g!r}, expected {w!r}")

for peer in REG["peers"]:
    name, cmd = peer["name"], peer["adapter"]
    if ONLY and name not in ONLY:
        continue
    if subprocess.run(peer["check"], shell=True, capture_output=True).returncode != 0:
        print(f"SKIP {name}: not installed (bash conformance/peers/install.sh {name})")
        continue
    before = failures
    print(f"== {name}: {cmd}")
    code, out, err, _ = run(cmd, "capabilities")
    try:
        caps = json.loads(out)
        assert code == 0 and caps["protocol"] in (1, 2) and set(caps["dialects"]) >= {"spec", "etsy"}
        # Protocol 2 (the crates.io decoders): the dogstatsd dialect with the
        # kinds of line the crate reads.
        if caps["protocol"] == 2:
            assert "dogstatsd" in caps["dialects"] and "metric" in caps["messages"], caps
        assert "decode" in caps["ops"] or name in ENC_EXPECT
        assert caps["features"]["error_class"] is False and caps["features"]["error_offset"] is False
        print(f"  capabilities: {caps['name']} {caps['version']} ops={caps['ops']}")
    except Exception as e:
        fail(name, f"capabilities: {e!r} (exit {code}, stdout {out[:200]!r})")
        continue
    if name in ENC_EXPECT:
        check_encoder(name, cmd, caps)
        print(f"  {'ok' if failures == before else 'FAILED'}")
        continue
    for dialect in ("spec", "etsy"):
        for case, data in CASES:
            code, out, err, dt = run(cmd, f"decode --dialect {dialect}", data)
            if code != 0:
                fail(name, f"{case} ({dialect}): exit {code}; stderr: {err.decode(errors='replace')[-300:]}")
                continue
            try:
                body = json.loads(out)
                lines = body["lines"]
                assert isinstance(lines, list)
            except Exception as e:
                fail(name, f"{case} ({dialect}): malformed JSON {out[:200]!r}: {e}")
                continue
            want = EXPECT[name][case]
            if len(lines) != len(want):
                fail(name, f"{case} ({dialect}): {len(lines)} LineResults, expected {len(want)}")
                continue
            for i, (g, w) in enumerate(zip(lines, want)):
                check_line(name, case, i, g, w)
            if dialect == "etsy":
                print(f"  {case}: {dt*1000:.0f} ms")
    code, *_ = run(cmd, "decode --dialect no-such-dialect", b"a:1|c")
    if code != 89:
        fail(name, f"unknown dialect: exit {code}, expected 89")
    enc = json.dumps({"metrics": [{"name": "a", "type": "counter", "values": ["1"], "sample_rate": None}]}).encode()
    code, out, *_ = run(cmd, "encode --dialect etsy", enc)
    if "encode" in caps["ops"]:
        if code != 0 or out != b"a:1|c":
            fail(name, f"encode a:1|c: exit {code}, output {out!r}")
    elif code != 89:
        fail(name, f"encode: exit {code}, expected 89 (no encoder)")
    if "batch" in caps["ops"]:
        reqs = [{"id": c, "op": "decode", "input_hex": d.hex()} for c, d in CASES]
        reqs.append({"id": "enc", "op": "encode", "metrics": json.loads(enc)["metrics"]})
        code, out, err, dt = run(cmd, "batch --dialect etsy", "".join(json.dumps(r) + "\n" for r in reqs).encode(), timeout=30)
        try:
            resps = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
            assert code == 0, f"exit {code}"
            assert [r["id"] for r in resps] == [r["id"] for r in reqs], "ids out of order or missing"
            for q, r in zip(reqs, resps):
                if q["op"] == "encode":
                    assert r["exit"] == (0 if "encode" in caps["ops"] else 89), f"encode in batch: {r}"
                else:
                    assert r["exit"] == 0 and len(r["lines"]) == len(EXPECT[name][q["id"]]), f"{q['id']}: {r}"
                    for i, (g, w) in enumerate(zip(r["lines"], EXPECT[name][q["id"]])):
                        check_line(name, "batch " + q["id"], i, g, w)
            print(f"  batch of {len(reqs)}: {dt*1000:.0f} ms")
        except Exception as e:
            fail(name, f"batch: {e}; stdout {out[:300]!r}")
    if name in ("statsd-parser", "statsdproto"):
        env = "PEER_CRATES_PANIC_ON=boom "
        code, *_ = run(env + cmd, "decode --dialect etsy", b"a:1|c\nboom")
        if code != 70:
            fail(name, f"a panic in the crate should exit 70, got {code}")
    print(f"  {'ok' if failures == before else 'FAILED'}")

print("PASS" if failures == 0 else f"{failures} failure(s)")
sys.exit(1 if failures else 0)
PY
