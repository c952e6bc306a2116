from sqlalchemy import select

from hiring.auth.models import Role, User
from hiring.extensions import db


def user(app, email):
    with app.app_context():
        found = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return found


def test_list_and_add_users(app, client, login, users):
    login(users["admin"])
    page = client.get("/admin/users").get_data(as_text=True)
    assert users["manager"].email in page and users["interviewer"].email in page
    r = client.post(
        "/admin/users",
        data={
            "name": "New <i>Hire</i>",
            "email": "New@Example.com",
            "role": "manager",
            "password": "long enough pass",
        },
    )
    assert r.status_code == 302
    added = user(app, "new@example.com")
    assert added.role is Role.MANAGER and added.name == "New <i>Hire</i>"
    assert "New &lt;i&gt;Hire&lt;/i&gt;" in client.get("/admin/users").get_data(as_text=True)
    assert (
        client.post(
            "/login", data={"email": "new@example.com", "password": "long enough pass"}
        ).status_code
        == 302
    )


def test_add_user_validation(app, client, login, users):
    login(users["admin"])
    r = client.post(
        "/admin/users",
        data={"name": "", "email": users["manager"].email, "role": "owner", "password": "short"},
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "A user with this e-mail already exists." in page
    assert "Not a valid choice." in page
    assert "Use at least 12 characters." in page
    r = client.post(
        "/admin/users",
        data={
            "name": "X",
            "email": "not-an-address",
            "role": "manager",
            "password": "long enough pass",
        },
    )
    assert "Invalid email address." in r.get_data(as_text=True)


def test_change_role_and_deactivate(app, client, login, users):
    login(users["admin"])
    target = users["interviewer"]
    client.post(f"/admin/users/{target.id}/role", data={f"u{target.id}-role": "manager"})
    assert user(app, target.email).role is Role.MANAGER
    client.post(f"/admin/users/{target.id}/active")
    assert user(app, target.email).active is False
    client.post(f"/admin/users/{target.id}/active")
    assert user(app, target.email).active is True


def test_admin_cannot_demote_or_deactivate_themselves(app, client, login, users):
    admin = users["admin"]
    login(admin)
    r = client.post(
        f"/admin/users/{admin.id}/role",
        data={f"u{admin.id}-role": "interviewer"},
        follow_redirects=True,
    )
    assert "You cannot change your own role" in r.get_data(as_text=True)
    r = client.post(f"/admin/users/{admin.id}/active", follow_redirects=True)
    assert "You cannot deactivate yourself." in r.get_data(as_text=True)
    assert user(app, admin.email).role is Role.ADMIN and user(app, admin.email).active


def test_unknown_user_is_404(client, login, users):
    login(users["admin"])
    assert client.post("/admin/users/9999/active").status_code == 404


def test_audit_log_lists_events(client, login, users):
    login(users["admin"])
    client.post(f"/admin/users/{users['interviewer'].id}/active")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.deactivate" in page and users["admin"].email in page
