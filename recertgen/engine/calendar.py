"""Date arithmetic the issuers use: whole months and years, inclusive ends."""

from __future__ import annotations

import calendar
import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 29th-31st fall back to the month's
    last day (29 February plus a year is 28 February). Past either end of
    the calendar (years 1 to 9999) it stops at that end: cycles rolled far
    forward must never crash a build, whatever a ledger holds."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def inclusive_days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))
