"""The audit trail as rows: one per (entry × certification it counts toward).

The audit CSV, the certificates ZIP's manifest and the site's audit pages
all come from these rows, so they always agree with each other and with
`summary.json`. (Where yearly windows overlap — Texas — a row is in the
reported window when it holds its date; the audit pages list each window whole.)
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
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
               proof_files_only: bool = False) -> list[AuditRow]:
    """The rows of every certification, or of `certs` only; with
    `proof_files_only`, only the rows whose proof is a file (what the
    certificates ZIP holds: a tenth of the rows, in the same order)."""
    maker = RowMaker(ledger, report, recorded)
    keyed: list[tuple[tuple, AuditRow]] = []
    for cert in (report.certifications if certs is None else certs):
        cycle_of: dict[dt.date, object] = {}  # many entries share a day (`_row_cycle`)
        for c in cert.counted:
            if proof_files_only and not c.entry.proof:
                continue
            start, end = maker.bounds(cert, c, cycle_of)
            key, row = maker.row(cert, c, start, end)
            if proof_files_only and row.proof_path is None:
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
        if entry.id not in self.proofs:
            self.proofs[entry.id] = _proof(self.ledger, entry, self.digests)
            self.titles[entry.id] = entry.title.lower()
        proof, path, digest = self.proofs[entry.id]
        return (cert.id, start or dt.date.min, entry.date, self.titles[entry.id], entry.file, entry.index or 0), AuditRow(
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


def _row_cycle(cert: CertReport, day: dt.date, as_of: dt.date):
    """The cycle a row of this day goes with: the one holding it, and where
    yearly windows overlap (Texas), the reported one if it holds the day,
    else the newest begun by the as-of date, else the newest."""
    holding = [r.cycle for r in cert.cycles if r.cycle.contains(day)]
    if len(holding) < 2:
        return holding[0] if holding else None
    if cert.current is not None and cert.current.cycle in holding:
        return cert.current.cycle
    begun = [cycle for cycle in holding if cycle.start <= as_of]
    return (begun or holding)[-1]


def rows_key(cert: CertReport, ledger: Ledger, bases: dict[str, str], proof_files_only: bool = False) -> str:
    """A digest of what a certification's audit rows say: all of them (its
    audit CSV), or with `proof_files_only` those whose proof is a file (its
    part of the certificates ZIP, a tenth of the rows). Equal digests mean
    equal files, so an unchanged certification's files are reused instead
    of written again. `bases`: `keys.entry_bases`, which hold all a row
    shows of its entry (its proof by repository path, never the absolute
    one: keys must not depend on how the ledger's folder was named)."""
    cycles = [(r.cycle.start, r.cycle.end, r.cycle.counts_from) for r in cert.cycles]
    rows = []
    for c in cert.counted:
        entry = c.entry
        if proof_files_only and (not entry.proof or locate(ledger, entry.proof).path is None):
            continue
        rows.append(f"{bases[entry.id]}\t{c.credits} {c.category!r}")
    return digest_lines((cert.id, cert.unit, cycles), rows)


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


def to_csv(rows: list[AuditRow]) -> str:
    """RFC 4180: comma-separated, CRLF line ends, quotes where needed, UTF-8."""
    return csv_text([csv_cells(row) for row in rows])


def csv_cells(row: AuditRow) -> list[str]:
    return [("'" + value) if value[:1] in _FORMULA_CHARS else value for value in row.values()]  # neutralise(), inlined: 18 cells × every row



def csv_text(cells: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(cells)
    return buffer.getvalue()


def csv_texts_by_cert(rows: list[AuditRow]) -> tuple[str, dict[str, str]]:
    """The whole audit CSV and each certification's, written once: rows are
    sorted by certification first, so each certification's file is the
    header plus one stretch of the whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    header_end = buffer.tell()
    stretches: dict[str, tuple[int, int]] = {}
    start = 0
    while start < len(rows):
        cert_id = rows[start].cert_id
        end = start
        while end < len(rows) and rows[end].cert_id == cert_id:
            end += 1
        if cert_id in stretches:
            raise ValueError("audit rows must be sorted by certification")
        begin = buffer.tell()
        writer.writerows(csv_cells(row) for row in rows[start:end])
        stretches[cert_id] = (begin, buffer.tell())
        start = end
    whole = buffer.getvalue()
    header = whole[:header_end]
    return whole, {cert_id: header + whole[begin:finish] for cert_id, (begin, finish) in stretches.items()}


def filter_rows(rows: list[AuditRow], cert: str | None = None, start: dt.date | None = None,
                end: dt.date | None = None, source: str | None = None) -> list[AuditRow]:
    return [
        r for r in rows
        if (cert is None or r.cert_id == cert)
        and (start is None or r.entry.date >= start)
        and (end is None or r.entry.date <= end)
        and (source is None or r.entry.source_name == source)
    ]
