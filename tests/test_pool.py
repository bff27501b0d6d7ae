"""Rendering in worker processes (pool.py): the same site as one process makes, and failures in a
worker reported as if they had happened in the build itself."""

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pool
from generator.bench import write_synthetic_project
from generator.build import build
from tests.conftest import ROOT

ARTICLES = 150
"""Enough articles for more pages than pool.SERIAL_BELOW, so that workers render them."""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pool") / "project"
    write_synthetic_project(ROOT, folder, ARTICLES)
    return folder


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_two_workers_write_the_very_site_one_process_writes(project, tmp_path):
    one = build(project, tmp_path / "one", jobs=1)
    two = build(project, tmp_path / "two", jobs=2)
    assert one.pages == two.pages > pool.SERIAL_BELOW
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    files = [name for name in tree(tmp_path / "one") if (tmp_path / "one" / name).is_file()]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", files, shallow=False)
    assert not mismatch and not errors and len(match) == len(files) == one.files + 1  # and the marker


def test_a_template_failing_in_a_worker_is_one_error_and_the_site_is_kept(project, tmp_path):
    """A template error raised in a worker process: `path:line: message` naming the page, the
    previous site untouched, no leftover folder, no worker's traceback."""
    out = tmp_path / "site"
    build(project, out, jobs=2)
    before = {name: (out / name).read_bytes() for name in tree(out) if (out / name).is_file()}
    templates = project / "templates"
    templates.mkdir(exist_ok=True)
    source = (ROOT / "templates" / "entity.html").read_text(encoding="utf-8").split("\n")
    source[4] += "{{ entity.no_such_field }}"
    (templates / "entity.html").write_text("\n".join(source), encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, "-m", "generator", "build", "--jobs", "2", "--out", str(out)],
                                cwd=project, capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(templates)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    first, last = result.stderr.splitlines()
    assert first.startswith("templates/entity.html:5: UndefinedError: ") and "no_such_field" in first
    assert "(while rendering /fa/entities/" in first or "(while rendering /ar/entities/" in first
    assert last == "1 error; nothing was written."
    assert {name: (out / name).read_bytes() for name in tree(out) if (out / name).is_file()} == before
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # no half-written folder beside it
