#!/usr/bin/env python3
"""Reference side of the frame-extraction speed comparison: the common ffmpeg-to-JPEG recipe.

usage: python3 tools/bench/frames.py FLV_FOLDER OUT_DIR [--workers 2] [--max-frames 10]

For every FLV_FOLDER/*.flv, in a multiprocessing.Pool of `--workers` processes:
  ffmpeg -nostdin -v error -threads 1 -filter_threads 1 -i CLIP.flv -vf fps=1
         -frames:v MAX -q:v 2 OUT_DIR/jpeg/CLIP/%05d.jpg
  then each JPEG in name order: PIL Image.open -> convert("RGB") -> resize((224, 224),
  Image.BILINEAR) -> numpy uint8, stacked to [T, 224, 224, 3].
The parent writes OUT_DIR/shard-NNNNN.h5 with h5py, 256 clips a shard: `ids` (UTF-8 strings),
`frames` uint8 [N, T, 224, 224, 3] (T = the shard's largest frame count, zero-padded) and
`frame_count` int32 [N], chunked one clip per chunk, uncompressed — the layout `amss bench
frames` writes. Each process runs one single-threaded ffmpeg at a time, so `--workers N` uses N
threads of decoding, as `amss bench frames --workers N` does.

The last stdout line is the wall time in seconds of the whole run.
Versions: Debian 12 ffmpeg 5.1 CLI, pillow 13.0.0, h5py 3.16.0, numpy 2.4.6
(tools/requirements.txt).
"""

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import time

import h5py
import numpy as np
from PIL import Image

FRAME_SIZE = 224
SHARD_SIZE = 256


def clip_frames(task):
    """Worker: one FLV to (clip id, frames) via ffmpeg JPEGs and PIL, or (clip id, reason)."""
    path, jpeg_root, max_frames = task
    clip = os.path.splitext(os.path.basename(path))[0]
    folder = os.path.join(jpeg_root, clip)
    os.makedirs(folder, exist_ok=True)
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-filter_threads", "1",
         "-i", path, "-vf", "fps=1", "-frames:v", str(max_frames), "-q:v", "2",
         os.path.join(folder, "%05d.jpg")], capture_output=True)
    if result.returncode != 0:
        return clip, result.stderr.decode(errors="replace")[-300:]
    frames = []
    for name in sorted(os.listdir(folder)):
        with Image.open(os.path.join(folder, name)) as image:
            rgb = image.convert("RGB").resize((FRAME_SIZE, FRAME_SIZE), Image.BILINEAR)
            frames.append(np.asarray(rgb, dtype=np.uint8))
    if not frames:
        return clip, "no frames"
    return clip, np.stack(frames)


def write_shard(path, clips):
    """Writes one shard of (id, frames) pairs."""
    longest = max(frames.shape[0] for _, frames in clips)
    batch = np.zeros((len(clips), longest, FRAME_SIZE, FRAME_SIZE, 3), np.uint8)
    counts = np.zeros(len(clips), np.int32)
    for i, (_, frames) in enumerate(clips):
        batch[i, :frames.shape[0]] = frames
        counts[i] = frames.shape[0]
    with h5py.File(path, "w") as shard:
        shard.create_dataset("ids", data=[clip for clip, _ in clips],
                             dtype=h5py.string_dtype("utf-8"))
        shard.create_dataset("frames", data=batch,
                             chunks=(1, longest, FRAME_SIZE, FRAME_SIZE, 3))
        shard.create_dataset("frame_count", data=counts, chunks=(1,))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("out")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-frames", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()

    os.makedirs(args.out, exist_ok=True)
    jpeg_root = os.path.join(args.out, "jpeg")
    paths = sorted(os.path.join(args.folder, name) for name in os.listdir(args.folder)
                   if name.lower().endswith(".flv"))
    tasks = [(path, jpeg_root, args.max_frames) for path in paths]
    with multiprocessing.Pool(args.workers) as pool:
        results = pool.map(clip_frames, tasks, chunksize=4)
    good = [(clip, frames) for clip, frames in results if not isinstance(frames, str)]
    for clip, reason in results:
        if isinstance(reason, str):
            print(f"skipped {clip}: {reason}", file=sys.stderr)
    for start in range(0, len(good), SHARD_SIZE):
        write_shard(os.path.join(args.out, f"shard-{start // SHARD_SIZE:05d}.h5"),
                    good[start:start + SHARD_SIZE])
    shutil.rmtree(jpeg_root, ignore_errors=True)

    print(f"{len(good)} clips, {sum(f.shape[0] for _, f in good)} frames")
    print(f"{time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main()
