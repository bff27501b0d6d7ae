"""Stage 6: the client-side search index (DESIGN.md, "Search").

Built by Python, queried in the browser by templates/assets/search.js with no
server. Split so that a query downloads only what it needs:

    search/meta.json          constants (size independent of the number of articles)
    search/glossary.json      name → glossary id, every spelling in both scripts and Latin
    search/t/{hex}.json       a shard: the terms whose first 3 letters are {hex} (UTF-8, hex),
                              with their postings, and the words that stem to a term, for
                              prefix matching as the reader types
    search/d/{id}.json        one article: title, language, topics, and the original text for
                              excerpts; fetched only for results that are shown

Ranking is BM25 over weighted fields (headline ×3, annotation notes and summaries ×2, body ×1),
computed here and stored per posting as an impact from 1 to 255, so the browser only adds.
Each posting is [document id delta, impact × 2^flagBits + flags]; flags hold the article's
language (bit 0) and topics (one bit each, in the order of meta.topics).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict

from generator.memo import ByIdentity
from generator.model import Article, Site
from generator.textnorm import normalize, stem, terms, words

FIELD_WEIGHTS = {"title": 3.0, "annotations": 2.0, "summary": 2.0, "body": 1.0}
K1, B = 1.2, 0.75
SHARD_CHARS = 3
ENTITY_PREFIX = "~"
"""Entity terms ('~vladimir-putin') cannot collide with words: the tokenizer never yields '~'."""


def shard_key(term: str) -> str:
    return term[:SHARD_CHARS]


def shard_file(key: str) -> str:
    return f"search/t/{key.encode('utf-8').hex()}.json"


def article_fields(article: Article) -> dict[str, list[str]]:
    """Each field's terms; entity terms join the body (their mentions) and the title (the note's entities)."""
    notes = [a.note.fa + " " + a.note.ar for a in article.annotations]
    return {
        "title": terms(article.headline) + [ENTITY_PREFIX + e for e in article.entities],
        "annotations": terms(" ".join(notes)),
        "summary": terms(article.summary.fa + " " + article.summary.ar),
        "body": terms(" ".join(b.text for b in article.blocks)) + [ENTITY_PREFIX + m.entity for m in article.mentions],
    }


def surface_words(article: Article) -> set[str]:
    texts = [article.headline, article.summary.fa, article.summary.ar, *(b.text for b in article.blocks),
             *(a.note.fa + " " + a.note.ar for a in article.annotations)]
    return {w for text in texts for w in words(normalize(text))}


def glossary_names(site: Site) -> dict[str, str]:
    """Every spelling (stemmed words joined by a space) → entity id; Latin names, and their unique long parts."""
    names: dict[str, str] = {}
    parts: dict[str, set[str]] = defaultdict(set)
    for entity in site.entities:
        for spelling in (*entity.spellings, entity.latin):
            key = " ".join(terms(spelling))
            if key:
                names.setdefault(key, entity.id)
        for part in terms(entity.latin):
            if len(part) >= 4 and not part.isnumeric():
                parts[part].add(entity.id)
    for part, ids in parts.items():
        if len(ids) == 1 and part not in names:
            names[part] = next(iter(ids))
    return dict(sorted(names.items()))


def doc_flags(article: Article, topics: list[str]) -> int:
    flags = 1 if article.lang == "ar" else 0
    for index, topic in enumerate(topics):
        if topic in article.topics:
            flags |= 1 << (index + 1)
    return flags


_FIELDS = ByIdentity()
"""An article's fields and surface words (`digest serve` reuses unchanged Article objects)."""


def build_index(site: Site) -> dict[str, bytes]:
    """The whole search index as {site-relative path: JSON bytes}."""
    _FIELDS.keep_only(site.articles)
    topics = [t.id for t in site.settings.topics]
    flag_bits = 1 + len(topics)
    weighted: list[Counter] = []
    lengths: list[float] = []
    surfaces: dict[str, str] = {}
    for article in site.articles:
        tf: Counter = Counter()
        length = 0.0
        fields, words_here = _FIELDS.get(article, lambda a: (article_fields(a), surface_words(a)))
        for field, field_terms in fields.items():
            weight = FIELD_WEIGHTS[field]
            for term in field_terms:
                tf[term] += weight
            length += weight * len(field_terms)
        weighted.append(tf)
        lengths.append(length)
        for word in words_here:
            if stem(word) != word:
                surfaces[word] = stem(word)
    count = len(site.articles)
    average = sum(lengths) / count if count else 1.0
    df = Counter(term for tf in weighted for term in tf)
    raw: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for doc, tf in enumerate(weighted):
        norm = K1 * (1 - B + B * lengths[doc] / average)
        for term, freq in tf.items():
            idf = math.log(1 + (count - df[term] + 0.5) / (df[term] + 0.5))
            raw[term].append((doc, idf * freq * (K1 + 1) / (freq + norm)))
    top = max((s for postings in raw.values() for _, s in postings), default=1.0)
    flags = [doc_flags(a, topics) for a in site.articles]

    shards: dict[str, dict] = defaultdict(lambda: {"t": {}, "w": {}})
    for term in sorted(raw):
        encoded, previous = [], 0
        for doc, score in raw[term]:
            impact = max(1, round(255 * score / top))
            encoded += [doc - previous, (impact << flag_bits) | flags[doc]]
            previous = doc
        shards[shard_key(term)]["t"][term] = encoded
    for word in sorted(surfaces):
        shards[shard_key(word)]["w"][word] = surfaces[word]

    files = {shard_file(key): _json(shard) for key, shard in sorted(shards.items())}
    for doc, article in enumerate(site.articles):
        files[f"search/d/{doc}.json"] = _json({
            "slug": article.slug, "seed": article.seed, "lang": article.lang, "title": article.headline,
            "topics": list(article.topics), "text": [b.text for b in article.blocks],
        })
    files["search/glossary.json"] = _json(glossary_names(site))
    files["search/meta.json"] = _json({"version": 1, "shard": SHARD_CHARS, "flagBits": flag_bits, "topics": topics,
                                       "langs": ["fa", "ar"], "minPrefix": 3})
    return files


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
