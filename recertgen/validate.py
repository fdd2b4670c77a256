"""Rules that span records: a registry of small checks.

Each check takes the ledger (and what the engine derived from it) and
returns problems; none stops the others. The per-file rules (types, keys,
dates) are enforced while reading, in `records/`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable

from .amounts import fmt
from .engine.compute import Report, compute
from .engine.estimate import allowed_maximum, claim_fits, claim_steps_text, claimed_by_saying_so, uncapped_estimate, university_credits
from .engine.rules import CertRules, first_of_each_id, resolve
from .fields import did_you_mean
from .forked import FAILED, Forked
from .model import EXTERNAL, Ledger
from .problems import Problem, error, warning
from .proofs import file_digest, locate

if TYPE_CHECKING:
    from . import recheck


@dataclass
class Context:
    ledger: Ledger
    as_of: dt.date
    memo: dict | None = None  # `compute`'s, kept between calls by `serve`

    @cached_property
    def rules(self) -> dict[str, CertRules]:
        return {cert.id: resolve(cert, self.ledger.programs) for cert in first_of_each_id(self.ledger.certifications)}

    @cached_property
    def report(self) -> Report:
        return compute(self.ledger, self.as_of, self.memo)


Check = Callable[[Context], Iterable[Problem]]


def check_certification_ids(ctx: Context) -> Iterable[Problem]:
    """Ids key the site's pages and the credits' `counts_toward`: one each."""
    seen: dict[str, str] = {}
    for cert in ctx.ledger.certifications:
        if cert.id in seen:
            yield error(cert.at("id"), f"certification id '{cert.id}' is already used by {seen[cert.id]}: this file is ignored until its id changes")
        else:
            seen[cert.id] = cert.source.path


def check_certification_rules(ctx: Context) -> Iterable[Problem]:
    """A certification must end up with cycles and a requirement, from its
    own keys or its program's; otherwise nothing can be computed for it."""
    programs = ctx.ledger.programs
    for cert in first_of_each_id(ctx.ledger.certifications):  # a later duplicate is one error, from check_certification_ids
        program = programs.get(cert.program) if cert.program else None
        if cert.program and program is None:
            yield error(cert.at("program"), f"unknown program '{cert.program}'{did_you_mean(cert.program.lower(), programs)}; `recertgen programs` lists them")
            continue
        if not cert.body and program is None:
            yield error(cert.source, "missing required key 'body' (or give a 'program', which names the body)")
        if not cert.cycles:
            if program is None:
                if not cert.written("cycles"):
                    yield error(cert.source, "missing 'cycles': give cycles (start, end, required) or 'certified' with a 'program'")
            elif cert.certified is None and not cert.written("certified"):  # a broken date is said where it is
                yield error(cert.source, "missing 'certified' (the date the certification was earned) or 'cycles'")
            elif program.required is None:
                yield error(cert.at("program"), f"program '{program.id}' gives no 'required' credits, so no cycle can be derived from "
                                                f"'certified': add 'required' to {program.source.path}, or give 'cycles' with 'required' here")
        for spec in cert.cycles:
            if spec.end is None and program is None:
                yield error(spec.source, "cycle has no 'end' and no program to derive it from")
            if spec.required is None and not spec.required_given and (program is None or program.required is None):
                yield error(spec.source, "cycle has no 'required' credits and no program to take them from")
        yield from _overlaps(ctx, cert.id)


def _overlaps(ctx: Context, cert_id: str) -> Iterable[Problem]:
    cert = ctx.report.cert(cert_id)
    if cert is not None and cert.rules.program is not None and cert.rules.program.cycle_rolling:
        return  # rolling windows overlap by design (Texas)
    explicit = [c.cycle for c in cert.cycles if not c.cycle.derived] if cert else []
    for previous, cycle in zip(explicit, explicit[1:]):
        if cycle.start <= previous.end:
            yield error(cycle.source, f"cycle {cycle.start}–{cycle.end} overlaps the cycle {previous.start}–{previous.end}")


def check_allocations(ctx: Context) -> Iterable[Problem]:
    """Credits must count toward certifications that exist, in categories
    that exist, and never claim more than the program's rule allows."""
    for entry in ctx.ledger.credits:
        yield from entry_allocations(ctx, entry)
    yield from unfinished_allocations(ctx)


def entry_allocations(ctx: Context, entry) -> Iterable[Problem]:
    certs = ctx.rules
    for allocation in entry.allocations:
        rules = certs.get(allocation.cert_id)
        if rules is None:
            yield error(allocation.source, f"counts_toward: unknown certification '{allocation.cert_id}'{did_you_mean(allocation.cert_id, certs)}")
            continue
        if rules.program_unknown:  # said once, at the certification's 'program'
            continue
        yield from _category(entry, allocation, rules)
        yield from _claim(entry, allocation, rules)
    if len(entry.allocations) > 1:
        yield from _one_certification(entry, certs)
        yield from _one_certification_among(entry, certs)
        yield from _split_parts(entry, certs)


def unfinished_allocations(ctx: Context) -> Iterable[Problem]:
    certs = ctx.rules
    for unfinished in ctx.ledger.unfinished:  # entries missing a required key: their certifications still must exist
        for allocation in unfinished.allocations:
            if allocation.cert_id not in certs:
                yield error(allocation.source, f"counts_toward: unknown certification '{allocation.cert_id}'{did_you_mean(allocation.cert_id, certs)}")


def _one_certification(entry, certs: dict[str, CertRules]) -> Iterable[Problem]:
    """An activity in a category that counts toward one certification only
    (GIAC community participation) may not count toward another
    certification under the same program as well."""
    for allocation in entry.allocations:
        rules = certs.get(allocation.cert_id)
        if rules is None or rules.program is None or not allocation.category:
            continue
        single = {c.name for c in rules.all_categories() if c.one_certification}
        if allocation.category not in single:
            continue
        others = [a.cert_id for a in entry.allocations if a.cert_id != allocation.cert_id and a.cert_id in certs
                  and certs[a.cert_id].program is not None and certs[a.cert_id].program.id == rules.program.id]
        if others:
            yield error(allocation.source, f"{allocation.category} credits count toward one {rules.program.name} certification only; "
                                           f"this activity also counts toward {', '.join(others)}")


def _one_certification_among(entry, certs: dict[str, CertRules]) -> Iterable[Problem]:
    """Cisco: credits cannot be reused for another track or level. A
    warning, not an error: recertifying the highest-level certification
    recertifies those at its level and below, so counting an activity
    toward a lower one as well changes no renewal — but it is not how
    Cisco counts, and two tracks at one level each need their own."""
    first_in_pool: dict[str, str] = {}
    for allocation in entry.allocations:
        rules = certs.get(allocation.cert_id)
        program = rules.program if rules is not None else None
        pool = program.one_certification_among if program is not None else None
        if pool is None:
            continue
        first = first_in_pool.setdefault(pool, allocation.cert_id)
        if first != allocation.cert_id:
            yield warning(allocation.source, f"{program.body} credits cannot be reused for another track or level: this activity "
                                             f"already counts toward {first}; count it toward one of them (recertifying the "
                                             f"highest-level certification recertifies those at its level and below)")


def _split_parts(entry, certs: dict[str, CertRules]) -> Iterable[Problem]:
    """One activity split across categories toward one certification (the
    parts the reader lets through each give their own credits and
    category): only where the program allows it, across the categories it
    names (PMI: an Education activity across Talent Triangle areas), and
    never for more than the whole activity earns."""
    parts: dict[str, list] = {}
    for allocation in entry.allocations:
        parts.setdefault(allocation.cert_id, []).append(allocation)
    for cert_id, split in parts.items():
        rules = certs.get(cert_id)
        if len(split) < 2 or rules is None or rules.program_unknown:
            continue
        program = rules.program
        allowed = program.split_across if program is not None else ()
        if not allowed:
            whose = program.name if program is not None else cert_id
            yield error(split[1].source, f"{whose} does not split one activity across categories: count it toward {cert_id} once")
            continue
        outside = [a for a in split if a.category not in allowed]
        if outside:
            yield error(outside[0].source, f"{program.name} splits one activity only across {', '.join(allowed)}, "
                                           f"not {outside[0].category}")
            continue
        total = sum((a.credits for a in split), Decimal(0))
        bound = allowed_maximum(entry, rules)
        if bound is not None and total > bound:
            yield error(split[1].source, f"the parts toward {cert_id} add up to {fmt(total)} credits, more than the rule allows for "
                                         f"{_duration(entry)}" + (f" of {entry.delivery}" if entry.delivery else "") + f" (at most {fmt(bound)})")


def _category(entry, allocation, rules: CertRules) -> Iterable[Problem]:
    if not allocation.category:
        return
    names = {c.name for c in rules.all_categories()}
    if allocation.category not in names:
        if names:
            yield error(allocation.source, f"category '{allocation.category}' is not a category of {rules.id} ({', '.join(sorted(names))}){did_you_mean(allocation.category, names)}")
        else:
            yield warning(allocation.source, f"{rules.id} has no categories; category '{allocation.category}' is ignored")


def _claim(entry, allocation, rules: CertRules) -> Iterable[Problem]:
    program = rules.program
    if allocation.credits is None:
        university = entry.semester_hours or entry.quarter_hours
        if program is not None and program.rule_for(entry.delivery).minutes_per_credit is None and not university:
            yield error(allocation.source, f"{program.name} credits are fixed per activity, not by duration: give them explicitly (counts_toward: {{{rules.id}: N}})")
        elif university and entry.minutes is None and university_credits(entry, rules) is None:
            term = "semester" if entry.semester_hours else "quarter"
            whose = f"{program.name} has" if program is not None else "certifications without a program have"
            yield error(allocation.source, f"{whose} no rule for {term} hours: give the credits explicitly (counts_toward: {{{rules.id}: N}})")
        return
    bound = allowed_maximum(entry, rules)
    if bound is not None and allocation.credits > bound:
        cap = program.max_per_activity if program else None
        if cap is not None and allocation.credits > cap and bound == cap:
            why = f"{program.name} allows for a single activity (at most {fmt(cap)})"
        else:
            why = f"the rule allows for {_duration(entry)}" + (f" of {entry.delivery}" if entry.delivery else "") + f" (at most {fmt(bound)})"
            why += _say_delivery(entry, program)
        yield error(allocation.source, f"{fmt(allocation.credits)} credits toward {rules.id} is more than {why}")
    elif program is not None:
        yield from _claim_steps(entry, allocation.credits, allocation.source, rules.id, program)


def _say_delivery(entry, program) -> str:
    """What an untagged entry may mean instead: `delivery: self-study`
    (credit from a word count) or `delivery: teaching` (preparation too)."""
    if entry.delivery or program is None:
        return ""
    methods = claimed_by_saying_so(program)
    if not methods:
        return ""
    return "; if it was " + " or ".join(methods) + ", say so (" + " or ".join(f"delivery: {m}" for m in methods) + ")"


def _claim_steps(entry, credits, source, cert_id: str, program) -> Iterable[Problem]:
    """A claim off the issuer's steps (0.7 for a NASBA self-study course,
    1.3 for any NASBA program: RULES E8, E5) is an error, as any rule
    RULES.md confirms is enforced: it is not an amount the issuer grants,
    so no certificate of completion shows it. Without a delivery method,
    any of the program's rules may apply. A minimum RULES.md leaves
    unconfirmed is not enforced here either."""
    deliveries = [entry.delivery] if entry.delivery else [None, *program.estimate_by_delivery]
    candidates = [program.rule_for(d) for d in deliveries]
    verdicts = [claim_fits(credits, rule) for rule in candidates]
    if None in verdicts or any(verdicts):
        return
    method = f" for {entry.delivery}" if entry.delivery else " by its default rule (or any delivery method's)"
    yield error(source, f"{fmt(credits)} credits toward {cert_id} is not an amount {program.name} grants{method} "
                          f"({claim_steps_text(candidates[0])}): check the certificate of completion")


def _duration(entry) -> str:
    if entry.semester_hours:
        return f"{entry.semester_hours} semester hour{_s(entry.semester_hours)}"
    if entry.quarter_hours:
        return f"{entry.quarter_hours} quarter hour{_s(entry.quarter_hours)}"
    minutes = entry.minutes
    return f"{minutes.normalize():f} minute{_s(minutes)}" if minutes is not None else "this activity"


def _s(amount) -> str:
    """The plural ending: 1 minute, but 0.5 minutes and 90 minutes."""
    return "" if amount == 1 else "s"


def check_entry_ids(ctx: Context) -> Iterable[Problem]:
    """An entry's id is its address on the site and in exports."""
    seen: dict[str, str] = {}
    folded: dict[str, tuple[str, str]] = {}
    for entry in ctx.ledger.credits:
        if entry.id in seen:
            yield error(entry.at("id"), f"entry id '{entry.id}' is already used in {seen[entry.id]}")
        else:
            seen[entry.id] = entry.source.path
            yield from _case_twin(folded, entry.id, entry.source.path, entry.at("id"), "entry")


def _case_twin(folded: dict[str, tuple[str, str]], item_id: str, path: str, where, kind: str) -> Iterable[Problem]:
    """An id that differs from an earlier one only in case: their pages
    would be one file where the file system ignores case (macOS, Windows)."""
    other = folded.setdefault(item_id.lower(), (item_id, path))
    if other[0] != item_id:
        yield error(where, f"{kind} id '{item_id}' differs only in case from '{other[0]}' in {other[1]}: "
                           f"file systems that ignore case would mix their pages")


SAME_ACTIVITY, SAME_PROOF = "the same activity (title, provider and date)", "the same proof file"  # how duplicates are said


def check_duplicate_activities(ctx: Context) -> Iterable[Problem]:
    """The same activity counted twice toward one certification inflates
    the total an auditor will reject: same title, provider and date, or the
    same proof file."""
    activities: dict[tuple, object] = {}  # (certification, title, provider, date) -> first entry
    proofs: dict[tuple, object] = {}  # (certification, proof file) -> first entry
    ledger = ctx.ledger
    for entry in ledger.credits:
        proof = locate(ledger, entry.proof).rel if entry.proof and not entry.proof_is_url else None
        title, provider, date = entry.title.strip().lower(), entry.provider.strip().lower(), entry.date
        for allocation in entry.allocations:
            first = activities.setdefault((allocation.cert_id, title, provider, date), entry)
            what = SAME_ACTIVITY
            if first is entry and proof:
                first = proofs.setdefault((allocation.cert_id, proof), entry)
                what = SAME_PROOF
            if first is not entry:
                yield error(allocation.source, f"{what} already counts toward {allocation.cert_id} in {first.source}")


def check_repeated_activities(ctx: Context) -> Iterable[Problem]:
    """Where a program counts an activity once per cycle (Cisco, RULES §7),
    the same title and provider again in one cycle, on another day, is an
    error like any duplicate (the same day is one already)."""
    for cert in ctx.report.certifications:
        yield from cert_repeats(ctx, cert)


def cert_repeats(ctx: Context, cert) -> Iterable[Problem]:
    program = cert.rules.program
    if program is None or not program.once_per_cycle:
        return
    for _, c, first in _repeats(cert.cycles, _activity):
        if first.date != c.entry.date:
            yield error(c.allocation.source, f"the same activity (title and provider) already counts toward {cert.id} "
                                             f"in this cycle, in {first.source}: {program.name} counts it once per cycle")


def check_once_per_cycle_categories(ctx: Context) -> Iterable[Problem]:
    """A category claimable once per cycle (PMI's Working as a
    Professional, RULES §5) claimed by a second entry in one cycle: the
    later claims are errors, as the issuer would refuse them. The cycle's
    own categories say which (a cycle may give its own)."""
    for cert in ctx.report.certifications:
        yield from cert_once_per_cycle(ctx, cert)


def cert_once_per_cycle(ctx: Context, cert) -> Iterable[Problem]:
    concerned = [cycle for cycle in cert.cycles if any(limit.once_per_cycle for limit in cycle.cycle.categories)]
    for cycle, c, first in _repeats(concerned, _once_per_cycle_category):
        title = next(limit.title for limit in cycle.cycle.categories if limit.name == c.category)
        yield error(c.allocation.source, f"{title} is claimable once per cycle: this cycle of {cert.id} "
                                         f"already claims it in {first.source}")


def _activity(cycle, c) -> tuple[str, str]:
    return c.entry.title.strip().lower(), c.entry.provider.strip().lower()


def _once_per_cycle_category(cycle, c) -> str | None:
    limits = cycle.cycle.categories
    return c.category if any(limit.name == c.category and limit.once_per_cycle for limit in limits) else None


def _repeats(cycles, key):
    """Each counted credit that repeats, within one cycle, what an earlier
    one (by date, then file) has under `key(cycle, counted)` (None: not
    concerned), with its cycle and that earlier entry; each allocation
    once, even where yearly windows overlap (Texas) and a credit is in several."""
    said: set[int] = set()
    for cycle in cycles:
        first_of: dict = {}
        for c in cycle.entries:  # in date order, then file and place (`engine.compute.settle_all`)
            found = key(cycle, c)
            if found is None:
                continue
            first = first_of.setdefault(found, c.entry)
            if first is not c.entry and id(c.allocation) not in said:
                said.add(id(c.allocation))
                yield cycle, c, first


def check_proofs(ctx: Context) -> Iterable[Problem]:
    """Proof must stay inside the ledger's proof folder and still be the
    file that was recorded: an auditor will ask for it."""
    for entry in ctx.ledger.credits:
        if entry.proof:
            yield from entry_proof(ctx, entry)


def entry_proof(ctx: Context, entry) -> Iterable[Problem]:
    location = locate(ctx.ledger, entry.proof)
    if location.problem:
        yield error(entry.at("proof"), location.problem)
        return
    if entry.proof_sha256 and location.path is not None:
        actual = file_digest(ctx.ledger, location.path)
        if actual != entry.proof_sha256:
            yield error(entry.at("proof_sha256"), f"proof {location.rel} no longer matches proof_sha256 (the file now hashes to {actual[:12]}…)")
    elif entry.proof_sha256 and location.url:
        yield warning(entry.at("proof_sha256"), "proof_sha256 cannot be checked for a URL")


def check_dates(ctx: Context) -> Iterable[Problem]:
    """An entry dated in the future, or outside every cycle of a
    certification, counts nowhere: say so rather than silently drop it."""
    for entry in ctx.ledger.credits:
        if entry.date > ctx.as_of:  # (what `entry_date` asks, asked here first: most entries are not)
            yield from entry_date(ctx, entry)
    for cert in ctx.report.certifications:
        yield from cert_dates(ctx, cert)


def entry_date(ctx: Context, entry) -> Iterable[Problem]:
    if entry.date > ctx.as_of:
        yield warning(entry.at("date"), f"dated {entry.date}, after the as-of date {ctx.as_of}: it counts nowhere yet")


def cert_dates(ctx: Context, cert) -> Iterable[Problem]:
    """Each allocation toward `cert` dated outside its cycles (and not
    after the as-of date, which `entry_date` says instead)."""
    if not cert.cycles:
        return
    inside: dict[dt.date, bool] = {}  # entries share days by the thousand
    for c in cert.counted:
        entry = c.entry
        if entry.date > ctx.as_of:
            continue
        found = inside.get(entry.date)
        if found is None:
            found = inside[entry.date] = any(r.cycle.contains(entry.date) for r in cert.cycles)
        if not found:
            yield warning(c.allocation.source, f"dated {entry.date}, outside every cycle of {c.allocation.cert_id}: it counts nowhere")


def check_estimates(ctx: Context) -> Iterable[Problem]:
    """An estimate that comes to nothing, or that a program's cap per
    activity cuts, is said rather than silently counted: either is a
    shortfall the person would otherwise find out about too late."""
    for cert in ctx.report.certifications:
        yield from cert_estimates(ctx, cert)


def cert_estimates(ctx: Context, cert) -> Iterable[Problem]:
    rules = cert.rules
    if rules.program_unknown:  # its estimates follow no known rule: the unknown program is the error
        return
    program = rules.program
    cap = program.max_per_activity if program else None
    for c in cert.counted:
        if not c.estimated or not c.estimable:
            continue
        entry = c.entry
        if c.credits == 0:
            rule = rules.estimate_rule(entry.delivery)
            method = f" of {entry.delivery}" if entry.delivery else ""
            whose = f"{program.name}'s rule" if program else "the default rule"
            if rule.fixed is not None and rule.min_minutes:
                least = f"modules of at least {rule.min_minutes.normalize():f} minutes"
            elif rule.minimum > 0:
                least = f"nothing below {fmt(rule.minimum)} credit"
            else:
                least = f"rounded down to steps of {fmt(rule.increment)}"
            yield warning(c.allocation.source, f"{_duration(entry)}{method} earns nothing toward {cert.id} by {whose} "
                                               f"({least}): it counts 0; give credits explicitly if the certificate shows some")
        elif cap is not None and c.credits == cap:
            full = uncapped_estimate(entry, rules)
            if full is not None and full > cap:
                yield warning(c.allocation.source, f"{_duration(entry)} would earn {fmt(full)} toward {cert.id}, but "
                                                   f"{program.name} allows at most {fmt(cap)} for a single activity: {fmt(cap)} count")


def check_assertions(ctx: Context) -> Iterable[Problem]:
    """Like a bank balance assertion: the portal's total on a date must
    equal the ledger's, and should be compared again every quarter."""
    for cert in ctx.report.certifications:
        yield from cert_assertions(ctx, cert)


def cert_assertions(ctx: Context, cert) -> Iterable[Problem]:
    if not cert.cycles:  # no cycle is an error of the certification already: every assertion would fall outside
        return
    for check in cert.assertions:
        a = check.assertion
        if check.ledger_total is None:
            yield warning(a.source, f"assertion dated {a.date} falls in no cycle of {cert.id}")
        elif not check.matches:
            diff = a.total - check.ledger_total
            yield error(
                a.source,
                f"assertion: the portal showed {fmt(a.total)} on {a.date} but the ledger has {fmt(check.ledger_total)} "
                f"for the cycle {check.cycle.start}–{check.cycle.end} ({'+' if diff > 0 else ''}{fmt(diff)})",
            )
    if cert.assertions:
        newest = cert.assertions[-1].assertion
        age = (ctx.as_of - newest.date).days
        if age > 90:
            yield warning(newest.source, f"the newest assertion for {cert.id} is {age} days old: compare with the portal again")


def check_submissions(ctx: Context) -> Iterable[Problem]:
    """`submitted` records reporting to a body; it must name a
    certification this entry counts toward."""
    for entry in ctx.ledger.credits:
        if entry.submitted:
            yield from entry_submissions(ctx, entry)


def entry_submissions(ctx: Context, entry) -> Iterable[Problem]:
    targets = {a.cert_id for a in entry.allocations}
    for sub in entry.submitted:
        if sub.cert_id not in targets:
            yield warning(sub.source, f"submitted to {sub.cert_id}, but the entry does not count toward it")
        elif sub.date < entry.date:
            yield warning(sub.source, f"submitted on {sub.date}, before the activity's date {entry.date}")


def check_sources(ctx: Context) -> Iterable[Problem]:
    """With platforms listed in settings, an unlisted `source` is most
    likely a typo that would split the site's source pills."""
    known = ctx.ledger.settings.sources
    if not known:
        return
    for entry in ctx.ledger.credits:
        if entry.source_name not in known:  # (most are: `entry_source` says the rest)
            yield from entry_source(ctx, entry)


def entry_source(ctx: Context, entry) -> Iterable[Problem]:
    known = ctx.ledger.settings.sources
    if known and entry.source_name != EXTERNAL and entry.source_name not in known:
        yield warning(entry.at("source"), f"source '{entry.source_name}' is not listed in recertgen.yaml sources{did_you_mean(entry.source_name, known)}")


def check_opportunities(ctx: Context) -> Iterable[Problem]:
    """Opportunity ids are page addresses and `recertgen log` arguments."""
    seen: dict[str, str] = {}
    targets = set(ctx.ledger.programs) | {c.id for c in ctx.ledger.certifications}
    folded: dict[str, tuple[str, str]] = {}
    for opp in ctx.ledger.opportunities:
        if opp.id in seen:
            yield error(opp.at("id"), f"opportunity id '{opp.id}' is already used in {seen[opp.id]}")
        else:
            seen[opp.id] = opp.source.path
            yield from _case_twin(folded, opp.id, opp.source.path, opp.at("id"), "opportunity")
        for target in opp.counts_toward:
            if target not in targets:
                yield warning(opp.at("counts_toward"), f"counts_toward: '{target}' is neither a program nor a certification{did_you_mean(target, targets)}")


CHECKS: tuple[Check, ...] = (
    check_certification_ids,
    check_certification_rules,
    check_allocations,
    check_entry_ids,
    check_duplicate_activities,
    check_repeated_activities,
    check_once_per_cycle_categories,
    check_proofs,
    check_dates,
    check_estimates,
    check_assertions,
    check_submissions,
    check_sources,
    check_opportunities,
)


# Checks that read the computed report; the others read only the records.
REPORT_CHECKS: tuple[Check, ...] = (check_certification_rules, check_dates, check_estimates, check_assertions,
                                    check_repeated_activities, check_once_per_cycle_categories)
PARALLEL_MIN_ENTRIES = 20_000  # below this, forking costs more than it saves


def validate(ledger: Ledger, as_of: dt.date, memo: dict | None = None, parallel: bool = False) -> tuple[list[Problem], Report]:
    """Every cross-record problem (in no particular order: callers sort
    them) and the report. With `parallel`, a large ledger's record checks
    run in a forked process while this one computes the report; only a
    process without other threads may ask for it (the command line)."""
    ctx = Context(ledger, as_of, memo)
    if parallel and len(ledger.credits) >= PARALLEL_MIN_ENTRIES:
        pending = PendingChecks.start(ctx)
        return _run(ctx, REPORT_CHECKS) + pending.result(), ctx.report
    return _run(ctx, CHECKS), ctx.report


def validate_deferred(ledger: Ledger, as_of: dt.date, memo: dict | None = None,
                      kept: "recheck.Kept | None" = None) -> tuple[list[Problem], Report, "PendingChecks"]:
    """The report and its checks now, a large ledger's record checks later:
    they run in a forked process while the caller gets on with the site,
    and `PendingChecks.result()` has their problems (`serve`, whose edits
    otherwise wait for checks that rarely find anything). With `kept`
    (serve's, between rebuilds), only what the read changed is checked
    again, here and at once, when what was kept allows (`recheck`)."""
    ctx = Context(ledger, as_of, memo)
    if kept is not None:
        from . import recheck

        found = recheck.kept_records(ctx, kept)
        if found is not None:
            return recheck.report_problems(ctx, kept), ctx.report, PendingChecks.settled(ctx, found)
        pending = PendingChecks.start(ctx, kept) if len(ledger.credits) >= PARALLEL_MIN_ENTRIES else PendingChecks(ctx, kept=kept)
        return recheck.report_problems(ctx, kept), ctx.report, pending
    pending = PendingChecks.start(ctx) if len(ledger.credits) >= PARALLEL_MIN_ENTRIES else PendingChecks(ctx)
    return _run(ctx, REPORT_CHECKS), ctx.report, pending


class PendingChecks:
    """The record checks, in a forked child (`forked.Forked`) when started:
    it sends back its problems and what it learnt of the proof files (so
    exports need not resolve and hash them again). With no child — none
    could be had, or it failed — the checks run here in `result()`: the
    outcome never depends on the fork."""

    def __init__(self, ctx: Context, child: Forked | None = None, kept: "recheck.Kept | None" = None) -> None:
        self.ctx, self.child, self.kept = ctx, child, kept
        self.found: list[Problem] | None = None

    @classmethod
    def start(cls, ctx: Context, kept: "recheck.Kept | None" = None) -> "PendingChecks":
        """(`kept`: the child also sends back what `recheck` keeps.)"""
        if kept is None:
            return cls(ctx, Forked.start(lambda: _record_findings(ctx, _record_checks())))
        return cls(ctx, Forked.start(lambda: _kept_findings(ctx)), kept)

    @classmethod
    def settled(cls, ctx: Context, found: list[Problem]) -> "PendingChecks":
        """Checks already done (`recheck`)."""
        pending = cls(ctx)
        pending.found = found
        return pending

    def result(self) -> list[Problem]:
        """The record checks' problems, waiting for the child if need be."""
        if self.found is not None:
            return self.found
        delivered = self.child.result() if self.child is not None else FAILED
        self.child = None
        found, learnt, records = (None, {}, None) if delivered is FAILED else _with_records(delivered)
        if found is None:
            if self.kept is not None:
                found, _, records = _kept_findings(self.ctx)
            else:
                found = _run(self.ctx, _record_checks())
        for key, value in learnt.items():
            self.ctx.ledger.memo.setdefault(key, value)
        if self.kept is not None and records is not None:
            from . import recheck

            recheck.keep_records(self.ctx, self.kept, records)
        self.found = found
        return found


def _record_checks() -> list[Check]:
    return [check for check in CHECKS if check not in REPORT_CHECKS]


def _record_findings(ctx: Context, checks: list[Check]) -> tuple[list[Problem], dict]:
    return _run(ctx, checks), ctx.ledger.memo


def _kept_findings(ctx: Context) -> tuple[list[Problem], dict, object]:
    """The record checks as `recheck` keeps them: problems, what was learnt
    of the proof files, and the records to keep."""
    from . import recheck

    found, records = recheck.fresh_records(ctx)
    return found, ctx.ledger.memo, records


def _with_records(delivered: tuple) -> tuple:
    return delivered if len(delivered) == 3 else (*delivered, None)


def _run(ctx: Context, checks) -> list[Problem]:
    return [problem for check in checks for problem in check(ctx)]
