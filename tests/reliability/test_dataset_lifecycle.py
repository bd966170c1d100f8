"""The dataset as one package, tried as a careful and a careless user would (real runs, real Chromium).

Each case of the dataset issue: a non-dataset --out is refused and left byte-identical; another job is
refused naming what differs; a re-run keeps every export; a torn file is found and rewritten; SIGINT and
SIGTERM stop honestly; failed sessions can be retried; what synthgen writes is owner-only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from faultkit import ROOT, check_readable, cli_env, generate_cmd, run_cli, scenario, table_bytes

pytestmark = pytest.mark.browser


def _snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (links as links) with its content hash and mode."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        st = p.lstat()
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() + oct(st.st_mode)
        else:
            out[rel] = "dir" + oct(st.st_mode)
    return out


def _first_line(r: subprocess.CompletedProcess) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_a_folder_that_is_not_a_dataset_is_refused_and_left_byte_identical(tmp_path: Path, faults_url: str,
                                                                            clean_quick: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "trip-s2-20240612.jpg").write_bytes(b"\xff\xd8 a photo")
    (home / "events").mkdir()
    (home / "events" / "faults-quick-s1-00000.parquet").write_bytes(b"mine, not a session")
    (home / "notes-s1-00003").mkdir()
    (home / "notes-s1-00003" / "x.txt").write_text("user data")
    shutil.copytree(clean_quick, home / "old-dataset")
    (home / "old-dataset" / "synthgen-dataset.json").unlink()  # as an earlier synthgen wrote them
    (home / "link-to-dataset").symlink_to(clean_quick, target_is_directory=True)
    before, other_before = _snapshot(home), _snapshot(clean_quick)
    for out in (home, home / "old-dataset" / "events"):
        r = run_cli(generate_cmd([scenario("quick")], out, faults_url, sessions=1), timeout=90)
        assert r.returncode == 2, r.stderr
        assert "is not empty and is not a synthgen dataset" in _first_line(r)
    # A marker-less (older) dataset is refused; so is another job's dataset reached through a symlink.
    r = run_cli(generate_cmd([scenario("quick")], home / "old-dataset", faults_url, sessions=1), timeout=90)
    assert r.returncode == 2 and "nothing in it was touched" in _first_line(r)
    r = run_cli(generate_cmd([scenario("quick")], home / "link-to-dataset", faults_url, sessions=1, seed=2),
                timeout=90)
    assert r.returncode == 2 and "another job (seed 1 here, 2 now)" in _first_line(r)
    cmd = generate_cmd([scenario("quick")], home, faults_url, sessions=1)
    cmd[cmd.index("-o") + 1] = ""
    r = run_cli(cmd, timeout=90)
    assert r.returncode == 2 and "out=''" in _first_line(r)
    assert _snapshot(home) == before and _snapshot(clean_quick) == other_before


@pytest.fixture
def small(tmp_path: Path, faults_url: str) -> tuple[Path, list[str]]:
    """A dataset of 3 quick sessions with the Balabit and trajectories exports."""
    out = tmp_path / "ds"
    cmd = generate_cmd([scenario("quick")], out, faults_url, sessions=3,
                       extra=("--export", "balabit,trajectories", "-w", "1"))
    r = run_cli(cmd, timeout=180)
    assert r.returncode == 0, r.stderr
    return out, cmd


def test_another_job_is_refused_and_the_same_job_keeps_every_export(small: tuple[Path, list[str]],
                                                                     faults_url: str) -> None:
    out, cmd = small
    before = _snapshot(out)
    assert len(list((out / "exports" / "balabit").rglob("session_*.csv"))) == 3
    r = run_cli(cmd, timeout=120)  # the identical command: nothing to do, nothing lost
    assert r.returncode == 0, r.stderr
    after = _snapshot(out)
    assert {k: v for k, v in after.items() if k != "manifest.json"} == \
        {k: v for k, v in before.items() if k != "manifest.json"}
    for flag, value, says in (("--seed", "2", "seed 1 here, 2 now"), ("--personas", "7", "personas 5 here, 7 now"),
                              ("--export", "balabit", "exports")):
        changed = list(cmd)
        if flag in changed:
            changed[changed.index(flag) + 1] = value
        else:
            changed += [flag, value]
        r = run_cli(changed, timeout=60)
        assert r.returncode == 2 and says in _first_line(r) and "another job" in r.stderr, (flag, r.stderr)
    edited = out.parent / "quick.yaml"
    edited.write_text(scenario("quick").read_text().replace("median_ms: 300", "median_ms: 310"))
    r = run_cli(generate_cmd([edited], out, faults_url, sessions=3, extra=("--export", "balabit,trajectories")))
    assert r.returncode == 2 and "faults-quick edited" in _first_line(r)
    assert {k: v for k, v in _snapshot(out).items() if k != "manifest.json"} == \
        {k: v for k, v in before.items() if k != "manifest.json"}
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["job"]["seed"] == 1 and manifest["job"]["personas"] == 5
    assert "faults-quick" in manifest["job"]["scenarios"]


def test_a_torn_file_is_found_and_its_session_rewritten(small: tuple[Path, list[str]]) -> None:
    out, cmd = small
    good = table_bytes(out, "events"), table_bytes(out, "sessions")
    sid = sorted(p.stem for p in (out / "sessions").glob("*.parquet"))[1]
    row = out / "sessions" / f"{sid}.parquet"
    row.write_bytes(row.read_bytes()[: len(row.read_bytes()) // 2])  # a half copy
    ev = out / "events" / f"{sorted(p.stem for p in (out / 'sessions').glob('*.parquet'))[2]}.parquet"
    ev.write_bytes(ev.read_bytes()[:100])
    r = run_cli(cmd, timeout=180)
    assert r.returncode == 0, r.stderr
    assert f"rewriting {sid}: sessions/{sid}.parquet is unreadable" in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert (table_bytes(out, "events"), table_bytes(out, "sessions")) == good
    check_readable(out)


def _wait_for_sessions(out: Path, n: int, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if (out / "sessions").is_dir() and len(list((out / "sessions").glob("*.parquet"))) >= n:
            return
        time.sleep(0.2)
    raise AssertionError(f"no {n} sessions in {timeout} s")


@pytest.mark.slow
@pytest.mark.parametrize("sig, group, workers", [(signal.SIGINT, True, 2), (signal.SIGTERM, False, 2),
                                                  (signal.SIGINT, False, 1)])
def test_interrupt_is_honest(tmp_path: Path, faults_url: str, clean_quick: Path, sig: int, group: bool,
                             workers: int) -> None:
    out = tmp_path / "ds"
    cmd = generate_cmd([scenario("quick")], out, faults_url, sessions=12, extra=("-w", str(workers), "-c", "1"))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _wait_for_sessions(out, 1, 120)
        if group:
            os.killpg(proc.pid, sig)  # Ctrl-C in a terminal: the whole foreground group
        else:
            os.kill(proc.pid, sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 128 + sig, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("interrupted: ") and "re-run the same command to finish" in last, stderr
    assert "Traceback" not in stderr and "BrowserNotFoundError" not in stderr
    written = int(last.split()[1])
    rows = list((out / "sessions").glob("*.parquet"))
    assert written >= 1 and len(rows) >= written
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions_total"] == len(rows)
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert on_disk == listed | {"manifest.json"}  # nothing half-written left behind
    assert not (out / ".synthgen.lock").exists()
    check_readable(out)
    r = run_cli(cmd, timeout=240)  # finishing the job gives the bytes of an uninterrupted run
    assert r.returncode == 0, r.stderr
    assert len(list((out / "sessions").glob("*.parquet"))) == 12
    first4 = {k: v for k, v in table_bytes(out, "events").items() if k in table_bytes(clean_quick, "events")}
    assert first4 == table_bytes(clean_quick, "events")


def test_failed_sessions_are_listed_and_can_be_retried(tmp_path: Path, faults_url: str) -> None:
    out = tmp_path / "ds"
    sc = tmp_path / "flaky.yaml"
    # Fails while the page lacks the element; the retry runs against the same (deterministic) page, so it
    # fails the same way: what --retry-failed must give is the same bytes, and the reason each time.
    sc.write_text(scenario("quick").read_text().replace("name: faults-quick", "name: flaky")
                  .replace('click: "testid=save"', 'click: {target: "testid=nope", timeout_ms: 300}'))
    cmd = generate_cmd([sc], out, faults_url, sessions=2, extra=("-w", "1"))
    r = run_cli(cmd)
    assert r.returncode == 1
    assert "failed flaky-s1-00000: step 4 " in r.stderr and "screenshot frames/flaky-s1-00000/" in r.stderr
    first = table_bytes(out, "events")
    r = run_cli(cmd)
    assert r.returncode == 1 and "failed earlier flaky-s1-00000" in r.stderr and "--retry-failed" in r.stderr
    r = run_cli(cmd + ["--retry-failed"])
    assert r.returncode == 1 and "2 run now" in r.stdout
    assert table_bytes(out, "events") == first
    stats = run_cli([*cmd[:3], "stats", str(out), "--json"])
    import json

    failures = json.loads(stats.stdout)["sessions"]["failures"]
    assert [f["session_id"] for f in failures] == ["flaky-s1-00000", "flaky-s1-00001"]
    assert all(f["screenshot"] and (out / f["screenshot"]).is_file() and f["error"] for f in failures)


def test_everything_written_is_owner_only(small: tuple[Path, list[str]]) -> None:
    out, _cmd = small
    old = os.umask(0)
    try:
        r = run_cli([*generate_cmd([], out, "http://x/", sessions=1)[:3], "view", str(out)])
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    view = out.parent / "ds-view"  # the overview and a page per session, beside the dataset
    pages = list(view.rglob("*.html"))
    n_sessions = len(list((out / "sessions").glob("*.parquet")))
    assert (view / "index.html").is_file() and len(pages) == 1 + n_sessions
    assert {oct(p.stat().st_mode & 0o777) for p in view.rglob("*")} | {oct(view.stat().st_mode & 0o777)} <= {
        "0o600", "0o700"}
    modes = {oct(p.stat().st_mode & 0o777) for p in out.rglob("*")}
    assert modes <= {"0o600", "0o700"}
    assert not (out / ".synthgen.lock").exists()  # a finished run leaves no lock file
    assert pq.read_table(out / "personas" / "personas.parquet").num_rows == 5
