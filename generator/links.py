"""Editors' cross-references inside the digest.

Written as Markdown link destinations (`[the veto](@putin-to-visit-north-korea-june-2024#veto)`)
and in `see` / `passages` lists:

    @slug                 an article
    @slug#annotation-id   an annotated passage of an article
    @entity/id            a glossary entry's page
    @timeline#event-id    an event of the timeline

They are checked once the site is assembled (every one must resolve) and
rendered as relative URLs for the page they appear on.
"""

from __future__ import annotations

import re

from generator.errors import ErrorList
from generator.memo import ByIdentity
from generator.tomlfile import TomlDoc

REF = re.compile(r"^@(?:entity/(?P<entity>[a-z0-9-]+)|timeline(?:#(?P<event>[a-z0-9-]+))?"
                 r"|(?P<slug>[a-z0-9-]+)(?:#(?P<anchor>[a-z0-9-]+))?)$")
MARKDOWN_REF = re.compile(r"\]\((@[^)\s]*)\)")


def ref_path(ref: str, lang: str) -> str | None:
    """Site-relative URL of a reference for an interface language; None if it is malformed."""
    found = REF.match(ref)
    if not found:
        return None
    if found["entity"]:
        return f"{lang}/entities/{found['entity']}/"
    if found["slug"] is None:
        return f"{lang}/timeline/" + (f"#{found['event']}" if found["event"] else "")
    return f"{lang}/articles/{found['slug']}/" + (f"#{found['anchor']}" if found["anchor"] else "")


def split_passage(ref: str) -> tuple[str, str] | None:
    """'@slug#annotation-id' → (slug, annotation id); None for any other reference."""
    found = REF.match(ref)
    if found and found["slug"] and found["anchor"]:
        return found["slug"], found["anchor"]
    return None


def find_refs(doc: TomlDoc):
    """Yield (line, ref) for every reference in a content file: in Markdown text and in lists."""

    def walk(value, keypath):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, keypath + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str) and item.startswith("@"):
                    yield doc.line(*keypath), item
                else:
                    yield from walk(item, keypath + (index,))
        elif isinstance(value, str):
            for found in MARKDOWN_REF.finditer(value):
                yield doc.line_in_value(keypath, value, found.start()), found.group(1)

    yield from walk(doc.data, ())


_REFS = ByIdentity()
"""A document's references: parsed documents are reused while their file is unchanged."""


def check_refs(docs, targets: Targets, errors: ErrorList) -> None:
    """Every reference must name an existing article, passage, entity or event."""
    _REFS.keep_only(docs)
    for doc in docs:
        for line, ref in _REFS.get(doc, lambda d: list(find_refs(d))):
            if not REF.match(ref):
                errors.add(doc.path, line, f"'{ref}' is not a reference: write @slug, @slug#annotation-id, "
                           "@entity/id or @timeline#event-id")
            elif ref not in targets:
                errors.add(doc.path, line, f"'{ref}' points to nothing: no such article, annotation, entity or event")


class Targets:
    """Every reference that resolves in a site, answered by lookup rather than listed (a site may have
    10,000 articles, and `digest serve` checks references on every save)."""

    def __init__(self, site):
        self.site = site
        self.events = {e.id for e in site.events}
        self.entities = {e.id for e in site.entities}

    def __contains__(self, ref: str) -> bool:
        if ref == "@timeline":
            return True
        if ref.startswith("@timeline#"):
            return ref.removeprefix("@timeline#") in self.events
        if ref.startswith("@entity/"):
            return ref.removeprefix("@entity/") in self.entities
        slug, hash_sign, anchor = ref.removeprefix("@").partition("#")
        article = self.site.by_slug.get(slug)
        if article is None or not ref.startswith("@"):
            return False
        return not hash_sign or any(a.id == anchor for a in article.annotations)
