"""Where the running recertgen was installed from, as a pip requirement a
new repository's CI can install — the same code that made the repository.

recertgen is not on PyPI: a CI workflow saying `pip install recertgen`
would fail on its first push. pip records how each package was installed
(PEP 610, `direct_url.json`): from a git URL (pinned here to the commit
that was installed), from a wheel or archive on the web, from an index
(then by its version), or from a local folder or file, which CI cannot
reach — unless that folder is a git clone whose commit is on a remote.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from . import __version__


@dataclass(frozen=True)
class InstallSource:
    requirement: str  # what `pip install` takes, quoted where the shell needs it
    reachable: bool  # False: CI cannot fetch it as written; the workflow says what to change


def install_source(direct_url: dict | None = None, version: str = __version__) -> InstallSource:
    """The requirement for this recertgen. (`direct_url`: pip's record,
    read from the installed package when not given.)"""
    record = direct_url if direct_url is not None else _installed_record()
    if record is None:  # from an index: the same version from it
        return InstallSource(f"recertgen=={version}", True)
    url = str(record.get("url", ""))
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and not url.startswith("file:"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return InstallSource(_quoted(f"recertgen @ git+{url}" + (f"@{commit}" if commit else "")), True)
    if url.startswith(("https://", "http://")):
        return InstallSource(_quoted(f"recertgen @ {url}"), True)
    if url.startswith("file:"):
        clone = _pushed_clone(Path(unquote(urlparse(url).path)))
        if clone is not None:
            return InstallSource(_quoted(f"recertgen @ git+{clone[0]}@{clone[1]}"), True)
    return InstallSource(f"recertgen=={version}", False)


def _installed_record() -> dict | None:
    try:
        text = metadata.distribution("recertgen").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _pushed_clone(folder: Path) -> tuple[str, str] | None:
    """(origin's URL, the checked-out commit) when `folder` is a git clone
    whose commit a remote branch holds and whose origin CI can fetch."""
    origin = _git(folder, "remote", "get-url", "origin")
    commit = _git(folder, "rev-parse", "HEAD")
    if not origin or not commit or not origin.startswith(("https://", "ssh://", "git@")):
        return None
    if not _git(folder, "branch", "--remotes", "--contains", commit):
        return None  # not pushed: CI would not find it
    if origin.startswith("git@"):  # scp-like syntax pip does not take: git@host:path
        host, _, path = origin[len("git@"):].partition(":")
        origin = f"ssh://git@{host}/{path}"
    return origin, commit


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _quoted(requirement: str) -> str:
    return f'"{requirement}"'
