"""Signing in and out, and changing one's own password."""

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from hiring.audit.operations import record, record_repeat
from hiring.auth import operations as ops
from hiring.auth.forms import LoginForm, PasswordForm, SettingsForm
from hiring.auth.passwords import dummy_hash, verify_password
from hiring.domain import DomainError
from hiring.extensions import db, limiter
from hiring.security import EVERYONE, allow, public, safe_next
from hiring.timezones import organisation_zone, zone_aliases, zone_choices

bp = Blueprint("auth", __name__)

ADDRESS_LIMITED = "Too many sign-in attempts from this address. Wait a minute and try again."
ACCOUNT_LIMITED = (
    "Too many failed sign-ins to this account. Wait 15 minutes and try again, or ask an "
    "admin to check the account."
)


def _address_limit() -> str:
    """The sign-in attempts allowed per client address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    """The failed sign-ins allowed per account, from any address."""
    return current_app.config["ACCOUNT_LOGIN_LIMIT"]


def _account_key() -> str:
    """The account a sign-in names, for its own limit."""
    return "account:" + ops.normalise_email(request.form.get("email", ""))[:254]


def _refused(limit) -> None:
    """Record a sign-in refused by a rate limit."""
    record_repeat(
        "user.login_limited", "user", None, limit.key, limit=str(limit.limit), key=limit.key[:300]
    )
    db.session.commit()


def start_session(user) -> None:
    """Sign `user` in on a fresh session: nothing of the session before survives."""
    session.clear()
    login_user(user)
    session["signed_in_at"] = session["seen_at"] = time.time()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], error_message=ADDRESS_LIMITED, on_breach=_refused)
@limiter.limit(
    _account_limit,
    key_func=_account_key,
    methods=["POST"],
    error_message=ACCOUNT_LIMITED,
    deduct_when=lambda response: response.status_code == 401,
    on_breach=_refused,
)
@public
def login():
    """Sign in with e-mail and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    if form.validate_on_submit():
        user = ops.find_user(form.email.data)
        # One full verification whatever the account: unknown, wrong or deactivated
        # answer alike and in about the same time.
        matches = verify_password(user.password_hash if user else dummy_hash(), form.password.data)
        if user is not None and user.active and matches:
            start_session(user)
            record("user.login", "user", user.id)
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("main.index"))
        email = ops.normalise_email(form.email.data)[:254]
        record_repeat("user.login_failed", "user", user.id if user else None, email, email=email)
        db.session.commit()
        flash("That e-mail and password do not match an active account.", "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


@bp.post("/logout")
@allow(EVERYONE)
def logout():
    """Sign out here and on every other device."""
    ops.sign_out_everywhere(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out. Every other session of yours has ended too.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(EVERYONE)
def password():
    """Change one's own password; other sessions end, this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            ops.change_password(user, form.current.data, form.new.data)
        except DomainError as error:
            db.session.rollback()
            for name, message in error.errors.items():
                form[name].errors.append(message)
        else:
            db.session.commit()
            start_session(user)
            flash("Password changed. Every other session of yours has ended.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), (
        422 if request.method == "POST" else 200
    )


@bp.route("/account/settings", methods=["GET", "POST"])
@allow(EVERYONE)
def settings():
    """One's own time zone and e-mail preferences."""
    user = current_user._get_current_object()
    default = organisation_zone().key
    form = SettingsForm(
        time_zone=user.time_zone or "",
        email_reminders=user.email_reminders,
        email_digest=user.email_digest,
    )
    form.time_zone.choices = [
        ("", f"The organisation's ({default})"),
        *zone_choices(keep=user.time_zone),
    ]
    if form.validate_on_submit():
        ops.update_settings(
            user,
            form.time_zone.data or None,
            form.email_reminders.data,
            # Only managers are offered the digest: nobody else's choice changes.
            form.email_digest.data if user.is_manager else user.email_digest,
        )
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form, aliases=zone_aliases()), (
        422 if request.method == "POST" else 200
    )
