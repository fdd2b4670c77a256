"""Plain-text tables for the terminal (no dependency: ours are small)."""

from __future__ import annotations

from typing import Callable, Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], style: Callable[[int, int, str], str] | None = None,
          right: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell; `style(row, col, padded)` may
    colour a cell after padding so widths stay right."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells, r):
        out = []
        for i, cell in enumerate(cells):
            padded = cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            out.append(style(r, i, padded) if style and r >= 0 else padded)
        return "  ".join(out).rstrip()

    lines = [line(headers, -1), "  ".join("-" * w for w in widths)]
    lines.extend(line(row, r) for r, row in enumerate(rows))
    return "\n".join(lines)
