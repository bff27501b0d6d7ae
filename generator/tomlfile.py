"""Strict TOML reading with line numbers.

tomllib parses but forgets where keys were; editors need `path:line`. So we
also scan the text for table headers and `key =` lines and remember the line
of each key path. Plus the checks every content file gets: strict UTF-8,
no bidi control characters, no unknown or missing keys.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.theme import Theme
from generator.errors import ErrorList
from generator.i18n import date_problem
from generator.model import LANGS, Bilingual

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_LENGTH = 80
"""Ids become file and folder names (and URLs): well under every file system's 255-byte limit."""
BILINGUAL = {"fa": str, "ar": str}
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\x80-\x9f]")
"""Invisible characters no editor means to type: bidi embeddings, overrides and isolates, C1 controls
(tomllib itself refuses C0 controls)."""
BOM = "\ufeff"
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\'))*)\s*=')
_TOML_ERR_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', key))


def _key_lines(text: str) -> dict[tuple, int]:
    """Map each key path (array-of-table entries by index) to the line that defines it."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    in_multiline = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        key = None if header else _KEY.match(line)
        if header:
            name = _within_arrays(_split_key(header.group(2)), counts)
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = name + (counts[name],)
            else:
                table = name
            lines.setdefault(table, number)
        elif key:
            lines.setdefault(table + _split_key(key.group(1)), number)
            rest = _before_comment(line[key.end():])
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def _within_arrays(name: tuple, counts: dict) -> tuple:
    """[annotations.note] after the third [[annotations]] is ("annotations", 2, "note")."""
    for end in range(len(name) - 1, 0, -1):
        if name[:end] in counts:
            return name[:end] + (counts[name[:end]],) + _within_arrays(name[end:], {})
    return name


def _before_comment(rest: str) -> str:
    """A line's value without its comment: quotes in a comment must not open a multi-line string."""
    if "#" not in rest:
        return rest
    quote = ""
    for at, ch in enumerate(rest):
        if quote:
            if ch == quote and not (quote == '"' and rest[at - 1] == "\\"):
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return rest[:at]
    return rest


@dataclass(frozen=True, slots=True)
class TomlDoc:
    path: Path
    data: dict
    lines: dict
    text: str = ""

    def line(self, *keypath) -> int:
        """Line of keypath, else of its first entry ([[array]] tables), else of its deepest known prefix."""
        for end in range(len(keypath), 0, -1):
            prefix = keypath[:end]
            if prefix in self.lines:
                return self.lines[prefix]
            inside = [n for k, n in self.lines.items() if k[:end] == prefix]
            if inside:
                return min(inside)
        return 1

    def line_in_value(self, keypath: tuple, value: str, at: int) -> int:
        """Line of character `at` of a string value (multi-line strings start after their opening quotes)."""
        line = self.line(*keypath)
        raw = self.text.splitlines()[line - 1] if self.text else ""
        opens_alone = raw.rstrip().endswith(('"""', "'''"))
        return line + (1 if "\n" in value and opens_alone else 0) + value[:at].count("\n")


def inside_project(path: Path, errors: ErrorList) -> bool:
    """Inputs are read only from inside the project: a symbolic link leading out of it is an error
    naming the link (load checks the folders themselves once)."""
    if not os.path.islink(path):
        return True
    target = os.path.realpath(path)
    if Path(target).is_relative_to(os.path.realpath(errors.root)):
        return True
    errors.add(path, 0, f"is a symbolic link to {target}, outside the project; digest reads only files inside "
               "the project: copy the file in instead")
    return False


def read_bytes(path: Path, errors: ErrorList) -> bytes | None:
    """A file's bytes, or None with an error naming the file and the system's reason. Only regular
    files are read: a named pipe or a device would make the build wait forever or read without end."""
    if not inside_project(path, errors):
        return None
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            errors.add(path, 0, "is not a regular file (a pipe, a device or a folder); replace it with a text file")
            return None
        return path.read_bytes()
    except OSError as exc:
        errors.add(path, 0, f"cannot be read: {exc.strerror or exc}")
        return None


def read_text(path: Path, errors: ErrorList) -> str | None:
    """Read UTF-8 strictly; a bad byte is an error with its line, never replaced."""
    raw = read_bytes(path, errors)
    return None if raw is None else decode(path, raw, errors)


def decode(path: Path, raw: bytes, errors: ErrorList) -> str | None:
    """The bytes read from `path` as strict UTF-8 (see read_text), without a byte order mark:
    some editors write one, and it is no part of the text."""
    try:
        return raw.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = " (it is UTF-16: save it as UTF-8, e.g. iconv -f utf-16 -t utf-8)"
        else:
            hint = " (it looks like Windows-1256: iconv -f cp1256 -t utf-8)" if _looks_cp1256(raw) else ""
        errors.add(path, line, f"is not valid UTF-8 here; save the file as UTF-8{hint}")
        return None


def _looks_cp1256(raw: bytes) -> bool:
    """Mostly not UTF-8 at all, and Arabic letters when read as Windows-1256 (older Persian and
    Arabic Windows editors save it): then say so, rather than only that one byte is wrong."""
    high = sum(byte >= 0x80 for byte in raw)
    broken = raw.decode("utf-8", errors="replace").count("\ufffd")
    legacy = raw.decode("cp1256", errors="replace")
    return broken * 4 > high and sum("\u0621" <= ch <= "\u06cc" for ch in legacy) * 2 > high


_PARSED: dict[Path, tuple] = {}
"""path → ((size, mtime), TomlDoc) of files that parsed without a problem (`digest serve` rebuilds often)."""


def read_toml(path: Path, errors: ErrorList) -> TomlDoc | None:
    if not inside_project(path, errors):
        return None
    try:
        info = path.stat()
    except OSError as exc:
        errors.add(path, 0, f"cannot be read: {exc.strerror}")
        return None
    stamp = (info.st_size, info.st_mtime_ns)
    cached = _PARSED.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    before = len(errors.items)
    doc = _read_toml(path, errors)
    if doc is not None and len(errors.items) == before:
        _PARSED[path] = (stamp, doc)
    return doc


def _read_toml(path: Path, errors: ErrorList) -> TomlDoc | None:
    text = read_text(path, errors)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        for ch in BIDI_CONTROLS.findall(line):
            errors.add(path, number, f"contains the invisible bidi control U+{ord(ch):04X}; delete it "
                       "(the site isolates Latin names and numbers itself)")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_ERR_LINE.search(str(exc))
        message = _TOML_ERR_LINE.sub("", str(exc)).strip()
        errors.add(path, int(found.group(1)) if found else 0, f"is not valid TOML: {message}")
        return None
    except RecursionError:
        errors.add(path, 1, "nests arrays or tables too deeply to read; no content file needs more than a few levels")
        return None
    return TomlDoc(path, data, _key_lines(text), text)


# --- schema checks -------------------------------------------------------------------------

class Tables(list):
    """Schema marker: a list of tables, written as [[name]] sections."""


TYPE_NAMES = {Tables: "[[tables]]", str: "text in quotes", int: "a whole number like 20", list: "a list like [\"a\", \"b\"]", dict: "a table",
              dt.date: "a date like 2023-09-05", bool: "true or false"}


def check_table(doc: TomlDoc, table: dict, keypath: tuple, spec: dict, errors: ErrorList,
                required: tuple = ()) -> bool:
    """Unknown keys, missing required keys and wrong types are errors.

    Returns True when the table is usable: every required key present and every
    known key of the right type (an unknown key is reported but does no harm).
    """
    where = ".".join(str(k) for k in keypath if not isinstance(k, int)) or "the file"
    ok = True
    for key, value in table.items():
        if key not in spec:
            errors.add(doc.path, doc.line(*keypath, key),
                       f"unknown key '{key}' in {where}; expected one of: {', '.join(spec)}")
            continue
        expected = spec[key]
        if expected is Tables:
            if not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
                errors.add(doc.path, doc.line(*keypath, key), f"'{key}' must be written as [[{key}]] sections")
                ok = False
            continue
        if expected is dt.date and isinstance(value, dt.datetime) or expected is int and isinstance(value, bool):
            value = None
        if not isinstance(value, expected) or value is None:
            errors.add(doc.path, doc.line(*keypath, key), f"'{key}' must be {TYPE_NAMES[expected]}")
            ok = False
        elif expected is list and not all(isinstance(v, str) for v in value):
            errors.add(doc.path, doc.line(*keypath, key), f"'{key}' must be a list of texts in quotes")
            ok = False
        elif expected is dt.date and (problem := date_problem(value)):
            errors.add(doc.path, doc.line(*keypath, key), f"'{key}': {problem}")
            ok = False
    for key in required:
        if key not in table:
            errors.add(doc.path, doc.line(*keypath), f"missing key '{key}' in {where}")
            ok = False
    return ok


def bilingual(table) -> Bilingual:
    """The fa and ar texts of a table; what is not text (reported by check_bilingual) reads as empty."""
    table = table if isinstance(table, dict) else {}
    return Bilingual(*(table[lang].strip() if isinstance(table.get(lang), str) else "" for lang in LANGS))


def check_id(doc: TomlDoc, keypath: tuple, value: str, what: str, seen: dict, errors: ErrorList) -> None:
    """Ids are latin slugs, unique within their file; `seen` maps each id to its first line."""
    line = doc.line(*keypath)
    if not SLUG.match(value):
        errors.add(doc.path, line, f"{what} '{value}' must be lower-case latin letters, digits and hyphens")
    elif len(value) > ID_LENGTH:
        errors.add(doc.path, line, f"{what} '{value[:20]}…' is {len(value)} characters long; keep it to {ID_LENGTH} at most "
                   "(it becomes a file name and a URL)")
    if value in seen:
        errors.add(doc.path, line, f"duplicate {what} '{value}' (first at line {seen[value]})")
    seen.setdefault(value, line)


RESERVED_ID = re.compile(r"^(p\d+|note-.*|dated-.*)$")
"""Ids the pages give paragraphs (p1, p2…), notes (note-…) and a date's explanation (dated-…)."""
TEMPLATE_ID = re.compile(r'\sid="([a-z0-9-]+)"')


@functools.lru_cache(maxsize=4)
def template_ids(theme: Theme) -> frozenset[str]:
    """The fixed ids the templates give their elements (main, summary-title…): an annotation or
    event id equal to one would duplicate it and take over its links (the skip link's #main)."""
    return frozenset(found for path in theme.templates().values()
                     for found in TEMPLATE_ID.findall(path.read_text(encoding="utf-8-sig")))


@functools.lru_cache(maxsize=4)
def _theme_of(root: str) -> Theme:
    """Theme.of resolves paths; asked once per annotation and event, it would cost seconds at 10,000 articles."""
    return Theme.of(Path(root))


def check_not_reserved(doc: TomlDoc, keypath: tuple, value: str, what: str, errors: ErrorList) -> None:
    """Annotation and event ids become HTML ids on pages that have ids of their own."""
    fixed = template_ids(_theme_of(str(errors.root)))
    if value in fixed or RESERVED_ID.match(value):
        errors.add(doc.path, doc.line(*keypath), f"{what} '{value}' is reserved by the pages; choose another (reserved: "
                   f"p1, p2…, note-…, dated-…, {', '.join(sorted(fixed))})")


def check_bilingual(doc: TomlDoc, table, keypath: tuple, errors: ErrorList, required=LANGS) -> None:
    if not isinstance(table, dict):
        errors.add(doc.path, doc.line(*keypath), f"'{keypath[-1]}' must be a table with fa and ar texts")
        return
    check_table(doc, table, keypath, BILINGUAL, errors, required=required)


def check_known(doc: TomlDoc, keypath: tuple, values, known: set | None, what: str, errors: ErrorList) -> None:
    """Every value must be one of `known` (topic ids, entity ids, slugs); None: the file that declares
    them could not be read, and its own error is the one to report."""
    for value in values if known is not None else ():
        if value not in known:
            errors.add(doc.path, doc.line(*keypath), f"unknown {what} '{value}'; known: {', '.join(sorted(known)) or 'none'}")
