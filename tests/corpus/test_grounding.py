"""Issue 15, "no grounding": every click carries the target's box as it was when the press happened (after
any scrolling that brought it into view) and the target's data-sg-id, which the captured DOM shows.

The browser test runs every bundled scenario once and requires the box to contain the click point in at
least 99% of clicks (the rest are a person's misses that no re-aim caught)."""

from __future__ import annotations

import glob
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthgen.dataset.exports.trajectories import session_trajectory

ROOT = Path(__file__).resolve().parents[2]
POINTER = ("click", "double_click", "select")


def contained(recs: list[dict]) -> tuple[int, int]:
    """(clicks whose point lies in the recorded box, clicks with a box)."""
    inside = total = 0
    for r in recs:
        if r["action_type"] in POINTER and r["box_x"] is not None and r["x"] is not None:
            total += 1
            inside += (r["box_x"] - 0.5 <= r["x"] <= r["box_x"] + r["box_w"] + 0.5
                       and r["box_y"] - 0.5 <= r["y"] <= r["box_y"] + r["box_h"] + 0.5)
    return inside, total


def test_click_records_carry_box_and_id() -> None:
    ev = pa.table({"seq": [0, 1, 2, 3, 4, 5], "t_ms": [0.0, 10.0, 20.0, 130.0, 130.0, 140.0],
                   "type": ["navigate", "mousemove", "mousedown", "mouseup", "click", "screenshot"],
                   "x": [None, 5.0, 9.0, 9.0, 9.0, None], "y": [None, 5.0, 9.0, 9.0, 9.0, None],
                   "button": [None, None, 0, 0, 0, None], "step_id": ["1", "2", "2", "2", "2", "3"],
                   "intent": ["goto", "click", "click", "click", "click", "screenshot"], "url": ["http://a/"] * 6,
                   "target": [None, None, 'button "Send" (button#s)', 'button "Send" (button#s)',
                              'button "Send" (button#s)', "screenshot"],
                   "element_id": [None, None, "7", "7", "7", None],
                   "box_x": [None, None, 4.0, 4.0, 4.0, None], "box_y": [None, None, 6.0, 6.0, 6.0, None],
                   "box_w": [None, None, 20.0, 20.0, 20.0, None], "box_h": [None, None, 10.0, 10.0, 10.0, None]})
    row = {"session_id": "s", "viewport_w": 100, "viewport_h": 50, "status": "ok", "duration_ms": 200.0}
    recs = session_trajectory(row, ev, None)
    click = next(r for r in recs if r["action_type"] == "click")
    assert (click["element_id"], click["box_x"], click["box_nw"], click["box_nh"]) == ("7", 4.0, 0.2, 0.2)
    assert click["instruction"] == "Click the 'Send' button" and click["action_repr"] == "[button] Send -> CLICK"
    assert contained(recs) == (1, 1)
    # the wait around the screenshot step does not take "screenshot" as its target
    assert all(r["target"] is None for r in recs if r["action_type"] == "wait")
    assert recs[-1]["action_type"] == "done"


@pytest.mark.browser
def test_box_contains_click_over_every_bundled_scenario(tmp_path: Path) -> None:
    files = sorted(f for f in glob.glob(str(ROOT / "scenarios" / "*" / "[!_]*.yaml")))
    files = [f for f in files if "/_faults/" not in f and "/_examples/" not in f]
    args = [a for f in files for a in ("-s", f)]
    out = tmp_path / "ds"
    r = subprocess.run([sys.executable, "-m", "synthgen", "generate", *args, "-n", "1", "--seed", "15",
                        "--personas", "4", "-w", "1", "--screenshots", "action", "--capture-dom",
                        "--export", "trajectories", "-o", str(out), "--no-progress"],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert (out / "sessions").is_dir(), r.stderr[-2000:]
    inside = total = 0
    ids_in_dom = with_id = 0
    for p in sorted((out / "exports" / "trajectories").glob("*.parquet")):
        recs = pq.read_table(p).to_pylist()
        i, t = contained(recs)
        inside, total = inside + i, total + t
        for rec in recs:
            if rec["action_type"] in POINTER and rec["element_id"] and rec["obs_dom"]:
                with_id += 1
                ids_in_dom += f'data-sg-id="{rec["element_id"]}"' in rec["obs_dom"]
    print(f"grounding: {inside}/{total} clicks inside their box ({inside / max(total, 1):.2%}); "
          f"{ids_in_dom}/{with_id} target ids in the observed DOM")
    assert total >= 100
    assert inside / total >= 0.99
