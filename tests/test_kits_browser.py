import re

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_manager_builds_a_kit(live_server, page, console_errors, users, make_question):
    for prompt in ("Alpha question?", "Bravo question?", "Charlie question?"):
        make_question(prompt, competencies=["Judgement"])
    sign_in(page, live_server, users["manager"].email)

    page.goto(f"{live_server}/kits/new")
    page.get_by_label("Title").fill("Browser kit")
    page.get_by_label("Role", exact=True).fill("Analyst")
    page.get_by_label("Planned duration (minutes)").fill("30")
    page.get_by_role("button", name="Create kit").click()
    expect(page.get_by_role("heading", name="Browser kit")).to_be_visible()

    page.get_by_label("Search the bank").fill("Alpha")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_label("Alpha question?").check()
    page.get_by_role("button", name="Add the chosen").click()
    expect(page.get_by_text("Added to “Questions”: Alpha question?")).to_be_visible()
    # One search adds several: the repro was one question per search and reload.
    page.get_by_label("Search the bank").fill("question")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_label("Alpha question?")).to_have_count(0)  # in the kit already
    page.get_by_label("Bravo question?").check()
    page.get_by_label("Charlie question?").check()
    page.get_by_role("button", name="Add the chosen").click()
    expect(page.get_by_text("Added 2 questions to “Questions”.")).to_be_visible()

    items = page.locator("li.kit-item .list-title")
    expect(items).to_have_text(["Alpha question?", "Bravo question?", "Charlie question?"])

    # Keyboard: focus Charlie and move it up twice with Alt+ArrowUp.
    charlie = page.locator("li.kit-item", has_text="Charlie question?")
    charlie.focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.get_by_text("Order saved.")).to_be_visible()
    page.keyboard.press("Alt+ArrowUp")
    expect(items).to_have_text(["Charlie question?", "Alpha question?", "Bravo question?"])
    expect(page.get_by_text("Order saved.")).to_be_visible()

    # Minutes for the first question (the form saves with the lock the page now holds).
    first = page.locator("li.kit-item").first
    first.get_by_label("Minutes").fill("12")
    first.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"22\s+of 30 minutes planned"))).to_be_visible()

    # The questions' competency is suggested, not rated on its own.
    expect(page.get_by_text("Suggested by your questions")).to_be_visible()
    page.get_by_role("button", name="Rate Judgement").click()
    expect(page.get_by_text("“Judgement” is now rated.")).to_be_visible()

    # It has no anchors: publishing warns first, then publishes when asked to.
    page.get_by_role("button", name="Publish version 1").click()
    expect(
        page.get_by_text(re.compile("Not published yet: .*rated without anchors"))
    ).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish anyway").click()
    expect(page.get_by_text("Version 1 is published")).to_be_visible()
    page.reload()
    expect(items).to_have_text(["Charlie question?", "Alpha question?", "Bravo question?"])
    expect(page.get_by_text("12 min", exact=False).first).to_be_visible()
    assert console_errors == []


def test_drag_and_drop_reorders(live_server, page, console_errors, users, make_question, app):
    from hiring.extensions import db
    from hiring.kits import operations as ops
    from hiring.questions.models import Question

    ids = [make_question(p) for p in ("One?", "Two?")]
    with app.app_context():
        kit = ops.create_kit("Drag kit", "Role")
        version = kit.versions[0]
        for question_id in ids:
            ops.add_question(version, version.sections[1], db.session.get(Question, question_id))
        db.session.commit()
        kit_id = kit.id
    sign_in(page, live_server, users["manager"].email)
    page.goto(f"{live_server}/kits/{kit_id}/v/1")
    # A mouse drag in small steps, as a person makes it, from the handle to the first section.
    page.set_viewport_size({"width": 1280, "height": 2000})
    handle = page.locator("li.kit-item", has_text="Two?").locator(".drag-handle").bounding_box()
    target = page.locator("ol.kit-items").first.bounding_box()
    page.mouse.move(handle["x"] + 3, handle["y"] + 5)
    page.mouse.down()
    page.mouse.move(handle["x"] + 10, handle["y"] + 10, steps=5)
    page.mouse.move(target["x"] + 30, target["y"] + 10, steps=10)
    page.mouse.up()
    expect(page.get_by_text("Order saved.")).to_be_visible()
    page.reload()
    expect(page.locator("ol.kit-items").first.locator(".list-title")).to_have_text(["Two?"])
    assert console_errors == []


LONG = "Understanding of interdisciplinary medication reconciliation and pharmacovigilance"


@pytest.mark.parametrize("width", [1280, 768, 390])
def test_long_competency_names_stay_in_their_cards(
    app, browser, live_server, users, make_question, width
):
    """The repro: "Rate another competency" spilled past its card at 1280 px, and the
    draft builder scrolled sideways to 947 px at 390 px with long competency names."""
    from hiring.extensions import db
    from hiring.kits import operations as kit_ops
    from hiring.questions.models import Question

    asked = make_question("Long names question?", competencies=[LONG])
    make_question("Another long one?", competencies=[LONG + " in paediatric wards"])
    with app.app_context():
        version = kit_ops.create_kit("Long names kit", "Pharmacist").versions[0]
        kit_ops.add_question(version, version.sections[1], db.session.get(Question, asked))
        kit_ops.rate_suggested(version)
        db.session.commit()
        kit_id = version.kit_id
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, users["manager"].email)
    page.goto(f"{live_server}/kits/{kit_id}/v/1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    picker = page.get_by_label("Rate another competency")
    card = page.locator(".card", has=picker).last
    for part in (picker, page.get_by_role("button", name="Add", exact=True)):
        inner, outer = part.bounding_box(), card.bounding_box()
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5, (part, width)
    context.close()
