"""Throughput benchmark: how much faster than real time does synthgen generate, on this machine?

Runs a fixed mix of bundled scenarios (one per app under ``scenarios/``, webmail's compose_send first) as
``synthgen generate`` jobs, each in a fresh process, for 1 worker and for N workers, without and with
per-step screenshots, ``--repeat`` times each, and prints the medians: sessions/s, events/s, the
real-time factor (synthetic seconds of human input per wall second), the peak memory of the whole
process tree (coordinator, workers, Node drivers, Chromium: PSS sampled with psutil every 0.5 s) and
the tree's CPU seconds per session (what bounds throughput on a machine not shared with anything else:
at most cores x synthetic seconds per session / CPU seconds per session). The last line is the
real-time factor of the default configuration (N workers, no screenshots).

    python benchmarks/throughput.py [--repeat 3] [--sessions 4] [--workers 0] [--concurrency 2] [--quick]
    python benchmarks/throughput.py --netguard-cost [--repeat 3]   # CPU s per session with and without the
                                                                   # origin guard (proxy), same run
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

__all__ = ["scenario_mix", "Measure", "run_job", "main"]

PREFERRED = {"webmail": "compose_send.yaml"}


def scenario_mix(root: Path = ROOT / "scenarios") -> list[Path]:
    """One scenario per bundled app folder (``_``-folders are examples and fault tests), in app order.

    >>> [p.parent.name for p in scenario_mix()][:1] in (["crm"], ["kanban"], ["notes"], ["shop"], ["webmail"])
    True
    """
    picks: list[Path] = []
    for app in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        files = sorted(f for f in app.glob("*.yaml") if not f.name.startswith("_"))
        if not files:
            continue
        preferred = app / PREFERRED.get(app.name, "")
        picks.append(preferred if preferred in files else files[0])
    return picks


@dataclass
class Measure:
    """One job's figures."""

    sessions: int
    failed: int
    events: int
    synthetic_s: float
    wall_s: float
    peak_rss_mb: float
    cpu_s: float = 0.0  # CPU seconds of the whole process tree (user + system)

    @property
    def sessions_per_s(self) -> float:
        return self.sessions / self.wall_s

    @property
    def events_per_s(self) -> float:
        return self.events / self.wall_s

    @property
    def realtime_factor(self) -> float:
        return self.synthetic_s / self.wall_s


def _sample_tree(proc: psutil.Process, cpu: dict[int, float], memory: bool = True) -> int:
    """The tree's memory now (PSS: shared pages split between the processes that map them, so Chromium's
    shared libraries count once; 0 without ``memory``); updates each process's latest CPU seconds in
    ``cpu``."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            with p.oneshot():
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
                if not memory:
                    continue
                try:
                    total += p.memory_full_info().pss
                except (AttributeError, psutil.AccessDenied):
                    total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return total


def run_job(scenarios: list[Path], *, sessions: int, workers: int, concurrency: int, screenshots: str,
            seed: int, env: dict[str, str] | None = None, extra: tuple[str, ...] = ()) -> Measure:
    """One ``synthgen generate`` job in a fresh process (``env``: extra variables), its process tree's
    RSS sampled meanwhile."""
    with tempfile.TemporaryDirectory(prefix="synthgen-bench-") as tmp:
        cmd = [sys.executable, "-m", "synthgen", "generate", "--sessions", str(sessions), "--seed", str(seed),
               "--out", str(Path(tmp) / "out"), "--workers", str(workers), "--concurrency", str(concurrency),
               "--screenshots", screenshots, "--no-progress", "--no-resume", *extra]
        for s in scenarios:
            cmd += ["--scenario", str(s)]
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(env or {}))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        ps = psutil.Process(proc.pid)
        peak = 0
        cpu: dict[int, float] = {}
        stop = threading.Event()

        def sample() -> None:
            # CPU times every 0.1 s (cheap, and a process's last reading before it exits is what counts);
            # PSS every 0.5 s: reading smaps for ~20 processes costs the machine the benchmark measures.
            nonlocal peak
            tick = 0
            while not stop.is_set():
                try:
                    peak = max(peak, _sample_tree(ps, cpu, memory=tick % 5 == 0))
                except psutil.NoSuchProcess:
                    return
                tick += 1
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, errs = proc.communicate()
        stop.set()
        sampler.join()
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"generate failed ({proc.returncode}):\n{errs[-2000:]}")
        manifest = json.loads((Path(tmp) / "out" / "manifest.json").read_text())
        wall = _wall_from(out)
        for line in out.splitlines():  # a failed session is part of the figure: say which and why
            if line.startswith("failed "):
                print(f"  ({line.strip()})", file=sys.stderr)
    return Measure(sessions=manifest["sessions_total"], failed=manifest["sessions_failed"],
                   events=manifest["events_total"], synthetic_s=manifest["synthetic_seconds"], wall_s=wall,
                   peak_rss_mb=peak / 2**20, cpu_s=sum(cpu.values()))


def _wall_from(stdout: str) -> float:
    """The job's own wall time from the CLI summary (excludes interpreter start-up and imports)."""
    for line in stdout.splitlines():
        if line.startswith("wall"):
            return float(line.split()[1].replace(",", ""))
    raise RuntimeError(f"no wall line in the CLI output:\n{stdout}")


def _median(ms: list[Measure]) -> Measure:
    """The run with the median real-time factor (failed sessions, cut short, make runs differ in
    synthetic time), with the medians of peak memory and CPU time."""
    mid = sorted(ms, key=lambda m: m.realtime_factor)[len(ms) // 2]
    med = statistics.median
    return Measure(sessions=mid.sessions, failed=mid.failed, events=mid.events, synthetic_s=mid.synthetic_s,
                   wall_s=mid.wall_s, peak_rss_mb=med([m.peak_rss_mb for m in ms]), cpu_s=med([m.cpu_s for m in ms]))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration (the median is shown)")
    ap.add_argument("--sessions", type=int, default=4, help="sessions per scenario")
    ap.add_argument("--workers", type=int, default=0, help="N for the multi-worker rows (0 = one per CPU)")
    ap.add_argument("--concurrency", type=int, default=2, help="sessions at once per browser")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="one run per configuration, 2 sessions per scenario")
    ap.add_argument("--clock-cost", action="store_true", help="only measure the page clock: the mix at 1 worker on "
                    "wall time, on the session's clock, and with timed mouse delivery, alternating")
    ap.add_argument("--netguard-cost", action="store_true", help="only measure the origin guard: the mix at 1 "
                    "worker with the guard on and off, alternating, CPU s per session of each")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat, args.sessions = 1, 2
    n = args.workers or (os.cpu_count() or 1)
    scenarios = scenario_mix()
    if args.netguard_cost:
        netguard_cost(scenarios, args)
        return
    if args.clock_cost:
        clock_cost(scenarios, args)
        return
    print(f"mix: {', '.join(str(s.relative_to(ROOT)) for s in scenarios)}; {args.sessions} sessions each, "
          f"concurrency {args.concurrency}, median of {args.repeat}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    configs = [(1, "off"), (n, "off"), (1, "step"), (n, "step")]
    print(f"{'workers':>7} {'screenshots':>11} {'sessions':>8} {'failed':>6} {'events':>7} {'wall s':>7} "
          f"{'sess/s':>7} {'events/s':>9} {'RTF':>7} {'peak MB':>8} {'CPU s/sess':>10}")
    results: dict[tuple[int, str], Measure] = {}
    for workers, shots in configs:
        runs = [run_job(scenarios, sessions=args.sessions, workers=workers, concurrency=args.concurrency,
                        screenshots=shots, seed=args.seed) for _ in range(args.repeat)]
        m = results[(workers, shots)] = _median(runs)
        print(f"{workers:7d} {shots:>11} {m.sessions:8d} {m.failed:6d} {m.events:7d} {m.wall_s:7.1f} "
              f"{m.sessions_per_s:7.2f} {m.events_per_s:9.0f} {m.realtime_factor:6.1f}x {m.peak_rss_mb:8.0f}"
              f" {m.cpu_s / max(m.sessions, 1):10.2f}"
              f"   (RTF runs: {', '.join(f'{r.realtime_factor:.1f}' for r in runs)})", flush=True)
    print(f"real-time factor {results[(n, 'off')].realtime_factor:.1f}")


def clock_cost(scenarios: list[Path], args: argparse.Namespace) -> None:
    """What the page clock costs or saves: the page on wall time (``--wall-clock``, as before), on the
    session's clock (the default), and on it with every mouse sample delivered at its time
    (``--mouse-delivery timed``); same mix, 1 worker, runs alternated so load drifts hit all alike."""
    modes = {"wall time": ("--wall-clock",), "page clock": ("--page-clock",), "page clock + timed moves":
             ("--page-clock", "--mouse-delivery", "timed")}
    runs: dict[str, list[Measure]] = {k: [] for k in modes}
    for _ in range(args.repeat):
        for name, extra in modes.items():
            runs[name].append(run_job(scenarios, sessions=args.sessions, workers=1, concurrency=args.concurrency,
                                      screenshots="off", seed=args.seed, extra=extra))
    print(f"{'mode':>26} {'sessions':>8} {'failed':>6} {'wall s':>7} {'RTF':>7} {'CPU s/sess':>10}   "
          "(CPU s/sess of each run)")
    for name, ms in runs.items():
        m = _median(ms)
        print(f"{name:>26} {m.sessions:8d} {m.failed:6d} {m.wall_s:7.1f} {m.realtime_factor:6.1f}x "
              f"{m.cpu_s / max(m.sessions, 1):10.3f}   ({', '.join(f'{r.cpu_s / max(r.sessions, 1):.3f}' for r in ms)})")


def netguard_cost(scenarios: list[Path], args: argparse.Namespace) -> None:
    """What enforcing origins costs: every request through the in-process proxy (the product default) vs
    Playwright's route rule alone (SYNTHGEN_BENCH_NO_NETGUARD=1, for this measurement only), same machine,
    same mix, runs alternated so load drifts hit both alike."""
    from synthgen.runner.config import NETGUARD_OFF_ENV

    runs: dict[str, list[Measure]] = {"guard": [], "no guard": []}
    for _ in range(args.repeat):
        for name, env in (("guard", {}), ("no guard", {NETGUARD_OFF_ENV: "1"})):
            runs[name].append(run_job(scenarios, sessions=args.sessions, workers=1, concurrency=args.concurrency,
                                      screenshots="off", seed=args.seed, env=env))
    print(f"{'origins':>9} {'sessions':>8} {'failed':>6} {'wall s':>7} {'CPU s/sess':>10}   (CPU s/sess of each run)")
    per = {}
    for name, ms in runs.items():
        m = _median(ms)
        per[name] = m.cpu_s / max(m.sessions, 1)
        print(f"{name:>9} {m.sessions:8d} {m.failed:6d} {m.wall_s:7.1f} {per[name]:10.3f}   "
              f"({', '.join(f'{r.cpu_s / max(r.sessions, 1):.3f}' for r in ms)})")
    print(f"the guard costs {per['guard'] - per['no guard']:+.3f} CPU s per session "
          f"({(per['guard'] / per['no guard'] - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
