#!/usr/bin/env python3
"""What each client wrote for the hostile-input vectors, classified.

    python3 conformance/peers/injection_summary.py [REPORTS_DIR] [--wire PATH]

Reads the runner's JSON reports (default conformance/reports/, written by
bash conformance/run-peers.sh) and, for every encoder (an implementation with
encode cases graded) and every `encoder/injection-*` case (spec dialect; the
set-member cases in etsy, the dialect with sets),
says what a server would read from the bytes the client wrote, by decoding
them with the reference adapter (`statsd-wire adapter decode`):

    refused    the client refused (the right answer for the n cases)
    ok         the output is the requested metric (y cases; PASS)
    INJECTED   the output holds more lines than the request had metrics, and
               at least one of them is a valid metric: a server reads a metric
               nobody asked for
    renamed    one valid line whose name differs from the requested one
    wrong      valid line(s) whose value/type/rate differ from the request
    invalid    every line is rejected by the reference decoder (a strict
               server drops it; lenient ones read something)

Prints a Markdown table (cases x encoders), then the count of each class per
encoder. Used for docs/findings.md; it changes nothing.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def decode(wire, data, dialect):
    p = subprocess.run([wire, "adapter", "decode", "--dialect", dialect], input=data, capture_output=True)
    return json.loads(p.stdout)["lines"] if p.returncode == 0 else None


def classify(wire, case):
    got = case.get("got") or {}
    metrics = case["input"]["metrics"]
    if case["status"] == "PASS":
        return "refused" if case["expected"]["verdict"] == "n" else "ok"
    if got.get("exit") == 1:
        return "refused"
    if "output" not in got and "output_hex" not in got:
        return case["status"].lower()
    data = got["output"].encode() if "output" in got else bytes.fromhex(got["output_hex"])
    lines = decode(wire, data, case["dialect"]) or []
    valid = [l["metric"] for l in lines if l["ok"]]
    if len(lines) > len(metrics) and valid:
        return "INJECTED (%d lines)" % len(lines)
    if not valid:
        return "invalid"
    if len(valid) == 1 and len(metrics) == 1 and valid[0]["name"] != metrics[0]["name"]:
        return "renamed"
    return "wrong"


def main(argv):
    reports = next((a for a in argv if not a.startswith("--")), os.path.join(ROOT, "conformance", "reports"))
    wire = os.path.join(ROOT, "target", "release", "statsd-wire")
    if "--wire" in argv:
        wire = argv[argv.index("--wire") + 1]
    table = {}
    encoders = []
    for fn in sorted(os.listdir(reports)):
        if not fn.endswith(".json"):
            continue
        r = json.load(open(os.path.join(reports, fn)))
        # spec for everything but sets, which exist only in etsy.
        cases = [c for c in r["cases"] if c["id"].startswith("encoder/injection-")
                 and c["dialect"] == ("etsy" if c["id"].startswith("encoder/injection-set-") else "spec")]
        if not cases or all(c["status"] == "UNIMPLEMENTED" for c in cases) or r["name"] == "statsd-wire":
            continue
        encoders.append(r["name"])
        for c in cases:
            table.setdefault(c["id"], {})[r["name"]] = classify(wire, c)
    print("| case | " + " | ".join(encoders) + " |")
    print("|---|" + "---|" * len(encoders))
    for cid, row in table.items():
        print("| `%s` | %s |" % (cid.replace("encoder/injection-", ""), " | ".join(row.get(e, "") for e in encoders)))
    print()
    for e in encoders:
        counts = {}
        for row in table.values():
            k = row.get(e, "").split(" (")[0]
            counts[k] = counts.get(k, 0) + 1
        print("- %s: %s" % (e, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
