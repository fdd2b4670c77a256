"""View models of credit entries: the credits page's rows and each
entry's details, with what it counts toward looked up once per build."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup

from ..amounts import ZERO, fmt, two_places
from ..engine.compute import Report
from ..gitinfo import recorded_at
from ..model import CreditEntry, Ledger, Settings
from ..proofs import file_digest, locate
from .addresses import Addresses
from .markdown import render_markdown
from .views import Choice, Fact, _debt_text, _proof_label, cert_url, proof_href


@dataclass(frozen=True)
class CreditRow:
    """One entry on the filterable credits page."""

    id: str
    url: str
    date: str
    title: str
    provider: str
    source: str  # data-source: "external" or the platform's name
    source_label: str
    credits: str  # sum over its certifications
    certs: str  # space-separated ids, for the certification filter
    per_cert: tuple[tuple[str, str, str], ...]  # (cert id, name, credits)
    proof_href: str | None



def newest_first(ledger: Ledger) -> tuple[CreditEntry, ...]:
    """The credits page's order."""
    return tuple(sorted(ledger.credits, key=lambda e: (e.date, e.id), reverse=True))


def credits_total(entries, index: EntryIndex) -> Decimal:
    """What the credits page shows as the total of `entries`: the sum of
    each entry's total as shown (to the cent), so the page adds up."""
    total = ZERO
    for entry in entries:
        total += shown_total(entry.id, index)
    return total


def shown_total(entry_id: str, index: EntryIndex) -> Decimal:
    """An entry's total as the credits page shows it (to the cent)."""
    own = ZERO
    for _, c, _ in index.get(entry_id, ()):
        own += c.credits
    return two_places(own)


def credit_rows(ledger: Ledger, index: EntryIndex, urls: Addresses, entries) -> tuple[CreditRow, ...]:
    """The credits page's rows for `entries` (a stretch of `newest_first`):
    at firm scale each data file builds its own stretch, on its own core."""
    rows = []
    settings = ledger.settings
    labels = {name: settings.source_label(name) for name in {e.source_name for e in entries}}
    for entry in entries:
        counted = index.get(entry.id, ())
        total = ZERO
        for _, c, _ in counted:
            total += c.credits
        if len(counted) > 1 and len({cert.id for cert, _, _ in counted}) < len(counted):
            per = _summed_parts(counted)
        else:
            per = tuple([(cert.id, cert.name, fmt(c.credits)) for cert, c, _ in counted])
        rows.append(CreditRow(
            id=entry.id,
            url=urls.entry[entry.id],
            date=entry.date.isoformat(),
            title=entry.title,
            provider=entry.provider,
            source=entry.source_name,
            source_label=labels[entry.source_name],
            credits=fmt(total),
            certs=" ".join(c for c, _, _ in per),
            per_cert=per,
            proof_href=proof_href(ledger, entry),
        ))
    return tuple(rows)


def _summed_parts(counted) -> tuple[tuple[str, str, str], ...]:
    """(cert id, name, credits) once per certification: the parts of an
    activity split across categories (PMI) add up."""
    sums: dict[str, list] = {}
    for cert, c, _ in counted:
        if cert.id in sums:
            sums[cert.id][1] += c.credits
        else:
            sums[cert.id] = [cert.name, c.credits]
    return tuple((cert_id, name, fmt(credits)) for cert_id, (name, credits) in sums.items())


def source_choices(ledger: Ledger) -> tuple[Choice, ...]:
    """All, each platform (configured or used), External."""
    settings: Settings = ledger.settings
    used = {e.source_name for e in ledger.credits}
    platforms = sorted((set(settings.sources) | used) - {"external"}, key=lambda s: settings.source_label(s).lower())
    return (Choice("all", "All"), *(Choice(p, settings.source_label(p)) for p in platforms), Choice("external", "External"))


def description_html(entry: CreditEntry) -> Markup:
    return render_markdown(entry.description)


def _proof_digest(entry: CreditEntry, ledger: Ledger) -> str:
    """The digest of the proof file as it is now, and whether it is the one recorded."""
    location = locate(ledger, entry.proof) if entry.proof else None
    if location is None or location.path is None:
        return entry.proof_sha256 or ""
    actual = file_digest(ledger, location.path)
    if entry.proof_sha256 is None:
        return f"{actual} (not recorded in the ledger)"
    return f"{actual} ({'matches' if actual == entry.proof_sha256 else 'does NOT match'} the recorded digest)"


@dataclass(frozen=True)
class EntryDetail:
    id: str
    title: str
    url: str
    facts: tuple[Fact, ...]
    description: Markup
    proof_href: str | None
    proof_label: str
    allocations: tuple[tuple[str, str, str, str, str], ...]  # (cert url, cert name, credits, how, category)
    file: str
    warnings: tuple[str, ...] = field(default=())


EntryIndex = dict  # entry id -> tuple of (CertReport, CountedCredit, outside every cycle?)


def entry_index(report: Report) -> EntryIndex:
    """What each entry counts toward, built once: pages look entries up
    here instead of scanning every certification for every entry."""
    index: dict[str, list] = {}
    for cert in report.certifications:
        outside = {id(c) for c in cert.outside}
        for c in cert.counted:
            index.setdefault(c.entry.id, []).append((cert, c, id(c) in outside))
    return {k: tuple(v) for k, v in index.items()}


def entry_detail(entry: CreditEntry, ledger: Ledger, index: EntryIndex, recorded: dict[str, str], urls: Addresses) -> EntryDetail:
    settings = ledger.settings
    facts = [
        Fact("Date", entry.date.isoformat()),
        Fact("Provider", entry.provider),
        Fact("Source", settings.source_label(entry.source_name)),
    ]
    if entry.minutes is not None:
        facts.append(Fact("Duration", f"{fmt(entry.hours)} hours ({entry.minutes.normalize():f} minutes)"))
    for label, value in (("Delivery", entry.delivery), ("Field of study", entry.field_of_study), ("State", entry.state),
                         ("Semester hours", entry.semester_hours), ("Quarter hours", entry.quarter_hours)):
        if value:
            facts.append(Fact(label, str(value)))
    digest = _proof_digest(entry, ledger)
    if digest:
        facts.append(Fact("Proof SHA-256", digest))
    for sub in entry.submitted:
        facts.append(Fact(f"Reported to {sub.cert_id}", sub.date.isoformat()))
    when = recorded_at(recorded, entry)
    if when:
        debt = _debt_text(entry, recorded)
        facts.append(Fact("Recorded", when + (f" ({debt}: documentation debt)" if debt else "")))
    facts.append(Fact("File", entry.file + (f" (item {entry.index + 1})" if entry.index is not None else "")))
    allocations = []
    warnings = []
    for cert, c, outside in index.get(entry.id, ()):
        how = "estimated by the program's rule" if c.estimated else "as claimed"
        if not c.estimable:
            how = "cannot be estimated: give credits explicitly"
        allocations.append((cert_url(cert.id), cert.name, fmt(c.credits), how, c.category or ""))
        if outside:
            warnings.append(f"Dated outside every cycle of {cert.name}: counts nowhere.")
    return EntryDetail(
        id=entry.id,
        title=entry.title,
        url=urls.entry[entry.id],
        facts=tuple(facts),
        description=description_html(entry),
        proof_href=proof_href(ledger, entry),
        proof_label=_proof_label(entry),
        allocations=tuple(allocations),
        file=entry.file,
        warnings=tuple(warnings),
    )
