"""`recertgen log` and `recertgen add`: the only commands that write into a
ledger, and only ever new files that check."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from recertgen.api import load
from recertgen.opportunities import entry_yaml
from recertgen.schema import credit_schema
from recertgen.yamlio import parse_yaml_text

TODAY = dt.date.today()


@pytest.fixture
def catalog(ledger):
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    ledger.cert("pmp", "name: PMP\nprogram: pmi-pmp\ncertified: 2024-04-22\n")
    ledger.write("ledger/opportunities/webinars.yaml", """
        - id: owasp-top-ten
          title: "OWASP Top 10: what changed"
          provider: OWASP
          url: https://owasp.org/
          format: webinar
          delivery: webinar
          starts: 2025-05-20
          minutes: 90
          cost: free
          counts_toward: [isc2-cissp]
        - id: future-summit
          title: Future summit
          provider: ACME
          format: conference
          starts: 2099-01-01
          hours: 8
          counts_toward: [cissp, pmi-pmp]
        - id: unlisted-book
          title: Some book
          provider: Wiley
          format: book
          hours: 5
    """)
    return ledger


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_log_writes_a_new_entry_that_checks(catalog, cli):
    result = cli("log", "owasp-top-ten", catalog.root)
    assert result.exit_code == 0, result.output
    path = catalog.root / "ledger/credits/2025/2025-05-20-owasp-top-10-what-changed.yaml"
    assert result.output.splitlines()[0] == "Wrote ledger/credits/2025/2025-05-20-owasp-top-10-what-changed.yaml"
    assert "CISSP: 1.50 / 120.00 CPE" in result.output
    loaded = load(catalog.root)
    assert loaded.errors == ()
    (entry,) = loaded.ledger.credits
    assert (entry.title, entry.provider, entry.date, entry.minutes, entry.delivery) == (
        "OWASP Top 10: what changed", "OWASP", dt.date(2025, 5, 20), 90, "webinar")
    assert [a.cert_id for a in entry.allocations] == ["cissp"]
    assert path.read_text().startswith('title: "OWASP Top 10: what changed"\n')


def test_a_logged_opportunity_says_so_instead_of_offering_itself_again(catalog, cli, tmp_path):
    """An opportunity recorded in the ledger — by `log`, whatever date it
    was given, or by hand with words added to its title — links its entry
    from its card, its page and the search index, and no longer says how
    to log it. Another provider, a date outside it, or a different title
    of an undated one is another activity."""
    assert cli("log", "owasp-top-ten", catalog.root, "--date", "2025-05-27").exit_code == 0  # watched a week later
    catalog.credit("2025/book", "title: Some   BOOK\nprovider: wiley\ndate: 2025-08-01\nhours: 5\ncounts_toward: [cissp]\n")
    catalog.write("ledger/opportunities/more.yaml", """
        - id: summit-2025
          title: Security summit 2025
          provider: ACME
          starts: 2025-09-01
          ends: 2025-09-02
          hours: 8
        - id: summit-2025-elsewhere
          title: Security summit 2025
          provider: Other
          starts: 2025-09-01
          hours: 8
        - id: summit-2025-later
          title: Security summit 2025
          provider: ACME
          starts: 2025-10-01
          hours: 8
        - id: some-book-2
          title: Some book, second edition
          provider: Wiley
          hours: 5
    """)
    catalog.credit("2025/summit", "title: Security Summit 2025 (virtual pass)\nprovider: ACME\ndate: 2025-09-02\nhours: 8\ncounts_toward: [cissp]\n")
    catalog.credit("2025/summit-2024", "title: Security summit 20\nprovider: ACME\ndate: 2025-09-01\nhours: 1\ncounts_toward: [cissp]\n")
    site = tmp_path / "site"
    assert cli("build", catalog.root, "--out", site, "--as-of", "2025-12-01").exit_code == 0
    index = site.joinpath("opportunities/search-index.js").read_text()
    rows = json.loads(index[index.index("{"):index.rindex("}") + 1])["rows"]
    logged = {row[0]: row[17] for row in rows}
    loaded = load(catalog.root, dt.date(2025, 12, 1))
    owasp_entry = next(e for e in loaded.ledger.credits if e.provider == "OWASP")
    assert [date for date, _ in logged["owasp-top-ten"]] == ["2025-05-27"]
    assert [date for date, _ in logged["unlisted-book"]] == ["2025-08-01"]
    assert [date for date, _ in logged["summit-2025"]] == ["2025-09-02"]
    assert logged["summit-2025-elsewhere"] == logged["summit-2025-later"] == logged["some-book-2"] == logged["future-summit"] == []
    for date, url in logged["owasp-top-ten"]:
        target = site / url.split("#")[0]
        assert target.is_file() and owasp_entry.title in target.read_text()
    page = site.joinpath("opportunities/owasp-top-ten/index.html").read_text()
    assert "Already in the ledger" in page and "recertgen log owasp-top-ten" not in page
    assert "recertgen log summit-2025-later" in site.joinpath("opportunities/summit-2025-later/index.html").read_text()
    listing = site.joinpath("opportunities/index.html").read_text()
    assert listing.count('class="opp-logged"') == 3


def test_an_entry_log_wrote_on_the_opportunity_s_own_day_records_it_once(catalog, cli):
    """Its note and its title, provider and date both say it: one entry, listed once."""
    from recertgen.opportunities import logged_entries

    assert cli("log", "owasp-top-ten", catalog.root).exit_code == 0
    ledger = load(catalog.root, dt.date(2025, 12, 1)).ledger
    found = logged_entries(ledger.opportunities, ledger.credits)
    assert list(found) == ["owasp-top-ten"] and [e.date for e in found["owasp-top-ten"]] == [dt.date(2025, 5, 20)]


def test_log_never_overwrites(catalog, cli):
    assert cli("log", "owasp-top-ten", catalog.root).exit_code == 0
    before = files_under(catalog.root)
    again = cli("log", "owasp-top-ten", catalog.root)
    assert again.exit_code == 1
    assert "the same activity is already recorded in ledger/credits/2025/2025-05-20-owasp-top-10-what-changed.yaml; nothing was written" in again.output
    assert "-2.yaml" not in again.output, "no word of a file that was never kept"
    assert files_under(catalog.root) == before


def test_add_gives_another_activity_of_the_same_date_and_title_its_own_file(catalog, cli):
    """Same title and date, another provider: not a duplicate (SPEC §2), so
    it is recorded beside the first, which stays as it was."""
    first = cli("add", catalog.root, "-y", "--title", "My Course", "--provider", "ACME", "--date", "2025-11-02",
                "--for", "cissp", "--hours", "1")
    assert first.exit_code == 0, first.output
    path = catalog.root / "ledger/credits/2025/2025-11-02-my-course.yaml"
    text = path.read_text()
    second = cli("add", catalog.root, "-y", "--title", "My Course", "--provider", "Other", "--date", "2025-11-02",
                 "--for", "cissp", "--hours", "1")
    assert second.exit_code == 0, second.output
    assert path.read_text() == text
    assert "Other" in (path.parent / "2025-11-02-my-course-2.yaml").read_text()
    before = files_under(catalog.root)
    third = cli("add", catalog.root, "-y", "--title", "My Course", "--provider", "ACME", "--date", "2025-11-02",
                "--for", "cissp", "--hours", "1")
    assert third.exit_code == 1 and "nothing was written" in third.output
    assert files_under(catalog.root) == before


@pytest.mark.parametrize("targets", [("--for", "cissp", "--for", "pmp"), ("--for", "cissp,pmp")])
def test_log_with_date_targets_and_proof(catalog, cli, tmp_path, targets):
    proof = tmp_path / "certificate.PDF"
    proof.write_bytes(b"%PDF-1.4 completion")
    result = cli("log", "unlisted-book", catalog.root, "--date", "2025-07-01", *targets, "--proof", proof)
    assert result.exit_code == 0, result.output
    copied = catalog.root / "ledger/proof/2025/certificate.pdf"
    assert copied.read_bytes() == b"%PDF-1.4 completion"
    (entry,) = load(catalog.root).ledger.credits
    assert entry.proof == "2025/certificate.pdf"
    assert entry.proof_sha256 == hashlib.sha256(b"%PDF-1.4 completion").hexdigest()
    assert [a.cert_id for a in entry.allocations] == ["cissp", "pmp"]


def test_log_refuses_what_would_not_check_and_leaves_nothing(catalog, cli):
    before = files_under(catalog.root)
    result = cli("log", "future-summit", catalog.root, "--date", "2025-02-30")
    assert result.exit_code == 2  # not a date
    # a claim the ledger refuses: the same activity twice for cissp
    catalog.credit("existing", "title: Future summit\nprovider: ACME\ndate: 2025-03-01\nhours: 1\ncounts_toward: [cissp]\n")
    before = files_under(catalog.root)
    result = cli("log", "future-summit", catalog.root, "--date", "2025-03-01")
    assert result.exit_code == 1
    assert "refused: the same activity is already recorded in ledger/credits/existing.yaml" in result.output
    assert files_under(catalog.root) == before
    assert not (catalog.root / "ledger/credits/2025").exists()


def test_log_refuses_unknown_ids_with_exit_1_and_writes_nothing(catalog, cli):
    """SPEC §4: `log` exits 1 when it refuses (nothing written); 2 is for a
    call that cannot work at all, such as a date that is no date."""
    before = files_under(catalog.root)
    assert "did you mean 'owasp-top-ten'" in cli("log", "owasp-top-tne", catalog.root).output
    assert cli("log", "owasp-top-tne", catalog.root).exit_code == 1
    assert cli("log", "owasp-top-ten", catalog.root, "--for", "cism").exit_code == 1
    assert cli("log", "unlisted-book", catalog.root).exit_code == 1  # listed for nothing: say --for
    assert cli("log", "owasp-top-ten", catalog.root, "--date", "2025-13-01").exit_code == 2
    assert files_under(catalog.root) == before

def test_a_refused_entry_is_never_written_not_even_for_a_moment(catalog, cli, tmp_path, monkeypatch):
    """SPEC §4 "refused: nothing written": the new entry (and its proof) is
    checked as if written; a watcher (serve, an editor) never sees a file
    come and go, and the folders keep their times."""
    import recertgen.authoring as authoring

    assert cli("log", "owasp-top-ten", catalog.root, "--date", "2025-05-20").exit_code == 0
    proof = tmp_path / "again.pdf"
    proof.write_bytes(b"%PDF a new certificate")
    written = []
    monkeypatch.setattr(authoring, "_create_text", lambda path, *a: written.append(path))
    monkeypatch.setattr(authoring, "_create_copy", lambda source, target, *a: written.append(target))
    folders = {p: p.stat().st_mtime_ns for p in (catalog.root / "ledger").rglob("*") if p.is_dir()}
    again = cli("log", "owasp-top-ten", catalog.root, "--date", "2025-05-20", "--proof", proof)
    assert again.exit_code == 1 and "already recorded" in again.output
    assert written == []
    assert {p: p.stat().st_mtime_ns for p in (catalog.root / "ledger").rglob("*") if p.is_dir()} == folders


def test_a_pending_file_reads_as_the_file_written(catalog, tmp_path):
    """The trial read of add/log is the read after writing: same records,
    same ids (an id clash settles in scan order), same problems."""
    from recertgen.loader import Pending

    catalog.credit("2025/b-course", "title: B\nprovider: P\ndate: 2025-03-01\nhours: 1\ncounts_toward: [cissp]\nid: a-course\n")
    digest = hashlib.sha256(b"certificate").hexdigest()
    text = f"title: A\nprovider: P\ndate: 2025-02-01\nhours: 1\ncounts_toward: [cissp, nope]\nproof: 2025/c.pdf\nproof_sha256: {digest}\n"
    proof = tmp_path / "c.pdf"
    proof.write_bytes(b"certificate")
    pending = Pending({"ledger/credits/2025/a-course.yaml": text.encode()}, {"ledger/proof/2025/c.pdf": proof})
    trial = load(catalog.root, dt.date(2025, 6, 1), pending=pending)
    catalog.credit("2025/a-course", text)
    catalog.write("ledger/proof/2025/c.pdf", b"certificate")
    real = load(catalog.root, dt.date(2025, 6, 1))
    assert [(e.id, e.file, e.title) for e in trial.ledger.credits] == [(e.id, e.file, e.title) for e in real.ledger.credits]
    assert [p.as_text() for p in trial.problems] == [p.as_text() for p in real.problems]
    assert any("unknown certification 'nope'" in p.message for p in trial.problems)
    assert not any("proof" in p.message for p in trial.problems)  # the pending copy is found where it will be


def test_add_says_what_check_will_say_of_the_new_entry(catalog, cli):
    """A warning on the new entry is said at once, as check would say it,
    not at the next check; an amount the issuer does not grant is refused."""
    before = sorted(catalog.root.rglob("*.yaml"))
    refused = cli("add", catalog.root, "--title", "Odd claim", "--provider", "Y", "--date", "2025-06-01", "--for", "pmp",
                  "--hours", "2", "--credits", "1.3", "--yes")
    assert refused.exit_code == 1 and ": error: 1.30 credits toward pmp is not an amount" in refused.output, refused.output
    assert sorted(catalog.root.rglob("*.yaml")) == before
    result = cli("add", catalog.root, "--title", "Short talk", "--provider", "Y", "--date", "2025-06-01", "--for", "pmp",
                 "--minutes", "10", "--yes")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Wrote ledger/credits/2025/")
    assert any(line.startswith(lines[0][len("Wrote "):] + ":") and ": warning: " in line for line in lines), result.output


def test_add_without_a_duration_or_credits_says_what_to_give(catalog, cli):
    result = cli("add", catalog.root, "--title", "T", "--provider", "P", "--date", "2025-06-01", "--for", "cissp", "--yes")
    assert result.exit_code == 2 and "a duration (--hours or --minutes)" in result.output
    answers = ["T", "P", "2025-06-01", "cissp", "", "", "", "2", "", "", "", "", "", "", "", "n"]  # hours, then credits, blank
    asked = cli("add", catalog.root, input="\n".join(answers) + "\n")
    assert "Error: give the credits on the certificate, or a duration" in asked.output  # not asked again silently


def test_log_refuses_an_ambiguous_id_and_a_future_date(catalog, cli):
    """Opportunity ids are unique (SPEC §2): with two, log would guess. An
    activity is logged once done, as `add` says too."""
    before = files_under(catalog.root / "ledger")
    catalog.write("ledger/opportunities/more.yaml", "- id: owasp-top-ten\n  title: Another\n  provider: X\n  hours: 5\n")
    result = cli("log", "owasp-top-ten", catalog.root, "--for", "cissp")
    assert result.exit_code == 1 and "used more than once" in result.output and "more.yaml" in result.output
    (catalog.root / "ledger/opportunities/more.yaml").unlink()
    result = cli("log", "owasp-top-ten", catalog.root, "--date", "2099-01-01")
    assert result.exit_code == 1 and "in the future" in result.output
    assert files_under(catalog.root / "ledger") == before, "nothing written"

def test_log_reuses_an_identical_proof_and_never_replaces_a_different_one(catalog, cli, tmp_path):
    catalog.write("ledger/proof/2025/cert.pdf", b"original")
    other = tmp_path / "cert.pdf"
    other.write_bytes(b"different")
    assert cli("log", "owasp-top-ten", catalog.root, "--proof", other).exit_code == 0
    assert (catalog.root / "ledger/proof/2025/cert.pdf").read_bytes() == b"original"
    assert (catalog.root / "ledger/proof/2025/cert-2.pdf").read_bytes() == b"different"


def test_site_entry_yaml_is_what_log_writes(catalog):
    loaded = load(catalog.root, dt.date(2026, 11, 15))
    opp = next(o for o in loaded.ledger.opportunities if o.id == "owasp-top-ten")
    text = entry_yaml(opp, dt.date(2025, 5, 20), ["cissp"])
    parsed = parse_yaml_text(text, "x.yaml")
    assert parsed.problems == ()
    assert parsed.root["title"].text == "OWASP Top 10: what changed"


ANSWERS = [
    "Threat modelling workshop",  # title
    "OWASP",  # provider
    "2025-13-01",  # date: refused, asked again
    "2025-03-14",
    "cisp",  # counts toward: refused, asked again
    "cissp pmp",
    "ethics",  # category: neither has it, asked again
    "power-skills",  # PMP's; CISSP counts it by its own rules
    "abc",  # hours: refused
    "2",
    "",  # credits: estimate
    "telepathy",  # delivery: refused
    "group-live",
    "Information Technology",  # field of study
    "California",  # state: refused
    "ca",
    "",  # source: external
    "Hands-on STRIDE session",  # description
    "",  # proof: none
    "y",  # write it
]


def test_add_asks_each_field_and_re_asks_bad_answers(catalog, cli):
    result = cli("add", catalog.root, input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Error: date is not a real date" in out
    assert "'cisp' is not a certification you hold (did you mean 'cissp'?)" in out
    assert "must be a number" in out
    assert "choose one of group-live" in out
    assert "a two-letter code" in out
    assert "'ethics' is not a category of cissp, pmp" in out
    assert "title: Threat modelling workshop" in out  # the preview
    assert "Wrote ledger/credits/2025/2025-03-14-threat-modelling-workshop.yaml" in out
    (entry,) = load(catalog.root).ledger.credits
    assert (entry.state, entry.delivery, entry.minutes, entry.description) == ("CA", "group-live", 120, "Hands-on STRIDE session")
    assert [(a.cert_id, a.category) for a in entry.allocations] == [("cissp", None), ("pmp", "power-skills")]


def test_add_preview_can_be_declined(catalog, cli):
    answers = ANSWERS[:-1] + ["n"]
    result = cli("add", catalog.root, input="\n".join(answers) + "\n")
    assert result.exit_code == 0
    assert "Nothing was written." in result.output
    assert not (catalog.root / "ledger/credits/2025").exists()


def test_add_preview_names_the_file_it_will_write(catalog, cli):
    """Another activity with the same date and title gets `-2`: the
    preview says so rather than naming the file already there."""
    catalog.credit("2025/2025-03-14-threat-modelling-workshop", "title: Threat modelling workshop\nprovider: Other\n"
                   "date: 2025-03-14\nhours: 1\ncounts_toward: [cissp]\n")
    result = cli("add", catalog.root, input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    assert "\nledger/credits/2025/2025-03-14-threat-modelling-workshop-2.yaml:\n" in result.output
    assert "Wrote ledger/credits/2025/2025-03-14-threat-modelling-workshop-2.yaml" in result.output


def test_add_without_prompts_for_scripts(catalog, cli, tmp_path):
    proof = tmp_path / "c.png"
    proof.write_bytes(b"\x89PNG certificate")
    result = cli("add", catalog.root, "--title", "Ethics course", "--provider", "CalCPA", "--date", "2025-06-01",
                 "--for", "cissp", "--credits", "2", "--hours", "2", "--delivery", "group-internet",
                 "--source", "external", "--proof", proof, "--yes")
    assert result.exit_code == 0, result.output
    (entry,) = load(catalog.root).ledger.credits
    assert entry.allocations[0].credits == 2
    assert entry.proof == "2025/c.png"
    assert "?" not in result.output  # no prompts


def test_add_takes_minutes_and_a_category_as_options(catalog, cli):
    """A leadership workshop toward PMP's power skills (a category with a
    minimum) and CISSP (estimated, its own category rules)."""
    result = cli("add", catalog.root, "--title", "Leadership workshop", "--provider", "ACME", "--date", "2025-06-01",
                 "--for", "pmp", "--for", "cissp", "--minutes", "120", "--category", "power-skills", "--yes")
    assert result.exit_code == 0, result.output
    (entry,) = load(catalog.root).ledger.credits
    assert entry.minutes == 120
    assert [(a.cert_id, a.credits, a.category) for a in entry.allocations] == [("pmp", None, "power-skills"), ("cissp", None, None)]
    report = load(catalog.root, dt.date(2025, 7, 1)).report
    assert next(c for c in report.cert("pmp").current.categories if c.name == "power-skills").earned == 2
    written = yaml.safe_load(next((catalog.root / "ledger" / "credits").rglob("*.yaml")).read_text())
    assert written["counts_toward"] == {"pmp": {"category": "power-skills"}, "cissp": None}  # a shape of SPEC §2
    jsonschema.validate({**written, "date": written["date"].isoformat()}, credit_schema())  # one `recertgen schema` accepts
    refused = cli("add", catalog.root, "--title", "x", "--provider", "y", "--date", "2025-06-02", "--for", "cissp",
                  "--hours", "1", "--minutes", "60", "--yes")
    assert refused.exit_code == 2 and "not both" in refused.output
    refused = cli("add", catalog.root, "--title", "x", "--provider", "y", "--date", "2025-06-02", "--for", "cissp",
                  "--hours", "1", "--category", "power-skills", "--yes")
    assert refused.exit_code == 2 and "'power-skills' is not a category of cissp" in refused.output


def test_add_option_errors_exit_2(catalog, cli):
    result = cli("add", catalog.root, "--title", "x", "--provider", "y", "--date", "2025-06-01", "--for", "cism", "--hours", "1", "--yes")
    assert result.exit_code == 2
    assert "recertgen: --for: 'cism' is not a certification you hold" in result.output


def test_add_refuses_to_overwrite(catalog, cli):
    args = ["add", catalog.root, "--title", "Same", "--provider", "P", "--date", "2025-06-01", "--for", "cissp", "--hours", "1",
            "--delivery", "webinar", "--field-of-study", "IT", "--state", "CA", "--source", "external", "--description", "d",
            "--proof", "", "--credits", "", "--yes"]
    assert cli(*args).exit_code == 0
    before = files_under(catalog.root)
    again = cli(*args)
    assert again.exit_code == 1
    assert files_under(catalog.root) == before


def test_log_refuses_an_upcoming_event_until_it_is_done(catalog, cli):
    """An entry is the record of something done: an event that has not taken
    place is refused (nothing written) unless --date says when it was done."""
    catalog.write("ledger/opportunities/later.yaml", "- id: next-year-summit\n  title: Next year's summit\n  provider: X\n"
                                                      "  starts: 2099-05-01\n  hours: 2\n  counts_toward: [cissp]\n")
    before = files_under(catalog.root)
    result = cli("log", "next-year-summit", catalog.root)
    assert result.exit_code == 1 and "takes place on 2099-05-01" in result.output
    assert files_under(catalog.root) == before
    result = cli("log", "next-year-summit", catalog.root, "--date", "2025-06-01")  # watched the recording
    assert result.exit_code == 0, result.output


def test_a_refusal_by_a_rule_of_the_program_says_the_rule(ledger, cli):
    """Cisco counts a course once per cycle: the same course on another day
    is refused with the reason, not as a same-day duplicate."""
    ledger.cert("ccna", "name: CCNA\nprogram: cisco-associate\ncertified: 2024-03-15\n")
    args = ["--title", "Course X", "--provider", "Cisco", "--for", "ccna", "--credits", "8", "--yes"]
    assert cli("add", ledger.root, "--date", "2025-06-01", *args).exit_code == 0
    before = files_under(ledger.root)
    again = cli("add", ledger.root, "--date", "2025-03-01", *args)
    assert again.exit_code == 1 and "counts it once per cycle" in again.output and "nothing was written" in again.output
    assert files_under(ledger.root) == before


def test_a_file_where_a_folder_must_go_is_a_refusal_naming_it(catalog, cli, tmp_path):
    """`credits/2025` or `proof/2025` made a file: log and add refuse
    (exit 1), name the file in the way, and write nothing."""
    catalog.write("ledger/credits/2025", "not a folder")
    before = files_under(catalog.root)
    logged = cli("log", "owasp-top-ten", catalog.root)
    added = cli("add", catalog.root, "-y", "--title", "T", "--provider", "P", "--date", "2025-06-01", "--for", "pmp", "--hours", "1")
    for result, name in ((logged, "2025-05-20-owasp-top-10-what-changed.yaml"), (added, "2025-06-01-t.yaml")):
        assert result.exit_code == 1
        assert (f"recertgen: refused: cannot write ledger/credits/2025/{name}: "
                "ledger/credits/2025 is a file, not a folder; nothing was written") in result.output
    assert files_under(catalog.root) == before
    (catalog.root / "ledger/credits/2025").unlink()
    catalog.write("ledger/proof/2025", "not a folder")
    proof = tmp_path / "cert.pdf"
    proof.write_bytes(b"%PDF-1.4 cert")
    before = files_under(catalog.root)
    result = cli("log", "owasp-top-ten", catalog.root, "--proof", proof)
    assert result.exit_code == 1 and "ledger/proof/2025 is a file, not a folder" in result.output
    assert files_under(catalog.root) == before and not (catalog.root / "ledger/credits/2025").exists()


def test_add_says_an_unreadable_proof_is_unreadable_as_log_does(catalog, cli, tmp_path, monkeypatch):
    proof = tmp_path / "cert.pdf"
    proof.write_bytes(b"%PDF-1.4 cert")
    real_open = Path.open

    def unreadable(self, *args, **kwargs):  # root reads anything: the refusal is staged
        if self == proof:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", unreadable)
    before = files_under(catalog.root)
    result = cli("add", catalog.root, "-y", "--title", "T", "--provider", "P", "--date", "2025-06-01", "--for", "pmp",
                 "--hours", "1", "--proof", proof)
    assert result.exit_code == 2
    assert result.output == f"recertgen: --proof: cannot read {proof}: Permission denied\n"
    assert files_under(catalog.root) == before


def test_log_never_invents_a_provider_and_refuses_dates_that_disagree(catalog, cli):
    """A credit needs a provider: one the opportunity does not give is asked
    for, not made up; an opportunity ending before it starts (which check
    reports at `ends`) has no date to give the credit."""
    catalog.write("ledger/opportunities/more.yaml", """
        - id: nameless
          title: A webinar by somebody
          starts: 2025-05-01
          hours: 1
          counts_toward: [cissp]
        - id: backwards
          title: Backwards course
          provider: ACME
          starts: 2025-06-10
          ends: 2025-06-01
          hours: 1
          counts_toward: [cissp]
    """)
    assert "ledger/opportunities/more.yaml:10:9: error: opportunity ends (2025-06-01) before it starts (2025-06-10)" in \
        cli("check", catalog.root, "--as-of", "2026-11-15").output
    before = files_under(catalog.root)
    result = cli("log", "nameless", catalog.root)
    assert result.exit_code == 1
    assert result.output == ("ledger/opportunities/more.yaml:1:3: error: opportunity 'nameless' has no 'provider', and a credit needs one\n"
                             "1 error, 0 warnings\n"
                             "recertgen: refused: give nameless a provider (who runs it), then log it; nothing was written\n")
    result = cli("log", "backwards", catalog.root)
    assert result.exit_code == 1 and "more.yaml:10:9: error: opportunity 'backwards' ends (2025-06-01) before it starts" in result.output
    assert files_under(catalog.root) == before
    assert cli("log", "backwards", catalog.root, "--date", "2025-06-05").exit_code == 0
    opp = next(o for o in load(catalog.root, dt.date(2026, 11, 15)).ledger.opportunities if o.id == "nameless")
    shown = entry_yaml(opp, dt.date(2025, 5, 1), ["cissp"])  # the site's "commit this entry": a blank, not a guess
    assert "unknown" not in shown and "provider:   # who ran it? (required)\n" in shown
