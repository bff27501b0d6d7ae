"""The command line: a thin layer over generator.build.

The stages are imported when a command runs, not when this module loads, so that Ctrl-C while
Python is still starting up ends as cleanly as Ctrl-C during a build."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from generator.errors import ContentErrors, PathError, describe
from generator.model import BASE_URL

INTERRUPTED = 130
"""Exit code after Ctrl-C, as shells report a process that SIGINT ended."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="digest", description="Build the annotated bilingual digest.")
    p.add_argument("--root", type=Path, default=Path("."), help="project folder (default: the current folder)")
    p.add_argument("--debug", action="store_true", help="show Python's traceback when something fails")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the site (default: site/)")
    b.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")
    b.add_argument("--base-url", type=base_url, help="absolute URL or path the site is published at (overrides content/digest.toml)")
    b.add_argument("--jobs", type=job_count, metavar="N", help="worker processes rendering pages (default: one per core)")
    check = sub.add_parser("check", help="validate seeds, content and the rendered links without writing anything")
    check.add_argument("--format", choices=("text", "json"), default="text", help="json: one object for tooling")
    serve = sub.add_parser("serve", help="build, serve on 127.0.0.1, and rebuild and reload on every save")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; others are warned about)")
    serve.add_argument("--open", action="store_true", help="open the preview in a browser")
    new = sub.add_parser("new", help="scaffold a note for a seed that has none")
    new.add_argument("seed", help="the seed file, e.g. seeds/005_….txt")
    bench = sub.add_parser("bench", help="measure builds, digest serve and the search index on synthetic digests")
    bench.add_argument("--search", action="store_true", help="the search index on synthetic digests (the default)")
    bench.add_argument("--serve", action="store_true", help="save-to-reload latency of digest serve on this project")
    bench.add_argument("--build", action="store_true", help="a clean build, stage by stage, with its peak memory")
    bench.add_argument("--articles", type=int, help="with --serve or --build: a synthetic project of this many articles "
                                                      "instead of this project")
    bench.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated (default: 1000,10000)")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument("--serve-inner", action="store_true", help=argparse.SUPPRESS)
    bench.add_argument("--build-inner", action="store_true", help=argparse.SUPPRESS)
    return p


def base_url(value: str) -> str:
    if not BASE_URL.match(value):
        raise argparse.ArgumentTypeError(f"'{value}' is neither an absolute URL like https://example.org/digest/ "
                                         "nor a path like /digest/")
    return value


def job_count(value: str) -> int:
    """--jobs: a number of worker processes, 1 or more (a 0 or -1 would otherwise mean something silently)."""
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of worker processes (1 or more)")
    return count


def report(errors: list[str], as_json: bool = False, stats: dict | None = None) -> int:
    """Print problems (stderr) or the JSON verdict (stdout); exit code 1 when there is any problem."""
    if as_json:
        print(json.dumps({"ok": not errors, "errors": errors, **(stats or {})}, ensure_ascii=False, indent=1))
        return 1 if errors else 0
    for error in errors:
        print(error, file=sys.stderr)
    count = len(errors)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written.", file=sys.stderr)
    return 1


def run_check(root: Path, as_json: bool) -> int:
    from generator.build import check

    started = time.perf_counter()
    try:
        site, links = check(root)
    except ContentErrors as errors:
        return report([str(e) for e in errors.errors], as_json)
    stats = {"articles": len(site.articles), "annotations": sum(len(a.annotations) for a in site.articles),
             "glossary": len(site.entities), "events": len(site.events), "seconds": round(time.perf_counter() - started, 3)}
    if links:
        return report([f"(rendered) {problem}" for problem in links], as_json, stats)
    if as_json:
        return report([], True, stats)
    print(f"ok: {stats['articles']} articles, {stats['annotations']} annotations, {stats['glossary']} glossary entries, "
          f"{stats['events']} events; every link resolves ({stats['seconds']:.2f} s)")
    return 0


def main(argv: list[str] | None = None, whole_process: bool = False) -> int:
    """Run one command. Every failure ends as `path:line: message` lines and exit code 1 (130 after
    Ctrl-C), never a traceback, unless --debug asks for one. `whole_process`: the process ends
    after it (the `digest` command), so a finished build may hold interrupts until then."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` cleans up like Ctrl-C does
    try:
        args = parser().parse_args(argv)
    except KeyboardInterrupt:
        return interrupted()
    root = args.root.expanduser().resolve()  # --root=~/x reaches us with its ~
    if getattr(args, "out", None):
        args.out = args.out.expanduser()
    try:
        return run(args, root, whole_process)
    except ContentErrors as errors:
        if args.debug:
            raise
        return report([str(e) for e in errors.errors], getattr(args, "format", "text") == "json")
    except KeyboardInterrupt:
        if args.debug:
            raise
        return interrupted()
    except Exception as error:
        if args.debug:
            raise
        lines = describe(error, root)
        if getattr(args, "format", "text") == "json":
            return report(lines, True)
        print("\n".join(lines), file=sys.stderr)
        return 1


def interrupted() -> int:
    print("\ninterrupted; nothing was changed", file=sys.stderr)
    return INTERRUPTED


def leave(code: int) -> None:
    """Exit with `code`. After Ctrl-C, CPython may end the process by SIGINT instead of the code it
    was given once a KeyboardInterrupt has passed through an import, even a caught one: leave with
    130 directly, as promised, once the output is flushed."""
    if code == INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def entry() -> None:
    """The `digest` command (and `python -m generator`)."""
    sys.unraisablehook = _unraisable
    leave(main(whole_process=True))


def _unraisable(unraisable) -> None:
    """Ctrl-C that lands in a callback Python cannot raise from (importlib's module locks) would be
    printed as 'Exception ignored' and lost; send it again so that it stops the command."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
    else:
        sys.__unraisablehook__(unraisable)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def check_root(root: Path) -> None:
    """The project folder exists and looks like one, or a single line saying what --root should name."""
    if not root.is_dir():
        problem = "is not a folder" if root.exists() else "no such folder"
        raise PathError(root, f"{problem}: --root names the project folder, the one holding content/ and seeds/")
    if not (root / "content").is_dir() and not (root / "seeds").is_dir():
        raise PathError(root, "is not a digest project: it has neither content/ nor seeds/; run digest in the "
                              "project folder, or name it with --root")


def run(args: argparse.Namespace, root: Path, whole_process: bool = False) -> int:
    if args.command != "bench":
        check_root(root)
    if args.command == "bench":
        from generator import bench

        from generator import bench_build

        if args.serve_inner:
            print(json.dumps(bench.serve_latency_here(root)))
            return 0
        if args.build_inner:
            print(json.dumps(bench_build.build_stages(root)))
            return 0
        if args.build:
            figures = bench_build.measure(root, args.articles)
            print(json.dumps(figures, indent=1) if args.json else bench_build.report(figures))
            if not (args.search or args.serve):
                return 0
        if args.serve:
            figures = bench.serve_latency(root, args.articles)
            print(json.dumps(figures, indent=1) if args.json else bench.serve_report(figures))
            if not args.search:
                return 0
        rows = bench.run(root, [int(n) for n in args.sizes.split(",")])
        print(json.dumps(rows, indent=1) if args.json else bench.report(rows))
        return 0
    if args.command == "serve":
        from generator.serve import serve

        return serve(root, port=args.port, host=args.host, open_browser=args.open)
    if args.command == "new":
        from generator.scaffold import scaffold

        note = scaffold(root, args.seed)
        print(f"wrote {note.relative_to(root)}; fill it in, then run digest check")
        return 0
    if args.command == "check":
        return run_check(root, args.format == "json")
    from generator.build import build

    out = args.out or root / "site"
    result = build(root, out, args.base_url, final=whole_process, jobs=args.jobs)
    print(f"built {result.pages} pages ({result.files} files) in {result.seconds:.2f} s → {out}")
    for note in result.notes:
        print(note, file=sys.stderr)
    return 0
