"""The Ray engine on a local Ray instance: the same events as the local engine, byte for byte, and resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from synthgen.runner.local import GenerateConfig, generate

from .test_speed_invariance import SCENARIOS, events_bytes

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ray = pytest.importorskip("ray", reason="the Ray engine needs `pip install 'synthgen[ray]'` (make test installs it)")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def _cfg(out: Path | str) -> GenerateConfig:
    return GenerateConfig(scenarios=SCENARIOS[:2], sessions=2, seed=23, out=out, personas=6,  # type: ignore[arg-type]
                          concurrency=2)


def test_ray_engine_writes_the_local_engines_events(local_ray: None, tmp_path: Path, chromium_path: str) -> None:
    from synthgen.runner.ray_engine import RayOptions, generate_ray

    local = generate(_cfg(tmp_path / "local"))
    assert local.ok == 4, [f.error for f in local.failures]
    # Batches of one session: four tasks, spread over Ray's two workers in whatever order.
    s = generate_ray(_cfg(f"file://{tmp_path}/ray"), RayOptions(batch_size=1))
    assert (s.ok, s.failed, s.sessions_run) == (4, 0, 4)
    assert events_bytes(tmp_path / "ray") == events_bytes(tmp_path / "local")
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    assert manifest["sessions_ok"] == 4 and manifest["events_total"] == local.events

    # Resume: a re-run skips every session already written completely; a lost one is run again.
    (tmp_path / "ray" / "sessions" / "webmail-compose-send-s23-00001.parquet").unlink()
    again = generate_ray(_cfg(tmp_path / "ray"), RayOptions())
    assert (again.sessions_skipped, again.sessions_run, again.ok) == (3, 1, 4)
    assert events_bytes(tmp_path / "ray") == events_bytes(tmp_path / "local")


def test_ray_engine_locks_a_local_dataset_and_clears_leftovers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from synthgen.errors import OutputError
    from synthgen.runner import ray_engine
    from synthgen.dataset import DatasetLock, Destination, open_dataset
    from synthgen.runner.job import prepare_job
    from synthgen.runner.ray_engine import RayOptions, generate_ray

    out = tmp_path / "ray"
    open_dataset(Destination.from_uri(out), prepare_job(_cfg(out)).job)  # an earlier, interrupted run of the job
    (out / "events").mkdir(parents=True)
    leftover = out / "events" / ".webmail-compose-send-s23-00000.parquet.tmp-99"
    leftover.write_bytes(b"half")
    orphan = out / "events" / "webmail-compose-send-s23-00000.parquet"  # no sessions row: incomplete
    orphan.write_bytes(b"half")
    with DatasetLock(out):  # another run is writing there
        with pytest.raises(OutputError, match="another synthgen run"):
            generate_ray(_cfg(out), RayOptions())
    assert leftover.exists()  # nothing touched while locked

    def no_cluster(*_a: object) -> bool:
        raise OutputError("no cluster in this test")

    # Lock taken and leftovers cleared before Ray is contacted (here: a cluster that cannot be joined).
    monkeypatch.setattr(ray_engine, "_connect", no_cluster)
    with pytest.raises(OutputError, match="no cluster"):
        generate_ray(_cfg(out), RayOptions())
    assert not leftover.exists() and not orphan.exists()
    DatasetLock(out).acquire().release()  # the failed run let go of the lock
