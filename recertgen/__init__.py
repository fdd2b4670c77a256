"""recertgen: continuing-education credits kept as YAML under git, turned into
a pace report, an audit trail and a static site.

The library API is the front door in `recertgen.api`: `load(root)` reads,
validates and computes a ledger; the site builder and exports take what it
returns.
"""

__version__ = "0.1.0"

from .api import Loaded, UnusableRoot, load, today  # noqa: E402

__all__ = ["__version__", "Loaded", "UnusableRoot", "load", "today"]
