"""Build aside, then swap: the output folder is replaced only when every
file of the new site was written, so a failed build leaves the previous
site exactly as it was.

The staging folder is filled incrementally: a file identical to the one in
the previous site (or whose key says it would be) is hard-linked from it,
which keeps its bytes and timestamp and costs no copying.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MARKER = ".recertgen-site"


class OutputRefused(Exception):
    """The output folder is not ours to replace (exit 2)."""


def check_output(out: Path, root: Path) -> None:
    out_real = out.resolve()
    root_real = root.resolve()
    if out_real == root_real or root_real.is_relative_to(out_real):
        raise OutputRefused(f"refusing to build into {out}: it contains the ledger repository")
    if out_real.is_relative_to(root_real / "ledger") or out_real.is_relative_to(root_real / "templates"):
        raise OutputRefused(f"refusing to build into {out}: it is inside the ledger or templates folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise OutputRefused(f"refusing to replace {out}: it exists and was not made by recertgen (no {MARKER} file)")


class Staging:
    """A temporary folder beside the output, on the same file system."""

    def __init__(self, out: Path, previous_keys: dict[str, str] | None = None) -> None:
        self.out = out
        self.previous_keys = previous_keys or {}
        self.keys: dict[str, str] = {}
        out.parent.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
        self.files = 0
        self._made: set[str] = set()

    def _target(self, rel: str) -> Path:
        path = self.dir / rel
        parent = path.parent
        key = str(parent)
        if key not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(key)
        self.files += 1
        return path

    def path(self, rel: str) -> Path:
        """A path in the staging folder for writers that stream their file."""
        return self._target(rel)

    def write(self, rel: str, data: bytes) -> None:
        self._target(rel).write_bytes(data)

    def reuse(self, rel: str) -> bool:
        """Link the previous site's file into place; False if there is none."""
        old = self.out / rel
        try:
            os.link(old, self._target(rel))
        except FileNotFoundError:
            self.files -= 1
            return False
        except OSError:
            shutil.copy2(old, self.dir / rel)
        return True

    def reuse_keyed(self, rel: str, key: str) -> bool:
        """Reuse the previous file when it was made from the same inputs."""
        self.keys[rel] = key
        return self.previous_keys.get(rel) == key and self.reuse(rel)

    def write_if_changed(self, rel: str, data: bytes) -> None:
        old = self.out / rel
        try:
            same = old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            same = False
        if not (same and self.reuse(rel)):
            self.write(rel, data)

    def copy_if_changed(self, rel: str, source: Path) -> None:
        old = self.out / rel
        try:
            same = old.stat().st_size == source.stat().st_size and old.read_bytes() == source.read_bytes()
        except OSError:
            same = False
        if not (same and self.reuse(rel)):
            shutil.copyfile(source, self._target(rel))

    def commit(self, manifest: str) -> None:
        (self.dir / MARKER).write_text(manifest)
        os.chmod(self.dir, 0o755)
        old = None
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
            if old.exists():
                shutil.rmtree(old)
            os.replace(self.out, old)
        os.replace(self.dir, self.out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abandon(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
