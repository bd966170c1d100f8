"""The Ray engine: the same job as the local engine, as Ray tasks across a cluster (``synthgen[ray]``).

The coordinator plans every session (seeds from :mod:`synthgen.runner.plan`, so the dataset does not
depend on how many tasks run or in which order), leaves out sessions already written completely (their
``sessions`` row exists at the destination), and submits batches of sessions as Ray tasks. Each task runs
its batch in its own Chromium with the ordinary worker (:func:`synthgen.runner.worker.run_specs`), serving
the bundled apps itself on its node, and writes straight to the destination, a local folder (or a shared
mount) or any filesystem pyarrow supports (``s3://``, ``gs://``, ...), each file whole and each session's
sessions row last (:class:`synthgen.dataset.SessionWriter`). A task re-run by Ray (a node died) skips the
sessions its first run already wrote. The job is prepared, checked against the dataset's marker, and
finished (repair, manifest) exactly as by the local engine (:mod:`synthgen.runner.job`); a local
destination is locked for the run (:class:`synthgen.dataset.DatasetLock`); on object stores there are no
locks, and a re-run simply rewrites, under the same names, any session whose sessions row is missing.

Ray is imported only here, only when this engine runs.

>>> # generate_ray(GenerateConfig(scenarios=[Path("scenarios")], sessions=100, out="s3://bucket/run1"),
>>> #              RayOptions(address="auto"))
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from synthgen.browser.launch import BUNDLED_HOST
from synthgen.dataset import (DatasetLock, DatasetReader, Destination, open_dataset, repair_dataset, write_personas,
                              write_scenarios)
from synthgen.dataset.files import ensure_dir
from synthgen.dataset.repair import remove_session
from synthgen.errors import ConfigError, SynthgenError
from synthgen.runner.config import GenerateConfig, RunSummary, SessionSummary, Tally, WorkerConfig
from synthgen.runner.job import PreparedJob, base_urls, finish_dataset, prepare_job, select_todo, scenario_material
from synthgen.runner.plan import plan_sessions
from synthgen.runner.worker import run_specs
from synthgen.session import SessionSpec

__all__ = ["RayOptions", "generate_ray", "run_batch", "import_ray", "RAY_HINT"]

RAY_HINT = "pip install 'synthgen[ray]'"


@dataclass(frozen=True)
class RayOptions:
    """How to use Ray: which cluster, and how many sessions per task.

    ``address``: ``None`` starts a local Ray instance (or uses the one this process already joined),
    ``"auto"`` joins the cluster started on this machine with ``ray start``, ``"ray://host:10001"``
    connects through the Ray client. ``batch_size`` 0 picks one from the job size and the cluster's CPUs.
    """

    address: str | None = None
    batch_size: int = 0
    cpus_per_task: float = 1.0  # one Chromium with its pages keeps about one core busy
    max_retries: int = 2  # Ray re-runs a task whose node died; finished sessions are skipped then


def import_ray() -> Any:
    """The ``ray`` module, or a one-line error that says how to install it.

    >>> import_ray.__name__
    'import_ray'
    """
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("engine", "ray", f"Ray is not installed; {RAY_HINT}") from exc
    return ray


def _tally_of(t: Tally) -> dict[str, Any]:
    return {"ok": t.ok, "failed": t.failed, "events": t.events, "synthetic_ms": t.synthetic_ms,
            "failures": [dataclasses.asdict(f) for f in t.failures]}


def _tally_from(d: dict[str, Any]) -> Tally:
    return Tally(ok=d["ok"], failed=d["failed"], events=d["events"], synthetic_ms=d["synthetic_ms"],
                 failures=[SessionSummary(**f) for f in d["failures"]])


def run_batch(specs: list[SessionSpec], wcfg: WorkerConfig, dest: str | Destination,
              resume: bool = True) -> dict[str, Any]:
    """One Ray task: run ``specs`` in one Chromium and write them to ``dest``; returns counters.

    ``dest`` is a path or URI (what a task receives), or a :class:`Destination`. Runs as plain Python too
    (the tests call it directly): ``run_batch(specs, WorkerConfig(out=Path(".")), "/tmp/out")``.
    """
    from synthgen.apps.server import AppServer

    dest = dest if isinstance(dest, Destination) else Destination.from_uri(dest)
    if resume:
        done = set(DatasetReader(dest).complete_ids())
        specs = [s for s in specs if s.session_id not in done]
    tally = Tally()
    if not specs:
        return _tally_of(tally)
    with ExitStack() as stack:
        port = None
        if any(urlsplit(s.base_url).hostname == BUNDLED_HOST for s in specs):
            # Every node serves the bundled apps itself; Chromium maps BUNDLED_HOST to this port, so the
            # URLs (and the events) are the same as on any other node.
            port = stack.enter_context(AppServer()).port
        # The session writer puts each file straight at the destination, the sessions row last.
        cfg = dataclasses.replace(wcfg, out=dest.local_path if dest.is_local else dest, app_port=port)
        asyncio.run(run_specs(specs, cfg, on_done=tally.add))
    return _tally_of(tally)


def _batches(todo: list[SessionSpec], size: int) -> list[list[SessionSpec]]:
    return [todo[i:i + size] for i in range(0, len(todo), size)]


def _auto_batch(n: int, cpus: float) -> int:
    """Enough tasks to keep every CPU busy twice over, few enough to amortise each browser launch.

    >>> _auto_batch(10, 2), _auto_batch(1000, 2), _auto_batch(3, 64)
    (3, 32, 1)
    """
    return max(1, min(32, math.ceil(n / max(1.0, 2 * cpus))))


def _worker_config(cfg: GenerateConfig, opts: RayOptions) -> WorkerConfig:
    """The tasks' worker settings: every field the job config shares with :class:`WorkerConfig`."""
    shared = {f.name for f in dataclasses.fields(WorkerConfig)} & {f.name for f in dataclasses.fields(cfg)}
    values = {name: getattr(cfg, name) for name in shared - {"out", "workers"}}
    if opts.address is not None:
        values["chromium"] = None  # the coordinator's Chromium path means nothing on other nodes
    return WorkerConfig(out=Path("."), **values)


def _connect(ray: Any, opts: RayOptions) -> bool:
    """Join or start Ray; True when this call started it (and so should shut it down)."""
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"log_to_driver": False}
    if opts.address is None:
        kwargs["include_dashboard"] = False
    try:
        ray.init(address=opts.address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError("ray_address", opts.address, f"cannot join Ray: {str(exc).splitlines()[0]}; start a "
                          "cluster with `ray start --head` (then use auto) or give ray://HEAD:10001") from exc
    return True


def generate_ray(cfg: GenerateConfig, opts: RayOptions = RayOptions(),
                 on_progress: Callable[[int, int, SessionSummary | None], None] | None = None,
                 command: str | None = None) -> RunSummary:
    """Generate ``cfg``'s dataset with Ray tasks; ``cfg.out`` may be a local folder or a URI.

    ``cfg.workers`` is ignored (the cluster's CPUs decide); ``cfg.concurrency`` is pages per task.
    """
    import_ray()
    cfg.validate()
    if opts.batch_size < 0:
        raise ConfigError("ray_batch", opts.batch_size, "must be 0 (auto) or more")
    t0 = time.perf_counter()
    prepared = prepare_job(cfg)
    dest = Destination.from_uri(cfg.out if isinstance(cfg.out, str) else str(cfg.out))
    open_dataset(dest, prepared.job, create=False, environment=prepared.environment,
                 allow_env_change=cfg.allow_env_change)
    with ExitStack() as run_lock:
        if dest.is_local:
            run_lock.enter_context(DatasetLock(ensure_dir(dest.local_path)))
        open_dataset(dest, prepared.job, environment=prepared.environment, allow_env_change=cfg.allow_env_change)
        return _generate_locked(cfg, opts, prepared, dest, t0, on_progress, command)


def _generate_locked(cfg: GenerateConfig, opts: RayOptions, prepared: PreparedJob, dest: Destination, t0: float,
                     on_progress: Callable[[int, int, SessionSummary | None], None] | None,
                     command: str | None) -> RunSummary:
    ray = import_ray()
    with ExitStack() as stack:
        # Checks that every app answers here; the tasks serve the bundled apps themselves.
        urls, _port = base_urls(prepared.scenarios, cfg, stack)
    specs = plan_sessions(prepared.scenarios, cfg.sessions, cfg.seed, prepared.personas, urls)
    if dest.is_local:  # object stores write each file in one PUT: nothing half-written to clear there
        repair_dataset(dest, [(s.session_id, s.persona.persona_id) for s in specs])
    todo = select_todo(DatasetReader(dest), specs, cfg)
    for sid in todo.retried:
        spec = next(s for s in specs if s.session_id == sid)
        remove_session(dest, sid, spec.persona.persona_id)
    skipped, total = todo.skipped, len(specs)
    write_personas(dest, [p.to_row() for p in prepared.personas])
    write_scenarios(dest, scenario_material(prepared.scenarios))
    if on_progress:
        on_progress(skipped, total, None)
    tally = Tally()
    errors: list[str] = []
    if todo.run:
        started = _connect(ray, opts)
        try:
            cpus = float(ray.cluster_resources().get("CPU", 1.0))
            size = opts.batch_size or _auto_batch(len(todo.run), cpus / max(opts.cpus_per_task, 0.01))
            wcfg = _worker_config(cfg, opts)
            task = ray.remote(num_cpus=opts.cpus_per_task, max_retries=opts.max_retries)(run_batch)
            # (a --retry-failed session's files were removed above, so the task's resume check runs it again)
            pending = {task.remote(b, wcfg, dest.uri, cfg.resume): len(b) for b in _batches(todo.run, size)}
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                ref = ready[0]
                n = pending.pop(ref)
                try:
                    part = _tally_from(ray.get(ref))
                except Exception as exc:  # a task that failed for good: its sessions stay to do
                    errors.append(f"{n} sessions: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}")
                    continue
                tally.merge(part)
                if on_progress:
                    last = part.failures[-1] if part.failures else None
                    on_progress(skipped + tally.done, total, last)
        finally:
            if started:
                ray.shutdown()
    manifest = finish_dataset(dest, prepared, specs, cfg, command)
    if errors:
        raise SynthgenError(f"{len(todo.run) - tally.done} sessions were not finished: {'; '.join(errors[:3])}; "
                            "re-run the same command to complete them")
    wall = time.perf_counter() - t0
    return RunSummary(out=Path(dest.base) if dest.is_local else dest.uri,  # type: ignore[arg-type]
                      sessions_run=tally.done, sessions_skipped=skipped, ok=manifest.sessions_ok,
                      failed=manifest.sessions_failed, events=manifest.events_total,
                      synthetic_seconds=manifest.synthetic_seconds, wall_seconds=wall,
                      peak_rss_mb=_peak_rss_mb(), failures=tally.failures,
                      synthetic_seconds_run=tally.synthetic_ms / 1000.0, earlier_failures=todo.earlier_failures)


def _peak_rss_mb() -> float:
    """This coordinator's peak RSS (the tasks run in Ray's worker processes, possibly elsewhere)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
