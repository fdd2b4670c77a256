"""The demo site built at a fixed as-of date equals the committed expected
files, byte for byte (proof copies aside: they are the ledger's own files).

Regenerate after an intended change with:

    RECERTGEN_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from recertgen.api import load
from recertgen.site.build import build_site

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "demo-site"
AS_OF = dt.date(2026, 11, 15)
SKIP = ("proof/", ".recertgen-site")


def site_files(folder: Path) -> dict[str, bytes]:
    return {
        rel: path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not (rel := path.relative_to(folder).as_posix()).startswith(SKIP)
    }


def test_demo_site_matches_the_golden_files(tmp_path):
    root = tmp_path / "demo"  # a copy outside git: no commit hash or record dates in the output
    shutil.copytree(REPO / "ledger", root / "ledger")
    shutil.copy(REPO / "recertgen.yaml", root / "recertgen.yaml")
    loaded = load(root, AS_OF)
    assert loaded.problems == ()
    assert build_site(loaded, root / "site").ok
    built = site_files(root / "site")
    if os.environ.get("RECERTGEN_REGEN_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in built.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = site_files(GOLDEN)
    assert sorted(built) == sorted(expected), "files added or missing; regenerate if intended"
    changed = [rel for rel in built if built[rel] != expected[rel]]
    assert changed == [], f"{len(changed)} files differ from tests/golden (first: {changed[:5]})"
