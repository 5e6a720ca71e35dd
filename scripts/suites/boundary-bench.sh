#!/usr/bin/env bash
# The boundary benchmark (issue 18) in its short mode: what a host pays at the
# C ABI with 100,000 conversations in the store (total, a page of 100, the
# whole list, one live message, a burst, ingest through IMCoreInboundPush),
# each beside a floor measured in the same run; then the same main operations
# through the C# package under Mono and through the Python (uniffi) face.
# Prints figures only: nothing here asserts a time. It fails only when a
# program cannot run to completion (a call refused, a callback lost).
#
#   bash scripts/suites/boundary-bench.sh            short mode (the test run)
#   IMCORE_BOUNDARY_FULL=1 bash scripts/suites/…     full mode (core/BOUNDARY-BENCHMARKS.md)
#   IMCORE_BOUNDARY_PARTS="rust csharp python"       which parts to run (default all)
#
# Ends with "boundary-bench: N passed, N failed" (one per part).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export CARGO_TERM_COLOR=never
PARTS=${IMCORE_BOUNDARY_PARTS:-rust csharp python}

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
wanted() { [[ " $PARTS " == *" $1 "* ]]; }

# The Rust bench is a program of the reliability package (tests/reliability), built in release
# into the main target directory as the reliability suite builds it, so one build serves both;
# it also builds the release libimcore.so (as a dependency), which the C# and Python parts load
# from a folder of their own.
TARGET=$ROOT/target
LIB=$ROOT/target/boundary-lib
build() {
  cargo build --release --quiet --manifest-path tests/reliability/Cargo.toml \
    --target-dir "$TARGET" &&
    mkdir -p "$LIB" && cp -f "$TARGET/release/deps/libimcore.so" "$LIB/libimcore.so"
}

rust_part() { "$TARGET/release/boundary_bench"; }

csharp_part() {
  if ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
      scripts/install-toolchains.sh csharp >/dev/null || return 1
    else
      echo "csharp: mcs/mono missing; run scripts/install-toolchains.sh csharp as root" >&2
      return 1
    fi
  fi
  bindings/csharp/bench/build.sh &&
    LD_LIBRARY_PATH="$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      timeout --kill-after=10 600 mono --optimize=all bindings/csharp/build/imcore.unity.bench.exe
}

python_part() {
  local work=$ROOT/target/bindings-bench/python
  rm -rf "$work" && mkdir -p "$work"
  cp bindings/python/generated/imcore.py "$work/"
  ln -s "$LIB/libimcore.so" "$work/libimcore.so"
  PYTHONPATH="$work" PYTHONDONTWRITEBYTECODE=1 timeout 600 "${PYTHON:-python3}" \
    bindings/python/bench/bench.py
}

# One store of 100,000 conversations for the C# and Python parts (built through the engine,
# much faster than through pushes); each adds its live messages to it.
store() {
  IMCORE_BOUNDARY_DIR="$ROOT/target/boundary-store" "$TARGET/release/boundary_bench" --store-only
}
export IMCORE_BOUNDARY_STORE=$ROOT/target/boundary-store

if build; then
  wanted rust && part rust rust_part
  if wanted csharp || wanted python; then store || failed=$((failed + 1)); fi
  wanted csharp && part csharp csharp_part
  wanted python && part python python_part
else
  echo "building tests/reliability (boundary_bench and the release libimcore.so) failed"
  failed=$((failed + 1))
fi
echo "boundary-bench: $passed passed, $failed failed"
((failed == 0))
