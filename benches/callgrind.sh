#!/usr/bin/env bash
# Instructions per line with callgrind: the one figure that does not move when
# other processes share the CPU. Builds the `callgrind` example with the bench
# profile (LTO, one codegen unit, as the criterion benches), runs every workload
# under `valgrind --tool=callgrind`, counting only the workload itself
# (`--collect-atstart=no --toggle-collect='*measured*'`: corpus generation and
# setup are excluded), and prints a Markdown table of Ir / line.
#
#   bash benches/callgrind.sh                 # every workload, 100000 lines
#   LINES=20000 bash benches/callgrind.sh parse-spec encode-statsd-wire
#   bash benches/callgrind.sh parse-dogstatsd parse-dogstatsd-floor   # the dogstatsd rows
#   KEEP=1 bash benches/callgrind.sh parse-spec   # keep target/callgrind/*.out
#   LINES=20000 bash benches/callgrind.sh errors-class:invalid_value   # one error class alone
#
# For a profile by source line, build with debug info in a separate target dir
# and annotate (see docs/performance.md, "Profiling"):
#   CARGO_TARGET_DIR=target/cg-debug CARGO_PROFILE_BENCH_DEBUG=true \
#     cargo build --profile bench -p statsd-wire-benches --example callgrind
#   valgrind --tool=callgrind --dump-instr=no --collect-atstart=no \
#     --toggle-collect='*measured*' --callgrind-out-file=cg.out \
#     target/cg-debug/release/examples/callgrind parse-spec 100000
#   callgrind_annotate --inclusive=no cg.out; callgrind_annotate --auto=yes cg.out
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-100000}
WORKLOADS=("$@")
if [ ${#WORKLOADS[@]} -eq 0 ]; then
  WORKLOADS=(parse-spec parse-etsy parse-floor split-bound parse-statsd-parser parse-statsdproto
             encode-statsd-wire encode-floor encode-cadence errors-valid errors-hostile errors-hostile-same-length
             parse-spec-messages parse-dogstatsd parse-dogstatsd-metrics parse-dogstatsd-plain
             parse-dogstatsd-floor split-bound-dogstatsd parse-dogstatsd-peer-subset
             parse-dogstatsd-statsd-parser errors-dogstatsd-valid errors-dogstatsd-hostile)
fi
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }

cargo build --quiet --profile bench -p statsd-wire-benches --example callgrind
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/examples/callgrind"
out_dir="$target_dir/callgrind"
mkdir -p "$out_dir"

echo "| workload | lines | Ir (total) | Ir / line |"
echo "|---|---:|---:|---:|"
for w in "${WORKLOADS[@]}"; do
  out="$out_dir/$w.out"
  log=$(valgrind --tool=callgrind --dump-instr=no --collect-atstart=no \
          --toggle-collect='*measured*' --callgrind-out-file="$out" \
          "$bin" "$w" "$LINES" 2>&1)
  lines=$(sed -n 's/.* lines=\([0-9]*\) .*/\1/p' <<<"$log")
  ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out")
  [ -n "$ir" ] || ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
  awk -v w="$w" -v n="$lines" -v ir="$ir" \
    'BEGIN { printf "| %s | %d | %d | %.0f |\n", w, n, ir, ir / n }'
  [ -n "${KEEP:-}" ] || rm -f "$out"
done
