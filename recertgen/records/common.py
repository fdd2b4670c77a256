"""Pieces of the file format shared by several kinds of record."""

from __future__ import annotations

from ..fields import MapReader
from ..model import CategoryLimit, within_loops
from ..yamlio import Scalar, YMap, describe

CATEGORY_KEYS = ("min", "max", "within", "label", "one_certification", "once_per_cycle")


def read_categories(r: MapReader, key: str) -> tuple[CategoryLimit, ...] | None:
    """`categories: {name: {min, max}}`; None when the key is absent, so a
    certification can tell 'not given' (inherit) from 'given empty'."""
    node = r.raw(key)
    if node is None:
        return None
    if not isinstance(node, YMap):
        r.error(r.at(key), f"'{key}' must be a mapping of category name to {{min, max}}, found {describe(node)}")
        return None
    limits: list[CategoryLimit] = []
    for name, value in node.items():
        where = r.node_at(value)
        if isinstance(value, Scalar) and value.is_null:
            limits.append(CategoryLimit(name=name))
            continue
        if not isinstance(value, YMap):
            r.error(where, f"category '{name}' must be a mapping like {{min: 4}}, found {describe(value)}")
            continue
        c = MapReader(value, r.rel, r.problems, f"category '{name}'")
        c.unknown_keys(CATEGORY_KEYS)
        low = c.amount("min", zero_ok=True)
        high = c.amount("max", zero_ok=True)  # 0: the category counts nothing toward this certification
        if low is not None and high is not None and low > high:
            c.error(c.at("min"), f"category '{name}' has min {low} above its max {high}")
        limits.append(CategoryLimit(name=name, min=low, max=high, within=c.text("within"), label=c.text("label"),
                                    one_certification=read_flag(c, "one_certification"),
                                    once_per_cycle=read_flag(c, "once_per_cycle")))
    names = {limit.name for limit in limits}
    for limit in limits:
        if limit.within is not None and limit.within not in names:
            r.error(r.node_at(node[limit.name]), f"category '{limit.name}' is within {limit.within!r}, which is not a category here")
    for loop in within_loops(limits):
        chain = ", which is within ".join(f"'{name}'" for name in (*loop[1:], loop[0]))
        r.error(r.node_at(node[loop[0]]["within"]), f"category '{loop[0]}' is within {chain}: a loop (remove one 'within')")
    return tuple(limits)


def read_flag(r: MapReader, key: str) -> bool:
    """`true` or `false`; absent is false."""
    value = r.raw(key)
    if value is None:
        return False
    if isinstance(value, Scalar) and value.text.lower() in ("true", "false"):
        return value.text.lower() == "true"
    r.error(r.at(key), f"'{key}' must be true or false, found {describe(value)}")
    return False
