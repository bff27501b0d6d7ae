"""Stage 7: put the rendered files on disk, all or nothing, and only where that is safe.

The output folder must be missing, empty, or one a previous build marked as its own (MARKER):
never the project, one of its source folders, a parent of them, a file or a symbolic link.
Everything is written into a fresh folder beside the output, which then takes the old one's
place in one atomic exchange (renameat2 on Linux; two renames elsewhere, with the old site put
back by the next build if one was killed in between). A lock beside the output keeps two builds
apart, and each build first removes what killed builds left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import os
import posixpath
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from generator.errors import OutputError, shown

MARKER = ".digest-build"
"""A small file at the root of every site the build writes: only such a folder is ever replaced."""
MARKER_HEAD = ("This folder was written by digest build, which replaces it whole on the next build.\n"
               "These are the files it wrote; one that is not listed keeps the next build from replacing the folder.\n\n")
PROTECTED = (".git", "seeds", "content", "templates", "tests", "generator")
"""The project's own folders, besides the project itself: never output, inside output, or around it."""


def fingerprint(data: bytes) -> bytes:
    """What `digest serve` keeps of a file it wrote: enough to tell whether new bytes differ."""
    return hashlib.blake2b(data, digest_size=16).digest()


def marker_text(names) -> bytes:
    """The marker's content: what it is, then every file of the site, sorted (deterministic output)."""
    return (MARKER_HEAD + "".join(f"{name}\n" for name in sorted(names))).encode("utf-8")


def foreign_files(out: Path) -> list[str]:
    """Files in a marked output folder that the build that marked it did not write (a CNAME, a
    blog someone copied in): a reason not to replace the folder."""
    text = (out / MARKER).read_text(encoding="utf-8", errors="replace")
    owned = set(text.split("\n\n", 1)[1].splitlines()) if "\n\n" in text else set()
    found = []
    for folder, dirs, files in os.walk(out):
        relative = Path(folder).relative_to(out)
        found += [(relative / name).as_posix() for name in dirs if os.path.islink(os.path.join(folder, name))]
        found += [(relative / name).as_posix() for name in files]
    return sorted(name for name in found if name not in owned and name != MARKER
                  and not posixpath.basename(name).startswith(".digest-"))  # a save's temporary file


class BuildLocked(OutputError):
    """Another build is writing the same output."""


def check_output(out: Path, root: Path) -> Path:
    """The absolute output folder, or OutputError saying why it may not be one."""
    absolute = Path(os.path.abspath(out))
    name = shown(absolute, Path(os.path.abspath(root)))
    if absolute.is_symlink():
        raise OutputError(name, "is a symbolic link; the build writes only a real folder, so that it can never "
                                "delete what a link points to (remove the link or choose another --out)")
    out, root = absolute.resolve(), root.resolve()
    for protected in (root, *(root / p for p in PROTECTED)):
        what = "the project folder" if protected == root else f"the project's {protected.name}"
        if out == protected or protected.is_relative_to(out):
            raise OutputError(name, f"{'is' if out == protected else 'holds'} {what}; refusing to write the site "
                                    "there: choose another --out, such as site/")
        if protected != root and out.is_relative_to(protected):
            raise OutputError(name, f"is inside {what}; refusing to write the site there: choose another --out, such as site/")
    if out.exists() and not out.is_dir():
        raise OutputError(name, "is a file, not a folder; refusing to replace it: choose another --out")
    if os.path.ismount(out):
        raise OutputError(name, "is a mount point, which the build cannot replace in one step: mount the folder "
                                "above it instead, or build beside it and copy the site in")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise OutputError(name, f"is a folder that digest build did not write (it has no {MARKER} file); refusing "
                                "to replace it: choose a missing or empty folder, or delete this one yourself")
    return absolute


def check_owned(out: Path, root: Path) -> None:
    """A marked output folder holds only what the build wrote; anything else would be lost."""
    if (out / MARKER).is_file():
        foreign = foreign_files(out)
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise OutputError(shown(out, root.resolve()), f"holds files digest build did not write ({', '.join(foreign[:3])}"
                              f"{more}); refusing to replace it: move them out of the folder, then build again")


class OutputLock:
    """An exclusive lock on one output folder: `.{name}.lock` beside it, holding the owner's pid.

    The file is removed on release; whoever takes the lock checks that the file they locked is
    still the one at that path, so a release racing with a new build cannot let two in."""

    def __init__(self, out: Path, wait: bool = False, display: str = ""):
        self.path = out.parent / f".{out.name}.lock"
        self.wait = wait
        self.display = display or str(out)
        """The output as the user named it, for messages."""
        self.fd: int | None = None

    def __enter__(self) -> OutputLock:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise OutputError(self.display, f"cannot be written: no lock file can be made beside it "
                                                f"({exc.strerror or exc})") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
            except BlockingIOError:
                owner = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise BuildLocked(self.display, f"a build is already running (pid {owner}); wait for it to finish") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def readable_mode(directory: bool) -> int:
    """0755 for folders and 0644 for files (less what the umask takes away): a web server running
    as another user must be able to read the site."""
    return (0o777 if directory else 0o666) & ~_umask()


def write_file(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write bytes to `target` (which does not exist yet, or is replaced by rename)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode or readable_mode(False))
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def replace_file(target: Path, data: bytes) -> None:
    """Replace one file of a live site by rename, so that no reader ever sees half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".digest-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, readable_mode(False))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_empty_folders(folder: Path, top: Path) -> None:
    """Remove `folder` and its parents up to (not including) `top` while they are empty."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:  # not empty, or gone
            return
        folder = folder.parent


def remove_tree(path: Path) -> None:
    """Delete a folder the build wrote, even where a reader made part of it read-only. Its marker
    goes last, so that a build killed meanwhile leaves a folder the next one knows to remove."""
    os.chmod(path, os.stat(path).st_mode | stat.S_IRWXU)
    for entry in sorted(path.iterdir(), key=lambda entry: entry.name == MARKER):
        if entry.is_dir() and not entry.is_symlink():
            _remove_all(entry)
        else:
            entry.unlink()
    path.rmdir()


def _remove_all(path: Path) -> None:

    def retry(function, name, _exc):
        parent = os.path.dirname(name)
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IRWXU)
        if os.path.isdir(name) and not os.path.islink(name):
            os.chmod(name, os.stat(name).st_mode | stat.S_IRWXU)
            shutil.rmtree(name)
        else:
            function(name)

    shutil.rmtree(path, onerror=retry)


def _exchange_function():
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return None
    function = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return function


_RENAMEAT2 = _exchange_function()
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where the system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def leftovers(out: Path) -> list[Path]:
    """Folders that killed or failed builds of `out` left beside it: ours by name and by marker."""
    found = []
    for prefix in (f".{out.name}-new-", f".{out.name}-old-"):
        for path in sorted(out.parent.glob(prefix + "*")):
            if path.is_dir() and not path.is_symlink() and ((path / MARKER).is_file() or not any(path.iterdir())):
                found.append(path)
    return found


def recover(out: Path) -> None:
    """Put back a previous site a killed build had moved aside, then remove every other leftover."""
    old = [p for p in leftovers(out) if p.name.startswith(f".{out.name}-old-") and (p / MARKER).is_file()]
    if not out.exists() and old:
        os.rename(old[-1], out)
    for path in leftovers(out):
        remove_tree(path)


@contextlib.contextmanager
def named_as(display: str, name: str):
    """An OS error while writing a site file names the file as it is in the site."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{display}/{name}", f"could not be written: {exc.strerror or exc}") from exc


def write_tree(files: dict[str, bytes], folder: Path, display: str) -> None:
    """Write every file below `folder`, a fresh one."""
    made, mode = {folder}, readable_mode(False)
    for name in sorted(files):
        target = folder / name
        with named_as(display, name):
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            write_file(target, files[name], mode)


def write_site(fill: Callable[[Path, str], Iterable[str]], out: Path, root: Path, wait: bool = False,
               final: bool = False) -> None:
    """Write the site into `out`, replacing a previous build's output in one step.

    `fill` writes the site's files into the fresh folder it is given (with the folder's name as
    errors should show it) and returns their names: `digest build` streams its pages so.

    `final`: the process ends after this (`digest build`), so interrupts stay held from the swap
    until it exits; one that landed while the summary was printed or Python shut down would
    otherwise end a successful build by SIGINT, or with "nothing was changed"."""
    out = check_output(out, root)
    display = shown(out, root.resolve())
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(shown(out.parent, root.resolve()), f"could not be created: {exc.strerror or exc}") from exc
    with OutputLock(out, wait=wait, display=display):
        recover(out)
        check_output(out, root)  # a leftover put back is ours, but look again
        check_owned(out, root)
        try:
            fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
        except OSError as exc:
            raise OutputError(shown(out.parent, root.resolve()), f"no new folder can be made here: {exc.strerror or exc}") from exc
        try:
            os.chmod(fresh, readable_mode(True))
            write_tree({MARKER: marker_text(())}, fresh, display)  # first: a leftover is known by it
            replace_file(fresh / MARKER, marker_text(fill(fresh, display)))  # then what is in it
        except BaseException:
            remove_tree(fresh)
            raise
        with signals_held(release=not final):  # from the swap on the build has succeeded: Ctrl-C can no longer stop it
            try:
                _swap(fresh, out)
            except OSError as exc:
                remove_tree(fresh)
                raise OutputError(display, f"could not be replaced: {exc.strerror or exc}") from exc
            if fresh.exists():
                try:
                    remove_tree(fresh)  # the old site; a failure here only leaves what the next build removes
                except OSError:
                    pass


@contextlib.contextmanager
def signals_held(release: bool = True):
    """Hold Ctrl-C and SIGTERM back until the block is done, then drop the interrupt they raise:
    the work they would stop is already complete (the next build removes any leftover). Without
    `release`, they stay held (until the process exits)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        try:
            if release:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        except KeyboardInterrupt:
            pass


def _swap(fresh: Path, out: Path) -> None:
    """Put `fresh` at `out`; the old output ends up at `fresh` (or gone, if there was none)."""
    if not out.exists():
        os.rename(fresh, out)
    elif not exchange(fresh, out):
        aside = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.rename(out, aside)  # replaces the empty folder
        os.rename(fresh, out)
        os.rename(aside, fresh)
