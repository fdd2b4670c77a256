"""What an opportunity would earn toward each certification held, and the
entry that logging it writes.

The estimate is the engine's (the program's rule, rounded down), and the
pace gain is the SPEC's `delta_days` after minus before, as if the credits
were earned on the as-of date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

from .engine.compute import CertReport, Report
from .engine.estimate import estimate
from .engine.pace import pace
from .authoring import credit_entry_yaml
from .model import CreditEntry, Opportunity, Settings


@dataclass(frozen=True)
class Estimate:
    cert_id: str
    cert_name: str
    unit: str
    credits: Decimal | None  # None: cannot be estimated (no duration, or fixed per catalog item)
    days_gained: int | None
    listed: bool  # the opportunity names this certification or its program


def qualifies(opp: Opportunity, cert: CertReport) -> bool:
    targets = opp.counts_toward  # a name or two: a tuple is searched faster than a set is built
    return cert.id in targets or (cert.rules.program is not None and cert.rules.program.id in targets)


def estimates(opp: Opportunity, report: Report, memo: dict | None = None, every_held: bool = False) -> tuple[Estimate, ...]:
    """The certifications it is listed for — all held ones when it names
    none — or with `every_held` (an opportunity's own page, SPEC §5) each
    certification held: the listed ones first, then the others, marked
    unlisted (it may still qualify: the person checks). `memo`, shared
    over one report's opportunities, keeps what a certification gives a
    delivery and a duration: catalogs repeat them by the thousand."""
    result = []
    for cert in report.certifications:
        listed = qualifies(opp, cert)
        if opp.counts_toward and not listed and not every_held:
            continue
        shape = (cert.id, opp.delivery, opp.minutes)
        found = memo.get(shape) if memo is not None else None
        if found is None:
            credits = estimate(opp, cert.rules)
            found = (credits, _days_gained(cert, credits, report.as_of))
            if memo is not None:
                memo[shape] = found
        result.append(Estimate(cert.id, cert.name, cert.unit, found[0], found[1], listed))
    return tuple(sorted(result, key=lambda e: not e.listed))


def held_signature(opportunities, report: Report) -> tuple:
    """All that opportunity cards and pages show of the certifications
    held: each one's id, name, unit and program, and what it makes of each
    delivery method and duration the opportunities have (credits, days of
    pace gained). Not its credits: they change with every entry logged,
    while what an opportunity would add to them mostly does not (keys of
    opportunity pages, see `site.pages`)."""
    shapes: dict[tuple, Opportunity] = {}
    for opp in opportunities:
        shapes.setdefault((opp.delivery, opp.minutes), opp)
    held = tuple((c.id, c.name, c.unit, c.rules.program.id if c.rules.program is not None else None) for c in report.certifications)
    table = []
    for cert in report.certifications:
        for (delivery, minutes), opp in shapes.items():
            credits = estimate(opp, cert.rules)
            table.append((cert.id, delivery, minutes, credits, _days_gained(cert, credits, report.as_of)))
    return held, tuple(table)


def _days_gained(cert: CertReport, credits: Decimal | None, as_of: dt.date) -> int | None:
    c = cert.current
    if c is None or credits is None or not c.start <= as_of <= c.end:
        return None
    tolerance = 0
    before = pace(c.credited, c.required, c.start, c.end, as_of, tolerance).delta_days
    after = pace(c.credited + credits, c.required, c.start, c.end, as_of, tolerance).delta_days
    return after - before


def default_date(opp: Opportunity, today: dt.date) -> dt.date:
    """The activity's own date (an entry logged after an upcoming event
    keeps the event's day), else today (self-paced, undated)."""
    return opp.date if opp.date is not None else today


def entry_yaml(opp: Opportunity, day: dt.date, certs: list[str], proof: str | None = None, proof_sha256: str | None = None) -> str:
    """The credit entry that logging an opportunity writes."""
    hours = opp.minutes / 60 if opp.minutes is not None else None
    whole = hours is not None and hours == hours.quantize(Decimal("0.01"))
    note = f"{LOGGED_FROM} `{opp.id}`" + (f": {opp.url}" if opp.url else ".")
    return credit_entry_yaml(
        title=opp.title,
        provider=opp.provider,
        day=day,
        counts_toward=certs,
        hours=hours.quantize(Decimal("0.01")).normalize() if whole else None,
        minutes=None if whole else opp.minutes,
        delivery=opp.delivery,
        description=note,
        proof=proof,
        proof_sha256=proof_sha256,
    )


def github_new_file_url(settings: Settings, path: str, content: str) -> str | None:
    """GitHub's new-file page with the path and content filled in, when the
    ledger's repository is on GitHub (`repository_url`)."""
    url = settings.repository_url or ""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?(?:/tree/([^?#]+))?/?", url)
    if not match:
        return None
    owner, repo, branch = match.group(1), match.group(2), match.group(3) or "main"
    query = urlencode({"filename": path, "value": content}, quote_via=quote)
    return f"https://github.com/{owner}/{repo}/new/{quote(branch)}?{query}"


LOGGED_FROM = "Logged from opportunity"  # how `entry_yaml`'s note begins
_LOGGED_NOTE = re.compile(LOGGED_FROM + r" `([^`\s]+)`")


def logged_entries(opportunities, credits) -> dict[str, tuple[CreditEntry, ...]]:
    """The credit entries that record each opportunity, for those that have
    some, by date (see `LoggedMatcher`)."""
    matcher = LoggedMatcher(opportunities)
    return by_opportunity((entry, matcher.records_of(entry)) for entry in credits)


def by_opportunity(found) -> dict[str, tuple[CreditEntry, ...]]:
    """(entry, the opportunity ids it records) pairs, turned around."""
    entries: dict[str, list[CreditEntry]] = {}
    for entry, opp_ids in found:
        for opp_id in opp_ids:
            entries.setdefault(opp_id, []).append(entry)
    return {opp_id: tuple(sorted(listed, key=lambda e: (e.date, e.id))) for opp_id, listed in entries.items()}


class LoggedMatcher:
    """Which opportunities a credit entry records: the ones `log` wrote it
    from (its note names them, whatever date it was given), and those it
    was written by hand for — of the same provider, dated within its dates,
    titled as it is or with words added ("… 2026 (virtual attendance)");
    for an undated one (a book), of the same provider and title exactly.
    `serve` keeps a matcher while the opportunities are the same and asks
    it about the entries that changed only (at firm scale, asking about
    every entry takes 0.1 s)."""

    def __init__(self, opportunities) -> None:
        self.opportunities = opportunities
        self.dated: dict[tuple[str, dt.date], list[tuple[str, str]]] = {}  # (provider, day) -> (title, opportunity id)
        self.undated: dict[tuple[str, str], list[str]] = {}  # (title, provider) -> opportunity ids
        self.ids = set()
        for opp in opportunities:
            self.ids.add(opp.id)
            title, provider = _words(opp.title), _words(opp.provider or "")
            first, last = opp.starts or opp.ends, opp.ends or opp.starts
            if first is None:
                self.undated.setdefault((title, provider), []).append(opp.id)
                continue
            for offset in range(min((last - first).days, MAX_LOGGED_SPAN_DAYS) + 1):
                self.dated.setdefault((provider, first + dt.timedelta(days=offset)), []).append((title, opp.id))
        self.undated_providers = {provider for _, provider in self.undated}
        self.providers: dict[str, str] = {}  # as written -> as compared: a firm's entries share a few hundred

    def records_of(self, entry: CreditEntry) -> tuple[str, ...]:
        """The ids of the opportunities `entry` records (usually none)."""
        provider = self.providers.get(entry.provider)
        if provider is None:
            provider = self.providers[entry.provider] = _words(entry.provider)
        records: list[str] = []
        candidates = self.dated.get((provider, entry.date))
        if candidates is not None or provider in self.undated_providers:  # the title only when something could match
            title = _words(entry.title)
            records.extend(opp_id for opp_title, opp_id in candidates or () if _same_activity(title, opp_title))
            records.extend(self.undated.get((title, provider), ()))
        if entry.description and LOGGED_FROM in entry.description:
            records.extend(opp_id for opp_id in _LOGGED_NOTE.findall(entry.description) if opp_id in self.ids)
        return tuple(dict.fromkeys(records))  # once each: `log`'s note and the activity itself may both say it


MAX_LOGGED_SPAN_DAYS = 400  # an opportunity's days matched by date: a season of episodes, not a decade


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _same_activity(title: str, opp_title: str) -> bool:
    """The same title, or one of them the other with words added."""
    if title == opp_title:
        return True
    shorter, longer = sorted((title, opp_title), key=len)
    return bool(shorter) and longer.startswith(shorter + " ")


def held_targets(opp: Opportunity, report: Report) -> list[str]:
    """The certifications held that the opportunity is known to count toward."""
    return [c.id for c in report.certifications if qualifies(opp, c)]

