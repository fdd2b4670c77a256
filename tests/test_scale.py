"""Firm-scale machinery, behaviour only (timings live in bench/): the parse
cache, the parallel parse, incremental and no-change builds, and the site
layout that groups items into month pages when there are thousands."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
from pathlib import Path

import pytest

from recertgen import forked, loader, parsecache
from recertgen.api import load
from recertgen.site.build import build_site
from recertgen.site.freshness import up_to_date

AS_OF = dt.date(2026, 11, 15)


def entry(n: int, month: int = 1, source: str | None = None) -> str:
    text = f"title: Talk {n}\nprovider: P{n % 3}\ndate: 2025-{month:02d}-{1 + n % 27:02d}\nhours: 1\ncounts_toward: [cissp]\n"
    return text + (f"source: {source}\n" if source else "")


@pytest.fixture
def many(cissp_ledger):
    cissp_ledger.write("recertgen.yaml", "sources: [pluralsight]\n")
    for n in range(12):
        cissp_ledger.credit(f"2025/e{n:02d}", entry(n, month=1 + n % 4, source="pluralsight" if n % 2 else None))
    cissp_ledger.write("ledger/opportunities/list.yaml", "".join(
        f"- id: opp-{n}\n  title: Opportunity {n}\n  starts: 2026-{1 + n % 3:02d}-10\n  hours: 1\n  counts_toward: [isc2-cissp]\n" for n in range(7)))
    return cissp_ledger


def full_build(ledger_root: Path, folder: Path) -> dict[str, bytes]:
    """What a build from scratch writes, to hold an incremental one against."""
    assert build_site(load(ledger_root, AS_OF), folder).ok
    return {p: v[0] for p, v in snapshot(folder).items()}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".recertgen-site"}


# -- the parse cache ------------------------------------------------------------------

def cache_for(root: Path) -> parsecache.ParseCache:
    return parsecache.ParseCache(Path(os.environ["RECERTGEN_CACHE_DIR"]), root)


def test_unchanged_files_come_from_the_cache(many):
    first = load(many.root, AS_OF)
    cache = cache_for(many.root)
    refs = loader.scan(many.root, "ledger")
    assert all(cache.get(ref, many.root) is not None for ref in refs)
    second = load(many.root, AS_OF)
    assert second.ledger.credits == first.ledger.credits
    assert second.problems == first.problems


def test_a_changed_file_is_parsed_again(many):
    load(many.root, AS_OF)
    path = many.root / "ledger/credits/2025/e00.yaml"
    path.write_text(entry(0).replace("Talk 0", "Talk renamed"))
    titles = {e.title for e in load(many.root, AS_OF).ledger.credits}
    assert "Talk renamed" in titles and "Talk 0" not in titles


def test_same_size_and_time_but_new_bytes_is_caught_when_racy(many):
    path = many.root / "ledger/credits/2025/e01.yaml"
    load(many.root, AS_OF)  # just written: cached with its digest
    stat = path.stat()
    path.write_text(path.read_text().replace("Talk 1\n", "Talk X\n"))  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time
    assert "Talk X" in {e.title for e in load(many.root, AS_OF).ledger.credits}



def test_new_bytes_with_the_old_size_and_time_put_back_are_caught_long_after(many, monkeypatch, tmp_path):
    """cp -p, rsync -a and touch -r put a modification time back; a file
    rewritten to the same size that way, long after it was cached (no digest
    kept), is still read again, and `build` does not call the site up to date."""
    path = many.root / "ledger/credits/2025/e02.yaml"
    monkeypatch.setattr(parsecache, "RACY_NS", 0)  # as if cached long ago: no digest to fall back on
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    stat = path.stat()
    path.write_text(path.read_text().replace("Talk 2\n", "Talk Y\n"))  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert not up_to_date(many.root, site, AS_OF)
    assert "Talk Y" in {e.title for e in load(many.root, AS_OF).ledger.credits}

@pytest.mark.parametrize("damage", [b"", b"garbage", b"recertgen-parse-cache\n" + b"\0" * 32 + b"not a pickle"])
def test_a_corrupt_cache_is_ignored_and_rebuilt(many, damage):
    expected = load(many.root, AS_OF).ledger.credits
    cache = cache_for(many.root)
    cache.path.write_bytes(damage)
    assert load(many.root, AS_OF).ledger.credits == expected
    assert cache_for(many.root).entries, "rewritten"


def forge(cache: parsecache.ParseCache, parsed: loader.Parsed) -> None:
    """Make every cached file yield `parsed` instead of its records."""
    forged = {rel: parsed for rel in cache.entries}
    cache.blobs, cache._unpickled = {0: parsecache.pickle_batch(forged)}, {}
    cache.entries = {rel: (*entry[:3], 0) for rel, entry in cache.entries.items()}
    cache.seen, cache.dirty = set(cache.entries), True
    cache.save()


def test_records_come_from_the_cache_file(many):
    load(many.root, AS_OF)
    forge(cache_for(many.root), loader.Parsed((), ()))
    assert load(many.root, AS_OF).ledger.credits == (), "this code trusts its own cache"


def test_a_cache_written_by_other_code_is_ignored(many, monkeypatch):
    load(many.root, AS_OF)
    cache = cache_for(many.root)
    real = parsecache.code_fingerprint
    monkeypatch.setattr(parsecache, "code_fingerprint", lambda: "other code")
    forge(cache, loader.Parsed((), ()))
    monkeypatch.setattr(parsecache, "code_fingerprint", real)
    assert len(load(many.root, AS_OF).ledger.credits) == 12


def test_a_damaged_blob_is_parsed_again(many):
    load(many.root, AS_OF)
    cache = cache_for(many.root)
    cache.blobs = {n: b"not a pickle" for n in cache.blobs}
    cache.seen, cache.dirty = set(cache.entries), True
    cache.save()
    assert len(load(many.root, AS_OF).ledger.credits) == 12


def test_edits_do_not_grow_the_cache_forever(many):
    load(many.root, AS_OF)
    path = many.root / "ledger/credits/2025/e02.yaml"
    for n in range(30):
        path.write_text(entry(2).replace("Talk 2", f"Talk 2 edit {n}"))
        assert f"Talk 2 edit {n}" in {e.title for e in load(many.root, AS_OF).ledger.credits}
    cache = cache_for(many.root)
    stored = sum(len(pickle.loads(blob)) for blob in cache.blobs.values())
    assert stored <= 2 * len(cache.entries)


def test_a_resident_cache_is_not_read_from_disk_again(many, monkeypatch):
    resident: dict = {}
    first = load(many.root, AS_OF, resident=resident)
    real = parsecache.ParseCache._load
    monkeypatch.setattr(parsecache.ParseCache, "_load", lambda self: pytest.fail("cache file read again"))
    (many.root / "ledger/credits/2025/e04.yaml").write_text(entry(4).replace("Talk 4", "Talk four"))
    (many.root / "ledger/credits/2025/e05.yaml").unlink()
    second = load(many.root, AS_OF, resident=resident)
    titles = {e.title for e in second.ledger.credits}
    assert "Talk four" in titles and "Talk 4" not in titles and "Talk 5" not in titles
    assert len(second.ledger.credits) == len(first.ledger.credits) - 1
    monkeypatch.setattr(parsecache.ParseCache, "_load", real)
    assert not cache_for(many.root).entries, "its keeper saves it, not each read"
    parsecache.save_resident(resident)
    saved = cache_for(many.root).entries
    assert "ledger/credits/2025/e04.yaml" in saved
    assert "ledger/credits/2025/e05.yaml" not in saved, "the saved cache forgets deleted files"


def test_serve_keeps_the_reports_of_certifications_an_edit_does_not_touch(many):
    many.cert("pmp", "name: PMP\nprogram: pmi-pmp\ncertified: 2024-06-01\n")
    many.credit("2025/pm", "title: Planning\nprovider: PMI\ndate: 2025-02-03\nhours: 2\ncounts_toward: [pmp]\n")
    resident: dict = {}
    first = load(many.root, AS_OF, resident=resident).report
    (many.root / "ledger/credits/2025/e04.yaml").write_text(entry(4).replace("hours: 1", "hours: 3"))
    second = load(many.root, AS_OF, resident=resident).report
    assert second.cert("pmp") is first.cert("pmp"), "untouched: its report is kept"
    assert second.cert("cissp") is not first.cert("cissp")
    assert second.cert("cissp").current.credited == first.cert("cissp").current.credited + 2
    assert second == load(many.root, AS_OF).report, "the same as computed afresh"
    many.cert("pmp", "name: PMP (renamed)\nprogram: pmi-pmp\ncertified: 2024-06-01\n")
    third = load(many.root, AS_OF, resident=resident).report
    assert third.cert("pmp").rules.name == "PMP (renamed)"
    later = load(many.root, AS_OF + dt.timedelta(days=30), resident=resident).report
    assert later.cert("pmp") is not third.cert("pmp") and later.as_of == AS_OF + dt.timedelta(days=30)
    assert later == load(many.root, AS_OF + dt.timedelta(days=30)).report


@pytest.fixture
def troubled(many):
    """A ledger with problems for every kind of check: duplicates, proofs,
    dates, submissions, unknown sources, assertions."""
    many.write("ledger/proof/2025/cert.pdf", b"%PDF-1.4 certificate")
    many.credit("2025/dup", entry(1, month=2))  # the same activity as e01
    many.credit("2025/late", entry(30).replace("date: 2025-01-04", "date: 2027-01-04") + "source: typo-platform\n")
    many.credit("2025/proofed", entry(31) + "proof: 2025/cert.pdf\nproof_sha256: " + "0" * 64 + "\n")
    many.credit("2025/missing", entry(32) + "proof: 2025/nowhere.pdf\nsubmitted:\n  pmp: 2025-01-01\n")
    many.credit("2024/old", entry(33).replace("date: 2025-", "date: 2019-"))
    return many


def test_parallel_checks_find_what_serial_ones_do(troubled, monkeypatch):
    from recertgen import validate as validation

    monkeypatch.setattr(validation, "PARALLEL_MIN_ENTRIES", 0)
    serial = load(troubled.root, AS_OF)
    parallel = load(troubled.root, AS_OF, parallel=True)
    messages = " | ".join(p.message for p in serial.problems)
    for kind in ("already counts toward", "no longer matches", "proof file not found", "submitted to pmp",
                 "not listed in recertgen.yaml sources", "after the as-of date", "outside every cycle"):
        assert kind in messages, kind  # both the record checks and the report's
    assert [p.as_text() for p in parallel.problems] == [p.as_text() for p in serial.problems]
    assert parallel.report == serial.report
    assert any(key[0] == "digest" for key in parallel.ledger.memo), "what the child learnt of proofs is kept"

    # no fork to be had, or a child that fails: the checks run here, same result
    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(forked.os, "fork", no_fork)
        unforked = load(troubled.root, AS_OF, parallel=True)
    assert [p.as_text() for p in unforked.problems] == [p.as_text() for p in serial.problems]
    monkeypatch.setattr(validation, "_record_findings", lambda *a: (_ for _ in ()).throw(RuntimeError("child fails")))
    fallback = load(troubled.root, AS_OF, parallel=True)
    assert [p.as_text() for p in fallback.problems] == [p.as_text() for p in serial.problems]


def test_record_checks_never_wait_for_the_report(troubled, monkeypatch):
    """The record checks run in a child while the parent computes the report:
    one that read the report would compute it a second time there."""
    from recertgen import validate as validation
    from recertgen.loader import read_ledger

    troubled.cert("gcih", "name: GCIH\nprogram: giac\ncertified: 2024-03-15\n")
    troubled.credit("2025/giac", "title: Webcast\nprovider: SANS\ndate: 2025-03-14\nminutes: 20\n"
                                 "counts_toward: {gcih: {credits: 1, category: community-participation}, cissp: 1}\n")
    ledger = read_ledger(troubled.root).ledger
    monkeypatch.setattr(validation.Context, "report", property(lambda self: pytest.fail("a record check read the report")))
    found = validation._run(validation.Context(ledger, AS_OF), validation._record_checks())
    assert any("already counts toward" in p.message for p in found)


def test_deferred_checks_find_what_loading_finds(troubled, monkeypatch):
    from recertgen import validate
    from recertgen.api import load_deferred

    expected = [p.as_text() for p in load(troubled.root, AS_OF).problems]
    for threshold in (0, 10**9):  # checks in a child, and checks here
        monkeypatch.setattr(validate, "PARALLEL_MIN_ENTRIES", threshold)
        loaded, complete = load_deferred(troubled.root, AS_OF)
        assert set(p.as_text() for p in loaded.problems) <= set(expected)
        assert [p.as_text() for p in complete()] == expected
        assert complete() is complete(), "worked out once"


def test_a_resident_cache_saved_late_keeps_the_newest_parse(many, monkeypatch):
    """`serve` saves its cache when idle, after several reads: a file parsed
    one way, then again another way, must be saved as it was read last."""
    resident: dict = {}
    load(many.root, AS_OF, resident=resident)  # a dozen files: parsed here, pending in the cache
    (many.root / "ledger/credits/2025/e04.yaml").write_text(entry(4).replace("Talk 4", "Talk four"))
    (many.root / "ledger/credits/2025/e05.yaml").unlink()
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 1)  # the edit is parsed by the workers, in a batch
    load(many.root, AS_OF, resident=resident)
    parsecache.save_resident(resident)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 10**9)
    titles = {e.title for e in load(many.root, AS_OF).ledger.credits}  # from the saved cache
    assert "Talk four" in titles and "Talk 4" not in titles and "Talk 5" not in titles


def test_cache_can_be_turned_off(many, monkeypatch):
    monkeypatch.setenv("RECERTGEN_CACHE_DIR", "off")
    assert parsecache.default_folder(None, many.root) is None
    assert len(load(many.root, AS_OF).ledger.credits) == 12


def test_parallel_parse_gives_the_same_records(many, monkeypatch):
    monkeypatch.setenv("RECERTGEN_CACHE_DIR", "off")
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 1)
    serial = loader.read_ledger(many.root, workers=1)
    parallel = loader.read_ledger(many.root, workers=2)
    assert parallel.ledger.credits == serial.ledger.credits
    assert parallel.ledger.opportunities == serial.ledger.opportunities
    assert parallel.problems == serial.problems


def test_a_long_parse_reports_its_progress(many, monkeypatch):
    monkeypatch.setenv("RECERTGEN_CACHE_DIR", "off")
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 1)
    seen = {"total": 0, "done": 0, "closed": False}

    class Bar:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            seen["closed"] = True

        def update(self, n):
            seen["done"] += n

    def progress(total):
        seen["total"] = total
        return Bar()

    result = loader.read_ledger(many.root, workers=2, progress=progress)
    files = len(loader.scan(many.root, "ledger"))
    assert seen == {"total": files, "done": files, "closed": True}
    assert len(result.ledger.credits) == 12


# -- incremental and no-change builds ------------------------------------------------------

def test_one_change_rewrites_only_what_it_touches(many, tmp_path):
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    before = snapshot(site)
    (many.root / "ledger/credits/2025/e03.yaml").write_text(entry(3).replace("Talk 3", "Talk three"))
    result = build_site(load(many.root, AS_OF), site)
    assert result.ok and result.rendered < result.pages
    after = snapshot(site)
    untouched = [p for p in after if p in before and after[p][0] == before[p][0]]
    assert untouched and all(after[p][1] == before[p][1] for p in untouched), "unchanged files keep their timestamps"
    assert after["credits/e03/index.html"][0] != before["credits/e03/index.html"][0]
    assert after["credits/e05/index.html"] == before["credits/e05/index.html"]
    assert full_build(many.root, tmp_path / "fresh") == {p: v[0] for p, v in after.items()}, "same bytes as a full build"


def test_a_changed_proof_file_is_copied_again_and_the_others_kept(many, tmp_path):
    many.write("ledger/proof/a.txt", "certificate A")
    many.write("ledger/proof/b.txt", "certificate B")
    many.credit("2025/e00", entry(0) + "proof: a.txt\n")
    many.credit("2025/e01", entry(1) + "proof: b.txt\n")
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    before = snapshot(site)
    many.write("ledger/proof/a.txt", "certificate A, corrected")
    assert build_site(load(many.root, AS_OF), site).ok
    after = snapshot(site)
    assert after["proof/a.txt"][0] == b"certificate A, corrected"
    assert after["proof/b.txt"] == before["proof/b.txt"]


def test_no_change_build_does_nothing(many, cli):
    args = ["build", many.root, "--as-of", "2026-11-15"]
    assert cli(*args).exit_code == 0
    before = snapshot(many.root / "site")
    result = cli(*args)
    assert result.exit_code == 0 and "up to date" in result.output
    assert snapshot(many.root / "site") == before
    (many.root / "ledger/credits/2025/e04.yaml").write_text(entry(4).replace("Talk 4", "Talk four"))
    assert not up_to_date(many.root, many.root / "site", AS_OF)
    assert "Built" in cli(*args).output


def test_the_ledger_named_another_way_is_the_same_ledger(many, cli, monkeypatch, tmp_path):
    """`recertgen build .` in the repository and `recertgen build /abs/path`
    from elsewhere read the same files: nothing to do the second time, and
    after an edit only what it touches is written again."""
    many.write("ledger/proof/2025/cert.pdf", b"%PDF-1.4 certificate")
    many.credit("2025/proofed", entry(31) + "proof: 2025/cert.pdf\n")
    out = tmp_path / "site"
    assert cli("build", many.root, "--out", out, "--as-of", "2026-11-15").exit_code == 0
    monkeypatch.chdir(many.root.parent)
    again = cli("build", many.root.name, "--out", out, "--as-of", "2026-11-15")
    assert again.exit_code == 0 and "up to date" in again.output
    (many.root / "ledger/credits/2025/e04.yaml").write_text(entry(4).replace("Talk 4", "Talk four"))
    before = snapshot(out)
    assert cli("build", many.root.name, "--out", out, "--as-of", "2026-11-15").exit_code == 0
    after = snapshot(out)
    kept = [rel for rel in ("certificates.zip", "certifications/cissp/index.html", "index.html") if after[rel] == before[rel]]
    assert "certificates.zip" in kept, "the ZIP's key does not depend on how the root was named"


def test_other_as_of_date_is_not_up_to_date(many, cli):
    assert cli("build", many.root, "--as-of", "2026-11-15").exit_code == 0
    assert not up_to_date(many.root, many.root / "site", dt.date(2026, 11, 16))


# -- grouped layout at scale ---------------------------------------------------------------

@pytest.fixture
def firm_layout(lay_out_as_firm):
    """Thresholds lowered so a small ledger is laid out as a large one."""
    lay_out_as_firm(group_above=5, per_page=2, in_page=5, listed=4, per_data_file=5,
                    audit_in_one_page=5, audit_rows=5, on_cert_page=3)


def test_grouped_layout_links_resolve(many, tmp_path, firm_layout):
    site = tmp_path / "site"
    loaded = load(many.root, AS_OF)
    assert build_site(loaded, site).ok
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert "credits/2025-01/index.html" in files and "credits/2025-01/page-2.html" in files
    assert not any(re.match(r"credits/e\d+/", f) for f in files), "no page per entry"
    assert {"credits/data-1.js", "credits/data-2.js", "credits/data-3.js"} <= files
    assert "audit/cissp/index.html" in files and "audit/cissp/2024-03-15/page-3.html" in files
    assert "opportunities/2026-01/index.html" in files
    anchors_checked = 0
    for page in site.rglob("*.html"):
        text = page.read_text()
        for href in re.findall(r'href="([^"]+)"', text):
            if href.startswith(("http", "mailto", "data:", "#")):
                continue
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve()
            assert target.exists(), f"{page}: {href}"
            if anchor:
                assert f'id="{anchor}"' in target.read_text(), f"{page}: {href}"
                anchors_checked += 1
    assert anchors_checked > 12
    credits = (site / "credits/index.html").read_text()
    assert len(re.findall(r"<tr data-date=", credits)) == 4
    assert 'data-mode="data"' in credits and "12.00</output>" in credits


def test_certification_page_lists_recent_entries_and_points_to_the_audit(many, tmp_path, firm_layout):
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    text = (site / "certifications/cissp/index.html").read_text()
    assert "9 earlier entries of this cycle are listed in" in text


def test_own_templates_that_show_the_commit_are_rendered_again_after_a_commit(many, tmp_path):
    from test_exports import git

    many.write("templates/base.html", '{% extends "builtin/base.html" %}{% block footer %}<p id="c">{{ site.commit }}</p>{% endblock %}')
    git(many.root, "init", "-q")
    git(many.root, "add", "-A")
    git(many.root, "commit", "-qm", "first")
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    first = (site / "credits/e00/index.html").read_text()
    many.write("notes.txt", "unrelated\n")
    git(many.root, "add", "-A")
    git(many.root, "commit", "-qm", "second")
    assert build_site(load(many.root, AS_OF), site).ok
    second = (site / "credits/e00/index.html").read_text()
    commit = re.search(r'<p id="c">(\w+)</p>', second).group(1)
    assert commit != re.search(r'<p id="c">(\w+)</p>', first).group(1)


def test_split_audit_parts_are_reused_unless_their_rows_change(many, tmp_path, firm_layout, monkeypatch):
    from recertgen.site import build

    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    before = snapshot(site)
    parts = sorted(p for p in before if p.startswith("audit/cissp/2024-03-15/"))
    assert len(parts) == 3
    rendered = []
    real = build._render
    monkeypatch.setattr(build, "_render", lambda page, *rest: rendered.append(page.path) or real(page, *rest))
    # a new title: same credits, same cycle summary; only the part listing it changes
    (many.root / "ledger/credits/2025/e00.yaml").write_text(entry(0).replace("Talk 0", "Talk zero"))
    assert build_site(load(many.root, AS_OF), site).ok
    after = snapshot(site)
    changed = [p for p in parts if after[p] != before[p]]
    assert len(changed) == 1 and "Talk zero" in after[changed[0]][0].decode()
    assert [p for p in rendered if p in parts] == changed, "the other parts are not even rendered"
    assert all(after[p] == before[p] for p in parts if p not in changed), "other parts keep bytes and time"
    assert full_build(many.root, tmp_path / "fresh") == {p: v[0] for p, v in after.items()}, "same bytes as a full build"


def test_audit_exports_after_edits_equal_a_full_build(many, tmp_path):
    many.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2024-01-15\n")
    many.write("ledger/proof/a.txt", "certificate A")
    many.credit("2025/both", entry(40).replace("counts_toward: [cissp]", "counts_toward: [cissp, cisa]") + "proof: a.txt\n")
    many.credit("2025/cisa-only", entry(41).replace("counts_toward: [cissp]", "counts_toward: [cisa]"))
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    exports = ["audit.csv", "certifications/cissp/audit.csv", "certifications/cisa/audit.csv", "certificates.zip"]

    def rebuild_and_compare(label):
        assert build_site(load(many.root, AS_OF), site).ok
        fresh = full_build(many.root, tmp_path / f"fresh-{label}")
        for rel in exports:
            assert (site / rel).read_bytes() == fresh[rel], f"{rel} after {label}"

    before = snapshot(site)
    (many.root / "ledger/credits/2025/e03.yaml").write_text(entry(3).replace("Talk 3", "Talk three"))  # cissp only
    rebuild_and_compare("a title")
    after = snapshot(site)
    assert after["certifications/cisa/audit.csv"] == before["certifications/cisa/audit.csv"], "untouched: reused"
    assert after["certificates.zip"] == before["certificates.zip"]
    assert b"Talk three" in after["audit.csv"][0] and b"Talk three" in after["certifications/cissp/audit.csv"][0]
    many.write("ledger/proof/a.txt", "certificate A, corrected")
    rebuild_and_compare("a proof file")
    (many.root / "ledger/credits/2025/both.yaml").write_text(
        entry(40).replace("hours: 1", "hours: 3").replace("counts_toward: [cissp]", "counts_toward: [cissp, cisa]") + "proof: a.txt\n")
    rebuild_and_compare("hours")
    (many.root / "ledger/credits/2025/cisa-only.yaml").unlink()
    rebuild_and_compare("a deletion")
    assert b"Talk 41" not in (site / "certifications/cisa/audit.csv").read_bytes()


def test_credits_data_files_after_an_edit_equal_a_full_build(many, tmp_path, firm_layout):
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    before = snapshot(site)
    data_files = sorted(p for p in before if p.startswith("credits/data-"))
    assert len(data_files) == 3
    (many.root / "ledger/credits/2025/e00.yaml").write_text(entry(0).replace("Talk 0", "Talk zero"))
    assert build_site(load(many.root, AS_OF), site).ok
    after = snapshot(site)
    changed = [p for p in data_files if after[p] != before[p]]
    assert len(changed) == 1 and b"Talk zero" in after[changed[0]][0]
    fresh = full_build(many.root, tmp_path / "fresh")
    assert all(fresh[p] == after[p][0] for p in data_files)
    many.write("recertgen.yaml", "sources: {pluralsight: Pluralsight Skills}\n")  # a label every file shows
    assert build_site(load(many.root, AS_OF), site).ok
    assert all(b"Pluralsight Skills" in (site / p).read_bytes() for p in data_files if b"pluralsight" in (site / p).read_bytes())


def test_what_an_entry_shows_from_elsewhere_reaches_its_pages_and_data(many, tmp_path, firm_layout):
    """An entry's pages and data rows show its certification's name and
    whether its proof file exists; both live outside its own file."""
    many.credit("2025/with-proof", entry(50) + "proof: later.txt\n")
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    cert_file = next((many.root / "ledger/certifications").glob("*.yaml"))
    cert_file.write_text(cert_file.read_text().replace("name: ", "name: Renamed ", 1))
    many.write("ledger/proof/later.txt", "the certificate, found at last")
    result = build_site(load(many.root, AS_OF), site)
    assert result.ok
    after = {p: v[0] for p, v in snapshot(site).items()}
    assert after == full_build(many.root, tmp_path / "fresh"), "same bytes as a full build"
    assert any(b"Renamed " in v for p, v in after.items() if p.startswith("credits/data-"))
    assert any(b"proof/later.txt" in v for p, v in after.items() if p.startswith("credits/data-"))


def test_exports_started_early_in_a_child_equal_a_serial_build(many, tmp_path, firm_layout, monkeypatch):
    from recertgen.site import build as site_build

    many.write("ledger/proof/a.txt", "certificate A")
    many.credit("2025/with-proof", entry(60) + "proof: a.txt\n")
    serial = full_build(many.root, tmp_path / "serial")
    monkeypatch.setattr(site_build, "EARLY_MIN_ENTRIES", 0)
    started = []
    real_start = site_build._EarlyExports.start
    monkeypatch.setattr(site_build._EarlyExports, "start", classmethod(
        lambda cls, *a: started.append(1) or real_start.__func__(cls, *a)))

    def parallel_build(folder: Path) -> dict[str, bytes]:
        result = build_site(load(many.root, AS_OF), folder, parallel=True)
        assert result.ok, result.problems
        return {p: v[0] for p, v in snapshot(folder).items()}

    assert parallel_build(tmp_path / "parallel") == serial
    assert started, "the exports really started in a child"
    assert parallel_build(tmp_path / "parallel") == serial, "and again, reusing the previous site"
    for early in ("audit.csv", "certificates.zip", "proof/a.txt"):
        assert any(p.endswith(early) for p in serial), early

    # no fork to be had, or a child that dies: the exports are written here, same bytes
    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(forked.os, "fork", no_fork)
        assert parallel_build(tmp_path / "unforked") == serial
    with monkeypatch.context() as patch:
        patch.setattr(forked.pickle, "dumps", lambda *a, **k: os._exit(3))
        assert parallel_build(tmp_path / "child-died") == serial


def test_a_failing_early_export_fails_the_build_and_keeps_the_site(many, tmp_path, monkeypatch):
    from recertgen.site import build as site_build

    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    before = snapshot(site)
    monkeypatch.setattr(site_build, "EARLY_MIN_ENTRIES", 0)
    monkeypatch.setattr(site_build, "csv_bodies", lambda *a: (_ for _ in ()).throw(RuntimeError("disk on fire")))
    (many.root / "ledger/credits/2025/e03.yaml").write_text(entry(3).replace("Talk 3", "Talk three"))  # its CSV is stale
    result = build_site(load(many.root, AS_OF), site, parallel=True)
    assert not result.ok and "disk on fire" in result.problems[0].message
    assert snapshot(site) == before
    assert not list(tmp_path.glob(".site.building-*")), "the staging folder is gone"


def test_an_opportunity_page_estimates_every_certification_held_and_follows_their_pace(many, tmp_path):
    """SPEC §5: estimates for each certification held on an opportunity's
    page (the index's cards keep to the ones it is listed for); a change in
    an unlisted certification's name or pace renders the page again."""
    many.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2024-01-15\n")
    site = tmp_path / "site"
    assert build_site(load(many.root, AS_OF), site).ok
    page = (site / "opportunities" / "opp-1" / "index.html").read_text()
    assert "CISA" in page and "not listed: check that it qualifies" in page
    index = (site / "opportunities" / "index.html").read_text()
    card = index[index.index('opportunities/opp-1/index.html"'):].split('<li class="opp')[0]
    assert "CISSP" in card and "CISA" not in card
    many.credit("2025/cisa-work", "title: Audit course\nprovider: P\ndate: 2025-06-01\nhours: 30\ncounts_toward: [cisa]\n")
    many.cert("cisa", "name: CISA (renamed)\nprogram: isaca-cisa\ncertified: 2024-01-15\n")
    assert build_site(load(many.root, AS_OF), site).ok
    after = {p: v[0] for p, v in snapshot(site).items()}
    assert after == full_build(many.root, tmp_path / "fresh"), "same bytes as a full build"
    assert b"CISA (renamed)" in after["opportunities/opp-1/index.html"]


def test_scan_lists_yaml_files_through_links_and_skips_the_rest(ledger):
    """What the scan finds, with its sizes and times: links to files count
    (reading follows them); hidden files, other suffixes and folders named
    like files do not; a dangling link is marked unreadable (a warning)."""
    real = ledger.credit("2025/real", "title: T\nprovider: P\ndate: 2025-01-01\nhours: 1\ncounts_toward: [x]\n")
    credits = ledger.root / "ledger" / "credits"
    os.symlink(real, credits / "2025" / "alias.yaml")
    os.symlink(credits / "2025" / "gone.yaml", credits / "2025" / "dangling.yaml")
    (credits / "2025" / ".hidden.yaml").write_text("title: x\n")
    (credits / "2025" / "notes.txt").write_text("x\n")
    (credits / "2025" / "folder.yaml").mkdir()
    (credits / "2025" / "folder.yaml" / "inner.yml").write_text("title: y\n")
    refs = {r.rel: r for r in loader.scan(ledger.root, "ledger") if r.kind == "credits"}
    assert sorted(refs) == ["ledger/credits/2025/alias.yaml", "ledger/credits/2025/dangling.yaml",
                            "ledger/credits/2025/folder.yaml/inner.yml", "ledger/credits/2025/real.yaml"]
    assert refs["ledger/credits/2025/dangling.yaml"].size == loader.UNREADABLE
    stat = real.stat()
    assert (refs["ledger/credits/2025/alias.yaml"].size, refs["ledger/credits/2025/alias.yaml"].mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert refs["ledger/credits/2025/real.yaml"].inner == "2025/real.yaml"
