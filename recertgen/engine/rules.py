"""A certification's effective rules: its own keys over its program's.

SPEC §2: every certification key defaults from the program and may override
it. This module is the one place that merge happens, and where cycles are
derived from `certified` by the issuer's rule, rolling forward cycle after
cycle up to the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable, Mapping

from ..model import CarryOver, CategoryLimit, Certification, EstimateRule, Program
from ..problems import Source
from .calendar import ONE_DAY, add_months, add_years

DEFAULT_RULE = EstimateRule(minutes_per_credit=Decimal(60), increment=Decimal("0.25"))


@dataclass(frozen=True)
class Cycle:
    """One renewal cycle, inclusive at both ends. `counts_from` is where
    credits start counting (ISACA lets credits earned between certification
    and the first 1 January count toward the first cycle)."""

    start: dt.date
    end: dt.date
    counts_from: dt.date
    required: Decimal
    annual_minimum: Decimal | None
    categories: tuple[CategoryLimit, ...]
    source: Source | None  # None when derived from `certified`
    # A window of a yearly report looking back over several years (Texas):
    # its earlier years' minimums were due in their own reports, so only its
    # last year's is due here.
    rolling: bool = False
    years_from: dt.date | None = None  # a rolling window's licence years fall on this date's anniversaries

    @property
    def derived(self) -> bool:
        return self.source is None

    def contains(self, day: dt.date) -> bool:
        return self.counts_from <= day <= self.end


@dataclass(frozen=True)
class AnnualPeriod:
    start: dt.date
    end: dt.date
    counts_from: dt.date
    minimum: Decimal | None

    def contains(self, day: dt.date) -> bool:
        return self.counts_from <= day <= self.end


@dataclass(frozen=True)
class CertRules:
    cert: Certification
    program: Program | None
    name: str
    body: str
    unit: str
    unit_label: str
    annual_basis: str
    annual_categories: tuple[CategoryLimit, ...]
    default_category: str | None
    delivery_categories: Mapping[str, str]
    carry_over: CarryOver | None
    cycle_months: int | None
    delivery_limits: tuple[tuple[str, Decimal], ...] = ()
    annual_delivery_limits: tuple[tuple[str, Decimal], ...] = ()

    @property
    def id(self) -> str:
        return self.cert.id

    @property
    def program_unknown(self) -> bool:
        """It names a program that does not exist (one error): its rules and
        categories are unknown, so nothing is checked against them."""
        return self.cert.program is not None and self.program is None

    def category_of(self, explicit: str | None, delivery: str | None) -> str | None:
        if explicit:
            return explicit
        if delivery and delivery in self.delivery_categories:
            return self.delivery_categories[delivery]
        return self.default_category

    def estimate_rule(self, delivery: str | None) -> EstimateRule:
        return self.program.rule_for(delivery) if self.program else DEFAULT_RULE

    def all_categories(self) -> list[CategoryLimit]:
        """Every category a certification's cycles and years may have: its
        own, its program's and its explicit cycles' (a derived cycle takes
        one of these), known without computing anything (record checks and
        `add` must not wait for the report)."""
        limits = list(self.annual_categories)
        if self.cert.categories:
            limits.extend(self.cert.categories)
        if self.program:
            limits.extend(self.program.categories)
        for spec in self.cert.cycles:
            limits.extend(spec.categories or ())
        return limits


def first_of_each_id(certifications: Iterable[Certification]) -> list[Certification]:
    """Each certification id once, as first defined (in file order). A later
    file with the same id is one error (validation says so) and is otherwise
    ignored: its cycles must not stand in for the first's everywhere."""
    seen: set[str] = set()
    first = []
    for cert in certifications:
        if cert.id not in seen:
            seen.add(cert.id)
            first.append(cert)
    return first


def resolve(cert: Certification, programs: Mapping[str, Program]) -> CertRules:
    program = programs.get(cert.program) if cert.program else None
    unit = cert.unit or (program.unit if program else "CPE")
    return CertRules(
        cert=cert,
        program=program,
        name=cert.name,
        body=cert.body or (program.body if program else ""),
        unit=unit,
        unit_label=program.unit_label if program and not cert.unit else unit,
        annual_basis=cert.annual_basis or (program.annual_basis if program else "cycle-year"),
        annual_categories=program.annual_categories if program else (),
        default_category=program.default_category if program else None,
        delivery_categories=program.delivery_categories if program else {},
        carry_over=program.carry_over if program else None,
        cycle_months=program.cycle_months if program else None,
        delivery_limits=program.delivery_limits if program else (),
        annual_delivery_limits=program.annual_delivery_limits if program else (),
    )


def cycles(rules: CertRules, as_of: dt.date) -> tuple[Cycle, ...]:
    """Explicit cycles as written (ends filled in from the program), then
    derived cycles rolling forward until one reaches the as-of date."""
    cert, program = rules.cert, rules.program
    result: list[Cycle] = []
    for spec in sorted(cert.cycles, key=lambda s: s.start):
        end = spec.end or (_end_of(spec.start, rules.cycle_months) if rules.cycle_months else None)
        required = spec.required if spec.required is not None else (program.required if program else None)
        if end is None or required is None:
            continue  # reported by validation; nothing sensible to compute
        result.append(
            Cycle(
                start=spec.start,
                end=end,
                counts_from=spec.start,
                required=required,
                annual_minimum=spec.annual_minimum if spec.annual_minimum is not None else (program.annual_minimum if program else None),
                categories=_categories(spec.categories, cert, program),
                source=spec.source,
                rolling=bool(program and program.cycle_rolling),
            )
        )
    if program is None or program.required is None:
        return tuple(result)
    if program.cycle_rolling:
        return tuple(result + _rolling_windows(rules, result, as_of))
    if result:
        last = result[-1]
        template = last
        start = last.end + ONE_DAY
    elif cert.certified is not None:
        start = _first_start(cert.certified, program)
        template = Cycle(
            start=start,
            end=start,
            counts_from=cert.certified if program.counts_from_certified else start,
            required=program.required,
            annual_minimum=program.annual_minimum,
            categories=_categories(None, cert, program),
            source=None,
        )
        first = _derived(template, start, program.cycle_months, counts_from=template.counts_from,
                         month_end=program.cycle_ends_month_end, first=start == cert.certified)
        result.append(first)
        start = first.end + ONE_DAY
    else:
        return tuple(result)
    # Up to the as-of date however many: dates end in 2999 and a cycle lasts a
    # month at least, so some thirteen thousand at most, and cheap to derive.
    while start <= as_of:
        cycle = _derived(template, start, program.cycle_months, counts_from=start, month_end=program.cycle_ends_month_end)
        if cycle.end < cycle.start:  # at the calendar's last day: no room for another cycle
            break
        result.append(cycle)
        start = cycle.end + ONE_DAY
    return tuple(result)


def _rolling_windows(rules: CertRules, written: list[Cycle], as_of: dt.date) -> list[Cycle]:
    """Texas (RULES §8c): the licence is renewed every year, and each year's
    report looks back over the cycle's length (36 months) to the day before
    the anniversary, so the windows overlap and a credit counts in every
    window holding its date; each year's minimum is due in its own report
    (`Cycle.rolling`). A new licensee's years require `phase_in` (nothing,
    then 20 over 12 months, 60 over 24, 100 over 36), looking back no
    further than the first year that required anything; a year with nothing
    due is reported on its own. Years follow the last written cycle (the
    board's years end in the birth month), else the certification date;
    they are counted from the certification date when there is one."""
    program, cert = rules.program, rules.cert
    anchor = written[-1].end + ONE_DAY if written else cert.certified
    if anchor is None:
        return []
    phase = program.phase_in if cert.certified is not None else ()
    owing_nothing = next((i for i, v in enumerate(phase) if v), len(phase))  # the first years, with nothing due
    first = _licence_year(cert.certified, anchor) if cert.certified is not None else owing_nothing + 1
    categories = _categories(None, cert, program)
    without_minimums = tuple(replace(c, min=None) for c in categories)
    windows: list[Cycle] = []
    for year, year_start, end in _licence_years(anchor, first):
        if year_start > as_of and (windows or written):
            break
        required = phase[year - 1] if year <= len(phase) else program.required
        if not required:  # reported alone: its credits count in no later report
            windows.append(Cycle(year_start, end, year_start, required, None, without_minimums, source=None))
            continue
        start = add_months(end + ONE_DAY, -program.cycle_months)
        if cert.certified is not None:  # a new licensee's report looks back to the first year owing anything, no further
            start = max(start, add_months(year_start, -12 * (year - owing_nothing - 1)))
        # A new licensee's one-year report asks no category minimum: Texas's
        # ethics course is due every two years, and a cycle's minimums span it.
        limits = without_minimums if start == year_start and program.cycle_months > 12 else categories
        windows.append(Cycle(start, end, start, required, program.annual_minimum, limits, source=None, rolling=True,
                             years_from=anchor))
    return windows


def _licence_years(anchor: dt.date, first: int):
    """(number, start, end) of each licence year from `anchor` on, the first
    being year number `first`, until the calendar ends."""
    offset = 0
    while True:
        start, end = add_months(anchor, 12 * offset), add_months(anchor, 12 * (offset + 1)) - ONE_DAY
        if end < start:
            return
        yield first + offset, start, end
        offset += 1


def _licence_year(certified: dt.date, year_start: dt.date) -> int:
    """Which licence year starts on `year_start`: 1 for the year starting on
    (or in the twelve months after) the certification date — a licensee's
    first months before the board's year begins are not a year of their own."""
    years = 0
    while add_months(certified, 12 * (years + 1)) <= year_start:
        years += 1
    return years + 1


def annual_periods(cycle: Cycle, basis: str) -> tuple[AnnualPeriod, ...]:
    """The cycle cut into years: anniversary years from its start, or
    calendar years; credits counted before the start belong to year one.
    A rolling window's years are its licence years, counted back from its
    end (a licence from 29 February has years ending on the 28th and, in
    leap years, the 29th), and only the last one's minimum is due in it."""
    if cycle.rolling and basis != "calendar-year":
        return _licence_years_back(cycle)
    periods: list[AnnualPeriod] = []
    start = cycle.start
    k = 0
    while start <= cycle.end:
        if basis == "calendar-year":
            end = min(dt.date(start.year, 12, 31), cycle.end)
        else:
            k += 1
            end = min(add_years(cycle.start, k) - ONE_DAY, cycle.end)
        counts_from = cycle.counts_from if not periods else start
        periods.append(AnnualPeriod(start, end, counts_from, cycle.annual_minimum))
        start = end + ONE_DAY
    return tuple(periods)


def _licence_years_back(cycle: Cycle) -> tuple[AnnualPeriod, ...]:
    """The window's licence years: from its start, one at each anniversary
    of `years_from` (a licence from 29 February turns a year older on the
    29th in leap years and on the 28th otherwise), else of its end's next
    day; only the last year's minimum is due in this window."""
    anchor = cycle.years_from or cycle.end + ONE_DAY
    n = 12 * max(cycle.start.year - anchor.year - 1, 0) if anchor <= cycle.start else -12 * (anchor.year - cycle.start.year + 1)
    while add_months(anchor, n) > cycle.start:
        n -= 12
    bounds = [cycle.start]
    while (step := add_months(anchor, n + 12)) <= cycle.end:
        if step > cycle.start:
            bounds.append(step)
        n += 12
    periods = [AnnualPeriod(start, end, start, None) for start, end in zip(bounds, [b - ONE_DAY for b in bounds[1:]] + [cycle.end])]
    periods[0] = replace(periods[0], counts_from=cycle.counts_from)
    periods[-1] = replace(periods[-1], minimum=cycle.annual_minimum)
    return tuple(periods)


def _first_start(certified: dt.date, program: Program) -> dt.date:
    if program.cycle_anchor == "next-january":
        return dt.date(certified.year + 1, 1, 1)
    if program.cycle_anchor == "anniversary-month":  # the month after the first anniversary month
        return add_months(certified.replace(day=1), 13)
    return certified


def _end_of(start: dt.date, months: int, month_end: bool = False, anniversary: dt.date | None = None) -> dt.date:
    """The day before the anniversary; with `month_end` (GIAC: expiry on the
    last day of the month earned), the last day of the anniversary month —
    the month of `anniversary` (the certification date, or the previous
    cycle's end) that many months on."""
    if month_end:
        return add_months((anniversary or start).replace(day=1), months + 1) - ONE_DAY
    return add_months(start, months) - ONE_DAY


def _derived(template: Cycle, start: dt.date, months: int, counts_from: dt.date, month_end: bool = False,
             first: bool = False) -> Cycle:
    """(`first`: the cycle starts on the certification date itself; later
    ones start the day after the previous one ended.)"""
    return Cycle(
        start=start,
        end=_end_of(start, months, month_end, anniversary=start if first else start - ONE_DAY),
        counts_from=min(counts_from, start),
        required=template.required,
        annual_minimum=template.annual_minimum,
        categories=template.categories,
        source=None,
    )


def _categories(own: tuple[CategoryLimit, ...] | None, cert: Certification, program: Program | None) -> tuple[CategoryLimit, ...]:
    if own is not None:
        return own
    if cert.categories is not None:
        return cert.categories
    return program.categories if program else ()
