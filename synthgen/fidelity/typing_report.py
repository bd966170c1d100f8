"""The typing part of the fidelity report: held-out Aalto people vs their synthetic twins.

A metrics table, the detector AUCs beside the real-vs-real floor, IKI and hold distributions overlaid and
a scatter of letter-bigram median IKIs (real vs synthetic), as HTML with embedded PNGs.

>>> html = typing_section(evaluate_typing(max_people=40))  # doctest: +SKIP
>>> "bigram" in html  # doctest: +SKIP
True
"""

from __future__ import annotations

import html
import math

import numpy as np

from synthgen.fidelity.typing import Keystrokes, _pairs, letter_bigram_medians
from synthgen.fidelity.typing_eval import TypingEvaluation

__all__ = ["typing_section", "typing_absent_section"]

_REAL, _SYN = "#1f77b4", "#d62728"
_FAMILY = {"hgb": "HistGradientBoosting", "rf": "random forest", "logreg": "logistic regression"}


def _iki_hold(ks: Keystrokes) -> tuple[np.ndarray, np.ndarray]:
    p = _pairs(ks)
    iki = p.iki[np.isfinite(p.iki)]
    hold = p.nm.hold[np.isfinite(p.nm.hold)]
    return iki, hold


def _fig_distributions(ev: TypingEvaluation) -> str:
    import matplotlib.pyplot as plt

    from synthgen.fidelity.report import _png

    (ir, hr), (is_, hs) = _iki_hold(ev.real), _iki_hold(ev.synth)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    for ax, a, b, lo, hi, name in ((axes[0], ir, is_, 10.0, 3000.0, "inter-key interval (ms, log scale)"),
                                   (axes[1], hr, hs, 20.0, 400.0, "key hold (ms, log scale)")):
        bins = np.geomspace(lo, hi, 60)
        ax.hist(np.clip(a, lo, hi), bins=bins, density=True, alpha=0.5, color=_REAL, label=f"real (n={len(a)})")
        ax.hist(np.clip(b, lo, hi), bins=bins, density=True, alpha=0.5, color=_SYN, label=f"synthetic (n={len(b)})")
        ax.set_xscale("log")
        ax.set_xlabel(name)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return _png(fig)


def _fig_bigrams(ev: TypingEvaluation) -> str:
    import matplotlib.pyplot as plt

    from synthgen.fidelity.report import _png

    a = letter_bigram_medians(ev.real, min_count=10)
    b = letter_bigram_medians(ev.synth, min_count=10)
    common = sorted(set(a) & set(b))
    fig, ax = plt.subplots(figsize=(5.2, 5.0))
    if common:
        x = np.array([a[k] for k in common])
        y = np.array([b[k] for k in common])
        ax.scatter(x, y, s=10, alpha=0.6, color="#444")
        for k in ("th", "he", "in", "ed", "qu", "ce", "my", "ju"):
            if k in a and k in b:
                ax.annotate(k, (a[k], b[k]), fontsize=8, color=_SYN)
        lo, hi = min(x.min(), y.min()) * 0.9, max(x.max(), y.max()) * 1.1
        ax.plot([lo, hi], [lo, hi], color="k", lw=1, ls="--", label="same")
        r = float(np.corrcoef(np.log(x), np.log(y))[0, 1])
        ax.set_title(f"letter bigram median IKI, {len(common)} bigrams (log r {r:.2f})", fontsize=9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.legend(fontsize=8)
    ax.set_xlabel("real held-out people (ms)")
    ax.set_ylabel("synthetic twins (ms)")
    fig.tight_layout()
    return _png(fig)


def _num(v: float) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    a = abs(v)
    return f"{v:,.0f}" if a >= 1000 else f"{v:.1f}" if a >= 10 else f"{v:.2f}" if a >= 1 else f"{v:.3f}"


def typing_section(ev: TypingEvaluation) -> str:
    """HTML for the typing comparison (table, AUCs and floor, distributions, bigram scatter).

    >>> typing_section(evaluate_typing(max_people=40)).startswith("<h2>")  # doctest: +SKIP
    True
    """
    rows = "".join(f"<tr><td>{html.escape(r.label)}</td><td class=n>{_num(r.real)}</td>"
                   f"<td class=n>{_num(r.synthetic)}</td></tr>" for r in ev.table.itertuples())
    det = "".join(f"<tr><td>{_FAMILY.get(k, k)}</td><td class=n>{v[0]:.3f} ± {v[1]:.3f}</td>"
                  f"<td class=n>{ev.floor[k][0]:.3f} ± {ev.floor[k][1]:.3f}</td></tr>" for k, v in ev.auc.items())
    fam, auc = ev.best
    return f"""<h2>Typing: held-out people vs synthetic twins</h2>
<p>Aalto 136M-keystrokes data (Dhakal et al., CHI 2018, non-commercial use with attribution): {ev.n_people}
participants the keyboard fit did not see, each with a synthetic persona from the fitted population typing
that participant's own sentences. Windows of 20 keystrokes: real {ev.n_windows[0]}, synthetic {ev.n_windows[1]}.</p>
<p class="auc">Typing detector AUC <b>{auc:.3f}</b> ({_FAMILY.get(fam, fam)}, the strongest family; cross-validation
grouped by person). Real vs real (two halves of the people): {ev.floor[fam][0]:.3f}. Goal: at most 0.60.</p>
<table><tr><th>detector</th><th>real vs synthetic</th><th>real vs real (floor)</th></tr>{det}</table>
<table><tr><th>typing metric</th><th>real</th><th>synthetic</th></tr>{rows}</table>
<img alt="typing distributions" src="{_fig_distributions(ev)}">
<img alt="bigram scatter" src="{_fig_bigrams(ev)}">
"""


def typing_absent_section(reason: str) -> str:
    """The typing section when the Aalto reference data is not there.

    >>> "absent" in typing_absent_section("no folder")
    True
    """
    return (f"<h2>Typing: held-out people vs synthetic twins</h2><p>The Aalto keystroke reference data is absent "
            f"({html.escape(reason)}); only the published figures above compare typing.</p>")
