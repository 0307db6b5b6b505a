#!/usr/bin/env bash
# A stand-in for a fresh machine: clones this repository's main into a scratch folder with
# ../shared beside it, and runs CI's command there with an empty CARGO_HOME and a PATH holding
# only rustup's proxies and the system's binaries, so every tool the project needs must be
# installed by scripts/setup.sh. (Debian packages already on the machine stay installed.)
#
#   bash scripts/fresh-machine-check.sh [SCRATCH_DIR]     (default /tmp/ddb-lens-fresh)
set -u
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${1:-/tmp/ddb-lens-fresh}"
rustup_bin="$(dirname "$(command -v rustup)")"
rm -rf "$scratch"
mkdir -p "$scratch/bin"
for tool in cargo rustc rustup rustfmt rustdoc cargo-clippy clippy-driver cargo-fmt; do
  ln -sf "$rustup_bin/$tool" "$scratch/bin/$tool"
done
git clone -q "$repo" "$scratch/main"
ln -sfn "$(cd "$repo/../shared" && pwd)" "$scratch/shared"
export CARGO_HOME="$scratch/cargo-home"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$scratch/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
cd "$scratch/main" || exit 1
start=$SECONDS
CI=true bash .ci/run </dev/null
status=$?
echo "fresh-machine check: exit $status after $((SECONDS - start))s"
exit $status
