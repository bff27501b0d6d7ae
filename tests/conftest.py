"""Shared fixtures: the real project, tiny projects in tmp_path, a built site, a local server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from generator.build import build

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).parent / "artifacts" / "screenshots"
"""Where browser tests leave screenshots for a person to look at (git-ignored)."""


def copy_project(dest: Path) -> Path:
    """A writable copy of the project's inputs (seeds and content) in dest."""
    for folder in ("seeds", "content"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real digest built once, for publishing under /digest/ (see `served`); returns the site folder."""
    out = tmp_path_factory.mktemp("built") / "site"
    build(ROOT, out, base_url="/digest/")
    return out


@contextlib.contextmanager
def serve(site: Path):
    """Serve a built site on 127.0.0.1 under the sub-path /digest/ (as on a static host); yields its URL."""
    mount = site.parent / f"www-{site.name}"
    mount.mkdir(exist_ok=True)
    link = mount / "digest"
    if not link.exists():
        link.symlink_to(site, target_is_directory=True)
    handler = functools.partial(QuietHandler, directory=str(mount))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/digest/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def served(built):
    with serve(built) as url:
        yield url


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is required for browser tests: apt-get install chromium (see README)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


def site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: None if icon_cut_short(req) else errors.append(f"failed {req.url}: {req.failure}"))
    yield page
    context.close()
    assert errors == []


def icon_cut_short(request) -> bool:
    """Chromium fetches the favicon after the page has loaded; a test that moves on first cancels it
    (net::ERR_ABORTED), which is not a fault of the page (seen once in a loaded CI run)."""
    return request.failure == "net::ERR_ABORTED" and "/assets/v/icon." in request.url
