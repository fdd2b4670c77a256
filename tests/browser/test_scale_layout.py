"""The credits page in its firm-scale form (rows from data files, the
newest drawn) gives the same totals as the table form, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from recertgen.site import addresses, pages
from recertgen.site.build import build_site

from .conftest import copy_demo
from .test_credits_filters import PRESETS, expected, sources


@pytest.fixture
def data_mode_site(tmp_path, demo_loaded, monkeypatch):
    monkeypatch.setattr(addresses, "GROUP_ABOVE", 10)
    monkeypatch.setattr(pages, "IN_PAGE_CREDITS", 10)
    monkeypatch.setattr(pages, "LISTED_CREDITS", 5)
    monkeypatch.setattr(pages, "CREDITS_PER_DATA_FILE", 20)
    from recertgen.api import load

    root = copy_demo(tmp_path / "repo")
    loaded = load(root, demo_loaded.as_of)
    assert build_site(loaded, root / "site").ok
    return root / "site", loaded


def test_data_mode_totals_match_the_ledger(page, data_mode_site):
    site, loaded = data_mode_site
    page.goto((site / "credits" / "index.html").as_uri())
    expect(page.locator("#total-credits")).to_have_text(expected(loaded))
    for preset in PRESETS:
        page.click(f'button[data-preset="{preset}"]')
        for source in sources(loaded):
            page.click(f'button[data-source="{source}"]')
            expect(page.locator("#total-credits")).to_have_text(expected(loaded, preset, source))
    page.click('button[data-preset="all"]')
    page.click('button[data-source="all"]')
    for cert in loaded.ledger.certifications:
        page.select_option("#filter-cert", cert.id)
        expect(page.locator("#total-credits")).to_have_text(expected(loaded, cert=cert.id))
    drawn = page.locator("#credits-table tbody tr")
    assert drawn.count() <= 200
    first = drawn.first
    assert first.get_attribute("data-date") and first.get_attribute("data-credits")
    first.locator("a").first.click()
    expect(page.locator("article.entry-detail").first).to_be_visible()
    assert page.errors == []
