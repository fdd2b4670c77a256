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


# Most descriptions are a sentence or two of prose, perhaps with a word in
# bold, a `code` word or a link. markdown-it takes ~90 µs to render one; text
# of that simple shape is rendered here instead, line by line, and anything
# else goes to markdown-it (a test compares both on many thousands of texts).
# A line qualifies when it starts with a letter, a digit or one of the
# constructs below, is not like "1." (a list), does not end in
# a space (a hard break), and is made only of:
# - text: letters, digits and harmless punctuation (`"` is escaped);
# - `**words**` and `*words*` (letters, digits and spaces inside, starting
#   and ending with a letter or digit), opening after a space or at the start
#   of the line and closing before a space, the end or . , ; : ! ? ) — so each
#   delimiter can only open or only close, and pairs exactly as written;
# - `` `code` `` without backslashes, angle brackets or ampersands;
# - `[text](https://host/path)` with plain text and a URL of characters
#   markdown-it leaves as they are (no %, &, quotes or parentheses).
_TEXT = r"""(?:[^\W_]|[ .,;:'"()?%/+=#@$^{}|~!–—‘’“”…-])"""
_WORDS = r"[^\W_](?:(?:[^\W_]| )*[^\W_])?"
_CLOSES = r"(?=[ .,;:!?)]|$)"
_INLINE = re.compile(
    rf"(?P<strong>(?<![^ ])\*\*(?P<strong_text>{_WORDS})\*\*{_CLOSES})"
    rf"|(?P<em>(?<![^ ])\*(?P<em_text>{_WORDS})\*{_CLOSES})"
    r"|(?P<code>(?<!`)`(?P<code_text>[^\s`<>&\\](?:[^`<>&\\\n]*[^\s`<>&\\])?)`(?!`))"
    rf"|(?P<link>(?<!!)\[(?P<link_text>[^\W_](?:{_TEXT}*[^\W_ ])?)\]"
    r"\((?P<url>https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/=?#+-]*)?)\))"
    rf"|(?P<text>{_TEXT}+)"
)
_LINE_START = re.compile(r"(?![0-9]{1,9}[.)](?: |$))(?:[^\W_]|[*`\[])")


def _simple_line(line: str) -> str | None:
    """The line's inline HTML, or None when it is not of the simple shape."""
    if line.endswith(" ") or not _LINE_START.match(line):
        return None
    html, pos, end = [], 0, len(line)
    while pos < end:
        match = _INLINE.match(line, pos)
        if match is None:
            return None
        kind = match.lastgroup
        if kind == "text":
            html.append(match.group().replace('"', "&quot;"))
        elif kind == "strong":
            html.append(f"<strong>{match['strong_text']}</strong>")
        elif kind == "em":
            html.append(f"<em>{match['em_text']}</em>")
        elif kind == "code":
            html.append("<code>" + match["code_text"].replace('"', "&quot;") + "</code>")
        else:
            text = match["link_text"].replace('"', "&quot;")
            html.append(f'<a rel="noopener noreferrer" href="{match["url"]}">{text}</a>')
        pos = match.end()
    return "".join(html)


def _simple_paragraphs(text: str) -> str | None:
    """The HTML markdown-it would make of simple prose, or None."""
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        html = _simple_line(line)
        if html is None:
            return None
        paragraphs[-1].append(html)
    return "".join("<p>" + "\n".join(lines) + "</p>\n" for lines in paragraphs if lines)


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    simple = _simple_paragraphs(text)
    return Markup(simple if simple is not None else _markdown_it(text))


def _markdown_it(text: str) -> str:
    html = _renderer().render(text)
    # external links open normally but never pass the referrer or the opener
    return html.replace('<a href="http', '<a rel="noopener noreferrer" href="http')
