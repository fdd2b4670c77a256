"""The front door's first stage: find the ledger's files and read them.

`read_ledger(root)` gathers every record and every problem found while
reading; it never raises for anything a file contains. Cross-record rules
live in `validate.py`; `api.load()` runs both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from .fields import slug
from .model import Certification, CreditEntry, Ledger, Opportunity, Program, Settings
from .problems import Problem, Source, error
from .program_library import builtin_programs, source_index
from .records.certification import read_certification
from .records.credit import read_credit
from .records.opportunity import read_opportunity
from .records.program import read_program
from .records.settings import read_settings
from .yamlio import Node, YMap, YSeq, describe, read_yaml_file

SETTINGS_FILE = "recertgen.yaml"
YAML_SUFFIXES = (".yaml", ".yml")


class UnusableRoot(Exception):
    """The call cannot work at all (no such folder, broken settings): exit 2."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class ReadResult:
    ledger: Ledger
    problems: tuple[Problem, ...]


def read_settings_file(root: Path) -> tuple[Settings, list[Problem]]:
    """Settings, or UnusableRoot when the root or its settings are unusable."""
    if not root.is_dir():
        raise UnusableRoot(f"{root} is not a folder")
    path = root / SETTINGS_FILE
    problems: list[Problem] = []
    if not path.exists():
        return Settings(), problems
    parsed = read_yaml_file(path, SETTINGS_FILE)
    if parsed.root is None and all("file is empty" in p.message for p in parsed.problems):
        return Settings(), problems  # an empty settings file means all defaults
    problems.extend(parsed.problems)
    if parsed.root is not None and not isinstance(parsed.root, YMap):
        problems.append(error(Source(SETTINGS_FILE, parsed.root.line, parsed.root.col), f"recertgen.yaml must be a mapping of settings, found {describe(parsed.root)}"))
    settings = read_settings(parsed.root, SETTINGS_FILE, problems) if isinstance(parsed.root, YMap) else Settings()
    if any(p.is_error for p in problems):
        raise UnusableRoot("recertgen.yaml has errors", tuple(problems))
    return settings, [p for p in problems if not p.is_error]


def read_ledger(root: Path) -> ReadResult:
    root = Path(root)
    settings, problems = read_settings_file(root)
    ledger_dir = root / settings.ledger
    if not ledger_dir.is_dir():
        raise UnusableRoot(
            f"no ledger folder at {ledger_dir}: is {root} a recertgen repository? (`recertgen init DIR` makes one)"
        )
    reader = _Reader(root, ledger_dir, problems)
    reader.files += (root / SETTINGS_FILE).is_file()
    programs = dict(builtin_programs())
    for program in reader.each("programs", _program_records):
        if program.id in programs and not programs[program.id].builtin:
            reader.problems.append(error(program.source, f"program id '{program.id}' is defined twice"))
        programs[program.id] = program
    certifications = list(reader.each("certifications", _certification_records, recursive=False))
    credits = list(reader.each("credits", _credit_records))
    opportunities = list(reader.each("opportunities", _opportunity_records))
    ledger = Ledger(
        root=root,
        settings=settings,
        certifications=tuple(certifications),
        credits=tuple(_unique_entry_ids(credits)),
        opportunities=tuple(opportunities),
        programs=programs,
        files_read=reader.files,
    )
    return ReadResult(ledger, tuple(reader.problems))


class _Reader:
    def __init__(self, root: Path, ledger_dir: Path, problems: list[Problem]) -> None:
        self.root = root
        self.ledger_dir = ledger_dir
        self.problems = problems
        self.files = 0

    def each(self, folder: str, make, recursive: bool = True):
        base = self.ledger_dir / folder
        for path in yaml_files(base, recursive):
            rel = path.relative_to(self.root).as_posix()
            self.files += 1
            parsed = read_yaml_file(path, rel)
            self.problems.extend(parsed.problems)
            if parsed.root is not None:
                yield from make(parsed.root, rel, path.relative_to(base), self.problems)


def yaml_files(base: Path, recursive: bool = True) -> list[Path]:
    """YAML files under `base`, sorted, skipping hidden files and folders
    (editor swap files, `.git`)."""
    if not base.is_dir():
        return []
    found: list[Path] = []
    if recursive:
        for folder, dirs, files in os.walk(base, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found.extend(Path(folder) / f for f in files if f.endswith(YAML_SUFFIXES) and not f.startswith("."))
    else:
        found = [p for p in base.iterdir() if p.name.endswith(YAML_SUFFIXES) and not p.name.startswith(".") and p.is_file()]
    return sorted(found, key=lambda p: p.as_posix())


def _mappings(node: Node, rel: str, problems: list[Problem], what: str, allow_list: bool):
    """The mapping(s) a file holds, with an error for anything else."""
    if isinstance(node, YMap):
        yield None, node
        return
    if isinstance(node, YSeq) and allow_list:
        if not node:
            problems.append(error(Source(rel, node.line, node.col), f"empty list: expected {what} mappings"))
        for index, item in enumerate(node):
            if isinstance(item, YMap):
                yield index, item
            else:
                problems.append(error(Source(rel, item.line, item.col), f"list item {index + 1} must be {what} (a mapping of keys), found {describe(item)}"))
        return
    shape = "a mapping or a list of mappings" if allow_list else "a mapping"
    problems.append(error(Source(rel, node.line, node.col), f"expected {what} ({shape} of keys), found {describe(node)}"))


def _program_records(node: Node, rel: str, inner: Path, problems: list[Problem]):
    for _, item in _mappings(node, rel, problems, "a program", allow_list=False):
        program = read_program(item, rel, problems, builtin=False, source_index=source_index())
        if program is not None:
            yield program


def _certification_records(node: Node, rel: str, inner: Path, problems: list[Problem]):
    for _, item in _mappings(node, rel, problems, "a certification", allow_list=False):
        cert = read_certification(item, rel, inner.stem, problems)
        if cert is not None:
            yield cert


def _credit_records(node: Node, rel: str, inner: Path, problems: list[Problem]):
    base_id = slug(inner.stem, limit=120)
    for index, item in _mappings(node, rel, problems, "a credit entry", allow_list=True):
        default_id = base_id if index is None else f"{base_id}-{index + 1}"
        entry = read_credit(item, rel, default_id, index, problems)
        if entry is not None:
            yield entry


def _opportunity_records(node: Node, rel: str, inner: Path, problems: list[Problem]):
    for _, item in _mappings(node, rel, problems, "an opportunity", allow_list=True):
        opportunity = read_opportunity(item, rel, problems)
        if opportunity is not None:
            yield opportunity


def _unique_entry_ids(entries: list[CreditEntry]) -> list[CreditEntry]:
    """A derived id is the file name's stem (plus the list position); where
    two files share a stem (`2024/talk.yaml`, `2025/talk.yaml`) both use the
    whole path instead, so ids never depend on which file was read first.
    Explicit ids are checked for uniqueness by validation."""
    derived = [e for e in entries if "id" not in e.positions]
    files_by_id: dict[str, set[str]] = {}
    for entry in derived:
        files_by_id.setdefault(entry.id, set()).add(entry.file)
    explicit = {e.id for e in entries if "id" in e.positions}
    result = []
    for entry in entries:
        if "id" not in entry.positions and (len(files_by_id[entry.id]) > 1 or entry.id in explicit):
            path_id = slug(PurePosixPath(entry.file).with_suffix("").as_posix(), limit=160)
            entry = replace(entry, id=path_id if entry.index is None else f"{path_id}-{entry.index + 1}")
        result.append(entry)
    return result


__all__ = ["read_ledger", "read_settings_file", "UnusableRoot", "ReadResult", "yaml_files", "Program", "Certification", "Opportunity"]
