"""Stage 1: read and validate every input file, collecting all errors before stopping.

Produces `Content`: settings, the verbatim seeds, and the editors' notes,
topics and glossary as plain validated values. Cross-file checks that need
the cleaned text (quotes, cut points) happen in the later stages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from generator.errors import ErrorList
from generator.textnorm import HIDDEN, normalize
from generator.model import ANNOTATION_KINDS, BASE_URL, EVIDENCE, LANGS, PER_PAGE, Bilingual, Entity, Event, Settings, Topic
from generator.glossary import load_glossary, load_timeline
from generator.links import split_passage
from generator.pool import reuse_or_map
from generator.tomlfile import (Tables, TomlDoc, bilingual, check_bilingual, check_id, check_known, check_table,
                                check_not_reserved, decode, inside_project, read_bytes, read_text, read_toml)



@dataclass(frozen=True, slots=True)
class AnnotationSpec:
    """An annotation as the editor wrote it: a W3C TextQuoteSelector plus notes."""

    index: int
    id: str
    exact: str
    prefix: str
    suffix: str
    note: Bilingual
    topics: tuple[str, ...]
    kind: str = "context"
    see: tuple[str, ...] = ()
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class CutSpec:
    """Where the article starts and ends in the seed, and lines to drop in between."""

    start: str = ""
    end: str = ""
    drop: tuple[str, ...] = ()
    remove: frozenset[str] = frozenset()
    """Hidden characters of the seed (see clean.HIDDEN) the editor has seen and wants off the page."""


@dataclass(frozen=True, slots=True)
class Note:
    """content/notes/{seed}.toml, validated; `doc` keeps line numbers for later stages."""

    seed: str
    doc: TomlDoc
    slug: str
    lang: str
    headline: str
    outlet: str
    url: str
    about: Bilingual
    published: dt.date
    inferred: bool
    reason: Bilingual
    topics: tuple[str, ...]
    entities: tuple[str, ...]
    related: tuple[str, ...]
    summary: Bilingual
    cut: CutSpec
    annotations: tuple[AnnotationSpec, ...]


@dataclass(frozen=True, slots=True)
class Content:
    root: Path
    settings: Settings
    seeds: dict[str, str]
    """Seed file stem → verbatim text."""
    notes: dict[str, Note]
    entities: tuple[Entity, ...]
    events: tuple[Event, ...]
    docs: tuple[TomlDoc, ...]
    """Every content file as read, for checks that need their lines (references, spellings)."""


# --- settings -------------------------------------------------------------------------------

def load_settings(root: Path, errors: ErrorList) -> tuple[Settings | None, bool]:
    """The settings, and whether the topic vocabulary is usable: when it is not, its error is the
    one to report, not every note's topics that it would fail to list."""
    path = root / "content" / "digest.toml"
    if not os.path.lexists(path):
        errors.add(path, 0, "missing: every digest needs its settings file (see content/README.md)")
        return None, False
    doc = read_toml(path, errors)
    if doc is None:
        return None, False
    before = len(errors.items)
    spec = {"base_url": str, "title": dict, "description": dict, "topics": dict, "per_page": int}
    check_table(doc, doc.data, (), spec, errors, required=("base_url", "title", "description", "topics"))
    per_page = doc.data.get("per_page", PER_PAGE)
    if type(per_page) is int and not 5 <= per_page <= 500:
        errors.add(path, doc.line("per_page"), f"per_page is {per_page}; choose a number of articles per page from 5 to 500")
    for key in ("title", "description"):
        if isinstance(doc.data.get(key), dict):
            check_bilingual(doc, doc.data[key], (key,), errors)
            for lang in LANGS:
                if isinstance(doc.data[key].get(lang), str) and not doc.data[key][lang].strip():
                    errors.add(path, doc.line(key, lang), f"{key}.{lang} is empty: every page shows it")
    topics = []
    vocabulary = doc.data.get("topics", {})
    for topic_id, names in vocabulary.items() if isinstance(vocabulary, dict) else ():
        check_id(doc, ("topics", topic_id), topic_id, "topic id", {}, errors)
        check_bilingual(doc, names, ("topics", topic_id), errors)
        topics.append(Topic(topic_id, bilingual(names if isinstance(names, dict) else {})))
    if isinstance(vocabulary, dict) and not topics:
        errors.add(path, doc.line("topics"), "the topic vocabulary is empty; add [topics.military] and the others")
    usable = isinstance(vocabulary, dict) and bool(topics) and len(errors.items) == before  # a misspelt [topic.x] too
    base_url = doc.data.get("base_url", "/")
    if isinstance(base_url, str) and not BASE_URL.match(base_url):
        errors.add(path, doc.line("base_url"), "base_url must be an absolute URL like https://example.org/digest/ or a path like /digest/")
    settings = Settings(bilingual(doc.data.get("title")), bilingual(doc.data.get("description")),
                        str(base_url), tuple(topics), per_page if type(per_page) is int else PER_PAGE)
    return settings, usable


def load_topic_summaries(root: Path, settings: Settings, usable: bool, errors: ErrorList, docs: list) -> Settings:
    """content/topics/{id}.toml holds each topic's summary; every topic needs one (and, while the
    vocabulary is usable, every file names a topic of it)."""
    topics = []
    folder = root / "content" / "topics"
    known = {t.id for t in settings.topics}
    for path in sorted(folder.glob("*.toml")) if folder.exists() and usable else []:
        if path.stem not in known:
            errors.add(path, 0, f"'{path.stem}' is not a topic in content/digest.toml ({', '.join(sorted(known))}); rename the file or add the topic")
    for topic in settings.topics:
        path = folder / f"{topic.id}.toml"
        if not os.path.lexists(path):
            if usable:
                errors.add(path, 0, f"missing: topic '{topic.id}' needs a summary file")
            topics.append(topic)
            continue
        doc = read_toml(path, errors)
        if doc is None:
            topics.append(topic)
            continue
        docs.append(doc)
        check_table(doc, doc.data, (), {"summary": dict}, errors, required=("summary",))
        check_bilingual(doc, doc.data.get("summary", {}), ("summary",), errors)
        topics.append(Topic(topic.id, topic.name, bilingual(doc.data.get("summary"))))
    return replace(settings, topics=tuple(topics))


_STAMPS: dict[str, tuple[int, int]] = {}
"""Absolute path → (size, mtime) when scan last looked."""


def scan(folder: Path, suffix: str, errors: ErrorList, changed: set[str] | None = None,
         misnamed: set[str] | None = None) -> list[tuple[str, tuple[int, int]]]:
    """The folder's files ending in `suffix` as (name, (size, mtime)), by name; hidden files (editors'
    locks and backups) and folders are skipped. Symbolic links and other non-folders are listed too,
    so that reading them reports what they are. A name ending in the suffix in other letter case is
    an error (it would otherwise be skipped without a word). The stamps let `digest serve` reuse
    what it read from unchanged files.

    `changed` (from `digest serve`'s file events: absolute paths written since the last build) spares
    the stat of every other file already seen; at 10,000 articles those stats alone take 100 ms.
    `misnamed` collects the stems of the names in the wrong case, which are not to be missed elsewhere."""
    if not folder.is_dir():
        return []
    where, found = os.path.abspath(folder), []
    for entry in os.scandir(folder):
        if entry.name.startswith(".") or not entry.is_symlink() and entry.is_dir():
            continue
        if not entry.name.endswith(suffix):
            if entry.name.lower().endswith(suffix):
                errors.add(entry.path, 0, f"ends in '{entry.name[-len(suffix):]}'; name it with '{suffix}' in lower case")
                if misnamed is not None:
                    misnamed.add(entry.name[:-len(suffix)])
            continue
        path = f"{where}/{entry.name}"
        stamp = _STAMPS.get(path) if changed is not None and path not in changed else None
        if stamp is None:
            try:
                info = entry.stat()
                stamp = _STAMPS[path] = (info.st_size, info.st_mtime_ns)
            except OSError:  # a broken link: reading it says so
                stamp = (0, 0)
        found.append((entry.name, stamp))
    return sorted(found)


# --- seeds ----------------------------------------------------------------------------------

SUM_LINE = re.compile(r"^(?P<digest>[0-9a-fA-F]{64}) [ *](?P<name>.+)$")


def load_seeds(root: Path, errors: ErrorList, changed: set[str] | None = None) -> tuple[dict[str, str], set[str]]:
    """Seeds are verbatim sources: each must still match seeds/SHA256SUMS.
    Returns the seeds read (stem → text) and the stems of every seed file, read or not."""
    folder = root / "seeds"
    sums_path = folder / "SHA256SUMS"
    sums: dict[str, tuple[str, int]] | None = {}
    if sums_path.exists():
        listing = read_text(sums_path, errors)
        for number, line in enumerate((listing or "").splitlines(), start=1):
            found = SUM_LINE.match(line.strip())
            if found:  # as sha256sum writes it, in text or binary mode, run in seeds/ or above it
                sums[found["name"].removeprefix("seeds/")] = (found["digest"].lower(), number)
            elif line.strip():
                errors.add(sums_path, number, "is not a checksum line; write it with: (cd seeds && sha256sum *.txt > SHA256SUMS)")
        sums = sums if listing is not None else None  # unreadable: its error is the one to fix first
    else:
        errors.add(sums_path, 0, "missing: list every seed's sha256 here (sha256sum *.txt > SHA256SUMS)")
    seeds, present = {}, set()
    for name, stamp in scan(folder, ".txt", errors, changed, misnamed=present):
        present.add(name.removesuffix(".txt"))
        text, digest = _read_seed(folder, name, stamp, errors)
        if sums is None or not digest:
            pass
        elif name not in sums:
            errors.add(folder / name, 0, f"is not listed in seeds/SHA256SUMS; add it with: (cd seeds && sha256sum "
                       f"{shlex.quote(name)} >> SHA256SUMS)")
        elif digest != sums[name][0]:
            errors.add(folder / name, 0, "no longer matches seeds/SHA256SUMS: seeds are never edited; restore it "
                       "(git checkout -- seeds/) and put corrections in the note instead")
        if text is not None:
            seeds[name.removesuffix(".txt")] = text
    for name, (_, number) in (sums or {}).items():
        if name.removesuffix(".txt") not in present:
            errors.add(sums_path, number, f"lists {name}, which is not in seeds/")
    if not present:
        errors.add(folder, 0, "no seed articles (*.txt) found")
    return seeds, present


_SEEDS: dict[str, tuple] = {}
"""path → (size and mtime, text, sha256) of seeds read cleanly: `digest serve` reads a seed again only when it changes.
Keyed by strings: at 10,000 seeds, making Path objects alone would cost a rebuild 100 ms."""


def _read_seed(folder: Path, name: str, stamp: tuple, errors: ErrorList) -> tuple[str | None, str]:
    key = f"{folder}/{name}"
    cached = _SEEDS.get(key)
    if cached and cached[0] == stamp:
        return cached[1], cached[2]
    path = folder / name
    raw = read_bytes(path, errors)
    if raw is None:
        return None, ""
    digest = hashlib.sha256(raw).hexdigest()
    before = len(errors.items)
    text = decode(path, raw, errors)
    if len(errors.items) == before:
        _SEEDS[key] = (stamp, text, digest)
    return text, digest


# --- notes ----------------------------------------------------------------------------------

NOTE_SPEC = {"slug": str, "lang": str, "headline": str, "topics": list, "entities": list, "related": list,
             "source": dict, "date": dict, "summary": dict, "cut": dict, "annotations": Tables}
ANNOTATION_SPEC = {"id": str, "kind": str, "exact": str, "prefix": str, "suffix": str, "topics": list, "see": list,
                   "note": dict, "evidence": str}


def load_note(path: Path, topics: set, entities: set, errors: ErrorList) -> Note | None:
    doc = read_toml(path, errors)
    if doc is None:
        return None
    data = doc.data
    if not data:
        errors.add(path, 0, f"is empty; start from the note that `digest new seeds/{path.stem}.txt` writes")
        return None
    if not check_table(doc, data, (), NOTE_SPEC, errors, required=("slug", "lang", "topics", "source", "date", "summary")):
        return None
    check_id(doc, ("slug",), data["slug"], "slug", {}, errors)
    if data["lang"] not in LANGS:
        errors.add(path, doc.line("lang"), f"lang must be \"fa\" or \"ar\", not \"{data['lang']}\"")
    check_known(doc, ("topics",), data["topics"], topics, "topic", errors)
    check_known(doc, ("entities",), data.get("entities", []), entities, "entity id (see content/glossary.toml)", errors)
    usable = check_table(doc, data["source"], ("source",), {"outlet": str, "url": str, "about": dict}, errors,
                         required=("outlet",))
    if isinstance(data["source"].get("about"), dict):
        check_bilingual(doc, data["source"]["about"], ("source", "about"), errors)
    url = data["source"].get("url", "") if usable else ""
    if url and not url.startswith(("https://", "http://")):
        errors.add(path, doc.line("source", "url"), "source.url must start with https:// or http://")
    date = data["date"]
    usable &= check_table(doc, date, ("date",), {"published": dt.date, "inferred": bool, "reason": dict}, errors,
                          required=("published",))
    if date.get("inferred") and "reason" not in date:
        errors.add(path, doc.line("date"), "an inferred date needs a reason: add reason.fa and reason.ar saying how you inferred it")
    if isinstance(date.get("reason"), dict):
        check_bilingual(doc, date["reason"], ("date", "reason"), errors)
    check_bilingual(doc, data["summary"], ("summary",), errors)
    for lang in LANGS:
        if isinstance(data["summary"], dict) and isinstance(data["summary"].get(lang), str) and not data["summary"][lang].strip():
            errors.add(path, doc.line("summary", lang), f"summary.{lang} is empty: write the summary in this language")
    cut = data.get("cut", {})
    usable &= check_table(doc, cut, ("cut",), {"start": str, "end": str, "drop": list, "remove_characters": list}, errors)
    remove = set()
    for code in cut.get("remove_characters", ()) if usable else ():
        found = re.fullmatch(r"U\+([0-9A-Fa-f]{4,6})", code) if isinstance(code, str) else None
        ch = chr(int(found.group(1), 16)) if found and int(found.group(1), 16) <= 0x10FFFF else ""
        if not HIDDEN.match(ch):
            errors.add(path, doc.line("cut", "remove_characters"), f"cut.remove_characters: '{code}' is not a hidden "
                       "character that may be removed; list control and bidi characters as \"U+202E\"")
        remove.add(ch)
    annotations = []
    seen = {}
    for i, item in enumerate(data.get("annotations", [])):
        if not check_table(doc, item, ("annotations", i), ANNOTATION_SPEC, errors, required=("id", "exact", "note")):
            continue
        check_id(doc, ("annotations", i, "id"), item["id"], "annotation id", seen, errors)
        check_not_reserved(doc, ("annotations", i, "id"), item["id"], "annotation id", errors)
        if not normalize(item["exact"]).strip():  # as anchoring sees it: spaces, harakat and tatweel are nothing
            errors.add(path, doc.line("annotations", i, "exact"), "exact is empty; quote the passage the note is about")
        check_bilingual(doc, item["note"], ("annotations", i, "note"), errors, required=())
        note = bilingual(item["note"] if isinstance(item["note"], dict) else {})
        if not (note.fa or note.ar):
            errors.add(path, doc.line("annotations", i, "note"), "the annotation has no note: write note.fa and/or note.ar")
        check_known(doc, ("annotations", i, "topics"), item.get("topics", []), topics, "topic", errors)
        for ref in item.get("see", ()):
            if split_passage(ref) is None:
                errors.add(path, doc.line("annotations", i, "see"), f"'{ref}' is not a passage: write @slug#annotation-id")
        kind = item.get("kind", "context")
        if kind not in ANNOTATION_KINDS:
            errors.add(path, doc.line("annotations", i, "kind"), f"kind '{kind}' is not one of: {', '.join(ANNOTATION_KINDS)}")
        evidence = item.get("evidence", "")
        if kind == "disputed" and evidence not in EVIDENCE:
            errors.add(path, doc.line("annotations", i, "evidence" if evidence else "kind"),
                       f"a disputed claim needs evidence = one of: {', '.join(EVIDENCE)}" + (f" (not '{evidence}')" if evidence else ""))
        elif evidence and kind != "disputed":
            errors.add(path, doc.line("annotations", i, "evidence"), f"evidence is for disputed claims; this note's kind is '{kind}'")
        annotations.append(AnnotationSpec(i, item["id"], item["exact"], item.get("prefix", ""), item.get("suffix", ""),
                                          note, tuple(item.get("topics", ())), kind, tuple(item.get("see", ())), evidence))
    if not usable:
        return None
    return Note(
        seed=path.stem, doc=doc, slug=data["slug"], lang=data["lang"], headline=data.get("headline", "").strip(),
        outlet=data["source"].get("outlet", ""), url=url, about=bilingual(data["source"].get("about")),
        published=date.get("published"),
        inferred=bool(date.get("inferred", False)), reason=bilingual(date.get("reason")),
        topics=tuple(data["topics"]), entities=tuple(data.get("entities", ())), related=tuple(data.get("related", ())),
        summary=bilingual(data["summary"]),
        cut=CutSpec(cut.get("start", ""), cut.get("end", ""), tuple(cut.get("drop", ())), frozenset(remove)),
        annotations=tuple(annotations),
    )


_VALID: dict[str, tuple] = {}
"""path → ((size and mtime, topics, entity ids), Note) of notes that validated cleanly: reused while all three hold."""


def _validate(state: tuple, path: str) -> tuple[Note | None, list]:
    """One note read and validated, with the errors found in it (run by pool.reuse_or_map)."""
    topics, entities, root = state
    errors = ErrorList(root)
    return load_note(Path(path), topics, entities, errors), errors.items


def load_notes(root: Path, seeds: dict, present: set[str], topics: frozenset, entities: frozenset | None,
               errors: ErrorList, changed: set[str] | None = None, jobs: int | None = None) -> dict[str, Note]:
    """Every note, validated. `present`: stems of all seed files, including those that could not be
    read (their own error is reported; their notes wait). `entities` None: the glossary could not be
    read, so entity ids are not checked (each would be a false error)."""
    folder = root / "content" / "notes"
    notes, failed, keys = {}, False, {}
    for name, stamp in scan(folder, ".toml", errors, changed):
        stem = name.removesuffix(".toml")
        if stem not in present:
            errors.add(folder / name, 0, f"has no seed: expected seeds/{stem}.txt (a note is named after its seed file)")
            failed = True
        elif stem not in seeds:
            failed = True  # its seed could not be read: that error comes first
        else:
            keys[f"{folder}/{name}"] = (stamp, topics, entities)  # what a validated note stays valid for
    # in the folder's order, as a duplicate slug's error names the first of the two
    for path, note in reuse_or_map(_validate, list(keys), (topics, entities, root), keys, _VALID, errors, jobs).items():
        if note is not None:
            notes[path.rpartition("/")[2].removesuffix(".toml")] = note  # no Path: 10,000 of them cost 50 ms
        failed |= note is None
    for stem in present:
        if stem not in notes and not (folder / f"{stem}.toml").exists():
            errors.add(folder / f"{stem}.toml", 0, f"missing: seeds/{stem}.txt needs a note (see content/README.md)")
    by_slug: dict[str, Note] = {}
    for note in notes.values():
        if note.slug in by_slug:
            first = by_slug[note.slug]
            errors.add(note.doc.path, note.doc.line("slug"),
                       f"duplicate slug '{note.slug}', also used by {errors.display(first.doc.path)}:{first.doc.line('slug')}")
        by_slug.setdefault(note.slug, note)
    for note in notes.values():
        if not failed and any(r not in by_slug for r in note.related):
            check_known(note.doc, ("related",), [r for r in note.related if r != note.slug], by_slug.keys(),
                        "related article slug", errors)
        if note.slug in note.related:
            errors.add(note.doc.path, note.doc.line("related"), "an article cannot be related to itself")
        twice = sorted({r for r in note.related if note.related.count(r) > 1})
        if twice:
            errors.add(note.doc.path, note.doc.line("related"), f"related lists {', '.join(twice)} twice")
    return notes


def load(root: Path, changed: set[str] | None = None, jobs: int | None = None) -> Content:
    """Read everything; raise ContentErrors listing every problem found. `changed`: see scan; `jobs`:
    worker processes validating notes (one per core by default)."""
    errors = ErrorList(root)
    for folder in (root / "seeds", root / "content", root / "content" / "notes", root / "content" / "topics"):
        inside_project(folder, errors)  # a folder linked from elsewhere is refused before anything in it is read
    errors.raise_if_any()
    docs: list[TomlDoc] = []
    settings, usable = load_settings(root, errors)
    seeds, present = load_seeds(root, errors, changed)
    entities, entity_ids = load_glossary(root, errors, docs)
    if settings is None:
        errors.raise_if_any()
    settings = load_topic_summaries(root, settings, usable, errors, docs)
    topic_ids = frozenset(t.id for t in settings.topics) if usable else None
    notes = load_notes(root, seeds, present, topic_ids, entity_ids, errors, changed, jobs)
    if not os.path.lexists(root / "content" / "glossary.toml"):
        named = next((n for n in notes.values() if n.entities), None)
        if named:
            errors.add(root / "content" / "glossary.toml", 0, f"missing, but notes name entities (first "
                       f"{errors.display(named.doc.path)}:{named.doc.line('entities')}); restore it, or remove the lists")
    events = load_timeline(root, entity_ids, errors, docs)
    errors.raise_if_any()
    docs += [note.doc for note in notes.values()]
    return Content(root, settings, seeds, notes, entities, events, tuple(docs))
