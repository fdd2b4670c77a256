"""`loader.rescan`: the scan after saves, looking only at the files saved,
must be exactly what a whole scan finds, order included."""

from __future__ import annotations

import os
import random

import pytest

from recertgen import loader

CREDIT = "title: T{n}\nprovider: P\ndate: 2025-01-01\nhours: 1\ncounts_toward: [x]\n"
NAMES = ["a.yaml", "b.yml", "a", "a.yaml.bak", ".hidden.yaml", "z.yaml", "2025", "2025-01.yaml", "m.YAML"]


def _random_rel(rng: random.Random) -> str:
    # "credit", "Credits" and "" (right in the ledger folder): strays, listed to be warned about
    kind = rng.choice(["credits", "credits", "credits", "certifications", "opportunities", "programs", "credit", "Credits", ""])
    depth = rng.choice([0, 1, 1, 2])
    parts = [rng.choice(["2025", "a", ".git", "2024"]) for _ in range(depth)]
    return "/".join(["ledger", *([kind] if kind else []), *parts, rng.choice(NAMES)])


def _blocked(root, rel: str) -> bool:
    """A file where a folder must go, or a folder where the file must."""
    path = root / rel
    return path.is_dir() or any(parent.is_file() or parent.is_symlink() for parent in path.parents if parent != root and root in parent.parents)


@pytest.mark.parametrize("seed", range(12))
def test_rescan_after_random_saves_equals_a_whole_scan(ledger, seed):
    rng = random.Random(seed)
    root = ledger.root
    for n in range(30):
        rel = _random_rel(rng)
        if not _blocked(root, rel):
            ledger.write(rel, CREDIT.format(n=n))
    refs = loader.scan(root, "ledger")
    for step in range(40):
        changed = set()
        for _ in range(rng.choice([1, 1, 2, 3])):
            rel = _random_rel(rng)
            path = root / rel
            action = rng.choice(["write", "write", "remove", "link", "dangle"])
            if _blocked(root, rel):
                continue
            if action == "write":
                if path.is_symlink():  # written through the link: the watcher sees its target change
                    changed.add(os.path.relpath(os.path.realpath(path), os.path.realpath(root)))
                try:
                    ledger.write(rel, CREDIT.format(n=step) * rng.choice([1, 2]))
                except OSError:  # a link in a loop of links: no editor can save there either
                    continue
            elif action == "remove" and (path.exists() or path.is_symlink()):
                path.unlink()
            elif action in ("link", "dangle") and not path.exists() and not path.is_symlink():
                path.parent.mkdir(parents=True, exist_ok=True)
                target = root / "ledger/credits" / ("a.yaml" if action == "link" else "missing.yaml")
                os.symlink(target, path)
            changed.add(rel)
        # a link shows its target's change under its own name, which no watcher reports:
        # `serve` finds those by a whole scan once idle (see test_serve)
        changed |= {os.path.relpath(p, root) for p in (root / "ledger").rglob("*") if p.is_symlink()}
        refs = loader.rescan(root, "ledger", refs, changed)
        assert refs == loader.scan(root, "ledger"), f"seed {seed}, step {step}, after {sorted(changed)}"


def test_rescan_ignores_what_the_scan_ignores_and_lists_what_it_does_not_read(ledger):
    """Files in a linked folder are not followed, the link itself is listed
    (to be warned about), and so are a file nested in certifications/ and
    a kind's folder that is a file."""
    root = ledger.root
    ledger.write("ledger/credits/real/a.yaml", CREDIT.format(n=1))
    os.symlink(root / "ledger/credits/real", root / "ledger/credits/linked")
    refs = loader.scan(root, "ledger")
    assert [(r.rel, r.size < 0) for r in refs] == [("ledger/credits/linked", True), ("ledger/credits/real/a.yaml", False)]
    changed = {"ledger/credits/linked/a.yaml", "ledger/proof/x.yaml", "recertgen.yaml", "ledger/certifications/sub/c.yaml",
               "ledger/opportunities"}
    ledger.write("ledger/certifications/sub/c.yaml", "name: C\n")
    (root / "ledger/opportunities").rmdir()
    ledger.write("ledger/opportunities", "id: x\n")
    rescanned = loader.rescan(root, "ledger", refs, changed)
    assert rescanned == loader.scan(root, "ledger")
    assert [(r.rel, r.size) for r in rescanned if r.size < 0] == [
        ("ledger/certifications/sub/c.yaml", loader.NESTED), ("ledger/credits/linked", loader.LINKED_FOLDER),
        ("ledger/opportunities", loader.NOT_A_FOLDER),
    ]


def test_rescan_lists_a_stray_folder_once_for_a_file_saved_in_it(ledger):
    """A file saved in ledger/credit/ (a new folder the scan lists, to warn
    about it) is that folder's news; a file saved right in the ledger
    folder is listed itself; gone, both are gone."""
    root = ledger.root
    refs = loader.scan(root, "ledger")
    ledger.write("ledger/credit/2025/a.yaml", CREDIT.format(n=1))
    ledger.write("ledger/stray.yaml", CREDIT.format(n=2))
    rescanned = loader.rescan(root, "ledger", refs, {"ledger/credit/2025/a.yaml", "ledger/stray.yaml"})
    assert rescanned == loader.scan(root, "ledger")
    assert [(r.rel, r.size) for r in rescanned] == [("ledger/credit", loader.STRAY), ("ledger/stray.yaml", loader.STRAY)]
    (root / "ledger/stray.yaml").unlink()
    assert loader.rescan(root, "ledger", rescanned, {"ledger/stray.yaml"}) == loader.scan(root, "ledger") == rescanned[:1]
