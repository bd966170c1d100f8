"""Readers that turn public human-input datasets (and synthgen datasets) into the ``events`` schema.

Every reader returns a pandas DataFrame with exactly the columns of
:data:`synthgen.schema.EVENTS_COLUMNS`, in order, with the dtypes of :func:`coerce_events`, so the
fidelity metrics run on real and synthetic input through the very same code.

Sources:

* Balabit Mouse Dynamics Challenge (Fülöp, Kovács, Kurics, Windhager-Pokol, 2016),
  https://github.com/balabit/Mouse-Dynamics-Challenge -- :func:`read_balabit`.
* Freihaut & Göritz (2021), browser point-and-click task -- :func:`read_freihaut`.
* A synthgen Parquet dataset folder (``events/*.parquet``) -- :func:`read_dataset`.

>>> df = coerce_events(pd.DataFrame({"session_id": ["s"], "seq": [0], "t_ms": [0.0], "type": ["click"]}))
>>> list(df.columns) == EVENT_COLUMN_NAMES
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from synthgen.errors import SynthgenError
from synthgen.schema import EVENTS_COLUMNS

__all__ = [
    "EVENT_COLUMN_NAMES",
    "ReferenceDataNotFound",
    "reference_root",
    "coerce_events",
    "read_balabit",
    "read_freihaut",
    "read_dataset",
]

EVENT_COLUMN_NAMES: list[str] = [c.name for c in EVENTS_COLUMNS]

# pandas dtypes of the events frame. Nullable integer/boolean types keep "unknown" distinct from 0/False;
# coordinates stay float32 like the arrow schema so real and synthetic frames compare bit for bit.
_DTYPES: dict[str, str] = {
    "seq": "int64",
    "t_ms": "float64",
    "x": "float32",
    "y": "float32",
    "button": "Int8",
    "buttons": "Int8",
    "delta_x": "float32",
    "delta_y": "float32",
    "repeat": "boolean",
    "modifiers": "Int8",
}
_STR_NONNULL = ("session_id", "type", "url", "step_id", "intent")
_STR_NULL = ("key", "code", "target", "frame")

_ENV_VAR = "SYNTHGEN_REFERENCE"


class ReferenceDataNotFound(SynthgenError, FileNotFoundError):
    """The public human reference data (``shared/reference``) is not where we looked."""


def reference_root(start: Path | None = None) -> Path:
    """The folder of public human reference data (``.../shared/reference``).

    Looks at ``$SYNTHGEN_REFERENCE`` first, then for ``shared/reference`` in every parent of this
    package and of the working directory (``start`` replaces the working directory).

    >>> reference_root().name  # doctest: +SKIP
    'reference'
    """
    env = os.environ.get(_ENV_VAR)
    if env:
        p = Path(env).expanduser()
        if p.is_dir():
            return p
        raise ReferenceDataNotFound(f"{_ENV_VAR}={env!r}: not a directory; point it at the shared/reference folder")
    tried: list[Path] = []
    for origin in (Path(__file__).resolve().parent, (start or Path.cwd()).resolve()):
        for parent in (origin, *origin.parents):
            cand = parent / "shared" / "reference"
            tried.append(cand)
            if cand.is_dir():
                return cand
    raise ReferenceDataNotFound(
        "no shared/reference folder found above the synthgen package or the working directory; "
        f"set {_ENV_VAR}=/path/to/shared/reference (looked at {len(tried)} places, e.g. {tried[0]})"
    )


def coerce_events(df: pd.DataFrame) -> pd.DataFrame:
    """Give a frame exactly the events columns, in schema order, with the fidelity dtypes.

    Missing columns are added: ``url``/``step_id``/``intent`` as ``""``, the others as null.

    >>> coerce_events(pd.DataFrame({"session_id": ["a"], "seq": [0], "t_ms": [1], "type": ["wheel"]})).url[0]
    ''
    """
    n = len(df)
    out: dict[str, object] = {}
    for name in EVENT_COLUMN_NAMES:
        if name in df.columns:
            col = df[name]
            if isinstance(col.dtype, pd.CategoricalDtype):
                col = col.astype(object)
            vals = col.to_numpy(dtype=object) if col.dtype == object else col
        elif name in ("url", "step_id", "intent"):
            vals = np.full(n, "", dtype=object)
        else:
            vals = np.full(n, None, dtype=object)
        if name in _DTYPES:
            dtype = _DTYPES[name]
            if dtype in ("Int8", "boolean"):
                # Via object so None, NaN and pd.NA all become <NA>.
                ser = pd.Series(vals)
                if ser.dtype == object:
                    # Via a list so None, NaN and pd.NA all become <NA>.
                    out[name] = pd.array(ser.where(ser.notna(), None).tolist(), dtype=dtype)
                else:
                    out[name] = ser.astype(dtype).array
            else:
                ser = pd.Series(vals)
                if ser.dtype == object:
                    ser = ser.where(ser.notna(), np.nan).astype(float)
                out[name] = ser.to_numpy().astype(dtype)
        elif name in _STR_NONNULL:
            ser = pd.Series(vals)
            if ser.dtype == object or ser.hasnans:
                ser = ser.where(ser.notna(), "").astype(str)
            out[name] = ser.array
        else:  # nullable strings: None for unknown
            ser = pd.Series(vals, dtype=object)
            out[name] = ser.where(ser.notna(), None).to_numpy(dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(n))


# ----------------------------------------------------------------------------------------------- Balabit

def _balabit_files(root: Path, users: Iterable[str | int] | None, max_sessions: int | None) -> list[tuple[str, Path]]:
    base = root / "mouse" / "balabit"
    if not base.is_dir():
        raise ReferenceDataNotFound(f"{base}: Balabit folder missing; expected userN/session_*.csv under it")
    wanted = None if users is None else {str(u) if str(u).startswith("user") else f"user{u}" for u in users}
    files: list[tuple[str, Path]] = []
    for udir in sorted(base.iterdir(), key=lambda p: (len(p.name), p.name)):
        if not udir.is_dir() or (wanted is not None and udir.name not in wanted):
            continue
        for f in sorted(udir.glob("session_*.csv")):
            files.append((udir.name, f))
    if max_sessions is not None:
        # Round-robin over users so a small max_sessions still spans several people.
        by_user: dict[str, list[Path]] = {}
        for u, f in files:
            by_user.setdefault(u, []).append(f)
        picked: list[tuple[str, Path]] = []
        i = 0
        while len(picked) < max_sessions and any(i < len(v) for v in by_user.values()):
            for u, fs in by_user.items():
                if i < len(fs) and len(picked) < max_sessions:
                    picked.append((u, fs[i]))
            i += 1
        files = picked
    return files


def _balabit_one(user: str, path: Path, click_slop_px: float) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"button": "category", "state": "category"})
    raw.columns = [c.strip() for c in raw.columns]
    n = len(raw)
    t = (raw["client timestamp"].to_numpy(float) - float(raw["client timestamp"].iloc[0])) * 1000.0
    x = raw["x"].to_numpy(float)
    y = raw["y"].to_numpy(float)
    bad = (x >= 65535) | (y >= 65535)  # the recorder's "no position" sentinel
    x[bad] = np.nan
    y[bad] = np.nan
    # Small object arrays from categoricals: comparisons below stay vectorised and cheap.
    state = raw["state"].astype(str).to_numpy(dtype=object)
    btn = raw["button"].astype(str).to_numpy(dtype=object)

    typ = np.full(n, "mousemove", dtype=object)
    is_press = state == "Pressed"
    is_rel = state == "Released"
    is_wheel = (state == "Down") | (state == "Up")
    typ[is_press] = "mousedown"
    typ[is_rel] = "mouseup"
    typ[is_wheel] = "wheel"

    is_left, is_right, is_mid = btn == "Left", btn == "Right", btn == "Middle"
    pr = is_press | is_rel
    # DOM MouseEvent.button; XButton -> 3 (DOM "back").
    button = np.where(pr, np.select([is_left, is_right, is_mid], [0.0, 2.0, 1.0], 3.0), np.nan)

    # buttons bitmask: held button for presses and drags, none after a release or on plain moves.
    mask_code = np.select([is_left, is_right, is_mid], [1.0, 2.0, 4.0], 8.0)
    mask_of_press = pd.Series(np.where(is_press, mask_code, np.nan))
    held = mask_of_press.where(~pd.Series(is_rel), 0.0).ffill().fillna(0.0).to_numpy()
    buttons = np.zeros(n)
    drag = state == "Drag"
    buttons[drag] = np.where(held[drag] > 0, held[drag], 1.0)
    buttons[is_press] = held[is_press]
    buttons[is_wheel] = 0.0

    delta_y = np.full(n, np.nan)
    delta_y[state == "Down"] = 100.0  # DOM: positive deltaY scrolls the page down
    delta_y[state == "Up"] = -100.0
    delta_x = np.where(is_wheel, 0.0, np.nan)

    base = pd.DataFrame({
        "t_ms": t, "type": typ, "x": x, "y": y, "button": button,
        "buttons": pd.array(np.where(is_wheel | pr | drag | (state == "Move"), buttons, np.nan), dtype="Float64").astype("Int8"),
        "delta_x": delta_x, "delta_y": delta_y, "_row": np.arange(n), "_sub": 0,
    })

    # Synthesise the DOM click (left) / contextmenu (right) that a release near its press produces.
    press_x = pd.Series(np.where(is_press, x, np.nan)).ffill().to_numpy()
    press_y = pd.Series(np.where(is_press, y, np.nan)).ffill().to_numpy()
    press_b = pd.Series(np.where(is_press, btn, None)).ffill().to_numpy()
    near = np.hypot(x - press_x, y - press_y) <= click_slop_px
    mk = is_rel & near & (press_b == btn) & np.isin(btn, ("Left", "Right"))
    extra = base.loc[mk].copy()
    extra["type"] = np.where(btn[mk] == "Left", "click", "contextmenu")
    extra["_sub"] = 1
    base.loc[is_rel, "buttons"] = 0
    out = pd.concat([base, extra], ignore_index=True).sort_values(["_row", "_sub"], kind="mergesort")
    out.insert(0, "session_id", f"balabit/{user}/{path.stem.removeprefix('session_')}")
    return out.drop(columns=["_row", "_sub"])


def read_balabit(root: Path | None = None, *, users: Sequence[str | int] | None = None,
                 max_sessions: int | None = None, click_slop_px: float = 10.0) -> pd.DataFrame:
    """Balabit Mouse Dynamics Challenge training sessions as ``events`` rows.

    Data: Á. Fülöp, L. Kovács, T. Kurics, E. Windhager-Pokol (2016), *Balabit Mouse Dynamics
    Challenge data set*, free-form remote-desktop administration by 10 users, 65 sessions.
    ``client timestamp`` (s) becomes ``t_ms`` from the session's first row. ``Move`` -> mousemove,
    ``Drag`` -> mousemove with the held button in ``buttons``, ``Pressed``/``Released`` ->
    mousedown/mouseup, plus a ``click`` (left) or ``contextmenu`` (right; the DOM fires no click for
    it) after a release within ``click_slop_px`` of its press, scroll ``Down``/``Up`` -> ``wheel``
    with ``delta_y`` +100/-100. The recorder's 65535 "no position" becomes NaN.

    ``users`` (``7`` or ``"user7"``) and ``max_sessions`` (round-robin over users) keep reads small.

    >>> ev = read_balabit(users=[7], max_sessions=1)  # doctest: +SKIP
    >>> ev.type.value_counts().index[0]  # doctest: +SKIP
    'mousemove'
    """
    files = _balabit_files(root or reference_root(), users, max_sessions)
    if not files:
        raise ReferenceDataNotFound(f"no Balabit session files matched users={users!r}")
    parts = [_balabit_one(u, f, click_slop_px) for u, f in files]
    df = pd.concat(parts, ignore_index=True)
    df["seq"] = df.groupby("session_id", sort=False).cumcount()
    return coerce_events(df)


# ---------------------------------------------------------------------------------------------- Freihaut


def read_freihaut(path: Path | None = None, *, participants: Sequence[str] | None = None,
                  conditions: Sequence[str] | None = None, max_sessions: int | None = None) -> pd.DataFrame:
    """Freihaut & Göritz (2021) browser point-and-click task as ``events`` rows.

    Data: P. Freihaut, A. S. Göritz (2021), mouse data of a point-and-click task recorded in a web app
    at the display frame rate (two stress conditions per participant). One session per
    participant+condition (``freihaut/<participant>/<condition>``); ``t_ms`` is relative to the
    session's first record. ``MousePositionChanged`` -> mousemove; ``MouseClick`` -> mousedown
    (buttons=1), mouseup and click rows at the recorded point and time (so press durations are 0
    here: use Balabit for those).

    >>> ev = read_freihaut(max_sessions=2)  # doctest: +SKIP
    >>> ev.session_id.nunique()  # doctest: +SKIP
    2
    """
    if path is None:
        path = reference_root() / "mouse" / "freihaut" / "point_click.csv"
    if not Path(path).is_file():
        raise ReferenceDataNotFound(f"{path}: Freihaut point_click.csv missing")
    raw = pd.read_csv(path, dtype={"participant": str, "condition": str, "event": str})
    if participants is not None:
        raw = raw[raw["participant"].isin(list(participants))]
    if conditions is not None:
        raw = raw[raw["condition"].isin(list(conditions))]
    sid = "freihaut/" + raw["participant"] + "/" + raw["condition"]
    if max_sessions is not None:
        keep = pd.unique(sid)[:max_sessions]
        raw, sid = raw[sid.isin(keep)], sid[sid.isin(keep)]
    n = len(raw)
    t_abs = raw["time_ms"].to_numpy(float)
    t0 = pd.Series(t_abs).groupby(sid.to_numpy()).transform("min").to_numpy()
    base = pd.DataFrame({
        "session_id": sid.to_numpy(), "t_ms": t_abs - t0,
        "x": raw["x"].to_numpy(float), "y": raw["y"].to_numpy(float),
        "_row": np.arange(n), "_click": (raw["event"] == "MouseClick").to_numpy(),
    })
    moves = base[~base["_click"]].assign(type="mousemove", buttons=0, _sub=0)
    clicks = base[base["_click"]]
    # One DOM press-release-click triple per recorded click, in DOM order at the same instant.
    down = clicks.assign(type="mousedown", button=0, buttons=1, _sub=0)
    up = clicks.assign(type="mouseup", button=0, buttons=0, _sub=1)
    cl = clicks.assign(type="click", button=0, buttons=0, _sub=2)
    df = pd.concat([moves, down, up, cl], ignore_index=True)
    # Order by time within session (the file is ordered already; _row keeps ties stable).
    df = df.sort_values(["session_id", "t_ms", "_row", "_sub"], kind="mergesort")
    df["seq"] = df.groupby("session_id", sort=False).cumcount()
    return coerce_events(df.drop(columns=["_row", "_sub", "_click"]))


# ------------------------------------------------------------------------------------------- synthgen


def read_dataset(path: Path | str) -> pd.DataFrame:
    """The ``events`` table of a synthgen Parquet dataset folder, sorted by session and seq.

    Reads every ``*.parquet`` under ``<path>/events`` (or ``path`` itself if it holds the files).

    >>> read_dataset("output/run1").columns[0]  # doctest: +SKIP
    'session_id'
    """
    import pyarrow.dataset as pads

    root = Path(path)
    ev_dir = root / "events" if (root / "events").exists() else root
    files = sorted(str(p) for p in ev_dir.rglob("*.parquet")) if ev_dir.is_dir() else []
    if not files:
        raise FileNotFoundError(f"{ev_dir}: no events/*.parquet files; is {root} a synthgen dataset folder?")
    table = pads.dataset(files, format="parquet").to_table()
    df = table.to_pandas()
    df = coerce_events(df)
    return df.sort_values(["session_id", "seq"], kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- SapiMouse


def read_sapimouse(path: Path | None = None, *, participants: Sequence[str] | None = None,
                   max_sessions: int | None = None) -> pd.DataFrame:
    """SapiMouse (Antal, Fejér & Buza, SACI 2021) browser target-clicking sessions as ``events`` rows.

    One session per participant and session (``sapimouse/<participant>/<session>``); ``t_ms`` is the
    recorder's ``Date.now()`` ms since the session's first row. ``move`` -> mousemove (``buttons`` held:
    a drag), ``down``/``up`` -> mousedown/mouseup. The logger records no ``click`` rows.

    >>> ev = read_sapimouse(max_sessions=1)  # doctest: +SKIP
    >>> sorted(set(ev.type))  # doctest: +SKIP
    ['mousedown', 'mousemove', 'mouseup']
    """
    if path is None:
        path = reference_root() / "mouse" / "sapimouse" / "events.csv"
    if not Path(path).is_file():
        raise ReferenceDataNotFound(f"{path}: SapiMouse events.csv missing")
    raw = pd.read_csv(path, dtype={"participant": str, "session": str, "event": str})
    if participants is not None:
        raw = raw[raw["participant"].isin(list(participants))]
    sid = "sapimouse/" + raw["participant"] + "/" + raw["session"]
    if max_sessions is not None:
        keep = pd.unique(sid)[:max_sessions]
        raw, sid = raw[sid.isin(keep)], sid[sid.isin(keep)]
    typ = raw["event"].map({"move": "mousemove", "down": "mousedown", "up": "mouseup"})
    df = pd.DataFrame({"session_id": sid.to_numpy(), "t_ms": raw["t_ms"].to_numpy(float),
                       "type": typ.to_numpy(), "x": raw["x"].to_numpy(float), "y": raw["y"].to_numpy(float),
                       "button": raw["button"].to_numpy(), "buttons": raw["buttons"].to_numpy()})
    df = df[df["type"].notna()].reset_index(drop=True)
    df["seq"] = df.groupby("session_id", sort=False).cumcount()
    return coerce_events(df)
