"""The credits page and the site's files at firm scale, in the browser.

    python bench/credits_page_bench.py [--entries 100000] [--opportunities 10000]

Uses the firm-scale ledger of `build_bench.py` (generated if missing),
builds its site, then:
- lists the largest files of the site (no page may be a multi-megabyte
  download) and the credits page's data files;
- opens `credits/index.html` in headless Chromium (Debian's chromium) and
  times the page until its filters are ready (every data file loaded), and
  each filter change: a preset, a platform, a certification, a date range.
  Handlers run synchronously, so performance.now() around a click or a
  dispatched change event measures filtering all entries, summing their
  credits and redrawing the first rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from opportunities_bench import ARGS  # noqa: E402

CLICK = """(selector) => {
  const element = document.querySelector(selector);
  const start = performance.now();
  element.click();
  return performance.now() - start;
}"""

CHANGE = """([selector, value]) => {
  const input = document.querySelector(selector);
  const start = performance.now();
  input.value = value;
  input.dispatchEvent(new Event("change"));
  return performance.now() - start;
}"""


def largest_files(site: Path, count: int = 5) -> list[tuple[int, str]]:
    sizes = [(path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob("*") if path.is_file()]
    return sorted(sizes, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=10_000)
    args = parser.parse_args()
    root = HERE / "out" / f"firm-{args.entries}-{args.opportunities}"
    if not (root / "ledger").exists():
        generate(root, entries=args.entries, opportunities=args.opportunities, certifications=20)
    site = HERE / "out" / "firm-site"
    env = {**os.environ, "RECERTGEN_CACHE_DIR": str(HERE / "out" / "cache")}
    subprocess.run([sys.executable, "-m", "recertgen", "build", str(root), "--out", str(site), "--as-of", "2026-11-15"],
                   check=True, capture_output=True, env=env)

    files = sum(1 for path in site.rglob("*") if path.is_file())
    print(f"{args.entries:,} credits, {args.opportunities:,} opportunities: {files:,} files in the site; the largest:")
    for size, rel in largest_files(site):
        print(f"  {size / 1e6:6.2f} MB  {rel}")
    data = sorted((site / "credits").glob("data-*.js"))
    print(f"credits/index.html {(site / 'credits' / 'index.html').stat().st_size / 1e3:.0f} kB; "
          f"{len(data)} data files, {sum(p.stat().st_size for p in data) / 1e6:.1f} MB in all")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        start = time.perf_counter()
        page.goto((site / "credits" / "index.html").as_uri())
        page.wait_for_selector("#filters:not([hidden])")
        ready = time.perf_counter() - start
        shown = page.locator("#row-count").inner_text()
        presets = [page.evaluate(CLICK, f'[data-preset="{name}"]') for name in ("ytd", "30d", "last-year", "all") for _ in range(3)]
        sources = [page.evaluate(CLICK, selector) for selector in
                   ('[data-source="external"]', '[data-source="pluralsight"]', '[data-source="all"]') for _ in range(3)]
        certs = page.evaluate("() => Array.from(document.querySelectorAll('#filter-cert option')).map(o => o.value)")
        cert_changes = [page.evaluate(CHANGE, ["#filter-cert", value]) for value in certs[:6] + [""]]
        dates = [page.evaluate(CHANGE, [selector, value]) for selector, value in
                 (("#filter-from", "2024-01-01"), ("#filter-to", "2024-12-31"), ("#filter-from", ""), ("#filter-to", ""))]
        browser.close()
    print(f"page load until the filters are ready: {ready * 1000:.0f} ms (all {shown} entries)")
    for name, times in (("preset", presets), ("platform", sources), ("certification", cert_changes), ("date range", dates)):
        print(f"{name} change: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {len(times)}")


if __name__ == "__main__":
    main()
