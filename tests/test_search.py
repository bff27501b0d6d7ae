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


def test_the_files_every_query_needs_stay_small_as_the_digest_grows(built):
    """meta.json and glossary.json are fetched by every first query, and revalidated: they must not
    carry a list of the whole index."""
    from generator.bench import synthetic_site
    from generator.build import load_site
    from generator.index import build_index

    index = built / "assets" / "search"
    glossary = json.loads((index / "glossary.json").read_text(encoding="utf-8"))
    assert set(glossary.values()) <= {p.name for p in (ROOT / "content").glob("*")} | set(glossary.values())
    assert len(gzip.compress((index / "glossary.json").read_bytes())) < 8000
    small = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    large = json.loads(build_index(synthetic_site(load_site(ROOT), 640))["search/meta.json"])
    assert len(small["records"]) == 1 and len(large["records"]) == 10, "a version per 64 articles"
    assert len(large["shards"]) < 60, "a manifest per first letter, not a version per shard"
    assert len(gzip.compress(json.dumps(large, ensure_ascii=False).encode())) < 1200


def test_every_index_file_a_host_may_keep_is_named_by_its_contents(built):
    """Shards, manifests and records carry a hash of their bytes (of their group's, for records),
    and every one is reachable from meta.json: none missing, none left over."""
    import hashlib

    index = built / "assets" / "search"
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(index).as_posix() for p in index.rglob("*.json")} - {"meta.json", "glossary.json"}
    reached = set()
    for letter, version in meta["shards"].items():
        manifest = f"m/{letter.encode().hex()}.{version}.json"
        reached.add(manifest)
        assert hashlib.sha256(b"m/" + letter.encode() + b"\0" + (index / manifest).read_bytes() + b"\0").hexdigest()[:10] == version
        for key, shard_version in json.loads((index / manifest).read_text(encoding="utf-8")).items():
            assert key.startswith(letter)
            reached.add(f"t/{key.encode().hex()}.{shard_version}.json")
    for number in range(len(list(index.glob("d/*.json")))):
        reached.add(f"d/{number}.{meta['records'][number // meta['recordGroup']]}.json")
    assert reached == on_disk


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
    rewording one note must rewrite only a small part of it."""
    import dataclasses

    from generator.bench import synthetic_site
    from generator.build import load_site
    from generator.index import SearchIndex, build_index
    from generator.model import Bilingual

    site = synthetic_site(load_site(ROOT), 120)
    index = SearchIndex()
    before = previous = index.files(site)

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
        kept = {name for name in files.keys() & previous.keys() if not name.endswith(("meta.json", "glossary.json"))}
        assert all(files[name] == previous[name] for name in kept), "a cached name must never hold new bytes"
        if step == 0:
            changed = [name for name in files if before.get(name) != files[name]]
            # the article's length moves every impact a little, and some round differently: a few dozen
            # shards with their letters' manifests, of about 1,400 files
            assert 1 <= len(changed) <= len(files) // 20, changed
        previous = files
    site = dataclasses.replace(site, articles=site.articles[1:])
    assert index.files(site) == build_index(site), "removing an article"
