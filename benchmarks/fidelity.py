"""Fidelity benchmark: how human is synthgen's planned input? Last line: ``AUC <value>``.

Prints every metric real vs synthetic (Freihaut point-click for pointing, Balabit for press durations
and scroll gaps, published figures for typing) with KS and Wasserstein distances, the Fitts fits, and
the cross-validated AUC of the old real-vs-synthetic move classifier (18 features, folds by person).

Mouse detector section (:mod:`synthgen.fidelity.mouse_eval`): ~110 features in 8 families, a sequence
MLP, several classifier families, GroupKFold by person, on the Freihaut people no fit saw; the floor
(those people in two halves by person); the issue's tells real vs synthetic; with ``--dataset PATH`` the
product check (a generated dataset's moves vs SapiMouse held-out people matched on distance, as
generated and replanned with the current model). Last line: the strongest detector's AUC (goal <= 0.60).

Typing section (Aalto keystrokes, people the keyboard fit did not see, each with a synthetic twin typing
their sentences): the metrics side by side, then windows of 20 keystrokes told apart by several classifier
families with cross-validation grouped by person, the strongest reported, the real-vs-real floor beside it.

    python benchmarks/fidelity.py [--quick] [--seed N] [--reference freihaut|balabit]
                                  [--typing-only | --no-typing | --mouse-only] [--typing-people N]
                                  [--dataset PATH]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from synthgen.fidelity.evaluate import evaluate  # noqa: E402
from synthgen.fidelity.mouse_detect import DETECTORS  # noqa: E402
from synthgen.fidelity.mouse_eval import evaluate_mouse  # noqa: E402
from synthgen.fidelity.typing_eval import evaluate_typing  # noqa: E402
from synthgen.fidelity.readers import ReferenceDataNotFound  # noqa: E402


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


_FAMILY = {"hgb": "HistGradientBoosting", "rf": "random forest", "logreg": "logistic regression"}


def _typing_section(ev) -> None:
    print(f"typing: Aalto held-out people {ev.n_people} (not in the keyboard fit), each vs a synthetic twin "
          f"typing their sentences; windows of 20 keys: real {ev.n_windows[0]}, synthetic {ev.n_windows[1]}")
    print(f"{'metric':44s} {'real':>9s} {'synthetic':>10s}")
    for r in ev.table.itertuples():
        print(f"{r.label:44s} {_fmt(r.real):>9s} {_fmt(r.synthetic):>10s}")
    print(f"{'detector (GroupKFold by person)':34s} {'real vs synthetic':>18s} {'real vs real (floor)':>22s}")
    for fam, (auc, sd) in ev.auc.items():
        f_auc, f_sd = ev.floor[fam]
        print(f"{_FAMILY.get(fam, fam):34s} {auc:>11.3f} ± {sd:.3f} {f_auc:>15.3f} ± {f_sd:.3f}")
    fam, auc = ev.best
    print(f"typing AUC {auc:.3f} (strongest: {_FAMILY.get(fam, fam)}; floor {ev.floor[fam][0]:.3f}; goal <= 0.60)")
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer Balabit sessions, typists and scrollers (< 60 s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reference", default="freihaut", choices=("freihaut", "balabit"))
    ap.add_argument("--typing-only", action="store_true", help="only the typing section")
    ap.add_argument("--no-typing", action="store_true", help="skip the typing section")
    ap.add_argument("--typing-people", type=int, default=None,
                    help="held-out Aalto people to use (default all; --quick: 120)")
    ap.add_argument("--mouse-only", action="store_true", help="only the mouse detector section")
    ap.add_argument("--dataset", type=Path, default=None,
                    help="a synthgen generate output folder: also measure the product's moves")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.mouse_only:
        try:
            best = _mouse_section(args)
        except ReferenceDataNotFound as exc:
            print(f"reference data missing: {exc}", file=sys.stderr)
            return 2
        print(f"elapsed {time.perf_counter() - t0:.1f} s")
        print(f"AUC {best:.3f}")
        return 0
    if not args.no_typing:
        people = args.typing_people or (120 if args.quick else None)
        try:
            _typing_section(evaluate_typing(seed=args.seed, max_people=people))
        except ReferenceDataNotFound as exc:
            print(f"typing: reference data missing: {exc}", file=sys.stderr)
        if args.typing_only:
            print(f"elapsed {time.perf_counter() - t0:.1f} s")
            return 0
    from synthgen.motor.mouse import recording_style

    try:
        # the learned mouse model draws the Freihaut page's style when re-enacting that study's task
        with recording_style("freihaut" if args.reference == "freihaut" else "sapimouse"):
            ev = evaluate(reference=args.reference, seed=args.seed, quick=args.quick)
    except ReferenceDataNotFound as exc:
        print(f"reference data missing: {exc}", file=sys.stderr)
        return 2

    print(f"synthgen fidelity benchmark (reference {ev.reference}, seed {args.seed}{', quick' if args.quick else ''})")
    print(f"moves: real {len(ev.real_moves)}, synthetic {len(ev.synth_moves)}")
    print()
    hdr = f"{'metric':24s} {'real':>8s} {'real median [IQR]':>26s} {'synthetic median [IQR]':>26s} {'KS':>6s} {'Wasserstein':>12s}"
    print(hdr)
    print("-" * len(hdr))
    for r in ev.table.itertuples():
        real = f"{_fmt(r.real_median)} [{_fmt(r.real_p25)}-{_fmt(r.real_p75)}]" if r.n_real else "n/a"
        syn = f"{_fmt(r.synth_median)} [{_fmt(r.synth_p25)}-{_fmt(r.synth_p75)}]" if r.n_synth else "n/a"
        print(f"{r.metric:24s} {r.real_source:>8s} {real:>26s} {syn:>26s} {_fmt(r.ks):>6s} {_fmt(r.wasserstein):>12s}")
    print()
    print(f"{'typing (Dhakal 2018)':24s} {'published':>10s} {'synthetic':>10s}")
    for r in ev.typing.itertuples():
        extra = f"  KS vs N(52,20) {_fmt(r.ks)}" if not math.isnan(r.ks) else ""
        print(f"{r.metric:24s} {_fmt(r.published):>10s} {_fmt(r.synthetic):>10s}{extra}")
    print()
    print(f"Fitts real      : {ev.fitts_real}")
    print(f"Fitts synthetic : {ev.fitts_synth}")
    if ev.fitts_synth_known is not None:
        print(f"Fitts synthetic (known target width): {ev.fitts_synth_known}")
    if ev.reference == "freihaut":
        print("  (every Freihaut target is ~300 px away: ID barely varies, so compare throughput and mean MT, not slopes)")
    print()
    for n in ev.notes:
        print(f"note: {n}")
    if ev.baseline_auc is not None:
        print(f"discriminator baseline (real half vs real half, by person): AUC {ev.baseline_auc:.3f}")
    print(f"old detector (random forest, 18 features, folds by person): {ev.discriminator}")
    print()
    best = _mouse_section(args)
    print(f"elapsed {time.perf_counter() - t0:.1f} s")
    print(f"AUC {best:.3f}")
    return 0


def _detector_rows(title: str, rep, floor=None) -> None:
    print(title)
    for name, (auc, sd) in rep.auc.items():
        fl = f"   floor {floor.auc[name][0]:.3f}" if floor is not None and name in floor.auc else ""
        print(f"  {DETECTORS[name]:42s} {auc:.3f} ± {sd:.3f}{fl}")
    k, a = rep.best
    print(f"  strongest: {DETECTORS[k]} {a:.3f} (moves {rep.n_moves[0]} real / {rep.n_moves[1]} synthetic, "
          f"people {rep.n_people[0]} / {rep.n_people[1]})")


def _mouse_section(args) -> float:
    mev = evaluate_mouse(seed=args.seed, dataset=args.dataset, quick=args.quick)
    print(f"mouse detector, GroupKFold by person; Freihaut people no fit saw: {mev.n_heldout[1]} "
          f"({mev.n_heldout[0]} moves)")
    _detector_rows("simulate_point_click vs held-out people (floor: real half vs real half, by person)",
                   mev.simulator, mev.floor)
    print(f"{'tell':36s} {'real':>8s} {'synthetic':>10s}")
    for r in mev.tells.itertuples():
        print(f"  {r.label:34s} {_fmt(r.real):>8s} {_fmt(r.synthetic):>10s}")
    best = mev.simulator.best[1]
    if mev.product is not None:
        _detector_rows("product: dataset moves vs SapiMouse held-out people matched on distance (as generated)",
                       mev.product, mev.product_floor)
        _detector_rows("product: the same moves replanned with the current model", mev.product_replanned)
        for r in mev.product_tells.itertuples():
            print(f"  {r.label:34s} {_fmt(r.real):>8s} {_fmt(r.synthetic):>10s}")
        print(f"product AUC {mev.product.best[1]:.3f} as generated, {mev.product_replanned.best[1]:.3f} replanned")
    for n in mev.notes:
        print(f"note: {n}")
    return best


if __name__ == "__main__":
    raise SystemExit(main())
