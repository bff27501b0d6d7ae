"""`digest bench --build`: a clean build of a synthetic digest, stage by stage, with its peak memory.

The synthetic project is `bench.write_synthetic_project`'s (articles made from the real digest's
paragraphs, notes and glossary). The build runs in a child process of its own, so that its peak
resident memory is the build's and nothing else's. `bench/peers.py` runs the same articles through
Hugo and Pagefind for the side-by-side ratio (README, "Speed").
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

STAGES = ("load, clean, anchor, assemble", "plan and render pages", "search index", "assets", "write site/")


def build_stages(root: Path) -> dict:
    """One clean build of the project at `root` into root/site, timed stage by stage (run by measure,
    in its own process)."""
    from generator.build import asset_files, base_path, load_site
    from generator.index import SearchIndex
    from generator.pages import render_site
    from generator.write import write_site

    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[stage] = round(now - started, 2)
        started = now

    site = load_site(root)
    lap(STAGES[0])
    files = render_site(site, base_path(site.settings.base_url))
    pages = len(files)
    lap(STAGES[1])
    files.update({f"assets/{name}": data for name, data in SearchIndex().files(site).items()})
    lap(STAGES[2])
    files.update(asset_files(site))
    lap(STAGES[3])
    write_site(files, root / "site", root)
    lap(STAGES[4])
    return {"articles": len(site.articles), "pages": pages, "files": len(files),
            "output_mib": round(sum(map(len, files.values())) / 2**20, 1), "seconds": seconds,
            "total_s": round(sum(seconds.values()), 2),
            "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def measure(root: Path, articles: int | None) -> dict:
    """A clean build of a synthetic project of `articles` articles (of this project when None), in a
    temporary folder, in a process of its own."""
    from generator.bench import fill_project, run_inner

    with tempfile.TemporaryDirectory(prefix="digest-build-bench-") as folder:
        project = Path(folder) / "project"
        fill_project(root, project, articles)
        return run_inner(project, "--build-inner", timeout=6 * 3600)


def report(figures: dict) -> str:
    width = max(map(len, STAGES)) + 2
    lines = [f"clean build of {figures['articles']:,} articles: {figures['pages']:,} pages, {figures['files']:,} files, "
             f"{figures['output_mib']} MiB"]
    lines += [f"  {stage:<{width}}{figures['seconds'][stage]:>9.2f} s" for stage in STAGES]
    lines += [f"  {'total':<{width}}{figures['total_s']:>9.2f} s", f"  {'peak memory':<{width}}{figures['peak_mib']:>7} MiB"]
    return "\n".join(lines)
