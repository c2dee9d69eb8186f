#!/usr/bin/env python3
"""Time BERT tokenization of a line corpus with HF `tokenizers` and with the pure-Python one.

    tools/.venv/bin/python tools/bench/tokenize_bench.py --vocab VOCAB --corpus FILE
                                                   [--compare IDS] [--json]

Reads FILE as lines (the bytes up to each LF, decoded with errors='replace', as
`amss tokenize` reads them) and tokenizes every line, single-threaded, with:
- HF tokenizers (Rust): `BertWordPieceTokenizer(VOCAB)` (lower-case, clean text, CJK spacing,
  accents stripped as lower-casing), `encode_batch(lines)` with TOKENIZERS_PARALLELISM=false and
  RAYON_NUM_THREADS=1;
- the reference: transformers' pure-Python `BertTokenizerLegacy(vocab_file=VOCAB)`, `encode`
  per line.
Times are in-process, wall (`time.perf_counter`) and CPU (`time.process_time`), around the
tokenization alone; the vocabulary load is timed separately. With --compare IDS (one line of space-separated ids per corpus line, as
`amss tokenize` writes them), counts the lines where those ids, and HF tokenizers' ids, equal
the reference's. --json prints one JSON object instead of text.

Pins: tokenizers==0.23.3, transformers==5.25.0 (no torch), Python 3.11.
"""
import os
import sys

# This file's name shadows the standard library's `tokenize` module (which transformers
# imports through `inspect`): take this folder off the module path first.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(
    os.path.abspath(__file__))]

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "PyTorch was not found" notice

import tokenizers  # noqa: E402
import transformers  # noqa: E402
from tokenizers import BertWordPieceTokenizer  # noqa: E402
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy  # noqa: E402


def read_lines(path):
    with open(path, "rb") as handle:
        data = handle.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return len(data), [line.decode("utf-8", errors="replace") for line in lines]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--compare", help="ids file to check against the reference")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    size, lines = read_lines(args.corpus)

    started = time.perf_counter()
    fast = BertWordPieceTokenizer(args.vocab, lowercase=True)
    hf_load = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    encodings = fast.encode_batch(lines)
    hf_encode = time.perf_counter() - started
    hf_cpu = time.process_time() - cpu
    hf_ids = [encoding.ids for encoding in encodings]

    started = time.perf_counter()
    legacy = BertTokenizerLegacy(vocab_file=args.vocab)
    python_load = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    reference = [legacy.encode(line) for line in lines]
    python_encode = time.perf_counter() - started
    python_cpu = time.process_time() - cpu

    result = {
        "python": sys.version.split()[0], "tokenizers": tokenizers.__version__,
        "transformers": transformers.__version__, "lines": len(lines), "bytes": size,
        "hf_load_s": hf_load, "hf_encode_s": hf_encode, "hf_encode_cpu_s": hf_cpu,
        "python_load_s": python_load, "python_encode_s": python_encode,
        "python_encode_cpu_s": python_cpu,
        "hf_equal_reference": sum(a == b for a, b in zip(hf_ids, reference)),
    }
    if args.compare:
        _, ours = read_lines(args.compare)
        parsed = [[int(x) for x in line.split()] for line in ours]
        result["ours_lines"] = len(parsed)
        result["ours_equal_reference"] = sum(a == b for a, b in zip(parsed, reference))
        if len(parsed) != len(reference):
            result["ours_equal_reference"] = 0

    if args.json:
        print(json.dumps(result, sort_keys=True))
        return
    mb = size / 1e6
    print(f"corpus: {len(lines)} lines, {size} bytes")
    print(f"HF tokenizers {tokenizers.__version__}: load {hf_load:.3f} s, "
          f"encode_batch {hf_encode:.3f} s wall, {hf_cpu:.3f} s CPU ({mb / hf_encode:.2f} MB/s)")
    print(f"BertTokenizerLegacy (transformers {transformers.__version__}): load "
          f"{python_load:.3f} s, encode {python_encode:.3f} s wall, {python_cpu:.3f} s CPU "
          f"({mb / python_encode:.3f} MB/s)")
    print(f"HF tokenizers equal to the reference: {result['hf_equal_reference']}/{len(lines)}")
    if args.compare:
        print(f"{args.compare} equal to the reference: {result['ours_equal_reference']}/"
              f"{len(lines)}")


if __name__ == "__main__":
    main()
