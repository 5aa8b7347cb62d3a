#!/usr/bin/env python3
"""Generates src/SecureChat.Protocol/Handshake/Names/UnicodeSecurityData*.g.cs from the Unicode 16.0 security
data (UTS #39) and script data in ../shared/unicode/ (or the folder given as the first argument). The tables
are one partial class spread over as many files as it takes to keep each under 400 lines (the project's
limit for a file in src/), twenty numbers to a line.

    python3 tools/unicode/generate.py [../shared/unicode]

Tables written (nothing is hand-made; every range comes from the files named):
  Allowed            Identifier_Status=Allowed ranges            (IdentifierStatus.txt)
  DefaultIgnorable   Identifier_Type=Default_Ignorable ranges     (IdentifierType.txt), for clearer refusals
  Script sets        augmented Script_Extensions of Allowed code points (Scripts.txt, ScriptExtensions.txt)
  Confusables        the skeleton mapping                          (confusables.txt)
  Decompositions     full canonical decompositions and combining classes for NFD, from Python's unicodedata,
                     because .NET's invariant-globalization mode (which this project uses) does not normalize.
The SHA-256 of each input file is written into the table, and a test compares them with ../shared/unicode.

Python's unicodedata may be older than 16.0. Canonical decompositions of assigned characters never change
(Unicode's normalization stability policy), so only characters added since that version could be missing;
the script stops unless every such Allowed character is one reviewed below as having no decomposition.
"""
import hashlib
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_DIR = os.path.join(ROOT, "src", "SecureChat.Protocol", "Handshake", "Names")
MAX_LINES = 399  # a file in src/ stays under 400 lines
PER_LINE = 20
FILES = ["IdentifierStatus.txt", "IdentifierType.txt", "Scripts.txt", "ScriptExtensions.txt", "confusables.txt"]

# ISO 15924 codes of the Script property values (long names in Scripts.txt, codes in ScriptExtensions.txt).
# Not Unicode data but the standard's code list; the script stops if an Allowed character's script is missing,
# and checks each code against ScriptExtensions.txt wherever the file pins it down.
ISO15924 = {
    "Arabic": "Arab", "Armenian": "Armn", "Bengali": "Beng", "Bopomofo": "Bopo", "Common": "Zyyy",
    "Cyrillic": "Cyrl", "Devanagari": "Deva", "Ethiopic": "Ethi", "Georgian": "Geor", "Grantha": "Gran",
    "Greek": "Grek", "Gujarati": "Gujr", "Gurmukhi": "Guru", "Han": "Hani", "Hangul": "Hang", "Hebrew": "Hebr",
    "Hiragana": "Hira", "Inherited": "Zinh", "Kannada": "Knda", "Katakana": "Kana", "Khmer": "Khmr",
    "Lao": "Laoo", "Latin": "Latn", "Malayalam": "Mlym", "Myanmar": "Mymr", "Oriya": "Orya", "Sinhala": "Sinh",
    "Tamil": "Taml", "Telugu": "Telu", "Thaana": "Thaa", "Thai": "Thai", "Tibetan": "Tibt",
}

# Allowed characters newer than Python's unicodedata, reviewed against the Unicode 16.0 UnicodeData.txt:
# none has a canonical decomposition.
REVIEWED_NEWER = {"Han", "Kannada", "Lao", "Hiragana", "Katakana", "Latin", "Cyrillic"}

# UTS #39 section 5.1: Han, Hiragana, Katakana, Hangul and Bopomofo are augmented with the writing systems they belong to.
AUGMENT = {"Hani": ["Hanb", "Jpan", "Kore"], "Hira": ["Jpan"], "Kana": ["Jpan"], "Hang": ["Kore"], "Bopo": ["Hanb"]}


def parse(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = [x.strip() for x in line.split(";")]
            bounds = fields[0].split("..")
            yield int(bounds[0], 16), int(bounds[-1], 16), fields[1:]


def ranges(points):
    out = []
    for p in sorted(points):
        if out and out[-1][1] == p - 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return out


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(ROOT), "shared", "unicode")
    hashes = {name: hashlib.sha256(open(os.path.join(data, name), "rb").read()).hexdigest() for name in FILES}

    allowed = set()
    for a, b, f in parse(os.path.join(data, "IdentifierStatus.txt")):
        if f[0] == "Allowed":
            allowed.update(range(a, b + 1))
    ignorable = set()
    for a, b, f in parse(os.path.join(data, "IdentifierType.txt")):
        if "Default_Ignorable" in f[0].split():
            ignorable.update(range(a, b + 1))

    script = {}
    for a, b, f in parse(os.path.join(data, "Scripts.txt")):
        for c in range(a, b + 1):
            script[c] = f[0]
    extensions = {}
    for a, b, f in parse(os.path.join(data, "ScriptExtensions.txt")):
        for c in range(a, b + 1):
            extensions[c] = f[0].split()
            long_name = script.get(c)
            if long_name in ISO15924 and long_name not in ("Common", "Inherited") and ISO15924[long_name] not in extensions[c]:
                sys.exit(f"ISO 15924 code of {long_name} disagrees with ScriptExtensions.txt at U+{c:04X}")

    sets = {}
    point_set = {}
    for c in sorted(allowed):
        long_name = script.get(c, "Unknown")
        if long_name not in ISO15924:
            sys.exit(f"No ISO 15924 code for the script {long_name} of Allowed U+{c:04X}: add it to ISO15924")
        codes = extensions.get(c, [ISO15924[long_name]])
        if codes in (["Zyyy"], ["Zinh"]):
            key = ("*",)  # Common and Inherited: every script
        else:
            full = set(codes)
            for code in codes:
                full.update(AUGMENT.get(code, []))
            key = tuple(sorted(full))
        point_set[c] = sets.setdefault(key, len(sets))
    codes = sorted({code for key in sets if key != ("*",) for code in key} | {"Latn", "Cyrl", "Grek", "Cher", "Hanb", "Jpan", "Kore"})
    if len(codes) > 128:
        sys.exit(f"{len(codes)} scripts do not fit a 128-bit set")
    masks = [0] * len(sets)
    for key, index in sets.items():
        masks[index] = (1 << 128) - 1 if key == ("*",) else sum(1 << codes.index(code) for code in key)
    script_ranges = []
    for c in sorted(allowed):
        if script_ranges and script_ranges[-1][1] == c - 1 and script_ranges[-1][2] == point_set[c]:
            script_ranges[-1][1] = c
        else:
            script_ranges.append([c, c, point_set[c]])

    for c in allowed:
        if unicodedata.category(chr(c)) == "Cn" and script[c] not in REVIEWED_NEWER:
            sys.exit(f"Allowed U+{c:04X} ({script[c]}) is newer than Python's unicodedata {unicodedata.unidata_version}: review it")

    confusables = {}
    for a, _, f in parse(os.path.join(data, "confusables.txt")):
        confusables[a] = "".join(chr(int(x, 16)) for x in f[0].split())

    decompositions = {}
    combining = {}
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF or 0xAC00 <= c <= 0xD7A3:
            continue  # surrogates; Hangul syllables are decomposed by the algorithm in code
        ch = chr(c)
        nfd = unicodedata.normalize("NFD", ch)
        if nfd != ch:
            decompositions[c] = nfd
        ccc = unicodedata.combining(ch)
        if ccc:
            combining[c] = ccc

    def utf16(s):
        return "".join(f"\\u{u:04X}" for u in memoryview(s.encode("utf-16-le")).cast("H"))

    def ints(values, per_line=PER_LINE):
        values = list(values)
        return "\n".join("        " + ", ".join(f"0x{v:X}" for v in values[i:i + per_line]) + "," for i in range(0, len(values), per_line))

    def mapping(name, table):
        """Full canonical decompositions (NFD of one code point) or the confusables mapping, as keys, offsets and text."""
        keys = sorted(table)
        offsets, text, at = [], [], 0
        for k in keys:
            offsets.append(at)
            text.append(table[k])
            at += len(table[k].encode("utf-16-le")) // 2
        offsets.append(at)
        joined = "".join(text)
        chunks = [joined[i:i + 40] for i in range(0, len(joined), 40)]
        body = "\n".join(f'        + "{utf16(ch)}"' for ch in chunks)
        return (f"    internal static readonly int[] {name}Keys =\n    [\n{ints(keys)}\n    ];\n\n"
                f"    internal static readonly int[] {name}Offsets =\n    [\n{ints(offsets)}\n    ];\n\n"
                f"    internal const string {name}Text =\n        \"\"\n{body};\n")

    combining_ranges = []
    for c in sorted(combining):
        if combining_ranges and combining_ranges[-1][1] == c - 1 and combining_ranges[-1][2] == combining[c]:
            combining_ranges[-1][1] = c
        else:
            combining_ranges.append([c, c, combining[c]])

    header = ("// <auto-generated>\n"
              "// Generated by tools/unicode/generate.py from the Unicode 16.0 data in ../shared/unicode/ (UTS #39\n"
              "// IdentifierStatus.txt, IdentifierType.txt, confusables.txt; UCD Scripts.txt, ScriptExtensions.txt) and\n"
              f"// Python {sys.version_info.major}.{sys.version_info.minor}'s unicodedata {unicodedata.unidata_version} for canonical decompositions.\n"
              "// Do not edit: run the script again. Unicode License v3: see LICENSE-Unicode.txt beside this file.\n"
              "// </auto-generated>\n"
              "namespace SecureChat.Protocol.Handshake.Names;\n\n"
              "internal static partial class UnicodeSecurityData\n{\n")
    out = []  # one entry per member: members are never split across files
    out.append('    internal const string UnicodeVersion = "16.0.0";\n\n')
    out.append("    internal static readonly (string File, string Sha256)[] Sources =\n    [\n")
    for name in FILES:
        out.append(f'        ("{name}", "{hashes[name]}"),\n')
    out.append("    ];\n\n")
    out[-len(FILES) - 2:] = ["".join(out[-len(FILES) - 2:])]
    out.append("    /// <summary>Identifier_Status=Allowed, as inclusive [first, last] pairs.</summary>\n"
               f"    internal static readonly int[] Allowed =\n    [\n{ints(v for r in ranges(allowed) for v in r)}\n    ];\n\n")
    out.append("    /// <summary>Identifier_Type=Default_Ignorable, as inclusive [first, last] pairs.</summary>\n"
               f"    internal static readonly int[] DefaultIgnorable =\n    [\n{ints(v for r in ranges(ignorable) for v in r)}\n    ];\n\n")
    out.append("    /// <summary>The script codes; bit i of a script set is ScriptCodes[i].</summary>\n"
               "    internal static readonly string[] ScriptCodes = [" + ", ".join(f'"{c}"' for c in codes) + "];\n\n")
    out.append("    /// <summary>Augmented Script_Extensions sets as [low 64 bits, high 64 bits] pairs (all bits: Common or Inherited).</summary>\n"
               "    internal static readonly ulong[] ScriptSets =\n    [\n" + ints((v for m in masks for v in (m & ((1 << 64) - 1), m >> 64)), 4) + "\n    ];\n\n")
    out.append("    /// <summary>Allowed code points' script sets as [first, last, index into ScriptSets] triples.</summary>\n"
               f"    internal static readonly int[] ScriptRanges =\n    [\n{ints(v for r in script_ranges for v in r)}\n    ];\n\n")
    out.append("    /// <summary>Canonical_Combining_Class as [first, last, class] triples (absent: 0).</summary>\n"
               f"    internal static readonly int[] CombiningClasses =\n    [\n{ints(v for r in combining_ranges for v in r)}\n    ];\n\n")
    for name, table in (("Decomposition", decompositions), ("Confusable", confusables)):
        keys, offsets, text = mapping(name, table).split("\n\n")
        out.append(f"    // {name}s: sorted code points, and for each the slice [{name}Offsets[i], {name}Offsets[i + 1]) of {name}Text.\n" + keys + "\n")
        out.extend([offsets + "\n", text])

    written = write_parts(header, out)
    print(f"wrote {', '.join(written)}: {len(ranges(allowed))} allowed ranges, {len(sets)} script sets over {len(codes)} scripts, "
          f"{len(confusables)} confusables, {len(decompositions)} decompositions")


def write_parts(header, members):
    """Packs the members, in order, into UnicodeSecurityData.g.cs, UnicodeSecurityData.Part2.g.cs, ... each under MAX_LINES."""
    parts, lines = [[]], header.count("\n") + 1
    for member in members:
        member = member.rstrip("\n") + "\n"
        size = member.count("\n") + 1  # with the blank line before the next member or the closing brace
        if size + header.count("\n") + 1 > MAX_LINES:
            sys.exit(f"a member of {size} lines cannot fit a file under {MAX_LINES + 1} lines: raise PER_LINE")
        if parts[-1] and lines + size > MAX_LINES:
            parts.append([])
            lines = header.count("\n") + 1
        parts[-1].append(member)
        lines += size
    names = ["UnicodeSecurityData.g.cs"] + [f"UnicodeSecurityData.Part{i}.g.cs" for i in range(2, len(parts) + 1)]
    for stale in os.listdir(OUT_DIR):
        if stale.startswith("UnicodeSecurityData.") and stale.endswith(".g.cs") and stale not in names:
            os.remove(os.path.join(OUT_DIR, stale))
    for name, part in zip(names, parts):
        with open(os.path.join(OUT_DIR, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(header + "\n".join(part) + "}\n")
    return names


if __name__ == "__main__":
    main()
