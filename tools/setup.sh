#!/usr/bin/env bash
# Installs what building and running amss needs on Debian 12 (the -dev packages of the C
# libraries, pkg-config, make), using sudo when not root, and checks that swift is on the PATH
# (tools/demo.sh and tools/test.sh build).
# Safe to rerun: packages already installed are not touched.
#   tools/setup.sh          what the product needs
#   tools/setup.sh --test   also what the test set-up needs (python3 with pip, unzip; the
#                           real-media builder installs ffmpeg itself)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config make libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
          libsndfile1-dev libsoxr-dev libfftw3-dev libhdf5-dev libopenblas-dev libssl-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ "${1:-}" = "--test" ]; then
    command -v unzip >/dev/null || missing+=(unzip)
    command -v python3 >/dev/null || missing+=(python3)
    python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 is needed)" >&2; exit 1; }
