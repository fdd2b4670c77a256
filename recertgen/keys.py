"""Keys of derived pages and files: digests of what they show, so that a
build can tell an unchanged output from a changed one without making it."""

from __future__ import annotations

import hashlib

from .model import CreditEntry


def digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def content_key(entry: CreditEntry) -> tuple:
    """What an entry says, for keys of the pages and files that show it: the
    digest of the file it was read from (with its place in the file and its
    id, which may depend on other files), or every field when it was not
    read from a file."""
    if entry.file_sha256:
        return (entry.file_sha256, entry.file, entry.index, entry.id)
    return entry.__reduce__()[1]
