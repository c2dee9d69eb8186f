#!/usr/bin/env python3
"""Writes the picture fixtures of Tests/MediaTests/Fixtures/image/ and their Pillow references.

usage: python3 tools/ref/image_fixtures.py SKIMAGE_DATA_FOLDER

From real pictures of the scikit-image 0.24.0 wheel (skimage/data/, fetched by
tools/fetch_media.sh into tools/.media/skimage/skimage/data):
- orient-K.jpg (K = 1…8): a 40×24 crop of chelsea.png stored as EXIF orientation K says it was
  shot (the upright picture turned by the inverse of K's transform) with the Orientation tag K,
  JPEG quality 95, 4:2:0 (orient-5-444.jpg: the same with 4:4:4 chroma, orient-6-422.jpg
  orientation 6 with 4:2:2 chroma);
- first-frame.gif: that crop as a 2-frame animated GIF (64-colour palettes; frame 2 mirrored);
- lossless.webp / lossy.webp: a 40×24 crop of astronaut.png, WebP lossless / quality 90;
- NAME.rgb: what Pillow gives for NAME (Image.open, ImageOps.exif_transpose, first frame,
  convert("RGB")): height·width·3 bytes, row-major RGB, at the upright size;
- references.json: each fixture's upright width and height and the Pillow version.
Tools: Python 3.11, Pillow (its version is recorded), numpy not needed.
"""
import json
import os
import sys

import PIL
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "MediaTests", "Fixtures",
                   "image")
# The stored pixels of orientation K are the upright picture turned by the inverse of what
# exif_transpose applies for K (2, 3, 4, 5, 7 are their own inverses; 6 and 8 swap).
STORE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def reference(name):
    """Pillow's upright RGB of a fixture, written next to it; returns (width, height)."""
    with Image.open(os.path.join(OUT, name)) as image:
        image.seek(0)
        upright = ImageOps.exif_transpose(image).convert("RGB")
    with open(os.path.join(OUT, os.path.splitext(name)[0] + ".rgb"), "wb") as raw:
        raw.write(upright.tobytes())
    return upright.size


def jpeg_with_orientation(upright, k, name, subsampling):
    stored = upright.transpose(STORE[k]) if k in STORE else upright
    exif = Image.Exif()
    exif[0x0112] = k
    stored.save(os.path.join(OUT, name), "JPEG", quality=95, subsampling=subsampling,
                exif=exif.tobytes())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    with Image.open(os.path.join(data, "chelsea.png")) as cat:
        upright = cat.convert("RGB").crop((140, 60, 340, 180)).resize((40, 24), Image.BOX)
    sizes = {}
    for k in range(1, 9):
        jpeg_with_orientation(upright, k, f"orient-{k}.jpg", 2)
    jpeg_with_orientation(upright, 5, "orient-5-444.jpg", 0)
    jpeg_with_orientation(upright, 6, "orient-6-422.jpg", 1)
    # Two palette frames (the crop, then it mirrored): the reader must give the first.
    first = upright.quantize(colors=64)
    second = upright.transpose(Image.Transpose.FLIP_LEFT_RIGHT).quantize(colors=64)
    first.save(os.path.join(OUT, "first-frame.gif"), save_all=True, append_images=[second],
               duration=100, loop=0)
    with Image.open(os.path.join(data, "astronaut.png")) as astronaut:
        face = astronaut.convert("RGB").crop((160, 40, 360, 160)).resize((40, 24), Image.BOX)
    face.save(os.path.join(OUT, "lossless.webp"), "WEBP", lossless=True)
    face.save(os.path.join(OUT, "lossy.webp"), "WEBP", quality=90)
    for name in sorted(os.listdir(OUT)):
        if os.path.splitext(name)[1] in (".jpg", ".gif", ".webp"):
            sizes[name] = reference(name)
    with open(os.path.join(OUT, "references.json"), "w") as out:
        json.dump({"pillow": PIL.__version__, "python": sys.version.split()[0],
                   "sizes": {name: {"width": w, "height": h} for name, (w, h) in sizes.items()}},
                  out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
