"""Single sign-on against a real OpenID provider (node-oidc-provider, a certified
implementation, started on loopback), through the whole redirect flow in the browser:
a first sign-in that makes the account, a known account, a disallowed domain, an
unverified e-mail, a forged state, a replayed callback, an expired ID token, the
provider's sign-out, and passwords turned off but for the break-glass admin."""

import re
import socket
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hiring.auth.models import Role, User
from hiring.extensions import db, utcnow

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID, CLIENT_SECRET = "scorecards", "a-test-client-secret-of-some-length"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oidc_port() -> int:
    return _free_port()


@pytest.fixture
def config_overrides(oidc_port):
    return {
        "OIDC_ISSUER": f"http://127.0.0.1:{oidc_port}",
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "Example ID",
        "OIDC_ALLOWED_DOMAINS": "allowed.example",
    }


@pytest.fixture
def provider(live_server, oidc_port):
    """The provider, knowing this app's callback and sign-out return addresses."""
    process = subprocess.Popen(
        [
            "node",
            str(ROOT / "tests" / "oidc" / "provider.mjs"),
            str(oidc_port),
            CLIENT_ID,
            CLIENT_SECRET,
            f"{live_server}/login/sso/callback",
            f"{live_server}/login",
            "3600",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    assert line.startswith("ready"), line
    yield f"http://127.0.0.1:{oidc_port}"
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def to_consent(page, live_server, login: str) -> None:
    """From the app's sign-in page to the provider's last step (its consent)."""
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Sign in with Example ID").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()


def sign_in_at_provider(page, live_server, login: str) -> None:
    to_consent(page, live_server, login)
    page.get_by_role("button", name="Continue").click()


def test_a_first_sign_in_makes_the_account_and_signs_out_at_the_provider(
    app, live_server, provider, page
):
    sign_in_at_provider(page, live_server, "ana.lopez@allowed.example")
    page.wait_for_url(f"{live_server}/")
    expect(page.locator(".topbar")).to_contain_text("ana lopez")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ana.lopez@allowed.example"))
        assert user.role is Role.INTERVIEWER
    page.get_by_role("button", name="Sign out").click()
    # Signed out here, the page offers to end the provider's session too.
    page.get_by_role("link", name="Sign out of Example ID too").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(re.compile(rf"{re.escape(live_server)}/login"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_known_account_is_matched_by_its_email(app, live_server, provider, page, make_user):
    manager = make_user(Role.MANAGER, email="mo@elsewhere.example", name="Mo Manager")
    sign_in_at_provider(page, live_server, "MO@elsewhere.example")
    page.wait_for_url(f"{live_server}/")
    expect(page.locator(".topbar")).to_contain_text("Mo Manager")
    with app.app_context():
        assert db.session.get(User, manager.id).role is Role.MANAGER


@pytest.mark.parametrize(
    "login, said",
    [
        ("bob@other.example", "accounts are not made for other.example addresses"),
        ("unverified@allowed.example", "did not vouch for an e-mail address"),
    ],
)
def test_who_may_not_come_in_is_told_why(app, live_server, provider, page, login, said):
    sign_in_at_provider(page, live_server, login)
    page.wait_for_url(f"{live_server}/login")
    expect(page.locator(".flash-error")).to_contain_text(said)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == login)) is None


def test_a_forged_state_signs_no_one_in(app, live_server, provider, page):
    """The provider sends back a state the app did not make (another browser's, a
    forger's): refused, though the code is good."""
    authorize = []
    page.on(
        "response",
        lambda r: authorize.append(r.headers["location"]) if "/login/sso" in r.url else None,
    )
    page.goto(f"{live_server}/login/sso")
    page.goto(re.sub(r"state=[^&]+", "state=forged", authorize[0]))
    page.locator("input[name=login]").fill("eve@allowed.example")
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server}/login")
    refused = re.compile("did not complete.*state", re.I)
    expect(page.locator(".flash-error")).to_contain_text(refused)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "eve@allowed.example")) is None


def test_a_replayed_callback_signs_no_one_in(app, live_server, provider, page):
    callbacks = []
    page.on("request", lambda r: callbacks.append(r.url) if "/sso/callback" in r.url else None)
    sign_in_at_provider(page, live_server, "rita@allowed.example")
    page.wait_for_url(f"{live_server}/")
    # Its code spent and its state gone: the same address again, in a fresh browser.
    page.context.clear_cookies()
    page.goto(callbacks[0])
    expect(page.locator(".flash-error")).to_contain_text("did not complete")
    assert page.goto(f"{live_server}/").url.startswith(f"{live_server}/login")


def test_an_expired_id_token_is_refused(app, live_server, provider, page, time_machine):
    to_consent(page, live_server, "old@allowed.example")
    # Two hours on when the app reads it: the provider's hour-long ID token has expired.
    time_machine.move_to(utcnow() + timedelta(hours=2))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server}/login")
    refused = re.compile("did not complete.*expired", re.I)
    expect(page.locator(".flash-error")).to_contain_text(refused)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "old@allowed.example")) is None


class TestSsoOnly:
    @pytest.fixture
    def config_overrides(self, oidc_port):
        return {
            "OIDC_ISSUER": f"http://127.0.0.1:{oidc_port}",
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_PROVIDER_NAME": "Example ID",
            "SSO_ONLY": True,
            "SSO_BREAK_GLASS": "glass@example.com",
        }

    def test_passwords_open_only_the_break_glass_account(self, app, client, make_user):
        make_user(Role.MANAGER, email="pat@example.com")
        make_user(Role.ADMIN, email="glass@example.com")
        page = client.get("/login").get_data(as_text=True)
        assert "Sign in with Example ID" in page and "Passwords are turned off" in page
        refused = client.post(
            "/login", data={"email": "pat@example.com", "password": "correct horse battery"}
        )
        assert refused.status_code == 401
        assert "passwords are turned off here" in refused.get_data(as_text=True)
        allowed = client.post(
            "/login", data={"email": "glass@example.com", "password": "correct horse battery"}
        )
        assert allowed.status_code == 302
