"""Run sessions in worker processes and survive their deaths.

Each worker process runs sessions in its own Chromium. Sessions are handed out from one queue as workers
free up (a worker that draws long sessions, or relaunches its browser, does not leave the others idle at
the end): the coordinator keeps each worker ``2 x concurrency`` sessions ahead on its command pipe
(``("specs", [...])``, then ``("end",)`` when the queue is empty). A worker reports on its own pipe (a
worker killed mid-message can then garble only its own channel): ``("start", w, session_id)`` as a
session begins, ``("done", w, SessionSummary)`` once it is written, ``("error", w, text)`` if the worker
stops on a deliberate error (the dataset cannot be written).

A worker that dies without a word (killed, out of memory, a segfault) is replaced by a new process that
takes over the sessions it had been given and not finished. The sessions it was running when it died
are charged with the death; one charged more than ``retries + 1`` times is recorded as failed with the
reason, so one poisonous session cannot stall the run. A deliberate worker error stops the run (:class:`RunIncomplete`).

Workers exit when the coordinator dies (they poll their parent), so a killed run leaves no process
writing into the dataset behind it.

>>> # supervise(specs, WorkerConfig(out=Path("out")), workers=2, done=print)
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections import deque
from multiprocessing.connection import wait as wait_readable
from typing import Any, Callable

from synthgen.dataset import SessionWriter
from synthgen.runner.config import SessionSummary, WorkerConfig
from synthgen.runner.faults import RunIncomplete
from synthgen.runner.signals import StopSignals
from synthgen.runner.worker import _DeadDriver, record_device, run_specs, summarize
from synthgen.session import SessionSpec, run_session

__all__ = ["supervise", "worker_main", "exit_with_parent", "PipeFeed"]

_POLL_S = 0.5
# Deaths before any session started say the worker cannot run at all (no browser, no memory).
_MAX_BARREN_DEATHS = 3


def exit_with_parent(poll_s: float = 1.0) -> None:
    """Start a daemon thread that ends this process as soon as its parent is gone.

    ``os._exit`` skips cleanup on purpose: the Playwright driver notices its closed pipe and takes the
    browser down with it.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, name="synthgen-parent-watch", daemon=True).start()


class PipeFeed:
    """The worker's end of its command pipe as a :class:`~synthgen.runner.worker.SpecFeed`.

    A thread reads the pipe (blocking reads stay off the event loop); a closed pipe (the coordinator is
    gone) ends the feed.
    """

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._queue: asyncio.Queue[SessionSpec | None] | None = None

    def _read(self, loop: asyncio.AbstractEventLoop, queue: "asyncio.Queue[SessionSpec | None]") -> None:
        try:
            while True:
                msg = self._conn.recv()
                if msg[0] == "end":
                    break
                for spec in msg[1]:
                    loop.call_soon_threadsafe(queue.put_nowait, spec)
        except (EOFError, OSError):
            pass
        loop.call_soon_threadsafe(queue.put_nowait, None)

    async def next(self) -> SessionSpec | None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            threading.Thread(target=self._read, args=(asyncio.get_running_loop(), self._queue), daemon=True,
                             name="synthgen-feed").start()
        spec = await self._queue.get()
        if spec is None:
            self._queue.put_nowait(None)  # every page slot learns that the feed has ended
        return spec


def worker_main(index: int, wcfg: WorkerConfig, conn: Any, commands: Any) -> None:
    """Entry point of a worker process; ``conn`` is the sending end of its report pipe, ``commands`` the
    receiving end of its command pipe."""
    exit_with_parent()
    # A session (and process group) of its own: the terminal's Ctrl-C reaches only the coordinator, which
    # stops the workers itself, browsers included (os.killpg), after they finish no write half-way.
    os.setsid()
    try:
        asyncio.run(run_specs(PipeFeed(commands), wcfg, on_done=lambda s: conn.send(("done", index, s)),
                              on_start=lambda sid: conn.send(("start", index, sid))))
    except BaseException as exc:  # reported, so the coordinator stops with the reason
        conn.send(("error", index, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        conn.close()


def _record_lost(spec: SessionSpec, wcfg: WorkerConfig, reason: str) -> SessionSummary:
    """Write a failed session for one that kept killing its workers, through the normal session path."""
    vp = (spec.scenario.viewport.width, spec.scenario.viewport.height)
    dead = _DeadDriver(reason, vp)
    result = record_device(asyncio.run(run_session(spec, dead, wcfg.options)), spec)  # type: ignore[arg-type]
    SessionWriter(wcfg.out).write(result)
    return summarize(result, 0)


class _Sender:
    """Sends on a worker's command pipe from a thread of its own: a worker still starting up does not read
    yet, and a full pipe must not stall the coordinator (and with it every other worker)."""

    def __init__(self, conn: Any, name: str) -> None:
        self.conn, self._queue = conn, queue.SimpleQueue()
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def send(self, msg: Any) -> None:
        self._queue.put(msg)

    def close(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        try:
            while (msg := self._queue.get()) is not None:
                self.conn.send(msg)
        except (OSError, ValueError):  # the worker is gone; its death is handled by the coordinator
            pass
        finally:
            self.conn.close()


def _kill(p: Any) -> None:
    """Kill a worker with its browser (its process group), or the process alone before it made one."""
    try:
        if os.getpgid(p.pid) == p.pid:
            os.killpg(p.pid, signal.SIGKILL)
            return
    except (ProcessLookupError, PermissionError, OSError):
        pass
    if p.is_alive():
        p.kill()


def supervise(todo: list[SessionSpec], wcfg: WorkerConfig, workers: int,
              done: Callable[[SessionSummary], None], stop: StopSignals | None = None) -> None:
    """Run ``todo`` on ``workers`` processes until every session is written or given up, or ``stop`` is set
    (then every worker is killed with its browser at once: what they had written is complete, what they
    were writing is left for :func:`synthgen.dataset.repair_dataset`)."""
    ctx = mp.get_context("spawn")  # fork would copy the coordinator's threads (the app server) unsafely
    specs = {s.session_id: s for s in todo}
    remaining = set(specs)
    waiting: deque[str] = deque(specs)  # not given to any worker (or taken back from a dead one)
    ahead = 2 * max(1, wcfg.concurrency)  # a worker's next session is already there when a page frees up
    procs: dict[int, Any] = {}
    pipes: dict[int, Any] = {}
    senders: dict[int, _Sender] = {}
    assigned: dict[int, list[str]] = {}
    ended: set[int] = set()
    running: dict[int, set[str]] = {}
    deaths: dict[str, int] = {}
    barren = 0
    next_index = 0

    def spawn() -> None:
        nonlocal next_index
        w, next_index = next_index, next_index + 1
        reader, writer = ctx.Pipe(duplex=False)
        cmd_reader, cmd_writer = ctx.Pipe(duplex=False)
        p = ctx.Process(target=worker_main, args=(w, wcfg, writer, cmd_reader), daemon=True,
                        name=f"synthgen-worker-{w}")
        p.start()
        writer.close()  # the child holds its own copies; EOF on the reader then means the child is gone
        cmd_reader.close()
        procs[w], pipes[w], senders[w] = p, reader, _Sender(cmd_writer, f"synthgen-send-{w}")
        assigned[w], running[w] = [], set()
        feed(w)

    def feed(w: int) -> None:
        """Keep worker ``w`` ``ahead`` sessions ahead; tell it when there is nothing more to take."""
        if w in ended:
            return
        assigned[w] = [i for i in assigned[w] if i in remaining]
        batch: list[str] = []
        while waiting and len(assigned[w]) + len(batch) < ahead:
            sid = waiting.popleft()
            if sid in remaining:
                batch.append(sid)
        if batch:
            assigned[w] += batch
            senders[w].send(("specs", [specs[i] for i in batch]))
        if not waiting:
            senders[w].send(("end",))
            ended.add(w)

    def handle(msg: Any) -> None:
        kind, w = msg[0], msg[1]
        if kind == "start":
            running.setdefault(w, set()).add(msg[2])
        elif kind == "done":
            s: SessionSummary = msg[2]
            running.get(w, set()).discard(s.session_id)
            if s.session_id in remaining:
                remaining.discard(s.session_id)
                done(s)
        elif kind == "error":
            halt(f"worker {w} stopped: {msg[2]}")

    def read(w: int) -> None:
        """Every message waiting on worker ``w``'s pipe; a closed or garbled pipe just ends the reading."""
        conn = pipes[w]
        try:
            while conn.poll():
                handle(conn.recv())
        except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):
            pass

    def halt(reason: str | None) -> None:
        for p in procs.values():
            _kill(p)
        for p in procs.values():
            p.join(timeout=10)
        for w in list(procs):
            read(w)  # sessions finished before the kill are counted
        procs.clear()
        if reason is not None:
            raise RunIncomplete(reason, missing=len(remaining))

    def buried(w: int, p: Any) -> None:
        """Worker ``w`` has died: charge the sessions it was running, queue the rest again, replace it."""
        nonlocal barren
        del procs[w]
        pipes.pop(w).close()
        senders.pop(w).close()
        ended.discard(w)
        left = [i for i in assigned.pop(w) if i in remaining]
        in_flight = running.pop(w, set()) & set(left)
        if not left:  # it finished what it had (or died between sessions): no one to charge
            if waiting:
                spawn()
            return
        barren = barren + 1 if not in_flight else 0
        if barren >= _MAX_BARREN_DEATHS:
            halt(f"worker processes keep dying before running any session (last exit code {p.exitcode})")
        for sid in sorted(in_flight):
            deaths[sid] = deaths.get(sid, 0) + 1
            if deaths[sid] > wcfg.retries:
                reason = (f"its worker process died {deaths[sid]} times while running it (exit code "
                          f"{p.exitcode}); it may exhaust memory or crash the browser")
                remaining.discard(sid)
                done(_record_lost(specs[sid], wcfg, reason))
        waiting.extendleft(reversed([i for i in left if i in remaining]))  # first in line again
        if waiting:
            spawn()

    for _ in range(min(workers, len(specs))):
        spawn()
    try:
        while remaining:
            if not procs:  # cannot happen while the bookkeeping holds; never spin if it does not
                halt("no worker process is left to run the remaining sessions")
            if stop:
                halt(None)
                return
            ready = wait_readable([pipes[w] for w in procs], timeout=_POLL_S)
            for w in list(procs):
                if pipes[w] in ready:
                    read(w)
            for w, p in list(procs.items()):
                if p.is_alive():
                    feed(w)
                    continue
                read(w)  # its last reports may still be in the pipe
                p.join(timeout=1)
                buried(w, p)
    finally:
        for snd in senders.values():
            snd.close()
        for p in procs.values():
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
        for c in pipes.values():
            c.close()
