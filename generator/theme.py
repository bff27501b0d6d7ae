"""Where pages are rendered from: the project's own templates/ first, then the defaults shipped with digest.

A project may override any template, asset or interface catalog by putting a file of the same
name in its templates/ folder; everything it lacks comes from the default theme, which is the
repository's templates/ in a source checkout and generator/default_theme/ inside an installed wheel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
DEFAULT = _PACKAGE / "default_theme" if (_PACKAGE / "default_theme").is_dir() else _PACKAGE.parent / "templates"
"""The default theme: installed with the package (generator/default_theme/), or beside it in a checkout."""


TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".webmanifest")
"""What a theme's top folder may hold as templates: pages, feeds and sitemaps, robots.txt, manifests."""


@dataclass(frozen=True, slots=True)
class Theme:
    folders: tuple[Path, ...] = (DEFAULT,)
    """Searched in order: the project's templates/ (when it has one), then the default theme."""
    root: Path = DEFAULT.parent
    """The project, for naming files as its editors know them."""

    @classmethod
    def of(cls, root: Path) -> Theme:
        own = (root / "templates").resolve()
        return cls((own, DEFAULT) if own.is_dir() and own != DEFAULT else (DEFAULT,), root.resolve())

    def files(self, pattern: str) -> dict[str, Path]:
        """Name (relative to its theme folder) → file, for files matching `pattern`; the project's win."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            found |= {path.relative_to(folder).as_posix(): path for path in folder.glob(pattern) if path.is_file()}
        return dict(sorted(found.items()))

    def templates(self) -> dict[str, Path]:
        """The templates at the top of the theme (not editors' swap files, backups or notes)."""
        return {name: path for name, path in self.files("*").items()
                if path.suffix in TEMPLATE_SUFFIXES and not name.startswith((".", "#")) and not name.endswith("~")}

    def catalog(self, lang: str) -> Path:
        """The interface catalog (gettext .po) for a language."""
        name = f"locale/{lang}/LC_MESSAGES/messages.po"
        return next((folder / name for folder in self.folders if (folder / name).is_file()), DEFAULT / name)

    def shown(self, path: Path) -> str:
        """A theme file as the user knows it: templates/x.html in the project, or the default's."""
        for folder in self.folders:
            if path.is_relative_to(folder):
                name = f"templates/{path.relative_to(folder).as_posix()}"
                return name if folder.is_relative_to(self.root) else f"{name} (digest's default theme)"
        return str(path)
