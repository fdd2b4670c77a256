"""The built-in program templates against RULES.md.

The expected values below are RULES.md's (summary table §1 and the worked
examples §11); the credits are always computed through the engine's own
estimate function with each template's rule, never restated from the data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from recertgen.engine.estimate import credits_from_minutes
from recertgen.program_library import builtin_problems, builtin_programs, source_index

SPEC_IDS = (
    "isc2-cissp", "isc2-ccsp", "isc2-sscp", "isc2-cc",
    "isaca-cisa", "isaca-cism", "isaca-crisc", "isaca-cgeit", "isaca-cdpse",
    "comptia-a-plus", "comptia-network-plus", "comptia-security-plus",
    "comptia-cysa-plus", "comptia-pentest-plus", "comptia-securityx",
    "pmi-pmp", "pmi-capm", "pmi-acp", "giac",
    "cisco-associate", "cisco-specialist", "cisco-professional", "cisco-expert",
    "cpa-ca", "cpa-ny", "cpa-tx", "iia-cia", "acfe-cfe",
)
ISC2 = ("isc2-cissp", "isc2-ccsp", "isc2-sscp", "isc2-cc")
ISACA = ("isaca-cisa", "isaca-cism", "isaca-crisc", "isaca-cgeit", "isaca-cdpse")
PMI = ("pmi-pmp", "pmi-capm", "pmi-acp")
CPA = ("cpa-ca", "cpa-ny", "cpa-tx")
CISCO = ("cisco-associate", "cisco-specialist", "cisco-professional", "cisco-expert")

# RULES.md §1: id -> (total per cycle, cycle in years, anchor, annual minimum)
RULES_TABLE = {
    "isc2-cissp": (120, 3, "certified", None),
    "isc2-ccsp": (90, 3, "certified", None),
    "isc2-sscp": (60, 3, "certified", None),
    "isc2-cc": (45, 3, "certified", None),
    "isaca-cisa": (120, 3, "next-january", 20),
    "isaca-cism": (120, 3, "next-january", 20),
    "isaca-crisc": (120, 3, "next-january", 20),
    "isaca-cgeit": (120, 3, "next-january", 20),
    "isaca-cdpse": (120, 3, "next-january", 20),
    "comptia-a-plus": (20, 3, "certified", None),
    "comptia-network-plus": (30, 3, "certified", None),
    "comptia-security-plus": (50, 3, "certified", None),
    "comptia-cysa-plus": (60, 3, "certified", None),
    "comptia-pentest-plus": (60, 3, "certified", None),
    "comptia-securityx": (75, 3, "certified", None),
    "pmi-pmp": (60, 3, "certified", None),
    "pmi-capm": (15, 3, "certified", None),
    "pmi-acp": (30, 3, "certified", None),
    "giac": (36, 4, "certified", None),
    "cisco-associate": (30, 3, "certified", None),
    "cisco-specialist": (40, 3, "certified", None),
    "cisco-professional": (80, 3, "certified", None),
    "cisco-expert": (120, 3, "certified", None),
    "cpa-ca": (80, 2, "certified", 20),
    "cpa-ny": (120, 3, "next-january", 40),
    "cpa-tx": (120, 3, "certified", 20),
    "iia-cia": (40, 1, "next-january", 40),
    "acfe-cfe": (20, 1, "anniversary-month", 20),  # annual minimum = total
}

# RULES.md §1: which annual periods are calendar years
CALENDAR_YEAR = set(ISACA) | {"cpa-ny", "iia-cia"}


def program(program_id: str):
    return builtin_programs()[program_id]


def minutes(value) -> Decimal:
    return Decimal(value)


def estimate(program_id: str, mins, delivery: str | None = None) -> Decimal:
    return credits_from_minutes(minutes(mins), program(program_id).rule_for(delivery))


# -- the library as a whole ---------------------------------------------------

def test_templates_have_no_problems():
    assert builtin_problems() == ()


def test_every_spec_id_is_built_in():
    assert set(SPEC_IDS) <= set(builtin_programs())
    assert set(RULES_TABLE) == set(SPEC_IDS)


def test_file_name_is_the_id():
    for program_id, p in builtin_programs().items():
        assert p.source.path == f"recertgen/programs/{program_id}.yaml"
        assert p.builtin


def test_source_list_covers_rules_section_13():
    index = source_index()
    expected = (
        [f"I{n}" for n in range(1, 15)] + [f"A{n}" for n in range(1, 9)] + [f"C{n}" for n in range(1, 8)]
        + [f"P{n}" for n in range(1, 12)] + [f"G{n}" for n in range(1, 7)] + [f"K{n}" for n in range(1, 5)]
        + ["N1", "N2", "N3", "N4", "N5", "N6", "N8", "N9"]
        + [f"CA{n}" for n in range(1, 5)] + [f"NY{n}" for n in range(1, 6)] + [f"TX{n}" for n in range(1, 7)]
        + [f"H{n}" for n in range(1, 10)] + [f"F{n}" for n in range(1, 5)]
    )
    assert set(expected) <= set(index)
    for ref in index.values():
        assert ref.url.startswith(("https://", "http://")), ref.id
        assert ref.supports, ref.id
        assert ref.date, ref.id


# -- per program --------------------------------------------------------------

@pytest.mark.parametrize("program_id", SPEC_IDS)
def test_sources_review_date_and_confidence(program_id):
    p = program(program_id)
    assert p.sources, "every template cites its sources"
    assert all(s.url for s in p.sources)
    assert p.reviewed == dt.date(2026, 11, 22)
    assert "default" in p.confidence
    assert p.unit in ("CPE", "CEU", "PDU", "hours")


@pytest.mark.parametrize(("program_id", "row"), sorted(RULES_TABLE.items()))
def test_totals_cycles_and_anchors_match_rules(program_id, row):
    required, years, anchor, annual_minimum = row
    p = program(program_id)
    assert p.required == Decimal(required)
    assert p.cycle_months == 12 * years
    assert p.cycle_anchor == anchor
    assert p.annual_minimum == (None if annual_minimum is None else Decimal(annual_minimum))
    if annual_minimum is not None:
        assert p.annual_basis == ("calendar-year" if program_id in CALENDAR_YEAR else "cycle-year")


@pytest.mark.parametrize("program_id", ISACA)
def test_isaca_first_cycle_counts_from_certification(program_id):
    assert program(program_id).counts_from_certified


@pytest.mark.parametrize(
    ("program_id", "education", "area", "giving_back", "professional"),
    [("pmi-pmp", 35, 8, 25, 8), ("pmi-acp", 18, 4, 12, 4), ("pmi-capm", 9, 2, 6, 2)],
)
def test_pmi_categories_match_rules(program_id, education, area, giving_back, professional):
    limits = {c.name: c for c in program(program_id).categories}
    assert limits["education"].min == education
    for name in ("ways-of-working", "power-skills", "business-acumen"):
        assert limits[name].min == area
        assert limits[name].within == "education"
    assert limits["giving-back"].max == giving_back
    assert limits["working-as-a-professional"].max == professional
    assert limits["working-as-a-professional"].within == "giving-back"


@pytest.mark.parametrize(
    ("program_id", "total", "webinar", "teach"),
    [
        ("comptia-a-plus", 20, 4, 10),
        ("comptia-network-plus", 30, 6, 15),
        ("comptia-security-plus", 50, 10, 20),
        ("comptia-pentest-plus", 60, 15, 30),
        ("comptia-cysa-plus", 60, 15, 30),
        ("comptia-securityx", 75, 20, 40),
    ],
)
def test_comptia_activity_caps_match_rules(program_id, total, webinar, teach):
    limits = {c.name: c.max for c in program(program_id).categories}
    assert limits == {
        "training": total,
        "live-webinar": webinar,
        "conference": webinar,
        "college-course": total,
        "ace-course": total,
        "teach-mentor": teach,
        "instructional-materials": teach,
        "exam-development": total,
        "work-experience": 9,
    }


@pytest.mark.parametrize("program_id", CPA)
def test_cpa_ethics_minimum(program_id):
    limits = {c.name: c for c in program(program_id).categories}
    assert limits["ethics"].min == 4


def test_cpa_ca_technical_rules():
    p = program("cpa-ca")
    limits = {c.name: c for c in p.categories}
    assert limits["technical"].min == 40
    assert limits["non-technical"].max == 40
    assert {c.name: c.min for c in p.annual_categories} == {"technical": 12}


def test_cfe_and_cia_category_and_carry_over_rules():
    cfe, cia = program("acfe-cfe"), program("iia-cia")
    assert {c.name: c.min for c in cfe.categories} == {"fraud": 10, "ethics": 2}
    assert cfe.carry_over.max == 10
    assert {c.name: c.min for c in cia.categories} == {"ethics": 2}
    assert cia.carry_over.max == 20


def test_isc2_rollover_group_a_only_last_six_months():
    for program_id, cap in (("isc2-cissp", 40), ("isc2-ccsp", 30), ("isc2-sscp", 20)):
        carry = program(program_id).carry_over
        assert carry.max == cap
        assert carry.window_months == 6
        assert carry.categories == ("group-a",)
    assert program("isc2-cc").carry_over is None


# -- RULES.md §11 worked examples -----------------------------------------------

@pytest.mark.parametrize("program_id", CPA)
def test_e1_nasba_100_minutes_is_two_credits(program_id):
    assert estimate(program_id, 100, "group-live") == Decimal("2")


@pytest.mark.parametrize("program_id", ["cpa-ca", "cpa-tx"])  # boards that take the Standards' fifths
def test_e2_nasba_140_minutes_is_two_and_four_fifths(program_id):
    assert estimate(program_id, 140, "group-live") == Decimal("2.8")
    assert estimate(program_id, 140) == Decimal("2.8")


def test_new_york_increments_take_the_conservative_reading():
    """RULES §8b: New York's sources conflict (halves accepted / rounded down
    to whole credits), a U value: estimates take the reading that gives
    less, and an explicit claim of fifths or halves is still accepted."""
    assert estimate("cpa-ny", 140, "group-live") == Decimal("2")
    assert estimate("cpa-ny", 70) == Decimal("1")
    assert estimate("cpa-ny", 40, "group-live") == 0
    assert program("cpa-ny").confidence_of("estimate.increment") == "unconfirmed"


@pytest.mark.parametrize("program_id", CPA)
def test_e4_nano_learning_20_minutes_is_two_modules(program_id):
    assert estimate(program_id, 20, "nano-learning") == Decimal("0.4")
    assert estimate(program_id, 10, "nano-learning") == Decimal("0.2")


@pytest.mark.parametrize("program_id", CPA)
def test_e6_group_program_needs_a_full_first_credit(program_id):
    assert estimate(program_id, 40, "group-live") == 0
    assert estimate(program_id, 40, "group-internet") == 0
    assert estimate(program_id, 50, "group-live") == Decimal("1")


@pytest.mark.parametrize("program_id", CPA)
def test_e8_self_study_half_credit_minimum(program_id):
    assert estimate(program_id, 30, "self-study") == Decimal("0.5")
    assert estimate(program_id, 42, "self-study") == Decimal("0.5")  # 0.84 raw: no fifths before the first credit
    assert estimate(program_id, 20, "self-study") == 0
    assert not program(program_id).rule_for("self-study").bounds_claims


@pytest.mark.parametrize("program_id", ISACA)
def test_e12_isaca_university_hours(program_id):
    university = program(program_id).university
    assert university["semester"] == ("credits", Decimal(15))
    assert university["quarter"] == ("credits", Decimal(10))


@pytest.mark.parametrize("program_id", ISACA)
def test_isaca_quarter_hours_390_minutes(program_id):
    assert estimate(program_id, 390) == Decimal("7.75")


@pytest.mark.parametrize("program_id", ISC2)
def test_e14_isc2_three_credit_semester_course_is_40(program_id):
    p = program(program_id)
    kind, per_hour = p.university["semester"]
    assert kind == "minutes"
    course_minutes = 3 * per_hour
    assert course_minutes == 2400
    assert credits_from_minutes(course_minutes, p.rule_for(None)) == Decimal("40")


@pytest.mark.parametrize("program_id", PMI)
@pytest.mark.parametrize(("mins", "pdus"), [(15, "0.25"), (30, "0.5"), (45, "0.75"), (60, "1")])
def test_e18_pmi_quarter_hours(program_id, mins, pdus):
    assert estimate(program_id, mins) == Decimal(pdus)


def test_e19_giac_full_day_and_six_day_course():
    assert estimate("giac", 6 * 60) == Decimal("6")
    assert 6 * estimate("giac", 6 * 60) == program("giac").required


def test_e20_iia_100_minutes_is_two_hours():
    assert estimate("iia-cia", 100) == Decimal("2")


@pytest.mark.parametrize("program_id", CISCO)
def test_cisco_credits_are_per_catalog_item(program_id):
    rule = program(program_id).rule_for(None)
    assert rule.minutes_per_credit is None
    with pytest.raises(ValueError):
        credits_from_minutes(Decimal(60), rule)


@pytest.mark.parametrize("program_id", ISACA)
def test_isaca_volunteering_is_one_cpe_an_hour(program_id):
    assert estimate(program_id, 120, "volunteering") == Decimal("2")
    assert estimate(program_id, 120, "group-live") == Decimal("2.25")  # 50-minute hours for the rest
    assert {c.name: c.max for c in program(program_id).annual_categories}["volunteering"] == 20


@pytest.mark.parametrize(("program_id", "total", "cap"), [("pmi-pmp", 60, 20), ("pmi-acp", 30, 10), ("pmi-capm", 15, 5)])
def test_pmi_carry_over_cap_never_exceeds_a_third_of_the_total(program_id, total, cap):
    carry = program(program_id).carry_over
    assert (program(program_id).required, carry.max, carry.window_months) == (total, cap, 12)
    assert program(program_id).confidence_of("carry_over.max") == "unconfirmed"


@pytest.mark.parametrize("program_id", [*CPA, "acfe-cfe"])
def test_e10_instructors_may_claim_preparation_up_to_twice_the_presentation(program_id, ledger):
    """RULES §8 and E10: an 8-credit course, first presentation: up to 24
    for the instructor (16 preparation + 8); the estimate stays at 8."""
    ledger.cert("cpa", f"name: Licence\nprogram: {program_id}\ncertified: 2024-07-01\n")
    taught = "title: Taught a course\nprovider: Firm\ndate: 2025-03-01\nminutes: 400\ndelivery: teaching\n"
    ledger.credit("taught", taught + "counts_toward: {cpa: 24}\n")
    ledger.credit("estimated", taught.replace("Taught a course", "Taught it again") + "counts_toward: [cpa]\n")
    loaded = ledger.load(dt.date(2025, 6, 1))
    assert not loaded.errors, loaded.errors
    counted = {c.entry.title: c.credits for c in loaded.report.cert("cpa").counted}
    assert counted == {"Taught a course": Decimal(24), "Taught it again": Decimal(8)}
    ledger.credit("taught", taught + "counts_toward: {cpa: 24.5}\n")
    assert any("more than the rule allows" in p.message for p in ledger.load(dt.date(2025, 6, 1)).errors)
