"""The theme's assets as site files, fingerprinted where that is safe, so hosts can cache them for good.

An asset that nothing imports by name (the stylesheet, fonts, icons, lang.js) is written to
assets/v/ under a name that carries a hash of its bytes (site.3fa9c1d2e4.css): a changed file gets
a new name, so `assets/v/*` may be cached for a year (the `_headers` file says so to hosts that read
it). The stylesheet's url(…) references are rewritten to the new names before it is hashed itself.
The search modules keep their names: `assets/search.js` is a documented interface, and they import
each other and the index by relative name; they and the index are revalidated like pages.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re

from generator.theme import Theme

STABLE = ("search.js", "search-page.js", "textnorm.js")
"""Modules imported by name (assets/search.js is the search interface, DESIGN.md)."""
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


def theme_assets(theme: Theme) -> tuple[dict[str, bytes], dict[str, str]]:
    """(site files, {asset name under assets/: its name in the site under assets/}); cached while
    the theme's asset files are unchanged (`digest serve` asks on every save)."""
    stamps = tuple((name, info.st_mtime_ns, info.st_size)
                   for name, info in ((name, path.stat()) for name, path in theme.files("assets/**/*").items()))
    return _fingerprinted(theme, stamps)


@functools.lru_cache(maxsize=8)
def _fingerprinted(theme: Theme, stamps: tuple) -> tuple[dict[str, bytes], dict[str, str]]:
    sources = {name.removeprefix("assets/"): path.read_bytes() for name, path in theme.files("assets/**/*").items()}
    names: dict[str, str] = {}
    out: dict[str, bytes] = {}
    # Stylesheets last: they name the other files.
    for name in sorted(sources, key=lambda n: n.endswith(".css")):
        data = sources[name]
        if name.endswith(".css"):
            data = _rewrite_css(name, data, names)
        if posixpath.basename(name) in STABLE or name.endswith(".txt"):
            names[name] = name
        else:
            stem, ext = posixpath.splitext(posixpath.basename(name))
            names[name] = f"v/{stem}.{hashlib.sha256(data).hexdigest()[:10]}{ext}"
        out[f"assets/{names[name]}"] = data
    return out, names


def _rewrite_css(name: str, data: bytes, names: dict[str, str]) -> bytes:
    """url(fonts/x.woff2) in assets/site.css → url(x.<hash>.woff2): every stylesheet moves to
    assets/v/, so each url() is made relative to there (to the fingerprinted file where there is one)."""
    here = posixpath.dirname(name)

    def swap(found: re.Match) -> str:
        url = found.group(2)
        if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", url, re.IGNORECASE):  # data:, absolute, fragment: as they are
            return found.group(0)
        path, suffix = re.match(r"^([^?#]*)(.*)$", url).groups()
        target = posixpath.normpath(posixpath.join(here, path))
        return f'url("{posixpath.relpath(names.get(target, target), "v")}{suffix}")'

    return CSS_URL.sub(swap, data.decode("utf-8")).encode("utf-8")


def site_assets(site) -> tuple[dict[str, bytes], dict[str, str]]:
    """The theme's assets and the site's share image (share.py), fingerprinted: (files, names)."""
    files, names = theme_assets(site.theme)
    image = _share(site.settings.title, site.theme, tuple(sorted(names.items())))
    name = f"v/share.{hashlib.sha256(image).hexdigest()[:10]}.png"
    return files | {f"assets/{name}": image}, names | {"share.png": name}


@functools.lru_cache(maxsize=4)
def _share(title, theme: Theme, assets: tuple) -> bytes:
    """Drawn again only when the title or the theme's assets change (it takes about 0.2 s)."""
    from generator.share import share_image

    return share_image(title, theme)


IMMUTABLE = ("assets/v/*", "assets/search/m/*", "assets/search/t/*", "assets/search/d/*")
"""Files whose names carry a hash of their bytes (here, and the search index's: index.py)."""


def headers_file(base_path: str) -> bytes:
    """`_headers` (Netlify, Cloudflare Pages): versioned files for a year; everything else is left
    to the host's default, which revalidates."""
    forever = "".join(f"{base_path}{pattern}\n  Cache-Control: public, max-age=31536000, immutable\n"
                      for pattern in IMMUTABLE)
    return (forever + f"{base_path}*\n  X-Content-Type-Options: nosniff\n"
            "  Referrer-Policy: strict-origin-when-cross-origin\n").encode()
