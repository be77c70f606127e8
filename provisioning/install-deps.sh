#!/usr/bin/env bash
# Installs every Debian 12 package motcua needs to build, run, demo and test.
# Safe to re-run: packages already present are skipped; nothing is downloaded
# outside Debian's repositories.
set -euo pipefail

PACKAGES=(
  # build tools
  build-essential cmake ninja-build pkg-config git clang-format
  # common/: storage, json, config, cli, errors, crypto
  libsqlite3-dev sqlite3 nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libexpected-dev libssl-dev openssl
  # sync/: HTTP client and server, PostgreSQL client
  libcurl4-openssl-dev libcpp-httplib-dev zlib1g-dev libbrotli-dev libpq-dev
  # kiosk/: UI, fonts, images, QR, scanning, camera, PDF, speech
  libsdl2-dev libimgui-dev libstb-dev libfreetype-dev libturbojpeg0-dev
  libzxing-dev libsane-dev libsane1 sane-utils libv4l-dev libhpdf-dev
  libespeak-ng-dev espeak-ng
  fonts-noto-core fonts-dejavu-core
  # receipt printers: A4/A5 through CUPS (cupsd, filters and drivers; lp,
  # lpstat, lpadmin, cupsenable/cupsaccept for technicians). The print tests
  # run a private cupsd of their own (tests/print/private_cups.hpp).
  cups cups-daemon cups-client cups-bsd
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev postgresql postgresql-contrib
  # PDF checks in tests: pdfinfo, pdftotext, pdftoppm (scanned documents, receipts)
  poppler-utils
  curl procps python3 wrk
  # UI tests on a virtual X display (real SDL input path, idle CPU with X11)
  xvfb xdotool xauth
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js + npm run the independent tus peers in the tests. Machines that already
# have a Node.js (possibly newer than Debian's) keep theirs.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
