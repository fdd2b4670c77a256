"""Exact credit amounts: two places, rounded half up, never a float."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def two_places(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None) -> str:
    """'12.50' — how every amount is displayed and exported. Remembered by
    the value's exact text: a site shows the same few amounts by the
    hundred thousand."""
    if value is None:
        return ""
    key = str(value)
    text = _FORMATTED.get(key)
    if text is None:
        if len(_FORMATTED) > 50_000:
            _FORMATTED.clear()
        text = _FORMATTED[key] = f"{two_places(value):f}"
    return text


_FORMATTED: dict[str, str] = {}


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of `step` (issuers' rule: never round up)."""
    if step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def ceil_cents(value: Decimal) -> Decimal:
    """What someone still needs is rounded up, so following it is enough."""
    return value.quantize(CENT, rounding=ROUND_CEILING)


def cents(value: Decimal) -> int:
    """Amounts have at most two places; as integer cents arithmetic is exact."""
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
