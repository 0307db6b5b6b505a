#!/usr/bin/env bash
# Ingest benchmark, natively and in headless Chromium, on the same generated files.
#
#   bash scripts/bench.sh [EVENTS]      (default 100000; e.g. 1000000)
#
# Generates target/bench-corpus-EVENTS with gen-corpus (once), then prints one JSON line each for:
# native, 1 thread; native, 2 threads; the page in Chromium (with the activity view's filter, scroll
# and event-JSON timings on the loaded events, activity_*); and the browser/native ratio.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EVENTS="${1:-100000}"
DIR="target/bench-corpus-$EVENTS"

source scripts/setup.sh >/dev/null
cargo build --release -q -p ddb-lens-cli -p ddb-lens-gen
if [ ! -f "$DIR.complete" ]; then
  rm -rf "$DIR"
  ./target/release/gen-corpus --events "$EVENTS" --out "$DIR"
  touch "$DIR.complete"
fi
[ -f dist/index.html ] || trunk build --release

native1=$(./target/release/ddb-lens bench "$DIR" --threads 1)
native2=$(./target/release/ddb-lens bench "$DIR" --threads 2)
browser=$(node scripts/bench.mjs "$DIR")
echo "native 1 thread:  $native1"
echo "native 2 threads: $native2"
echo "chromium page:    $browser"
python3 - "$native1" "$browser" <<'PY'
import json, sys
native, browser = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"browser/native(1 thread) time ratio: {browser['page_load_secs'] / native['ingest_secs']:.2f}")
PY
