"""`digest bench`: the search index measured on synthetic digests of thousands of articles.

Synthetic articles are made from the real digest's paragraphs (each keeps its language and
its glossary mentions), notes and summaries, so vocabulary and spelling are real while the
article count grows. For each size it reports what DESIGN.md asks of search: index build
time, total index bytes, the gzip bytes a cold first query downloads (search module,
constant files, shards, records of the shown results), the gzip bytes of a typical later
query, and the median and p95 latency of a fixed query list in headless chromium.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import random
import statistics
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

from generator.index import build_index
from generator.model import Mention, Site
from generator.theme import DEFAULT as TEMPLATES

QUERIES = [
    "پوتین", "بوتين", "Putin", "کیم جونگ اون", "كيم جونج أون", "فلاديفوستوك", "ولادی وستوک", "شويغو",
    "تحریمهای", "العقوبات", "نفت", "النفط", "ذخائر", "مهمات", "کره شمالی روسیه", "الصواريخ الباليستية",
    "\"قطار زرهی\"", "\"الحرب الباردة\"", "ماتسگ", "لانكو", "اوکرا", "شورای امنیت", "مجلس الأمن", "کنویچی",
    "۲۰۱۹", "٧٠٠٠", "همکاری نظامی", "التعاون العسكري", "Vladivostok", "سفر پوتین به کره شمالی",
]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def synthetic_site(site: Site, count: int, seed: int = 1402) -> Site:
    """`count` articles built from the real site's paragraphs, notes and summaries."""
    rng = random.Random(seed)
    pools: dict[str, list[tuple]] = {"fa": [], "ar": []}
    for article in site.articles:
        for index, block in enumerate(article.blocks):
            mentions = [m for m in article.mentions if m.block == index]
            pools[article.lang].append((block, mentions))
    notes = [a for article in site.articles for a in article.annotations]
    articles = []
    for number in range(count):
        base = rng.choice(site.articles)
        chosen = rng.sample(pools[base.lang], k=min(len(pools[base.lang]), rng.randint(6, 18)))
        blocks = tuple(block for block, _ in chosen)
        mentions = tuple(Mention(i, m.start, m.end, m.entity) for i, (_, ms) in enumerate(chosen) for m in ms)
        paragraphs = [b for b in blocks if b.kind == "paragraph"] or list(blocks)
        headline = " ".join(rng.choice(paragraphs).text.split()[:10]).rstrip(".")
        annotations = tuple(dataclasses.replace(a, id=f"a{i}", block=0, start=0, end=0)
                            for i, a in enumerate(rng.sample(notes, k=rng.randint(2, 6))))
        articles.append(dataclasses.replace(
            base, seed=f"{number:05d}_synthetic", slug=f"synthetic-{number}", headline=headline, blocks=blocks,
            annotations=annotations, mentions=mentions, summary=rng.choice(site.articles).summary,
            topics=tuple(t.id for t in site.settings.topics if rng.random() < 0.6) or (site.settings.topics[0].id,),
            entities=tuple(rng.sample(base.entities, k=min(len(base.entities), rng.randint(2, 8)))),
        ))
    return Site(site.settings, tuple(articles), site.entities, ())


def write_bench_site(files: dict[str, bytes], folder: Path) -> dict[str, int]:
    """The search module, its index and a bare page that imports it; returns gzip size per URL path."""
    for name in ("search.js", "textnorm.js"):
        files[f"assets/{name}"] = (TEMPLATES / "assets" / name).read_bytes()
    files["bench.html"] = (b'<!DOCTYPE html><html lang="fa"><meta charset="utf-8"><title>bench</title>'
                           b'<script type="module">import * as s from "./assets/search.js"; window.searchModule = s;</script>')
    sizes = {}
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        sizes["/" + name] = len(gzip.compress(data, compresslevel=6))
    return sizes


def browser_queries(url: str, sizes: dict[str, int]) -> dict:
    """Run QUERIES one after another in a fresh page; latency and downloaded gzip bytes per query."""
    from urllib.parse import unquote, urlparse

    from playwright.sync_api import sync_playwright

    def fetched(page, seen: set) -> int:
        names = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        new = [n for n in names if n not in seen]
        seen.update(new)
        return sum(sizes.get(unquote(urlparse(n).path), 0) for n in new)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "bench.html")
        page.wait_for_function("window.searchModule !== undefined")
        seen: set = set()
        first_runs, repeats, downloads = [], [], []
        timed = "async q => { const t = performance.now(); await window.searchModule.search(q); return performance.now() - t; }"
        for query in QUERIES:
            first_runs.append(page.evaluate(timed, query))
            downloads.append(fetched(page, seen))
            repeats.append(page.evaluate(timed, query))
        browser.close()
    return {
        "cold_first_query_gzip": downloads[0],
        "later_query_gzip_median": statistics.median(downloads[1:]),
        "latency_ms_median": round(statistics.median(first_runs[1:]), 1),
        "latency_ms_p95": _p95(first_runs[1:]),
        "loaded_ms_median": round(statistics.median(repeats), 1),
        "loaded_ms_p95": _p95(repeats),
        "latency_ms_first": round(first_runs[0], 1),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1)


STATIC_SERVER = r"""
const http = require("http"), fs = require("fs"), path = require("path");
const root = process.argv[1];
const types = {".js": "text/javascript", ".json": "application/json", ".html": "text/html"};
const server = http.createServer((req, res) => {
  const file = path.join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, {"content-type": (types[path.extname(file)] || "application/octet-stream") + "; charset=utf-8",
                        "cache-control": "max-age=3600"});
    res.end(data);
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
"""
"""A static file server as fast as a real host's (Python's http.server would dominate the figures)."""


def measure(site: Site, count: int) -> dict:
    synthetic = synthetic_site(site, count)
    started = time.perf_counter()
    index = build_index(synthetic)
    seconds = time.perf_counter() - started
    result = {
        "articles": count,
        "index_build_s": round(seconds, 2),
        "index_files": len(index),
        "index_bytes": sum(len(d) for d in index.values()),
    }
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as folder:
        files = {f"assets/{name}": data for name, data in index.items()}
        sizes = write_bench_site(files, Path(folder))
        result["index_bytes_gzip"] = sum(v for k, v in sizes.items() if k.startswith("/assets/search/"))
        server = subprocess.Popen(["node", "-e", STATIC_SERVER, folder], stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            result.update(browser_queries(f"http://127.0.0.1:{port}/", sizes))
        finally:
            server.terminate()
            server.wait()
    return result


def write_synthetic_project(root: Path, folder: Path, count: int, seed: int = 1402) -> None:
    """A project of `count` seeds and notes made from the real paragraphs, for timing the editor's loop."""
    import hashlib

    from generator.build import load_site
    from generator.textnorm import normalize

    site = load_site(root)
    rng = random.Random(seed)
    shutil.copytree(root / "content", folder / "content", ignore=shutil.ignore_patterns("notes", "timeline.toml"))
    (folder / "content" / "notes").mkdir()
    for topic in (folder / "content" / "topics").glob("*.toml"):  # their links point into the real articles
        topic.write_text(re.sub(r"\[([^\]]+)\]\(@[^)]*\)", r"\1", topic.read_text(encoding="utf-8")), encoding="utf-8")
    entries = []
    for e in site.entities:  # sampled paragraphs need not contain every spelling
        spellings = ", ".join(json.dumps(x, ensure_ascii=False) for x in e.spellings)
        entries.append(f'[[entity]]\nid = "{e.id}"\nkind = "{e.kind}"\nlatin = {json.dumps(e.latin)}\n'
                       f"fa = {json.dumps(e.name.fa, ensure_ascii=False)}\nar = {json.dumps(e.name.ar, ensure_ascii=False)}\n"
                       f"aliases = [{', '.join(json.dumps(a, ensure_ascii=False) for a in e.aliases)}]\n"
                       f"editor_spellings = [{spellings}]\n")
    (folder / "content" / "glossary.toml").write_text("\n".join(entries), encoding="utf-8")
    (folder / "seeds").mkdir()
    notes = [a for article in site.articles for a in article.annotations]
    sums = []
    for number, article in enumerate(synthetic_site(site, count, seed).articles):
        stem = f"{number:05d}_synthetic"
        seed_text = "\n\n".join([article.headline, *(b.text for b in article.blocks)]) + "\n"
        (folder / "seeds" / f"{stem}.txt").write_text(seed_text, encoding="utf-8")
        sums.append(f"{hashlib.sha256(seed_text.encode('utf-8')).hexdigest()}  {stem}.txt")
        norms = [normalize(b.text) for b in article.blocks]
        lines = [f'slug = "synthetic-{number}"', f'lang = "{article.lang}"',
                 "topics = [" + ", ".join(f'"{t}"' for t in article.topics) + "]",
                 "", "[source]", 'outlet = "synthetic"', "", "[date]",
                 f"published = {article.published.date.isoformat()}", "inferred = true",
                 'reason.fa = "ساختگی"', 'reason.ar = "مصطنع"', "", "[summary]",
                 "fa = " + json.dumps(article.summary.fa, ensure_ascii=False), "ar = " + json.dumps(article.summary.ar, ensure_ascii=False)]
        paragraphs = [i for i, b in enumerate(article.blocks) if b.kind == "paragraph"]
        for index, block in enumerate(rng.sample(paragraphs, k=min(3, len(paragraphs)))):
            quote = " ".join(article.blocks[block].text.split()[:7])
            if quote and sum(n.count(normalize(quote).strip()) for n in norms) == 1:
                note = rng.choice(notes).note
                lines += ["", "[[annotations]]", f'id = "a{index}"', "exact = " + json.dumps(quote, ensure_ascii=False),
                          'topics = ["military"]', "note.fa = " + json.dumps(note.fa, ensure_ascii=False),
                          "note.ar = " + json.dumps(note.ar, ensure_ascii=False)]
        (folder / "content" / "notes" / f"{stem}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "seeds" / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


def serve_latency(root: Path, articles: int | None = None) -> dict:
    """Save-to-reload, measured in a temporary copy of the whole project (code, templates, content),
    so that the template edits never touch the real one; with `articles`, on a synthetic project that size."""
    code = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="digest-serve-bench-") as folder:
        copy = Path(folder)
        shutil.copytree(code, copy / "generator", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(TEMPLATES, copy / "templates")
        fill_project(root, copy, articles)
        return run_inner(copy, "--serve-inner", timeout=3600)


def fill_project(root: Path, folder: Path, articles: int | None) -> None:
    """What a benchmark measures: a synthetic project of `articles` articles, or this project's own."""
    if articles:
        write_synthetic_project(root, folder, articles)
    else:
        for name in ("seeds", "content"):
            shutil.copytree(root / name, folder / name)


def run_inner(project: Path, flag: str, timeout: int) -> dict:
    """Run a measurement in a process of its own (`digest bench --…-inner`) and read its JSON."""
    out = subprocess.run([sys.executable, "-m", "generator", "--root", str(project), "bench", flag],
                         cwd=project, capture_output=True, text=True, timeout=timeout)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout)


def serve_latency_here(project: Path, edits: int = 20) -> dict:
    """The measurement itself, run by serve_latency inside the throw-away copy (it edits a template)."""
    from generator.serve import Preview, watch

    if not str(project.resolve()).startswith(tempfile.gettempdir()):
        raise SystemExit("--serve-inner edits templates; it runs only in the copy digest bench --serve makes")
    preview = Preview(project, project / "site", "127.0.0.1", 0, log=lambda message: None)
    started = time.perf_counter()
    preview.rebuild()
    first_build = time.perf_counter() - started
    observer = watch(preview)
    preview.view("fa/index.html")  # an editor has the front page open: after a template edit it goes first
    notes = sorted((project / "content" / "notes").glob("*.toml"))
    note_text = notes[0].read_text(encoding="utf-8")
    home, base = TEMPLATES / "home.html", TEMPLATES / "base.html"
    home_text, base_text = home.read_text(encoding="utf-8"), base.read_text(encoding="utf-8")
    try:
        figures = {
            "articles": len(notes),
            "first_build_s": round(first_build, 1),
            # rewording an annotation's note: the edit editors make most
            "note_edit_ms": _edits(preview, notes[0], lambda i: note_text if i % 2 == 0 else
                                   note_text.replace('note.fa = "', 'note.fa = "(ویرایش) ', 1), edits),
            # the home page's template: the home pages are rendered again, nothing else
            "home_template_edit_ms": _edits(preview, home, lambda i: home_text.replace(
                "</section>", f"</section><!-- {i} -->", 1), edits),
            # every page changes: the open one is shown first, the rest are rendered behind, giving way
            # to the next edit
            "base_template_edit_ms": _edits(preview, base, lambda i: base_text.replace(
                "</footer>", f"</footer><!-- {i} -->", 1), edits),
        }
        return figures
    finally:
        observer.stop()
        observer.join()


def serve_report(figures: dict) -> str:
    lines = [f"{figures['articles']} articles, first build {figures['first_build_s']} s; "
             "save-to-reload (file written → reload sent) over 20 edits, median / p95:"]
    for key, label in (("note_edit_ms", "note (an annotation reworded)"), ("home_template_edit_ms", "templates/home.html"),
                       ("base_template_edit_ms", "templates/base.html (every page)")):
        lines.append(f"  {label:<34} {figures[key]['median']:>8} / {figures[key]['p95']} ms")
    return "\n".join(lines)


def _edits(preview, path: Path, content, count: int) -> dict:
    timings = []
    for i in range(count):
        before = preview.reloads
        started = time.perf_counter()
        path.write_text(content(i + 1), encoding="utf-8")
        while preview.reloads == before:  # the open page has been written and reloaded
            time.sleep(0.002)
        timings.append((preview.last_reload_at - started) * 1000)
        if preview.errors:
            raise SystemExit("the benchmark's own edit broke the build: " + preview.errors[0])
    return {"median": round(statistics.median(timings), 1), "p95": _p95(timings)}


def run(root: Path, sizes: list[int]) -> list[dict]:
    from generator.build import load_site

    if not CHROMIUM.exists():
        raise SystemExit("digest bench needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    if not shutil.which("node"):
        raise SystemExit("digest bench needs Node.js to serve the index (apt-get install nodejs)")
    site = load_site(root)
    return [measure(site, count) for count in sizes]


def report(rows: list[dict]) -> str:
    labels = [("articles", "articles"), ("index_build_s", "index build (s)"), ("index_files", "index files"),
              ("index_bytes", "index bytes"), ("index_bytes_gzip", "index bytes, gzip"),
              ("cold_first_query_gzip", "cold first query, gzip bytes"),
              ("later_query_gzip_median", "later query, gzip bytes (median)"),
              ("latency_ms_median", "query, fetching its parts: median (ms)"),
              ("latency_ms_p95", "query, fetching its parts: p95 (ms)"),
              ("loaded_ms_median", "query, parts loaded: median (ms)"), ("loaded_ms_p95", "query, parts loaded: p95 (ms)"),
              ("latency_ms_first", "cold first query (ms)")]
    width = max(len(label) for _, label in labels)
    lines = [f"{label:<{width}}  " + "  ".join(f"{row[key]:>12}" for row in rows) for key, label in labels]
    notes = ("\nEach query runs twice in one page, in order: first fetching the index parts it needs from a local"
             "\nstatic server (loopback HTTP/1.1, so this depends on the machine), then again with them loaded."
             f"\nqueries ({len(QUERIES)}): " + json.dumps(QUERIES, ensure_ascii=False))
    return "\n".join(lines) + "\n" + notes
