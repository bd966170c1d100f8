"""A self-contained HTML fidelity report: tables, overlaid distributions, speed profiles, Fitts, AUC.

Figures are matplotlib PNGs embedded as base64, so the page is one file that opens anywhere.

>>> write_report(None, Path("report.html"))  # doctest: +SKIP
PosixPath('report.html')
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from synthgen.fidelity.evaluate import Evaluation, evaluate
from synthgen.fidelity.moves import speed_profile

__all__ = ["write_report", "render_html"]

_REAL, _SYN = "#1f77b4", "#d62728"

# (key in the move frames or distributions, axis label, clip percentile for the histogram range)
_DIST_PLOTS: tuple[tuple[str, str], ...] = (
    ("peak_speed", "peak speed (px/s)"),
    ("mean_speed", "mean speed (px/s)"),
    ("straightness", "straightness (straight / travelled)"),
    ("movement_time_ms", "movement time (ms)"),
    ("duration_ms", "motion duration (ms)"),
    ("dwell_ms", "still time before the click (ms)"),
    ("submovements", "submovements (speed peaks)"),
    ("time_to_peak", "time to peak speed (fraction)"),
    ("mousemove_interval_ms", "mousemove interval (ms)"),
    ("press_ms", "press-to-release (ms)"),
    ("scroll_gap_ms", "wheel event gap (ms)"),
    ("iki_ms", "inter-key interval (ms)"),
    ("hold_ms", "key hold (ms)"),
)
_PUBLISHED_MEAN = {"iki_ms": ("iki_mean_ms", "published mean"), "hold_ms": ("hold_mean_ms", "published mean")}


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _values(ev: Evaluation, key: str) -> tuple[np.ndarray, np.ndarray]:
    if key in ev.real_moves.columns:
        return ev.real_moves[key].to_numpy(float), ev.synth_moves[key].to_numpy(float)
    return (np.asarray(ev.real_dists.get(key, np.zeros(0)), float),
            np.asarray(ev.synth_dists.get(key, np.zeros(0)), float))


def _fig_distributions(ev: Evaluation) -> str:
    import matplotlib.pyplot as plt

    cols = 4
    rows = math.ceil(len(_DIST_PLOTS) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows))
    pub = dict(zip(ev.typing["metric"], ev.typing["published"]))
    src = dict(zip(ev.table["metric"], ev.table["real_source"]))
    for ax, (key, label) in zip(axes.ravel(), _DIST_PLOTS):
        a, b = _values(ev, key)
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        both = np.r_[a, b]
        if len(both) == 0:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            ax.set_title(key, fontsize=9)
            continue
        lo, hi = np.percentile(both, [0.5, 99.0])
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        bins = np.linspace(lo, hi, 40)
        if len(a):
            ax.hist(np.clip(a, lo, hi), bins=bins, density=True, alpha=0.5, color=_REAL,
                    label=f"real ({src.get(key, ev.reference)}, n={len(a)})")
        if len(b):
            ax.hist(np.clip(b, lo, hi), bins=bins, density=True, alpha=0.5, color=_SYN, label=f"synthetic (n={len(b)})")
        if key in _PUBLISHED_MEAN and _PUBLISHED_MEAN[key][0] in pub:
            ax.axvline(pub[_PUBLISHED_MEAN[key][0]], color="k", ls="--", label=_PUBLISHED_MEAN[key][1])
            if len(b):
                ax.axvline(float(np.mean(b)), color=_SYN, ls=":", label="synthetic mean")
        ax.set_title(f"{key}: {label}", fontsize=9)
        ax.legend(fontsize=7)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(_DIST_PLOTS):]:
        ax.axis("off")
    fig.tight_layout()
    return _png(fig)


def _fig_profiles(ev: Evaluation, seed: int, n: int = 40) -> str:
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    for ax, moves, color, name in ((axes[0], ev.real_move_paths, _REAL, f"real ({ev.reference})"),
                                   (axes[1], ev.synth_move_paths, _SYN, "synthetic")):
        ok = [m for m in moves if len(m.t) >= 3 and m.t[-1] > m.t[0]]
        pick = [ok[i] for i in rng.choice(len(ok), min(n, len(ok)), replace=False)] if ok else []
        prof = []
        for m in pick:
            s, v = speed_profile(m, 60)
            prof.append(v)
            ax.plot(s, v, color=color, alpha=0.15, lw=0.8)
        if prof:
            ax.plot(s, np.median(prof, axis=0), color="k", lw=2, label="median")
            ax.legend(fontsize=8)
        ax.set_title(f"{name}: {len(pick)} moves", fontsize=10)
        ax.set_xlabel("normalised time")
    axes[0].set_ylabel("speed / peak speed")
    fig.tight_layout()
    return _png(fig)


def _fig_fitts(ev: Evaluation) -> str:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    ax = axes[0]
    for df, color, name in ((ev.real_moves, _REAL, "real"), (ev.synth_moves, _SYN, "synthetic")):
        ax.scatter(df["distance"], df["movement_time_ms"], s=4, alpha=0.35, color=color, label=name)
    ax.set_xlabel("distance (px)")
    ax.set_ylabel("movement time (ms)")
    ax.set_title("distance vs movement time", fontsize=10)
    ax.legend(fontsize=8)
    ax = axes[1]
    for fit, color, name in ((ev.fitts_real, _REAL, "real"), (ev.fitts_synth, _SYN, "synthetic")):
        if len(fit.id):
            ax.scatter(fit.id, fit.mt, color=color, s=25, label=f"{name} condition means")
            if math.isfinite(fit.b):
                xs = np.linspace(min(fit.id.min(), 0.5), fit.id.max() + 0.3, 20)
                ax.plot(xs, fit.a + fit.b * xs, color=color, label=f"{name}: {fit.a:.0f} + {fit.b:.0f}·ID (R² {fit.r2:.2f})")
    ax.set_xlabel("index of difficulty (bits)")
    ax.set_ylabel("mean movement time (ms)")
    ax.set_title("Fitts's law fits", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)


def _fig_importances(ev: Evaluation) -> str:
    import matplotlib.pyplot as plt

    imp = ev.discriminator.importances.sort_values()
    fig, ax = plt.subplots(figsize=(6, 0.25 * len(imp) + 1))
    ax.barh(imp.index, imp.values, color="#555")
    ax.set_xlabel("importance (real vs synthetic)")
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    return _png(fig)


def _num(v: float) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    a = abs(v)
    return f"{v:,.0f}" if a >= 1000 else f"{v:.1f}" if a >= 10 else f"{v:.2f}" if a >= 1 else f"{v:.3f}"


def _table(df: pd.DataFrame, cols: list[tuple[str, str]]) -> str:
    head = "".join(f"<th>{html.escape(t)}</th>" for _, t in cols)
    body = []
    for _, r in df.iterrows():
        cells = []
        for c, _ in cols:
            v = r[c]
            cells.append(f"<td>{html.escape(str(v))}</td>" if isinstance(v, str) else f"<td class=n>{_num(float(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render_html(ev: Evaluation, *, title: str, seed: int = 0, typing_html: str = "") -> str:
    """The report page for an :class:`~synthgen.fidelity.evaluate.Evaluation`; ``typing_html`` is the typing
    comparison against raw keystrokes (:mod:`synthgen.fidelity.typing_report`), placed after the published figures."""
    auc = ev.discriminator.auc
    verdict = "indistinguishable" if auc <= 0.6 else "distinguishable" if auc < 0.8 else "easily told apart"
    metrics = _table(ev.table, [("metric", "metric"), ("real_source", "real data"), ("n_real", "n real"),
                                ("real_median", "real median"), ("real_p25", "p25"), ("real_p75", "p75"),
                                ("n_synth", "n synthetic"), ("synth_median", "synthetic median"),
                                ("synth_p25", "p25"), ("synth_p75", "p75"), ("ks", "KS"),
                                ("wasserstein", "Wasserstein")])
    typing = _table(ev.typing, [("metric", "typing metric"), ("published", "published (Dhakal 2018)"),
                                ("synthetic", "synthetic"), ("ks", "KS vs N(52, 20)")])
    fits = [("real", ev.fitts_real), ("synthetic", ev.fitts_synth)]
    if ev.fitts_synth_known is not None:
        fits.append(("synthetic, known target width", ev.fitts_synth_known))
    fitts = "".join(f"<li>{html.escape(n)}: {html.escape(str(f))}</li>" for n, f in fits)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in ev.notes)
    base = (f" Two halves of the real data (by person) score {ev.baseline_auc:.3f}: that is the floor."
            if ev.baseline_auc is not None else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222}}
table{{border-collapse:collapse;font-size:13px;margin:8px 0 16px}}
td,th{{border:1px solid #ccc;padding:3px 7px}} th{{background:#f3f3f3}} td.n{{text-align:right;font-variant-numeric:tabular-nums}}
.auc{{font-size:22px;padding:10px 14px;background:#f7f7f7;border-left:5px solid {'#2a2' if auc <= 0.6 else '#d62728'}}}
img{{max-width:100%}}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Reference: <b>{html.escape(ev.reference)}</b> (pointing); Balabit (press durations, wheel gaps);
published figures (typing). {len(ev.real_moves)} real and {len(ev.synth_moves)} synthetic click-to-click moves
over 50 px, measured identically in collector view (1 ms, whole px, a sample only when the position changes). Seed {seed}.</p>
<p class="auc">Discriminator AUC <b>{auc:.3f}</b> ± {ev.discriminator.auc_std:.3f} &mdash; {verdict}.
<span style="font-size:14px">The old detector: random forest on 18 features, {len(ev.discriminator.fold_aucs)} folds by person, {ev.discriminator.n_per_class}
moves per class; 0.5 = indistinguishable.{base}</span></p>
<h2>Metrics, real vs synthetic</h2>
{metrics}
<h2>Typing: published figures</h2>
<p>The published population figures of Dhakal et al. (CHI 2018) against the simulated typists.</p>
{typing}
{typing_html}
<h2>Distributions</h2>
<img alt="distributions" src="{_fig_distributions(ev)}">
<h2>Speed profiles</h2>
<p>Each move's smoothed speed over its motion, time and speed normalised to 1.</p>
<img alt="speed profiles" src="{_fig_profiles(ev, seed)}">
<h2>Fitts's law</h2>
<ul>{fitts}</ul>
<img alt="Fitts" src="{_fig_fitts(ev)}">
<h2>What gives synthetic moves away</h2>
<img alt="importances" src="{_fig_importances(ev)}">
<h2>Notes</h2>
<ul>{notes}</ul>
</body></html>
"""


def _typing_html(seed: int, quick: bool) -> str:
    """The typing section: held-out Aalto people vs synthetic twins (fewer people and one detector if quick)."""
    from synthgen.fidelity.readers import ReferenceDataNotFound
    from synthgen.fidelity.typing_eval import evaluate_typing
    from synthgen.fidelity.typing_report import typing_absent_section, typing_section

    try:
        tev = evaluate_typing(seed=seed, max_people=60 if quick else None,
                              families=("hgb",) if quick else ("hgb", "rf", "logreg"))
    except ReferenceDataNotFound as exc:
        return typing_absent_section(str(exc))
    return typing_section(tev)


def _mouse_html(dataset: Path | None, seed: int) -> str:
    """The strong mouse detector on held-out people: simulator, floor and (with a dataset) the product check."""
    from synthgen.fidelity.mouse_detect import DETECTORS
    from synthgen.fidelity.mouse_eval import evaluate_mouse
    from synthgen.fidelity.readers import ReferenceDataNotFound

    try:
        mev = evaluate_mouse(seed=seed, dataset=dataset, quick=True)
    except ReferenceDataNotFound as exc:
        return f"<h2>Mouse detector on held-out people</h2><p>Reference data missing: {html.escape(str(exc))}</p>"
    rows = [("simulator vs held-out Freihaut people", mev.simulator), ("floor: real half vs real half, by person", mev.floor)]
    if mev.product is not None:
        rows += [("product: dataset moves vs SapiMouse held-out people, matched on distance", mev.product),
                 ("product: same moves replanned with the current model", mev.product_replanned),
                 ("product floor: SapiMouse half vs half, by person", mev.product_floor)]
    dets = list(mev.simulator.auc)
    head = "".join(f"<th>{html.escape(DETECTORS[d])}</th>" for d in dets)
    body = "".join(f"<tr><td>{html.escape(n)}</td>" + "".join(f"<td class=n>{r.auc[d][0]:.3f}</td>" for d in dets)
                   + "</tr>" for n, r in rows)
    tells = _table(mev.tells.reset_index(drop=True), [("label", "tell"), ("real", "real median"),
                                                      ("synthetic", "synthetic median")])
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in mev.notes)
    return (f"<h2>Mouse detector on held-out people</h2><p>About 110 per-move features in 8 families, "
            f"cross-validated with folds grouped by person, on reference people no fit saw (goal: AUC &le; 0.60).</p>"
            f"<table><tr><th>moves</th>{head}</tr>{body}</table>{tells}<ul>{notes}</ul>")


def write_report(dataset: Path | None, out_html: Path, reference: str = "freihaut", seed: int = 0, *,
                 quick: bool = False) -> Path:
    """Write the fidelity report of a synthgen dataset (or of simulated data when ``dataset`` is None).

    ``quick`` reads a Balabit subset and simulates fewer typists/scrollers (see
    :func:`~synthgen.fidelity.evaluate.evaluate`) and compares typing on 60 held-out Aalto people, not all.

    >>> write_report(Path("output/run1"), Path("report.html"), reference="freihaut")  # doctest: +SKIP
    PosixPath('report.html')
    """
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede pyplot's first import
    from synthgen.fidelity.readers import read_dataset

    if dataset is None:
        ev = evaluate(reference=reference, seed=seed, quick=quick)
        title = "synthgen fidelity report: simulated personas"
    else:
        ev = evaluate(read_dataset(dataset), reference=reference, seed=seed, quick=quick)
        ev.notes.append("real and synthetic tasks differ (dataset scenarios vs the reference task): "
                        "part of any gap is the task, not the motor model")
        title = f"synthgen fidelity report: {Path(dataset).name}"
    from synthgen.dataset.files import write_bytes_atomic

    typing_html = _mouse_html(dataset, seed) + _typing_html(seed, quick)
    out = Path(out_html)
    write_bytes_atomic(out, render_html(ev, title=title, seed=seed, typing_html=typing_html).encode("utf-8"))  # owner-only, like data
    return out
