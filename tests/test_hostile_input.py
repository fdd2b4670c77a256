"""Malformed and hostile files: each gets a clear problem for that file (with
its line where there is one), never a traceback or a hang, and the rest of
the ledger is still checked."""

from __future__ import annotations

import pytest

GOOD = b"title: Fine\nprovider: OWASP\ndate: 2025-03-14\nhours: 1\ncounts_toward: [cissp]\n"
# Another file with a known mistake: it must still be reported.
SIBLING = "title: Sibling\nprovider: OWASP\ndate: 2025-02-30\nhours: 1\ncounts_toward: [cissp]\n"

BOMB = (
    b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    b"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    b"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    b"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
)

# name: (bytes, line or None, message fragment)
CASES = {
    "unclosed flow list": (b"title: [a, b\nprovider: x\n", 2, "invalid YAML"),
    "unclosed quote": (b'title: "never closed\nprovider: x\n', 1, "invalid YAML: the file ends inside a quoted scalar that starts here"),
    "unclosed list at the end": (b"title: x\ncounts_toward: [cissp\n", 2, "invalid YAML: the file ends inside a flow sequence"),
    "bad indentation": (b"title: x\n  provider: y\n date: z\n", 2, "invalid YAML"),
    "tab indentation": (b"title: x\ncounts_toward:\n\t- cissp\n", 3, "tab character"),
    "tab before key": (b"title: x\n\tprovider: y\n", 2, "tab character"),
    "latin-1 text": ("title: Caf\u00e9 s\u00e9curit\u00e9\n".encode("latin-1"), 1, "not UTF-8"),
    "windows-1252 quotes": (b"title: \x93quoted\x94\n", 1, "not UTF-8"),
    "invalid utf-8 mid-file": (b"title: ok\nprovider: \xc3\x28\n", 2, "not UTF-8"),
    "binary png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary file"),
    "nul byte": (b"title: a\x00b\n", 1, "binary file"),
    "empty file": (b"", 1, "file is empty"),
    "only whitespace": (b"   \n\n  \n", 1, "file is empty"),
    "only comments": (b"# nothing here\n# at all\n", 1, "file is empty"),
    "null document": (b"~\n", 1, "found an empty value"),
    "plain scalar": (b"just some text\n", 1, "expected a credit entry"),
    "number": (b"42\n", 1, "expected a credit entry"),
    "list of scalars": (b"- a\n- b\n", 1, "list item 1 must be a credit entry"),
    "scalar among mappings": (GOOD.replace(b"title", b"- title").replace(b"\nprovider", b"\n  provider").replace(b"\ndate", b"\n  date").replace(b"\nhours", b"\n  hours").replace(b"\ncounts", b"\n  counts") + b"- loose\n", 6, "list item 2 must be a credit entry"),
    "list of lists": (b"- [a, b]\n- [c]\n", 1, "list item 1 must be a credit entry"),
    "empty list": (b"[]\n", 1, "empty list"),
    "mapping as key": (b"? {a: 1}\n: value\n", 1, "must be plain text"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, 1, "nesting deeper than"),
    "deep block nesting": (b"".join(b"  " * i + b"k:\n" for i in range(200)), None, "nesting deeper than"),
    "alias bomb": (BOMB, 6, "alias bomb"),
    "unknown alias": (b"title: *nope\n", 1, "unknown alias"),
    "python tag": (b"title: !!python/object/apply:os.system [echo hi]\n", 1, "unsupported YAML tag"),
    "custom tag": (b"title: !secret x\n", 1, "unsupported YAML tag"),
    "two documents": (GOOD + b"---\n" + GOOD, 6, "more than one YAML document"),
    "duplicate keys": (GOOD + b"title: Again\n", 6, "duplicate key 'title'"),
    "control character": (b"title: bell\x07\n", 1, "not allowed"),
    "title is a mapping": (GOOD.replace(b"title: Fine", b"title: {a: 1}"), 1, "'title' must be text, found a mapping"),
    "counts_toward a number": (GOOD.replace(b"[cissp]", b"12"), 5, "unknown certification '12'"),
    "date is a list": (GOOD.replace(b"2025-03-14", b"[2025, 3, 14]"), 3, "must be a date"),
    "huge file": (b"title: x\n" + b"# padding\n" * 2_200_000, None, "over the 20 MB limit"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file(name, cissp_ledger, cli):
    data, line, fragment = CASES[name]
    cissp_ledger.write("ledger/credits/hostile.yaml", data)
    cissp_ledger.write("ledger/credits/sibling.yaml", SIBLING)
    result = cli("check", cissp_ledger.root, "--format", "text")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    hits = [l for l in lines if l.startswith("ledger/credits/hostile.yaml:") and fragment in l]
    assert hits, result.output
    if line is not None:
        assert any(h.startswith(f"ledger/credits/hostile.yaml:{line}:") for h in hits), hits
    # the rest of the ledger is still checked
    assert any(l.startswith("ledger/credits/sibling.yaml:3:") and "not a real date" in l for l in lines), result.output


@pytest.mark.parametrize(
    "data",
    [
        "\ufefftitle: BOM\nprovider: x\ndate: 2025-03-14\nhours: 1\ncounts_toward: [cissp]\n".encode("utf-8"),
        "title: UTF-16 é\nprovider: x\ndate: 2025-03-14\nhours: 1\ncounts_toward: [cissp]\n".encode("utf-16"),
        GOOD.replace(b"\n", b"\r\n"),
        b"title: " + b"long " * 100_000 + b"\nprovider: x\ndate: 2025-03-14\nhours: 1\ncounts_toward: [cissp]\n",
    ],
    ids=["utf-8 bom", "utf-16 bom", "crlf", "very long line"],
)
def test_unusual_but_valid_files_are_read(cissp_ledger, data):
    cissp_ledger.write("ledger/credits/odd.yaml", data)
    loaded = cissp_ledger.load()
    assert loaded.errors == ()
    assert len(loaded.ledger.credits) == 1


def test_certification_file_with_a_list_is_refused(cissp_ledger):
    cissp_ledger.write("ledger/certifications/two.yaml", "- name: A\n- name: B\n")
    assert any(
        p.startswith("ledger/certifications/two.yaml:1:1: error: expected a certification (a mapping") for p in cissp_ledger.problems()
    )


@pytest.mark.parametrize("char,name", [("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR"),
                                       ("\x85", "U+0085 NEXT LINE")])
def test_a_hidden_line_break_is_named_where_the_editor_shows_it(cissp_ledger, char, name):
    """libyaml reads these as line breaks, editors do not: said at the
    editor's line and column, and the file's other problems keep the
    editor's line numbers."""
    cissp_ledger.credit("hidden", f"title: T{char}x\nprovider: P\ndate: 2025-02-30\nhours: 1\ncounts_toward: [cissp]\n")
    assert cissp_ledger.problems() == [
        f"ledger/credits/hidden.yaml:1:9: error: contains {name}, which YAML reads as a line break: remove it",
        "ledger/credits/hidden.yaml:3:7: error: 'date' is not a real date: 2025-02-30 (day is out of range for month)",
    ]
