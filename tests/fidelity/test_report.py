"""The report is one self-contained HTML page with embedded figures and the metric names."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from synthgen.fidelity.report import write_report
from synthgen.fidelity.simulate import simulate_point_click
from synthgen.schema import EVENTS_SCHEMA


def test_report_from_a_dataset(tmp_path, motor, ref_root):
    sim = simulate_point_click(n_personas=4, seed=1)
    ev = sim.events.assign(url="http://127.0.0.1/task", step_id="1", intent="click")
    (tmp_path / "ds" / "events").mkdir(parents=True)
    pq.write_table(pa.Table.from_pandas(ev, preserve_index=False).cast(EVENTS_SCHEMA),
                   tmp_path / "ds" / "events" / "part-0.parquet")
    out = write_report(tmp_path / "ds", tmp_path / "r" / "report.html", reference="freihaut", seed=0, quick=True)
    page = out.read_text(encoding="utf-8")
    assert page.count("<img") >= 4 and "data:image/png;base64," in page
    for name in ("straightness", "peak_speed", "movement_time_ms", "press_ms", "mousemove_interval_ms",
                 "wpm_mean", "iki_mean_ms", "Discriminator AUC", "Fitts"):
        assert name in page, name
    assert "src=\"http" not in page  # self-contained: nothing fetched
