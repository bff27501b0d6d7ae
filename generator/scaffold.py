"""`digest new SEED`: a note to start from, prefilled with what the cleaner finds in the seed.

The scaffold is valid TOML; `digest check` then lists exactly what is left to write (slug,
summaries, a date the seed does not print). It never overwrites a note.
"""

from __future__ import annotations

from pathlib import Path

from generator.clean import clean, detect_lang
from generator.errors import ErrorList, PathError
from generator.i18n import parse_dateline
from generator.textnorm import HIDDEN, hidden_characters
from generator.tomlfile import decode


class ScaffoldError(PathError):
    """The seed cannot be scaffolded (not found, not text, or it has a note already)."""


def _quote(text: str) -> str:
    return '"' + _visible(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _visible(text: str) -> str:
    """Seed text for a comment, its hidden characters (see textnorm.HIDDEN) written as <U+202E>: the
    note must not inherit what `digest check` reports in the seed."""
    return HIDDEN.sub(lambda found: f"<U+{ord(found.group()):04X}>", text)


def find_seed(root: Path, seed: str) -> Path:
    folder = root / "seeds"
    candidates = [Path(seed), root / seed, folder / seed, folder / f"{seed}.txt"]
    for path in candidates:
        if path.is_file() and path.suffix == ".txt" and path.resolve().parent == folder.resolve():
            return path.resolve()
    raise ScaffoldError(seed, "is not a seed file in seeds/ of this project; give the file name, e.g. seeds/005_….txt")


def scaffold(root: Path, seed: str) -> Path:
    path = find_seed(root, seed)
    note = root / "content" / "notes" / f"{path.stem}.toml"
    if note.exists():
        raise ScaffoldError(note.relative_to(root), "exists already; edit it (digest new never overwrites)")
    errors = ErrorList(root)
    text = decode(path, path.read_bytes(), errors)
    errors.raise_if_any()
    first = clean(text, "fa")
    lang = detect_lang(first.blocks)
    cleaned = clean(text, lang)
    printed = parse_dateline(cleaned.dateline) if cleaned.dateline else None
    lines = [
        f"# Note for seeds/{path.name}, scaffolded by `digest new`. See content/README.md for every key.",
        "# `digest check` lists what is still missing.",
        "",
        'slug = "TODO-latin-slug"',
        f'lang = "{lang}"  # detected from the letters of the text',
    ]
    hidden = sorted({ch for _, _, ch in hidden_characters(text)})
    if hidden:
        lines.append(f"# The seed has hidden characters ({', '.join(f'U+{ord(ch):04X}' for ch in hidden)}); digest check "
                     "says where. If they are stray, list them in cut.remove_characters below.")
    if cleaned.headline:
        lines.append(f"# headline found in the seed: {_visible(cleaned.headline)}")
    else:
        lines.append('headline = ""  # the seed prints none: write one in the article\'s language')
    lines += ['topics = []', 'entities = []', "", "[source]", 'outlet = ""', "", "[date]"]
    if printed:
        lines.append(f"published = {printed.isoformat()}  # from the dateline \"{cleaned.dateline}\"")
    else:
        lines += ["# The seed prints no date: add published = YYYY-MM-DD, inferred = true and the reason.",
                  "inferred = true", 'reason.fa = ""', 'reason.ar = ""']
    lines += ["", "# Where the cleaner found the article; uncomment to pin them.", "[cut]"]
    if cleaned.blocks:
        lines.append(f"# start = {_quote(cleaned.blocks[0].text[:60])}")
        lines.append(f"# end = {_quote(cleaned.blocks[-1].text[-60:])}")
    lines += ["# drop = []", "", "[summary]", 'fa = """', '"""', 'ar = """', '"""', "",
              "# [[annotations]]", '# id = ""', '# exact = ""', '# topics = []', '# note.fa = ""', '# note.ar = ""', ""]
    note.parent.mkdir(parents=True, exist_ok=True)
    with open(note, "x", encoding="utf-8") as out:
        out.write("\n".join(lines))
    return note
