"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright,
against the demo site built at a fixed as-of date, with the page clock
frozen at that date. In CI these tests must run: a missing browser fails."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from recertgen.api import load
from recertgen.site.build import build_site

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 15)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def copy_demo(target: Path) -> Path:
    """The repository's demo ledger, copied outside git (no commit in output)."""
    target.mkdir(parents=True)
    shutil.copytree(REPO / "ledger", target / "ledger")
    shutil.copy(REPO / "recertgen.yaml", target / "recertgen.yaml")
    return target


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("demo") / "repo")


@pytest.fixture(scope="session")
def demo_loaded(demo_root):
    return load(demo_root, AS_OF)


@pytest.fixture(scope="session")
def demo_site(demo_root, demo_loaded) -> Path:
    result = build_site(demo_loaded, demo_root / "site")
    assert result.ok, result.problems
    return demo_root / "site"


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium for these tests")
        pytest.skip("Debian's chromium is not installed here (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


class Outbound:
    """Every request the page makes; anything not on the site is aborted."""

    def __init__(self) -> None:
        self.leaks: list[str] = []

    def route(self, route):
        url = route.request.url
        if url.startswith(("file:", "http://127.0.0.1", "data:", "about:", "blob:")):
            route.continue_()
        else:
            self.leaks.append(url)
            route.abort()


@pytest.fixture
def outbound() -> Outbound:
    return Outbound()


def _context(browser, outbound, **options):
    ctx = browser.new_context(timezone_id="UTC", locale="en-US", viewport={"width": 1100, "height": 800}, **options)
    ctx.route("**/*", outbound.route)
    return ctx


@pytest.fixture
def page(browser, outbound):
    ctx = _context(browser, outbound)
    page = ctx.new_page()
    page.clock.set_fixed_time(dt.datetime(2026, 11, 15, 12, tzinfo=dt.timezone.utc))
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    ctx.close()


@pytest.fixture
def make_page(browser, outbound):
    """A page in a context with extra options (dark scheme, JavaScript off)."""
    contexts = []

    def make(**options):
        ctx = _context(browser, outbound, **options)
        contexts.append(ctx)
        page = ctx.new_page()
        page.clock.set_fixed_time(dt.datetime(2026, 11, 15, 12, tzinfo=dt.timezone.utc))
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("dialog", lambda d: (page.errors.append(f"dialog: {d.message}"), d.dismiss()))
        return page

    yield make
    for ctx in contexts:
        ctx.close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def http_site(demo_site):
    """The demo site over http on 127.0.0.1, under a sub-path (/reports/ce/)."""
    mount = demo_site.parent / "www"
    (mount / "reports").mkdir(parents=True, exist_ok=True)
    link = mount / "reports" / "ce"
    if not link.exists():
        link.symlink_to(demo_site, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(mount)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/reports/ce/"
    server.shutdown()
