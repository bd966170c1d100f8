"""Take the README's pictures of what a newcomer sees: the corpus overview, a session page and a replay.

    python scripts/docs_pictures.py            # generates a small corpus in a temporary folder
    python scripts/docs_pictures.py output/demo  # or pictures of a dataset you have

Writes ``docs/overview.png``, ``docs/session.png`` and ``docs/replay.png`` (Chromium screenshots of the
pages ``synthgen view`` and ``synthgen replay`` write, the same pages ``tests/browser/test_view_pages.py``
opens).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _corpus(where: Path) -> Path:
    from synthgen.runner.local import GenerateConfig, generate
    from synthgen.session import SessionOptions

    out = where / "corpus"
    generate(GenerateConfig(scenarios=[ROOT / "scenarios"], sessions=2, seed=7, out=out, personas=20,
                            options=SessionOptions(screenshots="action", record_rrweb=True)))
    return out


async def _shoot(pages: list[tuple[Path, Path, int, str | None]]) -> None:
    from playwright.async_api import async_playwright

    from synthgen.browser.launch import launch_chromium

    async with async_playwright() as pw:
        browser = await launch_chromium(pw, None, headless=True)
        for html, png, height, script in pages:
            page = await browser.new_page(viewport={"width": 1280, "height": height})
            await page.goto(html.as_uri())
            if script:
                await page.wait_for_selector(".rr-player .replayer-wrapper iframe")
                await page.evaluate(script)
                await page.wait_for_timeout(600)
            await page.screenshot(path=str(png))
            await page.close()
            print(f"{png.relative_to(ROOT)}  <- {html}")
        await browser.close()


def main(argv: list[str]) -> None:
    from synthgen.dataset import DatasetReader
    from synthgen.view import write_overview, write_replay

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(argv[0]) if argv else _corpus(Path(tmp))
        index = write_overview(data, Path(tmp) / "view")
        reader = DatasetReader(data)
        ids = reader.complete_ids()
        frames = {sid: sum(1 for f in reader.load(sid).events.column("frame").to_pylist() if f) for sid in ids}
        busy = max(ids, key=lambda s: (frames[s] >= 4 and frames[s] <= 20, "compose" in s, -frames[s]))
        replay = write_replay(data, next((s for s in ids if s.startswith("shop-")), None), Path(tmp) / "replay.html")
        DOCS.mkdir(exist_ok=True)
        asyncio.run(_shoot([(index, DOCS / "overview.png", 1100, None),
                            (index.parent / "sessions" / f"{busy}.html", DOCS / "session.png", 1100, None),
                            (replay, DOCS / "replay.png", 760, "window.synthgenPlayer.goto(9000, false)")]))


if __name__ == "__main__":
    main(sys.argv[1:])
