"""Whether a dataset has enough pointing moves for ``synthgen report``'s discriminator AUC to mean anything.

The report trains a detector to tell the dataset's click-to-click moves (over 50 px) from a reference's
and prints its cross-validated ROC AUC. With few moves that number is noise: by Hanley & McNeil's standard
error of an AUC (Radiology 1982), 51 moves a side give +-0.05 at AUC 0.75 (a 95% interval of 0.65-0.85, from
"hard to tell" to "easily told apart"), 200 give +-0.024. Below :data:`MIN_MOVES` the report is refused with
the count and what to do; ``--min-moves`` lowers the bar for someone who knows what they are reading.

>>> round(auc_standard_error(0.75, 51), 3), round(auc_standard_error(0.75, 200), 3)
(0.048, 0.024)
"""

from __future__ import annotations

import math
from pathlib import Path

from synthgen.errors import ConfigError

__all__ = ["MIN_MOVES", "auc_standard_error", "count_moves", "check_enough_moves"]

#: the fewest click-to-click moves a dataset needs before the report prints a detector's AUC
MIN_MOVES = 200


def auc_standard_error(auc: float, n: int) -> float:
    """Hanley & McNeil's standard error of an AUC with ``n`` cases in each class."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (n - 1) * (q1 - auc * auc) + (n - 1) * (q2 - auc * auc)) / (n * n)
    return math.sqrt(max(var, 0.0))


def count_moves(dataset: Path, reference: str = "freihaut") -> int:
    """The click-to-click moves of the dataset the report's detector would compare (its own segmentation)."""
    from synthgen.fidelity.moves import freihaut_recording, segment_moves
    from synthgen.fidelity.readers import read_dataset

    events = read_dataset(dataset)
    if reference == "freihaut":
        events, _ = freihaut_recording(events)
        return len(segment_moves(events, click_time="up"))
    return len(segment_moves(events, click_time="down"))


def check_enough_moves(dataset: Path, reference: str = "freihaut", min_moves: int = MIN_MOVES) -> int:
    """The dataset's move count, or a :class:`ConfigError` naming it, the bar and the fix."""
    n = count_moves(dataset, reference)
    if n < min_moves:
        se = auc_standard_error(0.75, max(n, 2))
        raise ConfigError("dataset", str(dataset), f"has {n} click-to-click moves over 50 px; the report needs at least "
                          f"{min_moves} to print a detector's AUC (with {n} a side its standard error is about "
                          f"+-{se:.2f} at AUC 0.75); generate more sessions (e.g. -n 20), or pass --min-moves {n} "
                          "to write the report anyway")
    return n
