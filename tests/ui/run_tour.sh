#!/usr/bin/env bash
# UI test: replays a tour in the real kiosk, headless, against a real hub
# process of its own (docs/testing.md, docs/tour-format.md).
#
# usage: run_tour.sh [STEP]... BIN_DIR TOUR_FILE SHOTS_DIR [KIOSK_ARG]...
#
# Steps run in the order given, before TOUR_FILE, on the same kiosk and hub:
#   --prepare TOUR       replay TOUR first (e.g. tests/ui/tours/prepare-dossier.tour);
#                        the values it publishes (code, secret) stay available
#   --act ACTION[:NOTE]  a lifecycle action on the dossier the last tour published
#                        (motcua-admin dossier act), then the hub's figures are refreshed
#   --stop-hub           stop the hub: the main tour runs with the hub unreachable
#   --camera-receipt     the kiosk's camera sees the published receipt's QR code
#   --camera-text TEXT   the kiosk's camera sees a QR code that is not a receipt
#   --print-thermal      kiosk.toml [printer] thermal = a file in the work directory
#                        (the receipt printer); after the main tour the file must hold
#                        one whole ESC/POS receipt whose QR code is the published dossier's
# Checks after the main tour:
#   --dossiers N         exactly N dossiers are on the hub (a stopped hub is started again)
#   --said TEXT          the read-aloud said TEXT (the kiosk writes speech to WAV files)
# KIOSK_ARGs go to the main tour's kiosk only (--size 1920x1080, --large-text,
# --lang en, --fixed-time …). $MOTCUA_KEEP_TEST_DIRS=1 keeps the work directory.
set -euo pipefail

STEPS=()
DOSSIERS=
SAID=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare|--act|--camera-text) STEPS+=("$1" "$2"); shift 2 ;;
    --stop-hub|--camera-receipt|--print-thermal) STEPS+=("$1"); shift ;;
    --dossiers) DOSSIERS=$2; shift 2 ;;
    --said) SAID+=("$2"); shift 2 ;;
    --) shift; break ;;
    -*) echo "run_tour.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 3 ] || { echo "usage: run_tour.sh [STEP]... BIN_DIR TOUR_FILE SHOTS_DIR [KIOSK_ARG]..." >&2; exit 2; }
BIN=$1
TOUR=$2
SHOTS=$3
shift 3
KIOSK_ARGS=("$@")
# Backwards compatible: EXPECT_DOSSIERS=N is --dossiers N.
DOSSIERS=${DOSSIERS:-${EXPECT_DOSSIERS:-}}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/motcua-tour-XXXXXX")
HUB_PID=
cleanup() {
  if [ -n "$HUB_PID" ]; then kill "$HUB_PID" 2>/dev/null || true; wait "$HUB_PID" 2>/dev/null || true; fi
  if [ -z "${MOTCUA_KEEP_TEST_DIRS:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
  return 0
}
trap cleanup EXIT

start_hub() {
  rm -f "$WORK/hub/hub-url"
  "$BIN/motcua-hub" serve --data "$WORK/hub" --listen "${1:-127.0.0.1:0}" >> "$WORK/hub.log" 2>&1 &
  HUB_PID=$!
  for _ in $(seq 1 400); do
    [ -s "$WORK/hub/hub-url" ] && return 0
    kill -0 "$HUB_PID" 2>/dev/null || { cat "$WORK/hub.log"; exit 1; }
    sleep 0.05
  done
  echo "the hub did not start"; cat "$WORK/hub.log"; exit 1
}
stop_hub() {
  if [ -n "$HUB_PID" ]; then kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; HUB_PID=; fi
}
admin() {
  "$BIN/motcua-admin" --hub "$URL" --ca "$WORK/hub/ca.pem" --token-file "$WORK/hub/admin-token" "$@"
}
var() {  # a value the tours published
  sed -n "s/^$1=//p" "$WORK/vars" 2>/dev/null | head -n1
}
kiosk() {
  "$BIN/motcua-kiosk" --data "$WORK/kiosk" --scanner test --headless --tour-vars "$WORK/vars" "$@"
}

"$BIN/motcua-hub" init --data "$WORK/hub" --demo > /dev/null
start_hub
URL=$(head -n1 "$WORK/hub/hub-url")
HUB_ADDR=${URL#https://}
"$BIN/motcua-hub" kiosk-bundle --data "$WORK/hub" --id KIOSK-TOUR --hub "$URL" --out "$WORK/kiosk" > /dev/null
rm -rf "$SHOTS"
mkdir -p "$SHOTS"

EXTRA=()
PRINTER=
n=0
set -- "${STEPS[@]+"${STEPS[@]}"}"
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare)
      n=$((n + 1))
      echo "prepare: $(basename "$2")"
      kiosk --tour "$2" --shots "$WORK/prepare-$n" --speech-wav "$WORK/prepare-speech"
      shift 2 ;;
    --act)
      ACTION=${2%%:*}
      NOTE=
      [ "$ACTION" != "$2" ] && NOTE=${2#*:}
      CODE=$(var code)
      [ -n "$CODE" ] || { echo "--act $2: no tour published a dossier code"; exit 1; }
      echo "act: $ACTION on $CODE"
      if [ -n "$NOTE" ]; then admin dossier act "$CODE" "$ACTION" --note "$NOTE" > /dev/null
      else admin dossier act "$CODE" "$ACTION" > /dev/null; fi
      admin stats --refresh > /dev/null
      shift 2 ;;
    --stop-hub)
      echo "stop the hub"
      stop_hub
      shift ;;
    --camera-receipt)
      [ -n "$(var code)" ] && [ -n "$(var secret)" ] || { echo "--camera-receipt: no tour published a code and secret"; exit 1; }
      "$BIN/motcua-qr-frame" --receipt "$(var code)" "$(var secret)" "$WORK/receipt-qr.png"
      EXTRA+=(--camera "file:$WORK/receipt-qr.png")
      shift ;;
    --camera-text)
      "$BIN/motcua-qr-frame" --text "$2" "$WORK/foreign-qr.png"
      EXTRA+=(--camera "file:$WORK/foreign-qr.png")
      shift 2 ;;
    --print-thermal)
      # The kiosk opens a printer device without O_CREAT: the "device" exists.
      PRINTER=$WORK/thermal-printer.bin
      : > "$PRINTER"
      printf '\n[printer]\nthermal = "%s"\n' "$PRINTER" >> "$WORK/kiosk/kiosk.toml"
      shift ;;
  esac
done
# Speech goes to WAV files: no sound card needed, and as fast as espeak-ng.
EXTRA+=(--speech-wav "$WORK/speech")

kiosk --tour "$TOUR" --shots "$SHOTS" "${EXTRA[@]+"${EXTRA[@]}"}" "${KIOSK_ARGS[@]+"${KIOSK_ARGS[@]}"}"

# What was read aloud: audio, and the words said.
for words in "${SAID[@]+"${SAID[@]}"}"; do
  ls "$WORK"/speech/speech-*.wav > /dev/null 2>&1 || { echo "the read-aloud produced no audio"; exit 1; }
  WAV=$(ls "$WORK"/speech/speech-*.wav | head -n1)
  # More than a second of 22 kHz 16-bit speech, not an empty file.
  [ "$(stat -c %s "$WAV")" -gt 44100 ] || { echo "$WAV holds less than a second of speech"; exit 1; }
  if ! grep -qF -- "$words" "$WORK"/speech/said-*.txt; then
    echo "the read-aloud did not say \"$words\"; it said:"; cat "$WORK"/speech/said-*.txt; exit 1
  fi
  echo "read aloud: \"$words\""
done

# What went to the receipt printer: one receipt, the published dossier's QR code.
if [ -n "$PRINTER" ]; then
  [ -n "$(var code)" ] && [ -n "$(var secret)" ] || { echo "--print-thermal: no tour published a code and secret"; exit 1; }
  "$BIN/motcua-escpos-read" "$PRINTER" --receipt "$(var code)" "$(var secret)" || {
    echo "the printed receipt is not the dossier's"; exit 1; }
fi

# The dossiers submitted in the tours are on the hub exactly once, sealed.
if [ -n "$DOSSIERS" ]; then
  [ -n "$HUB_PID" ] || start_hub "$HUB_ADDR"
  COUNT=$(admin dossier list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  echo "dossiers on the hub: $COUNT (expected $DOSSIERS)"
  if [ "$COUNT" -ne "$DOSSIERS" ]; then echo "the tour's dossiers must be on the hub exactly once"; exit 1; fi
fi
