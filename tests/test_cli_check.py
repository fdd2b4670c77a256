"""`recertgen check` and friends through Click's runner: every exit code
and every output format of SPEC §4."""

from __future__ import annotations

import json
import re

import pytest

from recertgen import __version__
from recertgen.cli import main

CLEAN = "title: Webinar\nprovider: OWASP\ndate: 2025-03-14\nhours: 1\ncounts_toward: [cissp]\n"


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"recertgen {__version__}"


def test_clean_ledger_exits_0_with_a_summary(cissp_ledger, cli):
    cissp_ledger.credit("a", CLEAN)
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 errors, 0 warnings in 2 files"


def test_errors_exit_1_sorted_with_relative_paths(cissp_ledger, cli):
    cissp_ledger.credit("b", CLEAN.replace("2025-03-14", "2025-02-30"))
    cissp_ledger.credit("a", CLEAN.replace("hours: 1", "hours: -1"))
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("ledger/credits/a.yaml:4:8: error: 'hours' must be positive")
    assert lines[1].startswith("ledger/credits/b.yaml:3:7: error: 'date' is not a real date")
    assert lines[-1] == "2 errors, 0 warnings in 3 files"
    for line in lines[:-1]:
        assert re.match(r"^[^/][^:]*:\d+:\d+: (error|warning): .+", line)


def test_warnings_pass_unless_strict(cissp_ledger, cli):
    cissp_ledger.credit("a", CLEAN + "colour: blue\n")
    relaxed = cli("check", cissp_ledger.root)
    strict = cli("check", "--strict", cissp_ledger.root)
    assert relaxed.exit_code == 0
    assert strict.exit_code == 1
    assert "ledger/credits/a.yaml:6:1: warning: unknown key 'colour'" in strict.output


def test_json_format_is_a_list_of_problems(cissp_ledger, cli):
    cissp_ledger.credit("a", CLEAN.replace("hours: 1", "hours: lots"))
    result = cli("check", "--format", "json", cissp_ledger.root)
    assert result.exit_code == 1
    problems = json.loads(result.output)
    assert problems == [
        {"path": "ledger/credits/a.yaml", "line": 4, "col": 8, "severity": "error", "message": "'hours' must be a number, found 'lots'",
         "file": "ledger/credits/a.yaml", "column": 8}
    ]


def test_json_format_clean_is_an_empty_list(cissp_ledger, cli):
    result = cli("check", "--format", "json", cissp_ledger.root)
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_github_format_annotations(cissp_ledger, cli):
    cissp_ledger.credit("a", CLEAN + "colour: blue\n")
    cissp_ledger.credit("b", CLEAN.replace("2025-03-14", "2025-02-30"))
    result = cli("check", "--format", "github", cissp_ledger.root)
    lines = result.output.splitlines()
    assert lines[0] == "::warning file=ledger/credits/a.yaml,line=6,col=1::unknown key 'colour' in a credit entry"
    assert lines[1].startswith("::error file=ledger/credits/b.yaml,line=3,col=7::'date' is not a real date")


def test_a_file_name_with_a_line_break_is_printed_escaped_on_one_line(cissp_ledger, cli):
    """In the text format; JSON and GitHub's format escape line breaks their own way."""
    cissp_ledger.credit("new\nline", CLEAN.replace("2025-03-14", "2025-02-30"))
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("ledger/credits/new\\nline.yaml:3:7: error: 'date' is not a real date")


def test_missing_root_exits_2(tmp_path, cli):
    result = cli("check", tmp_path / "nowhere")
    assert result.exit_code == 2


def test_folder_without_ledger_exits_2(tmp_path, cli):
    result = cli("check", tmp_path)
    assert result.exit_code == 2
    assert "no ledger folder" in result.output


def test_broken_settings_exit_2_with_the_line(cissp_ledger, cli):
    cissp_ledger.write("recertgen.yaml", "title: Mine\ntimezone: Mars/Olympus\n")
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 2
    assert "recertgen.yaml:2:11: error: unknown timezone 'Mars/Olympus'" in result.output



@pytest.mark.parametrize("value", ["9" * 5000, "3651", "-1"])
def test_a_tolerance_out_of_range_is_a_settings_error_at_its_value(cissp_ledger, cli, value):
    """Even thousands of digits (which int() refuses) are an error at the key, not a traceback."""
    cissp_ledger.write("recertgen.yaml", f"pace:\n  tolerance_days: {value}\n")
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 2
    assert "recertgen.yaml:2:19: error: 'tolerance_days' must be a whole number from 0 to 3650" in result.output


def test_broken_settings_in_json_are_json_on_standard_output(cissp_ledger, cli):
    """A program reading `check --format json` finds the problem where it looks."""
    cissp_ledger.write("recertgen.yaml", "title: Mine\ntimezone: Mars/Olympus\n")
    result = cli("check", cissp_ledger.root, "--format", "json")
    assert result.exit_code == 2
    problems = json.loads(result.stdout)
    assert [(p["path"], p["line"], p["severity"]) for p in problems] == [("recertgen.yaml", 2, "error")]
    assert "unknown timezone" in problems[0]["message"]


@pytest.mark.parametrize("setting", ["cache: ledger/.cache", "output: ledger/site", "output: ledger", "ledger: data\noutput: data/out"])
def test_settings_may_not_point_output_or_cache_into_the_ledger(cissp_ledger, cli, setting):
    """Only add, log and init write into the ledger (SPEC §4)."""
    if setting.startswith("ledger: data"):
        (cissp_ledger.root / "ledger").rename(cissp_ledger.root / "data")
    cissp_ledger.write("recertgen.yaml", setting + "\n")
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 2 and "must not be inside the ledger folder" in result.output

@pytest.mark.parametrize("setting", ["output: .", "output: ./", "ledger: data/ledger\noutput: data"])
def test_settings_may_not_build_over_the_ledger(cissp_ledger, cli, setting):
    """`check` says what `build` would refuse: an output folder holding the ledger."""
    if setting.startswith("ledger: data"):
        (cissp_ledger.root / "data").mkdir()
        (cissp_ledger.root / "ledger").rename(cissp_ledger.root / "data" / "ledger")
    cissp_ledger.write("recertgen.yaml", setting + "\n")
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 2 and "recertgen.yaml:" in result.output and "not one holding the ledger" in result.output


@pytest.mark.parametrize("setting, where, reason", [
    ("output: recertgen.yaml", "recertgen.yaml:1:9", "build will not write into recertgen.yaml: it is a file, not a site folder"),
    ("output: templates/site", "recertgen.yaml:1:9", "build will not write into templates/site: it is inside the templates folder"),
    ("output: docs", "recertgen.yaml:1:9", "build will not write into docs: it exists and was not made by recertgen"),
    ("title: Mine", "site:1:1", "build will not write into site: it exists and was not made by recertgen"),
])
def test_check_says_what_build_would_refuse_about_its_output(cissp_ledger, cli, setting, where, reason):
    """An output `build` refuses (exit 2) is reported by `check` too, at
    the setting (or at the folder, when the default is in the way)."""
    cissp_ledger.write("recertgen.yaml", setting + "\n")
    cissp_ledger.write("docs/index.md", "somebody's own docs")
    cissp_ledger.write("site/notes.txt", "not a recertgen site")
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 2
    assert f"{where}: error: {reason}" in result.stdout
    assert cli("build", cissp_ledger.root).exit_code == 2


@pytest.mark.parametrize("setting", ["ledger: .", "ledger: ./", "title: Mine\nledger: ./."])
def test_the_ledger_folder_cannot_be_the_repository_itself(cissp_ledger, cli, setting):
    """The site and the templates live beside the ledger, which only add,
    log and init write into: the mistake is said at `ledger`, not at an
    `output` the user never wrote."""
    cissp_ledger.write("recertgen.yaml", setting + "\n")
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 2
    line = setting.count("\n") + 1
    assert f"recertgen.yaml:{line}:9: error: 'ledger' must be a folder of its own inside the repository" in result.output
    assert "'output'" not in result.output


@pytest.mark.parametrize("setting, reason", [
    ("ledger: site", "'ledger' and the build output cannot be the same folder (site, the default 'output')"),
    ("ledger: site/records", "'ledger' cannot be inside the build output folder (site, the default 'output')"),
])
def test_a_ledger_where_the_site_is_built_by_default_is_said_at_ledger(cissp_ledger, cli, setting, reason):
    """The default `output` is site: the mistake is the `ledger` the user
    wrote, not an `output` they never did."""
    (cissp_ledger.root / setting.split(": ")[1]).parent.mkdir(parents=True, exist_ok=True)
    (cissp_ledger.root / "ledger").rename(cissp_ledger.root / setting.split(": ")[1])
    cissp_ledger.write("recertgen.yaml", "title: Mine\n" + setting + "\n")
    result = cli("check", cissp_ledger.root)
    assert result.exit_code == 2
    assert f"recertgen.yaml:2:9: error: {reason}: name another ledger folder, or set 'output'" in result.output
    assert "'output' must" not in result.output


def test_folder_settings_are_normalised(cissp_ledger):
    """`./ledger` is `ledger`: problems, the scan and serve's watcher all
    name files the same way."""
    cissp_ledger.write("recertgen.yaml", "ledger: ./ledger/\noutput: ./out//site\n")
    cissp_ledger.credit("bad", "title: x\n")
    loaded = cissp_ledger.load()
    assert (loaded.ledger.settings.ledger, loaded.ledger.settings.output) == ("ledger", "out/site")
    assert all(p.source.path.startswith("ledger/credits/") for p in loaded.problems if "bad.yaml" in p.source.path)


def test_settings_may_move_the_ledger_folder(tmp_path, cli):
    root = tmp_path / "repo"
    (root / "records" / "certifications").mkdir(parents=True)
    (root / "recertgen.yaml").write_text("ledger: records\n")
    (root / "records" / "certifications" / "cissp.yaml").write_text("name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    result = cli("check", root)
    assert result.exit_code == 0, result.output


def test_check_defaults_to_the_current_directory(cissp_ledger, cli, monkeypatch):
    monkeypatch.chdir(cissp_ledger.root)
    assert cli("check").exit_code == 0


@pytest.mark.parametrize("day", ["2026-02-30", "20260203", "2026-W05-2", "2026-2-3"])
def test_status_bad_as_of_exits_2(cissp_ledger, cli, day):
    """Dates are YYYY-MM-DD (SPEC §2), not every form ISO 8601 allows."""
    result = cli("status", cissp_ledger.root, "--as-of", day)
    assert result.exit_code == 2
    assert "not a date" in result.output


def test_status_with_errors_exits_1(cissp_ledger, cli):
    cissp_ledger.credit("a", CLEAN.replace("hours: 1", "hours: x"))
    assert cli("status", cissp_ledger.root, "--as-of", "2026-01-01").exit_code == 1


def test_status_json_is_clean_json(cissp_ledger, cli):
    cissp_ledger.credit("a", CLEAN)
    result = cli("status", cissp_ledger.root, "--as-of", "2026-01-01", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["as_of"] == "2026-01-01"
    assert data["certifications"][0]["earned"] == 1


def test_programs_lists_and_shows(cli):
    listing = cli("programs")
    assert listing.exit_code == 0
    assert "isc2-cissp" in listing.output
    one = cli("programs", "isc2-cissp")
    assert one.exit_code == 0
    assert "reviewed" in one.output and "https://" in one.output
    assert cli("programs", "isc2-cisp").exit_code == 2


def test_every_command_has_help(cli):
    for name in main.commands:
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage:" in result.output
        assert main.commands[name].help, f"{name} has no help text"
