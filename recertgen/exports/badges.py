"""`badges/<id>.svg`: a small status badge per certification for a README,
e.g. "CISSP | 86/120 · ahead 12d"."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..amounts import fmt
from ..engine.compute import CertReport

COLOURS = {"ahead": "#1a7f37", "complete": "#1a7f37", "on-track": "#0969da", "behind": "#9a6700",
           "lapsed": "#cf222e", "upcoming": "#57606a"}


def badge_text(cert: CertReport) -> tuple[str, str]:
    c = cert.current
    if c is None:
        return cert.name, "no cycle"
    amount = f"{_short(c.credited)}/{_short(c.required)}"
    if cert.status in ("ahead", "behind", "on-track") and c.status in ("ahead", "behind", "on-track"):
        delta = c.pace.delta_days
        pace = f"ahead {delta}d" if delta > 0 else (f"behind {-delta}d" if delta < 0 else "on pace")
        if cert.status == "behind" and delta >= 0:
            pace = "behind (annual)"
    else:
        pace = cert.status
    return cert.name, f"{amount} · {pace}"


def badge_svg(cert: CertReport) -> str:
    label, message = badge_text(cert)
    left, right = _width(label), _width(message)
    total = left + right
    colour = COLOURS.get(cert.status, "#57606a")
    title = escape(f"{label}: {message}")
    attribute = escape(f"{label}: {message}", {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{attribute}">'
        f"<title>{title}</title>"
        f'<rect width="{left}" height="20" fill="#3d434b"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:.1f}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{escape(message)}</text>'
        f"</g></svg>\n"
    )


def _short(value) -> str:
    text = fmt(value)
    return text[:-3] if text.endswith(".00") else text


def _width(text: str) -> int:
    """An estimate of Verdana 11px widths; generous so text never clips."""
    narrow = sum(1 for ch in text if ch in "ilj.,:;|!' ·")
    wide = sum(1 for ch in text if ch in "mwMW@%")
    return int(7 * (len(text) - narrow - wide) + 3.5 * narrow + 10 * wide + 12)
