from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..init import init as make
from .common import EXIT_UNUSABLE


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory):
    """Create a new ledger repository in DIRECTORY: settings, one
    certification, one credit, one opportunity, editor schemas, a
    pre-commit hook and a CI workflow. Existing files are never replaced;
    in a folder that already is a ledger repository (recertgen.yaml or
    ledger/), only the missing tooling is added, never example data."""
    try:
        result = make(directory, dt.date.today())
    except OSError as exc:  # a file where a folder must go, a folder not ours to write
        click.echo(f"recertgen: cannot create {exc.filename or directory}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    for rel in result.created:
        click.echo(f"created {directory / rel}")
    for rel in result.kept:
        click.echo(f"kept    {directory / rel} (already there)")
    if result.skipped:
        click.echo(f"\n{directory} is already a recertgen repository: no example settings, certification, "
                   "credit or opportunity were added to it")
        click.echo(f"\nNext: cd {directory} && recertgen check")
        return
    click.echo(f"\nNext: cd {directory} && git init && recertgen check && recertgen serve")
