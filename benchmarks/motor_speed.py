"""Motor-model speed benchmark: mouse samples and keystrokes planned per second on one core.

Plans a batch of pointer moves with :func:`synthgen.motor.mouse.plan_moves_batch` (the vectorised
path; ``plan_move`` is the same code with one row; reaches of 8 px or more come from the learned step
model, and the parametric planner alone is timed too) and a few paragraphs of typing with
:func:`synthgen.motor.keyboard.plan_typing`. The last line is the mouse samples/s figure.

    python benchmarks/motor_speed.py [--moves N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import numpy as np  # noqa: E402

from synthgen.motor.keyboard import plan_typing  # noqa: E402
from synthgen.motor.mouse import plan_move, plan_moves_batch  # noqa: E402
from synthgen.motor.params import MouseParams, sample_motor_profile  # noqa: E402
from synthgen.motor.types import Box  # noqa: E402

_TEXT = ("The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! "
         "How vexingly quick daft zebras jump; Sphinx of black quartz, judge my vow.\n")


def _batch_inputs(rng: np.random.Generator, n: int, vp: tuple[int, int]) -> tuple[np.ndarray, ...]:
    starts = np.c_[rng.uniform(0, vp[0], n), rng.uniform(0, vp[1], n)]
    w, h = rng.uniform(10, 200, n), rng.uniform(10, 60, n)
    boxes = np.c_[rng.uniform(0, vp[0] - w), rng.uniform(0, vp[1] - h), w, h]
    return starts, boxes, rng.uniform(0, 1e6, n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=20_000, help="moves per batch")
    ap.add_argument("--repeat", type=int, default=5, help="batches (best time counts)")
    args = ap.parse_args(argv)
    vp = (1920, 1080)
    rng = np.random.default_rng(0)
    p = MouseParams()
    starts, boxes, t0s = _batch_inputs(rng, args.moves, vp)
    plan_moves_batch(rng, p, starts[:100], boxes[:100], t0s[:100], vp)  # warm-up

    def best_batch() -> tuple[float, int]:
        """The best of ``--repeat`` timed batches: (seconds, samples planned)."""
        best, samples = float("inf"), 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            b = plan_moves_batch(rng, p, starts, boxes, t0s, vp)
            dt = time.perf_counter() - t
            if dt < best:
                best, samples = dt, b.n_samples
        return best, samples

    best, samples = best_batch()
    batch_rate = samples / best

    from synthgen.motor import mouse

    mouse.LEARNED = False  # the parametric planner alone, for comparison (nudges, drags and idle drift use it)
    best_p, samples_p = best_batch()
    mouse.LEARNED = True

    n_single = 2000
    t = time.perf_counter()
    single_samples = 0
    for i in range(n_single):
        bx = boxes[i]
        path, _ = plan_move(rng, p, (float(starts[i, 0]), float(starts[i, 1])), Box(*map(float, bx)), 0.0, vp)
        single_samples += len(path)
    dt_single = time.perf_counter() - t

    prof = sample_motor_profile(np.random.default_rng(1))
    text = _TEXT * 20
    t = time.perf_counter()
    keys = 0
    for _ in range(10):
        keys += len(plan_typing(rng, prof.keyboard, text, 0.0))
    dt_keys = time.perf_counter() - t

    print(f"plan_moves_batch: {args.moves} moves, {samples} samples in {best * 1000:.1f} ms "
          f"({args.moves / best:,.0f} moves/s, {samples / args.moves:.1f} samples/move)")
    print(f"parametric planner alone: {samples_p / best_p:,.0f} samples/s ({args.moves / best_p:,.0f} moves/s)")
    print(f"plan_move (one at a time): {n_single / dt_single:,.0f} moves/s, {single_samples / dt_single:,.0f} samples/s")
    print(f"plan_typing: {keys / dt_keys:,.0f} keystrokes/s ({keys} KeyActions)")
    print(f"mouse samples/s {batch_rate:,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
