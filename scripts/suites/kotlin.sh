#!/usr/bin/env bash
# The Kotlin binding suite: installs kotlinc (npm) + JNA (Debian) through
# scripts/install-toolchains.sh, builds libimcore and uniffi-bindgen,
# regenerates bindings/kotlin/generated (failing when it drifted from the
# checked-in file), then compiles bindings/kotlin/tests against the jar
# scripts/package.sh jvm made (dist/imcore-V.jar: the Kotlin classes and the
# natives at JNA's resource paths) and runs them on the JVM with only that
# jar, JNA and the Kotlin stdlib on the class path and no jna.library.path:
# JNA extracts libimcore.so from the jar itself (checked in its debug log).
# Ends with "kotlin: N passed, N failed" (the drift check counts as one test).
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
if [ -z "${IMCORE_PACKAGED:-}" ]; then
    scripts/package.sh jvm || fail_early "scripts/package.sh jvm failed"
fi
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
JAR=${IMCORE_DIST:-$ROOT/dist}/imcore-$VERSION.jar
[ -f "$JAR" ] || fail_early "$JAR was not built"

work=$TARGET/bindings-test/kotlin
rm -rf "$work" && mkdir -p "$work"
# The README's sample (the fenced block after `<!-- sample: Readme.kt -->`,
# package `readme`) is compiled with the tests and run after them.
awk '$0=="<!-- sample: Readme.kt -->"{f=1;next} f&&/^```kotlin/{g=1;next} g&&/^```/{exit} g{print}' \
    bindings/kotlin/README.md >"$work/Readme.kt"
echo "[kotlin] compiling the tests and the README sample against $(basename "$JAR")"
if ! "$KC/bin/kotlinc" -nowarn bindings/kotlin/tests/*.kt "$work/Readme.kt" -cp "$JAR:$JNA" \
        -d "$work/test.jar"; then
    echo "kotlin: $passed passed, $((failed + 1)) failed"
    exit 1
fi
# No library path anywhere: the library can only come out of the jar.
(cd "$work" && env -u LD_LIBRARY_PATH java -Djna.debug_load=true -Djna.tmpdir="$work/jna-tmp" \
    -cp "$work/test.jar:$JAR:$KC/lib/kotlin-stdlib.jar:$JNA" ImcoreTestKt) 2>"$work/jna.log" | tee "$work/output.txt"
if grep -q 'linux-x86-64/libimcore.so' "$work/jna.log"; then
    echo "[kotlin] JNA loaded libimcore.so from the jar: $(grep -m1 'linux-x86-64/libimcore.so' "$work/jna.log")"
    passed=$((passed + 1))
else
    echo "[kotlin] FAIL: JNA did not load linux-x86-64/libimcore.so from the jar:"
    cat "$work/jna.log"
    failed=$((failed + 1))
fi
summary=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed$' "$work/output.txt" | tail -n 1)
if [ -z "$summary" ]; then
    echo "[kotlin] the test runner did not finish"
    failed=$((failed + 1))
else
    read -r tp tf < <(echo "$summary" | sed -E 's/^tests: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/')
    passed=$((passed + tp)) failed=$((failed + tf))
fi
mkdir -p "$work/readme-data"
if (cd "$work" && env -u LD_LIBRARY_PATH java -Djna.tmpdir="$work/jna-tmp" \
        -cp "$work/test.jar:$JAR:$KC/lib/kotlin-stdlib.jar:$JNA" readme.ReadmeKt "$work/readme-data") \
        >"$work/readme.txt" 2>&1 && grep -q '^readme sample: ok$' "$work/readme.txt"; then
    echo "[kotlin] README sample: ok"; passed=$((passed + 1))
else
    echo "[kotlin] README sample: FAILED"; cat "$work/readme.txt"; failed=$((failed + 1))
fi
echo "kotlin: $passed passed, $failed failed"
((failed == 0))
