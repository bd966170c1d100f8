"""Human motor models: pure numpy planners of pointer, keyboard and wheel input on a synthetic clock.

Every planner takes a seeded :class:`numpy.random.Generator` first and returns absolute times in ms;
nothing here touches a browser or the wall clock.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> prof = sample_motor_profile(rng)
>>> path, end = plan_move(rng, prof.mouse, (10.0, 10.0), Box(300, 200, 80, 24), 0.0, (1280, 720))
>>> replay_text(plan_typing(rng, prof.keyboard, "hi!", path.end_ms, allow_uncorrected=False))
'hi!'
"""

from synthgen.motor.keyboard import WPM_CALIBRATION, plan_keys, plan_typing, replay_text, typing_wpm
from synthgen.motor.layout import key_for_char, neighbours
from synthgen.motor.mouse import MoveBatch, fitts_id, plan_click, plan_drag, plan_idle, plan_move, plan_moves_batch
from synthgen.motor.params import KeyboardParams, MotorProfile, MouseParams, ScrollParams, sample_motor_profile
from synthgen.motor.scroll import plan_scroll
from synthgen.motor.timing import frame_times, lognormal, lognormal_ms, sigma_from_iqr, think_ms
from synthgen.motor.types import Box, ButtonAction, KeyAction, MousePath, WheelPath

__all__ = [
    # plan types
    "Box", "MousePath", "ButtonAction", "KeyAction", "WheelPath",
    # parameters and the population
    "MouseParams", "KeyboardParams", "ScrollParams", "MotorProfile", "sample_motor_profile",
    # mouse
    "plan_move", "plan_moves_batch", "MoveBatch", "plan_click", "plan_drag", "plan_idle", "fitts_id",
    # keyboard
    "plan_typing", "plan_keys", "replay_text", "key_for_char", "neighbours", "typing_wpm", "WPM_CALIBRATION",
    # scroll
    "plan_scroll",
    # timing
    "think_ms", "frame_times", "lognormal", "lognormal_ms", "sigma_from_iqr",
]
