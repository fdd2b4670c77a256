"""SPEC §3 compliance math, edge by edge, through the front door."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from recertgen.engine.calendar import add_months
from recertgen.engine.pace import day_delta, delta_words, pace
from recertgen.exports.summary import summary_json

D = dt.date


def custom(required="10", start="2024-01-01", end="2024-12-31", extra=""):
    return f"""
        name: Custom
        body: Acme
        cycles:
          - start: {start}
            end: {end}
            required: {required}
        {extra}
    """


def credit(title, date, credits, cert="custom", more=""):
    return f"""
        title: {title}
        provider: P
        date: {date}
        counts_toward: {{{cert}: {credits}}}
        {more}
    """


# -- pace formula -----------------------------------------------------------------

@pytest.mark.parametrize(
    "as_of, elapsed, status",
    [
        (D(2023, 12, 31), 0, "upcoming"),
        (D(2024, 1, 1), 1, "ahead"),
        (D(2024, 12, 31), 366, "behind"),
        (D(2025, 1, 1), 366, "lapsed"),
    ],
)
def test_elapsed_days_clamp_and_status(as_of, elapsed, status):
    p = pace(Decimal("5"), Decimal("10"), D(2024, 1, 1), D(2024, 12, 31), as_of, 14)
    assert p.total_days == 366  # a leap year, both ends inclusive
    assert p.elapsed_days == elapsed
    assert p.status == status


def test_delta_days_is_the_spec_floor():
    # floor(5 × 366 / 10) − 100 = 183 − 100
    p = pace(Decimal("5"), Decimal("10"), D(2024, 1, 1), D(2024, 12, 31), D(2024, 4, 9), 14)
    assert p.elapsed_days == 100
    assert p.delta_days == 83
    assert p.status == "ahead"
    assert p.expected == Decimal("10") * 100 / 366


def test_tolerance_boundaries():
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    # earned 0 on day 14: delta −14 is still on track; day 15 is behind
    assert pace(Decimal(0), Decimal(10), start, end, D(2024, 1, 14), 14).status == "on-track"
    assert pace(Decimal(0), Decimal(10), start, end, D(2024, 1, 15), 14).status == "behind"


def test_complete_needs_every_minimum():
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    assert pace(Decimal(10), Decimal(10), start, end, D(2024, 6, 1), 14).status == "complete"
    assert pace(Decimal(10), Decimal(10), start, end, D(2024, 6, 1), 14, minimums_met=False).status == "ahead"
    assert pace(Decimal(10), Decimal(10), start, end, D(2025, 6, 1), 14, minimums_met=False).status == "lapsed"


def test_float_sums_would_floor_to_the_wrong_day():
    # 0.2 + 0.7 is 0.8999999999999999 in binary floating point: the float
    # formula would say 364 of 365 days; exact arithmetic says all 365.
    assert int((0.2 + 0.7) * 365 / 0.9) == 364
    assert day_delta(Decimal("0.2") + Decimal("0.7"), Decimal("0.9"), 365, 0) == 365


def test_delta_words():
    assert delta_words(12) == "ahead by 12 days"
    assert delta_words(-1) == "behind by 1 day"
    assert delta_words(0) == "exactly on pace"


def test_months_clamp_to_the_last_day():
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)


def test_months_past_the_calendar_stop_at_its_ends():
    assert add_months(D(2024, 1, 15), 99_999_999) == dt.date.max
    assert add_months(D(2024, 1, 15), -99_999_999) == dt.date.min


def test_a_cycle_ending_past_the_calendar_does_not_crash(ledger):
    """The reader refuses a cycle over a century, but the engine must not
    depend on that: whatever a program holds, compute never overflows."""
    from dataclasses import replace

    from recertgen.engine.compute import compute

    ledger.write("ledger/programs/long.yaml", "name: Long\nbody: B\nrequired: 40\ncycle: {years: 3}\n")
    ledger.cert("c", "name: C\nprogram: long\ncertified: 2024-01-15\n")
    loaded = ledger.load()
    programs = {**loaded.ledger.programs}
    programs["long"] = replace(programs["long"], cycle_months=99_999_999)
    report = compute(replace(loaded.ledger, programs=programs), D(2026, 11, 15)).cert("c")
    assert (report.current.start, report.current.end) == (D(2024, 1, 15), dt.date.max - dt.timedelta(days=1))


# -- cycles and entries -------------------------------------------------------------

def test_inclusive_boundaries_and_entries_outside(ledger):
    ledger.cert("custom", custom())
    ledger.credit("before", credit("Before", "2023-12-31", 1))
    ledger.credit("first", credit("First", "2024-01-01", 2))
    ledger.credit("last", credit("Last", "2024-12-31", 3))
    ledger.credit("after", credit("After", "2025-01-01", 4))
    loaded = ledger.load(D(2025, 6, 1))
    cert = loaded.report.cert("custom")
    assert cert.current.earned == Decimal(5)
    assert [c.entry.title for c in cert.outside] == ["Before", "After"]
    warnings = [p.as_text() for p in loaded.warnings]
    assert any(w.startswith("ledger/credits/before.yaml:4:25: warning:") and "outside every cycle" in w for w in warnings)


def test_entries_after_as_of_do_not_count(ledger):
    ledger.cert("custom", custom())
    ledger.credit("a", credit("A", "2024-03-01", 2))
    ledger.credit("b", credit("B", "2024-06-01", 3))
    assert ledger.load(D(2024, 5, 1)).report.cert("custom").current.earned == Decimal(2)


def test_one_entry_counts_toward_several_certifications(ledger):
    ledger.cert("custom", custom())
    ledger.cert("other", custom(required="20").replace("Custom", "Other"))
    ledger.credit("a", """
        title: Conference
        provider: P
        date: 2024-05-01
        counts_toward: {custom: 6, other: {credits: 7.5}}
    """)
    report = ledger.load(D(2024, 6, 1)).report
    assert report.cert("custom").current.earned == Decimal(6)
    assert report.cert("other").current.earned == Decimal("7.5")


def test_category_caps_limit_what_counts(cissp_ledger):
    cissp_ledger.credit("b", credit("Leadership course", "2024-06-01", "{credits: 35, category: group-b}", cert="cissp", more="hours: 40"))
    cissp_ledger.credit("a", credit("Security course", "2024-07-01", 20, cert="cissp", more="hours: 20"))
    cert = cissp_ledger.load(D(2024, 12, 1)).report.cert("cissp")
    group_b = next(c for c in cert.current.categories if c.name == "group-b")
    assert (group_b.earned, group_b.counted) == (Decimal(35), Decimal(30))
    assert cert.current.earned == Decimal(50)
    assert any("at most 30.00 count" in w for w in cert.warnings)


@pytest.mark.parametrize("categories", [
    "{a: {min: 1, max: 5, within: b}, b: {min: 1, max: 3, within: a}}",
    "{a: {min: 1, max: 5, within: a}, b: {min: 1, max: 3}}",
])
def test_categories_within_each_other_neither_lose_nor_double_credits(ledger, categories):
    """A `within` loop (an error) is ignored: each category is its own top."""
    ledger.cert("custom", custom(extra=f"categories: {categories}"))
    ledger.credit("a", credit("A", "2024-03-01", "{credits: 8, category: a}"))
    current = ledger.load(D(2024, 6, 1)).report.cert("custom").current
    assert current.earned == Decimal(5)
    assert [(c.name, c.earned, c.counted, c.within) for c in current.categories] == [
        ("a", Decimal(8), Decimal(5), None), ("b", Decimal(0), Decimal(0), None)]


def test_a_long_chain_of_categories_counts_at_its_top(ledger):
    """Each child capped, then counted in its parent, however deep (parents written first)."""
    chain = "c20: {max: 6}, " + ", ".join(f"c{i}: {{within: c{i + 1}}}" for i in reversed(range(20)))
    ledger.cert("custom", custom(extra=f"categories: {{{chain}}}"))
    ledger.credit("a", credit("A", "2024-03-01", "{credits: 8, category: c0}"))
    assert ledger.load(D(2024, 6, 1)).report.cert("custom").current.earned == Decimal(6)


def test_a_category_capped_at_zero_counts_nothing(ledger):
    """`max: 0` is allowed, as the schema says: the category counts nothing
    toward this certification, and its credits still show as earned."""
    ledger.cert("t", """
        name: T
        body: B
        categories:
          b: {max: 0}
        cycles:
          - {start: 2025-01-01, end: 2026-12-31, required: 10}
    """)
    ledger.credit("c", "title: x\nprovider: p\ndate: 2025-02-01\ncounts_toward: {t: {credits: 20, category: b}}\n")
    ledger.credit("d", "title: y\nprovider: p\ndate: 2025-03-01\ncounts_toward: {t: 3}\n")
    loaded = ledger.load(D(2026, 1, 1))
    assert loaded.errors == ()
    cert = loaded.report.cert("t")
    (b,) = cert.current.categories
    assert (b.earned, b.counted, cert.current.earned) == (Decimal(20), Decimal(0), Decimal(3))


def test_missed_past_annual_minimum_makes_the_headline_behind(ledger):
    ledger.cert("custom", custom(required="30", end="2026-12-31", extra="annual_basis: calendar-year").replace(
        "required: 30", "required: 30\n            annual_minimum: 10"))
    ledger.credit("a", credit("Big year two", "2025-02-01", 25))
    cert = ledger.load(D(2025, 3, 1)).report.cert("custom")
    first, second, _ = cert.current.annual
    assert (first.status, first.earned) == ("missed", Decimal(0))
    assert second.status == "ahead"  # met early while it runs: a pace word (SPEC §5), "met" once it is over
    assert ledger.load(D(2026, 1, 2)).report.cert("custom").current.annual[1].status == "met"
    assert cert.current.status == "ahead"
    assert cert.status == "behind"


def test_current_year_behind_its_own_pace_makes_the_headline_behind(ledger):
    ledger.cert("custom", custom(required="30", end="2026-12-31").replace("required: 30", "required: 30\n            annual_minimum: 20"))
    ledger.credit("a", credit("Early", "2024-01-02", 12))  # ahead on the cycle, behind on the year by October
    cert = ledger.load(D(2024, 10, 1)).report.cert("custom")
    assert cert.current.status == "ahead"
    assert cert.current.current_year.status == "behind"
    assert cert.status == "behind"


def test_remaining_needed_per_month_and_projection(ledger):
    ledger.cert("custom", custom(required="24", start="2024-01-01", end="2025-12-31"))
    ledger.credit("a", credit("A", "2024-01-15", 6))
    c = ledger.load(D(2024, 12, 31)).report.cert("custom").current
    assert c.remaining == Decimal(18)
    assert c.days_left == 365
    # 18 credits over 366 days left (both ends counted) ≈ 1.4963 a month, rounded up
    assert c.needed_per_month == Decimal("1.50")
    # 6 credits in the trailing year: 18 more take 3 × 365 days
    assert c.projected_finish == D(2024, 12, 31) + dt.timedelta(days=1095)


def test_no_recent_credits_means_no_projection(ledger):
    ledger.cert("custom", custom(required="24", start="2024-01-01", end="2026-12-31"))
    ledger.credit("a", credit("A", "2024-01-15", 6))
    assert ledger.load(D(2026, 6, 1)).report.cert("custom").current.projected_finish is None


def test_a_cycle_over_short_of_its_total_has_no_projection(ledger):
    """Credits after the end count in no day of it: nothing to project (QA:
    "Projected finish 2035-01-03" for a cycle that ended in 2023)."""
    ledger.cert("custom", custom(start="2021-01-01", end="2023-12-31"))
    ledger.credit("a", credit("Late", "2024-06-01", 1))  # counts nowhere
    c = ledger.load(D(2025, 1, 5)).report.cert("custom").current
    assert c.status == "lapsed"
    assert c.projected_finish is None


def test_a_young_cycles_projection_is_its_own_pace_made_a_years_worth(ledger):
    """A cycle begun five months ago is filled at its own pace so far, made
    a year's worth: the months before it are another cycle's (empty in a
    new ledger, last cycle's rush in an old one), and counting them would
    contradict the pace shown beside it."""
    ledger.cert("custom", custom(required="24", start="2023-01-01", end="2023-12-31").replace(
        "required: 24", "required: 24\n          - {start: 2024-01-01, end: 2025-12-31, required: 24}"))
    ledger.credit("old", credit("Old cycle", "2023-12-01", 24))
    ledger.credit("new", credit("New cycle", "2024-03-01", 6))
    c = ledger.load(D(2024, 6, 1)).report.cert("custom").current
    assert (c.start, c.pace.elapsed_days) == (D(2024, 1, 1), 153)
    # 6 credits in 153 days: 18 more take 18 × 153 / 6 = 459 days
    assert c.projected_finish == D(2024, 6, 1) + dt.timedelta(days=459)
    # a year on, the last twelve months are the cycle's own: 6 + 6 a year, 12 more take a year
    ledger.credit("later", credit("Later", "2025-01-15", 6))
    c = ledger.load(D(2025, 2, 1)).report.cert("custom").current
    assert c.projected_finish == D(2025, 2, 1) + dt.timedelta(days=365)


# -- derivation of cycles by each issuer's rule ---------------------------------------

@pytest.mark.parametrize(
    "program, certified, as_of, first, current",
    [
        ("isc2-cissp", "2024-03-15", "2026-11-15", ("2024-03-15", "2027-03-14"), ("2024-03-15", "2027-03-14")),
        ("isc2-cissp", "2020-03-15", "2026-11-15", ("2020-03-15", "2023-03-14"), ("2026-03-15", "2029-03-14")),
        ("isaca-cisa", "2023-06-10", "2026-11-15", ("2024-01-01", "2026-12-31"), ("2024-01-01", "2026-12-31")),
        ("comptia-security-plus", "2024-02-29", "2026-11-15", ("2024-02-29", "2027-02-27"), ("2024-02-29", "2027-02-27")),
        ("pmi-pmp", "2022-11-16", "2026-11-15", ("2022-11-16", "2025-11-15"), ("2025-11-16", "2028-11-15")),
        ("giac", "2023-01-01", "2026-11-15", ("2023-01-01", "2027-01-31"), ("2023-01-01", "2027-01-31")),
        ("cpa-ca", "2024-07-01", "2026-11-15", ("2024-07-01", "2026-06-30"), ("2026-07-01", "2028-06-30")),
        ("iia-cia", "2024-05-05", "2026-11-15", ("2025-01-01", "2025-12-31"), ("2026-01-01", "2026-12-31")),
    ],
)
def test_cycles_derived_from_certified(ledger, program, certified, as_of, first, current):
    ledger.cert("c", f"name: C\nprogram: {program}\ncertified: {certified}\n")
    cert = ledger.load(D.fromisoformat(as_of)).report.cert("c")
    assert (str(cert.cycles[0].start), str(cert.cycles[0].end)) == first
    assert (str(cert.current.start), str(cert.current.end)) == current


def test_cycles_roll_up_to_the_as_of_date_however_many(ledger):
    """Monthly cycles since 2005 are some 260: the current one still holds
    the as-of date, and the credit dated in it counts."""
    ledger.write("ledger/programs/monthly.yaml", "name: Monthly\nbody: B\nrequired: 4\ncycle: {months: 1}\n")
    ledger.cert("c", "name: C\nprogram: monthly\ncertified: 2005-01-01\n")
    ledger.credit("a", credit("A", "2026-11-01", 8, cert="c"))
    loaded = ledger.load(D(2026, 11, 15))
    assert loaded.problems == ()
    cert = loaded.report.cert("c")
    assert (cert.current.start, cert.current.end) == (D(2026, 11, 1), D(2026, 11, 30))
    assert (cert.current.earned, cert.status) == (Decimal(8), "complete")


def test_no_cycle_says_the_program_lacks_required(ledger):
    ledger.write("ledger/programs/monthly.yaml", "name: Monthly\nbody: B\ncycle: {months: 1}\n")
    ledger.cert("c", "name: C\nprogram: monthly\ncertified: 2005-01-01\n")
    cert = ledger.load().report.cert("c")
    assert cert.warnings == ("no cycle: the program 'monthly' gives no 'required' credits to derive one from 'certified'",)


def test_cycles_stop_at_the_calendars_last_day(ledger):
    """An as-of date at the very end of the calendar (beyond what the
    command line takes) still gives a last cycle that ends in it, and no more."""
    from recertgen.engine.compute import compute

    ledger.write("ledger/programs/long.yaml", "name: Long\nbody: B\nrequired: 4\ncycle: {years: 100}\n")
    ledger.cert("c", "name: C\nprogram: long\ncertified: 2999-01-01\n")
    cycles = compute(ledger.load().ledger, dt.date.max).cert("c").cycles
    assert [c.start for c in cycles[1:]] == [c.end + dt.timedelta(days=1) for c in cycles[:-1]]
    assert all(c.start <= c.end for c in cycles)
    assert (cycles[-1].start, cycles[-1].end) == (D(9999, 1, 1), D(9999, 12, 30))


def test_isaca_counts_credits_from_the_certification_date(ledger):
    ledger.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2023-06-10\n")
    ledger.credit("a", credit("Chapter meeting", "2023-09-01", 2, cert="cisa", more="hours: 2"))
    cert = ledger.load(D(2024, 3, 1)).report.cert("cisa")
    assert cert.current.start == D(2024, 1, 1)
    assert cert.current.earned == Decimal(2)
    assert cert.current.annual[0].earned == Decimal(2)
    assert cert.outside == ()


def test_explicit_cycles_roll_forward_with_a_program(ledger):
    ledger.cert("pmp", """
        name: PMP
        program: pmi-pmp
        cycles:
          - start: 2020-05-01
    """)
    cert = ledger.load(D(2026, 11, 15)).report.cert("pmp")
    assert [(str(c.start), str(c.end)) for c in cert.cycles] == [
        ("2020-05-01", "2023-04-30"),
        ("2023-05-01", "2026-04-30"),
        ("2026-05-01", "2029-04-30"),
    ]


def test_upcoming_cycle_is_reported_before_it_starts(ledger):
    ledger.cert("custom", custom(start="2027-01-01", end="2027-12-31"))
    cert = ledger.load(D(2026, 11, 15)).report.cert("custom")
    assert cert.current.start == D(2027, 1, 1)
    assert cert.status == "upcoming"


@pytest.mark.parametrize("as_of,current", [
    (D(2021, 6, 1), D(2022, 1, 1)),  # none has started: the next one
    (D(2022, 6, 1), D(2022, 1, 1)),  # the one containing the day
    (D(2023, 6, 1), D(2024, 1, 1)),  # between two: the next one, not the last of all
    (D(2027, 6, 1), D(2026, 1, 1)),  # after all: the last one
])
def test_the_reported_cycle_between_cycles_is_the_next_one(ledger, as_of, current):
    years = "".join(f"  - {{start: {y}-01-01, end: {y}-12-31, required: 10}}\n" for y in (2022, 2024, 2026))
    ledger.cert("custom", f"name: Custom\nbody: B\ncycles:\n{years}")
    assert ledger.load(as_of).report.cert("custom").current.start == current


# -- estimation through entries -------------------------------------------------------

@pytest.mark.parametrize(
    "program, minutes, delivery, expected",
    [
        ("cpa-ca", 100, "group-live", "2"),
        ("cpa-ca", 140, "group-live", "2.8"),
        ("cpa-ca", 40, "group-live", "0"),
        ("cpa-ca", 30, "self-study", "0.5"),
        ("cpa-ca", 20, "nano-learning", "0.4"),
        ("isaca-cisa", 390, "webinar", "7.75"),
        ("pmi-pmp", 45, "webinar", "0.75"),
        ("isc2-cissp", 90, "webinar", "1.5"),
        ("comptia-security-plus", 120, "course", "2"),
        ("iia-cia", 100, "group-live", "2"),
    ],
)
def test_estimates_from_duration(ledger, program, minutes, delivery, expected):
    ledger.cert("c", f"name: C\nprogram: {program}\ncertified: 2024-01-01\n")
    ledger.credit("a", f"title: T\nprovider: P\ndate: 2025-03-01\nminutes: {minutes}\ndelivery: {delivery}\ncounts_toward: [c]\n")
    (counted,) = ledger.load(D(2025, 6, 1)).report.cert("c").counted
    assert counted.estimated
    assert counted.credits == Decimal(expected)


def test_university_semester_hours(ledger):
    ledger.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2023-06-10\n")
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2023-06-10\n")
    ledger.credit("a", "title: Course\nprovider: Uni\ndate: 2025-05-01\nsemester_hours: 3\ndelivery: course\ncounts_toward: [cisa, cissp]\n")
    report = ledger.load(D(2025, 6, 1)).report
    assert report.cert("cisa").counted[0].credits == Decimal(45)  # 15 per semester hour
    assert report.cert("cissp").counted[0].credits == Decimal(40)  # 3 × 16 weeks × 50 min ÷ 60


def test_explicit_credits_win_over_estimates(cissp_ledger):
    cissp_ledger.credit("a", "title: T\nprovider: P\ndate: 2025-03-01\nhours: 2\ncounts_toward: {cissp: 1.5}\n")
    (counted,) = cissp_ledger.load().report.cert("cissp").counted
    assert (counted.credits, counted.estimated) == (Decimal("1.5"), False)


# -- carry-over and assertions ---------------------------------------------------------

def test_isc2_group_a_rollover_from_the_last_six_months(ledger):
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2021-01-01\n")
    ledger.credit("early", credit("Early", "2021-06-01", 40, cert="cissp", more="hours: 40"))
    ledger.credit("mid", credit("Mid", "2022-06-01", 40, cert="cissp", more="hours: 40"))
    ledger.credit("b", credit("B", "2023-01-10", "{credits: 30, category: group-b}", cert="cissp", more="hours: 30"))
    ledger.credit("late", credit("Late", "2023-10-01", 25, cert="cissp", more="hours: 25"))
    # 135 earned: 15 over 120; Group A in the last six months: 25 -> 15 roll over
    cert = ledger.load(D(2024, 2, 1)).report.cert("cissp")
    first, second = cert.cycles
    assert first.carried_out == Decimal(15)
    assert second.carried_in == Decimal(15)
    assert second.earned == Decimal(0)
    assert second.credited == Decimal(15)
    # summary.json's cycle holds together: earned counts what was carried in, as delta_days does
    import json

    from recertgen.exports.summary import summary_json

    summary = json.loads(summary_json(ledger.load(D(2024, 2, 1)).report))["certifications"][0]
    start, end = D.fromisoformat(summary["cycle"]["start"]), D.fromisoformat(summary["cycle"]["end"])
    total, elapsed = (end - start).days + 1, (D(2024, 2, 1) - start).days + 1
    assert summary["earned"] == 15.0
    assert summary["delta_days"] == int(Decimal("15") * total // Decimal(summary["required"])) - elapsed
    assert summary["remaining"] == summary["required"] - summary["earned"]


def test_rollover_is_capped(ledger):
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2021-01-01\n")
    for n, date in enumerate(["2021-03-01", "2021-09-01", "2022-03-01"]):
        ledger.credit(f"e{n}", credit(f"E{n}", date, 40, cert="cissp", more="hours: 40"))
    for n, date in enumerate(["2023-08-01", "2023-09-01"]):
        ledger.credit(f"l{n}", credit(f"L{n}", date, 40, cert="cissp", more="hours: 40"))
    first, second = ledger.load(D(2024, 2, 1)).report.cert("cissp").cycles
    assert first.carried_out == Decimal(40)


def test_iia_surplus_carries_only_from_years_the_2023_policy_covers(ledger):
    """RULES §9: from 1 Sep 2023 a year's surplus may be used in the next,
    at most 20: 2019's surplus does not carry into 2020; 2023's does."""
    ledger.cert("cia", "name: CIA\nprogram: iia-cia\ncertified: 2018-05-01\n")
    for year, credits in ((2019, 58), (2020, 18), (2023, 58), (2024, 18)):
        ledger.credit(f"y{year}", credit(f"Y{year}", f"{year}-03-01", credits, cert="cia", more="hours: 60"))
        ledger.credit(f"e{year}", credit(f"E{year}", f"{year}-03-02", "{credits: 2, category: ethics}", cert="cia", more="hours: 2"))
    cert = ledger.load(D(2024, 12, 31)).report.cert("cia")
    by_year = {c.start.year: c for c in cert.cycles}
    assert (by_year[2019].carried_out, by_year[2020].carried_in, by_year[2020].status) == (0, 0, "lapsed")
    assert (by_year[2023].carried_out, by_year[2024].carried_in, by_year[2024].credited) == (20, 20, 40)
    assert by_year[2024].status == "complete"


def test_matching_assertion_is_clean(cissp_ledger):
    cissp_ledger.write("ledger/certifications/cissp.yaml", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\nassertions:\n  - {date: 2026-10-01, total: 3.5}\n")
    cissp_ledger.credit("a", credit("A", "2025-01-01", 2, cert="cissp", more="hours: 2"))
    cissp_ledger.credit("b", credit("B", "2026-10-01", 1.5, cert="cissp", more="hours: 2"))
    cissp_ledger.credit("c", credit("C", "2026-10-02", 1, cert="cissp", more="hours: 1"))
    assert cissp_ledger.problems() == []


# -- summary.json -------------------------------------------------------------------------

def test_summary_json_shape_and_two_place_numbers(ledger):
    ledger.cert("custom", custom(required="10", extra="categories: {ethics: {min: 2}}").replace("required: 10", "required: 10\n            annual_minimum: 5"))
    ledger.credit("a", credit("A", "2024-03-01", "{credits: 2.5, category: ethics}"))
    text = summary_json(ledger.load(D(2024, 7, 1)).report)
    assert '"earned": 2.50' in text
    data = json.loads(text)
    (c,) = data["certifications"]
    assert set(data) == {"as_of", "certifications"}
    assert list(c) == ["id", "name", "unit", "cycle", "required", "earned", "expected", "remaining",
                       "delta_days", "days_left", "status", "annual", "categories"]  # SPEC §5, no more
    assert data["as_of"] == "2024-07-01"
    assert {k: c[k] for k in ("id", "name", "unit", "cycle", "required", "earned", "remaining", "delta_days", "days_left", "status")} == {
        "id": "custom", "name": "Custom", "unit": "CPE", "cycle": {"start": "2024-01-01", "end": "2024-12-31"},
        "required": 10, "earned": 2.5, "remaining": 7.5, "delta_days": 91 - 183, "days_left": 183, "status": "behind",
    }
    assert c["expected"] == pytest.approx(10 * 183 / 366, abs=0.005)
    assert c["annual"] == [{"start": "2024-01-01", "end": "2024-12-31", "minimum": 5, "earned": 2.5, "status": "on-track"}]
    assert c["categories"] == [{"name": "ethics", "min": 2, "max": None, "earned": 2.5, "counted": 2.5}]


# RULES.md §1: how each issuer fixes the cycle's start and its length.
CYCLE_RULES = {
    **{p: ("certified", 3) for p in ("isc2-cissp", "isc2-ccsp", "isc2-sscp", "isc2-cc")},
    **{p: ("next-january", 3) for p in ("isaca-cisa", "isaca-cism", "isaca-crisc", "isaca-cgeit", "isaca-cdpse")},
    **{p: ("certified", 3) for p in ("comptia-a-plus", "comptia-network-plus", "comptia-security-plus",
                                      "comptia-cysa-plus", "comptia-pentest-plus", "comptia-securityx")},
    **{p: ("certified", 3) for p in ("pmi-pmp", "pmi-capm", "pmi-acp")},
    "giac": ("certified-to-month-end", 4),
    **{p: ("certified", 3) for p in ("cisco-associate", "cisco-specialist", "cisco-professional", "cisco-expert")},
    "cpa-ca": ("certified", 2),
    "cpa-ny": ("next-january", 3),
    "iia-cia": ("next-january", 1),
    "acfe-cfe": ("anniversary-month", 1),
}


@pytest.mark.parametrize("program", sorted(CYCLE_RULES))
def test_every_program_derives_and_rolls_its_cycles(ledger, program):
    anchor, years = CYCLE_RULES[program]
    certified = D(2019, 7, 20)
    ledger.cert("c", f"name: C\nprogram: {program}\ncertified: {certified}\n")
    as_of = D(2026, 11, 15)
    cycles = ledger.load(as_of).report.cert("c").cycles
    start = {"next-january": D(2020, 1, 1), "anniversary-month": D(2020, 8, 1)}.get(anchor, certified)
    assert cycles[0].start == start
    for previous, cycle in zip(cycles, cycles[1:]):
        assert cycle.start == previous.end + dt.timedelta(days=1)
    for cycle in cycles:
        end = cycle.start.replace(year=cycle.start.year + years) - dt.timedelta(days=1)
        if anchor == "certified-to-month-end":  # GIAC: the last day of the month it would end in
            end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        assert cycle.end == end
    assert cycles[-1].start <= as_of <= cycles[-1].end


@pytest.mark.parametrize("as_of,window,required", [
    ("2020-06-01", ("2020-03-15", "2021-03-14"), 0),  # 1st licence year: nothing due
    ("2021-06-01", ("2021-03-15", "2022-03-14"), 20),  # 2nd: 20 in the prior 12 months
    ("2022-06-01", ("2021-03-15", "2023-03-14"), 60),  # 3rd: 60 in the prior 24 (RULES E21)
    ("2023-06-01", ("2021-03-15", "2024-03-14"), 100),  # 4th: 100 in the prior 36
    ("2025-06-01", ("2023-03-15", "2026-03-14"), 120),  # 6th: 120 in the prior 36, the window rolls a year at a time
])
def test_texas_reports_every_year_over_a_rolling_window_and_phases_new_licensees_in(ledger, as_of, window, required):
    """RULES §8c (O): the licence is renewed every year and each report looks
    back 36 months; new licensees: none, 20 in 12 months, 60 in 24, 100 in 36,
    then 120 in 36 — each with 20 in the last 12 (the annual minimum)."""
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-03-15\n")
    ledger.credit("a", "title: A\nprovider: P\ndate: 2021-06-01\ncounts_toward: {tx: 30}\n")
    cert = ledger.load(D.fromisoformat(as_of)).report.cert("tx")
    current = cert.current
    assert ((current.start.isoformat(), current.end.isoformat()), current.required) == (window, required)
    assert [a.minimum for a in current.annual][-1] == (20 if required else None)  # 20 in the last 12 months
    ethics = next(c for c in current.categories if c.name == "ethics")
    assert ethics.min == (4 if required > 20 else None)  # every two years: not in a one-year report
    assert all(a.minimum is None for a in current.annual[:-1])  # earlier years: due in their own reports
    assert [c.start for c in cert.cycles] == sorted(c.start for c in cert.cycles)  # windows overlap, in order
    assert current.earned == (30 if D.fromisoformat(window[0]) <= D(2021, 6, 1) <= D.fromisoformat(as_of) else 0)


def test_a_texas_first_licence_year_owes_nothing_and_its_credits_count_in_no_later_report(ledger):
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2025-01-01\n")
    ledger.credit("a", "title: A\nprovider: P\ndate: 2025-02-01\nminutes: 140\ndelivery: group-live\ncounts_toward: [tx]\n")
    first = ledger.load(D(2025, 6, 30)).report.cert("tx")
    assert (first.current.required, first.current.earned, first.status) == (0, Decimal("2.8"), "complete")
    assert ledger.problems(D(2025, 6, 30)) == []
    third = ledger.load(D(2027, 6, 30)).report.cert("tx").current
    assert (third.start, third.required, third.earned) == (D(2026, 1, 1), 60, 0)


def test_texas_needs_20_in_the_last_12_months_not_in_every_year_of_the_window(ledger):
    """RULES §8c / E21: 120 in the 36 months, 20 of them in the last 12 —
    a year short in the past was due (and missed) in its own report."""
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-03-15\n")
    ledger.credit("a", "title: A\nprovider: P\ndate: 2023-06-01\ncounts_toward: {tx: 80}\n")
    ledger.credit("b", "title: B\nprovider: P\ndate: 2025-06-01\ncounts_toward: {tx: {credits: 40, category: ethics}}\n")
    assert ledger.load(D(2026, 3, 14)).report.cert("tx").status == "complete"
    short = ledger.load(D(2025, 3, 14)).report.cert("tx").current  # its last day: 80 of 120, nothing in 2024-25
    assert (short.status, short.annual[-1].remaining) == ("behind", 20)


def test_texas_licence_years_from_29_february_end_on_the_anniversaries(ledger):
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-02-29\n")
    for year in range(2021, 2028):
        ledger.credit(f"y{year}", f"title: Y{year}\nprovider: P\ndate: {year}-06-01\ncounts_toward: {{tx: {{credits: 40, category: ethics}}}}\n")
    current = ledger.load(D(2028, 2, 28)).report.cert("tx").current
    assert (current.start, current.end, current.status) == (D(2025, 2, 28), D(2028, 2, 28), "complete")
    assert [(a.start, a.end) for a in current.annual][-1] == (D(2027, 2, 28), D(2028, 2, 28))
    assert ledger.load(D(2028, 3, 1)).report.cert("tx").current.status != "lapsed"


def test_texas_years_after_written_windows_keep_the_phase_in(ledger):
    """A window written to end in the birth month, then derived ones: the
    year after it is a new licensee's 3rd, 60 over 24 months (E21)."""
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-03-15\n"
                      "cycles:\n  - {start: 2021-07-01, end: 2022-06-30, required: 20}\n")
    current = ledger.load(D(2023, 1, 1)).report.cert("tx").current
    assert (current.start, current.end, current.required) == (D(2021, 7, 1), D(2023, 6, 30), 60)


def test_texas_written_windows_need_20_in_their_last_year_only(ledger):
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncycles:\n  - {start: 2020-07-01, end: 2023-06-30}\n")
    ledger.credit("a", "title: A\nprovider: P\ndate: 2022-09-01\ncounts_toward: {tx: 116}\n")
    ledger.credit("b", "title: B\nprovider: P\ndate: 2022-10-01\ncounts_toward: {tx: {credits: 4, category: ethics}}\n")
    assert ledger.load(D(2023, 6, 30)).report.cert("tx").status == "complete"


def test_texas_29_february_licence_years(ledger):
    """Years turn on the 29th in leap years: the year after 2024-02-28 is
    its own, and a window written to 2023-02-27 is followed by the 4th
    licence year (100 over 36 months)."""
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-02-29\n")
    window = next(c for c in ledger.load(D(2024, 6, 1)).report.cert("tx").cycles if c.end == D(2025, 2, 27))
    assert (window.annual[-1].start, window.annual[-2].end) == (D(2024, 2, 29), D(2024, 2, 28))
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncertified: 2020-02-29\ncycles:\n  - {start: 2021-02-28, end: 2023-02-27, required: 60}\n")
    current = ledger.load(D(2023, 6, 1)).report.cert("tx").current
    assert (current.start, current.required) == (D(2021, 2, 28), 100)


def test_a_rolling_window_of_months_keeps_its_length(ledger):
    ledger.write("ledger/programs/roll.yaml", "name: Roll\nbody: B\nrequired: 30\ncycle: {months: 30, rolling: true}\n")
    ledger.cert("r", "name: R\nprogram: roll\ncertified: 2020-01-01\n")
    current = ledger.load(D(2024, 6, 1)).report.cert("r").current
    assert (current.start, current.end) == (D(2022, 7, 1), D(2024, 12, 31))


def test_texas_windows_follow_written_ones_and_may_overlap_them(ledger):
    """Windows written by hand (to end in the birth month) overlap as the
    board's do, with no 'overlaps' error; later years follow the last one."""
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncycles:\n  - {start: 2021-08-01, end: 2024-07-31}\n"
                      "  - {start: 2022-08-01, end: 2025-07-31}\n")
    assert ledger.problems(D(2026, 11, 15)) == []
    cert = ledger.load(D(2026, 11, 15)).report.cert("tx")
    assert [(c.start, c.end, c.required) for c in cert.cycles] == [
        (D(2021, 8, 1), D(2024, 7, 31), 120), (D(2022, 8, 1), D(2025, 7, 31), 120),
        (D(2023, 8, 1), D(2026, 7, 31), 120), (D(2024, 8, 1), D(2027, 7, 31), 120)]
    assert (cert.current.start, cert.current.end) == (D(2024, 8, 1), D(2027, 7, 31))


def test_giac_expires_on_the_last_day_of_the_month_earned(ledger):
    """RULES §6: expiry is reported as the last day of the month earned (S)."""
    ledger.cert("gpen", "name: GPEN\nprogram: giac\ncertified: 2022-05-10\n")
    first, second = ledger.load(D(2027, 1, 1)).report.cert("gpen").cycles
    assert (first.start, first.end) == (D(2022, 5, 10), D(2026, 5, 31))
    assert (second.start, second.end) == (D(2026, 6, 1), D(2030, 5, 31))


def test_giac_earned_on_the_first_of_a_month_expires_at_its_end(ledger):
    """Earned on 1 March: valid through 31 March four years on, and every
    renewal keeps March (not the day before the anniversary, in February)."""
    ledger.cert("gcih", "name: GCIH\nprogram: giac\ncertified: 2024-03-01\n")
    first, second = ledger.load(D(2028, 6, 1)).report.cert("gcih").cycles
    assert (first.start, first.end) == (D(2024, 3, 1), D(2028, 3, 31))
    assert (second.start, second.end) == (D(2028, 4, 1), D(2032, 3, 31))


def test_new_cfes_are_exempt_through_the_next_anniversary_month(ledger):
    """RULES §10: exempt from the certification date through the next
    anniversary month (S); then 12-month periods ending with it."""
    ledger.cert("cfe", "name: CFE\nprogram: acfe-cfe\ncertified: 2023-07-10\n")
    cert = ledger.load(D(2024, 3, 1)).report.cert("cfe")
    assert cert.status == "upcoming", "nothing is due during the exemption"
    assert (cert.cycles[0].start, cert.cycles[0].end) == (D(2024, 8, 1), D(2025, 7, 31))
    later = ledger.load(D(2025, 9, 1)).report.cert("cfe")
    assert [(c.start, c.end) for c in later.cycles] == [(D(2024, 8, 1), D(2025, 7, 31)), (D(2025, 8, 1), D(2026, 7, 31))]
    assert later.cycles[0].status == "lapsed"


def test_a_year_short_of_its_category_minimum_keeps_the_cycle_from_complete(ledger):
    """California: 20 hours in each year of the period, 12 of them technical
    (RULES §8a). A cycle total of 84 does not make it complete while one year
    had only non-technical hours."""
    ledger.cert("cpa", "name: CPA\nprogram: cpa-ca\ncertified: 2024-07-01\n")
    ledger.credit("y1", "title: Soft skills\nprovider: P\ndate: 2024-09-01\ncounts_toward: {cpa: {credits: 20, category: non-technical}}\n")
    ledger.credit("y2", "title: Tax update\nprovider: P\ndate: 2025-09-01\ncounts_toward: {cpa: {credits: 60, category: technical}}\n")
    ledger.credit("ethics", "title: Ethics\nprovider: P\ndate: 2025-10-01\ncounts_toward: {cpa: {credits: 4, category: ethics}}\n")
    cert = ledger.load(D(2026, 6, 1)).report.cert("cpa")
    first_year = cert.current.annual[0]
    assert first_year.earned >= 20 and first_year.status == "missed"
    assert cert.current.credited >= 80
    assert cert.current.status != "complete"
    ledger.credit("y1-tech", "title: Audit update\nprovider: P\ndate: 2024-10-01\ncounts_toward: {cpa: {credits: 12, category: technical}}\n")
    assert ledger.load(D(2026, 6, 1)).report.cert("cpa").current.status == "complete"


def test_comptia_work_experience_counts_three_a_year(ledger):
    ledger.cert("secplus", "name: Security+\nprogram: comptia-security-plus\ncertified: 2024-01-10\n")
    ledger.credit("work", "- title: Job year one\n  provider: Employer\n  date: 2024-06-01\n"
                          "  counts_toward: {secplus: {credits: 9, category: work-experience}}\n"
                          "- title: Job year two\n  provider: Employer\n  date: 2025-06-01\n"
                          "  counts_toward: {secplus: {credits: 3, category: work-experience}}\n")
    current = ledger.load(D(2026, 6, 1)).report.cert("secplus").current
    work = next(c for c in current.categories if c.name == "work-experience")
    assert work.counted == Decimal(6), "3 of year one's 9, and year two's 3"
    assert current.earned == Decimal(6)


def test_a_ledger_defines_its_own_program(ledger):
    """SPEC §3: ledger/programs/*.yaml with the same keys as the built-in
    templates; like a certification, the file's stem is its id by default."""
    ledger.write("ledger/programs/acme-cert.yaml", (
        "name: ACME Certified\nbody: ACME\nunit: CEU\ncycle: {years: 2, anchor: certified}\nrequired: 30\n"
        "estimate: {minutes_per_credit: 60, increment: 0.5}\n"))
    ledger.write("ledger/programs/other.yaml", "id: acme-two\nname: ACME Two\nbody: ACME\ncycle: {years: 1}\nrequired: 5\n")
    ledger.cert("acme", "name: ACME\nprogram: acme-cert\ncertified: 2025-01-10\n")
    ledger.credit("a", "title: Course\nprovider: ACME\ndate: 2025-03-01\nminutes: 100\ncounts_toward: [acme]\n")
    loaded = ledger.load(D(2025, 6, 1))
    assert loaded.problems == ()
    assert {"acme-cert", "acme-two"} <= set(loaded.ledger.programs)
    cert = loaded.report.cert("acme")
    assert (cert.current.start, cert.current.end) == (D(2025, 1, 10), D(2027, 1, 9))
    assert cert.current.earned == Decimal("1.5")  # 100 minutes at 60 a credit, rounded down to halves
    ledger.write("ledger/programs/Bad Name.yaml", "name: X\nbody: Y\nrequired: 1\n")
    assert any("not a valid program id" in p.message for p in ledger.load(D(2025, 6, 1)).errors)


def test_texas_nano_learning_counts_at_most_half_the_cycle(ledger):
    """RULES §8c (O): at most 50 % of the 3-year total may be nano-learning,
    whatever its category: 120 nano and 24 other credits count 84."""
    ledger.cert("tx", "name: CPA\nprogram: cpa-tx\ncycles:\n  - {start: 2024-03-15, end: 2027-03-14}\n")  # a 36-month window
    for n, day in enumerate(("2024-06-01", "2024-06-02", "2025-06-01", "2025-06-02", "2026-06-01", "2026-06-02")):
        ledger.credit(f"nano-{n}", f"title: Nano {n}\nprovider: P\ndate: {day}\ndelivery: nano-learning\ncounts_toward: {{tx: 20}}\n")
    ledger.credit("live", "title: Live\nprovider: P\ndate: 2024-07-01\ndelivery: group-live\nminutes: 1000\ncounts_toward: {tx: 20}\n")
    ledger.credit("ethics", "title: Ethics\nprovider: P\ndate: 2024-08-01\nminutes: 200\ncounts_toward: {tx: {credits: 4, category: ethics}}\n")
    cert = ledger.load(D(2027, 3, 14)).report.cert("tx")
    current = cert.current
    assert (current.earned, current.status) == (Decimal("84"), "behind")  # its last day: 36 short
    (limit,) = current.delivery_limits
    assert (limit.delivery, limit.earned, limit.counted) == ("nano-learning", Decimal("120"), Decimal("60"))
    assert any("nano-learning credits: 120.00 earned but at most 60.00 a cycle count" in w for w in cert.warnings)
    assert sum(c.credits for c in current.entries) == Decimal("144"), "entries keep what was claimed"


def test_acfe_instructor_credit_counts_at_most_ten_a_year(ledger):
    """RULES §10 (O): instructor credit max 10 per year, even when it is
    about fraud."""
    ledger.cert("cfe", "name: CFE\nprogram: acfe-cfe\ncertified: 2024-03-15\n")
    ledger.credit("teach", "title: Taught\nprovider: P\ndate: 2025-05-01\ndelivery: teaching\nminutes: 360\n"
                           "counts_toward: {cfe: {credits: 18, category: fraud}}\n")
    ledger.credit("ethics", "title: Ethics\nprovider: P\ndate: 2025-05-02\nminutes: 100\ncounts_toward: {cfe: {credits: 2, category: ethics}}\n")
    current = ledger.load(D(2026, 3, 31)).report.cert("cfe").current
    assert (current.start, current.end) == (D(2025, 4, 1), D(2026, 3, 31))
    assert current.earned == Decimal("12") and current.status == "behind"
    fraud = next(c for c in current.categories if c.name == "fraud")
    assert fraud.counted == Decimal("10")
    ledger.credit("more", "title: Course\nprovider: P\ndate: 2025-06-01\nminutes: 500\ncounts_toward: {cfe: {credits: 8, category: fraud}}\n")
    assert ledger.load(D(2026, 3, 31)).report.cert("cfe").current.status == "complete"
