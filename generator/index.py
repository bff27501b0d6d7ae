"""Stage 6: the client-side search index (DESIGN.md, "Search").

Built by Python, queried in the browser by templates/assets/search.js with no
server. Split so that a query downloads only what it needs:

    search/meta.json          constants, the version of each first letter's manifest, and of
                              each group of 64 records
    search/glossary.json      name → glossary id, every spelling in both scripts and Latin
    search/m/{hex}.{v}.json   a first letter's manifest: the shards that start with it → their versions
    search/t/{hex}.{v}.json   a shard: the terms whose first 3 letters are {hex} (UTF-8, hex),
                              with their postings, and the words that stem to a term, for
                              prefix matching as the reader types
    search/d/{id}.{v}.json    one article: title, language, topics, and the original text for
                              excerpts; fetched only for results that are shown

Every file but meta.json and glossary.json carries a version {v}, a hash of what it holds (of its
group's, for records), so a host may cache them for good (`_headers`) and only those two are
revalidated. A shard's version is its own: rewording a note changes a shard or two, their
letters' manifests and meta.json, not the cached copies of everything else. Manifests cost a
query one more round trip, the price of keeping meta.json small (about 40 letters, and 11 bytes
per 64 articles) where one list of every shard would be a download of thousands of names.
Records are versioned by the 64 because a note's edits never change them (they hold the seed's
text), and a version each would make meta.json grow by one per article.

Ranking is BM25 over weighted fields (headline ×3, annotation notes and summaries ×2, body ×1),
computed here and stored per posting as an impact from 1 to 255, so the browser only adds.
Each posting is [document id delta, impact × 2^flagBits + flags]; flags hold the article's
language (bit 0) and topics (one bit each, in the order of meta.topics). Document ids are
positions in the site's article order (newest first), which the browser uses to break ties.

An impact depends only on the term's frequency in the article, the article's own length, the
term's document frequency and the number of articles: the length pivot is a constant and the
scale is BM25's upper bound, not the largest score found. So when one note changes, `digest
serve` recomputes that article's postings, the postings of terms it gained or lost, and then
only the shards in which some number changed (SearchIndex), and the result is the same bytes
a clean build writes.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import sys
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass

from generator.i18n import gregorian, hijri, jalali
from generator.model import Article, Site
from generator.textnorm import search_words, term_of, terms

FIELD_WEIGHTS = {"title": 3, "annotations": 2, "summary": 2, "body": 1, "date": 1}
"""Whole numbers: a term's weighted frequency is then an int, and Python shares the small ones
rather than keeping a float object per term and article (hundreds of MB at 10,000 articles)."""
LEVANTINE_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
                    "تشرين الثاني", "كانون الأول")
"""The Gregorian months as Syria, Lebanon, Jordan and Iraq name them (Arabic text writes «حزيران/يونيو»)."""
K1, B = 1.2, 0.75
PIVOT_LENGTH = 2500.0
"""BM25's reference length in weighted terms: about the real digest's average article, fixed so
that no article's scores move when another article changes."""
SHARD_CHARS = 3
RECORD_GROUP = 64
VERSION_CHARS = 10
ENTITY_PREFIX = "~"
"""Entity terms ('~vladimir-putin') cannot collide with words: the tokenizer never yields '~'."""


def shard_key(term: str) -> str:
    return term[:SHARD_CHARS]


def _group(name: str) -> str:
    """The version group of an unversioned file: a shard ('t/وال') or a manifest is its own group;
    records go by 64 ('d/130' → 'records/2')."""
    kind, _, stem = name.partition("/")
    return f"records/{int(stem) // RECORD_GROUP}" if kind == "d" else name


def _path(name: str, version: str) -> str:
    """'t/وال' → 'search/t/d988d8a7d984.{version}.json' (names in hex: safe on every host and file system)."""
    kind, _, stem = name.partition("/")
    return f"search/{kind}/{stem if kind == 'd' else stem.encode('utf-8').hex()}.{version}.json"


def article_texts(article: Article) -> dict[str, list[tuple[str, str]]]:
    """Each field's texts with their language: the article's own for headline and body, each
    summary's and note's for those."""
    return {
        "title": [(article.headline, article.lang)],
        "annotations": [(a.note.fa, "fa") for a in article.annotations] + [(a.note.ar, "ar") for a in article.annotations],
        "summary": [(article.summary.fa, "fa"), (article.summary.ar, "ar")],
        "body": [(b.text, article.lang) for b in article.blocks],
        "date": date_texts(article.published.date),
    }


def date_texts(date) -> list[tuple[str, str]]:
    """The publication date as a reader may search it: Jalali, Hijri and Gregorian, each in the
    language that writes it («۳۰ خرداد ۱۴۰۳», «۱۳ ذی‌الحجه ۱۴۴۵», «١٣ ذو الحجة ١٤٤٥», «۱۹ ژوئن ۲۰۲۴», «١٩ حزيران ٢٠٢٤»)."""
    return [(f"{jalali(date)} {hijri(date, 'fa')} {gregorian(date, 'fa')}", "fa"),
            (f"{hijri(date)} {gregorian(date, 'ar')} {LEVANTINE_MONTHS[date.month - 1]}", "ar")]


def glossary_names(site: Site) -> dict[str, str]:
    """Every spelling (its terms as Persian and as Arabic text, joined by a space) → entity id; Latin
    names, and their unique long parts."""
    names: dict[str, str] = {}
    parts: dict[str, set[str]] = defaultdict(set)
    for entity in site.entities:
        for spelling, langs in [*((s, ("fa", "ar")) for s in entity.spellings), (entity.latin, ("fa",))]:
            for lang in langs:
                key = " ".join(terms(spelling, lang))
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


def impact(freq: float, length: float, df: int, count: int) -> int:
    """BM25 of one term in one article, scaled to 1–255 by the largest score possible with `count` articles."""
    return scaled_impact(freq, length_norm(length), idf(df, count), ceiling(count))


def length_norm(length: float) -> float:
    return K1 * (1 - B + B * length / PIVOT_LENGTH)


def idf(df: int, count: int) -> float:
    return math.log(1 + (count - df + 0.5) / (df + 0.5))


def ceiling(count: int) -> float:
    return math.log(1 + (count - 0.5) / 1.5) * (K1 + 1)


def scaled_impact(freq: float, norm: float, idf: float, ceiling: float) -> int:
    """impact() from its parts, which a whole build computes once per article, document frequency and site."""
    return max(1, min(255, round(255 * idf * freq * (K1 + 1) / (freq + norm) / ceiling)))


@dataclass(slots=True)
class Doc:
    """What the index holds of one article, compactly: at 10,000 articles a dict of terms and a set of
    word pairs per article were a third of the build's memory."""

    article: Article
    terms: tuple[str, ...]
    """The article's terms, sorted."""
    freqs: array
    """Weighted frequency of each term over the fields, in the order of `terms`."""
    length: int
    surfaces: tuple[tuple[str, str], ...]
    """(word, term) pairs for prefix matching (make_doc), sorted; each pair is one object shared by
    every article that has it."""
    flags: int

    def tf(self) -> dict[str, int]:
        return dict(zip(self.terms, self.freqs))

    def freq(self, term: str) -> int:
        """The term's weighted frequency, 0 when the article lacks it."""
        at = bisect.bisect_left(self.terms, term)
        return self.freqs[at] if at < len(self.terms) and self.terms[at] == term else 0


class Postings:
    """One term's postings in two arrays sorted by document id: a dict per term held millions of
    boxed numbers at 10,000 articles. A clean build appends in document order; `digest serve` sets
    single postings after an edit."""

    __slots__ = ("docs", "values")

    def __init__(self, pairs=()):
        self.docs, self.values = array("I"), array("I")
        for doc, value in pairs:
            self.append(doc, value)

    def append(self, doc: int, value: int) -> None:
        self.docs.append(doc)
        self.values.append(value)

    def get(self, doc: int) -> int | None:
        at = bisect.bisect_left(self.docs, doc)
        return self.values[at] if at < len(self.docs) and self.docs[at] == doc else None

    def set(self, doc: int, value: int) -> None:
        at = bisect.bisect_left(self.docs, doc)
        if at < len(self.docs) and self.docs[at] == doc:
            self.values[at] = value
        else:
            self.docs.insert(at, doc)
            self.values.insert(at, value)

    def items(self):
        return zip(self.docs, self.values)

    def __iter__(self):
        return iter(self.docs)


_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}
"""Each (word, term) pair once, for every article and build that has it: the vocabulary bounds it."""


def entity_terms(article: Article) -> dict[str, list[str]]:
    """The entity terms of each field: the note's entities join the title, the names its notes and
    summaries use join the notes (any spelling), the text's mentions join the body."""
    return {"title": [ENTITY_PREFIX + e for e in article.entities],
            "annotations": [ENTITY_PREFIX + e for e in article.named],
            "body": [ENTITY_PREFIX + m.entity for m in article.mentions]}


def make_doc(article: Article, topics: list[str]) -> Doc:
    """Each text is read once: its words give the field's terms, and the (word, term) pairs whose
    term does not start with the word, so that a reader typing the word's beginning still reaches
    the term (الکرم… → کرملین, کشوره… → کشور)."""
    tf: Counter = Counter()
    length = 0
    surfaces = set()
    entities = entity_terms(article)
    for field, texts in article_texts(article).items():
        field_terms = []
        for text, lang in texts:
            for word in search_words(text):
                term = term_of(word, lang)
                field_terms.append(term)
                if not term.startswith(word):
                    surfaces.add(word_pair(word, term))
        field_terms += entities.get(field, [])
        weight = FIELD_WEIGHTS[field]
        for term in field_terms:
            tf[term] += weight
        length += weight * len(field_terms)
    terms = tuple(sorted(tf))
    return Doc(article, terms, array("I", (tf[term] for term in terms)), length, tuple(sorted(surfaces)),
               doc_flags(article, topics))


def word_pair(word: str, term: str) -> tuple[str, str]:
    pair = (word, term)
    return _PAIRS.get(pair) or _PAIRS.setdefault(pair, (sys.intern(word), term))


class SearchIndex:
    """The index of one site, updated in place from the next site (`digest serve`) or built once.

    A change of article order, topics or count starts over, since every posting then changes;
    otherwise only the articles that are not the very same objects as before are read again.
    """

    def __init__(self):
        self.topics: tuple[str, ...] | None = None
        self.docs: list[Doc] = []
        self.df: Counter = Counter()
        self.words: Counter = Counter()
        """How many articles have each (surface word, term) pair."""
        self.postings: dict[str, Postings] = {}
        """term → its postings: document id → impact × 2^flagBits + flags"""
        self.shard_terms: dict[str, set[str]] = defaultdict(set)
        self.shard_words: dict[str, set[str]] = defaultdict(set)
        self.content: dict[str, bytes] = {}
        """Shards and records by unversioned name ('t/{hex}', 'd/{id}')"""
        self.members: dict[str, set[str]] = defaultdict(set)
        """version group → the unversioned names in it"""
        self.versions: dict[str, str] = {}
        self.published: dict[str, list[str]] = {}
        """version group → its files in the output"""
        self.touched: set[str] = set()
        """Groups whose contents changed since their version was last computed"""
        self.output: dict[str, bytes] = {}
        """Every file of the index: {site-relative path: JSON bytes}"""
        self.dirty: set[str] = set()
        """Files written or removed since the last call to changes()"""

    def files(self, site: Site) -> dict[str, bytes]:
        """The whole search index as {site-relative path: JSON bytes}."""
        self.update(site)
        self.dirty.clear()
        return dict(self.output)

    def changes(self, site: Site) -> dict[str, bytes | None]:
        """The files that differ from the last call's (None for a file now gone)."""
        self.update(site)
        changed = {name: self.output.get(name) for name in self.dirty}
        self.dirty.clear()
        return changed

    def update(self, site: Site) -> None:
        self._update_contents(site)
        self._publish_versions()
        topics = [t.id for t in site.settings.topics]
        self._set("search/glossary.json", _json(glossary_names(site)))
        records = [self.versions[f"records/{group}"] for group in range(math.ceil(len(self.docs) / RECORD_GROUP))]
        shards = {group[2:]: version for group, version in self.versions.items() if group.startswith("m/")}
        self._set("search/meta.json", _json({"version": 2, "shard": SHARD_CHARS, "flagBits": 1 + len(topics),
                                             "topics": topics, "langs": ["fa", "ar"], "minPrefix": 3,
                                             "shards": shards, "records": records, "recordGroup": RECORD_GROUP}))

    def _update_contents(self, site: Site) -> None:
        topics = [t.id for t in site.settings.topics]
        replaced = [n for n, (doc, article) in enumerate(zip(self.docs, site.articles)) if doc.article is not article]
        if (tuple(topics) != self.topics or len(site.articles) != len(self.docs)
                or any(self.docs[n].article.seed != site.articles[n].seed for n in replaced)):
            self._rebuild(site, tuple(topics))
            return
        changed, membership, dirty = set(), set(), set()
        for number in replaced:
            article, old = site.articles[number], self.docs[number]
            new = make_doc(article, topics)
            self.docs[number] = new
            self._put(f"d/{number}", _record(article))
            if (new.terms, new.freqs, new.length, new.surfaces, new.flags) == (old.terms, old.freqs, old.length,
                                                                                old.surfaces, old.flags):
                continue
            changed.add(number)
            gone, added = set(old.terms) - set(new.terms), set(new.terms) - set(old.terms)
            self.df.subtract(gone)
            self.df.update(added)
            membership |= gone | added
            now = set(new.surfaces)
            for pair in now.symmetric_difference(old.surfaces):
                self.words[pair] += 1 if pair in now else -1
                self._file_under(self.shard_words, pair, self.words[pair] > 0)
                if self.words[pair] == 0:
                    del self.words[pair]
                dirty.add(shard_key(pair[0]))
        count, bits = len(self.docs), self._flag_bits()
        for term in membership:
            dirty.add(shard_key(term))
            self._file_under(self.shard_terms, term, self.df[term] > 0)
            if self.df[term] == 0:
                del self.df[term]
                del self.postings[term]
                continue
            # an unchanged article's postings are current: only the changed ones are asked
            holders = {d for d in self.postings.get(term, ()) if d not in changed or self.docs[d].freq(term)}
            holders.update(d for d in changed if self.docs[d].freq(term))
            self.postings[term] = Postings((d, self._packed(term, d, count, bits)) for d in sorted(holders))
        for number in changed:
            for term in set(self.docs[number].terms) - membership:
                value = self._packed(term, number, count, bits)
                if self.postings[term].get(number) != value:
                    self.postings[term].set(number, value)
                    dirty.add(shard_key(term))
        for key in dirty:
            self._encode_shard(key)

    def _rebuild(self, site: Site, topics: tuple[str, ...]) -> None:
        before = self.output
        self.__init__()
        self.output = {name: data for name, data in before.items() if name.count("/") == 1}  # meta, glossary
        self.dirty = set(before) - set(self.output)
        self.topics = topics
        self.docs = [make_doc(article, list(topics)) for article in site.articles]
        count, bits = len(self.docs), self._flag_bits()
        for number, doc in enumerate(self.docs):
            self.df.update(doc.terms)
            self.words.update(doc.surfaces)
            self._put(f"d/{number}", _record(doc.article))
        top, idfs, postings = ceiling(count), {}, self.postings
        for number, doc in enumerate(self.docs):  # in document order: each term's postings come sorted
            norm = length_norm(doc.length)
            for term, freq in zip(doc.terms, doc.freqs):
                df = self.df[term]
                weight = idfs.get(df) or idfs.setdefault(df, idf(df, count))
                found = postings.get(term)
                if found is None:
                    found = postings[term] = Postings()
                found.append(number, (scaled_impact(freq, norm, weight, top) << bits) | doc.flags)
        for term in self.postings:
            self._file_under(self.shard_terms, term, True)
        for pair in self.words:
            self._file_under(self.shard_words, pair, True)
        for key in self.shard_terms.keys() | self.shard_words.keys():
            self._encode_shard(key)

    @staticmethod
    def _file_under(table: dict[str, set], name: str | tuple[str, str], present: bool) -> None:
        """File a term, or a (word, term) pair by its word, under its shard."""
        key = shard_key(name if isinstance(name, str) else name[0])
        if present:
            table[key].add(name)
        else:
            table[key].discard(name)

    def _flag_bits(self) -> int:
        return 1 + len(self.topics)

    def _packed(self, term: str, number: int, count: int, bits: int) -> int:
        doc = self.docs[number]
        return (impact(doc.freq(term), doc.length, self.df[term], count) << bits) | doc.flags

    def _encode_shard(self, key: str) -> None:
        """A shard's JSON from its terms' postings (ids delta-encoded) and its surface words."""
        found = {}
        for term in self.shard_terms.get(key, ()):
            encoded, previous = [], 0
            for doc, value in self.postings[term].items():
                encoded += [doc - previous, value]
                previous = doc
            found[term] = encoded
        by_word: dict[str, list[str]] = defaultdict(list)
        for word, term in sorted(self.shard_words.get(key, ())):
            by_word[word].append(term)
        # a word of both languages may have two terms
        words = {word: listed[0] if len(listed) == 1 else listed for word, listed in by_word.items()}
        self._put("t/" + key, _json({"t": found, "w": words}) if found or words else None)

    def _put(self, name: str, data: bytes | None) -> None:
        """Set (or with None, remove) a shard or record; its group gets a new version in _publish_versions."""
        if self.content.get(name) == data:
            return
        group = _group(name)
        if data is None:
            del self.content[name]
            self.members[group].discard(name)
        else:
            self.content[name] = data
            self.members[group].add(name)
        self.touched.add(group)

    def _publish_versions(self) -> None:
        """Write each changed group under its new version, and remove its files of the old one;
        then the same for the manifests of the first letters whose shards changed."""
        letters = {group[2] for group in self.touched if group.startswith("t/")}
        self._publish(self.touched)
        manifests: dict[str, dict[str, str]] = {letter: {} for letter in letters}
        for group, version in self.versions.items():
            if group.startswith("t/") and group[2] in manifests:
                manifests[group[2]][group[2:]] = version
        for letter, shards in manifests.items():
            self._put("m/" + letter, _json(shards) if shards else None)
        self._publish(self.touched)

    def _publish(self, groups: set[str]) -> None:
        for group in groups:
            for path in self.published.pop(group, ()):
                del self.output[path]
                self.dirty.add(path)
            self.versions.pop(group, None)
            members = sorted(self.members[group])
            if not members:
                del self.members[group]
                continue
            digest = hashlib.sha256()
            for name in members:
                digest.update(name.encode() + b"\0" + self.content[name] + b"\0")
            version = self.versions[group] = digest.hexdigest()[:VERSION_CHARS]
            self.published[group] = [_path(name, version) for name in members]
            for name, path in zip(members, self.published[group]):
                self.output[path] = self.content[name]
                self.dirty.add(path)
        groups.clear()

    def _set(self, name: str, data: bytes) -> None:
        if self.output.get(name) != data:
            self.output[name] = data
            self.dirty.add(name)


def build_index(site: Site) -> dict[str, bytes]:
    """The whole search index of a site, built once."""
    return SearchIndex().files(site)


def _record(article: Article) -> bytes:
    """What the search page shows of a result: fetched only for results on screen."""
    return _json({"slug": article.slug, "seed": article.seed, "lang": article.lang, "title": article.headline,
                  "topics": list(article.topics), "text": [b.text for b in article.blocks]})


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
