"""Changes a mutation run made that the suite let pass, each with the test that now fails
on it: overdue and reminder hours swapped, a cancelled interview's download still an
invitation, a draft guide's key blind to a question's competencies, and the dashboard's
lists read whole and cut in Python."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from hiring.documents.kinds import guide_digest
from hiring.extensions import db, utcnow
from hiring.kits.models import KitVersion
from hiring.mail import OutgoingMail
from hiring.questions.models import Question
from hiring.questions.operations import competency_named
from hiring.scorecards import operations as scorecard_ops
from hiring.scorecards.queries import BOARD_SHOWS
from tests.scoring import make_panel


@pytest.mark.parametrize("config_overrides", [{"OVERDUE_HOURS": 6, "REMINDER_HOURS": 48}])
def test_overdue_after_its_hours_and_reminded_once_per_its_own(
    app, users, make_question, config_overrides
):
    """Overdue 6 hours after the interview; reminded again only 48 hours later. With the
    two swapped, a scorecard 10 hours overdue would not be due, or be reminded daily."""
    make_panel(app, make_question, [users["interviewer"]], hours_ago=10)
    with app.app_context():
        assert len(scorecard_ops.remind_overdue(6, 48)) == 1
        with time_machine.travel(utcnow() + timedelta(hours=25)):
            assert scorecard_ops.remind_overdue(6, 48) == []
        with time_machine.travel(utcnow() + timedelta(hours=49)):
            assert len(scorecard_ops.remind_overdue(6, 48)) == 1
        kinds = db.session.scalars(select(OutgoingMail.kind)).all()
        assert kinds.count("reminder") == 2
    # The hourly task and the command read each setting for its own purpose.
    runner = app.test_cli_runner()
    with time_machine.travel(utcnow() + timedelta(hours=100)):
        assert "1 reminder(s) queued" in runner.invoke(args=["send-reminders"]).output
    with time_machine.travel(utcnow() + timedelta(hours=130)):
        assert "0 reminder(s) queued" in runner.invoke(args=["send-reminders"]).output


def test_a_cancelled_interviews_download_cancels_it(app, client, login, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]], hours_ago=-48)
    login(users["manager"])
    before = client.get(f"/interviews/{panel.interview_id}.ics").get_data(as_text=True)
    assert "METHOD:REQUEST" in before
    client.post(f"/interviews/{panel.interview_id}/cancel", data={"reason": "Withdrew"})
    after = client.get(f"/interviews/{panel.interview_id}.ics").get_data(as_text=True)
    assert "METHOD:CANCEL" in after and "METHOD:REQUEST" not in after
    assert "STATUS:CANCELLED" in after
    sequence = lambda text: int(re.search(r"SEQUENCE:(\d+)", text).group(1))  # noqa: E731
    assert sequence(after) > sequence(before)


def test_a_draft_guides_key_follows_its_questions_competencies(app, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]])
    with app.app_context():
        version = db.session.get(KitVersion, panel.kit_version_id)
        before = guide_digest(version)
        question = db.session.get(Question, version.items[0].question_id)
        question.competencies.append(competency_named("Written clarity"))
        db.session.flush()
        db.session.expire(version)
        assert guide_digest(db.session.get(KitVersion, panel.kit_version_id)) != before
        db.session.rollback()


def test_the_dashboards_lists_are_bounded_in_sql(
    app, client, login, users, make_question, count_queries
):
    make_panel(app, make_question, [users["manager"]], hours_ago=72)
    login(users["manager"])
    client.get("/")
    with count_queries() as counter:
        assert client.get("/").status_code == 200
    limited = [
        s for s in counter.statements if "FROM scorecards" in s and re.search(r"\bLIMIT\b", s)
    ]
    # Each of the user's lists, and the team's overdue page.
    assert len(limited) >= len(BOARD_SHOWS) + 1, counter.statements
