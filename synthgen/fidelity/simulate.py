"""Synthetic comparison data: the motor models performing the reference tasks, with no browser.

A population of personas (:func:`synthgen.motor.params.sample_motor_profile`) does

* the Freihaut & Göritz (2021) point-and-click task (:func:`simulate_point_click`): a centre target
  and 12 targets 300 px around it, clicked in the study's fixed centre-out-and-back order; a click
  that misses the target circle is repeated, as the task demanded;
* typing (:func:`simulate_typing`): each persona types a few Faker sentences;
* scrolling (:func:`simulate_scrolling`): each persona scrolls a page in several episodes.

Only the public motor API is used (``plan_move``, ``plan_click``, ``plan_typing``, ``plan_scroll``);
the task logic (target order, reaction to a new target, misses, reading pauses) is ours. Same seed,
same frames, byte for byte.

>>> sim = simulate_point_click(n_personas=2, seed=1)  # doctest: +SKIP
>>> sim.events.session_id.nunique()  # doctest: +SKIP
4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from synthgen.fidelity.readers import coerce_events

__all__ = [
    "PointClickLayout",
    "FREIHAUT_LAYOUT",
    "Simulated",
    "infer_point_click_layout",
    "simulate_point_click",
    "simulate_typing",
    "simulate_scrolling",
]


@dataclass(frozen=True)
class PointClickLayout:
    """Where the point-click targets are: centre, offsets of the outer targets in click order, size.

    >>> FREIHAUT_LAYOUT.order[:3]
    (-1, 0, -1)
    """

    center: tuple[float, float]
    targets: tuple[tuple[float, float], ...]  # offsets from the centre, in the order first shown
    order: tuple[int, ...]  # click order: -1 the centre, k the outer target k
    width: float  # target circle diameter (px)
    viewport: tuple[int, int]


# Inferred from the reference file (infer_point_click_layout): the centre target sits at (955, 628)
# in every session (SD 2 px); 12 outer clicks per session at radius ~300 px in one fixed order,
# alternating with the centre; 99.5% of clicks land within ~16 px of their target's centre, so targets
# are circles of about 33 px; the viewport is taken as twice the centre.
_ANGLES_DEG = (-77.0, -129.0, 80.0, -160.0, 139.0, -20.0, 59.0, -161.0, -5.0, 81.0, 49.0, -143.0)
FREIHAUT_LAYOUT = PointClickLayout(
    center=(955.0, 628.0),
    targets=tuple((round(300.0 * np.cos(np.radians(a)), 1), round(300.0 * np.sin(np.radians(a)), 1)) for a in _ANGLES_DEG),
    order=tuple(v for k in range(len(_ANGLES_DEG)) for v in (-1, k)) + (-1,),
    width=33.0,
    viewport=(1910, 1256),
)


@dataclass(frozen=True)
class Simulated:
    """Synthetic events plus what the generator knows: target widths and intended texts.

    ``widths`` maps ``(session_id, seq of a mousedown)`` to the target width (for
    :func:`synthgen.fidelity.moves.segment_moves`); ``texts`` maps a session to the text it meant to type.
    """

    events: pd.DataFrame
    widths: dict[tuple[str, int], float] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def infer_point_click_layout(events: pd.DataFrame, *, outer_min_px: float = 100.0) -> PointClickLayout:
    """Infer the point-click layout from real clicks (e.g. :func:`~synthgen.fidelity.readers.read_freihaut`).

    The centre is the median click nearest the session medians; outer targets are the mean click
    offsets at each step of the (shared) order of the session with the most common click pattern;
    the width is twice the 99.5th percentile distance of clicks from their target's centre.
    """
    clicks = events[events["type"] == "click"].sort_values(["session_id", "seq"], kind="mergesort")
    cx, cy = float(clicks["x"].median()), float(clicks["y"].median())
    dx, dy = clicks["x"].to_numpy(float) - cx, clicks["y"].to_numpy(float) - cy
    outer = np.hypot(dx, dy) > outer_min_px
    # Each session's outer clicks, repeats of the same target (a miss, then a hit) collapsed.
    seqs: list[list[tuple[float, float]]] = []
    sid = clicks["session_id"].to_numpy(object)
    for s in pd.unique(sid):
        m = (sid == s) & outer
        pts: list[tuple[float, float]] = []
        for px, py in zip(dx[m], dy[m]):
            if pts and np.hypot(px - pts[-1][0], py - pts[-1][1]) < 60:
                pts[-1] = (px, py)  # keep the last (the hit)
            else:
                pts.append((px, py))
        seqs.append(pts)
    n = int(pd.Series([len(p) for p in seqs]).mode().iloc[0])
    full = np.array([p for p in seqs if len(p) == n])  # (sessions, n, 2)
    mean = full.mean(axis=0)
    # Landing spread around each target's centre (outer targets: step means; centre: the centre).
    dev = np.r_[np.hypot(*(full - mean).transpose(2, 0, 1)).ravel(), np.hypot(dx, dy)[~outer]]
    ang = np.arctan2(mean[:, 1], mean[:, 0])
    rad = float(np.median(np.hypot(mean[:, 0], mean[:, 1])))
    targets = tuple((round(rad * float(np.cos(a)), 1), round(rad * float(np.sin(a)), 1)) for a in ang)
    # Nearly every click lands inside its circle, so the 99.5th percentile spread ~ the radius.
    width = round(2.0 * float(np.percentile(dev, 99.5)), 1)
    return PointClickLayout((round(cx, 1), round(cy, 1)), targets,
                            tuple(v for k in range(n) for v in (-1, k)) + (-1,), width,
                            (int(round(2 * cx)), int(round(2 * cy))))


# ------------------------------------------------------------------------------------------ row builders


class _Rows:
    """Collects event rows of one session in plan order; :meth:`frame` sorts them by time."""

    def __init__(self, session_id: str) -> None:
        self.sid = session_id
        self.rows: list[dict] = []

    def moves(self, t: np.ndarray, x: np.ndarray, y: np.ndarray, buttons: int = 0) -> None:
        for ti, xi, yi in zip(t.tolist(), x.tolist(), y.tolist()):
            self.rows.append({"t_ms": ti, "type": "mousemove", "x": xi, "y": yi, "buttons": buttons})

    def click(self, a) -> None:
        mask = {0: 1, 1: 4, 2: 2}.get(a.button, 0)
        self.rows.append({"t_ms": a.t_down, "type": "mousedown", "x": a.x, "y": a.y, "button": a.button, "buttons": mask})
        if a.slip is not None:  # the pointer shifted during the press: a mousemove with the button held
            self.rows.append({"t_ms": a.slip[0], "type": "mousemove", "x": a.slip[1], "y": a.slip[2], "buttons": mask})
        ux, uy = a.release
        self.rows.append({"t_ms": a.t_up, "type": "mouseup", "x": ux, "y": uy, "button": a.button, "buttons": 0})
        kind = "click" if a.button == 0 else ("contextmenu" if a.button == 2 else None)
        if kind:
            self.rows.append({"t_ms": a.t_up, "type": kind, "x": ux, "y": uy, "button": a.button, "buttons": 0})
        if a.button == 0 and getattr(a, "click_count", 1) == 2:
            self.rows.append({"t_ms": a.t_up, "type": "dblclick", "x": ux, "y": uy, "button": 0, "buttons": 0})

    def key(self, k) -> None:
        self.rows.append({"t_ms": k.t_down, "type": "keydown", "key": k.key, "code": k.code,
                          "modifiers": k.modifiers, "repeat": False})
        self.rows.append({"t_ms": k.t_up, "type": "keyup", "key": k.key, "code": k.code,
                          "modifiers": k.modifiers, "repeat": False})

    def wheel(self, w) -> None:
        for ti, xi, yi, dx, dy in zip(w.t_ms.tolist(), w.x.tolist(), w.y.tolist(), w.delta_x.tolist(), w.delta_y.tolist()):
            self.rows.append({"t_ms": ti, "type": "wheel", "x": xi, "y": yi, "delta_x": dx, "delta_y": dy, "buttons": 0})

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows)
        df["_i"] = np.arange(len(df))
        # Stable sort by time: rows planned at the same instant keep DOM order (down, up, click).
        df = df.sort_values(["t_ms", "_i"], kind="mergesort").drop(columns="_i")
        df.insert(0, "session_id", self.sid)
        df["seq"] = np.arange(len(df))
        return df


def _persona_rngs(seed: int, n: int, salt: int) -> list[np.random.Generator]:
    # One independent stream per persona; the salt keeps the tasks' streams apart for the same seed.
    return [np.random.default_rng(s) for s in np.random.SeedSequence([seed, salt]).spawn(n)]


def _profiles(seed: int, n: int, base=None, **kw):
    from synthgen.motor.params import sample_motor_profile

    return [sample_motor_profile(np.random.default_rng(s), base=base, **kw)
            for s in np.random.SeedSequence([seed, 0]).spawn(n)]


# --------------------------------------------------------------------------------------------- tasks


def simulate_point_click(n_personas: int = 26, *, conditions: Sequence[str] = ("A", "B"), seed: int = 0,
                         layout: PointClickLayout = FREIHAUT_LAYOUT, reaction_ms: float = 60.0,
                         max_attempts: int = 4, base=None) -> Simulated:
    """Personas doing the point-click task, one session per persona and condition.

    Each session starts with the pointer resting on the centre and a first click there (as the
    real sessions do). A new target appears at the release; the persona reacts after a log-normal
    ``reaction_ms`` (median), moves with ``plan_move`` and clicks with ``plan_click``; a click outside
    the circle is retried (up to ``max_attempts``). ``base`` (a ``MotorProfile``) centres the persona
    population (default: the median person), e.g. to calibrate the motor model.

    >>> sim = simulate_point_click(n_personas=1, conditions=("A",), seed=3)
    >>> int((sim.events.type == "click").sum()) >= len(FREIHAUT_LAYOUT.order)
    True
    """
    from synthgen.motor.mouse import approach_of, plan_click, plan_move
    from synthgen.motor.types import Box

    profiles = _profiles(seed, n_personas, base)
    rngs = _persona_rngs(seed, n_personas, 1)
    cx, cy = layout.center
    r = layout.width / 2.0
    frames: list[pd.DataFrame] = []
    widths: dict[tuple[str, int], float] = {}
    for pi, (prof, rng) in enumerate(zip(profiles, rngs)):
        mp = prof.mouse
        for cond in conditions:
            sid = f"sim/pointclick/p{pi:03d}/{cond}"
            rows = _Rows(sid)
            # Pointer rests on the centre; the first click starts the task (as in the real sessions).
            first = plan_click(rng, mp, (cx, cy), 0.0, viewport=layout.viewport)
            t_shift = first[0].t_down
            for a in first:
                rows.click(a)
            pos = first[-1].release
            t = first[-1].t_up
            for k in layout.order[1:]:
                tx, ty = (cx, cy) if k < 0 else (cx + layout.targets[k][0], cy + layout.targets[k][1])
                box = Box(tx - r, ty - r, layout.width, layout.width)
                for _ in range(max_attempts):
                    t0 = t + float(reaction_ms * np.exp(0.6 * rng.standard_normal()))
                    path, end = plan_move(rng, mp, pos, box, t0, layout.viewport)
                    rows.moves(path.t_ms, path.x, path.y)
                    t_end = path.end_ms if len(path) else t0
                    acts = plan_click(rng, mp, end, t_end, viewport=layout.viewport,
                                      approach=approach_of(path, pos))
                    for a in acts:
                        rows.click(a)
                    pos, t = acts[-1].release, acts[-1].t_up
                    if np.hypot(end[0] - tx, end[1] - ty) <= r:  # hit-tested at the press
                        break
            df = rows.frame()
            df["t_ms"] = df["t_ms"] - t_shift  # session clock starts at the first press, like the reference
            frames.append(df)
            # Every target of this task has the same size.
            widths.update({(sid, int(q)): layout.width for q in df.loc[df["type"] == "mousedown", "seq"]})
    return Simulated(coerce_events(pd.concat(frames, ignore_index=True)), widths)


def _sentences(rng: np.random.Generator, n: int) -> str:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(int(rng.integers(2**31)))
    return " ".join(fake.sentence(nb_words=int(rng.integers(6, 14))) for _ in range(n))


def simulate_typing(n_personas: int = 60, *, sentences: int = 3, seed: int = 0) -> Simulated:
    """Each persona types ``sentences`` Faker sentences in one session (``plan_typing``).

    >>> sim = simulate_typing(n_personas=2, seed=1)  # doctest: +SKIP
    >>> set(sim.events.type) == {"keydown", "keyup"}  # doctest: +SKIP
    True
    """
    from synthgen.motor.keyboard import plan_typing

    profiles = _profiles(seed, n_personas)
    rngs = _persona_rngs(seed, n_personas, 2)
    frames, texts = [], {}
    for pi, (prof, rng) in enumerate(zip(profiles, rngs)):
        sid = f"sim/typing/p{pi:03d}"
        text = _sentences(rng, sentences)
        rows = _Rows(sid)
        for k in plan_typing(rng, prof.keyboard, text, 0.0):
            rows.key(k)
        df = rows.frame()
        df["t_ms"] -= float(df["t_ms"].min())
        frames.append(df)
        texts[sid] = text
    return Simulated(coerce_events(pd.concat(frames, ignore_index=True)), texts=texts)


def simulate_scrolling(n_personas: int = 40, *, episodes: int = 8, seed: int = 0,
                       viewport: tuple[int, int] = (1280, 800), read_ms: float = 1500.0,
                       trackpad_share: float = 0.0) -> Simulated:
    """Each persona scrolls a long page in ``episodes`` scrolls (``plan_scroll``) between reading pauses.

    ``trackpad_share`` is the share of personas scrolling with a trackpad. The comparison data
    (Balabit) was recorded from mouse users on Windows remote desktops, so the default population
    uses notched wheels only; a trackpad streams one ``wheel`` event per frame, a different device.

    >>> sim = simulate_scrolling(n_personas=2, seed=1)  # doctest: +SKIP
    >>> set(sim.events.type) == {"wheel"}  # doctest: +SKIP
    True
    """
    from synthgen.motor.scroll import plan_scroll

    profiles = _profiles(seed, n_personas, trackpad_share=trackpad_share)
    rngs = _persona_rngs(seed, n_personas, 3)
    frames = []
    for pi, (prof, rng) in enumerate(zip(profiles, rngs)):
        sid = f"sim/scroll/p{pi:03d}"
        rows = _Rows(sid)
        t = 0.0
        at = (viewport[0] * float(rng.uniform(0.3, 0.7)), viewport[1] * float(rng.uniform(0.3, 0.7)))
        for e in range(episodes):
            # Mostly down a page, sometimes back up a bit: |dy| about a screen, log-normal.
            dy = float(viewport[1] * np.exp(0.5 * rng.standard_normal())) * (1.0 if rng.random() < 0.8 else -0.5)
            w = plan_scroll(rng, prof.scroll, dy, at, t)
            rows.wheel(w)
            t = (float(w.t_ms[-1]) if len(w) else t) + float(read_ms * np.exp(0.6 * rng.standard_normal()))
        df = rows.frame()
        frames.append(df)
    return Simulated(coerce_events(pd.concat(frames, ignore_index=True)))
