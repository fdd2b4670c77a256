"""Knowing when nothing changed: a fingerprint of everything a build reads,
and the manifest a build leaves beside the parse cache (that fingerprint
and every output's key). Light on purpose: `build` answers "up to date"
from here without loading the templates, Markdown or exports."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from ..gitinfo import repository_state
from ..keys import digest, digest_lines
from ..loader import UnusableRoot, read_settings_file, scan
from ..parsecache import code_fingerprint, default_folder
from ..proofs import PROOF_DIR
from .output import MARKER
from .theme import theme_dirs

MANIFEST_FORMAT = 1


def theme_fingerprint(root: Path) -> str:
    """The templates and assets in use (the ledger's own and the built-in
    theme) and the code that fills them."""
    parts = [code_fingerprint()]
    for number, folder in enumerate(theme_dirs(root)):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                # relative: the same ledger reached by another path has the same theme
                parts.append((number, path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return digest(*parts)


def inputs_fingerprint(root: Path, ledger_folder: str, as_of: dt.date, theme: str | None = None, scanned: tuple = ()) -> str:
    """Everything a build reads, by name, size and time: the ledger's files,
    its proof files, the settings, the theme, the code, git's state and the
    as-of date. Equal fingerprints mean an identical site. A build passes
    the files as it found them before reading (`scanned`): a file changed
    while it ran then differs next time, and is not mistaken for built."""
    files = [(r.rel, r.size, r.mtime_ns, r.ctime_ns) for r in (scanned or scan(root, ledger_folder))]
    proofs = []
    base = str(root / ledger_folder / PROOF_DIR)
    for folder, _, names in sorted(os.walk(base)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            proofs.append((path[len(base):], *_proof_stamp(path)))  # the same, however the root was named
    settings = root / "recertgen.yaml"
    settings_stat = settings.stat() if settings.exists() else None
    # the ledger's files joined, not repr'd: at 100,000 files a third of the time
    listed = digest_lines((), [f"{rel!r} {size} {mtime} {ctime}" for rel, size, mtime, ctime in files])
    return digest(
        as_of.isoformat(), theme or theme_fingerprint(root), listed, proofs,
        (settings_stat.st_size, settings_stat.st_mtime_ns, settings_stat.st_ctime_ns) if settings_stat else None,
        repository_state(root),
    )


def _proof_stamp(path: str) -> tuple:
    """A proof file's size and times; a link to nothing (or a file gone
    since the walk) is stamped as the link itself: a build does not need
    a proof no entry names, and `check` reports one an entry names."""
    try:
        stat = os.stat(path)
    except OSError:
        try:
            stat = os.lstat(path)
        except OSError:
            return ("missing",)
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def manifest_file(root: Path, cache_setting: str | None, out: Path) -> Path | None:
    """What the last build of `out` was made from lives beside the parse
    cache, not in the site: the site's bytes depend only on the ledger."""
    folder = default_folder(cache_setting, root)
    if folder is None:
        return None
    return folder / f"site-{hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]}.json"


def read_manifest(path: Path | None, out: Path) -> dict:
    """The previous build's manifest, only if that build's site is still
    there (a site copied in from elsewhere is not trusted)."""
    if path is None or not (out / MARKER).is_file():
        return {}
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else {}


def write_manifest(path: Path | None, manifest: dict) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(manifest, sort_keys=True) + "\n")
        os.replace(temp, path)
    except OSError:
        pass  # only costs speed next time


def warnings_when_built(root: Path, out: Path) -> int:
    """How many warnings the build of the site in `out` had: a build with
    nothing to do says so, as the build that made the site did."""
    try:
        settings, _ = read_settings_file(root)
    except UnusableRoot:
        return 0
    return int(read_manifest(manifest_file(root, settings.cache, out), out).get("warnings") or 0)


def up_to_date(root: Path, out: Path, as_of: dt.date | None, strict: bool = False, refs: list | None = None) -> bool:
    """True when the site in `out` was built from exactly these inputs (and,
    with `strict`, without warnings): then there is nothing to do. `refs`:
    the ledger's files as just scanned, if the caller has them."""
    if as_of is None:
        return False
    try:
        settings, _ = read_settings_file(root)
    except UnusableRoot:
        return False
    manifest = read_manifest(manifest_file(root, settings.cache, out), out)
    if not manifest or (strict and manifest.get("warnings")):
        return False
    if manifest.get("inputs") != inputs_fingerprint(root, settings.ledger, as_of, scanned=tuple(refs or ())):
        return False
    folder = str(out)
    return all(os.path.isfile(os.path.join(folder, path)) for path in manifest.get("keys", {}))
