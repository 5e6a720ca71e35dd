#!/usr/bin/env bash
# The C# Unity package (bindings/csharp) under Mono against the real libimcore.so:
# installs Mono + Newtonsoft.Json (Debian), builds the library and the package,
# runs the scenario tests (they print "N passed, N failed"). Run by scripts/test.sh.
#
#   bash scripts/suites/csharp.sh [test-name-substring…]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD

if [ "$(id -u)" -eq 0 ]; then
  scripts/install-toolchains.sh csharp
elif ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
  echo "csharp: mcs/mono missing; run scripts/install-toolchains.sh csharp as root" >&2
  exit 1
fi

cargo build -p imcore-ffi
LIB_DIR=$ROOT/target/debug
[ -f "$LIB_DIR/libimcore.so" ] || { echo "csharp: $LIB_DIR/libimcore.so was not built" >&2; exit 1; }

bindings/csharp/build.sh all

# The runner aborts a test that takes over 60 s; this bounds the whole run (a hang at exit
# included: Mono waits for every native thread that called into it).
export LD_LIBRARY_PATH=$LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
status=0
timeout --kill-after=10 150 mono --debug bindings/csharp/build/imcore.unity.tests.exe "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "csharp: the test process did not finish within 150 s (hang, possibly at exit)"
  echo "0 passed, 1 failed"
fi
exit "$status"
