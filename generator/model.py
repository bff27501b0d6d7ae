"""The declared, immutable model that templates and the index read.

Nothing downstream of this module touches raw files: load/clean/anchor fill
these dataclasses, render reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.theme import Theme

LANGS = ("fa", "ar")
ANNOTATION_KINDS = ("context", "cross-reference", "disputed", "correction")
EVIDENCE = ("confirmed", "claimed", "denied", "unverified")
"""How far a disputed claim stands, which every `disputed` note says: confirmed by independent
evidence; claimed by one side only; denied by the side it accuses; not verified by anyone."""


@dataclass(frozen=True, slots=True)
class Bilingual:
    """Editor text in the two interface languages; either may be empty."""

    fa: str = ""
    ar: str = ""

    def get(self, lang: str) -> str:
        return getattr(self, lang)

    def prefer(self, lang: str) -> tuple[str, str]:
        """(text, its language): the reader's language first, else the other one."""
        other = "ar" if lang == "fa" else "fa"
        return (self.get(lang), lang) if self.get(lang) else (self.get(other), other)


BASE_URL = re.compile(r"^(https?://[^/\s?#]+)?/(?!/)(?!(?:[^\s?#]*/)?\.\.(?:/|$))[^\s?#]*$")
"""Where the site is published: an absolute URL or a path (not //host, no query or fragment)."""
PER_PAGE = 20
"""Articles per page on listing pages, unless digest.toml sets per_page."""


@dataclass(frozen=True, slots=True)
class Settings:
    """content/digest.toml."""

    title: Bilingual
    description: Bilingual
    base_url: str
    """Absolute URL the site is published at; only used where a link cannot be relative (404 pages)."""
    topics: tuple[Topic, ...]
    per_page: int = PER_PAGE
    """Articles per page on the home, topic and entity pages."""


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    """One of the vocabulary in digest.toml: military, economic, historical."""
    name: Bilingual
    summary: Bilingual = Bilingual()
    """Markdown, from content/topics/{id}.toml."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A glossary entry: a person, place or organisation."""

    id: str
    kind: str
    name: Bilingual
    latin: str
    aliases: tuple[str, ...] = ()
    """Other spellings found in the seeds (either script)."""
    role: Bilingual = Bilingual()
    editor_spellings: tuple[str, ...] = ()
    """Spellings the editor supplies that no seed uses (checked: every other spelling occurs in a seed)."""

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every name this entity goes by in the digest, both scripts."""
        return tuple(dict.fromkeys((self.name.fa, self.name.ar, *self.aliases)))


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of cleaned article text."""

    kind: str
    """'heading', 'paragraph' or 'item' (a bullet point)."""
    text: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A seed after boilerplate removal; the seed file itself is never changed."""

    headline: str
    """Empty when the seed prints none."""
    dateline: str
    blocks: tuple[Block, ...]
    meta: tuple[tuple[str, str], ...]
    """Sign-off facts kept out of the body: ('news_code', '۴۷۳۲۹۸۰'), ('author', …)."""


@dataclass(frozen=True, slots=True)
class Annotation:
    id: str
    block: int
    """Index of the block the quote lies in."""
    start: int
    end: int
    """Character span of the quote in that block's text."""
    note: Bilingual
    topics: tuple[str, ...]
    kind: str = "context"
    """One of ANNOTATION_KINDS: editorial context, a cross-reference, a disputed claim, a correction."""
    see: tuple[str, ...] = ()
    """References ('@slug#annotation-id') to passages of other articles reporting the same fact."""
    evidence: str = ""
    """For a disputed claim, one of EVIDENCE."""

    def quote(self, article: Article) -> str:
        return article.blocks[self.block].text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Source:
    outlet: str
    url: str = ""
    about: Bilingual = Bilingual()
    """Who the outlet is and whose reporting it relays (Markdown)."""


@dataclass(frozen=True, slots=True)
class PubDate:
    date: dt.date
    inferred: bool
    reason: Bilingual = Bilingual()
    """Why the editor inferred this date (required when inferred)."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A glossary name found in article text (any spelling, any script)."""

    block: int
    start: int
    end: int
    entity: str


@dataclass(frozen=True, slots=True)
class Event:
    """A dated event of the timeline (content/timeline.toml)."""

    id: str
    start: dt.date
    end: dt.date | None
    title: Bilingual
    note: Bilingual
    passages: tuple[str, ...]
    """References ('@slug#annotation-id') to the passages that mention it."""
    entities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    seed: str
    """Seed file stem, e.g. 000_2d6022ae28c1f2b9."""
    slug: str
    lang: str
    """Language of the original text: 'fa' or 'ar'."""
    headline: str
    dateline: str
    published: PubDate
    source: Source
    topics: tuple[str, ...]
    entities: tuple[str, ...]
    related: tuple[str, ...]
    summary: Bilingual
    blocks: tuple[Block, ...]
    annotations: tuple[Annotation, ...]
    meta: tuple[tuple[str, str], ...] = ()
    mentions: tuple[Mention, ...] = ()
    named: tuple[str, ...] = ()
    """Glossary entries the editor's summaries and notes name (search counts them as mentions)."""

    def annotations_in(self, block: int) -> list[Annotation]:
        return sorted((a for a in self.annotations if a.block == block), key=lambda a: a.start)


@dataclass(frozen=True, slots=True)
class Site:
    settings: Settings
    articles: tuple[Article, ...]
    """Newest first."""
    entities: tuple[Entity, ...] = field(default=())
    events: tuple[Event, ...] = field(default=())
    """Oldest first."""
    theme: Theme = field(default=Theme(), compare=False)
    """Where its pages are rendered from (the project's templates/, then the defaults)."""
    by_slug: dict[str, Article] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "by_slug", {a.slug: a for a in self.articles})

    def article(self, slug: str) -> Article:
        return self.by_slug[slug]

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.settings.topics if t.id == topic_id)

    def entity(self, entity_id: str) -> Entity:
        return next(e for e in self.entities if e.id == entity_id)

    def annotation(self, slug: str, annotation_id: str) -> Annotation:
        return next(a for a in self.article(slug).annotations if a.id == annotation_id)
