#!/usr/bin/env bash
# Install what is missing, then run every check and test of ddb-lens, failing
# fast with the name of the step that failed.
#
#   bash scripts/test.sh
#
# Steps: setup, csp-hash self-test, cargo fetch, rustfmt, clippy (native + wasm),
# native tests, the collector against moto's server (scripts/test-collector.sh),
# wasm tests in headless Chromium, trunk release build, end-to-end tests
# (node --test tests/e2e/ with playwright-core against dist/).
# The last line is the total over all test runners: "N passed, N failed, N skipped".
# Logs of every step: target/test-logs/.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

LOG_DIR="$ROOT/target/test-logs"
mkdir -p "$LOG_DIR"
rm -f "$LOG_DIR"/*.log

T0=$SECONDS
PASSED=0
FAILED=0
SKIPPED=0
STEP_NO=0
REPORT=()

banner() { printf '\n==== [test %s] %s ====\n' "$STEP_NO" "$*"; }

summary() {
  printf '\n==== summary (%ss) ====\n' "$((SECONDS - T0))"
  local line
  for line in "${REPORT[@]}"; do printf '  %s\n' "$line"; done
  printf 'ddb-lens: %d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
}

# count LOGFILE: add the test counts printed by cargo test / wasm-bindgen-test-runner
# ("test result: ok. 3 passed; 0 failed; 1 ignored; ...") and node --test
# ("# pass 3" in TAP, "ℹ pass 3" in the spec reporter) to the totals.
count() {
  local p f s
  read -r p f s < <(awk '
    /^test result: / {
      for (i = 1; i <= NF; i++) {
        v = $(i - 1) + 0
        if ($i ~ /^passed/) P += v; else if ($i ~ /^failed/) F += v; else if ($i ~ /^ignored/) S += v
      }
    }
    /^(# |ℹ )pass [0-9]+$/    { P += $3 }
    /^(# |ℹ )(fail|cancelled) [0-9]+$/ { F += $3 }
    /^(# |ℹ )(skipped|todo) [0-9]+$/ { S += $3 }
    END { printf "%d %d %d\n", P, F, S }' "$1")
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
  LAST_COUNTS="$p passed, $f failed, $s skipped"
}

# step NAME [--count] -- CMD...: run CMD with its output teed to a log; on failure
# print which step failed, the summary, and exit with CMD's status.
step() {
  local name="$1"; shift
  local counted=0
  if [ "$1" = --count ]; then counted=1; shift; fi
  [ "$1" = -- ] && shift
  STEP_NO=$((STEP_NO + 1))
  local log
  log="$LOG_DIR/$(printf '%02d' "$STEP_NO")-$(printf '%s' "$name" | tr -c 'A-Za-z0-9\n' '-' ).log"
  banner "$name: $*"
  local start=$SECONDS rc
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  LAST_COUNTS=""
  if [ "$counted" = 1 ]; then
    count "$log"
    case "$LAST_COUNTS" in
      "0 passed, 0 failed, "*) printf '\n!!!! WARNING: step "%s" ran no test at all\n' "$name" >&2 ;;
    esac
  fi
  local took=$((SECONDS - start))
  if [ "$rc" != 0 ]; then
    REPORT+=("FAILED  $name (${took}s) ${LAST_COUNTS:+[$LAST_COUNTS]} log: ${log#"$ROOT"/}")
    # A failing step that is not a test runner still counts as one failure.
    if [ "$counted" = 0 ] || [ "$FAILED" = 0 ]; then FAILED=$((FAILED + 1)); fi
    printf '\n!!!! test.sh FAILED at step %s: %s (exit %s) — see %s\n' "$STEP_NO" "$name" "$rc" "${log#"$ROOT"/}" >&2
    summary
    exit "$rc"
  fi
  REPORT+=("ok      $name (${took}s)${LAST_COUNTS:+ [$LAST_COUNTS]}")
}

skip_step() {
  local name="$1" why="$2"
  STEP_NO=$((STEP_NO + 1))
  banner "$name"
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  printf '!!!! SKIPPED STEP %s: %s\n!!!! because %s\n' "$STEP_NO" "$name" "$why"
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  REPORT+=("SKIPPED $name: $why")
}

# ---- 1. setup ---------------------------------------------------------------
STEP_NO=1
banner "setup: scripts/setup.sh"
start=$SECONDS
# shellcheck source=scripts/setup.sh
if ! source scripts/setup.sh; then
  printf '\n!!!! test.sh FAILED at step 1: setup (scripts/setup.sh)\n' >&2
  REPORT+=("FAILED  setup")
  FAILED=$((FAILED + 1))
  summary
  exit 1
fi
REPORT+=("ok      setup ($((SECONDS - start))s)")

step "csp-hash self-test" -- python3 scripts/csp-hash.py --self-test

# Trunk.toml sets offline = true, so every crate must be fetched before trunk runs.
# In CI the committed Cargo.lock must already be up to date.
if [ -f Cargo.lock ] && [ "${CI:-}" = true ]; then
  step "cargo fetch" -- cargo fetch --locked
else
  step "cargo fetch" -- cargo fetch
fi

# ---- 2. formatting ----------------------------------------------------------------
step "rustfmt" -- cargo fmt --all --check

# ---- 3. lints -----------------------------------------------------------------------
step "clippy (native, all targets)" -- cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm32, ddb-lens)" -- cargo clippy -p ddb-lens --target wasm32-unknown-unknown --all-targets -- -D warnings

# ---- 4. native tests ------------------------------------------------------------------
step "native tests" --count -- cargo test --workspace --exclude ddb-lens --no-fail-fast

# ---- 4b. the collector against a local AWS mock, then ingest of what it wrote -----------------
# scripts/collect-exports.sh against moto's server on 127.0.0.1, then `ddb-lens inspect` over its
# output (TAP: "# pass N" / "# fail N" are counted like node's).
step "collector against moto (scripts/test-collector.sh)" --count -- bash scripts/test-collector.sh

# ---- 5. wasm tests in headless Chromium -------------------------------------------------
if grep -rqs --include='*.rs' 'wasm_bindgen_test' src tests; then
  # Extra Chromium flags for this closed network (wasm-bindgen-test-runner adds
  # headless, no-sandbox and disable-dev-shm-usage itself).
  cat >"$LOG_DIR/webdriver.json" <<EOF
{
  "goog:chromeOptions": {
    "binary": "$CHROMIUM",
    "args": ["disable-gpu", "disable-quic", "no-first-run", "disable-background-networking",
             "disable-component-update", "disable-sync"]
  }
}
EOF
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$LOG_DIR/webdriver.json"
  export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}"
  export WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-60}"
  step "wasm tests (Chromium)" --count -- env CHROMEDRIVER="$CHROMEDRIVER" \
    cargo test -p ddb-lens --target wasm32-unknown-unknown
else
  skip_step "wasm tests (Chromium)" "no #[wasm_bindgen_test] in src/ or tests/ yet"
fi

# ---- 6. release build -------------------------------------------------------------------
if [ -f index.html ] && [ -f Trunk.toml ]; then
  step "trunk build --release" -- trunk build --release
else
  skip_step "trunk build --release" "no index.html / Trunk.toml yet"
fi

# ---- 7. end-to-end tests ----------------------------------------------------------------
# node --test DIR runs the files named like Node's default test patterns:
# *.test.mjs, *-test.mjs, *_test.mjs, test-*.mjs (also .js/.cjs).
e2e_files() {
  [ -d tests/e2e ] || return 0
  find tests/e2e -type f \( -name '*.test.*js' -o -name '*-test.*js' -o -name '*_test.*js' \
    -o -name 'test-*.*js' \) -print -quit
}
if [ -n "$(e2e_files)" ]; then
  step "dist/ is built (needed by end-to-end tests)" -- test -f dist/index.html
  # A hung browser fails its test after 10 minutes instead of eating CI's 90.
  step "end-to-end tests (node --test tests/e2e/)" --count -- node --test --test-timeout=600000 tests/e2e/
else
  skip_step "end-to-end tests" "no *.test.mjs files in tests/e2e/ yet"
fi

summary
if [ "$FAILED" != 0 ]; then exit 1; fi
