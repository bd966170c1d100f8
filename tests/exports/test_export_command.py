"""`synthgen export`, `stats` and `view` on a dataset on disk (written by the real sinks, fake driver)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import CliRunner

from synthgen.cli import app
from synthgen.dataset import Destination, SessionWriter, export_dataset, parse_exports, write_manifest
from synthgen.session import SessionResult
from synthgen.errors import ConfigError, SynthgenError


@pytest.fixture
def dataset(tmp_path: Path, run_fake: Callable[..., SessionResult]) -> Path:
    root = tmp_path / "ds"
    writer = SessionWriter(root)
    for seed in (3, 4):
        writer.write(run_fake(seed=seed, session_id=f"fake-obs-s1-{seed:05d}", screenshots="action"))
    write_manifest(Destination.from_uri(root), job={"seed": 1}, command="test")
    return root


def test_parse_exports() -> None:
    assert parse_exports("trajectories, rrweb,trajectories") == ("trajectories", "rrweb")
    with pytest.raises(ConfigError, match="export='csv'"):
        parse_exports("csv")


def test_export_command_writes_every_format(dataset: Path) -> None:
    res = CliRunner().invoke(app, ["export", str(dataset), "--format", "trajectories,balabit"])
    assert res.exit_code == 0, res.output
    assert len(list((dataset / "exports" / "trajectories").glob("*.parquet"))) == 2
    assert len(list((dataset / "exports" / "balabit").rglob("session_*.csv"))) == 2
    manifest = json.loads((dataset / "manifest.json").read_text())
    paths = {f["path"] for f in manifest["files"]}
    assert any(p.startswith("exports/trajectories/") for p in paths)
    assert any(p.startswith("observations/") for p in paths)


def test_rrweb_export_needs_a_recording(dataset: Path) -> None:
    with pytest.raises(SynthgenError, match="--export rrweb"):
        export_dataset(dataset, ["rrweb"])
    res = CliRunner().invoke(app, ["export", str(dataset), "--format", "rrweb"])
    assert res.exit_code == 2


def test_stats_json(dataset: Path) -> None:
    res = CliRunner().invoke(app, ["stats", str(dataset), "--json"])
    assert res.exit_code == 0, res.output
    st = json.loads(res.output)
    assert st["sessions"] == {"total": 2, "ok": 2, "failed": 0, "by_scenario": {"fake-obs": {"ok": 2}},
                              "failures": []}
    assert st["events"]["by_type"]["screenshot"] == st["observations"]["captures"]
    assert st["bytes"]["by_table"]["frames"]["files"] == st["observations"]["captures"]
    assert sum(st["events"]["by_type"].values()) == st["events"]["total"]
    res = CliRunner().invoke(app, ["stats", str(dataset)])
    assert res.exit_code == 0 and "events by type" in res.output


def test_view_without_browser(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.html"
    res = CliRunner().invoke(app, ["view", str(dataset), "--session", "fake-obs-s1-00004", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    n_frames = len(list((dataset / "frames" / "fake-obs-s1-00004").iterdir()))
    # every frame is shown once, or counted in the run of identical frames it belongs to (the fake
    # driver's captures are all alike)
    repeats = sum(int(n) - 1 for n in re.findall(r"×(\d+) unchanged", text))
    assert text.count("<img alt='frame at") + repeats == n_frames
    assert "src='http" not in text and "<script" not in text  # self-contained
    res = CliRunner().invoke(app, ["view", str(dataset), "--session", "nope", "--out", str(out)])
    assert res.exit_code == 2 and "no session 'nope'" in res.output
