"""Stage 3: locate each annotation's quote in the cleaned article.

A W3C TextQuoteSelector (exact + optional prefix/suffix) matched on normalized
text, so an editor who types ی, ک or a ZWNJ finds ي, ك or none in the seed.
A quote lies within one block; it must match exactly once, and quotes of one
article must not overlap (a passage carries one highlight).
"""

from __future__ import annotations

import functools
import re
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


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not text[end].isalpha()


def _whole_word(norm_text: str, start: int, end: int) -> bool:
    """The spelling at [start, end) is a word of its own, or one with a proclitic before it."""
    return _ends_word(norm_text, end) and norm_text[_word_start(norm_text, start):start] in PROCLITICS


_ALNUM_RUN = re.compile(r"[^\W\d_]+")
"""Letters and the numbers that are not digits (½, ①): a superset of str.isalpha, which re has no class for."""


def _words(text: str):
    """Yield (start, word) of each run of letters (str.isalpha) in text."""
    for run in _ALNUM_RUN.finditer(text):
        word = run.group()
        if word.isalpha():
            yield run.start(), word
        else:  # a rare numeral among the letters ends one word and starts the next
            start = None
            for offset, ch in enumerate(word + " "):
                if ch.isalpha() and start is None:
                    start = offset
                elif not ch.isalpha() and start is not None:
                    yield run.start() + start, word[start:offset]
                    start = None


class SpellingFinder:
    """Every normalized spelling of a set, found in a text at once. A spelling starts a word or follows
    a proclitic, and its leading letters end that word, so the words of the text, with or without a
    proclitic, are matched against the spellings' leading letters as sets, and spellings are tried
    only where such a word is. Looking for each spelling in turn cost more than the rest of loading."""

    def __init__(self, spellings: tuple[tuple[str, object], ...]):
        """`spellings`: (normalized spelling, what it stands for), in the order hits of equal extent are reported."""
        self.by_lead: dict[str, list] = {}
        """leading letters → (spelling, order, value) of the spellings that start with them"""
        others = []
        for order, (spelling, value) in enumerate(spellings):
            lead = next(_words(spelling), (None, ""))
            if lead[0] == 0:
                self.by_lead.setdefault(lead[1], []).append((spelling, order, value))
            elif spelling:
                others.append((spelling, order, value))
        self.others = tuple(others)
        """spellings that do not start with a letter: looked for one by one"""
        self.words: dict[str, list[int]] = {}
        """a word that may begin a spelling → the lengths of the proclitics it may begin with"""
        for lead in self.by_lead:
            for proclitic in PROCLITICS:
                self.words.setdefault(proclitic + lead, []).append(len(proclitic))

    def hits(self, norm_text: str) -> list[tuple[int, int, int, object]]:
        """(start, end, order, value) of each whole-word occurrence of each spelling, proclitics allowed;
        overlapping ones too."""
        found: list[tuple] = []
        runs = _ALNUM_RUN.findall(norm_text)
        if "".join(runs).isalpha():
            for word in self.words.keys() & set(runs):
                at = norm_text.find(word)
                while at != -1:
                    end = at + len(word)
                    if _word_start(norm_text, at) == at and _ends_word(norm_text, end):
                        for cut in self.words[word]:
                            self._spellings_at(norm_text, at + cut, word[cut:], found)
                    at = norm_text.find(word, at + 1)
        else:  # a numeral among letters (½, ①) splits a run into words: take them one by one
            for start, word in _words(norm_text):
                for cut in self.words.get(word, ()):
                    self._spellings_at(norm_text, start + cut, word[cut:], found)
        for spelling, order, value in self.others:
            found += [(start, end, order, value) for start, end in spelling_hits(norm_text, spelling)]
        return found

    def _spellings_at(self, norm_text: str, at: int, lead: str, found: list) -> None:
        """The spellings starting with `lead` that occur whole at `at`."""
        for spelling, order, value in self.by_lead[lead]:
            if norm_text.startswith(spelling, at) and _whole_word(norm_text, at, at + len(spelling)):
                found.append((at, at + len(spelling), order, value))


def spelling_hits(norm_text: str, spelling: str):
    """Yield (start, end) of whole-word occurrences of a normalized spelling, proclitics allowed."""
    at = norm_text.find(spelling)
    while at != -1 and spelling:
        end = at + len(spelling)
        if _whole_word(norm_text, at, end):
            yield at, end
        at = norm_text.find(spelling, at + 1)


@functools.lru_cache(maxsize=4)
def entity_spellings(entities) -> SpellingFinder:
    """Every glossary name's normalized spellings with its entity id: once per glossary, not per article."""
    return SpellingFinder(tuple((normalize(s).strip(), e.id) for e in entities for s in e.spellings))


def find_mentions(blocks_norm: list[Normalized], entities) -> tuple[Mention, ...]:
    """Glossary names in the text, longest first where two overlap, as spans of the original text."""
    finder = entity_spellings(entities)
    mentions = []
    for index, norm in enumerate(blocks_norm):
        taken = 0
        for start, end, _, entity in sorted(finder.hits(norm.text), key=lambda h: (h[0], h[0] - h[1], h[2])):
            if start >= taken:
                src_start, src_end = norm.source_span(start, end)
                mentions.append(Mention(index, src_start, src_end, entity))
                taken = end
    return tuple(mentions)


def named_entities(texts, entities) -> tuple[str, ...]:
    """The glossary entries that any of `texts` names, in glossary order."""
    finder = entity_spellings(entities)
    named = {hit[3] for text in texts if text for hit in finder.hits(normalize(text))}
    return tuple(e.id for e in entities if e.id in named)
