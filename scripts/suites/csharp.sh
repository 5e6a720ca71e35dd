#!/usr/bin/env bash
# The C# Unity package, as installed: unpacks the UPM tarball scripts/package.sh unity made
# (dist/com.imcore.unity-V.tgz), checks it (package.json, a .meta with a stable GUID for every
# asset, the native plugins), compiles its Runtime/ and the scenario tests with Mono's mcs,
# compiles the Samples~ MonoBehaviour against stand-ins of the UnityEngine members it uses, and
# runs the tests twice against the package's Plugins/Linux/x86_64/libimcore.so:
#   1. under Mono's JIT;
#   2. under `mono --full-aot` (every assembly AOT-compiled, no JIT: the closest stand-in here for
#      IL2CPP and iOS); the runner then turns Json.NET's run-time code generation off
#      (IMCORE_FULL_AOT=1, see Tests/Mono/Runner.cs).
# Installs Mono, mono-devel and Newtonsoft.Json (Debian). Each run prints "N passed, N failed";
# the last line is "csharp: N passed, N failed" over the package checks and both runs.
#
#   bash scripts/suites/csharp.sh [test-name-substring…]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

fail_early() { echo "[csharp] $1"; echo "csharp: 0 passed, 1 failed"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    scripts/install-toolchains.sh csharp >/dev/null || fail_early "installing Mono failed"
    # The AOT compiler's assembler/linker driver and the full framework (mono-devel).
    if ! dpkg -s mono-devel >/dev/null 2>&1; then
        echo "[csharp] apt-get install mono-devel"
        (apt-get -o DPkg::Lock::Timeout=900 update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
                --no-install-recommends mono-devel) >/dev/null || fail_early "apt-get install mono-devel failed"
    fi
elif ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
    fail_early "mcs/mono missing; run scripts/install-toolchains.sh csharp as root"
fi

if [ -z "${IMCORE_PACKAGED:-}" ]; then
    scripts/package.sh unity || fail_early "scripts/package.sh unity failed"
fi
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
TGZ=${IMCORE_DIST:-$ROOT/dist}/com.imcore.unity-$VERSION.tgz
[ -f "$TGZ" ] || fail_early "$TGZ was not built"

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

work=$TARGET/bindings-test/csharp
rm -rf "$work" && mkdir -p "$work/unpacked" "$work/build"
tar -xzf "$TGZ" -C "$work/unpacked"
PKG=$work/unpacked/package

# ---- the package as Unity's Package Manager reads it
if python3 - "$PKG" "$VERSION" <<'EOF'; then pass "package layout, package.json and .meta files"; else fail "package layout, package.json and .meta files"; fi
import json, os, re, sys
root, version = sys.argv[1], sys.argv[2]
problems = []
m = json.load(open(os.path.join(root, "package.json")))
if m.get("name") != "com.imcore.unity" or m.get("version") != version:
    problems.append(f"package.json: name/version {m.get('name')} {m.get('version')}")
for s in m.get("samples", []):
    if not os.path.isdir(os.path.join(root, s["path"])):
        problems.append(f"sample folder missing: {s['path']}")
guids = {}
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if not d.endswith("~") and not d.startswith(".")]
    for name in dirnames + filenames:
        if name.endswith(".meta") or name.startswith("."):
            continue
        rel = os.path.relpath(os.path.join(dirpath, name), root)
        meta = os.path.join(dirpath, name) + ".meta"
        if not os.path.isfile(meta):
            problems.append(f"no .meta: {rel}")
            continue
        g = re.search(r"^guid: ([0-9a-f]{32})$", open(meta).read(), re.M)
        if not g:
            problems.append(f"no guid in {rel}.meta")
        elif g.group(1) in guids:
            problems.append(f"duplicate guid {g.group(1)}: {rel}, {guids[g.group(1)]}")
        else:
            guids[g.group(1)] = rel
# GUIDs pinned: a build that changed them would break every scene referencing the package.
pinned = {
    "Runtime/IMCore.Unity.asmdef": "c5c20cb26adb929dae890db485acccd1",
    "Plugins/Linux/x86_64/libimcore.so": "b99ca74c45d5554f8bbe8cad565e0c7e",
    "Plugins/Windows/x86_64/imcore.dll": "6696be5317c46784cecde347aa13a080",
}
by_path = {v: k for k, v in guids.items()}
for path, want in pinned.items():
    if by_path.get(path) != want:
        problems.append(f"{path}: guid {by_path.get(path)}, pinned {want}")
plugins = {
    "Plugins/Linux/x86_64/libimcore.so": ("Standalone: Linux64", "OS: Linux"),
    "Plugins/Windows/x86_64/imcore.dll": ("Standalone: Win64", "OS: Windows"),
}
for path, (standalone, editor_os) in plugins.items():
    meta = open(os.path.join(root, path) + ".meta").read()
    if "PluginImporter:" not in meta or editor_os not in meta:
        problems.append(f"{path}.meta: not a PluginImporter for {editor_os}")
    block = meta.split(standalone, 1)[1].split("- first:", 1)[0] if standalone in meta else ""
    if "enabled: 1" not in block or "CPU: x86_64" not in block:
        problems.append(f"{path}.meta: {standalone} not enabled for x86_64")
for p in problems:
    print("  " + p)
print(f"  {len(guids)} assets with .meta files")
sys.exit(1 if problems else 0)
EOF

if file "$PKG/Plugins/Linux/x86_64/libimcore.so" | grep -q 'ELF 64-bit.*x86-64' &&
    file "$PKG/Plugins/Windows/x86_64/imcore.dll" | grep -q 'PE32+.*x86-64'; then
    pass "plugins: ELF x86-64 .so and PE32+ x86-64 .dll"
else
    fail "plugins: ELF x86-64 .so and PE32+ x86-64 .dll"
fi

# ---- compile what Unity would compile: the package's Runtime, then the tests and the sample
export IMCORE_CSHARP_RUNTIME=$PKG/Runtime IMCORE_CSHARP_OUT=$work/build
bindings/csharp/build.sh all || fail_early "compiling the package's Runtime or the tests failed"
B=$work/build
if mcs -nologo -target:library -out:"$B/UnityEngine.dll" bindings/csharp/upm/stubs/UnityEngine.cs &&
    mcs -nologo -langversion:7.2 -warnaserror+ -target:library -out:"$B/Samples.dll" \
        -r:"$B/UnityEngine.dll" -r:"$B/imcore.unity.dll" -r:"$B/Newtonsoft.Json.dll" \
        "$PKG"/Samples~/*/*.cs; then
    pass "Samples~ compiles"
else
    fail "Samples~ compiles"
fi

# ---- the README's samples: ReadmeSample.cs is compiled and run (exit 0); ImBadge.cs (a
# MonoBehaviour) is compiled against stand-ins of the UnityEngine types it uses.
SAMPLES=$work/readme-samples
mkdir -p "$SAMPLES"
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
if mcs -langversion:7.2 -nologo -warnaserror+ -target:exe -out:"$SAMPLES/ReadmeSample.exe" \
        -r:"$B/imcore.unity.dll" -r:"$B/Newtonsoft.Json.dll" -r:System.dll -r:System.Core.dll \
        "$SAMPLES/ReadmeSample.cs" &&
    mcs -langversion:7.2 -nologo -warnaserror+ -target:library -out:"$SAMPLES/ImBadge.dll" \
        -r:"$B/imcore.unity.dll" -r:System.dll -r:System.Core.dll \
        "$SAMPLES/ImBadge.cs" "$SAMPLES/UnityStandIns.cs" &&
    cp -f "$B/imcore.unity.dll" "$B/Newtonsoft.Json.dll" "$SAMPLES/" &&
    rm -rf "$SAMPLES/data" &&
    LD_LIBRARY_PATH=$PKG/Plugins/Linux/x86_64 timeout 60 mono "$SAMPLES/ReadmeSample.exe" "$SAMPLES/data" \
        >"$SAMPLES/run.txt" 2>&1; then
    pass "README samples compile, ReadmeSample runs"
else
    fail "README samples compile, ReadmeSample runs"
    cat "$SAMPLES/run.txt" 2>/dev/null || true
fi

# count_run LOG: adds the runner's "N passed, N failed" to the totals.
count_run() {
    local line tp tf
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        failed=$((failed + 1))
        return
    fi
    read -r tp tf < <(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/')
    passed=$((passed + tp)) failed=$((failed + tf))
}

# The runner aborts a test that takes over 60 s; the timeout bounds the whole run (a hang at exit
# included: Mono waits for every native thread that called into it).
export LD_LIBRARY_PATH=$PKG/Plugins/Linux/x86_64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
run_tests() { # LOG EXE MONO-ARGS...
    local log=$1 exe=$2 status=0
    shift 2
    timeout --kill-after=10 300 mono "$@" "$exe" "${TEST_ARGS[@]}" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "csharp: the test process did not finish within 300 s (hang, possibly at exit)"
        failed=$((failed + 1))
    fi
    count_run "$log"
}
TEST_ARGS=("$@")

echo "[csharp] tests under the JIT"
start=$SECONDS
run_tests "$work/jit.log" "$B/imcore.unity.tests.exe" --debug
echo "[csharp] JIT run: $((SECONDS - start)) s"

# ---- full AOT: the tests and every assembly they reference (transitively, mscorlib included),
# copied into $aot and compiled there; MONO_PATH=$aot makes Mono load these copies (corlib too),
# so it finds each AOT image beside its assembly.
echo "[csharp] AOT-compiling the assemblies (mono --aot=full)"
start=$SECONDS
aot=$work/aot
mkdir -p "$aot"
cat >"$aot/closure.cs" <<'EOF'
using System;
using System.Collections.Generic;
using System.Reflection;
static class Closure {
    static void Main(string[] args) {
        var seen = new HashSet<string>();
        var todo = new Queue<Assembly>();
        todo.Enqueue(typeof(object).Assembly);
        todo.Enqueue(Assembly.LoadFrom(args[0]));
        while (todo.Count > 0) {
            Assembly a = todo.Dequeue();
            if (!seen.Add(a.Location)) continue;
            Console.WriteLine(a.Location);
            foreach (AssemblyName r in a.GetReferencedAssemblies()) {
                try { todo.Enqueue(Assembly.Load(r)); } catch (Exception) { /* never loaded at run time */ }
            }
        }
    }
}
EOF
aot_ok=1
if mcs -nologo -out:"$aot/closure.exe" "$aot/closure.cs" &&
    MONO_PATH=$B mono "$aot/closure.exe" "$B/imcore.unity.tests.exe" >"$aot/assemblies.txt"; then
    while read -r a; do cp "$a" "$aot/"; done <"$aot/assemblies.txt"
    echo "[csharp] $(wc -l <"$aot/assemblies.txt") assemblies"
    while read -r a; do
        f=$aot/$(basename "$a")
        if ! MONO_PATH=$aot mono --aot=full "$f" >"$f.aot.log" 2>&1; then
            echo "[csharp] AOT compile failed: $f"
            tail -n 20 "$f.aot.log"
            aot_ok=0
        fi
    done <"$aot/assemblies.txt"
else
    aot_ok=0
fi
echo "[csharp] AOT compile: $((SECONDS - start)) s"
if [ "$aot_ok" = 1 ]; then
    echo "[csharp] tests under mono --full-aot"
    start=$SECONDS
    # MONO_ENV_OPTIONS reaches the peer processes the two-user tests start as well.
    MONO_PATH=$aot MONO_ENV_OPTIONS="--full-aot" IMCORE_FULL_AOT=1 \
        run_tests "$work/full-aot.log" "$aot/imcore.unity.tests.exe"
    echo "[csharp] full-AOT run: $((SECONDS - start)) s"
    if grep -q 'dynamic code generation off' "$work/full-aot.log"; then :; else
        echo "[csharp] the full-AOT run did not turn Json.NET's code generation off"
        failed=$((failed + 1))
    fi
else
    failed=$((failed + 1))
fi

echo "csharp: $passed passed, $failed failed"
((failed == 0))
