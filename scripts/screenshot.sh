#!/usr/bin/env bash
# Takes docs/screenshot.png: runs the app on target/demo-data under Xvfb and grabs the screen.
set -euo pipefail

cd "$(dirname "$0")/.."
DATA_DIR="${1:-target/demo-data}"
OUT="${2:-docs/screenshot.png}"
APP="${FAULTLINE_APP_BIN:-target/release/faultline-app}"
WAIT_SECONDS="${SCREENSHOT_WAIT:-3}"

[[ -x "$APP" ]] || { echo "error: $APP not found; run 'make build' (or 'make demo') first" >&2; exit 1; }
[[ -d "$DATA_DIR" ]] || { echo "error: $DATA_DIR not found; run 'make demo' first" >&2; exit 1; }
command -v import >/dev/null 2>&1 || { echo "error: 'import' missing: apt-get install imagemagick" >&2; exit 1; }
command -v xvfb-run >/dev/null 2>&1 || { echo "error: xvfb-run missing: run 'make setup'" >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
export DATA_DIR OUT APP WAIT_SECONDS
# Inside the virtual display: start the app, wait, grab the screen, stop the app.
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  FAULTLINE_DATA_DIR="$DATA_DIR" "$APP" &
  app_pid=$!
  sleep "$WAIT_SECONDS"
  import -window root "$OUT"
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
'
echo "wrote $OUT"
