"""Stage 3: locate each annotation's quote in the cleaned article.

A W3C TextQuoteSelector (exact + optional prefix/suffix) matched on normalized
text, so an editor who types ی, ک or a ZWNJ finds ي, ك or none in the seed.
A quote lies within one block; it must match exactly once, and quotes of one
article must not overlap (a passage carries one highlight).
"""

from __future__ import annotations

import functools
from itertools import pairwise

from generator.errors import ErrorList
from generator.load import Note
from generator.model import Annotation, Block, Mention
from generator.textnorm import Normalized, normalize, normalize_mapped


def _matches(blocks_norm, exact: str, prefix: str, suffix: str) -> list[tuple[int, int, int]]:
    """All (block, start, end) in normalized coordinates where the selector fits."""
    hits = []
    for index, norm in enumerate(blocks_norm):
        text = norm.text
        at = text.find(exact)
        while at != -1:
            before = text[:at].rstrip()
            after = text[at + len(exact):].lstrip()
            if before.endswith(prefix) and after.startswith(suffix):
                hits.append((index, at, at + len(exact)))
            at = text.find(exact, at + 1)
    return hits


def normalized_blocks(blocks: tuple[Block, ...]) -> list[Normalized]:
    """Each block's text normalized with its map back to the original: made once per article and
    read by both anchor and find_mentions (it is the costliest step of loading)."""
    return [normalize_mapped(b.text) for b in blocks]


def anchor(note: Note, blocks_norm: list[Normalized], seed_text: str, errors: ErrorList) -> tuple[Annotation, ...]:
    placed: list[Annotation] = []
    for spec in note.annotations:
        line = note.doc.line("annotations", spec.index, "exact")
        exact = normalize(spec.exact).strip()
        if not exact:
            continue
        hits = _matches(blocks_norm, exact, normalize(spec.prefix).strip(), normalize(spec.suffix).strip())
        if not hits:
            if exact in normalize(seed_text):
                message = "is in a part of the seed that cleaning cut (boilerplate or outside cut.start/cut.end); quote the article text"
            elif spec.prefix or spec.suffix:
                message = "is in the article, but not with this prefix/suffix; check them against the text"
            else:
                message = "is not in the article text; copy the passage from the seed (ی/ي, ک/ك, ZWNJ and digits may differ)"
            errors.add(note.doc.path, line, f"annotation '{spec.id}': the quote \"{spec.exact.strip()}\" {message}")
            continue
        if len(hits) > 1:
            paragraphs = sorted({b + 1 for b, _, _ in hits})
            where = "paragraph" + ("s " if len(paragraphs) > 1 else " ") + ", ".join(map(str, paragraphs[:8]))
            where += ", …" if len(paragraphs) > 8 else ""
            errors.add(note.doc.path, line, f"annotation '{spec.id}': the quote \"{spec.exact.strip()}\" matches {len(hits)} places "
                       f"({where}); add a prefix or suffix, or quote more words")
            continue
        index, start, end = hits[0]
        src_start, src_end = blocks_norm[index].source_span(start, end)
        placed.append(Annotation(spec.id, index, src_start, src_end, spec.note, spec.topics, spec.kind, spec.see,
                                 spec.evidence))
    ordered = sorted(placed, key=lambda a: (a.block, a.start))
    for first, second in pairwise(ordered):
        if first.block == second.block and second.start < first.end:
            index = next(s.index for s in note.annotations if s.id == second.id)
            errors.add(note.doc.path, note.doc.line("annotations", index, "exact"),
                       f"annotation '{second.id}' overlaps annotation '{first.id}'; a passage carries one note, so shorten one quote")
    return tuple(placed)


# --- glossary mentions ---------------------------------------------------------------------------

PROCLITICS = ("", "و", "ف", "ب", "ل", "ک", "وب", "ول", "فب", "فل", "وک")
"""Arabic one-letter prefixes a name may carry (وبوتين, لبوتين, ببيونغ يانغ), in normalized form."""


def _word_start(text: str, at: int) -> int:
    while at > 0 and text[at - 1].isalpha():
        at -= 1
    return at


def spelling_hits(norm_text: str, spelling: str):
    """Yield (start, end) of whole-word occurrences of a normalized spelling, proclitics allowed."""
    at = norm_text.find(spelling)
    while at != -1 and spelling:
        end = at + len(spelling)
        whole_end = end == len(norm_text) or not norm_text[end].isalpha()
        if whole_end and norm_text[_word_start(norm_text, at):at] in PROCLITICS:
            yield at, end
        at = norm_text.find(spelling, at + 1)


@functools.lru_cache(maxsize=4)
def entity_spellings(entities) -> tuple[tuple[str, str], ...]:
    """(normalized spelling, entity id) of every glossary name: once per glossary, not per article."""
    return tuple((normalize(s).strip(), e.id) for e in entities for s in e.spellings)


def find_mentions(blocks_norm: list[Normalized], entities) -> tuple[Mention, ...]:
    """Glossary names in the text, longest first where two overlap, as spans of the original text."""
    spellings = entity_spellings(entities)
    mentions = []
    for index, norm in enumerate(blocks_norm):
        found = sorted(((start, end, entity) for spelling, entity in spellings
                        for start, end in spelling_hits(norm.text, spelling)), key=lambda h: (h[0], h[0] - h[1]))
        taken = 0
        for start, end, entity in found:
            if start >= taken:
                src_start, src_end = norm.source_span(start, end)
                mentions.append(Mention(index, src_start, src_end, entity))
                taken = end
    return tuple(mentions)


def named_entities(texts, entities) -> tuple[str, ...]:
    """The glossary entries that any of `texts` names, in glossary order."""
    norms = [normalize(text) for text in texts if text]
    named = {entity for spelling, entity in entity_spellings(entities)
             if any(next(spelling_hits(norm, spelling), None) for norm in norms)}
    return tuple(e.id for e in entities if e.id in named)
