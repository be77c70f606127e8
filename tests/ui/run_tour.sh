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
#   --kiosk-tmpfs SIZE   the kiosk's data directory on a tmpfs of SIZE (needs root or
#                        CAP_SYS_ADMIN; without, the test is skipped: exit 77)
# While the main tour runs (each NAME a `shot NAME` of the main tour; the tour waits
# in that step until the action is done — the shot file is a FIFO the harness drains):
#   --at-shot NAME kill       kill -9 the kiosk there
#   --at-shot NAME fill-disk  fill the kiosk's tmpfs (--kiosk-tmpfs) to the last byte
#   --at-shot NAME free-disk  free it again
#   --at-shot NAME outbox:N   check the outbox there, as --outbox N does
#                             (several actions: comma-separated, in order)
#   --then TOUR          after the main tour (or its kill), start the kiosk again on the
#                        same data and replay TOUR
# Checks after the main tour:
#   --outbox N           the kiosk's outbox (kiosk.db) holds exactly N dossiers and its
#                        directory nothing else (no half-written dossier)
#   --dossiers N         exactly N dossiers are on the hub (a stopped hub is started again)
#   --said TEXT          the read-aloud said TEXT (the kiosk writes speech to WAV files)
# KIOSK_ARGs go to the main tour's kiosk only (--size 1920x1080, --large-text,
# --lang en, --fixed-time …). $MOTCUA_KEEP_TEST_DIRS=1 keeps the work directory.
set -euo pipefail

STEPS=()
DOSSIERS=
SAID=()
TMPFS=
AT_SHOTS=()
THEN=
OUTBOX=
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare|--act|--camera-text) STEPS+=("$1" "$2"); shift 2 ;;
    --stop-hub|--camera-receipt|--print-thermal) STEPS+=("$1"); shift ;;
    --dossiers) DOSSIERS=$2; shift 2 ;;
    --said) SAID+=("$2"); shift 2 ;;
    --kiosk-tmpfs) TMPFS=$2; shift 2 ;;
    --at-shot) AT_SHOTS+=("$2" "$3"); shift 3 ;;
    --then) THEN=$2; shift 2 ;;
    --outbox) OUTBOX=$2; shift 2 ;;
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
KIOSK_PID=
cleanup() {
  if [ -n "$KIOSK_PID" ]; then kill -9 "$KIOSK_PID" 2>/dev/null || true; wait "$KIOSK_PID" 2>/dev/null || true; fi
  if [ -n "$HUB_PID" ]; then kill "$HUB_PID" 2>/dev/null || true; wait "$HUB_PID" 2>/dev/null || true; fi
  if [ -n "$TMPFS" ] && mountpoint -q "$WORK/kiosk"; then umount "$WORK/kiosk" || true; fi
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

if [ -n "$TMPFS" ]; then
  mkdir -p "$WORK/kiosk"
  if ! mount -t tmpfs -o "size=$TMPFS,mode=0700" motcua-tour "$WORK/kiosk" 2> "$WORK/mount.err"; then
    echo "skipped: cannot mount a tmpfs for the kiosk (needs root or CAP_SYS_ADMIN): $(cat "$WORK/mount.err")"
    exit 77
  fi
fi
# A gate on a `shot NAME` of the main tour: the shot file is a FIFO with a
# 4 KiB buffer, so the kiosk stays in that step, writing the picture, until
# the gate drains it. It prints "ready" once the kiosk is writing, then waits
# for a line on stdin before draining the picture into NAME.gate.png.
GATE_PY='
import fcntl, os, select, sys, time
fifo, pid = sys.argv[1], sys.argv[2]
fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
try:
    fcntl.fcntl(fd, 1031, 4096)  # F_SETPIPE_SZ
except OSError:
    pass
def alive():
    try:
        with open("/proc/%s/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False
poll = select.poll()
poll.register(fd, select.POLLIN)
deadline = time.monotonic() + 120
while not poll.poll(50):
    if not alive():
        print("gone", flush=True); sys.exit(1)
    if time.monotonic() > deadline:
        print("timeout", flush=True); sys.exit(1)
print("ready", flush=True)
sys.stdin.readline()
os.set_blocking(fd, True)
with open(sys.argv[3], "wb") as picture:
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        picture.write(chunk)
'
fill_disk() {
  # Large blocks, then small ones, up to the last byte the tmpfs has.
  dd if=/dev/zero of="$WORK/kiosk/filler-1" bs=1M status=none 2> /dev/null || true
  dd if=/dev/zero of="$WORK/kiosk/filler-2" bs=4k status=none 2> /dev/null || true
  dd if=/dev/zero of="$WORK/kiosk/filler-3" bs=512 status=none 2> /dev/null || true
  echo "disk filled: $(df --output=avail -B1 "$WORK/kiosk" | tail -n1 | tr -d ' ') bytes free"
}
free_disk() {
  rm -f "$WORK/kiosk"/filler-*
  echo "disk freed: $(df --output=avail -B1 "$WORK/kiosk" | tail -n1 | tr -d ' ') bytes free"
}
run_gated_tour() {
  local i a name action line rc=0 killed=
  for ((i = 0; i < ${#AT_SHOTS[@]}; i += 2)); do mkfifo "$SHOTS/${AT_SHOTS[i]}.png"; done
  # exec: $! is the kiosk itself, not a subshell around it (kill -9 hits the kiosk).
  (exec "$BIN/motcua-kiosk" --data "$WORK/kiosk" --scanner test --headless --tour-vars "$WORK/vars" \
     --tour "$TOUR" --shots "$SHOTS" "${EXTRA[@]+"${EXTRA[@]}"}" "${KIOSK_ARGS[@]+"${KIOSK_ARGS[@]}"}") &
  KIOSK_PID=$!
  for ((i = 0; i < ${#AT_SHOTS[@]}; i += 2)); do
    name=${AT_SHOTS[i]}
    action=${AT_SHOTS[i + 1]}
    coproc GATE { python3 -c "$GATE_PY" "$SHOTS/$name.png" "$KIOSK_PID" "$SHOTS/$name.gate.png"; }
    line=
    read -r line <&"${GATE[0]}" || true
    if [ "$line" != ready ]; then
      echo "the tour did not reach shot $name ($line)"
      wait "$KIOSK_PID" || true
      KIOSK_PID=
      exit 1
    fi
    echo "at shot $name: $action"
    for a in ${action//,/ }; do
      case "$a" in
        kill) kill -9 "$KIOSK_PID"; killed=1 ;;
        fill-disk) fill_disk ;;
        free-disk) free_disk ;;
        outbox:*) check_outbox "${a#outbox:}" ;;
        *) echo "run_tour.sh: unknown --at-shot action $a"; exit 2 ;;
      esac
    done
    echo go >&"${GATE[1]}"
    wait "$GATE_PID" || true
    [ -z "$killed" ] || break
  done
  wait "$KIOSK_PID" || rc=$?
  KIOSK_PID=
  if [ -n "$killed" ]; then
    [ "$rc" -eq 137 ] || { echo "the kiosk was to die by SIGKILL, it ended with $rc"; exit 1; }
    echo "the kiosk was killed (SIGKILL)"
  elif [ "$rc" -ne 0 ]; then
    exit "$rc"
  fi
}
check_outbox() {
  local db="$WORK/kiosk/kiosk.db" rows ids d stray=0
  rows=$(sqlite3 "$db" "SELECT count(*) FROM outbox")
  ids=$(sqlite3 "$db" "SELECT client_id FROM outbox")
  echo "outbox: $rows dossier(s) (expected $1)"
  if [ -d "$WORK/kiosk/outbox" ]; then
    for d in "$WORK/kiosk/outbox"/* "$WORK/kiosk/outbox"/.[!.]*; do
      [ -e "$d" ] || continue
      if [ ! -d "$d" ] || ! grep -qxF "$(basename "$d")" <<< "$ids"; then
        echo "left in the outbox directory: $d"; stray=1
      fi
    done
  fi
  [ "$rows" -eq "$1" ] && [ "$stray" -eq 0 ] || { echo "the outbox must hold exactly the queued dossiers"; exit 1; }
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

if [ ${#AT_SHOTS[@]} -eq 0 ]; then
  kiosk --tour "$TOUR" --shots "$SHOTS" "${EXTRA[@]+"${EXTRA[@]}"}" "${KIOSK_ARGS[@]+"${KIOSK_ARGS[@]}"}"
else
  run_gated_tour
fi
if [ -n "$THEN" ]; then
  echo "then: $(basename "$THEN") on the same kiosk"
  kiosk --tour "$THEN" --shots "$SHOTS/then" "${KIOSK_ARGS[@]+"${KIOSK_ARGS[@]}"}"
fi

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

[ -z "$OUTBOX" ] || check_outbox "$OUTBOX"

# The dossiers submitted in the tours are on the hub exactly once, sealed.
if [ -n "$DOSSIERS" ]; then
  [ -n "$HUB_PID" ] || start_hub "$HUB_ADDR"
  COUNT=$(admin dossier list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  echo "dossiers on the hub: $COUNT (expected $DOSSIERS)"
  if [ "$COUNT" -ne "$DOSSIERS" ]; then echo "the tour's dossiers must be on the hub exactly once"; exit 1; fi
fi
