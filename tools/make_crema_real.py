#!/usr/bin/env python3
"""Build a CREMA-D-layout folder from real speech and video shipped by Debian and PyPI packages.

usage: tools/make_crema_real.py OUT_DIR [--clips N] [--with-bad] [--seed S]

Clip names and labels come from the real OGM-GE split lists in Tests/Fixtures/cremad/. The media
are stand-ins made with the Debian ffmpeg CLI from the recordings that tools/fetch_media.sh puts in
tools/.media/:

  AudioWAV/<clip>.wav        16 kHz mono 16-bit PCM speech. Each emotion draws its prompts from its
                             own source (NEU en, HAP es, SAD fr, FEA it, DIS ru Asterisk prompts;
                             ANG the ALSA voice clips and spoken English digit strings), so audio
                             carries the class.
  VideoFlash/<clip>.flv      flv1, 480x360, 30 fps, 2-4 s cut from real videos; the emotion picks
                             the source video for 60 % of clips, the rest are random (a weaker
                             visual class signal). About 2/3 carry an MP3 copy of the speech.
  Image-01-FPS/<clip>/       for half of the clips: frames n with n % 30 == 0 of the FLV, saved as
                             JPEG named {n:05d}.jpg at the FLV's size, as the OGM-GE extractor does.
  annotations/{train,test}.csv   header-less `clip,EMOTION` rows with CRLF line ends.
  EXPECTED.json              counts, first ids and, with --with-bad, the expected finding per bad
                             clip; SOURCES.json records where each clip's media came from.

Standard library only; everything is seeded, so a rerun gives byte-identical files. When
OUT_DIR/.stamp matches the parameters, the script exits at once.
"""

import argparse
import concurrent.futures
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import crema_plan  # noqa: E402  (sibling module, found through the path entry above)

TOOLS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TOOLS_DIR.parent
SPLIT_DIR = REPO_ROOT / "Tests" / "Fixtures" / "cremad"
FPS = 30
WORKERS = 2


def log(message):
    print(f"make_crema_real: {message}", file=sys.stderr, flush=True)


def die(message):
    log(f"error: {message}")
    sys.exit(1)


def run(cmd, what):
    """Run a command quietly; on failure stop with its last lines of output."""
    result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        die(f"{what} failed (exit {result.returncode}): {tail}")
    return result.stdout


def ensure_ffmpeg():
    """Install Debian's ffmpeg (ffmpeg + ffprobe CLIs) with apt-get when it is missing."""
    if shutil.which("ffmpeg") and shutil.which("ffprobe"):
        return

    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                      "-o", "DPkg::Lock::Timeout=300", "ffmpeg"]
    log("installing ffmpeg with apt-get")
    first = subprocess.run(install, env=env, capture_output=True, text=True)
    if first.returncode != 0:
        log("apt-get install failed; running apt-get update once and retrying")
        subprocess.run(sudo + ["apt-get", "update", "-qq", "-o", "DPkg::Lock::Timeout=300"],
                       env=env, capture_output=True, text=True)
        second = subprocess.run(install, env=env, capture_output=True, text=True)
        if second.returncode != 0:
            die("apt-get install ffmpeg failed: " + second.stderr.strip()[-400:])
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        die("ffmpeg was installed but ffmpeg/ffprobe are not on PATH")


def ffmpeg_version():
    return run(["ffmpeg", "-version"], "ffmpeg -version").splitlines()[0]


def fetch_media():
    """Run fetch_media.sh (a no-op when everything is there) and return the media folder."""
    out = run(["bash", str(TOOLS_DIR / "fetch_media.sh")], "tools/fetch_media.sh")
    return Path(out.strip().splitlines()[-1])


def probe_duration(path):
    out = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
               "format=duration", "-of", "default=nw=1:nk=1", str(path)], f"ffprobe {path}")
    return float(out.strip())


BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            "-map_metadata", "-1"]


def make_wav(spec, dest, work):
    """Concatenate the prompt files of `spec` and convert them to 16 kHz mono s16 PCM WAV."""
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1"]
    if len(spec["inputs"]) == 1:
        cmd += ["-i", spec["inputs"][0]]
    else:
        listing = work / (dest.stem + ".concat.txt")
        listing.write_text("".join(f"file '{p}'\n" for p in spec["inputs"]))
        cmd += ["-f", "concat", "-safe", "0", "-i", str(listing)]
    if spec.get("seconds"):
        cmd += ["-t", f"{spec['seconds']:.3f}"]
    cmd += ["-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"] + BITEXACT + [str(dest)]
    run(cmd, f"ffmpeg (audio {dest.name})")


def make_flv(spec, wav, dest):
    """Cut `spec["seconds"]` of the source video and re-encode it as 480x360 30 fps flv1."""
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1",
           "-ss", f"{spec['start']:.3f}", "-i", spec["source"]]
    if spec["audio_track"] and wav is not None:
        # The MP3 encoder's start padding would get negative timestamps, which FLV cannot
        # store: the muxer would then shift the video too. Delaying the speech by 60 ms keeps
        # the first video frame at t = 0, like a camera file.
        cmd += ["-itsoffset", "0.060", "-i", str(wav), "-map", "0:v:0", "-map", "1:a:0",
                "-c:a", "libmp3lame", "-ar", "22050", "-ac", "1", "-b:a", "32k"]
    else:
        cmd += ["-map", "0:v:0", "-an"]
    frames = round(spec["seconds"] * FPS)
    cmd += ["-vf", "scale=480:360:force_original_aspect_ratio=increase,crop=480:360,"
                   f"fps={FPS},setpts=N/({FPS}*TB),setsar=1",
            "-frames:v", str(frames), "-t", f"{frames / FPS:.4f}",
            "-c:v", "flv", "-q:v", "10", "-g", str(FPS),
            "-threads", "1"] + BITEXACT + [str(dest)]
    run(cmd, f"ffmpeg (video {dest.name})")


def extract_frames(flv, folder):
    """Keep every frame n with n % int(fps) == 0 of the FLV as {n:05d}.jpg (OGM-GE's rule)."""
    folder.mkdir(parents=True)
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-threads", "1", "-i", str(flv),
           "-vf", f"select=not(mod(n\\,{FPS}))", "-fps_mode", "passthrough", "-q:v", "2",
           "-start_number", "0"] + BITEXACT + [str(folder / "seq-%05d.jpg")]
    run(cmd, f"ffmpeg (frames of {flv.name})")
    for seq in sorted(folder.glob("seq-*.jpg")):
        index = int(seq.stem.split("-")[1]) * FPS
        seq.rename(folder / f"{index:05d}.jpg")


def build_clip(clip, root, work):
    """Write every file of one planned clip (normal or deliberately broken)."""
    wav = root / "AudioWAV" / f"{clip['id']}.wav"
    flv = root / "VideoFlash" / f"{clip['id']}.flv"
    frames = root / "Image-01-FPS" / clip["id"]

    kind = clip["audio"]["kind"]
    if kind == "prompts":
        make_wav(clip["audio"], wav, work)
    elif kind == "lfs-pointer":
        wav.write_text(crema_plan.lfs_pointer_text(clip["id"]))
    elif kind == "header-only":
        wav.write_bytes(crema_plan.empty_wav_bytes(16000))
    have_wav = kind == "prompts" and wav.exists()

    video = clip["video"]
    if video["kind"] == "flv":
        make_flv(video, wav if have_wav else None, flv)
    elif video["kind"] == "text":
        flv.write_text(crema_plan.NOT_VIDEO_TEXT)

    if clip["frames"] == "extract":
        extract_frames(flv, frames)
    elif clip["frames"] == "empty":
        frames.mkdir(parents=True)


def write_csv(path, rows, bom):
    data = "".join(f"{clip},{label}\r\n" for clip, label in rows).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def folder_size(root):
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def stamp_text(args, ffmpeg_line):
    digest = hashlib.sha256()
    for path in (Path(__file__).resolve(), TOOLS_DIR / "crema_plan.py",
                 TOOLS_DIR / "fetch_media.sh", SPLIT_DIR / "train.csv", SPLIT_DIR / "test.csv"):
        digest.update(path.read_bytes())
    params = {"clips": args.clips, "with_bad": args.with_bad, "seed": args.seed,
              "ffmpeg": ffmpeg_line, "inputs_sha256": digest.hexdigest()}
    return json.dumps(params, sort_keys=True) + "\n"


def is_current(out, stamp):
    """True (and the folder printed) when OUT_DIR was built with exactly these parameters."""
    stamp_file = out / ".stamp"
    if stamp_file.is_file() and stamp_file.read_text() == stamp:
        log(f"up to date ({out})")
        print(out)
        return True
    return False


def prepare_target(out):
    """Refuse to replace a folder this script did not make; remove an outdated one of ours."""
    if out.exists():
        if not out.is_dir():
            die(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / ".stamp").is_file():
            die(f"{out} is not empty and has no .stamp from this script; refusing to replace it")
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    return partial


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--clips", type=int, default=120,
                        help="valid clips (default 120: 90 train, 30 test)")
    parser.add_argument("--with-bad", action="store_true",
                        help="also add the real-world bad cases and a UTF-8 BOM in train.csv")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    if args.clips < 12:
        die("--clips must be at least 12 (every emotion in both splits)")
    started = time.monotonic()
    out = args.out_dir.resolve()

    ensure_ffmpeg()
    stamp = stamp_text(args, ffmpeg_version())
    if is_current(out, stamp):
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = open(out.with_name(f".{out.name}.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    if is_current(out, stamp):
        return
    media = fetch_media()

    durations = {src: probe_duration(media / src) for src in crema_plan.all_video_sources()}
    plan = crema_plan.make_plan(SPLIT_DIR, media, durations, args.clips, args.with_bad,
                                args.seed)
    partial = prepare_target(out)
    work = partial / ".work"
    for sub in ("annotations", "AudioWAV", "VideoFlash", "Image-01-FPS", ".work"):
        (partial / sub).mkdir(parents=True, exist_ok=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        jobs = [pool.submit(build_clip, clip, partial, work) for clip in plan["clips"]]
        for job in jobs:
            job.result()
    shutil.rmtree(work)

    write_csv(partial / "annotations" / "train.csv", plan["rows"]["train"], args.with_bad)
    write_csv(partial / "annotations" / "test.csv", plan["rows"]["test"], False)
    (partial / "EXPECTED.json").write_text(json.dumps(plan["expected"], indent=2) + "\n")
    (partial / "SOURCES.json").write_text(json.dumps(plan["sources"], indent=1) + "\n")
    (partial / ".stamp").write_text(stamp)
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)

    count, size = folder_size(out)
    bad = len(plan["expected"]["bad"])
    log(f"{args.clips} clips + {bad} bad cases, {count} files, {size / 1e6:.1f} MB in "
        f"{time.monotonic() - started:.1f} s -> {out}")
    print(out)


if __name__ == "__main__":
    main()
