"""The credits page in a real browser: every preset, source pill and
certification gives the total the ledger says, filters live in the query
string, and the page works from disk, over http under a sub-path, and
without JavaScript."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from recertgen.api import load
from recertgen.site.build import build_site

from .conftest import AS_OF

PRESETS = ("all", "ytd", "7d", "30d", "last-year")


def window(preset: str):
    if preset == "ytd":
        return dt.date(AS_OF.year, 1, 1), AS_OF
    if preset == "7d":
        return AS_OF - dt.timedelta(days=6), AS_OF
    if preset == "30d":
        return AS_OF - dt.timedelta(days=29), AS_OF
    if preset == "last-year":
        return AS_OF.replace(year=AS_OF.year - 1) + dt.timedelta(days=1), AS_OF
    return None


def expected(loaded, preset="all", source="all", cert="", start=None, end=None) -> str:
    """The total computed from the ledger in Python, independently of the page."""
    span = (start or dt.date.min, end or dt.date.max) if (start or end) else window(preset)
    total = Decimal(0)
    for report in loaded.report.certifications:
        if cert and report.id != cert:
            continue
        for c in report.counted:
            e = c.entry
            if span and not span[0] <= e.date <= span[1]:
                continue
            if source != "all" and e.source_name != source:
                continue
            total += c.credits
    return f"{total:.2f}"


def sources(loaded) -> list[str]:
    return ["all", "external"] + sorted({e.source_name for e in loaded.ledger.credits} - {"external"})


def open_credits(page, site, query=""):
    page.goto((site / "credits" / "index.html").as_uri() + query)
    expect(page.locator("#filters")).to_be_visible()


def test_initial_total_is_all_time(page, demo_site, demo_loaded):
    open_credits(page, demo_site)
    expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded))
    assert page.errors == []


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_and_source(page, demo_site, demo_loaded, preset):
    open_credits(page, demo_site)
    page.click(f'[data-preset="{preset}"]')
    for source in sources(demo_loaded):
        page.click(f'[data-source="{source}"]')
        expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded, preset, source))
        visible = page.locator("#credits-table tbody tr:not([hidden])")
        # the badge is the sum of the visible rows' data-credits
        cents = sum(int(Decimal(v) * 100) for v in visible.evaluate_all("rows => rows.map(r => r.dataset.credits)"))
        assert f"{Decimal(cents) / 100:.2f}" == expected(demo_loaded, preset, source)
    assert page.errors == []


def test_every_certification(page, demo_site, demo_loaded):
    open_credits(page, demo_site)
    for cert in demo_loaded.ledger.certifications:
        page.select_option("#filter-cert", cert.id)
        for preset in PRESETS:
            page.click(f'[data-preset="{preset}"]')
            expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded, preset, cert=cert.id))
        page.click('[data-preset="all"]')
    page.select_option("#filter-cert", "")
    expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded))


def test_combined_filters_and_custom_range(page, demo_site, demo_loaded):
    open_credits(page, demo_site)
    page.select_option("#filter-cert", "cissp")
    page.click('[data-source="external"]')
    page.fill("#filter-from", "2025-01-01")
    page.fill("#filter-to", "2025-12-31")
    page.locator("#filter-to").dispatch_event("change")
    want = expected(demo_loaded, source="external", cert="cissp", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    expect(page.locator("#total-credits")).to_have_text(want)
    query = parse_qs(urlparse(page.url).query)
    assert query == {"cert": ["cissp"], "source": ["external"], "from": ["2025-01-01"], "to": ["2025-12-31"]}


def test_query_string_restores_a_filtered_view(page, demo_site, demo_loaded):
    open_credits(page, demo_site, "?cert=cisa&preset=last-year&source=external")
    expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded, "last-year", "external", "cisa"))
    expect(page.locator('button[data-preset="last-year"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator('button[data-source="external"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#filter-cert")).to_have_value("cisa")


def test_clicking_writes_the_query_string(page, demo_site):
    open_credits(page, demo_site)
    page.click('[data-preset="30d"]')
    page.select_option("#filter-cert", "pmp")
    assert parse_qs(urlparse(page.url).query) == {"preset": ["30d"], "cert": ["pmp"]}
    page.click('[data-preset="all"]')
    page.select_option("#filter-cert", "")
    assert urlparse(page.url).query == ""


@pytest.mark.parametrize("dates", ["from=yesterday", "from=2026-13-40", "to=2026-02-30"])
def test_bad_query_values_fall_back_to_all(page, demo_site, demo_loaded, dates):
    open_credits(page, demo_site, f"?cert=nope&preset=century&source=%3Cscript%3E&{dates}")
    expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded))
    assert page.errors == []


def test_without_javascript_all_entries_and_the_total_show(make_page, demo_site, demo_loaded):
    page = make_page(java_script_enabled=False)
    page.goto((demo_site / "credits" / "index.html").as_uri())
    expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded))
    expect(page.locator("#filters")).to_be_hidden()
    assert page.locator("#credits-table tbody tr").count() == len(demo_loaded.ledger.credits)


def test_over_http_under_a_sub_path(page, http_site, demo_loaded, outbound):
    page.goto(http_site + "credits/index.html?preset=ytd")
    expect(page.locator("#total-credits")).to_have_text(expected(demo_loaded, "ytd"))
    page.click("nav >> text=Dashboard")
    expect(page).to_have_url(http_site + "index.html")
    page.click("nav >> text=Audit report")
    expect(page.locator("h1")).to_have_text("Audit report")
    assert outbound.leaks == []
    assert page.errors == []


def test_last_twelve_months_from_a_leap_day(page, ledger, tmp_path):
    """The 12 months ending on 29 February 2024 start on 1 March 2023."""
    ledger.cert("custom", "name: Custom\nbody: Body\ncycles:\n  - {start: 2022-01-01, end: 2024-12-31, required: 40}\n")
    for day, credits in (("2023-02-28", 1), ("2023-03-01", 2), ("2023-03-02", 4)):
        ledger.credit(day, f"title: On {day}\nprovider: P\ndate: {day}\ncounts_toward: {{custom: {credits}}}\n")
    assert build_site(load(ledger.root, dt.date(2024, 2, 29)), tmp_path / "site").ok
    open_credits(page, tmp_path / "site", "?preset=last-year")
    expect(page.locator("#total-credits")).to_have_text("6.00")
    assert page.errors == []
