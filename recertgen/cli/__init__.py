"""The command line: each command parses, calls the library, picks an exit code."""

from __future__ import annotations

import gc

import click

from .. import __version__
from .add import add
from .build import build
from .check import check
from .export import export
from .init import init
from .log import log
from .programs import programs
from .schema import schema
from .serve import serve
from .status import status


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="recertgen", message="%(prog)s %(version)s")
def main() -> None:
    """Keep continuing-education credits as YAML under git; see where every
    certification stands; hand an auditor the proof."""
    # A ledger is millions of small immutable objects that live until the
    # command ends, and they hold no reference cycles: the cyclic collector
    # would only scan them again and again, in the parent and in every forked
    # worker. A cold build at 100,000 entries is 10 % faster without it, for
    # 3 % more peak memory. `serve`, which runs on, collects while idle
    # (`Server.collect_garbage`).
    gc.disable()


for command in (check, build, status, add, log, export, init, programs, schema, serve):
    main.add_command(command)
