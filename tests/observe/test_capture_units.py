"""Image headers, WebP through Pillow, the compact accessibility tree: no browser."""

from __future__ import annotations

import asyncio
import io
import json
from dataclasses import dataclass

import pytest
from PIL import Image

from synthgen.observe.capture import CaptureSpec, DriverObserver, compact_ax_tree, image_size, to_webp


def _encode(fmt: str, size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    im = Image.new("RGB", size, (200, 30, 30))
    im.save(buf, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_image_size_reads_headers(fmt: str) -> None:
    assert image_size(_encode(fmt, (321, 123))) == (321, 123)


def test_lossy_webp_size() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buf, "WEBP", quality=50)
    assert image_size(buf.getvalue()) == (64, 48)


def test_to_webp_scales() -> None:
    data = to_webp(_encode("PNG", (200, 100)), 70, scale=0.5)
    assert data[:4] == b"RIFF" and image_size(data) == (100, 50)


@dataclass
class _PngDriver:
    viewport: tuple[int, int] = (200, 100)

    async def screenshot(self, fmt: str, quality: int | None, scale: float) -> bytes:
        assert fmt == "png"
        return _encode("PNG", self.viewport)


def test_driver_observer_makes_webp() -> None:
    cap = asyncio.run(DriverObserver(_PngDriver()).capture(CaptureSpec(image_format="webp", scale=0.5)))  # type: ignore[arg-type]
    assert cap.image[8:12] == b"WEBP" and (cap.width, cap.height) == (100, 50)
    assert cap.a11y is None and cap.dom is None


def test_compact_ax_tree_drops_ignored_nodes() -> None:
    nodes = [
        {"nodeId": "1", "ignored": False, "role": {"value": "RootWebArea"}, "name": {"value": "Inbox"},
         "childIds": ["2", "3"]},
        {"nodeId": "2", "ignored": True, "role": {"value": "generic"}, "childIds": []},
        {"nodeId": "3", "ignored": False, "role": {"value": "textbox"}, "name": {"value": "To"},
         "value": {"value": "ada@example.com"}, "backendDOMNodeId": 42,
         "properties": [{"name": "focused", "value": {"value": True}},
                        {"name": "settable", "value": {"value": True}}]},
    ]
    tree = json.loads(compact_ax_tree(nodes))
    assert [n["id"] for n in tree] == ["1", "3"]
    assert tree[0]["children"] == ["3"]
    assert tree[1] == {"id": "3", "role": "textbox", "name": "To", "value": "ada@example.com",
                       "props": {"focused": True}, "dom": 42}
