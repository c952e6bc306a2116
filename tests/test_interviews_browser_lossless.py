"""No word lost, in Chromium: conflicts that keep the focus, tabs closed offline, three tabs,
an unreachable server, a refused batch, signing in again. Each test ends by comparing, to
the character, what was typed with what a fresh browser context reads from the server."""

import re

import pytest
from playwright.sync_api import expect

from hiring.extensions import db
from hiring.interviews import operations as ops
from hiring.interviews.models import Scorecard
from tests.browser import sign_in
from tests.scoring import complete, make_panel

pytestmark = pytest.mark.browser

NOTES = "Notes: what the candidate said and did"
# Refusals a test provokes on purpose, and requests tried while the network was down.
EXPECTED = re.compile(
    r"Failed to load resource: (the server responded with a status of (400|401|409|422|503)"
    r"|net::ERR_INTERNET_DISCONNECTED|net::ERR_CONNECTION_REFUSED|net::ERR_FAILED)"
)


@pytest.fixture
def scorecard(app, live_server, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]], questions=3)
    sid = panel.scorecards[users["interviewer"].id]
    return panel, sid, f"{live_server}/scorecards/{sid}"


@pytest.fixture
def signed_in(page, live_server, users):
    sign_in(page, live_server, users["interviewer"].email)
    return page


def server_fields(browser, live_server, email, sid) -> dict:
    """The scorecard as a fresh browser context reads it from the server."""
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, live_server, email)
        response = page.request.get(f"{live_server}/scorecards/{sid}.json")
        assert response.ok
        return response.json()["fields"]
    finally:
        context.close()


def notes(page, n=0):
    return page.get_by_label(NOTES).nth(n)


def state(page):
    return page.locator("[data-save-state]")


def errors_of(*pages) -> list[str]:
    found = []
    for p in pages:
        p.on("console", lambda m: found.append(m.text) if m.type == "error" else None)
        p.on("pageerror", lambda e: found.append(str(e)))
    return found


def test_a_conflict_keeps_the_focus_and_every_keystroke(
    app, browser, context, signed_in, scorecard, live_server, users
):
    panel, sid, url = scorecard
    first, second = signed_in, context.new_page()
    seen = errors_of(first, second)
    first.goto(url)
    second.goto(url)
    key = f"item:{panel.items[0]}:notes"

    notes(first).fill("Typed in the first tab.")
    expect(state(first)).to_have_text(re.compile("Saved at"))

    notes(second).click()
    before = "Second tab, before the conflict. "
    second.keyboard.type(before)
    expect(second.locator("[data-conflict]")).to_be_visible()
    expect(second.locator(".conflict-item h3")).to_have_text(f"Q1 · {NOTES}")
    after = "Typed after the conflict appeared, without clicking anywhere."
    second.keyboard.type(after)
    assert second.evaluate("document.activeElement.name") == key
    expect(notes(second)).to_have_value(before + after)
    expect(second.locator(".conflict-mine")).to_have_text(before + after)

    second.get_by_role("button", name="Keep mine").click()
    expect(second.locator("[data-conflict]")).to_be_hidden()
    expect(state(second)).to_have_text(re.compile("Saved at"))
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[key] == before + after
    assert [e for e in seen if not EXPECTED.search(e)] == []


def test_merge_both_keeps_both_tabs_text_including_words_typed_during_the_conflict(
    app, browser, context, signed_in, scorecard, live_server, users
):
    panel, sid, url = scorecard
    first, second = signed_in, context.new_page()
    first.goto(url)
    second.goto(url)
    notes(first).fill("First tab.")
    expect(state(first)).to_have_text(re.compile("Saved at"))
    notes(second).click()
    second.keyboard.type("Second tab")
    expect(second.locator("[data-conflict]")).to_be_visible()
    second.keyboard.type(", and more words.")
    second.get_by_role("button", name="Merge both").click()
    expect(state(second)).to_have_text(re.compile("Saved at"))
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[f"item:{panel.items[0]}:notes"] == "First tab.\n\nSecond tab, and more words."


def test_the_conflict_view_uses_the_forms_own_labels(
    app, context, signed_in, scorecard, browser, live_server, users
):
    _, sid, url = scorecard
    first, second = signed_in, context.new_page()
    first.goto(url)
    second.goto(url)
    first.get_by_label("Summary").fill("Summary from the first tab.")
    expect(state(first)).to_have_text(re.compile("Saved at"))
    second.get_by_label("Summary").fill("Summary from the second tab.")
    title = second.locator(".conflict-item h3")
    expect(title).to_have_text("Summary")
    second.get_by_role("button", name="Keep theirs").click()
    expect(second.get_by_label("Summary")).to_have_value("Summary from the first tab.")
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields["summary"] == "Summary from the first tab."


@pytest.mark.parametrize("tabs", [2, 3])
def test_tabs_closed_offline_each_in_its_own_field_lose_nothing(
    app, browser, context, signed_in, scorecard, live_server, users, tabs
):
    panel, sid, url = scorecard
    pages = [signed_in] + [context.new_page() for _ in range(tabs - 1)]
    for page in pages:
        page.goto(url)
    context.set_offline(True)
    typed = {}
    for n, page in enumerate(pages):
        text = f"Tab {n + 1} typed this offline, in question {n + 1}."
        notes(page, n).fill(text)
        typed[f"item:{panel.items[n]}:notes"] = text
        expect(state(page)).to_have_text(re.compile(r"^Offline \(this device\)"))
    for page in pages:
        page.close()
    context.set_offline(False)

    again = context.new_page()
    again.goto(url)
    expect(state(again)).to_have_text(re.compile("Saved at"))
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert {k: fields[k] for k in typed} == typed


@pytest.mark.parametrize("tabs", [2, 3])
def test_tabs_closed_offline_in_the_same_field_are_offered_not_dropped(
    app, browser, context, signed_in, scorecard, live_server, users, tabs
):
    panel, sid, url = scorecard
    pages = [signed_in] + [context.new_page() for _ in range(tabs - 1)]
    for page in pages:
        page.goto(url)
    context.set_offline(True)
    texts = [f"Tab {n + 1} wrote this offline." for n in range(tabs)]
    for page, text in zip(pages, texts, strict=True):
        notes(page).fill(text)
        expect(state(page)).to_have_text(re.compile("Offline"))
    for page in pages:
        page.close()
    context.set_offline(False)

    again = context.new_page()
    again.goto(url)
    conflict = again.locator("[data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Not yet saved, from a tab that was closed")
    again.get_by_role("button", name="Merge both").click()
    expect(state(again)).to_have_text(re.compile("Saved at"))
    stored = server_fields(browser, live_server, users["interviewer"].email, sid)[
        f"item:{panel.items[0]}:notes"
    ]
    for text in texts:
        assert text in stored, stored
    assert len(stored) == sum(map(len, texts)) + 2 * (tabs - 1)


def test_an_unreachable_server_is_not_called_offline(
    app, browser, context, signed_in, scorecard, live_server, users
):
    panel, sid, url = scorecard
    page = signed_in
    page.goto(url)
    page.route("**/save", lambda route: route.fulfill(status=503, body="Service Unavailable"))
    notes(page).fill("Typed while the server answered 503.")
    expect(state(page)).to_have_text(re.compile(r"^Server unreachable"))
    page.unroute("**/save")
    page.route("**/save", lambda route: route.abort("connectionrefused"))
    notes(page).fill("Typed while the server refused connections.")
    expect(state(page)).to_have_text(re.compile(r"^Server unreachable"))
    page.unroute("**/save")
    context.set_offline(True)
    notes(page, 1).fill("Typed on a device without a network.")
    expect(state(page)).to_have_text(re.compile(r"^Offline \(this device\)"))
    context.set_offline(False)
    expect(state(page)).to_have_text(re.compile("Saved at"), timeout=15000)
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[f"item:{panel.items[0]}:notes"] == "Typed while the server refused connections."
    assert fields[f"item:{panel.items[1]}:notes"] == "Typed on a device without a network."


def test_a_refused_batch_is_shown_at_its_fields_and_not_resent(
    app, browser, signed_in, scorecard, live_server, users
):
    panel, sid, url = scorecard
    page = signed_in
    page.goto(url)
    saves = []
    page.on("request", lambda r: saves.append(r) if r.url.endswith("/save") else None)
    notes(page).fill("Saved before the scorecard was submitted elsewhere.")
    expect(state(page)).to_have_text(re.compile("Saved at"))
    with app.app_context():  # submitted from another device
        card = db.session.get(Scorecard, sid)
        ops.save(card.id, card.interviewer_id, card.version, complete(panel), 200_000)
        ops.submit(db.session.get(Scorecard, sid))
        db.session.commit()
    notes(page, 1).fill("Typed after it was submitted elsewhere.")
    error = page.locator(f'[data-error-for="item:{panel.items[1]}:notes"]')
    expect(error).to_have_text(re.compile("was submitted.*; it is read-only"))
    expect(state(page)).to_have_text(re.compile(r"^Not saved: a field was refused"))
    count = len(saves)
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    page.wait_for_timeout(2500)
    assert len(saves) == count
    expect(state(page)).not_to_have_text(re.compile("Saved"))
    # The text is still in the field and on the device, not claimed as saved.
    expect(notes(page, 1)).to_have_value("Typed after it was submitted elsewhere.")


def test_signing_in_again_returns_that_tab_to_the_scorecard_and_sends_the_text(
    app, browser, context, signed_in, scorecard, live_server, users
):
    panel, sid, url = scorecard
    page = signed_in
    page.goto(url)
    context.clear_cookies()
    typed = "Typed after the session ended."
    notes(page).fill(typed)
    link = page.get_by_role("link", name="sign in again in a new tab")
    expect(link).to_be_visible()
    with context.expect_page() as opened:
        link.click()
    login = opened.value
    login.get_by_label("E-mail").fill(users["interviewer"].email)
    login.get_by_label("Password").fill("correct horse battery")
    login.get_by_role("button", name="Sign in").click()
    login.wait_for_url(url)
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(state(page)).to_have_text(re.compile("Saved at"), timeout=15000)
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[f"item:{panel.items[0]}:notes"] == typed


def test_text_the_server_cleans_is_shown_as_stored(
    app, browser, signed_in, scorecard, live_server, users
):
    panel, sid, url = scorecard
    page = signed_in
    page.goto(url)
    notes(page).fill("Pasted\u0000 text")
    expect(state(page)).to_have_text(re.compile("Saved at"))
    expect(notes(page)).to_have_value("Pasted text")
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[f"item:{panel.items[0]}:notes"] == "Pasted text"
