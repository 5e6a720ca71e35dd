#!/usr/bin/env bash
# The reliability suite (docs/RELIABILITY.md), shortened for the test run:
#   1. crash recovery: SIGKILL the child at random moments (IMCORE_CRASH_KILLS, default 60)
#   2. stress: 8 threads with re-entrant callbacks and a watchdog
#      (IMCORE_STRESS_SECS, default 8 here; the reported figures use 20), then
#      lifecycle races: init/uninit/login/logout, listener changes, mode
#      switches and polls on nine threads (IMCORE_LIFECYCLE_SECS, default 5)
#   3. storage faults: corrupt / foreign / read-only / full / half-migrated stores
#   4. fuzz smoke: every fuzz target for FUZZ_SMOKE_SECS (default 12) seconds
# Each part ends with its own "N passed, N failed" line; this script ends
# with "reliability: N passed, N failed" over the parts.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export CARGO_TERM_COLOR=never

passed=0
failed=0
part() {
  local name=$1
  shift
  echo "-- $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "-- $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    echo "-- $name: FAILED ($((SECONDS - start)) s)"
  fi
}

build() {
  cargo build --release --quiet --manifest-path tests/reliability/Cargo.toml \
    --target-dir "$ROOT/target"
}
BIN="$ROOT/target/release"

if build; then
  part crash-recovery env IMCORE_CRASH_KILLS="${IMCORE_CRASH_KILLS:-60}" "$BIN/crash_recovery"
  part stress env IMCORE_STRESS_SECS="${IMCORE_STRESS_SECS:-8}" timeout 600 "$BIN/stress"
  part storage-faults timeout 600 "$BIN/storage_faults"
else
  echo "building tests/reliability failed"
  failed=$((failed + 3))
fi
part fuzz-smoke bash scripts/fuzz.sh "${FUZZ_SMOKE_SECS:-12}"

echo "reliability: $passed passed, $failed failed"
((failed == 0))
