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
execs=()
walls=()
for i in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N)
  log=$("$BIN/motcua-kiosk" --data "$WORK/kiosk" --headless --tour "$WORK/start.tour" --log info 2>&1 >/dev/null)
  t1=$(date +%s%N)
  line=$(printf '%s\n' "$log" | grep 'first frame with the catalog after' | head -n1)
  ms=$(printf '%s\n' "$line" | sed -n 's/.*first frame with the catalog after \([0-9]*\) ms.*/\1/p')
  # The log line's own time stamp: exec → first frame, including loading the
  # program and its libraries (before the App's clock starts).
  at=$(date -d "$(printf '%s\n' "$line" | cut -d' ' -f1)" +%s%3N)
  times+=("$ms")
  execs+=("$(( at - t0 / 1000000 ))")
  walls+=("$(( (t1 - t0) / 1000000 ))")
done
summary() { sort -n | awk '{a[NR]=$1} END {printf "min %d  median %d  max %d", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "  in-process (App start → first frame with the catalog): $(printf '%s\n' "${times[@]}" | summary)"
echo "  exec → first frame with the catalog:                    $(printf '%s\n' "${execs[@]}" | summary)"
echo "  whole process (exec → first frame → clean exit):        $(printf '%s\n' "${walls[@]}" | summary)"

# 2. Idle CPU on the home screen.
"$BIN/motcua-kiosk" --data "$WORK/kiosk" --headless --log warn > /dev/null 2>&1 &
KPID=$!
# Let start-up finish (at 50,000 services the first sync and background
# loading take seconds): wait until the process has used no CPU for 3 s.
ticks() { awk '{print $14 + $15}' /proc/$KPID/stat; }
last=$(ticks); still=0
for _ in $(seq 1 90); do
  sleep 1
  now=$(ticks)
  if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; fi
  last=$now
  [ "$still" -ge 3 ] && break
done
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$KPID/stat)
sleep "$IDLE"
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$KPID/stat)
kill $KPID; wait $KPID 2>/dev/null || true
TCK=$(getconf CLK_TCK)
awk -v d=$(( (u1 - u0) + (s1 - s0) )) -v t="$TCK" -v s="$IDLE" \
  'BEGIN {printf "idle CPU on the home screen: %d ticks in %d s = %.3f%% of one core\n", d, s, 100.0 * d / t / s}'

# 3. Frame cost and memory while a citizen browses and searches: a tour opens
#    the catalog, scrolls its lists, opens a field, searches keystroke by
#    keystroke and reads a service. The kiosk records the CPU time of building
#    each frame (ImGui: layout and draw lists; the software rasteriser's pixel
#    work is excluded, as on a kiosk it is the GPU's) with --frame-stats, and
#    the script samples the process's peak resident memory (VmHWM).
cat > "$WORK/browse.tour" <<'TOUR'
expect "Địa chỉ" 30s
tap "Tìm hiểu thủ tục"
expect "Danh mục thủ tục hành chính"
tap "Tư pháp"
tap "Hộ tịch"
fling "Cấp" -1500
wait 1500
fling "Cấp" 1500
wait 1500
tap "Tìm thủ tục"
type "cap giay phep xay dung"
expect "Tìm thấy"
type " cho ho gia dinh"
tap "Xong"
wait 500
TOUR
"$BIN/motcua-kiosk" --data "$WORK/kiosk" --headless --tour "$WORK/browse.tour" --frame-stats "$WORK/frames.csv" \
  --log warn > "$WORK/browse.log" 2>&1 &
KPID=$!
peak=0
while kill -0 "$KPID" 2>/dev/null; do
  hwm=$(awk '/^VmHWM:/ {print $2}' /proc/$KPID/status 2>/dev/null || true)
  [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
  sleep 0.1
done
wait "$KPID" || { echo "browse tour failed:"; cat "$WORK/browse.log"; exit 1; }
echo "frame CPU time (µs, ImGui without rasterising), by screen:"
python3 - "$WORK/frames.csv" <<'PY'
import sys, collections
by = collections.defaultdict(list)      # whole frame
draw = collections.defaultdict(list)    # without the catalog search run in it (a figure of its own)
searches = 0
for line in open(sys.argv[1]):
    screen, us, search = line.strip().split(",")
    by[screen].append(float(us))
    draw[screen].append(max(0.0, float(us) - float(search)))
    searches += float(search) > 0
def pct(v, p):
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
for screen in sorted(by):
    v, d = sorted(by[screen]), sorted(draw[screen])
    print(f"  {screen:9s} {len(v):4d} frames  p50 {pct(v, .5):6.0f}  p99 {pct(v, .99):6.0f}  max {v[-1]:6.0f}"
          f"   without search: p50 {pct(d, .5):6.0f}  p99 {pct(d, .99):6.0f}  max {d[-1]:6.0f}")
print(f"  ({searches} frames ran a search)")
PY
echo "peak resident memory (VmHWM) during the browse tour: $((peak / 1024)) MB"
