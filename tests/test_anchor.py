"""Anchoring: quotes typed with Persian letters or ZWNJ find the seed's Arabic letters, once and only once."""

from generator.anchor import anchor, normalized_blocks
from generator.errors import ErrorList
from generator.load import AnnotationSpec, Note
from generator.model import Bilingual, Block
from generator.tomlfile import TomlDoc
from pathlib import Path

BLOCKS = (
    Block("paragraph", "قال مسؤول إن الزعيم كيم جونج أون قد يجتمع قريبا بنظيره الروسي."),
    Block("paragraph", "روسيه و کره شمالی همکاریها را گسترش میدهند و کيم به روسيه میرود."),
    Block("paragraph", "کيم به روسيه میرود."),
)


def note_with(*specs):
    doc = TomlDoc(Path("content/notes/x.toml"), {}, {("annotations", i, "exact"): 10 + i for i in range(len(specs))})
    annotations = tuple(AnnotationSpec(i, f"a{i}", exact, prefix, suffix, Bilingual(fa="یادداشت"), ())
                        for i, (exact, prefix, suffix) in enumerate(specs))
    return Note(seed="x", doc=doc, slug="x", lang="fa", headline="", outlet="", url="", about=Bilingual(), published=None,
                inferred=False, reason=Bilingual(), topics=(), entities=(), related=(), summary=Bilingual(), cut=None,
                annotations=annotations)


def run(*specs, seed_text=""):
    errors = ErrorList(Path("."))
    placed = anchor(note_with(*specs), normalized_blocks(BLOCKS), seed_text, errors)
    return placed, [str(e) for e in errors.items]


def test_persian_spelling_and_zwnj_find_arabic_letters():
    placed, errors = run(("کیم جونج اون", "", ""), ("همکاری‌ها را گسترش می‌دهند", "", ""))
    assert errors == []
    first, second = placed
    assert BLOCKS[0].text[first.start:first.end] == "كيم جونج أون"
    assert BLOCKS[1].text[second.start:second.end] == "همکاریها را گسترش میدهند"


def test_ambiguous_quote_names_file_line_and_places():
    _, errors = run(("کیم به روسیه میرود", "", ""))
    assert errors == ["content/notes/x.toml:10: annotation 'a0': the quote \"کیم به روسیه میرود\" matches 2 places "
                      "(paragraphs 2, 3); add a prefix or suffix, or quote more words"]


def test_prefix_disambiguates():
    placed, errors = run(("کیم به روسیه میرود", "گسترش میدهند و", ""))
    assert errors == [] and placed[0].block == 1


def test_missing_quote_is_an_error():
    _, errors = run(("پوتین در مسکو", "", ""))
    assert errors == ["content/notes/x.toml:10: annotation 'a0': the quote \"پوتین در مسکو\" is not in the article text; "
                      "copy the passage from the seed (ی/ي, ک/ك, ZWNJ and digits may differ)"]


def test_quote_in_cut_boilerplate_says_so():
    _, errors = run(("دیدگاهتان را بنویسید", "", ""), seed_text="متن\nدیدگاهتان را بنویسید\n")
    assert "is in a part of the seed that cleaning cut" in errors[0]


def test_overlapping_quotes_are_refused():
    _, errors = run(("کيم جونج أون قد يجتمع", "", ""), ("أون قد يجتمع قريبا", "", ""))
    assert errors == ["content/notes/x.toml:11: annotation 'a1' overlaps annotation 'a0'; a passage carries one note, so shorten one quote"]


def test_glossary_names_are_found_in_any_spelling_and_with_proclitics():
    from generator.anchor import find_mentions
    from generator.model import Entity

    entities = (Entity("kim", "person", Bilingual("کیم جونگ اون", "كيم جونغ أون"), "Kim Jong Un", ("كيم جونج أون", "کیم")),
                Entity("pyongyang", "place", Bilingual("پیونگ یانگ", "بيونغ يانغ"), "Pyongyang"))
    blocks = (Block("paragraph", "قال إن كيم جونج أون زار ببيونغ يانغ، وكيمياء"),)
    found = [(blocks[0].text[m.start:m.end], m.entity) for m in find_mentions(normalized_blocks(blocks), entities)]
    # the longest spelling wins; 'ب' is a proclitic; 'كيمياء' is another word
    assert found == [("كيم جونج أون", "kim"), ("بيونغ يانغ", "pyongyang")]


def test_finding_all_spellings_at_once_equals_looking_for_each():
    """SpellingFinder looks words up instead of searching for every glossary spelling in turn; on
    texts made of spellings, proclitics, look-alike words, numerals inside words and stray marks it
    must find exactly what the one-by-one search finds."""
    import random

    from generator.anchor import SpellingFinder, spelling_hits

    spellings = ("کیم", "کیم جونگ اون", "پوتین", "بیونغ یانغ", "یانغ", "ولادیمیر پوتین", "2024 قمه", "-x", "a½b")
    finder = SpellingFinder(tuple((s, n) for n, s in enumerate(spellings)))
    pool = [*spellings, "و", "ب", "ل", "وب", "کیمیا", "پوتینی", "½", "①", "-", " ", " ", "، ", "x", "ab", "2024"]
    rng = random.Random(1402)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        expected = sorted((start, end, n, n) for n, s in enumerate(spellings) for start, end in spelling_hits(text, s))
        assert sorted(finder.hits(text)) == expected, text
