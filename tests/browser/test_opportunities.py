"""The opportunity index in a real browser: search and every filter give
the opportunities the ledger says, filters live in the query string, and
the copy button copies an entry the loader accepts."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from recertgen.opportunities import qualifies
from recertgen.yamlio import parse_yaml_text
from recertgen.records.credit import read_credit

from .conftest import AS_OF


def titles(page) -> list[str]:
    return page.locator("#opp-list > li .opp-title a").all_inner_texts()


def expected(loaded, q="", cert="", fmt="", delivery="", cost="", when="") -> list[str]:
    """Filtered in Python from the ledger, in the page's order (by date, undated last)."""
    report = loaded.report
    rows = []
    for opp in loaded.ledger.opportunities:
        text = " ".join([opp.title, opp.provider or "", " ".join(opp.topics), opp.description or ""]).lower()
        day = opp.date
        past = day is not None and day < AS_OF
        if q and not all(word in " ".join(text.split()) for word in q.lower().split()):
            continue
        if cert and not qualifies(opp, report.cert(cert)):
            continue
        if fmt and opp.format != fmt or delivery and opp.delivery != delivery:
            continue
        if cost == "free" and not opp.is_free or cost == "paid" and opp.is_free:
            continue
        if when == "upcoming" and past or when == "past" and not past:
            continue
        rows.append(opp)
    rows.sort(key=lambda o: (o.date is None, o.starts or o.date or dt.date.max, o.title.lower(), o.id))
    return [o.title for o in rows]


def open_index(page, site, query=""):
    page.goto((site / "opportunities" / "index.html").as_uri() + query)
    expect(page.locator("#opp-filters")).to_be_visible()


def check(page, want):
    expect(page.locator("#opp-list > li")).to_have_count(min(len(want), 100))
    assert titles(page) == want[:100]
    total = page.evaluate("window.recertgenOpportunities.rows.length")
    count = page.locator("#opp-count").inner_text()
    assert count.startswith(f"{len(want)} opportunit"), count
    assert (f" of {total}" in count) == (len(want) < total)


def test_all_opportunities_sorted_by_date(page, demo_site, demo_loaded):
    open_index(page, demo_site)
    check(page, expected(demo_loaded))
    assert page.errors == []


@pytest.mark.parametrize("query", ["audit", "cloud security", "PMI", "zero trust", "xyzzy-nothing"])
def test_search(page, demo_site, demo_loaded, query):
    open_index(page, demo_site)
    page.fill("#opp-search", query)
    check(page, expected(demo_loaded, q=query))
    assert parse_qs(urlparse(page.url).query).get("q") == [query]


def test_every_filter(page, demo_site, demo_loaded):
    open_index(page, demo_site)
    options = {
        "cert": ("#opp-cert", "cert"),
        "format": ("#opp-format", "fmt"),
        "delivery": ("#opp-delivery", "delivery"),
        "cost": ("#opp-cost", "cost"),
        "when": ("#opp-when", "when"),
    }
    for name, (selector, arg) in options.items():
        values = [v for v in page.locator(f"{selector} option").evaluate_all("os => os.map(o => o.value)") if v]
        assert values, name
        for value in values:
            page.select_option(selector, value)
            check(page, expected(demo_loaded, **{arg: value}))
        page.select_option(selector, "")


def test_combined_filters_and_query_string(page, demo_site, demo_loaded):
    open_index(page, demo_site, "?cert=cissp&when=upcoming&cost=free&q=security")
    check(page, expected(demo_loaded, q="security", cert="cissp", when="upcoming", cost="free"))
    expect(page.locator("#opp-cert")).to_have_value("cissp")
    expect(page.locator("#opp-search")).to_have_value("security")


def test_copy_button_copies_a_valid_entry(make_page, demo_site, demo_loaded):
    page = make_page(permissions=["clipboard-read", "clipboard-write"])
    opp = sorted(demo_loaded.ledger.opportunities, key=lambda o: o.id)[0]
    page.goto((demo_site / "opportunities" / opp.id / "index.html").as_uri())
    button = page.locator(f"button[data-copy=entry-yaml-{opp.id}]")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".copy-status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator(f"#entry-yaml-{opp.id}").inner_text()
    parsed = parse_yaml_text(copied, "copied.yaml")
    assert parsed.problems == ()
    problems = []
    entry = read_credit(parsed.root, "copied.yaml", "copied", None, problems)
    assert problems == [] and entry is not None
    assert entry.title == opp.title
    held = {c.id for c in demo_loaded.ledger.certifications}
    assert {a.cert_id for a in entry.allocations} <= held
    command = page.locator(f"#log-command-{opp.id}").inner_text()
    assert command.startswith(f"recertgen log {opp.id}")


def test_github_link_prefills_the_new_file(page, demo_site, demo_loaded):
    opp = sorted(demo_loaded.ledger.opportunities, key=lambda o: o.id)[0]
    page.goto((demo_site / "opportunities" / opp.id / "index.html").as_uri())
    href = page.locator("a", has_text="Create it on GitHub").get_attribute("href")
    url = urlparse(href)
    assert url.netloc == "github.com" and "/new/" in url.path
    query = parse_qs(url.query)
    assert query["filename"][0].startswith("ledger/credits/")
    assert query["value"][0] == page.locator(f"#entry-yaml-{opp.id}").inner_text()


def test_an_empty_index_says_how_to_add_opportunities(page, cissp_ledger, tmp_path):
    from recertgen.api import load
    from recertgen.site.build import build_site

    assert build_site(load(cissp_ledger.root, AS_OF), tmp_path / "site").ok
    page.goto((tmp_path / "site" / "opportunities" / "index.html").as_uri())
    expect(page.locator("#opp-empty")).to_be_visible()
    expect(page.locator("#opp-list > li")).to_have_count(0)
    page.fill("#opp-search", "anything")
    expect(page.locator("#opp-list > li")).to_have_count(0)
    assert page.errors == []


def test_a_logged_opportunity_links_its_entry_in_the_filtered_list(page, demo_site):
    """The list the script draws says what the static list says: the demo's
    Security Congress is in the ledger, and its card links the entry."""
    open_index(page, demo_site, "?q=security+congress")
    item = page.locator("#opp-list > li", has_text="ISC2 Security Congress 2026")
    expect(item).to_have_count(1)
    link = item.locator(".opp-logged a")
    expect(link).to_have_text("2026-10-14")
    link.click()
    expect(page.locator("h1")).to_contain_text("ISC2 Security Congress 2026")
    assert page.url.startswith((demo_site / "credits").as_uri())
    assert page.errors == []
