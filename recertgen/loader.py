"""The front door's first stage: find the ledger's files and read them.

`read_ledger(root)` gathers every record and every problem found while
reading; it never raises for anything a file contains. Cross-record rules
live in `validate.py`; `api.load()` runs both.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import os
import posixpath
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import Mapping, NamedTuple

from .fields import did_you_mean, slug
from .model import CreditEntry, Delta, Ledger, Settings, UnfinishedCredit
from .problems import Problem, Source, error, warning
from .program_library import builtin_programs, source_index
from .records.certification import read_certification
from .records.credit import read_credit
from .records.opportunity import read_opportunity
from .records.program import read_program
from .records.settings import read_settings
from .yamlio import Node, YMap, YSeq, describe, parse_yaml_bytes, read_yaml_file

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


class FileRef(NamedTuple):
    """A ledger file found by the scan, with what its cache entry is keyed on.
    (A named tuple: a scan makes one per file, a hundred thousand of them.)"""

    kind: str  # programs, certifications, credits, opportunities
    rel: str  # repository-relative POSIX path
    inner: str  # relative to its kind's folder (the entry id derives from it)
    size: int
    mtime_ns: int
    # Changed by any write and by any change of the times themselves: a file
    # rewritten to the same size whose modification time was then put back
    # (cp -p, rsync -a, touch -r) is not the file that was cached.
    ctime_ns: int = 0

    @property
    def stamp(self) -> tuple[int, int]:
        return self.mtime_ns, self.ctime_ns


@dataclass(frozen=True)
class Parsed:
    """What one file yields: its records and the problems found reading it."""

    records: tuple
    problems: tuple[Problem, ...]


KINDS = (("programs", True), ("certifications", False), ("credits", True), ("opportunities", True))
PROOF_FOLDER = "proof"
READ_FOLDERS = tuple(kind for kind, _ in KINDS) + (PROOF_FOLDER,)  # what the ledger folder is read for
STRAY_KIND = "stray"  # the kind of a ref for a file or folder right in the ledger folder that none of the above is
PARALLEL_MIN_FILES = 2000  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Pending:
    """Files add/log are about to write: credit files (repository path ->
    their bytes) and proof copies (repository path -> the file copied). A
    trial read takes them as if written, so a refused entry writes nothing,
    not even for a moment."""

    files: Mapping[str, bytes]
    proofs: Mapping[str, Path]


def read_ledger(root: Path, use_cache: bool = True, workers: int | None = None, refs: list[FileRef] | None = None,
                resident: dict | None = None, progress=None, pending: Pending | None = None) -> ReadResult:
    """Every record and every problem found reading the ledger. Files whose
    size and modification time match the parse cache are not read again;
    the rest are parsed, on all cores when there are many. `refs` is a scan
    the caller already made (`build` scans once to see whether anything
    changed at all). `resident` keeps parse caches in memory between calls
    (`serve`), so a rebuild does not load its cache file again nor write it
    (`parsecache.save_resident` does, when the caller likes). `progress`,
    when given, is called with the number of files to parse when there are
    many, and returns a context manager with `update(n)` (a progress bar).
    `pending`: files read as if written (`Pending`), never cached.)"""
    root = Path(root)
    settings, problems = read_settings_file(root)
    ledger_dir = root / settings.ledger
    if not ledger_dir.is_dir():
        raise UnusableRoot(
            f"no ledger folder at {ledger_dir}: is {root} a recertgen repository? (`recertgen init DIR` makes one)"
        )
    if refs is None:
        refs = scan(root, settings.ledger)
    if pending is not None:
        refs = _with_pending(refs, settings.ledger, pending)
    cache = None
    if use_cache:
        from .parsecache import open_cache

        cache = open_cache(root, settings.cache, resident)
    previous = resident.get(_PARSED) if resident is not None and pending is None else None
    parsed = parse_files(root, refs, cache, workers, progress, pending.files if pending is not None else None, previous)
    if cache is not None and resident is None:  # a resident cache is saved by its keeper
        cache.save()
    since = getattr(parsed, "since", ())
    if since:
        parsed.since = ()  # used once, below: kept, it would hold every earlier read's results
    if resident is not None and pending is None:
        resident[_PARSED] = (refs, parsed)
        if cache is not None:
            cache.seen.update(parsed)  # what parse_files took from the last read is in the cache too
    by_kind: dict[str, list] = {kind: [] for kind, _ in (*KINDS, (STRAY_KIND, False))}
    nothing_read = _nothing_read(root, settings.ledger, refs)
    if nothing_read is not None:
        problems.append(nothing_read)
    for ref in refs:
        if nothing_read is not None and ref.kind == STRAY_KIND and settings.ledger != Settings.ledger:
            continue  # 'ledger' set to the wrong folder: one error says it for all; else each stray says its did-you-mean
        result = parsed[ref.rel]
        problems.extend(result.problems)
        by_kind[ref.kind].extend(result.records)
    programs = dict(builtin_programs())
    for program in by_kind["programs"]:
        if program.id in programs and not programs[program.id].builtin:
            problems.append(error(program.source, f"program id '{program.id}' is defined twice: first in {programs[program.id].source.path}"))
        programs[program.id] = program
    credits = by_kind["credits"]
    unfinished = tuple(r for r in credits if isinstance(r, UnfinishedCredit))
    if unfinished:
        credits = [r for r in credits if not isinstance(r, UnfinishedCredit)]
    if resident is not None and pending is None:
        credits, delta = _resident_ids(resident, tuple(credits), parsed, since)
    else:
        credits, delta = tuple(_unique_entry_ids(credits)), None
    ledger = Ledger(
        root=root,
        settings=settings,
        certifications=tuple(by_kind["certifications"]),
        credits=credits,
        unfinished=unfinished,
        opportunities=tuple(by_kind["opportunities"]),
        programs=programs,
        files_read=_files_read(refs) + (root / SETTINGS_FILE).is_file(),
        scanned=tuple(refs),
        pending_proofs=pending.proofs if pending is not None else {},
        delta=delta,
    )
    return ReadResult(ledger, tuple(problems))


def _files_read(refs: list[FileRef]) -> int:
    sizes = list(map(operator.attrgetter("size"), refs))
    return len(sizes) - sum(sizes.count(size) for size in NOT_READ)


_PARSED, _RENAMED, _IDS = "loader: parsed", "loader: renamed", "loader: ids"  # what a resident read keeps


def _resident_ids(resident: dict, raw: tuple, parsed: dict, since: tuple) -> tuple[tuple, Delta | None]:
    """`_unique_entry_ids` for a resident reader, and what changed since its
    last read (`Delta`; None for the first). Unchanged files give the very
    same entry objects, so the files read again say what changed (`since`:
    `Reparsed.since`); the ids each file derives are counted, so that without a
    clash (the usual case) only the changed entries are looked at, not a
    hundred thousand."""
    kept = resident.pop(_IDS, None)  # taken out: a failure half way leaves nothing half updated
    if kept is None:
        counts, raw_delta, previous = _IdCounts(raw), None, None
    else:
        previous_raw, counts, previous, previous_parsed = kept
        if since and since[0] is previous_parsed:  # this read's files against the very read kept
            raw_delta = _files_delta(previous_raw, since, parsed)
        else:
            raw_delta = _identity_delta(previous_raw, raw)
        counts.apply(raw_delta)
    if counts.clashing:
        renamed = resident.get(_RENAMED, {})
        credits = tuple(_unique_entry_ids(list(raw), renamed, counts.clashing))
        resident[_RENAMED] = renamed
    else:
        credits = raw
    if previous is None:
        delta = None
    elif previous is kept[0] and credits is raw:  # no renaming, then or now: the files' delta is the entries'
        delta = raw_delta
    else:
        delta = _identity_delta(previous, credits)
    resident[_IDS] = (raw, counts, credits, parsed)
    return credits, delta


def _files_delta(previous_raw: tuple, since: tuple, parsed: dict) -> Delta:
    """The entries of the files gone or read again, against those read
    now: one saved file's, not a hundred thousand compared. (A file read
    again may give the very same entries, from the parse cache: they are
    neither added nor removed.)"""
    before, gone, fresh = since
    removed = [r for ref in gone if ref.kind == "credits" for r in before[ref.rel].records if not isinstance(r, UnfinishedCredit)]
    added = [r for ref in fresh if ref.kind == "credits" for r in parsed[ref.rel].records if not isinstance(r, UnfinishedCredit)]
    both = {id(r) for r in removed} & {id(r) for r in added}
    return Delta(previous=previous_raw, added=tuple(r for r in added if id(r) not in both),
                 removed=tuple(r for r in removed if id(r) not in both))


def _identity_delta(previous: tuple, current: tuple) -> Delta:
    before, after = dict(zip(map(id, previous), previous)), dict(zip(map(id, current), current))
    return Delta(previous=previous, added=tuple(after[i] for i in after.keys() - before.keys()),
                 removed=tuple(before[i] for i in before.keys() - after.keys()))


class _IdCounts:
    """Which files derive each id, and how many entries give it explicitly:
    the clashes `_unique_entry_ids` resolves, kept up to date by deltas."""

    def __init__(self, entries) -> None:
        self.derived: dict[str, dict[str, int]] = {}
        self.explicit: dict[str, int] = {}
        self.clashing: set[str] = set()
        self._add(entries, 1)
        self.clashing = {i for i, files in self.derived.items() if len(files) > 1} | (self.explicit.keys() & self.derived.keys())

    def apply(self, delta: Delta) -> None:
        touched = self._add(delta.removed, -1) | self._add(delta.added, 1)
        for entry_id in touched:
            if len(self.derived.get(entry_id, ())) > 1 or (entry_id in self.explicit and entry_id in self.derived):
                self.clashing.add(entry_id)
            else:
                self.clashing.discard(entry_id)

    def _add(self, entries, step: int) -> set[str]:
        touched = set()
        for entry in entries:
            touched.add(entry.id)
            if entry.written("id"):
                _step(self.explicit, entry.id, step)
            else:
                files = self.derived.setdefault(entry.id, {})
                _step(files, entry.file, step)
                if not files:
                    del self.derived[entry.id]
        return touched


def _step(counts: dict, key, step: int) -> None:
    total = counts.get(key, 0) + step
    if total > 0:
        counts[key] = total
    else:
        counts.pop(key, None)


def scan(root: Path, ledger_folder: str) -> list[FileRef]:
    """Every ledger file with its size and modification time, in a stable
    order (by name, folder by folder), from one walk of directory entries:
    no per-file pathlib work, no generator per folder. What looks like
    ledger data but is not read is listed too, with a size saying why
    (`NOT_READ`), so that it is reported rather than silently skipped."""
    refs: list[FileRef] = []
    for kind, recursive in KINDS:
        base = os.path.join(str(root), ledger_folder, kind)
        _walk(base, recursive, kind, f"{ledger_folder}/{kind}/", "", refs)
    _strays(os.path.join(str(root), ledger_folder), ledger_folder, refs)
    return refs


def _strays(folder: str, ledger_folder: str, refs: list[FileRef]) -> None:
    """What lies right in the ledger folder besides the folders it is read
    for (`ledger/credit/`, `ledger/talk.yaml`): listed, to be warned about,
    since whatever it holds is read nowhere. Hidden names are left alone."""
    try:
        with os.scandir(folder) as found:
            names = sorted(entry.name for entry in found)
    except OSError:  # no ledger folder: reading says so
        return
    for name in names:
        if _is_stray(folder, name):
            refs.append(FileRef(STRAY_KIND, f"{ledger_folder}/{name}", name, STRAY, 0))


def _is_stray(folder: str, name: str) -> bool:
    """Whether `name`, right in the ledger folder, is none of the folders
    read there and may hold records: a folder or a YAML file (a README or
    notes beside the folders are no one's records). On a system whose names
    ignore case, `Credits` *is* the folder read as `credits`, and not a stray."""
    if name.startswith(".") or name in READ_FOLDERS:
        return False
    if not name.lower().endswith(YAML_SUFFIXES) and not os.path.isdir(os.path.join(folder, name)):
        return False
    if name.lower() in READ_FOLDERS:
        with contextlib.suppress(OSError):
            return not os.path.samefile(os.path.join(folder, name), os.path.join(folder, name.lower()))
    return True


def _nothing_read(root: Path, ledger_folder: str, refs: list[FileRef]) -> Problem | None:
    """An error when the ledger folder holds things but none of the folders
    read there (`ledger: ledger/certifications` in the settings): the
    site would be empty and check clean, with every record lost."""
    if STRAY_KIND not in map(operator.attrgetter("kind"), refs):
        return None
    folder = root / ledger_folder
    if any(os.path.lexists(folder / name) for name in READ_FOLDERS):
        return None
    which = f"; is 'ledger' in {SETTINGS_FILE} the folder that holds them?" if ledger_folder != Settings.ledger else ""
    return error(Source(ledger_folder), f"nothing here is read: the ledger folder holds none of the folders recertgen reads "
                                        f"({_folder_list()}){which}")


def _folder_list() -> str:
    names = [f"{name}/" for name in sorted(READ_FOLDERS)]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _walk(folder: str, recursive: bool, kind: str, prefix: str, inner: str, refs: list[FileRef]) -> None:
    """Files are stat'ed by name relative to their open folder where the
    system allows: the kernel then resolves one name, not the whole path
    (a quarter of the scan of 100,000 files, which "nothing changed" pays)."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY) if _BY_FOLDER else folder
    except FileNotFoundError:
        return
    except NotADirectoryError:
        if not inner:  # the kind's folder is a file
            refs.append(FileRef(kind, prefix.rstrip("/"), "", NOT_A_FOLDER, 0))
        return
    except OSError:  # unreadable: said where it is, like an unreadable file
        refs.append(FileRef(kind, prefix + inner, inner, UNREADABLE, 0))
        return
    nested = bool(inner) and not recursive  # a folder inside certifications/: nothing in it is read
    try:
        try:
            with os.scandir(handle) as found:
                entries = sorted(found, key=_name)
        except OSError:
            refs.append(FileRef(kind, prefix + inner, inner, UNREADABLE, 0))
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if not name.isascii() and not _utf8(name):  # no path, id or page can hold it
                if name.lower().endswith(YAML_SUFFIXES) or _is_folder(entry):
                    refs.append(FileRef(kind, prefix + inner + name, inner + name, BAD_NAME, 0))
                continue
            if entry.is_dir(follow_symlinks=False):
                _walk(os.path.join(folder, name), recursive, kind, prefix, f"{inner}{name}/", refs)
            elif name.endswith(YAML_SUFFIXES) and not nested:
                try:  # following links, as reading does
                    stat = os.stat(name, dir_fd=handle) if _BY_FOLDER else os.stat(os.path.join(folder, name))
                except OSError:  # a dangling link, a loop of links: `unreadable` says which
                    refs.append(FileRef(kind, prefix + inner + name, inner + name, UNREADABLE, 0))
                    continue
                path = inner + name
                if S_ISREG(stat.st_mode):
                    refs.append(FileRef(kind, prefix + path, path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
                elif S_ISDIR(stat.st_mode):  # a link to a folder that is named like a file
                    refs.append(FileRef(kind, prefix + path, path, LINKED_FOLDER, 0))
            else:
                why = _not_read(name, nested, entry.is_symlink() and _is_folder(entry))
                if why is not None:
                    refs.append(FileRef(kind, prefix + inner + name, inner + name, why, 0))
    finally:
        if _BY_FOLDER:
            os.close(handle)


def _is_folder(entry: os.DirEntry) -> bool:
    """Whether an entry is a folder or links to one; a loop of links is
    not (as `os.path.isdir` says, which `_ref_at` asks)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _utf8(name: str) -> bool:
    """Whether a name the system gave is UTF-8: bytes that are not come as
    lone surrogates (os.fsdecode), which no output or page can encode."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_read(name: str, nested: bool, linked_folder: bool) -> int | None:
    """Why the scan lists, without reading it, what is not a ledger file
    but looks like one or may hold some (a `NOT_READ` size); None for the
    rest (a README, a PDF)."""
    if linked_folder:
        return LINKED_FOLDER
    if name.lower().endswith(YAML_SUFFIXES):
        return NESTED if nested else WRONG_CASE
    return None


def rescan(root: Path, ledger_folder: str, refs: list[FileRef], changed: set[str]) -> list[FileRef]:
    """`scan`'s result after the files at `changed` (repository-relative
    paths) were written, created or removed, looking at those files only:
    what `serve` does after a save, when the watcher has said which files
    changed (a folder created, moved or removed calls for a whole `scan`).
    The same refs, in the same order, as `scan` would find."""
    position = {ref.rel: number for number, ref in enumerate(refs)}
    result = list(refs)
    gone: set[int] = set()
    added: list[FileRef] = []
    for rel in {_listed_as(ledger_folder, rel) for rel in changed}:
        found = _ref_at(root, ledger_folder, rel)
        number = position.get(rel)
        if number is None:
            if found is not None:
                added.append(found)
        elif found is None:
            gone.add(number)
        else:
            result[number] = found
    if gone or added:
        result = [ref for number, ref in enumerate(result) if number not in gone] + added
        result.sort(key=_scan_order)
    return result


_KIND_ORDER = {kind: number for number, (kind, _) in enumerate((*KINDS, (STRAY_KIND, False)))}


def _listed_as(ledger_folder: str, rel: str) -> str:
    """The path under which the scan lists a change at `rel`: a file saved
    inside a stray folder (`ledger/credit/a.yaml`) is that folder's news."""
    prefix = f"{ledger_folder}/"
    if not rel.startswith(prefix):
        return rel
    top = rel[len(prefix):].split("/", 1)[0]
    return prefix + top if top and not top.startswith(".") and top not in READ_FOLDERS else rel


def _with_pending(refs: list[FileRef], ledger_folder: str, pending: Pending) -> list[FileRef]:
    """The scan with the pending credit files in their places, as a scan
    made after writing them would find them."""
    prefix = f"{ledger_folder}/credits/"
    added = [FileRef("credits", rel, rel[len(prefix):], len(data), 0) for rel, data in pending.files.items()]
    if any(not ref.rel.startswith(prefix) for ref in added):
        raise ValueError(f"pending files must be credit files under {prefix}")
    known = {ref.rel for ref in added}
    return sorted([ref for ref in refs if ref.rel not in known] + added, key=_scan_order)


def _scan_order(ref: FileRef) -> tuple:
    """`scan` walks each folder in order of names, folders where their name
    falls: the order of the paths' lists of names."""
    return _KIND_ORDER[ref.kind], ref.inner.rstrip("/").split("/")


def _ref_at(root: Path, ledger_folder: str, rel: str) -> FileRef | None:
    """What `scan` would list for the file at `rel`, if anything."""
    stray = _stray_at(root, ledger_folder, rel)
    if stray is not None:
        return stray
    for kind, recursive in KINDS:
        prefix = f"{ledger_folder}/{kind}/"
        if rel.startswith(prefix):
            break
        if rel == prefix.rstrip("/"):  # the kind's folder, when it is a file
            path = os.path.join(str(root), rel)
            return FileRef(kind, rel, "", NOT_A_FOLDER, 0) if os.path.lexists(path) and not os.path.isdir(path) else None
    else:
        return None
    inner = rel[len(prefix):]
    names = inner.split("/")
    if any(not name or name.startswith(".") for name in names) or not all(map(_utf8, names[:-1])):
        return None
    folder = os.path.join(str(root), ledger_folder, kind)
    for name in names[:-1]:  # the scan does not follow links to folders
        folder = os.path.join(folder, name)
        if os.path.islink(folder) or not os.path.isdir(folder):
            return None
    path = os.path.join(folder, names[-1])
    try:
        link = os.lstat(path)
    except OSError:
        return None
    if not _utf8(names[-1]):
        shown = names[-1].lower().endswith(YAML_SUFFIXES) or os.path.isdir(path)
        return FileRef(kind, rel, inner, BAD_NAME, 0) if shown else None
    if S_ISDIR(link.st_mode):  # a folder: the scan looks inside
        return None
    nested = len(names) > 1 and not recursive
    if not names[-1].endswith(YAML_SUFFIXES) or nested:
        why = _not_read(names[-1], nested, S_ISLNK(link.st_mode) and os.path.isdir(path))
        return None if why is None else FileRef(kind, rel, inner, why, 0)
    try:
        info = os.stat(path)
    except OSError:
        return FileRef(kind, rel, inner, UNREADABLE, 0)
    if S_ISDIR(info.st_mode):
        return FileRef(kind, rel, inner, LINKED_FOLDER, 0)
    if not S_ISREG(info.st_mode):
        return None
    return FileRef(kind, rel, inner, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _stray_at(root: Path, ledger_folder: str, rel: str) -> FileRef | None:
    """The stray ref `scan` lists at `rel` (see `_strays`), if any."""
    prefix = f"{ledger_folder}/"
    name = rel[len(prefix):]
    if not rel.startswith(prefix) or not name or "/" in name:
        return None
    folder = os.path.join(str(root), ledger_folder)
    if not os.path.lexists(os.path.join(folder, name)) or not _is_stray(folder, name):
        return None
    return FileRef(STRAY_KIND, rel, name, STRAY, 0)


_name = operator.attrgetter("name")
UNREADABLE = -1  # the size of a file or folder (its path ending in "/") the scan could not look into
# Sizes below it: what the scan found but does not read, and why (`not_read` says it).
NOT_A_FOLDER = -2  # ledger/credits (or another kind's folder) is a file
WRONG_CASE = -3  # x.YAML, x.Yml: SPEC's files end in .yaml (and .yml is taken too), as editors' schema globs do
NESTED = -4  # certifications/sub/x.yaml: SPEC reads certifications/*.yaml, one level
LINKED_FOLDER = -5  # a link to a folder: not followed (no loops, no file reached twice, the watcher sees no change there)
BAD_NAME = -6  # a file or folder whose name is not UTF-8
STRAY = -7  # ledger/credit/, ledger/talk.yaml: right in the ledger folder, but none of the folders read there
NOT_READ = (NOT_A_FOLDER, WRONG_CASE, NESTED, LINKED_FOLDER, BAD_NAME, STRAY)


def unreadable(root: str, ref: FileRef) -> Parsed:
    """What the scan could not look into, at its place: a warning for a
    link to nothing (what it named is gone), an error for the rest (a loop
    of links, a folder or file the user may not read), never a traceback."""
    path = os.path.join(root, ref.rel)
    try:
        os.listdir(path) if ref.rel.endswith("/") else os.stat(path)
    except FileNotFoundError:
        return Parsed((), (warning(Source(ref.rel), "a link to a file that does not exist: skipped"),))
    except OSError as exc:
        what = "folder" if ref.rel.endswith("/") else "file"
        return Parsed((), (error(Source(ref.rel), f"cannot read {what}: {exc.strerror or exc}"),))
    return Parsed((), (error(Source(ref.rel), "could not be read a moment ago: build again"),))


def not_read(ref: FileRef) -> Parsed:
    """What the scan found but does not read, said at its place: an error
    when a whole kind of record is lost, a warning for a file or folder."""
    if ref.size == STRAY:
        return Parsed((), (warning(Source(ref.rel), _stray_message(ref)),))
    folder = ref.rel[:len(ref.rel) - len(ref.inner)].rstrip("/")
    files = f"{folder}/**/*.yaml" if dict(KINDS)[ref.kind] else f"{folder}/*.yaml"
    if ref.size == NOT_A_FOLDER:
        return Parsed((), (error(Source(ref.rel), f"is a file, not a folder: {ref.kind} are read from {files}, so none is read"),))
    if ref.size == BAD_NAME:
        return Parsed((), (error(Source(ref.rel), "the name is not valid UTF-8, so nothing here is read: rename it"),))
    if ref.size == WRONG_CASE:
        suffix = posixpath.splitext(ref.rel)[1]
        message = f"not read: only names ending in .yaml or .yml are read ({files}); rename it to end in {suffix.lower()}"
    elif ref.size == NESTED:
        message = f"not read: {ref.kind} are read from {files} only, not from folders inside it; move the file up to {folder}/"
    else:
        message = "a link to a folder, which is not followed: nothing in it is read; move the folder here instead of linking it"
    return Parsed((), (warning(Source(ref.rel), message),))


def _stray_message(ref: FileRef) -> str:
    """Says what is read instead, with the folder a near miss meant
    (`credit/`, `Credits/`)."""
    ledger_folder = ref.rel[:len(ref.rel) - len(ref.inner)]
    read = f"only the folders {_folder_list()} are read in {ledger_folder}"
    if ref.inner.lower().endswith(YAML_SUFFIXES):
        return f"not read: {read}; move the file into the folder of its kind (a credit into {ledger_folder}credits/)"
    return f"not read: {read}{did_you_mean(ref.inner.lower() + '/', [f'{name}/' for name in READ_FOLDERS])}"


_BY_FOLDER = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")


class Reparsed(dict):
    """`parse_files`' results in a resident process, with what changed
    since the previous call: (its results, the refs gone, the refs new)."""

    since: tuple = ()


def parse_files(root: Path, refs: list[FileRef], cache=None, workers: int | None = None, progress=None,
                pending: Mapping[str, bytes] | None = None, previous: tuple | None = None) -> dict[str, Parsed]:
    """(`previous`: the refs and results of the last call in a resident
    process: a ref that is the very same object — `rescan` keeps those of
    the files no watcher saw saved — has the same results, without even
    asking the cache.)"""
    results: dict[str, Parsed] = {}
    todo: list[FileRef] = []
    if previous is not None:  # found with sets and maps, not a loop over a hundred thousand refs
        before, now = dict(zip(map(id, previous[0]), previous[0])), dict(zip(map(id, refs), refs))
        results = Reparsed(previous[1])
        gone = [before[number] for number in before.keys() - now.keys()]
        for ref in gone:
            del results[ref.rel]
        refs = [now[number] for number in now.keys() - before.keys()]
        results.since = (previous[1], gone, refs)
    for ref in refs:
        if ref.size < 0:  # never cached: nothing of it was read
            results[ref.rel] = unreadable(str(root), ref) if ref.size == UNREADABLE else not_read(ref)
            continue
        if pending and ref.rel in pending:  # not written yet: read from memory, never cached
            results[ref.rel] = records_of(parse_yaml_bytes(pending[ref.rel], ref.rel), ref)
            continue
        hit = cache.get(ref, root) if cache is not None else None
        if hit is not None:
            results[ref.rel] = hit
        else:
            todo.append(ref)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(todo) >= PARALLEL_MIN_FILES:
        with (progress(len(todo)) if progress else contextlib.nullcontext()) as bar:
            for batch, blob, parsed in _parse_parallel(str(root), todo, workers):
                results.update(parsed)
                if cache is not None:
                    cache.put_blob(batch, blob, parsed)
                if bar is not None:
                    bar.update(len(batch))
        return results
    for ref in todo:
        results[ref.rel] = parse_file(str(root), ref)
        if cache is not None:
            cache.put(ref, results[ref.rel])
    return results


def _parse_parallel(root: str, refs: list[FileRef], workers: int):
    """Batches of files parsed on all cores. Each worker sends its results
    pickled, and those very bytes become the parse cache's blob."""
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(200, len(refs) // (workers * 32))  # small batches: no core left alone with the last one
    batches = [refs[i:i + chunk] for i in range(0, len(refs), chunk)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch, blob in zip(batches, pool.map(_parse_batch, [root] * len(batches), batches)):
            yield batch, blob, pickle.loads(blob)


def _parse_batch(root: str, refs: list[FileRef]) -> bytes:
    from .parsecache import pickle_batch

    return pickle_batch({ref.rel: parse_file(root, ref) for ref in refs})


def parse_file(root: str, ref: FileRef) -> Parsed:
    """One file to records and problems: a pure function of its bytes and
    its path, which is what makes caching it safe."""
    return records_of(read_yaml_file(os.path.join(root, ref.rel), ref.rel), ref)


def records_of(parsed, ref: FileRef) -> Parsed:
    """A parsed file's records, by the kind of file it is."""
    problems = list(parsed.problems)
    records: tuple = ()
    if parsed.root is not None:
        make = _MAKERS[ref.kind]
        stem = posixpath.splitext(posixpath.basename(ref.inner))[0]
        records = tuple(make(parsed.root, ref.rel, stem, problems, parsed.sha256))
    return Parsed(records, tuple(problems))


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


def _program_records(node: Node, rel: str, stem: str, problems: list[Problem], sha256: str):
    for _, item in _mappings(node, rel, problems, "a program", allow_list=False):
        program = read_program(item, rel, problems, builtin=False, source_index=source_index(), stem=stem)
        if program is not None:
            yield program


def _certification_records(node: Node, rel: str, stem: str, problems: list[Problem], sha256: str):
    for _, item in _mappings(node, rel, problems, "a certification", allow_list=False):
        cert = read_certification(item, rel, stem, problems)
        if cert is not None:
            yield cert


def _credit_records(node: Node, rel: str, stem: str, problems: list[Problem], sha256: str):
    base_id = slug(stem, limit=120)
    for index, item in _mappings(node, rel, problems, "a credit entry", allow_list=True):
        default_id = base_id if index is None else f"{base_id}-{index + 1}"
        entry = read_credit(item, rel, default_id, index, problems, sha256)
        if entry is not None:
            yield entry


def _opportunity_records(node: Node, rel: str, stem: str, problems: list[Problem], sha256: str):
    for _, item in _mappings(node, rel, problems, "an opportunity", allow_list=True):
        opportunity = read_opportunity(item, rel, problems)
        if opportunity is not None:
            yield opportunity


_MAKERS = {}


def _unique_entry_ids(entries: list[CreditEntry], renamed: dict | None = None, clashing: set[str] | None = None) -> list[CreditEntry]:
    """A derived id is the file name's stem (plus the list position); where
    two files share a stem (`2024/talk.yaml`, `2025/talk.yaml`) both use the
    whole path instead, so ids never depend on which file was read first.
    Explicit ids are checked for uniqueness by validation. (`renamed`: kept
    by a resident reader, so that an entry renamed the same way as last
    time is the same object as last time, see `_delta`; it is replaced by
    this call's renamings; `clashing`: the ids that clash, when the caller
    knows them, see `_IdCounts`.)"""
    explicit: set[str] = set()
    first_file: dict[str, str] = {}  # derived id -> the first file deriving it
    shared: set[str] = set()  # derived ids that more than one file derives
    for entry in entries:
        if entry.written("id"):
            explicit.add(entry.id)
        elif clashing is None and first_file.setdefault(entry.id, entry.file) != entry.file:
            shared.add(entry.id)
    if clashing is None:
        clashing = shared | (explicit & first_file.keys())
    kept = dict(renamed) if renamed is not None else None
    if renamed is not None:
        renamed.clear()
    if not clashing:  # the usual case: every entry keeps its id
        return entries
    rename = functools.partial(_renamed, kept=kept, made=renamed)
    result = []
    for entry in entries:
        if entry.id in clashing and not entry.written("id"):
            path_id = slug(PurePosixPath(entry.file).with_suffix("").as_posix(), limit=160)
            entry = rename(entry, path_id if entry.index is None else f"{path_id}-{entry.index + 1}")
        result.append(entry)
    return _numbered_apart(result, explicit, rename)


def _renamed(entry: CreditEntry, new_id: str, kept: dict | None, made: dict | None) -> CreditEntry:
    """`entry` under `new_id`: the object made last time for the same entry
    and id when there is one (`kept`), noted in `made`."""
    found = kept.get((id(entry), new_id)) if kept is not None else None
    result = found[1] if found is not None and found[0] is entry else replace(entry, id=new_id)
    if made is not None:
        made[(id(entry), new_id)] = (entry, result)  # the entry itself kept alive: its id() stays its own
    return result


def _numbered_apart(entries: list[CreditEntry], explicit: set[str], rename=None) -> list[CreditEntry]:
    """Path ids can still meet (`pair.yaml`'s first item and `pair-1.yaml`):
    then all but the first by path get `-2`, `-3`… — never an error for ids
    nobody wrote, and the same ids whatever order the files were read in."""
    derived: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        if not entry.written("id"):
            derived.setdefault(entry.id, []).append(position)
    clashes = {i: spots for i, spots in derived.items() if len(spots) > 1 or i in explicit}
    if not clashes:
        return entries
    taken = explicit | set(derived)
    result = list(entries)
    for entry_id, spots in sorted(clashes.items()):
        spots.sort(key=lambda k: (entries[k].file, entries[k].index or 0))
        for position in spots[0 if entry_id in explicit else 1:]:
            number = 2
            while f"{entry_id}-{number}" in taken:
                number += 1
            taken.add(f"{entry_id}-{number}")
            result[position] = (rename or _renamed_plain)(entries[position], f"{entry_id}-{number}")
    return result


def _renamed_plain(entry: CreditEntry, new_id: str) -> CreditEntry:
    return replace(entry, id=new_id)


__all__ = ["read_ledger", "read_settings_file", "scan", "rescan", "parse_file", "UnusableRoot", "ReadResult", "FileRef", "Parsed"]


_MAKERS.update(
    programs=_program_records,
    certifications=_certification_records,
    credits=_credit_records,
    opportunities=_opportunity_records,
)
