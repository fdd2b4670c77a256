"""Credits from a duration, by each program's published rule.

Estimates round *down* (RULES.md: the conservative reading), so a number
recertgen shows is never more than the issuer would grant. The same rules
bound explicit claims: a claim above what the duration can yield is an
error at the claim's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..amounts import ZERO, floor_to
from ..model import Allocation, CreditEntry, EstimateRule
from .rules import CertRules


@dataclass(frozen=True)
class Credited:
    """An allocation with its credits settled: explicit or estimated."""

    credits: Decimal | None  # None: cannot be estimated (no duration, or credits fixed per catalog item)
    estimated: bool
    category: str | None


def credits_from_minutes(minutes: Decimal, rule: EstimateRule) -> Decimal:
    """The rule applied to a duration: the heart of every estimate."""
    if rule.minutes_per_credit is None:
        raise ValueError("this rule awards credits per catalog item, not per minute")
    if rule.fixed is not None:  # nano-learning: a fixed credit per module of at least min_minutes
        block = rule.min_minutes or rule.minutes_per_credit * rule.fixed
        return rule.fixed * int(minutes // block) if block > 0 else rule.fixed
    raw = minutes / rule.minutes_per_credit
    if raw < rule.minimum:
        return ZERO
    if raw < 1 and rule.first_increment is not None:
        return floor_to(raw, rule.first_increment)
    return floor_to(raw, rule.increment)


def university_credits(entry: CreditEntry, rules: CertRules) -> Decimal | None:
    """Semester or quarter credit hours converted by the program's table."""
    program = rules.program
    if program is None:
        return None
    for term, hours in (("semester", entry.semester_hours), ("quarter", entry.quarter_hours)):
        if hours is None or term not in program.university:
            continue
        kind, per_hour = program.university[term]
        if kind == "credits":
            return hours * per_hour
        return credits_from_minutes(hours * per_hour, rules.estimate_rule(entry.delivery))
    return None


def estimate(entry: CreditEntry, rules: CertRules) -> Decimal | None:
    """What the entry earns toward this certification by the rule, or None."""
    value = uncapped_estimate(entry, rules)
    cap = rules.program.max_per_activity if rules.program else None
    return min(value, cap) if cap is not None and value is not None else value


def uncapped_estimate(entry: CreditEntry, rules: CertRules) -> Decimal | None:
    """The rule's estimate before the program's cap per activity."""
    value = university_credits(entry, rules)
    if value is None:
        rule = rules.estimate_rule(entry.delivery)
        if entry.minutes is None or rule.minutes_per_credit is None:
            return None
        value = credits_from_minutes(entry.minutes, rule)
    return value


def allowed_maximum(entry: CreditEntry, rules: CertRules) -> Decimal | None:
    """The most any reading of the rule allows for this entry's duration,
    or None when the duration does not bound the claim. Used to refuse
    explicit claims: the bound is generous (unrounded, the most favourable
    of the delivery methods the entry may be) so that only impossible
    claims fail. An entry that names no delivery method is held to the
    clock (`unstated_deliveries`): self-study credit from a word count and
    an instructor's preparation are claimed by saying so."""
    cap = rules.program.max_per_activity if rules.program else None
    bound: Decimal | None = None
    university = university_credits(entry, rules)
    if university is not None:
        bound = university
    elif entry.minutes is not None and rules.program is not None:
        program = rules.program
        deliveries = [entry.delivery] if entry.delivery else unstated_deliveries(program)
        values = [_unrounded(entry.minutes, program.rule_for(d)) for d in deliveries]
        if values and None not in values:
            bound = max(values)
    if cap is not None:
        bound = cap if bound is None else min(bound, cap)
    return bound


def unstated_deliveries(program) -> list[str | None]:
    """The delivery methods an entry that names none may be, for bounding
    its claims: the default rule and every method whose credit the clock
    gives at face value — not one whose credit comes from elsewhere (NASBA
    self-study: a word count) or that adds to the time (an instructor's
    preparation). Otherwise any claim for an untagged CPA course would
    pass as possible self-study (RULES E1: 100 minutes earn 2.0)."""
    return [None, *(delivery for delivery, rule in program.estimate_by_delivery.items()
                    if rule.bounds_claims and rule.claim_factor == 1)]


def claimed_by_saying_so(program) -> list[str]:
    """The delivery methods whose claims only an entry naming them may make."""
    unstated = set(unstated_deliveries(program))
    return [delivery for delivery in program.estimate_by_delivery if delivery not in unstated]


def claim_fits(credits: Decimal, rule: EstimateRule) -> bool | None:
    """Whether an explicit claim is an amount the issuer grants under this
    rule (NASBA: a full credit first — half a credit for self-study — then
    fifths or halves; PMI and ISACA: quarter hours), or None where the rule
    says nothing of claims' steps. Explicit credits still count as claimed:
    an amount off these steps is what an auditor would question. A minimum
    RULES.md leaves unconfirmed is not held against a claim (as in
    `allowed_maximum`): below one credit only the steps judge it."""
    if not rule.claim_steps or credits <= 0:
        return None
    if rule.fixed is not None:
        return credits % rule.fixed == 0
    if credits >= 1:
        return any(credits % step == 0 for step in rule.claim_steps)
    minimum = rule.minimum if rule.minimum_confirmed else ZERO
    return credits >= minimum and credits % (rule.first_increment or rule.increment) == 0


def claim_steps_text(rule: EstimateRule) -> str:
    """The amounts `claim_fits` accepts, in words."""
    def num(value: Decimal) -> str:
        return f"{value.normalize():f}"

    steps = " or ".join(num(step) for step in rule.claim_steps)
    if rule.fixed is not None:
        return f"multiples of {num(rule.fixed)}"
    first = rule.first_increment or rule.increment
    below = []
    value = max(rule.minimum, first) if rule.minimum_confirmed else first
    while value < 1 and len(below) < 5:
        if value % first == 0:
            below.append(num(value))
        value += first
    if not below:
        return f"at least 1, then steps of {steps}"
    if len(below) > 4:
        return f"steps of {num(first)} below one credit, then steps of {steps}"
    listed = below[0] if len(below) == 1 else ", ".join(below[:-1]) + " or " + below[-1]
    return f"{listed} below one credit, then steps of {steps}"


def _unrounded(minutes: Decimal, rule: EstimateRule) -> Decimal | None:
    if rule.minutes_per_credit is None or not rule.bounds_claims:
        return None
    if rule.fixed is not None:
        return credits_from_minutes(minutes, rule)
    raw = minutes / rule.minutes_per_credit
    below = rule.minimum_confirmed and raw < rule.minimum
    return max(ZERO if below else raw * rule.claim_factor, rule.claim_floor)


def settle(entry: CreditEntry, allocation: Allocation, rules: CertRules) -> Credited:
    category = rules.category_of(allocation.category, entry.delivery)
    if allocation.credits is not None:
        return Credited(allocation.credits, False, category)
    return Credited(estimate(entry, rules), True, category)
