"""Fit the typing model to the Aalto keystrokes and write ``synthgen/motor/data/keyboard_fit.json``.

Fits on the participants for which :func:`synthgen.fidelity.typing.is_fit_participant` holds (about 70%, a
salted hash of the id); the others are left for ``benchmarks/fidelity.py``. Only aggregates go into the
file: per-bigram and per-key effects seen at least ``--min-count`` times in ``--min-people`` people or more,
class effects, quantile tables and the population's mean and covariance -- never a sequence.

Data: Dhakal, Feit, Kristensson & Oulasvirta, *Observations on Typing from 136 Million Keystrokes*,
CHI 2018, https://doi.org/10.1145/3173574.3174220; non-commercial use with attribution.

    python scripts/fit_keyboard.py [--reference ../shared/reference] [--out PATH]
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from synthgen.fidelity.typing import (  # noqa: E402
    Keystrokes, is_fit_participant, keystrokes, read_aalto, read_aalto_sentences, sentence_wpm,
)
from synthgen.motor.layout import neighbours  # noqa: E402
from synthgen.motor.typing_model import BACKSPACE, CAPSLOCK, FIT_PATH, OTHER, PERSON_TRAITS, pair_class, token_class  # noqa: E402

# Quantile grid: dense in both tails, where long pauses and fast rollovers live.
PROBS = np.unique(np.r_[0.0, 0.0005, 0.001, 0.002, 0.005, np.linspace(0.01, 0.99, 99), 0.993, 0.995, 0.997,
                        0.998, 0.999, 0.9995, 1.0])
_TAIL_CAP = 0.9995  # the very last quantile is capped there: a single record should not set the maximum
SHRINK = 5.0         # pseudo-count pulling a bigram (or key) toward its class


def _token(key: str) -> str:
    if key == "Backspace":
        return BACKSPACE
    if key == "CapsLock":
        return CAPSLOCK
    return key if len(key) == 1 else OTHER


def _quant(x: np.ndarray) -> dict:
    v = np.quantile(x, np.minimum(PROBS, _TAIL_CAP))
    v[0] = np.quantile(x, 0.0002)
    return {"probs": [round(float(p), 5) for p in PROBS], "values": [round(float(a), 4) for a in v]}


def _robust_scale(e: pd.Series) -> float:
    q25, q75 = np.percentile(e, [25, 75])
    return float((q75 - q25) / 1.349)


def _residuals(d: pd.DataFrame, m: pd.Series, effect: str, unit: str, counts: pd.Series, min_count: int,
               min_people: int) -> tuple[pd.Series, pd.Series, pd.Series, float]:
    """Per-person residual scale, the standardised residuals, which units (bigrams, keys) may be stored, and
    the SD of a sentence's own offset (people drift between sentences: within one, values vary less).

    The offset is each sentence's mean residual; its variance less the sampling part (within variance /
    n) is the sentence effect. The residuals are taken around it, so the two add up to the person's spread.
    """
    e = d["y"] - d["person"].map(m) - d[effect]
    g = e.groupby(d["session"])
    mean, var, n = g.transform("mean"), g.transform("var"), g.transform("size")
    per = pd.DataFrame({"mean": mean, "noise": var / n}).groupby(d["session"]).first()
    session_sd = float(np.sqrt(max(per["mean"].var() - per["noise"].mean(), 0.0)))
    e = e - mean
    s = e.groupby(d["person"]).apply(_robust_scale)
    people = d.groupby(unit)["person"].nunique()
    ok = (counts >= min_count) & (people.reindex(counts.index) >= min_people)
    return s, e / d["person"].map(s), ok, session_sd


def _strokes(ks: Keystrokes) -> pd.DataFrame:
    """The stroke stream (non-modifier keys and CapsLock) with the previous stroke and IKI."""
    keep = ~np.isin(ks.key, ["Shift", "Control", "Alt", "Meta", "AltGraph", "Fn"])
    s = ks.take(keep)
    tok = np.array([_token(k) for k in s.key], dtype=object)
    first = np.r_[True, s.session[1:] != s.session[:-1]]
    prev = np.r_[[""], tok[:-1]].astype(object)
    prev[first] = ""
    iki = np.r_[np.nan, np.diff(s.t_down)]
    iki[first] = np.nan
    return pd.DataFrame({"person": s.person, "session": s.session, "tok": tok, "prev": prev, "iki": iki,
                         "hold": s.hold, "t_down": s.t_down, "first": first})


def fit_iki(st: pd.DataFrame, min_count: int, min_people: int, iters: int = 4) -> tuple[dict, pd.DataFrame]:
    d = st[np.isfinite(st["iki"]) & (st["prev"] != OTHER) & (st["tok"] != OTHER)].copy()
    d["y"] = np.log(np.maximum(d["iki"], 1.0))
    d["bg"] = d["prev"] + d["tok"]
    d["cls"] = [pair_class(a, b) for a, b in zip(d["prev"], d["tok"])]
    m = d.groupby("person")["y"].median()
    for _ in range(iters):
        r = d["y"] - d["person"].map(m)
        cls = r.groupby(d["cls"]).agg(["sum", "count"])
        c_eff = cls["sum"] / (cls["count"] + 5.0)
        # A bigram's effect is its median residual (IKI medians are what differ between bigrams; means
        # of the log mix in each bigram's share of hesitations), pulled toward its class when rare.
        bg = r.groupby(d["bg"]).agg(["median", "count"])
        bg_cls = pd.Series({b: c for b, c in zip(d["bg"], d["cls"])})
        b_eff = (bg["median"] * bg["count"] + SHRINK * bg_cls.reindex(bg.index).map(c_eff)) / (bg["count"] + SHRINK)
        d["b"] = d["bg"].map(b_eff)
        m = (d["y"] - d["b"]).groupby(d["person"]).mean()
    s, z, ok, session_sd = _residuals(d, m, "b", "bg", bg["count"], min_count, min_people)
    kinds = (d["y"] - d["person"].map(m)).groupby(d["cls"].str[:2]).mean()
    table = {
        "bigram": {k: round(float(v), 4) for k, v in b_eff[ok].items()},
        "class": {k: round(float(v), 4) for k, v in c_eff[cls["count"] >= min_count].items()},
        "kinds": {k: round(float(v), 4) for k, v in kinds.items()},
        "session_sd": round(session_sd, 4),
    }
    persons = pd.DataFrame({"iki_log_mean": m, "iki_log_scale": np.log(s)})
    return {"iki": table, "iki_z": _quant(z.to_numpy())}, persons


def fit_hold(st: pd.DataFrame, min_count: int, min_people: int) -> tuple[dict, pd.DataFrame]:
    d = st[np.isfinite(st["hold"]) & (st["tok"] != OTHER)].copy()
    d["y"] = np.log(np.maximum(d["hold"], 1.0))
    d["cls"] = [token_class(t) for t in d["tok"]]
    m = d.groupby("person")["y"].median()
    for _ in range(3):
        r = d["y"] - d["person"].map(m)
        cls = r.groupby(d["cls"]).mean()
        ks = r.groupby(d["tok"]).agg(["sum", "count"])
        k_cls = pd.Series({t: token_class(t) for t in ks.index})
        k_eff = (ks["sum"] + SHRINK * k_cls.map(cls)) / (ks["count"] + SHRINK)
        # Centre on the lower-case letters so the person term is "a letter's hold".
        shift = float(k_eff[[t for t in k_eff.index if token_class(t) == "l"]].mean())
        k_eff -= shift
        cls = cls - shift
        d["k"] = d["tok"].map(k_eff)
        m = (d["y"] - d["k"]).groupby(d["person"]).mean()
    s, z, ok, session_sd = _residuals(d, m, "k", "tok", ks["count"], min_count, min_people)
    table = {"key": {k: round(float(v), 4) for k, v in k_eff[ok].items()},
             "class": {k: round(float(v), 4) for k, v in cls.items()}, "session_sd": round(session_sd, 4)}
    return {"hold": table, "hold_z": _quant(z.to_numpy())}, pd.DataFrame({"hold_log_mean": m, "hold_log_scale": np.log(s)})


def fit_shift(ks: Keystrokes, level: pd.Series) -> dict:
    """Shift lead (at a trial's start in ms; inside it as a share of the IKI) and release order."""
    is_nm = ~np.isin(ks.key, ["Shift", "Control", "Alt", "Meta", "CapsLock", "AltGraph", "Fn"])
    nm_pos = np.flatnonzero(is_nm)
    sh = np.flatnonzero(ks.key == "Shift")
    j = np.searchsorted(nm_pos, sh)
    ok = j < len(nm_pos)
    sh, j = sh[ok], j[ok]
    k = nm_pos[j]
    ok = (ks.session[sh] == ks.session[k]) & (ks.t_down[k] <= ks.t_up[sh])
    sh, j, k = sh[ok], j[ok], k[ok]
    lead = ks.t_down[k] - ks.t_down[sh]
    rel = ks.t_up[sh] - ks.t_up[k]
    # The previous non-modifier stroke in the same trial, if any.
    has_prev = (j > 0) & (ks.session[nm_pos[np.maximum(j - 1, 0)]] == ks.session[k])
    prev_t = ks.t_down[nm_pos[np.maximum(j - 1, 0)]]
    iki = ks.t_down[k] - prev_t
    frac = np.clip(lead[has_prev] / np.maximum(iki[has_prev], 1.0), 0.0, 3.0)
    # Last key under each Shift press: the release is measured against it in runs of capitals.
    # Relative to the person's IKI level (the planner's ``level``), so the lead scales with speed.
    start_rel = np.log(np.maximum(lead[~has_prev], 1.0)) - pd.Series(ks.person[k[~has_prev]]).map(level).to_numpy()
    return {
        "lead_start_log_rel": _quant(start_rel[np.isfinite(start_rel)]),
        "lead_frac": _quant(frac),
        "release_ms": _quant(rel),
        "frac_over_1": round(float(np.mean(frac > 1.0)), 4),
    }


def fit_capslock_and_clock(st: pd.DataFrame) -> tuple[dict, dict]:
    caps = st.groupby("person")["tok"].apply(lambda t: int((t == CAPSLOCK).sum()))
    upper = st.groupby("person")["tok"].apply(lambda t: int(sum(1 for x in t if len(x) == 1 and x.isupper())))
    share = np.minimum((caps / 2.0) / np.maximum(upper, 1), 1.0)
    users = share[share > 0]
    grid = st[np.isfinite(st["iki"])].groupby("person")["iki"].apply(lambda v: float(np.mean(v % 8 == 0)))
    return ({"user_share": round(float(np.mean(share > 0)), 4), "share": _quant(users.to_numpy())},
            {"grid8_share": round(float(np.mean(grid >= 0.5)), 4)})


def _classify_runs(st: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Every Backspace run: its length, the kind of error it fixed (by what was deleted and retyped)."""
    rows = []
    chars = {}
    for sid, g in st.groupby("session", sort=False):
        toks = g["tok"].tolist()
        person = g["person"].iat[0]
        buf: list[str] = []
        i, n = 0, len(toks)
        typed = 0
        while i < n:
            t = toks[i]
            if t != BACKSPACE:
                if t not in (CAPSLOCK, OTHER):
                    buf.append(t)
                    typed += 1
                i += 1
                continue
            j = i
            while j < n and toks[j] == BACKSPACE:
                j += 1
            L = j - i
            deleted = buf[-L:] if L <= len(buf) else list(buf)
            del buf[len(buf) - len(deleted):]
            again = [x for x in toks[j:j + L + 2] if x not in (BACKSPACE, CAPSLOCK, OTHER)]
            D, R = deleted, again
            kind = "other"
            if D and len(R) >= len(D):
                if D[1:] == R[1:len(D)] and D[0] != R[0]:
                    kind = "sub" if D[0] in neighbours(R[0]) else "sub_far"
                elif len(D) >= 1 and D[1:] == R[:len(D) - 1]:
                    kind = "ins"
                elif len(R) > len(D) and D == R[1:len(D) + 1]:
                    kind = "omi"
                elif len(D) >= 2 and D[0] == R[1] and D[1] == R[0] and D[2:] == R[2:len(D)]:
                    kind = "tra"
            rows.append((person, L, kind))
            i = j
        chars[person] = chars.get(person, 0) + typed
    return pd.DataFrame(rows, columns=["person", "L", "kind"]), pd.Series(chars)


def fit_errors(st: pd.DataFrame, sent: pd.DataFrame) -> tuple[dict, pd.Series]:
    runs, chars = _classify_runs(st)
    kinds = runs["kind"].value_counts(normalize=True)
    # Notice delay: chars typed after the wrong one(s) before the first Backspace, per kind.
    wrong_len = {"sub": 1, "sub_far": 1, "ins": 1, "omi": 0, "tra": 2, "other": 1}
    k = (runs["L"] - runs["kind"].map(wrong_len)).clip(lower=0)
    k_pmf = np.bincount(np.minimum(k.to_numpy(int), 12), minlength=13) / len(k)
    # Uncorrected errors: what was submitted against the sentence shown.
    unc = 0
    n_chars = 0
    for a, b in zip(sent["sentence"], sent["user_input"]):
        sm = difflib.SequenceMatcher(None, b, a, autojunk=False)
        unc += sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
        n_chars += len(a)
    corrected = len(runs)
    n_runs = runs.groupby("person").size().reindex(chars.index).fillna(0)
    rate = np.log((n_runs + 0.5) / chars.clip(lower=1))
    return {
        "kinds": {kk: round(float(v), 4) for kk, v in kinds.items()},
        "notice_pmf": [round(float(v), 5) for v in k_pmf],
        "run_length_mean": round(float(runs["L"].mean()), 3),
        "correct_prob": round(float(corrected / (corrected + unc)), 4),
        "uncorrected_per_char": round(float(unc / max(n_chars, 1)), 5),
        "runs_per_char": round(float(corrected / chars.sum()), 5),
    }, rate.rename("error_log_rate")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=None, help="the shared/reference folder")
    ap.add_argument("--out", type=Path, default=FIT_PATH)
    ap.add_argument("--min-count", type=int, default=20, help="occurrences a bigram/key needs to be stored")
    ap.add_argument("--min-people", type=int, default=5, help="people a bigram/key needs to be stored")
    ap.add_argument("--max-participants", type=int, default=None, help="fit on fewer people (quick runs)")
    args = ap.parse_args(argv)

    ev = read_aalto(args.reference, subset="fit", max_participants=args.max_participants)
    ks = keystrokes(ev)
    sent = read_aalto_sentences(args.reference, subset="fit", max_participants=args.max_participants)
    st = _strokes(ks)
    print(f"fit people {len(set(ks.person))}, strokes {len(st)}", file=sys.stderr)
    iki, p_iki = fit_iki(st, args.min_count, args.min_people)
    hold, p_hold = fit_hold(st, args.min_count, args.min_people)
    errors, p_err = fit_errors(st, sent)
    caps, clock = fit_capslock_and_clock(st)
    persons = pd.concat([p_iki, p_hold, p_err], axis=1).dropna()[list(PERSON_TRAITS)]
    # The speed line: which person level m gives a sentence WPM (mean over the person's sentences).
    wpm = sentence_wpm(ks)
    wpm_p = wpm.groupby([s.rsplit("/", 1)[0] for s in wpm.index]).mean().reindex(persons.index)
    ok = wpm_p.notna().to_numpy()
    # Fitted as log WPM on m and inverted: the planner is given a WPM and must hit it (the other
    # direction, m on log WPM, would shrink the speed range toward the mean).
    d, c = np.polyfit(persons["iki_log_mean"].to_numpy()[ok], np.log(wpm_p[ok].to_numpy()), 1)
    a, b = -c / d, 1.0 / d
    out = {
        "source": {
            "data": "Aalto 136M keystrokes (Dhakal, Feit, Kristensson, Oulasvirta, CHI 2018), "
                    "https://doi.org/10.1145/3173574.3174220; non-commercial use with attribution",
            "subset": "participants with is_fit_participant(id) (salted hash, ~70%); aggregates only",
            "participants_fit": int(len(persons)), "strokes": int(len(st)),
            "refit": "python scripts/fit_keyboard.py",
        },
        **iki, **hold,
        "person": {"traits": list(PERSON_TRAITS), "mean": [round(float(v), 5) for v in persons.mean()],
                   "cov": [[round(float(v), 6) for v in r] for r in persons.cov().to_numpy()],
                   "wpm_to_iki_log_mean": [round(float(a), 5), round(float(b), 5)],
                   "wpm_mean": round(float(wpm_p.mean()), 3), "wpm_sd": round(float(wpm_p.std()), 3)},
        "shift": fit_shift(ks, p_iki["iki_log_mean"]),
        "capslock": caps,
        "clock": clock,
        "errors": errors,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB): {len(iki['iki']['bigram'])} bigrams, "
          f"{len(hold['hold']['key'])} keys; person mean {out['person']['mean']}; errors {errors}; "
          f"capslock {caps['user_share']}; clock {clock}; shift >1 {out['shift']['frac_over_1']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
