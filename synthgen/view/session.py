"""One session as a self-contained HTML page (no server, no network, no JS needed).

The page shows, in order:

* the failed step and its error, for a session that failed;
* a timeline of the whole session (inline SVG, a readable time axis): pointer speed, presses, key presses,
  wheel, page loads and captures on the synthetic clock;
* the captured frames as a compact grid, each captioned with what the persona did since the frame before
  (clicked what, typed what, scrolled how far) and with the mouse path since then drawn over it (coloured
  by speed: dark blue slow, yellow fast; presses as red rings); identical frames in a row (a wait, a think)
  are shown once with their count; each frame's accessibility tree in a collapsible block;
* the speed profile of every click-to-click pointing move (a matplotlib figure embedded as PNG), which
  is where human-like (bell-shaped, skewed) and robotic (flat) movement look different at a glance.

Images are embedded as base64, so the file can be mailed or attached to an issue as is.

>>> # write_view(Path("output/run1"), "webmail-compose-send-s7-00000", Path("view.html"))
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from synthgen.errors import SynthgenError
from synthgen.dataset import DatasetReader, StoredSession
from synthgen.dataset.files import write_bytes_atomic
from synthgen.view.common import CSS as _CSS
from synthgen.view.common import data_uri, fmt_time, time_ticks

__all__ = ["write_view", "render_view", "speed_colors", "default_view_path", "frame_actions"]

_MAX_FRAMES = 200  # a longer session is thinned evenly: a view is for looking, not archiving
_MAX_MOVES = 24
_MAX_CAPTION = 8  # actions named in a frame's caption

def speed_colors(speed: np.ndarray, vmax: float | None = None) -> list[str]:
    """Hex colours (viridis) for speeds; ``vmax`` defaults to the 95th percentile.

    >>> speed_colors(np.array([0.0, 1.0]), vmax=1.0)
    ['#440154', '#fde725']
    """
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    if len(speed) == 0:
        return []
    top = vmax if vmax is not None else float(np.nanpercentile(speed, 95)) or 1.0
    out = []
    for v in np.clip(np.nan_to_num(speed / max(top, 1e-9)), 0.0, 1.0):
        r, g, b, _ = cmap(float(v))
        out.append(f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}")
    return out


def _cols(t: pa.Table, names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {n: t.column(n).to_pylist() for n in names}


def _pointer(events: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    c = _cols(events, ("t_ms", "type", "x", "y"))
    keep = [i for i, ty in enumerate(c["type"]) if ty == "mousemove" and c["x"][i] is not None]
    t = np.array([c["t_ms"][i] for i in keep], float)
    x = np.array([c["x"][i] for i in keep], float)
    y = np.array([c["y"][i] for i in keep], float)
    dt = np.diff(t, prepend=t[:1] - 16.7) / 1000.0 if len(t) else np.array([])
    v = np.hypot(np.diff(x, prepend=x[:1]), np.diff(y, prepend=y[:1])) / np.maximum(dt, 1e-3) if len(t) else t
    if len(v) >= 3:  # a 3-sample mean: the colour follows the movement, not the 60 Hz sampling jitter
        v = np.convolve(v, np.ones(3) / 3.0, mode="same")
    return t, x, y, v


def _overlay(t: np.ndarray, x: np.ndarray, y: np.ndarray, colors: list[str], lo: float, hi: float,
             presses: list[tuple[float, float, float]], w: int, h: int, cls: str = "overlay") -> str:
    parts = [f'<svg class="{cls}" viewBox="0 0 {w} {h}" preserveAspectRatio="none" '
             'xmlns="http://www.w3.org/2000/svg">']
    if cls == "blank":
        parts.append(f'<rect width="{w}" height="{h}" fill="#eef0f3"/>')
    idx = np.flatnonzero((t > lo) & (t <= hi))
    for a, b in zip(idx[:-1], idx[1:]):
        if b != a + 1:
            continue
        parts.append(f'<line x1="{x[a]:.1f}" y1="{y[a]:.1f}" x2="{x[b]:.1f}" y2="{y[b]:.1f}" '
                     f'stroke="{colors[b]}" stroke-width="3" stroke-linecap="round"/>')
    for pt, px, py in presses:
        if lo < pt <= hi:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="9" fill="none" stroke="#e0245e" stroke-width="3"/>')
    parts.append("</svg>")
    return "".join(parts)


def _timeline(events: pa.Table, t: np.ndarray, v: np.ndarray, duration: float, captures: list[float]) -> str:
    W, H, left = 960, 190, 70
    span = max(duration, 1.0)

    def X(ms: float) -> float:
        return left + (W - left - 10) * ms / span

    c = _cols(events, ("t_ms", "type"))
    rows = [("presses", "mousedown", "#e0245e"), ("keys", "keydown", "#2a7ae2"), ("wheel", "wheel", "#8a5cd1"),
            ("pages", "navigate", "#1a9a5b")]
    out = [f'<svg class="timeline" viewBox="0 0 {W} {H}" width="100%" xmlns="http://www.w3.org/2000/svg" '
           'style="background:#fff;border:1px solid #dde1e6;border-radius:6px">']
    # Pointer speed along the top band.
    if len(t):
        vmax = float(np.nanpercentile(v, 99)) or 1.0
        pts = " ".join(f"{X(a):.1f},{60 - 45 * min(b / vmax, 1.0):.1f}" for a, b in zip(t, v))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#444" stroke-width="1"/>')
    out.append('<text x="4" y="40" font-size="11">speed</text>')
    for k, (label, ty, color) in enumerate(rows):
        y = 80 + 22 * k
        out.append(f'<text x="4" y="{y + 4}" font-size="11">{label}</text>')
        out.append(f'<line x1="{left}" y1="{y}" x2="{W - 10}" y2="{y}" stroke="#eee"/>')
        for i, typ in enumerate(c["type"]):
            if typ == ty:
                xx = X(float(c["t_ms"][i]))
                out.append(f'<line x1="{xx:.1f}" y1="{y - 7}" x2="{xx:.1f}" y2="{y + 7}" stroke="{color}"/>')
    y = 80 + 22 * len(rows)
    out.append(f'<text x="4" y="{y + 4}" font-size="11">frames</text>')
    for ct in captures:
        out.append(f'<circle cx="{X(ct):.1f}" cy="{y}" r="3" fill="#f08c00"/>')
    ticks, step = time_ticks(span)
    for ms in ticks:
        out.append(f'<line x1="{X(ms):.1f}" y1="{H - 16}" x2="{X(ms):.1f}" y2="{H - 12}" stroke="#999"/>')
        out.append(f'<text x="{X(ms):.1f}" y="{H - 2}" font-size="10" text-anchor="middle">'
                   f'{fmt_time(ms, step)}</text>')
    out.append("</svg>")
    return "".join(out)


def _moves(events: pa.Table, pause_ms: float = 300.0,
           min_px: float = 20.0) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Click-to-click pointing moves: (ms from the move's start, speed px/s, distance px) each.

    A move is the run of button-free mousemoves before a mousedown, after the last pause longer than
    ``pause_ms`` (the same cut as :mod:`synthgen.fidelity.moves`, kept light here: no scipy/sklearn).
    """
    c = _cols(events, ("t_ms", "type", "x", "y", "buttons"))
    out: list[tuple[np.ndarray, np.ndarray, float]] = []
    run: list[int] = []
    for i, ty in enumerate(c["type"]):
        if ty == "mousemove" and not (c["buttons"][i] or 0) and c["x"][i] is not None:
            if run and c["t_ms"][i] - c["t_ms"][run[-1]] > pause_ms:
                run = []
            run.append(i)
        elif ty in ("mousedown", "mouseup"):
            if ty == "mousedown" and len(run) >= 3 and c["x"][i] is not None:
                t = np.array([c["t_ms"][k] for k in run] + [c["t_ms"][i]], float)
                x = np.array([c["x"][k] for k in run] + [c["x"][i]], float)
                y = np.array([c["y"][k] for k in run] + [c["y"][i]], float)
                dist = math.hypot(x[-1] - x[0], y[-1] - y[0])
                if dist >= min_px:
                    v = np.hypot(np.diff(x), np.diff(y)) / np.maximum(np.diff(t), 1e-3) * 1000.0
                    out.append((t[1:] - t[0], v, dist))
            run = []
    return out


def _speed_figure(s: StoredSession) -> str | None:
    """PNG (base64) of the speed profile of each pointing move, or None when there is none."""
    moves = _moves(s.events)[:_MAX_MOVES]
    if not moves:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(moves)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols, 1.7 * rows), squeeze=False, dpi=90)
    for ax in axes.flat[n:]:
        ax.axis("off")
    for k, ((t, v, dist), ax) in enumerate(zip(moves, axes.flat)):
        ax.plot(t, v, color="#2a7ae2", lw=1.2)
        ax.fill_between(t, v, color="#2a7ae2", alpha=0.15)
        ax.set_title(f"move {k + 1}: {dist:.0f} px in {t[-1]:.0f} ms", fontsize=8)
        ax.tick_params(labelsize=6)
        if k % cols == 0:
            ax.set_ylabel("px/s", fontsize=7)
    fig.suptitle("speed profile of each pointing move (ms from its start)", fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


_KEY_NAMES = {"Enter": "⏎", "Tab": "⇥", "Backspace": "⌫", "Escape": "Esc", "ArrowLeft": "←", "ArrowRight": "→",
              "ArrowUp": "↑", "ArrowDown": "↓", "Delete": "Del", " ": " "}
_MODS = ((2, "Ctrl+"), (4, "Meta+"), (1, "Alt+"))


def _short(target: str | None, most: int = 48) -> str:
    t = (target or "").split(" (")[0]  # 'button "Send" (form > button)' -> 'button "Send"'
    return t if len(t) <= most else t[: most - 1] + "…"


def frame_actions(events: pa.Table, lo: int, hi: int) -> list[str]:
    """What the persona did in the event rows ``lo`` to ``hi`` (exclusive): clicks with what they hit, text
    typed (Backspace shown as ⌫, shortcuts as Ctrl+K), scrolls with their distance, pages loaded.

    >>> t = pa.table({"type": ["click", "keydown", "keydown", "keydown", "wheel", "wheel"],
    ...               "target": ['button "Send" (form > button)', None, None, None, None, None],
    ...               "key": [None, "H", "i", "Enter", None, None], "modifiers": [0, 8, 0, 0, 0, 0],
    ...               "delta_y": [None, None, None, None, 100.0, 120.0], "url": ["u"] * 6})
    >>> frame_actions(t, 0, 6)
    ['click button "Send"', 'typed “Hi⏎”', 'scrolled 220 px down']
    """
    return _actions(_cols(events, _ACTION_COLS), lo, hi)


_ACTION_COLS = ("type", "target", "key", "modifiers", "delta_y", "url")


def _actions(c: dict[str, list[Any]], lo: int, hi: int) -> list[str]:
    """:func:`frame_actions` on columns already read (a page reads them once for all its frames)."""
    out: list[str] = []
    typed: list[str] = []
    wheel = 0.0

    def flush() -> None:
        nonlocal wheel
        if typed:
            out.append("typed “" + "".join(typed) + "”")
            typed.clear()
        if wheel:
            out.append(f"scrolled {abs(wheel):.0f} px {'down' if wheel > 0 else 'up'}")
            wheel = 0.0

    moved = False
    for i in range(lo, min(hi, len(c["type"]))):
        ty = c["type"][i]
        moved = moved or ty == "mousemove"
        if ty == "keydown":
            k, mods = c["key"][i] or "", int(c["modifiers"][i] or 0)
            if k in ("Shift", "Control", "Alt", "Meta", "CapsLock"):
                continue
            prefix = "".join(name for bit, name in _MODS if mods & bit)
            shown = _KEY_NAMES.get(k, k if len(k) == 1 else f"‹{k}›")
            typed.append(f"‹{prefix}{k}›" if prefix else shown)
            continue
        if ty == "wheel":
            wheel += float(c["delta_y"][i] or 0.0)
            continue
        if ty in ("click", "dblclick", "contextmenu", "change", "navigate", "drop"):
            flush()
            what = {"click": "click", "dblclick": "double-click", "contextmenu": "right-click",
                    "change": "set", "drop": "drop on"}.get(ty)
            if ty == "navigate":
                out.append(f"page {esc_url(c['url'][i])}")
            else:
                out.append(f"{what} {_short(c['target'][i])}".strip())
    flush()
    return out or (["moved the pointer"] if moved else [])


def esc_url(url: str | None, most: int = 60) -> str:
    u = (url or "").split("://", 1)[-1]
    return u if len(u) <= most else "…" + u[-(most - 1):]


def _frame_groups(root: Path, frames: list[str]) -> list[tuple[list[int], bytes | None]]:
    """Indexes of ``frames`` grouped into runs of identical images (a wait or a think shows one picture),
    each with its image's bytes (None: the file is missing), read once."""
    groups: list[tuple[list[int], bytes | None]] = []
    last = None
    for k, rel in enumerate(frames):
        p = root / rel
        data = p.read_bytes() if p.is_file() else None
        digest = hashlib.sha1(data).hexdigest() if data is not None else f"missing:{rel}"
        if groups and digest == last:
            groups[-1][0].append(k)
        else:
            groups.append(([k], data))
        last = digest
    return groups


def render_view(s: StoredSession, root: Path) -> str:
    """The HTML text of one session's view."""
    row = s.row
    w, h = int(row.get("viewport_w") or 1280), int(row.get("viewport_h") or 800)
    t, x, y, v = _pointer(s.events)
    colors = speed_colors(v)
    c = _cols(s.events, ("t_ms", "type", "x", "y", "frame", "url", "step_id", "intent")
              + tuple(n for n in _ACTION_COLS if n not in ("type", "url")))
    presses = [(float(c["t_ms"][i]), float(c["x"][i]), float(c["y"][i])) for i, ty in enumerate(c["type"])
               if ty == "mousedown" and c["x"][i] is not None]
    shots = [i for i, f in enumerate(c["frame"]) if f]
    obs = {}
    if s.observations is not None:
        for o in s.observations.to_pylist():
            obs[o["frame"]] = o
    if len(shots) > _MAX_FRAMES:
        shots = [shots[round(k * (len(shots) - 1) / (_MAX_FRAMES - 1))] for k in range(_MAX_FRAMES)]
    groups = _frame_groups(root, [c["frame"][i] for i in shots])
    duration = float(row.get("duration_ms") or (t[-1] if len(t) else 1.0))
    esc = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>synthgen view: {esc(row['session_id'])}"
             f"</title><style>{_CSS}</style></head><body>",
             f"<h1>{esc(row['session_id'])}</h1>",
             f"<div class='meta'>scenario <b>{esc(str(row.get('scenario')))}</b> · persona "
             f"<b>{esc(str(row.get('persona_id')))}</b> · status <b>{esc(str(row.get('status')))}</b> · "
             f"{fmt_time(duration)} synthetic · {s.events.num_rows} events · {len(shots)} frames "
             f"({len(groups)} distinct in a row) · viewport {w}×{h}</div>",
             _failure(row),
             "<div class='legend'>mouse speed: slow <span style='background:linear-gradient(90deg,#440154,"
             "#21918c,#fde725)'></span> fast · <span style='width:12px;height:12px;border:3px solid #e0245e;"
             "border-radius:50%;display:inline-block;background:none'></span> press</div>",
             "<h2>Timeline</h2>", _timeline(s.events, t, v, duration, [float(c["t_ms"][i]) for i in shots]),
             "<h2>Frames</h2><div class='frames'>"]
    if not shots:
        parts.append("<div class='frame'><div class='cap'>no frames captured (generate with --screenshots "
                     "step|action|every:MS); the whole mouse path:</div><div class='stage'>"
                     + _overlay(t, x, y, colors, -1.0, duration + 1, presses, w, h, cls="blank") + "</div></div>")
    prev_t, prev_row = -1.0, 0
    for group, data in groups:
        first, last = shots[group[0]], shots[group[-1]]
        path = root / c["frame"][first]
        ft, lt = float(c["t_ms"][first]), float(c["t_ms"][last])
        o = obs.get(c["frame"][first], {})
        did = _actions(c, prev_row, last + 1)
        when = fmt_time(ft, 100.0 if duration < 10_000 else 1000.0)
        if len(group) > 1:
            when += f"–{fmt_time(lt, 100.0 if duration < 10_000 else 1000.0)}"
        reason = str(o.get("reason") or c["intent"][first] or "")
        if len(did) > _MAX_CAPTION:  # a frame after a long stretch: its last actions, the rest counted
            did = [f"… {len(did) - _MAX_CAPTION} earlier"] + did[-_MAX_CAPTION:]
        act = esc(" · ".join(did)) if did else "<i>no input</i>"
        rep = f"<span class='rep'>×{len(group)} unchanged</span>" if len(group) > 1 else ""
        cap = (f"<span class='act'>{act}</span>{rep}<br><span class='when'>{when} · step "
               f"{esc(str(c['step_id'][first]))} ({esc(reason)}) · {esc(esc_url(c['url'][first]))}</span>")
        if data is not None:
            img = f"<img alt='frame at {ft:.0f} ms' src='{data_uri(path, data)}'>"
        else:
            img = f"<svg class='blank' viewBox='0 0 {w} {h}'><text x='20' y='40'>missing {esc(str(path))}</text></svg>"
        parts.append(f"<div class='frame'><div class='cap'>{cap}</div><div class='stage'>{img}"
                     + _overlay(t, x, y, colors, prev_t, lt, presses, w, h) + "</div>")
        if o.get("a11y"):
            parts.append(f"<details><summary>accessibility tree ({o.get('a11y_format')}, "
                         f"{o.get('a11y_bytes')} bytes)</summary><pre>{esc(o['a11y'])}</pre></details>")
        parts.append("</div>")
        prev_t, prev_row = lt, last + 1
    parts.append("</div><h2>Speed profiles</h2>")
    fig = _speed_figure(s)
    if fig:
        parts.append(f"<figure><img class='speed' alt='speed profiles' src='data:image/png;base64,{fig}'></figure>")
    else:
        parts.append("<p>no pointing moves in this session</p>")
    parts.append("</body></html>")
    return "".join(parts)


def _failure(row: dict[str, Any]) -> str:
    """A failed session's error and failed step, at the top of its view ('' for a session that passed).

    >>> _failure({"status": "failed", "failed_step": "3", "error": "step 3 'click': role=dialog[name=A] <gone>"})
    "<div class='failure'><b>failed at step 3</b>: step 3 &#x27;click&#x27;: role=dialog[name=A] &lt;gone&gt;</div>"
    """
    if row.get("status") != "failed":
        return ""
    return (f"<div class='failure'><b>failed at step {html.escape(str(row.get('failed_step') or '?'))}</b>: "
            f"{html.escape(str(row.get('error') or 'no error recorded'))}</div>")


def default_view_path(dataset: Path) -> Path:
    """Where ``synthgen view`` writes when not told: beside the dataset, never into the current folder.

    >>> default_view_path(Path("output/demo"))
    PosixPath('output/demo-view.html')
    """
    d = Path(dataset)
    return d.parent / f"{d.name}-view.html"


def write_view(dataset: Path, session: str | None, out: Path | None = None) -> Path:
    """Write the view of ``session`` (default: the first) of ``dataset`` to ``out`` (default: beside the
    dataset), owner-only like the dataset; returns the path."""
    root = Path(dataset)
    reader = DatasetReader(root).require()
    ids = reader.complete_ids()
    if not ids:
        raise SynthgenError(f"{root} has no finished sessions to view")
    sid = session or ids[0]
    if sid not in ids:
        near = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
        raise SynthgenError(f"no session {sid!r} in {root}; sessions there: {near}")
    text = render_view(reader.load(sid), root)
    out = Path(out) if out is not None else default_view_path(root)
    write_bytes_atomic(out, text.encode("utf-8"))  # inlined screen captures: as private as the dataset
    return out
