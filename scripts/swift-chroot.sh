#!/usr/bin/env bash
# Run a command inside the Swift chroot that scripts/install-toolchains.sh swift made.
#
#   scripts/swift-chroot.sh [--bind DIR]... [--no-bind] [--] COMMAND [ARGS...]
#   scripts/swift-chroot.sh --umount
#
# Before running, it mounts (idempotently) /proc (swiftc cannot load its runtime
# without it), /dev when the chroot has no usable /dev/null, and bind-mounts each
# DIR at the same path inside the chroot. Without --bind it binds this repository's
# root and the current directory, so paths under them mean the same thing inside
# and outside. The command runs in the current directory when that is visible in
# the chroot, else in /, with a clean environment (PATH, HOME, LANG; CI and
# LD_LIBRARY_PATH are passed through). No COMMAND = an interactive shell.
#
# --umount unmounts everything this script mounted under the chroot. Do that
# before deleting the chroot: rm -rf would otherwise walk into the bind mounts.
#
# Environment: SWIFT_CHROOT (default /opt/swift-chroot).
set -euo pipefail

ROOT=${SWIFT_CHROOT:-/opt/swift-chroot}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { printf '[swift-chroot] ERROR: %s\n' "$*" >&2; exit 1; }

mounts_under_root() {
    # Mount points strictly below $ROOT, deepest first.
    awk -v r="$ROOT/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r
}

if [ "${1:-}" = "--umount" ]; then
    for m in $(mounts_under_root); do
        umount "$m" 2>/dev/null || umount -l "$m" || die "cannot unmount $m"
    done
    exit 0
fi

binds=() default_binds=1
while [ $# -gt 0 ]; do
    case "$1" in
        --bind)    [ $# -ge 2 ] || die "--bind needs a directory"; binds+=("$(cd "$2" && pwd)"); default_binds=0; shift 2 ;;
        --no-bind) default_binds=0; shift ;;
        --)        shift; break ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *)         break ;;
    esac
done
if [ "$default_binds" = 1 ]; then
    binds+=("$REPO_ROOT")
    case "$PWD/" in "$REPO_ROOT"/*) ;; *) [ "$PWD" = / ] || binds+=("$PWD") ;; esac
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (mount, chroot)"
[ -x "$ROOT/usr/bin/env" ] || die "no chroot at $ROOT: run scripts/install-toolchains.sh swift first"

mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc" || die "cannot mount proc in $ROOT"
if [ ! -c "$ROOT/dev/null" ]; then
    mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev" || die "cannot bind /dev in $ROOT"
fi
for d in "${binds[@]}"; do
    case "$d" in /|/proc|/dev|/sys) die "refusing to bind $d" ;; esac
    mkdir -p "$ROOT$d"
    # A bind mount left from an earlier run may show a directory that was
    # deleted and made again since (e.g. a fresh clone at the same path):
    # then it is stale and is made again.
    if mountpoint -q "$ROOT$d" && [ "$(stat -c %d:%i "$d")" != "$(stat -c %d:%i "$ROOT$d" 2>/dev/null)" ]; then
        umount "$ROOT$d" 2>/dev/null || umount -l "$ROOT$d" || die "cannot unmount the stale $ROOT$d"
    fi
    mountpoint -q "$ROOT$d" || mount --bind "$d" "$ROOT$d" || die "cannot bind $d into $ROOT"
done

workdir=/
[ -d "$ROOT$PWD" ] && workdir=$PWD

envs=(HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
[ -n "${CI:-}" ] && envs+=("CI=$CI")
[ -n "${LD_LIBRARY_PATH:-}" ] && envs+=("LD_LIBRARY_PATH=$LD_LIBRARY_PATH")
[ -n "${TERM:-}" ] && envs+=("TERM=$TERM")

[ $# -gt 0 ] || set -- /bin/bash -i
exec chroot "$ROOT" /usr/bin/env -i "${envs[@]}" /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$workdir" "$@"
