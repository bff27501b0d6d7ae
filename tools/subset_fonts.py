"""Make the theme's font files from the Fontsource packages that `npm ci` installs.

    python tools/subset_fonts.py        (needs: pip install fonttools brotli; npm ci)

Fontsource's "arabic" files (5.3.0) also carry Arabic Supplement and Extended-A/B, and the
presentation forms FB50–FDFF and FE70–FEFF: letters for Urdu, Sindhi or Quranic annotation, and
compatibility code points that text written in Persian or Arabic does not use (shaping draws
joined forms through OpenType, not from them). Keeping only what Persian and Arabic text needs,
with every OpenType feature, halves each file (Noto Naskh Arabic 53 → 25 KB), which is what
brought the home pages, the only pages that need all four files, to Lighthouse 100 on a phone.
tests/test_fonts.py checks that every character the digest prints in Arabic script is covered.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "vazirmatn": ROOT / "node_modules/@fontsource/vazirmatn/files",
    "noto-naskh-arabic": ROOT / "node_modules/@fontsource/noto-naskh-arabic/files",
}
UNICODES = "U+0020, U+00A0, U+0600-06FF, U+200C-200F"
"""unicode-range in templates/assets/site.css sends U+0600-06FF and U+200C-200F to these files;
the spaces are for the share card (generator/share.py), which draws whole lines in one font."""
OUT = ROOT / "templates/assets/fonts"


def main() -> int:
    options = subset.Options()
    options.layout_features = ["*"]  # joining forms, ligatures, mark positioning: all of them
    options.name_IDs = ["*"]  # copyright and the OFL licence stay in the file
    options.flavor = "woff2"
    unicodes = subset.parse_unicodes(UNICODES)
    for family, folder in SOURCES.items():
        for weight in (400, 700):
            name = f"{family}-arabic-{weight}-normal.woff2"
            if not (folder / name).is_file():
                print(f"{folder / name}: missing; run npm ci first", file=sys.stderr)
                return 1
            font = subset.load_font(str(folder / name), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=unicodes)
            subsetter.subset(font)
            subset.save_font(font, str(OUT / name), options)
            print(f"{name}: {(folder / name).stat().st_size} → {(OUT / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
