#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60), two at a time, on the
# committed seeds plus a local corpus (fuzz/corpus, gitignored), and prints the executions
# and crashes per target. `make fuzz` (long) and `make fuzz-smoke` (CI) call it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
export RUSTC_BOOTSTRAP=1 # cargo-fuzz needs -Z flags; the pinned stable toolchain allows them this way
TARGETS=(validate_bytes validate_json verify_request parse_date route php_serializer)
mkdir -p target/fuzz-logs
cargo fuzz build -s none -O >/dev/null 2>&1 || cargo fuzz build -s none -O
run() {
  local t=$1
  mkdir -p "fuzz/corpus/$t"
  local seeds=()
  [ -d "fuzz/seeds/$t" ] && seeds=("fuzz/seeds/$t")
  cargo fuzz run -s none -O "$t" "fuzz/corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$SECONDS_EACH" -max_len=8192 -print_final_stats=1 \
    >"target/fuzz-logs/$t.log" 2>&1
}
pids=()
status=0
for t in "${TARGETS[@]}"; do
  run "$t" & pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
total=0
for t in "${TARGETS[@]}"; do
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "target/fuzz-logs/$t.log" | grep -Eo '[0-9]+$' | tail -1)
  crash=$(grep -c 'ERROR: libFuzzer\|panicked at' "target/fuzz-logs/$t.log" || true)
  printf '%-16s %12s executions, %s crashes\n' "$t" "${runs:-0}" "$crash"
  total=$((total + ${runs:-0}))
done
echo "total: $total executions"
if [ "$status" -ne 0 ]; then
  echo "a fuzz target failed: see target/fuzz-logs/ and fuzz/artifacts/" >&2
  exit 1
fi
echo "fuzz: ${#TARGETS[@]} passed, 0 failed"
