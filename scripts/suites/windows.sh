#!/usr/bin/env bash
# The Windows suite, against dist/imcore-V-windows-x86_64 (scripts/package.sh windows: imcore.dll
# cross-built for x86_64-pc-windows-gnu with mingw-w64):
#   1. the DLL: PE32+ x86-64; every function of include/imcore.h exported under its plain C name
#      (no stdcall @N decoration: Tencent's C# layer declares CallingConvention.Cdecl, which on
#      x64 is the one Windows convention); it imports only Windows system DLLs (no mingw runtime
#      DLL to ship beside it).
#   2. the C tests of tests/c, cross-compiled with mingw-w64 against the layout through
#      `pkg-config --cflags --libs imcore` (its .pc), run under Debian's wine64. test_paths puts
#      the store in a non-ASCII folder for a non-ASCII user id (UTF-8 in, wide-character APIs).
# Installs mingw-w64 and wine64 (apt, as root) when missing. Ends with "windows: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

fail_early() { echo "[windows] $1"; echo "windows: 0 passed, 1 failed"; exit 1; }

need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64)
WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$WINE" ] || need+=(wine64)
if [ "${#need[@]}" -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || fail_early "missing ${need[*]} (apt-get install them, or run as root)"
    echo "[windows] apt-get install ${need[*]}"
    (apt-get -o DPkg::Lock::Timeout=900 update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
            --no-install-recommends "${need[@]}") >/dev/null || fail_early "apt-get install failed"
    WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
fi

if [ -z "${IMCORE_PACKAGED:-}" ]; then
    scripts/package.sh windows || fail_early "scripts/package.sh windows failed"
fi
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
PREFIX=${IMCORE_DIST:-$ROOT/dist}/imcore-$VERSION-windows-x86_64
DLL=$PREFIX/bin/imcore.dll
[ -f "$DLL" ] || fail_early "$DLL was not built"

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# ---- 1. the DLL itself
OBJDUMP=x86_64-w64-mingw32-objdump
if $OBJDUMP -f "$DLL" | grep -q 'file format pei-x86-64'; then pass "PE32+ x86-64"; else fail "PE32+ x86-64"; fi
exports=$($OBJDUMP -p "$DLL" | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' |
    sed -n 's/^\s*\[\s*[0-9]*\] \(.*\)$/\1/p' | sort -u)
declared=$(grep -oE '^[A-Za-z_][A-Za-z0-9_ *]*[ *](TIM|IMCore)[A-Za-z0-9_]*\(' "$PREFIX/include/imcore.h" |
    grep -oE '(TIM|IMCore)[A-Za-z0-9_]*\($' | tr -d '(' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exports"))
if [ -n "$declared" ] && [ -z "$missing" ]; then
    pass "all $(echo "$declared" | wc -l) functions of imcore.h exported"
else
    fail "functions of imcore.h not exported: ${missing:-<none declared?>}"
fi
if echo "$exports" | grep -q '@'; then fail "decorated (stdcall) export names"; else pass "undecorated (cdecl) export names"; fi
imports=$($OBJDUMP -p "$DLL" | sed -n 's/^\s*DLL Name: //p' | tr '[:upper:]' '[:lower:]' | sort -u)
foreign=$(echo "$imports" | grep -vxE 'kernel32\.dll|ntdll\.dll|advapi32\.dll|userenv\.dll|ws2_32\.dll|bcrypt\.dll|bcryptprimitives\.dll|msvcrt\.dll|api-ms-win-core-synch-l1-2-0\.dll|api-ms-win-crt-[a-z0-9-]*\.dll|ucrtbase\.dll|shell32\.dll|ole32\.dll|secur32\.dll|crypt32\.dll|dbghelp\.dll' || true)
if [ -z "$foreign" ]; then pass "imports only system DLLs ($(echo "$imports" | tr '\n' ' '))"; else fail "imports non-system DLLs: $foreign"; fi

# ---- 2. the C tests under wine
out=$TARGET/windows-tests
rm -rf "$out" && mkdir -p "$out"
cp "$DLL" "$out/"
# The tests' pthreads come from mingw-w64's winpthreads; a C host ships libwinpthread-1.dll with
# its own executable (imcore.dll does not need it).
winpthread=$(find /usr/x86_64-w64-mingw32/lib /usr/lib/gcc/x86_64-w64-mingw32 -name libwinpthread-1.dll 2>/dev/null | head -n 1)
[ -n "$winpthread" ] && cp "$winpthread" "$out/"
CFLAGS_IMCORE=$(PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig pkg-config --cflags imcore)
LIBS_IMCORE=$(PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig pkg-config --libs imcore)
TESTS=(test_api test_seeds test_threads test_paths)
for t in "${TESTS[@]}"; do
    # shellcheck disable=SC2086 # pkg-config output is a list of flags
    if ! x86_64-w64-mingw32-gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 $CFLAGS_IMCORE \
            -o "$out/$t.exe" tests/c/harness.c "tests/c/$t.c" $LIBS_IMCORE -lpthread -static-libgcc; then
        fail "$t (mingw-w64 compile)"
    fi
done

export WINEPREFIX=$TARGET/wine-prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
start=$SECONDS
"$WINE" wineboot --init >/dev/null 2>&1
echo "[windows] wine prefix ready ($((SECONDS - start)) s)"
# Rust's standard library (1.78+) draws random bytes from ProcessPrng in bcryptprimitives.dll,
# part of Windows 10 and later but missing from Debian 12's wine 8.0. For wine only, a stand-in
# next to the tests forwards to RtlGenRandom (advapi32); on Windows the system's DLL is used.
if [ ! -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
    cat >"$out/bcryptprimitives.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
EOF
    x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" "$out/bcryptprimitives.c" -ladvapi32 ||
        fail "bcryptprimitives.dll stand-in for wine (compile)"
    echo "[windows] wine has no bcryptprimitives.dll: using a ProcessPrng stand-in (RtlGenRandom) for the tests"
fi
for t in "${TESTS[@]}"; do
    [ -f "$out/$t.exe" ] || continue
    echo "-- $t.exe under wine64"
    if (cd "$out" && timeout --kill-after=10 300 "$WINE" "./$t.exe"); then pass "$t"; else fail "$t"; fi
done
"$(dirname "$WINE")/wineserver" -k >/dev/null 2>&1 || true
echo "windows: $passed passed, $failed failed"
((failed == 0))
