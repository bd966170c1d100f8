"""What the view pages share: the style sheet, the time axis, inlined images and thumbnails."""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

__all__ = ["CSS", "esc", "time_ticks", "fmt_time", "data_uri", "thumbnail_uri", "png_uri"]

MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
        ".gif": "image/gif", ".svg": "image/svg+xml", ".ico": "image/x-icon", ".woff": "font/woff",
        ".woff2": "font/woff2", ".ttf": "font/ttf", ".css": "text/css"}

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
a{color:#1f5fbf}
.meta{color:#555;margin-bottom:16px} .meta b{color:#1d2330}
.failure{background:#fdecee;border:1px solid #e0245e;border-radius:4px;padding:8px 12px;margin-bottom:16px;white-space:pre-wrap}
.frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px}
.frame{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px}
.frame .cap{font-size:12px;color:#333;margin-bottom:6px;min-height:32px}
.frame .cap .act{font-weight:600;color:#1d2330}
.frame .cap .when{color:#777}
.frame .rep{display:inline-block;background:#eef0f3;border-radius:3px;padding:0 5px;margin-left:4px;color:#555}
.stage{position:relative;width:100%}
.stage img,.stage svg.blank{display:block;width:100%;height:auto;border:1px solid #ccd}
.stage svg.overlay{position:absolute;left:0;top:0;width:100%;height:100%}
details{margin-top:6px;font-size:12px} pre{white-space:pre-wrap;max-height:320px;overflow:auto;background:#f3f4f6;padding:6px}
.legend span{display:inline-block;width:60px;height:10px;vertical-align:middle}
figure{margin:0;background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px;max-width:1100px}
figure img{width:100%;height:auto}
table.sessions,table.habits{border-collapse:collapse;background:#fff;border:1px solid #dde1e6;font-size:13px}
:is(table.sessions,table.habits) :is(th,td){padding:5px 8px;border-bottom:1px solid #eceef1;text-align:left;vertical-align:top}
:is(table.sessions,table.habits) th{background:#f0f2f5;position:sticky;top:0}
:is(table.sessions,table.habits) td.num{text-align:right;font-variant-numeric:tabular-nums}
table.sessions img{width:160px;height:auto;border:1px solid #ccd;display:block}
.ok{color:#1a7f37;font-weight:600} .failed{color:#c0163f;font-weight:600}
.err{color:#8a1230;font-size:12px;max-width:420px;white-space:pre-wrap}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.gallery .card{background:#fff;border:1px solid #e0245e;border-radius:6px;padding:8px;font-size:12px}
.gallery img{width:100%;height:auto;border:1px solid #ccd}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:8px}
.cards div{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px 14px}
.cards b{display:block;font-size:20px}
"""


def esc(value: object) -> str:
    """HTML-escaped text of ``value`` (quotes too).

    >>> esc("role=dialog[name='A'] <b>")
    'role=dialog[name=&#x27;A&#x27;] &lt;b&gt;'
    """
    return html.escape(str(value))


def fmt_time(ms: float, step_ms: float = 1000.0) -> str:
    """A time on the synthetic clock as people read it: ``0.5s`` below a second's step, ``12s``, ``1:05``.

    >>> [fmt_time(500, 500), fmt_time(12000), fmt_time(65000), fmt_time(3_725_000)]
    ['0.5s', '12s', '1:05', '1:02:05']
    """
    s = ms / 1000.0
    if step_ms < 1000.0:
        return f"{s:.1f}s"
    whole = int(round(s))
    if whole < 60:
        return f"{whole}s"
    h, rest = divmod(whole, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def time_ticks(span_ms: float, most: int = 10) -> tuple[list[float], float]:
    """Round tick positions (ms) from 0 to ``span_ms``, at most ``most`` + 1 of them, and their step.

    >>> time_ticks(3400)
    ([0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0, 3000.0], 500.0)
    >>> time_ticks(61000)[1]
    10000.0
    """
    steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
             900_000, 1_800_000, 3_600_000]
    span = max(float(span_ms), 1.0)
    step = next((float(s) for s in steps if span / s <= most), float(math.ceil(span / most / 3_600_000) * 3_600_000))
    n = int(math.floor(span / step + 1e-9))
    return [k * step for k in range(n + 1)], step


def data_uri(path: Path, data: bytes | None = None) -> str:
    """The file at ``path`` (or its ``data``, already read) as a ``data:`` URI (type from its suffix).

    >>> data_uri(Path("a.png"), b"x")
    'data:image/png;base64,eA=='
    """
    mime = MIME.get(path.suffix.lower(), "application/octet-stream")
    raw = path.read_bytes() if data is None else data
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def png_uri(data: bytes) -> str:
    return f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}"


def thumbnail_uri(path: Path, width: int = 320, quality: int = 60) -> str | None:
    """A small JPEG of the image at ``path`` as a ``data:`` URI (None when it is missing or unreadable): an
    overview of thousands of sessions stays a few MB."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            im = im.convert("RGB")
            h = max(1, round(im.height * width / max(im.width, 1)))
            small = im.resize((width, h), Image.LANCZOS)
            buf = io.BytesIO()
            small.save(buf, format="JPEG", quality=quality)
    except (OSError, ValueError):
        return None
    return f"data:image/jpeg;base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"
