"""Years and categories inside a cycle: sums, caps and minimums.

A cycle's credits are cut into annual periods (after the program's yearly
category caps, such as ISACA's 20 volunteering hours a year), then summed
per category and capped for the cycle (a child category, such as PMI's
Ways of Working, is capped first and counts toward its parent).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable

from ..amounts import ZERO
from ..model import CategoryLimit, within_loops
from .pace import pace
from .rules import AnnualPeriod, CertRules


@dataclass(frozen=True)
class CategoryStatus:
    name: str
    label: str
    min: Decimal | None
    max: Decimal | None
    within: str | None
    earned: Decimal  # before the cap
    counted: Decimal  # after the cap
    remaining: Decimal  # to the minimum

    @property
    def met(self) -> bool:
        return self.remaining <= 0

    @property
    def capped(self) -> bool:
        return self.counted < self.earned


@dataclass(frozen=True)
class AnnualStatus:
    start: dt.date
    end: dt.date
    minimum: Decimal | None
    earned: Decimal
    remaining: Decimal
    status: str  # met/missed once over, a pace word while it runs; "" without a minimum
    delta_days: int | None
    categories: tuple[CategoryStatus, ...]
    current: bool
    past: bool


@dataclass(frozen=True)
class DeliveryLimitStatus:
    """Credits of one delivery method against the program's limit on them,
    over a cycle or one of its years."""

    delivery: str
    max: Decimal
    per: str  # "cycle" or "year"
    start: dt.date
    end: dt.date
    earned: Decimal  # before the limit
    counted: Decimal  # after it

    @property
    def capped(self) -> bool:
        return self.counted < self.earned


def limit_deliveries(rules: CertRules, cycle_start: dt.date, cycle_end: dt.date, periods: tuple[AnnualPeriod, ...],
                     entries) -> tuple[list, tuple[DeliveryLimitStatus, ...]]:
    """The entries as they count under the program's limits by delivery
    method (Texas: nano-learning at most half of the cycle's total; ACFE:
    instructor credit at most 10 a year): once a limit is reached, later
    credits of that method (in date order) do not count. Whatever their
    category: the limit is on how the credit was earned, not on its subject.
    Entries cut are copies with the credits that count; the rest as given."""
    if not rules.delivery_limits and not rules.annual_delivery_limits:
        return list(entries), ()
    cut: dict[int, Decimal] = {}
    statuses: list[DeliveryLimitStatus] = []

    def apply(span, limits, per: str, start: dt.date, end: dt.date) -> None:
        for delivery, maximum in limits:
            earned = used = ZERO
            for c in span:
                if c.entry.delivery != delivery:
                    continue
                have = c.credits - cut.get(id(c), ZERO)
                take = min(have, max(maximum - used, ZERO))
                earned += have
                used += take
                if take < have:
                    cut[id(c)] = cut.get(id(c), ZERO) + have - take
            if earned:
                statuses.append(DeliveryLimitStatus(delivery, maximum, per, start, end, earned, used))

    apply(entries, rules.delivery_limits, "cycle", cycle_start, cycle_end)
    for period in periods:
        apply(between(entries, period.counts_from, period.end), rules.annual_delivery_limits, "year", period.start, period.end)
    counting = [replace(c, credits=c.credits - cut[id(c)]) if id(c) in cut else c for c in entries]
    return counting, tuple(statuses)


def between(counted: list, first: dt.date, last: dt.date) -> list:
    """The credits dated in [first, last]; `counted` is sorted by date, so
    two binary searches find them (a cycle of a large ledger, many times)."""
    return counted[bisect_left(counted, first, key=_date):bisect_right(counted, last, key=_date)]


def _date(c) -> dt.date:
    return c.date


# -- categories and caps ------------------------------------------------------

def sum_by_category(entries: Iterable) -> dict[str | None, Decimal]:
    sums: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    for c in entries:
        sums[c.category] += c.credits
    return sums


def apply_caps(limits: tuple[CategoryLimit, ...], sums: dict[str | None, Decimal]) -> tuple[list[CategoryStatus], Decimal]:
    """Category statuses and the total after caps. A child category (PMI's
    Ways of Working within Education) is capped first, then counts toward
    its parent, whose own cap applies to the sum."""
    parents = category_parents(limits)
    children: dict[str, list[CategoryLimit]] = defaultdict(list)
    for limit in limits:
        if parents[limit.name] is not None:
            children[parents[limit.name]].append(limit)
    counted: dict[str, Decimal] = {}
    earned: dict[str, Decimal] = {}
    depth = _depths(parents)
    for limit in sorted(limits, key=lambda l: -depth[l.name]):  # children before their parents
        raw = sums.get(limit.name, ZERO)
        own = children[limit.name]
        earned[limit.name] = raw + sum((sums.get(c.name, ZERO) for c in own), ZERO)
        total = raw + sum((counted[c.name] for c in own), ZERO)
        counted[limit.name] = min(total, limit.max) if limit.max is not None else total
    top_level = sum((counted[limit.name] for limit in limits if parents[limit.name] is None), ZERO)
    uncategorised = sum((v for k, v in sums.items() if k not in parents), ZERO)
    statuses = [
        CategoryStatus(
            name=limit.name,
            label=limit.title,
            min=limit.min,
            max=limit.max,
            within=parents[limit.name],
            earned=earned[limit.name],
            counted=counted[limit.name],
            remaining=max((limit.min or ZERO) - counted[limit.name], ZERO),
        )
        for limit in limits
    ]
    return statuses, top_level + uncategorised


def category_parents(limits: tuple[CategoryLimit, ...]) -> dict[str, str | None]:
    """Each category's parent, None at the top. A `within` naming no
    category here, or going round a loop (a within b within a), is ignored
    (validation reports both): credits must neither vanish nor count twice."""
    looping = {name for loop in within_loops(limits) for name in loop}
    names = {limit.name for limit in limits}
    return {limit.name: limit.within if limit.within in names and limit.name not in looping else None for limit in limits}


def _depths(parents: dict[str, str | None]) -> dict[str, int]:
    """How far each category is below the top (parents form a forest),
    without recursion: a chain may be as long as a ledger cares to write."""
    depth: dict[str, int] = {}
    for name in parents:
        chain: list[str] = []
        current = name
        while current is not None and current not in depth:
            chain.append(current)
            current = parents[current]
        level = -1 if current is None else depth[current]
        for step in reversed(chain):
            level += 1
            depth[step] = level
    return depth


def cycle_categories(limits, period_totals: list[dict], carried: Decimal, carry_category: str | None):
    sums: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    for totals in period_totals:
        for category, amount in totals.items():
            sums[category] += amount
    if carried:
        sums[carry_category] += carried
    statuses, total = apply_caps(limits, sums)
    return tuple(statuses), total


def annual(rules: CertRules, periods: tuple[AnnualPeriod, ...], entries, as_of, tolerance, carried_in, carry_category):
    """Each year's earned credits after the program's yearly category caps
    (ISACA: volunteering at most 20 a year), with its minimum's status."""
    statuses: list[AnnualStatus] = []
    totals: list[dict] = []
    for index, period in enumerate(periods):
        in_period = between(entries, period.counts_from, period.end)
        sums = sum_by_category(in_period)
        capped_sums = dict(sums)
        for limit in rules.annual_categories:
            if limit.max is not None and limit.name in capped_sums:
                capped_sums[limit.name] = min(capped_sums[limit.name], limit.max)
        totals.append(capped_sums)
        year_sums = dict(capped_sums)
        if index == 0 and carried_in:
            year_sums[carry_category] = year_sums.get(carry_category, ZERO) + carried_in
        year_categories, _ = apply_caps(tuple(l for l in rules.annual_categories if l.min is not None), year_sums)
        earned = sum(year_sums.values(), ZERO)
        statuses.append(annual_status(period, earned, tuple(year_categories), as_of, tolerance))
    return tuple(statuses), totals


def annual_status(period: AnnualPeriod, earned: Decimal, categories, as_of: dt.date, tolerance: int) -> AnnualStatus:
    minimum = period.minimum
    current = period.start <= as_of <= period.end
    past = as_of > period.end
    remaining = max((minimum or ZERO) - earned, ZERO)
    categories_met = all(c.met for c in categories)
    delta = None
    if not minimum:
        status = ""
    elif past:
        status = "met" if remaining <= 0 and categories_met else "missed"
    else:
        p = pace(earned, minimum, period.start, period.end, as_of, tolerance, categories_met)
        status, delta = p.status, p.delta_days
        if status == "complete":  # SPEC §5: while it runs, a pace word; met or missed once it is over
            status = "ahead" if delta > tolerance else "on-track"
    return AnnualStatus(period.start, period.end, minimum, earned, remaining, status, delta, categories, current, past)
