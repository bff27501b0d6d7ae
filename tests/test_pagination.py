"""Long listings split into pages, and incremental rebuilds of a paginated site (`digest serve`)."""

import re
from pathlib import Path

import pytest

from generator.bench import write_synthetic_project
from generator.build import build, check, load_site, site_files
from generator.incremental import Builder
from generator.write import fingerprint
from tests.conftest import ROOT

ARTICLES, PER_PAGE = 23, 5


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("paginated")
    write_synthetic_project(ROOT, folder, ARTICLES)
    settings = folder / "content" / "digest.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('base_url = "/"', f'base_url = "/"\nper_page = {PER_PAGE}'),
                        encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def site(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("paginated-site") / "site"
    build(project, out)
    return out


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_home_is_split_into_pages_that_list_every_article_once_newest_first(site, project):
    pages = ["fa/"] + [f"fa/page/{n}/" for n in range(2, 6)]
    assert not (site / "fa/page/6").exists() and not (site / "fa/page/1").exists()
    listed = []
    for path in pages:
        html = read(site, path)
        # page 1 leads with the newest story; every page's cards list the others, each once
        listed += re.findall(r'(?:<li class="card">|<article class="lead-story")[\s\S]*?<a href="[./]*fa/articles/([^/]+)/"', html)
    newest_first = [a.slug for a in load_site(project).articles]
    assert listed == newest_first and len(listed) == ARTICLES


def test_pager_names_the_page_in_local_digits_and_links_its_neighbours(site):
    first, third, last = read(site, "fa/"), read(site, "ar/page/3/"), read(site, "fa/page/5/")
    assert 'id="topics-title"' in first and 'id="topics-title"' not in third  # topics are listed on page 1 only
    assert "صفحه‌ی ۱ از ۵" in first and 'rel="next" href="../fa/page/2/"' in first and 'rel="prev"' not in first
    assert "الصفحة ٣" in re.search(r"<title>(.*)</title>", third).group(1)
    assert 'rel="prev" href="../../../ar/page/2/"' in third and 'rel="next" href="../../../ar/page/4/"' in third
    assert '<a href="../../../ar/page/3/" aria-label="الصفحة ٣" aria-current="page">٣</a>' in third
    assert 'rel="next"' not in last and 'rel="prev" href="../../../fa/page/4/"' in last
    assert 'hreflang="ar" href="../../../ar/page/5/"' in last  # the language switch keeps the page


def test_topic_and_entity_pages_are_split_and_keep_the_summary_on_page_one(site):
    topic_pages = sorted(p.parent.name for p in (site / "fa/topics/military/page").glob("*/index.html"))
    assert topic_pages, "the military topic should need more than one page at 5 articles per page"
    assert 'id="summary-title"' in read(site, "fa/topics/military/")
    assert 'id="summary-title"' not in read(site, f"fa/topics/military/page/{topic_pages[0]}/")
    busiest = max((site / "fa/entities").iterdir(), key=lambda p: len(list(p.glob("page/*"))))
    second = read(site, f"fa/entities/{busiest.name}/page/2/")
    assert second.count('<section class="group">') <= PER_PAGE
    assert f'rel="prev" href="../../../../../fa/entities/{busiest.name}/"' in second


def test_entity_pages_quote_the_sentences_that_name_it_and_count_the_rest(site):
    """An entity page shows, per article, the first sentences naming it (each with the name marked),
    and a link to the rest; what it shows and what it counts add up to the count in the index."""
    digits = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    index = read(site, "fa/entities/")
    busiest = max((site / "fa/entities").iterdir(), key=lambda p: len(list(p.glob("page/*"))) if p.is_dir() else -1)
    pages = [read(site, f"fa/entities/{busiest.name}/")] + [
        read(site, f"fa/entities/{busiest.name}/page/{n}/") for n in range(2, len(list(busiest.glob("page/*"))) + 2)]
    total = 0
    for html in pages:
        for group in html.split('<section class="group">')[1:]:
            quotes = re.findall(r'<blockquote class="passage-quote"[^>]*><p>(.*?)</p>', group)
            assert 1 <= len(quotes) <= 3
            for quote in quotes:
                assert '<mark class="name">' in quote
                assert not re.search(r"[.!?؟]\s+\S", re.sub(r"<[^>]+>", "", quote)), quote  # one sentence
            more = re.search(r'<p class="more"><a href="[./]*fa/articles/[^/]+/#p\d+">([۰-۹]+) ', group)
            assert more is None or len(quotes) == 3  # the rest are linked only after the first three
            total += len(quotes) + (int(more.group(1).translate(digits)) if more else 0)
    listed = re.search(rf'href="[./]*fa/entities/{busiest.name}/">[^<]*</a>\s*<span class="count">\(([۰-۹]+)', index)
    assert int(listed.group(1).translate(digits)) == total


def test_a_sentence_ends_at_its_stop_and_closing_quote_and_holds_every_name_in_it():
    from generator.render import sentences_naming

    text = "کیم آمد. پوتین رفت و کیم ماند؟ «پوتین گفت.» سپس… دیگر کیم "
    spans = [(text.index(name, at), text.index(name, at) + len(name))
             for name, at in (("کیم", 0), ("پوتین", 0), ("کیم", 10), ("پوتین", 25), ("کیم", 48))]
    found = [(text[start:end], [text[start + a:start + b] for a, b in inside])
             for start, end, inside in sentences_naming(text, spans)]
    assert found == [("کیم آمد.", ["کیم"]), ("پوتین رفت و کیم ماند؟", ["پوتین", "کیم"]),
                     ("«پوتین گفت.»", ["پوتین"]), ("دیگر کیم", ["کیم"])]


def test_every_link_and_fragment_of_the_paginated_site_resolves(project):
    _, broken = check(project)
    assert broken == []


def test_rebuilds_after_edits_match_a_clean_build(project, tmp_path):
    """Every kind of edit an editor makes, applied one after another to a served site."""
    notes = sorted((project / "content" / "notes").glob("*.toml"))
    originals = {p: p.read_text(encoding="utf-8") for p in [*notes, project / "content" / "digest.toml",
                                                            project / "content" / "glossary.toml"]}

    def edit(path: Path, old: str, new: str, count: int = 1) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def redate(path: Path, date: str) -> None:
        path.write_text(re.sub(r"published = \S+", f"published = {date}", path.read_text(encoding="utf-8")), encoding="utf-8")

    builder = Builder(project, tmp_path / "site")
    builder.build()
    edits = [
        lambda: edit(notes[3], 'note.fa = "', 'note.fa = "(ویرایش) '),                     # reword a note
        lambda: redate(notes[4], "2024-12-31"),                                           # move an article to the top
        lambda: edit(notes[5], 'topics = ["military"]', 'topics = ["economic"]'),         # retag a passage
        lambda: edit(notes[6], "[summary]\n", "[summary]\n", 1),                        # a save that changes nothing
        lambda: notes[7].rename(notes[7].with_suffix(".off")),                           # a note goes away
        lambda: notes[7].with_suffix(".off").rename(notes[7]),                           # and comes back
        lambda: edit(project / "content" / "digest.toml", f"per_page = {PER_PAGE}", "per_page = 7"),
        lambda: edit(project / "content" / "glossary.toml", 'latin = "', 'latin = "The ', 1),
    ]
    try:
        for number, change in enumerate(edits):
            change()
            if number == 4:  # a seed without a note is an error; the last good site stays
                with pytest.raises(Exception):
                    builder.build()
                continue
            builder.build()
            clean = {name: fingerprint(data) for name, data in site_files(load_site(project)).items()}
            assert builder.files == clean, f"edit {number} left the site different from a clean build"
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")


@pytest.mark.quality
def test_pager_pages_pass_the_html_checker_and_axe(site, browser):
    import json
    import shutil
    import subprocess

    from tests.conftest import serve
    from tests.test_quality import AXE, VNU, require

    require(VNU)
    require(AXE)
    entity = max((site / "fa/entities").iterdir(), key=lambda p: len(list(p.glob("page/*")))).name
    pages = ["fa/page/3/", "ar/page/5/", "ar/topics/military/page/2/", f"fa/entities/{entity}/page/2/"]
    result = subprocess.run([shutil.which("java"), "-jar", str(VNU), "--errors-only", "--format", "json",
                             *(str(site / p / "index.html") for p in pages)], capture_output=True, text=True, timeout=300)
    assert json.loads(result.stderr or '{"messages": []}')["messages"] == []
    with serve(site) as url:
        for path in pages:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            page.goto(url + path)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
            overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
            page.close()
            assert violations == [] and not overflow, (path, violations, overflow)
