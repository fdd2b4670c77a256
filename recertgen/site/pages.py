"""The site's pages: a flat list of (path, template, context, key).

A page with a `key` is reused from the previous build when the key is the
same: the key is a digest of everything that page shows (its items' data,
the theme, the settings, the as-of date), so an unchanged month of credits
or of opportunities is neither rendered nor written again. Pages without a
key (the dashboard, the certification pages: they summarise everything)
are rendered every time, and kept byte for byte when they come out equal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

from ..amounts import fmt
from ..engine.compute import cycle_names
from ..keys import digest, digest_lines
from ..opportunities import held_signature
from . import catalog, entry_views, views
from .data import SiteData
from .theme import own_templates_mention

IN_PAGE_CREDITS = 2000  # more entries: the credits page lists the newest and loads the rest as data
LISTED_CREDITS = 500
CREDITS_PER_DATA_FILE = 2_500  # small enough that one edit rewrites little
AUDIT_IN_ONE_PAGE = 3000  # more rows: the audit report is split by certification, cycle and page
AUDIT_ROWS_PER_PAGE = 1000
ENTRIES_ON_CERT_PAGE = 200
STATIC_OPPORTUNITIES = 500  # listed in the HTML for readers without JavaScript; search covers all

PRESETS = (
    views.Choice("all", "All time"),
    views.Choice("ytd", "Year to date"),
    views.Choice("7d", "Last 7 days"),
    views.Choice("30d", "Last 30 days"),
    views.Choice("last-year", "Last 12 months"),
)


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    context: dict
    key: "str | _Lazy | None" = None  # lazy: worked out where the page is rendered, on any core

    def resolved_key(self) -> str | None:
        return self.key() if isinstance(self.key, _Lazy) else self.key


@dataclass(frozen=True)
class DataFile:
    """A non-HTML file the pages need (the credits page's data)."""

    path: str
    text: str


def pages(data: SiteData, theme_key: str) -> Iterator[Page]:
    """Every page; `theme_key` stands for the templates and code in use."""
    ledger, report = data.ledger, data.report
    # What every keyed page shows besides its items. The built-in theme shows
    # the commit on summary pages only; a ledger's own templates may show it
    # anywhere, and then a new commit renders every page again.
    commit = data.site.commit if own_templates_mention(ledger.root, "commit") else None
    common = digest(theme_key, data.site.title, data.site.holder, data.site.as_of, data.site.nav, ledger.settings, commit)
    cards = [_kept(data, f"card {cert.id}", (cert,), (), lambda cert=cert: views.cert_card(cert, ledger, report.as_of, data.recorded))
             for cert in report.certifications]
    yield Page("index.html", "index.html", "Dashboard", {"cards": cards})
    yield credits_page(data)
    yield from certification_pages(data, cards)
    yield from entry_pages(data, common)
    yield from opportunity_pages(data, common)  # with none yet, the index says how to add them
    yield from audit_pages(data, common, cards)


def credits_page(data: SiteData) -> Page:
    count = len(data.credit_entries)
    big = count > IN_PAGE_CREDITS
    return Page("credits/index.html", "credits.html", "Credits", {
        "rows": _Lazy(lambda: data.credit_rows(0, LISTED_CREDITS if big else None)),
        "count": count,
        "total": _Lazy(lambda: fmt(entry_views.credits_total(data.credit_entries, data.entries))) if data.carried is None
        else fmt(data.carried.credits_total(data.entries)),
        "data_files": credit_data_paths(data.ledger),
        "sources": entry_views.source_choices(data.ledger),
        "certs": [views.Choice(c.id, c.name) for c in data.report.certifications],
        "presets": PRESETS,
    })


def credit_data_paths(ledger) -> list[str]:
    """At firm scale the credits page filters over data files instead of
    table rows; one file per CREDITS_PER_DATA_FILE rows."""
    count = len(ledger.credits)
    if count <= IN_PAGE_CREDITS:
        return []
    return [f"credits/data-{n + 1}.js" for n in range((count + CREDITS_PER_DATA_FILE - 1) // CREDITS_PER_DATA_FILE)]


def credit_data_file(data: SiteData, number: int) -> DataFile:
    """The `number`th (from 0) data file: compact rows of [date, source,
    credits, {cert: credits}, title, page, provider, source label, proof]."""
    start = number * CREDITS_PER_DATA_FILE
    chunk = [
        [r.date, r.source, r.credits, {cert: credits for cert, _, credits in r.per_cert}, r.title, r.url, r.provider,
         r.source_label, ", ".join(f"{name} {credits}" for _, name, credits in r.per_cert), r.proof_href or ""]
        for r in data.credit_rows(start, start + CREDITS_PER_DATA_FILE)
    ]
    text = "(window.recertgenCredits = window.recertgenCredits || []).push(" + json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/") + ");\n"
    return DataFile(f"credits/data-{number + 1}.js", text)


def credit_data_key(data: SiteData, number: int) -> str:
    """A digest of everything the `number`th data file says, far cheaper
    than writing it: its entries' keys, which hold all a row shows (the
    settings and code go into the caller's key)."""
    start = number * CREDITS_PER_DATA_FILE
    chunk = data.credit_entries[start:start + CREDITS_PER_DATA_FILE]
    return _kept(data, f"credits data {number}", (chunk,), (e.id for e in chunk),
                 lambda: digest_lines((), [data.entry_keys[e.id] for e in chunk]))


def certification_pages(data: SiteData, cards) -> Iterator[Page]:
    ledger = data.ledger
    big = data.row_count > AUDIT_IN_ONE_PAGE
    carried = data.carried
    for cert, card in zip(data.report.certifications, cards):
        current = cert.current
        # Unkeyed (it summarises everything), but serve keeps it while nothing it shows changed.
        key = carried.token(f"page {cert.id}", (data.site, cert, card, big), carried.cert_entries(cert.id)) if carried else None
        yield Page(views.cert_url(cert.id), "certification.html", cert.name, {
            "card": card,
            "cert": cert,
            "categories": views.category_rows(current) if current else (),
            "annual": views.annual_rows(current) if current else (),
            "sections": _Lazy(lambda cert=cert: views.cycle_sections(cert, ledger, data.recorded, data.urls,
                                                                    limit=ENTRIES_ON_CERT_PAGE if big else None)),
            "outside": _Lazy(lambda cert=cert: views.entry_rows(ledger, cert.outside[-ENTRIES_ON_CERT_PAGE:], data.recorded, data.urls)),
            "assertions": [
                (a.assertion.date.isoformat(), fmt(a.assertion.total), fmt(a.ledger_total) if a.ledger_total is not None else "—",
                 a.assertion.note or "", "matches" if a.matches else "differs")
                for a in cert.assertions
            ],
            "program": cert.rules.program,
            "program_text": views.program_text(cert.rules.program),
            "audit_url": f"audit/{cert.id}/index.html" if big else "audit/index.html",
        }, key)


def entry_pages(data: SiteData, common: str) -> Iterator[Page]:
    ledger = data.ledger
    if data.urls.grouped_entries:
        for group in data.urls.entry_groups:
            key = _keyed(data, group.path, (common, group.items), (e.id for e in group.items),
                         lambda g=group: digest_lines(common, [data.entry_keys[e.id] for e in g.items]))
            yield Page(group.path, "credit_group.html", group.title, {
                "entries": _Lazy(lambda g=group: [entry_views.entry_detail(e, ledger, data.entries, data.recorded, data.urls) for e in g.items]),
            }, key)
        return
    for entry in ledger.credits:
        key = _Lazy(lambda e=entry: digest(common, data.entry_keys[e.id]))
        yield Page(data.urls.entry[entry.id], "entry.html", entry.title, {
            "entry": _Lazy(lambda e=entry: entry_views.entry_detail(e, ledger, data.entries, data.recorded, data.urls)),
        }, key)


def opportunity_pages(data: SiteData, common: str) -> Iterator[Page]:
    ledger, report = data.ledger, data.report
    cards = data.opportunity_cards
    yield Page("opportunities/index.html", "opportunities.html", "Opportunities", {
        "cards": cards[:STATIC_OPPORTUNITIES],
        "count": len(cards),
        "choices": catalog.filter_choices(cards, report),
    })
    by_id = {c.id: c for c in cards}
    # An opportunity's page estimates every certification held, listed or not:
    # what each program makes of a duration, and where each one's pace stands.
    held = data.carried.new.held if data.carried is not None else held_signature(data.opportunities, report)
    common = digest(common, held)
    memo: dict = {}  # estimates, shared by all the pages a process renders
    if data.urls.grouped_opportunities:
        for group in data.urls.opportunity_groups:
            # What the page shows of its items, worked out apart from the rest: serve keeps it
            # when only the certifications held changed, which every page shows.
            shown = tuple(by_id[o.id] for o in group.items)
            items = _kept(data, f"{group.path} items", (group.items, shown), (),
                          lambda g=group: digest([(o.__reduce__()[1], by_id[o.id]) for o in g.items]))
            key = _keyed(data, group.path, (common, items), (), lambda items=items: digest(common, items))
            yield Page(group.path, "opportunity_group.html", group.title, {
                "opps": _Lazy(lambda g=group: [catalog.detail(o, ledger, report, by_id[o.id], memo) for o in g.items]),
            }, key)
        return
    for opp in data.opportunities:
        card = by_id[opp.id]
        key = _Lazy(lambda o=opp, c=card: digest(common, o.__reduce__()[1], c))
        yield Page(card.url, "opportunity.html", opp.title, {"opp": _Lazy(lambda o=opp, c=card: catalog.detail(o, ledger, report, c, memo))}, key)


def audit_pages(data: SiteData, common: str, dashboard_cards: list) -> Iterator[Page]:
    ledger, report = data.ledger, data.report
    cards = [_kept(data, f"audit card {cert.id}", (card, cert), (), lambda card=card, cert=cert: views.with_chart_prefix(card, cert, report.as_of, "audit"))
             for card, cert in zip(dashboard_cards, report.certifications)]
    if data.row_count <= AUDIT_IN_ONE_PAGE:
        sections = [(card, views.cycle_sections(cert, ledger, data.recorded, data.urls, newest_first=False))
                    for cert, card in zip(report.certifications, cards)]
        yield Page("audit/index.html", "audit.html", "Audit report", {"sections": sections, "split": False})
        return
    index = []
    for cert, card in zip(report.certifications, cards):
        parts = []
        sections = _kept(data, f"audit sections {cert.id}", (cert,), (),
                         lambda cert=cert: views.cycle_sections(cert, ledger, data.recorded, data.urls, newest_first=False, with_rows=False))
        for cycle, section, name in zip(cert.cycles, sections, cycle_names(cert)):
            counted = cycle.entries
            chunks = [counted[i:i + AUDIT_ROWS_PER_PAGE] for i in range(0, len(counted), AUDIT_ROWS_PER_PAGE)] or [()]
            for number, chunk in enumerate(chunks, 1):
                folder = f"audit/{cert.id}/{name}"
                path = f"{folder}/index.html" if number == 1 else f"{folder}/page-{number}.html"
                parts.append((section, number, len(chunks), path, len(chunk)))
                # A part shows its certification, its cycle's summary, its rows and the commit.
                head = (common, data.site.commit, card, section, number, len(chunks))
                key = _keyed(data, path, (*head, chunk), (x.entry.id for x in chunk), lambda c=chunk, head=head: digest_lines(
                    head, [f"{data.entry_keys[x.entry.id]} {x.credits} {x.estimated:d} {x.estimable:d} {x.category!r}" for x in c]))
                yield Page(path, "audit_part.html", f"Audit: {cert.name}, cycle {section.heading}", {
                    "card": card, "section": section, "number": number, "pages": len(chunks),
                    "rows": _Lazy(lambda c=chunk: views.entry_rows(ledger, c, data.recorded, data.urls)),
                }, key)
        index.append((card, parts))
        yield Page(f"audit/{cert.id}/index.html", "audit_cert.html", f"Audit: {cert.name}", {"card": card, "parts": parts})
    yield Page("audit/index.html", "audit.html", "Audit report", {"sections": index, "split": True})


def _keyed(data: SiteData, path: str, signature: tuple, entry_ids, make) -> "str | _Lazy":
    """A keyed page's key: worked out where the page is rendered, or in
    serve, at once from what it kept of its last build (`carry`)."""
    if data.carried is None:
        return _Lazy(make)
    return data.carried.key(path, signature, entry_ids, make)


def _kept(data: SiteData, what: str, signature: tuple, entry_ids, make):
    """`make()`, or in serve what it made last time from the same things."""
    return make() if data.carried is None else data.carried.key(what, signature, entry_ids, make)


class _Lazy:
    """A view model built only when its page is rendered: pages reused from
    the previous build never pay for theirs."""

    def __init__(self, make) -> None:
        self.make = make

    def __call__(self):
        return self.make()


def resolve(context: dict) -> dict:
    return {k: (v() if isinstance(v, _Lazy) else v) for k, v in context.items()}
