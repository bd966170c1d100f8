"""Deterministic generated files for ``upload`` steps: content from the session's seeded sources.

>>> name, mime, data = make_upload(np.random.default_rng(1), "notes.txt", 1.0, "text")
>>> (mime, len(data) >= 1024)
('text/plain', True)
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["make_upload"]

_WORDS = ("quarterly report draft review meeting agenda budget figures customer order invoice summary "
          "project status update schedule notes team plan design").split()


def make_upload(rng: np.random.Generator, name: str, size_kb: float, content: str) -> tuple[str, str, bytes]:
    """``(name, mime type, bytes)`` of about ``size_kb`` KiB; same rng state, same bytes."""
    size = max(1, int(size_kb * 1024))
    if content == "png":
        return name, "image/png", _png(rng, size)
    if content == "csv":
        lines = ["id,item,quantity,price"]
        i = 0
        while sum(len(s) + 1 for s in lines) < size:
            i += 1
            lines.append(f"{i},{_WORDS[int(rng.integers(len(_WORDS)))]},{int(rng.integers(1, 50))},"
                         f"{rng.uniform(1, 500):.2f}")
        return name, "text/csv", ("\n".join(lines) + "\n").encode()
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(_WORDS[int(rng.integers(len(_WORDS)))])
    return name, "text/plain", (" ".join(words) + "\n").encode()


def _png(rng: np.random.Generator, size: int) -> bytes:
    # Noise compresses badly, so the pixel count sets the file size.
    side = max(1, int((size / 3) ** 0.5))
    pixels = rng.integers(0, 256, size=(side, side * 3), dtype=np.uint8)
    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(side))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
