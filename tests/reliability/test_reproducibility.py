"""Same bytes on any machine: the environment fingerprint, the refusal to mix environments, `synthgen verify`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from synthgen.cli import app
from synthgen.dataset.files import write_table
from synthgen.environment import OUTPUT_PACKAGES, fingerprint

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "scenarios" / "webmail" / "compose_send.yaml"


def test_fingerprint_names_what_shapes_the_bytes() -> None:
    fp = fingerprint()
    assert set(fp) == {"python", "packages", "browser", "fonts", "os"}
    assert set(fp["packages"]) == set(OUTPUT_PACKAGES) and fp["packages"]["numpy"]
    assert fingerprint() == fp  # no clock, no randomness


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Path:
    out = tmp_path_factory.mktemp("repro") / "ds"
    r = CliRunner().invoke(app, ["generate", "-s", str(COMPOSE), "-n", "2", "--seed", "3", "-o", str(out), "-w", "1",
                                 "--no-progress"])
    assert r.exit_code == 0, r.output
    return out


def _copy(made: Path, tmp_path: Path) -> Path:
    out = tmp_path / "ds"
    shutil.copytree(made, out)
    return out


def _fake_env(out: Path, numpy: str = "0.0-elsewhere") -> None:
    marker = json.loads((out / "synthgen-dataset.json").read_text())
    marker["environments"][-1]["packages"]["numpy"] = numpy
    (out / "synthgen-dataset.json").write_text(json.dumps(marker))


@pytest.mark.browser
def test_manifest_and_marker_record_the_environment(made: Path) -> None:
    manifest = json.loads((made / "manifest.json").read_text())
    marker = json.loads((made / "synthgen-dataset.json").read_text())
    assert manifest["environment"] == marker["environments"][0] == fingerprint()
    r = CliRunner().invoke(app, ["env", str(made)])
    assert r.exit_code == 0 and "same as where the dataset was made" in r.output


@pytest.mark.browser
def test_another_environment_is_refused_unless_allowed(made: Path, tmp_path: Path) -> None:
    out = _copy(made, tmp_path)
    _fake_env(out)
    args = ["generate", "-s", str(COMPOSE), "-n", "3", "--seed", "3", "-o", str(out), "-w", "1", "--no-progress"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "made in another environment (packages: numpy 0.0-elsewhere there" in r.output
    assert len(list((out / "sessions").glob("*.parquet"))) == 2  # nothing was written
    r = CliRunner().invoke(app, ["env", str(out)])
    assert r.exit_code == 1 and "numpy 0.0-elsewhere there" in r.output
    r = CliRunner().invoke(app, args + ["--allow-env-change"])
    assert r.exit_code == 0, r.output
    envs = json.loads((out / "synthgen-dataset.json").read_text())["environments"]
    assert [e["packages"]["numpy"] for e in envs] == ["0.0-elsewhere", fingerprint()["packages"]["numpy"]]


@pytest.mark.browser
def test_verify_passes_on_an_untouched_dataset(made: Path) -> None:
    r = CliRunner().invoke(app, ["verify", str(made), "--no-progress"])
    assert r.exit_code == 0, r.output
    assert "identical" in r.output


@pytest.mark.browser
def test_verify_names_the_row_of_an_edited_value_and_the_environment(made: Path, tmp_path: Path) -> None:
    out = _copy(made, tmp_path)
    f = sorted((out / "events").glob("*.parquet"))[1]
    t = pq.read_table(f)
    xs = t.column("x").to_pylist()
    i = next(k for k, v in enumerate(xs) if v is not None and k > 20)
    xs[i] += 1.0
    write_table(t.set_column(t.schema.get_field_index("x"), "x", pa.array(xs, type=t.schema.field("x").type)), f)
    _fake_env(out, "9.9-elsewhere")
    r = CliRunner().invoke(app, ["verify", str(out), "--no-progress"])
    assert r.exit_code == 1
    assert f"events/{f.name} differs: row {i}: x ({xs[i]} -> {xs[i] - 1.0})" in r.output
    assert "environment differs: packages: numpy 9.9-elsewhere there" in r.output


@pytest.mark.browser
def test_verify_reports_a_torn_byte(made: Path, tmp_path: Path) -> None:
    out = _copy(made, tmp_path)
    f = sorted((out / "sessions").glob("*.parquet"))[0]
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    f.write_bytes(bytes(data))
    r = CliRunner().invoke(app, ["verify", str(out), "--no-progress"])
    assert r.exit_code == 1 and f"sessions/{f.name}" in r.output


def test_a_bad_scenario_path_is_one_line_before_any_progress(tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "synthgen", "generate", "-s", str(tmp_path / "nope.yaml"), "-o",
                        str(tmp_path / "out"), "--progress"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [f"error: {tmp_path / 'nope.yaml'}: no such file or folder; check the path"]
    assert not (tmp_path / "out").exists()
