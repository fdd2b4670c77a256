"""`recertgen build`: render every page and export into a staging folder,
then swap it into place.

Gather everything first (the loaded ledger and its report), write second.
Incremental: a page whose key matches the previous build's is linked from
the previous site instead of rendered, and a file that comes out byte for
byte as before is linked too, so unchanged files keep their bytes and
timestamps; the swap still replaces the whole folder at once. When no
input changed at all (same files, sizes and times, same theme, settings,
as-of date and commit), `freshness.up_to_date` says so before anything
is parsed.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..api import Loaded
from ..exports.audit import HEADER, audit_rows, csv_bodies
from ..exports.badges import badge_svg
from ..exports.calendar import deadlines_ics
from ..exports.certificates import write_certificates_zip
from ..exports.summary import summary_json
from ..forked import FAILED, Forked
from ..keys import digest, proof_state
from ..parsecache import code_fingerprint
from ..problems import Problem
from ..proofs import locate
from . import catalog, views
from .carry import Carry
from .data import Basis, SiteData, basis, gather
from .freshness import MANIFEST_FORMAT, inputs_fingerprint, manifest_file, read_manifest, theme_fingerprint, write_manifest
from .output import Staging, check_output, sweep_leftovers, through_link
from .pages import Page, credit_data_file, credit_data_key, credit_data_paths, pages, resolve
from .theme import asset_files, environment, own_template_problems, root_prefix, template_problem


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    problems: tuple[Problem, ...]
    rendered: int = 0  # pages rendered (the rest were reused from the previous build)

    @property
    def ok(self) -> bool:
        return not self.problems


def build_site(loaded: Loaded, out: Path, progress: Callable[[Iterable], Iterable] | None = None,
               discard: Callable[[Path], None] | None = None, parallel: bool = False,
               fingerprint_inputs: bool = True, confirm: Callable[[], tuple[Problem, ...]] | None = None,
               carry: Carry | None = None) -> BuildResult:
    """Render the site into a staging folder and swap it in. Template
    errors are problems (with the template's file and line), never
    tracebacks; on any problem the previous site stays untouched.
    (`discard`: how the previous site is removed, see `Staging.commit`;
    `parallel`: a large ledger's exports start in a forked process while
    the pages' data is gathered, see `_EarlyExports` — only for a process
    without other threads, the command line; `fingerprint_inputs`: the
    manifest records what the site was built from, for `build`'s "nothing
    changed" — `serve` has no use for it, and at firm scale it costs 0.1 s;
    `confirm`: called once everything is written, before the swap; the
    errors it returns stop the build as a template error would — checks
    still running while the site was built, see `api.load_deferred`;
    `carry`: what a resident process kept of its last build, see `carry`.)"""
    root = loaded.ledger.root
    check_output(out, root, loaded.ledger.settings.ledger)
    if out.is_symlink():
        sweep_leftovers(out)  # the link an earlier version swapped aside, beside the link
        out = through_link(out)
    manifest_path = manifest_file(root, loaded.ledger.settings.cache, out)
    staging = Staging(out, read_manifest(manifest_path, out).get("keys", {}))
    early = None
    try:
        theme = theme_fingerprint(root)
        env = carry.environment(theme, lambda: environment(root)) if carry is not None else environment(root)
        own_problems = own_template_problems(root, env)
        if own_problems:
            raise RenderFailed(*own_problems)
        base = basis(loaded, carry, theme)
        exports = export_jobs(base)
        if parallel and len(loaded.ledger.credits) >= EARLY_MIN_ENTRIES:
            early = _EarlyExports.start([job for job in exports if job.early], base, staging)
            if early is not None:
                exports = [job for job in exports if not job.early]
        data = gather(loaded, base)
        data.entry_keys  # worked out once here, before the workers that all need them start
        page_list = list(pages(data, theme))
        if data.carried is not None:  # and what serve keeps, before forked workers would work it out and forget it
            _settle_carried_keys(data)
        rendered = run_jobs([*exports, *page_list], data, env, staging, progress)
        if early is not None:
            early, started = None, early
            started.finish(staging)
        for rel, path in asset_files(root).items():
            staging.copy_if_changed(rel, path)
        blocked = confirm() if confirm is not None else ()
    except RenderFailed as failed:
        _stop(early)
        staging.abandon()
        return BuildResult(out, 0, 0, failed.problems)
    except Exception as exc:  # a template override's mistake must read as a problem, not a traceback
        _stop(early)
        staging.abandon()
        return BuildResult(out, 0, 0, (template_problem(exc, root),))
    except BaseException:
        _stop(early)
        staging.abandon()
        raise
    if blocked:
        staging.abandon()
        return BuildResult(out, 0, 0, tuple(blocked))
    try:  # whatever fails from here on, the staging folder goes and the previous site stays
        manifest = {
            "format": MANIFEST_FORMAT,
            "inputs": inputs_fingerprint(root, loaded.ledger.settings.ledger, loaded.as_of, theme, loaded.ledger.scanned)
            if fingerprint_inputs else None,
            "warnings": len(loaded.warnings),
            "keys": staging.keys,
        }
        staging.commit(discard)
    except BaseException:
        staging.abandon()
        raise
    write_manifest(manifest_path, manifest)
    if carry is not None:
        carry.succeeded(base.carried, data)
    return BuildResult(out, len(page_list), staging.files, (), rendered)


# -- jobs: every page and export, shared among all cores -------------------------------------

@dataclass(frozen=True)
class ExportJob:
    """An export file (or a few small ones) written by `write(data, staging)`.
    An `early` one needs only the `Basis`, not the pages' data."""

    name: str
    write: Callable[[SiteData, Staging], None]
    early: bool = False


Job = Page | ExportJob
PARALLEL_MIN_JOBS = 64
_JOB: tuple = ()  # what forked workers inherit: (jobs, data, env, staging)


def run_jobs(jobs: list[Job], data: SiteData, env, staging: Staging, progress=None) -> int:
    """Run every job; returns how many pages were rendered (the rest were
    reused by key). Many jobs are shared among all cores: forked workers
    inherit everything gathered, write their own files, and report back
    the keys and counts the manifest needs. The costly exports come first
    so that no core is left with one of them at the end."""
    workers = os.cpu_count() or 1
    # serve's rebuilds (`carry`) mostly render a few pages: forking workers off a process this
    # size would then cost more than they save (each write after a fork copies a page).
    few = data.carried is not None and _to_render(jobs, staging) < PARALLEL_MIN_RENDERS
    if workers < 2 or len(jobs) < PARALLEL_MIN_JOBS or few or "fork" not in multiprocessing.get_all_start_methods():
        rendered = 0
        for job in (progress(jobs) if progress else jobs):
            rendered += _run_job(job, data, env, staging)
        return rendered
    _compile_templates(env)
    global _JOB
    _JOB = (jobs, data, env, staging)
    rendered = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = pool.map(_run_in_worker, range(len(jobs)), chunksize=2)
            for files, keys, count, problem in (progress(_Sized(results, len(jobs))) if progress else results):
                if problem is not None:
                    raise RenderFailed(problem)
                staging.files += files
                staging.keys.update(keys)
                rendered += count
    finally:
        _JOB = ()
    return rendered


PARALLEL_MIN_RENDERS = 40


def _compile_templates(env) -> None:
    """Every template compiled here, before the workers fork: each would
    compile them again, and `serve`, which renders its next pages itself,
    would have none compiled."""
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
        try:
            env.get_template(name)
        except Exception:  # said with its line where a page uses it
            pass


def _to_render(jobs: list[Job], staging: Staging) -> int:
    """How many pages will be rendered rather than kept (their keys are
    known when serve worked them out at once)."""
    return sum(1 for job in jobs if isinstance(job, Page) and (not isinstance(job.key, str) or staging.previous_keys.get(job.path) != job.key))


class _Sized:
    """Results as they arrive, with the count a progress bar needs."""

    def __init__(self, items: Iterable, count: int) -> None:
        self.items, self.count = items, count

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return self.count


def _run_in_worker(index: int) -> tuple[int, dict, int, Problem | None]:
    jobs, data, env, staging = _JOB
    staging.files, staging.keys = 0, {}
    try:
        count = _run_job(jobs[index], data, env, staging)
    except Exception as exc:  # reported with its template line, which only this process's traceback knows
        return 0, {}, 0, template_problem(exc, data.ledger.root)
    return staging.files, staging.keys, count, None


def _run_job(job: Job, data: SiteData, env, staging: Staging) -> int:
    """1 when a page was rendered, 0 when reused or an export."""
    if isinstance(job, ExportJob):
        job.write(data, staging)
        return 0
    key = job.resolved_key()
    if key is not None and staging.reuse_keyed(job.path, key):
        return 0
    _render(job, data, env, staging)
    return 1


EARLY_MIN_ENTRIES = 20_000  # below this, forking costs more than the exports


class _EarlyExports:
    """The exports that need only the `Basis` — audit CSVs, certificates
    ZIP, proof files: a quarter of a firm-scale build's work — run in a
    forked process (`forked.Forked`) from before the pages' data is
    gathered, on the core that would otherwise wait for the gathering. The
    child writes its files into the staging folder and sends back their
    count and keys; should it fail to start or to finish, the jobs run here
    instead, so the site never depends on the fork."""

    def __init__(self, jobs: list[ExportJob], base: Basis, child: Forked) -> None:
        self.jobs, self.base, self.child = jobs, base, child

    @classmethod
    def start(cls, jobs: list[ExportJob], base: Basis, staging: Staging) -> "_EarlyExports | None":
        if (os.cpu_count() or 1) < 2:
            return None
        child = Forked.start(lambda: _write_in_child(jobs, base, staging))
        return cls(jobs, base, child) if child is not None else None

    def finish(self, staging: Staging) -> None:
        """Wait for the child and take in what it wrote (or do it here)."""
        delivered = self.child.result()
        if delivered is FAILED:
            for job in self.jobs:
                job.write(self.base, staging)
            return
        files, keys, problem = delivered
        if problem is not None:
            raise RenderFailed(problem)
        staging.files += files
        staging.keys.update(keys)

    def stop(self) -> None:
        """The build failed elsewhere: the child's work is not wanted."""
        self.child.stop()


def _write_in_child(jobs: list[ExportJob], base: Basis, staging: Staging) -> tuple[int, dict, Problem | None]:
    staging.files, staging.keys = 0, {}
    try:
        for job in jobs:
            job.write(base, staging)
    except Exception as exc:
        return 0, {}, template_problem(exc, base.ledger.root)
    return staging.files, staging.keys, None


def _stop(early: "_EarlyExports | None") -> None:
    if early is not None:
        early.stop()


class RenderFailed(Exception):
    """Rendering failed; the problems already name the template lines."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def _render(page: Page, data: SiteData, env, staging: Staging) -> None:
    context = {"site": data.site, "page_path": page.path, "page_root": root_prefix(page.path),
               "page_title": page.title, **resolve(page.context)}
    staging.write_if_changed(page.path, env.get_template(page.template).render(context).encode("utf-8"))


def export_jobs(base: Basis) -> list[ExportJob]:
    """The files for auditors and other programs, beside the pages; the
    costliest first."""
    jobs = [ExportJob("audit.csv", _write_audit_csvs, early=True), ExportJob("certificates.zip", _write_certificates, early=True),
            ExportJob("proof files", _copy_proofs, early=True)]
    for number, path in enumerate(credit_data_paths(base.ledger)):
        jobs.append(ExportJob(path, lambda d, s, n=number: _write_credit_data(d, s, n)))
    jobs.append(ExportJob("opportunities/search-index.js", _write_search_index))
    jobs.append(ExportJob("summaries", _write_summaries))
    return jobs


def _settle_carried_keys(data: SiteData) -> None:
    data.audit_keys, data.certificate_keys
    for number in range(len(credit_data_paths(data.ledger))):
        credit_data_key(data, number)
    _search_index_key(data)


def _search_index_key(data: SiteData) -> str:
    """serve's key of the search index: kept while the cards and
    opportunities are the same."""
    return data.carried.token("search index", (tuple(data.opportunity_cards), data.ledger.opportunities), ())


def _write_credit_data(data: SiteData, staging: Staging, number: int) -> None:
    file_path = credit_data_paths(data.ledger)[number]
    key = _export_key(data, "credits-data", credit_data_key(data, number))
    if not staging.reuse_keyed(file_path, key):
        file = credit_data_file(data, number)
        staging.write_if_changed(file.path, file.text.encode("utf-8"))


def _write_audit_csvs(data: Basis, staging: Staging) -> None:
    """Each certification's audit CSV, and the whole one (their bodies in
    order of certification). A certification whose rows say what they said
    last time keeps its file, and its body is read back from it; only the
    others' rows are built and written. The whole file is kept when no
    certification's rows changed, and written without comparing otherwise
    (at firm scale it is 30 MB)."""
    header = HEADER.encode("utf-8")
    bodies: dict[str, bytes] = {}
    stale = []
    for cert in data.report.certifications:
        rel = f"certifications/{cert.id}/audit.csv"
        body = _previous_body(staging, rel, _export_key(data, "csv", data.audit_keys[cert.id]), header)
        if body is None:
            stale.append(cert)
        else:
            bodies[cert.id] = body
    if stale:
        if data.carried is not None:  # serve: rows that say what they said keep their lines
            fresh = {cert.id: header + data.carried.audit_body(cert, data) for cert in stale}
        else:
            made = csv_bodies(data.ledger, data.report, data.recorded, stale)
            fresh = {cert_id: header + body.encode("utf-8") for cert_id, body in made.items()}
        for cert in stale:
            text = fresh.get(cert.id, header)
            rel = f"certifications/{cert.id}/audit.csv"
            staging.write_if_changed(rel, text)
            staging.keys[rel] = _export_key(data, "csv", data.audit_keys[cert.id])
            bodies[cert.id] = text[len(header):]
    whole_key = _export_key(data, "csv whole", [(cert.id, data.audit_keys[cert.id]) for cert in data.report.certifications])
    if not staging.reuse_keyed("audit.csv", whole_key):
        staging.write("audit.csv", header + b"".join(bodies[cert_id] for cert_id in sorted(bodies)))


def _export_key(data: Basis, *parts) -> str:
    """An export's key: its own inputs, and the code, settings and as-of
    date that shape every file."""
    return digest(code_fingerprint(), data.ledger.settings, data.report.as_of, *parts)


def _previous_body(staging: Staging, rel: str, key: str, header: bytes) -> bytes | None:
    """The previous build's file without its header, reused in place, when
    its key is `key`."""
    if staging.previous_keys.get(rel) != key:
        return None
    try:
        content = (staging.out / rel).read_bytes()
    except OSError:
        return None
    if not content.startswith(header) or not staging.reuse_keyed(rel, key):
        return None
    return content[len(header):]


def _write_certificates(data: Basis, staging: Staging) -> None:
    zip_key = _export_key(data, "zip", sorted(data.certificate_keys.items()))
    if not staging.reuse_keyed("certificates.zip", zip_key):
        write_certificates_zip(audit_rows(data.ledger, data.report, data.recorded, proofs_only=True),
                               staging.path("certificates.zip"))


def _write_search_index(data: SiteData, staging: Staging) -> None:
    if data.carried is not None and staging.reuse_keyed("opportunities/search-index.js", _search_index_key(data)):
        return  # serve keeps it while the cards are the same
    index = catalog.search_index_js(data.opportunity_cards, data.ledger, data.report.as_of)
    staging.write_if_changed("opportunities/search-index.js", index.encode("utf-8"))


def _write_summaries(data: SiteData, staging: Staging) -> None:
    report = data.report
    staging.write_if_changed("summary.json", summary_json(report).encode("utf-8"))
    for cert in report.certifications:
        staging.write_if_changed(f"badges/{cert.id}.svg", badge_svg(cert).encode("utf-8"))
    staging.write_if_changed("deadlines.ics", deadlines_ics(report, data.ledger.settings.title).encode("utf-8"))


def _copy_proofs(data: Basis, staging: Staging) -> None:
    """Proof files, keyed by their status (`keys.proof_state`): ten
    thousand certificates are not read again to find them unchanged."""
    found = data.carried.proof_files() if data.carried is not None else _proof_files(data.ledger)  # serve: not found again
    staging.place_all([(views.site_proof_path(rel, data.ledger), path, "stat:" + state) for rel, path, state in found])


def _proof_files(ledger):
    seen = set()
    for entry in ledger.credits:
        if not entry.proof:
            continue
        location = locate(ledger, entry.proof)
        if location.path is None or location.rel in seen:
            continue
        seen.add(location.rel)
        yield location.rel, location.path, proof_state(ledger, entry.proof)


__all__ = ["BuildResult", "Page", "build_site"]
