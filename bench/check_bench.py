"""Time `recertgen check` on generated ledgers of 10,000 and 100,000 entries,
beside the parse floor (PyYAML's C loader over the same files).

    python bench/check_bench.py [--sizes 10000 100000] [--work bench/out]

Prints a table; figures are ratios measured in one run on one machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def parse_floor(root: Path) -> float:
    """Seconds for yaml.load with the C loader over every ledger file."""
    files = sorted(p for p in (root / "ledger").rglob("*.yaml"))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.perf_counter()
    for path in files:
        yaml.load(path.read_bytes(), Loader=loader)
    return time.perf_counter() - start


def timed_check(root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "recertgen", "check", str(root)], capture_output=True, text=True)
    return time.perf_counter() - start, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=HERE / "out")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, PyYAML {yaml.__version__} (C loader: {hasattr(yaml, 'CSafeLoader')}), {os.cpu_count()} cores")
    print(f"{'entries':>8}  {'files':>7}  {'parse floor':>11}  {'check':>8}  {'check/floor':>11}  exit")
    for size in args.sizes:
        root = args.work / f"ledger-{size}"
        if not (root / "ledger").exists():
            generate(root, entries=size, opportunities=max(100, size // 10), certifications=20)
        files = sum(1 for _ in (root / "ledger").rglob("*.yaml"))
        floor = parse_floor(root)
        seconds, code = timed_check(root)
        print(f"{size:>8}  {files:>7}  {floor:>10.2f}s  {seconds:>7.2f}s  {seconds / floor:>10.2f}x  {code}")


if __name__ == "__main__":
    main()
