#!/usr/bin/env python3
"""Generate Sources/Text/UnicodeTables.swift from this Python's `unicodedata` and `str.lower`.

The BERT basic tokenizer that `amss` must match is pure Python: its character classes, its
NFC/NFD normalisation and its lower-casing are those of the interpreter that runs it (Python
3.11: Unicode 14.0.0). Swift's own tables follow a newer Unicode, so the Swift tokenizer ships
these tables instead of asking the standard library.

    python3.11 tools/ref/tokenizer_unicode.py            # rewrite the Swift file
    python3.11 tools/ref/tokenizer_unicode.py --check    # only verify, write nothing

What is written (each blob is base64 of a byte stream; integers are LEB128 varints):
- a two-stage table of one 32-bit value per code point: the flags of `FLAG_BITS` below
  (deleted by cleaning, whitespace, split point, punctuation, Mn, cased, case-ignorable, CJK
  ideograph, may change under NFC / NFD / lower) in bits 0-15 and the canonical combining class
  in bits 16-23. blockIndex gives, for each block of 256 code points, the number of its
  distinct block (as runs [varint repeat][varint number]); blocks lists the distinct blocks,
  each as [u8 runs - 1] then [u8 offset][varint value] per run.
- lower: entries [varint code point delta][u8 n][n varints] = `chr(cp).lower()` where it
  differs (U+03A3 is left out: its Final_Sigma context rule is code).
- decompositions: entries [varint code point delta][u8 n][n varints][u8 composes] = the one-level
  canonical mapping of `unicodedata.decomposition`, and whether the pair is a primary composite
  (not excluded from composition). Hangul syllables are algorithmic and not listed.

Before writing, the script re-implements NFD, NFC, lower-casing (with Final_Sigma) and the
character classes from the encoded tables alone and compares them with Python on every code
point and on seeded random strings; it stops on the first difference. It also checks the
shortcuts the Swift code takes (for example that no code point below U+0300 changes under NFC
and that normalisation and lower-casing never create or remove whitespace).

Needs only the standard library. Run it with the Python whose tables are wanted (3.11).
"""
import argparse
import base64
import random
import sys
import unicodedata

OUT = "Sources/Text/UnicodeTables.swift"
MAX_CP = 0x110000
SURROGATES = range(0xD800, 0xE000)

FLAG_BITS = {
    "deleted": 1 << 0,          # dropped by cleaning: NUL, U+FFFD, C* except \t \n \r
    "space": 1 << 1,            # becomes " " in cleaning: " ", \t, \n, \r, Zs
    "split": 1 << 2,            # str.isspace(): where str.split() cuts
    "punctuation": 1 << 3,      # ASCII non-alphanumeric symbols and P*
    "mark": 1 << 4,             # Mn: dropped by accent stripping
    "cased": 1 << 5,            # Cased (Final_Sigma context)
    "caseIgnorable": 1 << 6,    # Case_Ignorable (Final_Sigma context)
    "cjk": 1 << 7,              # a CJK ideograph that gets spaces around it
    "nfcMaybe": 1 << 8,         # NFC_Quick_Check is not Yes (changes, or composes as 2nd)
                                # or ccc != 0
    "nfdMaybe": 1 << 9,         # has a canonical decomposition or ccc != 0
    "lowerChanges": 1 << 10,    # str.lower() differs, or U+03A3
}

SBASE, LBASE, VBASE, TBASE = 0xAC00, 0x1100, 0x1161, 0x11A7
LCOUNT, VCOUNT, TCOUNT = 19, 21, 28
NCOUNT = VCOUNT * TCOUNT
SCOUNT = LCOUNT * NCOUNT
CAPITAL_SIGMA = 0x03A3


def is_cjk(cp):
    """The CJK ranges of BERT's basic tokenizer."""
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def is_punctuation(cp):
    """BERT's punctuation: ASCII non-alphanumeric printable symbols and P*."""
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(chr(cp)).startswith("P")


def cased(cp):
    """Unicode Cased = Lowercase or Uppercase or Lt, read through str predicates."""
    c = chr(cp)
    return c.islower() or c.isupper() or c.istitle()


def case_ignorable(cp):
    """Case_Ignorable, probed through CPython's Final_Sigma rule (see module docstring)."""
    if cp == CAPITAL_SIGMA:
        return False
    c = chr(cp)
    after_letter = ("A" + c + "\u03a3").lower()[-1] == "\u03c2"
    after_digit = ("1" + c + "\u03a3").lower()[-1] == "\u03c2"
    return after_letter and not after_digit


def canonical_mapping(cp):
    """The one-level canonical decomposition of cp, or None."""
    text = unicodedata.decomposition(chr(cp))
    if not text or text.startswith("<"):
        return None
    return [int(part, 16) for part in text.split()]


def varint(value, out):
    """Append value as an unsigned LEB128 varint."""
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def read_varint(data, index):
    """Read a LEB128 varint at index; return (value, next index)."""
    value = shift = 0
    while True:
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, index


def build():
    """Compute every table from unicodedata; return a dict of byte streams and the raw tables."""
    mappings = {}
    for cp in range(MAX_CP):
        if cp in SURROGATES or SBASE <= cp < SBASE + SCOUNT:
            continue
        mapping = canonical_mapping(cp)
        if mapping:
            mappings[cp] = mapping
    composes = {}
    for cp, mapping in mappings.items():
        composes[cp] = len(mapping) == 2 and unicodedata.normalize("NFC", chr(cp)) == chr(cp)
    seconds = {m[1] for cp, m in mappings.items() if composes[cp]}
    seconds.update(range(VBASE, VBASE + VCOUNT))
    seconds.update(range(TBASE + 1, TBASE + TCOUNT))

    flags = [0] * MAX_CP
    ccc = [0] * MAX_CP
    lower = {}
    for cp in range(MAX_CP):
        if cp in SURROGATES:
            flags[cp] = FLAG_BITS["deleted"]
            continue
        c = chr(cp)
        category = unicodedata.category(c)
        value = 0
        if cp == 0 or cp == 0xFFFD or (category.startswith("C") and c not in "\t\n\r"):
            value |= FLAG_BITS["deleted"]
        if c in " \t\n\r" or category == "Zs":
            value |= FLAG_BITS["space"]
        if c.isspace():
            value |= FLAG_BITS["split"]
        if is_punctuation(cp):
            value |= FLAG_BITS["punctuation"]
        if category == "Mn":
            value |= FLAG_BITS["mark"]
        if cased(cp):
            value |= FLAG_BITS["cased"]
        if case_ignorable(cp):
            value |= FLAG_BITS["caseIgnorable"]
        if is_cjk(cp):
            value |= FLAG_BITS["cjk"]
        ccc[cp] = unicodedata.combining(c)
        hangul = SBASE <= cp < SBASE + SCOUNT
        if cp in mappings or hangul or ccc[cp]:
            value |= FLAG_BITS["nfdMaybe"]
        if ccc[cp] or cp in seconds or unicodedata.normalize("NFC", c) != c:
            value |= FLAG_BITS["nfcMaybe"]
        lowered = c.lower()
        if lowered != c or cp == CAPITAL_SIGMA:
            value |= FLAG_BITS["lowerChanges"]
            if cp != CAPITAL_SIGMA:
                lower[cp] = [ord(x) for x in lowered]
        flags[cp] = value

    streams = {"blockIndex": bytearray(), "blocks": bytearray(), "lower": bytearray(),
               "decompositions": bytearray()}
    known, numbers = {}, []
    for block in range(MAX_CP >> 8):
        values = tuple(flags[cp] | ccc[cp] << 16 for cp in range(block << 8, (block + 1) << 8))
        if values not in known:
            known[values] = len(known)
            runs = [offset for offset in range(256)
                    if offset == 0 or values[offset] != values[offset - 1]]
            streams["blocks"].append(len(runs) - 1)
            for offset in runs:
                streams["blocks"].append(offset)
                varint(values[offset], streams["blocks"])
        numbers.append(known[values])
    start = 0
    while start < len(numbers):
        end = start
        while end < len(numbers) and numbers[end] == numbers[start]:
            end += 1
        varint(end - start, streams["blockIndex"])
        varint(numbers[start], streams["blockIndex"])
        start = end
    previous = 0
    for cp in sorted(lower):
        varint(cp - previous, streams["lower"])
        streams["lower"].append(len(lower[cp]))
        for scalar in lower[cp]:
            varint(scalar, streams["lower"])
        previous = cp
    previous = 0
    for cp in sorted(mappings):
        varint(cp - previous, streams["decompositions"])
        streams["decompositions"].append(len(mappings[cp]))
        for scalar in mappings[cp]:
            varint(scalar, streams["decompositions"])
        streams["decompositions"].append(1 if composes[cp] else 0)
        previous = cp
    return streams


class Tables:
    """The tables decoded back from the byte streams, as the Swift code decodes them."""

    def __init__(self, streams):
        blocks, data, index = [], streams["blocks"], 0
        while index < len(data):
            count = data[index] + 1
            index += 1
            values = [0] * 256
            runs = []
            for _ in range(count):
                offset = data[index]
                value, index = read_varint(data, index + 1)
                runs.append((offset, value))
            for number, (offset, value) in enumerate(runs):
                end = runs[number + 1][0] if number + 1 < len(runs) else 256
                values[offset:end] = [value] * (end - offset)
            blocks.append(values)
        packed, data, index = [], streams["blockIndex"], 0
        while index < len(data):
            repeat, index = read_varint(data, index)
            number, index = read_varint(data, index)
            for _ in range(repeat):
                packed.extend(blocks[number])
        if len(packed) != MAX_CP:
            fail("block index does not cover every code point")
        self.flags = [value & 0xFFFF for value in packed]
        self.ccc = [value >> 16 for value in packed]
        self.lower = {}
        data, index, cp = streams["lower"], 0, 0
        while index < len(data):
            delta, index = read_varint(data, index)
            cp += delta
            count = data[index]
            index += 1
            out = []
            for _ in range(count):
                scalar, index = read_varint(data, index)
                out.append(scalar)
            self.lower[cp] = out
        self.mapping, self.compose = {}, {}
        data, index, cp = streams["decompositions"], 0, 0
        while index < len(data):
            delta, index = read_varint(data, index)
            cp += delta
            count = data[index]
            index += 1
            out = []
            for _ in range(count):
                scalar, index = read_varint(data, index)
                out.append(scalar)
            if data[index]:
                self.compose[(out[0], out[1])] = cp
            index += 1
            self.mapping[cp] = out

    def decompose(self, cp, out):
        """Full canonical decomposition of one code point."""
        if SBASE <= cp < SBASE + SCOUNT:
            index = cp - SBASE
            out.append(LBASE + index // NCOUNT)
            out.append(VBASE + (index % NCOUNT) // TCOUNT)
            if index % TCOUNT:
                out.append(TBASE + index % TCOUNT)
        elif cp in self.mapping:
            for part in self.mapping[cp]:
                self.decompose(part, out)
        else:
            out.append(cp)

    def nfd(self, scalars):
        """NFD: full decomposition, then a stable sort of each run of non-starters."""
        out = []
        for cp in scalars:
            self.decompose(cp, out)
        start = 0
        while start < len(out):
            if self.ccc[out[start]] == 0:
                start += 1
                continue
            end = start
            while end < len(out) and self.ccc[out[end]] != 0:
                end += 1
            out[start:end] = sorted(out[start:end], key=lambda x: self.ccc[x])
            start = end
        return out

    def nfc(self, scalars):
        """NFC: NFD, then canonical composition (with Hangul)."""
        text = self.nfd(scalars)
        if not text:
            return text
        out = [text[0]]
        starter = 0 if self.ccc[text[0]] == 0 else None
        last_ccc = 0 if starter == 0 else 256
        for cp in text[1:]:
            c = self.ccc[cp]
            if starter is not None and (last_ccc < c or last_ccc == 0):
                composite = self.combine(out[starter], cp)
                if composite is not None:
                    out[starter] = composite
                    continue
            if c == 0:
                starter = len(out)
            last_ccc = c
            out.append(cp)
        return out

    def combine(self, first, second):
        """The primary composite of a pair, or None."""
        if LBASE <= first < LBASE + LCOUNT and VBASE <= second < VBASE + VCOUNT:
            return SBASE + ((first - LBASE) * VCOUNT + (second - VBASE)) * TCOUNT
        if (SBASE <= first < SBASE + SCOUNT and (first - SBASE) % TCOUNT == 0
                and TBASE < second < TBASE + TCOUNT):
            return first + (second - TBASE)
        return self.compose.get((first, second))

    def lower_text(self, scalars):
        """str.lower() with CPython's Final_Sigma rule."""
        out = []
        for index, cp in enumerate(scalars):
            if cp == CAPITAL_SIGMA:
                out.append(0x03C2 if self.final_sigma(scalars, index) else 0x03C3)
            else:
                out.extend(self.lower.get(cp, [cp]))
        return out

    def final_sigma(self, scalars, index):
        bit_ci, bit_cased = FLAG_BITS["caseIgnorable"], FLAG_BITS["cased"]
        j = index - 1
        while j >= 0 and self.flags[scalars[j]] & bit_ci:
            j -= 1
        if j < 0 or not self.flags[scalars[j]] & bit_cased:
            return False
        j = index + 1
        while j < len(scalars) and self.flags[scalars[j]] & bit_ci:
            j += 1
        return j == len(scalars) or not self.flags[scalars[j]] & bit_cased


def fail(message):
    sys.exit("tokenizer_unicode: check failed: " + message)


def verify(tables):
    """Compare the decoded tables with Python, code point by code point and on random strings."""
    space_bits = FLAG_BITS["split"]
    for cp in range(MAX_CP):
        if cp in SURROGATES:
            continue
        c = chr(cp)
        for form, mine in (("NFD", tables.nfd([cp])), ("NFC", tables.nfc([cp]))):
            theirs = [ord(x) for x in unicodedata.normalize(form, c)]
            if mine != theirs:
                fail(f"{form}(U+{cp:04X}): {mine} != {theirs}")
            if not tables.flags[cp] & space_bits and any(chr(x).isspace() for x in theirs):
                fail(f"{form}(U+{cp:04X}) creates whitespace")
        if tables.lower_text([cp]) != [ord(x) for x in c.lower()]:
            fail(f"lower(U+{cp:04X})")
        if not c.isspace() and any(x.isspace() for x in c.lower()):
            fail(f"lower(U+{cp:04X}) creates whitespace")
        if cp < 0x300 and unicodedata.normalize("NFC", c) != c:
            fail(f"U+{cp:04X} below U+0300 changes under NFC")
        if unicodedata.is_normalized("NFD", c) != (tables.nfd([cp]) == [cp]):
            fail(f"NFD quick check U+{cp:04X}")

    if any(second < 0x300 for (_, second) in tables.compose):
        fail("a composition second element below U+0300")

    rng = random.Random(20140101)
    pool = [cp for cp in range(MAX_CP)
            if cp not in SURROGATES and (tables.ccc[cp] or cp in tables.mapping
                                         or tables.flags[cp] & FLAG_BITS["nfcMaybe"]
                                         or tables.flags[cp] & FLAG_BITS["cased"])]
    pool += list(range(0x41, 0x5B)) + [0x3A3, 0x20, 0x1100, 0x1161, 0x11A8, 0xAC00, 0x2E]
    inert = FLAG_BITS["nfcMaybe"]
    for trial in range(200_000):
        scalars = [rng.choice(pool) for _ in range(rng.randint(1, 8))]
        text = "".join(map(chr, scalars))
        for form, mine in (("NFD", tables.nfd(scalars)), ("NFC", tables.nfc(scalars))):
            if mine != [ord(x) for x in unicodedata.normalize(form, text)]:
                fail(f"{form}({[hex(x) for x in scalars]})")
        if tables.lower_text(scalars) != [ord(x) for x in text.lower()]:
            fail(f"lower({[hex(x) for x in scalars]})")
        if all(not tables.flags[x] & inert for x in scalars):
            if unicodedata.normalize("NFC", text) != text:
                fail(f"NFC of inert code points changes: {[hex(x) for x in scalars]}")


def swift_source(streams):
    """The generated Swift file."""
    lines = [
        "// Generated by tools/ref/tokenizer_unicode.py from Python "
        f"{sys.version.split()[0]}, unicodedata {unicodedata.unidata_version}. Do not edit.",
        "",
        "/// Unicode data of the reference tokenizer's Python (Unicode "
        f"{unicodedata.unidata_version}), as compact",
        "/// base64 blobs decoded once by `UnicodeData`.",
        "enum UnicodeTables {",
        "    /// The Unicode version these tables describe.",
        f"    static let unicodeVersion = \"{unicodedata.unidata_version}\"",
        "",
        "    /// The Python version that produced them.",
        f"    static let pythonVersion = \"{sys.version.split()[0]}\"",
    ]
    names = {"blockIndex": "Block numbers per 256 code points: [varint repeat][varint number].",
             "blocks": "The distinct blocks: [u8 runs - 1] then [u8 offset][varint value] each.",
             "lower": "Full lower-case mappings that differ from the identity.",
             "decompositions": "One-level canonical decompositions and composition flags."}
    for key, summary in names.items():
        text = base64.b64encode(bytes(streams[key])).decode("ascii")
        lines += ["", f"    /// {summary}", f"    static let {key} = \"\"\""]
        lines += ["        " + text[i:i + 88] for i in range(0, len(text), 88)]
        lines += ["        \"\"\""]
    lines += ["}", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="verify only; write nothing")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    if sys.version_info[:2] != (3, 11):
        print(f"tokenizer_unicode: warning: Python {sys.version.split()[0]} is not 3.11; "
              f"its Unicode is {unicodedata.unidata_version}", file=sys.stderr)
    streams = build()
    verify(Tables(streams))
    sizes = ", ".join(f"{k} {len(v)} B" for k, v in streams.items())
    print(f"tokenizer_unicode: Unicode {unicodedata.unidata_version}: tables verified ({sizes})")
    if not args.check:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(swift_source(streams))
        print(f"tokenizer_unicode: wrote {args.out}")


if __name__ == "__main__":
    main()
