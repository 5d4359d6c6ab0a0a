#!/usr/bin/env bash
# Installs what Faultline needs to build, demo and test on Debian 12 / Ubuntu (idempotent).
set -euo pipefail

cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
  pkg-config build-essential xvfb xauth webkit2gtk-driver poppler-utils postgresql openssl curl
  ca-certificates
)
# Oldest Node.js the UI toolchain (Vite 6, Vitest 3, svelte-check 4) is tested with: the stock
# 'nodejs' of Debian 12 (18.20) and Ubuntu 24.04 (18.19) is enough. Same floor as "engines" in
# ui/package.json.
NODE_MIN=18.19.0
# Oldest Rust: the workspace's rust-version in Cargo.toml.
RUST_MIN="$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)"
RUST_MIN="${RUST_MIN:-1.90}"

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

# version_ge A B: true when version A >= version B (dotted numbers).
version_ge() {
  [[ "$(printf '%s\n' "$1" "$2" | sort -V | head -n1)" == "$2" ]]
}

# --- apt packages ---------------------------------------------------------------------------
command -v dpkg-query >/dev/null 2>&1 || die "this script supports Debian/Ubuntu (dpkg) only"
wanted=("${APT_PACKAGES[@]}")
if ! command -v node >/dev/null 2>&1; then
  say "node is missing: adding nodejs and npm to the apt packages"
  wanted+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  say "npm is missing: adding npm to the apt packages"
  wanted+=(npm)
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
if ! command -v cargo >/dev/null 2>&1; then
  # rustfmt and clippy are not in the minimal profile; 'make lint' and 'make test' need them.
  say "cargo is missing: installing Rust with rustup (https://rustup.rs)"
  if curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
    sh -s -- -y --profile minimal -c rustfmt -c clippy; then
    # shellcheck source=/dev/null
    source "$HOME/.cargo/env"
  else
    say "rustup could not be installed"
  fi
fi
command -v cargo >/dev/null 2>&1 ||
  die "cargo not found: install Rust >= $RUST_MIN (https://rustup.rs) and put ~/.cargo/bin on PATH, \
then run 'make setup' again"
command -v rustc >/dev/null 2>&1 || die "cargo is there but rustc is not: reinstall Rust >= $RUST_MIN"
rust_version="$(rustc --version | awk '{print $2}')"
version_ge "${rust_version%%-*}" "$RUST_MIN" ||
  die "rustc $rust_version is too old: Faultline needs Rust >= $RUST_MIN; \
run 'rustup update' (or install a newer Rust from https://rustup.rs) and run 'make setup' again"
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  if command -v rustup >/dev/null 2>&1; then
    say "adding the rustfmt and clippy components (rustup component add rustfmt clippy)"
    rustup component add rustfmt clippy ||
      say "warning: could not add rustfmt and clippy ('make lint' and 'make test' need both)"
  else
    say "warning: rustfmt or clippy is missing ('make lint' and 'make test' need both)"
  fi
fi
say "rust: $(cargo --version)"

# --- Node -------------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is still missing after installing nodejs"
command -v npm >/dev/null 2>&1 || die "npm not found: install npm (apt-get install npm) or Node.js from nodejs.org"
node_version="$(node -p 'process.versions.node')"
if ! version_ge "$node_version" "$NODE_MIN"; then
  die "node v$node_version is too old: the UI build (Vite 6, Vitest 3) needs Node >= $NODE_MIN \
(18.19+, 20 or 22+). Debian 12's and Ubuntu 24.04's 'nodejs' package is new enough; elsewhere \
(e.g. Ubuntu 22.04, whose 'nodejs' is 12) install Node 20 or 22 from NodeSource \
(https://github.com/nodesource/distributions) or with nvm, put it first on PATH and run 'make setup' again"
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

# --- cargo-deny (supply-chain check in `make test`: licences, bans, sources) ------------------
CARGO_DENY_VERSION=0.20.2
if cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
  say "cargo-deny: present"
else
  say "installing cargo-deny $CARGO_DENY_VERSION (cargo install cargo-deny --locked, a few minutes)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
fi

say "done"
