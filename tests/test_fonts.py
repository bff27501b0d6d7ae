"""The theme's fonts: every Arabic-script character the digest prints is drawn by the font the
stylesheet sends it to, with the OpenType features that join letters and place harakat."""

import re
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "templates" / "assets"
FACES = re.findall(r"@font-face\s*{[^}]*?src:\s*url\(\"([^\"]+)\"\)[^}]*?unicode-range:\s*([^;]+);",
                   (ASSETS / "site.css").read_text(encoding="utf-8"))


def routed(ranges: str) -> set[int]:
    """The code points a unicode-range descriptor sends to its font."""
    points = set()
    for part in ranges.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def printed_text() -> str:
    """What readers can see: the seeds, the editors' content, the templates and their translations."""
    files = [*(ROOT / "seeds").glob("*.txt"), *(ROOT / "content").rglob("*.toml"), *(ROOT / "templates").glob("*.html"),
             *(ROOT / "templates" / "locale").rglob("*.po")]
    return "".join(path.read_text(encoding="utf-8") for path in files)


def test_the_stylesheet_declares_every_font_file():
    assert sorted(src.rsplit("/", 1)[-1] for src, _ in FACES) == sorted(p.name for p in (ASSETS / "fonts").glob("*.woff2"))


@pytest.mark.parametrize("src,ranges", FACES, ids=[src.rsplit("/", 1)[-1] for src, _ in FACES])
def test_every_character_sent_to_a_font_has_a_glyph_in_it(src, ranges):
    cmap = TTFont(ASSETS / src).getBestCmap()
    used = {ord(c) for c in printed_text()} & routed(ranges)
    missing = sorted(used - cmap.keys())
    assert not missing, [f"U+{p:04X} {unicodedata.name(chr(p), '?')}" for p in missing]


def test_every_arabic_script_character_in_the_text_goes_to_a_web_font():
    """A character outside every unicode-range (a presentation form pasted from a PDF, say) would be
    drawn in whatever font the reader's system has."""
    covered = set().union(*(routed(ranges) for _, ranges in FACES))
    stray = {c for c in printed_text() if "ARABIC" in unicodedata.name(c, "") and ord(c) not in covered}
    assert not stray, sorted(f"U+{ord(c):04X} {unicodedata.name(c)}" for c in stray)


ARABIC_FACES = sorted(src for src, ranges in FACES if 0x0627 in routed(ranges))


def test_each_face_has_a_file_for_latin_letters_too():
    """Names such as "Vladimir Putin" are drawn in the family of the text around them."""
    latin = [src for src, ranges in FACES if ord("P") in routed(ranges)]
    assert len(latin) == len(ARABIC_FACES) == 4 and not set(latin) & set(ARABIC_FACES)


@pytest.mark.parametrize("src", ARABIC_FACES)
def test_fonts_keep_joining_ligatures_and_mark_positioning(src):
    font = TTFont(ASSETS / src)
    substitutions = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    positioning = {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina", "rlig", "liga", "ccmp"} <= substitutions
    assert {"mark", "mkmk"} <= positioning


@pytest.mark.parametrize("src", ARABIC_FACES)
def test_fonts_have_the_space_the_share_card_draws_between_words(src):
    """generator/share.py sets whole lines in one font: without a space glyph the words on the card
    stood a .notdef's width apart."""
    assert {0x20, 0xA0} <= TTFont(ASSETS / src).getBestCmap().keys()
