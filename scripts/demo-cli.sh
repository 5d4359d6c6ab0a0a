#!/usr/bin/env bash
# Shows the demo plant through the `faultline` CLI (used by `make demo` when there is no display).
#
# The walkthrough, step by step (DIR is the demo data directory, default target/demo-data):
#   faultline --data-dir DIR status
#   faultline --data-dir DIR assets --query drive --limit 8
#   faultline --data-dir DIR history VFD-402 --limit 5
#   faultline --data-dir DIR procedure JP-VX-OC1
#   faultline --data-dir DIR log-breakdown --asset VFD-402 --code OC1 --symptom "..." --author "..."
#   faultline --data-dir DIR note <work order id> "..." --author "..."
#   faultline --data-dir DIR back-in-service <work order id>
#   faultline --data-dir DIR shift-report --hours 12
set -euo pipefail

cd "$(dirname "$0")/.."
DATA_DIR="${1:-target/demo-data}"
FAULTLINE="${FAULTLINE_BIN:-target/release/faultline}"
AUTHOR="${FAULTLINE_USER:-Demo Technician}"

if [[ ! -x "$FAULTLINE" ]]; then
  echo "error: $FAULTLINE not found; run 'make build' first" >&2
  exit 1
fi

fl() {
  echo
  echo "\$ faultline $*"
  "$FAULTLINE" --data-dir "$DATA_DIR" "$@"
}

echo "== Faultline demo (CLI) on $DATA_DIR =="
fl status
fl assets --query drive --limit 8
fl history VFD-402 --limit 5

echo
echo "== The job plan the technician follows for an OC1 trip on a VX-300 =="
fl procedure JP-VX-OC1

echo
echo "== A drive on the pallet conveyor trips with OC1: log the breakdown =="
echo "\$ faultline log-breakdown --asset VFD-402 --code OC1 ..."
breakdown="$("$FAULTLINE" --data-dir "$DATA_DIR" log-breakdown --asset VFD-402 --code OC1 \
  --symptom "Drive trips on overcurrent when a heavy pallet starts moving" --author "$AUTHOR")"
echo "$breakdown"
work_order="$(sed -n 's/^id: //p' <<<"$breakdown" | head -n 1)"
if [[ -z "$work_order" ]]; then
  echo "error: could not read the new work order's id from the output above" >&2
  exit 1
fi

fl note "$work_order" "Acceleration ramp was 0.5 s; set it back to 2.0 s as per the manual." --author "$AUTHOR"
fl back-in-service "$work_order"
fl shift-report --hours 12

echo
echo "== Demo done. Open the same data in the app: FAULTLINE_DATA_DIR=$DATA_DIR target/release/faultline-app =="
