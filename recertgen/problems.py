"""Problems are values: every check returns them, one formatter prints them.

Nothing in recertgen stops at the first mistake in a ledger. Loaders and
checks collect `Problem`s, and the CLI decides how to print them and which
exit code they mean.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Literal, NamedTuple

Severity = Literal["error", "warning"]


class Source(NamedTuple):
    """Where a record or value came from: a path relative to the ledger root
    (POSIX separators) and a 1-based line and column. Line 0 means the file
    as a whole (for example an unreadable file). A named tuple: immutable,
    ordered, and cheap to make by the hundred thousand."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path


@dataclass(frozen=True, slots=True)
class Problem:
    source: Source
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        return (self.source.path, self.source.line, self.source.col, self.severity != "error", self.message)

    def as_text(self) -> str:
        line = self.source.line or 1
        col = self.source.col or 1
        return f"{shown_path(self.source.path)}:{line}:{col}: {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        """`path`, `line`, `col` as in the text format; `file` and `column`
        repeat them under the names other linters' JSON uses."""
        path = encodable_path(self.source.path)
        return {
            "path": path,
            "line": self.source.line or 1,
            "col": self.source.col or 1,
            "severity": self.severity,
            "message": self.message,
            "file": path,
            "column": self.source.col or 1,
        }

    def as_github(self) -> str:
        level = "error" if self.is_error else "warning"
        return (
            f"::{level} file={_gh_property(encodable_path(self.source.path))},line={self.source.line or 1},"
            f"col={self.source.col or 1}::{_gh_data(self.message)}"
        )


def shown_path(path: str) -> str:
    """A path as the text format prints it, on one line whatever the file
    is called: a line break or other invisible character shows as an escape
    (\\n, \\x07, \\u202e), and so does a byte that is not UTF-8 (\\xff)."""
    if path.isprintable():
        return path
    return "".join(char if char.isprintable() else _escape(char) for char in path)


def encodable_path(path: str) -> str:
    """A path as the JSON and GitHub formats give it: the real name (they
    escape line breaks their own way, and a program can open the file),
    but for the bytes that are not UTF-8, which no output can encode: the
    system hands them over as lone surrogates, shown as \\xff."""
    if path.isprintable() or not any(0xDC80 <= ord(char) <= 0xDCFF for char in path):
        return path
    return "".join(_escape(char) if 0xDC80 <= ord(char) <= 0xDCFF else char for char in path)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the undecodable byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return repr(char)[1:-1]  # \n, \x07, \u202e


def error(source: Source, message: str) -> Problem:
    return Problem(source, "error", message)


def warning(source: Source, message: str) -> Problem:
    return Problem(source, "warning", message)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file, line and column, errors before warnings at one place,
    and duplicates (the same message reported by two checks) dropped."""
    unique = {(p.source, p.severity, p.message): p for p in problems}
    return sorted(unique.values(), key=Problem.sort_key)


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    errors = warnings = 0
    for p in problems:
        if p.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary_line(problems: Iterable[Problem], files: int | None = None) -> str:
    errors, warnings = count(problems)
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    where = f" in {_plural(files, 'file')}" if files is not None else ""
    return f"{', '.join(parts)}{where}"


def format_problems(problems: Iterable[Problem], fmt: str, files: int | None = None) -> str:
    """The one place problems become text: `text`, `json` or `github`."""
    ordered = sort_problems(problems)
    if fmt == "json":
        return json.dumps([p.as_dict() for p in ordered], indent=2, ensure_ascii=False)
    if fmt == "github":
        lines = [p.as_github() for p in ordered]
        lines.append(summary_line(ordered, files))
        return "\n".join(lines)
    lines = [p.as_text() for p in ordered]
    lines.append(summary_line(ordered, files))
    return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _gh_data(text: str) -> str:
    # GitHub's workflow-command escaping: % first, then line breaks.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")
