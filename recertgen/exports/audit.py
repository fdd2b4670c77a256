"""The audit trail as rows: one per (entry × certification it counts toward).

The audit CSV, the certificates ZIP's manifest and the site's audit pages
all come from these rows, so they always agree with each other and with
`summary.json`. (Where yearly windows overlap — Texas — a row is in the
reported window when it holds its date; the audit pages list each window whole.)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from ..amounts import fmt
from ..engine.compute import CertReport, CountedCredit, Report
from ..gitinfo import recorded_at
from ..keys import digest_lines
from ..model import Ledger
from ..proofs import file_digest, locate

COLUMNS = (
    "certification", "cycle_start", "cycle_end", "date", "title", "provider", "credits", "unit", "category",
    "hours", "delivery", "field_of_study", "state", "source", "proof", "proof_sha256", "entry_file", "recorded_at",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(FORMULA_START)
DEBT_DAYS = 30


@dataclass(frozen=True)
class AuditRow:
    cert_id: str
    cycle_start: dt.date | None
    cycle_end: dt.date | None
    counted: CountedCredit
    unit: str
    proof: str  # repository-relative path or https URL, as resolved
    proof_path: Path | None  # the file, when the proof is a file that exists
    proof_sha256: str  # computed from the file; the recorded digest for a URL
    recorded_at: str

    @property
    def entry(self):
        return self.counted.entry

    @property
    def documentation_debt(self) -> int | None:
        return documentation_debt(self.entry.date, self.recorded_at)

    def values(self) -> tuple[str, ...]:
        e = self.entry
        return (
            self.cert_id,
            self.cycle_start.isoformat() if self.cycle_start else "",
            self.cycle_end.isoformat() if self.cycle_end else "",
            e.date.isoformat(),
            e.title,
            e.provider,
            fmt(self.counted.credits),
            self.unit,
            self.counted.category or "",
            fmt(e.hours) if e.hours is not None else "",
            e.delivery or "",
            e.field_of_study or "",
            e.state or "",
            e.source_name,
            self.proof,
            self.proof_sha256,
            e.file,
            self.recorded_at,
        )


def documentation_debt(activity: dt.date, recorded_at: str) -> int | None:
    """Days between an activity and the commit that recorded it, when over
    30: contemporaneous records are what audits look for."""
    if not recorded_at:
        return None
    days = (dt.date.fromisoformat(recorded_at) - activity).days
    return days if days > DEBT_DAYS else None


def audit_rows(ledger: Ledger, report: Report, recorded: dict[str, str], certs: list[CertReport] | None = None,
               proofs_only: bool = False) -> list[AuditRow]:
    """The rows of every certification, or of `certs` only; with
    `proofs_only`, only the rows whose proof is a file or a link (what the
    certificates ZIP holds or lists: a tenth of the rows, in the same order)."""
    maker = RowMaker(ledger, report, recorded)
    keyed: list[tuple[tuple, AuditRow]] = []
    for cert in (report.certifications if certs is None else certs):
        cycle_of: dict[dt.date, object] = {}  # many entries share a day (`_row_cycle`)
        for c in cert.counted:
            if proofs_only and not c.entry.proof:
                continue
            start, end = maker.bounds(cert, c, cycle_of)
            key, row = maker.row(cert, c, start, end)
            if proofs_only and row.proof_path is None and not row.proof.startswith("https://"):
                continue
            keyed.append((key, row))
    keyed.sort(key=itemgetter(0))
    return [row for _, row in keyed]


class RowMaker:
    """Audit rows one at a time, each entry's proof looked up once (an
    entry counting toward three certifications has three rows)."""

    def __init__(self, ledger: Ledger, report: Report, recorded: dict[str, str]) -> None:
        self.ledger, self.report, self.recorded = ledger, report, recorded
        self.digests = functools.partial(file_digest, ledger)
        self.proofs: dict[str, tuple[str, Path | None, str]] = {}
        self.titles: dict[str, str] = {}
        self.cells: dict[str, tuple[str, str]] = {}  # entry id -> its encoded cells before and after the row's own
        self.cycle_cells: dict[tuple, str] = {}  # what many rows share, encoded once: a cycle's cells,
        self.amount_cells: dict[tuple, str] = {}  # and the credits, unit and category

    def bounds(self, cert: CertReport, c: CountedCredit, cycle_of: dict) -> tuple[dt.date | None, dt.date | None]:
        """The start and end of the cycle `c`'s row goes with (`_row_cycle`;
        `cycle_of`: the certification's, by day)."""
        cycle = cycle_of.get(c.date, False)
        if cycle is False:
            cycle = cycle_of[c.date] = _row_cycle(cert, c.date, self.report.as_of)
        return (cycle.start, cycle.end) if cycle else (None, None)

    def row(self, cert: CertReport, c: CountedCredit, start: dt.date | None, end: dt.date | None) -> tuple[tuple, AuditRow]:
        """The row and its place: rows sort by certification, cycle, date,
        title, file and place in it."""
        entry = c.entry
        proof, path, digest = self._proof(entry)
        return self._place(cert, entry, start), AuditRow(
            cert_id=cert.id,
            cycle_start=start,
            cycle_end=end,
            counted=c,
            unit=cert.unit,
            proof=proof,
            proof_path=path,
            proof_sha256=digest,
            recorded_at=recorded_at(self.recorded, entry),
        )

    def line(self, cert: CertReport, c: CountedCredit, start: dt.date | None, end: dt.date | None) -> tuple[tuple, str]:
        """The row's place and its CSV line, exactly `csv_line(row.values())`
        for `row(...)`'s row, but with the entry's cells encoded once."""
        entry = c.entry
        cells = self.cells.get(entry.id)
        if cells is None:
            cells = self.cells[entry.id] = self._entry_cells(entry)
        cycle = self.cycle_cells.get((cert.id, start, end))
        if cycle is None:
            cycle = self.cycle_cells[(cert.id, start, end)] = csv_line((
                cert.id, start.isoformat() if start else "", end.isoformat() if end else ""))[:-2]
        own = self.amount_cells.get((c.credits, cert.unit, c.category))
        if own is None:
            own = self.amount_cells[(c.credits, cert.unit, c.category)] = csv_line((fmt(c.credits), cert.unit, c.category or ""))[:-2]
        return self._place(cert, entry, start), f"{cycle},{cells[0]},{own},{cells[1]}\r\n"

    def _entry_cells(self, entry) -> tuple[str, str]:
        proof, _, digest = self._proof(entry)
        before = (entry.date.isoformat(), entry.title, entry.provider)
        after = (fmt(entry.hours) if entry.hours is not None else "", entry.delivery or "", entry.field_of_study or "",
                 entry.state or "", entry.source_name, proof, digest, entry.file, recorded_at(self.recorded, entry))
        return csv_line(before)[:-2], csv_line(after)[:-2]

    def _proof(self, entry) -> tuple[str, Path | None, str]:
        found = self.proofs.get(entry.id)
        if found is None:
            found = self.proofs[entry.id] = _proof(self.ledger, entry, self.digests)
        return found

    def _place(self, cert: CertReport, entry, start: dt.date | None) -> tuple:
        title = self.titles.get(entry.id)
        if title is None:
            title = self.titles[entry.id] = entry.title.lower()
        return cert.id, start or dt.date.min, entry.date, title, entry.file, entry.index or 0


def _row_cycle(cert: CertReport, day: dt.date, as_of: dt.date):
    """The cycle a row of this day goes with: the one holding it, and where
    yearly windows overlap (Texas), the reported one if it holds the day,
    else the newest begun by the as-of date, else the newest. None after
    the as-of date: such an entry counts nowhere yet (SPEC §2), so its row,
    like one outside every cycle, names no cycle."""
    if day > as_of:
        return None
    holding = [r.cycle for r in cert.cycles if r.cycle.contains(day)]
    if len(holding) < 2:
        return holding[0] if holding else None
    if cert.current is not None and cert.current.cycle in holding:
        return cert.current.cycle
    begun = [cycle for cycle in holding if cycle.start <= as_of]
    return (begun or holding)[-1]


def rows_key(cert: CertReport, ledger: Ledger, bases: dict[str, str], proofs_only: bool = False) -> str:
    """A digest of what a certification's audit rows say: all of them (its
    audit CSV), or with `proofs_only` those whose proof is a file or a link
    (its part of the certificates ZIP, a tenth of the rows). Equal digests mean
    equal files, so an unchanged certification's files are reused instead
    of written again. `bases`: `keys.entry_bases`, which hold all a row
    shows of its entry (its proof by repository path, never the absolute
    one: keys must not depend on how the ledger's folder was named)."""
    cycles = [(r.cycle.start, r.cycle.end, r.cycle.counts_from) for r in cert.cycles]
    rows = []
    for c in cert.counted:
        entry = c.entry
        if proofs_only and (not entry.proof or _unlisted(locate(ledger, entry.proof))):
            continue
        rows.append(f"{bases[entry.id]}\t{c.credits} {c.category!r}")
    return digest_lines((cert.id, cert.unit, cycles), rows)


def _unlisted(location) -> bool:
    """A proof the certificates ZIP neither holds nor lists (one that is
    not found or not allowed)."""
    return location.path is None and location.url is None


def _proof(ledger: Ledger, entry, digests) -> tuple[str, Path | None, str]:
    if not entry.proof:
        return "", None, ""
    location = locate(ledger, entry.proof)
    if location.url:
        return location.url, None, entry.proof_sha256 or ""
    if location.path is not None:
        return location.rel, location.path, digests(location.path)
    return location.rel or entry.proof, None, entry.proof_sha256 or ""


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe.
    Amounts are never negative, so no number is touched."""
    return "'" + cell if cell[:1] in _FORMULA_CHARS else cell


_NEEDS_QUOTES = re.compile('[,"\r\n]').search
_QUOTE_OR_BREAK = re.compile('["\r\n]').search
_FORMULA_AFTER_COMMA = re.compile(",[=+\\-@\t]").search  # in cells joined by commas, none of which holds one


def csv_cell(value: str) -> str:
    """One cell as the audit CSV holds it: neutralised, then quoted where
    RFC 4180 needs it (a comma, a quote or a line break), as the csv
    module's minimal quoting does. One function for every audit CSV: the
    site's, the per-certification ones and `export`'s."""
    value = neutralise(value)
    if _NEEDS_QUOTES(value) is None:
        return value
    return '"' + value.replace('"', '""') + '"'


def csv_line(cells) -> str:
    """Cells joined as `csv_cell` encodes them, the common case at once:
    no cell holds a comma, quote or line break or starts like a formula."""
    cells = tuple(cells)
    line = ",".join(cells)
    if line.count(",") == len(cells) - 1 and _QUOTE_OR_BREAK(line) is None and _FORMULA_AFTER_COMMA(line) is None \
            and line[:1] not in _FORMULA_CHARS:
        return line + "\r\n"
    return ",".join(map(csv_cell, cells)) + "\r\n"


HEADER = csv_line(COLUMNS)


def to_csv(rows: list[AuditRow]) -> str:
    """RFC 4180: comma-separated, CRLF line ends, quotes where needed, UTF-8."""
    return HEADER + "".join(csv_line(row.values()) for row in rows)


def csv_bodies(ledger: Ledger, report: Report, recorded: dict[str, str], certs: list[CertReport]) -> dict[str, str]:
    """Each of `certs`' audit CSV lines without the header — what
    `to_csv(audit_rows(...))` writes for it — made from each entry's cells
    encoded once (`RowMaker.line`), not a row object per (entry ×
    certification): at firm scale this is 130,000 lines."""
    maker = RowMaker(ledger, report, recorded)
    bodies = {}
    for cert in certs:
        cycle_of: dict = {}
        placed = []
        for c in cert.counted:
            start, end = maker.bounds(cert, c, cycle_of)
            placed.append(maker.line(cert, c, start, end))
        placed.sort(key=itemgetter(0))
        bodies[cert.id] = "".join(line for _, line in placed)
    return bodies


def filter_rows(rows: list[AuditRow], cert: str | None = None, start: dt.date | None = None,
                end: dt.date | None = None, source: str | None = None) -> list[AuditRow]:
    return [
        r for r in rows
        if (cert is None or r.cert_id == cert)
        and (start is None or r.entry.date >= start)
        and (end is None or r.entry.date <= end)
        and (source is None or r.entry.source_name == source)
    ]
