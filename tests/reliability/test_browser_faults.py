"""Browser and page faults: crashes are retried (in a relaunched browser when it died), hangs are cut
short, dialogs and popups are handled, scenario failures are recorded with the step and a screenshot,
and the other sessions always go on."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import psutil
import pyarrow.parquet as pq
import pytest

from faultkit import check_readable, scenario, table_bytes
from synthgen.runner.local import GenerateConfig, RunSummary, generate
from synthgen.session import SessionOptions
from synthgen.runner.worker import SessionSummary

pytestmark = pytest.mark.browser


def _run(out: Path, url: str, names: list[str], *, sessions: int = 1, **kw: Any) -> tuple[RunSummary, list[SessionSummary]]:
    seen: list[SessionSummary] = []

    def progress(_done: int, _total: int, s: SessionSummary | None) -> None:
        if s is not None:
            seen.append(s)

    cfg = GenerateConfig(scenarios=[scenario(n) for n in names], sessions=sessions, seed=1, out=out, personas=5,
                         base_url=url, **kw)
    return generate(cfg, on_progress=progress), seen


def _row(out: Path, sid: str) -> dict[str, Any]:
    return pq.read_table(out / "sessions" / f"{sid}.parquet").to_pylist()[0]


def _chromium(pred: Callable[[str], bool]) -> list[psutil.Process]:
    """Our own Chromium processes (descendants of this test process) whose command line passes ``pred``."""
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if "chrom" in p.name() and pred(" ".join(p.cmdline())):
                found.append(p)
        except psutil.Error:
            pass
    return found


def _kill(procs: list[psutil.Process]) -> None:
    """SIGKILL each; one that already exited (a helper process racing us) is what we wanted anyway."""
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


def _in_background(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised by the test
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, box


def _wait_first_session(out: Path, t: threading.Thread, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while t.is_alive() and time.time() < deadline:
        if (out / "sessions").is_dir() and any((out / "sessions").glob("*.parquet")):
            return
        time.sleep(0.02)


@pytest.mark.slow
def test_browser_killed_mid_run_is_relaunched_and_sessions_retried(tmp_path: Path, faults_url: str,
                                                                  clean_quick: Path) -> None:
    out = tmp_path / "ds"
    t, box = _in_background(lambda: _run(out, faults_url, ["quick"], sessions=4))
    _wait_first_session(out, t)
    browsers = _chromium(lambda cmd: "--type=" not in cmd)
    assert browsers, "no browser process found to kill"
    _kill(browsers)
    t.join(180)
    assert "error" not in box, box.get("error")
    summary, seen = box["value"]
    assert summary.ok == 4 and summary.failed == 0
    assert any(s.attempts == 2 for s in seen), [(s.session_id, s.attempts) for s in seen]
    assert table_bytes(out, "events") == table_bytes(clean_quick, "events")  # retries leave no trace


@pytest.mark.slow
def test_renderer_killed_mid_run_is_a_page_crash_and_retried(tmp_path: Path, faults_url: str,
                                                            clean_quick: Path) -> None:
    out = tmp_path / "ds"
    t, box = _in_background(lambda: _run(out, faults_url, ["quick"], sessions=4))
    _wait_first_session(out, t)
    renderers = _chromium(lambda cmd: "--type=renderer" in cmd)
    _kill(renderers)
    t.join(180)
    assert "error" not in box, box.get("error")
    summary, seen = box["value"]
    assert summary.ok == 4, summary.failures
    assert table_bytes(out, "events") == table_bytes(clean_quick, "events")


def test_hung_page_fails_its_session_others_go_on(tmp_path: Path, faults_url: str) -> None:
    t0 = time.time()
    summary, seen = _run(tmp_path, faults_url, ["hang", "quick"], hang_timeout_s=3, concurrency=2)
    assert time.time() - t0 < 90
    assert summary.ok == 1 and summary.failed == 1
    (hung,) = [s for s in seen if s.status != "ok"]
    assert hung.session_id.startswith("faults-hang") and hung.attempts == 2
    assert "the page stopped responding" in hung.error and "gave up after 2 attempts" in hung.error
    assert _row(tmp_path, hung.session_id)["failed_step"] == "2" or "step 3" in hung.error
    check_readable(tmp_path)


def test_page_crash_is_retried_then_recorded(tmp_path: Path, faults_url: str) -> None:
    summary, seen = _run(tmp_path, faults_url, ["crash"], retries=2)
    (s,) = seen
    assert s.status == "failed" and s.attempts == 3
    # Chromium sometimes takes the whole browser down with a crashed page; either is a crash to retry.
    assert s.error.startswith(("the page crashed", "the browser process died")) and "step 2 'goto'" in s.error
    assert "gave up after 3 attempts" in s.error


def test_dialogs_are_answered_and_popups_closed(tmp_path: Path, faults_url: str) -> None:
    summary, seen = _run(tmp_path, faults_url, ["dialogs", "popups"])
    assert summary.failed == 0, [s.error for s in seen]
    # The popup and the new tab never took the session's page away from it.
    ev = pq.read_table(tmp_path / "events" / "faults-popups-s1-00000.parquet").to_pylist()
    assert all("popup=1" not in r["url"] and "tab=1" not in r["url"] for r in ev)


def test_scenario_failures_are_not_retried_and_carry_step_and_screenshot(tmp_path: Path, faults_url: str) -> None:
    summary, seen = _run(tmp_path, faults_url, ["missing", "jserror", "slow", "quick"], concurrency=3)
    by = {s.session_id.split("-s1-")[0]: s for s in seen}
    assert by["faults-quick"].status == "ok"
    for name, step, words in (("faults-missing", "2", "testid=no-such-button matched no visible element"),
                              ("faults-jserror", "3", "the page threw: Cannot read properties of null"),
                              ("faults-slow", "1", "timed out after 1500 ms")):
        s = by[name]
        assert s.status == "failed" and s.attempts == 1, (name, s)
        assert f"step {step} '" in s.error and words in s.error, s.error
        row = _row(tmp_path, s.session_id)
        assert row["failed_step"] == step
        # The page as it was when the step failed (slow: the page never loaded, still a capture).
        frames = list((tmp_path / "frames" / s.session_id).glob("*failure*"))
        assert frames and frames[0].stat().st_size > 100, name
        shots = [r for r in pq.read_table(tmp_path / "events" / f"{s.session_id}.parquet").to_pylist()
                 if r["type"] == "screenshot"]
        assert shots and shots[-1]["frame"] == frames[0].relative_to(tmp_path).as_posix()
    assert summary.failed == 3 and len(summary.failures) == 3


@pytest.mark.slow
def test_worker_process_killed_is_replaced(tmp_path: Path, faults_url: str, clean_quick: Path) -> None:
    out = tmp_path / "ds"
    t, box = _in_background(lambda: _run(out, faults_url, ["quick"], sessions=4, workers=2))
    _wait_first_session(out, t)
    workers = [p for p in psutil.Process().children(recursive=False)
               if "multiprocessing" in " ".join(p.cmdline()) and "spawn" in " ".join(p.cmdline())]
    assert workers, "no worker process found"
    workers[0].kill()
    t.join(240)
    assert "error" not in box, box.get("error")
    summary, seen = box["value"]
    assert summary.ok == 4, summary.failures
    assert table_bytes(out, "events") == table_bytes(clean_quick, "events")


def test_bundled_chaos_app(tmp_path: Path) -> None:
    """The bundled chaos app through the normal path (its stable origin): everything up to the freeze is
    handled (a page busy for 5 s is slow, not hung); the freeze is a hang, recorded at its step."""
    # On wall time: the busy page spins on Date.now() for 5 s, which on the page's (paused) clock would never
    # end; that a busy page is slow, not hung, is a wall-time matter (README: --wall-clock).
    cfg = GenerateConfig(scenarios=[scenario("chaos")], sessions=1, seed=1, out=tmp_path, personas=3,
                         hang_timeout_s=15, retries=0,  # well above the 5 s busy page, even on a loaded machine
                         options=SessionOptions(page_clock=False))
    summary = generate(cfg)
    (f,) = summary.failures
    assert f.attempts == 1 and "the page stopped responding" in f.error, f.error
    row = _row(tmp_path, f.session_id)
    assert row["failed_step"] in ("13", "14"), row  # the freeze (its settle) or the click after it


def test_app_that_dies_after_the_start_fails_sessions_clearly(tmp_path: Path) -> None:
    """The app answers the start-up check, then goes away: each session fails at its first step, saying so."""
    import http.server

    class Once(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            # stop listening too, so the browser's connections are refused rather than left waiting
            threading.Thread(target=lambda: (srv.shutdown(), srv.server_close()), daemon=True).start()

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Once)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/faults/"
    summary, seen = _run(tmp_path, url, ["quick"], sessions=2)
    assert summary.failed == 2 and all(s.attempts == 1 for s in seen)
    for s in seen:
        assert s.error.startswith("step 1 'goto': ") and "ERR_CONNECTION_REFUSED" in s.error, s.error


def test_disk_full_mid_run_exits_1_and_keeps_whole_sessions(tmp_path: Path, faults_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from typer.testing import CliRunner

    from synthgen.cli import app
    from synthgen.dataset import destination, files

    real = destination.write_bytes_atomic
    calls = {"events": 0}

    def filling_up(path: Path, data: bytes) -> None:
        if Path(path).parent.name == "events":
            calls["events"] += 1
            if calls["events"] >= 2:
                def full(tmp: Path) -> None:
                    tmp.write_bytes(b"PAR1" + b"\0" * 64)  # part of the file, then the disk is full
                    raise OSError(errno.ENOSPC, "No space left on device")
                files.write_atomic(path, full)
        real(path, data)

    monkeypatch.setattr(destination, "write_bytes_atomic", filling_up)
    out = tmp_path / "out"
    args = ["generate", "-s", str(scenario("quick")), "-n", "3", "--no-progress", "-c", "1", "-w", "1",
            "--base-url", faults_url, "-o", str(out), "--personas", "3"]  # in this process: the patch applies
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 1, r.output
    (line,) = r.output.strip().splitlines()
    assert line.startswith("error: the run stopped with 2 sessions not written: cannot write ") and \
        "No space left on device" in line and "re-run the same command to finish" in line
    assert check_readable(out) == {"sessions": 1, "events_files": 1, "temp_files": 0}
    monkeypatch.setattr(destination, "write_bytes_atomic", real)
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0 and "1 already there" in r.output
