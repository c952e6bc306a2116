"""Webhooks to a real receiver on loopback: registered by an admin, signed by the
Standard Webhooks scheme (verified with its reference library), retried until the
receiver is back, resent by hand, refused to private and plain-http addresses unless
allowed; and an ATS that learns of a submission in the browser and reads the scorecard
in the Harvest shape."""

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from hiring import webhooks
from hiring.api import tokens
from hiring.auth.models import Role, User
from hiring.extensions import db, utcnow
from hiring.interviews import applications
from hiring.interviews import operations as ops
from hiring.interviews.models import Candidate, Scorecard
from hiring.kits.models import KitVersion
from hiring.openings.models import Opening
from hiring.scorecards import operations as scorecard_ops
from hiring.webhooks import WebhookDelivery, WebhookEndpoint
from tests.browser import sign_in
from tests.conftest import session_of
from tests.openings import opened


class Receiver:
    """An HTTP server on loopback that keeps what it is sent and answers `status`."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def config_overrides():
    # The test receiver listens on plain http, on loopback.
    return {"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True}


def register(app, admin, url: str, events: list[str]) -> int:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess.update(session_of(admin))
    response = client.post(
        "/admin/webhooks", data={"url": url, "description": "ATS", "events": events}
    )
    assert response.status_code == 302, response.status_code
    with app.app_context():
        return db.session.scalar(select(WebhookEndpoint.id).order_by(WebhookEndpoint.id.desc()))


@pytest.fixture
def pending(app, plan_kit, hiring_manager, make_user):
    """An application with an interview held yesterday, its scorecard filled in by the
    panelist and not yet submitted: (panelist, scorecard id, application id)."""
    panelist = make_user(Role.INTERVIEWER, name="Pat Panelist")
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        application = applications.apply(Candidate(name="Dana Done"), opening)
        version = db.session.get(KitVersion, plan_kit)
        interview = ops.schedule(
            application.candidate,
            version,
            utcnow() - timedelta(days=1),
            [db.session.get(User, panelist.id)],
            application=application,
            planned=opening.planned[0],
        )
        card = interview.scorecards[0]
        changes = {f"item:{i.id}:notes": "Walked through a rollback." for i in version.items}
        changes |= {"recommendation": "strong_yes", "summary": "Hire."}
        for kc in version.competencies:
            changes |= {f"rating:{kc.id}:value": 4, f"rating:{kc.id}:evidence": "Clear."}
        scorecard_ops.save(card.id, panelist.id, 0, changes, 10_000)
        db.session.commit()
        return panelist, card.id, application.id


def submit(app, scorecard_id: int) -> None:
    with app.app_context():
        scorecard_ops.submit(db.session.get(Scorecard, scorecard_id))
        db.session.commit()


def test_an_event_arrives_signed(app, receiver, pending, make_user):
    admin = make_user(Role.ADMIN)
    endpoint_id = register(app, admin, receiver.url, ["scorecard.submitted"])
    panelist, scorecard_id, application_id = pending
    submit(app, scorecard_id)
    ((headers, body),) = receiver.received
    with app.app_context():
        secret = db.session.get(WebhookEndpoint, endpoint_id).secret
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "scorecard.submitted"
    assert payload["data"]["scorecard_id"] == scorecard_id
    assert payload["data"]["application_id"] == application_id
    # A forged body fails the same check.
    with pytest.raises(Exception, match="(?i)signature"):
        Webhook(secret).verify(body.replace(b"scorecard", b"scoreCard"), headers)
    with app.app_context():
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.state == "delivered" and delivery.last_status == 200
        assert delivery.message_id == headers["webhook-id"]


def test_a_receiver_down_for_an_hour_misses_nothing(
    app, receiver, pending, make_user, time_machine
):
    admin = make_user(Role.ADMIN)
    register(app, admin, receiver.url, ["scorecard.submitted", "decision.recorded"])
    receiver.status = 503
    _, scorecard_id, _ = pending
    submit(app, scorecard_id)
    time_machine.move_to(utcnow())
    # Down: each attempt waits longer (5 s, 5 min, 30 min...).
    for wait in (timedelta(seconds=6), timedelta(minutes=6), timedelta(minutes=31)):
        time_machine.shift(wait)
        with app.app_context():
            assert webhooks.deliver_due() == 0
    with app.app_context():
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.attempts == 4 and delivery.state == "retrying"
        assert delivery.next_attempt_at > utcnow() + timedelta(hours=1)
        assert delivery.last_status == 503
    # Back an hour and more later: the next attempt delivers it, once, same message.
    receiver.status = 204
    time_machine.shift(timedelta(hours=2, minutes=1))
    with app.app_context():
        assert webhooks.deliver_due() == 1
        assert webhooks.deliver_due() == 0
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert len(receiver.received) == 5 and len(ids) == 1


def test_given_up_deliveries_are_resent_from_the_log(app, receiver, pending, make_user):
    admin = make_user(Role.ADMIN)
    endpoint_id = register(app, admin, receiver.url, ["scorecard.submitted"])
    receiver.status = 500
    _, scorecard_id, _ = pending
    submit(app, scorecard_id)
    with app.app_context():
        delivery = db.session.scalar(select(WebhookDelivery))
        delivery.attempts = len(webhooks.BACKOFF)
        delivery.next_attempt_at = utcnow()
        db.session.commit()
        webhooks.deliver_due()
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.state == "given up" and delivery.next_attempt_at is None
        delivery_id = delivery.id
    client = app.test_client()
    with client.session_transaction() as sess:
        sess.update(session_of(admin))
    page = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "Given up" in page and "The endpoint answered 500." in page
    receiver.status = 200
    response = client.post(f"/admin/webhooks/deliveries/{delivery_id}/resend")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(WebhookDelivery, delivery_id).state == "delivered"
    assert len({h["webhook-id"] for h, _ in receiver.received}) == 1


def test_only_wanted_events_and_only_committed_changes_are_sent(app, receiver, pending, make_user):
    admin = make_user(Role.ADMIN)
    register(app, admin, receiver.url, ["decision.recorded"])
    _, scorecard_id, _ = pending
    submit(app, scorecard_id)
    with app.app_context():
        # A change rolled back emits nothing.
        webhooks.emit("decision.recorded", {"decision_id": 0})
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert receiver.received == []


@pytest.mark.parametrize(
    "url, said",
    [
        ("http://hooks.example.com/in", "Only https://"),
        ("https://127.0.0.1:9/in", "private or local address"),
        ("https://10.1.2.3/in", "private or local address"),
        ("https://user:pw@hooks.example.com/in", "no user name or password"),
        ("ftp://hooks.example.com/in", "Give an https:// address."),
    ],
)
def test_private_and_plain_addresses_are_refused(app, make_user, url, said):
    app.config.update(WEBHOOK_ALLOW_HTTP=False, WEBHOOK_ALLOW_PRIVATE=False)
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess.update(session_of(admin))
    response = client.post("/admin/webhooks", data={"url": url, "events": ["scorecard.submitted"]})
    assert response.status_code == 422
    assert said in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(WebhookEndpoint.id)) is None


def test_an_ats_learns_of_a_submission_and_reads_it(
    app, live_server, page, receiver, plan_kit, hiring_manager, make_user, console_errors
):
    """An ATS adds a candidate to an opening and schedules their interview through the
    API; the panelist submits in the browser; the ATS gets the signed event, checks it,
    and reads the scorecard in the Harvest shape."""
    admin = make_user(Role.ADMIN)
    panelist = make_user(Role.INTERVIEWER, name="Pat Panelist")
    endpoint_id = register(app, admin, receiver.url, ["scorecard.submitted"])
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        planned = opening.planned[0].id
        scopes = ["candidates:write", "interviews:write", "scorecards:read"]
        _, service = tokens.create("ATS", scopes, 30, db.session.get(User, admin.id))
        db.session.commit()
        secret = db.session.get(WebhookEndpoint, endpoint_id).secret
        opening_id = opening.id
    api = app.test_client()
    auth = {"Authorization": f"Bearer {service}"}
    candidate = api.post(
        "/api/v1/candidates",
        json={"name": "Dana Done", "opening_id": opening_id},
        headers=auth | {"Idempotency-Key": "dana"},
    ).get_json()
    interview = api.post(
        "/api/v1/interviews",
        json={
            "application_id": candidate["applications"][0]["id"],
            "planned_interview_id": planned,
            "scheduled_at": (utcnow() - timedelta(hours=2)).isoformat(),
            "panel": [panelist.id],
        },
        headers=auth,
    ).get_json()
    with app.app_context():
        card = db.session.scalar(select(Scorecard).where(Scorecard.interview_id == interview["id"]))
        version = db.session.get(KitVersion, plan_kit)
        changes = {f"item:{i.id}:notes": "Walked through a rollback." for i in version.items}
        changes |= {"recommendation": "strong_yes", "summary": "Hire."}
        for kc in version.competencies:
            changes |= {f"rating:{kc.id}:value": 4, f"rating:{kc.id}:evidence": "Clear."}
        scorecard_ops.save(card.id, panelist.id, 0, changes, 10_000)
        db.session.commit()
        scorecard_id = card.id

    sign_in(page, live_server, panelist.email)
    page.goto(f"{live_server}/scorecards/{scorecard_id}")
    page.get_by_role("button", name=re.compile("Submit scorecard")).click()
    page.get_by_role("button", name="Submit and lock").click()
    expect(page.get_by_text("Submitted. You can now see the panel's feedback")).to_be_visible()

    ((headers, body),) = receiver.received
    event = Webhook(secret).verify(body, headers)
    assert event["type"] == "scorecard.submitted"
    assert event["data"]["application_id"] == candidate["applications"][0]["id"]
    harvest = api.get(f"/api/v1/scorecards/{event['data']['scorecard_id']}/harvest", headers=auth)
    assert harvest.status_code == 200
    shaped = json.loads(harvest.get_data())
    assert shaped["overall_recommendation"] == "strong_yes"
    assert shaped["submitted_by"]["name"] == "Pat Panelist"
    assert shaped["interview"] == "Screen interview"
    assert {a["rating"] for a in shaped["attributes"]} == {"strong_yes"}
    assert shaped["questions"][0]["answer"] == "Walked through a rollback."
    assert console_errors == []


def test_deliveries_done_with_are_forgotten_after_their_days(app, make_user):
    """The log grew with every event. Deliveries sent or given up over WEBHOOK_KEEP_DAYS
    ago are deleted by an hourly task; one still waiting for its retry stays."""
    from hiring.webhooks import forget_old

    admin = make_user(Role.ADMIN)
    endpoint_id = register(app, admin, "http://127.0.0.1:9/in", ["scorecard.submitted"])
    now = utcnow()
    with app.app_context():
        rows = {
            "sent long ago": {"delivered_at": now - timedelta(days=31)},
            "given up long ago": {"gave_up_at": now - timedelta(days=31)},
            "sent lately": {"delivered_at": now - timedelta(days=2)},
            "waiting": {"next_attempt_at": now + timedelta(minutes=5)},
        }
        for name, when in rows.items():
            db.session.add(
                WebhookDelivery(
                    endpoint_id=endpoint_id,
                    message_id=name.replace(" ", "-"),
                    event=name,
                    payload="{}",
                    created_at=now - timedelta(days=40),
                    **when,
                )
            )
        db.session.commit()
        assert forget_old() == 2
        kept = db.session.scalars(select(WebhookDelivery.event).order_by(WebhookDelivery.event))
        assert kept.all() == ["sent lately", "waiting"]


def test_an_address_that_turns_private_after_the_check_is_never_connected_to(
    app, receiver, pending, make_user, monkeypatch
):
    """DNS rebinding: a name checked public when the endpoint was accepted may answer a
    private address when a delivery goes out. The connection is opened only to an
    address checked as it is opened: here the check at accept time is made to pass (as a
    rebinding name would), and the loopback receiver still gets nothing."""
    admin = make_user(Role.ADMIN)
    endpoint_id = register(app, admin, receiver.url, ["scorecard.submitted"])
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    monkeypatch.setattr(webhooks, "refused", lambda url: None)
    submit(app, pending[1])
    assert receiver.received == []
    with app.app_context():
        delivery = db.session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        )
        assert delivery.delivered_at is None
        assert "127.0.0.1 is a private or local address" in delivery.last_error
    # Allowed again, the same delivery goes out on its retry.
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    with app.app_context():
        db.session.execute(
            webhooks.WebhookDelivery.__table__.update().values(next_attempt_at=utcnow())
        )
        db.session.commit()
        webhooks.deliver_due()
    assert len(receiver.received) == 1
