#!/usr/bin/env bash
# Sets up, builds and runs the main job on the bundled synthetic sample: `amss demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build -c release
exec .build/release/amss demo "$@"
