"""Simple prose skips markdown-it; what it renders must be what markdown-it
would have rendered, on every text the shortcut accepts."""

from __future__ import annotations

import random

from recertgen.site.markdown import _markdown_it, _simple_paragraphs, render_markdown

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
    accepted = 0
    for _ in range(20000):
        text = "".join(rng.choice(RISKY if rng.random() < 0.05 else SAFE) for _ in range(rng.randint(1, 14)))
        simple = _simple_paragraphs(text)
        if simple is not None:
            assert simple == _markdown_it(text), repr(text)
            accepted += 1
    assert accepted > 2000  # the shortcut was really exercised


# Inline constructs the shortcut renders, near misses it must leave to
# markdown-it (or render exactly alike), and their surroundings.
GOOD = [
    "**bold**", "**two words**", "*em*", "*a*", "**x**", "`code`", "`a \"q\" *b* [c]`",
    "[link](https://example.org/)", "[two words](http://a.b/c?d=e#f)", "[x](https://h.org:8080/p+q~r)",
]
INLINE = GOOD + [
    "` x `", "``", "`a``b`", "[L](https://EXAMPLE.org/)", "[l](https://x.org/a%20b)", "[l](https://x.org/(a))", "[l](javascript:x)",
    "[l](https://x.org/ 'title')", "[l]", "[l](", "![i](https://x.org/i.png)", "[**b**](https://x.org)", "[ l ](https://x.org)",
    "**", "*", "***", "**a", "a**", "*a", "a*", "** a**", "**a **", "_a_", "__a__", "`", "[", "]", "(", ")",
    "\\*", "&amp;", "<b>", "\u00e9", "\u00a0", "\t",
]
WORDS = ["a", "Word", "9", "1.", "x", " ", "  ", ".", ",", "!", "?", ")", "(", ":", "'", '"', "-", "\u2014"]


def test_simple_markup_renders_as_markdown_it_would():
    rng = random.Random(12)
    accepted = 0
    seen = {"<strong>": 0, "<em>": 0, "<code>": 0, "<a ": 0}
    for _ in range(30000):
        pieces = []
        for _ in range(rng.randint(1, 10)):
            roll = rng.random()
            pool = GOOD if roll < 0.25 else INLINE if roll < 0.35 else WORDS
            pieces.append(rng.choice(["\n", "\n\n"]) if roll > 0.95 else rng.choice(pool))
        text = "".join(pieces) if rng.random() < 0.3 else " ".join(pieces)
        simple = _simple_paragraphs(text)
        if simple is not None:
            assert simple == _markdown_it(text), repr(text)
            accepted += 1
            for tag in seen:
                seen[tag] += tag in simple
    assert accepted > 2000 and min(seen.values()) > 200, seen  # each construct really went through the shortcut


def test_the_shortcut_takes_typical_descriptions():
    for text in (
        "Led the 14-month migration of the internal audit team to a new GRC platform (budget, vendor, 9 people).\n"
        "PMI allows 8 PDUs for working as a professional, once per cycle.\n\nSecond paragraph: \u201cquoted\u201d!\n",
        "Notes with **Markdown** and a [link](https://example.org/).",
        "Used `nmap` and *Burp Suite*.\nSee [the agenda](https://conf.example.org/2026/agenda#day-2).",
    ):
        assert _simple_paragraphs(text) is not None, text
        assert str(render_markdown(text)) == _markdown_it(text)
    for markdown in ("1. first", "Title\n===", "a  \nb", "- item", "# Heading", "[l](https://x.org/(a))", "a_b_c",
                     "**a**b", "<b>x</b>", "[x](javascript:alert(1))"):
        assert _simple_paragraphs(markdown) is None, markdown
