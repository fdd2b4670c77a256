"""Burn-up charts as data for inline SVG: earned over time against the
steady pace line. Coordinates are computed here, rounded for stable bytes;
the template only draws them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..amounts import ZERO, fmt
from ..engine.compute import CycleReport

WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 18, 30
MIN_TICK_GAP = 56  # px between two centred x labels, so they never overlap
END_TICK_GAP = 92  # px from the first or last label, which are full dates anchored at their end


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    pace: tuple[float, float, float, float]
    earned_path: str
    today: float | None
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def burn_up(chart_id: str, name: str, unit: str, cycle: CycleReport, as_of: dt.date) -> Chart:
    start, end = cycle.start, cycle.end
    total_days = (end - start).days + 1
    required = cycle.required
    top_value = _nice_max(max(required, cycle.credited, sum((c.credits for c in cycle.entries), ZERO) + cycle.carried_in))
    right_x, bottom_y = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(day: dt.date) -> float:
        offset = min(max((day - start).days, 0), total_days)
        return round(LEFT + offset / total_days * (right_x - LEFT), 1)

    def y(value: Decimal) -> float:
        return round(float(bottom_y - (value / top_value) * (bottom_y - TOP)), 1)

    running = cycle.carried_in
    path = [f"M{x(start)} {y(running)}"]
    for c in cycle.entries:
        path.append(f"H{x(c.date)}")
        running += c.credits
        path.append(f"V{y(running)}")
    until = min(as_of, end)
    if as_of >= start:
        path.append(f"H{x(until)}")
    today = x(as_of) if start <= as_of <= end else None
    description = (
        f"{fmt(cycle.credited)} of {fmt(required)} {unit} earned between {start} and {min(as_of, end)}; "
        f"a steady pace would have reached {fmt(cycle.pace.expected)} by {min(as_of, end)}."
    )
    return Chart(
        id=chart_id,
        title=f"{name}: credits earned against the steady pace, {start} to {end}",
        description=description,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right_x,
        top=TOP,
        bottom=bottom_y,
        pace=(x(start), y(ZERO), x(end), y(required)),
        earned_path=" ".join(path),
        today=today,
        x_ticks=_spaced(tuple(Tick(x(day), label) for day, label in _date_ticks(start, end))),
        y_ticks=tuple(Tick(y(v), f"{v.normalize():f}") for v in _value_ticks(top_value)),
    )


def _spaced(ticks: tuple[Tick, ...]) -> tuple[Tick, ...]:
    """Keep the first and last label; drop middle ones that would crowd."""
    kept = [ticks[0]]
    for tick in ticks[1:-1]:
        gap = END_TICK_GAP if kept[-1] is ticks[0] else MIN_TICK_GAP
        if tick.at - kept[-1].at >= gap and ticks[-1].at - tick.at >= END_TICK_GAP:
            kept.append(tick)
    kept.append(ticks[-1])
    return tuple(kept)


def _nice_max(value: Decimal) -> Decimal:
    value = max(value, Decimal(1))
    for step in (Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20), Decimal(25), Decimal(50), Decimal(100), Decimal(200), Decimal(500)):
        if value / step <= 6:
            return (value / step).to_integral_value(rounding="ROUND_CEILING") * step
    return value.to_integral_value(rounding="ROUND_CEILING")


def _value_ticks(top: Decimal) -> list[Decimal]:
    return [top * i / 4 for i in range(5)]


def _date_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    days = (end - start).days
    ticks = [(start, start.isoformat())]
    if days > 500:
        year = start.year + 1
        while dt.date(year, 1, 1) < end:
            ticks.append((dt.date(year, 1, 1), f"Jan {year}"))
            year += 1
    elif days > 90:
        month = dt.date(start.year, start.month, 1)
        step = 3 if days > 200 else 1
        while True:
            index = month.year * 12 + month.month - 1 + step
            month = dt.date(index // 12, index % 12 + 1, 1)
            if month >= end:
                break
            ticks.append((month, month.strftime("%b %Y")))
    ticks.append((end, end.isoformat()))
    return ticks
