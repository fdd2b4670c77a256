"""Everything the pages need, gathered once before anything is written;
the long row lists (audit trail, credits page) are built by the jobs
that write them, on whichever core runs the job."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..api import Loaded
from ..exports.audit import rows_key
from ..gitinfo import head_commit, recorded_dates
from ..keys import entry_bases
from ..model import same_records
from ..opportunities import logged_entries
from . import catalog, entry_views, views
from .addresses import Addresses, plan

if TYPE_CHECKING:
    from .carry import Carry, Round


@dataclass(frozen=True)
class Basis:
    """What the exports need: the loaded ledger and report, and what git
    says. Known before the pages' data is gathered, so the exports can
    start on another core while it is (`build.build_site`)."""

    loaded: Loaded
    recorded: dict[str, str]  # file -> date of the commit that first added it
    commit: str | None
    carried: "Round | None" = field(default=None, kw_only=True, compare=False)  # what serve kept of its last build

    @cached_property
    def audit_keys(self) -> dict[str, str]:
        """Per certification, the digest of its audit rows (`exports.audit.rows_key`)."""
        return self._cert_keys("audit.csv", False)

    @cached_property
    def certificate_keys(self) -> dict[str, str]:
        """Per certification, the digest of its rows with a proof file."""
        return self._cert_keys("certificates", True)

    def _cert_keys(self, what: str, proofs_only: bool) -> dict[str, str]:
        bases, carried = self.entry_bases, self.carried
        keys = {}
        for cert in self.report.certifications:
            def make(cert=cert):
                return rows_key(cert, self.ledger, bases, proofs_only)
            keys[cert.id] = make() if carried is None else carried.key(
                f"{what} {cert.id}", (cert,), carried.cert_entries(cert.id), make, bases=True)
        return keys

    @cached_property
    def entry_bases(self) -> dict[str, str]:
        """`keys.entry_bases`: once per process that needs them."""
        if self.carried is not None:
            return self.carried.bases(self.ledger, self.recorded)
        return entry_bases(self.ledger, self.recorded)

    @property
    def ledger(self):
        return self.loaded.ledger

    @property
    def report(self):
        return self.loaded.report


def basis(loaded: Loaded, carry: "Carry | None" = None, theme: str = "") -> Basis:
    """(`carry`, `theme`: what serve kept of its last build, used when
    nothing every page shows changed: the settings, the as-of date, git's
    dates and commit, the theme, the certifications held.)"""
    ledger = loaded.ledger
    recorded, commit = recorded_dates(ledger), head_commit(ledger.root)
    carried = None
    if carry is not None:
        world = (str(ledger.root), ledger.settings, loaded.as_of, commit, recorded, theme, tuple(c.id for c in ledger.certifications))
        carried = carry.begin(world)
    return Basis(loaded, recorded, commit, carried=carried)


@dataclass(frozen=True)
class SiteData(Basis):
    site: views.SiteInfo
    opportunities: list  # sorted by date, undated last
    opportunity_cards: list
    entries: dict  # entry id -> what it counts toward (entry_views.entry_index)
    urls: Addresses
    credit_entries: tuple  # the credits page's entries, newest first

    @cached_property
    def cert_names(self) -> dict[str, str]:
        """Each certification's id and name as they go into entry keys."""
        return {cert.id: f"{cert.id!r} {cert.name!r}" for cert in self.report.certifications}

    @cached_property
    def entry_keys(self) -> dict[str, str]:
        """Per entry id, everything its detail shows: `entry_bases`, what it
        counts toward and its address. Month pages, audit parts and credits
        data files all show an entry, often on different cores: the build
        works these out once, before the workers start."""
        names, urls, bases, index = self.cert_names, self.urls.entry, self.entry_bases, self.entries

        def key(entry) -> str:
            counted = "".join([f"{names[cert.id]} {c.credits} {c.estimated:d}{c.estimable:d}{outside:d} {c.category!r};"
                               for cert, c, outside in index.get(entry.id, ())])
            return f"{bases[entry.id]}\t{counted}\t{urls[entry.id]}"

        if self.carried is not None:
            return self.carried.entry_keys(self, key)
        return {entry.id: key(entry) for entry in self.ledger.credits}

    def credit_rows(self, start: int = 0, stop: int | None = None) -> tuple:
        """The credits page's rows for a stretch of `credit_entries`."""
        return entry_views.credit_rows(self.ledger, self.entries, self.urls, self.credit_entries[start:stop])

    @property
    def row_count(self) -> int:
        return sum(len(cert.counted) for cert in self.report.certifications)


def gather(loaded: Loaded, base: Basis | None = None) -> SiteData:
    base = base if base is not None else basis(loaded)
    ledger, report = loaded.ledger, loaded.report
    carried = base.carried
    if carried is not None:
        return _gather_carried(loaded, base, carried)
    opportunities = catalog.sorted_opportunities(ledger)
    urls = plan(ledger.credits, opportunities)
    memo: dict = {}
    logged = logged_entries(opportunities, ledger.credits)
    cards = [catalog.card(o, report, urls, memo, catalog.logged_as(o, logged, urls)) for o in opportunities]
    entries = entry_views.entry_index(report)
    return SiteData(
        loaded=loaded,
        recorded=base.recorded,
        commit=base.commit,
        site=views.site_info(ledger, report, base.commit),
        opportunities=opportunities,
        opportunity_cards=cards,
        entries=entries,
        urls=urls,
        credit_entries=entry_views.newest_first(ledger),
    )


def _gather_carried(loaded: Loaded, base: Basis, carried: "Round") -> SiteData:
    """`gather` from what serve kept of its last build (`carry`)."""
    ledger, report = loaded.ledger, loaded.report
    bases = base.entry_bases  # first: it finds which entries changed
    if same_records(ledger.opportunities, carried.old.opportunities):
        opportunities = carried.old.sorted_opportunities
    else:
        opportunities = catalog.sorted_opportunities(ledger)
    carried.new.sorted_opportunities = opportunities
    entries = carried.index(report)
    urls = carried.urls(ledger, opportunities)
    data = SiteData(
        loaded=loaded,
        recorded=base.recorded,
        commit=base.commit,
        carried=carried,
        site=views.site_info(ledger, report, base.commit),
        opportunities=opportunities,
        opportunity_cards=carried.cards(opportunities, report, urls, carried.logged(ledger)),
        entries=entries,
        urls=urls,
        credit_entries=carried.newest_first(ledger),
    )
    data.__dict__["entry_bases"] = bases  # the cached property, worked out once
    return data
