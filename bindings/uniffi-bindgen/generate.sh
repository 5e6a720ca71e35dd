#!/usr/bin/env bash
# Regenerates the checked-in uniffi bindings from the built library (library
# mode), from the workspace root (uniffi-bindgen runs `cargo metadata`):
#
#   bindings/uniffi-bindgen/generate.sh [kotlin|swift|python]...   (default: all)
#
#   kotlin -> bindings/kotlin/generated/com/imcore/imcore.kt
#   swift  -> bindings/swift/generated/{imcore.swift,imcoreFFI.h,imcoreFFI.modulemap}
#   python -> bindings/python/generated/imcore.py
#
# The library and the bindgen binary are built by separate cargo invocations,
# so that uniffi's `cli` feature never reaches the shipped libimcore.
# Settings: ffi/uniffi.toml. The test suites run this and fail when the
# checked-in sources differ from what it produces.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}

langs=("$@")
[ "${#langs[@]}" -eq 0 ] && langs=(kotlin swift python)
args=()
for l in "${langs[@]}"; do
    case "$l" in
        kotlin|swift|python) args+=(--language "$l") ;;
        *) echo "generate.sh: unknown language '$l'" >&2; exit 2 ;;
    esac
done

cargo build --quiet -p imcore-ffi
cargo build --quiet -p uniffi-bindgen

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$TARGET/debug/uniffi-bindgen" generate --library "$TARGET/debug/libimcore.so" \
    "${args[@]}" --no-format --metadata-no-deps --out-dir "$out" >/dev/null

for l in "${langs[@]}"; do
    dest=bindings/$l/generated
    rm -rf "$dest"
    mkdir -p "$dest"
    case "$l" in
        kotlin) mkdir -p "$dest/com/imcore" && cp "$out/com/imcore/imcore.kt" "$dest/com/imcore/" ;;
        swift)  cp "$out/imcore.swift" "$out/imcoreFFI.h" "$out/imcoreFFI.modulemap" "$dest/" ;;
        python) cp "$out/imcore.py" "$dest/" ;;
    esac
done
