"""Proof files: where they may live and whether they still match their digest.

A proof is a path under `ledger/proof/` or an `https` URL. Paths may be
written relative to the proof folder (`2025/cert.pdf`), to the ledger
folder (`proof/2025/cert.pdf`) or to the repository (`ledger/proof/...`);
all resolve to one repository-relative path. Nothing may point outside the
proof folder, neither by `..` nor by a symlink.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .fields import unsafe_url
from .model import Ledger

PROOF_DIR = "proof"


@dataclass(frozen=True)
class ProofLocation:
    rel: str | None  # repository-relative POSIX path, when it is a file path
    path: Path | None
    url: str | None
    problem: str | None


def locate(ledger: Ledger, proof: str) -> ProofLocation:
    """Where a proof is, memoised on the loaded ledger: checks, exports and
    pages all ask about the same proofs, and resolving symlinks is not free.
    A new load starts a new memo, so `serve` sees files come and go."""
    return ledger.remember(("proof", proof), lambda: _locate(ledger, proof))


def _locate(ledger: Ledger, proof: str) -> ProofLocation:
    ledger_folder = ledger.settings.ledger
    text = proof.strip()
    if "://" in text or text.lower().startswith(("http:", "https:", "javascript:", "data:", "file:")):
        if text.startswith("https://") and len(text) > len("https://"):
            bad = unsafe_url(text)
            if bad:
                return ProofLocation(None, None, None, f"proof URL holds {bad!r}, which an address must percent-encode: {text!r}")
            return ProofLocation(None, None, text, None)
        return ProofLocation(None, None, None, f"proof URL must use https://, found {text!r}")
    parts = [p for p in text.replace("\\", "/").split("/") if p not in ("", ".")]
    if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
        return ProofLocation(None, None, None, f"proof path must be relative to {ledger_folder}/{PROOF_DIR}/, found {text!r}")
    if ".." in parts:
        return ProofLocation(None, None, None, f"proof path may not contain '..': {text!r}")
    prefix = [p for p in ledger_folder.split("/") if p] + [PROOF_DIR]
    if parts[: len(prefix)] == prefix:
        parts = parts[len(prefix):]
    elif parts[:1] == [PROOF_DIR]:
        parts = parts[1:]
    if not parts:
        return ProofLocation(None, None, None, f"proof path names no file: {text!r}")
    rel = "/".join(prefix + parts)
    path = ledger.root.joinpath(*prefix, *parts)
    try:
        found = _real(ledger, str(path))
    except OSError as exc:  # there, but not ours to read (a locked folder, a loop of links)
        return ProofLocation(rel, None, None, f"proof file {rel} cannot be read ({exc.strerror or exc})")
    if found is None:
        if rel in ledger.pending_proofs:  # about to be copied there (a trial of add/log): the file it will be
            return ProofLocation(rel, ledger.pending_proofs[rel], None, None)
        return ProofLocation(rel, None, None, f"proof file not found: {rel}")
    real, is_file = found
    base = ledger.remember(("real", "proof folder"), lambda: os.path.realpath(os.path.join(str(ledger.root), *prefix)))
    if not real.startswith(base + os.sep):
        return ProofLocation(rel, None, None, f"proof {rel} is a link leading outside {'/'.join(prefix)}/")
    if not is_file:
        return ProofLocation(rel, None, None, f"proof {rel} is not a file")
    if not os.access(real, os.R_OK):  # found but unreadable: no digest, no copy, no ZIP — say so once, here
        return ProofLocation(rel, None, None, f"proof file {rel} cannot be read (permission denied)")
    return ProofLocation(rel, path, None, None)


def _real(ledger: Ledger, path: str) -> tuple[str, bool] | None:
    """The real path (symlinks resolved) and whether it is a regular file,
    or None when it does not exist; OSError when it cannot be looked at.
    Folders are resolved once per ledger; a file costs one lstat unless it
    is itself a link."""
    parent, name = os.path.split(path)
    real_parent = ledger.remember(("real", parent), lambda: os.path.realpath(parent))
    try:
        info = os.lstat(os.path.join(real_parent, name))
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(info.st_mode):
        resolved = os.path.realpath(os.path.join(real_parent, name))
        return (resolved, os.path.isfile(resolved)) if os.path.exists(resolved) else None
    return os.path.join(real_parent, name), stat.S_ISREG(info.st_mode)


def file_digest(ledger: Ledger, path: Path) -> str:
    """sha256_of, once per file per loaded ledger."""
    return ledger.remember(("digest", path), lambda: sha256_of(path))


SMALL_FILE = 1 << 20


def sha256_of(path: Path) -> str:
    """Small files (most certificates) in one read of their own size;
    larger ones streamed (`hashlib.file_digest` allocates a 256 kB buffer
    per call, which costs more than hashing a small file)."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size <= SMALL_FILE:
            return hashlib.sha256(handle.read()).hexdigest()
        return hashlib.file_digest(handle, "sha256").hexdigest()
