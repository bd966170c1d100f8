"""Every bundled-app scenario runs end to end in real Chromium and leaves the app in the intended state.

One session per scenario file (fixed seed, fixed persona pool) through :func:`run_session`, then the
page's ``window.appState()`` is checked with a per-scenario function. The state checks tolerate the
personas' uncorrected typos: they look at structure (what was created, moved, sent, ordered), not at
the exact typed text.

New scenario files under the app folders are picked up automatically and need an entry in ``CHECKS``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from playwright.async_api import Browser

from synthgen.browser.launch import BUNDLED_HOST
from synthgen.browser.playwright_driver import PlaywrightDriver
from synthgen.persona.model import Persona
from synthgen.persona.population import sample_personas
from synthgen.runner.plan import plan_sessions
from synthgen.scenario.loader import load_scenario, scenario_files
from synthgen.session import SessionOptions, run_session

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("webmail", "crm", "shop", "kanban", "notes", "mixed")
JOB_SEED = 1


def _careful(p: Persona) -> Persona:
    """The persona with every typo noticed and fixed (typos and their Backspace corrections still happen).

    Left uncorrected, a typo changes what the app receives: a search finds nothing, a card number
    fails its check. That happens in a few percent of real sessions of a scenario with exact-value
    fields, and which session it hits moves whenever the motor models change; this test is about the
    scenarios driving the apps to their intended states, so its personas keep their typing.
    """
    kb = p.motor.keyboard.model_copy(update={"correct_prob": 1.0})
    return p.model_copy(update={"motor": p.motor.model_copy(update={"keyboard": kb})})


PERSONAS = [_careful(p) for p in sample_personas(40, seed=7)]

State = dict[str, Any]


def _files() -> list[Path]:
    dirs = [ROOT / "scenarios" / d for d in FOLDERS if (ROOT / "scenarios" / d).is_dir()]
    return scenario_files(dirs)


FILES = _files()


# ---- per-scenario state checks -------------------------------------------------------------------
# Fixture facts they rely on: webmail starts with 4 sent, 2 drafts, 3 archived, 1 in trash, 6 unread
# (m1..m6 newest first), ids from m51; CRM has 120 contacts (ids from c121); the shop's first order is
# 1001; kanban cards k1..k22 (new ones from k23); notes n1..n6 (new ones from n7).

def _webmail_compose_send(s: State) -> None:
    assert s["counts"]["sent"] == 5
    new = s["sent"][0]
    assert new["id"] == "m51" and len(new["to"]) == 1 and "@" in new["to"][0]
    assert new["subject"] and new["body"]


def _webmail_reply_newest(s: State) -> None:
    assert s["counts"]["sent"] == 5
    reply = s["sent"][0]
    assert reply["inReplyTo"] == "m1"
    assert reply["to"][0] == "priya.shah@northwind.io"
    assert reply["subject"] == "Re: Q2 planning notes"
    assert ">" not in reply["body"] and len(reply["body"]) > 40  # the quote was replaced by an answer
    assert s["counts"]["unread"] == 5  # m1 was read


def _webmail_search_archive(s: State) -> None:
    assert s["folder"] == "archive"
    assert s["counts"]["archive"] == 4 and s["counts"]["inbox"] == 39
    assert "m2" in s["archived"]  # the newest invoice mail
    assert s["search"] == ""


def _webmail_triage(s: State) -> None:
    assert s["folder"] == "inbox" and s["openMessageId"] is None
    assert 1 <= s["counts"]["unread"] <= 3  # 3-5 of the 6 unread were opened
    handled = (s["counts"]["archive"] - 3) + (s["counts"]["trash"] - 1)
    assert s["counts"]["inbox"] == 40 - handled


def _webmail_draft_attach_send(s: State) -> None:
    assert s["counts"]["sent"] == 5 and s["counts"]["drafts"] == 2  # the draft became the sent message
    new = s["sent"][0]
    assert new["to"] == ["elena.petrova@contoso.com"]
    assert len(new["cc"]) == 1 and new["cc"][0].endswith("@example.com")
    assert len(new["attachments"]) == 1 and new["attachments"][0]["name"].endswith(".csv")
    assert new["attachments"][0]["bytes"] > 20_000
    assert new["body"].count("\n") >= 5  # both halves of the text


def _crm_new_contact(s: State) -> None:
    assert s["page"] == "contacts" and s["contactCount"] == 121
    (c,) = s["created"]
    assert c["id"] == "c121" and c["lastName"]
    assert c["status"] == "Prospect" and c["owner"] == "Jordan Blake"  # row 1 of new_contacts.csv
    assert c["preferred"] == "phone" and "VIP" in c["tags"]
    assert "@" in c["email"] and c["notes"]


def _crm_browse_table(s: State) -> None:
    t = s["table"]
    assert t["pageSize"] == 10 and t["status"] == "Customer"
    assert t["sortKey"] == "lastContact" and t["sortDir"] == "asc"
    assert t["page"] == 1 and t["filter"]
    assert len(t["visibleIds"]) <= 10
    assert not s["created"] and not s["deleted"]


def _crm_edit_followup(s: State) -> None:
    (c,) = s["updated"]
    assert c["id"] == "c3"
    assert c["followUp"].startswith("2024-06-")
    assert c["preferred"] == "phone"
    assert c["tags"] == ["VIP"]  # Partner unticked, VIP ticked
    assert c["value"] > 0 and c["value"] != 13500
    assert c["notes"].strip()


def _crm_delete_churned(s: State) -> None:
    assert s["contactCount"] == 117
    assert [d["id"] for d in s["deleted"]] == ["c81", "c6", "c86"]  # the three oldest churned
    assert s["table"]["status"] == "Churned"


def _shop_search_checkout(s: State) -> None:
    assert s["page"] == "confirmation" and s["orderNumber"] == 1001
    (o,) = s["orders"]
    assert o["number"] == 1001
    assert [(i["id"], i["qty"]) for i in o["items"]] == [("p13", 3)]
    assert o["shipping"] == "express" and o["totals"]["shipping"] == 12
    assert o["payment"] == {"brand": "Visa", "last4": "4242", "expiry": "11/27"}
    assert o["address"]["country"] == "United States"
    assert s["cart"] == []


def _shop_promo_quantities(s: State) -> None:
    assert s["page"] == "confirmation"
    (o,) = s["orders"]
    assert o["promo"] == "SAVE10" and o["totals"]["discount"] > 0
    assert sorted((i["id"], i["qty"]) for i in o["items"]) == [("p22", 3), ("p27", 2)]
    assert o["shipping"] == "standard"
    assert o["payment"]["last4"] == "4242"


def _shop_browse_compare(s: State) -> None:
    assert s["page"] == "catalogue"
    assert s["filters"]["categories"] == ["Electronics"] and s["filters"]["inStock"]
    assert s["filters"]["sort"] == "price-desc"
    lines = {i["id"]: i["qty"] for i in s["cart"]}
    assert lines.get("p9") in (1, 2) and "p3" in lines and len(lines) == 3
    assert not s["orders"]


def _kanban_plan_sprint(s: State) -> None:
    assert s["created"] == ["k23", "k24", "k25"]
    assert s["moves"][0] == {"id": "k24", "title": s["moves"][0]["title"], "from": "todo", "to": "doing"}
    assert (s["moves"][1]["id"], s["moves"][1]["from"], s["moves"][1]["to"]) == ("k6", "doing", "done")
    assert len(s["columns"]["todo"]) == 9 and s["addingIn"] is None


def _kanban_rename_shortcuts(s: State) -> None:
    assert s["edited"] == ["k4", "k2"]
    k4 = next(c for c in s["columns"]["todo"] if c["id"] == "k4")
    assert k4["title"] != "Research offline mode" and len(k4["title"]) > 10
    k2 = next(c for c in s["columns"]["doing"] if c["id"] == "k2")
    assert k2["label"] == "bug" and len(k2["description"]) > 20
    assert s["moves"] == [{"id": "k2", "title": "Fix login redirect loop", "from": "todo", "to": "doing"}]
    assert not s["helpOpen"] and not s["detailsOpen"] and s["filter"] == ""


def _kanban_cleanup_done(s: State) -> None:
    assert 2 <= len(s["moves"]) <= 3 and all(m["to"] == "done" for m in s["moves"])
    assert len(s["columns"]["doing"]) == 3 - len(s["moves"])
    assert [d["id"] for d in s["deleted"]] == ["k22", "k9"]
    assert not s["detailsOpen"]


def _notes_write_formatted(s: State) -> None:
    assert s["created"] == ["n7"] and s["currentId"] == "n7"
    cur = s["current"]
    assert cur["title"].startswith("Retro") and cur["savedRevision"] >= 1
    assert "<b>" in cur["html"] and "<ul>" in cur["html"] and cur["html"].count("<li>") == 3
    assert cur["words"] > 50
    assert s["saveStatus"] == "Saved" and not s["dirty"]
    saved = next(n for n in s["notes"] if n["id"] == "n7")
    assert saved["html"] == cur["html"]  # what is on screen was autosaved


def _notes_edit_recipe(s: State) -> None:
    assert s["page"] == "preview"
    note = s["note"]
    assert note["id"] == "n3" and note["revision"] >= 1
    assert note["html"].count("<h2>") == 3 and note["html"].endswith("</p>")
    assert note["words"] > 40


def _notes_organise(s: State) -> None:
    assert s["deleted"] == [{"id": "n2", "title": "Reading list"}]
    assert s["created"] == ["n7"]
    ids = [n["id"] for n in s["notes"]]
    assert "n2" not in ids and "n7" in ids
    n1 = next(n for n in s["notes"] if n["id"] == "n1")
    assert "<b>" not in n1["html"] and "<i>" not in n1["html"]  # formatting cleared
    errands = next(n for n in s["notes"] if n["id"] == "n7")
    assert errands["words"] >= 10


def _mixed_crm_to_webmail(s: State) -> None:
    assert s["app"] == "webmail" and s["folder"] == "sent"
    new = s["sent"][0]
    assert new["id"] == "m51" and len(new["to"]) == 1
    assert new["to"][0].startswith("olivia") and "@" in new["to"][0]
    assert "Olivia Johnson" in new["body"] and "Acme Corp" in new["body"]


CHECKS: dict[str, Callable[[State], None]] = {
    "webmail-compose-send": _webmail_compose_send,
    "webmail-reply-newest": _webmail_reply_newest,
    "webmail-search-archive": _webmail_search_archive,
    "webmail-triage": _webmail_triage,
    "webmail-draft-attach-send": _webmail_draft_attach_send,
    "crm-new-contact": _crm_new_contact,
    "crm-browse-table": _crm_browse_table,
    "crm-edit-followup": _crm_edit_followup,
    "crm-delete-churned": _crm_delete_churned,
    "shop-search-checkout": _shop_search_checkout,
    "shop-promo-quantities": _shop_promo_quantities,
    "shop-browse-compare": _shop_browse_compare,
    "kanban-plan-sprint": _kanban_plan_sprint,
    "kanban-rename-shortcuts": _kanban_rename_shortcuts,
    "kanban-cleanup-done": _kanban_cleanup_done,
    "notes-write-formatted": _notes_write_formatted,
    "notes-edit-recipe": _notes_edit_recipe,
    "notes-organise": _notes_organise,
    "mixed-crm-to-webmail": _mixed_crm_to_webmail,
}


# ---- one browser for the module, one fresh context per scenario ------------------------------------

async def _run_one(browser: Browser, path: Path) -> tuple[Any, Any, State]:
    sc = load_scenario(path)
    spec = plan_sessions([sc], 1, JOB_SEED, PERSONAS, {sc.name: f"http://{BUNDLED_HOST}/{sc.app}/"})[0]
    vw, vh = spec.scenario.viewport.width, spec.scenario.viewport.height  # the persona's window, or the scenario's
    ctx = await browser.new_context(viewport={"width": vw, "height": vh})
    try:
        page = await ctx.new_page()
        result = await run_session(spec, PlaywrightDriver(page, (vw, vh)), SessionOptions(failure_screenshot=False))
        await page.wait_for_function("() => window.appState && document.body.dataset.ready", timeout=10_000)
        state = await page.evaluate("window.appState()")
    finally:
        await ctx.close()
    return sc, result, state


def test_enough_scenarios() -> None:
    names = [load_scenario(f).name for f in FILES]
    assert len(names) >= 15, names
    assert len(set(names)) == len(names)
    apps = {load_scenario(f).app for f in FILES}
    assert {"webmail", "crm", "shop", "kanban", "notes"} <= apps
    assert not set(names) - set(CHECKS), f"add a state check to CHECKS for {sorted(set(names) - set(CHECKS))}"


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_scenario_reaches_its_state(env: Any, path: Path) -> None:
    sc, result, state = env.run(_run_one(env.browser, path))
    assert result.ok, f"{sc.name} failed: {result.row['error']}"
    assert state["ready"], state
    check = CHECKS.get(sc.name)
    assert check is not None, f"no state check for scenario {sc.name!r}: add one to CHECKS"
    try:
        check(state)
    except AssertionError:
        print(json.dumps(state, indent=1)[:6000])
        raise
