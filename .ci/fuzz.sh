#!/usr/bin/env bash
# Bounded fuzzing for CI: every cargo-fuzz target for FUZZ_SECS seconds each, on
# stable (cargo fuzz -s none: no sanitizer, the crates are forbid(unsafe_code)).
#
#   FUZZ_SECS=30 bash .ci/fuzz.sh            # all targets (default 30 s each)
#   FUZZ_SECS=600 bash .ci/fuzz.sh differential parse_datagram_spec   # some targets
#
# Each target starts from fuzz/corpus/<t>/ (local, gitignored; new inputs go
# there), fuzz/seeds/<t>/ and fuzz/regressions/<t>/ (committed), with the
# dictionary fuzz/<t>.dict if there is one, else fuzz/statsd.dict. Exits 1 if any
# target crashes (a regression input that still crashes counts), after printing
# each crashing input in base64 and as `cargo fuzz fmt` shows it. Prints a
# per-target summary (executions, exec/s, coverage, corpus size).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never RUST_BACKTRACE=1
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
FUZZ_SECS=${FUZZ_SECS:-30}
CARGO_FUZZ_VERSION=0.13.2
SAN=(-s none)

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi
command -v c++ >/dev/null || { echo "fuzz.sh: libFuzzer needs a C++ compiler (c++)" >&2; exit 1; }

cargo fuzz build "${SAN[@]}"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz.sh: no fuzz targets" >&2; exit 1; }

# libFuzzer's -max_len per target. Without it libFuzzer sizes inputs up to the
# largest seed (9 KB of `limits` vectors) and the datagram targets ran at
# 3,400-4,200 exec/s (about 110,000 inputs per 30 s run); at 128 bytes (a
# datagram of several lines) they run 4-7x faster. Long-line limits stay
# reachable: every byte target also runs the configuration with max_line_len
# 16 (statsd_wire::fuzzing::SMALL_MAX_LINE_LEN). Seeds longer than max_len are
# read truncated.
max_len_for() {
  case $1 in
    parse_datagram_spec | parse_datagram_etsy | differential) echo 128 ;;
    # The dogstatsd harness does more per line (every message re-encoded, each
    # line parsed three ways): 96 bytes (a tagged line or two, an event) keep it
    # above 25,000 exec/s (measured 12,368 at 256, 23,637 at 128, 28,894 at 96).
    parse_datagram_dogstatsd) echo 96 ;;
    # Every dialect, each line parsed fast and grammar-only through
    # parse_datagram and parse_messages: measured 34,395 exec/s at 128 (37,428
    # at 96; 10,468 at 96 with a second configuration, since dropped).
    fast_path) echo 128 ;;
    roundtrip_arbitrary) echo 256 ;;
    asterisk_dialplan | asterisk_conf) echo 512 ;;
    adapter_protocol) echo 1024 ;;
    *) echo 4096 ;;
  esac
}
# The throughput the parser targets are expected to reach (flagged below it).
MIN_EXEC_PER_SEC=25000

mkdir -p fuzz/artifacts
summary=()
total_execs=0
crashed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  dirs=("fuzz/corpus/$t")
  for d in seeds regressions; do
    [ -d "fuzz/$d/$t" ] && dirs+=("fuzz/$d/$t")
  done
  dict=fuzz/statsd.dict
  [ -f "fuzz/$t.dict" ] && dict="fuzz/$t.dict"
  case $t in parse_datagram_dogstatsd | differential) dict=fuzz/dogstatsd.dict ;; esac
  log="fuzz/artifacts/fuzz-$t.log"
  marker="fuzz/artifacts/.start-$t"
  touch "$marker"
  max_len=$(max_len_for "$t")
  echo "--- fuzz $t for ${FUZZ_SECS}s (max_len $max_len; dict $dict; inputs ${dirs[*]})"
  rc=0
  timeout $((FUZZ_SECS + 300)) cargo fuzz run "${SAN[@]}" "$t" "${dirs[@]}" -- \
    -max_total_time="$FUZZ_SECS" -max_len="$max_len" -dict="$dict" -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1 || rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n1 || true)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  total_execs=$((total_execs + ${execs:-0}))
  note=""
  case $t in
    parse_datagram_* | differential | fast_path)
      [ "${rate:-0}" -lt "$MIN_EXEC_PER_SEC" ] && note=" (below $MIN_EXEC_PER_SEC exec/s)" ;;
  esac
  summary+=("$(printf '%-22s %12s execs %8s exec/s  max_len %5s  %-22s corpus %6s  %s%s' \
    "$t" "${execs:-?}" "${rate:-?}" "$max_len" "${cov:-cov: ?}" "$corpus" \
    "$([ "$rc" -eq 0 ] && echo ok || echo CRASH)" "$note")")

  if [ "$rc" -ne 0 ]; then
    crashed+=("$t")
    echo "!!! $t crashed (exit $rc); log: $log"
    grep -m5 -E 'panicked at|==ERROR|SUMMARY:|ERROR: libFuzzer' "$log" || true
    grep -A12 -m1 'panicked at' "$log" | head -n 20 || true
    found=0
    while IFS= read -r f; do
      found=1
      echo "crash input $f ($(wc -c <"$f") bytes), base64 (save it as fuzz/regressions/$t/<name>):"
      base64 -w0 "$f"; echo
      echo "cargo fuzz fmt:"
      cargo fuzz fmt "${SAN[@]}" "$t" "$f" 2>&1 | sed -n '/^Output of/,$p' | head -n 40 || true
      echo "reproduce: cargo fuzz run ${SAN[*]} $t $f"
      echo "minimise:  cargo fuzz tmin ${SAN[*]} $t $f"
    done < <(find "fuzz/artifacts/$t" -type f -newer "$marker" | sort)
    [ "$found" -eq 1 ] || { echo "(no artifact written; last lines of the log:)"; tail -n 30 "$log"; }
  fi
  rm -f "$marker"
done

echo
echo "=== fuzz summary (${FUZZ_SECS}s per target; executions per run, average exec/s)"
printf '%s\n' "${summary[@]}"
echo "total: $total_execs executions in ${#targets[@]} targets"
if [ ${#crashed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${crashed[*]}"
  exit 1
fi
echo "fuzz: no crashes"
