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
