#!/usr/bin/env bash
# The C ABI suite: builds libimcore, compiles the C tests in tests/c against
# include/imcore.h with -Wall -Wextra -Werror, runs each once plainly and
# once under valgrind (definite leaks and invalid reads/writes fail).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

cargo build -p imcore-ffi --quiet
LIB="$ROOT/target/debug"
test -f "$LIB/libimcore.so"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "installing valgrind"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind) >/dev/null
fi
command -v gcc >/dev/null 2>&1 || {
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev) >/dev/null
}

OUT="$ROOT/target/c-tests"
mkdir -p "$OUT"
TESTS=(test_api test_seeds test_threads test_disorder test_lifecycle test_log)
for t in "${TESTS[@]}"; do
  gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O0 -I"$ROOT/include" \
    -o "$OUT/$t" "$ROOT/tests/c/harness.c" "$ROOT/tests/c/$t.c" \
    -L"$LIB" -limcore -lpthread -Wl,-rpath,"$LIB"
done
# The header also compiles as C++ (cpp_compat).
if command -v g++ >/dev/null 2>&1; then
  echo '#include "imcore.h"
int main() { return TIMGetLoginStatus() == kTIMLoginStatus_UnLogined ? 0 : 1; }' >"$OUT/cxx.cc"
  g++ -Wall -Wextra -Werror -I"$ROOT/include" -o "$OUT/cxx" "$OUT/cxx.cc" -L"$LIB" -limcore \
    -Wl,-rpath,"$LIB"
  "$OUT/cxx"
fi

# The C samples of the docs (a fenced block after a `<!-- sample: NAME.c -->`
# line): compiled like the tests and run once (they exit 0 on success).
SAMPLES=()
for doc in docs/INTEGRATION.md; do
  for name in $(sed -n 's/^<!-- sample: \(.*\.c\) -->$/\1/p' "$doc"); do
    awk -v tag="<!-- sample: $name -->" '$0==tag{f=1;next} f&&/^```c/{g=1;next} g&&/^```/{exit} g{print}' \
      "$doc" >"$OUT/$name"
    gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O0 -I"$ROOT/include" \
      -o "$OUT/${name%.c}" "$OUT/$name" -L"$LIB" -limcore -lpthread -Wl,-rpath,"$LIB"
    SAMPLES+=("${name%.c}")
  done
done

passed=0
failed=0
for s in "${SAMPLES[@]}"; do
  echo "-- sample $s (docs)"
  rm -rf "$OUT/$s-data"
  if "$OUT/$s" "$OUT/$s-data"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: sample $s"; fi
done
for t in "${TESTS[@]}"; do
  echo "-- $t"
  if "$OUT/$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $t"; fi
  echo "-- $t under valgrind"
  if IMCORE_UNDER_VALGRIND=1 valgrind -q --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --log-file="$OUT/$t.valgrind.log" "$OUT/$t"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED under valgrind: $t"
    cat "$OUT/$t.valgrind.log"
  fi
done
echo "c-abi: $passed passed, $failed failed"
((failed == 0))
