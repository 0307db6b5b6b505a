#!/usr/bin/env bash
# The collector against a mock AWS account: scripts/collect-exports.sh runs against moto's server
# (127.0.0.1, a free port), then `ddb-lens inspect` ingests what it wrote (scripts/test_collector.py
# says what is checked). Needs target/collector-venv, which scripts/setup.sh installs from PyPI;
# after that it runs offline. Prints TAP; the last lines are "# pass N" and "# fail N".
#
#   bash scripts/test-collector.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=target/collector-venv
for tool in python moto_server aws; do
  if [ ! -x "$venv/bin/$tool" ]; then
    printf 'test-collector: %s/bin/%s is missing: run bash scripts/setup.sh first\n' "$venv" "$tool" >&2
    exit 1
  fi
done
exec "$venv/bin/python" scripts/test_collector.py "$@"
