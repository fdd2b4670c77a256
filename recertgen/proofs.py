"""Proof files: where they may live and whether they still match their digest.

A proof is a path under `ledger/proof/` or an `https` URL. Paths may be
written relative to the proof folder (`2025/cert.pdf`), to the ledger
folder (`proof/2025/cert.pdf`) or to the repository (`ledger/proof/...`);
all resolve to one repository-relative path. Nothing may point outside the
proof folder, neither by `..` nor by a symlink.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .model import Ledger

PROOF_DIR = "proof"


@dataclass(frozen=True)
class ProofLocation:
    rel: str | None  # repository-relative POSIX path, when it is a file path
    path: Path | None
    url: str | None
    problem: str | None


def proof_dir(ledger: Ledger) -> Path:
    return ledger.ledger_dir / PROOF_DIR


def locate(ledger: Ledger, proof: str) -> ProofLocation:
    text = proof.strip()
    if "://" in text or text.lower().startswith(("http:", "https:", "javascript:", "data:", "file:")):
        if text.startswith("https://") and len(text) > len("https://"):
            return ProofLocation(None, None, text, None)
        return ProofLocation(None, None, None, f"proof URL must use https://, found {text!r}")
    pure = PurePosixPath(text.replace("\\", "/"))
    if pure.is_absolute() or (len(text) > 1 and text[1] == ":"):
        return ProofLocation(None, None, None, f"proof path must be relative to {ledger.settings.ledger}/{PROOF_DIR}/, found {text!r}")
    if ".." in pure.parts:
        return ProofLocation(None, None, None, f"proof path may not contain '..': {text!r}")
    ledger_prefix = PurePosixPath(ledger.settings.ledger) / PROOF_DIR
    if pure.parts[: len(ledger_prefix.parts)] == ledger_prefix.parts:
        inner = PurePosixPath(*pure.parts[len(ledger_prefix.parts):])
    elif pure.parts[:1] == (PROOF_DIR,):
        inner = PurePosixPath(*pure.parts[1:])
    else:
        inner = pure
    if not inner.parts:
        return ProofLocation(None, None, None, f"proof path names no file: {text!r}")
    base = proof_dir(ledger)
    path = base.joinpath(*inner.parts)
    rel = (ledger_prefix / inner).as_posix()
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return ProofLocation(rel, None, None, f"proof file not found: {rel}")
    if not real.is_relative_to(base.resolve()):
        return ProofLocation(rel, None, None, f"proof {rel} is a link leading outside {ledger_prefix}/")
    if not real.is_file():
        return ProofLocation(rel, None, None, f"proof {rel} is not a file")
    return ProofLocation(rel, path, None, None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
