"""The debrief in a browser: a decision recorded through the form, folded texts opened
for printing, and no script error or CSP violation."""

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.test_debrief_page import score

pytestmark = pytest.mark.browser


@pytest.fixture
def people(make_user):
    from hiring.auth.models import Role

    return [make_user(Role.INTERVIEWER, name=n) for n in ("Ann", "Ben")]


def test_manager_records_a_decision_and_prints(
    live_server, page, console_errors, app, client, login, users, people, make_question
):
    from tests.scoring import make_panel

    panel = make_panel(app, make_question, people)
    score(client, login, people[0], panel, [1, 3], "no", summary="long " * 150)
    score(client, login, people[1], panel, [4, 3], "strong_yes")
    sign_in(page, live_server, users["manager"].email)
    page.goto(f"{live_server}/candidates/{panel.candidate_id}")
    page.get_by_role("link", name="Debrief and decision").click()
    expect(page.get_by_role("heading", name="Debrief: Casey Candidate")).to_be_visible()
    expect(page.get_by_text("Split: rated at both ends")).to_be_visible()

    # Without a rationale the decision is refused, and nothing is recorded.
    page.get_by_label("Hold").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("No decision recorded yet.")).to_be_visible()
    page.get_by_label("Hold").check()
    page.get_by_label("Rationale").fill("Ratings split on skill 0: a second interview first.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded: Hold.")).to_be_visible()
    expect(page.locator(".decision-rationale")).to_have_text(
        "Ratings split on skill 0: a second interview first."
    )

    fold = page.locator("details.fold").first
    expect(fold).not_to_have_attribute("open", "")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(fold).to_have_attribute("open", "")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(fold).not_to_have_attribute("open", "")
    assert console_errors == []
