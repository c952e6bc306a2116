"""The managers' weekly digest: once per week from Monday 08:00, about the openings whose
hiring team each is on, not to those who turned it off, none when there is nothing."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from hiring.auth.models import Role, User
from hiring.debrief.digest import DigestSent, send_digests, week_of
from hiring.extensions import db
from hiring.interviews import applications
from hiring.interviews import operations as ops
from hiring.interviews.models import Candidate
from hiring.kits.models import KitVersion
from hiring.mail import OutgoingMail
from hiring.openings import operations as opening_ops
from hiring.openings.models import Opening, TeamRole
from hiring.scorecards import operations as scorecard_ops
from tests.openings import opened

MONDAY = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)  # a Monday, after 08:00 (UTC here)


def test_the_week_begins_on_monday_at_eight():
    assert MONDAY.isoweekday() == 1
    assert week_of(MONDAY.replace(hour=7, minute=59)) is None
    assert week_of(MONDAY.replace(hour=8)) == "2026-W51"
    assert week_of(MONDAY + timedelta(days=6)) == "2026-W51"  # Sunday: still that week


def digests(app) -> list[OutgoingMail]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.kind == "digest").order_by(OutgoingMail.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_one_digest_a_week_about_ones_own_openings(app, plan_kit, hiring_manager, make_user):
    panelist = make_user(Role.INTERVIEWER, name="Pat Panelist")
    elsewhere = make_user(Role.MANAGER, name="Other Manager")
    quiet_one = make_user(Role.MANAGER, name="Opted Out")
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        version = db.session.get(KitVersion, plan_kit)
        people = [db.session.get(User, panelist.id)]
        done = applications.apply(Candidate(name="Dana Done"), opening)
        interview = ops.schedule(
            done.candidate,
            version,
            MONDAY - timedelta(days=3),
            people,
            application=done,
            planned=opening.planned[0],
        )
        scorecard = interview.scorecards[0]
        changes = {f"item:{i.id}:notes": "N" for i in version.items}
        changes |= {"recommendation": "yes", "summary": "S"}
        for kc in version.competencies:
            changes |= {f"rating:{kc.id}:value": 3, f"rating:{kc.id}:evidence": "E"}
        scorecard_ops.save(scorecard.id, panelist.id, 0, changes, 10_000)
        scorecard_ops.submit(scorecard)
        late = applications.apply(Candidate(name="Lee Late"), opening)
        ops.schedule(
            late.candidate,
            version,
            MONDAY - timedelta(days=2),
            people,
            application=late,
            planned=opening.planned[0],
        )
        # Someone on the team who turned the digest off.
        opening_ops.set_team(
            opening,
            opening.version,
            {
                TeamRole.HIRING_MANAGER: [db.session.get(User, hiring_manager.id)],
                TeamRole.RECRUITER: [db.session.get(User, quiet_one.id)],
            },
        )
        db.session.get(User, quiet_one.id).email_digest = False
        db.session.commit()
    with app.test_request_context():
        assert send_digests(MONDAY) == [hiring_manager.email]
        # Again, and later in the week: nothing more.
        assert send_digests(MONDAY + timedelta(hours=1)) == []
        assert send_digests(MONDAY + timedelta(days=3)) == []
    (mail,) = digests(app)
    assert mail.to_address == hiring_manager.email
    assert mail.subject == ("Your openings this week: 1 decision waiting, 1 overdue scorecard")
    assert "Dana Done, Backend engineer: every scorecard in since" in mail.text
    assert "Pat Panelist on Lee Late" in mail.text
    assert "/applications/" in mail.text and "Turn this digest off" in mail.text
    with app.app_context():
        # The manager of no opening had nothing to hear: the week is claimed, no mail.
        claims = dict(db.session.execute(select(DigestSent.user_id, DigestSent.queued)).all())
        assert claims == {hiring_manager.id: True, elsewhere.id: False}
    # The next week, a new digest.
    with app.test_request_context():
        assert send_digests(MONDAY + timedelta(days=7)) == [hiring_manager.email]
    assert len(digests(app)) == 2


def test_a_quiet_opening_is_named(app, plan_kit, hiring_manager):
    with app.app_context():
        opened(plan_kit, hiring_manager.id)
    with app.test_request_context():
        # Three weeks on, nothing moved and nothing was scheduled.
        assert send_digests(MONDAY + timedelta(days=21)) == [hiring_manager.email]
    (mail,) = digests(app)
    assert "no move and nothing scheduled for two weeks" in mail.text
    assert "Backend engineer" in mail.text


def test_the_command_sends_them(app, runner, plan_kit, hiring_manager, time_machine):
    time_machine.move_to(MONDAY + timedelta(days=21))  # three quiet weeks on
    with app.app_context():
        opened(plan_kit, hiring_manager.id)
        db.session.execute(OutgoingMail.__table__.delete())
        db.session.commit()
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "digest(s) queued" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DigestSent)) == 1


def test_a_manager_turns_the_digest_off(app, client, login, hiring_manager, make_user):
    login(hiring_manager)
    page = client.get("/account/settings").get_data(as_text=True)
    assert "weekly digest" in page
    client.post("/account/settings", data={"time_zone": "", "email_reminders": "y"})
    with app.app_context():
        assert db.session.get(User, hiring_manager.id).email_digest is False
    interviewer = make_user(Role.INTERVIEWER)
    login(interviewer)
    assert "weekly digest" not in client.get("/account/settings").get_data(as_text=True)
    client.post("/account/settings", data={"time_zone": "", "email_reminders": "y"})
    with app.app_context():
        assert db.session.get(User, interviewer.id).email_digest is True
