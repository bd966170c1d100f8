"""Readers turn the public datasets and synthgen datasets into the events schema with sane values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthgen.fidelity.metrics import mousemove_intervals, press_durations, scroll_gaps
from synthgen.fidelity.moves import move_features, segment_moves
from synthgen.fidelity.readers import (
    EVENT_COLUMN_NAMES, ReferenceDataNotFound, coerce_events, read_balabit, read_dataset, reference_root,
)
from synthgen.schema import EVENT_TYPES, EVENTS_SCHEMA


def _schema_ok(df: pd.DataFrame) -> None:
    assert list(df.columns) == EVENT_COLUMN_NAMES
    assert set(df["type"].unique()) <= set(EVENT_TYPES)
    assert (df[["url", "step_id", "intent"]] == "").all().all()
    # seq runs 0..n-1 in every session and time never goes backwards within it.
    for _, g in df.groupby("session_id"):
        assert g["seq"].tolist() == list(range(len(g)))
        assert (np.diff(g["t_ms"].to_numpy()) >= 0).all()
        assert g["t_ms"].min() == 0.0


def test_balabit_schema_and_mapping(balabit_small):
    df = balabit_small
    _schema_ok(df)
    assert df["session_id"].nunique() == 4
    assert df["session_id"].str.startswith("balabit/user").all()
    wheel = df[df["type"] == "wheel"]
    assert set(wheel["delta_y"].unique()) <= {100.0, -100.0}
    downs, ups = (df["type"] == "mousedown").sum(), (df["type"] == "mouseup").sum()
    # The recordings cut a few presses off at session edges; otherwise presses and releases pair up.
    assert downs > 0 and abs(downs - ups) <= 4
    # Every click follows its mouseup at the same instant and point.
    idx = np.flatnonzero(df["type"].to_numpy() == "click")
    assert (df["type"].to_numpy()[idx - 1] == "mouseup").all()
    assert (df["t_ms"].to_numpy()[idx] == df["t_ms"].to_numpy()[idx - 1]).all()
    drags = df[(df["type"] == "mousemove") & (df["buttons"].fillna(0) > 0)]
    assert len(drags) > 0


def test_balabit_press_to_release_is_human(balabit_small):
    med = float(np.median(press_durations(balabit_small)))
    assert 90 <= med <= 130, med


def test_balabit_scroll_gaps_positive(balabit_small):
    g = scroll_gaps(balabit_small)
    assert len(g) > 50 and (g > 0).all()


def test_balabit_filters(ref_root):
    one = read_balabit(ref_root, users=[7], max_sessions=1)
    assert one["session_id"].unique().tolist()[0].startswith("balabit/user7/")
    assert one["session_id"].nunique() == 1


def test_freihaut_schema_and_values(freihaut):
    df = freihaut
    _schema_ok(df)
    assert df["session_id"].nunique() == 52
    n = {k: int((df["type"] == k).sum()) for k in ("mousedown", "mouseup", "click")}
    assert n["mousedown"] == n["mouseup"] == n["click"] > 1000
    med = float(np.median(mousemove_intervals(df)))
    assert 15 <= med <= 19, med


def test_freihaut_straightness(freihaut):
    f = move_features(segment_moves(freihaut, min_distance_px=50))
    assert len(f) > 1000
    assert 0.75 <= float(f["straightness"].median()) <= 0.95


def test_read_dataset_roundtrip(tmp_path):
    rows = pd.DataFrame({"session_id": ["b", "a", "a"], "seq": [0, 1, 0], "t_ms": [0.0, 16.7, 0.0],
                         "type": ["click", "mousemove", "mousemove"], "x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0],
                         "button": [0, None, None], "buttons": [0, 0, 0], "url": "http://x/", "step_id": "1",
                         "intent": "click"})
    full = coerce_events(rows)
    table = pa.Table.from_pandas(full, preserve_index=False).cast(EVENTS_SCHEMA)
    (tmp_path / "events" / "part=0").mkdir(parents=True)
    pq.write_table(table, tmp_path / "events" / "part=0" / "w0.parquet")
    got = read_dataset(tmp_path)
    assert list(got.columns) == EVENT_COLUMN_NAMES
    assert got[["session_id", "seq"]].values.tolist() == [["a", 0], ["a", 1], ["b", 0]]
    assert got["button"].isna().tolist() == [True, True, False]
    assert got["url"].tolist() == ["http://x/"] * 3


def test_read_dataset_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="events"):
        read_dataset(tmp_path)


def test_reference_root_env(monkeypatch, tmp_path):
    monkeypatch.setenv("SYNTHGEN_REFERENCE", str(tmp_path))
    assert reference_root() == tmp_path
    monkeypatch.setenv("SYNTHGEN_REFERENCE", str(tmp_path / "nope"))
    with pytest.raises(ReferenceDataNotFound, match="SYNTHGEN_REFERENCE"):
        reference_root()


def test_fitts_on_real_data(balabit_small, freihaut):
    from synthgen.fidelity.metrics import fitts_fit

    # Free-form Balabit: MT against log2(D + 1) rises 100-250 ms per bit, like ISO 9241-9 studies.
    fb = fitts_fit(move_features(segment_moves(balabit_small)), width="unit")
    assert 100 <= fb.b <= 250 and fb.r2 > 0.7, fb
    # Freihaut: effective-width throughput in the published 3.7-4.9 bit/s band (ID hardly varies).
    ff = fitts_fit(move_features(segment_moves(freihaut, click_time="up")))
    assert 3.5 <= ff.throughput <= 5.0, ff
