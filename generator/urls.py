"""The site's URL scheme, in one place: where the planner puts each page, and where `@` references,
filters and templates (as `page.link(kind, …)`) link to. Paths are relative to the site root, in
an interface language, and name folders (their index.html), so the site works at any host and
sub-path. Listings split into pages continue at `page/2/`… below their first page (pages.Pager).
"""

from __future__ import annotations


def home(lang: str) -> str:
    return f"{lang}/"


def article(lang: str, slug: str, fragment: str = "") -> str:
    """An article's page; `fragment`: a paragraph ('p3') or an annotation's id on it."""
    return f"{lang}/articles/{slug}/" + (f"#{fragment}" if fragment else "")


def topic(lang: str, topic_id: str) -> str:
    return f"{lang}/{listing_base('topic', topic_id)}"


def entities(lang: str) -> str:
    return f"{lang}/entities/"


def entity(lang: str, entity_id: str) -> str:
    return f"{lang}/{listing_base('entity', entity_id)}"


def timeline(lang: str, event: str = "") -> str:
    return f"{lang}/timeline/" + (f"#{event}" if event else "")


def search(lang: str) -> str:
    return f"{lang}/search/"


def feed(lang: str, topic_id: str = "") -> str:
    """The Atom feed of the newest articles, or of a topic's."""
    return (topic(lang, topic_id) if topic_id else home(lang)) + "feed.xml"


def manifest(lang: str) -> str:
    """The web app manifest of an interface language."""
    return home(lang) + "manifest.webmanifest"


def listing_base(kind: str, name: str) -> str:
    """Where a topic's or an entity's listing starts, below the language folder (pages.Pager.base)."""
    return f"{'topics' if kind == 'topic' else 'entities'}/{name}/"
