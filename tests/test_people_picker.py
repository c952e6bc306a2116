"""Choosing a panel: a people picker over the form's select (type to find, chosen people
as chips that a button takes off, each marked when they already have an interview at
that time), the route that tells who is busy, and the note after scheduling anyway."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hiring.auth.models import Role
from hiring.extensions import db
from hiring.interviews.models import Candidate, Interview
from tests.browser import sign_in
from tests.scoring import make_panel


@pytest.fixture
def booked(app, make_question, users, make_user):
    """Ira has an interview tomorrow (24.5 hours from now, an hour long); Sam is free."""
    ira = make_user(Role.INTERVIEWER, name="Ira Busy")
    sam = make_user(Role.INTERVIEWER, name="Sam Free")
    panel = make_panel(app, make_question, [ira], hours_ago=-24.5, candidate="Bea Booked")
    with app.app_context():
        start = db.session.get(Interview, panel.interview_id).scheduled_at
        person = Candidate(name="Pia Picked", role="Support")
        db.session.add(person)
        db.session.commit()
        return {"ira": ira, "sam": sam, "panel": panel, "start": start, "candidate": person.id}


def test_busy_names_who_has_an_interview_then_and_only_times(client, login, users, booked):
    login(users["manager"])
    at = (booked["start"] + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    found = client.get(f"/interviews/busy.json?at={at}&minutes=45").get_json()["busy"]
    assert list(found) == [str(booked["ira"].id)]
    start = booked["start"]
    end = start + timedelta(hours=1)
    assert found[str(booked["ira"].id)] == (f"Has an interview {start:%H:%M} UTC–{end:%H:%M} UTC")
    assert "Bea" not in found[str(booked["ira"].id)]
    # Just after it ends, and the interview itself when edited: nobody is busy.
    after = (start + timedelta(minutes=61)).strftime("%Y-%m-%dT%H:%M")
    assert client.get(f"/interviews/busy.json?at={after}").get_json()["busy"] == {}
    mine = f"/interviews/busy.json?at={at}&except={booked['panel'].interview_id}"
    assert client.get(mine).get_json()["busy"] == {}
    # Bad input is said, never a 500.
    for bad in ("", "garbage", "0001-01-01T00:00", "9999-12-31T23:59", "2026-13-01T00:00"):
        response = client.get(f"/interviews/busy.json?at={bad}&minutes=99999999999999999999")
        assert response.status_code == 400 and "date and time" in response.get_json()["error"]
    login(users["interviewer"])
    assert client.get(f"/interviews/busy.json?at={at}").status_code == 403


def test_scheduling_over_someones_interview_says_so(app, client, login, users, booked):
    login(users["manager"])
    at = (booked["start"] + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    with app.app_context():
        version = db.session.get(Interview, booked["panel"].interview_id).kit_version_id
    response = client.post(
        "/interviews/new",
        data={
            "candidate_id": booked["candidate"],
            "kit_version_id": version,
            "scheduled_at": at,
            "panel": [booked["ira"].id, booked["sam"].id],
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Interview scheduled" in page
    assert "Ira Busy already has another interview at that time." in page


def test_the_form_chooses_no_candidate_for_the_manager(client, login, users, booked):
    login(users["manager"])
    page = client.get("/interviews/new").get_data(as_text=True)
    assert '<option selected value="">Choose a candidate</option>' in page
    response = client.post("/interviews/new", data={"candidate_id": ""})
    assert response.status_code == 422
    assert "Choose a candidate." in response.get_data(as_text=True)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_picker_finds_chips_marks_the_busy_and_sends_the_panel(
    app, browser, live_server, users, booked, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, users["manager"].email)
    page.goto(f"{live_server}/interviews/new?candidate={booked['candidate']}")
    at = booked["start"] + timedelta(minutes=30)
    page.get_by_label("Date and time").fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Date and time").dispatch_event("change")
    find = page.get_by_role("combobox", name="Panel")
    people = page.get_by_role("listbox", name="People")
    expect(page.locator("#panel")).to_be_hidden()

    # Type to find; the keyboard chooses; a chip shows the choice and the clash.
    find.fill("ira")
    options = people.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Ira Busy")
    expect(options.first).to_contain_text("Has an interview")
    find.press("ArrowDown")
    find.press("Enter")
    chip = page.locator(".chip", has_text="Ira Busy")
    expect(chip).to_contain_text("Has an interview")
    expect(page.get_by_role("status")).to_have_text(
        "Ira Busy (interviewer) added. Has an interview "
        + (f"{booked['start']:%H:%M} UTC–{booked['start'] + timedelta(hours=1):%H:%M} UTC.")
    )
    # A click chooses too; the chosen are not offered again.
    find.fill("")
    find.type("Sam")
    people.get_by_role("option", name="Sam Free").click()
    expect(page.locator(".chip")).to_have_count(2)
    find.fill("Sam")
    expect(people.get_by_role("option")).to_have_count(0)
    # A chip's button takes the person off; moving the time clears the clash.
    page.get_by_role("button", name="Remove Sam Free (interviewer)").click()
    expect(page.locator(".chip")).to_have_count(1)
    remove = page.get_by_role("button", name="Remove Ira Busy (interviewer)").element_handle()
    later = booked["start"] + timedelta(hours=3)
    page.get_by_label("Date and time").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Date and time").dispatch_event("change")
    expect(chip).not_to_contain_text("Has an interview")
    # The busy marks change the chip in place: its button is the same element (one
    # drawn again would lose the focus of someone about to press it).
    assert remove.evaluate("el => el.isConnected")
    assert remove.bounding_box()["height"] >= (44 if width < 1024 else 32)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("button", name="Schedule and invite the panel").click()
    expect(page.get_by_text("Interview scheduled")).to_be_visible()
    with app.app_context():
        made = db.session.scalars(
            select(Interview).where(Interview.candidate_id == booked["candidate"])
        ).one()
        assert [s.interviewer_id for s in made.scorecards] == [booked["ira"].id]
    context.close()
