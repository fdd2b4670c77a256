"""Program templates: the renewal rules of a certification program.

Built-in templates live as YAML data files inside the package
(`recertgen/programs/*.yaml`); a ledger's own `ledger/programs/*.yaml` use
the same format. Every value may carry a confidence tag from RULES.md
(O, Om: confirmed; S: verify with the issuer; U: unconfirmed), so the site
can say how far each number can be trusted.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Mapping, NamedTuple

from ..fields import ID_RE, MapReader, as_amount, did_you_mean
from ..model import ANNUAL_BASES, DELIVERIES, UNITS, CarryOver, EstimateRule, Program, SourceRef
from ..problems import Problem
from ..yamlio import Scalar, YMap, YSeq, describe
from .common import CATEGORY_KEYS, read_categories, read_flag

KEYS = (
    "id", "name", "title", "body", "unit", "unit_label", "cycle", "required", "annual",
    "categories", "default_category", "delivery_categories", "delivery_limits", "estimate", "carry_over",
    "once_per_cycle", "one_certification_among", "split_across", "reviewed", "sources", "confidence", "notes",
)
CYCLE_KEYS = ("years", "months", "anchor", "counts_from_certified", "ends", "rolling", "phase_in")
ANNUAL_KEYS = ("minimum", "basis", "recommended", "categories", "delivery_limits")
ESTIMATE_KEYS = (
    "minutes_per_credit", "increment", "minimum", "first_increment", "fixed", "min_minutes",
    "max_per_activity", "semester_hour", "quarter_hour", "by_delivery", "explicit_only", "bounds_claims", "claim_factor",
    "claim_steps", "claim_floor",
)
RULE_KEYS = ("minutes_per_credit", "increment", "minimum", "first_increment", "fixed", "min_minutes", "bounds_claims", "claim_factor",
             "claim_steps", "claim_floor")
CARRY_KEYS = ("max", "window_months", "categories", "since")
# certified: cycles start on the certification date; next-january: on 1 January
# after it (ISACA); anniversary-month: on the 1st of the month after the first
# anniversary month, each ending with an anniversary month (ACFE: new members
# are exempt until then)
ANCHORS = ("certified", "next-january", "anniversary-month")
CYCLE_ENDS = ("day-before-anniversary", "month-end")
# Issuers' cycles last one to five years: a longer one than a century is a
# slip, and a bounded length keeps the cycles' dates near the supported years
# (fields.SUPPORTED_YEARS) instead of past what the calendar can count.
MAX_CYCLE_YEARS = 100
MAX_CYCLE_MONTHS = 12 * MAX_CYCLE_YEARS
CONFIDENCE_WORDS = {
    "o": "confirmed",
    "om": "confirmed",
    "confirmed": "confirmed",
    "s": "verify",
    "verify": "verify",
    "u": "unconfirmed",
    "unconfirmed": "unconfirmed",
}


def read_program(
    node: YMap, rel: str, problems: list[Problem], builtin: bool, source_index: Mapping[str, SourceRef],
    stem: str | None = None,
) -> Program | None:
    """A program template. A ledger's own program, like a certification,
    takes its file's stem as id when it gives none (`stem`)."""
    r = MapReader(node, rel, problems, "a program")
    r.unknown_keys(KEYS)
    program_id = r.ident("id", required=True) if stem is None or r.has("id") else _stem_id(r, stem)
    name = r.text("name", required=True)
    body = r.text("body", required=True)
    unit = r.choice("unit", UNITS) or "CPE"
    months, anchor, counts_from_certified, month_end, rolling, phase_in = _cycle(r)
    required = r.amount("required")
    annual = _annual(r)
    categories = read_categories(r, "categories") or ()
    category_names = {c.name for c in categories} | {c.name for c in annual["categories"]}
    default_category = r.text("default_category")
    if default_category and default_category not in category_names:
        r.error(r.at("default_category"), f"default_category {default_category!r} is not one of this program's categories")
    delivery_categories = _delivery_categories(r, category_names)
    split_across = r.text_list("split_across")
    for category in split_across:
        if category not in category_names:
            r.error(r.at("split_across"), f"split_across: {category!r} is not one of this program's categories"
                                          f"{did_you_mean(category, category_names)}")
    estimate, by_delivery, max_per_activity, university = _estimate(r)
    carry_over = _carry_over(r)
    if rolling and carry_over is not None:  # the next window already holds what this one earned
        r.error(r.at("carry_over"), "'carry_over' does not apply to a rolling cycle: each year's window already counts the years before it")
        carry_over = None
    reviewed = r.date("reviewed")
    sources = _sources(r, source_index)
    confidence = _confidence(r)
    notes = r.text_list("notes")
    if program_id is None or name is None or body is None:
        return None
    return _tag_minimums(Program(
        id=program_id,
        name=name,
        title=r.text("title") or name,
        body=body,
        unit=unit,
        unit_label=r.text("unit_label") or unit,
        cycle_months=months,
        cycle_anchor=anchor,
        required=required,
        annual_minimum=annual["minimum"],
        annual_basis=annual["basis"],
        annual_recommended=annual["recommended"],
        categories=categories,
        annual_categories=annual["categories"],
        default_category=default_category,
        delivery_categories=delivery_categories,
        estimate=estimate,
        estimate_by_delivery=by_delivery,
        max_per_activity=max_per_activity,
        university=university,
        carry_over=carry_over,
        counts_from_certified=counts_from_certified,
        cycle_ends_month_end=month_end,
        delivery_limits=_delivery_limits(r),
        annual_delivery_limits=annual["delivery_limits"],
        once_per_cycle=read_flag(r, "once_per_cycle"),
        one_certification_among=r.ident("one_certification_among"),
        split_across=split_across,
        cycle_rolling=rolling,
        phase_in=phase_in,
        sources=sources,
        reviewed=reviewed,
        confidence=confidence,
        notes=notes,
        builtin=builtin,
        source=r.here(),
    ))


def _tag_minimums(program: Program) -> Program:
    """Each estimate rule learns whether its minimum is confirmed (a
    delivery's own minimum has its own tag), once, where the tags are read."""
    def tagged(rule: EstimateRule, key: str) -> EstimateRule:
        return replace(rule, minimum_confirmed=program.confidence_of(key) != "unconfirmed")

    by_delivery = {
        delivery: tagged(rule, f"estimate.by_delivery.{delivery}.minimum" if rule.minimum != program.estimate.minimum else "estimate.minimum")
        for delivery, rule in program.estimate_by_delivery.items()
    }
    return replace(program, estimate=tagged(program.estimate, "estimate.minimum"), estimate_by_delivery=by_delivery)


class CycleShape(NamedTuple):
    months: int
    anchor: str
    counts_from_certified: bool
    month_end: bool
    rolling: bool = False
    phase_in: tuple[Decimal, ...] = ()


def _cycle(r: MapReader) -> CycleShape:
    node = r.mapping("cycle")
    if node is None:
        r.error(r.here(), "missing required key 'cycle' in a program (give cycle: {years: 3, anchor: certified})")
        return CycleShape(36, "certified", False, False)
    c = MapReader(node, r.rel, r.problems, "a program's cycle")
    c.unknown_keys(CYCLE_KEYS)
    years = c.integer("years", minimum=1, maximum=MAX_CYCLE_YEARS)
    months = c.integer("months", minimum=1, maximum=MAX_CYCLE_MONTHS)
    if years is None and months is None and not (c.has("years") or c.has("months")):
        c.error(c.here(), "a program's cycle needs 'years' or 'months'")
    total = (years or 0) * 12 + (months or 0) or 36
    if total > MAX_CYCLE_MONTHS:
        c.error(c.at("months" if c.has("months") else "years"), f"a cycle of {years or 0} years and {months or 0} months is longer than a century ({MAX_CYCLE_MONTHS} months)")
        total = 36
    anchor = c.choice("anchor", ANCHORS) or "certified"
    counts_from = read_flag(c, "counts_from_certified")
    ends = c.choice("ends", CYCLE_ENDS) or "day-before-anniversary"
    rolling = read_flag(c, "rolling")
    if rolling:
        _rolling_fits(c)
    return CycleShape(total, anchor, counts_from, ends == "month-end", rolling, _phase_in(c, rolling))


def _rolling_fits(c: MapReader) -> None:
    """A rolling window's years run from the certification date (or the last
    written window) to the day before each anniversary: the other ways to
    place a cycle do not apply to it."""
    for key, usual in (("anchor", "certified"), ("ends", "day-before-anniversary"), ("counts_from_certified", False)):
        if c.has(key) and (read_flag(c, key) if key == "counts_from_certified" else c.text(key)) != usual:
            c.error(c.at(key), f"'{key}' does not apply to a rolling cycle (its years run from 'certified' to the day before each anniversary)")


def _phase_in(c: MapReader, rolling: bool) -> tuple[Decimal, ...]:
    """`phase_in: [0, 20, 60, 100]`: what a new licensee's first years
    require instead of the full total (Texas), one amount a year."""
    if not c.has("phase_in"):
        return ()
    if not rolling:
        c.error(c.at("phase_in"), "'phase_in' needs 'rolling: true' (a reporting period every year)")
    raw = c.raw("phase_in")
    if not isinstance(raw, YSeq) or not raw:
        c.error(c.at("phase_in"), f"'phase_in' must be a list of amounts, one a year (like [0, 20, 60]), found {describe(raw)}")
        return ()
    values = []
    for item in raw:
        value, message = as_amount(item, zero_ok=True)
        if message:
            c.error(c.node_at(item), f"each of 'phase_in' {message}")
        else:
            values.append(value)
    return tuple(values)


def _annual(r: MapReader) -> dict:
    node = r.mapping("annual")
    result = {"minimum": None, "basis": "cycle-year", "recommended": None, "categories": (), "delivery_limits": ()}
    if node is None:
        return result
    a = MapReader(node, r.rel, r.problems, "a program's annual rules")
    a.unknown_keys(ANNUAL_KEYS)
    result["minimum"] = a.amount("minimum")
    result["basis"] = a.choice("basis", ANNUAL_BASES) or "cycle-year"
    result["recommended"] = a.amount("recommended")
    result["categories"] = read_categories(a, "categories") or ()
    result["delivery_limits"] = _delivery_limits(a)
    return result


def _delivery_limits(r: MapReader) -> tuple[tuple[str, Decimal], ...]:
    """`delivery_limits: {nano-learning: {max: 60}}`."""
    node = r.mapping("delivery_limits")
    limits = []
    for delivery, value in (node or {}).items():
        where = r.node_at(value)
        if delivery not in DELIVERIES:
            r.error(where, f"delivery_limits: {delivery!r} is not a delivery method")
            continue
        if not isinstance(value, YMap):
            r.error(where, f"delivery_limits: {delivery} must be a mapping like {{max: 10}}, found {describe(value)}")
            continue
        d = MapReader(value, r.rel, r.problems, f"the {delivery} limit")
        d.unknown_keys(("max",))
        maximum = d.amount("max", required=True, zero_ok=True)
        if maximum is not None:
            limits.append((delivery, maximum))
    return tuple(limits)


def _delivery_categories(r: MapReader, names: set[str]) -> dict[str, str]:
    node = r.mapping("delivery_categories")
    result: dict[str, str] = {}
    if node is None:
        return result
    for delivery, value in node.items():
        where = r.node_at(value)
        if delivery not in DELIVERIES:
            r.error(where, f"delivery_categories: {delivery!r} is not a delivery method")
            continue
        if not isinstance(value, Scalar) or value.text not in names:
            r.error(where, f"delivery_categories: {describe(value)} is not one of this program's categories")
            continue
        result[delivery] = value.text
    return result


def _stem_id(r: MapReader, stem: str) -> str | None:
    if ID_RE.match(stem):
        return stem
    r.error(r.here(), f"file name {stem!r} is not a valid program id: rename the file or give 'id' (lowercase letters, digits, hyphens)")
    return None


def _rule(m: MapReader, base: EstimateRule | None) -> EstimateRule:
    base = base or EstimateRule(minutes_per_credit=None)

    def pick(key: str, zero_ok: bool = False):
        value = m.amount(key, zero_ok=zero_ok) if m.has(key) else None
        return getattr(base, key) if value is None else value

    return EstimateRule(
        minutes_per_credit=pick("minutes_per_credit"),
        increment=pick("increment"),
        minimum=pick("minimum", zero_ok=True),
        first_increment=pick("first_increment"),
        fixed=pick("fixed"),
        min_minutes=pick("min_minutes"),
        bounds_claims=read_flag(m, "bounds_claims") if m.has("bounds_claims") else base.bounds_claims,
        claim_factor=pick("claim_factor"),
        claim_floor=pick("claim_floor", zero_ok=True),
        claim_steps=_amounts(m, "claim_steps") if m.has("claim_steps") else base.claim_steps,
    )


def _amounts(m: MapReader, key: str) -> tuple[Decimal, ...]:
    """A list of positive amounts (one alone may be written without brackets)."""
    node = m.raw(key)
    items = list(node) if isinstance(node, YSeq) else [node]
    values = []
    for item in items:
        value, message = as_amount(item)
        if message:
            m.error(m.node_at(item), f"each of '{key}' {message}")
        else:
            values.append(value)
    return tuple(values)


def _estimate(r: MapReader):
    node = r.mapping("estimate")
    if node is None:
        return EstimateRule(minutes_per_credit=Decimal(60)), {}, None, {}
    e = MapReader(node, r.rel, r.problems, "a program's estimate rules")
    e.unknown_keys(ESTIMATE_KEYS)
    default = _rule(e, None)
    if read_flag(e, "explicit_only"):  # credits fixed per catalog item (Cisco): no estimate
        default = replace(default, minutes_per_credit=None)
    by_delivery: dict[str, EstimateRule] = {}
    deliveries = e.mapping("by_delivery")
    for delivery, value in (deliveries or {}).items():
        if delivery not in DELIVERIES:
            e.error(e.node_at(value), f"by_delivery: {delivery!r} is not a delivery method")
            continue
        if not isinstance(value, YMap):
            e.error(e.node_at(value), f"by_delivery: {delivery} must be a mapping of rule keys")
            continue
        d = MapReader(value, r.rel, r.problems, f"the {delivery} estimate rule")
        d.unknown_keys(RULE_KEYS)
        by_delivery[delivery] = _rule(d, default)
    university = {}
    for term in ("semester", "quarter"):
        key = f"{term}_hour"
        value = e.raw(key)
        if value is None:
            continue
        if isinstance(value, YMap) and "minutes" in value:
            amount = MapReader(value, r.rel, r.problems, key).amount("minutes")
            if amount:
                university[term] = ("minutes", amount)
        else:
            amount = e.amount(key)
            if amount:
                university[term] = ("credits", amount)
    return default, by_delivery, e.amount("max_per_activity"), university


def _carry_over(r: MapReader) -> CarryOver | None:
    node = r.mapping("carry_over")
    if node is None:
        return None
    c = MapReader(node, r.rel, r.problems, "a program's carry-over rule")
    c.unknown_keys(CARRY_KEYS)
    maximum = c.amount("max", required=True)
    if maximum is None:
        return None
    return CarryOver(max=maximum, window_months=c.integer("window_months", minimum=1, maximum=MAX_CYCLE_MONTHS), categories=c.text_list("categories"),
                     since=c.date("since"))


def _sources(r: MapReader, index: Mapping[str, SourceRef]) -> tuple[SourceRef, ...]:
    node = r.sequence("sources")
    refs: list[SourceRef] = []
    for item in node or ():
        if isinstance(item, Scalar) and not item.is_null:
            ref = index.get(item.text)
            if ref is not None:
                refs.append(ref)
            elif item.text.startswith("https://"):
                refs.append(SourceRef(id=item.text, url=item.text))
            else:
                r.error(r.node_at(item), f"unknown source {item.text!r}: give a source id or an https URL")
        elif isinstance(item, YMap):
            s = MapReader(item, r.rel, r.problems, "a source")
            s.unknown_keys(("id", "url", "supports", "date"))
            url = s.text("url", required=True)
            if url:
                refs.append(SourceRef(id=s.text("id") or url, url=url, supports=s.text("supports") or "", date=s.text("date") or ""))
        else:
            r.error(r.node_at(item), f"each source must be an id, a URL or a mapping, found {describe(item)}")
    return tuple(refs)


def _confidence(r: MapReader) -> dict[str, str]:
    node = r.mapping("confidence")
    result: dict[str, str] = {}
    known = _confidence_keys(r) if node else set()
    for key, value in (node or {}).items():
        if key not in known:  # a tag on nothing changes nothing: a typo must be seen
            where = MapReader(node, r.rel, r.problems, "confidence").key_at(key)
            r.warn(where, f"unknown confidence key {key!r}: tag 'default' or a dotted path of this program's keys, "
                          f"such as estimate.minimum or categories.<name>.max{did_you_mean(key, sorted(known))}")
        word = CONFIDENCE_WORDS.get(value.text.lower()) if isinstance(value, Scalar) else None
        if word is None:
            r.error(r.node_at(value), f"confidence of {key!r} must be O, Om, S or U, found {describe(value)}")
            continue
        result[key] = word
    return result


def _confidence_keys(r: MapReader) -> set[str]:
    """What a confidence tag may be put on: 'default' and the dotted path
    of a key the program may write (`estimate.by_delivery.nano-learning.
    minimum`, `categories.ethics.min`), with its own category names."""
    keys = {"default", *KEYS}
    for prefix, names in (("cycle", CYCLE_KEYS), ("estimate", ESTIMATE_KEYS), ("annual", ANNUAL_KEYS), ("carry_over", CARRY_KEYS)):
        keys.update(f"{prefix}.{name}" for name in names)
    keys.update(f"estimate.{term}_hour.minutes" for term in ("semester", "quarter"))
    for delivery in DELIVERIES:
        keys.update((f"estimate.by_delivery.{delivery}", f"delivery_categories.{delivery}"))
        keys.update(f"estimate.by_delivery.{delivery}.{name}" for name in RULE_KEYS)
        for limits in ("delivery_limits", "annual.delivery_limits"):
            keys.update((f"{limits}.{delivery}", f"{limits}.{delivery}.max"))
    annual = r.raw("annual")
    for prefix, node in (("categories", r.raw("categories")), ("annual.categories", annual.get("categories") if isinstance(annual, YMap) else None)):
        for name in node if isinstance(node, YMap) else ():
            keys.add(f"{prefix}.{name}")
            keys.update(f"{prefix}.{name}.{limit}" for limit in CATEGORY_KEYS)
    return keys


def read_source_index(node: YMap | YSeq | None) -> dict[str, SourceRef]:
    """The shared list of sources that built-in programs cite by id."""
    index: dict[str, SourceRef] = {}
    if not isinstance(node, YMap):
        return index
    for key, value in node.items():
        if isinstance(value, YMap):
            fields = {k: v.text for k, v in value.items() if isinstance(v, Scalar)}
            index[key] = SourceRef(id=key, url=fields.get("url", ""), supports=fields.get("supports", ""), date=fields.get("date", ""))
    return index
