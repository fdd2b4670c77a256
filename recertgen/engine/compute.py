"""From a ledger and an as-of date to every certification's standing.

`compute(ledger, as_of)` is the third stage of the front door. It settles
every allocation (explicit or estimated), cuts credits into cycles and
years, applies category caps and carry-over, and runs the SPEC §3 pace
math. Everything the site, the terminal and the exports show comes from
the `Report` it returns; templates never compute.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal
from typing import Iterable

from ..amounts import ZERO, ceil_cents
from ..model import Allocation, Assertion, CreditEntry, Ledger
from .calendar import ONE_DAY, add_months, inclusive_days
from .estimate import settle
from .pace import Pace, pace
from .periods import AnnualStatus, CategoryStatus, DeliveryLimitStatus, between, cycle_categories, limit_deliveries
from .periods import annual as annual_periods_status
from .rules import CertRules, Cycle, annual_periods, cycles, first_of_each_id, resolve

DAYS_PER_MONTH = Decimal("30.436875")  # 365.2425 / 12
STALE_ASSERTION_DAYS = 90


@dataclass(frozen=True)
class CountedCredit:
    """One entry's credits toward one certification."""

    entry: CreditEntry
    allocation: Allocation
    credits: Decimal  # zero when it cannot be estimated
    estimated: bool
    estimable: bool
    category: str | None
    date: dt.date  # the entry's, kept here: every cycle and year filters on it


@dataclass(frozen=True)
class CycleReport:
    cycle: Cycle
    pace: Pace
    earned: Decimal  # dated in the cycle, after caps (SPEC §3)
    carried_in: Decimal
    carried_out: Decimal
    credited: Decimal  # earned plus carry-over: what pace and completion use
    remaining: Decimal
    days_left: int
    needed_per_month: Decimal | None
    projected_finish: dt.date | None
    finished_on: dt.date | None
    categories: tuple[CategoryStatus, ...]
    annual: tuple[AnnualStatus, ...]
    entries: tuple[CountedCredit, ...]  # as claimed; the totals above apply every cap and limit
    delivery_limits: tuple[DeliveryLimitStatus, ...] = ()

    @property
    def start(self) -> dt.date:
        return self.cycle.start

    @property
    def end(self) -> dt.date:
        return self.cycle.end

    @property
    def required(self) -> Decimal:
        return self.cycle.required

    @property
    def status(self) -> str:
        return self.pace.status

    @property
    def current_year(self) -> AnnualStatus | None:
        return next((a for a in self.annual if a.current), None)


@dataclass(frozen=True)
class AssertionCheck:
    assertion: Assertion
    ledger_total: Decimal | None  # None: the date falls in no cycle
    cycle: Cycle | None

    @property
    def matches(self) -> bool:
        return self.ledger_total is not None and self.ledger_total == self.assertion.total


@dataclass(frozen=True)
class CertReport:
    rules: CertRules
    cycles: tuple[CycleReport, ...]
    current: CycleReport | None
    status: str  # the headline
    counted: tuple[CountedCredit, ...]
    outside: tuple[CountedCredit, ...]  # dated in no cycle: count nowhere
    trailing_year: Decimal
    assertions: tuple[AssertionCheck, ...]
    warnings: tuple[str, ...]

    # Cached: pages and exports ask these of every counted credit's certification.
    @cached_property
    def id(self) -> str:
        return self.rules.id

    @cached_property
    def name(self) -> str:
        return self.rules.name

    @cached_property
    def unit(self) -> str:
        return self.rules.unit


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    tolerance_days: int
    certifications: tuple[CertReport, ...]

    @cached_property
    def _by_id(self) -> dict[str, CertReport]:
        return {c.id: c for c in self.certifications}

    def cert(self, cert_id: str) -> CertReport | None:
        return self._by_id.get(cert_id)


def compute(ledger: Ledger, as_of: dt.date, memo: dict | None = None) -> Report:
    """Every certification's report. `memo`, kept by a long-running caller
    (`serve`) between calls, lets a certification whose inputs are the very
    same objects as last time keep its report (see `_remembered_report`)."""
    by_cert = _pairs_by_cert(ledger, memo)
    tolerance = ledger.settings.tolerance_days
    reports = tuple(
        _remembered_report(cert, ledger, by_cert.get(cert.id, []), as_of, tolerance, memo)
        for cert in first_of_each_id(ledger.certifications)
    )
    if memo is not None:
        for gone in set(memo) - {cert.id for cert in ledger.certifications} - {_PAIRS}:
            del memo[gone]
    return Report(as_of=as_of, tolerance_days=tolerance, certifications=reports)


_PAIRS = ("pairs",)  # where `memo` keeps the allocations by certification (no certification id is a tuple)


def _pairs_by_cert(ledger: Ledger, memo: dict | None) -> dict[str, list[tuple[CreditEntry, Allocation]]]:
    """Each certification's (entry, allocation) pairs. In a resident process
    whose read says what changed (`Ledger.delta`), the last call's lists
    are patched instead: a certification no added or removed entry counts
    toward keeps its very list, which `_same_objects` then takes as is.
    (Added entries go last: a report does not depend on the order, see
    `settle_all`.)"""
    delta = ledger.delta
    kept = memo.get(_PAIRS) if memo is not None else None
    if delta is None or kept is None or kept[0] is not delta.previous:
        by_cert: dict[str, list] = defaultdict(list)
        for entry in ledger.credits:
            for allocation in entry.allocations:
                by_cert[allocation.cert_id].append((entry, allocation))
        by_cert = dict(by_cert)
    else:
        by_cert = dict(kept[1])  # the lists are shared with the last call's: changed ones are replaced, never altered
        gone: dict[str, set[int]] = {}
        for entry in delta.removed:
            for allocation in entry.allocations:
                gone.setdefault(allocation.cert_id, set()).add(id(entry))
        for cert_id, entries in gone.items():
            by_cert[cert_id] = [pair for pair in by_cert.get(cert_id, ()) if id(pair[0]) not in entries]
        fresh: set[str] = set(gone)
        for entry in delta.added:
            for allocation in entry.allocations:
                if allocation.cert_id not in fresh:
                    by_cert[allocation.cert_id] = list(by_cert.get(allocation.cert_id, ()))
                    fresh.add(allocation.cert_id)
                by_cert[allocation.cert_id].append((entry, allocation))
    if memo is not None:
        memo[_PAIRS] = (ledger.credits, by_cert)
    return by_cert


def _remembered_report(cert, ledger: Ledger, pairs: list, as_of: dt.date, tolerance: int, memo: dict | None) -> CertReport:
    """A report is a pure function of the certification, its program, its
    entries and allocations, the as-of date and the tolerance. Records read
    from an unchanged file are the same objects from one `serve` rebuild to
    the next (its parse cache stays in memory), and the memo holds the old
    ones, so `is` says "unchanged" soundly; anything new is computed again."""
    rules = resolve(cert, ledger.programs)
    if memo is None:
        return certification_report(rules, pairs, as_of, tolerance)
    inputs = (cert, rules.program, as_of, tolerance, pairs)
    previous = memo.get(cert.id)
    if previous is not None and _same_objects(previous[0], inputs):
        return previous[1]
    report = certification_report(rules, pairs, as_of, tolerance)
    memo[cert.id] = (inputs, report)
    return report


def _same_objects(old: tuple, new: tuple) -> bool:
    cert, program, as_of, tolerance, pairs = old
    if not (cert is new[0] and program is new[1] and as_of == new[2] and tolerance == new[3] and len(pairs) == len(new[4])):
        return False
    if pairs is new[4]:
        return True
    return all(entry is other_entry and allocation is other_allocation
               for (entry, allocation), (other_entry, other_allocation) in zip(pairs, new[4]))


def settle_all(rules: CertRules, allocations: Iterable[tuple[CreditEntry, Allocation]]) -> list[CountedCredit]:
    """Every allocation's credits, in date order (then file and place in it)."""
    keyed = []  # (date, file, place, arrival, counted): sorted as plain tuples, no key function per item
    estimated: dict[tuple, object] = {}
    for entry, allocation in allocations:
        if allocation.credits is not None:
            settled = settle(entry, allocation, rules)
        else:
            # An estimate reads only these values, which repeat across thousands of
            # entries. Minutes by value: the rule's increment fixes the result's
            # places. Academic hours by their text: they are multiplied as written.
            shape = (entry.delivery, entry.minutes, _text(entry.semester_hours), _text(entry.quarter_hours), allocation.category)
            settled = estimated.get(shape)
            if settled is None:
                settled = estimated[shape] = settle(entry, allocation, rules)
        keyed.append((entry.date, entry.file, entry.index or 0, len(keyed), CountedCredit(
            entry=entry,
            allocation=allocation,
            credits=settled.credits if settled.credits is not None else ZERO,
            estimated=settled.estimated,
            estimable=settled.credits is not None,
            category=settled.category,
            date=entry.date,
        )))
    keyed.sort()
    return [item[-1] for item in keyed]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def certification_report(rules: CertRules, allocations, as_of: dt.date, tolerance: int) -> CertReport:
    counted = settle_all(rules, allocations)
    cycle_list = cycles(rules, as_of)
    trailing = _trailing_year(counted, as_of)  # once: every cycle's projection uses the same rate
    reports: list[CycleReport] = []
    carried = ZERO
    for cycle in cycle_list:
        report = cycle_report(rules, cycle, counted, as_of, tolerance, carried, trailing)
        reports.append(report)
        carried = report.carried_out
    current = choose_current(reports, as_of)
    outside = tuple(_outside(counted, cycle_list))
    checks = tuple(_check_assertions(rules, counted, cycle_list, tolerance))
    status = headline(current)
    return CertReport(
        rules=rules,
        cycles=tuple(reports),
        current=current,
        status=status,
        counted=tuple(counted),
        outside=outside,
        trailing_year=trailing,
        assertions=checks,
        warnings=tuple(_warnings(rules, current, checks, as_of)),
    )


def _outside(counted: list[CountedCredit], cycle_list) -> Iterable[CountedCredit]:
    """Credits dated in no cycle (asked once per day: entries share days by the thousand)."""
    inside: dict[dt.date, bool] = {}
    for c in counted:
        found = inside.get(c.date)
        if found is None:
            found = inside[c.date] = any(cycle.contains(c.date) for cycle in cycle_list)
        if not found:
            yield c


def cycle_names(cert: CertReport) -> list[str]:
    """Each cycle's name in paths and calendar ids, in `cert.cycles` order:
    its first day, and its last too for a rolling program's windows (they
    overlap, and a new licensee's share a first day: a name must not change
    when the next one comes) or where another cycle starts that day."""
    program = cert.rules.program
    rolling = program is not None and program.cycle_rolling
    starts = Counter(r.cycle.start for r in cert.cycles)
    return [f"{r.cycle.start}_{r.cycle.end}" if rolling or starts[r.cycle.start] > 1 else f"{r.cycle.start}" for r in cert.cycles]


def choose_current(reports: list[CycleReport], as_of: dt.date) -> CycleReport | None:
    """SPEC §5: the cycle containing the as-of date, else the next one when
    none has started, else the last one. Between two cycles (a gap in
    cycles written by hand) it is the next one too: the one the holder is
    heading into, not one further in the future."""
    containing = [r for r in reports if r.start <= as_of <= r.end]
    if containing:  # rolling windows overlap (Texas): this year's report is the one ending first
        return min(containing, key=lambda r: r.end)
    upcoming = [r for r in reports if r.start > as_of]
    if upcoming:
        return min(upcoming, key=lambda r: r.start)
    return reports[-1] if reports else None


def headline(current: CycleReport | None) -> str:
    """The cycle status, made `behind` when this year's minimum is behind its
    own pace or a past year missed its minimum."""
    if current is None:
        return "upcoming"
    status = current.status
    if status in ("ahead", "on-track"):
        year = current.current_year
        if (year is not None and year.status == "behind") or any(a.status == "missed" for a in current.annual):
            return "behind"
    return status


def cycle_report(rules: CertRules, cycle: Cycle, counted: list[CountedCredit], as_of: dt.date, tolerance: int,
                 carried_in: Decimal, trailing_year: Decimal = ZERO) -> CycleReport:
    until = min(as_of, cycle.end)
    entries = tuple(between(counted, cycle.counts_from, until))
    periods = annual_periods(cycle, rules.annual_basis)
    counting, limits = limit_deliveries(rules, cycle.start, cycle.end, periods, entries)
    carry_category = _carry_category(rules)
    annual, period_totals = annual_periods_status(rules, periods, counting, as_of, tolerance, carried_in, carry_category)
    categories, earned = cycle_categories(cycle.categories, period_totals, ZERO, None)
    categories, credited = cycle_categories(cycle.categories, period_totals, carried_in, carry_category)
    # every minimum: the cycle's categories, each year's total and each year's categories
    # (California: 20 a year, of which 12 technical)
    minimums_met = (all(c.met for c in categories) and all(a.remaining <= 0 for a in annual if a.minimum)
                    and all(c.met for a in annual for c in a.categories))
    p = pace(credited, cycle.required, cycle.start, cycle.end, as_of, tolerance, minimums_met)
    remaining = max(cycle.required - credited, ZERO)
    days_left = max((cycle.end - as_of).days, 0)
    finished_on = _finished_on(counting, cycle.required, carried_in)
    return CycleReport(
        cycle=cycle,
        pace=p,
        earned=earned,
        carried_in=carried_in,
        carried_out=_carry_out(rules, cycle, counting, credited, as_of),
        credited=credited,
        remaining=remaining,
        days_left=days_left,
        needed_per_month=_needed_per_month(remaining, cycle, as_of),
        projected_finish=_projected_finish(remaining, _yearly_rate(earned, p.elapsed_days, trailing_year), cycle, as_of, finished_on),
        finished_on=finished_on,
        categories=categories,
        annual=annual,
        entries=entries,
        delivery_limits=limits,
    )


def _carry_category(rules: CertRules) -> str | None:
    carry = rules.carry_over
    if carry and carry.categories:
        return carry.categories[0]
    return None


# -- carry-over, projections ------------------------------------------------------

def _carry_out(rules: CertRules, cycle: Cycle, entries, credited: Decimal, as_of: dt.date) -> Decimal:
    """Credits above the total, earned in the rule's window (ISC2: Group A
    in the last six months), up to the rule's maximum; only once the cycle
    is over, and only from cycles the rule covers (IIA: since 2023)."""
    carry = rules.carry_over
    if carry is None or as_of <= cycle.end or (carry.since is not None and cycle.end < carry.since):
        return ZERO
    excess = credited - cycle.required
    if excess <= 0:
        return ZERO
    window_start = add_months(cycle.end + ONE_DAY, -carry.window_months) if carry.window_months else cycle.counts_from
    eligible = sum(
        (c.credits for c in entries if c.date >= window_start and (not carry.categories or c.category in carry.categories)),
        ZERO,
    )
    return min(excess, eligible, carry.max)


def _finished_on(entries, required: Decimal, carried_in: Decimal) -> dt.date | None:
    running = carried_in
    for c in entries:
        running += c.credits
        if running >= required:
            return c.date
    return None


def _needed_per_month(remaining: Decimal, cycle: Cycle, as_of: dt.date) -> Decimal | None:
    if as_of > cycle.end:
        return None
    if remaining <= 0:
        return ZERO
    days = inclusive_days(max(as_of, cycle.start), cycle.end)
    return ceil_cents(remaining * DAYS_PER_MONTH / days)


def _trailing_year(counted: list[CountedCredit], as_of: dt.date) -> Decimal:
    """The credits dated in the twelve months up to `as_of`: the holder's
    rate once a cycle is a year old (`_yearly_rate`)."""
    return sum((c.credits for c in between(counted, as_of - dt.timedelta(days=364), as_of)), ZERO)


def _yearly_rate(earned: Decimal, elapsed_days: int, trailing_year: Decimal) -> Decimal:
    """Credits a year at the holder's current pace: the last twelve months'
    credits, or in a cycle younger than that, its own so far, made a year's
    worth — the months before it are another cycle's, and counting them
    empty (a new ledger) or full (last cycle's rush) would contradict the
    cycle's own pace beside it."""
    if elapsed_days >= 365:
        return trailing_year
    return earned * 365 / elapsed_days if elapsed_days > 0 else ZERO


def _projected_finish(remaining: Decimal, rate: Decimal, cycle: Cycle, as_of: dt.date, finished_on) -> dt.date | None:
    """When the total is reached at `rate` credits a year. None once the
    cycle is over short of it: later credits count in no day of it, so
    there is nothing to project."""
    if remaining <= 0:
        return finished_on
    if as_of > cycle.end or rate <= 0:
        return None
    days = math.ceil(remaining * 365 / rate)
    if days > 365 * 100:
        return None
    return as_of + dt.timedelta(days=days)


# -- assertions and warnings ------------------------------------------------------

def _check_assertions(rules: CertRules, counted, cycle_list, tolerance):
    assertions = sorted(rules.cert.assertions, key=lambda a: a.date)
    if not assertions:
        return
    carry_by_start = {}
    if rules.carry_over is not None:  # without a rule nothing carries: no need for a report of every cycle
        carried = ZERO
        for cycle in cycle_list:  # carry-over into each cycle as of its end
            carry_by_start[cycle.start] = carried
            day = cycle.end + ONE_DAY
            report = cycle_report(rules, cycle, counted, day, tolerance, carried)
            carried = report.carried_out
    for assertion in assertions:
        cycle = next((c for c in cycle_list if c.contains(assertion.date)), None)
        if cycle is None:
            yield AssertionCheck(assertion, None, None)
            continue
        report = cycle_report(rules, cycle, counted, assertion.date, tolerance, carry_by_start.get(cycle.start, ZERO))
        yield AssertionCheck(assertion, report.credited, cycle)


def _warnings(rules: CertRules, current: CycleReport | None, checks, as_of: dt.date) -> list[str]:
    from ..amounts import fmt

    warnings: list[str] = []
    if current is None:
        return [_no_cycle(rules)]
    for year in current.annual:
        if year.status == "missed":
            warnings.append(f"missed the annual minimum for {year.start}–{year.end}: {fmt(year.earned)} of {fmt(year.minimum)}")
        elif year.current and year.status == "behind":
            warnings.append(f"this year's minimum is behind pace: {fmt(year.earned)} of {fmt(year.minimum)} by {year.end}")
    for category in current.categories:
        if not category.met and current.status not in ("upcoming",):
            warnings.append(f"{category.label}: {fmt(category.counted)} of at least {fmt(category.min)}")
        if category.capped:
            warnings.append(f"{category.label}: {fmt(category.earned)} earned but at most {fmt(category.max)} count")
    for limit in current.delivery_limits:
        if limit.capped:
            span = "" if limit.per == "cycle" else f" in {limit.start}–{limit.end}"
            warnings.append(f"{limit.delivery} credits: {fmt(limit.earned)} earned{span} but at most {fmt(limit.max)} a {limit.per} count")
    if checks:
        newest = checks[-1].assertion
        age = (as_of - newest.date).days
        if age > STALE_ASSERTION_DAYS:
            warnings.append(f"the newest portal total assertion is {age} days old ({newest.date}): compare with the portal again")
    for check in checks:
        if check.ledger_total is not None and not check.matches:
            warnings.append(f"portal showed {fmt(check.assertion.total)} on {check.assertion.date}; the ledger has {fmt(check.ledger_total)}")
    return warnings


def _no_cycle(rules: CertRules) -> str:
    """Why a certification has no cycle, in terms of what it does give."""
    program = rules.program
    if rules.program_unknown:
        return f"no cycle: unknown program '{rules.cert.program}'"
    if program is not None and rules.cert.certified is not None and program.required is None:
        return f"no cycle: the program '{program.id}' gives no 'required' credits to derive one from 'certified'"
    return "no cycle: give 'cycles', or 'certified' with a 'program'"
