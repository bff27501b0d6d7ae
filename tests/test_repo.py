"""The repository keeps its promises to a newcomer."""

from tests.conftest import ROOT


def test_ci_runs_exactly_the_readme_test_command():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    command = lines[lines.index("# test-command (the README's, verbatim; tests/test_repo.py keeps them in step)") + 1]
    assert f"\n{command}\n" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_fonts_ship_with_their_licences():
    fonts = ROOT / "templates" / "assets" / "fonts"
    assert len(list(fonts.glob("*.woff2"))) == 8
    for licence in ("OFL-Vazirmatn.txt", "OFL-NotoNaskhArabic.txt"):
        assert "SIL Open Font License" in (fonts / licence).read_text(encoding="utf-8")
