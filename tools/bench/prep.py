#!/usr/bin/env python3
"""Reference side of the prep speed comparison: CREMA-D to HDF5 shards the way Python code does it.

usage: python3 tools/bench/prep.py ROOT OUT_DIR [--workers 2] [--shard-size 256]

For every row of ROOT/annotations/{train,test}.csv (header-less `clip,EMOTION`):
  audio : librosa.load(AudioWAV/<clip>.wav, sr=22050) (soxr HQ resampling, mono), repeated until
          3 s and cut to 66 150 samples, clamped to [-1, 1], then
          log(|librosa.stft(y, n_fft=512, hop_length=353)| + 1e-7) -> float32 [257, 188]
  frames: Image-01-FPS/<clip>/ images in numeric file-name order (PIL, RGB), or, when that folder
          is missing or empty, VideoFlash/<clip>.flv decoded with PyAV keeping the first frame at
          or after each whole second; at most 10, each resized to 224x224 (PIL bilinear)
          -> uint8 [T, 224, 224, 3]
A multiprocessing.Pool does the samples; the parent writes OUT_DIR/<split>/shard-NNNNN.h5 with
h5py, 256 samples a shard: `ids` (UTF-8 strings), `label` int64 [N], `audio` float32 [N, 257, 188],
`frames` uint8 [N, T, 224, 224, 3] (T = largest frame count in the shard, zero-padded),
`frame_count` int32 [N]; chunked one sample per chunk, uncompressed.

A row whose label is unknown, whose id is not a plain file name, or whose media fail to load is
skipped and counted. The last stdout line is the wall time in seconds of the whole run (start-up
before `main` excluded; measure that with `time`).

Versions: pinned in tools/requirements.txt (librosa 0.11.0, soxr 1.1.0, h5py 3.16.0, av 18.1.0,
pillow 13.0.0, numpy 2.4.6).
"""

import argparse
import multiprocessing
import os
import re
import sys
import time

import av
import h5py
import librosa
import numpy as np
from PIL import Image

CLASSES = ["NEU", "HAP", "SAD", "FEA", "DIS", "ANG"]
SAMPLE_RATE = 22050
CLIP_SAMPLES = 3 * SAMPLE_RATE
N_FFT = 512
HOP = 353
LOG_OFFSET = 1e-7
FRAME_SIZE = 224
MAX_FRAMES = 10
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = handle.read().splitlines()
    return [tuple(line.split(",", 1)) for line in lines if line.strip()]


def spectrogram(wav_path):
    samples, _ = librosa.load(wav_path, sr=SAMPLE_RATE)
    if samples.size == 0:
        raise ValueError(f"{wav_path}: no samples")
    repeats = -(-CLIP_SAMPLES // samples.size)
    clip = np.tile(samples, repeats)[:CLIP_SAMPLES]
    clip = np.clip(clip, -1.0, 1.0)
    magnitude = np.abs(librosa.stft(clip, n_fft=N_FFT, hop_length=HOP))
    return np.log(magnitude + LOG_OFFSET).astype(np.float32)


def numeric_key(name):
    return [int(part) for part in re.findall(r"\d+", name)] or [0], name


def resize(image):
    rgb = image.convert("RGB").resize((FRAME_SIZE, FRAME_SIZE), Image.BILINEAR)
    return np.asarray(rgb, dtype=np.uint8)


def folder_frames(folder):
    names = sorted((n for n in os.listdir(folder) if n.lower().endswith(IMAGE_SUFFIXES)),
                   key=numeric_key)
    frames = []
    for name in names[:MAX_FRAMES]:
        with Image.open(os.path.join(folder, name)) as image:
            frames.append(resize(image))
    return frames


def video_frames(flv_path):
    frames = []
    next_second = 0
    with av.open(flv_path) as container:
        for frame in container.decode(video=0):
            if frame.time is None or frame.time + 1e-9 < next_second:
                continue
            frames.append(resize(frame.to_image()))
            next_second = int(frame.time + 1e-9) + 1
            if len(frames) == MAX_FRAMES:
                break
    return frames


def load_sample(task):
    """Worker: one clip to (id, label, spectrogram, frames) or (id, None, reason)."""
    root, clip, label = task
    try:
        audio = spectrogram(os.path.join(root, "AudioWAV", clip + ".wav"))
        folder = os.path.join(root, "Image-01-FPS", clip)
        frames = folder_frames(folder) if os.path.isdir(folder) else []
        if not frames:
            frames = video_frames(os.path.join(root, "VideoFlash", clip + ".flv"))
        if not frames:
            raise ValueError(f"{clip}: no frames")
        return clip, CLASSES.index(label), audio, np.stack(frames)
    except Exception as error:  # a bad sample is skipped, as the reference loaders do
        return clip, None, f"{type(error).__name__}: {error}", None


def write_shard(path, samples):
    longest = max(frames.shape[0] for _, _, _, frames in samples)
    count = len(samples)
    with h5py.File(path + ".tmp", "w") as shard:
        shard.create_dataset("ids", data=[s[0] for s in samples],
                             dtype=h5py.string_dtype("utf-8"))
        shard.create_dataset("label", data=np.array([s[1] for s in samples], dtype=np.int64))
        audio = shard.create_dataset("audio", (count, 257, 188), dtype=np.float32,
                                     chunks=(1, 257, 188))
        frames = shard.create_dataset("frames", (count, longest, FRAME_SIZE, FRAME_SIZE, 3),
                                      dtype=np.uint8,
                                      chunks=(1, longest, FRAME_SIZE, FRAME_SIZE, 3))
        frame_count = np.zeros(count, dtype=np.int32)
        for index, (_, _, spec, clip_frames) in enumerate(samples):
            audio[index] = spec
            padded = np.zeros((longest, FRAME_SIZE, FRAME_SIZE, 3), dtype=np.uint8)
            padded[: clip_frames.shape[0]] = clip_frames
            frames[index] = padded
            frame_count[index] = clip_frames.shape[0]
        shard.create_dataset("frame_count", data=frame_count)
    os.replace(path + ".tmp", path)


def prep_split(pool, root, out_dir, split, shard_size):
    rows = read_rows(os.path.join(root, "annotations", split + ".csv"))
    tasks, skipped = [], []
    for clip, label in rows:
        if label not in CLASSES or os.path.basename(clip) != clip or clip in ("", ".", ".."):
            skipped.append((clip, f"unusable row ({label})"))
        else:
            tasks.append((root, clip, label))

    os.makedirs(os.path.join(out_dir, split), exist_ok=True)
    buffer, shards, written = [], 0, 0
    for result in pool.imap(load_sample, tasks, chunksize=2):
        if result[1] is None:
            skipped.append((result[0], result[2]))
            continue
        buffer.append(result)
        if len(buffer) == shard_size:
            write_shard(os.path.join(out_dir, split, f"shard-{shards:05d}.h5"), buffer)
            shards, written, buffer = shards + 1, written + len(buffer), []
    if buffer:
        write_shard(os.path.join(out_dir, split, f"shard-{shards:05d}.h5"), buffer)
        shards, written = shards + 1, written + len(buffer)
    return written, shards, skipped


def main():
    parser = argparse.ArgumentParser(description="CREMA-D to HDF5 shards (Python reference).")
    parser.add_argument("root")
    parser.add_argument("out_dir")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=256)
    args = parser.parse_args()
    started = time.perf_counter()

    with multiprocessing.Pool(args.workers) as pool:
        for split in ("train", "test"):
            written, shards, skipped = prep_split(pool, args.root, args.out_dir, split,
                                                  args.shard_size)
            print(f"{split}: {written} samples in {shards} shards, {len(skipped)} skipped",
                  file=sys.stderr)
            for clip, reason in skipped:
                print(f"  skipped {clip!r}: {reason}", file=sys.stderr)

    print(f"{time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main()
