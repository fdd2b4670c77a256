"""Build aside, then swap: the output folder is replaced only when every
file of the new site was written, so a failed build leaves the previous
site exactly as it was.

The staging folder is filled incrementally: a file identical to the one in
the previous site (or whose key says it would be) is hard-linked from it,
which keeps its bytes and timestamp and costs no copying.
"""

from __future__ import annotations

import glob
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable, TypeVar

MARKER = ".recertgen-site"


class OutputRefused(Exception):
    """The output folder is not ours to replace (exit 2). `reason`: why,
    without the folder's name (`check` says it at the setting)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class OutputUnwritable(OutputRefused):
    """The folder the output goes in cannot be written (exit 2): nothing
    was built, the previous site is as it was."""


def protected_folder(target: Path, root: Path, ledger_folder: str) -> Path | None:
    """The ledger or templates folder of the repository at `root` that
    `target` is in, if any: the ledger only add, log and init write into
    (SPEC §4), the templates are the user's own. `ledger_folder`: the
    settings' `ledger`, wherever it is named."""
    target = target.resolve()
    for folder in (root / ledger_folder, root / "templates"):
        if target.is_relative_to(folder.resolve()):
            return folder
    return None


def check_output(out: Path, root: Path, ledger_folder: str = "ledger") -> None:
    out_real = out.resolve()
    root_real = root.resolve()
    if out_real == root_real or root_real.is_relative_to(out_real):
        _refuse("build into", out, "it contains the ledger repository")
    folder = protected_folder(out, root, ledger_folder)
    if folder is not None:
        why = "which holds your own templates" if folder.name == "templates" and folder != root / ledger_folder else "which only add, log and init write into"
        _refuse("build into", out, f"it is inside the {folder.name} folder, {why}")
    if out.exists() and not out.is_dir():
        _refuse("replace", out, "it is a file, not a site folder")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        _refuse("replace", out, f"it exists and was not made by recertgen (no {MARKER} file)")


def _refuse(verb: str, out: Path, reason: str) -> None:
    raise OutputRefused(f"refusing to {verb} {out}: {reason}", reason)


def through_link(out: Path) -> Path:
    """Where the site really goes: an output that is a link (to a web
    server's folder, say) is built into its target, and the link stays;
    swapping the link itself would leave its target stale for good."""
    return Path(os.path.realpath(out)) if out.is_symlink() else out


T = TypeVar("T")


def write_whole(path: Path, write: Callable[[BinaryIO], T]) -> T:
    """Write a file whole or not at all (an export's `-o`): into a new file
    beside it, moved over it once complete, so a full disk or a failed
    write leaves no half file and the previous one as it was. A file that
    may not be written is refused, not replaced; a link is written
    through (the link stays); a device or a pipe (`/dev/stdout`) is
    written straight into. OSError says why it could not be written."""
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        kind = None
    if kind is not None and not stat.S_ISREG(kind):  # /dev/stdout into a pipe has no real path: write it as named
        with open(path, "wb") as handle:
            return write(handle)
    target = Path(os.path.realpath(path))
    if target.exists():
        open(target, "ab").close()  # may we write it? (opening to append changes nothing)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    created = False
    try:
        with open(temp, "xb") as handle:
            created = True
            result = write(handle)
        if target.exists():
            shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException:
        if created:
            temp.unlink(missing_ok=True)
        raise
    return result


class Staging:
    """A temporary folder beside the output, on the same file system."""

    def __init__(self, out: Path, previous_keys: dict[str, str] | None = None) -> None:
        self.out = out
        self.previous_keys = previous_keys or {}
        self.keys: dict[str, str] = {}
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputUnwritable(f"cannot build into {out}: cannot create the folder {exc.filename or out.parent} "
                                   f"({exc.strerror or exc})") from None
        sweep_leftovers(out)
        try:
            self.dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
        except OSError as exc:
            raise OutputUnwritable(f"cannot build into {out}: cannot create a folder in {out.parent} ({exc.strerror or exc})") from None
        self.files = 0
        self._made: set[str] = set()
        # Plain strings for the paths: a firm-scale site links ten thousand files a build.
        self._dir, self._out = str(self.dir), str(out)

    def _target(self, rel: str) -> str:
        path = os.path.join(self._dir, rel)
        parent = os.path.dirname(path)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        self.files += 1
        return path

    def path(self, rel: str) -> Path:
        """A path in the staging folder for writers that stream their file."""
        return Path(self._target(rel))

    def write(self, rel: str, data: bytes) -> None:
        with open(self._target(rel), "wb") as handle:
            handle.write(data)

    def reuse(self, rel: str) -> bool:
        """Link the previous site's file into place; False if there is none."""
        old = os.path.join(self._out, rel)
        try:
            os.link(old, self._target(rel))
        except FileNotFoundError:
            self.files -= 1
            return False
        except OSError:
            shutil.copy2(old, os.path.join(self._dir, rel))
        return True

    def reuse_keyed(self, rel: str, key: str) -> bool:
        """Reuse the previous file when it was made from the same inputs."""
        self.keys[rel] = key
        return self.previous_keys.get(rel) == key and self.reuse(rel)

    def place_all(self, files: list[tuple[str, Path | str, str]]) -> None:
        """Many files at once — (rel, source, key) — each linked from the
        previous site when its key is the same, else copied from its
        source: ten thousand proof files without a call per file for each
        step. (On a thread, linking waits for the interpreter lock every
        time it comes back from the system.)"""
        previous, out = self.previous_keys, self._out
        for rel, source, key in files:
            self.keys[rel] = key
            target = self._target(rel)
            if previous.get(rel) == key:
                old = os.path.join(out, rel)
                try:
                    os.link(old, target)
                    continue
                except FileNotFoundError:
                    pass
                except OSError:
                    shutil.copy2(old, target)
                    continue
            shutil.copyfile(source, target)

    def write_if_changed(self, rel: str, data: bytes) -> None:
        old = os.path.join(self._out, rel)
        try:
            same = os.stat(old).st_size == len(data) and _read(old) == data
        except OSError:
            same = False
        if not (same and self.reuse(rel)):
            self.write(rel, data)

    def copy_if_changed(self, rel: str, source: Path) -> None:
        old = os.path.join(self._out, rel)
        try:
            same = os.stat(old).st_size == source.stat().st_size and _read(old) == source.read_bytes()
        except OSError:
            same = False
        if not (same and self.reuse(rel)):
            shutil.copyfile(source, self._target(rel))

    def commit(self, discard: Callable[[Path], None] | None = None) -> None:
        """Swap the new site in. `discard` removes the previous one once it
        is out of the way: at once by default; `serve` hands it to a
        background thread, since nobody needs to wait for thousands of
        unlinks before seeing the new site."""
        (self.dir / MARKER).write_text("This folder is generated by `recertgen build`; it is replaced on every build.\n")
        os.chmod(self.dir, 0o755)
        old = None
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}-{time.time_ns()}")
            os.replace(self.out, old)
        try:
            os.replace(self.dir, self.out)
        except BaseException:
            if old is not None:  # the previous site goes back where it was
                os.replace(old, self.out)
            raise
        if old is not None:
            (discard or _remove)(old)

    def abandon(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def sweep_leftovers(out: Path) -> None:
    """What a build killed half way left beside the output (its staging
    folder, or the previous site it was removing) goes with the next build.
    Their names carry the process id: another build still running keeps its
    own."""
    for kind in ("building", "old"):
        for folder in out.parent.glob(f".{glob.escape(out.name)}.{kind}-*"):
            pid = folder.name[len(f".{out.name}.{kind}-"):].split("-", 1)[0]
            if not pid.isdigit() or _running(int(pid)):
                continue
            if folder.is_symlink():  # an output link an earlier version swapped aside: the link goes, never its target
                folder.unlink()
            elif folder.is_dir():
                _remove(folder)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # somebody else's: alive
        return True
    return True
