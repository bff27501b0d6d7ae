"""Stage 7: put the rendered files on disk, all or nothing.

Everything is written into a fresh folder beside the output, which then
replaces the old output by rename. Any failure before the swap removes the
new folder and leaves the previous site byte-identical.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class OutputError(Exception):
    """The output folder is somewhere the build must never write."""


def check_output(out: Path, root: Path) -> None:
    """The output may not be, contain or lie inside the project's source folders."""
    out, root = out.resolve(), root.resolve()
    for protected in (root / "seeds", root / "content", root / "templates", root / "generator"):
        if out.is_relative_to(protected) or protected.is_relative_to(out):
            raise OutputError(f"refusing to write the site into {out}: it would overwrite project files; choose another --out")


def write_site(files: dict[str, bytes], out: Path, root: Path) -> None:
    check_output(out, root)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        for name in sorted(files):
            target = fresh / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            os.rename(out, old / out.name)
            os.rename(fresh, out)
            shutil.rmtree(old)
        else:
            os.rename(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
