from __future__ import annotations

import sys
from pathlib import Path

import click

from ..loader import SETTINGS_FILE, UnusableRoot, read_settings_file
from ..schema import KINDS, schema_json
from ..site.output import protected_folder
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
    folder = _protected_folder_around(out)
    if folder is not None:
        click.echo(f"recertgen: refusing to write schemas into {out}: it is inside the folder {folder}, "
                   "which only add, log and init write into", err=True)
        sys.exit(EXIT_UNUSABLE)
    out.mkdir(parents=True, exist_ok=True)
    for name in ([kind] if kind else KINDS):
        path = out / f"{name}.schema.json"
        path.write_text(schema_json(name), encoding="utf-8")
        click.echo(f"Wrote {path}")


def _protected_folder_around(folder: Path) -> Path | None:
    """A ledger (or templates) folder `folder` is in, if any: schema takes no
    ROOT, so every repository above it is asked, with its own settings."""
    for repo in folder.resolve().parents:
        name = "ledger"
        if (repo / SETTINGS_FILE).is_file():
            try:
                name = read_settings_file(repo)[0].ledger
            except UnusableRoot:
                pass
        if (repo / name).is_dir():
            found = protected_folder(folder, repo, name)
            if found is not None:
                return found
    return None
