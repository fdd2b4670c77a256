"""Checks redone for what changed: `serve`'s rebuild after a save.

The checks walk every entry (allocations, proofs, dates, sources, ids,
duplicates) and every certification's report: at 100,000 entries they take
longer than the rest of a rebuild, so a build from scratch runs the record
checks in a forked process. A resident process knows what a read changed
(`Ledger.delta`), so it keeps what each entry and each certification's
report gave and checks again only the entries added, those whose proof
file changed, and the certifications whose report was made again. The
checks across entries (ids, duplicates) are kept while they find nothing:
an edit can then only make a problem with the entries it added, which are
looked up among the others; otherwise they run whole.

Whatever the edit, the problems are the ones `validate.validate` finds
(tests/test_serve_incremental.py holds them to it). Nothing is kept across
a change of what every check reads: the settings, the as-of date, the
certifications and programs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import validate as v
from .model import same_records
from .problems import Problem
from .proofs import locate

ENTRY_CHECKS = (v.entry_allocations, v.entry_submissions, v.entry_source)  # an entry's record problems, but its proof's
CERT_CHECKS = (v.cert_dates, v.cert_estimates, v.cert_assertions, v.cert_repeats, v.cert_once_per_cycle)


def _key(entry) -> tuple:
    """An entry's place, unique and the same from read to read."""
    return (entry.file, entry.index)


@dataclass
class Records:
    """What the record checks found, by entry, as plain data (a forked
    child sends it back): entries with problems only, and every entry with
    a proof file, with the file's status."""

    by_entry: dict = field(default_factory=dict)  # key -> problems
    proofs: dict = field(default_factory=dict)  # key -> (status or None, its file or None, problems), of proof paths (not URLs)
    url_proofs: dict = field(default_factory=dict)  # key -> problems
    clean: bool = True  # ids and duplicates found nothing
    opportunities: tuple = ()  # (opportunities, their problems)


@dataclass
class Kept:
    """Held by serve between rebuilds (its resident dict)."""

    world: tuple = ()
    credits: tuple | None = None  # the read the records were made for
    records: Records | None = None
    ids: dict | None = None  # entry id -> how many entries have it (made when first needed)
    activities: dict | None = None  # duplicate keys -> how many entries have them (made when first needed)
    proofed: dict | None = None  # key -> entry, of entries with a proof path (made when first needed)
    report_world: tuple = ()
    report_credits: tuple | None = None  # the read `future` was made for
    future: dict = field(default_factory=dict)  # key -> the warning of an entry dated after the as-of date
    certs: dict = field(default_factory=dict)  # cert id -> (its report, its problems)
    # What serve's watcher said was saved since the last read, for this read only (None:
    # unknown, a whole scan): proof files not saved keep their status unlooked-at.
    saved: set | None = None
    ledger: object = None  # the read the records were last checked for (`prepare`)

    def prepare(self) -> None:
        """What the next rebuild would otherwise make on the way: the
        counts that let it check only the entries an edit added for
        duplicates. `serve` calls it once idle."""
        ledger, records = self.ledger, self.records
        if ledger is None or records is None or not records.clean or self.ids is not None:
            return
        self.ids, self.activities = _counted(v.Context(ledger, self.world[2]))


def world(ctx: v.Context) -> tuple:
    ledger = ctx.ledger
    return (str(ledger.root), ledger.settings, ctx.as_of, ledger.certifications, ctx.rules, dict(ledger.programs))


# -- the record checks ---------------------------------------------------------------------------

def fresh_records(ctx: v.Context) -> tuple[list[Problem], Records]:
    """Every record problem (`validate`'s record checks), and what to keep
    of them. Runs where the record checks run: in a forked child at first."""
    records = Records()
    for entry in ctx.ledger.credits:
        _record(ctx, records, entry)
    cross = list(v.check_entry_ids(ctx)) + list(v.check_duplicate_activities(ctx))
    records.clean = not cross
    records.opportunities = (ctx.ledger.opportunities, list(v.check_opportunities(ctx)))
    return _record_problems(ctx, records, cross), records


def kept_records(ctx: v.Context, kept: Kept) -> list[Problem] | None:
    """The record problems from what `kept` holds and the read's delta;
    None when they cannot be had that way (nothing kept for this world, or
    the read says nothing of what changed): then the checks run whole."""
    delta = ctx.ledger.delta
    records = kept.records
    if records is None or delta is None or kept.credits is not delta.previous or kept.world != world(ctx):
        return None
    proofed = kept.proofed
    for entry in delta.removed:
        key = _key(entry)
        for kept_by_key in (records.by_entry, records.proofs, records.url_proofs, proofed or {}):
            kept_by_key.pop(key, None)
    for entry in delta.added:
        _record(ctx, records, entry)
        if proofed is not None and _key(entry) in records.proofs:
            proofed[_key(entry)] = entry
    added = {_key(entry) for entry in delta.added}
    for entry in _proof_entries(ctx, kept, added):
        records.proofs[_key(entry)] = _proof_record(ctx, entry)
    cross = _cross_problems(ctx, kept, delta)
    records.clean = not cross
    if not same_records(ctx.ledger.opportunities, records.opportunities[0]):
        records.opportunities = (ctx.ledger.opportunities, list(v.check_opportunities(ctx)))
    kept.credits, kept.ledger = ctx.ledger.credits, ctx.ledger
    return _record_problems(ctx, records, cross)


def keep_records(ctx: v.Context, kept: Kept, records: Records) -> None:
    """What `fresh_records` found, kept for the next read."""
    kept.world, kept.credits, kept.records, kept.ledger = world(ctx), ctx.ledger.credits, records, ctx.ledger
    kept.ids = kept.activities = kept.proofed = None


def _record_problems(ctx: v.Context, records: Records, cross: list[Problem]) -> list[Problem]:
    problems = list(v.check_certification_ids(ctx))
    for found in records.by_entry.values():
        problems.extend(found)
    for _, _, found in records.proofs.values():
        problems.extend(found)
    for found in records.url_proofs.values():
        problems.extend(found)
    problems.extend(v.unfinished_allocations(ctx))
    problems.extend(cross)
    problems.extend(records.opportunities[1])
    return problems


def _record(ctx: v.Context, records: Records, entry) -> None:
    """An entry's problems into `records`."""
    key = _key(entry)
    found = [problem for check in ENTRY_CHECKS for problem in check(ctx, entry)]
    if found:
        records.by_entry[key] = found
    if entry.proof:
        if locate(ctx.ledger, entry.proof).rel is None:  # a URL (or no path at all): the entry alone decides
            found = list(v.entry_proof(ctx, entry))
            if found:
                records.url_proofs[key] = found
        else:
            records.proofs[key] = _proof_record(ctx, entry)


def _proof_record(ctx: v.Context, entry) -> tuple:
    """An entry's proof problems, with the status of the file they were
    found for (None when no file was: those are looked at again each time)."""
    location = locate(ctx.ledger, entry.proof)
    path = str(location.path) if location.path is not None else None
    return (_status(path) if path else None, path, list(v.entry_proof(ctx, entry)))


def _status(path: str) -> tuple | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _proof_entries(ctx: v.Context, kept: Kept, added: set):
    """The entries whose proof file may have changed: any whose file's
    status changed, or that was found as no file. When the watcher said
    what was saved (`Kept.saved`), only the saved files are looked at
    (serve looks at them all once idle)."""
    saved = None
    if kept.saved is not None:
        root = str(ctx.ledger.root)
        saved = {os.path.join(root, rel) for rel in kept.saved}
    stale = []
    for key, (status, path, _) in kept.records.proofs.items():
        if key in added:
            continue
        if path is not None and ((saved is not None and path not in saved) or _status(path) == status):
            continue
        stale.append(key)
    if stale:
        if kept.proofed is None:
            kept.proofed = {_key(e): e for e in ctx.ledger.credits if _key(e) in kept.records.proofs}
        for key in stale:
            yield kept.proofed[key]


def _cross_problems(ctx: v.Context, kept: Kept, delta) -> list[Problem]:
    """Duplicate ids and activities. While the last run found none, only
    the added entries can make one: each is looked up among the others."""
    if not kept.records.clean or kept.ids is None or kept.activities is None:
        return _cross_whole(ctx, kept)
    ids, activities = kept.ids, kept.activities
    for entry in delta.removed:
        _count(ids, [entry.id], -1)
        _count(activities, _duplicate_keys(ctx, entry), -1)
    clashes = False
    for entry in delta.added:
        clashes |= _count(ids, [entry.id], 1)
        clashes |= _count(activities, _duplicate_keys(ctx, entry), 1)
    return _cross_whole(ctx, kept) if clashes else []


def _cross_whole(ctx: v.Context, kept: Kept) -> list[Problem]:
    found = list(v.check_entry_ids(ctx)) + list(v.check_duplicate_activities(ctx))
    # Counted only while clean: with a duplicate, every read runs these whole.
    kept.ids, kept.activities = _counted(ctx) if not found else ({}, {})
    return found


def _counted(ctx: v.Context) -> tuple[dict, dict]:
    """How many entries have each id, and each duplicate key."""
    ids: dict = {}
    activities: dict = {}
    for entry in ctx.ledger.credits:
        _count(ids, [entry.id], 1)
        _count(activities, _duplicate_keys(ctx, entry), 1)
    return ids, activities


def _duplicate_keys(ctx: v.Context, entry) -> list[tuple]:
    """What `check_duplicate_activities` compares an entry by, where it has
    no duplicate: its activity and its proof file, per certification."""
    proof = locate(ctx.ledger, entry.proof).rel if entry.proof and not entry.proof_is_url else None
    title, provider = entry.title.strip().lower(), entry.provider.strip().lower()
    keys = []
    for allocation in entry.allocations:
        keys.append(("activity", allocation.cert_id, title, provider, entry.date))
        if proof:
            keys.append(("proof", allocation.cert_id, proof))
    return keys


def _count(counts: dict, keys: list, step: int) -> bool:
    """Adds `step` to each key's count; True when one now counts two."""
    clash = False
    for key in keys:
        total = counts.get(key, 0) + step
        if total > 0:
            counts[key] = total
            clash |= total > 1
        else:
            counts.pop(key, None)
    return clash


# -- the report checks ----------------------------------------------------------------------------

def report_problems(ctx: v.Context, kept: Kept) -> list[Problem]:
    """`validate`'s report checks, redoing the certifications whose report
    was made again and the dates of the entries added."""
    here = world(ctx)
    same = kept.report_world == here
    delta = ctx.ledger.delta
    problems = list(v.check_certification_rules(ctx))
    if same and delta is not None and kept.report_credits is delta.previous:
        future = kept.future
        for entry in delta.removed:
            future.pop(_key(entry), None)
        for entry in delta.added:
            _future(ctx, entry, future)
    else:
        future = {}
        for entry in ctx.ledger.credits:
            _future(ctx, entry, future)
    certs = {}
    for cert in ctx.report.certifications:
        previous = kept.certs.get(cert.id) if same else None
        if previous is not None and previous[0] is cert:
            certs[cert.id] = previous
        else:
            certs[cert.id] = (cert, [problem for check in CERT_CHECKS for problem in check(ctx, cert)])
        problems.extend(certs[cert.id][1])
    problems.extend(future.values())
    kept.future, kept.certs, kept.report_world, kept.report_credits = future, certs, here, ctx.ledger.credits
    return problems


def _future(ctx: v.Context, entry, future: dict) -> None:
    found = list(v.entry_date(ctx, entry))
    if found:
        future[_key(entry)] = found[0]
