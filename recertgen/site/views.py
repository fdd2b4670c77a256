"""Page view models: what each template shows, computed and formatted here.

Templates format nothing that needs arithmetic: every number, every status
word and every sentence with a number in it is made in this module (and
tested), so a theme override cannot get the maths wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from urllib.parse import quote


from ..amounts import ZERO, fmt
from ..engine.compute import CertReport, CycleReport, Report
from ..engine.pace import delta_words
from ..gitinfo import recorded_at
from ..model import CreditEntry, Ledger, Program
from ..exports.audit import documentation_debt
from ..programs_text import describe_program
from ..proofs import locate
from .addresses import Addresses
from .charts import Chart, burn_up

STATUS_LABELS = {
    "ahead": "Ahead",
    "on-track": "On track",
    "behind": "Behind",
    "complete": "Complete",
    "lapsed": "Lapsed",
    "upcoming": "Upcoming",
    "met": "Met",
    "missed": "Missed",
    "": "No minimum",
}


@dataclass(frozen=True)
class Link:
    href: str  # site-relative path; templates make it page-relative with url()
    text: str


@dataclass(frozen=True)
class SiteInfo:
    """What every page shows: the header, footer and navigation."""

    title: str
    holder: str
    as_of: str
    commit: str | None
    nav: tuple[Link, ...]


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class CategoryRow:
    name: str
    limits: str
    earned: str
    counted: str
    state: str  # "met", "short", "missed" (the cycle is over), "capped" or ""
    note: str


@dataclass(frozen=True)
class AnnualRow:
    period: str
    minimum: str
    earned: str
    remaining: str
    status: str
    status_label: str
    note: str


@dataclass(frozen=True)
class CertCard:
    """One certification on the dashboard and at the top of its page."""

    id: str
    name: str
    body: str
    credential_id: str
    unit: str
    url: str
    status: str
    status_label: str
    earned: str
    required: str
    carried_in: str
    percent: int
    delta_text: str
    delta_days: int | None
    cycle_text: str
    deadline: str
    days_left: str
    needed_per_month: str
    projected: str
    proof_coverage: str
    warnings: tuple[str, ...]
    chart: Chart | None
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class EntryRow:
    """A counted entry in a certification's or the audit report's table."""

    id: str
    url: str
    date: str
    title: str
    provider: str
    hours: str
    delivery: str
    credits: str
    estimated: bool
    category: str
    proof_href: str | None
    proof_label: str
    proof_sha256: str
    recorded_at: str
    debt: str  # "recorded 45 days later" when over the 30-day mark
    source: str


@dataclass(frozen=True)
class CycleSection:
    cert_id: str
    cert_name: str
    start: str
    heading: str
    status_label: str
    status: str
    summary: str
    rows: tuple[EntryRow, ...]
    total: str
    unit: str
    hidden: int = 0  # older entries not listed here (see the audit report)
    after_caps: str = ""  # what counts once category caps and delivery limits apply, when less than `total`


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def site_info(ledger: Ledger, report: Report, commit: str | None) -> SiteInfo:
    settings = ledger.settings
    nav = [Link("index.html", "Dashboard"), Link("credits/index.html", "Credits"), Link("opportunities/index.html", "Opportunities"),
           Link("audit/index.html", "Audit report")]
    return SiteInfo(
        title=settings.title,
        holder=settings.holder,
        as_of=report.as_of.isoformat(),
        commit=commit,
        nav=tuple(nav),
    )


# -- URLs ------------------------------------------------------------------------

def cert_url(cert_id: str) -> str:
    return f"certifications/{cert_id}/index.html"


def proof_href(ledger: Ledger, entry: CreditEntry) -> str | None:
    """Where the proof is on the site: a copied file, or the https URL."""
    if not entry.proof:
        return None
    location = locate(ledger, entry.proof)
    if location.url:
        return location.url
    if location.rel and location.path is not None:  # a file name may hold '#', '?', '%' or spaces: an address must not
        return quote(site_proof_path(location.rel, ledger), safe="/")
    return None


def site_proof_path(rel: str, ledger: Ledger) -> str:
    prefix = f"{ledger.settings.ledger}/"
    return rel[len(prefix):] if rel.startswith(prefix) else rel


# -- certification cards ------------------------------------------------------------

def cert_card(cert: CertReport, ledger: Ledger, as_of: dt.date, recorded: dict[str, str], chart_prefix: str = "chart") -> CertCard:
    rules = cert.rules
    c = cert.current
    coverage = _proof_coverage(cert.current)
    late = sum(1 for x in cert.counted if documentation_debt(x.entry.date, recorded_at(recorded, x.entry))) if recorded else 0
    base = dict(
        id=cert.id,
        name=cert.name,
        body=rules.body,
        credential_id=rules.cert.credential_id or "",
        unit=cert.unit,
        url=cert_url(cert.id),
        status=cert.status,
        status_label=STATUS_LABELS.get(cert.status, cert.status),
        proof_coverage=coverage,
        warnings=cert.warnings,
    )
    if c is None:
        return CertCard(**base, earned="0.00", required="—", carried_in="", percent=0, delta_text="no cycle to measure",
                        delta_days=None, cycle_text="", deadline="", days_left="", needed_per_month="", projected="",
                        chart=None, facts=())
    percent = int(min(c.credited / c.required * 100, Decimal(100))) if c.required else 0
    delta = c.pace.delta_days
    delta_text = _delta_text(c, cert.unit, cert.status)
    needed = "nothing more" if c.needed_per_month == 0 else (f"{fmt(c.needed_per_month)} {cert.unit} a month" if c.needed_per_month is not None else "—")
    short = _minimums_short(c, cert.unit)
    if short and c.remaining <= 0:
        needed = short  # the total is reached, a minimum is not: that is what is left to do
    projected = _projection(c, as_of) if not short or c.remaining > 0 else f"total reached; {short}"
    facts = (
        Fact("Cycle", f"{c.start} to {c.end}"),
        Fact("Deadline", f"{c.end} ({_days(c.days_left)} left)" if c.days_left else f"{c.end}"),
        Fact("Needed", needed),
        Fact("Projected finish", projected),
        Fact("Expected by now", f"{fmt(c.pace.expected)} {cert.unit}"),
        Fact("Proof coverage", coverage),
    ) + ((Fact("Documentation debt", f"{late} entr{'y' if late == 1 else 'ies'} recorded over 30 days after the activity"),) if late else ())
    return CertCard(
        **base,
        earned=fmt(c.credited),
        required=fmt(c.required),
        carried_in=fmt(c.carried_in) if c.carried_in else "",
        percent=percent,
        delta_text=delta_text,
        delta_days=delta,
        cycle_text=f"{c.start} to {c.end}",
        deadline=c.end.isoformat(),
        days_left=_days(c.days_left),
        needed_per_month=needed,
        projected=projected,
        chart=burn_up(f"{chart_prefix}-{cert.id}", cert.name, cert.unit, c, as_of),
        facts=facts,
    )


def with_chart_prefix(card: CertCard, cert: CertReport, as_of: dt.date, chart_prefix: str) -> CertCard:
    """The same card with its chart's ids under another prefix (a page that
    shows a certification's card twice needs distinct ids)."""
    if card.chart is None or cert.current is None:
        return card
    return replace(card, chart=burn_up(f"{chart_prefix}-{cert.id}", cert.name, cert.unit, cert.current, as_of))


def _delta_text(c: CycleReport, unit: str, headline: str) -> str:
    """The card's pace line: the status in words and, whatever the status,
    `delta_days` in words (SPEC §5) — a complete cycle is still so many days
    ahead, a lapsed one so many behind."""
    pace = delta_words(c.pace.delta_days)
    if c.status == "upcoming":
        return f"starts {c.start}; {pace}"
    if c.status == "complete":
        return f"complete: {fmt(c.credited)} of {fmt(c.required)}; {pace}"
    if c.status == "lapsed":
        short = [f"{fmt(c.remaining)} {unit}"] if c.remaining > 0 else []
        short += [f"{fmt(cat.remaining)} {unit} of {cat.label or cat.name}" for cat in c.categories if cat.remaining > 0]
        missed = sum(1 for a in c.annual if a.status == "missed")
        what = ", ".join(short) + " short" if short else ""
        if missed:
            what += ("; " if what else "") + f"{missed} annual minimum{'s' if missed != 1 else ''} missed"
        return f"lapsed on {c.end}" + (f": {what}" if what else "") + f"; {pace}"
    if headline != c.status:
        return pace + " on the cycle total; an annual minimum is behind"
    return pace


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _minimums_short(c: CycleReport, unit: str) -> str:
    """What the cycle's category minimums and this year's still lack, in words ("" when none)."""
    parts = [f"{fmt(cat.remaining)} {unit} of {cat.label or cat.name}" for cat in c.categories if cat.remaining > 0]
    year = c.current_year
    if year is not None and year.minimum and year.remaining > 0:
        parts.append(f"{fmt(year.remaining)} {unit} this year ({year.start} to {year.end})")
    parts += [f"{fmt(cat.remaining)} {unit} of {cat.label or cat.name} this year"
              for cat in (year.categories if year is not None else ()) if cat.remaining > 0]
    return "still " + ", ".join(parts) if parts else ""


def _projection(c: CycleReport, as_of: dt.date) -> str:
    """When the total is reached; for a cycle over short of it, only that
    it ended (no later credit can count in it)."""
    if c.remaining <= 0:
        return f"reached on {c.finished_on}" if c.finished_on else "reached"
    if as_of > c.end:
        return f"the cycle ended on {c.end}"
    if c.projected_finish is None:
        since = "in this cycle yet" if c.pace.elapsed_days < 365 else "in the last 12 months"
        return f"not at the current rate (nothing earned {since})"
    gap = (c.projected_finish - c.end).days
    if gap > 0:
        return f"{c.projected_finish}, {_days(gap)} after the deadline"
    return f"{c.projected_finish}, {_days(-gap)} before the deadline"


def _proof_coverage(cycle: CycleReport | None) -> str:
    """Proof among the reported cycle's entries: the card's other figures
    are that cycle's, and an entry that counts nowhere needs no proof here."""
    counted = with_proof = 0
    for c in cycle.entries if cycle is not None else ():
        if c.credits > 0:
            counted += 1
            with_proof += bool(c.entry.proof)
    if not counted:
        return "no entries yet"
    return f"{with_proof} of {counted} {'entry has' if counted == 1 else 'entries have'} proof"


# -- tables -----------------------------------------------------------------------------

def category_rows(cycle: CycleReport) -> tuple[CategoryRow, ...]:
    rows = []
    for c in cycle.categories:
        limits = ", ".join(x for x in (f"min {fmt(c.min)}" if c.min is not None else "", f"max {fmt(c.max)}" if c.max is not None else "") if x) or "no limit"
        if c.capped:
            state, note = "capped", f"{fmt(c.earned - c.counted)} above the maximum do not count"
        elif c.min is not None and not c.met and cycle.status == "lapsed":
            state, note = "missed", f"missed: {fmt(c.remaining)} short"
        elif c.min is not None and not c.met:
            state, note = "short", f"{fmt(c.remaining)} still needed"
        elif c.min is not None:
            state, note = "met", "minimum met"
        else:
            state, note = "", ""
        name = c.label + (f" (within {c.within})" if c.within else "")
        rows.append(CategoryRow(name, limits, fmt(c.earned), fmt(c.counted), state, note))
    for d in cycle.delivery_limits:  # limits on a delivery method, whatever the category
        span = "this cycle" if d.per == "cycle" else f"{d.start} – {d.end}"
        state, note = ("capped", f"{fmt(d.earned - d.counted)} above the maximum do not count") if d.capped else ("", "")
        rows.append(CategoryRow(f"{d.delivery.capitalize()} (delivery method, {span})", f"max {fmt(d.max)} a {d.per}",
                                fmt(d.earned), fmt(d.counted), state, note))
    return tuple(rows)


def annual_rows(cycle: CycleReport) -> tuple[AnnualRow, ...]:
    rows = []
    for a in cycle.annual:
        if not a.minimum:
            continue
        note = ""
        if a.delta_days is not None and a.status not in ("complete", "upcoming"):
            note = delta_words(a.delta_days)
        short = [f"{c.label}: {fmt(c.counted)} of {fmt(c.min)}" for c in a.categories if not c.met]
        if short:
            note = "; ".join(filter(None, [note, *short]))
        rows.append(AnnualRow(f"{a.start} to {a.end}", fmt(a.minimum), fmt(a.earned), fmt(a.remaining), a.status,
                              STATUS_LABELS.get(a.status, a.status), note))
    return tuple(rows)


def entry_rows(ledger: Ledger, counted, recorded: dict[str, str], urls: Addresses) -> tuple[EntryRow, ...]:
    rows = []
    for c in counted:
        e = c.entry
        rows.append(EntryRow(
            id=e.id,
            url=urls.entry[e.id],
            date=e.date.isoformat(),
            title=e.title,
            provider=e.provider,
            hours=fmt(e.hours) if e.hours is not None else "",
            delivery=e.delivery or "",
            credits=fmt(c.credits) if c.estimable else "—",
            estimated=c.estimated,
            category=c.category or "",
            proof_href=proof_href(ledger, e),
            proof_label=_proof_label(e),
            proof_sha256=e.proof_sha256 or "",
            recorded_at=recorded_at(recorded, e),
            debt=_debt_text(e, recorded),
            source=ledger.settings.source_label(e.source_name),
        ))
    return tuple(rows)


def _debt_text(entry: CreditEntry, recorded: dict[str, str]) -> str:
    days = documentation_debt(entry.date, recorded_at(recorded, entry))
    return f"recorded {days} days after the activity" if days else ""


def _proof_label(entry: CreditEntry) -> str:
    if not entry.proof:
        return "no proof"
    return entry.proof.rsplit("/", 1)[-1] or entry.proof


def cycle_sections(cert: CertReport, ledger: Ledger, recorded: dict[str, str], urls: Addresses, newest_first: bool = True,
                   limit: int | None = None, with_rows: bool = True) -> tuple[CycleSection, ...]:
    """Each cycle with its counted entries; with a `limit`, only the most
    recent entries of each cycle (the audit report lists them all), and
    without `with_rows` none (split audit parts build their own rows)."""
    sections = []
    cycles = reversed(cert.cycles) if newest_first else cert.cycles
    for c in cycles:
        listed = sum((e.credits for e in c.entries), ZERO)
        summary = f"{fmt(c.credited)} of {fmt(c.required)} {cert.unit}"
        if c.carried_in:
            summary += f" (including {fmt(c.carried_in)} carried over)"
        if c.carried_out:
            summary += f"; {fmt(c.carried_out)} carry over to the next cycle"
        sections.append(CycleSection(
            cert_id=cert.id,
            cert_name=cert.name,
            start=c.start.isoformat(),
            heading=f"{c.start} to {c.end}",
            status=c.status,
            status_label=STATUS_LABELS.get(c.status, c.status),
            summary=summary,
            rows=entry_rows(ledger, c.entries[-limit:] if limit else c.entries, recorded, urls) if with_rows else (),
            total=fmt(listed),
            unit=cert.unit,
            hidden=max(len(c.entries) - limit, 0) if limit else 0,
            after_caps=fmt(c.earned) if c.earned < listed else "",
        ))
    return tuple(sections)


def program_text(program: Program | None) -> str:
    return describe_program(program, with_sources=False) if program else ""


# -- credits page -------------------------------------------------------------------------
