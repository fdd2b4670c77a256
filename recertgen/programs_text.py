"""`recertgen programs`: the templates as a reader checks them against RULES.md."""

from __future__ import annotations

from typing import Iterable

from .model import EstimateRule, Program
from .textual import table


def program_table(programs: Iterable[Program]) -> str:
    rows = []
    for p in sorted(programs, key=lambda p: p.id):
        rows.append([p.id, p.body, p.name, _cycle(p), _num(p.required), _num(p.annual_minimum) or "-", p.unit_label])
    return table(["id", "body", "name", "cycle", "total", "per year", "unit"], rows, right=(4, 5))


def describe_program(p: Program, with_sources: bool = True) -> str:
    def tag(key: str, own_lines: tuple[str, ...] = ()) -> str:
        """The weakest confidence of the key and anything tagged below it,
        but for the parts shown on lines of their own (`own_lines`)."""
        apart = tuple(f"{key}.{part}" for part in own_lines)
        tags = [p.confidence_of(key)] + [v for k, v in p.confidence.items() if k.startswith(key + ".") and not k.startswith(apart)]
        return _SHOWN.get(weakest := min(tags, key=_STRENGTH.index), weakest)

    lines = [
        f"{p.id}: {p.title} ({p.body})",
        f"  unit                {p.unit_label}",
        f"  cycle               {_cycle_line(p)}  [{tag('cycle')}]",
        f"  total per cycle     {_num(p.required) or 'set per certification'}  [{tag('required')}]",
        f"  annual minimum      {_num(p.annual_minimum) or 'none'} ({'in the last year of each report' if p.cycle_rolling else p.annual_basis})  [{tag('annual.minimum')}]",
    ]
    if p.cycle_rolling:
        lines.append(f"  rolling             a report every year over the cycle's length before it  [{tag('cycle.rolling')}]")
    if p.phase_in:
        years = ", ".join(_num(v) if v else "none" for v in p.phase_in)
        lines.append(f"  new licensees       their first years require {years}, then the total  [{tag('cycle.phase_in')}]")
    if p.annual_recommended:
        lines.append(f"  annual recommended  {_num(p.annual_recommended)} (not enforced)  [{tag('annual.recommended')}]")
    for c in p.categories:
        key = f"categories.{c.name}.{'min' if c.min is not None else 'max'}"
        only = "; toward one certification only" if c.one_certification else ""
        only += "; claimable once per cycle" if c.once_per_cycle else ""
        lines.append(f"  category {c.title}: {_limits(c)}{' within ' + c.within if c.within else ''}{only}  [{tag(key)}]")
    for c in p.annual_categories:
        key = f"annual.categories.{c.name}.{'min' if c.min is not None else 'max'}"
        lines.append(f"  per year {c.title}: {_limits(c)}  [{tag(key)}]")
    for delivery, maximum in p.delivery_limits:
        lines.append(f"  delivery {delivery}: at most {_num(maximum)} a cycle, whatever the category  [{tag('delivery_limits.' + delivery)}]")
    for delivery, maximum in p.annual_delivery_limits:
        lines.append(f"  per year {delivery}: at most {_num(maximum)}, whatever the category  [{tag('annual.delivery_limits.' + delivery)}]")
    if p.default_category:
        lines.append(f"  uncategorised credits count as {p.default_category}")
    if p.split_across:
        lines.append(f"  split               one activity may be split across {', '.join(p.split_across)}  [{tag('split_across')}]")
    if p.one_certification_among:
        lines.append(f"  reuse               an activity counts toward one certification of the {p.one_certification_among} programs"
                     f"  [{tag('one_certification_among')}]")
    for delivery, category in sorted(p.delivery_categories.items()):
        lines.append(f"  {delivery} counts as {category}")
    lines.append(f"  estimate            {_rule(p.estimate)}  "
                 f"[{tag('estimate', ('by_delivery', 'max_per_activity', 'semester_hour', 'quarter_hour'))}]")
    for delivery, rule in sorted(p.estimate_by_delivery.items()):
        lines.append(f"    {delivery:<17} {_rule(rule)}  [{tag('estimate.by_delivery.' + delivery)}]")
    if p.max_per_activity:
        lines.append(f"  per activity        at most {_num(p.max_per_activity)}  [{tag('estimate.max_per_activity')}]")
    for term, (kind, amount) in sorted(p.university.items()):
        per = f"{_num(amount)} credits" if kind == "credits" else f"{_num(amount)} minutes"
        lines.append(f"  university          {per} per {term} credit hour  [{tag('estimate.' + term + '_hour')}]")
    if p.carry_over:
        co = p.carry_over
        window = f"earned in the cycle's last {co.window_months} months" if co.window_months else "earned in the cycle"
        only = f", {', '.join(co.categories)} only" if co.categories else ""
        since = f", out of cycles ending on or after {co.since}" if co.since else ""
        lines.append(f"  carry-over          up to {_num(co.max)} above the total, {window}{only}{since}  [{tag('carry_over')}]")
    if p.once_per_cycle:
        lines.append(f"  repeats             the same activity (title and provider) counts once per cycle  [{tag('once_per_cycle')}]")
    for note in p.notes:
        lines.append(f"  note: {note}")
    lines.append(f"  reviewed            {p.reviewed or 'unknown'}")
    if with_sources:
        lines.append("  sources:")
        lines.extend(f"    [{s.id}] {s.url}" + (f" — {s.supports}" if s.supports else "") for s in p.sources)
    lines.append("  [confirmed] read at the issuer; [verify with the issuer] secondary sources only; [unconfirmed] a conservative default")
    return "\n".join(lines)


_STRENGTH = ("unconfirmed", "verify", "confirmed")
_SHOWN = {"verify": "verify with the issuer"}  # RULES.md: S rules are "marked 'verify with the issuer' in the output"


def _num(value) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _cycle(p: Program) -> str:
    if p.cycle_months % 12 == 0:
        years = p.cycle_months // 12
        length = f"{years} year{'s' if years != 1 else ''}"
    else:
        length = f"{p.cycle_months} months"
    return length


def _cycle_line(p: Program) -> str:
    if p.cycle_rolling:  # Texas: the cycle is how far each yearly report looks back
        return f"the {_cycle(p)} before each yearly report, which ends the day before an anniversary of the certification date"
    return f"{_cycle(p)}, starting {_anchor(p)}"


def _anchor(p: Program) -> str:
    ends = ", ending on the last day of a month" if p.cycle_ends_month_end else ""
    if p.cycle_anchor == "next-january":
        return "1 January after certification" + (" (earlier credits count toward the first cycle)" if p.counts_from_certified else "") + ends
    if p.cycle_anchor == "anniversary-month":
        return "the 1st of the month after the first anniversary month (nothing is due before), each ending with an anniversary month"
    return "on the certification date" + ends


def _limits(c) -> str:
    parts = []
    if c.min is not None:
        parts.append(f"at least {_num(c.min)}")
    if c.max is not None:
        parts.append(f"at most {_num(c.max)}")
    return ", ".join(parts) or "no limit"


def _rule(rule: EstimateRule) -> str:
    if rule.minutes_per_credit is None:
        return "credits fixed per catalog item (give them explicitly)"
    if rule.fixed is not None:
        return f"{_num(rule.fixed)} per module of at least {_num(rule.min_minutes)} minutes"
    text = f"{_num(rule.minutes_per_credit)} minutes = 1 credit, rounded down to {_num(rule.increment)}"
    if rule.minimum:
        text += f"; nothing below {_num(rule.minimum)}"
    if rule.first_increment:
        text += f"; steps of {_num(rule.first_increment)} below one credit"
    if rule.claim_factor != 1:
        text += f"; a claim may be up to {_num(rule.claim_factor)} times that"
    if rule.claim_floor:
        text += f"; a claim of up to {_num(rule.claim_floor)} is allowed whatever the duration"
    if rule.claim_steps:
        text += f"; claims in steps of {' or '.join(_num(s) for s in rule.claim_steps)}"
    return text
