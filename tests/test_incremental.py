"""`digest serve` rebuilds only what an edit touches; the result must be, byte for byte, what a
clean build of the same inputs writes. One served project takes an edit of every kind of input
in turn: a seed, a note, a topic summary, the glossary, the timeline, the settings, templates
(one a listing heading comes from, which pages cache per article) and an interface catalog."""

import hashlib
import shutil
from pathlib import Path

import pytest

from generator.build import load_site, site_files
from generator.incremental import Builder
from generator.write import fingerprint
from tests.conftest import ROOT, copy_project


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_seed(project: Path) -> None:
    """A seed corrected by its editor (a word of its text) with its checksum brought up to date."""
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    replace(seed, "در یک سفر نادر به خارج", "در یک سفر کم‌سابقه به خارج")
    sums = project / "seeds" / "SHA256SUMS"
    lines = [line for line in sums.read_text(encoding="utf-8").splitlines() if not line.endswith(seed.name)]
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    sums.write_text("\n".join(lines + [f"{digest}  {seed.name}"]) + "\n", encoding="utf-8")


EDITS = {
    "seed": edit_seed,
    "note": lambda p: replace(sorted((p / "content" / "notes").glob("*.toml"))[0], 'note.fa = "', 'note.fa = "(ویرایش) '),
    "topic": lambda p: replace(p / "content" / "topics" / "military.toml", 'summary.fa = """\n', 'summary.fa = """\nویرایش. '),
    "glossary": lambda p: replace(p / "content" / "glossary.toml", 'latin = "', 'latin = "The '),
    "timeline": lambda p: replace(p / "content" / "timeline.toml", 'title.fa = "جنگ کره"', 'title.fa = "جنگ دو کره"'),
    "settings": lambda p: replace(p / "content" / "digest.toml", 'fa = "روسیه و کره شمالی', 'fa = "(آزمایشی) روسیه و کره شمالی'),
    "listing heading template": lambda p: replace(p / "templates" / "_macros.html", '<p class="byline">',
                                                  '<p class="byline edited">'),
    "base template": lambda p: replace(p / "templates" / "base.html", "</footer>", "<p>edited</p></footer>"),
    "catalog": lambda p: replace(p / "templates" / "locale" / "fa" / "LC_MESSAGES" / "messages.po",
                                 'msgstr "دیدن در متن مقاله"', 'msgstr "دیدن در متن"'),
}


@pytest.fixture
def project(tmp_path) -> Path:
    """The digest's inputs and its theme, both the project's own, so that an edit can reach any of them."""
    folder = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "templates", folder / "templates")
    return folder


def written(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != ".digest-build"}


def test_every_kind_of_edit_rebuilds_to_what_a_clean_build_writes(project, tmp_path):
    builder = Builder(project, tmp_path / "site")
    builder.build()
    for kind, change in EDITS.items():
        before = dict(builder.files)
        change(project)
        summary = builder.build()
        clean = site_files(load_site(project))
        assert builder.files != before, f"the {kind} edit changed nothing: {summary}"
        assert builder.files == {name: fingerprint(data) for name, data in clean.items()}, \
            f"after the {kind} edit the served site differs from a clean build"
        assert written(tmp_path / "site") == {name: data for name, data in clean.items()}, kind


def stylesheet(html: bytes) -> str:
    """The fingerprinted stylesheet a page links to."""
    start = html.index(b"assets/v/site.")
    return html[start:html.index(b'"', start)].decode()


@pytest.fixture
def many_pages(monkeypatch):
    """Any edit of more than five pages counts as one of thousands: the open pages go first."""
    from generator import incremental

    monkeypatch.setattr(incremental, "AT_ONCE", 5)
    monkeypatch.setattr(incremental, "BATCH", 7)


def test_an_edit_of_many_pages_shows_first_on_the_open_page_then_ends_as_a_clean_build(project, tmp_path, many_pages):
    """A stylesheet edit changes every page (they link to its new fingerprinted name). The open page
    is written and shown first, while the others still link to the old stylesheet, which stays until
    they are rendered; then the site is what a clean build writes."""
    site = tmp_path / "site"
    builder = Builder(project, site)
    builder.build()
    old_css = stylesheet((site / "fa/index.html").read_bytes())
    (project / "templates" / "assets" / "site.css").write_text(
        (ROOT / "templates" / "assets" / "site.css").read_text(encoding="utf-8") + "\n.edited { color: red }\n", encoding="utf-8")
    seen = {}

    def shown():
        seen["open"] = stylesheet((site / "ar/index.html").read_bytes())
        seen["others"] = {stylesheet(p.read_bytes()) for p in site.rglob("index.html")}
        seen["there"] = all((site / css).is_file() for css in seen["others"])

    summary = builder.build(first=["ar/index.html"], shown=shown)
    assert seen["open"] != old_css, "the open page shows the edit first"
    assert old_css in seen["others"], "the other pages were not all rendered before it was shown"
    assert seen["there"], "each page's stylesheet was there meanwhile"
    assert not (site / old_css).exists(), summary
    clean = site_files(load_site(project))
    assert written(site) == clean


def test_a_rebuild_of_many_pages_gives_way_to_the_next_edit_and_the_next_build_finishes_it(project, tmp_path, many_pages):
    site = tmp_path / "site"
    builder = Builder(project, site)
    builder.build()
    replace(project / "templates" / "base.html", "</footer>", "<p>edited</p></footer>")
    opened = []
    summary = builder.build(first=["fa/index.html"], shown=lambda: opened.append(True), give_way=lambda: bool(opened))
    assert opened and "pages left for the next build" in summary, summary
    assert b"<p>edited</p>" in (site / "fa/index.html").read_bytes()
    pages = [p for p in site.rglob("index.html")]
    behind = [p for p in pages if b"<p>edited</p>" not in p.read_bytes()]
    assert behind, "the rebuild stopped when told to"
    assert all((site / stylesheet(p.read_bytes())).is_file() for p in pages), "no page links to a missing stylesheet"

    summary = builder.build()  # nothing edited: what was left behind is rendered now
    assert "left" not in summary and builder.behind == 0
    assert written(site) == site_files(load_site(project))


def test_a_template_reads_only_its_page_context_so_no_page_can_show_what_its_key_lacks(project, tmp_path):
    """Templates receive the page's context (contexts.py) and the site-wide values, never the whole
    site: a theme that reads `site` is told so, with its file and line, rather than rendering pages
    whose key misses what they show (which serve would then leave stale)."""
    from generator.errors import ContentErrors
    from generator.build import build

    replace(project / "templates" / "entities.html", "{% block main %}", "{% block main %}{{ site.entities|length }}")
    with pytest.raises(ContentErrors) as failure:
        build(project, tmp_path / "out", jobs=1)
    assert "templates/entities.html:3: UndefinedError: 'site' is undefined (while rendering /fa/entities/)" in str(failure.value)
