from __future__ import annotations

import sys
from pathlib import Path

import click

from ..api import today
from ..authoring import Refused, credit_path, plan_proof, write_entry
from ..fields import did_you_mean
from ..problems import error
from ..opportunities import default_date, entry_yaml, held_targets
from ..status_text import one_line
from .common import EXIT_OK, EXIT_PROBLEMS, load_or_exit, parse_date, refuse, report_written, split_ids


@click.command()
@click.argument("opportunity_id")
@click.argument("root", type=click.Path(file_okay=False, path_type=Path), default=".", required=False)
@click.option("--date", "day", callback=parse_date, metavar="D", help="When you did it (default: the opportunity's own date — an event not yet past is refused without --date — else today).")
@click.option("--for", "certs", multiple=True, metavar="CERT", callback=split_ids, help="A certification it counts toward (repeatable, or comma-separated; default: those it is listed for).")
@click.option("--proof", type=click.Path(dir_okay=False, path_type=Path), help="A certificate file to copy into ledger/proof/ with its digest.")
def log(opportunity_id, root, day, certs, proof):
    """Log an opportunity from the CE index as a new credit file.

    Writes ledger/credits/YYYY/YYYY-MM-DD-slug.yaml (never over an existing
    file), copies the proof, checks the ledger, and prints each
    certification's new standing. A refused call (an unknown opportunity or
    certification, a future date, the same activity again) writes nothing (exit 1)."""
    loaded = load_or_exit(root, None)
    ledger, report = loaded.ledger, loaded.report
    found = [o for o in ledger.opportunities if o.id == opportunity_id]
    if not found:
        ids = [o.id for o in ledger.opportunities]
        click.echo(f"recertgen: refused: no opportunity {opportunity_id!r}{did_you_mean(opportunity_id, ids)}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if len(found) > 1:  # ids must be unique (check says so): which one was meant is anybody's guess
        places = ", ".join(str(o.source) for o in found)
        click.echo(f"recertgen: refused: opportunity id {opportunity_id!r} is used more than once ({places}): "
                   "give each its own id, then log it", err=True)
        sys.exit(EXIT_PROBLEMS)
    opp = found[0]
    held = [c.id for c in ledger.certifications]
    targets = list(dict.fromkeys(certs)) or held_targets(opp, report)
    unknown = [c for c in targets if c not in held]
    if unknown:
        click.echo(f"recertgen: refused: unknown certification {unknown[0]!r}{did_you_mean(unknown[0], held)}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if not targets:
        click.echo(f"recertgen: refused: {opp.id} is not listed for any certification you hold; say which with --for CERT", err=True)
        sys.exit(EXIT_PROBLEMS)
    if not opp.provider:
        _refuse_opportunity(opp, "provider", f"opportunity '{opp.id}' has no 'provider', and a credit needs one",
                            f"give {opp.id} a provider (who runs it), then log it; nothing was written")
    if day is None and opp.starts and opp.ends and opp.ends < opp.starts:
        _refuse_opportunity(opp, "ends", f"opportunity '{opp.id}' ends ({opp.ends}) before it starts ({opp.starts})",
                            f"{opp.id}'s dates disagree: fix them, or say when you did it with --date; nothing was written")
    now = today(ledger.settings)
    if day is not None and day > now:
        click.echo(f"recertgen: refused: {day} is in the future: log an activity once it is done", err=True)
        sys.exit(EXIT_PROBLEMS)
    if day is None and default_date(opp, now) > now:
        click.echo(f"recertgen: refused: {opp.id} takes place on {default_date(opp, now)}: log it once done "
                   "(or say when you did it with --date, a recording say)", err=True)
        sys.exit(EXIT_PROBLEMS)
    day = day or default_date(opp, now)
    try:
        proof_copy = plan_proof(ledger.ledger_dir, proof, day) if proof else None
        text = entry_yaml(opp, day, targets, proof_copy.rel if proof_copy else None, proof_copy.sha256 if proof_copy else None)
        written = write_entry(ledger.root, credit_path(day, opp.title), text, proof_copy)
    except Refused as exc:
        refuse(exc)
    report_written(written)
    after = written.loaded.report
    for cert_id in targets:
        click.echo(one_line(after.cert(cert_id), report.cert(cert_id)))
    sys.exit(EXIT_OK)


def _refuse_opportunity(opp, key: str, problem: str, advice: str) -> None:
    """The opportunity cannot make an honest entry: say where to fix it
    (at `key`, or at the opportunity when the key is not written)."""
    refuse(Refused(advice, (error(opp.at(key), problem),)))
