"""The live scorecard's promises, each as an interviewer met its breach: an undecided
conflict that a reload or a closed tab dropped, another tab's unsent text stranded by a
submit, saves postponed while typing, a conflict far from its field, "Merge both" that
repeats shared text, slow signals, and a submit that confirmed before it checked. Time
runs on Playwright's clock where a test counts it, so none depends on the machine's speed.
"""

import re

import pytest
from playwright.sync_api import expect

from hiring.extensions import db
from hiring.interviews.models import Scorecard
from hiring.scorecards import operations as ops
from tests.browser import sign_in
from tests.scoring import complete
from tests.test_interviews_browser_lossless import notes, server_fields, state

pytestmark = pytest.mark.browser


def summary(page):
    return page.locator("#summary")


def badge(page):
    return page.locator(".meta [data-state]")


def conflict_between(first, second, url, mine="Q's summary, typed in the older tab."):
    """P saves the summary; Q, opened before, types in it too and is shown the conflict."""
    first.goto(url)
    second.goto(url)
    summary(first).fill("P's summary, saved first.")
    expect(state(first)).to_have_text(re.compile("Saved at"))
    summary(second).fill(mine)
    expect(second.locator("[data-conflict]")).to_be_visible()


@pytest.mark.parametrize("how", ["reload", "close and open again"])
def test_an_undecided_conflict_survives_its_tab_and_overwrites_nothing(
    app, browser, context, signed_in, live_scorecard, live_server, users, how
):
    _, sid, url = live_scorecard
    p, q = signed_in, context.new_page()
    conflict_between(p, q, url)
    if how == "reload":
        q.reload()
    else:
        q.close()
        q = context.new_page()
        q.goto(url)
    box = q.locator("[data-conflict]")
    expect(box).to_be_visible()
    expect(box.locator(".conflict-theirs")).to_have_text("P's summary, saved first.")
    expect(summary(q)).to_have_value("Q's summary, typed in the older tab.")
    expect(state(q)).to_have_text(re.compile("^Not saved: Summary was changed elsewhere"))
    # Nothing was decided without a click: the server still holds P's text.
    q.wait_for_timeout(1500)
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields["summary"] == "P's summary, saved first."
    box.get_by_role("button", name="Merge both").click()
    expect(state(q)).to_have_text(re.compile("Saved at"))
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields["summary"] == (
        "P's summary, saved first.\n\nQ's summary, typed in the older tab."
    )


def test_a_phone_closed_with_an_undecided_conflict_offers_it_when_opened_again(
    app, browser, signed_in, live_scorecard, live_server, users
):
    _, sid, url = live_scorecard
    laptop = signed_in
    phone_device = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        phone = phone_device.new_page()
        sign_in(phone, live_server, users["interviewer"].email)
        conflict_between(laptop, phone, url, mine="Typed on the phone.")
        phone.close()
        phone = phone_device.new_page()
        phone.goto(url)
        expect(phone.locator("[data-conflict]")).to_be_visible()
        phone.wait_for_timeout(1500)
        fields = server_fields(browser, live_server, users["interviewer"].email, sid)
        assert fields["summary"] == "P's summary, saved first."
    finally:
        phone_device.close()


def other_tab_holding_unsent_notes(context, url, panel):
    """Tab B types in Q2's notes while its saves cannot get through."""
    other = context.new_page()
    other.route("**/save", lambda route: route.abort("connectionrefused"))
    other.goto(url)
    held = "Sixty-five characters typed in tab B while its network was down."
    notes(other, 1).fill(held)
    expect(state(other)).to_have_text(re.compile("^Server unreachable"))
    return other, held


def fill_and_save(app, panel, sid, *, except_key):
    with app.app_context():
        card = db.session.get(Scorecard, sid)
        changes = {k: v for k, v in complete(panel).items() if k != except_key}
        ops.save(card.id, card.interviewer_id, card.version, changes, 200_000)
        db.session.commit()


def submitting_beside_another_tab(app, context, page, live_scorecard):
    """All is filled in but Q2's notes, which another tab holds unsent; this tab opens
    the submit's confirmation. Returns the other tab, its text and the dialog."""
    panel, sid, url = live_scorecard
    fill_and_save(app, panel, sid, except_key=f"item:{panel.items[1]}:notes")
    other, held = other_tab_holding_unsent_notes(context, url, panel)
    page.goto(url)
    page.get_by_role("button", name="Submit scorecard…").click()
    dialog = page.locator("[data-submit-confirm]")
    expect(dialog).to_be_visible()
    return other, held, dialog


def test_a_submit_offers_to_include_another_tabs_unsent_text(
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
    key = f"item:{panel.items[1]}:notes"
    page = signed_in
    other, held, dialog = submitting_beside_another_tab(app, context, page, live_scorecard)
    expect(dialog.locator("[data-others]")).to_contain_text(
        f"Q2 · Notes: what the candidate said and did: {len(held)} characters"
    )
    expect(dialog.get_by_label("Include it in this submission")).to_be_checked()
    dialog.get_by_role("button", name="Submit and lock").click()
    expect(badge(page)).to_have_text("Submitted")
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[key] == held
    # Tab B, back, finds its text on the server and has nothing stranded.
    other.unroute("**/save")
    other.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(state(other)).to_have_text(re.compile("submitted"))
    expect(state(other)).not_to_contain_text("kept on this device")


def test_a_submit_without_the_other_tabs_text_strands_it_for_the_amendment(
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    panel, sid, url = live_scorecard
    key = f"item:{panel.items[1]}:notes"
    page = signed_in
    other, held, dialog = submitting_beside_another_tab(app, context, page, live_scorecard)
    dialog.get_by_label("Include it in this submission").uncheck()
    dialog.get_by_role("button", name="Submit and lock").click()
    expect(badge(page)).to_have_text("Submitted")
    other.unroute("**/save")
    other.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(state(other)).to_have_text(re.compile("Q2 · Notes.*kept on this device"))
    other.close()
    page.reload()
    expect(page.locator("[data-stranded]")).to_contain_text(f"Q2 notes ({len(held)} characters)")
    page.get_by_label("Why does this scorecard change?").fill("Add tab B's notes.")
    page.get_by_role("button", name="Amend").click()
    box = page.locator("[data-conflict]")
    expect(box).to_be_visible()
    box.get_by_role("button", name="Keep mine").click()
    expect(state(page)).to_have_text(re.compile("Saved at"))
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields[key] == held


def test_typing_steadily_is_sent_at_least_every_two_seconds(signed_in, live_scorecard):
    _, _, url = live_scorecard
    page = signed_in
    page.clock.install()
    page.goto(url)
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/save") else None)
    field = notes(page)
    field.click()
    # Five keys a second for six seconds of the page's time; each save is answered
    # before the clock moves on, so only the page's own pacing decides when it sends.
    for n in range(30):
        before = len(sent)
        page.keyboard.type("abcde"[n % 5])
        page.clock.run_for(200)
        if len(sent) > before:
            expect(state(page)).not_to_have_text("Saving…")
    assert len(sent) >= 3, len(sent)


def test_a_conflict_appears_at_its_field_without_moving_the_line_being_typed(
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    panel, _, url = live_scorecard
    first, second = signed_in, context.new_page()
    first.goto(url)
    second.goto(url)
    notes(first, 1).fill("Saved by the first tab.")
    expect(state(first)).to_have_text(re.compile("Saved at"))
    field = notes(second, 1)
    field.scroll_into_view_if_needed()
    second.evaluate("window.scrollBy(0, -200)")
    field.click()
    top = field.bounding_box()["y"]
    second.keyboard.type("Typed in the second tab")
    box = second.locator("[data-conflict]")
    expect(box).to_be_visible()
    # Not a pixel: what moves is below the line being typed on.
    assert abs(field.bounding_box()["y"] - top) < 1
    assert second.evaluate("document.activeElement.name") == f"item:{panel.items[1]}:notes"
    # Right under its own field, and in view.
    assert box.bounding_box()["y"] > top
    assert box.bounding_box()["y"] < second.viewport_size["height"]
    second.get_by_role("link", name="Show it").click()
    expect(box).to_be_in_viewport()


def test_merge_both_keeps_the_lines_both_sides_share_once(
    app, browser, context, signed_in, live_scorecard, live_server, users
):
    _, sid, url = live_scorecard
    first, second = signed_in, context.new_page()
    first.goto(url)
    second.goto(url)
    summary(first).fill("Strong on process.\nAsked about escalation.")
    expect(state(first)).to_have_text(re.compile("Saved at"))
    summary(second).fill("Strong on process.\nNamed the customer's worry first.")
    second.locator("[data-conflict]").get_by_role("button", name="Merge both").click()
    expect(state(second)).to_have_text(re.compile("Saved at"))
    fields = server_fields(browser, live_server, users["interviewer"].email, sid)
    assert fields["summary"] == (
        "Strong on process.\nAsked about escalation.\nNamed the customer's worry first."
    )


def test_a_hung_server_is_named_within_seconds(signed_in, live_scorecard):
    _, _, url = live_scorecard
    page = signed_in
    page.clock.install()
    page.goto(url)
    held = []
    page.route("**/save", lambda route: held.append(route))  # never answered
    notes(page).fill("Typed while the server hangs.")
    page.clock.run_for(1_000)
    expect(state(page)).to_have_text("Saving…")
    page.clock.run_for(3_000)
    expect(state(page)).to_have_text(re.compile("^Server not answering yet"))


def test_the_timer_reaches_another_device_within_seconds(
    browser, signed_in, live_scorecard, live_server, users
):
    _, _, url = live_scorecard
    laptop = signed_in
    laptop.goto(url)
    other = browser.new_context()
    try:
        phone = other.new_page()
        sign_in(phone, live_server, users["interviewer"].email)
        phone.clock.install()
        phone.goto(url)
        expect(phone.get_by_role("button", name="Start timer")).to_be_visible()
        with laptop.expect_response(re.compile("/timer$")):
            laptop.get_by_role("button", name="Start timer").click()
        with phone.expect_response(re.compile("/timer$")):
            phone.clock.run_for(3_000)
        expect(phone.get_by_role("button", name="Pause")).to_be_visible()
    finally:
        other.close()


def test_submit_checks_before_it_confirms_and_a_refusal_leaves_no_form_to_resend(
    app, signed_in, live_scorecard, live_server
):
    panel, sid, url = live_scorecard
    page = signed_in
    page.goto(url)
    notes(page).fill("Only the first question's notes.")
    expect(state(page)).to_have_text(re.compile("Saved at"))
    page.get_by_role("button", name="Submit scorecard…").click()
    summary_box = page.locator("[data-error-summary]")
    expect(summary_box).to_be_focused()
    expect(summary_box).to_contain_text("Not submitted:")
    expect(page.locator("[data-submit-confirm]")).to_be_hidden()
    assert page.url == url
    # A refusal by the server itself (the form posted as is) redirects to the page.
    version = page.locator("[data-submit-version]").input_value()
    response = page.request.post(f"{url}/submit", form={"version": version}, max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].endswith(f"/scorecards/{sid}?check=1")
    page.goto(live_server + response.headers["location"])
    expect(page.locator("[data-error-summary]")).to_contain_text("Choose an overall recommendation")
