"""Can a classifier tell real moves from synthetic ones? Cross-validated ROC AUC on move features.

A random forest sees the per-move features of :data:`synthgen.fidelity.moves.DISCRIMINATOR_FEATURES`
of equal numbers of real and synthetic moves (the larger side subsampled, seeded) and is scored with
k-fold ROC AUC, the folds grouped by person when the frames carry ``session_id`` (stratified otherwise).
The strong detector is :mod:`synthgen.fidelity.mouse_detect`; this one is kept for continuity. 0.5 means indistinguishable, 1.0 means every move gives itself away.

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> a = pd.DataFrame(rng.normal(size=(200, 3)), columns=["u", "v", "w"])
>>> b = pd.DataFrame(rng.normal(size=(200, 3)), columns=["u", "v", "w"])
>>> 0.35 < discriminator_auc(a, b, features=["u", "v", "w"]) < 0.65
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from synthgen.errors import ConfigError
from synthgen.fidelity.moves import DISCRIMINATOR_FEATURES

__all__ = ["DiscriminatorResult", "discriminate", "discriminator_auc"]


@dataclass(frozen=True)
class DiscriminatorResult:
    """AUC (mean over folds) and its spread, impurity importances (sum 1), moves used per class."""

    auc: float
    auc_std: float
    importances: pd.Series
    n_per_class: int
    fold_aucs: tuple[float, ...]

    def __str__(self) -> str:
        top = ", ".join(f"{k} {v:.2f}" for k, v in self.importances.head(5).items())
        return f"AUC {self.auc:.3f} ± {self.auc_std:.3f} ({self.n_per_class} moves per class; top: {top})"


def _matrix(df: pd.DataFrame, features: Sequence[str]) -> np.ndarray:
    missing = [f for f in features if f not in df.columns]
    if missing:
        raise ConfigError("features", missing, "columns missing from the move features frame")
    x = df[list(features)].to_numpy(float)
    # Trees need finite input; a missing feature (e.g. one-sample interval) gets a sentinel value.
    return np.where(np.isfinite(x), x, -1.0)


def discriminate(real_moves: pd.DataFrame, synth_moves: pd.DataFrame, *, seed: int = 0, folds: int = 5,
                 features: Sequence[str] = DISCRIMINATOR_FEATURES, max_per_class: int | None = 3000,
                 n_estimators: int = 200) -> DiscriminatorResult:
    """Train real-vs-synthetic classifiers with k-fold CV (grouped by person); AUC and feature importances.

    Classes are balanced by subsampling the larger one (and both to ``max_per_class``), seeded.

    >>> rng = np.random.default_rng(1)
    >>> a = pd.DataFrame({"u": rng.normal(size=300)})
    >>> b = pd.DataFrame({"u": rng.normal(5.0, 1.0, size=300)})
    >>> discriminate(a, b, features=["u"]).auc > 0.95
    True
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    xr, xs = _matrix(real_moves, features), _matrix(synth_moves, features)
    n = min(len(xr), len(xs))
    if max_per_class is not None:
        n = min(n, max_per_class)
    if n < folds * 2:
        raise ConfigError("moves", n, f"too few moves per class for {folds}-fold cross-validation (need {folds * 2})")
    rng = np.random.default_rng(seed)
    ir, is_ = rng.choice(len(xr), n, replace=False), rng.choice(len(xs), n, replace=False)
    xr, xs = xr[ir], xs[is_]
    x = np.vstack([xr, xs])
    y = np.r_[np.zeros(n), np.ones(n)]
    aucs: list[float] = []
    imps = np.zeros(len(features))
    if "session_id" in real_moves.columns and "session_id" in synth_moves.columns:
        # Folds by person: one person's moves never sit on both sides of a split (a detector would
        # otherwise learn people, not humanness).
        from sklearn.model_selection import GroupKFold

        from synthgen.fidelity.mouse_detect import person_of

        g = np.r_[["r:" + person_of(v) for v in real_moves["session_id"].to_numpy()[ir]],
                  ["s:" + person_of(v) for v in synth_moves["session_id"].to_numpy()[is_]]]
        codes = pd.factorize(g)[0]
        codes = rng.permutation(codes.max() + 1)[codes]
        k_fold = min(folds, len(set(g[:n])), len(set(g[n:])))
        if k_fold < 2:
            raise ConfigError("moves", f"{len(set(g))} people", "too few people for folds by person")
        splits = GroupKFold(k_fold).split(x, y, codes)
    else:
        splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y)
    for k, (tr, te) in enumerate(splits):
        clf = RandomForestClassifier(n_estimators=n_estimators, min_samples_leaf=3, n_jobs=1,
                                     random_state=seed + k)
        clf.fit(x[tr], y[tr])
        aucs.append(float(roc_auc_score(y[te], clf.predict_proba(x[te])[:, 1])))
        imps += clf.feature_importances_
    imp = pd.Series(imps / folds, index=list(features)).sort_values(ascending=False)
    return DiscriminatorResult(float(np.mean(aucs)), float(np.std(aucs)), imp, n, tuple(aucs))


def discriminator_auc(real_moves: pd.DataFrame, synth_moves: pd.DataFrame, seed: int = 0, **kw) -> float:
    """Cross-validated ROC AUC of telling real from synthetic moves (0.5 = indistinguishable).

    >>> rng = np.random.default_rng(2)
    >>> f = pd.DataFrame({"u": rng.normal(size=100)})
    >>> round(discriminator_auc(f, f, features=["u"]), 1) <= 0.6
    True
    """
    return discriminate(real_moves, synth_moves, seed=seed, **kw).auc
