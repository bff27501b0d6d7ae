"""Rendering in worker processes (pool.py): the same site as one process makes, and failures in a
worker reported as if they had happened in the build itself."""

import filecmp
import shutil
import signal
import subprocess
import sys
import time
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


def processes_naming(text: str) -> list[int]:
    """Live processes whose command line mentions `text` (here: one test's own output folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["Ctrl-C", "SIGKILL"])
def test_a_build_stopped_while_workers_render_keeps_the_old_site_and_leaves_no_worker(project, tmp_path, sig):
    from tests.test_build import tree_digest
    from tests.test_faults import INTERRUPTED, default_sigint

    out = tmp_path / "site"
    build(project, out, jobs=2)
    before = tree_digest(out)
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--jobs", "2", "--out", str(out)], cwd=project,
                               stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    deadline = time.monotonic() + 120
    while not any((p / "fa" / "articles").is_dir() for p in tmp_path.glob(".site-new-*")):  # workers are writing
        assert process.poll() is None and time.monotonic() < deadline, "the build ended before it could be stopped"
        time.sleep(0.01)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert process.returncode == 130 and "Traceback" not in err and err.splitlines()[-1] == INTERRUPTED, err
    else:
        assert process.returncode == -signal.SIGKILL
    time.sleep(0.5)
    assert processes_naming(str(out)) == []  # no worker outlived the build
    assert tree_digest(out) == before
    build(project, out, jobs=2)  # the next build clears what this one left
    assert [p.name for p in tmp_path.iterdir()] == ["site"] and tree_digest(out) == before


def test_errors_found_by_workers_are_the_errors_one_process_finds(project, tmp_path):
    """Notes are validated and articles assembled on workers when there are many. A note that is not
    TOML and one with an unknown topic (found while loading), or a quote the seed does not have
    (found while assembling), are reported exactly as one process reports them, and nothing is
    written."""
    def broken(name: str, edits: dict[int, tuple[str, str]]) -> Path:
        folder = tmp_path / name
        shutil.copytree(project, folder, ignore=shutil.ignore_patterns("site"))
        notes = sorted((folder / "content" / "notes").glob("*.toml"))
        for number, (old, new) in edits.items():
            text = notes[number].read_text(encoding="utf-8")
            assert old in text
            notes[number].write_text(text.replace(old, new, 1), encoding="utf-8")
        return folder

    cases = [(broken("loading", {3: ('slug = "', "slug = "), 70: ('topics = ["', 'topics = ["no-such-topic", "')}),
              ["00003_synthetic.toml:1: is not valid TOML", "00070_synthetic.toml:3: unknown topic 'no-such-topic'"]),
             (broken("assembling", {120: ('exact = "', 'exact = "نه در متن ')}),
              ["00120_synthetic.toml:"])]
    for folder, starts in cases:
        reports = []
        for jobs in ("1", "2"):
            result = subprocess.run([sys.executable, "-m", "generator", "build", "--jobs", jobs], cwd=folder,
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
            reports.append(result.stderr)
        assert reports[0] == reports[1]
        lines = reports[0].splitlines()
        assert len(lines) == len(starts) + 1 and lines[-1].endswith("; nothing was written.")
        assert all(line.startswith("content/notes/" + start) for line, start in zip(lines, starts)), lines
        assert not (folder / "site").exists()
