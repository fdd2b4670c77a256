"""The ledger's records: immutable, typed, and each remembering its source.

Records hold what the files say, already converted (dates, exact decimals).
Nothing here computes; the engine derives cycles, estimates and pace from
these values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Mapping

from .problems import Source

DELIVERIES = (
    "group-live",
    "group-internet",
    "self-study",
    "nano-learning",
    "blended",
    "conference",
    "webinar",
    "course",
    "reading",
    "teaching",
    "writing",
    "volunteering",
    "other",
)
UNITS = ("CPE", "CEU", "PDU", "hours")
ANNUAL_BASES = ("cycle-year", "calendar-year")
EXTERNAL = "external"


@dataclass(frozen=True)
class Settings:
    """`recertgen.yaml`. Every key is optional; defaults are the SPEC's."""

    title: str = "Continuing education"
    holder: str = ""
    ledger: str = "ledger"
    output: str = "site"
    timezone: str = "UTC"
    tolerance_days: int = 14
    sources: Mapping[str, str] = field(default_factory=dict)  # platform name -> display name
    repository_url: str | None = None

    def source_label(self, name: str) -> str:
        if name == EXTERNAL:
            return "External"
        return self.sources.get(name, name)


@dataclass(frozen=True)
class CategoryLimit:
    """A category's minimum and maximum credits per cycle (or per year).
    `within` names a parent category that this one also counts toward
    (PMI's Ways of Working counts toward Education)."""

    name: str
    min: Decimal | None = None
    max: Decimal | None = None
    within: str | None = None
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class CycleSpec:
    """A cycle as written in a certification file; gaps filled by the engine."""

    start: dt.date
    end: dt.date | None
    required: Decimal | None
    annual_minimum: Decimal | None
    categories: tuple[CategoryLimit, ...] | None
    source: Source


@dataclass(frozen=True)
class Assertion:
    """The total a body's portal showed on a date, like a balance assertion."""

    date: dt.date
    total: Decimal
    note: str | None
    source: Source


@dataclass(frozen=True)
class Certification:
    id: str
    name: str
    body: str | None
    program: str | None
    credential_id: str | None
    unit: str | None
    certified: dt.date | None
    cycles: tuple[CycleSpec, ...]
    categories: tuple[CategoryLimit, ...] | None
    annual_basis: str | None
    assertions: tuple[Assertion, ...]
    source: Source
    positions: Mapping[str, Source] = field(default_factory=dict, compare=False)

    def at(self, key: str) -> Source:
        return self.positions.get(key, self.source)


@dataclass(frozen=True)
class Allocation:
    """Credits of one entry toward one certification; `credits` None means
    'estimate from the duration by the program's rule'."""

    cert_id: str
    credits: Decimal | None
    category: str | None
    source: Source


@dataclass(frozen=True)
class Submission:
    cert_id: str
    date: dt.date
    source: Source


@dataclass(frozen=True)
class CreditEntry:
    id: str
    title: str
    provider: str
    date: dt.date
    minutes: Decimal | None
    allocations: tuple[Allocation, ...]
    source_name: str  # a learning platform's name, or "external"
    delivery: str | None
    field_of_study: str | None
    state: str | None
    proof: str | None
    proof_sha256: str | None
    submitted: tuple[Submission, ...]
    description: str | None
    semester_hours: Decimal | None
    quarter_hours: Decimal | None
    file: str
    index: int | None
    source: Source
    positions: Mapping[str, Source] = field(default_factory=dict, compare=False)

    def at(self, key: str) -> Source:
        return self.positions.get(key, self.source)

    @property
    def hours(self) -> Decimal | None:
        return None if self.minutes is None else self.minutes / 60

    @property
    def is_external(self) -> bool:
        return self.source_name == EXTERNAL

    @property
    def proof_is_url(self) -> bool:
        return bool(self.proof) and "://" in self.proof


@dataclass(frozen=True)
class Opportunity:
    id: str
    title: str
    provider: str | None
    url: str | None
    format: str | None
    delivery: str | None
    starts: dt.date | None
    ends: dt.date | None
    minutes: Decimal | None
    cost: str | None
    topics: tuple[str, ...]
    counts_toward: tuple[str, ...]
    description: str | None
    file: str
    source: Source
    positions: Mapping[str, Source] = field(default_factory=dict, compare=False)

    def at(self, key: str) -> Source:
        return self.positions.get(key, self.source)

    @property
    def is_free(self) -> bool:
        return (self.cost or "").strip().lower() in ("free", "0", "$0", "0.00")

    # An opportunity is estimated like a credit entry; it has no academic hours.
    semester_hours = None
    quarter_hours = None

    @property
    def date(self):
        """The day it happens (its end, else its start); None when undated."""
        return self.ends or self.starts


@dataclass(frozen=True)
class EstimateRule:
    """How a duration becomes credits under one program and delivery method.

    `minutes_per_credit` minutes make one credit; the raw quotient is rounded
    *down* to `increment` once a full credit is reached, and to
    `first_increment` below that; below `minimum` nothing is awarded. A
    `fixed` rule (NASBA nano-learning) awards the same credit to any activity
    of at least `min_minutes`."""

    minutes_per_credit: Decimal | None
    increment: Decimal = Decimal("0.25")
    minimum: Decimal = Decimal("0")
    first_increment: Decimal | None = None
    fixed: Decimal | None = None
    min_minutes: Decimal | None = None
    bounds_claims: bool = True  # False where credit comes from a word count, not the clock (NASBA self-study)


@dataclass(frozen=True)
class CarryOver:
    """Credits above the cycle total that move to the next cycle."""

    max: Decimal
    window_months: int | None  # only credits earned in the cycle's last N months; None: any time
    categories: tuple[str, ...]  # only these categories; empty: any


@dataclass(frozen=True)
class SourceRef:
    id: str
    url: str
    supports: str = ""
    date: str = ""


@dataclass(frozen=True)
class Program:
    """A certification program's renewal rules (built-in or the ledger's own)."""

    id: str
    name: str
    title: str
    body: str
    unit: str
    unit_label: str
    cycle_months: int
    cycle_anchor: str  # "certified" or "next-january"
    required: Decimal | None
    annual_minimum: Decimal | None
    annual_basis: str
    annual_recommended: Decimal | None
    categories: tuple[CategoryLimit, ...]
    annual_categories: tuple[CategoryLimit, ...]
    default_category: str | None
    delivery_categories: Mapping[str, str]
    estimate: EstimateRule
    estimate_by_delivery: Mapping[str, EstimateRule]
    max_per_activity: Decimal | None
    university: Mapping[str, tuple[str, Decimal]]  # "semester"/"quarter" -> ("credits"|"minutes", per hour)
    carry_over: CarryOver | None
    counts_from_certified: bool
    sources: tuple[SourceRef, ...]
    reviewed: dt.date | None
    confidence: Mapping[str, str]
    notes: tuple[str, ...]
    builtin: bool
    source: Source

    def rule_for(self, delivery: str | None) -> EstimateRule:
        return self.estimate_by_delivery.get(delivery or "", self.estimate)

    def confidence_of(self, key: str) -> str:
        """'confirmed', 'verify' or 'unconfirmed' for a dotted key, falling
        back to its parent keys and to the program's default."""
        parts = key.split(".")
        while parts:
            tag = self.confidence.get(".".join(parts))
            if tag:
                return tag
            parts.pop()
        return self.confidence.get("default", "confirmed")


@dataclass(frozen=True)
class Ledger:
    root: Path
    settings: Settings
    certifications: tuple[Certification, ...]
    credits: tuple[CreditEntry, ...]
    opportunities: tuple[Opportunity, ...]
    programs: Mapping[str, Program]
    files_read: int = 0

    def certification(self, cert_id: str) -> Certification | None:
        for cert in self.certifications:
            if cert.id == cert_id:
                return cert
        return None

    @property
    def ledger_dir(self) -> Path:
        return self.root / self.settings.ledger
