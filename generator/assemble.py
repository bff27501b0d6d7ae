"""Stage 4: validated notes + cleaned seeds + anchors → the immutable Site model.

Also the whole-site invariants that need the cleaned text: the note's
language and headline fit the seed, a date the seed prints agrees with the
note, every related article exists.
"""

from __future__ import annotations

from collections import Counter

from generator.anchor import anchor, find_mentions, named_entities, normalized_blocks, spelling_hits
from generator.clean import clean, detect_lang
from generator.errors import ErrorList
from generator.i18n import parse_dateline
from generator.links import Targets, check_refs
from generator.load import Content, Note
from generator.memo import ByIdentity
from generator.pool import reuse_or_map
from generator.model import Article, PubDate, Site, Source
from generator.theme import Theme
from generator.textnorm import character_name, hidden_characters, normalize


def _check_date(note: Note, dateline: str, errors: ErrorList) -> None:
    line = note.doc.line("date", "published")
    if note.inferred:
        return
    printed = parse_dateline(dateline) if dateline else None
    if printed is None:
        errors.add(note.doc.path, line, "the seed prints no date it can read; set date.inferred = true and give date.reason")
    elif printed != note.published:
        errors.add(note.doc.path, line, f"the seed's dateline \"{dateline}\" is {printed.isoformat()}, "
                   f"not {note.published.isoformat()}; correct date.published or mark it inferred")


HIDDEN_WHY = {"\u202a": "an embedding", "\u202b": "an embedding", "\u202c": "a bidi control",
              "\u202d": "an override", "\u202e": "an override", "\ufeff": "a byte order mark inside the text"}


def _check_hidden(note: Note, seed_text: str, errors: ErrorList) -> bool:
    """Each hidden character the note has not accepted for removal, once, where it first occurs;
    True if there was none (otherwise quotes that cross one would fail too: one cause, one error)."""
    first, count = {}, Counter()
    for line, column, ch in hidden_characters(seed_text):
        if ch not in note.cut.remove:
            first.setdefault(ch, (line, column))
            count[ch] += 1
    seed = errors.root / "seeds" / f"{note.seed}.txt"
    for ch, (line, column) in first.items():
        why = HIDDEN_WHY.get(ch) or ("an isolate without its pair" if "\u2066" <= ch <= "\u2069" else "a control character")
        more = f" (and {count[ch] - 1} more time{'s' if count[ch] > 2 else ''})" if count[ch] > 1 else ""
        errors.add(seed, line, f"{character_name(ch)}{more}: {why}, invisible, which would reorder or garble the text "
                   f"on the page; the seed stays as it is: add \"U+{ord(ch):04X}\" to cut.remove_characters in "
                   f"{errors.display(note.doc.path)} to leave it out", column)
    return not first


def assemble_article(note: Note, seed_text: str, entities, errors: ErrorList) -> Article | None:
    path = note.doc.path
    if not _check_hidden(note, seed_text, errors):
        return None

    def report(key: str, message: str) -> None:
        errors.add(path, note.doc.line("cut", key), f"cut.{key}: {message}")

    cleaned = clean(seed_text, note.lang, note.cut, report)
    if not cleaned.blocks:
        errors.add(path, note.doc.line("cut"), "no article text is left after cleaning; check cut.start and cut.end")
        return None
    detected = detect_lang(cleaned.blocks)
    if detected != note.lang:
        errors.add(path, note.doc.line("lang"), f"lang is \"{note.lang}\" but the seed's text is in \"{detected}\"")
    headline = note.headline or cleaned.headline
    if not headline:
        errors.add(path, 1, f"seeds/{note.seed}.txt prints no headline; add headline = \"…\" in the article's language")
    _check_date(note, cleaned.dateline, errors)
    blocks_norm = normalized_blocks(cleaned.blocks)
    annotations = anchor(note, blocks_norm, seed_text, errors)
    return Article(
        seed=note.seed, slug=note.slug, lang=note.lang, headline=headline, dateline=cleaned.dateline,
        published=PubDate(note.published, note.inferred, note.reason),
        source=Source(note.outlet, note.url, note.about), topics=note.topics, entities=note.entities, related=note.related,
        summary=note.summary, blocks=cleaned.blocks, annotations=annotations, meta=cleaned.meta,
        mentions=find_mentions(blocks_norm, entities),
        named=named_entities([note.summary.fa, note.summary.ar, *(t for a in annotations for t in (a.note.fa, a.note.ar))],
                             entities),
    )


_FOUND = ByIdentity()
"""The glossary spellings an article contains: unchanged articles are not searched again."""


def _spellings_in(article: Article, wanted: dict[str, str]) -> frozenset:
    text = normalize(" ".join([article.headline, *(b.text for b in article.blocks), *(v for _, v in article.meta)]))
    return frozenset(s for s, norm in wanted.items() if next(spelling_hits(text, norm), None))


def check_spellings(content: Content, articles, errors: ErrorList) -> None:
    """Every glossary spelling occurs in some article (text or sign-off), unless the editor marked it as their own."""
    doc = next((d for d in content.docs if d.path.name == "glossary.toml"), None)
    _FOUND.keep_only(articles)
    wanted = {s: normalize(s).strip() for e in content.entities for s in e.spellings if s not in e.editor_spellings}
    asked = frozenset(wanted.items())
    found = set().union(*(_FOUND.get(a, lambda a: _spellings_in(a, wanted), asked) for a in articles))
    for index, entity in enumerate(content.entities):
        for spelling in entity.spellings:
            if spelling in entity.editor_spellings:
                continue
            if spelling not in found:
                errors.add(doc.path, doc.line("entity", index, "id"), f"the spelling '{spelling}' of '{entity.id}' occurs in no "
                           "article; correct it, or list it in editor_spellings if it is the editor's own")


def _assemble_one(content: Content, seed: str) -> tuple[Article | None, list]:
    """One article and the errors found in it (run by pool.reuse_or_map, in a worker or here)."""
    errors = ErrorList(content.root)
    article = assemble_article(content.notes[seed], content.seeds[seed], content.entities, errors)
    return article, errors.items


def assemble(content: Content, cache: dict | None = None, jobs: int | None = None) -> Site:
    """Raise ContentErrors for anything the notes get wrong about their seeds.

    `cache` (kept by `digest serve` between builds) maps a seed to the article assembled from
    the same seed text, note text and glossary, which is then reused as it is. Articles are
    assembled on every core (pool.reuse_or_map) when there are many.
    """
    errors = ErrorList(content.root)
    keys = {seed: (content.seeds[seed], note.doc.text, content.entities) for seed, note in content.notes.items()}
    articles = list(reuse_or_map(_assemble_one, sorted(content.notes), content, keys, cache, errors, jobs).values())
    errors.raise_if_any()
    newest_first = sorted(articles, key=lambda a: (a.published.date, a.seed), reverse=True)
    site = Site(content.settings, tuple(newest_first), content.entities, content.events, Theme.of(content.root))
    check_refs(content.docs, Targets(site), errors)
    check_spellings(content, articles, errors)
    errors.raise_if_any()
    return site
