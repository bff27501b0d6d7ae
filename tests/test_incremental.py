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
