"""One call that measures synthetic input against a human reference: the numbers behind the
benchmark (``benchmarks/fidelity.py``) and the HTML report (:mod:`synthgen.fidelity.report`).

Pointing is compared with the Freihaut point-click task (or Balabit), press durations and scroll
gaps with Balabit, typing with published figures (Dhakal et al., CHI 2018: no raw keystroke file
is in the reference folder).

>>> ev = evaluate(quick=True)  # doctest: +SKIP
>>> 0.0 <= ev.discriminator.auc <= 1.0  # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from synthgen.errors import ConfigError
from synthgen.fidelity import metrics as M
from synthgen.fidelity.discriminator import DiscriminatorResult, discriminate
from synthgen.fidelity.moves import Move, freihaut_recording, move_features, segment_moves
from synthgen.fidelity.readers import read_balabit, read_freihaut

__all__ = ["PUBLISHED_TYPING", "REFERENCES", "Evaluation", "evaluate", "typing_summary"]

#: Typing figures of Dhakal, Feit, Kristensson & Oulasvirta (CHI 2018), 136M keystrokes.
PUBLISHED_TYPING: dict[str, float] = {
    "wpm_mean": 52.0,
    "wpm_sd": 20.0,
    "iki_mean_ms": 240.0,
    "hold_mean_ms": 115.0,
    "rollover_ratio": 0.25,
    "backspace_rate": 0.02,
    "uncorrected_error_rate": 0.01,
}

REFERENCES = ("freihaut", "balabit")

# Movement features shown in the table (the rest are in the discriminator and the frames).
_TABLE_MOVE = ("distance", "straightness", "movement_time_ms", "duration_ms", "dwell_ms", "mean_speed",
               "peak_speed", "time_to_peak", "submovements", "log_jerk", "max_deviation", "overshoot",
               "n_samples", "interval_cv")


@dataclass
class Evaluation:
    """Everything measured: per-move features, distributions, the comparison table, fits and AUC."""

    reference: str
    real_moves: pd.DataFrame
    synth_moves: pd.DataFrame
    real_move_paths: list[Move]
    synth_move_paths: list[Move]
    real_dists: dict[str, np.ndarray]
    synth_dists: dict[str, np.ndarray]
    table: pd.DataFrame
    typing: pd.DataFrame
    fitts_real: M.FittsFit
    fitts_synth: M.FittsFit
    fitts_synth_known: M.FittsFit | None
    discriminator: DiscriminatorResult
    baseline_auc: float | None = None
    notes: list[str] = field(default_factory=list)


def typing_summary(events: pd.DataFrame, texts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Synthetic typing figures next to the published ones (KS only for WPM, against N(52, 20)).

    >>> typing_summary(pd.DataFrame(columns=["session_id", "seq", "t_ms", "type", "key", "code"])).metric.tolist()[:2]
    ['wpm_mean', 'wpm_sd']
    """
    w = M.wpm(events)
    iki, hold = M.inter_key_intervals(events), M.hold_times(events)
    got = {
        "wpm_mean": float(w.mean()) if len(w) else np.nan,
        "wpm_sd": float(w.std(ddof=1)) if len(w) > 1 else np.nan,
        "iki_mean_ms": float(iki.mean()) if len(iki) else np.nan,
        "hold_mean_ms": float(hold.mean()) if len(hold) else np.nan,
        "rollover_ratio": M.rollover_ratio(events),
        "backspace_rate": M.backspace_rate(events),
        "uncorrected_error_rate": M.uncorrected_error_rate(events, texts) if texts else np.nan,
    }
    ks = float(stats.kstest(w, "norm", args=(PUBLISHED_TYPING["wpm_mean"], PUBLISHED_TYPING["wpm_sd"])).statistic) if len(w) else np.nan
    rows = [{"metric": k, "published": PUBLISHED_TYPING[k], "synthetic": got[k],
             "ks": ks if k == "wpm_mean" else np.nan} for k in PUBLISHED_TYPING]
    return pd.DataFrame(rows)


def _dist_rows(name: str, source: str, a: np.ndarray, b: np.ndarray) -> dict:
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    ks, w = M.distance(a, b)
    q = lambda v, p: float(np.percentile(v, p)) if len(v) else np.nan  # noqa: E731
    return {"metric": name, "real_source": source, "n_real": len(a), "n_synth": len(b),
            "real_median": q(a, 50), "real_p25": q(a, 25), "real_p75": q(a, 75),
            "synth_median": q(b, 50), "synth_p25": q(b, 25), "synth_p75": q(b, 75), "ks": ks, "wasserstein": w}


def evaluate(synth_events: pd.DataFrame | None = None, *, reference: str = "freihaut", seed: int = 0,
             quick: bool = False, widths: Mapping[tuple[str, int], float] | None = None,
             texts: Mapping[str, str] | None = None, baseline: bool = True) -> Evaluation:
    """Measure synthetic events (simulated with ``seed`` when None) against the human reference.

    ``quick`` reads fewer Balabit sessions and simulates fewer typists and scrollers; the
    point-click comparison is always full size (it is the AUC's sample). ``baseline`` also scores
    the discriminator on two halves of the real data (people vs people: the floor to expect).
    """
    if reference not in REFERENCES:
        raise ConfigError("reference", reference, f"must be one of {', '.join(REFERENCES)}")
    notes: list[str] = []
    balabit = read_balabit(max_sessions=12 if quick else None)

    if synth_events is None:
        from synthgen.fidelity.simulate import simulate_point_click, simulate_scrolling, simulate_typing

        from synthgen.motor.mouse import recording_style

        with recording_style("freihaut"):  # the simulator re-enacts Freihaut's task, as its page logged it
            pc = simulate_point_click(seed=seed)
        parts, widths, texts = [pc.events], dict(pc.widths), {}
        for name, fn, n in (("typing", simulate_typing, 30 if quick else 100),
                            ("scrolling", simulate_scrolling, 20 if quick else 60)):
            try:
                sim = fn(n_personas=n, seed=seed)
            except ImportError as exc:  # the motor model for it has not landed yet
                notes.append(f"no synthetic {name}: {exc}")
                continue
            parts.append(sim.events)
            texts.update(sim.texts)
        synth_events = pd.concat(parts, ignore_index=True)
        notes.append(f"synthetic data simulated by synthgen.fidelity.simulate (seed {seed})")

    mm = synth_events[synth_events["type"] == "mousemove"]
    if len(mm):
        frac = float(np.mean((mm["x"].to_numpy(float) % 1 != 0) | (mm["y"].to_numpy(float) % 1 != 0)))
        if frac > 0:
            notes.append(f"{frac:.0%} of synthetic mousemove coordinates are fractional; a real 1x display "
                         "reports whole px (the metrics round them)")

    if reference == "freihaut":
        real_pointing = read_freihaut()
        # Freihaut timestamps the DOM click (at release): end moves at the release on both sides.
        seg = {"click_time": "up"}
        fitts_width = "effective"
    else:
        real_pointing = balabit
        seg = {"click_time": "down"}
        fitts_width = "unit"
        notes.append("Balabit was recorded over remote desktop at ~100 ms batches: interval features differ by design")

    synth_pointing = synth_events
    if reference == "freihaut":
        # Both sides as the Freihaut recorder logs them (no button state, clicks at the release); the
        # real frames pass unchanged, the synthetic ones keep a slip during a press in the move.
        real_pointing, _ = freihaut_recording(real_pointing)
        synth_pointing, widths = freihaut_recording(synth_events, widths)
    rp = segment_moves(real_pointing, **seg)
    sp = segment_moves(synth_pointing, widths=widths, **seg)
    rm, sm = move_features(rp), move_features(sp)
    if len(sm) < 10:
        raise ConfigError("synth_events", f"{len(sm)} moves", "too few click-to-click moves over 50 px to compare")

    real_d = {"mousemove_interval_ms": M.mousemove_intervals(real_pointing),
              "press_ms": M.press_durations(balabit), "scroll_gap_ms": M.scroll_gaps(balabit)}
    synth_d = {"mousemove_interval_ms": M.mousemove_intervals(synth_events),
               "press_ms": M.press_durations(synth_events), "scroll_gap_ms": M.scroll_gaps(synth_events),
               "iki_ms": M.inter_key_intervals(synth_events), "hold_ms": M.hold_times(synth_events)}

    rows = [_dist_rows(f, reference, rm[f].to_numpy(), sm[f].to_numpy()) for f in _TABLE_MOVE]
    rows.append(_dist_rows("mousemove_interval_ms", reference, real_d["mousemove_interval_ms"], synth_d["mousemove_interval_ms"]))
    rows.append(_dist_rows("press_ms", "balabit", real_d["press_ms"], synth_d["press_ms"]))
    rows.append(_dist_rows("scroll_gap_ms", "balabit", real_d["scroll_gap_ms"], synth_d["scroll_gap_ms"]))
    table = pd.DataFrame(rows)

    disc = discriminate(rm, sm, seed=seed, n_estimators=100 if quick else 200)
    base = None
    if baseline:
        from synthgen.fidelity.mouse_detect import person_of

        # Halves by person (not by session: one person's two sessions would sit on both sides).
        who = rm["session_id"].map(person_of)
        people = np.array(sorted(who.unique()))
        np.random.default_rng(seed).shuffle(people)
        half = set(people[: len(people) // 2])
        a, b = rm[who.isin(half)], rm[~who.isin(half)]
        if min(len(a), len(b)) >= 20:
            base = discriminate(a, b, seed=seed, n_estimators=100 if quick else 200).auc

    known = M.fitts_fit(sm, width="known") if sm["width"].notna().any() else None
    return Evaluation(
        reference=reference, real_moves=rm, synth_moves=sm, real_move_paths=rp, synth_move_paths=sp,
        real_dists=real_d, synth_dists=synth_d, table=table, typing=typing_summary(synth_events, texts),
        fitts_real=M.fitts_fit(rm, width=fitts_width), fitts_synth=M.fitts_fit(sm, width=fitts_width),
        fitts_synth_known=known, discriminator=disc, baseline_auc=base, notes=notes,
    )
