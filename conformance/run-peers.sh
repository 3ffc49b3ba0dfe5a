#!/usr/bin/env bash
# Grades statsd-wire and every real peer against the golden vectors, and
# regenerates docs/conformance-matrix.md and docs/conformance-matrix.html.
#
#   bash conformance/run-peers.sh                 build, install peers, run all, write the matrix
#   bash conformance/run-peers.sh --no-install    use the peers already installed
#   bash conformance/run-peers.sh --only NAME ... run statsd-wire and the named peers only
#                                                 (the matrix then has only those columns)
#
# Steps:
#  1. cargo build --release -p statsd-conformance -p statsd-wire-cli
#     (the runner, and the `statsd-wire adapter` reference adapter);
#  2. bash conformance/peers/install.sh, unless --no-install (a failed install
#     only makes that peer unavailable);
#  3. the runner against statsd-wire through its adapter binary (reference
#     grading) and against every peer of conformance/peers/peers.json whose
#     `check` passes, in every suite dialect the peer declares (spec, etsy,
#     dogstatsd), then every daemon of conformance/peers/daemons.json in the
#     dialects its profile lists (`dialects`),
#     with the peer's `timeout_secs`; one JSON report each in
#     conformance/reports/<name>.json (+ the console summary in <name>.txt).
#     A peer whose check fails is recorded as unavailable, not as a failure;
#     a peer's failures are findings, not errors of this script;
#  4. statsd-conformance matrix -> docs/conformance-matrix.{md,html}.
#
# Environment: PARALLEL (adapter processes at a time, default 2), CARGO_JOBS
# (default 1: the build machine is shared).
# Exit status: 0 when the matrix was written; 1 when statsd-wire itself is not
# conformant or a step failed; 2 on usage errors.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2

install=1
only=()
while [ $# -gt 0 ]; do
  case $1 in
    --no-install) install=0 ;;
    --only)
      shift
      [ $# -gt 0 ] || { echo "run-peers.sh: --only needs a name" >&2; exit 2; }
      only+=("$1")
      ;;
    -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "run-peers.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '[run-peers] %s\n' "$*" >&2; }
command -v python3 >/dev/null 2>&1 || { say "python3 is needed to read conformance/peers/peers.json"; exit 2; }

REGISTRY=conformance/peers/peers.json
REPORTS=conformance/reports
RUNNER=target/release/statsd-conformance
WIRE=target/release/statsd-wire
PARALLEL=${PARALLEL:-2}

say "building the runner and the reference adapter (release)"
cargo build --release --jobs "${CARGO_JOBS:-1}" -p statsd-conformance -p statsd-wire-cli || {
  say "build failed"
  exit 1
}

if [ "$install" = 1 ] && [ -f conformance/peers/install.sh ]; then
  say "installing peers (bash conformance/peers/install.sh)"
  bash conformance/peers/install.sh || say "some peers could not be installed: they are reported as unavailable"
fi

mkdir -p "$REPORTS" docs
rm -f "$REPORTS"/*.json "$REPORTS"/*.txt

reports=()
unavailable=()
status=0

# run_one NAME TIMEOUT ADAPTER [EXTRA...]: writes $REPORTS/NAME.json; returns
# the runner's exit code.
run_one() {
  local name=$1 timeout=$2 adapter=$3
  shift 3
  say "grading $name ($adapter)"
  local start=$SECONDS rc
  "$RUNNER" --adapter "$adapter" --name "$name" --timeout "$timeout" --parallel "$PARALLEL" \
    --json "$REPORTS/$name.json" --max-failures 20 "$@" >"$REPORTS/$name.txt" 2>&1
  rc=$?
  summarise "$name" "$start" "$rc"
  return $rc
}

# summarise NAME START RC: the report's per-dialect lines and the exit code.
summarise() {
  grep -E '^  [a-z]+ +[0-9]+ cases:|^RESULT' "$REPORTS/$1.txt" | sed 's/^/    /' >&2
  say "$1: exit $3 in $((SECONDS - $2)) s"
}

# collect NAME RC: keeps NAME's report (RC 0 or 1), or marks NAME unavailable
# with the runner's harness error.
collect() {
  local name=$1 reason
  case $2 in
    0 | 1) reports+=("$REPORTS/$name.json") ;;
    *)
      reason="$(grep -m1 'statsd-conformance:' "$REPORTS/$name.txt" | cut -c1-200)"
      say "$name: unavailable (harness error: $reason)"
      unavailable+=(--unavailable "$name=harness error: ${reason:-see $REPORTS/$name.txt}")
      ;;
  esac
}

# 1. The reference implementation, through its adapter binary.
run_one statsd-wire 1 "$WIRE adapter" --reference
rc=$?
case $rc in
  0) reports+=("$REPORTS/statsd-wire.json") ;;
  1) reports+=("$REPORTS/statsd-wire.json"); status=1; say "statsd-wire is NOT conformant: see $REPORTS/statsd-wire.txt" ;;
  *) say "statsd-wire: harness error (see $REPORTS/statsd-wire.txt)"; exit 1 ;;
esac

# 2. The peers, in registry order: name, check, adapter, timeout, expectations.
peers="$(python3 - "$REGISTRY" <<'PY'
import json, sys
try:
    reg = json.load(open(sys.argv[1]))
except OSError:
    sys.exit(0)
for p in reg.get("peers", []):
    fields = [p["name"], p.get("check", "true"), p["adapter"], str(p.get("timeout_secs", 1)),
              p.get("expectations", "")]
    print("\t".join(f.replace("\t", " ") for f in fields))
PY
)"

# Servers graded in daemon mode (issue 12): name, check, profile. A daemon
# replaces the adapter of the same name in the loop below.
DAEMONS=conformance/peers/daemons.json
daemons="$(python3 - "$DAEMONS" <<'PY'
import json, sys
try:
    reg = json.load(open(sys.argv[1]))
except OSError:
    sys.exit(0)
for d in reg.get("daemons", []):
    print("\t".join(f.replace("\t", " ") for f in [d["name"], d.get("check", "true"), d["profile"]]))
PY
)"
daemon_names=" $(cut -f1 <<<"$daemons" | tr '\n' ' ') "

while IFS=$'\t' read -r name check adapter timeout expectations; do
  [ -n "$name" ] || continue
  if [[ "$daemon_names" == *" $name "* ]]; then
    say "$name: graded in daemon mode (conformance/peers/daemons.json), not through its adapter"
    continue
  fi
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then
    continue
  fi
  if ! bash -c "$check" >/dev/null 2>&1; then
    say "$name: unavailable (check failed: $check)"
    unavailable+=(--unavailable "$name=not installed (check failed: $check)")
    continue
  fi
  extra=()
  [ -n "$expectations" ] && extra+=(--expectations "$expectations")
  run_one "$name" "$timeout" "$adapter" "${extra[@]}"
  rc=$?
  collect "$name" "$rc"
done <<<"$peers"

# 2b. The daemons (statsd-conformance daemon --profile ...), in registry order.
while IFS=$'\t' read -r name check profile; do
  [ -n "$name" ] || continue
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then
    continue
  fi
  if ! bash -c "$check" >/dev/null 2>&1; then
    say "$name: unavailable (check failed: $check)"
    unavailable+=(--unavailable "$name=not installed (check failed: $check)")
    continue
  fi
  say "grading $name (daemon --profile $profile)"
  start=$SECONDS
  # No --dialect: the runner grades the dialects the profile's `dialects`
  # key lists (netdata: spec, etsy, dogstatsd; conformance/peers/README.md).
  "$RUNNER" daemon --profile "$profile" --name "$name" --json "$REPORTS/$name.json" \
    --max-failures 20 >"$REPORTS/$name.txt" 2>&1
  rc=$?
  summarise "$name" "$start" "$rc"
  collect "$name" "$rc"
done <<<"$daemons"

# 3. Validate the reports against their schema when jsonschema is at hand.
if python3 -c 'import jsonschema' >/dev/null 2>&1; then
  python3 - spec-vectors/schema/report.schema.json "${reports[@]}" <<'PY' || status=1
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    jsonschema.validate(json.load(open(path)), schema)
print("[run-peers] reports valid against spec-vectors/schema/report.schema.json", file=sys.stderr)
PY
fi

# 4. The matrix.
say "writing docs/conformance-matrix.md and docs/conformance-matrix.html"
"$RUNNER" matrix "${reports[@]}" "${unavailable[@]}" \
  --command "bash conformance/run-peers.sh" \
  --markdown docs/conformance-matrix.md --html docs/conformance-matrix.html || exit 1
sed -n '/^## Summary/,/^## Legend/p' docs/conformance-matrix.md | sed '$d' >&2
exit $status
