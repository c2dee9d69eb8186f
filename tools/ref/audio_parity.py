#!/usr/bin/env python3
"""Parity fixtures for the audio stage: every input format, container audio, edge cases,
output kinds, mel filter banks and STFT options, computed with librosa.

Requires (pinned): librosa==0.11.0, soxr==1.1.0, soundfile==0.14.0, numpy==2.4.6, av==18.1.0
(PyAV with its bundled FFmpeg), and the Debian 12 `ffmpeg` CLI (5.1) to make container files.

    python3 tools/ref/audio_parity.py Tests/MediaTests/Fixtures/audio

Step 1 (`make`) cuts short loud windows out of the real speech recordings already committed in
that folder (Asterisk prompts at 8 kHz and 16 kHz, ALSA clips at 48 kHz, see LICENSES.md) and
writes them, into `parity/`, in every sample format libsndfile reads (soundfile), in Ogg, and as
the audio track of MP4, FLV, AVI and MKV files with a tiny video track (ffmpeg CLI); plus three
synthetic edge cases, plus `bad-nan.mkv` (float samples with a NaN and an infinity) and
`video-only.mp4` (no audio stream) for the rejection tests. Step 2 (`ref`) computes, from the
committed files:

    <case>.resampled.f32   the whole resampled mono signal at 22 050 Hz
    <case>.mag.f32         |STFT| of the fitted clip, [257, frames] row-major
    <case>.<output>.f32    other outputs (power, dB, log, mel), [rows, frames]
    mel-*.weights.f32      librosa.filters.mel, [n_mels, 257]

Files that libsndfile reads go through `librosa.load(path, sr=22050)`. Container files go
through PyAV (`streams.best("audio")`, every decoded frame's `to_ndarray()` converted to
float32: u8 (x - 128) / 128, integers x / 2^(bits - 1), doubles rounded), `librosa.to_mono`,
then `librosa.resample(res_type="soxr_hq")`, the same steps librosa.load takes after decoding
(G.722 in a WAV header counts as a container: soundfile cannot read it).
Then every case fits with the product's rule (repeat by default), clips to [-1, 1] and runs
`librosa.stft`. `parity.json` records each case and the tool versions. Pass `ref` as a second
argument to skip step 1.
"""

import json
import subprocess
import sys
from pathlib import Path

import av
import librosa
import numpy as np
import soundfile as sf
import soxr

SR = 22050
CLIP_SECONDS = 0.3
CLIP = int(round(SR * CLIP_SECONDS))  # 6615 samples -> 19 frames
N_FFT = 512
HOP = 353
LOG_OFFSET = 1e-7
SEGMENT = 0.25  # seconds of speech per source file

# committed real recordings, by name
SPEECH = {
    "ast8k-a": "ast8k-vm-theperson.wav",
    "ast8k-b": "ast8k-agent-alreadyon.wav",
    "ast8k-c": "ast8k-digit5.wav",
    "ast16k-a": "ast16k-queue-callswaiting.wav",
    "ast16k-b": "ast16k-vm-tocallback.wav",
    "alsa48k-a": "alsa48k-front-left.wav",
    "alsa48k-b": "alsa48k-rear-right.wav",
}

# libsndfile cases: name -> (file, rate, [speech per channel], soundfile format, subtype, gain)
SNDFILE = {
    "wav-u8": ("wav-u8.wav", 8000, ["ast8k-a"], "WAV", "PCM_U8", 1.0),
    "wav-s16-stereo": ("wav-s16-stereo.wav", 16000, ["ast16k-a", "ast16k-b"], "WAV",
                       "PCM_16", 1.0),
    "wav-s16-22050": ("wav-s16-22050.wav", 22050, ["ast16k-b"], "WAV", "PCM_16", 1.0),
    "wav-s24": ("wav-s24.wav", 48000, ["alsa48k-a"], "WAV", "PCM_24", 1.0),
    "wav-s32-stereo": ("wav-s32-stereo.wav", 44100, ["alsa48k-a", "alsa48k-b"], "WAV",
                       "PCM_32", 1.0),
    "wav-float-loud": ("wav-float-loud.wav", 16000, ["ast16k-a"], "WAV", "FLOAT", 1.8),
    "wav-double": ("wav-double.wav", 8000, ["ast8k-b"], "WAV", "DOUBLE", 1.0),
    "wavex-s24-stereo": ("wavex-s24-stereo.wav", 48000, ["alsa48k-b", "alsa48k-a"], "WAVEX",
                         "PCM_24", 1.0),
    "wavex-float-6ch": ("wavex-float-6ch.wav", 8000,
                        ["ast8k-a", "ast8k-b", "ast8k-c", "ast8k-b", "ast8k-c", "ast8k-a"],
                        "WAVEX", "FLOAT", 1.0),
    "rf64-s16": ("rf64-s16.wav", 16000, ["ast16k-b"], "RF64", "PCM_16", 1.0),
    "flac-s16": ("flac-s16.flac", 8000, ["ast8k-c"], "FLAC", "PCM_16", 1.0),
    "flac-s24-stereo": ("flac-s24-stereo.flac", 48000, ["alsa48k-a", "alsa48k-b"], "FLAC",
                        "PCM_24", 1.0),
    "ogg-vorbis": ("ogg-vorbis.ogg", 16000, ["ast16k-a"], "OGG", "VORBIS", 1.0),
    "ogg-opus": ("ogg-opus.opus", 48000, ["alsa48k-b"], "OGG", "OPUS", 1.0),
}

# container cases: name -> (file, rate, [speech per channel], ffmpeg audio args, video args)
TINY_VIDEO = ["-f", "lavfi", "-i", "color=c=gray:s=32x32:r=5"]
CONTAINERS = {
    "mp4-aac": ("mp4-aac.mp4", 48000, ["alsa48k-a", "alsa48k-b"],
                ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"],
                ["-c:v", "libx264", "-preset", "ultrafast"]),
    "flv-mp3": ("flv-mp3.flv", 22050, ["ast16k-a"],
                ["-c:a", "libmp3lame", "-b:a", "32k"], ["-c:v", "flv"]),
    "avi-s16-stereo": ("avi-s16-stereo.avi", 16000, ["ast16k-a", "ast16k-b"],
                       ["-c:a", "pcm_s16le"], ["-c:v", "mjpeg"]),
    "avi-u8": ("avi-u8.avi", 8000, ["ast8k-b"], ["-c:a", "pcm_u8"], ["-c:v", "mjpeg"]),
    "mkv-vorbis": ("mkv-vorbis.mkv", 44100, ["alsa48k-b", "alsa48k-a"],
                   ["-c:a", "libvorbis", "-q:a", "4"], ["-c:v", "mpeg4"]),
    "mkv-flac-s24": ("mkv-flac-s24.mkv", 48000, ["alsa48k-a"],
                     ["-c:a", "flac", "-sample_fmt", "s32"], ["-c:v", "mpeg4"]),
    "mkv-opus": ("mkv-opus.mkv", 48000, ["alsa48k-b"], ["-c:a", "libopus", "-b:a", "48k"],
                 ["-c:v", "mpeg4"]),
    "mkv-f64": ("mkv-f64.mkv", 16000, ["ast16k-b"], ["-c:a", "pcm_f64le"], ["-c:v", "mpeg4"]),
    # G.722 inside a WAV header: libsndfile rejects its fmt chunk, libavformat reads it
    "wav-g722": ("wav-g722.wav", 16000, ["ast16k-a"], ["-c:a", "g722", "-f", "wav"], None),
}

# synthetic edge cases: name -> (file, rate, subtype)
EDGES = {
    "edge-silence": ("edge-silence.wav", 16000, "PCM_16"),
    "edge-square": ("edge-square.wav", 16000, "FLOAT"),
    "edge-100-samples": ("edge-100-samples.wav", 8000, "PCM_16"),
}


def edge_samples(name, root):
    """0.5 s of digital silence; 0.375 s of a full-scale (+-1.0) 441 Hz square wave; the first
    100 samples of the loudest quarter second of an 8 kHz prompt."""
    if name == "edge-silence":
        return np.zeros(8000, np.float32)
    if name == "edge-square":
        t = np.arange(6000) / 16000
        return np.where(np.sin(2 * np.pi * 441 * t) >= 0, 1.0, -1.0).astype(np.float32)
    speech = speech_at(root, 8000)
    return loudest_window(speech["ast8k-c"], 8000, SEGMENT)[:100]


def make_bad_media(out):
    """A Matroska file whose float samples hold a NaN and an infinity, and an MP4 without an
    audio stream (for the rejection tests; no reference values)."""
    samples = np.linspace(-0.5, 0.5, 400, dtype=np.float32)
    samples[100] = np.nan
    samples[200] = np.inf
    wav = out / "tmp-nan.wav"
    sf.write(wav, samples, 8000, subtype="FLOAT")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "copy", "-bitexact",
                    str(out / "bad-nan.mkv")], check=True)
    wav.unlink()
    subprocess.run(["ffmpeg", "-v", "error", "-y", *TINY_VIDEO, "-t", "0.4", "-c:v", "libx264",
                    "-preset", "ultrafast", "-bitexact", str(out / "video-only.mp4")],
                   check=True)


def loudest_window(y, rate, seconds):
    """The `seconds`-long window with the most energy, on a 10 ms grid."""
    n = int(round(seconds * rate))
    step = max(1, rate // 100)
    best, best_energy = 0, -1.0
    for start in range(0, max(1, len(y) - n), step):
        energy = float(np.sum(y[start:start + n].astype(np.float64) ** 2))
        if energy > best_energy:
            best, best_energy = start, energy
    return y[best:best + n]


def speech_at(root, rate):
    """Each recording as mono float32, converted with python-soxr HQ to `rate` if needed."""
    out = {}
    for key, name in SPEECH.items():
        y, native = sf.read(root / name, dtype="float32")
        if native != rate:
            y = soxr.resample(y, native, rate, "HQ").astype(np.float32)
        out[key] = y
    return out


def channels_for(root, rate, keys, gain=1.0):
    speech = speech_at(root, rate)
    chans = [loudest_window(speech[k], rate, SEGMENT + 0.01 * i) for i, k in enumerate(keys)]
    n = min(len(c) for c in chans)
    return (np.stack([c[:n] for c in chans], axis=1) * gain).astype(np.float32)


def make(root, out):
    out.mkdir(parents=True, exist_ok=True)
    for _, (file, rate, keys, major, subtype, gain) in SNDFILE.items():
        data = channels_for(root, rate, keys, gain)
        sf.write(out / file, data, rate, format=major, subtype=subtype)
    for _, (file, rate, keys, audio_args, video_args) in CONTAINERS.items():
        data = channels_for(root, rate, keys)
        wav = out / "tmp-source.wav"
        sf.write(wav, data, rate, subtype="FLOAT")
        video = [*TINY_VIDEO, "-shortest", "-map", "0:a", "-map", "1:v", *video_args] \
            if video_args else []
        command = ["ffmpeg", "-v", "error", "-y", "-i", str(wav), *video, *audio_args,
                   "-bitexact", str(out / file)]
        subprocess.run(command, check=True)
        wav.unlink()
    for name, (file, rate, subtype) in EDGES.items():
        sf.write(out / file, edge_samples(name, root), rate, subtype=subtype)
    make_bad_media(out)


def pyav_decode(path):
    """Every decoded frame of the best audio stream as float32 [channels, n], and its rate."""
    scale = {np.dtype("int16"): 2.0 ** 15, np.dtype("int32"): 2.0 ** 31,
             np.dtype("int64"): 2.0 ** 63}
    parts, rate = [], None
    with av.open(str(path)) as container:
        stream = container.streams.best("audio")
        for frame in container.decode(stream):
            a = frame.to_ndarray()
            channels = len(frame.layout.channels)
            if not frame.format.is_planar:
                a = a.reshape(-1, channels).T
            if a.dtype == np.uint8:
                a = (a.astype(np.float32) - 128) / 128
            elif a.dtype in scale:
                a = a.astype(np.float32) / np.float32(scale[a.dtype])
            else:
                a = a.astype(np.float32)
            parts.append(a)
            rate = frame.sample_rate
    return np.concatenate(parts, axis=1), rate


def fit(y, rule="repeat"):
    if rule == "repeat":
        return np.tile(y, -(-CLIP // len(y)))[:CLIP]
    raise ValueError(rule)


def stft_mag(y, **kw):
    args = dict(n_fft=N_FFT, hop_length=HOP)
    args.update(kw)
    return np.abs(librosa.stft(y, **args)).astype(np.float32)


def save(out, name, array):
    np.ascontiguousarray(array, dtype="<f4").tofile(out / f"{name}.f32")


def decode_case(out, name, file, container):
    if container:
        y, rate = pyav_decode(out / file)
        source_frames = y.shape[1]
        channels = y.shape[0]
        y = librosa.to_mono(y)
        y = librosa.resample(y, orig_sr=rate, target_sr=SR, res_type="soxr_hq")
    else:
        info = sf.info(out / file)
        rate, source_frames, channels = info.samplerate, info.frames, info.channels
        y, _ = librosa.load(out / file, sr=SR)
    fitted = np.clip(fit(y), -1.0, 1.0)
    mag = stft_mag(fitted)
    save(out, f"{name}.resampled", y)
    save(out, f"{name}.mag", mag)
    return {"case": name, "file": file, "reference": "pyav" if container else "librosa.load",
            "source_rate": rate, "source_frames": source_frames,
            "channels": channels, "resampled_length": len(y), "bins": mag.shape[0],
            "frames": mag.shape[1], "max_magnitude": float(mag.max()),
            "max_resampled": float(np.abs(y).max())}


def edge_refs(out, name, file):
    entry = decode_case(out, name, file, container=False)
    y, _ = librosa.load(out / file, sr=SR)
    log = np.log(stft_mag(np.clip(fit(y), -1.0, 1.0)) + LOG_OFFSET).astype(np.float32)
    save(out, f"{name}.log", log)
    return entry


def output_refs(out, root):
    """Output kinds, mel spectrograms and STFT options on one real 48 kHz clip."""
    y, _ = librosa.load(root / "alsa48k-front-left.wav", sr=SR)
    x = np.clip(fit(y), -1.0, 1.0)
    mag = stft_mag(x)
    power = mag ** 2
    melspec = librosa.feature.melspectrogram
    outputs = {
        "out-power": (power, {"output": "power"}),
        "out-log": (np.log(mag + LOG_OFFSET), {"output": "log"}),
        "out-log-power": (np.log(power + 1e-6), {"output": "log-power", "log_offset": 1e-6}),
        "out-db-max": (librosa.amplitude_to_db(mag, ref=np.max),
                       {"output": "db", "db": {"ref": "max", "amin": 1e-10, "top_db": 80}}),
        "out-db-ref1-notop": (librosa.power_to_db(power, ref=1.0, top_db=None),
                              {"output": "db", "db": {"ref": 1.0, "top_db": None}}),
        "mel-slaney-power": (melspec(y=x, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=128),
                             {"output": "power", "mel": {}}),
        "mel-slaney-db": (librosa.power_to_db(
            melspec(y=x, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=128), ref=np.max),
            {"output": "db", "mel": {}, "db": {"ref": "max"}}),
        "mel-htk-magnitude": (melspec(y=x, sr=SR, n_fft=N_FFT, hop_length=HOP, power=1.0,
                                      n_mels=64, fmin=50, fmax=8000, htk=True),
                              {"output": "magnitude",
                               "mel": {"n_mels": 64, "fmin": 50, "fmax": 8000, "htk": True}}),
        "mel-nonorm-log": (np.log(melspec(y=x, sr=SR, n_fft=N_FFT, hop_length=HOP, power=1.0,
                                          n_mels=40, norm=None) + LOG_OFFSET),
                           {"output": "log", "mel": {"n_mels": 40, "norm": "none"}}),
        "stft-hamming-win400-reflect": (
            stft_mag(x, hop_length=160, win_length=400, window="hamming", pad_mode="reflect"),
            {"output": "magnitude", "hop_length": 160, "win_length": 400, "window": "hamming",
             "pad_mode": "reflect"}),
        "stft-rect-1024-uncentred": (
            stft_mag(x, n_fft=1024, hop_length=256, window="boxcar", center=False),
            {"output": "magnitude", "n_fft": 1024, "hop_length": 256, "window": "rectangular",
             "center": False}),
        "stft-hann-400": (stft_mag(x, n_fft=400, hop_length=100),
                          {"output": "magnitude", "n_fft": 400, "hop_length": 100}),
    }
    cases = []
    for name, (values, config) in outputs.items():
        values = np.asarray(values, dtype=np.float32)
        save(out, name, values)
        cases.append({"case": name, "config": config, "rows": values.shape[0],
                      "frames": values.shape[1], "max_abs": float(np.abs(values).max()),
                      "max_magnitude": float(mag.max())})
    banks = {
        "mel-slaney-40": dict(n_mels=40),
        "mel-htk-64": dict(n_mels=64, fmin=50.0, fmax=8000.0, htk=True),
    }
    for name, kw in banks.items():
        w = librosa.filters.mel(sr=SR, n_fft=N_FFT, **kw)
        save(out, f"{name}.weights", w)
        cases.append({"case": name, "filter_bank": kw, "rows": w.shape[0],
                      "frames": w.shape[1], "max_abs": float(w.max())})
    return cases


def main():
    root = Path(sys.argv[1])
    out = root / "parity"
    if len(sys.argv) < 3 or sys.argv[2] != "ref":
        make(root, out)

    decode = [decode_case(out, n, spec[0], False) for n, spec in SNDFILE.items()]
    decode += [decode_case(out, n, spec[0], True) for n, spec in CONTAINERS.items()]
    edges = [edge_refs(out, n, spec[0]) for n, spec in EDGES.items()]
    ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout
    meta = {
        "tool": "tools/ref/audio_parity.py",
        "librosa": librosa.__version__, "soxr": soxr.__version__,
        "libsoxr": soxr.__libsoxr_version__, "soundfile": sf.__version__,
        "libsndfile": sf.__libsndfile_version__, "numpy": np.__version__,
        "av": av.__version__,
        "pyav_ffmpeg": {k: ".".join(map(str, v)) for k, v in av.library_versions.items()},
        "ffmpeg_cli": ffmpeg.splitlines()[0] if ffmpeg else "",
        "recipe": {"sample_rate": SR, "clip_seconds": CLIP_SECONDS, "clip_samples": CLIP,
                   "fit": "repeat", "n_fft": N_FFT, "hop_length": HOP, "window": "hann",
                   "center": True, "pad_mode": "constant", "log_offset": LOG_OFFSET,
                   "clamp": True},
        "decode": decode,
        "edge": edges,
        "outputs": output_refs(out, root),
    }
    (out / "parity.json").write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
