"""The quick reader must give exactly what libyaml's event reader gives —
nodes, texts, styles, positions and problems — or decline the file."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from recertgen.yamlfast import parse_common
from recertgen.yamlio import Scalar, YMap, YSeq, parse_events, parse_yaml_text

REPO = Path(__file__).resolve().parent.parent


def shape(node):
    """Everything a node says, positions included, as plain comparable data."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return ("scalar", node.text, node.plain, node.line, node.col)
    if isinstance(node, YMap):
        return ("map", node.line, node.col, [(key, node.key_pos[key], shape(value)) for key, value in node.items()])
    assert isinstance(node, YSeq)
    return ("seq", node.line, node.col, [shape(item) for item in node])


def problems_of(parsed):
    return [(p.source.line, p.source.col, p.message, p.is_error) for p in parsed.problems]


def read_alike(text: str) -> bool:
    """Asserts both readers agree when the quick one accepts; says whether it did."""
    quick = parse_common(text, "f.yaml")
    if quick is None:
        return False
    full = parse_events(text, "f.yaml")
    assert shape(quick.root) == shape(full.root), text
    assert problems_of(quick) == problems_of(full), text
    return True


def yaml_files(folder: Path):
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def test_every_demo_ledger_file_reads_alike():
    files = yaml_files(REPO / "ledger")
    accepted = [f for f in files if read_alike(f.read_text(encoding="utf-8"))]
    credits = [f for f in files if "/credits/" in f.as_posix()]
    # the common shape is what people write: most credit files take the quick path
    assert len([f for f in accepted if f in credits]) >= len(credits) // 2


def test_every_generated_bench_file_takes_the_quick_path_alike(tmp_path):
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(tmp_path / "g"),
                    "--entries", "400", "--opportunities", "1000"], check=True, capture_output=True)
    files = yaml_files(tmp_path / "g")
    assert len(files) > 400
    declined = [f for f in files if not read_alike(f.read_text(encoding="utf-8"))]
    # certification names like `CCSP #16` hold a comment: those go to libyaml
    assert [f for f in declined if "/certifications/" not in f.as_posix()] == []


SNIPPETS = [
    "a: 1\n", "a:\n", "a:", "a:   \nb: 2", "a: x\nb:\n  c: 1\n  d:\n", "- a: 1\n  b:\n- c: 2\n",
    "d: |\n  x\n  y\n", "d: |\n  x\n  y", "d: |\n  x\n\n", "d: |-\n  x\n\n\ne: 1\n", "d: |\n\n  x\n", "d: |\n  x\n    y\n  z\n",
    "d: |\n  # not a comment\n# a comment\ne: 2\n", "d: |\n    x\n  y\n", "d: |\n  x\n  \n  y\n",
    "a: [x, y z,  w]\n", "a: []\n", "a: [ ]\n", "a: [x, ]\n", "a: [x,y]\n", "a: [ x ]\n",
    'a: "q"\n', "a: 'q'\n", 'a: "q\\n"\n', "a: 'it''s'\n", 'a: "x" # c\n',
    "a: x # c\n", "a: C#\n", "a: x:\n", "a: b: c\n", "a: https://x.org/p?q=1#f\n", "a: -5\n", "a: .5\n",
    "a: x\na: y\n", "a:\n  b: 1\n  b: 2\n", "- a: 1\n  a: 2\n",
    "a: x\n  # indented comment\nb: y\n", "# top\na: 1 \n\n# end\n", "a: x\n  y\n", "a: x\n---\n", "---\na: 1\n",
    "a: x\n...\n", "a: \u00fcn\u00efc\u00f8d\u00e9 \U0001f600 text\nb: [\u00e9t\u00e9]\n", "\u00e9: 1\n",
    "a: x\r\nb: y\r\n", "a:\tx\n", "a: x\u2028y\n", "a: x\x85y\n", "a: \ufeffx\n",
    "a:\n- x\n- y\n", "a:\n  - x\n  - 'y'\n  - [z]\n", "- x\n- y\n", "-  x\n", "-\n", "- - x\n",
    "a: &x v\nb: *x\n", "a: !!str v\n", "<<: {a: 1}\n", "a: {b: 1}\n", "a: >\n  x\n", "a: |+\n  x\n", "a: |2\n  x\n",
    "  a: 1\n", "a: 1\n b: 2\n", "a: 1\nb\n", "x\n", "[a]\n", "a: x\n\n\n  \nb: y\n", "a:\n\n  b: 1\n",
    "a: 1\n" + "b:\n  " * 12 + "c: 1\n", "a: $1,295\nb: 100%\nc: a - b\nd: a [b] {c}\n", "key_1-x: v\n", "1a: v\n",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_read_alike_or_are_declined(text):
    read_alike(text)


@pytest.mark.parametrize("text", [
    "", "   \n", "# only a comment\n", "---\n", "...\n",  # empty files: their own error, before libyaml
    "a: &x v\n", "a: !!str v\n", "a: {b: 1}\n", "a: x\r\nb: y\r\n", "a:\tx\n", "a: x\n  y\n", 'a: "q\\n"\n',
    "a: x # c\n", "a: >\n  x\n", "---\na: 1\n", "a: x\u2028y\n", "".join(" " * (2 * depth) + f"k{depth}:\n" for depth in range(12)) + " " * 24 + "v: 1\n",
])
def test_anything_unusual_is_left_to_libyaml(text):
    assert parse_common(text, "f.yaml") is None


VALUES = [
    "x", "Yes", "no", "~", "null", "1.10", "2026-01-01", "a: b", "a #b", "a#b", "C#", "x:", "https://x.org/a?b=c#d",
    "-5", ".5", "'q'", '"dq"', '"a\\nb"', "'it''s'", "[a, b]", "[a,b ,c]", "[]", "[ ]", "[a, ]", "[a b, c]", "{a: 1}",
    "&x v", "*x", "!!str v", "\u00fcn\u00efc\u00f8d\u00e9", "emoji \U0001f600 t", "a\tb", "trailing  ", "%x", "@x",
    "`x`", "?x", "x ?", "[x]y", "a [b]", "a,b", "100%", "$1,295", "a - b", "--x", "...", "a'b", 'a"b', "'a' b", "[a] # c",
    "a  b", "|", "|-", "|+", ">", "-", "- x",
]
CLEAN = ["x", "Yes", "no", "~", "1.10", "2026-01-01", "C#", "a: b", "'q'", '"dq"', "[a, b]", "[]", "a [b]", "$1,295",
         "\u00fcn\u00efc\u00f8d\u00e9", "emoji \U0001f600 t", "a  b", "|", "|-"]
KEYS = ["a", "b", "title", "date", "on", "x_1", "k-2", "a b", "'q'", "?", "a:b"]


def _random_value(rng: random.Random, indent: int, depth: int) -> list[str]:
    """A value as the lines after `key:` (the first joins the key's line)."""
    roll = rng.random()
    if depth < 3 and roll < 0.12:
        inner = indent + rng.choice([1, 2, 4])
        return [""] + _random_map(rng, inner, depth + 1)
    if depth < 3 and roll < 0.2:
        inner = indent + rng.choice([0, 2])
        return [""] + [" " * inner + "- " + rng.choice(VALUES) for _ in range(rng.randint(1, 3))]
    if roll < 0.32:
        body_indent = indent + rng.choice([1, 2, 2, 4])
        body = []
        for _ in range(rng.randint(0, 4)):
            kind = rng.random()
            if kind < 0.15:
                body.append("")
            elif kind < 0.2:
                body.append(" " * rng.randint(1, body_indent + 2))
            else:
                body.append(" " * (body_indent + rng.choice([0, 0, 0, 2, -1])) + rng.choice(CLEAN + ["# hash", "a\tb"]))
        return [" " + rng.choice(["|", "|-", "|", "|+", ">"])] + body
    value = rng.choice(CLEAN if rng.random() < 0.7 else VALUES)
    return [rng.choice([" ", " ", " ", "  ", ""]) + value + rng.choice(["", "", "", " ", " # c"])]


def _random_map(rng: random.Random, indent: int, depth: int) -> list[str]:
    lines = []
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.08:
            lines.append(" " * rng.randint(0, indent + 2) + rng.choice(["# note", "", "#"]))
        first, *rest = _random_value(rng, indent, depth)
        lines.append(" " * indent + rng.choice(KEYS[:7] if rng.random() < 0.95 else KEYS) + ":" + first)
        lines.extend(rest)
    return lines


def _random_document(rng: random.Random) -> str:
    if rng.random() < 0.25:
        lines = []
        for _ in range(rng.randint(1, 3)):
            item = _random_map(rng, 2, 1)
            item[0] = "- " + item[0][2:]
            lines.extend(item)
    else:
        lines = _random_map(rng, 0, 0)
    return "\n".join(lines) + rng.choice(["\n", "\n", "", "\n\n"])


def test_random_documents_read_alike():
    rng = random.Random(20261122)
    accepted = sum(read_alike(_random_document(rng)) for _ in range(6000))
    assert accepted > 600  # the quick path was really exercised


def test_the_quick_path_is_what_reading_a_file_uses(tmp_path):
    text = "title: T\ndate: 2026-01-02\ncounts_toward: [cissp]\n"
    assert shape(parse_yaml_text(text, "f.yaml").root) == shape(parse_events(text, "f.yaml").root)
    assert parse_common(text, "f.yaml") is not None


def test_small_mutations_of_real_files_read_alike():
    """Real files with a character inserted or deleted, or a line doubled:
    the edges of the common shape, where a quick reader would go wrong."""
    texts = [f.read_text(encoding="utf-8") for f in yaml_files(REPO / "ledger")]
    pieces = list(" :#-'\"[]{},|>&*!%@`?\n\t\\ab1.") + ["\u00e9", "\u2028", "  ", "- ", ": ", " #", "\n  ", "\n- "]
    rng = random.Random(7)
    accepted = 0
    for _ in range(4000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.5:
                text = text[:at] + rng.choice(pieces) + text[at:]
            elif roll < 0.8:
                text = text[:at] + text[at + rng.randint(1, 3):]
            else:
                lines = text.split("\n")
                line = rng.randrange(len(lines))
                lines.insert(line, lines[line])
                text = "\n".join(lines)
        accepted += read_alike(text)
    assert accepted > 1000


@pytest.mark.parametrize("size", [0, 100, 65535, 65536, 65537, 3 * 65536, 200_001])
def test_reading_a_file_gives_all_its_bytes(tmp_path, size):
    """Files are read in blocks of 64 KiB: at, around and well past a block's
    size the reader sees exactly the file's bytes."""
    from recertgen.yamlio import parse_yaml_bytes, read_yaml_file

    body = b"title: T\n" + b"# " + b"x" * max(size - 12, 0) + b"\n"
    data = body[:size] if size else b""
    path = tmp_path / "f.yaml"
    path.write_bytes(data)
    read, direct = read_yaml_file(path, "f.yaml"), parse_yaml_bytes(data, "f.yaml")
    assert shape(read.root) == shape(direct.root)
    assert [p.message for p in read.problems] == [p.message for p in direct.problems]
    assert read.sha256 == direct.sha256
