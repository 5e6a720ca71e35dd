#!/usr/bin/env bash
# Compiles the C# boundary benchmark (bench/Bench.cs) against the package:
#   build/imcore.unity.dll (built first when missing) -> build/imcore.unity.bench.exe
# Run: LD_LIBRARY_PATH=<dir of a release libimcore.so> mono --optimize=all build/imcore.unity.bench.exe
# (scripts/suites/boundary-bench.sh does both; IMCORE_BOUNDARY_FULL=1 for the full sample counts).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${IMCORE_CSHARP_OUT:-$HERE/build}
"$HERE/build.sh" runtime >/dev/null
mcs -langversion:7.2 -nologo -warn:4 -warnaserror+ -optimize+ -unsafe -target:exe \
    -out:"$OUT/imcore.unity.bench.exe" -r:"$OUT/imcore.unity.dll" -r:"$OUT/Newtonsoft.Json.dll" \
    -r:System.dll -r:System.Core.dll "$HERE/bench/Bench.cs"
echo "built $OUT/imcore.unity.bench.exe"
