"""The firm-scale benchmark: 100,000 credits and 10,000 opportunities.

    python bench/build_bench.py [--entries 100000] [--opportunities 10000] [--write-readme]

In one run, on one machine, it measures:
- the parse floor: PyYAML's C loader (`yaml.load(..., CSafeLoader)`) over
  every ledger file, the cost any YAML-reading tool pays (best of two);
- `check` cold (no parse cache; best of two) and warm (cache filled);
- a cold `build` (no cache, no previous site; best of two), its peak memory;
- a no-change `build` (nothing to do);
- a `build` after one credit file changed;
- `serve`'s rebuild after one credit file changed (a resident process);
and prints each as a ratio to the floor (and to the cold build).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def parse_floor(root: Path) -> float:
    """The best of two passes after a warm-up read, so the floor, like every
    run after it, reads files from the page cache rather than the disk."""
    files = sorted((root / "ledger").rglob("*.yaml"))
    for path in files:
        path.read_bytes()
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for path in files:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        best = min(best, time.perf_counter() - start)
    return best


TRASH = HERE / "out" / "trash"


def set_aside(folder: Path) -> None:
    """Moved out of the way, not deleted: removed at the end of the run.
    On this machine's ext4 (mounted without a journal) a file made within
    a minute or so of a mass deletion costs up to 30 times more system time
    (most likely the allocator stepping around recently freed inodes), so deleting the
    previous site — 10,000 files — just before a cold build charged that
    build 3 s of system time and 2–3 s of wall time that a build in a fresh
    clone never pays (measured alternately, 2026-11-23)."""
    if folder.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        folder.rename(TRASH / f"{folder.name}-{time.time_ns()}")


def run(args: list[str], env: dict) -> tuple[float, int, str, float]:
    """Seconds, peak memory of the child in MB, its output's last line, and
    the processor time it and its workers took (user + system seconds)."""
    print("…", args[0], file=sys.stderr, flush=True)
    # What the previous step left to write back (removing a site of 10,000
    # files, say) is flushed first: each run pays for its own writes only.
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "recertgen", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    output = process.stdout.read()  # to the end before waiting: a child with more to say than a pipe holds would wait forever
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"recertgen {' '.join(args)} failed:\n{output}")
    last = output.strip().splitlines()[-1] if output.strip() else ""
    return seconds, usage.ru_maxrss // 1024, last, usage.ru_utime + usage.ru_stime


SERVE_REBUILD = """
import datetime as dt, gc, os, re, sys, time
from pathlib import Path
from recertgen.serve import Server
gc.disable()  # as the command line does
root, one, idle, edit = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "idle", sys.argv[4]
server = Server(root, 0, dt.date(2026, 11, 15), echo=lambda line: None)
try:
    server.rebuild()
    if idle:  # what serve does once idle after its first build
        server.tidy_up()
        while server.carry.prepare():
            pass
        os.sync()
    server.watch()  # as serve does: the watcher says which file was saved
    text = one.read_text()
    if edit == "title":
        one.write_text(text.replace("title: ", "title: Edited ", 1))
    else:  # more credits: the pace of its certifications' current cycles moves
        one.write_text(re.sub(r"minutes: [0-9]+", "minutes: 600", text))
    try:
        deadline = time.monotonic() + 5
        while not server.changed.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # the save's last events (serve waits for a quiet moment too)
        start = time.perf_counter()
        server.rebuild()
        print(f"{time.perf_counter() - start:.3f}")
    finally:
        one.write_text(text)
finally:
    server.close()
"""


def serve_rebuild(root: Path, one: Path, env: dict, idle: bool = True, edit: str = "title") -> float:
    """Seconds of `serve`'s rebuild after one file changed: the ledger's
    parse cache and what the last build worked out are in memory, the
    previous site on disk. `idle`: the edit comes once serve was idle a
    moment after its first build (as when a person opens a file and types),
    and did what it does then (`Server.tidy_up`, `Carry.prepare`); else at
    once. `edit`: "title" (a title edited), or "minutes" (more minutes)."""
    print("… serve", "idle" if idle else "at once", edit, file=sys.stderr, flush=True)
    os.sync()
    output = subprocess.run([sys.executable, "-c", SERVE_REBUILD, str(root), str(one), "idle" if idle else "now", edit],
                            env=env, check=True, capture_output=True, text=True).stdout
    return float(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--write-readme", action="store_true", help="append the figures to bench/README.md")
    args = parser.parse_args()
    root = HERE / "out" / f"firm-{args.entries}-{args.opportunities}"
    if not (root / "ledger").exists():
        generate(root, entries=args.entries, opportunities=args.opportunities, certifications=20)
    cache = HERE / "out" / "cache"
    site = HERE / "out" / "firm-site"
    env = {**os.environ, "RECERTGEN_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with compiled bytecode, as `pip install` leaves it
    as_of = ["--as-of", "2026-11-15"]
    files = sum(1 for _ in (root / "ledger").rglob("*.yaml"))
    shutil.rmtree(TRASH, ignore_errors=True)  # an interrupted run's, long before the cold builds

    floor = parse_floor(root)
    # Like the floor, the cold runs count their best of two: a run is only
    # ever slowed by the machine, never sped up.
    check_cold = float("inf")
    for _ in range(2):
        shutil.rmtree(cache, ignore_errors=True)
        check_cold = min(check_cold, run(["check", str(root), *as_of], env)[0])
    check_warm, _, _, _ = run(["check", str(root), *as_of], env)
    cold, memory, cold_cpu = float("inf"), 0, float("inf")
    for _ in range(2):
        set_aside(cache)
        set_aside(site)
        seconds, peak, built, cpu = run(["build", str(root), "--out", str(site), *as_of], env)
        cold, memory, cold_cpu = min(cold, seconds), max(memory, peak), min(cold_cpu, cpu)
    unchanged, _, said, _ = run(["build", str(root), "--out", str(site), *as_of], env)
    one = sorted((root / "ledger" / "credits").rglob("*.yaml"))[files // 3]
    text = one.read_text()
    one.write_text(text.replace("title: ", "title: Edited ", 1))
    try:
        changed, _, rebuilt, _ = run(["build", str(root), "--out", str(site), *as_of], env)
    finally:
        one.write_text(text)
    run(["build", str(root), "--out", str(site), *as_of], env)  # back to the generated state
    served = serve_rebuild(root, one, env)
    served_at_once = serve_rebuild(root, one, env, idle=False)
    current = sorted((root / "ledger" / "credits").rglob("*.yaml"))[-(files // 50)]  # an entry of the current cycles
    served_minutes = serve_rebuild(root, current, env, edit="minutes")

    shutil.rmtree(TRASH, ignore_errors=True)  # only now: see set_aside

    rows = [
        ("parse floor (C loader, same files)", floor, "1.00×", ""),
        ("`check`, no cache", check_cold, f"{check_cold / floor:.2f}×", ""),
        ("`check`, warm cache", check_warm, f"{check_warm / floor:.2f}×", ""),
        ("cold `build` (no cache, no site)", cold, f"{cold / floor:.2f}×", "100 %"),
        ("no-change `build`", unchanged, f"{unchanged / floor:.2f}×", f"{unchanged / cold:.1%}"),
        ("`build` after one credit file changed", changed, f"{changed / floor:.2f}×", f"{changed / cold:.1%}"),
        ("`serve` rebuild after one credit file changed (its title)", served, f"{served / floor:.2f}×", f"{served / cold:.1%}"),
        ("the same, saved at once after serve started", served_at_once, f"{served_at_once / floor:.2f}×", f"{served_at_once / cold:.1%}"),
        ("`serve` rebuild after a current entry's minutes changed", served_minutes, f"{served_minutes / floor:.2f}×",
         f"{served_minutes / cold:.1%}"),
    ]
    lines = [
        f"{args.entries:,} credits, {args.opportunities:,} opportunities, 20 certifications: {files:,} YAML files.",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, PyYAML {yaml.__version__}; "
        f"peak memory of the cold build {memory} MB; its processor time (all its processes, user + system) "
        f"{cold_cpu:.1f} s, {cold_cpu / floor:.2f}× the floor's (a measure of work that other loads on the machine move less).",
        "",
        "| measure | seconds | × parse floor | × cold build |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {seconds:.2f} | {ratio} | {share} |" for name, seconds, ratio, share in rows],
        "",
        f"cold: {built}  ",
        f"no change: {said}  ",
        f"one change: {rebuilt}",
    ]
    print("\n".join(lines))
    if args.write_readme:
        with open(HERE / "README.md", "a", encoding="utf-8") as readme:
            readme.write("\n## Firm scale (`build_bench.py`)\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
