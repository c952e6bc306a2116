"""No word lost, in Chromium: conflicts that keep the focus, tabs closed offline, three tabs,
an unreachable server, a refused batch, signing in again. Each test ends by comparing, to
the character, what was typed with what a fresh browser context reads from the server."""

import re

import pytest
from playwright.sync_api import expect

from hiring.extensions import db
from hiring.interviews.models import Scorecard
from hiring.scorecards import operations as ops
from tests.scoring import complete

pytestmark = pytest.mark.browser

NOTES = "Notes: what the candidate said and did"
# Refusals a test provokes on purpose, and requests tried while the network was down.
EXPECTED = re.compile(
    r"Failed to load resource: (the server responded with a status of (400|401|409|422|503)"
    r"|net::ERR_INTERNET_DISCONNECTED|net::ERR_CONNECTION_REFUSED|net::ERR_FAILED)"
)


def server_fields(browser, live_server, email, sid) -> dict:
    """The scorecard as a fresh browser context reads it from the server: signed in with
    the login form's own request, and nothing of the tabs' storage."""
    context = browser.new_context()
    try:
        signed = context.request.post(
            f"{live_server}/login",
            form={"email": email, "password": "correct horse battery"},
            max_redirects=0,
        )
        assert signed.status == 302, signed.status
        response = context.request.get(f"{live_server}/scorecards/{sid}.json")
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
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
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
    expect(second.locator(".conflict-item h3")).to_have_text(f"Changed elsewhere too: Q1 · {NOTES}")
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
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
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
    app, context, signed_in, live_scorecard, browser, live_server, users
):
    _, sid, url = live_scorecard
    first, second = signed_in, context.new_page()
    first.goto(url)
    second.goto(url)
    first.get_by_label("Summary").fill("Summary from the first tab.")
    expect(state(first)).to_have_text(re.compile("Saved at"))
    second.get_by_label("Summary").fill("Summary from the second tab.")
    title = second.locator(".conflict-item h3")
    expect(title).to_have_text("Changed elsewhere too: Summary")
    second.get_by_role("button", name="Keep theirs").click()
    expect(second.get_by_label("Summary")).to_have_value("Summary from the first tab.")
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields["summary"] == "Summary from the first tab."


@pytest.mark.parametrize("tabs", [2, 3])
def test_tabs_closed_offline_each_in_its_own_field_lose_nothing(
    app, browser, context, signed_in, live_scorecard, live_server, users, tabs
):
    panel, sid, url = live_scorecard
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
    app, browser, context, signed_in, live_scorecard, live_server, users, tabs
):
    panel, sid, url = live_scorecard
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
    expect(conflict).to_contain_text("Not yet saved, from another tab")
    again.get_by_role("button", name="Merge both").click()
    expect(state(again)).to_have_text(re.compile("Saved at"))
    stored = server_fields(browser, live_server, users["interviewer"].email, sid)[
        f"item:{panel.items[0]}:notes"
    ]
    for text in texts:
        assert text in stored, stored
    assert len(stored) == sum(map(len, texts)) + 2 * (tabs - 1)


def test_an_unreachable_server_is_not_called_offline(
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
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


def test_text_typed_after_a_submit_elsewhere_is_kept_and_offered_after_an_amendment(
    app, browser, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
    page = signed_in
    page.goto(url)
    notes(page).fill("Saved before the scorecard was submitted elsewhere.")
    expect(state(page)).to_have_text(re.compile("Saved at"))
    with app.app_context():  # submitted from another device
        card = db.session.get(Scorecard, sid)
        ops.save(card.id, card.interviewer_id, card.version, complete(panel), 200_000)
        ops.submit(db.session.get(Scorecard, sid))
        db.session.commit()
    late = "Typed after it was submitted elsewhere."
    notes(page, 1).fill(late)
    # The tab stops, says so, and names what it keeps.
    expect(state(page)).to_have_text(re.compile(r"was submitted meanwhile.*Q2 · Notes.*kept"))
    expect(notes(page, 1)).to_have_js_property("readOnly", True)
    # Opened again, the submitted scorecard says what this device still holds.
    page.reload()
    stranded = page.locator("[data-stranded]")
    expect(stranded).to_be_visible()
    expect(stranded).to_contain_text(f"Q2 notes ({len(late)} characters)")
    # The amendment offers it at its field; nothing is sent until the person chooses.
    page.get_by_label("Why does this scorecard change?").fill("Add what I typed late.")
    page.get_by_role("button", name="Amend").click()
    box = page.locator("[data-conflict]")
    expect(box).to_contain_text("typed after the scorecard was submitted")
    expect(notes(page, 1)).to_have_value(late)
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[f"item:{panel.items[1]}:notes"] == f"Notes on {panel.items[1]}"
    box.get_by_role("button", name="Merge both").click()
    expect(state(page)).to_have_text(re.compile("Saved at"))
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[f"item:{panel.items[1]}:notes"] == f"Notes on {panel.items[1]}\n\n{late}"


def test_signing_in_again_returns_that_tab_to_the_scorecard_and_sends_the_text(
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
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
    app, browser, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
    page = signed_in
    page.goto(url)
    notes(page).fill("Pasted\u0000 text")
    expect(state(page)).to_have_text(re.compile("Saved at"))
    expect(notes(page)).to_have_value("Pasted text")
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[f"item:{panel.items[0]}:notes"] == "Pasted text"
