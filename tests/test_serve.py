"""`digest serve`: live reload that never lies, errors in the page, a server that survives."""

import contextlib
import hashlib
import http.client
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from generator.build import build
from generator.serve import allowed_hosts
from tests.conftest import ROOT, copy_project

pytestmark = pytest.mark.browser
NOTE = "content/notes/001_dd0b498a44e088a7.toml"
HEADLINE = "مسؤول أمريكي في أيلول/سبتمبر ٢٠٢٣: كيم جونغ أون قد يلتقي بوتين قريبًا في روسيا لبحث صفقات أسلحة"
PAGE = "ar/articles/us-official-kim-may-meet-putin-soon/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(tmp_path, *options):
    """`digest serve` on a copy of the project, once it answers on 127.0.0.1."""
    project = copy_project(tmp_path / "project")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(project), "serve", "--port", str(port),
                                *options], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "fa/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield project, url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    with running(tmp_path) as started:
        yield started


@pytest.fixture
def wildcard_server(tmp_path):
    with running(tmp_path, "--host", "0.0.0.0") as started:
        yield started


def stop(process) -> str:
    """Ctrl-C, then everything the server printed and logged."""
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=10)[0]


def status(url: str, path: str, headers: dict | None = None) -> int:
    """The status of GET path, sent as written (urllib would quote or refuse it)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()


def handshake(url: str, **headers) -> int:
    """The status of a websocket handshake on /livereload: 101 accepted, 403 refused."""
    return status(url, "/livereload", {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                                       "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **headers})


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


def test_the_site_of_the_last_build_is_served_at_once_while_the_first_build_runs(tmp_path):
    """A large digest's first build takes minutes: serve shows what site/ holds at once, builds
    behind it, and the pages then show the edits made since."""
    project = copy_project(tmp_path / "project")
    build(project, project / "site")
    edit(project, HEADLINE, HEADLINE + " (بعد البناء)")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(project), "serve", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/{PAGE}"
    try:
        seen = []
        for _ in range(600):
            try:
                seen.append(urllib.request.urlopen(url, timeout=2).read().decode("utf-8"))
            except OSError:
                time.sleep(0.05)
                continue
            if "(بعد البناء)" in seen[-1]:
                break
            time.sleep(0.05)
        assert "(بعد البناء)" not in seen[0]  # the earlier site, before the first build was done
        assert "(بعد البناء)" in seen[-1]
    finally:
        output = stop(process)
    assert "the site of the last build, while the first build runs" in output and "error" not in output


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


def test_livereload_socket_refuses_a_foreign_origin(server):
    _, url, _ = server
    assert handshake(url, Origin="http://attacker.example") == 403
    assert handshake(url, Origin=url.replace("127.0.0.1", "127.0.0.1.attacker.example")) == 403
    assert handshake(url, Origin=url.rstrip("/")) == 101
    assert handshake(url, Origin=url.replace("127.0.0.1", "localhost").rstrip("/")) == 101
    assert handshake(url) == 101  # no Origin: not a browser


def test_bad_paths_are_client_errors_not_tracebacks(server):
    _, url, process = server
    long_name = "a" * 5000
    assert status(url, "/%00") == 400
    assert status(url, "/fa/%01/") == 400
    assert status(url, "/" + long_name) == 404
    assert status(url, "/fa/" + long_name + "/index.html") == 404
    assert status(url, "/fa/") == 200
    log = stop(process)
    assert "Traceback" not in log and " 500 " not in log, log[-3000:]
    assert log.count("400 GET /%00 ") == 1 and log.count(f"404 GET /{long_name} ") == 1, log[-3000:]


def test_wildcard_host_accepts_any_host_and_says_so(wildcard_server):
    _, url, process = wildcard_server
    elsewhere = f"192.0.2.7:{urllib.parse.urlsplit(url).port}"
    assert status(url, "/fa/", {"Host": elsewhere}) == 200
    assert handshake(url, Host=elsewhere, Origin=f"http://{elsewhere}") == 101
    assert "DNS-rebinding protection is off" in stop(process)


def test_allowed_hosts_follow_the_address():
    assert allowed_hosts("0.0.0.0", 8000) is None and allowed_hosts("::", 8000) is None
    loopback = allowed_hosts("127.0.0.1", 8000)
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"} <= loopback
    specific = allowed_hosts("192.0.2.7", 8000)
    assert {"192.0.2.7:8000", f"{socket.gethostname().lower()}:8000", socket.getfqdn().lower()} <= specific
    assert not {"127.0.0.1:8000", "[::1]:8000"} & specific
    assert "[2001:db8::7]:8000" in allowed_hosts("2001:db8::7", 8000)


def test_a_failing_template_is_named_in_the_overlay_with_its_line_and_page(tmp_path):
    """The overlay says what `digest build` would say: the template's file and line and the page rendered."""
    repo = tmp_path / "digest"
    for folder in ("generator", "templates", "seeds", "content"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port)], cwd=repo,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/{PAGE}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        template = repo / "templates" / "article.html"
        lines = template.read_text(encoding="utf-8").split("\n")
        lines[22] += "{{ article.no_such_field }}"
        template.write_text("\n".join(lines), encoding="utf-8")
        for _ in range(100):
            page = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
            if "digest-errors" in page:
                break
            time.sleep(0.1)
        assert "templates/article.html:23: UndefinedError: &#x27;generator.model.Article object&#x27; has no attribute " \
               "&#x27;no_such_field&#x27; (while rendering /fa/articles/" in page
        assert "Traceback" not in page
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=10)
    assert "Traceback" not in out


def test_an_edit_of_every_page_reloads_the_open_page_once_it_is_rebuilt(tmp_path, monkeypatch):
    """Past AT_ONCE stale pages (thousands, at 10,000 articles), the pages served last go first:
    the browsers reload when those are written, not when every page is, and not twice."""
    from generator import incremental
    from generator.serve import Preview

    monkeypatch.setattr(incremental, "AT_ONCE", 5)
    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "templates", project / "templates")
    log: list[str] = []
    preview = Preview(project, project / "site", "127.0.0.1", 0, log=log.append)
    preview.rebuild()
    preview.view("ar/index.html")
    reloads = preview.reloads
    base = project / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>edited</p></footer>"), encoding="utf-8")
    preview.rebuild()
    assert any(line.startswith("open pages rebuilt") for line in log), log
    assert preview.reloads == reloads + 1 and not preview.errors
    assert "<p>edited</p>" in (project / "site" / "fa" / "timeline" / "index.html").read_text(encoding="utf-8")
