#!/usr/bin/env bash
# Shows the demo plant through the `faultline` CLI (used by `make demo` when there is no display).
#
# Usage: scripts/demo-cli.sh [DATA_DIR]   (default target/demo-data, loaded by `make demo` or
#        `faultline --data-dir DATA_DIR demo-load`)
#
# The walkthrough, step by step (every command is echoed, shell-quoted, before it runs):
#   status, assets, history VFD-402, procedure JP-VX-OC1 (the job plan for an OC1 trip),
#   log-breakdown on VFD-402, a note, back-in-service, close with failure codes from the catalogue,
#   the manual library (the demo's own VX-300, NSC and KM-600 manuals) and a search for OC1 in it,
#   the shift report, and sync with a hub.
#
# Sync: with FAULTLINE_DEMO_DATABASE_URL (a PostgreSQL database the demo may write to) and the
# hub built (target/release/faultline-hub), a local hub is started on a free port with the demo
# plant loaded for site PLANT1, this laptop is enrolled and synced, and the hub is stopped again.
# Without them, the script says how.
set -euo pipefail

cd "$(dirname "$0")/.."
DATA_DIR="${1:-target/demo-data}"
FAULTLINE="${FAULTLINE_BIN:-target/release/faultline}"
HUB="${FAULTLINE_HUB_BIN:-target/release/faultline-hub}"
AUTHOR="${FAULTLINE_USER:-Demo Technician}"
DATABASE_URL="${FAULTLINE_DEMO_DATABASE_URL:-}"

if [[ ! -x "$FAULTLINE" ]]; then
  echo "error: $FAULTLINE not found; run 'make build' first" >&2
  exit 1
fi

# The command as it could be typed again: each argument shell-quoted.
show() {
  local line="\$ $1"
  shift
  line+="$(printf ' %q' "$@")"
  echo
  echo "$line"
}

fl() {
  show faultline "$@"
  "$FAULTLINE" --data-dir "$DATA_DIR" "$@"
}

no_demo() {
  {
    echo "error: no demo plant in $DATA_DIR (VFD-402 is not there)."
    echo "Load it first: run 'make demo', or: $(printf '%q ' "$FAULTLINE" --data-dir "$DATA_DIR" demo-load)"
  } >&2
  exit 1
}

# A folder without the demo would only end in "no asset matches": say what to do instead.
[[ -d "$DATA_DIR" ]] || no_demo
"$FAULTLINE" --data-dir "$DATA_DIR" history VFD-402 --limit 1 >/dev/null 2>&1 || no_demo

echo "== Faultline demo (CLI) on $DATA_DIR =="
fl status
fl assets --query drive --limit 8
fl history VFD-402 --limit 5

echo
echo "== The job plan the technician follows for an OC1 trip on a VX-300 =="
fl procedure JP-VX-OC1

echo
echo "== A drive on the pallet conveyor trips with OC1: log the breakdown =="
symptom="Drive trips on overcurrent when a heavy pallet starts moving"
show faultline log-breakdown --asset VFD-402 --code OC1 --symptom "$symptom" --author "$AUTHOR"
breakdown="$("$FAULTLINE" --data-dir "$DATA_DIR" log-breakdown --asset VFD-402 --code OC1 \
  --symptom "$symptom" --author "$AUTHOR")"
echo "$breakdown"
work_order="$(sed -n 's/^id: //p' <<<"$breakdown" | head -n 1)"
if [[ -z "$work_order" ]]; then
  echo "error: could not read the new work order's id from the output above" >&2
  exit 1
fi

fl note "$work_order" "Acceleration ramp was 0.5 s; set it back to 2.0 s as per the manual." --author "$AUTHOR"
fl back-in-service "$work_order"

echo
echo "== Close it with failure codes from the catalogue (class > problem > cause > remedy) =="
fl close "$work_order" --class VFD --problem OVERCURR --cause ACCLOAD --remedy ADJACC \
  --fixed "Accel ramp P1.03 back to 2.0 s; runs with a full pallet" --author "$AUTHOR"

echo
echo "== The OEM manual library and a search in it =="
fl manuals list
manuals="$("$FAULTLINE" --data-dir "$DATA_DIR" --json manuals list 2>/dev/null || echo '[]')"
if [[ "$(tr -d '[:space:]' <<<"$manuals")" == "[]" ]]; then
  echo "(No manuals in $DATA_DIR: it was loaded before the demo had its manuals. Load the demo"
  echo " again to add them: $(printf '%q ' "$FAULTLINE" --data-dir "$DATA_DIR" demo-load))"
fi
echo "(The demo's manuals are written by the project itself: assets/demo/generate_manuals.py."
echo " Add the manufacturers' PDFs of your own machines, a file or a whole folder:"
echo "   $(printf '%q ' faultline --data-dir "$DATA_DIR" manuals add ~/manuals --manufacturer "Vantor Drives" --model VX-300))"
echo
echo "== The drive shows OC1: what does the manual say? (the fault code as the display shows it"
echo "   works too: E.oC.1) =="
fl search OC1 --asset VFD-402 --limit 3
fl search "overcurrent during acceleration" --asset VFD-402 --limit 3

fl shift-report --hours 12

echo
echo "== Sync with the plant's hub =="
if [[ -n "$DATABASE_URL" && -x "$HUB" ]]; then
  hub_admin() {
    show faultline-hub --database-url "<FAULTLINE_DEMO_DATABASE_URL>" "$@"
    "$HUB" --database-url "$DATABASE_URL" "$@"
  }
  hub_admin site add PLANT1 "Riverside Components"
  for name in assets failure_codes procedures work_orders; do
    hub_admin load --site PLANT1 --mapping "assets/demo/$name.toml" "assets/demo/$name.csv"
  done
  device="demo-laptop-$(date +%s)"
  show faultline-hub --database-url "<FAULTLINE_DEMO_DATABASE_URL>" device enroll --site PLANT1 --name "$device" --json
  token="$("$HUB" --database-url "$DATABASE_URL" device enroll --site PLANT1 --name "$device" --json |
    sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')"
  if [[ -z "$token" ]]; then
    echo "error: the hub printed no device token" >&2
    exit 1
  fi
  echo "(token issued for $device; shown once, kept by the laptop)"

  hub_log="$(mktemp)"
  show faultline-hub --database-url "<FAULTLINE_DEMO_DATABASE_URL>" serve --listen 127.0.0.1:0
  "$HUB" --database-url "$DATABASE_URL" serve --listen 127.0.0.1:0 >"$hub_log" 2>/dev/null &
  hub_pid=$!
  trap 'kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; rm -f "$hub_log"' EXIT
  addr=""
  for _ in $(seq 1 100); do
    addr="$(sed -n 's/^listening on //p' "$hub_log" | head -n 1)"
    [[ -n "$addr" ]] && break
    kill -0 "$hub_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$addr" ]]; then
    echo "error: the hub did not start (check FAULTLINE_DEMO_DATABASE_URL)" >&2
    exit 1
  fi
  echo "listening on $addr"
  show faultline sync --hub "http://$addr" --token "<token>"
  "$FAULTLINE" --data-dir "$DATA_DIR" sync --hub "http://$addr" --token "$token"
  fl sync --status
else
  fl sync --status
  echo "(No hub for this demo. To see the sync too: start PostgreSQL (e.g. 'scripts/pg.sh start'),"
  echo " build the hub ('cargo build --release -p faultline-hub') and run again with"
  echo "   FAULTLINE_DEMO_DATABASE_URL=postgres://USER@HOST:PORT/DB bash scripts/demo-cli.sh $(printf '%q' "$DATA_DIR")"
  echo " The script then starts a local hub with the demo plant, enrolls this laptop and syncs.)"
fi

echo
echo "== Demo done. Open the same data in the app: $(printf '%q' "FAULTLINE_DATA_DIR=$DATA_DIR") target/release/faultline-app =="
