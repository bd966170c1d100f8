"""Soak benchmark: a long run of a small, fast scenario; memory and open files must stay flat.

Every second it samples the run's whole process tree (this process, the Playwright driver, every
Chromium process): resident memory, open file descriptors, thread and process counts. It prints the
figures at the start (after a warm-up), at the end and at their maximum, and the slope against sessions
done (a least-squares line, per 100 sessions). Last line: ``FLAT`` or ``GROWING`` (exit code 1).

    python benchmarks/soak.py [--sessions 300] [--workers 1] [--concurrency 2] [--out DIR]

Growth counts as real when the fitted line rises by more than ``--tolerance`` (default 15%) of the
starting value over the run, and by more than a small absolute floor (64 MB, 16 descriptors).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from synthgen.apps.server import AppServer  # noqa: E402
from synthgen.runner.local import GenerateConfig, generate  # noqa: E402

SCENARIO = ROOT / "scenarios" / "_faults" / "quick.yaml"
APPS = ROOT / "scenarios" / "_faults" / "apps"


@dataclass
class Sample:
    t: float
    sessions: int
    rss_mb: float  # the whole tree (shared pages counted once per process: an upper bound)
    self_rss_mb: float  # the coordinator alone
    fds: int
    threads: int
    procs: int


def _sample(t0: float, done: int) -> Sample:
    me = psutil.Process()
    rss = fds = threads = 0
    procs = [me, *me.children(recursive=True)]
    alive = 0
    for p in procs:
        try:
            with p.oneshot():
                rss += p.memory_info().rss
                fds += p.num_fds()
                threads += p.num_threads()
            alive += 1
        except psutil.Error:  # a process that ended between listing and reading
            pass
    return Sample(time.perf_counter() - t0, done, rss / 2**20, me.memory_info().rss / 2**20, fds, threads, alive)


def _slope(xs: list[float], ys: list[float]) -> float:
    if len(xs) < 3 or max(xs) == min(xs):
        return 0.0
    return float(np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=300)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="dataset folder (default: a temporary one, removed)")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    ap.add_argument("--warmup", type=float, default=0.1, help="fraction of sessions before the start figures")
    ap.add_argument("--tolerance", type=float, default=0.15)
    args = ap.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="synthgen-soak-")) / "ds"
    done = [0]
    samples: list[Sample] = []
    stop = threading.Event()
    t0 = time.perf_counter()

    def sampler() -> None:
        while not stop.wait(args.interval):
            samples.append(_sample(t0, done[0]))

    def progress(n: int, _total: int, _s: object) -> None:
        done[0] = n

    samples.append(_sample(t0, 0))
    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    with AppServer(static_dir=APPS) as srv:
        summary = generate(GenerateConfig(scenarios=[SCENARIO], sessions=args.sessions, seed=1, out=out, personas=20,
                                          workers=args.workers, concurrency=args.concurrency,
                                          base_url=srv.url("faults"), resume=False),
                           on_progress=progress)
    stop.set()
    th.join()
    if args.out is None:
        shutil.rmtree(out.parent, ignore_errors=True)

    running = [s for s in samples if s.procs > 1 and s.sessions >= args.warmup * args.sessions]
    if len(running) < 3:
        print("too few samples while sessions ran; raise --sessions")
        return 2
    first, last = running[0], running[-1]
    print(f"sessions   {summary.ok} ok, {summary.failed} failed in {summary.wall_seconds:.0f} s "
          f"({summary.wall_seconds / max(1, summary.ok + summary.failed):.2f} s each); "
          f"{len(samples)} samples, {len(running)} after warm-up")
    verdict = "FLAT"
    print(f"{'':18}{'start':>9}{'end':>9}{'max':>9}{'slope/100 sessions':>20}{'fitted growth':>15}")
    for name, unit, floor in (("rss_mb", "MB", 64.0), ("self_rss_mb", "MB", 32.0), ("fds", "", 16.0),
                              ("threads", "", 16.0), ("procs", "", 2.0)):
        ys = [getattr(s, name) for s in running]
        xs = [float(s.sessions) for s in running]
        slope = _slope(xs, ys)
        growth = slope * (xs[-1] - xs[0])
        start, end = getattr(first, name), getattr(last, name)
        grows = growth > max(floor, args.tolerance * start)
        if grows:
            verdict = "GROWING"
        label = {"rss_mb": "RSS, all processes", "self_rss_mb": "RSS, coordinator", "fds": "open files",
                 "threads": "threads", "procs": "processes"}[name]
        print(f"{label:18}{start:9.0f}{end:9.0f}{max(ys):9.0f}{slope * 100:17.1f} {unit:2}{growth:+12.1f} {unit}"
              + ("  <- grows" if grows else ""))
    print(verdict)
    return 0 if verdict == "FLAT" else 1


if __name__ == "__main__":
    raise SystemExit(main())
