"""`recertgen build`: the site's files, its guarantees (relative links,
byte-identical output, build aside then swap) and its safety."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CERT = "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n"
ENTRY = """
title: Threat modelling webinar
provider: OWASP
date: 2025-03-14
hours: 1.5
counts_toward: [cissp]
description: |
  Covered **STRIDE** and [the OWASP page](https://owasp.org/).
"""


@pytest.fixture
def small(ledger):
    ledger.cert("cissp", CERT)
    ledger.credit("2025/2025-03-14-threat-modelling", ENTRY)
    return ledger


def build(cli, ledger, *extra):
    return cli("build", ledger.root, "--as-of", "2026-11-15", *extra)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))


def test_build_writes_every_page(small, cli):
    result = build(cli, small)
    assert result.exit_code == 0, result.output
    site = small.root / "site"
    for rel in ("index.html", "credits/index.html", "certifications/cissp/index.html", "audit/index.html",
                "credits/2025-03-14-threat-modelling/index.html", "summary.json", "assets/style.css", "assets/credits.js"):
        assert (site / rel).is_file(), rel


def test_links_are_relative_and_resolve(small, cli):
    small.write("ledger/proof/c.pdf", "%PDF-1.4 proof")
    small.credit("b", ENTRY.replace("Threat", "Other").replace("hours: 1.5", "hours: 1.5\nproof: c.pdf"))
    assert build(cli, small).exit_code == 0
    site = small.root / "site"
    for page in site.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text())
        for tag, attr, value in parser.refs:
            if value.startswith(("https://", "mailto:")) and tag == "a":
                continue  # outbound links a person may follow; nothing is loaded from them
            if value.startswith("data:") and tag == "link":
                continue
            assert not re.match(r"^[a-z]+:|^/", value), f"{page}: {tag} {attr}={value}"
            target = (page.parent / value.split("#")[0]).resolve()
            if value.split("#")[0]:
                assert target.exists() or value.endswith(("audit.csv", "certificates.zip")), f"{page}: broken link {value}"


def test_nothing_loads_from_another_host(small, cli):
    assert build(cli, small).exit_code == 0
    for page in (small.root / "site").rglob("*.html"):
        text = page.read_text()
        assert "default-src 'none'; script-src 'self'; style-src 'self'" in text
        for tag, attr, value in _refs(text):
            if tag in ("script", "link", "img", "iframe", "source"):
                assert not value.startswith(("http:", "https:", "//")), (page, value)


def _refs(text):
    parser = Links()
    parser.feed(text)
    return parser.refs


def test_output_is_byte_identical_for_the_same_inputs(small, cli, tmp_path):
    assert cli("build", small.root, "--as-of", "2026-11-15", "--out", tmp_path / "one").exit_code == 0
    assert cli("build", small.root, "--as-of", "2026-11-15", "--out", tmp_path / "two").exit_code == 0
    one = {k: v[0] for k, v in snapshot(tmp_path / "one").items()}
    two = {k: v[0] for k, v in snapshot(tmp_path / "two").items()}
    assert one == two


def test_failing_build_leaves_the_previous_site_untouched(small, cli):
    assert build(cli, small).exit_code == 0
    before = snapshot(small.root / "site")
    small.credit("broken", ENTRY.replace("2025-03-14", "2025-02-30"))
    result = build(cli, small)
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert snapshot(small.root / "site") == before
    assert not [p for p in small.root.iterdir() if p.name.startswith(".site.")], "staging folder left behind"


def test_first_failing_build_writes_nothing(small, cli):
    small.credit("broken", ENTRY.replace("hours: 1.5", "hours: many"))
    assert build(cli, small).exit_code == 1
    assert not (small.root / "site").exists()


def test_strict_build_fails_on_warnings(small, cli):
    small.credit("odd", ENTRY.replace("Threat", "Odd") + "colour: red\n")
    assert build(cli, small).exit_code == 0
    assert build(cli, small, "--strict").exit_code == 1


def test_refuses_to_replace_a_folder_it_did_not_make(small, cli, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    result = cli("build", small.root, "--as-of", "2026-11-15", "--out", precious)
    assert result.exit_code == 2
    assert (precious / "thesis.tex").read_text() == "years of work"
    assert cli("build", small.root, "--out", small.root).exit_code == 2



def test_never_builds_into_the_ledger_whatever_its_folder_is_called(small, cli):
    """Only add, log and init write into the ledger (SPEC §4)."""
    assert cli("build", small.root, "--as-of", "2026-11-15", "--out", small.root / "ledger" / "site").exit_code == 2
    (small.root / "ledger").rename(small.root / "data")
    small.write("recertgen.yaml", "ledger: data\n")
    result = cli("build", small.root, "--as-of", "2026-11-15", "--out", small.root / "data" / "site")
    assert result.exit_code == 2 and "refusing to build" in result.output
    small.write("recertgen.yaml", "ledger: data\noutput: data/out\n")
    assert cli("build", small.root, "--as-of", "2026-11-15").exit_code == 2
    assert not (small.root / "data" / "site").exists() and not (small.root / "data" / "out").exists()

def test_ledger_templates_override_file_by_file(small, cli):
    small.write("templates/entry.html", '{% extends "builtin/entry.html" %}{% block title %}Custom: {{ entry.title }}{% endblock %}')
    small.write("templates/assets/style.css", "body { color: rebeccapurple; }")
    assert build(cli, small).exit_code == 0
    site = small.root / "site"
    assert "<title>Custom: Threat modelling webinar</title>" in (site / "credits/2025-03-14-threat-modelling/index.html").read_text()
    assert (site / "assets/style.css").read_text() == "body { color: rebeccapurple; }"
    assert (site / "assets/credits.js").exists()  # not overridden: the built-in one
    assert "Dashboard" in (site / "index.html").read_text()


def test_template_mistake_is_a_problem_with_its_line(small, cli):
    assert build(cli, small).exit_code == 0
    before = snapshot(small.root / "site")
    small.write("templates/index.html", "{% extends 'base.html' %}\n{% block content %}\n{{ no_such_thing.attr }}\n{% endblock %}\n")
    result = build(cli, small)
    assert result.exit_code == 1
    assert "templates/index.html:3:1: error: template error:" in result.output
    assert "Traceback" not in result.output
    assert snapshot(small.root / "site") == before


def test_template_syntax_error_names_the_file(small, cli):
    small.write("templates/index.html", "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n")
    result = build(cli, small)
    assert result.exit_code == 1
    assert "templates/index.html:3:1: error: template error:" in result.output


def test_every_template_syntax_error_is_reported_at_once(small, cli):
    """Two broken overrides: both are said in one build, not one per try;
    a template that is missing says so, at the line that asks for it."""
    small.write("templates/index.html", "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n")
    small.write("templates/credits.html", "hello\n{{ foo( }}\n")
    small.write("templates/assets/notes.txt", "{{ not a template: copied as it is")
    result = build(cli, small)
    assert result.exit_code == 1
    assert [line.split(": error:")[0] for line in result.output.splitlines() if ": error:" in line] == [
        "templates/credits.html:2:1", "templates/index.html:3:1"]
    small.write("templates/credits.html", "{% extends 'builtin/credits.html' %}\n")
    small.write("templates/index.html", "{% extends 'base.html' %}\n{% block content %}\n{% include 'nope.html' %}\n{% endblock %}\n")
    result = build(cli, small)
    assert result.exit_code == 1
    assert ("templates/index.html:3:1: error: template error: template 'nope.html' not found "
            "(neither in templates/ nor in the built-in theme)") in result.output


def test_check_says_what_build_would_stop_on_in_the_ledgers_templates(small, cli):
    """check and build agree: a syntax error, and a parent, include or
    import that exists nowhere, all said at once at their lines, in every
    format; an include that may be missing, or of a list one of which
    exists, and a name worked out while rendering are fine."""
    small.write("templates/opportunities.html", "a\n{% if %}\n")
    small.write("templates/x.html", '{% extends "nope.html" %}\n')
    small.write("templates/y.html", 'hi\n{% include "missing.html" %}\n{% from "gone.html" import m %}\n')
    small.write("templates/fine.html", '{% extends "builtin/base.html" %}\n{% include "missing.html" ignore missing %}\n'
                                       '{% include ["missing.html", "base.html"] %}\n{% include some_name %}\n')
    expected = [
        ("templates/opportunities.html", 2, "template error: Expected an expression, got 'end of statement block'"),
        ("templates/x.html", 1, "template error: template 'nope.html' not found (neither in templates/ nor in the built-in theme)"),
        ("templates/y.html", 2, "template error: template 'missing.html' not found (neither in templates/ nor in the built-in theme)"),
        ("templates/y.html", 3, "template error: template 'gone.html' not found (neither in templates/ nor in the built-in theme)"),
    ]
    check = cli("check", small.root, "--as-of", "2026-11-15")
    assert check.exit_code == 1
    assert [line for line in check.output.splitlines() if ": error:" in line] == [
        f"{path}:{line}:1: error: {message}" for path, line, message in expected]
    as_json = cli("check", small.root, "--as-of", "2026-11-15", "--format", "json")
    assert as_json.exit_code == 1
    assert [(p["path"], p["line"], p["message"]) for p in json.loads(as_json.output)] == expected
    github = cli("check", small.root, "--as-of", "2026-11-15", "--format", "github")
    assert github.exit_code == 1 and "::error file=templates/x.html,line=1,col=1::" in github.output
    result = build(cli, small)
    assert result.exit_code == 1 and not (small.root / "site").exists()
    assert [line for line in result.output.splitlines() if ": error:" in line] == [
        f"{path}:{line}:1: error: {message}" for path, line, message in expected]
    for name in ("opportunities", "x", "y"):
        (small.root / "templates" / f"{name}.html").unlink()
    assert cli("check", small.root, "--as-of", "2026-11-15").exit_code == 0
    assert build(cli, small).exit_code == 0


def test_markup_in_titles_and_descriptions_is_inert(small, cli):
    small.credit("evil", """
        title: "<script>alert('title')</script>"
        provider: "<img src=x onerror=alert(1)>"
        date: 2025-04-01
        hours: 1
        counts_toward: [cissp]
        description: |
          <script>alert('description')</script>
          [click me](javascript:alert('link')) and [data](data:text/html;base64,PHNjcmlwdD4=)
          <a href="javascript:alert(2)">raw</a> ![img](https://tracker.example/pixel.png)
    """)
    assert build(cli, small).exit_code == 0
    page = (small.root / "site/credits/evil/index.html").read_text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and 'href="data:text' not in page
    assert "<img" not in page and 'src="https://tracker.example' not in page  # an image would load from elsewhere
    for other in ("index.html", "credits/index.html", "audit/index.html", "certifications/cissp/index.html"):
        text = (small.root / "site" / other).read_text()
        assert "<script>alert" not in text and "<img src=x" not in text


def test_markdown_keeps_safe_links(small, cli):
    assert build(cli, small).exit_code == 0
    page = (small.root / "site/credits/2025-03-14-threat-modelling/index.html").read_text()
    assert "<strong>STRIDE</strong>" in page
    assert '<a rel="noopener noreferrer" href="https://owasp.org/">the OWASP page</a>' in page


def test_build_output_is_quiet_when_piped(small, cli):
    result = build(cli, small)
    (line,) = result.output.strip().splitlines()
    assert re.fullmatch(r"Built 6 pages \(\d+ files\) into " + re.escape(str(small.root / "site")) + " as of 2026-11-15", line)


def test_dashboard_states_pace_in_words(small, cli):
    assert build(cli, small).exit_code == 0
    text = (small.root / "site/index.html").read_text()
    assert re.search(r"(ahead|behind) by \d+ days?", text)
    assert "<svg" in text and "<title id=\"chart-cissp-title\">" in text


def test_no_javascript_needed_for_the_total(small, cli):
    small.credit("b", ENTRY.replace("Threat", "Second").replace("2025-03-14", "2025-05-01"))
    assert build(cli, small).exit_code == 0
    text = (small.root / "site/credits/index.html").read_text()
    assert re.search(r'<output id="total-credits"[^>]*>3\.00</output>', text)


def test_site_folder_is_marked_and_staging_is_cleaned(small, cli):
    assert build(cli, small).exit_code == 0
    assert build(cli, small).exit_code == 0
    assert (small.root / "site" / ".recertgen-site").exists()
    leftovers = [p.name for p in small.root.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_proof_files_are_published_beside_the_pages(small, cli):
    small.write("ledger/proof/2025/cert.pdf", "%PDF-1.4 c")
    small.credit("b", ENTRY.replace("Threat", "Other").replace("hours: 1.5", "hours: 1.5\nproof: 2025/cert.pdf"))
    assert build(cli, small).exit_code == 0
    assert (small.root / "site/proof/2025/cert.pdf").read_text() == "%PDF-1.4 c"
    page = (small.root / "site/credits/b/index.html").read_text()
    assert 'href="../../proof/2025/cert.pdf"' in page


def test_environment_does_not_leak_into_output(small, cli, monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    assert build(cli, small).exit_code == 0
    a = (small.root / "site/index.html").read_bytes()
    monkeypatch.setenv("TZ", "UTC")
    assert build(cli, small).exit_code == 0
    assert (small.root / "site/index.html").read_bytes() == a
    assert os.environ["TZ"] == "UTC"


def test_two_copies_of_a_ledger_build_identical_sites_to_the_last_byte(small, cli, tmp_path):
    """Every file, hidden ones included: nothing of the machine, the paths
    or the file times leaks into the output."""
    import shutil
    import time

    copy = tmp_path / "copy"
    time.sleep(0.01)
    shutil.copytree(small.root / "ledger", copy / "ledger")
    assert cli("build", small.root, "--as-of", "2026-11-15", "--out", tmp_path / "a").exit_code == 0
    assert cli("build", copy, "--as-of", "2026-11-15", "--out", tmp_path / "b").exit_code == 0
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b


def test_opportunity_estimates_shared_by_shape_are_the_ones_worked_out_alone():
    """The cards' estimates are remembered per certification, delivery and
    duration over one report: the same as working each out alone."""
    import datetime as dt

    from recertgen.api import load
    from recertgen.opportunities import estimates

    loaded = load(Path(__file__).resolve().parent.parent, dt.date(2026, 11, 15))
    assert len(loaded.ledger.opportunities) > 10
    memo: dict = {}
    shared = [estimates(o, loaded.report, memo) for o in loaded.ledger.opportunities]
    alone = [estimates(o, loaded.report) for o in loaded.ledger.opportunities]
    assert shared == alone
    assert len(memo) < sum(len(e) for e in alone), "shapes repeat, so the memo is used"


def test_the_audit_report_says_what_counts_once_category_caps_apply(ledger, cli):
    """Every counted entry is listed with its credits; when a category cap
    holds some back, the report says what counts, matching the cycle's head."""
    ledger.cert("custom", "name: Custom\nbody: Body\ncycles:\n  - {start: 2025-01-01, end: 2027-12-31, required: 30}\n"
                          "categories:\n  soft: {max: 3}\n")
    ledger.credit("a", "title: Hard\nprovider: P\ndate: 2025-02-01\ncounts_toward: {custom: 4.1}\n")
    ledger.credit("b", "title: Soft\nprovider: P\ndate: 2025-03-01\ncounts_toward: {custom: {credits: 5, category: soft}}\n")
    assert build(cli, ledger).exit_code == 0
    audit = (ledger.root / "site" / "audit" / "index.html").read_text()
    text = re.sub(r"<[^>]+>", " ", audit)
    assert re.search(r"Total of the counted entries\s+9\.10", text)
    assert re.search(r"Counted toward the cycle once category caps and limits apply\s+7\.10", text)
    assert "7.10 of 30.00" in text
    ledger.credit("b", "title: Soft\nprovider: P\ndate: 2025-03-01\ncounts_toward: {custom: {credits: 2, category: soft}}\n")
    assert build(cli, ledger).exit_code == 0
    assert "once category caps and limits apply" not in (ledger.root / "site" / "audit" / "index.html").read_text()


def test_a_ledger_without_opportunities_still_has_their_page(small, cli):
    """SPEC §5 lists opportunities/index.html: with none yet, it says how to add them."""
    assert not (small.root / "ledger" / "opportunities").exists() or not any((small.root / "ledger" / "opportunities").rglob("*.yaml"))
    assert build(cli, small).exit_code == 0
    page = (small.root / "site" / "opportunities" / "index.html").read_text()
    assert 'id="opp-empty"' in page and "ledger/opportunities/" in page
    assert 'href="opportunities/index.html"' in (small.root / "site" / "index.html").read_text()
    assert (small.root / "site" / "opportunities" / "search-index.js").is_file()


def test_the_dashboard_names_the_minimum_still_missing_once_the_total_is_reached(ledger, cli):
    ledger.cert("done", "name: Done\nbody: Body\ncycles:\n  - {start: 2025-01-01, end: 2027-12-31, required: 10}\n"
                        "categories:\n  ethics: {min: 2}\n")
    ledger.credit("a", "title: Big course\nprovider: P\ndate: 2025-02-01\ncounts_toward: {done: 9.5}\n")
    ledger.credit("b", "title: Ethics talk\nprovider: P\ndate: 2025-03-01\ncounts_toward: {done: {credits: 1.5, category: ethics}}\n")
    assert build(cli, ledger).exit_code == 0
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (ledger.root / "site" / "index.html").read_text()))
    assert "still 0.50 cpe of ethics" in text.lower()
    assert "nothing more" not in text


def _words(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text()))


def test_every_card_states_delta_days_and_a_lapsed_cycle_says_what_it_missed(ledger, cli):
    """SPEC §5: each card shows `delta_days` in words, whatever the status;
    SPEC §3: a category minimum is met or missed — once the cycle is over,
    an unmet one is missed, on the certification page and on the card."""
    ledger.cert("lap", "name: Lap\nbody: B\ncycles:\n  - {start: 2024-01-01, end: 2024-12-31, required: 10}\n"
                       "categories:\n  ethics: {min: 4}\n")
    ledger.cert("comp", "name: Comp\nbody: B\ncycles:\n  - {start: 2025-01-01, end: 2025-12-31, required: 10}\n")
    ledger.cert("soon", "name: Soon\nbody: B\ncycles:\n  - {start: 2025-06-01, end: 2026-05-31, required: 10}\n")
    ledger.credit("a", "title: Big course\nprovider: P\ndate: 2024-02-01\ncounts_toward: {lap: 12}\n")
    ledger.credit("b", "title: Ethics\nprovider: P\ndate: 2024-03-01\ncounts_toward: {lap: {credits: 2, category: ethics}}\n")
    ledger.credit("c", "title: Course\nprovider: P\ndate: 2025-01-10\ncounts_toward: {comp: 12}\n")
    assert cli("build", ledger.root, "--as-of", "2025-02-01").exit_code == 0
    summary = {c["id"]: c["delta_days"] for c in json.loads((ledger.root / "site/summary.json").read_text())["certifications"]}
    dashboard = _words(ledger.root / "site/index.html")
    assert summary["comp"] > 0 and f"complete: 12.00 of 10.00; ahead by {summary['comp']} days" in dashboard
    assert "lapsed on 2024-12-31: 2.00 CPE of ethics short; ahead by" in dashboard  # the total was reached, ethics not
    assert "starts 2025-06-01; exactly on pace" in dashboard
    page = _words(ledger.root / "site/certifications/lap/index.html")
    assert "missed: 2.00 short" in page and "still needed" not in page


def test_a_lapsed_card_projects_nothing_and_covers_the_cycles_entries(ledger, cli):
    """A cycle over short of its total says it ended instead of a finish
    projected from credits that count nowhere; proof coverage is over the
    entries of the cycle the card reports, on the dashboard and the page."""
    ledger.cert("l", "name: L\nbody: B\ncycles:\n  - {start: 2021-01-01, end: 2023-12-31, required: 10}\n")
    ledger.credit("a", "title: In the cycle\nprovider: P\ndate: 2023-03-01\ncounts_toward: {l: 2}\nproof: https://example.org/a\n")
    ledger.credit("b", "title: Too late\nprovider: P\ndate: 2024-06-01\ncounts_toward: {l: 1}\n")
    assert cli("build", ledger.root, "--as-of", "2025-01-05").exit_code == 0
    for page in ("site/index.html", "site/certifications/l/index.html"):
        text = _words(ledger.root / page)
        assert "Projected finish the cycle ended on 2023-12-31" in text
        assert "Proof coverage 1 of 1 entry has proof" in text
    status = cli("status", ledger.root, "--as-of", "2025-01-05").output
    assert "cycle ended" in status and "2035" not in status


def test_a_new_cycle_with_nothing_of_its_own_yet_has_no_proof_to_cover(ledger, cli):
    """Last year's credits count in the cycle before: none is this one's to
    prove, and none sets its pace."""
    ledger.cert("n", "name: N\nbody: B\ncycles:\n  - {start: 2024-01-01, end: 2024-12-31, required: 10}\n"
                     "  - {start: 2025-01-01, end: 2025-12-31, required: 10}\n")
    ledger.credit("a", "title: Last year\nprovider: P\ndate: 2024-11-01\ncounts_toward: {n: 10}\n")
    assert cli("build", ledger.root, "--as-of", "2025-02-01").exit_code == 0
    text = _words(ledger.root / "site/index.html")
    assert "not at the current rate (nothing earned in this cycle yet)" in text
    assert "Proof coverage no entries yet" in text


def test_a_build_with_nothing_to_do_still_says_the_warnings(small, cli):
    """A warning (a misspelled folder) said by the build that made the site
    is said again when the next build has nothing to do, not lost."""
    small.credit("../credit/a", ENTRY)  # ledger/credit/a.yaml: read nowhere
    first = build(cli, small)
    assert first.exit_code == 0 and "ledger/credit:1:1: warning" in first.output
    again = build(cli, small)
    assert again.output.rstrip().endswith("nothing changed since the last build (still 1 warning: recertgen check lists them)")


def test_once_renders_a_partial_as_an_include_would(tmp_path):
    """`once` repeats a partial rendered for the same values, at the same
    depth: pages come out as with `include`, links relative to each page."""
    from recertgen.site.theme import environment

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_part.html").write_text('<a href="{{ url(\'x/index.html\') }}">{{ v }}</a> {{ site }}\n')
    page = "{% for v in values %}[{{ once('_part.html', v=v) }}]{% endfor %}|{% for v in values %}[{% include '_part.html' %}]{% endfor %}"
    env = environment(tmp_path)
    template = env.from_string(page)
    for root in ("", "../", "../../"):
        rendered = template.render(page_root=root, site="S", values=["a", "<b>", "a", "<b>"])
        once, included = rendered.split("|")
        assert once == included.replace("\n]", "]")
        assert f'href="{root}x/index.html"' in once and "&lt;b&gt;" in once


def test_an_opportunity_naming_no_certification_is_found_under_each_one_held(ledger, cli):
    """Its page estimates every certification held, so the certification
    filter shows it under each; one naming a certification only under that."""
    import json

    ledger.cert("cissp", CERT)
    ledger.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2023-06-10\n")
    ledger.write("ledger/opportunities/o.yaml", "- {id: plain, title: Plain conference, hours: 8}\n"
                                                "- {id: named, title: Audit day, hours: 8, counts_toward: [cisa]}\n")
    assert build(cli, ledger).exit_code == 0
    text = (ledger.root / "site" / "opportunities" / "search-index.js").read_text()
    rows = {row[0]: row for row in json.loads(text[text.index("{"):text.rindex("}") + 1])["rows"]}
    assert sorted(rows["plain"][13]) == ["cisa", "cissp"]
    assert rows["named"][13] == ["cisa"]


def test_what_a_killed_build_left_goes_with_the_next_build(small, cli):
    """A build killed half way leaves its staging folder beside the output;
    the next build removes it, but never the folder of a build still running."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    leftover = small.root / f".site.building-{dead}-k1ll3d"
    (leftover / "credits").mkdir(parents=True)
    (leftover / "credits" / "index.html").write_text("half a page")
    old = small.root / f".site.old-{dead}-123"
    old.mkdir()
    running = small.root / f".site.building-{os.getppid()}-busy"
    running.mkdir()
    assert cli("build", small.root, "--as-of", "2026-11-15").exit_code == 0
    assert not leftover.exists() and not old.exists()
    assert running.exists(), "another build's staging folder is left alone"
    assert sorted(p.name for p in small.root.iterdir() if p.name.startswith(".site")) == [running.name]


def test_one_opportunity_is_not_plural(small, cli, tmp_path):
    small.write("ledger/opportunities/one.yaml", "id: one\ntitle: One webinar\nprovider: P\nhours: 1\n")
    assert cli("build", small.root, "--as-of", "2026-11-15", "--out", tmp_path / "site").exit_code == 0
    page = (tmp_path / "site/opportunities/index.html").read_text()
    assert '<span id="opp-count" aria-live="polite">1 opportunity</span>' in page


def test_a_failure_outside_the_templates_is_not_called_a_template_error(small, monkeypatch, tmp_path):
    from recertgen.api import load
    from recertgen.site import build as site_build

    def broken(*args, **kwargs):
        raise ValueError("no such thing")

    monkeypatch.setattr(site_build, "gather", broken)
    result = site_build.build_site(load(small.root, dt.date(2026, 11, 15)), tmp_path / "site")
    (problem,) = result.problems
    assert problem.message == "the build failed: ValueError: no such thing"
    assert not (tmp_path / "site").exists()


def test_a_proof_folder_link_to_nothing_does_not_stop_the_build(small, cli):
    """`check` looks only at the proofs entries name; an unnamed link to
    nothing under proof/ must not fail a build half way and leave its
    staging folder behind."""
    os.symlink("/nonexistent/recertgen-test", small.root / "ledger/proof/junk.pdf")
    assert cli("check", small.root, "--as-of", "2026-11-15").exit_code == 0
    result = build(cli, small)
    assert result.exit_code == 0, result.output
    assert build(cli, small).output.endswith("nothing changed since the last build\n")
    assert sorted(p.name for p in small.root.iterdir()) == ["ledger", "site"]


@pytest.mark.parametrize("failing", ["inputs_fingerprint", "commit"])
def test_a_failure_after_rendering_leaves_no_staging_folder_and_the_previous_site(small, cli, monkeypatch, failing):
    from recertgen.api import load
    from recertgen.site import build as site_build
    from recertgen.site import output

    assert build(cli, small).exit_code == 0
    before = snapshot(small.root / "site")

    def broken(*args, **kwargs):
        raise OSError("no such luck")

    if failing == "commit":  # the new site cannot be moved into place: the old one goes back
        real_replace = os.replace

        def replace(source, target):
            if ".site.building-" in str(source):
                broken()
            real_replace(source, target)

        monkeypatch.setattr(output.os, "replace", replace)
    else:
        monkeypatch.setattr(site_build, failing, broken)
    with pytest.raises(OSError):
        site_build.build_site(load(small.root, dt.date(2026, 11, 16)), small.root / "site")
    assert sorted(p.name for p in small.root.iterdir()) == ["ledger", "site"]
    assert snapshot(small.root / "site") == before


def test_a_folder_the_site_cannot_be_made_in_is_an_unusable_call(small, cli, monkeypatch):
    """A repository root that may not be written (root may write anything,
    so the refusal is staged) is exit 2 naming the folder; the previous
    site stays as it was."""
    from recertgen.site import output

    assert build(cli, small).exit_code == 0
    before = snapshot(small.root / "site")

    def refused(prefix, dir):
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "x"))

    monkeypatch.setattr(output.tempfile, "mkdtemp", refused)
    result = cli("build", small.root, "--as-of", "2026-11-16")
    assert result.exit_code == 2
    assert result.output == (f"recertgen: cannot build into {small.root / 'site'}: "
                             f"cannot create a folder in {small.root} (Permission denied)\n")
    assert snapshot(small.root / "site") == before
    monkeypatch.undo()
    (small.root / "afile").write_text("not a folder")
    result = cli("build", small.root, "--as-of", "2026-11-16", "--out", small.root / "afile" / "site")
    assert result.exit_code == 2 and f"cannot create the folder {small.root / 'afile'} (File exists)" in result.output


def test_an_output_that_is_a_link_is_built_into_its_target_and_the_link_stays(small, cli, tmp_path):
    """`site` linked to a web server's folder: the folder gets the new site
    on every build, the link stays a link, and nothing is left beside
    either (a link an earlier version swapped aside goes, its target stays)."""
    web = tmp_path / "www" / "ce"
    web.mkdir(parents=True)
    os.symlink(web, small.root / "site")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    os.symlink(web, small.root / f".site.old-{dead}-123")
    assert build(cli, small).exit_code == 0
    assert (small.root / "site").is_symlink() and (web / "index.html").is_file()
    assert cli("build", small.root, "--as-of", "2026-11-16").exit_code == 0
    assert '2026-11-16' in (web / "summary.json").read_text()
    assert sorted(p.name for p in small.root.iterdir()) == ["ledger", "site"]
    assert sorted(p.name for p in web.parent.iterdir()) == ["ce"]
