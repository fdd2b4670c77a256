"""JSON with amounts as numbers with two places (`86.50`, not `86.5`)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from ..amounts import fmt

_MARK = "\u0000amount:"
_MARKED = re.compile(r'"\\u0000amount:(-?[0-9.]+)"')


def dumps(data, indent: int | None = 2) -> str:
    def default(value):
        if isinstance(value, Decimal):
            return _MARK + fmt(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        raise TypeError(f"cannot write {type(value).__name__} as JSON")

    text = json.dumps(data, default=default, indent=indent, ensure_ascii=False, sort_keys=False)
    return _MARKED.sub(r"\1", text)
