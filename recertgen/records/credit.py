"""`ledger/credits/**/*.yaml`: what a person earned, one entry or a list."""

from __future__ import annotations

import re
from decimal import Decimal

from ..fields import ID_RE, MapReader, as_amount, as_date
from ..model import DELIVERIES, EXTERNAL, Allocation, CreditEntry, Submission, UnfinishedCredit, spots
from ..problems import Problem
from ..yamlio import Scalar, YMap, YSeq, describe

KEYS = (
    "title", "provider", "date", "hours", "minutes", "counts_toward", "source", "delivery",
    "field_of_study", "state", "proof", "proof_sha256", "submitted", "description", "id",
    "semester_hours", "quarter_hours",
)
ALLOCATION_KEYS = ("credits", "category")
_STATE_RE = re.compile(r"[A-Za-z]{2}\Z")
_SHA_RE = re.compile(r"[0-9a-fA-F]{64}\Z")


def read_credit(node: YMap, rel: str, default_id: str, index: int | None, problems: list[Problem],
                file_sha256: str = "") -> CreditEntry | UnfinishedCredit | None:
    """An entry; or, when a required key is missing or broken, what it still
    says it counts toward (`UnfinishedCredit`); or None."""
    r = MapReader(node, rel, problems, "a credit entry")
    r.unknown_keys(KEYS)
    entry_id = r.ident("id", item=True) if r.has("id") else default_id
    title = r.text("title", required=True)
    provider = r.text("provider", required=True)
    date = r.date("date", required=True)
    minutes = _duration(r)
    unusable: set[str] = set()  # certifications whose credits were given but are unusable (said already)
    allocations = _allocations(r, unusable)
    given = r.has("hours") or r.has("minutes") or _has_university(r)
    if allocations is not None and not given:
        estimated = [a for a in allocations if a.credits is None and a.cert_id not in unusable]
        if estimated:
            r.error(
                r.here(),
                "missing 'hours' or 'minutes': needed to estimate credits toward "
                + ", ".join(a.cert_id for a in estimated)
                + " (or give the credits explicitly, e.g. counts_toward: {"
                + estimated[0].cert_id
                + ": 1.5})",
            )
    state = r.text("state")
    if state is not None and not _STATE_RE.match(state):
        r.error(r.at("state"), f"'state' must be a two-letter code like NY, found {state!r}")
        state = None
    digest = r.text("proof_sha256")
    if digest is not None and not _SHA_RE.match(digest):
        r.error(r.at("proof_sha256"), "'proof_sha256' must be 64 hexadecimal characters (a SHA-256 digest)")
        digest = None
    if digest and not r.has("proof"):
        r.error(r.at("proof_sha256"), "'proof_sha256' is given but there is no 'proof' file")
    # every field is read (and its problems said) even when a required one is missing
    source_name = (r.text("source") or EXTERNAL).strip()
    delivery = r.choice("delivery", DELIVERIES)
    field_of_study = r.text("field_of_study")
    proof = r.text("proof")
    submitted = tuple(_submitted(r))
    description = r.text("description")
    semester_hours, quarter_hours = r.amount("semester_hours"), r.amount("quarter_hours")
    if allocations is None:
        return None
    if None in (entry_id, title, provider, date):
        return UnfinishedCredit(tuple(allocations))
    return CreditEntry(
        id=entry_id,
        title=title,
        provider=provider,
        date=date,
        minutes=minutes,
        allocations=tuple(allocations),
        source_name=source_name,
        delivery=delivery,
        field_of_study=field_of_study,
        state=state.upper() if state else None,
        proof=proof,
        proof_sha256=digest.lower() if digest else None,
        submitted=submitted,
        description=description,
        semester_hours=semester_hours,
        quarter_hours=quarter_hours,
        file=rel,
        index=index,
        source=r.here(),
        positions=spots(node),
        file_sha256=file_sha256,
    )


def _has_university(r: MapReader) -> bool:
    return r.has("semester_hours") or r.has("quarter_hours")


def _duration(r: MapReader) -> Decimal | None:
    hours = r.amount("hours", duration=True)
    minutes = r.amount("minutes", duration=True)
    if r.has("hours") and r.has("minutes"):
        r.error(r.at("minutes"), "give 'hours' or 'minutes', not both")
        return None
    if hours is not None:
        return hours * 60
    return minutes


def _allocations(r: MapReader, unusable: set[str]) -> list[Allocation] | None:
    """(`unusable` gets the certifications whose credits were given but could not be read.)"""
    node = r.raw("counts_toward")
    if node is None:
        r._missing("counts_toward", True)
        return None
    if isinstance(node, Scalar):
        node_items = [node]
    elif isinstance(node, YSeq):
        node_items = list(node)
    else:
        node_items = None
    allocations: list[Allocation] = []
    seen: dict[str, list[tuple[int, Decimal | None, str | None]]] = {}  # cert id -> its parts: (line, credits, category)

    def add(cert_id: str, where, credits, category) -> None:
        if not ID_RE.match(cert_id):
            r.error(r.node_at(where), f"counts_toward: {cert_id!r} is not a certification id")
            return
        parts = seen.setdefault(cert_id, [])
        if parts and not _split_part(parts, credits, category):
            r.error(r.node_at(where), f"counts_toward lists {cert_id!r} twice (first at line {parts[0][0]}): "
                                      "to split an activity across categories, give each part its own credits and category")
            return
        parts.append((where.line, credits, category))
        allocations.append(Allocation(cert_id, credits, category, r.node_at(where)))

    if node_items is not None:
        for item in node_items:
            if isinstance(item, Scalar) and not item.is_null:
                add(item.text, item, None, None)
            elif isinstance(item, YMap) and len(item) == 1:  # "- cissp: 2" inside a list
                (cert_id, value), = item.items()
                credits, category = _allocation_value(r, cert_id, value, unusable)
                add(cert_id, value, credits, category)
            else:
                r.error(r.node_at(item), f"counts_toward: each item must be a certification id, found {describe(item)}")
    elif isinstance(node, YMap):
        for cert_id, value in node.items():
            credits, category = _allocation_value(r, cert_id, value, unusable)
            add(cert_id, value, credits, category)
    if not allocations:
        r.error(r.at("counts_toward"), "counts_toward names no certification this entry counts toward")
        return None
    return allocations


def _split_part(parts: list, credits, category) -> bool:
    """Whether another part toward the same certification splits the
    activity across categories (PMI: one Education activity over several
    Talent Triangle areas): each part with its own credits and category,
    none repeated. Whether the program allows it is the checks' to say."""
    if credits is None or not category:
        return False
    return all(credits_ is not None and category_ and category_ != category for _, credits_, category_ in parts)


def _allocation_value(r: MapReader, cert_id: str, value, unusable: set[str]) -> tuple[Decimal | None, str | None]:
    if isinstance(value, Scalar):
        if value.is_null:
            return None, None
        amount, message = as_amount(value)
        if message:
            r.error(r.node_at(value), f"credits toward {cert_id} {message}")
            unusable.add(cert_id)
        return amount, None
    if isinstance(value, YMap):
        a = MapReader(value, r.rel, r.problems, f"the allocation to {cert_id}")
        a.unknown_keys(ALLOCATION_KEYS)
        amount = a.amount("credits")
        if amount is None and a.has("credits"):
            unusable.add(cert_id)
        return amount, a.text("category")
    r.error(r.node_at(value), f"credits toward {cert_id} must be a number or {{credits, category}}, found {describe(value)}")
    return None, None


def _submitted(r: MapReader):
    node = r.mapping("submitted")
    for cert_id, value in (node or {}).items():
        date, message = as_date(value)
        if message:
            r.error(r.node_at(value), f"submitted date for {cert_id} {message}")
            continue
        yield Submission(cert_id, date, r.node_at(value))
