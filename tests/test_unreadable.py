"""What the scan and the proofs cannot read, and dates out of range: said
at their place as problems, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from recertgen import loader

CREDIT = "title: T\nprovider: P\ndate: 2025-06-01\nhours: 1\ncounts_toward: [cissp]\n"


def test_a_loop_of_links_is_an_error_at_its_path(cissp_ledger, cli):
    credits = cissp_ledger.root / "ledger/credits"
    os.symlink("b.yaml", credits / "a.yaml")
    os.symlink("a.yaml", credits / "b.yaml")
    result = cli("check", cissp_ledger.root, "--as-of", "2026-11-15", "--format", "json")
    assert result.exit_code == 1
    found = {(p["file"], p["severity"]) for p in json.loads(result.output)}
    assert {("ledger/credits/a.yaml", "error"), ("ledger/credits/b.yaml", "error")} <= found


def test_a_loop_of_links_with_a_name_that_is_not_read_is_no_traceback(cissp_ledger, cli):
    """Asking whether such a link is a folder fails: it is not one (as
    `os.path.isdir` says), and is warned about like any name not read."""
    credits = cissp_ledger.root / "ledger/credits"
    before = loader.scan(cissp_ledger.root, "ledger")
    os.symlink("loop.YAML", credits / "loop.YAML")
    os.symlink("notes", credits / "notes")
    result = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output
    assert "ledger/credits/loop.YAML:1:1: warning: not read: only names ending in .yaml or .yml are read" in result.output
    assert "0 errors, 1 warning" in result.output
    assert loader.rescan(cissp_ledger.root, "ledger", before, {"ledger/credits/loop.YAML", "ledger/credits/notes"}) == \
        loader.scan(cissp_ledger.root, "ledger")


def test_a_link_to_nothing_is_a_warning_and_skipped(cissp_ledger, cli):
    cissp_ledger.credit("real", CREDIT)
    os.symlink("gone.yaml", cissp_ledger.root / "ledger/credits/dangling.yaml")
    result = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output
    assert "ledger/credits/dangling.yaml:1:1: warning: a link to a file that does not exist" in result.output
    assert len(cissp_ledger.load().ledger.credits) == 1


def _without_root_powers() -> list[str]:
    """As root, permissions are not checked unless the capabilities that
    override them are dropped (util-linux's setpriv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


def _recertgen(*args) -> subprocess.CompletedProcess:
    return subprocess.run([*_without_root_powers(), sys.executable, "-m", "recertgen", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def _check_with_locked(root, locked) -> subprocess.CompletedProcess:
    """`check` while the folder `locked` may not be read."""
    locked.chmod(0)
    try:
        return _recertgen("check", root, "--as-of", "2026-11-15")
    finally:
        locked.chmod(0o755)


def test_an_unreadable_folder_is_an_error_at_its_path(cissp_ledger):
    cissp_ledger.credit("locked/one", CREDIT)
    result = _check_with_locked(cissp_ledger.root, cissp_ledger.root / "ledger/credits/locked")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "ledger/credits/locked/:1:1: error: cannot read folder: Permission denied" in result.stdout


def test_an_unreadable_proof_is_an_error_and_nothing_is_built(cissp_ledger, tmp_path):
    proof = cissp_ledger.write("ledger/proof/c.pdf", b"%PDF certificate")
    cissp_ledger.credit("with-proof", CREDIT + "proof: c.pdf\n")
    proof.chmod(0)
    try:
        check = _recertgen("check", cissp_ledger.root, "--as-of", "2026-11-15")
        build = _recertgen("build", cissp_ledger.root, "--as-of", "2026-11-15", "--out", tmp_path / "site")
        export = _recertgen("export", "certificates", cissp_ledger.root, "-o", tmp_path / "c.zip")
    finally:
        proof.chmod(0o644)
    for result in (check, build, export):
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "ledger/credits/with-proof.yaml" in check.stdout and "cannot be read" in check.stdout
    assert not (tmp_path / "site").exists() and not (tmp_path / "c.zip").exists()


@pytest.mark.parametrize("text", [
    "name: X\nprogram: isc2-cissp\ncertified: 9999-06-01\n",
    "name: X\nbody: B\ncycles: [{start: 9999-01-01, end: 9999-12-31, required: 10}]\n",
])
def test_far_dates_are_refused_at_their_line(ledger, cli, text):
    ledger.cert("x", text)
    result = cli("check", ledger.root, "--as-of", "2026-11-15")
    assert result.exit_code == 1
    assert "ledger/certifications/x.yaml:" in result.output and "outside the years 1900–2999" in result.output


@pytest.mark.parametrize("command", ["check", "status", "build"])
def test_a_far_as_of_date_is_an_unusable_call(cissp_ledger, cli, command):
    result = cli(command, cissp_ledger.root, "--as-of", "0001-01-01")
    assert result.exit_code == 2 and "outside the years" in result.output


def test_scan_marks_what_it_cannot_look_into(cissp_ledger):
    os.symlink("nowhere.yaml", cissp_ledger.root / "ledger/credits/gone.yaml")
    refs = [r for r in loader.scan(cissp_ledger.root, "ledger") if r.kind == "credits"]
    assert [(r.rel, r.size) for r in refs] == [("ledger/credits/gone.yaml", loader.UNREADABLE)]


def test_a_proof_in_a_locked_folder_cannot_be_read_rather_than_missing(cissp_ledger):
    cissp_ledger.write("ledger/proof/locked/c.pdf", b"%PDF certificate")
    cissp_ledger.credit("with-proof", CREDIT + "proof: locked/c.pdf\n")
    result = _check_with_locked(cissp_ledger.root, cissp_ledger.root / "ledger/proof/locked")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "proof file ledger/proof/locked/c.pdf cannot be read (Permission denied)" in result.stdout


@pytest.mark.parametrize("kind", ["credits", "certifications", "opportunities"])
def test_a_kind_of_record_in_a_file_instead_of_a_folder_is_an_error(cissp_ledger, cli, tmp_path, kind):
    folder = cissp_ledger.root / "ledger" / kind
    shutil.rmtree(folder)
    folder.write_text(CREDIT)
    check = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert check.exit_code == 1
    assert f"ledger/{kind}:1:1: error: is a file, not a folder: {kind} are read from ledger/{kind}/" in check.output
    build = cli("build", cissp_ledger.root, "--as-of", "2026-11-15", "--out", tmp_path / "site")
    assert build.exit_code == 1 and not (tmp_path / "site").exists()


@pytest.mark.parametrize("rel,message", [
    ("ledger/credits/2025/talk.YAML", "not read: only names ending in .yaml or .yml are read (ledger/credits/**/*.yaml); rename it to end in .yaml"),
    ("ledger/credits/talk.Yml", "not read: only names ending in .yaml or .yml are read (ledger/credits/**/*.yaml); rename it to end in .yml"),
    ("ledger/certifications/old/cisa.yaml", "not read: certifications are read from ledger/certifications/*.yaml only, not from folders inside it; move the file up to ledger/certifications/"),
])
def test_what_looks_like_ledger_data_but_is_not_read_is_a_warning(cissp_ledger, cli, rel, message):
    """SPEC names the files read (credits/**/*.yaml, certifications/*.yaml):
    others that look like them are not read, but never silently."""
    cissp_ledger.write(rel, CREDIT if "credits" in rel else "name: CISA\nprogram: isaca-cisa\ncertified: 2024-01-01\n")
    result = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output
    assert f"{rel}:1:1: warning: {message}" in result.output
    assert cli("check", "--strict", cissp_ledger.root, "--as-of", "2026-11-15").exit_code == 1
    assert cissp_ledger.load().ledger.credits == () and [c.id for c in cissp_ledger.load().ledger.certifications] == ["cissp"]


READ_HERE = "only the folders certifications/, credits/, opportunities/, programs/ and proof/ are read in ledger/"


@pytest.mark.parametrize("rel,message", [
    ("ledger/credit/a.yaml", f"ledger/credit:1:1: warning: not read: {READ_HERE} (did you mean 'credits/'?)"),
    ("ledger/Credits/2025/b.yaml", f"ledger/Credits:1:1: warning: not read: {READ_HERE} (did you mean 'credits/'?)"),
    ("ledger/stray.yaml", f"ledger/stray.yaml:1:1: warning: not read: {READ_HERE}; move the file into the folder of its kind"),
])
def test_what_lies_in_the_ledger_folder_beside_the_folders_read_there_is_a_warning(cissp_ledger, cli, rel, message):
    """A credit file in ledger/credit/ counts nowhere: never silently.
    Hidden names (.git, .gitkeep) are left alone."""
    cissp_ledger.write(rel, CREDIT)
    cissp_ledger.write("ledger/.hidden/c.yaml", CREDIT)
    cissp_ledger.write("ledger/.gitkeep", "")
    result = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output
    assert message in result.output and "0 errors, 1 warning in 1 file" in result.output
    assert cli("check", "--strict", cissp_ledger.root, "--as-of", "2026-11-15").exit_code == 1
    assert cissp_ledger.load().ledger.credits == ()


def test_notes_beside_the_folders_read_are_no_ones_records(cissp_ledger, cli):
    """A README or notes in the ledger folder hold no records: no warning
    (one would fail `check --strict` for a file that loses nothing)."""
    cissp_ledger.write("ledger/README.md", "# My ledger\n")
    cissp_ledger.write("ledger/notes.txt", "to do\n")
    result = cli("check", "--strict", cissp_ledger.root, "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output


def test_a_ledger_folder_holding_none_of_the_folders_read_there_is_an_error(cissp_ledger, cli, tmp_path):
    """`ledger: ledger/certifications` would read nothing: an empty site
    and a clean check, with every record lost."""
    cissp_ledger.write("recertgen.yaml", "ledger: ledger/certifications\n")
    check = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert check.exit_code == 1
    assert ("ledger/certifications:1:1: error: nothing here is read: the ledger folder holds none of the folders recertgen reads "
            "(certifications/, credits/, opportunities/, programs/ and proof/); is 'ledger' in recertgen.yaml the folder that holds them?"
            ) in check.output
    assert "1 error, 0 warnings" in check.output  # not one more warning per file in it
    build = cli("build", cissp_ledger.root, "--as-of", "2026-11-15", "--out", tmp_path / "site")
    assert build.exit_code == 1 and not (tmp_path / "site").exists()
    cissp_ledger.write("recertgen.yaml", "title: T\n")  # the default ledger folder, with mistyped folders only
    for name in ("certifications", "credits", "opportunities", "programs", "proof"):
        if (cissp_ledger.root / "ledger" / name).exists():
            (cissp_ledger.root / "ledger" / name).rename(cissp_ledger.root / "ledger" / name[:-1])
    check = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert "ledger:1:1: error: nothing here is read" in check.output and "recertgen.yaml" not in check.output
    assert "ledger/certification:1:1: warning: not read" in check.output and "did you mean 'certifications/'" in check.output
    (cissp_ledger.root / "ledger/empty").mkdir()
    cissp_ledger.write("recertgen.yaml", "ledger: ledger/empty\n")  # an empty ledger: nothing lost
    assert cli("check", cissp_ledger.root, "--as-of", "2026-11-15").exit_code == 0


def test_a_linked_folder_is_not_followed_but_warned_about(cissp_ledger, cli, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "one.yaml").write_text(CREDIT)
    os.symlink(tmp_path / "elsewhere", cissp_ledger.root / "ledger/credits/2025")
    os.symlink(cissp_ledger.root / "ledger/credits", cissp_ledger.root / "ledger/credits/loop.yaml")
    result = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output
    for name in ("2025", "loop.yaml"):
        assert f"ledger/credits/{name}:1:1: warning: a link to a folder, which is not followed: nothing in it is read" in result.output
    assert "0 errors, 2 warnings in 1 file" in result.output


@pytest.mark.parametrize("rel,shown", [
    (os.fsdecode(b"ledger/credits/2026/bad\xff.yaml"), "ledger/credits/2026/bad\\xff.yaml"),
    (os.fsdecode(b"ledger/credits/caf\xe9/one.yaml"), "ledger/credits/caf\\xe9"),
])
def test_a_name_that_is_not_utf8_is_an_error_shown_escaped(cissp_ledger, cli, tmp_path, rel, shown):
    """Such a name would reach the site and the CSV, which cannot encode it:
    check says so, and build stops before rendering anything."""
    cissp_ledger.write(rel, CREDIT)
    check = cli("check", cissp_ledger.root, "--as-of", "2026-11-15")
    assert check.exit_code == 1
    assert f"{shown}:1:1: error: the name is not valid UTF-8, so nothing here is read: rename it" in check.output
    as_json = cli("check", cissp_ledger.root, "--as-of", "2026-11-15", "--format", "json")
    assert [p["path"] for p in json.loads(as_json.output)] == [shown]
    build = cli("build", cissp_ledger.root, "--as-of", "2026-11-15", "--out", tmp_path / "site")
    assert build.exit_code == 1 and "templates" not in build.output and not (tmp_path / "site").exists()
    bad = [ref for ref in loader.scan(cissp_ledger.root, "ledger") if ref.size == loader.BAD_NAME]
    assert [ref.rel for ref in bad] == [rel.removesuffix("/one.yaml")]
    assert loader.rescan(cissp_ledger.root, "ledger", bad, {rel}) == bad  # serve's look after a save finds the same
