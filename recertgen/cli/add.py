from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click

from ..api import today
from ..authoring import MAX_PROOF_BYTES, Refused, credit_entry_yaml, credit_path, free_path, plan_proof, write_entry
from ..fields import as_amount, as_date, did_you_mean
from ..model import DELIVERIES, EXTERNAL
from ..status_text import one_line
from ..yamlio import Scalar
from .common import EXIT_OK, EXIT_UNUSABLE, load_or_exit, refuse, report_written, split_ids


def _scalar(text: str) -> Scalar:
    return Scalar(text.strip(), True, 1, 1)


class Form:
    """Each answer is checked as it is given; Click asks again on a bad one."""

    def __init__(self, held: list[str], platforms: list[str], today_, categories: dict[str, list[str]] | None = None) -> None:
        self.held = held
        self.platforms = platforms
        self.today = today_
        self.categories = categories or {}  # certification id -> its category names

    def categories_of(self, cert: str) -> list[str]:
        return self.categories.get(cert, [])

    def category_choices(self, certs: list[str]) -> list[str]:
        return list(dict.fromkeys(name for cert in certs for name in self.categories_of(cert)))

    def category(self, value: str, certs: list[str]) -> str | None:
        """A category of at least one of the certifications (it applies to
        those that have it; the others count the credits by their rules)."""
        value = (value or "").strip()
        if not value:
            return None
        choices = self.category_choices(certs)
        if value not in choices:
            which = f"choose one of {', '.join(choices)}" if choices else f"{', '.join(certs)} have no categories"
            raise click.BadParameter(f"{value!r} is not a category of {', '.join(certs)}{did_you_mean(value, choices)}; {which}")
        return value

    def text(self, value: str) -> str:
        if not value or not value.strip():
            raise click.BadParameter("this field is required")
        return value.strip()

    def optional(self, value: str) -> str | None:
        return value.strip() or None

    def date(self, value: str):
        day, message = as_date(_scalar(value))
        if message:
            raise click.BadParameter(f"date {message}")
        if day > self.today:
            raise click.BadParameter(f"{day} is in the future: log an activity once it is done")
        return day

    def certs(self, value: str) -> list[str]:
        ids = [v.strip() for v in value.replace(",", " ").split() if v.strip()]
        if not ids:
            raise click.BadParameter(f"name at least one of: {', '.join(self.held)}")
        for cert in ids:
            if cert not in self.held:
                raise click.BadParameter(f"{cert!r} is not a certification you hold{did_you_mean(cert, self.held)}; choose from {', '.join(self.held)}")
        return list(dict.fromkeys(ids))

    def amount(self, value: str) -> Decimal | None:
        if not value or not value.strip():
            return None
        amount, message = as_amount(_scalar(value))
        if message:
            raise click.BadParameter(f"{message}")
        return amount

    def required_amount(self, value: str) -> Decimal:
        amount = self.amount(value)
        if amount is None:
            raise click.BadParameter("give the credits on the certificate, or a duration (--hours or --minutes) to estimate them")
        return amount

    def delivery(self, value: str) -> str | None:
        value = (value or "").strip().lower()
        if not value:
            return None
        if value not in DELIVERIES:
            raise click.BadParameter(f"choose one of {', '.join(DELIVERIES)}{did_you_mean(value, DELIVERIES)}")
        return value

    def state(self, value: str) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if len(value) != 2 or not value.isalpha():
            raise click.BadParameter("a two-letter code like CA or NY")
        return value.upper()

    def source(self, value: str) -> str:
        value = (value or "").strip() or EXTERNAL
        choices = [EXTERNAL, *self.platforms]
        if self.platforms and value not in choices:
            raise click.BadParameter(f"choose one of {', '.join(choices)}{did_you_mean(value, choices)}")
        return value

    def proof(self, value: str) -> Path | None:
        value = (value or "").strip()
        if not value:
            return None
        path = Path(value).expanduser()
        if not path.is_file():
            raise click.BadParameter(f"no file at {path}")
        if path.stat().st_size > MAX_PROOF_BYTES:
            raise click.BadParameter("the proof file is over the 10 MB limit")
        try:  # said now, as `log --proof` says it, not once the entry is being written
            with path.open("rb"):
                pass
        except OSError as exc:
            raise click.BadParameter(f"cannot read {path}: {exc.strerror or exc}") from None
        return path


@click.command()
@click.argument("root", type=click.Path(file_okay=False, path_type=Path), default=".", required=False)
@click.option("--title", help="What the activity was called.")
@click.option("--provider", help="Who ran it.")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="When you completed it.")
@click.option("--for", "certs", multiple=True, metavar="CERT", callback=split_ids, help="A certification it counts toward (repeatable, or comma-separated).")
@click.option("--hours", metavar="H", help="How long it took, in hours (credits are estimated from it).")
@click.option("--minutes", metavar="M", help="How long it took, in minutes (instead of --hours).")
@click.option("--credits", metavar="N", help="Credits on your certificate (instead of an estimate), for each certification.")
@click.option("--category", metavar="NAME", help="The program's category it counts in (ethics, group-b, power-skills…), "
                                                 "for each certification that has it.")
@click.option("--delivery", metavar="METHOD", help=f"One of: {', '.join(DELIVERIES)}.")
@click.option("--field-of-study", help="Field of study, as the certificate states it.")
@click.option("--state", metavar="XX", help="Two-letter code of the state where it was earned.")
@click.option("--source", help="'external', or the learning platform it came from.")
@click.option("--description", help="Notes (Markdown).")
@click.option("--proof", metavar="FILE", help="A certificate file (up to 10 MB) to copy into ledger/proof/.")
@click.option("-y", "--yes", is_flag=True, help="No questions: optional fields not given stay empty, and the entry is written without a preview.")
def add(root, yes, **given):
    """Add a credit entry: a form in the terminal, one question per field.

    Every field asked can be given as an option instead, so scripts can add
    entries without prompts (per-certification credits, reporting dates and
    university hours are written by hand). Shows the entry before writing
    it, and writes only a new file."""
    loaded = load_or_exit(root, None)
    ledger = loaded.ledger
    held = [c.id for c in ledger.certifications]
    if not held:
        click.echo("recertgen: add a certification under ledger/certifications/ first", err=True)
        sys.exit(EXIT_UNUSABLE)
    platforms = sorted(ledger.settings.sources)
    rules = {cert.id: cert.rules for cert in loaded.report.certifications}
    form = Form(held, platforms, today(ledger.settings),
                {cert: list(dict.fromkeys(c.name for c in rules[cert].all_categories())) for cert in held if cert in rules})

    flags = {"certs": "--for", "day": "--date"}
    if given.get("hours") is not None and given.get("minutes") is not None:
        click.echo("recertgen: give --hours or --minutes, not both", err=True)
        sys.exit(EXIT_UNUSABLE)

    def ask(name, prompt, check, default=None, show_choices=None):
        flag = flags.get(name, "--" + name.replace("_", "-"))
        raw = given.get(name)
        if raw in (None, ()) and yes:  # no prompts: an optional field takes its default
            raw = default
            if raw is None:
                click.echo(f"recertgen: {flag} is required with --yes", err=True)
                sys.exit(EXIT_UNUSABLE)
        if raw not in (None, ()):
            try:
                return check(" ".join(raw) if isinstance(raw, tuple) else raw)
            except click.BadParameter as exc:
                click.echo(f"recertgen: {flag}: {exc.message}", err=True)
                sys.exit(EXIT_UNUSABLE)
        if show_choices:
            prompt = f"{prompt} ({show_choices})"
        return click.prompt(prompt, default=default, value_proc=check, show_default=default not in (None, ""))

    title = ask("title", "Title", form.text)
    provider = ask("provider", "Provider", form.text)
    day = ask("day", "Date completed", form.date, default=form.today.isoformat())
    certs = ask("certs", "Counts toward", form.certs, default=held[0] if len(held) == 1 else None, show_choices=", ".join(held))
    choices = form.category_choices(certs)
    category = ask("category", "Category (blank: as the program decides)", lambda v: form.category(v, certs), default="",
                   show_choices=", ".join(choices)) if choices or given.get("category") else None
    hours = ask("hours", "Hours (blank if you only know the credits)", form.amount, default="") if given.get("minutes") is None else None
    minutes = ask("minutes", "Minutes", form.amount) if given.get("minutes") is not None else None
    if hours or minutes:
        credits = ask("credits", "Credits on the certificate (blank: estimate from the duration)", form.amount, default="")
    else:
        # default "": a blank answer reaches the check, which says what is missing (click would ask again, silently)
        credits = ask("credits", "Credits on the certificate", form.required_amount, default="")
    delivery = ask("delivery", "Delivery method", form.delivery, default="", show_choices=", ".join(DELIVERIES))
    field_of_study = ask("field_of_study", "Field of study", form.optional, default="")
    state = ask("state", "State (two letters)", form.state, default="")
    source = ask("source", "Source", form.source, default=EXTERNAL, show_choices=", ".join([EXTERNAL, *platforms]) if platforms else None)
    description = ask("description", "Description", form.optional, default="")
    proof = ask("proof", "Proof file (blank for none)", form.proof, default="")

    try:
        proof_copy = plan_proof(ledger.ledger_dir, proof, day) if proof else None
        text = credit_entry_yaml(
            title=title, provider=provider, day=day,
            counts_toward={c: credits for c in certs} if credits else certs,
            categories={c: category for c in certs if category in form.categories_of(c)} if category else None,
            hours=hours, minutes=minutes, delivery=delivery, field_of_study=field_of_study, state=state,
            source=None if source == EXTERNAL else source, description=description,
            proof=proof_copy.rel if proof_copy else None, proof_sha256=proof_copy.sha256 if proof_copy else None,
        )
        rel = credit_path(day, title)
        if not yes:
            click.echo(f"\n{ledger.settings.ledger}/{free_path(ledger.ledger_dir, rel)}:\n")
            click.echo(text)
            if not click.confirm("Write this entry?", default=True):
                click.echo("Nothing was written.")
                sys.exit(EXIT_OK)
        written = write_entry(ledger.root, rel, text, proof_copy)
    except Refused as exc:
        refuse(exc)
    report_written(written)
    for cert_id in certs:
        click.echo(one_line(written.loaded.report.cert(cert_id), loaded.report.cert(cert_id)))
    sys.exit(EXIT_OK)
