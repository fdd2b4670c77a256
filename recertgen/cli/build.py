from __future__ import annotations

import sys
from pathlib import Path

import click

from ..problems import format_problems
from ..api import today
from ..loader import UnusableRoot, read_settings_file, scan
from ..site.freshness import up_to_date, warnings_when_built
from ..site.output import OutputRefused
from .common import EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE, as_of_option, load_or_exit, root_argument

PROGRESS_THRESHOLD = 300


@click.command()
@root_argument
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: the settings' output, `site`).")
@as_of_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def build(root, out, as_of, strict):
    """Check the ledger at ROOT, compute every certification's pace, and
    render the report site and its exports.

    Nothing is written when the check finds errors (exit 1): the previous
    site stays exactly as it was."""
    settings = _settings(root)  # None when unusable: load_or_exit reports it
    target = out if out is not None else (root / settings.output if settings else None)
    when = as_of or (today(settings) if settings else None)
    refs = scan(root, settings.ledger) if settings else None  # once: to see whether anything changed, then to read
    if target is not None and up_to_date(root, target, when, strict, refs):
        warned = warnings_when_built(root, target)
        still = f" (still {warned} warning{'s' if warned != 1 else ''}: recertgen check lists them)" if warned else ""
        click.echo(f"{target} is up to date (as of {when}): nothing changed since the last build{still}")
        sys.exit(EXIT_OK)
    loaded = load_or_exit(root, when, refs)
    if loaded.problems:
        click.echo(format_problems(loaded.problems, "text", loaded.ledger.files_read), err=True)
    if loaded.failed(strict):
        click.echo("recertgen: build stopped; nothing was written", err=True)
        sys.exit(EXIT_PROBLEMS)
    target = out if out is not None else root / loaded.ledger.settings.output
    from ..site.build import build_site  # here: the templates and exports load only when there is work

    try:
        result = build_site(loaded, target, progress=_progress(), parallel=True)
    except OutputRefused as exc:
        click.echo(f"recertgen: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    if not result.ok:
        click.echo(format_problems(result.problems, "text"), err=True)
        click.echo("recertgen: build stopped; nothing was written", err=True)
        sys.exit(EXIT_PROBLEMS)
    reused = f", {result.pages - result.rendered} unchanged" if result.rendered < result.pages else ""
    click.echo(f"Built {result.pages} pages ({result.files} files{reused}) into {target} as of {loaded.as_of}")
    sys.exit(EXIT_OK)


def _settings(root: Path):
    try:
        settings, _ = read_settings_file(root)
    except UnusableRoot:
        return None
    return settings


def _progress():
    """A progress bar on a terminal for long builds; quiet when piped."""
    if not sys.stderr.isatty():
        return None

    def wrap(items):
        if len(items) < PROGRESS_THRESHOLD:
            yield from items
            return
        with click.progressbar(items, label="Rendering", file=sys.stderr, show_pos=True) as bar:
            yield from bar

    return wrap
