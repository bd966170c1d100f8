"""The whole corpus on one page: every session with its status, scenario, persona, duration, a thumbnail
and its error; a gallery of the failures; per-scenario distributions of duration, actions, typing speed and
pointer speed (matplotlib, embedded as PNG); the personas' habits per scenario (the ways ``do`` steps took,
slips by kind and recoveries, reading time: :mod:`synthgen.habits_report`); and a link to each session's
own page (written beside it).

>>> # write_overview(Path("output/demo"))  ->  output/demo-view/index.html (+ sessions/<id>.html)
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow.parquet as pq

from synthgen.dataset import DatasetReader
from synthgen.dataset import layout as L
from synthgen.dataset.files import write_bytes_atomic
from synthgen.dataset.reader import failure_frame
from synthgen.errors import SynthgenError
from synthgen.habits_report import EVENT_COLUMNS, INPUT_TYPES, HabitFigures, habit_figures, has_habits, shares_text
from synthgen.habits_report import by_scenario as habits_by_scenario
from synthgen.view.common import CSS, esc, fmt_time, png_uri, thumbnail_uri
from synthgen.view.session import render_view

__all__ = ["write_overview", "SessionFigures", "session_figures", "default_overview_dir", "habits_part"]

_BURST_GAP_MS = 2000.0  # key intervals longer than this are pauses, not typing
_PAUSE_MS = 300.0  # a pointer still this long ends a move


@dataclass(frozen=True)
class SessionFigures:
    """What the overview plots for one session (None: the session did not do that)."""

    duration_s: float
    actions: int
    typing_wpm: float | None
    pointer_px_s: float | None


def session_figures(t_ms: np.ndarray, types: list[str], x: np.ndarray, y: np.ndarray,
                    buttons: np.ndarray, duration_ms: float) -> SessionFigures:
    """Duration, inputs (presses, keys, wheel notches), typing speed (words of 5 characters per minute
    from the median interval between keys inside bursts) and pointer speed (median over moves of path
    length / time) of one session's events.

    >>> f = session_figures(np.array([0., 100, 200, 300, 316, 332]), ["keydown"] * 3 + ["mousemove"] * 3,
    ...                     np.array([0., 0, 0, 0, 10, 20]), np.zeros(6), np.zeros(6), 400.0)
    >>> f.actions, round(f.typing_wpm), round(f.pointer_px_s)
    (3, 120, 625)
    """
    ty = np.asarray(types, dtype=object)
    actions = int(np.isin(ty, INPUT_TYPES).sum())
    keys = t_ms[ty == "keydown"]
    gaps = np.diff(keys)
    gaps = gaps[(gaps > 0) & (gaps < _BURST_GAP_MS)]
    wpm = float(12_000.0 / np.median(gaps)) if len(gaps) >= 2 else None
    mv = (ty == "mousemove") & (np.nan_to_num(buttons) == 0) & ~np.isnan(x)
    tm, xm, ym = t_ms[mv], x[mv], y[mv]
    speeds = []
    if len(tm) >= 3:
        cut = np.flatnonzero(np.diff(tm) > _PAUSE_MS) + 1
        for a, b in zip(np.r_[0, cut], np.r_[cut, len(tm)]):
            if b - a >= 3 and tm[b - 1] > tm[a]:
                length = float(np.hypot(np.diff(xm[a:b]), np.diff(ym[a:b])).sum())
                if length >= 20.0:
                    speeds.append(length / (tm[b - 1] - tm[a]) * 1000.0)
    return SessionFigures(duration_ms / 1000.0, actions, wpm, float(np.median(speeds)) if speeds else None)


def default_overview_dir(dataset: Path) -> Path:
    """Where the overview goes when not told: a folder beside the dataset, never into it.

    >>> default_overview_dir(Path("output/demo"))
    PosixPath('output/demo-view')
    """
    d = Path(dataset)
    return d.parent / f"{d.name}-view"


def _figures_png(by_scenario: dict[str, list[SessionFigures]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted(by_scenario)
    panels = [("duration (s)", lambda f: f.duration_s), ("inputs (presses, keys, wheel)", lambda f: f.actions),
              ("typing speed (WPM)", lambda f: f.typing_wpm), ("pointer speed (px/s)", lambda f: f.pointer_px_s)]
    fig, axes = plt.subplots(1, 4, figsize=(14, 0.9 + 0.32 * len(names)), sharey=True, dpi=90)
    rng = np.random.default_rng(0)  # jitter of the dots only (the figure is the same on every run)
    for ax, (title, get) in zip(axes, panels):
        for k, name in enumerate(names):
            vals = np.array([v for v in (get(f) for f in by_scenario[name]) if v is not None], float)
            if len(vals) == 0:
                continue
            if len(vals) >= 5:
                ax.boxplot(vals, positions=[k], vert=False, widths=0.6, showfliers=False,
                           medianprops={"color": "#c0163f"}, boxprops={"color": "#555"})
            ax.scatter(vals, k + rng.uniform(-0.18, 0.18, len(vals)), s=9, alpha=0.6, color="#2a7ae2", zorder=3)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(names)))
    axes[0].set_yticklabels(names, fontsize=7)
    axes[0].set_ylim(-0.7, len(names) - 0.3)
    axes[0].invert_yaxis()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


#: One colour per way and per slip kind (unknown names: grey), so every figure reads the same.
_WAY_COLORS = {"shortcut": "#2a7ae2", "menu": "#e8a33d", "context_menu": "#8e5cc4", "toolbar": "#3aa17e"}
_SLIP_COLORS = {"neighbour_click": "#c0163f", "wrong_menu": "#e8a33d", "wrong_field": "#2a7ae2",
                "overscroll": "#3aa17e", "double_click": "#8e5cc4"}


def _stacked(ax: Any, names: list[str], parts: dict[str, dict[str, float]], colors: dict[str, str]) -> None:
    """Horizontal bars, one per name, stacked from its parts in the colours' order (then any other)."""
    keys = list(colors) + sorted({k for p in parts.values() for k in p} - set(colors))
    left = np.zeros(len(names))
    for key in keys:
        vals = np.array([parts[n].get(key, 0.0) for n in names], float)
        if vals.any():
            ax.barh(range(len(names)), vals, left=left, height=0.6, color=colors.get(key, "#999"), label=key)
            left += vals
    if left.any():  # a legend of nothing warns; under the axis labels (a fixed 14 pt), never over the bars
        from matplotlib.transforms import offset_copy

        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5, frameon=False,
                  bbox_transform=offset_copy(ax.transAxes, fig=ax.figure, y=-14, units="points"))
    ax.tick_params(labelsize=7)
    ax.grid(axis="x", alpha=0.3)


def _habits_png(habits: dict[str, dict[str, Any]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted(habits)
    fig, (ways, slips) = plt.subplots(1, 2, figsize=(12, 1.0 + 0.32 * len(names)), sharey=True, dpi=90)
    _stacked(ways, names, {n: habits[n]["way_shares"] for n in names}, _WAY_COLORS)
    for k, n in enumerate(names):
        if not habits[n]["do_steps"]:
            ways.text(0.01, k, "no do steps", va="center", fontsize=7, color="#777")
    ways.set_xlim(0, 1)
    ways.set_title("share of do steps by the way taken", fontsize=9)
    per_session = {n: {k: c / max(habits[n]["sessions"], 1) for k, c in habits[n]["slips_by_kind"].items()}
                   for n in names}
    _stacked(slips, names, per_session, _SLIP_COLORS)
    slips.set_title("slips per session, by kind", fontsize=9)
    ways.set_yticks(range(len(names)))
    ways.set_yticklabels(names, fontsize=7)
    ways.set_ylim(-0.7, len(names) - 0.3)
    ways.invert_yaxis()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")  # the legends under the axes
    plt.close(fig)
    return buf.getvalue()


def habits_part(figs: list[HabitFigures]) -> str:
    """The overview's *Habits* part (HTML): a figure (the ways ``do`` steps took per scenario as stacked
    bars; slips per session by kind) and a table per scenario: sessions, ``do`` steps and the ways' shares,
    slips (per session, by kind), recoveries, reading time (median per session, share of the time).

    >>> f = HabitFigures("a-s1-00000", "a", "p1", "ok", None, 10_000.0, 2500.0, 1, 1, "menu", {"menu": 2},
    ...                  {"overscroll": 1}, 10)
    >>> html = habits_part([f])
    >>> "<h2>Habits</h2>" in html, "menu 100%" in html, "overscroll 1" in html, "data:image/png" in html
    (True, True, True, True)
    """
    habits = habits_by_scenario(figs)
    parts = ["<h2>Habits</h2><p class='meta'>The way each <code>do</code> step took (the persona's habits), "
             "task-level slips (each undone), and time spent reading newly shown pages.</p>",
             "<table class='habits'><tr><th>scenario</th><th>sessions</th><th>do steps</th><th>ways</th>"
             "<th>slips</th><th>per session</th><th>by kind</th><th>recoveries</th><th>median reading</th>"
             "<th>reading share</th></tr>"]
    for name, h in habits.items():
        kinds = ", ".join(f"{k} {n}" for k, n in h["slips_by_kind"].items()) or "–"
        per = "–" if h["slips_per_session"] is None else f"{h['slips_per_session']:.2f}"
        share = "–" if h["read_share"] is None else f"{100 * h['read_share']:.0f}%"
        parts.append(f"<tr><td>{esc(name)}</td><td class='num'>{h['sessions']}</td>"
                     f"<td class='num'>{h['do_steps']}</td><td>{esc(shares_text(h['way_shares']))}</td>"
                     f"<td class='num'>{h['slips']}</td><td class='num'>{per}</td><td>{esc(kinds)}</td>"
                     f"<td class='num'>{h['recoveries']}</td>"
                     f"<td class='num'>{fmt_time(h['read_ms_median'] or 0.0, 500.0)}</td>"
                     f"<td class='num'>{share}</td></tr>")
    parts.append("</table>")
    parts.append("<figure><img class='habits' alt='ways and slips per scenario' "
                 f"src='{png_uri(_habits_png(habits))}'></figure>")
    return "".join(parts)


def _last_frame(frames: list[Any]) -> str | None:
    shown = [f for f in frames if f]
    return shown[-1] if shown else None


def write_overview(dataset: Path, out_dir: Path | None = None, *, session_pages: bool = True,
                   on_progress: Callable[[int, int], None] | None = None) -> Path:
    """Write ``index.html`` (the corpus) and, unless ``session_pages`` is False, ``sessions/<id>.html``
    (each session's page) into ``out_dir`` (default: ``DATASET-view/`` beside the dataset); returns the
    index. ``on_progress(done, total)`` follows the sessions read."""
    root = Path(dataset)
    reader = DatasetReader(root).require()
    ids = reader.complete_ids()
    if not ids:
        raise SynthgenError(f"{root} has no finished sessions to view; generate into it first")
    out = Path(out_dir) if out_dir is not None else default_overview_dir(root)
    if out.resolve() == root.resolve() or root.resolve() in out.resolve().parents:
        raise SynthgenError(f"--out {out} is inside the dataset {root}; write the view beside it (the default)")
    rows: list[dict[str, Any]] = []
    by_scenario: dict[str, list[SessionFigures]] = defaultdict(list)
    habits: list[HabitFigures] = []  # sessions written with the habit columns (schema 1.3 on)
    for n, sid in enumerate(ids, 1):
        # Read once: the whole session for its page, else only the columns the overview needs.
        stored = reader.load(sid) if session_pages else None
        row = stored.row if stored is not None else reader.session_row(sid)
        ev = stored.events if stored is not None else _events(root / L.events_file(sid))
        t = ev.column("t_ms").to_numpy()
        types = [str(v) for v in ev.column("type").to_pylist()]
        x = np.array([np.nan if v is None else v for v in ev.column("x").to_pylist()], float)
        y = np.array([np.nan if v is None else v for v in ev.column("y").to_pylist()], float)
        b = np.array([0 if v is None else v for v in ev.column("buttons").to_pylist()], float)
        figs = session_figures(t, types, x, y, b, float(row.get("duration_ms") or 0.0))
        by_scenario[str(row.get("scenario"))].append(figs)
        if has_habits(row):
            habits.append(habit_figures(row, ev))
        shot = failure_frame(reader, sid) if row.get("status") == "failed" else None
        shot = shot or _last_frame(ev.column("frame").to_pylist())
        rows.append({"row": row, "figs": figs, "thumb": thumbnail_uri(root / shot) if shot else None,
                     "shot": shot})
        if stored is not None:
            page = render_view(stored, root)
            write_bytes_atomic(out / "sessions" / f"{sid}.html", page.encode("utf-8"))
        if on_progress:
            on_progress(n, len(ids))
    index = out / "index.html"
    write_bytes_atomic(index, _render(root, rows, by_scenario, habits, session_pages).encode("utf-8"))
    return index


def _events(path: Path) -> Any:
    """The events columns the overview reads (the habit columns when the file has them)."""
    names = pq.read_schema(path).names
    base = ["t_ms", "type", "x", "y", "buttons", "frame"]
    return pq.read_table(path, columns=base + [c for c in EVENT_COLUMNS if c in names and c not in base])


def _render(root: Path, rows: list[dict[str, Any]], by_scenario: dict[str, list[SessionFigures]],
            habits: list[HabitFigures], linked: bool) -> str:
    ok = sum(1 for r in rows if r["row"].get("status") == "ok")
    failed = [r for r in rows if r["row"].get("status") == "failed"]
    total_ms = sum(float(r["row"].get("duration_ms") or 0.0) for r in rows)
    personas = len({r["row"].get("persona_id") for r in rows})

    def link(sid: str, text: str) -> str:
        return f"<a href='sessions/{esc(sid)}.html'>{text}</a>" if linked else text

    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>synthgen: {esc(root.name)}</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>{esc(root.name)}</h1><div class='meta'>{esc(root.resolve())}</div>",
             "<div class='cards'>",
             f"<div><b>{len(rows)}</b>sessions</div>",
             f"<div><b class='ok'>{ok}</b>ok</div>",
             f"<div><b class='failed'>{len(failed)}</b>failed</div>",
             f"<div><b>{len(by_scenario)}</b>scenarios</div>",
             f"<div><b>{personas}</b>personas</div>",
             f"<div><b>{fmt_time(total_ms)}</b>of human time</div>",
             "</div>"]
    parts.append("<h2>Per scenario</h2><table class='sessions'><tr><th>scenario</th><th>sessions</th><th>ok</th>"
                 "<th>failed</th><th>median duration</th><th>median inputs</th><th>median WPM</th>"
                 "<th>median pointer px/s</th></tr>")
    for name in sorted(by_scenario):
        figs = by_scenario[name]
        n_ok = sum(1 for r in rows if r["row"].get("scenario") == name and r["row"].get("status") == "ok")

        def med(vals: list[float | None]) -> str:
            v = [a for a in vals if a is not None]
            return f"{float(np.median(v)):.0f}" if v else "–"

        parts.append(f"<tr><td>{esc(name)}</td><td class='num'>{len(figs)}</td><td class='num'>{n_ok}</td>"
                     f"<td class='num'>{len(figs) - n_ok}</td>"
                     f"<td class='num'>{fmt_time(1000.0 * float(np.median([f.duration_s for f in figs])))}</td>"
                     f"<td class='num'>{med([f.actions for f in figs])}</td>"
                     f"<td class='num'>{med([f.typing_wpm for f in figs])}</td>"
                     f"<td class='num'>{med([f.pointer_px_s for f in figs])}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>Distributions per scenario</h2><figure><img class='dist' alt='distributions per scenario' "
                 f"src='{png_uri(_figures_png(by_scenario))}'></figure>")
    if habits:
        parts.append(habits_part(habits))
    parts.append(f"<h2>Failures ({len(failed)})</h2>")
    if failed:
        parts.append("<div class='gallery'>")
        for r in failed:
            row = r["row"]
            img = f"<img alt='failure of {esc(row['session_id'])}' src='{r['thumb']}'>" if r["thumb"] else \
                "<div class='meta'>no screenshot</div>"
            parts.append(f"<div class='card'>{link(row['session_id'], img)}<b>{link(row['session_id'], esc(row['session_id']))}"
                         f"</b><br>step {esc(row.get('failed_step') or '?')}<div class='err'>"
                         f"{esc(row.get('error') or '')}</div></div>")
        parts.append("</div>")
    else:
        parts.append("<p>none</p>")
    parts.append("<h2>Sessions</h2><table class='sessions'><tr><th></th><th>session</th><th>status</th>"
                 "<th>scenario</th><th>persona</th><th>duration</th><th>inputs</th><th>WPM</th><th>px/s</th>"
                 "<th>error</th></tr>")
    for r in rows:
        row, f = r["row"], r["figs"]
        sid = row["session_id"]
        thumb = link(sid, f"<img alt='last frame of {esc(sid)}' src='{r['thumb']}'>") if r["thumb"] else ""
        status = esc(row.get("status"))
        wpm = "–" if f.typing_wpm is None else f"{f.typing_wpm:.0f}"
        pxs = "–" if f.pointer_px_s is None else f"{f.pointer_px_s:.0f}"
        parts.append(f"<tr><td>{thumb}</td><td>{link(sid, esc(sid))}</td><td class='{status}'>{status}</td>"
                     f"<td>{esc(row.get('scenario'))}</td><td>{esc(row.get('persona_id'))}</td>"
                     f"<td class='num'>{fmt_time(f.duration_s * 1000.0)}</td><td class='num'>{f.actions}</td>"
                     f"<td class='num'>{wpm}</td><td class='num'>{pxs}</td>"
                     f"<td class='err'>{esc(row.get('error') or '')}</td></tr>")
    parts.append("</table></body></html>")
    return "".join(parts)
