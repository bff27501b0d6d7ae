"""Rebuilding for `digest serve`: keep the last good output, write only what changed.

The first build writes the whole site atomically (write.py). Later builds reuse what cannot
have changed: articles assembled from the same seed, note and glossary (assemble.py), and pages
whose key, the data their template reads, is unchanged (pages.py). Then only files whose bytes
differ are replaced and files that are gone removed, so the result is always byte-identical to
a clean `digest build`. A build that fails raises before anything is written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator.build import base_path, load_site, output_files
from generator.index import SearchIndex
from generator.pages import plan, render_plan
from generator.render import make_env
from generator.write import check_output, write_site


class Builder:
    def __init__(self, root: Path, out: Path, base_url: str | None = None):
        self.root, self.out, self.base_url = root, out, base_url
        self.files: dict[str, bytes] | None = None
        self.articles: dict = {}
        self.pages: dict[str, tuple] = {}
        self.index = SearchIndex()
        self.env = make_env()

    def build(self) -> str:
        """Rebuild what the edits touched. Returns a summary."""
        site = load_site(self.root, self.articles)
        specs = plan(site, base_path(self.base_url or site.settings.base_url))
        pages = render_plan(site, specs, self.pages, self.env)
        rendered = sum(1 for name, page in pages.items() if self.pages.get(name) is not page)
        self.pages = pages
        try:
            files = output_files(site, {name: html for name, (_, html) in pages.items()}, self.index)
        except BaseException:
            self.index = SearchIndex()  # it may be half updated
            raise
        if self.files is None:
            write_site(files, self.out, self.root)
            self.files = files
            return f"{len(files)} files written"
        written, removed = self.sync(files)
        return (f"{rendered} pages rendered, {len(written)} of {len(files)} files changed"
                + (f", {len(removed)} removed" if removed else ""))

    def sync(self, files: dict[str, bytes]) -> tuple[list[str], list[str]]:
        """Replace changed files one by one (each by rename, so no reader sees half a file)."""
        check_output(self.out, self.root)
        written = [name for name, data in files.items() if self.files.get(name) != data]
        removed = [name for name in self.files if name not in files]
        for name in written:
            target = self.out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".digest-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(files[name])
            os.replace(temp, target)
        for name in removed:
            (self.out / name).unlink(missing_ok=True)
        self.files = files
        return sorted(written), sorted(removed)
