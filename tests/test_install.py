"""Installable like any Python tool: a wheel carries the default theme, and a project's own templates/
override it file by file, in `digest build` and in `digest serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import build
from generator.incremental import Builder
from tests.conftest import ROOT, copy_project
from tests.test_build import tree_digest

MARK = "<!-- the project's own home -->"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """`digest` from a wheel installed into a fresh virtual environment (what pipx or a Docker image does)."""
    folder = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(folder / "dist")],
                   check=True, capture_output=True, timeout=600)
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=300)
    wheel = next((folder / "dist").glob("digest-*.whl"))
    subprocess.run([str(folder / "venv" / "bin" / "pip"), "install", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=600)
    return folder / "venv" / "bin" / "digest"


def run_installed(digest: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(digest), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def own_home(project: Path) -> None:
    """The project overrides one template; everything else comes from the default theme."""
    (project / "templates").mkdir()
    home = (ROOT / "templates" / "home.html").read_text(encoding="utf-8")
    (project / "templates" / "home.html").write_text(home.replace("{% block main %}", "{% block main %}" + MARK, 1),
                                                    encoding="utf-8")


def test_the_wheel_carries_the_default_theme_and_builds_from_any_folder(installed, tmp_path):
    project = copy_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_installed(installed, "--root", str(project), "build", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    build(project, tmp_path / "from-source")
    assert tree_digest(project / "site") == tree_digest(tmp_path / "from-source")
    result = run_installed(installed, "check", cwd=project)
    assert result.returncode == 0 and result.stdout.startswith("ok: 5 articles"), result.stderr


def test_the_installed_digest_publishes_feeds_and_sitemap_from_its_default_theme(installed, tmp_path):
    project = copy_project(tmp_path / "project")
    result = run_installed(installed, "--root", str(project), "build", "--base-url", "https://example.org/d/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("fa/feed.xml", "ar/topics/military/feed.xml", "sitemap.xml", "fa/manifest.webmanifest"):
        assert (project / "site" / name).is_file(), name


def test_the_installed_digest_renders_the_project_templates(installed, tmp_path):
    project = copy_project(tmp_path / "project")
    own_home(project)
    result = run_installed(installed, "build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert MARK in (project / "site" / "fa" / "index.html").read_text(encoding="utf-8")
    assert MARK not in (project / "site" / "fa" / "search" / "index.html").read_text(encoding="utf-8")


def test_a_project_template_overrides_the_default_and_its_edits_show(tmp_path):
    project = copy_project(tmp_path / "project")
    own_home(project)
    (project / "templates" / "assets").mkdir()
    (project / "templates" / "assets" / "extra.css").write_text("body { color: black }\n")
    builder = Builder(project, project / "site")
    builder.build()
    home = project / "site" / "ar" / "index.html"
    assert MARK in home.read_text(encoding="utf-8") and list((project / "site" / "assets" / "v").glob("extra.*.css"))
    assert list((project / "site" / "assets" / "v").glob("site.*.css")), "the default theme's assets are still there"
    template = project / "templates" / "home.html"
    template.write_text(template.read_text(encoding="utf-8").replace(MARK, "<!-- edited -->"), encoding="utf-8")
    (project / "templates" / "assets" / "extra.css").write_text("body { color: navy }\n")
    (project / "templates" / "assets" / "site.css").write_bytes((ROOT / "templates" / "assets" / "site.css").read_bytes()
                                                              + b"\nbody { letter-spacing: 0 }\n")
    (project / "templates" / ".base.html.swp").write_bytes(b"\xff\xfe vim swap")  # an editor's, not a template
    builder.build()
    assert "<!-- edited -->" in home.read_text(encoding="utf-8")
    assert len(list((project / "site" / "assets" / "v").glob("extra.*.css"))) == 1, "the old fingerprinted file is gone"
    css = next((project / "site" / "assets" / "v").glob("site.*.css")).name
    assert f"assets/v/{css}" in home.read_text(encoding="utf-8"), "pages link to the stylesheet as it is now"
    clean = tmp_path / "clean"
    build(project, clean)
    assert tree_digest(project / "site") == tree_digest(clean)


def test_an_interrupted_save_leaves_a_site_the_next_build_still_replaces(tmp_path, monkeypatch):
    from generator import incremental

    project = copy_project(tmp_path / "project")
    builder = Builder(project, project / "site")
    builder.build()
    settings = project / "content" / "digest.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("گزیده‌ی", "گزیده‌ای", 1), encoding="utf-8")
    calls = []

    def fail_on_the_third(target, data):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return replace_file(target, data)

    replace_file = incremental.replace_file
    monkeypatch.setattr(incremental, "replace_file", fail_on_the_third)
    with pytest.raises(Exception):
        builder.build()
    monkeypatch.undo()
    build(project, project / "site")  # not refused: every file of the half-made save was listed first
    clean = tmp_path / "clean"
    build(project, clean)
    assert tree_digest(project / "site") == tree_digest(clean)


def test_a_failing_project_template_is_named_as_the_project_knows_it(tmp_path, capsys):
    from generator.cli import main

    project = copy_project(tmp_path / "project")
    own_home(project)
    template = project / "templates" / "home.html"
    template.write_text(template.read_text(encoding="utf-8").replace(MARK, MARK + "{{ 1 // 0 }}"), encoding="utf-8")
    assert main(["--root", str(project), "build"]) == 1
    line = capsys.readouterr().err.splitlines()[0]
    assert line.startswith("templates/home.html:") and "ZeroDivisionError" in line and "while rendering /fa/" in line, line


def test_serve_watches_the_project_templates(tmp_path):
    from generator.serve import Preview, watch

    project = copy_project(tmp_path / "project")
    own_home(project)
    preview = Preview(project, project / "site", "127.0.0.1", 0, log=lambda message: None)
    preview.rebuild()
    observer = watch(preview)
    try:
        template = project / "templates" / "home.html"
        rebuilds = preview.rebuilds
        template.write_text(template.read_text(encoding="utf-8").replace(MARK, "<!-- saved -->"), encoding="utf-8")
        for _ in range(100):
            if preview.rebuilds > rebuilds and "<!-- saved -->" in (project / "site" / "fa" / "index.html").read_text("utf-8"):
                break
            time.sleep(0.05)
        assert "<!-- saved -->" in (project / "site" / "fa" / "index.html").read_text(encoding="utf-8")
    finally:
        observer.stop()
        observer.join(timeout=2)
