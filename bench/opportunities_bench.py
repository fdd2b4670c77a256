"""Build time and in-browser search latency with 10,000 opportunities.

    python bench/opportunities_bench.py [--opportunities 10000] [--entries 1000]

Generates a ledger (bench/out/opps-N), times `recertgen build`, then opens
the opportunity index in headless Chromium and times search keystrokes and
filter changes (each handler runs synchronously, so performance.now()
around a dispatched event measures filtering plus redrawing the list).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUERIES = ["c", "cl", "clo", "cloud", "cloud sec", "risk audit", "zero trust identity", "provider 12", "opp-99", "xyzzy"]

MEASURE = """([selector, value, event]) => {
  const input = document.querySelector(selector);
  const start = performance.now();
  input.value = value;
  input.dispatchEvent(new Event(event));
  return performance.now() - start;
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000)
    args = parser.parse_args()
    root = HERE / "out" / f"opps-{args.opportunities}"
    if not (root / "ledger").exists():
        generate(root, entries=args.entries, opportunities=args.opportunities, certifications=10)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "recertgen", "build", str(root), "--as-of", "2026-11-15"], check=True, capture_output=True)
    build = time.perf_counter() - start
    site = root / "site"
    index = site / "opportunities" / "search-index.js"
    print(f"{args.opportunities} opportunities, {args.entries} credits: build {build:.2f} s; "
          f"search index {index.stat().st_size / 1e6:.2f} MB; opportunities/index.html {(site / 'opportunities' / 'index.html').stat().st_size / 1e3:.0f} kB")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        start = time.perf_counter()
        page.goto((site / "opportunities" / "index.html").as_uri())
        page.wait_for_selector("#opp-filters:not([hidden])")
        load = time.perf_counter() - start
        keystrokes = [page.evaluate(MEASURE, ["#opp-search", q, "input"]) for q in QUERIES for _ in range(3)]
        page.evaluate(MEASURE, ["#opp-search", "", "input"])
        filters = [page.evaluate(MEASURE, [sel, val, "change"]) for sel, val in
                   [("#opp-when", "upcoming"), ("#opp-cost", "free"), ("#opp-format", "webinar"), ("#opp-when", ""), ("#opp-cost", ""), ("#opp-format", "")]]
        browser.close()
    print(f"page load to ready: {load * 1000:.0f} ms")
    print(f"search keystroke: median {statistics.median(keystrokes):.1f} ms, max {max(keystrokes):.1f} ms over {len(keystrokes)}")
    print(f"filter change: median {statistics.median(filters):.1f} ms, max {max(filters):.1f} ms")


if __name__ == "__main__":
    main()
