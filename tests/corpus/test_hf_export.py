"""Issue 15, "load_dataset gives an image-classification dataset", "the JSONL does not load": the hf export
loads with ``datasets.load_dataset(folder, config)`` offline, the images decode, every instruction is set;
the JSONL loads across files with stable types and no DOM copied into each line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from synthgen.dataset import SessionWriter, export_dataset
from synthgen.dataset.exports.hf import HfOptions
from synthgen.session import Frame, SessionResult


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))


def _dataset(tmp_path: Path, run_fake: Callable[..., SessionResult], n: int = 3) -> Path:
    root = tmp_path / "ds"
    w = SessionWriter(root)
    for i in range(n):
        r = run_fake(screenshots="action", capture_dom=True, seed=i + 1, session_id=f"fake-obs-s1-{i:05d}")
        r.row["persona_id"] = f"p1-{i:04d}"  # one person per session, to hold one out
        r.frames = [Frame(f.path, _jpeg()) for f in r.frames]  # the fake driver's frames are stubs
        w.write(r)
    return root


def test_load_dataset_hf_export(tmp_path: Path, run_fake: Callable[..., SessionResult], offline: None) -> None:
    from datasets import load_dataset

    root = _dataset(tmp_path, run_fake)
    export_dataset(root, ["hf"])
    folder = root / "exports" / "hf"
    assert "configs:" in (folder / "README.md").read_text()
    assert sorted(p.name for p in (folder / "trajectories").iterdir()) == ["train-00000-of-00001.parquet"]
    t0 = time.perf_counter()
    ds = load_dataset(str(folder), "trajectories", split="train")
    print(f"load_dataset trajectories: {time.perf_counter() - t0:.2f} s for {len(ds)} records")
    assert len(ds) > 10 and all(x.strip() for x in ds["instruction"])
    img = next(r["image"] for r in ds if r["image"] is not None)
    assert img.size[0] > 0 and img.convert("RGB").getpixel((0, 0)) is not None  # a PIL image: it decoded
    assert ds[len(ds) - 1]["action_type"] == "done"
    for config in ("events", "sessions", "observations"):
        assert len(load_dataset(str(folder), config, split="train")) > 0
    assert load_dataset(str(folder), "sessions", split="train")[0]["task"] is not None


def test_split_by_holds_out_whole_values(tmp_path: Path, run_fake: Callable[..., SessionResult],
                                         offline: None) -> None:
    from datasets import load_dataset

    root = _dataset(tmp_path, run_fake)
    sids = sorted(p.stem for p in (root / "sessions").iterdir())
    import pyarrow.parquet as pq

    persona = pq.read_table(root / "sessions" / f"{sids[0]}.parquet").column("persona_id")[0].as_py()
    export_dataset(root, ["hf"], hf=HfOptions(split_by="persona", test=(persona,), shard_mb=0.001))
    folder = root / "exports" / "hf"
    names = sorted(p.name for p in (folder / "trajectories").iterdir())
    assert any(n.startswith("test-") for n in names) and all("-of-" in n for n in names)
    test = load_dataset(str(folder), "trajectories", split="test")
    assert set(test["persona_id"]) == {persona}
    assert persona not in set(load_dataset(str(folder), "trajectories", split="train")["persona_id"])


def test_jsonl_loads_across_files(tmp_path: Path, run_fake: Callable[..., SessionResult], offline: None) -> None:
    from datasets import load_dataset

    root = tmp_path / "ds"
    w = SessionWriter(root, ["trajectories"])
    w.write(run_fake(screenshots="off", seed=1, session_id="fake-obs-s1-00000"))  # no captures in this file
    w.write(run_fake(screenshots="action", capture_dom=True, seed=2, session_id="fake-obs-s1-00001"))
    files = sorted(str(p) for p in (root / "exports" / "trajectories").glob("*.jsonl"))
    ds = load_dataset("json", data_files=files, split="train")
    assert len(ds) > 10
    line = json.loads(Path(files[1]).read_text().splitlines()[0])
    assert "obs_dom" not in line and "obs_a11y" not in line
