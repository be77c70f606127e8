#!/usr/bin/env bash
# make demo: a hub on its embedded SQLite with the demo catalog, and one kiosk
# enrolled to it. With a display the kiosk opens in a window (portrait 1080×1920
# scaled to fit); without one the demo tour is replayed headless and the
# screenshots' location is printed.
set -euo pipefail
BIN=${1:-build/bin}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${MOTCUA_DEMO_DATA:-$ROOT/demo-data}
HUB_DIR=$DATA/hub
KIOSK_DIR=$DATA/kiosk
SHOTS=$DATA/shots

mkdir -p "$DATA"
if [ ! -f "$HUB_DIR/hub.db" ]; then
  "$BIN/motcua-hub" init --data "$HUB_DIR" --demo
fi

HUB_PID=
trap '[ -n "$HUB_PID" ] && { kill $HUB_PID 2>/dev/null || true; wait $HUB_PID 2>/dev/null || true; }' EXIT
start_hub() {
  rm -f "$HUB_DIR/hub-url"
  "$BIN/motcua-hub" serve --data "$HUB_DIR" --listen 127.0.0.1:0 > "$DATA/hub.log" 2>&1 &
  HUB_PID=$!
  for _ in $(seq 1 200); do
    [ -s "$HUB_DIR/hub-url" ] && return 0
    kill -0 $HUB_PID 2>/dev/null || { wait $HUB_PID 2>/dev/null || true; HUB_PID=; return 1; }
    sleep 0.05
  done
  return 1
}
if ! start_hub; then
  # Demo data left by an older version of the hub (a file it now needs is
  # missing, say): it is throw-away, so start it afresh once.
  echo "the demo hub in $HUB_DIR does not start:"
  sed 's/^/  /' "$DATA/hub.log"
  echo "creating the demo data again"
  rm -rf "$HUB_DIR" "$KIOSK_DIR"
  "$BIN/motcua-hub" init --data "$HUB_DIR" --demo
  start_hub || { echo "hub failed to start:"; cat "$DATA/hub.log"; exit 1; }
fi
HUB_URL=$(head -n1 "$HUB_DIR/hub-url")
echo "hub: $HUB_URL (log: $DATA/hub.log)"

# A fresh kiosk bundle each run: the hub's port changes between runs.
"$BIN/motcua-hub" kiosk-bundle --data "$HUB_DIR" --id KIOSK-DEMO --hub "$HUB_URL" --out "$KIOSK_DIR" > /dev/null

echo "admin:  $BIN/motcua-admin --hub $HUB_URL --ca $HUB_DIR/ca.pem --token-file $HUB_DIR/admin-token dossier list"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${MOTCUA_HEADLESS:-}" ]; then
  "$BIN/motcua-kiosk" --data "$KIOSK_DIR" --scanner test --size 720x1280
else
  rm -rf "$SHOTS"
  mkdir -p "$SHOTS"
  "$BIN/motcua-kiosk" --data "$KIOSK_DIR" --scanner test --headless \
    --tour "$ROOT/assets/tours/demo.tour" --shots "$SHOTS"
  echo
  echo "No display: replayed the demo tour headless."
  echo "Screenshots: $SHOTS"
  ls "$SHOTS"
  echo
  "$BIN/motcua-admin" --hub "$HUB_URL" --ca "$HUB_DIR/ca.pem" --token-file "$HUB_DIR/admin-token" dossier list
fi
