"""Generate a large synthetic ledger for benchmarks.

    python bench/generate.py OUT --entries 100000 --opportunities 10000

Realistic in shape: many certifications from several bodies, one file per
credit in dated folders, about a fifth counting toward two or three
certifications, a mix of learning platforms and external sources, proof
files for some entries, and opportunities in batch files of 500. The same
arguments always produce the same files (a fixed random seed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
from pathlib import Path

PROGRAMS = [
    ("isc2-cissp", "CISSP"), ("isaca-cisa", "CISA"), ("isaca-cism", "CISM"), ("comptia-security-plus", "Security+"),
    ("pmi-pmp", "PMP"), ("giac", "GIAC GSEC"), ("isc2-ccsp", "CCSP"), ("comptia-cysa-plus", "CySA+"),
    ("iia-cia", "CIA"), ("acfe-cfe", "CFE"),
]
PLATFORMS = ["isc2-learn", "linkedin-learning", "pluralsight", "cybrary", "coursera"]
DELIVERIES = ["webinar", "course", "conference", "group-live", "group-internet", "reading", "self-study"]
WORDS = ("cloud security risk audit governance zero trust identity incident response threat modelling privacy "
         "controls assurance agile leadership analytics forensics compliance architecture crypto").split()


def title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()


def generate(out: Path, entries: int, opportunities: int, certifications: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    ledger = out / "ledger"
    (ledger / "certifications").mkdir(parents=True)
    (out / "recertgen.yaml").write_text(
        "title: Benchmark ledger\nsources:\n" + "".join(f"  - {p}\n" for p in PLATFORMS)
    )
    certs = []
    for i in range(certifications):
        program, name = PROGRAMS[i % len(PROGRAMS)]
        cert_id = f"{program.split('-', 1)[-1]}-{i}"
        certs.append(cert_id)
        (ledger / "certifications" / f"{cert_id}.yaml").write_text(
            f"name: {name} #{i}\nprogram: {program}\ncertified: 2019-{1 + i % 12:02d}-{1 + i % 27:02d}\n"
        )
    start = dt.date(2020, 1, 1)
    span = (dt.date(2026, 11, 1) - start).days
    proof_dir = ledger / "proof"
    for n in range(entries):
        date = start + dt.timedelta(days=rng.randrange(span))
        folder = ledger / "credits" / f"{date.year}" / f"{date.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        targets = rng.sample(certs, k=1 if rng.random() < 0.8 else min(len(certs), rng.randint(2, 3)))
        minutes = rng.choice([50, 60, 90, 100, 120, 150, 180, 240, 300, 360, 480])
        lines = [
            f"title: {title(rng)} {n}",
            f"provider: Provider {rng.randrange(400)}",
            f"date: {date.isoformat()}",
            f"minutes: {minutes}",
            f"delivery: {rng.choice(DELIVERIES)}",
            "counts_toward: [" + ", ".join(targets) + "]",
        ]
        if rng.random() < 0.5:
            lines.append(f"source: {rng.choice(PLATFORMS)}")
        if rng.random() < 0.1:
            data = f"certificate {n} {date}".encode()
            proof = proof_dir / f"{date.year}" / f"{n}.txt"
            proof.parent.mkdir(parents=True, exist_ok=True)
            proof.write_bytes(data)
            lines.append(f"proof: {date.year}/{n}.txt")
            lines.append(f"proof_sha256: {hashlib.sha256(data).hexdigest()}")
        if rng.random() < 0.2:
            lines.append("description: |\n  Notes with **Markdown** and a [link](https://example.org/).")
        (folder / f"{date.isoformat()}-{n}.yaml").write_text("\n".join(lines) + "\n")
    opp_dir = ledger / "opportunities"
    opp_dir.mkdir(parents=True)
    batch: list[str] = []
    for n in range(opportunities):
        starts = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(540))
        batch.append(
            f"- id: opp-{n}\n  title: {title(rng)} {n}\n  provider: Provider {rng.randrange(400)}\n"
            f"  url: https://example.org/o/{n}\n  format: {rng.choice(['webinar', 'course', 'conference', 'book', 'podcast'])}\n"
            f"  delivery: {rng.choice(DELIVERIES)}\n  starts: {starts.isoformat()}\n  minutes: {rng.choice([30, 60, 90, 120, 480])}\n"
            f"  cost: {rng.choice(['free', '$49', '$1,295'])}\n  topics: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n"
            f"  counts_toward: [{PROGRAMS[rng.randrange(len(PROGRAMS))][0]}]\n"
        )
        if len(batch) == 500 or n == opportunities - 1:
            (opp_dir / f"batch-{n // 500:03d}.yaml").write_text("".join(batch))
            batch = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--opportunities", type=int, default=1_000)
    parser.add_argument("--certifications", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.entries, args.opportunities, args.certifications, args.seed)


if __name__ == "__main__":
    main()
