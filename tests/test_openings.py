"""Openings: the scorecard, the plan and its coverage, opening with a gap, templates,
applications moving through the stages, scheduling from the plan, the roll-up debrief
and the decision on an application; bad input refused with nothing half-saved."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from hiring.auth.models import Role, User
from hiring.debrief.models import Decision
from hiring.domain import DomainError
from hiring.extensions import db, utcnow
from hiring.interviews import applications
from hiring.interviews import operations as ops
from hiring.interviews import queries as pipeline
from hiring.interviews.models import Application, ApplicationStatus, Candidate, Interview
from hiring.kits import operations as kit_ops
from hiring.kits.models import KitVersion
from hiring.openings import operations as opening_ops
from hiring.openings.coverage import coverage
from hiring.openings.models import Opening, OpeningStatus, PlannedInterview, Stage, TeamRole
from hiring.questions.models import Question
from hiring.scorecards import operations as scorecard_ops
from tests.conftest import queries_of_page
from tests.openings import build, competency, opened
from tests.scoring import publish_kit

# Coverage


def test_a_clean_plan_has_no_problem(app, plan_kit, hiring_manager):
    with app.app_context():
        matrix = coverage(db.session.get(Opening, build(plan_kit, hiring_manager.id)))
        assert matrix.problems == []
        assert {matrix.cell(a, p) for a in matrix.attributes for p in matrix.planned} == {"focus"}


def test_coverage_names_gaps_and_warnings(app, plan_kit, hiring_manager, make_question):
    with app.app_context():
        opening = db.session.get(Opening, build(plan_kit, hiring_manager.id, twice=False))
        matrix = coverage(opening)
        # Must-haves need two interviews; a nice-to-have focused once is fine.
        assert [g.text for g in matrix.gaps] == [
            "Must-have “Design” is assessed by only one interview; at least 2 should assess it.",
            "Must-have “Testing” is assessed by only one interview; at least 2 should assess it.",
        ]
        assert matrix.cell(opening.attributes[0], opening.planned[1]) == "rated"
        # A kit rating what the scorecard does not ask for; an attribute nobody assesses;
        # more than seven focus attributes.
        writing = opening.attributes[3]
        opening.planned[0].focus.remove(writing)
        opening_ops.remove_attribute(opening.attributes[2], opening.version)
        db.session.flush()
        texts = [w.text for w in coverage(opening).warnings]
        assert "Nobody assesses “Writing”." in texts
        assert any("rates “Teamwork”, which the scorecard does not ask for" in t for t in texts)
    ids = [make_question(f"Wide {n}?", competencies=[f"Wide skill {n}"]) for n in range(8)]
    with app.app_context():
        version = kit_ops.create_kit("Wide kit", "Role").versions[0]
        for question_id in ids:
            kit_ops.add_question(
                version, version.sections[1], db.session.get(Question, question_id)
            )
        kit_ops.rate_suggested(version, limit=8)
        kit_ops.publish(version)
        opening = opening_ops.create(title="Wide", user=db.session.get(User, hiring_manager.id))
        attributes = [
            opening_ops.add_attribute(opening, opening.version, kc.competency, "", False)
            for kc in version.competencies
        ]
        stage = opening_ops.add_stage(opening, opening.version, "Only")
        opening_ops.add_planned(
            stage,
            opening.version,
            title="Everything",
            kit_version=version,
            duration=None,
            panel_size=1,
            focus=attributes,
        )
        assert [w.text for w in coverage(opening).warnings] == [
            "Everything has 8 focus attributes: more than 7 is more than one interviewer "
            "can judge well."
        ]


# Bad input: a clear message, and nothing half-saved


def test_a_draft_kit_or_an_unrated_focus_is_refused(app, plan_kit, hiring_manager, make_question):
    qid = make_question("Draft kit question?", competencies=["Design"])
    with app.app_context():
        opening = db.session.get(Opening, build(plan_kit, hiring_manager.id))
        draft = kit_ops.create_kit("Draft kit", "Role").versions[0]
        kit_ops.add_question(draft, draft.sections[1], db.session.get(Question, qid))
        kit_ops.rate_suggested(draft)
        db.session.commit()
        stage, version = opening.stages[0], opening.version
        with pytest.raises(DomainError, match="Only a published kit version"):
            opening_ops.add_planned(
                stage, version, title="", kit_version=draft, duration=None, panel_size=1, focus=[]
            )
        db.session.rollback()
        published = publish_kit("Design only", [qid])
        db.session.commit()
        with pytest.raises(DomainError, match="Design only does not rate Testing"):
            opening_ops.add_planned(
                stage,
                opening.version,
                title="",
                kit_version=published,
                duration=None,
                panel_size=1,
                focus=opening.attributes[:2],
            )
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(PlannedInterview)) == 2
        assert db.session.get(Opening, opening.id).version == version


def test_two_tabs_editing_one_plan(app, client, login, plan_kit, hiring_manager):
    """The second tab's change, made from an older page, is refused whole."""
    with app.app_context():
        opening_id = build(plan_kit, hiring_manager.id)
        version = db.session.get(Opening, opening_id).version
    login(hiring_manager)
    first = client.post(f"/openings/{opening_id}/stages", data={"version": version, "name": "A"})
    assert first.status_code == 302
    second = client.post(
        f"/openings/{opening_id}/stages",
        data={"version": version, "name": "B"},
        follow_redirects=True,
    )
    assert "changed in another tab or by someone else" in second.get_data(as_text=True)
    with app.app_context():
        names = db.session.scalars(
            select(Stage.name).where(Stage.opening_id == opening_id).order_by(Stage.position)
        ).all()
    assert names == ["Screen", "Onsite", "A"]


def test_the_planned_interview_form_says_what_is_wrong(
    app, client, login, plan_kit, hiring_manager
):
    with app.app_context():
        opening_id = build(plan_kit, hiring_manager.id)
        opening = db.session.get(Opening, opening_id)
        stage_id, version = opening.stages[0].id, opening.version
        other = opening_ops.create(title="Other", user=db.session.get(User, hiring_manager.id))
        foreign = opening_ops.add_attribute(other, other.version, competency("Design"), "", True)
        db.session.commit()
        foreign_id = foreign.id
    login(hiring_manager)
    url = f"/openings/{opening_id}/stages/{stage_id}/interviews/new"
    page = client.post(
        url,
        data={
            "version": version,
            "kit_version_id": plan_kit,
            "panel_size": 0,
            "focus": [foreign_id],
        },
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Number must be between 1 and 20" in text
    assert "is not on this opening&#39;s scorecard" in text  # another opening's attribute
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlannedInterview)) == 2


def test_a_removed_stage_with_applications_stays(app, plan_kit, hiring_manager):
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        applications.apply(Candidate(name="Kim"), opening)
        db.session.commit()
        stage = opening.stages[0]
        with pytest.raises(DomainError, match="1 application"):
            opening_ops.remove_stage(
                stage, opening.version, pipeline.stage_counts(opening.id)[stage.id]
            )


def test_a_name_with_a_script_is_text(app, client, login, hiring_manager):
    login(hiring_manager)
    response = client.post(
        "/openings/new", data={"title": "<script>alert(1)</script>", "headcount": 1}
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Opening, with a gap, from a template


def test_opening_with_a_gap_asks_first(app, client, login, plan_kit, hiring_manager):
    with app.app_context():
        opening_id = build(plan_kit, hiring_manager.id, twice=False)
        version = db.session.get(Opening, opening_id).version
    login(hiring_manager)
    asked = client.post(
        f"/openings/{opening_id}/status", data={"version": version, "status": "open"}
    )
    assert "confirm=open" in asked.location
    page = client.get(asked.location).get_data(as_text=True)
    assert "Open anyway?" in page and "Must-have “Design” is assessed by only one" in page
    with app.app_context():
        assert db.session.get(Opening, opening_id).status is OpeningStatus.DRAFT
    client.post(
        f"/openings/{opening_id}/status",
        data={"version": version, "status": "open", "open_anyway": "y"},
    )
    with app.app_context():
        opening = db.session.get(Opening, opening_id)
        assert opening.status is OpeningStatus.OPEN and opening.opened_at is not None


def test_an_unfinished_plan_does_not_open(app, plan_kit, hiring_manager):
    with app.app_context():
        opening = db.session.get(Opening, build(plan_kit, hiring_manager.id))
        opening_ops.add_stage(opening, opening.version, "References")
        with pytest.raises(DomainError, match="Stage “References” has no interview"):
            opening_ops.set_status(opening, opening.version, OpeningStatus.OPEN)
        empty = opening_ops.create(title="Empty")
        with pytest.raises(DomainError, match="no stage yet.*no hiring manager"):
            opening_ops.set_status(empty, empty.version, OpeningStatus.OPEN)


def test_a_new_opening_copies_a_template(app, client, login, plan_kit, hiring_manager):
    with app.app_context():
        template_id = build(plan_kit, hiring_manager.id)
    login(hiring_manager)
    response = client.post(
        "/openings/new",
        data={"title": "Backend engineer, Berlin", "headcount": 2, "template": template_id},
    )
    copy_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        template, copy = (db.session.get(Opening, i) for i in (template_id, copy_id))
        assert copy.status is OpeningStatus.DRAFT and copy.copied_from_id == template_id
        assert [(a.name, a.must_have) for a in copy.attributes] == [
            (a.name, a.must_have) for a in template.attributes
        ]
        assert [s.name for s in copy.stages] == ["Screen", "Onsite"]
        # The copy's focus is its own attributes, never the template's.
        focus = {a.opening_id for p in copy.planned for a in p.focus}
        assert focus == {copy_id}
        assert [m.user_id for m in copy.members] == [hiring_manager.id]
        assert coverage(copy).clean


# Applications


def test_an_application_moves_through_the_stages(app, client, login, plan_kit, hiring_manager):
    with app.app_context():
        opening_id = opened(plan_kit, hiring_manager.id)
    login(hiring_manager)
    created = client.post("/candidates/new", data={"name": "Robin Reyes", "opening_id": opening_id})
    application_id = int(created.location.rsplit("/", 1)[1])

    def move(action, **data):
        with app.app_context():
            a = db.session.get(Application, application_id)
            seen = {"seen_stage": a.stage_id or "", "seen_status": a.status.value}
        return client.post(
            f"/applications/{application_id}/move",
            data={"action": action, **seen, **data},
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "Moved to Onsite." in move("advance")
    assert "This is the plan&#39;s last stage" in move("advance")
    assert "Moved back to Screen." in move("back")
    assert "Choose why the application is rejected." in move("reject")
    assert "Rejected: Another candidate was stronger." in move(
        "reject", reason="Another candidate was stronger"
    )
    assert "reopen it first" in move("advance")
    assert "Reopened." in move("reopen")
    # A second click from the same page (or a colleague's move meanwhile) is refused.
    with app.app_context():
        a = db.session.get(Application, application_id)
        stale = {"seen_stage": a.stage_id, "seen_status": a.status.value}
    client.post(f"/applications/{application_id}/move", data={"action": "advance", **stale})
    again = client.post(
        f"/applications/{application_id}/move",
        data={"action": "advance", **stale},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "moved meanwhile" in again
    with app.app_context():
        a = db.session.get(Application, application_id)
        assert (a.stage.name, a.status) == ("Onsite", ApplicationStatus.ACTIVE)
        assert [m.action for m in a.moves] == [
            "applied",
            "advance",
            "back",
            "reject",
            "reopen",
            "advance",
        ]
        assert all(m.by_id == hiring_manager.id for m in a.moves)


def test_hiring_the_headcount_fills_the_opening(app, plan_kit, hiring_manager):
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        application = applications.apply(Candidate(name="Sky"), opening)
        said = applications.move(
            application, "hire", None, seen_stage_id=application.stage_id, seen_status="active"
        )
        assert "it is now filled" in said
        assert opening.status is OpeningStatus.FILLED
        db.session.commit()
        # A filled (or closed) opening's applications do not move, nor take new ones.
        application = db.session.get(Application, application.id)
        with pytest.raises(DomainError, match="reopen it before moving"):
            applications.move(
                application,
                "reopen",
                None,
                seen_stage_id=application.stage_id,
                seen_status="hired",
            )
        with pytest.raises(DomainError, match="only an open opening takes applications"):
            applications.apply(Candidate(name="Lee"), opening)


def test_one_person_applies_to_two_openings_apart(
    app, client, login, plan_kit, hiring_manager, make_user
):
    panelist = make_user(Role.INTERVIEWER)
    with app.app_context():
        first = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        second = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        person = Candidate(name="Alex Two")
        one = applications.apply(person, first)
        two = applications.apply(person, second)
        with pytest.raises(DomainError, match="applied to this opening already"):
            applications.apply(person, first)
        version = db.session.get(KitVersion, plan_kit)
        interviewer = db.session.get(User, panelist.id)
        ops.schedule(
            person, version, utcnow(), [interviewer], application=one, planned=first.planned[0]
        )
        db.session.commit()
        ids = one.id, two.id
    login(hiring_manager)
    client.post(
        f"/applications/{ids[0]}/decision", data={"outcome": "Advance", "rationale": "Strong"}
    )
    first_page = client.get(f"/applications/{ids[0]}").get_data(as_text=True)
    second_page = client.get(f"/applications/{ids[1]}").get_data(as_text=True)
    assert "Strong" in first_page and "Strong" not in second_page
    assert "No decision recorded yet." in second_page
    # The first application's interview is not the second's.
    assert second_page.count("Schedule</a>") == 2
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert decision.application_id == ids[0]


# Scheduling from the plan


def test_scheduling_from_the_plan(app, client, login, plan_kit, hiring_manager, make_user):
    interviewer = make_user(Role.INTERVIEWER, name="Ivo Interviewer")
    make_user(Role.INTERVIEWER, name="Aaron Outsider")
    with app.app_context():
        opening_id = opened(plan_kit, hiring_manager.id)
        opening = db.session.get(Opening, opening_id)
        opening.planned[0].duration_minutes = 25
        opening_ops.set_team(
            opening,
            opening.version,
            {
                TeamRole.HIRING_MANAGER: [db.session.get(User, hiring_manager.id)],
                TeamRole.INTERVIEWER: [db.session.get(User, interviewer.id)],
            },
        )
        application = applications.apply(Candidate(name="Pat Plan"), opening)
        db.session.commit()
        application_id, planned_id = application.id, opening.planned[0].id
        candidate_id = application.candidate_id
    login(hiring_manager)
    page = client.get(f"/interviews/new?application={application_id}&planned={planned_id}")
    text = page.get_data(as_text=True)
    assert "Schedule Screen interview" in text and "From the plan of" in text
    assert re.search(rf'<option selected value="{plan_kit}">', text)
    assert 'value="25"' in text
    # The hiring team is offered first.
    assert (
        text.index("The hiring team")
        < text.index("Ivo Interviewer")
        < text.index("Everyone else")
        < text.index("Aaron Outsider")
    )
    when = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "candidate_id": candidate_id,
        "kit_version_id": plan_kit,
        "scheduled_at": when,
        "duration": 25,
        "panel": [interviewer.id],
        "application_id": application_id,
        "planned_id": planned_id,
    }
    done = client.post("/interviews/new", data=form)
    assert done.location.endswith(f"/applications/{application_id}")
    # Ad hoc: no planned interview.
    client.post("/interviews/new", data={**form, "planned_id": ""})
    with app.app_context():
        held = db.session.scalars(select(Interview).order_by(Interview.id)).all()
        assert [(i.application_id, i.planned_interview_id) for i in held] == [
            (application_id, planned_id),
            (application_id, None),
        ]
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Ad hoc" in page
    # Another opening's planned interview, or another candidate's application: refused.
    with app.app_context():
        other = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        stranger = applications.apply(Candidate(name="Stranger"), other)
        db.session.commit()
        foreign_planned, stranger_id = other.planned[0].id, stranger.id
    assert (
        client.get(
            f"/interviews/new?application={application_id}&planned={foreign_planned}"
        ).status_code
        == 404
    )
    refused = client.post(
        "/interviews/new",
        data={**form, "application_id": stranger_id, "planned_id": ""},
        follow_redirects=True,
    )
    assert "That application is another candidate" in refused.get_data(as_text=True)


# The roll-up debrief


def test_the_roll_up_puts_must_haves_first_and_names_gaps(
    app, client, login, plan_kit, hiring_manager
):
    with app.app_context():
        opening = db.session.get(Opening, build(plan_kit, hiring_manager.id, must=("Writing",)))
        opening_ops.set_status(opening, opening.version, OpeningStatus.OPEN)
        application = applications.apply(Candidate(name="Gale Gap"), opening)
        version = db.session.get(KitVersion, plan_kit)
        interview = ops.schedule(
            application.candidate,
            version,
            utcnow() - timedelta(hours=1),
            [db.session.get(User, hiring_manager.id)],
            application=application,
            planned=opening.planned[0],
        )
        scorecard = interview.scorecards[0]
        changes = {f"item:{item.id}:notes": "Notes" for item in version.items} | {
            "recommendation": "yes",
            "summary": "Fine",
        }
        for kc in version.competencies:
            if kc.display_name == "Testing":
                changes[f"rating:{kc.id}:not_assessed"] = True
            else:
                changes[f"rating:{kc.id}:value"] = 3
                changes[f"rating:{kc.id}:evidence"] = f"Evidence on {kc.display_name}"
        scorecard_ops.save(scorecard.id, hiring_manager.id, 0, changes, 10_000)
        scorecard_ops.submit(scorecard)
        db.session.commit()
        application_id = application.id
    login(hiring_manager)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    rollup = page[page.index('id="rollup"') : page.index('id="decision"')]
    names = re.findall(r'<th scope="row">([A-Za-z]+)', rollup)
    assert names == ["Writing", "Design", "Testing", "Teamwork"]  # must-have first
    assert "Not assessed yet: Testing." in rollup
    assert "Evidence on Design" in rollup
    assert "Not assessed by Hana Manager" in rollup
    # The packet follows the application: its cover names the opening, the stage reached
    # and the attributes covered.
    with app.app_context():
        candidate_id = db.session.get(Application, application_id).candidate_id
    pdf = client.get(f"/candidates/{candidate_id}/packet.pdf")
    assert pdf.status_code == 200
    cover = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Backend engineer: active, stage reached Screen" in cover
    assert "3 of 4 attributes of the scorecard assessed; not yet: Testing." in cover


def test_a_pending_panelist_does_not_see_the_application_decision(
    app, client, login, plan_kit, hiring_manager, make_user
):
    other = make_user(Role.MANAGER, name="Pending Panelist")
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        # A manager on the hiring team, and on a panel still to be scored.
        opening_ops.set_team(
            opening,
            opening.version,
            {
                TeamRole.HIRING_MANAGER: [db.session.get(User, hiring_manager.id)],
                TeamRole.INTERVIEWER: [db.session.get(User, other.id)],
            },
        )
        application = applications.apply(Candidate(name="Indy"), opening)
        ops.schedule(
            application.candidate,
            db.session.get(KitVersion, plan_kit),
            utcnow(),
            [db.session.get(User, other.id)],
            application=application,
            planned=opening.planned[0],
        )
        db.session.add(
            Decision(
                candidate_id=application.candidate_id,
                application_id=application.id,
                outcome="Advance",
                rationale="Secret rationale",
                decided_by_id=hiring_manager.id,
            )
        )
        db.session.commit()
        application_id = application.id
    login(other)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Secret rationale" not in page and "data-decision-hidden" in page
    refused = client.post(
        f"/applications/{application_id}/decision",
        data={"outcome": "Reject", "rationale": "x"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "still pending" in refused
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Decision)) == 1


def _more_applications(opening_id: int, n: int, start: int) -> None:
    """`n` more candidates applying, spread over the stages and outcomes (bulk inserts)."""
    opening = db.session.get(Opening, opening_id)
    stages = [s.id for s in opening.stages]
    statuses = list(ApplicationStatus)
    rows = [
        {
            "name": f"Bulk {k:04d}",
            "email": "",
            "role": "",
            "source": "",
            "notes": "",
            "created_at": utcnow(),
        }
        for k in range(start, start + n)
    ]
    ids = db.session.scalars(
        Candidate.__table__.insert().returning(Candidate.__table__.c.id), rows
    ).all()
    db.session.execute(
        Application.__table__.insert(),
        [
            {
                "candidate_id": cid,
                "opening_id": opening_id,
                "stage_id": stages[k % len(stages)],
                "status": statuses[k % len(statuses)].value,
                "reason": "",
                "applied_at": utcnow(),
                "stage_entered_at": utcnow(),
            }
            for k, cid in enumerate(ids)
        ],
    )
    db.session.commit()


def test_opening_pages_read_a_bounded_number_of_statements(
    app, client, login, plan_kit, hiring_manager, count_queries
):
    with app.app_context():
        opening_id = opened(plan_kit, hiring_manager.id)
        application = applications.apply(
            Candidate(name="Counted"), db.session.get(Opening, opening_id)
        )
        db.session.commit()
        application_id = application.id
        _more_applications(opening_id, 9, 0)
    login(hiring_manager)
    urls = [
        "/openings/",
        f"/openings/{opening_id}",
        f"/openings/{opening_id}/applications",
        f"/openings/{opening_id}/applications?status=rejected",
        f"/openings/{opening_id}/board",
        f"/reports/funnel?opening={opening_id}",
        f"/applications/{application_id}",
        "/candidates/",
        "/",
    ]
    small = {url: queries_of_page(client, count_queries, url) for url in urls}
    with app.app_context():
        _more_applications(opening_id, 490, 9)
    large = {url: queries_of_page(client, count_queries, url) for url in urls}
    assert large == small


# The hiring team's day: the board, the decisions waiting, the candidate list


def _panel_for(application, version, people, hours_ago: float, recommendations) -> None:
    """An interview of the application's first planned one, its panel's scorecards
    submitted with these recommendations (None: left open)."""
    opening = application.opening
    interview = ops.schedule(
        application.candidate,
        version,
        utcnow() - timedelta(hours=hours_ago),
        people,
        application=application,
        planned=opening.planned[0],
    )
    for scorecard, recommendation in zip(interview.scorecards, recommendations, strict=True):
        if recommendation is None:
            continue
        changes = {f"item:{i.id}:notes": "Notes" for i in version.items}
        changes |= {"recommendation": recommendation, "summary": "Done"}
        for kc in version.competencies:
            changes[f"rating:{kc.id}:value"] = 2
            changes[f"rating:{kc.id}:evidence"] = "Evidence"
        scorecard_ops.save(scorecard.id, scorecard.interviewer_id, 0, changes, 10_000)
        scorecard_ops.submit(scorecard)


def test_the_board_flags_what_needs_the_team(
    app, client, login, plan_kit, hiring_manager, make_user
):
    ira, sam = make_user(Role.INTERVIEWER), make_user(Role.INTERVIEWER)
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        version = db.session.get(KitVersion, plan_kit)
        people = [db.session.get(User, u.id) for u in (ira, sam)]
        split = applications.apply(Candidate(name="Split Sasha"), opening)
        _panel_for(split, version, people, 30, ["yes", "no"])
        late = applications.apply(Candidate(name="Late Lou"), opening)
        _panel_for(late, version, people, 72, ["yes", None])
        applications.apply(Candidate(name="Fresh Fay"), opening)
        db.session.commit()
        opening_id, split_id = opening.id, split.id
        stage_id = split.stage_id
    login(hiring_manager)
    board = client.get(f"/openings/{opening_id}/board").get_data(as_text=True)
    cards = {
        name: board[board.index(name) : board.index("</li>", board.index(name))]
        for name in ("Split Sasha", "Late Lou", "Fresh Fay")
    }
    assert "needs decision" in cards["Split Sasha"] and "split panel" in cards["Split Sasha"]
    assert "2 of 2 scorecards" in cards["Split Sasha"]
    assert "overdue scorecard" in cards["Late Lou"] and "needs decision" not in cards["Late Lou"]
    assert "badge" not in cards["Fresh Fay"]
    only = client.get(f"/openings/{opening_id}/board?flag=split+panel").get_data(as_text=True)
    assert "Split Sasha" in only and "Late Lou" not in only
    # The dashboard names the decision waiting; the candidate list its opening and stage.
    dashboard = client.get("/").get_data(as_text=True)
    waiting = dashboard[dashboard.index('id="waiting-h"') : dashboard.index('id="overdue-h"')]
    assert "Split Sasha" in waiting and "Late Lou" not in waiting
    login(make_user(Role.MANAGER, name="Off The Team"))
    elsewhere = client.get("/").get_data(as_text=True)
    assert "Split Sasha" not in elsewhere.split('id="waiting-h"')[1].split('id="overdue-h"')[0]
    login(hiring_manager)
    listed = client.get("/candidates/").get_data(as_text=True)
    assert "Backend engineer</a> · Screen" in listed and "Undecided" in listed
    # A move from the board comes back to it, with its filter.
    moved = client.post(
        f"/applications/{split_id}/move",
        data={
            "action": "advance",
            "seen_stage": stage_id,
            "seen_status": "active",
            "return_to": "board",
            "flag": "split panel",
        },
    )
    assert moved.location.endswith(f"/openings/{opening_id}/board?flag=split+panel")
    client.post(
        f"/applications/{split_id}/decision", data={"outcome": "Reject", "rationale": "Split"}
    )
    dashboard = client.get("/").get_data(as_text=True)
    waiting = dashboard[dashboard.index('id="waiting-h"') : dashboard.index('id="overdue-h"')]
    assert "No decision is waiting." in waiting
    listed = client.get("/candidates/").get_data(as_text=True)
    assert "Backend engineer</a> · Onsite" in listed and ">Reject<" in listed


def test_the_list_of_applications_sorts_by_its_columns(
    app, client, login, plan_kit, hiring_manager
):
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        for n, name in enumerate(["Cleo", "Abe", "Bea"]):
            a = applications.apply(Candidate(name=name), opening)
            db.session.flush()
            a.stage_entered_at = utcnow() - timedelta(days=10 - n)  # Cleo waits longest
            a.applied_at = utcnow() - timedelta(days=20 + n)  # Bea applied first
        db.session.commit()
        opening_id = opening.id
    login(hiring_manager)

    def order(query=""):
        page = client.get(f"/openings/{opening_id}/applications?{query}").get_data(as_text=True)
        return [n for n in re.findall(r">(Abe|Bea|Cleo)</a>", page)]

    assert order() == ["Cleo", "Abe", "Bea"]  # longest in the stage first
    assert order("sort=waiting&dir=asc") == ["Bea", "Abe", "Cleo"]
    assert order("sort=name") == ["Abe", "Bea", "Cleo"]
    assert order("sort=name&dir=desc") == ["Cleo", "Bea", "Abe"]
    assert order("sort=applied") == ["Bea", "Abe", "Cleo"]
    assert order("sort=%3Cx%3E&dir=sideways") == ["Cleo", "Abe", "Bea"]


def test_a_card_dropped_on_a_stage_moves_there(app, client, login, plan_kit, hiring_manager):
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        opening_ops.add_stage(opening, opening.version, "Offer")
        opening_ops.add_planned(
            opening.stages[2],
            opening.version,
            title="Offer talk",
            kit_version=db.session.get(KitVersion, plan_kit),
            duration=None,
            panel_size=1,
            focus=[],
        )
        a = applications.apply(Candidate(name="Dot Drop"), opening)
        db.session.commit()
        application_id, first, last = a.id, opening.stages[0].id, opening.stages[2].id
    login(hiring_manager)

    def drop(to, seen):
        return client.post(
            f"/applications/{application_id}/move",
            data={
                "action": "to",
                "to_stage": to,
                "seen_stage": seen,
                "seen_status": "active",
                "return_to": "board",
            },
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "Moved to Offer." in drop(last, first)  # two stages on, in one move
    assert "moved meanwhile" in drop(first, first)  # from a page showing where it was
    assert "Moved back to Screen." in drop(first, last)
    assert "not in this opening" in drop(10**6, first)
    with app.app_context():
        moves = db.session.get(Application, application_id).moves
        assert [(m.action, m.from_stage, m.to_stage) for m in moves] == [
            ("applied", "", "Screen"),
            ("advance", "Screen", "Offer"),
            ("back", "Offer", "Screen"),
        ]
