"""Descriptions are Markdown with raw HTML off and only safe link targets.

A ledger may be shared; a description must never run script in an
auditor's browser nor pull anything from another host. So: no raw HTML, no
images (they would load from elsewhere), and links only to http, https,
mailto or relative targets.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markupsafe import Markup

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


def _safe_link(url: str) -> bool:
    target = "".join(url.split()).strip()  # browsers ignore whitespace inside schemes
    match = _SCHEME.match(target)
    if match is None:
        return not target.startswith("//")  # protocol-relative would leave the site
    return match.group(1).lower() in ALLOWED_SCHEMES


@functools.cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = _safe_link
    return md


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    html = _renderer().render(text)
    # external links open normally but never pass the referrer or the opener
    html = html.replace('<a href="http', '<a rel="noopener noreferrer" href="http')
    return Markup(html)
