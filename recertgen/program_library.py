"""The built-in program templates, read once from the package's data files.

The templates are data (`recertgen/programs/*.yaml`), not code, so that a
reviewer can check every value against RULES.md and a ledger can copy one
into `ledger/programs/` to adjust it.
"""

from __future__ import annotations

import functools
from importlib import resources

from .model import Program, SourceRef
from .problems import Problem
from .records.program import read_program, read_source_index
from .yamlio import YMap, parse_yaml_bytes

SOURCES_FILE = "_sources.yaml"


def _package_files():
    return resources.files("recertgen") / "programs"


@functools.cache
def source_index() -> dict[str, SourceRef]:
    data = (_package_files() / SOURCES_FILE).read_bytes()
    return read_source_index(parse_yaml_bytes(data, SOURCES_FILE).root)


@functools.cache
def _load() -> tuple[dict[str, Program], tuple[Problem, ...]]:
    programs: dict[str, Program] = {}
    problems: list[Problem] = []
    index = source_index()
    for item in sorted(_package_files().iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml") or item.name.startswith("_"):
            continue
        rel = f"recertgen/programs/{item.name}"
        parsed = parse_yaml_bytes(item.read_bytes(), rel)
        problems.extend(parsed.problems)
        if isinstance(parsed.root, YMap):
            program = read_program(parsed.root, rel, problems, builtin=True, source_index=index)
            if program is not None:
                programs[program.id] = program
    return programs, tuple(problems)


def builtin_programs() -> dict[str, Program]:
    return _load()[0]


def builtin_problems() -> tuple[Problem, ...]:
    """Problems in the shipped templates themselves; a test keeps this empty."""
    return _load()[1]
