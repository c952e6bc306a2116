"""The audit log: a row for every event that matters, with who, what, which object, when,
from where and in which request; nothing secret in it; filters on the admin page."""

import io

from sqlalchemy import select

from hiring.audit.models import AuditEvent
from hiring.auth.models import Role
from hiring.extensions import db
from tests.scoring import complete, make_panel
from tests.test_questions_parsing import PAGE

SECRET = "correct horse battery"


def rows(app) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return found


def test_every_event_leaves_a_row(app, client, login, users, make_question, make_user):
    panel = make_panel(app, make_question, [users["interviewer"], users["manager"]])
    sid = panel.scorecards[users["interviewer"].id]
    mine = panel.scorecards[users["manager"].id]
    visitor = make_user(Role.INTERVIEWER, email="visitor@example.com")
    anon = app.test_client()
    anon.post("/login", data={"email": visitor.email, "password": "wrong"})
    anon.post("/login", data={"email": visitor.email, "password": SECRET})
    anon.post("/logout")

    login(users["interviewer"])
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
    client.post(f"/scorecards/{sid}/submit")
    login(users["manager"])
    client.post(f"/scorecards/{mine}/withdraw")
    client.get(f"/scorecards/{sid}.json")
    client.get(f"/scorecards/{sid}.pdf")
    client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    client.get("/questions/export.json")
    client.post(f"/candidates/{panel.candidate_id}/edit", data={"name": "Renamed Person"})
    client.post("/questions/competencies/new", data={"name": "Patience"})
    client.post(
        "/questions/import",
        data={"files": [(io.BytesIO(PAGE.encode()), "page.txt")]},
        content_type="multipart/form-data",
    )
    login(users["interviewer"])
    client.post(f"/scorecards/{sid}/amend", data={"reason": "Typo"})
    client.get("/admin/users")  # refused
    client.post(
        "/account/password",
        data={"current": SECRET, "new": "a longer passphrase", "confirm": "a longer passphrase"},
    )
    login(users["admin"])
    client.post(
        "/admin/users",
        data={
            "email": "new@example.com",
            "name": "New",
            "role": "interviewer",
            "password": "a good long password",
        },
    )
    client.post(
        f"/admin/users/{users['interviewer'].id}/role",
        data={f"u{users['interviewer'].id}-role": "manager"},
    )
    client.post(f"/admin/users/{users['interviewer'].id}/active")
    client.post(f"/candidates/{panel.candidate_id}/delete")

    events = rows(app)
    actions = {e.action for e in events}
    for expected in (
        "user.login_failed",
        "user.login",
        "user.logout",
        "scorecard.submit",
        "scorecard.amend",
        "access.refused",
        "user.password",
        "scorecard.withdraw",
        "scorecard.export",
        "packet.export",
        "bank.export",
        "candidate.update",
        "competency.create",
        "questions.import",
        "user.create",
        "user.role",
        "user.deactivate",
        "candidate.delete",
    ):
        assert expected in actions, expected
    web = [e for e in events if e.actor_label != "command line"]
    assert all(e.request_id and e.address == "127.0.0.1" for e in web)
    formats = {e.details.get("format") for e in events if e.action == "scorecard.export"}
    assert formats == {"json", "pdf"}
    (update,) = [e for e in events if e.action == "candidate.update"]
    assert update.details == {"fields": ["name"]}
    everything = " ".join(f"{e.actor_label} {e.details}" for e in events)
    for secret in (
        SECRET,
        "a longer passphrase",
        "a good long password",
        "Renamed Person",
        "Notes on",
        "Casey",
    ):
        assert secret not in everything, secret
    with app.app_context():
        from hiring.auth.models import User

        tokens = db.session.scalars(select(User.session_token)).all()
    assert not any(token in everything for token in tokens)


def test_command_line_exports_are_recorded(
    app, runner, client, login, users, make_question, tmp_path
):
    panel = make_panel(app, make_question, [users["interviewer"]])
    sid = panel.scorecards[users["interviewer"].id]
    login(users["interviewer"])
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
    client.post(f"/scorecards/{sid}/submit")
    assert (
        runner.invoke(args=["export-questions", "--out", str(tmp_path / "b.json")]).exit_code == 0
    )
    assert runner.invoke(args=["export-packets", "--out", str(tmp_path / "p")]).exit_code == 0
    cli = [(e.action, e.actor_label) for e in rows(app) if e.actor_label == "command line"]
    assert ("bank.export", "command line") in cli and ("packet.export", "command line") in cli


def test_the_admin_page_filters(app, client, login, users, make_user):
    anon = app.test_client()
    for n in range(3):
        anon.post("/login", data={"email": users["manager"].email, "password": f"wrong {n}"})
    anon.post("/login", data={"email": users["interviewer"].email, "password": SECRET})
    login(users["admin"])

    def listed(query: str) -> str:
        page = client.get(f"/admin/audit?{query}")
        assert page.status_code == 200
        return page.get_data(as_text=True).split("<tbody>")[1]

    # Three failures from one address for one account: one row, its repeats counted.
    failed = listed("action=user.login_failed")
    assert failed.count("<code>user.login_failed</code>") == 1
    assert "and 2 more within the hour" in failed
    assert "<code>user.login</code>" not in listed("action=user.login_failed")
    assert listed("action=user.login").count("<tr>") == 2  # one success, one counted failure
    assert listed(f"user={users['interviewer'].email}").count("<code>user.login</code>") == 1
    # three failed sign-ins (one row), and the account's creation
    assert listed(f"subject_type=user&subject_id={users['manager'].id}").count("<tr>") == 2
    assert listed("since=2000-01-01&until=2000-01-02").count("<tr>") == 1  # "nothing"
    assert "Nothing recorded that matches" in listed("since=2000-01-01&until=2000-01-02")
    assert client.get("/admin/audit?subject_id=99999999999&since=notadate").status_code == 200
    login(make_user(Role.MANAGER))
    assert client.get("/admin/audit").status_code == 403
