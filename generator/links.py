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
MARKDOWN_LINK = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)|<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>"
                           r"|^ {0,3}(\[)[^\]\n]+\]:[ \t]*<?([^\s>]+)", re.MULTILINE)
"""Where Markdown text links: inline links and images, autolinks, and link reference definitions."""
EXTERNAL = re.compile(r"^(https?://[^/\s]|mailto:\S)", re.IGNORECASE)


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
    """Yield (line, destination) for every reference in a content file, in lists, and every link
    destination in its Markdown text; an image yields its destination behind a "!"."""

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
            for found in MARKDOWN_LINK.finditer(value):
                image, destination = found.group(1) or "", found.group(2) or found.group(3) or found.group(5)
                yield doc.line_in_value(keypath, value, found.start()), image + destination

    yield from walk(doc.data, ())


_REFS = ByIdentity()
"""A document's references: parsed documents are reused while their file is unchanged."""


def check_refs(docs, targets: Targets, errors: ErrorList) -> None:
    """Every reference must name an existing article, passage, entity or event."""
    _REFS.keep_only(docs)
    for doc in docs:
        for line, ref in _REFS.get(doc, lambda d: list(find_refs(d))):
            if ref.startswith("!"):
                errors.add(doc.path, line, f"'{ref[1:]}' is an image; editors' text shows no images (they would appear as "
                           "text): link to it with a full https:// address instead")
            elif not ref.startswith("@"):
                if not EXTERNAL.match(ref):
                    errors.add(doc.path, line, f"'{ref}' is not a link the digest can keep: its pages are linked with "
                               "@slug, @slug#annotation-id, @entity/id or @timeline#event-id, other sites with a full "
                               "https:// address")
            elif not REF.match(ref):
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
