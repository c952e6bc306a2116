"""A manager runs a hiring process in a real browser: an opening from a template, its
coverage made clean, opened, candidates added, each stage scheduled from the plan, the
applications moved, the roll-up read and the decision recorded."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from hiring.auth.models import Role, User
from hiring.extensions import db, utcnow
from hiring.interviews import applications
from hiring.interviews import operations as interview_ops
from hiring.interviews.models import Application, Candidate, Interview, Scorecard
from hiring.kits.models import KitVersion
from hiring.openings.models import Opening
from hiring.scorecards import operations as ops
from tests.browser import sign_in
from tests.openings import build, opened

pytestmark = pytest.mark.browser

LOCAL = "%Y-%m-%dT%H:%M"


def _submit(app, application_name: str, value: int) -> None:
    """The panelist fills in and submits their scorecard of the candidate's latest round
    (the live scorecard has browser tests of its own)."""
    with app.app_context():
        interview = db.session.scalars(
            select(Interview).join(Application).order_by(Interview.id.desc())
        ).first()
        version = db.session.get(KitVersion, interview.kit_version_id)
        scorecard = db.session.scalar(select(Scorecard).where(Scorecard.interview == interview))
        changes = {f"item:{i.id}:notes": "Clear answer" for i in version.items}
        changes |= {"recommendation": "yes", "summary": f"{application_name}: solid"}
        for kc in version.competencies:
            changes[f"rating:{kc.id}:value"] = value
            changes[f"rating:{kc.id}:evidence"] = f"Showed {kc.display_name.lower()}"
        ops.save(scorecard.id, scorecard.interviewer_id, scorecard.version, changes, 10_000)
        ops.submit(scorecard)
        db.session.commit()


def _schedule(page, when) -> None:
    page.get_by_label("Date and time").fill(when.strftime(LOCAL))
    page.get_by_role("combobox", name="Panel").fill("Ivo")
    page.get_by_role("option", name="Ivo Interviewer (interviewer)").click()
    page.get_by_role("button", name="Schedule and invite the panel").click()
    expect(page.locator(".flash-success")).to_contain_text("Interview scheduled")


def test_a_manager_runs_a_hiring_process(
    app,
    live_server,
    page,
    console_errors,
    plan_kit,
    hiring_manager,
    make_user,
):
    make_user(Role.INTERVIEWER, name="Ivo Interviewer")
    with app.app_context():
        build(plan_kit, hiring_manager.id, twice=False)  # the template: a plan with must-have gaps
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, hiring_manager.email)

    # A new opening from the template.
    page.get_by_role("link", name="Openings").click()
    page.get_by_role("link", name="New opening").click()
    page.get_by_label("Start from").select_option(label="Backend engineer (draft)")
    page.get_by_label("Title").fill("Backend engineer, Lisbon")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator("h1")).to_contain_text("Backend engineer, Lisbon")
    coverage = page.locator("#coverage")
    expect(coverage).to_contain_text("Must-have “Design” is assessed by only one interview")

    # Opening now asks first: the gap is named.
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Open anyway?")
    page.get_by_role("link", name="Keep it a draft and fix the plan").click()

    # The plan adjusted until the matrix is clean: the onsite interview takes the
    # must-haves too; the hiring team gains an interviewer.
    page.get_by_role("link", name="Onsite interview").click()
    page.get_by_label("Design (must-have)").check()
    page.get_by_label("Testing (must-have)").check()
    page.get_by_role("button", name="Save").click()
    expect(coverage).to_contain_text("Every must-have is assessed twice")
    page.get_by_role("link", name="Details and team").click()
    page.get_by_label("Interviewers").select_option(label="Ivo Interviewer")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#team")).to_contain_text("Ivo Interviewer")
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Open")
    opening_url = page.url

    # Two candidates apply.
    for name in ("Robin Reyes", "Sam Stone"):
        page.goto(opening_url)
        page.get_by_role("link", name="Add a candidate").first.click()
        page.get_by_label("Name").fill(name)
        expect(page.get_by_label("Applies to")).to_have_value(re.compile(r"\d+"))
        page.get_by_role("button", name="Save").click()
        expect(page.locator("ol.stages [aria-current=step]")).to_have_text("Screen")

    # Sam: rejected at the screen, with a reason.
    page.get_by_label("Reject because").select_option("Another candidate was stronger")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator(".flash-success")).to_contain_text("Rejected")

    # Robin: each stage scheduled from the plan, the panel's ratings in, moved on.
    page.get_by_role("link", name=re.compile("Backend engineer, Lisbon: applications")).click()
    page.get_by_role("link", name="Robin Reyes").click()
    robin_url = page.url
    page.get_by_role("link", name="Schedule").first.click()
    expect(page.locator("h1")).to_contain_text("Schedule Screen interview")
    _schedule(page, utcnow() + timedelta(days=1))
    _submit(app, "Robin", 3)
    page.get_by_role("button", name="Advance to Onsite").click()
    expect(page.locator(".flash-success")).to_contain_text("Moved to Onsite.")
    page.get_by_role("link", name="Schedule").first.click()
    expect(page.locator("h1")).to_contain_text("Schedule Onsite interview")
    _schedule(page, utcnow() + timedelta(days=3))
    _submit(app, "Robin", 4)
    page.goto(robin_url)

    # The roll-up: every attribute rated in both stages, must-haves first, no gap.
    rollup = page.locator("#rollup")
    expect(rollup.locator("th[scope=row]").first).to_contain_text("Design")
    expect(rollup).to_contain_text("Showed testing")
    expect(rollup.locator(".flash-warning")).to_have_count(0)

    # The decision, then the hire.
    page.get_by_label("Advance").check()
    page.get_by_label("Rationale").fill("Strong design in both rounds.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#decision")).to_contain_text("Strong design in both rounds.")
    page.get_by_role("button", name="Hire").click()
    expect(page.locator(".flash-success")).to_contain_text("Hired.")
    expect(page.locator(".flash-success")).to_contain_text("it is now filled")
    expect(page.locator("#history")).to_contain_text("Advanced from Screen to Onsite")
    assert console_errors == []


def test_a_hiring_managers_day(
    app, live_server, page, console_errors, plan_kit, hiring_manager, make_user, tmp_path
):
    """What needs the manager, on the dashboard and the board; a move on the board; a CV
    attached and exported with the packet; the funnel read."""
    from tests.test_candidate_documents import cv_pdf

    panelist = make_user(Role.INTERVIEWER, name="Ivo Interviewer")
    other_team = make_user(Role.MANAGER, name="Olga Otherteam")
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        done = applications.apply(Candidate(name="Dana Done"), opening)
        applications.apply(Candidate(name="Fay Fresh"), opening)
        db.session.commit()
        interview_ops.schedule(
            done.candidate,
            db.session.get(KitVersion, plan_kit),
            utcnow() - timedelta(days=1),
            [db.session.get(User, panelist.id)],
            application=done,
            planned=opening.planned[0],
        )
        db.session.commit()
        opening_id = opening.id
    _submit(app, "Dana", 3)
    cv = tmp_path / "Dana Done CV.pdf"
    cv.write_bytes(cv_pdf("Dana Done, ten years of support"))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, hiring_manager.email)

    # The dashboard names the decision waiting; the board flags it.
    waiting = page.locator("section[aria-labelledby=waiting-h]")
    expect(waiting).to_contain_text("Dana Done")
    page.goto(f"{live_server}/openings/{opening_id}/board")
    card = page.locator(".board-card", has_text="Dana Done")
    expect(card).to_contain_text("needs decision")
    expect(card).to_contain_text("1 of 1 scorecards")
    # Fay moves on from the board, and the board stays.
    page.locator(".board-card", has_text="Fay Fresh").get_by_role(
        "button", name="Advance →: Fay Fresh"
    ).click()
    expect(page.locator(".flash-success")).to_contain_text("Moved to Onsite.")
    expect(page.locator(".board-column", has_text="Onsite")).to_contain_text("Fay Fresh")

    # From the queue to the decision; a CV attached; the packet with it.
    page.goto(f"{live_server}/")
    waiting.get_by_role("link", name="Dana Done").click()
    page.get_by_label("What is it").select_option("cv")
    page.set_input_files("#file", str(cv))
    page.get_by_role("button", name="Attach").click()
    expect(page.locator(".flash-success")).to_contain_text("Attached Dana Done CV.pdf (CV).")
    page.get_by_label("Advance").check()
    page.get_by_label("Rationale").fill("Clear evidence on every must-have.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#decision")).to_contain_text("Clear evidence on every must-have.")
    with page.expect_download() as download:
        page.get_by_role("button", name="Candidate packet (PDF)").click()
    reader = PdfReader(download.value.path())
    assert "Dana Done, ten years of support" in reader.pages[-1].extract_text()
    page.goto(f"{live_server}/")
    expect(waiting).to_contain_text("No decision is waiting.")

    # The funnel of the opening.
    page.goto(f"{live_server}/openings/{opening_id}")
    page.get_by_role("link", name="Funnel").click()
    expect(page.locator("h1")).to_contain_text("Funnel: Backend engineer")
    expect(page.locator("table").first).to_contain_text("Onsite")

    # A manager of another team sees none of it, not even by searching.
    page.context.clear_cookies()
    sign_in(page, live_server, other_team.email)
    page.goto(f"{live_server}/openings/")
    expect(page.locator("main")).not_to_contain_text("Backend engineer")
    page.goto(f"{live_server}/candidates/?q=Dana")
    expect(page.locator("main")).not_to_contain_text("Dana Done")
    assert console_errors == []
    assert page.goto(f"{live_server}/openings/{opening_id}/board").status == 404


def test_a_card_is_dragged_to_the_next_stage(
    app, live_server, page, console_errors, plan_kit, hiring_manager
):
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        applications.apply(Candidate(name="Drew Dragged"), opening)
        db.session.commit()
        opening_id = opening.id
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, hiring_manager.email)
    page.goto(f"{live_server}/openings/{opening_id}/board")
    card = page.locator(".board-card", has_text="Drew Dragged")
    card.drag_to(page.locator(".board-column", has_text="Onsite"))
    expect(page.locator(".flash-success")).to_contain_text("Moved to Onsite.")
    expect(page.locator(".board-column", has_text="Onsite")).to_contain_text("Drew Dragged")
    assert console_errors == []
