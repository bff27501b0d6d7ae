"""Process-level faults: `digest build` killed, out of space, over its file size limit, denied
permissions, or racing another build, always leaves site/ as the previous site or the new one
(never missing, never a mix), says what went wrong as `path: message` lines without a traceback,
and leaves nothing behind that the next build does not clean up.

Every test runs the real command line (`python -m generator`) in a copy of the project. The tests
after the random kill loop pin, each at its precise moment, the faults the loop first found: Ctrl-C
while Python starts, a kill while the old site is being deleted, Ctrl-C after the swap.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.write import MARKER
from tests.conftest import ROOT, copy_project
from tests.test_build import tree_digest

ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
NOTE = "content/notes/000_2d6022ae28c1f2b9.toml"
TEXT = {"A": "با قطار زرهی به روسیه رفت", "B": "با قطار زرهی خود به روسیه رفت"}
"""One annotation note's opening in the two inputs: site A and site B differ only there."""
INTERRUPTED = "interrupted; nothing was changed"
SEED = 20240619
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"] if os.geteuid() == 0 else []
"""Makes root obey file permissions (a non-root user does already)."""


# --- helpers -------------------------------------------------------------------------------------

def command(project: Path, *args: str, prefix: tuple = (), python: tuple = ()) -> list[str]:
    return [*prefix, sys.executable, *python, "-m", "generator", "--root", str(project), "build", *args]


def default_sigint() -> None:
    """Let SIGINT reach the child even when pytest itself was started with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_build(project: Path, *args: str, prefix: tuple = (), **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command(project, *args, prefix=prefix), cwd=ROOT, env=ENV, capture_output=True,
                          encoding="utf-8", errors="replace", timeout=120, **kwargs)


def start_build(project: Path, *args: str, python: tuple = (), stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(command(project, *args, python=python), cwd=ROOT, env=ENV, stdout=stdout,
                            stderr=subprocess.PIPE, encoding="utf-8", errors="replace", preexec_fn=default_sigint)


def build_ok(project: Path, *args: str) -> None:
    result = run_build(project, *args)
    assert result.returncode == 0, result.stderr


def set_note(project: Path, variant: str) -> None:
    """Make the project's input give site A or site B."""
    note = project / NOTE
    text = note.read_text(encoding="utf-8")
    other = TEXT["B" if variant == "A" else "A"]
    assert text.count(TEXT[variant]) + text.count(other) == 1
    note.write_text(text.replace(other, TEXT[variant]), encoding="utf-8")


def lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def is_unmarked_leftover(path: Path) -> bool:
    """A `.site-new-*` or `.site-old-*` folder with files but no marker, which no build would
    recognise as its own to remove (the marker is written first and deleted last)."""
    try:
        return (path.name.startswith((".site-new-", ".site-old-")) and path.is_dir()
                and any(path.iterdir()) and not (path / MARKER).exists())
    except FileNotFoundError:
        return False


def wait_until(process: subprocess.Popen, condition, timeout: float = 60) -> bool:
    """Poll (busily: the windows are milliseconds wide) until `condition()` or the process ends."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if condition():
            return True
    return False


def make_writable(folder: Path) -> None:
    """Undo the tests' chmods, so that pytest can delete tmp_path."""
    for path, _dirs, files in os.walk(folder):
        os.chmod(path, 0o755)
        for name in files:
            os.chmod(os.path.join(path, name), 0o644)


@dataclass(frozen=True)
class Sites:
    template: Path
    """A project whose site/ is site A."""
    a: dict
    b: dict
    seconds: float
    """Wall time of one `digest build` that replaces site A by site B, Python start-up included."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Sites:
    template = copy_project(tmp_path_factory.mktemp("template") / "project")
    build_ok(template)
    other = tmp_path_factory.mktemp("site-b") / "project"
    shutil.copytree(template, other)
    set_note(other, "B")
    started = time.monotonic()
    build_ok(other)
    seconds = time.monotonic() - started
    a, b = tree_digest(template / "site"), tree_digest(other / "site")
    assert a != b
    return Sites(template, a, b, seconds)


@pytest.fixture
def built(sites, tmp_path) -> Path:
    """A copy of the project with site A in site/."""
    project = tmp_path / "project"
    shutil.copytree(sites.template, project)
    return project


# --- 1. killed builds ----------------------------------------------------------------------------

def test_killed_builds_leave_the_old_site_or_the_new_one_never_a_mix(sites, built):
    rng = random.Random(SEED)
    plan = [(sig, rng.uniform(0.05, 1.0) * sites.seconds) for sig in [signal.SIGKILL, signal.SIGINT] * 12]
    print(f"\nkill plan: seed {SEED}, one build {sites.seconds:.3f} s, moments (s): "
          + ", ".join(f"{sig.name[3:]}@{moment:.3f}" for sig, moment in plan))
    site, current, tally = built / "site", "A", Counter()
    for number, (sig, moment) in enumerate(plan, 1):
        where = f"kill {number} ({sig.name} at {moment:.3f} s, seed {SEED})"
        set_note(built, "B" if current == "A" else "A")  # every build would change the site
        earlier = set(built.glob(".site-new-*"))
        started = time.monotonic()
        process = start_build(built)
        time.sleep(max(0.0, started + moment - time.monotonic()))
        process.send_signal(sig)
        _, err = process.communicate(timeout=120)

        assert site.is_dir(), f"{where}: site/ is missing"
        now = tree_digest(site)
        assert now in (sites.a, sites.b), f"{where}: site/ is neither the old site nor the new one"
        state = "A" if now == sites.a else "B"
        if process.returncode == 0:
            phase = "after the build had finished"
        elif state != current:
            phase = "after the swap"
        elif any((p / MARKER).is_file() for p in set(built.glob(".site-new-*")) - earlier):
            phase = "during the write"
        else:
            phase = "before the write" if sig == signal.SIGKILL else "before or during the write"
        tally[f"{sig.name} {phase}"] += 1

        if sig == signal.SIGKILL:
            assert process.returncode in (-signal.SIGKILL, 0), f"{where}: {err}"
            assert "Traceback" not in err, f"{where}: {err}"
        else:
            assert "Traceback" not in err, f"{where}: {err}"
            assert process.returncode in (130, 0), f"{where}: exit {process.returncode}: {err}"
            if process.returncode == 130:
                assert lines(err)[-1] == INTERRUPTED and state == current, f"{where}: {err}"
        assert not any(is_unmarked_leftover(p) for p in built.iterdir()), where
        current = state

    variant = "B" if TEXT["B"] in (built / NOTE).read_text(encoding="utf-8") else "A"
    build_ok(built)
    assert tree_digest(site) == (sites.a if variant == "A" else sites.b)
    assert listing(built) == ["content", "seeds", "site"]
    print("kills: " + "; ".join(f"{count} {what}" for what, count in sorted(tally.items())))


def test_sigint_while_python_imports_the_generator_exits_130_without_traceback(built):
    process = start_build(built, python=("-X", "importtime"), stdout=subprocess.DEVNULL)
    err = ""
    for line in process.stderr:  # -X importtime reports each module as it finishes loading
        err += line
        if re.search(r"\|\s+generator\.errors$", line.rstrip()):  # generator.cli itself still loading
            process.send_signal(signal.SIGINT)
            break
    err += process.stderr.read()
    process.wait(timeout=60)
    assert "Traceback" not in err
    assert process.returncode == 130
    assert lines(err)[-1] == INTERRUPTED


def test_a_build_killed_while_deleting_the_old_site_leaves_nothing_behind(built):
    set_note(built, "B")
    process = start_build(built)
    seen = wait_until(process, lambda: any(is_unmarked_leftover(p) for p in built.glob(".site-new-*")))
    process.kill()
    process.communicate(timeout=60)
    print(f"killed with the old site half deleted: {seen}")
    build_ok(built)
    assert listing(built) == ["content", "seeds", "site"]


def test_sigint_after_the_new_site_is_in_place_does_not_say_nothing_was_changed(sites, built):
    set_note(built, "B")
    site, inode = built / "site", (built / "site").stat().st_ino
    process = start_build(built)

    def swapped() -> bool:
        try:
            return site.stat().st_ino != inode
        except FileNotFoundError:
            return False

    assert wait_until(process, swapped), "the build ended before the swap was seen"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    if process.returncode == 130:
        assert tree_digest(site) == sites.a, "exit 130 and 'nothing was changed', but site/ is the new site"
    else:
        assert process.returncode == 0, err


# --- 2. disk full --------------------------------------------------------------------------------

ENOSPC_SCRIPT = r"""
set -u
mount -t tmpfs -o size=64m digest-faults "$MNT" || exit 97
build() { "$PYTHON" -m generator --root "$PROJECT" build --out "$MNT/site"; }
digest() { (cd "$MNT" && find site -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
build >/dev/null 2>"$REPORT/first.err"; echo "first $?"
used=$(df -k --output=used "$MNT" | tail -n 1)
size=$((used * 3 / 2))
mount -o remount,size=${size}k "$MNT" || exit 98
echo "used $used size $size"
digest >"$REPORT/before"
cp "$NOTE_B" "$PROJECT/$NOTE"
build >/dev/null 2>"$REPORT/second.err"; echo "second $?"
digest >"$REPORT/after"
ls -A "$MNT" >"$REPORT/listing"
"""


def need_mount_namespace() -> None:
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace for a small tmpfs: {probe.stderr.strip()}")


def test_disk_full_fails_cleanly_and_keeps_the_previous_site(built, tmp_path):
    need_mount_namespace()
    mnt, report, note_b = tmp_path / "mnt", tmp_path / "report", tmp_path / "note-b.toml"
    mnt.mkdir()
    report.mkdir()
    shutil.rmtree(built / "site")  # the first build writes a fresh site onto the tmpfs
    shutil.copy(built / NOTE, note_b)
    set_note(built, "A")
    note_b.write_text(note_b.read_text(encoding="utf-8").replace(TEXT["A"], TEXT["B"]), encoding="utf-8")
    env = {**ENV, "MNT": str(mnt), "REPORT": str(report), "PYTHON": sys.executable, "PROJECT": str(built),
           "NOTE": NOTE, "NOTE_B": str(note_b)}
    result = subprocess.run(["unshare", "-m", "sh", "-c", ENOSPC_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    print(result.stdout)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stdout}{result.stderr}"
    said = dict(re.findall(r"^(first|second|used)\s+(\d+)", result.stdout, re.M))
    assert said["first"] == "0", (report / "first.err").read_text()
    assert said["second"] == "1"
    err = (report / "second.err").read_text(encoding="utf-8")
    assert "Traceback" not in err
    assert len(lines(err)) == 1, err
    assert err.startswith(f"{mnt}/site/") and "No space left on device" in err, err
    before = (report / "before").read_text()
    assert len(before.splitlines()) > 1000 and (report / "after").read_text() == before
    assert (report / "listing").read_text().split() == ["site"]


def test_a_mount_point_is_refused_rather_than_half_replaced(built, tmp_path):
    """A Docker volume or a mounted web root cannot be swapped in one step: say so, before any work."""
    need_mount_namespace()
    mnt = tmp_path / "www"
    mnt.mkdir()
    script = f'mount -t tmpfs tmpfs "{mnt}" && "$0" -m generator --root "{built}" build --out "{mnt}"'
    result = subprocess.run(["unshare", "-m", "sh", "-c", script, sys.executable], cwd=ROOT, env=ENV,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == (f"{mnt}: is a mount point, which the build cannot replace in one step: mount the folder "
                             "above it instead, or build beside it and copy the site in\n")


# --- 3. file size limit --------------------------------------------------------------------------

def test_file_size_limit_fails_cleanly_and_keeps_the_previous_site(built):
    before = tree_digest(built / "site")
    set_note(built, "B")
    result = run_build(built, "--out", str(built / "site"), prefix=("prlimit", "--fsize=40000"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(lines(result.stderr)) == 1, result.stderr
    assert re.fullmatch(r"site/\S+: could not be written: File too large\n", result.stderr), result.stderr
    assert tree_digest(built / "site") == before
    assert listing(built) == ["content", "seeds", "site"]


# --- 4. permissions ------------------------------------------------------------------------------

def test_unreadable_note_is_named_with_permission_denied(built):
    note = built / "content" / "notes" / "001_dd0b498a44e088a7.toml"
    before = tree_digest(built / "site")
    note.chmod(0)
    try:
        result = run_build(built, prefix=NO_DAC)
    finally:
        note.chmod(0o644)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert lines(result.stderr)[0] == "content/notes/001_dd0b498a44e088a7.toml: cannot be read: Permission denied"
    assert tree_digest(built / "site") == before


def test_output_in_a_read_only_folder_fails_cleanly_and_keeps_the_previous_site(built):
    pub = built / "pub"
    pub.mkdir()
    shutil.copytree(built / "site", pub / "site")
    before = tree_digest(pub / "site")
    set_note(built, "B")
    pub.chmod(0o555)
    try:
        result = run_build(built, "--out", str(pub / "site"), prefix=NO_DAC)
    finally:
        pub.chmod(0o755)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(lines(result.stderr)) == 1, result.stderr
    assert result.stderr == "pub/site: cannot be written: no lock file can be made beside it (Permission denied)\n"
    assert tree_digest(pub / "site") == before
    assert listing(pub) == ["site"]


def test_a_read_only_folder_in_the_previous_site_does_not_stop_the_build(built):
    set_note(built, "B")
    (built / "site" / "fa").chmod(0o555)
    try:
        result = run_build(built, prefix=NO_DAC)
    finally:
        make_writable(built)
    assert result.returncode == 0, result.stderr
    article = built / "site" / "fa" / "articles" / "kim-to-visit-russia-september-2023" / "index.html"
    assert TEXT["B"] in article.read_text(encoding="utf-8")
    assert listing(built) == ["content", "seeds", "site"]


# --- 5. the build lock ---------------------------------------------------------------------------

HOLDER = """import sys
from pathlib import Path
from generator.write import OutputLock
with OutputLock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def hold_lock(site: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(site)], cwd=ROOT, env=ENV, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0


LOCKED = re.compile(r"(?P<path>.+): a build is already running \(pid (?P<pid>\d+|unknown)\); wait for it to finish")


def test_a_build_refuses_while_another_holds_the_lock_then_succeeds(sites, built):
    set_note(built, "B")
    holder = hold_lock(built / "site")
    try:
        result = run_build(built)
    finally:
        release(holder)
    assert result.returncode == 1
    assert len(lines(result.stderr)) == 1, result.stderr
    said = LOCKED.fullmatch(result.stderr.strip())
    assert said and Path(said["path"]).name == "site" and said["pid"] == str(holder.pid), result.stderr
    assert tree_digest(built / "site") == sites.a
    build_ok(built)
    assert tree_digest(built / "site") == sites.b
    assert listing(built) == ["content", "seeds", "site"]


def test_the_lock_message_names_the_output_as_the_user_sees_it(built):
    holder = hold_lock(built / "site")
    try:
        result = run_build(built)
    finally:
        release(holder)
    assert result.stderr == f"site: a build is already running (pid {holder.pid}); wait for it to finish\n"


def test_two_builds_at_once_end_with_one_site_and_no_directory_errors(sites, built):
    for variant in ("B", "A"):
        set_note(built, variant)
        processes = [start_build(built), start_build(built)]
        for process in processes:
            _, err = process.communicate(timeout=120)
            assert "Traceback" not in err and "Directory not empty" not in err, err
            if process.returncode != 0:
                assert process.returncode == 1 and len(lines(err)) == 1 and LOCKED.fullmatch(err.strip()), err
        assert tree_digest(built / "site") == (sites.a if variant == "A" else sites.b)
        assert listing(built) == ["content", "seeds", "site"]


# --- 6. output modes -----------------------------------------------------------------------------

def test_output_is_readable_by_others_under_umask_022(built):
    set_note(built, "B")
    result = run_build(built, preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    site = built / "site"
    wrong = {}
    for path in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode != (0o755 if path.is_dir() else 0o644):
            wrong[path.relative_to(built).as_posix()] = oct(mode)
    assert wrong == {}
