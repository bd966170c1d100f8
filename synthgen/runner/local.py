"""The local engine: generate a dataset with N worker processes, each a Chromium with several pages.

>>> # summary = generate(GenerateConfig(scenarios=[Path("scenarios/webmail")], sessions=5, seed=7, out=Path("output/run1")))
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing as mp
import os
import resource
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from synthgen.browser.launch import BUNDLED_HOST
from synthgen.errors import AppUnreachableError, ConfigError
from synthgen.persona.population import sample_personas
from synthgen.runner.faults import DEFAULT_HANG_TIMEOUT_S, DatasetLock, RunIncomplete, repair_dataset
from synthgen.runner.engine import Tally
from synthgen.runner.manifest import write_manifest
from synthgen.runner.plan import plan_sessions
from synthgen.runner.supervisor import supervise
from synthgen.runner.worker import SessionSummary, WorkerConfig, run_specs
from synthgen.scenario.loader import load_scenarios
from synthgen.scenario.model import Scenario
from synthgen.session import SessionOptions, SessionSpec
from synthgen.sinks.files import ensure_dir
from synthgen.sinks.parquet import ParquetSink, write_personas

__all__ = ["GenerateConfig", "RunSummary", "generate", "default_workers"]


def default_workers() -> int:
    """One Chromium per core, at least one."""
    return max(1, os.cpu_count() or 1)


@dataclass
class GenerateConfig:
    """Everything ``synthgen generate`` takes."""

    scenarios: list[Path]
    sessions: int = 5
    seed: int = 0
    out: Path = Path("output/run")
    personas: int = 50
    workers: int = 1
    concurrency: int = 2
    chromium: str | None = None
    resume: bool = True
    options: SessionOptions = field(default_factory=SessionOptions)
    base_url: str | None = None  # overrides every scenario's app/base_url (run against any web app)
    exports: tuple[str, ...] = ()  # trajectories, rrweb, balabit: written next to the dataset as sessions end
    retries: int = 1  # extra attempts for a session whose browser/page crashed or hung
    hang_timeout_s: float = DEFAULT_HANG_TIMEOUT_S  # a page that answers nothing this long is hung

    def validate(self) -> None:
        if self.sessions < 1:
            raise ConfigError("sessions", self.sessions, "must be at least 1")
        if self.seed < 0:
            raise ConfigError("seed", self.seed, "must be 0 or more")
        if not 0 <= self.retries <= 10:
            raise ConfigError("retries", self.retries, "must be between 0 and 10")
        if not 1 <= self.hang_timeout_s <= 3600:
            raise ConfigError("hang_timeout_s", self.hang_timeout_s, "must be between 1 and 3600 seconds")
        if not 0 < self.options.step_timeout_ms <= 600_000:
            raise ConfigError("step_timeout_ms", self.options.step_timeout_ms, "must be above 0 and at most 600000")
        if self.base_url is not None:
            from urllib.parse import urlsplit

            try:
                parts = urlsplit(self.base_url)
                ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
            except ValueError:
                ok = False
            if not ok:
                raise ConfigError("base_url", self.base_url, "must be an http:// or https:// URL, e.g. "
                                  "http://127.0.0.1:8000/")
        if Path(self.out).exists() and not Path(self.out).is_dir():
            raise ConfigError("out", str(self.out), "is a file, not a folder; choose a folder for the dataset")
        if self.personas < 1:
            raise ConfigError("personas", self.personas, "must be at least 1")
        if not 1 <= self.workers <= 256:
            raise ConfigError("workers", self.workers, "must be between 1 and 256")
        if not 1 <= self.concurrency <= 64:
            raise ConfigError("concurrency", self.concurrency, "must be between 1 and 64")
        from synthgen.observe import validate_capture_options
        from synthgen.observe.outputs import parse_exports

        validate_capture_options(self.options)
        parse_exports(list(self.exports))

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["scenarios"] = [str(p) for p in self.scenarios]
        d["out"] = str(self.out)
        return d


@dataclass
class RunSummary:
    """What a run did, for the CLI's closing lines and for tests."""

    out: Path
    sessions_run: int
    sessions_skipped: int
    ok: int
    failed: int
    events: int
    synthetic_seconds: float
    wall_seconds: float
    peak_rss_mb: float
    failures: list[SessionSummary]

    @property
    def realtime_factor(self) -> float:
        return self.synthetic_seconds / self.wall_seconds if self.wall_seconds > 0 else 0.0


def _check_reachable(url: str, scenario: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (loopback or user-given URL)
            resp.read(1)
    except urllib.error.HTTPError:
        return  # it answers; a 404 at the base is the app's business
    except (urllib.error.URLError, OSError) as exc:
        raise AppUnreachableError(f"scenario {scenario!r}: {url} does not answer ({getattr(exc, 'reason', exc)}); "
                                  "start the app or fix app/base_url (or --base-url)") from exc


def _base_urls(scenarios: list[Scenario], cfg: GenerateConfig, stack: ExitStack) -> tuple[dict[str, str], int | None]:
    """Each scenario's base URL, and the bundled app server's port when one was started."""
    urls: dict[str, str] = {}
    server = None
    for sc in scenarios:
        if cfg.base_url:
            urls[sc.name] = cfg.base_url
        elif sc.base_url:
            urls[sc.name] = str(sc.base_url)
        else:
            if server is None:
                from synthgen.apps.server import AppServer

                server = stack.enter_context(AppServer())
            from synthgen.apps.server import UnknownAppError

            try:
                app_url = server.url(sc.app)
            except UnknownAppError as exc:  # a bad scenario value, so a usage error (exit code 2)
                raise ConfigError("app", sc.app, f"scenario {sc.name!r}: {exc}; or give base_url") from None
            _check_reachable(app_url, sc.name)
            urls[sc.name] = f"http://{BUNDLED_HOST}/{sc.app}/"
    for sc in scenarios:
        if cfg.base_url or sc.base_url:
            _check_reachable(urls[sc.name], sc.name)
    return urls, (server.port if server is not None else None)


def generate(cfg: GenerateConfig, on_progress: Callable[[int, int, SessionSummary | None], None] | None = None,
             command: str | None = None) -> RunSummary:
    """Generate a dataset into ``cfg.out``; sessions already written completely are skipped (resume)."""
    cfg.validate()
    t0 = time.perf_counter()
    scenarios = load_scenarios(cfg.scenarios)
    names = [s.name for s in scenarios]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError("scenarios", [str(p) for p in cfg.scenarios],
                          f"scenario names must be unique in a job; repeated: {', '.join(dup)}")
    personas = sample_personas(cfg.personas, seed=cfg.seed)
    out = ensure_dir(Path(cfg.out))
    tally = Tally()  # counters and the first failures only: memory does not grow with the job
    with ExitStack() as stack:
        # One run per dataset at a time; then clear what an interrupted run left (temp files, sessions
        # without their sessions row), so the dataset holds only complete sessions.
        stack.enter_context(DatasetLock(out))
        repair_dataset(out)
        urls, app_port = _base_urls(scenarios, cfg, stack)
        specs = plan_sessions(scenarios, cfg.sessions, cfg.seed, personas, urls)
        todo = [s for s in specs if not (cfg.resume and ParquetSink.session_done(out, s.session_id))]
        skipped = len(specs) - len(todo)
        write_personas(out, personas)
        total = len(specs)
        if on_progress:
            on_progress(skipped, total, None)

        def done(s: SessionSummary) -> None:
            tally.add(s)
            if on_progress:
                on_progress(skipped + tally.done, total, s)

        wcfg = WorkerConfig(out=out, options=cfg.options, concurrency=cfg.concurrency, chromium=cfg.chromium,
                            app_port=app_port, retries=cfg.retries, hang_timeout_s=cfg.hang_timeout_s,
                            exports=tuple(cfg.exports))
        if todo:
            try:
                _run(todo, wcfg, min(cfg.workers, len(todo)), done)
            except OSError as exc:  # OutputError (disk full, folder unwritable mid-run) or a raw OS error
                raise RunIncomplete(str(exc), missing=len(todo) - tally.done) from exc
        manifest = write_manifest(out, command=command or " ".join(["synthgen", *sys.argv[1:]]),
                                  config=cfg.to_json(), seed=cfg.seed)
    wall = time.perf_counter() - t0
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return RunSummary(out=out, sessions_run=tally.done, sessions_skipped=skipped,
                      ok=manifest.sessions_ok, failed=manifest.sessions_failed, events=manifest.events_total,
                      synthetic_seconds=manifest.synthetic_seconds, wall_seconds=wall, peak_rss_mb=peak / 1024.0,
                      failures=tally.failures)


def _run(todo: list[SessionSpec], wcfg: WorkerConfig, workers: int, done: Callable[[SessionSummary], None]) -> None:
    if workers <= 1:
        asyncio.run(run_specs(todo, wcfg, on_done=done))
        return
    # Worker processes, replaced when one dies; see synthgen.runner.supervisor.
    supervise(todo, wcfg, workers, done)
