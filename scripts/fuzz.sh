#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo fuzz / libFuzzer over the C ABI)
# for SECONDS each, and prints one line per target with its executions,
# then "fuzz: N passed, N failed".
#   bash scripts/fuzz.sh 15                  the smoke run of scripts/test.sh
#   bash scripts/fuzz.sh 3600 api_sequence   one target for an hour
#   FUZZ_PARALLEL=2 bash scripts/fuzz.sh 1800   two targets at a time
#   FUZZ_SANITIZER=none                      no AddressSanitizer (faster)
# Inputs: fuzz/seeds/<target> (from the C tests; python3 fuzz/make_seeds.py),
# fuzz/regressions/<target> (inputs that once crashed: replayed first),
# and the growing corpus fuzz/corpus/<target> (not committed). A crash
# leaves its input in fuzz/artifacts/<target>/ and fails the run.
# Needs cargo-fuzz (installed here if missing) and nightly flags, which the
# stable toolchain accepts with RUSTC_BOOTSTRAP=1.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${1:-15}
shift || true
ALL=(inbound_push conv_filter conv_ids msg_json outbound_ack init_config api_sequence)
if (($# > 0)); then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
SAN=${FUZZ_SANITIZER:-address}
PAR=${FUZZ_PARALLEL:-1}
export RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (cached in ~/.cargo/bin)"
  cargo install cargo-fuzz --locked --quiet || {
    echo "fuzz: 0 passed, 1 failed"
    exit 1
  }
fi

start=$SECONDS
if ! (cd fuzz && cargo fuzz build -s "$SAN" 2>&1 | grep -vE '^\s+(Compiling|Downloaded|Downloading)' | tail -20); then
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
BIN="$ROOT/fuzz/target/x86_64-unknown-linux-gnu/release"
echo "fuzz build: $((SECONDS - start)) s"

# The targets keep their stores in /dev/shm/imcore-fuzz-<pid> (or the temp
# directory): remove those of processes that are gone.
clean_stores() {
  local d
  for d in /dev/shm/imcore-fuzz-* "${TMPDIR:-/tmp}"/imcore-fuzz-*; do
    [ -d "$d" ] || continue
    kill -0 "${d##*-}" 2>/dev/null || rm -rf "$d"
  done
}
clean_stores

LOGS="$ROOT/fuzz/target/logs"
mkdir -p "$LOGS"

run_one() {
  local t=$1
  local F="$ROOT/fuzz"
  mkdir -p "$F/corpus/$t" "$F/artifacts/$t"
  local dirs=("$F/corpus/$t" "$F/seeds/$t")
  [ -d "$F/regressions/$t" ] && dirs+=("$F/regressions/$t")
  "$BIN/$t" "${dirs[@]}" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
    -max_len=4096 -rss_limit_mb=3072 -timeout=25 \
    -artifact_prefix="$F/artifacts/$t/" >"$LOGS/$t.log" 2>&1
}

passed=0
failed=0
total=0
report() {
  local t=$1 rc=$2
  local n
  n=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$LOGS/$t.log" | tail -1 | grep -o '[0-9]*$')
  n=${n:-0}
  total=$((total + n))
  if ((rc == 0)); then
    passed=$((passed + 1))
    printf '%-14s ok      %12d executions in %d s\n' "$t" "$n" "$SECONDS_EACH"
  else
    failed=$((failed + 1))
    printf '%-14s FAILED  (exit %d) after %d executions\n' "$t" "$rc" "$n"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|verify' "$LOGS/$t.log" | head -20
  fi
}

i=0
while ((i < ${#TARGETS[@]})); do
  pids=()
  batch=()
  for ((j = 0; j < PAR && i < ${#TARGETS[@]}; j++, i++)); do
    t=${TARGETS[$i]}
    run_one "$t" &
    pids+=($!)
    batch+=("$t")
  done
  for k in "${!pids[@]}"; do
    wait "${pids[$k]}"
    report "${batch[$k]}" $?
  done
done
clean_stores
echo "fuzz executions: $total"
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
