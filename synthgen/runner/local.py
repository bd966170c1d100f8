"""The local engine: generate a dataset with N worker processes, each a Chromium with several pages.

>>> # summary = generate(GenerateConfig(scenarios=[Path("scenarios/webmail")], sessions=5, seed=7, out=Path("output/run1")))
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable

from synthgen.dataset import (DatasetLock, DatasetReader, Destination, open_dataset, repair_dataset, write_personas,
                              write_scenarios)
from synthgen.dataset.files import ensure_dir
from synthgen.dataset.repair import remove_session
from synthgen.errors import RunInterrupted
from synthgen.runner.config import GenerateConfig, RunSummary, SessionSummary, Tally, WorkerConfig
from synthgen.runner.faults import RunIncomplete
from synthgen.runner.job import base_urls, finish_dataset, prepare_job, select_todo, scenario_material
from synthgen.runner.plan import plan_sessions
from synthgen.runner.signals import StopSignals
from synthgen.runner.supervisor import supervise
from synthgen.runner.worker import run_specs
from synthgen.session import SessionSpec

__all__ = ["GenerateConfig", "RunSummary", "generate", "default_workers"]


def default_workers() -> int:
    """One Chromium per core, at least one."""
    return max(1, os.cpu_count() or 1)


def generate(cfg: GenerateConfig, on_progress: Callable[[int, int, SessionSummary | None], None] | None = None,
             command: str | None = None, on_note: Callable[[str], None] | None = None) -> RunSummary:
    """Generate a dataset into ``cfg.out``; sessions already written completely are skipped (resume).

    ``cfg.out`` must be missing, empty, or this job's dataset (:func:`synthgen.dataset.open_dataset`);
    anything else is refused before a file is touched. ``on_note`` receives one-line notices (torn files
    rewritten, an interrupted run's leftovers cleared).
    """
    cfg.validate()
    t0 = time.perf_counter()
    prepared = prepare_job(cfg)
    dest = Destination.from_uri(Path(cfg.out))
    # Refuse before creating anything (not even the lock).
    open_dataset(dest, prepared.job, create=False, environment=prepared.environment,
                 allow_env_change=cfg.allow_env_change)
    out = ensure_dir(dest.local_path)
    tally = Tally()  # counters and the first failures only: memory does not grow with the job
    with ExitStack() as stack:
        stack.enter_context(DatasetLock(out))
        open_dataset(dest, prepared.job, environment=prepared.environment, allow_env_change=cfg.allow_env_change)
        stop = stack.enter_context(StopSignals())
        urls, app_port = base_urls(prepared.scenarios, cfg, stack)
        specs = plan_sessions(prepared.scenarios, cfg.sessions, cfg.seed, prepared.personas, urls)
        repaired = repair_dataset(dest, [(s.session_id, s.persona.persona_id) for s in specs])
        notes = _repair_notes(repaired)
        for n in notes:
            if on_note:
                on_note(n)
        reader = DatasetReader(dest)
        todo = select_todo(reader, specs, cfg)
        for sid in todo.retried:
            spec = next(s for s in specs if s.session_id == sid)
            remove_session(dest, sid, spec.persona.persona_id)
        write_personas(dest, [p.to_row() for p in prepared.personas])
        write_scenarios(dest, scenario_material(prepared.scenarios))
        total = len(specs)
        if on_progress:
            on_progress(todo.skipped, total, None)

        def done(s: SessionSummary) -> None:
            tally.add(s)
            if on_progress:
                on_progress(todo.skipped + tally.done, total, s)

        wcfg = WorkerConfig(out=out, options=cfg.options, concurrency=cfg.concurrency, chromium=cfg.chromium,
                            app_port=app_port, retries=cfg.retries, hang_timeout_s=cfg.hang_timeout_s,
                            exports=tuple(cfg.exports))
        failure: BaseException | None = None
        if todo.run and not stop:
            try:
                _run(todo.run, wcfg, min(cfg.workers, len(todo.run)), done, stop)
            except OSError as exc:  # OutputError (disk full, folder unwritable mid-run) or a raw OS error
                failure = RunIncomplete(str(exc), missing=len(todo.run) - tally.done)
            except RunIncomplete as exc:
                failure = exc
        manifest = finish_dataset(dest, prepared, specs, cfg, command)
        if stop:
            raise RunInterrupted(stop.signum or 2, written=tally.done, missing=len(todo.run) - tally.done)
        if failure is not None:
            raise failure
    wall = time.perf_counter() - t0
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return RunSummary(out=out, sessions_run=tally.done, sessions_skipped=todo.skipped,
                      ok=manifest.sessions_ok, failed=manifest.sessions_failed, events=manifest.events_total,
                      synthetic_seconds=manifest.synthetic_seconds, wall_seconds=wall, peak_rss_mb=peak / 1024.0,
                      failures=tally.failures, synthetic_seconds_run=tally.synthetic_ms / 1000.0,
                      earlier_failures=todo.earlier_failures, notes=notes)


def _repair_notes(r: Any) -> list[str]:
    notes = [f"rewriting {sid}: {why}" for sid, why in sorted(r.torn.items())]
    if r.incomplete:
        notes.append(f"cleared {len(r.incomplete)} sessions an interrupted run left unfinished; writing them again")
    return notes


def _run(todo: list[SessionSpec], wcfg: WorkerConfig, workers: int, done: Callable[[SessionSummary], None],
         stop: StopSignals) -> None:
    if workers <= 1:
        asyncio.run(_run_here(todo, wcfg, done, stop))
        return
    # Worker processes, replaced when one dies; see synthgen.runner.supervisor.
    supervise(todo, wcfg, workers, done, stop)


async def _run_here(todo: list[SessionSpec], wcfg: WorkerConfig, done: Callable[[SessionSummary], None],
                    stop: StopSignals) -> None:
    """The sessions in this process; a stop signal cancels them (those still running are not written)."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(run_specs(todo, wcfg, on_done=done, stopping=lambda: bool(stop)))
    stop.on_stop(lambda: loop.call_soon_threadsafe(task.cancel))
    try:
        await task
    except asyncio.CancelledError:
        if not stop:
            raise
