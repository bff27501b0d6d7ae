"""One error type for everything editors and seeds can get wrong.

Content problems are collected during a pass and reported together as
`path:line: message`, so an editor fixes all of them in one round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ContentError:
    """A problem in a file an editor can fix."""

    path: str
    """Path as the user sees it, relative to the project root."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    message: str
    """What is wrong and what to do about it."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


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

    def add(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(ContentError(self.display(path), line, message))

    def display(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentErrors(self.items)
