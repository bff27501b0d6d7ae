"""Trust: a careless or hostile input never costs the editor anything.

Each case injects one mistake into a copy of a project that has been built once, runs
`digest build` and asserts what the editor sees: exit code 1, exactly one `path:line[:col]:
message` naming the real cause (no cascade), no traceback, the previous site byte-identical and
no leftovers beside it. Cases that must be accepted build and are compared with a clean build.
Killed builds, full disks, permissions and the lock are in test_faults.py; the preview server's
hostile requests in test_serve.py. Every case and what it printed is written to
tests/artifacts/trust-battery.md.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import ROOT, copy_project
from tests.test_build import tree_digest
from tests.test_content_errors import edit

NOTE_000 = "content/notes/000_2d6022ae28c1f2b9.toml"
NOTE_003 = "content/notes/003_dd389d9e22ba10dd.toml"
NOTE_004 = "content/notes/004_911ee84ec367d659.toml"
SEED_001 = "seeds/001_dd0b498a44e088a7.txt"
ANYWHERE = "في مواجهة واشنطن"
"""Text of seed 001 that no annotation quotes: what is put there disturbs nothing else."""
NOTE_001 = "content/notes/001_dd0b498a44e088a7.toml"
HIJRI_RANGE = "is outside 1924-08-01 – 2077-11-16, the years the site can show in the Hijri calendar (Umm al-Qura)"
BATTERY: list[tuple[str, str, str]] = []
"""(case, verdict, what digest printed), written out at the end of the module."""


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("trust") / "project")
    assert main(["--root", str(root), "build"]) == 0
    return root


@pytest.fixture
def project(built_copy, tmp_path) -> Path:
    """A copy of the project with the site a previous build wrote."""
    dest = tmp_path / "project"
    shutil.copytree(built_copy, dest, symlinks=True)
    return dest


@pytest.fixture(scope="module", autouse=True)
def battery_report():
    yield
    folder = ROOT / "tests" / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["| case | verdict | what digest printed |", "| --- | --- | --- |"]
    rows += [f"| {case} | {verdict} | `{printed.replace('|', '/')}` |" for case, verdict, printed in BATTERY]
    (folder / "trust-battery.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


def build_fails(project: Path, capsys, *args: str) -> list[str]:
    """Run `digest build` (or the given command) expecting a clear failure that changed nothing."""
    before = tree_digest(project / "site")
    code = main(["--root", str(project), *(args or ["build"])])
    err = capsys.readouterr().err
    assert "Traceback" not in err and code == 1, err
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site"]
    return err.splitlines()


def build_passes(project: Path, capsys) -> None:
    code = main(["--root", str(project), "build"])
    err = capsys.readouterr().err
    assert code == 0 and all(line.startswith("note: base_url is only a path") for line in err.splitlines()), err
    assert sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site"]


def resum(project: Path) -> None:
    """Seeds are verbatim: a test that changes one records its new checksum, as an editor adding a seed would."""
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in sorted((project / "seeds").glob("*.txt"))]
    (project / "seeds" / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def insert_in_seed(project: Path, after: str, text: str) -> tuple[int, int]:
    """Put `text` into seed 001 just after `after`; returns its (line, column)."""
    path = project / SEED_001
    seed = path.read_text(encoding="utf-8")
    at = seed.index(after) + len(after)
    path.write_text(seed[:at] + text + seed[at:], encoding="utf-8")
    resum(project)
    return seed[:at].count("\n") + 1, at - seed.rfind("\n", 0, at)  # 1-based column of the first character put in


# --- one mistake, one clear error ------------------------------------------------------------------

def case_timeline_date_before_1924(project):
    line = edit(project, "content/timeline.toml", "start = 1950-06-25", "start = 1905-06-25")
    return f"content/timeline.toml:{line}: 'start': 1905-06-25 {HIJRI_RANGE}"


def case_jalali_date_typed_as_gregorian(project):
    line = edit(project, NOTE_000, "published = 2023-09-05", "published = 1402-06-14")
    return (f"{NOTE_000}:{line}: 'published': 1402-06-14 {HIJRI_RANGE}; dates are written in the Gregorian calendar: "
            "if you typed a Solar Hijri (Jalali) date, write 2023-09-05, or if you typed a Lunar Hijri date, write 1982-04-08")


def case_hijri_date_typed_as_gregorian(project):
    line = edit(project, NOTE_000, "published = 2023-09-05", "published = 1445-02-20")
    return f"{NOTE_000}:{line}: 'published': 1445-02-20 {HIJRI_RANGE}; dates are written in the Gregorian calendar: " \
           "if you typed a Solar Hijri (Jalali) date, write 2066-05-09, or if you typed a Lunar Hijri date, write 2023-09-05"


def case_date_after_2077(project):
    line = edit(project, "content/timeline.toml", "start = 1950-06-25", "start = 2099-01-01")
    return f"content/timeline.toml:{line}: 'start': 2099-01-01 {HIJRI_RANGE}"


def case_per_page_in_quotes(project):
    line = edit(project, "content/digest.toml", 'base_url = "/"', 'base_url = "/"\nper_page = "20"') + 1
    return f"content/digest.toml:{line}: 'per_page' must be a whole number like 20"


def case_per_page_true(project):
    line = edit(project, "content/digest.toml", 'base_url = "/"', 'base_url = "/"\nper_page = true') + 1
    return f"content/digest.toml:{line}: 'per_page' must be a whole number like 20"


def case_title_as_text(project):
    line = edit(project, "content/digest.toml", '[title]\nfa = "روسیه و کره شمالی: گزیده‌ی حاشیه‌نویسی‌شده"\n'
                'ar = "روسيا وكوريا الشمالية: مختارات مشروحة"', 'title = "روسیه و کره شمالی"')
    return f"content/digest.toml:{line}: 'title' must be a table"


def case_slug_of_300_characters(project):
    slug = "a" * 300
    line = edit(project, NOTE_000, 'slug = "kim-to-visit-russia-september-2023"', f'slug = "{slug}"')
    edit(project, "content/notes/001_dd0b498a44e088a7.toml", '"kim-to-visit-russia-september-2023"', f'"{slug}"')
    edit(project, "content/notes/002_bf67f3b841684d33.toml", '"kim-to-visit-russia-september-2023"', f'"{slug}"')
    return f"{NOTE_000}:{line}: slug 'aaaaaaaaaaaaaaaaaaaa…' is 300 characters long; keep it to 80 at most " \
           "(it becomes a file name and a URL)"


def case_sha256sums_not_utf8(project):
    sums = project / "seeds" / "SHA256SUMS"
    sums.write_bytes(sums.read_bytes() + b"\xff\xfe junk\n")
    return "seeds/SHA256SUMS:6: is not valid UTF-8 here; save the file as UTF-8"


def case_note_not_utf8(project):
    note = project / NOTE_004
    text = note.read_text(encoding="utf-8")
    note.write_bytes(text.encode("cp1256", errors="replace"))
    return f"{NOTE_004}:3: is not valid UTF-8 here; save the file as UTF-8 (it looks like Windows-1256: iconv -f cp1256 -t utf-8)"


def case_seed_not_utf8(project):
    seed = project / SEED_001
    seed.write_bytes(seed.read_bytes().replace("الأمريكي".encode(), "الأمريكي".encode("cp1256"), 1))
    resum(project)
    return f"{SEED_001}:1: is not valid UTF-8 here; save the file as UTF-8"


def case_arrays_nested_5000_deep(project):
    (project / NOTE_003).write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    return f"{NOTE_003}:1: nests arrays or tables too deeply to read; no content file needs more than a few levels"


def case_syntax_error_in_a_note_others_relate_to(project):
    line = edit(project, NOTE_004, "[source]", "[source")
    return f"{NOTE_004}:{line}: is not valid TOML: Expected ']' at the end of a table declaration"


def case_bad_byte_in_glossary(project):
    glossary = project / "content" / "glossary.toml"
    data = glossary.read_bytes()
    at = data.index("کیم جونگ اون".encode())
    glossary.write_bytes(data[:at] + b"\xff" + data[at:])
    line = data[:at].count(b"\n") + 1
    return f"content/glossary.toml:{line}: is not valid UTF-8 here; save the file as UTF-8"


def case_annotation_id_main(project):
    line = edit(project, NOTE_000, 'id = "lukin"', 'id = "main"')
    return f"{NOTE_000}:{line}: annotation id 'main' is reserved by the pages; choose another (reserved: p1, p2…, note-…, " \
           "dated-…, articles-title, events-title, lead-title, main, passages-title, q, related-title, results, " \
           "search-form, search-hints, search-status, search-strings, search-unknown, signoff-title, site-q, " \
           "summary-title, text-title, topics-title)"


def case_event_id_site_q(project):
    line = edit(project, "content/timeline.toml", 'id = "korean-war"', 'id = "site-q"')
    return f"content/timeline.toml:{line}: event id 'site-q' is reserved by the pages; choose another (reserved: p1, p2…"


def case_same_spelling_in_two_glossary_entries(project):
    line = edit(project, "content/glossary.toml", 'id = "kim-jong-il"', 'id = "kim-jong-il"\naliases = ["كيم جونغ أون"]')
    return (f"content/glossary.toml:{line}: the spelling 'كيم جونغ أون' of 'kim-jong-il' is also a spelling of 'kim-jong-un' "
            "(line 7); a name can belong to one entry only")


def case_image_in_a_note(project):
    line = edit(project, NOTE_000, 'about.fa = """\n', 'about.fa = """\n![نقشه](missing.png)\n') + 1
    return f"{NOTE_000}:{line}: 'missing.png' is an image; editors' text shows no images (they would appear as text): " \
           "link to it with a full https:// address instead"


def case_protocol_relative_link(project):
    line = edit(project, NOTE_000, 'about.fa = """\n', 'about.fa = """\n[منبع](//evil.example/x)\n') + 1
    return f"{NOTE_000}:{line}: '//evil.example/x' is not a link the digest can keep"


def case_bidi_override_in_a_seed(project):
    line, column = insert_in_seed(project, ANYWHERE, "\u202e")
    return (f"{SEED_001}:{line}:{column}: U+202E RIGHT-TO-LEFT OVERRIDE: an override, invisible, which would reorder "
            f"or garble the text on the page; the seed stays as it is: add \"U+202E\" to cut.remove_characters in {NOTE_001} "
            "to leave it out")


def case_nuls_in_a_seed(project):
    line, column = insert_in_seed(project, ANYWHERE, "\x00 \x00")
    return f"{SEED_001}:{line}:{column}: U+0000 NULL (and 1 more time): a control character, invisible"


def case_unpaired_isolate_in_a_seed(project):
    line, column = insert_in_seed(project, ANYWHERE, "\u2066")
    return f"{SEED_001}:{line}:{column}: U+2066 LEFT-TO-RIGHT ISOLATE: an isolate without its pair, invisible"


def case_remove_characters_that_are_text(project):
    line = edit(project, NOTE_004, "[cut]", '[cut]\nremove_characters = ["U+200C"]') + 1
    return f"{NOTE_004}:{line}: cut.remove_characters: 'U+200C' is not a hidden character that may be removed; " \
           "list control and bidi characters as \"U+202E\""


def case_note_linked_from_outside_the_project(project):
    outside = project.parent / "elsewhere.toml"
    shutil.copy(project / NOTE_003, outside)
    (project / NOTE_003).unlink()
    (project / NOTE_003).symlink_to(outside)
    return f"{NOTE_003}: is a symbolic link to {outside}, outside the project; digest reads only files inside the " \
           "project: copy the file in instead"


def case_notes_folder_linked_from_outside(project):
    outside = project.parent / "notes-elsewhere"
    shutil.move(project / "content" / "notes", outside)
    (project / "content" / "notes").symlink_to(outside, target_is_directory=True)
    return f"content/notes: is a symbolic link to {outside}, outside the project"


def case_seed_linked_to_a_system_file(project):
    (project / SEED_001).unlink()
    (project / SEED_001).symlink_to("/etc/hostname")
    return f"{SEED_001}: is a symbolic link to /etc/hostname, outside the project"


def case_see_that_is_not_a_passage(project):
    line = edit(project, NOTE_000, 'see = ["@kim-tours-far-east-after-summit#armoured-train-primorsky"]', 'see = ["primorsky"]')
    return f"{NOTE_000}:{line}: 'primorsky' is not a passage: write @slug#annotation-id"


def case_cut_drop_as_a_number(project):
    line = edit(project, NOTE_004, "drop = [", "drop = 1\nold_drop = [")
    edit(project, NOTE_004, "old_drop = [", "# [")
    return f"{NOTE_004}:{line}: 'drop' must be a list like [\"a\", \"b\"]"


def case_topic_file_that_is_a_named_pipe(project):
    (project / "content" / "topics" / "economic.toml").unlink()
    os.mkfifo(project / "content" / "topics" / "economic.toml")
    return "content/topics/economic.toml: is not a regular file (a pipe, a device or a folder); replace it with a text file"


def case_seed_linked_to_dev_zero(project):
    (project / SEED_001).unlink()
    (project / SEED_001).symlink_to("/dev/zero")
    return f"{SEED_001}: is a symbolic link to /dev/zero, outside the project"


def case_seed_renamed_to_upper_case_suffix(project):
    os.rename(project / SEED_001, project / SEED_001.replace(".txt", ".TXT"))
    return f"{SEED_001.replace('.txt', '.TXT')}: ends in '.TXT'; name it with '.txt' in lower case"


def case_glossary_deleted(project):
    (project / "content" / "glossary.toml").unlink()
    return f"content/glossary.toml: missing, but notes name entities (first {NOTE_000}:4); restore it, or remove the lists"


def case_misspelt_topics_table(project):
    line = edit(project, "content/digest.toml", "[topics.military]", "[topic.military]")
    return f"content/digest.toml:{line}: unknown key 'topic' in the file"


def case_topic_id_in_capitals(project):
    line = edit(project, "content/digest.toml", "[topics.military]", "[topics.Military]")
    return f"content/digest.toml:{line}: topic id 'Military' must be lower-case latin letters, digits and hyphens"


def case_quote_of_nothing_but_tatweel(project):
    line = edit(project, NOTE_003, 'exact = "بعد از کنفرانس صلحی که با تلاش اوکراین در سوئیس برگزار شد"', 'exact = "ـ"')
    return f"{NOTE_003}:{line}: exact is empty; quote the passage the note is about"


def case_link_with_nested_brackets_to_nowhere(project):
    line = edit(project, NOTE_000, 'about.fa = """\n', 'about.fa = """\nمتن [الف [ب] ج](@no-such-article) و\n') + 1
    return f"{NOTE_000}:{line}: '@no-such-article' points to nothing"


def case_relative_link_with_text_over_two_lines(project):
    line = edit(project, NOTE_000, 'about.fa = """\n', 'about.fa = """\n[الف\nب](../../../../etc)\n') + 1
    return f"{NOTE_000}:{line}: '../../../../etc' is not a link the digest can keep"


def case_reference_definition_in_a_quote(project):
    line = edit(project, NOTE_000, 'about.fa = """\n', 'about.fa = """\n[الف][ب]\n\n> [ب]: page.html\n') + 3
    return f"{NOTE_000}:{line}: 'page.html' is not a link the digest can keep"


def case_error_in_an_annotation_sub_table(project):
    line = edit(project, NOTE_000, '[[annotations]]\nid = "korean-war"', '[annotations.extra]\nx = 1\n\n[[annotations]]\nid = "korean-war"')
    return f"{NOTE_000}:{line}: unknown key 'extra' in annotations; expected one of"


def case_empty_site_title(project):
    line = edit(project, "content/digest.toml", 'fa = "روسیه و کره شمالی: گزیده‌ی حاشیه‌نویسی‌شده"', 'fa = " "')
    return f"content/digest.toml:{line}: title.fa is empty: every page shows it"


def case_empty_alias(project):
    line = edit(project, "content/glossary.toml", 'id = "kim-jong-un"', 'id = "kim-jong-un"')
    edit(project, "content/glossary.toml", 'aliases = ["كيم جونج أون",', 'aliases = ["", "كيم جونج أون",')
    return f"content/glossary.toml:{line}: 'kim-jong-un' has an empty spelling"


def case_related_twice(project):
    line = edit(project, NOTE_003, 'related = ["putin-to-visit-north-korea-june-2024"]',
                'related = ["putin-to-visit-north-korea-june-2024", "putin-to-visit-north-korea-june-2024"]')
    return f"{NOTE_003}:{line}: related lists putin-to-visit-north-korea-june-2024 twice"


def case_protocol_relative_base_url(project):
    line = edit(project, "content/digest.toml", 'base_url = "/"', 'base_url = "//evil.example/"')
    return f"content/digest.toml:{line}: base_url must be an absolute URL like https://example.org/digest/ or a path"


def case_note_saved_as_utf16(project):
    note = project / NOTE_003
    note.write_bytes(note.read_text(encoding="utf-8").encode("utf-16"))
    return f"{NOTE_003}:1: is not valid UTF-8 here; save the file as UTF-8 (it is UTF-16: save it as UTF-8"


def case_empty_note(project):
    (project / NOTE_003).write_text("\n", encoding="utf-8")
    return f"{NOTE_003}: is empty; start from the note that `digest new seeds/003_dd389d9e22ba10dd.txt` writes"


MISTAKES = [value for name, value in sorted(globals().items()) if name.startswith("case_")]


@pytest.mark.parametrize("inject", MISTAKES, ids=lambda f: f.__name__.removeprefix("case_"))
def test_one_mistake_one_clear_error_and_the_site_kept(project, capsys, inject):
    expected = inject(project)
    lines = build_fails(project, capsys)
    BATTERY.append((inject.__name__.removeprefix("case_").replace("_", " "), "clear error", lines[0]))
    assert lines[0].startswith(expected), lines
    assert lines[1:] == ["1 error; nothing was written."], lines


# --- accepted as they are --------------------------------------------------------------------------

def test_byte_order_marks_are_accepted_and_never_output(project, capsys):
    before = tree_digest(project / "site")
    for path in [project / NOTE_000, project / "content" / "glossary.toml", project / SEED_001]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    resum(project)
    build_passes(project, capsys)
    assert tree_digest(project / "site") == before
    BATTERY.append(("BOM at the start of a note, the glossary and a seed", "accepted", "built; output byte-identical"))


def test_windows_line_endings_are_accepted(project, capsys):
    before = tree_digest(project / "site")
    for path in [project / NOTE_000, project / "content" / "timeline.toml"]:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    build_passes(project, capsys)
    assert tree_digest(project / "site") == before
    BATTERY.append(("CRLF line endings in a note and the timeline", "accepted", "built; output byte-identical"))


def test_hidden_characters_the_note_accepts_are_left_out(project, capsys):
    line, column = insert_in_seed(project, ANYWHERE, "\u202b\x07")
    edit(project, NOTE_001, 'slug = ', 'cut.remove_characters = ["U+202B", "U+0007"]\nslug = ')
    build_passes(project, capsys)
    for path in (project / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".bin", ".xml", ""):
            assert "\u202b" not in path.read_bytes().decode("utf-8", "replace") or path.name == "ignored", path
    page = (project / "site" / "ar" / "articles" / "us-official-kim-may-meet-putin-soon" / "index.html").read_text("utf-8")
    assert "قال مسؤول بالأمن" in page and "\x07" not in page
    BATTERY.append(("hidden characters listed in cut.remove_characters", "accepted", "built; characters left out"))


def test_paired_isolates_ltr_marks_and_zwnj_in_a_seed_are_kept(project, capsys):
    insert_in_seed(project, ANYWHERE, "\u2067مثال\u2069\u200f")
    build_passes(project, capsys)
    page = (project / "site" / "ar" / "articles" / "us-official-kim-may-meet-putin-soon" / "index.html").read_text("utf-8")
    assert "\u2067مثال\u2069\u200f" in page


# --- where the site goes ---------------------------------------------------------------------------

@pytest.mark.parametrize("out,message", [
    (".git", ".git: is the project's .git; refusing to write the site there: choose another --out, such as site/"),
    ("README.md", "README.md: is a file, not a folder; refusing to replace it: choose another --out"),
    ("tests", "tests: is the project's tests; refusing to write the site there"),
    ("content/site", "content/site: is inside the project's content; refusing to write the site there"),
    ("..", "{parent}: holds the project folder; refusing to write the site there"),
    ("notes", "notes: is a folder that digest build did not write (it has no .digest-build file); refusing to replace it"),
])
def test_out_never_replaces_what_the_build_did_not_write(project, capsys, out, message):
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "README.md").write_text("# read me\n")
    (project / "tests").mkdir()
    (project / "tests" / "test_x.py").write_text("")
    (project / "notes").mkdir()
    (project / "notes" / "mine.txt").write_text("an editor's own notes")
    before = tree_digest(project)
    code = main(["--root", str(project), "build", "--out", str(project / out)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(message.format(parent=project.parent)), err
    assert tree_digest(project) == before
    BATTERY.append((f"digest build --out {out}", "refused", err.splitlines()[0].replace(str(project.parent), "…")))


def test_a_symlinked_site_is_refused_not_followed(project, capsys):
    elsewhere = project.parent / "precious"
    elsewhere.mkdir()
    (elsewhere / "thesis.txt").write_text("years of work")
    shutil.rmtree(project / "site")
    (project / "site").symlink_to(elsewhere, target_is_directory=True)
    code = main(["--root", str(project), "build"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("site: is a symbolic link; the build writes only a real folder"), err
    assert [p.name for p in elsewhere.iterdir()] == ["thesis.txt"]
    BATTERY.append(("site/ is a symlink to another folder", "refused", err.splitlines()[0]))


def test_an_empty_or_missing_out_is_fine_and_marked(project, capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "missing" / "deeper"):
        assert main(["--root", str(project), "build", "--out", str(out)]) == 0
        assert (out / ".digest-build").is_file() and (out / "fa" / "index.html").is_file()
        assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~current_umask())


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_files_the_build_did_not_write_keep_a_marked_folder(project, capsys):
    """Pelican and MkDocs users lost a CNAME, a blog or .git they kept in the output folder."""
    (project / "site" / "CNAME").write_text("digest.example.org\n")
    (project / "site" / "blog").mkdir()
    (project / "site" / "blog" / "post.html").write_text("mine")
    before = tree_digest(project / "site")
    code = main(["--root", str(project), "build"])
    err = capsys.readouterr().err
    assert code == 1 and err == ("site: holds files digest build did not write (CNAME, blog/post.html); refusing to "
                                 "replace it: move them out of the folder, then build again\n"), err
    assert tree_digest(project / "site") == before
    BATTERY.append(("a CNAME and a blog copied into site/", "refused", err.strip()))


def test_serve_writes_the_whole_site_again_when_site_was_deleted(project):
    from generator.incremental import Builder

    builder = Builder(project, project / "site")
    builder.build()
    shutil.rmtree(project / "site")
    edit(project, NOTE_000, "با قطار زرهی به روسیه رفت", "با قطار زرهی خود به روسیه رفت")
    builder.build()
    clean = project.parent / "clean"
    assert main(["--root", str(project), "build", "--out", str(clean)]) == 0
    assert tree_digest(project / "site") == tree_digest(clean)


def test_leftovers_of_killed_builds_are_cleaned_and_a_moved_site_put_back(project, capsys):
    before = tree_digest(project / "site")
    (project / ".site-new-abc123").mkdir()
    (project / ".site-new-abc123" / ".digest-build").write_text("x")
    (project / ".site-new-abc123" / "fa").mkdir()
    (project / ".site-new-empty").mkdir()
    (project / ".site.lock").write_text("4242\n")
    build_passes(project, capsys)
    assert tree_digest(project / "site") == before
    # killed between the two renames of a system without an atomic exchange: site/ is aside
    os.rename(project / "site", project / ".site-old-xyz")
    (project / ".site-old-xyz" / "fa" / "index.html").write_text("the previous site")
    code = main(["--root", str(project), "build"])
    assert code == 0 and sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site"]
    assert tree_digest(project / "site") == before
    BATTERY.append(("leftovers of killed builds beside site/", "cleaned", "next build removes them and restores a moved site"))


def test_a_folder_that_only_looks_like_a_leftover_is_not_touched(project, capsys):
    (project / ".site-new-mine").mkdir()
    (project / ".site-new-mine" / "draft.txt").write_text("not the build's")
    assert main(["--root", str(project), "build"]) == 0
    assert (project / ".site-new-mine" / "draft.txt").read_text() == "not the build's"


# --- the command line ------------------------------------------------------------------------------

def test_digest_new_on_a_seed_that_is_not_utf8(project, capsys):
    seed = project / "seeds" / "005_legacy.txt"
    seed.write_bytes("سلام\nخبر".encode("cp1256"))
    resum(project)
    code = main(["--root", str(project), "new", str(seed)])
    err = capsys.readouterr().err
    assert code == 1 and err.splitlines()[0].startswith("seeds/005_legacy.txt:1: is not valid UTF-8 here"), err
    assert not (project / "content" / "notes" / "005_legacy.toml").exists()
    BATTERY.append(("digest new on a Windows-1256 seed", "clear error", err.splitlines()[0]))


def test_digest_new_writes_hidden_characters_visibly_and_check_points_at_the_seed(project, capsys):
    seed = project / "seeds" / "005_hidden.txt"
    seed.write_text("پوتین \u202e به پیونگ یانگ \x07 می‌رود\n\nمتن خبر.\n", encoding="utf-8")
    resum(project)
    assert main(["--root", str(project), "new", str(seed)]) == 0
    note = (project / "content" / "notes" / "005_hidden.toml").read_text(encoding="utf-8")
    assert "\u202e" not in note and "\x07" not in note
    assert "# headline found in the seed: پوتین <U+202E> به پیونگ یانگ <U+0007> می‌رود" in note
    assert "# The seed has hidden characters (U+0007, U+202E)" in note
    capsys.readouterr()
    assert main(["--root", str(project), "check"]) == 1
    assert not any(line.startswith("content/notes/005_hidden.toml:6") for line in capsys.readouterr().err.splitlines())


def test_checksums_as_sha256sum_writes_them_in_binary_mode_or_upper_case_are_read(project, capsys):
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest().upper()} *seeds/{p.name}"
             for p in sorted((project / "seeds").glob("*.txt"))]
    (project / "seeds" / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_passes(project, capsys)


def test_a_seed_name_with_a_newline_stays_on_one_line(project, capsys):
    (project / "seeds" / "005_a\nb.txt").write_text("خبر", encoding="utf-8")
    code = main(["--root", str(project), "check"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1 and err[-1] == "2 errors; nothing was written.", err
    assert "seeds/005_a\\x0ab.txt: is not listed in seeds/SHA256SUMS; add it with: (cd seeds && sha256sum " \
           "'005_a\\x0ab.txt' >> SHA256SUMS)" in err, err


def test_out_with_a_tilde_is_the_home_folder(project, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert main(["--root", str(project), "build", "--out=~/public"]) == 0
    assert (tmp_path / "home" / "public" / "fa" / "index.html").is_file()
    assert not (Path.cwd() / "~").exists()


def test_digest_new_ignores_a_byte_order_mark(project, capsys):
    seed = project / "seeds" / "005_bom.txt"
    seed.write_bytes(b"\xef\xbb\xbf" + "پوتین به پیونگ یانگ می‌رود\n\nمتن خبر.".encode())
    resum(project)
    assert main(["--root", str(project), "new", str(seed)]) == 0
    note = (project / "content" / "notes" / "005_bom.toml").read_text(encoding="utf-8")
    assert "\ufeff" not in note and "# headline found in the seed: پوتین به پیونگ یانگ می‌رود" in note


@pytest.mark.parametrize("where,message", [
    ("missing", "{root}: no such folder: --root names the project folder, the one holding content/ and seeds/"),
    ("file", "{root}: is not a folder: --root names the project folder, the one holding content/ and seeds/"),
    ("empty", "{root}: is not a digest project: it has neither content/ nor seeds/; run digest in the project folder, "
              "or name it with --root"),
])
def test_a_root_that_is_no_project_is_one_line(tmp_path, capsys, where, message):
    root = tmp_path / where
    if where == "file":
        root.write_text("")
    if where == "empty":
        root.mkdir()
    for command in (["build"], ["check"], ["serve", "--port", "0"], ["new", "x.txt"]):
        assert main(["--root", str(root), *command]) == 1
        assert capsys.readouterr().err == message.format(root=root) + "\n"
    assert not (root / "site").exists()
    named = {"missing": "a missing folder", "file": "a file", "empty": "a folder with no project"}[where]
    BATTERY.append((f"--root names {named}", "clear error", message.format(root="/path")))


def test_serve_on_a_port_in_use_says_so_before_building(project, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        before = tree_digest(project / "site")
        assert main(["--root", str(project), "serve", "--port", str(port)]) == 1
        err = capsys.readouterr().err
    assert err == (f"127.0.0.1:{port}: cannot listen here: Address already in use; is another server using this port? "
                   "choose another with --port\n")
    assert tree_digest(project / "site") == before
    BATTERY.append(("digest serve on a port in use", "clear error", err.strip().replace(str(port), "PORT")))


def test_base_url_is_validated_on_the_command_line(project, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--root", str(project), "build", "--base-url", "example.org"])
    assert exit_.value.code == 2
    assert "argument --base-url: 'example.org' is neither an absolute URL" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_number_of_workers(project, capsys, jobs):
    with pytest.raises(SystemExit) as exit_:
        main(["--root", str(project), "build", "--jobs", jobs])
    assert exit_.value.code == 2
    assert f"argument --jobs: '{jobs}' is not a number of worker processes (1 or more)" in capsys.readouterr().err


def test_an_unforeseen_failure_is_one_line_and_debug_shows_the_traceback(project, capsys, monkeypatch):
    from generator import build

    def broken(*args, **kwargs):
        raise LookupError("something nobody foresaw")

    monkeypatch.setattr(build, "build", broken)
    assert main(["--root", str(project), "build"]) == 1
    assert capsys.readouterr().err == ("digest: internal error: LookupError: something nobody foresaw; this is a bug in "
                                       "digest: run the same command with --debug and report what it prints\n")
    with pytest.raises(LookupError):
        main(["--root", str(project), "--debug", "build"])


# --- templates -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    """The generator with its templates, copied, so that a test can break a template."""
    dest = tmp_path_factory.mktemp("repo") / "digest"
    for folder in ("generator", "templates", "seeds", "content"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.mark.parametrize("broken,message", [
    ("{{ article.no_such_field }}", "templates/article.html:23: UndefinedError: 'generator.model.Article object' has no "
                                    "attribute 'no_such_field' (while rendering /fa/articles/russia-strategic-alliances-"
                                    "multipolar-world/ from content/notes/003_dd389d9e22ba10dd.toml)"),
    ("{{ 1 // 0 }}", "templates/article.html:23: ZeroDivisionError: integer division or modulo by zero (while rendering /fa/"),
    ("{% if %}", "templates/article.html:23: TemplateSyntaxError: Expected an expression, got 'end of statement block'"),
])
def test_a_failing_template_names_its_line_and_the_page(repo_copy, broken, message):
    template = repo_copy / "templates" / "article.html"
    original = template.read_text(encoding="utf-8")
    lines = original.split("\n")
    lines[22] += broken
    template.write_text("\n".join(lines), encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=repo_copy, capture_output=True,
                                text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, timeout=120)
    finally:
        template.write_text(original, encoding="utf-8")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(message), result.stderr
    assert result.stderr.splitlines()[1:] == ["1 error; nothing was written."]
    assert not (repo_copy / "site").exists()
    BATTERY.append((f"template error: {broken}", "clear error", result.stderr.splitlines()[0]))


def test_serve_removes_the_folders_of_an_article_whose_slug_changed(project):
    from generator.incremental import Builder

    builder = Builder(project, project / "site")
    builder.build()
    old, new = "kim-to-visit-russia-september-2023", "kim-to-visit-russia-2023"
    for path in (project / "content").rglob("*.toml"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    builder.build()
    for lang in ("fa", "ar"):
        assert not (project / "site" / lang / "articles" / old).exists()
        assert (project / "site" / lang / "articles" / new / "index.html").is_file()
    clean = project.parent / "clean"
    assert main(["--root", str(project), "build", "--out", str(clean)]) == 0
    assert tree_digest(project / "site") == tree_digest(clean)


def test_a_byte_order_mark_in_templates_is_no_text_on_the_pages(repo_copy, tmp_path):
    """Hugo had pages come out blank or with a stray U+FEFF when a layout was saved with a BOM (hugo#4895)."""
    def build_into(out: Path) -> dict:
        result = subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=repo_copy,
                                capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, timeout=120)
        assert result.returncode == 0, result.stderr
        return tree_digest(out)

    plain = build_into(tmp_path / "plain")
    templates = [repo_copy / "templates" / name for name in ("base.html", "article.html", "_macros.html")]
    originals = [path.read_bytes() for path in templates]
    try:
        for path, data in zip(templates, originals):
            path.write_bytes(b"\xef\xbb\xbf" + data)
        assert build_into(tmp_path / "bom") == plain
    finally:
        for path, data in zip(templates, originals):
            path.write_bytes(data)
    BATTERY.append(("BOM at the start of templates", "accepted", "built; output byte-identical"))
