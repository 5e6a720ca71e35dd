#!/usr/bin/env bash
# The C ABI suite, against the installed layout scripts/package.sh makes
# (dist/imcore-V-linux-x86_64: include/, lib/libimcore.{so,a}, lib/pkgconfig/imcore.pc):
# compiles the C tests in tests/c with `pkg-config --cflags --libs imcore`
# and -Wall -Wextra -Werror, runs each once plainly and once under valgrind
# (definite leaks and invalid reads/writes fail), and links one test
# statically (`pkg-config --static`, libimcore.a) and runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

# scripts/test.sh packages everything first (IMCORE_PACKAGED=1); alone, this suite does.
[ -n "${IMCORE_PACKAGED:-}" ] || scripts/package.sh linux
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
PREFIX=${IMCORE_DIST:-$ROOT/dist}/imcore-$VERSION-linux-x86_64
test -f "$PREFIX/lib/libimcore.so"
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
CFLAGS_IMCORE=$(pkg-config --cflags imcore)
LIBS_IMCORE=$(pkg-config --libs imcore)
LIB=$(pkg-config --variable=libdir imcore)
echo "pkg-config: $CFLAGS_IMCORE $LIBS_IMCORE"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "installing valgrind"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind) >/dev/null
fi
command -v gcc >/dev/null 2>&1 || {
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev) >/dev/null
}

OUT="$ROOT/target/c-tests"
mkdir -p "$OUT"
TESTS=(test_api test_seeds test_threads test_paths test_disorder test_lifecycle test_msg_lifecycle test_log test_unread_extras)
for t in "${TESTS[@]}"; do
  # shellcheck disable=SC2086 # pkg-config output is a list of flags
  gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O0 $CFLAGS_IMCORE \
    -o "$OUT/$t" "$ROOT/tests/c/harness.c" "$ROOT/tests/c/$t.c" \
    $LIBS_IMCORE -lpthread -Wl,-rpath,"$LIB"
done
# Static: libimcore.a plus what pkg-config --static lists for it.
# shellcheck disable=SC2046
gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 $CFLAGS_IMCORE -o "$OUT/test_seeds_static" \
  "$ROOT/tests/c/harness.c" "$ROOT/tests/c/test_seeds.c" \
  $(pkg-config --static --libs imcore | sed 's/-limcore\b/-l:libimcore.a/') -lpthread
if ldd "$OUT/test_seeds_static" | grep -q libimcore; then
  echo "test_seeds_static links libimcore.so, not libimcore.a"
  exit 1
fi
# The header also compiles as C++ (cpp_compat).
if command -v g++ >/dev/null 2>&1; then
  echo '#include "imcore.h"
int main() { return TIMGetLoginStatus() == kTIMLoginStatus_UnLogined ? 0 : 1; }' >"$OUT/cxx.cc"
  # shellcheck disable=SC2086
  g++ -Wall -Wextra -Werror $CFLAGS_IMCORE -o "$OUT/cxx" "$OUT/cxx.cc" $LIBS_IMCORE \
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
echo "-- test_seeds (static libimcore.a)"
if "$OUT/test_seeds_static"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: test_seeds_static"; fi
echo "c-abi: $passed passed, $failed failed"
((failed == 0))
