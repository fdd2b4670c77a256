"""`recertgen build`: render every page and export into a staging folder,
then swap it into place.

Gather everything first (the loaded ledger and its report), write second.
Pages are a flat list of (path, template, context); rendering is one loop,
so a progress bar and the staged writer see every file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator

from jinja2 import TemplateError, TemplateSyntaxError

from ..amounts import ZERO, fmt
from ..api import Loaded
from ..exports.audit import AuditRow, audit_rows, filter_rows, to_csv
from ..exports.badges import badge_svg
from ..exports.calendar import deadlines_ics
from ..exports.certificates import write_certificates_zip
from ..exports.summary import summary_json
from ..gitinfo import first_recorded, head_commit
from ..problems import Problem, Source, error
from ..proofs import locate
from . import catalog, views
from .output import Staging, check_output
from .theme import asset_files, environment


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    context: dict


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Inputs:
    """What every page generator needs, gathered once."""

    loaded: Loaded
    site: views.SiteInfo
    recorded: dict[str, str]
    commit: str | None
    rows: list[AuditRow]
    opportunities: list  # sorted by date
    opportunity_cards: list


Progress = Callable[[int], None]


def gather(loaded: Loaded) -> Inputs:
    root = loaded.ledger.root
    commit = head_commit(root)
    recorded = first_recorded(root)
    site = views.site_info(loaded.ledger, loaded.report, commit, bool(loaded.ledger.opportunities))
    rows = audit_rows(loaded.ledger, loaded.report, recorded)
    opportunities = catalog.sorted_opportunities(loaded.ledger)
    cards = [catalog.card(o, loaded.report) for o in opportunities]
    return Inputs(loaded, site, recorded, commit, rows, opportunities, cards)


def pages(inputs: Inputs) -> Iterator[Page]:
    loaded = inputs.loaded
    ledger, report = loaded.ledger, loaded.report
    cards = [views.cert_card(cert, ledger, report.as_of, inputs.recorded) for cert in report.certifications]
    yield Page("index.html", "index.html", "Dashboard", {"cards": cards})
    rows = views.credit_rows(ledger, report)
    yield Page("credits/index.html", "credits.html", "Credits", {
        "rows": rows,
        "total": fmt(sum((Decimal(r.credits) for r in rows), ZERO)),
        "sources": views.source_choices(ledger),
        "certs": [views.Choice(c.id, c.name) for c in report.certifications],
        "presets": PRESETS,
    })
    for cert, card in zip(report.certifications, cards):
        current = cert.current
        yield Page(views.cert_url(cert.id), "certification.html", cert.name, {
            "card": card,
            "cert": cert,
            "categories": views.category_rows(current) if current else (),
            "annual": views.annual_rows(current) if current else (),
            "sections": views.cycle_sections(cert, ledger, inputs.recorded),
            "outside": views.entry_rows(ledger, cert.outside, inputs.recorded),
            "assertions": [
                (a.assertion.date.isoformat(), fmt(a.assertion.total), fmt(a.ledger_total) if a.ledger_total is not None else "—",
                 a.assertion.note or "", "matches" if a.matches else "differs")
                for a in cert.assertions
            ],
            "program": cert.rules.program,
            "program_text": views.program_text(cert.rules.program),
        })
    for entry in ledger.credits:
        yield Page(views.entry_url(entry), "entry.html", entry.title, {
            "entry": views.entry_detail(entry, ledger, report, inputs.recorded),
        })
    if inputs.opportunities:
        yield from opportunity_pages(inputs)
    audit_sections = [
        (views.cert_card(cert, ledger, report.as_of, inputs.recorded, chart_prefix="audit"), views.cycle_sections(cert, ledger, inputs.recorded, newest_first=False))
        for cert in report.certifications
    ]
    yield Page("audit/index.html", "audit.html", "Audit report", {"sections": audit_sections})


def opportunity_pages(inputs: Inputs) -> Iterator[Page]:
    ledger, report = inputs.loaded.ledger, inputs.loaded.report
    cards = inputs.opportunity_cards
    yield Page("opportunities/index.html", "opportunities.html", "Opportunities", {
        "cards": cards[:STATIC_OPPORTUNITIES],
        "count": len(cards),
        "choices": catalog.filter_choices(cards, report),
    })
    for opp, card in zip(inputs.opportunities, cards):
        yield Page(catalog.opportunity_url(opp), "opportunity.html", opp.title, {"opp": catalog.detail(opp, ledger, report, card)})


STATIC_OPPORTUNITIES = 500  # listed in the HTML for readers without JavaScript; search covers all


PRESETS = (
    views.Choice("all", "All time"),
    views.Choice("ytd", "Year to date"),
    views.Choice("7d", "Last 7 days"),
    views.Choice("30d", "Last 30 days"),
    views.Choice("last-year", "Last 12 months"),
)


def build_site(loaded: Loaded, out: Path, progress: Callable[[Iterable], Iterable] | None = None) -> BuildResult:
    """Render the site into a staging folder and swap it in. Template
    errors are problems (with the template's file and line), never
    tracebacks; on any problem the previous site stays untouched."""
    root = loaded.ledger.root
    check_output(out, root)
    inputs = gather(loaded)
    env = environment(root)
    staging = Staging(out)
    try:
        page_list = list(pages(inputs))
        iterable = progress(page_list) if progress else page_list
        for page in iterable:
            context = {"site": inputs.site, "page_path": page.path, "page_title": page.title, **page.context}
            html = env.get_template(page.template).render(context)
            staging.write(page.path, html.encode("utf-8"))
        for rel, path in asset_files(root).items():
            staging.copy(rel, path)
        for rel, path in _proof_files(loaded):
            staging.copy(rel, path)
        write_exports(inputs, staging)
    except Exception as exc:  # a template override's mistake must read as a problem, not a traceback
        staging.abandon()
        return BuildResult(out, 0, 0, (_template_problem(exc, root),))
    except BaseException:
        staging.abandon()
        raise
    staging.commit()
    return BuildResult(out, len(page_list), staging.files, ())


def write_exports(inputs: Inputs, staging: Staging) -> None:
    """The files for auditors and other programs, beside the pages."""
    report = inputs.loaded.report
    staging.write("summary.json", summary_json(report).encode("utf-8"))
    staging.write("audit.csv", to_csv(inputs.rows).encode("utf-8"))
    for cert in report.certifications:
        staging.write(f"certifications/{cert.id}/audit.csv", to_csv(filter_rows(inputs.rows, cert=cert.id)).encode("utf-8"))
        staging.write(f"badges/{cert.id}.svg", badge_svg(cert).encode("utf-8"))
    write_certificates_zip(inputs.rows, staging.path("certificates.zip"))
    if inputs.opportunities:
        index = catalog.search_index_js(inputs.opportunity_cards, inputs.loaded.ledger, report.as_of)
        staging.write("opportunities/search-index.js", index.encode("utf-8"))
    staging.write("deadlines.ics", deadlines_ics(report, inputs.loaded.ledger.settings.title).encode("utf-8"))


def _proof_files(loaded: Loaded):
    ledger = loaded.ledger
    seen = set()
    for entry in ledger.credits:
        if not entry.proof:
            continue
        location = locate(ledger, entry.proof)
        if location.path is None or location.rel in seen:
            continue
        seen.add(location.rel)
        yield views.site_proof_path(location.rel, ledger), location.path


def _template_problem(exc: Exception, root: Path) -> Problem:
    """Point at the template line: syntax errors carry it; runtime errors
    (an undefined name in an override) leave it in the traceback."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not filename:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith((".html", ".svg", ".xml", ".txt")):
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    if not filename:
        return error(Source("templates"), f"template error: {exc}")
    path = Path(filename)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = f"templates/{path.name} (built-in theme)"
    message = exc.message if isinstance(exc, TemplateSyntaxError) else (str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}")
    return error(Source(rel, line or 1, 1), f"template error: {message}")
