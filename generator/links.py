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

from generator import urls
from generator.errors import ErrorList
from generator.memo import ByIdentity
from generator.tomlfile import TomlDoc

REF = re.compile(r"^@(?:entity/(?P<entity>[a-z0-9-]+)|timeline(?:#(?P<event>[a-z0-9-]+))?"
                 r"|(?P<slug>[a-z0-9-]+)(?:#(?P<anchor>[a-z0-9-]+))?)$")
INLINE_DESTINATION = re.compile(r"\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)")
"""What follows the `]` of an inline link or image: `](destination`."""
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
DEFINITION = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?\[[^\]\n]+\]:[ \t]*\n?[ \t]*<?([^\s>]+)",
                        re.MULTILINE)
"""A link reference definition, also inside a quote or a list item, its destination maybe on the next line."""
EXTERNAL = re.compile(r"^(https?://[^/\s]|mailto:\S)", re.IGNORECASE)


def ref_path(ref: str, lang: str) -> str | None:
    """Site-relative URL of a reference for an interface language; None if it is malformed."""
    found = REF.match(ref)
    if not found:
        return None
    if found["entity"]:
        return urls.entity(lang, found["entity"])
    if found["slug"] is None:
        return urls.timeline(lang, found["event"] or "")
    return urls.article(lang, found["slug"], found["anchor"] or "")


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
            for at, destination in markdown_destinations(value):
                yield doc.line_in_value(keypath, value, at), destination

    yield from walk(doc.data, ())


def markdown_destinations(text: str):
    """Yield (offset, destination) of every link in Markdown text, an image's behind a "!". Found by
    what ends a link (`](`), so that nested brackets and link text over several lines are no way
    round the check; a bracket pair opened by `![` is an image."""
    for found in INLINE_DESTINATION.finditer(text):
        opener = _opening_bracket(text, found.start())
        image = "!" if opener > 0 and text[opener - 1] == "!" else ""
        yield max(opener, 0), image + found.group(1)
    for pattern in (AUTOLINK, DEFINITION):
        for found in pattern.finditer(text):
            yield found.start(), found.group(1)


def _opening_bracket(text: str, close: int) -> int:
    """Where the `[` that the `]` at `close` closes is, counting nested pairs; -1 if none."""
    depth = 0
    for at in range(close - 1, -1, -1):
        if text[at] == "]" and text[at - 1:at] != "\\":
            depth += 1
        elif text[at] == "[" and text[at - 1:at] != "\\":
            if depth == 0:
                return at
            depth -= 1
    return -1


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
