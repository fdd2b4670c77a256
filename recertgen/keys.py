"""Keys of derived pages and files: digests of what they show, so that a
build can tell an unchanged output from a changed one without making it."""

from __future__ import annotations

import hashlib

from .gitinfo import recorded_at
from .model import CreditEntry, Ledger
from .proofs import locate


def digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def digest_lines(head, lines: list[str]) -> str:
    """`digest` for a long list of strings without line breaks (reprs,
    content keys): joined rather than repr'd, which at a hundred thousand
    lines is the difference between milliseconds and a second."""
    return hashlib.sha256((repr(head) + "\n" + "\n".join(lines)).encode("utf-8")).hexdigest()


def content_key(entry: CreditEntry) -> str:
    """What an entry says, for keys of the pages and files that show it: the
    digest of the file it was read from (with its place in the file and its
    id, which may depend on other files), or every field when it was not
    read from a file. A string without line breaks, for `digest_lines`:
    the keys of a hundred thousand entries are hashed in one go."""
    if entry.file_sha256:  # a fixed-length digest, a quoted path, then no spaces: unambiguous
        return f"{entry.file_sha256} {entry.file!r} {entry.index} {entry.id}"
    return repr(entry.__reduce__()[1])


def entry_bases(ledger: Ledger, recorded: dict[str, str]) -> dict[str, str]:
    """Per entry id, one line of what every page and export row showing the
    entry shows of it, whatever it counts toward: what its file says, when
    git recorded it, and the state of its proof file (any write to a file
    changes its status time, so no proof is read here). Worked out once per
    build in one loop: the keys of audit CSVs, the certificates ZIP, month
    pages, audit parts and credits data files all join these lines instead
    of each working out its own for every entry."""
    bases: dict[str, str] = {}
    for entry in ledger.credits:
        proof = proof_state(ledger, entry.proof) if entry.proof else ""
        bases[entry.id] = f"{content_key(entry)}\t{recorded_at(recorded, entry)}\t{proof}"
    return bases


def proof_state(ledger: Ledger, proof: str) -> str:
    """A proof file's place and status (size, times, inode): any write
    changes them, so an unchanged state means unchanged bytes. Memoised
    on the loaded ledger, like `locate`: keys and proof copies both ask."""
    return ledger.remember(("proof state", proof), lambda: _proof_state(ledger, proof))


def _proof_state(ledger: Ledger, proof: str) -> str:
    location = locate(ledger, proof)
    if location.path is None:
        return "-"
    try:
        info = location.path.stat()
    except OSError:
        return f"{location.rel!r} gone"
    return f"{location.rel!r} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"
