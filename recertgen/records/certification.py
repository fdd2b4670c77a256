"""`ledger/certifications/<id>.yaml`: what a person holds."""

from __future__ import annotations

from ..fields import MapReader
from ..model import ANNUAL_BASES, UNITS, Assertion, Certification, CycleSpec, spots
from ..problems import Problem
from ..yamlio import YMap, describe
from .common import read_categories

KEYS = (
    "id", "name", "body", "program", "credential_id", "unit", "certified", "cycles",
    "categories", "annual_basis", "assertions",
)
CYCLE_KEYS = ("start", "end", "required", "annual_minimum", "categories")
ASSERTION_KEYS = ("date", "total", "source")


def read_certification(node: YMap, rel: str, stem: str, problems: list[Problem]) -> Certification | None:
    r = MapReader(node, rel, problems, "a certification")
    r.unknown_keys(KEYS)
    cert_id = r.ident("id") if r.has("id") else _stem_id(r, stem)
    name = r.text("name", required=True)
    cycles = tuple(_cycles(r))
    assertions = tuple(_assertions(r))
    cert = Certification(
        id=cert_id or stem,
        name=name or stem,
        body=r.text("body"),
        program=r.text("program"),  # as written: an unknown one (ISC2-CISSP) is one error, with a suggestion, in validation
        credential_id=r.text("credential_id"),
        unit=r.choice("unit", UNITS),
        certified=r.date("certified"),
        cycles=cycles,
        categories=read_categories(r, "categories"),
        annual_basis=r.choice("annual_basis", ANNUAL_BASES),
        assertions=assertions,
        source=r.here(),
        positions=spots(node),
    )
    return cert if cert_id else None


def _stem_id(r: MapReader, stem: str) -> str | None:
    from ..fields import ID_RE

    if ID_RE.match(stem):
        return stem
    r.error(r.here(), f"file name {stem!r} is not a valid certification id: rename the file or give 'id' (lowercase letters, digits, hyphens)")
    return None


def _cycles(r: MapReader):
    seq = r.sequence("cycles")
    written_empty = seq == [] or ("cycles" in r.node and r.raw("cycles") is None)  # `cycles: []`, `cycles:`, `cycles: ~`
    if written_empty:
        if not r.has("program"):  # with a program, `certified` may derive them: validation says if it is missing
            r.error(r.at("cycles"), "'cycles' is empty: give at least one cycle (start, end, required), or 'certified' with a 'program'")
        return
    for item in seq or ():
        if not isinstance(item, YMap):
            r.error(r.node_at(item), f"each cycle must be a mapping with start, end and required, found {describe(item)}")
            continue
        c = MapReader(item, r.rel, r.problems, "a cycle")
        c.unknown_keys(CYCLE_KEYS)
        start = c.date("start", required=True)
        end = c.date("end")
        if start and end and end < start:  # a one-day cycle (end = start) is one day long: SPEC §3's total_days is 1
            c.error(c.at("end"), f"cycle ends ({end}) before it starts ({start})")
            end = None
            start = None
        if start is None:
            continue
        yield CycleSpec(
            start=start,
            end=end,
            required=c.amount("required"),
            annual_minimum=c.amount("annual_minimum", zero_ok=True),
            categories=read_categories(c, "categories"),
            source=c.here(),
            required_given=c.has("required"),
        )


def _assertions(r: MapReader):
    seq = r.sequence("assertions")
    for item in seq or ():
        if not isinstance(item, YMap):
            r.error(r.node_at(item), f"each assertion must be a mapping with date and total, found {describe(item)}")
            continue
        a = MapReader(item, r.rel, r.problems, "an assertion")
        a.unknown_keys(ASSERTION_KEYS)
        date = a.date("date", required=True)
        total = a.amount("total", required=True, zero_ok=True)
        if date is not None and total is not None:
            yield Assertion(date=date, total=total, note=a.text("source"), source=a.here())
