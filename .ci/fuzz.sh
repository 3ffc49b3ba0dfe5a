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

mkdir -p fuzz/artifacts
summary=()
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
  echo "--- fuzz $t for ${FUZZ_SECS}s (dict $dict; inputs ${dirs[*]})"
  rc=0
  timeout $((FUZZ_SECS + 300)) cargo fuzz run "${SAN[@]}" "$t" "${dirs[@]}" -- \
    -max_total_time="$FUZZ_SECS" -dict="$dict" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 >"$log" 2>&1 || rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n1 || true)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  summary+=("$(printf '%-22s %12s execs %8s exec/s  %-22s corpus %6s  %s' \
    "$t" "${execs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$corpus" "$([ "$rc" -eq 0 ] && echo ok || echo CRASH)")")

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
echo "=== fuzz summary (${FUZZ_SECS}s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#crashed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${crashed[*]}"
  exit 1
fi
echo "fuzz: no crashes"
