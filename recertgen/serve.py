"""`recertgen serve`: build, serve on 127.0.0.1, rebuild on every save.

A watch loop that survives errors: the file-event handler only records
that something changed; the loop waits for a quiet moment (a burst of
events from one save is one rebuild), rebuilds through the same front door
as `build`, and on failure keeps serving the last good site while showing
the problems in the terminal and on the page. The site is built into a
temporary folder, never into the ledger's `site/`, and that folder is not
watched, so a rebuild never triggers another.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .api import WATCHER_SAW, load_deferred
from .loader import SETTINGS_FILE, FileRef, UnusableRoot, read_settings_file, rescan, scan
from .parsecache import save_resident
from .problems import Problem, Source, error, format_problems, sort_problems
from .site.build import build_site
from .site.carry import Carry

DEBOUNCE_SECONDS = 0.25
IDLE_SECONDS = 1.0  # after a rebuild, before tidying up after it
LIVE_PATH = "/__recertgen/"
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".kate-swp")

LIVE_JS = """\
/* recertgen serve: reload when a rebuild lands; show problems when one fails. */
(function () {
  "use strict";
  var seen = null;
  function banner(status) {
    var box = document.getElementById("recertgen-problems");
    if (status.ok) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "recertgen-problems";
      box.setAttribute("role", "alert");
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.style.cssText = "background:#fff1c2;color:#1b1f24;border-bottom:4px solid #9a6700;padding:0.75rem 1rem;font:14px/1.4 ui-monospace,monospace;white-space:pre-wrap";
    box.textContent = "The last rebuild failed; showing the last good site.\\n\\n" + status.problems.join("\\n");
  }
  function poll() {
    fetch("/__recertgen/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (status) {
      if (seen !== null && status.version !== seen) { location.reload(); return; }
      seen = status.version;
      banner(status);
    }).catch(function () { /* the server is restarting or stopped */ }).then(function () { setTimeout(poll, 400); });
  }
  poll();
})();
"""


@dataclass
class BuildState:
    version: int = 0  # bumps when a good build lands
    ok: bool = False
    problems: tuple[Problem, ...] = ()
    has_site: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"version": self.version, "ok": self.ok, "problems": [p.as_text() for p in self.problems]}).encode()


class Server:
    def __init__(self, root: Path, port: int, as_of: dt.date | None = None, echo: Callable[[str], None] = print) -> None:
        self.root = root.resolve()
        self.as_of = as_of
        self.echo = echo
        self.discarding: list[threading.Thread] = []  # previous sites being removed
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())  # fails first if the port is taken
        self.workdir = Path(tempfile.mkdtemp(prefix="recertgen-serve-"))
        self.out = self.workdir / "site"
        self.state = BuildState()
        self.changed = threading.Event()
        self.stopping = threading.Event()
        self.last_change = 0.0
        self.observer = Observer()
        self.watched: set[Path] = set()
        self.caches: dict = {}  # the parse cache and the certifications' reports, kept between rebuilds
        self.carry = Carry()  # what the last build worked out, for the next one to start from
        # What the watcher saw since the last rebuild: the files saved (repository-relative),
        # or that only a whole scan will do (a folder came or went, the settings changed).
        self.saved: set[str] = set()
        self.rescan_all = True
        self.events = threading.Lock()
        self.refs: list[FileRef] | None = None  # the ledger's files as last seen, and in which folder
        self.refs_ledger: str | None = None
        self.serving = False  # the HTTP thread runs (shutting it down before then would wait forever)
        self.untidy = False  # a rebuild ran since the last tidy-up
        self.built_at = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    # -- building ---------------------------------------------------------------
    def rebuild(self) -> None:
        try:
            self._rebuild()
        finally:  # built or failed, it left garbage and a changed parse cache: tidy up once idle
            self.untidy, self.built_at = True, time.monotonic()

    def _rebuild(self) -> None:
        start = time.perf_counter()
        try:
            loaded, complete = load_deferred(self.root, self.as_of, resident=self.caches, refs=self._scan())
        except UnusableRoot as exc:
            self._failed(exc.problems or (error(Source(SETTINGS_FILE), str(exc)),))
            return
        try:
            if loaded.errors:
                self._failed(complete())
                return
            # The record checks rarely find anything after an edit: the site is
            # built while they run, and swapped in only once they found no error.
            result = build_site(loaded, self.out, discard=self._discard, fingerprint_inputs=False, carry=self.carry,
                                confirm=lambda: tuple(p for p in complete() if p.is_error))
        finally:
            problems = complete()  # and the checking child is gone, whatever happened
        if any(p.is_error for p in problems):
            self._failed(problems)
            return
        if not result.ok:
            self._failed(result.problems)
            return
        with self.state.lock:
            self.state.version += 1
            self.state.ok = True
            self.state.problems = ()
            self.state.has_site = True
        warnings = sum(1 for p in problems if not p.is_error)
        warned = f", {warnings} warnings" if warnings else ""
        self.echo(f"Rebuilt {result.pages} pages in {time.perf_counter() - start:.2f} s{warned}")
        self._prepare_checks()

    def _prepare_checks(self) -> None:
        """What the checks make ready for the next rebuild (`recheck.Kept.prepare`):
        once the site is swapped in, so that nobody waits for it."""
        kept = self.caches.get("checks")
        if kept is not None:
            kept.prepare()

    def _scan(self) -> list[FileRef] | None:
        """The ledger's files: after a save, only the saved files are looked
        at again (`loader.rescan`); a whole scan of 100,000 files costs 0.4 s.
        None when the settings are unusable (reading says why)."""
        with self.events:
            saved, whole = self.saved, self.rescan_all or not self.observer.is_alive()  # no watcher: nobody says what changed
            self.saved, self.rescan_all = set(), False
        try:
            ledger = read_settings_file(self.root)[0].ledger
        except UnusableRoot:
            self.refs = self.refs_ledger = None  # a whole scan once the settings work again; none meanwhile
            return None
        if whole or self.refs is None or ledger != self.refs_ledger:
            self.refs = scan(self.root, ledger)
            self.carry.watcher_saw(None)  # proof files are looked at again too
        else:
            self.refs = rescan(self.root, ledger, self.refs, saved)
            self.carry.watcher_saw(saved)
            self.caches[WATCHER_SAW] = saved  # for the checks' proof files (`recheck`), this read only
        self.refs_ledger = ledger
        return self.refs

    def _reconcile(self) -> None:
        """A whole scan once idle, against what the watcher said: a file
        changed through a link, or an event the system dropped (a proof
        file's too), is found here and rebuilt a moment later."""
        if self.refs is None or self.refs_ledger is None:
            return
        if scan(self.root, self.refs_ledger) != self.refs or self.carry.proofs_moved():
            with self.events:
                self.rescan_all = True
            self.note_change()

    def saw(self, path: str, folder: bool) -> None:
        """A relevant event (`_Changes`): a file to look at again, or a
        folder, which only a whole scan sees into."""
        with self.events:
            if folder or Path(path).parent == self.root:
                self.rescan_all = True
            else:
                self.saved.add(Path(os.path.relpath(path, self.root)).as_posix())
        self.note_change()

    def tidy_up(self) -> None:
        """What a rebuild leaves, done once it has been idle a moment, while
        nobody waits: the parse cache is saved (a 40 MB file at 100,000
        entries, not rewritten on every save of a file), and the cycles it
        left are collected (the command line turns the cyclic collector off,
        see `cli`, so no rebuild is interrupted by a full collection)."""
        save_resident(self.caches)
        self._prepare_checks()
        gc.collect()
        self.untidy = False
        self._reconcile()

    def _discard(self, folder: Path) -> None:
        """The previous site goes on a background thread: the new one is
        already being served."""
        self.discarding = [t for t in self.discarding if t.is_alive()]
        thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, daemon=True)
        thread.start()
        self.discarding.append(thread)

    def _failed(self, problems) -> None:
        problems = tuple(sort_problems(problems))
        with self.state.lock:
            self.state.ok = False
            self.state.problems = problems
        kept = "serving the last good site" if self.state.has_site else "no site yet"
        self.echo(format_problems(problems, "text") + f"\nBuild failed; {kept}. Fix the files and save again.")

    # -- watching --------------------------------------------------------------------
    def watch(self) -> None:
        handler = _Changes(self)
        self.observer.schedule(handler, str(self.root), recursive=False)
        for folder in self._folders():
            self._watch_folder(folder, handler)
        self.handler = handler
        self.observer.start()

    def _folders(self) -> list[Path]:
        try:
            settings, _ = read_settings_file(self.root)
            ledger = settings.ledger
        except UnusableRoot:
            ledger = "ledger"
        return [self.root / ledger, self.root / "templates"]

    def _watch_folder(self, folder: Path, handler) -> None:
        if folder.is_dir() and folder not in self.watched:
            self.observer.schedule(handler, str(folder), recursive=True)
            self.watched.add(folder)

    def relevant(self, path: str) -> bool:
        p = Path(path)
        name = p.name
        if name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913":
            return False
        if p.parent == self.root:  # the settings, or the ledger or templates folder as a whole
            return name == SETTINGS_FILE or name in {f.name for f in self._folders()}
        return any(p.is_relative_to(folder) for folder in self._folders())

    def note_change(self) -> None:
        self.last_change = time.monotonic()
        self.changed.set()

    # -- running ----------------------------------------------------------------------
    def serve_forever(self, ready: Callable[[], None] | None = None) -> None:
        try:
            self.rebuild()
            self.watch()
            thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
            thread.start()
            self.serving = True
            self.echo(f"Serving {self.root} at {self.url} (Ctrl-C to stop)")
            if ready:
                ready()
            while not self.stopping.is_set():
                if self.changed.wait(0.2) and time.monotonic() - self.last_change >= DEBOUNCE_SECONDS:
                    self.changed.clear()
                    for folder in self._folders():  # a templates/ folder created since start
                        self._watch_folder(folder, self.handler)
                    self.rebuild()
                elif self.untidy and not self.changed.is_set() and time.monotonic() - self.built_at >= IDLE_SECONDS:
                    self.tidy_up()
                elif not self.changed.is_set() and not self.untidy:
                    self.carry.prepare()  # a step at a time, while nothing else is to do
        finally:
            self.close()

    def stop(self, *_signal) -> None:
        """Ctrl-C or SIGTERM: only sets a flag, so a second one while stopping
        cannot interrupt the clean-up half way."""
        self.stopping.set()

    def close(self) -> None:
        self.observer.stop()
        if self.serving:
            self.httpd.shutdown()
        self.httpd.server_close()
        if self.observer.is_alive():
            self.observer.join(timeout=5)
        for thread in self.discarding:
            thread.join()
        save_resident(self.caches)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _handler(self):
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.out), **kwargs)

            def log_message(self, *args):  # quiet: the terminal shows builds, not requests
                pass

            def end_headers(self):
                self.send_header("Cache-Control", "no-store")
                super().end_headers()

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                if path == LIVE_PATH + "status":
                    return self._send(200, "application/json", server.state.as_json())
                if path == LIVE_PATH + "live.js":
                    return self._send(200, "text/javascript", LIVE_JS.encode())
                if not server.state.has_site:
                    return self._send(503, "text/html; charset=utf-8", _problem_page(server.state.problems))
                target = Path(self.translate_path(path))
                if target.is_dir():
                    target = target / "index.html"
                if target.suffix == ".html" and target.is_file():
                    return self._send(200, "text/html; charset=utf-8", _inject(target.read_bytes(), server.state))
                return super().do_GET()

            def _send(self, code: int, kind: str, body: bytes):
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


class _Changes(FileSystemEventHandler):
    """Only records that something relevant changed; the loop rebuilds."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return
        for path in (event.src_path, getattr(event, "dest_path", "") or ""):
            if path and self.server.relevant(str(path)):
                self.server.saw(os.fsdecode(path), event.is_directory)


def _inject(page: bytes, state: BuildState) -> bytes:
    """The live-reload script, and the problems while the last build failed."""
    text = page.decode("utf-8", errors="replace")
    script = f'<script src="{LIVE_PATH}live.js"></script>'
    with state.lock:
        problems = state.problems if not state.ok else ()
    if problems:
        items = "\n".join(html.escape(p.as_text()) for p in problems)
        notice = f'<section id="recertgen-problems" role="alert"><p>The last rebuild failed; showing the last good site.</p><pre>{items}</pre></section>'
        text = text.replace("<main", notice + "\n<main", 1)
    return text.replace("</body>", script + "\n</body>", 1).encode("utf-8")


def _problem_page(problems) -> bytes:
    items = "\n".join(html.escape(p.as_text()) for p in problems)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>recertgen: build failed</title></head><body>'
        f'<section id="recertgen-problems" role="alert"><h1>The build failed</h1><pre>{items}</pre></section>'
        f'<script src="{LIVE_PATH}live.js"></script></body></html>'
    ).encode("utf-8")


def run(root: Path, port: int, as_of: dt.date | None, echo: Callable[[str], None]) -> None:
    server = Server(root, port, as_of, echo)
    signal.signal(signal.SIGINT, server.stop)
    signal.signal(signal.SIGTERM, server.stop)
    server.serve_forever()
    echo("Stopped.")
