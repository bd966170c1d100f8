"""The Ray engine: the same job as the local engine, as Ray tasks across a cluster (``synthgen[ray]``).

The coordinator plans every session (seeds from :mod:`synthgen.runner.plan`, so the dataset does not
depend on how many tasks run or in which order), leaves out sessions already written completely (their
``sessions`` row exists at the destination), and submits batches of sessions as Ray tasks. Each task runs
its batch in its own Chromium with the ordinary worker (:func:`synthgen.runner.worker.run_specs`), serving
the bundled apps itself on its node, and writes to the destination: directly into a local folder (or a
shared mount), or staged locally and published file by file to any filesystem pyarrow supports
(``s3://``, ``gs://``, ...), each session's sessions row last (:class:`synthgen.sinks.fs.Destination`).
A task re-run by Ray (a node died) skips the sessions its first run already wrote. A local destination
is locked for the run and cleared of an interrupted run's leftovers first, as the local engine does
(:class:`synthgen.runner.faults.DatasetLock`, :func:`synthgen.runner.faults.repair_dataset`); on object
stores there are no locks, and a re-run simply rewrites, under the same names, any session whose
sessions row is missing.

Ray is imported only here, only when this engine runs.

>>> # generate_ray(GenerateConfig(scenarios=[Path("scenarios")], sessions=100, out="s3://bucket/run1"),
>>> #              RayOptions(address="auto"))
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import pyarrow.parquet as pq

from synthgen import __version__
from synthgen.browser.launch import BUNDLED_HOST
from synthgen.errors import ConfigError, SynthgenError
from synthgen.persona.population import sample_personas
from synthgen.runner.engine import Tally
from synthgen.runner.faults import DatasetLock, repair_dataset
from synthgen.runner.local import GenerateConfig, RunSummary, _base_urls
from synthgen.runner.manifest import MANIFEST_NAME, write_manifest
from synthgen.runner.plan import plan_sessions
from synthgen.runner.worker import SessionSummary, WorkerConfig, run_specs
from synthgen.scenario.loader import load_scenarios
from synthgen.schema import Manifest, ManifestFile
from synthgen.session import SessionSpec
from synthgen.sinks.files import ensure_dir
from synthgen.sinks.fs import Destination, remove_tree
from synthgen.sinks.parquet import write_personas

__all__ = ["RayOptions", "generate_ray", "run_batch", "build_manifest_fs", "import_ray", "RAY_HINT"]

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
        done = dest.list_names("sessions")
        specs = [s for s in specs if f"{s.session_id}.parquet" not in done]
    tally = Tally()
    if not specs:
        return _tally_of(tally)
    with ExitStack() as stack:
        port = None
        if any(urlsplit(s.base_url).hostname == BUNDLED_HOST for s in specs):
            # Every node serves the bundled apps itself; Chromium maps BUNDLED_HOST to this port, so the
            # URLs (and the events) are the same as on any other node.
            port = stack.enter_context(AppServer()).port
        staging: Path | None = None
        if dest.is_local:
            out = dest.local_path
        else:
            staging = Path(tempfile.mkdtemp(prefix="synthgen-ray-"))
            stack.callback(remove_tree, staging)
            out = staging
        cfg = dataclasses.replace(wcfg, out=out, app_port=port)

        def done_one(s: SessionSummary) -> None:
            tally.add(s)
            if staging is not None:
                dest.publish(staging)  # each finished session leaves this node at once

        asyncio.run(run_specs(specs, cfg, on_done=done_one))
        if staging is not None:
            dest.publish(staging)
    return _tally_of(tally)


def _batches(todo: list[SessionSpec], size: int) -> list[list[SessionSpec]]:
    return [todo[i:i + size] for i in range(0, len(todo), size)]


def _auto_batch(n: int, cpus: float) -> int:
    """Enough tasks to keep every CPU busy twice over, few enough to amortise each browser launch.

    >>> _auto_batch(10, 2), _auto_batch(1000, 2), _auto_batch(3, 64)
    (3, 32, 1)
    """
    return max(1, min(32, math.ceil(n / max(1.0, 2 * cpus))))


def build_manifest_fs(dest: Destination, *, command: str, config: dict[str, Any], seed: int) -> Manifest:
    """:func:`synthgen.runner.manifest.build_manifest` for a dataset on any pyarrow filesystem."""
    files: list[ManifestFile] = []
    ok = failed = events = 0
    synth_ms = 0.0
    for rel, size in dest.walk():
        if rel == MANIFEST_NAME:
            continue
        table = rel.split("/", 1)[0]
        rows = 0
        if rel.endswith(".parquet"):
            with dest.fs.open_input_file(dest.path(rel)) as fh:
                pf = pq.ParquetFile(fh)
                rows = pf.metadata.num_rows
                if table == "sessions":
                    for r in pf.read(columns=["status", "n_events", "duration_ms"]).to_pylist():
                        ok += r["status"] == "ok"
                        failed += r["status"] != "ok"
                        events += int(r["n_events"])
                        synth_ms += float(r["duration_ms"])
        files.append(ManifestFile(path=rel, table=table, rows=rows, bytes=size, sha256=dest.sha256(rel)))
    return Manifest(generator_version=__version__, command=command, config=config, seed=seed,
                    sessions_total=ok + failed, sessions_ok=ok, sessions_failed=failed, events_total=events,
                    synthetic_seconds=round(synth_ms / 1000.0, 3), files=files)


def _write_manifest(dest: Destination, *, command: str, config: dict[str, Any], seed: int) -> Manifest:
    if dest.is_local:
        return write_manifest(dest.local_path, command=command, config=config, seed=seed)
    import json

    m = build_manifest_fs(dest, command=command, config=config, seed=seed)
    dest.put_bytes(MANIFEST_NAME, (json.dumps(m.model_dump(mode="json"), indent=2) + "\n").encode())
    return m


def _write_personas(dest: Destination, personas: list[Any]) -> None:
    if dest.is_local:
        write_personas(dest.local_path, personas)
        return
    with tempfile.TemporaryDirectory(prefix="synthgen-personas-") as tmp:
        write_personas(Path(tmp), personas)
        dest.publish(Path(tmp))


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
    ray = import_ray()
    cfg.validate()
    if opts.batch_size < 0:
        raise ConfigError("ray_batch", opts.batch_size, "must be 0 (auto) or more")
    t0 = time.perf_counter()
    scenarios = load_scenarios(cfg.scenarios)
    names = [s.name for s in scenarios]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError("scenarios", [str(p) for p in cfg.scenarios],
                          f"scenario names must be unique in a job; repeated: {', '.join(dup)}")
    personas = sample_personas(cfg.personas, seed=cfg.seed)
    dest = Destination.from_uri(cfg.out if isinstance(cfg.out, str) else str(cfg.out))
    with ExitStack() as run_lock:
        if dest.is_local:
            local = ensure_dir(dest.local_path)
            run_lock.enter_context(DatasetLock(local))
            repair_dataset(local)
        return _generate_locked(cfg, opts, scenarios, personas, dest, t0, on_progress, command)


def _generate_locked(cfg: GenerateConfig, opts: RayOptions, scenarios: list[Any], personas: list[Any],
                     dest: Destination, t0: float,
                     on_progress: Callable[[int, int, SessionSummary | None], None] | None,
                     command: str | None) -> RunSummary:
    ray = import_ray()
    with ExitStack() as stack:
        # Checks that every app answers here; the tasks serve the bundled apps themselves.
        urls, _port = _base_urls(scenarios, cfg, stack)
    specs = plan_sessions(scenarios, cfg.sessions, cfg.seed, personas, urls)
    done_names = dest.list_names("sessions") if cfg.resume else set()
    todo = [s for s in specs if f"{s.session_id}.parquet" not in done_names]
    skipped, total = len(specs) - len(todo), len(specs)
    _write_personas(dest, personas)
    if on_progress:
        on_progress(skipped, total, None)
    tally = Tally()
    errors: list[str] = []
    if todo:
        started = _connect(ray, opts)
        try:
            cpus = float(ray.cluster_resources().get("CPU", 1.0))
            size = opts.batch_size or _auto_batch(len(todo), cpus / max(opts.cpus_per_task, 0.01))
            wcfg = _worker_config(cfg, opts)
            task = ray.remote(num_cpus=opts.cpus_per_task, max_retries=opts.max_retries)(run_batch)
            pending = {task.remote(b, wcfg, dest.uri, cfg.resume): len(b) for b in _batches(todo, size)}
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
    manifest = _write_manifest(dest, command=command or " ".join(["synthgen", *sys.argv[1:]]),
                               config=cfg.to_json(), seed=cfg.seed)
    if errors:
        raise SynthgenError(f"{len(todo) - tally.done} sessions were not finished: {'; '.join(errors[:3])}; "
                            "re-run the same command to complete them")
    wall = time.perf_counter() - t0
    return RunSummary(out=Path(dest.base) if dest.is_local else dest.uri,  # type: ignore[arg-type]
                      sessions_run=tally.done, sessions_skipped=skipped, ok=manifest.sessions_ok,
                      failed=manifest.sessions_failed, events=manifest.events_total,
                      synthetic_seconds=manifest.synthetic_seconds, wall_seconds=wall,
                      peak_rss_mb=_peak_rss_mb(), failures=tally.failures)


def _peak_rss_mb() -> float:
    """This coordinator's peak RSS (the tasks run in Ray's worker processes, possibly elsewhere)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
