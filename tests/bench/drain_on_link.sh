#!/usr/bin/env bash
# Figure d of issue 4 on a link of limited capacity instead of bare loopback:
# motcua_drain_bench (raw transfer and drain alike) runs in a network
# namespace of its own whose loopback carries at most RATE (tc tbf), as the
# office's uplink would. Needs root (unshare -n, tc); the PostgreSQL test
# server is reached over its Unix socket, which the namespace does not hide.
#
#   RATE=100mbit tests/bench/drain_on_link.sh [BIN_DIR] [DOSSIERS DOCS DOC_BYTES RUNS]
#
# The link adds no latency (this kernel has no netem); the rate is shared by
# every connection, both directions.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "${1:-$root/build/bin}" && pwd)"
[ $# -gt 0 ] && shift
rate="${RATE:-100mbit}"
exec unshare -n sh -c '
  ip link set lo up &&
  tc qdisc add dev lo root tbf rate "$0" burst 256kb latency 200ms &&
  echo "drain_on_link: loopback limited to $0" &&
  bin="$1" && shift &&
  exec "$bin/motcua_drain_bench" "$@"' "$rate" "$bin" "$@"
