"""Every kind of task-level slip, on every bundled app, is made, labelled and undone, and the session still
reaches its goal (issue 18).

Each app has a small scenario in ``slips/`` with a place for every kind of slip (a list of links, a menu
button beside another, a form with empty fields, a long page, a checkbox or toggle button). The job runs it
once per kind with ``--slips <kind>`` (that kind wherever it can happen, no other), and once with slips
off; the scenario's own asserts check the goal.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthgen.browser.attention import SLIP_KINDS
from synthgen.runner.local import GenerateConfig, generate
from synthgen.scenario.loader import load_scenario
from synthgen.scenario.model import walk_steps
from synthgen.session import SessionOptions

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent / "slips"
APPS = ("webmail", "crm", "shop", "notes", "kanban")
#: Where an app offers no place for a kind of slip, and why (each entry is a gap to close, not a pass).
NO_PLACE: dict[tuple[str, str], str] = {}


def _tables(root: Path, name: str) -> list[dict]:
    files = sorted((root / name).glob("*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files]).to_pylist() if files else []


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> dict[str, Path]:
    out = {}
    for kind in ("off", *SLIP_KINDS):
        root = tmp_path_factory.mktemp(f"slips-{kind}")
        summary = generate(GenerateConfig(scenarios=[HERE / f"{a}.yaml" for a in APPS], sessions=1, seed=3,
                                          personas=5, out=root, options=SessionOptions(slips=kind)))
        assert summary.ok == len(APPS), (kind, summary.failures)
        out[kind] = root
    return out


def test_without_slips_there_are_none(runs: dict[str, Path]) -> None:
    rows = _tables(runs["off"], "sessions")
    assert {r["slips"] for r in rows} == {0}
    assert not [e for e in _tables(runs["off"], "events") if e["intent"] in ("slip", "recover")]


@pytest.mark.parametrize("kind", SLIP_KINDS)
def test_each_slip_is_made_labelled_and_undone_on_each_app(runs: dict[str, Path], kind: str) -> None:
    sessions = {r["scenario"].removeprefix("slips-"): r for r in _tables(runs[kind], "sessions")}
    events = _tables(runs[kind], "events")
    for app in APPS:
        row = sessions[app]
        assert row["status"] == "ok", (app, row["error"])  # the scenario's asserts hold: goal reached
        assert row["recoveries"] == row["slips"], (app, row)
        if (app, kind) in NO_PLACE:
            continue
        assert row["slips"] >= 1, f"{app}: no {kind} slip was made"
        mine = [e for e in events if e["session_id"] == row["session_id"] and e["slip"] is not None]
        assert {e["slip"] for e in mine} == {kind}
        assert {e["intent"] for e in mine} <= {"slip", "recover"} and mine[0]["intent"] == "slip"
        # linked to the step it happened in: every slip row carries a step id of the scenario
        steps = {label for label, _ in walk_steps(load_scenario(HERE / f"{app}.yaml").steps)}
        assert {e["step_id"] for e in mine} <= steps
    # a kind with a place on no app at all would be a test that cannot fail
    assert sum((a, kind) not in NO_PLACE for a in APPS) >= 2
