"""`ledger/opportunities/**/*.yaml`: CE a person could earn."""

from __future__ import annotations

from ..fields import MapReader, unsafe_url
from ..model import DELIVERIES, Opportunity, spots
from ..problems import Problem
from ..yamlio import YMap

KEYS = (
    "id", "title", "provider", "url", "format", "delivery", "starts", "ends", "hours", "minutes",
    "cost", "topics", "counts_toward", "description",
)
FORMATS = ("webinar", "course", "conference", "book", "podcast", "workshop", "article", "video", "exam", "volunteering", "other")


def read_opportunity(node: YMap, rel: str, problems: list[Problem]) -> Opportunity | None:
    r = MapReader(node, rel, problems, "an opportunity")
    r.unknown_keys(KEYS)
    opp_id = r.ident("id", required=True, item=True)
    title = r.text("title")
    if title is None:
        r.warn(r.here(), "opportunity has no 'title'; its id is shown instead")
    url = r.text("url")
    if url is not None and not url.startswith(("https://", "http://")):
        r.error(r.at("url"), f"'url' must be an http(s) address, found {url!r}")
        url = None
    elif url is not None and (bad := unsafe_url(url)):
        r.error(r.at("url"), f"'url' holds {bad!r}, which an address must percent-encode: {url!r}")
        url = None
    fmt = r.text("format")
    if fmt is not None and fmt.lower() not in FORMATS:
        r.warn(r.at("format"), f"unusual format {fmt!r}; known formats: {', '.join(FORMATS)}")
    starts = r.date("starts")
    ends = r.date("ends")
    if starts and ends and ends < starts:
        r.error(r.at("ends"), f"opportunity ends ({ends}) before it starts ({starts})")
    hours = r.amount("hours", duration=True)
    minutes = r.amount("minutes", duration=True)
    if hours is not None and minutes is not None:
        r.error(r.at("minutes"), "give 'hours' or 'minutes', not both")
    if opp_id is None:
        return None
    return Opportunity(
        id=opp_id,
        title=title or opp_id,
        provider=r.text("provider"),
        url=url,
        format=fmt.lower() if fmt else None,
        delivery=r.choice("delivery", DELIVERIES),
        starts=starts,
        ends=ends,
        minutes=hours * 60 if hours is not None else minutes,
        cost=r.text("cost"),
        topics=r.text_list("topics"),
        counts_toward=r.text_list("counts_toward"),
        description=r.text("description"),
        file=rel,
        source=r.here(),
        positions=spots(node),
    )
