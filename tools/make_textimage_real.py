#!/usr/bin/env python3
"""Build a Sarcasm layout and a Twitter15 layout from real tweets and real photos.

usage: python3 tools/make_textimage_real.py OUT_DIR [--media tools/.media]

Texts: the tweets of `tweets_GroundTruth.txt` (vaderSentiment 3.3.2 sdist,
additional_resources/hutto_ICWSM_2014.tar.gz; tools/fetch_media.sh unpacks it into
MEDIA/vader/). Line n of that file (blank lines skipped) is line n of the committed tokenizer
fixture Tests/TextTests/Fixtures/corpus/tweets.txt, whose reference ids are tweets.ids; EXPECTED
records n for every row. Labels come from the sign of the mean human score: Sarcasm 1 for > 0,
else 0; Twitter15 0 negative, 1 exactly 0, 2 positive. Tweets holding a tab or CR are skipped.

Pictures: photos of the scikit-image 0.24.0 wheel (skimage/data/, MEDIA/skimage/), as they ship
(PNG, JPEG, RGBA PNG, grey PNG, an animated GIF) plus copies Pillow makes of them: JPEG quality
90, lossy WebP, and JPEGs stored turned with an EXIF Orientation tag (3, 6, 8; one 8 with
4:2:2 chroma). Row i gets
variant i mod the number of variants (each row its own file name, hard-linked).

  OUT/sarcasm/annotations/{train,valid,test}_data.tsv   header `ImageID  String  Label`
  OUT/sarcasm/sarcasm/images/<id>.<ext>                  id = 4-digit tweet line
  OUT/twitter15/annotations/{train,dev,test}.tsv        TomBERT: `index  #1 Label  #2 ImageID
                                                         #3 String  #3 String` with $T$
  OUT/twitter15/Twitter15/twitter2015_images/<name>
  OUT/sarcasm-raw/text/{train,valid,test}.txt          raw form: repr(['r<line>', text, label])
  OUT/sarcasm-raw/sarcasm/images/r<line>.jpg             (any format under the .jpg name)
  OUT/reference/<variant>.rgb   Pillow: open, first frame, ImageOps.exif_transpose,
                                convert("RGB"), resize((224, 224), BILINEAR): 224·224·3 bytes
  OUT/EXPECTED.json             per dataset: rows (id → split, label, line, variant), rows
                                dropped per split (image missing), planted bad rows; versions.

Planted problems per dataset: two rows of train and one of test whose image is missing, one row
with an unknown label, one row with too few fields. Deterministic; a rerun rewrites the same
files. Tools: Python 3.11 standard library and Pillow (version recorded in EXPECTED.json).
"""
import argparse
import json
import os
import shutil
import sys

import PIL
from PIL import Image, ImageOps

ROWS = {"train": 60, "valid": 15, "test": 25}
TWITTER_FILES = {"train": "train", "valid": "dev", "test": "test"}
SIZE = (224, 224)
STORE = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
         8: Image.Transpose.ROTATE_270}


def tweets(media):
    """(line, score, text) of every tweet, lines counted as the fixture counts them."""
    path = os.path.join(media, "vader", "tweets_GroundTruth.txt")
    with open(path, "rb") as raw:
        lines = raw.read().decode("utf-8").split("\n")
    rows = []
    for line in lines:
        line = line.rstrip("\r")
        if line:
            _, score, text = line.split("\t", 2)
            rows.append((len(rows), float(score), text))
    return rows


def variants(media, folder):
    """Writes the picture variants into folder; returns [(name, extension)]."""
    data = os.path.join(media, "skimage", "skimage", "data")
    os.makedirs(folder, exist_ok=True)
    made = []

    def copy(source, name):
        extension = os.path.splitext(source)[1]
        shutil.copyfile(os.path.join(data, source), os.path.join(folder, name + extension))
        made.append((name, extension))

    def save(source, name, extension, **options):
        with Image.open(os.path.join(data, source)) as image:
            picture = image.convert("RGB")
            orientation = options.pop("orientation", None)
            if orientation:
                exif = Image.Exif()
                exif[0x0112] = orientation
                picture = picture.transpose(STORE[orientation])
                options["exif"] = exif.tobytes()
            picture.save(os.path.join(folder, name + extension), **options)
        made.append((name, extension))

    copy("chelsea.png", "chelsea-png")
    copy("rocket.jpg", "rocket-jpg")
    save("astronaut.png", "astronaut-q90", ".jpg", quality=90)
    copy("camera.png", "camera-grey-png")
    save("coffee.png", "coffee-q90", ".jpg", quality=90)
    copy("logo.png", "logo-rgba-png")
    save("chelsea.png", "chelsea-exif6", ".jpg", quality=90, orientation=6)
    copy("hubble_deep_field.jpg", "hubble-jpg")
    save("coffee.png", "coffee-webp", ".webp", quality=85)
    save("rocket.jpg", "rocket-exif8", ".jpg", quality=90, orientation=8)
    copy("no_time_for_that_tiny.gif", "animated-gif")
    save("motorcycle_left.png", "motorcycle-exif3", ".jpg", quality=90, orientation=3)
    save("color.png", "color-q90", ".jpg", quality=90)
    save("coffee.png", "coffee-exif8-422", ".jpg", quality=90, orientation=8, subsampling=1)
    return made


def reference(folder, name, extension, out):
    with Image.open(os.path.join(folder, name + extension)) as image:
        image.seek(0)
        upright = ImageOps.exif_transpose(image).convert("RGB")
    with open(os.path.join(out, name + ".rgb"), "wb") as raw:
        raw.write(upright.resize(SIZE, Image.Resampling.BILINEAR).tobytes())


def place(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def target_word(text):
    """The first all-letter word of at least four letters, for TomBERT's $T$."""
    for word in text.split(" "):
        if len(word) >= 4 and word.isalpha() and "$T$" not in text:
            return word
    return None


def build(kind, root, pool, made, pictures, start):
    """Writes one layout; returns its EXPECTED entry."""
    shutil.rmtree(root, ignore_errors=True)
    images = os.path.join(root, "sarcasm/images" if kind == "sarcasm"
                          else "Twitter15/twitter2015_images")
    os.makedirs(images)
    os.makedirs(os.path.join(root, "annotations"))
    rows, dropped, bad = {}, {}, []
    cursor = start
    for split, count in ROWS.items():
        if kind == "sarcasm":
            lines = ["ImageID\tString\tLabel"]
        else:
            lines = ["index\t#1 Label\t#2 ImageID\t#3 String\t#3 String"]
        written = 0
        while written < count:
            line, score, text = pool[cursor]
            cursor += 1
            word = target_word(text) if kind == "twitter15" else ""
            if word is None:
                continue
            name, extension = made[(cursor - start) % len(made)]
            ident = f"{line:04d}"
            image = ident + extension
            if kind == "sarcasm":
                label = 1 if score > 0 else 0
                lines.append(f"{image}\t{text}\t{label}")
            else:
                label = 0 if score < 0 else (1 if score == 0 else 2)
                sentence = text.replace(word, "$T$", 1)
                ident = f"t{line:04d}"
                lines.append(f"{ident}\t{label}\t{image}\t{sentence}\t{word}")
            missing = (split == "train" and written in (3, 17)) or (split == "test"
                                                                    and written == 5)
            if missing:
                dropped[split] = dropped.get(split, 0) + 1
            else:
                place(os.path.join(pictures, name + extension), os.path.join(images, image))
                rows[ident] = {"split": split, "label": label, "line": line, "variant": name}
            written += 1
        if split == "train":
            line, _, text = pool[cursor]
            cursor += 1
            image = f"{line:04d}.jpg"
            place(os.path.join(pictures, made[0][0] + made[0][1]), os.path.join(images, image))
            if kind == "sarcasm":
                lines.append(f"{image}\t{text}\t7")
            else:
                first = text.split(" ")[0]
                lines.append(f"t{line:04d}\t7\t{image}\t{text.replace(first, '$T$', 1)}"
                             f"\t{first}")
            bad.append({"code": "unknown-label", "id": f"{line:04d}" if kind == "sarcasm"
                        else f"t{line:04d}"})
            lines.append("only-one-field")
            bad.append({"code": "bad-row", "line": len(lines)})
        name = f"{split}_data.tsv" if kind == "sarcasm" else f"{TWITTER_FILES[split]}.tsv"
        with open(os.path.join(root, "annotations", name), "w", encoding="utf-8",
                  newline="\n") as out:
            out.write("\n".join(lines) + "\n")
    return {"rows": rows, "dropped": dropped, "bad": bad}, cursor


def build_raw(root, pool, made, pictures, start):
    """Sarcasm's raw form: text/<split>.txt with one Python list literal per line (repr of
    ['id', 'text', label], as the reference's converted files), images <id>.jpg whatever their
    format. No planted problems; returns its EXPECTED entry."""
    shutil.rmtree(root, ignore_errors=True)
    images = os.path.join(root, "sarcasm", "images")
    os.makedirs(images)
    os.makedirs(os.path.join(root, "text"))
    rows, cursor = {}, start
    for split, count in ROWS.items():
        lines = []
        for _ in range(count):
            line, score, text = pool[cursor]
            cursor += 1
            name, extension = made[(cursor - start) % len(made)]
            ident = f"r{line:04d}"
            label = 1 if score > 0 else 0
            lines.append(repr([ident, text, label]))
            place(os.path.join(pictures, name + extension), os.path.join(images, ident + ".jpg"))
            rows[ident] = {"split": split, "label": label, "line": line, "variant": name}
        with open(os.path.join(root, "text", f"{split}.txt"), "w", encoding="utf-8",
                  newline="\n") as out:
            out.write("\n".join(lines) + "\n")
    return {"rows": rows, "dropped": {}, "bad": []}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--media", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), ".media"))
    args = parser.parse_args()
    pool = [row for row in tweets(args.media) if "\t" not in row[2] and "\r" not in row[2]]
    pictures = os.path.join(args.out, "pictures")
    shutil.rmtree(pictures, ignore_errors=True)
    made = variants(args.media, pictures)
    reference_folder = os.path.join(args.out, "reference")
    os.makedirs(reference_folder, exist_ok=True)
    for name, extension in made:
        reference(pictures, name, extension, reference_folder)
    expected = {"pillow": PIL.__version__, "python": sys.version.split()[0],
                "vader": "vaderSentiment 3.3.2", "skimage": "scikit-image 0.24.0",
                "variants": [name for name, _ in made]}
    expected["sarcasm"], cursor = build("sarcasm", os.path.join(args.out, "sarcasm"), pool,
                                        made, pictures, 0)
    expected["twitter15"], cursor = build("twitter15", os.path.join(args.out, "twitter15"),
                                          pool, made, pictures, cursor)
    expected["sarcasm_raw"] = build_raw(os.path.join(args.out, "sarcasm-raw"), pool, made,
                                        pictures, cursor)
    with open(os.path.join(args.out, "EXPECTED.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")
    print(args.out)


if __name__ == "__main__":
    main()
