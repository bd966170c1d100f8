"""Typing fidelity on held-out people: each Aalto participant outside the fit gets a synthetic twin.

For every held-out participant (``is_fit_participant`` false) a persona is drawn from the population
(its own seed), and it types that participant's own sentences with ``plan_typing`` (one session per
sentence, the clock on whole ms from the first press like the recordings). Both sides are measured by
:func:`~synthgen.fidelity.typing.typing_metrics` and told apart, in windows of 20 keystrokes, by
classifiers cross-validated by person; two halves of the real people give the floor.

>>> ev = evaluate_typing(max_people=40)  # doctest: +SKIP
>>> 0.4 < ev.floor["hgb"][0] < 0.6  # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from synthgen.fidelity.typing import (
    Keystrokes, _pairs, actions_to_events, compare_typing, is_fit_participant, keystrokes, letter_bigram_medians,
    read_aalto, read_aalto_sentences, typing_discriminator, window_features,
)

__all__ = ["TypingEvaluation", "evaluate_typing", "bigram_log_means", "synthetic_twins"]


@dataclass
class TypingEvaluation:
    """Held-out people vs their synthetic twins: metrics table, detector AUCs, floor, and the raw streams."""

    table: pd.DataFrame
    auc: dict[str, tuple[float, float]]
    floor: dict[str, tuple[float, float]]
    real: Keystrokes
    synth: Keystrokes
    bigram_ref: dict[str, float]
    n_people: int
    n_windows: tuple[int, int]
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> tuple[str, float]:
        """The strongest detector family and its AUC."""
        fam = max(self.auc, key=lambda k: self.auc[k][0])
        return fam, self.auc[fam][0]


def bigram_log_means(ks: Keystrokes, min_count: int = 20) -> dict[str, float]:
    """Mean log IKI of every key pair (``prev key + key``, DOM keys) seen at least ``min_count`` times.

    >>> bigram_log_means(keystrokes(read_aalto(max_participants=30)))["th"] < 5.5  # doctest: +SKIP
    True
    """
    p = _pairs(ks)
    ok = np.isfinite(p.iki)
    bg = pd.Series(np.array([str(a) for a in p.prev_key[ok]], dtype=object) + p.nm.key[ok].astype(str))
    s = pd.Series(np.log(np.maximum(p.iki[ok], 1.0))).groupby(bg.to_numpy())
    mean, cnt = s.mean(), s.size()
    return {k: float(v) for k, v in mean[cnt >= min_count].items()}


def _person_seed(seed: int, person: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{person}".encode()).digest()[:8], "big")


def synthetic_twins(sentences: pd.DataFrame, *, seed: int = 0, capslock: bool = True) -> pd.DataFrame:
    """Events of a synthetic persona per participant typing that participant's sentences (``synth/<id>/<session>``).

    >>> s = pd.DataFrame({"participant": [1], "session": [7], "sentence": ["Hi there."], "person": ["aalto/1"]})
    >>> sorted(synthetic_twins(s).type.unique())
    ['keydown', 'keyup']
    """
    from synthgen.motor.keyboard import plan_typing
    from synthgen.motor.params import sample_motor_profile

    plans: dict[str, list] = {}
    for person, g in sentences.groupby("person", sort=False):
        rng = np.random.default_rng(_person_seed(seed, str(person)))
        kb = sample_motor_profile(rng).keyboard
        pid = str(person).rsplit("/", 1)[-1]
        for sess, text in zip(g["session"], g["sentence"]):
            plans[f"synth/{pid}/{sess}"] = plan_typing(rng, kb, str(text), 0.0, compose=False, capslock=capslock)
    return actions_to_events(plans)


def evaluate_typing(root: Path | None = None, *, seed: int = 0, max_people: int | None = None,
                    families: Sequence[str] = ("hgb", "rf", "logreg"), folds: int = 5,
                    window: int = 20) -> TypingEvaluation:
    """Metrics and detectors, real held-out people vs their synthetic twins (see the module docstring).

    ``max_people`` keeps a seeded random subset of the held-out people (quick runs, tests).

    >>> ev = evaluate_typing(max_people=60, families=("hgb",))  # doctest: +SKIP
    >>> ev.best[0]  # doctest: +SKIP
    'hgb'
    """
    ks_all = keystrokes(read_aalto(root))
    fit_mask = np.array([is_fit_participant(p.rsplit("/", 1)[-1]) for p in ks_all.person])
    ks_fit = ks_all.take(fit_mask)
    ks_eval = ks_all.take(~fit_mask)
    people = np.array(sorted(set(ks_eval.person)))
    if max_people is not None and max_people < len(people):
        people = np.sort(np.random.default_rng(seed).choice(people, max_people, replace=False))
        ks_eval = ks_eval.take(np.isin(ks_eval.person, people))
    sent = read_aalto_sentences(root, subset="eval")
    sent = sent[sent["person"].isin(people) & sent["session_id"].isin(set(ks_eval.session))]
    ks_syn = keystrokes(synthetic_twins(sent, seed=seed))
    ref = letter_bigram_medians(ks_fit)
    logmean = bigram_log_means(ks_fit)
    table = compare_typing(ks_eval, ks_syn, ref)
    fr = window_features(ks_eval, logmean, window)
    fs = window_features(ks_syn, logmean, window)
    # A real person and their twin type the same sentences: keep them in the same fold.
    g_real = fr["person"].to_numpy()
    g_syn = np.array(["aalto/" + p.split("/")[1] for p in fs["person"]], dtype=object)
    auc = typing_discriminator(fr, fs, groups_a=g_real, groups_b=g_syn, families=families, folds=folds, seed=seed)
    half = np.array([int(hashlib.sha256(f"half:{seed}:{p}".encode()).hexdigest(), 16) % 2 for p in fr["person"]], bool)
    floor = typing_discriminator(fr[half], fr[~half], families=families, folds=folds, seed=seed)
    return TypingEvaluation(table=table, auc=auc, floor=floor, real=ks_eval, synth=ks_syn, bigram_ref=ref,
                            n_people=len(people), n_windows=(len(fr), len(fs)))
