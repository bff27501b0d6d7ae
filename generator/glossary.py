"""Stage 1, reference files: the glossary (content/glossary.toml) and the timeline (content/timeline.toml).

Both are optional for a digest, strict when present. References they make
(`passages = ["@slug#annotation-id"]`) are resolved after assembly (links.py).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator.errors import ErrorList
from generator.links import split_passage
from generator.model import Entity, Event
from generator.textnorm import normalize
from generator.tomlfile import (Tables, bilingual, check_bilingual, check_id, check_known, check_not_reserved, check_table,
                                read_toml)

ENTITY_KINDS = ("person", "place", "organisation", "outlet", "agreement", "event", "object")
ENTITY_SPEC = {"id": str, "kind": str, "latin": str, "fa": str, "ar": str, "aliases": list, "editor_spellings": list,
               "role": dict}
EVENT_SPEC = {"id": str, "start": dt.date, "end": dt.date, "title": dict, "note": dict, "passages": list, "entities": list}


def read_table_list(path: Path, key: str, errors: ErrorList, docs: list):
    """An optional file of [[key]] tables: (doc, tables), or (None, []) when absent or unreadable."""
    doc = read_toml(path, errors) if os.path.lexists(path) else None
    if doc is None:
        return None, []
    docs.append(doc)
    check_table(doc, doc.data, (), {key: Tables}, errors)
    return doc, doc.data.get(key, [])


_ENTITIES: dict[Path, tuple] = {}
"""path → (parsed document, entities) of a glossary that validated cleanly. While the file is
unchanged the very same Entity objects come back, so everything keyed on them is reused."""


def load_glossary(root: Path, errors: ErrorList, docs: list) -> tuple[tuple[Entity, ...], frozenset | None]:
    """The entries, and the ids the glossary declares (also those of entries with other mistakes, so
    that notes naming them get no false errors); None when the file could not be read at all."""
    path = root / "content" / "glossary.toml"
    doc, tables = read_table_list(path, "entity", errors, docs)
    if doc is None:  # absent (load says so if notes name entities) or unreadable (said already)
        return (), None
    declared = frozenset(t["id"] for t in tables if isinstance(t, dict) and isinstance(t.get("id"), str))
    cached = _ENTITIES.get(path)
    if doc is not None and cached and cached[0] is doc:
        return cached[1], declared
    before = len(errors.items)
    entities, seen = [], {}
    for i, item in enumerate(tables):
        if not check_table(doc, item, ("entity", i), ENTITY_SPEC, errors, required=("id", "kind", "latin", "fa", "ar")):
            continue
        check_id(doc, ("entity", i, "id"), item["id"], "entity id", seen, errors)
        if item["kind"] not in ENTITY_KINDS:
            errors.add(path, doc.line("entity", i, "kind"), f"kind '{item['kind']}' is not one of: {', '.join(ENTITY_KINDS)}")
        if "role" in item:
            check_bilingual(doc, item["role"], ("entity", i, "role"), errors)
        spellings = {item["fa"], item["ar"], *item.get("aliases", ())}
        if any(not normalize(spelling).strip() for spelling in spellings | set(item.get("editor_spellings", ()))):
            errors.add(path, doc.line("entity", i, "id"), f"'{item['id']}' has an empty spelling (fa, ar, aliases or "
                       "editor_spellings); every name must have letters")
            continue
        for spelling in item.get("editor_spellings", ()):
            if spelling not in spellings:
                errors.add(path, doc.line("entity", i, "editor_spellings"),
                           f"editor spelling '{spelling}' is not one of this entry's fa, ar or aliases")
        entities.append(Entity(item["id"], item["kind"], bilingual(item), item["latin"], tuple(item.get("aliases", ())),
                               bilingual(item.get("role")), tuple(item.get("editor_spellings", ()))))
    check_spellings_unique(doc, tables, entities, errors)
    if doc is not None and len(errors.items) == before:
        _ENTITIES[path] = (doc, tuple(entities))
        return _ENTITIES[path][1], declared
    return tuple(entities), declared


def check_spellings_unique(doc, tables: list, entities: list[Entity], errors: ErrorList) -> None:
    """A spelling (as search and mention-finding see it) names one entry only: otherwise a name in
    the text would link to either, depending on the order of the file."""
    lines = {item["id"]: doc.line("entity", i, "id") for i, item in enumerate(tables)
             if isinstance(item, dict) and isinstance(item.get("id"), str)}
    owner: dict[str, Entity] = {}
    for entity in entities:
        for spelling in entity.spellings:
            first = owner.setdefault(normalize(spelling).strip(), entity)
            if first is not entity:
                errors.add(doc.path, lines[entity.id], f"the spelling '{spelling}' of '{entity.id}' is also a spelling of "
                           f"'{first.id}' (line {lines[first.id]}); a name can belong to one entry only")


def load_timeline(root: Path, entity_ids: set, errors: ErrorList, docs: list) -> tuple[Event, ...]:
    path = root / "content" / "timeline.toml"
    doc, tables = read_table_list(path, "event", errors, docs)
    events, seen = [], {}
    for i, item in enumerate(tables):
        if not check_table(doc, item, ("event", i), EVENT_SPEC, errors, required=("id", "start", "title", "passages")):
            continue
        check_id(doc, ("event", i, "id"), item["id"], "event id", seen, errors)
        check_not_reserved(doc, ("event", i, "id"), item["id"], "event id", errors)
        check_bilingual(doc, item["title"], ("event", i, "title"), errors)
        if "note" in item:
            check_bilingual(doc, item["note"], ("event", i, "note"), errors)
        if item.get("end") and item["end"] < item["start"]:
            errors.add(path, doc.line("event", i, "end"), f"end {item['end']} is before start {item['start']}")
        for ref in item["passages"]:
            if split_passage(ref) is None:
                errors.add(path, doc.line("event", i, "passages"), f"'{ref}' is not a passage: write @slug#annotation-id")
        if not item["passages"]:
            errors.add(path, doc.line("event", i, "passages"), "an event needs at least one passage of an article that mentions it")
        check_known(doc, ("event", i, "entities"), item.get("entities", []), entity_ids, "entity id", errors)
        events.append(Event(item["id"], item["start"], item.get("end"), bilingual(item["title"]), bilingual(item.get("note")),
                            tuple(item["passages"]), tuple(item.get("entities", ()))))
    return tuple(sorted(events, key=lambda e: (e.start, e.id)))
