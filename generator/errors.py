"""One error type for everything editors and seeds can get wrong.

Content problems are collected during a pass and reported together as
`path:line: message`, so an editor fixes all of them in one round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


def shown(path: Path, root: Path) -> str:
    """A path as the user knows it: relative to the project where it lies inside it."""
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


def one_line(text: str) -> str:
    """Control characters (a newline in a file name) escaped, so that each problem stays one line."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda found: f"\\x{ord(found.group()):02x}", text)


@dataclass(frozen=True, slots=True)
class ContentError:
    """A problem in a file an editor can fix."""

    path: str
    """Path as the user sees it, relative to the project root."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    message: str
    """What is wrong and what to do about it."""
    column: int = 0
    """1-based column (characters) where it helps: invisible characters."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}:{self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        return one_line(text)


class ContentErrors(Exception):
    """Raised once a pass has collected one or more ContentError."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=lambda e: (e.path, e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


class ErrorList:
    """Collects errors for a pass; `raise_if_any()` ends the pass when something was found."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[ContentError] = []

    def add(self, path: Path | str, line: int, message: str, column: int = 0) -> None:
        self.items.append(ContentError(self.display(path), line, message, column))

    def display(self, path: Path | str) -> str:
        return shown(Path(path), self.root)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentErrors(self.items)


class PathError(Exception):
    """A problem with one file or folder that is not content: printed as `path: message`."""

    def __init__(self, path: Path | str, message: str):
        self.path, self.message = str(path), message
        super().__init__(f"{path}: {message}")


class OutputError(PathError):
    """The output folder is somewhere the build must never write, or it cannot be written."""


def describe(exc: BaseException, root: Path) -> list[str]:
    """Any failure as `path[:line]: message` lines, never a traceback: what `digest` prints and
    what the preview's overlay shows. Errors nobody foresaw say so and point to --debug."""
    if isinstance(exc, ContentErrors):
        return [str(e) for e in exc.errors]
    if isinstance(exc, PathError):
        return [one_line(str(exc))]
    if isinstance(exc, OSError):
        where = ErrorList(root).display(exc.filename) if exc.filename else "digest"
        return [one_line(f"{where}: {exc.strerror or exc}" + (f" (errno {exc.errno})" if exc.errno else ""))]
    if isinstance(exc, RecursionError):
        return ["digest: an input is nested too deeply to read (see the file named by digest check)"]
    if isinstance(exc, MemoryError):
        return ["digest: out of memory"]
    return [f"digest: internal error: {type(exc).__name__}: {exc}; this is a bug in digest: "
            "run the same command with --debug and report what it prints"]
