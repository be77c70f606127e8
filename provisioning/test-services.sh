#!/usr/bin/env bash
# Starts the services the test suite needs that cannot be started from a test
# (none yet besides what install-deps provides; PostgreSQL joins here with the
# hub's production backend). Safe to re-run.
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
