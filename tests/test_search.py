"""Search: the Python side of the index, and the JavaScript module run by Node against the real digest."""

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.textnorm import terms

ROOT = Path(__file__).resolve().parent.parent
STEMS = json.loads((Path(__file__).parent / "stem_vectors.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", STEMS, ids=[c["why"] for c in STEMS])
def test_stemming_vector(case):
    assert terms(case["input"]) == case["expected"]


def test_javascript_search_against_the_real_digest(built):
    node = shutil.which("node")
    assert node, "Node.js is required for the JavaScript tests (apt-get install nodejs)"
    env = {**os.environ, "DIGEST_SITE": str(built)}
    result = subprocess.run([node, "--test", "tests/js/search.test.mjs"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# skipped 0" in result.stdout


def test_boilerplate_is_never_indexed(built):
    index = built / "assets" / "search"
    for path in index.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        for word in ("دیدگاهتان", "وردپرس", "السیسی", "ترامب", "ترامپ", "شرم"):
            assert word not in text, (word, path.name)


def test_no_file_every_query_needs_grows_with_the_articles(built):
    index = built / "assets" / "search"
    assert set(json.loads((index / "meta.json").read_text())) == {"version", "shard", "flagBits", "topics", "langs", "minPrefix"}
    glossary = json.loads((index / "glossary.json").read_text(encoding="utf-8"))
    assert set(glossary.values()) <= {p.name for p in (ROOT / "content").glob("*")} | set(glossary.values())
    assert len(gzip.compress((index / "glossary.json").read_bytes())) < 8000


@pytest.mark.browser
def test_bench_runs_and_reports_every_figure():
    """`digest bench` must keep working; its figures are read by people, not asserted here."""
    import sys

    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(ROOT), "bench", "--search", "--sizes", "40",
                             "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    [row] = json.loads(result.stdout)
    assert set(row) == {"articles", "index_build_s", "index_files", "index_bytes", "index_bytes_gzip", "cold_first_query_gzip",
                        "later_query_gzip_median", "latency_ms_median", "latency_ms_p95", "loaded_ms_median", "loaded_ms_p95",
                        "latency_ms_first"}
    assert row["articles"] == 40 and row["cold_first_query_gzip"] > 0


def test_an_index_updated_after_edits_is_the_index_a_clean_build_writes():
    """`digest serve` updates the index in place; after any edit it must equal a fresh build, and
    rewording one note must rewrite only a few files."""
    import dataclasses

    from generator.bench import synthetic_site
    from generator.build import load_site
    from generator.index import SearchIndex, build_index
    from generator.model import Bilingual

    site = synthetic_site(load_site(ROOT), 120)
    index = SearchIndex()
    before = index.files(site)

    def edited(number, change):
        articles = list(site.articles)
        articles[number] = change(articles[number])
        return dataclasses.replace(site, articles=tuple(articles))

    def reword(article):
        first = article.annotations[0]
        note = Bilingual("(ویرایش) زرافه " + first.note.fa, first.note.ar)
        return dataclasses.replace(article, annotations=(dataclasses.replace(first, note=note), *article.annotations[1:]))

    edits = [
        lambda a: reword(a),
        lambda a: dataclasses.replace(a, headline=a.headline + " تازه", topics=a.topics[:1]),
        lambda a: dataclasses.replace(a, blocks=a.blocks[1:]),
        lambda a: dataclasses.replace(a, lang="ar" if a.lang == "fa" else "fa"),
    ]
    for step, change in enumerate(edits):
        site = edited(step * 7, change)
        files = index.files(site)
        assert files == build_index(site), f"edit {step} left the index different from a clean build"
        if step == 0:
            changed = [name for name in files if before.get(name) != files[name]]
            assert 1 <= len(changed) <= 20, changed
    site = dataclasses.replace(site, articles=site.articles[1:])
    assert index.files(site) == build_index(site), "removing an article"
