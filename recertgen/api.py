"""The front door: load → validate → compute, each stage a named call.

The CLI, the site builder and the watcher all come through here, so a
ledger means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from .engine.compute import Report
from .loader import FileRef, Pending, UnusableRoot, read_ledger
from .model import Ledger, Settings
from .problems import Problem, sort_problems
from .recheck import Kept
from .validate import validate, validate_deferred

WATCHER_SAW = "watcher saw"  # a resident caller's files saved since its last read (repository-relative), see `recheck`

__all__ = ["Loaded", "UnusableRoot", "load", "load_deferred", "today"]


@dataclass(frozen=True)
class Loaded:
    ledger: Ledger
    problems: tuple[Problem, ...]
    report: Report
    as_of: dt.date

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


def today(settings: Settings) -> dt.date:
    """'Today' in the ledger's configured timezone (SPEC §1)."""
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


def load(root: Path | str, as_of: dt.date | None = None, refs: list[FileRef] | None = None,
         resident: dict | None = None, progress=None, parallel: bool = False, pending: Pending | None = None) -> Loaded:
    """Read, validate and compute a ledger. Raises UnusableRoot only when
    the call cannot work at all; every problem in the files is a value.
    (`refs`, `resident`, `progress`: see `read_ledger`; `resident` also
    keeps the certifications' reports, see `engine.compute`; `parallel`:
    see `validate`; `pending`: files read as if written, see `loader.Pending`.)"""
    result, when, reports = _read(root, as_of, refs, resident, progress, pending)
    problems, report = validate(result.ledger, when, reports, parallel)
    return Loaded(ledger=result.ledger, problems=tuple(sort_problems([*result.problems, *problems])), report=report, as_of=when)


def load_deferred(root: Path | str, as_of: dt.date | None = None, resident: dict | None = None,
                  refs: list[FileRef] | None = None) -> tuple[Loaded, Callable[[], tuple[Problem, ...]]]:
    """`load` whose record checks may still be running (`validate_deferred`):
    `Loaded.problems` holds what reading and the report found, and the
    callable waits for the rest and returns every problem, sorted. A
    caller must not publish anything before the callable says there is
    no error. (`refs`: the caller's scan, see `read_ledger`.)"""
    result, when, reports = _read(root, as_of, refs, resident, None)
    kept = resident.setdefault("checks", Kept()) if resident is not None else None
    if kept is not None:
        kept.saved = resident.pop(WATCHER_SAW, None)
    problems, report, pending = validate_deferred(result.ledger, when, reports, kept)
    found = tuple(sort_problems([*result.problems, *problems]))
    everything: list[tuple[Problem, ...]] = []

    def complete() -> tuple[Problem, ...]:
        if not everything:
            everything.append(tuple(sort_problems([*found, *pending.result()])))
        return everything[0]

    return Loaded(ledger=result.ledger, problems=found, report=report, as_of=when), complete


def _read(root, as_of, refs, resident, progress, pending=None):
    result = read_ledger(Path(root), refs=refs, resident=resident, progress=progress, pending=pending)
    when = as_of or today(result.ledger.settings)
    reports = resident.setdefault("reports", {}) if resident is not None else None
    return result, when, reports
