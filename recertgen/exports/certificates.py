"""`certificates.zip`: the proof files, organised by certification and cycle,
with a manifest, byte-identical across builds (fixed timestamps, sorted
members, fixed permissions). A proof that is a link (an issuer's
verification page) has no file to put in the archive; the manifest lists
it with its `link`, so an auditor reading the archive alone still sees
every entry that has a proof."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from ..amounts import fmt
from .audit import AuditRow, neutralise

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("certification", "cycle_start", "cycle_end", "entry", "date", "title", "file", "sha256", "credits", "link")


def member_name(row: AuditRow) -> str:
    cycle = f"{row.cycle_start}_{row.cycle_end}" if row.cycle_start else "outside-cycles"
    suffix = row.proof_path.suffix.lower() if row.proof_path else ""
    date = row.entry.date.isoformat()
    stem = row.entry.id if row.entry.id.startswith(date) else f"{date}_{row.entry.id}"
    return f"{row.cert_id}/{cycle}/{stem}{suffix}"


def is_link(row: AuditRow) -> bool:
    """Whether the row's proof is a link rather than a file (`proofs.locate`
    resolves links to https:// addresses only)."""
    return row.proof_path is None and row.proof.startswith("https://")


def write_certificates_zip(rows: list[AuditRow], target: Path | BinaryIO) -> int:
    """Write the ZIP; returns the number of proof files in it."""
    listed = _one_per_member(sorted(((member_name(r), r) for r in rows if r.proof_path is not None or is_link(r)),
                                    key=lambda m: m[0]))
    members = [(name, r) for name, r, _ in listed if r.proof_path is not None]
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    for name, r, credits in listed:
        linked = r.proof_path is None
        writer.writerow([neutralise(v) for v in (
            r.cert_id, str(r.cycle_start or ""), str(r.cycle_end or ""), r.entry.id, r.entry.date.isoformat(),
            r.entry.title, "" if linked else name, r.proof_sha256, fmt(credits), r.proof if linked else "",
        )])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_info(MANIFEST), manifest.getvalue().encode("utf-8"))
        for name, r in members:
            with r.proof_path.open("rb") as source, archive.open(_info(name), "w") as sink:
                while block := source.read(1 << 20):
                    sink.write(block)
    return len(members)


def _one_per_member(named: list[tuple[str, AuditRow]]) -> list[tuple[str, AuditRow, Decimal]]:
    """(name, row, credits), one per member: the rows of an activity split
    across categories (PMI) name the same proof once, with their credits
    added up."""
    merged: list[tuple[str, AuditRow, Decimal]] = []
    for name, row in named:
        if merged and merged[-1][0] == name:
            merged[-1] = (name, merged[-1][1], merged[-1][2] + row.counted.credits)
        else:
            merged.append((name, row, row.counted.credits))
    return merged


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever machine builds it
    return info
