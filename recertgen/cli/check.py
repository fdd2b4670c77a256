from __future__ import annotations

import sys

import click

from ..problems import format_problems
from .common import EXIT_OK, EXIT_PROBLEMS, as_of_option, load_or_exit, root_argument


@click.command()
@root_argument
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text: path:line:col: severity: message; json: a list of problems; github: Actions annotations.")
@as_of_option
def check(root, strict, fmt, as_of):
    """Validate every file of the ledger at ROOT and print each problem.

    Exit 0 when clean, 1 when problems were found, 2 when ROOT or its
    settings are unusable."""
    loaded = load_or_exit(root, as_of, fmt=fmt)
    click.echo(format_problems(loaded.problems, fmt, loaded.ledger.files_read))
    sys.exit(EXIT_PROBLEMS if loaded.failed(strict) else EXIT_OK)
