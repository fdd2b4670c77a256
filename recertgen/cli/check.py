from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model import Settings
from ..problems import Problem, Source, error, format_problems, sort_problems
from ..site.output import OutputRefused, check_output
from ..site.theme import own_template_names, own_template_problems
from .common import EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE, as_of_option, load_or_exit, root_argument


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
    unusable = output_problem(root, loaded.ledger.settings)
    # the ledger's own templates: what build would stop on before rendering
    templates = own_template_problems(loaded.ledger.root)
    found = [*templates, *([unusable] if unusable else [])]
    problems = tuple(sort_problems([*loaded.problems, *found])) if found else loaded.problems
    click.echo(format_problems(problems, fmt, loaded.ledger.files_read + len(own_template_names(loaded.ledger.root))))
    if unusable:
        click.echo(f"recertgen: build cannot write its output ({loaded.ledger.settings.output})", err=True)
        sys.exit(EXIT_UNUSABLE)
    sys.exit(EXIT_PROBLEMS if loaded.failed(strict) or templates else EXIT_OK)


def output_problem(root: Path, settings: Settings) -> Problem | None:
    """What `build` would refuse about its output (a file, a folder it did
    not make, the templates folder), said by `check` too, at the `output`
    setting when it is written: so that check and build agree."""
    try:
        check_output(root / settings.output, root, settings.ledger)
    except OutputRefused as exc:
        where = settings.at("output") if settings.written("output") else Source(settings.output)
        return error(where, f"build will not write into {settings.output}: {exc.reason}")
    return None
