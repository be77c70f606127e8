#!/usr/bin/env bash
# Starts the services the test suite needs that cannot be started from a test:
# the npm tus peers and a PostgreSQL server for the hub's PostgreSQL backend.
# Safe to re-run; `make test` runs it before CTest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# The tus interop tests (tests/integration/tus_test.cpp) run independent tus
# implementations from the npm registry: tests/peers, versions pinned in its
# package-lock.json. Installed again only when the lock file changed; without
# the registry (offline) the existing install is kept and the tests say what is
# missing.
peers="$root/tests/peers"
stamp="$peers/node_modules/.motcua-installed-lock.json"
if command -v npm >/dev/null 2>&1; then
  if ! cmp -s "$peers/package-lock.json" "$stamp" 2>/dev/null; then
    echo "test-services: installing the tus peers (npm ci in tests/peers)"
    if (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error); then
      cp "$peers/package-lock.json" "$stamp"
    else
      echo "test-services: npm ci failed (offline?); the tus interop tests will fail until it succeeds" >&2
    fi
  fi
else
  echo "test-services: npm is missing (provisioning/install-deps.sh installs it); the tus interop tests will fail" >&2
fi

# CUPS for the receipt print tests (tests/print, label `print`): each run starts
# a private cupsd of its own in the foreground (own ServerRoot and socket in a
# temporary directory, never the machine's CUPS), so nothing is started here;
# only the programs are checked.
for prog in cupsd lp lpstat lpadmin cupsenable cupsreject; do
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$prog" >/dev/null 2>&1; then
    echo "test-services: $prog is missing (provisioning/install-deps.sh installs cups); the print tests will fail" >&2
  fi
done

# PostgreSQL for the hub's PostgreSQL backend (tests labelled `postgres` and the
# integration tests run a second time on it, suffix .pg): a private cluster in
# $MOTCUA_TEST_PG_DIR listening only on a unix socket in that directory, so it
# collides neither with the machine's own PostgreSQL service (running or not)
# nor with its port. Trust authentication on that socket; role and database
# `motcua` (CREATEDB: every test hub gets a fresh database of its own).
# Tests find it at postgresql://motcua@/motcua?host=$MOTCUA_TEST_PG_DIR&port=$MOTCUA_TEST_PG_PORT
# (tests/CMakeLists.txt, MOTCUA_TEST_PG_URL). Left running for the next run; stop with
#   runuser -u postgres -- pg_ctl -D /tmp/motcua-test-pg/data stop
# It is a throw-away cluster: fsync is off (the tests check concurrency, not
# power cuts; those are the SQLite/kiosk fault tests).
pg_dir="${MOTCUA_TEST_PG_DIR:-/tmp/motcua-test-pg}"
pg_port="${MOTCUA_TEST_PG_PORT:-55432}"
pg_bin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then pg_bin="$d"; break; fi
done
if [ -z "$pg_bin" ]; then
  echo "test-services: PostgreSQL server binaries not found (provisioning/install-deps.sh installs postgresql)" >&2
  exit 1
fi
# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# `postgres` system user (created by the Debian package); otherwise to the caller.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_data="$pg_dir/data"
major="$(basename "$(dirname "$pg_bin")")"
if ! as_pg "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
  if [ -f "$pg_data/PG_VERSION" ] && [ "$(cat "$pg_data/PG_VERSION")" != "$major" ]; then
    echo "test-services: the test cluster in $pg_data is from PostgreSQL $(cat "$pg_data/PG_VERSION"); recreating it for $major"
    rm -rf "$pg_data"
  fi
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    echo "test-services: creating the PostgreSQL $major test cluster in $pg_data"
    mkdir -p "$pg_dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pg_dir"; fi
    chmod 0755 "$pg_dir"
    # C collation: text sorts by bytes, as in SQLite.
    as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$pg_dir/initdb.log" 2>&1 || {
      cat "$pg_dir/initdb.log" >&2
      exit 1
    }
  fi
  echo "test-services: starting PostgreSQL on $pg_dir/.s.PGSQL.$pg_port"
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_dir/server.log" -w -t 60 start \
    -o "-c listen_addresses='' -c unix_socket_directories='$pg_dir' -c port=$pg_port -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null || {
    tail -n 20 "$pg_dir/server.log" >&2
    exit 1
  }
fi
pg_sql() { as_pg "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$pg_port" -U postgres -d postgres -tA "$@"; }
if [ "$(pg_sql -c "SELECT 1 FROM pg_roles WHERE rolname = 'motcua'")" != "1" ]; then
  pg_sql -c "CREATE ROLE motcua LOGIN CREATEDB"
fi
if [ "$(pg_sql -c "SELECT 1 FROM pg_database WHERE datname = 'motcua'")" != "1" ]; then
  pg_sql -c "CREATE DATABASE motcua OWNER motcua ENCODING 'UTF8' TEMPLATE template0"
fi
echo "test-services: PostgreSQL ready at postgresql://motcua@/motcua?host=$pg_dir&port=$pg_port"
