"""`recertgen init DIR`: a new ledger repository with one example of each
file, editor schemas, a pre-commit hook and a CI workflow that publishes
the site. It never overwrites a file: existing ones are kept and listed."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .install_source import InstallSource, install_source
from .schema import KINDS, schema_json

SCHEMA_DIR = ".recertgen/schemas"


@dataclass(frozen=True)
class InitResult:
    created: tuple[str, ...]
    kept: tuple[str, ...]
    skipped: tuple[str, ...] = ()  # example data left out of a repository that already holds a ledger


EXAMPLE_DATA = ("recertgen.yaml", "ledger/")  # the settings and the records, as opposed to the tooling around them


def is_repository(target: Path) -> bool:
    """Whether `target` already is a ledger repository (SPEC §1): it has
    settings or a ledger folder."""
    return (target / "recertgen.yaml").exists() or (target / "ledger").exists()


def modeline(kind: str, depth: int) -> str:
    """Tells editors' YAML support (yaml-language-server) which schema applies."""
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{kind}.schema.json\n"


def files(today: dt.date, install: InstallSource | None = None) -> dict[str, str]:
    install = install if install is not None else install_source()
    certified = today.replace(day=1) - dt.timedelta(days=400)
    done = today - dt.timedelta(days=20)
    year = done.year
    upcoming = today + dt.timedelta(days=45)
    return {
        "recertgen.yaml": modeline("settings", 0) + """\
title: My continuing education
holder: Your Name
timezone: UTC          # an IANA name: it decides what "today" is
pace:
  tolerance_days: 14   # days ahead or behind that still count as on track
sources:               # learning platforms you use (the site's source pills)
  isc2-learn: ISC2 Learn
  linkedin-learning: LinkedIn Learning
# repository_url: https://github.com/you/your-ledger   # enables "create on GitHub" links
""",
        "ledger/certifications/cissp.yaml": modeline("certification", 2) + f"""\
# One certification per file. `program` brings the issuer's rules
# (`recertgen programs` lists them); cycles are derived from `certified`.
name: CISSP
program: isc2-cissp
credential_id: "000000"
certified: {certified.isoformat()}
""",
        f"ledger/credits/{year}/{done.isoformat()}-example-webinar.yaml": modeline("credit", 3) + f"""\
# One entry per file (or a list). `counts_toward` as a list estimates the
# credits from the duration by each program's rule; a map gives them.
title: "Threat modelling in practice"
provider: OWASP
date: {done.isoformat()}
hours: 1.5
delivery: webinar
counts_toward: [cissp]
description: |
  What was covered, in **Markdown**. Put the certificate under
  `ledger/proof/` and name it with `proof:`.
""",
        "ledger/opportunities/example.yaml": modeline("opportunity", 2) + f"""\
# CE you could earn. Once done: recertgen log example-webinar
- id: example-webinar
  title: "Zero trust architecture, explained"
  provider: ISC2
  url: https://www.isc2.org/
  format: webinar
  delivery: webinar
  starts: {upcoming.isoformat()}
  hours: 1
  cost: free
  topics: [zero trust, architecture]
  counts_toward: [isc2-cissp]
""",
        "ledger/proof/README.md": "Proof files (certificates of completion) go here; credits point to them with `proof:`.\n",
        ".gitignore": "site/\n.site.building-*/\n.site.old-*/\n.venv/\n__pycache__/\n",
        "README.md": """\
# My continuing-education ledger

Credits, certifications and CE opportunities as YAML, checked and turned
into a report site by recertgen.

- `recertgen check` validates every file (also run by the pre-commit hook).
- `recertgen status` shows where each certification stands.
- `recertgen serve` shows the site and rebuilds it as you save.
- `recertgen add` and `recertgen log ID` write new credit entries.
- CI (`.github/workflows/recertgen.yml`) checks, builds and publishes `site/`
  to GitHub Pages on every push to main. The site holds your proof files and
  credential ids, and a Pages site is public unless your plan makes it
  private: remove the deploy job if it must not be.

Editors with YAML support (VS Code with the YAML extension, or any
yaml-language-server client) autocomplete keys from `.recertgen/schemas/`.
""",
        ".github/workflows/recertgen.yml": """\
name: recertgen
on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages-${{ github.ref }}
  cancel-in-progress: false   # a deploy half done is never cut short
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # the whole history: record dates of every entry
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install INSTALL
      - run: recertgen check --format github
      - run: recertgen build
      - uses: actions/upload-pages-artifact@v3   # the site, proofs included: see the README before publishing
        with:
          path: site
  deploy:
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
""".replace("INSTALL", _install_line(install)),
        ".pre-commit-config.yaml": """\
# `pre-commit install` once; then every commit runs `recertgen check`.
repos:
  - repo: local
    hooks:
      - id: recertgen-check
        name: recertgen check
        entry: recertgen check
        language: system
        pass_filenames: false
        files: ^(ledger/|templates/|recertgen\\.yaml$)
""",
        ".vscode/settings.json": json.dumps({
            "yaml.schemas": {
                f"./{SCHEMA_DIR}/settings.schema.json": "recertgen.yaml",
                f"./{SCHEMA_DIR}/certification.schema.json": "ledger/certifications/*.yaml",
                f"./{SCHEMA_DIR}/credit.schema.json": "ledger/credits/**/*.yaml",
                f"./{SCHEMA_DIR}/opportunity.schema.json": "ledger/opportunities/**/*.yaml",
                f"./{SCHEMA_DIR}/program.schema.json": "ledger/programs/*.yaml",
            }
        }, indent=2) + "\n",
        **{f"{SCHEMA_DIR}/{kind}.schema.json": schema_json(kind) for kind in KINDS},
    }


def _install_line(install: InstallSource) -> str:
    """The workflow's `pip install` argument: the recertgen that made the
    repository, with a comment saying what to change when CI cannot fetch it."""
    if install.reachable:
        return f"{install.requirement}   # the recertgen that made this repository: change it to upgrade"
    return (f"{install.requirement}   # recertgen was installed from a local folder when this was written: "
            "put a git URL or a wheel CI can fetch here")


def init(target: Path, today: dt.date) -> InitResult:
    """A new repository gets one example of each file. A repository that
    already is one gets only the missing tooling (schemas, CI workflow,
    hooks, .gitignore, README): an example credit or certification there
    would be invented data in somebody's audit record."""
    existing = is_repository(target)
    created, kept, skipped = [], [], []
    for rel, text in files(today).items():
        path = target / rel
        if existing and rel.startswith(EXAMPLE_DATA) and not path.exists():
            skipped.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            kept.append(rel)
            continue
        created.append(rel)
    return InitResult(tuple(created), tuple(kept), tuple(skipped))
