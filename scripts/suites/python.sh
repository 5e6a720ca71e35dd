#!/usr/bin/env bash
# The Python binding suite: builds libimcore and uniffi-bindgen, regenerates
# bindings/python/generated (and fails when it drifted from the checked-in
# file), then runs bindings/python/tests with pytest against the built
# library. Ends with "python: N passed, N failed" (the drift check counts
# as one test).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# shellcheck source=../../bindings/uniffi-bindgen/suite-lib.sh
. bindings/uniffi-bindgen/suite-lib.sh

PY=${PYTHON:-python3}
if ! "$PY" -m pytest --version >/dev/null 2>&1; then
    echo "[python] installing pytest"
    "$PY" -m pip install --quiet --disable-pip-version-check pytest || {
        echo "[python] cannot install pytest"; echo "python: 0 passed, 1 failed"; exit 1; }
fi

passed=0 failed=0
if generated_is_current python; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ ! -f "$TARGET/debug/libimcore.so" ]; then
    echo "[python] libimcore.so was not built"; echo "python: $passed passed, $((failed + 1)) failed"; exit 1
fi

# The generated module loads libimcore.so from its own folder.
work=$TARGET/bindings-test/python
rm -rf "$work" && mkdir -p "$work"
cp bindings/python/generated/imcore.py "$work/"
ln -s "$TARGET/debug/libimcore.so" "$work/libimcore.so"

PYTHONPATH="$work:$ROOT/bindings/python/tests" PYTHONDONTWRITEBYTECODE=1 \
    "$PY" -m pytest -q -p no:cacheprovider --junitxml="$work/junit.xml" bindings/python/tests
read -r tp tf < <("$PY" - "$work/junit.xml" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 1); sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
total = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(total - bad - skipped, bad if total else 1)
PYEOF
)
passed=$((passed + tp)) failed=$((failed + tf))

# The Python samples of the docs and the README (a fenced block after a
# `<!-- sample: NAME.py -->` line), run against the built library.
for doc in docs/INTEGRATION.md bindings/python/README.md; do
    for name in $(sed -n 's/^<!-- sample: \(.*\.py\) -->$/\1/p' "$doc"); do
        awk -v tag="<!-- sample: $name -->" '$0==tag{f=1;next} f&&/^```python/{g=1;next} g&&/^```/{exit} g{print}' \
            "$doc" >"$work/$name"
        rm -rf "$work/${name%.py}-data" && mkdir -p "$work/${name%.py}-data"
        if PYTHONPATH="$work" PYTHONDONTWRITEBYTECODE=1 timeout 120 "$PY" "$work/$name" "$work/${name%.py}-data" \
            >"$work/$name.out" 2>&1; then
            echo "[python] sample $name ($doc): ok"; passed=$((passed + 1))
        else
            echo "[python] sample $name ($doc): FAILED"; cat "$work/$name.out"; failed=$((failed + 1))
        fi
    done
done
echo "python: $passed passed, $failed failed"
((failed == 0))
