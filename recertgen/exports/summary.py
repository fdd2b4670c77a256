"""`site/summary.json` (SPEC §5): every certification's standing as data."""

from __future__ import annotations

from ..engine.compute import CertReport, Report
from .jsonout import dumps


def summary(report: Report) -> dict:
    return {
        "as_of": report.as_of.isoformat(),
        "certifications": [_certification(cert) for cert in report.certifications],
    }


def summary_json(report: Report) -> str:
    return dumps(summary(report)) + "\n"


def _certification(cert: CertReport) -> dict:
    current = cert.current
    base = {"id": cert.id, "name": cert.name, "unit": cert.unit}
    if current is None:
        return {**base, "cycle": None, "required": None, "earned": None, "expected": None, "remaining": None,
                "delta_days": None, "days_left": None, "status": cert.status, "annual": [], "categories": []}
    return {
        **base,
        "cycle": {"start": current.start.isoformat(), "end": current.end.isoformat()},
        "required": current.required,
        # credits carried in from the last cycle (ISC2, PMI, IIA, ACFE rules) count in this one, as in
        # delta_days, remaining and status, and as the terminal and the site show; none carried: the same
        "earned": current.credited,
        "expected": current.pace.expected,
        "remaining": current.remaining,
        "delta_days": current.pace.delta_days,
        "days_left": current.days_left,
        "status": cert.status,
        "annual": [
            {"start": a.start.isoformat(), "end": a.end.isoformat(), "minimum": a.minimum, "earned": a.earned, "status": a.status}
            for a in current.annual
            if a.minimum
        ],
        "categories": [
            {"name": c.name, "min": c.min, "max": c.max, "earned": c.earned, "counted": c.counted}
            for c in current.categories
        ],
    }
