"""Real keystrokes (the Aalto 136M-keystrokes typing test) against synthetic ones: reader, metrics,
window features and a person-grouped real-vs-synthetic discriminator.

Everything is measured from ``events`` frames (``keydown``/``keyup`` rows with ``key`` and ``code``), so
the real reader and synthgen's planner go through the very same code:

* :func:`read_aalto` -- the reference keystrokes as events (one session per sentence trial).
* :func:`keystrokes` -- pairs each ``keydown`` with its ``keyup`` into a :class:`Keystrokes` table.
* :func:`typing_metrics` -- the figures of issue 16 (Shift lead and release, the pause on the right side of
  the space, bigram slope, same finger/key, Backspace share, IKI p99, between-person SD of hold, CapsLock
  per 1000 keys) plus WPM, IKI, hold, flight and rollover.
* :func:`window_features` / :func:`typing_discriminator` -- windows of 20 keystrokes and classifiers with
  cross-validation grouped by person.

Data: V. Dhakal, A. M. Feit, P. O. Kristensson, A. Oulasvirta, *Observations on Typing from 136 Million
Keystrokes*, CHI 2018, https://doi.org/10.1145/3173574.3174220 (non-commercial use with attribution).

>>> ev = pd.DataFrame({"session_id": "x/p1/s1", "seq": range(4), "t_ms": [0., 90., 200., 280.],
...     "type": ["keydown", "keyup", "keydown", "keyup"], "key": ["h", "h", "i", "i"], "code": ["KeyH", "KeyH", "KeyI", "KeyI"]})
>>> ks = keystrokes(ev)
>>> ks.t_down.tolist(), ks.hold.tolist(), ks.person.tolist()
([0.0, 200.0], [90.0, 80.0], ['x/p1', 'x/p1'])
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from synthgen.fidelity.readers import ReferenceDataNotFound, coerce_events, reference_root
from synthgen.motor.layout import KEYS_BY_CODE, NAMED_KEYS, key_for_char

__all__ = [
    "AALTO_SUBDIR", "FIT_SHARE", "Keystrokes", "aalto_dir", "is_fit_participant", "read_aalto",
    "read_aalto_sentences", "keystrokes", "sentence_wpm", "key_code", "letter_bigram_medians", "typing_metrics",
    "TYPING_METRIC_LABELS", "compare_typing", "window_features", "WINDOW_FEATURES", "typing_discriminator",
    "actions_to_events",
]

#: Where the Aalto files live below the reference root.
AALTO_SUBDIR = Path("keyboard") / "aalto"
#: Share of participants the keyboard model is fitted on (the rest only evaluate it).
FIT_SHARE = 0.7
_SPLIT_SALT = "synthgen-keyboard-fit-v1"

MODIFIERS = frozenset({"Shift", "Control", "Alt", "Meta", "CapsLock", "AltGraph", "Fn"})


def aalto_dir(root: Path | None = None) -> Path:
    """The folder of ``keystrokes.csv``/``sentences.csv``; :class:`ReferenceDataNotFound` if absent.

    >>> aalto_dir().name  # doctest: +SKIP
    'aalto'
    """
    d = (root or reference_root()) / AALTO_SUBDIR
    if not (d / "keystrokes.csv").is_file():
        raise ReferenceDataNotFound(f"{d}: Aalto keystrokes.csv missing (../shared/reference/keyboard/aalto)")
    return d


def is_fit_participant(pid: object) -> bool:
    """Whether a participant belongs to the fitting subset (about 70%, by a salted hash of the id).

    Fixed for ever by the salt, so the fit never sees the people the evaluation uses.

    >>> 0.65 < sum(is_fit_participant(i) for i in range(2000)) / 2000 < 0.75
    True
    """
    h = hashlib.sha256(f"{_SPLIT_SALT}:{pid}".encode()).digest()
    return int.from_bytes(h[:4], "big") / 2 ** 32 < FIT_SHARE


def key_code(key: str) -> str:
    """DOM ``code`` of a DOM ``key`` on a US layout (``""`` when unknown); Shift is taken as the left one.

    >>> key_code("T"), key_code(" "), key_code("Backspace"), key_code("Shift"), key_code("é")
    ('KeyT', 'Space', 'Backspace', 'ShiftLeft', '')
    """
    if len(key) == 1:
        return key_for_char(key)[1]
    return NAMED_KEYS.get(key, "")


def _select(pids: np.ndarray, participants: Iterable | None, subset: str | None,
            max_participants: int | None) -> np.ndarray:
    uniq = pd.unique(pids)
    keep = uniq
    if participants is not None:
        want = {str(p) for p in participants}
        keep = np.array([p for p in keep if str(p) in want])
    if subset is not None:
        if subset not in ("fit", "eval"):
            raise ValueError(f"subset={subset!r}: use 'fit', 'eval' or None")
        keep = np.array([p for p in keep if is_fit_participant(p) == (subset == "fit")])
    if max_participants is not None:
        keep = keep[:max_participants]
    return keep


def read_aalto(root: Path | None = None, *, participants: Iterable | None = None, subset: str | None = None,
               max_participants: int | None = None) -> pd.DataFrame:
    """The Aalto keystrokes as ``events`` rows: a ``keydown`` at each press and a ``keyup`` at its release.

    One session per sentence trial, ``session_id`` ``aalto/<participant>/<session>``; ``t_ms`` is the
    source's integer ms from the trial's first press; ``code`` comes from the key on a US layout.
    ``subset`` ``"fit"``/``"eval"`` keeps one side of :func:`is_fit_participant`; ``max_participants``
    keeps the first N (file order) of what is left.

    >>> ev = read_aalto(max_participants=2)  # doctest: +SKIP
    >>> sorted(ev.type.unique())  # doctest: +SKIP
    ['keydown', 'keyup']
    """
    raw = pd.read_csv(aalto_dir(root) / "keystrokes.csv", keep_default_na=False,
                      dtype={"participant": np.int64, "session": np.int64, "seq": np.int64, "key": str,
                             "press_ms": np.float64, "release_ms": np.float64})
    keep = _select(raw["participant"].to_numpy(), participants, subset, max_participants)
    raw = raw[raw["participant"].isin(keep)]
    sid = ("aalto/" + raw["participant"].astype(str) + "/" + raw["session"].astype(str)).to_numpy(object)
    keys = raw["key"].to_numpy(object)
    codes_of = {k: key_code(k) for k in pd.unique(keys)}
    codes = np.array([codes_of[k] for k in keys], dtype=object)
    n = len(raw)
    order = np.arange(n)
    df = pd.DataFrame({
        "session_id": np.r_[sid, sid], "t_ms": np.r_[raw["press_ms"].to_numpy(), raw["release_ms"].to_numpy()],
        "type": np.r_[np.full(n, "keydown", object), np.full(n, "keyup", object)],
        "key": np.r_[keys, keys], "code": np.r_[codes, codes],
        "_o": np.r_[order, order], "_up": np.r_[np.zeros(n, int), np.ones(n, int)],
    })
    # Time order within each trial; at a tie a release goes first (it happened no later than the press).
    df = df.sort_values(["session_id", "t_ms", "_up", "_o"], ascending=[True, True, False, True], kind="mergesort")
    df["seq"] = df.groupby("session_id", sort=False).cumcount()
    return coerce_events(df.drop(columns=["_o", "_up"]).reset_index(drop=True))


def read_aalto_sentences(root: Path | None = None, *, participants: Iterable | None = None,
                         subset: str | None = None, max_participants: int | None = None) -> pd.DataFrame:
    """``sentences.csv`` with a ``session_id`` column matching :func:`read_aalto` and ``person`` (``aalto/<id>``).

    >>> read_aalto_sentences(max_participants=1).columns.tolist()  # doctest: +SKIP
    ['participant', 'session', 't0_epoch_ms', 'sentence', 'user_input', 'session_id', 'person']
    """
    s = pd.read_csv(aalto_dir(root) / "sentences.csv", keep_default_na=False,
                    dtype={"participant": np.int64, "session": np.int64, "sentence": str, "user_input": str})
    keep = _select(s["participant"].to_numpy(), participants, subset, max_participants)
    s = s[s["participant"].isin(keep)].copy()
    s["session_id"] = "aalto/" + s["participant"].astype(str) + "/" + s["session"].astype(str)
    s["person"] = "aalto/" + s["participant"].astype(str)
    return s.reset_index(drop=True)


# ------------------------------------------------------------------------------------------ keystrokes


@dataclass(frozen=True)
class Keystrokes:
    """Every key press (modifiers included) with its release, ordered by session and press time.

    ``person`` is the session id without its last ``/`` part (``aalto/1002/10319`` -> ``aalto/1002``).
    """

    session: np.ndarray
    person: np.ndarray
    key: np.ndarray
    code: np.ndarray
    t_down: np.ndarray
    t_up: np.ndarray

    def __len__(self) -> int:
        return len(self.t_down)

    @property
    def hold(self) -> np.ndarray:
        return self.t_up - self.t_down

    def take(self, mask: np.ndarray) -> "Keystrokes":
        """The rows where ``mask`` holds (order kept)."""
        return Keystrokes(self.session[mask], self.person[mask], self.key[mask], self.code[mask],
                          self.t_down[mask], self.t_up[mask])


def keystrokes(events: pd.DataFrame) -> Keystrokes:
    """Pair each ``keydown`` with the next ``keyup`` of the same key (by ``code``, else ``key``) in its session.

    Auto-repeats are dropped; a press without a release gets ``t_up`` NaN.

    >>> ev = pd.DataFrame({"session_id": "s/a", "seq": range(4), "t_ms": [0., 50., 120., 130.],
    ...     "type": ["keydown", "keydown", "keyup", "keyup"], "key": ["Shift", "A", "a", "Shift"],
    ...     "code": ["ShiftLeft", "KeyA", "KeyA", "ShiftLeft"]})
    >>> keystrokes(ev).hold.tolist()
    [130.0, 70.0]
    """
    ev = events[events["type"].isin(("keydown", "keyup"))]
    if "repeat" in ev.columns:
        ev = ev[~ev["repeat"].fillna(False).astype(bool)]
    ev = ev.sort_values(["session_id", "seq"], kind="mergesort")
    code = ev["code"].astype(object).to_numpy()
    key = ev["key"].astype(object).to_numpy()
    ident = np.where(pd.isna(code) | (code == ""), key, code)
    sid = ev["session_id"].astype(str).to_numpy(object)
    down = (ev["type"] == "keydown").to_numpy()
    t = ev["t_ms"].to_numpy(float)
    frame = pd.DataFrame({"s": sid, "k": ident.astype(str)})
    rank = frame.groupby(["s", "k", down], sort=False).cumcount().to_numpy()
    d = pd.DataFrame({"s": sid[down], "k": frame["k"].to_numpy()[down], "r": rank[down], "t_down": t[down],
                      "key": key[down], "code": code[down], "o": np.arange(int(down.sum()))})
    u = pd.DataFrame({"s": sid[~down], "k": frame["k"].to_numpy()[~down], "r": rank[~down], "t_up": t[~down]})
    m = d.merge(u, on=["s", "k", "r"], how="left").sort_values(["s", "t_down", "o"], kind="mergesort")
    s = m["s"].to_numpy(object)
    person = np.array([x.rsplit("/", 1)[0] for x in s], dtype=object) if len(s) else np.zeros(0, object)
    codes = m["code"].to_numpy(object)
    codes = np.where(pd.isna(codes), "", codes)
    return Keystrokes(s, person, m["key"].to_numpy(object), codes, m["t_down"].to_numpy(float),
                      m["t_up"].to_numpy(float))


def actions_to_events(actions_by_session: Mapping[str, Sequence], *, integer_ms: bool = True) -> pd.DataFrame:
    """Planned :class:`~synthgen.motor.types.KeyAction` lists as events, each session's clock from its first press.

    ``integer_ms`` floors times to whole ms, the clock of the Aalto recordings (``Date.now()``).

    >>> from synthgen.motor.types import KeyAction as K
    >>> actions_to_events({"s/p/1": [K(10.2, 99.9, "a", "KeyA")]}).t_ms.tolist()
    [0.0, 89.0]
    """
    rows_s, rows_t, rows_ty, rows_k, rows_c = [], [], [], [], []
    for sid, acts in actions_by_session.items():
        if not acts:
            continue
        t0 = min(a.t_down for a in acts)
        for a in acts:
            rows_s += [sid, sid]
            rows_t += [a.t_down - t0, a.t_up - t0]
            rows_ty += ["keydown", "keyup"]
            rows_k += [a.key, a.key]
            rows_c += [a.code, a.code]
    t = np.asarray(rows_t, float)
    if integer_ms:
        t = np.floor(t + 1e-9)
    df = pd.DataFrame({"session_id": rows_s, "t_ms": t, "type": rows_ty, "key": rows_k, "code": rows_c,
                       "_up": [i % 2 for i in range(len(rows_s))]})
    df = df.sort_values(["session_id", "t_ms", "_up"], ascending=[True, True, False], kind="mergesort")
    df["seq"] = df.groupby("session_id", sort=False).cumcount()
    return coerce_events(df.drop(columns="_up").reset_index(drop=True))


# --------------------------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class _Pairs:
    """Consecutive non-modifier presses of a session: the stroke before (``a``) and the stroke (``b``)."""

    nm: Keystrokes            # the non-modifier presses
    first: np.ndarray         # True where a stroke starts its session
    iki: np.ndarray           # press to press (NaN at a session's first stroke)
    flight: np.ndarray        # previous release to this press
    prev_key: np.ndarray


def _pairs(ks: Keystrokes) -> _Pairs:
    nm = ks.take(~np.isin(ks.key, list(MODIFIERS)))
    first = np.r_[True, nm.session[1:] != nm.session[:-1]] if len(nm) else np.zeros(0, bool)
    iki = np.r_[np.nan, np.diff(nm.t_down)]
    flight = np.r_[np.nan, nm.t_down[1:] - nm.t_up[:-1]]
    iki[first] = np.nan
    flight[first] = np.nan
    prev = np.r_[[""], nm.key[:-1]].astype(object)
    prev[first] = ""
    return _Pairs(nm, first, iki, flight, prev)


def _finger(key: str) -> tuple[str, int, str]:
    code = key_code(key) if key else ""
    k = KEYS_BY_CODE.get(code)
    return (k.hand, k.finger, code) if k is not None else ("", -1, code)


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def letter_bigram_medians(ks: Keystrokes, min_count: int = 20) -> dict[str, float]:
    """Median IKI (ms) of each lower-case letter bigram seen at least ``min_count`` times.

    >>> ev = read_aalto(max_participants=20)  # doctest: +SKIP
    >>> 80 < letter_bigram_medians(keystrokes(ev))["th"] < 200  # doctest: +SKIP
    True
    """
    p = _pairs(ks)
    a = np.array([str(x) for x in p.prev_key], dtype=object)
    b = p.nm.key.astype(str)
    ok = np.array([x in _LETTERS and y in _LETTERS for x, y in zip(a, b)], dtype=bool) & np.isfinite(p.iki)
    s = pd.Series(p.iki[ok]).groupby(pd.Series(a[ok] + b[ok]))
    med, cnt = s.median(), s.size()
    return {k: float(v) for k, v in med[cnt >= min_count].items()}


#: Row labels of :func:`typing_metrics`, in display order.
TYPING_METRIC_LABELS: dict[str, str] = {
    "wpm_mean": "WPM per sentence, mean",
    "wpm_person_sd": "WPM, SD between people",
    "iki_median": "IKI median (ms)",
    "iki_mean": "IKI mean (ms)",
    "iki_p99": "IKI p99 (ms)",
    "hold_median": "hold median (ms)",
    "hold_person_sd": "SD between people of their mean hold (ms)",
    "hold_within_sd": "SD of hold within a person, median (ms)",
    "flight_median": "flight median (ms)",
    "rollover": "rollover share of pairs",
    "shift_lead_median": "Shift pressed before the key, median (ms)",
    "shift_lead_p10": "  ... p10 (ms)",
    "shift_lead_p90": "  ... p90 (ms)",
    "shift_release": "Shift up minus key up, median (ms)",
    "into_space": "key into a space, median IKI (ms)",
    "after_space": "key after a space, median IKI (ms)",
    "inside_word": "letter to letter, median IKI (ms)",
    "bigram_slope": "slope of log IKI on real bigram medians",
    "alt_hand": "alternating hands, median IKI (ms)",
    "same_finger": "same finger, other key, median IKI (ms)",
    "same_key": "same key twice, median IKI (ms)",
    "backspace_share": "Backspace share of keystrokes",
    "capslock_per_1000": "CapsLock presses per 1000 keys",
    "shift_per_1000": "Shift presses per 1000 keys",
    "iki_over_1s": "share of IKIs over 1 s",
}


def _shift_events(ks: Keystrokes) -> tuple[np.ndarray, np.ndarray]:
    """For each Shift press, (key press - Shift press, Shift release - key release) of the first key under it."""
    lead, rel = _shift_events_aligned(ks, np.flatnonzero(ks.key == "Shift"))
    ok = np.isfinite(lead)
    return lead[ok], rel[ok]


def _final_lengths(p: _Pairs) -> pd.Series:
    """Length of the text each session leaves (chars minus Backspaces, never below zero)."""
    k = p.nm.key.astype(str)
    step = np.where(k == "Backspace", -1, np.where(np.char.str_len(k.astype("U")) == 1, 1, 0))
    out = {}
    for sid, idx in pd.Series(np.arange(len(k))).groupby(p.nm.session, sort=False):
        n = 0
        for s in step[idx.to_numpy()]:
            n = max(n + s, 0)
        out[sid] = n
    return pd.Series(out)


def _sentence_wpm(p: _Pairs) -> pd.Series:
    g = pd.DataFrame({"s": p.nm.session, "t": p.nm.t_down}).groupby("s", sort=False)["t"]
    span = (g.max() - g.min()) / 60000.0
    n_final = _final_lengths(p).reindex(span.index)
    wpm = ((n_final - 1) / 5.0 / span).replace([np.inf, -np.inf], np.nan)
    return wpm[(span > 0) & (n_final > 5)]


def sentence_wpm(ks: Keystrokes) -> pd.Series:
    """WPM of each session: (final text length - 1) / 5 words per minute from the first to the last press.

    Sessions leaving fewer than 6 chars are left out.

    >>> sentence_wpm(keystrokes(read_aalto(max_participants=1))).between(5, 200).all()  # doctest: +SKIP
    True
    """
    return _sentence_wpm(_pairs(ks))


def typing_metrics(ks: Keystrokes, bigram_ref: Mapping[str, float] | None = None) -> dict[str, float]:
    """The typing figures of one keystroke table (real or synthetic), see :data:`TYPING_METRIC_LABELS`.

    Pairs are consecutive non-modifier presses of a session (Shift, CapsLock, Control, Alt, Meta are
    left out of intervals, holds and rollover). ``bigram_ref`` (letter bigram -> median IKI ms, e.g.
    :func:`letter_bigram_medians` of the real fitting subset) gives ``bigram_slope``: the slope of the
    log median IKI per bigram here on the log reference median.

    >>> ev = read_aalto(max_participants=5)  # doctest: +SKIP
    >>> 30 < typing_metrics(keystrokes(ev))["wpm_mean"] < 90  # doctest: +SKIP
    True
    """
    p = _pairs(ks)
    nm = p.nm
    key = nm.key.astype(str)
    prev = np.array([str(x) for x in p.prev_key], dtype=object).astype(str)
    iki_ok = np.isfinite(p.iki)
    out: dict[str, float] = {}
    wpm = _sentence_wpm(p)
    out["wpm_mean"] = float(wpm.mean())
    person_of = pd.Series(nm.person, index=nm.session).groupby(level=0).first()
    out["wpm_person_sd"] = float(wpm.groupby(person_of.reindex(wpm.index).to_numpy()).mean().std())
    iki = p.iki[iki_ok]
    out["iki_median"] = float(np.median(iki))
    out["iki_mean"] = float(np.mean(iki))
    out["iki_p99"] = float(np.percentile(iki, 99))
    out["iki_over_1s"] = float(np.mean(iki > 1000))
    hold = nm.hold
    hok = np.isfinite(hold)
    out["hold_median"] = float(np.median(hold[hok]))
    hp = pd.Series(hold[hok]).groupby(nm.person[hok])
    out["hold_person_sd"] = float(hp.mean().std())
    out["hold_within_sd"] = float(hp.std().median())
    fl = p.flight[iki_ok & np.isfinite(p.flight)]
    out["flight_median"] = float(np.median(fl))
    out["rollover"] = float(np.mean(fl < 0))
    lead, rel = _shift_events(ks)
    out["shift_lead_median"] = float(np.median(lead)) if len(lead) else np.nan
    out["shift_lead_p10"] = float(np.percentile(lead, 10)) if len(lead) else np.nan
    out["shift_lead_p90"] = float(np.percentile(lead, 90)) if len(lead) else np.nan
    out["shift_release"] = float(np.median(rel[np.isfinite(rel)])) if len(rel) else np.nan
    is_space = key == " "
    prev_space = prev == " "
    text_prev = np.char.str_len(prev.astype("U")) == 1
    out["into_space"] = float(np.median(p.iki[iki_ok & is_space & text_prev & ~prev_space]))
    out["after_space"] = float(np.median(p.iki[iki_ok & prev_space & ~is_space & (key != "Backspace")]))
    lower_b = np.isin(key, list(_LETTERS))
    lower_a = np.isin(prev, list(_LETTERS))
    both = iki_ok & lower_a & lower_b
    out["inside_word"] = float(np.median(p.iki[both]))
    hf_b = [_finger(k) for k in key[both]]
    hf_a = [_finger(k) for k in prev[both]]
    same_key = np.array([a[2] == b[2] for a, b in zip(hf_a, hf_b)], dtype=bool)
    same_finger = np.array([a[0] == b[0] and a[1] == b[1] for a, b in zip(hf_a, hf_b)], dtype=bool) & ~same_key
    alt = np.array([a[0] != b[0] for a, b in zip(hf_a, hf_b)], dtype=bool)
    ib = p.iki[both]
    out["same_key"] = float(np.median(ib[same_key])) if same_key.any() else np.nan
    out["same_finger"] = float(np.median(ib[same_finger])) if same_finger.any() else np.nan
    out["alt_hand"] = float(np.median(ib[alt])) if alt.any() else np.nan
    if bigram_ref:
        s = pd.Series(ib).groupby(pd.Series(prev[both] + key[both]))
        med, cnt = s.median(), s.size()
        common = [b for b in med.index if b in bigram_ref and cnt[b] >= 10]
        if len(common) >= 10:
            x = np.log([bigram_ref[b] for b in common])
            y = np.log(med[common].to_numpy(float))
            out["bigram_slope"] = float(np.polyfit(x, y, 1)[0])
        else:
            out["bigram_slope"] = np.nan
    else:
        out["bigram_slope"] = np.nan
    n = len(key)
    out["backspace_share"] = float(np.mean(key == "Backspace")) if n else np.nan
    out["capslock_per_1000"] = 1000.0 * float(np.sum(ks.key == "CapsLock")) / max(n, 1)
    out["shift_per_1000"] = 1000.0 * float(np.sum(ks.key == "Shift")) / max(n, 1)
    return out


def compare_typing(real: Keystrokes, synth: Keystrokes, bigram_ref: Mapping[str, float] | None = None) -> pd.DataFrame:
    """:func:`typing_metrics` of both sides as a table: ``metric, label, real, synthetic``.

    >>> compare_typing(ks_real, ks_synth).columns.tolist()  # doctest: +SKIP
    ['metric', 'label', 'real', 'synthetic']
    """
    a, b = typing_metrics(real, bigram_ref), typing_metrics(synth, bigram_ref)
    return pd.DataFrame([{"metric": k, "label": v, "real": a.get(k, np.nan), "synthetic": b.get(k, np.nan)}
                         for k, v in TYPING_METRIC_LABELS.items()])


# ------------------------------------------------------------------------------------- discriminator

#: Columns of :func:`window_features` that the discriminator sees.
WINDOW_FEATURES: tuple[str, ...] = (
    "iki_mean", "iki_sd", "iki_p10", "iki_p50", "iki_p90", "iki_max", "hold_mean", "hold_sd", "hold_p10",
    "hold_p90", "flight_p50", "overlap_share", "overlap_mean", "bigram_resid", "bigram_corr", "after_space",
    "into_space", "space_share", "backspace_n", "shift_n", "shift_lead", "shift_release", "capslock_n",
    "upper_n", "hold_iki_corr", "grid8_share", "iki_lag1", "hold_space",
)


def window_features(ks: Keystrokes, bigram_logmed: Mapping[str, float], size: int = 20) -> pd.DataFrame:
    """Features of consecutive, non-overlapping windows of ``size`` non-modifier keystrokes in a session.

    IKI and hold statistics (log ms), overlap, the IKIs against the reference bigram medians
    (``bigram_logmed``: any 2-char key string -> mean log IKI), space/Backspace/Shift/CapsLock context and
    the clock grid. Columns :data:`WINDOW_FEATURES` plus ``person`` and ``session``.

    >>> window_features(keystrokes(read_aalto(max_participants=2)), {}).shape[1]  # doctest: +SKIP
    30
    """
    p = _pairs(ks)
    nm = p.nm
    n = len(nm)
    if n == 0:
        return pd.DataFrame(columns=[*WINDOW_FEATURES, "person", "session"])
    # Window index: position within the session // size; only full windows.
    pos = np.arange(n) - np.maximum.accumulate(np.where(p.first, np.arange(n), 0))
    win = pos // size
    sess_code = np.cumsum(p.first) - 1
    wid = sess_code * 100000 + win
    sess_len = np.bincount(sess_code)[sess_code]
    full = (win + 1) * size <= sess_len
    key = nm.key.astype(str)
    prev = np.array([str(x) for x in p.prev_key], dtype=object).astype(str)
    liki = np.log(np.maximum(p.iki, 1.0))
    liki[pos % size == 0] = np.nan  # an IKI belongs to a window when both of its keys are in it
    lhold = np.log(np.maximum(nm.hold, 1.0))
    ref = np.array([bigram_logmed.get(a + b, np.nan) for a, b in zip(prev, key)])
    resid = liki - ref
    ov = -p.flight
    ov[pos % size == 0] = np.nan
    ov_pos = np.where(np.isfinite(ov), (ov > 0).astype(float), np.nan)
    grid = np.where(np.isfinite(p.iki) & (pos % size != 0), (p.iki % 8 == 0).astype(float), np.nan)
    lag_prev = np.r_[np.nan, liki[:-1]]
    lead, rel = _shift_events(ks)
    # Shift events and CapsLock presses join the window of the next non-modifier press.
    nm_idx_of_all = np.searchsorted(np.flatnonzero(~np.isin(ks.key, list(MODIFIERS))), np.arange(len(ks)))
    nm_idx_of_all = np.minimum(nm_idx_of_all, n - 1)
    sh = np.flatnonzero(ks.key == "Shift")
    cap = np.flatnonzero(ks.key == "CapsLock")
    df = pd.DataFrame({"w": wid, "liki": liki, "lhold": lhold, "ov": ov, "ov_pos": ov_pos, "resid": resid, "ref": ref,
                       "grid": grid, "lag": lag_prev, "space": key == " ", "bs": key == "Backspace",
                       "upper": np.char.isupper(key.astype("U")) & (np.char.str_len(key.astype("U")) == 1),
                       "after_sp": np.where(prev == " ", liki, np.nan),
                       "into_sp": np.where((key == " ") & (prev != " "), liki, np.nan),
                       "hold_sp": np.where(key == " ", lhold, np.nan),
                       "next_liki": np.r_[liki[1:], np.nan]})
    df = df[full]
    g = df.groupby("w", sort=False)
    q = g["liki"].quantile([0.1, 0.5, 0.9]).unstack()
    hq = g["lhold"].quantile([0.1, 0.9]).unstack()
    feat = pd.DataFrame({
        "iki_mean": g["liki"].mean(), "iki_sd": g["liki"].std(), "iki_p10": q[0.1], "iki_p50": q[0.5],
        "iki_p90": q[0.9], "iki_max": g["liki"].max(), "hold_mean": g["lhold"].mean(), "hold_sd": g["lhold"].std(),
        "hold_p10": hq[0.1], "hold_p90": hq[0.9], "flight_p50": -g["ov"].median(),
        "overlap_share": g["ov_pos"].mean(), "overlap_mean": g["ov"].mean(), "bigram_resid": g["resid"].mean(),
        "after_space": g["after_sp"].mean(), "into_space": g["into_sp"].mean(), "space_share": g["space"].mean(),
        "backspace_n": g["bs"].sum(), "upper_n": g["upper"].sum(), "grid8_share": g["grid"].mean(),
        "hold_space": g["hold_sp"].mean(),
        "bigram_corr": _group_corr(df, "liki", "ref"), "hold_iki_corr": _group_corr(df, "lhold", "next_liki"),
        "iki_lag1": _group_corr(df, "liki", "lag"),
    })
    # Modifier context per window.
    w_of_nm = pd.Series(wid)
    sh_w = w_of_nm.iloc[nm_idx_of_all[sh]].to_numpy() if len(sh) else np.zeros(0, int)
    cap_w = w_of_nm.iloc[nm_idx_of_all[cap]].to_numpy() if len(cap) else np.zeros(0, int)
    feat["shift_n"] = pd.Series(sh_w).value_counts().reindex(feat.index).fillna(0).to_numpy()
    feat["capslock_n"] = pd.Series(cap_w).value_counts().reindex(feat.index).fillna(0).to_numpy()
    lead_all, rel_all = _shift_events_aligned(ks, sh)
    if len(sh):
        sd = pd.DataFrame({"w": sh_w, "lead": np.log(np.maximum(lead_all, 1.0)), "rel": rel_all})
        feat["shift_lead"] = sd.groupby("w")["lead"].mean().reindex(feat.index).to_numpy()
        feat["shift_release"] = sd.groupby("w")["rel"].mean().reindex(feat.index).to_numpy()
    else:
        feat["shift_lead"] = np.nan
        feat["shift_release"] = np.nan
    first_of_w = df.reset_index().groupby("w", sort=False)["index"].first()
    feat["person"] = nm.person[first_of_w.reindex(feat.index).to_numpy()]
    feat["session"] = nm.session[first_of_w.reindex(feat.index).to_numpy()]
    return feat[[*WINDOW_FEATURES, "person", "session"]].reset_index(drop=True)


def _group_corr(df: pd.DataFrame, x: str, y: str, min_n: int = 4) -> pd.Series:
    """Pearson correlation of two columns within each window (NaN with fewer than ``min_n`` pairs)."""
    d = df[["w", x, y]].dropna()
    d = d.assign(xx=d[x] * d[x], yy=d[y] * d[y], xy=d[x] * d[y])
    g = d.groupby("w", sort=False)
    m = g[[x, y, "xx", "yy", "xy"]].mean()
    n = g.size()
    cov = m["xy"] - m[x] * m[y]
    var = (m["xx"] - m[x] ** 2) * (m["yy"] - m[y] ** 2)
    r = cov / np.sqrt(var.where(var > 1e-12))
    return r.where(n >= min_n)


def _shift_events_aligned(ks: Keystrokes, sh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lead and release of each Shift press in ``sh`` (NaN where no key went down under it)."""
    is_nm = ~np.isin(ks.key, list(MODIFIERS))
    nm_pos = np.flatnonzero(is_nm)
    lead = np.full(len(sh), np.nan)
    rel = np.full(len(sh), np.nan)
    if len(sh) == 0 or len(nm_pos) == 0:
        return lead, rel
    j = np.searchsorted(nm_pos, sh)
    ok = j < len(nm_pos)
    jj = nm_pos[np.minimum(j, len(nm_pos) - 1)]
    ok &= (ks.session[sh] == ks.session[jj]) & (ks.t_down[jj] <= ks.t_up[sh])
    lead[ok] = ks.t_down[jj[ok]] - ks.t_down[sh[ok]]
    rel[ok] = ks.t_up[sh[ok]] - ks.t_up[jj[ok]]
    return lead, rel


def _classifier(family: str, seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if family == "hgb":
        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.08, random_state=seed)
    if family == "rf":
        return RandomForestClassifier(n_estimators=150, min_samples_leaf=5, max_features="sqrt", n_jobs=1,
                                      random_state=seed)
    if family == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0))
    raise ValueError(f"family={family!r}: use hgb, rf or logreg")


def typing_discriminator(a: pd.DataFrame, b: pd.DataFrame, *, groups_a: np.ndarray | None = None,
                         groups_b: np.ndarray | None = None, families: Sequence[str] = ("hgb", "rf", "logreg"),
                         folds: int = 5, seed: int = 0,
                         features: Sequence[str] = WINDOW_FEATURES) -> dict[str, tuple[float, float]]:
    """ROC AUC (mean, SD over folds) of telling window set ``a`` from ``b``, per classifier family.

    Cross-validation is grouped (``GroupKFold``), by default by the ``person`` column, so no person's
    windows are on both sides of a split; pass ``groups_a``/``groups_b`` to pair a real person with
    their synthetic counterpart (same group). Missing features get a sentinel for the trees and the
    column median for the logistic regression.

    >>> rng = np.random.default_rng(0)
    >>> f = lambda m: pd.DataFrame({"u": rng.normal(m, 1, 400), "person": np.repeat(np.arange(40), 10)})
    >>> r = typing_discriminator(f(0), f(3), features=["u"], families=["logreg"])
    >>> r["logreg"][0] > 0.95
    True
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    ga = np.asarray(groups_a if groups_a is not None else a["person"].to_numpy()).astype(str)
    gb = np.asarray(groups_b if groups_b is not None else b["person"].to_numpy()).astype(str)
    x = np.vstack([a[list(features)].to_numpy(float), b[list(features)].to_numpy(float)])
    y = np.r_[np.zeros(len(a)), np.ones(len(b))]
    groups = np.r_[ga, gb]
    with warnings.catch_warnings():  # a feature missing in every window (e.g. no Shift at all) is fine
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(x, axis=0)
    med = np.where(np.isfinite(med), med, 0.0)
    x_lin = np.where(np.isfinite(x), x, med)
    x_tree = np.where(np.isfinite(x), x, -999.0)
    out: dict[str, tuple[float, float]] = {}
    for fam in families:
        aucs = []
        xx = x_lin if fam == "logreg" else x_tree
        for k, (tr, te) in enumerate(GroupKFold(n_splits=folds).split(xx, y, groups)):
            clf = _classifier(fam, seed + k)
            clf.fit(xx[tr], y[tr])
            aucs.append(float(roc_auc_score(y[te], clf.predict_proba(xx[te])[:, 1])))
        out[fam] = (float(np.mean(aucs)), float(np.std(aucs)))
    return out
