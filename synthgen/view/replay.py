"""``synthgen replay``: a session's rrweb recording as one self-contained player page.

The page holds the vendored ``rrweb-player`` (MIT, ``synthgen/observe/vendor/``), its style sheet, and the
session's player events (the DOM recording merged with the events table's pointer, as in the rrweb export).
A recording points at the app's own URLs for images, fonts and style sheets (``http://apps.synthgen.test/
shop/img/kite.svg``), which resolve only during a run; for the bundled apps each such file is read from
``synthgen/apps/static`` and inlined as a ``data:`` URI, so the replay shows the page as the persona saw it
with no server and no network. A recording of another app (``--base-url``) keeps its URLs: its images show
while that app is served, and the page says so.

>>> # write_replay(Path("output/demo"), "shop-browse-compare-s7-00000")  ->  output/demo-replay-<id>.html
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from synthgen.apps.server import STATIC_DIR
from synthgen.browser.launch import BUNDLED_HOST
from synthgen.dataset import DatasetReader
from synthgen.dataset import layout as L
from synthgen.dataset.exports.rrweb import player_events
from synthgen.dataset.files import write_bytes_atomic
from synthgen.errors import SynthgenError
from synthgen.view.common import MIME, data_uri, esc

__all__ = ["write_replay", "inline_bundled_assets", "default_replay_path"]

_VENDOR = Path(__file__).resolve().parents[1] / "observe" / "vendor"
# A bundled app's URL as it appears in a recording: in attributes, in CSS url(...), JSON-escaped or not.
_URL = re.compile(r"https?://" + re.escape(BUNDLED_HOST) + r"(?::\d+)?(/[^\"'\s)\\<>]*)")
_INLINED = {k for k in MIME if k not in (".css",)}  # style sheets arrive inlined by rrweb already


def inline_bundled_assets(text: str, static_dir: Path = STATIC_DIR) -> tuple[str, int, list[str]]:
    """``text`` with every bundled-app URL of an image or font replaced by the file's ``data:`` URI; also the
    number replaced and the image or font URLs left (no such file). Links to pages stay as they are.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "shop").mkdir(); _ = (d / "shop" / "a.png").write_bytes(b"x")
    >>> out, n, left = inline_bundled_assets('<img src="http://apps.synthgen.test/shop/a.png?v=1">', d)
    >>> out, n, left
    ('<img src="data:image/png;base64,eA==">', 1, [])
    """
    cache: dict[str, str | None] = {}
    root = static_dir.resolve()
    left: list[str] = []
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        url, path = m.group(0), m.group(1).split("?", 1)[0].split("#", 1)[0]
        if path not in cache:
            f = (root / path.lstrip("/")).resolve()
            ok = root in f.parents and f.is_file() and f.suffix.lower() in _INLINED
            cache[path] = data_uri(f) if ok else None
        if cache[path] is None:
            if Path(path).suffix.lower() in _INLINED:  # an image or font not found (links stay links)
                left.append(url)
            return url
        count += 1
        return cache[path]  # type: ignore[return-value]

    return _URL.sub(swap, text), count, sorted(set(left))


def default_replay_path(dataset: Path, sid: str) -> Path:
    """Beside the dataset, never inside it.

    >>> default_replay_path(Path("output/demo"), "s1")
    PosixPath('output/demo-replay-s1.html')
    """
    d = Path(dataset)
    return d.parent / f"{d.name}-replay-{sid}.html"


def write_replay(dataset: Path, session: str | None = None, out: Path | None = None) -> Path:
    """Write the replay page of ``session`` (default: the first with a recording); returns its path."""
    root = Path(dataset)
    reader = DatasetReader(root).require()
    ids = reader.complete_ids()
    recorded = [sid for sid in ids if reader.dest.exists(L.recording_file(sid))]
    if not recorded:
        raise SynthgenError(f"{root} has no rrweb recordings; generate with --record-rrweb (or --export rrweb) "
                            "to replay sessions")
    sid = session or recorded[0]
    if sid not in ids:
        near = ", ".join(recorded[:5]) + (" ..." if len(recorded) > 5 else "")
        raise SynthgenError(f"no session {sid!r} in {root}; sessions with a recording: {near}")
    if sid not in recorded:
        raise SynthgenError(f"session {sid!r} of {root} has no rrweb recording (it was generated without "
                            "--record-rrweb); sessions with one: " + ", ".join(recorded[:5]))
    s = reader.load(sid)
    assert s.recording is not None
    events = player_events(s.recording, s.events)
    text = json.dumps(events, ensure_ascii=False, separators=(",", ":"))
    text, n, left = inline_bundled_assets(text)
    out = Path(out) if out is not None else default_replay_path(root, sid)
    write_bytes_atomic(out, _page(s.row, text, n, left).encode("utf-8"))
    return out


def _page(row: dict[str, Any], events_json: str, inlined: int, left: list[str]) -> str:
    js = (_VENDOR / "rrweb-player.min.js").read_text(encoding="utf-8")
    css = (_VENDOR / "rrweb-player.css").read_text(encoding="utf-8")
    w, h = int(row.get("viewport_w") or 1280), int(row.get("viewport_h") or 800)
    # Inside <script>, "</" would end the element early; "<\/" is the same string to JSON and JS.
    safe = events_json.replace("</", "<\\/")
    note = (f"{inlined} images and fonts of the app inlined" +
            (f"; {len(left)} URLs left to the app (they show while it is served): "
             + ", ".join(esc(u) for u in left[:3]) + (" ..." if len(left) > 3 else "") if left else ""))
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>synthgen replay: {esc(row['session_id'])}</title>
<style>{css}</style>
<style>body{{font:14px/1.4 system-ui,sans-serif;margin:20px;background:#f6f7f9;color:#1d2330}}
h1{{font-size:18px;margin:0 0 4px}} .meta{{color:#555;margin-bottom:12px}}</style></head><body>
<h1>{esc(row['session_id'])}</h1>
<div class="meta">scenario <b>{esc(row.get('scenario'))}</b> · persona <b>{esc(row.get('persona_id'))}</b> ·
status <b>{esc(row.get('status'))}</b> · {esc(row.get('task') or '')}<br>{note}</div>
<div id="player"></div>
<script>{js}</script>
<script id="events" type="application/json">{safe}</script>
<script>
const events = JSON.parse(document.getElementById("events").textContent);
const Player = window.rrwebPlayer.default || window.rrwebPlayer;
window.synthgenPlayer = new Player({{target: document.getElementById("player"),
  props: {{events, width: {min(w, 1100)}, height: {round(min(w, 1100) * h / max(w, 1))}, autoPlay: false,
          showController: true, mouseTail: {{strokeStyle: "#e0245e"}}}}}});
</script></body></html>
"""
