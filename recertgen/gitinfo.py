"""What git knows about the ledger: the commit a build came from, and when
each file was first recorded (contemporaneous records are what audits want).
Outside a git repository everything here is simply empty."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-C", str(root), *args], capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def head_commit(root: Path) -> str | None:
    """The commit the ledger is at, with '+dirty' when files changed since."""
    if _git(root, "rev-parse", "--is-inside-work-tree") is None:
        return None
    commit = _git(root, "rev-parse", "--short=12", "HEAD")
    if not commit:
        return None
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no", "--", ".")
    return commit.strip() + ("+dirty" if dirty else "")


def first_recorded(root: Path) -> dict[str, str]:
    """Repository-relative path → date (YYYY-MM-DD) of the commit that first
    added it, from one pass over the history (oldest commit wins)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    top_path = Path(top.strip())
    log = _git(root, "log", "--diff-filter=A", "--no-renames", "--name-only", "--format=%x00%cs", "--", ".")
    if not log:
        return {}
    try:
        prefix = root.resolve().relative_to(top_path.resolve()).as_posix()
    except ValueError:
        prefix = ""
    dates: dict[str, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("\x00"):
            date = line[1:].strip()
        elif line.strip():
            path = line.strip()
            if prefix and prefix != ".":
                if not path.startswith(prefix + "/"):
                    continue
                path = path[len(prefix) + 1:]
            dates[path] = date  # the log runs newest first: the last write is the first add
    return dates


def repository_state(root: Path) -> tuple | None:
    """What git state a build depends on, cheaply: the commit, and when the
    index last changed (staging or committing touches it)."""
    head = _git(root, "rev-parse", "HEAD")
    if head is None:
        return None
    top = _git(root, "rev-parse", "--git-dir")
    try:
        index = (root / top.strip() / "index").stat().st_mtime_ns if top else None
    except OSError:
        index = None
    return (head.strip(), index)
