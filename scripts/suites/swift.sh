#!/usr/bin/env bash
# The Swift binding suite: installs the Debian trixie chroot with swiftlang
# through scripts/install-toolchains.sh (first run ~1 min, 2.6 GB), builds
# libimcore and uniffi-bindgen, regenerates bindings/swift/generated (failing
# when it drifted from the checked-in files), then builds bindings/swift/tests
# as an executable of a small consumer package that depends on the SwiftPM
# package scripts/package.sh swift made (dist/imcore-swift-V, product
# `imcore`), with `swift build` inside the chroot (scripts/swift-chroot.sh),
# and runs it (`swift run`). Ends with "swift: N passed, N failed" (the drift
# check counts as one test).
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
if [ -z "${IMCORE_PACKAGED:-}" ]; then
    scripts/package.sh swift || fail_early "scripts/package.sh swift failed"
fi
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
DIST=${IMCORE_DIST:-$ROOT/dist}
mkdir -p "$TARGET" "$DIST"
TARGET=$(cd "$TARGET" && pwd)
DIST=$(cd "$DIST" && pwd)
PKG=$DIST/imcore-swift-$VERSION
[ -f "$PKG/Package.swift" ] || fail_early "$PKG was not built"

# The chroot sees the repository, the target folder and dist/ at the same paths.
binds=(--bind "$ROOT")
case "$TARGET/" in "$ROOT"/*) ;; *) binds+=(--bind "$TARGET") ;; esac
case "$DIST/" in "$ROOT"/*) ;; *) binds+=(--bind "$DIST") ;; esac
work=$TARGET/bindings-test/swift
rm -rf "$work" && mkdir -p "$work/Sources/ImcoreTests"
# The tests as a client of the package: the same main.swift, importing the module `imcore`.
{ echo "import imcore"; cat bindings/swift/tests/main.swift; } >"$work/Sources/ImcoreTests/main.swift"
# The README's sample (the fenced block after `<!-- sample: main.swift -->`) is a second
# program of the same consumer package.
mkdir -p "$work/Sources/ReadmeSample" "$work/readme-data"
awk '$0=="<!-- sample: main.swift -->"{f=1;next} f&&/^```swift/{g=1;next} g&&/^```/{exit} g{print}' \
    bindings/swift/README.md >"$work/Sources/ReadmeSample/main.swift"
cat >"$work/Package.swift" <<EOF
// swift-tools-version:5.7
import PackageDescription
let package = Package(
    name: "ImcoreTests",
    dependencies: [.package(path: "$PKG")],
    targets: [
        .executableTarget(name: "ImcoreTests", dependencies: [.product(name: "imcore", package: "imcore-swift-$VERSION")]),
        .executableTarget(name: "ReadmeSample", dependencies: [.product(name: "imcore", package: "imcore-swift-$VERSION")]),
    ]
)
EOF
echo "[swift] swift build (consumer of $PKG, in $SWIFT_CHROOT)"
start=$SECONDS
if ! (cd "$work" && "$ROOT/scripts/swift-chroot.sh" "${binds[@]}" -- swift build --disable-sandbox); then
    echo "swift: $passed passed, $((failed + 1)) failed"
    exit 1
fi
echo "[swift] built in $((SECONDS - start)) s"
(cd "$work" && env -u LD_LIBRARY_PATH "$ROOT/scripts/swift-chroot.sh" "${binds[@]}" -- swift run --skip-build --disable-sandbox ImcoreTests) |
    tee "$work/output.txt"
summary=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed$' "$work/output.txt" | tail -n 1)
if [ -z "$summary" ]; then
    echo "[swift] the test runner did not finish"
    failed=$((failed + 1))
else
    read -r tp tf < <(echo "$summary" | sed -E 's/^tests: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/')
    passed=$((passed + tp)) failed=$((failed + tf))
fi
if (cd "$work" && env -u LD_LIBRARY_PATH "$ROOT/scripts/swift-chroot.sh" "${binds[@]}" -- \
        swift run --skip-build --disable-sandbox ReadmeSample "$work/readme-data") >"$work/readme.txt" 2>&1 &&
    grep -q '^readme sample: ok$' "$work/readme.txt"; then
    echo "[swift] README sample: ok"; passed=$((passed + 1))
else
    echo "[swift] README sample: FAILED"; cat "$work/readme.txt" 2>/dev/null; failed=$((failed + 1))
fi
echo "swift: $passed passed, $failed failed"
((failed == 0))
