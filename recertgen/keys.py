"""Keys of derived pages and files: digests of what they show, so that a
build can tell an unchanged output from a changed one without making it."""

from __future__ import annotations

import hashlib

from .model import CreditEntry


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
