"""synthgen report refuses to print a detector's AUC from too few moves (issue 19: "AUC 0.949, easily told apart"
from 51 moves), says how many it found and what to do, and writes the page once there are enough."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from synthgen.cli import app
from synthgen.errors import ConfigError
from synthgen.report_gate import MIN_MOVES, auc_standard_error, check_enough_moves, count_moves


def _dataset(root: Path, moves: int) -> Path:
    """An events table of ``moves`` straight 400 px point-and-clicks (no browser needed)."""
    rows, seq, t = [], 0, 0.0
    for m in range(moves):
        x0, x1 = (100.0, 500.0) if m % 2 == 0 else (500.0, 100.0)
        for i in range(40):
            rows.append(dict(session_id="s", seq=seq, t_ms=t, type="mousemove", x=x0 + (x1 - x0) * i / 39, y=200.0,
                             button=None, buttons=0))
            seq, t = seq + 1, t + 17
        for typ, b in (("mousedown", 1), ("mouseup", 0), ("click", 0)):
            rows.append(dict(session_id="s", seq=seq, t_ms=t, type=typ, x=x1, y=200.0, button=0, buttons=b))
            seq, t = seq + 1, t + 60
        t += 200
    (root / "events").mkdir(parents=True)
    pd.DataFrame(rows).to_parquet(root / "events" / "s.parquet")
    return root


def test_standard_error_shrinks_with_moves() -> None:
    assert auc_standard_error(0.75, 51) > 2 * auc_standard_error(0.75, 200) - 0.001
    assert auc_standard_error(0.75, MIN_MOVES) < 0.025


def test_moves_are_counted_as_the_report_segments_them(tmp_path: Path) -> None:
    assert count_moves(_dataset(tmp_path / "d", 51)) == 51


def test_too_few_moves_are_refused_with_the_count_and_the_fix(tmp_path: Path) -> None:
    d = _dataset(tmp_path / "d", 51)
    with pytest.raises(ConfigError, match="has 51 click-to-click moves over 50 px; the report needs at least 200"):
        check_enough_moves(d)
    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["report", str(d), "--out", str(out), "--no-progress"])
    assert r.exit_code == 2
    text = " ".join(r.output.split())
    assert "has 51 click-to-click moves" in text and "--min-moves 51" in text and "-n 20" in text
    assert not out.exists()  # nothing printed or written from 51 moves
    assert check_enough_moves(d, min_moves=51) == 51  # the bar can be lowered on purpose
