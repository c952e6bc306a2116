"""With CSRF protection on, as in production: a POST without a valid token changes nothing."""

import pytest
from sqlalchemy import func, select

from hiring.auth.models import User
from hiring.extensions import db


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}


def post_routes(app):
    return sorted(
        r.endpoint
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and r.endpoint != "static"
    )


def test_every_post_route_refuses_a_missing_token(app, client, login, users, world):
    login(users["admin"])
    for endpoint in post_routes(app):
        url = world.url_for(endpoint)
        r = client.post(url, data={"name": "x"})
        if endpoint.startswith("api."):
            # The API takes no CSRF token: a bearer token is its only credential, and
            # the signed-in admin's cookie, sent along as a forged page would, opens
            # nothing.
            assert r.status_code == 401, endpoint
            assert r.mimetype == "application/problem+json"
            continue
        assert r.status_code == 400, endpoint
        assert b"This form has expired or was not sent by this site" in r.data


def test_forged_token_is_refused_and_nothing_changes(app, client, login, users):
    login(users["admin"])
    before = _count_users(app)
    r = client.post(
        "/admin/users",
        data={
            "csrf_token": "forged",
            "email": "new@example.com",
            "name": "New",
            "role": "manager",
            "password": "a long enough password",
        },
    )
    assert r.status_code == 400
    assert _count_users(app) == before


def test_login_form_carries_a_token_that_works(client, users):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": users["manager"].email,
            "password": "correct horse battery",
        },
    )
    assert r.status_code == 302


def _count_users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))
