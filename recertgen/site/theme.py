"""The theme: the ledger's own `templates/` first, then the built-in one.

A ledger overrides a template or an asset file by file, and can extend a
built-in template with `{% extends "builtin/base.html" %}`. Autoescape is
on for everything and undefined variables are errors, so a mistyped name
in an override fails the build instead of printing nothing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..amounts import fmt
from ..problems import Problem, Source, error

if TYPE_CHECKING:
    from jinja2 import Environment

ASSETS = "assets"
TEMPLATE_SUFFIXES = (".html", ".svg", ".xml", ".txt")  # what a theme renders; the rest of assets/ is copied


def builtin_theme() -> Path:
    """Inside an installed wheel the theme is `recertgen/templates`; in a
    source checkout it is the repository's top-level `templates/`."""
    packaged = Path(str(resources.files("recertgen"))) / "templates"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the built-in theme is missing: reinstall recertgen")


def theme_dirs(root: Path) -> list[Path]:
    own = root / "templates"
    dirs = [own] if own.is_dir() else []
    dirs.append(builtin_theme())
    return dirs


def own_templates_mention(root: Path, word: str) -> bool:
    """Whether any of the ledger's own templates uses `word` (say, the
    commit, which the built-in theme shows only on summary pages). Assets
    are copied, not rendered, so they are not read."""
    own = root / "templates"
    if not own.is_dir():
        return False
    assets = own / "assets"
    for path in own.rglob("*"):
        if path.is_relative_to(assets):
            continue
        try:
            if path.is_file() and word in path.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def own_template_names(root: Path) -> list[str]:
    """The ledger's own templates (not its assets), by the names the
    loader knows them by, so they can all be compiled up front."""
    own = root / "templates"
    if not own.is_dir():
        return []
    assets = own / ASSETS
    return sorted(path.relative_to(own).as_posix() for path in own.rglob("*")
                  if path.suffix in TEMPLATE_SUFFIXES and not path.is_relative_to(assets) and path.is_file())


def own_template_problems(root: Path, env: Environment | None = None) -> list[Problem]:
    """Every mistake in the ledger's own templates that shows without
    rendering, all said at once rather than one per build: syntax, and a
    parent, include or import that exists nowhere. `check` says them as
    `build` would stop on them (`env`: the build's own, whose compiled
    templates it then renders with). Mistakes only rendering shows (an
    undefined name) still stop the build at the first."""
    names = own_template_names(root)
    if not names:
        return []  # no jinja2 to load
    env = env if env is not None else environment(root)
    problems = []
    for name in names:
        try:
            env.get_template(name)
        except Exception as exc:
            problems.append(template_problem(exc, root))
            continue
        problems.extend(_missing_templates(env, name, root))
    return problems


def _missing_templates(env: Environment, name: str, root: Path) -> list[Problem]:
    """The templates `name` extends, includes or imports by a written name
    that no folder of the theme holds, at the line asking for each."""
    from jinja2 import TemplateNotFound, nodes

    source, filename, _ = env.loader.get_source(env, name)
    problems = []
    for node in env.parse(source, name, filename).find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        wanted = _written_names(node.template)
        if not wanted or getattr(node, "ignore_missing", False):
            continue  # a name worked out while rendering, or one that may be missing
        missing = []
        for candidate in wanted:  # an include of a list takes the first that exists
            try:
                env.loader.get_source(env, candidate)
                break
            except TemplateNotFound:
                missing.append(candidate)
            except Exception:  # there, but unreadable: compiling it says so
                break
        else:
            problems.append(error(Source(_shown_path(filename, root), node.lineno, 1), f"template error: {_not_found(missing[0])}"))
    return problems


def _written_names(node) -> list[str]:
    """The template names a tag names as written ("a.html", ["a.html",
    "b.html"]); none for a name computed while rendering."""
    from jinja2 import nodes

    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (nodes.List, nodes.Tuple)) and node.items:
        names = [item.value for item in node.items if isinstance(item, nodes.Const) and isinstance(item.value, str)]
        return names if len(names) == len(node.items) else []
    return []


def template_problem(exc: Exception, root: Path) -> Problem:
    """Point at the template line: syntax errors carry it; runtime errors
    (an undefined name in an override) leave it in the traceback."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not filename:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(TEMPLATE_SUFFIXES):
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    if not filename:  # no template in the traceback: not a template's mistake, so not called one
        return error(Source("templates"), f"the build failed: {type(exc).__name__}: {exc}")
    if isinstance(exc, TemplateNotFound):  # included or extended from this line
        message = _not_found(exc.name)
    elif isinstance(exc, TemplateSyntaxError):
        message = exc.message
    else:
        message = str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
    return error(Source(_shown_path(filename, root), line or 1, 1), f"template error: {message}")


def _not_found(name: str) -> str:
    return f"template {name!r} not found (neither in templates/ nor in the built-in theme)"


def _shown_path(filename: str, root: Path) -> str:
    """A template's file as problems show it: relative to the ledger's
    repository, or the built-in theme's."""
    path = Path(filename)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"templates/{path.name} (built-in theme)"


def environment(root: Path) -> Environment:
    # jinja2 is loaded here, not with this module: `build` tells "nothing
    # changed" from the theme's files without it
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, pass_context

    dirs = theme_dirs(root)
    loader = ChoiceLoader([
        FileSystemLoader([str(d) for d in dirs]),
        PrefixLoader({"builtin": FileSystemLoader(str(builtin_theme()))}),
    ])
    env = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["amount"] = fmt
    env.globals["url"] = pass_context(page_url)
    env.globals["once"] = pass_context(_Once(env))
    return env


class _Once:
    """`{{ once("partial.html", name=value, ...) }}`: the partial rendered
    once for each distinct set of values, then repeated. For the parts
    that many items share — an opportunity's estimates table, say, twenty
    rows alike for every opportunity of the same duration and delivery.
    The partial sees the site and the way to the site's root (so `url`
    works) besides the values, which must be hashable; the memo is kept
    per root, so every page comes out exactly as if it were included."""

    SHARED = ("site", "page_root")

    def __init__(self, env) -> None:
        from markupsafe import Markup  # with jinja2, loaded only when pages are rendered

        self.env, self.markup = env, Markup
        self.memo: dict = {}

    def __call__(self, context, template: str, **values):
        key = (template, context.get("page_root"), *sorted(values.items()))
        found = self.memo.get(key)
        if found is None:
            shared = {name: context[name] for name in self.SHARED if name in context}
            text = self.env.get_template(template).render({**shared, **values})
            # the partial's file ends with a line break; the call's own line ends it on the page
            found = self.memo[key] = self.markup(text[:-1] if text.endswith("\n") else text)
        return found


def page_url(context, target: str) -> str:
    """A link from the page being rendered to a site path, made relative so
    the site works from disk and under any sub-path. Absolute URLs pass.
    (Every page path is site-relative, so the way up is one '../' per
    folder: cheaper than os.path.relpath on every link of every page.)"""
    if "://" in target or target.startswith(("mailto:", "#")):
        return target
    return context["page_root"] + target


def root_prefix(page_path: str) -> str:
    return "../" * page_path.count("/")


def asset_files(root: Path) -> dict[str, Path]:
    """Site path → file for every theme asset; the ledger's own win."""
    found: dict[str, Path] = {}
    for base in reversed(theme_dirs(root)):
        folder = base / ASSETS
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[f"{ASSETS}/{path.relative_to(folder).as_posix()}"] = path
    return dict(sorted(found.items()))
