#!/usr/bin/env bash
# The Kotlin binding suite: installs kotlinc (npm) + JNA (Debian) through
# scripts/install-toolchains.sh, builds libimcore and uniffi-bindgen,
# regenerates bindings/kotlin/generated (failing when it drifted from the
# checked-in file), compiles it with bindings/kotlin/tests and runs them on
# the JVM against the built library. Ends with "kotlin: N passed, N failed"
# (the drift check counts as one test).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# shellcheck source=../../bindings/uniffi-bindgen/suite-lib.sh
. bindings/uniffi-bindgen/suite-lib.sh
KOTLINC_PREFIX=${KOTLINC_PREFIX:-/opt/kotlinc}
KC=$KOTLINC_PREFIX/node_modules/kotlin-compiler
JNA=/usr/share/java/jna.jar

fail_early() { echo "[kotlin] $1"; echo "kotlin: 0 passed, 1 failed"; exit 1; }

if [ ! -x "$KC/bin/kotlinc" ] || [ ! -f "$JNA" ] || ! command -v java >/dev/null; then
    SKIP_VERIFY=1 scripts/install-toolchains.sh kotlin || fail_early "installing the Kotlin toolchain failed"
fi

passed=0 failed=0
if generated_is_current kotlin; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
[ -f "$TARGET/debug/libimcore.so" ] || fail_early "libimcore.so was not built"

work=$TARGET/bindings-test/kotlin
rm -rf "$work" && mkdir -p "$work"
# The README's sample (the fenced block after `<!-- sample: Readme.kt -->`,
# package `readme`) is compiled with the tests and run after them.
awk '$0=="<!-- sample: Readme.kt -->"{f=1;next} f&&/^```kotlin/{g=1;next} g&&/^```/{exit} g{print}' \
    bindings/kotlin/README.md >"$work/Readme.kt"
echo "[kotlin] compiling the generated bindings, the tests and the README sample"
if ! "$KC/bin/kotlinc" -nowarn bindings/kotlin/generated/com/imcore/imcore.kt bindings/kotlin/tests/*.kt \
        "$work/Readme.kt" -cp "$JNA" -d "$work/test.jar"; then
    echo "kotlin: $passed passed, $((failed + 1)) failed"
    exit 1
fi
java -Djna.library.path="$TARGET/debug" -cp "$work/test.jar:$KC/lib/kotlin-stdlib.jar:$JNA" \
    ImcoreTestKt | tee "$work/output.txt"
summary=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed$' "$work/output.txt" | tail -n 1)
if [ -z "$summary" ]; then
    echo "[kotlin] the test runner did not finish"
    failed=$((failed + 1))
else
    read -r tp tf < <(echo "$summary" | sed -E 's/^tests: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/')
    passed=$((passed + tp)) failed=$((failed + tf))
fi
mkdir -p "$work/readme-data"
if java -Djna.library.path="$TARGET/debug" -cp "$work/test.jar:$KC/lib/kotlin-stdlib.jar:$JNA" \
        readme.ReadmeKt "$work/readme-data" >"$work/readme.txt" 2>&1 && grep -q '^readme sample: ok$' "$work/readme.txt"; then
    echo "[kotlin] README sample: ok"; passed=$((passed + 1))
else
    echo "[kotlin] README sample: FAILED"; cat "$work/readme.txt"; failed=$((failed + 1))
fi
echo "kotlin: $passed passed, $failed failed"
((failed == 0))
