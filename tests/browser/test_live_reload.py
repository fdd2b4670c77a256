"""The open page reloads itself when `serve` lands a rebuild, and shows the
problems of a failed one without losing the last good page."""

from __future__ import annotations

import textwrap

from playwright.sync_api import expect

from test_serve import ENTRY, Served  # the served-process helper of tests/test_serve.py


def test_open_page_reloads_and_shows_problems(page, tmp_path, outbound):
    root = tmp_path / "repo"
    (root / "ledger" / "certifications").mkdir(parents=True)
    (root / "ledger" / "credits").mkdir()
    (root / "ledger/certifications/cissp.yaml").write_text("name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    (root / "ledger/credits/a.yaml").write_text(ENTRY)
    server = Served(root)
    try:
        page.goto(server.url + "credits/index.html")
        expect(page.locator("#credits-table")).to_contain_text("Webinar one")
        (root / "ledger/credits/a.yaml").write_text(ENTRY.replace("Webinar one", "Edited while open"))
        expect(page.locator("#credits-table")).to_contain_text("Edited while open", timeout=5000)
        (root / "ledger/credits/a.yaml").write_text(textwrap.dedent(ENTRY).replace("hours: 1.5", "hours: lots"))
        expect(page.locator("#recertgen-problems")).to_contain_text("'hours' must be a number", timeout=5000)
        expect(page.locator("#credits-table")).to_contain_text("Edited while open")
        assert page.errors == []
        assert outbound.leaks == []
    finally:
        server.stop()
