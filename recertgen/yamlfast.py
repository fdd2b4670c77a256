"""A quick reader for the plain shape nearly every ledger file has.

A credit file is a handful of `key: value` lines; an opportunity batch a
list of such mappings. Feeding them through libyaml's event stream costs
about 35 µs a file, most of it creating event objects in Python — more
than the rest of reading a record. This reader handles that common shape
line by line and gives exactly what the event reader gives (the same
nodes, texts, styles, lines, columns and duplicate-key problems); the
moment a file holds anything else — anchors, tags, flow mappings,
multi-line plain or quoted text, escapes, tabs, comments after a value,
document markers, odd characters — it declines and the file goes through
libyaml as before. Declining is always safe, so the rules below only say
what is surely read the same, never what YAML forbids.

The tests compare both readers on every ledger file we ship, generate and
can think of, including the exact positions.
"""

from __future__ import annotations

import re

from .problems import Problem, Source, error
from .yamlio import Node, Parsed, Scalar, YMap, YSeq

# Anything but these declines the file: tabs, carriage returns, the YAML
# 1.1 line breaks (NEL, LS, PS), a byte-order mark inside the text, and
# characters YAML does not allow at all.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.+))?\Z")
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_ITEM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+/-]*(?: [A-Za-z0-9_.+/-]+)*\Z")
_DOUBLE = re.compile(r'"([^"\\]*)"\Z')
_SINGLE = re.compile(r"'([^']*)'\Z")
MAX_NESTING = 8  # deeper files are rare; libyaml reads them


class _Decline(Exception):
    """Not the common shape: let libyaml read this file."""


def parse_common(text: str, rel: str) -> Parsed | None:
    """The file's nodes when it has the common shape, else None."""
    if _UNUSUAL.search(text):
        return None
    reader = _Reader(text.split("\n"), rel)
    try:
        root = reader.document()
    except _Decline:
        return None
    return Parsed(root, tuple(reader.problems))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Reader:
    def __init__(self, lines: list[str], rel: str) -> None:
        self.lines = lines
        self.i = 0
        self.rel = rel
        self.depth = 0
        self.problems: list[Problem] = []

    def document(self) -> Node:
        line = self._next_content()
        if line is None or line[0] == " " or line.startswith(("---", "...")):
            raise _Decline
        root = self._block_seq(0) if line[:2] == "- " else self._block_map(0)
        if self._next_content() is not None:
            raise _Decline  # something left over, at an indentation we did not expect
        return root

    def _next_content(self) -> str | None:
        """The next line that is neither blank nor a comment (self.i moves to it)."""
        lines = self.lines
        i = self.i
        while i < len(lines):
            stripped = lines[i].lstrip(" ")
            if stripped and stripped[0] != "#":
                self.i = i
                return lines[i]
            i += 1
        self.i = i
        return None

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _Decline

    def _block_map(self, indent: int) -> YMap:
        """Keys at exactly `indent`. (The hot loop of reading a ledger: the
        next-line search is written out here rather than called.)"""
        self._enter()
        lines = self.lines
        count = len(lines)
        mapping = YMap(self.i + 1, indent + 1)
        positions = mapping.key_pos
        key_match = _KEY.match
        i = self.i
        while i < count:
            line = lines[i]
            stripped = line.lstrip(" ")
            if not stripped or stripped[0] == "#":
                i += 1
                continue
            depth = len(line) - len(stripped)
            if depth != indent:
                if depth < indent:
                    break
                raise _Decline
            found = key_match(stripped.rstrip(" ") if line[-1] == " " else stripped)
            if found is None:
                raise _Decline
            name = found.group(1)
            line_no = i + 1
            value_text = found.group(2)
            if value_text is None:
                self.i = i + 1
                value = self._nested(indent, line_no, indent + found.end(1) + 2)
            else:
                self.i = i
                value = self._inline(value_text, line_no, indent + found.start(2) + 1, indent)
            i = self.i
            if name in mapping:
                first = positions[name][0]
                self.problems.append(error(Source(self.rel, line_no, indent + 1), f"duplicate key '{name}' (first given at line {first})"))
                continue
            mapping[name] = value
            positions[name] = (line_no, indent + 1)
        self.i = i
        self.depth -= 1
        return mapping

    def _block_seq(self, indent: int) -> YSeq:
        self._enter()
        sequence = YSeq(self.i + 1, indent + 1)
        while True:
            line = self._next_content()
            if line is None or _indent(line) < indent:
                break
            if _indent(line) > indent or line[indent:indent + 2] != "- ":
                raise _Decline
            rest = line[indent + 2:].rstrip(" ")
            if not rest or rest[0] == " ":
                raise _Decline
            if _KEY.match(rest):
                # `- key: value` starts a mapping two columns in: read it as if indented
                self.lines[self.i] = " " * (indent + 2) + rest
                sequence.append(self._block_map(indent + 2))
            else:
                sequence.append(self._inline(rest, self.i + 1, indent + 3, indent))
        self.depth -= 1
        return sequence

    def _nested(self, indent: int, line_no: int, col: int) -> Node:
        """What follows `key:` on the next lines: a deeper block, or nothing."""
        line = self._next_content()
        if line is None or _indent(line) <= indent:
            if line is not None and line[indent:indent + 2] == "- ":
                raise _Decline  # a list at the key's own indentation
            return Scalar("", True, line_no, col)
        deeper = _indent(line)
        return self._block_seq(deeper) if line[deeper:deeper + 2] == "- " else self._block_map(deeper)

    def _inline(self, text: str, line_no: int, col: int, indent: int) -> Node:
        """A value written on the key's own line; self.i moves past it."""
        first = text[0]
        if first not in _PLAIN_START:
            if text[-1] == ":" or " #" in text or ": " in text:
                raise _Decline
            self.i += 1
            return Scalar(text, True, line_no, col)
        if first == "[":
            self.i += 1
            return self._flow_seq(text, line_no, col)
        if first == '"' or first == "'":
            quoted = (_DOUBLE if first == '"' else _SINGLE).match(text)
            if quoted is None:
                raise _Decline
            self.i += 1
            return Scalar(quoted.group(1), False, line_no, col)
        if text == "|" or text == "|-":
            return self._literal(text == "|", indent, line_no, col)
        raise _Decline

    def _flow_seq(self, text: str, line_no: int, col: int) -> YSeq:
        if text[-1] != "]":
            raise _Decline
        sequence = YSeq(line_no, col)
        inner = text[1:-1]
        if not inner.strip(" "):
            return sequence
        offset = col + 1
        for part in inner.split(","):
            item = part.strip(" ")
            if not _FLOW_ITEM.match(item):
                raise _Decline
            sequence.append(Scalar(item, True, line_no, offset + _indent(part)))
            offset += len(part) + 1
        return sequence

    def _literal(self, keep_last_break: bool, indent: int, line_no: int, col: int) -> Scalar:
        """A `|` or `|-` block: the lines below, deeper than the key."""
        lines = self.lines
        j = self.i + 1
        body: list[str] = []
        content_indent = None
        while j < len(lines):
            line = lines[j]
            if not line:
                body.append("")
                j += 1
                continue
            deeper = _indent(line)
            if deeper == len(line):
                raise _Decline  # a line of only spaces: its meaning depends on the indentation
            if deeper <= indent:
                break
            if content_indent is None:
                content_indent = deeper
            elif deeper < content_indent:
                raise _Decline
            body.append(line[content_indent:])
            j += 1
        if content_indent is None or j == len(lines) and body[-1] != "":
            raise _Decline  # no content, or the last line has no line break
        while body and body[-1] == "":
            body.pop()
        self.i = j
        return Scalar("\n".join(body) + ("\n" if keep_last_break else ""), False, line_no, col)
