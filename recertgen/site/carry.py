"""What `serve` keeps of one build for the next, so that a rebuild after
one saved file costs what that file touches, not what the ledger holds.

A firm-scale ledger has 100,000 entries; every stage of a build from
scratch walks all of them (entry keys, the index of what each counts
toward, month pages, the keys of every page). A rebuild in a resident
process knows which entries changed — the loader hands back the very same
entry objects for files it did not read again, and the engine the very
same report for a certification none of whose inputs changed — so each
stage here starts from what the previous build worked out and redoes only
the entries, certifications and pages that changed.

Everything kept is a pure function of what it was computed from, and is
reused only when those inputs are the same objects (or equal values):
whatever the edit, the site comes out byte for byte as a build from
scratch makes it (tests/test_serve_incremental.py holds it to that). When
what every page depends on changes — the settings, the as-of date, the
commit, the theme, the set of certifications — nothing is carried over.
"""

from __future__ import annotations

import bisect
import itertools
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..exports.audit import RowMaker
from ..gitinfo import recorded_at
from ..keys import content_key, proof_state
from ..model import CreditEntry, same_records
from ..opportunities import LoggedMatcher, by_opportunity, held_signature
from ..proofs import locate
from . import addresses, catalog, entry_views

_SESSION = itertools.count()


@dataclass
class Kept:
    """One build's intermediate results, with what they were made from."""

    world: tuple = ()
    credits: tuple | None = None  # the ledger's entries, as read
    by_id: dict = field(default_factory=dict)  # entry id -> entry
    proof_states: dict = field(default_factory=dict)  # proof as written -> keys.proof_state
    proof_of: dict = field(default_factory=dict)  # entry id -> its proof as written (entries with one)
    bases: dict = field(default_factory=dict)  # keys.entry_bases
    cert_maps: dict = field(default_factory=dict)  # cert id -> (its report, entry id -> [(cert, counted, outside)])
    index: dict = field(default_factory=dict)  # entry_views.entry_index
    months: dict = field(default_factory=dict)  # month -> its entries in page order
    month_groups: dict = field(default_factory=dict)  # month -> its groups
    urls: object = None  # addresses.Addresses
    opportunities: tuple = ()  # ledger.opportunities as read
    sorted_opportunities: list = field(default_factory=list)  # catalog.sorted_opportunities
    held: object = None  # what an opportunity card shows of the certifications held
    cards: dict = field(default_factory=dict)  # id(opportunity) -> (opportunity, card)
    logged: tuple = ()  # (opportunities.LoggedMatcher, entry id -> the opportunity ids it records, when any)
    cert_names: dict = field(default_factory=dict)
    entry_keys: dict = field(default_factory=dict)
    ascending: list = field(default_factory=list)  # credits by (date, id)
    shown: dict = field(default_factory=dict)  # entry id -> its total on the credits page
    audit_lines: dict = field(default_factory=dict)  # cert id -> its audit CSV rows' lines (`audit_body`)
    data: object = None  # the site data of the build (for `prepare`)
    keys: dict = field(default_factory=dict)  # what -> (signature, key, ids of the entries it shows)


class Carry:
    """Held by `serve` between rebuilds (in its resident dict). `begin`
    starts a build from the last one that succeeded; `succeeded` makes the
    new results the ones the next build starts from."""

    def __init__(self) -> None:
        self.kept = Kept()
        self.session = f"carried {os.getpid()}-{next(_SESSION)}"
        self.generation = 0
        self.located: dict[str, tuple[str, str]] = {}  # proof as written -> (rel, path) it was found at (files only)
        # What serve's watcher said was saved (repository-relative) since the last build
        # that succeeded; None: nobody knows (a whole scan, or no watcher).
        self.saved: set[str] | None = None
        self._environment: tuple | None = None

    def begin(self, world: tuple) -> "Round":
        previous = self.kept if self.kept.world == world else Kept()
        self.generation += 1
        return Round(self, previous, Kept(world=world))

    def succeeded(self, round_: "Round", data) -> None:
        round_.new.data = data
        for cert_id, lines in round_.old.audit_lines.items():  # the certifications whose CSV was kept as it was
            round_.new.audit_lines.setdefault(cert_id, lines)
        self.kept = round_.new
        round_.old = Kept()  # the data kept refers to its round: kept, the round would keep every build before
        self.saved = set()

    def prepare(self) -> bool:
        """Once idle, what the next rebuild would otherwise make on the
        way: one certification's audit CSV lines (a first edit of it then
        makes only its changed rows). False when nothing is left to do."""
        kept, data = self.kept, self.kept.data
        if data is None:
            return False
        for cert in data.report.certifications:
            if cert.id not in kept.audit_lines:
                round_ = Round(self, Kept(), kept)
                round_.audit_body(cert, data)
                return True
        return False

    def environment(self, theme: str, make: Callable[[], object]):
        """The Jinja environment, kept while the theme is the same: its
        templates are compiled once, not on every rebuild."""
        if self._environment is None or self._environment[0] != theme:
            self._environment = (theme, make())
        return self._environment[1]

    def watcher_saw(self, saved: set[str] | None) -> None:
        """What the watcher said was saved before a build (None: a whole
        scan). A whole scan finds every proof file again from scratch."""
        if saved is None:
            self.saved = None
            self.located.clear()
        elif self.saved is not None:
            self.saved |= saved

    def proofs_moved(self) -> bool:
        """Whether a proof file found by the last build changed without a
        watcher saying so (written through a link, an event the system
        dropped): serve asks once idle, and rebuilds with a whole scan."""
        states = self.kept.proof_states
        return any(_stat_state(*where) != states.get(proof) for proof, where in list(self.located.items()))


class Round:
    """One build's use of the carry: the previous results, the new ones as
    they are worked out, and what changed between them."""

    def __init__(self, carry: Carry, previous: Kept, new: Kept) -> None:
        self.carry, self.old, self.new = carry, previous, new
        self.changed: set[str] = set()  # entry ids whose entry is another object (or gone)
        self.changed_bases: set[str] = set()
        self.changed_keys: set[str] = set()  # entry ids whose entry key changed
        self.moved: set[str] | None = None  # entry ids whose address may have changed (None: any)
        self.index_changed: set[str] | None = None  # entry ids whose index entry may have changed (None: any)

    # -- entries and their bases ---------------------------------------------------------

    def bases(self, ledger, recorded: dict) -> dict[str, str]:
        """`keys.entry_bases`, redone for the entries that changed or whose
        proof file changed (git's dates are part of the world: when they
        change, nothing is carried over)."""
        old, new = self.old, self.new
        previous = old.by_id
        delta = ledger.delta
        new.credits = ledger.credits
        if previous and delta is not None and delta.previous is old.credits:  # the read says what changed
            by_id = dict(previous)
            for entry in delta.removed:
                if by_id.get(entry.id) is entry:
                    del by_id[entry.id]
            by_id.update((entry.id, entry) for entry in delta.added)
            changed = {entry.id for entry in (*delta.removed, *delta.added)}
        else:
            by_id = {e.id: e for e in ledger.credits}
            changed = {i for i, e in by_id.items() if previous.get(i) is not e}
            changed.update(i for i in previous if i not in by_id)
        gone = {i for i in changed if i not in by_id}
        new.by_id = by_id
        self.changed = changed
        if previous:
            proof_of = dict(old.proof_of)
            for entry_id in changed:
                entry = by_id.get(entry_id)
                if entry is not None and entry.proof:
                    proof_of[entry_id] = entry.proof
                else:
                    proof_of.pop(entry_id, None)
        else:
            proof_of = {e.id: e.proof for e in ledger.credits if e.proof}
        new.proof_of = proof_of
        states = {proof: self._proof_state(ledger, proof) for proof in set(proof_of.values())}
        new.proof_states = states
        redo = set(changed)
        if states != old.proof_states:
            moved_proofs = {p for p in states.keys() | old.proof_states.keys() if states.get(p) != old.proof_states.get(p)}
            redo.update(entry_id for entry_id, proof in proof_of.items() if proof in moved_proofs)
        bases = dict(old.bases)
        for entry_id in gone:
            bases.pop(entry_id, None)
        for entry_id in redo:
            entry = by_id.get(entry_id)
            if entry is not None:
                proof = states[entry.proof] if entry.proof else ""
                line = f"{content_key(entry)}\t{recorded_at(recorded, entry)}\t{proof}"
                if bases.get(entry_id) != line:
                    self.changed_bases.add(entry_id)
                bases[entry_id] = line
        self.changed_bases |= gone
        new.bases = bases
        return bases

    def _proof_state(self, ledger, proof: str) -> str:
        """`keys.proof_state` without finding the file again when it was
        found before: any write to it, or a link put in its place, changes
        its status, and then it is found again from scratch (it may be
        unreadable now, or lead elsewhere). When `serve`'s watcher says
        which files were saved since the last build, a proof file found
        before and not saved keeps its state unlooked-at (`Carry.saved`;
        serve checks them all once idle, `Carry.proofs_moved`). One not
        found (or not a file) is looked for again."""
        where = self.carry.located.get(proof)
        kept = self.old.proof_states.get(proof)
        if where is not None and kept is not None:
            saved = self.carry.saved
            if saved is not None and where[0] not in saved:
                return kept
            if _stat_state(*where) == kept:
                return kept
        self.carry.located.pop(proof, None)
        state = proof_state(ledger, proof)
        location = locate(ledger, proof)
        if location.path is not None and state == _stat_state(location.rel, str(location.path)):
            self.carry.located[proof] = (location.rel, str(location.path))
        return state

    # -- what each entry counts toward -------------------------------------------------------

    def index(self, report) -> dict:
        """`entry_views.entry_index`, redone for the entries of the
        certifications whose report is not the one kept."""
        old, new = self.old, self.new
        maps, affected = {}, set(self.changed)
        same_certs = [c.id for c in report.certifications] == list(old.cert_maps)
        for cert in report.certifications:
            kept = old.cert_maps.get(cert.id)
            if same_certs and kept is not None and kept[0] is cert:
                maps[cert.id] = kept
                continue
            per_entry: dict[str, list] = {}
            outside = {id(c) for c in cert.outside}
            for c in cert.counted:
                per_entry.setdefault(c.entry.id, []).append((cert, c, id(c) in outside))
            maps[cert.id] = (cert, per_entry)
            if kept is None:
                affected.update(per_entry)
            else:  # a report made again: the entries it counts differently
                before = kept[1]
                affected.update(i for i in before.keys() | per_entry.keys()
                                if _shown(before.get(i, ())) != _shown(per_entry.get(i, ())))
        new.cert_maps = maps
        if not same_certs:
            index = entry_views.entry_index(report)
            self.index_changed = None  # every entry
        else:
            # Every entry a remade report counts gets its tuple again (it must hold the new
            # report's objects); `index_changed` names those whose tuple says something new.
            index = dict(old.index)
            redo = set(affected)
            remade = [cert_id for cert_id, kept in maps.items() if old.cert_maps.get(cert_id) is not kept]
            for cert_id in remade:  # (those it no longer counts are `affected`)
                redo.update(maps[cert_id][1])
            order = {cert_id: number for number, cert_id in enumerate(maps)}
            for entry_id in redo:
                # The certifications counting it: those that did (unchanged ones still do), and the remade ones.
                cert_ids = {cert.id for cert, _, _ in old.index.get(entry_id, ()) if cert.id in maps}
                cert_ids.update(cert_id for cert_id in remade if entry_id in maps[cert_id][1])
                found = tuple(item for cert_id in sorted(cert_ids, key=order.__getitem__) for item in maps[cert_id][1].get(entry_id, ()))
                if found:
                    index[entry_id] = found
                else:
                    index.pop(entry_id, None)
            self.index_changed = affected
        new.index = index
        return index

    # -- addresses ----------------------------------------------------------------------------

    def urls(self, ledger, opportunities: list):
        """`addresses.plan`, redoing the months an entry left or joined,
        and the opportunities only when they changed."""
        old, new = self.old, self.new
        credits = ledger.credits
        if len(credits) <= addresses.GROUP_ABOVE or not old.months:
            urls = addresses.plan(credits, opportunities)
            new.months = addresses.months(credits) if len(credits) > addresses.GROUP_ABOVE else {}
            new.month_groups = {}
            for group in urls.entry_groups:
                new.month_groups.setdefault(group.month, []).append(group)
            self.moved = None  # every entry
        else:
            touched: dict[str, set] = {}
            for entry_id in self.changed:
                before, after = old.by_id.get(entry_id), new.by_id.get(entry_id)
                for entry in (before, after):
                    if entry is not None:
                        touched.setdefault(addresses.month_of(entry), set())
            months = dict(old.months)
            for month in touched:
                members = [e for e in months.get(month, ()) if e.id not in self.changed]
                members.extend(new.by_id[i] for i in self.changed
                               if i in new.by_id and addresses.month_of(new.by_id[i]) == month)
                if members:
                    months[month] = sorted(members, key=addresses.entry_order)
                else:
                    months.pop(month, None)
            new.months = months
            groups = dict(old.month_groups)
            entry_urls = dict(old.urls.entry)
            for entry_id in self.changed - new.by_id.keys():
                entry_urls.pop(entry_id, None)
            moved = set()
            for month in touched:
                made = addresses.month_groups(month, months[month], "credits", "Credits of") if month in months else []
                if made:
                    groups[month] = made
                else:
                    groups.pop(month, None)
                for group in made:
                    for entry in group.items:
                        entry_urls[entry.id] = f"{group.path}#{entry.id}"
                        moved.add(entry.id)
            new.month_groups = groups
            self.moved = moved
            if same_records(ledger.opportunities, old.opportunities):
                opp_urls, opp_groups = old.urls.opportunity, old.urls.opportunity_groups
            else:
                fresh = addresses.plan((), opportunities)
                opp_urls, opp_groups = fresh.opportunity, fresh.opportunity_groups
            urls = addresses.Addresses(entry_urls, tuple(g for month in sorted(groups) for g in groups[month]), opp_urls, opp_groups)
        new.opportunities = ledger.opportunities
        new.urls = urls
        return urls

    # -- opportunity cards ----------------------------------------------------------------------

    def logged(self, ledger) -> dict:
        """`opportunities.logged_entries`, asking again only about the
        entries that changed while the opportunities are the same."""
        old, new = self.old, self.new
        if old.logged and same_records(ledger.opportunities, old.logged[0].opportunities):
            matcher, records = old.logged[0], dict(old.logged[1])
            for entry_id in self.changed:
                records.pop(entry_id, None)
                entry = new.by_id.get(entry_id)
                found = matcher.records_of(entry) if entry is not None else ()
                if found:
                    records[entry_id] = found
        else:
            matcher = LoggedMatcher(ledger.opportunities)
            records = {entry.id: found for entry in ledger.credits if (found := matcher.records_of(entry))}
        new.logged = (matcher, records)
        return by_opportunity((new.by_id[entry_id], found) for entry_id, found in records.items())

    def cards(self, opportunities: list, report, urls, logged: dict) -> list:
        """`catalog.card` for each opportunity, kept while the opportunity,
        what it shows of the certifications held and where it was logged
        are the same (`logged`: `opportunities.logged_entries`)."""
        old, new = self.old, self.new
        held = held_signature(opportunities, report)
        new.held = held
        moved = _moved_certs(old.held, held)  # None: any
        memo: dict = {}
        cards = []
        kept = {}
        for opp in opportunities:
            hit = old.cards.get(id(opp)) if moved is not None else None
            url = urls.opportunity[opp.id]
            done = catalog.logged_as(opp, logged, urls)
            if (hit is not None and hit[0] is opp and hit[1].url == url and hit[1].logged == done
                    and not (moved and any(row.cert_id in moved for row in hit[1].estimates))):
                made = hit[1]
            else:
                made = catalog.card(opp, report, urls, memo, done)
            kept[id(opp)] = (opp, made)
            cards.append(made)
        new.cards = kept
        return cards

    # -- entry keys -----------------------------------------------------------------------------

    def entry_keys(self, data, make_one: Callable[[CreditEntry], str]) -> dict[str, str]:
        """`SiteData.entry_keys`, redone for the entries whose base, index
        or address changed; notes which keys changed, for the pages."""
        old, new = self.old, self.new
        names = data.cert_names
        new.cert_names = names
        if names != old.cert_names or self.moved is None or self.index_changed is None:
            redo: Iterable[str] = new.by_id.keys()
            keys: dict[str, str] = {}
        else:
            redo = self.changed_bases | self.index_changed | self.moved
            keys = dict(old.entry_keys)
        for gone in self.changed - new.by_id.keys():
            keys.pop(gone, None)
        changed = set(self.changed - new.by_id.keys())
        previous = old.entry_keys
        for entry_id in redo:
            entry = new.by_id.get(entry_id)
            if entry is None:
                continue
            key = make_one(entry)
            if previous.get(entry_id) != key:
                changed.add(entry_id)
            keys[entry_id] = key
        self.changed_keys = changed
        new.entry_keys = keys
        return keys

    def newest_first(self, ledger) -> tuple:
        """`entry_views.newest_first`, by taking the changed entries out of
        the kept order and putting the new ones in."""
        old, new = self.old, self.new
        if not old.ascending:
            ascending = sorted(ledger.credits, key=addresses.entry_order)
        else:
            ascending = list(old.ascending)
            for entry_id in self.changed:
                entry = old.by_id.get(entry_id)
                if entry is not None and not _take_out(ascending, entry):
                    new.ascending = sorted(ledger.credits, key=addresses.entry_order)
                    return tuple(reversed(new.ascending))
            for entry_id in self.changed:
                entry = new.by_id.get(entry_id)
                if entry is not None:
                    bisect.insort(ascending, entry, key=addresses.entry_order)
        new.ascending = ascending
        return tuple(reversed(ascending))

    # -- keys of pages and files ------------------------------------------------------------------

    def key(self, what: str, signature: tuple, entry_ids: Iterable[str], make: Callable[[], object], bases: bool = False):
        """The key of a page or file (or any value made from its entries):
        the kept one when its signature is equal and none of the entries it
        shows changed its key (with `bases`, its base), else `make()`."""
        done = self.new.keys.get(what)
        if done is not None and done[0] == signature:  # asked again this round (by a forked worker, say)
            return done[1]
        kept = self.old.keys.get(what)
        changed = self.changed_bases if bases else self.changed_keys
        # The ids shown go with the signature (which holds the items themselves): kept as a set,
        # they are checked against the few changed ids, not walked.
        if kept is not None and kept[0] == signature and changed.isdisjoint(kept[2]):
            key, ids = kept[1], kept[2]
        else:
            key, ids = make(), frozenset(entry_ids)
        self.new.keys[what] = (signature, key, ids)
        return key

    def token(self, what: str, signature: tuple, entry_ids: Iterable[str]) -> str:
        """A key for a page that has none of its own (a certification
        page, the search index): the kept one when nothing it is made from
        changed, else a new one, never given out before."""
        return self.key(what, signature, entry_ids, lambda: f"{self.carry.session} {self.carry.generation} {what}")

    def credits_total(self, index: dict):
        """`entry_views.credits_total` of every entry, redoing the totals
        of the entries whose index says something new."""
        old, new = self.old, self.new
        if self.index_changed is None or not old.shown:
            shown = {entry_id: entry_views.shown_total(entry_id, index) for entry_id in new.by_id}
        else:
            shown = dict(old.shown)
            for entry_id in self.index_changed | self.changed:
                if entry_id in new.by_id:
                    shown[entry_id] = entry_views.shown_total(entry_id, index)
                else:
                    shown.pop(entry_id, None)
        new.shown = shown
        return sum(shown.values(), entry_views.ZERO)

    def cert_entries(self, cert_id: str):
        """The ids of the entries a certification counts (`index` first)."""
        return self.new.cert_maps[cert_id][1].keys()

    def proof_files(self):
        """(rel, path, state) of each proof file found, without finding
        them again (`bases` first)."""
        located, seen = self.carry.located, set()
        for proof, state in self.new.proof_states.items():
            where = located.get(proof)
            if where is not None and where[0] not in seen:
                seen.add(where[0])
                yield where[0], where[1], state


    # -- audit CSV ----------------------------------------------------------------------------

    def audit_body(self, cert, data) -> bytes:
        """A certification's audit CSV without its header, as
        `exports.audit.csv_bodies` writes it: a row that says what
        it said last time (same entry, allocation, base, credits, category
        and cycle) keeps its line, the others are made (`RowMaker`)."""
        kept = self.old.audit_lines.get(cert.id, {})
        maker = RowMaker(data.ledger, data.report, data.recorded)
        bases = self.new.bases
        made: dict = {}
        keyed: list = []
        missing: list = []
        cycle_of: dict = {}
        for c in cert.counted:
            entry, allocation = c.entry, c.allocation
            start, end = maker.bounds(cert, c, cycle_of)
            signature = (bases[entry.id], c.credits, c.category, start, end, cert.unit)
            spot = (id(entry), id(allocation))
            hit = kept.get(spot)
            if hit is not None and hit[0] is entry and hit[1] is allocation and hit[2] == signature:
                made[spot] = hit
            else:
                missing.append((spot, c, signature, start, end))
            keyed.append(spot)
        for spot, c, signature, start, end in missing:
            place, line = maker.line(cert, c, start, end)
            made[spot] = (c.entry, c.allocation, signature, place, line.encode("utf-8"))
        ordered = sorted(keyed, key=lambda spot: made[spot][3])  # stable: rows of one place stay in counted order
        self.new.audit_lines[cert.id] = made
        return b"".join(made[spot][4] for spot in ordered)


def _moved_certs(before, after) -> set | None:
    """The certifications whose part of `held_signature` changed (what an
    opportunity would add to them); None when the certifications held did."""
    if not before or before[0] != after[0]:
        return None
    changed = {row[0] for row in set(before[1]) ^ set(after[1])}
    return changed


def _take_out(ascending: list, entry) -> bool:
    """Removes `entry` from a list in `entry_order`, found where its order
    puts it; False when it is not there."""
    order = addresses.entry_order
    spot = bisect.bisect_left(ascending, order(entry), key=order)
    while spot < len(ascending) and order(ascending[spot]) == order(entry):
        if ascending[spot] is entry:
            del ascending[spot]
            return True
        spot += 1
    return False


def _stat_state(rel: str, path: str) -> str | None:
    """`keys.proof_state` of a file found at `path` (None: gone)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return f"{rel!r} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"


def _shown(counted: list) -> list:
    """What pages show of an entry's counting toward one certification."""
    return [(c.credits, c.estimated, c.estimable, outside, c.category) for _, c, outside in counted]

