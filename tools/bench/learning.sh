#!/usr/bin/env bash
# The learning check (outside the test suite): `amss bench learning` on the `amss demo` sample.
# Trains audio alone, vision alone, joint, ogm-ge, amss, amss+ and amss+ exact (`--unbiased
# exact`) once per seed (1, 2, 3) with fixed settings (24 epochs, lr ×0.1 after 18, width 0.125,
# batch 16, 1 BLAS thread; DemoDataset's own fixed sample) and prints the table of mean ± std
# test, audio and visual accuracy at the epoch chosen on the valid split, the numbers per run
# and per epoch. 21 runs of about 1 to 3 min each; the log goes to runs/learning/learning.log.
# Extra arguments go to `amss bench learning`. Results: tools/bench/learning-results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release
mkdir -p runs/learning
.build/release/amss bench learning --runs runs/learning "$@" | tee runs/learning/learning.log
