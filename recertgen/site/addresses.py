"""Where each credit entry and opportunity lives on the site.

A ledger of ordinary size gets one page per entry and per opportunity. At
firm scale (thousands) one file per item costs more to write than the
whole parse, so items are grouped: one page per month (split into pages
of at most PER_PAGE) with an anchor per item. Every link goes through the
mapping made here, so links to an item work in both layouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from ..model import CreditEntry, Opportunity

GROUP_ABOVE = 2000  # more items than this: detail pages are grouped by month
PER_PAGE = 400


@dataclass(frozen=True)
class Group:
    path: str
    title: str
    items: tuple
    month: str = ""  # what the items were grouped by


@dataclass(frozen=True)
class Addresses:
    entry: Mapping[str, str]  # entry id -> site path, with #anchor when grouped
    entry_groups: tuple[Group, ...]  # empty: one page per entry
    opportunity: Mapping[str, str]
    opportunity_groups: tuple[Group, ...]

    @property
    def grouped_entries(self) -> bool:
        return bool(self.entry_groups)

    @property
    def grouped_opportunities(self) -> bool:
        return bool(self.opportunity_groups)


def plan(credits: Iterable[CreditEntry], opportunities: Iterable[Opportunity]) -> Addresses:
    credits = list(credits)
    opportunities = list(opportunities)
    entry_urls, entry_groups = _place(credits, "credits", month_of, entry_order, "Credits of")
    opp_urls, opp_groups = _place(opportunities, "opportunities", _opportunity_month, _opportunity_order, "Opportunities of")
    return Addresses(entry_urls, entry_groups, opp_urls, opp_groups)


def month_of(entry: CreditEntry) -> str:
    return entry.date.isoformat()[:7]


def entry_order(entry: CreditEntry) -> tuple:
    """An entry's place in its month, and on the credits page."""
    return (entry.date, entry.id)


def _opportunity_month(opp: Opportunity) -> str:
    return opp.date.isoformat()[:7] if opp.date else "any-time"


def _opportunity_order(opp: Opportunity) -> tuple:
    return (opp.date is None, opp.starts or opp.date or "", opp.title.lower(), opp.id)


def months(credits: Iterable[CreditEntry]) -> dict[str, list[CreditEntry]]:
    """The entries of each month, in page order."""
    return {key: sorted(members, key=entry_order) for key, members in _by_month(credits, month_of).items()}


def _by_month(items: Iterable, month) -> dict[str, list]:
    by_month: dict[str, list] = {}
    for item in items:
        by_month.setdefault(month(item), []).append(item)
    return by_month


def _place(items: list, folder: str, month, order, label: str):
    if len(items) <= GROUP_ABOVE:
        return {item.id: f"{folder}/{item.id}/index.html" for item in items}, ()
    by_month = _by_month(items, month)
    urls: dict[str, str] = {}
    groups: list[Group] = []
    for key in sorted(by_month):
        made = month_groups(key, sorted(by_month[key], key=order), folder, label)
        groups.extend(made)
        for group in made:
            for item in group.items:
                urls[item.id] = f"{group.path}#{item.id}"
    return urls, tuple(groups)


def month_groups(key: str, members: list, folder: str, label: str) -> list[Group]:
    """One month's pages, `members` in page order."""
    chunks = [members[i:i + PER_PAGE] for i in range(0, len(members), PER_PAGE)]
    groups = []
    for number, chunk in enumerate(chunks, 1):
        path = f"{folder}/{key}/index.html" if number == 1 else f"{folder}/{key}/page-{number}.html"
        title = f"{label} {_month_title(key)}" + (f" (page {number} of {len(chunks)})" if len(chunks) > 1 else "")
        groups.append(Group(path, title, tuple(chunk), key))
    return groups


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def _month_title(key: str) -> str:
    if key == "any-time":
        return "any time"
    year, month = key.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"
