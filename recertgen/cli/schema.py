from __future__ import annotations

import sys
from pathlib import Path

import click

from ..loader import SETTINGS_FILE, UnusableRoot, read_settings_file
from ..schema import KINDS, schema_json
from .common import EXIT_UNUSABLE


@click.command()
@click.argument("kind", type=click.Choice(KINDS), required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write one <kind>.schema.json per kind into this folder.")
def schema(kind, out):
    """Print the JSON Schema (draft 2020-12) of a kind of ledger file, for
    editors' YAML support; without KIND, one schema accepting any of them."""
    if out is None:
        click.echo(schema_json(kind), nl=False)
        return
    ledger = _ledger_around(out)
    if ledger is not None:
        click.echo(f"recertgen: refusing to write schemas into {out}: it is inside the ledger folder {ledger}, "
                   "which only add, log and init write into", err=True)
        sys.exit(EXIT_UNUSABLE)
    out.mkdir(parents=True, exist_ok=True)
    for name in ([kind] if kind else KINDS):
        path = out / f"{name}.schema.json"
        path.write_text(schema_json(name), encoding="utf-8")
        click.echo(f"Wrote {path}")


def _ledger_around(folder: Path) -> Path | None:
    """The ledger folder `folder` is in, if any: a repository above it (one
    with recertgen.yaml, or a ledger/ folder) whose ledger folder holds it."""
    target = folder.resolve()
    for repo in target.parents:
        name = "ledger"
        if (repo / SETTINGS_FILE).is_file():
            try:
                name = read_settings_file(repo)[0].ledger
            except UnusableRoot:
                pass
        ledger = repo / name
        if ledger.is_dir() and target.is_relative_to(ledger.resolve()):
            return ledger
    return None
