"""Every list and detail page runs the same number of SQL statements at 10 and at 80
rows of what it shows (more than any page holds, 25 or 50): candidates, rounds and
scorecards; questions, competencies and kit items; kits, users and audit events. A page
that queried once per row would fail."""

from datetime import timedelta

import pytest

from hiring.audit.operations import record
from hiring.auth.models import Role, User
from hiring.extensions import db, utcnow
from hiring.interviews import operations as ops
from hiring.interviews.models import Candidate
from hiring.kits import operations as kit_ops
from hiring.kits.models import KitVersion
from hiring.scorecards import operations as scorecard_ops
from tests.conftest import queries_of_page
from tests.scoring import complete, make_panel, publish_kit


def counts(client, count_queries, urls) -> dict[str, int]:
    return {url: queries_of_page(client, count_queries, url) for url in urls}


def grow(app, panel, people, n: int, start: int) -> None:
    """`n` more rounds for the panel's candidate and `n` more candidates with one round,
    every scorecard submitted."""
    with app.app_context():
        version = db.session.get(KitVersion, panel.kit_version_id)
        subject = db.session.get(Candidate, panel.candidate_id)
        users = [db.session.get(User, u.id) for u in people]
        for k in range(start, start + n):
            other = Candidate(name=f"Candidate {k:04d}", role="Support")
            db.session.add(other)
            for who in (subject, other):
                interview = ops.schedule(who, version, utcnow() - timedelta(days=k + 2), users)
                for scorecard in interview.scorecards:
                    value = 1 + (k + scorecard.interviewer_id) % 4
                    scorecard_ops.save(
                        scorecard.id,
                        scorecard.interviewer_id,
                        0,
                        complete(panel, value=value),
                        10_000,
                    )
                    scorecard_ops.submit(scorecard)
            record("candidate.update", "candidate", other.id, fields=["notes"])
        db.session.commit()


def submitted_panel(app, client, login, make_question, people):
    """A panel of `people`, each of whom has filled in and submitted their scorecard."""
    panel = make_panel(app, make_question, people)
    for person in people:
        login(person)
        sid = panel.scorecards[person.id]
        client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
        client.post(f"/scorecards/{sid}/submit")
    return panel


def test_candidate_pages_do_not_query_per_row(
    app, client, login, users, make_user, make_question, count_queries
):
    people = [users["interviewer"], make_user(Role.INTERVIEWER, name="Colleague")]
    panel = submitted_panel(app, client, login, make_question, people)
    with app.app_context():
        kit_id = db.session.get(KitVersion, panel.kit_version_id).kit_id
    cid, own = panel.candidate_id, panel.scorecards[users["interviewer"].id]
    urls = [
        "/",
        "/candidates/",
        f"/candidates/{cid}",
        f"/candidates/{cid}/debrief",
        f"/candidates/{cid}/debrief.json",
        f"/candidates/{cid}/debrief.csv",
        f"/kits/{kit_id}/compare",
        f"/kits/{kit_id}/compare.json",
        "/calibration",
        "/calibration.json",
        f"/interviews/{panel.interview_id}/edit",
        "/admin/audit",
    ]
    grow(app, panel, people, 9, 0)
    login(users["admin"])
    small = counts(client, count_queries, urls)
    login(users["interviewer"])
    small_own = queries_of_page(client, count_queries, f"/scorecards/{own}")

    grow(app, panel, people, 71, 9)
    login(users["admin"])
    assert counts(client, count_queries, urls) == small
    login(users["interviewer"])
    assert queries_of_page(client, count_queries, f"/scorecards/{own}") == small_own


def kit_with(app, question_ids: list[int], title: str, interviewer: User) -> tuple[int, int]:
    """A published kit asking these questions, and an interview with it; returns the kit's
    id and the interviewer's scorecard id."""
    with app.app_context():
        version = publish_kit(title, question_ids)
        person = Candidate(name=f"Candidate for {title}")
        db.session.add(person)
        interview = ops.schedule(
            person, version, utcnow() - timedelta(hours=1), [db.session.get(User, interviewer.id)]
        )
        db.session.commit()
        return version.kit_id, interview.scorecards[0].id


@pytest.mark.parametrize("n", [pytest.param((10, 80), id="10-80")])
def test_bank_kit_and_admin_pages_do_not_query_per_row(
    app, client, login, users, make_user, make_question, count_queries, n
):
    small_n, large_n = n

    def questions(k: int, start: int) -> list[int]:
        return [
            make_question(
                f"Question {start + i:04d}?", competencies=[f"Skill {(start + i) % 150:03d}"]
            )
            for i in range(k)
        ]

    def pages(kit_id: int, question_id: int) -> list[str]:
        return [
            "/questions/",
            "/questions/competencies",
            f"/questions/{question_id}",
            "/kits/",
            f"/kits/{kit_id}/v/1",
            f"/kits/{kit_id}/v/1/guide",
            "/admin/users",
        ]

    small_questions = questions(small_n, 0)
    small_kit, small_card = kit_with(app, small_questions, "Small kit", users["interviewer"])
    for k in range(small_n):
        make_user(Role.INTERVIEWER, email=f"person{k}@example.com")
    login(users["admin"])
    small = list(counts(client, count_queries, pages(small_kit, small_questions[0])).values())
    login(users["interviewer"])
    small_live = queries_of_page(client, count_queries, f"/scorecards/{small_card}")

    large_questions = questions(large_n - small_n, small_n)
    large_kit, large_card = kit_with(
        app, small_questions + large_questions, "Large kit", users["interviewer"]
    )
    with app.app_context():
        for k in range(large_n):
            kit_ops.create_kit(f"Kit {k:04d}", "Role")
        db.session.commit()
    for k in range(small_n, large_n):
        make_user(Role.INTERVIEWER, email=f"person{k}@example.com")
    login(users["admin"])
    large = list(counts(client, count_queries, pages(large_kit, large_questions[0])).values())
    assert large == small
    login(users["interviewer"])
    assert queries_of_page(client, count_queries, f"/scorecards/{large_card}") == small_live


def test_a_ready_packet_is_sent_in_the_same_statements_whatever_the_rounds(
    app, client, login, users, make_user, make_question, count_queries
):
    people = [users["interviewer"], make_user(Role.INTERVIEWER, name="Colleague")]
    panel = submitted_panel(app, client, login, make_question, people)
    url = f"/candidates/{panel.candidate_id}/packet.pdf"
    login(users["manager"])
    # The first GET lays the packet out (in a job); the counted one sends it ready.
    few = queries_of_page(client, count_queries, url)
    grow(app, panel, people, 4, 0)
    assert queries_of_page(client, count_queries, url) == few
