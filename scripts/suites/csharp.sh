#!/usr/bin/env bash
# The C# Unity package (bindings/csharp) under Mono against the real libimcore.so:
# installs Mono + Newtonsoft.Json (Debian), builds the library and the package,
# runs the scenario tests (they print "N passed, N failed"). Run by scripts/test.sh.
#
#   bash scripts/suites/csharp.sh [test-name-substring…]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD

if [ "$(id -u)" -eq 0 ]; then
  scripts/install-toolchains.sh csharp
elif ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
  echo "csharp: mcs/mono missing; run scripts/install-toolchains.sh csharp as root" >&2
  exit 1
fi

cargo build -p imcore-ffi
LIB_DIR=$ROOT/target/debug
[ -f "$LIB_DIR/libimcore.so" ] || { echo "csharp: $LIB_DIR/libimcore.so was not built" >&2; exit 1; }

bindings/csharp/build.sh all

# The README's samples: ReadmeSample.cs is compiled and run (exit 0); ImBadge.cs (a MonoBehaviour)
# is compiled against stand-ins of the UnityEngine types it uses.
SAMPLES=$ROOT/target/csharp-samples
mkdir -p "$SAMPLES"
BUILD=$ROOT/bindings/csharp/build
extract() {
  awk -v tag="<!-- sample: $1 -->" '$0==tag{f=1;next} f&&/^```csharp/{g=1;next} g&&/^```/{exit} g{print}' \
    bindings/csharp/README.md >"$SAMPLES/$1"
}
extract ReadmeSample.cs
extract ImBadge.cs
cat >"$SAMPLES/UnityStandIns.cs" <<'EOF'
namespace UnityEngine
{
    public class Object { }
    public class Component : Object { }
    public class MonoBehaviour : Component { }
    public static class Application { public static string persistentDataPath { get { return "."; } } }
    public static class Debug
    {
        public static void Log(object message) { }
        public static void LogError(object message) { }
    }
}
namespace UnityEngine.UI
{
    public class Text : UnityEngine.Component { public string text; }
}
EOF
sample_status=0
mcs -langversion:7.2 -nologo -warnaserror+ -target:exe -out:"$SAMPLES/ReadmeSample.exe" \
  -r:"$BUILD/imcore.unity.dll" -r:"$BUILD/Newtonsoft.Json.dll" -r:System.dll -r:System.Core.dll \
  "$SAMPLES/ReadmeSample.cs" || sample_status=1
mcs -langversion:7.2 -nologo -warnaserror+ -target:library -out:"$SAMPLES/ImBadge.dll" \
  -r:"$BUILD/imcore.unity.dll" -r:System.dll -r:System.Core.dll \
  "$SAMPLES/ImBadge.cs" "$SAMPLES/UnityStandIns.cs" || sample_status=1
if [ "$sample_status" -eq 0 ]; then
  cp -f "$BUILD/imcore.unity.dll" "$BUILD/Newtonsoft.Json.dll" "$SAMPLES/"
  rm -rf "$SAMPLES/data"
  LD_LIBRARY_PATH=$LIB_DIR timeout 60 mono "$SAMPLES/ReadmeSample.exe" "$SAMPLES/data" >"$SAMPLES/run.txt" 2>&1 || sample_status=1
fi
if [ "$sample_status" -eq 0 ]; then
  echo "csharp: README samples compiled, ReadmeSample ran: ok"
else
  echo "csharp: README samples FAILED"; cat "$SAMPLES/run.txt" 2>/dev/null || true
fi

# The runner aborts a test that takes over 60 s; this bounds the whole run (a hang at exit
# included: Mono waits for every native thread that called into it).
export LD_LIBRARY_PATH=$LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
status=0
timeout --kill-after=10 150 mono --debug bindings/csharp/build/imcore.unity.tests.exe "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "csharp: the test process did not finish within 150 s (hang, possibly at exit)"
  echo "0 passed, 1 failed"
fi
if [ "$sample_status" -ne 0 ]; then
  echo "1 passed, 1 failed (README samples)"
  exit 1
fi
exit "$status"
