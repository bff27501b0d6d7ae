"""Rebuilding for `digest serve`: keep the last good output, write only what changed.

The first build writes the whole site atomically (write.py). Later builds reuse what cannot
have changed: files read by size and mtime (load.py), articles assembled from the same seed,
note and glossary (assemble.py), the page plan of sections that show no changed article and
pages whose key, the data their template reads, is unchanged (pages.py), and the search index
but for the shards an edit touches (index.py). Then only files whose bytes differ are replaced
and files that are gone removed, so the result is always byte-identical to a clean `digest
build`. A build that fails raises before anything is written.

When an edit changes more pages than a moment's work (a template every page extends, at 10,000
articles), the pages open in the editor's browser and the pages new to the site come first:
they are written and shown, and the rest are rendered behind, giving way to the next edit. A
page left behind keeps its old key, so the next build still finds it stale; when none is left,
site/ is again what a clean build writes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection
from pathlib import Path

from generator.build import asset_files, base_path, load_site, other_files, published_at, write_streamed
from generator.index import SearchIndex
from generator.pages import PageSpec, Planner, render_spec
from generator.render import make_env
from generator.theme import Theme
from generator.errors import shown
from generator.write import (MARKER, OutputLock, check_output, fingerprint, marker_text, named_as, remove_empty_folders,
                             replace_file)

AT_ONCE = 300
"""Stale pages a rebuild renders before showing anything: about a second. Past that, the open
pages go first and the rest are rendered behind."""
BATCH = 500
"""Pages rendered behind are written in batches of this many, so that giving way loses little."""


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
        self.behind = 0
        """Stale pages the last build left for later (it gave way to an edit)."""

    def build(self, changed: set[str] | None = None, first: Collection[str] = (),
              shown: Callable[[], None] | None = None, give_way: Callable[[], bool] | None = None) -> str:
        """Rebuild what the edits touched. Returns a summary. `changed`: the absolute paths written
        since the last build, when a file watcher knows them; None looks at every file.

        When more than AT_ONCE pages are stale and `shown` is given, the pages whose files are in
        `first` (those open in a browser) and the pages new to the site are written first, then
        `shown()` is called (serve reloads the browsers), then the rest are rendered; `give_way()`
        returning true stops that, and the next build renders what is left.

        The first build uses every core, like `digest build` (unless `forking` was turned off); later
        ones run in this process, since serve's threads are running by then and forking a threaded
        process is unsafe. The site's objects then live until the next edit; freezing them moves them
        out of the garbage collector's generations, so no later rebuild pays for walking millions of
        them (see collect)."""
        jobs, self.forking = (None if self.forking else 1), False
        summary = self._build(changed, jobs, set(first), shown, give_way or (lambda: False))
        gc.freeze()
        return summary

    @staticmethod
    def collect() -> None:
        """Free what earlier builds left behind; `digest serve` calls this when the editor is idle."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def _build(self, changed: set[str] | None, jobs: int | None, first: set[str], shown, give_way) -> str:
        site = load_site(self.root, self.articles, changed, jobs)
        try:
            site = published_at(site, self.base_url)
            specs = self.planner.plan(site, base_path(site.settings.base_url), self.env)
        except BaseException:
            self.planner = Planner()  # it may be half updated
            raise
        if self.files is None or not (self.out / MARKER).is_file():  # first build, or site/ deleted meanwhile
            return self._write_all(site, specs, jobs)
        stale = [spec for spec in specs if not self._current(spec)]
        later: list[PageSpec] = []
        if shown and len(stale) > AT_ONCE:
            # first the open pages, the pages new to the site (others may link to them) and one page of
            # each template, so that a template that fails on every page fails before anything is written
            kinds = {spec.template: spec.file for spec in reversed(stale)}.values()
            soon = first | {spec.file for spec in stale if spec.file not in self.pages} | set(kinds)
            later = [spec for spec in stale if spec.file not in soon]
            stale = [spec for spec in stale if spec.file in soon]
        rendered = self._render(site, stale)
        changes = {name: data for name, (_, data) in rendered.items()}
        try:
            changes |= {f"assets/{name}": data for name, data in self.index.changes(site).items()}
        except BaseException:
            self.index = SearchIndex()  # it may be half updated
            raise
        assets = asset_files(site)
        # a changed asset has a new name; the old one stays while pages behind still link to it
        changes |= assets | (dict.fromkeys(self.assets - assets.keys()) if not later else {})
        self.assets = set(assets) | (self.assets if later else set())
        planned = {spec.file for spec in specs}
        changes |= dict.fromkeys(name for name in self.pages if name not in planned)
        for name in self.pages.keys() - planned:
            del self.pages[name]
        written, removed = self._synced(changes, rendered)
        count = len(rendered)
        if later:
            shown()
            for start in range(0, len(later), BATCH):
                if give_way():
                    break
                rendered = self._render(site, later[start:start + BATCH], give_way)
                count += len(rendered)
                more, _ = self._synced({name: data for name, (_, data) in rendered.items()}, rendered)
                written += more
            if len(self.assets) > len(assets) and all(self._current(spec) for spec in later):
                more, gone = self._synced(dict.fromkeys(self.assets - assets.keys()))
                removed += gone
                self.assets = set(assets)
        self.behind = sum(not self._current(spec) for spec in later)
        return (f"{count} pages rendered, {len(written)} of {len(self.files)} files changed"
                + (f", {len(removed)} removed" if removed else "")
                + (f"; {self.behind} pages left for the next build" if self.behind else ""))

    def _current(self, spec: PageSpec) -> bool:
        """Whether site/ holds this page as its key says it should be."""
        old = self.pages.get(spec.file)
        return old is not None and (old[0] is spec.key or old[0] == spec.key)

    def _render(self, site, specs: list[PageSpec], give_way=lambda: False) -> dict[str, tuple]:
        """{file: (key, HTML)} of the pages; stops early when `give_way()`."""
        rendered = {}
        for spec in specs:
            if give_way():
                break
            rendered[spec.file] = (spec.key, render_spec(self.env, spec))
        return rendered

    def _synced(self, changes: dict[str, bytes | None], rendered: dict[str, tuple] | None = None):
        """sync(changes), then the rendered pages' keys are the ones site/ holds."""
        try:
            result = self.sync(changes)
        except BaseException:
            self.files, self.index = None, SearchIndex()  # site/ is half updated: the next build writes it whole
            raise
        for name, (key, data) in (rendered or {}).items():
            self.pages[name] = (key, self.files[name])
        return result

    def _write_all(self, site, specs: list, jobs: int | None) -> str:
        """The first build, or the one after a failed write: the whole site rendered on `jobs` workers
        straight into a new folder (build.write_streamed), swapped in at once."""
        others, prints = write_streamed(self.env, specs, self.out, self.root, lambda: self._other_files(site), jobs,
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
