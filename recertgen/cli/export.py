from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..exports.audit import audit_rows, filter_rows, to_csv
from ..exports.certificates import write_certificates_zip
from ..fields import did_you_mean
from ..gitinfo import recorded_dates
from ..loader import SETTINGS_FILE
from ..problems import format_problems
from ..site.output import protected_folder, write_whole
from .common import EXIT_PROBLEMS, EXIT_UNUSABLE, as_of_option, load_or_exit, parse_date, root_argument


@click.group()
def export():
    """The audit CSV (to standard output or a file) or the proof files (a ZIP), filtered."""


def _rows(root, as_of, cert, output: Path | None, source: str | None = None):
    loaded = load_or_exit(root, as_of)
    if output is not None:
        _refuse_the_ledger(output, loaded.ledger)
    if loaded.errors:
        click.echo(format_problems(loaded.problems, "text", loaded.ledger.files_read), err=True)
        click.echo("recertgen: the ledger has errors; nothing was exported", err=True)
        sys.exit(EXIT_PROBLEMS)
    ids = [c.id for c in loaded.ledger.certifications]
    if cert is not None and cert not in ids:
        click.echo(f"recertgen: unknown certification {cert!r}{did_you_mean(cert, ids, ignore_case=True)}", err=True)
        sys.exit(EXIT_UNUSABLE)
    rows = audit_rows(loaded.ledger, loaded.report, recorded_dates(loaded.ledger))
    return rows, _source_name(source, loaded.ledger, rows)


def _source_name(source: str | None, ledger, rows) -> str | None:
    """`--source` as written in entries' `source` (or `external`); a
    platform's display name from the settings means that platform. A name
    nobody uses is a mistake, not an empty export."""
    if source is None:
        return None
    sources = ledger.settings.sources
    known = {"external", *sources, *(r.entry.source_name for r in rows)}
    if source in known:
        return source
    by_label = [name for name, label in sources.items() if label == source]
    if by_label:
        return by_label[0]
    click.echo(f"recertgen: no entry has source {source!r}{did_you_mean(source, sorted(known), ignore_case=True)}; "
               f"known: {', '.join(sorted(known))}", err=True)
    sys.exit(EXIT_UNUSABLE)


def _refuse_the_ledger(output: Path, ledger) -> None:
    """Only `add`, `log` and `init` write into the ledger (SPEC §4): an
    export aimed into the ledger or templates folder would replace or add a
    file there, so it is refused before anything is written."""
    folder = protected_folder(output, ledger.root, ledger.settings.ledger)
    if folder is not None:
        click.echo(f"recertgen: refusing to write {output}: it is inside the {folder.name} folder, "
                   "which only add, log and init write into", err=True)
        sys.exit(EXIT_UNUSABLE)
    if output.resolve() == (ledger.root / SETTINGS_FILE).resolve():
        click.echo(f"recertgen: refusing to write {output}: it is the repository's settings file", err=True)
        sys.exit(EXIT_UNUSABLE)


STDOUT = "-"


@export.command("csv")
@root_argument
@click.option("--cert", metavar="ID", help="Only this certification.")
@click.option("--from", "start", callback=parse_date, metavar="DATE", help="Only entries on or after this date.")
@click.option("--to", "end", callback=parse_date, metavar="DATE", help="Only entries on or before this date.")
@click.option("--source", metavar="S", help="Only this source: 'external' or a platform's name.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), help="Write to this file instead of standard output.")
@as_of_option
def export_csv(root, cert, start, end, source, output, as_of):
    """The audit CSV (one row per entry × certification), as in site/audit.csv."""
    if start is not None and end is not None and start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}", param_hint="'--from'")
    rows, source = _rows(root, as_of, cert, output, source)
    rows = filter_rows(rows, cert=cert, start=start, end=end, source=source)
    text = to_csv(rows)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, lambda handle: handle.write(text.encode("utf-8")))
        click.echo(f"Wrote {len(rows)} row{'s' if len(rows) != 1 else ''} to {_shown(output)}", err=True)


@export.command("certificates")
@root_argument
@click.option("--cert", metavar="ID", help="Only this certification.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=Path("certificates.zip"),
              show_default=True, help="The ZIP file to write ('-': standard output).")
@as_of_option
def export_certificates(root, cert, output, as_of):
    """The proof files in a ZIP, by certification and cycle, with a manifest."""
    rows, _ = _rows(root, as_of, cert, output)
    rows = filter_rows(rows, cert=cert)
    count = _write(output, lambda handle: write_certificates_zip(rows, handle))
    click.echo(f"Wrote {count} proof file{'s' if count != 1 else ''} to {_shown(output)}", err=True)


def _shown(output: Path) -> str:
    return "standard output" if str(output) == STDOUT else str(output)


def _write(output: Path, write):
    """The export written whole, or exit 2 saying why it could not be
    (a missing folder, a read-only file, a full disk): no half file.
    `-o -` is standard output, as for most tools."""
    try:
        if str(output) == STDOUT:
            stream = click.get_binary_stream("stdout")
            result = write(stream)
            stream.flush()
            return result
        return write_whole(output, write)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError) and str(output) == STDOUT:
            raise  # a reader that stopped reading (`| head`): said as for any command's output
        elsewhere = exc.filename and Path(os.path.realpath(exc.filename)).parent != Path(os.path.realpath(output)).parent
        reading = f" (reading {exc.filename})" if elsewhere else ""  # a proof file gone since the check, say
        click.echo(f"recertgen: cannot write {_shown(output)}: {exc.strerror or exc}{reading}", err=True)
        sys.exit(EXIT_UNUSABLE)
