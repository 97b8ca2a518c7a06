#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The libFuzzer targets of tests/fuzz, each for a bounded time (README command 2 runs
# this). Builds them with clang, ASan and UBSan in build-fuzz/, runs every seed once,
# then fuzzes each target for FUZZ_SECONDS (default 25) from a copy of its corpus, so
# the checked-in seeds never change behind anyone's back. Any crash, leak, timeout or
# sanitizer report fails the run; the input that caused it is kept under
# build-fuzz/fuzz-findings/ (add it to the target's corpus once fixed). Prints each
# target's runs and libFuzzer's coverage (cov: edges, ft: features) at the end.
# Targets run FUZZ_JOBS at a time (default: one a core), each single-threaded for its own
# FUZZ_SECONDS: one after the other they left a core idle, 9 x 25 s = 236 s of wall time on
# two cores; two at a time, the same 25 s each, about half of that.
#   run-fuzz.sh --build-only   builds the targets and stops (run-tests.sh does it early).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-25}
jobs=${FUZZ_JOBS:-$(nproc)}
targets=$(sed -n "/^fuzz_targets = \[/,/^\]/s/^ *'\([^']*\)',.*/\1/p" tests/fuzz/meson.build)

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz=true -Dapp=false -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null
fi
ninja -C build-fuzz $(for t in $targets; do echo "tests/fuzz/fuzz-$t"; done)
if [ "${1:-}" = --build-only ]; then
  exit 0
fi

export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:allocator_may_return_null=1
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan-fuzz.supp:print_suppressions=0"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
findings=build-fuzz/fuzz-findings
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$findings"

# One target's fuzzing; its result (ok or FAILED) in $work/$t.result.
fuzz_one () {
  local t=$1
  local exe=build-fuzz/tests/fuzz/fuzz-$t log=build-fuzz/fuzz-$t.log
  mkdir -p "$work/$t"
  if "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$findings/$t-" \
       "$work/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    echo ok >"$work/$t.result"
  else
    echo FAILED >"$work/$t.result"
  fi
}

running=0
for t in $targets; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

status=0
summary=""
for t in $targets; do
  log=build-fuzz/fuzz-$t.log
  result=$(cat "$work/$t.result" 2>/dev/null || echo FAILED)
  if [ "$result" != ok ]; then
    status=1
    tail -n 60 "$log"
  fi
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  summary+=$(printf '%-16s %-6s %4ss %9s runs  cov %5s  ft %6s' "$t" "$result" "$seconds" \
             "${runs:-?}" "${cov:-?}" "${ft:-?}")$'\n'
done
echo "libFuzzer, ${seconds} s a target, ${jobs} at a time (ASan + UBSan, leaks fatal):"
printf '%s' "$summary"
exit $status
