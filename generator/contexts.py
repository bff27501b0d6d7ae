"""What each kind of page shows: one frozen value per page, both its template's context and its key.

A page is rendered from its template (with what it extends, imports and the catalogs), the
site-wide `Shared` value, where it is (language, address) and its context, and from nothing
else: templates receive no Site. So a page whose context equals the last build's is the same
page, and `digest serve` skips it; whatever a context lacks, its template cannot read (Jinja's
StrictUndefined makes that an error, not a stale page). Contexts hold model values (Article,
Annotation, Entity, Event) and Listings, compared by identity first: comparing the contexts of
unchanged pages costs little. What a template needs that follows from its context alone (an
article's rows, an entity page's text parts) is made by `values()`, when the page is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import Annotation, Article, Bilingual, Entity, Event, Mention, PubDate, Site, Source, Topic
from generator.render import article_rows, split_parts


@dataclass(frozen=True, slots=True)
class Listing:
    """What a page shows of an article it lists or links to: its heading, not its text."""

    slug: str
    headline: str
    lang: str
    source: Source
    published: PubDate
    summary: Bilingual
    topics: tuple[str, ...]

    @classmethod
    def of(cls, article: Article) -> Listing:
        return cls(article.slug, article.headline, article.lang, article.source, article.published, article.summary,
                   article.topics)


@dataclass(frozen=True, slots=True)
class Shared:
    """What every page shows of the site: its name, the topics of the menu, whether it has a glossary
    and a timeline, its address and the names of its fingerprinted assets."""

    title: Bilingual
    description: Bilingual
    topics: tuple[tuple[str, Bilingual], ...]
    """(id, name) of each topic, in the menu's order."""
    has_entities: bool
    has_events: bool
    base_url: str
    assets: tuple[tuple[str, str], ...]
    """Asset name → its name in the site (assets.py)."""

    @classmethod
    def of(cls, site: Site, assets: dict[str, str]) -> Shared:
        settings = site.settings
        return cls(settings.title, settings.description, tuple((t.id, t.name) for t in settings.topics),
                   bool(site.entities), bool(site.events), settings.base_url, tuple(assets.items()))

    def topic_name(self, topic_id: str) -> Bilingual:
        return next(name for id_, name in self.topics if id_ == topic_id)


@dataclass(frozen=True, slots=True)
class Plain:
    """A page that shows only what every page does (the language chooser, 404 pages, robots.txt…)."""

    def values(self) -> dict:
        return {}


@dataclass(frozen=True, slots=True)
class ArticlePage:
    article: Article
    linked: tuple[Listing, ...]
    """The articles its notes and its related list link to."""
    names: tuple[tuple[str, Bilingual], ...]
    """The names of the entities it is about (its structured data names them)."""

    def values(self) -> dict:
        return {"article": self.article, "rows": article_rows(self.article),
                "linked": {listing.slug: listing for listing in self.linked}, "names": dict(self.names)}


@dataclass(frozen=True, slots=True)
class TopicPage:
    """One page of a topic's passages; the first also shows its summary (None on later pages)."""

    topic_id: str
    summary: Bilingual | None
    pager: object
    groups: tuple[tuple[Listing, tuple[tuple[Annotation, str], ...]], ...]
    """Each article with its passages tagged with the topic: (annotation, the passage's text)."""

    def values(self) -> dict:
        return {"topic_id": self.topic_id, "summary": self.summary, "pager": self.pager, "groups": self.groups}


@dataclass(frozen=True, slots=True)
class EntityPage:
    entity: Entity
    pager: object
    entries: tuple
    """Per article: (listing, whether its note lists the entity, ((block, sentence, spans of the
    name in it), …) of the first sentences naming it, the block of the next one or None, how
    many sentences name it) — pages.Facts.by_entity."""

    def values(self) -> dict:
        name = self.entity.id
        return {"entity": self.entity, "pager": self.pager, "entries": [
            (listing, about, [(block, split_parts(text, 0, [Mention(block, s, e, name) for s, e in spans]))
                              for block, text, spans in sentences], more_at, count - len(sentences))
            for listing, about, sentences, more_at, count in self.entries]}


@dataclass(frozen=True, slots=True)
class HomePage:
    """One page of the articles, newest first; the first also leads with the topics and the latest events."""

    pager: object
    count: int
    """Articles in the whole digest."""
    articles: tuple[Listing, ...]
    topics: tuple[Topic, ...] = ()
    topic_counts: tuple[tuple[str, tuple[int, int]], ...] = ()
    """topic id → (passages, articles)"""
    latest_events: tuple[Event, ...] = ()

    def values(self) -> dict:
        return {"pager": self.pager, "count": self.count, "articles": list(self.articles), "topics": self.topics,
                "topic_counts": dict(self.topic_counts), "latest_events": self.latest_events}


@dataclass(frozen=True, slots=True)
class FeedPage:
    """An Atom feed of the newest articles: the whole digest's, or a topic's."""

    topic_id: str | None
    entries: tuple[Listing, ...]

    def values(self) -> dict:
        return {"topic_id": self.topic_id, "entries": list(self.entries)}


@dataclass(frozen=True, slots=True)
class TimelinePage:
    events: tuple[Event, ...]
    passages: tuple[tuple[str, tuple[tuple[Listing, Annotation, str], ...]], ...]
    """event id → (the article, the annotation, the passage's text) of each passage it cites"""

    def values(self) -> dict:
        return {"events": self.events, "passages": dict(self.passages)}


@dataclass(frozen=True, slots=True)
class EntitiesPage:
    entities: tuple[Entity, ...]
    counts: tuple[tuple[str, int], ...]
    """entity id → passages naming it"""

    def values(self) -> dict:
        return {"entities": self.entities, "counts": dict(self.counts)}


@dataclass(frozen=True, slots=True)
class SearchPage:
    strings: dict
    """Interface text for the search script (render.search_strings)."""
    name_example: str

    def values(self) -> dict:
        return {"search_strings": self.strings, "name_example": self.name_example}


@dataclass(frozen=True, slots=True)
class SitemapPage:
    paths: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    """For the index of several sitemaps: their files."""

    def values(self) -> dict:
        return {"paths": self.paths, "sitemaps": self.sitemaps}
