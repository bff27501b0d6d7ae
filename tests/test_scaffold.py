"""`digest new SEED`: a note prefilled from the seed, never overwriting one."""

import tomllib

from generator.cli import main

NOTE = "content/notes/{}.toml"


def test_scaffold_prefills_what_the_seed_prints(project, capsys):
    (project / NOTE.format("000_2d6022ae28c1f2b9")).unlink()
    assert main(["--root", str(project), "new", "seeds/000_2d6022ae28c1f2b9.txt"]) == 0
    text = (project / NOTE.format("000_2d6022ae28c1f2b9")).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["lang"] == "fa" and str(data["date"]["published"]) == "2023-09-05"
    assert "# headline found in the seed: مسکو و پیونگ یانگ به دنبال تقویت همکاریها؛ کیم به روسیه میرود" in text
    assert '# start = "کیم جونگ اون، رئیس کره شمالی' in text


def test_scaffold_for_a_seed_without_headline_or_date(project, capsys):
    (project / NOTE.format("004_911ee84ec367d659")).unlink()
    assert main(["--root", str(project), "new", "004_911ee84ec367d659"]) == 0
    data = tomllib.loads((project / NOTE.format("004_911ee84ec367d659")).read_text(encoding="utf-8"))
    assert data["lang"] == "ar" and data["headline"] == "" and data["date"]["inferred"] is True
    capsys.readouterr()
    assert main(["--root", str(project), "check"]) == 1
    errors = capsys.readouterr().err
    assert "004_911ee84ec367d659.toml:4: slug 'TODO-latin-slug' must be lower-case latin letters" in errors
    assert "missing key 'published' in date" in errors and "summary.ar is empty" in errors


def test_scaffold_never_overwrites(project, capsys):
    before = (project / NOTE.format("002_bf67f3b841684d33")).read_bytes()
    assert main(["--root", str(project), "new", "seeds/002_bf67f3b841684d33.txt"]) == 1
    assert "content/notes/002_bf67f3b841684d33.toml: exists already; edit it (digest new never overwrites)" in capsys.readouterr().err
    assert (project / NOTE.format("002_bf67f3b841684d33")).read_bytes() == before


def test_scaffold_needs_a_seed_in_seeds(project, capsys):
    assert main(["--root", str(project), "new", "nowhere.txt"]) == 1
    assert capsys.readouterr().err == "nowhere.txt: is not a seed file in seeds/ of this project; give the file name, e.g. seeds/005_….txt\n"
