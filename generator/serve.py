"""`digest serve`: the editor's loop. Build, serve, watch, rebuild, reload the open pages.

Built on the livereload package: its websocket protocol and browser script tell open pages to
reload. Its own watcher polls every 800 ms and ignores changes for 3 s after a reload, so change
events come from watchdog (inotify) instead, debounced into one rebuild per burst of saves.

A failed rebuild never replaces the last good site: pages keep being served, and every page
shows an overlay with the errors until the next good build. When site/ already holds what an
earlier build wrote, it is served at once and the first build runs behind it (on one core, as
the server's threads are running), so a large digest opens in a second rather than minutes.
An edit that changes thousands of pages (a template, at 10,000 articles) shows first on the
pages open in a browser; the rest are rendered behind, and a new save is not kept waiting for
them (incremental.py).
Requests whose Host header is not this server's, and livereload sockets opened from another
Origin, are refused (DNS rebinding, and pages elsewhere reading the preview). On a wildcard
address (--host 0.0.0.0 or ::) a browser may name the machine by any of its addresses, so any
Host and Origin are accepted and the startup warning says the protection is off; on a specific
address only that address, the machine's host names and, if it is a loopback address, the
localhost names are.
"""

from __future__ import annotations

import html
import ipaddress
import mimetypes
import os
import socket
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from generator.errors import PathError, describe
from generator.incremental import Builder
from generator.theme import Theme
from generator.write import MARKER, check_output

DEBOUNCE_S = 0.03
IDLE_S = 5.0
"""After this long without a rebuild, memory left by earlier builds is collected (Builder.collect)."""
WRITES = {"created", "modified", "deleted", "moved", "closed"}
OPEN_PAGES = 16
"""Pages served most recently, taken to be the ones open in browsers: rendered first after an edit."""
WILDCARDS = ("0.0.0.0", "::", "")
"""Addresses that listen on every interface: clients reach them under names the server cannot know."""
WATCHED = ("seeds", "content", "templates")
"""What serve watches: the project's inputs and the templates the generator renders with."""
OVERLAY_TITLE = {"fa": "ساخت سایت با خطا روبه‌رو شد؛ آخرین نسخه‌ی سالم نمایش داده می‌شود",
                 "ar": "تعذّر بناء الموقع؛ تُعرض آخر نسخة سليمة"}
OVERLAY_HINT = {"fa": "پس از درست‌کردن و ذخیره‌ی پرونده، این پیام خودبه‌خود می‌رود.",
                "ar": "بعد تصحيح الملف وحفظه تختفي هذه الرسالة تلقائيًا."}


LiveReloadHandler.watcher = type("NoWatcher", (), {"filepath": "*"})()  # reload_waiters logs its path
LiveReloadHandler.live_css = False


class Preview:
    """The state the handlers share: where the site is, and the errors of the last rebuild."""

    def __init__(self, root: Path, out: Path, host: str, port: int, log=print):
        self.root, self.out, self.host, self.port, self.log = root, out, host, port, log
        self.builder = Builder(root, out)
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.rebuilds = 0
        self.reloads = 0
        self.last_reload_at = 0.0
        self.viewed: OrderedDict[str, None] = OrderedDict()
        """Site files of the pages served most recently, the latest last."""
        self.waiting = 0
        """Rebuilds waiting for the one running: it gives way to them (Builder.build)."""
        self.counter = threading.Lock()
        """Guards `waiting` and `viewed`, which the server's and the watcher's threads share."""
        self.loop: ioloop.IOLoop | None = None
        self.idle: threading.Timer | None = None
        self.hosts = allowed_hosts(host, port)

    def accepts(self, host: str) -> bool:
        """Whether a Host header (or an Origin's host[:port]) names this server."""
        return self.hosts is None or host.lower() in self.hosts

    def view(self, file: str) -> None:
        """A page was served: it is probably open in a browser."""
        with self.counter:
            self.viewed[file] = None
            self.viewed.move_to_end(file)
            while len(self.viewed) > OPEN_PAGES:
                self.viewed.popitem(last=False)

    def rebuild(self, changed: set[str] | None = None) -> None:
        with self.counter:
            self.waiting += 1
        with self.lock:
            with self.counter:
                self.waiting -= 1
            started = time.perf_counter()

            reloaded = []

            def shown() -> None:  # the open pages are written; the rest follow
                self.errors = []
                self.log(f"open pages rebuilt in {time.perf_counter() - started:.2f} s; rendering the rest")
                self._reload_soon()
                reloaded.append(True)

            with self.counter:
                viewed = list(self.viewed)
            try:
                result = self.builder.build(changed, viewed, shown, lambda: self.waiting > 0)
                self.errors = []
                self.log(f"rebuilt in {time.perf_counter() - started:.2f} s: {result}")
            except Exception as error:  # the server survives anything the content, templates or disk do
                self.errors = describe(error, self.root)
                self.log("\n".join(self.errors) + f"\n{len(self.errors)} error(s); still serving the last good site")
            self.rebuilds += 1
        if not reloaded or self.errors:  # the open pages have shown the edit already
            self._reload_soon()
        if self.idle:
            self.idle.cancel()
        self.idle = threading.Timer(IDLE_S, self.collect)
        self.idle.daemon = True
        self.idle.start()

    def collect(self) -> None:
        with self.lock:
            self.builder.collect()

    def _reload_soon(self) -> None:
        """Tell the open pages to reload, from the server's own thread."""
        if self.loop:
            self.loop.add_callback(self.reload)
        else:
            self.reload()

    def reload(self) -> None:
        self.last_reload_at = time.perf_counter()
        self.reloads += 1
        LiveReloadHandler.reload_waiters(path="*")

    def overlay(self, lang: str) -> str:
        if not self.errors:
            return ""
        items = "".join(f"<li><pre dir=\"auto\">{html.escape(e)}</pre></li>" for e in self.errors)
        return (f'<div id="digest-errors" role="alert" lang="{lang}" dir="rtl" style="position:fixed;inset:0;z-index:9999;'
                'overflow:auto;background:rgba(20,10,5,.92);color:#fff;padding:1.5rem;font:16px/1.7 Vazirmatn,Tahoma,sans-serif">'
                f'<h2 style="margin-top:0">{OVERLAY_TITLE[lang]}</h2><ul style="padding:0;list-style:none">{items}</ul>'
                f'<p>{OVERLAY_HINT[lang]}</p></div>')


def is_loopback(host: str) -> bool:
    """Only a loopback address may also be reached as localhost; any other name is someone else's."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bracketed(host: str) -> str:
    """An IPv6 address as a Host header or URL writes it."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host header values (lower case) that name a server listening on host; None on a wildcard address (any)."""
    if host in WILDCARDS:
        return None
    if is_loopback(host):
        names = {host, "127.0.0.1", "localhost", "::1"}
    else:
        names = {host, socket.gethostname(), socket.getfqdn()}
    names = {bracketed(name).lower() for name in names}
    return names | {f"{name}:{port}" for name in names}


class GuardedMixin:
    preview: Preview

    def prepare(self):
        if not self.preview.accepts(self.request.host):
            raise web.HTTPError(403, reason="unexpected Host header")


class ReloadSocket(GuardedMixin, LiveReloadHandler):
    """livereload's websocket, behind the Host and Origin checks."""

    def check_origin(self, origin: str) -> bool:
        """livereload accepts any Origin; a page from elsewhere must not learn when the preview changes."""
        return self.preview.accepts(urlsplit(origin).netloc)


class ReloadScript(GuardedMixin, LiveReloadJSHandler):
    """livereload's browser script, behind the Host check."""


class SiteHandler(GuardedMixin, web.RequestHandler):
    """The last good site, with livereload's script and, after a failed rebuild, the error overlay."""

    def get(self, path: str):
        if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in path):  # C0, DEL, C1: no file has them
            raise web.HTTPError(400, reason="control character in path")
        site = self.preview.out
        try:
            target = (site / path).resolve()
            if not target.is_relative_to(site.resolve()):
                raise web.HTTPError(404)
            if target.is_dir():
                if not path.endswith("/") and path:
                    self.redirect("/" + path + "/")
                    return
                target = target / "index.html"
            status, data = 200, target.read_bytes()
        except (OSError, ValueError):  # not there, or a name the file system refuses (too long, say)
            status, target = 404, site / "404.html"
            data = target.read_bytes() if target.is_file() else b"not found"
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            if status == 200:
                self.preview.view(target.relative_to(site.resolve()).as_posix())
            text = data.decode("utf-8")
            lang = "ar" if '<html lang="ar"' in text[:200] else "fa"
            script = f'<script src="/livereload.js?port={self.preview.port}"></script>'
            text = text.replace("</body>", self.preview.overlay(lang) + script + "</body>", 1)
            data = text.encode("utf-8")
        self.set_status(status)
        self.set_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith("json") else ""))
        self.set_header("Cache-Control", "no-store")
        self.write(data)


class Changes(FileSystemEventHandler):
    """Collects changes; one rebuild after a quiet moment, however many saves came."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self.pending = False
        self.paths: set[str] | None = set()
        """Absolute paths written since the last rebuild; None after a folder event (look at every file)."""
        self.timer: threading.Timer | None = None
        self.guard = threading.Lock()

    def on_any_event(self, event):
        # Reads (opened, closed without writing) are the build's own doing; only writes count.
        if event.event_type not in WRITES or (event.is_directory and event.event_type == "modified"):
            return
        paths = {event.src_path, getattr(event, "dest_path", "") or event.src_path}
        relevant = {p for p in paths if not _ignored(p)}
        if not relevant:
            return
        with self.guard:
            self.pending = True
            if event.is_directory or self.paths is None:
                self.paths = None
            else:
                self.paths |= {os.path.abspath(p) for p in relevant}
            if self.timer:
                self.timer.cancel()
            self.timer = threading.Timer(DEBOUNCE_S, self.flush)
            self.timer.daemon = True
            self.timer.start()

    def flush(self):
        with self.guard:
            pending, paths, self.pending, self.paths = self.pending, self.paths, False, set()
        if pending:
            self.preview.rebuild(paths)


def _ignored(path: str) -> bool:
    """Editor droppings: swap, backup and temporary files."""
    name = Path(path).name
    return name.startswith((".#", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part")) or name == "4913"


def earlier_site(out: Path, root: Path) -> bool:
    """Whether `out` holds a site an earlier build wrote, which serve may show before its own first
    build is done: at 10,000 articles that build takes minutes."""
    try:
        check_output(out, root)
    except PathError:
        return False
    return (out / MARKER).is_file() and (out / "index.html").is_file()


def watch(preview: Preview) -> Observer:
    """Start watching the project's inputs; every burst of saves becomes one rebuild."""
    observer = Observer()
    changes = Changes(preview)
    for folder in (preview.root / "seeds", preview.root / "content", *Theme.of(preview.root).folders):
        if folder.exists():
            observer.schedule(changes, str(folder), recursive=True)
    observer.start()
    return observer


def make_app(preview: Preview) -> web.Application:
    for handler in (ReloadSocket, ReloadScript, SiteHandler):
        handler.preview = preview
    return web.Application([
        (r"/livereload", ReloadSocket),
        (r"/livereload\.js", ReloadScript),
        (r"/(.*)", SiteHandler),
    ])


def serve(root: Path, port: int = 8000, host: str = "127.0.0.1", open_browser: bool = False,
          out: Path | None = None, ready: threading.Event | None = None) -> int:
    out = out or root / "site"
    preview = Preview(root, out, host, port)
    if preview.hosts is None:
        print(f"warning: serving on {host}, every address of this machine: any Host header is accepted, so "
              "DNS-rebinding protection is off; anyone who can reach this machine can read the preview; "
              "only use it on a trusted network", file=sys.stderr)
    elif not is_loopback(host):
        print(f"warning: serving on {host}: anyone who can reach this address can read the preview", file=sys.stderr)
    app = make_app(preview)  # the port first: if it is taken, say so before building
    try:
        server = app.listen(port, address=host)
    except OSError as exc:
        raise PathError(f"{bracketed(host)}:{port}", f"cannot listen here: {exc.strerror or exc}; is another server "
                        "using this port? choose another with --port") from exc
    preview.loop = ioloop.IOLoop.current()
    url = f"http://{bracketed(host)}:{port}/"
    earlier = earlier_site(out, root)
    if not earlier:
        preview.rebuild()
        if preview.errors and not (out / "index.html").exists():
            print("the first build failed and there is no earlier site to show; fix the errors above", file=sys.stderr)
    observer = watch(preview)
    if earlier:  # show it at once; open pages reload when the first build is done
        preview.builder.forking = False  # the server's threads run meanwhile
        threading.Thread(target=preview.rebuild, name="first build", daemon=True).start()
    shown = ": the site of the last build, while the first build runs" if earlier else ""
    print(f"serving {url}{shown} (watching {', '.join(WATCHED)}; Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    if ready:
        preview.loop.add_callback(ready.set)
    try:
        preview.loop.start()
    except KeyboardInterrupt:
        print("\nstopped")
    finally:
        observer.stop()
        observer.join(timeout=2)
        server.stop()
    return 0
