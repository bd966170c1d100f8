"""Where does a session's wall time go? Times every driver call of real sessions, in one worker.

Prints, per driver operation (move, key_down, settle, locate, goto, screenshot, ...), the number of calls,
the total and the mean wall time, plus the time spent writing Parquet and the rest (planning, Python).
With ``--cprofile`` it also prints the top functions by cumulative time of the whole worker.

    python benchmarks/profile_session.py [-s scenarios/webmail/compose_send.yaml] [-n 3] [--screenshots step]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import io
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from synthgen.browser.playwright_driver import PlaywrightDriver  # noqa: E402
from synthgen.dataset import SessionWriter  # noqa: E402

__all__ = ["profile", "main"]

ROOT = Path(__file__).resolve().parents[1]
# Driver calls that are awaited one at a time (timed on the driver) ...
_OPS = ("goto", "current_url", "settle", "select_option", "set_files", "is_checked", "read", "wait_text",
        "wait_target", "wait_url", "user_agent")
# ... and the session's leaf actions, timed as a whole because their driver calls are pipelined
# (keys, moves, wheel notches overlap, so per-call times would add up to more than the wall time).
_SESSION_OPS = {"_locate": "locate", "_move_to": "move (plan+send)", "_press": "press (down+up)",
                "_keys": "keys (pipelined)", "_wheel": "wheel (+scroll settle)", "_capture": "capture (frame)"}


class _Timers:
    """Accumulated wall seconds and call counts per operation name."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap_async(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        async def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return await fn(*a, **k)
            finally:
                self.total[name] += time.perf_counter() - t
                self.calls[name] += 1
        return timed

    def wrap_sync(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.total[name] += time.perf_counter() - t
                self.calls[name] += 1
        return timed


def profile(scenarios: list[Path], sessions: int, screenshots: str, concurrency: int, seed: int,
            use_cprofile: bool) -> tuple[_Timers, float, float, str]:
    """Run a job in this process with timed driver methods; returns (timers, wall s, synthetic s, cProfile text)."""
    from synthgen.runner.local import GenerateConfig, generate
    from synthgen.session import SessionOptions

    from synthgen import session as S

    timers = _Timers()
    originals = {op: getattr(PlaywrightDriver, op) for op in _OPS if hasattr(PlaywrightDriver, op)}
    session_originals = {op: getattr(S._Session, op) for op in _SESSION_OPS if hasattr(S._Session, op)}
    original_write = SessionWriter.write
    for op, fn in originals.items():
        setattr(PlaywrightDriver, op, timers.wrap_async(op, fn))
    for op, fn in session_originals.items():
        setattr(S._Session, op, timers.wrap_async(_SESSION_OPS[op], fn))
    SessionWriter.write = timers.wrap_sync("parquet write", original_write)  # type: ignore[method-assign]
    prof = cProfile.Profile() if use_cprofile else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = GenerateConfig(scenarios=scenarios, sessions=sessions, seed=seed, out=Path(tmp) / "out",
                                 personas=20, workers=1, concurrency=concurrency,
                                 options=SessionOptions(screenshots=screenshots))
            if prof:
                prof.enable()
            summary = generate(cfg, command="profile_session")
            if prof:
                prof.disable()
    finally:
        for op, fn in originals.items():
            setattr(PlaywrightDriver, op, fn)
        for op, fn in session_originals.items():
            setattr(S._Session, op, fn)
        SessionWriter.write = original_write  # type: ignore[method-assign]
    text = ""
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
        text = buf.getvalue()
    if summary.failed:
        print(f"warning: {summary.failed} sessions failed: {[f.error for f in summary.failures][:3]}",
              file=sys.stderr)
    return timers, summary.wall_seconds, summary.synthetic_seconds, text


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-s", "--scenario", type=Path, action="append",
                    help="scenario file or folder (default: scenarios/webmail/compose_send.yaml)")
    ap.add_argument("-n", "--sessions", type=int, default=3)
    ap.add_argument("-c", "--concurrency", type=int, default=1,
                    help="sessions at once (1 gives per-call times that add up to the wall time)")
    ap.add_argument("--screenshots", default="off", choices=["off", "step", "action"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cprofile", action="store_true", help="also print the top functions (cProfile)")
    args = ap.parse_args(argv)
    scenarios = args.scenario or [ROOT / "scenarios" / "webmail" / "compose_send.yaml"]
    timers, wall, synth, text = profile(scenarios, args.sessions, args.screenshots, args.concurrency, args.seed,
                                        args.cprofile)
    print(f"{'operation':16} {'calls':>7} {'total s':>9} {'mean ms':>9} {'share':>7}")
    for op in sorted(timers.total, key=lambda o: -timers.total[o]):
        tot, n = timers.total[op], timers.calls[op]
        print(f"{op:16} {n:7d} {tot:9.2f} {1000 * tot / max(n, 1):9.2f} {100 * tot / wall:6.1f}%")
    other = wall - sum(timers.total.values())
    print(f"{'other':16} {'':7} {other:9.2f} {'':9} {100 * other / wall:6.1f}%  (launch, planning, Python; "
          "overlaps if concurrency > 1)")
    if text:
        print(text)
    print(f"wall {wall:.2f} s, synthetic {synth:.1f} s, real-time factor {synth / wall:.1f}x")


if __name__ == "__main__":
    main()
