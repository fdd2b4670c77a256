"""`recertgen status`: the dashboard as a terminal table."""

from __future__ import annotations

import click

from .amounts import fmt
from .engine.compute import CertReport, CycleReport, Report
from .engine.pace import delta_words
from .textual import table

COLOURS = {"ahead": "green", "complete": "green", "on-track": "cyan", "behind": "yellow", "lapsed": "red", "upcoming": "blue"}


def status_table(report: Report, color: bool = False) -> str:
    rows = []
    statuses = []
    for cert in report.certifications:
        c = cert.current
        statuses.append(cert.status)
        if c is None:
            rows.append([cert.name, "-", cert.status, "", "", "", "", ""])
            continue
        rows.append([
            cert.name,
            f"{fmt(c.credited)} / {fmt(c.required)} {cert.unit}",
            cert.status,
            delta_words(c.pace.delta_days) if c.status not in ("upcoming",) else f"starts {c.start}",
            str(c.end),
            str(c.days_left),
            fmt(c.needed_per_month) if c.needed_per_month is not None else "-",
            _projected(c, report.as_of),
        ])

    def style(r: int, col: int, text: str) -> str:
        if color and col == 2:
            return click.style(text, fg=COLOURS.get(statuses[r]), bold=statuses[r] in ("behind", "lapsed"))
        return text

    head = f"as of {report.as_of} (tolerance ±{report.tolerance_days} days)"
    body = table(["certification", "earned / required", "status", "pace", "deadline", "days left", "per month", "projected finish"],
                 rows, style=style, right=(5, 6))
    notes = [f"  {cert.name}: {w}" for cert in report.certifications for w in cert.warnings]
    return "\n".join([head, "", body] + ([""] + notes if notes else []))


def _projected(c: CycleReport, as_of) -> str:
    """The projected finish; a cycle over short of its total has none."""
    if c.projected_finish:
        return str(c.projected_finish)
    return "cycle ended" if as_of > c.end else "not at this rate"


def one_line(cert: CertReport, before: CertReport | None = None) -> str:
    """'CISSP: 117.25 / 120.00 CPE, ahead (ahead by 80 days, +2 days)'."""
    c = cert.current
    if c is None:
        return f"{cert.name}: no current cycle"
    text = f"{cert.name}: {fmt(c.credited)} / {fmt(c.required)} {cert.unit}, {cert.status} ({delta_words(c.pace.delta_days)}"
    if before is not None and before.current is not None and before.current.start == c.start:
        gained = c.pace.delta_days - before.current.pace.delta_days
        text += f", {'+' if gained >= 0 else ''}{gained} days"
    return text + ")"
