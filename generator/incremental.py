"""Rebuilding for `digest serve`: keep the last good output, write only what changed.

The first build writes the whole site atomically (write.py). Later builds reuse what cannot
have changed: files read by size and mtime (load.py), articles assembled from the same seed,
note and glossary (assemble.py), the page plan of sections that show no changed article and
pages whose key, the data their template reads, is unchanged (pages.py), and the search index
but for the shards an edit touches (index.py). Then only files whose bytes differ are replaced
and files that are gone removed, so the result is always byte-identical to a clean `digest
build`. A build that fails raises before anything is written.
"""

from __future__ import annotations

import gc
from pathlib import Path

from generator.build import asset_files, base_path, load_site, other_files, published_at, write_streamed
from generator.index import SearchIndex
from generator.pages import Planner, render_plan
from generator.render import make_env
from generator.theme import Theme
from generator.errors import shown
from generator.write import (MARKER, OutputLock, check_output, fingerprint, marker_text, named_as, remove_empty_folders,
                             replace_file)


class Builder:
    """Keeps, between builds, the fingerprint of every file it wrote and the key of every page,
    not their bytes: at 10,000 articles the pages alone are over a gigabyte."""

    def __init__(self, root: Path, out: Path, base_url: str | None = None):
        self.root, self.out, self.base_url = root, out, base_url
        self.files: dict[str, bytes] | None = None
        """file → fingerprint of what site/ holds"""
        self.articles: dict = {}
        self.pages: dict[str, tuple] = {}
        """file → (page key, fingerprint)"""
        self.index = SearchIndex()
        self.planner = Planner()
        self.env = make_env(Theme.of(root))
        self.assets: set[str] = set()
        self.forking = True
        """Whether the next build may fork workers: only the first, and only before serve's threads run."""

    def build(self, changed: set[str] | None = None) -> str:
        """Rebuild what the edits touched. Returns a summary. `changed`: the absolute paths written
        since the last build, when a file watcher knows them; None looks at every file.

        The first build uses every core, like `digest build` (unless `forking` was turned off); later
        ones run in this process, since serve's threads are running by then and forking a threaded
        process is unsafe. The site's objects then live until the next edit; freezing them moves them
        out of the garbage collector's generations, so no later rebuild pays for walking millions of
        them (see collect)."""
        jobs, self.forking = (None if self.forking else 1), False
        summary = self._build(changed, jobs)
        gc.freeze()
        return summary

    @staticmethod
    def collect() -> None:
        """Free what earlier builds left behind; `digest serve` calls this when the editor is idle."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def _build(self, changed: set[str] | None, jobs: int | None) -> str:
        site = load_site(self.root, self.articles, changed, jobs)
        try:
            site = published_at(site, self.base_url)
            specs = self.planner.plan(site, base_path(site.settings.base_url), self.env)
        except BaseException:
            self.planner = Planner()  # it may be half updated
            raise
        if self.files is None or not (self.out / MARKER).is_file():  # first build, or site/ deleted meanwhile
            return self._write_all(site, specs, jobs)
        rendered: list[str] = []
        pages = render_plan(site, specs, self.pages, self.env, rendered)
        try:
            changes = {f"assets/{name}": data for name, data in self.index.changes(site).items()}
        except BaseException:
            self.index = SearchIndex()  # it may be half updated
            raise
        assets = asset_files(site)
        changes |= assets | dict.fromkeys(self.assets - assets.keys())  # a changed asset has a new name
        self.assets = set(assets)
        changes |= {name: pages[name][1] for name in rendered}
        changes |= dict.fromkeys(self.pages.keys() - pages.keys())
        for name in rendered:
            pages[name] = (pages[name][0], fingerprint(pages[name][1]))
        self.pages = pages
        try:
            written, removed = self.sync(changes)
        except BaseException:
            self.files, self.index = None, SearchIndex()  # site/ is half updated: the next build writes it whole
            raise
        return (f"{len(rendered)} pages rendered, {len(written)} of {len(self.files)} files changed"
                + (f", {len(removed)} removed" if removed else ""))

    def _write_all(self, site, specs: list, jobs: int | None) -> str:
        """The first build, or the one after a failed write: the whole site rendered on `jobs` workers
        straight into a new folder (build.write_streamed), swapped in at once."""
        others, prints = write_streamed(site, self.env, specs, self.out, self.root, lambda: self._other_files(site), jobs,
                                        fingerprints=True, wait=True)
        self.pages = {spec.file: (spec.key, prints[spec.file]) for spec in specs}
        self.files = {name: value for name, (_, value) in self.pages.items()} | {
            name: fingerprint(data) for name, data in others.items()}
        self.assets = set(asset_files(site))  # cached: the theme's files are read once
        return f"{len(self.files)} files written"

    def _other_files(self, site) -> dict[str, bytes]:
        try:
            return other_files(site, self.index)
        except BaseException:
            self.index = SearchIndex()  # it may be half updated
            raise

    def sync(self, changes: dict[str, bytes | None]) -> tuple[list[str], list[str]]:
        """Apply changes (None: remove) to site/ and self.files, writing only files whose bytes differ;
        each file is replaced by rename, so no reader ever sees half of one. Folders left empty by a
        removal (an article's old URL after a slug change) go too."""
        out = check_output(self.out, self.root)
        prints = {name: fingerprint(data) for name, data in changes.items() if data is not None}
        written = [name for name, value in prints.items() if self.files.get(name) != value]
        removed = [name for name, data in changes.items() if data is None and name in self.files]
        listed_anew = bool(removed) or any(name not in self.files for name in written)
        with OutputLock(out, wait=True):
            if listed_anew:  # first list what is about to appear: an interrupted save leaves no unlisted file
                replace_file(out / MARKER, marker_text(self.files.keys() | set(written)))
            for name in written:
                with named_as(shown(out, self.root), name):
                    replace_file(out / name, changes[name])
                self.files[name] = prints[name]
            for name in removed:
                (out / name).unlink(missing_ok=True)
                del self.files[name]
                remove_empty_folders((out / name).parent, out)
            if listed_anew:
                replace_file(out / MARKER, marker_text(self.files))
        return sorted(written), sorted(removed)
