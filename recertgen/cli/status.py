from __future__ import annotations

import sys

import click

from ..exports.summary import summary_json
from ..status_text import status_table
from .common import EXIT_OK, EXIT_PROBLEMS, as_of_option, load_or_exit, report_problems, root_argument


@click.command()
@root_argument
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print summary.json's content instead of a table.")
def status(root, as_of, as_json):
    """Show each certification's pace: earned against required, ahead or
    behind by how many days, the deadline and what is still needed."""
    loaded = load_or_exit(root, as_of)
    if as_json:
        click.echo(summary_json(loaded.report), nl=False)
    else:
        click.echo(status_table(loaded.report, color=sys.stdout.isatty()))
    if loaded.errors:
        report_problems(loaded)
    sys.exit(EXIT_PROBLEMS if loaded.errors else EXIT_OK)
