#!/usr/bin/env bash
# Hub status lookups per second — GET /api/v1/status?code=…&secret=… — measured
# with wrk over TLS on loopback, on the embedded SQLite backend and on
# PostgreSQL (issue 4's figure; results go to docs/performance.md). Prints,
# never fails a test run.
#
#   tests/bench/lookup_bench.sh [BIN_DIR]          (default build/bin)
#
# Environment:
#   DOSSIERS=10000      sealed dossiers in the hub (10 days × 1,000 codes)
#   DURATION=15s        each measurement (after a 3 s warm-up)
#   RUNS="1:8 2:16"     wrk threads:connections pairs (the hub serves 16 connections)
#   BACKENDS="sqlite postgres"
#   PG_URL=…            PostgreSQL server (a database is created and dropped on it);
#                       default: the test server of provisioning/test-services.sh
#
# The dossiers are seeded with SQL straight into the hub's database (10,000
# creates, uploads and seals through the API take minutes); each has the rows
# a real one has: the dossier, its document, the receive, submit and accept
# events. Every lookup uses the right secret (the lookup guard only counts
# wrong ones) and a random code, so the whole table is read.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "${1:-$root/build/bin}" && pwd)"
dossiers="${DOSSIERS:-10000}"
duration="${DURATION:-15s}"
runs="${RUNS:-1:8 2:16}"
backends="${BACKENDS:-sqlite postgres}"
pg_url="${PG_URL:-postgresql://motcua@/motcua?host=/tmp/motcua-test-pg&port=55432}"

command -v wrk >/dev/null || { echo "lookup_bench: wrk is missing (provisioning/install-deps.sh installs it)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/motcua-lookup-bench-XXXXXX")"
hub_pid=""
pg_db=""
cleanup() {
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql -X -q -d "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

now_ms="$(date +%s%3N)"
due_ms=$((now_ms + 5 * 86400000))

# One SQL script for both engines (same column names; printf/format differ).
seed_sql() {
  local engine="$1" code_expr series
  if [ "$engine" = sqlite ]; then
    code_expr="printf('H44.27.05-2611%02d-%04d', (i - 1) / 1000 + 1, (i - 1) % 1000 + 1)"
    series="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $dossiers) SELECT i FROM n"
  else
    code_expr="format('H44.27.05-2611%s-%s', lpad(((i - 1) / 1000 + 1)::text, 2, '0'), lpad(((i - 1) % 1000 + 1)::text, 4, '0'))"
    series="SELECT i FROM generate_series(1, $dossiers) AS g(i)"
  fi
  cat <<SQL
BEGIN;
INSERT INTO dossiers(kiosk_id, client_id, content_hash, code, agency_id, service_code, service_name,
                     applicant_name, applicant_phone, lookup_secret, submission, status, received_ms,
                     sealed_ms, submitted_ms, updated_ms, due_ms, status_seq)
SELECT 'KIOSK-01', 'bench-' || i, 'bench', $code_expr, 'H44.27.05', '1.001193', 'Đăng ký khai sinh',
       'Nguyễn Văn An', '0912345678', 'K7QM', '{"payment_method":null}', 2, $now_ms,
       $now_ms, $now_ms, $now_ms, $due_ms, i
FROM ($series) AS s;
INSERT INTO dossier_documents(dossier_id, $( [ "$engine" = postgres ] && echo "position, " )document_id, name, content_type, size, sha256, received)
SELECT id, $( [ "$engine" = postgres ] && echo "0, " )'d1', 'Tờ khai', 'image/jpeg', 183422, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', $( [ "$engine" = postgres ] && echo true || echo 1 )
FROM dossiers WHERE content_hash = 'bench';
INSERT INTO dossier_events(dossier_id, at_ms, actor, actor_role, action, status)
SELECT id, $now_ms, 'kiosk:KIOSK-01', 'system', 'receive', NULL FROM dossiers WHERE content_hash = 'bench';
INSERT INTO dossier_events(dossier_id, at_ms, actor, actor_role, action, status)
SELECT id, $now_ms, 'kiosk:KIOSK-01', 'system', 'submit', 1 FROM dossiers WHERE content_hash = 'bench';
INSERT INTO dossier_events(dossier_id, at_ms, actor, actor_role, action, status, note, appointment_ms)
SELECT id, $now_ms, 'admin', 'official', 'accept', 2, 'Hồ sơ hợp lệ', $due_ms FROM dossiers WHERE content_hash = 'bench';
$( [ "$engine" = postgres ] && echo "UPDATE feed_counters SET last = $dossiers WHERE name = 'status';" )
COMMIT;
SQL
}

# wrk picks a random code for every request (one Lua state per wrk thread).
cat >"$work/lookup.lua" <<'LUA'
local codes = {}
for line in io.lines(os.getenv("CODES_FILE")) do codes[#codes + 1] = line end
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
init = function(args)
  math.randomseed(os.time() * 100 + id)
end
request = function()
  return wrk.format("GET", "/api/v1/status?code=" .. codes[math.random(#codes)] .. "&secret=K7QM")
end
LUA

# Sets hub_pid and hub_url (not in a subshell: cleanup needs the pid).
start_hub() {
  local data="$1"; shift
  rm -f "$data/hub-url"
  "$bin/motcua-hub" --log warn serve --data "$data" --listen 127.0.0.1:0 "$@" >"$work/hub.log" 2>&1 &
  hub_pid=$!
  for _ in $(seq 1 200); do
    if [ -s "$data/hub-url" ]; then hub_url="$(head -n1 "$data/hub-url")"; return 0; fi
    if ! kill -0 "$hub_pid" 2>/dev/null; then cat "$work/hub.log" >&2; return 1; fi
    sleep 0.05
  done
  echo "lookup_bench: the hub did not start" >&2
  return 1
}

measure() {
  local backend="$1" url="$2"
  # A lookup must answer 200 before anything is measured.
  local code
  code="$(head -n1 "$work/codes")"
  curl -sf --cacert "$work/$backend/ca.pem" "$url/api/v1/status?code=$code&secret=K7QM" >/dev/null ||
    { echo "lookup_bench: a lookup on $backend failed" >&2; return 1; }
  CODES_FILE="$work/codes" wrk -t1 -c4 -d3s -s "$work/lookup.lua" "$url" >/dev/null
  for run in $runs; do
    local t="${run%%:*}" c="${run##*:}"
    local out
    out="$(CODES_FILE="$work/codes" wrk -t"$t" -c"$c" -d"$duration" --latency -s "$work/lookup.lua" "$url")"
    local rps p50 p99 errors
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx/ {print $NF} /Socket errors/ {print}' <<<"$out" | tr '\n' ' ')"
    printf '%-9s wrk -t%-2s -c%-3s %10s lookups/s   p50 %-8s p99 %-8s %s\n' "$backend" "$t" "$c" "$rps" "$p50" "$p99" "${errors:-}"
  done
}

echo "lookup_bench: $dossiers dossiers, $(nproc) cores, wrk $duration per run; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in $backends; do
  data="$work/$backend"
  db_args=()
  if [ "$backend" = postgres ]; then
    pg_db="motcua_bench_$$"
    psql -X -q -v ON_ERROR_STOP=1 -d "$pg_url" -c "CREATE DATABASE $pg_db ENCODING 'UTF8' TEMPLATE template0"
    db_url="$(sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\1/$pg_db#" <<<"$pg_url")"
    db_args=(--db "$db_url")
  fi
  "$bin/motcua-hub" --log warn init --data "$data" --demo "${db_args[@]}" >/dev/null
  if [ "$backend" = sqlite ]; then
    seed_sql sqlite | sqlite3 "$data/hub.db"
    sqlite3 "$data/hub.db" "SELECT code FROM dossiers WHERE content_hash = 'bench'" >"$work/codes"
  else
    seed_sql postgres | psql -X -q -v ON_ERROR_STOP=1 -d "$db_url"
    psql -X -q -d "$db_url" -c "ANALYZE dossiers, dossier_documents, dossier_events, catalog_entities"
    psql -X -q -tA -d "$db_url" -c "SELECT code FROM dossiers WHERE content_hash = 'bench'" >"$work/codes"
  fi
  start_hub "$data" "${db_args[@]}"
  measure "$backend" "$hub_url"
  kill "$hub_pid"; wait "$hub_pid" 2>/dev/null || true; hub_pid=""
  if [ "$backend" = postgres ]; then
    psql -X -q -d "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)"
    pg_db=""
  fi
done
