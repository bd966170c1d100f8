"""Speed never changes the output: the events are byte-identical however the sessions are spread.

One worker vs two (separate Chromium processes), one page at a time vs three, and the Ray engine's task
body writing through a pyarrow filesystem without rename (the object-store path) vs the local engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from synthgen.runner.local import GenerateConfig, generate

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# Typing, clicks and navigation; wheel scrolls and off-screen targets; a sign-in redirect made by script
# after an async check (its timing once leaked into the url column).
SCENARIOS = [ROOT / "scenarios" / "webmail" / "compose_send.yaml",
             Path(__file__).resolve().parent / "scenarios" / "shop_scroll.yaml",
             ROOT / "scenarios" / "crm" / "browse_table.yaml"]
SESSIONS = 2


def events_bytes(out: Path) -> dict[str, bytes]:
    """Every events file of a dataset, by name."""
    return {p.name: p.read_bytes() for p in sorted((out / "events").glob("*.parquet"))}


def run(out: Path, *, workers: int, concurrency: int) -> dict[str, bytes]:
    s = generate(GenerateConfig(scenarios=SCENARIOS, sessions=SESSIONS, seed=11, out=out, personas=8,
                                workers=workers, concurrency=concurrency))
    assert s.ok == SESSIONS * len(SCENARIOS), [f.error for f in s.failures]
    return events_bytes(out)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> dict[str, bytes]:
    """One worker, one page at a time: the slowest, most sequential way."""
    return run(tmp_path_factory.mktemp("w1c1"), workers=1, concurrency=1)


def test_two_workers_write_the_same_events_as_one(baseline: dict[str, bytes], tmp_path: Path) -> None:
    assert len(baseline) == SESSIONS * len(SCENARIOS)
    assert run(tmp_path, workers=2, concurrency=1) == baseline


def test_three_pages_at_once_write_the_same_events_as_one(baseline: dict[str, bytes], tmp_path: Path) -> None:
    assert run(tmp_path, workers=1, concurrency=3) == baseline


def test_ray_task_body_through_an_object_store_writes_the_same_events(baseline: dict[str, bytes],
                                                                      tmp_path: Path) -> None:
    """``run_batch`` as a Ray task runs it, publishing to a filesystem without rename (one PUT per file)."""
    from pyarrow._fs import _MockFileSystem

    from synthgen.persona.population import sample_personas
    from synthgen.runner.plan import plan_sessions
    from synthgen.runner.ray_engine import run_batch
    from synthgen.runner.worker import WorkerConfig
    from synthgen.scenario.loader import load_scenarios
    from synthgen.dataset.destination import Destination

    scenarios = load_scenarios(SCENARIOS)
    urls = {sc.name: f"http://apps.synthgen.test/{sc.app}/" for sc in scenarios}
    specs = plan_sessions(scenarios, SESSIONS, 11, sample_personas(8, seed=11), urls)
    dest = Destination(_MockFileSystem(), "/bucket/run", "mock:///bucket/run")
    counts = run_batch(specs[::2], WorkerConfig(out=tmp_path, concurrency=2), dest)
    assert counts["ok"] == len(specs[::2])
    # Resume: a second call (a task Ray re-ran) skips what is already there and runs only the rest.
    counts = run_batch(specs, WorkerConfig(out=tmp_path, concurrency=2), dest)
    assert counts["ok"] == len(specs) - len(specs[::2])
    got = {}
    for name in dest.list_names("events"):
        with dest.fs.open_input_stream(dest.path(f"events/{name}")) as fh:
            got[name] = fh.read()
    assert got == baseline
    assert dest.list_names("sessions") == set(baseline)
