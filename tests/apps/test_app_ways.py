"""Browser tests: each bundled app's commands in each of their ways (issue 18).

A ``do:`` step lets a persona reach a goal by shortcut, menu, context menu or toolbar, so each way
must really do the command: archive a message from the "More actions" menu, move a card from its
context menu, make text bold with Ctrl+B. These tests drive the apps with Playwright directly
(``page.keyboard``, ``page.mouse``) and check ``window.appState()`` or the page, then check the
menus behave as real ones do (Escape and a click outside close them and give focus back, arrows
move between items, a context menu opens inside the viewport) and the shortcuts stay quiet while
someone types.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from synthgen.apps import AppServer

pytestmark = pytest.mark.browser

WAYS = ("shortcut", "menu", "context_menu", "toolbar")


def ready(page: Any) -> None:
    page.wait_for_selector("body[data-ready]", state="attached")


def state(page: Any) -> dict:
    return page.evaluate("window.appState()")


def open_app(page: Any, srv: AppServer, app: str, path: str = "") -> None:
    page.goto(srv.url(app, path))
    ready(page)


def menuitem(page: Any, menu: str, item: str) -> Any:
    """The item of the open menu named ``menu`` (exact names: "Star" is not "Unstar")."""
    return page.get_by_role("menu", name=menu).get_by_role("menuitem", name=item, exact=True)


def focused(page: Any) -> str:
    """The focused element, as tag#id[data-id] with its accessible label (enough to tell elements apart)."""
    return page.evaluate("""() => { const e = document.activeElement;
        return e.tagName + '#' + e.id + '[' + (e.getAttribute('data-id') || '') + ']' +
               (e.getAttribute('aria-label') || ''); }""")


# ---- webmail ---------------------------------------------------------------------------------------
MAIL_LABEL = {"star": "Star", "unread": "Mark as unread", "archive": "Archive", "delete": "Delete",
              "reply": "Reply", "forward": "Forward"}
MAIL_KEY = {"star": "s", "unread": "Shift+U", "archive": "e", "delete": "#", "reply": "r", "forward": "f"}


def webmail_give(page: Any, way: str, command: str, mid: str) -> None:
    """Gives ``command`` for inbox message ``mid`` the ``way`` way (a row, or the open message)."""
    row = page.locator(f'[data-testid=message-row][data-id="{mid}"]')
    if way == "shortcut":            # point at the row (the cursor follows the pointer), press the key
        row.hover()
        assert state(page)["cursorId"] == mid
        page.keyboard.press(MAIL_KEY[command])
    elif way == "context_menu":
        row.locator(".msg-from").click(button="right")
        menuitem(page, "Message actions", MAIL_LABEL[command]).click()
    else:                            # the open message's toolbar or its "More actions" menu
        row.locator(".msg-link").click()
        page.get_by_test_id("message-subject").wait_for()
        if way == "menu":
            page.get_by_role("button", name="More actions").click()
            menuitem(page, "More actions", MAIL_LABEL[command]).click()
        else:
            page.get_by_role("toolbar", name="Message actions").get_by_role("button", name=MAIL_LABEL[command]).click()


def webmail_done(page: Any, command: str, mid: str, before: dict) -> None:
    """Asserts ``command`` was done to ``mid``."""
    if command in ("reply", "forward"):
        page.wait_for_url(f"**/compose.html?{command}={mid}")
        return
    if command == "star":                           # the open message stays open
        assert mid in state(page)["starred"]
        if state(page)["openMessageId"]:
            page.get_by_role("link", name="← Back").click()
        return
    page.get_by_test_id("list-view").wait_for()      # the others on the open message go back to the list
    s = state(page)
    if command == "unread":
        assert s["counts"]["unread"] == before["counts"]["unread"] + 1
        assert "unread" in page.locator(f'[data-testid=message-row][data-id="{mid}"]').get_attribute("class")
    elif command == "archive":
        assert mid in s["archived"] and s["counts"]["inbox"] == before["counts"]["inbox"] - 1
    elif command == "delete":
        assert mid in s["trash"] and s["counts"]["inbox"] == before["counts"]["inbox"] - 1


@pytest.mark.parametrize("way", WAYS)
def test_webmail_commands_each_way(page: Any, apps_server: AppServer, way: str) -> None:
    open_app(page, apps_server, "webmail")
    ids = state(page)["visibleMessageIds"]
    # read messages (m1..m6 are unread), well apart so each row is a different place to point at
    targets = dict(zip(MAIL_LABEL, ids[8:20:2]))
    for command, mid in targets.items():
        before = state(page)
        webmail_give(page, way, command, mid)
        webmail_done(page, command, mid, before)
        if command == "reply":
            open_app(page, apps_server, "webmail")
        elif command != "forward":
            assert state(page)["openMenu"] is None      # an item closes its menu
    assert page.errors == []


def test_webmail_shortcuts_on_the_open_message_and_the_cursor(page: Any, apps_server: AppServer) -> None:
    open_app(page, apps_server, "webmail")
    ids = state(page)["visibleMessageIds"]
    assert state(page)["cursorId"] == ids[0]            # the cursor starts on the newest message
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert state(page)["cursorId"] == ids[1]
    page.keyboard.press("Enter")                        # opens the cursor's message
    page.get_by_test_id("message-subject").wait_for()
    assert state(page)["openMessageId"] == ids[1]
    page.keyboard.press("j")                            # next (older) message
    page.wait_for_function(f"window.appState().openMessageId === '{ids[2]}'")
    starred = ids[2] in state(page)["starred"]
    page.keyboard.press("s")                            # toggles the star
    assert (ids[2] in state(page)["starred"]) is not starred
    page.keyboard.press("e")                            # archive: back to the list
    page.get_by_test_id("list-view").wait_for()
    assert ids[2] in state(page)["archived"]
    page.keyboard.press("o")
    page.wait_for_function("window.appState().openMessageId !== null")
    page.keyboard.press("u")                            # back to the list, nothing else changed
    page.get_by_test_id("list-view").wait_for()
    unread = state(page)["counts"]["unread"]
    page.locator('[data-testid=message-row].unread').first.hover()
    page.keyboard.press("Shift+I")                      # mark as read
    assert state(page)["counts"]["unread"] == unread - 1
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    help_dialog.wait_for()
    assert help_dialog.get_by_text("Mark as unread").is_visible()
    page.keyboard.press("e")                            # no shortcut under a dialog
    page.keyboard.press("Escape")
    assert state(page)["helpOpen"] is False and len(state(page)["archived"]) == 4
    page.get_by_placeholder("Search mail").click()
    page.keyboard.type("invoice")
    page.keyboard.press("Enter")                        # leaves the box for the results
    hit = state(page)["visibleMessageIds"][0]
    page.keyboard.press("#")
    assert hit in state(page)["trash"]
    assert page.errors == []


def test_webmail_star_is_a_toggle_button(page: Any, apps_server: AppServer) -> None:
    """The open message's Star and the row's star are toggle buttons: aria-pressed flips on each click and
    appState's starred follows (a double click toggles twice, so a slip there has something to undo)."""
    open_app(page, apps_server, "webmail", "index.html#/inbox/m2")
    star = page.locator("#message-view [data-act=star]")
    assert star.get_attribute("aria-pressed") == "false" and star.inner_text().strip() == "☆ Star"
    star.click()
    assert star.get_attribute("aria-pressed") == "true" and star.inner_text().strip() == "★ Starred"
    assert "m2" in state(page)["starred"] and state(page)["openMessageId"] == "m2"
    star.dblclick()                                      # toggled twice: as it was
    assert star.get_attribute("aria-pressed") == "true" and "m2" in state(page)["starred"]
    star.click()
    assert star.get_attribute("aria-pressed") == "false" and "m2" not in state(page)["starred"]
    page.get_by_role("link", name="← Back").click()
    row_star = page.locator('[data-testid=message-row][data-id="m2"] button[aria-pressed]')
    assert row_star.get_attribute("aria-pressed") == "false" and row_star.get_attribute("aria-label") == "Star"
    row_star.click()
    assert row_star.get_attribute("aria-pressed") == "true" and row_star.get_attribute("aria-label") == "Unstar"
    assert "m2" in state(page)["starred"]
    assert page.errors == []


def test_webmail_move_to_menu_moves_the_message(page: Any, apps_server: AppServer) -> None:
    """The open message's "Move to" menu button, beside "More actions" in its toolbar, lists the folders the
    message can go to (its own left out) and really moves it."""
    open_app(page, apps_server, "webmail", "index.html#/inbox/m5")
    bar = page.get_by_role("toolbar", name="Message actions")
    assert bar.locator("[aria-haspopup=menu]").count() == 2      # "Move to" and "More actions"
    button = bar.get_by_role("button", name="Move to", exact=True)
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    page.get_by_role("menu", name="Move to").wait_for()
    assert state(page)["openMenu"]["items"] == ["Archive", "Trash"]
    assert button.get_attribute("aria-expanded") == "true"
    before = state(page)
    menuitem(page, "Move to", "Archive").click()
    page.get_by_test_id("list-view").wait_for()
    s = state(page)
    assert "m5" in s["archived"] and s["counts"]["inbox"] == before["counts"]["inbox"] - 1
    assert s["openMenu"] is None and s["folder"] == "inbox" and "Message archived" in page.inner_text("body")

    page.goto(apps_server.url("webmail", "index.html#/archive/m5"))
    page.get_by_test_id("message-subject").wait_for()
    page.get_by_test_id("move-to").click()
    assert state(page)["openMenu"]["items"] == ["Inbox", "Trash"]
    menuitem(page, "Move to", "Trash").click()
    page.get_by_test_id("list-view").wait_for()
    assert "m5" in state(page)["trash"] and "m5" not in state(page)["archived"]

    page.goto(apps_server.url("webmail", "index.html#/trash/m5"))
    page.get_by_test_id("message-subject").wait_for()
    page.get_by_test_id("move-to").click()
    assert state(page)["openMenu"]["items"] == ["Inbox", "Archive"]
    menuitem(page, "Move to", "Inbox").click()                     # no "Delete forever" confirmation
    page.get_by_test_id("list-view").wait_for()
    s = state(page)
    assert "m5" not in s["trash"] and s["counts"]["inbox"] == before["counts"]["inbox"]
    assert page.errors == []


# ---- crm -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def crm_signed_in(apps_browser: Any, apps_server: AppServer) -> dict:
    """Storage of a context that has signed in to the CRM (localStorage), shared by the CRM tests."""
    ctx = apps_browser.new_context(viewport={"width": 1280, "height": 800})
    pg = ctx.new_page()
    open_app(pg, apps_server, "crm", "login.html")
    pg.get_by_label("Email").fill("alex@example.com")
    pg.get_by_label("Password").fill("secret1")
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url("**/index.html")
    storage = ctx.storage_state()
    ctx.close()
    return storage


@pytest.fixture()
def crm_page(apps_browser: Any, crm_signed_in: dict) -> Iterator[Any]:
    ctx = apps_browser.new_context(viewport={"width": 1280, "height": 800}, storage_state=crm_signed_in)
    ctx.set_default_timeout(10_000)
    pg = ctx.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))  # type: ignore[attr-defined]
    yield pg
    ctx.close()


def crm_give(page: Any, way: str, command: str, cid: str) -> None:
    """Edits or deletes contact ``cid`` (a row of the table) the ``way`` way."""
    row = page.locator(f'[data-testid=contact-row][data-id="{cid}"]')
    name = row.locator("a.name").inner_text()
    if way == "shortcut":
        row.locator("td").nth(1).hover()
        assert state(page)["cursorId"] == cid
        page.keyboard.press({"edit": "e", "delete": "#"}[command])
    elif way in ("menu", "context_menu"):
        if way == "menu":
            page.get_by_role("button", name=f"Actions for {name}").click()
        else:
            row.locator("td").nth(1).click(button="right")
        menuitem(page, "Contact actions", command.capitalize()).click()
    elif command == "edit":
        page.get_by_role("link", name=f"Edit {name}").click()
    else:
        page.get_by_role("button", name=f"Delete {name}").click()


def crm_record_give(page: Any, way: str, command: str) -> None:
    """Saves or deletes the open contact record the ``way`` way."""
    if way == "shortcut":
        assert command == "save"
        page.keyboard.press("Control+s")
    elif way == "menu":
        page.get_by_role("button", name="Actions").click()
        menuitem(page, "Record actions", f"{command.capitalize()} contact").click()
    else:
        page.get_by_role("button", name=f"{command.capitalize()} contact").click()


def crm_confirm_delete(page: Any) -> None:
    dialog = page.get_by_role("dialog", name="Delete contact?")
    dialog.wait_for()
    dialog.get_by_role("button", name="Yes, delete").click()


@pytest.mark.parametrize("way", WAYS)
def test_crm_commands_each_way(crm_page: Any, apps_server: AppServer, way: str) -> None:
    page = crm_page
    open_app(page, apps_server, "crm", "contacts.html")
    ids = state(page)["table"]["visibleIds"]
    crm_give(page, way, "delete", ids[2])
    crm_confirm_delete(page)
    page.get_by_text("Contact deleted").wait_for()
    assert [d["id"] for d in state(page)["deleted"]] == [ids[2]]

    crm_give(page, way, "edit", ids[5])
    page.wait_for_url(f"**/contact.html?id={ids[5]}")
    ready(page)
    page.get_by_label("City").fill("Porto")
    crm_record_give(page, way, "save")
    page.wait_for_url("**/contacts.html")
    page.get_by_text("Contact saved").wait_for()
    assert state(page)["updated"][0]["id"] == ids[5] and state(page)["updated"][0]["city"] == "Porto"

    if way in ("menu", "toolbar"):                      # the record's delete has these two ways
        open_app(page, apps_server, "crm", f"contact.html?id={ids[7]}")
        crm_record_give(page, way, "delete")
        crm_confirm_delete(page)
        page.wait_for_url("**/contacts.html")
        assert ids[7] in [d["id"] for d in state(page)["deleted"]]
    assert page.errors == []


def test_crm_table_shortcuts_and_context_filters(crm_page: Any, apps_server: AppServer) -> None:
    page = crm_page
    open_app(page, apps_server, "crm", "contacts.html")
    ids = state(page)["table"]["visibleIds"]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert state(page)["cursorId"] == ids[2]
    page.keyboard.press("Delete")                       # the other delete key
    crm_confirm_delete(page)
    assert state(page)["deleted"][0]["id"] == ids[2]
    page.keyboard.press("/")
    assert focused(page).startswith("INPUT#filter")
    page.keyboard.type("Wayne")
    page.keyboard.press("Enter")                        # to the first hit
    assert focused(page).startswith("A#") and state(page)["cursorId"] == state(page)["table"]["visibleIds"][0]
    company = page.locator("[data-testid=contact-row] td").nth(1).inner_text()
    page.locator("[data-testid=contact-row] td").nth(3).click(button="right")
    menuitem(page, "Contact actions", "Filter by status").click()
    table = state(page)["table"]
    assert table["status"] and table["filter"] == "Wayne" and company.startswith("Wayne")
    page.keyboard.press("n")
    page.wait_for_url("**/contact.html")
    assert page.errors == []


# ---- kanban ----------------------------------------------------------------------------------------
def kanban_give(page: Any, way: str, command: str, title: str) -> None:
    """Opens details, renames, moves (one column on) or deletes the card ``title`` the ``way`` way.
    The kanban's toolbar way is the card's own button: Details, whose dialog renames, moves, deletes."""
    card = page.get_by_role("listitem", name=title, exact=True)
    label = {"details": "Open details", "rename": "Rename", "move": "Move to Doing", "delete": "Delete"}[command]
    if way == "shortcut":
        card.locator(".card-title").click()
        page.keyboard.press({"details": "e", "rename": "F2", "move": "Shift+ArrowRight", "delete": "Delete"}[command])
    elif way in ("menu", "context_menu"):
        if way == "menu":
            card.hover()
            page.get_by_role("button", name=f"Actions for {title}").click()
        else:
            card.locator(".card-title").click(button="right")
        menuitem(page, "Card actions", label).click()
    else:
        card.hover()
        page.get_by_role("button", name=f"Details for {title}").click()
        dialog = page.get_by_role("dialog", name="Card details")
        if command == "move":
            dialog.get_by_label("Column").select_option("doing")
        elif command == "delete":
            dialog.get_by_role("button", name="Delete card").click()
            return
        if command != "details":
            dialog.get_by_role("button", name="Save card").click()
        return
    if command == "rename":
        page.get_by_label("Edit card title").fill(title + " (renamed)")
        page.keyboard.press("Enter")


@pytest.mark.parametrize("way", WAYS)
def test_kanban_commands_each_way(page: Any, apps_server: AppServer, way: str) -> None:
    open_app(page, apps_server, "kanban")
    kanban_give(page, way, "details", "Write onboarding checklist")
    page.get_by_role("dialog", name="Card details").wait_for()
    assert state(page)["detailsOpen"] is True
    page.keyboard.press("Escape")
    assert state(page)["detailsOpen"] is False

    if way != "toolbar":                                # the dialog's title field is the toolbar way
        kanban_give(page, way, "rename", "Update privacy policy page")
    else:
        kanban_give(page, way, "details", "Update privacy policy page")
        page.get_by_role("dialog", name="Card details").get_by_label("Title").fill("Update privacy policy page (renamed)")
        page.get_by_role("button", name="Save card").click()
    assert "Update privacy policy page (renamed)" in state(page)["columnTitles"]["todo"]

    kanban_give(page, way, "move", "Rotate API keys")
    assert state(page)["moves"] == [{"id": "k5", "title": "Rotate API keys", "from": "todo", "to": "doing"}]

    kanban_give(page, way, "delete", "Add dark mode toggle")
    page.get_by_text("Card deleted").wait_for()
    assert state(page)["deleted"] == [{"id": "k13", "title": "Add dark mode toggle"}]
    assert state(page)["openMenu"] is None and not state(page)["detailsOpen"]
    assert page.errors == []


def test_kanban_card_menu_offers_the_other_columns(page: Any, apps_server: AppServer) -> None:
    open_app(page, apps_server, "kanban")
    page.get_by_role("listitem", name="Prepare sprint demo").click(button="right")
    assert state(page)["openMenu"]["items"] == ["Open details", "Rename", "Move to To do", "Move to Done", "Delete"]
    menuitem(page, "Card actions", "Move to To do").click()
    assert state(page)["moves"][-1]["to"] == "todo"
    # Shift+F10 opens the selected card's menu from the keyboard, its first item focused
    page.keyboard.press("Shift+F10")
    assert state(page)["openMenu"]["focused"] == "Open details"
    page.keyboard.press("m")                            # a letter jumps to the next item starting with it
    assert state(page)["openMenu"]["focused"] == "Move to Doing"
    page.keyboard.press("Enter")
    assert state(page)["moves"][-1] == {"id": "k8", "title": "Prepare sprint demo", "from": "todo", "to": "doing"}


def test_kanban_watch_toggle(page: Any, apps_server: AppServer) -> None:
    """The details dialog's "Watch" is a toggle button: each click flips aria-pressed and appState's watched
    at once (Save or Cancel alike), and a watched card shows an eye on the board."""
    open_app(page, apps_server, "kanban")
    card = page.get_by_role("listitem", name="Rotate API keys", exact=True)
    card.hover()
    page.get_by_role("button", name="Details for Rotate API keys").click()
    dialog = page.get_by_role("dialog", name="Card details")
    watch = dialog.get_by_role("button", name="Watch", exact=True)
    assert watch.get_attribute("aria-pressed") == "false" and state(page)["watched"] == []
    watch.click()
    assert watch.get_attribute("aria-pressed") == "true" and state(page)["watched"] == ["k5"]
    assert "Watching" in watch.inner_text() and state(page)["detailsOpen"] is True
    watch.dblclick()                                     # toggled twice: as it was
    assert watch.get_attribute("aria-pressed") == "true" and state(page)["watched"] == ["k5"]
    dialog.get_by_role("button", name="Cancel").click()  # the toggle does not wait for Save
    assert state(page)["watched"] == ["k5"] and card.get_by_role("img", name="Watched").count() == 1
    card.hover()
    page.get_by_role("button", name="Details for Rotate API keys").click()
    assert watch.get_attribute("aria-pressed") == "true"
    watch.click()
    assert watch.get_attribute("aria-pressed") == "false" and state(page)["watched"] == []
    page.keyboard.press("Escape")
    assert card.get_by_role("img", name="Watched").count() == 0
    assert page.errors == []


# ---- notes -----------------------------------------------------------------------------------------
NOTE_LINES = ["bold", "italic", "underline", "heading", "bulleted", "numbered", "quote", "plain"]
FORMATS = {  # command: (toolbar and menu name, chord, what the line becomes)
    "bold": ("Bold", "Control+B", "<b>bold</b>"),
    "italic": ("Italic", "Control+I", "<i>italic</i>"),
    "underline": ("Underline", "Control+U", "<u>underline</u>"),
    "heading": ("Heading", "Control+Alt+2", "<h2>heading</h2>"),
    "bulleted": ("Bulleted list", "Control+Shift+8", "<ul><li>bulleted</li></ul>"),
    "numbered": ("Numbered list", "Control+Shift+7", "<ol><li>numbered</li></ol>"),
    "quote": ("Quote", "Control+Shift+9", "<blockquote>quote</blockquote>"),
    "plain": ("Clear formatting", "Control+\\", "<p>plain</p>"),
}


def select_line(page: Any, word: str) -> None:
    """Selects the editor block holding ``word`` (setup only: the commands are what is tested)."""
    page.evaluate("""(word) => {
        const ed = document.getElementById('editor');
        const block = [...ed.children].find((b) => b.textContent === word);
        ed.focus();
        const r = document.createRange();
        r.selectNodeContents(block);
        getSelection().removeAllRanges();
        getSelection().addRange(r);
    }""", word)


@pytest.mark.parametrize("way", ("shortcut", "menu", "toolbar"))
def test_notes_formatting_each_way(page: Any, apps_server: AppServer, way: str) -> None:
    open_app(page, apps_server, "notes")
    page.get_by_role("button", name="+ New note").click()
    page.keyboard.press("Enter")
    page.keyboard.type("\n".join(NOTE_LINES[:-1]))
    page.keyboard.press("Enter")
    page.keyboard.press("Control+B")                    # the last line typed bold, to be cleared
    page.keyboard.type("plain")
    assert state(page)["current"]["html"].endswith("<p><b>plain</b></p>")
    for command, (name, chord, html) in FORMATS.items():
        select_line(page, command)
        if way == "shortcut":
            page.keyboard.press(chord)
        elif way == "menu":
            page.get_by_role("menubar").get_by_role("menuitem", name="Format").click()
            menuitem(page, "Format", name).click()
        else:
            page.get_by_role("toolbar", name="Formatting").get_by_role("button", name=name, exact=True).click()
        assert html in state(page)["current"]["html"], (command, state(page)["current"]["html"])
    assert state(page)["dirty"] is True                 # each command counts as an edit (autosave follows)
    assert page.errors == []


NOTE_COMMANDS: dict[str, dict[str, Callable[[Any], None]]] = {
    # command: {way: how}; the context menu is on the notes list, the menu is the menubar's File menu
    "new": {
        "toolbar": lambda p: p.get_by_role("button", name="+ New note").click(),
        "menu": lambda p: file_menu(p, "New note"),
        "shortcut": lambda p: p.keyboard.press("Control+Alt+N"),
    },
    "duplicate": {
        "menu": lambda p: file_menu(p, "Duplicate note"),
        "context_menu": lambda p: note_menu(p, "n4", "Duplicate"),
    },
    "pin": {
        "menu": lambda p: file_menu(p, "Pin note"),
        "context_menu": lambda p: note_menu(p, "n4", "Pin"),
    },
    "rename": {
        "menu": lambda p: file_menu(p, "Rename note"),
        "context_menu": lambda p: note_menu(p, "n4", "Rename"),
    },
    "delete": {
        "toolbar": lambda p: p.get_by_role("button", name="Delete note").click(),
        "menu": lambda p: file_menu(p, "Delete note"),
        "context_menu": lambda p: note_menu(p, "n4", "Delete"),
        "shortcut": lambda p: (note_link(p, "n4").focus(), p.keyboard.press("#")),
    },
}


def file_menu(page: Any, item: str) -> None:
    page.get_by_role("menubar").get_by_role("menuitem", name="File").click()
    menuitem(page, "File", item).click()


def note_link(page: Any, nid: str) -> Any:
    return page.locator(f'[data-testid=note-link][data-id="{nid}"]')


def note_menu(page: Any, nid: str, item: str) -> None:
    note_link(page, nid).click(button="right")
    menuitem(page, "Note actions", item).click()


@pytest.mark.parametrize("way", WAYS)
def test_notes_note_commands_each_way(page: Any, apps_server: AppServer, way: str) -> None:
    open_app(page, apps_server, "notes", "#/note/n4")     # Trip ideas
    for command, ways in NOTE_COMMANDS.items():
        if way not in ways:
            continue
        if command != "new":
            page.goto(apps_server.url("notes", "#/note/n4"))
            page.wait_for_function("window.appState().currentId === 'n4'")
        before = state(page)
        ways[way](page)
        s = state(page)
        titles = [n["title"] for n in s["notes"]]
        if command == "new":
            assert s["created"] == before["created"] + [s["currentId"]] and s["current"]["title"] == "Untitled note"
        elif command == "duplicate":
            assert "Trip ideas (copy)" in titles and s["current"]["title"] == "Trip ideas (copy)"
        elif command == "pin":
            assert [n["id"] for n in s["notes"] if n["pinned"]] == ["n4"]
            assert page.get_by_test_id("note-link").first.get_attribute("data-id") == "n4"   # pinned notes first
        elif command == "rename":
            assert focused(page).startswith("INPUT#title") and s["currentId"] == "n4"
            page.keyboard.type("Weekend trips")
            page.keyboard.press("Control+s")
            assert "Weekend trips" in [n["title"] for n in state(page)["notes"]]
        elif command == "delete":
            page.get_by_role("dialog", name="Delete note?").get_by_role("button", name="Delete note").click()
            page.get_by_text("Note deleted").wait_for()
            assert state(page)["deleted"][-1]["id"] == "n4"
    assert page.errors == []


def test_notes_save_and_edit_menu(page: Any, apps_server: AppServer) -> None:
    open_app(page, apps_server, "notes", "#/note/n6")
    page.get_by_test_id("editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" More.")
    file_menu(page, "Save")
    page.get_by_test_id("toast").filter(has_text="Note saved").wait_for()
    assert state(page)["saveCount"] == 1 and state(page)["dirty"] is False
    page.keyboard.type(" Again")
    page.keyboard.press("Control+s")
    assert state(page)["saveCount"] == 2
    page.get_by_role("menubar").get_by_role("menuitem", name="Edit").click()
    menuitem(page, "Edit", "Undo").click()
    text = state(page)["current"]["text"]
    assert text.startswith("Quick thoughts go here. More.") and not text.endswith("Again")
    page.get_by_role("menubar").get_by_role("menuitem", name="Edit").click()
    menuitem(page, "Edit", "Select all").click()
    assert page.evaluate("getSelection().toString()") == state(page)["current"]["text"]
    page.keyboard.press("Control+/")
    page.get_by_role("dialog", name="Keyboard shortcuts").wait_for()
    page.keyboard.press("Escape")
    assert focused(page).startswith("DIV#editor")


def test_notes_long_note_scrolls_the_page(page: Any, apps_server: AppServer) -> None:
    """"Project Falcon — risks" is long: the editor grows with it and the page itself scrolls with the wheel
    (a target at its end is far below the viewport), the toolbar staying in view."""
    open_app(page, apps_server, "notes", "#/note/n5")
    assert state(page)["current"]["words"] > 400
    last = page.get_by_text("goes to the steering group")
    assert last.bounding_box()["y"] > 1.5 * page.viewport_size["height"]
    page.mouse.move(700, 400)
    for _ in range(30):
        if last.bounding_box()["y"] + last.bounding_box()["height"] < page.viewport_size["height"]:
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    assert page.evaluate("scrollY") > 400
    box = last.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.get_by_role("toolbar", name="Formatting").bounding_box()["y"] >= 0
    assert page.errors == []


# ---- menus behave as menus -------------------------------------------------------------------------
def _webmail_more(page: Any, srv: AppServer) -> tuple[Any, str]:
    open_app(page, srv, "webmail", "index.html#/inbox/m3")
    page.get_by_test_id("message-subject").wait_for()
    return page.get_by_role("button", name="More actions"), "More actions"


def _webmail_row(page: Any, srv: AppServer) -> tuple[Any, str]:
    open_app(page, srv, "webmail")
    return page.get_by_test_id("message-row").nth(3).locator(".msg-link"), "Message actions"


def _kanban_card_button(page: Any, srv: AppServer) -> tuple[Any, str]:
    open_app(page, srv, "kanban")
    page.get_by_role("listitem", name="Rotate API keys").hover()
    return page.get_by_role("button", name="Actions for Rotate API keys"), "Card actions"


def _kanban_card(page: Any, srv: AppServer) -> tuple[Any, str]:
    open_app(page, srv, "kanban")
    return page.get_by_role("listitem", name="Rotate API keys"), "Card actions"


def _notes_format(page: Any, srv: AppServer) -> tuple[Any, str]:
    open_app(page, srv, "notes")
    page.get_by_test_id("editor").click()              # focus goes back to the editor, not the menubar
    return page.get_by_role("menubar").get_by_role("menuitem", name="Format"), "Format"


def _notes_link(page: Any, srv: AppServer) -> tuple[Any, str]:
    open_app(page, srv, "notes")
    return page.get_by_role("link", name="Recipe: lemon pasta"), "Note actions"


MENUS = {  # name: (opener, right-click?, where focus goes back, a harmless place outside the menu)
    "webmail-more-actions": (_webmail_more, False, "BUTTON#[]More actions", "css=h1 >> visible=true"),
    "webmail-row": (_webmail_row, True, "A#[]", "css=h1 >> visible=true"),
    "kanban-card-button": (_kanban_card_button, False, "BUTTON#[]Actions for Rotate API keys", "css=h1"),
    "kanban-card": (_kanban_card, True, "LI#[k5]Rotate API keys", "css=h1"),
    "notes-format": (_notes_format, False, "DIV#editor[]Note body", "[data-testid=word-count]"),
    "notes-list": (_notes_link, True, "A#[n3]", "[data-testid=word-count]"),
}


@pytest.mark.parametrize("name", MENUS)
def test_menu_keyboard_escape_and_click_outside(page: Any, apps_server: AppServer, name: str) -> None:
    opener, right, back, outside = MENUS[name]
    target, label = opener(page, apps_server)

    def open_menu() -> Any:
        target.click(button="right" if right else "left")
        menu = page.get_by_role("menu", name=label)
        menu.wait_for()
        return menu

    menu = open_menu()
    items = state(page)["openMenu"]["items"]
    assert len(items) >= 3 and menu.get_by_role("menuitem").count() == len(items)
    if not right:
        assert target.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert state(page)["openMenu"]["focused"] == items[0]
    page.keyboard.press("ArrowDown")
    assert state(page)["openMenu"]["focused"] == items[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")                      # wraps round to the last item
    assert state(page)["openMenu"]["focused"] == items[-1]
    page.keyboard.press("Home")
    assert state(page)["openMenu"]["focused"] == items[0]
    page.keyboard.press("Escape")
    assert state(page)["openMenu"] is None and menu.count() == 0
    assert focused(page) == back
    if not right:
        assert target.get_attribute("aria-expanded") == "false"

    before = {k: v for k, v in state(page).items() if k != "openMenu"}
    open_menu()
    page.locator(outside).click()                       # outside: closes, and does nothing else
    assert state(page)["openMenu"] is None and page.get_by_role("menu", name=label).count() == 0
    after = {k: v for k, v in state(page).items() if k != "openMenu"}
    assert after == before
    assert page.errors == []


def test_menu_button_opened_from_the_keyboard_focuses_its_first_item(page: Any, apps_server: AppServer) -> None:
    button, label = _webmail_more(page, apps_server)
    button.focus()
    page.keyboard.press("Enter")
    assert state(page)["openMenu"]["focused"] == "Reply"
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowUp")                      # ArrowUp opens it at its last item
    assert state(page)["openMenu"]["focused"] == "Mark as unread"
    page.keyboard.press("Tab")                          # Tab closes it
    assert state(page)["openMenu"] is None
    # one menu at a time: a right-click elsewhere replaces it
    button.click()
    page.get_by_role("link", name="Inbox").click(button="right")   # no context menu there: the browser's
    assert state(page)["openMenu"] is None


def test_notes_menubar_arrows_move_between_menus(page: Any, apps_server: AppServer) -> None:
    page.clock.install()
    open_app(page, apps_server, "notes")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)   # from here timers run only when told (run_for)
    bar = page.get_by_role("menubar")
    bar.get_by_role("menuitem", name="File").click()
    page.keyboard.press("ArrowRight")
    assert state(page)["openMenu"] == {"label": "Edit", "items": ["Undo", "Redo", "Select all"], "focused": "Undo"}
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")                    # wraps round to Help
    assert state(page)["openMenu"]["label"] == "Help"
    bar.get_by_role("menuitem", name="Edit").hover()     # only crossing a title: the menu stays
    page.clock.run_for(200)
    bar.get_by_role("menuitem", name="Format").hover()   # resting on another title switches menus
    page.clock.run_for(200)
    assert state(page)["openMenu"]["label"] == "Help"
    page.clock.run_for(100)
    assert state(page)["openMenu"]["label"] == "Format"
    bar.get_by_role("menuitem", name="Format").click()   # its own title closes it
    assert state(page)["openMenu"] is None


def _bottom_right_corner(page: Any, target: Any) -> tuple[float, float]:
    """Scrolls target to the viewport's bottom edge; the point inside it nearest the bottom-right corner."""
    target.evaluate("el => el.scrollIntoView({block: 'end'})")
    box = target.bounding_box()
    vw, vh = page.evaluate("[document.documentElement.clientWidth, document.documentElement.clientHeight]")
    return min(box["x"] + box["width"], vw) - 3, min(box["y"] + box["height"], vh) - 3


CORNERS = {  # app: (path, the element right-clicked at its point nearest the viewport's bottom-right)
    "webmail": ("", lambda p: p.get_by_test_id("message-row").nth(15), "Message actions"),
    "kanban": ("", lambda p: p.get_by_test_id("column-done").get_by_test_id("card").nth(9), "Card actions"),
    "notes": ("", lambda p: p.get_by_test_id("note-link").nth(5), "Note actions"),
}


@pytest.mark.parametrize("app", CORNERS)
def test_context_menu_stays_inside_the_viewport(new_context: Any, apps_server: AppServer, app: str) -> None:
    path, target, label = CORNERS[app]
    page = new_context().new_page()
    page.set_viewport_size({"width": 1100, "height": 560})
    open_app(page, apps_server, app, path)
    x, y = _bottom_right_corner(page, target(page))
    page.mouse.click(x, y, button="right")
    box = page.get_by_role("menu", name=label).bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= 1100 and box["y"] + box["height"] <= 560
    # a corner at the pointer (as native menus do): above it, no room below
    assert min(abs(box["x"] - x), abs(box["x"] + box["width"] - x)) <= 6
    assert abs(box["y"] + box["height"] - y) <= 6


# ---- shortcuts stay quiet while typing -----------------------------------------------------------
def test_shortcuts_do_nothing_while_typing(page: Any, apps_server: AppServer, new_context: Any,
                                           crm_signed_in: dict, apps_browser: Any) -> None:
    open_app(page, apps_server, "webmail")
    before = state(page)
    page.get_by_placeholder("Search mail").click()
    page.keyboard.type("es#ujkr?c")
    s = state(page)
    assert s["search"] == "es#ujkr?c" and s["counts"] == before["counts"] and s["starred"] == before["starred"]
    assert s["helpOpen"] is False and page.url.endswith("/webmail/")
    page.get_by_placeholder("Search mail").fill("")
    page.get_by_test_id("message-row").nth(4).hover()
    page.keyboard.press("Control+e")                    # a modifier held: not the shortcut
    assert state(page)["counts"] == before["counts"]
    page.get_by_test_id("message-row").nth(4).locator(".msg-link").click()   # a left click opens, no menu
    page.get_by_test_id("message-subject").wait_for()
    assert state(page)["openMenu"] is None

    open_app(page, apps_server, "kanban")
    page.get_by_role("listitem", name="Rotate API keys").click()
    page.get_by_placeholder("Filter cards").click()
    page.keyboard.type("end")                           # e, n, d: no details, no new card, no delete
    s = state(page)
    assert s["filter"] == "end" and not s["detailsOpen"] and s["addingIn"] is None and s["deleted"] == []

    open_app(page, apps_server, "notes")
    page.get_by_test_id("editor").click()
    page.keyboard.type("n#jk?/")
    s = state(page)
    assert s["current"]["text"].endswith("n#jk?/") and s["created"] == [] and s["deleted"] == []
    assert s["helpOpen"] is False and s["currentId"] == "n1"

    ctx = apps_browser.new_context(viewport={"width": 1280, "height": 800}, storage_state=crm_signed_in)
    crm = ctx.new_page()
    open_app(crm, apps_server, "crm", "contacts.html")
    crm.get_by_label("Filter contacts").click()
    crm.keyboard.type("ne#j")
    s = state(crm)
    assert s["table"]["filter"] == "ne#j" and s["deleted"] == [] and s["page"] == "contacts"
    assert not s["deleteDialogOpen"] and crm.url.endswith("/contacts.html")
    ctx.close()
    assert page.errors == []
