"""Make the theme's font files from the Fontsource packages that `npm ci` installs.

    python tools/subset_fonts.py        (needs: pip install 'fonttools[woff]'; npm ci)

Each family and weight becomes two files:

- `{family}-{weight}.woff2`: the letters, harakat, digits and punctuation of Persian and Arabic,
  with the digits and punctuation of basic Latin that this text mixes in (spaces, 0-9, «», (),
  dashes, quotes). Fontsource ships those in separate "arabic" and "latin" files; here the two
  subsets are merged, so a page's Persian or Arabic text needs one file per face, and «» or
  "2019" are drawn in the same family as the words around them, not in a system font.
- `{family}-latin-{weight}.woff2`: Latin letters (names such as "Vladimir Putin"), fetched only
  by pages that print them.

Fontsource's "arabic" files (5.3.0) also carry Urdu, Sindhi and Quranic letters and the
presentation forms; Persian and Arabic text uses none of them (shaping draws joined forms through
OpenType), so they are left out. Every OpenType feature is kept. tests/test_fonts.py checks that
every character the digest prints is covered by the file the stylesheet sends it to.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fontTools import merge, subset

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "vazirmatn": ROOT / "node_modules/@fontsource/vazirmatn/files",
    "noto-naskh-arabic": ROOT / "node_modules/@fontsource/noto-naskh-arabic/files",
}
ARABIC = ("U+0020, U+00A0, U+060C, U+061B, U+061F, U+0621-063A, U+0640-0655, U+0660-066D, U+0670, U+067E, "
          "U+0686, U+0698, U+06A9, U+06AF, U+06C0, U+06CC, U+06F0-06F9, U+200C-200F")
"""Persian and Arabic: letters (with ۀ and the Persian پ چ ژ ک گ ی), harakat, both digit sets and
their separators, ، ؛ ؟, tatweel, ZWNJ and the direction marks. The spaces are for the share card
(generator/share.py), which draws whole lines in one font."""
PUNCTUATION = "U+0021-0040, U+005B-0060, U+007B-007E, U+00AB, U+00B7, U+00BB, U+2010-2027, U+2030, U+2039-203A"
"""Basic Latin digits and punctuation, «», and the dashes, quotes, bullet and ellipsis."""
LATIN = "U+0041-005A, U+0061-007A, U+00C0-00D6, U+00D8-00F6, U+00F8-00FF, U+0131, U+0152-0153"
"""Latin letters of the names the articles mention, in their English and European spellings."""
OUT = ROOT / "templates/assets/fonts"


def subset_of(path: Path, unicodes: str) -> subset.TTFont:
    options = subset.Options()
    options.layout_features = ["*"]  # joining forms, ligatures, mark positioning: all of them
    options.name_IDs = ["*"]  # copyright and the OFL licence stay in the file
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
    subsetter.subset(font)
    font.flavor = None
    return font


def main() -> int:
    for family, folder in SOURCES.items():
        for weight in (400, 700):
            arabic, latin = (folder / f"{family}-{part}-{weight}-normal.woff2" for part in ("arabic", "latin"))
            if not (arabic.is_file() and latin.is_file()):
                print(f"{folder}: {family} {weight} missing; run npm ci first", file=sys.stderr)
                return 1
            with tempfile.TemporaryDirectory() as scratch:
                parts = [Path(scratch) / "arabic.ttf", Path(scratch) / "punctuation.ttf"]
                subset_of(arabic, ARABIC).save(parts[0])
                subset_of(latin, PUNCTUATION).save(parts[1])
                merged = merge.Merger().merge([str(p) for p in parts])
            merged.flavor = "woff2"
            merged.save(OUT / f"{family}-{weight}.woff2")
            letters = subset_of(latin, LATIN)
            letters.flavor = "woff2"
            letters.save(OUT / f"{family}-latin-{weight}.woff2")
            for name in (f"{family}-{weight}.woff2", f"{family}-latin-{weight}.woff2"):
                print(f"{name}: {(OUT / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
