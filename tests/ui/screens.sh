#!/usr/bin/env bash
# make screens: screenshots of every screen of the kiosk, in both orientations
# (portrait 1080×1920, landscape 1920×1080), with normal and large text, into
#   docs/screens/<portrait|landscape>-<normal|large>/NN-name.png
# by replaying the UI tests' tours (tests/ui/tours/) headless against a hub of
# their own, with the clock fixed (--fixed-time) and the pictures at half size
# (--shot-scale 0.5). The README shows some of them (docs/testing.md).
#
# usage: tests/ui/screens.sh [BIN_DIR] [OUT_DIR]     (make screens)
#   JOBS=N  tours replayed at once (default 2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "${1:-$ROOT/build/bin}" && pwd)
OUT=${2:-$ROOT/docs/screens}
JOBS=${JOBS:-2}
T=$ROOT/tests/ui/tours
RUN=$ROOT/tests/ui/run_tour.sh
# A weekday morning, office hours: the header clock and the last-sync time.
FIXED=2026-03-05T09:41:00+07:00
SUPPLEMENT="request-supplement:Bản sao Giấy chứng sinh bị mờ, xin nộp lại bản rõ hơn."

# tour | variants (all, or "normal": large text is the tour's own business) | run_tour.sh steps | kiosk args
# The same as the tests' (tests/CMakeLists.txt), so the pictures show what the tests check.
tours() {
  cat <<LIST
home.tour|all|
catalog.tour|all|
search.tour|all|
service.tour|all|--prepare $T/submit.tour --act accept --act process --act finish
agencies.tour|all|
qa.tour|all|
submit.tour|all|
status-code.tour|all|--prepare $T/submit.tour --act accept --act $SUPPLEMENT|--camera /dev/motcua-no-camera
status-camera-other-qr.tour|all|--camera-text https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html
status-offline.tour|all|--prepare $T/submit.tour --act accept --prepare $T/lookup.tour --stop-hub
accessibility.tour|normal|
idle.tour|all|
LIST
}

for tool in motcua-kiosk motcua-hub motcua-admin motcua-qr-frame; do
  [ -x "$BIN/$tool" ] || { echo "screens.sh: $BIN/$tool missing (make build)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/motcua-screens-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
JOBLIST=$WORK/jobs
: > "$JOBLIST"
for orientation in portrait landscape; do
  size=1080x1920
  [ "$orientation" = landscape ] && size=1920x1080
  for text in normal large; do
    variant=$orientation-$text
    while IFS='|' read -r tour which steps kargs; do
      [ "$which" = normal ] && [ "$text" = large ] && continue
      printf '%s|%s|%s|%s|%s|%s\n' "$variant" "$size" "$text" "$tour" "$steps" "$kargs" >> "$JOBLIST"
    done < <(tours)
  done
done

# One tour in one variant: its shots land in $WORK/<variant>/<tour>/.
replay() {
  IFS='|' read -r variant size text tour steps kargs <<< "$1"
  local shots=$WORK/$variant/${tour%.tour} log=$WORK/$variant-${tour%.tour}.log
  local large=()
  [ "$text" = large ] && large=(--large-text)
  local args=()
  # The note of --act request-supplement:… has spaces: split the steps on " --".
  if [ -n "$steps" ]; then
    local rest=" $steps" part
    while [ -n "$rest" ]; do
      rest=${rest# --}
      part=${rest%% --*}
      rest=${rest:${#part}}
      args+=("--${part%% *}")
      [ "$part" != "${part%% *}" ] && args+=("${part#* }")
    done
  fi
  local kiosk_args=()
  [ -n "$kargs" ] && read -r -a kiosk_args <<< "$kargs"
  if "$RUN" "${args[@]}" "$BIN" "$T/$tour" "$shots" --size "$size" "${large[@]}" "${kiosk_args[@]}" \
       --fixed-time "$FIXED" --shot-scale 0.5 > "$log" 2>&1; then
    echo "  $variant  $tour"
  else
    echo "  $variant  $tour FAILED:"; grep -E "tour failed|error" "$log" | sed 's/^/    /'; return 1
  fi
}
export -f replay
export WORK BIN T RUN FIXED

echo "screens: $(wc -l < "$JOBLIST") tour replays, $JOBS at a time"
if ! xargs -P "$JOBS" -d '\n' -I{} bash -c 'replay "$@"' _ {} < "$JOBLIST"; then
  echo "screens.sh: some tours failed; $OUT left as it was" >&2
  exit 1
fi

# Replace the pictures only when every tour passed.
for dir in "$WORK"/*-*/; do
  variant=$(basename "$dir")
  rm -rf "${OUT:?}/$variant"
  mkdir -p "$OUT/$variant"
  find "$dir" -name '*.png' ! -name 'failure.png' -exec cp {} "$OUT/$variant/" \;
done
echo "screens: $(find "$OUT" -name '*.png' | wc -l) pictures, $(du -sh "$OUT" | cut -f1) in $OUT"
