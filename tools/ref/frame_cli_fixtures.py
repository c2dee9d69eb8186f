#!/usr/bin/env python3
"""Makes the burned-index video fixtures and the pixel-parity images with the ffmpeg CLI.

Writes into Tests/MediaTests/Fixtures/video/cli/ (clips, PNG images) and cli.json (expectations).
Tools (record of the versions that made the committed files): Debian 12's ffmpeg/ffprobe CLI
(`ffmpeg -version` is stored in cli.json; 5.1.x, libswscale 6.7), Python 3.11, numpy, Pillow.
The footage is FFmpeg's own `testsrc2` pattern (moving, coloured) plus bunny_30fps.flv (made by
frame_fixtures.py) for the resize images. Run: python3 tools/ref/frame_cli_fixtures.py

Every clip frame carries its decoded index burned in by `drawbox` filters: a black strip of STRIP
rows along the bottom, then bit b of the frame number n as a white cell CELL pixels wide at
x = b·CELL. The script decodes each clip with the CLI and checks that frame i reads back as i.

Clips:
  h264_30fps.mp4      3.5 s, 30 fps, 144x96, H.264 with B-frames.
  h264_2997fps.mp4    10.5 s, 30000/1001 fps, 144x96, H.264 with B-frames.
  vp9_25fps.webm      3.5 s, 25 fps, 145x97 (odd size), VP9.
  vfr.mkv             100 frames with irregular times and a 1.6 s gap (Matroska, 1 ms ticks).
  remux.ts            h264_30fps.mp4 remuxed to MPEG-TS with `-c copy` (start time 1.4 s).
  rotated.mp4         h264_30fps.mp4 remuxed with a 90° display matrix (`rotate=90`), as a phone;
                      rotated_180.mp4 and rotated_270.mp4 likewise with 180° and 270°.
  one_frame.mp4       a single H.264 frame.
  damaged.mp4         h264_30fps.mp4 with 3000 bytes in the middle of the file overwritten by
                      random.Random(5) bytes: packets midway cannot be decoded. Recorded: the
                      times of the frames the CLI decodes (ffprobe) and the first-of-second picks
                      among them.
For each: every frame's time from the stream start (ffprobe best_effort_timestamp minus the stream
start_time), the picks of first-of-second (first frame with t >= k), reference-index (frame count
% int(avg_frame_rate) == 0) and ffmpeg-fps: what `ffmpeg -i clip -vf fps=1` outputs, read back by
the burned index of each output frame (`-fps_mode passthrough`, as for image2 output such as
`ffmpeg -i clip -vf fps=1 out_%05d.jpg`).

Images (rgb24 PNG from the CLI; SWS = flags=<scaler>+accurate_rnd+full_chroma_int):
  <clip>_n<K>.png        frame K at its native size: -vf select=eq(n\\,K),scale=iw:ih:SWS
                         (rotated*.mp4: after the CLI's autorotation, 96x144 or 144x96).
  bunny_n30_<mode>.png   frame 30 of bunny_30fps.flv resized: stretch to 224x224 with bilinear,
                         to 160x120 bicubic, to 112x84 area; crop: scale=299:224 bilinear then
                         crop=224:224 (shorter side to 224, centre crop).
"""
import json
import os
import random
import subprocess

import numpy as np
from PIL import Image

CELL = 16
STRIP = 16
SWS = "accurate_rnd+full_chroma_int"


def run(args, binary=False):
    """Runs a CLI command and returns its stdout."""
    result = subprocess.run(args, check=True, capture_output=True)
    return result.stdout if binary else result.stdout.decode()


def burn(bits):
    """The drawbox chain that burns frame number n as `bits` cells along the bottom."""
    chain = [f"drawbox=x=0:y=ih-{STRIP}:w=iw:h={STRIP}:color=black:t=fill"]
    for b in range(bits):
        chain.append(f"drawbox=x={b * CELL}:y=ih-{STRIP}:w={CELL}:h={STRIP}:color=white:t=fill"
                     f":enable='mod(floor(n/{1 << b}),2)'")
    return ",".join(chain)


def read_index(rgb):
    """Reads the burned index from the centre of each cell."""
    height, width, _ = rgb.shape
    value = 0
    y0, y1 = height - STRIP + STRIP // 4, height - STRIP // 4
    for b in range(width // CELL):
        x0, x1 = b * CELL + CELL // 4, (b + 1) * CELL - CELL // 4
        if rgb[y0:y1, x0:x1, :].mean() > 128:
            value |= 1 << b
    return value


def probe(path):
    """Stream facts and every frame's best-effort time from the stream start."""
    info = json.loads(run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams",
                           "-show_frames", "-show_entries",
                           "frame=best_effort_timestamp_time:stream=width,height,"
                           "avg_frame_rate,start_time:stream_side_data", "-of", "json", path]))
    stream = info["streams"][0]
    start = float(stream["start_time"])
    times = [float(f["best_effort_timestamp_time"]) - start for f in info["frames"]]
    num, den = map(int, stream["avg_frame_rate"].split("/"))
    return stream, start, num / den, times


def cli_frames(path, vf=None):
    """The frames the CLI outputs as rgb24 (native size unless `vf` scales), as arrays."""
    args = ["ffmpeg", "-v", "error", "-i", path]
    if vf:
        args += ["-vf", vf]
    args += ["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = run(args, binary=True)
    shape = json.loads(run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height:stream_side_data=rotation", "-of", "json",
                            path]))["streams"][0]
    width, height = shape["width"], shape["height"]
    rotation = shape.get("side_data_list", [{}])[0].get("rotation", 0)
    if rotation in (90, -90, 270, -270):
        width, height = height, width
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    if rotation in (-90, 270):
        frames = np.rot90(frames, k=1, axes=(1, 2))
    elif rotation in (90, -270):
        frames = np.rot90(frames, k=-1, axes=(1, 2))
    elif rotation in (180, -180):
        frames = frames[:, ::-1, ::-1]
    return frames


def first_of_second(times):
    """For each whole second k, the first frame whose time is at or after k (at most once)."""
    picks, k = [], 0
    for i, t in enumerate(times):
        if t >= k - 1e-9:
            picks.append(i)
            k = int(np.floor(t + 1e-9)) + 1
    return picks


def describe(path):
    """The expectations of one clip; checks the burned indices on the way."""
    stream, start, rate, times = probe(path)
    decoded = cli_frames(path)
    assert len(decoded) == len(times), f"{path}: {len(decoded)} frames, {len(times)} times"
    for i, frame in enumerate(decoded):
        assert read_index(frame) == i, f"{path}: frame {i} reads back as {read_index(frame)}"
    fps1 = [read_index(frame) for frame in cli_frames(path, "fps=1")]
    step = max(1, int(rate))
    return {
        "frame_count": len(times), "width": stream["width"], "height": stream["height"],
        "average_rate": rate, "start_time": start,
        "times": [round(t, 6) for t in times],
        "first_of_second": first_of_second(times),
        "reference_index": [i for i in range(len(times)) if i % step == 0],
        "ffmpeg_fps": fps1,
    }


def encode(out, source, vf, codec_args, extra=()):
    """Encodes a lavfi source through `vf` with the given codec arguments."""
    run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-vf", vf, *codec_args,
         *extra, out])


def png(source, out, vf):
    """Writes the single frame the CLI outputs for `vf` as an rgb24 PNG."""
    run(["ffmpeg", "-v", "error", "-y", "-i", source, "-vf", vf, "-fps_mode", "passthrough",
         "-frames:v", "1", "-pix_fmt", "rgb24", out])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    video = os.path.join(here, "..", "..", "Tests", "MediaTests", "Fixtures", "video")
    out = os.path.join(video, "cli")
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    h264 = ["-c:v", "libx264", "-preset", "medium", "-crf", "30", "-bf", "3",
            "-pix_fmt", "yuv420p"]

    encode(p("h264_30fps.mp4"), "testsrc2=size=144x96:rate=30:duration=3.5", burn(9), h264)
    encode(p("h264_2997fps.mp4"), "testsrc2=size=144x96:rate=30000/1001:duration=10.5",
           burn(9), h264)
    encode(p("vp9_25fps.webm"), "testsrc2=size=146x98:rate=25:duration=3.5",
           "scale=145:97," + burn(9),
           ["-c:v", "libvpx-vp9", "-crf", "40", "-b:v", "0", "-deadline", "good",
            "-pix_fmt", "yuv420p"])
    vfr = ("setpts='if(lt(N,40),N/30,if(lt(N,60),2.9+(N-40)/15,4.3+(N-60)/24))/TB'")
    encode(p("vfr.mkv"), "testsrc2=size=144x96:rate=30:duration=3.334",
           burn(9) + "," + vfr, h264, ["-fps_mode", "passthrough"])
    run(["ffmpeg", "-v", "error", "-y", "-i", p("h264_30fps.mp4"), "-c", "copy",
         "-f", "mpegts", p("remux.ts")])
    for angle, name in [(90, "rotated.mp4"), (180, "rotated_180.mp4"), (270, "rotated_270.mp4")]:
        run(["ffmpeg", "-v", "error", "-y", "-i", p("h264_30fps.mp4"), "-c", "copy",
             "-metadata:s:v:0", f"rotate={angle}", p(name)])
    encode(p("one_frame.mp4"), "testsrc2=size=144x96:rate=30", burn(9), h264,
           ["-frames:v", "1"])

    data = bytearray(open(p("h264_30fps.mp4"), "rb").read())
    noise = random.Random(5)
    for i in range(len(data) // 2, len(data) // 2 + 3000):
        data[i] = noise.randrange(256)
    with open(p("damaged.mp4"), "wb") as handle:
        handle.write(bytes(data))

    expected = {"tool": run(["ffmpeg", "-version"]).splitlines()[0],
                "cell": CELL, "strip": STRIP, "sws_flags": SWS}
    for name in ["h264_30fps.mp4", "h264_2997fps.mp4", "vp9_25fps.webm", "vfr.mkv",
                 "remux.ts", "rotated.mp4", "rotated_180.mp4", "rotated_270.mp4",
                 "one_frame.mp4"]:
        expected[name] = describe(p(name))

    _, start, rate, times = probe(p("damaged.mp4"))
    expected["damaged.mp4"] = {"frame_count": len(times), "times": [round(t, 6) for t in times],
                               "first_of_second": first_of_second(times)}

    native = {"h264_30fps.mp4": 30, "vp9_25fps.webm": 50, "rotated.mp4": 30,
              "rotated_180.mp4": 60, "rotated_270.mp4": 90, "remux.ts": 60}
    expected["native_png"] = {}
    for name, k in native.items():
        image = f"{name.split('.')[0]}_n{k}.png"
        png(p(name), p(image), f"select=eq(n\\,{k}),scale=iw:ih:flags=bilinear+{SWS}")
        expected["native_png"][image] = {"clip": name, "index": k}

    bunny = os.path.join(video, "bunny_30fps.flv")
    resized = {"stretch_bilinear": "scale=224:224:flags=bilinear+" + SWS,
               "stretch_bicubic": "scale=160:120:flags=bicubic+" + SWS,
               "stretch_area": "scale=112:84:flags=area+" + SWS,
               "crop_bilinear": "scale=299:224:flags=bilinear+" + SWS + ",crop=224:224"}
    expected["resized_png"] = {}
    for mode, vf in resized.items():
        image = f"bunny_n30_{mode}.png"
        png(bunny, p(image), "select=eq(n\\,30)," + vf)
        width, height = Image.open(p(image)).size
        expected["resized_png"][image] = {"filter": vf, "width": width, "height": height}

    with open(os.path.join(video, "cli.json"), "w") as handle:
        json.dump(expected, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()
