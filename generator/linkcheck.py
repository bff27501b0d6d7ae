"""Reading rendered pages back: every internal link and #fragment must lead somewhere.

Works on the files a build would write ({site-relative path: bytes}), so `digest check`
can verify links without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlparse


@dataclass
class PageInfo:
    ids: set = field(default_factory=set)
    links: list = field(default_factory=list)
    """(tag, url) of every href and src."""
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


def read_page(html: str) -> PageInfo:
    reader = _Reader()
    reader.feed(html)
    return reader.info


def broken_links(files: dict[str, bytes]) -> list[str]:
    """'page: link → problem' for every relative href/src that leads to no file or no #id.

    404 pages are skipped: a host serves them at any address, so they link by absolute path.
    """
    pages = {name: read_page(data.decode("utf-8")) for name, data in files.items() if name.endswith(".html")}
    problems = []
    for name, info in sorted(pages.items()):
        if name.endswith("404.html"):
            continue
        base = "http://site/" + name
        for _tag, url in info.links:
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https", "mailto") or url.startswith("//"):
                continue
            target = urlparse(urljoin(base, url))
            path = unquote(target.path).lstrip("/")
            if path == "" or path.endswith("/"):
                path += "index.html"
            if path not in files:
                problems.append(f"{name}: {url} → no such file ({path})")
            elif target.fragment and path.endswith(".html") and unquote(target.fragment) not in pages[path].ids:
                problems.append(f"{name}: {url} → no element with id \"{unquote(target.fragment)}\"")
    return problems
