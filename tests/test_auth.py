import pytest
from sqlalchemy import select

from hiring import create_app
from hiring.audit.models import AuditEvent
from hiring.auth.models import Role, User
from hiring.auth.passwords import hash_password
from hiring.extensions import db

PASSWORD = "correct horse battery"


def sign_in(client, email, password=PASSWORD, next_=""):
    return client.post("/login", data={"email": email, "password": password, "next": next_})


def test_login_and_logout(client, users):
    r = sign_in(client, users["manager"].email)
    assert r.status_code == 302 and r.headers["Location"] == "/"
    page = client.get("/")
    assert b"Welcome, Manager" in page.data
    r = client.post("/logout")
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_logout_is_not_a_get(client, login, users):
    login(users["manager"])
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_email_is_case_insensitive(client, users):
    assert sign_in(client, users["manager"].email.upper()).status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_message(client, users):
    wrong = sign_in(client, users["manager"].email, "not the password")
    unknown = sign_in(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    message = b"That e-mail and password do not match an active account."
    assert message in wrong.data and message in unknown.data
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user(Role.MANAGER, active=False)
    assert sign_in(client, user.email).status_code == 401


def test_deactivated_users_live_session_stops_on_next_request(app, client, users):
    sign_in(client, users["interviewer"].email)
    assert client.get("/").status_code == 200
    with app.app_context():
        db.session.get(User, users["interviewer"].id).active = False
        db.session.commit()
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_login_required_everywhere_but_login_and_static(client):
    r = client.get("/admin/users")
    assert r.status_code == 302
    assert r.headers["Location"] == "/login?next=/admin/users"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/admin/users", "/admin/users"),
        ("/admin/audit?page=2", "/admin/audit?page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirects_only_to_this_site(client, users, target, expected):
    r = sign_in(client, users["admin"].email, next_=target)
    assert r.headers["Location"] == expected


def test_session_cookie_flags(client, users):
    r = sign_in(client, users["manager"].email)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.mark.parametrize("config_overrides", [{"HTTPS": True}])
def test_session_cookie_is_secure_over_https(client, users, config_overrides):
    r = sign_in(client, users["manager"].email)
    assert "Secure" in r.headers["Set-Cookie"]
    assert "max-age=" in r.headers["Strict-Transport-Security"]


def test_successful_login_is_audited(app, client, users):
    sign_in(client, users["manager"].email)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.login")
        ).one()
        assert event.actor_id == users["manager"].id


def test_passwords_are_argon2id(app, users):
    with app.app_context():
        assert db.session.get(User, users["manager"].id).password_hash.startswith("$argon2id$")


def test_production_argon2_parameters_meet_owasp(tmp_path):
    """With no overrides, hashes use OWASP's argon2id setting: 19 MiB, 2 passes, 1 lane."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        parameters = hash_password("correct horse battery").split("$")[3]
    assert dict(p.split("=") for p in parameters.split(",")) == {
        "m": "19456",
        "t": "2",
        "p": "1",
    }


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}]
)
def test_login_attempts_are_rate_limited(client, users, config_overrides):
    for _ in range(3):
        assert sign_in(client, users["manager"].email, "wrong").status_code == 401
    r = sign_in(client, users["manager"].email)
    assert r.status_code == 429
    assert b"Too many sign-in attempts from this address" in r.data


def test_the_time_zone_list_is_current_zones_with_their_offsets(client, login, users):
    login(users["interviewer"])
    page = client.get("/account/settings").get_data(as_text=True)
    options = page[
        page.index('id="time_zone"') : page.index("</select>", page.index('id="time_zone"'))
    ]
    # Old aliases are not offered; current zones are, with their UTC offset.
    assert "US/Eastern" not in options and "Asia/Calcutta" not in options
    assert "America/New_York" in options and "Asia/Kolkata" in options
    assert "(UTC+05:30) Asia/Kolkata" in options
    # The page offers the device's own zone (read by the page's script).
    assert "data-device-zone" in page
