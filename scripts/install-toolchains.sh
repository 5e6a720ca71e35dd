#!/usr/bin/env bash
# Install the toolchains that build and test imcore's foreign-language bindings
# on a fresh Debian 12 (bookworm) machine, as root.
#
#   scripts/install-toolchains.sh [csharp|kotlin|swift|all]...   (default: all)
#
#   csharp  Mono 6.8 (mcs, mono) + Newtonsoft.Json from Debian
#   kotlin  kotlinc 2.4.20 from npm into /opt/kotlinc + JNA from Debian (needs a JDK)
#   swift   a Debian trixie chroot at /opt/swift-chroot with swiftlang 6.x
#
# Idempotent: whatever is already installed is checked and skipped, so a second
# run only re-verifies (compiles and runs a hello world per toolchain).
# Package-manager noise goes to $IMCORE_TOOLCHAIN_LOG (default below); on an
# error the script stops, says what failed and shows the tail of that log.
#
# Environment overrides:
#   IMCORE_TOOLCHAIN_LOG   log file        (default /tmp/imcore-install-toolchains.log)
#   KOTLINC_PREFIX         npm prefix      (default /opt/kotlinc)
#   SWIFT_CHROOT           chroot folder   (default /opt/swift-chroot)
#   SKIP_VERIFY=1          do not compile/run the hello worlds
set -euo pipefail

LOG=${IMCORE_TOOLCHAIN_LOG:-/tmp/imcore-install-toolchains.log}
KOTLINC_PREFIX=${KOTLINC_PREFIX:-/opt/kotlinc}
KOTLIN_VERSION=2.4.20
SWIFT_CHROOT=${SWIFT_CHROOT:-/opt/swift-chroot}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

: >>"$LOG"

say()  { printf '[toolchains] %s\n' "$*"; }
die()  {
    printf '[toolchains] ERROR: %s\n' "$*" >&2
    if [ -s "$LOG" ]; then
        printf '[toolchains] last lines of %s:\n' "$LOG" >&2
        tail -n 25 "$LOG" | sed 's/^/    /' >&2
    fi
    exit 1
}
# run DESCRIPTION CMD...: run quietly into the log, die with DESCRIPTION on failure.
run() {
    local what=$1; shift
    printf '\n=== %s: %s\n' "$(date '+%F %T')" "$*" >>"$LOG"
    "$@" >>"$LOG" 2>&1 || die "$what failed (command: $*)"
}

[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get, /opt, chroot)"
command -v apt-get >/dev/null || die "apt-get not found: this script expects Debian"

APT_UPDATED=0
apt_update_once() {
    if [ "$APT_UPDATED" -eq 0 ]; then
        say "apt-get update"
        run "apt-get update" apt-get update
        APT_UPDATED=1
    fi
}
# apt_install PKG...: install only the packages that are not installed yet.
apt_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    apt_update_once
    say "apt-get install ${missing[*]}"
    run "apt-get install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

SUMMARY=()
timed() {  # timed NAME FUNCTION
    local name=$1 fn=$2 t0 t1
    t0=$(date +%s)
    "$fn"
    t1=$(date +%s)
    SUMMARY+=("$name: ok ($((t1 - t0)) s)")
}

TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

# ---------------------------------------------------------------------------- C#
newtonsoft_dll() {
    local p
    for p in libnewtonsoft-json-cil-dev $(dpkg-query -W -f='${Package}\n' 'libnewtonsoft-json*-cil' 2>/dev/null); do
        dpkg -L "$p" 2>/dev/null | grep -E '/Newtonsoft\.Json\.dll$' | head -n 1
    done | head -n 1
}

install_csharp() {
    if command -v mcs >/dev/null && command -v mono >/dev/null && [ -n "$(newtonsoft_dll)" ]; then
        say "csharp: mono $(mono --version | head -n 1 | awk '{print $5}') already installed, skipping"
    else
        apt_install mono-mcs mono-runtime libnewtonsoft-json-cil-dev
    fi
    local dll
    dll=$(newtonsoft_dll)
    [ -n "$dll" ] && [ -f "$dll" ] || die "csharp: Newtonsoft.Json.dll not found in libnewtonsoft-json-cil-dev (dpkg -L)"
    say "csharp: mcs $(mcs --version | awk '{print $NF}'), Newtonsoft.Json at $dll"
    [ "${SKIP_VERIFY:-0}" = 1 ] && return 0

    cat >"$TMPD/Hello.cs" <<'EOF'
using System;
using Newtonsoft.Json;
public static class Hello {
    public static int Main() {
        var json = JsonConvert.SerializeObject(new { greeting = "hello from C#" });
        Console.WriteLine(JsonConvert.DeserializeObject<dynamic>(json).greeting);
        return 0;
    }
}
EOF
    run "csharp: compiling hello world" mcs -out:"$TMPD/Hello.exe" -r:"$dll" -r:Microsoft.CSharp "$TMPD/Hello.cs"
    cp "$dll" "$TMPD/"
    local out
    out=$(cd "$TMPD" && mono Hello.exe 2>>"$LOG") || die "csharp: running hello world failed"
    [ "$out" = "hello from C#" ] || die "csharp: hello world printed '$out'"
    say "csharp: hello world compiled and ran"
}

# ------------------------------------------------------------------------ Kotlin
kotlinc_bin() { echo "$KOTLINC_PREFIX/node_modules/kotlin-compiler/bin/kotlinc"; }

install_kotlin() {
    if ! command -v javac >/dev/null; then
        apt_install openjdk-17-jdk-headless
    fi
    apt_install libjna-java
    [ -f /usr/share/java/jna.jar ] || die "kotlin: /usr/share/java/jna.jar missing after installing libjna-java"

    local kc have=""
    kc=$(kotlinc_bin)
    if [ -f "$KOTLINC_PREFIX/node_modules/kotlin-compiler/package.json" ]; then
        have=$(node -p "require('$KOTLINC_PREFIX/node_modules/kotlin-compiler/package.json').version" 2>/dev/null || true)
    fi
    if [ "$have" = "$KOTLIN_VERSION" ] && [ -x "$kc" ]; then
        say "kotlin: kotlin-compiler $have already in $KOTLINC_PREFIX, skipping"
    else
        command -v npm >/dev/null || apt_install npm
        say "kotlin: npm install kotlin-compiler@$KOTLIN_VERSION into $KOTLINC_PREFIX"
        mkdir -p "$KOTLINC_PREFIX"
        run "kotlin: npm install kotlin-compiler@$KOTLIN_VERSION" \
            npm install --prefix "$KOTLINC_PREFIX" --no-save --no-audit --no-fund --loglevel=error \
            "kotlin-compiler@$KOTLIN_VERSION"
        [ -x "$kc" ] || chmod +x "$kc" 2>/dev/null || true
        [ -x "$kc" ] || die "kotlin: $kc not found after npm install"
    fi
    say "kotlin: kotlinc at $kc, stdlib $KOTLINC_PREFIX/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar, JNA /usr/share/java/jna.jar"
    [ "${SKIP_VERIFY:-0}" = 1 ] && return 0

    cat >"$TMPD/Hello.kt" <<'EOF'
import com.sun.jna.Native
import com.sun.jna.Library

interface CLib : Library { fun getpid(): Int }

fun main() {
    val pid = Native.load("c", CLib::class.java).getpid()
    println(if (pid > 0) "hello from Kotlin" else "bad pid")
}
EOF
    local stdlib=$KOTLINC_PREFIX/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar
    run "kotlin: compiling hello world" "$kc" "$TMPD/Hello.kt" -cp /usr/share/java/jna.jar -d "$TMPD/hello.jar"
    local out
    out=$(java -cp "$TMPD/hello.jar:$stdlib:/usr/share/java/jna.jar" HelloKt 2>>"$LOG") \
        || die "kotlin: running hello world failed"
    [ "$out" = "hello from Kotlin" ] || die "kotlin: hello world printed '$out'"
    say "kotlin: hello world (with JNA) compiled and ran"
}

# ------------------------------------------------------------------------- Swift
# The Debian mirror the host's apt already uses (so the chroot goes through the same one);
# empty when none is found, and debootstrap then uses its own default.
host_debian_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/ && $i ~ /\/debian\/?$/) { print $i; exit } }' "$f"
    done | head -n 1
    if [ -f /etc/apt/sources.list ]; then
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\// && $i !~ /security/ && $i ~ /\/debian\/?$/) { print $i; exit } }' /etc/apt/sources.list
    fi
}

install_swift() {
    if [ -x "$SWIFT_CHROOT/usr/bin/swiftc" ] && [ -f "$SWIFT_CHROOT/usr/include/stdio.h" ]; then
        say "swift: chroot $SWIFT_CHROOT already has swiftc, skipping"
    else
        apt_install debootstrap debian-archive-keyring
        if [ ! -x "$SWIFT_CHROOT/usr/bin/apt-get" ]; then
            local mirror
            mirror=$(host_debian_mirror | head -n 1)
            say "swift: debootstrap trixie into $SWIFT_CHROOT${mirror:+ (mirror from host apt config)}"
            # A half-made chroot from an interrupted run: unmount first, so that rm
            # cannot walk into a bind mount of the host's files.
            if [ -d "$SWIFT_CHROOT" ]; then
                "$SCRIPT_DIR/swift-chroot.sh" --umount || die "swift: cannot unmount under $SWIFT_CHROOT"
                if awk -v r="$SWIFT_CHROOT/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
                    die "swift: $SWIFT_CHROOT still has mounts; not deleting it"
                fi
                rm -rf "$SWIFT_CHROOT"
            fi
            mkdir -p "$SWIFT_CHROOT"
            # shellcheck disable=SC2086
            run "swift: debootstrap trixie" debootstrap --variant=minbase trixie "$SWIFT_CHROOT" $mirror
        fi
        cp /etc/resolv.conf "$SWIFT_CHROOT/etc/resolv.conf" 2>/dev/null || true
        say "swift: apt-get install swiftlang libc6-dev inside the chroot"
        run "swift: apt-get update in chroot" "$SCRIPT_DIR/swift-chroot.sh" --no-bind -- apt-get update
        run "swift: apt-get install swiftlang in chroot" "$SCRIPT_DIR/swift-chroot.sh" --no-bind -- \
            env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends swiftlang libc6-dev
        "$SCRIPT_DIR/swift-chroot.sh" --no-bind -- apt-get clean >>"$LOG" 2>&1 || true
        [ -x "$SWIFT_CHROOT/usr/bin/swiftc" ] || die "swift: swiftc missing in $SWIFT_CHROOT after install"
    fi
    local ver
    ver=$("$SCRIPT_DIR/swift-chroot.sh" --no-bind -- swiftc --version 2>&1 | grep -m1 -o 'Swift version [0-9.]*' || true)
    [ -n "$ver" ] || die "swift: 'swiftc --version' failed inside $SWIFT_CHROOT"
    say "swift: $ver in $SWIFT_CHROOT (run it with scripts/swift-chroot.sh -- swiftc ...)"
    [ "${SKIP_VERIFY:-0}" = 1 ] && return 0

    local work=$SWIFT_CHROOT/tmp/imcore-hello-swift
    rm -rf "$work" && mkdir -p "$work"
    cat >"$work/main.swift" <<'EOF'
import Glibc
let pid = getpid()
print(pid > 0 ? "hello from Swift" : "bad pid")
EOF
    run "swift: compiling hello world" "$SCRIPT_DIR/swift-chroot.sh" --no-bind -- \
        swiftc /tmp/imcore-hello-swift/main.swift -o /tmp/imcore-hello-swift/hello
    local out
    out=$("$SCRIPT_DIR/swift-chroot.sh" --no-bind -- /tmp/imcore-hello-swift/hello 2>>"$LOG") \
        || die "swift: running hello world failed"
    rm -rf "$work"
    [ "$out" = "hello from Swift" ] || die "swift: hello world printed '$out'"
    say "swift: hello world compiled and ran inside the chroot"
}

# -------------------------------------------------------------------------- main
targets=("$@")
[ "${#targets[@]}" -eq 0 ] && targets=(all)
want_csharp=0 want_kotlin=0 want_swift=0
for t in "${targets[@]}"; do
    case "$t" in
        csharp|cs|mono) want_csharp=1 ;;
        kotlin|kt)      want_kotlin=1 ;;
        swift)          want_swift=1 ;;
        all)            want_csharp=1 want_kotlin=1 want_swift=1 ;;
        -h|--help)      sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *)              die "unknown toolchain '$t' (expected csharp, kotlin, swift or all)" ;;
    esac
done

say "log: $LOG"
[ "$want_csharp" = 1 ] && timed csharp install_csharp
[ "$want_kotlin" = 1 ] && timed kotlin install_kotlin
[ "$want_swift" = 1 ]  && timed swift  install_swift
for line in "${SUMMARY[@]}"; do say "$line"; done
