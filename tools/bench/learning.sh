#!/usr/bin/env bash
# The learning check (outside the test suite): `amss bench learning` on the `amss demo` sample.
# Trains audio alone, vision alone, joint, ogm-ge, amss, amss+ and amss+ exact (`--unbiased
# exact`) once per seed (1, 2, 3) with fixed settings (16 epochs, lr ×0.1 after 12, width 0.125,
# batch 16, 2 BLAS threads; DemoDataset's own fixed sample) and prints the table of mean ± std
# test, audio and visual accuracy at the epoch chosen on the valid split. 21 runs of 15 s to
# 2 min each on two cores; the log goes to runs/learning/learning.log. Extra arguments go to
# `amss bench learning`. Results: tools/bench/learning-results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release
mkdir -p runs/learning
.build/release/amss bench learning --runs runs/learning "$@" | tee runs/learning/learning.log
