#!/usr/bin/env python3
"""Reads amss shards with h5py and checks docs/CASES.md H1-H4 independently of amss.

    python3 tools/ref/h5py_check.py CACHE_FOLDER [--present] [--readme README.md]

Needs h5py and numpy (pinned in tools/requirements.txt: h5py==3.16.0, numpy==2.4.6); the
README check also uses torch when it is installed (a CPU-only wheel is enough).

For every shard the manifest lists (or, with --present, every finished shard file on disk,
ignoring *.tmp, while prep may still be writing), it checks:
  H1  `ids` is a variable-length UTF-8 string dataset and `.asstr()` returns str; the root
      attributes config_key and classes read back as str;
  H2  the file opens in h5py and (with a manifest) its SHA-256 is the manifest's;
  H4  label int64 [N], audio float32 [N, F, T], frames uint8 [N, T, H, W, 3], frame_count
      int32 [N], each chunked one sample per chunk, with exactly N chunks;
and prints one JSON object: the h5py/HDF5 versions, per shard the ids, dtypes, shapes, chunk
shapes and a SHA-256 of each dataset's values (little-endian bytes in C order; ids as UTF-8
joined by newlines), so several processes (H3) and amss itself can be compared. Exit 1 on any
problem.

--readme runs the PyTorch Dataset snippet of the README (the python block under "A PyTorch
Dataset") on the cache's train split and checks every sample against h5py reads.
"""
import hashlib
import json
import os
import re
import sys
import types

import h5py
import numpy as np

EXPECTED = {
    "label": ("<i8", 1),
    "audio": ("<f4", 3),
    "frames": ("|u1", 5),
    "frame_count": ("<i4", 1),
}


def digest_values(dataset):
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return hashlib.sha256("\n".join(dataset.asstr()[:]).encode("utf-8")).hexdigest()
    values = np.ascontiguousarray(dataset[...])
    return hashlib.sha256(values.astype(values.dtype.newbyteorder("<")).tobytes()).hexdigest()


def check_shard(path, manifest, entry, problems):
    def problem(code, reason):
        problems.append({"path": path, "code": code, "reason": reason})

    report = {"file": os.path.relpath(path, os.path.dirname(os.path.dirname(path)))}
    if entry is not None:
        with open(path, "rb") as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
        if actual != entry["sha256"]:
            problem("H2", f"sha256 {actual}, manifest says {entry['sha256']}")
    try:
        shard = h5py.File(path, "r")
    except OSError as error:
        problem("H2", f"h5py cannot open it: {error}")
        return report
    with shard:
        ids = shard["ids"]
        info = h5py.check_string_dtype(ids.dtype)
        if info is None or info.encoding != "utf-8" or info.length is not None:
            problem("H1", f"ids dtype {ids.dtype} is not variable-length UTF-8")
        names = list(ids.asstr()[:])
        if not all(isinstance(name, str) for name in names):
            problem("H1", "ids.asstr() did not return str")
        count = len(names)
        if entry is not None and count != entry["samples"]:
            problem("H1", f"{count} ids, manifest says {entry['samples']}")
        key = shard.attrs.get("config_key")
        classes = list(shard.attrs.get("classes", []))
        if not isinstance(key, str) or not all(isinstance(c, str) for c in classes):
            problem("H1", "root attributes config_key/classes are not str")
        if manifest is not None and (key != manifest["config_key"]
                                     or classes != manifest["classes"]):
            problem("H1", f"attributes config_key={key} classes={classes} differ from manifest")
        report.update(ids=names, config_key=key, classes=classes, dtypes={}, shapes={},
                      chunks={}, digests={"ids": digest_values(ids)})
        for name, (dtype, rank) in EXPECTED.items():
            if name not in shard:
                problem("H4", f"no dataset {name}")
                continue
            dataset = shard[name]
            report["dtypes"][name] = dataset.dtype.str
            report["shapes"][name] = list(dataset.shape)
            report["chunks"][name] = list(dataset.chunks) if dataset.chunks else None
            report["digests"][name] = digest_values(dataset)
            if dataset.dtype.str != dtype or dataset.ndim != rank or dataset.shape[0] != count:
                problem("H4", f"{name} is {dataset.dtype.str} {dataset.shape}, expected "
                        f"{dtype} of rank {rank} with {count} samples")
            if dataset.chunks != (1,) + dataset.shape[1:]:
                problem("H4", f"{name} chunks {dataset.chunks}, expected one sample per chunk")
            elif dataset.id.get_num_chunks() != count:
                problem("H4", f"{name} has {dataset.id.get_num_chunks()} chunks for {count} "
                        "samples")
        if "frames" in shard and "frame_count" in shard:
            counts = shard["frame_count"][:]
            if counts.size and (counts.min() < 1 or counts.max() > shard["frames"].shape[1]):
                problem("H4", f"frame_count {counts.tolist()} outside 1..T")
    return report


def check_readme(readme, folder, problems):
    text = open(readme, encoding="utf-8").read()
    section = text.split("A PyTorch Dataset", 1)[-1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    if match is None:
        problems.append({"path": readme, "code": "readme", "reason": "no python block"})
        return None
    code = match.group(1)
    lines = [line for line in code.strip().splitlines() if line.strip()]
    try:
        import torch
    except ImportError:
        torch = None
        # A stand-in with the two names the snippet uses, so its h5py part runs without torch.
        stand_in = types.ModuleType("torch")
        stand_in.utils = types.SimpleNamespace(data=types.SimpleNamespace(Dataset=object))
        stand_in.from_numpy = np.asarray
        sys.modules["torch"] = stand_in
    namespace = {}
    exec(compile(code, readme, "exec"), namespace)
    dataset = namespace["CacheSplit"](folder, "train")
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    expected = sum(entry["samples"] for entry in manifest["splits"]["train"])
    if len(dataset) != expected:
        problems.append({"path": readme, "code": "readme",
                         "reason": f"len {len(dataset)}, manifest has {expected}"})
    index = 0
    for entry in manifest["splits"]["train"]:
        with h5py.File(os.path.join(folder, entry["file"]), "r") as shard:
            for row in range(entry["samples"]):
                audio, frames, label = dataset[index]
                count = int(shard["frame_count"][row])
                same = (np.array_equal(np.asarray(audio), shard["audio"][row])
                        and np.array_equal(np.asarray(frames), shard["frames"][row, :count])
                        and int(label) == int(shard["label"][row]))
                if not same:
                    problems.append({"path": readme, "code": "readme",
                                     "reason": f"sample {index} differs from h5py's read"})
                index += 1
    result = {"lines": len(lines), "samples": index, "torch": None}
    if torch is None:
        return result
    fresh = namespace["CacheSplit"](folder, "train")  # no handles opened before the fork
    loader = torch.utils.data.DataLoader(fresh, batch_size=1, shuffle=True, num_workers=2)
    seen = 0
    for audio, frames, label in loader:
        if audio.dtype != torch.float32 or frames.dtype != torch.uint8 or audio.ndim != 3:
            problems.append({"path": readme, "code": "readme",
                             "reason": f"torch batch {audio.dtype} {frames.dtype}"})
        seen += 1
    if seen != expected:
        problems.append({"path": readme, "code": "readme",
                         "reason": f"DataLoader gave {seen} samples, expected {expected}"})
    result["torch"] = {"version": torch.__version__, "batches": seen}
    return result


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    folder = args[0]
    problems = []
    manifest = None
    shards = []
    if "--present" in argv:
        for split in ("train", "valid", "test"):
            sub = os.path.join(folder, split)
            names = sorted(os.listdir(sub)) if os.path.isdir(sub) else []
            shards += [(os.path.join(sub, n), None) for n in names
                       if n.startswith("shard-") and n.endswith(".h5")]
    else:
        manifest = json.load(open(os.path.join(folder, "manifest.json"), encoding="utf-8"))
        for split in sorted(manifest["splits"]):
            shards += [(os.path.join(folder, e["file"]), e) for e in manifest["splits"][split]]
    reports = [check_shard(path, manifest, entry, problems) for path, entry in shards]
    result = {"h5py": h5py.__version__, "hdf5": h5py.version.hdf5_version, "pid": os.getpid(),
              "shards": reports, "problems": problems}
    if "--readme" in argv:
        readme = argv[argv.index("--readme") + 1]
        result["readme"] = check_readme(readme, folder, problems)
    print(json.dumps(result, sort_keys=True))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
