"""Rendering on every core: worker processes render the planned pages and write each straight into
the new site folder, so no page travels back through a pipe or waits in memory.

Workers are forked once the site is loaded and planned: they inherit the model, the plan and the
Jinja environment as they are, and receive only the bounds of a slice of the plan. The parent
meanwhile builds the search index. Every page is a pure function of its spec, so the files are
the same whatever the number of workers (tests/test_pool.py compares them byte for byte).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from jinja2 import Environment

from generator.errors import ContentErrors, ErrorList, OutputError
from generator.pages import PageSpec, Progress, render_spec
from generator.write import fingerprint, named_as, readable_mode, write_file

CHUNK = 48
"""Pages per task: enough to make a task's overhead small, few enough to share the work evenly."""
SERIAL_BELOW = 400
"""Fewer pages than this render in the process itself: forking would cost more than it saves."""

_JOB: dict = {}
"""What forked workers inherit: env, specs, folder, display (render_into); function, state (forked_map)."""


@contextlib.contextmanager
def frozen_objects():
    """Every object alive now out of the garbage collector's sight for the block (gc.freeze): the
    loaded site lives until the build ends, and collections that walk millions of its objects
    again and again cost more the bigger the site (forked workers, which would copy every page
    of memory such a walk touches, most of all). Within a frozen block, freezing again keeps the
    outer block's freeze."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


def workers_wanted(jobs: int | None) -> int:
    """The number of worker processes: `jobs` when given, else one per core this process may use."""
    if jobs:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def render_into(env: Environment, specs: list[PageSpec], folder: Path, display: str,
                jobs: int | None = None, meanwhile: Callable[[], None] = lambda: None,
                fingerprints: bool = False) -> dict[str, bytes] | None:
    """Render every spec into `folder` (a fresh one), calling `meanwhile` in this process while the
    workers render; raises what a page or a write raised, as if it had happened here. With
    `fingerprints`, returns each page's (write.fingerprint), which `digest serve` keeps."""
    workers = workers_wanted(jobs)
    _JOB.update(env=env, specs=specs, folder=folder, display=display, fingerprints=fingerprints)
    prints: dict[str, bytes] = {}
    try:
        if workers == 1 or len(specs) < SERIAL_BELOW:
            meanwhile()
            result = _render_slice((0, len(specs)))
            _raise(result)
            return dict(result[2]) if fingerprints else None
        progress = Progress(len(specs), "rendering pages")
        slices = [(start, min(start + CHUNK, len(specs))) for start in range(0, len(specs), CHUNK)]
        with frozen_objects():  # the workers' collector then leaves the inherited objects (and their pages) alone
            pool = _forked_pool(workers)
            try:
                tasks = [pool.submit(_render_slice, bounds) for bounds in slices]
                meanwhile()
                done = 0
                for task in as_completed(tasks):
                    result = task.result()
                    if result[0] != "ok":
                        break
                    done += result[1]
                    prints.update(result[2])
                    progress.update(done)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)  # after a failure or Ctrl-C: no worker writes on
        # of the slices that failed before the rest were called off, the first in the plan speaks
        for task in tasks:
            if task.done() and not task.cancelled():
                _raise(task.result())
        progress.finish()
        return prints if fingerprints else None
    finally:
        _JOB.clear()


def _forked_pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from this process, so that they inherit _JOB as it is now."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_signals,
                               initargs=(os.getpid(),))


def _worker_signals(parent: int) -> None:
    """Ctrl-C is the parent's to handle: it stops handing out work, and each worker ends after its
    slice. SIGTERM (the parent's cli handler, inherited) ends a worker at once, as it would any process.
    A parent killed outright (SIGKILL) takes its workers with it (Linux's parent-death signal): an
    orphan would go on writing into the folder the next build removes as a leftover."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before that took hold
        os._exit(1)


def _prctl():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):  # not Linux
        return None


_PRCTL = _prctl()
_PR_SET_PDEATHSIG = 1


def _render_slice(bounds: tuple[int, int]) -> tuple:
    """Render and write specs[start:stop]; the outcome as plain values, since exceptions of our own
    do not survive the trip between processes."""
    env, folder, display = _JOB["env"], _JOB["folder"], _JOB["display"]
    start, stop = bounds
    mode, prints = readable_mode(False), []
    try:
        for spec in _JOB["specs"][start:stop]:
            html = render_spec(env, spec)
            target = folder / spec.file
            with named_as(display, spec.file):
                target.parent.mkdir(parents=True, exist_ok=True)
                write_file(target, html, mode)
            if _JOB["fingerprints"]:
                prints.append((spec.file, fingerprint(html)))
    except ContentErrors as exc:
        return ("content", exc.errors)
    except OutputError as exc:
        return ("output", exc.path, exc.message)
    except Exception as exc:
        return _bug(exc)
    return ("ok", stop - start, prints)


def forked_map(function: Callable, items: list, state, jobs: int | None = None, serial_below: int = 64) -> list:
    """[function(state, item) for item in items], on worker processes that inherit `state` as it is;
    only the items go to them and the results come back (so both should be small next to `state`).
    Unforeseen errors are raised as WorkerFailure."""
    workers = workers_wanted(jobs)
    if workers == 1 or len(items) < serial_below:
        return [function(state, item) for item in items]
    _JOB.update(function=function, state=state)
    size = max(1, -(-len(items) // (workers * 8)))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    with frozen_objects():
        pool = _forked_pool(workers)
        try:
            results = list(pool.map(_map_chunk, chunks))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _JOB.clear()
    out = []
    for result in results:
        _raise(result)
        out += result[1]
    return out


def reuse_or_map(function: Callable, items: list, state, keys: dict, cache: dict | None, errors: ErrorList,
                 jobs: int | None = None) -> dict:
    """item → result of function(state, item), which returns (result, errors found): reused from
    `cache` (item → (key, result)) while its key is keys[item], else made by forked_map. The errors
    go to `errors`; results made without any are cached. In the order of `items`."""
    fresh = [item for item in items if cache is None or item not in cache or cache[item][0] != keys[item]]
    made = dict(zip(fresh, forked_map(function, fresh, state, jobs)))
    results = {}
    for item in items:
        if item not in made:
            results[item] = cache[item][1]
            continue
        result, problems = made[item]
        errors.items += problems
        if cache is not None and result is not None and not problems:
            cache[item] = (keys[item], result)
        results[item] = result
    return results


def _map_chunk(items: list) -> tuple:
    try:
        return ("ok", [_JOB["function"](_JOB["state"], item) for item in items])
    except Exception as exc:
        return _bug(exc)


def _bug(exc: Exception) -> tuple:
    """An error nobody foresaw, with where it happened in the worker (for --debug)."""
    return ("bug", f"{type(exc).__name__}: {exc}", traceback.format_exc())


class WorkerFailure(Exception):
    """An unforeseen error in a worker; `digest --debug` shows the worker's traceback as its cause."""


class WorkerTraceback(Exception):
    def __str__(self) -> str:
        return "\n" + self.args[0]


def _raise(result: tuple) -> None:
    kind = result[0]
    if kind == "content":
        raise ContentErrors(result[1])
    if kind == "output":
        raise OutputError(result[1], result[2])
    if kind == "bug":
        raise WorkerFailure(result[1]) from WorkerTraceback(result[2])
