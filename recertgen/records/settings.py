"""`recertgen.yaml`: optional settings, all keys optional."""

from __future__ import annotations

import posixpath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..fields import MapReader, as_text
from ..model import Settings, spots
from ..problems import Problem, Source
from ..yamlio import Scalar, YMap, YSeq, describe

KEYS = ("title", "holder", "ledger", "output", "timezone", "pace", "sources", "repository_url", "cache")
PACE_KEYS = ("tolerance_days",)
MAX_TOLERANCE_DAYS = 3650  # ten years: more than issuers' cycles last, so "never ahead or behind" can still be said


def read_settings(node: YMap, rel: str, problems: list[Problem]) -> Settings:
    r = MapReader(node, rel, problems, "recertgen.yaml")
    r.unknown_keys(KEYS)
    defaults = Settings()
    timezone = r.text("timezone") or defaults.timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.error(r.at("timezone"), f"unknown timezone {timezone!r}: use an IANA name like Europe/Berlin or America/New_York")
        timezone = defaults.timezone
    tolerance = defaults.tolerance_days
    pace = r.mapping("pace")
    if pace is not None:
        p = MapReader(pace, rel, problems, "pace settings")
        p.unknown_keys(PACE_KEYS)
        value = p.integer("tolerance_days", minimum=0, maximum=MAX_TOLERANCE_DAYS)
        tolerance = defaults.tolerance_days if value is None else value
    repository_url = r.text("repository_url")
    if repository_url and not repository_url.startswith("https://"):
        r.error(r.at("repository_url"), "'repository_url' must be an https address")
        repository_url = None
    ledger = _folder(r, "ledger", defaults.ledger)
    if ledger == ".":  # the settings, templates and site live beside the ledger, which only add, log and init write into
        r.error(r.at("ledger"), "'ledger' must be a folder of its own inside the repository (such as ledger), not the "
                                "repository itself: recertgen.yaml, templates/ and the built site live beside it")
        ledger = defaults.ledger
    output = _folder(r, "output", defaults.output)
    if not r.has("output") and (_within(ledger, output) or _within(output, ledger)):
        r.error(r.at("ledger"), _ledger_meets_default_output(ledger, output))
        ledger = defaults.ledger
    if _within(ledger, output) and not _within(output, ledger):  # the repository, or a folder around the ledger
        r.error(r.at("output"), f"'output' must be a folder of its own, not one holding the ledger ({output!r})")
        output = defaults.output
    cache = r.text("cache")
    for key, value in (("output", output), ("cache", cache)):
        if value and _within(value, ledger):  # SPEC §4: only add, log and init write into the ledger
            r.error(r.at(key), f"'{key}' must not be inside the ledger folder ({ledger}): only add, log and init write there")
    return Settings(
        title=r.text("title") or defaults.title,
        holder=r.text("holder") or "",
        ledger=ledger,
        output=defaults.output if _within(output, ledger) else output,
        timezone=timezone,
        tolerance_days=tolerance,
        sources=_sources(r),
        repository_url=repository_url.rstrip("/") if repository_url else None,
        cache=None if cache and _within(cache, ledger) else cache,
        source=Source(rel),
        positions=spots(node),
    )


def _ledger_meets_default_output(ledger: str, output: str) -> str:
    """Why a `ledger` cannot be where the site is built by default (the
    build replaces that folder; only add, log and init write into the
    ledger), said at `ledger`: the user never wrote `output`."""
    what = "and the build output cannot be the same folder" if ledger == output else "cannot be inside the build output folder"
    return f"'ledger' {what} ({output}, the default 'output'): name another ledger folder, or set 'output'"


def _within(path: str, folder: str) -> bool:
    """Whether a repository-relative `path` is `folder` or inside it."""
    parts = [p for p in path.strip().split("/") if p not in ("", ".")]
    top = [p for p in folder.split("/") if p not in ("", ".")]
    return parts[:len(top)] == top


def _folder(r: MapReader, key: str, default: str) -> str:
    value = r.text(key)
    if value is None:
        return default
    value = value.strip().rstrip("/") or default
    if value.startswith("/") or ".." in value.split("/"):
        r.error(r.at(key), f"'{key}' must be a folder inside the repository, found {value!r}")
        return default
    return posixpath.normpath(value)  # ./ledger and ledger//x name what the scan and the watcher name ledger and ledger/x


def _sources(r: MapReader) -> dict[str, str]:
    """A list of platform names, or a mapping of name to display name."""
    node = r.raw("sources")
    result: dict[str, str] = {}
    if node is None:
        return result
    if isinstance(node, YSeq):
        for item in node:
            text = as_text(item)
            if text:
                result[text] = text
            else:
                r.error(r.node_at(item), f"each source must be a platform name, found {describe(item)}")
    elif isinstance(node, YMap):
        for name, value in node.items():
            label = as_text(value) if isinstance(value, Scalar) else None
            result[name] = label or name
    else:
        r.error(r.at("sources"), f"'sources' must be a list of platform names, found {describe(node)}")
    return result
