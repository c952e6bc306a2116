"""The live scorecard as people use it, measured in Chromium: one screen from 1280 px,
phones, the server-side timer across devices, keyboard-only scoring, re-login."""

import re

import pytest
from playwright.sync_api import expect

from hiring.auth.models import User
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate, Scorecard
from hiring.interviews.operations import schedule
from hiring.questions.models import Tier
from hiring.questions.parsing import TierData
from tests.browser import sign_in
from tests.scoring import make_panel, publish_kit

pytestmark = pytest.mark.browser


@pytest.fixture
def scorecard(app, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]], questions=3)
    return panel, panel.scorecards[users["interviewer"].id]


def open_page(browser, live_server, users, scorecard_id, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    sign_in(page, live_server, users["interviewer"].email)
    page.goto(f"{live_server}/scorecards/{scorecard_id}")
    return context, page


def box(locator) -> dict:
    return locator.bounding_box()


def test_at_1280_the_guide_sits_beside_the_notes_and_never_moves_them(
    browser, live_server, users, scorecard
):
    _, sid = scorecard
    context, page = open_page(browser, live_server, users, sid, 1280, 800)
    question = page.locator("[data-question]").first
    notes = question.locator("textarea")
    guide = question.locator("[data-guide]")
    expect(guide).to_have_attribute("open", "")
    assert box(guide)["x"] > box(notes)["x"] + box(notes)["width"]  # a column to the right
    top_open = box(notes)["y"]
    guide.locator("summary").click()
    expect(guide).not_to_have_attribute("open", "")
    assert box(notes)["y"] == top_open
    # The competencies this question evaluates are rated in place, mirrored below.
    quick = question.locator("[data-quick-rating]").first
    quick.locator(".quick-point").nth(2).click()
    name = quick.locator("legend").inner_text()
    main = page.locator("[data-rating]", has=page.locator("legend", has_text=name))
    expect(main.locator("input[value='3']")).to_be_checked()
    main.locator(".point").nth(1).click()
    expect(quick.locator("input[value='2']")).to_be_checked()
    # Arrow keys move the rating, and the point's anchor shows while it has the focus.
    quick.locator("input[value='2']").focus()
    page.keyboard.press("ArrowRight")
    expect(quick.locator("input[value='3']")).to_be_checked()
    expect(quick.locator(".quick-anchor").nth(2)).to_be_visible()
    expect(main.locator("input[value='3']")).to_be_checked()
    # The anchor shows beside the row's points, over none of the other rows' points.
    tip = box(quick.locator(".quick-anchor").nth(2))
    last = box(quick.locator(".quick-value").last)
    assert tip["x"] >= last["x"] + last["width"]
    for point in question.locator(".quick-value").all():
        spot = box(point)
        assert (
            spot["x"] + spot["width"] <= tip["x"]
            or spot["y"] >= tip["y"] + tip["height"]
            or (spot["y"] + spot["height"] <= tip["y"])
        )
    context.close()


def test_below_1280_the_guide_folds_under_the_notes(browser, live_server, users, scorecard):
    _, sid = scorecard
    context, page = open_page(browser, live_server, users, sid, 1000, 800)
    question = page.locator("[data-question]").first
    notes = question.locator("textarea")
    guide = question.locator("[data-guide]")
    expect(guide).not_to_have_attribute("open", "")
    top = box(notes)["y"]
    guide.locator("summary").click()
    assert box(notes)["y"] == top and box(guide)["y"] > top
    context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (768, 1024)])
def test_on_phones_and_tablets_bars_are_small_targets_big_and_nothing_scrolls_sideways(
    browser, live_server, users, scorecard, width, height
):
    """The repro at 768 px: sticky bars took 13.6% of the screen, tier pills and rating
    points were 36 px, the timer's buttons 26 px and Menu 63x26."""
    _, sid = scorecard
    context, page = open_page(browser, live_server, users, sid, width, height)
    sticky = page.evaluate(
        """() => [...document.querySelectorAll('*')]
            .filter(e => ['sticky', 'fixed'].includes(getComputedStyle(e).position))
            .reduce((sum, e) => sum + e.getBoundingClientRect().height, 0)"""
    )
    assert sticky <= 0.10 * height, sticky
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for target in page.locator(".tools a, .pill, .live-bar button, .menu-toggle").all():
        if target.is_visible():
            size = box(target)
            assert size["height"] >= 44 and size["width"] >= 44, (target.inner_text(), size)
    for target in page.locator(".pill, .tools a, .quick-value").all():
        if target.is_visible():
            assert box(target)["height"] >= 44, target.inner_text()
    # The navigation folds behind a menu button.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    context.close()


def test_tables_stack_into_cards_on_a_phone(browser, live_server, users):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, users["admin"].email)
    page.goto(f"{live_server}/admin/users")
    cell = page.locator("table.table tbody td").first
    expect(cell).to_have_attribute("data-label", re.compile(".+"))
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table.table tbody tr')).display")
        == "block"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_the_timer_is_the_same_on_two_devices(browser, live_server, users, scorecard, app):
    _, sid = scorecard
    laptop_ctx, laptop = open_page(browser, live_server, users, sid, 1280, 800)
    phone_ctx, phone = open_page(browser, live_server, users, sid, 390, 844)
    laptop.get_by_role("button", name="Start timer").click()
    expect(laptop.get_by_role("button", name="Pause")).to_be_visible()
    laptop.wait_for_timeout(2200)
    phone.reload()
    expect(phone.get_by_role("button", name="Pause")).to_be_visible()
    expect(phone.locator("[data-elapsed]")).to_have_text(re.compile(r"0:0[2-9]"))
    with phone.expect_response(lambda r: r.url.endswith("/timer") and r.request.method == "POST"):
        phone.get_by_role("button", name="Pause").click()
    expect(phone.get_by_role("button", name="Resume")).to_be_visible()
    with app.app_context():
        stored = db.session.get(Scorecard, sid)
        assert stored.timer_started_at is None and stored.timer_seconds >= 2
    laptop.evaluate("window.dispatchEvent(new Event('focus'))")  # the laptop looks again
    expect(laptop.get_by_role("button", name="Resume")).to_be_visible()
    paused_at = laptop.locator("[data-elapsed]").inner_text()
    laptop.wait_for_timeout(1500)
    assert laptop.locator("[data-elapsed]").inner_text() == paused_at
    # Reset is separate, and asks first.
    laptop.once("dialog", lambda dialog: dialog.dismiss())
    laptop.get_by_role("button", name="Reset").click()
    expect(laptop.locator("[data-elapsed]")).to_have_text(paused_at)
    laptop.once("dialog", lambda dialog: dialog.accept())
    with laptop.expect_response(lambda r: r.url.endswith("/timer") and r.request.method == "POST"):
        laptop.get_by_role("button", name="Reset").click()
    expect(laptop.locator("[data-elapsed]")).to_have_text("0:00")
    expect(laptop.get_by_role("button", name="Start timer")).to_be_visible()
    laptop_ctx.close()
    phone_ctx.close()


def test_keyboard_only_from_sign_in_to_submit(browser, live_server, users, scorecard, app):
    panel, sid = scorecard
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/scorecards/{sid}")  # signed out: to the sign-in page
    expect(page.get_by_label("E-mail")).to_be_focused()
    page.keyboard.type(users["interviewer"].email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/scorecards/{sid}")  # back where they were

    for n in range(3):
        page.keyboard.press("Alt+ArrowDown")
        expect(page.locator("[data-question] textarea").nth(n)).to_be_focused()
        page.keyboard.type(f"Notes on question {n + 1}.")
        page.keyboard.press("Escape")  # onto the question: digits choose its tier
        page.keyboard.press("3")
        tiers = page.locator("[data-question]").nth(n).locator("[data-tiers] input")
        expect(tiers.nth(2)).to_be_checked()
    for n in range(len(panel.competencies)):
        page.keyboard.press("Alt+ArrowDown")
        page.keyboard.press("3")
        expect(page.locator("[data-rating]").nth(n).locator("input[value='3']")).to_be_checked()
    page.keyboard.press("Alt+ArrowDown")  # the recommendation
    expect(page.locator("#rec-strong_no")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # Strong no -> No -> Yes
    expect(page.locator("#rec-yes")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Summary")).to_be_focused()
    page.keyboard.type("Clear and careful.")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile("Saved at"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Submit scorecard")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Keep editing")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Submit and lock")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted. You can now see the panel's feedback")).to_be_visible()
    with app.app_context():
        stored = db.session.get(Scorecard, sid)
        assert stored.submitted_at is not None and stored.summary == "Clear and careful."
    context.close()


def test_question_mark_lists_the_shortcuts(browser, live_server, users, scorecard):
    _, sid = scorecard
    context, page = open_page(browser, live_server, users, sid, 1280, 800)
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Alt")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # Typing "?" in the notes types it.
    notes = page.locator("[data-question] textarea").first
    notes.click()
    page.keyboard.type("Why?")
    expect(notes).to_have_value("Why?")
    expect(dialog).to_be_hidden()
    context.close()


def test_pdf_links_download_with_meaningful_names(
    browser, live_server, users, scorecard, client, login
):
    from tests.scoring import complete

    panel, sid = scorecard
    login(users["interviewer"])
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
    client.post(f"/scorecards/{sid}/submit")
    context, page = open_page(browser, live_server, users, sid, 1280, 800)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    assert download.value.suggested_filename == (
        f"Casey-Candidate-scorecard-by-Interviewer-3-{today}.pdf"
    )
    context.close()

    login(users["manager"])
    packet = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    with_guide = client.get(f"/candidates/{panel.candidate_id}/packet.pdf?guide=1")
    viewed = client.get(f"/candidates/{panel.candidate_id}/packet.pdf?view=1")
    assert packet.headers["Content-Disposition"].startswith(
        f'attachment; filename="Casey-Candidate-candidate-packet-{today}.pdf"'
    )
    assert (
        f'filename="Casey-Candidate-candidate-packet-with-kit-guide-{today}.pdf"'
        in (with_guide.headers["Content-Disposition"])
    )
    assert viewed.headers["Content-Disposition"].startswith("inline;")


def test_file_names_keep_accents_with_an_ascii_fallback(app):
    from hiring.pdf import send_pdf

    with app.test_request_context():
        header = send_pdf(b"%PDF", "Tomás Ñúñez packet 2026-11-26").headers["Content-Disposition"]
        chinese = send_pdf(b"%PDF", "王芳 packet").headers["Content-Disposition"]
    assert 'filename="Tomas-Nunez-packet-2026-11-26.pdf"' in header
    assert "filename*=UTF-8''Tom%C3%A1s-%C3%91%C3%BA%C3%B1ez-packet-2026-11-26.pdf" in header
    assert 'filename="packet.pdf"' in chinese and "%E7%8E%8B%E8%8A%B3-packet.pdf" in chinese


def test_the_candidate_picker_searches_as_you_type(
    browser, live_server, users, app, make_question, console_errors
):
    from tests.test_interviews_scale import add_interviews

    panel = make_panel(app, make_question, [users["interviewer"]])
    add_interviews(app, panel, [users["interviewer"]], 60)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, users["manager"].email)
    page.goto(f"{live_server}/interviews/new")
    select = page.locator("#candidate_id")
    # No one is chosen for the manager: the first name is no default.
    expect(select.locator("option")).to_have_count(51)
    expect(select).to_have_value("")
    page.get_by_label("Find a candidate").fill("Scale 0042")
    expect(select.locator("option")).to_have_count(2)
    expect(select.locator("option").nth(1)).to_have_text("Scale 0042 · Support")
    expect(select).to_have_value("")
    page.get_by_label("Find a candidate").press("Enter")  # searches; never submits the form
    assert page.url == f"{live_server}/interviews/new"
    context.close()


def test_wrapped_dashboard_lines_never_start_with_a_dot(
    browser, live_server, users, app, make_question
):
    """The repro: at 390 px a wrapped line of an interview's details began with "·"."""
    make_panel(app, make_question, [users["manager"]], hours_ago=72, candidate="Wrap Test")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, users["manager"].email)
    starts = page.evaluate(
        """() => [...document.querySelectorAll('.meta')].flatMap(meta => {
            const range = document.createRange();
            range.selectNodeContents(meta);
            const lines = {};
            for (const node of meta.childNodes) {
                const text = node.textContent.trim();
                if (!text) continue;
                if (!node.getBoundingClientRect) range.selectNode(node);
                const box = (node.getBoundingClientRect ? node : range).getBoundingClientRect();
                const top = Math.round(box.top);
                if (!(top in lines)) lines[top] = text;
            }
            return Object.values(lines);
        })"""
    )
    assert starts and not [line for line in starts if line.startswith("·")], starts
    context.close()


def test_at_1280_the_three_tiers_start_within_the_guides_view(
    browser, live_server, users, app, make_question
):
    """The repro: at 1280 px the guide was a 544 px box whose "Exceptional" tier began
    below its fold. With answers of a real page's length, every tier starts in view."""
    said = (
        "I would thank them for telling us and say I understand how stressful an "
        "unexpected charge is. Then I would check the account to confirm the double charge "
        "and whether it is a pending authorisation or a real payment, and send a note. "
    )
    why = "Acknowledges the feeling, verifies before acting and sets expectations. " * 2
    tiers = {
        Tier.BASIC: TierData(said[:120], why[:110]),
        Tier.SOLID: TierData(said + said[:120], why),
        Tier.EXCEPTIONAL: TierData(said * 2, why),
    }
    question = make_question("A customer was charged twice?", tiers=tiers)
    with app.app_context():
        version = publish_kit("Long tiers kit", [question])
        person = Candidate(name="Tier Reader", role="Support")
        db.session.add(person)
        interview = schedule(
            person, version, utcnow(), [db.session.get(User, users["interviewer"].id)]
        )
        db.session.commit()
        sid = interview.scorecards[0].id
    context, page = open_page(browser, live_server, users, sid, 1280, 800)
    guide = page.locator("[data-guide]").first
    expect(guide).to_have_attribute("open", "")
    shown = box(guide)
    for tier in ("basic", "solid", "exceptional"):
        top = box(guide.locator(f".tier-{tier}"))["y"]
        assert top < shown["y"] + shown["height"] - 40, (tier, top, shown)
    # Scrolled to its question, the whole box fits between the bars.
    bars = box(page.locator(".live-bar"))["height"] + box(page.locator(".submit-bar"))["height"]
    assert shown["height"] <= 800 - bars
    context.close()
