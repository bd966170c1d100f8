"""Kill real ``synthgen generate`` runs at random moments; the dataset must stay readable and a final
run must complete it to exactly what an uninterrupted run writes."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from faultkit import ROOT, check_readable, cli_env, generate_cmd, run_cli, scenario, table_bytes

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SESSIONS = 4  # as the clean_quick fixture
KILLS = 10


def _group_alive(pgid: int) -> list[psutil.Process]:
    alive = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except (ProcessLookupError, psutil.Error):
            pass
    return alive


def _sessions_written(out: Path) -> int:
    d = out / "sessions"
    return sum(1 for p in d.glob("*.parquet")) if d.is_dir() else 0


def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path, faults_url: str, clean_quick: Path) -> None:
    rng = random.Random(20260705)
    out = tmp_path / "ds"
    cmd = generate_cmd([scenario("quick")], out, faults_url, sessions=SESSIONS)
    interrupted = while_writing = completed = 0
    for i in range(KILLS):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        if i % 2 == 0:
            time.sleep(rng.uniform(0.3, 8.0))  # anywhere: start-up, browser launch, mid-session, writing
        else:
            # right after a session's files land: the next writes are in flight
            before, deadline = _sessions_written(out), time.time() + 60
            while proc.poll() is None and _sessions_written(out) == before and time.time() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.05))
            while_writing += proc.poll() is None
        if proc.poll() is None:
            interrupted += 1
            if i % 4 == 3:
                # Only the coordinator dies (as with the OOM killer): its children must go on their own.
                os.kill(proc.pid, signal.SIGKILL)
            else:
                os.killpg(proc.pid, signal.SIGKILL)  # the whole run at once, browsers included
        proc.wait(timeout=30)
        deadline = time.time() + 15
        while _group_alive(proc.pid) and time.time() < deadline:
            time.sleep(0.2)
        left = _group_alive(proc.pid)
        for p in left:  # never leave our own strays behind, even when failing
            p.kill()
        assert not left, f"kill {i}: processes outlived the killed run: {[p.pid for p in left]}"
        if check_readable(out)["sessions"] == SESSIONS:
            # The job got done before this kill: check it and start over, so later kills hit work.
            assert table_bytes(out, "events") == table_bytes(clean_quick, "events")
            completed += 1
            shutil.rmtree(out)
    # Complete the job; it must equal the uninterrupted run byte for byte.
    r = run_cli(cmd)
    assert r.returncode == 0, r.stderr
    counts = check_readable(out)
    assert counts["sessions"] == SESSIONS and counts["temp_files"] == 0
    assert table_bytes(out, "events") == table_bytes(clean_quick, "events")
    assert table_bytes(out, "sessions") == table_bytes(clean_quick, "sessions")
    print(f"\nkills={KILLS} interrupted_runs={interrupted} while_writing={while_writing} "
          f"jobs_completed_between_kills={completed} sessions_lost=0")
    assert interrupted >= KILLS // 2  # most kills must land while the run is working


def test_a_second_run_on_a_locked_dataset_is_refused(tmp_path: Path, faults_url: str) -> None:
    from synthgen.dataset import DatasetLock

    out = tmp_path / "ds"
    out.mkdir()
    with DatasetLock(out):
        r = run_cli(generate_cmd([scenario("quick")], out, faults_url, sessions=1), timeout=60)
    assert r.returncode == 2
    assert "another synthgen run" in r.stderr and len(r.stderr.strip().splitlines()) == 1
