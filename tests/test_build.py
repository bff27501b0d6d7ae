"""The whole build: every page in both languages, nothing lost, nothing leaked, same input → same bytes."""

import hashlib
import re
from pathlib import Path

import pytest

from generator import build as build_module
from generator.build import build
from generator.cli import main
from tests.conftest import ROOT, site_pages
from generator.linkcheck import broken_links
from generator.linkcheck import read_page as read_html

SLUGS = ["kim-to-visit-russia-september-2023", "us-official-kim-may-meet-putin-soon", "kim-tours-far-east-after-summit",
         "russia-strategic-alliances-multipolar-world", "putin-to-visit-north-korea-june-2024"]
BOILERPLATE = ["السيسي", "ترامب", "دیدگاهتان", "وردپرس", "Get News Fast", "انتهای پیام", "كلمات دلالية", "شرم الشيخ",
               "واژه های کاربردی", "مقالات مشابهة", "ما نحتاج إلى معرفته"]


def tree_digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_page_exists_in_both_languages(built):
    expected = {"index.html", "404.html", "assets/search.js", "assets/textnorm.js", "assets/search-page.js", "_headers"}
    for lang in ("fa", "ar"):
        expected |= {f"{lang}/index.html", f"{lang}/404.html"}
        expected |= {f"{lang}/articles/{slug}/index.html" for slug in SLUGS}
        expected |= {f"{lang}/topics/{t}/index.html" for t in ("military", "economic", "historical")}
    assert expected <= set(tree_digest(built))


def test_no_boilerplate_anywhere_in_the_site(built):
    for path in built.rglob("*"):
        if path.suffix in (".html", ".js", ".css", ".json"):
            text = path.read_text(encoding="utf-8")
            for word in BOILERPLATE:
                assert word not in text, f"{word} in {path.relative_to(built)}"


def test_every_page_is_rtl_with_the_interface_language(built):
    for path in site_pages(built):
        attrs = read_page(path).html_attrs
        assert attrs["dir"] == "rtl", path
        lang = path.relative_to(built).parts[0]
        assert attrs["lang"] == (lang if lang in ("fa", "ar") else "fa"), path


def test_article_pages_carry_their_seed_and_own_language(built):
    for slug in SLUGS:
        for lang in ("fa", "ar"):
            html = (built / lang / "articles" / slug / "index.html").read_text(encoding="utf-8")
            seed = read_page(built / lang / "articles" / slug / "index.html").meta["digest:seed"]
            assert (ROOT / "seeds" / f"{seed}.txt").exists()
            article_lang = "fa" if seed[:3] in ("000", "002", "003") else "ar"
            assert f'<h1 lang="{article_lang}">' in html


def read_page(path: Path):
    return read_html(path.read_text(encoding="utf-8"))


def test_links_and_fragments_all_resolve(built):
    files = {p.relative_to(built).as_posix(): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    assert broken_links(files) == []


def test_no_external_requests_and_only_relative_links(built):
    for path in site_pages(built):
        for tag, url in read_page(path).links:
            if tag in ("link", "script", "img", "source"):
                assert not re.match(r"^(https?:)?//", url), f"{path}: loads {url}"
            if path.name != "404.html" and tag != "a":
                assert not url.startswith("/"), f"{path}: absolute {url}"
            if path.name != "404.html" and tag == "a" and not url.startswith(("http://", "https://")):
                assert not url.startswith("/"), f"{path}: absolute {url}"


def test_interface_has_no_english(built):
    """Latin words on a page may only come from what editors or sources wrote, never from the interface."""
    sources = " ".join(p.read_text(encoding="utf-8") for p in [*ROOT.glob("seeds/*.txt"), *ROOT.glob("content/**/*.toml")])
    for path in site_pages(built):
        for word in re.findall(r"[A-Za-z]{2,}", " ".join(read_page(path).text)):
            assert word in sources, f"{path.relative_to(built)}: '{word}'"


def test_annotations_are_linkable_and_numbered_in_local_digits(built):
    html = (built / "fa" / "articles" / SLUGS[4] / "index.html").read_text(encoding="utf-8")
    assert '<mark id="seven-thousand-containers">' in html
    assert 'id="note-seven-thousand-containers"' in html
    numbers = re.findall(r'<sup class="ref"><a href="#note-[a-z0-9-]+" aria-label="یادداشت ([۰-۹]+)">\1</a>', html)
    assert numbers == ["۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹", "۱۰", "۱۱", "۱۲"]
    ar = (built / "ar" / "articles" / SLUGS[4] / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="الملاحظة ١٢">١٢</a>' in ar


def test_topic_page_gathers_passages_from_both_languages(built):
    html = (built / "fa" / "topics" / "economic" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../../fa/articles/kim-to-visit-russia-september-2023/#china-trade"' in html
    assert 'href="../../../fa/articles/us-official-kim-may-meet-putin-soon/#rail-resumed"' in html
    assert '<blockquote lang="ar">' in html and '<blockquote lang="fa">' in html


def test_a_claim_shows_the_weight_of_its_evidence(built):
    fa = (built / "fa" / "articles" / "putin-to-visit-north-korea-june-2024" / "index.html").read_text(encoding="utf-8")
    assert '<span class="kind kind-disputed evidence-confirmed">ادعا: شواهد مستقل تأییدش می‌کند</span>' in fa
    ar = (built / "ar" / "articles" / "us-official-kim-may-meet-putin-soon" / "index.html").read_text(encoding="utf-8")
    assert '<span class="kind kind-disputed evidence-denied">ادعاء: ينفيه الطرف الآخر</span>' in ar
    assert '<span class="kind kind-disputed evidence-unverified">ادعاء: لم يُتحقَّق منه</span>' in ar


def test_inferred_dates_are_marked(built):
    html = (built / "ar" / "articles" / SLUGS[4] / "index.html").read_text(encoding="utf-8")
    assert "تاريخ استنتجه المحرر" in html and "اليوم الاثنين" in html
    printed = (built / "fa" / "articles" / SLUGS[0] / "index.html").read_text(encoding="utf-8")
    head = printed[printed.index('<header class="article-head">'):printed.index("</header>", printed.index("article-head"))]
    assert "تاریخ برآوردی ویراستار" not in head
    assert '<time datetime="2023-09-05">۱۴ شهریور ۱۴۰۲</time> <span class="greg">(۵ سپتامبر ۲۰۲۳)</span>' in printed


def test_build_is_deterministic_and_leaves_inputs_alone(tmp_path):
    inputs = {name: tree_digest(ROOT / name) for name in ("seeds", "content", "templates")}
    build(ROOT, tmp_path / "one")
    build(ROOT, tmp_path / "two")
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    assert {name: tree_digest(ROOT / name) for name in inputs} == inputs


def test_seeds_still_match_their_checksums():
    for line in (ROOT / "seeds" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((ROOT / "seeds" / name).read_bytes()).hexdigest() == digest, name


def test_failed_build_leaves_the_previous_site_byte_identical(project, capsys):
    assert main(["--root", str(project), "build"]) == 0
    before = tree_digest(project / "site")
    note = project / "content" / "notes" / "000_2d6022ae28c1f2b9.toml"
    note.write_text(note.read_text(encoding="utf-8").replace("published = 2023-09-05", "published = 2023-13-05"), encoding="utf-8")
    assert main(["--root", str(project), "build"]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site"]


def test_failure_while_writing_leaves_the_previous_site(project, monkeypatch):
    build(project)
    before = tree_digest(project / "site")

    # a file that cannot be written, after others were: the half-written folder must vanish
    monkeypatch.setattr(build_module, "asset_files", lambda theme: {"assets/x.css": b"x", "assets/broken": None})
    with pytest.raises(TypeError):
        build(project)
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "seeds", "site"]


@pytest.mark.parametrize("out", ["content", "seeds", ".", "content/site"])
def test_build_refuses_to_write_over_inputs(project, capsys, out):
    assert main(["--root", str(project), "build", "--out", str(project / out)]) == 1
    assert "refusing to write the site" in capsys.readouterr().err


def test_base_url_sets_the_404_pages_paths(tmp_path):
    build(ROOT, tmp_path / "site", base_url="https://example.org/digest/")
    html = (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
    assert re.search(r'href="/digest/assets/v/site\.[0-9a-f]{10}\.css"', html) and 'href="/digest/fa/"' in html
    topic = (tmp_path / "site" / "fa" / "topics" / "military" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./\.\./\.\./assets/v/site\.[0-9a-f]{10}\.css"', topic)


def test_titles_are_plain_text(built):
    """<title> is not parsed as HTML: markup there would show in the browser tab."""
    for path in site_pages(built):
        title = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S).group(1)
        assert "<" not in title and title.strip(), path


def test_build_benchmark_reports_every_stage_and_the_peak_memory():
    """`digest bench --build` keeps working on a synthetic project; its figures are read by people
    (README, closing notes), not asserted, but the build it times must be the whole build."""
    import json
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(ROOT), "bench", "--build", "--articles", "20",
                             "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert figures["articles"] == 20 and figures["pages"] > 2 * 20 and figures["peak_mib"] > 0
    from generator.bench_build import STAGES

    assert set(figures["seconds"]) == set(STAGES)  # load, plan, render (with the index built meanwhile), index
    assert figures["seconds"]["render"] >= figures["seconds"]["index"]
    assert abs(sum(figures["seconds"][stage] for stage in ("load", "plan", "render")) - figures["total_s"]) < 0.1
