"""The page plan: every page of the site with its context (contexts.py), what its template reads.

A page's key is its context with the site-wide values (Shared), its place and the version of
its template (with those it uses, and the catalogs): the very data it is rendered from, so a
page is rendered again (`digest serve`) exactly when something it shows has changed. Long
listings (home, topics, entities) are split into pages, so an edit re-renders only the page
that lists it.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import sys
import time
from collections import Counter
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, meta

from generator import urls
from generator.assets import site_assets
from generator.contexts import (ArticlePage, EntitiesPage, EntityPage, FeedPage, HomePage, Listing, Plain, SearchPage,
                                Shared, SitemapPage, TimelinePage, TopicPage)
from generator.links import split_passage
from generator.model import LANGS, Article, Site
from generator.render import (site_url, event_passages, make_env, name_example, relative_root, render_page, search_strings,
                              sentences_naming, template_failure)


FEED_SIZE = 20
"""Entries in each Atom feed: the newest articles."""
HOME_EVENTS = 3
"""The latest events of the timeline on the front page."""
ENTITY_SENTENCES = 3
"""Sentences naming an entity shown for each article on its page; a link leads to the rest. An entity
page lists sentences, not whole paragraphs, so that the site grows with the articles and not with
articles × the names in them."""
SITEMAP_PATHS = 20_000
"""Pages per sitemap file: each is listed in both languages, well under the protocol's 50,000 URLs."""


@dataclass(frozen=True, slots=True)
class PageSpec:
    template: str
    lang: str
    path: str
    """Site-relative URL of the page."""
    file: str
    root: str
    shared: Shared
    version: str
    """Of its template, with those it uses and the catalogs (template_versions)."""
    context: object
    """What its template shows (contexts.py)."""
    source: str = ""
    """The content file the page shows, named when its template fails (an article's note)."""

    @property
    def key(self) -> tuple:
        """Everything the page is rendered from: the same key, the same page."""
        return self.shared, self.version, self.lang, self.root, self.context


@dataclass(frozen=True, slots=True)
class Pager:
    """Where a page is in a list split into pages: page 1 at `base`, page n at `base` + 'page/n/'."""

    base: str
    number: int
    count: int

    def path(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    def window(self) -> list[int | None]:
        """Page numbers to link: the first, the last and two either side of this one; None where some are left out."""
        shown = sorted({1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)})
        out: list[int | None] = []
        for number in shown:
            if out and number - out[-1] > 1:
                out.append(None)
            out.append(number)
        return out


def paginate(items: list, size: int, base: str) -> list[tuple[Pager, list]]:
    """Split a listing into pages of `size` items; an empty listing still has its first page."""
    count = max(1, -(-len(items) // size))
    return [(Pager(base, n + 1, count), items[n * size:(n + 1) * size]) for n in range(count)]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the listing pages (home, topics, entities) show of one article, as parts of page keys.

    Computed once per Article object, so that the keys of pages listing unchanged articles hold
    the very same objects from one rebuild to the next and compare at once."""

    listing: Listing
    by_topic: dict[str, tuple]
    """topic → (listing, ((annotation, its quote), …)) of the passages tagged with it, in reading order"""
    by_entity: dict[str, tuple]
    """entity → (listing, whether the note lists it, ((block, sentence, spans of its mentions), …) of the
    first ENTITY_SENTENCES sentences naming it, the block of the next one or None, how many there are)"""
    mentions: Counter
    links: tuple[str, ...]
    """Slugs of the articles its page links to."""


def article_facts(article: Article) -> Facts:
    listing = Listing.of(article)
    by_topic: dict[str, list] = {}
    for annotation in sorted(article.annotations, key=lambda a: (a.block, a.start)):
        for topic in annotation.topics:
            by_topic.setdefault(topic, []).append((annotation, annotation.quote(article)))
    spans: dict[str, dict[int, list]] = {entity: {} for entity in article.entities}
    for m in sorted(article.mentions, key=lambda m: (m.block, m.start)):
        spans.setdefault(m.entity, {}).setdefault(m.block, []).append((m.start, m.end))
    by_entity = {}
    for entity, blocks in sorted(spans.items()):
        sentences = [(b, article.blocks[b].text[start:end], inside)
                     for b, block_spans in blocks.items() for start, end, inside in sentences_naming(article.blocks[b].text, block_spans)]
        by_entity[entity] = (listing, entity in article.entities, tuple(sentences[:ENTITY_SENTENCES]),
                             sentences[ENTITY_SENTENCES][0] if len(sentences) > ENTITY_SENTENCES else None, len(sentences))
    links = set(article.related) | {split_passage(ref)[0] for a in article.annotations for ref in a.see}
    return Facts(listing, {t: (listing, tuple(v)) for t, v in by_topic.items()}, by_entity,
                 Counter(m.entity for m in article.mentions), tuple(sorted(links)))


def template_versions(env: Environment) -> dict[str, str]:
    """Each page template's version: changes with it, any template it extends, imports or includes, or a catalog."""
    theme = env.globals["theme"]
    sources = {name: path.read_text(encoding="utf-8-sig") for name, path in theme.templates().items()}
    catalogs = hashlib.sha256(b"".join(theme.catalog(lang).read_bytes() for lang in LANGS)).hexdigest()
    versions = {}
    for name in sources:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen and current in sources:
                seen.add(current)
                try:
                    todo += _references(env, sources[current], current)
                except TemplateSyntaxError as exc:
                    raise template_failure(exc, current, theme) from exc
        digest = hashlib.sha256(catalogs.encode())
        for used in sorted(seen):
            digest.update(used.encode() + b"\0" + sources[used].encode())
        versions[name] = digest.hexdigest()
    return versions


@functools.lru_cache(maxsize=256)
def _references(env: Environment, source: str, name: str) -> tuple[str, ...]:
    return tuple(used for used in meta.find_referenced_templates(env.parse(source, name)) if used)


class Planner:
    """The page plan, kept by `digest serve` from one build to the next.

    Pages are planned in sections: each article's two pages, each topic's and each entity's
    pages, the home pages, and a few single pages. After an edit that leaves the article order,
    settings and templates as they were, only the sections that show a changed article are
    planned again; every other section keeps the very PageSpec objects of the last build, which
    the builder passes over at once. Anything else plans every section from scratch (and the
    page keys still spare the rendering of pages that come out the same).
    """

    def __init__(self):
        self.context: tuple | None = None
        self.articles: tuple[Article, ...] = ()
        self.facts: list[Facts] = []
        self.members: dict[tuple[str, str], list[int]] = {}
        """("topic" or "entity", id) → positions in the article order of the articles it lists"""
        self.counts: dict[tuple[str, str], int] = {}
        """passages each topic and entity gathers"""
        self.mentions: Counter = Counter()
        self.linkers: dict[str, set[int]] = {}
        """slug → positions of the articles whose pages link to it"""
        self.where: dict[str, int] = {}
        """slug → position in the article order"""
        self.article_specs: list[tuple[PageSpec, ...]] = []
        self.sections: dict[tuple[str, str], list[PageSpec]] = {}

    def plan(self, site: Site, base_path: str, env: Environment) -> list[PageSpec]:
        settings = site.settings
        shared = Shared.of(site, site_assets(site)[1])  # every page links to fingerprinted assets
        context = (shared, template_versions(env), base_path, settings.per_page, settings.topics, site.entities)
        same_context = context == self.context
        if not same_context:
            self.context = context  # otherwise the old one stays, so page keys share its objects
            env.globals["fragments"].clear()  # made with other templates, catalogs or settings (render.per_article)
        replaced = [p for p, (new, old) in enumerate(zip(site.articles, self.articles)) if new is not old]
        if same_context and len(site.articles) == len(self.articles) and all(
                site.articles[p].slug == self.articles[p].slug for p in replaced):
            self._update(site, replaced)
        else:
            self._start(site)
        self.articles = site.articles
        self._plan_singles(site)
        specs = [spec for section in self.sections.values() for spec in section]
        for pair in self.article_specs:
            specs += pair
        return specs + self._plan_publishing(site, specs)

    def _plan_publishing(self, site: Site, pages: list[PageSpec]) -> list[PageSpec]:
        """Feeds (each language, each topic), the sitemap, robots.txt and the web manifests: only with
        the site's absolute address (base_url), which feeds and sitemaps must use."""
        if not site_url(site.settings.base_url):
            return []
        latest = FeedPage(None, tuple(f.listing for f in self.facts[:FEED_SIZE]))
        specs = []
        for lang in LANGS:
            specs.append(self._spec("feed.xml", lang, urls.home(lang), latest, file=urls.feed(lang)))
            for topic in site.settings.topics:
                members = self.members[("topic", topic.id)][:FEED_SIZE]
                feed = FeedPage(topic.id, tuple(self.facts[p].listing for p in members))
                specs.append(self._spec("feed.xml", lang, urls.topic(lang, topic.id), feed, file=urls.feed(lang, topic.id)))
            specs.append(self._spec("manifest.webmanifest", lang, urls.home(lang), file=urls.manifest(lang)))
        listed = [spec.path for spec in pages if spec.template != "404.html" and spec.lang == "fa" or spec.path == ""]
        parts = [tuple(listed[n:n + SITEMAP_PATHS]) for n in range(0, len(listed), SITEMAP_PATHS)]
        if len(parts) == 1:
            specs.append(self._spec("sitemap.xml", "fa", "", SitemapPage(parts[0]), file="sitemap.xml"))
        else:  # a sitemap holds at most 50,000 URLs: then sitemap.xml is the index of sitemap-1.xml…
            files = tuple(f"sitemap-{n}.xml" for n in range(1, len(parts) + 1))
            specs += [self._spec("sitemap.xml", "fa", "", SitemapPage(part), file=name) for name, part in zip(files, parts)]
            specs.append(self._spec("sitemap-index.xml", "fa", "", SitemapPage(sitemaps=files), file="sitemap.xml"))
        if self.context[2] == "/":  # crawlers read robots.txt at the host's root only
            specs.append(self._spec("robots.txt", "fa", "", file="robots.txt"))
        return specs

    def _start(self, site: Site) -> None:
        kept = {id(a): f for a, f in zip(self.articles, self.facts)}  # the old articles are alive: ids are theirs
        self.facts = [kept.get(id(a)) or article_facts(a) for a in site.articles]
        self.where = {a.slug: position for position, a in enumerate(site.articles)}
        self.members = {("topic", t.id): [] for t in site.settings.topics} | {("entity", e.id): [] for e in site.entities}
        self.mentions, self.linkers = Counter(), {}
        for position, own in enumerate(self.facts):
            for section in self._sections_of(own):
                self.members[section].append(position)
            self.mentions.update(own.mentions)
            for slug in own.links:
                self.linkers.setdefault(slug, set()).add(position)
        self.sections = {}
        self.article_specs = [self._article_pages(site, a, f) for a, f in zip(site.articles, self.facts)]
        for section in self.members:
            self._plan_section(site, section)
        self._plan_home(site)

    def _update(self, site: Site, changed: list[int]) -> None:
        """Plan again only what shows an article that is not the very object it was (at `changed` positions)."""
        touched, home, relink = set(), False, set()
        for position in changed:
            old, new = self.facts[position], article_facts(site.articles[position])
            self.facts[position] = new
            if old.listing != new.listing:
                home = True
                relink |= self.linkers.get(new.listing.slug, set())
            for section in self._sections_of(old) | self._sections_of(new):
                if self._entry(old, section) != self._entry(new, section):
                    touched.add(section)
                    members = self.members[section]
                    if position in members and self._entry(new, section) is None:
                        members.remove(position)
                    elif position not in members and self._entry(new, section) is not None:
                        bisect.insort(members, position)
            self.mentions.subtract(old.mentions)
            self.mentions.update(new.mentions)
            for slug in old.links:
                self.linkers[slug].discard(position)
            for slug in new.links:
                self.linkers.setdefault(slug, set()).add(position)
            relink.add(position)
        for position in relink:
            self.article_specs[position] = self._article_pages(site, site.articles[position], self.facts[position])
        for section in touched:
            self._plan_section(site, section)
        if home or any(section[0] == "topic" for section in touched):
            self._plan_home(site)

    def _listing(self, slug: str) -> Listing:
        return self.facts[self.where[slug]].listing

    @staticmethod
    def _sections_of(facts: Facts) -> set[tuple[str, str]]:
        return {("topic", t) for t in facts.by_topic} | {("entity", e) for e in facts.by_entity}

    @staticmethod
    def _entry(facts: Facts, section: tuple[str, str]):
        kind, name = section
        return (facts.by_topic if kind == "topic" else facts.by_entity).get(name)

    def _spec(self, template: str, lang: str, path: str, context=Plain(), file: str | None = None, root: str | None = None,
              source: str = "") -> PageSpec:
        shared, versions = self.context[0], self.context[1]
        return PageSpec(template, lang, path, file or path + "index.html", relative_root(path) if root is None else root,
                        shared, versions[template], context, source)

    def _article_pages(self, site: Site, article: Article, facts: Facts) -> tuple[PageSpec, ...]:
        context = ArticlePage(article, tuple(self._listing(slug) for slug in facts.links),
                              tuple((e, site.entity(e).name) for e in article.entities))
        return tuple(self._spec("article.html", lang, urls.article(lang, article.slug), context,
                                source=f"content/notes/{article.seed}.toml") for lang in LANGS)

    def _plan_section(self, site: Site, section: tuple[str, str]) -> None:
        """A topic's or an entity's pages. A topic's summary shows on its first page only."""
        kind, name = section
        entries = [self._entry(self.facts[p], section) for p in self.members[section]]
        self.counts[section] = sum(entry[-1] if kind == "entity" else len(entry[-1]) for entry in entries)
        specs = []
        for pager, groups in paginate(entries, site.settings.per_page, urls.listing_base(kind, name)):
            if kind == "topic":
                context = TopicPage(name, site.topic(name).summary if pager.number == 1 else None, pager, tuple(groups))
            else:
                context = EntityPage(site.entity(name), pager, tuple(groups))
            specs += [self._spec(f"{kind}.html", lang, f"{lang}/{pager.path(pager.number)}", context) for lang in LANGS]
        self.sections[section] = specs

    def _plan_home(self, site: Site) -> None:
        """The front page: the newest story with its summary, the topics with their lead sentence and
        counts, the latest events, then the articles, paginated (later pages: the articles only)."""
        topic_counts = tuple((t.id, (self.counts[("topic", t.id)], len(self.members[("topic", t.id)])))
                             for t in site.settings.topics)
        latest_events = tuple(sorted(site.events, key=lambda e: e.start, reverse=True)[:HOME_EVENTS])
        specs = []
        for pager, facts in paginate(self.facts, site.settings.per_page, ""):
            listings = tuple(f.listing for f in facts)
            if pager.number == 1:
                context = HomePage(pager, len(site.articles), listings, site.settings.topics, topic_counts, latest_events)
            else:
                context = HomePage(pager, len(site.articles), listings)
            specs += [self._spec("home.html", lang, f"{lang}/{pager.path(pager.number)}", context) for lang in LANGS]
        self.sections[("home", "")] = specs

    def _plan_singles(self, site: Site) -> None:
        """Pages that are one of a kind: cheap to plan on every build."""
        base_path = self.context[2]
        passage_counts = tuple((e.id, self.counts[("entity", e.id)]) for e in site.entities)
        example = name_example(site, self.mentions)
        specs = [self._spec("chooser.html", "fa", ""),
                 self._spec("404.html", "fa", "fa/404.html", file="404.html", root=base_path)]
        if site.events:
            timeline = TimelinePage(site.events, tuple(
                (e.id, tuple((self._listing(a.slug), x, x.quote(a)) for a, x in event_passages(site, e))) for e in site.events))
        for lang in LANGS:
            specs.append(self._spec("404.html", lang, f"{lang}/404.html", file=f"{lang}/404.html", root=base_path))
            if site.entities:
                specs.append(self._spec("entities.html", lang, urls.entities(lang), EntitiesPage(site.entities, passage_counts)))
            specs.append(self._spec("search.html", lang, urls.search(lang), SearchPage(search_strings(lang, site.theme), example)))
            if site.events:
                specs.append(self._spec("timeline.html", lang, urls.timeline(lang), timeline))
        self.sections[("singles", "")] = specs


def plan(site: Site, base_path: str, env: Environment | None = None) -> list[PageSpec]:
    """Every page of the site, planned once (a clean build)."""
    return Planner().plan(site, base_path, env or make_env(site.theme))


def render_site(site: Site, base_path: str) -> dict[str, bytes]:
    """Every page of the site as {site-relative file path: HTML in UTF-8}."""
    env = make_env(site.theme)
    specs = plan(site, base_path, env)
    pages = {}
    progress = Progress(len(specs), "rendering pages")
    for done, spec in enumerate(specs, start=1):
        progress.update(done)
        pages[spec.file] = render_spec(env, spec)
    progress.finish()
    return pages


def render_spec(env: Environment, spec: PageSpec) -> bytes:
    """One planned page as UTF-8 HTML; a template that fails is named with the page and its note."""
    try:
        html = render_page(env, spec.template, spec.lang, spec.path, spec.root, spec.shared, spec.context.values())
    except Exception as exc:
        raise template_failure(exc, spec.template, env.globals["theme"],
                               "/" + spec.path + (f" from {spec.source}" if spec.source else "")) from exc
    return html.encode("utf-8")


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
