"""Interviews as teams run them: changes, cancellation, panel changes, calendar
invitations and e-mail, received by a real SMTP server and parsed."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from hiring import mail
from hiring.auth.models import Role
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate, Interview, ItemNote, Scorecard
from hiring.kits import operations as kit_ops
from hiring.kits.models import KitVersion
from hiring.mail import OutgoingMail
from hiring.questions.models import Question
from hiring.scorecards import operations as ops
from tests import mailbox
from tests.scoring import complete
from tests.test_tasks import run_queued


@pytest.fixture(scope="module")
def smtp():
    controller, inbox = mailbox.start(mailbox.free_port())
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(smtp):
    smtp[1].clear()
    return smtp[1]


@pytest.fixture
def config_overrides(smtp):
    # Mail waits in its queue until a test delivers it (a worker would, after the commit).
    return {
        "TASKS_IMMEDIATE": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp[0].port,
        "MAIL_USE_TLS": False,
        "MAIL_SENDER": "Hiring team <hiring@example.com>",
        "BASE_URL": "https://hiring.example.com",
        "TIME_ZONE": "Europe/London",
    }


@pytest.fixture
def panel_people(make_user):
    return {
        "ann": make_user(Role.INTERVIEWER, email="ann@example.com", name="Ann Archer"),
        "ben": make_user(Role.INTERVIEWER, email="ben@example.com", name="Ben Baker"),
        "cy": make_user(Role.INTERVIEWER, email="cy@example.com", name="Cy Cole"),
    }


@pytest.fixture
def kit(app, make_question):
    """Two published versions of one kit; returns their ids."""
    qid = make_question("Tell me about a hard bug?", competencies=["Debugging"])
    with app.app_context():
        kit = kit_ops.create_kit("Engineer kit", "Engineer", duration=45)
        v1 = kit.versions[0]
        kit_ops.add_question(v1, v1.sections[1], db.session.get(Question, qid))
        kit_ops.rate_suggested(v1)
        kit_ops.publish(v1)
        v2 = kit_ops.draft_of(kit)
        kit_ops.publish(v2)
        candidate = Candidate(name="Casey Candidate", role="Engineer")
        db.session.add(candidate)
        db.session.commit()
        return {"v1": v1.id, "v2": v2.id, "candidate": candidate.id}


def subject(message) -> str:
    """The subject as a mail client shows it (a long one is folded onto its own line)."""
    return str(message["Subject"]).strip()


def deliver(app):
    with app.app_context():
        return mail.deliver_due()


def schedule(client, login, manager, kit, people, when="2026-06-10T14:00", **extra):
    login(manager)
    response = client.post(
        "/interviews/new",
        data={
            "candidate_id": kit["candidate"],
            "kit_version_id": kit["v1"],
            "scheduled_at": when,
            "past_ok": "y",
            "location": "Room 4",
            "link": "https://meet.example.com/abc",
            "panel": [p.id for p in people],
            **extra,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with client.application.app_context():
        return db.session.scalar(select(Interview.id).order_by(Interview.id.desc()))


def test_scheduling_invites_the_panel_with_a_calendar_file(
    app, client, login, users, panel_people, kit, inbox
):
    ann, ben = panel_people["ann"], panel_people["ben"]
    interview_id = schedule(client, login, users["manager"], kit, [ann, ben])
    deliver(app)
    assert sorted(r[0] for r, _ in inbox.messages) == ["ann@example.com", "ben@example.com"]
    message = inbox.to("ann@example.com")[0]
    assert subject(message) == "Interview: Casey Candidate on Wed 10 Jun 2026, 14:00 BST"
    assert message["From"].addresses[0].addr_spec == "hiring@example.com"
    text, html, calendar, method = mailbox.parts(message)
    assert "You are on the interview panel for Casey Candidate" in text
    assert "Join:     https://meet.example.com/abc" in text
    with app.app_context():
        sid = db.session.scalar(select(Scorecard.id).where(Scorecard.interviewer_id == ann.id))
    assert f"https://hiring.example.com/scorecards/{sid}" in text
    assert "<strong>Casey Candidate</strong>" in html
    assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
    event = mailbox.event_of(calendar)
    assert str(event["UID"]) == f"interview-{interview_id}@hiring.example.com"
    assert int(event["SEQUENCE"]) == 0
    # 14:00 in London in June is 13:00 UTC; the kit plans 45 minutes.
    assert event.decoded("DTSTART") == datetime(2026, 6, 10, 13, 0, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    attendees = sorted(str(a) for a in event.get("ATTENDEE"))
    assert attendees == ["mailto:ann@example.com", "mailto:ben@example.com"]
    assert f"/scorecards/{sid}" in str(event["DESCRIPTION"])
    assert "https://meet.example.com/abc" in str(event["DESCRIPTION"])


def test_a_change_sends_an_update_with_a_higher_sequence_and_the_same_uid(
    app, client, login, users, panel_people, kit, inbox
):
    ann = panel_people["ann"]
    interview_id = schedule(client, login, users["manager"], kit, [ann])
    deliver(app)
    first = mailbox.event_of(mailbox.parts(inbox.to("ann@example.com")[0])[2])
    inbox.clear()
    response = client.post(
        f"/interviews/{interview_id}/edit",
        data={
            "kit_version_id": kit["v1"],
            "scheduled_at": "2026-06-11T09:30",
            "past_ok": "y",
            "duration": 60,
            "location": "Room 5",
            "link": "https://meet.example.com/abc",
        },
        follow_redirects=True,
    )
    assert "Saved (time, duration, location); the panel is told." in response.get_data(as_text=True)
    deliver(app)
    message = inbox.to("ann@example.com")[0]
    assert subject(message).startswith("Updated: interview with Casey Candidate on Thu 11 Jun")
    text, _, calendar, method = mailbox.parts(message)
    assert "has changed: time, duration, location" in text
    event = mailbox.event_of(calendar)
    assert method == "REQUEST" and event["UID"] == first["UID"]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(2026, 6, 11, 8, 30, tzinfo=UTC)


def test_cancel_and_restore(app, client, login, users, panel_people, kit, inbox):
    ann, ben = panel_people["ann"], panel_people["ben"]
    interview_id = schedule(
        client, login, users["manager"], kit, [ann, ben], when="2026-01-05T10:00"
    )
    with app.app_context():
        sids = dict(
            db.session.execute(
                select(Scorecard.interviewer_id, Scorecard.id).where(
                    Scorecard.interview_id == interview_id
                )
            ).all()
        )
    # Ann submits; Ben never does: his scorecard is overdue.
    login(ann)
    panel = _panel_of(app, interview_id)
    client.post(f"/scorecards/{sids[ann.id]}/save", json={"base": 0, "changes": complete(panel)})
    assert client.post(f"/scorecards/{sids[ann.id]}/submit").status_code == 302
    login(users["manager"])
    assert "Casey Candidate" in _team_overdue(client)
    deliver(app)
    inbox.clear()

    # No reason: refused, nothing changes.
    page = client.post(
        f"/interviews/{interview_id}/cancel", data={"reason": " "}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Say why it is cancelled" in page
    with app.app_context():
        assert db.session.get(Interview, interview_id).cancelled_at is None

    client.post(f"/interviews/{interview_id}/cancel", data={"reason": "The candidate withdrew."})
    deliver(app)
    for address in ("ann@example.com", "ben@example.com"):
        message = inbox.to(address)[0]
        assert subject(message).startswith("Cancelled: interview with Casey Candidate")
        text, _, calendar, method = mailbox.parts(message)
        assert "Reason: The candidate withdrew." in text
        event = mailbox.event_of(calendar)
        assert method == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1

    # Cancelling twice is refused with a message.
    again = client.post(
        f"/interviews/{interview_id}/cancel", data={"reason": "Again."}, follow_redirects=True
    )
    assert "already cancelled" in again.get_data(as_text=True)

    # Off the overdue lists and the aggregates; the submitted scorecard stays readable.
    assert "Casey Candidate" not in _team_overdue(client)
    candidate = client.get(f"/candidates/{kit['candidate']}").get_data(as_text=True)
    assert "Cancelled" in candidate and "The candidate withdrew." in candidate
    debrief = client.get(f"/candidates/{kit['candidate']}/debrief.json").get_json()
    assert debrief["competencies"] == [] and debrief["progress"].startswith("0 of 0")
    live = client.get(f"/scorecards/{sids[ann.id]}").get_data(as_text=True)
    assert "This interview was cancelled" in live and "stays readable" in live
    login(ben)
    refused = client.post(
        f"/scorecards/{sids[ben.id]}/save", json={"base": 0, "changes": {"summary": "x"}}
    )
    assert refused.status_code == 409 and "cancelled" in refused.get_json()["error"]
    login(ann)
    amend = client.post(
        f"/scorecards/{sids[ann.id]}/amend", data={"reason": "typo"}, follow_redirects=True
    )
    assert "restore it first" in amend.get_data(as_text=True)

    login(users["manager"])
    inbox.clear()
    client.post(f"/interviews/{interview_id}/restore")
    deliver(app)
    message = inbox.to("ben@example.com")[0]
    assert subject(message).startswith("Back on:")
    assert int(mailbox.event_of(mailbox.parts(message)[2])["SEQUENCE"]) == 2
    assert "Casey Candidate" in _team_overdue(client)
    restored = client.post(f"/interviews/{interview_id}/restore", follow_redirects=True)
    assert "not cancelled" in restored.get_data(as_text=True)


def _panel_of(app, interview_id):
    from tests.scoring import Panel

    with app.app_context():
        interview = db.session.get(Interview, interview_id)
        version = interview.kit_version
        return Panel(
            candidate_id=interview.candidate_id,
            interview_id=interview.id,
            scorecards={s.interviewer_id: s.id for s in interview.scorecards},
            items=[i.id for i in version.items],
            competencies=[kc.id for kc in version.competencies],
            scale=[p.value for p in version.scale],
            kit_version_id=version.id,
        )


def _team_overdue(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page.split('id="team-h"')[1].split("</section>")[0]


class TestPanelChanges:
    def test_add_and_remove(self, app, client, login, users, panel_people, kit, inbox):
        ann, ben, cy = panel_people["ann"], panel_people["ben"], panel_people["cy"]
        interview_id = schedule(client, login, users["manager"], kit, [ann, ben])
        deliver(app)
        inbox.clear()
        client.post(f"/interviews/{interview_id}/panel", data={"people": [cy.id]})
        deliver(app)
        # Cy is invited; Ann and Ben get the event with its new attendee list.
        assert sorted(r for (r,), _ in inbox.messages) == [
            "ann@example.com",
            "ben@example.com",
            "cy@example.com",
        ]
        event = mailbox.event_of(mailbox.parts(inbox.to("cy@example.com")[0])[2])
        assert "mailto:cy@example.com" in [str(a) for a in event.get("ATTENDEE")]
        event = mailbox.event_of(mailbox.parts(inbox.to("ann@example.com")[0])[2])
        assert "mailto:cy@example.com" in [str(a) for a in event.get("ATTENDEE")]
        again = client.post(
            f"/interviews/{interview_id}/panel", data={"people": [cy.id]}, follow_redirects=True
        )
        assert again.status_code == 200  # cy is no longer offered; a forged id is refused
        with app.app_context():
            assert (
                db.session.scalar(
                    select(func.count()).where(Scorecard.interview_id == interview_id)
                )
                == 3
            )

        # Cy has not started: removed outright, and told with a cancellation.
        inbox.clear()
        client.post(f"/interviews/{interview_id}/panel/{cy.id}/remove")
        deliver(app)
        message = inbox.to("cy@example.com")[0]
        assert subject(message).startswith("You are off the panel")
        assert mailbox.parts(message)[3] == "CANCEL"
        with app.app_context():
            assert (
                db.session.scalar(select(Scorecard).where(Scorecard.interviewer_id == cy.id))
                is None
            )

        # Ben has a draft: removing him needs a confirmation, and keeps the draft.
        panel = _panel_of(app, interview_id)
        login(ben)
        client.post(
            f"/scorecards/{panel.scorecards[ben.id]}/save",
            json={"base": 0, "changes": {"summary": "Half written."}},
        )
        login(users["manager"])
        refused = client.post(
            f"/interviews/{interview_id}/panel/{ben.id}/remove", follow_redirects=True
        )
        assert "has started a draft. Confirm" in refused.get_data(as_text=True)
        client.post(f"/interviews/{interview_id}/panel/{ben.id}/remove", data={"confirm": "1"})
        with app.app_context():
            kept = db.session.get(Scorecard, panel.scorecards[ben.id])
            assert kept.removed_at is not None and kept.summary == "Half written."
        login(ben)
        live = client.get(f"/scorecards/{panel.scorecards[ben.id]}").get_data(as_text=True)
        assert "taken off this panel" in live and "Half written." in live
        assert (
            client.post(
                f"/scorecards/{panel.scorecards[ben.id]}/save",
                json={"base": 1, "changes": {"summary": "More"}},
            ).status_code
            == 409
        )
        assert (
            "Casey Candidate"
            not in client.get("/").get_data(as_text=True).split('id="overdue-h"')[1]
        )

        # Ann is the last panelist: refused. After she submits she stays on the record.
        login(users["manager"])
        last = client.post(
            f"/interviews/{interview_id}/panel/{ann.id}/remove", follow_redirects=True
        )
        assert "needs at least one panelist" in last.get_data(as_text=True)
        # Ben comes back: his draft with him.
        client.post(f"/interviews/{interview_id}/panel", data={"people": [ben.id]})
        with app.app_context():
            back = db.session.get(Scorecard, panel.scorecards[ben.id])
            assert back.removed_at is None and back.summary == "Half written."
        login(ann)
        client.post(
            f"/scorecards/{panel.scorecards[ann.id]}/save",
            json={"base": 0, "changes": complete(panel)},
        )
        client.post(f"/scorecards/{panel.scorecards[ann.id]}/submit")
        login(users["manager"])
        submitted = client.post(
            f"/interviews/{interview_id}/panel/{ann.id}/remove", follow_redirects=True
        )
        assert "stay on the record" in submitted.get_data(as_text=True)

    def test_the_kit_changes_only_before_anyone_started(
        self, app, client, login, users, panel_people, kit
    ):
        ann = panel_people["ann"]
        interview_id = schedule(client, login, users["manager"], kit, [ann])
        form = {
            "scheduled_at": "2026-06-10T14:00",
            "past_ok": "y",
            "duration": 45,
            "location": "Room 4",
            "link": "https://meet.example.com/abc",
        }
        client.post(f"/interviews/{interview_id}/edit", data=form | {"kit_version_id": kit["v2"]})
        with app.app_context():
            interview = db.session.get(Interview, interview_id)
            assert interview.kit_version_id == kit["v2"]
            assert [s.kit_version_id for s in interview.scorecards] == [kit["v2"]]
            sid = interview.scorecards[0].id
        login(ann)
        client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": {"summary": "Go"}})
        login(users["manager"])
        page = client.post(
            f"/interviews/{interview_id}/edit",
            data=form | {"kit_version_id": kit["v1"]},
            follow_redirects=True,
        )
        assert "a panelist has started their scorecard" in page.get_data(as_text=True)
        with app.app_context():
            assert db.session.get(Interview, interview_id).kit_version_id == kit["v2"]

    def test_a_save_after_the_kit_changed_lands_on_the_new_version(
        self, app, client, login, users, panel_people, kit
    ):
        """A refused save wrote nothing, so the kit may still change; the interviewer's
        next save is checked against, and written on, the new version. (The scorecard is
        made again on it; SQLite may give it the same id.)"""
        ann = panel_people["ann"]
        interview_id = schedule(client, login, users["manager"], kit, [ann])

        def save_url():
            with app.app_context():
                sid = db.session.get(Interview, interview_id).scorecards[0].id
            return f"/scorecards/{sid}/save"

        with app.app_context():
            old, new = (db.session.get(KitVersion, kit[v]).items[0].id for v in ("v1", "v2"))
        login(ann)
        refused = client.post(save_url(), json={"base": 0, "changes": {"item:999999:notes": "x"}})
        assert refused.status_code == 422
        login(users["manager"])
        client.post(
            f"/interviews/{interview_id}/edit",
            data={
                "scheduled_at": "2026-06-10T14:00",
                "past_ok": "y",
                "duration": 45,
                "location": "Room 4",
                "link": "https://meet.example.com/abc",
                "kit_version_id": kit["v2"],
            },
        )
        login(ann)
        url = save_url()
        saved = client.post(url, json={"base": 0, "changes": {f"item:{new}:notes": "On v2"}})
        assert saved.status_code == 200, saved.get_json()
        stale = client.post(url, json={"base": 1, "changes": {f"item:{old}:notes": "On v1"}})
        assert stale.status_code == 422
        assert "not part of this scorecard's kit version" in stale.get_json()["errors"].popitem()[1]
        with app.app_context():
            notes = db.session.execute(
                select(ItemNote.kit_item_id, ItemNote.kit_version_id, ItemNote.notes)
            ).all()
            assert notes == [(new, kit["v2"], "On v2")]


class TestTimeZones:
    def test_entry_and_display_in_the_readers_zone(
        self, app, client, login, users, panel_people, kit
    ):
        ann = panel_people["ann"]
        manager = users["manager"]
        login(manager)
        client.post(
            "/account/settings", data={"time_zone": "America/New_York", "email_reminders": "y"}
        )
        interview_id = schedule(client, login, manager, kit, [ann], when="2026-11-02T09:00")
        with app.app_context():
            stored = db.session.get(Interview, interview_id).scheduled_at
        assert stored == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # EST is UTC-5
        # Shown in the reader's zone, the instant kept for machines.
        shown = '<time datetime="2026-11-02T14:00:00+00:00">02 Nov 2026, 09:00 EST</time>'
        assert shown in client.get(f"/candidates/{kit['candidate']}").get_data(as_text=True)
        edit = client.get(f"/interviews/{interview_id}/edit").get_data(as_text=True)
        assert 'value="2026-11-02T09:00"' in edit and "America/New_York" in edit
        # Ann has no zone of her own: the organisation's, London.
        login(ann)
        assert "02 Nov 2026, 14:00 GMT" in client.get("/").get_data(as_text=True)

    @pytest.mark.parametrize(
        ("when", "message"),
        [
            ("2026-03-29T01:30", "does not exist in Europe/London: the clocks go forward"),
            ("2026-10-25T01:30", "happens twice in Europe/London (BST and GMT)"),
        ],
    )
    def test_a_time_the_clocks_skip_or_repeat_is_refused(
        self, app, client, login, users, panel_people, kit, when, message
    ):
        login(users["manager"])
        response = client.post(
            "/interviews/new",
            data={
                "candidate_id": kit["candidate"],
                "kit_version_id": kit["v1"],
                "scheduled_at": when,
                "past_ok": "y",
                "panel": [panel_people["ann"].id],
            },
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Interview)) == 0

    def test_a_dst_edge_shows_each_time_with_its_own_offset(
        self, app, client, login, users, panel_people, kit
    ):
        # Scheduled in summer time for a day after the clocks go back: the page, read
        # on the Saturday, shows the Monday in GMT and the Friday before in BST.
        with time_machine.travel(datetime(2026, 10, 24, 12, 0, tzinfo=UTC), tick=False):
            friday = schedule(
                client, login, users["manager"], kit, [panel_people["ann"]], when="2026-10-23T09:00"
            )
            monday = schedule(
                client, login, users["manager"], kit, [panel_people["ann"]], when="2026-10-26T09:00"
            )
            page = client.get(f"/candidates/{kit['candidate']}").get_data(as_text=True)
        assert "23 Oct 2026, 09:00 BST" in page and "26 Oct 2026, 09:00 GMT" in page
        with app.app_context():
            assert db.session.get(Interview, friday).scheduled_at.hour == 8
            assert db.session.get(Interview, monday).scheduled_at.hour == 9

    def test_pdfs_say_which_zone_they_use(self, app, client, login, users, panel_people, kit):
        from tests.test_interviews_integrity import pdf_text

        ann = panel_people["ann"]
        interview_id = schedule(
            client, login, users["manager"], kit, [ann], when="2026-06-10T14:00"
        )
        panel = _panel_of(app, interview_id)
        login(ann)
        client.post(
            f"/scorecards/{panel.scorecards[ann.id]}/save",
            json={"base": 0, "changes": complete(panel)},
        )
        client.post(f"/scorecards/{panel.scorecards[ann.id]}/submit")
        text = pdf_text(client.get(f"/scorecards/{panel.scorecards[ann.id]}.pdf").data)
        assert "10 Jun 2026, 14:00 BST" in text
        client.post("/account/settings", data={"time_zone": "Asia/Tokyo"})
        text = pdf_text(client.get(f"/scorecards/{panel.scorecards[ann.id]}.pdf").data)
        assert "10 Jun 2026, 22:00 JST" in text


class TestReminders:
    def _overdue(self, client, login, users, panel_people, kit):
        return schedule(
            client,
            login,
            users["manager"],
            kit,
            [panel_people["ann"], panel_people["ben"]],
            when="2026-01-05T10:00",
        )

    def test_the_command_reminds_once_per_period_and_says_what_it_sent(
        self, app, runner, client, login, users, panel_people, kit, inbox
    ):
        self._overdue(client, login, users, panel_people, kit)
        deliver(app)
        inbox.clear()
        first = runner.invoke(args=["send-reminders"])
        assert first.exit_code == 0, first.output
        assert "Reminded Ann Archer <ann@example.com> about Casey Candidate" in first.output
        assert "2 reminder(s) queued; 2 e-mail(s) sent." in first.output
        message = inbox.to("ann@example.com")[0]
        assert subject(message) == "Reminder: your scorecard for Casey Candidate is overdue"
        text, html, calendar, _ = mailbox.parts(message)
        assert calendar is None and "https://hiring.example.com/scorecards/" in text
        assert "Turn reminders off" in html
        second = runner.invoke(args=["send-reminders"])
        assert "0 reminder(s) queued" in second.output and len(inbox.messages) == 2
        with time_machine.travel(utcnow() + timedelta(hours=25)):
            third = runner.invoke(args=["send-reminders"])
        assert "2 reminder(s) queued" in third.output

    def test_two_runs_at_once_send_each_reminder_once(
        self, app, runner, client, login, users, panel_people, kit, inbox
    ):
        self._overdue(client, login, users, panel_people, kit)
        deliver(app)
        inbox.clear()
        reminded = []
        barrier = threading.Barrier(2)

        def run():
            with app.test_request_context(base_url="https://hiring.example.com"):
                barrier.wait()
                reminded.extend(ops.remind_overdue(24, 24))
                mail.deliver_due()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(reminded) == 2
        assert sorted(r[0] for r, _ in inbox.messages) == ["ann@example.com", "ben@example.com"]
        with app.app_context():
            assert (
                db.session.scalar(select(func.count()).where(OutgoingMail.kind == "reminder")) == 2
            )

    def test_opting_out_and_the_remind_button(
        self, app, runner, client, login, users, panel_people, kit, inbox
    ):
        self._overdue(client, login, users, panel_people, kit)
        login(panel_people["ben"])
        client.post("/account/settings", data={"time_zone": ""})  # reminders unticked
        output = runner.invoke(args=["send-reminders"]).output
        assert "Ann Archer" in output and "Ben Baker" not in output
        login(users["manager"])
        with app.app_context():
            ben_card = db.session.scalar(
                select(Scorecard.id).where(Scorecard.interviewer_id == panel_people["ben"].id)
            )
            ann_card = db.session.scalar(
                select(Scorecard.id).where(Scorecard.interviewer_id == panel_people["ann"].id)
            )
        page = client.post(f"/scorecards/{ben_card}/remind", follow_redirects=True)
        assert "has turned reminder e-mails off" in page.get_data(as_text=True)
        page = client.post(f"/scorecards/{ann_card}/remind", follow_redirects=True)
        assert "was reminded less than 24 hours ago" in page.get_data(as_text=True)
        with time_machine.travel(utcnow() + timedelta(hours=25)):
            login(users["manager"])  # a day later: a new session
            page = client.post(f"/scorecards/{ann_card}/remind", follow_redirects=True)
        assert "Reminder sent to Ann Archer." in page.get_data(as_text=True)


class TestMailFailures:
    @pytest.fixture
    def config_overrides(self):
        return {
            "TASKS_IMMEDIATE": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": mailbox.free_port(),
            "MAIL_USE_TLS": False,
            "MAIL_TIMEOUT": 2,
        }

    def test_an_unreachable_server_keeps_the_message_and_the_manager_sees_it(
        self, app, client, login, users, panel_people, kit
    ):
        schedule(client, login, users["manager"], kit, [panel_people["ann"]])
        result = deliver(app)
        assert result.failed == 1 and result.sent == 0
        with app.app_context():
            message = db.session.scalar(select(OutgoingMail))
            assert message.attempts == 1 and message.sent_at is None
            assert "ConnectionRefusedError" in message.last_error
            retry_at = message.next_attempt_at
        assert deliver(app).failed == 0  # not due yet
        page = client.get("/").get_data(as_text=True)
        assert "E-mail is failing: 1 message is waiting" in page
        with time_machine.travel(retry_at + timedelta(seconds=1)):
            assert deliver(app).failed == 1
        with app.app_context():
            assert db.session.scalar(select(OutgoingMail)).attempts == 2


def test_without_a_mail_server_messages_go_to_the_outbox_folder(
    app, client, login, users, panel_people, kit, tmp_path
):
    app.config["MAIL_SERVER"] = ""
    schedule(client, login, users["manager"], kit, [panel_people["ann"]])
    assert deliver(app).sent == 1
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and b"ann@example.com" in files[0].read_bytes()


def test_header_injection_in_names_is_stripped(app, client, login, users, panel_people, kit, inbox):
    with app.app_context():
        db.session.get(Candidate, kit["candidate"]).name = "Eve\r\nBcc: evil@example.com"
        db.session.commit()
    schedule(client, login, users["manager"], kit, [panel_people["ann"]])
    deliver(app)
    ((rcpt, message),) = inbox.messages
    assert rcpt == ["ann@example.com"] and message["Bcc"] is None
    assert "\n" not in subject(message) and "Eve Bcc: evil@example.com" in subject(message)


@pytest.mark.parametrize(
    ("link", "is_link"),
    [
        ("https://meet.example.com/x", True),
        ("javascript:alert(1)", False),
        ("http://meet.example.com/x", False),
        ("http://localhost:8080/call", True),  # development, without HTTPS
    ],
)
def test_only_safe_links_are_links(app, client, login, users, panel_people, kit, link, is_link):
    interview_id = schedule(client, login, users["manager"], kit, [panel_people["ann"]])
    with app.app_context():
        db.session.get(Interview, interview_id).link = link
        db.session.commit()
    page = client.get(f"/candidates/{kit['candidate']}").get_data(as_text=True)
    assert (f'href="{link}"' in page) is is_link
    assert link.replace("&", "&amp;") in page


def test_calendar_file_for_the_panel_only(app, client, login, users, panel_people, kit):
    interview_id = schedule(client, login, users["manager"], kit, [panel_people["ann"]])
    login(panel_people["ann"])
    response = client.get(f"/interviews/{interview_id}.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    from icalendar import Calendar

    event = mailbox.event_of(Calendar.from_ical(response.data))
    assert "/scorecards/" in str(event["URL"])
    login(panel_people["ben"])
    assert client.get(f"/interviews/{interview_id}.ics").status_code == 403


def test_mail_is_a_task_queued_with_the_commit_and_a_worker_sends_it(
    app, client, login, users, panel_people, kit, inbox
):
    login(users["manager"])
    response = client.post(
        "/interviews/new",
        data={
            "candidate_id": kit["candidate"],
            "kit_version_id": kit["v1"],
            "scheduled_at": "2026-06-10T14:00",
            "past_ok": "y",
            "panel": [panel_people["ann"].id],
        },
    )
    assert response.status_code == 302
    assert inbox.messages == []  # never sent inside the request
    assert run_queued(app) == 1
    assert [r for r, _ in inbox.messages] == [["ann@example.com"]]


def test_a_user_without_a_usable_address_gets_nothing_and_nothing_breaks(app):
    with app.app_context():
        assert mail.queue("reminder", "Nobody", "", "Subject", "text", "<p>html</p>") is None
        assert mail.queue("reminder", "Eve", "eve@x.org\r\nBcc: a@b.c", "S", "t", "h") is None
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 0


def test_cancelling_without_a_reason_says_so_once(app, client, login, users, make_question):
    from tests.scoring import make_panel

    panel = make_panel(app, make_question, [users["interviewer"]])
    login(users["manager"])
    page = client.post(
        f"/interviews/{panel.interview_id}/cancel", data={"reason": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert page.count("Say why it is cancelled") == 1


def test_a_time_in_the_past_asks_first(app, client, login, users, make_question):
    from datetime import timedelta

    from hiring.extensions import utcnow
    from tests.scoring import make_panel

    panel = make_panel(app, make_question, [users["interviewer"]])
    login(users["manager"])
    last_week = (utcnow() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "candidate_id": panel.candidate_id,
        "kit_version_id": panel.kit_version_id,
        "scheduled_at": last_week,
        "panel": [users["interviewer"].id],
    }
    asked = client.post("/interviews/new", data=form)
    assert asked.status_code == 422
    text = asked.get_data(as_text=True)
    assert "is in the past" in text and "It happened already" in text
    done = client.post("/interviews/new", data={**form, "past_ok": "y"})
    assert done.status_code == 302


def test_a_video_link_without_https_is_offered_it(app, client, login, users, make_question):
    from tests.scoring import make_panel

    panel = make_panel(app, make_question, [users["interviewer"]])
    login(users["manager"])
    page = client.post(
        f"/interviews/{panel.interview_id}/edit",
        data={
            "kit_version_id": panel.kit_version_id,
            "scheduled_at": "2030-01-10T10:00",
            "link": "meet.example.com/abc-defg",
        },
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert 'value="https://meet.example.com/abc-defg"' in text
    assert "https:// is added" in text


def test_panel_changes_raise_the_sequence_and_tell_the_panel(
    app, client, login, users, make_question, make_user
):
    """Adding one person and removing another: each change is a new SEQUENCE, the one
    removed gets a CANCEL at the new one, and those staying get the new attendee list."""
    from hiring.mail import OutgoingMail
    from tests.scoring import make_panel

    stays = users["interviewer"]
    joins = make_user(Role.INTERVIEWER, name="Jo Joins", email="jo@example.com")
    panel = make_panel(app, make_question, [stays])
    login(users["manager"])

    def mails():
        with app.app_context():
            rows = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
            # Long iCalendar lines are folded: unfold them to read them.
            return [(m.kind, m.to_address, (m.calendar or "").replace("\r\n ", "")) for m in rows]

    before = len(mails())
    client.post(f"/interviews/{panel.interview_id}/panel", data={"people": [joins.id]})
    added = mails()[before:]
    assert {(k, to) for k, to, _ in added} == {
        ("invitation", "jo@example.com"),
        ("update", stays.email),
    }
    assert all("SEQUENCE:1" in cal for _, _, cal in added)
    update = next(cal for k, _, cal in added if k == "update")
    assert "jo@example.com" in update.lower()
    before = len(mails())
    client.post(f"/interviews/{panel.interview_id}/panel/{joins.id}/remove")
    removed = mails()[before:]
    assert {(k, to) for k, to, _ in removed} == {
        ("removed", "jo@example.com"),
        ("update", stays.email),
    }
    assert all("SEQUENCE:2" in cal for _, _, cal in removed)
    update = next(cal for k, _, cal in removed if k == "update")
    assert "jo@example.com" not in update.lower()
