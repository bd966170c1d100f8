"""Screen-capture benchmark: wall ms per capture and bytes per synthetic minute for each setting.

Runs one real session (webmail compose, ``--screenshots off``) to learn how many input actions and
steps a synthetic minute holds, then captures two webmail pages in turn (the inbox, a long list, and
the compose form; the page changes between captures) with each setting, timing :class:`PageObserver`
and measuring what the dataset would store (image files plus the a11y/DOM columns as zstd Parquet).

Last line: ``capture_ms_per_action_jpeg <median ms>`` (JPEG + aria tree, the default capture).

    python benchmarks/capture.py [--n 25] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from synthgen.observe.capture import CaptureSpec, PageObserver  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    name: str
    spec: CaptureSpec | None  # None: capture off


SETTINGS = (
    Setting("off", None),
    Setting("jpeg", CaptureSpec("jpeg")),
    Setting("png", CaptureSpec("png")),
    Setting("webp", CaptureSpec("webp")),
    Setting("jpeg x0.5", CaptureSpec("jpeg", scale=0.5)),
    Setting("jpeg+a11y", CaptureSpec("jpeg", a11y=True)),
    Setting("jpeg+a11y(cdp)", CaptureSpec("jpeg", a11y=True, a11y_format="cdp")),
    Setting("jpeg+dom", CaptureSpec("jpeg", dom=True)),
    Setting("jpeg+a11y+dom", CaptureSpec("jpeg", a11y=True, dom=True)),
    Setting("png+a11y+dom", CaptureSpec("png", a11y=True, dom=True)),
)


def _rates(seed: int) -> tuple[float, float]:
    """Input actions and steps per synthetic minute, from one real session."""
    from synthgen.runner.local import GenerateConfig, generate
    from synthgen.dataset.exports.trajectories import segment_actions

    with tempfile.TemporaryDirectory() as tmp:
        generate(GenerateConfig(scenarios=[ROOT / "scenarios" / "webmail" / "compose_send.yaml"], sessions=1,
                                seed=seed, out=Path(tmp), personas=3, workers=1))
        ev = pq.read_table(next((Path(tmp) / "events").glob("*.parquet")))
        row = pq.read_table(next((Path(tmp) / "sessions").glob("*.parquet"))).to_pylist()[0]
    minutes = float(row["duration_ms"]) / 60_000.0
    acts = [a for a in segment_actions(ev.to_pylist()) if a["action_type"] not in ("wait", "move", "goto")]
    steps = {s for s in ev.column("step_id").to_pylist() if s not in ("", "0")}
    return len(acts) / minutes, len(steps) / minutes


async def _measure(n: int) -> dict[str, tuple[float, float, float, dict[str, float]]]:
    """Setting -> (median wall ms per capture, image bytes and a11y/DOM Parquet bytes per capture, median ms
    per part).

    Settings take turns capture by capture, so a change in machine load touches all of them alike.
    """
    from playwright.async_api import async_playwright

    from synthgen.apps.server import AppServer
    from synthgen.browser.launch import launch_chromium

    ms: dict[str, list[float]] = {st.name: [] for st in SETTINGS}
    parts: dict[str, dict[str, list[float]]] = {st.name: {} for st in SETTINGS}
    images: dict[str, int] = {st.name: 0 for st in SETTINGS}
    texts: dict[str, dict[str, list[str | None]]] = {st.name: {"a11y": [], "dom": []} for st in SETTINGS}
    with AppServer() as srv:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw, None, headless=True)
            # Two tabs, taken in turn: the inbox (a long list, a big tree) and the compose form.
            inbox = await browser.new_page(viewport={"width": 1280, "height": 800})
            await inbox.goto(srv.url("webmail"))
            compose = await browser.new_page(viewport={"width": 1280, "height": 800})
            await compose.goto(srv.url("webmail", "compose.html"))
            await compose.get_by_label("Message").click()
            observers = {id(inbox): PageObserver(inbox), id(compose): PageObserver(compose)}
            for o in observers.values():
                await o.capture(CaptureSpec("jpeg", a11y=True, dom=True))  # warm up the CDP sessions
            for i in range(n):
                page = inbox if i % 2 == 0 else compose
                obs = observers[id(page)]
                for st in SETTINGS:
                    # The page changes between captures: a character typed, or the list scrolled.
                    if page is compose:
                        await page.keyboard.type("abcdefghij"[i % 10])
                    else:
                        await page.mouse.move(640, 400)
                        await page.mouse.wheel(0, 120 if (i // 2) % 4 < 2 else -120)
                    if st.spec is None:
                        ms[st.name].append(0.0)
                        continue
                    cap = await obs.capture(st.spec)
                    ms[st.name].append(sum(cap.cost_ms.values()))
                    for k, v in cap.cost_ms.items():
                        parts[st.name].setdefault(k, []).append(v)
                    images[st.name] += len(cap.image)
                    texts[st.name]["a11y"].append(cap.a11y)
                    texts[st.name]["dom"].append(cap.dom)
            await browser.close()
    out: dict[str, tuple[float, float, float, dict[str, float]]] = {}
    for st in SETTINGS:
        stored = 0
        if st.spec is not None and (st.spec.a11y or st.spec.dom):
            with tempfile.TemporaryDirectory() as tmp:
                t = pa.table({"a11y": pa.array(texts[st.name]["a11y"], pa.large_string()),
                              "dom": pa.array(texts[st.name]["dom"], pa.large_string())})
                pq.write_table(t, Path(tmp) / "o.parquet", compression="zstd")
                stored = (Path(tmp) / "o.parquet").stat().st_size
        out[st.name] = (statistics.median(ms[st.name]), images[st.name] / n, stored / n,
                        {k: statistics.median(v) for k, v in parts[st.name].items()})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=25, help="captures per setting")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    actions_pm, steps_pm = _rates(args.seed)
    res = asyncio.run(_measure(args.n))
    print(f"webmail compose: {actions_pm:.1f} input actions and {steps_pm:.1f} steps per synthetic minute; "
          f"{args.n} captures per setting (inbox and compose in turn), 1280x800")
    print(f"{'setting':16} {'ms/capture':>10} {'image':>6} {'a11y':>6} {'dom':>6} {'img kB':>7} {'text kB':>7} "
          f"{'MB/synth-min (action)':>21} {'(step)':>7}")
    for name, (ms, img, text, part) in res.items():
        cols = " ".join(f"{part[k]:6.1f}" if k in part else f"{'-':>6}" for k in ("image", "a11y", "dom"))
        b = img + text
        print(f"{name:16} {ms:10.1f} {cols} {img / 1024:7.1f} {text / 1024:7.2f} {b * actions_pm / 2**20:21.2f} "
              f"{b * steps_pm / 2**20:7.2f}")
    print(f"capture_ms_per_action_jpeg {res['jpeg+a11y'][0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
