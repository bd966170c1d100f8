"""Engines run a job's sessions somewhere: ``local`` (processes on this machine) or ``ray`` (a cluster).

Both prepare the job the same way (:mod:`synthgen.runner.job`) and plan the same sessions
(:mod:`synthgen.runner.plan`: each session's seed depends only on the job seed, the scenario and the
index), so a dataset does not depend on the engine, the number of workers or their order. Both keep only
counters of finished sessions (:class:`~synthgen.runner.config.Tally`), never a per-session list, so the
coordinator's memory does not grow with the job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from synthgen.errors import ConfigError
from synthgen.runner.config import ENGINES, MAX_FAILURES_KEPT, SessionSummary, Tally  # noqa: F401 (re-exported)

__all__ = ["ENGINES", "MAX_FAILURES_KEPT", "Tally", "generate_with"]

def generate_with(engine: str, cfg: Any, *, ray_address: str | None = None, ray_batch: int = 0,
                  on_progress: Callable[[int, int, SessionSummary | None], None] | None = None,
                  command: str | None = None, on_note: Callable[[str], None] | None = None) -> Any:
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
    from synthgen.dataset.destination import is_uri

    if is_uri(cfg.out):
        if not str(cfg.out).startswith("file://"):
            raise ConfigError("out", cfg.out, "the local engine writes to a folder on this machine; use a path, "
                              "or --engine ray to write to this URI")
        cfg.out = Path(urlsplit(str(cfg.out)).path)

    return generate(cfg, on_progress=on_progress, command=command, on_note=on_note)
