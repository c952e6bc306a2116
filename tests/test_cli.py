from sqlalchemy import func, select

from hiring.auth.models import Role, User
from hiring.auth.passwords import verify_password
from hiring.extensions import db


def _user(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_user_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["create-user", "New@Example.com", "--name", "New Person", "--role", "manager"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created manager new@example.com." in result.output
    assert "a long enough password" not in result.output
    user = _user(app, "new@example.com")
    assert user.role is Role.MANAGER and user.name == "New Person"
    with app.app_context():
        assert verify_password(user.password_hash, "a long enough password")


def test_create_user_has_no_password_option(runner):
    result = runner.invoke(
        args=["create-user", "x@example.com", "--name", "X", "--password", "secret"]
    )
    assert result.exit_code != 0
    assert "No such option" in result.output


def test_create_user_refuses_short_password_and_duplicates(app, runner, users):
    short = runner.invoke(args=["create-user", "s@example.com", "--name", "S"], input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    assert _user(app, "s@example.com") is None
    dup = runner.invoke(
        args=["create-user", users["manager"].email, "--name", "Dup"], input="a long password!\n"
    )
    assert dup.exit_code != 0 and "already exists" in dup.output


def test_create_user_refuses_unknown_role(runner):
    result = runner.invoke(
        args=["create-user", "r@example.com", "--name", "R", "--role", "owner"], input="x" * 20
    )
    assert result.exit_code != 0 and "Invalid value for '--role'" in result.output


def test_demo_is_idempotent_and_prints_logins(app, runner, client):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    for email in ("admin@example.com", "manager@example.com", "interviewer@example.com"):
        assert email in second.output
    assert "demo-manager-pass" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 4
    r = client.post(
        "/login", data={"email": "manager@example.com", "password": "demo-manager-pass"}
    )
    assert r.status_code == 302
    # The confidential demo opening is the admin's alone.
    openings = client.get("/openings/").get_data(as_text=True)
    assert "Customer support specialist" in openings or "customer support" in openings.lower()
    assert "Head of customer support" not in openings
    client.post("/logout")
    client.post("/login", data={"email": "admin@example.com", "password": "demo-admin-pass"})
    assert "Head of customer support" in client.get("/openings/").get_data(as_text=True)
