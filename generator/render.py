"""Stage 5: model → HTML pages, every page in both interface languages.

One Jinja environment (StrictUndefined, autoescape, explicit filters), one
context per page kind, gettext catalogs per language. Editors' Markdown is
rendered with raw HTML and images off and only http(s)/mailto/relative links;
seed text is always escaped. Latin runs inside RTL text are wrapped in <bdi>.
"""

from __future__ import annotations

import bisect
import functools
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError, pass_context
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from generator import urls
from generator.errors import ContentError, ContentErrors
from generator.i18n import collation_key, dates, gregorian, hijri, jalali, local_digits, translations
from generator.links import EXTERNAL, ref_path, split_passage
from generator.structured import breadcrumbs, news_article, website
from generator.theme import Theme
from generator.model import LANGS, Annotation, Article, Event, Mention, Site

LATIN_LETTER = re.compile(r"[A-Za-z]")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9.'&\-]*(?:[ \u00a0][A-Za-z0-9][A-Za-z0-9.'&\-]*)*")


def isolate(text: str) -> Markup:
    """Escape text and wrap each Latin run in <bdi>, so it cannot reorder the RTL line around it."""
    if not LATIN_LETTER.search(text):  # most text of the digest: nothing to wrap
        return escape(text)
    out, last = [], 0
    for found in LATIN_RUN.finditer(text):
        out.append(escape(text[last:found.start()]))
        out.append(Markup("<bdi>%s</bdi>") % found.group())
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")
    # what validation lets through (links.check_refs), kept as a second line of defence
    md.validateLink = lambda url: url.strip().startswith("@") or bool(EXTERNAL.match(url.strip()))

    def text(renderer, tokens, idx, options, env):
        return str(isolate(tokens[idx].content))

    def link_open(renderer, tokens, idx, options, env):
        """'@slug#annotation' references become relative links for the page being rendered."""
        href = tokens[idx].attrGet("href") or ""
        if href.startswith("@") and "page" in env:
            page = env["page"]
            tokens[idx].attrSet("href", page.url(ref_path(href, page.lang) or ""))
        return renderer.renderToken(tokens, idx, options, env)

    def cite_open(renderer, tokens, idx, options, env):
        """In cited text, a link to a passage keeps its words plain; the link is the number after them.
        env["cited"] says, for each open link, whether it became a citation."""
        href = tokens[idx].attrGet("href") or ""
        cited = "citations" in env and bool(split_passage(href))
        if "citations" in env:
            env["cited"].append(cited)
        if cited:
            env["citations"].append(env["page"].url(ref_path(href, env["page"].lang)))
            return ""
        return link_open(renderer, tokens, idx, options, env)

    def cite_close(renderer, tokens, idx, options, env):
        if not ("citations" in env and env["cited"].pop()):
            return renderer.renderToken(tokens, idx, options, env)
        number = local_digits(len(env["citations"]), env["page"].lang)
        label = escape(env["source_label"].replace("{num}", number))
        return f'<sup class="cite"><a href="{escape(env["citations"][-1])}" aria-label="{label}">{number}</a></sup>'

    md.add_render_rule("text", text)
    md.add_render_rule("link_open", cite_open)
    md.add_render_rule("link_close", cite_close)
    return md


MARKDOWN = make_markdown()


@dataclass(frozen=True, slots=True)
class Page:
    """What every template may know about the page it renders."""

    lang: str
    path: str
    """Site-relative URL of this page, e.g. 'fa/articles/kim-visit/' ('' for the root)."""
    root: str
    """Prefix that leads from this page to the site root: '../../../', or the base path on 404 pages."""
    kind: str
    site_url: str = ""
    """The site's absolute address (https://example.org/digest/), or "" when base_url is only a path:
    canonical links, feeds and sharing tags need it, and are left out without it."""
    assets: dict = field(default_factory=dict, hash=False, compare=False)
    """Asset name → its (fingerprinted) name in the site (see assets.py)."""

    @property
    def other(self) -> str:
        return "ar" if self.lang == "fa" else "fa"

    @property
    def alternate(self) -> str:
        return self.root + self.other + self.path[len(self.lang):]

    def url(self, path: str) -> str:
        return self.root + path

    def link(self, kind: str, *args: str) -> str:
        """Where a page of the site is, from this page, in this page's language: link('article', slug,
        'p3'), link('topic', topic_id), link('home')… (the functions of urls.py)."""
        return self.root + getattr(urls, kind)(self.lang, *args)

    def asset(self, name: str) -> str:
        """Where an asset of the theme is, from this page: assets/v/site.3fa9c1d2e4.css."""
        return self.url(self.asset_path(name))

    def asset_path(self, name: str) -> str:
        return "assets/" + self.assets.get(name, name)

    def absolute(self, path: str | None = None) -> str:
        """The absolute URL of a site path (of this page by default); "" without a site address."""
        return self.site_url + (self.path if path is None else path) if self.site_url else ""

    @property
    def absolute_alternate(self) -> str:
        return self.absolute(self.other + self.path[len(self.lang):])


def site_url(base_url: str) -> str:
    """The site's absolute address with a final slash, or "" when base_url is only a path."""
    if not base_url.startswith(("https://", "http://")):
        return ""
    return base_url if base_url.endswith("/") else base_url + "/"


def relative_root(path: str) -> str:
    return "../" * path.count("/")


@pass_context
def digits_filter(ctx, value) -> str:
    return local_digits(value, ctx["page"].lang)


@pass_context
def dates_filter(ctx, date) -> tuple[str, str]:
    return dates(date, ctx["page"].lang)


@pass_context
def markdown_filter(ctx, text: str, source_label: str = "") -> Markup:
    """Markdown of an editor's text. With `source_label` ("Source {num}"), links to passages become
    numbered citations after the words they covered, each named by the label (topic summaries,
    where every sentence is sourced and full-width links would make half the text a link)."""
    page = ctx["page"]
    return _markdown(text, page.lang, page.root, source_label) if text else Markup("")


@functools.lru_cache(maxsize=4096)
def _markdown(text: str, lang: str, root: str, source_label: str = "") -> Markup:
    """Rendered once per text and page position: @references depend only on the language and the root."""
    env = {"page": Page(lang, "", root, "")}
    if source_label:
        env.update(citations=[], cited=[], source_label=source_label)
    return Markup(MARKDOWN.render(text, env))


SENTENCE_END = re.compile(r"(?<=[.!?؟])\s")


@pass_context
def lead_filter(ctx, text: str) -> str:
    """The first sentence of an editor's Markdown, as plain text (a topic's lead on the front page)."""
    plain = re.sub(r"\s+", " ", markdown_filter(ctx, text).striptags()).strip()
    return SENTENCE_END.split(plain, maxsplit=1)[0]


@pass_context
def mentions_filter(ctx, parts, mark: bool = False) -> Markup:
    """A block's text parts as HTML: glossary names linked to their page (or, with `mark`, set in
    bold), every Latin run isolated. A filter rather than a macro: entity pages call it for every
    paragraph that names the entity, and a Jinja macro call costs more than the HTML it writes."""
    page = ctx["page"]
    html = []
    for part in parts:
        text = isolate(part.text)
        if part.entity and mark:
            html.append(Markup('<mark class="name">%s</mark>') % text)
        elif part.entity:
            html.append(Markup('<a class="mention" href="%s">%s</a>') % (page.link("entity", part.entity), text))
        else:
            html.append(text)
    return Markup("").join(html)


@pass_context
def per_article(ctx, macro, article: Article) -> Markup:
    """A macro's HTML for an article, made once per language and page depth and kept while the
    article, the templates and the catalogs are the same: an article's heading in a listing is the
    same on every entity, topic and home page that shows it, and at thousands of articles remaking
    it was most of rendering those pages. The cache is the environment's, emptied by the planner
    whenever a template or a catalog changes (pages.Planner.plan)."""
    page = ctx["page"]
    key = (macro.name, page.lang, page.root, article.slug)
    cache = ctx.environment.globals["fragments"]
    found = cache.get(key)
    if found is not None and found[0] is article:
        return found[1]
    html = macro(article)
    cache[key] = (article, html)
    return html


@pass_context
def ref_url_filter(ctx, ref: str) -> str:
    page = ctx["page"]
    return page.url(ref_path(ref, page.lang) or "")


@pass_context
def alphabetical_filter(ctx, entities):
    """Entities in the alphabetical order of the page's language."""
    lang = ctx["page"].lang
    return sorted(entities, key=lambda e: collation_key(e.name.get(lang), lang))


@pass_context
def three_dates_filter(ctx, date) -> tuple[str, str, str]:
    lang = ctx["page"].lang
    return jalali(date, lang), hijri(date, lang), gregorian(date, lang)


def language_name(lang: str, in_lang: str) -> str:
    return Locale(lang).get_display_name(in_lang)


def make_env(theme: Theme = Theme()) -> Environment:
    """The one Jinja environment of a theme; `theme` is also a global, for the catalogs and errors."""
    env = Environment(
        loader=FileSystemLoader(theme.folders, encoding="utf-8-sig"),  # a BOM some editors write is no text
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_null_translations(newstyle=True)  # {% trans %} compiles to newstyle calls; render_page installs the catalogs
    env.filters.update(digits=digits_filter, dates=dates_filter, md=markdown_filter, isolate=isolate,
                       ref_url=ref_url_filter, three_dates=three_dates_filter, alphabetical=alphabetical_filter, lead=lead_filter, mentions=mentions_filter)
    env.globals.update(language_name=language_name, split_passage=split_passage, LANGS=LANGS, theme=theme,
                       per_article=per_article, fragments={}, urls=urls,
                       news_article=news_article, website=website, breadcrumbs=breadcrumbs)
    return env


# --- page-kind contexts ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Part:
    """A run of text, linked to a glossary entry when `entity` is set."""

    text: str
    entity: str = ""


@dataclass(frozen=True, slots=True)
class Piece:
    parts: tuple[Part, ...]
    annotation: Annotation | None = None
    number: int = 0


def split_parts(text: str, offset: int, mentions) -> tuple[Part, ...]:
    """Cut text (which starts at `offset` in its block) at the mentions that lie inside it."""
    parts, at = [], 0
    for m in mentions:
        start, end = m.start - offset, m.end - offset
        if start >= at and end <= len(text):
            if start > at:
                parts.append(Part(text[at:start]))
            parts.append(Part(text[start:end], m.entity))
            at = end
    if at < len(text) or not parts:
        parts.append(Part(text[at:]))
    return tuple(parts)


SENTENCE_BREAK = re.compile(r"[.!?؟…]+[»”\"')\]]*(\s+)")
"""Where a sentence ends in the articles' text: its final punctuation and closing quotes; the space
after them belongs to neither sentence."""


def sentences_naming(text: str, spans) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """The sentences of a block that hold the (start, end) spans, in order, each once:
    (sentence start, sentence end, the spans inside it, relative to its start)."""
    breaks = [(found.start(1), found.end()) for found in SENTENCE_BREAK.finditer(text)]
    starts = [0] + [after for _, after in breaks]
    ends = [end for end, _ in breaks] + [len(text.rstrip())]
    sentences: dict[int, list] = {}
    for start, end in spans:
        first = starts[bisect.bisect_right(starts, start) - 1]
        last = ends[min(bisect.bisect_left(ends, end), len(ends) - 1)]
        sentence = sentences.setdefault(first, [last, []])
        sentence[0] = max(sentence[0], last)
        sentence[1].append((start - first, end - first))
    return [(first, last, tuple(inside)) for first, (last, inside) in sorted(sentences.items())]


def linked_mentions(article: Article) -> dict[int, list[Mention]]:
    """The first mention of each entity in the article, by block; mentions cut by a highlight are skipped."""
    seen, by_block = set(), {}
    for m in sorted(article.mentions, key=lambda m: (m.block, m.start)):
        crossing = any(a.block == m.block and (a.start < m.start < a.end or a.start < m.end < a.end)
                       for a in article.annotations)
        if m.entity not in seen and not crossing:
            seen.add(m.entity)
            by_block.setdefault(m.block, []).append(m)
    return by_block


@dataclass(frozen=True, slots=True)
class Row:
    """A block of article text with the notes that belong beside it."""

    kind: str
    pieces: tuple[Piece, ...]
    notes: tuple[tuple[int, Annotation], ...]


def block_pieces(text: str, annotations: list[Annotation], mentions: list[Mention], first_number: int):
    """One block as pieces (plain runs and highlighted passages) and its numbered notes."""
    pieces, notes, at = [], [], 0
    for number, annotation in enumerate(annotations, start=first_number):
        if annotation.start > at:
            pieces.append(Piece(split_parts(text[at:annotation.start], at, mentions)))
        pieces.append(Piece(split_parts(text[annotation.start:annotation.end], annotation.start, mentions), annotation, number))
        notes.append((number, annotation))
        at = annotation.end
    if at < len(text):
        pieces.append(Piece(split_parts(text[at:], at, mentions)))
    return tuple(pieces), tuple(notes)


def article_rows(article: Article) -> tuple[Row, ...]:
    """Split each block at its annotation boundaries and linked mentions; number notes in reading order."""
    rows, number, mentions = [], 1, linked_mentions(article)
    for index, block in enumerate(article.blocks):
        pieces, notes = block_pieces(block.text, article.annotations_in(index), mentions.get(index, []), number)
        number += len(notes)
        rows.append(Row(block.kind, pieces, notes))
    return tuple(rows)


def event_passages(site: Site, event: Event) -> list[tuple[Article, Annotation]]:
    return [(site.article(slug), site.annotation(slug, anchor)) for slug, anchor in map(split_passage, event.passages)]


PLURAL_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}
"""A number of each CLDR plural category (Arabic needs them all), to fill the search page's strings."""


def name_example(site: Site, mentions: Counter) -> str:
    """The most mentioned person's name in Persian, Arabic and Latin spellings, for the search page's hint."""
    people = [e for e in site.entities if e.kind == "person"]
    if not people:
        return ""
    entity = max(people, key=lambda e: mentions[e.id])
    return "، ".join(dict.fromkeys([entity.aliases[0] if entity.aliases else entity.name.fa, entity.name.ar, entity.latin]))


def search_strings(lang: str, theme: Theme) -> dict:
    """Interface text the search page's script needs, in the page's language."""
    t = translations(lang, theme.catalog(lang))
    return {
        "count": {cat: t.ngettext("%(num)s result", "%(num)s results", n) for cat, n in PLURAL_SAMPLES.items()},
        "none": t.gettext("Nothing found."),
        "unknown": t.gettext("No article contains: %(words)s"),
        "partial": t.gettext("(no article has every word; these have some of them)"),
        "ignored": t.gettext("(single letters are not searched: %(words)s)"),
        "missing": t.gettext("(no article contains: %(words)s)"),
        "corrected": t.gettext("(for %(word)s, results for %(suggestion)s)"),
        "failed": t.gettext("The search index could not be loaded."),
        "languages": {other: t.gettext("in %(language)s") % {"language": language_name(other, lang)} for other in LANGS},
    }


def template_failure(exc: Exception, template: str, theme: Theme, rendering: str = "") -> ContentErrors:
    """An exception raised in a template, as the error an editor can act on: the template's file and
    line (Jinja puts template lines into the traceback), what went wrong, and the page being rendered."""
    syntax = isinstance(exc, TemplateSyntaxError)
    path = Path(exc.filename) if syntax and exc.filename else theme.files(template).get(template, theme.folders[0] / template)
    line = exc.lineno if syntax else None
    if line is None:
        for frame in traceback.extract_tb(exc.__traceback__):
            if any(Path(frame.filename).is_relative_to(folder) for folder in theme.folders):
                path, line = Path(frame.filename), frame.lineno
    what = getattr(exc, "message", None) or str(exc)
    where = f" (while rendering {rendering})" if rendering else ""
    return ContentErrors([ContentError(theme.shown(path), line or 0,
                                       f"{type(exc).__name__}: {what}{where}")])


@functools.lru_cache(maxsize=8)
def interface_text(catalog: Translations) -> dict:
    """The gettext functions templates call (`_`, and `gettext`/`ngettext` for {% trans %}), as
    Jinja's i18n extension makes them in its newstyle (the text is a format string, its values
    escaped), but called directly and each message looked up once: a page asks for dozens, and
    Jinja's own way through context.call was a fifth of rendering an entity page."""
    messages: dict[str, Markup] = {}

    def gettext(_message: str, **variables) -> str:  # the underscores keep a template's values clear of the names
        text = messages.get(_message)
        if text is None:
            text = messages[_message] = Markup(catalog.gettext(_message))
        return text % variables

    def ngettext(_singular: str, _plural: str, _count: int, **variables) -> str:
        variables.setdefault("num", _count)
        return Markup(catalog.ngettext(_singular, _plural, _count)) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def render_page(env: Environment, template: str, lang: str, path: str, root: str, shared, values: dict) -> str:
    """A page from what it shows and nothing else: the site-wide values (contexts.Shared) and its own."""
    env.globals.update(interface_text(translations(lang, env.globals["theme"].catalog(lang))))
    page = Page(lang, path, root, template.removesuffix(".html").removesuffix(".xml"), site_url(shared.base_url),
                _asset_map(shared.assets))
    return env.get_template(template).render(page=page, shared=shared, **values)


@functools.lru_cache(maxsize=4)
def _asset_map(assets: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(assets)
