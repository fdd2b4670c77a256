"""The parse cache: what each file yielded, so an unchanged file is never
parsed again.

An entry is keyed by the file's path, size and modification time. A file
written within two seconds of being cached could change again without its
size or timestamp showing it (the "racy" case git knows), so for those the
cache also keeps the content digest and checks it. The cache is one file
per ledger in the user's cache folder; it carries a checksum and the
fingerprint of the code that wrote it, and anything that does not match
is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path

from . import __version__
from .loader import FileRef, Parsed

FORMAT = 4
MAGIC = b"recertgen-parse-cache\n"
RACY_NS = 2_000_000_000


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever the package's code or built-in templates change."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{__version__}|{FORMAT}".encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yaml") and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def default_folder(setting: str | None, root: Path) -> Path | None:
    """RECERTGEN_CACHE_DIR, else the settings' `cache` folder, else the
    user's cache folder; `cache: false` (or RECERTGEN_CACHE_DIR=off) turns
    caching off."""
    env = os.environ.get("RECERTGEN_CACHE_DIR")
    if env is not None:
        return None if env.lower() in ("", "0", "off", "false", "no") else Path(env)
    if setting is not None:
        return None if setting.lower() in ("false", "off", "no") else (root / setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "recertgen"


class ParseCache:
    """Entries index the file's records by path; the records themselves
    live in blobs, each the pickled results of one batch of files exactly
    as a parse worker sent them, so saving a cold parse's hundred thousand
    records costs no pickling at all. A blob is unpickled when one of its
    files is asked for, and rewritten with only its live files once most
    of it is stale."""

    def __init__(self, folder: Path, root: Path) -> None:
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = folder / f"parse-{key}.pickle"
        self.root = root
        self.entries: dict[str, tuple] = {}  # rel -> (size, (mtime_ns, ctime_ns), digest or None, blob number)
        self.blobs: dict[int, bytes] = {}
        self._unpickled: dict[int, dict] = {}
        self._pending: dict[str, Parsed] = {}
        self.seen: set[str] = set()
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return
        try:
            if not data.startswith(MAGIC):
                return
            body = memoryview(data)[len(MAGIC):]
            checksum, rest = body[:32], body[32:]
            if hashlib.sha256(rest).digest() != checksum:
                return
            header_size = int.from_bytes(rest[:8], "big")
            header = pickle.loads(rest[8:8 + header_size])  # small: checked before any record is read
            if header.get("format") != FORMAT or header.get("code") != code_fingerprint() or header.get("root") != str(self.root.resolve()):
                return
            offset = 8 + header_size
            blobs = {}
            for number, size in header["blobs"]:
                blobs[number] = bytes(rest[offset:offset + size])
                offset += size
            self.entries, self.blobs = header["entries"], blobs
        except Exception:  # a corrupt cache is ignored and rewritten, never trusted
            self.entries, self.blobs = {}, {}
            self.dirty = True

    def get(self, ref: FileRef, root: Path) -> Parsed | None:
        self.seen.add(ref.rel)
        entry = self.entries.get(ref.rel)
        if entry is None:
            return None
        size, stamp, digest, number = entry
        if size != ref.size or stamp != ref.stamp:
            return None
        if digest is not None:  # racy when cached: the bytes must still be the same
            try:
                if hashlib.sha256((root / ref.rel).read_bytes()).digest() != digest:
                    return None
            except OSError:
                return None
        if number == -1:  # parsed since the last save, not yet in a blob
            return self._pending.get(ref.rel)
        return self._blob(number).get(ref.rel)

    def _blob(self, number: int) -> dict:
        if number not in self._unpickled:
            try:
                self._unpickled[number] = _without_gc(pickle.loads, self.blobs[number])
            except Exception:  # a damaged blob: its files are parsed again
                self._unpickled[number] = {}
        return self._unpickled[number]

    def put(self, ref: FileRef, parsed: Parsed) -> None:
        """One file's results; pickled with the others at `save`."""
        if self._index(ref, -1):
            self._pending[ref.rel] = parsed

    def put_blob(self, refs: list[FileRef], blob: bytes, parsed: dict[str, Parsed]) -> None:
        """A batch's results, `blob` being their pickle (`pickle_batch`)."""
        number = max(self.blobs, default=-1) + 1
        self.blobs[number] = blob
        self._unpickled[number] = parsed
        for ref in refs:
            self._index(ref, number)

    def _index(self, ref: FileRef, number: int) -> bool:
        self.seen.add(ref.rel)
        digest = None
        if time.time_ns() - ref.mtime_ns < RACY_NS:
            try:
                digest = hashlib.sha256((self.root / ref.rel).read_bytes()).digest()
            except OSError:
                self.entries.pop(ref.rel, None)
                return False
        self.entries[ref.rel] = (ref.size, ref.stamp, digest, number)
        self.dirty = True
        return True

    def save(self) -> None:
        """Write atomically (temp file, then rename); files gone from the
        ledger are dropped. Failing to write only costs speed next time."""
        stale = set(self.entries) - self.seen
        for rel in stale:
            del self.entries[rel]
        if not (self.dirty or stale):
            return
        self._settle_blobs()
        header = pickle.dumps({"format": FORMAT, "code": code_fingerprint(), "root": str(self.root.resolve()),
                               "entries": self.entries, "blobs": [(n, len(b)) for n, b in self.blobs.items()]},
                              protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(len(header).to_bytes(8, "big"))
        digest.update(header)
        for blob in self.blobs.values():
            digest.update(blob)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".parse-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(MAGIC + digest.digest() + len(header).to_bytes(8, "big") + header)
                for blob in self.blobs.values():
                    out.write(blob)
            os.replace(temp, self.path)
        except OSError:
            return
        self.dirty = False

    def _settle_blobs(self) -> None:
        """Pending single files become one new blob; a blob that no entry
        uses is dropped, and one mostly stale is rewritten with its live
        files only (so the cache never grows by edits alone)."""
        live: dict[int, list[str]] = {}
        for rel, entry in self.entries.items():
            live.setdefault(entry[3], []).append(rel)
        # pending results still current: a file deleted or parsed again in a
        # batch since (a resident cache lives through many reads) is not
        moved = {rel: parsed for rel, parsed in self._pending.items() if self.entries.get(rel, (0, 0, 0, None))[3] == -1}
        for number in list(self.blobs):
            users = live.get(number, [])
            if not users:
                del self.blobs[number]
                self._unpickled.pop(number, None)
            elif number in self._unpickled and len(users) * 2 < len(self._unpickled[number]):
                blob = self._unpickled.pop(number)
                del self.blobs[number]
                moved.update((rel, blob[rel]) for rel in users)
        self._pending = {}
        if moved:
            number = max(self.blobs, default=-1) + 1
            self.blobs[number] = pickle_batch(moved)
            self._unpickled[number] = moved
            for rel in moved:
                self.entries[rel] = (*self.entries[rel][:3], number)


def pickle_batch(parsed: dict[str, Parsed]) -> bytes:
    return pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)


def _without_gc(function, *args):
    """Millions of small immutable objects: the cyclic collector would scan
    them again and again while they are created, and find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return function(*args)
    finally:
        if enabled:
            gc.enable()


def open_cache(root: Path, setting: str | None, resident: dict | None = None) -> ParseCache | None:
    """The ledger's parse cache; with `resident`, the one kept there from
    the last call, which its keeper saves when it suits it (`save_resident`)."""
    folder = default_folder(setting, root)
    if folder is None:
        return None
    if resident is None:
        return ParseCache(folder, root)
    key = (folder, root)
    if key not in resident:
        resident.clear()
        resident[key] = ParseCache(folder, root)
    cache = resident[key]
    cache.seen = set()
    return cache


def save_resident(resident: dict) -> None:
    """Save the parse caches a long-running caller keeps (`serve`, when idle
    and when it stops): reading does not rewrite them on every call."""
    for value in list(resident.values()):
        if isinstance(value, ParseCache):
            value.save()
