#!/usr/bin/env python3
"""Reference spectrograms for the audio stage, computed with librosa.

Requires (pinned): librosa==0.11.0, soxr==1.1.0 (python-soxr, bundled libsoxr), soundfile==0.14.0,
numpy==2.4.6.

Inputs are real speech recordings from two Debian packages, fetched and unpacked by hand:

    cd /tmp/audiofx
    apt-get download asterisk-core-sounds-en-wav alsa-utils
    dpkg-deb -x asterisk-core-sounds-en-wav_*.deb ast
    dpkg-deb -x alsa-utils_*.deb alsa
    python3 tools/ref/audio_fixtures.py /tmp/audiofx Tests/MediaTests/Fixtures/audio

The script copies the chosen clips into the fixture folder (8 kHz and 48 kHz clips byte for
byte; two 16 kHz clips made from 8 kHz prompts with python-soxr HQ and written as 16-bit PCM by
soundfile), then, for every case, runs the recipe with librosa and writes little-endian float32
files:

    <case>.mag.f32        |STFT| as [bins, frames], row-major
    <case>.log.f32        log(|STFT| + 1e-7), same layout
    <clip>.resampled.f32  librosa.load(path, sr=22050) output, first min(n, 66150) samples
                          (only for the clips listed in RESAMPLED)

and cases.json describing each case (shape, fit rule, resampled length, tool versions).
"""

import json
import shutil
import sys
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf
import soxr

SAMPLE_RATE = 22050
CLIP_SAMPLES = 66150
N_FFT = 512
HOP = 353
LOG_OFFSET = 1e-7

ASTERISK = "ast/usr/share/asterisk/sounds/en_US_f_Allison"
ALSA = "alsa/usr/share/sounds/alsa"

# fixture name -> (source path under the unpack folder, 16 kHz conversion or not)
CLIPS = {
    "ast8k-digit5.wav": (f"{ASTERISK}/digits/5.wav", False),
    "ast8k-vm-theperson.wav": (f"{ASTERISK}/vm-theperson.wav", False),
    "ast8k-agent-alreadyon.wav": (f"{ASTERISK}/agent-alreadyon.wav", False),
    "alsa48k-front-left.wav": (f"{ALSA}/Front_Left.wav", False),
    "alsa48k-rear-right.wav": (f"{ALSA}/Rear_Right.wav", False),
    "ast16k-queue-callswaiting.wav": (f"{ASTERISK}/queue-callswaiting.wav", True),
    "ast16k-vm-tocallback.wav": (f"{ASTERISK}/vm-tocallback.wav", True),
}

# case name -> (clip, fit rule)
CASES = {
    "ast8k-digit5": ("ast8k-digit5.wav", "repeat"),
    "ast8k-digit5-tile3": ("ast8k-digit5.wav", "tile3"),
    "ast8k-vm-theperson": ("ast8k-vm-theperson.wav", "repeat"),
    "ast8k-agent-alreadyon": ("ast8k-agent-alreadyon.wav", "repeat"),
    "alsa48k-front-left": ("alsa48k-front-left.wav", "repeat"),
    "alsa48k-rear-right": ("alsa48k-rear-right.wav", "repeat"),
    "ast16k-queue-callswaiting": ("ast16k-queue-callswaiting.wav", "repeat"),
    "ast16k-vm-tocallback": ("ast16k-vm-tocallback.wav", "repeat"),
}

# one clip per source rate, plus the long clip that is cut
RESAMPLED = [
    "ast8k-vm-theperson.wav",
    "alsa48k-front-left.wav",
    "ast16k-queue-callswaiting.wav",
]


def fit(y: np.ndarray, length: int, rule: str) -> np.ndarray:
    """The clip-length rules of the product, written out plainly."""
    if rule == "repeat":
        reps = -(-length // len(y))
        return np.tile(y, reps)[:length]
    if rule == "tile3":
        return np.tile(y, 3)[:length]
    raise ValueError(rule)


def make_clip(src: Path, dst: Path, to_16k: bool) -> None:
    if not to_16k:
        shutil.copyfile(src, dst)
        return
    data, rate = sf.read(src, dtype="float32")
    up = soxr.resample(data, rate, 16000, "HQ")
    sf.write(dst, up, 16000, subtype="PCM_16")


def main() -> None:
    unpacked = Path(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)

    for name, (rel, to_16k) in CLIPS.items():
        make_clip(unpacked / rel, out / name, to_16k)

    cases = []
    for case, (clip, rule) in CASES.items():
        info = sf.info(out / clip)
        y, _ = librosa.load(out / clip, sr=SAMPLE_RATE)
        fitted = np.clip(fit(y, CLIP_SAMPLES, rule), -1.0, 1.0)
        mag = np.abs(librosa.stft(fitted, n_fft=N_FFT, hop_length=HOP)).astype(np.float32)
        log = np.log(mag + LOG_OFFSET).astype(np.float32)
        mag.astype("<f4").tofile(out / f"{case}.mag.f32")
        log.astype("<f4").tofile(out / f"{case}.log.f32")
        if clip in RESAMPLED and rule == "repeat":
            y[:CLIP_SAMPLES].astype("<f4").tofile(out / f"{clip[:-4]}.resampled.f32")
        cases.append({
            "case": case,
            "clip": clip,
            "fit": rule,
            "source_rate": info.samplerate,
            "source_frames": info.frames,
            "resampled_length": int(len(y)),
            "fitted_length": int(len(fitted)),
            "bins": int(mag.shape[0]),
            "frames": int(mag.shape[1]),
            "max_magnitude": float(mag.max()),
        })

    meta = {
        "tool": "tools/ref/audio_fixtures.py",
        "librosa": librosa.__version__,
        "soxr": soxr.__version__,
        "libsoxr": soxr.__libsoxr_version__,
        "soundfile": sf.__version__,
        "libsndfile": sf.__libsndfile_version__,
        "numpy": np.__version__,
        "recipe": {
            "sample_rate": SAMPLE_RATE, "clip_samples": CLIP_SAMPLES, "n_fft": N_FFT,
            "hop_length": HOP, "window": "hann", "center": True, "pad_mode": "constant",
            "log_offset": LOG_OFFSET, "clamp": True,
        },
        "resampled_clips": RESAMPLED,
        "cases": cases,
    }
    (out / "cases.json").write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
