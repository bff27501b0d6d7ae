"""Reading a built site back: links, ids and visible text of every page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse


@dataclass
class PageInfo:
    ids: set = field(default_factory=set)
    links: list = field(default_factory=list)
    """(attribute, url) of every href and src."""
    text: list = field(default_factory=list)
    html_attrs: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.info = PageInfo()
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.info.html_attrs = attrs
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "meta" and "name" in attrs:
            self.info.meta[attrs["name"]] = attrs.get("content")
        if "id" in attrs:
            self.info.ids.add(attrs["id"])
        for name in ("href", "src"):
            if name in attrs:
                self.info.links.append((tag, attrs[name]))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.info.text.append(data)


def read_page(path: Path) -> PageInfo:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.info


def broken_links(site: Path) -> list[str]:
    """Every relative href/src must reach a file of the site, and every #fragment an id on that page."""
    pages = {p: read_page(p) for p in site.rglob("*.html")}
    problems = []
    for path, info in pages.items():
        if path.name == "404.html":
            continue  # absolute by design: a 404 page is served at any address
        base = "http://site/" + path.relative_to(site).as_posix()
        for _tag, url in info.links:
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https", "mailto"):
                continue
            target = urlparse(urljoin(base, url))
            file = site / target.path.lstrip("/")
            if target.path.endswith("/"):
                file = file / "index.html"
            if not file.exists():
                problems.append(f"{path.relative_to(site)}: {url} → missing {file.relative_to(site)}")
            elif target.fragment and file.suffix == ".html" and target.fragment not in pages[file].ids:
                problems.append(f"{path.relative_to(site)}: {url} → no #{target.fragment}")
    return problems
