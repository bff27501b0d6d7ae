"""`digest serve`: live reload that never lies, errors in the page, a server that survives."""

import hashlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import ROOT, copy_project

pytestmark = pytest.mark.browser
NOTE = "content/notes/001_dd0b498a44e088a7.toml"
HEADLINE = "مسؤول أمريكي: كيم جونغ أون قد يلتقي بوتين قريبًا لبحث صفقات أسلحة"
PAGE = "ar/articles/us-official-kim-may-meet-putin-soon/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(project), "serve", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "fa/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield project, url, process
    process.terminate()
    process.wait(timeout=10)


def edit(project: Path, old: str, new: str) -> None:
    path = project / NOTE
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_edit_reloads_the_page_then_errors_show_and_go(browser, server):
    project, url, _ = server
    page = browser.new_page()
    page.goto(url + PAGE)
    assert page.text_content("h1") == HEADLINE
    page.wait_for_timeout(300)  # the livereload socket connects
    edit(project, HEADLINE, HEADLINE + " (تحديث)")
    page.wait_for_function("document.querySelector('h1').textContent.includes('(تحديث)')", timeout=10000)

    edit(project, "published = 2023-09-05", "published = 2023-13-05")
    overlay = page.wait_for_selector("#digest-errors", timeout=10000)
    text = overlay.text_content()
    assert f"{NOTE}:" in text and "تعذّر بناء الموقع" in text
    assert page.text_content("h1").endswith("(تحديث)")  # the last good site is still there
    edit(project, "published = 2023-13-05", "published = 2023-09-05")
    page.wait_for_function("!document.getElementById('digest-errors')", timeout=10000)
    page.close()


def tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_burst_of_edits_ends_identical_to_a_clean_build(server, tmp_path):
    project, url, process = server
    for i in range(20):
        edit(project, HEADLINE if i == 0 else f"({i - 1})", f"({i})" if i else f"{HEADLINE} (0)")
        (project / "content" / f".#lock{i}").write_text("x")  # editors' lock and temp files come and go
        (project / "content" / f".#lock{i}").unlink()
        time.sleep(0.01)
    time.sleep(1.5)
    build(project, tmp_path / "clean")
    assert tree(project / "site") == tree(tmp_path / "clean")
    assert "(19)" in (project / "site" / PAGE / "index.html").read_text(encoding="utf-8")


def test_foreign_host_is_refused(server):
    _, url, _ = server
    request = urllib.request.Request(url + "fa/", headers={"Host": "attacker.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 403
    assert urllib.request.urlopen(url + "fa/", timeout=5).status == 200


def test_server_survives_a_broken_template_and_stops_cleanly(server):
    project, url, process = server
    edit(project, 'lang = "ar"', 'lang = "ar"\n[[broken')
    time.sleep(1)
    assert urllib.request.urlopen(url + "fa/", timeout=5).status == 200
    edit(project, 'lang = "ar"\n[[broken', 'lang = "ar"')
    time.sleep(1)
    process.send_signal(2)  # Ctrl-C
    out, _ = process.communicate(timeout=10)
    assert process.returncode == 0 and "stopped" in out and "Traceback" not in out


def test_serve_benchmark_runs_on_a_synthetic_project():
    """`digest bench --serve` keeps working; its figures are read by people (closing notes), not asserted."""
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(ROOT), "bench", "--serve", "--articles", "30"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("30 articles") and len(lines) == 4
    assert all(line.rstrip().endswith(" ms") for line in lines[1:]), result.stdout
