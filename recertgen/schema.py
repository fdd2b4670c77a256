"""JSON Schema (draft 2020-12) of each kind of ledger file, for editors.

Editors' YAML support (YAML 1.2: `2026-03-14` and `yes` are strings,
`1.5` is a number) autocompletes keys and flags mistakes with these. They
are self-contained (no remote references) and follow the readers in
`records/`: the key lists come from there, so a key cannot be added to one
and forgotten in the other. Rules that need more than one file (references
between files, digests, cycles) stay with `recertgen check`.
"""

from __future__ import annotations

import json

from .model import ANNUAL_BASES, DELIVERIES, UNITS
from .records import certification, credit, opportunity, program, settings

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_PATTERN = r"^[a-z0-9-]+$"  # fields.ID_RE
ITEM_ID_PATTERN = r"^[A-Za-z0-9_-]+$"  # fields.ITEM_ID_RE: entries and opportunities
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

KINDS = ("settings", "certification", "credit", "opportunity", "program")


def _date(description: str) -> dict:
    return {"type": "string", "pattern": DATE_PATTERN, "format": "date", "description": description}


def _amount(description: str, zero: bool = False, duration: bool = False) -> dict:
    bound = {"minimum": 0} if zero else {"exclusiveMinimum": 0}
    return {"type": "number", **bound, "maximum": 100000, "description": description + ("" if duration else " (at most two decimal places)")}


def _text(description: str) -> dict:
    return {"type": "string", "minLength": 1, "description": description}


def _id(description: str, pattern: str = ID_PATTERN) -> dict:
    return {"type": "string", "pattern": pattern, "description": description}


def _object(properties: dict, keys: tuple[str, ...], required: tuple[str, ...] = (), **extra) -> dict:
    missing = set(keys) - set(properties)
    if missing:  # the readers accept a key the schema does not describe
        raise AssertionError(f"schema lacks keys {sorted(missing)}")
    return {"type": "object", "properties": {k: properties[k] for k in keys}, "required": list(required),
            "additionalProperties": False, **extra}


DELIVERY_LIMITS = {
    "type": "object",
    "description": "delivery method → {max}: credits earned that way count at most so much, whatever their category",
    "propertyNames": {"enum": list(DELIVERIES)},
    "additionalProperties": {"type": "object", "additionalProperties": False, "required": ["max"],
                             "properties": {"max": _amount("at most this many count", zero=True)}},
}
CATEGORIES = {
    "type": "object",
    "description": "category name → {min, max} credits per cycle",
    "additionalProperties": {
        "anyOf": [
            {"type": "null"},
            {"type": "object", "additionalProperties": False, "properties": {
                "min": _amount("at least this many credits", zero=True),
                "max": _amount("at most this many count", zero=True),
                "within": _text("a parent category this one also counts toward"),
                "label": _text("a display name"),
                "one_certification": {"type": "boolean", "description": "these credits count toward one certification of the program only"},
                "once_per_cycle": {"type": "boolean", "description": "claimable once per cycle: one entry in this category per cycle"},
            }},
        ]
    },
}


def settings_schema() -> dict:
    props = {
        "title": _text("the report's title"),
        "holder": _text("whose record this is"),
        "ledger": _text("the ledger folder (default: ledger)"),
        "output": _text("the build output folder (default: site)"),
        "timezone": _text("IANA timezone that decides 'today', e.g. Europe/Berlin (default: UTC)"),
        "pace": {"type": "object", "additionalProperties": False, "properties": {
            "tolerance_days": {"type": "integer", "minimum": 0, "description": "days ahead or behind still 'on track' (default 14)"}}},
        "sources": {"description": "learning platforms: a list of names, or name → display name",
                    "anyOf": [{"type": "array", "items": {"type": "string", "minLength": 1}},
                              {"type": "object", "additionalProperties": {"type": "string"}}]},
        "repository_url": {"type": "string", "pattern": "^https://", "description": "where the ledger lives (GitHub: prefilled new-file links)"},
        "cache": {"type": ["string", "boolean"], "description": "parse cache folder (relative to the repository), or false; default: the user's cache folder"},
    }
    return _object(props, settings.KEYS, title="recertgen.yaml")


def certification_schema() -> dict:
    cycle = _object({
        "start": _date("first day of the cycle"),
        "end": _date("last day (default: start + the program's length − 1 day)"),
        "required": _amount("credits required in the cycle"),
        "annual_minimum": _amount("credits required in each year of the cycle", zero=True),
        "categories": CATEGORIES,
    }, certification.CYCLE_KEYS, ("start",))
    assertion = _object({
        "date": _date("the day the portal showed the total"),
        "total": _amount("the total the body's portal showed", zero=True),
        "source": _text("where it was read, e.g. the ISC2 portal"),
    }, certification.ASSERTION_KEYS, ("date", "total"))
    props = {
        "id": _id("default: the file name"),
        "name": _text("e.g. CISSP"),
        "body": _text("e.g. ISC2 (default: from the program)"),
        "program": _id("a built-in program (`recertgen programs`) or one in ledger/programs/"),
        "credential_id": {"type": ["string", "integer"], "description": "your number with the body"},
        "unit": {"enum": list(UNITS), "description": "default: the program's, else CPE"},
        "certified": _date("the date the certification was earned (cycles are derived from it)"),
        "cycles": {"type": "array", "items": cycle, "description": "renewal cycles; past ones stay for the audit trail"},
        "categories": CATEGORIES,
        "annual_basis": {"enum": list(ANNUAL_BASES)},
        "assertions": {"type": "array", "items": assertion},
    }
    cert = _object(props, certification.KEYS, ("name",), title="ledger/certifications/<id>.yaml")
    # SPEC §2: body and cycles are required unless a program gives them (cycles: with `certified`)
    cert["allOf"] = [
        {"anyOf": [{"required": ["body"]}, {"required": ["program"]}]},
        {"anyOf": [{"required": ["cycles"]}, {"required": ["certified", "program"]}]},
    ]
    return cert


def credit_entry_schema() -> dict:
    allocation = {"anyOf": [
        {"type": "null"},
        _amount("credits toward this certification"),
        _object({"credits": _amount("credits"), "category": _text("one of the certification's categories")},
                credit.ALLOCATION_KEYS),
    ]}
    props = {
        "title": _text("activity title"),
        "provider": _text("who ran it"),
        "date": _date("completion date"),
        "hours": _amount("duration in hours", duration=True),
        "minutes": _amount("duration in minutes", duration=True),
        "counts_toward": {
            "description": "certification ids: a list (credits estimated), or id → credits, or id → {credits, category}; "
                           "a list may also hold {id: credits} items, and one id more than once to split an activity "
                           "across categories where the program allows it (PMI)",
            "anyOf": [
                {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"anyOf": [
                    {"type": "string", "pattern": ID_PATTERN},
                    {"type": "object", "minProperties": 1, "maxProperties": 1, "propertyNames": {"pattern": ID_PATTERN},
                     "additionalProperties": allocation},
                ]}},
                {"type": "object", "minProperties": 1, "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": allocation},
                {"type": "string", "pattern": ID_PATTERN},
            ],
        },
        "source": _text("'external' (default) or a learning platform's name"),
        "delivery": {"enum": list(DELIVERIES)},
        "field_of_study": _text("as the certificate states it"),
        "state": {"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "two-letter code"},
        "proof": _text("a path under ledger/proof/ or an https URL"),
        "proof_sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
        "submitted": {"type": "object", "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": _date("reported on")},
        "description": {"type": "string", "description": "Markdown (raw HTML is not rendered)"},
        "id": _id("a stable id (default: from the file path)", ITEM_ID_PATTERN),
        "semester_hours": _amount("university semester credit hours"),
        "quarter_hours": _amount("university quarter credit hours"),
    }
    entry = _object(props, credit.KEYS, ("title", "provider", "date", "counts_toward"))
    entry["not"] = {"required": ["hours", "minutes"]}
    # a list of certifications asks for estimates, which need a duration; a digest needs its proof file;
    # a proof URL must be https
    entry["allOf"] = [
        {"if": {"properties": {"counts_toward": {"anyOf": [{"type": "string"}, {"type": "array", "contains": {"type": "string"}}]}},
                "required": ["counts_toward"]},
         "then": {"anyOf": [{"required": [key]} for key in ("hours", "minutes", "semester_hours", "quarter_hours")]}},
    ]
    entry["dependentRequired"] = {"proof_sha256": ["proof"]}
    entry["properties"]["proof"] = {**entry["properties"]["proof"], "not": {"pattern": "^[hH][tT][tT][pP]:"}}
    return entry


def credit_schema() -> dict:
    return {"title": "ledger/credits/**/*.yaml: one entry or a list",
            "anyOf": [{"$ref": "#/$defs/entry"}, {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/entry"}}],
            "$defs": {"entry": credit_entry_schema()}}


def opportunity_item_schema() -> dict:
    props = {
        "id": _id("unique; used by `recertgen log ID`", ITEM_ID_PATTERN),
        "title": _text("title"),
        "provider": _text("who offers it"),
        "url": {"type": "string", "pattern": "^https?://"},
        "format": _text("webinar, course, conference, book, podcast, workshop, …"),
        "delivery": {"enum": list(DELIVERIES)},
        "starts": _date("first day"),
        "ends": _date("last day"),
        "hours": _amount("duration in hours", duration=True),
        "minutes": _amount("duration in minutes", duration=True),
        "cost": {"type": ["string", "number"], "description": "'free' or text like '$1,295'"},
        "topics": {"type": "array", "items": {"type": "string"}},
        "counts_toward": {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}, "description": "program or certification ids"},
        "description": {"type": "string", "description": "Markdown"},
    }
    item = _object(props, opportunity.KEYS, ("id",))
    item["not"] = {"required": ["hours", "minutes"]}
    return item


def opportunity_schema() -> dict:
    return {"title": "ledger/opportunities/**/*.yaml: one opportunity or a list",
            "anyOf": [{"$ref": "#/$defs/opportunity"}, {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/opportunity"}}],
            "$defs": {"opportunity": opportunity_item_schema()}}


def program_schema() -> dict:
    rule = {"type": "object", "additionalProperties": False, "properties": {
        "minutes_per_credit": _amount("minutes that make one credit"),
        "increment": _amount("round down to a multiple of this"),
        "minimum": _amount("nothing below this", zero=True),
        "first_increment": _amount("increment below one full credit"),
        "fixed": _amount("a fixed credit per module (nano-learning)"),
        "min_minutes": _amount("a module's minimum length"),
        "bounds_claims": {"type": "boolean"},
        "claim_factor": _amount("a claim may be up to this many times what the duration yields (instructors' preparation)"),
        "claim_floor": _amount("a claim up to this is never refused for its duration (chapter meetings)", zero=True),
        "claim_steps": {"anyOf": [_amount("an explicit claim comes in steps of this from one credit on"),
                                  {"type": "array", "minItems": 1, "items": _amount("an explicit claim comes in steps of one of these from one credit on")}]},
    }}
    estimate = dict(rule)
    estimate["properties"] = {**rule["properties"],
                              "max_per_activity": _amount("at most this much for one activity"),
                              "semester_hour": {"anyOf": [_amount("credits per semester hour"), {"type": "object", "properties": {"minutes": _amount("minutes")}}]},
                              "quarter_hour": {"anyOf": [_amount("credits per quarter hour"), {"type": "object", "properties": {"minutes": _amount("minutes")}}]},
                              "by_delivery": {"type": "object", "propertyNames": {"enum": list(DELIVERIES)}, "additionalProperties": rule},
                              "explicit_only": {"type": "boolean"}}
    props = {
        "id": _id("the program id certifications refer to"),
        "name": _text("short name, e.g. CISSP"),
        "title": _text("full title"),
        "body": _text("issuing body"),
        "unit": {"enum": list(UNITS)},
        "unit_label": _text("the issuer's word for the unit"),
        "cycle": {"type": "object", "additionalProperties": False, "properties": {
            "years": {"type": "integer", "minimum": 1, "maximum": program.MAX_CYCLE_MONTHS // 12},
            "months": {"type": "integer", "minimum": 1, "maximum": program.MAX_CYCLE_MONTHS},
            "anchor": {"enum": list(program.ANCHORS)}, "counts_from_certified": {"type": "boolean"},
            "ends": {"enum": list(program.CYCLE_ENDS)},
            "rolling": {"type": "boolean", "description": "a reporting window every year, looking back the cycle's length (Texas)"},
            "phase_in": {"type": "array", "items": _amount("required in this licence year (0: nothing yet)", zero=True),
                         "description": "what a new licensee's first years require, year by year"}}},
        "required": _amount("credits per cycle"),
        "annual": {"type": "object", "additionalProperties": False, "properties": {
            "minimum": _amount("credits per year", zero=True), "basis": {"enum": list(ANNUAL_BASES)},
            "recommended": _amount("recommended per year (not enforced)"), "categories": CATEGORIES,
            "delivery_limits": DELIVERY_LIMITS}},
        "categories": CATEGORIES,
        "default_category": _text("category of credits that name none"),
        "delivery_categories": {"type": "object", "propertyNames": {"enum": list(DELIVERIES)}, "additionalProperties": {"type": "string"}},
        "delivery_limits": DELIVERY_LIMITS,
        "estimate": estimate,
        "carry_over": {"type": "object", "additionalProperties": False, "required": ["max"], "properties": {
            "max": _amount("at most this much moves to the next cycle"), "window_months": {"type": "integer", "minimum": 1, "maximum": program.MAX_CYCLE_MONTHS},
            "categories": {"type": "array", "items": {"type": "string"}},
            "since": _date("only out of cycles that end on or after this day (when the rule began)")}},
        "once_per_cycle": {"type": "boolean", "description": "the same activity (title and provider) counts once per cycle"},
        "split_across": {"type": "array", "items": {"type": "string"},
                         "description": "categories one activity may be split across, each part with its own credits and category"},
        "one_certification_among": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                                    "description": "an activity counts toward one certification among the programs naming this same pool"},
        "reviewed": _date("when the rules were last checked"),
        "sources": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object", "required": ["url"]}]}},
        "confidence": {"type": "object", "additionalProperties": {"enum": ["O", "Om", "S", "U", "confirmed", "verify", "unconfirmed"]}},
        "notes": {"type": "array", "items": {"type": "string"}},
    }
    return _object(props, program.KEYS, ("name", "body", "cycle"), title="ledger/programs/<id>.yaml (id: the file name by default)")


BUILDERS = {
    "settings": settings_schema,
    "certification": certification_schema,
    "credit": credit_schema,
    "opportunity": opportunity_schema,
    "program": program_schema,
}


def schema(kind: str | None = None) -> dict:
    """One kind's schema, or (no kind) one schema accepting any ledger file."""
    if kind is not None:
        body = BUILDERS[kind]()
        return {"$schema": DRAFT, "$id": f"urn:recertgen:schema:{kind}", **body}
    defs = {}
    for name, build in BUILDERS.items():
        body = build()
        defs.update({f"{name}-{k}": v for k, v in body.pop("$defs", {}).items()})
        defs[name] = _rebase(body, name)
    return {"$schema": DRAFT, "$id": "urn:recertgen:schema", "title": "any recertgen ledger file",
            "anyOf": [{"$ref": f"#/$defs/{name}"} for name in BUILDERS], "$defs": defs}


def _rebase(body: dict, name: str) -> dict:
    """Point a kind's internal references at the combined document's $defs."""
    text = json.dumps(body).replace('"#/$defs/', f'"#/$defs/{name}-')
    return json.loads(text)


def schema_json(kind: str | None = None) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"
