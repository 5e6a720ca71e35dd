#!/usr/bin/env bash
# The reference relay (examples/relay, a package outside the main workspace):
# builds it into the main target directory, runs its tests (protocol unit
# tests; two devices converge, an offline device catches up, a relay restart
# loses nothing acknowledged), the one-command demo, and the demo page in
# headless Chromium (Debian's `chromium`, installed when missing): the page
# must show every device with its badge. Ends with "relay: N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
MANIFEST=examples/relay/Cargo.toml
OUT=$TARGET/relay-suite
rm -rf "$OUT" && mkdir -p "$OUT"
passed=0 failed=0
ok() { echo "[relay] $1: ok"; passed=$((passed + 1)); }
bad() { echo "[relay] $1: FAILED"; failed=$((failed + 1)); }

if ! command -v chromium >/dev/null 2>&1; then
  echo "[relay] installing chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "[relay] could not install chromium"
fi

if ! cargo build --quiet --manifest-path "$MANIFEST" --target-dir "$TARGET" --bins --tests; then
  echo "relay: 0 passed, 1 failed"; exit 1
fi
# The C# host-side transport (examples/relay/csharp) over the IMCore.Unity package, for the test
# that pairs a C# device with a Rust one.
if ! command -v mcs >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  scripts/install-toolchains.sh csharp >/dev/null 2>&1 || echo "[relay] could not install mono"
fi
if cargo build --quiet -p imcore-ffi && IMCORE_CSHARP_OUT="$OUT/csharp" bindings/csharp/build.sh runtime >/dev/null \
    && mcs -langversion:7.2 -nologo -warnaserror+ -target:exe -out:"$OUT/csharp/RelayDevice.exe" \
      -r:"$OUT/csharp/imcore.unity.dll" -r:"$OUT/csharp/Newtonsoft.Json.dll" -r:System.dll -r:System.Core.dll \
      examples/relay/csharp/RelayDevice.cs; then
  ok "C# device compiled"
  export IMCORE_RELAY_CSHARP_DEVICE="$OUT/csharp/RelayDevice.exe"
  export LD_LIBRARY_PATH="$TARGET/debug${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  bad "C# device compiled"
fi
if cargo test --quiet --manifest-path "$MANIFEST" --target-dir "$TARGET" 2>&1 | tee "$OUT/test.txt"; then
  ok "cargo test"
else
  bad "cargo test"
fi

# The demo, once through.
if timeout 180 "$TARGET/debug/relay-demo" --once --dir "$OUT/demo" --ws 127.0.0.1:0 --http 127.0.0.1:0 \
    >"$OUT/demo.txt" 2>"$OUT/demo.err" && grep -q '^demo done$' "$OUT/demo.txt" \
    && grep -q 'badges  alice/phone: 1   alice/laptop: 1   bob/pc: 1' "$OUT/demo.txt"; then
  ok "demo"
else
  bad "demo"; cat "$OUT/demo.txt" "$OUT/demo.err"
fi

# The page, in headless Chromium, while the demo keeps running.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WS=$(port) HTTP=$(port)
timeout 120 "$TARGET/debug/relay-demo" --dir "$OUT/page-demo" --ws "127.0.0.1:$WS" --http "127.0.0.1:$HTTP" \
  >"$OUT/page-demo.txt" 2>&1 &
demo=$!
for _ in $(seq 1 240); do grep -q '^the page:' "$OUT/page-demo.txt" && break; sleep 0.25; done
CHROME=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage
  --hide-scrollbars --virtual-time-budget=4000)
page_ok=1
timeout 60 "${CHROME[@]}" --dump-dom "http://127.0.0.1:$HTTP/" >"$OUT/page.html" 2>"$OUT/chromium.err" || page_ok=0
for want in 'data-device="alice/phone" data-total="1"' 'data-device="alice/laptop" data-total="1"' \
    'data-device="bob/pc" data-total="1"' '3 device(s)'; do
  grep -qF "$want" "$OUT/page.html" || { echo "[relay] the page lacks: $want"; page_ok=0; }
done
timeout 60 "${CHROME[@]}" --window-size=1000,470 --screenshot="$OUT/relay-page.png" "http://127.0.0.1:$HTTP/" \
  >/dev/null 2>&1 || page_ok=0
kill "$demo" 2>/dev/null; wait "$demo" 2>/dev/null
if [ "$page_ok" -eq 1 ]; then ok "page in headless Chromium (screenshot: $OUT/relay-page.png)"; else bad "page"; fi

echo "relay: $passed passed, $failed failed"
((failed == 0))
