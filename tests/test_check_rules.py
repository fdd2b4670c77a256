"""One case per validation rule of SPEC §2: each names the file, line,
column, severity and a fragment of the message a person would read."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from decimal import Decimal

import pytest

CISSP = """
name: CISSP
program: isc2-cissp
certified: 2024-03-15
"""
CUSTOM = """
name: Custom cert
body: Acme
cycles:
  - start: 2025-01-01
    end: 2025-12-31
    required: 20
    categories:
      ethics: {min: 2}
"""
OK_ENTRY = """
title: Threat modelling webinar
provider: OWASP
date: 2025-03-14
hours: 1.5
counts_toward: [cissp]
"""


def entry(**fields) -> str:
    """A valid credit entry with some keys replaced (None removes a key)."""
    base = {
        "title": "Threat modelling webinar",
        "provider": "OWASP",
        "date": "2025-03-14",
        "hours": "1.5",
        "counts_toward": "[cissp]",
    }
    base.update(fields)
    return "\n".join(f"{k}: {v}" for k, v in base.items() if v is not None) + "\n"


CASES = {
    "missing title": ({"ledger/credits/a.yaml": entry(title=None)}, "ledger/credits/a.yaml", 1, 1, "error", "missing required key 'title'"),
    "missing provider": ({"ledger/credits/a.yaml": entry(provider=None)}, "ledger/credits/a.yaml", 1, 1, "error", "missing required key 'provider'"),
    "missing date": ({"ledger/credits/a.yaml": entry(date=None)}, "ledger/credits/a.yaml", 1, 1, "error", "missing required key 'date'"),
    "empty title": ({"ledger/credits/a.yaml": entry(title="")}, "ledger/credits/a.yaml", 1, 7, "error", "'title' is empty"),
    "missing counts_toward": ({"ledger/credits/a.yaml": entry(counts_toward=None)}, "ledger/credits/a.yaml", 1, 1, "error", "missing required key 'counts_toward'"),
    "missing duration": ({"ledger/credits/a.yaml": entry(hours=None)}, "ledger/credits/a.yaml", 1, 1, "error", "missing 'hours' or 'minutes'"),
    "hours and minutes": ({"ledger/credits/a.yaml": entry(minutes="90")}, "ledger/credits/a.yaml", 6, 10, "error", "not both"),
    "title is a list": ({"ledger/credits/a.yaml": entry(title="[a, b]")}, "ledger/credits/a.yaml", 1, 8, "error", "'title' must be text, found a list"),
    "bad delivery": ({"ledger/credits/a.yaml": entry(delivery="telepathy")}, "ledger/credits/a.yaml", 6, 11, "error", "'delivery' must be one of"),
    "delivery typo suggests": ({"ledger/credits/a.yaml": entry(delivery="webnar")}, "ledger/credits/a.yaml", 6, 11, "error", "did you mean 'webinar'"),
    "state with a line break": ({"ledger/credits/a.yaml": entry(state='"NY\\n"')}, "ledger/credits/a.yaml", 6, 8, "error", "two-letter code"),
    "entry id with a line break": ({"ledger/credits/a.yaml": entry(id='"talk\\n"')}, "ledger/credits/a.yaml", 6, 5, "error", "not a valid id"),
    "cert id with a line break": ({"ledger/certifications/x.yaml": 'id: "x\\n"\nname: X\nprogram: isc2-cissp\ncertified: 2024-01-01\n'}, "ledger/certifications/x.yaml", 1, 5, "error", "not a valid id"),
    "bad state": ({"ledger/credits/a.yaml": entry(state="California")}, "ledger/credits/a.yaml", 6, 8, "error", "two-letter code"),
    "clock duration": ({"ledger/credits/a.yaml": entry(hours="1:30")}, "ledger/credits/a.yaml", 4, 8, "error", "write a duration as hours"),
    "negative hours": ({"ledger/credits/a.yaml": entry(hours="-2")}, "ledger/credits/a.yaml", 4, 8, "error", "must be positive"),
    "zero credits": ({"ledger/credits/a.yaml": entry(counts_toward="{cissp: 0}")}, "ledger/credits/a.yaml", 5, 24, "error", "must be positive"),
    "three decimals": ({"ledger/credits/a.yaml": entry(counts_toward="{cissp: 1.125}")}, "ledger/credits/a.yaml", 5, 24, "error", "more than two decimal places"),
    "huge hours with decimals": ({"ledger/credits/a.yaml": entry(hours="1000000000000000000000000000000.001")}, "ledger/credits/a.yaml", 4, 8, "error", "'hours' is implausibly large"),
    "huge credits with decimals": ({"ledger/credits/a.yaml": entry(counts_toward="{cissp: 1000000000000000000000000000000.001}")}, "ledger/credits/a.yaml", 5, 24, "error", "credits toward cissp is implausibly large"),
    "infinite amount": ({"ledger/credits/a.yaml": entry(hours=".inf")}, "ledger/credits/a.yaml", 4, 8, "error", "finite"),
    "nan amount": ({"ledger/credits/a.yaml": entry(hours=".nan")}, "ledger/credits/a.yaml", 4, 8, "error", "finite"),
    "unreal date": ({"ledger/credits/a.yaml": entry(date="2025-02-30")}, "ledger/credits/a.yaml", 3, 7, "error", "is not a real date"),
    "date format": ({"ledger/credits/a.yaml": entry(date="14/03/2025")}, "ledger/credits/a.yaml", 3, 7, "error", "YYYY-MM-DD"),
    "fullwidth date": ({"ledger/credits/a.yaml": entry(date="\uff12\uff10\uff12\uff15-\uff10\uff13-\uff11\uff14")}, "ledger/credits/a.yaml", 3, 7, "error", "YYYY-MM-DD"),
    "arabic-indic date": ({"ledger/credits/a.yaml": entry(date="\u0662\u0660\u0662\u0665-\u0660\u0663-\u0661\u0664")}, "ledger/credits/a.yaml", 3, 7, "error", "YYYY-MM-DD"),
    "fullwidth hours": ({"ledger/credits/a.yaml": entry(hours="\uff13")}, "ledger/credits/a.yaml", 4, 8, "error", "'hours' must be a number"),
    "arabic-indic credits": ({"ledger/credits/a.yaml": entry(counts_toward="{cissp: \u0661.\u0665}")}, "ledger/credits/a.yaml", 5, 24, "error", "credits toward cissp must be a number"),
    "unknown key": ({"ledger/credits/a.yaml": entry(titel="x")}, "ledger/credits/a.yaml", 6, 1, "warning", "unknown key 'titel' in a credit entry (did you mean 'title'?)"),
    "unknown certification": ({"ledger/credits/a.yaml": entry(counts_toward="[cisp]")}, "ledger/credits/a.yaml", 5, 17, "error", "unknown certification 'cisp' (did you mean 'cissp'?)"),
    "listed twice": ({"ledger/credits/a.yaml": entry(counts_toward="[cissp, cissp]")}, "ledger/credits/a.yaml", 5, 24, "error", "lists 'cissp' twice"),
    "bad entry id": ({"ledger/credits/a.yaml": entry(id="entry/1")}, "ledger/credits/a.yaml", 6, 5, "error", "not a valid id"),
    "entry id with a dot": ({"ledger/credits/a.yaml": entry(id="..")}, "ledger/credits/a.yaml", 6, 5, "error", "not a valid id"),
    "entry ids differing only in case": (
        {"ledger/credits/a.yaml": entry(id="CPE-001"), "ledger/credits/b.yaml": entry(id="cpe-001", title="Other")},
        "ledger/credits/b.yaml", 6, 5, "error", "entry id 'cpe-001' differs only in case from 'CPE-001' in ledger/credits/a.yaml",
    ),
    "opportunity ids differing only in case": (
        {"ledger/opportunities/a.yaml": "- {id: Web_2, title: A}\n- {id: web_2, title: B}\n"},
        "ledger/opportunities/a.yaml", 2, 8, "error", "opportunity id 'web_2' differs only in case from 'Web_2'",
    ),
    "duplicate entry id": (
        {"ledger/credits/a.yaml": entry(id="talk"), "ledger/credits/b.yaml": entry(id="talk", date="2025-04-01")},
        "ledger/credits/b.yaml", 6, 5, "error", "entry id 'talk' is already used",
    ),
    "same activity twice": (
        {"ledger/credits/a.yaml": entry(), "ledger/credits/b.yaml": entry(title="threat modelling webinar")},
        "ledger/credits/b.yaml", 5, 17, "error", "the same activity (title, provider and date) already counts toward cissp",
    ),
    "same proof twice": (
        {
            "ledger/proof/cert.pdf": "%PDF-1.4 proof",
            "ledger/credits/a.yaml": entry(proof="cert.pdf"),
            "ledger/credits/b.yaml": entry(title="Other", proof="cert.pdf"),
        },
        "ledger/credits/b.yaml", 5, 17, "error", "the same proof file already counts toward cissp",
    ),
    "proof escapes with ..": ({"ledger/credits/a.yaml": entry(proof="../secrets.txt")}, "ledger/credits/a.yaml", 6, 8, "error", "may not contain '..'"),
    "proof absolute": ({"ledger/credits/a.yaml": entry(proof="/etc/passwd")}, "ledger/credits/a.yaml", 6, 8, "error", "must be relative"),
    "proof missing": ({"ledger/credits/a.yaml": entry(proof="2025/none.pdf")}, "ledger/credits/a.yaml", 6, 8, "error", "proof file not found: ledger/proof/2025/none.pdf"),
    "proof http": ({"ledger/credits/a.yaml": entry(proof="http://example.com/c.pdf")}, "ledger/credits/a.yaml", 6, 8, "error", "must use https://"),
    "proof javascript": ({"ledger/credits/a.yaml": entry(proof="'javascript:alert(1)'")}, "ledger/credits/a.yaml", 6, 8, "error", "must use https://"),
    "digest mismatch": (
        {"ledger/proof/c.pdf": "changed", "ledger/credits/a.yaml": entry(proof="c.pdf", proof_sha256="0" * 64)},
        "ledger/credits/a.yaml", 7, 15, "error", "no longer matches proof_sha256",
    ),
    "digest malformed": (
        {"ledger/proof/c.pdf": "x", "ledger/credits/a.yaml": entry(proof="c.pdf", proof_sha256="abc")},
        "ledger/credits/a.yaml", 7, 15, "error", "64 hexadecimal characters",
    ),
    "claim above duration": ({"ledger/credits/a.yaml": entry(counts_toward="{cissp: 3}")}, "ledger/credits/a.yaml", 5, 24, "error", "more than the rule allows for 90 minutes"),
    "claim above one minute": ({"ledger/credits/a.yaml": entry(hours=None, minutes="1", counts_toward="{cissp: 3}")}, "ledger/credits/a.yaml", 4, 24, "error",
                               "3.00 credits toward cissp is more than the rule allows for 1 minute (at most"),
    "claim above activity cap": (
        {"ledger/credits/a.yaml": entry(hours="60", counts_toward="{cissp: 45}")},
        "ledger/credits/a.yaml", 5, 24, "error", "45.00 credits toward cissp is more than CISSP allows for a single activity (at most 40.00)",
    ),
    "unknown category": (
        {"ledger/certifications/custom.yaml": CUSTOM, "ledger/credits/a.yaml": entry(counts_toward="{custom: {credits: 1, category: ethic}}")},
        "ledger/credits/a.yaml", 5, 25, "error", "category 'ethic' is not a category of custom",
    ),
    "entry after as-of": ({"ledger/credits/a.yaml": entry(date="2026-12-01")}, "ledger/credits/a.yaml", 3, 7, "warning", "after the as-of date"),
    "entry outside every cycle": ({"ledger/credits/a.yaml": entry(date="2023-01-10")}, "ledger/credits/a.yaml", 5, 17, "warning", "outside every cycle of cissp"),
    "submitted elsewhere": ({"ledger/credits/a.yaml": entry(submitted="{cisa: 2025-04-01}")}, "ledger/credits/a.yaml", 6, 19, "warning", "does not count toward it"),
    "duplicate key": ({"ledger/credits/a.yaml": entry() + "title: Again\n"}, "ledger/credits/a.yaml", 6, 1, "error", "duplicate key 'title' (first given at line 1)"),
    "program cycle of too many months": (
        {"ledger/programs/long.yaml": "name: L\nbody: B\nrequired: 40\ncycle: {months: 99999999}\n",
         "ledger/certifications/x.yaml": "name: X\nprogram: long\ncertified: 2024-01-15\n"},
        "ledger/programs/long.yaml", 4, 17, "error", "'months' must be a whole number from 1 to 1200, found '99999999'",
    ),
    "program cycle of too many years": (
        {"ledger/programs/long.yaml": "name: L\nbody: B\nrequired: 40\ncycle: {years: 9000}\n",
         "ledger/certifications/x.yaml": "name: X\nprogram: long\ncertified: 2024-01-15\n"},
        "ledger/programs/long.yaml", 4, 16, "error", "'years' must be a whole number from 1 to 100, found '9000'",
    ),
    "program cycle of a century and more": (
        {"ledger/programs/long.yaml": "name: L\nbody: B\nrequired: 40\ncycle: {years: 100, months: 6}\n"},
        "ledger/programs/long.yaml", 4, 29, "error", "longer than a century",
    ),
    "cert missing name": ({"ledger/certifications/x.yaml": "body: Acme\ncycles: [{start: 2025-01-01, end: 2025-12-31, required: 10}]\n"}, "ledger/certifications/x.yaml", 1, 1, "error", "missing required key 'name'"),
    "cert missing body": ({"ledger/certifications/x.yaml": "name: X\ncycles: [{start: 2025-01-01, end: 2025-12-31, required: 10}]\n"}, "ledger/certifications/x.yaml", 1, 1, "error", "missing required key 'body'"),
    "cert without cycles": ({"ledger/certifications/x.yaml": "name: X\nbody: Acme\n"}, "ledger/certifications/x.yaml", 1, 1, "error", "missing 'cycles'"),
    "cert with an empty list of cycles": ({"ledger/certifications/x.yaml": "name: X\nbody: Acme\ncycles: []\n"}, "ledger/certifications/x.yaml", 3, 9, "error", "'cycles' is empty"),
    "cert with no value for cycles": ({"ledger/certifications/x.yaml": "name: X\nbody: Acme\ncycles: ~\n"}, "ledger/certifications/x.yaml", 3, 9, "error", "'cycles' is empty"),
    "cert with program but no date": ({"ledger/certifications/x.yaml": "name: X\nprogram: isc2-cissp\n"}, "ledger/certifications/x.yaml", 1, 1, "error", "missing 'certified'"),
    "program splitting across a category it lacks": (
        {"ledger/programs/myprog.yaml": "name: P\nbody: B\nrequired: 10\ncategories: {tech: {min: 1}}\nsplit_across: [tech, ethic]\n"},
        "ledger/programs/myprog.yaml", 5, 15, "error", "split_across: 'ethic' is not one of this program's categories",
    ),
    "program without required": (
        {"ledger/programs/myprog.yaml": "name: P\nbody: B\ncycle: {months: 1}\n",
         "ledger/certifications/x.yaml": "name: X\nprogram: myprog\ncertified: 2005-01-01\n"},
        "ledger/certifications/x.yaml", 2, 10, "error", "program 'myprog' gives no 'required' credits, so no cycle can be derived from 'certified'",
    ),
    "unknown program": ({"ledger/certifications/x.yaml": "name: X\nprogram: isc2-cisp\ncertified: 2024-01-01\n"}, "ledger/certifications/x.yaml", 2, 10, "error", "unknown program 'isc2-cisp' (did you mean 'isc2-cissp'?)"),
    "bad unit": ({"ledger/certifications/x.yaml": "name: X\nprogram: isc2-cissp\ncertified: 2024-01-01\nunit: points\n"}, "ledger/certifications/x.yaml", 4, 7, "error", "'unit' must be one of CPE, CEU, PDU, hours"),
    "bad annual basis": ({"ledger/certifications/x.yaml": "name: X\nprogram: isc2-cissp\ncertified: 2024-01-01\nannual_basis: fiscal\n"}, "ledger/certifications/x.yaml", 4, 15, "error", "'annual_basis' must be one of"),
    "bad cert id": ({"ledger/certifications/x.yaml": "id: My_Cert\nname: X\nprogram: isc2-cissp\ncertified: 2024-01-01\n"}, "ledger/certifications/x.yaml", 1, 5, "error", "not a valid id"),
    "duplicate cert id": ({"ledger/certifications/x.yaml": "id: cissp\nname: X\nprogram: isc2-cissp\ncertified: 2024-01-01\n"}, "ledger/certifications/x.yaml", 1, 5, "error", "certification id 'cissp' is already used"),
    "cycle ends before start": (
        {"ledger/certifications/x.yaml": "name: X\nbody: A\ncycles:\n  - {start: 2025-01-01, end: 2024-12-31, required: 10}\n"},
        "ledger/certifications/x.yaml", 4, 30, "error", "ends (2024-12-31) before it starts",
    ),
    "cycles overlap": (
        {"ledger/certifications/x.yaml": "name: X\nbody: A\ncycles:\n  - {start: 2024-01-01, end: 2024-12-31, required: 10}\n  - {start: 2024-06-01, end: 2025-05-31, required: 10}\n"},
        "ledger/certifications/x.yaml", 5, 5, "error", "overlaps the cycle 2024-01-01–2024-12-31",
    ),
    "cycle without required": (
        {"ledger/certifications/x.yaml": "name: X\nbody: A\ncycles:\n  - {start: 2024-01-01, end: 2024-12-31}\n"},
        "ledger/certifications/x.yaml", 4, 5, "error", "no 'required' credits",
    ),
    "category min above max": (
        {"ledger/certifications/x.yaml": "name: X\nbody: A\ncategories: {ethics: {min: 5, max: 2}}\ncycles:\n  - {start: 2024-01-01, end: 2024-12-31, required: 10}\n"},
        "ledger/certifications/x.yaml", 3, 28, "error", "min 5 above its max 2",
    ),
    "categories within each other": (
        {"ledger/certifications/x.yaml": "name: X\nbody: A\ncategories: {a: {min: 1, within: b}, b: {within: a}}\ncycles:\n  - {start: 2024-01-01, end: 2024-12-31, required: 10}\n"},
        "ledger/certifications/x.yaml", 3, 34, "error", "category 'a' is within 'b', which is within 'a': a loop",
    ),
    "category within itself": (
        {"ledger/certifications/x.yaml": "name: X\nbody: A\ncategories:\n  a: {within: a}\ncycles:\n  - {start: 2024-01-01, end: 2024-12-31, required: 10}\n"},
        "ledger/certifications/x.yaml", 4, 15, "error", "category 'a' is within 'a': a loop",
    ),
    "assertion mismatch": (
        {"ledger/certifications/cissp.yaml": CISSP + "assertions:\n  - {date: 2025-06-30, total: 5, source: portal}\n", "ledger/credits/a.yaml": OK_ENTRY},
        "ledger/certifications/cissp.yaml", 5, 5, "error", "the portal showed 5.00 on 2025-06-30 but the ledger has 1.50",
    ),
    "stale assertion": (
        {"ledger/certifications/cissp.yaml": CISSP + "assertions:\n  - {date: 2025-06-30, total: 1.5}\n", "ledger/credits/a.yaml": OK_ENTRY},
        "ledger/certifications/cissp.yaml", 5, 5, "warning", "days old",
    ),
    "unlisted source": (
        {"recertgen.yaml": "sources: [linkedin-learning]\n", "ledger/credits/a.yaml": entry(source="linkedn-learning")},
        "ledger/credits/a.yaml", 6, 9, "warning", "did you mean 'linkedin-learning'",
    ),
    "program cycle of thousands of digits": (
        {"ledger/programs/p.yaml": f"name: P\nbody: B\ncycle: {{years: {'9' * 5000}}}\nrequired: 10\n"},
        "ledger/programs/p.yaml", 3, 16, "error", "'years' must be a whole number from 1 to 100",
    ),
    "rolling program with a carry-over": (
        {"ledger/programs/r.yaml": "name: R\nbody: B\nrequired: 30\ncycle: {years: 3, rolling: true}\ncarry_over: {max: 20}\n"},
        "ledger/programs/r.yaml", 5, 13, "error", "'carry_over' does not apply to a rolling cycle",
    ),
    "rolling program anchored elsewhere": (
        {"ledger/programs/r.yaml": "name: R\nbody: B\nrequired: 30\ncycle: {years: 3, rolling: true, anchor: next-january}\n"},
        "ledger/programs/r.yaml", 4, 42, "error", "'anchor' does not apply to a rolling cycle",
    ),
    "phase-in not a list": (
        {"ledger/programs/r.yaml": "name: R\nbody: B\nrequired: 30\ncycle: {years: 3, rolling: true, phase_in: 20}\n"},
        "ledger/programs/r.yaml", 4, 44, "error", "'phase_in' must be a list of amounts",
    ),
    "program cycle over a century": (
        {"ledger/programs/p.yaml": "name: P\nbody: B\ncycle: {years: 60, months: 600}\nrequired: 10\n"},
        "ledger/programs/p.yaml", 3, 28, "error", "a cycle of 60 years and 600 months is longer than a century",
    ),
    "carry-over window out of range": (
        {"ledger/programs/p.yaml": "name: P\nbody: B\ncycle: {years: 3}\nrequired: 10\ncarry_over: {max: 5, window_months: 99999999999999999999999}\n"},
        "ledger/programs/p.yaml", 5, 37, "error", "'window_months' must be a whole number from 1 to 1200",
    ),
    "confidence key misspelt": (
        {"ledger/programs/p.yaml": "name: P\nbody: B\ncycle: {years: 3}\nrequired: 10\nconfidence: {estimate.minumum: U}\n"},
        "ledger/programs/p.yaml", 5, 14, "warning", "unknown confidence key 'estimate.minumum': tag 'default' or a dotted path of this "
        "program's keys, such as estimate.minimum or categories.<name>.max (did you mean 'estimate.minimum'?)",
    ),
    "confidence key of nothing": (
        {"ledger/programs/p.yaml": "name: P\nbody: B\ncycle: {years: 3}\nrequired: 10\nconfidence:\n  default: S\n  nonsense.key: U\n"},
        "ledger/programs/p.yaml", 7, 3, "warning", "unknown confidence key 'nonsense.key'",
    ),
    "confidence key of a category the program lacks": (
        {"ledger/programs/p.yaml": "name: P\nbody: B\ncycle: {years: 3}\nrequired: 10\ncategories: {ethics: {min: 1}}\n"
                                   "confidence: {categories.ethic.min: U}\n"},
        "ledger/programs/p.yaml", 6, 14, "warning", "unknown confidence key 'categories.ethic.min'",
    ),
    "opportunity duplicate id": (
        {"ledger/opportunities/a.yaml": "- {id: talk, title: A}\n- {id: talk, title: B}\n"},
        "ledger/opportunities/a.yaml", 2, 8, "error", "opportunity id 'talk' is already used",
    ),
    "opportunity url with a quote": ({"ledger/opportunities/a.yaml": 'id: a\ntitle: A\nurl: https://x.example/a"b\n'}, "ledger/opportunities/a.yaml", 3, 6, "error", "which an address must percent-encode"),
    "proof url with a space": ({"ledger/credits/a.yaml": entry(proof='"https://x.example/my cert.pdf"')}, "ledger/credits/a.yaml", 6, 8, "error", "proof URL holds ' '"),
    "opportunity without id": ({"ledger/opportunities/a.yaml": "title: A talk\n"}, "ledger/opportunities/a.yaml", 1, 1, "error", "missing required key 'id'"),
    "opportunity bad url": ({"ledger/opportunities/a.yaml": "id: a\ntitle: A\nurl: ftp://x\n"}, "ledger/opportunities/a.yaml", 3, 6, "error", "http(s) address"),
    "claim off the issuer's steps": (
        {"ledger/certifications/cpa.yaml": "name: CPA\nprogram: cpa-ca\ncertified: 2024-08-01\n",
         "ledger/credits/a.yaml": entry(hours=None, delivery="self-study", counts_toward="{cpa: 0.7}")},
        "ledger/credits/a.yaml", 4, 22, "error", "0.70 credits toward cpa is not an amount CPA (California) grants for self-study",
    ),
    "community participation toward two GIAC certifications": (
        {"ledger/certifications/gcih.yaml": "name: GCIH\nprogram: giac\ncertified: 2024-03-15\n",
         "ledger/certifications/gpen.yaml": "name: GPEN\nprogram: giac\ncertified: 2024-05-15\n",
         "ledger/credits/a.yaml": entry(hours=None, counts_toward="{gcih: {credits: 4, category: community-participation}, gpen: 4}")},
        "ledger/credits/a.yaml", 4, 23, "error", "community-participation credits count toward one GIAC certification only; this activity also counts toward gpen",
    ),
    "estimate comes to nothing": ({"ledger/credits/a.yaml": entry(hours="0.2")}, "ledger/credits/a.yaml", 5, 17, "warning",
                                  "12 minutes earns nothing toward cissp by CISSP's rule (nothing below 0.25 credit): it counts 0"),
    "estimate cut by the cap per activity": ({"ledger/credits/a.yaml": entry(hours="50")}, "ledger/credits/a.yaml", 5, 17, "warning",
                                             "would earn 50.00 toward cissp, but CISSP allows at most 40.00 for a single activity"),
    "catalog credits need explicit amounts": (
        {"ledger/certifications/ccna.yaml": "name: CCNA\nprogram: cisco-associate\ncertified: 2024-05-01\n", "ledger/credits/a.yaml": entry(counts_toward="[ccna]")},
        "ledger/credits/a.yaml", 5, 17, "error", "give them explicitly",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule(name, ledger):
    files, path, line, col, severity, fragment = CASES[name]
    if "ledger/certifications/cissp.yaml" not in files:
        ledger.cert("cissp", CISSP)
    for rel, text in files.items():
        ledger.write(rel, text)
    problems = ledger.problems()
    prefix = f"{path}:{line}:{col}: {severity}: "
    matching = [p for p in problems if p.startswith(prefix) and fragment in p]
    assert matching, f"expected {prefix}…{fragment}…, got:\n" + "\n".join(problems)


def test_valid_entry_is_clean(cissp_ledger):
    cissp_ledger.credit("a", OK_ENTRY)
    assert cissp_ledger.problems() == []


def test_confidence_tags_on_the_programs_own_keys_are_clean(ledger):
    """Dotted paths of what a program may write, its own category names
    included (built-in programs use them, see test_program_templates)."""
    ledger.write("ledger/programs/p.yaml", """
        name: P
        body: B
        cycle: {years: 3, rolling: true}
        required: 10
        categories: {ethics: {min: 1}}
        annual: {minimum: 2, categories: {tech: {min: 1}}}
        confidence:
          default: S
          cycle.rolling: U
          required: O
          categories.ethics: U
          categories.ethics.min: U
          annual.categories.tech.min: U
          annual.minimum: O
          estimate.by_delivery.nano-learning: U
          estimate.by_delivery.nano-learning.minimum: U
          estimate.semester_hour: S
          delivery_limits.webinar: U
          annual.delivery_limits.nano-learning.max: U
          carry_over.max: U
          once_per_cycle: S
    """)
    assert ledger.problems() == []


def test_matching_digest_is_clean(cissp_ledger):
    data = b"%PDF-1.4 certificate"
    cissp_ledger.write("ledger/proof/2025/c.pdf", data)
    digest = hashlib.sha256(data).hexdigest()
    cissp_ledger.credit("a", entry(proof="2025/c.pdf", proof_sha256=digest))
    assert cissp_ledger.problems() == []


@pytest.mark.parametrize("written", ["c.pdf", "proof/c.pdf", "ledger/proof/c.pdf"])
def test_proof_paths_resolve_from_any_prefix(cissp_ledger, written):
    cissp_ledger.write("ledger/proof/c.pdf", "x")
    cissp_ledger.credit("a", entry(proof=written))
    assert cissp_ledger.problems() == []


def test_proof_symlink_leading_outside_is_refused(cissp_ledger, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    os.symlink(secret, cissp_ledger.root / "ledger/proof/link.pdf")
    cissp_ledger.credit("a", entry(proof="link.pdf"))
    assert any("ledger/credits/a.yaml:6:8: error:" in p and "link leading outside" in p for p in cissp_ledger.problems())


def test_proof_that_is_a_folder_or_a_link_inside(cissp_ledger):
    (cissp_ledger.root / "ledger/proof/folder.pdf").mkdir(parents=True)
    cissp_ledger.write("ledger/proof/real.pdf", "x")
    os.symlink(cissp_ledger.root / "ledger/proof/real.pdf", cissp_ledger.root / "ledger/proof/alias.pdf")
    cissp_ledger.credit("a", entry(proof="folder.pdf"))
    cissp_ledger.credit("b", entry(proof="alias.pdf", title="Another talk"))
    problems = cissp_ledger.problems()
    assert any("ledger/credits/a.yaml:6:8: error:" in p and "ledger/proof/folder.pdf is not a file" in p for p in problems)
    assert not any("credits/b.yaml" in p for p in problems), "a link to a file inside the proof folder is fine"


def test_problems_from_many_files_are_all_reported(cissp_ledger):
    cissp_ledger.credit("a", entry(title=None))
    cissp_ledger.credit("b", entry(date="2025-13-01"))
    cissp_ledger.credit("c", "[not, a, mapping]\n")
    paths = {p.split(":")[0] for p in cissp_ledger.problems()}
    assert paths == {"ledger/credits/a.yaml", "ledger/credits/b.yaml", "ledger/credits/c.yaml"}


def test_yaml_11_words_stay_text(cissp_ledger):
    cissp_ledger.credit("a", entry(title="no", provider="Yes", field_of_study="off"))
    loaded = cissp_ledger.load()
    assert loaded.problems == ()
    (credit,) = loaded.ledger.credits
    assert (credit.title, credit.provider, credit.field_of_study) == ("no", "Yes", "off")


def test_amounts_are_exact_decimals_from_the_text(cissp_ledger):
    from decimal import Decimal

    cissp_ledger.credit("a", entry(hours="1.10", counts_toward="{cissp: 1.10}"))
    (credit,) = cissp_ledger.load().ledger.credits
    assert credit.allocations[0].credits == Decimal("1.10")
    assert credit.minutes == Decimal("66.00")


def test_ids_nobody_wrote_never_clash(cissp_ledger):
    """Ids derive from the file path and list index (SPEC §2); files whose
    derived ids meet get distinct ones, the same whatever the reading order,
    and only ids someone wrote can be 'already used'."""
    item = "- title: {0}\n  provider: P\n  date: 2025-03-0{1}\n  hours: 1\n  counts_toward: [cissp]\n"
    cissp_ledger.credit("2025/pair", item.format("A", 1) + item.format("B", 2))
    cissp_ledger.credit("2025/pair-1", item.format("C", 3)[2:].replace("\n  ", "\n"))
    cissp_ledger.credit("2024/pair-1", item.format("D", 4)[2:].replace("\n  ", "\n"))
    loaded = cissp_ledger.load()
    assert loaded.problems == (), loaded.problems
    ids = {e.title: e.id for e in loaded.ledger.credits}
    assert len(set(ids.values())) == 4
    assert ids["B"] == "pair-2"
    again = cissp_ledger.load()
    assert {e.title: e.id for e in again.ledger.credits} == ids


CLAIMS = [  # (program, delivery, claimed, fits) — RULES §11 E5, E6, E8, E18 and §8, §5, §4
    ("cpa-ca", "self-study", "0.5", True), ("cpa-ca", "self-study", "0.7", False),  # E8
    ("cpa-tx", "group-live", "1.2", True), ("cpa-tx", "group-live", "1.3", False),  # E5
    ("cpa-ca", "group-live", "0.5", False), ("cpa-ca", "group-live", "2.5", True),  # E6: a full credit first; halves
    ("cpa-ca", "group-live", "2.8", True), ("cpa-ca", None, "0.5", True),  # E2; no delivery: self-study may apply
    ("cpa-ca", "nano-learning", "0.4", True), ("cpa-ca", "nano-learning", "0.5", False),
    ("pmi-pmp", None, "0.75", True), ("pmi-pmp", None, "1.1", False),  # E18: quarter hours
    ("isaca-cisa", "webinar", "7.75", True), ("isaca-cisa", "webinar", "7.8", False),
    ("isc2-cissp", None, "6.3", True),  # ISC2's smallest increment is unconfirmed: not checked
]


@pytest.mark.parametrize("program,delivery,claimed,fits", CLAIMS)
def test_explicit_claims_off_the_issuers_steps_are_refused(ledger, program, delivery, claimed, fits):
    """Explicit credits win over an estimate (SPEC §3), but an amount the
    issuer does not grant (RULES E8: 0.7 for self-study "is not" valid) is
    an error, as every rule RULES.md confirms is enforced."""
    ledger.cert("c", f"name: C\nprogram: {program}\ncertified: 2024-08-01\n")
    method = f"delivery: {delivery}\n" if delivery else ""
    ledger.credit("a", f"title: Course\nprovider: P\ndate: 2025-03-14\n{method}counts_toward: {{c: {claimed}}}\n")
    problems = ledger.problems()
    refused = [p for p in problems if ": error: " in p and "not an amount" in p]
    assert refused == ([] if fits else [refused[0]]) and (fits or "check the certificate of completion" in refused[0])
    assert len([p for p in problems if ": error: " in p]) == len(refused)


@pytest.mark.parametrize("confidence, minutes, claimed, warning", [
    ("U", 30, "0.5", None),  # unconfirmed minimum: only the steps judge a claim below it
    ("U", 30, "0.6", "(0.25, 0.5 or 0.75 below one credit, then steps of 0.25)"),
    ("O", 60, "0.5", "(at least 1, then steps of 0.25)"),  # a confirmed minimum still does
])
def test_an_unconfirmed_minimum_is_not_held_against_a_claims_steps(ledger, confidence, minutes, claimed, warning):
    """As for the bound on a claim, a minimum RULES.md leaves unconfirmed
    does not make a claim below it an error."""
    ledger.write("ledger/programs/u.yaml", "name: U\nbody: B\nrequired: 10\ncycle: {years: 1, anchor: certified}\n"
                 "estimate: {minutes_per_credit: 50, increment: 0.25, minimum: 1, claim_steps: 0.25}\n"
                 f"confidence: {{estimate.minimum: {confidence}}}\n")
    ledger.cert("c", "name: C\nprogram: u\ncertified: 2024-08-01\n")
    ledger.credit("a", f"title: Talk\nprovider: P\ndate: 2025-03-14\nminutes: {minutes}\ncounts_toward: {{c: {claimed}}}\n")
    problems = ledger.problems()
    if warning is None:
        assert problems == []
    else:
        assert len(problems) == 1 and ": error: " in problems[0] and warning in problems[0], problems


SHORT_CLAIMS = [  # (program, minutes, claimed, refused): RULES "U values are not enforced"
    ("iia-cia", 40, "0.8", False), ("acfe-cfe", 40, "0.8", False), ("giac", 50, "0.8", False),
    ("isc2-cissp", 14, "0.2", False), ("comptia-security-plus", 14, "0.2", False),
    ("iia-cia", 40, "0.9", True),  # more than 40 minutes yield at any rounding
    ("cpa-ca", 40, "0.8", True),  # NASBA's first full credit is confirmed (E6)
]


@pytest.mark.parametrize("program,minutes,claimed,refused", SHORT_CLAIMS)
def test_a_claim_below_an_unconfirmed_minimum_is_not_refused(ledger, program, minutes, claimed, refused):
    """Estimates round down below a minimum RULES.md leaves unconfirmed (the
    conservative reading), but an explicit claim within the duration's raw
    rate is the user's to make; a confirmed minimum still refuses it."""
    ledger.cert("c", f"name: C\nprogram: {program}\ncertified: 2024-08-01\n")
    ledger.credit("a", f"title: Talk\nprovider: P\ndate: 2025-03-14\nminutes: {minutes}\ndelivery: group-live\ncounts_toward: {{c: {claimed}}}\n")
    errors = [p for p in ledger.problems() if ": error: " in p]
    assert bool(errors) == refused, errors
    assert not refused or "more than the rule allows" in errors[0]


UNTAGGED_CLAIMS = [  # (program, delivery, minutes, claimed, refused): RULES E1 — 100 minutes earn 2.0 CPE
    ("cpa-ca", None, 100, "2", False), ("cpa-ca", None, 100, "2.2", True), ("cpa-ca", None, 100, "10", True),
    ("cpa-tx", None, 100, "3", True), ("cpa-ny", None, 100, "3", True), ("acfe-cfe", None, 100, "3", True),
    ("cpa-ca", "self-study", 100, "10", False),  # credit from a word count: the clock does not bound it
    ("cpa-ca", "teaching", 100, "6", False), ("acfe-cfe", "teaching", 100, "6", False),  # preparation: up to 3x
    ("cpa-ca", "nano-learning", 100, "2", False), ("cpa-ca", "nano-learning", 100, "2.2", True),
]


@pytest.mark.parametrize("program,delivery,minutes,claimed,refused", UNTAGGED_CLAIMS)
def test_an_entry_naming_no_delivery_is_held_to_the_clock(ledger, program, delivery, minutes, claimed, refused):
    """SPEC §2: an allocation above what the program's rule allows for the
    duration is an error. An entry that names no delivery method is not
    taken for self-study (unbounded) or teaching (three times): the error
    says how to claim those."""
    ledger.cert("c", f"name: C\nprogram: {program}\ncertified: 2024-08-01\n")
    method = f"delivery: {delivery}\n" if delivery else ""
    ledger.credit("a", f"title: Course\nprovider: P\ndate: 2025-03-14\nminutes: {minutes}\n{method}counts_toward: {{c: {claimed}}}\n")
    errors = [p for p in ledger.problems() if ": error: " in p]
    assert bool(errors) == refused, errors
    if refused:
        assert len(errors) == 1 and "more than the rule allows for 100 minutes" in errors[0]
        assert ("say so (delivery: " in errors[0]) == (delivery is None), errors[0]


def test_community_participation_may_go_to_one_giac_certification_and_training_to_several(ledger):
    """RULES §6: community participation "applies to ONE certification";
    training counts toward each certification it renews."""
    ledger.cert("gcih", "name: GCIH\nprogram: giac\ncertified: 2024-03-15\n")
    ledger.cert("gpen", "name: GPEN\nprogram: giac\ncertified: 2024-05-15\n")
    ledger.cert("cissp", CISSP)
    ledger.credit("a", "title: Webcast\nprovider: SANS\ndate: 2025-03-14\ncounts_toward: {gcih: {credits: 4, category: community-participation}, cissp: 1}\n")
    ledger.credit("b", "title: SEC504\nprovider: SANS\ndate: 2025-04-14\nhours: 36\ncounts_toward: [gcih, gpen]\n")
    assert [p for p in ledger.problems() if ": error: " in p] == []


def test_an_isaca_chapter_meeting_claims_one_hour_whatever_its_length(ledger):
    """RULES §3: a chapter meeting earns at least one CPE hour regardless of
    its actual duration; a longer claim is still bounded by the duration."""
    ledger.cert("cisa", "name: CISA\nprogram: isaca-cisa\ncertified: 2023-06-10\n")
    ledger.credit("a", "title: Chapter meeting\nprovider: ISACA chapter\ndate: 2025-03-14\nminutes: 30\ncounts_toward: {cisa: 1}\n")
    assert [p for p in ledger.problems() if ": error: " in p] == []
    ledger.credit("b", "title: Short webinar\nprovider: P\ndate: 2025-03-15\nminutes: 30\ncounts_toward: {cisa: 1.25}\n")
    assert any("1.25 credits toward cisa is more than" in p for p in ledger.problems())


def test_a_one_day_cycle_is_a_cycle(ledger):
    """SPEC §3: total_days = (end − start) + 1, so a cycle may start and end
    on the same day."""
    ledger.cert("x", "name: X\nbody: A\ncycles:\n  - {start: 2025-06-01, end: 2025-06-01, required: 2}\n")
    ledger.credit("a", "title: T\nprovider: P\ndate: 2025-06-01\ncounts_toward: {x: 2}\n")
    assert ledger.problems() == []
    cycle = ledger.load(__import__("datetime").date(2025, 6, 1)).report.cert("x").current
    assert (cycle.pace.total_days, cycle.pace.elapsed_days, cycle.status) == (1, 1, "complete")


def test_unusable_explicit_credits_are_one_error_not_also_a_missing_duration(cissp_ledger):
    cissp_ledger.credit("b", "title: y\nprovider: p\ndate: 2025-02-02\ncounts_toward: {cissp: 12.345}\n")
    cissp_ledger.credit("c", "title: z\nprovider: p\ndate: 2025-02-03\ncounts_toward:\n  cissp:\n    credits: abc\n")
    problems = [p for p in cissp_ledger.problems() if "error" in p]
    assert problems == ["ledger/credits/b.yaml:4:24: error: credits toward cissp has more than two decimal places: 12.345",
                        "ledger/credits/c.yaml:6:14: error: 'credits' must be a number, found 'abc'"]


def test_cisco_counts_a_course_once_per_cycle_and_at_most_64(ledger):
    """RULES §7: "the same course counts once per cycle"; credit values run
    "from four to 64 credits, depending on the training"."""
    ledger.cert("ccna", "name: CCNA\nprogram: cisco-associate\ncertified: 2024-03-15\n")
    course = "title: Implementing Cisco Enterprise Network Core\nprovider: Cisco\ndate: {date}\ncounts_toward: {{ccna: {credits}}}\n"
    ledger.credit("first", course.format(date="2024-05-01", credits=16))
    ledger.credit("again", course.format(date="2025-05-01", credits=16))
    ledger.credit("big", course.replace("Implementing", "Designing").format(date="2025-06-01", credits=70))
    problems = ledger.problems(dt.date(2025, 7, 1))
    assert [p.split(": error: ")[0] for p in problems if "error" in p] == ["ledger/credits/again.yaml:4:23", "ledger/credits/big.yaml:4:23"]
    assert "counts it once per cycle" in problems[0] and "first.yaml" in problems[0]
    assert "allows for a single activity (at most 64.00)" in problems[1]
    ledger.credit("again", course.format(date="2027-05-01", credits=16))  # the next cycle: counts again
    ledger.credit("big", course.replace("Implementing", "Designing").format(date="2025-06-01", credits=64))
    assert [p for p in ledger.problems(dt.date(2027, 7, 1)) if "error" in p] == []


def test_cisco_credits_are_not_reused_for_another_track_or_level(ledger):
    """RULES §7: "credits cannot be reused for another track/level" — one
    activity toward two Cisco certifications is warned at the second; a
    Cisco and a non-Cisco certification may share it."""
    ledger.cert("ccnp-ent", "name: CCNP Enterprise\nprogram: cisco-professional\ncertified: 2024-03-15\n")
    ledger.cert("ccnp-sec", "name: CCNP Security\nprogram: cisco-professional\ncertified: 2024-03-15\n")
    ledger.cert("ccna", "name: CCNA\nprogram: cisco-associate\ncertified: 2023-03-15\n")
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2024-03-15\n")
    ledger.credit("tracks", "title: SD-WAN\nprovider: Cisco\ndate: 2025-05-01\ncounts_toward: {ccnp-ent: 16, ccnp-sec: 16}\n")
    ledger.credit("levels", "title: SASE\nprovider: Cisco\ndate: 2025-06-01\ncounts_toward: {ccna: 8, ccnp-ent: 8}\n")
    ledger.credit("shared", "title: Zero trust\nprovider: Cisco\ndate: 2025-07-01\nhours: 8\ncounts_toward: {ccnp-sec: 8, cissp: 8}\n")
    reused = [p for p in ledger.problems(dt.date(2025, 8, 1)) if "cannot be reused" in p]
    assert [p.split(": warning: ")[0] for p in reused] == ["ledger/credits/levels.yaml:4:36", "ledger/credits/tracks.yaml:4:41"]
    assert "already counts toward ccna" in reused[0] and "already counts toward ccnp-ent" in reused[1]


SPLIT = """title: PMI Summit
provider: PMI
date: 2026-03-01
hours: 5
counts_toward:
  - {cert}: {{credits: {first}, category: ways-of-working}}
  - {cert}: {{credits: {second}, category: {category}}}
"""


def test_a_pmi_activity_splits_across_talent_triangle_areas(ledger):
    """RULES §5: "A single Education activity may be split across Talent
    Triangle areas" — each part counts toward its area's minimum; the parts
    add up to no more than the activity earns; other programs do not split,
    and no part repeats a category or leaves out its credits."""
    ledger.cert("pmp", "name: PMP\nprogram: pmi-pmp\ncertified: 2025-01-10\n")
    ledger.cert("cissp", "name: CISSP\nprogram: isc2-cissp\ncertified: 2025-01-10\n")
    ledger.credit("split", SPLIT.format(cert="pmp", first=3, second=2, category="power-skills"))
    loaded = ledger.load(dt.date(2026, 11, 15))
    assert loaded.problems == ()
    areas = {c.name: c.earned for c in loaded.report.cert("pmp").current.categories}
    assert (areas["ways-of-working"], areas["power-skills"], areas["education"]) == (3, 2, 5)
    assert loaded.report.cert("pmp").current.earned == 5

    ledger.credit("split", SPLIT.format(cert="pmp", first=3, second="2.5", category="power-skills"))
    assert ledger.problems(dt.date(2026, 11, 15)) == [
        "ledger/credits/split.yaml:7:10: error: the parts toward pmp add up to 5.50 credits, more than the rule allows for 300 minutes (at most 5.00)"]
    ledger.credit("split", SPLIT.format(cert="pmp", first=3, second=2, category="giving-back"))
    assert ledger.problems(dt.date(2026, 11, 15)) == [
        "ledger/credits/split.yaml:7:10: error: PMP splits one activity only across ways-of-working, power-skills, business-acumen, not giving-back"]
    ledger.credit("split", SPLIT.format(cert="pmp", first=3, second=2, category="ways-of-working"))
    assert "counts_toward lists 'pmp' twice (first at line 6)" in ledger.problems(dt.date(2026, 11, 15))[0]
    ledger.credit("split", SPLIT.format(cert="cissp", first=3, second=2, category="group-b").replace("ways-of-working", "group-a"))
    assert ledger.problems(dt.date(2026, 11, 15)) == [
        "ledger/credits/split.yaml:7:12: error: CISSP does not split one activity across categories: count it toward cissp once"]


def test_semester_hours_without_a_rule_for_them_must_be_claimed(ledger):
    """GIAC grants 12 CPEs per graduate course (RULES §6), not a rate per
    credit hour: semester hours alone estimate nothing, said at the line."""
    ledger.cert("giac", "name: GIAC\nprogram: giac\ncertified: 2024-03-15\n")
    ledger.credit("g1", "title: g1\nprovider: u\ndate: 2024-06-01\nsemester_hours: 3\ncounts_toward: [giac]\n")
    ledger.credit("g2", "title: g2\nprovider: u\ndate: 2024-07-01\nsemester_hours: 3\ncounts_toward: {giac: {credits: 12, category: graduate-course}}\n")
    assert ledger.problems(dt.date(2025, 6, 1)) == [
        "ledger/credits/g1.yaml:5:17: error: GIAC has no rule for semester hours: give the credits explicitly (counts_toward: {giac: N})"]


def test_every_problem_of_a_broken_entry_is_said_at_once(cissp_ledger):
    """SPEC §4: check prints every problem, not only those before the first
    missing field."""
    cissp_ledger.credit("bad", "title: x\ndate: 2026-02-31\nhours: abc\ndelivery: webnar\nsubmitted: {cissp: someday}\nstate: California\ncounts_toward: [cissp, nope]\n")
    problems = cissp_ledger.problems()
    spots = [p.split(": error: ")[0] for p in problems]
    assert spots == ["ledger/credits/bad.yaml:1:1", "ledger/credits/bad.yaml:2:7", "ledger/credits/bad.yaml:3:8",
                     "ledger/credits/bad.yaml:4:11", "ledger/credits/bad.yaml:5:20", "ledger/credits/bad.yaml:6:8",
                     "ledger/credits/bad.yaml:7:24"]
    assert "unknown certification 'nope'" in problems[-1]


def test_an_unusable_required_is_one_error(ledger):
    ledger.cert("c", "name: C\nbody: B\ncycles:\n  - {start: 2025-01-01, end: 2025-12-31, required: 0}\n")
    assert [p for p in ledger.problems() if "error" in p] == [
        "ledger/certifications/c.yaml:4:52: error: 'required' must be positive, found 0"]


def test_working_as_a_professional_is_claimed_once_per_cycle(ledger):
    """RULES §5 (Om): PMI's Working as a Professional is "claimable once per
    cycle": a second claim in one cycle is refused; the next cycle may claim it again."""
    ledger.cert("pmp", "name: PMP\nprogram: pmi-pmp\ncertified: 2024-05-10\n")
    work = "title: Work {year}\nprovider: Employer\ndate: {year}-06-02\ncounts_toward: {{pmp: {{credits: 4, category: working-as-a-professional}}}}\n"
    ledger.credit("w2024", work.format(year=2024))
    ledger.credit("w2027", work.format(year=2027))  # the next cycle
    assert [p for p in ledger.problems(dt.date(2027, 7, 1)) if ": error: " in p] == []
    ledger.credit("w2025", work.format(year=2025))
    (refused,) = [p for p in ledger.problems(dt.date(2027, 7, 1)) if ": error: " in p]
    assert refused.startswith("ledger/credits/w2025.yaml:4:") and "claimable once per cycle" in refused and "w2024.yaml" in refused


def test_a_duplicate_certification_is_one_error_and_the_first_one_counts(cissp_ledger):
    """A second file with an existing id is ignored but for its error: its
    cycles and missing categories do not make every credit a warning."""
    cissp_ledger.cert("zc", "id: cissp\nname: ZC\nbody: Z\ncycles:\n  - {start: 2020-01-01, end: 2022-12-31, required: 40}\n")
    cissp_ledger.credit("a", entry(date="2025-03-14", counts_toward="{cissp: {credits: 1.5, category: group-b}}"))
    loaded = cissp_ledger.load()
    assert [p.as_text() for p in loaded.problems] == [
        "ledger/certifications/zc.yaml:1:5: error: certification id 'cissp' is already used by ledger/certifications/cissp.yaml: "
        "this file is ignored until its id changes"]
    assert [c.id for c in loaded.report.certifications] == ["cissp"]
    assert loaded.report.cert("cissp").name == "CISSP"
    assert loaded.report.cert("cissp").current.earned == Decimal("1.5")


def test_a_program_defined_twice_names_the_first_definition(ledger):
    ledger.write("ledger/programs/other.yaml", "name: P\nbody: B\nrequired: 10\ncycle: {years: 1}\n")
    ledger.write("ledger/programs/z-copy.yaml", "id: other\nname: Q\nbody: B\nrequired: 10\ncycle: {years: 1}\n")
    assert [p for p in ledger.problems() if "defined twice" in p] == [
        "ledger/programs/z-copy.yaml:1:1: error: program id 'other' is defined twice: first in ledger/programs/other.yaml"]


@pytest.mark.parametrize("written", ["ISC2-CISSP", "isc2-cisp"])
def test_an_unknown_program_is_one_error(ledger, written):
    """Not also 'missing body' and 'missing cycles' (the program would give
    them), nor warnings about its categories, estimates or assertions."""
    ledger.cert("cissp", f"name: CISSP\nprogram: {written}\ncertified: 2024-03-15\n"
                         "assertions:\n  - {date: 2026-10-31, total: 1.5}\n")
    ledger.credit("a", entry(hours="0.2", counts_toward="{cissp: {credits: 1.5, category: group-b}}"))
    ledger.credit("b", entry(title="Other", hours="0.1"))
    assert ledger.problems() == [
        f"ledger/certifications/cissp.yaml:2:10: error: unknown program '{written}' (did you mean 'isc2-cissp'?); `recertgen programs` lists them"]


def test_once_per_cycle_follows_each_cycles_own_categories(ledger):
    """A cycle that gives its own categories says itself which are claimable
    once: the rule of another cycle (or of the certification) does not apply."""
    ledger.cert("a", "name: A\nbody: B\ncycles:\n"
                     "  - {start: 2024-01-01, end: 2024-12-31, required: 10, categories: {waap: {max: 8, once_per_cycle: true}}}\n"
                     "  - {start: 2025-01-01, end: 2025-12-31, required: 10, categories: {waap: {max: 8}}}\n")
    for n, day in enumerate(("2024-02-01", "2024-03-01", "2025-02-01", "2025-03-01")):
        ledger.credit(f"w{n}", f"title: Work {n}\nprovider: P\ndate: {day}\ncounts_toward: {{a: {{credits: 2, category: waap}}}}\n")
    errors = [p for p in ledger.problems(dt.date(2025, 12, 31)) if ": error: " in p]
    assert len(errors) == 1 and errors[0].startswith("ledger/credits/w1.yaml:4:") and "claimable once per cycle" in errors[0]


def test_a_broken_certified_date_is_one_error_at_it(ledger):
    ledger.cert("c", "name: C\nprogram: isc2-cissp\ncertified: 2022-16-11\n")
    errors = [p for p in ledger.problems() if ": error: " in p]
    assert len(errors) == 1 and errors[0].startswith("ledger/certifications/c.yaml:3:") and "certified" in errors[0]


def test_ids_the_spec_allows_are_taken_and_their_pages_built(ledger, cli, tmp_path):
    """SPEC §2: a certification id is `[a-z0-9-]+`; an entry's is a stable
    id and an opportunity's unique — underscores and capitals included."""
    ledger.cert("x", "id: my--cert\nname: X\nprogram: isc2-cissp\ncertified: 2024-01-01\n")
    ledger.credit("a", "id: CPE_2025-001\ntitle: T\nprovider: P\ndate: 2025-03-14\nhours: 2\ncounts_toward: [my--cert]\n")
    ledger.write("ledger/opportunities/a.yaml", "- {id: sans_Webcast, title: A webcast, provider: SANS, hours: 1}\n")
    assert ledger.problems() == []
    result = cli("build", ledger.root, "--out", tmp_path / "site", "--as-of", "2025-06-01")
    assert result.exit_code == 0, result.output
    assert 'id="CPE_2025-001"' in (tmp_path / "site/credits/CPE_2025-001/index.html").read_text()
    assert (tmp_path / "site/opportunities/sans_Webcast/index.html").exists()
    assert (tmp_path / "site/certifications/my--cert/index.html").exists()


def test_a_duration_may_have_more_than_two_places(ledger):
    """SPEC's two places bind credit amounts, not durations: a third of an
    hour (0.333) or 1.005 hours is a duration, estimated exactly; an
    amount of credits with three places is still refused."""
    ledger.cert("c", "name: C\nprogram: cpa-ca\ncertified: 2024-08-01\n")
    ledger.credit("a", "title: A\nprovider: P\ndate: 2025-03-14\nhours: 1.005\ncounts_toward: [c]\n")
    ledger.credit("b", "title: B\nprovider: P\ndate: 2025-03-15\nminutes: 100.5\ncounts_toward: [c]\n")
    ledger.write("ledger/opportunities/o.yaml", "id: o\ntitle: O\nhours: 0.333\n")
    assert ledger.problems() == []
    loaded = ledger.load()
    assert sorted(str(e.minutes) for e in loaded.ledger.credits) == ["100.5", "60.300"]
    assert str(loaded.ledger.opportunities[0].minutes) == "19.980"
    ledger.credit("c", "title: C\nprovider: P\ndate: 2025-03-16\ncounts_toward: {c: 1.005}\n")
    assert [p for p in ledger.problems() if "more than two decimal places" in p]
