"""The funnel report: stages reached and passed, time in stages and to decision, how
soon scorecards come in, must-haves assessed twice; small samples marked; dates."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import update

from hiring.auth.models import Role, User
from hiring.debrief.funnel import funnel
from hiring.debrief.models import Decision
from hiring.extensions import db, utcnow
from hiring.interviews import applications
from hiring.interviews import operations as ops
from hiring.interviews.models import Candidate, Scorecard
from hiring.kits.models import KitVersion
from hiring.openings.models import Opening
from hiring.scorecards import operations as scorecard_ops
from tests.openings import opened

DAY = timedelta(days=1)


@pytest.fixture
def story(app, plan_kit, hiring_manager, make_user):
    """Six applications ten days ago to an opening of two stages: three moved on after two
    days; one rejected; two decided, five and nine days after applying. Two interviews
    held, of two panelists each: one panel in within a day, one with a scorecard in after
    two days and one never."""
    ira, sam = make_user(Role.INTERVIEWER, name="Ira"), make_user(Role.INTERVIEWER, name="Sam")
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        version = db.session.get(KitVersion, plan_kit)
        manager = db.session.get(User, hiring_manager.id)
        start = utcnow() - 10 * DAY
        made = []
        for n in range(6):
            a = applications.apply(Candidate(name=f"Applicant {n}"), opening, manager)
            db.session.flush()
            if n < 3:
                applications.move(
                    a, "advance", manager, seen_stage_id=a.stage_id, seen_status="active"
                )
            if n == 5:
                applications.move(
                    a,
                    "reject",
                    manager,
                    seen_stage_id=a.stage_id,
                    seen_status="active",
                    reason="Another candidate was stronger",
                )
            made.append(a)
        db.session.flush()
        for a in made:
            a.applied_at = start
            a.moves[0].at = start
            for move in a.moves[1:]:
                move.at = start + 2 * DAY
        for a, days in ((made[0], 5), (made[1], 9)):
            db.session.add(
                Decision(
                    candidate_id=a.candidate_id,
                    application_id=a.id,
                    outcome="Advance",
                    rationale="Why",
                    decided_by_id=manager.id,
                    decided_at=start + days * DAY,
                )
            )
        people = [db.session.get(User, u.id) for u in (ira, sam)]
        held = start + 3 * DAY
        for a, late in ((made[0], False), (made[1], True)):
            interview = ops.schedule(
                a.candidate, version, held, people, application=a, planned=opening.planned[0]
            )
            for k, scorecard in enumerate(interview.scorecards):
                if late and k == 1:
                    continue  # never submitted
                changes = {f"item:{i.id}:notes": "N" for i in version.items}
                changes |= {"recommendation": "yes", "summary": "S"}
                for kc in version.competencies:
                    changes |= {f"rating:{kc.id}:value": 3, f"rating:{kc.id}:evidence": "E"}
                scorecard_ops.save(scorecard.id, scorecard.interviewer_id, 0, changes, 10_000)
                scorecard_ops.submit(scorecard)
                ends = held + timedelta(minutes=interview.duration_minutes)
                when = ends + (2 * DAY if late else timedelta(hours=3))
                db.session.execute(
                    update(Scorecard)
                    .where(Scorecard.id == scorecard.id)
                    .values(submitted_at=when, first_submitted_at=when)
                )
        db.session.commit()
        return opening.id


def test_the_funnel_of_an_opening(app, story):
    with app.app_context(), app.test_request_context():
        opening = db.session.get(Opening, story)
        report = funnel(opening, opening.members[0].user)
    assert report.applications == 6
    assert report.outcomes == {"active": 5, "rejected": 1}
    assert report.reasons == {"Another candidate was stronger": 1}
    screen, onsite = report.stages
    assert (screen.name, screen.reached, onsite.reached) == ("Screen", 6, 3)
    assert (screen.passed.value, screen.passed.cases) == (0.5, 6)
    # Four left the screen two days in (three moved on, one rejected); the two still
    # there are not counted: their stay has no length yet.
    assert (screen.days.value, screen.days.cases, screen.days.too_few) == (2.0, 4, True)
    assert (report.days_to_decision.value, report.days_to_decision.cases) == (7.0, 2)
    assert report.days_to_decision.too_few
    assert (report.submitted_on_time.value, report.submitted_ever.value) == (0.5, 0.5)
    hours = dict(report.hours_to_submit)
    assert (hours["Ira"].value, hours["Ira"].cases) == (25.5, 2)  # 3 h and 48 h
    assert hours["Sam"].value == 3.0 and hours["Sam"].cases == 1
    # Two must-haves on two applications with a submitted scorecard: the first has two
    # raters, the second one.
    assert (report.must_haves_twice.value, report.must_haves_twice.cases) == (0.5, 4)


def test_the_report_page_json_and_csv(app, client, login, story, hiring_manager):
    login(hiring_manager)
    page = client.get(f"/reports/funnel?opening={story}").get_data(as_text=True)
    assert "6 applications" in page and "too few to tell" in page
    assert "<svg" in page and "Applications reaching each stage" in page
    data = client.get(f"/reports/funnel.json?opening={story}").get_json()
    assert data["stages"][0]["passed_on"] == {"value": 0.5, "cases": 6, "too_few": False}
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/reports/funnel.csv?opening={story}")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[0] == ["figure", "stage", "value", "cases", "too_few"]
    assert ["reached", "Onsite", "3", "3", ""] in rows
    # Every opening: outcomes, no stages (plans differ).
    assert client.get("/reports/funnel.json").get_json()["stages"] == []


def test_dates_choose_the_applications_and_a_reversed_range_is_named(
    app, client, login, story, hiring_manager
):
    login(hiring_manager)
    today = utcnow().date()
    recent = client.get(
        f"/reports/funnel.json?opening={story}&from={today - 3 * DAY}&to={today}"
    ).get_json()
    assert recent["applications"] == 0
    page = client.get(
        f"/reports/funnel?opening={story}&from={today}&to={today - 30 * DAY}"
    ).get_data(as_text=True)
    assert "The dates are the wrong way round" in page and "6 applications" in page
