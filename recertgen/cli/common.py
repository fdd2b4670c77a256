"""What every command shares: the ROOT argument, `--as-of`, and turning
library outcomes into output and exit codes at one edge."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from ..api import Loaded, load
from ..fields import SUPPORTED_YEARS, in_supported_range
from ..loader import SETTINGS_FILE, UnusableRoot
from ..problems import Source, error, format_problems
from ..proofs import sha256_of

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2


def parse_date(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value.strip()):  # fromisoformat also takes 20260331 and 2026-W13-2
            raise ValueError(value)
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-31") from None
    if not in_supported_range(day):
        raise click.BadParameter(f"{value!r} is outside the years {SUPPORTED_YEARS}")
    return day


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def split_ids(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """`--for cissp --for pmp`, or `--for cissp,pmp`: both mean two."""
    return tuple(part for value in values for part in re.split(r"[,\s]+", value) if part)


def root_argument(func):
    return click.argument("root", type=click.Path(file_okay=False, path_type=Path), default=".", required=False)(func)


def as_of_option(func):
    return click.option(
        "--as-of",
        "as_of",
        callback=parse_date,
        metavar="DATE",
        help="Compute as of this date (YYYY-MM-DD); default: today in the ledger's timezone.",
    )(func)


def load_or_exit(root: Path, as_of: dt.date | None, refs=None, fmt: str = "text") -> Loaded:
    """The ledger, or exit 2 with a clear message when the call is unusable.
    Parsing thousands of new files shows a progress bar on a terminal.
    With a machine `fmt` (json, github), the settings' problems are also
    printed in it on standard output, where a program reading it looks."""
    try:
        return load(root, as_of, refs, progress=_reading_bar if sys.stderr.isatty() else None, parallel=True)
    except UnusableRoot as exc:
        if exc.problems:
            click.echo(format_problems(exc.problems, "text"), err=True)
        click.echo(f"recertgen: {exc}", err=True)
        if fmt != "text":
            click.echo(format_problems(exc.problems or (error(Source(SETTINGS_FILE), str(exc)),), fmt))
        sys.exit(EXIT_UNUSABLE)


def _reading_bar(total: int):
    return click.progressbar(length=total, label="Reading", file=sys.stderr, show_pos=True)


def report_problems(loaded: Loaded) -> None:
    """Problems on standard error, for commands whose standard output is data."""
    click.echo(format_problems(loaded.problems, "text", loaded.ledger.files_read), err=True)


def report_written(written) -> None:
    """What add and log say once an entry is written: its file, its proof,
    and what check says of it — a warning (an amount no certificate shows,
    a duration that earns nothing) is said now, not at the next check."""
    root = written.loaded.ledger.root
    rel = written.entry_path.relative_to(root).as_posix()
    click.echo(f"Wrote {rel}")
    if written.proof_path is not None:
        click.echo(f"Proof {written.proof_path.relative_to(root).as_posix()} (sha256 {sha256_of(written.proof_path)[:12]}…)")
    for problem in written.loaded.problems:
        if problem.source.path == rel:
            click.echo(problem.as_text())


def refuse(exc) -> None:
    """`add` and `log` refused a write: say why; nothing was written (exit 1)."""
    if exc.problems:
        click.echo(format_problems(exc.problems, "text"), err=True)
    click.echo(f"recertgen: refused: {exc}", err=True)
    sys.exit(EXIT_PROBLEMS)
