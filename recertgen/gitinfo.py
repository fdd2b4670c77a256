"""What git knows about the ledger: the commit a build came from, and when
each file was first recorded (contemporaneous records are what audits want).
Outside a git repository everything here is simply empty."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-C", str(root), *args], capture_output=True, timeout=120, check=False,
            env={**os.environ, "LC_ALL": "C"}, encoding="utf-8", errors="replace",  # git writes paths and text as UTF-8, whatever the locale
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
    added what it holds, from one pass over the history, oldest first: a
    file moved (into a year's folder, say) keeps the date it was first
    added under its old name."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    top_path = Path(top.strip())
    log = _git(root, "log", "--reverse", "--diff-filter=AR", "-M", "--name-status", "--format=%x00%cs", "--", ".")
    if not log:
        return {}
    try:
        prefix = root.resolve().relative_to(top_path.resolve()).as_posix()
    except ValueError:
        prefix = ""
    prefix = "" if prefix == "." else prefix
    dates: dict[str, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("\x00"):
            date = line[1:].strip()
            continue
        status, _, paths = line.partition("\t")
        if not paths:
            continue
        old, _, new = paths.partition("\t") if status.startswith("R") else ("", "", paths)
        here = _below(new, prefix)
        if here is None:
            continue
        first = dates.get(_below(old, prefix) or "", date) if old else date
        if old or here not in dates:  # added again after a deletion: the first add stands
            dates[here] = first
    return dates


def _below(path: str, prefix: str) -> str | None:
    """`path` (relative to the repository's top) relative to the ledger's
    root, or None outside it."""
    if not prefix:
        return path
    return path[len(prefix) + 1:] if path.startswith(prefix + "/") else None


def recorded_dates(ledger) -> dict[str, str]:
    """When each entry was first recorded: its file's first commit, and for
    an entry in a list, the oldest commit among its own lines (an item
    appended a year after the file was added was recorded then, not with
    the file). Keys: the file, and `file#index` for list items; look them up
    with `recorded_at`."""
    dates = first_recorded(ledger.root)
    if not dates:
        return dates
    items: dict[str, list] = {}
    for entry in ledger.credits:
        if entry.index is not None and entry.file in dates:
            items.setdefault(entry.file, []).append(entry)
    for file, entries in items.items():
        lines = _line_dates(ledger.root, file)
        if lines is None:
            continue
        entries.sort(key=lambda e: e.source.line)
        for entry, following in zip(entries, [*entries[1:], None]):
            last = following.source.line - 1 if following is not None else len(lines)
            committed = [day for day in lines[entry.source.line - 1:last] if day]
            dates[f"{file}#{entry.index}"] = min(committed) if committed else ""
    return dates


def recorded_at(recorded: dict[str, str], entry) -> str:
    """The date `recorded_dates` found for this entry ("" if none)."""
    if entry.index is not None:
        found = recorded.get(f"{entry.file}#{entry.index}")
        if found is not None:
            return found
    return recorded.get(entry.file, "")


def _line_dates(root: Path, rel: str) -> list[str] | None:
    """The committer date of each line of a file as committed ("" for lines
    not committed yet), from `git blame`."""
    out = _git(root, "blame", "--porcelain", "--", rel)
    if out is None:
        return None
    when: dict[str, str] = {}
    commit, lines, times = None, [], {}
    for line in out.splitlines():
        if line.startswith("\t"):
            lines.append(when.get(commit, ""))
        elif line.startswith("committer-time "):
            times[commit] = int(line.split()[1])
        elif line.startswith("committer-tz "):
            when[commit] = _local_day(times.get(commit, 0), line.split()[1]) if commit.strip("0") else ""
        else:
            head = line.split(" ", 1)[0]
            if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
                commit = head
    return lines


def _local_day(epoch: int, tz: str) -> str:
    """The day in the committer's own zone, as `git log --format=%cs` says it."""
    sign = -1 if tz.startswith("-") else 1
    offset = dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])) * sign
    return (dt.datetime.fromtimestamp(epoch, dt.timezone.utc) + offset).date().isoformat()


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
