"""Preparing a job, written once for both engines: scenarios, personas, the job identity, app URLs, and
which planned sessions still need running.

>>> # prepared = prepare_job(GenerateConfig(scenarios=[Path("scenarios/webmail")], seed=7))
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from synthgen import __version__
from synthgen.browser.launch import BUNDLED_HOST
from synthgen.dataset import DatasetReader, Destination, Job, repair_dataset, write_manifest
from synthgen.dataset.reader import failure_frame
from synthgen.errors import AppUnreachableError, ConfigError
from synthgen.persona.model import Persona
from synthgen.persona.population import sample_personas
from synthgen.runner.config import GenerateConfig, SessionSummary
from synthgen.scenario.loader import load_scenarios
from synthgen.scenario.model import Scenario
from synthgen.schema import SCHEMA_VERSION, Manifest
from synthgen.session import SessionSpec

__all__ = ["PreparedJob", "prepare_job", "job_identity", "base_urls", "Todo", "select_todo", "finish_dataset",
           "scenario_material"]


@dataclass
class PreparedJob:
    """A job's scenarios, persona pool and identity (no browser, no app started yet)."""

    scenarios: list[Scenario]
    personas: list[Persona]
    job: Job
    environment: dict[str, Any]  # this machine's fingerprint (synthgen.environment)


def _scenario_hash(sc: Scenario) -> str:
    # The validated content, not where the file lies: moving a scenario folder keeps the job.
    body = sc.model_dump(mode="json", exclude={"source"})
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:16]


def job_identity(cfg: GenerateConfig, scenarios: list[Scenario]) -> Job:
    """What shapes the bytes of ``cfg``'s dataset (the session count does not: a larger one extends it)."""
    return Job({
        "generator_version": __version__, "schema_version": SCHEMA_VERSION, "seed": cfg.seed,
        "personas": cfg.personas, "base_url": cfg.base_url,
        "scenarios": {sc.name: _scenario_hash(sc) for sc in scenarios},
        "options": dataclasses.asdict(cfg.options), "exports": sorted(cfg.exports),
    })


def prepare_job(cfg: GenerateConfig) -> PreparedJob:
    """Load and check the scenarios, draw the persona pool, and name the job."""
    scenarios = load_scenarios(cfg.scenarios)
    if cfg.tags or cfg.exclude_tags:
        from synthgen.scenario.select import select_by_tags

        scenarios = select_by_tags(scenarios, cfg.tags, cfg.exclude_tags)
    names = [s.name for s in scenarios]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError("scenarios", [str(p) for p in cfg.scenarios],
                          f"scenario names must be unique in a job; repeated: {', '.join(dup)}")
    from synthgen.environment import fingerprint

    return PreparedJob(scenarios, sample_personas(cfg.personas, seed=cfg.seed), job_identity(cfg, scenarios),
                       fingerprint(cfg.chromium))


def _check_reachable(url: str, scenario: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (loopback or user-given URL)
            resp.read(1)
    except urllib.error.HTTPError:
        return  # it answers; a 404 at the base is the app's business
    except (urllib.error.URLError, OSError) as exc:
        raise AppUnreachableError(f"scenario {scenario!r}: {url} does not answer ({getattr(exc, 'reason', exc)}); "
                                  "start the app or fix app/base_url (or --base-url)") from exc


def base_urls(scenarios: list[Scenario], cfg: GenerateConfig, stack: ExitStack) -> tuple[dict[str, str], int | None]:
    """Each scenario's base URL, and the bundled app server's port when one was started (in ``stack``)."""
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


@dataclass
class Todo:
    """The planned sessions split by what the dataset already holds."""

    run: list[SessionSpec]
    skipped: int
    retried: list[str]  # failed earlier, run again (--retry-failed)
    earlier_failures: list[SessionSummary]  # failed earlier, kept as they are


def select_todo(reader: DatasetReader, specs: list[SessionSpec], cfg: GenerateConfig) -> Todo:
    """Which of ``specs`` to run: those not yet complete, and with ``cfg.retry_failed`` the failed ones."""
    complete = set(reader.complete_ids()) if cfg.resume else set()
    run, retried, earlier = [], [], []
    for s in specs:
        if s.session_id not in complete:
            run.append(s)
            continue
        row: dict[str, Any] = reader.session_row(s.session_id)
        if row["status"] == "ok":
            continue
        if cfg.retry_failed:
            run.append(s)
            retried.append(s.session_id)
        else:
            earlier.append(SessionSummary(s.session_id, row["status"], int(row["n_events"]),
                                          float(row["duration_ms"]), row["error"], 0, row.get("failed_step"),
                                          failure_frame(reader, s.session_id)))
    return Todo(run, len(specs) - len(run), retried, earlier)


def finish_dataset(dest: Destination, prepared: PreparedJob, specs: list[SessionSpec], cfg: GenerateConfig,
                   command: str | None) -> Manifest:
    """Clear what stopped workers left half-written, then write the manifest (both engines, every ending).

    On object stores each file is one PUT, so there is nothing half-written to clear there.
    """
    if dest.is_local:
        repair_dataset(dest, [(s.session_id, s.persona.persona_id) for s in specs])
    return write_manifest(dest, job=prepared.job.parts, environment=prepared.environment,
                          command=command or " ".join(["synthgen", *sys.argv[1:]]), config=cfg.to_json(),
                          generator_version=__version__)


def scenario_material(scenarios: list[Scenario]) -> list[tuple[str, bytes]]:
    """The job's scenario files and what they include, as ``(relpath, bytes)`` for ``write_scenarios``."""
    out: dict[str, bytes] = {}
    for sc in scenarios:
        for rel, path in sc.material():
            out.setdefault(rel, path.read_bytes())
    return sorted(out.items())
