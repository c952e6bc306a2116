"""The live scorecard in Chromium: autosave, reload, offline, two tabs, expired session, submit."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hiring.extensions import db
from hiring.interviews.models import ItemNote, Scorecard
from tests.browser import sign_in
from tests.scoring import make_panel

pytestmark = pytest.mark.browser

# Chromium logs every non-2xx response as a console error; these are the refusals a test
# provokes on purpose. Anything else (a JS error, a CSP violation) still fails the test.
EXPECTED = re.compile(
    r"Failed to load resource: the server responded with a status of (400|401|409|422)"
)
# And the log of a request the browser tried while the network was down.
OFFLINE = re.compile(r"Failed to load resource: net::ERR_INTERNET_DISCONNECTED")


def notes_on_server(app, scorecard_id) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            select(ItemNote.notes)
            .where(ItemNote.scorecard_id == scorecard_id)
            .order_by(ItemNote.kit_item_id)
        ).all()


@pytest.fixture
def live(app, live_server, page, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]])
    sign_in(page, live_server, users["interviewer"].email)
    scorecard_id = panel.scorecards[users["interviewer"].id]
    url = f"{live_server}/scorecards/{scorecard_id}"
    page.goto(url)
    return panel, scorecard_id, url


def test_fill_with_the_keyboard_and_reload(app, page, console_errors, live):
    panel, scorecard_id, url = live
    saved = page.locator("[data-save-state]")
    notes = page.get_by_label("Notes: what the candidate said and did").first
    notes.focus()
    page.keyboard.type("Checked the account before promising a refund.")
    expect(saved).to_have_text(re.compile(r"Saved at"))

    page.keyboard.press("Alt+ArrowDown")  # next question
    page.keyboard.type("Asked for steps to reproduce.")
    # At 1280 px the guides sit open beside the notes; Alt+G folds and unfolds this one.
    guide = page.locator("[data-guide]").nth(1)
    expect(guide).to_have_attribute("open", "")
    page.keyboard.press("Alt+g")
    expect(guide).not_to_have_attribute("open", "")
    page.keyboard.press("Alt+g")
    expect(guide).to_have_attribute("open", "")

    rating = page.locator("[data-rating]").first
    rating.locator("input[type=radio]").first.focus()
    page.keyboard.press("3")
    expect(rating.locator("input[value='3']")).to_be_checked()
    expect(saved).to_have_text(re.compile(r"Saved at"))

    page.reload()
    expect(page.get_by_label("Notes: what the candidate said and did").first).to_have_value(
        "Checked the account before promising a refund."
    )
    expect(page.locator("[data-rating]").first.locator("input[value='3']")).to_be_checked()
    assert notes_on_server(app, scorecard_id) == [
        "Checked the account before promising a refund.",
        "Asked for steps to reproduce.",
    ]
    assert console_errors == []


def test_offline_typing_reaches_the_server_when_back(app, page, context, console_errors, live):
    _, scorecard_id, _ = live
    context.set_offline(True)
    page.get_by_label("Notes: what the candidate said and did").first.fill(
        "Typed while the network was down."
    )
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("Offline"))
    assert notes_on_server(app, scorecard_id) == []
    context.set_offline(False)
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("Saved at"))
    assert notes_on_server(app, scorecard_id) == ["Typed while the network was down."]
    assert [e for e in console_errors if not OFFLINE.search(e)] == []


def test_a_crashed_tab_loses_nothing(app, page, context, console_errors, live):
    """Typed offline, then the tab hung and was closed before anything was sent: the next
    visit sends it.

    The tab's script is stuck in a loop before it is closed, as a crashed tab's would be:
    a tab that closes normally still runs its hidden-page flush, and on a busy machine that
    request could reach the server once the network is back, leaving the next visit
    nothing to send.
    """
    _, scorecard_id, url = live
    context.set_offline(True)
    page.get_by_label("Notes: what the candidate said and did").first.fill("Kept on the device.")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("Offline"))
    page.evaluate("setTimeout(() => { for (;;) {} }, 0)")
    page.close()
    context.set_offline(False)
    assert notes_on_server(app, scorecard_id) == []
    again = context.new_page()
    again.goto(url)
    # The crashed tab's lock may outlive it a moment (seconds on a busy machine); the page
    # looks again after 0.5 and 1 s, then every 2 s, so the save can come after the
    # default 5 s wait.
    expect(again.locator("[data-save-state]")).to_have_text(re.compile("Saved at"), timeout=15000)
    assert notes_on_server(app, scorecard_id) == ["Kept on the device."]


def test_two_tabs_produce_the_conflict_view(app, page, context, console_errors, live):
    _, scorecard_id, url = live
    other = context.new_page()
    other.goto(url)
    other_errors = []
    other.on("console", lambda m: other_errors.append(m.text) if m.type == "error" else None)

    page.get_by_label("Notes: what the candidate said and did").first.fill("From the first tab.")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("Saved at"))

    other.get_by_label("Notes: what the candidate said and did").first.fill("From the second tab.")
    conflict = other.locator("[data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-mine")).to_have_text("From the second tab.")
    expect(conflict.locator(".conflict-theirs")).to_have_text("From the first tab.")
    assert notes_on_server(app, scorecard_id) == ["From the first tab."]

    conflict.get_by_role("button", name="Merge both").click()
    expect(conflict).to_be_hidden()
    expect(other.locator("[data-save-state]")).to_have_text(re.compile("Saved at"))
    assert notes_on_server(app, scorecard_id) == ["From the first tab.\n\nFrom the second tab."]
    assert [e for e in console_errors + other_errors if not EXPECTED.search(e)] == []


def test_expired_session_keeps_the_text_and_sends_it_after_signing_in(
    app, page, context, console_errors, live, live_server, users
):
    _, scorecard_id, url = live
    context.clear_cookies()  # the session ends while the interviewer is typing
    page.get_by_label("Notes: what the candidate said and did").first.fill("Typed after expiry.")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("session has ended"))
    assert notes_on_server(app, scorecard_id) == []

    login = context.new_page()
    sign_in(login, live_server, users["interviewer"].email)
    login.close()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("Saved at"), timeout=15000)
    assert notes_on_server(app, scorecard_id) == ["Typed after expiry."]
    assert [e for e in console_errors if not EXPECTED.search(e)] == []


def test_submit_summarises_what_is_missing_then_confirms_then_locks(
    app, page, console_errors, live
):
    panel, scorecard_id, _ = live
    page.get_by_role("button", name="Submit scorecard").click()
    # Checked first: the summary at the top takes the focus, with a link to each problem,
    # and no confirmation is asked for a submit that would be refused.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(re.compile("Not submitted: 3 things"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    summary.get_by_role("link", name=re.compile("^Recommendation:")).click()
    expect(page.locator("#rec-strong_no")).to_be_focused()
    with app.app_context():
        assert db.session.get(Scorecard, scorecard_id).submitted_at is None

    for rating in page.locator("[data-rating]").all():
        rating.locator(".point").nth(2).click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Summary").fill("Would hire.")
    page.get_by_role("button", name="Submit scorecard").click()
    dialog = page.get_by_role("dialog", name=re.compile("Submit your scorecard on"))
    expect(dialog).to_contain_text("This locks your notes on 2 questions")
    expect(summary).to_have_count(0)
    dialog.get_by_role("button", name="Keep editing").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Submit scorecard").click()
    page.get_by_role("button", name="Submit and lock").click()
    expect(page.get_by_text("Submitted. You can now see the panel's feedback")).to_be_visible()
    expect(page.locator("textarea[name='summary']")).to_have_count(0)
    expect(page.get_by_role("heading", name="Amend this scorecard")).to_be_visible()
    with app.app_context():
        scorecard = db.session.get(Scorecard, scorecard_id)
        assert scorecard.submitted_at is not None and scorecard.summary == "Would hire."
    assert [e for e in console_errors if not EXPECTED.search(e)] == []
