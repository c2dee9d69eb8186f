#!/usr/bin/env bash
# The learning check (outside the test suite): `amss bench learning` on the `amss demo` sample.
# Trains joint, ogm-ge, amss, amss+ and amss+ exact once per seed (1, 2, 3) with fixed settings
# (16 epochs, width 0.125, batch 16; DemoDataset's own fixed sample) and prints the table of
# mean ± std test, audio and visual accuracy. Extra arguments go to `amss bench learning`.
# About 15 runs of a few minutes each on two cores; the log goes to runs/learning/learning.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release
mkdir -p runs/learning
.build/release/amss bench learning --runs runs/learning "$@" | tee runs/learning/learning.log
