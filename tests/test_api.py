"""The API over HTTP: tokens made on their pages and shown once, scopes, the browser's
rules for personal tokens (their openings, independence, confidential openings), the
Harvest shape, problem details for every error, ETags, audit, rate limits, and the
OpenAPI 3.1 document that describes every route."""

import base64
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from sqlalchemy import func, select

from hiring.api import harvest
from hiring.api import tokens as tokens_module
from hiring.api.models import ApiToken
from hiring.audit.models import AuditEvent
from hiring.auth.models import User
from hiring.extensions import db, utcnow
from hiring.interviews import operations as ops
from hiring.interviews.models import Application, Candidate, Interview, Scorecard
from hiring.kits.models import KitVersion
from hiring.openings.models import Opening
from tests.test_confidential import Hiring, _submit


@pytest.fixture
def hiring(app, plan_kit, make_user) -> Hiring:
    return Hiring(app, plan_kit, make_user)


def make_token(app, hiring, user, scopes, service=False) -> str:
    """A token made on its page, as a person would; the secret read off the page."""
    client = hiring.client(app, user)
    url = "/admin/api-tokens" if service else "/account/tokens"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        data={"name": f"{user.name}'s sync", "scopes": scopes, "days": 90, "csrf_token": ""},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text[:2000]
    assert response.headers["Cache-Control"] == "no-store"
    (secret,) = re.findall(r'<code class="token-secret">(hk_[\w-]+)</code>', text)
    # Shown once: not on the next visit, and only its digest is kept.
    assert secret not in client.get(url).get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.digest)).all()
        assert secret not in stored and all(len(d) == 64 for d in stored)
    return secret


def call(client, secret, url, **headers):
    return client.get(url, headers={"Authorization": f"Bearer {secret}", **headers})


def test_a_personal_token_reads_what_its_user_reads(app, hiring):
    secret = make_token(
        app, hiring, hiring.hana, ["openings:read", "candidates:read", "scorecards:read"]
    )
    api = app.test_client()
    openings = call(api, secret, "/api/v1/openings").get_json()
    assert [o["title"] for o in openings["data"]] == ["Backend engineer"]
    assert openings["data"][0]["stages"][0]["interviews"][0]["title"] == "Screen interview"
    assert call(api, secret, f"/api/v1/openings/{hiring.secret}").status_code == 404
    candidates = call(api, secret, "/api/v1/candidates").get_json()["data"]
    assert [c["name"] for c in candidates] == ["Dee Dual"]
    # Dee's application to the confidential opening is not there.
    assert [a["opening_id"] for a in candidates[0]["applications"]] == [hiring.backend]
    cards = call(api, secret, f"/api/v1/scorecards?candidate_id={hiring.dee}").get_json()
    assert [c["interviewer"]["name"] for c in cards["data"]] == ["Ivy Interviewer"]
    card = cards["data"][0]
    assert card["recommendation"] == "yes" and card["ratings"][0]["value"] == 3
    assert call(api, secret, f"/api/v1/scorecards?candidate_id={hiring.sam}").status_code == 404


def test_a_service_token_reads_everything_within_its_scopes(app, hiring):
    secret = make_token(app, hiring, hiring.admin, ["openings:read", "users:read"], service=True)
    api = app.test_client()
    titles = {o["title"] for o in call(api, secret, "/api/v1/openings").get_json()["data"]}
    assert "Chief technology officer" in titles and "Backend engineer" in titles
    users = call(api, secret, "/api/v1/users?limit=2").get_json()
    assert len(users["data"]) == 2 and users["next_cursor"]
    rest = call(api, secret, f"/api/v1/users?cursor={users['next_cursor']}").get_json()
    assert {u["id"] for u in rest["data"]}.isdisjoint({u["id"] for u in users["data"]})
    refused = call(api, secret, "/api/v1/candidates")
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"] == "This token lacks the scope candidates:read."


def test_independence_holds_for_a_personal_token(app, hiring, plan_kit):
    """Ivy has a scorecard pending on a round Pat has scored: Pat's is not hers to read
    until hers is in, through the API as in the browser."""
    with app.app_context():
        application = db.session.get(Application, hiring.dee_backend)
        version = db.session.get(KitVersion, plan_kit)
        interview = ops.schedule(
            application.candidate,
            version,
            utcnow() - timedelta(hours=2),
            [db.session.get(User, hiring.ivy.id), db.session.get(User, hiring.pat.id)],
            application=application,
            planned=application.opening.planned[1],
        )
        mine, his = sorted(interview.scorecards, key=lambda s: s.interviewer_id != hiring.ivy.id)
        _submit(his, version, hiring.pat.id)
        db.session.commit()
        mine_id, his_id = mine.id, his.id
    secret = make_token(app, hiring, hiring.ivy, ["scorecards:read"])
    api = app.test_client()
    assert call(api, secret, f"/api/v1/scorecards/{his_id}").status_code == 404
    listed = call(api, secret, f"/api/v1/scorecards?candidate_id={hiring.dee}").get_json()
    assert his_id not in {c["id"] for c in listed["data"]}
    with app.app_context():
        version = db.session.get(KitVersion, plan_kit)
        _submit(db.session.get(Scorecard, mine_id), version, hiring.ivy.id)
        db.session.commit()
    shaped = call(api, secret, f"/api/v1/scorecards/{his_id}/harvest").get_json()
    assert shaped["overall_recommendation"] == "yes"
    assert shaped["submitted_by"]["name"] == "Pat Panelist"
    assert shaped["interview"] == "Onsite interview"
    assert {a["rating"] for a in shaped["attributes"]} == {"yes"}  # 3 of 4 points
    assert shaped["ratings"]["yes"] and shaped["questions"][0]["answer"] == "Evidence"
    merge = call(api, secret, f"/api/v1/scorecards/{his_id}/merge").get_json()
    assert merge["overall_recommendation"] == "YES" and merge["interviewer"] == str(hiring.pat.id)


def test_an_interviewer_token_stays_within_the_role(app, hiring):
    client = hiring.client(app, hiring.ivy)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "scorecards:read" in page and "openings:read" not in page
    forged = client.post(
        "/account/tokens", data={"name": "More", "scopes": ["openings:read"], "days": 90}
    )
    assert forged.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None
    assert client.get("/admin/api-tokens").status_code == 403


def test_errors_are_problem_details(app, hiring):
    secret = make_token(app, hiring, hiring.hana, ["openings:read"])
    api = app.test_client()
    for response, status in [
        (api.get("/api/v1/openings"), 401),
        (call(api, "hk_not-a-token", "/api/v1/openings"), 401),
        (call(api, secret, "/api/v1/openings/999999"), 404),
        (call(api, secret, "/api/v1/openings?limit=0&status=sleeping"), 422),
        (call(api, secret, "/api/v1/openings?cursor=abc"), 422),
        (call(api, secret, "/api/v1/openings?cursor=12345678901"), 422),
        (call(api, secret, "/api/v1/nothing-here"), 404),
    ]:
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["status"] == status and body["detail"]
    assert api.get("/api/v1/openings").headers["WWW-Authenticate"].startswith("Bearer")
    invalid = call(api, secret, "/api/v1/openings?limit=0&status=sleeping").get_json()
    assert set(invalid["errors"]) == {"limit", "status"}
    # A signed-in browser's cookie opens no API door.
    browser = hiring.client(app, hiring.hana)
    assert browser.get("/api/v1/openings").status_code == 401


def test_revoked_and_expired_tokens_are_refused(app, hiring):
    secret = make_token(app, hiring, hiring.hana, ["openings:read"])
    api = app.test_client()
    assert call(api, secret, "/api/v1/openings").status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    hana = hiring.client(app, hiring.hana)
    assert hiring.client(app, hiring.olly).post(f"/api-tokens/{token_id}/revoke").status_code == 404
    assert hana.post(f"/api-tokens/{token_id}/revoke").status_code == 302
    assert call(api, secret, "/api/v1/openings").status_code == 401
    other = make_token(app, hiring, hiring.hana, ["openings:read"])
    with app.app_context():
        for token in db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))):
            token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert call(api, other, "/api/v1/openings").status_code == 401


def test_etags_audit_and_last_use(app, hiring):
    secret = make_token(app, hiring, hiring.hana, ["openings:read"])
    api = app.test_client()
    first = call(api, secret, "/api/v1/openings")
    etag = first.headers["ETag"]
    again = call(api, secret, "/api/v1/openings", **{"If-None-Match": etag})
    assert again.status_code == 304
    with app.app_context():
        calls = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "api.call").order_by(AuditEvent.id)
        ).all()
        assert [c.details["status"] for c in calls] == [200, 304]
        assert calls[0].details["token"] == "Hana Manager's sync"
        assert calls[0].actor_id == hiring.hana.id
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


class TestRateLimit:
    @pytest.fixture
    def config_overrides(self):
        return {"API_RATE_LIMIT": "3 per minute", "RATELIMIT_ENABLED": True}

    def test_calls_are_limited_per_token(self, app, hiring):
        secret = make_token(app, hiring, hiring.hana, ["openings:read"])
        api = app.test_client()
        statuses = [call(api, secret, "/api/v1/openings").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = call(api, secret, "/api/v1/openings")
        assert limited.mimetype == "application/problem+json"
        # Another token has its own count.
        other = make_token(app, hiring, hiring.eve, ["openings:read"])
        assert call(api, other, "/api/v1/openings").status_code == 200


def test_the_openapi_document_describes_every_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    routes = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
    }
    assert routes == set(document["paths"])
    for operations in document["paths"].values():
        for operation in operations.values():
            assert operation["summary"] and "401" in operation["responses"]
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/v1/scorecards/{scorecard_id}/harvest" in page
    assert not re.search(r'(src|href)="https?://', page)


@pytest.mark.parametrize(
    "value, points, expected",
    [
        (1, 4, "definitely_not"),
        (2, 4, "no"),
        (3, 4, "yes"),
        (4, 4, "strong_yes"),
        (3, 5, "mixed"),
        (2, 3, "mixed"),
        (None, 4, "no_decision"),
    ],
)
def test_scale_points_map_onto_harvest_ratings(value, points, expected):
    assert harvest.rating(value, points, False) == expected
    assert harvest.rating(value, points, True) == "no_decision"


def test_nothing_here_answers_with_an_interview_id(app, hiring):
    """An interview id is no scorecard id: the route says nothing of what exists."""
    secret = make_token(app, hiring, hiring.hana, ["scorecards:read"])
    with app.app_context():
        secret_card = db.session.scalar(
            select(Scorecard.id).join(Interview).where(Interview.id == hiring.secret_interview)
        )
    api = app.test_client()
    assert call(api, secret, f"/api/v1/scorecards/{secret_card}").status_code == 404
    assert call(api, secret, f"/api/v1/scorecards/{secret_card}/harvest").status_code == 404


def test_the_command_prints_a_curl_call_with_a_fresh_token(app, runner, hiring):
    result = runner.invoke(args=["api-token", hiring.hana.email, "--scope", "openings:read"])
    assert result.exit_code == 0, result.output
    (secret,) = re.findall(r"hk_[\w-]+", result.output.splitlines()[1])
    assert f"curl -H 'Authorization: Bearer {secret}'" in result.output
    assert "/api/v1/openings" in result.output
    titles = [o["title"] for o in call(app.test_client(), secret, "/api/v1/openings").json["data"]]
    assert titles == ["Backend engineer"]
    refused = runner.invoke(args=["api-token", hiring.ivy.email, "--scope", "openings:read"])
    assert refused.exit_code != 0 and "within its user's role" in refused.output


def service_token(app, hiring, scopes) -> str:
    with app.app_context():
        admin = db.session.get(User, hiring.admin.id)
        _, secret = tokens_module.create("ATS", scopes, 30, admin)
        db.session.commit()
    return secret


def send(client, secret, method, url, body, **headers):
    return client.open(
        url,
        method=method,
        json=body,
        headers={"Authorization": f"Bearer {secret}", **headers},
    )


def test_an_ats_adds_a_candidate_schedules_moves_and_cancels(app, hiring):
    secret = service_token(app, hiring, ["candidates:write", "interviews:write"])
    api = app.test_client()
    body = {"name": "Nia New", "email": "Nia@Example.org", "opening_id": hiring.backend}
    made = send(api, secret, "POST", "/api/v1/candidates", body, **{"Idempotency-Key": "k1"})
    assert made.status_code == 201, made.get_json()
    candidate = made.get_json()
    assert candidate["email"] == "nia@example.org"
    (application,) = candidate["applications"]
    assert application["stage"]["name"] == "Screen"
    # A retry of the same create is answered the same, and nothing is made twice.
    again = send(api, secret, "POST", "/api/v1/candidates", body, **{"Idempotency-Key": "k1"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == candidate
    other = send(
        api, secret, "POST", "/api/v1/candidates", {"name": "Else"}, **{"Idempotency-Key": "k1"}
    )
    assert other.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Candidate.name == "Nia New")) == 1
        planned = db.session.get(Opening, hiring.backend).planned[0].id
    scheduled = send(
        api,
        secret,
        "POST",
        "/api/v1/interviews",
        {
            "application_id": application["id"],
            "planned_interview_id": planned,
            "scheduled_at": "2027-01-12T10:00:00+01:00",
            "panel": [hiring.ivy.id],
        },
    )
    assert scheduled.status_code == 201, scheduled.get_json()
    interview = scheduled.get_json()
    assert interview["scheduled_at"].startswith("2027-01-12T09:00:00")
    assert [p["name"] for p in interview["panel"]] == ["Ivy Interviewer"]
    assert interview["kit"] == "Opening kit" and interview["duration_minutes"] == 60
    moved = send(
        api, secret, "POST", f"/api/v1/applications/{application['id']}/move", {"action": "advance"}
    )
    assert moved.status_code == 200 and moved.get_json()["said"] == "Moved to Onsite."
    stale = send(
        api,
        secret,
        "POST",
        f"/api/v1/applications/{application['id']}/move",
        {"action": "advance", "seen_stage_id": application["stage"]["id"]},
    )
    assert stale.status_code == 409
    cancelled = send(
        api,
        secret,
        "POST",
        f"/api/v1/interviews/{interview['id']}/cancel",
        {"reason": "The candidate took another offer."},
    )
    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled"] is True
    renamed = send(api, secret, "PATCH", f"/api/v1/candidates/{candidate['id']}", {"role": "SRE"})
    assert renamed.get_json()["role"] == "SRE" and renamed.get_json()["name"] == "Nia New"


def test_writes_stay_within_the_token_and_its_user(app, hiring):
    olly = make_token(app, hiring, hiring.olly, ["candidates:write", "interviews:write"])
    api = app.test_client()
    # Another team's candidate and opening are not there for Olly's token.
    refused = send(
        api,
        olly,
        "POST",
        "/api/v1/applications",
        {"candidate_id": hiring.dee, "opening_id": hiring.backend},
    )
    assert refused.status_code == 404
    moved = send(api, olly, "POST", f"/api/v1/applications/{hiring.dee_backend}/move", {})
    assert moved.status_code == 422  # the body is checked first: no action
    moved = send(
        api,
        olly,
        "POST",
        f"/api/v1/applications/{hiring.dee_backend}/move",
        {"action": "advance"},
    )
    assert moved.status_code == 404
    reader = make_token(app, hiring, hiring.hana, ["candidates:read"])
    assert send(api, reader, "POST", "/api/v1/candidates", {"name": "X"}).status_code == 403
    naive = send(
        api,
        service_token(app, hiring, ["interviews:write"]),
        "POST",
        "/api/v1/interviews",
        {
            "application_id": hiring.dee_backend,
            "kit_version_id": 1,
            "scheduled_at": "2027-01-12T10:00:00",
            "panel": [hiring.ivy.id],
        },
    )
    assert naive.status_code == 422 and "scheduled_at" in naive.get_json()["errors"]
    # No interviewer's token writes.
    client = hiring.client(app, hiring.ivy)
    assert "candidates:write" not in client.get("/account/tokens").get_data(as_text=True)


def test_an_ats_reschedules_changes_the_panel_attaches_and_syncs(app, hiring, time_machine):
    secret = service_token(app, hiring, ["candidates:write", "candidates:read", "interviews:write"])
    api = app.test_client()
    time_machine.move_to(utcnow())
    later = (utcnow() + timedelta(seconds=1)).isoformat()
    assert call(api, secret, f"/api/v1/candidates?updated_since={quote(later)}").json["data"] == []
    time_machine.shift(timedelta(minutes=5))
    since = utcnow().isoformat()
    moved = send(
        api,
        secret,
        "POST",
        f"/api/v1/applications/{hiring.dee_backend}/move",
        {"action": "advance"},
    )
    assert moved.status_code == 200
    synced = call(api, secret, f"/api/v1/candidates?updated_since={quote(since)}").json
    assert [c["name"] for c in synced["data"]] == ["Dee Dual"]

    with app.app_context():
        interview_id = db.session.scalar(
            select(Interview.id).where(Interview.application_id == hiring.dee_backend)
        )
    changed = send(
        api,
        secret,
        "PATCH",
        f"/api/v1/interviews/{interview_id}",
        {"scheduled_at": "2027-02-01T15:30:00+00:00", "location": "Room 4"},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["scheduled_at"].startswith("2027-02-01T15:30:00")
    assert changed.json["location"] == "Room 4" and changed.json["duration_minutes"] == 60
    added = send(
        api, secret, "POST", f"/api/v1/interviews/{interview_id}/panel", {"user_id": hiring.pat.id}
    )
    assert {p["name"] for p in added.json["panel"]} == {"Ivy Interviewer", "Pat Panelist"}
    removed = send(
        api, secret, "DELETE", f"/api/v1/interviews/{interview_id}/panel/{hiring.pat.id}", None
    )
    assert [p["name"] for p in removed.json["panel"]] == ["Ivy Interviewer"]

    cv = base64.b64encode(b"Dee Dual, ten years of support.").decode()
    attached = send(
        api,
        secret,
        "POST",
        f"/api/v1/applications/{hiring.dee_backend}/documents",
        {"kind": "cv", "filename": "dee.txt", "content_base64": cv},
    )
    assert attached.status_code == 201, attached.json
    assert attached.json["media_type"] == "text/plain" and attached.json["size"] == 31
    bad = send(
        api,
        secret,
        "POST",
        f"/api/v1/applications/{hiring.dee_backend}/documents",
        {"kind": "cv", "filename": "dee.txt", "content_base64": "not base64!"},
    )
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_an_idempotency_key_is_remembered_for_a_day_then_forgotten(app, hiring):
    """Keys were kept for ever: the table grew with every create, and a key could never
    serve again. Within API_IDEMPOTENCY_HOURS a retry is replayed; after it the key is
    new, and the hourly task deletes what expired."""
    from hiring.api.models import IdempotentRequest
    from hiring.api.writes import forget_old_keys

    secret = service_token(app, hiring, ["candidates:write"])
    api = app.test_client()
    key = {"Idempotency-Key": "daily-1"}
    first = send(api, secret, "POST", "/api/v1/candidates", {"name": "Day One"}, **key)
    assert first.status_code == 201
    with time_machine.travel(utcnow() + timedelta(hours=23)):
        replay = send(api, secret, "POST", "/api/v1/candidates", {"name": "Day One"}, **key)
        assert replay.headers.get("Idempotent-Replayed") == "true"
        with app.app_context():
            assert forget_old_keys() == 0
    with time_machine.travel(utcnow() + timedelta(hours=25)):
        fresh = send(api, secret, "POST", "/api/v1/candidates", {"name": "Day Two"}, **key)
        assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
        assert fresh.get_json()["name"] == "Day Two"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdempotentRequest)) == 1
    with time_machine.travel(utcnow() + timedelta(hours=50)), app.app_context():
        assert forget_old_keys() == 1
        assert db.session.scalar(select(func.count()).select_from(IdempotentRequest)) == 0
