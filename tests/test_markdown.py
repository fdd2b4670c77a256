"""Plain prose skips markdown-it; what it renders must be what markdown-it
would have rendered, on every text the shortcut accepts."""

from __future__ import annotations

import random

from recertgen.site.markdown import _plain_paragraphs, _renderer, render_markdown

SAFE = [
    "a", "Word", "caf\u00e9", "9", "14", "1.", "2)", "1.5", " ", "  ", "\n", "\n\n", ".", ",", ";", ":", "'", '"', "(", ")",
    "?", "!", "%", "/", "+", "=", "#", "@", "$", "^", "{", "}", "|", "~", "-", "\u2014", "\u2019", "\u201c", "\u2026",
]
RISKY = [
    "*", "_", "`", "[", "]", "<", ">", "&", "\\", "\t", "===", "---", "- ", "+ ", "# ", "> ", "    ", "&amp;", "<b>",
    "**bold**", "[l](https://x.org)", "\u00a0", "\u0301", "x_y", "~~s~~", "1. item", "\r\n",
]


def test_plain_prose_renders_as_markdown_it_would():
    rng = random.Random(11)
    renderer = _renderer()
    accepted = 0
    for _ in range(20000):
        text = "".join(rng.choice(RISKY if rng.random() < 0.05 else SAFE) for _ in range(rng.randint(1, 14)))
        plain = _plain_paragraphs(text)
        if plain is not None:
            assert plain == renderer.render(text), repr(text)
            accepted += 1
    assert accepted > 2000  # the shortcut was really exercised


def test_the_shortcut_takes_typical_descriptions():
    text = ("Led the 14-month migration of the internal audit team to a new GRC platform (budget, vendor, 9 people).\n"
            "PMI allows 8 PDUs for working as a professional, once per cycle.\n\nSecond paragraph: \u201cquoted\u201d!\n")
    assert _plain_paragraphs(text) is not None
    assert str(render_markdown(text)) == _renderer().render(text)
    for markdown in ("Notes with **Markdown**.", "1. first", "A [link](https://example.org/).", "Title\n===", "a  \nb"):
        assert _plain_paragraphs(markdown) is None
