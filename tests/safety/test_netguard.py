"""Origin isolation at the network layer: no request of any kind reaches a service the scenario may not reach.

Each case runs in a real Chromium opened the way a worker opens it (``_Browsers``, ``_new_context``),
against loopback servers started here (:mod:`safety.attack`): an app with an open redirect and a
"secret" service that counts every connection and UDP datagram. With the guard the secret service gets
nothing; without it (Playwright's ``route`` only, which sees only the first URL of a redirect chain) the
same pages reach it, which shows the cases are real.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Iterator

import pyarrow.parquet as pq
import pytest

from safety.attack import ATTACK_PATHS, AttackApp, Secret
from synthgen.browser.netguard import BLOCKED_HEADER, NetGuard, guard_args


@pytest.fixture
def servers() -> Iterator[tuple[Secret, AttackApp]]:
    with Secret() as secret, AttackApp(secret) as app:
        yield secret, app


def _spec(base_url: str, allowed: tuple[str, ...] = ()) -> Any:
    from synthgen.persona.population import sample_personas
    from synthgen.scenario.loader import load_scenario_text
    from synthgen.session import SessionSpec

    extra = f"allowed_origins: [{', '.join(allowed)}]\n" if allowed else ""
    sc = load_scenario_text(f"name: attack\nbase_url: {base_url}\n{extra}steps: [{{goto: /}}]\n", file="attack.yaml")
    return SessionSpec(0, "attack-s1-00000", 1, sc, sample_personas(1, 1)[0], base_url)


async def _visit(app: AttackApp, secret: Secret, *, netguard: bool, chromium: str, tmp: Path) -> dict[str, Any]:
    """Open every attack page in one session's context; what the page could read, and the guard's count."""
    from playwright.async_api import async_playwright

    from synthgen.runner.worker import WorkerConfig, _Browsers, _new_context

    async with async_playwright() as pw:
        browsers = _Browsers(pw, WorkerConfig(out=tmp, chromium=chromium, netguard=netguard))
        try:
            browser = await browsers.get()
            ctx = await _new_context(browser, _spec(app.origin + "/"))
            page = await ctx.new_page()
            read = []
            for path in ATTACK_PATHS:
                await page.goto(app.origin + path)
                # done, or (without the guard) the page was carried off to the secret service
                await page.wait_for_function("document.readyState === 'complete' && (!document.getElementById('s')"
                                             " || document.getElementById('s').textContent === 'done')",
                                             timeout=10_000)
                read.append(await page.content())
            # Leaving /unload fires its pagehide beacons; then a navigation through the open redirect.
            try:
                await page.goto(f"{app.origin}/r?code=302&to={secret.origin}/goto")
            except Exception as exc:  # with the guard: the 204 refusal cancels the navigation
                read.append(f"goto failed: {exc}")
            await asyncio.sleep(1.5)  # beacons and keepalive requests are sent after the page is gone
            read.append(await page.content())
            blocked = browsers.guard.blocked_count if browsers.guard else None
            await ctx.close()
            return {"read": "\n".join(read), "blocked": blocked, "url": page.url}
        finally:
            await browsers.close()


@pytest.mark.browser
def test_guard_stops_every_request_to_another_origin(servers: tuple[Secret, AttackApp], chromium_path: str,
                                                     tmp_path: Path) -> None:
    secret, app = servers
    got = asyncio.run(_visit(app, secret, netguard=True, chromium=chromium_path, tmp=tmp_path))
    time.sleep(0.5)
    assert secret.hits == [], f"the secret service was reached: {secret.hits}"
    assert secret.udp_hits == 0, "WebRTC sent UDP past the proxy"
    assert "SECRET-CONTENT" not in got["read"]
    assert got["blocked"] >= 10, got  # counted: each redirect hop, beacon, worker and socket that tried
    assert not got["url"].startswith(secret.origin)
    # The attack pages themselves loaded, and the redirects were asked for: the guard stopped the hop after.
    assert {"/all", "/meta", "/form", "/unload", "/worker.js"} <= {h.split("?")[0] for h in app.hits}
    assert any(h.startswith("/r?") for h in app.hits)


@pytest.mark.browser
def test_without_the_guard_the_same_pages_reach_the_secret(servers: tuple[Secret, AttackApp], chromium_path: str,
                                                           tmp_path: Path) -> None:
    """The cases are real: Playwright's route rule alone lets redirects, unload beacons and WebRTC through."""
    secret, app = servers
    asyncio.run(_visit(app, secret, netguard=False, chromium=chromium_path, tmp=tmp_path))
    time.sleep(0.5)
    reached = {h.split(" ")[1].split("?")[0] for h in secret.hits if " " in h}
    assert {"/img", "/fetch", "/frame", "/css", "/js", "/meta", "/form", "/goto", "/worker"} <= reached, reached
    assert reached & {"/beacon", "/beacon-r", "/keepalive", "/keepalive-r", "/unload-img"}, reached  # sent on pagehide
    assert secret.udp_hits > 0, "WebRTC STUN did not reach the UDP port (the WebRTC case proves nothing)"


@pytest.mark.browser
def test_allowed_origins_pass_through_the_guard(servers: tuple[Secret, AttackApp], chromium_path: str,
                                                tmp_path: Path) -> None:
    """A listed origin is reached (through a redirect too), so the guard does not simply block loopback."""
    from playwright.async_api import async_playwright

    from synthgen.runner.worker import WorkerConfig, _Browsers, _new_context

    secret, app = servers

    async def run() -> str:
        async with async_playwright() as pw:
            browsers = _Browsers(pw, WorkerConfig(out=tmp_path, chromium=chromium_path))
            try:
                ctx = await _new_context(await browsers.get(), _spec(app.origin + "/", (secret.origin,)))
                page = await ctx.new_page()
                await page.goto(f"{app.origin}/r?code=302&to={secret.origin}/listed")
                text = await page.content()
                await ctx.close()
                return text
            finally:
                await browsers.close()

    assert "SECRET-CONTENT" in asyncio.run(run())
    assert any("/listed" in h for h in secret.hits)


def test_guard_answers_as_a_proxy(servers: tuple[Secret, AttackApp]) -> None:
    """Without a browser: the guard's own answers (forwarding, refusal with its reason, CONNECT, itself)."""
    secret, app = servers

    async def ask(port: int, raw: bytes) -> bytes:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(raw)
        await w.drain()
        data = await r.read()
        w.close()
        return data

    async def run() -> dict[str, bytes]:
        async with NetGuard({"app.test": ("127.0.0.1", app.server.server_address[1])}) as guard:
            gate = await guard.open_session("s", {app.origin, "http://app.test"})
            host = app.origin.split("//")[1]
            out = {
                "ok": await ask(gate.port, f"GET {app.origin}/all HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()),
                "mapped": await ask(gate.port, b"GET http://app.test/all HTTP/1.1\r\nHost: app.test\r\n\r\n"),
                "blocked": await ask(gate.port, f"GET {secret.origin}/x HTTP/1.1\r\nHost: x\r\n\r\n".encode()),
                "tunnel": await ask(gate.port, f"CONNECT {secret.origin[7:]} HTTP/1.1\r\n\r\n".encode()),
                "self": await ask(gate.port, f"GET http://127.0.0.1:{gate.port}/ HTTP/1.1\r\n\r\n".encode()),
                "deny": await ask(guard.deny_port, f"GET {app.origin}/all HTTP/1.1\r\n\r\n".encode()),
            }
            out["count"] = str(guard.blocked_count).encode()
            await gate.close()
            return out

    out = asyncio.run(run())
    assert out["ok"].startswith(b"HTTP/1.0 200") and b"Connection: close" in out["ok"] and b"loading" in out["ok"]
    assert out["mapped"].startswith(b"HTTP/1.0 200")
    assert out["blocked"].startswith(b"HTTP/1.1 204") and BLOCKED_HEADER.encode() in out["blocked"]
    assert b"allowed_origins" in out["blocked"]
    assert out["tunnel"].startswith(b"HTTP/1.1 403")
    assert out["self"].startswith(b"HTTP/1.1 204")  # a request to the guard itself would loop
    assert out["deny"].startswith(b"HTTP/1.1 204")  # the launch-level port admits nothing
    assert out["count"] == b"4"
    assert secret.hits == []


def test_guard_flags() -> None:
    args = guard_args(9)
    assert "--proxy-bypass-list=<-loopback>" in args  # loopback goes through the proxy too
    assert "--force-webrtc-ip-handling-policy=disable_non_proxied_udp" in args


@pytest.mark.browser
def test_generate_through_an_open_redirect_reaches_nothing(servers: tuple[Secret, AttackApp], tmp_path: Path) -> None:
    """The product path (synthgen generate): a scenario that follows the open redirect, captures what it
    finds and types it back, leaves no trace of the secret service in the dataset."""
    from synthgen.runner.local import GenerateConfig, generate

    secret, app = servers
    sc = tmp_path / "attack.yaml"
    sc.write_text(f"""name: attack-generate
base_url: {app.origin}/
steps:
  - goto: /unload
  - wait_for: {{text: done}}
  - goto: /all
  - wait_for: {{text: done}}
  - goto: "/r?code=301&to={secret.origin}/goto"
  - capture: {{name: page, target: "css=body"}}
  - goto: /form
  - wait_for: {{text: done}}
""")
    s = generate(GenerateConfig(scenarios=[sc], sessions=1, seed=1, out=tmp_path / "out", personas=2))
    time.sleep(1.0)
    assert secret.hits == [] and secret.udp_hits == 0, (secret.hits, secret.udp_hits)
    (ev,) = [pq.read_table(p).to_pylist() for p in (tmp_path / "out" / "events").glob("*.parquet")]
    assert not any((r["url"] or "").startswith(secret.origin) for r in ev)
    assert s.ok + s.failed == 1
