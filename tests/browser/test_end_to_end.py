"""End to end: scenario + personas -> real Chromium on the bundled apps -> a Parquet dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from synthgen.errors import AppUnreachableError, ScenarioError
from synthgen.runner.local import GenerateConfig, generate

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "scenarios" / "webmail" / "compose_send.yaml"


def _events_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "events").glob("*.parquet"))}


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> tuple[Path, Path]:
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    for out in (a, b):
        s = generate(GenerateConfig(scenarios=[COMPOSE], sessions=2, seed=3, out=out, personas=5))
        assert s.ok == 2, s.failures
    return a, b


def test_same_inputs_give_byte_identical_events(twice: tuple[Path, Path]) -> None:
    a, b = twice
    ea, eb = _events_bytes(a), _events_bytes(b)
    assert len(ea) == 2
    assert ea == eb


def test_dataset_reads_without_synthgen(twice: tuple[Path, Path]) -> None:
    import duckdb
    import pandas as pd
    import polars as pl

    out = twice[0]
    table = ds.dataset(out / "events", format="parquet").to_table()
    assert table.num_rows > 200
    df = pd.read_parquet(out / "events")
    assert set(df["type"].astype(str)) >= {"mousemove", "mousedown", "mouseup", "click", "keydown", "keyup",
                                           "navigate", "viewport"}
    assert (df.groupby("session_id")["seq"].apply(lambda s: list(s) == list(range(len(s))))).all()
    assert pl.read_parquet(str(out / "events" / "*.parquet")).height == table.num_rows
    n = duckdb.sql(f"select count(*) from read_parquet('{out}/sessions/*.parquet') where status = 'ok'").fetchall()
    assert n == [(2,)]
    personas = pq.read_table(out / "personas" / "personas.parquet")
    assert personas.num_rows == 5 and "wpm" in personas.column_names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions_ok"] == 2 and manifest["events_total"] == table.num_rows
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])


def test_timestamps_are_synthetic_and_human(twice: tuple[Path, Path]) -> None:
    import pandas as pd

    df = pd.read_parquet(twice[0] / "events")
    one = df[df["session_id"] == df["session_id"].iloc[0]]
    assert one["t_ms"].is_monotonic_increasing
    # A person needs tens of seconds to write and send a message; the browser did it much faster.
    assert one["t_ms"].max() > 15_000
    moves = one[one["type"] == "mousemove"]["t_ms"].diff().dropna()
    assert 12 < moves[moves < 40].median() < 22  # display cadence
    downs = one[one["type"] == "mousedown"].set_index("seq")["t_ms"]
    ups = one[one["type"] == "mouseup"]["t_ms"].to_numpy()
    assert ((ups - downs.to_numpy()) > 30).all()  # never the 0-20 ms press of automation tools


def test_unreachable_app_is_a_clear_error(tmp_path: Path) -> None:
    sc = tmp_path / "far.yaml"
    sc.write_text("name: far\nbase_url: http://127.0.0.1:9/\nsteps:\n  - goto: /\n")
    with pytest.raises(AppUnreachableError, match=r"far.*127\.0\.0\.1:9.*does not answer"):
        generate(GenerateConfig(scenarios=[sc], sessions=1, seed=1, out=tmp_path / "o"))


def test_missing_scenario_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="nope.yaml"):
        generate(GenerateConfig(scenarios=[tmp_path / "nope.yaml"], sessions=1, seed=1, out=tmp_path / "o"))


def test_failed_session_is_recorded_and_others_kept(tmp_path: Path, chromium_path: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: webmail-bad\napp: webmail\nsteps:\n  - goto: /webmail/\n"
        "  - click: {testid: no-such-button, timeout_ms: 1500}\n")
    good = tmp_path / "good.yaml"
    good.write_text("name: webmail-ok\napp: webmail\nsteps:\n  - goto: /webmail/\n  - click: \"testid=compose-button\"\n"
                    "  - wait_for: {target: \"label=To\"}\n")
    s = generate(GenerateConfig(scenarios=[bad, good], sessions=1, seed=1, out=tmp_path / "o"))
    assert (s.ok, s.failed) == (1, 1)
    rows = pq.read_table(tmp_path / "o" / "sessions").to_pylist()
    failed = next(r for r in rows if r["status"] == "failed")
    assert failed["failed_step"] == "2"
    assert "step 2 'click'" in failed["error"] and "testid=no-such-button" in failed["error"]
    assert "timeout_ms" in failed["error"]  # says how to fix
    ev = pq.read_table(tmp_path / "o" / "events" / f"{failed['session_id']}.parquet").to_pylist()
    assert any(e["type"] == "screenshot" and e["intent"] == "failure" for e in ev)
    assert (tmp_path / "o" / next(e["frame"] for e in ev if e["type"] == "screenshot")).is_file()
