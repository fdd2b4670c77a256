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
    entry_urls, entry_groups = _place(
        credits, "credits", lambda e: e.date.isoformat()[:7], lambda e: (e.date, e.id), "Credits of"
    )
    opp_urls, opp_groups = _place(
        opportunities, "opportunities", lambda o: o.date.isoformat()[:7] if o.date else "any-time",
        lambda o: (o.date is None, o.starts or o.date or "", o.title.lower(), o.id), "Opportunities of",
    )
    return Addresses(entry_urls, entry_groups, opp_urls, opp_groups)


def _place(items: list, folder: str, month, order, label: str):
    if len(items) <= GROUP_ABOVE:
        return {item.id: f"{folder}/{item.id}/index.html" for item in items}, ()
    by_month: dict[str, list] = {}
    for item in items:
        by_month.setdefault(month(item), []).append(item)
    urls: dict[str, str] = {}
    groups: list[Group] = []
    for key in sorted(by_month):
        members = sorted(by_month[key], key=order)
        chunks = [members[i:i + PER_PAGE] for i in range(0, len(members), PER_PAGE)]
        for number, chunk in enumerate(chunks, 1):
            path = f"{folder}/{key}/index.html" if number == 1 else f"{folder}/{key}/page-{number}.html"
            title = f"{label} {_month_title(key)}" + (f" (page {number} of {len(chunks)})" if len(chunks) > 1 else "")
            groups.append(Group(path, title, tuple(chunk)))
            for item in chunk:
                urls[item.id] = f"{path}#{item.id}"
    return urls, tuple(groups)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def _month_title(key: str) -> str:
    if key == "any-time":
        return "any time"
    year, month = key.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"
