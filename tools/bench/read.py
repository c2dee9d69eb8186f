#!/usr/bin/env python3
"""h5py side of `amss bench read`: reads the same shuffled samples as amss and times it.

    python3 tools/bench/read.py CACHE_FOLDER ORDER_FILE BATCH_SIZE [PASSES]

ORDER_FILE holds one line per sample, "shard-path row", in the order to read (amss writes it:
a seeded shuffle of every sample of a split). Every shard is opened first, then the loop reads,
per batch of BATCH_SIZE samples, each sample's `audio` and `frames` slab with h5py (one chunk
each). A first pass computes the exact checksums amss computes (the sum of every audio value's
float32 bit pattern modulo 2**64 and the sum of every frame byte) and warms the page cache;
then PASSES (default 1) passes only read and are timed alone (no interpreter or import
start-up). Prints one JSON line with the samples, batches, seconds and checksums.

Needs h5py and numpy (tools/requirements.txt: h5py==3.16.0, numpy==2.4.6).
"""
import json
import sys
import time

import h5py
import numpy as np


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    folder, order_file, batch_size = argv[0], argv[1], max(1, int(argv[2]))
    passes = max(1, int(argv[3])) if len(argv) == 4 else 1
    order = []
    with open(order_file, encoding="utf-8") as handle:
        for line in handle:
            path, row = line.rsplit(" ", 1)
            order.append((path, int(row)))
    files = {path: h5py.File(path, "r") for path in sorted({p for p, _ in order})}
    audio = {path: shard["audio"] for path, shard in files.items()}
    frames = {path: shard["frames"] for path, shard in files.items()}

    audio_bits = 0
    frame_sum = 0
    for path, row in order:  # checksums, untimed; also warms the page cache
        audio_bits += int(audio[path][row].view(np.uint32).sum(dtype=np.uint64))
        frame_sum += int(frames[path][row].sum(dtype=np.uint64))

    batches = 0
    touched = 0
    started = time.perf_counter()
    for _ in range(passes):
        for start in range(0, len(order), batch_size):
            for path, row in order[start:start + batch_size]:
                touched += audio[path][row].size + frames[path][row].size
            batches += 1
    seconds = time.perf_counter() - started
    for shard in files.values():
        shard.close()
    print(json.dumps({"samples": len(order) * passes, "batches": batches, "seconds": seconds,
                      "audio_bits": audio_bits % (1 << 64), "frame_sum": frame_sum,
                      "h5py": h5py.__version__, "folder": folder}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
