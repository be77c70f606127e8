#!/usr/bin/env bash
# Kiosk figures for docs/performance.md, measured on the real binary:
#   1. cold start: process start → first frame showing the catalog (demo catalog,
#      replica already synced), wall clock, N runs;
#   2. idle CPU on the home screen: CPU time the process uses while nobody touches it.
# usage: tests/bench/kiosk_figures.sh [BIN_DIR] [RUNS] [IDLE_SECONDS] [SERVICES]
#   SERVICES > 0 imports a generated catalog of that many services first.
set -euo pipefail
BIN=${1:-build/bin}
RUNS=${2:-10}
IDLE=${3:-20}
SERVICES=${4:-0}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/motcua-figures-XXXXXX")
HUB_PID=
cleanup() { [ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN/motcua-hub" init --data "$WORK/hub" --demo > /dev/null
if [ "$SERVICES" -gt 0 ]; then
  "$BIN/motcua-hub" gen-catalog --services "$SERVICES" --out "$WORK/gen.json" > /dev/null
  "$BIN/motcua-hub" init --data "$WORK/hub" --catalog "$WORK/gen.json" > /dev/null
fi
"$BIN/motcua-hub" serve --data "$WORK/hub" --listen 127.0.0.1:0 > "$WORK/hub.log" 2>&1 &
HUB_PID=$!
for _ in $(seq 1 400); do [ -s "$WORK/hub/hub-url" ] && break; sleep 0.05; done
URL=$(head -n1 "$WORK/hub/hub-url")
"$BIN/motcua-hub" kiosk-bundle --data "$WORK/hub" --id KIOSK-BENCH --hub "$URL" --out "$WORK/kiosk" > /dev/null

# Sync the replica once (not part of a cold start).
printf 'wait-sync 120s\n' > "$WORK/sync.tour"
"$BIN/motcua-kiosk" --data "$WORK/kiosk" --headless --tour "$WORK/sync.tour" --log warn > /dev/null 2>&1

# 1. Cold start: the tour ends as soon as the home screen shows the office from the catalog.
printf 'expect "Địa chỉ" 30s\n' > "$WORK/start.tour"
echo "cold start to first frame (ms), $RUNS runs:"
times=()
walls=()
for i in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N)
  log=$("$BIN/motcua-kiosk" --data "$WORK/kiosk" --headless --tour "$WORK/start.tour" --log info 2>&1 >/dev/null)
  t1=$(date +%s%N)
  ms=$(printf '%s\n' "$log" | sed -n 's/.*first frame with the catalog after \([0-9]*\) ms.*/\1/p' | head -n1)
  times+=("$ms")
  walls+=("$(( (t1 - t0) / 1000000 ))")
done
summary() { sort -n | awk '{a[NR]=$1} END {printf "min %d  median %d  max %d", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "  in-process (App start → first frame with the catalog): $(printf '%s\n' "${times[@]}" | summary)"
echo "  whole process (exec → first frame → clean exit):        $(printf '%s\n' "${walls[@]}" | summary)"

# 2. Idle CPU on the home screen.
"$BIN/motcua-kiosk" --data "$WORK/kiosk" --headless --log warn > /dev/null 2>&1 &
KPID=$!
sleep 3   # let start-up finish; only the idle period is measured
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$KPID/stat)
sleep "$IDLE"
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$KPID/stat)
kill $KPID; wait $KPID 2>/dev/null || true
TCK=$(getconf CLK_TCK)
awk -v d=$(( (u1 - u0) + (s1 - s0) )) -v t="$TCK" -v s="$IDLE" \
  'BEGIN {printf "idle CPU on the home screen: %d ticks in %d s = %.3f%% of one core\n", d, s, 100.0 * d / t / s}'
