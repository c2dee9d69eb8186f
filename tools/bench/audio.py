#!/usr/bin/env python3
"""The audio stage with librosa, single-threaded, for `amss bench audio` to compare against.

Requires (pinned): librosa==0.11.0, soxr==1.1.0, soundfile==0.14.0, numpy==2.4.6.

    python3 tools/bench/audio.py [--files LIST] [--config JSON] [--passes N] [FILE ...]

For every file, N times over: `librosa.load(path, sr=sample_rate)` (decode + soxr HQ), fit to
the clip length (repeat, pad, crop-start, crop-centre or tile3), `np.clip(-1, 1)`,
`np.abs(librosa.stft(...))`, then the configured output (log(|S| + offset) by default). One
warm-up clip runs first and is not timed. Prints one JSON line: clips, seconds, clips per
second (wall time), CPU milliseconds per clip (this thread's CPU time over all passes, which
other processes on a busy machine do not inflate) and the wall time per step (`perf_counter`,
as `amss bench audio` times its own steps: on virtual machines every read of the thread's CPU
clock is a system call of several microseconds, which per-step reads would add to the clip).
`--config` takes the audio section of a pipeline config as JSON (the product's keys; missing
keys take the CREMA-D defaults). Files soundfile cannot read (MP4, FLV, …) go through
librosa's audioread fallback, an ffmpeg subprocess whose CPU time the CPU figures do not
include (the wall figures do).
"""

import os
import sys

# this folder holds scripts named like standard modules (tokenize.py); keep it off the path
sys.path = [p for p in sys.path
            if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import librosa  # noqa: E402
import numpy as np  # noqa: E402

DEFAULTS = {"sample_rate": 22050, "clip_seconds": 3.0, "fit": "repeat", "n_fft": 512,
            "hop_length": 353, "win_length": None, "window": "hann", "center": True,
            "pad_mode": "constant", "log_offset": 1e-7, "clamp": True, "output": "log",
            "mel": None, "db": {}}
WINDOWS = {"hann": "hann", "hamming": "hamming", "rectangular": "boxcar"}


def fit(y, n, rule):
    if len(y) >= n:
        start = (len(y) - n) // 2 if rule == "crop-centre" else 0
        return y[start:start + n]
    if rule == "repeat":
        return np.tile(y, -(-n // len(y)))[:n]
    if rule == "tile3":
        return np.tile(y, 3)[:n]
    if rule in ("pad", "crop-start"):
        return np.pad(y, (0, n - len(y)))
    if rule == "crop-centre":
        left = (n - len(y)) // 2
        return np.pad(y, (left, n - len(y) - left))
    raise ValueError(f"unknown fit rule {rule}")


class Stage:
    def __init__(self, config):
        self.c = dict(DEFAULTS)
        self.c.update(config)
        self.clip = int(round(self.c["sample_rate"] * self.c["clip_seconds"]))
        self.steps = {"load": 0.0, "fit": 0.0, "stft": 0.0, "log": 0.0}
        mel = self.c["mel"]
        self.mel_basis = None
        if mel is not None:
            norm = mel.get("norm", "slaney")
            self.mel_basis = librosa.filters.mel(
                sr=self.c["sample_rate"], n_fft=self.c["n_fft"], n_mels=mel.get("n_mels", 128),
                fmin=mel.get("fmin", 0.0), fmax=mel.get("fmax"), htk=mel.get("htk", False),
                norm=None if norm == "none" else norm)

    def run(self, path):
        c = self.c
        t0 = time.perf_counter()
        y, _ = librosa.load(path, sr=c["sample_rate"])
        t1 = time.perf_counter()
        y = fit(y, self.clip, c["fit"])
        if c["clamp"]:
            y = np.clip(y, -1.0, 1.0)
        t2 = time.perf_counter()
        s = np.abs(librosa.stft(y, n_fft=c["n_fft"], hop_length=c["hop_length"],
                                win_length=c["win_length"], window=WINDOWS[c["window"]],
                                center=c["center"], pad_mode=c["pad_mode"]))
        kind = c["output"]
        if kind in ("power", "log-power", "db"):
            s = s ** 2
        if self.mel_basis is not None:
            s = self.mel_basis @ s
        t3 = time.perf_counter()
        if kind in ("log", "log-power"):
            s = np.log(s + c["log_offset"])
        elif kind == "db":
            db = c["db"]
            ref = db.get("ref", 1.0)
            s = librosa.power_to_db(s, ref=np.max if ref == "max" else ref,
                                    amin=db.get("amin", 1e-10), top_db=db.get("top_db", 80.0))
        t4 = time.perf_counter()
        for name, dt in zip(self.steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            self.steps[name] += dt
        return s


def main():
    # containers make librosa fall back to audioread (the ffmpeg CLI) with a warning per file
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--files", dest="list_file")
    parser.add_argument("--config", default="{}")
    parser.add_argument("--passes", type=int, default=1)
    args = parser.parse_args()
    files = list(args.files)
    if args.list_file:
        with open(args.list_file, encoding="utf-8") as handle:
            files += [line.rstrip("\n") for line in handle if line.strip()]
    if not files:
        parser.error("no files")

    stage = Stage(json.loads(args.config))
    stage.run(files[0])
    stage.steps = dict.fromkeys(stage.steps, 0.0)
    shape = None
    started = time.perf_counter()
    cpu_started = time.thread_time()
    for _ in range(args.passes):
        for path in files:
            shape = stage.run(path).shape
    seconds = time.perf_counter() - started
    cpu_seconds = time.thread_time() - cpu_started
    clips = len(files) * args.passes
    steps = {k: 1000 * v / clips for k, v in stage.steps.items()}
    steps["other"] = max(0.0, 1000 * seconds / clips - sum(steps.values()))
    print(json.dumps({
        "tool": "librosa", "librosa": librosa.__version__, "clips": clips,
        "seconds": seconds, "clips_per_second": clips / seconds,
        "ms_per_clip": 1000 * seconds / clips, "shape": list(shape),
        "cpu_seconds": cpu_seconds, "cpu_ms_per_clip": 1000 * cpu_seconds / clips,
        "steps_ms_per_clip": steps,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
