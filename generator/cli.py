"""The command line: a thin layer over generator.build."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.build import build, load_site
from generator.errors import ContentErrors
from generator.write import OutputError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="digest", description="Build the annotated bilingual digest.")
    p.add_argument("--root", type=Path, default=Path("."), help="project folder (default: the current folder)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the site (default: site/)")
    b.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")
    b.add_argument("--base-url", help="absolute URL or path the site is published at (overrides content/digest.toml)")
    sub.add_parser("check", help="validate seeds and content without writing anything")
    bench = sub.add_parser("bench", help="measure the search index on synthetic digests (needs chromium)")
    bench.add_argument("--search", action="store_true", help="the search benchmark (the only one so far; the default)")
    bench.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated (default: 1000,10000)")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    return p


def report(errors: ContentErrors) -> int:
    for error in errors.errors:
        print(error, file=sys.stderr)
    count = len(errors.errors)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written.", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "bench":
            from generator import bench

            rows = bench.run(root, [int(n) for n in args.sizes.split(",")])
            print(json.dumps(rows, indent=1) if args.json else bench.report(rows))
            return 0
        if args.command == "check":
            site = load_site(root)
            notes = sum(len(a.annotations) for a in site.articles)
            print(f"ok: {len(site.articles)} articles, {notes} annotations, {len(site.entities)} glossary entries")
            return 0
        result = build(root, args.out, args.base_url)
    except ContentErrors as errors:
        return report(errors)
    except OutputError as error:
        print(f"digest: {error}", file=sys.stderr)
        return 2
    out = (args.out or root / "site")
    print(f"built {result.pages} pages ({result.files} files) in {result.seconds:.2f} s → {out}")
    return 0
