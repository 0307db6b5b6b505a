#!/usr/bin/env bash
# Installs whatever ddb-lens needs that is missing, and nothing else.
#
#   bash scripts/setup.sh            # check + install
#   source scripts/setup.sh          # same, and keep PATH / CHROMEDRIVER in this shell
#
# Every step checks first, so a second run only spends a few seconds on checks
# and prints "all present". Works non-interactively (CI=true, no stdin), as root
# or through sudo. Only the package registries are used: apt (chromium,
# chromium-driver), crates.io (trunk, wasm-bindgen-cli via `cargo install`),
# npm (binaryen's wasm-opt, playwright-core, axe-core via `npm ci`), PyPI
# (moto's server and the AWS CLI for the collector test, pinned in
# scripts/collector-test-requirements.txt, in the venv target/collector-venv).
#
# Knobs (environment):
#   DDB_LENS_TRUNK_VERSION   trunk version to install (default below)
#   DDB_LENS_SETUP_DRY_RUN=1 print what would be installed, install nothing

# Pinned tool versions. wasm-bindgen-cli's version is read from Cargo.lock.
DDB_LENS_TRUNK_VERSION="${DDB_LENS_TRUNK_VERSION:-0.21.14}"
DDB_LENS_WASM_BINDGEN_FALLBACK="0.2.129"

_ddb_setup_main() {
  set -euo pipefail
  export DEBIAN_FRONTEND=noninteractive

  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local dry="${DDB_LENS_SETUP_DRY_RUN:-0}"
  local installed=()
  local apt_updated=0
  local sudo=""

  say() { printf '[setup] %s\n' "$*"; }
  die() { printf '[setup] ERROR: %s\n' "$*" >&2; return 1; }
  run() {
    # run CMD...: echo it, then run it (or only echo it in dry-run mode)
    say "  \$ $*"
    if [ "$dry" = 1 ]; then return 0; fi
    local rc=0
    "$@" || rc=$?
    if [ "$rc" != 0 ]; then
      printf '[setup] FAILED (exit %s): %s\n' "$rc" "$*" >&2
      return "$rc"
    fi
  }

  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo -E"; fi
  fi

  apt_install() {
    # apt_install PKG...: one `apt-get update` per setup run, then install.
    if [ "$(id -u)" != 0 ] && [ -z "$sudo" ]; then
      die "need root (or sudo) to apt-get install $*"
      return 1
    fi
    if [ "$apt_updated" = 0 ]; then
      run $sudo apt-get update -q
      apt_updated=1
    fi
    run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
  }

  # ---- Rust toolchain (rustup is assumed; see README) -----------------------
  if [ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]; then
    case ":$PATH:" in *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;; *) export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;; esac
  fi
  if ! command -v cargo >/dev/null 2>&1 || ! command -v rustup >/dev/null 2>&1; then
    die "cargo/rustup not found: install Rust with rustup first (https://rustup.rs), then re-run"
    return 1
  fi

  if ! rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
    say "installing rust target wasm32-unknown-unknown"
    run rustup target add wasm32-unknown-unknown
    installed+=("wasm32 target")
  fi
  local comp
  for comp in rustfmt clippy; do
    local probe="cargo-fmt"
    [ "$comp" = clippy ] && probe="cargo-clippy"
    if ! "$probe" --version >/dev/null 2>&1; then
      say "installing rustup component $comp"
      run rustup component add "$comp"
      installed+=("$comp")
    fi
  done

  # ---- Debian packages --------------------------------------------------------
  local apt_pkgs=()
  command -v chromium >/dev/null 2>&1 || apt_pkgs+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || apt_pkgs+=(chromium-driver)
  command -v node >/dev/null 2>&1 || apt_pkgs+=(nodejs)
  command -v npm >/dev/null 2>&1 || apt_pkgs+=(npm)
  command -v python3 >/dev/null 2>&1 || apt_pkgs+=(python3)
  # pdftoppm: the report test prints the exported HTML to PDF and turns a page into a PNG.
  command -v pdftoppm >/dev/null 2>&1 || apt_pkgs+=(poppler-utils)
  # Debian's python3 makes venvs only with python3-venv (ensurepip).
  if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    apt_pkgs+=(python3-venv)
  fi
  if [ "${#apt_pkgs[@]}" -gt 0 ]; then
    say "installing Debian packages: ${apt_pkgs[*]}"
    apt_install "${apt_pkgs[@]}"
    installed+=("${apt_pkgs[@]}")
  fi

  # ---- trunk (crates.io) --------------------------------------------------------
  local have_trunk=""
  if command -v trunk >/dev/null 2>&1; then
    have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}')"
  fi
  if [ "$have_trunk" != "$DDB_LENS_TRUNK_VERSION" ]; then
    say "installing trunk $DDB_LENS_TRUNK_VERSION (found: ${have_trunk:-none}); this compiles for ~6 minutes"
    run cargo install --locked "trunk@$DDB_LENS_TRUNK_VERSION"
    installed+=("trunk $DDB_LENS_TRUNK_VERSION")
  fi

  # ---- wasm-bindgen-cli (crates.io), exactly the version in Cargo.lock ---------
  local wbg=""
  if [ -f "$root/Cargo.lock" ]; then
    wbg="$(awk '/^\[\[package\]\]/{p=0} /^name = "wasm-bindgen"$/{p=1} p && /^version = /{gsub(/"/,"",$3); print $3; exit}' "$root/Cargo.lock")"
  fi
  if [ -z "$wbg" ] && [ -f "$root/Cargo.toml" ]; then
    wbg="$(sed -n 's/^wasm-bindgen *= *"=\{0,1\}\([0-9][0-9.]*\)".*/\1/p' "$root/Cargo.toml" | head -n1)"
  fi
  wbg="${wbg:-$DDB_LENS_WASM_BINDGEN_FALLBACK}"
  local have_wbg=""
  if command -v wasm-bindgen >/dev/null 2>&1 && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    have_wbg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
  fi
  if [ "$have_wbg" != "$wbg" ]; then
    say "installing wasm-bindgen-cli $wbg (found: ${have_wbg:-none}); this compiles for a few minutes"
    run cargo install --locked wasm-bindgen-cli --version "$wbg"
    installed+=("wasm-bindgen-cli $wbg")
  fi

  # ---- npm devDependencies (binaryen's wasm-opt, playwright-core, axe-core) ---
  local stamp="$root/node_modules/.ddb-lens-lock.sha256"
  local want_stamp=""
  if [ -f "$root/package-lock.json" ]; then
    want_stamp="$(sha256sum "$root/package-lock.json" | awk '{print $1}')"
  fi
  if [ -z "$want_stamp" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want_stamp" ] \
     || [ ! -x "$root/node_modules/.bin/wasm-opt" ]; then
    if [ -f "$root/package-lock.json" ]; then
      say "installing npm packages from package-lock.json (npm ci)"
      (cd "$root" && run npm ci --no-audit --no-fund --loglevel=error)
    else
      say "no package-lock.json: resolving package.json (npm install)"
      (cd "$root" && run npm install --no-audit --no-fund --loglevel=error)
    fi
    if [ "$dry" != 1 ]; then
      sha256sum "$root/package-lock.json" | awk '{print $1}' >"$stamp"
    fi
    installed+=("npm packages")
  fi

  # ---- collector test: moto[server] + awscli from PyPI, in target/collector-venv ----
  # A venv of its own, so the pins never meet the machine's Python packages; a stamp of the
  # requirements file's hash makes a second run a no-op and a changed pin a reinstall.
  local venv="$root/target/collector-venv"
  local reqs="$root/scripts/collector-test-requirements.txt"
  local venv_stamp="$venv/.ddb-lens-requirements.sha256"
  local want_venv=""
  want_venv="$(sha256sum "$reqs" | awk '{print $1}')"
  if [ ! -x "$venv/bin/moto_server" ] || [ ! -x "$venv/bin/aws" ] || [ ! -f "$venv_stamp" ] \
     || [ "$(cat "$venv_stamp")" != "$want_venv" ]; then
    say "installing moto[server] and awscli into target/collector-venv (pip, pinned)"
    run python3 -m venv --clear "$venv"
    run "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$reqs"
    if [ "$dry" != 1 ]; then
      printf '%s\n' "$want_venv" >"$venv_stamp"
    fi
    installed+=("collector test venv")
  fi

  if [ "$dry" = 1 ]; then
    say "dry run: nothing was installed"
  elif [ "${#installed[@]}" -eq 0 ]; then
    say "all present (trunk $DDB_LENS_TRUNK_VERSION, wasm-bindgen-cli $wbg, wasm-opt 132, chromium, node modules, collector venv)"
  else
    say "installed: ${installed[*]}"
  fi
}

# Environment for the callers (test.sh / serve.sh source this file). Runs in the
# caller's shell, without changing its shell options.
_ddb_setup_env() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  case ":$PATH:" in *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;; *) [ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ] && PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;; esac
  # binaryen's wasm-opt (version 132) must win over any older wasm-opt on PATH.
  case "$PATH:" in "$root/node_modules/.bin:"*) ;; *) PATH="$root/node_modules/.bin:$PATH" ;; esac
  export PATH
  export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
  export CHROMIUM="${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Executed: install with `set -euo pipefail` in this (child) process.
  _ddb_setup_main "$@"
else
  # Sourced: install in a child bash (errexit works there whatever the caller's
  # context, and a failure never kills the caller's shell), then set
  # PATH/CHROMEDRIVER/CHROMIUM in the caller's shell. `return` carries failure.
  if bash "${BASH_SOURCE[0]}" "$@"; then
    _ddb_setup_env
  else
    return 1
  fi
fi
