"""Bad content gets a clear `path:line: message`, all at once, exit code 1, no traceback."""

import json
import re
from pathlib import Path

import pytest

from generator.cli import main

NOTE_000 = "content/notes/000_2d6022ae28c1f2b9.toml"
NOTE_004 = "content/notes/004_911ee84ec367d659.toml"


def check(root: Path, capsys) -> tuple[int, list[str]]:
    code = main(["--root", str(root), "check"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.splitlines()


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> int:
    """Replace text in a content file; returns the 1-based line of the replacement."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def test_real_content_passes(capsys):
    assert main(["check"]) == 0
    assert re.match(r"ok: 5 articles, \d+ annotations, \d+ glossary entries", capsys.readouterr().out)


@pytest.mark.parametrize("old,new,message", [
    ('lang = "fa"', 'lang = "fa"\nauthor = "x"', "unknown key 'author' in the file; expected one of: slug, lang, headline, topics, "
                                                  "entities, related, source, date, summary, cut, annotations"),
    ("published = 2023-09-05", 'published = "5 September"', "'published' must be a date like 2023-09-05"),
    ('topics = ["military", "economic", "historical"]', 'topics = ["militery"]', "unknown topic 'militery'; known: economic, historical, military"),
    ('slug = "kim-to-visit-russia-september-2023"', 'slug = "Kim Visit"', "slug 'Kim Visit' must be lower-case latin letters, digits and hyphens"),
    ("published = 2023-09-05", "published = 2023-09-06",
     "the seed's dateline \"11:28 - 14 شهریور 1402\" is 2023-09-05, not 2023-09-06; correct date.published or mark it inferred"),
    ('exact = "احتمالاً با قطار زرهی از پیونگ یانگ به «ولادی وستوک»"', 'exact = "با قطار زرهی به پکن"',
     "annotation 'armoured-train-vladivostok': the quote \"با قطار زرهی به پکن\" is not in the article text; "
     "copy the passage from the seed (ی/ي, ک/ك, ZWNJ and digits may differ)"),
    ('exact = "احتمالاً با قطار زرهی از پیونگ یانگ به «ولادی وستوک»"', 'exact = "کره شمالی"',
     "annotation 'armoured-train-vladivostok': the quote \"کره شمالی\" matches 27 places (paragraphs 1, 2, 4, 5, 7, 8, 9, 10, …); add a prefix or suffix"),
    ('exact = "احتمالاً با قطار زرهی از پیونگ یانگ به «ولادی وستوک»"', 'exact = "دیدگاهتان را بنویسید"',
     "annotation 'armoured-train-vladivostok': the quote \"دیدگاهتان را بنویسید\" is in a part of the seed that cleaning cut"),
    ('outlet = "خبرگزاری میزان"', 'outlet = "خبرگزاری \u202bمیزان"', "contains the invisible bidi control U+202B; delete it"),
    ('[source]', '[source', "is not valid TOML: Expected ']' at the end of a table declaration"),
])
def test_note_error(project, capsys, old, new, message):
    line = edit(project, NOTE_000, old, new) + old.count("\n") + (new.count("\n") if new.startswith(old) else 0)
    code, lines = check(project, capsys)
    assert code == 1
    assert any(l.startswith(f"{NOTE_000}:{line}: {message}") for l in lines), lines
    assert lines[-1].endswith("errors; nothing was written.") or lines[-1] == "1 error; nothing was written."


def test_unknown_entity_and_missing_headline_and_all_errors_at_once(project, capsys):
    edit(project, NOTE_004, '"kurt-campbell",', '"kurt-campel",')
    edit(project, NOTE_004, 'headline = "بوتين يزور', '# headline = "بوتين يزور')
    kind_line = edit(project, "content/glossary.toml", 'kind = "place"', 'kind = "city"')
    code, lines = check(project, capsys)
    assert code == 1
    assert f"{NOTE_004}:5: unknown entity id (see content/glossary.toml) 'kurt-campel'; known:" in "\n".join(lines)
    assert lines[:1] == [f"content/glossary.toml:{kind_line}: kind 'city' is not one of: person, place, organisation, outlet, "
                         "agreement, event, object"]
    assert lines[-1] == "2 errors; nothing was written."
    # the headline error needs the earlier errors fixed first (load, then assemble), and then it names the line
    edit(project, NOTE_004, '"kurt-campel",', '"kurt-campbell",')
    edit(project, "content/glossary.toml", 'kind = "city"', 'kind = "place"')
    code, lines = check(project, capsys)
    assert lines == [f"{NOTE_004}:1: seeds/004_911ee84ec367d659.txt prints no headline; add headline = \"…\" in the article's language",
                     "1 error; nothing was written."]


def test_duplicate_slug_names_both_files(project, capsys):
    edit(project, NOTE_004, 'slug = "putin-to-visit-north-korea-june-2024"', 'slug = "kim-to-visit-russia-september-2023"')
    edit(project, "content/notes/003_dd389d9e22ba10dd.toml", 'related = ["putin-to-visit-north-korea-june-2024"]', "related = []")
    code, lines = check(project, capsys)
    assert f"{NOTE_004}:1: duplicate slug 'kim-to-visit-russia-september-2023', also used by {NOTE_000}:1" in lines


def test_edited_seed_is_refused(project, capsys):
    seed = project / "seeds" / "002_bf67f3b841684d33.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("کیم", "کيم"), encoding="utf-8")
    code, lines = check(project, capsys)
    assert lines[0].startswith("seeds/002_bf67f3b841684d33.txt: no longer matches seeds/SHA256SUMS: seeds are never edited")


def test_seed_without_note(project, capsys):
    (project / NOTE_000).unlink()
    code, lines = check(project, capsys)
    assert lines[0] == f"{NOTE_000}: missing: seeds/000_2d6022ae28c1f2b9.txt needs a note (see content/README.md)"


def test_inferred_date_needs_a_reason(project, capsys):
    line = edit(project, NOTE_000, "[date]", "[date]\ninferred = true")
    code, lines = check(project, capsys)
    assert lines[0].startswith(f"{NOTE_000}:{line}: an inferred date needs a reason")


def test_reference_to_a_missing_passage(project, capsys):
    line = edit(project, "content/topics/military.toml", "(@kim-tours-far-east-after-summit#knevichi)", "(@kim-tours-far-east-after-summit#knevich)")
    code, lines = check(project, capsys)
    assert lines[0] == (f"content/topics/military.toml:{line}: '@kim-tours-far-east-after-summit#knevich' points to nothing: "
                        "no such article, annotation, entity or event")


def test_malformed_reference(project, capsys):
    line = edit(project, "content/topics/military.toml", "(@kim-tours-far-east-after-summit#knevichi)", "(@Kim_Tours)")
    code, lines = check(project, capsys)
    assert lines[0] == (f"content/topics/military.toml:{line}: '@Kim_Tours' is not a reference: write @slug, "
                        "@slug#annotation-id, @entity/id or @timeline#event-id")


def test_see_lists_passages(project, capsys):
    line = edit(project, NOTE_000, 'see = ["@kim-tours-far-east-after-summit#armoured-train-primorsky"]', 'see = ["@Kim Tours"]')
    code, lines = check(project, capsys)
    assert lines == [f"{NOTE_000}:{line}: '@Kim Tours' is not a passage: write @slug#annotation-id", "1 error; nothing was written."]


def test_glossary_spelling_found_nowhere(project, capsys):
    edit(project, "content/glossary.toml", 'aliases = ["شویگو", "شويغو"]', 'aliases = ["شویگو", "شويغو", "شویگوف"]')
    line = edit(project, "content/glossary.toml", 'id = "sergei-shoigu"', 'id = "sergei-shoigu"')
    code, lines = check(project, capsys)
    assert lines[0] == (f"content/glossary.toml:{line}: the spelling 'شویگوف' of 'sergei-shoigu' occurs in no article; "
                        "correct it, or list it in editor_spellings if it is the editor's own")


@pytest.mark.parametrize("reserved", ["p3", "note-x", "dated-this", "main", "summary-title", "lead-title"])
def test_reserved_annotation_id(project, capsys, reserved):
    line = edit(project, NOTE_000, 'id = "lukin"', f'id = "{reserved}"')
    code, lines = check(project, capsys)
    assert lines[0].startswith(f"{NOTE_000}:{line}: annotation id '{reserved}' is reserved by the pages; choose another "
                               "(reserved: p1, p2…, note-…, dated-…, articles-title, events-title, lead-title, main, ")


def test_timeline_event_ending_before_it_starts(project, capsys):
    line = edit(project, "content/timeline.toml", "end = 1953-07-27", "end = 1949-07-27")
    code, lines = check(project, capsys)
    assert lines[0] == "content/timeline.toml:" + str(line) + ": end 1949-07-27 is before start 1950-06-25"


@pytest.mark.parametrize("link", ["../no-such-article/", "#p99", "//evil.example/x", "javascript:alert(1)", "page.html"])
def test_links_that_leave_the_digest_are_errors_at_their_line(project, capsys, link):
    line = edit(project, NOTE_000, 'about.fa = """\n', f'about.fa = """\n\n[پیوند]({link}) ') + 2
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == [f"{NOTE_000}:{line}: '{link}' is not a link the digest can keep: its pages are linked with @slug, "
                     "@slug#annotation-id, @entity/id or @timeline#event-id, other sites with a full https:// address",
                     "1 error; nothing was written."]


def test_images_are_errors_at_their_line(project, capsys):
    line = edit(project, "content/topics/economic.toml", 'summary.fa = """\n', 'summary.fa = """\n![نقشه](missing.png) ')
    code, lines = check(project, capsys)
    assert f"content/topics/economic.toml:{line + 1}: 'missing.png' is an image; editors' text shows no images" in lines[0]


def test_check_speaks_json_for_tools(project, capsys):
    assert main(["--root", str(project), "check", "--format", "json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["ok"] is True and verdict["errors"] == [] and verdict["articles"] == 5
    edit(project, NOTE_000, "published = 2023-09-05", "published = 2023-09-06")
    assert main(["--root", str(project), "check", "--format", "json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["ok"] is False and verdict["errors"][0].startswith(f"{NOTE_000}:")


def test_a_disputed_claim_without_its_evidence(project, capsys):
    line = edit(project, NOTE_000, 'evidence = "denied"\ntopics = ["military"]\nsee', 'topics = ["military"]\nsee')
    code, lines = check(project, capsys)
    assert code == 1
    assert lines[0] == (f"{NOTE_000}:{line - 1}: a disputed claim needs evidence = one of: confirmed, claimed, denied, "
                        "unverified")


def test_evidence_that_is_no_grade(project, capsys):
    line = edit(project, NOTE_000, 'evidence = "denied"\ntopics = ["military"]\nsee', 'evidence = "likely"\ntopics = ["military"]\nsee')
    code, lines = check(project, capsys)
    assert lines[0] == (f"{NOTE_000}:{line}: a disputed claim needs evidence = one of: confirmed, claimed, denied, "
                        "unverified (not 'likely')")


def test_evidence_on_a_note_that_is_no_claim(project, capsys):
    line = edit(project, NOTE_000, 'id = "korean-war"\nexact = "در جنگ کره، که بین سالهای ۱۹۵۰ و ۱۹۵۳ رخ داد"\nkind = "context"',
                'id = "korean-war"\nexact = "در جنگ کره، که بین سالهای ۱۹۵۰ و ۱۹۵۳ رخ داد"\nkind = "context"\nevidence = "confirmed"')
    code, lines = check(project, capsys)
    assert lines[0] == f"{NOTE_000}:{line + 3}: evidence is for disputed claims; this note's kind is 'context'"
