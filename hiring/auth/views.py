"""Signing in and out, and changing one's own password."""

import time

import requests
from authlib.integrations.base_client import OAuthError
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from joserfc.errors import JoseError

from hiring.audit.operations import record, record_repeat
from hiring.auth import operations as ops
from hiring.auth import sso
from hiring.auth.forms import LoginForm, PasswordForm, SettingsForm
from hiring.auth.passwords import dummy_hash, verify_password
from hiring.domain import DomainError
from hiring.extensions import db, limiter
from hiring.security import EVERYONE, allow, public, safe_next
from hiring.timezones import organisation_zone, zone_aliases, zone_choices

bp = Blueprint("auth", __name__)

ADDRESS_LIMITED = "Too many sign-in attempts from this address. Wait a minute and try again."
PAIR_LIMITED = (
    "Too many failed sign-ins to this account from this address. Wait 15 minutes and try "
    "again, or ask an admin to reset the password."
)
ACCOUNT_LIMITED = (
    "Too many failed sign-ins to this account, from many addresses. Wait an hour and try "
    "again, or ask an admin to check the account."
)


def _address_limit() -> str:
    """The sign-in attempts allowed per client address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _pair_limit() -> str:
    """The failed sign-ins allowed per account from one address."""
    return current_app.config["ACCOUNT_ADDRESS_LOGIN_LIMIT"]


def _account_limit() -> str:
    """The failed sign-ins allowed per account, from every address together."""
    return current_app.config["ACCOUNT_LOGIN_LIMIT"]


def _account_key() -> str:
    """The account a sign-in names, for its own limit."""
    return "account:" + ops.normalise_email(request.form.get("email", ""))[:254]


def _pair_key() -> str:
    """The account a sign-in names and the address it comes from, together."""
    return f"{_account_key()}|{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code == 401


def _failed_sign_ins(limit, key, message: str):
    """A limit that counts failed sign-ins only (a 401), per `key`."""
    return limiter.limit(
        limit,
        key_func=key,
        methods=["POST"],
        error_message=message,
        deduct_when=_failed,
        on_breach=_refused,
    )


def _refused(limit) -> None:
    """Record a sign-in refused by a rate limit."""
    record_repeat(
        "user.login_limited", "user", None, limit.key, limit=str(limit.limit), key=limit.key[:300]
    )
    db.session.commit()


def _sso_context() -> dict:
    if not sso.enabled():
        return {"sso_name": None, "sso_only": False, "sso_end": False}
    return {
        "sso_name": sso.provider_name(),
        "sso_only": current_app.config["SSO_ONLY"],
        "sso_end": "sso_end" in session,
    }


def start_session(user) -> None:
    """Sign `user` in on a fresh session: nothing of the session before survives."""
    session.clear()
    login_user(user)
    session["signed_in_at"] = session["seen_at"] = time.time()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], error_message=ADDRESS_LIMITED, on_breach=_refused)
@_failed_sign_ins(_pair_limit, _pair_key, PAIR_LIMITED)
@_failed_sign_ins(_account_limit, _account_key, ACCOUNT_LIMITED)
@public
def login():
    """Sign in with e-mail and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    if form.validate_on_submit() and not sso.passwords_allowed(form.email.data):
        flash(f"Sign in with {sso.provider_name()}: passwords are turned off here.", "error")
        return render_template("auth/login.html", form=form, **_sso_context()), 401
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
    return render_template(
        "auth/login.html", form=form, **_sso_context()
    ), 200 if request.method == "GET" else 401


@bp.post("/logout")
@allow(EVERYONE)
def logout():
    """Sign out here and on every other device."""
    ops.sign_out_everywhere(current_user._get_current_object())
    db.session.commit()
    id_token = session.get("sso_id_token")
    logout_user()
    session.clear()
    flash("You are signed out. Every other session of yours has ended too.", "info")
    if id_token and sso.enabled():
        # Signed in through the provider: the sign-in page offers to end that session
        # too (a link: a form's redirect to another site is refused by the CSP).
        session["sso_end"] = id_token
    return redirect(url_for("auth.login"))


@bp.get("/logout/sso")
@public
def sso_end():
    """End the provider's session too, once, and come back to the sign-in page."""
    id_token = session.pop("sso_end", None)
    ending = (
        sso.end_session_url(id_token, url_for("auth.login", _external=True))
        if id_token and sso.enabled()
        else None
    )
    return redirect(ending or url_for("auth.login"))


@bp.get("/login/sso")
@public
def sso_start():
    """Off to the provider, with state, nonce and PKCE (Authlib keeps them)."""
    if not sso.enabled():
        abort(404)
    session["sso_next"] = safe_next(request.args.get("next", "")) or ""
    return sso.client().authorize_redirect(url_for(".sso_callback", _external=True))


@bp.get("/login/sso/callback")
@public
def sso_callback():
    """Back from the provider: the code exchanged, the ID token checked, the account
    found (or made); refused with why, and nothing signed in, otherwise."""
    if not sso.enabled():
        abort(404)
    try:
        token = sso.client().authorize_access_token()
        user = sso.account_for(sso.claims_of(token))
    except DomainError as error:
        db.session.rollback()
        return _sso_refused(error.message)
    except (OAuthError, JoseError, requests.RequestException, KeyError, ValueError) as error:
        db.session.rollback()
        reason = getattr(error, "description", None) or type(error).__name__
        return _sso_refused(
            f"Signing in with {sso.provider_name()} did not complete ({reason}). Try again."
        )
    following = session.get("sso_next") or ""
    start_session(user)
    session["sso_id_token"] = token.get("id_token", "")
    record("user.login", "user", user.id, method="sso")
    db.session.commit()
    return redirect(safe_next(following) or url_for("main.index"))


def _sso_refused(message: str):
    record_repeat("user.sso_refused", "user", None, message[:300], reason=message[:300])
    db.session.commit()
    flash(message, "error")
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
