"""The ledger's records: immutable, typed, and each remembering its source.

Records hold what the files say, already converted (dates, exact decimals).
Nothing here computes; the engine derives cycles, estimates and pace from
these values.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Mapping

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


def where(record, key: str) -> Source:
    """The position of one key's value in the record's file. Records keep
    positions as one compact string ("|title:1:8|date:3:7|"): needed only
    for messages, and cheap to cache and to load by the hundred thousand."""
    start = record.positions.find(f"|{key}:")
    if start < 0:
        return record.source
    _, line, col = record.positions[start + 1:record.positions.index("|", start + 1)].rsplit(":", 2)
    return Source(record.source.path, int(line), int(col))


class Located:
    """A record that remembers where each of its keys was written."""

    def at(self, key: str) -> Source:
        return where(self, key)

    def written(self, key: str) -> bool:
        return f"|{key}:" in self.positions


def spots(node) -> str:
    """The positions string of a record read from `node` (a YMap): where
    each key's value was written."""
    return "|" + "".join([f"{key}:{value.line}:{value.col}|" for key, value in node.items()])


@dataclass(frozen=True)
class Settings(Located):
    """`recertgen.yaml`. Every key is optional; defaults are the SPEC's.
    It remembers where each key was written (`at`), for checks said later."""

    title: str = "Continuing education"
    holder: str = ""
    ledger: str = "ledger"
    output: str = "site"
    timezone: str = "UTC"
    tolerance_days: int = 14
    sources: Mapping[str, str] = field(default_factory=dict)  # platform name -> display name
    repository_url: str | None = None
    cache: str | None = None  # parse cache folder, or "false"; default: the user's cache folder
    source: Source = field(default=Source("recertgen.yaml"), compare=False, repr=False)
    positions: str = field(default="", compare=False, repr=False)

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
    # Credits of this category count toward one certification of the program
    # only (GIAC community participation): the same activity may not also
    # count toward another certification under the same program.
    one_certification: bool = False
    # Claimable once per cycle (PMI's Working as a Professional): a second
    # entry in this category within one cycle is refused.
    once_per_cycle: bool = False

    @property
    def title(self) -> str:
        return self.label or self.name


def within_loops(limits: Iterable[CategoryLimit]) -> list[tuple[str, ...]]:
    """The loops among categories' `within` (a within b within a, or a
    within a), each as the names in `within` order. Such a category has no
    parent to count toward: the reader reports the loop and the engine
    ignores its `within`, so credits neither vanish nor count twice. Each
    category points to at most one parent, so one walk finds every loop."""
    known = {limit.name: limit.within for limit in limits}
    done: set[str] = set()
    loops: list[tuple[str, ...]] = []
    for name in known:
        path: dict[str, int] = {}  # name -> place on this walk
        current: str | None = name
        while current in known and current not in done and current not in path:
            path[current] = len(path)
            current = known[current]
        if current in path:
            loops.append(tuple(path)[path[current]:])
        done.update(path)
    return loops


@dataclass(frozen=True)
class CycleSpec:
    """A cycle as written in a certification file; gaps filled by the engine."""

    start: dt.date
    end: dt.date | None
    required: Decimal | None
    annual_minimum: Decimal | None
    categories: tuple[CategoryLimit, ...] | None
    source: Source
    required_given: bool = False  # written, even if unusable (its error is said where it was read)


@dataclass(frozen=True)
class Assertion:
    """The total a body's portal showed on a date, like a balance assertion."""

    date: dt.date
    total: Decimal
    note: str | None
    source: Source


@dataclass(frozen=True)
class Certification(Located):
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
    positions: str = field(default="|", compare=False)  # "|key:line:col|…" for each key written


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
class CreditEntry(Located):
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
    positions: str = field(default="|", compare=False)  # "|key:line:col|…" for each key written
    # The SHA-256 of the file the entry was read from: with `file`, `index` and
    # `id`, it stands for everything the entry says, so page keys need not
    # spell every field out. Empty for entries not read from a file.
    file_sha256: str = field(default="", compare=False)

    @property
    def hours(self) -> Decimal | None:
        return None if self.minutes is None else self.minutes / 60

    def __reduce__(self):
        """Pickled as plain values: the parse cache and the parallel parse
        move a hundred thousand of these, ten times faster this way."""
        return (_credit_from, (
            self.id, self.title, self.provider, self.date.toordinal(), _dec(self.minutes),
            tuple((a.cert_id, _dec(a.credits), a.category, a.source.line, a.source.col) for a in self.allocations),
            self.source_name, self.delivery, self.field_of_study, self.state, self.proof, self.proof_sha256,
            tuple((s.cert_id, s.date.toordinal(), s.source.line, s.source.col) for s in self.submitted),
            self.description, _dec(self.semester_hours), _dec(self.quarter_hours), self.file, self.index,
            self.source.line, self.source.col, self.positions, self.file_sha256,
        ))

    @property
    def proof_is_url(self) -> bool:
        return bool(self.proof) and "://" in self.proof


@dataclass(frozen=True)
class Opportunity(Located):
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
    positions: str = field(default="|", compare=False)  # "|key:line:col|…" for each key written

    @property
    def is_free(self) -> bool:
        return (self.cost or "").strip().lower() in ("free", "0", "$0", "0.00")

    def __reduce__(self):  # plain values, as for CreditEntry
        return (_opportunity_from, (
            self.id, self.title, self.provider, self.url, self.format, self.delivery,
            _day(self.starts), _day(self.ends), _dec(self.minutes), self.cost, self.topics, self.counts_toward,
            self.description, self.file, self.source.line, self.source.col, self.positions,
        ))

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
    # An explicit claim may be up to this many times what the duration yields:
    # NASBA instructors get the presentation plus up to twice it for preparation.
    claim_factor: Decimal = Decimal("1")
    # A claim up to this is never refused for its duration (ISACA: a chapter
    # meeting earns at least one CPE hour, whatever its length).
    claim_floor: Decimal = Decimal("0")
    # The steps an explicit claim comes in from one full credit on, any one of
    # them (NASBA: fifths or halves, the sponsor's choice; PMI, ISACA: quarter
    # hours); below one credit, `first_increment` steps from `minimum`. Empty
    # where the issuer's increment is unconfirmed: claims are then not checked.
    claim_steps: tuple[Decimal, ...] = ()
    # False where RULES.md leaves the minimum unconfirmed: estimates still round
    # down below it, but no claim is refused or warned about for it.
    minimum_confirmed: bool = True


@dataclass(frozen=True)
class CarryOver:
    """Credits above the cycle total that move to the next cycle."""

    max: Decimal
    window_months: int | None  # only credits earned in the cycle's last N months; None: any time
    categories: tuple[str, ...]  # only these categories; empty: any
    since: dt.date | None = None  # only out of cycles ending on or after this day (IIA: the policy of 1 Sep 2023)


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
    cycle_anchor: str  # "certified", "next-january" or "anniversary-month" (ANCHORS)
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
    cycle_ends_month_end: bool = False  # GIAC: a cycle ends on the last day of the month it would end in
    # Credits of a delivery method that count at most so much per cycle (Texas:
    # nano-learning at most half the total) or per year (ACFE: instructor
    # credit at most 10), whatever their category: (delivery, maximum) pairs.
    delivery_limits: tuple[tuple[str, Decimal], ...] = ()
    annual_delivery_limits: tuple[tuple[str, Decimal], ...] = ()
    once_per_cycle: bool = False  # Cisco: the same course (title and provider) counts once per cycle
    # Cisco: an activity's credits count toward one certification among the
    # programs that name the same pool ("cannot be reused for another track or level").
    one_certification_among: str | None = None
    # PMI: one activity may be split across these categories (the Talent
    # Triangle areas), each part with its own credits; none: never split.
    split_across: tuple[str, ...] = ()
    # Texas: a reporting period every year, each looking back over the cycle's
    # length (a rolling window) instead of consecutive cycles; `phase_in`
    # holds what the first licence years require (0: nothing yet).
    cycle_rolling: bool = False
    phase_in: tuple[Decimal, ...] = ()

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
class UnfinishedCredit:
    """What a credit entry that could not be read (a required key missing
    or broken) still says it counts toward: its allocations are checked
    like any entry's, so every problem of the file is said at once."""

    allocations: tuple[Allocation, ...]


def same_records(these: tuple, those: tuple) -> bool:
    """The very same record objects: equal ones may sit on other lines
    (positions are not compared), and what is said at a line must follow."""
    return len(these) == len(those) and all(map(operator.is_, these, those))


@dataclass(frozen=True, eq=False)
class Delta:
    """The entries a read added and removed, against the previous read
    (`previous`, its credits) of a resident process: every other entry is
    the very same object."""

    previous: tuple
    added: tuple
    removed: tuple


@dataclass(frozen=True)
class Ledger:
    root: Path
    settings: Settings
    certifications: tuple[Certification, ...]
    credits: tuple[CreditEntry, ...]
    opportunities: tuple[Opportunity, ...]
    programs: Mapping[str, Program]
    files_read: int = 0
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # per-load answers about files (proofs)
    scanned: tuple = field(default=(), compare=False, repr=False)  # the files (`loader.FileRef`) as found before reading
    unfinished: tuple[UnfinishedCredit, ...] = ()  # entries that could not be read, for their allocations' checks
    # Proof files add/log are about to copy in (repository path -> the file
    # copied): a trial load checks a new entry before anything is written.
    pending_proofs: Mapping[str, Path] = field(default_factory=dict, compare=False, repr=False)
    # What changed since the last read in the same resident process (`serve`); None: unknown.
    delta: "Delta | None" = field(default=None, compare=False, repr=False)

    def remember(self, key, make):
        """`make()`, once per loaded ledger: checks, exports and pages ask
        the same questions about files (a new load asks again, so `serve`
        sees files come and go)."""
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = make()
        return found

    def certification(self, cert_id: str) -> Certification | None:
        for cert in self.certifications:
            if cert.id == cert_id:
                return cert
        return None

    @property
    def ledger_dir(self) -> Path:
        return self.root / self.settings.ledger


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _day(value: dt.date | None) -> int | None:
    return None if value is None else value.toordinal()


def _undate(value: int | None) -> dt.date | None:
    return None if value is None else dt.date.fromordinal(value)


def _restore(cls, values: dict):
    """A frozen record rebuilt from trusted, already validated values
    without running __init__ (setting 20 frozen fields one by one is the
    slow part of loading a large cache)."""
    record = object.__new__(cls)
    record.__dict__.update(values)
    return record


def _credit_from(id, title, provider, date, minutes, allocations, source_name, delivery, field_of_study, state, proof,
                 proof_sha256, submitted, description, semester, quarter, file, index, line, col, positions,
                 file_sha256="") -> CreditEntry:
    return _restore(CreditEntry, {
        "id": id, "title": title, "provider": provider, "date": dt.date.fromordinal(date), "minutes": _undec(minutes),
        "allocations": tuple(_restore(Allocation, {"cert_id": c, "credits": _undec(v), "category": cat, "source": Source(file, ln, cl)})
                             for c, v, cat, ln, cl in allocations),
        "source_name": source_name, "delivery": delivery, "field_of_study": field_of_study, "state": state, "proof": proof,
        "proof_sha256": proof_sha256,
        "submitted": tuple(Submission(c, dt.date.fromordinal(d), Source(file, ln, cl)) for c, d, ln, cl in submitted),
        "description": description, "semester_hours": _undec(semester), "quarter_hours": _undec(quarter), "file": file,
        "index": index, "source": Source(file, line, col), "positions": positions, "file_sha256": file_sha256,
    })


def _opportunity_from(id, title, provider, url, format, delivery, starts, ends, minutes, cost, topics, counts_toward,
                      description, file, line, col, positions) -> Opportunity:
    return _restore(Opportunity, {
        "id": id, "title": title, "provider": provider, "url": url, "format": format, "delivery": delivery,
        "starts": _undate(starts), "ends": _undate(ends), "minutes": _undec(minutes), "cost": cost, "topics": topics,
        "counts_toward": counts_toward, "description": description, "file": file, "source": Source(file, line, col),
        "positions": positions,
    })
