"""The CE opportunity index: page view models and the search index.

Search runs in the browser over an index built here (a JavaScript data
file, because `fetch` of a JSON file does not work from `file://`): one
compact row per opportunity with a lowercase haystack of title, provider,
topics and description, so a keystroke costs one pass of substring tests.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from markupsafe import Markup

from ..amounts import fmt
from ..engine.compute import Report
from ..model import Ledger, Opportunity
from ..opportunities import Estimate, default_date, entry_yaml, estimates, github_new_file_url, held_targets
from ..authoring import credit_path
from .markdown import render_markdown
from .addresses import Addresses
from .views import Choice

FORMAT_LABELS = {"webinar": "Webinar", "course": "Course", "conference": "Conference", "book": "Book", "podcast": "Podcast",
                 "workshop": "Workshop", "article": "Article", "video": "Video", "exam": "Exam", "volunteering": "Volunteering",
                 "other": "Other"}


@dataclass(frozen=True)
class EstimateRow:
    cert_id: str
    cert_name: str
    credits: str
    unit: str
    gain: str
    listed: bool


@dataclass(frozen=True)
class LoggedAs:
    """A credit entry that records the opportunity: its date and address."""

    date: str
    url: str


@dataclass(frozen=True)
class OpportunityCard:
    id: str
    url: str
    title: str
    provider: str
    when: str  # "2026-12-03" or "2026-12-03 to 2026-12-05" or "any time"
    sort_date: str
    past: bool
    format: str
    format_label: str
    delivery: str
    cost: str
    free: bool
    duration: str
    topics: tuple[str, ...]
    certs: tuple[str, ...]
    estimates: tuple[EstimateRow, ...]
    logged: tuple[LoggedAs, ...] = ()  # the entries that record it: already done


@dataclass(frozen=True)
class OpportunityDetail:
    card: OpportunityCard
    link: str | None
    description: Markup
    entry_yaml: str
    entry_path: str
    log_command: str
    github_url: str | None
    log_targets: tuple[str, ...]
    estimates: tuple[EstimateRow, ...]  # every certification held, listed ones first


def sorted_opportunities(ledger: Ledger) -> list[Opportunity]:
    """By date; undated ones (books, podcasts: any time) last, by title."""
    return sorted(ledger.opportunities, key=lambda o: (o.date is None, o.starts or o.date or dt.date.max, o.title.lower(), o.id))


def logged_as(opp: Opportunity, logged: dict, urls: Addresses) -> tuple[LoggedAs, ...]:
    """Where `opp` was logged (`logged`: `opportunities.logged_entries`)."""
    return tuple(LoggedAs(e.date.isoformat(), urls.entry[e.id]) for e in logged.get(opp.id, ()))


def card(opp: Opportunity, report: Report, urls: Addresses, memo: dict | None = None,
         logged: tuple[LoggedAs, ...] = ()) -> OpportunityCard:
    """(`memo`: see `opportunities.estimates`; `logged`: `logged_as`.)"""
    rows = tuple(_estimate_row(e) for e in estimates(opp, report, memo))
    day = opp.date
    when = "any time"
    if opp.starts and opp.ends and opp.ends != opp.starts:
        when = f"{opp.starts} to {opp.ends}"
    elif day:
        when = day.isoformat()
    return OpportunityCard(
        id=opp.id,
        url=urls.opportunity[opp.id],
        title=opp.title,
        provider=opp.provider or "",
        when=when,
        sort_date=(opp.starts or day).isoformat() if day else "",
        past=day is not None and day < report.as_of,
        format=opp.format or "",
        format_label=FORMAT_LABELS.get(opp.format or "", (opp.format or "").capitalize()),
        delivery=opp.delivery or "",
        cost="Free" if opp.is_free else (opp.cost or "not stated"),
        free=opp.is_free,
        duration=_duration(opp),
        topics=opp.topics,
        # what the certification filter matches: the ones it names, or every one held when it names none
        certs=tuple(r.cert_id for r in rows if r.listed or not opp.counts_toward),
        estimates=rows,
        logged=logged,
    )


def _estimate_row(e: Estimate) -> EstimateRow:
    credits = fmt(e.credits) if e.credits is not None else "—"
    if e.days_gained is None:
        gain = "" if e.credits is not None else "credits fixed per activity: see the program"
    else:
        gain = f"+{e.days_gained} day{'s' if e.days_gained != 1 else ''} of pace"
    return EstimateRow(e.cert_id, e.cert_name, credits, e.unit, gain, e.listed)


def _duration(opp: Opportunity) -> str:
    if opp.minutes is None:
        return ""
    hours = opp.minutes / 60
    return f"{fmt(hours)} hours" if opp.minutes >= 60 else f"{opp.minutes.normalize():f} minutes"


def detail(opp: Opportunity, ledger: Ledger, report: Report, card_: OpportunityCard, memo: dict | None = None) -> OpportunityDetail:
    """(`memo`: see `opportunities.estimates`.)"""
    targets = held_targets(opp, report) or [c.id for c in report.certifications][:1]
    day = default_date(opp, report.as_of)
    text = entry_yaml(opp, day, targets)
    rel = f"{ledger.settings.ledger}/{credit_path(day, opp.title)}"
    listed = held_targets(opp, report)
    command = f"recertgen log {opp.id}" + ("" if listed else "".join(f" --for {t}" for t in targets))
    return OpportunityDetail(
        card=card_,
        link=opp.url,
        description=render_markdown(opp.description),
        entry_yaml=text,
        entry_path=rel,
        log_command=command,
        github_url=github_new_file_url(ledger.settings, rel, text),
        log_targets=tuple(targets),
        estimates=_detail_estimates(opp, report, memo),
    )


def _detail_estimates(opp: Opportunity, report: Report, memo: dict | None) -> tuple[EstimateRow, ...]:
    """An opportunity page's rows, the same for every opportunity listed for
    the same certifications with the same delivery and duration."""
    shape = ("detail rows", opp.counts_toward, opp.delivery, opp.minutes)
    rows = memo.get(shape) if memo is not None else None
    if rows is None:
        rows = tuple(_estimate_row(e) for e in estimates(opp, report, memo, every_held=True))
        if memo is not None:
            memo[shape] = rows
    return rows


def filter_choices(cards: list[OpportunityCard], report: Report) -> dict[str, tuple[Choice, ...]]:
    formats = sorted({c.format for c in cards if c.format})
    deliveries = sorted({c.delivery for c in cards if c.delivery})
    return {
        "certs": tuple(Choice(c.id, c.name) for c in report.certifications),
        "formats": tuple(Choice(f, FORMAT_LABELS.get(f, f.capitalize())) for f in formats),
        "deliveries": tuple(Choice(d, d) for d in deliveries),
    }


_TAGS = re.compile(r"[`*_#>\[\]()]+")


def search_index_js(cards: list[OpportunityCard], ledger: Ledger, as_of: dt.date) -> str:
    """`window.recertgenOpportunities`: rows of
    [id, title, provider, when, sortDate, past, format, formatLabel, delivery, cost, free, duration, topics, certs, estimates, haystack, url,
    logged: [[date, entry url], ...]]."""
    by_id = {o.id: o for o in ledger.opportunities}
    rows = []
    for c in cards:
        opp = by_id[c.id]
        text = " ".join([c.title, c.provider, " ".join(c.topics), _TAGS.sub(" ", opp.description or "")])
        rows.append([
            c.id, c.title, c.provider, c.when, c.sort_date, int(c.past), c.format, c.format_label, c.delivery, c.cost,
            int(c.free), c.duration, list(c.topics), list(c.certs),
            [[e.cert_name, e.credits, e.unit, e.gain] for e in c.estimates],
            " ".join(text.lower().split()),
            c.url,
            [[logged.date, logged.url] for logged in c.logged],
        ])
    data = json.dumps({"asOf": as_of.isoformat(), "rows": rows}, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script block early inside a .js file, but keep the file safe to inline anyway
    return "window.recertgenOpportunities = " + data.replace("</", "<\\/") + ";\n"
