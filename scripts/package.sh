#!/usr/bin/env bash
# Builds every shipped artifact of imcore into dist/, versioned from Cargo.toml
# ([workspace.package] version), from the `dist` cargo profile (release, no
# debug info, stripped, LTO, one codegen unit):
#
#   scripts/package.sh [part...]        parts (default: all, in this order)
#     linux    dist/imcore-V-linux-x86_64/ {include, lib/libimcore.{so,a}, lib/pkgconfig/imcore.pc} + .tar.gz
#     windows  dist/imcore-V-windows-x86_64/ {include, bin/imcore.dll, lib/{libimcore.dll.a,imcore.lib,imcore.def},
#              lib/pkgconfig/imcore.pc} + .zip (cross-built with mingw-w64 for x86_64-pc-windows-gnu)
#     python   dist/imcore-V-py3-none-manylinux_2_N_x86_64.whl (hatchling; module + libimcore.so)
#     jvm      dist/imcore-V.jar (+ .pom): Kotlin classes, natives at JNA's resource paths
#     swift    dist/imcore-swift-V/ (SwiftPM package) + .tar.gz
#     unity    dist/com.imcore.unity-V.tgz (UPM package, stable .meta GUIDs)
#   Then dist/SIZES.txt lists every artifact with its size; a library over its budget fails the run.
#
# The windows part installs mingw-w64 (apt, as root) and the Rust target; jvm needs kotlinc
# (scripts/install-toolchains.sh kotlin). Parts depend on earlier ones (python, jvm, swift and
# unity take the libraries from linux/windows); each runs its prerequisites when they are missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DIST=${IMCORE_DIST:-$ROOT/dist}
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
[ -n "$VERSION" ] || { echo "package.sh: no [workspace.package] version in Cargo.toml" >&2; exit 1; }
WIN_TARGET=x86_64-pc-windows-gnu
LINUX_DIR=$DIST/imcore-$VERSION-linux-x86_64
WIN_DIR=$DIST/imcore-$VERSION-windows-x86_64
STAGE=$TARGET/package
# Size budgets of the stripped libraries, in bytes (README "Sizes"); today ~4 MB each.
BUDGET_SO=${IMCORE_BUDGET_SO:-6000000}
BUDGET_DLL=${IMCORE_BUDGET_DLL:-6000000}
# Reproducible archives: fixed times, owners and order.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export CARGO_TERM_COLOR=never

say() { echo "[package] $*"; }
die() { echo "[package] error: $*" >&2; exit 1; }

# tgz DIR-PARENT NAME OUT: a deterministic tar.gz of PARENT/NAME.
tgz() {
    tar -C "$1" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
        -cf - "$2" | gzip -9n >"$3"
}

apt_install() {
    [ "$(id -u)" -eq 0 ] || die "missing $*; install it (apt-get install $*) or run as root"
    say "apt-get install $*"
    (apt-get -o DPkg::Lock::Timeout=900 update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
            --no-install-recommends "$@") >/dev/null
}

pc_file() { # pc_file OUT LIBS_PRIVATE
    mkdir -p "$(dirname "$1")"
    sed -e "s|@VERSION@|$VERSION|" -e "s|@LIBS_PRIVATE@|$2|" bindings/c/imcore.pc.in >"$1"
}

part_linux() {
    say "linux: cargo build -p imcore-ffi --profile dist"
    cargo build -p imcore-ffi --profile dist --quiet
    local out=$TARGET/dist
    rm -rf "$LINUX_DIR" && mkdir -p "$LINUX_DIR/include" "$LINUX_DIR/lib"
    cp include/imcore.h "$LINUX_DIR/include/"
    cp "$out/libimcore.so" "$LINUX_DIR/lib/"
    # The static library: cargo strips only linked outputs; drop the debug sections and the
    # embedded LLVM bitcode (only rustc's own LTO reads it) from its objects.
    strip --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd \
        -o "$LINUX_DIR/lib/libimcore.a" "$out/libimcore.a"
    # What a static link needs besides libimcore.a (rustc --print native-static-libs).
    pc_file "$LINUX_DIR/lib/pkgconfig/imcore.pc" "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
    tgz "$DIST" "$(basename "$LINUX_DIR")" "$LINUX_DIR.tar.gz"
    say "linux: $LINUX_DIR(.tar.gz)"
}

part_windows() {
    command -v x86_64-w64-mingw32-gcc >/dev/null || apt_install gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64
    rustup target list --installed | grep -qx "$WIN_TARGET" || rustup target add "$WIN_TARGET"
    say "windows: cargo build -p imcore-ffi --profile dist --target $WIN_TARGET"
    cargo build -p imcore-ffi --profile dist --target "$WIN_TARGET" --quiet
    local out=$TARGET/$WIN_TARGET/dist
    rm -rf "$WIN_DIR" && mkdir -p "$WIN_DIR/include" "$WIN_DIR/bin" "$WIN_DIR/lib"
    cp include/imcore.h "$WIN_DIR/include/"
    cp "$out/imcore.dll" "$WIN_DIR/bin/"
    cp "$out/libimcore.dll.a" "$WIN_DIR/lib/"
    # The export list as a .def, and from it an import library MSVC's link.exe reads.
    {
        echo "LIBRARY imcore.dll"
        echo "EXPORTS"
        x86_64-w64-mingw32-objdump -p "$out/imcore.dll" |
            sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed -n 's/^\s*\[\s*[0-9]*\] \(.*\)$/    \1/p'
    } >"$WIN_DIR/lib/imcore.def"
    x86_64-w64-mingw32-dlltool -d "$WIN_DIR/lib/imcore.def" -D imcore.dll -m i386:x86-64 -l "$WIN_DIR/lib/imcore.lib"
    pc_file "$WIN_DIR/lib/pkgconfig/imcore.pc" ""
    rm -f "$WIN_DIR.zip"
    (cd "$DIST" && find "$(basename "$WIN_DIR")" -exec touch -d "@$SOURCE_DATE_EPOCH" {} + &&
        find "$(basename "$WIN_DIR")" -type f | LC_ALL=C sort | zip -qX -@ "$WIN_DIR.zip")
    say "windows: $WIN_DIR(.zip)"
}

need_linux() { [ -f "$LINUX_DIR/lib/libimcore.so" ] || part_linux; }
need_windows() { [ -f "$WIN_DIR/bin/imcore.dll" ] || part_windows; }

part_python() {
    need_linux
    local stage=$STAGE/python
    rm -rf "$stage" && mkdir -p "$stage/imcore"
    # The manylinux tag names the newest glibc symbol version the library needs.
    local glibc
    glibc=$(objdump -T "$LINUX_DIR/lib/libimcore.so" | grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2 -n -u | tail -n 1)
    [ -n "$glibc" ] || die "python: no GLIBC symbol versions in libimcore.so"
    sed -e "s|@VERSION@|$VERSION|" bindings/python/pyproject.toml >"$stage/pyproject.toml"
    cp bindings/python/hatch_build.py "$stage/"
    cp bindings/python/README.pypi.md "$stage/README.md"
    cp bindings/python/generated/imcore.py "$stage/imcore/imcore.py"
    printf '"""imcore: conversations, unread counts and read receipts on a local store (uniffi)."""\n\nfrom .imcore import *  # noqa: F401,F403\n' \
        >"$stage/imcore/__init__.py"
    cp "$LINUX_DIR/lib/libimcore.so" "$stage/imcore/"
    rm -f "$DIST"/imcore-*.whl
    say "python: pip wheel (hatchling), tag manylinux_${glibc#GLIBC_}_x86_64"
    IMCORE_WHEEL_TAG="py3-none-manylinux_$(echo "${glibc#GLIBC_}" | tr . _)_x86_64" \
        python3 -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$DIST" "$stage"
    ls "$DIST"/imcore-"$VERSION"-*.whl >/dev/null
}

KOTLINC=${KOTLINC_PREFIX:-/opt/kotlinc}/node_modules/kotlin-compiler/bin/kotlinc
JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}

part_jvm() {
    need_linux
    need_windows
    if [ ! -x "$KOTLINC" ] || [ ! -f "$JNA_JAR" ]; then
        SKIP_VERIFY=1 scripts/install-toolchains.sh kotlin
    fi
    local stage=$STAGE/jvm jar=$DIST/imcore-$VERSION.jar
    rm -rf "$stage" && mkdir -p "$stage/classes/linux-x86-64" "$stage/classes/win32-x86-64"
    say "jvm: kotlinc bindings/kotlin/generated"
    "$KOTLINC" -nowarn -module-name imcore -cp "$JNA_JAR" -d "$stage/classes" bindings/kotlin/generated/com/imcore/imcore.kt
    # JNA's Native.load("imcore") extracts <os>-<arch>/<mapped name> from the class path.
    cp "$LINUX_DIR/lib/libimcore.so" "$stage/classes/linux-x86-64/"
    cp "$WIN_DIR/bin/imcore.dll" "$stage/classes/win32-x86-64/"
    # META-INF/imcore.kotlin_module stays: Kotlin finds the top-level functions through it.
    rm -f "$stage/classes/META-INF/MANIFEST.MF"
    printf 'Implementation-Title: imcore\nImplementation-Version: %s\nAutomatic-Module-Name: com.imcore\n' \
        "$VERSION" >"$stage/manifest.txt"
    find "$stage/classes" -exec touch -d "@$SOURCE_DATE_EPOCH" {} +
    rm -f "$jar"
    jar --create --file "$jar" --manifest "$stage/manifest.txt" -C "$stage/classes" .
    # The classes need the kotlin-stdlib of the compiler that made them (or newer).
    local kotlin_version
    kotlin_version=$(unzip -p "$(dirname "$KOTLINC")/../lib/kotlin-stdlib.jar" META-INF/MANIFEST.MF |
        sed -n 's/^Implementation-Version: *\([0-9.]*\).*/\1/p')
    [ -n "$kotlin_version" ] || die "jvm: cannot read the kotlin-stdlib version of $KOTLINC"
    sed -e "s|@VERSION@|$VERSION|" -e "s|@KOTLIN_VERSION@|$kotlin_version|" \
        -e "s|@JNA_VERSION@|$(unzip -p "$JNA_JAR" META-INF/MANIFEST.MF | sed -n 's/^Bundle-Version: *\([0-9.]*\).*/\1/p')|" \
        bindings/kotlin/pom.xml >"$DIST/imcore-$VERSION.pom"
    grep -q '@[A-Z_]*@' "$DIST/imcore-$VERSION.pom" && die "jvm: unfilled placeholder in the pom"
    say "jvm: $jar"
}

part_swift() {
    need_linux
    local pkg=$DIST/imcore-swift-$VERSION
    rm -rf "$pkg" && mkdir -p "$pkg/Sources/imcoreFFI" "$pkg/Sources/imcore" "$pkg/lib"
    cp bindings/swift/Package.swift "$pkg/"
    cp bindings/swift/module.modulemap "$pkg/Sources/imcoreFFI/module.modulemap"
    cp bindings/swift/generated/imcoreFFI.h "$pkg/Sources/imcoreFFI/"
    cp bindings/swift/generated/imcore.swift "$pkg/Sources/imcore/"
    cp "$LINUX_DIR/lib/libimcore.so" "$pkg/lib/"
    cp bindings/swift/README.md "$pkg/"
    tgz "$DIST" "$(basename "$pkg")" "$pkg.tar.gz"
    say "swift: $pkg(.tar.gz)"
}

part_unity() {
    need_linux
    need_windows
    local stage=$STAGE/unity root=$STAGE/unity/package out=$DIST/com.imcore.unity-$VERSION.tgz
    rm -rf "$stage" && mkdir -p "$root"
    local cs=bindings/csharp
    cp -r "$cs/Runtime" "$root/"
    cp -r "$cs/Samples~" "$root/"
    cp "$cs/README.md" "$root/"
    mkdir -p "$root/Plugins/Linux/x86_64" "$root/Plugins/Windows/x86_64"
    cp "$LINUX_DIR/lib/libimcore.so" "$root/Plugins/Linux/x86_64/"
    cp "$WIN_DIR/bin/imcore.dll" "$root/Plugins/Windows/x86_64/"
    python3 "$cs/upm/stage.py" "$root" "$VERSION" "$cs/package.json" "$cs/upm"
    tgz "$stage" package "$out"
    say "unity: $out"
}

# size_line NAME FILE [BUDGET]: one line of SIZES.txt; fails when FILE is over BUDGET bytes.
size_line() {
    local bytes
    bytes=$(stat -c %s "$2")
    awk -v n="$1" -v b="$bytes" -v budget="${3:-0}" 'BEGIN {
        printf "%-48s %10d bytes %7.2f MB", n, b, b / 1e6
        if (budget > 0) printf "  (budget %.1f MB)", budget / 1e6
        printf "\n" }'
    if [ -n "${3:-}" ] && [ "$bytes" -gt "$3" ]; then
        echo "[package] $1 is over its budget of $3 bytes" >&2
        return 1
    fi
}

sizes() {
    {
        local status=0 f
        echo "imcore $VERSION artifacts (scripts/package.sh, cargo profile dist)"
        if [ -f "$LINUX_DIR/lib/libimcore.so" ]; then
            size_line "libimcore.so (linux x86_64, stripped)" "$LINUX_DIR/lib/libimcore.so" "$BUDGET_SO" || status=1
            size_line "libimcore.a (linux x86_64, static)" "$LINUX_DIR/lib/libimcore.a"
        fi
        if [ -f "$WIN_DIR/bin/imcore.dll" ]; then
            size_line "imcore.dll (windows x86_64, stripped)" "$WIN_DIR/bin/imcore.dll" "$BUDGET_DLL" || status=1
        fi
        for f in "$DIST"/*.tar.gz "$DIST"/*.zip "$DIST"/*.whl "$DIST"/*.jar "$DIST"/*.tgz; do
            [ -f "$f" ] && size_line "$(basename "$f")" "$f"
        done
        exit "$status"
    } | tee "$DIST/SIZES.txt"
    return "${PIPESTATUS[0]}"
}

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(linux windows python jvm swift unity)
mkdir -p "$DIST"
for p in "${parts[@]}"; do
    case "$p" in
        linux | windows | python | jvm | swift | unity) "part_$p" ;;
        sizes) ;;
        *) die "unknown part '$p' (linux windows python jvm swift unity)" ;;
    esac
done
sizes
