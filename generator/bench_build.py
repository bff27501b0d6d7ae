"""`digest bench --build`: a clean build of a synthetic digest, stage by stage, with its peak memory.

The synthetic project is `bench.write_synthetic_project`'s (articles made from the real digest's
paragraphs, notes and glossary). The build runs in a child process of its own, so that its peak
resident memory is the build's and nothing else's. `bench/peers.py` runs the same articles through
Hugo and Pagefind for the side-by-side ratio (README, "Speed").
"""

from __future__ import annotations

import resource
import tempfile
from pathlib import Path

STAGES = {"load": "load, clean, anchor, assemble", "plan": "plan pages",
          "render": "render and write pages, swap", "index": "  of which search index, assets"}
"""Stage keys of BuildResult.stages, as the report names them. The search index is built by the main
process while the workers render, so its time is part of the render stage's."""


def build_stages(root: Path, jobs: int | None = None) -> dict:
    """One clean build of the project at `root` into root/site, as `digest build` does it, with its
    stage timings (run by measure, in its own process). Peak memory is the main process's and, as
    forked workers share most of it, the largest worker's on top is an upper bound for the whole."""
    from generator.build import build

    result = build(root, root / "site", jobs=jobs)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    output = sum(path.stat().st_size for path in (root / "site").rglob("*") if path.is_file())
    return {"articles": len(result.site.articles), "pages": result.pages, "files": result.files,
            "output_mib": round(output / 2**20, 1), "seconds": result.stages, "total_s": round(result.seconds, 2),
            "peak_mib": own, "worker_peak_mib": worker}


def measure(root: Path, articles: int | None) -> dict:
    """A clean build of a synthetic project of `articles` articles (of this project when None), in a
    temporary folder, in a process of its own."""
    from generator.bench import fill_project, run_inner

    with tempfile.TemporaryDirectory(prefix="digest-build-bench-") as folder:
        project = Path(folder) / "project"
        fill_project(root, project, articles)
        return run_inner(project, "--build-inner", timeout=6 * 3600)


def report(figures: dict) -> str:
    width = max(map(len, STAGES.values())) + 2
    lines = [f"clean build of {figures['articles']:,} articles: {figures['pages']:,} pages, {figures['files']:,} files, "
             f"{figures['output_mib']} MiB"]
    lines += [f"  {label:<{width}}{figures['seconds'][key]:>9.2f} s" for key, label in STAGES.items() if key in figures["seconds"]]
    lines += [f"  {'total':<{width}}{figures['total_s']:>9.2f} s",
              f"  {'peak memory, main process':<{width}}{figures['peak_mib']:>7} MiB",
              f"  {'peak memory, largest worker':<{width}}{figures['worker_peak_mib']:>7} MiB"]
    return "\n".join(lines)
