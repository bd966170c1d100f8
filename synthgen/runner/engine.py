"""Engines run a job's sessions somewhere: ``local`` (processes on this machine) or ``ray`` (a cluster).

Both plan the same sessions (:mod:`synthgen.runner.plan`: each session's seed depends only on the job
seed, the scenario and the index), so a dataset does not depend on the engine, the number of workers or
their order. Both keep only counters of finished sessions (:class:`Tally`), never a per-session list, so
the coordinator's memory does not grow with the job.

>>> from synthgen.runner.worker import SessionSummary
>>> t = Tally()
>>> t.add(SessionSummary("a", "ok", 10, 1500.0)); t.add(SessionSummary("b", "failed", 3, 200.0, "boom"))
>>> (t.done, t.ok, t.failed, t.events, [f.session_id for f in t.failures])
(2, 1, 1, 13, ['b'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from synthgen.errors import ConfigError

if TYPE_CHECKING:  # the worker imports Tally from here
    from synthgen.runner.worker import SessionSummary

__all__ = ["ENGINES", "MAX_FAILURES_KEPT", "Tally", "generate_with"]

ENGINES = ("local", "ray")
#: The coordinator keeps this many failed sessions' summaries for the closing report; the rest are counted.
MAX_FAILURES_KEPT = 100


@dataclass
class Tally:
    """Counts of finished sessions and the first :data:`MAX_FAILURES_KEPT` failures (bounded memory)."""

    ok: int = 0
    failed: int = 0
    events: int = 0
    synthetic_ms: float = 0.0
    failures: list[SessionSummary] = field(default_factory=list)
    max_failures: int = MAX_FAILURES_KEPT

    @property
    def done(self) -> int:
        """Sessions finished (ok or failed)."""
        return self.ok + self.failed

    def add(self, s: SessionSummary) -> None:
        """Count one finished session."""
        if s.status == "ok":
            self.ok += 1
        else:
            self.failed += 1
            if len(self.failures) < self.max_failures:
                self.failures.append(s)
        self.events += int(s.events)
        self.synthetic_ms += float(s.duration_ms)

    def merge(self, other: "Tally") -> None:
        """Add another tally's counts (e.g. one Ray task's) to this one."""
        self.ok += other.ok
        self.failed += other.failed
        self.events += other.events
        self.synthetic_ms += other.synthetic_ms
        room = self.max_failures - len(self.failures)
        self.failures.extend(other.failures[:max(0, room)])


def generate_with(engine: str, cfg: Any, *, ray_address: str | None = None, ray_batch: int = 0,
                  on_progress: Callable[[int, int, SessionSummary | None], None] | None = None,
                  command: str | None = None) -> Any:
    """Run ``cfg`` (a :class:`synthgen.runner.local.GenerateConfig`) on the named engine.

    >>> generate_with("spark", None)
    Traceback (most recent call last):
    ...
    synthgen.errors.ConfigError: engine='spark': use local or ray
    """
    if engine not in ENGINES:
        raise ConfigError("engine", engine, "use " + " or ".join(ENGINES))
    if engine == "ray":
        from synthgen.runner.ray_engine import RayOptions, generate_ray

        return generate_ray(cfg, RayOptions(address=ray_address, batch_size=ray_batch), on_progress=on_progress,
                            command=command)
    if ray_address:
        raise ConfigError("ray_address", ray_address, "only with --engine ray")
    from synthgen.runner.local import generate
    from synthgen.sinks.fs import is_uri

    if is_uri(cfg.out):
        if not str(cfg.out).startswith("file://"):
            raise ConfigError("out", cfg.out, "the local engine writes to a folder on this machine; use a path, "
                              "or --engine ray to write to this URI")
        cfg.out = Path(urlsplit(str(cfg.out)).path)

    return generate(cfg, on_progress=on_progress, command=command)
