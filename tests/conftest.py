"""Fixtures that build on each other: a ledger folder, files written into
it as inline YAML, the front door, and the CLI through Click's runner."""

from __future__ import annotations

import datetime as dt
import gc
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from recertgen.api import load
from recertgen.cli import main

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 15)


class LedgerDir:
    """A ledger repository in a temporary folder, written file by file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "ledger" / "certifications").mkdir(parents=True)
        (root / "ledger" / "credits").mkdir()
        (root / "ledger" / "opportunities").mkdir()
        (root / "ledger" / "proof").mkdir()

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def cert(self, cert_id: str, text: str) -> Path:
        return self.write(f"ledger/certifications/{cert_id}.yaml", text)

    def credit(self, name: str, text: str) -> Path:
        return self.write(f"ledger/credits/{name}.yaml", text)

    def load(self, as_of: dt.date = AS_OF):
        return load(self.root, as_of)

    def problems(self, as_of: dt.date = AS_OF) -> list[str]:
        return [p.as_text() for p in self.load(as_of).problems]


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """Tests never touch the user's parse cache (subprocesses inherit this)."""
    import os

    os.environ["RECERTGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))


@pytest.fixture
def ledger(tmp_path: Path) -> LedgerDir:
    return LedgerDir(tmp_path / "repo")


@pytest.fixture
def cissp_ledger(ledger: LedgerDir) -> LedgerDir:
    """A ledger holding one CISSP derived from its certification date."""
    ledger.cert("cissp", """
        name: CISSP
        program: isc2-cissp
        certified: 2024-03-15
    """)
    return ledger


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        collecting = gc.isenabled()
        try:
            return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
        finally:  # the command line turns the cyclic collector off for its run; the test process keeps it
            if collecting:
                gc.enable()

    return run



@pytest.fixture
def lay_out_as_firm(monkeypatch):
    """Lowers the site's size thresholds so a small ledger is laid out as a
    firm-scale one: grouped entry pages, a split audit report, credits data
    files (each test picks values that make its ledger cross them)."""
    from recertgen.site import addresses, pages

    def lower(group_above, per_page, in_page, listed, per_data_file, audit_in_one_page, audit_rows, on_cert_page):
        for module, name, value in ((addresses, "GROUP_ABOVE", group_above), (addresses, "PER_PAGE", per_page),
                                    (pages, "IN_PAGE_CREDITS", in_page), (pages, "LISTED_CREDITS", listed),
                                    (pages, "CREDITS_PER_DATA_FILE", per_data_file), (pages, "AUDIT_IN_ONE_PAGE", audit_in_one_page),
                                    (pages, "AUDIT_ROWS_PER_PAGE", audit_rows), (pages, "ENTRIES_ON_CERT_PAGE", on_cert_page)):
            monkeypatch.setattr(module, name, value)

    return lower
