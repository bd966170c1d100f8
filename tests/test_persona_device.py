"""The persona's computer (synthgen.persona.device): a deterministic draw whose shares follow the documented
table, a user agent built from the launched browser's version, a viewport a scenario can fix."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from synthgen.persona.device import (CHROME_TOP, OS_SHARES, SCREENS, Device, brand_list, draw_device, major_of,
                                     ua_metadata, user_agent)
from synthgen.persona.population import sample_personas
from synthgen.runner.plan import plan_sessions, session_scenario
from synthgen.runner.worker import record_device, session_device
from synthgen.scenario.model import Scenario, Viewport
from synthgen.scenario.steps import Goto
from synthgen.schema import PERSONAS_SCHEMA, SESSIONS_COLUMNS


def _sc(**kw: object) -> Scenario:
    return Scenario(name="d", app="webmail", steps=[Goto(url="/")], **kw)  # type: ignore[arg-type]


def test_the_draw_is_deterministic_and_independent_of_the_other_draws() -> None:
    a, b = sample_personas(40, seed=4), sample_personas(40, seed=4)
    assert [p.device for p in a] == [p.device for p in b]
    assert all(p.device == draw_device(p.seed) for p in a)
    # persona i does not depend on the pool's size, its device neither
    assert sample_personas(3, seed=4)[2].device == a[2].device
    assert len({p.device for p in a}) > 5  # a population, not one machine


def test_shares_follow_the_table_over_many_personas() -> None:
    n = 6000
    devices = [draw_device(s) for s in range(n)]
    os_count = Counter(d.os for d in devices)
    for os_, share in OS_SHARES.items():
        assert abs(os_count[os_] / n - share) < 0.02, (os_, os_count[os_] / n, share)
    for os_, table in SCREENS.items():
        mine = [d for d in devices if d.os == os_]
        total = sum(s[3] for s in table)
        got = Counter((d.screen_w, d.screen_h, d.dpr) for d in mine)
        for w, h, dpr, share in table:
            want = share / total
            # three standard errors of a binomial share, at least one point
            tol = max(0.01, 3 * (want * (1 - want) / len(mine)) ** 0.5)
            assert abs(got[(w, h, dpr)] / len(mine) - want) < tol, (os_, w, h, got[(w, h, dpr)] / len(mine), want)
        assert set(got) <= {(w, h, dpr) for w, h, dpr, _ in table}


def test_the_window_is_the_work_area_minus_the_browser_chrome() -> None:
    for s in range(300):
        d = draw_device(s)
        assert d.viewport_w == d.avail_w == d.screen_w
        assert d.viewport_h == d.avail_h - CHROME_TOP and d.outer == (d.avail_w, d.avail_h)
        assert d.avail_top + d.avail_h <= d.screen_h
        assert 320 <= d.viewport_w <= 3840 and 240 <= d.viewport_h <= 2160  # what a scenario's Viewport allows


def test_user_agent_and_brands_come_from_the_browser_version() -> None:
    win = Device.model_validate(dict(draw_device(1).model_dump(), os="windows", platform="Win32"))
    mac = Device.model_validate(dict(win.model_dump(), os="macos", platform="MacIntel", platform_version="26.1.0"))
    lin = Device.model_validate(dict(win.model_dump(), os="linux", platform="Linux x86_64", platform_version=""))
    for version in ("156.0.8078.129", "131.0.6778.85"):
        major = major_of(version)
        assert user_agent(win, version) == ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                            f"(KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36")
        assert "Macintosh; Intel Mac OS X 10_15_7" in user_agent(mac, version)
        assert "X11; Linux x86_64" in user_agent(lin, version)
        meta = ua_metadata(mac, version)
        assert meta["fullVersion"] == version and meta["platform"] == "macOS" and meta["mobile"] is False
        assert {b["brand"] for b in meta["brands"]} >= {"Chromium", "Google Chrome"}
        assert all(b["version"] == str(major) for b in meta["brands"] if not b["brand"].startswith("Not"))
        assert "Headless" not in json.dumps(meta) + user_agent(mac, version)
    with pytest.raises(ValueError, match="major version"):
        major_of("HeadlessChrome/156")


def test_grease_matches_chromiums_own_examples() -> None:
    # components/embedder_support/user_agent_utils_unittest.cc
    assert brand_list(84, None) == [{"brand": "Not;A=Brand", "version": "8"}, {"brand": "Chromium", "version": "84"}]
    assert [b["brand"] for b in brand_list(84, "Totally A Brand")] == ["Not;A=Brand", "Chromium", "Totally A Brand"]
    assert brand_list(86, None, "86.0.0.0")[0] == {"brand": "Not?A_Brand", "version": "24.0.0.0"}
    # what headless shell 156 reports for itself (tests/browser/test_device.py checks the launched one)
    assert [b["brand"] for b in brand_list(156, "HeadlessChrome")] == ["Not:A-Brand", "Chromium", "HeadlessChrome"]


def test_a_scenario_that_fixes_the_viewport_wins() -> None:
    personas = sample_personas(30, seed=2)
    free = plan_sessions([_sc()], 20, 1, personas, {"d": "u"})
    assert all((s.scenario.viewport.width, s.scenario.viewport.height) ==
               (s.persona.device.viewport_w, s.persona.device.viewport_h) for s in free)
    fixed = plan_sessions([_sc(viewport=Viewport(width=1280, height=800))], 20, 1, personas, {"d": "u"})
    for s in fixed:
        d = session_device(s)
        assert (s.scenario.viewport.width, s.scenario.viewport.height) == (d.viewport_w, d.viewport_h) == (1280, 800)
        # the window fits on the screen: a 1366x768 laptop would not hold it, so the screen grows
        assert d.screen_w >= 1280 and d.avail_h >= 800 + CHROME_TOP and d.os == s.persona.device.os
    assert session_scenario(_sc(viewport=Viewport(width=900, height=600)), personas[0]).viewport.width == 900


def test_the_device_is_recorded_in_sessions_and_personas() -> None:
    from synthgen.session import SessionResult

    spec = plan_sessions([_sc()], 1, 1, sample_personas(3, seed=1), {"d": "u"})[0]
    blank = SessionResult(row={"viewport_w": 1, "viewport_h": 1}, events=None)  # type: ignore[arg-type]
    res = record_device(blank, spec)
    dev = spec.persona.device
    assert {k: res.row[k] for k in ("platform", "screen_w", "screen_h", "dpr")} == \
           {"platform": dev.platform, "screen_w": dev.screen_w, "screen_h": dev.screen_h, "dpr": dev.dpr}
    names = {c.name for c in SESSIONS_COLUMNS}
    assert {"platform", "screen_w", "screen_h", "dpr", "user_agent", "viewport_w", "viewport_h"} <= names
    row = spec.persona.to_row()
    assert set(row) == set(PERSONAS_SCHEMA.names)
    assert Device.model_validate_json(row["device_json"]) == dev and row["os"] == dev.os
