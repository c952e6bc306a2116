from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from hiring.audit.operations import record
from hiring.auth.forms import LoginForm
from hiring.auth.operations import find_user
from hiring.auth.passwords import verify_dummy, verify_password
from hiring.extensions import db, limiter
from hiring.security import EVERYONE, allow, public, safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    """The sign-in attempts allowed per client address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    """Sign in with e-mail and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is None:
            verify_dummy(form.password.data)
        if user and user.active and verify_password(user.password_hash, form.password.data):
            login_user(user)
            record("user.login", "user", user.id)
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("main.index"))
        flash("That e-mail and password do not match an active account.", "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


@bp.post("/logout")
@allow(EVERYONE)
def logout():
    """Sign out."""
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
