"""A safe YAML reader that keeps every value's position and resolves nothing.

PyYAML's loaders follow YAML 1.1: `no` becomes False, `1:30` becomes 90,
`2026-01-01` a date, `1.10` the float 1.1, duplicate keys silently win.
None of that is wanted in a ledger, where a provider may be called `Yes`,
and an amount must be the exact decimal the person wrote. So this module
builds the document straight from libyaml's event stream (the C parser
when available): every scalar stays the text that was written, with its
line and column, and the record builders decide what a value means.

Building from events is also several times faster than `yaml.load` with
the C loader, because no implicit-type regular expressions run, and it
lets us refuse hostile input early: a nesting depth limit (libyaml's
composer recurses and crashes on deep nesting), a cap on aliases and on
what they expand to, and a file-size cap checked before parsing.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import yaml
from yaml import events as ev

from .problems import Problem, Source, error

try:  # the C parser: same events, several times faster
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

# Limits, documented in the README. A ledger file is small; these only stop
# hostile or broken input from eating memory or time.
MAX_FILE_BYTES = 20 * 1024 * 1024  # a batch file of 10,000 opportunities is ~3 MB
MAX_DEPTH = 64  # ledger files nest 4 levels deep
MAX_ALIASES = 1000  # alias uses per file
MAX_ALIAS_EXPANSION = 100_000  # nodes that aliases may repeat, per file

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_PLAIN_TAGS = frozenset(
    {
        None,
        "!",
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq",
        "tag:yaml.org,2002:omap",
    }
)


class Scalar:
    """A scalar exactly as written, with its 1-based position."""

    __slots__ = ("text", "plain", "line", "col")

    def __init__(self, text: str, plain: bool, line: int, col: int) -> None:
        self.text = text
        self.plain = plain
        self.line = line
        self.col = col

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in NULL_WORDS

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Scalar({self.text!r}@{self.line}:{self.col})"


class YMap(dict):
    """A mapping of key text to value node, remembering where each key was."""

    __slots__ = ("line", "col", "key_pos")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line = line
        self.col = col
        self.key_pos: dict[str, tuple[int, int]] = {}


class YSeq(list):
    """A sequence of value nodes, remembering where it started."""

    __slots__ = ("line", "col")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line = line
        self.col = col


Node = Union[Scalar, YMap, YSeq]


def position(node: Node) -> tuple[int, int]:
    return node.line, node.col


def describe(node: Node | None) -> str:
    """How a value reads in an error message: 'a list', 'the text \"x\"'."""
    if node is None:
        return "nothing"
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node.is_null:
        return "an empty value"
    text = node.text if len(node.text) <= 40 else node.text[:37] + "..."
    return f"'{text}'"


@dataclass(frozen=True, slots=True)
class Parsed:
    """One YAML file: its root node (None when empty or unreadable) and
    the problems found while reading it."""

    root: Node | None
    problems: tuple[Problem, ...]
    sha256: str = ""  # of the file's bytes, when they could be read


READ_BLOCK = 1 << 16  # one read takes a whole ledger file but the largest batch files


def read_yaml_file(path: Path | str, rel: str) -> Parsed:
    """Read and parse one file, never raising for anything the file holds.
    A hundred thousand files are read, so this is the least the system
    allows: open, one read (a short read of a regular file is its end),
    close — no file object, no stat. A third of the cost of `open().read()`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return _fail(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
    try:
        blocks = [os.read(fd, READ_BLOCK)]
        size = len(blocks[0])
        while len(blocks[-1]) == READ_BLOCK and size <= MAX_FILE_BYTES:
            blocks.append(os.read(fd, READ_BLOCK))
            size += len(blocks[-1])
        if size > MAX_FILE_BYTES:
            size = max(size, os.fstat(fd).st_size)
            return _fail(rel, 0, 0, f"file is {size:,} bytes, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit for a ledger file")
    except OSError as exc:
        return _fail(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return parse_yaml_bytes(blocks[0] if len(blocks) == 1 else b"".join(blocks), rel)


def parse_yaml_bytes(data: bytes, rel: str) -> Parsed:
    text, problem = decode(data, rel)
    if problem:
        return Parsed(None, (problem,))
    parsed = parse_yaml_text(text, rel)
    return Parsed(parsed.root, parsed.problems, hashlib.sha256(data).hexdigest())


def decode(data: bytes, rel: str) -> tuple[str, Problem | None]:
    """UTF-8 (optionally with a BOM) or UTF-16/32 with a BOM, else a clear error."""
    if len(data) > MAX_FILE_BYTES:
        return "", error(Source(rel), f"file is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit for a ledger file")
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError:
                return "", error(Source(rel), f"file starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}")
    nul = data.find(b"\x00")
    if nul != -1:
        line, col = _byte_position(data, nul)
        return "", error(Source(rel, line, col), "binary file (contains NUL bytes), not YAML text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        return "", error(
            Source(rel, line, col),
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded; save the file as UTF-8",
        )


def parse_yaml_text(text: str, rel: str) -> Parsed:
    text, hidden = hidden_line_breaks(text, rel)
    parsed = _parse_text(text, rel)
    return Parsed(parsed.root, (*hidden, *parsed.problems)) if hidden else parsed


def _parse_text(text: str, rel: str) -> Parsed:
    from .yamlfast import parse_common  # imported here: it builds on this module's nodes

    quick = parse_common(text, rel)  # never takes an empty file: it finds no mapping there
    if quick is not None:
        return quick
    if not text.strip() or all(_is_comment_or_blank(line) for line in text.splitlines()):
        return _fail(rel, 1, 1, "file is empty: nothing to read")
    return parse_events(text, rel)


# What libyaml (YAML 1.1) takes for line breaks but editors, grep and git show
# inside a line: a value holding one is cut in two, and every line after it
# is numbered one further than the editor numbers it.
HIDDEN_BREAKS = {"\x85": "U+0085 NEXT LINE", "\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR"}
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]")


def hidden_line_breaks(text: str, rel: str) -> tuple[str, list[Problem]]:
    """An error at each hidden line break, at the editor's line and column,
    and the text with each one made a space: the rest of the file is then
    read (and its problems placed) as the editor shows it."""
    if _HIDDEN_BREAK.search(text) is None:
        return text, []
    problems = [
        error(Source(rel, *_text_position(text, found.start())),
              f"contains {HIDDEN_BREAKS[found.group()]}, which YAML reads as a line break: remove it")
        for found in _HIDDEN_BREAK.finditer(text)
    ]
    return _HIDDEN_BREAK.sub(" ", text), problems


def parse_events(text: str, rel: str) -> Parsed:
    """Any YAML, through libyaml's event stream."""
    builder = _Builder(rel)
    try:
        for event in yaml.parse(text, Loader=_EventLoader):
            if not builder.feed(event):
                break
    except yaml.MarkedYAMLError as exc:
        return Parsed(None, (_syntax_problem(exc, text, rel),))
    except yaml.reader.ReaderError as exc:  # control characters and the like
        line, col = _text_position(text, exc.position)
        return _fail(rel, line, col, f"character U+{exc.character:04X} is not allowed in YAML text")
    except yaml.YAMLError as exc:
        return _fail(rel, 1, 1, f"invalid YAML: {_clean(str(exc))}")
    if builder.problems and builder.fatal:
        return Parsed(None, tuple(builder.problems))
    return Parsed(builder.root, tuple(builder.problems))


class _Builder:
    """Turns the event stream into Scalar/YMap/YSeq nodes, enforcing limits."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.root: Node | None = None
        self.stack: list[list] = []  # frames: [container, pending_key_scalar, merges]
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.nodes = 0
        self.alias_uses = 0
        self.alias_expansion = 0
        self.documents = 0
        self.problems: list[Problem] = []
        self.fatal = False

    def _stop(self, line: int, col: int, message: str) -> bool:
        self.problems.append(error(Source(self.rel, line, col), message))
        self.fatal = True
        return False

    def feed(self, event) -> bool:
        kind = type(event)
        if kind is ev.ScalarEvent:
            mark = event.start_mark
            line, col = mark.line + 1, mark.column + 1
            if event.tag not in _PLAIN_TAGS:
                return self._stop(line, col, f"unsupported YAML tag {event.tag!r}: write plain values")
            plain = not event.style and event.tag is None and event.implicit[0]
            node: Node = Scalar(event.value, plain, line, col)
            self.nodes += 1
            self._anchor(event.anchor, node, 1)
            return self._add(node)
        if kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            mark = event.start_mark
            line, col = mark.line + 1, mark.column + 1
            if event.tag not in _PLAIN_TAGS:
                return self._stop(line, col, f"unsupported YAML tag {event.tag!r}: write plain values")
            if len(self.stack) >= MAX_DEPTH:
                return self._stop(line, col, f"nesting deeper than {MAX_DEPTH} levels")
            container: Node = YMap(line, col) if kind is ev.MappingStartEvent else YSeq(line, col)
            self.nodes += 1
            self.stack.append([container, None, [], event.anchor, self.nodes])
            return True
        if kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            container, _key, merges, anchor, start_count = self.stack.pop()
            if merges:
                self._merge(container, merges)
            self._anchor(anchor, container, self.nodes - start_count + 1)
            return self._add(container)
        if kind is ev.AliasEvent:
            mark = event.start_mark
            line, col = mark.line + 1, mark.column + 1
            target = self.anchors.get(event.anchor)
            if target is None:
                return self._stop(line, col, f"unknown alias *{event.anchor}")
            self.alias_uses += 1
            self.alias_expansion += target[1]
            if self.alias_uses > MAX_ALIASES:
                return self._stop(line, col, f"more than {MAX_ALIASES} aliases in one file")
            if self.alias_expansion > MAX_ALIAS_EXPANSION:
                return self._stop(line, col, f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values (an alias bomb?)")
            self.nodes += target[1]
            return self._add(target[0])
        if kind is ev.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                mark = event.start_mark
                return self._stop(mark.line + 1, mark.column + 1, "more than one YAML document in this file ('---' separates documents)")
        return True

    def _anchor(self, anchor: str | None, node: Node, size: int) -> None:
        if anchor is not None:
            self.anchors[anchor] = (node, size)

    def _add(self, node: Node) -> bool:
        if not self.stack:
            self.root = node
            return True
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, YSeq):
            container.append(node)
            return True
        key = frame[1]
        if key is None:
            if not isinstance(node, Scalar):
                return self._stop(node.line, node.col, "a mapping key must be plain text, not a list or mapping")
            frame[1] = node
            return True
        frame[1] = None
        if key.plain and key.text == "<<":
            frame[2].append((key, node))
            return True
        name = key.text
        if name in container:
            first = container.key_pos[name]
            self.problems.append(
                error(Source(self.rel, key.line, key.col), f"duplicate key '{name}' (first given at line {first[0]})")
            )
            return True
        container[name] = node
        container.key_pos[name] = (key.line, key.col)
        return True

    def _merge(self, container: YMap, merges: list) -> None:
        """YAML merge keys (`<<: *defaults`): explicit keys win."""
        for key, value in merges:
            sources = value if isinstance(value, YSeq) else [value]
            for source in sources:
                if not isinstance(source, YMap):
                    self.problems.append(error(Source(self.rel, key.line, key.col), "'<<' must merge a mapping"))
                    continue
                for name, item in source.items():
                    if name not in container:
                        container[name] = item
                        container.key_pos[name] = source.key_pos[name]


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, rel: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    at_end = mark is exc.problem_mark and exc.context_mark is not None and mark.line >= len(text.splitlines())
    if at_end:
        mark = exc.context_mark  # the end of the file, which is no line: where what it ends began (an unclosed quote)
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    lines = text.splitlines()
    here = lines[mark.line] if mark and mark.line < len(lines) else ""
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent and mark and mark.column <= len(indent) + 1 or "'\\t'" in (exc.problem or ""):
        return error(Source(rel, line, col), "tab character in indentation: YAML allows only spaces for indenting")
    problem = _clean(exc.problem or "")
    context = _clean(exc.context or "")
    message = f"invalid YAML: {problem}" if problem else "invalid YAML"
    if at_end and context:
        inside = context.removeprefix("while scanning ").removeprefix("while parsing ")
        message = f"invalid YAML: the file ends inside {inside} that starts here ({problem}): is something not closed?"
    elif context and exc.context_mark and exc.context_mark is not mark:
        message += f" ({context} at line {exc.context_mark.line + 1})"
    return error(Source(rel, line, col), message)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _fail(rel: str, line: int, col: int, message: str) -> Parsed:
    return Parsed(None, (error(Source(rel, line, col), message),))


def _text_position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character, as an editor counts them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or stripped in ("---", "...")
