#!/usr/bin/env bash
# motcua_submit_bench on a link of limited capacity instead of bare loopback:
# the bench (kiosk worker and hub alike) runs in a network namespace of its own
# whose loopback carries at most RATE (tc tbf), as a commune office's uplink
# would. Needs root (unshare -n, tc). No added latency (no netem here).
#
#   RATE=10mbit tests/bench/submit_on_link.sh [BIN_DIR] [RUNS DIED_RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "${1:-$root/build/bin}" && pwd)"
[ $# -gt 0 ] && shift
rate="${RATE:-10mbit}"
exec unshare -n sh -c '
  ip link set lo up &&
  tc qdisc add dev lo root tbf rate "$0" burst 256kb latency 200ms &&
  echo "submit_on_link: loopback limited to $0" &&
  bin="$1" && shift &&
  exec "$bin/motcua_submit_bench" "$@"' "$rate" "$bin" "$@"
