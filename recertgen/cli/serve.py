from __future__ import annotations

import sys
from pathlib import Path

import click

from ..loader import UnusableRoot, read_settings_file
from .common import EXIT_UNUSABLE, as_of_option, root_argument


@click.command()
@root_argument
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1; 0 picks a free one.")
@as_of_option
def serve(root: Path, port, as_of):
    """Build the site into a temporary folder, serve it on 127.0.0.1 and
    rebuild on every save. The open page reloads itself; a rebuild with
    problems keeps the last good site and shows them. Ctrl-C stops."""
    from ..serve import run

    try:
        read_settings_file(root)
    except UnusableRoot as exc:
        click.echo(f"recertgen: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    try:
        run(root, port, as_of, echo=lambda text: click.echo(text, err=False) or sys.stdout.flush())
    except OSError as exc:
        click.echo(f"recertgen: cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
