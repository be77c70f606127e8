#!/usr/bin/env bash
# UI test: replays a tour in the real kiosk, headless, against a real hub process.
# usage: run_tour.sh BIN_DIR TOUR_FILE SHOTS_DIR
set -euo pipefail
BIN=$1
TOUR=$2
SHOTS=$3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/motcua-tour-XXXXXX")
HUB_PID=
cleanup() {
  [ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null
  [ -z "${MOTCUA_KEEP_TEST_DIRS:-}" ] && rm -rf "$WORK"
  return 0
}
trap cleanup EXIT

"$BIN/motcua-hub" init --data "$WORK/hub" --demo > /dev/null
"$BIN/motcua-hub" serve --data "$WORK/hub" --listen 127.0.0.1:0 > "$WORK/hub.log" 2>&1 &
HUB_PID=$!
for _ in $(seq 1 400); do
  [ -s "$WORK/hub/hub-url" ] && break
  kill -0 "$HUB_PID" 2>/dev/null || { cat "$WORK/hub.log"; exit 1; }
  sleep 0.05
done
URL=$(head -n1 "$WORK/hub/hub-url")
"$BIN/motcua-hub" kiosk-bundle --data "$WORK/hub" --id KIOSK-TOUR --hub "$URL" --out "$WORK/kiosk" > /dev/null
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
"$BIN/motcua-kiosk" --data "$WORK/kiosk" --scanner test --headless --tour "$TOUR" --shots "$SHOTS"

# The dossier submitted in the tour is on the hub exactly once, sealed.
COUNT=$("$BIN/motcua-admin" --hub "$URL" --ca "$WORK/hub/ca.pem" --token-file "$WORK/hub/admin-token" dossier list --json \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
EXPECTED=${EXPECT_DOSSIERS:-1}
echo "dossiers on the hub: $COUNT (expected $EXPECTED)"
if [ "$COUNT" -ne "$EXPECTED" ]; then echo "the tour's dossiers must be on the hub exactly once"; exit 1; fi
