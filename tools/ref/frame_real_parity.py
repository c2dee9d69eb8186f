#!/usr/bin/env python3
"""Checks `amss bench frames` shards against the ffmpeg CLI on real FLVs, frame for frame.

usage:
  amss bench frames FLV_FOLDER --skip-python --rule ffmpeg-fps --out OUT
  python3 tools/ref/frame_real_parity.py FLV_FOLDER OUT/shard-00000.h5

For each clip of the shard, runs
  ffmpeg -i CLIP.flv -vf fps=1,scale=224:224:flags=bilinear+accurate_rnd+full_chroma_int
         -fps_mode passthrough -pix_fmt rgb24 -f rawvideo -
and prints how many clips have the same frame count and the largest |difference| in levels
(0 means bit-identical). Exits 1 when any count differs or any level differs by more than 2.
Tools: Debian 12 ffmpeg 5.1 CLI, h5py, numpy (tools/requirements.txt).
"""
import argparse
import os
import subprocess
import sys

import h5py
import numpy as np

SCALE = "scale=224:224:flags=bilinear+accurate_rnd+full_chroma_int"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("shard")
    args = parser.parse_args()
    with h5py.File(args.shard) as shard:
        ids = [name.decode() for name in shard["ids"][:]]
        counts = shard["frame_count"][:]
        frames = shard["frames"]
        same, worst = 0, 0
        for n, clip in enumerate(ids):
            raw = subprocess.run(
                ["ffmpeg", "-v", "error", "-i", os.path.join(args.folder, clip + ".flv"),
                 "-vf", "fps=1," + SCALE, "-fps_mode", "passthrough", "-pix_fmt", "rgb24",
                 "-f", "rawvideo", "-"], capture_output=True, check=True).stdout
            cli = np.frombuffer(raw, np.uint8).reshape(-1, 224, 224, 3)
            same += len(cli) == counts[n]
            ours = frames[n, :counts[n]].astype(int)
            worst = max(worst, int(np.abs(cli[:counts[n]].astype(int) - ours).max()))
    print(f"{len(ids)} clips; same frame count: {same}; max |difference|: {worst} levels")
    sys.exit(0 if same == len(ids) and worst <= 2 else 1)


if __name__ == "__main__":
    main()
