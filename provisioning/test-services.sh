#!/usr/bin/env bash
# Starts the services the test suite needs that cannot be started from a test
# (none yet besides what install-deps provides; PostgreSQL joins here with the
# hub's production backend). Safe to re-run.
set -euo pipefail
exit 0
