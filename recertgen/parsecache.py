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

FORMAT = 2
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
    def __init__(self, folder: Path, root: Path) -> None:
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = folder / f"parse-{key}.pickle"
        self.root = root
        self.entries: dict[str, tuple] = {}
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
            checksum, payload = data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
            if hashlib.sha256(payload).digest() != checksum:
                return
            stored = _without_gc(pickle.loads, payload)
            if stored.get("format") != FORMAT or stored.get("code") != code_fingerprint() or stored.get("root") != str(self.root.resolve()):
                return
            self.entries = stored["entries"]
        except Exception:  # a corrupt cache is ignored and rewritten, never trusted
            self.entries = {}
            self.dirty = True

    def get(self, ref: FileRef, root: Path) -> Parsed | None:
        self.seen.add(ref.rel)
        entry = self.entries.get(ref.rel)
        if entry is None:
            return None
        size, mtime_ns, digest, parsed = entry
        if size != ref.size or mtime_ns != ref.mtime_ns:
            return None
        if digest is not None:  # racy when cached: the bytes must still be the same
            try:
                if hashlib.sha256((root / ref.rel).read_bytes()).digest() != digest:
                    return None
            except OSError:
                return None
        return parsed

    def put(self, ref: FileRef, parsed: Parsed) -> None:
        self.seen.add(ref.rel)
        digest = None
        if time.time_ns() - ref.mtime_ns < RACY_NS:
            try:
                digest = hashlib.sha256((self.root / ref.rel).read_bytes()).digest()
            except OSError:
                return
        self.entries[ref.rel] = (ref.size, ref.mtime_ns, digest, parsed)
        self.dirty = True

    def save(self) -> None:
        """Write atomically (temp file, then rename); files gone from the
        ledger are dropped. Failing to write only costs speed next time."""
        stale = set(self.entries) - self.seen
        for rel in stale:
            del self.entries[rel]
        if not (self.dirty or stale):
            return
        payload = pickle.dumps({"format": FORMAT, "code": code_fingerprint(), "root": str(self.root.resolve()),
                                "entries": self.entries}, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".parse-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(temp, self.path)
        except OSError:
            return
        self.dirty = False


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


def open_cache(root: Path, setting: str | None) -> ParseCache | None:
    folder = default_folder(setting, root)
    return ParseCache(folder, root) if folder is not None else None
