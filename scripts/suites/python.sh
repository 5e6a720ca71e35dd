#!/usr/bin/env bash
# The Python binding suite: builds libimcore and uniffi-bindgen, regenerates
# bindings/python/generated (and fails when it drifted from the checked-in
# file), then installs the wheel scripts/package.sh python made
# (dist/imcore-V-*.whl) with pip into a fresh virtual environment and runs
# bindings/python/tests with that environment's pytest against the installed
# package (not the source folder). Ends with "python: N passed, N failed"
# (the drift check counts as one test).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# shellcheck source=../../bindings/uniffi-bindgen/suite-lib.sh
. bindings/uniffi-bindgen/suite-lib.sh

PY=${PYTHON:-python3}
passed=0 failed=0
if generated_is_current python; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ -z "${IMCORE_PACKAGED:-}" ] && ! scripts/package.sh python; then
    echo "[python] scripts/package.sh python failed"; echo "python: $passed passed, $((failed + 1)) failed"; exit 1
fi
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
wheel=$(ls "${IMCORE_DIST:-$ROOT/dist}"/imcore-"$VERSION"-*.whl 2>/dev/null | head -n 1)
if [ -z "$wheel" ]; then
    echo "[python] no dist/imcore-$VERSION-*.whl"; echo "python: $passed passed, $((failed + 1)) failed"; exit 1
fi

# A fresh virtual environment with the wheel and pytest, nothing else.
work=$TARGET/bindings-test/python
rm -rf "$work" && mkdir -p "$work"
echo "[python] installing $(basename "$wheel") into a fresh venv"
if ! "$PY" -m venv "$work/venv" ||
    ! "$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" pytest; then
    echo "[python] cannot set up the venv"; echo "python: $passed passed, $((failed + 1)) failed"; exit 1
fi
VPY=$work/venv/bin/python
# The module and its library come from the venv's site-packages.
if ! (cd "$work" && "$VPY" -c 'import imcore, os, sys, sysconfig
site = sysconfig.get_paths()["purelib"]
assert imcore.__file__.startswith(site), imcore.__file__
assert os.path.isfile(os.path.join(os.path.dirname(imcore.__file__), "libimcore.so"))
print("[python] imcore from", os.path.dirname(imcore.__file__))'); then
    echo "[python] the installed package is not the one imported"; failed=$((failed + 1))
fi

# Only the tests folder on the path (for conftest): no source tree.
(cd "$work" && PYTHONPATH="$ROOT/bindings/python/tests" PYTHONDONTWRITEBYTECODE=1 \
    "$VPY" -m pytest -q -p no:cacheprovider --junitxml="$work/junit.xml" "$ROOT/bindings/python/tests")
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
# `<!-- sample: NAME.py -->` line), run with the venv's Python against the
# installed package.
for doc in docs/INTEGRATION.md bindings/python/README.md; do
    for name in $(sed -n 's/^<!-- sample: \(.*\.py\) -->$/\1/p' "$doc"); do
        awk -v tag="<!-- sample: $name -->" '$0==tag{f=1;next} f&&/^```python/{g=1;next} g&&/^```/{exit} g{print}' \
            "$doc" >"$work/$name"
        rm -rf "$work/${name%.py}-data" && mkdir -p "$work/${name%.py}-data"
        if PYTHONDONTWRITEBYTECODE=1 timeout 120 "$VPY" "$work/$name" "$work/${name%.py}-data" \
            >"$work/$name.out" 2>&1; then
            echo "[python] sample $name ($doc): ok"; passed=$((passed + 1))
        else
            echo "[python] sample $name ($doc): FAILED"; cat "$work/$name.out"; failed=$((failed + 1))
        fi
    done
done
echo "python: $passed passed, $failed failed"
((failed == 0))
