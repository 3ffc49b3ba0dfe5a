#!/usr/bin/env python3
"""Writes the committed fuzz seeds, fuzz/seeds/<target>/, from spec-vectors.

Standard library only. Every seed file is named by the SHA-1 of its content, so
re-running is idempotent and duplicates collapse. A target's directory is
rewritten as a whole: seeds that no vector produces any more are removed.

  bytes targets (parse_datagram_spec, parse_datagram_etsy, differential):
      every decode vector's input (`input`, or `input_hex` decoded), every
      encoder vector's expected output, and every distinct line of those inputs;
  parse_datagram_dogstatsd (and differential, which also reads dogstatsd):
      the same, from the vectors that apply to the dogstatsd dialect (an
      `expect` naming `dogstatsd`, or `*`); every byte-string literal of
      crates/statsd-wire/tests/dogstatsd.rs (the research table's rows and the
      decisions) and of the reference parser (its edge inputs and tokens,
      crates/statsd-wire/src/fuzzing/reference.rs) with each of its lines, and those literals joined into
      datagrams (all of them, and the accepted-looking ones);
  adapter_protocol:
      every encoder vector's request ({"metrics": [...]}), an encode request
      built from each accepted decode vector's expected metrics, a few batch
      request lines, and the decode inputs (the target also decodes its bytes);
  roundtrip_arbitrary:
      a handful of fixed pseudo-random byte strings (its input is decoded with
      `arbitrary`, so any bytes are a valid seed);
  asterisk_dialplan:
      the data of every `StatsD(...)` call in the statsd-asterisk tests and
      fixtures (the golden rows of section c.8 among them), and the fixture
      dialplans whole;
  asterisk_conf:
      the fixture statsd.conf files, and each of their lines under `[general]`.

Usage: python3 fuzz/tools/make-seeds.py [--check] [--vectors DIR] [--out DIR]
  --check   write nothing; exit 1 if fuzz/seeds/ differs from what would be written.

A later `statsd-conformance export --corpus DIR` is meant to replace this script;
it is kept as the stdlib-only fallback.
"""

import argparse
import glob
import hashlib
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

BYTES_TARGETS = ["parse_datagram_spec", "parse_datagram_etsy", "differential"]
DOGSTATSD_TARGET = "parse_datagram_dogstatsd"
DOGSTATSD = "dogstatsd"
DOGSTATSD_TESTS = [
    os.path.join(ROOT, "crates", "statsd-wire", "tests", "dogstatsd.rs"),
    # The reference parser's tests: its edge inputs (i64::MIN dates, warnings beyond
    # four, CRLF, rates such as @1e-400) and its own tokens.
    os.path.join(ROOT, "crates", "statsd-wire", "src", "fuzzing", "reference.rs"),
]
ADAPTER_TARGET = "adapter_protocol"
ARBITRARY_TARGET = "roundtrip_arbitrary"
ASTERISK_DIR = os.path.join(ROOT, "crates", "statsd-asterisk")


def case_input(case):
    if "input" in case:
        return case["input"].encode("utf-8")
    if "input_hex" in case:
        return bytes.fromhex(case["input_hex"])
    return None


def load_cases(pattern):
    cases = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        cases.extend(doc.get("cases", []))
    return cases


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def applies(case, dialect):
    """Whether a vector has an outcome for `dialect` (its own, or `*`)."""
    expect = case.get("expect", {})
    return dialect in expect or "*" in expect


# Rust byte-string literals: b"..." (with escapes) and br"...", br#"..."#.
RUST_BYTES = re.compile(r'\bb"((?:[^"\\]|\\.)*)"|\bbr(#*)"(.*?)"\2', re.DOTALL)
RUST_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "0": b"\0", "\\": b"\\", '"': b'"', "'": b"'"}


def rust_bytes(text):
    """Every byte-string literal of a Rust source, decoded."""
    out = []
    for m in RUST_BYTES.finditer(text):
        if m.group(3) is not None:
            out.append(m.group(3).encode("utf-8"))
            continue
        body, value, i = m.group(1), bytearray(), 0
        while i < len(body):
            c = body[i]
            if c != "\\":
                value += c.encode("utf-8")
                i += 1
            elif body[i + 1] == "x":
                value.append(int(body[i + 2:i + 4], 16))
                i += 4
            elif body[i + 1] == "\n":  # a line continuation
                i += 2
                while i < len(body) and body[i] in " \t\n":
                    i += 1
            else:
                value += RUST_ESCAPES[body[i + 1]]
                i += 2
        out.append(bytes(value))
    return out


def dogstatsd_seeds(decode_cases, encoder_cases):
    """Inputs for the dogstatsd dialect: its vectors, and the pinned rows of
    crates/statsd-wire/tests/dogstatsd.rs."""
    seeds = set()
    for case in decode_cases:
        data = case_input(case)
        if data is None or not applies(case, DOGSTATSD):
            continue
        seeds.add(data)
        seeds.update(line for line in data.split(b"\n") if line)
    for case in encoder_cases:
        expect = case.get("expect", {})
        outcome = expect.get(DOGSTATSD, expect.get("*", {}))
        if isinstance(outcome.get("output"), str):
            seeds.add(outcome["output"].encode("utf-8"))
    rows = []
    for path in DOGSTATSD_TESTS:
        with open(path, encoding="utf-8") as f:
            rows.extend(r for r in rust_bytes(f.read()) if r and r not in rows)
    seeds.update(rows)
    for row in rows:
        seeds.update(line for line in row.split(b"\n") if line)
    seeds.add(b"\n".join(rows))
    seeds.add(b"\n".join(r for r in rows if b"_e{" in r or b"_sc|" in r))
    seeds.add(b"\r\n".join(r for r in rows if b"|#" in r or b"|T" in r or b"|@" in r))
    return seeds


def seeds_for(vectors_dir):
    decode_cases = load_cases(os.path.join(vectors_dir, "vectors", "*.json"))
    encoder_cases = load_cases(os.path.join(vectors_dir, "encoder", "*.json"))

    inputs = set()
    datagrams = set()
    for case in decode_cases:
        data = case_input(case)
        if data is None:
            continue
        inputs.add(data)
        datagrams.add(data)
        for line in data.split(b"\n"):
            if line:
                datagrams.add(line)
    for case in encoder_cases:
        for expect in case.get("expect", {}).values():
            if isinstance(expect.get("output"), str):
                datagrams.add(expect["output"].encode("utf-8"))

    requests = set()
    for case in encoder_cases:
        if "metrics" in case:
            requests.add(compact({"metrics": case["metrics"]}))
    for case in decode_cases:
        for expect in case.get("expect", {}).values():
            metrics = [l["metric"] for l in expect.get("lines", []) if l.get("ok") and "metric" in l]
            if metrics:
                requests.add(compact({"metrics": metrics}))
    # A few batch request lines (the target feeds UTF-8 input to batch too).
    for i, case in enumerate(c for c in decode_cases if "input" in c):
        if i >= 8:
            break
        requests.add(compact({"id": case["id"], "op": "decode", "input": case["input"]}))
    for i, case in enumerate(c for c in encoder_cases if "metrics" in c):
        if i >= 8:
            break
        requests.add(compact({"id": case["id"], "op": "encode", "metrics": case["metrics"]}))
    requests |= inputs

    rng = random.Random(20261121)
    arbitrary = {bytes(rng.randrange(256) for _ in range(n)) for n in (4, 8, 16, 24, 32, 48, 64, 96, 128, 256)}

    dogstatsd = dogstatsd_seeds(decode_cases, encoder_cases)
    seeds = {t: datagrams for t in BYTES_TARGETS}
    seeds[DOGSTATSD_TARGET] = dogstatsd
    seeds["differential"] = datagrams | dogstatsd
    seeds[ADAPTER_TARGET] = requests
    seeds[ARBITRARY_TARGET] = arbitrary
    seeds.update(asterisk_seeds())
    return seeds


# The data of a `StatsD(...)` call in Rust or dialplan text: up to the `)`
# that closes the call on its line (quotes and escapes kept as written).
STATSD_CALL = re.compile(r"StatsD\((.*?)\)(?=[\"\s;,]|$)", re.MULTILINE)


def asterisk_seeds():
    sources = sorted(glob.glob(os.path.join(ASTERISK_DIR, "tests", "*.rs")))
    sources += sorted(glob.glob(os.path.join(ASTERISK_DIR, "src", "*.rs")))
    fixtures = sorted(glob.glob(os.path.join(ASTERISK_DIR, "tests", "fixtures", "*.conf")))
    dialplan = set()
    for path in sources + fixtures:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in STATSD_CALL.finditer(text):
            dialplan.add(m.group(1).encode("utf-8"))
    conf = set()
    for path in fixtures:
        with open(path, "rb") as f:
            text = f.read()
        if os.path.basename(path).startswith("statsd"):
            conf.add(text)
            for line in text.split(b"\n"):
                if line.strip() and not line.startswith(b"["):
                    conf.add(b"[general]\n" + line + b"\n")
        else:
            dialplan.add(text)
    return {"asterisk_dialplan": dialplan, "asterisk_conf": conf}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--vectors", default=os.path.join(ROOT, "spec-vectors"))
    parser.add_argument("--out", default=os.path.join(ROOT, "fuzz", "seeds"))
    args = parser.parse_args()

    if not glob.glob(os.path.join(args.vectors, "vectors", "*.json")):
        sys.exit(f"no vectors in {args.vectors}/vectors/")

    differs = False
    for target, contents in sorted(seeds_for(args.vectors).items()):
        wanted = {hashlib.sha1(c).hexdigest(): c for c in contents}
        directory = os.path.join(args.out, target)
        present = set(os.listdir(directory)) if os.path.isdir(directory) else set()
        stale = present - set(wanted)
        missing = set(wanted) - present
        if args.check:
            if stale or missing:
                differs = True
                print(f"{target}: {len(missing)} missing, {len(stale)} stale")
            continue
        os.makedirs(directory, exist_ok=True)
        for name in stale:
            os.remove(os.path.join(directory, name))
        for name in missing:
            with open(os.path.join(directory, name), "wb") as f:
                f.write(wanted[name])
        print(f"{target}: {len(wanted)} seeds (+{len(missing)} -{len(stale)})")
    if differs:
        sys.exit("fuzz/seeds/ is out of date: run python3 fuzz/tools/make-seeds.py")


if __name__ == "__main__":
    main()
