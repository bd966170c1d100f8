"""The runner's shared types, in one leaf module: a job's config, what a worker needs, what comes back.

Every other runner module imports these from here (and nothing of each other's internals), so the
package has no import cycle: ``config`` <- ``plan``, ``job`` <- ``worker`` <- ``supervisor`` <- ``local``,
``ray_engine`` <- ``engine``.

>>> t = Tally()
>>> t.add(SessionSummary("a", "ok", 10, 1500.0)); t.add(SessionSummary("b", "failed", 3, 200.0, "boom"))
>>> (t.done, t.ok, t.failed, t.events, [f.session_id for f in t.failures])
(2, 1, 1, 13, ['b'])
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgen.errors import ConfigError
from synthgen.session import SessionOptions

__all__ = ["GenerateConfig", "WorkerConfig", "SessionSummary", "RunSummary", "Tally", "MAX_FAILURES_KEPT",
           "DEFAULT_HANG_TIMEOUT_S", "ENGINES"]

ENGINES = ("local", "ray")
#: Set to ``1`` only by the throughput benchmark, to measure a run without the origin guard.
NETGUARD_OFF_ENV = "SYNTHGEN_BENCH_NO_NETGUARD"
#: a driver call without a timeout of its own may take this long before the page counts as hung
#: (the slowest legitimate one, ``settle`` after a navigation, waits up to 25 s)
DEFAULT_HANG_TIMEOUT_S = 30.0
#: The coordinator keeps this many failed sessions' summaries for the closing report; the rest are counted.
MAX_FAILURES_KEPT = 100


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
    retry_failed: bool = False  # run again the sessions earlier runs of this job recorded as failed
    allow_env_change: bool = False  # continue a dataset made under another environment fingerprint
    tags: tuple[str, ...] = ()  # only scenarios with one of these tags (empty: every scenario)
    exclude_tags: tuple[str, ...] = ()  # and none of these

    def validate(self) -> None:
        if str(self.out).strip() == "":
            raise ConfigError("out", str(self.out), "is empty; give a folder for the dataset, e.g. --out output/run1")
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
        from synthgen.dataset import parse_exports
        from synthgen.observe import validate_capture_options

        validate_capture_options(self.options)
        if self.options.mouse_delivery not in ("fast", "timed"):
            raise ConfigError("mouse_delivery", self.options.mouse_delivery, "use fast (a few moves per path reach "
                              "the page) or timed (every move, at its time on the page's clock; slower)")
        parse_exports(list(self.exports))

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["scenarios"] = [str(p) for p in self.scenarios]
        d["out"] = str(self.out)
        return d


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker (one Chromium, several pages) needs; ``out`` is a local folder, a URI, or a
    :class:`synthgen.dataset.Destination` (a Ray task writes through the one it was given)."""

    out: Any
    options: SessionOptions = SessionOptions()
    concurrency: int = 2
    chromium: str | None = None
    headless: bool = True
    retries: int = 1  # extra attempts for a session whose browser/page crashed or hung
    hang_timeout_s: float = DEFAULT_HANG_TIMEOUT_S  # see synthgen.runner.faults.WatchdogDriver
    app_port: int | None = None  # the bundled app server's port, mapped from BUNDLED_HOST
    exports: tuple[str, ...] = ()  # export formats written with each finished session (synthgen.dataset.exports)
    # All browser traffic through the origin guard (synthgen.browser.netguard). Off only to measure what
    # it costs (benchmarks/throughput.py sets NETGUARD_OFF_ENV); never off in a product run.
    netguard: bool = field(default_factory=lambda: os.environ.get(NETGUARD_OFF_ENV) != "1")


@dataclass(frozen=True)
class SessionSummary:
    """What the coordinator hears about each finished session."""

    session_id: str
    status: str
    events: int
    duration_ms: float
    error: str | None = None
    attempts: int = 1
    failed_step: str | None = None
    screenshot: str | None = None  # the failure screenshot's path in the dataset, if one was taken


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
    synthetic_seconds_run: float = 0.0  # of the sessions run now (the speed figure counts only these)
    earlier_failures: list[SessionSummary] = field(default_factory=list)  # failed in earlier runs, not retried
    notes: list[str] = field(default_factory=list)  # one line each: repairs, torn files rewritten

    @property
    def realtime_factor(self) -> float:
        """Synthetic time generated per wall second, counting only the sessions run now."""
        return self.synthetic_seconds_run / self.wall_seconds if self.wall_seconds > 0 else 0.0


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
