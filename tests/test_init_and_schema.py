"""`recertgen init` makes a repository that checks and builds clean;
`recertgen schema` agrees with `recertgen check` on good and bad files."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from recertgen.schema import KINDS, schema

REPO = Path(__file__).resolve().parent.parent


def test_init_then_check_and_build_are_clean(tmp_path, cli):
    target = tmp_path / "my-ledger"
    result = cli("init", target)
    assert result.exit_code == 0, result.output
    for rel in ("recertgen.yaml", ".gitignore", "README.md", ".github/workflows/recertgen.yml", ".pre-commit-config.yaml",
                "ledger/certifications/cissp.yaml", "ledger/opportunities/example.yaml", ".vscode/settings.json",
                ".recertgen/schemas/credit.schema.json"):
        assert (target / rel).is_file(), rel
    assert len(list((target / "ledger/credits").rglob("*.yaml"))) == 1
    assert "site/" in (target / ".gitignore").read_text().splitlines()
    check = cli("check", "--strict", target)
    assert check.exit_code == 0, check.output
    assert check.output.strip() == "0 errors, 0 warnings in 4 files"
    build = cli("build", target)
    assert build.exit_code == 0, build.output
    assert (target / "site/index.html").is_file() and (target / "site/opportunities/example-webinar/index.html").is_file()


def test_init_never_overwrites(tmp_path, cli):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "README.md").write_text("my own readme")
    (target / "recertgen.yaml").write_text("title: Mine\n")
    result = cli("init", target)
    assert result.exit_code == 0
    assert (target / "README.md").read_text() == "my own readme"
    assert (target / "recertgen.yaml").read_text() == "title: Mine\n"
    assert "kept" in result.output and "README.md (already there)" in result.output
    again = cli("init", target)
    assert "created" not in again.output


@pytest.mark.parametrize("marker", ["recertgen.yaml", "ledger"])
def test_init_in_an_existing_ledger_adds_tooling_but_never_example_data(ledger, cli, marker):
    """An example credit counting toward the user's real CISSP would be an
    invented entry in an audit record: an existing repository (settings or
    a ledger folder) gets only the missing tooling."""
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    if marker == "recertgen.yaml":
        ledger.write("recertgen.yaml", "title: Mine\n")
    ledger_files = sorted(p.relative_to(ledger.root) for p in ledger.root.rglob("*"))
    result = cli("init", ledger.root)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(ledger.root) for p in ledger.root.rglob("*") if not p.is_relative_to(ledger.root / ".recertgen")
                  and p.relative_to(ledger.root).parts[0] not in (".github", ".vscode")) == sorted(
        [*ledger_files, Path(".gitignore"), Path("README.md"), Path(".pre-commit-config.yaml")])
    assert (ledger.root / ".github/workflows/recertgen.yml").is_file() and (ledger.root / ".recertgen/schemas/credit.schema.json").is_file()
    assert "is already a recertgen repository: no example settings, certification, credit or opportunity were added" in result.output
    assert cli("check", ledger.root, "--as-of", "2026-11-15").output.strip().startswith("0 errors, 0 warnings in ")


def test_init_where_no_folder_can_be_made_is_an_unusable_call(tmp_path, cli):
    (tmp_path / "afile").write_text("not a folder")
    result = cli("init", tmp_path / "afile" / "x")
    assert result.exit_code == 2
    assert result.output == f"recertgen: cannot create {tmp_path / 'afile' / 'x'}: Not a directory\n"


def test_ci_workflow_and_pre_commit_config_are_valid_yaml(tmp_path, cli):
    cli("init", tmp_path / "x")
    workflow = yaml.safe_load((tmp_path / "x/.github/workflows/recertgen.yml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["build"]["steps"]]
    assert "recertgen check --format github" in steps and "recertgen build" in steps
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in workflow["jobs"]["deploy"]["steps"])
    hooks = yaml.safe_load((tmp_path / "x/.pre-commit-config.yaml").read_text())
    assert hooks["repos"][0]["hooks"][0]["entry"] == "recertgen check"


def _git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def _clone_with_commit(folder: Path, origin: str | None, pushed: bool) -> str:
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / "f").write_text("x")
    _git(folder, "add", "f")
    _git(folder, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    if origin:
        _git(folder, "remote", "add", "origin", origin)
    if pushed:  # as a fetch or push leaves it, without the network
        _git(folder, "update-ref", "refs/remotes/origin/main", "HEAD")
    return subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


def test_the_ci_workflow_installs_the_recertgen_that_made_the_repository(tmp_path):
    """recertgen is not on PyPI: `pip install recertgen` would fail on the
    first push. The workflow names where this recertgen came from (pip's
    PEP 610 record), pinned; what CI cannot fetch is said in a comment."""
    from recertgen.install_source import install_source

    commit = "0123456789abcdef0123456789abcdef01234567"
    from_git = install_source({"url": "https://github.com/example/recertgen.git", "vcs_info": {"vcs": "git", "commit_id": commit}})
    assert from_git.reachable and from_git.requirement == f'"recertgen @ git+https://github.com/example/recertgen.git@{commit}"'
    wheel = "https://example.org/dist/recertgen-0.1.0-py3-none-any.whl"
    assert install_source({"url": wheel, "archive_info": {}}).requirement == f'"recertgen @ {wheel}"'
    assert install_source(None, version="1.2.3").requirement == "recertgen==1.2.3"  # from an index
    local = install_source({"url": f"file://{tmp_path}", "dir_info": {"editable": True}}, version="1.2.3")
    assert not local.reachable and local.requirement == "recertgen==1.2.3"

    pushed_commit = _clone_with_commit(tmp_path / "pushed", "git@github.com:example/recertgen.git", pushed=True)
    pushed = install_source({"url": f"file://{tmp_path / 'pushed'}", "dir_info": {"editable": True}})
    assert pushed.reachable and pushed.requirement == f'"recertgen @ git+ssh://git@github.com/example/recertgen.git@{pushed_commit}"'
    _clone_with_commit(tmp_path / "unpushed", "https://github.com/example/recertgen.git", pushed=False)
    assert not install_source({"url": f"file://{tmp_path / 'unpushed'}", "dir_info": {}}).reachable

    from recertgen.init import files

    for source in (from_git, local):
        workflow_text = files(dt.date(2026, 11, 15), source)[".github/workflows/recertgen.yml"]
        steps = [step.get("run", "") for step in yaml.safe_load(workflow_text)["jobs"]["build"]["steps"]]
        assert f"pip install {source.requirement}" in steps
        line = next(line for line in workflow_text.splitlines() if "pip install" in line)
        assert ("git URL or a wheel" in line) == (not source.reachable)


def test_this_repository_offers_a_pre_commit_hook():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "recertgen-check" and hooks[0]["entry"] == "recertgen check"
    assert hooks[0]["pass_filenames"] is False


@pytest.mark.parametrize("kind", [None, *KINDS])
def test_schemas_are_valid_draft_2020_12_and_self_contained(kind, cli):
    result = cli("schema", *([kind] if kind else []))
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    refs = re.findall(r'"\$ref": "([^"]+)"', result.output)
    assert all(ref.startswith("#/") for ref in refs)


class Yaml12Loader(yaml.SafeLoader):
    """How editors read YAML (1.2 core): dates and yes/no stay strings."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
yaml.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"), Loader=Yaml12Loader)


def schema_ok(kind: str, text: str) -> bool:
    validator = jsonschema.Draft202012Validator(schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return not list(validator.iter_errors(yaml.load(text, Loader=Yaml12Loader)))


BASE = "title: Webinar\nprovider: OWASP\ndate: 2025-03-14\nhours: 1.5\ncounts_toward: [cissp]\n"
CREDIT_CORPUS = {
    "valid": (BASE, True),
    "valid list": ("- " + BASE.replace("\n", "\n  ").rstrip() + "\n", True),
    "valid map with category": (BASE.replace("[cissp]", "{cissp: {credits: 1.5, category: group-a}}"), True),
    "estimate with a category": (BASE.replace("[cissp]", "{cissp: {category: group-a}}"), True),
    "estimate in the map form": (BASE.replace("[cissp]", "{cissp: null}"), True),
    "explicit credits without duration": (BASE.replace("hours: 1.5\n", "").replace("[cissp]", "{cissp: 1}"), True),
    "a list of explicit credits without duration": (BASE.replace("hours: 1.5\n", "").replace("[cissp]", "[{cissp: {credits: 1, category: group-a}}]"), True),
    "a list item of two certifications": (BASE.replace("[cissp]", "[{cissp: 1, cisa: 1}]"), False),
    "title yes stays text": (BASE.replace("Webinar", "yes"), True),
    "full entry": (BASE + "delivery: webinar\nstate: CA\nfield_of_study: IT\nsource: external\ndescription: x\nsubmitted: {cissp: 2025-03-20}\n", True),
    "missing title": (BASE.replace("title: Webinar\n", ""), False),
    "missing date": (BASE.replace("date: 2025-03-14\n", ""), False),
    "unknown key": (BASE + "colour: blue\n", False),
    "bad delivery": (BASE + "delivery: telepathy\n", False),
    "bad date format": (BASE.replace("2025-03-14", "14/03/2025"), False),
    "negative hours": (BASE.replace("1.5", "-1"), False),
    "hours as text": (BASE.replace("1.5", "lots"), False),
    "hours and minutes": (BASE + "minutes: 90\n", False),
    "bad state": (BASE + "state: California\n", False),
    "bad certification id": (BASE.replace("[cissp]", "[CISSP!]"), False),
    "bad digest": (BASE + "proof: x.pdf\nproof_sha256: abc\n", False),
    "title a list": (BASE.replace("title: Webinar", "title: [a, b]"), False),
    "estimate without a duration": (BASE.replace("hours: 1.5\n", ""), False),
    "semester hours instead": (BASE.replace("hours: 1.5\n", "semester_hours: 1\n"), True),
    "digest without a proof": (BASE + "proof_sha256: " + "a" * 64 + "\n", False),
    "proof over plain http": (BASE + "proof: http://example.org/c.pdf\n", False),
    "proof over https": (BASE + "proof: https://example.org/c.pdf\n", True),
}


@pytest.mark.parametrize("name", sorted(CREDIT_CORPUS))
def test_schema_and_check_agree_on_credit_files(name, cissp_ledger, cli):
    text, good = CREDIT_CORPUS[name]
    if "proof: x.pdf" in text:
        cissp_ledger.write("ledger/proof/x.pdf", "x")
    cissp_ledger.credit("c", text)
    checked = cli("check", "--strict", "--as-of", "2026-11-15", cissp_ledger.root).exit_code == 0
    assert schema_ok("credit", text) is good
    assert checked is good, cli("check", "--strict", cissp_ledger.root).output


CERT_CORPUS = {
    "program and date": ("name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n", True),
    "own cycles": ("name: X\nbody: Acme\ncycles:\n  - {start: 2025-01-01, end: 2025-12-31, required: 10, categories: {ethics: {min: 2}}}\n", True),
    "unknown key": ("name: X\nprogram: isc2-cissp\ncertified: 2024-03-15\nrenews: yearly\n", False),
    "bad unit": ("name: X\nprogram: isc2-cissp\ncertified: 2024-03-15\nunit: points\n", False),
    "missing name": ("program: isc2-cissp\ncertified: 2024-03-15\n", False),
    "bad basis": ("name: X\nprogram: isc2-cissp\ncertified: 2024-03-15\nannual_basis: fiscal\n", False),
    "cycle without start": ("name: X\nbody: A\ncycles:\n  - {end: 2025-12-31, required: 10}\n", False),
    "only a name": ("name: X\n", False),
    "cycles but no body": ("name: X\ncycles:\n  - {start: 2025-01-01, end: 2025-12-31, required: 10}\n", False),
    "program without certified or cycles": ("name: X\nprogram: isc2-cissp\n", False),
    "program and own cycles": ("name: X\nprogram: isc2-cissp\ncycles:\n  - {start: 2025-01-01}\n", True),
}


@pytest.mark.parametrize("name", sorted(CERT_CORPUS))
def test_schema_and_check_agree_on_certification_files(name, ledger, cli):
    text, good = CERT_CORPUS[name]
    ledger.cert("x", text)
    checked = cli("check", "--strict", "--as-of", "2026-11-15", ledger.root).exit_code == 0
    assert schema_ok("certification", text) is good
    assert checked is good


def test_schema_accepts_the_demo_ledger_and_the_built_in_programs():
    kinds = {"certifications": "certification", "credits": "credit", "opportunities": "opportunity"}
    for folder, kind in kinds.items():
        for path in (REPO / "ledger" / folder).rglob("*.yaml"):
            assert schema_ok(kind, path.read_text()), path
    assert schema_ok("settings", (REPO / "recertgen.yaml").read_text())
    for path in (REPO / "recertgen" / "programs").glob("[a-z]*.yaml"):
        assert schema_ok("program", path.read_text()), path


def test_schema_out_writes_files_but_never_into_a_ledger(tmp_path, cli, monkeypatch):
    """Only add, log and init write into the ledger (SPEC §4), whatever
    its folder is called."""
    repo = tmp_path / "repo"
    assert cli("init", repo).exit_code == 0
    (repo / "ledger").rename(repo / "records")
    (repo / "recertgen.yaml").write_text("ledger: records\n")
    monkeypatch.chdir(repo)
    for inside in ("records/schemas", "records"):
        result = cli("schema", "--out", inside)
        assert result.exit_code == 2 and "refusing to write schemas" in result.output
    assert not (repo / "records" / "schemas").exists()
    assert not list((repo / "records").glob("*.schema.json"))
    assert cli("schema", "credit", "--out", "editor-schemas").exit_code == 0
    assert json.loads((repo / "editor-schemas" / "credit.schema.json").read_text())["$schema"].endswith("2020-12/schema")
