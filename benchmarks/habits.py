"""Personas' habits in generated data: the ways do steps take per habit group, slips, and goal reach with slips.

Runs ``synthgen generate`` on the bundled scenarios (the ``scenarios/`` folders not starting with ``_``)
twice with the same seed, so the same sessions with the same personas: once with ``--slips persona`` (each
persona slips at its own rate) and once with ``--slips off``. Then prints

(a) per persona habit group (``personas.habit``): the measured share of do-step instances taken by each
    way, beside the group's preference (the mean strategy weights of its personas) and its share of the
    population (``synthgen.persona.behaviour.POPULATION``). A goal offers only some ways, so the measured
    shares lean toward the ways the scenarios offer;
(b) slips per session and per 100 input steps by kind, and recoveries / slips (the slips run);
(c) goal reach: the share of sessions ok in each run and, the target figure, among the sessions whose
    no-slip twin (same session id in the ``off`` run) is ok, the share also ok with slips (the issue's
    target: 100%), with the failing ones and their errors.

The measures are :mod:`synthgen.habits_report`'s (the ones ``synthgen stats`` and the overview show).

    python benchmarks/habits.py [-n 8] [--personas 120] [--seed 7] [--workers 1] [--scenarios crm,webmail]
    python benchmarks/habits.py --dataset DIR      # generate into (or resume) DIR/slips-persona, DIR/slips-off
                                                   # (from a copy of scenarios/ in DIR/scenarios)
    python benchmarks/habits.py --dataset DS [--twin OFF]   # DS already a dataset: measure it (OFF: its twin)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from synthgen.habits_report import (HabitFigures, by_habit_group, read_habits, read_personas,  # noqa: E402
                                    summarise, text_table, twin_reach)

RUNS = ("persona", "off")


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100.0 * v:.1f}%"


def bundled_scenarios() -> list[str]:
    """The bundled scenario folders: ``scenarios/*`` not starting with ``_``."""
    return sorted(p.name for p in (ROOT / "scenarios").iterdir() if p.is_dir() and not p.name.startswith("_"))


def snapshot_scenarios(work: Path) -> Path:
    """A copy of ``scenarios/`` for both runs: a scenario edited while they run cannot make twins differ."""
    copy = work / "scenarios"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(ROOT / "scenarios", copy)
    return copy


def generate(out: Path, slips: str, scenarios: Path, args: argparse.Namespace) -> None:
    """One ``synthgen generate`` run (resumes what ``out`` already holds); a failed session is data here, a
    run that could not start is not."""
    cmd = [sys.executable, "-m", "synthgen", "generate", "--out", str(out), "--slips", slips, "-n", str(args.n),
           "--personas", str(args.personas), "--seed", str(args.seed), "--workers", str(args.workers),
           "--no-progress"]
    for name in args.scenarios:
        cmd += ["-s", str(scenarios / name)]
    print(f"generate --slips {slips} into {out} ...", file=sys.stderr, flush=True)
    t0 = time.monotonic()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if res.returncode not in (0, 1):  # 1: some sessions failed (measured below); anything else: no run
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit(f"synthgen generate --slips {slips} exited {res.returncode}; see its output above")
    print(f"  done in {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)


def groups_table(figs: list[HabitFigures], personas: dict) -> str:
    """(a): the measured share of do-step instances by way per habit group, beside its preference."""
    from synthgen.persona.behaviour import POPULATION, WAYS

    groups = by_habit_group(figs, personas)
    population = {g.way: g.share for g in POPULATION}
    all_ways = summarise(figs)
    rows = []
    for habit in [g.way for g in POPULATION] + sorted(set(groups) - set(population)):
        g = groups.get(habit)
        if g is None:
            rows.append([habit, _pct(population.get(habit)), 0, 0, 0] + ["–"] * len(WAYS))
            continue
        rows.append([habit, _pct(population.get(habit)), g["personas"], g["sessions"], g["do_steps"]]
                    + [f"{_pct(g['measured'].get(w, 0.0) if g['do_steps'] else None)} "
                       f"({_pct(g['preference'].get(w, 0.0))})" for w in WAYS])
    rows.append(["all", "100.0%", len({f.persona_id for f in figs}), len(figs), all_ways["do_steps"]]
                + [_pct(all_ways["way_shares"].get(w, 0.0) if all_ways["do_steps"] else None) for w in WAYS])
    head = ["habit group", "population", "personas", "sessions", "do steps"] + [f"{w} (pref)" for w in WAYS]
    return text_table(rows, head)


def slips_table(figs: list[HabitFigures]) -> str:
    """(b): slips per session and per 100 input steps by kind."""
    from synthgen.browser.attention import SLIP_KINDS

    s = summarise(figs)
    n, steps = s["sessions"], s["input_steps"]
    kinds = list(SLIP_KINDS) + sorted(set(s["slips_by_kind"]) - set(SLIP_KINDS))
    rows = []
    for k in kinds + ["all"]:
        c = s["slips"] if k == "all" else s["slips_by_kind"].get(k, 0)
        rows.append([k, c, f"{c / n:.3f}" if n else "–", f"{100.0 * c / steps:.2f}" if steps else "–"])
    return text_table(rows, ["kind", "slips", "per session", "per 100 input steps"])


def reach_table(reach: dict) -> str:
    """(c): goal reach with and without slips."""
    rows = [["sessions ok, --slips persona run", reach["twins"], _pct(reach["ok_share_with_slips_run"])],
            ["sessions ok, --slips off run", reach["twins"], _pct(reach["ok_share_without_slips_run"])],
            ["  persona run, sessions that slipped", reach["sessions_with_slips"],
             _pct(reach["ok_share_sessions_with_slips"])],
            ["  persona run, sessions that did not", reach["sessions_without_slips"],
             _pct(reach["ok_share_sessions_without_slips"])],
            ["ok with slips, of those ok without (target 100%)", reach["twins_ok"], _pct(reach["target_share"])]]
    return text_table(rows, ["goal reach", "sessions", "ok"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=8, help="sessions per scenario (default 8)")
    ap.add_argument("--personas", type=int, default=120, help="persona pool size (default 120)")
    ap.add_argument("--seed", type=int, default=7, help="job seed, the same for both runs (default 7)")
    ap.add_argument("--workers", type=int, default=1, help="browser processes per run (default 1)")
    ap.add_argument("--scenarios", default=",".join(bundled_scenarios()),
                    help="scenario folders under scenarios/, comma-separated (default: all not starting with _)")
    ap.add_argument("--dataset", type=Path, help="a work folder to generate into or resume (DIR/slips-persona, "
                    "DIR/slips-off; default: a temporary folder), or a dataset to measure as it is")
    ap.add_argument("--twin", type=Path, help="with --dataset DS: DS's no-slip twin run, for the goal-reach figure")
    args = ap.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    bad = [s for s in args.scenarios if not (ROOT / "scenarios" / s).is_dir()]
    if bad:
        ap.error(f"--scenarios: no folder scenarios/{bad[0]}; choose among {', '.join(bundled_scenarios())}")
    if args.twin is not None and (args.dataset is None or not (args.dataset / "sessions").is_dir()):
        ap.error("--twin goes with --dataset DS, DS a dataset folder (it has sessions/)")

    tmp = None
    if args.dataset is not None and (args.dataset / "sessions").is_dir():
        slipped_dir, off_dir = args.dataset, args.twin
    else:
        if args.dataset is None:
            tmp = tempfile.TemporaryDirectory(prefix="synthgen-habits-")
        work = args.dataset if args.dataset is not None else Path(tmp.name)  # type: ignore[union-attr]
        slipped_dir, off_dir = work / "slips-persona", work / "slips-off"
        scenarios = snapshot_scenarios(work)
        for run, out in zip(RUNS, (slipped_dir, off_dir)):
            generate(out, run, scenarios, args)
    try:
        slipped = read_habits(slipped_dir)
        off = read_habits(off_dir) if off_dir is not None else []
        personas = read_personas(slipped_dir)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from exc
    finally:
        if tmp is not None:
            tmp.cleanup()
    if not slipped:
        raise SystemExit(f"{slipped_dir} holds no finished sessions; generate into it first")

    scen = Counter(f.scenario for f in slipped)
    print(f"{len(slipped)} sessions of {len(scen)} scenarios, {len({f.persona_id for f in slipped})} personas "
          f"({slipped_dir})")
    print("\n(a) Do-step instances by the way taken, per persona habit group: measured share (the group's mean "
          "preference weight)\n")
    print(groups_table(slipped, personas))
    s = summarise(slipped)
    print(f"\n(b) Slips (--slips persona): {s['slips']} in {s['sessions']} sessions, {s['input_steps']} input "
          f"steps; recoveries / slips {s['recoveries']}/{s['slips']} = {_pct(s['recovered_share'])}\n")
    print(slips_table(slipped))
    print(f"\nreading newly shown pages: median {(s['read_ms_median'] or 0.0) / 1000:.1f} s per session, "
          f"{_pct(s['read_share'])} of the sessions' time")
    if not off:
        print("\n(c) goal reach: no twin run (--twin) to compare with")
        return 0
    r = twin_reach(slipped, off)
    off_slips = sum(f.slips for f in off)
    print(f"\n(c) Goal reach: {r['twins']} twin sessions (same session id in both runs; {r['unpaired']} without "
          f"a twin); slips in the off run: {off_slips}\n")
    print(reach_table(r))
    both_ok = {f.session_id: f for f in off if f.status == "ok"}
    same = [f for f in slipped if f.status == "ok" and f.session_id in both_ok]
    print(f"\ntwins both ok whose do steps took the same ways: "
          f"{sum(f.ways == both_ok[f.session_id].ways for f in same)}/{len(same)}")
    if r["failing"]:
        print(f"\nFailing with slips, ok without ({len(r['failing'])}):")
        for f in r["failing"]:
            error = (f["error"] or "").strip().splitlines()[0][:200] if f["error"] else ""
            print(f"  {f['session_id']} ({f['slips']} slips): {error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
