#!/usr/bin/env bash
# Runs every test of imcore on a fresh machine of this kind, installing what
# it needs first. Ends with one aggregated "N passed, N failed" line.
#   bash scripts/test.sh          everything
#   IMCORE_SKIP="swift kotlin"    skip suites (local iteration only)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never RUST_BACKTRACE=0
LOG_DIR=${LOG_DIR:-$ROOT/target/test-logs}
mkdir -p "$LOG_DIR"
passed=0
failed=0
failures=()

skip() { [[ " ${IMCORE_SKIP:-} " == *" $1 "* ]]; }

# run NAME COMMAND...: runs one suite, shows its output, records the outcome.
run() {
  local name=$1
  shift
  if skip "$name"; then
    echo "== $name: skipped (IMCORE_SKIP)"
    return
  fi
  echo "== $name"
  local start=$SECONDS
  if "$@" 2>&1 | tee "$LOG_DIR/$name.log"; then
    passed=$((passed + 1))
    echo "== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

cargo_checks() {
  rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy
  cargo fmt --all -- --check &&
    cargo clippy --workspace --exclude uniffi-bindgen --all-targets -- -D warnings
}

header_is_current() {
  # The root build script regenerates include/imcore.h; it must not drift.
  cargo build -p imcore-demo --quiet &&
    git diff --exit-code -- include/imcore.h
}

run cargo-checks cargo_checks
run header header_is_current
run rust-tests cargo test --workspace --exclude uniffi-bindgen
# Every artifact into dist/ (scripts/package.sh); the suites then test them as installed.
run package bash scripts/package.sh
if ! skip package; then export IMCORE_PACKAGED=1; fi
for suite in scripts/suites/*.sh; do
  [ -e "$suite" ] || continue
  run "$(basename "$suite" .sh)" bash "$suite"
done

echo
if ((failed > 0)); then
  echo "failed suites: ${failures[*]}"
fi
echo "suites: $passed passed, $failed failed"
((failed == 0))
