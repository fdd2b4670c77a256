"""SPEC §3, exactly: pace of earned credits against a steady line.

All arithmetic is on integer cents and whole days, so `delta_days` is the
exact floor the SPEC defines, with no binary floating point anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..amounts import ZERO, cents
from .calendar import clamp, inclusive_days

@dataclass(frozen=True)
class Pace:
    total_days: int
    elapsed_days: int
    expected: Decimal
    delta_days: int
    status: str


def pace(
    earned: Decimal,
    required: Decimal,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    tolerance_days: int,
    minimums_met: bool = True,
) -> Pace:
    total_days = inclusive_days(start, end)
    elapsed_days = clamp((as_of - start).days + 1, 0, total_days)
    expected = required * elapsed_days / total_days if required > 0 else ZERO
    delta_days = day_delta(earned, required, total_days, elapsed_days)
    return Pace(total_days, elapsed_days, expected, delta_days, _status(earned, required, start, end, as_of, delta_days, tolerance_days, minimums_met))


def day_delta(earned: Decimal, required: Decimal, total_days: int, elapsed_days: int) -> int:
    """floor(earned × total_days / R) − elapsed_days, in integer arithmetic."""
    if required <= 0:
        return total_days - elapsed_days
    return (cents(earned) * total_days) // cents(required) - elapsed_days


def _status(earned, required, start, end, as_of, delta, tolerance, minimums_met) -> str:
    if as_of < start:
        return "upcoming"
    if earned >= required and minimums_met:
        return "complete"
    if as_of > end:
        return "lapsed"
    if delta > tolerance:
        return "ahead"
    if delta < -tolerance:
        return "behind"
    return "on-track"


def delta_words(delta_days: int) -> str:
    """'ahead by 12 days', 'behind by 1 day', 'exactly on pace'."""
    if delta_days == 0:
        return "exactly on pace"
    n = abs(delta_days)
    return f"{'ahead' if delta_days > 0 else 'behind'} by {n} day{'s' if n != 1 else ''}"
