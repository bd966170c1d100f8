"""Per-persona motor parameters (pydantic, frozen, JSON-serialisable) and the population they come from.

Defaults describe a median person; :func:`sample_motor_profile` draws one persona from a human
population calibrated on the reference data (see ``shared/reference/README.md``): typing speed
mean 52 WPM (SD 20), pointing throughput about 3.7-4.9 bits/s, click hold median about 105 ms,
60/40 wheel vs trackpad.

>>> prof = sample_motor_profile(np.random.default_rng(7))
>>> 15 <= prof.keyboard.wpm <= 130 and 3.0 < prof.mouse.throughput_bps < 6.0
True
>>> MotorProfile.model_validate_json(prof.model_dump_json()) == prof
True
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MouseParams", "KeyboardParams", "ScrollParams", "MotorProfile", "sample_motor_profile"]

_CFG = ConfigDict(frozen=True, extra="forbid")


class MouseParams(BaseModel):
    """How one person points, clicks and drags.

    >>> round(MouseParams().throughput_bps, 2)
    4.55
    """

    model_config = _CFG

    # The defaults of the movement fields below (Fitts intercept to report_ms, and preclick_pause_ms)
    # are population medians fitted to the Freihaut & Goritz point-click moves with
    # benchmarks/calibrate_mouse.py (evolution strategy minimising the real-vs-synthetic discriminator
    # AUC plus the mean KS distance of the move features, simulation seeds 1 and 2, values rounded to
    # 3 digits); frame_ms is measured from the reference clock. The Fitts slope is fixed at an ISO
    # 9241-9 figure: that task has a single ID.
    # Fitts's law MT = a + b * log2(D/W + 1), for onset -> arrival of the pointer.
    fitts_a_ms: float = Field(20.9, ge=0.0, le=600.0, description="Fitts intercept (ms)")
    fitts_b_ms: float = Field(220.0, ge=60.0, le=500.0, description="Fitts slope (ms/bit)")
    mt_sigma: float = Field(0.129, ge=0.0, le=0.6, description="move-to-move log-sigma of movement time")
    # Shape of the primary (ballistic) stroke.
    stroke_sigma: float = Field(0.199, ge=0.08, le=0.6, description="sigma-lognormal sigma (skew) of strokes")
    stroke_cut_z: float = Field(2.59, ge=1.2, le=3.5, description="strokes start at this z of their profile")
    stroke_stop_z: float = Field(2.67, ge=1.0, le=3.5, description="... and stop at this z (lower: a crisper stop)")
    stroke_cut_sd: float = Field(0.3, ge=0.0, le=1.0, description="stroke-to-stroke SD of that cut")
    primary_share: float = Field(0.387, ge=0.25, le=0.9,
                                 description="share of the movement time taken by the primary stroke")
    primary_gain: float = Field(0.887, ge=0.75, le=1.05, description="mean fraction of distance the primary covers")
    primary_gain_sd: float = Field(0.134, ge=0.0, le=0.2, description="SD of that fraction")
    sloppy_prob: float = Field(0.0918, ge=0.0, le=0.5, description="P(a careless primary with a large miss)")
    lateral_error: float = Field(0.108, ge=0.0, le=0.15, description="SD of the primary's sideways miss / distance")
    curvature: float = Field(0.513, ge=0.0, le=1.2, description="SD of total turning of the primary stroke (rad)")
    curvature_bias: float = Field(0.4, ge=0.0, le=1.0, description="how consistently paths bulge to one side")
    bulge_angle: float = Field(1.57, ge=-math.pi, le=math.pi, description="preferred bulge direction (rad, screen)")
    submovements: float = Field(4.0, ge=0.0, le=4.0, description="corrective submovement tendency (per ~3 bits)")
    twitch_prob: float = Field(0.389, ge=0.0, le=1.0, description="P(a 1-2 px nudge and a pause before moving)")
    twitch_pause_ms: float = Field(55.3, ge=10.0, le=300.0, description="median pause after that nudge")
    premove_prob: float = Field(0.654, ge=0.0, le=1.0, description="P(a slow small shift before the primary)")
    premove_gain: float = Field(0.152, ge=0.0, le=0.3, description="mean share of the distance it covers")
    premove_angle: float = Field(0.8, ge=0.0, le=3.2, description="SD of its direction off the target line (rad)")
    premove_ms: float = Field(130.0, ge=40.0, le=500.0, description="median duration of that shift")
    correction_ms: float = Field(46.0, ge=20.0, le=400.0,
                                 description="corrective stroke time per bit of its residual at ~4 px precision (ms)")
    correction_gain: float = Field(0.893, ge=0.7, le=1.2,
                                   description="mean fraction of its residual a correction covers")
    error_time: float = Field(0.972, ge=0.0, le=1.0,
                              description="how much a larger miss than usual lengthens the move (0: not at all)")
    reversal_wait_ms: float = Field(62.3, ge=0.0, le=400.0,
                                    description="median stop before turning back after an overshoot (0: none)")
    correction_onset: float = Field(0.55, ge=0.3, le=2.0,
                                    description="a correction starts at this share of the previous stroke")
    correction_onset_sd: float = Field(0.2, ge=0.0, le=0.8, description="SD of that share")
    correction_pause: float = Field(0.412, ge=0.0, le=1.0,
                                    description="share of spare movement time spent nearly still between strokes")
    overshoot_prob: float = Field(0.116, ge=0.0, le=0.8, description="overshoot probability on hard moves (ID >= 4)")
    speed_noise: float = Field(0.404, ge=0.0, le=0.6, description="relative fluctuation of speed along a stroke")
    overshoot_size: float = Field(0.11, ge=0.0, le=0.4, description="mean overshoot beyond the target / distance")
    tremor_px: float = Field(1.55, ge=0.0, le=5.0, description="speed-dependent path noise amplitude (px)")
    jitter_px: float = Field(0.149, ge=0.0, le=5.0,
                             description="frame-to-frame position jitter per px/ms of speed (px, SD)")
    click_spread: float = Field(0.15, ge=0.02, le=0.35, description="click point SD / target side")
    click_spread_max_px: float = Field(12.0, ge=1.0, le=60.0, description="cap on click point SD (px)")
    # Buttons.
    press_median_ms: float = Field(105.0, ge=50.0, le=250.0, description="press-to-release median (ms)")
    press_sigma: float = Field(0.32, ge=0.05, le=0.8, description="press-to-release log-sigma")
    slip_prob: float = Field(0.166, ge=0.0, le=0.6, description="P(the pointer shifts a pixel or few during a press)")
    slip_follow: float = Field(0.708, ge=0.0, le=1.0,
                               description="share of those shifts that carry on in the approach direction")
    slip_release: float = Field(0.323, ge=0.0, le=1.0, description="share of those slips made as the button is released")
    dblclick_gap_ms: float = Field(110.0, ge=40.0, le=300.0, description="release-to-press gap in double clicks")
    preclick_pause_ms: float = Field(63.5, ge=0.0, le=1000.0, description="median still time before a press")
    preclick_sigma: float = Field(0.55, ge=0.0, le=1.5, description="log-sigma of the pre-click pause")
    # Timing context.
    onset_ms: float = Field(55.0, ge=0.0, le=500.0, description="median latency from decision to motion onset")
    onset_sigma: float = Field(0.9, ge=0.0, le=1.5, description="log-sigma of that latency")
    homing_ms: float = Field(360.0, ge=100.0, le=1200.0, description="median hand travel keyboard -> mouse")
    # 16.681 ms (59.95 Hz), not 16.667: every Freihaut session's mousemove clock runs at 16.679-16.684 ms
    # per frame (a display's true rate and the page clock drift apart; 59.94 Hz panels are common).
    frame_ms: float = Field(16.681, ge=4.0, le=50.0, description="display frame interval (ms)")
    frame_jitter_ms: float = Field(0.172, ge=0.0, le=4.0, description="SD of the frame time jitter (ms)")
    report_ms: float = Field(4.0, ge=0.0, le=20.0,
                             description="mouse report interval (ms); a frame shows the last report's position")
    fitted_clock: bool = Field(True, description="event times from the fitted clock (data/mouse_fit.json); "
                               "False: a frame grid with frame_jitter_ms")
    # The fitted clock is on; the sensor's count quantisation is off by default: measured against the
    # strong detector on held-out people it did not lower the AUC (0.970 with it, 0.964 without).
    sensor_gain: float = Field(0.0, ge=0.0, le=3.0,
                               description="pointer gain relative to the fitted median (0: no count quantisation)")
    drag_slowdown: float = Field(1.4, ge=1.0, le=3.0, description="movement-time factor with a button held")
    # Idle drift, set on Balabit's fit people (office work; synthgen.fidelity.idle, benchmarks/idle_pointer.py):
    # between presses their pointer rests 72.8% of the time in bouts of median 0.38 s. The old 0.15 Hz of 5 px
    # left make-demo output at rest 91.6% of it in bouts of median 2.6 s; 1.6 Hz of 8 px gives 73.5% (bouts
    # median 0.55 s) on the product's output; Balabit's held-out people: 73.7% (median 0.37 s).
    idle_drift_rate_hz: float = Field(1.6, ge=0.0, le=5.0, description="small idle drifts per second")
    idle_drift_px: float = Field(8.0, ge=0.0, le=40.0, description="median idle drift distance (px)")

    @property
    def throughput_bps(self) -> float:
        """Pointing throughput implied by the Fitts slope: ``1000 / b`` bits/s."""
        return 1000.0 / self.fitts_b_ms


class KeyboardParams(BaseModel):
    """How one person types.

    The defaults are the centre of the population fitted to the Aalto keystrokes (see
    :mod:`synthgen.motor.typing_model`): a median typist. Fields marked *legacy* belong to the earlier
    hand-tuned model; the fitted planner ignores them, they stay so stored personas still load.

    >>> KeyboardParams(wpm=80).wpm
    80.0
    """

    model_config = _CFG

    wpm: float = Field(52.0, ge=5.0, le=200.0, description="typing speed in words (5 chars) per minute")
    iki_sigma: float = Field(0.40, ge=0.1, le=1.0,
                             description="scale of the person's log inter-key interval residual (robust SD)")
    hold_median_ms: float = Field(100.0, ge=40.0, le=250.0, description="key hold (down->up) of a letter, median (ms)")
    hold_sigma: float = Field(0.235, ge=0.05, le=0.8, description="scale of the person's log hold residual")
    rollover: float = Field(0.26, ge=0.0, le=0.9, description="legacy: rollover now follows from holds and IKIs")
    typo_substitution: float = Field(0.027, ge=0.0, le=0.2, description="P(another key instead) per char")
    typo_omission: float = Field(0.0011, ge=0.0, le=0.2, description="P(char skipped) per char")
    typo_insertion: float = Field(0.0059, ge=0.0, le=0.2, description="P(an extra key before the char) per char")
    typo_transposition: float = Field(0.0004, ge=0.0, le=0.2, description="P(char swapped with the next) per char")
    correct_prob: float = Field(0.75, ge=0.0, le=1.0, description="P(a typo is noticed and fixed)")
    notice_chars: float = Field(0.8, ge=0.0, le=5.0, description="legacy: the fitted notice distribution is used")
    correction_delay_ms: float = Field(380.0, ge=50.0, le=3000.0, description="legacy: fitted bigram timing is used")
    backspace_iki_ms: float = Field(150.0, ge=50.0, le=600.0, description="legacy: fitted bigram timing is used")
    word_pause: float = Field(1.25, ge=1.0, le=4.0, description="legacy: fitted bigram timing is used")
    sentence_pause_ms: float = Field(450.0, ge=0.0, le=5000.0,
                                     description="median extra pause before a new sentence inside a text")
    think_ms: float = Field(900.0, ge=0.0, le=20000.0, description="median think-before-field pause (ms)")
    think_sigma: float = Field(0.6, ge=0.0, le=2.0, description="log-sigma of think pauses")
    shift_lead_ms: float = Field(70.0, ge=10.0, le=300.0, description="median modifier lead in chords (plan_keys)")
    capslock_share: float = Field(0.0, ge=0.0, le=1.0,
                                  description="share of capital runs typed with CapsLock (plan_typing(capslock=True))")
    poll_ms: float = Field(1.0, ge=1.0, le=16.0, description="keyboard polling interval: 8 for a 125 Hz USB keyboard")


class ScrollParams(BaseModel):
    """How one person scrolls: notched wheel bursts or trackpad swipes with momentum.

    >>> ScrollParams(style="trackpad").notch_px
    100.0
    """

    model_config = _CFG

    style: Literal["wheel", "trackpad"] = "wheel"
    notch_px: float = Field(100.0, ge=1.0, le=1000.0, description="px per wheel notch (Chromium: 100)")
    burst_notches: float = Field(3.0, ge=1.0, le=20.0, description="mean notches per wheel burst")
    intra_burst_ms: float = Field(20.0, ge=5.0, le=120.0, description="median notch interval in a fast spin")
    notch_roll_ms: float = Field(70.0, ge=20.0, le=400.0, description="median notch interval, notch by notch")
    spin_prob: float = Field(0.45, ge=0.0, le=1.0, description="P(a burst is a fast spin, not notch by notch)")
    inter_burst_ms: float = Field(250.0, ge=80.0, le=3000.0, description="median gap between bursts")
    onset_ms: float = Field(60.0, ge=0.0, le=1000.0, description="median latency before the first event")
    swipe_px: float = Field(650.0, ge=50.0, le=5000.0, description="median distance of one trackpad swipe")
    rise_ms: float = Field(60.0, ge=10.0, le=300.0, description="trackpad: finger acceleration time constant")
    momentum_ms: float = Field(260.0, ge=30.0, le=2000.0,
                               description="trackpad: momentum decay time constant for a median swipe")
    frame_ms: float = Field(16.67, ge=4.0, le=50.0, description="trackpad event interval (ms)")


class MotorProfile(BaseModel):
    """One persona's mouse, keyboard and scroll parameters."""

    model_config = _CFG

    mouse: MouseParams = MouseParams()
    keyboard: KeyboardParams = KeyboardParams()
    scroll: ScrollParams = ScrollParams()


def _bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    lo, hi = -math.inf, math.inf
    for m in model.model_fields[name].metadata:
        lo = float(getattr(m, "ge", lo))
        hi = float(getattr(m, "le", hi))
    return lo, hi


def _clip(v: float, lo: float, hi: float) -> float:
    return float(min(max(v, lo), hi))


# Person-to-person spread around the population centre, per field:
# (kind, sd, loading on typing skill, loading on pointing skill). "log" multiplies the centre by
# exp(sd * z); "add" adds sd * z. z mixes the skill factor (with the loading) and a private draw.
# Typing skill: fast typists vary less, hold keys shorter, roll over more, make fewer errors.
_KEYBOARD_SPREAD: dict[str, tuple[str, float, float, float]] = {
    "iki_sigma": ("add", 0.09, -0.8, 0.0),
    "hold_median_ms": ("log", 0.17, -0.6, 0.0),
    "hold_sigma": ("add", 0.04, 0.0, 0.0),
    "rollover": ("add", 0.22, 0.9, 0.0),
    "typo_substitution": ("log", 0.4, -0.4, 0.0),
    "typo_omission": ("log", 0.4, -0.4, 0.0),
    "typo_insertion": ("log", 0.4, -0.4, 0.0),
    "typo_transposition": ("log", 0.4, 0.3, 0.0),
    "correct_prob": ("add", 0.10, 0.2, 0.0),
    "notice_chars": ("log", 0.4, 0.0, 0.0),
    "correction_delay_ms": ("log", 0.3, -0.4, 0.0),
    "backspace_iki_ms": ("log", 0.22, -0.6, 0.0),
    "word_pause": ("add", 0.12, 0.0, 0.0),
    "sentence_pause_ms": ("log", 0.4, 0.0, 0.0),
    "think_ms": ("log", 0.45, 0.0, 0.0),
    "think_sigma": ("add", 0.1, 0.0, 0.0),
    "shift_lead_ms": ("log", 0.25, -0.4, 0.0),
}
# Pointing skill: better pointers are faster (Fitts slope handled separately via throughput).
_MOUSE_SPREAD: dict[str, tuple[str, float, float, float]] = {
    "fitts_a_ms": ("log", 0.5, 0.0, -0.3),
    "mt_sigma": ("log", 0.2, 0.0, 0.0),
    "stroke_sigma": ("log", 0.18, 0.0, 0.0),
    "stroke_cut_z": ("add", 0.15, 0.0, 0.0),
    "stroke_stop_z": ("add", 0.15, 0.0, 0.0),
    "primary_share": ("add", 0.06, 0.0, 0.0),
    "primary_gain": ("add", 0.025, 0.0, 0.0),
    "primary_gain_sd": ("log", 0.2, 0.0, -0.3),
    "sloppy_prob": ("log", 0.5, 0.0, -0.3),
    "lateral_error": ("log", 0.2, 0.0, -0.3),
    "curvature": ("log", 0.35, 0.0, 0.0),
    "submovements": ("log", 0.3, 0.0, 0.0),
    "correction_onset": ("add", 0.1, 0.0, 0.0),
    "premove_prob": ("add", 0.1, 0.0, 0.0),
    "twitch_prob": ("add", 0.1, 0.0, 0.0),
    "twitch_pause_ms": ("log", 0.3, 0.0, 0.0),
    "premove_gain": ("log", 0.3, 0.0, 0.0),
    "premove_ms": ("log", 0.2, 0.0, 0.0),
    "overshoot_prob": ("log", 0.5, 0.0, 0.0),
    "overshoot_size": ("log", 0.3, 0.0, 0.0),
    "tremor_px": ("log", 0.35, 0.0, 0.0),
    "jitter_px": ("log", 0.3, 0.0, 0.0),
    "speed_noise": ("log", 0.25, 0.0, 0.0),
    "click_spread": ("log", 0.2, 0.0, -0.3),
    "press_median_ms": ("log", 0.14, 0.0, 0.0),
    "press_sigma": ("log", 0.15, 0.0, 0.0),
    "dblclick_gap_ms": ("log", 0.25, 0.0, -0.3),
    "slip_prob": ("log", 0.4, 0.0, 0.0),
    "preclick_pause_ms": ("log", 0.3, 0.0, -0.3),
    "onset_ms": ("log", 0.35, 0.0, -0.3),
    "homing_ms": ("log", 0.2, 0.0, -0.3),
    "drag_slowdown": ("add", 0.12, 0.0, 0.0),
    "idle_drift_rate_hz": ("log", 0.5, 0.0, 0.0),
    "idle_drift_px": ("log", 0.4, 0.0, 0.0),
    "report_ms": ("log", 0.3, 0.0, 0.0),
    "frame_ms": ("log", 0.0001, 0.0, 0.0),  # displays differ by a few thousandths of a ms per frame
    "slip_follow": ("add", 0.1, 0.0, 0.0),
}
_SCROLL_SPREAD: dict[str, tuple[str, float, float, float]] = {
    "burst_notches": ("log", 0.35, 0.0, 0.0),
    "intra_burst_ms": ("log", 0.15, 0.0, 0.0),
    "notch_roll_ms": ("log", 0.3, 0.0, 0.0),
    "spin_prob": ("add", 0.15, 0.0, 0.0),
    "inter_burst_ms": ("log", 0.3, 0.0, 0.0),
    "onset_ms": ("log", 0.3, 0.0, 0.0),
    "swipe_px": ("log", 0.3, 0.0, 0.0),
    "rise_ms": ("log", 0.3, 0.0, 0.0),
    "momentum_ms": ("log", 0.25, 0.0, 0.0),
}


def _spread(rng: np.random.Generator, base: BaseModel, table: dict[str, tuple[str, float, float, float]],
            z_type: float, z_point: float) -> dict[str, float]:
    out: dict[str, float] = {}
    own = rng.standard_normal(len(table))  # one draw per field, in table order: stable streams
    for (name, (kind, sd, l_type, l_point)), e in zip(table.items(), own):
        z = l_type * z_type + l_point * z_point + math.sqrt(max(1.0 - l_type ** 2 - l_point ** 2, 0.0)) * e
        c = float(getattr(base, name))
        v = c * math.exp(sd * z) if kind == "log" else c + sd * z
        out[name] = _clip(v, *_bounds(type(base), name))
    return out


def _fitted_keyboard(rng: np.random.Generator, base: KeyboardParams, z_type: float, wpm_sd: float) -> dict[str, float]:
    """The keyboard traits of one person, drawn from the population fitted to real typists.

    The person's IKI level is the typing-skill factor ``z_type`` on the fitted level distribution (its
    spread scaled by ``wpm_sd / 20``, centred by ``base.wpm``); the other traits (IKI spread, hold level
    and spread, error rate) come from the fitted normal conditioned on it, as ratios to their population
    centre so that ``base`` still centres them; ``wpm`` is then the speed that level types at. Drawn after
    every other trait: the rest of the persona is as before for the same generator.
    """
    from synthgen.motor.typing_model import keyboard_fit

    fit = keyboard_fit()
    mu, cov = fit.person_mean, fit.person_cov
    # Skilled: a lower (faster) level. The real spread is log-like (SD about 20 WPM at a mean of 52); a
    # faster centre narrows it in log terms so the SD in WPM stays about ``wpm_sd``, and the centre is
    # placed so the population's mean WPM (not its median) is ``base.wpm``.
    sd = math.sqrt(cov[0, 0]) * (wpm_sd / 20.0) * min(52.0 / base.wpm, 1.0)
    a, b = fit.raw["person"]["wpm_to_iki_log_mean"]
    half_var = 0.5 * (sd / b) ** 2  # log-normal mean / median, in log WPM
    centre = (mu[0] + fit.level_for(base.wpm * math.exp(-half_var), base.iki_sigma)
              - fit.level_for(52.0 * math.exp(-0.5 * (math.sqrt(cov[0, 0]) / b) ** 2), 0.40))
    m = centre - sd * z_type
    s12 = cov[1:, 0] / cov[0, 0]
    c_mu = mu[1:] + s12 * (m - centre)
    c_cov = cov[1:, 1:] - np.outer(s12, cov[0, 1:])
    d = c_mu + np.linalg.cholesky(c_cov + 1e-9 * np.eye(len(c_mu))) @ rng.standard_normal(len(c_mu)) - mu[1:]
    u = rng.random(3)
    err = math.exp(d[3])
    caps = fit.raw["capslock"]
    share = float(np.interp(u[1], caps["share"]["probs"], caps["share"]["values"])) if u[0] < caps["user_share"] else 0.0
    sigma = _clip(base.iki_sigma * math.exp(d[0]), *_bounds(KeyboardParams, "iki_sigma"))
    m = _clip(m, fit.level_for(130.0, sigma), fit.level_for(15.0, sigma))  # 15..130 WPM, as before
    upd = {
        "wpm": _clip(fit.wpm_for_level(m, sigma), 15.0, 130.0), "iki_sigma": sigma,
        "hold_median_ms": base.hold_median_ms * math.exp(d[1]), "hold_sigma": base.hold_sigma * math.exp(d[2]),
        **{k: getattr(base, k) * err for k in ("typo_substitution", "typo_omission", "typo_insertion",
                                               "typo_transposition")},
        "capslock_share": share, "poll_ms": 8.0 if u[2] < fit.raw["clock"]["grid8_share"] else 1.0,
    }
    return {k: _clip(v, *_bounds(KeyboardParams, k)) for k, v in upd.items()}


def sample_motor_profile(rng: np.random.Generator, *, base: MotorProfile | None = None,
                         wpm_sd: float = 20.0, throughput_sd: float = 0.35,
                         trackpad_share: float = 0.4) -> MotorProfile:
    """Draw one persona from the human population, centred on ``base`` (default: the median person).

    Typing traits come from the population fitted to real typists (:func:`_fitted_keyboard`; speed
    15..130 WPM, about ``base.wpm`` +- ``wpm_sd``, right-skewed like the real one); pointing throughput is
    ``N(1000 / base.fitts_b_ms, throughput_sd)`` bits/s clipped to 3.4..5.4. Two latent skills give the
    correlations: typing skill (fast typists roll over more, hold keys shorter, vary less, make fewer
    errors per char) and pointing skill (correlated 0.3 with typing skill: general experience).

    >>> a = sample_motor_profile(np.random.default_rng(1)); b = sample_motor_profile(np.random.default_rng(1))
    >>> a == b
    True
    """
    base = base or MotorProfile()
    z_type = float(rng.standard_normal())
    z_point = 0.3 * z_type + math.sqrt(1 - 0.3 ** 2) * float(rng.standard_normal())
    wpm = _clip(base.keyboard.wpm + wpm_sd * z_type, 15.0, 130.0)
    kb = base.keyboard.model_copy(update={"wpm": wpm, **_spread(rng, base.keyboard, _KEYBOARD_SPREAD,
                                                                   z_type, z_point)})
    tp = _clip(1000.0 / base.mouse.fitts_b_ms + throughput_sd * z_point, 3.4, 5.4)
    mouse_upd = _spread(rng, base.mouse, _MOUSE_SPREAD, z_type, z_point)
    u = rng.random(4)
    mouse_upd.update(fitts_b_ms=1000.0 / tp, curvature_bias=float(u[0]),
                     bulge_angle=float(u[1] * 2.0 * math.pi - math.pi))
    ms = base.mouse.model_copy(update=mouse_upd)
    sc = base.scroll.model_copy(update={"style": "trackpad" if u[2] < trackpad_share else "wheel",
                                        **_spread(rng, base.scroll, _SCROLL_SPREAD, z_type, z_point)})
    kb = kb.model_copy(update=_fitted_keyboard(rng, base.keyboard, z_type, wpm_sd))
    # model_copy skips validation; re-validate so a bad base cannot produce an invalid persona.
    return MotorProfile.model_validate({"mouse": ms.model_dump(), "keyboard": kb.model_dump(),
                                        "scroll": sc.model_dump()})
