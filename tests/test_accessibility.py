"""WCAG 2.2 AA, checked by axe-core inside Chromium on every main page and state, at
1280, 768 and 390 px. axe is injected with the CSP bypassed for the test's browser
context only: the app's own CSP stays strict."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hiring.auth.models import Role
from hiring.extensions import db
from hiring.kits.models import KitVersion
from hiring.tasks import QueueWorker
from tests.browser import sign_in
from tests.scoring import complete, make_panel

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [(1280, 800), (768, 1024), (390, 844)]


def violations(page) -> list[str]:
    """axe's violations on the page as it is now, one line per rule and element."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')),
            }));
        }""",
        TAGS,
    )
    return [f"{v['id']}: {v['help']} at {', '.join(v['nodes'][:3])}" for v in found]


@pytest.fixture
def scene(app, client, login, users, make_user, make_question):
    """A kit, a candidate with one submitted scorecard, another open, and a draft."""
    colleague = make_user(Role.INTERVIEWER, name="Colleague Cole")
    panel = make_panel(app, make_question, [users["interviewer"], colleague, users["manager"]])
    for who in (colleague, users["manager"]):
        login(who)
        sid = panel.scorecards[who.id]
        client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
        assert client.post(f"/scorecards/{sid}/submit").status_code == 302
    with app.app_context():
        version = db.session.get(KitVersion, panel.kit_version_id)
        kit_id, question_id = version.kit_id, version.items[0].question_id
    return {
        "panel": panel,
        "kit": kit_id,
        "question": question_id,
        "mine": panel.scorecards[users["interviewer"].id],
        "submitted": panel.scorecards[users["manager"].id],
    }


@pytest.fixture(params=WIDTHS, ids=["1280", "768", "390"])
def view(request, browser, live_server):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    yield page, width
    context.close()


def check(page, label: str, problems: list[str]) -> None:
    found = violations(page)
    problems += [f"{label}: {line}" for line in found]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{label}: scrolls sideways by {overflow}px")
    # A wide table scrolls in its own box, rather than spilling under what stands beside it.
    spilling = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')].filter(
            box => getComputedStyle(box).overflowX === 'visible'
                && box.scrollWidth > box.clientWidth).length"""
    )
    if spilling:
        problems.append(f"{label}: {spilling} table(s) spill out of their box")


def test_every_main_page_and_state(view, live_server, users, scene, app):
    page, width = view
    problems: list[str] = []
    page.goto(f"{live_server}/login")
    check(page, "sign-in", problems)

    sign_in(page, live_server, users["manager"].email)
    manager_pages = {
        "dashboard": "/",
        "bank": "/questions/",
        "question": f"/questions/{scene['question']}",
        "kit builder": f"/kits/{scene['kit']}/v/1",
        "guide": f"/kits/{scene['kit']}/v/1/guide",
        "candidate": f"/candidates/{scene['panel'].candidate_id}",
        "candidates": "/candidates/",
        "debrief": f"/candidates/{scene['panel'].candidate_id}/debrief",
        "compare": f"/kits/{scene['kit']}/compare",
        "calibration": "/calibration",
        "submitted scorecard": f"/scorecards/{scene['submitted']}",
        "interview": f"/interviews/{scene['panel'].interview_id}/edit",
        "settings": "/account/settings",
        "one's own list": "/scorecards/mine/submitted",
    }
    for label, path in manager_pages.items():
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, f"{label}: {response.status}"
        check(page, label, problems)

    # The page that follows a render not yet done: a worker is alive but has not run it.
    app.config["TASKS_IMMEDIATE"] = False
    app.extensions["tasks"][0].immediate = False
    with app.app_context():
        db.session.add(QueueWorker(name="a worker busy elsewhere"))
        db.session.commit()
    response = page.goto(f"{live_server}/kits/{scene['kit']}/v/1/guide.pdf?view=1")
    assert response.status == 202
    check(page, "document being prepared", problems)

    page.context.clear_cookies()
    sign_in(page, live_server, users["admin"].email)
    for label, path in {"admin users": "/admin/users", "audit": "/admin/audit"}.items():
        page.goto(f"{live_server}{path}")
        check(page, label, problems)

    page.context.clear_cookies()
    sign_in(page, live_server, users["interviewer"].email)
    page.goto(f"{live_server}/scorecards/{scene['mine']}")
    for guide in page.locator("[data-guide]").all():
        guide.evaluate("el => el.open = true")
    check(page, "live scorecard, guides open", problems)

    # The error summary when a submit finds something missing (before any confirmation).
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check(page, "error summary", problems)

    # The conflict view: another tab saved the same field meanwhile.
    other = page.context.new_page()
    other.goto(f"{live_server}/scorecards/{scene['mine']}")
    other.get_by_label("Notes: what the candidate said and did").first.fill("Other tab.")
    expect(other.locator("[data-save-state]")).to_have_text(re.compile("Saved at"))
    other.close()
    page.get_by_label("Notes: what the candidate said and did").first.fill("This tab.")
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator("[data-conflict]")).to_be_visible(timeout=10_000)
    check(page, "conflict view", problems)

    # The confirmation and the shortcuts dialogs.
    if width >= 1280:
        page.keyboard.press("Escape")
        page.locator("body").press("?")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
        check(page, "shortcuts dialog", problems)
    assert problems == [], "\n".join(problems)


def test_the_check_finds_what_it_should(view, live_server):
    """The check can fail: an image without text and a low-contrast line are caught."""
    page, _ = view
    page.goto(f"{live_server}/login")
    page.evaluate(
        """() => {
            const img = document.createElement('img');
            img.src = '/favicon.ico';
            const faint = document.createElement('p');
            faint.textContent = 'Hard to read';
            faint.style.color = '#eeeeee';
            document.querySelector('main').append(img, faint);
        }"""
    )
    found = " ".join(violations(page))
    assert "image-alt" in found and "color-contrast" in found


def test_a_table_wider_than_its_box_scrolls_in_it(view, live_server, users, scene):
    """A kit comparing many competencies: the table scrolls in its own box, the chart
    below it, and the page does not scroll sideways. The key columns come first: from
    768 px Overall, Recommendations, Scorecards and Decision are in view without
    scrolling (the repro: a 1,404 px table in an 860 px box hid them at 1280 px), and the
    candidate's name stays in view while the rest scrolls."""
    page, width = view
    sign_in(page, live_server, users["manager"].email)
    page.goto(f"{live_server}/kits/{scene['kit']}/compare")
    page.evaluate(
        """() => document.querySelectorAll('.compare-table thead th').forEach((th, i) => {
            if (i > 4) th.style.minWidth = '260px';
        })"""
    )
    box = page.locator(".chart-stack > .table-scroll").bounding_box()
    figure = page.locator(".chart-stack > figure").bounding_box()
    assert box["x"] + box["width"] <= width
    assert box["y"] + box["height"] <= figure["y"]
    headers = page.locator(".compare-table thead th")
    names = [t.split()[0].lower() for t in headers.all_inner_texts()]
    assert names[:5] == ["candidate", "overall", "recommendations", "scorecards", "decision"]
    if width >= 768:
        decision = headers.nth(4).bounding_box()
        assert decision["x"] + decision["width"] <= box["x"] + box["width"]
    page.locator(".table-scroll").evaluate("el => el.scrollLeft = el.scrollWidth")
    name = page.locator(".compare-table tbody th").first.bounding_box()
    assert box["x"] - 1 <= name["x"] < box["x"] + 20
    problems: list[str] = []
    check(page, "compare", problems)
    assert not [p for p in problems if "spill" in p or "sideways" in p], problems
