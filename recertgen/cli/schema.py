from __future__ import annotations

from pathlib import Path

import click

from ..schema import KINDS, schema_json


@click.command()
@click.argument("kind", type=click.Choice(KINDS), required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write one <kind>.schema.json per kind into this folder.")
def schema(kind, out):
    """Print the JSON Schema (draft 2020-12) of a kind of ledger file, for
    editors' YAML support; without KIND, one schema accepting any of them."""
    if out is None:
        click.echo(schema_json(kind), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for name in ([kind] if kind else KINDS):
        path = out / f"{name}.schema.json"
        path.write_text(schema_json(name), encoding="utf-8")
        click.echo(f"Wrote {path}")
