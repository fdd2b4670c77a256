"""`recertgen serve` as a person uses it: a real process on a free port,
files saved the ways editors save them, pages fetched over HTTP."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ENTRY = "title: Webinar one\nprovider: OWASP\ndate: 2025-03-14\nhours: 1.5\ncounts_toward: [cissp]\n"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def status(base: str) -> dict:
    return json.loads(fetch(base + "__recertgen/status"))


def wait_for(predicate, seconds: float = 2.0):
    """The acceptance bar: the rebuilt page is there within two seconds."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("not within the time limit")
        time.sleep(0.05)


class Served:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, "-m", "recertgen", "serve", str(root), "--port", "0", "--as-of", "2026-11-15"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            self.lines.append(line)
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                self.url = match.group(1)
                return
        raise AssertionError("serve did not start: " + "".join(self.lines))

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=10)
        return self.process.returncode, "".join(self.lines) + out


@pytest.fixture
def served(cissp_ledger):
    cissp_ledger.credit("a", ENTRY)
    server = Served(cissp_ledger.root)
    yield server
    if server.process.poll() is None:
        server.stop()


def credits_page(served) -> str:
    return fetch(served.url + "credits/index.html")


def test_serves_the_site_with_live_reload(served):
    page = fetch(served.url + "index.html")
    assert "<h1>Dashboard</h1>" in page
    assert '<script src="/__recertgen/live.js"></script>' in page
    assert "location.reload()" in fetch(served.url + "__recertgen/live.js")
    assert status(served.url)["ok"] is True


def test_plain_write_rebuilds_within_two_seconds(served):
    version = status(served.url)["version"]
    (served.root / "ledger/credits/a.yaml").write_text(ENTRY.replace("Webinar one", "Webinar renamed"))
    wait_for(lambda: "Webinar renamed" in credits_page(served))
    assert status(served.url)["version"] == version + 1


def test_atomic_save_rebuilds_within_two_seconds(served):
    folder = served.root / "ledger/credits"
    temp = folder / ".a.yaml.tmp1234"
    temp.write_text(ENTRY.replace("Webinar one", "Saved atomically"))
    os.replace(temp, folder / "a.yaml")
    wait_for(lambda: "Saved atomically" in credits_page(served))


def test_editor_swap_files_and_new_and_deleted_files(served):
    version = status(served.url)["version"]
    (served.root / "ledger/credits/.a.yaml.swp").write_text("swap")
    (served.root / "ledger/credits/a.yaml~").write_text("backup")
    time.sleep(0.8)
    assert status(served.url)["version"] == version  # swap files alone rebuild nothing
    (served.root / "ledger/credits/b.yaml").write_text(ENTRY.replace("Webinar one", "Second one").replace("2025-03-14", "2025-04-01"))
    wait_for(lambda: "Second one" in credits_page(served))
    (served.root / "ledger/credits/b.yaml").unlink()
    wait_for(lambda: "Second one" not in credits_page(served))


def test_files_in_new_folders_and_moved_folders_are_seen(served):
    """After a save only the saved files are looked at again; a folder that
    comes or goes is scanned whole."""
    folder = served.root / "ledger/credits/2026"
    folder.mkdir()
    (folder / "c.yaml").write_text(ENTRY.replace("Webinar one", "In a new folder").replace("2025-03-14", "2025-05-01"))
    wait_for(lambda: "In a new folder" in credits_page(served))
    folder.rename(served.root / "ledger/credits/.archived")
    wait_for(lambda: "In a new folder" not in credits_page(served))


def test_a_file_changed_through_a_link_is_found_once_idle(served, tmp_path):
    """No watcher reports a linked file's target changing under the link's
    name: the whole scan `serve` makes once idle finds it."""
    target = tmp_path / "elsewhere.yaml"
    target.write_text(ENTRY.replace("Webinar one", "Linked from elsewhere").replace("2025-03-14", "2025-06-01"))
    os.symlink(target, served.root / "ledger/credits/linked.yaml")
    wait_for(lambda: "Linked from elsewhere" in credits_page(served))
    time.sleep(0.1)
    target.write_text(ENTRY.replace("Webinar one", "Changed elsewhere").replace("2025-03-14", "2025-06-01"))
    wait_for(lambda: "Changed elsewhere" in credits_page(served), seconds=6)


def test_settings_and_new_templates_folder_are_watched(served):
    (served.root / "recertgen.yaml").write_text("title: Renamed report\n")
    wait_for(lambda: "Renamed report" in fetch(served.url + "index.html"))
    (served.root / "templates").mkdir()
    time.sleep(0.5)
    (served.root / "templates" / "entry.html").write_text('{% extends "builtin/entry.html" %}{% block title %}Custom entry{% endblock %}')
    wait_for(lambda: "<title>Custom entry</title>" in fetch(served.url + "credits/a/index.html"))


def test_bad_edit_keeps_the_last_good_site_and_shows_the_problem(served):
    good = status(served.url)["version"]
    (served.root / "ledger/credits/a.yaml").write_text(ENTRY.replace("hours: 1.5", "hours: lots"))
    wait_for(lambda: not status(served.url)["ok"])
    state = status(served.url)
    assert state["version"] == good
    assert state["problems"] == ["ledger/credits/a.yaml:4:8: error: 'hours' must be a number, found 'lots'"]
    page = credits_page(served)
    assert "Webinar one" in page  # the last good site
    assert "The last rebuild failed" in page and "&#x27;hours&#x27; must be a number" in page
    (served.root / "ledger/credits/a.yaml").write_text(ENTRY)
    wait_for(lambda: status(served.url)["ok"])
    assert "The last rebuild failed" not in credits_page(served)


def test_ctrl_c_stops_cleanly(served):
    code, output = served.stop()
    assert code == 0
    assert "Stopped." in output and "Traceback" not in output
    temps = re.findall(r"recertgen-serve-\w+", output)
    assert temps == []


def test_output_is_never_written_into_the_ledger(served):
    assert not (served.root / "site").exists()


def test_a_broken_ledger_at_start_serves_the_problems(cissp_ledger):
    cissp_ledger.credit("a", ENTRY.replace("2025-03-14", "2025-02-30"))
    server = Served(cissp_ledger.root)
    try:
        with pytest.raises(urllib.error.HTTPError) as failure:
            fetch(server.url + "index.html")
        assert failure.value.code == 503
        assert "not a real date" in failure.value.read().decode()
        (cissp_ledger.root / "ledger/credits/a.yaml").write_text(ENTRY)
        wait_for(lambda: status(server.url)["ok"])
        assert "Dashboard" in fetch(server.url + "index.html")
    finally:
        code, output = server.stop()
    assert code == 0


def test_port_in_use_is_a_clear_error(cissp_ledger, cli):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "recertgen", "serve", str(cissp_ledger.root), "--port", str(port)],
                                capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


def test_a_failure_before_serving_still_closes(cissp_ledger, monkeypatch):
    """An unexpected error in the first build must surface, not hang in
    shutting down an HTTP loop that never started."""
    import threading

    from recertgen.serve import Server

    server = Server(cissp_ledger.root, 0, echo=lambda line: None)
    monkeypatch.setattr(server, "rebuild", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    raised = []

    def run():
        try:
            server.serve_forever()
        except RuntimeError as exc:
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "close() hung"
    assert raised and str(raised[0]) == "boom"
    assert not server.workdir.exists()


def test_the_previous_site_is_removed_after_a_rebuild(cissp_ledger):
    """Rebuilds replace the site whole; the one replaced is removed in the
    background, never left behind, and what is served is the new one."""
    from recertgen.serve import Server

    cissp_ledger.credit("2025/a", "title: First\nprovider: P\ndate: 2025-03-01\nhours: 1\ncounts_toward: [cissp]\n")
    server = Server(cissp_ledger.root, 0, dt.date(2026, 11, 15), echo=lambda line: None)
    try:
        server.rebuild()
        cissp_ledger.credit("2025/b", "title: Second\nprovider: P\ndate: 2025-03-02\nhours: 1\ncounts_toward: [cissp]\n")
        server.rebuild()
        assert "Second" in (server.out / "credits" / "index.html").read_text(encoding="utf-8")
        for thread in server.discarding:
            thread.join(10)
        assert sorted(p.name for p in server.workdir.iterdir()) == ["site"]
    finally:
        server.close()
    assert not server.workdir.exists()


def test_it_tidies_up_once_idle(cissp_ledger):
    """The command line runs without the cyclic collector; `serve` runs for
    hours, so it collects after each rebuild, once idle, and saves the parse
    cache then rather than on every rebuild."""
    import gc
    import threading

    from recertgen.serve import Server

    server = Server(cissp_ledger.root, 0, dt.date(2026, 11, 15), echo=lambda line: None)
    collected = threading.Event()
    real = server.tidy_up

    def collect():
        real()
        collected.set()

    server.tidy_up = collect
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        thread.start()
        assert collected.wait(10), "no collection after the first build"
        assert not server.untidy
    finally:
        server.stop()
        thread.join(10)
        if was_enabled:
            gc.enable()


def test_the_parse_cache_is_saved_when_idle_not_on_every_rebuild(cissp_ledger):
    from recertgen import parsecache
    from recertgen.serve import Server

    cissp_ledger.credit("2025/a", "title: First\nprovider: P\ndate: 2025-03-01\nhours: 1\ncounts_toward: [cissp]\n")
    server = Server(cissp_ledger.root, 0, dt.date(2026, 11, 15), echo=lambda line: None)

    def on_disk():
        return parsecache.ParseCache(Path(os.environ["RECERTGEN_CACHE_DIR"]), server.root).entries

    try:
        server.rebuild()
        assert not on_disk(), "a rebuild does not write the cache file"
        server.tidy_up()
        assert "ledger/credits/2025/a.yaml" in on_disk()
        cissp_ledger.credit("2025/b", "title: Second\nprovider: P\ndate: 2025-03-02\nhours: 1\ncounts_toward: [cissp]\n")
        server.rebuild()
    finally:
        server.close()
    assert "ledger/credits/2025/b.yaml" in on_disk(), "closing saves it too"


def test_checks_still_running_while_the_site_is_built_hold_back_a_bad_edit(cissp_ledger, monkeypatch):
    """A large ledger's record checks run in a child while `serve` builds;
    an edit they find an error in is never swapped in, and the next good
    save is."""
    from recertgen import validate
    from recertgen.serve import Server

    monkeypatch.setattr(validate, "PARALLEL_MIN_ENTRIES", 0)
    forks = []
    real_start = validate.PendingChecks.start.__func__
    monkeypatch.setattr(validate.PendingChecks, "start", classmethod(lambda cls, ctx, *kept: forks.append(1) or real_start(cls, ctx, *kept)))
    cissp_ledger.credit("2025/a", "title: First\nprovider: P\ndate: 2025-03-01\nhours: 1\ncounts_toward: [cissp]\n")
    lines: list[str] = []
    server = Server(cissp_ledger.root, 0, dt.date(2026, 11, 15), echo=lines.append)
    try:
        server.rebuild()
        assert server.state.ok and forks, "built, with the checks in a child"
        good = (server.out / "credits" / "index.html").read_bytes()
        # the same activity twice: only the record checks (in the child) see it
        cissp_ledger.credit("2025/b", "title: First\nprovider: P\ndate: 2025-03-01\nhours: 2\ncounts_toward: [cissp]\n")
        server.rebuild()
        assert not server.state.ok
        assert any("already counts toward cissp" in p.message for p in server.state.problems)
        assert (server.out / "credits" / "index.html").read_bytes() == good, "the last good site stays"
        assert not list(server.workdir.glob(".site.building-*")), "nothing half-built is left"
        cissp_ledger.credit("2025/b", "title: Second\nprovider: P\ndate: 2025-03-02\nhours: 2\ncounts_toward: [cissp]\n")
        server.rebuild()
        assert server.state.ok and "Second" in (server.out / "credits" / "index.html").read_text(encoding="utf-8")
        # a warning found by the checks is counted, and does not stop the site
        cissp_ledger.credit("2025/c", "title: Third\nprovider: P\ndate: 2025-03-03\nhours: 1\ncounts_toward: [cissp]\nsource: nowhere\n")
        cissp_ledger.write("recertgen.yaml", "sources: [pluralsight]\n")
        server.rebuild()
        assert server.state.ok and "Third" in (server.out / "credits" / "index.html").read_text(encoding="utf-8")
        assert lines[-1].endswith("1 warnings"), lines[-1]
    finally:
        server.close()



def test_broken_settings_are_not_rebuilt_again_and_again_while_idle(cissp_ledger):
    """While the settings cannot be read, the idle whole scan has nothing to
    compare with: one failed rebuild per save, not one per second."""
    from recertgen.serve import Server

    cissp_ledger.credit("a", ENTRY)
    server = Server(cissp_ledger.root, 0, dt.date(2026, 11, 15), echo=lambda line: None)
    try:
        server.rebuild()
        cissp_ledger.write("recertgen.yaml", "title: [unclosed\n")
        cissp_ledger.credit("a", ENTRY.replace("Webinar one", "Edited meanwhile"))
        for _ in range(2):
            server.rebuild()
            assert not server.state.ok
            server.changed.clear()
            server.tidy_up()
            assert not server.changed.is_set(), "no rebuild asked for"
    finally:
        server.close()
