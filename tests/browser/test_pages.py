"""Every kind of page in a real browser: it loads from disk with no request
leaving the site, passes axe-core in light and dark, the whole site passes
the Nu HTML validator, and hostile text in a ledger never runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recertgen.api import load
from recertgen.site.build import build_site

from .conftest import AS_OF, REPO

VNU = REPO / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def page_kinds(site: Path, loaded) -> dict[str, Path]:
    entry = sorted(loaded.ledger.credits, key=lambda e: e.id)[0]
    kinds = {
        "dashboard": site / "index.html",
        "credits": site / "credits" / "index.html",
        "certification": site / "certifications" / "cisa" / "index.html",
        "entry": site / "credits" / entry.id / "index.html",
        "audit": site / "audit" / "index.html",
    }
    if loaded.ledger.opportunities:
        kinds["opportunities"] = site / "opportunities" / "index.html"
        opp = sorted(loaded.ledger.opportunities, key=lambda o: o.id)[0]
        kinds["opportunity"] = site / "opportunities" / opp.id / "index.html"
    return kinds


def test_every_page_kind_loads_from_disk_without_leaving_the_site(page, demo_site, demo_loaded, outbound):
    for kind, path in page_kinds(demo_site, demo_loaded).items():
        page.goto(path.as_uri())
        expect(page.locator("h1")).to_be_visible()
        assert page.errors == [], kind
    assert outbound.leaks == []


def test_navigation_works_from_disk(page, demo_site):
    page.goto((demo_site / "index.html").as_uri())
    page.click("nav >> text=Credits")
    expect(page.locator("h1")).to_have_text("Credits")
    page.locator("#credits-table tbody tr a").first.click()
    expect(page.locator("h2", has_text="Counts toward")).to_be_visible()
    page.locator("main table a").first.click()
    expect(page.locator("h2#now")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(make_page, demo_site, demo_loaded, scheme):
    page = make_page(color_scheme=scheme)
    axe = Axe()
    for kind, path in page_kinds(demo_site, demo_loaded).items():
        page.goto(path.as_uri())
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert result.violations_count == 0, f"{kind} ({scheme}):\n{result.generate_report()}"
    # filtered state of the credits page too
    page.goto((demo_site / "credits" / "index.html").as_uri() + "?preset=30d&source=external")
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert result.violations_count == 0, result.generate_report()


def test_nu_validator_reports_no_errors(demo_site):
    if not VNU.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{VNU} is missing: .ci/run installs vnu-jar with npm")
        pytest.skip("vnu-jar is not installed (npm install --prefix tests/tools)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", "--skip-non-html", str(demo_site)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr + result.stdout


EVIL = """
title: "<script>window.__pwned = 'title'; alert('title')</script>"
provider: "<img src=x onerror=\\"window.__pwned='provider'\\">"
date: 2025-04-01
hours: 1
source: "<svg onload=alert(1)>"
counts_toward: [cissp]
description: |
  <script>window.__pwned = 'description'</script>
  [click me](javascript:window.__pwned='link') · [vb](vbscript:x) · [data](data:text/html,<script>alert(1)</script>)
  <a href="javascript:alert(2)">raw link</a> <iframe src="https://evil.example/"></iframe>
"""


def test_injected_script_never_runs(page, tmp_path, outbound):
    root = tmp_path / "evil"
    (root / "ledger" / "certifications").mkdir(parents=True)
    (root / "ledger" / "credits").mkdir()
    (root / "ledger" / "certifications" / "cissp.yaml").write_text("name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    (root / "ledger" / "credits" / "evil.yaml").write_text(EVIL)
    loaded = load(root, AS_OF)
    assert loaded.errors == ()
    assert build_site(loaded, root / "site").ok
    site = root / "site"
    for rel in ("index.html", "credits/index.html", "credits/evil/index.html", "certifications/cissp/index.html", "audit/index.html"):
        page.goto((site / rel).as_uri())
        for link in page.locator("main a").all():
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith(("javascript:", "vbscript:", "data:")), href
        if rel == "credits/evil/index.html":
            page.get_by_text("click me").click()
        assert page.evaluate("window.__pwned === undefined"), rel
        assert page.errors == [], rel
        if rel != "index.html":  # the title is shown as text, escaped
            expect(page.get_by_text("<script>window.__pwned = 'title'; alert('title')</script>").first).to_be_visible()
    assert outbound.leaks == []


def test_every_printed_audit_page_states_certification_cycle_as_of_and_commit(page, tmp_path, demo_loaded):
    """Printed, each page of the audit report repeats a header row naming
    the certification, the cycle, the as-of date and the ledger's commit."""
    import shutil as sh

    from .conftest import copy_demo

    if not sh.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing: .ci/run installs poppler-utils")
        pytest.skip("poppler-utils is not installed")
    root = copy_demo(tmp_path / "repo")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_DATE": "2026-11-01T10:00:00Z", "GIT_COMMITTER_DATE": "2026-11-01T10:00:00Z"}
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "ledger"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    loaded = load(root, AS_OF)
    assert build_site(loaded, root / "site").ok
    page.goto((root / "site" / "audit" / "index.html").as_uri())
    pdf = tmp_path / "audit.pdf"
    page.pdf(path=str(pdf), format="A4", margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= len(loaded.report.certifications)
    for number, printed in enumerate(pages, 1):
        heads = [line for line in printed.splitlines() if " · cycle " in line and f"as of {AS_OF}" in line]
        assert heads, f"page {number} has no running header:\n{printed[:400]}"
        assert f"commit {commit}" in heads[0]
