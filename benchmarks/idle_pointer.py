"""Idle pointer time: the share of between-action time the pointer rests, real people vs a synthgen dataset.

Reference figures come from the fit people of Balabit (free-form office work over remote desktop: the
most relevant), Freihaut and SapiMouse (pointing tasks), split by the project's salted hash; definitions
in :mod:`synthgen.fidelity.idle`. With ``--dataset DIR`` the dataset's figures are printed beside them,
once with mouse presses and key presses as actions and once with mouse presses only (the view Balabit's
recorder, which logs no keys, has).

    python benchmarks/idle_pointer.py [--dataset DIR] [--sources balabit,freihaut,sapimouse]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from synthgen.fidelity.idle import (REFERENCE_SOURCES, IdleStats, idle_of_dataset,  # noqa: E402
                                    reference_idle)
from synthgen.fidelity.readers import ReferenceDataNotFound  # noqa: E402

_QS = (0.25, 0.5, 0.75, 0.9)


def _pct(v: float) -> str:
    return "n/a" if math.isnan(v) else f"{100 * v:.1f}%"


def _row(label: str, st: IdleStats) -> list[str]:
    lo, hi = st.person_spread()
    q = st.bout_quantiles(_QS)
    return [label, "+".join(st.actions), str(st.people),
            str(st.intervals), _pct(st.rest_share), _pct(st.median_interval_share), _pct(st.any_rest_share),
            " / ".join("n/a" if math.isnan(q[k]) else f"{q[k]:.2f}" for k in _QS), f"{_pct(lo)}-{_pct(hi)}"]


def _table(rows: list[list[str]], head: list[str]) -> str:
    w = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r))  # noqa: E731
    return "\n".join([line(head), line(["-" * x for x in w])] + [line(r) for r in rows])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, help="a synthgen dataset folder to print beside the reference")
    ap.add_argument("--sources", default=",".join(REFERENCE_SOURCES),
                    help=f"reference sets, comma-separated (of {', '.join(REFERENCE_SOURCES)})")
    ap.add_argument("--still-px", type=float, default=2.0, help="movement within this radius is rest (px)")
    ap.add_argument("--min-rest-ms", type=float, default=200.0, help="shortest rest bout counted (ms)")
    args = ap.parse_args(argv)
    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    bad = [s for s in sources if s not in REFERENCE_SOURCES]
    if bad:
        ap.error(f"--sources: unknown {', '.join(bad)}; choose among {', '.join(REFERENCE_SOURCES)}")
    kw = {"still_px": args.still_px, "min_rest_ms": args.min_rest_ms}
    stats: list[tuple[str, IdleStats]] = []
    for src in sources:
        try:
            stats.append((f"{src} (fit people)", reference_idle(src, **kw)))
        except ReferenceDataNotFound as exc:
            print(f"{src}: reference data not found ({exc}); skipped", file=sys.stderr)
    if args.dataset is not None:
        for acts in (("mousedown", "keydown"), ("mousedown",)):
            stats.append((f"synthgen {args.dataset.name}", idle_of_dataset(args.dataset, actions=acts, **kw)))
    if not stats:
        print("nothing to measure: no reference data and no --dataset", file=sys.stderr)
        return 1
    print(f"Pointer rest: still within {args.still_px:g} px for >= {args.min_rest_ms:g} ms, in inter-action "
          "intervals of 0.3-60 s (synthgen.fidelity.idle)\n")
    head = ["source", "actions", "people", "intervals", "rest share", "median/interval", "any rest",
            "bout s p25/p50/p75/p90", "per person"]
    print(_table([_row(label, st) for label, st in stats], head))
    print("\nRest-bout lengths (share of bouts):\n")
    hist = [[label, "+".join(st.actions)] + [_pct(v) for _, v in st.bout_histogram()] for label, st in stats]
    print(_table(hist, ["source", "actions"] + [lab for lab, _ in stats[0][1].bout_histogram()]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
