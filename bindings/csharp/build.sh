#!/usr/bin/env bash
# Compile the imcore Unity package with Mono's mcs (C# 7.x, as Unity's Mono/IL2CPP accept).
#
#   bindings/csharp/build.sh [runtime|tests|all]      (default: all)
#
#   runtime  Runtime/**/*.cs      -> build/imcore.unity.dll (+ imcore.unity.xml docs)
#   tests    Tests/**/*.cs        -> build/imcore.unity.tests.exe (a .dll while no file has a Main)
#
# Newtonsoft.Json: $NEWTONSOFT_DLL, else Debian's (scripts/install-toolchains.sh csharp installs it);
# it is copied into build/ so the outputs run with `mono build/….exe`. Point Mono at libimcore with
# LD_LIBRARY_PATH=<dir of libimcore.so> (or a dllmap in build/imcore.unity.dll.config).
# IMCORE_CSHARP_RUNTIME=<dir> compiles the Runtime sources found there (e.g. the Runtime/ of a UPM
# package unpacked from its tarball) instead of this folder's.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${IMCORE_CSHARP_OUT:-$HERE/build}
RUNTIME=${IMCORE_CSHARP_RUNTIME:-$HERE/Runtime}
what=${1:-all}

die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

command -v mcs >/dev/null || die "mcs not found: run scripts/install-toolchains.sh csharp"

find_newtonsoft() {
    if [ -n "${NEWTONSOFT_DLL:-}" ]; then
        echo "$NEWTONSOFT_DLL"
        return
    fi
    local p
    for p in libnewtonsoft-json-cil-dev $(dpkg-query -W -f='${Package}\n' 'libnewtonsoft-json*-cil' 2>/dev/null); do
        dpkg -L "$p" 2>/dev/null | grep -E '/Newtonsoft\.Json\.dll$' || true
    done | head -n 1
}
NEWTONSOFT=$(find_newtonsoft)
[ -n "$NEWTONSOFT" ] && [ -f "$NEWTONSOFT" ] || die "Newtonsoft.Json.dll not found: run scripts/install-toolchains.sh csharp or set NEWTONSOFT_DLL"

mkdir -p "$OUT"
cp -f "$NEWTONSOFT" "$OUT/Newtonsoft.Json.dll"

# C# 7.2 at most (Mono 6.8 mcs; keeps the sources within what Unity's older compilers accept).
MCS_FLAGS=(-langversion:7.2 -nologo -warn:4 -warnaserror+ -debug -optimize+)

build_runtime() {
    mapfile -t sources < <(find "$RUNTIME" -name '*.cs' | sort)
    mcs "${MCS_FLAGS[@]}" -target:library -out:"$OUT/imcore.unity.dll" -doc:"$OUT/imcore.unity.xml" \
        -r:"$OUT/Newtonsoft.Json.dll" -r:System.dll -r:System.Core.dll "${sources[@]}"
    echo "built $OUT/imcore.unity.dll (${#sources[@]} files)"
}

build_tests() {
    [ -f "$OUT/imcore.unity.dll" ] || build_runtime
    mapfile -t sources < <(find "$HERE/Tests" -name '*.cs' | sort)
    [ "${#sources[@]}" -gt 0 ] || die "no C# files under Tests/"
    local target=library out="$OUT/imcore.unity.tests.dll"
    if grep -qE 'static (int|void|async Task<int>|async Task) Main *\(' "${sources[@]}"; then
        target=exe out="$OUT/imcore.unity.tests.exe"
    fi
    # 0219/0414: the documentation samples assign results they never read.
    mcs "${MCS_FLAGS[@]}" -nowarn:1591,0219,0414 -target:"$target" -out:"$out" \
        -r:"$OUT/imcore.unity.dll" -r:"$OUT/Newtonsoft.Json.dll" -r:System.dll -r:System.Core.dll "${sources[@]}"
    echo "built $out (${#sources[@]} files)"
}

case "$what" in
    runtime) build_runtime ;;
    tests)   build_tests ;;
    all)     build_runtime; build_tests ;;
    *)       die "unknown target '$what' (runtime, tests or all)" ;;
esac
