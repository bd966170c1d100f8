"""The sink interface: every output format reads the same finished sessions.

>>> class Counting:
...     def __init__(self): self.n = 0
...     def write_session(self, result): self.n += 1
...     def close(self): pass
>>> isinstance(Counting(), Sink)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from synthgen.session import SessionResult

__all__ = ["Sink", "FanOut"]


@runtime_checkable
class Sink(Protocol):
    """Receives each finished session once; must not share files with other writers."""

    def write_session(self, result: "SessionResult") -> None: ...
    def close(self) -> None: ...


class FanOut:
    """Send every session to several sinks in order (the Parquet sink first: it is the record)."""

    def __init__(self, sinks: list[Sink]) -> None:
        self.sinks = sinks

    def write_session(self, result: "SessionResult") -> None:
        for s in self.sinks:
            s.write_session(result)

    def close(self) -> None:
        for s in self.sinks:
            s.close()
