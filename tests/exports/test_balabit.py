"""Balabit CSV export, read back by the project's own Balabit reader (as mouse-dynamics tools read it)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from synthgen.session import SessionResult
from synthgen.dataset import write_exports
from synthgen.dataset.exports.balabit import BALABIT_HEADER


def test_export_reads_back_with_the_balabit_reader(tmp_path: Path, run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="off")
    write_exports(tmp_path, r, ["balabit"])
    path = tmp_path / "exports" / "balabit" / r.row["persona_id"] / f"session_{r.row['session_id']}.csv"
    assert path.read_text().splitlines()[0] == BALABIT_HEADER
    raw = pd.read_csv(path)
    assert list(raw.columns) == BALABIT_HEADER.split(",")
    assert set(raw["state"]) <= {"Move", "Drag", "Pressed", "Released", "Down", "Up"}

    # The reader expects <root>/mouse/balabit/<user>/session_*.csv, the layout of the public data set.
    (tmp_path / "ref" / "mouse").mkdir(parents=True)
    (tmp_path / "ref" / "mouse" / "balabit").symlink_to(tmp_path / "exports" / "balabit")
    from synthgen.fidelity.readers import read_balabit

    back = read_balabit(tmp_path / "ref")
    ours = r.events.to_pandas()
    ours["type"] = ours["type"].astype(str)
    for kind in ("mousemove", "mousedown", "mouseup", "wheel"):
        n_ours = int((ours["type"] == kind).sum()) if kind != "wheel" else int(
            ((ours["type"] == "wheel") & (ours["delta_y"] != 0)).sum())
        assert int((back["type"] == kind).sum()) == n_ours, kind
    # Left clicks come back as DOM clicks (the reader derives them from press/release pairs).
    assert int((back["type"] == "click").sum()) == int((ours["type"] == "click").sum())
    moves_back = back[back["type"] == "mousemove"]
    moves_ours = ours[ours["type"] == "mousemove"]
    assert (moves_back["x"].to_numpy() == moves_ours["x"].round().to_numpy()).all()
    t_back = back["t_ms"].to_numpy()
    assert (t_back[1:] >= t_back[:-1]).all()
    first = ours[ours["type"].isin(["mousemove", "mousedown", "mouseup", "wheel"])]["t_ms"].iloc[0]
    assert abs((moves_ours["t_ms"].iloc[-1] - first) - moves_back["t_ms"].iloc[-1]) < 0.1
