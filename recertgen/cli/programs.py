from __future__ import annotations

import sys

import click

from ..program_library import builtin_programs
from ..programs_text import describe_program, program_table


@click.command()
@click.argument("program_id", required=False)
def programs(program_id):
    """List the built-in certification programs, or show one in full with
    its rules, sources and review date."""
    library = builtin_programs()
    if program_id is None:
        click.echo(program_table(library.values()))
        return
    program = library.get(program_id)
    if program is None:
        from ..fields import did_you_mean

        click.echo(f"recertgen: unknown program {program_id!r}{did_you_mean(program_id, library)}; run `recertgen programs` for the list", err=True)
        sys.exit(2)
    click.echo(describe_program(program))
