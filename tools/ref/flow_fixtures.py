#!/usr/bin/env python3
"""Reference optical flow for the Farnebäck flow stage, computed with OpenCV.

Requires (pinned): opencv-python-headless==4.10.0.84, numpy==2.4.6; the Debian ffmpeg CLI.

usage: tools/ref/flow_fixtures.py VIDEO OUT_DIR

VIDEO is a real recording: the committed fixtures use the RGB video of a gesture of the
real-media NVGesture layout (tools/make_nvgesture_real.py), class_07/subject3_r1/sk_color.avi,
whose frames move by about 1-2 px at 112x112 (other recordings there hold repeated frames).
For each case the script takes two frames with the ffmpeg CLI, scaled to the case's size
and converted to gray (`scale=W:H:flags=bilinear,format=gray`), and runs
cv2.calcOpticalFlowFarneback(prev, next, None, 0.5, 3, 15, 3, 5, 1.2, 0) on them. It writes

    <case>.first.gray, <case>.second.gray   the frames, uint8 [H, W]
    <case>.flow.f16                          OpenCV's flow, little-endian float16 [H, W, 2]
    cases.json                               frame numbers, sizes, parameters, tool versions
"""

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

PARAMETERS = dict(pyr_scale=0.5, levels=3, winsize=15, iterations=3, poly_n=5, poly_sigma=1.2,
                  flags=0)
# (case, width, height, first frame, second frame)
CASES = [("real112", 112, 112, 40, 43), ("real256", 256, 256, 40, 41)]


def gray_frame(video, number, width, height):
    """Frame `number` (0-based decode order) of `video` as gray uint8 [height, width]."""
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(video), "-vf",
         f"select=eq(n\\,{number}),scale={width}:{height}:flags=bilinear,format=gray",
         "-fps_mode", "passthrough", "-frames:v", "1", "-f", "rawvideo", "-"],
        capture_output=True, check=True)
    data = np.frombuffer(result.stdout, dtype=np.uint8)
    if data.size != width * height:
        sys.exit(f"flow_fixtures: frame {number} of {video}: {data.size} bytes")
    return data.reshape(height, width)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    video, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True,
                            check=True).stdout.splitlines()[0]
    cases = []
    for name, width, height, first, second in CASES:
        a = gray_frame(video, first, width, height)
        b = gray_frame(video, second, width, height)
        flow = cv2.calcOpticalFlowFarneback(a, b, None, **PARAMETERS)
        (out / f"{name}.first.gray").write_bytes(a.tobytes())
        (out / f"{name}.second.gray").write_bytes(b.tobytes())
        (out / f"{name}.flow.f16").write_bytes(flow.astype("<f2").tobytes())
        magnitude = np.hypot(flow[..., 0], flow[..., 1])
        cases.append(dict(name=name, width=width, height=height, frames=[first, second],
                          mean_magnitude=float(magnitude.mean()),
                          max_magnitude=float(magnitude.max())))
        print(f"{name}: mean |flow| {magnitude.mean():.3f} px, max {magnitude.max():.3f} px")
    info = dict(video=video.name, parameters=PARAMETERS, cases=cases, opencv=cv2.__version__,
                numpy=np.__version__, ffmpeg=ffmpeg)
    (out / "cases.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
