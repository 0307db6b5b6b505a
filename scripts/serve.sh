#!/usr/bin/env bash
# Install what is missing, build the app (release), and serve dist/ at
# http://127.0.0.1:${PORT:-8080}. Ctrl-C stops the server.
#
#   bash scripts/serve.sh
#   PORT=9000 bash scripts/serve.sh
#   HOST=0.0.0.0 bash scripts/serve.sh     # listen beyond loopback (at your own risk)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT="${PORT:-8080}"
HOST="${HOST:-127.0.0.1}"

say() { printf '[serve] %s\n' "$*"; }
fail() { printf '[serve] FAILED: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/setup.sh
source scripts/setup.sh || fail "setup (scripts/setup.sh)"

# Trunk.toml sets offline = true: fetch the crates first (--locked where a lock is committed).
if [ -f Cargo.lock ] && [ "${CI:-}" = true ]; then
  cargo fetch --locked || fail "cargo fetch --locked (is Cargo.lock up to date?)"
else
  cargo fetch || fail "cargo fetch"
fi

say "building: trunk build --release"
start=$SECONDS
trunk build --release || fail "trunk build --release"
say "built dist/ in $((SECONDS - start))s"

[ -f dist/index.html ] || fail "dist/index.html missing after the build"

say "open http://127.0.0.1:${PORT}/?sample to start with the built-in sample"
exec python3 scripts/static-server.py --dir dist --host "$HOST" --port "$PORT"
