#!/usr/bin/env bash
# Installs what Faultline needs to build, demo and test on Debian 12 / Ubuntu (idempotent).
set -euo pipefail

cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
  pkg-config build-essential xvfb xauth webkit2gtk-driver poppler-utils postgresql curl
  ca-certificates
)
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*' (run as root or install sudo)"
  fi
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# --- apt packages ---------------------------------------------------------------------------
command -v dpkg-query >/dev/null 2>&1 || die "this script supports Debian/Ubuntu (dpkg) only"
wanted=("${APT_PACKAGES[@]}")
if ! command -v node >/dev/null 2>&1; then
  say "node is missing: adding nodejs and npm to the apt packages"
  wanted+=(nodejs npm)
fi
missing=()
for pkg in "${wanted[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing apt packages: ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "apt packages: all ${#wanted[@]} present"
fi

# --- Rust -------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 ||
  die "cargo not found: install Rust >= 1.90 (https://rustup.rs) and put ~/.cargo/bin on PATH"
say "rust: $(cargo --version)"

# --- Node -------------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is still missing after installing nodejs"
command -v npm >/dev/null 2>&1 || die "npm not found: install npm (apt-get install npm) or Node.js from nodejs.org"
node_version="$(node -p 'process.versions.node')"
IFS=. read -r node_major node_minor _ <<<"$node_version"
if ((node_major < NODE_MIN_MAJOR || (node_major == NODE_MIN_MAJOR && node_minor < NODE_MIN_MINOR))); then
  die "node $node_version is too old: the UI build (Vite 7) needs Node >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR; \
install a newer Node.js (e.g. the NodeSource packages) and run 'make setup' again"
fi
say "node: v$node_version, npm $(npm --version)"

# --- UI dependencies --------------------------------------------------------------------------
if [[ -f ui/package-lock.json ]]; then
  if [[ ! -d ui/node_modules || ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
    say "installing UI dependencies (npm ci in ui/)"
    (cd ui && npm ci --no-audit --no-fund)
  else
    say "UI dependencies: up to date"
  fi
else
  say "ui/package-lock.json missing: skipping npm ci"
fi

# --- tauri-driver (WebDriver bridge for the end-to-end tests) --------------------------------
if command -v tauri-driver >/dev/null 2>&1 || [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]]; then
  say "tauri-driver: present"
else
  say "installing tauri-driver (cargo install tauri-driver --locked)"
  cargo install tauri-driver --locked
fi

say "done"
