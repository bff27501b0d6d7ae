"""The page plan: every page of the site, what its template reads, and a key for that data.

A page is rendered again only when its key changes (`digest serve`), so a key must hold all
the model data its template reads: the page's own subject, the listing fields of articles it
links to, the settings, the templates and catalogs. Keys are frozen model values compared by
equality; values for the template are computed only when the page is rendered.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import Environment

from generator.i18n import LOCALE_DIR
from generator.links import split_passage
from generator.model import LANGS, Article, Site
from generator.render import (TEMPLATES, article_rows, entity_passages, event_passages, make_env, name_example,
                              relative_root, render_page, search_strings, topic_passages)


@dataclass(frozen=True)
class PageSpec:
    template: str
    lang: str
    path: str
    """Site-relative URL of the page."""
    file: str
    root: str
    key: tuple
    values: Callable[[], dict]


def listing(article: Article) -> tuple:
    """What a page shows of an article it lists or links to."""
    return (article.slug, article.headline, article.lang, article.source, article.published, article.summary, article.topics)


def templates_version() -> str:
    """Changes whenever a template or a catalog does."""
    digest = hashlib.sha256()
    for folder, pattern in ((TEMPLATES, "*.html"), (LOCALE_DIR, "*.po")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def plan(site: Site, base_path: str) -> list[PageSpec]:
    shared = (site.settings, bool(site.entities), bool(site.events), templates_version())
    topic_groups = {t.id: topic_passages(site, t.id) for t in site.settings.topics}
    entity_groups = {e.id: entity_passages(site, e.id) for e in site.entities}
    topic_counts = {t: sum(len(g) for _, g in groups) for t, groups in topic_groups.items()}
    mention_counts = {e: sum(len(g) for _, g in groups) for e, groups in entity_groups.items()}
    example = name_example(site)
    specs: list[PageSpec] = []

    def add(template, lang, path, key=(), file=None, root=None, values=dict):
        specs.append(PageSpec(template, lang, path, file or path + "index.html",
                              relative_root(path) if root is None else root, (shared, template, lang, key), values))

    add("chooser.html", "fa", "")
    add("404.html", "fa", "fa/404.html", key=(base_path,), file="404.html", root=base_path)
    for lang in LANGS:
        home = (tuple(listing(a) for a in site.articles), tuple(topic_counts.items()))
        add("home.html", lang, f"{lang}/", key=home, values=lambda: {"topic_counts": topic_counts})
        add("404.html", lang, f"{lang}/404.html", key=(base_path,), file=f"{lang}/404.html", root=base_path)
        for article in site.articles:
            linked = {site.article(slug) for slug in article.related}
            linked |= {site.article(split_passage(ref)[0]) for a in article.annotations for ref in a.see}
            key = (article, tuple(sorted(listing(a) for a in linked)))
            add("article.html", lang, f"{lang}/articles/{article.slug}/", key=key,
                values=lambda article=article: {"article": article, "rows": article_rows(article)})
        for topic in site.settings.topics:
            groups = topic_groups[topic.id]
            add("topic.html", lang, f"{lang}/topics/{topic.id}/", key=(topic, tuple((a, tuple(g)) for a, g in groups)),
                values=lambda topic=topic, groups=groups: {"topic": topic, "groups": groups})
        if site.entities:
            add("entities.html", lang, f"{lang}/entities/", key=(site.entities, tuple(mention_counts.items())),
                values=lambda: {"counts": mention_counts})
            for entity in site.entities:
                groups = entity_groups[entity.id]
                about = [a for a in site.articles if entity.id in a.entities]
                key = (entity, tuple((listing(a), tuple((b, tuple(p)) for b, p in g)) for a, g in groups),
                       tuple(listing(a) for a in about))
                add("entity.html", lang, f"{lang}/entities/{entity.id}/", key=key,
                    values=lambda entity=entity, groups=groups, about=about: {"entity": entity, "groups": groups, "about": about})
        add("search.html", lang, f"{lang}/search/", key=(example,),
            values=lambda lang=lang: {"search_strings": search_strings(lang), "name_example": example})
        if site.events:
            passages = {e.id: event_passages(site, e) for e in site.events}
            key = (site.events, tuple((e, tuple((listing(a), x) for a, x in p)) for e, p in passages.items()))
            add("timeline.html", lang, f"{lang}/timeline/", key=key, values=lambda passages=passages: {"passages": passages})
    return specs


def render_site(site: Site, base_path: str) -> dict[str, bytes]:
    """Every page of the site as {site-relative file path: HTML in UTF-8}."""
    return {name: html for name, (_, html) in render_plan(site, plan(site, base_path), {}).items()}


def render_plan(site: Site, specs: list[PageSpec], previous: dict[str, tuple], env: Environment | None = None
                ) -> dict[str, tuple]:
    """{file: (key, UTF-8 HTML)}; pages whose key is unchanged reuse the previous HTML."""
    env = env or make_env()
    pages = {}
    progress = Progress(len(specs), "rendering pages")
    for done, spec in enumerate(specs, start=1):
        progress.update(done)
        old = previous.get(spec.file)
        if old is not None and old[0] == spec.key:
            pages[spec.file] = old
        else:
            html = render_page(env, site, spec.template, spec.lang, spec.path, spec.root, spec.values())
            pages[spec.file] = (spec.key, html.encode("utf-8"))
    progress.finish()
    return pages


class Progress:
    """A progress line on a terminal, for work that has taken more than a second; silent in logs (CI)."""

    def __init__(self, total: int, label: str):
        self.total, self.label = total, label
        self.started = time.perf_counter()
        self.shown = False
        self.live = sys.stderr.isatty()

    def update(self, done: int) -> None:
        if self.live and time.perf_counter() - self.started > 1.0 and (done % 50 == 0 or done == self.total):
            sys.stderr.write(f"\r{self.label}: {done}/{self.total}")
            sys.stderr.flush()
            self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
