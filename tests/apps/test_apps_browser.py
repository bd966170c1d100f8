"""Browser tests: each bundled app's main flow driven with real Playwright input.

Assertions go through visible text and each app's ``window.appState()`` snapshot.
"""

from __future__ import annotations

from typing import Any

import pytest

from synthgen.apps import AppServer

pytestmark = pytest.mark.browser


def ready(page: Any) -> None:
    page.wait_for_selector("body[data-ready]", state="attached")


def state(page: Any) -> dict:
    return page.evaluate("window.appState()")


def test_webmail_compose_with_autocomplete_lands_in_sent(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("webmail"))
    ready(page)
    assert state(page)["counts"]["inbox"] == 40
    assert page.get_by_test_id("message-row").count() == 25  # first page of 40

    page.get_by_test_id("compose-button").click()
    page.wait_for_url("**/compose.html")
    ready(page)
    page.get_by_label("To").click()
    page.keyboard.type("pri", delay=20)
    option = page.get_by_role("option", name="Priya Shah")
    option.wait_for()
    page.keyboard.press("Enter")
    assert page.get_by_label("To").input_value() == "priya.shah@northwind.io, "
    page.get_by_label("Subject").click()
    page.keyboard.type("Budget numbers")
    page.get_by_label("Message").click()
    page.keyboard.type("Hi Priya,\nthe numbers are attached.\nAlex")
    page.get_by_label("Attach files").set_input_files(
        [{"name": "budget.csv", "mimeType": "text/csv", "buffer": b"q,amount\n" * 50}])
    page.get_by_role("button", name="Send").click()

    page.wait_for_url("**/index.html#/sent")
    ready(page)
    page.get_by_text("Message sent").wait_for()
    sent = state(page)["sent"]
    assert sent[0]["subject"] == "Budget numbers"
    assert sent[0]["to"] == ["priya.shah@northwind.io"]
    assert sent[0]["body"] == "Hi Priya,\nthe numbers are attached.\nAlex"
    assert sent[0]["attachments"] == [{"name": "budget.csv", "bytes": 450}]  # uploaded to /api/upload
    assert page.get_by_test_id("message-row").first.get_by_text("Budget numbers").is_visible()
    assert page.errors == []


def test_webmail_search_and_archive(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("webmail"))
    ready(page)
    page.get_by_placeholder("Search mail").fill("invoice")
    rows = page.get_by_test_id("message-row")
    assert rows.count() == 2
    first_id = rows.first.get_attribute("data-id")
    rows.first.hover()
    rows.first.get_by_role("button", name="Archive").click()
    page.get_by_text("Message archived").wait_for()
    assert first_id in state(page)["archived"]
    assert state(page)["search"] == "invoice"


def test_crm_login_validation_and_contact_creation(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("crm"))
    page.wait_for_url("**/login.html*")
    ready(page)
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Password must be at least 6 characters").wait_for()
    assert state(page)["loginErrors"]["email"] == "Enter a valid email address"

    page.get_by_label("Email").fill("alex@example.com")
    page.get_by_label("Password").fill("secret1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/index.html")
    ready(page)
    assert state(page)["loggedIn"] is True

    page.goto(apps_server.url("crm", "contact.html"))
    ready(page)
    page.get_by_label("First name").fill("Jane")
    page.get_by_label("Last name").fill("Doe")
    page.get_by_label("Email").fill("jane@bad")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_test_id("error-summary").get_by_text("Enter a valid email address").wait_for()
    assert state(page)["form"]["errors"] == {"email": "Enter a valid email address"}

    page.get_by_label("Email").fill("jane.doe@example.com")
    page.get_by_label("Status").select_option("Customer")
    page.get_by_label("VIP").check()
    page.get_by_role("button", name="Open calendar").click()
    page.get_by_role("button", name="May 21, 2024").click()
    assert page.get_by_label("Next follow-up").input_value() == "2024-05-21"
    page.get_by_role("button", name="Save contact").click()

    page.wait_for_url("**/contacts.html")
    ready(page)
    page.get_by_text("Contact created").wait_for()
    created = state(page)["created"]
    assert len(created) == 1
    assert created[0]["email"] == "jane.doe@example.com"
    assert created[0]["status"] == "Customer" and created[0]["tags"] == ["VIP"]
    assert created[0]["followUp"] == "2024-05-21"
    assert state(page)["contactCount"] == 121


def test_crm_table_sorts_pages_and_deletes_with_dialog(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("crm", "login.html"))
    ready(page)
    page.get_by_label("Email").fill("alex@example.com")
    page.get_by_label("Password").fill("secret1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/index.html")
    page.get_by_test_id("forecast-status").wait_for()  # the late widget loads after ~0.8 s
    page.get_by_role("link", name="Contacts", exact=True).click()
    page.wait_for_url("**/contacts.html")
    ready(page)
    page.get_by_role("button", name="Company").click()
    table = state(page)["table"]
    assert table["sortKey"] == "company" and table["sortDir"] == "asc"
    page.get_by_role("button", name="Next").click()
    assert state(page)["table"]["page"] == 2
    name = state(page)["table"]["visibleNames"][0]
    page.get_by_role("button", name=f"Delete {name}").click()
    dialog = page.get_by_role("dialog", name="Delete contact?")
    dialog.wait_for()
    dialog.get_by_role("button", name="Yes, delete").click()
    page.get_by_text("Contact deleted").wait_for()
    assert state(page)["deleted"][0]["name"] == name
    assert state(page)["contactCount"] == 119


def test_shop_checkout_places_order(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("shop"))
    ready(page)
    page.get_by_label("Books").check()
    assert page.get_by_test_id("product-card").count() == 10
    page.get_by_role("button", name="Add Patterns of Code to cart").click()
    page.get_by_label("Books").uncheck()
    page.get_by_role("link", name="Ceramic Mug").click()
    page.wait_for_url("**/product.html?id=*")
    ready(page)
    page.get_by_role("button", name="Increase quantity").click()
    page.get_by_role("button", name="Add to cart").click()
    assert page.get_by_test_id("cart-count").inner_text() == "3"

    page.get_by_test_id("cart-link").click()
    page.wait_for_url("**/cart.html")
    ready(page)
    page.get_by_label("Promo code").fill("SAVE10")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Promo code applied").wait_for()
    page.get_by_role("link", name="Proceed to checkout").click()
    page.wait_for_url("**/checkout.html#address")
    ready(page)

    page.get_by_label("Full name").fill("Jane Doe")
    page.get_by_label("Email").fill("jane@example.com")
    page.get_by_label("Street address").fill("1 Main Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("Postal code").fill("12345")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url("**#payment")

    page.get_by_label("Name on card").fill("Jane Doe")
    page.get_by_label("Card number").click()
    page.keyboard.type("4242424242424241")
    page.get_by_label("Expiry date").click()
    page.keyboard.type("1226")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_text("Enter a valid card number").wait_for()
    assert state(page)["step"] == "payment"
    page.get_by_label("Card number").fill("")
    page.get_by_label("Card number").click()
    page.keyboard.type("4242424242424242")
    assert page.get_by_label("Card number").input_value() == "4242 4242 4242 4242"
    assert page.get_by_label("Expiry date").input_value() == "12/26"
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_url("**#review")

    page.get_by_label("I agree to the terms and conditions").check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/confirmation.html?order=1001")
    page.get_by_role("heading", name="Order #1001 placed").wait_for()
    s = state(page)
    assert s["cartCount"] == 0
    order = s["orders"][0]
    assert order["number"] == 1001
    assert [(i["name"], i["qty"]) for i in order["items"]] == [("Patterns of Code", 1), ("Ceramic Mug", 2)]
    assert order["promo"] == "SAVE10" and order["payment"]["last4"] == "4242"


def test_kanban_mouse_drag_moves_card(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("kanban"))
    ready(page)
    before = state(page)["columns"]
    card = page.get_by_test_id("column-todo").get_by_test_id("card").first
    title = before["todo"][0]["title"]
    src = card.bounding_box()
    dst = page.get_by_test_id("column-doing").bounding_box()
    x0, y0 = src["x"] + src["width"] / 2, src["y"] + src["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 15, y0 + 5, steps=3)
    page.mouse.move(dst["x"] + dst["width"] / 2, dst["y"] + dst["height"] - 80, steps=15)
    assert state(page)["dragging"] is True
    page.mouse.up()

    after = state(page)
    assert title not in after["columnTitles"]["todo"]
    assert after["columnTitles"]["doing"][-1] == title
    assert after["moves"] == [{"id": before["todo"][0]["id"], "title": title, "from": "todo", "to": "doing"}]
    page.get_by_test_id("toast").filter(has_text="Card moved to Doing").wait_for()
    # the move is persisted
    page.reload()
    ready(page)
    assert state(page)["columnTitles"]["doing"][-1] == title


def test_kanban_shortcuts_and_inline_edit(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("kanban"))
    ready(page)
    page.keyboard.press("n")
    page.get_by_placeholder("Card title").wait_for()
    page.keyboard.type("Write the launch post")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert state(page)["columnTitles"]["todo"][-1] == "Write the launch post"

    page.get_by_text("Write the launch post").dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("Write the launch blog post")
    page.keyboard.press("Escape")  # cancel keeps the old title
    assert state(page)["columnTitles"]["todo"][-1] == "Write the launch post"
    page.get_by_text("Write the launch post").dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("Write the launch blog post")
    page.keyboard.press("Enter")
    assert state(page)["columnTitles"]["todo"][-1] == "Write the launch blog post"

    page.keyboard.press("Delete")  # the renamed card is still selected
    assert "Write the launch blog post" not in state(page)["columnTitles"]["todo"]
    page.keyboard.press("?")
    page.get_by_role("dialog", name="Keyboard shortcuts").wait_for()
    page.keyboard.press("Escape")
    assert state(page)["helpOpen"] is False


def test_notes_typing_autosaves_and_formats(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("notes"))
    ready(page)
    page.get_by_role("button", name="+ New note").click()
    page.keyboard.type("Weekly plan")
    page.keyboard.press("Enter")  # moves to the body
    page.keyboard.type("Ship the importer on Tuesday and review the docs.")
    assert page.get_by_test_id("save-status").inner_text() != "Saved"
    page.get_by_test_id("save-status").filter(has_text="Saved").wait_for()
    s = state(page)
    assert s["current"]["title"] == "Weekly plan"
    assert "Ship the importer on Tuesday" in s["current"]["text"]
    assert s["saveCount"] >= 1 and s["dirty"] is False
    assert page.get_by_test_id("word-count").inner_text() == "9 words"

    page.keyboard.press("Shift+Home")  # select the line, then make it bold from the toolbar
    page.get_by_role("button", name="Bold").click()
    assert page.get_by_role("button", name="Bold").get_attribute("aria-pressed") == "true"
    page.get_by_test_id("save-status").filter(has_text="Saved").wait_for()
    assert "<b>Ship the importer" in state(page)["current"]["html"]

    page.reload()
    ready(page)
    saved = [n for n in state(page)["notes"] if n["title"] == "Weekly plan"][0]
    assert "Ship the importer on Tuesday" in saved["text"]


def test_hover_menu_and_tooltip(page: Any, apps_server: AppServer) -> None:
    page.goto(apps_server.url("webmail"))
    ready(page)
    item = page.get_by_role("menuitem", name="CRM", exact=True)
    assert not item.is_visible()
    box = page.get_by_role("button", name="Apps").bounding_box()
    page.mouse.move(5, 400)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    item.wait_for(state="visible")
    assert page.get_by_role("button", name="Apps").get_attribute("aria-expanded") == "true"
    page.mouse.move(600, 600, steps=5)
    item.wait_for(state="hidden")

    page.get_by_test_id("nav-notifications").hover()
    tip = page.get_by_role("tooltip")
    tip.wait_for(state="visible")
    assert tip.inner_text() == "You have no new notifications"
    assert page.get_by_test_id("compose-button").get_attribute("title")


def test_chaos_alert_fires_dialog_event(page: Any, apps_server: AppServer) -> None:
    seen: list[tuple[str, str]] = []

    def on_dialog(d: Any) -> None:
        seen.append((d.type, d.message))
        d.accept()

    page.on("dialog", on_dialog)
    page.goto(apps_server.url("chaos"))
    ready(page)
    page.get_by_role("button", name="Show alert").click()
    assert seen == [("alert", "Hello from the chaos page")]
    assert page.get_by_test_id("result").inner_text() == "Alert closed"
    page.get_by_role("button", name="Show confirm").click()
    assert seen[-1][0] == "confirm"
    assert state(page)["lastResult"] == "Confirm returned true"
    page.get_by_role("button", name="Throw uncaught error").click()
    page.wait_for_timeout(100)
    assert any("deliberate uncaught error" in e for e in page.errors)
    assert page.get_by_test_id("ghost-button").is_hidden()


def test_contexts_do_not_share_state(new_context: Any, apps_server: AppServer) -> None:
    a = new_context().new_page()
    a.goto(apps_server.url("kanban"))
    ready(a)
    a.get_by_role("button", name="New card").click()
    a.get_by_placeholder("Card title").fill("Only in context A")
    a.keyboard.press("Enter")
    assert "Only in context A" in state(a)["columnTitles"]["todo"]

    b = new_context().new_page()
    b.goto(apps_server.url("kanban"))
    ready(b)
    sb = state(b)
    assert "Only in context A" not in sb["columnTitles"]["todo"]
    assert sb["created"] == [] and len(sb["columnTitles"]["todo"]) == 7
    # and a second page in context A does see it
    a2 = a.context.new_page()
    a2.goto(apps_server.url("kanban"))
    ready(a2)
    assert "Only in context A" in state(a2)["columnTitles"]["todo"]


PAGES = [
    ("webmail", "index.html"), ("webmail", "compose.html"), ("webmail", "compose.html?reply=m3"),
    ("crm", "login.html"), ("crm", "index.html"), ("crm", "contacts.html"), ("crm", "contact.html?id=c7"),
    ("shop", "index.html"), ("shop", "product.html?id=p12"), ("shop", "cart.html"), ("shop", "checkout.html"),
    ("shop", "confirmation.html?order=1"), ("kanban", "index.html"), ("notes", "index.html"),
    ("notes", "preview.html?id=n2"), ("chaos", "other.html"), ("chaos", "popup.html"),
]


def test_every_page_loads_without_errors(page: Any, apps_server: AppServer) -> None:
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.goto(apps_server.base_url + "/")
    assert len(state(page)["apps"]) == 6
    page.goto(apps_server.url("crm", "login.html"))
    ready(page)
    page.get_by_label("Email").fill("alex@example.com")
    page.get_by_label("Password").fill("secret1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/index.html")
    for app, path in PAGES:
        page.goto(apps_server.url(app, path))
        if app != "chaos":
            ready(page)
        snap = state(page)
        assert snap["app"] == app, (app, path)
        assert page.locator("h1").first.inner_text().strip(), (app, path)
    assert page.errors == []
    assert console_errors == []
