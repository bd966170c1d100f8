"""The discriminator says 0.5 for the same data and ~1 for robot-like straight constant-speed lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgen.fidelity.discriminator import discriminate, discriminator_auc
from synthgen.fidelity.moves import DISCRIMINATOR_FEATURES, move_features, segment_moves
from synthgen.fidelity.readers import coerce_events


@pytest.fixture(scope="module")
def real_moves(freihaut):
    return move_features(segment_moves(freihaut, click_time="up"))


def _robot_events(real: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """A bot: for each session, straight lines at constant speed between the same kind of points."""
    rng = np.random.default_rng(seed)
    frames = []
    for s in range(40):
        rows, pos, t = [], np.array([955.0, 628.0]), 0.0
        for k in range(25):
            ang = rng.uniform(0, 2 * np.pi)
            tgt = np.array([955.0, 628.0]) + (300.0 * np.array([np.cos(ang), np.sin(ang)]) if k % 2 == 0 else 0.0)
            n = int(rng.integers(30, 45))
            for i in range(1, n + 1):
                p = pos + (tgt - pos) * i / n
                rows.append({"t_ms": t + 16.67 * i, "type": "mousemove", "x": p[0], "y": p[1], "buttons": 0})
            t += 16.67 * n + 5.0
            rows += [{"t_ms": t, "type": "mousedown", "x": tgt[0], "y": tgt[1], "button": 0, "buttons": 1},
                     {"t_ms": t + 5.0, "type": "mouseup", "x": tgt[0], "y": tgt[1], "button": 0, "buttons": 0}]
            pos, t = tgt, t + 300.0
        df = pd.DataFrame(rows).assign(session_id=f"bot{s}")
        df["seq"] = np.arange(len(df))
        frames.append(df)
    return coerce_events(pd.concat(frames, ignore_index=True))


def test_same_data_is_indistinguishable(real_moves):
    idx = np.random.default_rng(1).permutation(len(real_moves))
    a, b = real_moves.iloc[idx[::2]], real_moves.iloc[idx[1::2]]
    auc = discriminator_auc(a, b, seed=0, n_estimators=60)
    assert 0.4 <= auc <= 0.6, auc


def test_constant_speed_lines_are_caught(real_moves):
    bot = move_features(segment_moves(_robot_events(real_moves), click_time="up"))
    assert len(bot) > 500
    res = discriminate(real_moves, bot, seed=0, n_estimators=60)
    assert res.auc > 0.9, res
    assert list(res.importances.index) == sorted(DISCRIMINATOR_FEATURES, key=lambda f: -res.importances[f])
    assert res.importances.sum() == pytest.approx(1.0)
    assert len(res.fold_aucs) == 5 and res.n_per_class == min(len(real_moves), len(bot))


def test_seeded_and_validates(real_moves):
    a = real_moves.iloc[:300]
    b = real_moves.iloc[300:600]
    assert discriminator_auc(a, b, seed=3, n_estimators=20) == discriminator_auc(a, b, seed=3, n_estimators=20)
    with pytest.raises(ValueError, match="moves"):
        discriminator_auc(a.iloc[:4], b, seed=0)
    with pytest.raises(ValueError, match="features"):
        discriminator_auc(a, b, features=["nope"])
