"""How human is the input? Readers of public human datasets, metrics, a discriminator, a report.

* :mod:`~synthgen.fidelity.readers` -- Balabit, Freihaut and synthgen datasets as ``events`` frames.
* :mod:`~synthgen.fidelity.moves` -- click-to-click pointing moves and their features.
* :mod:`~synthgen.fidelity.metrics` -- timing distributions, keyboard figures, Fitts fit, KS/Wasserstein.
* :mod:`~synthgen.fidelity.discriminator` -- real-vs-synthetic classifier AUC (0.5 = indistinguishable).
* :mod:`~synthgen.fidelity.simulate` -- the motor models doing the reference tasks (no browser).
* :mod:`~synthgen.fidelity.evaluate` / :mod:`~synthgen.fidelity.report` -- everything at once; HTML.
* :mod:`~synthgen.fidelity.typing` / :mod:`~synthgen.fidelity.typing_eval` -- Aalto keystrokes: reader,
  typing metrics, keystroke-window discriminator, held-out people vs synthetic twins.

>>> from synthgen.fidelity import read_freihaut, segment_moves, move_features, discriminator_auc
>>> real = move_features(segment_moves(read_freihaut()))  # doctest: +SKIP
"""

from synthgen.fidelity.discriminator import DiscriminatorResult, discriminate, discriminator_auc
from synthgen.fidelity.evaluate import PUBLISHED_TYPING, Evaluation, evaluate
from synthgen.fidelity.metrics import (
    FittsFit, backspace_rate, compare, distance, effective_width, event_distributions, fitts_fit, hold_times,
    inter_key_intervals, mousemove_intervals, press_durations, rollover_ratio, scroll_gaps, typed_text,
    uncorrected_error_rate, wpm,
)
from synthgen.fidelity.moves import (
    DISCRIMINATOR_FEATURES, MOVE_FEATURES, Move, move_features, pointer_samples, segment_moves, speed_profile,
)
from synthgen.fidelity.readers import (
    ReferenceDataNotFound, coerce_events, read_balabit, read_dataset, read_freihaut, reference_root,
)
from synthgen.fidelity.report import write_report
from synthgen.fidelity.typing import (
    Keystrokes, compare_typing, is_fit_participant, keystrokes, read_aalto, read_aalto_sentences, typing_discriminator,
    typing_metrics, window_features,
)
from synthgen.fidelity.typing_eval import TypingEvaluation, evaluate_typing
from synthgen.fidelity.simulate import (
    FREIHAUT_LAYOUT, PointClickLayout, Simulated, infer_point_click_layout, simulate_point_click,
    simulate_scrolling, simulate_typing,
)

__all__ = [
    # readers
    "ReferenceDataNotFound", "reference_root", "coerce_events", "read_balabit", "read_freihaut", "read_dataset",
    # moves
    "Move", "MOVE_FEATURES", "DISCRIMINATOR_FEATURES", "pointer_samples", "segment_moves", "move_features",
    "speed_profile",
    # metrics
    "mousemove_intervals", "press_durations", "scroll_gaps", "inter_key_intervals", "hold_times",
    "rollover_ratio", "wpm", "backspace_rate", "typed_text", "uncorrected_error_rate", "effective_width",
    "fitts_fit", "FittsFit", "distance", "compare", "event_distributions",
    # typing (Aalto keystrokes)
    "read_aalto", "read_aalto_sentences", "is_fit_participant", "Keystrokes", "keystrokes", "typing_metrics",
    "compare_typing", "window_features", "typing_discriminator", "evaluate_typing", "TypingEvaluation",
    # discriminator
    "discriminate", "discriminator_auc", "DiscriminatorResult",
    # simulation, evaluation, report
    "PointClickLayout", "FREIHAUT_LAYOUT", "Simulated", "infer_point_click_layout", "simulate_point_click",
    "simulate_typing", "simulate_scrolling", "evaluate", "Evaluation", "PUBLISHED_TYPING", "write_report",
]
