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


# Most descriptions are a sentence or two of plain prose. markdown-it takes
# ~90 µs to find nothing to do in one; text made only of these characters,
# each line starting with a letter, digit or opening quote and not ending in
# a space, and no line like "1." (a list), has no Markdown in it: each
# paragraph is its lines as they are, with `"` escaped (a test compares this
# with markdown-it on thousands of texts).
_PLAIN_LINE = re.compile(r"""(?![0-9]{1,9}[.)](?: |$))[^\W_("'‘“](?:[^\W_]|[ .,;:'"()?%/+=#@$^{}|~!–—‘’“”…-])*(?<! )""")


def _plain_paragraphs(text: str) -> str | None:
    """The HTML markdown-it would make of plain prose, or None."""
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
        elif _PLAIN_LINE.fullmatch(line):
            paragraphs[-1].append(line)
        else:
            return None
    return "".join("<p>" + "\n".join(lines).replace('"', "&quot;") + "</p>\n" for lines in paragraphs if lines)


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    plain = _plain_paragraphs(text)
    if plain is not None:
        return Markup(plain)
    html = _renderer().render(text)
    # external links open normally but never pass the referrer or the opener
    html = html.replace('<a href="http', '<a rel="noopener noreferrer" href="http')
    return Markup(html)
