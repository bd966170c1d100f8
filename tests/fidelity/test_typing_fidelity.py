"""Typing fidelity: the keystroke reader/metrics on small frames, and the fitted keyboard model against
held-out Aalto participants (skipped when ../shared/reference/keyboard/aalto is absent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgen.fidelity.typing import (
    AALTO_SUBDIR, WINDOW_FEATURES, actions_to_events, compare_typing, is_fit_participant, keystrokes, typing_metrics,
    typing_discriminator, window_features,
)
from synthgen.motor.keyboard import plan_typing
from synthgen.motor.params import KeyboardParams

# benchmarks/fidelity.py on all 357 held-out people reached AUC_REACHED (HistGradientBoosting, the
# strongest family). This test uses 60 people and 4 folds for speed, where the detector has less to learn
# from: it measured 0.769, 0.785, 0.769 on seeds 0-2 (seed 0 here). The bound leaves room for that noise
# and for harmless model changes, not for a return to the hand-tuned model (0.988 in issue 16).
AUC_REACHED = 0.849
AUC_BOUND = 0.82


def _planned(text: str, n: int = 30, people: int = 3, **kw) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return actions_to_events({f"synth/p{i % people}/{i}": plan_typing(rng, KeyboardParams(**kw), text, 0.0,
                                                                      compose=False) for i in range(n)})


def test_keystrokes_pair_presses_with_releases() -> None:
    ev = _planned("The cat sat on the mat.")
    ks = keystrokes(ev)
    assert np.all(ks.hold > 0) and len(ks) == int((ev["type"] == "keydown").sum())
    assert set(ks.person) == {"synth/p0", "synth/p1", "synth/p2"}


def test_metrics_see_the_shift_and_the_space() -> None:
    m = typing_metrics(keystrokes(_planned("The cat sat on the mat. Then I went Home.", n=60)))
    assert m["shift_lead_median"] > 0 and m["shift_per_1000"] > 0
    assert m["after_space"] > m["into_space"]  # the pause sits after the space (fitted, as in the data)
    assert 0.0 <= m["rollover"] <= 1.0 and m["iki_p99"] > m["iki_median"]


def test_capslock_runs_are_counted_and_replay() -> None:
    from synthgen.motor.keyboard import replay_text

    rng = np.random.default_rng(1)
    p = KeyboardParams(capslock_share=1.0, typo_substitution=0.0, typo_insertion=0.0, typo_omission=0.0,
                       typo_transposition=0.0)
    acts = plan_typing(rng, p, "I met NASA people in Paris.", 0.0, capslock=True)
    assert replay_text(acts) == "I met NASA people in Paris."
    assert [a.key for a in acts].count("CapsLock") == 6 and not any(a.key == "Shift" for a in acts)
    m = typing_metrics(keystrokes(actions_to_events({"s/p/1": acts})))
    assert m["capslock_per_1000"] > 100


def test_window_features_and_discriminator_floor() -> None:
    ks = keystrokes(_planned("We are working on this as we speak, she said.", n=120, people=6))
    f = window_features(ks, {}, size=10)
    assert list(f.columns[:len(WINDOW_FEATURES)]) == list(WINDOW_FEATURES) and len(f) > 100
    half = f["person"].isin(["synth/p0", "synth/p1", "synth/p2"])
    auc = typing_discriminator(f[half], f[~half], families=("logreg",), folds=2)["logreg"][0]
    assert auc < 0.75  # the same persona on both sides: nothing to learn but noise


def test_split_is_fixed_and_about_seventy_percent() -> None:
    share = np.mean([is_fit_participant(i) for i in range(5000)])
    assert 0.67 < share < 0.73
    assert [is_fit_participant(i) for i in (1002, 7001)] == [is_fit_participant(1002), is_fit_participant(7001)]


def test_compare_typing_table() -> None:
    ks = keystrokes(_planned("Hello there, Bob.", n=12))
    t = compare_typing(ks, ks)
    assert {"metric", "label", "real", "synthetic"} <= set(t.columns)
    both = t.dropna(subset=["real"])
    assert np.allclose(both["real"], both["synthetic"])


@pytest.fixture(scope="module")
def aalto(ref_root):
    d = ref_root / AALTO_SUBDIR
    if not (d / "keystrokes.csv").is_file():
        pytest.skip(f"Aalto keystroke reference data not found at {d} (../shared/reference/keyboard/aalto)")
    return ref_root


def test_typing_auc_stays_low_on_held_out_people(aalto) -> None:
    from synthgen.fidelity.typing_eval import evaluate_typing

    ev = evaluate_typing(aalto, seed=0, max_people=60, families=("hgb",), folds=4)
    auc = ev.auc["hgb"][0]
    assert auc <= AUC_BOUND, (auc, ev.floor)
    # The held-out people were not fitted on, and the real-vs-real floor is near chance.
    assert not any(is_fit_participant(p.rsplit("/", 1)[-1]) for p in set(ev.real.person))
    assert ev.floor["hgb"][0] < 0.68  # 0.54-0.62 measured on 60 people
    t = ev.table.set_index("metric")
    # The rows of issue 16, each within a band around the real value.
    assert abs(t.at["backspace_share", "synthetic"] - t.at["backspace_share", "real"]) < 0.015
    assert t.at["after_space", "synthetic"] > 1.3 * t.at["into_space", "synthetic"]
    assert t.at["shift_release", "synthetic"] < 0  # Shift comes up before the capital
    assert 0.5 < t.at["shift_lead_median", "synthetic"] / t.at["shift_lead_median", "real"] < 1.5
    assert t.at["bigram_slope", "synthetic"] > 0.75
    assert t.at["capslock_per_1000", "synthetic"] > 1.0
