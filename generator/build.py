"""The orchestrator: load → clean → anchor → model → render → index → write.

Everything is loaded and validated before any template runs or any file is
written; a failure anywhere leaves the previous site untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from generator.assemble import assemble
from generator.index import SearchIndex
from generator.linkcheck import broken_links
from generator.load import load
from generator.model import Site
from generator.pages import plan, render_site
from generator.pool import frozen_objects, render_into
from generator.render import make_env, site_url
from generator.assets import headers_file, site_assets
from generator.write import check_output, check_owned, write_site, write_tree


@dataclass(frozen=True, slots=True)
class BuildResult:
    site: Site
    pages: int
    files: int
    seconds: float
    notes: tuple[str, ...] = ()
    """What the publisher should know: parts left out, and why."""
    stages: dict = field(default_factory=dict)
    """Seconds per stage: load, plan, render (pages rendered and written, the site swapped in) and
    index (the search index and assets, built by this process while workers render)."""


def publishing_notes(site: Site) -> tuple[str, ...]:
    """Feeds, the sitemap, canonical links and sharing tags need the site's absolute address."""
    if site_url(site.settings.base_url):
        return ()
    return (f"note: base_url is only a path (\"{site.settings.base_url}\"), so feeds, sitemap.xml, robots.txt, "
            "canonical links and sharing tags were left out; set base_url = \"https://…\" in content/digest.toml "
            "or pass --base-url",)


def load_site(root: Path, cache: dict | None = None, changed: set[str] | None = None, jobs: int | None = None) -> Site:
    """Stages 1–4: read, clean, anchor and assemble; raises ContentErrors.
    `cache` and `changed` let `digest serve` reuse articles and skip unchanged files (see load.scan);
    `jobs`: worker processes assembling articles (one per core by default)."""
    return assemble(load(root, changed, jobs), cache, jobs)


def base_path(base_url: str) -> str:
    path = urlparse(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def asset_files(site: Site) -> dict[str, bytes]:
    """The theme's assets (the project's own over the defaults, fingerprinted where safe) and the
    `_headers` file that tells hosts which of them to cache for good."""
    return site_assets(site)[0] | {"_headers": headers_file(base_path(site.settings.base_url))}


def published_at(site: Site, base_url: str | None) -> Site:
    """The site with --base-url, when given, in place of the base_url of content/digest.toml."""
    return replace(site, settings=replace(site.settings, base_url=base_url)) if base_url else site


def site_files(site: Site, base_url: str | None = None) -> dict[str, bytes]:
    """Stages 5–6: every file of the site, in memory: pages, assets, search index."""
    site = published_at(site, base_url)
    return render_site(site, base_path(site.settings.base_url)) | other_files(site)


def other_files(site: Site, index: SearchIndex | None = None) -> dict[str, bytes]:
    """What goes into site/ besides the pages: the assets and the search index. `index` is the
    index of the previous build (`digest serve`), updated rather than rebuilt."""
    return asset_files(site) | {f"assets/{name}": data for name, data in (index or SearchIndex()).files(site).items()}


def write_streamed(env, specs: list, out: Path, root: Path, others: Callable[[], dict[str, bytes]],
                   jobs: int | None = None, fingerprints: bool = False, **options) -> tuple[dict[str, bytes], dict | None]:
    """Render the planned pages on `jobs` workers straight into a fresh folder while this process
    makes and writes `others()` (assets and search index), then put the folder in place of `out`
    (write_site, with its `options`). Returns the other files, and with `fingerprints` each page's."""
    made: dict[str, bytes] = {}
    prints = None

    def fill(folder: Path, display: str) -> list[str]:
        nonlocal prints

        def meanwhile() -> None:
            made.update(others())
            write_tree(made, folder, display)

        prints = render_into(env, specs, folder, display, jobs, meanwhile, fingerprints)
        return [spec.file for spec in specs] + list(made)

    write_site(fill, out, root, **options)
    return made, prints


def build(root: Path, out: Path | None = None, base_url: str | None = None, final: bool = False,
          jobs: int | None = None) -> BuildResult:
    """The whole site, written to `out`; `final`: the process ends after this (see write_site).

    Pages are rendered by `jobs` worker processes (one per core by default) straight into the new
    site folder, while this process builds the search index (pool.py)."""
    started = time.perf_counter()
    stages: dict[str, float] = {}

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        stages[stage] = round(now - since, 2)
        return now

    out = out or root / "site"
    check_owned(check_output(out, root), root)  # before any work: a refused --out is the first thing to hear
    site = published_at(load_site(root, jobs=jobs), base_url)
    now = lap("load", started)
    with frozen_objects():
        env = make_env(site.theme)
        specs = plan(site, base_path(site.settings.base_url), env)
        now = lap("plan", now)

        def timed_others() -> dict[str, bytes]:
            begun = time.perf_counter()
            files = other_files(site)
            lap("index", begun)
            return files

        others, _ = write_streamed(env, specs, out, root, timed_others, jobs, final=final)
        lap("render", now)
    pages = sum(spec.file.endswith(".html") for spec in specs)
    return BuildResult(site, pages, len(specs) + len(others), time.perf_counter() - started, publishing_notes(site), stages)


def check(root: Path) -> tuple[Site, list[str]]:
    """Everything the build validates, plus rendered links and #fragments; writes nothing."""
    site = load_site(root)
    return site, broken_links(site_files(site))
