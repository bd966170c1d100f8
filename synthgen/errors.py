"""The exception tree. Every message says what is wrong, where, and how to fix it.

::

    SynthgenError
    ├── ConfigError            bad CLI option or argument (names param=value)
    ├── ScenarioError          bad scenario file (file:line, step, fix)
    │   └── TemplateError      bad {{ template }} (unknown variable, disallowed call)
    ├── BrowserNotFoundError   no Chromium found (says how to install one)
    ├── AppUnreachableError    the app's base URL does not answer
    ├── TargetMissing          the browser edge found no element for a target (with the nearest on the page)
    ├── StepError              a step failed while running a session (step id, kind, reason)
    │   ├── TargetNotFoundError    the target never matched an element
    │   └── AssertionFailedError   an ``assert`` step did not hold
    ├── SessionFailed          a session gave up after retries (wraps the cause); exit code 1
    │   └── RunInterrupted     SIGINT/SIGTERM stopped the run (exit code 130/143)
    └── OutputError            the dataset cannot be written (path, reason)
        └── DatasetRefused     --out is not this job's dataset (another job's, or not a dataset at all)

>>> str(ConfigError("sessions", -1, "must be at least 1"))
'sessions=-1: must be at least 1'
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "SynthgenError",
    "ConfigError",
    "ScenarioError",
    "TemplateError",
    "BrowserNotFoundError",
    "AppUnreachableError",
    "TargetMissing",
    "StepError",
    "TargetNotFoundError",
    "AssertionFailedError",
    "SessionFailed",
    "RunInterrupted",
    "OutputError",
    "DatasetRefused",
]


class SynthgenError(Exception):
    """Base of every error synthgen raises on purpose."""


class ConfigError(SynthgenError, ValueError):
    """A bad option or argument: names ``param=value`` and the rule it broke."""

    def __init__(self, param: str, value: Any, problem: str) -> None:
        self.param, self.value, self.problem = param, value, problem
        super().__init__(f"{param}={value!r}: {problem}" if not isinstance(value, (int, float)) else f"{param}={value}: {problem}")


class ScenarioError(SynthgenError, ValueError):
    """A bad scenario: ``file:line step N 'kind': problem; fix``.

    >>> str(ScenarioError("unknown step kind", file="a.yaml", line=3, step="2 'clik'", fix="did you mean 'click'?"))
    "a.yaml:3 step 2 'clik': unknown step kind; did you mean 'click'?"
    """

    def __init__(self, problem: str, *, file: str | None = None, line: int | None = None,
                 step: str | None = None, fix: str | None = None) -> None:
        self.problem, self.file, self.line, self.step, self.fix = problem, file, line, step, fix
        where = ""
        if file:
            where = f"{file}:{line}" if line else file
        if step:
            where = f"{where} step {step}" if where else f"step {step}"
        msg = f"{where}: {problem}" if where else problem
        if fix:
            msg += f"; {fix}"
        super().__init__(msg)


class TemplateError(ScenarioError):
    """A ``{{ ... }}`` template that cannot be rendered safely."""


class BrowserNotFoundError(SynthgenError):
    """No usable Chromium executable."""


class AppUnreachableError(SynthgenError):
    """The app's URL does not answer."""


class TargetMissing(SynthgenError):
    """No visible element matched a target (or its selector is invalid): raised by the browser driver, which
    knows the page; the session adds the step, file and line. ``nearest`` names what the page has instead.

    >>> str(TargetMissing("role=button[name=Add to cart]", "matched no visible element within 10000 ms at "
    ...                   "http://h/shop/", nearest="visible buttons named: 'Add Table Lamp to cart'"))
    "role=button[name=Add to cart] matched no visible element within 10000 ms at http://h/shop/; visible buttons named: 'Add Table Lamp to cart'"
    """

    def __init__(self, target: str, reason: str, *, nearest: str = "", fix: str | None = None) -> None:
        self.target, self.reason, self.nearest, self.fix = target, reason, nearest, fix
        super().__init__(f"{target} {reason}" + (f"; {nearest}" if nearest else ""))


class StepError(SynthgenError):
    """A step failed at run time; carries the step id and kind.

    >>> str(StepError("3", "click", "timed out"))
    "step 3 'click': timed out"
    """

    def __init__(self, step_id: str, kind: str, reason: str, *, fix: str | None = None) -> None:
        self.step_id, self.kind, self.reason, self.fix = step_id, kind, reason, fix
        msg = f"step {step_id} '{kind}': {reason}"
        if fix:
            msg += f"; {fix}"
        super().__init__(msg)


class TargetNotFoundError(StepError):
    """The step's target matched no visible element before the timeout."""


class AssertionFailedError(StepError):
    """An ``assert`` step did not hold."""


class SessionFailed(SynthgenError):
    """A session failed for good (after retries)."""


class OutputError(SynthgenError, OSError):
    """The output dataset cannot be written."""


class DatasetRefused(OutputError):
    """``--out`` names a folder synthgen will not write into: says why and what to do instead."""


class RunInterrupted(SessionFailed):
    """A signal stopped the run; what was written is complete and a re-run finishes the job.

    >>> e = RunInterrupted(15, written=3, missing=2); (e.exit_code, str(e))
    (143, 'interrupted: 3 sessions written, 2 not; re-run the same command to finish')
    """

    def __init__(self, signum: int, *, written: int, missing: int) -> None:
        self.signum, self.written, self.missing = signum, written, missing
        self.exit_code = 128 + signum
        super().__init__(f"interrupted: {written} sessions written, {missing} not; re-run the same command to finish")
