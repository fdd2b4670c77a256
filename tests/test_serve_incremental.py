"""`serve` rebuilds from what it kept of the previous build: whatever the
edit, the site it swaps in must be byte for byte the site a build from
scratch makes of the same files. Each edit below is one a user makes
while serving; after each, both sites are compared file by file."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import sys
from pathlib import Path

import pytest

from recertgen.api import load
from recertgen.serve import Server
from recertgen.site.build import build_site

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402

AS_OF = dt.date(2026, 11, 15)


def generated(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    generate(root, entries=160, opportunities=60, certifications=4)
    return root


@pytest.fixture
def firm(tmp_path, lay_out_as_firm):
    """A generated ledger laid out as a firm-scale one (grouped pages, split
    audit report, credits data files) by lowering the thresholds."""
    lay_out_as_firm(group_above=20, per_page=6, in_page=20, listed=8, per_data_file=40,
                    audit_in_one_page=20, audit_rows=15, on_cert_page=5)
    return generated(tmp_path)


@pytest.fixture(params=["firm layout", "small layout"])
def laid_out(request, tmp_path):
    """The same ledger laid out as a firm's, and as the small one it is (a
    page per entry, one audit page)."""
    return request.getfixturevalue("firm") if request.param == "firm layout" else generated(tmp_path)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (".recertgen-site",)}


def fresh(root: Path, folder: Path) -> dict[str, bytes]:
    loaded = load(root, AS_OF)
    assert not loaded.errors, [p.as_text() for p in loaded.errors]
    assert build_site(loaded, folder, fingerprint_inputs=False).ok
    return files_of(folder)


def credit_files(root: Path) -> list[Path]:
    return sorted((root / "ledger" / "credits").rglob("*.yaml"))


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def with_line(path: Path, prefix: str) -> str:
    return next(line for line in path.read_text().splitlines() if line.startswith(prefix))


def set_key(root: Path, number: int, key: str, value: str) -> None:
    """The `number`th credit file's `key` set to `value`."""
    path = credit_files(root)[number]
    rewrite(path, with_line(path, f"{key}:"), f"{key}: {value}")


def edit_title(root):
    rewrite(credit_files(root)[3], "title: ", "title: Edited ")


def edit_minutes(root):
    set_key(root, 10, "minutes", "777")


def move_to_another_month(root):
    set_key(root, 20, "date", "2021-03-09")


def add_entry(root):
    (root / "ledger/credits/2024/05").mkdir(parents=True, exist_ok=True)
    cert = next((root / "ledger/certifications").glob("*.yaml")).stem
    (root / "ledger/credits/2024/05/new-one.yaml").write_text(
        f"title: A new talk\nprovider: Someone\ndate: 2024-05-07\nminutes: 90\ncounts_toward: [{cert}]\n")


def delete_entry(root):
    credit_files(root)[30].unlink()


def change_allocation(root):
    certs = sorted(p.stem for p in (root / "ledger/certifications").glob("*.yaml"))
    set_key(root, 40, "counts_toward", f"[{certs[0]}, {certs[1]}]")


def change_a_proof_file(root):
    proof = sorted((root / "ledger/proof").rglob("*.txt"))[0]
    proof.write_bytes(proof.read_bytes() + b" amended")
    for path in credit_files(root):  # its digest follows, as a user would record it
        if f"/{proof.name}" in path.read_text():
            rewrite(path, with_line(path, "proof_sha256:"), "proof_sha256: " + hashlib.sha256(proof.read_bytes()).hexdigest())


def proofed(root) -> tuple[Path, Path]:
    """An entry with a proof file, and the file."""
    for path in credit_files(root):
        line = next((l for l in path.read_text().splitlines() if l.startswith("proof: ") and "://" not in l), None)
        if line:
            return path, root / "ledger/proof" / line.split(": ", 1)[1]
    raise AssertionError("no entry with a proof")


def remove_a_proof(root):
    path, proof = proofed(root)
    proof.unlink()
    path.write_text("".join(l for l in path.read_text().splitlines(keepends=True) if not l.startswith("proof")))


def gain_a_proof(root):
    path = next(p for p in credit_files(root)[60:] if "proof" not in p.read_text())
    (root / "ledger/proof/new").mkdir(parents=True, exist_ok=True)
    (root / "ledger/proof/new/cert.pdf").write_bytes(b"%PDF-1.4 new")
    path.write_text(path.read_text() + "proof: new/cert.pdf\n")


def edit_opportunity(root):
    rewrite(root / "ledger/opportunities/batch-000.yaml", "title: ", "title: Renamed ")


def rename_certification(root):
    path = sorted((root / "ledger/certifications").glob("*.yaml"))[1]
    rewrite(path, "name: ", "name: Renamed ")


def switch_program(root):
    """Every entry of the certification counts differently; no entry changed."""
    for path in sorted((root / "ledger/certifications").glob("*.yaml")):
        text = path.read_text()
        if "program: isc2-cissp" in text:
            path.write_text(text.replace("program: isc2-cissp", "program: isaca-cisa"))
            return
    raise AssertionError("no CISSP")


def retitle_site(root):
    rewrite(root / "recertgen.yaml", "title: Benchmark ledger", "title: Firm ledger")


def add_description(root):
    path = credit_files(root)[50]
    path.write_text(path.read_text() + "description: |\n  Now with *notes*.\n")


def clash_a_stem(root):
    """Another folder's file of the same name: both entries' ids become their paths."""
    source = next(p for p in credit_files(root)[17:] if "proof" not in p.read_text())
    (root / "ledger/credits/2019").mkdir(parents=True, exist_ok=True)
    text = source.read_text()
    (root / "ledger/credits/2019" / source.name).write_text(text.replace("title: ", "title: Other ", 1))


def unclash(root):
    next((root / "ledger/credits/2019").glob("*.yaml")).unlink()


def complete_a_cycle(root):
    """A large entry in the current cycle: what an opportunity adds to the pace changes."""
    cert = sorted(p.stem for p in (root / "ledger/certifications").glob("*.yaml"))[0]
    (root / "ledger/credits/2026/11").mkdir(parents=True, exist_ok=True)
    (root / "ledger/credits/2026/11/big.yaml").write_text(
        f"title: A long programme\nprovider: Someone\ndate: 2026-11-02\nminutes: 9000\ncounts_toward: [{cert}]\n")


def add_current_credit(root):
    """Some opportunities' days of pace gained change (by rounding), on every opportunity's page."""
    cert = sorted(p.stem for p in (root / "ledger/certifications").glob("*.yaml"))[0]
    (root / "ledger/credits/2026/11").mkdir(parents=True, exist_ok=True)
    (root / "ledger/credits/2026/11/small.yaml").write_text(
        f"title: A short talk\nprovider: Someone\ndate: 2026-11-03\nminutes: 50\ncounts_toward: [{cert}]\n")


def a_list_file(root):
    """One file, three entries: the entries' places in it are their ids."""
    cert = sorted(p.stem for p in (root / "ledger/certifications").glob("*.yaml"))[0]
    (root / "ledger/credits/2025").mkdir(parents=True, exist_ok=True)
    (root / "ledger/credits/2025/talks.yaml").write_text("".join(
        f"- title: Talk {n}\n  provider: Club\n  date: 2025-06-{10 + n}\n  minutes: 60\n  counts_toward: [{cert}]\n" for n in range(3)))


def edit_the_list_s_second(root):
    rewrite(root / "ledger/credits/2025/talks.yaml", "title: Talk 1", "title: Talk one")


def drop_the_list_s_first(root):
    path = root / "ledger/credits/2025/talks.yaml"
    items = path.read_text().split("- title: ")[1:]
    path.write_text("".join("- title: " + item for item in items[1:]))  # the others move up one place


def move_a_file(root):
    source = credit_files(root)[25]
    (root / "ledger/credits/moved").mkdir(parents=True, exist_ok=True)
    source.rename(root / "ledger/credits/moved" / source.name)


def add_a_certification(root):
    (root / "ledger/certifications/extra-cert.yaml").write_text("name: Extra\nprogram: isc2-cissp\ncertified: 2024-02-01\n")
    path = credit_files(root)[26]
    rewrite(path, "counts_toward: [", "counts_toward: [extra-cert, ")


def remove_the_certification(root):
    path = next(p for p in credit_files(root) if "extra-cert" in p.read_text())
    rewrite(path, "counts_toward: [extra-cert, ", "counts_toward: [")
    (root / "ledger/certifications/extra-cert.yaml").unlink()


def add_an_opportunity(root):
    (root / "ledger/opportunities/more.yaml").write_text(
        "- id: more-1\n  title: More\n  provider: P\n  starts: 2026-12-01\n  minutes: 50\n  counts_toward: [isc2-cissp]\n")


def same_minutes_written_otherwise(root):
    """Equal in value, shown as written (the entry to log it prints minutes)."""
    rewrite(root / "ledger/opportunities/more.yaml", "minutes: 50", "minutes: 50.0")


def remove_the_opportunity(root):
    (root / "ledger/opportunities/more.yaml").unlink()


def log_an_opportunity(root):
    """By hand, with words added to its title: its pages say it was logged."""
    import yaml

    opps = yaml.safe_load((root / "ledger/opportunities/batch-000.yaml").read_text())
    opp = next(o for o in opps if o.get("starts") and o["starts"] < AS_OF)
    cert = sorted(p.stem for p in (root / "ledger/certifications").glob("*.yaml"))[0]
    (root / "ledger/credits/2026/11").mkdir(parents=True, exist_ok=True)
    (root / "ledger/credits/2026/11/logged.yaml").write_text(
        f"title: {opp['title']} (recording)\nprovider: {opp['provider']}\ndate: {opp['starts']}\nminutes: 50\ncounts_toward: [{cert}]\n")


def unlog_the_opportunity(root):
    (root / "ledger/credits/2026/11/logged.yaml").unlink()


def proof_becomes_a_url(root):
    path, proof = proofed(root)
    path.write_text("".join(l for l in path.read_text().splitlines(keepends=True) if not l.startswith("proof"))
                    + "proof: https://example.org/certificate.pdf\n")


EDITS = [edit_title, a_list_file, edit_the_list_s_second, drop_the_list_s_first, move_a_file, add_a_certification,
         remove_the_certification, add_an_opportunity, same_minutes_written_otherwise, remove_the_opportunity, log_an_opportunity, unlog_the_opportunity, proof_becomes_a_url, add_current_credit, complete_a_cycle, edit_minutes, move_to_another_month, add_entry, delete_entry, change_allocation,
         change_a_proof_file, remove_a_proof, gain_a_proof, clash_a_stem, edit_title, unclash, edit_opportunity, rename_certification, switch_program, retitle_site, add_description]


@pytest.mark.parametrize("watched", [False, True], ids=["whole scans", "watcher"])
def test_every_rebuild_equals_a_fresh_build(laid_out, tmp_path, watched, monkeypatch):
    """Without a watcher each rebuild scans the ledger whole; with one, it
    looks only at the files the watcher saw saved (serve's usual way)."""
    from recertgen import serve

    rescans = []
    real_rescan = serve.rescan
    monkeypatch.setattr(serve, "rescan", lambda *args: rescans.append(1) or real_rescan(*args))
    server = Server(laid_out, 0, AS_OF, echo=lambda line: None)
    try:
        server.rebuild()
        assert server.state.ok
        assert files_of(server.out) == fresh(laid_out, tmp_path / "fresh-0")
        while server.carry.prepare():  # what serve makes ready once idle (its audit CSV lines)
            pass
        if watched:
            server.watch()
        for number, edit in enumerate(EDITS, 1):
            server.changed.clear()
            edit(laid_out)
            if watched:
                wait_until(server.changed.is_set)
                time.sleep(0.15)  # the save's last events (serve waits for a quiet moment too)
            server.rebuild()
            assert server.state.ok, (edit.__name__, server.state.problems)
            expected = fresh(laid_out, tmp_path / f"fresh-{number}")
            got = files_of(server.out)
            assert sorted(got) == sorted(expected), edit.__name__
            differing = [rel for rel in expected if got[rel] != expected[rel]]
            assert not differing, (edit.__name__, differing[:5])
        assert (len(rescans) > len(EDITS) // 2) if watched else not rescans, "the watcher's way was taken"
    finally:
        server.close()


def test_a_proof_file_changed_under_an_unchanged_entry_is_seen(firm, tmp_path):
    path, proof = proofed(firm)
    path.write_text("".join(l for l in path.read_text().splitlines(keepends=True) if not l.startswith("proof_sha256")))
    server = Server(firm, 0, AS_OF, echo=lambda line: None)
    try:
        server.rebuild()
        proof.write_bytes(proof.read_bytes() + b" amended")  # the entry shows the file's digest
        server.rebuild()
        assert server.state.ok
        assert files_of(server.out) == fresh(firm, tmp_path / "fresh")
    finally:
        server.close()


def test_a_failed_rebuild_then_a_good_one_equals_a_fresh_build(firm, tmp_path):
    server = Server(firm, 0, AS_OF, echo=lambda line: None)
    try:
        server.rebuild()
        path = credit_files(firm)[5]
        good = path.read_text()
        path.write_text(good.replace("date: ", "date: not-a-date #", 1))
        server.rebuild()
        assert not server.state.ok
        edit_title(firm)
        path.write_text(good)
        server.rebuild()
        assert server.state.ok
        assert files_of(server.out) == fresh(firm, tmp_path / "fresh")
    finally:
        server.close()


def test_a_new_as_of_day_equals_a_fresh_build(firm, tmp_path):
    server = Server(firm, 0, AS_OF, echo=lambda line: None)
    try:
        server.rebuild()
        server.as_of = AS_OF + dt.timedelta(days=40)
        edit_title(firm)
        server.rebuild()
        loaded = load(firm, server.as_of)
        assert build_site(loaded, tmp_path / "fresh", fingerprint_inputs=False).ok
        assert files_of(server.out) == files_of(tmp_path / "fresh")
    finally:
        server.close()


def wait_until(predicate, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def unsigned_proof(root: Path) -> Path:
    """A proof file whose entry gives no digest: the entry shows the file's."""
    path, proof = proofed(root)
    path.write_text("".join(l for l in path.read_text().splitlines(keepends=True) if not l.startswith("proof_sha256")))
    return proof


def test_a_proof_file_the_watcher_saw_saved_is_seen(firm, tmp_path):
    proof = unsigned_proof(firm)
    server = Server(firm, 0, AS_OF, echo=lambda line: None)
    try:
        server.rebuild()
        server.watch()
        server.changed.clear()
        proof.write_bytes(proof.read_bytes() + b" amended")
        wait_until(server.changed.is_set)
        time.sleep(0.1)
        server.rebuild()
        assert files_of(server.out) == fresh(firm, tmp_path / "fresh")
    finally:
        server.close()


def test_a_proof_file_changed_unseen_is_found_once_idle(firm, tmp_path):
    """Written through a link, or an event the system dropped: the rebuild
    the watcher asked for does not see it, the idle check does."""
    proof = unsigned_proof(firm)
    server = Server(firm, 0, AS_OF, echo=lambda line: None)
    try:
        server.rebuild()
        server.watch()
        edit_title(firm)
        wait_until(server.changed.is_set)
        time.sleep(0.1)
        proof.write_bytes(proof.read_bytes() + b" amended")
        time.sleep(0.1)
        with server.events:  # as if the system dropped the proof's event
            server.saved = {rel for rel in server.saved if not rel.startswith("ledger/proof/")}
        server.rebuild()
        server.changed.clear()
        server.tidy_up()
        assert server.changed.is_set(), "the idle check noticed"
        server.rebuild()
        assert files_of(server.out) == fresh(firm, tmp_path / "fresh")
    finally:
        server.close()


# -- the checks: what serve redoes finds what a whole check finds ------------------------------

def copy_an_entry(root):
    """The same activity twice: a duplicate."""
    source = credit_files(root)[7]
    (source.parent / ("copy-" + source.name)).write_text(source.read_text())


def remove_the_copy(root):
    next((root / "ledger/credits").rglob("copy-*.yaml")).unlink()


def unknown_source(root):
    path = credit_files(root)[8]
    path.write_text(path.read_text() + "source: nowhere-academy\n")


def into_the_future(root):
    set_key(root, 9, "date", "2027-02-01")


def unknown_certification(root):
    set_key(root, 11, "counts_toward", "[no-such-cert]")


def proof_no_longer_matches(root):
    _, proof = proofed(root)
    proof.write_bytes(proof.read_bytes() + b" tampered")


def same_explicit_id_twice(root):
    for path in credit_files(root)[12:14]:
        path.write_text(path.read_text() + "id: the-same-id\n")


def estimate_of_nothing(root):
    set_key(root, 15, "minutes", "1")


def older_than_any_cycle(root):
    set_key(root, 16, "date", "2001-01-01")


def opportunity_for_nothing(root):
    (root / "ledger/opportunities/extra.yaml").write_text(
        "- id: extra-1\n  title: Extra\n  provider: P\n  minutes: 60\n  counts_toward: [nowhere]\n")


def a_line_above_it(root):
    """Nothing but the warning's line moves."""
    path = root / "ledger/opportunities/extra.yaml"
    path.write_text(path.read_text().replace("  counts_toward:", "  # a note\n  counts_toward:"))


CHECKED_EDITS = [clash_a_stem, copy_an_entry, unclash, opportunity_for_nothing, a_line_above_it, unknown_source, into_the_future, remove_the_copy, unknown_certification,
                 proof_no_longer_matches, same_explicit_id_twice, estimate_of_nothing, older_than_any_cycle,
                 edit_title, add_entry, delete_entry, switch_program, retitle_site]


def problem_texts(problems) -> list[str]:
    return sorted(p.as_text() for p in problems)


def test_the_checks_serve_redoes_find_what_a_whole_check_finds(firm, monkeypatch):
    from recertgen import validate
    from recertgen.api import load_deferred

    monkeypatch.setattr(validate, "PARALLEL_MIN_ENTRIES", 0)  # the first read's record checks in a child, as at firm scale
    resident: dict = {}
    for edit in [None, *CHECKED_EDITS]:
        if edit is not None:
            edit(firm)
        loaded, complete = load_deferred(firm, AS_OF, resident=resident)
        expected = problem_texts(load(firm, AS_OF).problems)
        assert problem_texts(complete()) == expected, getattr(edit, "__name__", "first read")


def test_serve_keeps_its_last_build_not_every_one(firm):
    """What serve keeps refers to the build it came from: the builds before
    it must go, or memory grows with every save."""
    import gc
    import weakref

    server = Server(firm, 0, AS_OF, echo=lambda line: None)
    try:
        server.rebuild()
        first = weakref.ref(server.carry.kept.data)
        for number in range(3):
            set_key(firm, 30 + number, "minutes", str(61 + number))
            server.rebuild()
            assert server.state.ok
        gc.collect()
        assert first() is None, "the first build's data is still held"
    finally:
        server.close()


def test_a_resident_read_keeps_the_last_read_not_every_one(firm):
    import gc
    import weakref

    from recertgen import loader
    from recertgen.api import load_deferred

    resident: dict = {}
    load_deferred(firm, AS_OF, resident=resident)[1]()
    set_key(firm, 30, "minutes", "61")
    load_deferred(firm, AS_OF, resident=resident)[1]()
    second = weakref.ref(resident[loader._PARSED][1])
    for number in range(2):
        set_key(firm, 31 + number, "minutes", str(62 + number))
        load_deferred(firm, AS_OF, resident=resident)[1]()
    gc.collect()
    assert second() is None, "an earlier read's results are still held"
