"""`deadlines.ics` (RFC 5545): each cycle's end and each annual-minimum
deadline, so people can subscribe to their deadlines in any calendar."""

from __future__ import annotations

import datetime as dt

from ..amounts import fmt
from ..engine.compute import Report, cycle_names
from ..engine.calendar import ONE_DAY

PRODID = "-//recertgen//deadlines//EN"


def deadlines_ics(report: Report, title: str) -> str:
    stamp = report.as_of.strftime("%Y%m%dT000000Z")  # fixed by the as-of date: identical bytes per build
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_text(title + ' deadlines')}"]
    for cert in report.certifications:
        for cycle, name in zip(cert.cycles, cycle_names(cert)):
            c = cycle.cycle
            if not c.required:  # a year with nothing due (a new Texas licensee's first): no deadline to keep
                continue
            lines += _event(
                uid=f"{cert.id}-cycle-{name}@recertgen",
                day=c.end,
                stamp=stamp,
                summary=f"{cert.name}: renewal cycle ends ({fmt(c.required)} {cert.unit} required)",
                description=f"Cycle {c.start} to {c.end}: {fmt(cycle.credited)} of {fmt(c.required)} {cert.unit} as of {report.as_of}.",
            )
            for year in cycle.annual:
                if year.minimum:
                    lines += _event(
                        uid=f"{cert.id}-year-{year.start}@recertgen",
                        day=year.end,
                        stamp=stamp,
                        summary=f"{cert.name}: annual minimum of {fmt(year.minimum)} {cert.unit} due",
                        description=f"Year {year.start} to {year.end}: {fmt(year.earned)} of {fmt(year.minimum)} {cert.unit} as of {report.as_of}.",
                    )
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(uid: str, day: dt.date, stamp: str, summary: str, description: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + ONE_DAY).strftime('%Y%m%d')}",
        f"SUMMARY:{_text(summary)}",
        f"DESCRIPTION:{_text(description)}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P30D",
        f"DESCRIPTION:{_text(summary)}",
        "END:VALARM",
        "END:VEVENT",
    ]


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space,
    never splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)
