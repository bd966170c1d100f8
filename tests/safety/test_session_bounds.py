"""A session cannot end the run or run forever: any failure of its own (a template that fails for its values
included) is recorded for it alone, and it is bounded in actions, synthetic time and wall time."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from faultkit import generate_cmd, run_cli, scenario
from synthgen.browser.fake import FakeDriver
from synthgen.errors import ConfigError
from synthgen.persona.population import sample_personas
from synthgen.scenario.lint import lint_paths
from synthgen.scenario.loader import load_scenario_text
from synthgen.session import SessionOptions, SessionResult, SessionSpec, run_session

ENDLESS = "steps: [{repeat: {times: 10000, steps: [{repeat: {times: 10000, steps: [{think: 10}]}}]}}]\n"
BAD_VARIABLE = '"{{ faker.pyint(min_value=0, max_value=10, step=0) }}"'


def _run(body: str, driver: FakeDriver | None = None, **options: Any) -> SessionResult:
    sc = load_scenario_text(f"name: b\nbase_url: http://fake.test/\n{body}", file="b.yaml")
    spec = SessionSpec(0, "b-s1-00000", 1, sc, sample_personas(1, 1)[0], "http://fake.test/")
    return asyncio.run(run_session(spec, driver or FakeDriver(boxes={}, viewport=(1280, 800)),
                                   SessionOptions(**options)))


def test_endless_scenario_ends_at_its_action_bound() -> None:
    t0 = time.perf_counter()
    r = _run(ENDLESS)
    assert time.perf_counter() - t0 < 30
    assert r.row["status"] == "failed" and "bound of 20,000 actions" in r.row["error"], r.row["error"]
    assert "--max-actions" in r.row["error"] and r.row["failed_step"]


def test_synthetic_time_bound() -> None:
    r = _run("steps: [{repeat: {times: 50, steps: [{think: 30000}]}}]\n", max_synthetic_s=120)
    assert r.row["status"] == "failed" and "120 s of synthetic time" in r.row["error"], r.row["error"]
    assert r.row["duration_ms"] < 250_000


class _Stuck(FakeDriver):
    async def wait_text(self, text: str, timeout_ms: float) -> None:
        await asyncio.sleep(3600)  # an app that never answers, a step timeout far away


def test_wall_time_bound() -> None:
    t0 = time.perf_counter()
    r = _run("steps: [{goto: /}, {wait_for: {text: never, timeout_ms: 600000}}]\n",
             _Stuck(boxes={}, viewport=(1280, 800)), max_wall_s=0.5)
    assert time.perf_counter() - t0 < 10
    assert r.row["status"] == "failed" and "0 s of wall time" in r.row["error"] and r.row["failed_step"] == "2"


def test_bounds_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="max_actions=0"):
        SessionOptions(max_actions=0)


def test_lint_errors_on_a_scenario_certain_to_pass_its_bound(tmp_path: Path) -> None:
    (tmp_path / "endless.yaml").write_text(f"name: e\napp: webmail\nthink: 300\n{ENDLESS}")
    errors = [i for i in lint_paths(tmp_path) if i.severity == "error"]
    assert len(errors) == 1 and "at least 100,000,000 actions" in str(errors[0]), errors
    assert "endless.yaml" in str(errors[0]) and "repeat" in str(errors[0])


def test_a_template_error_fails_only_its_session() -> None:
    r = _run(f"variables:\n  n: {BAD_VARIABLE}\nsteps: [{{goto: /}}]\n")
    assert r.row["status"] == "failed" and r.row["failed_step"] == "variables"
    assert "variable 'n'" in r.row["error"] and "faker.pyint" in r.row["error"], r.row["error"]


@pytest.mark.browser
@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_variable_run_writes_every_other_session(tmp_path: Path, faults_url: str, workers: int) -> None:
    """The run goes on: exit code 1 (some session failed, never 2), the other scenario's sessions written."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(scenario("quick").read_text().replace("name: faults-quick", "name: faults-bad")
                   .replace('"{{ faker.word() }}"', BAD_VARIABLE))
    out = tmp_path / "out"
    proc = run_cli(generate_cmd([scenario("quick"), bad], out, faults_url, sessions=2, extra=("-w", str(workers))))
    assert proc.returncode == 1, proc.stderr
    rows = {r["session_id"]: r for p in (out / "sessions").glob("*.parquet") for r in pq.read_table(p).to_pylist()}
    assert len(rows) == 4, sorted(rows)
    for sid, r in rows.items():
        if sid.startswith("faults-bad"):
            assert r["status"] == "failed" and r["failed_step"] == "variables" and "variable 'word'" in r["error"]
        else:
            assert r["status"] == "ok", r["error"]
    assert (out / "manifest.json").is_file()
    assert "faults-bad" in proc.stderr and "variable 'word'" in proc.stderr
