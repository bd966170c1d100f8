"""Engine selection, bounded coordinator state, the Ray engine's pieces that need no cluster."""

from __future__ import annotations

import builtins
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthgen.errors import ConfigError
from synthgen.runner.engine import MAX_FAILURES_KEPT, Tally, generate_with
from synthgen.dataset.manifest import build_manifest
from synthgen.runner.worker import SessionSummary


def test_tally_counts_everything_but_keeps_few_failures() -> None:
    t = Tally()
    for i in range(MAX_FAILURES_KEPT * 3):
        t.add(SessionSummary(f"s{i}", "failed" if i % 2 else "ok", 10, 1000.0, "boom" if i % 2 else None))
    assert (t.ok, t.failed, t.events, t.synthetic_ms) == (150, 150, 3000, 300_000.0)
    assert len(t.failures) == MAX_FAILURES_KEPT
    other = Tally()
    other.add(SessionSummary("x", "failed", 1, 5.0, "e"))
    t.merge(other)
    assert t.failed == 151 and len(t.failures) == MAX_FAILURES_KEPT


def test_unknown_engine_and_misplaced_options_are_config_errors(tmp_path: Path) -> None:
    from synthgen.runner.local import GenerateConfig

    cfg = GenerateConfig(scenarios=[], out=tmp_path)
    with pytest.raises(ConfigError, match="engine='spark'"):
        generate_with("spark", cfg)
    with pytest.raises(ConfigError, match="only with --engine ray"):
        generate_with("local", cfg, ray_address="auto")
    cfg.out = "s3://bucket/run"  # type: ignore[assignment]
    with pytest.raises(ConfigError, match="--engine ray"):
        generate_with("local", cfg)


def test_missing_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from synthgen.runner import ray_engine

    real_import = builtins.__import__

    def no_ray(name: str, *a, **k):  # type: ignore[no-untyped-def]
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(ConfigError) as exc:
        ray_engine.import_ray()
    msg = str(exc.value)
    assert "pip install 'synthgen[ray]'" in msg and "\n" not in msg


def test_cli_reports_missing_ray_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from synthgen.cli import app
    from synthgen.runner import ray_engine

    def no_ray() -> None:
        raise ConfigError("engine", "ray", f"Ray is not installed; {ray_engine.RAY_HINT}")

    monkeypatch.setattr(ray_engine, "import_ray", no_ray)
    sc = Path(__file__).parent / "scenarios" / "shop_scroll.yaml"
    r = CliRunner().invoke(app, ["generate", "-s", str(sc), "-o", str(tmp_path / "o"), "--engine", "ray",
                                 "--no-progress"])
    assert r.exit_code == 2
    assert "pip install 'synthgen[ray]'" in r.output


def test_manifest_lists_only_the_dataset_and_follows_no_link(tmp_path: Path) -> None:
    from synthgen.dataset import Destination, build_manifest

    root = tmp_path / "ds"
    (root / "sessions").mkdir(parents=True)
    (root / "events").mkdir()
    (root / "frames" / "a").mkdir(parents=True)
    pq.write_table(pa.table({"status": ["ok"], "n_events": [7], "duration_ms": [1234.5]}),
                   root / "sessions" / "a.parquet")
    pq.write_table(pa.table({"status": ["failed"], "n_events": [2], "duration_ms": [10.0]}),
                   root / "sessions" / "b.parquet")
    pq.write_table(pa.table({"seq": list(range(7))}), root / "events" / "a.parquet")
    (root / "frames" / "a" / "00000.jpg").write_bytes(b"\xff\xd8jpeg")
    (root / "events" / ".a.parquet.tmp-1").write_bytes(b"partial")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_bytes(b"ref")  # not the dataset's: never hashed
    (root / "notes.txt").write_bytes(b"mine")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.parquet").write_bytes(b"x")
    (root / "events" / "link").symlink_to(tmp_path / "elsewhere")
    (root / "frames" / "b").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    m = build_manifest(Destination.from_uri(root), job={"seed": 3}, command="synthgen generate")
    assert [f.path for f in m.files] == ["events/a.parquet", "frames/a/00000.jpg", "sessions/a.parquet",
                                         "sessions/b.parquet"]
    assert (m.sessions_ok, m.sessions_failed, m.events_total, m.seed, m.job) == (1, 1, 9, 3, {"seed": 3})


def test_batches_and_auto_size() -> None:
    from synthgen.runner.ray_engine import _auto_batch, _batches

    assert [len(b) for b in _batches(list(range(10)), 4)] == [4, 4, 2]  # type: ignore[arg-type]
    assert _auto_batch(1, 8) == 1 and _auto_batch(10_000, 8) == 32
