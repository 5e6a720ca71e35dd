#!/usr/bin/env bash
# The Swift binding suite: installs the Debian trixie chroot with swiftlang
# through scripts/install-toolchains.sh (first run ~1 min, 2.6 GB), builds
# libimcore and uniffi-bindgen, regenerates bindings/swift/generated (failing
# when it drifted from the checked-in files), compiles it with
# bindings/swift/tests inside the chroot (scripts/swift-chroot.sh) and runs
# them against the built library. Ends with "swift: N passed, N failed" (the
# drift check counts as one test).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# shellcheck source=../../bindings/uniffi-bindgen/suite-lib.sh
. bindings/uniffi-bindgen/suite-lib.sh
SWIFT_CHROOT=${SWIFT_CHROOT:-/opt/swift-chroot}

fail_early() { echo "[swift] $1"; echo "swift: 0 passed, 1 failed"; exit 1; }

if [ ! -x "$SWIFT_CHROOT/usr/bin/swiftc" ] || [ ! -f "$SWIFT_CHROOT/usr/include/stdio.h" ]; then
    SKIP_VERIFY=1 scripts/install-toolchains.sh swift || fail_early "installing the Swift toolchain failed"
fi

passed=0 failed=0
if generated_is_current swift; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
[ -f "$TARGET/debug/libimcore.so" ] || fail_early "libimcore.so was not built"
mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd)

# The chroot sees the repository (and the target folder) at the same paths.
binds=(--bind "$ROOT")
case "$TARGET/" in "$ROOT"/*) ;; *) binds+=(--bind "$TARGET") ;; esac
work=$TARGET/bindings-test/swift
rm -rf "$work" && mkdir -p "$work"
gen=$ROOT/bindings/swift/generated
echo "[swift] compiling the generated bindings and the tests (swiftc in $SWIFT_CHROOT)"
if ! scripts/swift-chroot.sh "${binds[@]}" -- swiftc -module-name ImcoreTests \
        -Xcc -fmodule-map-file="$gen/imcoreFFI.modulemap" -I "$gen" \
        "$gen/imcore.swift" "$ROOT"/bindings/swift/tests/*.swift \
        -L "$TARGET/debug" -limcore -o "$work/tests"; then
    echo "swift: $passed passed, $((failed + 1)) failed"
    exit 1
fi
LD_LIBRARY_PATH="$TARGET/debug" scripts/swift-chroot.sh "${binds[@]}" -- "$work/tests" | tee "$work/output.txt"
summary=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed$' "$work/output.txt" | tail -n 1)
if [ -z "$summary" ]; then
    echo "[swift] the test runner did not finish"
    failed=$((failed + 1))
else
    read -r tp tf < <(echo "$summary" | sed -E 's/^tests: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/')
    passed=$((passed + tp)) failed=$((failed + tf))
fi
# The README's sample (the fenced block after `<!-- sample: main.swift -->`),
# a program of its own: compiled and run like the tests.
mkdir -p "$work/readme" "$work/readme-data"
awk '$0=="<!-- sample: main.swift -->"{f=1;next} f&&/^```swift/{g=1;next} g&&/^```/{exit} g{print}' \
    bindings/swift/README.md >"$work/readme/main.swift"
if scripts/swift-chroot.sh "${binds[@]}" -- swiftc -module-name ReadmeSample \
        -Xcc -fmodule-map-file="$gen/imcoreFFI.modulemap" -I "$gen" \
        "$gen/imcore.swift" "$work/readme/main.swift" -L "$TARGET/debug" -limcore -o "$work/readme/readme" \
    && LD_LIBRARY_PATH="$TARGET/debug" scripts/swift-chroot.sh "${binds[@]}" -- "$work/readme/readme" \
        "$work/readme-data" >"$work/readme.txt" 2>&1 && grep -q '^readme sample: ok$' "$work/readme.txt"; then
    echo "[swift] README sample: ok"; passed=$((passed + 1))
else
    echo "[swift] README sample: FAILED"; cat "$work/readme.txt" 2>/dev/null; failed=$((failed + 1))
fi
echo "swift: $passed passed, $failed failed"
((failed == 0))
