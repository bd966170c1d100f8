"""Idle pointer time (synthgen.fidelity.idle): the definition on hand-made streams, a synthgen dataset
folder, and the reference figures of the fit people (skipped without the reference data)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthgen.fidelity.idle import IdleStats, idle_of_dataset, idle_of_events, interval_rest, reference_idle, rest_bouts
from synthgen.fidelity.mouse_detect import is_fit_person, person_of


def _ev(rows: list[tuple[float, str, float | None, float | None]], sid: str = "src/p1/s1") -> pd.DataFrame:
    t, typ, x, y = zip(*rows)
    return pd.DataFrame({"session_id": sid, "seq": range(len(rows)), "t_ms": t, "type": typ, "x": x, "y": y})


def _moving(t0: float, t1: float, x0: float, step_px: float, dt: float = 16.0) -> list[tuple[float, str, float, float]]:
    """Pointer samples every ``dt`` ms from ``t0`` to ``t1``, ``step_px`` further right each time."""
    n = int((t1 - t0) // dt)
    return [(t0 + k * dt, "mousemove", x0 + k * step_px, 100.0) for k in range(n + 1)]


def _click(t: float, x: float) -> tuple[float, str, float, float]:
    return (t, "mousedown", x, 100.0)


# -- the definition ---------------------------------------------------------------------------------------------

def test_a_still_pointer_rests_all_the_interval_and_a_moving_one_never() -> None:
    still = idle_of_events(_ev([_click(0, 10), (500, "mousemove", 10, 100), _click(3000, 10)]))
    assert still.intervals == 1 and still.rest_share == 1.0 and still.bouts_ms.tolist() == [3000.0]
    moving = idle_of_events(_ev([_click(0, 0)] + _moving(16, 2984, 0, 5) + [_click(3000, 5 * 186)]))
    assert moving.intervals == 1 and moving.rest_share == 0.0 and moving.any_rest_share == 0.0


def test_tremor_within_two_px_is_rest_and_a_slow_drift_is_not() -> None:
    # 1-2 px of jitter around x=50 for 2 s, then a move: all rest
    jitter = [(16.0 * k, "mousemove", 50 + (k % 3) - 1, 100 + (k % 2)) for k in range(1, 125)]
    st = idle_of_events(_ev([_click(0, 50)] + jitter + [_click(2000, 50)]))
    assert st.rest_share == 1.0
    # 1 px per 16 ms: each sample within 2 px of the last, but 3 px from the anchor after 48 ms: movement
    st = idle_of_events(_ev([_click(0, 0)] + _moving(16, 1984, 1, 1) + [_click(2000, 130)]))
    assert st.rest_share == 0.0
    # the same drift at 1 px per 300 ms: the pointer is, for a person's purposes, still
    st = idle_of_events(_ev([_click(0, 0)] + _moving(300, 2700, 1, 1, dt=300) + [_click(3000, 10)]))
    assert st.rest_share > 0.9


def test_pauses_shorter_than_200_ms_are_pointing_not_rest() -> None:
    # moving, a 150 ms stop, moving again, a 400 ms stop before the click
    rows = [_click(0, 0)] + _moving(16, 496, 0, 4) + _moving(646, 1000, 130, 4) + [_click(1400, 218)]
    st = idle_of_events(_ev(rows))
    assert st.bouts_ms.tolist() == [pytest.approx(1400 - 998, abs=16)]
    assert st.rest_share == pytest.approx(400 / 1400, abs=0.02)
    assert idle_of_events(_ev(rows), min_rest_ms=100).bouts_ms.size == 2


def test_only_intervals_of_0_3_to_60_s_count_and_bouts_are_clipped_to_them() -> None:
    rows = [_click(0, 0), _click(200, 0), _click(5200, 0), _click(70_000, 0)]  # 0.2 s, 5 s, 64.8 s
    st = idle_of_events(_ev(rows))
    assert st.intervals == 1 and st.interval_s == 5.0 and st.bouts_ms.tolist() == [5000.0]
    # one bout spanning three actions is cut at each: two pieces, one per interval
    st = idle_of_events(_ev([_click(0, 0), _click(1000, 0), _click(3000, 0)]))
    assert st.bouts_ms.tolist() == [1000.0, 2000.0] and st.rest_share == 1.0


def test_a_pointer_without_samples_in_an_interval_stood_where_it_was() -> None:
    # the last pointer sample is before the first action; key presses only afterwards
    rows = [(0.0, "mousemove", 5.0, 5.0), (100.0, "keydown", None, None), (1100.0, "keydown", None, None)]
    st = idle_of_events(_ev(rows))
    assert st.intervals == 1 and st.rest_share == 1.0


def test_actions_choose_what_splits_time() -> None:
    rows = [_click(0, 0), (1000, "keydown", None, None), (2000, "keydown", None, None), _click(3000, 0)]
    assert idle_of_events(_ev(rows)).intervals == 3
    assert idle_of_events(_ev(rows), actions=("mousedown",)).intervals == 1
    with pytest.raises(ValueError, match="actions is empty"):
        idle_of_events(_ev(rows), actions=())


def test_rows_without_a_position_and_non_pointer_rows_do_not_break_a_rest() -> None:
    rows = [_click(0, 0), (400, "mousemove", None, None), (600, "navigate", 900, 900), (800, "keyup", 1, 1),
            _click(1000, 1)]
    st = idle_of_events(_ev(rows), actions=("mousedown",))
    assert st.rest_share == 1.0


def test_sessions_are_measured_apart_and_sorted_by_time() -> None:
    a = _ev([_click(0, 0), _click(1000, 0)], sid="src/p1/a")
    b = _ev([_click(0, 500)] + _moving(16, 984, 500, 5) + [_click(1000, 805)], sid="src/p2/b")
    both = pd.concat([b, a], ignore_index=True).sample(frac=1.0, random_state=1)  # shuffled rows
    st = idle_of_events(both)
    assert st.sessions == 2 and st.people == 2 and st.intervals == 2
    assert st.person_shares == {"src/p1": 1.0, "src/p2": 0.0} and st.rest_share == 0.5
    only = idle_of_events(both, keep=lambda s: s.endswith("/a"))
    assert only.sessions == 1 and only.person_shares == {"src/p1": 1.0}


def test_bad_inputs_name_the_culprit() -> None:
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['x', 'y'\]"):
        idle_of_events(pd.DataFrame({"session_id": ["s"], "t_ms": [0.0], "type": ["mousedown"]}))
    with pytest.raises(ValueError, match="in time order"):
        rest_bouts(np.array([0.0, 10, 5]), np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="of one length"):
        rest_bouts(np.zeros(3), np.zeros(2), np.zeros(3))


def test_no_intervals_gives_nan_not_zero() -> None:
    st = idle_of_events(_ev([_click(0, 0)]))
    assert st.intervals == 0 and math.isnan(st.rest_share) and math.isnan(st.bout_quantiles()[0.5])
    assert st.bout_histogram()[0][1] == 0.0 and all(math.isnan(v) for v in st.person_spread())
    lengths, rest, pieces = interval_rest(np.zeros(0), np.zeros((0, 2)))
    assert lengths.size == rest.size == pieces.size == 0


# -- a synthgen dataset folder ----------------------------------------------------------------------------------

def test_a_dataset_folder_is_measured_per_persona(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "sessions").mkdir()
    for sid, persona, moving in (("s-0", "p1", False), ("s-1", "p1", True), ("s-2", "p2", False)):
        rows = [_click(0, 0)] + (_moving(16, 1984, 0, 5) if moving else []) + [_click(2000, 620 if moving else 0)]
        ev = _ev(rows, sid=sid).assign(keep_me=1)  # the reader takes only the columns it needs
        pq.write_table(pa.Table.from_pandas(ev, preserve_index=False), tmp_path / "events" / f"{sid}.parquet")
        pq.write_table(pa.table({"session_id": [sid], "persona_id": [persona]}),
                       tmp_path / "sessions" / f"{sid}.parquet")
    st = idle_of_dataset(tmp_path, actions=("mousedown",))
    assert st.source == f"synthgen {tmp_path.name}" and st.sessions == 3 and st.people == 2
    assert st.person_shares == {"p1": 0.5, "p2": 1.0} and st.rest_share == pytest.approx(2 / 3)
    with pytest.raises(FileNotFoundError, match="no events/"):
        idle_of_dataset(tmp_path / "nothing")


# -- the reference figures (fit people) -------------------------------------------------------------------------

def _fit_only(st: IdleStats) -> bool:
    return all(is_fit_person(p) for p in st.person_shares)


def test_reference_point_and_click_tasks(ref_root: Path) -> None:
    fh = reference_idle("freihaut", root=ref_root)
    assert _fit_only(fh) and fh.people >= 10 and fh.intervals > 500
    assert 0.1 < fh.rest_share < 0.35  # a pointing task: the pointer mostly moves between clicks
    assert 0.2 <= fh.bout_quantiles((0.5,))[0.5] < 0.3
    held = reference_idle("freihaut", root=ref_root, fit=False)
    assert not set(held.person_shares) & set(fh.person_shares) and not any(map(is_fit_person, held.person_shares))
    sm = reference_idle("sapimouse", root=ref_root)
    assert _fit_only(sm) and 0.2 < sm.rest_share < 0.4 and sm.people >= 30
    with pytest.raises(ValueError, match="must be one of balabit, freihaut, sapimouse"):
        reference_idle("mnist", root=ref_root)


def test_reference_office_work_balabit(ref_root: Path) -> None:
    st = reference_idle("balabit", root=ref_root)
    assert _fit_only(st) and st.people >= 5 and st.intervals > 10_000
    assert all(person_of(s + "/x").startswith("balabit/user") for s in st.person_shares)
    # free-form work: the pointer rests most of the time between clicks, in bouts of a few tenths of a second
    assert 0.6 < st.rest_share < 0.85 and st.any_rest_share > 0.9
    q = st.bout_quantiles((0.5, 0.9))
    assert 0.3 < q[0.5] < 0.5 and 1.0 < q[0.9] < 3.0
    lo, hi = st.person_spread()
    assert 0.5 < lo <= hi < 0.9
