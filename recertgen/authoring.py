"""Writing into a ledger: only ever new files, and only entries that check.

`log` and `add` are the two commands that write into the ledger. Both go
through `write_entry`: it creates the credit file (never replacing one),
copies the proof beside it with its digest, checks the whole ledger again,
and takes everything back if the new entry brought an error. So a refused
write leaves the ledger exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import json
import re
from decimal import Decimal

from .amounts import fmt
from .api import Loaded, load
from .fields import slug
from .loader import Pending
from .problems import Problem
from .proofs import PROOF_DIR, sha256_of
from .validate import SAME_ACTIVITY, SAME_PROOF

MAX_PROOF_BYTES = 10 * 1024 * 1024


class Refused(Exception):
    """Nothing was written (exit 1)."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class Written:
    entry_path: Path
    proof_path: Path | None
    loaded: Loaded  # the ledger as checked after the write


@dataclass(frozen=True)
class ProofCopy:
    source: Path
    target: Path
    rel: str  # as written in the entry: relative to ledger/proof/
    sha256: str
    reused: bool  # an identical file was already there


def credit_path(day: dt.date, title: str) -> str:
    """Where a new entry goes, relative to the ledger folder."""
    return f"credits/{day.year}/{day.isoformat()}-{slug(title, limit=50)}.yaml"


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ()&.,/'+_-]*")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def quote_yaml(text: str) -> str:
    """A YAML scalar that reads back as exactly this text: plain when that
    is unambiguous, else double-quoted (JSON strings are valid YAML)."""
    if _PLAIN.fullmatch(text) and text.strip() == text and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def credit_entry_yaml(
    title: str,
    provider: str | None,
    day: dt.date,
    counts_toward: list[str] | dict[str, Decimal],
    hours: Decimal | None = None,
    minutes: Decimal | None = None,
    delivery: str | None = None,
    field_of_study: str | None = None,
    state: str | None = None,
    source: str | None = None,
    description: str | None = None,
    proof: str | None = None,
    proof_sha256: str | None = None,
    categories: dict[str, str] | None = None,
) -> str:
    """A credit entry in the SPEC's keys, in a stable order, ready to commit.
    (`counts_toward`: certification ids, or ids with their credits;
    `categories`: the category of some of them; no `provider`: a blank
    to fill in, which `check` refuses until it is — never a made-up one.)"""
    provider_line = f"provider: {quote_yaml(provider)}" if provider else "provider:   # who ran it? (required)"
    lines = [f"title: {quote_yaml(title)}", provider_line, f"date: {day.isoformat()}"]
    if hours is not None:
        lines.append(f"hours: {hours.normalize():f}")
    elif minutes is not None:
        lines.append(f"minutes: {minutes.normalize():f}")
    if delivery:
        lines.append(f"delivery: {delivery}")
    categories = categories or {}
    if isinstance(counts_toward, dict):
        lines.append("counts_toward: {" + ", ".join(f"{k}: {_allocation(v, categories.get(k))}" for k, v in counts_toward.items()) + "}")
    elif categories:  # estimated, some with a category: the map form, null where only the estimate is asked for
        lines.append("counts_toward: {" + ", ".join(f"{k}: {_allocation(None, categories.get(k))}" for k in counts_toward) + "}")
    else:  # estimated: the list form
        lines.append("counts_toward: [" + ", ".join(counts_toward) + "]")
    for key, value in (("field_of_study", field_of_study), ("state", state), ("source", source)):
        if value:
            lines.append(f"{key}: {quote_yaml(value)}")
    if proof:
        lines.append(f"proof: {quote_yaml(proof)}")
        if proof_sha256:
            lines.append(f"proof_sha256: {proof_sha256}")
    if description:
        if "\n" in description.strip():
            lines.append("description: |")
            lines.extend(f"  {line}".rstrip() for line in description.strip().splitlines())
        else:
            lines.append(f"description: {quote_yaml(description.strip())}")
    return "\n".join(lines) + "\n"


def _allocation(credits: Decimal | None, category: str | None) -> str:
    if category is None:
        return fmt(credits) if credits is not None else "null"
    claimed = f"credits: {fmt(credits)}, " if credits is not None else ""
    return "{" + claimed + f"category: {quote_yaml(category)}" + "}"


def plan_proof(ledger_dir: Path, source: Path, day: dt.date) -> ProofCopy:
    """Where a proof file goes (`ledger/proof/YYYY/name`), never over a
    different file: an identical one is reused, a different one gets -2, -3…"""
    if not source.is_file():
        raise Refused(f"proof file not found: {source}")
    size = source.stat().st_size
    if size > MAX_PROOF_BYTES:
        raise Refused(f"proof file is {size:,} bytes, over the 10 MB limit")
    try:
        digest = sha256_of(source)
    except OSError as exc:
        raise Refused(f"cannot read the proof file {source}: {exc.strerror or exc}") from None
    folder = ledger_dir / PROOF_DIR / str(day.year)
    stem, suffix = source.stem, source.suffix.lower()
    n = 1
    while True:
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        target = folder / name
        if not target.exists():
            return ProofCopy(source, target, f"{day.year}/{name}", digest, reused=False)
        if target.is_file() and sha256_of(target) == digest:
            return ProofCopy(source, target, f"{day.year}/{name}", digest, reused=True)
        n += 1


def write_entry(root: Path, rel_path: str, text: str, proof: ProofCopy | None, as_of: dt.date | None = None) -> Written:
    """Create `ledger/<rel_path>` (or `-2`, `-3`… beside it, never over a
    file) with `text`; refuse, writing nothing — not even for a moment, a
    watcher would see it — when the ledger would have new errors with it:
    the same activity logged again among them. The ledger is checked with
    the new files read as if written (`loader.Pending`), then they are."""
    before = load(root, as_of)
    ledger_dir = before.ledger.ledger_dir
    path = _unused(ledger_dir / rel_path)
    rel = path.relative_to(root).as_posix()
    copies = {f"{before.ledger.settings.ledger}/{PROOF_DIR}/{proof.rel}": proof.source} if proof is not None and not proof.reused else {}
    after = load(root, as_of, pending=Pending({rel: text.encode("utf-8")}, copies))
    old = {(p.source, p.message) for p in before.errors}
    new = tuple(p for p in after.errors if (p.source, p.message) not in old)
    if new:
        raise _refusal(rel, new)
    created: list[Path] = []
    try:
        if copies:
            _create_copy(proof.source, proof.target, created)
        _create_text(path, text, created)
    except OSError as exc:
        _undo(created, ledger_dir)
        raise Refused(f"{_cannot_create(exc, root)}; nothing was written") from None
    except BaseException:
        _undo(created, ledger_dir)
        raise
    return Written(path, proof.target if proof else None, after)


def _cannot_create(exc: OSError, root: Path) -> str:
    """Why a file could not be created, naming the path the user can fix:
    a file standing where a folder must go (`credits/2026` made a file),
    or the file itself (a folder not writable, a full disk)."""
    path = Path(exc.filename) if exc.filename else None
    if path is None:
        return f"cannot write into the ledger: {exc.strerror or exc}"
    blocking = next((p for p in path.parents if p.is_file()), None) if isinstance(exc, NotADirectoryError) else None
    if blocking is not None:
        return f"cannot write {_shown(path, root)}: {_shown(blocking, root)} is a file, not a folder"
    return f"cannot write {_shown(path, root)}: {exc.strerror or exc}"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _refusal(rel: str, problems: tuple) -> "Refused":
    """Why a new entry was taken back. A duplicate is reported at whichever
    of the two files comes first by name, often the one already there, and
    names the new one, which no longer exists: say it the new entry's way."""
    elsewhere = [p for p in problems if p.source.path != rel and rel in p.message]
    if elsewhere and all(p.message.startswith((SAME_ACTIVITY, SAME_PROOF)) for p in elsewhere):
        recorded = sorted({p.source.path for p in elsewhere})
        return Refused(f"the same activity is already recorded in {', '.join(recorded)}; nothing was written",
                       tuple(p for p in problems if p.source.path == rel))
    return Refused("the new entry does not check; nothing was written", problems)


def free_path(ledger_dir: Path, rel_path: str) -> str:
    """Where `write_entry` would create `rel_path` now: the name itself or
    the first free `-2`, `-3`… beside it (what a preview should show)."""
    return _unused(ledger_dir / rel_path).relative_to(ledger_dir).as_posix()


def _unused(path: Path) -> Path:
    """Another activity may share a date and a title with one logged before
    (another provider's course of the same name): it gets its own file."""
    candidate, number = path, 2
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def _create_text(path: Path, text: str, created: list[Path]) -> None:
    _make_parents(path, created)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never replace a file
        created.append(path)
        handle.write(text)


def _create_copy(source: Path, target: Path, created: list[Path]) -> None:
    _make_parents(target, created)
    with source.open("rb") as src, open(target, "xb") as dst:
        created.append(target)
        shutil.copyfileobj(src, dst)


def _make_parents(path: Path, created: list[Path]) -> None:
    missing = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for folder in reversed(missing):
        folder.mkdir()
        created.append(folder)


def _undo(created: list[Path], ledger_dir: Path) -> None:
    for path in reversed(created):
        try:
            if path.is_dir():
                os.rmdir(path)
            else:
                path.unlink()
        except OSError:
            pass
