"""A drag drops where a person can see and point (issue 14 follow-up, found by ``make demo``).

Session 0 of ``make demo``'s kanban plan-sprint (seed 7, 50 personas: a 1366x641 window) drags a card onto
the Doing column while the board is scrolled so that the column's top lies under the sticky app bar. The
drop aimed inside the column's box but at y=17, on the bar, and the card went back to its own column."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from synthgen.runner.local import GenerateConfig, generate

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_the_drop_lands_on_the_visible_uncovered_part_of_the_column(tmp_path: Path, chromium_path: str) -> None:
    s = generate(GenerateConfig(scenarios=[ROOT / "scenarios" / "kanban" / "plan_sprint.yaml"], sessions=1,
                                seed=7, out=tmp_path, personas=50))
    assert s.ok == 1, s.failures
    ev = pq.read_table(tmp_path / "events" / "kanban-plan-sprint-s7-00000.parquet").to_pylist()
    ups = [e for e in ev if e["type"] == "mouseup" and (e["target"] or "").startswith("section")]
    assert ups and all(e["y"] >= 48 for e in ups), [(e["x"], e["y"]) for e in ups]  # below the 48 px app bar
