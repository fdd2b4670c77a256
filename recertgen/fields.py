"""Typed values from YAML nodes, with problems that point at the value.

Every converter reads the scalar's *text*: amounts become exact `Decimal`s
from what the person wrote (never via float), dates must be real ISO dates,
and anything of the wrong shape gets a message naming the key and what was
found there.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Iterable

from .problems import Problem, Source, error, warning
from .yamlio import Node, Scalar, YMap, YSeq, describe

ID_RE = re.compile(r"[a-z0-9-]+\Z")  # SPEC §2's certification id; \Z: `$` would also take "cissp\n"
# Entries' and opportunities' ids (SPEC: "stable id", "unique"): page
# addresses and anchors, so letters, digits, hyphens and underscores — no
# dot or slash, which a path would read. Ids that differ only in case are
# refused by validation: a file system that ignores case would mix their pages.
ITEM_ID_RE = re.compile(r"[A-Za-z0-9_-]+\Z")
# Digits are ASCII: `\d`, int(), Decimal() and date() also take ２０２６ and ٢٠٢٦,
# which SPEC's ISO dates and decimals are not.
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+\Z")
_CLOCK_RE = re.compile(r"[0-9]+:[0-9]{1,2}(?::[0-9]{1,2})?\Z")
MAX_AMOUNT = Decimal("100000")


class MapReader:
    """Reads the keys of one YAML mapping into typed values, collecting
    problems that carry the file, line and column of the offending value."""

    def __init__(self, node: YMap, rel: str, problems: list[Problem], what: str) -> None:
        self.node = node
        self.rel = rel
        self.problems = problems
        self.what = what
        # the keys with a value: a record asks "is it there?" some twenty
        # times, a hundred thousand records are read, so it is one dict look-up
        self.present = {key: value for key, value in node.items() if not (isinstance(value, Scalar) and value.is_null)}

    # -- positions ---------------------------------------------------------
    def here(self) -> Source:
        return Source(self.rel, self.node.line, self.node.col)

    def at(self, key: str) -> Source:
        """Where the value of `key` is (or the mapping, when the key is absent)."""
        value = self.node.get(key)
        if value is not None:
            return Source(self.rel, value.line, value.col)
        pos = self.node.key_pos.get(key)
        if pos:
            return Source(self.rel, *pos)
        return self.here()

    def key_at(self, key: str) -> Source:
        pos = self.node.key_pos.get(key)
        return Source(self.rel, *pos) if pos else self.here()

    def node_at(self, node: Node) -> Source:
        return Source(self.rel, node.line, node.col)

    # -- reporting -----------------------------------------------------------
    def error(self, source: Source, message: str) -> None:
        self.problems.append(error(source, message))

    def warn(self, source: Source, message: str) -> None:
        self.problems.append(warning(source, message))

    # -- presence -------------------------------------------------------------
    def has(self, key: str) -> bool:
        return key in self.present

    def raw(self, key: str) -> Node | None:
        return self.present.get(key)

    def _missing(self, key: str, required: bool) -> None:
        if required:
            if key in self.node:
                self.error(self.at(key), f"'{key}' is empty; {self.what} needs a {key}")
            else:
                self.error(self.here(), f"missing required key '{key}' in {self.what}")

    # -- typed readers ----------------------------------------------------------
    def text(self, key: str, required: bool = False) -> str | None:
        node = self.raw(key)
        if node is None:
            self._missing(key, required)
            return None
        value = as_text(node)
        if value is None:
            self.error(self.at(key), f"'{key}' must be text, found {describe(node)}")
        elif not value.strip():
            self._missing(key, required)
            return None
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        node = self.raw(key)
        if node is None:
            self._missing(key, required)
            return None
        value, message = as_date(node)
        if message:
            self.error(self.at(key), f"'{key}' {message}")
        return value

    def amount(self, key: str, required: bool = False, zero_ok: bool = False, duration: bool = False) -> Decimal | None:
        """(`duration`: hours or minutes, which SPEC's two places for credit
        amounts do not bind: a third of an hour is 0.333 hours.)"""
        node = self.raw(key)
        if node is None:
            self._missing(key, required)
            return None
        value, message = as_amount(node, zero_ok=zero_ok, duration=duration)
        if message:
            self.error(self.at(key), f"'{key}' {message}")
        return value

    def integer(self, key: str, minimum: int, maximum: int) -> int | None:
        """A whole number within bounds: every count in the format has a
        sensible range, and a bound also keeps `int()` from refusing (or
        taking long over) thousands of digits."""
        node = self.raw(key)
        if node is None:
            return None
        if isinstance(node, Scalar):
            value = as_integer(node.text.strip(), max(abs(minimum), abs(maximum)))
            if value is not None and minimum <= value <= maximum:
                return value
        self.error(self.at(key), f"'{key}' must be a whole number from {minimum} to {maximum}, found {describe(node)}")
        return None

    def ident(self, key: str, required: bool = False, item: bool = False) -> str | None:
        """A certification or program id (`item`: an entry's or opportunity's)."""
        value = self.text(key, required)
        if value is not None and not (ITEM_ID_RE if item else ID_RE).match(value):
            allowed = "letters, digits, hyphens and underscores" if item else "lowercase letters, digits and hyphens"
            self.error(self.at(key), f"'{key}' {value!r} is not a valid id: use {allowed}")
            return None
        return value

    def choice(self, key: str, choices: Iterable[str], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is None:
            return None
        options = list(choices)
        if value in options:
            return value
        lowered = {o.lower(): o for o in options}
        if value.lower() in lowered:
            return lowered[value.lower()]
        self.error(self.at(key), f"'{key}' must be one of {', '.join(options)}; found {value!r}{did_you_mean(value, options)}")
        return None

    def text_list(self, key: str) -> tuple[str, ...]:
        node = self.raw(key)
        if node is None:
            return ()
        if isinstance(node, Scalar):
            return (node.text,)
        if not isinstance(node, YSeq):
            self.error(self.at(key), f"'{key}' must be a list of text, found {describe(node)}")
            return ()
        items = []
        for item in node:
            text = as_text(item)
            if text is None or not text.strip():
                self.error(self.node_at(item), f"each item of '{key}' must be text, found {describe(item)}")
            else:
                items.append(text)
        return tuple(items)

    def mapping(self, key: str) -> YMap | None:
        node = self.raw(key)
        if node is None:
            return None
        if not isinstance(node, YMap):
            self.error(self.at(key), f"'{key}' must be a mapping, found {describe(node)}")
            return None
        return node

    def sequence(self, key: str) -> YSeq | None:
        node = self.raw(key)
        if node is None:
            return None
        if not isinstance(node, YSeq):
            self.error(self.at(key), f"'{key}' must be a list, found {describe(node)}")
            return None
        return node

    def unknown_keys(self, known: Iterable[str]) -> None:
        """Unknown keys are warnings, not errors: a typo must not block a
        build, but it must be seen (a misspelt `proof` is lost evidence)."""
        known = tuple(known)
        for key in self.node:
            if key not in known:
                self.warn(self.key_at(key), f"unknown key '{key}' in {self.what}{did_you_mean(key, known)}")


def as_text(node: Node) -> str | None:
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    return None


def as_integer(text: str, bound: int) -> int | None:
    """The whole number `text` writes, or None when it writes none or one
    further from zero than `bound`. Digits past the bound's length are
    never converted: int() refuses more than 4,300 of them."""
    if not _INTEGER_RE.match(text) or len(text.lstrip("+-").lstrip("0")) > len(str(bound)):
        return None
    value = int(text)
    return value if abs(value) <= bound else None


def as_date(node: Node) -> tuple[dt.date | None, str | None]:
    if not isinstance(node, Scalar):
        return None, f"must be a date like 2026-03-14, found {describe(node)}"
    text = node.text.strip()
    match = _DATE_RE.match(text)
    if not match:
        return None, f"must be a date like 2026-03-14 (YYYY-MM-DD), found {describe(node)}"
    try:
        day = dt.date(*map(int, match.groups()))
    except ValueError as exc:
        return None, f"is not a real date: {text} ({exc})"
    return (day, None) if in_supported_range(day) else (None, f"is outside the years {SUPPORTED_YEARS}: {text}")


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
SUPPORTED_YEARS = f"{EARLIEST.year}–{LATEST.year}"


def in_supported_range(day: dt.date) -> bool:
    """Dates far from now are typing slips (0205 for 2025), and cycles
    rolled forward from the year 9999 would overflow the calendar."""
    return EARLIEST <= day <= LATEST


def parse_decimal(text: str) -> Decimal | None:
    text = text.strip()
    if not _NUMBER_RE.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return None


def as_amount(node: Node, zero_ok: bool = False, duration: bool = False) -> tuple[Decimal | None, str | None]:
    """A positive, finite decimal with at most two places (any number of
    places for a `duration`), from its text."""
    if not isinstance(node, Scalar) or node.is_null:
        return None, f"must be a number, found {describe(node)}"
    text = node.text.strip()
    value = parse_decimal(text)
    if value is None:
        if _CLOCK_RE.match(text):
            return None, f"must be a number, found '{text}': write a duration as hours (1.5) or minutes (90)"
        if text.lower().lstrip("+-.") in ("inf", "nan", "infinity"):
            return None, f"must be a finite number, found '{text}'"
        return None, f"must be a number, found {describe(node)}"
    if value < 0 or (value == 0 and not zero_ok):
        return None, f"must be {'zero or more' if zero_ok else 'positive'}, found {text}"
    if value > MAX_AMOUNT:  # first: rounding a number of more than 28 digits to cents overflows the context
        return None, f"is implausibly large: {text}"
    if duration:
        return value, None
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        return None, f"has more than two decimal places: {text}"
    return value.quantize(Decimal("0.01")) if value.as_tuple().exponent < -2 else value, None


_NOT_IN_URLS = re.compile(r'[\s<>"{}|\\^`]')


def unsafe_url(text: str) -> str | None:
    """The first character an address may not hold as written (spaces,
    quotes, angle brackets...: RFC 3986 wants them percent-encoded), or
    None. Such an address breaks the link it becomes."""
    found = _NOT_IN_URLS.search(text)
    return found.group() if found else None


def did_you_mean(word: str, options: Iterable[str], ignore_case: bool = False) -> str:
    """' (did you mean 'x'?)' for the closest option, or ''. With
    `ignore_case`, case counts for nothing (a command-line `TX` is `tx`
    mistyped, though only two of its letters are alike)."""
    if ignore_case:
        folded = {option.casefold(): option for option in reversed(list(options))}  # the first of equals wins
        match = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
        return f" (did you mean '{folded[match[0]]}'?)" if match else ""
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def slug(text: str, limit: int = 60) -> str:
    """A lowercase id made from free text or a path."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:limit].rstrip("-") or "entry"
